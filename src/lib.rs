//! samltrace: decode captured SAML messages and explain why a user cannot sign in.
//!
//! Every module here is pure: no files, network, terminal or clock, with exceptions that say
//! so: `bounded` (the one bounded read), `pipeline` (it opens the sources it is given),
//! `scim::files`/`scim::gitlab`/`scim::http` (reading identity lists), the local service
//! provider's socket (`listen::server`; its clock is the caller's) and the terminal UI's shell
//! (`tui::event`, `tui::worker`). The binary (`src/main.rs`) does the rest of the I/O and maps
//! errors to exit codes.

pub mod bounded;
pub mod capture;
pub mod checks;
pub mod compare;
pub mod dsig;
pub mod explain;
pub mod input;
pub mod listen;
pub mod pipeline;
pub mod redact;
pub mod repair;
pub mod report;
pub mod saml;
pub mod sanitize;
pub mod scim;
pub mod trace;
pub mod tui;
pub mod verdict;
pub mod xml;

#[cfg(test)]
mod docgen;
