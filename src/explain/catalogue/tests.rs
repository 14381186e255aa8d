//! The catalogue's own rules: codes, references into the checks and compare, texts.

use super::*;
use crate::checks::CATALOGUE as CHECKS;
use crate::compare::State;
use crate::explain::matching::Template;

#[test]
fn codes_are_unique_and_well_formed() {
    let mut seen = Vec::new();
    for e in entries() {
        assert!(!seen.contains(&e.code), "{} twice", e.code);
        seen.push(e.code);
        let (family, number) = e.code.split_at(2);
        let expected = match e.said_by {
            SaidBy::GitLab { .. } => "GL",
            SaidBy::OmniauthSaml { .. } => "OM",
            SaidBy::RubySaml(_) => "RS",
        };
        assert_eq!(family, expected, "{}", e.code);
        assert!(number.len() == 3 && number.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(lookup(e.code), Some(e));
    }
}

#[test]
fn every_check_code_and_verdict_named_exists() {
    let states = [
        State::Match,
        State::NearMatch,
        State::Mismatch,
        State::Inactive,
        State::Ambiguous,
        State::NotFound,
    ]
    .map(State::as_str);
    for e in entries() {
        for code in e.checks {
            assert!(CHECKS.iter().any(|c| c.code == *code), "{}: {code}", e.code);
        }
        for v in e.verdicts {
            assert!(states.contains(v), "{}: {v}", e.code);
        }
        for s in e.supersedes {
            assert!(lookup(s).is_some() && *s != e.code, "{}: {s}", e.code);
        }
    }
}

#[test]
fn texts_are_sentences_and_titles_one_line() {
    for e in entries() {
        assert!(
            !e.title.ends_with('.') && !e.title.contains('\n'),
            "{}",
            e.code
        );
        for (what, text) in [("cause", e.cause), ("fix", e.fix), ("capture", e.capture)] {
            assert!(text.ends_with('.'), "{} {what}: {text:?}", e.code);
            assert!(!text.contains("  "), "{} {what} has a double space", e.code);
        }
        assert!(!e.messages.is_empty(), "{}", e.code);
    }
}

#[test]
fn every_wording_is_specific_enough_to_match() {
    for e in entries() {
        for w in e.wordings() {
            assert!(Template::compile(w).literal_len() >= 8, "{}: {w:?}", e.code);
            for (at, _) in w.match_indices("%{") {
                assert!(w[at..].contains('}'), "{}: unclosed value in {w:?}", e.code);
            }
        }
    }
}

#[test]
fn frames_carry_a_reason() {
    for f in frames() {
        assert!(f.message.contains("%{reason}"), "{}", f.message);
        assert!(
            !f.seen.ends_with('.') && !f.meaning.ends_with('.'),
            "{}",
            f.message
        );
    }
}

#[test]
fn every_validation_of_is_valid_has_its_messages() {
    for check in super::RESPONSE_VALIDATIONS {
        assert!(by_ruby_saml_check(check).next().is_some(), "{check}");
    }
    let signature: Vec<&str> = by_ruby_saml_check("validate_signature")
        .map(|e| e.code)
        .collect();
    assert!(signature.contains(&"RS034") && signature.contains(&"RS050"));
}

#[test]
fn sign_in_entries_join_on_response_methods() {
    let other = [
        "generate_decrypted_document",
        "decrypt_element",
        "decode_raw_saml",
    ];
    for e in entries() {
        let SaidBy::RubySaml(r) = e.said_by else {
            assert_eq!(e.ruby_saml_check(), None);
            continue;
        };
        if r.class.judges_responses() {
            assert!(
                super::RESPONSE_VALIDATIONS.contains(&r.check) || other.contains(&r.check),
                "{}: {}",
                e.code,
                r.check
            );
        }
    }
}

#[test]
fn debian_words_are_given_where_1_13_differs() {
    let rs033 = lookup("RS033").unwrap();
    assert_eq!(
        rs033.wordings().collect::<Vec<_>>(),
        [
            "SPNameQualifier value does not match the SP entityID value.",
            "The SPNameQualifier value mistmatch the SP entityID value."
        ]
    );
    let SaidBy::RubySaml(r) = lookup("RS023").unwrap().said_by else {
        panic!("RS023 is ruby-saml's")
    };
    assert_eq!(r.debian_1_13, Debian::Missing);
}

#[test]
fn sources_name_file_class_and_method() {
    assert_eq!(
        lookup("RS007").unwrap().source(),
        "ruby-saml 1.18 lib/onelogin/ruby-saml/response.rb, Response#validate_num_assertion"
    );
    assert_eq!(
        lookup("RS050").unwrap().source(),
        "ruby-saml 1.18 lib/xml_security.rb (XMLSecurity::SignedDocument), reached from \
         Response#validate_signature"
    );
    assert_eq!(
        lookup("GL001").unwrap().source(),
        "GitLab app/models/identity.rb"
    );
}
