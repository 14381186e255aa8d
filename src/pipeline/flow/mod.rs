//! Flow assembly for captures: every SAML message a capture scan found becomes one trace, in
//! entry order, judged at its own time and against what the capture showed before it.
//!
//! The [`Assembler`] gives each occurrence its index, points a repeated message at the first
//! trace that carried it (`origin.duplicate_of`: the IdP's form and the browser's POST carry the
//! same response), evaluates it at its entry's time unless a time was fixed, and tells the checks
//! which AuthnRequests came earlier (AU003). What it remembers is a bounded window (the last
//! [`WINDOW`] documents and requests), so a capture of any length costs the same memory.
//!
//! Pure: no files, threads or clock. Only the pipeline calls it.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::capture::Problem;
use crate::checks::instant::parse_instant;
use crate::checks::{Context, SeenRequest};
use crate::dsig::Keys;
use crate::input::Unwrapped;
use crate::trace::Trace;

/// Turns a capture's findings into traces, one at a time, in the order they were found.
#[derive(Debug)]
pub struct Assembler {
    context: Context,
    fixed_time: bool,
    /// The IdP certificates signatures are verified against, and the SP key that opens
    /// encrypted parts.
    keys: Arc<Keys>,
    /// The first trace that carried each recent document, by its SHA-256, and those keys
    /// oldest first (to forget the oldest when the window is full).
    seen: HashMap<[u8; 32], usize>,
    seen_order: VecDeque<[u8; 32]>,
    /// The recent AuthnRequests, oldest first, each with its sequence number, and the number
    /// of each ID.
    requests: VecDeque<(u64, SeenRequest)>,
    by_id: HashMap<String, u64>,
    next_request: u64,
    count: usize,
    /// The last few distinct documents decoded, for repeats to reuse.
    recent: VecDeque<([u8; 32], Box<Trace>)>,
}

/// Who sent a message, as far as AU003 is concerned: a response must answer the latest
/// AuthnRequest the service provider sent, so only those are remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The service provider (GitLab, or `listen` standing in for it), or a capture of its
    /// browser flow, where every AuthnRequest is the service provider's.
    ServiceProvider,
    /// Someone else: a message that arrived at the service provider. An AuthnRequest among
    /// them is not one it sent, and later responses are not checked against it.
    Other,
}

/// How many decoded documents are kept for repeats: a repeat follows within a few entries, and
/// the cache must stay small whatever the capture's size.
const RECENT: usize = 8;
/// How many documents (for `duplicate_of`) and AuthnRequests (for AU003) are remembered.
pub const WINDOW: usize = 4096;

impl Assembler {
    /// `context` holds what GitLab expects; its time is used for every message when
    /// `fixed_time` (`--at` was given), else each message is judged at its entry's time.
    pub fn new(context: Context, fixed_time: bool) -> Assembler {
        Assembler {
            context,
            fixed_time,
            keys: Arc::default(),
            seen: HashMap::new(),
            seen_order: VecDeque::new(),
            requests: VecDeque::new(),
            by_id: HashMap::new(),
            next_request: 0,
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
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.count
    }

    /// The next occurrence as a decoded, judged trace; an AuthnRequest is remembered for AU003.
    pub fn trace(&mut self, found: Unwrapped) -> Trace {
        self.trace_from(found, Sender::ServiceProvider)
    }

    /// The next occurrence, sent by `sender`: only the service provider's AuthnRequests are
    /// remembered for AU003.
    pub fn trace_from(&mut self, found: Unwrapped, sender: Sender) -> Trace {
        let key: Option<[u8; 32]> = found.as_ref().ok().map(|p| Sha256::digest(&p.xml).into());
        let mut t = self.decode(found, key);
        if let (Some(key), Some(_)) = (key, &t.message) {
            let first = self.first_carrier(key);
            t.origin.duplicate_of = (first != self.count).then_some(first);
            self.remember(key, &t);
        }
        self.judge(&mut t);
        if t.origin.duplicate_of.is_none()
            && sender == Sender::ServiceProvider
            && let Some(request) = t.message.as_ref().and_then(SeenRequest::from_message)
        {
            self.add_request(request);
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
            (found, _) => super::decode::unwrapped(found, &self.keys),
        }
    }

    /// The index of the first trace that carried the document, this one when it is new.
    fn first_carrier(&mut self, key: [u8; 32]) -> usize {
        if let Some(&first) = self.seen.get(&key) {
            return first;
        }
        if self.seen_order.len() == WINDOW
            && let Some(oldest) = self.seen_order.pop_front()
        {
            self.seen.remove(&oldest);
        }
        self.seen.insert(key, self.count);
        self.seen_order.push_back(key);
        self.count
    }

    fn add_request(&mut self, request: SeenRequest) {
        if self.requests.len() == WINDOW
            && let Some((n, oldest)) = self.requests.pop_front()
            && self.by_id.get(&oldest.id) == Some(&n)
        {
            self.by_id.remove(&oldest.id);
        }
        let n = self.next_request;
        self.next_request += 1;
        self.by_id.entry(request.id.clone()).or_insert(n);
        self.requests.push_back((n, request));
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
        let Some((_, latest)) = self.requests.back() else {
            return Vec::new();
        };
        let first = self.requests.front().map_or(0, |(n, _)| *n);
        let older = answers
            .and_then(|id| self.by_id.get(id))
            .and_then(|&n| {
                self.requests
                    .get(usize::try_from(n.checked_sub(first)?).ok()?)
            })
            .map(|(_, r)| r)
            .filter(|r| r.id != latest.id);
        older.into_iter().chain([latest]).cloned().collect()
    }
}

/// When a message is judged: its entry's time, else (a capture without times) its own
/// IssueInstant.
fn evaluation_time(t: &Trace) -> Option<Timestamp> {
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
