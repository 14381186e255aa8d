//! The index over an identity list and the lookup that turns one NameID into a verdict.
//!
//! Built once per list: exact external ids, the all-tiers key of each (near matches), emails
//! and usernames (the same person), and local parts (loose candidates). A lookup is a few hash
//! probes plus work proportional to the hits. Pure; the sentences live in `reason.rs`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use super::normalise::{self, Difference};
use super::reason;
use super::{Candidate, FixApi, Hint, IdentityView, State, Verdict, hints};
use crate::saml::Message;
use crate::scim::{Identity, IdentitySource};

/// The rows under one key: nearly always one, which then needs no allocation.
#[derive(Debug, Clone)]
enum Hits {
    One(u32),
    Many(Vec<u32>),
}

impl Hits {
    fn as_slice(&self) -> &[u32] {
        match self {
            Hits::One(i) => std::slice::from_ref(i),
            Hits::Many(v) => v,
        }
    }
}

fn add_hit<K: Eq + Hash>(map: &mut HashMap<K, Hits>, key: K, i: u32) {
    match map.entry(key) {
        Entry::Vacant(e) => {
            e.insert(Hits::One(i));
        }
        Entry::Occupied(mut e) => match e.get_mut() {
            Hits::One(j) if *j == i => {}
            Hits::One(j) => {
                let first = *j;
                e.insert(Hits::Many(vec![first, i]));
            }
            Hits::Many(v) if v.last() == Some(&i) => {}
            Hits::Many(v) => v.push(i),
        },
    }
}

/// An identity list prepared for many lookups. Keys borrow from the list when normalising
/// changes nothing, which is the common case.
pub struct Index<'a> {
    ids: &'a [Identity],
    exact: HashMap<&'a str, Hits>,
    near: HashMap<Cow<'a, str>, Hits>,
    people: HashMap<Cow<'a, str>, Hits>,
    /// The part before the `@` of email-like external ids.
    local: HashMap<Cow<'a, str>, Hits>,
    fix: FixApi,
    masked: bool,
}

/// Who an identity belongs to, to tell two records of one person from two people.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Person {
    User(u64),
    Name(String),
    Row(u32),
}

impl<'a> Index<'a> {
    pub fn new(ids: &'a [Identity]) -> Index<'a> {
        let mut index = Index {
            ids,
            exact: HashMap::with_capacity(ids.len()),
            near: HashMap::with_capacity(ids.len()),
            people: HashMap::with_capacity(ids.len() * 2),
            local: HashMap::new(),
            fix: FixApi::default(),
            masked: false,
        };
        for (i, id) in ids.iter().enumerate() {
            index.add(i as u32, id);
        }
        index
    }

    fn add(&mut self, i: u32, id: &'a Identity) {
        if let Some(ext) = id.external_id.as_deref() {
            add_hit(&mut self.exact, ext, i);
            let key = normalise::key(ext);
            if key.contains('@') {
                let local = match &key {
                    Cow::Borrowed(k) => local_part(k).map(Cow::Borrowed),
                    Cow::Owned(k) => local_part(k).map(|l| Cow::Owned(l.to_owned())),
                };
                if let Some(local) = local {
                    add_hit(&mut self.local, local, i);
                }
            }
            add_hit(&mut self.near, key, i);
        }
        for name in id.user_name.iter().chain(&id.emails) {
            let key = person_key(name);
            if !key.is_empty() {
                add_hit(&mut self.people, key, i);
            }
        }
    }

    /// Sets the API the `fix` commands address (a REST group or a SCIM base URL).
    pub fn with_fix_api(mut self, fix: FixApi) -> Self {
        self.fix = fix;
        self
    }

    /// The list and the messages are masked (`--mask-key`): no call is printed, since one
    /// built from masked values would store a hash in GitLab.
    pub fn masked(mut self, masked: bool) -> Self {
        self.masked = masked;
        self
    }

    pub fn identities(&self) -> &'a [Identity] {
        self.ids
    }

    /// The verdict for the message's NameID, with its email, username and name attributes
    /// for finding the person when the NameID is not known.
    pub fn verdict(&self, message: &Message) -> Verdict {
        let name_id = message.name_id().map(|n| n.value.as_str());
        let mut verdict = self.lookup(name_id, &hints(message));
        if name_id.is_none() {
            // Without a NameID nothing can match; a person found by attributes is only shown.
            verdict.state = State::NotFound;
            verdict.fix = None;
            verdict.reason = reason::no_name_id(message, verdict.identity.as_ref());
        }
        verdict
    }

