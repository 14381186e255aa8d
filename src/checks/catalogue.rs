//! The table of finding codes: for each, its severity, title, what triggers it, how to fix it in
//! general, what input it needs, and the GitLab documentation section it points to.
//!
//! Codes are public and stable: a published code never changes meaning; new checks get new
//! codes. `docs/checks.md` is generated from this table ([`markdown`]) and a test keeps the two
//! equal. Pure data and formatting; rules live in the family files.

use std::fmt::Write;

use super::Severity::{Error, Info, Warning};
use super::gitlab::{DocSection, docs};
use super::{Finding, Raised, Severity};

/// One code of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    /// One line, no final period.
    pub title: &'static str,
    /// What triggers the finding, in one sentence.
    pub trigger: &'static str,
    /// How to fix it in general (each finding's fix is specific to the values found).
    pub fix: &'static str,
    /// What the check needs besides the message, when anything.
    pub needs: Option<&'static str>,
    pub section: Option<DocSection>,
}

impl CodeInfo {
    /// A finding of this code. The fix names the documentation section, when there is one.
    pub(crate) fn finding(&self, raised: Raised) -> Finding {
        let fix = match &self.section {
            Some(s) => format!("{} See {}.", raised.fix, s.cite()),
            None => raised.fix,
        };
        Finding {
            code: self.code,
            severity: self.severity,
            title: self.title,
            detail: raised.detail,
            fix,
            docs: self.section.map(|s| s.url()),
        }
    }
}

/// The entry of a code.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CATALOGUE.iter().find(|c| c.code == code)
}

const fn code(
    code: &'static str,
    severity: Severity,
    title: &'static str,
    trigger: &'static str,
    fix: &'static str,
) -> CodeInfo {
    CodeInfo {
        code,
        severity,
        title,
        trigger,
        fix,
        needs: None,
        section: None,
    }
}

impl CodeInfo {
    const fn see(mut self, section: DocSection) -> CodeInfo {
        self.section = Some(section);
        self
    }

    const fn needs(mut self, what: &'static str) -> CodeInfo {
        self.needs = Some(what);
        self
    }
}

