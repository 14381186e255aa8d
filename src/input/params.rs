//! SAML parameters in URLs, query strings and form bodies (`SAMLResponse=…&RelayState=…`).

use super::base64::percent_decode_bytes;
use super::{Origin, Stage, Step, UnwrapError, Unwrapped, unwrap_blob};

/// The SAML parameters a binding carries. `SAMLart` is recognised to say why it cannot be decoded.
const MESSAGE_PARAMS: [&str; 2] = ["SAMLRequest", "SAMLResponse"];

/// One `key=value` pair of a query string or form body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param<'a> {
    pub key: String,
    /// The value exactly as received (still percent-encoded).
    pub raw: &'a str,
    /// The value percent-decoded. For SAML message parameters `+` is kept (it is base64);
    /// elsewhere `+` means a space, as form encoding says.
    pub value: String,
}

/// Splits a query string or form body (a leading `?` is ignored) into its parameters.
pub fn parse_query(query: &str) -> Vec<Param<'_>> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode_component(k, true);
            let plus_is_space = !MESSAGE_PARAMS.contains(&key.as_str());
            Param {
                value: decode_component(v, plus_is_space),
                key,
                raw: v,
            }
        })
        .collect()
}

fn decode_component(s: &str, plus_is_space: bool) -> String {
    let bytes: Vec<u8> = if plus_is_space {
        s.bytes()
            .map(|b| if b == b'+' { b' ' } else { b })
            .collect()
    } else {
        s.as_bytes().to_vec()
    };
    String::from_utf8_lossy(&percent_decode_bytes(&bytes)).into_owned()
}

/// The text when it is an absolute http(s) URL.
pub(super) fn looks_like_url(text: &str) -> Option<&str> {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    let is_url = (lower.starts_with("http://") || lower.starts_with("https://"))
        && !text.bytes().any(|b| b.is_ascii_whitespace());
    is_url.then_some(text)
}

/// True when the text is a query string or form body carrying a SAML parameter.
pub(super) fn looks_like_form(text: &str) -> bool {
    let text = text.strip_prefix('?').unwrap_or(text);
    text.contains("SAML")
        && !text.bytes().any(|b| b.is_ascii_whitespace())
        && text.split('&').any(|p| {
            p.split_once('=')
                .is_some_and(|(k, _)| matches!(k, "SAMLRequest" | "SAMLResponse" | "SAMLart"))
        })
}

pub(super) fn unwrap_url(text: &str) -> Vec<Unwrapped> {
    let url = match url::Url::parse(text) {
        Ok(u) => u,
        Err(e) => {
            return vec![Err(UnwrapError::new(
                Stage::Url,
                format!("not a valid URL: {e}"),
            ))];
        }
    };
    let query = url.query().unwrap_or("");
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    let origin = Origin {
        url: Some(base.to_string()),
        binding: Some("redirect".into()),
        ..Origin::default()
    };
    let found = unwrap_params(query, Step::Url, origin);
    if found.is_empty() {
        return vec![Err(UnwrapError::new(
            Stage::Url,
            "the URL carries no SAMLRequest or SAMLResponse parameter: expected an HTTP-Redirect binding URL",
        ))];
    }
    found
}

pub(super) fn unwrap_form(text: &str) -> Vec<Unwrapped> {
    unwrap_params(text, Step::Form, Origin::default())
}

/// Every SAML message parameter of a query or form body, with RelayState and the redirect
/// signature kept in the origin.
pub(super) fn unwrap_params(query: &str, step: Step, origin: Origin) -> Vec<Unwrapped> {
    unwrap_param_list(&parse_query(query), step, origin)
}

/// Parameters already split into names and values (a HAR's `queryString` or `postData.params`,
/// a multipart body). Values may still be percent-encoded (Chrome) or already decoded (Firefox):
/// a value with `%XX` escapes is taken as encoded.
pub(super) fn pairs_to_params(pairs: &[(String, String)]) -> Vec<Param<'_>> {
    pairs
        .iter()
        .map(|(k, v)| {
            let encoded = has_escape(v);
            let plus_is_space = encoded && !MESSAGE_PARAMS.contains(&k.as_str());
            Param {
                key: k.clone(),
                raw: v,
                value: if encoded {
                    decode_component(v, plus_is_space)
                } else {
                    v.clone()
                },
            }
        })
        .collect()
}

