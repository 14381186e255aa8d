//! Recognising a catalogue message in pasted text.
//!
//! Text and messages are compared after [`normalise`]: case folded (GitLab humanizes reasons:
//! "Saml response must contain 1 assertion"), underscores read as spaces (humanize again),
//! runs of white space as one space, HTML entities and typographic quotes of a copied page
//! undone, invisible characters dropped. A message matches when its literal parts appear in the
//! text in order; each `%{…}` matches any text, so a message with concrete values, a prefix (a
//! group's name) or a frame around it still matches. The longest literal match is the most
//! specific.
//!
//! Pure; the messages are compiled once.

use std::sync::OnceLock;

use super::catalogue::{self, Entry, Frame};

/// A text folded for comparison, with where each of its bytes came from in the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalised {
    pub text: String,
    /// For each byte of `text`, the byte offset in the original text it came from.
    origin: Vec<usize>,
}

impl Normalised {
    /// The original text behind `start..end` of the folded text.
    pub fn original<'a>(&self, original: &'a str, start: usize, end: usize) -> &'a str {
        let from = self.origin.get(start).copied().unwrap_or(original.len());
        let to = match end.checked_sub(1).and_then(|last| self.origin.get(last)) {
            Some(&o) => next_char_boundary(original, o),
            None => from,
        };
        original.get(from..to.max(from)).unwrap_or_default()
    }
}

fn next_char_boundary(s: &str, at: usize) -> usize {
    s.get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(s.len(), |c| at + c.len_utf8())
}

/// HTML entities a copied page may leave in a message.
const ENTITIES: &[(&str, char)] = &[
    ("&quot;", '"'),
    ("&#34;", '"'),
    ("&#39;", '\''),
    ("&#x27;", '\''),
    ("&apos;", '\''),
    ("&amp;", '&'),
    ("&lt;", '<'),
    ("&gt;", '>'),
];

/// Folds a text for comparison (see the module's documentation).
pub fn normalise(original: &str) -> Normalised {
    let mut out = Normalised {
        text: String::with_capacity(original.len()),
        origin: Vec::with_capacity(original.len()),
    };
    let mut space_pending = false;
    let mut i = 0;
    while let Some(c) = original.get(i..).and_then(|r| r.chars().next()) {
        let (c, width) = decoded(original, i, c);
        let at = i;
        i += width;
        let c = match c {
            '_' => ' ',
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            c => c,
        };
        if c.is_whitespace() {
            space_pending = !out.text.is_empty();
            continue;
        }
        if crate::sanitize::is_invisible(c) {
            continue;
        }
        if std::mem::take(&mut space_pending) {
            push(&mut out, ' ', at);
        }
        for lower in c.to_lowercase() {
            push(&mut out, lower, at);
        }
    }
    out
}

fn decoded(text: &str, at: usize, c: char) -> (char, usize) {
    if c == '&' {
        let rest = text.get(at..).unwrap_or_default();
        for (entity, decoded) in ENTITIES {
            if rest.starts_with(entity) {
                return (*decoded, entity.len());
            }
        }
    }
    (c, c.len_utf8())
}

fn push(out: &mut Normalised, c: char, origin: usize) {
    out.text.push(c);
    out.origin.extend(std::iter::repeat_n(origin, c.len_utf8()));
}

/// A message compiled for matching: its folded literal parts, and the names of the values
/// between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Literal parts in order, folded; never empty strings.
    parts: Vec<String>,
    /// For each part, the name of the value just before it (`None` when none is).
    before: Vec<Option<String>>,
    /// The name of the value after the last part, when the message ends with one.
    after: Option<String>,
}

/// Where a template matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// How many bytes of literal text matched: longer is more specific.
    pub literal: usize,
    /// Each named value and its span in the folded text.
    pub values: Vec<(String, usize, usize)>,
}

impl Template {
    /// Compiles a message whose values are written `%{name}`.
    pub fn compile(message: &str) -> Template {
        let mut parts = Vec::new();
        let mut before = Vec::new();
        let mut pending: Option<String> = None;
        let mut rest = message;
        loop {
            let (literal, hole) = match rest.find("%{") {
                Some(at) => {
                    let after = rest.get(at + 2..).unwrap_or_default();
                    let end = after.find('}').unwrap_or(after.len());
                    let name = after.get(..end).unwrap_or_default().to_owned();
                    let literal = rest.get(..at).unwrap_or_default();
                    rest = after.get(end + 1..).unwrap_or_default();
                    (literal, Some(name))
                }
                None => (std::mem::take(&mut rest), None),
            };
            let folded = normalise(literal).text;
            if !folded.is_empty() {
                parts.push(folded);
                before.push(pending.take());
            }
            match hole {
                Some(name) => pending = pending.or(Some(name)),
                None => break,
            }
        }
        if let Some(last) = parts.last_mut() {
            let trimmed = last.trim_end_matches(['.', ' ']).len();
            last.truncate(trimmed);
            if last.is_empty() {
                parts.pop();
                pending = before.pop().flatten().or(pending);
            }
        }
        Template {
            parts,
            before,
            after: pending,
        }
    }

    /// Bytes of literal text: what a match is worth.
    pub fn literal_len(&self) -> usize {
        self.parts.iter().map(String::len).sum()
    }

    /// Where the template matches the folded text, leftmost.
    pub fn find(&self, folded: &str) -> Option<Found> {
        if self.parts.is_empty() {
            return None;
        }
        let mut at = 0;
        let mut values = Vec::new();
        let last = self.parts.len() - 1;
        for (i, (part, name)) in self.parts.iter().zip(&self.before).enumerate() {
            let first_word = i == 0 && name.is_none();
            let last_word = i == last && self.after.is_none();
            let start = find_word(folded, part, at, first_word, last_word)?;
            if let Some(name) = name {
                values.push((name.clone(), at, start));
            }
            at = start + part.len();
        }
        if let Some(name) = &self.after {
            values.push((name.clone(), at, folded.len()));
        }
        Some(Found {
            literal: self.literal_len(),
            values,
        })
    }
}

