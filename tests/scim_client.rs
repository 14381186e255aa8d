//! The GitLab client against the stand-in GitLab on 127.0.0.1: paging, filters, errors per
//! status, 429s with and without headers, 5xx, slow answers, the legacy name shape, REST
//! joins and paging, and that a printed fix really fixes.

mod common;

use std::sync::Mutex;
use std::time::Duration;

use common::gitlab::*;
use samltrace::compare::{Index, State};
use samltrace::scim::paging::RetryPolicy;
use samltrace::scim::{Client, ClientConfig, IdentitySource, Progress, Remote, ScimError, Token};

fn config() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            attempts: 4,
            base: Duration::from_millis(20),
            cap: Duration::from_secs(5),
        },
        concurrency: 4,
        ..ClientConfig::default()
    }
}

fn client(token: &str) -> Client {
    Client::new(Token::new(token).unwrap(), config())
}

fn scim_remote(fake: &FakeGitLab, group: &str) -> Remote {
    Remote::parse(&format!("{}/api/scim/v2/groups/{group}", fake.base)).unwrap()
}

fn rest_remote(fake: &FakeGitLab) -> Remote {
    Remote::parse(&format!("{}/groups/acme", fake.base)).unwrap()
}

fn quiet(_: Progress) {}

#[test]
fn fetches_250_identities_over_3_pages_with_a_429_in_the_middle() {
    let fake = FakeGitLab::start(
        seed_many(250),
        Switches {
            throttle: vec![Throttle {
                request: 2,
                headers: true,
            }],
            ..Switches::default()
        },
    );
    let seen = Mutex::new(Vec::new());
    let list = client(SCIM_TOKEN)
        .fetch(&scim_remote(&fake, "acme"), &|p| {
            seen.lock().unwrap().push(p)
        })
        .unwrap();
    assert_eq!(list.identities.len(), 250);
    let mut ids: Vec<_> = list
        .identities
        .iter()
        .map(|i| i.external_id.clone().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 250, "no identity twice");
    assert!(!list.partial);
    let log = fake.log();
    assert_eq!(log.len(), 4, "3 pages and one retry: {log:?}");
    let starts: Vec<_> = log
        .iter()
        .map(|l| l.url.split("startIndex=").nth(1).unwrap_or("").to_owned())
        .collect();
    for s in ["1&count=100", "101&count=100", "201&count=100"] {
        assert!(starts.iter().any(|x| x == s), "{s} in {starts:?}");
    }
    let progress = seen.lock().unwrap();
    assert!(
        progress.contains(&Progress::Waiting {
            status: 429,
            seconds: 1
        }),
        "{progress:?}"
    );
    assert!(progress.contains(&Progress::Fetched {
        identities: 250,
        total: Some(250)
    }));
}

#[test]
fn a_429_without_headers_backs_off_and_recovers() {
    let fake = FakeGitLab::start(
        seed_many(30),
        Switches {
            throttle: vec![
                Throttle {
                    request: 1,
                    headers: false,
                },
                Throttle {
                    request: 2,
                    headers: false,
                },
            ],
            ..Switches::default()
        },
    );
    let list = client(SCIM_TOKEN)
        .fetch(&scim_remote(&fake, "acme"), &quiet)
        .unwrap();
    assert_eq!(list.identities.len(), 30);
    assert_eq!(fake.log().len(), 3, "two 429s, then the one page of 30");
}

#[test]
fn a_wrong_token_is_a_401_that_names_the_problem_not_the_token() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let secret = "glsoat-wrongtokenwrongtoken1";
    let err = client(secret)
        .fetch(&scim_remote(&fake, "acme"), &quiet)
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, ScimError::Status { status: 401, .. }),
        "{msg}"
    );
    assert!(msg.contains("the token was refused"), "{msg}");
    assert!(msg.contains("the group's SCIM token"), "{msg}");
    assert!(!msg.contains(secret), "{msg}");
    assert!(!format!("{err:?}").contains(secret));
    assert_eq!(fake.log().len(), 1, "a 401 is not retried");
}

