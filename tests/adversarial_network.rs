//! Attacks on the GitLab client, by class: where the token may travel, what a message may
//! repeat, how much a lying or looping server can make samltrace do, and how long a silent one
//! can hold it. Each test's first doc line is the threat. The servers are real sockets on
//! 127.0.0.1: the stand-in GitLab (`common::gitlab`) and hostile ones (`common::hostile`).

mod common;

use std::io::Read;
use std::time::Duration;

use common::gitlab::*;
use common::hostile::*;
use common::{samltrace, stderr, stdout};
use samltrace::scim::paging::{Budget, RetryPolicy};
use samltrace::scim::{Client, ClientConfig, Remote, ScimError, Token};

const TOKEN: &str = "glsoat-adversarialtoken00001";

fn fetch(url: &str, extra: &[&str]) -> std::process::Output {
    samltrace()
        .env("SAMLTRACE_TOKEN", TOKEN)
        .args(["scim", "fetch", url])
        .args(extra)
        .output()
        .expect("the binary runs")
}

fn client(budget: Budget) -> Client {
    Client::new(
        Token::new(TOKEN).unwrap(),
        ClientConfig {
            timeout: Duration::from_secs(5),
            retry: RetryPolicy {
                attempts: 2,
                base: Duration::from_millis(10),
                cap: Duration::from_secs(1),
            },
            budget,
            ..ClientConfig::default()
        },
    )
}

fn scim_url(base: &str) -> String {
    format!("{base}/api/scim/v2/groups/acme")
}

// ---- where the token travels ------------------------------------------------------------

