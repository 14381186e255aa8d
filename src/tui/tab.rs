//! The detail tabs: their order, titles and numbers.
//!
//! Plain data at the bottom of the TUI's layers: the key table binds `1`-`8` to them, `update`
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
    /// The plan of `extern_uid` changes for the selected or all messages (`F`), and what
    /// became of each when applied.
    Fix,
    /// One row per person: the SCIM requests the IdP made, GitLab's identities and the
    /// NameIDs, and where the chain breaks (`scim audit`).
    Audit,
}

impl Tab {
    pub const ALL: [Tab; 8] = [
        Tab::Summary,
        Tab::Attributes,
        Tab::Findings,
        Tab::Identity,
        Tab::Xml,
        Tab::Identities,
        Tab::Fix,
        Tab::Audit,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Summary => "Summary",
            Tab::Attributes => "Attributes",
            Tab::Findings => "Findings",
            Tab::Identity => "Identity",
            Tab::Xml => "XML",
            Tab::Identities => "Identities",
            Tab::Fix => "Fix",
            Tab::Audit => "Audit",
        }
    }

    /// The title in a narrow tab bar (80 columns hold them all).
    pub fn short(self) -> &'static str {
        match self {
            Tab::Attributes => "Attrs",
            Tab::Identities => "List",
            t => t.title(),
        }
    }

    /// True for the tabs about the whole session rather than the selected message.
    pub fn is_global(self) -> bool {
        matches!(self, Tab::Identities | Tab::Fix | Tab::Audit)
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
