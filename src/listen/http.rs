//! The HTTP/1.1 a local service provider needs, and no more: a request head read with
//! `httparse` within fixed limits, a body framed by `Content-Length` only (no chunked bodies:
//! browsers post forms with a length, and one framing rule leaves no room for smuggling), and
//! replies that always carry the same strict security headers.
//!
//! Pure: bytes in, a head or a refusal out; a reply to bytes. The sockets are `server`'s.

use std::time::Duration;

/// The bounds every request is read within. A request over any of them is refused with a 4xx
/// before more of it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The request line and headers together.
    pub head_bytes: usize,
    /// How many headers.
    pub headers: usize,
    /// The body (a form with a SAMLResponse is a few KiB to a few hundred).
    pub body_bytes: usize,
    /// How long a client has to send a whole request, head and body, once it started.
    pub request_time: Duration,
    /// How long a kept-alive connection may wait for its next request.
    pub idle_time: Duration,
    /// Requests accepted per second, all clients together (with a burst of as many).
    pub rate: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            head_bytes: 16 << 10,
            headers: 64,
            body_bytes: 1 << 20,
            request_time: Duration::from_secs(10),
            idle_time: Duration::from_secs(5),
            rate: 1000,
        }
    }
}

/// The methods the service provider answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Other(String),
}

/// A request's head, as far as the service provider cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub method: Method,
    /// The request target as sent: `/acs`, `/login?RelayState=x`.
    pub target: String,
    pub host: Option<String>,
    /// The media type, lower case, without parameters: `application/x-www-form-urlencoded`.
    pub content_type: Option<String>,
    pub content_length: usize,
    /// The client wants the connection kept for another request.
    pub keep_alive: bool,
    /// `Expect: 100-continue`: the client waits for a go-ahead before sending the body.
    pub expect_continue: bool,
}

impl Head {
    /// The target's path, without the query.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The target's query, without the `?`.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// `POST /acs`, for a log line: the query is left out (it may carry a whole message).
    pub fn describe(&self) -> String {
        let method = match &self.method {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Other(m) => m,
        };
        let path: String = self.path().chars().take(120).collect();
        format!("{method} {path}")
    }
}

/// The status codes the service provider answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok = 200,
    Found = 302,
    BadRequest = 400,
    Forbidden = 403,
    NotFound = 404,
    MethodNotAllowed = 405,
    RequestTimeout = 408,
    LengthRequired = 411,
    PayloadTooLarge = 413,
    UriTooLong = 414,
    UnsupportedMediaType = 415,
    TooManyRequests = 429,
    HeadersTooLarge = 431,
    InternalError = 500,
    NotImplemented = 501,
    Unavailable = 503,
    VersionNotSupported = 505,
}

impl Status {
    pub fn code(self) -> u16 {
        self as u16
    }

    pub fn reason(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Found => "Found",
            Status::BadRequest => "Bad Request",
            Status::Forbidden => "Forbidden",
            Status::NotFound => "Not Found",
            Status::MethodNotAllowed => "Method Not Allowed",
            Status::RequestTimeout => "Request Timeout",
            Status::LengthRequired => "Length Required",
            Status::PayloadTooLarge => "Payload Too Large",
            Status::UriTooLong => "URI Too Long",
            Status::UnsupportedMediaType => "Unsupported Media Type",
            Status::TooManyRequests => "Too Many Requests",
            Status::HeadersTooLarge => "Request Header Fields Too Large",
            Status::InternalError => "Internal Server Error",
            Status::NotImplemented => "Not Implemented",
            Status::Unavailable => "Service Unavailable",
            Status::VersionNotSupported => "HTTP Version Not Supported",
        }
    }
}

/// Why a request is not served: its status and a lower-case reason for the log and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: Status,
    pub reason: String,
}

impl Refusal {
    pub fn new(status: Status, reason: impl Into<String>) -> Refusal {
        Refusal {
            status,
            reason: reason.into(),
        }
    }
}

/// Where the head ends in `buf` (just after the blank line), once it has arrived.
pub fn head_end(buf: &[u8]) -> Option<usize> {
    memchr::memmem::find(buf, b"\r\n\r\n").map(|i| i + 4)
}

