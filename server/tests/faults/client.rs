//! A tiny HTTP/1.1 client over a plain TCP stream: one request per
//! connection (`Connection: close`), read to the end of the stream.
//!
//! Why not a client library: the kill tests write a request and kill the
//! server a few milliseconds later, so they need the bytes on the wire and
//! nothing else (no retries, no pooled connections that hide a dead
//! server). It uses only tokio's `net` feature (`readable`/`try_read`), so
//! it needs no feature the workspace does not already enable.

use std::io;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpStream;

/// How long one request may take before the test calls it hung.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// An answer as it came off the wire (chunked bodies decoded).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, or `Null` when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body for messages, cut to a readable length.
    pub fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        text.chars().take(500).collect()
    }

    /// The `trove_session=…` pair of a `Set-Cookie` header, if one sets it.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, value)| value.split(';').next())
            .map(str::trim)
            .find(|pair| pair.len() > "trove_session=".len() && pair.starts_with("trove_session="))
            .map(str::to_owned)
    }
}

/// Requests to one server as one person: the Host every request must carry
/// (the public URL's host and port), the Origin every change must carry,
/// and the session cookie once signed in.
#[derive(Debug, Clone)]
pub struct Client {
    /// `127.0.0.1:PORT`: where to connect, and the `Host` header.
    pub authority: String,
    /// `trove_session=…`, once signed in.
    pub cookie: Option<String>,
}

impl Client {
    pub fn new(port: u16) -> Self {
        Self {
            authority: format!("127.0.0.1:{port}"),
            cookie: None,
        }
    }

    /// The bytes of one request. Every request names the host; every
    /// request but a GET carries this site's Origin, as a browser would.
    pub fn request(
        &self,
        method: &str,
        target: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Vec<u8> {
        let authority = &self.authority;
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
             Accept: application/json\r\n"
        );
        if method != "GET" && method != "HEAD" {
            head.push_str(&format!("Origin: http://{authority}\r\n"));
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        if let Some(content_type) = content_type {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        if let Some(cookie) = &self.cookie {
            head.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        bytes
    }

    /// Sends one request; an error means no complete answer came back.
    pub async fn send(
        &self,
        method: &str,
        target: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> io::Result<Response> {
        let request = self.request(method, target, content_type, body);
        tokio::time::timeout(REQUEST_TIMEOUT, exchange(&self.authority, &request))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no answer in 60 s"))?
    }

    /// Sends one request that must be answered (any status).
    async fn answered(
        &self,
        method: &str,
        target: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Response {
        self.send(method, target, content_type, body)
            .await
            .unwrap_or_else(|error| panic!("{method} {target}: no answer: {error}"))
    }

    pub async fn get(&self, target: &str) -> Response {
        self.answered("GET", target, None, b"").await
    }

    pub async fn post_json(&self, target: &str, body: &Value) -> Response {
        self.answered(
            "POST",
            target,
            Some("application/json"),
            body.to_string().as_bytes(),
        )
        .await
    }

    pub async fn post_form(&self, target: &str, body: &str) -> Response {
        self.answered(
            "POST",
            target,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        )
        .await
    }

    /// Uploads one file as the browser does (multipart field `file`).
    pub async fn upload(&self, space: &str, name: &str, bytes: &[u8]) -> Response {
        let (content_type, body) = multipart_file(name, bytes);
        self.answered(
            "POST",
            &format!("/api/upload?space={}", encode(space)),
            Some(&content_type),
            &body,
        )
        .await
    }
}

pub use crate::harness::multipart_file;

/// Percent-encodes everything but RFC 3986's unreserved characters, for
/// query strings and form bodies.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Connects, writes the request, reads the answer to the end.
async fn exchange(authority: &str, request: &[u8]) -> io::Result<Response> {
    let stream = TcpStream::connect(authority).await?;
    write_all(&stream, request).await?;
    let raw = read_to_end(&stream).await?;
    parse_response(&raw)
}

pub async fn connect(authority: &str) -> io::Result<TcpStream> {
    TcpStream::connect(authority).await
}

pub async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        stream.writable().await?;
        match stream.try_write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => continue,
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Reads until the server closes the connection.
pub async fn read_to_end(stream: &TcpStream) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut chunk = vec![0_u8; 64 * 1024];
    loop {
        stream.readable().await?;
        match stream.try_read(&mut chunk) {
            Ok(0) => return Ok(out),
            Ok(n) => out.extend_from_slice(&chunk[..n]),
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => continue,
            Err(error) => return Err(error),
        }
    }
}

/// Reads until the end of an answer's head (`\r\n\r\n`), leaving the
/// connection open: proof that the server took the connection and served.
pub async fn read_head(stream: &TcpStream) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut chunk = vec![0_u8; 64 * 1024];
    while find(&out, b"\r\n\r\n").is_none() {
        stream.readable().await?;
        match stream.try_read(&mut chunk) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => out.extend_from_slice(&chunk[..n]),
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => continue,
            Err(error) => return Err(error),
        }
    }
    Ok(out)
}

fn malformed(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Status line, headers and body of a complete HTTP/1.1 answer. A body
/// shorter than its `Content-Length`, or a chunked body without its last
/// chunk, is an error: the answer was cut off.
pub fn parse_response(raw: &[u8]) -> io::Result<Response> {
    let end = find(raw, b"\r\n\r\n").ok_or_else(|| malformed("no end of headers"))?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| malformed("headers not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| malformed("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
    };
    let rest = &raw[end + 4..];
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    response.body = if chunked {
        decode_chunked(rest)?
    } else if let Some(length) = response
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        if rest.len() < length {
            return Err(malformed("body shorter than its Content-Length"));
        }
        rest[..length].to_vec()
    } else {
        rest.to_vec()
    };
    Ok(response)
}

fn decode_chunked(mut data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n").ok_or_else(|| malformed("chunk size cut off"))?;
        let line =
            std::str::from_utf8(&data[..line_end]).map_err(|_| malformed("chunk size not text"))?;
        let size_hex = line.split(';').next().unwrap_or_default().trim();
        let size =
            usize::from_str_radix(size_hex, 16).map_err(|_| malformed("chunk size not hex"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            // Trailers, if any, are not needed.
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err(malformed("chunk cut off"));
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

#[test]
fn chunked_and_sized_answers_parse() {
    let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: trove_session=abc; Path=/\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n";
    let response = parse_response(raw).unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"Wikipedia");
    assert_eq!(
        response.session_cookie().as_deref(),
        Some("trove_session=abc")
    );
    let raw = b"HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}";
    let response = parse_response(raw).unwrap();
    assert_eq!(
        (response.status, response.json()),
        (404, serde_json::json!({}))
    );
    assert!(parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort").is_err());
    assert!(
        parse_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc").is_err()
    );
    assert_eq!(encode("a b@c/é"), "a%20b%40c%2F%C3%A9");
}
