//! The catalogue of GitLab's SAML sign-in error messages: for each, its stable code, its words
//! exactly as GitLab, omniauth-saml or ruby-saml write them, who says it (file, class and
//! validation method), why it happens, which samltrace checks detect it, the fix, and what to
//! capture next. Also the frames GitLab puts around a reason (`Could not authorize you from SAML
//! because "…"`).
//!
//! Codes are public and stable: `GL` GitLab's own messages, `OM` omniauth-saml's, `RS`
//! ruby-saml's. A published code never changes meaning. `docs/gitlab-messages.md` is generated
//! from these tables and a test keeps the two equal.
//!
//! Versions followed: GitLab's `master` of 2025 (read from mirrors of `gitlab-org/gitlab`),
//! omniauth-saml 2.x, ruby-saml 1.18 — the version GitLab's Gemfile pins. Debian ships ruby-saml
//! 1.13 (`ruby-saml 1.13.0-1+deb12u1`); where its words differ, [`Debian::Words`] gives them.
//! ruby-saml 1.13's files were read verbatim from that Debian package; 1.18's are 1.13's plus the
//! message changes ruby-saml's CHANGELOG lists for 1.14–1.18 (#622 strict audience validation,
//! #715 the SPNameQualifier wording), checked against ruby-saml's `lib/ruby_saml/response.rb`.
//!
//! Pure data and lookups; matching text against the messages lives in `explain::matching`.

mod gitlab;
mod logout;
mod omniauth;
mod ruby_saml;
mod signature;

use crate::checks::gitlab::DocSection;

/// The ruby-saml version GitLab runs, whose words the catalogue gives first.
pub const RUBY_SAML: &str = "1.18";
/// The ruby-saml Debian ships (`apt-get install ruby-saml`), used by the differential tests.
pub const DEBIAN_RUBY_SAML: &str = "1.13.0-1+deb12u1";

/// The validations `Response#is_valid?` runs in ruby-saml 1.18 (`Response#validate`), in its
/// order: the join keys of GitLab's verdict. Each gives at least one entry.
pub const RESPONSE_VALIDATIONS: &[&str] = &[
    "validate_response_state",
    "validate_version",
    "validate_id",
    "validate_success_status",
    "validate_num_assertion",
    "validate_no_duplicated_attributes",
    "validate_signed_elements",
    "validate_structure",
    "validate_in_response_to",
    "validate_one_conditions",
    "validate_conditions",
    "validate_one_authnstatement",
    "validate_audience",
    "validate_destination",
    "validate_issuer",
    "validate_session_expiration",
    "validate_subject_confirmation",
    "validate_name_id",
    "validate_signature",
];

/// One message of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Stable code: `GL001`, `OM001`, `RS001`…
    pub code: &'static str,
    /// What it means, in one line, no final period.
    pub title: &'static str,
    /// The words, verbatim. The first is what GitLab (with ruby-saml 1.18) says today; any
    /// others are earlier or other wordings of the same message. `%{name}` stands for a value
    /// filled in at run time (GitLab's own placeholder style).
    pub messages: &'static [&'static str],
    /// Who says it.
    pub said_by: SaidBy,
    /// Why it happens, in sentences.
    pub cause: &'static str,
    /// Codes of samltrace's checks (`docs/checks.md`) that detect the cause in a capture.
    pub checks: &'static [&'static str],
    /// `compare` verdict states (`verdict.state`) that point at the cause.
    pub verdicts: &'static [&'static str],
    /// What to change, in sentences.
    pub fix: &'static str,
    /// What to capture next to find the cause, in sentences.
    pub capture: &'static str,
    /// GitLab's documentation section about the message, when there is one.
    pub docs: Option<DocSection>,
    /// Codes this entry stands for when both match one text (a pair of messages that together
    /// mean something else, or a longer message that contains a shorter one).
    pub supersedes: &'static [&'static str],
}

