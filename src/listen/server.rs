//! The listener's shell: the socket, the threads, and the loop that hands each request to the
//! pure parts (`http`, `route`, `sp`, `page`) and each message to the pipeline.
//!
//! An accept thread refuses peers that are not on this machine (unless `allow_remote`) and
//! hands connections to a fixed pool of workers through a bounded queue (a full queue is a 503,
//! not a new thread). A worker reads one request at a time within the [`Limits`] — head size,
//! body size, and a deadline for the whole request so a slow client cannot hold it — checks the
//! rate and the Host header, routes it, and passes the route to [`Listener::serve`], which runs
//! on the caller's thread: it owns the pipeline's live session, so messages are judged one at a
//! time in arrival order, and it answers the worker with the page to write.
//!
//! The clock and randomness come from the caller's [`Environment`]; nothing is written to disk.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::input::{self, Origin};
use crate::pipeline::{Flow, Live, Pipeline};

use super::http::{self, Head, Limits, Method, Refusal, Reply, Status};
use super::page;
use super::rate::{Bucket, Decision};
use super::route::{self, Route, Wire, WireForm};
use super::sp::{self, ServiceProvider};
use super::{Environment, Heard};

/// Connection workers: enough for a browser's parallel connections and a few scripts.
const WORKERS: usize = 16;
/// Accepted connections waiting for a worker; beyond it a connection gets a 503.
const QUEUE: usize = 64;
/// Requests one kept-alive connection may make before it is closed.
const PER_CONNECTION: usize = 1000;
/// How long a worker waits for the page of a routed request.
const ANSWER_TIME: Duration = Duration::from_secs(30);
/// How often the serve loop looks at the stop flag while idle.
const TICK: Duration = Duration::from_millis(100);
/// How long, and how much, a closing connection drains of what the client still sends.
const LINGER_TIME: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 32 << 20;
/// How long a stopping listener lets workers finish writing the pages already made.
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// Where and how to listen.
#[derive(Debug, Clone)]
pub struct Options {
    pub addr: SocketAddr,
    /// Listen on any address and serve any peer and Host.
    pub allow_remote: bool,
    pub limits: Limits,
}

/// Why the listener could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ListenError {
    #[error(
        "{addr} is not a loopback address: samltrace listens on 127.0.0.1 or [::1] unless \
         --allow-remote is given (and then anyone who can reach {addr} can send it messages)"
    )]
    NotLoopback { addr: SocketAddr },
    #[error("cannot listen on {addr}: {error}")]
    Bind { addr: SocketAddr, error: io::Error },
}

/// True when the listener may bind `addr`.
pub fn bind_allowed(addr: &SocketAddr, allow_remote: bool) -> bool {
    allow_remote || is_loopback(addr.ip())
}

/// True when a connection from `peer` is served.
pub fn peer_allowed(peer: &SocketAddr, allow_remote: bool) -> bool {
    allow_remote || is_loopback(peer.ip())
}

fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// True when a request's Host names this machine, so a page elsewhere that resolved its own
/// name to 127.0.0.1 (DNS rebinding) cannot read our pages. A request without Host (HTTP/1.0,
/// scripts) is served.
pub fn host_allowed(host: Option<&str>, bound: &SocketAddr, allow_remote: bool) -> bool {
    let Some(host) = host else { return true };
    if allow_remote {
        return true;
    }
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name
            .parse::<IpAddr>()
            .is_ok_and(|ip| is_loopback(ip) || ip == bound.ip())
}

/// A bound listener: see the module documentation.
pub struct Listener {
    addr: SocketAddr,
    jobs: Receiver<Job>,
    stop: Arc<AtomicBool>,
    in_flight: Arc<AtomicUsize>,
}

/// Stops a listener from another thread (a signal handler's).
#[derive(Debug, Clone)]
pub struct Stopper {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Stopper {
    /// Asks the listener to stop: [`Listener::serve`] returns within a tenth of a second.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept thread, which is blocked in accept().
        let _ = TcpStream::connect_timeout(&wake_addr(self.addr), Duration::from_millis(200));
    }
}

