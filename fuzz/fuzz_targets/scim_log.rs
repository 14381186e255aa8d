//! Bytes as GitLab's api_json.log (or a Kibana export, or Entra's provisioning logs): the reader may skip lines but never
//! panic, and the audit of whatever it read must hold together (every request's person is a row).
#![no_main]

use libfuzzer_sys::fuzz_target;
use samltrace::compare::FixApi;
use samltrace::compare::audit::audit;
use samltrace::scim::log::read_log;

fuzz_target!(|data: &[u8]| {
    let mut requests = Vec::new();
    let Ok(summary) = read_log("fuzz", data, &mut |r| requests.push(r)) else {
        return;
    };
    assert_eq!(summary.requests as usize, requests.len());
    let users = requests.iter().filter(|r| r.resource == "Users").count();
    let a = audit(&requests, &[], &[], &FixApi::default());
    // The same bytes as Entra's provisioning logs: read or refused, never a panic.
    let (entra, _) = samltrace::scim::entra::read("fuzz", &String::from_utf8_lossy(data));
    let _ = audit(&entra, &[], &[], &FixApi::default());
    assert!(a.people.len() <= users, "no person without a request");
    assert_eq!(a.people.is_empty(), users == 0);
});