#[test]
fn an_unknown_group_or_one_without_saml_is_a_404_with_gitlab_detail() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let err = client("glsoat-anything")
        .fetch(&scim_remote(&fake, "nope"), &quiet)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("HTTP 404: not found") && err.contains("(server said: Group nope not found)"),
        "{err}"
    );
    let err = client(SCIM_TOKEN)
        .fetch(&scim_remote(&fake, "plain"), &quiet)
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not have SAML SSO configured"), "{err}");
}

#[test]
fn a_maintainer_token_on_rest_is_a_403_that_asks_for_owner() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let err = client(MAINTAINER_TOKEN)
        .fetch(&rest_remote(&fake), &quiet)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("HTTP 403") && err.contains("Owner role"),
        "{err}"
    );
    let err = client("glpat-nope")
        .fetch(&rest_remote(&fake), &quiet)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("HTTP 401") && err.contains("personal or group access token"),
        "{err}"
    );
}

#[test]
fn a_server_that_keeps_failing_is_an_error_after_bounded_retries() {
    let fake = FakeGitLab::start(
        seed_people(),
        Switches {
            always: Some(500),
            ..Switches::default()
        },
    );
    let err = client(SCIM_TOKEN)
        .fetch(&scim_remote(&fake, "acme"), &quiet)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("server error 500, still failing after 3 attempts"),
        "{err}"
    );
    assert_eq!(fake.log().len(), 3);
}

#[test]
fn a_single_500_is_retried() {
    let fake = FakeGitLab::start(
        seed_many(120),
        Switches {
            fail: vec![(1, 502)],
            ..Switches::default()
        },
    );
    let list = client(SCIM_TOKEN)
        .fetch(&scim_remote(&fake, "acme"), &quiet)
        .unwrap();
    assert_eq!(list.identities.len(), 120);
}

#[test]
fn a_slow_answer_from_a_host_that_answered_before_is_retried() {
    let fake = FakeGitLab::start(
        seed_many(150),
        Switches {
            slow: vec![(2, Duration::from_millis(1500))],
            ..Switches::default()
        },
    );
    let mut cfg = config();
    cfg.timeout = Duration::from_millis(400);
    let list = Client::new(Token::new(SCIM_TOKEN).unwrap(), cfg)
        .fetch(&scim_remote(&fake, "acme"), &quiet)
        .unwrap();
    assert_eq!(list.identities.len(), 150);
    assert_eq!(fake.log().len(), 3, "two pages and the slow one's retry");
}

#[test]
fn a_host_that_never_answered_is_not_asked_again_after_a_timeout() {
    let fake = FakeGitLab::start(
        seed_many(5),
        Switches {
            slow: vec![(1, Duration::from_millis(1500))],
            ..Switches::default()
        },
    );
    let mut cfg = config();
    cfg.timeout = Duration::from_millis(400);
    let err = Client::new(Token::new(SCIM_TOKEN).unwrap(), cfg)
        .fetch(&scim_remote(&fake, "acme"), &quiet)
        .unwrap_err();
    assert!(matches!(err, ScimError::Timeout { .. }), "{err}");
    let port = fake.base.rsplit(':').next().unwrap();
    assert!(
        err.to_string()
            .contains(&format!("127.0.0.1:{port} did not answer within 1 s")),
        "{err}"
    );
    assert_eq!(fake.log().len(), 1);
}

#[test]
fn the_legacy_name_shape_is_read() {
    let fake = FakeGitLab::start(
        seed_people(),
        Switches {
            legacy_name: true,
            ..Switches::default()
        },
    );
    let list = client(SCIM_TOKEN)
        .fetch(&scim_remote(&fake, "acme"), &quiet)
        .unwrap();
    let alice = list
        .identities
        .iter()
        .find(|i| i.external_id.as_deref() == Some(ALICE_GUID))
        .unwrap();
    assert_eq!(alice.display_name.as_deref(), Some("Alice Example"));
    assert_eq!(alice.user_name.as_deref(), Some("alice"));
    assert_eq!(alice.emails, ["alice@example.com"]);
}

