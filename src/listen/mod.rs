//! `samltrace listen`: a local service provider. Point a test IdP app at it (its ACS URL
//! `http://127.0.0.1:8088/acs`, or any path), sign in, and each message arrives decoded,
//! checked, verified and compared — by the same pipeline as `decode`, in one live session, so a
//! response is checked against the AuthnRequest `/login` sent. `/metadata` is the SP's
//! metadata; `/login` starts a sign-in at the IdP of `--idp-metadata`.
//!
//! The parts are pure and tested on their own: [`http`] (a request head within limits, a reply
//! with strict security headers), [`route`] (what a request asks for; the payloads unwrapped by
//! `input`), [`sp`] (the SP metadata and the AuthnRequest), [`page`] (the browser's pages,
//! every value escaped, no script) and [`rate`]. The shell is [`server`]: the socket, a fixed
//! pool of threads, and [`Listener::serve`], which any front end calls with a pipeline and a
//! sink for what was [`Heard`] — the command prints it (`cmd::listen`), a terminal UI can list
//! it. The clock and randomness are the front end's ([`Environment`]); nothing here writes a
//! file (a front end saves the [`Wire`] text it is handed, when asked).

pub mod http;
pub mod page;
pub mod rate;
pub mod route;
pub mod server;
pub mod sp;

use jiff::Timestamp;

use crate::trace::Trace;

pub use http::Limits;
pub use route::{Wire, WireForm};
pub use server::{ListenError, Listener, Options, Stopper};
pub use sp::ServiceProvider;

/// What the listener needs of the world besides the socket.
pub trait Environment {
    /// The time now: when a message arrived (it is judged then, unless `--at` fixed a time),
    /// and the IssueInstant of an AuthnRequest sent.
    fn now(&mut self) -> Timestamp;
    /// Sixteen fresh random bytes, for an AuthnRequest's ID.
    fn random(&mut self) -> [u8; 16];
}

/// What a front end is told, in order.
#[derive(Debug)]
pub enum Heard {
    /// A request carried SAML messages: what came over the wire, and each message judged.
    Received {
        /// 1-based, counting messages received and AuthnRequests sent (`listen:N`).
        number: usize,
        at: Timestamp,
        wire: Wire,
        traces: Vec<Trace>,
    },
    /// `/login` sent the browser to the IdP with this AuthnRequest.
    Sent {
        number: usize,
        at: Timestamp,
        wire: Wire,
        trace: Box<Trace>,
    },
    /// A request was refused: one line for the log (never the request's body).
    Refused(String),
}

impl Heard {
    /// The name a saved copy of the wire text gets: `20261102T090000Z-0003-SAMLResponse.form`.
    pub fn file_name(&self) -> Option<String> {
        let (number, at, wire) = match self {
            Heard::Received {
                number, at, wire, ..
            }
            | Heard::Sent {
                number, at, wire, ..
            } => (number, at, wire),
            Heard::Refused(_) => return None,
        };
        let param: String = wire
            .param
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        Some(format!(
            "{}-{number:04}-{param}.{}",
            at.strftime("%Y%m%dT%H%M%SZ"),
            wire.form.extension()
        ))
    }

    /// The wire text, for a saved copy.
    pub fn wire(&self) -> Option<&Wire> {
        match self {
            Heard::Received { wire, .. } | Heard::Sent { wire, .. } => Some(wire),
            Heard::Refused(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_copies_are_named_by_time_number_and_parameter() {
        let heard = Heard::Received {
            number: 3,
            at: "2026-11-02T09:00:00Z".parse().unwrap(),
            wire: Wire {
                form: WireForm::FormBody,
                text: "SAMLResponse=x".into(),
                param: "SAML/../Response".into(),
            },
            traces: Vec::new(),
        };
        assert_eq!(
            heard.file_name().as_deref(),
            Some("20261102T090000Z-0003-SAMLResponse.form")
        );
        assert_eq!(Heard::Refused("x".into()).file_name(), None);
    }
}
