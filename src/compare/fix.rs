//! The API calls that would fix a verdict, as `curl` commands: PATCH an identity's
//! `extern_uid` to the NameID the IdP sends (`mismatch`, `near_match`), reprovision an inactive
//! SCIM identity (`inactive`), remove the identity that is not this person (`ambiguous`). Built,
//! never run here: each call is a [`Request`] (the one definition of its endpoint's URL), printed
//! as `curl` for a person and sent as is by `samltrace scim fix` through `scim::Client::send`.
//!
//! The token is always the shell variable `$SAMLTRACE_TOKEN` (the one the README sets for
//! reading lists), never a value, and each command ends with a shell comment naming the kind
//! of token it needs. Every value from the response or the list is percent-encoded into the
//! URL or single-quoted for the shell, so the command is safe to paste whatever it holds.
//! SAML and SCIM live on the top-level group (GitLab.com), so a subgroup's fix goes there.

use crate::scim::{Auth, Body, IdentitySource, Method, Request};

/// The shell variable every printed call takes its token from.
pub const TOKEN_VAR: &str = "$SAMLTRACE_TOKEN";

/// What a REST call needs (`/api/v4/groups/:id/…`).
const REST_TOKEN: &str =
    "# SAMLTRACE_TOKEN: a personal or group access token with the api scope, of a group Owner";
/// What a SCIM call needs (`/api/scim/v2/…`).
const SCIM_TOKEN: &str = "# SAMLTRACE_TOKEN: the group's SCIM token";

/// Which GitLab API the calls go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixApi {
    /// REST `PATCH /api/v4/groups/:id/{scim,saml}/:uid` with a personal or group access token.
    /// `base` and `group` may be shell variables (`$GITLAB_URL`, `$GROUP_ID`).
    Rest { base: String, group: String },
    /// SCIM `PATCH <users_url>/:id` with the SCIM token (the list came from the SCIM API).
    Scim { users_url: String },
}

impl Default for FixApi {
    fn default() -> Self {
        FixApi::Rest {
            base: "$GITLAB_URL".into(),
            group: "$GROUP_ID".into(),
        }
    }
}

impl FixApi {
    /// The REST API for `group` on `base`: a subgroup's path is cut to its top-level group,
    /// where GitLab.com keeps SAML and SCIM identities.
    pub fn rest(base: &str, group: &str) -> FixApi {
        let top = group.split('/').find(|s| !s.is_empty()).unwrap_or(group);
        FixApi::Rest {
            base: base.trim_end_matches('/').to_owned(),
            group: top.to_owned(),
        }
    }

    /// The command that sets the identity stored as `old` (of kind `source`) to `new`.
    pub fn patch(&self, source: IdentitySource, old: &str, new: &str) -> String {
        curl(&self.patch_request(source, old, new))
    }

    /// The request that sets the identity stored as `old` (of kind `source`) to `new`: REST
    /// `PATCH /groups/:id/{scim,saml}/:uid` with `extern_uid`, or SCIM `PATCH Users/:id` with a
    /// `Replace externalId` operation.
    pub fn patch_request(&self, source: IdentitySource, old: &str, new: &str) -> Request {
        match self {
            FixApi::Rest { .. } => Request {
                method: Method::Patch,
                url: self.rest_url(source, &encode_segment(old)),
                auth: Auth::PrivateToken,
                body: Some(Body::Field {
                    name: "extern_uid",
                    value: new.to_owned(),
                }),
            },
            FixApi::Scim { users_url } => scim_patch(
                users_url,
                old,
                serde_json::json!({"op": "Replace", "path": "externalId", "value": new}),
            ),
        }
    }

    /// The request that reads the one identity stored as `uid` (of kind `source`): REST
    /// `GET /groups/:id/{scim,saml}/:uid`, or SCIM `GET Users/:id`.
    pub fn read_request(&self, source: IdentitySource, uid: &str) -> Request {
        match self {
            FixApi::Rest { .. } => Request {
                method: Method::Get,
                url: self.rest_url(source, &encode_segment(uid)),
                auth: Auth::PrivateToken,
                body: None,
            },
            FixApi::Scim { users_url } => Request {
                method: Method::Get,
                url: scim_user_url(users_url, uid),
                auth: Auth::Bearer,
                body: None,
            },
        }
    }

    /// Whether an identity of kind `source` can be changed through this API: a SAML identity
    /// only through REST (the SCIM API knows SCIM identities only).
    pub fn reaches(&self, source: IdentitySource) -> bool {
        match self {
            FixApi::Rest { .. } => matches!(source, IdentitySource::Scim | IdentitySource::Saml),
            FixApi::Scim { .. } => source == IdentitySource::Scim,
        }
    }

    /// The group the calls go to (a path, an id, or a shell variable), for the audit log.
    pub fn group(&self) -> String {
        match self {
            FixApi::Rest { group, .. } => group.clone(),
            FixApi::Scim { users_url } => scim_group(users_url).1,
        }
    }

