//! The GitLab API client: the thin, blocking layer that sends the requests `remote` and
//! `paging` decide on, sleeps the waits they compute, and turns every failure into one clear
//! `ScimError`.
//!
//! HTTPS through rustls with the platform verifier (so `SSL_CERT_FILE` and the system store
//! are honoured), proxies from `HTTPS_PROXY`/`NO_PROXY`, no redirects followed. The token is
//! held in [`Token`], which never prints, and every server text is redacted before it is put
//! in an error. A failed or partial read is an error, never a shorter list.

use std::path::Path;
use std::time::Duration;

use ureq::Agent;
use ureq::tls::{RootCerts, TlsConfig};
use url::Url;

use super::model::{Identity, IdentityList, IdentitySource, join_people};
use super::paging::{self, PAGE_SIZE, Retry, RetryHeaders, RetryPolicy, ScimPaging};
use super::remote::{Auth, Remote, RemoteKind};
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
        let text = std::fs::read_to_string(path).map_err(|e| bad(&e.to_string()))?;
        Token::new(&text).ok_or_else(|| bad("expected one token on one line"))
    }

    fn secret(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the token replaced.
    pub fn redact(&self, text: &str) -> String {
        text.replace(self.secret(), "[token]")
    }
}

/// How the client behaves; the defaults suit GitLab.com.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// For one request, connection to last byte.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// SCIM pages fetched at once after the first.
    pub concurrency: usize,
    /// With a group URL, also read `saml/identities`.
    pub saml_identities: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            concurrency: 4,
            saml_identities: false,
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
    agent: Agent,
    token: Token,
    config: ClientConfig,
}

/// What a request brought back.
struct Reply {
    status: u16,
    body: String,
    retry: RetryHeaders,
    link: Option<String>,
    next_page: Option<String>,
    location: Option<String>,
}

/// The largest response body read (a REST identity list of a very large group is one body).
const BODY_LIMIT: u64 = 512 * 1024 * 1024;

