//! Conformance: every message of the shared corpus (../shared/corpus) decodes to the values its
//! source project's tests assert, and what must be refused is refused with exit 2.
//! Skipped, with a note, when the corpus is not beside the crate.

mod common;

use serde_json::Value;

use common::{corpus_dir, json};

/// Messages we refuse on purpose, with the reason. Everything else must decode.
const REFUSED: &[(&str, &str)] = &[
    ("messages/ruby-saml__responses_attackxee.xml", "DOCTYPE"),
    (
        "messages/samael__response_encrypted_valid.xml",
        "is not declared",
    ),
    (
        "messages/samael__xpointer_attack_signed.xml",
        "has no namespace",
    ),
];

/// Values where the manifest's reading differs from ours on purpose.
const DEVIATIONS: &[(&str, &str, &str)] = &[(
    "messages/samael__ancestor_attack_signed.xml",
    "issuer",
    "the Issuer hides a whole signed Response inside it; the manifest concatenates all its \
     descendant text, we read the Issuer's own text (https://attacker.evil.com) and note the \
     hidden assertion",
)];

#[test]
fn corpus_messages_decode_to_the_manifest_values() {
    let Some(dir) = corpus_dir() else {
        eprintln!("note: ../shared/corpus is absent; corpus conformance skipped");
        return;
    };
    let manifest: Vec<Value> =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert!(
        manifest.len() >= 60,
        "manifest has {} entries",
        manifest.len()
    );
    let mut problems = Vec::new();
    let mut compared = 0;
    for entry in &manifest {
        let file = entry["file"].as_str().unwrap();
        let path = dir.join(file);
        let (doc, out) = json(&["decode", path.to_str().unwrap()]);
        let refused = REFUSED.iter().find(|(f, _)| *f == file);
        let code = out.status.code();
        if entry["kind"] == "invalid" || refused.is_some() {
            let why = refused.map_or("", |r| r.1);
            let stderr = common::stderr(&out);
            if code != Some(2) || !stderr.contains(why) {
                problems.push(format!(
                    "{file}: expected refusal ({why}) with exit 2, got {code:?}: {stderr}"
                ));
            }
            continue;
        }
        if code == Some(2) {
            problems.push(format!("{file}: refused: {}", common::stderr(&out)));
            continue;
        }
        let trace = &doc["traces"][0];
        compared += compare(file, entry, trace, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(compared > 300, "only {compared} values compared");
}

/// Compares every known expected value; returns how many were compared.
fn compare(file: &str, entry: &Value, trace: &Value, problems: &mut Vec<String>) -> usize {
    let exp = &entry["expected"];
    let msg = &trace["message"];
    let mut n = 0;
    let mut check = |field: &str, want: &Value, got: Value| {
        if want.is_null() {
            return;
        }
        n += 1;
        let deviation = DEVIATIONS
            .iter()
            .any(|(f, name, _)| *f == file && *name == field);
        if !same(want, &got) && !deviation {
            problems.push(format!("{file}: {field}: expected {want}, got {got}"));
        }
    };
    check("kind", &entry["kind"], msg["kind"].clone());
    check("id", &exp["id"], msg["id"].clone());
    check("issuer", &exp["issuer"], msg["issuer"].clone());
    check(
        "destination",
        &exp["destination"],
        msg["destination"].clone(),
    );
    check(
        "status_code",
        &exp["status_code"],
        msg["status"]["code"].clone(),
    );
    check(
        "status_sub_code",
        &exp["status_sub_code"],
        msg["status"]["second_level"].clone(),
    );
    check(
        "status_message",
        &exp["status_message"],
        msg["status"]["message"].clone(),
    );
    let irt = first_non_null(&[
        msg["in_response_to"].clone(),
        confirmation(msg, "in_response_to"),
    ]);
    check("in_response_to", &exp["in_response_to"], irt);
    check(
        "signed_response",
        &exp["signed_response"],
        Value::Bool(signed(trace, root_path(msg))),
    );
    check("encrypted", &exp["encrypted"], Value::Bool(encrypted(msg)));
    match msg["kind"].as_str() {
        Some("AuthnRequest") => authn_request(exp, &msg["request"], &mut check),
        Some("LogoutRequest") => logout_request(exp, &msg["request"], &mut check),
        _ => {}
    }
    let assertions = msg["assertions"].as_array().cloned().unwrap_or_default();
    let facts = &entry["document_facts"];
    let single = facts["n_assertions_anywhere"].as_u64() == Some(1) && assertions.len() == 1;
    if let (true, Some(a)) = (single, assertions.first())
        && a["encrypted"] == false
    {
        assertion(exp, a, &mut check);
        check(
            "signed_assertion",
            &exp["signed_assertion"],
            Value::Bool(signed(trace, "/Response/Assertion")),
        );
    }
    n
}

/// Assertion-level values; those inside encrypted parts are left to the decryption tests.
fn assertion(exp: &Value, a: &Value, check: &mut impl FnMut(&str, &Value, Value)) {
    let name_id = &a["subject"]["name_id"];
    if a["subject"]["encrypted_id"].is_null() {
        check("name_id", &exp["name_id"], strip(&name_id["value"]));
        check(
            "name_id_format",
            &exp["name_id_format"],
            name_id["format"].clone(),
        );
    }
    check(
        "name_id_sp_name_qualifier",
        &exp["name_id_sp_name_qualifier"],
        name_id["sp_name_qualifier"].clone(),
    );
    check(
        "name_id_name_qualifier",
        &exp["name_id_name_qualifier"],
        name_id["name_qualifier"].clone(),
    );
    check("assertion_id", &exp["assertion_id"], a["id"].clone());
    check(
        "assertion_issuer",
        &exp["assertion_issuer"],
        a["issuer"].clone(),
    );
    check(
        "audience",
        &exp["audience"],
        a["conditions"]["audiences"].clone(),
    );
    check(
        "not_on_or_after",
        &exp["not_on_or_after"],
        a["conditions"]["not_on_or_after"].clone(),
    );
    check(
        "session_index",
        &exp["session_index"],
        a["authn"]["session_index"].clone(),
    );
    check(
        "session_not_on_or_after",
        &exp["session_not_on_or_after"],
        a["authn"]["session_not_on_or_after"].clone(),
    );
    check(
        "authn_context_class_ref",
        &exp["authn_context_class_ref"],
        a["authn"]["context_class"].clone(),
    );
    if a["encrypted_attributes"]
        .as_array()
        .is_none_or(|x| x.is_empty())
    {
        check(
            "attributes",
            &exp["attributes"],
            merged_attributes(&a["attributes"]),
        );
    }
    check(
        "attribute_friendly_names",
        &exp["attribute_friendly_names"],
        friendly_names(&a["attributes"]),
    );
    check(
        "subject_confirmations",
        &exp["subject_confirmations"],
        confirmations(&a["subject"]["confirmations"]),
    );
}

fn authn_request(exp: &Value, r: &Value, check: &mut impl FnMut(&str, &Value, Value)) {
    check(
        "assertion_consumer_service_url",
        &exp["assertion_consumer_service_url"],
        r["acs_url"].clone(),
    );
    check(
        "protocol_binding",
        &exp["protocol_binding"],
        r["protocol_binding"].clone(),
    );
    check(
        "name_id_policy_format",
        &exp["name_id_policy_format"],
        r["name_id_policy_format"].clone(),
    );
    check(
        "name_id_policy_allow_create",
        &exp["name_id_policy_allow_create"],
        r["name_id_policy_allow_create"].clone(),
    );
    check(
        "requested_authn_context",
        &exp["requested_authn_context"],
        r["requested_authn_context"].clone(),
    );
}

fn logout_request(exp: &Value, r: &Value, check: &mut impl FnMut(&str, &Value, Value)) {
    if r["encrypted_id"].is_null() {
        check("name_id", &exp["name_id"], strip(&r["name_id"]["value"]));
        check(
            "name_id_format",
            &exp["name_id_format"],
            r["name_id"]["format"].clone(),
        );
    }
    check(
        "session_indexes",
        &exp["session_indexes"],
        r["session_indexes"].clone(),
    );
    check(
        "not_on_or_after",
        &exp["not_on_or_after"],
        r["not_on_or_after"].clone(),
    );
}

/// Equality, treating an expected list as matching a list of the same items, and an expected
/// scalar as matching our value after trimming.
fn same(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::String(w), Value::String(g)) => w.trim() == g.trim(),
        (Value::Array(w), Value::String(g)) if w.len() == 1 => {
            same(&w[0], &Value::String(g.clone()))
        }
        (Value::String(_), Value::Array(g)) if g.len() == 1 => same(want, &g[0]),
        (Value::String(w), Value::Bool(g)) => w.parse::<bool>().ok() == Some(*g),
        (Value::Array(w), Value::Array(g)) => {
            w.len() == g.len() && w.iter().zip(g).all(|(a, b)| same(a, b))
        }
        (Value::Object(w), Value::Object(g)) => {
            w.len() == g.len()
                && w.iter()
                    .all(|(k, v)| g.get(k).is_some_and(|gv| same(v, gv)))
        }
        // An expected nested NameID ({"NameID": {"value": …}}) matches our XML text holding that value.
        (Value::Object(w), Value::String(g)) => w
            .get("NameID")
            .and_then(|n| n["value"].as_str())
            .is_some_and(|v| g.contains(v)),
        _ => want == got,
    }
}

