use super::*;
use crate::scim::log::{NameSent, ScimRequest};

fn post(ext: &str, user: &str, status: u16, line: u32) -> ScimRequest {
    ScimRequest {
        time: Some(format!("2026-11-02T09:{line:02}:00Z")),
        method: "POST".into(),
        group: Some("acme".into()),
        resource: "Users".into(),
        status: Some(status),
        external_id: Some(ext.into()),
        user_name: Some(user.into()),
        emails: vec![format!("{user}@example.com")],
        name: NameSent {
            formatted: true,
            ..NameSent::default()
        },
        origin: format!("api_json.log line {line}"),
        ..ScimRequest::default()
    }
}

fn patch(target: &str, new: Option<&str>, active: Option<bool>, line: u32) -> ScimRequest {
    ScimRequest {
        method: "PATCH".into(),
        group: Some("acme".into()),
        resource: "Users".into(),
        target: Some(target.into()),
        status: Some(204),
        new_external_id: new.map(str::to_owned),
        active,
        origin: format!("api_json.log line {line}"),
        ..ScimRequest::default()
    }
}

fn scim(ext: &str, user: &str) -> Identity {
    Identity {
        external_id: Some(ext.into()),
        user_name: Some(user.into()),
        emails: vec![format!("{user}@example.com")],
        source: IdentitySource::Scim,
        origin: format!("scim.json {user}"),
        ..Identity::default()
    }
}

fn saml(ext: &str, user: &str) -> Identity {
    Identity {
        source: IdentitySource::Saml,
        origin: format!("saml.json {user}"),
        ..scim(ext, user)
    }
}

fn seen(n: &str, user: &str) -> SeenNameId {
    SeenNameId {
        name_id: n.into(),
        email: Some(format!("{user}@example.com")),
        origin: format!("capture {user}"),
    }
}

fn run(requests: &[ScimRequest], ids: &[Identity], names: &[SeenNameId]) -> Audit {
    audit(
        requests,
        ids,
        names,
        &FixApi::rest("https://gitlab.com", "acme"),
    )
}

fn codes(p: &Person) -> Vec<&'static str> {
    p.diagnoses.iter().map(|d| d.code).collect()
}

#[test]
fn a_clean_chain_has_no_diagnosis() {
    let a = run(
        &[post("00u1", "alice", 201, 1)],
        &[scim("00u1", "alice"), saml("00u1", "alice")],
        &[seen("00u1", "alice")],
    );
    assert_eq!(a.people.len(), 1, "{a:#?}");
    let p = &a.people[0];
    assert_eq!(p.person, "alice");
    assert_eq!(p.idp_external_id.as_deref(), Some("00u1"));
    assert_eq!(
        (p.gitlab_scim.as_slice(), p.gitlab_saml.as_slice()),
        (&["00u1".to_owned()][..], &["00u1".to_owned()][..])
    );
    assert_eq!(p.name_ids, ["00u1"]);
    assert_eq!(p.breaks, None);
    assert!(p.diagnoses.is_empty(), "{:#?}", p.diagnoses);
    assert!(a.findings.is_empty());
    assert_eq!(p.origins.len(), 4);
}

#[test]
fn a_409_names_the_colliding_values_and_the_call() {
    let a = run(
        &[post("5d0f-new", "alice", 409, 7)],
        &[scim("00u1-old", "alice")],
        &[],
    );
    let p = &a.people[0];
    let d = p
        .diagnoses
        .iter()
        .find(|d| d.code == "conflict")
        .expect("a conflict");
    assert!(
        d.detail.contains("\"5d0f-new\"")
            && d.detail.contains("\"00u1-old\"")
            && d.detail.contains("line 7"),
        "{}",
        d.detail
    );
    let call = d.call.as_deref().unwrap_or("");
    assert!(
        call.contains("extern_uid=5d0f-new") && call.contains("/groups/acme/scim/00u1-old"),
        "{call}"
    );
}