fn wake_addr(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::from(([127, 0, 0, 1], addr.port())),
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

/// What a worker hands the serve loop.
enum Job {
    Request {
        route: Route,
        base_url: String,
        what: String,
        reply: SyncSender<Reply>,
    },
    Log(String),
}

/// What every thread shares.
struct Shared {
    limits: Limits,
    allow_remote: bool,
    bound: SocketAddr,
    bucket: Mutex<Bucket>,
    jobs: SyncSender<Job>,
    in_flight: Arc<AtomicUsize>,
}

impl Listener {
    /// Binds `options.addr` (refusing a non-loopback address without `allow_remote`) and
    /// starts accepting; requests wait for [`Listener::serve`].
    pub fn bind(options: &Options) -> Result<Listener, ListenError> {
        if !bind_allowed(&options.addr, options.allow_remote) {
            return Err(ListenError::NotLoopback { addr: options.addr });
        }
        let socket = TcpListener::bind(options.addr).map_err(|error| ListenError::Bind {
            addr: options.addr,
            error,
        })?;
        let addr = socket.local_addr().map_err(|error| ListenError::Bind {
            addr: options.addr,
            error,
        })?;
        let (jobs_tx, jobs) = mpsc::sync_channel(256);
        let stop = Arc::new(AtomicBool::new(false));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let shared = Arc::new(Shared {
            limits: options.limits,
            allow_remote: options.allow_remote,
            bound: addr,
            bucket: Mutex::new(Bucket::new(options.limits.rate, Instant::now())),
            jobs: jobs_tx,
            in_flight: Arc::clone(&in_flight),
        });
        let (conn_tx, conn_rx) = mpsc::sync_channel::<(TcpStream, SocketAddr)>(QUEUE);
        let conn_rx = Arc::new(Mutex::new(conn_rx));
        for _ in 0..WORKERS {
            let (rx, shared) = (Arc::clone(&conn_rx), Arc::clone(&shared));
            thread::spawn(move || work(&rx, &shared));
        }
        let accept_stop = Arc::clone(&stop);
        thread::spawn(move || accept(&socket, &conn_tx, &shared, &accept_stop));
        Ok(Listener {
            addr,
            jobs,
            stop,
            in_flight,
        })
    }

    /// The address bound (with the port the system chose for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stopper(&self) -> Stopper {
        Stopper {
            addr: self.addr,
            stop: Arc::clone(&self.stop),
        }
    }

    /// Serves requests until the sink says stop or [`Stopper::stop`] is called: each message
    /// is judged by `pipeline` in one live session (so a response is checked against the
    /// AuthnRequest `/login` sent), answered with its page, and handed to `sink`; `/login`
    /// sends a fresh AuthnRequest to the IdP (and hands its trace to `sink`); a refused request
    /// is one [`Heard::Refused`] line. The stages are the pipeline's; this only carries.
    pub fn serve(
        &self,
        sp: &ServiceProvider,
        pipeline: &Pipeline<'_>,
        env: &mut dyn Environment,
        sink: &mut dyn FnMut(Heard) -> Flow,
    ) {
        let mut session = Session {
            sp,
            live: pipeline.live(),
            number: 0,
        };
        while !self.stop.load(Ordering::SeqCst) {
            let job = match self.jobs.recv_timeout(TICK) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            };
            let flow = match job {
                Job::Log(line) => sink(Heard::Refused(line)),
                Job::Request {
                    route,
                    base_url,
                    what,
                    reply,
                } => session.answer(route, &base_url, &what, &reply, env, sink),
            };
            if flow == Flow::Stop {
                break;
            }
        }
        self.stopper().stop();
        let until = Instant::now() + DRAIN_TIME;
        while self.in_flight.load(Ordering::SeqCst) > 0 && Instant::now() < until {
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Listener {
    /// A listener dropped (a front end done with it) stops accepting; its workers end with
    /// their connections.
    fn drop(&mut self) {
        if !self.stop.load(Ordering::SeqCst) {
            self.stopper().stop();
        }
    }
}

/// The serve loop's state: the live session and the count of messages.
struct Session<'a, 'p, 'i> {
    sp: &'a ServiceProvider,
    live: Live<'p, 'i>,
    number: usize,
}

impl Session<'_, '_, '_> {
    fn answer(
        &mut self,
        route: Route,
        base_url: &str,
        what: &str,
        reply: &SyncSender<Reply>,
        env: &mut dyn Environment,
        sink: &mut dyn FnMut(Heard) -> Flow,
    ) -> Flow {
        let (page, heard) = match route {
            Route::Message(arrival) => self.received(arrival, env),
            Route::Login { relay_state } => self.login(relay_state, what, env),
            Route::Metadata => (
                Reply::new(
                    Status::Ok,
                    "application/samlmetadata+xml",
                    self.sp.metadata(),
                ),
                None,
            ),
            Route::Index => (page::index(self.sp, base_url), None),
            Route::Refused(r) => {
                let line = refused_line(what, &r);
                (page::refusal(&r), Some(Heard::Refused(line)))
            }
        };
        // A worker that gave up waiting has gone; the page is then for no one.
        let _ = reply.try_send(page);
        heard.map_or(Flow::Continue, sink)
    }

    fn received(
        &mut self,
        arrival: route::Arrival,
        env: &mut dyn Environment,
    ) -> (Reply, Option<Heard>) {
        self.number += 1;
        let at = env.now();
        let name = format!("listen:{}", self.number);
        let traces: Vec<_> = arrival
            .found
            .into_iter()
            .map(|mut found| {
                let origin = match &mut found {
                    Ok(p) => &mut p.origin,
                    Err(e) => &mut *e.origin,
                };
                origin.input.clone_from(&name);
                origin.time = Some(at.to_string());
                self.live.received(found)
            })
            .collect();
        let page = page::message(&traces);
        let heard = Heard::Received {
            number: self.number,
            at,
            wire: arrival.wire,
            traces,
        };
        (page, Some(heard))
    }

    /// `/login`: a fresh AuthnRequest to the IdP, on the HTTP-Redirect binding.
    fn login(
        &mut self,
        relay_state: Option<String>,
        what: &str,
        env: &mut dyn Environment,
    ) -> (Reply, Option<Heard>) {
        let Some(sso_url) = self.sp.sso_url.clone() else {
            let r = Refusal::new(
                Status::NotFound,
                "/login has nowhere to send the browser: give --idp-metadata with an \
                 HTTP-Redirect SingleSignOnService",
            );
            return (
                page::refusal(&r),
                Some(Heard::Refused(refused_line(what, &r))),
            );
        };
        let at = env.now();
        let id = sp::request_id(env.random());
        let xml = self.sp.authn_request(&id, at, &sso_url);
        let relay_state = relay_state.unwrap_or_else(|| "/".to_owned());
        let url = match self.sp.redirect_url(&sso_url, &xml, Some(&relay_state)) {
            Ok(url) => url,
            Err(e) => {
                let r = Refusal::new(Status::InternalError, e.to_string());
                return (
                    page::refusal(&r),
                    Some(Heard::Refused(refused_line(what, &r))),
                );
            }
        };
        self.number += 1;
        let origin = Origin {
            input: format!("listen:{}", self.number),
            location: Some("response.headers.location".into()),
            time: Some(at.to_string()),
            ..Origin::default()
        };
        let Some(found) = input::unwrap_url_at(&url, origin).into_iter().next() else {
            let r = Refusal::new(
                Status::InternalError,
                "the AuthnRequest URL holds no request",
            );
            return (
                page::refusal(&r),
                Some(Heard::Refused(refused_line(what, &r))),
            );
        };
        let trace = self.live.sent(found);
        let body = format!(
            "<!DOCTYPE html><title>Signing in</title><a href=\"{}\">Continue to the identity \
             provider</a>\n",
            page::escape(&url)
        );
        let page = Reply::new(Status::Found, "text/html; charset=utf-8", body)
            .with_header("Location", &url);
        let wire = Wire {
            form: WireForm::Url,
            text: url,
            param: "SAMLRequest".to_owned(),
        };
        let heard = Heard::Sent {
            number: self.number,
            at,
            wire,
            trace: Box::new(trace),
        };
        (page, Some(heard))
    }
}