/// Reads a complete head (up to and including its blank line) within `limits`.
pub fn parse_head(bytes: &[u8], limits: &Limits) -> Result<Head, Refusal> {
    if bytes.len() > limits.head_bytes {
        return Err(too_large_head(limits));
    }
    let mut headers = vec![httparse::EMPTY_HEADER; limits.headers];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(Refusal::new(
                Status::BadRequest,
                "the request head is cut off",
            ));
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Refusal::new(
                Status::HeadersTooLarge,
                format!("more than {} headers", limits.headers),
            ));
        }
        Err(e) => {
            return Err(Refusal::new(
                Status::BadRequest,
                format!("not an HTTP request: {e}"),
            ));
        }
    }
    head_of(&request)
}

fn too_large_head(limits: &Limits) -> Refusal {
    Refusal::new(
        Status::HeadersTooLarge,
        format!(
            "the request head is larger than {} KiB",
            limits.head_bytes >> 10
        ),
    )
}

fn head_of(request: &httparse::Request<'_, '_>) -> Result<Head, Refusal> {
    let method = match request.method.unwrap_or_default() {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        other => Method::Other(other.chars().take(16).collect()),
    };
    let minor = request.version.unwrap_or(1);
    let target = request.path.unwrap_or("/").to_owned();
    if !target.starts_with('/') {
        return Err(Refusal::new(
            Status::BadRequest,
            "the request target is not a path",
        ));
    }
    let mut head = Head {
        method,
        target,
        host: None,
        content_type: None,
        content_length: 0,
        keep_alive: minor >= 1,
        expect_continue: false,
    };
    let mut length: Option<usize> = None;
    for h in request.headers.iter() {
        let value = std::str::from_utf8(h.value).unwrap_or("").trim();
        match h.name.to_ascii_lowercase().as_str() {
            "host" => head.host = Some(value.to_owned()),
            "content-type" => head.content_type = Some(media_type(value)),
            "content-length" => {
                let n = value.parse::<usize>().map_err(|_| {
                    Refusal::new(Status::BadRequest, "Content-Length is not a number")
                })?;
                if length.is_some_and(|l| l != n) {
                    return Err(Refusal::new(
                        Status::BadRequest,
                        "two different Content-Length headers",
                    ));
                }
                length = Some(n);
            }
            "transfer-encoding" => {
                return Err(Refusal::new(
                    Status::NotImplemented,
                    "Transfer-Encoding is not accepted: send the body with a Content-Length",
                ));
            }
            "connection" => {
                let v = value.to_ascii_lowercase();
                if v.contains("close") {
                    head.keep_alive = false;
                } else if v.contains("keep-alive") {
                    head.keep_alive = true;
                }
            }
            "expect" if value.eq_ignore_ascii_case("100-continue") => {
                head.expect_continue = true;
            }
            _ => {}
        }
    }
    head.content_length = match (length, &head.method) {
        (Some(n), _) => n,
        (None, Method::Post) => {
            return Err(Refusal::new(
                Status::LengthRequired,
                "a POST needs a Content-Length",
            ));
        }
        (None, _) => 0,
    };
    Ok(head)
}

/// `application/x-www-form-urlencoded; charset=UTF-8` → `application/x-www-form-urlencoded`.
fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The Content-Security-Policy of every reply: nothing may load or run; only the page's own
/// style sheet (named by its hash) applies. No form may be submitted from it, and no site may
/// frame it.
pub fn content_security_policy(style_hash: Option<&str>) -> String {
    let style = match style_hash {
        Some(h) => format!("style-src 'sha256-{h}'"),
        None => "style-src 'none'".to_owned(),
    };
    format!(
        "default-src 'none'; {style}; img-src 'none'; form-action 'none'; \
         frame-ancestors 'none'; base-uri 'none'"
    )
}

/// A reply, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: Status,
    pub content_type: &'static str,
    /// Further headers (`Location`, `Allow`).
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// The base64 SHA-256 of the page's inline style sheet, allowed by the policy.
    pub style_hash: Option<String>,
}

