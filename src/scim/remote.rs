//! Where a live identity list comes from: a `--scim` SOURCE that is a URL, understood as a
//! SCIM base URL (SCIM token) or a group URL (REST API, personal or group access token), and
//! the request URLs derived from it.
//!
//! Pure: parses and builds URLs, never connects. Refuses plain `http://` except to loopback,
//! so a token is never sent in the clear over a network, and never repeats a credential found
//! in a URL (messages show it redacted).

use std::net::IpAddr;
use std::path::PathBuf;

use url::Url;

use super::ScimError;
use crate::redact::urls as redact;

/// A `--scim` SOURCE: a file, or a GitLab URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Remote(Remote),
}

impl Source {
    /// A value starting with `http://` or `https://` is a URL; anything else is a path.
    pub fn parse(value: &str) -> Result<Source, ScimError> {
        let lower = value.trim_start().to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Remote::parse(value.trim()).map(Source::Remote)
        } else {
            Ok(Source::File(PathBuf::from(value)))
        }
    }
}

/// A GitLab API that lists identities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// The instance root, ending with `/` (`https://gitlab.com/`, or with a relative root).
    pub root: Url,
    pub kind: RemoteKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteKind {
    /// `/api/scim/v2/groups/<group>`: group SCIM with the group's SCIM token.
    ScimGroup { group: String },
    /// `/api/scim/v2/application`: instance SCIM (self-managed) with the instance SCIM token.
    ScimInstance,
    /// `/groups/<group>`, `/<group>` or `/api/v4/groups/<id>`: REST with a personal or group
    /// access token of a group Owner.
    RestGroup { group: String },
}

/// How the token is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Bearer,
    PrivateToken,
}

impl Remote {
    pub fn parse(value: &str) -> Result<Remote, ScimError> {
        let bad = |why: &str| ScimError::Url {
            url: redact::text(value),
            why: redact::text(why),
        };
        let url = Url::parse(value).map_err(|e| bad(&e.to_string()))?;
        check_transport(&url).map_err(|why| bad(&why))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "credentials in the URL are refused: give the token with SAMLTRACE_TOKEN or --token-file",
            ));
        }
        let path = url.path().trim_end_matches('/').to_owned();
        let (prefix, kind) = classify(&path).ok_or_else(|| {
            bad("expected https://HOST/api/scim/v2/groups/GROUP, https://HOST/api/scim/v2/application or https://HOST/groups/GROUP")
        })?;
        let mut root = url.clone();
        root.set_query(None);
        root.set_fragment(None);
        root.set_path(&format!("{prefix}/"));
        Ok(Remote { root, kind })
    }

    /// The URL this remote stands for, for messages.
    pub fn display(&self) -> String {
        let path = match &self.kind {
            RemoteKind::ScimGroup { group } => format!("api/scim/v2/groups/{group}"),
            RemoteKind::ScimInstance => "api/scim/v2/application".into(),
            RemoteKind::RestGroup { group } => format!("groups/{group}"),
        };
        format!("{}{path}", self.root)
    }

    pub fn auth(&self) -> Auth {
        match self.kind {
            RemoteKind::RestGroup { .. } => Auth::PrivateToken,
            _ => Auth::Bearer,
        }
    }

    pub fn is_scim(&self) -> bool {
        self.auth() == Auth::Bearer
    }

    /// `…/Users` of a SCIM remote.
    pub fn users_url(&self) -> Option<Url> {
        let mut url = self.root.clone();
        {
            let mut seg = url.path_segments_mut().ok()?;
            seg.pop_if_empty().extend(["api", "scim", "v2"]);
            match &self.kind {
                RemoteKind::ScimGroup { group } => {
                    seg.push("groups").extend(group.split('/'));
                }
                RemoteKind::ScimInstance => {
                    seg.push("application");
                }
                RemoteKind::RestGroup { .. } => return None,
            }
            seg.push("Users");
        }
        Some(url)
    }

    /// One SCIM page: `…/Users?startIndex=S&count=C`.
    pub fn scim_page(&self, start: u64, count: u32) -> Option<Url> {
        let mut url = self.users_url()?;
        url.query_pairs_mut()
            .append_pair("startIndex", &start.to_string())
            .append_pair("count", &count.to_string());
        Some(url)
    }

    /// A SCIM filtered look-up: `…/Users?filter=<attribute> eq "<value>"`.
    pub fn scim_filter(&self, attribute: &str, value: &str) -> Option<Url> {
        let mut url = self.users_url()?;
        url.query_pairs_mut()
            .append_pair("filter", &format!("{attribute} eq \"{value}\""))
            .append_pair("count", "100");
        Some(url)
    }

    /// REST `/api/v4/groups/:id/<tail…>`, the group as one encoded segment.
    pub fn rest_url(&self, tail: &[&str]) -> Option<Url> {
        let RemoteKind::RestGroup { group } = &self.kind else {
            return None;
        };
        let mut url = self.root.clone();
        url.path_segments_mut()
            .ok()?
            .pop_if_empty()
            .extend(["api", "v4", "groups", group])
            .extend(tail);
        Some(url)
    }

    /// Which token this URL needs, for messages.
    pub fn token_kind(&self) -> &'static str {
        match self.kind {
            RemoteKind::ScimGroup { .. } => "the group's SCIM token",
            RemoteKind::ScimInstance => "the instance SCIM token",
            RemoteKind::RestGroup { .. } => {
                "a personal or group access token (api scope) of a group Owner"
            }
        }
    }
}