#[test]
fn a_412_says_which_fields_were_missing_and_the_entra_mapping() {
    let mut r = post("00u1", "alice", 412, 3);
    r.name = NameSent {
        display_name: true,
        ..NameSent::default()
    };
    r.emails.clear();
    let a = run(&[r], &[], &[]);
    let d = &a.people[0].diagnoses[0];
    assert_eq!(d.code, "missing_fields");
    assert!(d.detail.contains("emails, name.formatted"), "{}", d.detail);
    assert!(d.fix.contains("displayName → name.formatted"), "{}", d.fix);
    // A 412 whose body had every field is not this diagnosis.
    assert!(
        run(&[post("00u1", "alice", 412, 3)], &[], &[]).people[0]
            .diagnoses
            .is_empty()
    );
}

#[test]
fn a_changed_external_id_says_when_and_from_what() {
    let a = run(
        &[
            post("00u1", "alice", 201, 1),
            patch("00u1", Some("alice@example.com"), None, 2),
        ],
        &[scim("alice@example.com", "alice")],
        &[seen("00u1", "alice")],
    );
    assert_eq!(a.people.len(), 1, "one person across the PATCH: {a:#?}");
    let p = &a.people[0];
    assert_eq!(p.idp_external_id.as_deref(), Some("alice@example.com"));
    assert!(codes(p).contains(&"external_id_changed"), "{:?}", codes(p));
    let d = p
        .diagnoses
        .iter()
        .find(|d| d.code == "external_id_changed")
        .unwrap();
    assert!(
        d.detail.contains("from \"00u1\" to \"alice@example.com\""),
        "{}",
        d.detail
    );
    // The NameID still sends the old value: the chain breaks, and the call aligns GitLab.
    let broken = p
        .diagnoses
        .iter()
        .find(|d| d.code == "chain_broken")
        .unwrap();
    assert_eq!(
        p.breaks.as_deref(),
        Some("between the IdP's externalId \"alice@example.com\" and the NameID \"00u1\"")
    );
    assert!(
        broken.fix.contains("map both to one persistent value"),
        "{}",
        broken.fix
    );
    assert!(
        broken
            .call
            .as_deref()
            .unwrap_or("")
            .contains("extern_uid=00u1")
    );
}

#[test]
fn removed_and_added_back_says_to_link_manually() {
    let a = run(
        &[
            post("00u1", "alice", 201, 1),
            patch("00u1", None, Some(false), 2),
            post("00u1", "alice", 201, 3),
        ],
        &[],
        &[],
    );
    let p = &a.people[0];
    assert!(codes(p).contains(&"removed_and_added"), "{:?}", codes(p));
    let d = p
        .diagnoses
        .iter()
        .find(|d| d.code == "removed_and_added")
        .unwrap();
    assert!(
        d.detail.contains("line 2") && d.detail.contains("line 3"),
        "{}",
        d.detail
    );
    assert!(d.fix.contains("link the account manually"), "{}", d.fix);
}

#[test]
fn two_scim_identities_of_one_person_are_a_duplicate() {
    let mut other = scim("ALICE-2", "alice");
    other.emails = vec!["alice@example.com".into()];
    let a = run(&[], &[scim("alice-1", "alice"), other], &[]);
    assert_eq!(a.people.len(), 1);
    let d = a.people[0]
        .diagnoses
        .iter()
        .find(|d| d.code == "duplicate")
        .expect("duplicate");
    assert!(d.call.as_deref().unwrap_or("").contains("$WRONG_UID"));
}

#[test]
fn different_people_stay_apart() {
    let a = run(
        &[post("00u1", "alice", 201, 1), post("00u2", "bob", 201, 2)],
        &[scim("00u1", "alice"), scim("00u2", "bob")],
        &[seen("00u1", "alice"), seen("00u2", "bob")],
    );
    assert_eq!(a.people.len(), 2);
    assert!(a.people.iter().all(|p| p.diagnoses.is_empty()));
}

