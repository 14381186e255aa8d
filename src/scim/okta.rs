//! What Okta says it sent: its System Log (`GET /api/v1/logs`, a JSON array of LogEvent objects;
//! also one per line), read for the app provisioning events. Each becomes the [`ScimRequest`]
//! GitLab would have logged, so `scim audit` reads it as it reads `api_json.log`.
//!
//! A LogEvent's fields read here: `published`, `eventType` (and `legacyEventType`, the Events
//! API name), `displayMessage`, `outcome.result` (`SUCCESS`, `FAILURE`, …) and `outcome.reason`,
//! `target[]` (`id`, `type`, `alternateId`, `displayName`) and the string values of
//! `debugContext.debugData`. The event types, from Okta's Event Types catalog and its Events API
//! migration guide: `application.provision.user.push` (create; the Events API's
//! `app.user_management.push_new_user`), `app.user_management.push_new_user_success`,
//! `application.provision.user.push_profile` and `application.provision.user.sync` (update),
//! `application.provision.user.deactivate` and `application.provision.user.reactivate`. Other
//! events are passed over.
//!
//! Assumptions, as Okta does not document them for a SCIM app: the `User` target's `id` (the
//! Okta user ID, `00u…`) is the externalId Okta sends — what Okta's SCIM requests carry — and its
//! `alternateId` (the Okta login) the email; the `AppUser` target's `alternateId` is the app
//! username, the SCIM `userName`. A failure's status is GitLab's, when the reason quotes GitLab's
//! words (409 "has already been taken", 412 "can't be blank"). Okta's CSV download of the System
//! Log is not read: its columns are not documented. Pure.

use serde::Deserialize;
use serde_json::Value;

use super::log::{ScimRequest, json_records, status_from_reason};

/// Whether a text looks like Okta System Log events (checked on its head).
pub fn looks_like_system_log(head: &str) -> bool {
    head.contains("\"eventType\"") && head.contains("\"displayMessage\"")
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogEvent {
    published: Option<String>,
    event_type: Option<String>,
    legacy_event_type: Option<String>,
    display_message: Option<String>,
    outcome: Option<Outcome>,
    #[serde(default)]
    target: Vec<Target>,
    debug_context: Option<DebugContext>,
}

#[derive(Deserialize)]
struct Outcome {
    result: Option<String>,
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    alternate_id: Option<String>,
    display_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DebugContext {
    debug_data: Option<serde_json::Map<String, Value>>,
}

/// What a provisioning event did to the app user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Create,
    Update,
    Deactivate,
    Reactivate,
}

fn act(event_type: &str) -> Option<Act> {
    Some(match event_type {
        "application.provision.user.push"
        | "app.user_management.push_new_user"
        | "app.user_management.push_new_user_success" => Act::Create,
        "application.provision.user.push_profile"
        | "application.provision.user.sync"
        | "app.user_management.push_profile_success"
        | "app.user_management.push_profile_failure" => Act::Update,
        "application.provision.user.deactivate" => Act::Deactivate,
        "application.provision.user.reactivate" => Act::Reactivate,
        _ => return None,
    })
}

/// Every user provisioning event of the System Log `name`, as SCIM requests, and notes on what
/// could not be read.
pub fn read(name: &str, text: &str) -> (Vec<ScimRequest>, Vec<String>) {
    let mut notes = Vec::new();
    let mut out = Vec::new();
    for (i, value) in json_records(text, "System Log events", &mut notes) {
        match serde_json::from_value::<LogEvent>(value) {
            Ok(e) => out.extend(request(name, i, e)),
            Err(e) => notes.push(format!("event {}: {e}: skipped", i + 1)),
        }
    }
    (out, notes)
}

/// One event as the request Okta made; `None` for an event that provisions no user.
fn request(name: &str, index: usize, e: LogEvent) -> Option<ScimRequest> {
    let event_type = [&e.event_type, &e.legacy_event_type]
        .into_iter()
        .flatten()
        .find(|t| act(t).is_some())?
        .clone();
    let act = act(&event_type)?;
    let of = |kind: &str| {
        e.target.iter().find(|t| {
            t.kind
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case(kind))
        })
    };
    let user = of("User");
    let app_user = of("AppUser");
    let known = |v: &Option<String>| {
        v.clone()
            .filter(|v| !v.trim().is_empty() && !v.eq_ignore_ascii_case("unknown"))
    };
    let mut r = ScimRequest {
        time: e.published.clone(),
        method: if act == Act::Create { "POST" } else { "PATCH" }.into(),
        resource: "Users".into(),
        status: status(act, &e),
        external_id: user.and_then(|u| known(&u.id)),
        user_name: app_user.and_then(|u| known(&u.alternate_id)),
        emails: user
            .and_then(|u| known(&u.alternate_id))
            .filter(|v| v.contains('@'))
            .into_iter()
            .collect(),
        active: match act {
            Act::Deactivate => Some(false),
            Act::Reactivate => Some(true),
            _ => None,
        },
        origin: format!(
            "{name} event {} ({event_type}, {})",
            index + 1,
            user.or(app_user)
                .and_then(|u| u.display_name.as_deref())
                .unwrap_or("?")
        ),
        ..ScimRequest::default()
    };
    if r.user_name.is_none() && r.emails.is_empty() {
        r.user_name = user.and_then(|u| known(&u.alternate_id));
    }
    Some(r)
}

