//! The GitLab API client: the blocking layer that asks for the pages `remote` and `paging`
//! decide on, through the transport in `http`, and assembles one identity list.
//!
//! Does I/O (through `http`). For a group URL it prefers `GET /groups/:id/saml_users` (GitLab
//! 18.1), which gives each SAML user with their SAML and SCIM identities, and falls back to
//! `scim/identities`, `saml/identities` and the members where that is not there. The token is
//! held in [`Token`], which never prints, and every URL and server text is redacted before it
//! is put in an error. A failed or partial read is an error, never a shorter list.

use std::path::Path;
use std::time::Duration;

use url::Url;

use super::http::{BODY_LIMIT, Call, Headers, PAGE_LIMIT, Transport, shown};
use super::model::{Identity, IdentityList, IdentitySource, join_people};
use super::paging::{
    self, Budget, PAGE_SIZE, PagingError, RestPaging, RetryPolicy, ScimPaging, record_key,
};
use super::remote::{Remote, RemoteKind};
use super::{ScimError, rest};

/// A GitLab token. It has no `Display`, and its `Debug` does not show it.
#[derive(Clone)]
pub struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// A token from text (surrounding whitespace dropped); `None` when it is empty or not one
    /// word of printable ASCII, as every GitLab token is.
    pub fn new(text: &str) -> Option<Token> {
        let t = text.trim();
        let ok = !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| Token(t.to_owned()))
    }

    /// The token from `--token-file` when given, else from `SAMLTRACE_TOKEN` (`env`).
    pub fn read(env: Option<&str>, file: Option<&Path>) -> Result<Token, ScimError> {
        let Some(path) = file else {
            return env.and_then(Token::new).ok_or(ScimError::NoToken);
        };
        let bad = |why: &str| ScimError::TokenFile {
            path: path.to_owned(),
            why: why.to_owned(),
        };
        let bytes =
            crate::bounded::read_path(path, TOKEN_FILE_BYTES).map_err(|e| bad(&e.to_string()))?;
        let text =
            String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text: expected one token"))?;
        Token::new(&text).ok_or_else(|| bad("expected one token on one line"))
    }

    pub(super) fn secret(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the token replaced (a short token only where it stands
    /// as a word, so that a test token such as `x` does not eat the letters of a message).
    pub fn redact(&self, text: &str) -> String {
        let secret = self.secret();
        if secret.len() >= 16 {
            return text.replace(secret, "[token]");
        }
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(secret) {
            let before = rest[..at].chars().next_back();
            let after = rest[at + secret.len()..].chars().next();
            out.push_str(&rest[..at]);
            if before.is_some_and(is_word) || after.is_some_and(is_word) {
                out.push_str(secret);
            } else {
                out.push_str("[token]");
            }
            rest = &rest[at + secret.len()..];
        }
        out.push_str(rest);
        out
    }
}

/// How the client behaves; the defaults suit GitLab.com.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// How long to wait for GitLab: to connect (at most 10 s), for an answer to begin, and for
    /// each read of it. A whole request may take four times as long (a large list).
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// SCIM pages fetched at once after the first.
    pub concurrency: usize,
    /// With a group URL, also read the SAML identities.
    pub saml_identities: bool,
    /// What one fetch may cost at most.
    pub budget: Budget,
}

/// The default of `--timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            concurrency: 4,
            saml_identities: false,
            budget: Budget::default(),
        }
    }
}

/// What a long fetch reports while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Fetched {
        identities: usize,
        total: Option<u64>,
    },
    Waiting {
        status: u16,
        seconds: u64,
    },
}

/// A GitLab API client for one token.
pub struct Client {
    transport: Transport,
    token: Token,
    config: ClientConfig,
}

/// A REST page size GitLab accepts (its maximum).
const PER_PAGE: usize = 100;
/// The most a `--token-file` may hold: a token is one short line.
const TOKEN_FILE_BYTES: u64 = 64 << 10;

impl Client {
    pub fn new(token: Token, config: ClientConfig) -> Client {
        Client {
            transport: Transport::new(&config),
            token,
            config,
        }
    }

