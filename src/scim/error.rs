//! Errors of the identity layer: reading identity lists from files and from GitLab.
//!
//! Every message is one lower-case line that names the input (a path or a URL), the position
//! when there is one, and what was expected. No message ever carries a token or a credential:
//! the client redacts URLs and server text (`redact`) before they land here.

use std::path::PathBuf;

/// Why an identity list could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScimError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: crate::bounded::BoundedError,
    },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The text is not what its format requires, at a position that stops everything (a JSON
    /// syntax error, a CSV header without an id column).
    #[error("{input}: {position}: {problem}")]
    Syntax {
        input: String,
        position: String,
        problem: String,
    },
    #[error("{input}: no usable identity: {why}")]
    Empty { input: String, why: String },
    /// What was given as an identity list is a SAML message (or a capture): it belongs among
    /// the inputs.
    #[error(
        "{input}: this is {what}, not an identity list: give it as an INPUT (samltrace compare --scim LIST {input})"
    )]
    NotAList { input: String, what: &'static str },
    #[error("{input}: unknown format {name:?}: expected one of {expected}")]
    UnknownFormat {
        input: String,
        name: String,
        expected: &'static str,
    },
    #[error("{url}: not a GitLab group or SCIM URL: {why}")]
    Url { url: String, why: String },
    #[error(
        "no token: set SAMLTRACE_TOKEN or pass --token-file FILE (a SCIM token for a SCIM URL, a personal or group access token for a group URL)"
    )]
    NoToken,
    #[error("{path}: not a usable token file: {why}")]
    TokenFile { path: PathBuf, why: String },
    /// GitLab answered with a status that ends the fetch. `meaning` says what it means for this
    /// kind of URL; `detail` is the server's own message, sanitised and redacted.
    #[error("{url}: HTTP {status}: {meaning}{}", detail_suffix(detail))]
    Status {
        url: String,
        status: u16,
        meaning: String,
        detail: Option<String>,
    },
    #[error("{url}: {why}")]
    Transport { url: String, why: String },
    /// The host did not answer in time: it names the host and what it was waiting for.
    #[error(
        "{url}: {host} did not answer within {seconds} s ({waiting}): check the address, the network and any proxy, or give --timeout SECS"
    )]
    Timeout {
        url: String,
        host: String,
        seconds: u64,
        waiting: &'static str,
    },
    #[error("{url}: {why}")]
    BadResponse { url: String, why: String },
    /// The list could not be read whole: never treated as complete.
    #[error("{url}: incomplete list: {why}")]
    Incomplete { url: String, why: String },
}

fn detail_suffix(detail: &Option<String>) -> String {
    match detail {
        Some(d) if !d.is_empty() => format!(" (server said: {d})"),
        _ => String::new(),
    }
}

/// A problem with one row, record or line of an input, which was skipped. The rest of the
/// input is still used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowIssue {
    /// `line 12`, `line 4, Resources[3]`.
    pub position: String,
    pub problem: String,
}

impl std::fmt::Display for RowIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.position, self.problem)
    }
}