/// Every code, grouped by family, in the order findings are listed.
pub const CATALOGUE: &[CodeInfo] = &[
    code(
        "ST001",
        Error,
        "The identity provider refused the sign-in",
        "The message's top-level StatusCode is not Success (or the status is missing).",
        "The refusal comes from the identity provider, not GitLab: read its status code and \
         message, then check that the user is assigned to the SAML app and that the app can send \
         the NameID format GitLab asks for.",
    ),
    code(
        "ST002",
        Error,
        "The response says success but carries no assertion",
        "A Response whose status is Success holds neither an Assertion nor an EncryptedAssertion \
         where SAML puts them.",
        "Check the SAML app's settings on the identity provider, then capture a fresh sign-in.",
    )
    .see(docs::DEBUGGING_TOOLS),
    code(
        "NI001",
        Error,
        "The response does not say who the user is (no NameID)",
        "A successful response's assertion has no NameID, or an empty one.",
        "Configure the SAML app to send a NameID for every user (GitLab recommends a persistent, \
         unique ID such as the user's object ID).",
    )
    .see(docs::NAMEID_MISSING),
    code(
        "NI002",
        Error,
        "The NameID has extra spaces or hidden characters",
        "The NameID has leading or trailing whitespace, or invisible characters (zero-width, \
         bidirectional marks, no-break spaces, control characters).",
        "Remove the characters at the source (often a copy-pasted directory value or a claim \
         transformation), then make GitLab's stored identity match the clean value.",
    )
    .see(docs::MISMATCHED_EXTERN_UID),
    code(
        "NI003",
        Warning,
        "The NameID changes at every sign-in (transient format)",
        "The NameID Format is urn:oasis:names:tc:SAML:2.0:nameid-format:transient.",
        "Set the NameID format to persistent and the NameID to a value that never changes.",
    )
    .see(docs::USER_ALREADY_TAKEN),
    code(
        "NI004",
        Info,
        "The NameID is an email address",
        "The NameID looks like an email address or user principal name, or its Format is \
         emailAddress.",
        "Prefer a value that never changes, such as the user's immutable ID in the identity \
         provider; an email address breaks sign-in when it changes or changes case.",
    )
    .see(docs::MANAGE_SAML_IDENTITY),
    code(
        "NI005",
        Info,
        "The NameID format is not stated",
        "The NameID has no Format, or the format is unspecified.",
        "Set the NameID format to persistent in the SAML app, so the identity provider promises \
         a stable value.",
    )
    .see(docs::MANAGE_SAML_IDENTITY),
    code(
        "TM001",
        Error,
        "The response has expired",
        "The assertion's Conditions NotOnOrAfter is at or before the evaluation time, by more \
         than the allowed clock skew.",
        "Sign in again and capture a fresh response; for an old capture, pass --at with the time \
         it was captured. If fresh responses expire too, sync the identity provider's clock.",
    )
    .see(docs::DEBUGGING_TOOLS),
    code(
        "TM002",
        Error,
        "The response is not valid yet (the clocks disagree)",
        "The assertion's Conditions NotBefore is after the evaluation time plus the allowed clock \
         skew.",
        "Sync the identity provider's and GitLab's clocks (NTP).",
    )
    .see(docs::USERS_RECEIVE_404),
    code(
        "TM003",
        Error,
        "The user's sign-in confirmation has expired",
        "A SubjectConfirmationData NotOnOrAfter is at or before the evaluation time, by more than \
         the allowed clock skew (when it is the same time as the Conditions NotOnOrAfter, TM001 \
         reports both).",
        "Sign in again and capture a fresh response; if fresh ones fail too, lengthen the \
         confirmation lifetime or sync the clocks at the identity provider.",
    )
    .see(docs::DEBUGGING_TOOLS),
    code(
        "TM004",
        Warning,
        "The response was issued long before or after the evaluation time",
        "A successful response's IssueInstant is further from the evaluation time than the \
         allowed clock skew.",
        "For an old capture, pass --at with the time it was captured; otherwise sync the \
         identity provider's clock.",
    ),
    code(
        "TM005",
        Warning,
        "A time in the response cannot be read",
        "IssueInstant, NotBefore or NotOnOrAfter is not a valid xs:dateTime.",
        "Have the identity provider send times such as 2026-11-02T09:00:00Z.",
    ),
    code(
        "AU001",
        Error,
        "The response is meant for another service provider (audience)",
        "No Audience of the assertion equals the expected SP entity ID.",
        "Set the SAML app's Audience / Identifier (Entity ID) to GitLab's Identifier, exactly as \
         shown on the group's Settings > SAML SSO page.",
    )
    .needs("--gitlab-group or --sp-entity-id")
    .see(docs::INVALID_AUDIENCE),
    code(
        "AU002",
        Error,
        "The response is addressed to another URL (ACS)",
        "The response's Destination or a SubjectConfirmationData Recipient differs from the \
         expected Assertion Consumer Service URL.",
        "Set the SAML app's ACS / Reply / Single sign-on URL (and Recipient) to GitLab's \
         Assertion consumer service URL, exactly.",
    )
    .needs("--gitlab-group or --acs-url")
    .see(docs::USERS_RECEIVE_404),
    code(
        "AU003",
        Error,
        "The response does not answer GitLab's latest sign-in request",
        "InResponseTo names no AuthnRequest seen earlier in the same trace, or an older one than \
         the latest, or is missing although a request was sent.",
        "Start the sign-in from GitLab (the group's SSO URL) in a single tab and complete it \
         without going back.",
    )
    .needs("a capture holding GitLab's AuthnRequest (HAR)")
    .see(docs::LINK_MUST_BE_AUTHORIZED),
    code(
        "AU004",
        Info,
        "The assertion does not say which service provider it is for",
        "The assertion has no Audience.",
        "Set the SAML app's Audience to GitLab's Identifier; without one, any service provider \
         that trusts this identity provider would accept the assertion.",
    ),
    code(
        "AU005",
        Error,
        "The response and its assertion answer different requests",
        "A SubjectConfirmationData InResponseTo differs from the response's InResponseTo.",
        "This points to a broken identity provider or an altered response: capture a fresh \
         sign-in, and report it to the identity provider if it persists.",
    ),
    code(
        "AT001",
        Error,
        "GitLab cannot find the user's email address",
        "No attribute with a name GitLab reads as the email address has a non-empty value.",
        "Add an attribute named email (or mail) holding the user's address to the SAML app.",
    )
    .see(docs::MISSING_CLAIMS),
    code(
        "AT002",
        Warning,
        "GitLab cannot find the user's name",
        "There is neither a name attribute nor both first and last name attributes GitLab reads.",
        "Add first_name and last_name (or name) attributes to the SAML app; without them GitLab \
         may refuse to create the account (\"can't be blank\").",
    )
    .see(docs::CONFIGURE_ASSERTIONS),
    code(
        "AT003",
        Info,
        "An attribute name looks meant for GitLab but is spelled differently",
        "An attribute such as Email, emailAddress or given_name resembles a name GitLab reads, \
         and that field is not otherwise provided.",
        "Rename the attribute in the SAML app to a name GitLab reads (names match exactly, case \
         included), or map it with attribute_statements on GitLab Self-Managed.",
    )
    .see(docs::CONFIGURE_ASSERTIONS),
    code(
        "AT004",
        Warning,
        "The email address GitLab would read looks wrong",
        "The email value GitLab reads has surrounding spaces, invisible characters, or no @.",
        "Fix the directory value or the claim that fills the email attribute.",
    )
    .see(docs::MISSING_CLAIMS),
    code(
        "SG001",
        Error,
        "Nothing in the response is signed",
        "Neither the Response nor its Assertion carries a signature.",
        "Turn on response or assertion signing in the SAML app; GitLab refuses unsigned \
         responses.",
    )
    .see(docs::IDP_ADDITIONAL_CONFIGURATION),
    code(
        "SG002",
        Warning,
        "The signature uses SHA-1",
        "A signature's SignatureMethod or DigestMethod uses SHA-1.",
        "Switch the SAML app's signing algorithm to RSA-SHA256 (and digest SHA-256).",
    )
    .see(docs::IDP_ADDITIONAL_CONFIGURATION),
    code(
        "SG003",
        Error,
        "The signature does not match the certificate or the content",
        "A signature does not verify with the given certificate: the key is wrong, or the content \
         changed after signing.",
        "Check that the certificate is the identity provider's current signing certificate, and \
         that nothing rewrites the response on its way.",
    )
    .needs("--idp-cert")
    .see(docs::FINGERPRINT_MISMATCH),
    code(
        "SG004",
        Error,
        "The response is signed by a certificate GitLab does not trust",
        "The signing certificate's fingerprint differs from --fingerprint or from the trusted \
         certificate.",
        "Update GitLab's certificate fingerprint to the identity provider's current signing \
         certificate (after a renewal both change).",
    )
    .needs("--fingerprint or --idp-cert")
    .see(docs::FINGERPRINT_MISMATCH),
    code(
        "SG005",
        Error,
        "The signed part is not the part that names the user (signature wrapping)",
        "The element that carries the NameID used is not the element the signature covers.",
        "Treat the response as an attack or a broken identity provider: do not trust its \
         contents, and capture a fresh sign-in.",
    ),
    code(
        "SG006",
        Warning,
        "The signing certificate has expired or is not valid yet",
        "The signing certificate's validity period does not include the evaluation time.",
        "Renew the signing certificate at the identity provider and update GitLab's fingerprint \
         to the new one.",
    )
    .see(docs::CERTIFICATE_UPDATES),
    code(
        "EN001",
        Info,
        "Part of the response is encrypted and cannot be read here",
        "An EncryptedAssertion, EncryptedID or EncryptedAttribute is present and no SP private \
         key was given.",
        "Pass the service provider's private key with --sp-key to read it, or turn encryption off \
         in the SAML app while troubleshooting.",
    ),
    code(
        "EN002",
        Error,
        "The encrypted part cannot be decrypted with the given key",
        "Decryption with the given SP private key failed: wrong key or unsupported algorithm.",
        "Check that the key matches the certificate the identity provider encrypts for, and that \
         the app uses a supported algorithm (AES-CBC or AES-GCM with RSA-OAEP).",
    )
    .needs("--sp-key"),
];

