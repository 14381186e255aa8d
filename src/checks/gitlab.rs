//! What samltrace knows about GitLab as a SAML service provider: the URLs a group's SAML
//! settings derive from its group URL, the attribute names GitLab reads, and the sections of
//! GitLab's documentation that findings point to.
//!
//! Pure: parsing and constants. Nothing here contacts GitLab; the URLs are computed, not fetched.

use url::Url;

/// A GitLab group that uses group SAML, read from a URL such as `https://gitlab.com/groups/acme`.
///
/// SAML SSO is configured on top-level groups only, so a subgroup or project URL resolves to its
/// top-level group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitLabGroup {
    /// Scheme, host, port and any relative URL root: `https://gitlab.com`.
    base: String,
    /// The top-level group path: `acme`.
    group: String,
    /// The rest of the path the URL named below the group (`sub/project`), when any.
    below: Option<String>,
    /// The relative URL root read from the URL (`/gitlab`), when any.
    root: Option<String>,
}

/// Why a `--gitlab-group` value is not a group URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GroupUrlError {
    #[error("the GitLab group URL is empty; give one such as https://gitlab.com/groups/acme")]
    Empty,
    #[error("{input:?} is not a URL ({reason}); give one such as https://gitlab.com/groups/acme")]
    NotUrl { input: String, reason: String },
    #[error("{0:?} is not an http or https URL")]
    Scheme(String),
    #[error("{0:?} names no group; give one such as https://gitlab.com/groups/acme")]
    NoGroup(String),
    #[error(
        "{url:?} is GitLab's own {segment:?} page, not a group; give the group's URL, such as \
         https://gitlab.com/groups/acme"
    )]
    NotAGroup { url: String, segment: String },
}

/// First path segments that are GitLab pages, never top-level groups.
const RESERVED: &[&str] = &[
    "-",
    "admin",
    "api",
    "assets",
    "dashboard",
    "explore",
    "help",
    "oauth",
    "profile",
    "projects",
    "search",
    "users",
];

impl GitLabGroup {
    /// Reads a group URL: `https://gitlab.com/groups/acme`, `https://gitlab.com/acme`, a
    /// subgroup or project below it, any page of the group (`…/-/saml/sso`), the group's SCIM
    /// URL, or the same on a self-managed host (also under a relative URL root, written with
    /// `/groups/`: `https://example.com/gitlab/groups/acme`). A missing scheme means `https`.
    pub fn parse(input: &str) -> Result<GitLabGroup, GroupUrlError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(GroupUrlError::Empty);
        }
        let url = parse_url(trimmed)?;
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        let (root, group, below) = split_path(&segments, trimmed)?;
        Ok(GitLabGroup {
            base: format!("{}{}", origin(&url), root),
            group: group.to_owned(),
            below: (!below.is_empty()).then(|| below.join("/")),
            root: (!root.is_empty()).then(|| root.clone()),
        })
    }

    /// The top-level group path.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// The instance URL: `https://gitlab.com`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// SP entity ID, expected Audience and AuthnRequest Issuer: `https://gitlab.com/groups/acme`.
    pub fn sp_entity_id(&self) -> String {
        format!("{}/groups/{}", self.base, self.group)
    }

    /// Assertion Consumer Service URL: `https://gitlab.com/groups/acme/-/saml/callback`.
    pub fn acs_url(&self) -> String {
        format!("{}/-/saml/callback", self.sp_entity_id())
    }

    /// GitLab single sign-on URL: `https://gitlab.com/groups/acme/-/saml/sso`.
    pub fn sso_url(&self) -> String {
        format!("{}/-/saml/sso", self.sp_entity_id())
    }

    /// What a person should know about how the URL was read, when it was not plain.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(below) = &self.below {
            notes.push(format!(
                "SAML SSO is set up on the top-level group, so {}/{below} is checked as group {}",
                self.group, self.group
            ));
        }
        if let Some(root) = &self.root {
            notes.push(format!(
                "{root} is read as the instance's relative URL root"
            ));
        }
        notes
    }
}