/// Who writes a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaidBy {
    /// GitLab itself: `file` in `gitlab-org/gitlab`.
    GitLab { file: &'static str },
    /// The omniauth-saml strategy GitLab signs in through: `file` in `omniauth/omniauth-saml`.
    OmniauthSaml { file: &'static str },
    /// ruby-saml, the library that judges the response.
    RubySaml(RubySaml),
}

/// Where in ruby-saml a message comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RubySaml {
    /// The class whose file holds the words. For [`RubySamlClass::SignedDocument`] and
    /// [`RubySamlClass::SamlMessage`], `check` is the `Response` method that reaches them.
    pub class: RubySamlClass,
    /// The validation method that gives the message, such as `validate_num_assertion`: the key
    /// GitLab's verdict joins on. For the sign-in response it is always a method of
    /// `OneLogin::RubySaml::Response` (mostly one of `Response#is_valid?`'s validations).
    pub check: &'static str,
    /// How Debian's ruby-saml 1.13 says it.
    pub debian_1_13: Debian,
}

/// The ruby-saml classes whose messages GitLab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RubySamlClass {
    /// `OneLogin::RubySaml::Response`: the sign-in response (`Response#is_valid?`).
    Response,
    /// `XMLSecurity::SignedDocument`, reached from `Response#validate_signature`.
    SignedDocument,
    /// `OneLogin::RubySaml::SamlMessage`, the base of every message (decoding, schema).
    SamlMessage,
    /// `OneLogin::RubySaml::Logoutresponse`: the IdP's answer to GitLab's logout request.
    Logoutresponse,
    /// `OneLogin::RubySaml::SloLogoutrequest`: a logout request the IdP sends GitLab.
    SloLogoutrequest,
    /// `OneLogin::RubySaml::SloLogoutresponse`: the logout response GitLab builds.
    SloLogoutresponse,
}

impl RubySamlClass {
    /// The Ruby class name.
    pub fn name(self) -> &'static str {
        match self {
            RubySamlClass::Response => "OneLogin::RubySaml::Response",
            RubySamlClass::SignedDocument => "XMLSecurity::SignedDocument",
            RubySamlClass::SamlMessage => "OneLogin::RubySaml::SamlMessage",
            RubySamlClass::Logoutresponse => "OneLogin::RubySaml::Logoutresponse",
            RubySamlClass::SloLogoutrequest => "OneLogin::RubySaml::SloLogoutrequest",
            RubySamlClass::SloLogoutresponse => "OneLogin::RubySaml::SloLogoutresponse",
        }
    }

    /// The class name without its modules: `Response`.
    pub fn short_name(self) -> &'static str {
        self.name().rsplit("::").next().unwrap_or_default()
    }

    /// The file in ruby-saml 1.18 (and 1.13) that holds the class.
    pub fn file(self) -> &'static str {
        match self {
            RubySamlClass::Response => "lib/onelogin/ruby-saml/response.rb",
            RubySamlClass::SignedDocument => "lib/xml_security.rb",
            RubySamlClass::SamlMessage => "lib/onelogin/ruby-saml/saml_message.rb",
            RubySamlClass::Logoutresponse => "lib/onelogin/ruby-saml/logoutresponse.rb",
            RubySamlClass::SloLogoutrequest => "lib/onelogin/ruby-saml/slo_logoutrequest.rb",
            RubySamlClass::SloLogoutresponse => "lib/onelogin/ruby-saml/slo_logoutresponse.rb",
        }
    }

    /// True when the message can come from judging a sign-in response (`Response#is_valid?`
    /// and what it calls), as opposed to single logout.
    pub fn judges_responses(self) -> bool {
        matches!(
            self,
            RubySamlClass::Response | RubySamlClass::SignedDocument | RubySamlClass::SamlMessage
        )
    }
}

/// How Debian's ruby-saml 1.13 words a message, next to 1.18.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Debian {
    /// The same words.
    Same,
    /// Other words (matched too).
    Words(&'static str),
    /// 1.13 never says it.
    Missing,
}

/// A frame GitLab puts around a reason: the page or flash message that carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// The words, verbatim, with the reason as `%{reason}` (other values as `%{name}`).
    pub message: &'static str,
    /// Where GitLab shows it, in one line.
    pub seen: &'static str,
    /// What a reason in this frame means about where the sign-in stopped.
    pub meaning: &'static str,
    /// The file in `gitlab-org/gitlab` (or Devise) that writes it.
    pub file: &'static str,
}

