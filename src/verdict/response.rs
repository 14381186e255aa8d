//! `Response#is_valid?` step by step, in ruby-saml's order (`response.rb`, `#validate`):
//! version, ID, status, number of assertions, signed elements, schema, one Conditions, the
//! Conditions' times, one AuthnStatement, audience, destination, session expiry, subject
//! confirmation, NameID, signature. Skipped as GitLab runs it: `validate_no_duplicated_attributes`
//! (GitLab does not pass `check_duplicated_attributes`), `validate_in_response_to` (no
//! `matches_request_id`), `validate_issuer` (no `idp_entity_id`).
//!
//! Each step reads the document as ruby-saml does: the "signed assertion" is the Assertion the
//! first Reference names, or every Assertion when the Response is the signed element
//! (`xpath_from_signed_assertion`), in the decrypted document when there is one.

use jiff::SignedDuration;

use super::schema::Validator;
use super::time::{self, Missed};
use super::{Input, Outcome, Refusal, Verdict, refuses, verdict};
use crate::checks::{Context, Finding, catalogue};
use crate::dsig::gitlab::{DecryptedDoc, RubyDocument, SignatureOutcome};
use crate::saml::Status;
use crate::xml::{Element, ns};

/// The result of one validation.
enum Step {
    Pass,
    Fail(Refusal),
    /// It would pass or fail depending on something not given (the flag to give).
    Unknown(String),
}

/// What the steps read.
struct Facts<'d> {
    received: RubyDocument<'d>,
    /// The decrypted document, when the assertion was encrypted and opened.
    decrypted: Option<RubyDocument<'d>>,
    input: &'d Input<'d>,
    ctx: &'d Context,
    /// The schema violations of the received document and the decrypted assertion.
    violations: Vec<super::schema::Violation>,
    /// `xpath_from_signed_assertion("")`, found once.
    signed: Vec<Element<'d>>,
}

impl<'d> Facts<'d> {
    /// The document `xpath_from_signed_assertion` reads.
    fn doc(&self) -> RubyDocument<'d> {
        self.decrypted.unwrap_or(self.received)
    }

    /// `xpath_from_signed_assertion(subelement)`: children named so of the signed assertions.
    fn signed_children(&self, local: &str) -> Vec<Element<'d>> {
        self.signed
            .iter()
            .flat_map(|a| a.children_named(ns::SAML, local).collect::<Vec<_>>())
            .collect()
    }

    fn drift(&self) -> SignedDuration {
        self.ctx.skew
    }
}

