//! The central promise, as a property: whatever is done to a signed message short of signing
//! it again, any NameID or attribute shown as signed is the one the signature was made over.
//! Mutations of the signed samples: forged assertions beside, before or around the signed one,
//! the signed one moved, comments split into its NameID, its values edited, its signature
//! duplicated; and for the HTTP-Redirect query, parameters duplicated, reordered and swapped.

use std::sync::Arc;

use proptest::prelude::*;
use samltrace::checks::Context;
use samltrace::dsig::{Keys, Trust};
use samltrace::pipeline::{Config, Pipeline};
use samltrace::trace::Trace;

const ASSERTION_SIGNED: &str = include_str!("../samples/dsig/assertion-sha256.xml");
const RESPONSE_SIGNED: &str = include_str!("../samples/dsig/response-sha256.xml");
const SIGNED_QUERY: &str = include_str!("../samples/dsig/redirect-signed.query");
const IDP_CERT: &[u8] = include_bytes!("../samples/keys/idp.crt");
/// What the samples' signatures were made over.
const SIGNED_NAME: &str = "alice@example.com";

fn pipeline() -> Pipeline<'static> {
    let at = "2026-11-02T09:00:00Z".parse().expect("time");
    let mut trust = Trust::new();
    trust.add_anchor(IDP_CERT, "idp.crt").expect("certificate");
    let mut sp_trust = Trust::new();
    sp_trust
        .add_anchor(IDP_CERT, "idp.crt")
        .expect("certificate");
    let keys = Keys {
        trust,
        sp_trust,
        ..Keys::default()
    };
    Pipeline::new(Config::new(Context::new(at)).with_keys(Arc::new(keys)))
}

/// The signed assertion's text in `doc`.
fn signed_assertion(doc: &str) -> (usize, usize) {
    let start = doc.find("<saml:Assertion").expect("an assertion");
    let end = doc.find("</saml:Assertion>").expect("its end") + "</saml:Assertion>".len();
    (start, end)
}

/// An unsigned copy of the signed assertion that names `name`, with the ID `id`.
fn forged(doc: &str, name: &str, id: &str) -> String {
    let (start, end) = signed_assertion(doc);
    let mut a = doc[start..end].to_owned();
    if let (Some(s), Some(e)) = (a.find("<ds:Signature"), a.find("</ds:Signature>")) {
        a.replace_range(s..e + "</ds:Signature>".len(), "");
    }
    a = a.replacen(SIGNED_NAME, name, 1);
    if let Some(s) = a.find(" ID=\"") {
        let v = s + 5;
        let len = a[v..].find('"').unwrap_or(0);
        a.replace_range(v..v + len, id);
    }
    a
}

#[derive(Debug, Clone)]
enum Mutation {
    /// A forged assertion before or after the signed one.
    Beside {
        before: bool,
        name: String,
        same_id: bool,
    },
    /// The signed assertion moved into an Extensions element, a forged one in its place (XSW).
    Wrap { name: String, same_id: bool },
    /// A forged assertion inside the signed one's Advice (or the Response's Extensions).
    Nested { name: String },
    /// A comment inside the signed NameID's text.
    Comment { at: usize },
    /// One character of the signed NameID changed.
    EditName { at: usize },
    /// An attribute value of the signed assertion changed.
    EditAttribute,
    /// The signed assertion's signature copied into the Response.
    DuplicateSignature,
}

fn name() -> impl Strategy<Value = String> {
    "[a-z]{1,8}@(evil\\.test|example\\.com)"
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<bool>(), name(), any::<bool>()).prop_map(|(before, name, same_id)| {
            Mutation::Beside {
                before,
                name,
                same_id,
            }
        }),
        (name(), any::<bool>()).prop_map(|(name, same_id)| Mutation::Wrap { name, same_id }),
        name().prop_map(|name| Mutation::Nested { name }),
        (0..SIGNED_NAME.len()).prop_map(|at| Mutation::Comment { at }),
        (0..SIGNED_NAME.len()).prop_map(|at| Mutation::EditName { at }),
        Just(Mutation::EditAttribute),
        Just(Mutation::DuplicateSignature),
    ]
}

fn apply(doc: &str, m: &Mutation) -> String {
    let (start, end) = signed_assertion(doc);
    let mut out = doc.to_owned();
    let id = |same: bool| if same { "_a1" } else { "_forged" };
    match m {
        Mutation::Beside {
            before,
            name,
            same_id,
        } => {
            let f = forged(doc, name, id(*same_id));
            out.insert_str(if *before { start } else { end }, &f);
        }
        Mutation::Wrap { name, same_id } => {
            let f = forged(doc, name, id(*same_id));
            let signed = &doc[start..end];
            out.replace_range(
                start..end,
                &format!("{f}<samlp:Extensions>{signed}</samlp:Extensions>"),
            );
        }
        Mutation::Nested { name } => {
            let f = forged(doc, name, "_nested");
            match doc[start..end].find("<saml:Subject>") {
                Some(s) => out.insert_str(start + s, &format!("<saml:Advice>{f}</saml:Advice>")),
                None => out.insert_str(start, &format!("<samlp:Extensions>{f}</samlp:Extensions>")),
            }
        }
        Mutation::Comment { at } => {
            if let Some(n) = out.find(SIGNED_NAME) {
                out.insert_str(n + at, "<!---->");
            }
        }
        Mutation::EditName { at } => {
            if let Some(n) = out.find(SIGNED_NAME) {
                let c = if &SIGNED_NAME[*at..at + 1] == "x" {
                    "y"
                } else {
                    "x"
                };
                out.replace_range(n + at..n + at + 1, c);
            }
        }
        Mutation::EditAttribute => {
            if let Some(v) = out.find("<saml:AttributeValue")
                && let Some(gt) = out[v..].find('>')
            {
                out.insert_str(v + gt + 1, "forged-");
            }
        }
        Mutation::DuplicateSignature => {
            if let (Some(s), Some(e)) = (doc.find("<ds:Signature"), doc.find("</ds:Signature>")) {
                let sig = &doc[s..e + "</ds:Signature>".len()];
                if let Some(i) = out.find("</saml:Issuer>") {
                    out.insert_str(i + "</saml:Issuer>".len(), sig);
                }
            }
        }
    }
    out
}

