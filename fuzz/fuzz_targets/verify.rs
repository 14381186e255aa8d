//! Fuzzes signature verification, decryption and the wrapping analysis over arbitrary documents,
//! with a real trust anchor and SP key so the RSA, digest and cipher paths all run. Run with
//! `cargo fuzz run verify samples/dsig` from the crate root (the samples seed the corpus).
//! Nothing may panic, and the work must stay bounded, whatever the input.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use samltrace::dsig::{Keys, SpKey, Trust, check, verify_redirect};
use samltrace::saml::Message;
use samltrace::xml::Document;

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut trust = Trust::new();
        let _ = trust.add_anchor(include_bytes!("../../samples/keys/idp.crt"), "idp.crt");
        let _ = trust.add_fingerprint("AB:C4:04:A6:C2:56:B3:9B:76:F0:34:FB:CF:52:22:1C:CA:DF:77:F9");
        let sp_key = SpKey::from_bytes(include_bytes!("../../samples/dsig/keys/sp.key"), "sp.key").ok();
        Keys {
        trust,
        sp_key,
        ..Keys::default()
    }
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = Document::parse_bytes(data.to_vec())
        && let Ok(msg) = Message::from_document(&doc)
    {
        let _ = check(&doc, &msg, keys());
    }
    // The same bytes as a redirect query: split into its three signed parts.
    if let Ok(text) = std::str::from_utf8(data) {
        let mut parts = text.splitn(3, '\n');
        if let (Some(q), Some(alg), Some(sig)) = (parts.next(), parts.next(), parts.next()) {
            let _ = verify_redirect(q, alg, sig, &keys().trust, "AuthnRequest");
        }
    }
});