/// `docs/checks.md`: every code with what triggers it and how to fix it. `checked` tells which
/// codes have a rule registered (the others are marked as coming).
pub fn markdown(checked: impl Fn(&str) -> bool) -> String {
    let mut out = String::from(MARKDOWN_INTRO);
    out.push_str("\n| code | severity | title |\n|---|---|---|\n");
    for c in CATALOGUE {
        let _ = writeln!(
            out,
            "| [{0}](#{1}) | {2} | {3} |",
            c.code,
            c.code.to_lowercase(),
            c.severity,
            c.title
        );
    }
    for c in CATALOGUE {
        out.push('\n');
        write_entry(&mut out, c, checked(c.code));
    }
    out
}

fn write_entry(out: &mut String, c: &CodeInfo, checked: bool) {
    let _ = writeln!(out, "## {}\n\n**{}** — {}\n", c.code, c.severity, c.title);
    if !checked {
        out.push_str("*Comes with signature verification and decryption; not reported yet.*\n\n");
    }
    let _ = writeln!(out, "- **When:** {}", c.trigger);
    if let Some(needs) = c.needs {
        let _ = writeln!(out, "- **Needs:** {needs}");
    }
    let _ = writeln!(out, "- **Fix:** {}", c.fix);
    if let Some(s) = &c.section {
        let _ = writeln!(
            out,
            "- **GitLab docs:** [{}]({}) ({})",
            s.heading,
            s.url(),
            s.page.title
        );
    }
}