fn strip(v: &Value) -> Value {
    v.as_str()
        .map_or(Value::Null, |s| Value::String(s.trim().to_owned()))
}

fn first_non_null(values: &[Value]) -> Value {
    values
        .iter()
        .find(|v| !v.is_null())
        .cloned()
        .unwrap_or(Value::Null)
}

fn confirmation(msg: &Value, field: &str) -> Value {
    msg["assertions"][0]["subject"]["confirmations"][0][field].clone()
}

fn root_path(msg: &Value) -> &'static str {
    match msg["kind"].as_str() {
        Some("Response") => "/Response",
        Some("LogoutResponse") => "/LogoutResponse",
        Some("LogoutRequest") => "/LogoutRequest",
        Some("AuthnRequest") => "/AuthnRequest",
        _ => "/",
    }
}

fn signed(trace: &Value, path: &str) -> bool {
    trace["signatures"]
        .as_array()
        .is_some_and(|s| s.iter().any(|s| s["path"] == path))
}

fn encrypted(msg: &Value) -> bool {
    let assertions = msg["assertions"].as_array().cloned().unwrap_or_default();
    assertions.iter().any(|a| {
        a["encrypted"] == true
            || !a["subject"]["encrypted_id"].is_null()
            || a["encrypted_attributes"]
                .as_array()
                .is_some_and(|x| !x.is_empty())
    }) || !msg["request"]["encrypted_id"].is_null()
}