/// The first place at or after `from` where `part` is, not glued to a word before it (when
/// `start` is set: "Name can't be blank" is not in "Username can't be blank") or after it
/// (when `end` is set).
fn find_word(folded: &str, part: &str, from: usize, start: bool, end: bool) -> Option<usize> {
    let hay = folded.get(from..)?;
    let glued = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    hay.match_indices(part).map(|(i, _)| from + i).find(|&i| {
        let before = folded.get(..i).and_then(|b| b.chars().next_back());
        let after = folded.get(i + part.len()..).and_then(|a| a.chars().next());
        let word_start = part.starts_with(char::is_alphanumeric);
        let word_end = part.ends_with(char::is_alphanumeric);
        let glued_before = start && word_start && glued(before);
        let glued_after = end && word_end && glued(after);
        !glued_before && !glued_after
    })
}

/// Every entry's wordings and every frame, compiled once.
struct Compiled {
    entries: Vec<(&'static Entry, Vec<Template>)>,
    frames: Vec<(&'static Frame, Template)>,
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| Compiled {
        entries: catalogue::entries()
            .map(|e| (e, e.wordings().map(Template::compile).collect()))
            .collect(),
        frames: catalogue::frames()
            .iter()
            .map(|f| (f, Template::compile(f.message)))
            .collect(),
    })
}

/// The best match of one entry's wordings, with its worth.
fn entry_match(templates: &[Template], folded: &str) -> Option<usize> {
    templates
        .iter()
        .filter_map(|t| t.find(folded))
        .map(|f| f.literal)
        .max()
}

/// Every entry whose words are in the text, most specific first, without the entries a more
/// telling one supersedes.
pub fn recognise(folded: &str) -> Vec<&'static Entry> {
    let mut found: Vec<(&'static Entry, usize)> = compiled()
        .entries
        .iter()
        .filter_map(|(e, templates)| entry_match(templates, folded).map(|worth| (*e, worth)))
        .collect();
    let superseded: Vec<&str> = found
        .iter()
        .flat_map(|(e, _)| e.supersedes.iter().copied())
        .collect();
    found.retain(|(e, _)| !superseded.contains(&e.code));
    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.code.cmp(b.0.code)));
    found.into_iter().map(|(e, _)| e).collect()
}

/// The most specific frame around the text, and the span of its reason in the folded text.
pub fn frame(folded: &str) -> Option<(&'static Frame, usize, usize)> {
    compiled()
        .frames
        .iter()
        .filter_map(|(f, template)| {
            let found = template.find(folded)?;
            let (_, start, end) = found.values.into_iter().find(|(n, _, _)| n == "reason")?;
            Some((*f, found.literal, start, end))
        })
        .max_by_key(|(_, literal, _, _)| *literal)
        .map(|(f, _, start, end)| (f, start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_folds_case_underscores_space_entities_and_quotes() {
        let n = normalise(
            "  SAML  response\tmissing 'name_id' &quot;x&quot; \u{201C}y\u{201D}\u{200B} ",
        );
        assert_eq!(n.text, "saml response missing 'name id' \"x\" \"y\"");
    }

    #[test]
    fn the_original_of_a_folded_span_keeps_its_case() {
        let text = "Could not authorize you from SAML because &quot;Fingerprint mismatch&quot;.";
        let n = normalise(text);
        let start = n.text.find("fingerprint").unwrap();
        let end = start + "fingerprint mismatch".len();
        assert_eq!(n.original(text, start, end), "Fingerprint mismatch");
        assert_eq!(n.original(text, 0, 0), "");
    }

    #[test]
    fn templates_match_with_values_prefixes_and_without_the_final_period() {
        let t =
            Template::compile("Doesn't match the issuer, expected: <%{idp}>, but was: <%{issuer}>");
        let text =
            normalise("Doesn't match the issuer, expected: <https://a>, but was: <https://b>").text;
        let found = t.find(&text).unwrap();
        assert_eq!(found.values.len(), 2);
        let (name, s, e) = &found.values[1];
        assert_eq!((name.as_str(), &text[*s..*e]), ("issuer", "https://b"));
        let t = Template::compile("Issuer of the Response not found or multiple.");
        assert!(
            t.find(&normalise("issuer of the response not found or multiple").text)
                .is_some()
        );
        assert!(
            t.find(&normalise("Issuer of the Assertion not found or multiple.").text)
                .is_none()
        );
    }

    #[test]
    fn a_trailing_value_spans_the_rest_of_the_text() {
        let t = Template::compile("SAML authentication failed: %{reason}");
        let text = normalise("Acme SAML authentication failed: User has already been taken").text;
        let found = t.find(&text).unwrap();
        let (name, s, e) = &found.values[0];
        assert_eq!(
            (name.as_str(), text[*s..*e].trim()),
            ("reason", "user has already been taken")
        );
    }

    #[test]
    fn a_message_is_not_found_inside_a_longer_word() {
        let t = Template::compile("Name can't be blank");
        assert!(t.find(&normalise("Username can't be blank").text).is_none());
        assert!(
            t.find(&normalise("Email can't be blank and Name can't be blank").text)
                .is_some()
        );
        let t = Template::compile("Blank response");
        assert!(t.find(&normalise("Blank responses").text).is_none());
    }

    #[test]
    fn a_template_of_values_only_matches_nothing() {
        assert_eq!(Template::compile("%{a}%{b}").find("anything"), None);
    }
}
