//! Lenient readers of one JSON field at a time, shared by the HAR and SAML-tracer walkers: a
//! field of the wrong type is noted in `problems` and skipped, never fatal.
//!
//! Pure: they read only the lexer they are given.

use std::io::Read;

use super::jsonlex::{JsonError, Kind, Lexer, MAX_STRING, Text, Want};

/// Calls `f` with each key of the object at the lexer.
pub(crate) fn members<R: Read>(
    lx: &mut Lexer<R>,
    mut f: impl FnMut(&mut Lexer<R>, &str) -> Result<(), JsonError>,
) -> Result<(), JsonError> {
    lx.begin_object()?;
    let mut first = true;
    while let Some(key) = lx.next_key(&mut first)? {
        f(lx, &key)?;
    }
    Ok(())
}

/// Like [`members`], when the value at the lexer should be an object: anything else is noted
/// (`null` silently) and skipped.
pub(crate) fn object<R: Read>(
    lx: &mut Lexer<R>,
    path: &str,
    problems: &mut Vec<String>,
    mut f: impl FnMut(&mut Lexer<R>, &str, &mut Vec<String>) -> Result<(), JsonError>,
) -> Result<(), JsonError> {
    match lx.peek_kind(path)? {
        Kind::Object => members(lx, |lx, key| f(lx, key, problems)),
        other => wrong_type(lx, path, other, "an object", problems),
    }
}

fn wrong_type<R: Read>(
    lx: &mut Lexer<R>,
    path: &str,
    kind: Kind,
    expected: &str,
    problems: &mut Vec<String>,
) -> Result<(), JsonError> {
    if kind == Kind::Scalar && lx.scalar()? == "null" {
        return Ok(());
    }
    if kind != Kind::Scalar {
        lx.skip_value()?;
    }
    problems.push(format!(
        "{path} is {}: expected {expected}",
        kind.describe()
    ));
    Ok(())
}

/// A string field; `None` (and a note) when it is something else, `None` when it was too long to
/// keep (noted when it mentions SAML).
pub(crate) fn text<R: Read>(
    lx: &mut Lexer<R>,
    path: &str,
    want: Want,
    problems: &mut Vec<String>,
) -> Result<Option<String>, JsonError> {
    match lx.peek_kind(path)? {
        Kind::String => match lx.string(want)? {
            Text::Kept(s) => Ok(Some(s)),
            Text::Dropped { len, saml } => {
                if saml {
                    problems.push(too_long(path, len));
                }
                Ok(None)
            }
        },
        other => wrong_type(lx, path, other, "a string", problems).map(|()| None),
    }
}

fn too_long(path: &str, len: u64) -> String {
    format!(
        "{path} holds SAML but is {} MiB, more than the {} MiB read from one value: skipped",
        len >> 20,
        MAX_STRING >> 20
    )
}

/// An array of `{"name": …, "value": …}` objects (headers, query strings, form parameters).
pub(crate) fn pairs<R: Read>(
    lx: &mut Lexer<R>,
    path: &str,
    problems: &mut Vec<String>,
) -> Result<Vec<(String, String)>, JsonError> {
    let kind = lx.peek_kind(path)?;
    if kind != Kind::Array {
        wrong_type(lx, path, kind, "an array", problems)?;
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    lx.begin_array()?;
    let mut first = true;
    while lx.next_item(&mut first)? {
        let (mut name, mut value) = (None, None);
        object(lx, path, problems, |lx, key, problems| {
            match key {
                "name" => name = text(lx, path, Want::Keep, problems)?,
                "value" => value = text(lx, path, Want::IfSaml { base64: false }, problems)?,
                _ => lx.skip_value()?,
            }
            Ok(())
        })?;
        if let Some(name) = name {
            out.push((name, value.unwrap_or_default()));
        }
    }
    Ok(out)
}
