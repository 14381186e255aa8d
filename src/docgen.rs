//! Generated documentation pages (`docs/checks.md`, `docs/gitlab-messages.md`) kept equal to
//! the tables they come from: each page is a pure function of its table, and a test compares it
//! with the file on disk. `SAMLTRACE_UPDATE_DOCS=1 cargo test <test>` rewrites the file.
//!
//! Test-only; the one place that writes into `docs/`.

use std::path::Path;

/// Fails unless `docs/<page>` equals `generated`; rewrites it first when SAMLTRACE_UPDATE_DOCS
/// is set. `test` names the test to run to regenerate.
pub(crate) fn assert_fresh(page: &str, generated: &str, test: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(page);
    if std::env::var_os("SAMLTRACE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/{page} is out of date: run SAMLTRACE_UPDATE_DOCS=1 cargo test {test}"
    );
}

/// The text of `docs/<page>` as it is on disk (empty when missing).
pub(crate) fn on_disk(page: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(page);
    std::fs::read_to_string(path).unwrap_or_default()
}
