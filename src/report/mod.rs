//! Reports: traces rendered as text for people, JSON for scripts, and pretty XML for reading.
//!
//! Pure: each function returns a string. The text report carries ANSI styles; the binary's
//! output stream strips them when colour is off (NO_COLOR, `--color never`, not a terminal).

pub mod flow;
pub mod json;
pub mod summary;
pub mod text;
pub mod xml;
