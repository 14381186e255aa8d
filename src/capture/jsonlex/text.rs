//! The text side of the JSON lexer: member names held without allocating, JSON escapes decoded
//! leniently, numbers checked against the grammar, and the small predicates messages need.
//! Pure functions over byte slices; no reading here.

/// An object's member name: held inline when short (nearly always), so reading a key does not
/// allocate.
#[derive(Debug)]
pub(crate) struct Key {
    inline: [u8; 32],
    len: usize,
    heap: Option<String>,
}

impl Key {
    pub(super) fn new(raw: &[u8], escapes: bool) -> Key {
        let mut key = Key {
            inline: [0; 32],
            len: 0,
            heap: None,
        };
        match std::str::from_utf8(raw) {
            Ok(_) if !escapes && raw.len() <= key.inline.len() => {
                key.inline[..raw.len()].copy_from_slice(raw);
                key.len = raw.len();
            }
            _ => key.heap = Some(unescape(raw)),
        }
        key
    }
}

impl std::ops::Deref for Key {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.heap {
            Some(s) => s,
            None => std::str::from_utf8(&self.inline[..self.len]).unwrap_or_default(),
        }
    }
}

/// A byte as a message shows it: `'x'`, or `byte 0x1f`.
pub(crate) fn describe_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

/// The JSON number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub(super) fn is_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// The start of a string made only of base64 characters (a base64-encoded body).
pub(super) fn looks_like_base64(raw: &[u8]) -> bool {
    raw.iter().take(256).all(|&c| {
        c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'\\' | b'\r' | b'\n')
    })
}

/// Decodes JSON escapes; unknown escapes are kept as written, lone surrogates become U+FFFD,
/// invalid UTF-8 is replaced.
pub(super) fn unescape(raw: &[u8]) -> String {
    unescape_noting(raw).0
}

/// [`unescape`], also giving the index of the first place the text broke JSON's rules (an
/// unknown or short escape, a lone surrogate, invalid UTF-8): it was read leniently there.
pub(super) fn unescape_noting(raw: &[u8]) -> (String, Option<usize>) {
    let mut out = Vec::with_capacity(raw.len());
    let mut lenient: Option<usize> = None;
    let mut i = 0;
    while let Some(j) = memchr::memchr(b'\\', &raw[i..]) {
        out.extend_from_slice(&raw[i..i + j]);
        i += j + 1;
        let Some(&c) = raw.get(i) else { break };
        i += 1;
        match c {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'u' => {
                let (used, ok) = push_unicode(&raw[i..], &mut out);
                if !ok {
                    lenient.get_or_insert(i - 2);
                }
                i += used;
            }
            b'"' | b'\\' | b'/' => out.push(c),
            other => {
                lenient.get_or_insert(i - 2);
                out.push(other);
            }
        }
    }
    out.extend_from_slice(&raw[i..]);
    match String::from_utf8(out) {
        Ok(s) => (s, lenient),
        Err(e) => {
            let bad = std::str::from_utf8(raw)
                .err()
                .map_or(0, |e| e.valid_up_to());
            let at = lenient.map_or(bad, |l| l.min(bad));
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    }
}

/// The first byte JSON forbids raw inside a string (a control character), as an index.
pub(super) fn raw_control(raw: &[u8]) -> Option<usize> {
    // Branch-free first, so the common case (none) vectorises.
    if raw.iter().fold(false, |acc, &b| acc | (b < 0x20)) {
        raw.iter().position(|&b| b < 0x20)
    } else {
        None
    }
}

/// Decodes the `XXXX` (and a following `\\uXXXX` low surrogate) after `\\u`; returns the bytes
/// used and whether they were a valid escape.
fn push_unicode(rest: &[u8], out: &mut Vec<u8>) -> (usize, bool) {
    let Some(hi) = hex4(rest) else {
        out.extend_from_slice(b"\\u");
        return (0, false);
    };
    let (c, used) = if (0xD800..0xDC00).contains(&hi) {
        match rest
            .get(4..6)
            .filter(|p| p == b"\\u")
            .and_then(|_| hex4(&rest[6..]))
        {
            Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                (char::from_u32(c), 10)
            }
            _ => (None, 4),
        }
    } else {
        (char::from_u32(hi), 4)
    };
    let mut tmp = [0u8; 4];
    out.extend_from_slice(c.unwrap_or('\u{FFFD}').encode_utf8(&mut tmp).as_bytes());
    (used, c.is_some())
}

fn hex4(b: &[u8]) -> Option<u32> {
    let digits = std::str::from_utf8(b.get(..4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}
