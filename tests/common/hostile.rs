//! Servers that misbehave on purpose, on 127.0.0.1, for the adversarial tests: a scripted
//! HTTP server whose answers a test writes (lying totals, looping links, huge bodies), a server
//! that accepts connections and never answers, and a proxy that records what reaches it.
//! The stand-in GitLab (`gitlab.rs`) keeps GitLab's semantics; these do not.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One scripted answer.
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Box<dyn Read + Send>,
}

impl Canned {
    pub fn json(body: impl Into<String>) -> Canned {
        Canned {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Box::new(std::io::Cursor::new(body.into().into_bytes())),
        }
    }

    pub fn status(mut self, status: u16) -> Canned {
        self.status = status;
        self
    }

    pub fn header(mut self, k: &str, v: &str) -> Canned {
        self.headers.push((k.into(), v.into()));
        self
    }

    pub fn stream(body: impl Read + Send + 'static) -> Canned {
        Canned {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Box::new(body),
        }
    }
}

/// A request as the scripted server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// An HTTP server whose every answer comes from `script(request number from 1, url)`.
pub struct Scripted {
    pub base: String,
    server: Arc<tiny_http::Server>,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<JoinHandle<()>>,
}

type Script = dyn Fn(usize, &str) -> Canned + Send + Sync;

impl Scripted {
    pub fn start(script: impl Fn(usize, &str) -> Canned + Send + Sync + 'static) -> Scripted {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let (srv, log) = (server.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            for request in srv.incoming_requests() {
                let (log, script) = (log.clone(), script.clone());
                std::thread::spawn(move || answer(&log, &*script, request));
            }
        });
        Scripted {
            base: format!("http://127.0.0.1:{port}"),
            server,
            seen,
            thread: Some(thread),
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(log: &Mutex<Vec<Seen>>, script: &Script, request: tiny_http::Request) {
    let url = request.url().to_owned();
    let headers = request
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_owned(),
                h.value.as_str().to_owned(),
            )
        })
        .collect();
    let n = {
        let mut log = log.lock().unwrap();
        log.push(Seen {
            url: url.clone(),
            headers,
        });
        log.len()
    };
    let canned = script(n, &url);
    let headers = canned
        .headers
        .iter()
        .filter_map(|(k, v)| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).ok())
        .collect();
    let response = tiny_http::Response::new(
        tiny_http::StatusCode(canned.status),
        headers,
        canned.body,
        None,
        None,
    );
    let _ = request.respond(response);
}

/// A SCIM User resource with this id.
pub fn resource(id: &str) -> String {
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"{id}","active":true,"userName":"{id}"}}"#
    )
}

/// A SCIM ListResponse with these resources and this `totalResults`.
pub fn scim_page(total: &str, ids: impl Iterator<Item = String>) -> String {
    let resources: Vec<String> = ids.map(|i| resource(&i)).collect();
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":{total},"itemsPerPage":100,"startIndex":1,"Resources":[{}]}}"#,
        resources.join(",")
    )
}

/// A valid SCIM page of `n` tiny resources, produced as it is read (never held whole).
pub struct HugePage {
    n: u64,
    next: u64,
    buf: Vec<u8>,
    pos: usize,
    done: bool,
}

impl HugePage {
    pub fn new(n: u64) -> HugePage {
        let head = format!(
            r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":{n},"itemsPerPage":100,"startIndex":1,"Resources":["#
        );
        HugePage {
            n,
            next: 0,
            buf: head.into_bytes(),
            pos: 0,
            done: false,
        }
    }
}

impl Read for HugePage {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.buf.len() {
            if self.done {
                return Ok(0);
            }
            self.buf.clear();
            self.pos = 0;
            for _ in 0..1000 {
                if self.next == self.n {
                    self.buf.extend_from_slice(b"]}");
                    self.done = true;
                    break;
                }
                let sep = if self.next == 0 { "" } else { "," };
                self.buf
                    .extend_from_slice(format!("{sep}{{\"id\":\"{}\"}}", self.next).as_bytes());
                self.next += 1;
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A server that accepts every connection and never answers; it counts connections.
pub struct Silent {
    pub port: u16,
    pub connections: Arc<AtomicUsize>,
}

impl Silent {
    pub fn start() -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("an address").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        std::thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            for stream in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                held.push(stream);
            }
        });
        Silent { port, connections }
    }
}

/// A proxy that records the bytes each connection sends (up to 64 KiB, for a moment) and
/// then answers `502` and closes: enough to see whether, and what, a client sent through it.
pub struct RecordingProxy {
    pub url: String,
    captured: Arc<Mutex<Vec<u8>>>,
}

impl RecordingProxy {
    pub fn start() -> RecordingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("an address").port();
        let captured = Arc::new(Mutex::new(Vec::new()));
        let log = captured.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_millis(300)));
                let mut buf = [0u8; 65536];
                let mut got = Vec::new();
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                    if got.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                log.lock().unwrap().extend_from_slice(&got);
                let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            }
        });
        RecordingProxy {
            url: format!("http://127.0.0.1:{port}"),
            captured,
        }
    }

    pub fn captured(&self) -> String {
        String::from_utf8_lossy(&self.captured.lock().unwrap()).into_owned()
    }
}
