//! A real browser between a test IdP and `samltrace listen`: Debian's Chromium, headless, opens
//! an IdP page served by the test on 127.0.0.1 whose auto-submit form posts a signed response
//! to the listener, as an IdP's does; and, SP-initiated, opens the listener's `/login`, follows
//! it to the test IdP, which answers the AuthnRequest it was sent. The tests assert what the
//! listener printed and what the browser shows (`--dump-dom`).
//!
//! Skipped with a note where Chromium is missing; a failure in CI, where `.ci/run` installs it.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use common::listen::{AT, GROUP, IDP_CERT, Listening, SCIM, sample_base64};

/// The browser, when there is one.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| PathBuf::from(name))
    });
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is missing in CI (.ci/run installs it)");
        }
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
    }
    found
}

/// Opens `url` headless and returns the DOM once navigation (the form's POST) has settled.
fn dump_dom(browser: &PathBuf, url: &str) -> String {
    let profile = tempfile::tempdir().expect("a profile directory");
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A page that posts `fields` to `action` as soon as it loads: what an IdP sends the browser.
fn auto_submit(action: &str, fields: &[(&str, &str)]) -> String {
    let inputs: String = fields
        .iter()
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{k}\" value=\"{v}\">"))
        .collect();
    format!(
        "<!DOCTYPE html><html><head><title>Test IdP</title></head>\
         <body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"{action}\">\
         {inputs}<noscript><button>Continue</button></noscript></form></body></html>"
    )
}

/// A test IdP on 127.0.0.1: `page` answers every request with HTML made from its URL.
struct Idp {
    url: String,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Idp {
    fn start(page: impl Fn(&str) -> String + Send + 'static) -> Idp {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("the IdP listens");
        let url = format!(
            "http://{}",
            server.server_addr().to_ip().expect("an IP address")
        );
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                let Ok(Some(request)) = server.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                let html = page(request.url());
                let header =
                    tiny_http::Header::from_bytes("Content-Type", "text/html; charset=utf-8")
                        .expect("a header");
                let _ = request.respond(tiny_http::Response::from_string(html).with_header(header));
            }
        });
        Idp {
            url,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn an_idp_s_auto_submit_form_reaches_the_listener_through_a_browser() {
    let Some(browser) = chromium() else { return };
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
    let action = l.url("/groups/acme/-/saml/callback");
    let response = sample_base64("samples/compare-match.xml");
    let idp = Idp::start(move |_| {
        auto_submit(
            &action,
            &[("SAMLResponse", &response), ("RelayState", "/groups/acme")],
        )
    });
    let dom = dump_dom(&browser, &format!("{}/app/gitlab/sso", idp.url));
    // What the browser shows.
    for shown in [
        "samltrace received a SAMLResponse",
        "0b1d561c-21ff-4092-beab-8154b17f82f2",
        "GitLab accepts",
        "identity match",
        "verified",
        "/groups/acme",
    ] {
        assert!(dom.contains(shown), "the page lacks {shown:?}: {dom}");
    }
    assert!(!dom.contains("<script"), "{dom}");
    // What the listener printed.
    let ended = l.wait();
    assert_eq!(ended.status.code(), Some(0), "{}", ended.stderr);
    let t = &ended.traces()[0];
    assert_eq!(t["signatures"][0]["verified"], true, "{t:#}");
    assert_eq!(
        t["message"]["assertions"][0]["subject"]["name_id"]["value"],
        "0b1d561c-21ff-4092-beab-8154b17f82f2"
    );
    assert_eq!(t["gitlab_verdict"]["outcome"], "accepts");
    assert_eq!(t["verdict"]["state"], "match");
    assert_eq!(t["origin"]["relay_state"], "/groups/acme");
}

#[test]
fn an_sp_initiated_sign_in_runs_through_a_browser_and_answers_the_request_sent() {
    let Some(browser) = chromium() else { return };
    // The IdP is started first: the listener's --idp-metadata names its SSO URL.
    let acs = Arc::new(std::sync::Mutex::new(String::new()));
    let acs_for_idp = Arc::clone(&acs);
    let idp = Idp::start(move |url| {
        // The AuthnRequest, read as the IdP reads it, answered with the transient sample.
        let full = format!("http://idp{url}");
        let found = samltrace::input::unwrap_url_at(&full, samltrace::input::Origin::default());
        let Some(Ok(p)) = found.into_iter().next() else {
            return "<p>no SAMLRequest</p>".to_owned();
        };
        let xml = String::from_utf8_lossy(&p.xml).into_owned();
        let doc = samltrace::xml::Document::parse(xml).expect("the request parses");
        let id = doc.root().attr("ID").unwrap_or("").to_owned();
        let response = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/saml2-transient.xml"),
        )
        .expect("the sample")
        .replace("_a8b2f4e0c1d94e6f9b3a7c5d2e1f0a9b", &id);
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(response);
        let relay = p.origin.relay_state.unwrap_or_default();
        let action = acs_for_idp.lock().unwrap().clone();
        auto_submit(&action, &[("SAMLResponse", &b64), ("RelayState", &relay)])
    });
    let dir = tempfile::tempdir().unwrap();
    let md = std::fs::read_to_string("samples/idp-metadata.xml")
        .unwrap()
        .replace(
            "https://login.example.com/acme/sso/saml",
            &format!("{}/sso", idp.url),
        );
    let md_path = dir.path().join("idp.xml");
    std::fs::write(&md_path, md).unwrap();
    let md_arg = md_path.display().to_string();
    let l = Listening::start(&[
        "--idp-metadata",
        &md_arg,
        "--at",
        AT,
        "-f",
        "ndjson",
        "--count",
        "1",
    ]);
    *acs.lock().unwrap() = l.url("/acs");
    let dom = dump_dom(&browser, &l.url("/login?RelayState=%2Fgroups%2Facme"));
    assert!(dom.contains("samltrace received a SAMLResponse"), "{dom}");
    assert!(
        dom.contains("AAdzZWNyZXQxTHO0n6ZbiOn3AVWSK8KG"),
        "the NameID: {dom}"
    );
    assert!(
        !dom.contains("AU003"),
        "the response answers the request sent: {dom}"
    );
    let ended = l.wait();
    let traces = ended.traces();
    assert_eq!(traces.len(), 2, "{}", ended.stderr);
    assert_eq!(traces[0]["message"]["kind"], "AuthnRequest");
    assert_eq!(traces[1]["message"]["kind"], "Response");
    assert_eq!(
        traces[1]["message"]["in_response_to"],
        traces[0]["message"]["id"]
    );
    assert_eq!(traces[1]["origin"]["relay_state"], "/groups/acme");
}