type Validation = fn(&Facts<'_>) -> Step;

/// The validations, in `Response#validate`'s order.
const VALIDATIONS: &[Validation] = &[
    encrypted_state,
    validate_version,
    validate_id,
    validate_success_status,
    validate_num_assertion,
    validate_signed_elements,
    validate_structure,
    validate_one_conditions,
    validate_conditions,
    validate_one_authnstatement,
    validate_audience,
    validate_destination,
    validate_session_expiration,
    validate_subject_confirmation,
    validate_name_id,
    validate_signature,
];

/// The verdict on a Response, and the schema findings.
pub(super) fn judge(input: &Input<'_>, ctx: &Context) -> (Verdict, Vec<Finding>) {
    let parts: Vec<&DecryptedDoc> = input.decrypted.iter().map(|d| d.as_ref()).collect();
    let received = RubyDocument::received(input.document);
    let decrypted = RubyDocument::decrypted(input.document, &parts);
    let facts = Facts {
        received,
        decrypted,
        input,
        ctx,
        violations: schema_violations(input),
        signed: decrypted.unwrap_or(received).signed_assertions(),
    };
    let findings = schema_findings(&facts);
    let mut needs = Vec::new();
    for validation in VALIDATIONS {
        match validation(&facts) {
            Step::Pass => {}
            Step::Fail(r) => return (refuses(r), findings),
            Step::Unknown(need) => needs.push(need),
        }
    }
    let v = match needs.is_empty() {
        true => verdict(Outcome::Accepts, "GitLab accepts".to_owned()),
        false => Verdict {
            reason: Some(format!("not checked: {}", needs.join("; "))),
            needs: needs.clone(),
            ..verdict(
                Outcome::Undecided,
                format!("GitLab would accept it; not checked: {}", needs.join("; ")),
            )
        },
    };
    (v, findings)
}

fn fail(check: &'static str, message: &str, reason: impl Into<String>, code: &'static str) -> Step {
    Step::Fail(Refusal {
        check,
        message: Some(message.to_owned()),
        reason: reason.into(),
        code,
    })
}

/// `Response.new` decrypts the EncryptedAssertion first: without the SP key GitLab has, the
/// verdict cannot be made; with a key that does not open it, GitLab fails.
fn encrypted_state(f: &Facts<'_>) -> Step {
    let root = f.received.root();
    if root.child(ns::SAML, "EncryptedAssertion").is_none() || f.decrypted.is_some() {
        return Step::Pass;
    }
    if !f.ctx.sp_key_given {
        return Step::Unknown("the encrypted assertion (give --sp-key)".to_owned());
    }
    let why = f
        .input
        .decryption
        .iter()
        .find_map(|d| d.error.clone())
        .unwrap_or_else(|| "it could not be decrypted".to_owned());
    Step::Fail(Refusal {
        check: "decrypt_assertion",
        message: None,
        reason: format!("the EncryptedAssertion cannot be decrypted with the SP key: {why}"),
        code: "EN002",
    })
}

fn validate_version(f: &Facts<'_>) -> Step {
    let root = f.received.root();
    match root.attr("Version") {
        Some("2.0") => Step::Pass,
        v => fail(
            "validate_version",
            "Unsupported SAML version",
            match v {
                Some(v) => format!("the Response says Version={v:?}; GitLab reads SAML 2.0 only"),
                None => "the Response has no Version attribute".to_owned(),
            },
            "SC004",
        ),
    }
}

fn validate_id(f: &Facts<'_>) -> Step {
    match f.received.root().attr("ID") {
        Some(_) => Step::Pass,
        None => fail(
            "validate_id",
            "Missing ID attribute on SAML Response",
            "the Response has no ID attribute",
            "SC002",
        ),
    }
}

/// `status_code` reads `/Response/Status/StatusCode` when there is exactly one, joining the
/// second-level codes with " | "; `status_error_msg` prints their last segments.
fn validate_success_status(f: &Facts<'_>) -> Step {
    let root = f.received.root();
    let codes: Vec<Element<'_>> = root
        .children_named(ns::SAMLP, "Status")
        .flat_map(|s| {
            s.children_named(ns::SAMLP, "StatusCode")
                .collect::<Vec<_>>()
        })
        .collect();
    let [code] = codes.as_slice() else {
        return fail(
            "validate_success_status",
            "The status code of the Response was not Success",
            format!(
                "the Response has {} top-level StatusCode elements, not one",
                codes.len()
            ),
            "ST001",
        );
    };
    let value = code.attr("Value").unwrap_or("");
    if value == Status::SUCCESS {
        return Step::Pass;
    }
    let mut printable: Vec<&str> = vec![last_segment(value)];
    printable.extend(
        code.children_named(ns::SAMLP, "StatusCode")
            .map(|c| last_segment(c.attr("Value").unwrap_or(""))),
    );
    let mut message = format!(
        "The status code of the Response was not Success, was {}",
        printable.join(" => ")
    );
    let messages: Vec<Element<'_>> = root
        .children_named(ns::SAMLP, "Status")
        .flat_map(|s| {
            s.children_named(ns::SAMLP, "StatusMessage")
                .collect::<Vec<_>>()
        })
        .collect();
    if let [m] = messages.as_slice() {
        message.push_str(&format!(" -> {}", m.text()));
    }
    fail(
        "validate_success_status",
        &message,
        "the identity provider refused the sign-in: its status is not Success",
        "ST001",
    )
}

fn last_segment(uri: &str) -> &str {
    uri.rsplit(':').next().unwrap_or(uri)
}

/// `//a:Assertion` and `//a:EncryptedAssertion` anywhere in the document: one in all.
fn validate_num_assertion(f: &Facts<'_>) -> Step {
    let count = |d: &RubyDocument<'_>, encrypted: bool| {
        d.elements()
            .filter(|e| {
                e.is(ns::SAML, "Assertion") || (encrypted && e.is(ns::SAML, "EncryptedAssertion"))
            })
            .count()
    };
    let n = count(&f.received, true);
    let decrypted = f.decrypted.map(|d| count(&d, false));
    let bad = n != 1 || decrypted.is_some_and(|d| d != 1);
    if !bad {
        return Step::Pass;
    }
    let found = decrypted.filter(|_| n == 1).unwrap_or(n);
    let (code, reason) = match found {
        0 => ("ST002", "the Response holds no Assertion".to_owned()),
        k => (
            "ST003",
            format!(
                "the document holds {k} Assertion and EncryptedAssertion elements (anywhere, \
                 Advice and Signature included); GitLab reads a Response with exactly one"
            ),
        ),
    };
    fail(
        "validate_num_assertion",
        "SAML Response must contain 1 assertion",
        reason,
        code,
    )
}