fn parse_url(input: &str) -> Result<Url, GroupUrlError> {
    let with_scheme = if input.contains("://") {
        input.to_owned()
    } else {
        format!("https://{input}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| GroupUrlError::NotUrl {
        input: input.to_owned(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(GroupUrlError::Scheme(input.to_owned()));
    }
    if url.host_str().is_none() {
        return Err(GroupUrlError::NoGroup(input.to_owned()));
    }
    Ok(url)
}

/// `https://host[:port]`.
fn origin(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// Splits path segments into (relative root, top-level group, path below the group).
fn split_path<'a>(
    segments: &[&'a str],
    input: &str,
) -> Result<(String, &'a str, Vec<&'a str>), GroupUrlError> {
    let (root, rest, api) = match segments.iter().position(|s| *s == "groups") {
        Some(at) => {
            let root = strip_api(&segments[..at]);
            (root, &segments[at + 1..], root.len() < at)
        }
        None => (&segments[..0], segments, false),
    };
    let Some((group, below)) = rest.split_first() else {
        return Err(GroupUrlError::NoGroup(input.to_owned()));
    };
    if RESERVED.contains(group) || *group == "groups" {
        return Err(GroupUrlError::NotAGroup {
            url: input.to_owned(),
            segment: (*group).to_owned(),
        });
    }
    let below: Vec<&str> = match api {
        true => Vec::new(),
        false => below.iter().copied().take_while(|s| *s != "-").collect(),
    };
    let root: String = root.iter().map(|s| format!("/{s}")).collect();
    Ok((root, group, below))
}

/// Drops the API prefix of `…/api/v4/groups/…` and `…/api/scim/v2/groups/…`.
fn strip_api<'s, 'a>(before: &'s [&'a str]) -> &'s [&'a str] {
    for suffix in [&["api", "scim", "v2"][..], &["api", "v4"][..]] {
        if before.ends_with(suffix) {
            return &before[..before.len() - suffix.len()];
        }
    }
    before
}

/// Attribute names GitLab reads by default (its `Gitlab::Auth::Saml::Config` and OmniAuth SAML
/// defaults). Names match exactly, case included.
pub mod attributes {
    pub const EMAIL: &[&str] = &[
        "email",
        "mail",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/emailaddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/email",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/email",
        "urn:oid:0.9.2342.19200300.100.1.3",
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
    pub const NAME: &[&str] = &[
        "name",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/name",
        "urn:oid:2.16.840.1.113730.3.1.241",
        "urn:oid:2.5.4.3",
    ];
    pub const USERNAME: &[&str] = &["username", "nickname", "urn:oid:0.9.2342.19200300.100.1.1"];
    pub const GROUPS: &[&str] = &["groups", "Groups"];
}

/// A page of GitLab's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocPage {
    pub title: &'static str,
    pub url: &'static str,
}

/// A section of a GitLab documentation page, by its heading as GitLab writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocSection {
    pub page: DocPage,
    pub heading: &'static str,
    pub anchor: &'static str,
}

impl DocSection {
    /// The section's address on docs.gitlab.com.
    pub fn url(&self) -> String {
        format!("{}#{}", self.page.url, self.anchor)
    }

    /// "“Verify NameID” in GitLab's Troubleshooting SAML page".
    pub fn cite(&self) -> String {
        format!("“{}” in GitLab's {} page", self.heading, self.page.title)
    }
}

/// The pages and sections findings point to.
pub mod docs {
    use super::{DocPage, DocSection};

    pub const SAML_TROUBLESHOOTING: DocPage = DocPage {
        title: "Troubleshooting SAML",
        url: "https://docs.gitlab.com/user/group/saml_sso/troubleshooting/",
    };
    pub const SCIM_TROUBLESHOOTING: DocPage = DocPage {
        title: "Troubleshooting SCIM",
        url: "https://docs.gitlab.com/user/group/saml_sso/troubleshooting_scim/",
    };
    pub const GROUP_SAML: DocPage = DocPage {
        title: "SAML SSO for GitLab.com groups",
        url: "https://docs.gitlab.com/user/group/saml_sso/",
    };
    pub const INSTANCE_SAML: DocPage = DocPage {
        title: "SAML SSO for GitLab Self-Managed",
        url: "https://docs.gitlab.com/integration/saml/",
    };

    const fn section(page: DocPage, heading: &'static str, anchor: &'static str) -> DocSection {
        DocSection {
            page,
            heading,
            anchor,
        }
    }

