//! Verifying a typical signed response in-process: parse, model, verify (canonicalise, hash,
//! RSA-SHA256) and analyse coverage, with the IdP certificate as trust anchor. Also times each
//! stage alone and an encrypted assertion opened with the SP key.
//!
//! `cargo bench --bench verify`. To compare with xmlsec1 on the same file:
//! `hyperfine -N 'xmlsec1 --verify --pubkey-cert-pem samples/keys/idp.crt --id-attr:ID urn:oasis:names:tc:SAML:2.0:protocol:Response samples/dsig/response-sha256.xml'`
//! and the same for `target/release/samltrace samples/dsig/response-sha256.xml --idp-cert samples/keys/idp.crt`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use samltrace::dsig::{Keys, SpKey, Trust, check};
use samltrace::saml::Message;
use samltrace::xml::Document;

fn sample(rel: &str) -> Vec<u8> {
    let path = format!("{}/samples/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn keys(sp_key: bool) -> Keys {
    let mut trust = Trust::new();
    trust
        .add_anchor(&sample("keys/idp.crt"), "idp.crt")
        .unwrap();
    let sp_key = sp_key.then(|| SpKey::from_bytes(&sample("dsig/keys/sp.key"), "sp.key").unwrap());
    Keys {
        trust,
        sp_key,
        ..Keys::default()
    }
}

/// Runs `f` `n` times after a warm-up and prints the median, 90th percentile and mean.
fn measure(name: &str, n: usize, mut f: impl FnMut()) {
    for _ in 0..n / 10 + 1 {
        f();
    }
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let mean = times.iter().sum::<Duration>() / n as u32;
    println!(
        "{name:<44} median {:>9.1} µs   p90 {:>9.1} µs   mean {:>9.1} µs   ({n} runs)",
        micros(times[n / 2]),
        micros(times[n * 9 / 10]),
        micros(mean)
    );
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn full(xml: &str, keys: &Keys) {
    let doc = Document::parse(xml.to_owned()).unwrap();
    let msg = Message::from_document(&doc).unwrap();
    let report = check(&doc, &msg, keys);
    assert!(report.signatures.iter().all(|s| s.verified == Some(true)));
    black_box(report);
}

fn main() {
    let signed = String::from_utf8(sample("dsig/response-sha256.xml")).unwrap();
    let both = String::from_utf8(sample("dsig/both-sha256.xml")).unwrap();
    let encrypted = String::from_utf8(sample("dsig/encrypted-aes256cbc-oaep.xml")).unwrap();
    let anchored = keys(false);
    let with_sp = keys(true);
    println!("response-sha256.xml: {} bytes", signed.len());
    measure("parse + model + verify (signed response)", 2000, || {
        full(&signed, &anchored)
    });
    measure(
        "parse + model + verify (response + assertion)",
        2000,
        || full(&both, &anchored),
    );
    measure("+ decrypt (aes256-cbc, rsa-oaep) + verify", 500, || {
        full(&encrypted, &with_sp)
    });
    measure("parse only", 2000, || {
        black_box(Document::parse(signed.clone()).unwrap());
    });
    let doc = Document::parse(signed.clone()).unwrap();
    let msg = Message::from_document(&doc).unwrap();
    measure("verify only (parsed once)", 2000, || {
        black_box(check(&doc, &msg, &anchored));
    });
}
