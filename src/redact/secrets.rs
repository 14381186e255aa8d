//! What counts as a secret in a HAR entry, and how it is taken out: header and parameter names,
//! URLs (userinfo, query and fragment), form and JSON bodies. SAML parameters are never touched here;
//! masking of the identities inside them is `super::masking`'s job.

/// The value that replaces a secret parameter's, so URLs and forms stay well-formed.
pub(crate) const REDACTED: &str = "REDACTED";

/// What a header is, for the receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretHeader {
    Cookie,
    Authorization,
    Session,
}

/// Parameters and form fields of the SAML bindings: never secrets, never changed by the
/// scrubber. Any case.
pub(super) fn is_saml_binding_param(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    matches!(
        n.as_str(),
        "samlrequest" | "samlresponse" | "samlart" | "relaystate" | "sigalg" | "signature"
    )
}

/// Query, form and JSON names whose values are credentials.
pub(crate) fn is_secret_name(name: &str) -> bool {
    if is_saml_binding_param(name) {
        return false;
    }
    let n = name.trim().to_ascii_lowercase();
    const EXACT: &[&str] = &[
        "code",
        "pwd",
        "pass",
        "otp",
        "otp_attempt",
        "sid",
        "session",
        "sessionid",
        "session_id",
        "api_key",
        "apikey",
        "key",
        "client_assertion",
        "assertion",
        "ticket",
        "jwt",
        "sig",
        "auth",
        "authorization",
        "private_token",
    ];
    const PARTS: &[&str] = &["password", "passwd", "secret", "token", "csrf", "xsrf"];
    EXACT.contains(&n.as_str()) || PARTS.iter().any(|p| n.contains(p))
}

/// Request and response headers that carry credentials.
pub(crate) fn secret_header(name: &str) -> Option<SecretHeader> {
    let n = name.trim().to_ascii_lowercase();
    match n.as_str() {
        "cookie" | "set-cookie" | "set-cookie2" => Some(SecretHeader::Cookie),
        "authorization" | "proxy-authorization" => Some(SecretHeader::Authorization),
        _ if n.starts_with(':') => None,
        _ if n.starts_with("x-auth")
            || [
                "csrf", "xsrf", "token", "session", "secret", "api-key", "apikey", "password",
            ]
            .iter()
            .any(|p| n.contains(p)) =>
        {
            Some(SecretHeader::Session)
        }
        _ => None,
    }
}

/// `name=value&…` with the value of every secret name replaced; other pairs are kept byte for
/// byte. Returns the new text and how many values were replaced.
pub(crate) fn scrub_pairs(text: &str) -> (String, usize) {
    replace_pairs(text, is_secret_name)
}

/// A form the SAML binding posts (`SAMLResponse=…&RelayState=…&…`): the value of every field
/// but the binding's own replaced, as in the page the form came from.
pub(crate) fn scrub_saml_form(text: &str) -> (String, usize) {
    replace_pairs(text, is_secret_in_saml_form)
}

/// In a form that carries SAML, every field but the binding's own is treated as a secret.
pub(crate) fn is_secret_in_saml_form(name: &str) -> bool {
    !is_saml_binding_param(name)
}

fn replace_pairs(text: &str, secret: impl Fn(&str) -> bool) -> (String, usize) {
    let mut count = 0;
    let pairs: Vec<String> = text
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !v.is_empty() && v != REDACTED && secret(&percent_decode(k)) => {
                count += 1;
                format!("{k}={REDACTED}")
            }
            _ => pair.to_owned(),
        })
        .collect();
    (pairs.join("&"), count)
}