/// Name → values, merged across repeated Attribute elements, in document order.
fn merged_attributes(attrs: &Value) -> Value {
    let mut map = serde_json::Map::new();
    for a in attrs.as_array().into_iter().flatten() {
        let name = a["name"].as_str().unwrap_or_default().to_owned();
        let entry = map.entry(name).or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            for v in a["values"].as_array().into_iter().flatten() {
                list.push(strip_or_null(v));
            }
        }
    }
    Value::Object(map)
}

fn strip_or_null(v: &Value) -> Value {
    if v.is_null() { Value::Null } else { strip(v) }
}

fn friendly_names(attrs: &Value) -> Value {
    let mut map = serde_json::Map::new();
    for a in attrs.as_array().into_iter().flatten() {
        if let (Some(n), Some(f)) = (a["name"].as_str(), a["friendly_name"].as_str()) {
            map.insert(n.to_owned(), Value::String(f.to_owned()));
        }
    }
    Value::Object(map)
}

/// Our confirmations in the manifest's shape: `method`, and SubjectConfirmationData attributes
/// under their XML names, only those present.
fn confirmations(list: &Value) -> Value {
    let fields = [
        ("recipient", "Recipient"),
        ("not_on_or_after", "NotOnOrAfter"),
        ("in_response_to", "InResponseTo"),
        ("not_before", "NotBefore"),
        ("address", "Address"),
    ];
    let items = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let mut m = serde_json::Map::new();
            m.insert("method".into(), c["method"].clone());
            for (ours, theirs) in fields {
                if !c[ours].is_null() {
                    m.insert(theirs.into(), c[ours].clone());
                }
            }
            Value::Object(m)
        })
        .collect();
    Value::Array(items)
}
