//! The SAML attribute names GitLab reads by default (its `Gitlab::Auth::Saml::Config`
//! defaults, listed in `checks.md`). Names match exactly, case-sensitively, as in GitLab.
//!
//! Data only; `compare` uses the email, username and name lists to find the person a
//! response speaks for.

const CLAIMS_XMLSOAP: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
const CLAIMS_MICROSOFT: &str = "http://schemas.microsoft.com/ws/2008/06/identity/claims/";

pub const EMAIL: &[&str] = &[
    "email",
    "mail",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/emailaddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/email",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/email",
    "urn:oid:0.9.2342.19200300.100.1.3",
];

pub const USERNAME: &[&str] = &["username", "nickname", "urn:oid:0.9.2342.19200300.100.1.1"];

pub const NAME: &[&str] = &[
    "name",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/name",
    "urn:oid:2.16.840.1.113730.3.1.241",
    "urn:oid:2.5.4.3",
];

pub const FIRST_NAME: &[&str] = &[
    "first_name",
    "firstname",
    "firstName",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/givenname",
    "urn:oid:2.5.4.42",
];

pub const LAST_NAME: &[&str] = &[
    "last_name",
    "lastname",
    "lastName",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/surname",
    "urn:oid:2.5.4.4",
];

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