    /// The verdict's call, unless the values are masked: then the reason says how to get it.
    fn with_fix(&self, v: &mut Verdict, fix: String) {
        if self.masked {
            v.reason.push_str(reason::MASKED_FIX);
        } else {
            v.fix = Some(fix);
        }
    }

    /// The verdict for one NameID value and the person hints that go with it.
    pub fn lookup(&self, name_id: Option<&str>, hints: &[Hint]) -> Verdict {
        let by_id = name_id.and_then(|n| {
            let found = self
                .exact
                .get(n)
                .map(|e| self.exact_verdict(n, e.as_slice()));
            found.or_else(|| {
                self.near
                    .get(normalise::key(n).as_ref())
                    .and_then(|h| self.near_verdict(n, h.as_slice()))
            })
        });
        by_id.unwrap_or_else(|| self.person_verdict(name_id, hints))
    }

    fn exact_verdict(&self, n: &str, hits: &[u32]) -> Verdict {
        let groups = self.by_person(hits);
        if groups.len() > 1 {
            let text = reason::ambiguous_exact(n, groups.len());
            let found = self.candidates(hits.iter().copied(), "has exactly this external id");
            return self.removal(ambiguous(Some(n), found, text));
        }
        let person = self.person(hits[0]);
        let case_twins: Vec<u32> = self
            .near
            .get(normalise::key(n).as_ref())
            .map_or(&[][..], Hits::as_slice)
            .iter()
            .copied()
            .filter(|&i| self.person(i) != person)
            .filter(|&i| normalise::case_key(self.ext(i)) == normalise::case_key(n))
            .collect();
        let rep = self.representative(hits);
        if !case_twins.is_empty() {
            let twin = self.representative(&case_twins);
            let text = reason::ambiguous_case(n, &self.ids[rep as usize], &self.ids[twin as usize]);
            let mut found = self.candidates(hits.iter().copied(), "has exactly this external id");
            found.extend(self.candidates(case_twins, "differs only in capitalisation"));
            return self.removal(ambiguous(Some(n), found, text));
        }
        let id = &self.ids[rep as usize];
        if id.is_inactive() {
            let mut v = verdict(State::Inactive, Some(n), Some(id), reason::inactive(n, id));
            if id.source == IdentitySource::Scim {
                self.with_fix(&mut v, self.fix.reactivate(self.ext(rep)));
            }
            return v;
        }
        verdict(State::Match, Some(n), Some(id), reason::matched(n, id))
    }

    /// An ambiguity between identities that hold the same external id (or one differing only
    /// in case): the call removes the one the user picks.
    fn removal(&self, mut v: Verdict) -> Verdict {
        let uids: Vec<&str> = v
            .candidates
            .iter()
            .filter_map(|c| c.identity.external_id.as_deref())
            .collect();
        let source = v
            .candidates
            .first()
            .map_or(IdentitySource::Unknown, |c| c.identity.source);
        if uids.len() > 1 {
            let fix = self.fix.remove_one(source, &uids);
            self.with_fix(&mut v, fix);
        }
        v
    }

    fn near_verdict(&self, n: &str, hits: &[u32]) -> Option<Verdict> {
        let mut scored: Vec<(usize, Vec<Difference>, u32)> = hits
            .iter()
            .filter_map(|&i| {
                let diff = normalise::compare(n, self.ext(i))?;
                Some((tier(&diff), diff, i))
            })
            .collect();
        scored.sort_by_key(|(t, _, i)| (*t, *i));
        let best = scored.first()?.0;
        let best_hits: Vec<u32> = scored.iter().filter(|s| s.0 == best).map(|s| s.2).collect();
        let people = self.by_person(&best_hits).len();
        if people > 1 {
            let text = reason::ambiguous_near(n, people);
            let found = self.candidates(best_hits, "nearly equals the NameID");
            return Some(ambiguous(Some(n), found, text));
        }
        let rep = self.representative(&best_hits);
        let id = &self.ids[rep as usize];
        let diff = scored
            .iter()
            .find(|s| s.2 == rep)
            .map(|s| s.1.clone())
            .unwrap_or_default();
        let mut v = verdict(
            State::NearMatch,
            Some(n),
            Some(id),
            reason::near(n, id, &diff),
        );
        self.with_fix(&mut v, self.fix.patch(id.source, self.ext(rep), n));
        v.difference = diff;
        let person = self.person(rep);
        let others = scored
            .iter()
            .map(|s| s.2)
            .filter(|&i| self.person(i) != person);
        v.candidates = self.candidates(others, "a near match");
        Some(v)
    }

