//! The pages the browser gets back: what arrived (the NameID, GitLab's verdict, the identity
//! verdict, the signatures and the findings), a refusal, and the index. The full report is the
//! terminal's; a page says only enough to know the sign-in reached samltrace and how it went.
//!
//! Every value is made visible (`sanitize`) and escaped; no page holds a script, loads anything,
//! or can submit a form, and the Content-Security-Policy says so (`http`). Pure: strings out.

use std::fmt::Write;
use std::sync::OnceLock;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::checks::Severity;
use crate::report::summary::Row;
use crate::sanitize::{quoted_if_padded, visible};
use crate::trace::Trace;
use crate::verdict::Outcome;

use super::http::{Refusal, Reply, Status};
use super::sp::ServiceProvider;

/// The one style sheet, allowed by its hash.
const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:52em;\
padding:0 1em;color:#222}h1{font-size:1.3em}th{text-align:left;padding-right:1em;\
vertical-align:top;color:#555}td,th{padding:.2em .6em .2em 0}code{font-size:.95em}\
.error{color:#b00020}.warning{color:#8a5a00}.good{color:#1b6e20}.dim{color:#666}\
li{margin:.3em 0}";

/// Escapes text for HTML and XML alike, in content and in quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value from a message: invisible characters shown, then escaped.
fn shown(s: &str) -> String {
    escape(&visible(s))
}

/// The base64 SHA-256 of the style sheet, as the Content-Security-Policy names it.
pub fn style_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()))
    })
}

fn page(status: Status, title: &str, body: &str) -> Reply {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>{title}</title>\
         <style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n{body}\n</body></html>\n",
        title = escape(title),
    );
    let mut reply = Reply::new(status, "text/html; charset=utf-8", html);
    reply.style_hash = Some(style_hash().to_owned());
    reply
}

/// The page for the messages of one request: 200 when each could be decoded, 400 otherwise.
pub fn message(traces: &[Trace]) -> Reply {
    let mut body = String::new();
    for t in traces {
        body.push_str(&trace_section(t));
    }
    body.push_str(
        "<p class=\"dim\">The full report is in the terminal where <code>samltrace listen</code> \
         runs. Nothing left this machine.</p>",
    );
    let decoded = traces.iter().all(|t| t.error.is_none());
    let status = if decoded {
        Status::Ok
    } else {
        Status::BadRequest
    };
    let title = match traces.first().and_then(|t| t.origin.param.as_deref()) {
        Some(param) if decoded => format!("samltrace received a {param}"),
        _ => "samltrace could not decode the message".to_owned(),
    };
    page(status, &title, &body)
}

fn trace_section(t: &Trace) -> String {
    let mut out = String::new();
    if let Some(line) = t.error_line() {
        let _ = write!(out, "<p class=\"error\">{}</p>", shown(&line));
        return out;
    }
    let Some(msg) = &t.message else {
        return out;
    };
    let row = Row::of(t);
    out.push_str("<table>");
    let mut field = |name: &str, value: String| {
        let _ = write!(out, "<tr><th>{name}</th><td>{value}</td></tr>");
    };
    field("Message", escape(msg.kind.name()));
    if let Some(n) = msg.name_id() {
        field(
            "NameID",
            format!("<code>{}</code>", escape(&quoted_if_padded(&n.value))),
        );
    }
    if let Some(v) = &t.gitlab_verdict {
        let class = match v.outcome {
            Outcome::Accepts => "good",
            Outcome::Refuses => "error",
            Outcome::Undecided | Outcome::NotValidated => "warning",
        };
        field(
            "GitLab",
            format!("<span class=\"{class}\">{}</span>", shown(&v.summary)),
        );
    }
    let identity = match (&t.verdict, &row.identity) {
        (Some(v), Some((state, _))) => {
            let class = if v.state.is_problem() {
                "error"
            } else {
                "good"
            };
            format!(
                "<span class=\"{class}\">{}</span><br>{}",
                shown(state),
                shown(&v.reason)
            )
        }
        _ => "<span class=\"dim\">not compared (no --scim)</span>".to_owned(),
    };
    if msg.kind.names_a_user() {
        field("Identity", identity);
    }
    for s in &t.signatures {
        let state = match s.verified {
            Some(true) => "<span class=\"good\">verified</span>",
            Some(false) => "<span class=\"error\">does not verify</span>",
            None => "<span class=\"dim\">not verified (no trust anchor given)</span>",
        };
        field(
            &format!("{} signature", shown(&s.element)),
            state.to_owned(),
        );
    }
    if let Some(r) = &t.origin.relay_state {
        field("RelayState", format!("<code>{}</code>", shown(r)));
    }
    out.push_str("</table>");
    out.push_str(&findings(t));
    out
}

