//! The diagnosis `matching_precedence`: Entra ID matched a source user to a GitLab user (or
//! failed to, and created one) on a matching attribute other than externalId, the one that must
//! carry the NameID's value.
//!
//! Entra evaluates the mapping's matching attributes in their "Matching precedence" order and
//! stops at the first match (Microsoft Learn, "Customize user provisioning attribute-mappings":
//! "Matching precedence"); GitLab's "Troubleshooting SCIM" asks that externalId have precedence 1
//! and equal the NameID. The log shows the slip without naming the attribute: a record whose
//! matching step found GitLab's SCIM user `id` (its extern_uid) while the externalId Entra holds
//! for the user is another value cannot have matched on externalId; a record whose matching step
//! found no user and whose create GitLab refused with 409, or for a person GitLab already holds
//! under another extern_uid, did not match on it either. Pure.

use super::{Diagnosis, Person};
use crate::compare::FixApi;
use crate::scim::IdentitySource;
use crate::scim::log::ScimRequest;

const FIX: &str = "In the Entra app, Provisioning > Mappings > Provision Microsoft Entra ID Users: give externalId Matching precedence 1 and map it from the same source attribute as the NameID (GitLab's \"Troubleshooting SCIM\": the matching precedence for externalId is 1, and externalId matches the NameID). Entra stops at the first attribute that matches, so a userName or email match keeps the old value. Then align GitLab's stored extern_uid (the call below) so that the next cycle matches on externalId.";

/// The first record of this person that shows a match made (or missed) on another attribute.
pub(super) fn matching_precedence(p: &mut Person, requests: &[&ScimRequest], fix: &FixApi) {
    let found = requests.iter().find_map(|r| slip(p, r, fix));
    p.diagnoses.extend(found);
}

fn slip(p: &Person, r: &ScimRequest, fix: &FixApi) -> Option<Diagnosis> {
    let step = r.matching.as_ref()?;
    let sent = r
        .new_external_id
        .as_ref()
        .or(r.external_id.as_ref())
        .or(p.idp_external_id.as_ref())?;
    let when = r.time.as_deref().unwrap_or("an unknown time");
    let wanted = p.name_ids.first().unwrap_or(sent);
    if step.found {
        let held = r.target.as_ref().filter(|t| *t != sent)?;
        return Some(Diagnosis {
            code: "matching_precedence",
            detail: format!(
                "At {when} Entra matched this user to GitLab's SCIM user \"{held}\" ({}: \"{}\"), but the externalId it holds for them is \"{sent}\": the match was made on another matching attribute (userName or email, after externalId in the matching precedence), so GitLab's extern_uid was not what Entra sends.",
                r.origin, step.description
            ),
            fix: FIX.into(),
            call: (held != wanted).then(|| fix.patch(IdentitySource::Scim, held, wanted)),
        });
    }
    let held = p.gitlab_scim.iter().find(|g| *g != sent);
    let refused = r.method == "POST" && r.status == Some(409);
    if r.method != "POST" || !(refused || held.is_some()) {
        return None;
    }
    let answer = if refused {
        ", and GitLab answered 409 \"User has already been taken\"".to_owned()
    } else {
        String::new()
    };
    let holds = held.map_or(String::new(), |h| {
        format!(" GitLab holds this person under extern_uid \"{h}\".")
    });
    Some(Diagnosis {
        code: "matching_precedence",
        detail: format!(
            "At {when} Entra found no GitLab user matching this one ({}: \"{}\") and created one with externalId \"{sent}\"{answer}: the user exists in GitLab, but not under the value Entra matched on.{holds}",
            r.origin, step.description
        ),
        fix: FIX.into(),
        call: held
            .filter(|h| *h != wanted)
            .map(|h| fix.patch(IdentitySource::Scim, h, wanted)),
    })
}
