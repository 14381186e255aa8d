//! The transport under the GitLab client: one GET with retries, its body streamed through a
//! parser and the fetch's [`Budget`], and every failure turned into one clear `ScimError`.
//!
//! Does I/O (the network and sleeping between attempts). HTTPS through rustls with the
//! platform verifier (so `SSL_CERT_FILE` and the system store are honoured). A proxy from
//! `HTTPS_PROXY`/`ALL_PROXY`/`HTTP_PROXY` (with `NO_PROXY`) is used for other hosts, never for
//! loopback, and plain `http://` is refused to anything but loopback, so a token never crosses
//! a network or a proxy in the clear. No redirects are followed. Connect, per-read and overall
//! timeouts are set; a host that never answered is not asked again after a timeout.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ureq::tls::{RootCerts, TlsConfig};
use ureq::{Agent, Proxy};
use url::Url;

use super::ScimError;
use super::gitlab::{ClientConfig, Progress, Token};
use super::paging::{Budget, BudgetError, PageError, Retry, RetryHeaders, Spent, error_detail};
use super::remote::{Auth, Remote, RemoteKind, is_loopback};
use crate::redact::urls as redact;

/// The largest one response body may be (a REST identity list of a very large group is one
/// body); the fetch's byte budget bounds all bodies together.
pub(super) const BODY_LIMIT: u64 = 256 * 1024 * 1024;
/// The largest a SCIM page may be: 100 resources of GitLab's are about 40 KB.
pub(super) const PAGE_LIMIT: u64 = 16 * 1024 * 1024;
/// How much of an error body is read for its message.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// The two agents: one that never uses a proxy (loopback), one that uses the environment's.
pub(super) struct Transport {
    direct: Agent,
    proxied: Agent,
    timeout: Duration,
}

impl Transport {
    pub fn new(config: &ClientConfig) -> Transport {
        Transport {
            direct: agent(config.timeout, None),
            proxied: agent(config.timeout, Proxy::try_from_env()),
            timeout: config.timeout,
        }
    }

    fn agent(&self, url: &Url) -> &Agent {
        if is_loopback(url) {
            &self.direct
        } else {
            &self.proxied
        }
    }
}

