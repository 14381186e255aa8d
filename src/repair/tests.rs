use super::journal::{self, Action, Entry};
use super::*;

fn id(ext: &str, email: &str, user_id: u64) -> Identity {
    Identity {
        external_id: Some(ext.into()),
        user_name: Some(format!("u{user_id}")),
        emails: vec![email.into()],
        active: Some(true),
        user_id: Some(user_id),
        source: IdentitySource::Scim,
        origin: format!("user {user_id}"),
        ..Identity::default()
    }
}

fn list() -> Vec<Identity> {
    vec![
        id("7c9e-guid", "dave@example.com", 51),
        id("bob@example.com", "bob@example.com", 49),
        id("erin-1", "erin@example.com", 52),
    ]
}

fn api() -> FixApi {
    FixApi::rest("https://gitlab.com", "acme")
}

fn seen(ids: &[Identity], at: usize, name_id: &str, email: &str, verified: bool) -> Seen {
    let verdict = Verdict {
        state: State::Mismatch,
        name_id: Some(name_id.into()),
        identity: Some(IdentityView::from(&ids[at])),
        difference: Vec::new(),
        candidates: Vec::new(),
        reason: String::new(),
        fix: None,
    };
    Seen {
        verdict,
        evidence: Evidence {
            input: "r.xml".into(),
            message_id: Some("_r".into()),
            name_id: name_id.into(),
            email: Some(email.into()),
            verified,
        },
    }
}

#[test]
fn a_verified_mismatch_is_planned_with_its_call() {
    let ids = list();
    let p = plan(
        &[seen(&ids, 0, "dave@example.com", "dave@example.com", true)],
        &ids,
        &api(),
        Options::default(),
    );
    assert!(p.refused.is_empty(), "{:?}", p.refused);
    let c = &p.changes[0];
    assert_eq!(
        (c.from.as_str(), c.to.as_str()),
        ("7c9e-guid", "dave@example.com")
    );
    assert!(
        c.call.contains("/api/v4/groups/acme/scim/7c9e-guid"),
        "{}",
        c.call
    );
    assert!(!p.over_max);
}

#[test]
fn an_unverified_response_is_refused_unless_allowed() {
    let ids = list();
    let s = [seen(&ids, 0, "dave@example.com", "dave@example.com", false)];
    let p = plan(&s, &ids, &api(), Options::default());
    assert_eq!(p.refused[0].guard, Guard::Unverified);
    assert!(p.changes.is_empty());
    let allowed = Options {
        allow_unverified: true,
        ..Options::default()
    };
    let p = plan(&s, &ids, &api(), allowed);
    assert!(p.changes[0].unverified && p.allow_unverified);
}

#[test]
fn a_value_another_identity_holds_in_another_case_is_refused() {
    let mut ids = list();
    ids.push(id("DAVE@example.COM", "other@example.com", 60));
    let p = plan(
        &[seen(&ids, 0, "dave@example.com", "dave@example.com", true)],
        &ids,
        &api(),
        Options::default(),
    );
    assert_eq!(p.refused[0].guard, Guard::Conflict, "{:?}", p.refused);
    assert!(p.refused[0].why.contains("DAVE@example.COM"));
}

#[test]
fn a_person_not_identified_beyond_doubt_is_refused() {
    let mut ids = list();
    let s = [seen(&ids, 0, "dave@example.com", "bob@example.com", true)];
    let p = plan(&s, &ids, &api(), Options::default());
    assert_eq!(p.refused[0].guard, Guard::NotIdentified);
    assert!(
        p.refused[0].why.contains("belongs to"),
        "{}",
        p.refused[0].why
    );
    ids.push(id("dave-2", "Dave@Example.com", 61));
    let s = [seen(&ids, 0, "dave@example.com", "dave@example.com", true)];
    let p = plan(&s, &ids, &api(), Options::default());
    assert!(
        p.refused[0].why.contains("2 identities"),
        "{}",
        p.refused[0].why
    );
}

#[test]
fn changes_are_settled_against_each_other() {
    let ids = list();
    let same = seen(&ids, 0, "dave@example.com", "dave@example.com", true);
    let p = plan(&[same.clone(), same], &ids, &api(), Options::default());
    assert_eq!(p.changes.len(), 1, "the same change twice is one");
    let p = plan(
        &[
            seen(&ids, 0, "dave@example.com", "dave@example.com", true),
            seen(&ids, 0, "dave.d@example.com", "dave@example.com", true),
        ],
        &ids,
        &api(),
        Options::default(),
    );
    assert!(p.changes.is_empty());
    assert!(p.refused.iter().all(|r| r.guard == Guard::Contradicts));
    let p = plan(
        &[
            seen(&ids, 0, "x@example.com", "dave@example.com", true),
            seen(&ids, 1, "X@example.com", "bob@example.com", true),
        ],
        &ids,
        &api(),
        Options::default(),
    );
    assert!(p.changes.is_empty());
    assert!(p.refused.iter().all(|r| r.guard == Guard::Conflict));
}