impl Reply {
    pub fn new(status: Status, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into(),
            style_hash: None,
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    /// The reply as written on the connection; `head_only` leaves out the body (a HEAD
    /// request), `keep_alive` says whether another request may follow.
    pub fn to_bytes(&self, keep_alive: bool, head_only: bool) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
            self.status.code(),
            self.status.reason(),
            self.content_type,
            self.body.len()
        );
        let csp = content_security_policy(self.style_hash.as_deref());
        for (name, value) in [
            ("Content-Security-Policy", csp.as_str()),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
            ("Cache-Control", "no-store"),
            (
                "Connection",
                if keep_alive { "keep-alive" } else { "close" },
            ),
        ] {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        for (name, value) in &self.headers {
            // A value is ours, but a Location carries a URL: never let it end the header.
            let value: String = value.chars().filter(|c| !c.is_control()).collect();
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Head, Refusal> {
        parse_head(text.as_bytes(), &Limits::default())
    }

    #[test]
    fn a_form_post_is_read() {
        let head = parse(
            "POST /users/auth/saml/callback?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8088\r\n\
             Content-Type: application/x-www-form-urlencoded; charset=UTF-8\r\n\
             Content-Length: 12\r\nExpect: 100-continue\r\n\r\n",
        )
        .unwrap();
        assert_eq!(head.method, Method::Post);
        assert_eq!(head.path(), "/users/auth/saml/callback");
        assert_eq!(head.query(), Some("x=1"));
        assert_eq!(head.host.as_deref(), Some("127.0.0.1:8088"));
        assert_eq!(
            head.content_type.as_deref(),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(head.content_length, 12);
        assert!(head.keep_alive && head.expect_continue);
        assert_eq!(head.describe(), "POST /users/auth/saml/callback");
    }

    #[test]
    fn http_1_0_and_connection_close_end_the_connection() {
        assert!(!parse("GET / HTTP/1.0\r\n\r\n").unwrap().keep_alive);
        assert!(
            parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                .unwrap()
                .keep_alive
        );
        assert!(
            !parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
                .unwrap()
                .keep_alive
        );
    }

    #[test]
    fn framing_that_could_be_read_two_ways_is_refused() {
        let status = |text: &str| parse(text).map_err(|r| r.status).err();
        assert_eq!(
            status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Some(Status::NotImplemented)
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Some(Status::BadRequest)
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
            Some(Status::BadRequest)
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\n\r\n"),
            Some(Status::LengthRequired)
        );
        assert_eq!(
            status("GET http://x/ HTTP/1.1\r\n\r\n"),
            Some(Status::BadRequest)
        );
        assert_eq!(
            status("\x16\x03\x01garbage\r\n\r\n"),
            Some(Status::BadRequest)
        );
    }

    #[test]
    fn heads_over_the_limits_are_refused() {
        let limits = Limits::default();
        let many: String = (0..65).map(|i| format!("X-{i}: y\r\n")).collect();
        let r = parse(&format!("GET / HTTP/1.1\r\n{many}\r\n")).unwrap_err();
        assert_eq!(r.status, Status::HeadersTooLarge);
        let long = format!(
            "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
            "a".repeat(limits.head_bytes)
        );
        let r = parse(&long).unwrap_err();
        assert_eq!(r.status, Status::HeadersTooLarge);
        assert!(r.reason.contains("16 KiB"), "{}", r.reason);
    }

    #[test]
    fn the_head_ends_at_the_blank_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nbody"), Some(18));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n"), None);
    }

    #[test]
    fn every_reply_carries_the_security_headers() {
        let reply = Reply::new(Status::Found, "text/plain", "x").with_header(
            "Location",
            "https://idp.example.com/sso?a=1\r\nSet-Cookie: x=y",
        );
        let text = String::from_utf8(reply.to_bytes(false, false)).unwrap();
        assert!(text.starts_with("HTTP/1.1 302 Found\r\n"), "{text}");
        assert!(text.contains("Content-Security-Policy: default-src 'none'; style-src 'none';"));
        assert!(text.contains("form-action 'none'; frame-ancestors 'none'"));
        assert!(text.contains("X-Content-Type-Options: nosniff\r\n"));
        assert!(text.contains("Connection: close\r\n"));
        assert!(text.contains("Location: https://idp.example.com/sso?a=1Set-Cookie: x=y\r\n"));
        assert!(!text.contains("\r\nSet-Cookie"), "{text}");
        assert!(text.ends_with("\r\n\r\nx"));
        let head_only = reply.to_bytes(true, true);
        assert!(String::from_utf8(head_only).unwrap().ends_with(
            "keep-alive\r\nLocation: https://idp.example.com/sso?a=1Set-Cookie: x=y\r\n\r\n"
        ));
    }
}