/// Every `//ds:Signature` sits in a Response or an Assertion with an ID, references it, and
/// there are one or two of them.
fn validate_signed_elements(f: &Facts<'_>) -> Step {
    const CHECK: &str = "validate_signed_elements";
    let signatures: Vec<Element<'_>> = f
        .doc()
        .elements()
        .filter(|e| e.is(ns::DS, "Signature"))
        .collect();
    let mut ids: Vec<&str> = Vec::new();
    let mut references: Vec<String> = Vec::new();
    for sig in &signatures {
        let Some(parent) = sig.parent() else { continue };
        let name = parent.local_name();
        if name != "Response" && name != "Assertion" {
            return fail(
                CHECK,
                &format!("Invalid Signature Element '{name}'. SAML Response rejected"),
                format!(
                    "a signature sits in {}, not in the Response or the Assertion",
                    parent.path()
                ),
                "SG010",
            );
        }
        let Some(id) = parent.attr("ID") else {
            return fail(
                CHECK,
                "Signed Element must contain an ID. SAML Response rejected",
                format!("the signed {name} has no ID"),
                "SG010",
            );
        };
        if ids.contains(&id) {
            return fail(
                CHECK,
                "Duplicated ID. SAML Response rejected",
                format!("two signed elements carry the ID {id:?}"),
                "SG010",
            );
        }
        ids.push(id);
        let uri = sig
            .descendants()
            .find(|e| e.is(ns::DS, "Reference"))
            .and_then(|r| r.attr("URI"))
            .filter(|u| !u.is_empty());
        if let Some(uri) = uri {
            let sei: String = uri.chars().skip(1).collect();
            if sei != id {
                return fail(
                    CHECK,
                    "Found an invalid Signed Element. SAML Response rejected",
                    format!(
                        "the signature in the {name} {id:?} references {uri:?}, not its own element"
                    ),
                    "SG010",
                );
            }
            if references.contains(&sei) {
                return fail(
                    CHECK,
                    "Duplicated Reference URI. SAML Response rejected",
                    format!("two signatures reference {uri:?}"),
                    "SG010",
                );
            }
            references.push(sei);
        }
    }
    if signatures.is_empty() || signatures.len() > 2 {
        let (code, reason) = match signatures.len() {
            0 => ("SG001", "nothing in the Response is signed".to_owned()),
            n => (
                "SG010",
                format!("the Response holds {n} signatures; GitLab accepts one or two"),
            ),
        };
        return fail(
            CHECK,
            "Found an unexpected number of Signature Element. SAML Response rejected",
            reason,
            code,
        );
    }
    Step::Pass
}

/// The violations of the received document and of the decrypted assertion.
fn schema_violations(input: &Input<'_>) -> Vec<super::schema::Violation> {
    let mut v = Validator::new();
    v.document(input.document);
    for part in input
        .decrypted
        .iter()
        .filter(|p| p.element == "EncryptedAssertion")
    {
        v.part(&part.document, "the decrypted assertion");
    }
    v.finish()
}

fn validate_structure(f: &Facts<'_>) -> Step {
    match f.violations.first() {
        None => Step::Pass,
        Some(first) => fail(
            "validate_structure",
            "Invalid SAML Response. Not match the saml-schema-protocol-2.0.xsd",
            first.describe(),
            first.code(),
        ),
    }
}

/// One finding per schema rule broken, each listing where.
fn schema_findings(f: &Facts<'_>) -> Vec<Finding> {
    let violations = &f.violations;
    let mut codes: Vec<&'static str> = violations.iter().map(|v| v.code()).collect();
    codes.dedup();
    codes.sort();
    codes.dedup();
    codes
        .into_iter()
        .filter_map(|code| {
            let info = catalogue::lookup(code)?;
            let places: Vec<String> = violations
                .iter()
                .filter(|v| v.code() == code)
                .map(|v| v.describe())
                .collect();
            Some(info.finding(crate::checks::Raised::new(
                format!(
                    "GitLab checks the response against the SAML schema and refuses it: {}.",
                    places.join("; ")
                ),
                schema_fix(code),
            )))
        })
        .collect()
}

