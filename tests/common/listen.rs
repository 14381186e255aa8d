//! `samltrace listen` run as a user runs it, for the listener tests: the real binary on port 0
//! of 127.0.0.1 (its address read from the line it prints), its output collected as it comes,
//! and a raw HTTP/1.1 client on a plain socket, so tests can send exactly the bytes they mean
//! (a cut-off head, a slow body, a 10 MB form) and read exactly what came back.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The signed samples' instant: every sample is valid then.
pub const AT: &str = "2026-11-02T09:00:00Z";
pub const GROUP: &str = "https://gitlab.com/groups/acme";
pub const IDP_CERT: &str = "samples/keys/idp.crt";
pub const SCIM: &str = "samples/identities.scim.json";

/// A running listener.
pub struct Listening {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

/// How the listener ended, and everything it printed.
pub struct Ended {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Ended {
    /// The NDJSON traces printed (`-f ndjson`).
    pub fn traces(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

/// One HTTP reply as received.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }
}

impl Listening {
    /// `samltrace listen --addr 127.0.0.1:0 ARGS…`, once it says where it listens.
    pub fn start(args: &[&str]) -> Listening {
        Listening::start_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args)
    }

    /// [`Listening::start`] with `dir` as the working directory.
    pub fn start_in(dir: &std::path::Path, args: &[&str]) -> Listening {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("samltrace"))
            .current_dir(dir)
            .env_remove("CLICOLOR_FORCE")
            .env_remove("SAMLTRACE_TOKEN")
            .env("NO_COLOR", "1")
            .args(["listen", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let out_pipe = child.stdout.take().expect("stdout");
        let err_pipe = child.stderr.take().expect("stderr");
        let readers = vec![
            read_bytes(out_pipe, Arc::clone(&stdout)),
            read_lines(err_pipe, Arc::clone(&stderr)),
        ];
        let mut l = Listening {
            child,
            addr: String::new(),
            stdout,
            stderr,
            readers,
        };
        l.wait_for_stderr("listening on http://", Duration::from_secs(30));
        let err = l.stderr();
        l.addr = err
            .split("listening on http://")
            .nth(1)
            .map(|rest| {
                let addr: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                    .collect();
                addr.trim_end_matches(':').to_owned()
            })
            .unwrap_or_else(|| panic!("no address in: {err}"));
        l
    }

    pub fn child_id(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    /// Waits until stderr holds `needle`; panics with what it holds after `timeout`.
    pub fn wait_for_stderr(&self, needle: &str, timeout: Duration) {
        let until = Instant::now() + timeout;
        while !self.stderr().contains(needle) {
            assert!(
                Instant::now() < until,
                "stderr never said {needle:?}: {}",
                self.stderr()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until stdout holds `n` lines.
    pub fn wait_for_lines(&self, n: usize, timeout: Duration) {
        let until = Instant::now() + timeout;
        while self.stdout().lines().count() < n {
            assert!(
                Instant::now() < until,
                "stdout has fewer than {n} lines: {}\nstderr: {}",
                self.stdout(),
                self.stderr()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).expect("the listener accepts");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s
    }

    /// Sends `raw` on a fresh connection and reads the reply to the end.
    pub fn send(&self, raw: &[u8]) -> Reply {
        let mut s = self.connect();
        s.write_all(raw).expect("the request is sent");
        read_reply(&mut s)
    }

    pub fn get(&self, target: &str) -> Reply {
        self.send(
            format!(
                "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.addr
            )
            .as_bytes(),
        )
    }

    /// POSTs a form body (already encoded).
    pub fn post_form(&self, path: &str, body: &str) -> Reply {
        self.send(
            format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                self.addr,
                body.len()
            )
            .as_bytes(),
        )
    }

    /// Stops it as Ctrl-C does and collects what it printed.
    pub fn interrupt(self) -> Ended {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        self.wait()
    }

    /// Waits for it to end by itself (`--count`), killing it after 60 s.
    pub fn wait(mut self) -> Ended {
        let until = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("the child can be waited for") {
                break s;
            }
            if Instant::now() > until {
                let _ = self.child.kill();
                panic!("the listener did not end: {}", self.stderr());
            }
            thread::sleep(Duration::from_millis(20));
        };
        for r in std::mem::take(&mut self.readers) {
            let _ = r.join();
        }
        Ended {
            status,
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_bytes(mut pipe: ChildStdout, into: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                return;
            }
            into.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    })
}

fn read_lines(pipe: ChildStderr, into: Arc<Mutex<String>>) -> JoinHandle<()> {
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { return };
            let mut s = into.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    })
}

/// Reads one reply to the end of the connection.
pub fn read_reply(s: &mut TcpStream) -> Reply {
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP reply: {text:?}"));
    Reply {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
pub fn form_value(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A sample file as base64 (the HTTP-POST binding's encoding).
pub fn sample_base64(name: &str) -> String {
    use base64::Engine;
    let bytes = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
