//! Base64 as people actually paste it: standard or URL-safe, padded or not, wrapped over lines,
//! percent-encoded, or with `+` turned into spaces by a form decoder or a copy.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::{MAX_XML_BYTES, Stage, Step, UnwrapError};

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes standard base64 leniently (padding optional, whitespace ignored). For certificates,
/// signatures and other base64 fields inside messages.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, ::base64::DecodeError> {
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    LENIENT.decode(clean)
}

/// True when `text` is made only of base64 characters and whitespace (and is long enough to be
/// worth trying).
pub fn looks_like_base64(text: &str) -> bool {
    text.len() >= 8
        && text.bytes().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_')
                || c.is_ascii_whitespace()
        })
}

/// Decodes a payload, recording in `steps` each repair it needed.
pub fn decode_payload(text: &str, steps: &mut Vec<Step>) -> Result<Vec<u8>, UnwrapError> {
    let text = text.trim();
    // The common case, one line of standard base64, needs no repair pass.
    if text.len() / 4 * 3 <= MAX_XML_BYTES
        && let Ok(bytes) = LENIENT.decode(text)
    {
        steps.push(Step::Base64);
        return Ok(bytes);
    }
    let percent_decoded;
    let text = if has_percent_escape(text) {
        percent_decoded = percent_decode(text)?;
        steps.push(Step::Percent);
        percent_decoded.as_str()
    } else {
        text
    };
    let mut cleaned = clean(text)?;
    if cleaned.spaces {
        steps.push(Step::SpaceAsPlus);
        restore_trailing_plus(&mut cleaned.bytes);
    }
    if cleaned.url_safe {
        steps.push(Step::Base64url);
    }
    let bytes = decode_clean(&cleaned.bytes, text)?;
    steps.push(Step::Base64);
    Ok(bytes)
}

/// Base64 symbols in the standard alphabet, and which repairs made them so.
struct Cleaned {
    bytes: Vec<u8>,
    /// Spaces were turned back into `+`.
    spaces: bool,
    /// URL-safe `-` and `_` were turned into `+` and `/`.
    url_safe: bool,
}

/// One pass: drops line breaks, turns interior spaces back into `+` and the URL-safe alphabet
/// into the standard one, and checks every character.
fn clean(text: &str) -> Result<Cleaned, UnwrapError> {
    let mut out = Cleaned {
        bytes: Vec::with_capacity(text.len()),
        spaces: false,
        url_safe: false,
    };
    for (i, &c) in text.as_bytes().iter().enumerate() {
        let symbol = match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' | b'=' => c,
            b'\r' | b'\n' | b'\t' => continue,
            b' ' => {
                out.spaces = true;
                b'+'
            }
            b'-' | b'_' => {
                out.url_safe = true;
                if c == b'-' { b'+' } else { b'/' }
            }
            _ => return Err(invalid_character(text, i)),
        };
        out.bytes.push(symbol);
    }
    Ok(out)
}

fn invalid_character(text: &str, i: usize) -> UnwrapError {
    let other = text[i..].chars().next().unwrap_or('?');
    UnwrapError::new(
        Stage::Base64,
        format!(
            "invalid character {other:?} at byte {i}: expected base64 (A-Z a-z 0-9 + / =), \
             a URL, a form body, XML or an HTML page"
        ),
    )
    .at(i)
}

/// When `+` became spaces, a `+` that ended the payload became a trailing space and was trimmed
/// away (a third of SAML responses end in `+`: base64 of `se>`). IdPs pad their base64, so an
/// unpadded payload of the wrong length gets its `+` back.
fn restore_trailing_plus(clean: &mut Vec<u8>) {
    if clean.last() != Some(&b'=') {
        while !clean.len().is_multiple_of(4) {
            clean.push(b'+');
        }
    }
}

fn decode_clean(clean: &[u8], original: &str) -> Result<Vec<u8>, UnwrapError> {
    let body_len = clean.iter().rposition(|&c| c != b'=').map_or(0, |i| i + 1);
    if let Some(i) = clean[..body_len].iter().position(|&c| c == b'=') {
        let at = original_offset(original, i);
        return Err(UnwrapError::new(
            Stage::Base64,
            format!("padding '=' inside the data at byte {at}: expected it only at the end (two payloads joined?)"),
        )
        .at(at));
    }
    if body_len % 4 == 1 {
        return Err(UnwrapError::new(
            Stage::Base64,
            format!("{body_len} base64 characters cannot be complete: the payload looks truncated"),
        )
        .at(original.len()));
    }
    if body_len / 4 * 3 > MAX_XML_BYTES {
        return Err(UnwrapError::new(
            Stage::Base64,
            format!(
                "payload decodes to more than {} MiB: refused",
                MAX_XML_BYTES >> 20
            ),
        ));
    }
    LENIENT.decode(&clean[..body_len]).map_err(|e| {
        let (msg, at) = match e {
            ::base64::DecodeError::InvalidLastSymbol { offset, symbol, .. } => (
                format!("invalid last base64 symbol {:?}", symbol as char),
                original_offset(original, offset),
            ),
            ::base64::DecodeError::InvalidByte(i, b) => (
                format!("invalid base64 byte {:?}", b as char),
                original_offset(original, i),
            ),
            other => (other.to_string(), original.len()),
        };
        UnwrapError::new(Stage::Base64, format!("{msg} at byte {at}")).at(at)
    })
}

/// Byte offset in `original` of the `n`-th character kept by [`clean`].
fn original_offset(original: &str, n: usize) -> usize {
    original
        .char_indices()
        .filter(|(_, c)| !matches!(c, '\r' | '\n' | '\t'))
        .nth(n)
        .map_or(original.len(), |(i, _)| i)
}

fn has_percent_escape(text: &str) -> bool {
    let b = text.as_bytes();
    b.contains(&b'%')
        && b.windows(3)
            .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

fn percent_decode(text: &str) -> Result<String, UnwrapError> {
    let bytes: Vec<u8> = percent_decode_bytes(text.as_bytes());
    String::from_utf8(bytes).map_err(|e| {
        UnwrapError::new(
            Stage::Url,
            "percent-decoding gave invalid UTF-8: expected percent-encoded base64",
        )
        .at(e.utf8_error().valid_up_to())
    })
}

/// `%XX` to bytes; a `%` not followed by two hex digits is kept as it is. The one
/// percent-decoding of the crate: URLs, form values, masked parameters and the comparison's
/// percent-encoding tier all use it.
pub fn percent_decode_bytes(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if c == b'%'
            && let (Some(h), Some(l)) = (
                input.get(i + 1).and_then(hex),
                input.get(i + 2).and_then(hex),
            )
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn hex(c: &u8) -> Option<u8> {
    (*c as char).to_digit(16).map(|d| d as u8)
}
