//! Status rules: did the identity provider say yes, and did it send something to sign in with.
//!
//! Pure functions of the message; they never look at time, audience or signatures.

use crate::saml::{Message, Status};

use super::quote::quote;
use super::{Context, Raised, Rule, succeeded};

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "ST001",
        check: not_success,
    },
    Rule {
        code: "ST002",
        check: success_without_assertion,
    },
];

const PREFIX: &str = "urn:oasis:names:tc:SAML:2.0:status:";

/// `Responder` for `urn:oasis:names:tc:SAML:2.0:status:Responder`; other URIs whole.
fn short(code: &str) -> &str {
    code.strip_prefix(PREFIX).unwrap_or(code)
}

/// ST001: the top-level StatusCode is not Success, or a Response has no status.
fn not_success(msg: &Message, _: &Context) -> Vec<Raised> {
    match &msg.status {
        Some(status) if !status.is_success() => vec![Raised::new(detail(status), fix(status))],
        None if msg.is_response() => vec![Raised::new(
            "The response has no Status element, so it does not say whether the sign-in \
             succeeded; GitLab refuses such a response.",
            "The identity provider sent a malformed response: capture a fresh sign-in, and \
             report it to the identity provider's support if it happens again.",
        )],
        _ => vec![],
    }
}

fn detail(status: &Status) -> String {
    let code = status.code.as_deref().map(short).map(quote);
    let mut text = match code {
        Some(code) => format!("The identity provider answered with status {code}"),
        None => "The identity provider answered with a status that has no code".to_owned(),
    };
    if let Some(second) = &status.second_level {
        text.push_str(&format!(" (detail {})", quote(short(second))));
    }
    match &status.message {
        Some(m) if !m.trim().is_empty() => text.push_str(&format!(" and said: {}", quote(m))),
        _ => text.push_str(", without a message."),
    }
    text
}

fn fix(status: &Status) -> String {
    let top = status.code.as_deref().map(short).unwrap_or_default();
    let second = status
        .second_level
        .as_deref()
        .map(short)
        .unwrap_or_default();
    let mut fix = advice(top, second).to_owned();
    if status
        .message
        .as_deref()
        .is_some_and(|m| m.contains("AADSTS"))
    {
        fix.push_str(
            " The message carries a Microsoft Entra error code (AADSTS…): look it up in \
             Microsoft's Entra authentication error codes reference.",
        );
    }
    fix
}

fn advice(top: &str, second: &str) -> &'static str {
    match (top, second) {
        (_, "AuthnFailed") => {
            "The identity provider could not authenticate the user: check the user's password and \
             MFA there, and that the user is assigned to the SAML app."
        }
        (_, "RequestDenied") => {
            "The identity provider refused to answer for this user: most often the user (or \
             their group) is not assigned to the SAML app; assign them."
        }
        (_, "InvalidNameIDPolicy") => {
            "The identity provider cannot send the NameID format GitLab asked for: set the SAML \
             app's NameID format to persistent, with a value every user has."
        }
        (_, "NoPassive") => {
            "GitLab asked for a sign-in without a login prompt and the user had no session at \
             the identity provider: sign in there first, then retry."
        }
        (_, "NoAuthnContext") => {
            "The identity provider cannot sign the user in the way the request asked: check the \
             app's authentication requirements (MFA, password-only)."
        }
        (_, "UnknownPrincipal") => {
            "The identity provider does not know this user: check that the user exists there and \
             is enabled."
        }
        (_, "RequestUnsupported" | "UnsupportedBinding") => {
            "The identity provider did not accept GitLab's request: check the SAML app's single \
             sign-on URL and bindings (GitLab sends the request by HTTP-Redirect and takes the \
             response by HTTP-POST)."
        }
        ("Requester", _) => {
            "The identity provider blamed the request: check that the SAML app's Identifier and \
             ACS URL are GitLab's, and that the user is assigned to the app."
        }
        ("VersionMismatch", _) => {
            "The identity provider does not accept SAML 2.0 as sent: check that the app is a SAML \
             2.0 app."
        }
        _ => {
            "The identity provider failed on its side: its status message and sign-in logs say \
             why; check that the user is assigned to the SAML app."
        }
    }
}