    /// The command that reprovisions the inactive SCIM identity stored as `old` (what the IdP
    /// does when the user is assigned to the app again).
    pub fn reactivate(&self, old: &str) -> String {
        let users = match self {
            FixApi::Scim { users_url } => users_url.clone(),
            FixApi::Rest { base, group } => {
                let path = if group.starts_with('$') || group.bytes().all(|b| b.is_ascii_digit()) {
                    "$GROUP_PATH".to_owned()
                } else {
                    encode_segment(group)
                };
                format!("{base}/api/scim/v2/groups/{path}/Users")
            }
        };
        curl(&scim_patch(
            &users,
            old,
            serde_json::json!({"op": "Replace", "path": "active", "value": true}),
        ))
    }

    /// The command that deletes one of the identities `candidates` names (of kind `source`): the
    /// user picks which, by setting `WRONG_UID`; nothing is chosen for them. A SCIM URL's
    /// group is reached through the REST API, since a SCIM DELETE would deprovision the user.
    pub fn remove_one(&self, source: IdentitySource, candidates: &[&str]) -> String {
        let url = self.rest_url(source, "$WRONG_UID");
        let shown: Vec<String> = candidates.iter().map(|c| shell_quote(c)).collect();
        // GitLab finds a SCIM identity's uid case-insensitively (gitlab-api.md §8): of two that
        // differ only in case, a DELETE may reach either.
        let case_twins = candidates.iter().enumerate().any(|(i, a)| {
            candidates[i + 1..]
                .iter()
                .any(|b| a != b && a.eq_ignore_ascii_case(b))
        });
        let warning = if case_twins {
            "; these differ only in case and GitLab may match either: check with GET on the same URL first"
        } else {
            ""
        };
        format!(
            "curl --request DELETE --header \"PRIVATE-TOKEN: {TOKEN_VAR}\" \"{url}\"  # WRONG_UID: the percent-encoded extern_uid of the identity that is not this person, one of {}{warning}; {}",
            shown.join(", "),
            REST_TOKEN.trim_start_matches("# ")
        )
    }

    /// `<base>/api/v4/groups/<group>/<scim|saml>/<uid>`; for a SCIM URL, its group's REST API.
    fn rest_url(&self, source: IdentitySource, uid: &str) -> String {
        let kind = match source {
            IdentitySource::Saml | IdentitySource::Observed => "saml",
            _ => "scim",
        };
        let (base, group) = match self {
            FixApi::Rest { base, group } => (base.clone(), group_segment(group)),
            FixApi::Scim { users_url } => scim_group(users_url),
        };
        format!(
            "{}/api/v4/groups/{group}/{kind}/{uid}",
            base.trim_end_matches('/')
        )
    }
}

/// A SCIM PATCH of one operation on `<users>/<old>`.
fn scim_patch(users: &str, old: &str, op: serde_json::Value) -> Request {
    let body = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [op],
    });
    Request {
        method: Method::Patch,
        url: scim_user_url(users, old),
        auth: Auth::Bearer,
        body: Some(Body::Scim(body)),
    }
}

/// `<users>/<uid>`, the uid one encoded segment.
fn scim_user_url(users: &str, uid: &str) -> String {
    format!("{}/{}", users.trim_end_matches('/'), encode_segment(uid))
}

/// A request as a `curl` command with `$SAMLTRACE_TOKEN` for the token and a comment naming
/// the token it needs; every value single-quoted or percent-encoded.
pub fn curl(request: &Request) -> String {
    let (header, needs) = match request.auth {
        Auth::PrivateToken => (
            format!("--header \"PRIVATE-TOKEN: {TOKEN_VAR}\""),
            REST_TOKEN,
        ),
        Auth::Bearer => (
            format!("--header \"Authorization: Bearer {TOKEN_VAR}\""),
            SCIM_TOKEN,
        ),
    };
    let method = match request.method {
        Method::Get => String::new(),
        other => format!("--request {} ", other.as_str()),
    };
    let body = match &request.body {
        None => String::new(),
        Some(Body::Field { name, value }) => {
            format!(
                " --data-urlencode {}",
                shell_quote(&format!("{name}={value}"))
            )
        }
        Some(Body::Scim(v)) => format!(
            " --header \"Content-Type: application/scim+json\" --data {}",
            shell_quote(&v.to_string())
        ),
    };
    format!("curl {method}{header}{body} \"{}\"  {needs}", request.url)
}

/// The instance and group of a group SCIM URL (`…/api/scim/v2/groups/acme/Users`); shell
/// variables for the instance SCIM API, which has no group.
fn scim_group(users_url: &str) -> (String, String) {
    let marker = "/api/scim/v2/groups/";
    match users_url.find(marker) {
        Some(at) => {
            let group = users_url[at + marker.len()..]
                .trim_end_matches('/')
                .trim_end_matches("/Users");
            (users_url[..at].to_owned(), group.to_owned())
        }
        None => ("$GITLAB_URL".to_owned(), "$GROUP_ID".to_owned()),
    }
}

