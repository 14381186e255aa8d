//! Bytes as an identity list file, in every format: sniffed (`Auto`) and forced (SCIM JSON,
//! REST JSON, CSV, plain text, `auth_json.log`, a saved list). No reader may panic or recurse
//! without bound; a list that reads is saved and must read back whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samltrace::scim::{Format, files, parse_identities, render_saved};

const FORMATS: [&str; 7] = ["auto", "scim", "rest", "csv", "text", "auth-log", "samltrace"];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = files::decode_text("fuzz", data) else {
        return;
    };
    let _ = files::sniff(&text);
    for name in FORMATS {
        let format: Format = name.parse().expect("a known format");
        let Ok(list) = parse_identities("fuzz", &text, format) else {
            continue;
        };
        let kept = |l: &samltrace::scim::IdentityList| {
            l.identities
                .iter()
                .filter(|i| i.external_id.is_some() || i.user_name.is_some() || !i.emails.is_empty())
                .count()
        };
        if kept(&list) == 0 {
            continue;
        }
        let saved = render_saved(&list, "2026-11-02T09:00:00Z");
        let back = parse_identities("saved", &saved, Format::Saved).expect("a saved list reads back");
        assert_eq!(kept(&back), kept(&list), "{name}: every identity survives a save");
    }
});
