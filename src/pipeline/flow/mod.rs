//! Flow assembly for captures: every SAML message a HAR scan found becomes one trace, in entry
//! order, judged at its own time and against what the capture showed before it.
//!
//! The [`Assembler`] gives each occurrence its index, points a repeated message at the first
//! trace that carried it (`origin.duplicate_of`: the IdP's form and the browser's POST carry the
//! same response), evaluates it at its entry's time unless a time was fixed, and tells the checks
//! which AuthnRequests came earlier (AU003). [`sanitize`] makes a HAR safe to attach to a ticket.
//!
//! Pure: no files, threads or clock; the binary feeds it and prints what it returns.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::capture::Problem;
use crate::checks::instant::parse_instant;
use crate::checks::{Context, SeenRequest};
use crate::dsig::Keys;
use crate::input::Unwrapped;
use crate::trace::{self, Trace};

/// Turns a capture's findings into traces, one at a time, in the order they were found.
#[derive(Debug)]
pub struct Assembler {
    context: Context,
    fixed_time: bool,
    /// The IdP certificates signatures are verified against, and the SP key that opens
    /// encrypted parts.
    keys: Arc<Keys>,
    /// The first trace that carried each decoded document, by its SHA-256.
    seen: HashMap<[u8; 32], usize>,
    /// AuthnRequests met so far, oldest first, and where each ID is in that list.
    requests: Vec<SeenRequest>,
    by_id: HashMap<String, usize>,
    count: usize,
    /// The last few distinct documents decoded, for repeats to reuse.
    recent: VecDeque<([u8; 32], Box<Trace>)>,
}

/// How many decoded documents are kept for repeats: a repeat follows within a few entries, and
/// the cache must stay small whatever the capture's size.
const RECENT: usize = 8;

impl Assembler {
    /// `context` holds what GitLab expects; its time is used for every message when
    /// `fixed_time` (`--at` was given), else each message is judged at its entry's time.
    pub fn new(context: Context, fixed_time: bool) -> Assembler {
        Assembler {
            context,
            fixed_time,
            keys: Arc::default(),
            seen: HashMap::new(),
            requests: Vec::new(),
            by_id: HashMap::new(),
            count: 0,
            recent: VecDeque::new(),
        }
    }

    /// Verifies signatures and opens encrypted parts with `keys` (without, signatures are
    /// described but not verified).
    pub fn with_keys(mut self, keys: Arc<Keys>) -> Assembler {
        self.keys = keys;
        self
    }

    /// How many traces were made so far (the index the next one gets).
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The next occurrence as a decoded, judged trace.
    pub fn trace(&mut self, found: Unwrapped) -> Trace {
        let key: Option<[u8; 32]> = found.as_ref().ok().map(|p| Sha256::digest(&p.xml).into());
        let mut t = self.decode(found, key);
        if let (Some(key), Some(_)) = (key, &t.message) {
            let first = *self.seen.entry(key).or_insert(self.count);
            t.origin.duplicate_of = (first != self.count).then_some(first);
            self.remember(key, &t);
        }
        self.judge(&mut t);
        if t.origin.duplicate_of.is_none()
            && let Some(request) = t.message.as_ref().and_then(SeenRequest::from_message)
        {
            self.by_id
                .entry(request.id.clone())
                .or_insert(self.requests.len());
            self.requests.push(request);
        }
        self.count += 1;
        t
    }

    /// Decodes a payload, or reuses the decoding of the same document met shortly before (the
    /// IdP's form and the browser's POST carry the same response; parsing it once is enough).
    fn decode(&self, found: Unwrapped, key: Option<[u8; 32]>) -> Trace {
        let recent = key.and_then(|k| self.recent.iter().find(|(rk, _)| *rk == k));
        match (found, recent) {
            (Ok(payload), Some((_, decoded))) => {
                let mut t = Trace::clone(decoded);
                t.origin = payload.origin;
                t.encoding = payload.steps;
                t.findings.clear();
                t
            }
            (found, _) => trace::from_unwrapped_with(found, &self.keys),
        }
    }

    fn remember(&mut self, key: [u8; 32], t: &Trace) {
        if self.recent.iter().any(|(k, _)| *k == key) {
            return;
        }
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back((key, Box::new(t.clone())));
    }

    /// A part of the capture that could not be read, as a trace with `message: null`.
    pub fn unreadable(&mut self, input: &str, problem: &Problem) -> Trace {
        let origin = crate::input::Origin {
            input: input.to_owned(),
            har_entry: problem.entry,
            ..Default::default()
        };
        let offset = usize::try_from(problem.offset).ok();
        self.count += 1;
        Trace::unreadable(origin, problem.message.clone(), offset)
    }

    fn judge(&self, t: &mut Trace) {
        let Some(message) = &t.message else { return };
        let mut ctx = self.context.clone();
        if !self.fixed_time
            && let Some(at) = evaluation_time(t)
        {
            ctx.at = at;
        }
        ctx.earlier_requests = Some(self.relevant_requests(message.in_response_to.as_deref()));
        t.check(&ctx);
    }

    /// What AU003 needs of the requests seen so far: the request the message answers (when it
    /// is an older one) and the latest. Judging against these two is the same as against all,
    /// and keeps a capture with thousands of sign-ins linear.
    fn relevant_requests(&self, answers: Option<&str>) -> Vec<SeenRequest> {
        let Some(latest) = self.requests.last() else {
            return Vec::new();
        };
        let older = answers
            .and_then(|id| self.by_id.get(id))
            .map(|&i| &self.requests[i])
            .filter(|r| r.id != latest.id);
        older.into_iter().chain([latest]).cloned().collect()
    }
}

/// When a message is judged: its entry's time, else (a capture without times) its own
/// IssueInstant.
pub fn evaluation_time(t: &Trace) -> Option<Timestamp> {
    let from_origin = t.origin.time.as_deref().and_then(|s| parse_instant(s).ok());
    let from_message = || {
        t.message
            .as_ref()
            .and_then(|m| m.issue_instant.as_deref())
            .and_then(|s| parse_instant(s).ok())
    };
    from_origin.or_else(from_message).map(|i| i.at)
}

#[cfg(test)]
mod tests;
