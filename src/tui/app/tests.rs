//! `update` tests: actions in, state out.
