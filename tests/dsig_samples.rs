//! Signature verification and decryption over the fixtures xmlsec1 made (`samples/dsig/`, see
//! its README): signed response / assertion / both with SHA-1 and SHA-256 verify; one changed
//! NameID character says "content changed"; golden canonical forms match byte for byte; the
//! wrong key, malformed signatures and hostile values give reasons, never a panic.

use std::path::Path;

use base64::Engine;
use samltrace::dsig::verify::{IdIndex, canonical_forms};
use samltrace::dsig::{CertInfo, Keys, Report, SignatureInfo, SpKey, Trust, check};
use samltrace::saml::Message;
use samltrace::xml::{Document, ns};

fn read(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(rel: &str) -> String {
    String::from_utf8(read(rel)).unwrap()
}

fn trust(cert: &str) -> Trust {
    let mut t = Trust::new();
    t.add_anchor(&read(cert), cert).unwrap();
    t
}

fn keys(cert: Option<&str>, sp_key: Option<&str>) -> Keys {
    Keys {
        trust: cert.map(trust).unwrap_or_default(),
        sp_key: sp_key.map(|k| SpKey::from_bytes(&read(k), k).unwrap()),
        ..Keys::default()
    }
}

fn report_of(xml: &str, keys: &Keys) -> Report {
    let doc = Document::parse(xml.to_owned()).unwrap();
    let msg = Message::from_document(&doc).unwrap();
    check(&doc, &msg, keys)
}

fn report(file: &str, keys: &Keys) -> Report {
    report_of(&text(file), keys)
}

const IDP: &str = "keys/idp.crt";
const SP_KEY: &str = "dsig/keys/sp.key";
const SIGNED: [&str; 6] = [
    "response-sha256",
    "assertion-sha256",
    "both-sha256",
    "response-sha1",
    "assertion-sha1",
    "both-sha1",
];

fn statuses(r: &Report) -> Vec<&str> {
    r.signatures
        .iter()
        .map(|s| s.status.as_deref().unwrap_or("-"))
        .collect()
}

#[test]
fn xmlsec1_signed_fixtures_verify() {
    let k = keys(Some(IDP), None);
    for name in SIGNED.iter().chain(&[
        "response-c14n10",
        "response-c14n11",
        "assertion-prefixlist",
        "response-sha384",
        "response-sha512",
    ]) {
        let r = report(&format!("dsig/{name}.xml"), &k);
        let expected = if name.starts_with("both") { 2 } else { 1 };
        assert_eq!(r.signatures.len(), expected, "{name}");
        for s in &r.signatures {
            assert_eq!(s.verified, Some(true), "{name}: {:?}", s.reason);
            assert!(
                s.key.as_deref().unwrap_or("").contains("idp.example.com"),
                "{name}"
            );
            assert_eq!(s.keyinfo_certificate_trusted, Some(true), "{name}");
            assert_eq!(
                s.weak.is_empty(),
                !name.ends_with("sha1"),
                "{name}: {:?}",
                s.weak
            );
        }
        assert!(r.coverage.wrapping.is_empty(), "{name}: {:?}", r.coverage);
        assert_eq!(r.coverage.shown_signed, Some(true), "{name}");
    }
}

#[test]
fn ecdsa_p384_fixture_verifies_with_its_certificate_only() {
    let r = report(
        "dsig/response-ecdsa-p384.xml",
        &keys(Some("dsig/keys/idp-ec.crt"), None),
    );
    assert_eq!(statuses(&r), ["verified"]);
    let r = report("dsig/response-ecdsa-p384.xml", &keys(Some(IDP), None));
    assert_eq!(statuses(&r), ["wrong_key"]);
    assert!(r.signatures[0].reason.as_deref().unwrap().contains("EC"));
}

#[test]
fn one_changed_nameid_character_says_content_changed() {
    for name in SIGNED {
        for k in [keys(Some(IDP), None), keys(None, None)] {
            let r = report(&format!("dsig/{name}-tampered.xml"), &k);
            assert!(!r.signatures.is_empty());
            for s in &r.signatures {
                assert_eq!(s.status.as_deref(), Some("content_changed"), "{name}");
                assert_eq!(s.digest_valid, Some(false), "{name}");
                let reason = s.reason.as_deref().unwrap();
                assert!(
                    reason.starts_with("digest mismatch: the content changed after signing"),
                    "{name}: {reason}"
                );
                assert_ne!(s.verified, Some(true));
            }
        }
    }
}

#[test]
fn the_wrong_certificate_says_wrong_certificate() {
    let r = report(
        "dsig/response-sha256.xml",
        &keys(Some("dsig/keys/sp.crt"), None),
    );
    let s = &r.signatures[0];
    assert_eq!(s.verified, Some(false));
    assert_eq!(
        s.reason.as_deref(),
        Some("signature value does not verify with this key: wrong certificate")
    );
    assert_eq!(s.keyinfo_certificate_trusted, Some(false));
    assert_eq!(s.digest_valid, Some(true));
    // Nothing vouches, so nothing is called wrapping: that is SG003's story.
    assert!(r.coverage.wrapping.is_empty());
}

#[test]
fn without_anchor_digests_are_checked_but_nothing_is_verified() {
    let r = report("dsig/both-sha256.xml", &keys(None, None));
    assert!(!r.anchored);
    for s in &r.signatures {
        assert_eq!(s.verified, None);
        assert_eq!(s.status.as_deref(), Some("digest_ok"));
        assert!(s.reason.as_deref().unwrap().contains("no trust anchor"));
    }
}

fn idp_fingerprints() -> (String, String) {
    let pem = text(IDP);
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let info = CertInfo::from_der(&der).unwrap();
    (info.sha1, info.sha256)
}

#[test]
fn a_fingerprint_trusts_the_matching_keyinfo_certificate_only() {
    let (sha1, sha256) = idp_fingerprints();
    for fp in [
        sha1.clone(),
        sha256.to_lowercase().replace(':', ""),
        sha1.replace(':', " "),
    ] {
        let mut k = keys(None, None);
        k.trust.add_fingerprint(&fp).unwrap();
        let r = report("dsig/response-sha256.xml", &k);
        assert_eq!(statuses(&r), ["verified"], "{fp}");
        assert!(
            r.signatures[0]
                .key
                .as_deref()
                .unwrap()
                .contains("--fingerprint")
        );
    }
    let mut k = keys(None, None);
    k.trust.add_fingerprint(&"ab".repeat(20)).unwrap();
    let r = report("dsig/response-sha256.xml", &k);
    let s = &r.signatures[0];
    assert_eq!(s.status.as_deref(), Some("no_key"));
    assert_eq!(s.keyinfo_certificate_trusted, Some(false));
    assert!(
        s.reason.as_deref().unwrap().contains("does not match"),
        "{:?}",
        s.reason
    );
}

#[test]
fn golden_canonical_forms_match_xmlsec1_byte_for_byte() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/dsig/golden");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        let Some(name) = file.strip_suffix(".ref.c14n") else {
            continue;
        };
        let doc = Document::parse(text(&format!("dsig/{name}.xml"))).unwrap();
        let ids = IdIndex::new(&doc);
        let sig = doc.elements().find(|e| e.is(ns::DS, "Signature")).unwrap();
        let forms = canonical_forms(sig, &ids).unwrap();
        let want_ref = text(&format!("dsig/golden/{name}.ref.c14n"));
        let want_si = text(&format!("dsig/golden/{name}.signedinfo.c14n"));
        assert_eq!(forms.reference, want_ref, "{name}: reference");
        assert_eq!(forms.signed_info, want_si, "{name}: SignedInfo");
        checked += 1;
    }
    assert!(checked >= 11, "only {checked} golden files");
}