fn schema_fix(code: &str) -> &'static str {
    match code {
        "SC001" => {
            "Make the identity provider generate IDs that start with a letter or \"_\" (such \
             as \"_\" followed by the UUID), and unique in the message."
        }
        "SC004" => "Configure the identity provider to send SAML 2.0.",
        _ => {
            "The identity provider sends a message that breaks the SAML 2.0 schema: fix its \
             template or claim rules, or report it to its vendor."
        }
    }
}

fn validate_one_conditions(f: &Facts<'_>) -> Step {
    let n = f.signed_children("Conditions").len();
    match n {
        1 => Step::Pass,
        _ => fail(
            "validate_one_conditions",
            "The Assertion must include one Conditions element",
            format!("the signed assertion holds {n} Conditions elements"),
            "AS001",
        ),
    }
}

/// `conditions`: the first signed assertion's Conditions, its NotBefore and NotOnOrAfter.
fn validate_conditions(f: &Facts<'_>) -> Step {
    let Some(c) = f.signed_children("Conditions").into_iter().next() else {
        return Step::Pass;
    };
    let at = f.ctx.at;
    let drift = f.drift();
    let suffix = time::ruby_drift(drift);
    if let Some(nb) = c.attr("NotBefore").and_then(time::read)
        && let Some(missed) = time::before_start(at, nb, drift)
    {
        return fail(
            "validate_conditions",
            &format!(
                "Current time is earlier than NotBefore condition ({} < {} - {suffix}s)",
                time::ruby(at),
                time::ruby(nb)
            ),
            format!(
                "NotBefore is {nb}, judged at {at}: {}",
                time::words(missed, drift)
            ),
            "TM002",
        );
    }
    if let Some(noa) = c.attr("NotOnOrAfter").and_then(time::read)
        && let Some(missed) = time::after_end(at, noa, drift)
    {
        return fail(
            "validate_conditions",
            &format!(
                "Current time is on or after NotOnOrAfter condition ({} >= {} + {suffix}s)",
                time::ruby(at),
                time::ruby(noa)
            ),
            format!(
                "NotOnOrAfter is {noa}, judged at {at}: {}",
                time::words(missed, drift)
            ),
            "TM001",
        );
    }
    Step::Pass
}

fn validate_one_authnstatement(f: &Facts<'_>) -> Step {
    let n = f.signed_children("AuthnStatement").len();
    match n {
        1 => Step::Pass,
        _ => fail(
            "validate_one_authnstatement",
            "The Assertion must include one AuthnStatement element",
            format!("the signed assertion holds {n} AuthnStatement elements"),
            "AS002",
        ),
    }
}

fn validate_audience(f: &Facts<'_>) -> Step {
    let audiences: Vec<String> = f
        .signed_children("Conditions")
        .into_iter()
        .flat_map(|c| {
            c.children_named(ns::SAML, "AudienceRestriction")
                .collect::<Vec<_>>()
        })
        .flat_map(|r| r.children_named(ns::SAML, "Audience").collect::<Vec<_>>())
        .map(|a| a.text().into_owned())
        .filter(|a| !a.is_empty())
        .collect();
    if audiences.is_empty() {
        return Step::Pass;
    }
    let Some(sp) = f.ctx.sp_entity_id.as_deref().filter(|s| !s.is_empty()) else {
        return Step::Unknown("the audience (give --gitlab-group or --sp-entity-id)".to_owned());
    };
    if audiences.iter().any(|a| a == sp) {
        return Step::Pass;
    }
    let s = if audiences.len() > 1 { "s" } else { "" };
    fail(
        "validate_audience",
        &format!(
            "Invalid Audience{s}. The audience{s} {}, did not match the expected audience {sp}",
            audiences.join(",")
        ),
        format!(
            "GitLab's entity ID is {sp:?}; the assertion is for {}",
            audiences.join(", ")
        ),
        "AU001",
    )
}

fn validate_destination(f: &Facts<'_>) -> Step {
    let Some(destination) = f.received.root().attr("Destination") else {
        return Step::Pass;
    };
    if destination.is_empty() {
        return fail(
            "validate_destination",
            "The response has an empty Destination value",
            "the Response's Destination attribute is empty",
            "AU002",
        );
    }
    let Some(acs) = f.ctx.acs_url.as_deref().filter(|a| !a.is_empty()) else {
        return Step::Unknown("the destination (give --gitlab-group or --acs-url)".to_owned());
    };
    if uri_match(destination, acs) {
        return Step::Pass;
    }
    fail(
        "validate_destination",
        &format!("The response was received at {destination} instead of {acs}"),
        format!("the Response is addressed to {destination:?}, GitLab's ACS URL is {acs:?}"),
        "AU002",
    )
}

