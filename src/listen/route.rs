//! What a request asks of the service provider: a SAML message on any path (the HTTP-POST
//! binding's form, or the HTTP-Redirect binding's query), the SP metadata, a sign-in to start,
//! the index page — or nothing it serves, with the reason.
//!
//! Pure: a head and a body in, a route out. The payloads are unwrapped here by `input` (the one
//! percent-decode, base64 and inflate); decoding and judging them is the pipeline's.

use crate::input::{self, Origin, Unwrapped};

use super::http::{Head, Method, Refusal, Status};

/// The longest RelayState the bindings allow (SAML 2.0 Bindings, 3.4.3 and 3.5.3: 80 bytes).
pub const MAX_RELAY_STATE: usize = 80;

/// What a request asks for.
#[derive(Debug)]
pub enum Route {
    /// A SAML message arrived.
    Message(Arrival),
    /// `GET /metadata`.
    Metadata,
    /// `GET /login`: send the browser to the IdP with a fresh AuthnRequest.
    Login {
        relay_state: Option<String>,
    },
    /// `GET /`: what this is and where to point the IdP.
    Index,
    Refused(Refusal),
}

/// A message as it came over the wire, and its payloads unwrapped.
#[derive(Debug)]
pub struct Arrival {
    pub wire: Wire,
    pub found: Vec<Unwrapped>,
}

/// What was received (or sent), as text `decode` reads back: a form body, or a URL with its
/// query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wire {
    pub form: WireForm,
    pub text: String,
    /// `SAMLResponse` or `SAMLRequest`, from the payloads (for the file name).
    pub param: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireForm {
    /// `SAMLResponse=…&RelayState=…` (HTTP-POST).
    FormBody,
    /// `http://127.0.0.1:8088/acs?SAMLRequest=…` (HTTP-Redirect).
    Url,
}

impl WireForm {
    /// The extension a saved copy gets.
    pub fn extension(self) -> &'static str {
        match self {
            WireForm::FormBody => "form",
            WireForm::Url => "url",
        }
    }
}

/// What the request asks for; `base_url` is `http://host:port` as the client addressed us.
pub fn route(head: &Head, body: &[u8], base_url: &str) -> Route {
    let url = format!("{base_url}{}", head.path());
    match &head.method {
        Method::Post => post(head, body, &url),
        Method::Get => get(head, base_url, &url, true),
        Method::Head => get(head, base_url, &url, false),
        Method::Other(m) => Route::Refused(Refusal::new(
            Status::MethodNotAllowed,
            format!("{m} is not served: POST a form or GET a query"),
        )),
    }
}

fn post(head: &Head, body: &[u8], url: &str) -> Route {
    match head.content_type.as_deref() {
        Some("application/x-www-form-urlencoded") => {}
        other => {
            return Route::Refused(Refusal::new(
                Status::UnsupportedMediaType,
                format!(
                    "the body is {}, not a form (application/x-www-form-urlencoded)",
                    other.unwrap_or("of no declared type")
                ),
            ));
        }
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Route::Refused(Refusal::new(
            Status::BadRequest,
            "the form is not UTF-8 text",
        ));
    };
    let origin = Origin {
        location: Some("request.postData".into()),
        url: Some(url.to_owned()),
        ..Origin::default()
    };
    let found = input::unwrap_form_at(text, origin);
    if found.is_empty() {
        return Route::Refused(Refusal::new(
            Status::BadRequest,
            "the form holds no SAMLResponse or SAMLRequest",
        ));
    }
    message(found, WireForm::FormBody, text.trim().to_owned())
}

fn get(head: &Head, base_url: &str, url: &str, body_wanted: bool) -> Route {
    if let Some(query) = head.query() {
        let full = format!("{url}?{query}");
        let origin = Origin {
            location: Some("request.url".into()),
            ..Origin::default()
        };
        let found = input::unwrap_url_at(&full, origin);
        if !found.is_empty() {
            if !body_wanted {
                return Route::Refused(Refusal::new(
                    Status::MethodNotAllowed,
                    "a SAML message is read from a GET, not a HEAD",
                ));
            }
            return message(found, WireForm::Url, full);
        }
    }
    match head.path() {
        "/metadata" => Route::Metadata,
        "/login" if body_wanted => login(head.query()),
        "/" => Route::Index,
        _ => Route::Refused(Refusal::new(
            Status::NotFound,
            format!(
                "no SAML message here: post the IdP's form to any path, send the \
                 HTTP-Redirect query to any path, or see {base_url}/"
            ),
        )),
    }
}

fn login(query: Option<&str>) -> Route {
    let relay_state = query.and_then(|q| {
        input::parse_query(q)
            .into_iter()
            .find(|p| p.key == "RelayState")
            .map(|p| p.value)
    });
    if relay_state
        .as_ref()
        .is_some_and(|r| r.len() > MAX_RELAY_STATE)
    {
        return Route::Refused(Refusal::new(
            Status::BadRequest,
            format!("RelayState is longer than the bindings' {MAX_RELAY_STATE} bytes"),
        ));
    }
    Route::Login { relay_state }
}

