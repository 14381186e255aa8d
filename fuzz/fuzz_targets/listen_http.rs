//! Bytes as a request to `samltrace listen`: the head parser (within its limits) and the router
//! may refuse anything, never panic; a head that parses is routed with whatever follows it as
//! its body, and the router's unwrapping of SAML payloads runs on it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samltrace::listen::Limits;
use samltrace::listen::http::{head_end, parse_head};
use samltrace::listen::route::route;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let end = head_end(data).unwrap_or(data.len());
    let (head, body) = data.split_at(end.min(data.len()));
    if let Ok(h) = parse_head(head, &limits) {
        let _ = h.describe();
        let _ = route(&h, body, "http://127.0.0.1:8088");
    }
});
