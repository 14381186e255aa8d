//! The terminal UI: paste or open SAML messages and see at once who each names, whether GitLab
//! will link it, and why not.
//!
//! A pure core and a thin shell. [`app`] holds the one `State`, the `Action`s and `update`, the
//! only function that changes the state; [`view`] draws it without changing it; [`keys`] is
//! the table of key bindings that also writes the help. The shell is [`event`] (the terminal,
//! the threads and the loop) and [`worker`] (the effects: files, identity lists, verdicts,
//! exports, the clipboard). Only the shell does I/O or reads the clock; nothing here decodes
//! inside `update` or `render`.
//!
//! The modules are layered, each using only those below it, so there is no import loop:
//!
//! - [`tab`], [`facts`] and [`fixes`]: plain data (the tabs; what is shown of a trace and its
//!   verdict; the Fix tab's scope and runs).
//! - [`keys`]: the key table, naming tabs.
//! - [`layout`]: every number both sides need, as pure functions: the screen's areas, the
//!   detail tabs' and the help's wrapped lines and their counts, the XML's line-to-row mapping.
//!   It reads the state only through the `layout::tabs::Shown` that `State::shown` lends it.
//! - [`app`]: the state and `update`, which scrolls and pages by `layout`'s counts and never
//!   uses `view`.
//! - [`view`]: draws the state, and for the scrolling panes exactly the lines `layout` made.
//! - [`worker`], then [`event`]: the shell.
//!
//! A unit test (`layering`) reads these sources and fails on a loop, or on `app` or `layout`
//! using `view`.

pub mod app;
pub mod event;
pub mod facts;
pub mod fixes;
pub mod keys;
#[cfg(test)]
mod layering;
pub mod layout;
pub mod tab;
#[cfg(test)]
pub mod testing;
pub mod view;
pub mod worker;
