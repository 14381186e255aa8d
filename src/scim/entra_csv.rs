//! Entra ID's provisioning logs as the admin center's CSV download: three files joined by the
//! change ID (Microsoft Learn, "How to download and analyze the Microsoft Entra provisioning
//! logs"): `ProvisioningLogs` (every field but the steps and the modified properties),
//! `ProvisioningLogs_ProvisioningSteps` and `ProvisioningLogs_ModifiedProperties`. Each record is
//! rebuilt as the `provisioningObjectSummary` the JSON download holds and read by the same code
//! ([`super::entra`]), so the two downloads give the same requests.
//!
//! Microsoft documents the three files but not their header lines. The columns are therefore
//! matched by the documented Graph property names, flattened (`changeId`, `activityDateTime`,
//! `provisioningAction`, `provisioningStatusInfo.status`, `…errorInformation.reason`,
//! `sourceIdentity.id`, `targetIdentity.id`, `displayName`/`oldValue`/`newValue`,
//! `provisioningStepType`, `description`), and by the portal's column titles (`Change ID`,
//! `Date`, `Action`, `Status`, `Source ID`, `Target ID`, `Step type`); headers match case-,
//! space- and punctuation-insensitively (`super::csv`). This is an assumption, stated so that a
//! real download that differs is recognised as a bug here, not in the file. Pure.

use std::collections::HashMap;

use super::csv::{Record, Table, head_keys, parse_table};
use super::entra::{ErrorInformation, Identity, Modified, StatusInfo, Step, Summary, request};
use super::log::ScimRequest;

/// Which of the three files a CSV is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `ProvisioningLogs`: one row per record.
    Logs,
    /// `ProvisioningLogs_ModifiedProperties`: one row per changed attribute.
    ModifiedProperties,
    /// `ProvisioningLogs_ProvisioningSteps`: one row per step.
    Steps,
}

const CHANGE_ID: &[&str] = &["changeid"];
const TIME: &[&str] = &[
    "activitydatetime",
    "date",
    "dateutc",
    "datetime",
    "activitydate",
];
const ACTION: &[&str] = &["provisioningaction", "action"];
const STATUS: &[&str] = &[
    "provisioningstatusinfostatus",
    "status",
    "provisioningstatus",
];
const REASON: &[&str] = &[
    "provisioningstatusinfoerrorinformationreason",
    "errorinformationreason",
    "reason",
    "statusreason",
    "failurereason",
];
const ERROR_CODE: &[&str] = &[
    "provisioningstatusinfoerrorinformationerrorcode",
    "errorinformationerrorcode",
    "errorcode",
];
const DETAILS: &[&str] = &[
    "provisioningstatusinfoerrorinformationadditionaldetails",
    "errorinformationadditionaldetails",
    "additionaldetails",
];
const SOURCE_ID: &[&str] = &["sourceidentityid", "sourceid"];
const SOURCE_NAME: &[&str] = &["sourceidentitydisplayname", "sourcedisplayname", "identity"];
const IDENTITY_TYPE: &[&str] = &[
    "sourceidentityidentitytype",
    "sourceidentitytype",
    "targetidentityidentitytype",
    "targetidentitytype",
    "identitytype",
];
const TARGET_ID: &[&str] = &["targetidentityid", "targetid"];
const PROPERTY: &[&str] = &[
    "displayname",
    "propertyname",
    "property",
    "attributename",
    "attribute",
    "name",
];
const NEW_VALUE: &[&str] = &["newvalue"];
const STEP_TYPE: &[&str] = &["provisioningsteptype", "steptype", "type"];
const DESCRIPTION: &[&str] = &["description"];

/// Which file a CSV is, from its header (its first non-empty line); `None` for another CSV.
pub fn part_of(head: &str) -> Option<Part> {
    let keys = head_keys(head);
    let has = |names: &[&str]| keys.iter().any(|k| names.contains(&k.as_str()));
    if !has(CHANGE_ID) {
        return None;
    }
    if has(NEW_VALUE) {
        Some(Part::ModifiedProperties)
    } else if has(&["provisioningsteptype", "steptype"]) || (has(DESCRIPTION) && !has(ACTION)) {
        Some(Part::Steps)
    } else if has(ACTION) {
        Some(Part::Logs)
    } else {
        None
    }
}