    /// Sends one request (a repair's GET or PATCH) and returns GitLab's answer, any status;
    /// rate limits are waited out as GitLab asks. The answer's text never holds the token.
    pub fn send(
        &self,
        request: &super::Request,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<super::Answer, ScimError> {
        super::http::send_request(
            &self.transport,
            &self.token,
            &self.config.retry,
            request,
            progress,
        )
    }

    /// `text` with the client's token replaced, for anything printed or logged.
    pub fn redact(&self, text: &str) -> String {
        self.token.redact(text)
    }

    fn call<'a>(&'a self, remote: &'a Remote, progress: &'a (dyn Fn(Progress) + Sync)) -> Call<'a> {
        Call::new(&self.transport, &self.token, remote, &self.config, progress)
    }

    /// Reads the whole identity list of a remote.
    pub fn fetch(
        &self,
        remote: &Remote,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<IdentityList, ScimError> {
        let call = self.call(remote, progress);
        let (identities, notes) = match remote.kind {
            RemoteKind::RestGroup { .. } => fetch_rest(&call)?,
            _ if self.config.saml_identities => {
                return Err(ScimError::Url {
                    url: remote.display(),
                    why: "SAML identities are read through the REST API: give the group URL (https://HOST/groups/GROUP) with an access token".into(),
                });
            }
            _ => (fetch_scim(&call)?, Vec::new()),
        };
        let mut list = list(remote, identities, false);
        list.notes = notes;
        Ok(list)
    }

    /// Looks up identities with SCIM filters instead of reading the whole list: `id eq` for
    /// each id, `userName eq` for each email or username (GitLab also finds users by email
    /// that way). The result is marked partial.
    pub fn lookup(
        &self,
        remote: &Remote,
        ids: &[String],
        people: &[String],
    ) -> Result<IdentityList, ScimError> {
        let call = self.call(remote, &|_| {});
        let queries = ids
            .iter()
            .map(|v| ("id", v))
            .chain(people.iter().map(|v| ("userName", v)));
        let mut found: Vec<Identity> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (attribute, value) in queries {
            let url = remote
                .scim_filter(attribute, value)
                .ok_or_else(|| ScimError::Url {
                    url: remote.display(),
                    why: "filtered look-ups need a SCIM base URL".into(),
                })?;
            let (page, _) = call.get(&url, PAGE_LIMIT, &|r, _| {
                paging::read_page(r, PAGE_SIZE as usize)
            })?;
            call.records(&url, page.resources.len())?;
            for id in page.resources {
                if seen.insert(record_key(&id)) {
                    found.push(Identity {
                        origin: format!("{} (filter {attribute} eq)", remote.display()),
                        ..id
                    });
                }
            }
        }
        Ok(list(remote, found, true))
    }
}

/// Every identity of a SCIM remote, pages fetched a window at a time.
fn fetch_scim(call: &Call<'_>) -> Result<Vec<Identity>, ScimError> {
    let mut paging = ScimPaging::new(call.config.concurrency);
    let mut wave = vec![paging.first()];
    while !wave.is_empty() {
        let mut next = Vec::new();
        for (start, page) in get_pages(call, &wave)? {
            let url = page_url(call.remote, start)?;
            call.records(&url, page.resources.len())?;
            next.extend(
                paging
                    .accept(start, page)
                    .map_err(|e| paging_error(&url, e))?,
            );
            (call.progress)(Progress::Fetched {
                identities: paging.fetched(),
                total: paging.total(),
            });
        }
        wave = next;
    }
    let users = call
        .remote
        .users_url()
        .map_or_else(|| call.remote.display(), |u| shown(&u));
    paging.finish().map_err(|e| ScimError::Incomplete {
        url: users,
        why: e.to_string(),
    })
}

/// Fetches SCIM pages at once, each read as it streams in.
fn get_pages(call: &Call<'_>, starts: &[u64]) -> Result<Vec<(u64, paging::Page)>, ScimError> {
    let replies: Vec<Result<paging::Page, ScimError>> = std::thread::scope(|s| {
        let handles: Vec<_> = starts
            .iter()
            .map(|&start| {
                s.spawn(move || {
                    let url = page_url(call.remote, start)?;
                    call.get(&url, PAGE_LIMIT, &|r, _| {
                        paging::read_page(r, PAGE_SIZE as usize)
                    })
                    .map(|(page, _)| page)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ScimError::Transport {
                        url: call.remote.display(),
                        why: "a page request failed unexpectedly".into(),
                    })
                })
            })
            .collect()
    });
    starts
        .iter()
        .zip(replies)
        .map(|(&start, reply)| reply.map(|page| (start, page)))
        .collect()
}

/// The identities of a list, and notes about it as a whole.
type Found = (Vec<Identity>, Vec<String>);

