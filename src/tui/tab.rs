//! The detail tabs: their order, titles and numbers.
//!
//! Plain data at the bottom of the TUI's layers: the key table binds `1`-`6` to them, `update`
//! switches between them and the view draws their titles, so none of those may own it.

/// The detail tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Summary,
    Attributes,
    Findings,
    Identity,
    Xml,
    Identities,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Summary,
        Tab::Attributes,
        Tab::Findings,
        Tab::Identity,
        Tab::Xml,
        Tab::Identities,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Summary => "Summary",
            Tab::Attributes => "Attributes",
            Tab::Findings => "Findings",
            Tab::Identity => "Identity",
            Tab::Xml => "XML",
            Tab::Identities => "Identities",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }
}