fn findings(t: &Trace) -> String {
    if t.findings.is_empty() {
        return "<p class=\"good\">No findings.</p>".to_owned();
    }
    let mut out = String::from("<h2>Findings</h2><ul>");
    for f in &t.findings {
        let class = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "dim",
        };
        let _ = write!(
            out,
            "<li><span class=\"{class}\">{} {}</span><br>{}</li>",
            escape(f.code),
            escape(f.title),
            shown(&f.detail)
        );
    }
    out.push_str("</ul>");
    out
}

/// The page of a refused request.
pub fn refusal(r: &Refusal) -> Reply {
    let title = format!("{} {}", r.status.code(), r.status.reason());
    page(r.status, &title, &format!("<p>{}</p>", shown(&r.reason)))
}

/// `GET /`: where to point the IdP, and the other pages.
pub fn index(sp: &ServiceProvider, base_url: &str) -> Reply {
    let login = match &sp.sso_url {
        Some(url) => format!(
            "<a href=\"/login\">/login</a> sends you to the IdP (<code>{}</code>) with a fresh \
             AuthnRequest{}.",
            shown(url),
            if sp.signing_key().is_some() {
                ", signed"
            } else {
                ""
            }
        ),
        None => "<code>/login</code> needs <code>--idp-metadata</code> with an HTTP-Redirect \
                 SingleSignOnService."
            .to_owned(),
    };
    let body = format!(
        "<table><tr><th>Entity ID</th><td><code>{entity}</code></td></tr>\
         <tr><th>ACS URL</th><td><code>{acs}</code></td></tr></table>\
         <p>Post the IdP's form (HTTP-POST) or send its query (HTTP-Redirect) to any path of \
         <code>{base}</code>, such as <code>{base}/acs</code>.</p>\
         <p><a href=\"/metadata\">/metadata</a> is this service provider's metadata.</p>\
         <p>{login}</p>",
        entity = shown(&sp.entity_id),
        acs = shown(&sp.acs_url),
        base = shown(base_url),
    );
    page(Status::Ok, "samltrace is listening", &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Pipeline;

    fn judged(xml: &str) -> Trace {
        let p = Pipeline::judging_at("2026-11-02T09:00:00Z".parse().unwrap());
        p.decode("listen:1", xml.as_bytes()).remove(0)
    }

    #[test]
    fn markup_in_a_message_is_escaped_and_invisible_characters_shown() {
        let xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
                   xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_1\" Version=\"2.0\">\
                   <saml:Assertion ID=\"_a\"><saml:Subject><saml:NameID>\
                   &lt;script&gt;alert(1)&lt;/script&gt;\u{200b}</saml:NameID></saml:Subject>\
                   </saml:Assertion></samlp:Response>";
        let reply = message(&[judged(xml)]);
        let html = String::from_utf8(reply.body).unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("U+200B"),
            "the zero-width space is shown: {html}"
        );
        assert_eq!(reply.status, Status::Ok);
        assert!(html.contains("NameID"));
        assert!(html.contains("Findings"));
        assert!(html.contains("not compared (no --scim)"));
    }

    #[test]
    fn a_message_that_cannot_be_decoded_is_a_400_that_says_why() {
        let reply = message(&[judged("<a><b></a>")]);
        assert_eq!(reply.status, Status::BadRequest);
        let html = String::from_utf8(reply.body).unwrap();
        assert!(html.contains("could not decode"), "{html}");
        assert!(html.contains("class=\"error\">listen:1: XML"), "{html}");
    }

    #[test]
    fn pages_carry_no_script_and_name_their_style_by_hash() {
        let reply = refusal(&Refusal::new(Status::NotFound, "no <b>SAML</b> here"));
        let html = String::from_utf8(reply.body.clone()).unwrap();
        assert!(html.contains("no &lt;b&gt;SAML&lt;/b&gt; here"));
        assert!(!html.contains("<script"));
        let head = String::from_utf8(reply.to_bytes(false, true)).unwrap();
        let csp = format!("style-src 'sha256-{}'", style_hash());
        assert!(head.contains(&csp), "{head}");
        assert_eq!(style_hash().len(), 44);
    }

    #[test]
    fn escape_covers_both_quotes() {
        assert_eq!(escape("a&b<c>\"d'"), "a&amp;b&lt;c&gt;&quot;d&#39;");
    }
}
