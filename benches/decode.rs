//! Decoding throughput: a typical 8 KB signed response to the model, from XML and from base64.
//!
//! `cargo bench --bench decode` prints messages per second on one core for each form.

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine;
use samltrace::pipeline::Pipeline;

/// The Okta-style sample grown with group attributes to about 8 KB of XML.
fn typical_response() -> String {
    let b64 = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/okta-email.b64"
    ))
    .expect("sample");
    let xml = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .expect("base64"),
    )
    .expect("utf8");
    let mut extra = String::new();
    let mut i = 0;
    while xml.len() + extra.len() < 8 * 1024 {
        extra.push_str(&format!(
            "<saml2:Attribute Name=\"department{i}\"><saml2:AttributeValue>Platform engineering team {i}</saml2:AttributeValue></saml2:Attribute>"
        ));
        i += 1;
    }
    xml.replacen(
        "</saml2:AttributeStatement>",
        &format!("{extra}</saml2:AttributeStatement>"),
        1,
    )
}

/// Runs `f` for about two seconds after a warm-up and returns calls per second.
fn rate(mut f: impl FnMut()) -> f64 {
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(300) {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(2) {
        for _ in 0..100 {
            f();
        }
        n += 100;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let xml = typical_response();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&xml);
    if let Some(n) = std::env::var("SAMLTRACE_BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
    {
        // A fixed amount of work, for instruction counts under `valgrind --tool=callgrind`.
        let only_events = std::env::var("SAMLTRACE_BENCH_EVENTS").is_ok();
        let input = if std::env::var("SAMLTRACE_BENCH_BASE64").is_ok() {
            b64.clone()
        } else {
            xml.clone()
        };
        let pipeline = Pipeline::judging_at(at());
        for _ in 0..n {
            if only_events {
                let mut r = quick_xml::reader::NsReader::from_str(black_box(&xml));
                while !matches!(r.read_event(), Ok(quick_xml::events::Event::Eof) | Err(_)) {}
            } else {
                black_box(pipeline.decode("bench", black_box(input.as_bytes())));
            }
        }
        return;
    }
    let pipeline = Pipeline::judging_at(at());
    let check = pipeline.decode("bench", xml.as_bytes());
    assert!(check[0].message.is_some(), "the bench response decodes");
    println!(
        "response: {} bytes of XML, {} bytes of base64",
        xml.len(),
        b64.len()
    );
    for (name, input) in [("xml", xml.as_bytes()), ("base64", b64.as_bytes())] {
        let per_sec = rate(|| {
            black_box(pipeline.decode("bench", black_box(input)));
        });
        println!(
            "decode {name:<7} {per_sec:>10.0} messages/s  ({:.1} µs each)",
            1e6 / per_sec
        );
    }
    // The checks and GitLab's verdict (schema included) on a decoded trace, without decoding.
    let decoded = pipeline.decode("bench", xml.as_bytes()).remove(0);
    let ctx = samltrace::checks::Context::new("2026-11-02T09:01:00Z".parse().expect("time"));
    let check_rate = rate(|| {
        let mut t = decoded.clone();
        t.check(black_box(&ctx));
        black_box(t);
    });
    println!(
        "checks+verdict {check_rate:>10.0} messages/s  ({:.1} µs each)",
        1e6 / check_rate
    );
    let doc_rate = rate(|| {
        black_box(samltrace::xml::Document::parse(black_box(xml.clone())).expect("parses"));
    });
    println!(
        "xml tree only  {doc_rate:>10.0} documents/s  ({:.1} µs each)",
        1e6 / doc_rate
    );
    let events_rate = rate(|| {
        let mut r = quick_xml::reader::NsReader::from_str(black_box(&xml));
        while !matches!(r.read_event(), Ok(quick_xml::events::Event::Eof) | Err(_)) {}
    });
    println!(
        "quick-xml events (the floor) {events_rate:>10.0} documents/s  ({:.1} µs each)",
        1e6 / events_rate
    );
}

/// The instant every message is judged at (the bench response's own time window).
fn at() -> jiff::Timestamp {
    "2026-11-02T09:00:00Z".parse().expect("a fixed time")
}