#[test]
fn encrypted_fixtures_decrypt_and_their_inner_signature_verifies() {
    for name in [
        "encrypted-aes256cbc-oaep",
        "encrypted-aes128gcm-oaep",
        "encrypted-3des-rsa15",
        "encrypted-nameid",
    ] {
        let r = report(&format!("dsig/{name}.xml"), &keys(Some(IDP), Some(SP_KEY)));
        assert!(!r.decryption.is_empty(), "{name}");
        for d in &r.decryption {
            assert!(d.decrypted, "{name}: {:?}", d.error);
        }
        let n = r.message.name_id().unwrap();
        assert_eq!(n.value, "alice@example.com", "{name}");
        assert!(!r.signatures.is_empty(), "{name}");
        for s in &r.signatures {
            assert_eq!(s.verified, Some(true), "{name} {}: {:?}", s.path, s.reason);
        }
        assert_eq!(r.coverage.shown_signed, Some(true), "{name}");
        assert!(r.coverage.wrapping.is_empty(), "{name}: {:?}", r.coverage);
    }
    let r = report(
        "dsig/encrypted-aes256cbc-oaep.xml",
        &keys(Some(IDP), Some(SP_KEY)),
    );
    let inner: Vec<&SignatureInfo> = r.signatures.iter().filter(|s| s.decrypted).collect();
    assert_eq!(inner.len(), 1);
    assert_eq!(inner[0].path, "/Response/EncryptedAssertion/Assertion");
    assert_eq!(
        r.message.assertions[0].path,
        "/Response/EncryptedAssertion/Assertion"
    );
    assert!(!r.message.assertions[0].encrypted);
}