/// One file of the download: its name and text.
pub struct File<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// The user records of the files given (any of the three, each at most once is usual), joined
/// by change ID, as SCIM requests in the order of the `ProvisioningLogs` rows; and notes on what
/// could not be read or joined.
pub fn read(files: &[File<'_>]) -> (Vec<ScimRequest>, Vec<String>) {
    let mut notes = Vec::new();
    let mut logs: Vec<(&str, Table)> = Vec::new();
    let mut modified: HashMap<String, Vec<Modified>> = HashMap::new();
    let mut steps: HashMap<String, Vec<Step>> = HashMap::new();
    for f in files {
        let Some(table) = parse_table(f.text) else {
            notes.push(format!("{}: empty", f.name));
            continue;
        };
        if let Some(issue) = &table.unterminated {
            notes.push(format!("{}: {issue}", f.name));
        }
        match part_of(f.text) {
            Some(Part::Logs) => logs.push((f.name, table)),
            Some(Part::ModifiedProperties) => collect(&table, &mut modified, modified_row),
            Some(Part::Steps) => collect(&table, &mut steps, step_row),
            None => notes.push(format!(
                "{}: not a file of Entra's provisioning-log download (no Change ID column)",
                f.name
            )),
        }
    }
    if logs.is_empty() {
        notes.push("no ProvisioningLogs file (the one with Action and Status) among the Entra CSV files: nothing read".into());
        return (Vec::new(), notes);
    }
    if modified.is_empty() {
        notes.push("no ProvisioningLogs_ModifiedProperties file: the externalId, userName and emails Entra sent are unknown".into());
    }
    let mut out = Vec::new();
    for (name, table) in &logs {
        for (i, row) in table.rows.iter().enumerate() {
            let mut s = summary(table, row);
            if let Some(id) = row.get(table.column(CHANGE_ID)) {
                s.modified_properties = modified.remove(id).unwrap_or_default();
                s.provisioning_steps = steps.remove(id).unwrap_or_default();
            }
            out.extend(
                request(&format!("{name} line {}", row.line), i, s).map(|mut r| {
                    // The origin names the row's line, not a record number.
                    r.origin = r.origin.replace(&format!(" record {}", i + 1), "");
                    r
                }),
            );
        }
    }
    let unjoined = modified.len() + steps.len();
    if unjoined > 0 {
        notes.push(format!(
            "{unjoined} change IDs of the steps or modified properties have no row in ProvisioningLogs: skipped"
        ));
    }
    (out, notes)
}

/// The rows of a companion file, grouped by change ID.
fn collect<T>(table: &Table, into: &mut HashMap<String, Vec<T>>, row: fn(&Table, &Record) -> T) {
    let id = table.column(CHANGE_ID);
    for r in &table.rows {
        if let Some(change) = r.get(id) {
            into.entry(change.to_owned())
                .or_default()
                .push(row(table, r));
        }
    }
}

fn text(table: &Table, row: &Record, names: &[&str]) -> Option<String> {
    row.get(table.column(names)).map(str::to_owned)
}

fn modified_row(table: &Table, row: &Record) -> Modified {
    Modified {
        display_name: text(table, row, PROPERTY),
        new_value: text(table, row, NEW_VALUE),
    }
}

fn step_row(table: &Table, row: &Record) -> Step {
    Step {
        provisioning_step_type: text(table, row, STEP_TYPE),
        status: text(table, row, STATUS),
        description: text(table, row, DESCRIPTION),
    }
}

/// A `ProvisioningLogs` row as the summary the JSON download holds.
fn summary(table: &Table, row: &Record) -> Summary {
    let get = |names: &[&str]| text(table, row, names);
    let kind = get(IDENTITY_TYPE);
    Summary {
        activity_date_time: get(TIME),
        provisioning_action: get(ACTION),
        provisioning_status_info: Some(StatusInfo {
            status: get(STATUS),
            error_information: Some(ErrorInformation {
                error_code: get(ERROR_CODE),
                reason: get(REASON),
                additional_details: get(DETAILS),
            }),
        }),
        source_identity: Some(Identity {
            id: get(SOURCE_ID),
            display_name: get(SOURCE_NAME),
            identity_type: kind.clone(),
        }),
        target_identity: Some(Identity {
            id: get(TARGET_ID),
            display_name: None,
            identity_type: kind,
        }),
        ..Summary::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOGS: &str = "\u{feff}Date (UTC),Change ID,Action,Status,Source Identity ID,Source Identity Display Name,Source Identity Identity Type,Target Identity ID,Reason\r\n\
        2026-11-03T08:00:00Z,c1,Update,Success,s-hank,Hank Hill,User,hank-1,\r\n\
        2026-11-03T08:05:00Z,c2,Create,Failure,s-frank,Frank Fixer,User,,\"Error saving user: User has already been taken\"\r\n";
    const MODIFIED: &str = "Change ID,Display Name,Old Value,New Value\n\
        c1,externalId,\"\"\"hank-1\"\"\",\"\"\"hank@example.com\"\"\"\n\
        c2,externalId,,\"\"\"5d0f\"\"\"\n\
        c2,userName,,\"\"\"frank\"\"\"\n";
    const STEPS: &str = "changeId,name,provisioningStepType,status,description\n\
        c1,EntrySynchronizationUpdate,matching,success,\"User 'hank' will be updated in GitLab (a matching User was found in GitLab)\"\n\
        c2,EntrySynchronizationAdd,matching,success,\"User 'frank' will be created in GitLab (User is active and assigned in Azure Active Directory, but no matching User was found in GitLab)\"\n";

    fn files<'a>(list: &[(&'a str, &'a str)]) -> Vec<File<'a>> {
        list.iter()
            .map(|&(name, text)| File { name, text })
            .collect()
    }

    #[test]
    fn the_three_files_join_on_the_change_id() {
        let (got, notes) = read(&files(&[
            ("ProvisioningLogs.csv", LOGS),
            ("ProvisioningLogs_ModifiedProperties.csv", MODIFIED),
            ("ProvisioningLogs_ProvisioningSteps.csv", STEPS),
        ]));
        assert!(notes.is_empty(), "{notes:?}");
        let hank = &got[0];
        assert_eq!((hank.method.as_str(), hank.status), ("PATCH", Some(204)));
        assert_eq!(hank.target.as_deref(), Some("hank-1"));
        assert_eq!(hank.new_external_id.as_deref(), Some("hank@example.com"));
        assert_eq!(hank.time.as_deref(), Some("2026-11-03T08:00:00Z"));
        assert!(hank.matching.as_ref().is_some_and(|m| m.found));
        assert_eq!(hank.origin, "ProvisioningLogs.csv line 2 (Hank Hill)");
        let frank = &got[1];
        assert_eq!((frank.method.as_str(), frank.status), ("POST", Some(409)));
        assert_eq!(frank.external_id.as_deref(), Some("5d0f"));
        assert_eq!(frank.user_name.as_deref(), Some("frank"));
        assert!(frank.matching.as_ref().is_some_and(|m| !m.found));
    }

    #[test]
    fn each_file_is_told_by_its_header() {
        assert_eq!(part_of(LOGS), Some(Part::Logs));
        assert_eq!(part_of(MODIFIED), Some(Part::ModifiedProperties));
        assert_eq!(part_of(STEPS), Some(Part::Steps));
        assert_eq!(part_of("externalId,userName\na,b\n"), None);
    }

    #[test]
    fn a_missing_companion_or_an_orphan_row_is_noted() {
        let (got, notes) = read(&files(&[("logs.csv", LOGS)]));
        assert_eq!(got.len(), 2);
        assert!(
            notes[0].contains("no ProvisioningLogs_ModifiedProperties"),
            "{notes:?}"
        );
        let (got, notes) = read(&files(&[("m.csv", MODIFIED), ("x.csv", "a,b\n1,2\n")]));
        assert!(got.is_empty());
        assert_eq!(notes.len(), 2, "{notes:?}");
        let (_, notes) = read(&files(&[
            ("logs.csv", LOGS),
            ("m.csv", "Change ID,Display Name,New Value\nc9,userName,x\n"),
        ]));
        assert!(
            notes.iter().any(|n| n.starts_with("1 change IDs")),
            "{notes:?}"
        );
    }
}
