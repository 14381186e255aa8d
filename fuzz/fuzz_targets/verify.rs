//! Fuzzes signature verification, decryption and the wrapping analysis through the pipeline,
//! with a real trust anchor, a fingerprint and an SP key so the RSA, digest and cipher paths all
//! run: documents, and queries carrying the HTTP-Redirect binding's SigAlg and Signature. Run
//! with `cargo fuzz run verify samples/dsig` from the crate root (the samples seed the corpus).
//! Nothing may panic, and the work must stay bounded, whatever the input.

#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use samltrace::checks::Context;
use samltrace::dsig::{Keys, SpKey, Trust};
use samltrace::pipeline::{Config, Pipeline};

fn pipeline() -> &'static Pipeline<'static> {
    static PIPELINE: OnceLock<Pipeline<'static>> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let mut trust = Trust::new();
        let _ = trust.add_anchor(include_bytes!("../../samples/keys/idp.crt"), "idp.crt");
        let _ = trust.add_fingerprint("AB:C4:04:A6:C2:56:B3:9B:76:F0:34:FB:CF:52:22:1C:CA:DF:77:F9");
        let sp_key = SpKey::from_bytes(include_bytes!("../../samples/dsig/keys/sp.key"), "sp.key").ok();
        let at = "2026-11-02T09:00:00Z".parse().expect("a fixed time");
        let config = Config::new(Context::new(at)).with_keys(Arc::new(Keys {
            trust,
            sp_key,
            ..Keys::default()
        }));
        Pipeline::new(config)
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = pipeline().decode("fuzz", data);
});