/// `refused POST /acs: 413 Payload Too Large: the body is larger than 1 MiB`.
fn refused_line(what: &str, r: &Refusal) -> String {
    format!(
        "refused {what}: {} {}: {}",
        r.status.code(),
        r.status.reason(),
        r.reason
    )
}

fn accept(
    socket: &TcpListener,
    conns: &SyncSender<(TcpStream, SocketAddr)>,
    shared: &Shared,
    stop: &AtomicBool,
) {
    loop {
        let accepted = socket.accept();
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let (stream, peer) = match accepted {
            Ok(a) => a,
            // Out of file descriptors, or a connection reset before it was accepted.
            Err(_) => {
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        if !peer_allowed(&peer, shared.allow_remote) {
            let r = Refusal::new(
                Status::Forbidden,
                "the peer is not on this machine (give --allow-remote to serve it)",
            );
            refuse_now(stream, &r);
            shared.log(refused_line(&format!("a connection from {peer}"), &r));
            continue;
        }
        match conns.try_send((stream, peer)) {
            Ok(()) => {}
            Err(TrySendError::Full((stream, peer))) => {
                let r = Refusal::new(
                    Status::Unavailable,
                    format!("{QUEUE} connections are already waiting"),
                );
                refuse_now(stream, &r);
                shared.log(refused_line(&format!("a connection from {peer}"), &r));
            }
            Err(TrySendError::Disconnected(_)) => return,
        }
    }
}

/// Answers a connection that will not be read, without waiting on it.
fn refuse_now(mut stream: TcpStream, r: &Refusal) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = stream.write_all(&page::refusal(r).to_bytes(false, false));
}

fn work(conns: &Mutex<Receiver<(TcpStream, SocketAddr)>>, shared: &Shared) {
    loop {
        let next = match conns.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((stream, peer)) = next else { return };
        Connection::new(stream, peer, shared).run();
    }
}

/// One client connection: requests read one at a time within the limits.
struct Connection<'s> {
    stream: TcpStream,
    peer: SocketAddr,
    shared: &'s Shared,
    /// Bytes read and not yet used (the start of the next request).
    buf: Vec<u8>,
}