fn has_escape(v: &str) -> bool {
    v.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// True when a query string, form body or parameter list names a SAML parameter.
pub(super) fn is_saml_param(key: &str) -> bool {
    MESSAGE_PARAMS.contains(&key) || key == "SAMLart"
}

/// The SAML parameters of a parsed parameter list; see [`unwrap_params`].
pub(super) fn unwrap_param_list(
    params: &[Param<'_>],
    step: Step,
    origin: Origin,
) -> Vec<Unwrapped> {
    if let Err(message) = one_message(params) {
        let first = params.iter().find(|p| is_saml_param(&p.key));
        return vec![Err(UnwrapError {
            origin: Box::new(Origin {
                param: first.map(|p| p.key.clone()),
                ..origin
            }),
            ..UnwrapError::new(Stage::Saml, message)
        })];
    }
    let get = |k: &str| params.iter().find(|p| p.key == k);
    let relay_state = get("RelayState").map(|p| p.value.clone());
    let sig_alg = get("SigAlg").map(|p| p.value.clone());
    let signature = get("Signature").map(|p| p.value.clone());
    let mut out = Vec::new();
    for p in params {
        if p.key == "SAMLart" {
            let origin = Origin {
                param: Some(p.key.clone()),
                relay_state: relay_state.clone(),
                ..origin.clone()
            };
            out.push(Err(UnwrapError {
                origin: Box::new(origin),
                ..artifact(&p.value)
            }));
            continue;
        }
        if !MESSAGE_PARAMS.contains(&p.key.as_str()) {
            continue;
        }
        let origin = Origin {
            param: Some(p.key.clone()),
            relay_state: relay_state.clone(),
            sig_alg: sig_alg.clone(),
            signature: signature.clone(),
            signed_query: sig_alg.as_ref().map(|_| signed_query(params, &p.key)),
            ..origin.clone()
        };
        let mut result = unwrap_blob(&p.value, vec![step], origin);
        if let Ok(payload) = &mut result
            && payload.origin.binding.is_none()
        {
            let deflated = payload.steps.contains(&Step::Deflate);
            payload.origin.binding = Some(if deflated { "redirect" } else { "post" }.into());
        }
        out.push(result);
    }
    out
}

/// The HTTP-Redirect signature a URL's query carries for `message_param` (`SigAlg`, `Signature`
/// and the signed part of the query), set in `origin`; nothing when the query has no `SigAlg`.
/// An error when the query breaks [`one_message`]: no signature is then kept for anything.
pub(super) fn keep_redirect_signature(
    url: &str,
    message_param: &str,
    origin: &mut Origin,
) -> Result<(), String> {
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let Some((_, query)) = url.split_once('?') else {
        return Ok(());
    };
    let params = parse_query(query);
    one_message(&params)?;
    let get = |k: &str| params.iter().find(|p| p.key == k).map(|p| p.value.clone());
    let Some(sig_alg) = get("SigAlg") else {
        return Ok(());
    };
    origin.signature = get("Signature");
    origin.signed_query = Some(signed_query(&params, message_param));
    origin.sig_alg = Some(sig_alg);
    Ok(())
}

/// The one rule for what a binding's parameters may hold: a single SAML message, and at most one
/// of each parameter a redirect signature covers or carries. A redirect signature is made over
/// one message's own query bytes; with two messages (or two `SigAlg`, `Signature` or
/// `RelayState`) nothing says which bytes it covers, so the whole query is refused rather than
/// one message shown as signed by a signature made over another.
fn one_message(params: &[Param<'_>]) -> Result<(), String> {
    let messages: Vec<&str> = params
        .iter()
        .filter(|p| is_saml_param(&p.key))
        .map(|p| p.key.as_str())
        .collect();
    if messages.len() > 1 {
        return Err(format!(
            "the query carries {} SAML messages ({}): a binding carries exactly one, and a \
             redirect signature could not say which it covers; refused",
            messages.len(),
            messages.join(", ")
        ));
    }
    if messages.is_empty() {
        return Ok(());
    }
    for name in ["SigAlg", "Signature", "RelayState"] {
        let n = params.iter().filter(|p| p.key == name).count();
        if n > 1 {
            return Err(format!(
                "the query repeats {name} ({n} times): a binding carries it once, and a \
                 redirect signature could not say which it covers; refused"
            ));
        }
    }
    Ok(())
}

/// `SAMLRequest=…&RelayState=…&SigAlg=…` from the raw (still encoded) values, in the order the
/// HTTP-Redirect binding signs them.
fn signed_query(params: &[Param<'_>], message_param: &str) -> String {
    [message_param, "RelayState", "SigAlg"]
        .iter()
        .filter_map(|k| {
            params
                .iter()
                .find(|p| p.key == *k)
                .map(|p| format!("{k}={}", p.raw))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn artifact(value: &str) -> UnwrapError {
    UnwrapError::new(
        Stage::Saml,
        format!(
            "SAMLart={value} is an artifact reference, not a message: the service provider fetches \
             the message from the IdP over a back channel, so a browser capture cannot show it"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_query_keeps_plus_in_saml_params_only() {
        let p = parse_query("?SAMLResponse=ab+c%3D&RelayState=a+b%2Fc");
        assert_eq!(p[0].key, "SAMLResponse");
        assert_eq!(p[0].value, "ab+c=");
        assert_eq!(p[0].raw, "ab+c%3D");
        assert_eq!(p[1].value, "a b/c");
    }

    #[test]
    fn signed_query_uses_raw_values_in_binding_order() {
        let p = parse_query("SigAlg=x%3Ay&SAMLRequest=a%2Bb&Signature=s&RelayState=r%20s");
        assert_eq!(
            signed_query(&p, "SAMLRequest"),
            "SAMLRequest=a%2Bb&RelayState=r%20s&SigAlg=x%3Ay"
        );
    }

    #[test]
    fn a_query_with_two_messages_is_refused_whole() {
        let p = parse_query("SAMLRequest=a&SAMLRequest=b&SigAlg=x&Signature=s");
        let found = unwrap_param_list(&p, Step::Url, Origin::default());
        assert_eq!(found.len(), 1);
        let err = found[0].as_ref().expect_err("refused");
        assert!(
            err.message
                .contains("2 SAML messages (SAMLRequest, SAMLRequest)")
        );
        let p = parse_query("SAMLResponse=a&SAMLRequest=b");
        assert!(one_message(&p).is_err());
        let p = parse_query("SAMLResponse=a&SAMLart=b");
        assert!(one_message(&p).is_err());
    }

    #[test]
    fn a_repeated_signature_parameter_is_refused() {
        for q in [
            "SAMLRequest=a&SigAlg=x&SigAlg=y&Signature=s",
            "SAMLRequest=a&SigAlg=x&Signature=s&Signature=t",
            "SAMLRequest=a&RelayState=1&RelayState=2&SigAlg=x&Signature=s",
        ] {
            let err = one_message(&parse_query(q)).expect_err(q);
            assert!(err.contains("repeats"), "{q}: {err}");
        }
        assert!(
            one_message(&parse_query(
                "SAMLRequest=a&RelayState=1&SigAlg=x&Signature=s"
            ))
            .is_ok()
        );
        assert!(one_message(&parse_query("foo=1&foo=2")).is_ok());
    }

    #[test]
    fn a_signature_is_not_kept_from_an_ambiguous_url() {
        let mut origin = Origin::default();
        let url = "https://sp/acs?SAMLRequest=a&SAMLRequest=b&SigAlg=x&Signature=s";
        assert!(keep_redirect_signature(url, "SAMLRequest", &mut origin).is_err());
        assert_eq!(origin.signed_query, None);
        assert_eq!(origin.signature, None);
    }

    #[test]
    fn form_detection() {
        assert!(looks_like_form("SAMLResponse=abc&RelayState=x"));
        assert!(looks_like_form("?RelayState=x&SAMLRequest=abc"));
        assert!(!looks_like_form("PHNhbWw="));
        assert!(!looks_like_form("foo=bar"));
        assert_eq!(
            looks_like_url("https://idp/x?SAMLRequest=1"),
            Some("https://idp/x?SAMLRequest=1")
        );
        assert_eq!(looks_like_url("HTTPS://x"), Some("HTTPS://x"));
        assert_eq!(looks_like_url("ftp://x"), None);
    }
}
