//! Hostile input: each is refused with one clear line and exit 2, never a panic or a hang.
//! (Time and memory are measured with `bench/hostile.sh`, not here.)

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{samltrace, stderr};

fn refuse(input: &[u8], expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile");
    std::fs::write(&path, input).unwrap();
    let out = samltrace().arg(&path).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line expected: {err}");
    assert!(err.contains(expect), "expected {expect:?} in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A raw DEFLATE stream inflating to `size` bytes of `<`, made in milliseconds: one 1 MiB chunk is
/// compressed with a full flush (which ends on a byte boundary and resets the history, so the
/// block stands alone), repeated, and closed with a final empty block.
fn deflate_bomb(size: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let chunk = vec![b'<'; 1 << 20];
    let mut c = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(1 << 16);
    c.compress_vec(&chunk, &mut block, FlushCompress::Full)
        .unwrap();
    let mut end = Vec::with_capacity(64);
    c.compress_vec(&[], &mut end, FlushCompress::Finish)
        .unwrap();
    let mut out = block.repeat(size / chunk.len());
    out.extend(end);
    out
}

#[test]
fn the_bomb_is_what_it_claims() {
    use std::io::Read;
    let bomb = deflate_bomb(64 << 20);
    let n = std::io::copy(
        &mut flate2::read::DeflateDecoder::new(&bomb[..]),
        &mut std::io::sink(),
    )
    .unwrap();
    assert_eq!(n, 64 << 20);
    let mut first = [0u8; 4];
    flate2::read::DeflateDecoder::new(&bomb[..])
        .read_exact(&mut first)
        .unwrap();
    assert_eq!(&first, b"<<<<");
}

#[test]
fn one_gib_deflate_bomb() {
    let bomb = deflate_bomb(1 << 30);
    assert!(bomb.len() < 2 << 20, "the bomb is {} bytes", bomb.len());
    refuse(
        STANDARD.encode(&bomb).as_bytes(),
        "inflate (after base64 ok): inflated data exceeds 8 MiB",
    );
    refuse(&bomb, "inflated data exceeds 8 MiB");
}

#[test]
fn thirty_megabytes_of_garbage() {
    let garbage: Vec<u8> = (0..30_000_000u32)
        .map(|i| b"qwerty!@#$ zxcv\n"[(i % 16) as usize])
        .collect();
    refuse(&garbage, "base64: invalid character '!' at byte 6");
}

#[test]
fn two_hundred_thousand_nested_elements() {
    let xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">".to_string()
        + &"<a>".repeat(200_000)
        + &"</a>".repeat(200_000)
        + "</samlp:Response>";
    refuse(
        xml.as_bytes(),
        "XML: elements nested deeper than 128 levels at line 1, column 449",
    );
    refuse(
        STANDARD.encode(&xml).as_bytes(),
        "XML (after base64 ok): elements nested deeper",
    );
}

#[test]
fn billion_laughs() {
    let lol = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]>\n<lolz>&lol2;</lolz>";
    refuse(lol.as_bytes(), "XML: DOCTYPE is refused");
}

#[test]
fn external_entities_and_parameter_entities() {
    let xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
    refuse(xxe.as_bytes(), "XML: DOCTYPE is refused");
    let param = "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/x.dtd\"> %p;]><r/>";
    refuse(param.as_bytes(), "XML: DOCTYPE is refused");
    let undeclared =
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">&x;</samlp:Response>";
    refuse(
        undeclared.as_bytes(),
        "XML: entity reference &x; is not allowed",
    );
}

#[test]
fn invalid_utf8_and_unbound_prefixes_name_line_and_column() {
    refuse(b"<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n\xff</samlp:Response>", "input: not UTF-8 text");
    let unbound = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n  <saml:Issuer>x</saml:Issuer></samlp:Response>";
    refuse(
        unbound.as_bytes(),
        "XML: namespace prefix \"saml\" is not declared at line 2, column 3",
    );
    let b64 = STANDARD.encode(b"<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n\xff</samlp:Response>");
    refuse(
        b64.as_bytes(),
        "XML (after base64 ok): invalid UTF-8: expected UTF-8 text at line 2, column 1",
    );
}

#[test]
fn terminal_escapes_in_values_are_neutralised() {
    // XML forbids C0 controls, so an ESC or BEL is refused where it stands, and never echoed.
    let xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_1\">\n<saml:Issuer>\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J</saml:Issuer></samlp:Response>";
    let out = samltrace().arg(xml).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err}");
    assert!(
        err.contains("character U+001B is not allowed in XML") && err.contains("line 2, column 14"),
        "{err}"
    );
    // C1 controls (U+009B is CSI to some terminals) and invisible characters are XML text: shown
    // as code points.
    let xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_1\"><saml:Issuer>\u{9b}2J\u{9d}52;c;ZXZpbA==</saml:Issuer><saml:Assertion ID=\"_2\"><saml:Subject><saml:NameID>bob\u{200b}@example.com</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>";
    let out = samltrace().arg(xml).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{9b}') && !text.contains('\u{9d}'),
        "{text}"
    );
    assert!(text.contains("<U+009B>2J<U+009D>52;c;ZXZpbA=="), "{text}");
    assert!(text.contains("bob<U+200B>@example.com"), "{text}");
}