/// `Utils.uri_match?`: scheme and host case-insensitively, path and query exactly (the port is
/// not compared); strings that do not parse as URLs are compared whole.
fn uri_match(a: &str, b: &str) -> bool {
    match (split_url(a), split_url(b)) {
        (Some(x), Some(y)) => {
            x.0.eq_ignore_ascii_case(y.0)
                && x.1.eq_ignore_ascii_case(y.1)
                && x.2 == y.2
                && x.3 == y.3
        }
        _ => a == b,
    }
}

/// (scheme, host, path, query) of an absolute URL with a host.
fn split_url(url: &str) -> Option<(&str, &str, &str, Option<&str>)> {
    if url.contains(char::is_whitespace) {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or(rest);
    let (authority, path_query) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host_port,
    };
    if host.is_empty() {
        return None;
    }
    let (path, query) = match path_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_query, None),
    };
    Some((scheme, host, path, query))
}

fn validate_session_expiration(f: &Facts<'_>) -> Step {
    let Some(statement) = f.signed_children("AuthnStatement").into_iter().next() else {
        return Step::Pass;
    };
    let Some(end) = statement.attr("SessionNotOnOrAfter").and_then(time::read) else {
        return Step::Pass;
    };
    let drift = f.drift();
    match time::after_end(f.ctx.at, end, drift) {
        None => Step::Pass,
        Some(missed) => fail(
            "validate_session_expiration",
            "The attributes have expired, based on the SessionNotOnOrAfter of the AuthnStatement \
             of this Response",
            format!(
                "SessionNotOnOrAfter is {end}, judged at {}: {}",
                f.ctx.at,
                time::words(missed, drift)
            ),
            "TM006",
        ),
    }
}

const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