/// A group id or full path as the REST API takes it (`acme%2Fsub`); a shell variable as is.
fn group_segment(group: &str) -> String {
    if group.starts_with('$')
        && group[1..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        group.to_owned()
    } else {
        encode_segment(group)
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so the result is one path
/// segment and safe inside double quotes (no `$`, backquote, `"` or `\` survive).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Single-quotes a value for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_fix_patches_the_identity_kind() {
        let api = FixApi::Rest {
            base: "https://gitlab.com/".into(),
            group: "acme/sub".into(),
        };
        assert_eq!(
            api.patch(IdentitySource::Saml, "Bob@Example.com", "bob@example.com"),
            "curl --request PATCH --header \"PRIVATE-TOKEN: $SAMLTRACE_TOKEN\" --data-urlencode 'extern_uid=bob@example.com' \"https://gitlab.com/api/v4/groups/acme%2Fsub/saml/Bob%40Example.com\"  # SAMLTRACE_TOKEN: a personal or group access token with the api scope, of a group Owner"
        );
        assert!(
            api.patch(IdentitySource::Scim, "a", "b")
                .contains("/scim/a\"  #")
        );
    }

    #[test]
    fn the_default_uses_shell_variables() {
        let cmd = FixApi::default().patch(IdentitySource::Unknown, "x", "y");
        assert!(
            cmd.contains("\"$GITLAB_URL/api/v4/groups/$GROUP_ID/scim/x\"  # SAMLTRACE_TOKEN"),
            "{cmd}"
        );
    }

    #[test]
    fn scim_fix_sends_a_patch_op() {
        let api = FixApi::Scim {
            users_url: "https://gitlab.com/api/scim/v2/groups/acme/Users".into(),
        };
        let cmd = api.patch(IdentitySource::Scim, "carol", "5d0f");
        assert!(
            cmd.contains("\"path\":\"externalId\",\"value\":\"5d0f\""),
            "{cmd}"
        );
        assert!(
            cmd.contains("\"https://gitlab.com/api/scim/v2/groups/acme/Users/carol\"  # SAMLTRACE_TOKEN: the group's SCIM token"),
            "{cmd}"
        );
        assert!(cmd.contains("Bearer $SAMLTRACE_TOKEN"));
    }

    #[test]
    fn hostile_values_stay_inert() {
        let cmd = FixApi::default().patch(IdentitySource::Scim, "$(rm -rf ~)`x`\"", "it's $HOME");
        assert!(cmd.contains("'extern_uid=it'\\''s $HOME'"), "{cmd}");
        assert!(
            cmd.contains("/scim/%24%28rm%20-rf%20~%29%60x%60%22\"  #"),
            "{cmd}"
        );
    }

    #[test]
    fn a_subgroup_is_fixed_on_its_top_level_group() {
        let api = FixApi::rest("https://gitlab.com/", "acme/platform/web");
        let cmd = api.patch(IdentitySource::Scim, "old", "new");
        assert!(
            cmd.contains("\"https://gitlab.com/api/v4/groups/acme/scim/old\""),
            "{cmd}"
        );
    }

    #[test]
    fn an_inactive_identity_is_reprovisioned_over_scim() {
        let cmd = FixApi::rest("https://gitlab.com", "acme").reactivate("erin@x");
        assert!(cmd.contains("\"path\":\"active\",\"value\":true"), "{cmd}");
        assert!(
            cmd.contains("\"https://gitlab.com/api/scim/v2/groups/acme/Users/erin%40x\""),
            "{cmd}"
        );
        assert!(
            cmd.ends_with("# SAMLTRACE_TOKEN: the group's SCIM token"),
            "{cmd}"
        );
        let by_id = FixApi::default().reactivate("e");
        assert!(
            by_id.contains("$GITLAB_URL/api/scim/v2/groups/$GROUP_PATH/Users/e"),
            "{by_id}"
        );
    }

    #[test]
    fn removing_a_duplicate_leaves_the_choice_to_the_user() {
        let scim = FixApi::Scim {
            users_url: "https://gitlab.com/api/scim/v2/groups/acme/Users".into(),
        };
        let cmd = scim.remove_one(IdentitySource::Scim, &["JSmith", "jsmith"]);
        assert!(cmd.starts_with("curl --request DELETE"), "{cmd}");
        assert!(
            cmd.contains("\"https://gitlab.com/api/v4/groups/acme/scim/$WRONG_UID\""),
            "{cmd}"
        );
        assert!(
            cmd.contains("one of 'JSmith', 'jsmith'; these differ only in case"),
            "{cmd}"
        );
        let plain = scim.remove_one(IdentitySource::Scim, &["a1", "b2"]);
        assert!(!plain.contains("differ only in case"), "{plain}");
        assert!(cmd.contains("of a group Owner"), "{cmd}");
    }
}
