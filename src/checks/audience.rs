//! Audience rules: is the response meant for this GitLab group, sent to its callback URL, and an
//! answer to the request GitLab sent.
//!
//! The expected values come from the [`Context`] (`--gitlab-group`, `--sp-entity-id`,
//! `--acs-url`, and the AuthnRequests of the same trace); without them the rules that need them
//! stay silent. Pure functions of the message and the context.

use crate::saml::Message;

use super::quote::quote;
use super::{Context, Raised, Rule, SeenRequest, readable, which};
use crate::sanitize::is_invisible;

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "AU001",
        check: wrong_audience,
    },
    Rule {
        code: "AU002",
        check: wrong_destination,
    },
    Rule {
        code: "AU003",
        check: unanswered_request,
    },
    Rule {
        code: "AU004",
        check: no_audience,
    },
    Rule {
        code: "AU005",
        check: confirmation_answers_another_request,
    },
];

/// Why two URLs that should be equal are not, when the reason is a common slip.
fn near_miss(found: &str, expected: &str) -> Option<&'static str> {
    let trim = |s: &str| s.trim().trim_end_matches('/').to_owned();
    if found.trim_matches(|c: char| c.is_whitespace() || is_invisible(c)) == expected {
        Some("They differ only by spaces or invisible characters around the value.")
    } else if found.eq_ignore_ascii_case(expected) {
        Some("They differ only in letter case.")
    } else if trim(found) == trim(expected) {
        Some("They differ only by a trailing slash.")
    } else if found.strip_prefix("http:") == expected.strip_prefix("https:") {
        Some("The value uses http where GitLab uses https.")
    } else {
        None
    }
}

/// " They differ …" or "", with a space in front.
fn hint(found: &str, expected: &str) -> String {
    near_miss(found, expected)
        .map(|h| format!(" {h}"))
        .unwrap_or_default()
}