/// A group's identities: from `saml_users` where GitLab has it, else from the identity lists
/// and the members.
fn fetch_rest(call: &Call<'_>) -> Result<Found, ScimError> {
    if let Some(found) = fetch_saml_users(call)? {
        return Ok(found);
    }
    let mut ids = rest_list(call, &["scim", "identities"], Some(IdentitySource::Scim))?;
    if call.config.saml_identities {
        ids.extend(rest_list(
            call,
            &["saml", "identities"],
            Some(IdentitySource::Saml),
        )?);
    }
    // Members give the usernames and emails the identity rows lack, and the people who
    // never linked an identity.
    let members = rest_list(call, &["members"], None)?;
    ids.extend(members.into_iter().map(|m| Identity {
        external_id: None,
        source: IdentitySource::Member,
        ..m
    }));
    join_people(&mut ids);
    dedupe_records(&mut ids);
    Ok((ids, Vec::new()))
}

/// Statuses after which an older GitLab (before 18.1), a subgroup or a missing right makes
/// `saml_users` unusable, and the other sources are tried (they say what is wrong, if
/// anything is).
fn falls_back(e: &ScimError) -> bool {
    matches!(
        e,
        ScimError::Status {
            status: 400 | 403 | 404 | 405,
            ..
        }
    )
}