    fn person_verdict(&self, n: Option<&str>, hints: &[Hint]) -> Verdict {
        let mut found: Vec<(u32, &Hint)> = Vec::new();
        for hint in hints {
            for &i in self
                .people
                .get(person_key(&hint.value).as_ref())
                .map_or(&[][..], Hits::as_slice)
            {
                if !found.iter().any(|(j, _)| *j == i) {
                    found.push((i, hint));
                }
            }
        }
        let hits: Vec<u32> = found.iter().map(|(i, _)| *i).collect();
        let groups = self.by_person(&hits);
        match groups.len() {
            0 => self.not_found(n, hints),
            1 => self.mismatch(n, &hits, &found),
            count => {
                let text = reason::ambiguous_person(n, count);
                let found = self.candidates(hits, "matches the person's email or username");
                ambiguous(n, found, text)
            }
        }
    }

    fn mismatch(&self, n: Option<&str>, hits: &[u32], found: &[(u32, &Hint)]) -> Verdict {
        let rep = self.representative(hits);
        let id = &self.ids[rep as usize];
        let hint = found
            .iter()
            .find(|(i, _)| *i == rep)
            .map_or(found[0].1, |(_, h)| *h);
        let mut v = verdict(State::Mismatch, n, Some(id), reason::mismatch(n, id, hint));
        if let (Some(n), Some(ext)) = (n, id.external_id.as_deref()) {
            self.with_fix(&mut v, self.fix.patch(id.source, ext, n));
        }
        v
    }

    fn not_found(&self, n: Option<&str>, hints: &[Hint]) -> Verdict {
        let loose = n.map(|n| self.loose(n)).unwrap_or_default();
        let mut v = verdict(
            State::NotFound,
            n,
            None,
            reason::not_found(n, hints, !loose.is_empty()),
        );
        v.candidates = self.candidates(loose, "the same name before the @");
        v
    }

    /// Identities whose id shares the NameID's name before the `@`: `carol` for
    /// `carol@example.com` (Entra's default mailNickname mapping), and the other way round.
    fn loose(&self, n: &str) -> Vec<u32> {
        let key = normalise::key(n);
        let Some(local) = local_part(&key) else {
            return Vec::new();
        };
        let by_local = self.local.get(local).map_or(&[][..], Hits::as_slice);
        let by_id = match key.contains('@') {
            true => self.near.get(local).map_or(&[][..], Hits::as_slice),
            false => &[],
        };
        by_local.iter().chain(by_id).copied().collect()
    }

    /// One candidate per person (the record a verdict would be about), at most ten.
    fn candidates(&self, hits: impl IntoIterator<Item = u32>, why: &str) -> Vec<Candidate> {
        let hits: Vec<u32> = hits.into_iter().collect();
        self.by_person(&hits)
            .into_iter()
            .take(10)
            .map(|person| {
                let theirs: Vec<u32> = hits
                    .iter()
                    .copied()
                    .filter(|&i| self.person(i) == person)
                    .collect();
                Candidate {
                    identity: IdentityView::from(&self.ids[self.representative(&theirs) as usize]),
                    why: why.to_owned(),
                }
            })
            .collect()
    }

    fn ext(&self, i: u32) -> &str {
        self.ids[i as usize].external_id.as_deref().unwrap_or("")
    }

    fn person(&self, i: u32) -> Person {
        let id = &self.ids[i as usize];
        if let Some(u) = id.user_id {
            return Person::User(u);
        }
        match id.user_name.as_deref().or(id.email()) {
            Some(name) => Person::Name(person_key(name).into_owned()),
            None => Person::Row(i),
        }
    }

