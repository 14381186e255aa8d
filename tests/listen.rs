//! `samltrace listen` as an IdP and a browser meet it, over real sockets: the HTTP-POST form and
//! the HTTP-Redirect query on GitLab's paths, the report printed as each message arrives, the SP
//! metadata read back as metadata, `/login`'s signed AuthnRequest and the response checked
//! against it, `--save` files that `decode` reads back, and a clean stop on Ctrl-C and SIGTERM.
//! The browser itself is in `listen_browser.rs`, the hostile clients in `adversarial_listen.rs`.

mod common;

use std::time::Duration;

use common::listen::{AT, GROUP, IDP_CERT, Listening, SCIM, form_value, sample_base64};
use common::run;
use samltrace::input::{Origin, unwrap_url_at};

const SP_KEY: &str = "samples/dsig/keys/sp.key";
const SP_CERT: &str = "samples/dsig/keys/sp.crt";

fn signed_form(sample: &str, relay_state: &str) -> String {
    format!(
        "SAMLResponse={}&RelayState={}",
        form_value(&sample_base64(sample)),
        form_value(relay_state)
    )
}

#[test]
fn a_signed_response_is_verified_judged_and_compared_and_the_browser_told() {
    let l = Listening::start(&[
        "--idp-cert",
        IDP_CERT,
        "--at",
        AT,
        "--gitlab-group",
        GROUP,
        "--scim",
        SCIM,
        "-f",
        "ndjson",
        "--count",
        "1",
    ]);
    let reply = l.post_form(
        "/groups/acme/-/saml/callback",
        &signed_form("samples/compare-match.xml", "/groups/acme"),
    );
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    let csp = reply.header("content-security-policy").unwrap_or_default();
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(!reply.body.contains("<script"), "{}", reply.body);
    for shown in [
        "0b1d561c-21ff-4092-beab-8154b17f82f2",
        "GitLab accepts",
        "identity match",
        "verified",
    ] {
        assert!(reply.body.contains(shown), "{shown}: {}", reply.body);
    }
    let ended = l.wait();
    assert_eq!(ended.status.code(), Some(0), "{}", ended.stderr);
    let traces = ended.traces();
    assert_eq!(traces.len(), 1);
    let t = &traces[0];
    assert_eq!(t["origin"]["input"], "listen:1");
    assert_eq!(t["origin"]["binding"], "post");
    assert_eq!(t["origin"]["relay_state"], "/groups/acme");
    assert!(
        t["origin"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/groups/acme/-/saml/callback")
    );
    assert_eq!(t["signatures"][0]["verified"], true);
    assert_eq!(t["gitlab_verdict"]["outcome"], "accepts", "{t:#}");
    assert_eq!(t["verdict"]["state"], "match");
}

#[test]
fn the_text_report_of_each_message_is_printed_as_it_arrives() {
    let l = Listening::start(&["--idp-cert", IDP_CERT, "--at", AT, "--scim", SCIM]);
    let first = l.post_form("/acs", &signed_form("samples/compare-match.xml", "/"));
    assert_eq!(first.status, 200);
    l.wait_for_lines(5, Duration::from_secs(20));
    assert!(l.stdout().contains("0b1d561c-21ff-4092-beab-8154b17f82f2"));
    let second = l.post_form(
        "/users/auth/saml/callback",
        &signed_form("samples/compare-mismatch.xml", "/"),
    );
    assert_eq!(second.status, 200);
    assert!(second.body.contains("identity mismatch"), "{}", second.body);
    let ended = l.interrupt();
    assert_eq!(ended.status.code(), Some(130), "{}", ended.stderr);
    let out = &ended.stdout;
    assert!(out.contains("listen:1 · request.postData"), "{out}");
    assert!(out.contains("listen:2 · request.postData"), "{out}");
    assert!(out.contains("dave@example.com"), "{out}");
    assert!(out.contains("Verdict          mismatch"), "{out}");
}

#[test]
fn the_redirect_binding_is_read_from_a_get_on_any_path() {
    let url = std::fs::read_to_string("samples/authn-request-redirect.url").unwrap();
    let query = url.trim().split_once('?').unwrap().1.to_owned();
    let l = Listening::start(&["--at", AT, "-f", "ndjson", "--count", "1"]);
    let reply = l.get(&format!("/groups/acme/-/saml/callback?{query}"));
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(
        reply.body.contains("samltrace received a SAMLRequest"),
        "{}",
        reply.body
    );
    let ended = l.wait();
    let t = &ended.traces()[0];
    assert_eq!(t["message"]["kind"], "AuthnRequest");
    assert_eq!(t["origin"]["binding"], "redirect");
    assert_eq!(t["origin"]["location"], "request.url");
    assert_eq!(
        t["encoding"],
        serde_json::json!(["url", "base64", "deflate"])
    );
}

#[test]
fn metadata_is_read_back_as_metadata_with_gitlab_s_values_and_the_sp_certificate() {
    let l = Listening::start(&["--gitlab-group", GROUP, "--sp-cert", SP_CERT]);
    let reply = l.get("/metadata");
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/samlmetadata+xml")
    );
    let doc = samltrace::xml::Document::parse(reply.body.clone()).expect("metadata is XML");
    let root = doc.root();
    assert_eq!(root.local_name(), "EntityDescriptor");
    assert_eq!(root.attr("entityID"), Some(GROUP));
    let acs = root
        .descendants()
        .find(|e| e.local_name() == "AssertionConsumerService")
        .expect("an ACS");
    assert_eq!(
        acs.attr("Location"),
        Some("https://gitlab.com/groups/acme/-/saml/callback")
    );
    assert_eq!(
        acs.attr("Binding"),
        Some("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
    );
    let uses: Vec<_> = root
        .descendants()
        .filter(|e| e.local_name() == "KeyDescriptor")
        .filter_map(|e| e.attr("use").map(str::to_owned))
        .collect();
    assert_eq!(uses, ["signing", "encryption"]);
    // Our own metadata reader takes the signing certificate back: the one given.
    let mut trust = samltrace::dsig::Trust::new();
    assert_eq!(trust.add_metadata(&reply.body, "metadata").unwrap(), 1);
    let mut given = samltrace::dsig::Trust::new();
    given
        .add_anchor(&std::fs::read(SP_CERT).unwrap(), "sp.crt")
        .unwrap();
    assert_eq!(trust.keys[0].cert_der, given.keys[0].cert_der);
    let ended = l.interrupt();
    assert_eq!(ended.status.code(), Some(130));
}

#[test]
fn without_gitlab_s_values_the_metadata_names_the_listener() {
    let l = Listening::start(&[]);
    let reply = l.get("/metadata");
    let base = format!("http://{}", l.addr);
    assert!(
        reply
            .body
            .contains(&format!("entityID=\"{base}/metadata\"")),
        "{}",
        reply.body
    );
    assert!(reply.body.contains(&format!("Location=\"{base}/acs\"")));
    assert!(!reply.body.contains("KeyDescriptor"));
    assert!(reply.body.contains("AuthnRequestsSigned=\"false\""));
}

/// IdP metadata whose single sign-on URL is `sso` (the samples' certificate signs).
fn idp_metadata(dir: &std::path::Path, sso: &str) -> String {
    let md = std::fs::read_to_string("samples/idp-metadata.xml")
        .unwrap()
        .replace("https://login.example.com/acme/sso/saml", sso);
    let path = dir.join("idp-metadata.xml");
    std::fs::write(&path, md).unwrap();
    path.display().to_string()
}

#[test]
fn login_sends_a_signed_deflated_request_and_the_response_is_checked_against_it() {
    let dir = tempfile::tempdir().unwrap();
    let md = idp_metadata(dir.path(), "https://idp.example.com/sso?app=gitlab");
    let saved = dir.path().join("saved");
    let saved_arg = saved.display().to_string();
    let l = Listening::start(&[
        "--idp-metadata",
        &md,
        "--sp-key",
        SP_KEY,
        "--sp-cert",
        SP_CERT,
        "--at",
        AT,
        "-f",
        "ndjson",
        "--save",
        &saved_arg,
    ]);
    assert!(
        l.stderr().contains("with a signed AuthnRequest"),
        "{}",
        l.stderr()
    );
    let reply = l.get("/login?RelayState=%2Fgroups%2Facme");
    assert_eq!(reply.status, 302, "{reply:?}");
    let location = reply.header("location").expect("a Location");
    assert!(
        location.starts_with("https://idp.example.com/sso?app=gitlab&SAMLRequest="),
        "{location}"
    );
    // The request as the IdP reads it: deflated, with the RelayState.
    let found = unwrap_url_at(&location, Origin::default());
    let p = found[0].as_ref().expect("the request unwraps");
    assert_eq!(p.origin.relay_state.as_deref(), Some("/groups/acme"));
    let xml = String::from_utf8(p.xml.clone()).unwrap();
    let doc = samltrace::xml::Document::parse(xml).unwrap();
    let request = doc.root();
    assert_eq!(request.local_name(), "AuthnRequest");
    let id = request.attr("ID").expect("an ID").to_owned();
    assert_eq!(
        request.attr("AssertionConsumerServiceURL"),
        Some(format!("http://{}/acs", l.addr).as_str())
    );
    assert_eq!(
        request.attr("Destination"),
        Some("https://idp.example.com/sso?app=gitlab")
    );

    // An answer to it, and one to an older request.
    let response = std::fs::read_to_string("samples/saml2-transient.xml").unwrap();
    let answer = response.replace("_a8b2f4e0c1d94e6f9b3a7c5d2e1f0a9b", &id);
    let body = |xml: &str| {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
        format!(
            "SAMLResponse={}&RelayState=%2Fgroups%2Facme",
            form_value(&b64)
        )
    };
    assert_eq!(l.post_form("/acs", &body(&answer)).status, 200);
    let stale = l.post_form("/acs", &body(&response));
    assert_eq!(stale.status, 200);
    assert!(stale.body.contains("AU003"), "{}", stale.body);
    l.wait_for_lines(3, Duration::from_secs(20));
    let ended = l.interrupt();
    assert_eq!(ended.status.code(), Some(130), "{}", ended.stderr);
    let traces = ended.traces();
    assert_eq!(traces.len(), 3, "{}", ended.stdout);
    let sent = &traces[0];
    assert_eq!(sent["message"]["kind"], "AuthnRequest");
    assert_eq!(sent["message"]["id"], id.as_str());
    assert_eq!(sent["origin"]["location"], "response.headers.location");
    assert_eq!(sent["redirect_signature"]["verified"], true, "{sent:#}");
    let codes = |t: &serde_json::Value| -> Vec<String> {
        t["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        !codes(&traces[1]).contains(&"AU003".to_owned()),
        "{:?}",
        codes(&traces[1])
    );
    assert!(
        codes(&traces[2]).contains(&"AU003".to_owned()),
        "{:?}",
        codes(&traces[2])
    );

    // --save: the request's URL and each response's form, which decode reads back.
    let mut files: Vec<_> = std::fs::read_dir(&saved)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names[0].ends_with("-0001-SAMLRequest.url"), "{names:?}");
    assert!(names[1].ends_with("-0002-SAMLResponse.form"), "{names:?}");
    for (file, kind) in files.iter().zip(["AuthnRequest", "Response", "Response"]) {
        let out = run(&["decode", "-f", "json", &file.display().to_string()]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            v["traces"][0]["message"]["kind"],
            kind,
            "{}",
            file.display()
        );
    }
}

#[test]
fn login_without_idp_metadata_says_what_it_needs() {
    let l = Listening::start(&[]);
    let reply = l.get("/login");
    assert_eq!(reply.status, 404);
    assert!(reply.body.contains("--idp-metadata"), "{}", reply.body);
    l.wait_for_stderr("refused GET /login", Duration::from_secs(10));
}

#[test]
fn nothing_is_written_without_save() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let cert = format!("{root}/{IDP_CERT}");
    let l = Listening::start_in(
        dir.path(),
        &["--idp-cert", &cert, "--at", AT, "--count", "1"],
    );
    let reply = l.post_form("/acs", &signed_form("samples/compare-match.xml", "/"));
    assert_eq!(reply.status, 200);
    let ended = l.wait();
    assert_eq!(ended.status.code(), Some(0), "{}", ended.stderr);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn json_is_one_closed_document_after_ctrl_c_and_sigterm_is_143() {
    let l = Listening::start(&["--at", AT, "-f", "json"]);
    assert_eq!(
        l.post_form("/acs", &signed_form("samples/compare-match.xml", "/"))
            .status,
        200
    );
    l.wait_for_lines(3, Duration::from_secs(20));
    let ended = l.interrupt();
    assert_eq!(ended.status.code(), Some(130));
    let v: serde_json::Value = serde_json::from_str(&ended.stdout).expect("closed JSON");
    assert_eq!(v["schema"], "samltrace/v1");
    assert_eq!(v["traces"].as_array().map(Vec::len), Some(1));

    let l = Listening::start(&[]);
    let pid = l.child_id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    let ended = l.wait();
    assert_eq!(ended.status.code(), Some(143));
}

#[test]
fn kept_alive_connections_carry_several_messages() {
    use std::io::Write;
    let l = Listening::start(&["--at", AT, "-f", "ndjson", "--count", "3"]);
    let mut s = l.connect();
    let body = signed_form("samples/compare-match.xml", "/");
    for _ in 0..3 {
        write!(
            s,
            "POST /acs HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            l.addr,
            body.len()
        )
        .unwrap();
    }
    let ended = l.wait();
    let traces = ended.traces();
    assert_eq!(traces.len(), 3, "{}", ended.stderr);
    // The same message again points at its first arrival.
    assert_eq!(traces[2]["origin"]["duplicate_of"], 0);
}