/// A URL with its userinfo (`user:password@`) and the secret parameters of its query and
/// fragment (OAuth puts tokens there) redacted.
pub(crate) fn scrub_url(url: &str) -> (String, usize) {
    let (without_userinfo, userinfo) = super::urls::userinfo(url, REDACTED);
    let url = without_userinfo.as_str();
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let (base, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let mut out = base.to_owned();
    let mut count = userinfo;
    for (sep, part) in [('?', query), ('#', fragment)] {
        if let Some(p) = part {
            let (clean, n) = scrub_pairs(p);
            count += n;
            out.push(sep);
            out.push_str(&clean);
        }
    }
    (out, count)
}

/// A JSON body with the value of every secret member replaced, and how many were. `None` when
/// the text is not JSON.
pub(crate) fn scrub_json(text: &str) -> Option<(String, usize)> {
    let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
    let count = scrub_json_value(&mut value);
    Some((value.to_string(), count))
}

fn scrub_json_value(v: &mut serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(map) => map
            .iter_mut()
            .map(|(k, v)| {
                if is_secret_name(k) && !v.is_object() && !v.is_array() {
                    *v = serde_json::Value::String(REDACTED.to_owned());
                    1
                } else {
                    scrub_json_value(v)
                }
            })
            .sum(),
        serde_json::Value::Array(items) => items.iter_mut().map(scrub_json_value).sum(),
        _ => 0,
    }
}

/// True when a body (already base64-decoded if need be) carries a SAML parameter or form field.
pub(crate) fn carries_saml(text: &str) -> bool {
    text.contains("SAMLRequest") || text.contains("SAMLResponse") || text.contains("SAMLart")
}

/// `%XX` decoded (and `+` as a space, as forms encode it), for comparing names.
pub(super) fn percent_decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    String::from_utf8_lossy(&crate::input::percent_decode_bytes(spaced.as_bytes())).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_and_saml_names() {
        for n in [
            "password",
            "user[password]",
            "access_token",
            "id_token",
            "code",
            "client_secret",
            "authenticity_token",
            "X-CSRF-Token",
            "otp_attempt",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "SAMLResponse",
            "SAMLRequest",
            "RelayState",
            "SigAlg",
            "Signature",
            "state",
            "email",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
        assert_eq!(secret_header("Cookie"), Some(SecretHeader::Cookie));
        assert_eq!(secret_header("set-cookie"), Some(SecretHeader::Cookie));
        assert_eq!(
            secret_header("Authorization"),
            Some(SecretHeader::Authorization)
        );
        assert_eq!(secret_header("X-CSRF-Token"), Some(SecretHeader::Session));
        assert_eq!(
            secret_header("x-gitlab-session-id"),
            Some(SecretHeader::Session)
        );
        assert_eq!(secret_header(":authority"), None);
        assert_eq!(secret_header("content-type"), None);
    }

    #[test]
    fn urls_keep_saml_and_lose_tokens() {
        let url = "https://idp/cb?SAMLRequest=a%2Bb&access_token=xyz&code=1#id_token=abc&state=s";
        let (clean, n) = scrub_url(url);
        assert_eq!(n, 3);
        assert_eq!(
            clean,
            "https://idp/cb?SAMLRequest=a%2Bb&access_token=REDACTED&code=REDACTED#id_token=REDACTED&state=s"
        );
        assert_eq!(scrub_url("https://a/b"), ("https://a/b".to_owned(), 0));
        assert_eq!(
            scrub_url("https://user:pw@idp/x?a=1"),
            ("https://REDACTED@idp/x?a=1".to_owned(), 1)
        );
    }

    #[test]
    fn saml_forms_keep_only_the_bindings_fields() {
        let (clean, n) = scrub_saml_form("SAMLResponse=PD94&RelayState=%2Fg&nonce=n1&a=&x");
        assert_eq!(
            clean,
            "SAMLResponse=PD94&RelayState=%2Fg&nonce=REDACTED&a=&x"
        );
        assert_eq!(n, 1);
    }

    #[test]
    fn json_bodies_lose_secret_members() {
        let (clean, n) =
            scrub_json(r#"{"user": {"login": "a", "password": "p"}, "refresh_token": "r", "n": [{"secret": 1}]}"#)
                .unwrap();
        assert_eq!(n, 3);
        assert!(
            !clean.contains("\"p\"") && !clean.contains("\"r\""),
            "{clean}"
        );
        assert!(clean.contains("\"login\":\"a\""));
        assert_eq!(scrub_json("not json"), None);
    }
}