#[test]
fn the_wrong_sp_key_says_wrong_key() {
    let idp_key = "keys/idp.key";
    for name in [
        "encrypted-aes256cbc-oaep",
        "encrypted-3des-rsa15",
        "encrypted-aes128gcm-oaep",
    ] {
        let r = report(&format!("dsig/{name}.xml"), &keys(None, Some(idp_key)));
        let d = &r.decryption[0];
        assert!(!d.decrypted, "{name}");
        let e = d.error.as_deref().unwrap();
        assert!(e.contains("wrong key"), "{name}: {e}");
        assert!(r.message.assertions[0].encrypted, "{name}");
    }
}

#[test]
fn xmlenc11_oaep_with_sha256_digest_and_mgf_decrypts() {
    use rsa::pkcs8::DecodePrivateKey;
    let xml = text("dsig/encrypted-aes256cbc-oaep.xml");
    let doc = Document::parse(xml.clone()).unwrap();
    let ek = doc
        .elements()
        .find(|e| e.is(ns::XENC, "EncryptedKey"))
        .unwrap();
    let cv = ek
        .descendants()
        .find(|e| e.is(ns::XENC, "CipherValue"))
        .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let wrapped = b64
        .decode(cv.text().split_whitespace().collect::<String>())
        .unwrap();
    let pem = text(SP_KEY);
    let sp = rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap();
    let aes_key = sp
        .decrypt(rsa::Oaep::<sha1::Sha1>::new(), &wrapped)
        .unwrap();
    let rewrapped = sp
        .to_public_key()
        .oaep_encrypt::<sha2::Sha256>(&aes_key)
        .unwrap();
    let method_start = ek.source().find("<xenc:EncryptionMethod").unwrap();
    let method_end = ek.source().find("<xenc:CipherData>").unwrap();
    let old_method = &ek.source()[method_start..method_end];
    let new_method = "<xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#rsa-oaep\">\
        <ds:DigestMethod xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\
        <xenc11:MGF xmlns:xenc11=\"http://www.w3.org/2009/xmlenc11#\" Algorithm=\"http://www.w3.org/2009/xmlenc11#mgf1sha256\"/>\
        </xenc:EncryptionMethod>";
    let new_xml = xml
        .replace(old_method, new_method)
        .replace(cv.text().as_ref(), &b64.encode(rewrapped));
    let r = report_of(&new_xml, &keys(Some(IDP), Some(SP_KEY)));
    assert!(r.decryption[0].decrypted, "{:?}", r.decryption[0].error);
    assert_eq!(r.decryption[0].key_transport.as_deref(), Some("rsa-oaep"));
    assert_eq!(r.message.name_id().unwrap().value, "alice@example.com");
}

