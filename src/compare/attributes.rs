//! What GitLab reads a SAML attribute as (email, username, name…), by its default attribute
//! names (`Gitlab::Auth::Saml::Config`, listed in `checks.md`; the lists live in
//! `checks::gitlab::attributes`). Names match exactly, case-sensitively, as in GitLab.
//!
//! Pure; `compare` uses the email, username and name roles to find the person a response
//! speaks for.

const CLAIMS_XMLSOAP: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
const CLAIMS_MICROSOFT: &str = "http://schemas.microsoft.com/ws/2008/06/identity/claims/";

/// The lists themselves are the checks' (one source of truth for GitLab's defaults).
pub use crate::checks::gitlab::attributes::{EMAIL, FIRST_NAME, LAST_NAME, NAME, USERNAME};

/// What GitLab reads an attribute as, if anything: `email`, `username`, `name`,
/// `first_name` or `last_name`.
pub fn role(name: &str) -> Option<&'static str> {
    let lists: [(&str, &[&str]); 5] = [
        ("email", EMAIL),
        ("username", USERNAME),
        ("name", NAME),
        ("first_name", FIRST_NAME),
        ("last_name", LAST_NAME),
    ];
    lists
        .into_iter()
        .find(|(_, names)| names.contains(&name))
        .map(|(role, _)| role)
}

/// A short form of a claim URI for messages (`…/claims/emailaddress`).
pub fn short(name: &str) -> String {
    for prefix in [CLAIMS_XMLSOAP, CLAIMS_MICROSOFT] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return format!("…/claims/{rest}");
        }
    }
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_exactly() {
        assert_eq!(role("email"), Some("email"));
        assert_eq!(
            role("Email"),
            None,
            "GitLab matches attribute names case-sensitively"
        );
        assert_eq!(role("urn:oid:0.9.2342.19200300.100.1.1"), Some("username"));
        assert_eq!(
            role(&format!("{CLAIMS_MICROSOFT}surname")),
            Some("last_name")
        );
        assert_eq!(
            short(&format!("{CLAIMS_XMLSOAP}emailaddress")),
            "…/claims/emailaddress"
        );
        assert_eq!(short("mail"), "mail");
    }
}