/// Threat: with HTTP(S)_PROXY/ALL_PROXY set, a token for a loopback GitLab is sent in clear
/// text through the proxy.
#[test]
fn no_proxy_is_used_for_loopback() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let proxy = RecordingProxy::start();
    let mut cmd = samltrace();
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env(var, &proxy.url);
    }
    let out = cmd
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env("SAMLTRACE_TOKEN", SCIM_TOKEN)
        .args(["scim", "fetch", &scim_url(&fake.base)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(proxy.captured(), "", "the proxy saw nothing");
    assert!(
        fake.log()
            .iter()
            .all(|l| l.auth.as_deref() == Some(SCIM_TOKEN))
    );
}

/// Threat: the loopback rule switches the proxy off for every host, so a proxy an admin
/// needs for a remote GitLab is ignored (and the token goes direct, or nowhere).
#[test]
fn a_proxy_for_a_remote_https_host_is_still_used() {
    let proxy = RecordingProxy::start();
    let out = samltrace()
        .env("HTTPS_PROXY", &proxy.url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env("SAMLTRACE_TOKEN", TOKEN)
        .args([
            "scim",
            "fetch",
            "https://gitlab.example.invalid/api/scim/v2/groups/acme",
            "--timeout",
            "3",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let seen = proxy.captured();
    assert!(
        seen.starts_with("CONNECT gitlab.example.invalid:443"),
        "the request was tunnelled through the proxy: {seen:?}"
    );
    assert!(
        !seen.contains(TOKEN),
        "the token stays inside TLS: {seen:?}"
    );
    assert!(!stderr(&out).contains(TOKEN));
}

/// Threat: a token sent over plain http to a host on the network, directly or through a proxy.
#[test]
fn plain_http_to_a_remote_host_is_refused_before_any_request() {
    let proxy = RecordingProxy::start();
    let out = samltrace()
        .env("HTTP_PROXY", &proxy.url)
        .env("SAMLTRACE_TOKEN", TOKEN)
        .args(["scim", "fetch", "http://gitlab.example.com/groups/acme"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("plain http is refused"),
        "{}",
        stderr(&out)
    );
    assert_eq!(proxy.captured(), "");
}

/// Threat: a next-page link sends the token to another site (here another port: another
/// origin), which then reads it.
#[test]
fn a_next_page_link_to_another_site_is_not_followed() {
    let other = Scripted::start(|_, _| Canned::json("[]"));
    let link = format!(
        "<{}/api/v4/groups/acme/members?page=2>; rel=\"next\"",
        other.base
    );
    let server = Scripted::start(move |_, url| {
        if url.contains("/saml_users") || url.ends_with("with_projects=false") {
            return Canned::json("{}").status(404);
        }
        Canned::json(r#"[{"extern_uid":"a","user_id":1,"active":true}]"#).header("Link", &link)
    });
    let out = samltrace()
        .env("SAMLTRACE_TOKEN", OWNER_TOKEN)
        .args(["scim", "fetch", &format!("{}/groups/acme", server.base)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the next-page link points to another site"),
        "{}",
        stderr(&out)
    );
    assert!(other.seen().is_empty(), "the other site was never asked");
}

// ---- what a message repeats ---------------------------------------------------------------

/// Threat: a URL's password or token (userinfo, a query parameter) is echoed in the error
/// that refuses it, and lands in a terminal log or a ticket.
#[test]
fn credentials_in_a_url_are_never_echoed() {
    let secret = "glpat-S3cretS3cretS3cret";
    for url in [
        format!("https://user:{secret}@gitlab.com/api/scim/v2/groups/acme"),
        format!("https://oauth2:{secret}@gitlab.com/groups/acme"),
        format!("https://{secret}@gitlab.com/groups/acme"),
        format!("http://user:{secret}@gitlab.example.com/groups/acme"),
        format!("https://gitlab.com/nothing?private_token={secret}"),
    ] {
        let out = fetch(&url, &[]);
        assert_eq!(out.status.code(), Some(2), "{url}");
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(secret), "{all}");
        assert!(!all.contains("S3cret"), "{all}");
        let out = samltrace()
            .env("SAMLTRACE_TOKEN", TOKEN)
            .args(["compare", "--scim", &url, "samples/compare-match.xml"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(!stderr(&out).contains("S3cret"), "{}", stderr(&out));
    }
}

/// Threat: a server echoes the token (and terminal escapes) in its error body, and the
/// message repeats both.
#[test]
fn a_server_echoing_the_token_is_redacted() {
    let server = Scripted::start(|_, _| {
        Canned::json(format!(
            "{{\"message\":\"401 bad token {TOKEN} \\u001b[31mred\"}}"
        ))
        .status(401)
    });
    let out = fetch(&scim_url(&server.base), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(!err.contains(TOKEN) && !err.contains('\u{1b}'), "{err:?}");
}

// ---- how much a server can make samltrace do ---------------------------------------------

/// Threat: a lying `totalResults` (10^13, u64::MAX) on the first page makes the pager plan
/// every start index up front (2.1 GB in 2 s, then an allocation abort).
#[test]
fn a_lying_total_is_bounded_by_the_data_received() {
    for total in ["10000000000000", "18446744073709551615"] {
        let server = Scripted::start(move |n, _| {
            // Every page is the first page again.
            let _ = n;
            Canned::json(scim_page(total, (0..100).map(|i| format!("u{i}"))))
        });
        let out = fetch(&scim_url(&server.base), &[]);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(err.contains("incomplete list: 100 of"), "{err}");
        assert!(
            server.seen().len() <= 5,
            "the first page and one window: {} requests",
            server.seen().len()
        );
    }
}

/// Threat: a server that answers every page with new records and a huge total keeps samltrace
/// reading (and holding) for ever; the fetch's record budget stops it.
#[test]
fn an_endless_list_stops_at_the_record_budget() {
    let server = Scripted::start(|n, _| {
        Canned::json(scim_page(
            "10000000000000",
            (0..100).map(move |i| format!("p{n}-{i}")),
        ))
    });
    let budget = Budget {
        records: 1_000,
        ..Budget::default()
    };
    let remote = Remote::parse(&scim_url(&server.base)).unwrap();
    let err = client(budget).fetch(&remote, &|_| {}).unwrap_err();
    assert!(matches!(err, ScimError::Incomplete { .. }), "{err}");
    assert!(
        err.to_string().contains("stopped after 1000 records"),
        "{err}"
    );
    assert!(
        server.seen().len() <= 15,
        "{} requests",
        server.seen().len()
    );
}

/// Threat: a server that keeps pointing to more pages makes samltrace send requests without
/// end; the fetch's request budget stops it.
#[test]
fn an_endless_pagination_stops_at_the_request_budget() {
    let server = Scripted::start(|n, url| {
        if url.contains("/saml_users") {
            return Canned::json("{}").status(404);
        }
        Canned::json(format!(
            r#"[{{"extern_uid":"r{n}","user_id":{n},"active":true}}]"#
        ))
        .header("X-Next-Page", &(n + 1).to_string())
    });
    let budget = Budget {
        requests: 25,
        ..Budget::default()
    };
    let remote = Remote::parse(&format!("{}/groups/1", server.base)).unwrap();
    let err = client(budget).fetch(&remote, &|_| {}).unwrap_err();
    assert!(
        err.to_string().contains("stopped after 25 requests"),
        "{err}"
    );
    assert_eq!(server.seen().len(), 25);
}

/// Threat: a server that sends more bytes than any list has (valid pages, without end) is
/// read to the last byte; the fetch's byte budget stops it.
#[test]
fn a_flood_of_bytes_stops_at_the_byte_budget() {
    let server = Scripted::start(|_, url| {
        if url.contains("/saml_users") {
            return Canned::json("{}").status(404);
        }
        Canned::stream(std::io::repeat(b' ').take(50_000_000))
    });
    let budget = Budget {
        bytes: 1_000_000,
        ..Budget::default()
    };
    let remote = Remote::parse(&format!("{}/groups/1", server.base)).unwrap();
    let err = client(budget).fetch(&remote, &|_| {}).unwrap_err();
    assert!(
        err.to_string().contains("stopped after 1000000 bytes"),
        "{err}"
    );
}

/// Threat: `Link: <same URL>; rel="next"` makes samltrace read the same page for ever
/// (6,816 requests until it was killed, records piling up).
#[test]
fn a_link_to_the_same_page_is_refused() {
    // The link names the server's own origin, known once it has started.
    let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let known = base.clone();
    let server = Scripted::start(move |_, url| {
        if url.contains("/saml_users") {
            return Canned::json("{}").status(404);
        }
        let here = format!("{}{url}", known.get().map(String::as_str).unwrap_or(""));
        Canned::json(r#"[{"extern_uid":"a","user_id":1,"active":true}]"#)
            .header("Link", &format!("<{here}>; rel=\"next\""))
    });
    base.set(server.base.clone()).unwrap();
    let out = fetch(&format!("{}/groups/1", server.base), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is one already read"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.seen().len(), 2, "saml_users, then one page");
}

/// Threat: `X-Next-Page: 1` on every page makes samltrace read page 1 for ever.
#[test]
fn an_x_next_page_that_repeats_is_refused() {
    let server = Scripted::start(|_, url| {
        if url.contains("/saml_users") {
            return Canned::json("{}").status(404);
        }
        Canned::json(r#"[{"extern_uid":"a","user_id":1,"active":true}]"#).header("X-Next-Page", "1")
    });
    let out = fetch(&format!("{}/groups/1", server.base), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is one already read"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.seen().len(), 2, "saml_users, then one page");
}

/// Threat: a valid SCIM page of 20 million tiny resources (about 220 MB, under the body
/// limit) is held whole: 7.7 GB and an abort. It is refused at the first resource beyond the
/// 100 asked for.
#[test]
fn a_huge_scim_page_is_refused_early() {
    let server = Scripted::start(|_, _| Canned::stream(HugePage::new(20_000_000)));
    let out = fetch(&scim_url(&server.base), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("more than 100 resources in one answer"),
        "{err}"
    );
}

/// Threat: a SCIM page of few resources but one enormous value (a 20 MB string) is held whole;
/// a page may be 16 MiB at most (GitLab's are about 40 KB).
#[test]
fn an_oversized_scim_page_is_refused() {
    let server = Scripted::start(|_, _| {
        let head = std::io::Cursor::new(br#"{"totalResults":1,"Resources":[{"id":""#.to_vec());
        Canned::stream(head.chain(std::io::repeat(b'a').take(20 << 20)))
    });
    let out = fetch(&scim_url(&server.base), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the body is larger than 16777216 bytes"),
        "{}",
        stderr(&out)
    );
}

/// Threat: a page nested 100,000 arrays deep overflows the stack of a recursive reader.
#[test]
fn a_deeply_nested_page_is_a_clear_error() {
    let server = Scripted::start(|_, _| {
        Canned::json(format!(
            "{{\"totalResults\":1,\"Resources\":[{}]}}",
            "[".repeat(100_000)
        ))
    });
    let out = fetch(&scim_url(&server.base), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not JSON: recursion limit exceeded"),
        "{}",
        stderr(&out)
    );
}

// ---- how long a silent server can hold samltrace -----------------------------------------

/// Threat: a server that accepts the connection and never answers holds samltrace for
/// minutes (about 96 s before) without saying which host is at fault.
#[test]
fn a_silent_server_is_named_and_given_up_on() {
    let silent = Silent::start();
    let url = format!("http://127.0.0.1:{}/api/scim/v2/groups/acme", silent.port);
    let out = fetch(&url, &["--timeout", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "127.0.0.1:{} did not answer within 1 s",
            silent.port
        )),
        "{err}"
    );
    assert!(err.contains("--timeout SECS"), "{err}");
    assert_eq!(
        silent.connections.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "a host that never answered is not asked again"
    );
}

/// Threat: a nonsense `--timeout` (0, negative, not a number) disables the limit.
#[test]
fn a_bad_timeout_is_refused() {
    for bad in ["0", "-1", "nan", "1e9"] {
        let out = fetch(
            "https://gitlab.com/api/scim/v2/groups/acme",
            &["--timeout", bad],
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(!stderr(&out).is_empty());
    }
}
