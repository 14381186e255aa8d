//! One API request to GitLab as plain data: the method, the URL, how the token is sent and the
//! body. `compare::FixApi` builds these (the one definition of each endpoint's URL), renders
//! them as `curl` commands, and `Client::send` sends them.
//!
//! Pure: no token is held here (only how one is sent), nothing is sent.

use super::remote::Auth;

/// The methods the repair calls use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Patch,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Patch => "PATCH",
        }
    }
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// One form field (`extern_uid=…`), form-encoded (REST).
    Field { name: &'static str, value: String },
    /// A SCIM PatchOp document, `application/scim+json`.
    Scim(serde_json::Value),
}

impl Body {
    /// The content type and the bytes sent.
    pub fn encoded(&self) -> (&'static str, String) {
        match self {
            Body::Field { name, value } => (
                "application/x-www-form-urlencoded",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair(name, value)
                    .finish(),
            ),
            Body::Scim(v) => ("application/scim+json", v.to_string()),
        }
    }
}

/// One request: `url` is complete and percent-encoded (it may hold shell variables such as
/// `$GITLAB_URL` when it is only to be printed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub auth: Auth,
    pub body: Option<Body>,
}

impl Request {
    /// True when the URL holds a shell variable: it can be printed, not sent.
    pub fn is_template(&self) -> bool {
        self.url.contains('$')
    }
}

/// GitLab's answer: the final status (after the waits a rate limit asks for) and the body's
/// first 64 KiB as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_encoded() {
        let f = Body::Field {
            name: "extern_uid",
            value: "a b&c@x".into(),
        };
        assert_eq!(
            f.encoded(),
            (
                "application/x-www-form-urlencoded",
                "extern_uid=a+b%26c%40x".into()
            )
        );
        let s = Body::Scim(serde_json::json!({"Operations": []}));
        assert_eq!(s.encoded().0, "application/scim+json");
    }
}