fn message(found: Vec<Unwrapped>, form: WireForm, text: String) -> Route {
    let param = found
        .iter()
        .find_map(|f| match f {
            Ok(p) => p.origin.param.clone(),
            Err(e) => e.origin.param.clone(),
        })
        .unwrap_or_else(|| "SAML".to_owned());
    Route::Message(Arrival {
        wire: Wire { form, text, param },
        found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listen::http::{Limits, parse_head};

    const BASE: &str = "http://127.0.0.1:8088";

    fn head(text: &str) -> Head {
        parse_head(text.as_bytes(), &Limits::default()).unwrap()
    }

    fn post_form(path: &str, body: &str) -> Route {
        let h = head(&format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        ));
        route(&h, body.as_bytes(), BASE)
    }

    fn get(target: &str) -> Route {
        route(&head(&format!("GET {target} HTTP/1.1\r\n\r\n")), b"", BASE)
    }

    fn refused(r: Route) -> Status {
        match r {
            Route::Refused(r) => r.status,
            other => panic!("not refused: {other:?}"),
        }
    }

    const B64: &str = "PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6dGM6U0FNTDoyLjA6cHJvdG9jb2wiIElEPSJfMSIvPg%3D%3D";

    #[test]
    fn a_form_on_any_path_is_a_message_with_its_relay_state() {
        for path in [
            "/acs",
            "/users/auth/saml/callback",
            "/groups/acme/-/saml/callback",
        ] {
            let Route::Message(a) =
                post_form(path, &format!("SAMLResponse={B64}&RelayState=%2Fhome"))
            else {
                panic!("{path}: not a message");
            };
            assert_eq!(a.wire.form, WireForm::FormBody);
            assert_eq!(a.wire.param, "SAMLResponse");
            let p = a.found[0].as_ref().unwrap();
            assert_eq!(p.origin.relay_state.as_deref(), Some("/home"));
            assert_eq!(
                p.origin.url.as_deref(),
                Some(format!("{BASE}{path}").as_str())
            );
            assert_eq!(p.origin.location.as_deref(), Some("request.postData"));
            assert_eq!(p.origin.binding.as_deref(), Some("post"));
        }
    }

    #[test]
    fn a_query_on_any_path_is_a_redirect_message() {
        let Route::Message(a) = get(&format!("/acs?SAMLResponse={B64}")) else {
            panic!("not a message");
        };
        assert_eq!(a.wire.form, WireForm::Url);
        assert_eq!(a.wire.text, format!("{BASE}/acs?SAMLResponse={B64}"));
        let p = a.found[0].as_ref().unwrap();
        assert_eq!(p.origin.url.as_deref(), Some("http://127.0.0.1:8088/acs"));
        assert_eq!(p.origin.location.as_deref(), Some("request.url"));
    }

    #[test]
    fn a_broken_value_is_still_a_message_whose_trace_says_why() {
        let Route::Message(a) = post_form("/acs", "SAMLResponse=%%%not-base64") else {
            panic!("not a message");
        };
        assert!(a.found[0].is_err());
    }

    #[test]
    fn the_service_provider_s_own_pages() {
        assert!(matches!(get("/metadata"), Route::Metadata));
        assert!(matches!(get("/"), Route::Index));
        assert!(matches!(get("/login"), Route::Login { relay_state: None }));
        let Route::Login { relay_state } = get("/login?RelayState=%2Fgroups%2Facme") else {
            panic!("not a login");
        };
        assert_eq!(relay_state.as_deref(), Some("/groups/acme"));
        assert_eq!(
            refused(get(&format!("/login?RelayState={}", "a".repeat(81)))),
            Status::BadRequest
        );
    }

    #[test]
    fn requests_without_a_message_are_refused_with_the_reason() {
        assert_eq!(refused(get("/favicon.ico")), Status::NotFound);
        assert_eq!(
            refused(post_form("/acs", "RelayState=x&foo=bar")),
            Status::BadRequest
        );
        assert_eq!(refused(post_form("/acs", "")), Status::BadRequest);
        let h = head(
            "POST /acs HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n",
        );
        assert_eq!(
            refused(route(&h, b"{}", BASE)),
            Status::UnsupportedMediaType
        );
        let h = head(
            "POST /acs HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2\r\n\r\n",
        );
        assert_eq!(refused(route(&h, b"\xff\xfe", BASE)), Status::BadRequest);
        let h = head("DELETE /acs HTTP/1.1\r\n\r\n");
        assert_eq!(refused(route(&h, b"", BASE)), Status::MethodNotAllowed);
        let h = head(&format!("HEAD /acs?SAMLResponse={B64} HTTP/1.1\r\n\r\n"));
        assert_eq!(refused(route(&h, b"", BASE)), Status::MethodNotAllowed);
        let h = head("HEAD /metadata HTTP/1.1\r\n\r\n");
        assert!(matches!(route(&h, b"", BASE), Route::Metadata));
    }
}