#[test]
fn filtered_lookups_use_the_server_filter() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let found = client(SCIM_TOKEN)
        .lookup(
            &scim_remote(&fake, "acme"),
            &["Bob@Example.com".into()],
            &["dave@example.com".into()],
        )
        .unwrap();
    assert!(found.partial);
    let ids: Vec<_> = found
        .identities
        .iter()
        .filter_map(|i| i.external_id.as_deref())
        .collect();
    assert_eq!(
        ids,
        ["bob@example.com", DAVE_GUID],
        "id eq is case-insensitive; userName eq finds by email"
    );
    let urls: Vec<_> = fake.log().into_iter().map(|l| l.url).collect();
    assert!(
        urls[0].contains("filter=id+eq+%22Bob%40Example.com%22"),
        "{urls:?}"
    );
    assert!(
        urls[1].contains("filter=userName+eq+%22dave%40example.com%22"),
        "{urls:?}"
    );
}

#[test]
fn a_rejected_filter_is_a_412() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let err = client(SCIM_TOKEN)
        .lookup(&scim_remote(&fake, "acme"), &["two words".into()], &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("HTTP 412") && err.contains("Unsupported Filter"),
        "{err}"
    );
}

/// GitLab before 18.1 (no `saml_users`): the identity lists and the members.
#[test]
fn rest_lists_are_joined_with_members() {
    let fake = FakeGitLab::start(
        seed_people(),
        Switches {
            no_saml_users: true,
            ..Switches::default()
        },
    );
    let mut cfg = config();
    cfg.saml_identities = true;
    let list = Client::new(Token::new(OWNER_TOKEN).unwrap(), cfg)
        .fetch(&rest_remote(&fake), &quiet)
        .unwrap();
    let dave_scim = list
        .identities
        .iter()
        .find(|i| i.external_id.as_deref() == Some(DAVE_GUID))
        .unwrap();
    assert_eq!(dave_scim.user_name.as_deref(), Some("dave"));
    assert_eq!(dave_scim.emails, ["dave@example.com"]);
    assert_eq!(dave_scim.source, IdentitySource::Scim);
    let saml: Vec<_> = list
        .identities
        .iter()
        .filter(|i| i.source == IdentitySource::Saml)
        .collect();
    assert_eq!(saml.len(), 4);
    let gina = list
        .identities
        .iter()
        .find(|i| i.user_name.as_deref() == Some("gina"))
        .unwrap();
    assert_eq!(
        (gina.external_id.as_deref(), gina.source),
        (None, IdentitySource::Member)
    );
    assert_eq!(
        list.identities
            .iter()
            .filter(|i| i.source == IdentitySource::Member)
            .count(),
        1
    );
}

#[test]
fn paged_rest_lists_are_followed() {
    let fake = FakeGitLab::start(
        seed_many(45),
        Switches {
            paginate_rest: true,
            no_saml_users: true,
            ..Switches::default()
        },
    );
    let list = client(OWNER_TOKEN)
        .fetch(&rest_remote(&fake), &quiet)
        .unwrap();
    assert_eq!(
        list.identities
            .iter()
            .filter(|i| i.external_id.is_some())
            .count(),
        45
    );
    assert!(
        list.identities.iter().all(|i| i.user_name.is_some()),
        "every identity joined to its member"
    );
}

#[test]
fn verdicts_against_the_fetched_list() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let remote = scim_remote(&fake, "acme");
    let list = client(SCIM_TOKEN).fetch(&remote, &quiet).unwrap();
    let index =
        Index::new(&list.identities).with_fix_api(samltrace::compare::FixApi::from_remote(&remote));
    let hint = |v: &str| samltrace::compare::Hint {
        what: "the email attribute (email)".into(),
        value: v.into(),
    };
    let cases = [
        (ALICE_GUID, vec![], State::Match),
        ("Bob@Example.com", vec![], State::NearMatch),
        (
            "dave@example.com",
            vec![hint("dave@example.com")],
            State::Mismatch,
        ),
        ("erin-4711", vec![], State::Inactive),
        ("zed-1", vec![hint("zed@example.com")], State::NotFound),
    ];
    for (n, hints, want) in cases {
        let v = index.lookup(Some(n), &hints);
        assert_eq!(v.state, want, "{n}: {}", v.reason);
    }
}