fn agent(timeout: Duration, proxy: Option<Proxy>) -> Agent {
    let tls = TlsConfig::builder()
        .root_certs(RootCerts::PlatformVerifier)
        .build();
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(proxy)
        .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
        .timeout_per_read(Some(timeout))
        .timeout_recv_response(Some(timeout))
        // A whole request, body included: a large list takes longer than one answer.
        .timeout_global(Some(timeout.saturating_mul(4)))
        .tls_config(tls)
        .user_agent(concat!("samltrace/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

/// The headers of an answer that paging and retrying need.
#[derive(Debug, Default)]
pub(super) struct Headers {
    pub retry: RetryHeaders,
    pub link: Option<String>,
    pub next_page: Option<String>,
    pub per_page: Option<String>,
    pub location: Option<String>,
}

/// A body parser: reads what the body holds from the reader. `Headers` tell it the page size.
pub(super) type Parse<'p, T> = &'p (dyn Fn(&mut dyn Read, &Headers) -> Result<T, PageError> + Sync);

/// One fetch against one remote: the transport, the token, what the fetch has spent, and
/// whether the host has answered yet.
pub(super) struct Call<'a> {
    pub transport: &'a Transport,
    pub token: &'a Token,
    pub remote: &'a Remote,
    pub config: &'a ClientConfig,
    pub progress: &'a (dyn Fn(Progress) + Sync),
    pub spent: Spent,
    answered: AtomicBool,
}

/// How one attempt ended.
enum Attempt<T> {
    Done(T, Headers),
    Status(u16, String, Headers),
    Transport(ureq::Error),
}

impl<'a> Call<'a> {
    pub fn new(
        transport: &'a Transport,
        token: &'a Token,
        remote: &'a Remote,
        config: &'a ClientConfig,
        progress: &'a (dyn Fn(Progress) + Sync),
    ) -> Call<'a> {
        Call {
            transport,
            token,
            remote,
            config,
            progress,
            spent: Spent::default(),
            answered: AtomicBool::new(false),
        }
    }

    pub fn budget(&self) -> &Budget {
        &self.config.budget
    }

    /// Counts records against the fetch's budget.
    pub fn records(&self, url: &Url, n: usize) -> Result<(), ScimError> {
        self.spent
            .records(n as u64, self.budget())
            .map_err(|e| over_budget(url, &e))
    }

    /// One GET with retries: 429 and 5xx as the policy says, broken connections a few times,
    /// a timeout once when the host has answered before. Anything but 2xx in the end is an
    /// error; a 2xx body is handed to `parse` as it streams in.
    pub fn get<T>(
        &self,
        url: &Url,
        body_limit: u64,
        parse: Parse<'_, T>,
    ) -> Result<(T, Headers), ScimError> {
        if url.scheme() != "https" && !is_loopback(url) {
            return Err(ScimError::Url {
                url: shown(url),
                why: "plain http is refused (the token would cross the network in the clear): use https://".into(),
            });
        }
        let policy = &self.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.spent
                .request(self.budget())
                .map_err(|e| over_budget(url, &e))?;
            let wait = match self.send(url, body_limit, parse)? {
                Attempt::Done(value, headers) => return Ok((value, headers)),
                Attempt::Status(status, body, headers) => {
                    let now = jiff::Timestamp::now().as_second();
                    match policy.after_status(status, &headers.retry, attempt, now) {
                        Retry::After(wait) => {
                            (self.progress)(Progress::Waiting {
                                status,
                                seconds: wait.as_secs(),
                            });
                            wait
                        }
                        Retry::GiveUp(asked) => {
                            return Err(
                                self.status_error(url, status, &body, &headers, attempt, asked)
                            );
                        }
                    }
                }
                Attempt::Transport(e) => match policy.after_transport(attempt) {
                    Retry::After(wait) if self.retryable(&e) => wait,
                    _ => return Err(self.transport_error(url, &e, attempt)),
                },
            };
            std::thread::sleep(wait);
        }
    }

    fn send<T>(
        &self,
        url: &Url,
        body_limit: u64,
        parse: Parse<'_, T>,
    ) -> Result<Attempt<T>, ScimError> {
        let request = self
            .transport
            .agent(url)
            .get(url.as_str())
            .header("Accept", "application/scim+json, application/json");
        let request = match self.remote.auth() {
            Auth::Bearer => {
                request.header("Authorization", format!("Bearer {}", self.token.secret()))
            }
            Auth::PrivateToken => request.header("PRIVATE-TOKEN", self.token.secret()),
        };
        let mut response = match request.call() {
            Ok(r) => r,
            Err(e) => return Ok(Attempt::Transport(e)),
        };
        self.answered.store(true, Ordering::Relaxed);
        let header = |name: &str| header(&response, name);
        let status = response.status().as_u16();
        let headers = Headers {
            retry: retry_headers(&response),
            link: header("link"),
            next_page: header("x-next-page"),
            per_page: header("x-per-page"),
            location: header("location"),
        };
        let body = response.body_mut().with_config().limit(u64::MAX).reader();
        if !(200..300).contains(&status) {
            let mut text = Vec::new();
            let _ = body.take(ERROR_BODY_LIMIT).read_to_end(&mut text);
            let text = String::from_utf8_lossy(&text).into_owned();
            return Ok(Attempt::Status(status, text, headers));
        }
        let mut metered = Metered {
            inner: body,
            spent: &self.spent,
            budget: self.budget(),
            limit: body_limit.min(BODY_LIMIT),
            read: 0,
            stop: None,
        };
        let parsed = if status == 204 {
            parse(&mut io::empty(), &headers)
        } else {
            parse(&mut metered, &headers)
        };
        match (parsed, metered.stop) {
            (Ok(value), _) => Ok(Attempt::Done(value, headers)),
            (Err(_), Some(Stop::Budget(e))) => Err(over_budget(url, &e)),
            (Err(_), Some(Stop::TooLarge)) => Err(ScimError::BadResponse {
                url: shown(url),
                why: format!(
                    "unexpected response: the body is larger than {} bytes",
                    body_limit.min(BODY_LIMIT)
                ),
            }),
            (Err(_), Some(Stop::Io(e))) => Err(self.body_error(url, e)),
            (Err(e), None) => Err(ScimError::BadResponse {
                url: shown(url),
                why: self.token.redact(&format!("unexpected response: {e}")),
            }),
        }
    }

    /// A timeout is retried only when the host has answered before (a slow moment, not a host
    /// that never answers); a certificate problem never is.
    fn retryable(&self, e: &ureq::Error) -> bool {
        match e {
            ureq::Error::Timeout(_) => self.answered.load(Ordering::Relaxed),
            _ if certificate_problem(e) || name_not_found(e) => false,
            ureq::Error::Io(_) | ureq::Error::ConnectionFailed | ureq::Error::Protocol(_) => true,
            _ => false,
        }
    }

    fn status_error(
        &self,
        url: &Url,
        status: u16,
        body: &str,
        headers: &Headers,
        attempts: u32,
        asked: Option<Duration>,
    ) -> ScimError {
        let meaning = status_meaning(self.remote, status, headers, attempts, asked);
        ScimError::Status {
            url: shown(url),
            status,
            meaning: self.token.redact(&redact::text(&meaning)),
            detail: error_detail(body).map(|d| self.token.redact(&redact::text(&d))),
        }
    }

    fn transport_error(&self, url: &Url, e: &ureq::Error, attempts: u32) -> ScimError {
        if let ureq::Error::Timeout(t) = e {
            return self.timeout_error(url, *t);
        }
        let hint = if certificate_problem(e) {
            ": the server's certificate is not trusted (set SSL_CERT_FILE to your CA bundle if a proxy or private CA signs it)"
        } else if name_not_found(e) {
            ": the host name does not resolve (check the URL, DNS, or the proxy)"
        } else {
            ""
        };
        let tries = if attempts > 1 {
            format!(" (after {attempts} attempts)")
        } else {
            String::new()
        };
        ScimError::Transport {
            url: shown(url),
            why: self
                .token
                .redact(&redact::text(&format!("{e}{hint}{tries}"))),
        }
    }

    fn timeout_error(&self, url: &Url, t: ureq::Timeout) -> ScimError {
        let waiting = match t {
            ureq::Timeout::Resolve => "looking up its name",
            ureq::Timeout::Connect => "connecting",
            ureq::Timeout::SendRequest | ureq::Timeout::SendBody => "sending the request",
            ureq::Timeout::RecvResponse => "waiting for its answer",
            ureq::Timeout::RecvBody | ureq::Timeout::PerRead => "reading its answer",
            _ => "the whole request",
        };
        let seconds = match t {
            ureq::Timeout::Global => self.transport.timeout.saturating_mul(4),
            ureq::Timeout::Connect => self.transport.timeout.min(Duration::from_secs(10)),
            _ => self.transport.timeout,
        };
        ScimError::Timeout {
            url: shown(url),
            host: host_of(url),
            seconds: seconds.as_secs_f64().ceil() as u64,
            waiting,
        }
    }

    /// A body that broke off while it was read.
    fn body_error(&self, url: &Url, e: io::Error) -> ScimError {
        let inner = e
            .get_ref()
            .and_then(|i| i.downcast_ref::<ureq::Error>())
            .and_then(|u| match u {
                ureq::Error::Timeout(t) => Some(*t),
                _ => None,
            });
        match inner {
            Some(t) => self.timeout_error(url, t),
            None => ScimError::Transport {
                url: shown(url),
                why: self.token.redact(&redact::text(&format!(
                    "the answer broke off while it was read: {e}"
                ))),
            },
        }
    }
}

