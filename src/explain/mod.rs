//! `samltrace explain`: GitLab's SAML sign-in error messages, in GitLab's words, mapped to
//! their cause, the samltrace checks that detect it, the fix and what to capture next.
//!
//! [`explain`] takes what a person pastes — the message from GitLab's page, with or without the
//! frame GitLab puts around it, or lines of GitLab's JSON logs — and recognises each message in
//! the [`catalogue`]. A text that matches no message gets the closest entries, never nothing.
//! [`for_verdict`] is the way in for GitLab's verdict: from ruby-saml's validation method and
//! message to the entry that explains it.
//!
//! Pure: no files, terminal or clock. The binary (`src/cmd/explain.rs`) reads the input and
//! prints [`render::text`] or [`render::json`].

pub mod catalogue;
pub mod docs;
pub mod input;
pub mod matching;
pub mod rank;
pub mod render;

use catalogue::{Entry, Frame};
pub use input::{InputError, Query};
pub use rank::Closest;

/// How many closest entries an unrecognised message gets.
pub const CLOSEST: usize = 3;

/// What one message means.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub query: Query,
    /// The frame GitLab put around the reason, when the text has one.
    pub frame: Option<&'static Frame>,
    /// The reason inside the frame, as given.
    pub reason: Option<String>,
    /// The catalogue's messages in the text, most specific first.
    pub matches: Vec<&'static Entry>,
    /// When nothing matched: the closest entries, closest first.
    pub closest: Vec<Closest>,
}

impl Explanation {
    /// True when the text holds a message of the catalogue.
    pub fn recognised(&self) -> bool {
        !self.matches.is_empty()
    }
}

/// Explains every message of the input (one pasted message, or each line of a JSON log).
pub fn explain(input: &str) -> Result<Vec<Explanation>, InputError> {
    Ok(input::parse_queries(input)?
        .into_iter()
        .map(explain_query)
        .collect())
}

/// Explains one message.
pub fn explain_query(query: Query) -> Explanation {
    let folded = matching::normalise(&query.text);
    let frame = matching::frame(&folded.text);
    let reason = frame.map(|(_, start, end)| {
        folded
            .original(&query.text, start, end)
            .trim()
            .trim_matches('"')
            .to_owned()
    });
    let matches = matching::recognise(&folded.text);
    let closest = if matches.is_empty() {
        let about = match frame {
            Some((_, start, end)) => folded.text.get(start..end).unwrap_or_default(),
            None => folded.text.as_str(),
        };
        rank::closest(about, CLOSEST)
    } else {
        Vec::new()
    };
    Explanation {
        query,
        frame: frame.map(|(f, _, _)| f),
        reason,
        matches,
        closest,
    }
}

/// The entry explaining a refusal of GitLab's verdict: ruby-saml's validation method
/// (`validate_num_assertion`) and the message it gave. The message decides among the entries of
/// one method (`validate_signature` has several); with an unknown message, the method's first
/// entry is returned.
pub fn for_verdict(check: &str, message: &str) -> Option<&'static Entry> {
    let folded = matching::normalise(message);
    let of_check = |e: &&Entry| {
        e.ruby_saml_check() == Some(check)
            && matches!(e.said_by, catalogue::SaidBy::RubySaml(r) if r.class.judges_responses())
    };
    matching::recognise(&folded.text)
        .into_iter()
        .find(of_check)
        .or_else(|| catalogue::entries().find(of_check))
}

#[cfg(test)]
mod tests;
