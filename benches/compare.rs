//! How long `compare` takes for a large group: 100 000 identities, 10 000 NameIDs.
//!
//! Plain `harness = false` main with `std::time::Instant` (no criterion: one figure is wanted,
//! not a statistics suite, and it keeps the dependency tree small). Run with
//! `cargo bench --bench compare`; prints the time to build the index and to judge the NameIDs,
//! and how many of each verdict state came out, so a change that breaks matching shows too.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use samltrace::compare::{Hint, Index};
use samltrace::scim::Identity;

mod common;
use common::guid;

const IDENTITIES: u32 = 100_000;
const NAME_IDS: u32 = 10_000;

fn identities() -> Vec<Identity> {
    common::identities(IDENTITIES, "bench")
}

/// NameIDs of every kind: exact, a changed capital, the email instead of the GUID, unknown.
fn name_ids() -> Vec<(String, Vec<Hint>)> {
    (0..NAME_IDS)
        .map(|k| {
            let i = k * 7 % IDENTITIES;
            let email = format!("user{i}@example.com");
            let name_id = match k % 4 {
                0 => guid(i),
                1 => guid(i).to_uppercase(),
                2 => email.clone(),
                _ => format!("stranger{k}@example.org"),
            };
            let hints = vec![Hint {
                what: "the email attribute (email)".into(),
                value: if k % 4 == 3 { name_id.clone() } else { email },
            }];
            (name_id, hints)
        })
        .collect()
}

fn main() {
    let ids = identities();
    let wanted = name_ids();
    let start = Instant::now();
    let index = Index::new(&ids);
    let built = start.elapsed();
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for (n, hints) in &wanted {
        let verdict = black_box(index.lookup(Some(n), hints));
        *states.entry(verdict.state.as_str()).or_default() += 1;
    }
    let total = start.elapsed();
    println!("identities: {IDENTITIES}, NameIDs: {NAME_IDS}");
    println!("index built in      {:>8.1} ms", built.as_secs_f64() * 1e3);
    println!(
        "NameIDs judged in   {:>8.1} ms",
        (total - built).as_secs_f64() * 1e3
    );
    println!("total               {:>8.1} ms", total.as_secs_f64() * 1e3);
    println!("states: {states:?}");
}
