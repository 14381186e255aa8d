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

/// Codes raised by GitLab's verdict (`crate::verdict`) rather than by a rule of the checks: the
/// schema check and the ruby-saml validations that read the document itself.
pub const RAISED_BY_VERDICT: &[&str] = &[
    "ST003", "AS001", "AS002", "SC001", "SC002", "SC003", "SC004", "SC005", "TM006", "AU006",
    "AU007", "SG010", "SG011",
];

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
        "ST003",
        Error,
        "The response carries more than one assertion (GitLab refuses it)",
        "The document holds more than one Assertion or EncryptedAssertion, anywhere (Advice and \
         signatures included): ruby-saml's validate_num_assertion wants exactly one.",
        "Configure the identity provider to send one assertion per response; several can also \
         be the shape of a signature-wrapping attack.",
    ),
    code(
        "AS001",
        Error,
        "The signed assertion does not have exactly one Conditions element",
        "The assertion GitLab reads has no Conditions element, or several (ruby-saml's \
         validate_one_conditions).",
        "Configure the identity provider to send one Conditions element with the audience and \
         validity window.",
    ),
    code(
        "AS002",
        Error,
        "The signed assertion does not have exactly one AuthnStatement",
        "The assertion GitLab reads has no AuthnStatement, or several (ruby-saml's \
         validate_one_authnstatement).",
        "Configure the identity provider to say how the user authenticated (one AuthnStatement).",
    ),
    code(
        "SC001",
        Error,
        "An ID is not a valid XML ID, or is used twice (GitLab refuses it)",
        "An attribute of type xs:ID (a Response, Assertion or signature ID) is not an NCName, \
         such as a bare UUID that starts with a digit, or two elements carry the same ID; \
         ruby-saml's schema check refuses the message.",
        "Make the identity provider generate IDs that start with a letter or \"_\" and are unique \
         in the message.",
    ),
    code(
        "SC002",
        Error,
        "A required attribute is missing, or an attribute is not allowed (GitLab refuses it)",
        "An element lacks an attribute the SAML schema requires (ID, Version, IssueInstant, \
         Method, Algorithm, …) or carries one its type does not declare.",
        "Fix the identity provider's message template so that it follows the SAML 2.0 schema.",
    ),
    code(
        "SC003",
        Error,
        "Elements are missing, out of order or not allowed (GitLab refuses it)",
        "The SAML schema's content model is broken: a required element is missing, elements are \
         out of order or repeated, an element is not allowed where it is, or text stands where \
         only elements may.",
        "Fix the identity provider's message template so that it follows the SAML 2.0 schema.",
    ),
    code(
        "SC004",
        Error,
        "The message is not SAML 2.0 (GitLab refuses it)",
        "The message's Version is not \"2.0\", or it is not a samlp:Response (ruby-saml's \
         validate_version).",
        "Configure the identity provider to send SAML 2.0 Responses.",
    ),
    code(
        "SC005",
        Error,
        "A value does not have the type the schema requires (GitLab refuses it)",
        "An attribute or text is not of its schema type: a time that is not an xs:dateTime, an \
         InResponseTo that is not an NCName, base64 that is not base64, an xsi:type that names \
         no type.",
        "Fix the identity provider's message template so that it follows the SAML 2.0 schema.",
    ),
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
        "A successful response's IssueInstant is more than 3 minutes (plus the allowed clock \
         skew) from the evaluation time; GitLab does not judge IssueInstant, so this is a hint.",
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
        "TM006",
        Error,
        "The sign-in session the response grants has already ended",
        "The AuthnStatement's SessionNotOnOrAfter is before the evaluation time, beyond the \
         allowed clock drift (ruby-saml's validate_session_expiration).",
        "Sign in again; if fresh responses fail too, lengthen the session lifetime at the \
         identity provider or sync its clock.",
    )
    .see(docs::DEBUGGING_TOOLS),
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
        "AU006",
        Error,
        "No subject confirmation GitLab accepts",
        "The assertion has no bearer SubjectConfirmation with SubjectConfirmationData (ruby-saml's \
         validate_subject_confirmation).",
        "Configure the identity provider to send a bearer SubjectConfirmation whose data names \
         GitLab's ACS URL as Recipient.",
    ),
    code(
        "AU007",
        Error,
        "The NameID is qualified for another service provider",
        "The NameID's SPNameQualifier differs from GitLab's entity ID (ruby-saml's \
         validate_name_id).",
        "Set the SPNameQualifier (or the app's entity ID) to GitLab's Identifier, or remove it.",
    )
    .needs("--gitlab-group or --sp-entity-id")
    .see(docs::INVALID_AUDIENCE),
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
        "SG007",
        Warning,
        "A signature GitLab does not check is broken",
        "A signature other than the one GitLab verifies does not verify (such as a broken \
         Assertion signature inside a valid signed Response): GitLab never reads it, but other \
         service providers may.",
        "Check why the identity provider's second signature is broken; GitLab signs the user in \
         regardless.",
    )
    .needs("--idp-cert or --fingerprint"),
    code(
        "SG008",
        Warning,
        "The signature references the whole document",
        "A signature's Reference is URI=\"\" (the whole document) instead of the signed \
         element's ID: GitLab accepts it, reading it as the element the signature sits in.",
        "Prefer a Reference to the Response's or the Assertion's ID (URI=\"#ID\"), which every \
         service provider reads the same way.",
    ),
    code(
        "SG009",
        Warning,
        "A signature has more than one Reference",
        "A signature's SignedInfo holds several References: GitLab (and samltrace) check only \
         the first, so the others vouch for nothing.",
        "Configure the identity provider to sign with one Reference, to the signed element.",
    ),
    code(
        "SG010",
        Error,
        "The signatures are not where GitLab accepts them",
        "A signature sits outside the Response and the Assertion, its element has no ID or a \
         duplicate one, it references another element, two reference the same one, there are \
         more than two, or none is in the element the first Reference names (ruby-saml's \
         validate_signed_elements and validate_signature).",
        "Configure the identity provider to sign the Response or the Assertion (or both) with an \
         enveloped signature referencing the element's own ID.",
    )
    .see(docs::IDP_ADDITIONAL_CONFIGURATION),
    code(
        "SG011",
        Error,
        "The signature carries no certificate, and GitLab only has a fingerprint",
        "GitLab is configured with a certificate fingerprint (as GitLab.com group SAML always \
         is), and the message carries no X509Certificate to match it with.",
        "Configure the identity provider to include its signing certificate in the signature's \
         KeyInfo.",
    )
    .see(docs::FINGERPRINT_MISMATCH),
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
    if RAISED_BY_VERDICT.contains(&c.code) {
        out.push_str("*Verdict: raised when GitLab refuses the response for this reason.*\n\n");
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
clock difference allowed. The default is GitLab's: no drift, as GitLab.com's group SAML passes
none to ruby-saml and Self-Managed passes only what an admin sets as `allowed_clock_drift`.

Every trace also carries GitLab's verdict (`gitlab_verdict`): the first ruby-saml validation the
response fails, with ruby-saml's message and the code below that explains it. Codes marked
*verdict* are raised by that verdict (they need the document, not only the model).
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
