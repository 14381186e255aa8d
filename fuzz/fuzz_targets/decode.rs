//! Bytes to model: the whole decode pipeline (unwrap, XML, SAML model, signature records) and
//! every report must never panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samltrace::pipeline::Pipeline;
use samltrace::report;

const AT: &str = "2026-11-02T09:00:00Z";

fuzz_target!(|data: &[u8]| {
    let traces = Pipeline::judging_at(AT.parse().expect("a fixed time")).decode("fuzz", data);
    for t in &traces {
        assert!(t.message.is_some() != t.error.is_some(), "a trace is decoded or failed, never both");
    }
    let _ = report::text::render(&traces);
    let _ = report::json::render_ndjson(&traces);
});
