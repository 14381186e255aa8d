//! Bytes as a HAR file or SAML-tracer export: the streaming scanner, flow assembly and the flow
//! report must never panic, and the sanitiser must either refuse the input or write JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samltrace::checks::Context;
use samltrace::pipeline::flow::Assembler;
use samltrace::redact::sanitize;
use samltrace::capture::{CaptureEvent, scan};
use samltrace::report;

fuzz_target!(|data: &[u8]| {
    let at = "2026-11-02T09:00:00Z".parse().expect("a fixed time");
    let mut assembler = Assembler::new(Context::new(at), false);
    let mut traces = Vec::new();
    let _ = scan("fuzz", data, &mut |event| match event {
        CaptureEvent::Found(found) => traces.push(assembler.trace(*found)),
        CaptureEvent::Skipped(p) => traces.push(assembler.unreadable("fuzz", &p)),
        CaptureEvent::Masked(_) => {}
    });
    let _ = report::flow::render(&traces);
    let mut out = Vec::new();
    if sanitize(data, &mut out, Some("k")).is_ok() {
        assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok(), "sanitised output is JSON");
    }
});
