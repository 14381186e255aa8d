//! What Entra ID says it sent: its provisioning logs, as Microsoft Graph's
//! `provisioningObjectSummary` records (`GET /auditLogs/provisioning`, or the portal's JSON
//! download): `activityDateTime`, `provisioningAction` (`create`, `update`, `delete`,
//! `disable`, …), `provisioningStatusInfo` (`status`, `errorInformation.reason`),
//! `sourceIdentity` and `targetIdentity`, and `modifiedProperties` (`displayName`, `oldValue`,
//! `newValue`). A file holds a JSON array of them, a Graph page (`{"value": […]}`) or one per
//! line. Each becomes the [`ScimRequest`] GitLab would have logged, so `scim audit` reads it as it
//! reads `api_json.log`. Pure.

use serde::Deserialize;

use super::log::{MatchStep, ScimRequest};

/// Whether a text looks like Entra provisioning records (checked on its first 64 KiB).
pub fn looks_like_provisioning_log(head: &str) -> bool {
    head.contains("\"provisioningAction\"")
        || (head.contains("\"activityDateTime\"") && head.contains("\"modifiedProperties\""))
}

/// One `provisioningObjectSummary`, as far as it is read (the CSV reader builds the same).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Summary {
    pub activity_date_time: Option<String>,
    pub provisioning_action: Option<String>,
    /// The deprecated name of `provisioningAction` (beta).
    pub action: Option<String>,
    pub provisioning_status_info: Option<StatusInfo>,
    /// The deprecated name of `provisioningStatusInfo` (beta).
    pub status_info: Option<StatusInfo>,
    pub source_identity: Option<Identity>,
    pub target_identity: Option<Identity>,
    #[serde(default)]
    pub modified_properties: Vec<Modified>,
    /// `provisioningStep`s: `name`, `provisioningStepType` (`import`, `scoping`, `matching`,
    /// `processing`, `referenceResolution`, `export`), `status`, `description`, `details`.
    #[serde(default)]
    pub provisioning_steps: Vec<Step>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct StatusInfo {
    pub status: Option<String>,
    pub error_information: Option<ErrorInformation>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct ErrorInformation {
    pub error_code: Option<String>,
    pub reason: Option<String>,
    pub additional_details: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Identity {
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub identity_type: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Modified {
    pub display_name: Option<String>,
    pub new_value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Step {
    pub provisioning_step_type: Option<String>,
    pub status: Option<String>,
    pub description: Option<String>,
}

/// Every user record of an Entra provisioning log named `name`, as SCIM requests, and notes
/// on what could not be read.
pub fn read(name: &str, text: &str) -> (Vec<ScimRequest>, Vec<String>) {
    let mut notes = Vec::new();
    let records = super::log::json_records(text, "provisioning records", &mut notes);
    let mut out = Vec::new();
    for (i, value) in records {
        match serde_json::from_value::<Summary>(value) {
            Ok(s) => out.extend(request(name, i, s)),
            Err(e) => notes.push(format!("record {}: {e}: skipped", i + 1)),
        }
    }
    (out, notes)
}

/// One record as the request Entra made; `None` for a group's record.
pub(super) fn request(name: &str, index: usize, s: Summary) -> Option<ScimRequest> {
    let kind = s
        .target_identity
        .as_ref()
        .or(s.source_identity.as_ref())
        .and_then(|i| i.identity_type.as_deref())
        .unwrap_or("User");
    let resource = if kind.eq_ignore_ascii_case("group") {
        "Groups"
    } else {
        "Users"
    };
    let action = s
        .provisioning_action
        .or(s.action)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let info = s.provisioning_status_info.or(s.status_info);
    let status = info.as_ref().and_then(|i| status(&action, i));
    let mut r = ScimRequest {
        time: s.activity_date_time,
        method: match action.as_str() {
            "create" => "POST",
            "delete" | "stageddelete" => "DELETE",
            _ => "PATCH",
        }
        .into(),
        resource: resource.into(),
        target: s.target_identity.as_ref().and_then(|t| t.id.clone()),
        status,
        matching: matching(&s.provisioning_steps),
        origin: format!(
            "{name} record {} ({})",
            index + 1,
            s.source_identity
                .as_ref()
                .and_then(|i| i.display_name.as_deref())
                .unwrap_or("?")
        ),
        ..ScimRequest::default()
    };
    if action == "disable" {
        r.active = Some(false);
    }
    for m in &s.modified_properties {
        let (Some(prop), Some(value)) = (m.display_name.as_deref(), m.new_value.as_deref()) else {
            continue;
        };
        let value = unquote(value);
        match prop {
            "externalId" if r.method == "POST" => r.external_id = Some(value),
            "externalId" => r.new_external_id = Some(value),
            "userName" => r.user_name = Some(value),
            p if p.starts_with("emails") => r.emails.push(value),
            "name.formatted" => r.name.formatted = !value.is_empty(),
            "name.givenName" => r.name.given_name = !value.is_empty(),
            "name.familyName" => r.name.family_name = !value.is_empty(),
            "displayName" => r.name.display_name = !value.is_empty(),
            "active" => r.active = super::model::parse_bool(&value),
            _ => {}
        }
    }
    if r.method == "POST" {
        r.target = None;
    }
    Some(r)
}

/// The HTTP status GitLab answered, as far as Entra's record says: a success is a 2xx, and
/// GitLab's own words in the reason give its 409 and 412.
fn status(action: &str, info: &StatusInfo) -> Option<u16> {
    match info
        .status
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("success") => Some(if action == "create" { 201 } else { 204 }),
        Some("failure") => {
            let e = info.error_information.as_ref()?;
            let text = [&e.reason, &e.additional_details, &e.error_code]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            super::log::status_from_reason(&text)
        }
        _ => None,
    }
}

/// The matching step of a record: found when it succeeded and does not say that no match was
/// found (Graph's example: "… but no matching Group was found in Contoso").
fn matching(steps: &[Step]) -> Option<MatchStep> {
    let step = steps.iter().find(|s| {
        s.provisioning_step_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("matching"))
    })?;
    let description = step.description.clone().unwrap_or_default();
    let said = description.to_ascii_lowercase();
    let not_found = ["no matching", "not found", "failed to match"]
        .iter()
        .any(|w| said.contains(w));
    let success = step
        .status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("success"));
    Some(MatchStep {
        found: success && !not_found,
        description,
    })
}

/// Entra writes string values quoted (`"alice"`); the quotes are not part of the value.
fn unquote(v: &str) -> String {
    let t = v.trim();
    t.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(t)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATE_409: &str = r#"{
      "activityDateTime": "2026-11-02T08:00:00Z", "provisioningAction": "create",
      "provisioningStatusInfo": {"status": "failure", "errorInformation": {"errorCode": "SystemForCrossDomainIdentityManagementServiceIncompatible",
        "reason": "StatusCode: Conflict Message: Processing of the HTTP request resulted in an exception. Error saving user with {...}: User has already been taken"}},
      "sourceIdentity": {"id": "5d0f2c1a-7e3b-4a9c-b812-6f4e3d2c1b0a", "displayName": "Frank Fixer", "identityType": "User"},
      "targetIdentity": {"id": "", "displayName": "", "identityType": "User"},
      "modifiedProperties": [
        {"displayName": "externalId", "oldValue": null, "newValue": "\"5d0f2c1a-7e3b-4a9c-b812-6f4e3d2c1b0a\""},
        {"displayName": "userName", "oldValue": null, "newValue": "\"frank\""},
        {"displayName": "emails[type eq \"work\"].value", "oldValue": null, "newValue": "\"frank@example.com\""},
        {"displayName": "name.formatted", "oldValue": null, "newValue": "\"Frank Fixer\""}]
    }"#;

    #[test]
    fn a_failed_create_is_the_409_gitlab_answered() {
        let (got, notes) = read("entra.json", &format!("[{CREATE_409}]"));
        assert!(notes.is_empty(), "{notes:?}");
        let r = &got[0];
        assert_eq!(r.method, "POST");
        assert_eq!(r.status, Some(409));
        assert_eq!(
            r.external_id.as_deref(),
            Some("5d0f2c1a-7e3b-4a9c-b812-6f4e3d2c1b0a")
        );
        assert_eq!(r.user_name.as_deref(), Some("frank"));
        assert_eq!(r.emails, ["frank@example.com"]);
        assert!(r.name.formatted);
        assert_eq!(r.origin, "entra.json record 1 (Frank Fixer)");
    }

    #[test]
    fn updates_disables_and_graph_pages() {
        let update = r#"{"activityDateTime": "2026-11-02T09:00:00Z", "provisioningAction": "update",
          "provisioningStatusInfo": {"status": "success"},
          "sourceIdentity": {"id": "s1", "displayName": "Hank", "identityType": "User"},
          "targetIdentity": {"id": "hank-1", "displayName": "hank", "identityType": "User"},
          "modifiedProperties": [{"displayName": "externalId", "oldValue": "\"hank-1\"", "newValue": "\"hank@example.com\""}]}"#;
        let disable = r#"{"provisioningAction": "disable", "provisioningStatusInfo": {"status": "success"},
          "targetIdentity": {"id": "erin-1", "identityType": "User"}}"#;
        let group =
            r#"{"provisioningAction": "create", "targetIdentity": {"identityType": "Group"}}"#;
        let (got, _) = read(
            "p",
            &format!("{{\"value\": [{update}, {disable}, {group}]}}"),
        );
        assert_eq!(
            (got[0].method.as_str(), got[0].status),
            ("PATCH", Some(204))
        );
        assert_eq!(got[0].target.as_deref(), Some("hank-1"));
        assert_eq!(got[0].new_external_id.as_deref(), Some("hank@example.com"));
        assert_eq!(got[1].active, Some(false));
        assert_eq!(got[2].resource, "Groups");
        // One record per line reads the same.
        let (lines, notes) = read(
            "p",
            &format!(
                "{}\n{}\nnot json\n",
                update.replace('\n', " "),
                disable.replace('\n', " ")
            ),
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn a_missing_name_is_the_412() {
        let r = r#"[{"provisioningAction": "create", "provisioningStatusInfo": {"status": "failure",
          "errorInformation": {"reason": "Error saving user with {...}: Namespace can't be blank, Name can't be blank, and User can't be blank."}},
          "modifiedProperties": [{"displayName": "externalId", "newValue": "\"g1\""}, {"displayName": "userName", "newValue": "\"gina\""},
            {"displayName": "displayName", "newValue": "\"Gina\""}]}]"#;
        let (got, _) = read("p", r);
        assert_eq!(got[0].status, Some(412));
        assert!(got[0].name.display_name && !got[0].name.formatted);
        assert!(looks_like_provisioning_log(r));
        assert!(!looks_like_provisioning_log(
            "{\"path\":\"/api/scim/v2/groups/a/Users\"}"
        ));
    }
}