/// Why a metered body stopped.
enum Stop {
    Budget(BudgetError),
    TooLarge,
    Io(io::Error),
}

/// A body reader that counts what it reads against the fetch's byte budget and the body limit.
struct Metered<'a, R> {
    inner: R,
    spent: &'a Spent,
    budget: &'a Budget,
    limit: u64,
    read: u64,
    stop: Option<Stop>,
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.is_some() {
            return Err(io::Error::other("the body was refused"));
        }
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) => {
                let text = e.to_string();
                self.stop = Some(Stop::Io(e));
                return Err(io::Error::other(text));
            }
        };
        self.read += n as u64;
        if self.read > self.limit {
            self.stop = Some(Stop::TooLarge);
            return Err(io::Error::other("the body is too large"));
        }
        if let Err(e) = self.spent.bytes(n as u64, self.budget) {
            self.stop = Some(Stop::Budget(e));
            return Err(io::Error::other("the fetch's byte budget is spent"));
        }
        Ok(n)
    }
}

/// A URL as messages show it: without credentials.
pub(super) fn shown(url: &Url) -> String {
    redact::text(url.as_str())
}

fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => "the server".to_owned(),
    }
}

fn over_budget(url: &Url, e: &BudgetError) -> ScimError {
    ScimError::Incomplete {
        url: shown(url),
        why: e.to_string(),
    }
}