    fn by_person(&self, hits: &[u32]) -> Vec<Person> {
        let mut people: Vec<Person> = Vec::new();
        for &i in hits {
            let p = self.person(i);
            if !people.contains(&p) {
                people.push(p);
            }
        }
        people
    }

    /// Of several records of one person, the one a verdict is about: an inactive one first
    /// (it blocks sign-in), then one with an external id, then SCIM before SAML.
    fn representative(&self, hits: &[u32]) -> u32 {
        let rank = |&i: &u32| {
            let id = &self.ids[i as usize];
            let kind = match id.source {
                IdentitySource::Scim => 0,
                IdentitySource::Saml => 1,
                _ => 2,
            };
            (!id.is_inactive(), id.external_id.is_none(), kind, i)
        };
        hits.iter()
            .copied()
            .min_by_key(|i| rank(i))
            .unwrap_or(hits[0])
    }
}

fn ambiguous(n: Option<&str>, candidates: Vec<Candidate>, reason: String) -> Verdict {
    Verdict {
        candidates,
        ..verdict(State::Ambiguous, n, None, reason)
    }
}

fn verdict(state: State, n: Option<&str>, id: Option<&Identity>, reason: String) -> Verdict {
    Verdict {
        state,
        name_id: n.map(str::to_owned),
        identity: id.map(IdentityView::from),
        difference: Vec::new(),
        candidates: Vec::new(),
        reason,
        fix: None,
    }
}

/// The tier at which two values became equal: the last step that was needed.
fn tier(diff: &[Difference]) -> usize {
    diff.iter()
        .filter_map(|d| Difference::TIERS.iter().position(|t| t == d))
        .max()
        .map_or(0, |p| p + 1)
}

/// Emails and usernames compare trimmed and case-insensitively.
fn person_key(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    if t.chars().any(char::is_uppercase) {
        Cow::Owned(t.to_lowercase())
    } else {
        Cow::Borrowed(t)
    }
}