#[test]
fn setup_findings_dot_in_the_group_path_and_group_provisioning() {
    let mut dotted = post("00u1", "alice", 201, 1);
    dotted.group = Some("acme.ai".into());
    let groups = ScimRequest {
        method: "POST".into(),
        resource: "Groups".into(),
        status: Some(404),
        origin: "api_json.log line 2".into(),
        ..ScimRequest::default()
    };
    let a = run(&[dotted, groups], &[], &[]);
    let codes: Vec<&str> = a.findings.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["dot_in_group_path", "group_provisioning"]);
    assert!(a.findings[0].detail.contains("\"acme.ai\""));
    assert!(
        a.findings[1]
            .detail
            .contains("1 group provisioning request "),
        "{}",
        a.findings[1].detail
    );
    assert_eq!(a.people.len(), 1, "a Groups request is nobody's");
    assert!(
        run(&[post("00u1", "alice", 201, 1)], &[], &[])
            .findings
            .is_empty()
    );
}

fn matched(found: bool, description: &str) -> Option<crate::scim::log::MatchStep> {
    Some(crate::scim::log::MatchStep {
        found,
        description: description.into(),
    })
}

/// Entra matched hank on userName to GitLab's "hank-1" while it holds "00u9" as externalId: the
/// match cannot have been on externalId, so the matching precedence is diagnosed, with the call
/// that points GitLab's identity at the NameID.
#[test]
fn a_match_on_another_attribute_than_external_id_is_diagnosed() {
    let mut update = patch("hank-1", Some("00u9"), None, 2);
    update.user_name = Some("hank".into());
    update.matching = matched(true, "User 'hank' will be updated in GitLab");
    let a = run(
        &[update],
        &[scim("hank-1", "hank")],
        &[seen("00u9", "hank")],
    );
    let hank = &a.people[0];
    assert_eq!(
        codes(hank),
        ["external_id_changed", "matching_precedence", "chain_broken"]
    );
    let d = &hank.diagnoses[1];
    assert!(
        d.detail
            .contains("matched this user to GitLab's SCIM user \"hank-1\""),
        "{}",
        d.detail
    );
    assert!(d.detail.contains("\"00u9\""), "{}", d.detail);
    assert!(d.fix.contains("Matching precedence 1"), "{}", d.fix);
    let call = d.call.as_deref().unwrap_or_default();
    assert!(call.contains("extern_uid=00u9"), "{call}");

    // No match and a 409: Entra created a user GitLab already holds under another value.
    let mut create = post("00u7", "frank", 409, 3);
    create.matching = matched(false, "no matching User was found in GitLab");
    let a = run(&[create], &[scim("frank-1", "frank")], &[]);
    let frank = &a.people[0];
    assert!(
        codes(frank).contains(&"matching_precedence"),
        "{:?}",
        codes(frank)
    );
    let d = frank
        .diagnoses
        .iter()
        .find(|d| d.code == "matching_precedence")
        .unwrap();
    assert!(
        d.detail.contains("found no GitLab user matching"),
        "{}",
        d.detail
    );
    assert!(d.detail.contains("\"frank-1\""), "{}", d.detail);
}

/// A match on the user whose extern_uid is the externalId Entra holds is how it should be.
#[test]
fn a_match_on_external_id_is_clean() {
    let mut create = post("7c9e", "dave", 201, 1);
    create.matching = matched(false, "no matching User was found in GitLab");
    let mut update = patch("7c9e", None, None, 2);
    update.user_name = Some("dave".into());
    update.matching = matched(true, "User 'dave' will be updated in GitLab");
    let a = run(
        &[create, update],
        &[scim("7c9e", "dave")],
        &[seen("7c9e", "dave")],
    );
    assert_eq!(a.people.len(), 1);
    assert!(
        codes(&a.people[0]).is_empty(),
        "{:?}",
        a.people[0].diagnoses
    );
}