#[test]
fn the_printed_fix_fixes_it() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let remote = rest_remote(&fake);
    let list = client(OWNER_TOKEN).fetch(&remote, &quiet).unwrap();
    let index =
        Index::new(&list.identities).with_fix_api(samltrace::compare::FixApi::from_remote(&remote));
    let hint = samltrace::compare::Hint {
        what: "the email attribute (email)".into(),
        value: "dave@example.com".into(),
    };
    let verdict = index.lookup(Some("dave@example.com"), &[hint]);
    assert_eq!(verdict.state, State::Mismatch);
    let fix = verdict.fix.unwrap();
    assert!(fix.contains(&fake.base), "{fix}");
    let has_curl = std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if has_curl {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{fix} --silent --fail --output /dev/null"))
            .env("SAMLTRACE_TOKEN", OWNER_TOKEN)
            .status()
            .expect("run sh");
        assert!(status.success(), "{fix}");
    } else {
        apply_without_curl(&fix);
    }
    assert!(
        fake.scim_identity("dave@example.com").is_some(),
        "extern_uid was PATCHed"
    );
    let list = client(OWNER_TOKEN).fetch(&remote, &quiet).unwrap();
    let again = Index::new(&list.identities).lookup(Some("dave@example.com"), &[]);
    assert_eq!(again.state, State::Match, "{}", again.reason);
}

#[test]
fn plain_http_to_another_host_is_refused_before_any_request() {
    let err = Remote::parse("http://gitlab.example.com/api/scim/v2/groups/acme").unwrap_err();
    assert!(err.to_string().contains("plain http is refused"), "{err}");
}

/// Sends the PATCH a printed fix describes, for machines without curl: the URL is the last
/// double-quoted word, the value the single-quoted `extern_uid=…`.
fn apply_without_curl(fix: &str) {
    let url = fix.rsplit('"').nth(1).expect("a quoted URL");
    let value = fix
        .split("'extern_uid=")
        .nth(1)
        .and_then(|v| v.split('\'').next())
        .expect("a quoted extern_uid");
    let response = ureq::patch(url)
        .header("PRIVATE-TOKEN", OWNER_TOKEN)
        .send_form([("extern_uid", value)])
        .expect("PATCH");
    assert_eq!(response.status().as_u16(), 200);
}

// ---- saml_users (GitLab 18.1) -------------------------------------------------------------

fn paths(fake: &FakeGitLab) -> Vec<String> {
    fake.log()
        .into_iter()
        .map(|l| l.url.split('?').next().unwrap_or("").to_owned())
        .collect()
}

/// A group URL reads `saml_users` and nothing else: each SAML user with their SCIM identity,
/// and with `saml_identities` their SAML identity too.
#[test]
fn saml_users_is_the_preferred_group_source() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let list = client(OWNER_TOKEN)
        .fetch(&rest_remote(&fake), &quiet)
        .unwrap();
    assert_eq!(
        paths(&fake),
        ["/api/v4/groups/acme", "/api/v4/groups/acme/saml_users"]
    );
    let got: Vec<_> = list
        .identities
        .iter()
        .map(|i| (i.external_id.as_deref(), i.user_name.as_deref(), i.source))
        .collect();
    assert_eq!(
        got,
        [
            (Some("erin-4711"), Some("erin"), IdentitySource::Scim),
            (Some(DAVE_GUID), Some("dave"), IdentitySource::Scim),
            (Some("bob@example.com"), Some("bob"), IdentitySource::Scim),
            (Some(ALICE_GUID), Some("alice"), IdentitySource::Scim),
        ],
        "the SAML users, newest first, with their SCIM identities"
    );
    assert_eq!(list.identities[0].active, Some(false));
    assert_eq!(list.identities[1].emails, ["dave@example.com"]);

    let mut cfg = config();
    cfg.saml_identities = true;
    let list = Client::new(Token::new(OWNER_TOKEN).unwrap(), cfg)
        .fetch(&rest_remote(&fake), &quiet)
        .unwrap();
    let saml: Vec<_> = list
        .identities
        .iter()
        .filter(|i| i.source == IdentitySource::Saml)
        .map(|i| i.external_id.as_deref().unwrap())
        .collect();
    assert_eq!(
        saml,
        [
            "erin-4711",
            "dave@example.com",
            "Bob@Example.com",
            ALICE_GUID
        ]
    );
}