/// ST002: a successful Response with no assertion at all.
fn success_without_assertion(msg: &Message, _: &Context) -> Vec<Raised> {
    if !msg.is_response() || !succeeded(msg) || !msg.assertions.is_empty() {
        return vec![];
    }
    let elsewhere = if msg
        .notes
        .iter()
        .any(|n| n.contains("outside where SAML puts"))
    {
        " An assertion sits elsewhere in the document, where no service provider reads it."
    } else {
        ""
    };
    vec![Raised::new(
        format!(
            "The status is Success, but the response holds no Assertion or EncryptedAssertion, so \
             there is nobody to sign in.{elsewhere}"
        ),
        "Check the SAML app on the identity provider (some send an empty success when the user \
         lacks the app or a required attribute), then capture a fresh sign-in.",
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn st001_failed_status_quotes_code_detail_and_message() {
        let f = one(
            &check(&response().failed("RequestDenied", "User is not assigned to this app")),
            "ST001",
        );
        assert_eq!(
            f.detail,
            "The identity provider answered with status \"Responder\" (detail \"RequestDenied\") \
             and said: \"User is not assigned to this app\""
        );
        assert!(f.fix.contains("not assigned to the SAML app"), "{}", f.fix);
    }

    #[test]
    fn st001_advice_follows_the_second_level_code() {
        let f = one(
            &check(&response().failed("InvalidNameIDPolicy", "")),
            "ST001",
        );
        assert!(f.detail.ends_with("without a message."), "{}", f.detail);
        assert!(f.fix.contains("NameID format"), "{}", f.fix);
    }

    #[test]
    fn st001_points_to_entra_error_codes() {
        let msg = "AADSTS50105: The signed in user is not assigned to a role";
        let f = one(&check(&response().failed("RequestDenied", msg)), "ST001");
        assert!(f.fix.contains("AADSTS"), "{}", f.fix);
    }

    #[test]
    fn st001_missing_status() {
        let xml = response().xml();
        let start = xml.find("<samlp:Status>").unwrap();
        let end = xml.find("</samlp:Status>").unwrap() + "</samlp:Status>".len();
        let without = format!("{}{}", &xml[..start], &xml[end..]);
        let msg = message(&without);
        let found = super::not_success(&msg, &gitlab_context());
        assert_eq!(found.len(), 1);
        assert!(found[0].detail.contains("no Status"));
    }

    #[test]
    fn st001_status_message_is_made_visible() {
        let f = one(
            // XML refuses C0 controls such as ESC; the C1 CSI (U+009B) is XML text, and some
            // terminals read it as the start of an escape sequence.
            &check(&response().failed("AuthnFailed", "bad\u{9b}31m")),
            "ST001",
        );
        assert!(f.detail.contains("bad<U+009B>31m"), "{}", f.detail);
    }

    #[test]
    fn st001_not_raised_on_success() {
        assert!(raised(&check(&response()), "ST001").is_empty());
    }

    #[test]
    fn st002_success_without_assertion() {
        let mut r = response();
        r.assertion = AssertionPart::None;
        let f = one(&check(&r), "ST002");
        assert!(f.detail.contains("nobody to sign in"));
    }

    #[test]
    fn st002_not_raised_with_an_assertion_or_on_failure() {
        assert!(raised(&check(&response()), "ST002").is_empty());
        assert!(raised(&check(&response().failed("AuthnFailed", "x")), "ST002").is_empty());
        let mut encrypted = response();
        encrypted.assertion = AssertionPart::Encrypted;
        assert!(raised(&check(&encrypted), "ST002").is_empty());
    }
}