#[test]
fn rsa_pss_signatures_verify() {
    use rsa::pkcs8::DecodePrivateKey;
    let xml = text("dsig/response-sha256.xml").replace(
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
    );
    let doc = Document::parse(xml.clone()).unwrap();
    let sig = doc.elements().find(|e| e.is(ns::DS, "Signature")).unwrap();
    let forms = canonical_forms(sig, &IdIndex::new(&doc)).unwrap();
    let key = rsa::PrivateKey::from_pkcs8_pem(&text("keys/idp.key")).unwrap();
    let value = key
        .pss_sign::<sha2::Sha256>(forms.signed_info.as_bytes())
        .unwrap();
    let old = sig
        .child(ns::DS, "SignatureValue")
        .unwrap()
        .text()
        .into_owned();
    let b64 = base64::engine::general_purpose::STANDARD.encode(value);
    let r = report_of(&xml.replace(&old, &b64), &keys(Some(IDP), None));
    assert_eq!(statuses(&r), ["verified"]);
    assert_eq!(r.signatures[0].algorithm.as_deref(), Some("rsa-pss-sha256"));
}

#[test]
fn redirect_query_signature_verifies_over_the_raw_query() {
    let query = text("dsig/redirect-signed.query");
    let traces = samltrace::pipeline::Pipeline::judging_at("2026-11-02T09:00:00Z".parse().unwrap())
        .decode("redirect-signed.query", query.trim().as_bytes());
    let o = &traces[0].origin;
    let (signed, alg, sig) = (
        o.signed_query.as_deref().unwrap(),
        o.sig_alg.as_deref().unwrap(),
        o.signature.as_deref().unwrap(),
    );
    let verify =
        |t: &Trust, q: &str| samltrace::dsig::verify_redirect(q, alg, sig, t, "AuthnRequest");
    let ok = verify(&trust(IDP), signed);
    assert_eq!(ok.verified, Some(true), "{:?}", ok.reason);
    let wrong = verify(&trust("dsig/keys/sp.crt"), signed);
    assert_eq!(wrong.status.as_deref(), Some("wrong_key"));
    let changed = verify(&trust(IDP), &signed.replace("acme", "acne"));
    assert_eq!(changed.verified, Some(false));
    let none = verify(&Trust::new(), signed);
    assert_eq!(none.verified, None);
    assert_eq!(none.status.as_deref(), Some("not_checked"));
}

/// The signed response with one part replaced: every variant must give a reason, not a panic.
fn mutate(from: &str, to: &str) -> Report {
    let xml = text("dsig/response-sha256.xml");
    assert!(xml.contains(from), "{from}");
    report_of(&xml.replacen(from, to, 1), &keys(Some(IDP), None))
}

fn signature_value() -> String {
    let xml = text("dsig/response-sha256.xml");
    let a = xml.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
    let b = xml.find("</ds:SignatureValue>").unwrap();
    xml[a..b].to_owned()
}