/// How reading a request ended.
enum Incoming {
    Request(Head, Vec<u8>),
    /// The client closed, or stayed idle between requests: nothing to answer.
    Gone,
    Refused(Refusal, Option<Head>),
}

impl<'s> Connection<'s> {
    fn new(stream: TcpStream, peer: SocketAddr, shared: &'s Shared) -> Connection<'s> {
        Connection {
            stream,
            peer,
            shared,
            buf: Vec::new(),
        }
    }

    fn run(mut self) {
        let _ = self.stream.set_nodelay(true);
        let _ = self
            .stream
            .set_write_timeout(Some(self.shared.limits.request_time));
        for served in 0..PER_CONNECTION {
            let (head, body) = match self.read_request(served > 0) {
                Incoming::Request(head, body) => (head, body),
                Incoming::Gone => return,
                Incoming::Refused(r, head) => {
                    let what = self.what(head.as_ref());
                    self.shared.log(refused_line(&what, &r));
                    let _ = self
                        .stream
                        .write_all(&page::refusal(&r).to_bytes(false, false));
                    self.linger();
                    return;
                }
            };
            let keep = head.keep_alive && served + 1 < PER_CONNECTION;
            let reply = self.routed(&head, &body);
            let keep = keep && reply.status.code() < 400;
            let bytes = reply.to_bytes(keep, head.method == Method::Head);
            let written = self.stream.write_all(&bytes).is_ok();
            self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            if !written || !keep {
                self.linger();
                return;
            }
        }
    }

    /// Closes after a reply, reading (and dropping) what the client still sends for a moment:
    /// closing on unread bytes resets the connection, and the client may lose the reply (a
    /// 413 to a body still on its way).
    fn linger(&mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
        let until = Instant::now() + LINGER_TIME;
        let mut drained = 0usize;
        while drained < LINGER_BYTES {
            self.buf.clear();
            match self.fill(until) {
                Filled::Bytes => drained += self.buf.len(),
                Filled::Closed | Filled::TimedOut => break,
            }
        }
    }

    /// `POST /acs from 127.0.0.1:51234`.
    fn what(&self, head: Option<&Head>) -> String {
        match head {
            Some(h) => format!("{} from {}", h.describe(), self.peer),
            None => format!("a request from {}", self.peer),
        }
    }

    /// The page for a request that was read: checked against the rate and the Host, routed
    /// here, answered by the serve loop. Counts as in flight until written.
    fn routed(&self, head: &Head, body: &[u8]) -> Reply {
        self.shared.in_flight.fetch_add(1, Ordering::SeqCst);
        let what = self.what(Some(head));
        if let Some(r) = self.shared.admit(head) {
            return page::refusal(&r);
        }
        let base_url = self.base_url(head);
        let route = route::route(head, body, &base_url);
        let (tx, rx) = mpsc::sync_channel(1);
        let job = Job::Request {
            route,
            base_url,
            what,
            reply: tx,
        };
        if self.shared.jobs.send(job).is_err() {
            return page::refusal(&Refusal::new(Status::Unavailable, "samltrace is stopping"));
        }
        rx.recv_timeout(ANSWER_TIME).unwrap_or_else(|_| {
            page::refusal(&Refusal::new(
                Status::Unavailable,
                "samltrace did not answer in time",
            ))
        })
    }

    /// `http://` and the Host the client addressed, when it is a plain host name; else the
    /// address bound.
    fn base_url(&self, head: &Head) -> String {
        let plain = |h: &&String| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        };
        match head.host.as_ref().filter(plain) {
            Some(h) => format!("http://{h}"),
            None => format!("http://{}", self.shared.bound),
        }
    }

