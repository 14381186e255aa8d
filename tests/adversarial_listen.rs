//! Hostile and broken clients against `samltrace listen`: each gets a 4xx and exactly one line
//! in the log, never a crash, and the listener serves the next request as before. Each test's
//! doc line names the threat.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::listen::{AT, IDP_CERT, Listening, form_value, read_reply, sample_base64};
use common::run;

/// The lines the listener wrote about refused requests.
fn refusals(l: &Listening) -> Vec<String> {
    l.stderr()
        .lines()
        .filter(|line| line.contains("refused"))
        .map(str::to_owned)
        .collect()
}

/// After whatever happened, the listener still answers and stops cleanly.
fn still_serves(l: Listening) {
    assert_eq!(l.get("/").status, 200, "{}", l.stderr());
    let ended = l.interrupt();
    assert_eq!(ended.status.code(), Some(130), "{}", ended.stderr);
    assert!(!ended.stderr.contains("panicked"), "{}", ended.stderr);
}

/// Threat: a form that is not a SAML binding (a probe, a misconfigured app) must not look like
/// a sign-in.
#[test]
fn a_form_without_saml_response_is_a_400_and_one_line() {
    let l = Listening::start(&[]);
    let reply = l.post_form("/acs", "RelayState=x&username=alice&password=hunter2");
    assert_eq!(reply.status, 400);
    assert!(
        reply.body.contains("no SAMLResponse or SAMLRequest"),
        "{}",
        reply.body
    );
    l.wait_for_stderr("refused", Duration::from_secs(10));
    let lines = refusals(&l);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("refused POST /acs from 127.0.0.1:"),
        "{}",
        lines[0]
    );
    assert!(!l.stderr().contains("hunter2"), "a body is never logged");
    still_serves(l);
}

/// Threat: bytes that are not HTTP at all (a TLS ClientHello, a port scanner) must be refused,
/// not parsed as something else.
#[test]
fn garbage_bytes_are_a_400_and_one_line() {
    let l = Listening::start(&[]);
    let reply = l.send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n");
    assert_eq!(reply.status, 400, "{reply:?}");
    l.wait_for_stderr("refused", Duration::from_secs(10));
    assert_eq!(refusals(&l).len(), 1, "{:?}", refusals(&l));
    still_serves(l);
}

/// Threat: a SAMLResponse value that decodes to nothing (not base64, a broken deflate) must be
/// reported with its stage, not crash the decoder.
#[test]
fn an_undecodable_saml_response_is_a_400_that_names_the_stage() {
    let l = Listening::start(&["--at", AT]);
    let reply = l.post_form("/acs", "SAMLResponse=%%%%not-base64!!&RelayState=x");
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply.body.contains("could not decode"), "{}", reply.body);
    l.wait_for_stderr("listen:1", Duration::from_secs(10));
    let errors: Vec<_> = l
        .stderr()
        .lines()
        .filter(|line| line.contains("listen:1"))
        .map(str::to_owned)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("base64"), "{}", errors[0]);
    still_serves(l);
}

/// Threat: a 10 MB body (memory exhaustion) is refused from its Content-Length, before it is
/// read.
#[test]
fn a_10_mb_body_is_a_413_and_one_line() {
    let l = Listening::start(&[]);
    let body = format!("SAMLResponse={}", "A".repeat(10 << 20));
    let reply = l.post_form("/acs", &body);
    assert_eq!(reply.status, 413, "{}", reply.head);
    assert!(reply.body.contains("1024 KiB"), "{}", reply.body);
    l.wait_for_stderr("refused", Duration::from_secs(10));
    let lines = refusals(&l);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("413 Payload Too Large"), "{}", lines[0]);
    still_serves(l);
}