/// At least one bearer SubjectConfirmation whose data answers the response's request, is
/// valid now, and names GitLab's ACS URL as Recipient.
fn validate_subject_confirmation(f: &Facts<'_>) -> Step {
    let confirmations: Vec<Element<'_>> = f
        .signed_children("Subject")
        .into_iter()
        .flat_map(|s| {
            s.children_named(ns::SAML, "SubjectConfirmation")
                .collect::<Vec<_>>()
        })
        .collect();
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    let mut needs_acs = false;
    for c in confirmations {
        if c.attr("Method").is_some_and(|m| m != BEARER) {
            problems.push((
                "AU006",
                format!(
                    "a confirmation's Method is {:?}, not bearer",
                    c.attr("Method").unwrap_or("")
                ),
            ));
            continue;
        }
        let Some(data) = c.child(ns::SAML, "SubjectConfirmationData") else {
            problems.push((
                "AU006",
                "a bearer confirmation has no SubjectConfirmationData".to_owned(),
            ));
            continue;
        };
        match confirmation_problem(f, data) {
            Ok(false) => return Step::Pass,
            Ok(true) => needs_acs = true,
            Err(p) => problems.push(p),
        }
    }
    if needs_acs {
        return Step::Unknown("the Recipient (give --gitlab-group or --acs-url)".to_owned());
    }
    let (code, reason) = match problems.first() {
        Some((code, _)) => (
            *code,
            problems
                .iter()
                .map(|(_, p)| p.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        None => (
            "AU006",
            "the signed assertion has no SubjectConfirmation".to_owned(),
        ),
    };
    fail(
        "validate_subject_confirmation",
        "A valid SubjectConfirmation was not found on this Response",
        reason,
        code,
    )
}

/// Why ruby-saml passes over this confirmation data (`Err`), or `Ok(needs_acs)`.
fn confirmation_problem(f: &Facts<'_>, data: Element<'_>) -> Result<bool, (&'static str, String)> {
    let response_irt = f.received.root().attr("InResponseTo");
    if let Some(irt) = data.attr("InResponseTo")
        && Some(irt) != response_irt
    {
        return Err((
            "AU005",
            format!(
                "its InResponseTo {irt:?} is not the Response's ({})",
                response_irt.map_or("none".to_owned(), |r| format!("{r:?}"))
            ),
        ));
    }
    let drift = f.drift();
    if let Some(nb) = data.attr("NotBefore").and_then(time::read)
        && let Some(m) = time::before_start(f.ctx.at, nb, drift)
    {
        return Err((
            "TM003",
            format!("its NotBefore is {nb}: {}", time::words(m, drift)),
        ));
    }
    if let Some(noa) = data.attr("NotOnOrAfter").and_then(time::read)
        && let Some(m @ Missed::Late(_)) = time::after_end(f.ctx.at, noa, drift)
    {
        return Err((
            "TM003",
            format!("its NotOnOrAfter is {noa}: {}", time::words(m, drift)),
        ));
    }
    let Some(recipient) = data.attr("Recipient") else {
        return Ok(false);
    };
    match f.ctx.acs_url.as_deref() {
        None => Ok(true),
        Some(acs) if recipient == acs => Ok(false),
        Some(acs) => Err((
            "AU002",
            format!("its Recipient {recipient:?} is not GitLab's ACS URL {acs:?}"),
        )),
    }
}

/// The signed assertion's NameID (or EncryptedID): not empty, and its SPNameQualifier, when
/// set, is GitLab's entity ID.
fn validate_name_id(f: &Facts<'_>) -> Step {
    let subjects = f.signed_children("Subject");
    let encrypted = subjects
        .iter()
        .find_map(|s| s.child(ns::SAML, "EncryptedID"));
    let (value, sp_qualifier) = match encrypted {
        Some(_) if !f.ctx.sp_key_given => {
            return Step::Unknown("the encrypted NameID (give --sp-key)".to_owned());
        }
        Some(_) => match f.input.message.name_id() {
            Some(n) => (n.value.clone(), n.sp_name_qualifier.clone()),
            None => return Step::Pass,
        },
        None => match subjects.iter().find_map(|s| s.child(ns::SAML, "NameID")) {
            Some(n) => (
                n.text().into_owned(),
                n.attr("SPNameQualifier").map(str::to_owned),
            ),
            None => return Step::Pass,
        },
    };
    if value.is_empty() {
        return fail(
            "validate_name_id",
            "An empty NameID value found",
            "the signed assertion's NameID is empty",
            "NI001",
        );
    }
    let Some(q) = sp_qualifier.filter(|q| !q.is_empty()) else {
        return Step::Pass;
    };
    match f.ctx.sp_entity_id.as_deref().filter(|s| !s.is_empty()) {
        None => Step::Unknown(
            "the NameID's SPNameQualifier (give --gitlab-group or --sp-entity-id)".to_owned(),
        ),
        Some(sp) if sp == q => Step::Pass,
        Some(sp) => fail(
            "validate_name_id",
            "The SPNameQualifier value mistmatch the SP entityID value.",
            format!("the NameID's SPNameQualifier is {q:?}, GitLab's entity ID is {sp:?}"),
            "AU007",
        ),
    }
}

fn validate_signature(f: &Facts<'_>) -> Step {
    let Some(g) = f.input.signature else {
        return Step::Pass;
    };
    match &g.outcome {
        SignatureOutcome::Accepted => Step::Pass,
        SignatureOutcome::Unchecked => {
            Step::Unknown("the signature (give --idp-cert or --fingerprint)".to_owned())
        }
        SignatureOutcome::Refused { message, reason } => Step::Fail(Refusal {
            check: "validate_signature",
            message: message.clone(),
            reason: reason.clone(),
            code: signature_code(message.as_deref()),
        }),
    }
}

fn signature_code(message: Option<&str>) -> &'static str {
    match message {
        Some("Fingerprint mismatch") | Some("Document Certificate Error") => "SG004",
        Some(m) if m.starts_with("Certificate element missing") => "SG011",
        Some(m) if m.starts_with("Signed element id") => "SG010",
        _ => "SG003",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_match_ignores_case_of_scheme_and_host_and_the_port() {
        assert!(uri_match(
            "HTTPS://GitLab.com/groups/acme/-/saml/callback",
            "https://gitlab.com/groups/acme/-/saml/callback"
        ));
        assert!(uri_match(
            "https://gitlab.com:443/x",
            "https://gitlab.com/x"
        ));
        assert!(!uri_match("https://gitlab.com/X", "https://gitlab.com/x"));
        assert!(!uri_match(
            "https://gitlab.com/x?a=1",
            "https://gitlab.com/x"
        ));
        assert!(uri_match("not a url", "not a url"));
        assert!(!uri_match("urn:x", "urn:y"));
    }
}
