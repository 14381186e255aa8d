//! Bytes as a SCIM request log: GitLab's api_json.log (or a Kibana export, JSON or CSV), Entra's
//! provisioning logs (JSON, or any of the three files of its CSV download), Okta's System Log.
//! Every reader may skip records but never panic, and the audit of whatever it read must hold
//! together (every request's person is a row).
#![no_main]

use libfuzzer_sys::fuzz_target;
use samltrace::compare::FixApi;
use samltrace::compare::audit::audit;
use samltrace::scim::entra_csv::File;
use samltrace::scim::log::{ScimRequest, read_log};

fn holds_together(requests: &[ScimRequest]) {
    let users = requests.iter().filter(|r| r.resource == "Users").count();
    let a = audit(requests, &[], &[], &FixApi::default());
    assert!(a.people.len() <= users, "no person without a request");
    assert_eq!(a.people.is_empty(), users == 0);
}

fuzz_target!(|data: &[u8]| {
    let mut requests = Vec::new();
    let Ok(summary) = read_log("fuzz", data, &mut |r| requests.push(r)) else {
        return;
    };
    assert_eq!(summary.requests as usize, requests.len());
    holds_together(&requests);
    let text = String::from_utf8_lossy(data);
    let (entra, _) = samltrace::scim::entra::read("fuzz", &text);
    holds_together(&entra);
    let (okta, _) = samltrace::scim::okta::read("fuzz", &text);
    holds_together(&okta);
    let (kibana, summary) = samltrace::scim::kibana::read("fuzz", &text);
    assert_eq!(summary.requests as usize, kibana.len());
    holds_together(&kibana);
    // The bytes as the three files of Entra's CSV download at once (split at the first two
    // form feeds), and as each alone.
    let mut parts = text.splitn(3, '\u{c}');
    let files: Vec<File<'_>> = ["logs", "modified", "steps"]
        .into_iter()
        .zip(parts.by_ref())
        .map(|(name, text)| File { name, text })
        .collect();
    let (csv, _) = samltrace::scim::entra_csv::read(&files);
    holds_together(&csv);
    let _ = samltrace::scim::entra_csv::part_of(&text);
    let _ = samltrace::scim::okta::looks_like_system_log(&text);
    let _ = samltrace::scim::kibana::looks_like_export(&text);
});