    /// Reads the next request: its head within the head limit, its body within the body
    /// limit, the whole within the request time (counted from its first byte; before that,
    /// a kept-alive connection waits the idle time).
    fn read_request(&mut self, kept_alive: bool) -> Incoming {
        let limits = self.shared.limits;
        let wait = if kept_alive {
            limits.idle_time
        } else {
            limits.request_time
        };
        let mut deadline = Instant::now() + wait;
        let mut started = !self.buf.is_empty();
        if started {
            deadline = Instant::now() + limits.request_time;
        }
        let end = loop {
            if let Some(end) = http::head_end(&self.buf) {
                break end;
            }
            if self.buf.len() > limits.head_bytes {
                let r = Refusal::new(
                    Status::HeadersTooLarge,
                    format!(
                        "the request head is larger than {} KiB",
                        limits.head_bytes >> 10
                    ),
                );
                return Incoming::Refused(r, None);
            }
            match self.fill(deadline) {
                Filled::Bytes => {
                    if !started {
                        started = true;
                        deadline = Instant::now() + limits.request_time;
                    }
                }
                Filled::Closed => return Incoming::Gone,
                Filled::TimedOut if !started => return Incoming::Gone,
                Filled::TimedOut => return Incoming::Refused(slow(&limits), None),
            }
        };
        let head = match http::parse_head(&self.buf[..end], &limits) {
            Ok(h) => h,
            Err(r) => return Incoming::Refused(r, None),
        };
        if head.content_length > limits.body_bytes {
            let r = Refusal::new(
                Status::PayloadTooLarge,
                format!(
                    "the body is {} bytes, more than the {} KiB a message may be (--max-body)",
                    head.content_length,
                    limits.body_bytes >> 10
                ),
            );
            return Incoming::Refused(r, Some(head));
        }
        if head.expect_continue && self.buf.len() < end + head.content_length {
            let _ = self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        while self.buf.len() < end + head.content_length {
            match self.fill(deadline) {
                Filled::Bytes => {}
                Filled::Closed => return Incoming::Gone,
                Filled::TimedOut => return Incoming::Refused(slow(&limits), Some(head)),
            }
        }
        let body = self.buf[end..end + head.content_length].to_vec();
        self.buf.drain(..end + head.content_length);
        Incoming::Request(head, body)
    }

    /// Reads what has arrived, waiting at most until `deadline`.
    fn fill(&mut self, deadline: Instant) -> Filled {
        let Some(left) = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
        else {
            return Filled::TimedOut;
        };
        if self.stream.set_read_timeout(Some(left)).is_err() {
            return Filled::Closed;
        }
        let mut chunk = [0u8; 16 << 10];
        loop {
            return match self.stream.read(&mut chunk) {
                Ok(0) => Filled::Closed,
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    Filled::Bytes
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    Filled::TimedOut
                }
                Err(_) => Filled::Closed,
            };
        }
    }
}

