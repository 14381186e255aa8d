//! samltrace: decode captured SAML messages and explain why a user cannot sign in.
//!
//! Every module here is pure: no files, network, terminal or clock, with two exceptions that
//! say so: `scim::files`/`scim::gitlab` (reading identity lists) and the terminal UI's shell
//! (`tui::event`, `tui::worker`). The binary (`src/main.rs`) does the rest of the I/O and maps
//! errors to exit codes.

pub mod capture;
pub mod checks;
pub mod compare;
pub mod dsig;
pub mod input;
pub mod pipeline;
pub mod redact;
pub mod report;
pub mod saml;
pub mod sanitize;
pub mod scim;
pub mod trace;
pub mod tui;
pub mod verdict;
pub mod xml;