#[test]
fn more_changes_than_max_mark_the_plan() {
    let ids = list();
    let s = [
        seen(&ids, 0, "dave@example.com", "dave@example.com", true),
        seen(&ids, 1, "Bob@Example.com", "bob@example.com", true),
    ];
    let p = plan(
        &s,
        &ids,
        &api(),
        Options {
            max: 1,
            ..Options::default()
        },
    );
    assert!(p.over_max);
}

#[test]
fn a_scim_token_cannot_change_a_saml_identity() {
    let mut ids = list();
    ids[0].source = IdentitySource::Saml;
    let scim = FixApi::Scim {
        users_url: "https://gitlab.com/api/scim/v2/groups/acme/Users".into(),
    };
    let p = plan(
        &[seen(&ids, 0, "dave@example.com", "dave@example.com", true)],
        &ids,
        &scim,
        Options::default(),
    );
    assert_eq!(p.refused[0].guard, Guard::Unreachable);
}

fn change() -> Change {
    let ids = list();
    let p = plan(
        &[seen(&ids, 0, "dave@example.com", "dave@example.com", true)],
        &ids,
        &api(),
        Options::default(),
    );
    p.changes[0].clone()
}

fn answer(status: u16, body: &str) -> Answer {
    Answer {
        status,
        body: body.into(),
    }
}

#[test]
fn the_identity_read_again_decides() {
    let c = change();
    let rest = |uid: &str| answer(200, &format!(r#"{{"extern_uid":"{uid}","user_id":51}}"#));
    assert_eq!(reread(&c, &rest("7c9e-guid"), "rest"), Reread::Unchanged);
    assert_eq!(
        reread(&c, &rest("dave@example.com"), "rest"),
        Reread::AlreadyDone
    );
    assert!(matches!(
        reread(&c, &rest("7C9E-GUID"), "rest"),
        Reread::Changed(_)
    ));
    assert!(matches!(
        reread(&c, &answer(404, "{}"), "rest"),
        Reread::Changed(_)
    ));
    let scim = answer(200, r#"{"id":"7c9e-guid","userName":"dave"}"#);
    assert_eq!(reread(&c, &scim, "scim"), Reread::Unchanged);
    assert_eq!(held_by_another(&c, &answer(404, "{}")), None);
    assert_eq!(held_by_another(&c, &rest("7c9e-guid")), None, "itself");
    let other = answer(200, r#"{"extern_uid":"DAVE@example.com","user_id":60}"#);
    assert!(held_by_another(&c, &other).is_some());
}

#[test]
fn gitlab_errors_are_one_clear_line() {
    let taken = answer(400, r#"{"message":"Extern uid has already been taken"}"#);
    let line = status_line(&taken, "rest");
    assert!(
        line.starts_with("HTTP 400: Extern uid has already been taken"),
        "{line}"
    );
    assert!(status_line(&answer(403, r#"{"message":"403 Forbidden"}"#), "rest").contains("Owner"));
    for s in [404, 409, 412, 429, 500, 503] {
        let line = status_line(&answer(s, "x\ny"), "scim");
        assert!(
            line.starts_with(&format!("HTTP {s}: ")) && !line.contains('\n'),
            "{line}"
        );
    }
}

#[test]
fn the_log_reads_back_and_undoes_newest_first() {
    let c = change();
    let fix = api();
    let mut second = c.clone();
    second.from = "bob@example.com".into();
    second.to = "Bob@Example.com".into();
    second.person.user_id = Some(49);
    let text: String = [&c, &second]
        .iter()
        .map(|c| Entry::new(c, &fix, Action::Apply, "2026-11-02T09:00:00Z", Some(200)).line())
        .collect();
    let entries = journal::parse(&format!("{text}{{\"cut")).unwrap();
    assert_eq!(entries.len(), 2, "a line cut short at the end is ignored");
    assert!(journal::parse(&format!("nonsense\n{text}")).is_err());
    let undo = journal::undo_changes(&entries);
    assert_eq!(undo[0].1.from, "Bob@Example.com");
    assert_eq!(undo[1].1.to, "7c9e-guid");
    let undone = Entry::new(&undo[0].1, &fix, Action::Undo, "t", Some(200)).line();
    let entries = journal::parse(&format!("{text}{undone}")).unwrap();
    assert_eq!(journal::undo_changes(&entries).len(), 1);
}

#[test]
fn undo_takes_a_change_by_its_last_line() {
    let c = change();
    let fix = api();
    let line = |status| Entry::new(&c, &fix, Action::Apply, "t", status).line();
    let undo = |text: String| journal::undo_changes(&journal::parse(&text).unwrap());
    // Sent, answer lost: undone (the undo's re-read finds whether it was made).
    assert_eq!(undo(line(None)).len(), 1);
    // Sent and confirmed: undone once, not once per line.
    assert_eq!(undo(format!("{}{}", line(None), line(Some(204)))).len(), 1);
    // Sent and refused: nothing to undo.
    assert!(undo(format!("{}{}", line(None), line(Some(400)))).is_empty());
    // Only a confirmed change counts as done for a resumed run.
    let pending = Entry::new(&c, &fix, Action::Apply, "t", None);
    assert!(!pending.records(&c, Action::Apply));
    assert!(Entry::new(&c, &fix, Action::Apply, "t", Some(204)).records(&c, Action::Apply));
}