/// The part before the `@` of an email-like key, when it is long enough to mean something.
fn local_part(key: &str) -> Option<&str> {
    let local = key.split('@').next().unwrap_or(key);
    (local.chars().count() >= 3).then_some(local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ext: &str, user: &str, email: &str, user_id: u64) -> Identity {
        Identity {
            external_id: (!ext.is_empty()).then(|| ext.to_owned()),
            user_name: Some(user.into()),
            emails: vec![email.into()],
            active: Some(true),
            user_id: Some(user_id),
            source: IdentitySource::Scim,
            origin: format!("user {user_id}"),
            ..Identity::default()
        }
    }

    fn list() -> Vec<Identity> {
        let mut erin = id("erin-1", "erin", "erin@example.com", 52);
        erin.active = Some(false);
        vec![
            id(
                "0b1d561c-21ff-4092-beab-8154b17f82f2",
                "alice",
                "alice@example.com",
                48,
            ),
            id("bob@example.com", "bob1", "bob@example.com", 49),
            id("carol", "carol", "carol@example.com", 50),
            id(
                "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                "dave",
                "dave@example.com",
                51,
            ),
            erin,
            id("dup-1", "gina", "gina@example.com", 54),
            id("DUP-1", "hank", "hank@example.com", 55),
            id("", "ivan", "ivan@example.com", 56),
        ]
    }

    fn email(v: &str) -> Hint {
        Hint {
            what: "the email attribute (email)".into(),
            value: v.into(),
        }
    }

    fn check(n: &str, hints: &[Hint]) -> Verdict {
        let ids = list();
        Index::new(&ids).lookup(Some(n), hints)
    }

    #[test]
    fn exact_and_active_is_a_match() {
        let v = check("0b1d561c-21ff-4092-beab-8154b17f82f2", &[]);
        assert_eq!(v.state, State::Match);
        assert_eq!(v.identity.unwrap().user_name.as_deref(), Some("alice"));
        assert!(v.fix.is_none());
        assert!(
            v.reason
                .contains("exactly the external id of the SCIM identity of alice"),
            "{}",
            v.reason
        );
    }

    #[test]
    fn a_changed_capital_is_a_near_match_with_a_fix() {
        let v = check("Bob@Example.com", &[]);
        assert_eq!(v.state, State::NearMatch);
        assert_eq!(v.difference, [Difference::Case]);
        let fix = v.fix.unwrap();
        assert!(
            fix.contains("--data-urlencode 'extern_uid=Bob@Example.com'"),
            "{fix}"
        );
        assert!(
            fix.contains("/scim/bob%40example.com\"  # SAMLTRACE_TOKEN"),
            "{fix}"
        );
        assert!(
            v.reason.contains("Extern UID has already been taken"),
            "{}",
            v.reason
        );
    }

    #[test]
    fn the_same_person_by_email_is_a_mismatch() {
        let v = check("dave@example.com", &[email("dave@example.com")]);
        assert_eq!(v.state, State::Mismatch);
        assert_eq!(v.identity.as_ref().unwrap().user_id, Some(51));
        assert!(v.reason.contains("UPN"), "{}", v.reason);
        assert!(
            v.fix
                .unwrap()
                .contains("/scim/7c9e6679-7425-40de-944b-e07fc1f90ae7\"")
        );
    }

    #[test]
    fn the_name_id_itself_finds_the_person() {
        let ids = list();
        let idx = Index::new(&ids);
        let hint = Hint {
            what: "the NameID".into(),
            value: "carol@example.com".into(),
        };
        let v = idx.lookup(Some("carol@example.com"), &[hint]);
        assert_eq!(v.state, State::Mismatch);
        assert!(v.reason.contains("mailNickname"), "{}", v.reason);
    }

    #[test]
    fn a_member_without_identity_is_a_mismatch_without_a_fix() {
        let v = check("ivan-guid", &[email("Ivan@Example.com ")]);
        assert_eq!(v.state, State::Mismatch);
        assert!(v.fix.is_none());
        assert!(
            v.reason.contains("no SAML or SCIM identity"),
            "{}",
            v.reason
        );
    }

    #[test]
    fn a_deactivated_identity_is_inactive() {
        let v = check("erin-1", &[]);
        assert_eq!(v.state, State::Inactive);
        assert!(v.reason.contains("404"), "{}", v.reason);
    }

    #[test]
    fn case_twins_of_different_people_are_ambiguous() {
        let v = check("dup-1", &[]);
        assert_eq!(v.state, State::Ambiguous);
        assert_eq!(v.candidates.len(), 2);
        let v = check("Dup-1", &[]);
        assert_eq!(v.state, State::Ambiguous, "two people nearly match");
    }

    #[test]
    fn two_records_of_one_person_are_not_ambiguous() {
        let mut ids = list();
        let mut saml = ids[0].clone();
        saml.source = IdentitySource::Saml;
        ids.push(saml);
        let v = Index::new(&ids).lookup(Some("0b1d561c-21ff-4092-beab-8154b17f82f2"), &[]);
        assert_eq!(v.state, State::Match);
        assert_eq!(v.identity.unwrap().source, IdentitySource::Scim);
    }

    #[test]
    fn emails_of_two_people_are_ambiguous() {
        let v = check(
            "nobody",
            &[email("alice@example.com"), email("bob@example.com")],
        );
        assert_eq!(v.state, State::Ambiguous);
        assert_eq!(v.candidates.len(), 2);
    }

    #[test]
    fn nothing_known_is_not_found_with_loose_candidates() {
        let v = check("zed@example.com", &[email("zed@example.com")]);
        assert_eq!(v.state, State::NotFound);
        assert!(v.identity.is_none() && v.candidates.is_empty());
        assert!(
            v.reason
                .contains("nobody has the email or username \"zed@example.com\""),
            "{}",
            v.reason
        );
        let v = check("carol@corp.example", &[]);
        assert_eq!(v.state, State::NotFound);
        assert_eq!(
            v.candidates[0].identity.external_id.as_deref(),
            Some("carol")
        );
    }

    #[test]
    fn a_fix_api_can_be_set() {
        let ids = list();
        let idx = Index::new(&ids).with_fix_api(FixApi::Rest {
            base: "https://gitlab.example.com".into(),
            group: "acme".into(),
        });
        let v = idx.lookup(Some(" bob@example.com"), &[]);
        assert_eq!(v.difference, [Difference::Whitespace]);
        assert!(
            v.fix.unwrap().contains(
                "\"https://gitlab.example.com/api/v4/groups/acme/scim/bob%40example.com\""
            )
        );
        assert!(
            v.reason.contains("Fix the IdP's NameID mapping"),
            "{}",
            v.reason
        );
    }
}