impl Client {
    pub fn new(token: Token, config: ClientConfig) -> Client {
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::PlatformVerifier)
            .build();
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(config.timeout))
            .tls_config(tls)
            .user_agent(concat!("samltrace/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Client {
            agent,
            token,
            config,
        }
    }

    /// Reads the whole identity list of a remote.
    pub fn fetch(
        &self,
        remote: &Remote,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<IdentityList, ScimError> {
        let identities = match remote.kind {
            RemoteKind::RestGroup { .. } => self.fetch_rest(remote, progress)?,
            _ if self.config.saml_identities => {
                return Err(ScimError::Url {
                    url: remote.display(),
                    why: "SAML identities are read through the REST API: give the group URL (https://HOST/groups/GROUP) with an access token".into(),
                });
            }
            _ => self.fetch_scim(remote, progress)?,
        };
        Ok(list(remote, identities, false))
    }

    fn fetch_scim(
        &self,
        remote: &Remote,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Vec<Identity>, ScimError> {
        let mut paging = ScimPaging::new();
        let mut wave = vec![paging.first()];
        while !wave.is_empty() {
            let mut next = Vec::new();
            for (start, reply) in self.get_pages(remote, &wave, progress)? {
                let url = page_url(remote, start)?;
                let page = paging::parse_page(&reply.body).map_err(|why| bad(&url, &why))?;
                next.extend(
                    paging
                        .accept(start, page)
                        .map_err(|why| incomplete(&url, &why))?,
                );
                progress(Progress::Fetched {
                    identities: paging.fetched(),
                    total: paging.total(),
                });
            }
            wave = next;
        }
        let users = remote
            .users_url()
            .map_or_else(|| remote.display(), |u| u.to_string());
        paging.finish().map_err(|why| incomplete_at(&users, &why))
    }

    /// Fetches SCIM pages, at most `concurrency` at a time.
    fn get_pages(
        &self,
        remote: &Remote,
        starts: &[u64],
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Vec<(u64, Reply)>, ScimError> {
        let mut out = Vec::with_capacity(starts.len());
        for chunk in starts.chunks(self.config.concurrency.max(1)) {
            let replies: Vec<Result<Reply, ScimError>> = std::thread::scope(|s| {
                let handles: Vec<_> = chunk
                    .iter()
                    .map(|&start| {
                        s.spawn(move || {
                            let url = page_url(remote, start)?;
                            self.get(remote, &url, progress)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(ScimError::Transport {
                                url: remote.display(),
                                why: "a page request failed unexpectedly".into(),
                            })
                        })
                    })
                    .collect()
            });
            for (&start, reply) in chunk.iter().zip(replies) {
                out.push((start, reply?));
            }
        }
        Ok(out)
    }

    fn fetch_rest(
        &self,
        remote: &Remote,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Vec<Identity>, ScimError> {
        let mut ids = self.rest_list(
            remote,
            &["scim", "identities"],
            Some(IdentitySource::Scim),
            progress,
        )?;
        if self.config.saml_identities {
            ids.extend(self.rest_list(
                remote,
                &["saml", "identities"],
                Some(IdentitySource::Saml),
                progress,
            )?);
        }
        // Members give the usernames and emails the identity rows lack, and the people who
        // never linked an identity.
        let members = self.rest_list(remote, &["members"], None, progress)?;
        ids.extend(members.into_iter().map(|m| Identity {
            external_id: None,
            source: IdentitySource::Member,
            ..m
        }));
        join_people(&mut ids);
        dedupe_people(&mut ids);
        Ok(ids)
    }

    /// Every record of a REST list, following `Link`/`X-Next-Page` if the server pages it.
    fn rest_list(
        &self,
        remote: &Remote,
        tail: &[&str],
        hint: Option<IdentitySource>,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Vec<Identity>, ScimError> {
        let mut url = remote.rest_url(tail).ok_or_else(|| ScimError::Url {
            url: remote.display(),
            why: "not a group URL".into(),
        })?;
        url.query_pairs_mut().append_pair("per_page", "100");
        let mut out = Vec::new();
        for _ in 0..100_000 {
            let reply = self.get(remote, &url, progress)?;
            out.extend(rest_records(&url, &reply.body, hint)?);
            progress(Progress::Fetched {
                identities: out.len(),
                total: None,
            });
            let next = paging::next_page(&url, reply.link.as_deref(), reply.next_page.as_deref())
                .map_err(|why| bad(&url, &why))?;
            match next {
                Some(n) => url = n,
                None => return Ok(out),
            }
        }
        Err(incomplete(&url, "more than 100000 pages"))
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
            let reply = self.get(remote, &url, &|_| {})?;
            let page = paging::parse_page(&reply.body).map_err(|why| bad(&url, &why))?;
            for id in page.resources {
                if seen.insert(id.external_id.clone()) {
                    found.push(Identity {
                        origin: format!("{} (filter {attribute} eq)", remote.display()),
                        ..id
                    });
                }
            }
        }
        Ok(list(remote, found, true))
    }

    /// One GET with retries: 429 and 5xx as the policy says, timeouts and broken
    /// connections a few times. Anything but 2xx in the end is an error.
    fn get(
        &self,
        remote: &Remote,
        url: &Url,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Reply, ScimError> {
        let policy = &self.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let decision = match self.send(remote, url) {
                Ok(reply) if (200..300).contains(&reply.status) => return Ok(reply),
                Ok(reply) => {
                    let now = jiff::Timestamp::now().as_second();
                    match policy.after_status(reply.status, &reply.retry, attempt, now) {
                        Retry::After(wait) => {
                            progress(Progress::Waiting {
                                status: reply.status,
                                seconds: wait.as_secs(),
                            });
                            wait
                        }
                        Retry::GiveUp(wait) => {
                            return Err(self.status_error(remote, url, &reply, attempt, wait));
                        }
                    }
                }
                Err(e) => match policy.after_transport(attempt) {
                    Retry::After(wait) if retryable(&e) => wait,
                    _ => return Err(self.transport_error(url, &e, attempt)),
                },
            };
            std::thread::sleep(decision);
        }
    }

    fn send(&self, remote: &Remote, url: &Url) -> Result<Reply, ureq::Error> {
        let request = self
            .agent
            .get(url.as_str())
            .header("Accept", "application/scim+json, application/json");
        let request = match remote.auth() {
            Auth::Bearer => {
                request.header("Authorization", format!("Bearer {}", self.token.secret()))
            }
            Auth::PrivateToken => request.header("PRIVATE-TOKEN", self.token.secret()),
        };
        let mut response = request.call()?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let status = response.status().as_u16();
        let retry = RetryHeaders {
            retry_after: header("retry-after"),
            ratelimit_reset: header("ratelimit-reset"),
        };
        let (link, next_page, location) =
            (header("link"), header("x-next-page"), header("location"));
        let body = if status == 204 {
            String::new()
        } else {
            response
                .body_mut()
                .with_config()
                .limit(BODY_LIMIT)
                .lossy_utf8(true)
                .read_to_string()?
        };
        Ok(Reply {
            status,
            body,
            retry,
            link,
            next_page,
            location,
        })
    }

    fn status_error(
        &self,
        remote: &Remote,
        url: &Url,
        reply: &Reply,
        attempts: u32,
        asked: Option<Duration>,
    ) -> ScimError {
        let meaning = status_meaning(remote, reply, attempts, asked);
        ScimError::Status {
            url: self.token.redact(url.as_str()),
            status: reply.status,
            meaning: self.token.redact(&meaning),
            detail: paging::error_detail(&reply.body).map(|d| self.token.redact(&d)),
        }
    }

    fn transport_error(&self, url: &Url, e: &ureq::Error, attempts: u32) -> ScimError {
        let text = e.to_string();
        let hint = if certificate_problem(e) {
            ": the server's certificate is not trusted (set SSL_CERT_FILE to your CA bundle if a proxy or private CA signs it)"
        } else {
            ""
        };
        let tries = if attempts > 1 {
            format!(" (after {attempts} attempts)")
        } else {
            String::new()
        };
        ScimError::Transport {
            url: self.token.redact(url.as_str()),
            why: self.token.redact(&format!("{text}{hint}{tries}")),
        }
    }
}

/// A TLS failure over the server's certificate: waiting will not change it.
fn certificate_problem(e: &ureq::Error) -> bool {
    let text = e.to_string();
    text.contains("certificate") || text.contains("UnknownIssuer")
}

fn retryable(e: &ureq::Error) -> bool {
    !certificate_problem(e)
        && matches!(
            e,
            ureq::Error::Timeout(_)
                | ureq::Error::Io(_)
                | ureq::Error::ConnectionFailed
                | ureq::Error::Protocol(_)
        )
}

/// What a final status means for this kind of URL, in words that say what to do.
fn status_meaning(
    remote: &Remote,
    reply: &Reply,
    attempts: u32,
    asked: Option<Duration>,
) -> String {
    let scim = remote.is_scim();
    match reply.status {
        401 => format!(
            "the token was refused: it is wrong, expired or revoked, or the wrong kind for this URL, which needs {}",
            remote.token_kind()
        ),
        403 if scim => "forbidden: group SAML is not enabled on this instance, or an IP allow-list blocks this machine".into(),
        403 => "forbidden: the token's user needs the Owner role on the group (or an IP allow-list blocks this machine)".into(),
        404 if remote.kind == RemoteKind::ScimInstance => {
            "not found: instance SCIM is not available here (GitLab.com, or no licence for it)".into()
        }
        404 => "not found: the group does not exist, SAML SSO is not configured for it, or the token cannot see it".into(),
        412 => "GitLab rejected the request's filter".into(),
        429 => match asked {
            Some(wait) => format!("rate limited: GitLab asks to wait {} s, longer than samltrace waits; try again later", wait.as_secs()),
            None => format!("rate limited: still refused after {attempts} attempts; try again later"),
        },
        s @ 500..=599 => format!("server error {s}, still failing after {attempts} attempts"),
        300..=399 => format!(
            "redirected to {}: check the URL (a redirect to a sign-in page means it is not an API URL)",
            reply.location.as_deref().unwrap_or("elsewhere")
        ),
        s => format!("unexpected status {s}"),
    }
}

fn rest_records(
    url: &Url,
    body: &str,
    hint: Option<IdentitySource>,
) -> Result<Vec<Identity>, ScimError> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| bad(url, &format!("not JSON: {e}")))?;
    let items = value
        .as_array()
        .ok_or_else(|| bad(url, "expected a JSON array"))?;
    let origin = url.as_str();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let records =
            rest::rest_record(item, hint).map_err(|why| bad(url, &format!("record {i}: {why}")))?;
        out.extend(records.into_iter().map(|r| Identity {
            origin: format!("{origin} [{i}]"),
            ..r
        }));
    }
    Ok(out)
}

/// A member listed on two pages (the order is not stable) counts once.
fn dedupe_people(ids: &mut Vec<Identity>) {
    let mut seen = std::collections::HashSet::new();
    ids.retain(|i| i.external_id.is_some() || i.user_id.is_none() || seen.insert(i.user_id));
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

fn bad(url: &Url, why: &str) -> ScimError {
    ScimError::BadResponse {
        url: url.to_string(),
        why: format!("unexpected response: {why}"),
    }
}

fn incomplete(url: &Url, why: &str) -> ScimError {
    incomplete_at(url.as_str(), why)
}

fn incomplete_at(url: &str, why: &str) -> ScimError {
    ScimError::Incomplete {
        url: url.to_owned(),
        why: why.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_print() {
        let t = Token::new("  glpat-secret123\n").unwrap();
        assert_eq!(format!("{t:?}"), "Token(<redacted>)");
        assert_eq!(t.redact("a glpat-secret123 b"), "a [token] b");
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