fn quoted_list(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| quote(v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// AU001: no Audience equals the expected SP entity ID.
fn wrong_audience(msg: &Message, ctx: &Context) -> Vec<Raised> {
    let Some(expected) = ctx.sp_entity_id.as_deref() else {
        return vec![];
    };
    readable(msg)
        .filter_map(|a| {
            let audiences: Vec<&str> = a
                .conditions
                .as_ref()?
                .audiences
                .iter()
                .map(String::as_str)
                .collect();
            if audiences.is_empty() || audiences.contains(&expected) {
                return None;
            }
            let detail = format!(
                "The assertion{} is for {} (Audience); GitLab expects {} (its Identifier).{}",
                which(msg, a),
                quoted_list(&audiences),
                quote(expected),
                audience_hint(&audiences, expected, ctx)
            );
            Some(Raised::new(detail, audience_fix(expected)))
        })
        .collect()
}

fn audience_hint(audiences: &[&str], expected: &str, ctx: &Context) -> String {
    if audiences.len() == 1 && Some(audiences[0]) == ctx.acs_url.as_deref() {
        return " The Assertion Consumer Service URL was entered where the Identifier belongs."
            .to_owned();
    }
    audiences
        .iter()
        .find_map(|a| near_miss(a, expected))
        .map(|h| format!(" {h}"))
        .unwrap_or_default()
}

fn audience_fix(expected: &str) -> String {
    format!(
        "Set the SAML app's Audience URI / Identifier (Entity ID) to {expected} exactly, as \
         shown on the group's Settings > SAML SSO page. If the identity provider is right, \
         check the group given to samltrace."
    )
}

/// AU002: Destination or a Recipient differs from the expected ACS URL.
fn wrong_destination(msg: &Message, ctx: &Context) -> Vec<Raised> {
    let Some(expected) = ctx.acs_url.as_deref() else {
        return vec![];
    };
    let wrong: Vec<(&str, Vec<&str>)> = addressed_to(msg)
        .into_iter()
        .filter(|(value, _)| *value != expected)
        .collect();
    let Some((first, _)) = wrong.first() else {
        return vec![];
    };
    let listed: Vec<String> = wrong
        .iter()
        .map(|(value, fields)| format!("{} ({})", quote(value), fields.join(" and ")))
        .collect();
    let detail = format!(
        "The response is addressed to {}; GitLab's Assertion Consumer Service URL is {}.{}",
        listed.join(" and "),
        quote(expected),
        destination_hint(first, expected, ctx)
    );
    vec![Raised::new(detail, destination_fix(expected))]
}

/// Every address the message is sent to (Destination, then each Recipient), with the fields
/// that name it.
fn addressed_to(msg: &Message) -> Vec<(&str, Vec<&'static str>)> {
    let mut out: Vec<(&str, Vec<&'static str>)> = Vec::new();
    let mut add = |value, field| match out.iter_mut().find(|(v, _)| *v == value) {
        Some((_, fields)) if !fields.contains(&field) => fields.push(field),
        Some(_) => {}
        None => out.push((value, vec![field])),
    };
    if let Some(d) = msg.destination.as_deref().filter(|_| msg.is_response()) {
        add(d, "Destination");
    }
    for a in readable(msg) {
        let confirmations = a.subject.iter().flat_map(|s| &s.confirmations);
        for r in confirmations.filter_map(|c| c.recipient.as_deref()) {
            add(r, "SubjectConfirmationData Recipient");
        }
    }
    out
}

fn destination_hint(found: &str, expected: &str, ctx: &Context) -> String {
    if found
        .trim_end_matches('/')
        .ends_with("/users/auth/saml/callback")
    {
        return " That is the callback of instance-wide SAML; a group's SAML uses \
                .../groups/<group>/-/saml/callback."
            .to_owned();
    }
    if Some(found) == ctx.sp_entity_id.as_deref() {
        return " The Identifier was entered where the Assertion Consumer Service URL belongs."
            .to_owned();
    }
    hint(found, expected)
}

fn destination_fix(expected: &str) -> String {
    format!(
        "Set the SAML app's Assertion Consumer Service URL to {expected} exactly (Okta: Single \
         sign-on URL, used for Recipient and Destination; Microsoft Entra: Reply URL)."
    )
}

/// AU003: InResponseTo is not the latest AuthnRequest seen earlier in the trace.
fn unanswered_request(msg: &Message, ctx: &Context) -> Vec<Raised> {
    let Some(requests) = ctx.earlier_requests.as_deref() else {
        return vec![];
    };
    let Some(latest) = requests.last().filter(|_| msg.is_response()) else {
        return vec![];
    };
    let answered = msg.in_response_to.as_deref();
    if answered == Some(latest.id.as_str()) {
        return vec![];
    }
    vec![Raised::new(
        unanswered_detail(answered, latest, requests),
        "Start the sign-in from GitLab (the group's GitLab single sign-on URL) in one browser \
         tab and finish it without going back or reusing an old identity provider page; if \
         the identity provider drops InResponseTo, make it answer service-provider-initiated \
         requests.",
    )]
}

fn unanswered_detail(
    answered: Option<&str>,
    latest: &SeenRequest,
    requests: &[SeenRequest],
) -> String {
    let sent = format!(
        "GitLab's latest request in this capture is {}",
        quote(&latest.id)
    );
    match answered {
        None => format!(
            "The response does not say which request it answers (no InResponseTo); {sent}. \
             GitLab expects the answer to the request it sent."
        ),
        Some(id) if requests.iter().any(|r| r.id == id) => format!(
            "The response answers {}, an earlier request of this capture; {sent}. GitLab only \
             accepts the answer to the latest one.",
            quote(id)
        ),
        Some(id) => format!(
            "The response answers {}, a request this capture does not hold; {sent}.",
            quote(id)
        ),
    }
}

/// AU004: an assertion without any Audience.
fn no_audience(msg: &Message, _: &Context) -> Vec<Raised> {
    readable(msg)
        .filter(|a| a.conditions.as_ref().is_none_or(|c| c.audiences.is_empty()))
        .map(|a| {
            Raised::new(
                format!(
                    "The assertion{} has no Audience, so it does not say which service provider \
                     it is for. GitLab accepts it, but so would any other service provider that \
                     trusts this identity provider.",
                    which(msg, a)
                ),
                "Set the SAML app's Audience URI / Identifier to GitLab's Identifier (shown on \
                 the group's Settings > SAML SSO page).",
            )
        })
        .collect()
}

/// AU005: a SubjectConfirmationData InResponseTo differs from the response's InResponseTo.
fn confirmation_answers_another_request(msg: &Message, _: &Context) -> Vec<Raised> {
    if !msg.is_response() {
        return vec![];
    }
    let response = msg.in_response_to.as_deref();
    let mut out = Vec::new();
    for a in readable(msg) {
        let confirmations = a.subject.iter().flat_map(|s| &s.confirmations);
        for c in confirmations.filter_map(|c| c.in_response_to.as_deref()) {
            if Some(c) != response {
                let said =
                    response.map_or_else(|| "no request (no InResponseTo)".to_owned(), quote);
                out.push(Raised::new(
                    format!(
                        "The response answers {said}, but its assertion's confirmation{} \
                         answers {} (SubjectConfirmationData InResponseTo); GitLab refuses the \
                         pair.",
                        which(msg, a),
                        quote(c)
                    ),
                    "Capture a fresh sign-in; if the two still differ, the identity provider \
                     builds responses wrongly (report it) or something rewrote the response.",
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::checks::Context;

    fn with_context(
        r: &ResponseXml,
        change: impl FnOnce(&mut Context),
    ) -> Vec<crate::checks::Finding> {
        let mut ctx = gitlab_context();
        change(&mut ctx);
        check_with(r, ctx)
    }

    fn audience(value: &str) -> ResponseXml {
        response().with(|a| a.audiences = vec![value.into()])
    }

    #[test]
    fn au001_quotes_both_audiences() {
        let f = one(
            &check(&audience("https://gitlab.com/groups/acme-corp")),
            "AU001",
        );
        assert_eq!(
            f.detail,
            "The assertion is for \"https://gitlab.com/groups/acme-corp\" (Audience); GitLab \
             expects \"https://gitlab.com/groups/acme\" (its Identifier)."
        );
        assert!(f.fix.contains("Invalid audience"), "{}", f.fix);
        assert!(f.fix.contains("to https://gitlab.com/groups/acme exactly"));
    }

    #[test]
    fn au001_explains_near_misses() {
        let cases = [
            ("https://gitlab.com/groups/acme/", "trailing slash"),
            ("https://gitlab.com/groups/ACME", "letter case"),
            ("https://gitlab.com/groups/acme\u{200B}", "invisible"),
            ("http://gitlab.com/groups/acme", "uses http"),
            (ACS, "Assertion Consumer Service URL was entered"),
        ];
        for (value, expected) in cases {
            let f = one(&check(&audience(value)), "AU001");
            assert!(f.detail.contains(expected), "{value}: {}", f.detail);
        }
    }

    #[test]
    fn au001_not_raised_when_one_audience_matches_or_unknown() {
        assert!(raised(&check(&response()), "AU001").is_empty());
        let two = response().with(|a| a.audiences = vec!["urn:other".into(), GROUP.into()]);
        assert!(raised(&check(&two), "AU001").is_empty());
        let unknown = with_context(&audience("urn:other"), |c| c.sp_entity_id = None);
        assert!(raised(&unknown, "AU001").is_empty());
    }

    #[test]
    fn au002_destination_and_recipient_in_one_finding() {
        let mut r = response()
            .with(|a| a.recipient = Some("https://gitlab.com/users/auth/saml/callback".into()));
        r.destination = Some("https://gitlab.com/users/auth/saml/callback".into());
        let f = one(&check(&r), "AU002");
        assert_eq!(
            f.detail,
            "The response is addressed to \"https://gitlab.com/users/auth/saml/callback\" \
             (Destination and SubjectConfirmationData Recipient); GitLab's Assertion Consumer \
             Service URL is \"https://gitlab.com/groups/acme/-/saml/callback\". That is the callback of \
             instance-wide SAML; a group's SAML uses .../groups/<group>/-/saml/callback."
        );
    }

    #[test]
    fn au002_recipient_alone_and_identifier_hint() {
        let r = response().with(|a| a.recipient = Some(GROUP.into()));
        let f = one(&check(&r), "AU002");
        assert!(
            f.detail.contains("(SubjectConfirmationData Recipient)"),
            "{}",
            f.detail
        );
        assert!(f.detail.contains("Identifier was entered"), "{}", f.detail);
        assert!(f.fix.contains("Reply URL"));
    }

    #[test]
    fn au002_not_raised_on_match_missing_or_unknown() {
        assert!(raised(&check(&response()), "AU002").is_empty());
        let mut r = response().with(|a| a.recipient = None);
        r.destination = None;
        assert!(raised(&check(&r), "AU002").is_empty());
        let unknown = with_context(&r, |c| c.acs_url = None);
        assert!(raised(&unknown, "AU002").is_empty());
    }

    fn request(id: &str) -> SeenRequest {
        SeenRequest {
            id: id.into(),
            issuer: Some(GROUP.into()),
            acs_url: Some(ACS.into()),
        }
    }

    #[test]
    fn au003_unknown_older_or_missing_request() {
        let seen = |ids: &[&str]| Some(ids.iter().map(|i| request(i)).collect::<Vec<_>>());
        let f = one(
            &with_context(&response(), |c| c.earlier_requests = seen(&["_other"])),
            "AU003",
        );
        assert!(
            f.detail
                .contains("\"_req1\", a request this capture does not hold"),
            "{}",
            f.detail
        );
        let f = one(
            &with_context(&response(), |c| {
                c.earlier_requests = seen(&["_req1", "_req2"])
            }),
            "AU003",
        );
        assert!(f.detail.contains("an earlier request"), "{}", f.detail);
        let mut r = response().with(|a| a.confirmation_in_response_to = None);
        r.in_response_to = None;
        let f = one(
            &with_context(&r, |c| c.earlier_requests = seen(&["_req1"])),
            "AU003",
        );
        assert!(f.detail.contains("no InResponseTo"), "{}", f.detail);
        assert!(
            f.fix
                .contains("Request to link SAML account must be authorized")
        );
    }

    #[test]
    fn au003_not_raised_on_latest_or_without_a_trace() {
        let ok = with_context(&response(), |c| {
            c.earlier_requests = Some(vec![request("_x"), request("_req1")])
        });
        assert!(raised(&ok, "AU003").is_empty());
        assert!(raised(&check(&response()), "AU003").is_empty());
        let empty = with_context(&response(), |c| c.earlier_requests = Some(vec![]));
        assert!(raised(&empty, "AU003").is_empty());
    }

    #[test]
    fn au004_no_audience() {
        let r = response().with(|a| a.audiences.clear());
        let findings = check(&r);
        assert!(one(&findings, "AU004").detail.contains("has no Audience"));
        assert!(raised(&findings, "AU001").is_empty());
    }

    #[test]
    fn au004_not_raised_with_an_audience() {
        assert!(raised(&check(&response()), "AU004").is_empty());
    }

    #[test]
    fn au005_confirmation_answers_another_request() {
        let r = response().with(|a| a.confirmation_in_response_to = Some("_req9".into()));
        let f = one(&check(&r), "AU005");
        assert_eq!(
            f.detail,
            "The response answers \"_req1\", but its assertion's confirmation answers \"_req9\" \
             (SubjectConfirmationData InResponseTo); GitLab refuses the pair."
        );
        let mut r = response();
        r.in_response_to = None;
        assert!(
            one(&check(&r), "AU005")
                .detail
                .contains("no request (no InResponseTo)")
        );
    }

    #[test]
    fn au005_not_raised_when_equal_or_absent() {
        assert!(raised(&check(&response()), "AU005").is_empty());
        let r = response().with(|a| a.confirmation_in_response_to = None);
        assert!(raised(&check(&r), "AU005").is_empty());
    }
}
