//! The one path from captured bytes to judged traces.
//!
//! `flow` assembles a capture's messages into traces in entry order, each judged at its own time
//! and against the requests seen before it.

pub mod flow;