/// Users of other SAML and SCIM groups too give only this group's identities.
#[test]
fn saml_users_are_narrowed_to_the_group() {
    let mut seed = seed_people();
    for u in seed.users.iter_mut().filter(|u| u.id % 2 == 0) {
        u.other_identities.push((
            "group_saml".into(),
            format!("{}-elsewhere", u.username),
            Some(77),
        ));
        u.other_identities
            .push(("google_oauth2".into(), "g-1".into(), None));
        u.other_scim
            .push((format!("{}-other-scim", u.username), 99));
    }
    let fake = FakeGitLab::start(seed.clone(), Switches::default());
    let mut cfg = config();
    cfg.saml_identities = true;
    let client = Client::new(Token::new(OWNER_TOKEN).unwrap(), cfg);
    let list = client.fetch(&rest_remote(&fake), &quiet).unwrap();
    let ids: Vec<_> = list
        .identities
        .iter()
        .filter_map(|i| i.external_id.as_deref())
        .collect();
    assert!(
        ids.iter()
            .all(|i| !i.contains("elsewhere") && !i.contains("other") && *i != "g-1"),
        "{ids:?}"
    );
    assert_eq!(ids.len(), 8, "four SCIM and four SAML identities: {ids:?}");
    assert!(list.notes.is_empty(), "{:?}", list.notes);

    // When every SAML user is also in the other SAML group, the group's provider cannot be
    // told apart: both are listed, and a note says so.
    for u in &mut seed.users {
        u.other_identities = vec![(
            "group_saml".into(),
            format!("{}-elsewhere", u.username),
            Some(77),
        )];
    }
    let fake = FakeGitLab::start(seed, Switches::default());
    let list = client.fetch(&rest_remote(&fake), &quiet).unwrap();
    assert_eq!(list.notes.len(), 1, "{:?}", list.notes);
    assert!(
        list.notes[0].contains("cannot be told apart"),
        "{:?}",
        list.notes
    );
}

/// More than one page of SAML users is followed (`page`/`per_page`, `X-Next-Page`).
#[test]
fn saml_users_are_paged() {
    let mut seed = seed_many(150);
    seed.saml = seed.scim.clone();
    let fake = FakeGitLab::start(seed, Switches::default());
    let list = client(OWNER_TOKEN)
        .fetch(
            &Remote::parse(&format!("{}/groups/33", fake.base)).unwrap(),
            &quiet,
        )
        .unwrap();
    assert_eq!(list.identities.len(), 150);
    let urls: Vec<_> = fake.log().into_iter().map(|l| l.url).collect();
    assert_eq!(urls.len(), 2, "a numeric group needs no look-up: {urls:?}");
    assert!(urls[1].contains("page=2"), "{urls:?}");
}

/// A subgroup gets 400 from `saml_users` (SAML lives on the top-level group): the other
/// sources are read instead.
#[test]
fn a_subgroup_falls_back_to_the_identity_lists() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let remote = Remote::parse(&format!("{}/groups/acme/platform", fake.base)).unwrap();
    let list = client(OWNER_TOKEN).fetch(&remote, &quiet).unwrap();
    assert!(!list.identities.is_empty());
    let paths = paths(&fake);
    assert!(
        paths.contains(&"/api/v4/groups/acme%2Fplatform/saml_users".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"/api/v4/groups/acme%2Fplatform/scim/identities".to_owned()),
        "{paths:?}"
    );
}

/// A group without SAML answers `saml_users` with an empty list: the other sources say why.
#[test]
fn a_group_without_saml_users_falls_back() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let remote = Remote::parse(&format!("{}/groups/plain", fake.base)).unwrap();
    let _ = client(OWNER_TOKEN).fetch(&remote, &quiet);
    assert!(
        paths(&fake).contains(&"/api/v4/groups/plain/scim/identities".to_owned()),
        "{:?}",
        paths(&fake)
    );
}

/// Ids that differ only in case are two records: the whole list arrives (12 of 12).
#[test]
fn case_variant_ids_are_both_kept() {
    let fake = FakeGitLab::start(seed_case_pair(10), Switches::default());
    for remote in [scim_remote(&fake, "acme"), rest_remote(&fake)] {
        let token = if remote.is_scim() {
            SCIM_TOKEN
        } else {
            OWNER_TOKEN
        };
        let list = client(token).fetch(&remote, &quiet).unwrap();
        let ids: Vec<_> = list
            .identities
            .iter()
            .filter_map(|i| i.external_id.as_deref())
            .collect();
        assert_eq!(ids.len(), 12, "{ids:?}");
        assert!(
            ids.contains(&"Case-Pair") && ids.contains(&"case-pair"),
            "{ids:?}"
        );
    }
}

