//! Bytes as a HAR file or SAML-tracer export: the pipeline's streaming scanner and flow assembly
//! and the flow report must never panic, and the sanitiser must either refuse the input or
//! write JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samltrace::pipeline::{Event, Expect, Flow, Pipeline, Source};
use samltrace::redact::sanitize;
use samltrace::report;

fuzz_target!(|data: &[u8]| {
    let pipeline = Pipeline::judging_at("2026-11-02T09:00:00Z".parse().expect("a fixed time"));
    let mut traces = Vec::new();
    let source = Source::Bytes { name: "fuzz", bytes: data };
    let _ = pipeline.run_as(Expect::Capture, source, &mut |event| {
        if let Event::Trace(t) = event {
            traces.push(*t);
        }
        Flow::Continue
    });
    let _ = report::flow::render(&traces);
    let mut out = Vec::new();
    if sanitize(data, &mut out, Some("k")).is_ok() {
        assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok(), "sanitised output is JSON");
    }
});