impl Entry {
    /// The ruby-saml validation method that gives the message: the join key with GitLab's
    /// verdict (`gitlab_verdict.check`).
    pub fn ruby_saml_check(&self) -> Option<&'static str> {
        match self.said_by {
            SaidBy::RubySaml(r) => Some(r.check),
            _ => None,
        }
    }

    /// Every wording to match: [`Entry::messages`], then Debian's 1.13 words when they differ.
    pub fn wordings(&self) -> impl Iterator<Item = &'static str> + use<> {
        let debian = match self.said_by {
            SaidBy::RubySaml(RubySaml {
                debian_1_13: Debian::Words(w),
                ..
            }) => Some(w),
            _ => None,
        };
        self.messages.iter().copied().chain(debian)
    }

    /// "ruby-saml 1.18 lib/onelogin/ruby-saml/response.rb, Response#validate_num_assertion".
    pub fn source(&self) -> String {
        match self.said_by {
            SaidBy::GitLab { file } => format!("GitLab {file}"),
            SaidBy::OmniauthSaml { file } => format!("omniauth-saml {file}"),
            SaidBy::RubySaml(r) => {
                let file = r.class.file();
                match r.class {
                    RubySamlClass::SignedDocument | RubySamlClass::SamlMessage => format!(
                        "ruby-saml {RUBY_SAML} {file} ({}), reached from Response#{}",
                        r.class.name(),
                        r.check
                    ),
                    _ => format!(
                        "ruby-saml {RUBY_SAML} {file}, {}#{}",
                        r.class.short_name(),
                        r.check
                    ),
                }
            }
        }
    }

    /// What Debian's ruby-saml 1.13 says instead, for ruby-saml's messages.
    pub fn debian_note(&self) -> Option<String> {
        let SaidBy::RubySaml(r) = self.said_by else {
            return None;
        };
        Some(match r.debian_1_13 {
            Debian::Same => "the same words".to_owned(),
            Debian::Words(w) => format!("says \"{w}\""),
            Debian::Missing => "never says it".to_owned(),
        })
    }
}

/// Every entry, GitLab's first, then omniauth-saml's, then ruby-saml's in the order
/// `Response#is_valid?` runs its validations.
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    gitlab::ENTRIES
        .iter()
        .chain(omniauth::ENTRIES)
        .chain(ruby_saml::ENTRIES)
        .chain(signature::ENTRIES)
        .chain(logout::ENTRIES)
}

/// The frames GitLab puts around a reason.
pub fn frames() -> &'static [Frame] {
    gitlab::FRAMES
}

/// The entry of a code.
pub fn lookup(code: &str) -> Option<&'static Entry> {
    entries().find(|e| e.code == code)
}

/// ruby-saml's entries given by one validation method (`validate_signature` gives several).
pub fn by_ruby_saml_check(check: &str) -> impl Iterator<Item = &'static Entry> + '_ {
    entries().filter(move |e| e.ruby_saml_check() == Some(check))
}

/// Builders for the tables, so that each entry reads as its words, cause and fix.
const fn entry(
    code: &'static str,
    said_by: SaidBy,
    title: &'static str,
    messages: &'static [&'static str],
) -> Entry {
    Entry {
        code,
        title,
        messages,
        said_by,
        cause: "",
        checks: &[],
        verdicts: &[],
        fix: "",
        capture: "",
        docs: None,
        supersedes: &[],
    }
}

impl Entry {
    const fn why(mut self, cause: &'static str) -> Entry {
        self.cause = cause;
        self
    }

    const fn fix(mut self, fix: &'static str) -> Entry {
        self.fix = fix;
        self
    }

    const fn capture(mut self, capture: &'static str) -> Entry {
        self.capture = capture;
        self
    }

    const fn checks(mut self, codes: &'static [&'static str]) -> Entry {
        self.checks = codes;
        self
    }

    const fn verdicts(mut self, states: &'static [&'static str]) -> Entry {
        self.verdicts = states;
        self
    }

    const fn see(mut self, section: DocSection) -> Entry {
        self.docs = Some(section);
        self
    }

    const fn supersedes(mut self, codes: &'static [&'static str]) -> Entry {
        self.supersedes = codes;
        self
    }
}

const fn ruby(class: RubySamlClass, check: &'static str, debian_1_13: Debian) -> SaidBy {
    SaidBy::RubySaml(RubySaml {
        class,
        check,
        debian_1_13,
    })
}

#[cfg(test)]
mod tests;