    pub const DEBUGGING_TOOLS: DocSection = section(
        SAML_TROUBLESHOOTING,
        "SAML debugging tools",
        "saml-debugging-tools",
    );
    pub const VERIFY_NAMEID: DocSection =
        section(SAML_TROUBLESHOOTING, "Verify NameID", "verify-nameid");
    pub const INVALID_AUDIENCE: DocSection =
        section(SAML_TROUBLESHOOTING, "Invalid audience", "invalid-audience");
    pub const FINGERPRINT_MISMATCH: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Key validation error, Digest mismatch or Fingerprint mismatch",
        "key-validation-error-digest-mismatch-or-fingerprint-mismatch",
    );
    pub const CERTIFICATE_UPDATES: DocSection = section(
        SAML_TROUBLESHOOTING,
        "SSO Certificate updates",
        "sso-certificate-updates",
    );
    pub const MISSING_CLAIMS: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Missing claims, or Email can't be blank errors",
        "missing-claims-or-email-cant-be-blank-errors",
    );
    pub const NAMEID_MISSING: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Message: SAML authentication failed: SAML NameID is missing from your SAML response",
        "message-saml-authentication-failed-saml-nameid-is-missing-from-your-saml-response",
    );
    pub const USER_ALREADY_TAKEN: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Message: SAML authentication failed: User has already been taken",
        "message-saml-authentication-failed-user-has-already-been-taken",
    );
    pub const EXTERN_UID_TAKEN: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Message: SAML authentication failed: Extern uid has already been taken",
        "message-saml-authentication-failed-extern-uid-has-already-been-taken",
    );
    pub const LINK_MUST_BE_AUTHORIZED: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Message: Request to link SAML account must be authorized",
        "message-request-to-link-saml-account-must-be-authorized",
    );
    pub const USERS_RECEIVE_404: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Users receive a 404",
        "users-receive-a-404",
    );
    pub const MISMATCHED_EXTERN_UID: DocSection = section(
        SCIM_TROUBLESHOOTING,
        "Mismatched SCIM extern_uid and SAML NameId",
        "mismatched-scim-extern_uid-and-saml-nameid",
    );
    pub const USER_CANNOT_SIGN_IN: DocSection = section(
        SCIM_TROUBLESHOOTING,
        "User cannot sign in",
        "user-cannot-sign-in",
    );
    pub const MANAGE_SAML_IDENTITY: DocSection = section(
        GROUP_SAML,
        "Manage user SAML identity",
        "manage-user-saml-identity",
    );
    pub const CONFIGURE_ASSERTIONS: DocSection =
        section(GROUP_SAML, "Configure assertions", "configure-assertions");
    pub const IDP_ADDITIONAL_CONFIGURATION: DocSection = section(
        INSTANCE_SAML,
        "Additional configuration for SAML apps on your IdP",
        "additional-configuration-for-saml-apps-on-your-idp",
    );
    pub const EMAIL_TAKEN: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Message: SAML authentication failed: Email has already been taken",
        "message-saml-authentication-failed-email-has-already-been-taken",
    );
    pub const USER_TAKEN_PAIR: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Error: user has already been taken",
        "error-user-has-already-been-taken",
    );
    pub const ACCOUNT_WITH_EMAIL_EXISTS: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Message: There is already a GitLab account associated with this email address.",
        "message-there-is-already-a-gitlab-account-associated-with-this-email-address",
    );
    pub const NAME_ID_AND_EMAIL_MISMATCH: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Message: SAML Name ID and email address do not match your user account",
        "message-saml-name-id-and-email-address-do-not-match-your-user-account",
    );
    pub const CERTIFICATE_MISSING: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Error: Certificate element missing in response (ds:x509certificate)",
        "error-certificate-element-missing-in-response-dsx509certificate",
    );
    pub const EMAIL_MISSING: DocSection = section(
        SAML_TROUBLESHOOTING,
        "Message: The SAML response did not contain an email address.",
        "message-the-saml-response-did-not-contain-an-email-address",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(input: &str) -> GitLabGroup {
        match GitLabGroup::parse(input) {
            Ok(g) => g,
            Err(e) => panic!("{input}: {e}"),
        }
    }

    #[test]
    fn groups_url_on_gitlab_com() {
        let g = parsed("https://gitlab.com/groups/acme");
        assert_eq!(g.group(), "acme");
        assert_eq!(g.sp_entity_id(), "https://gitlab.com/groups/acme");
        assert_eq!(
            g.acs_url(),
            "https://gitlab.com/groups/acme/-/saml/callback"
        );
        assert_eq!(g.sso_url(), "https://gitlab.com/groups/acme/-/saml/sso");
        assert!(g.notes().is_empty());
    }

    #[test]
    fn short_group_url_gives_the_same_group() {
        assert_eq!(
            parsed("https://gitlab.com/acme"),
            parsed("https://gitlab.com/groups/acme")
        );
        assert_eq!(parsed("https://gitlab.com/acme/").group(), "acme");
    }

    #[test]
    fn subgroups_and_projects_resolve_to_the_top_level_group() {
        let g = parsed("https://gitlab.com/acme/platform/api");
        assert_eq!(g.sp_entity_id(), "https://gitlab.com/groups/acme");
        assert_eq!(g.notes().len(), 1);
        assert!(g.notes()[0].contains("acme/platform/api"));
        let g = parsed("https://gitlab.com/groups/acme/platform/-/settings/saml");
        assert_eq!(g.group(), "acme");
    }

    #[test]
    fn pages_of_the_group_resolve_to_the_group() {
        for url in [
            "https://gitlab.com/groups/acme/-/saml/sso?token=x",
            "https://gitlab.com/groups/acme/-/saml/callback",
            "https://gitlab.com/acme/-/issues#top",
            "https://gitlab.com/api/scim/v2/groups/acme/Users",
            "https://gitlab.com/api/v4/groups/acme",
        ] {
            let g = parsed(url);
            assert_eq!(g.sp_entity_id(), "https://gitlab.com/groups/acme", "{url}");
            assert!(g.notes().is_empty(), "{url}: {:?}", g.notes());
        }
    }

    #[test]
    fn self_managed_hosts_keep_scheme_port_and_root() {
        let g = parsed("http://gitlab.example.com:8080/groups/eng");
        assert_eq!(
            g.acs_url(),
            "http://gitlab.example.com:8080/groups/eng/-/saml/callback"
        );
        let g = parsed("https://Example.COM/gitlab/groups/eng/sub");
        assert_eq!(g.base(), "https://example.com/gitlab");
        assert_eq!(g.sp_entity_id(), "https://example.com/gitlab/groups/eng");
        assert_eq!(g.notes().len(), 2);
    }

    #[test]
    fn missing_scheme_means_https_and_space_is_trimmed() {
        let g = parsed("  gitlab.com/groups/acme \n");
        assert_eq!(g.sp_entity_id(), "https://gitlab.com/groups/acme");
    }

    #[test]
    fn group_case_is_kept_as_given() {
        assert_eq!(parsed("https://gitlab.com/Acme-Corp").group(), "Acme-Corp");
    }

    #[test]
    fn bad_inputs_are_errors_with_an_example() {
        assert_eq!(GitLabGroup::parse("  "), Err(GroupUrlError::Empty));
        assert!(matches!(
            GitLabGroup::parse("https://gitlab.com/"),
            Err(GroupUrlError::NoGroup(_))
        ));
        assert!(matches!(
            GitLabGroup::parse("https://gitlab.com/groups/"),
            Err(GroupUrlError::NoGroup(_))
        ));
        assert!(matches!(
            GitLabGroup::parse("ftp://gitlab.com/acme"),
            Err(GroupUrlError::Scheme(_))
        ));
        assert!(matches!(
            GitLabGroup::parse("https://exa mple.com/acme"),
            Err(GroupUrlError::NotUrl { .. })
        ));
        let err = GitLabGroup::parse("https://gitlab.com/users/sign_in");
        assert!(matches!(err, Err(GroupUrlError::NotAGroup { .. })));
        let text = err.map(|_| ()).unwrap_err().to_string();
        assert!(text.contains("https://gitlab.com/groups/acme"), "{text}");
    }

    #[test]
    fn doc_sections_have_urls_with_anchors() {
        let s = docs::VERIFY_NAMEID;
        assert_eq!(
            s.url(),
            "https://docs.gitlab.com/user/group/saml_sso/troubleshooting/#verify-nameid"
        );
        assert_eq!(
            s.cite(),
            "“Verify NameID” in GitLab's Troubleshooting SAML page"
        );
    }
}