#[test]
fn malformed_signatures_give_reasons_not_panics() {
    let sv = signature_value();
    let cases: Vec<(Report, &str, &str)> = vec![
        (
            mutate(&sv, &"QUFB".repeat(300_000)),
            "malformed",
            "characters long",
        ),
        (
            mutate(&sv, "!!not base64!!"),
            "malformed",
            "not valid base64",
        ),
        (mutate(&sv, ""), "malformed", "empty"),
        (mutate(&sv, "AAAA"), "wrong_key", "wrong certificate"),
        (mutate("#rsa-sha256\"", "#hmac-sha256\""), "refused", "HMAC"),
        (
            mutate("xmldsig-more#rsa-sha256", "xmldsig-more#rsa-md5"),
            "unsupported",
            "unsupported algorithm",
        ),
        (
            mutate(
                "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
                "http://www.w3.org/TR/1999/REC-xpath-19991116",
            ),
            "refused",
            "XPath",
        ),
        // URI="" is the whole document (the same Response here), so the digest still matches;
        // the edit changed SignedInfo, so the value does not (samples/verdict has a real one).
        (
            mutate("URI=\"#_r1\"", "URI=\"\""),
            "wrong_key",
            "wrong certificate",
        ),
        (
            mutate("URI=\"#_r1\"", "URI=\"#xpointer(/)\""),
            "refused",
            "by ID",
        ),
        (
            mutate("URI=\"#_r1\"", "URI=\"#nowhere\""),
            "malformed",
            "matches no element",
        ),
        (
            mutate("<ds:SignedInfo>", "<ds:Object/><ds:SignedInfo>"),
            "verified",
            "",
        ),
        (
            mutate(
                "</ds:Reference>",
                "</ds:Reference><ds:Reference URI=\"#_a1\"/>",
            ),
            "wrong_key",
            "wrong certificate",
        ),
        (
            mutate("<ds:DigestValue>", "<ds:DigestValue>A"),
            "malformed",
            "DigestValue",
        ),
    ];
    for (i, (r, status, words)) in cases.iter().enumerate() {
        let s = &r.signatures[0];
        assert_eq!(
            s.status.as_deref(),
            Some(*status),
            "case {i}: {:?}",
            s.reason
        );
        assert!(
            s.reason.as_deref().unwrap_or("").contains(words),
            "case {i}: {:?}",
            s.reason
        );
    }
}

#[test]
fn hostile_structure_is_refused_with_reasons() {
    // The signature's ID duplicated on a second element.
    let r = mutate(
        "<samlp:Status>",
        "<samlp:Extensions><saml:Assertion ID=\"_r1\"/></samlp:Extensions><samlp:Status>",
    );
    assert_eq!(r.signatures[0].status.as_deref(), Some("refused"));
    assert!(
        r.coverage
            .wrapping
            .iter()
            .any(|w| w.contains("carried by 2"))
    );
    // An unparsable certificate in KeyInfo with fingerprint-only trust.
    let xml = text("dsig/response-sha256.xml");
    let a = xml.find("<ds:X509Certificate>").unwrap() + "<ds:X509Certificate>".len();
    let b = xml.find("</ds:X509Certificate>").unwrap();
    let broken = format!("{}AAAA{}", &xml[..a], &xml[b..]);
    let mut k = keys(None, None);
    k.trust.add_fingerprint(&idp_fingerprints().0).unwrap();
    let r = report_of(&broken, &k);
    assert_eq!(r.signatures[0].status.as_deref(), Some("no_key"));
    assert!(r.signatures[0].certificate_error.is_some());
    // Many signatures: bounded work, the rest refused.
    let sig_start = xml.find("<ds:Signature").unwrap();
    let sig_end = xml.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let many = xml[sig_start..sig_end].repeat(40);
    let crowded = format!("{}{many}{}", &xml[..sig_start], &xml[sig_end..]);
    let r = report_of(&crowded, &keys(Some(IDP), None));
    assert_eq!(r.signatures.len(), 40);
    assert!(
        r.signatures[39]
            .reason
            .as_deref()
            .unwrap()
            .contains("more than 32")
    );
}

#[test]
fn an_assertion_moved_into_extensions_is_wrapping() {
    // The signed assertion moved under Extensions, an unsigned copy put in its place.
    let xml = text("dsig/assertion-sha256.xml");
    let a = xml.find("<saml:Assertion").unwrap();
    let b = xml.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    let signed = &xml[a..b];
    let sig_start = signed.find("<ds:Signature").unwrap();
    let sig_end = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let evil = format!("{}{}", &signed[..sig_start], &signed[sig_end..])
        .replace("ID=\"_a1\"", "ID=\"_evil\"")
        .replace(
            "alice@example.com</saml:NameID>",
            "mallory@example.com</saml:NameID>",
        );
    let moved = format!(
        "{}<samlp:Extensions>{signed}</samlp:Extensions>{evil}{}",
        &xml[..a],
        &xml[b..]
    );
    let r = report_of(&moved, &keys(Some(IDP), None));
    assert_eq!(r.message.name_id().unwrap().value, "mallory@example.com");
    assert_eq!(r.signatures[0].verified, Some(true));
    assert_eq!(r.coverage.shown_signed, Some(false));
    assert!(
        r.coverage
            .wrapping
            .iter()
            .any(|w| w.contains("NameID shown")),
        "{:?}",
        r.coverage.wrapping
    );
}