const MARKDOWN_INTRO: &str = "\
<!-- Generated from src/checks/catalogue.rs: edit the table there, then run
     SAMLTRACE_UPDATE_DOCS=1 cargo test docs_checks_md -->
# Checks

`samltrace decode` judges each SAML message against what GitLab expects and reports findings.
Every finding has a stable code, a severity, a title, a detail quoting the values it saw, and a
fix. Codes never change meaning once published; new checks get new codes.

- **error**: blocks sign-in, or is a security problem. Any error makes samltrace exit with 1.
- **warning**: likely trouble.
- **info**: worth knowing.

Checks that compare with GitLab's settings need them: `--gitlab-group URL` (such as
`https://gitlab.com/groups/acme`) gives the expected audience and Assertion Consumer Service URL;
`--sp-entity-id` and `--acs-url` set them explicitly (instance-wide SAML on GitLab Self-Managed).
Times are judged at `--at` (default: now, or the HAR entry's time) with `--skew` seconds of
clock difference allowed (default 180).
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = Vec::new();
        for c in CATALOGUE {
            assert!(!seen.contains(&c.code), "{} twice", c.code);
            seen.push(c.code);
            let (family, number) = c.code.split_at(2);
            assert!(
                family.chars().all(|ch| ch.is_ascii_uppercase()),
                "{}",
                c.code
            );
            assert!(number.len() == 3 && number.chars().all(|ch| ch.is_ascii_digit()));
        }
    }

    #[test]
    fn texts_are_one_line_sentences() {
        for c in CATALOGUE {
            assert!(
                !c.title.ends_with('.') && !c.title.contains('\n'),
                "{}",
                c.code
            );
            assert!(c.trigger.ends_with('.'), "{} trigger", c.code);
            assert!(c.fix.ends_with('.'), "{} fix", c.code);
        }
    }

    #[test]
    fn finding_appends_the_docs_section_to_the_fix() {
        let f = lookup("AU001")
            .unwrap()
            .finding(Raised::new("detail", "Do this."));
        assert_eq!(
            f.fix,
            "Do this. See “Invalid audience” in GitLab's Troubleshooting SAML page."
        );
        assert_eq!(
            f.docs.as_deref(),
            Some("https://docs.gitlab.com/user/group/saml_sso/troubleshooting/#invalid-audience")
        );
        let f = lookup("TM004")
            .unwrap()
            .finding(Raised::new("d", "Do that."));
        assert_eq!(f.fix, "Do that.");
        assert_eq!(f.docs, None);
    }

    #[test]
    fn catalogue_matches_the_shared_minimum() {
        let minimum = [
            ("ST001", Error),
            ("NI001", Error),
            ("NI002", Error),
            ("NI003", Warning),
            ("NI004", Info),
            ("NI005", Info),
            ("TM001", Error),
            ("TM002", Error),
            ("TM003", Error),
            ("TM004", Warning),
            ("AU001", Error),
            ("AU002", Error),
            ("AU003", Error),
            ("AT001", Error),
            ("AT002", Warning),
            ("AT003", Info),
            ("SG001", Error),
            ("SG002", Warning),
            ("SG003", Error),
            ("SG004", Error),
            ("SG005", Error),
            ("SG006", Warning),
            ("EN001", Info),
            ("EN002", Error),
        ];
        for (code, severity) in minimum {
            assert_eq!(lookup(code).map(|c| c.severity), Some(severity), "{code}");
        }
    }
}
