//! UTF-16 text, as Windows tools save it (PowerShell's `>` and Notepad's "Unicode"), read as UTF-8.

/// When `bytes` are UTF-16 (a byte-order mark, or ASCII text with every other byte zero), the
/// same text as UTF-8; `Err(offset)` names the byte of an unpaired surrogate. `None` when the
/// bytes are not UTF-16.
pub fn to_utf8(bytes: &[u8]) -> Option<Result<String, usize>> {
    let (little, body, skipped) = match bytes {
        [0xff, 0xfe, rest @ ..] => (true, rest, 2),
        [0xfe, 0xff, rest @ ..] => (false, rest, 2),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 && a.is_ascii() && b.is_ascii() => (true, bytes, 0),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 && a.is_ascii() && b.is_ascii() => (false, bytes, 0),
        _ => return None,
    };
    let units = body.chunks(2).map(|p| match (p, little) {
        ([lo, hi], true) => u16::from_le_bytes([*lo, *hi]),
        ([hi, lo], false) => u16::from_be_bytes([*hi, *lo]),
        // An odd trailing byte cannot be a code unit: an unpaired surrogate stands in for it.
        _ => 0xdc00,
    });
    let mut out = String::with_capacity(body.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => out.push(c),
            Err(_) => return Some(Err(skipped + 2 * utf16_index(body, little, i))),
        }
    }
    // A SAML message, its base64 or its URL starts with ASCII: binary data that merely starts
    // like a byte-order mark decodes to other scripts and is left to the binary path.
    if out
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| !c.is_ascii())
    {
        return None;
    }
    Some(Ok(out))
}

/// The index of the `n`th decoded item's first code unit (surrogate pairs take two).
fn utf16_index(body: &[u8], little: bool, n: usize) -> usize {
    let mut unit = 0;
    for _ in 0..n {
        let first = match body.get(2 * unit..2 * unit + 2) {
            Some([a, b]) if little => u16::from_le_bytes([*a, *b]),
            Some([a, b]) => u16::from_be_bytes([*a, *b]),
            _ => return unit,
        };
        unit += if (0xd800..0xdc00).contains(&first) {
            2
        } else {
            1
        };
    }
    unit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn reads_both_byte_orders_with_and_without_a_mark() {
        let mut with_bom = vec![0xff, 0xfe];
        with_bom.extend(le("<a>é𝄞</a>"));
        assert_eq!(to_utf8(&with_bom), Some(Ok("<a>é𝄞</a>".to_owned())));
        assert_eq!(to_utf8(&le("PHNhbWw+")), Some(Ok("PHNhbWw+".to_owned())));
        let be: Vec<u8> = "<x/>".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(to_utf8(&be), Some(Ok("<x/>".to_owned())));
        let mut be_bom = vec![0xfe, 0xff];
        be_bom.extend(&be);
        assert_eq!(to_utf8(&be_bom), Some(Ok("<x/>".to_owned())));
    }

    #[test]
    fn utf8_and_binary_are_not_utf16() {
        assert_eq!(to_utf8(b"<samlp:Response/>"), None);
        assert_eq!(to_utf8(b"PHNhbWw+"), None);
        assert_eq!(to_utf8(&[0x78, 0x9c, 0x01, 0x02]), None);
        assert_eq!(to_utf8(&[]), None);
        assert_eq!(to_utf8(b"\xff\xfe\x00garbage"), None);
    }

    #[test]
    fn an_unpaired_surrogate_is_refused_at_its_byte() {
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(le("<a>𝄞"));
        bytes.extend([0x00, 0xd8]); // a lone high surrogate
        bytes.extend(le("</a>"));
        // BOM 2 + "<a>" 6 + the pair 4.
        assert_eq!(to_utf8(&bytes), Some(Err(12)));
        let mut odd = le("<a/>");
        odd.push(b'x');
        assert_eq!(to_utf8(&odd), Some(Err(8)));
    }
}
