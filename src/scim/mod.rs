//! Identity lists: who GitLab (or the IdP) says each person is, read from files or from
//! GitLab's SCIM and REST APIs.
//!
//! `model` is the data, `files` reads files (format sniffed or forced). The API client is
//! layered: `remote` (which URL), `paging` (which request next, what a fetch may cost), `page`
//! (reading an answer as it streams) and `retry` (how long to wait) are pure, and every message
//! passes through `crate::redact::urls` (no credential in a message); `gitlab` assembles a list and `http` sends the requests. Only
//! `files::load_file`, `gitlab` and `http` do I/O. Nothing here decides whether a NameID
//! matches, and nothing here imports `compare`: `compare` builds on this.

mod csv;
pub mod entra;
pub mod entra_csv;
mod error;
pub mod files;
pub mod gitlab;
mod http;
mod json;
pub mod kibana;
pub mod log;
pub mod model;
pub mod okta;
mod page;
pub mod paging;
pub mod remote;
pub mod request;
mod rest;
mod retry;

pub use error::{RowIssue, ScimError};
pub use files::{Format, load_file, parse_identities, render_saved, sniff, write_atomically};
pub use gitlab::{Client, ClientConfig, DEFAULT_TIMEOUT, Progress, Token};
pub use json::SAVED_SCHEMA;
pub use model::{Identity, IdentityList, IdentitySource, join_people, merge_lists};
pub use remote::{Auth, Remote, RemoteKind, Source};
pub use request::{Answer, Body, Method, Request};
