//! The message list's columns: how wide each is for a width of screen and the widest NameID
//! shown. The NameID is what the list is for, so it is the last to be cut: when it does not
//! fit, the source column gives way first (narrowed, then dropped), then the date, the time,
//! the kind, the checks and GitLab's verdict, until it does; then what fits again comes back.
//! The identity verdict always stays.
//!
//! Pure: numbers in, numbers out. `update` keeps the widest NameID of the filtered list
//! (`Traces::name_width`, from [`name_width`]); the view lays out the columns from it.

use super::super::facts::Facts;
use super::styled;

/// Column widths; a width of 0 is a column left out, with its separating space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub time: usize,
    pub kind: usize,
    pub name: usize,
    pub verdict: usize,
    pub gitlab: usize,
    pub checks: usize,
    pub source: usize,
}

/// One of the columns, to change its width.
type Field = fn(&mut Columns) -> &mut usize;

/// The narrowest the NameID column gets.
const NAME_MIN: usize = 8;
/// A NameID wider than this is cut rather than push more columns out.
const NAME_WANT_MOST: usize = 48;
/// The source column's narrowest, before it is dropped.
const SOURCE_MIN: usize = 12;
/// At 100 columns and more, room is left on the right for the titles' "3/10".
const POSITION: usize = 8;

impl Columns {
    /// The columns of a list `width` wide whose widest NameID takes `name_want` columns.
    pub fn new(width: usize, name_want: usize) -> Columns {
        let mut c = Columns {
            time: if width >= 120 { 19 } else { 8 },
            kind: 10,
            name: 0,
            verdict: 12,
            gitlab: 10,
            checks: 9,
            source: if width >= 100 {
                (width / 6).clamp(SOURCE_MIN, 32)
            } else {
                0
            },
        };
        let want = name_want.clamp(NAME_MIN, NAME_WANT_MOST);
        let fits = |c: &Columns| c.fixed() + want <= width;
        // What gives way, in order, while the NameID does not fit: a column and its new width.
        let steps: [(Field, usize); 7] = [
            (|c| &mut c.source, SOURCE_MIN),
            (|c| &mut c.source, 0),
            (|c| &mut c.time, 8),
            (|c| &mut c.time, 0),
            (|c| &mut c.kind, 0),
            (|c| &mut c.checks, 0),
            (|c| &mut c.gitlab, 0),
        ];
        let mut undo = Vec::new();
        for (column, to) in steps {
            if fits(&c) {
                break;
            }
            let w = column(&mut c);
            if *w > to {
                undo.push((column, *w));
                *w = to;
            }
        }
        // The last step may have freed more than needed: what fits again comes back, the
        // latest given up first.
        for (column, was) in undo.into_iter().rev() {
            let mut back = c;
            *column(&mut back) = was;
            if fits(&back) {
                c = back;
            }
        }
        c.name = width.saturating_sub(c.fixed()).max(NAME_MIN);
        c
    }

    /// Columns taken by everything but the NameID: the other columns, a space before each
    /// column shown (the NameID's too), and the room for the position.
    fn fixed(&self) -> usize {
        let others = [
            self.time,
            self.kind,
            self.verdict,
            self.gitlab,
            self.checks,
            self.source,
        ];
        let shown = others.iter().filter(|w| **w > 0).count() + 1;
        let position = if self.source > 0 { POSITION } else { 0 };
        others.iter().sum::<usize>() + shown + position
    }
}

/// The columns a row's NameID takes as the list draws it (quoted when padded, invisible
/// characters as markers, then `seen 2×` for a repeated message); 0 for a row that shows an
/// error instead.
pub fn name_width(facts: &Facts) -> usize {
    let name: usize = match (&facts.error, &facts.name_id) {
        (None, Some(n)) => styled::untrusted_quoted(n, ratatui::style::Style::new())
            .iter()
            .map(ratatui::text::Span::width)
            .sum(),
        _ => return 0,
    };
    name + seen(facts).map_or(0, |s| styled::width(&s))
}

/// ` seen 2×` after the NameID of a message its input held more than once.
pub fn seen(facts: &Facts) -> Option<String> {
    let n = facts.seen.len();
    (n > 1).then(|| format!(" seen {n}×"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: usize = 36;

    fn total(c: &Columns) -> usize {
        c.fixed() + c.name
    }

    #[test]
    fn wide_screens_keep_every_column() {
        let c = Columns::new(160, UUID);
        assert_eq!((c.time, c.source), (19, 26));
        assert!(c.name >= UUID);
        assert_eq!(total(&c), 160);
    }

    #[test]
    fn the_source_goes_first_and_the_name_id_last() {
        let c = Columns::new(120, UUID);
        assert_eq!(c.source, 0, "{c:?}");
        assert_eq!(c.time, 19);
        assert!(c.name >= UUID);
        let c = Columns::new(80, UUID);
        assert_eq!((c.source, c.kind), (0, 0), "{c:?}");
        assert_eq!(
            (c.time, c.checks, c.gitlab),
            (8, 9, 10),
            "the time fits again: {c:?}"
        );
        assert!(c.name >= UUID && total(&c) == 80, "{c:?}");
        let c = Columns::new(60, UUID);
        assert_eq!((c.kind, c.gitlab), (0, 0), "{c:?}");
        assert_eq!(c.checks, 9, "the checks fit again: {c:?}");
        assert_eq!(c.verdict, 12);
        assert!(c.name >= UUID && total(&c) == 60, "{c:?}");
    }

    #[test]
    fn short_name_ids_leave_the_columns_as_they_are() {
        let c = Columns::new(80, 15);
        assert_eq!((c.time, c.kind, c.checks, c.gitlab), (8, 10, 9, 10));
        assert_eq!(total(&c), 80);
    }

    #[test]
    fn a_tiny_screen_still_gets_a_name_column() {
        let c = Columns::new(10, UUID);
        assert_eq!(c.name, NAME_MIN);
        assert_eq!(c.verdict, 12);
    }
}
