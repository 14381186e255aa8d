//! The large group the compare and TUI benches share: `n` SCIM identities with GUID-shaped
//! external ids, usernames `user{i}`, emails `user{i}@example.com`, one in fifty inactive.

use samltrace::scim::{Identity, IdentitySource};

/// A GUID-shaped id that differs for every `i`.
pub fn guid(i: u32) -> String {
    let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        i & 0xfff,
        i as u64 * 7919
    )
}

/// `n` identities, each with `origin` "`{input} line {row}`" as a CSV file would give.
pub fn identities(n: u32, input: &str) -> Vec<Identity> {
    (0..n)
        .map(|i| Identity {
            external_id: Some(guid(i)),
            user_name: Some(format!("user{i}")),
            emails: vec![format!("user{i}@example.com")],
            display_name: Some(format!("User {i}")),
            active: Some(i % 50 != 0),
            user_id: Some(u64::from(i) + 1),
            source: IdentitySource::Scim,
            origin: format!("{input} line {}", i + 2),
        })
        .collect()
}