enum Filled {
    Bytes,
    Closed,
    TimedOut,
}

fn slow(limits: &Limits) -> Refusal {
    Refusal::new(
        Status::RequestTimeout,
        format!(
            "the request did not arrive within {} s",
            limits.request_time.as_secs_f64()
        ),
    )
}

impl Shared {
    /// A line for the log, through the serve loop (which prints in order with the traces).
    fn log(&self, line: String) {
        let _ = self.jobs.try_send(Job::Log(line));
    }

    /// Refuses a request over the rate or addressed to another host name.
    fn admit(&self, head: &Head) -> Option<Refusal> {
        let decision = match self.bucket.lock() {
            Ok(mut b) => b.take(Instant::now()),
            Err(_) => Decision::Allow,
        };
        if let Decision::Refuse { log } = decision {
            let r = Refusal::new(
                Status::TooManyRequests,
                format!(
                    "more than {} requests a second (--max-rate)",
                    self.limits.rate
                ),
            );
            if let Some(n) = log {
                self.log(format!(
                    "refused {n} request{} over the rate limit: {} {}: {}",
                    if n == 1 { "" } else { "s" },
                    r.status.code(),
                    r.status.reason(),
                    r.reason
                ));
            }
            return Some(r);
        }
        if !host_allowed(head.host.as_deref(), &self.bound, self.allow_remote) {
            let r = Refusal::new(
                Status::Forbidden,
                "the Host header names another machine, as a page that rebinds its own name to \
                 this one would (give --allow-remote to serve other names)",
            );
            self.log(refused_line(&head.describe(), &r));
            return Some(r);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_loopback_without_allow_remote() {
        assert!(bind_allowed(&addr("127.0.0.1:8088"), false));
        assert!(bind_allowed(&addr("127.0.0.2:8088"), false));
        assert!(bind_allowed(&addr("[::1]:8088"), false));
        assert!(!bind_allowed(&addr("0.0.0.0:8088"), false));
        assert!(!bind_allowed(&addr("192.168.1.10:8088"), false));
        assert!(bind_allowed(&addr("0.0.0.0:8088"), true));
        assert!(peer_allowed(&addr("[::ffff:127.0.0.1]:5000"), false));
        assert!(!peer_allowed(&addr("[::ffff:10.0.0.1]:5000"), false));
        assert!(!peer_allowed(&addr("10.0.0.1:5000"), false));
        assert!(peer_allowed(&addr("10.0.0.1:5000"), true));
    }

    #[test]
    fn host_names_of_this_machine_only() {
        let bound = addr("127.0.0.1:8088");
        for ok in [
            None,
            Some("127.0.0.1:8088"),
            Some("localhost:8088"),
            Some("LOCALHOST"),
            Some("[::1]:8088"),
            Some("127.0.0.1"),
        ] {
            assert!(host_allowed(ok, &bound, false), "{ok:?}");
        }
        for bad in [
            "evil.example.com",
            "evil.example.com:8088",
            "127.0.0.1.nip.io:8088",
            "",
        ] {
            assert!(!host_allowed(Some(bad), &bound, false), "{bad}");
            assert!(host_allowed(Some(bad), &bound, true), "{bad}");
        }
    }

    #[test]
    fn an_unspecified_address_is_woken_on_loopback() {
        assert_eq!(wake_addr(addr("0.0.0.0:9")), addr("127.0.0.1:9"));
        assert_eq!(wake_addr(addr("[::]:9")), addr("[::1]:9"));
        assert_eq!(wake_addr(addr("127.0.0.1:9")), addr("127.0.0.1:9"));
    }
}