/// The NameID and attribute values of the assertion the trace shows.
fn shown(t: &Trace) -> Option<(String, Vec<Vec<Option<String>>>)> {
    let msg = t.message.as_ref()?;
    let path = t.coverage.as_ref()?.shown.as_deref()?;
    let a = msg.assertions.iter().find(|a| a.path == path)?;
    let name = a.subject.as_ref()?.name_id.as_ref()?.value.clone();
    let values = a.attributes.iter().map(|x| x.values.clone()).collect();
    Some((name, values))
}

/// The promise for one document: shown as signed means shown as signed over.
fn holds(original: &str, doc: &str) -> Result<(), TestCaseError> {
    let p = pipeline();
    let expected = p
        .decode("original.xml", original.as_bytes())
        .first()
        .and_then(shown)
        .expect("the original shows its signed assertion");
    for t in p.decode("mutated.xml", doc.as_bytes()) {
        let signed = t.coverage.as_ref().and_then(|c| c.shown_signed) == Some(true);
        if signed {
            let got = shown(&t);
            prop_assert_eq!(got.as_ref(), Some(&expected), "shown as signed:\n{}", doc);
        }
        let accepted = t
            .gitlab_verdict
            .as_ref()
            .is_some_and(|v| v.outcome == samltrace::verdict::Outcome::Accepts);
        if accepted {
            let name = t
                .message
                .as_ref()
                .and_then(|m| m.name_id())
                .map(|n| n.value.clone());
            prop_assert_eq!(
                name.as_deref(),
                Some(expected.0.as_str()),
                "accepted:\n{}",
                doc
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn an_assertion_shown_signed_is_the_signed_one(ms in prop::collection::vec(mutation(), 1..4)) {
        let doc = ms.iter().fold(ASSERTION_SIGNED.to_owned(), |d, m| apply(&d, m));
        holds(ASSERTION_SIGNED, &doc)?;
    }

    #[test]
    fn a_response_shown_signed_is_the_signed_one(ms in prop::collection::vec(mutation(), 1..4)) {
        let doc = ms.iter().fold(RESPONSE_SIGNED.to_owned(), |d, m| apply(&d, m));
        holds(RESPONSE_SIGNED, &doc)?;
    }

    #[test]
    fn a_redirect_query_verifies_only_for_its_own_message(
        ops in prop::collection::vec((0usize..6, 0usize..4), 1..4)
    ) {
        let original = SIGNED_QUERY.trim();
        let mut params: Vec<String> = original.split('&').map(str::to_owned).collect();
        for (op, i) in ops {
            let i = i % params.len();
            match op {
                0 => { let p = params[i].clone(); params.push(p); }
                1 => { let j = (i + 1) % params.len(); params.swap(i, j) }
                2 => params.insert(i, "SAMLRequest=fZBNT8MwDIb%2FSpR7m7Y7gKK20oDJ%2BxRAQsHbNnHLVkz4Bp1pgQ%2FnvRN2KeZEhe%2FPj92K1R%2B80oPYvp8j".into()),
                3 => params.insert(i, "RelayState=%2Fother".into()),
                4 => params[i].push('A'),
                _ => { params.remove(i); if params.is_empty() { break; } }
            }
        }
        let query = params.join("&");
        let p = pipeline();
        let expected = p.decode("original.query", original.as_bytes())
            .first().and_then(|t| t.xml.clone()).expect("the original decodes");
        for t in p.decode("mutated.query", query.as_bytes()) {
            if t.redirect_signature.as_ref().and_then(|s| s.verified) == Some(true) {
                prop_assert_eq!(t.xml.as_deref(), Some(expected.as_str()), "{}", query);
                prop_assert!(query.matches("SAMLRequest=").count() == 1, "{}", query);
            }
        }
    }
}

/// The property is not vacuous: some mutations keep the signed assertion shown as signed, and
/// the classic wrapping ones are caught.
#[test]
fn the_mutations_reach_both_sides_of_the_promise() {
    let p = pipeline();
    let shown_signed = |doc: &str| {
        p.decode("x.xml", doc.as_bytes())
            .first()
            .and_then(|t| t.coverage.as_ref()?.shown_signed)
    };
    assert_eq!(shown_signed(ASSERTION_SIGNED), Some(true));
    let after = Mutation::Beside {
        before: false,
        name: "eve@evil.test".into(),
        same_id: false,
    };
    assert_eq!(shown_signed(&apply(ASSERTION_SIGNED, &after)), Some(true));
    let comment = Mutation::Comment { at: 5 };
    let doc = apply(ASSERTION_SIGNED, &comment);
    assert!(doc.contains("alice<!---->@example.com"));
    assert_eq!(shown_signed(&doc), Some(true));
    for m in [
        Mutation::Beside {
            before: true,
            name: "eve@evil.test".into(),
            same_id: true,
        },
        Mutation::Wrap {
            name: "eve@evil.test".into(),
            same_id: true,
        },
        Mutation::EditName { at: 0 },
    ] {
        assert_eq!(
            shown_signed(&apply(ASSERTION_SIGNED, &m)),
            Some(false),
            "{m:?}"
        );
    }
}