/// A TLS failure over the server's certificate: waiting will not change it.
fn certificate_problem(e: &ureq::Error) -> bool {
    let text = e.to_string();
    text.contains("certificate") || text.contains("UnknownIssuer")
}

/// A host name that does not resolve: asking again at once will not change it.
fn name_not_found(e: &ureq::Error) -> bool {
    matches!(e, ureq::Error::HostNotFound) || e.to_string().contains("failed to lookup address")
}

/// What a final status means for this kind of URL, in words that say what to do.
fn status_meaning(
    remote: &Remote,
    status: u16,
    headers: &Headers,
    attempts: u32,
    asked: Option<Duration>,
) -> String {
    let scim = remote.is_scim();
    match status {
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
            headers.location.as_deref().map(redact::text).unwrap_or_else(|| "elsewhere".into())
        ),
        s => format!("unexpected status {s}"),
    }
}

/// Sends one repair request ([`super::Request`]) and returns GitLab's final answer, whatever
/// its status: a 429 is waited out as its `Retry-After` (or `RateLimit-Reset`) asks, within the
/// policy; a GET is also tried again after a 5xx. A PATCH is never sent twice after a 5xx or a
/// broken connection (GitLab may have made the change): the caller reads the identity again.
/// Only a request that got no answer is an error.
pub(super) fn send_request(
    transport: &Transport,
    token: &Token,
    policy: &super::paging::RetryPolicy,
    request: &super::Request,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<super::Answer, ScimError> {
    let url = Url::parse(&request.url).map_err(|e| ScimError::Url {
        url: redact::text(&request.url),
        why: e.to_string(),
    })?;
    if url.scheme() != "https" && !is_loopback(&url) {
        return Err(ScimError::Url {
            url: shown(&url),
            why: "plain http is refused (the token would cross the network in the clear): use https://".into(),
        });
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (status, body, retry) = match send_once(transport, token, request, &url) {
            Ok(answer) => answer,
            Err(e) => {
                return Err(ScimError::Transport {
                    url: shown(&url),
                    why: token.redact(&redact::text(&format!(
                        "the connection failed ({e}); GitLab may or may not have made the change"
                    ))),
                });
            }
        };
        let again = status == 429 || (request.method == super::Method::Get && status >= 500);
        if again {
            let now = jiff::Timestamp::now().as_second();
            if let Retry::After(wait) = policy.after_status(status, &retry, attempt, now) {
                progress(Progress::Waiting {
                    status,
                    seconds: wait.as_secs(),
                });
                std::thread::sleep(wait);
                continue;
            }
        }
        return Ok(super::Answer {
            status,
            body: token.redact(&body),
        });
    }
}

fn send_once(
    transport: &Transport,
    token: &Token,
    request: &super::Request,
    url: &Url,
) -> Result<(u16, String, RetryHeaders), ureq::Error> {
    let agent = transport.agent(url);
    let (name, value) = match request.auth {
        Auth::Bearer => ("Authorization", format!("Bearer {}", token.secret())),
        Auth::PrivateToken => ("PRIVATE-TOKEN", token.secret().to_owned()),
    };
    let accept = "application/scim+json, application/json";
    let mut response = match (&request.method, &request.body) {
        (super::Method::Get, _) => agent
            .get(url.as_str())
            .header("Accept", accept)
            .header(name, &value)
            .call()?,
        (super::Method::Patch, body) => {
            let (kind, bytes) = body
                .as_ref()
                .map_or(("application/json", String::new()), |b| b.encoded());
            agent
                .patch(url.as_str())
                .header("Accept", accept)
                .header("Content-Type", kind)
                .header(name, &value)
                .send(bytes)?
        }
    };
    let retry = retry_headers(&response);
    let status = response.status().as_u16();
    let mut text = Vec::new();
    if status != 204 {
        response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .reader()
            .take(ERROR_BODY_LIMIT)
            .read_to_end(&mut text)
            .map_err(ureq::Error::Io)?;
    }
    Ok((status, String::from_utf8_lossy(&text).into_owned(), retry))
}
/// A response header as text, when it is text.
fn header<B>(response: &ureq::http::Response<B>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// What a response says about when to ask again (429, 503).
fn retry_headers<B>(response: &ureq::http::Response<B>) -> RetryHeaders {
    RetryHeaders {
        retry_after: header(response, "retry-after"),
        ratelimit_reset: header(response, "ratelimit-reset"),
    }
}
