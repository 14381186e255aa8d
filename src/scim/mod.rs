//! Identity lists: who GitLab (or the IdP) says each person is, read from files or from
//! GitLab's SCIM and REST APIs.
//!
//! `model` is the data, `files` reads files (format sniffed or forced), `remote` and `paging`
//! are the pure halves of the API client (which URL, which request next, how long to wait),
//! and `gitlab` is the thin blocking HTTP layer that sends those requests. Only `files::load_file`
//! and `gitlab` do I/O. Nothing here decides whether a NameID matches: that is `compare`.

mod csv;
mod error;
pub mod files;
pub mod gitlab;
mod json;
pub mod model;
pub mod paging;
pub mod remote;
mod rest;

pub use error::{RowIssue, ScimError};
pub use files::{Format, load_file, parse_identities, render_saved, sniff, write_atomically};
pub use gitlab::{Client, ClientConfig, Progress, Token};
pub use json::SAVED_SCHEMA;
pub use model::{Identity, IdentityList, IdentitySource, join_people};
pub use remote::{Remote, RemoteKind, Source};
