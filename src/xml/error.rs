//! Errors of the XML layer, each with the byte offset where it was found.

use std::fmt;

/// Why a document was refused. `offset` is a byte offset into the parsed text; the message is
/// lower-case and says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub kind: XmlErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlErrorKind {
    #[error(
        "DOCTYPE is refused: SAML never needs a DTD, and entity declarations are an attack vector"
    )]
    Doctype,
    #[error(
        "entity reference &{0}; is not allowed: only &lt; &gt; &amp; &apos; &quot; and character references"
    )]
    Entity(String),
    #[error("invalid UTF-8: expected UTF-8 text")]
    Utf8,
    #[error("encoding {0:?} is not supported: expected UTF-8")]
    Encoding(String),
    #[error("namespace prefix {0:?} is not declared")]
    UnboundPrefix(String),
    #[error("elements nested deeper than {0} levels")]
    TooDeep(usize),
    #[error("document larger than {} MiB: refused", .0 >> 20)]
    TooLarge(usize),
    #[error("more than {0} nodes")]
    TooManyNodes(usize),
    #[error("more than {0} attributes on one element: a SAML element has a handful")]
    TooManyAttributes(usize),
    #[error("more than {0} distinct namespace URIs: a SAML message uses a few dozen at most")]
    TooManyNamespaces(usize),
    #[error(
        "more than {0} namespace declarations in scope: a SAML message uses a few dozen at most"
    )]
    TooManyBindings(usize),
    #[error("character U+{:04X} is not allowed in XML: expected text without control characters", *.0 as u32)]
    ForbiddenChar(char),
    #[error("no root element: expected an XML document")]
    NoRoot,
    #[error("content after the root element")]
    TrailingContent,
    #[error("text before the root element: expected '<'")]
    LeadingText,
    #[error("{0}")]
    Syntax(String),
}

impl XmlError {
    pub fn at(text: &str, offset: usize, kind: XmlErrorKind) -> Self {
        let offset = offset.min(text.len());
        let (line, column) = line_col(text, offset);
        XmlError {
            offset,
            line,
            column,
            kind,
        }
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {}, column {}",
            self.kind, self.line, self.column
        )
    }
}

impl std::error::Error for XmlError {}

/// 1-based line and column (in characters) of a byte offset. Offsets inside a multi-byte
/// character count that character.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let bytes = &text.as_bytes()[..offset.min(text.len())];
    let line_start = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&bytes[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("abc", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx", 3), (2, 1));
        assert_eq!(line_col("ab", 99), (1, 3));
    }
}