/// Runs a printed call with `sh -c` and `SAMLTRACE_TOKEN` (and more) set, as a person would paste
/// it. curl is part of the test's tools: missing, the test says so (and fails under CI).
fn paste(fix: &str, env: &[(&str, &str)]) -> bool {
    let has_curl = std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_curl {
        assert!(std::env::var_os("CI").is_none(), "curl is missing");
        eprintln!("skipped: curl is not installed, so the printed call cannot be run");
        return false;
    }
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{fix} --silent --fail --output /dev/null"))
        .envs(env.iter().copied())
        .status()
        .expect("run sh");
    assert!(status.success(), "{fix}");
    true
}

/// Regression: `inactive` printed no call. The printed SCIM reprovision makes it a match.
#[test]
fn the_printed_reactivation_reactivates() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let remote = scim_remote(&fake, "acme");
    let fetch = || client(SCIM_TOKEN).fetch(&remote, &quiet).unwrap();
    let list = fetch();
    let index =
        Index::new(&list.identities).with_fix_api(samltrace::compare::FixApi::from_remote(&remote));
    let verdict = index.lookup(Some("erin-4711"), &[]);
    assert_eq!(verdict.state, State::Inactive);
    let fix = verdict.fix.expect("a call for inactive");
    assert!(
        fix.ends_with("# SAMLTRACE_TOKEN: the group's SCIM token"),
        "{fix}"
    );
    if paste(&fix, &[("SAMLTRACE_TOKEN", SCIM_TOKEN)]) {
        let list = fetch();
        let again = Index::new(&list.identities).lookup(Some("erin-4711"), &[]);
        assert_eq!(again.state, State::Match, "{}", again.reason);
    }
}

/// Regression: `ambiguous` printed no call. The printed DELETE removes the identity the user
/// names in WRONG_UID, and only that one.
#[test]
fn the_printed_removal_removes_the_identity_picked() {
    let fake = FakeGitLab::start(seed_case_pair(3), Switches::default());
    let remote = rest_remote(&fake);
    let fetch = || client(OWNER_TOKEN).fetch(&remote, &quiet).unwrap();
    let list = fetch();
    let index =
        Index::new(&list.identities).with_fix_api(samltrace::compare::FixApi::from_remote(&remote));
    let verdict = index.lookup(Some("case-pair"), &[]);
    assert_eq!(verdict.state, State::Ambiguous, "{}", verdict.reason);
    let fix = verdict.fix.expect("a call for ambiguous");
    assert!(
        fix.contains("$WRONG_UID") && fix.contains("'Case-Pair'"),
        "{fix}"
    );
    if paste(
        &fix,
        &[("SAMLTRACE_TOKEN", OWNER_TOKEN), ("WRONG_UID", "Case-Pair")],
    ) {
        let list = fetch();
        let ids: Vec<_> = list
            .identities
            .iter()
            .filter_map(|i| i.external_id.as_deref())
            .collect();
        assert!(
            !ids.contains(&"Case-Pair") && ids.contains(&"case-pair"),
            "{ids:?}"
        );
        let again = Index::new(&list.identities).lookup(Some("case-pair"), &[]);
        assert_eq!(again.state, State::Match, "{}", again.reason);
    }
}

/// Regression: with --mask-key the printed PATCH carried the masked values; run, it would have
/// stored a hash in GitLab.
#[test]
fn no_call_is_built_from_masked_values() {
    let fake = FakeGitLab::start(seed_people(), Switches::default());
    let remote = rest_remote(&fake);
    let list = client(OWNER_TOKEN).fetch(&remote, &quiet).unwrap();
    let index = Index::new(&list.identities)
        .with_fix_api(samltrace::compare::FixApi::from_remote(&remote))
        .masked(true);
    for (n, state) in [
        ("Bob@Example.com", State::NearMatch),
        ("erin-4711", State::Inactive),
    ] {
        let v = index.lookup(Some(n), &[]);
        assert_eq!(v.state, state);
        assert_eq!(v.fix, None, "{n}");
        assert!(
            v.reason.contains("The values are masked (--mask-key)"),
            "{}",
            v.reason
        );
    }
}