/// Threat: a slow client (slowloris) holding a connection open, a byte at a time, to tie the
/// listener up; others are served meanwhile and it gets a 408 at the deadline.
#[test]
fn a_slow_client_gets_a_408_and_does_not_hold_up_others() {
    let l = Listening::start(&["--read-timeout", "1"]);
    let mut slow = l.connect();
    slow.write_all(b"POST /acs HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    let started = Instant::now();
    assert_eq!(l.get("/").status, 200, "another client is served meanwhile");
    // A byte every 300 ms: each read is quick, the whole request is not.
    for b in b"X-Slow: aaaaaa" {
        if slow.write_all(&[*b]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
        if started.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    let reply = read_reply(&mut slow);
    assert_eq!(reply.status, 408, "{reply:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    l.wait_for_stderr("refused", Duration::from_secs(10));
    let lines = refusals(&l);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("408 Request Timeout"), "{}", lines[0]);
    still_serves(l);
}

/// Threat: a client that sends a body shorter than its Content-Length and waits (a stalled
/// upload) must not hold a worker for ever.
#[test]
fn a_body_that_never_arrives_gets_a_408() {
    let l = Listening::start(&["--read-timeout", "1"]);
    let reply = l.send(
        b"POST /acs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 5000\r\n\r\nSAMLResponse=PHNhbWxw",
    );
    assert_eq!(reply.status, 408, "{reply:?}");
    still_serves(l);
}

/// Threat: an endless header (memory exhaustion through the head) is cut at 16 KiB.
#[test]
fn a_head_over_16_kib_is_a_431() {
    let l = Listening::start(&[]);
    let mut raw = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
    raw.extend(std::iter::repeat_n(b'a', 64 << 10));
    raw.extend(b"\r\n\r\n");
    let reply = l.send(&raw);
    assert_eq!(reply.status, 431, "{}", reply.head);
    l.wait_for_stderr("refused", Duration::from_secs(10));
    assert_eq!(refusals(&l).len(), 1);
    still_serves(l);
}

/// Threat: request smuggling through a second framing (chunked) the listener does not read.
#[test]
fn a_chunked_body_is_a_501() {
    let l = Listening::start(&[]);
    let reply = l.send(
        b"POST /acs HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\
          Content-Type: application/x-www-form-urlencoded\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    );
    assert_eq!(reply.status, 501, "{reply:?}");
    still_serves(l);
}

/// Threat: DNS rebinding — a page on another site whose name resolves to 127.0.0.1 reading the
/// listener's pages; its requests carry its own Host.
#[test]
fn a_request_for_another_host_name_is_a_403() {
    let l = Listening::start(&[]);
    let reply = l.send(
        b"GET /metadata HTTP/1.1\r\nHost: attacker.example:8088\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(reply.status, 403, "{reply:?}");
    assert!(!reply.body.contains("EntityDescriptor"));
    l.wait_for_stderr("refused", Duration::from_secs(10));
    assert!(
        refusals(&l)[0].contains("Host header"),
        "{:?}",
        refusals(&l)
    );
    still_serves(l);
}

/// Threat: a listener bound where other machines reach it without the admin saying so.
#[test]
fn a_non_loopback_address_is_refused_without_allow_remote() {
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.1:8088"] {
        let out = run(&["listen", "--addr", addr]);
        assert_eq!(out.status.code(), Some(2), "{addr}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a loopback address"), "{addr}: {err}");
        assert!(err.contains("--allow-remote"), "{addr}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

/// Threat: markup in a message (a NameID or attribute an attacker controls) run as script in
/// the page the browser gets.
#[test]
fn markup_in_a_message_reaches_the_page_escaped() {
    use base64::Engine;
    let xml = std::fs::read_to_string("samples/saml2-transient.xml")
        .unwrap()
        .replace(
            "AAdzZWNyZXQxTHO0n6ZbiOn3AVWSK8KG",
            "\"&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;",
        );
    let b64 = base64::engine::general_purpose::STANDARD.encode(&xml);
    let l = Listening::start(&["--at", AT, "--count", "1"]);
    let reply = l.post_form(
        "/acs",
        &format!(
            "SAMLResponse={}&RelayState=%3Cscript%3Ex%3C%2Fscript%3E",
            form_value(&b64)
        ),
    );
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(!reply.body.contains("<script"), "{}", reply.body);
    assert!(!reply.body.contains("<img"), "{}", reply.body);
    assert!(
        reply.body.contains("&lt;script&gt;x&lt;/script&gt;"),
        "{}",
        reply.body
    );
    let csp = reply.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    let _ = l.wait();
}

/// Threat: a flood of requests (a runaway script, a hostile page looping on 127.0.0.1) fills
/// the terminal and the CPU; over the rate it gets 429s and the log says so once a second.
#[test]
fn a_flood_over_the_rate_is_429_and_logged_once() {
    let l = Listening::start(&["--max-rate", "5"]);
    let statuses: Vec<u16> = (0..40).map(|_| l.get("/").status).collect();
    assert!(
        statuses.contains(&200) && statuses.contains(&429),
        "{statuses:?}"
    );
    l.wait_for_stderr("over the rate limit", Duration::from_secs(10));
    let lines: Vec<_> = l
        .stderr()
        .lines()
        .filter(|line| line.contains("over the rate limit"))
        .map(str::to_owned)
        .collect();
    assert!(lines.len() <= 3, "{lines:?}");
    std::thread::sleep(Duration::from_millis(1100));
    still_serves(l);
}

/// Threat: a signature made for one message replayed under another (a tampered assertion):
/// the listener verifies as decode does and says so.
#[test]
fn a_tampered_signed_response_is_shown_as_not_verifying() {
    let l = Listening::start(&[
        "--idp-cert",
        IDP_CERT,
        "--at",
        AT,
        "--count",
        "1",
        "-f",
        "ndjson",
    ]);
    let b64 = sample_base64("samples/dsig/response-sha256-tampered.xml");
    let reply = l.post_form("/acs", &format!("SAMLResponse={}", form_value(&b64)));
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("does not verify"), "{}", reply.body);
    let ended = l.wait();
    let t = &ended.traces()[0];
    assert_eq!(t["signatures"][0]["verified"], false);
    assert_eq!(t["gitlab_verdict"]["outcome"], "refuses");
    assert_eq!(ended.status.code(), Some(1));
}

/// Threat: a client that connects and says nothing must not keep a worker, nor be logged.
#[test]
fn an_idle_connection_is_closed_silently() {
    let l = Listening::start(&["--read-timeout", "1"]);
    let mut idle = l.connect();
    let mut buf = [0u8; 16];
    let started = Instant::now();
    let n = idle.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "closed without a reply");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(refusals(&l).is_empty(), "{:?}", refusals(&l));
    still_serves(l);
}