/// GitLab's answer as far as the outcome says: a success is a 2xx (201 for a create, 204 for a
/// PATCH, as GitLab answers them); a failure is GitLab's 409 or 412 when its words are quoted.
fn status(act: Act, e: &LogEvent) -> Option<u16> {
    let outcome = e.outcome.as_ref()?;
    match outcome.result.as_deref()?.to_ascii_uppercase().as_str() {
        "SUCCESS" => Some(if act == Act::Create { 201 } else { 204 }),
        "FAILURE" => {
            let mut text = [&outcome.reason, &e.display_message]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            let debug = e.debug_context.as_ref().and_then(|d| d.debug_data.as_ref());
            for v in debug.into_iter().flat_map(|d| d.values()) {
                if let Value::String(s) = v {
                    text.push(' ');
                    text.push_str(s);
                }
            }
            status_from_reason(&text)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(event_type: &str, result: &str, reason: Option<&str>) -> String {
        serde_json::json!({
            "published": "2026-11-02T08:00:00.000Z",
            "eventType": event_type,
            "displayMessage": "Push new user to external application",
            "outcome": {"result": result, "reason": reason},
            "target": [
                {"id": "00u1frank0000000000x7", "type": "User", "alternateId": "frank@example.com", "displayName": "Frank Fixer", "detailEntry": null},
                {"id": "0oa1gitlab00000000x7", "type": "AppInstance", "alternateId": "GitLab", "displayName": "GitLab", "detailEntry": null},
                {"id": "0ua1frank0000000000x7", "type": "AppUser", "alternateId": "frank", "displayName": "Frank Fixer", "detailEntry": null}
            ],
            "debugContext": {"debugData": {"requestId": "r1"}}
        })
        .to_string()
    }

    #[test]
    fn a_failed_push_is_the_409_gitlab_answered() {
        let text = format!(
            "[{}]",
            event(
                "application.provision.user.push",
                "FAILURE",
                Some(
                    "Error while creating user Frank Fixer: Conflict. Errors reported by remote server: User has already been taken"
                )
            )
        );
        let (got, notes) = read("okta.json", &text);
        assert!(notes.is_empty(), "{notes:?}");
        let r = &got[0];
        assert_eq!((r.method.as_str(), r.status), ("POST", Some(409)));
        assert_eq!(r.external_id.as_deref(), Some("00u1frank0000000000x7"));
        assert_eq!(r.user_name.as_deref(), Some("frank"));
        assert_eq!(r.emails, ["frank@example.com"]);
        assert_eq!(
            r.origin,
            "okta.json event 1 (application.provision.user.push, Frank Fixer)"
        );
        assert!(looks_like_system_log(&text));
    }

    #[test]
    fn lifecycle_events_and_other_events() {
        let lines = [
            event("application.provision.user.deactivate", "SUCCESS", None),
            event("application.provision.user.reactivate", "SUCCESS", None),
            event(
                "application.provision.user.push_profile",
                "FAILURE",
                Some("Name can't be blank"),
            ),
            event("user.session.start", "SUCCESS", None),
            "not json".into(),
        ]
        .join("\n");
        let (got, notes) = read("okta.ndjson", &lines);
        assert_eq!(got.len(), 3);
        assert_eq!((got[0].active, got[0].status), (Some(false), Some(204)));
        assert_eq!(got[1].active, Some(true));
        assert_eq!(
            (got[2].method.as_str(), got[2].status),
            ("PATCH", Some(412))
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn the_legacy_event_type_is_understood_and_an_unknown_result_has_no_status() {
        let text = event("app.user_management.push_new_user", "UNKNOWN", None)
            .replace("\"eventType\"", "\"legacyEventType\"");
        let (got, _) = read("o", &text);
        assert_eq!((got[0].method.as_str(), got[0].status), ("POST", None));
    }
}
