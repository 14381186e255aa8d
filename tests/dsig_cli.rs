//! `--idp-cert`, `--idp-metadata`, `--fingerprint` and `--sp-key` on the decode command, run as a
//! user runs the binary.

mod common;

use common::{json, run, stderr, stdout};
use serde_json::Value;

const SIGNED: &str = "samples/dsig/response-sha256.xml";
const IDP: &str = "samples/keys/idp.crt";
/// The samples' time: the checks judge them then, so only signature findings can appear.
const AT: &str = "--at=2026-11-02T09:00:00Z";

/// The dsig samples' assertions carry no AuthnStatement, so GitLab refuses them (AS002) and
/// the exit code is 1 whatever their signatures: these tests only need the command to have run.
fn ran(out: &std::process::Output) -> bool {
    out.status.code() != Some(2)
}

#[test]
fn idp_cert_verifies_and_the_report_says_so() {
    let out = run(&[SIGNED, "--idp-cert", IDP, AT]);
    assert!(ran(&out), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("verified"), "{text}");
    assert!(text.contains("Key"), "{text}");
    let (v, _) = json(&[SIGNED, "--idp-cert", IDP]);
    let s = &v["traces"][0]["signatures"][0];
    assert_eq!(s["verified"], true);
    assert_eq!(s["status"], "verified");
    assert_eq!(s["covers"], "/Response");
    assert_eq!(v["traces"][0]["coverage"]["shown_signed"], true);
}

#[test]
fn a_tampered_nameid_says_content_changed() {
    let file = "samples/dsig/assertion-sha256-tampered.xml";
    let out = run(&[file, "--idp-cert", IDP]);
    let text = stdout(&out);
    assert!(
        text.contains("digest mismatch: the content changed after signing"),
        "{text}"
    );
    assert!(text.contains("does NOT verify"), "{text}");
    let (v, _) = json(&[file, "--idp-cert", IDP]);
    assert_eq!(v["traces"][0]["signatures"][0]["verified"], false);
}

