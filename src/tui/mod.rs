//! The terminal UI: paste or open SAML messages and see at once who each names, whether GitLab
//! will link it, and why not.
//!
//! A pure core and a thin shell. [`app`] holds the one `State`, the `Action`s and `update`, the
//! only function that changes the state; [`view`] draws it without changing it; [`keys`] is
//! the table of key bindings that also writes the help; [`facts`] and [`layout`] are pure
//! helpers of both. The shell is [`event`] (the terminal, the threads and the loop) and
//! [`worker`] (the effects: files, identity lists, verdicts, exports, the clipboard). Only the
//! shell does I/O or reads the clock; nothing here decodes inside `update` or `render`.

pub mod app;
pub mod event;
pub mod facts;
pub mod keys;
pub mod layout;
pub mod tab;
#[cfg(test)]
pub mod testing;
pub mod view;
pub mod worker;