/// `https://` anywhere; `http://` only to a loopback address.
fn check_transport(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(
            "plain http is refused (the token would cross the network in the clear): use https://"
                .into(),
        ),
        other => Err(format!("scheme {other} is not supported: use https://")),
    }
}

/// True when the URL names this machine (`localhost`, 127.0.0.0/8, `::1`): the only hosts a
/// token may be sent to over plain http, and never through a proxy.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Splits a URL path into the instance's relative root and what the rest names.
fn classify(path: &str) -> Option<(String, RemoteKind)> {
    if let Some(at) = path.find("/api/scim/v2/") {
        let rest = path[at + "/api/scim/v2/".len()..].trim_end_matches("/Users");
        let prefix = path[..at].to_owned();
        if rest == "application" {
            return Some((prefix, RemoteKind::ScimInstance));
        }
        let group = rest.strip_prefix("groups/")?;
        return non_empty(group).map(|g| (prefix, RemoteKind::ScimGroup { group: decode(g) }));
    }
    if let Some(at) = path.find("/api/v4/groups/") {
        let rest = &path[at + "/api/v4/groups/".len()..];
        let group = rest.split('/').next()?;
        return non_empty(group).map(|g| {
            (
                path[..at].to_owned(),
                RemoteKind::RestGroup { group: decode(g) },
            )
        });
    }
    // A group page: `/groups/acme`, `/acme`, `/acme/sub`, maybe with `/-/saml/sso` after it.
    let page = path.split("/-/").next().unwrap_or(path);
    let group = page
        .strip_prefix("/groups/")
        .or_else(|| page.strip_prefix('/'))?;
    non_empty(group).map(|g| (String::new(), RemoteKind::RestGroup { group: decode(g) }))
}

fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim_matches('/');
    (!s.is_empty() && !s.starts_with("api/")).then_some(s)
}

/// A path as the user meant it (`acme%2Fsub` → `acme/sub`); left as is when not decodable.
fn decode(s: &str) -> String {
    String::from_utf8(crate::input::percent_decode_bytes(s.as_bytes()))
        .unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(s: &str) -> Remote {
        Remote::parse(s).unwrap()
    }

    #[test]
    fn scim_base_urls() {
        let r = remote("https://gitlab.com/api/scim/v2/groups/acme");
        assert_eq!(
            r.kind,
            RemoteKind::ScimGroup {
                group: "acme".into()
            }
        );
        assert_eq!(r.root.as_str(), "https://gitlab.com/");
        assert_eq!(
            r.scim_page(101, 100).unwrap().as_str(),
            "https://gitlab.com/api/scim/v2/groups/acme/Users?startIndex=101&count=100"
        );
        assert_eq!(r.auth(), Auth::Bearer);
        let r = remote("https://git.example.com/gitlab/api/scim/v2/application/Users/");
        assert_eq!(r.kind, RemoteKind::ScimInstance);
        assert_eq!(
            r.users_url().unwrap().as_str(),
            "https://git.example.com/gitlab/api/scim/v2/application/Users"
        );
    }

    #[test]
    fn group_urls_go_to_rest() {
        for s in [
            "https://gitlab.com/groups/acme",
            "https://gitlab.com/acme/",
            "https://gitlab.com/groups/acme/-/saml/sso?token=x",
            "https://gitlab.com/api/v4/groups/acme/scim/identities",
        ] {
            let r = remote(s);
            assert_eq!(
                r.kind,
                RemoteKind::RestGroup {
                    group: "acme".into()
                },
                "{s}"
            );
            assert_eq!(r.auth(), Auth::PrivateToken);
        }
        let r = remote("https://gitlab.com/api/v4/groups/acme%2Fsub");
        assert_eq!(
            r.rest_url(&["scim", "identities"]).unwrap().as_str(),
            "https://gitlab.com/api/v4/groups/acme%2Fsub/scim/identities"
        );
    }

    #[test]
    fn filters_are_encoded() {
        let r = remote("https://gitlab.com/api/scim/v2/groups/acme");
        let url = r.scim_filter("id", "a b&c").unwrap();
        assert_eq!(url.query(), Some("filter=id+eq+%22a+b%26c%22&count=100"));
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(Remote::parse("http://127.0.0.1:8080/groups/acme").is_ok());
        assert!(Remote::parse("http://[::1]:8080/groups/acme").is_ok());
        assert!(Remote::parse("http://localhost/groups/acme").is_ok());
        let err = Remote::parse("http://gitlab.example.com/groups/acme")
            .unwrap_err()
            .to_string();
        assert!(err.contains("plain http is refused"), "{err}");
        assert!(Remote::parse("ftp://gitlab.com/acme").is_err());
    }

    #[test]
    fn nonsense_is_refused() {
        for s in [
            "https://gitlab.com/",
            "https://gitlab.com/api/scim/v2/groups/",
            "https://user:pw@gitlab.com/acme",
        ] {
            assert!(Remote::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn sources_are_files_or_urls() {
        assert_eq!(
            Source::parse("ids.csv").unwrap(),
            Source::File("ids.csv".into())
        );
        assert!(matches!(
            Source::parse("HTTPS://gitlab.com/acme").unwrap(),
            Source::Remote(_)
        ));
    }

    /// A URL with credentials in it is refused without repeating them.
    #[test]
    fn credentials_in_a_url_are_never_echoed() {
        let err =
            Remote::parse("https://user:glpat-Secret123@gitlab.com/groups/acme?private_token=tok9")
                .unwrap_err()
                .to_string();
        assert!(err.contains("credentials in the URL are refused"), "{err}");
        for secret in ["Secret123", "tok9", "user:"] {
            assert!(!err.contains(secret), "{err}");
        }
    }
}