#[test]
fn the_wrong_certificate_says_wrong_certificate() {
    let out = run(&[SIGNED, "--idp-cert", "samples/dsig/keys/sp.crt"]);
    assert!(
        stdout(&out).contains("does not verify with this key: wrong certificate"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn metadata_and_fingerprint_are_trust_anchors_too() {
    let pem = std::fs::read_to_string(IDP).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let md = format!(
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" \
         xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"https://other.example.com/\">\
         <md:IDPSSODescriptor><md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data>\
         <ds:X509Certificate>{b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\
         </md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor>"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idp-metadata.xml");
    std::fs::write(&path, md).unwrap();
    let (v, out) = json(&[SIGNED, "--idp-metadata", path.to_str().unwrap(), AT]);
    assert!(ran(&out), "{}", stderr(&out));
    let t = &v["traces"][0];
    assert_eq!(t["signatures"][0]["verified"], true);
    let notes = t["message"]["notes"].to_string();
    assert!(notes.contains("differs from the entityID"), "{notes}");

    let (v, _) = json(&[SIGNED, "--idp-cert", path.to_str().unwrap()]);
    assert_eq!(v["traces"][0]["signatures"][0]["verified"], true);

    let (v, _) = json(&[SIGNED, "--fingerprint", &"00".repeat(32), AT]);
    let s = &v["traces"][0]["signatures"][0];
    assert_eq!(s["verified"], false);
    assert_eq!(s["keyinfo_certificate_trusted"], false);
    let findings = v["traces"][0]["findings"].to_string();
    assert!(findings.contains("SG004"), "{findings}");
    assert!(
        !findings.contains("SG003"),
        "one cause, one finding: {findings}"
    );
}

#[test]
fn sp_key_decrypts_and_the_inner_signature_is_checked() {
    let file = "samples/dsig/encrypted-aes256cbc-oaep.xml";
    let args = [
        file,
        "--sp-key",
        "samples/dsig/keys/sp.key",
        "--idp-cert",
        IDP,
        AT,
    ];
    let out = run(&args);
    assert!(ran(&out), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("alice@example.com"), "{text}");
    assert!(text.contains("Assertion (decrypted)"), "{text}");
    assert!(text.contains("Encrypted parts"), "{text}");
    let (v, _) = json(&args);
    let t = &v["traces"][0];
    assert_eq!(t["decryption"][0]["decrypted"], true);
    assert_eq!(t["decryption"][0]["content"], "aes256-cbc");
    assert_eq!(
        t["message"]["assertions"][0]["subject"]["name_id"]["value"],
        "alice@example.com"
    );
    assert_eq!(t["signatures"][0]["decrypted"], true);

    let (v, _) = json(&[file, "--sp-key", "samples/keys/idp.key"]);
    let e = v["traces"][0]["decryption"][0]["error"].as_str().unwrap();
    assert!(e.contains("wrong key"), "{e}");
}

#[test]
fn wrapping_is_said_plainly_in_the_text_report() {
    let xml = std::fs::read_to_string("samples/dsig/assertion-sha256.xml").unwrap();
    let a = xml.find("<saml:Assertion").unwrap();
    let b = xml.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    let signed = &xml[a..b];
    let s0 = signed.find("<ds:Signature").unwrap();
    let s1 = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let evil = format!("{}{}", &signed[..s0], &signed[s1..])
        .replace("ID=\"_a1\"", "ID=\"_evil\"")
        .replace(
            ">alice@example.com</saml:NameID>",
            ">mallory@example.com</saml:NameID>",
        );
    let wrapped = format!(
        "{}{evil}<samlp:Extensions>{signed}</samlp:Extensions>{}",
        &xml[..a],
        &xml[b..]
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wrapped.xml");
    std::fs::write(&path, wrapped).unwrap();
    let text = stdout(&run(&[path.to_str().unwrap(), "--idp-cert", IDP]));
    assert!(text.contains("Signature wrapping (SG005)"), "{text}");
    assert!(
        text.contains("Signed           /Response/Extensions/Assertion"),
        "{text}"
    );
    assert!(
        text.contains("NameID from      /Response/Assertion (not covered by a valid signature)"),
        "{text}"
    );
}

#[test]
fn bad_key_files_stop_with_one_line_and_exit_2() {
    for (flag, file, words) in [
        (
            "--idp-cert",
            "samples/not-base64.txt",
            "expected a PEM or DER certificate",
        ),
        (
            "--idp-cert",
            "samples/nope.pem",
            "--idp-cert samples/nope.pem",
        ),
        ("--idp-metadata", "samples/google.xml", "not SAML metadata"),
        ("--sp-key", IDP, "no PRIVATE KEY"),
        (
            "--fingerprint",
            "12:34",
            "--fingerprint: the fingerprint has 4 hex digits",
        ),
    ] {
        let out = run(&[SIGNED, flag, file]);
        assert_eq!(out.status.code(), Some(2), "{flag} {file}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(words), "{flag} {file}: {err}");
    }
}

/// The sample AuthnRequest's query is signed with the key of `samples/keys/idp.crt`, standing in
/// for GitLab's SP key: an AuthnRequest is GitLab's, so only `--sp-cert` verifies it.
#[test]
fn redirect_query_signature_is_verified() {
    let file = "samples/dsig/redirect-signed.query";
    let (v, out) = json(&[file, "--sp-cert", IDP, AT]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = &v["traces"][0]["redirect_signature"];
    assert_eq!(r["verified"], true, "{r}");
    assert_eq!(r["algorithm"], "rsa-sha256");
    assert_eq!(r["signer"], "sp");
    let (v, _) = json(&[file, "--sp-cert", "samples/dsig/keys/sp.crt"]);
    assert_eq!(v["traces"][0]["redirect_signature"]["verified"], false);
    let (v, out) = json(&[file, "--idp-cert", "samples/dsig/keys/sp.crt", AT]);
    assert!(
        out.status.success(),
        "never judged against the IdP's certificate"
    );
    assert_eq!(
        v["traces"][0]["redirect_signature"]["verified"],
        Value::Null
    );
    assert_eq!(v["traces"][0]["findings"], serde_json::json!([]));
}

#[test]
fn signature_findings_make_the_exit_code_1() {
    let tampered = "samples/dsig/assertion-sha256-tampered.xml";
    let (v, out) = json(&[tampered, "--idp-cert", IDP, AT]);
    assert_eq!(out.status.code(), Some(1));
    let codes: Vec<&str> = v["traces"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"SG003"), "{codes:?}");
    let file = "samples/dsig/encrypted-3des-rsa15.xml";
    let (v, out) = json(&[file, "--sp-key", "samples/keys/idp.key", AT]);
    assert_eq!(out.status.code(), Some(1));
    let findings = v["traces"][0]["findings"].to_string();
    assert!(findings.contains("EN002"), "{findings}");
    assert!(!findings.contains("EN001"), "{findings}");
}

#[test]
fn compare_takes_the_key_flags_too() {
    let (v, out) = json(&[
        "compare",
        "--scim",
        "samples/identities.csv",
        "samples/compare-match.xml",
        "--idp-cert",
        "samples/dsig/keys/sp.crt",
        AT,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let t = &v["traces"][0];
    assert_eq!(t["signatures"][0]["status"], "wrong_key");
    assert!(t["findings"].to_string().contains("SG003"));
}