/// `GET /groups/:id/saml_users` (`ee/lib/ee/api/groups.rb`): Owner role, top-level groups
/// only, offset paging, newest user first. `None` when it is not there to use (older GitLab,
/// a subgroup, no right, or no SAML user), so the caller falls back.
fn fetch_saml_users(call: &Call<'_>) -> Result<Option<Found>, ScimError> {
    let group_id = match group_id(call) {
        Ok(id) => id,
        Err(e) if falls_back(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let users = match paged(call, &["saml_users"], &|v| rest::saml_user(v)) {
        Ok(users) => users,
        Err(e) if falls_back(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    if users.is_empty() {
        return Ok(None);
    }
    let (mut ids, notes) =
        rest::saml_users_identities(users, group_id, call.config.saml_identities);
    dedupe_records(&mut ids);
    Ok(Some((ids, notes)))
}

/// The group's numeric id, which `saml_users` records name their SCIM identities by: from the
/// URL when it is numeric, else from `GET /groups/:id`.
fn group_id(call: &Call<'_>) -> Result<u64, ScimError> {
    let RemoteKind::RestGroup { group } = &call.remote.kind else {
        return Err(not_a_group(call.remote));
    };
    if let Ok(id) = group.parse::<u64>() {
        return Ok(id);
    }
    let mut url = call
        .remote
        .rest_url(&[])
        .ok_or_else(|| not_a_group(call.remote))?;
    url.query_pairs_mut().append_pair("with_projects", "false");
    let (value, _) = call.get(&url, 1 << 20, &|r, _| {
        let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(r));
        let v: Group = serde::Deserialize::deserialize(&mut de)
            .map_err(|e| paging::PageError::NotJson(e.to_string()))?;
        Ok(v)
    })?;
    value.id.ok_or_else(|| ScimError::BadResponse {
        url: shown(&url),
        why: "unexpected response: the group has no numeric id".into(),
    })
}

/// The one field of GitLab's group entity samltrace needs.
#[derive(serde::Deserialize)]
struct Group {
    #[serde(default)]
    id: Option<u64>,
}

/// Every record of a REST list, following `Link`/`X-Next-Page` if the server pages it.
fn rest_list(
    call: &Call<'_>,
    tail: &[&str],
    hint: Option<IdentitySource>,
) -> Result<Vec<Identity>, ScimError> {
    let records = paged(call, tail, &|v| rest::rest_record(v, hint))?;
    Ok(records.into_iter().flatten().collect())
}

/// Reads every page of a REST list, each record through `read` (which sees the record with
/// its origin set). A page that points back to one already read is refused.
fn paged<T: Send + WithOrigin>(
    call: &Call<'_>,
    tail: &[&str],
    read: &(dyn Fn(&serde_json::Value) -> Result<T, String> + Sync),
) -> Result<Vec<T>, ScimError> {
    let mut url = call
        .remote
        .rest_url(tail)
        .ok_or_else(|| not_a_group(call.remote))?;
    url.query_pairs_mut()
        .append_pair("per_page", &PER_PAGE.to_string())
        .append_pair("page", "1");
    let mut paging = RestPaging::new(&url);
    let mut out = Vec::new();
    loop {
        let origin = shown(&url);
        let left = call.budget().records.saturating_sub(out.len() as u64);
        let parse = |r: &mut dyn std::io::Read, h: &Headers| {
            let limit = page_limit(h).unwrap_or(usize::try_from(left).unwrap_or(usize::MAX));
            let mut items = Vec::new();
            paging::read_array(r, "record", limit, |i, v| {
                let mut item = read(&v)?;
                item.set_origin(&format!("{origin} [{i}]"));
                items.push(item);
                Ok(())
            })?;
            Ok(items)
        };
        let (items, headers) = call.get(&url, BODY_LIMIT, &parse)?;
        call.records(&url, items.len())?;
        let n = items.len();
        out.extend(items);
        (call.progress)(Progress::Fetched {
            identities: out.len(),
            total: None,
        });
        let next = paging
            .next(
                &url,
                headers.link.as_deref(),
                headers.next_page.as_deref(),
                n,
            )
            .map_err(|e| paging_error(&url, e))?;
        match next {
            Some(n) => url = n,
            None => return Ok(out),
        }
    }
}

/// A paginated answer holds at most `X-Per-Page` records (GitLab caps it at 100); more is a
/// server that does not keep its own word.
fn page_limit(h: &Headers) -> Option<usize> {
    let n: usize = h.per_page.as_deref()?.trim().parse().ok()?;
    Some(n.clamp(1, PER_PAGE))
}

/// Records that can say where they were read.
trait WithOrigin {
    fn set_origin(&mut self, origin: &str);
}

impl WithOrigin for Vec<Identity> {
    fn set_origin(&mut self, origin: &str) {
        for id in self {
            id.origin = origin.to_owned();
        }
    }
}

impl WithOrigin for rest::SamlUser {
    fn set_origin(&mut self, origin: &str) {
        rest::SamlUser::set_origin(self, origin);
    }
}

/// A record read twice (pages overlap when the list changes, and GitLab's order is not
/// stable) counts once: the same external id of the same user. Case variants stay.
fn dedupe_records(ids: &mut Vec<Identity>) {
    let mut seen = std::collections::HashSet::new();
    ids.retain(|i| seen.insert((i.source, record_key(i))));
}

fn not_a_group(remote: &Remote) -> ScimError {
    ScimError::Url {
        url: remote.display(),
        why: "not a group URL".into(),
    }
}

fn page_url(remote: &Remote, start: u64) -> Result<Url, ScimError> {
    remote
        .scim_page(start, PAGE_SIZE)
        .ok_or_else(|| ScimError::Url {
            url: remote.display(),
            why: "not a SCIM base URL".into(),
        })
}

fn list(remote: &Remote, identities: Vec<Identity>, partial: bool) -> IdentityList {
    IdentityList {
        input: remote.display(),
        format: if remote.is_scim() {
            "scim-api"
        } else {
            "rest-api"
        }
        .into(),
        identities,
        skipped: Vec::new(),
        notes: Vec::new(),
        partial,
    }
}

/// A paging failure: a list that stopped short is incomplete, a header that cannot be read
/// is a bad response.
fn paging_error(url: &Url, e: PagingError) -> ScimError {
    match e {
        PagingError::BadLink(_) | PagingError::OtherSite(_) | PagingError::BadNextPage(_) => {
            ScimError::BadResponse {
                url: shown(url),
                why: format!("unexpected response: {e}"),
            }
        }
        other => ScimError::Incomplete {
            url: shown(url),
            why: redact_paging(&other),
        },
    }
}

fn redact_paging(e: &PagingError) -> String {
    crate::redact::urls::text(&e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_print() {
        let t = Token::new("  glpat-secret123\n").unwrap();
        assert_eq!(format!("{t:?}"), "Token(<redacted>)");
        assert_eq!(t.redact("a glpat-secret123 b"), "a [token] b");
        let short = Token::new("x").unwrap();
        assert_eq!(short.redact("proxy x: x"), "proxy [token]: [token]");
        assert!(Token::new("two words").is_none());
        assert!(Token::new(" \n").is_none());
    }

    #[test]
    fn token_sources() {
        assert!(matches!(Token::read(None, None), Err(ScimError::NoToken)));
        assert!(Token::read(Some("abc"), None).is_ok());
        let err = Token::read(Some("abc"), Some(Path::new("/nonexistent/token"))).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("/nonexistent/token: not a usable token file"),
            "{err}"
        );
    }
}
