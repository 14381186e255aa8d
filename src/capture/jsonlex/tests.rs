use super::*;

/// A reader that hands out at most `step` bytes per call, to cross every buffer boundary.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn lexer(json: &str) -> Lexer<&[u8]> {
    Lexer::new(json.as_bytes())
}

fn kept(t: Text) -> String {
    match t {
        Text::Kept(s) => s,
        other => panic!("expected a kept string, got {other:?}"),
    }
}

#[test]
fn strings_unescape_every_form() {
    let mut lx = lexer(r#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00\ud800x\q""#);
    let s = kept(lx.string(Want::Keep).unwrap());
    assert_eq!(s, "a\"b\\c/d\n\té😀\u{FFFD}xq");
}

#[test]
fn invalid_utf8_is_replaced_not_fatal() {
    let mut lx = Lexer::new(&b"\"a\xffb\""[..]);
    assert_eq!(kept(lx.string(Want::Keep).unwrap()), "a\u{FFFD}b");
}

#[test]
fn objects_arrays_and_scalars_walk_in_order() {
    let mut lx = lexer(r#" { "a" : [1, -2.5e3, true, null], "b": {"c": "d"} } "#);
    lx.begin_object().unwrap();
    let mut first = true;
    assert_eq!(&*lx.next_key(&mut first).unwrap().unwrap(), "a");
    lx.begin_array().unwrap();
    let mut f = true;
    let mut items = Vec::new();
    while lx.next_item(&mut f).unwrap() {
        items.push(lx.scalar().unwrap());
    }
    assert_eq!(items, ["1", "-2.5e3", "true", "null"]);
    assert_eq!(&*lx.next_key(&mut first).unwrap().unwrap(), "b");
    lx.skip_value().unwrap();
    assert!(lx.next_key(&mut first).unwrap().is_none());
    assert_eq!(lx.depth(), 0);
    assert_eq!(lx.peek().unwrap(), None);
}

#[test]
fn every_boundary_reads_the_same() {
    let long = "x".repeat(300_000);
    let json = format!(
        r#"{{"k\u0041y": "v\\\"w", "long": "{long}SAML", "n": 12345, "s": ["\u00e9", "\\"]}}"#
    );
    let read_all = |lx: &mut Lexer<&mut dyn Read>| {
        let mut out = Vec::new();
        lx.begin_object().unwrap();
        let mut first = true;
        while let Some(k) = lx.next_key(&mut first).unwrap() {
            out.push(k.to_string());
            match &*k {
                "n" => out.push(lx.scalar().unwrap()),
                "s" => {
                    lx.begin_array().unwrap();
                    let mut f = true;
                    while lx.next_item(&mut f).unwrap() {
                        out.push(kept(lx.string(Want::Keep).unwrap()));
                    }
                }
                _ => out.push(kept(lx.string(Want::IfSaml { base64: false }).unwrap())),
            }
        }
        out
    };
    let mut whole: &[u8] = json.as_bytes();
    let expected = read_all(&mut Lexer::new(&mut whole as &mut dyn Read));
    assert_eq!(expected[0], "kAy");
    assert_eq!(expected[1], "v\\\"w");
    assert_eq!(expected[3].len(), 300_004);
    for step in [1, 2, 3, 7, 4096] {
        let mut t = Trickle {
            data: json.as_bytes(),
            step,
        };
        assert_eq!(read_all(&mut Lexer::new(&mut t as &mut dyn Read)), expected);
    }
}

#[test]
fn large_strings_are_kept_only_when_they_may_carry_saml() {
    let plain = "a".repeat(SMALL_STRING + 1);
    let with_saml = format!("{plain}SAMLResponse");
    let b64 = "QUJD".repeat(SMALL_STRING / 2);
    let json = format!(r#"["{plain}", "{with_saml}", "{b64}", "{b64}"]"#);
    let mut lx = lexer(&json);
    lx.begin_array().unwrap();
    let mut first = true;
    let look = Want::IfSaml { base64: false };
    assert!(lx.next_item(&mut first).unwrap());
    assert_eq!(
        lx.string(look).unwrap(),
        Text::Dropped {
            len: plain.len() as u64,
            saml: false
        }
    );
    assert!(lx.next_item(&mut first).unwrap());
    assert_eq!(kept(lx.string(look).unwrap()), with_saml);
    assert!(lx.next_item(&mut first).unwrap());
    assert!(matches!(lx.string(look).unwrap(), Text::Dropped { .. }));
    assert!(lx.next_item(&mut first).unwrap());
    assert_eq!(kept(lx.string(Want::IfSaml { base64: true }).unwrap()), b64);
}

#[test]
fn strings_beyond_the_limit_are_measured_and_searched() {
    let mut body = "b\\\"".repeat(MAX_STRING / 3 + 400_000);
    body.push_str("xSAMLy");
    let json = format!(r#"["{body}", "after"]"#);
    for step in [usize::MAX, 65_537] {
        let mut t = Trickle {
            data: json.as_bytes(),
            step,
        };
        let mut lx = Lexer::new(&mut t as &mut dyn Read);
        lx.begin_array().unwrap();
        let mut first = true;
        assert!(lx.next_item(&mut first).unwrap());
        let text = lx.string(Want::Keep).unwrap();
        let expected = Text::Dropped {
            len: body.len() as u64,
            saml: true,
        };
        assert!(text == expected, "{}", &format!("{text:?}")[..60]);
        assert!(lx.next_item(&mut first).unwrap());
        assert_eq!(kept(lx.string(Want::Keep).unwrap()), "after");
    }
}

#[test]
fn truncation_and_syntax_errors_say_where() {
    let mut lx = lexer(r#"{"a": "unfinished"#);
    lx.begin_object().unwrap();
    let mut first = true;
    lx.next_key(&mut first).unwrap();
    let e = lx.string(Want::Keep).unwrap_err();
    assert!(matches!(e, JsonError::Truncated { .. }), "{e:?}");
    assert!(e.to_string().contains("inside a string"), "{e}");

    let mut lx = lexer(r#"{"a" 1}"#);
    lx.begin_object().unwrap();
    let e = lx.next_key(&mut true).unwrap_err();
    assert_eq!(e.offset(), 5);
    assert!(e.to_string().contains("expected ':'"), "{e}");

    let mut lx = lexer("[1, tru]");
    let e = lx.skip_value().unwrap_err();
    assert!(e.to_string().contains("\"tru\""), "{e}");
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let json = "[".repeat(MAX_DEPTH + 5);
    let mut lx = lexer(&json);
    let mut err = None;
    for _ in 0..MAX_DEPTH + 5 {
        if let Err(e) = lx.begin_array() {
            err = Some(e);
            break;
        }
    }
    assert!(matches!(err, Some(JsonError::TooDeep { .. })));
}

#[test]
fn recovery_skips_to_the_end_of_the_broken_value() {
    let mut lx = lexer(r#"[{"a": {"b": x "}"}}, {"c": 1}]"#);
    lx.begin_array().unwrap();
    let depth = lx.depth();
    let mut first = true;
    assert!(lx.next_item(&mut first).unwrap());
    lx.begin_object().unwrap();
    lx.next_key(&mut true).unwrap();
    lx.begin_object().unwrap();
    lx.next_key(&mut true).unwrap();
    assert!(lx.skip_value().is_err());
    lx.recover(depth).unwrap();
    assert!(lx.next_item(&mut first).unwrap());
    lx.begin_object().unwrap();
    assert_eq!(&*lx.next_key(&mut true).unwrap().unwrap(), "c");
}

#[test]
fn numbers_follow_the_json_grammar() {
    for ok in ["0", "-0", "12", "-1.5", "1e9", "2.5E-3", "1e+2"] {
        assert!(is_number(ok), "{ok}");
    }
    for bad in [
        "01", "-", "1.", ".5", "1e", "+1", "0x10", "1.2.3", "--1", "1e+",
    ] {
        assert!(!is_number(bad), "{bad}");
    }
}
