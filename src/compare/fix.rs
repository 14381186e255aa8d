//! The API call that would fix a verdict: a `curl` command that PATCHes an identity's
//! `extern_uid` to the NameID the IdP sends. Built, never run.
//!
//! The token is always the shell variable `$GITLAB_TOKEN`, never a value. Every value from the
//! response or the list is percent-encoded into the URL or single-quoted for the shell, so the
//! command is safe to paste whatever the NameID holds.

use crate::scim::IdentitySource;

/// Which GitLab API the PATCH goes to.
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
    /// The command that sets the identity stored as `old` (of kind `source`) to `new`.
    pub fn patch(&self, source: IdentitySource, old: &str, new: &str) -> String {
        match self {
            FixApi::Rest { base, group } => {
                let kind = match source {
                    IdentitySource::Saml | IdentitySource::Observed => "saml",
                    _ => "scim",
                };
                let url = format!(
                    "{}/api/v4/groups/{}/{kind}/{}",
                    base.trim_end_matches('/'),
                    group_segment(group),
                    encode_segment(old)
                );
                format!(
                    "curl --request PATCH --header \"PRIVATE-TOKEN: $GITLAB_TOKEN\" --data-urlencode {} \"{url}\"",
                    shell_quote(&format!("extern_uid={new}"))
                )
            }
            FixApi::Scim { users_url } => {
                let body = serde_json::json!({
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [{"op": "Replace", "path": "externalId", "value": new}],
                });
                let url = format!(
                    "{}/{}",
                    users_url.trim_end_matches('/'),
                    encode_segment(old)
                );
                format!(
                    "curl --request PATCH --header \"Authorization: Bearer $GITLAB_TOKEN\" --header \"Content-Type: application/scim+json\" --data {} \"{url}\"",
                    shell_quote(&body.to_string())
                )
            }
        }
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
            "curl --request PATCH --header \"PRIVATE-TOKEN: $GITLAB_TOKEN\" --data-urlencode 'extern_uid=bob@example.com' \"https://gitlab.com/api/v4/groups/acme%2Fsub/saml/Bob%40Example.com\""
        );
        assert!(
            api.patch(IdentitySource::Scim, "a", "b")
                .contains("/scim/a\"")
        );
    }

    #[test]
    fn the_default_uses_shell_variables() {
        let cmd = FixApi::default().patch(IdentitySource::Unknown, "x", "y");
        assert!(
            cmd.ends_with("\"$GITLAB_URL/api/v4/groups/$GROUP_ID/scim/x\""),
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
            cmd.ends_with("\"https://gitlab.com/api/scim/v2/groups/acme/Users/carol\""),
            "{cmd}"
        );
        assert!(cmd.contains("Bearer $GITLAB_TOKEN"));
    }

    #[test]
    fn hostile_values_stay_inert() {
        let cmd = FixApi::default().patch(IdentitySource::Scim, "$(rm -rf ~)`x`\"", "it's $HOME");
        assert!(cmd.contains("'extern_uid=it'\\''s $HOME'"), "{cmd}");
        assert!(
            cmd.contains("/scim/%24%28rm%20-rf%20~%29%60x%60%22\""),
            "{cmd}"
        );
    }
}
