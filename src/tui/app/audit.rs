//! The Audit tab: `scim audit` in the TUI. One row per person joins the SCIM requests of the
//! `--scim-log` files, the identity list read and the NameIDs of the messages listed, with
//! where the chain breaks and the fix from GitLab's SCIM troubleshooting page. Made again, on
//! the update side, when the list or the messages change while the tab shows.

use crate::compare::audit::{self, Audit, SeenNameId};

use super::{State, Tab};

/// What the Audit tab shows, and what it was made from.
#[derive(Debug, Clone, Default)]
pub struct AuditView {
    pub audit: Option<Audit>,
    made_from: Option<(Vec<u64>, u64)>,
}

impl AuditView {
    /// Audits again at the next update (the verdicts changed).
    pub(super) fn forget(&mut self) {
        self.made_from = None;
    }
}

/// Audits again when the messages or the identity list changed (only while the tab shows).
pub(super) fn reaudit(state: &mut State) {
    if state.tab != Tab::Audit {
        return;
    }
    let basis = (
        state.traces.rows.iter().map(|r| r.id.0).collect::<Vec<_>>(),
        state.identities.generation,
    );
    if state.audit.made_from.as_ref() == Some(&basis) {
        return;
    }
    let people = state.identities.people.as_deref();
    if people.is_none() && state.config.scim_requests.is_empty() {
        state.audit.audit = None;
        state.audit.made_from = Some(basis);
        return;
    }
    let mut seen: Vec<SeenNameId> = Vec::new();
    for row in &state.traces.rows {
        if let Some(s) = audit::seen_in(&row.trace)
            && !seen
                .iter()
                .any(|o| o.name_id == s.name_id && o.email == s.email)
        {
            seen.push(s);
        }
    }
    let (identities, fix) = match people {
        Some(p) => (p.identities.as_slice(), p.fix.clone()),
        None => (&[][..], state.config.fix.clone().unwrap_or_default()),
    };
    state.audit.audit = Some(audit::audit(
        &state.config.scim_requests,
        identities,
        &seen,
        &fix,
    ));
    state.audit.made_from = Some(basis);
}