#[test]
fn diagnoses_name_the_codes_the_checks_will_raise() {
    use samltrace::dsig::diagnose;
    let at: jiff::Timestamp = "2026-11-02T09:00:00Z".parse().unwrap();
    let codes = |r: &Report| -> Vec<&'static str> {
        diagnose::all(&r.signatures, Some(&r.coverage), &r.decryption, at)
            .iter()
            .map(|d| d.code)
            .collect()
    };
    let good = report("dsig/both-sha256.xml", &keys(Some(IDP), None));
    assert!(codes(&good).is_empty(), "{:?}", codes(&good));
    let tampered = report("dsig/response-sha256-tampered.xml", &keys(Some(IDP), None));
    let d = diagnose::sg003(&tampered.signatures);
    assert!(d[0].detail.contains("content changed"), "{}", d[0].detail);
    assert!(d[0].fix.contains("capture it again"), "{}", d[0].fix);
    let wrong = report(
        "dsig/response-sha256.xml",
        &keys(Some("dsig/keys/sp.crt"), None),
    );
    assert_eq!(codes(&wrong), ["SG003", "SG004"]);
    let later: jiff::Timestamp = "2040-01-01T00:00:00Z".parse().unwrap();
    let expired = diagnose::sg006(&good.signatures, later);
    assert_eq!(
        expired.len(),
        1,
        "one certificate, however many signatures use it"
    );
    assert!(expired[0].detail.contains("expired"));
    let undecrypted = report(
        "dsig/encrypted-3des-rsa15.xml",
        &keys(None, Some("keys/idp.key")),
    );
    assert_eq!(codes(&undecrypted), ["EN002"]);
}

#[test]
fn many_encrypted_assertions_and_extra_assertions_are_bounded() {
    let xml = text("dsig/encrypted-3des-rsa15.xml");
    let a = xml.find("<saml:EncryptedAssertion").unwrap();
    let b = xml.find("</saml:EncryptedAssertion>").unwrap() + "</saml:EncryptedAssertion>".len();
    // An unknown cipher fails before any RSA work, and still spends the budget.
    let many = xml[a..b]
        .replace("#tripledes-cbc", "#tripledes-cbc-unknown")
        .repeat(200);
    let crowded = format!("{}{many}{}", &xml[..a], &xml[b..]);
    let r = report_of(&crowded, &keys(Some(IDP), Some(SP_KEY)));
    assert_eq!(r.decryption.len(), 17);
    assert!(
        r.decryption[0]
            .error
            .as_deref()
            .unwrap()
            .contains("unsupported algorithm")
    );
    assert!(
        r.decryption[16]
            .error
            .as_deref()
            .unwrap()
            .contains("more than 16")
    );

    let xml = text("dsig/assertion-sha256.xml");
    let a = xml.find("<saml:Assertion").unwrap();
    let b = xml.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    let crowded = format!("{}{}{}", &xml[..a], xml[a..b].repeat(50), &xml[b..]);
    let r = report_of(&crowded, &keys(Some(IDP), None));
    let listed = r
        .coverage
        .wrapping
        .iter()
        .filter(|w| w.starts_with("another"))
        .count();
    assert_eq!(listed, 8, "{:?}", r.coverage.wrapping);
    assert!(
        r.coverage
            .wrapping
            .iter()
            .any(|w| w == "and 41 more assertions")
    );
}

#[test]
fn a_bare_public_key_anchor_trusts_a_certificate_with_that_key() {
    let r = report(
        "dsig/response-sha256.xml",
        &keys(Some("dsig/keys/idp-public.pem"), None),
    );
    let s = &r.signatures[0];
    assert_eq!(s.verified, Some(true));
    assert_eq!(s.keyinfo_certificate_trusted, Some(true));
    assert!(
        s.key
            .as_deref()
            .unwrap()
            .contains("public key from dsig/keys/idp-public.pem")
    );
}
