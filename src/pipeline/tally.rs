//! The one rule for how a run went, whatever the command: every front end feeds its traces and
//! unreadable sources to a [`Tally`] and maps its [`Outcome`] to an exit status.
//!
//! - **Failed** (exit 2): a source could not be read at all, or an input that is not a capture
//!   held nothing that could be decoded.
//! - **Problems** (exit 1): a check found an error, an identity verdict is not `match`, or a
//!   message inside a capture could not be decoded.
//! - **Clean** (exit 0) otherwise. Parts of a capture that could not be read (a broken entry, a
//!   file cut off mid-way) are reported as warnings and the rest is judged: they do not change
//!   the outcome, in `decode`, `compare` and `har` alike.

use crate::trace::Trace;

/// How a run went, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Clean,
    Problems,
    Failed,
}

/// What a run has seen so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    failed: bool,
    problems: bool,
    saw_response: bool,
}

impl Tally {
    /// Accounts one trace.
    pub fn trace(&mut self, t: &Trace) {
        let in_capture = t.origin.har_entry.is_some();
        if t.is_error() {
            let artifact = t.origin.param.as_deref() == Some("SAMLart");
            let broken_part = t.origin.param.is_none();
            match (in_capture, artifact || broken_part) {
                (false, _) => self.failed = true,
                (true, false) => self.problems = true,
                (true, true) => {}
            }
        }
        let bad_verdict = t.verdict.as_ref().is_some_and(|v| v.state.is_problem());
        self.problems |= t.has_error_findings() || bad_verdict;
        self.saw_response |= t.message.as_ref().is_some_and(|m| m.is_response());
    }

    /// A source (or an argument) that could not be read at all.
    pub fn unreadable(&mut self) {
        self.failed = true;
    }

    /// Whether a Response was judged (the text report then says what was not compared).
    pub fn saw_response(&self) -> bool {
        self.saw_response
    }

    pub fn outcome(&self) -> Outcome {
        if self.failed {
            Outcome::Failed
        } else if self.problems {
            Outcome::Problems
        } else {
            Outcome::Clean
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Origin;

    fn broken(param: Option<&str>, entry: Option<usize>) -> Trace {
        let origin = Origin {
            input: "x".into(),
            har_entry: entry,
            param: param.map(str::to_owned),
            ..Origin::default()
        };
        Trace::unreadable(origin, "broken".into(), None)
    }

    fn outcome(traces: &[Trace]) -> Outcome {
        let mut tally = Tally::default();
        traces.iter().for_each(|t| tally.trace(t));
        tally.outcome()
    }

    #[test]
    fn a_broken_capture_entry_is_reported_not_failed() {
        assert_eq!(outcome(&[broken(None, Some(2))]), Outcome::Clean);
        assert_eq!(outcome(&[broken(Some("SAMLart"), Some(2))]), Outcome::Clean);
    }

    #[test]
    fn an_undecodable_message_in_a_capture_is_a_problem() {
        let t = broken(Some("SAMLResponse"), Some(2));
        assert_eq!(outcome(&[t]), Outcome::Problems);
    }

    #[test]
    fn an_undecodable_input_fails() {
        assert_eq!(outcome(&[broken(None, None)]), Outcome::Failed);
        let mut tally = Tally::default();
        tally.unreadable();
        assert_eq!(tally.outcome(), Outcome::Failed);
    }
}
