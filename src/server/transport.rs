//! Reading JSON-RPC messages in `Content-Length` frames, defensively.
//!
//! `lsp_server::Message::read` trusts the `Content-Length` header (it
//! allocates that many bytes at once, so a bogus length aborts the process)
//! and lets a bad frame end its reader. This reader bounds header lines and
//! bodies, skips what it cannot use without allocating it, and says what
//! was wrong, so the server logs it and reads on.

use std::io::{self, BufRead, Read};

use lsp_server::Message;

/// Largest header line accepted.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// Largest message body accepted: a full-text change of the largest file
/// the loader reads (64 MiB), escaped as JSON, fits.
pub const MAX_BODY: u64 = 256 * 1024 * 1024;

/// One frame read from the input.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// A frame that was not a message; the input goes on after it.
    Malformed(String),
}

/// The next frame; `Ok(None)` at the end of the input.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<u64> = None;
    let mut bad_header: Option<String> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        let n = input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            // The end of the input, maybe inside a header: nothing more.
            return Ok(None);
        }
        if !line.ends_with(b"\n") {
            // An overlong line: skip the rest of it.
            skip_line(input)?;
            bad_header.get_or_insert_with(|| "a header line is too long".to_string());
            saw_header = true;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !saw_header {
                // Blank lines between frames are tolerated.
                continue;
            }
            break;
        }
        saw_header = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<u64>() {
                    Ok(n) => length = Some(n),
                    Err(_) => {
                        bad_header.get_or_insert_with(|| {
                            format!("invalid Content-Length `{}`", value.trim())
                        });
                    }
                }
            }
            Some(_) => {}
            None => {
                bad_header.get_or_insert_with(|| format!("malformed header line `{text}`"));
            }
        }
    }
    let Some(length) = length else {
        return Ok(Some(Frame::Malformed(
            bad_header.unwrap_or_else(|| "a frame without Content-Length".to_string()),
        )));
    };
    if length > MAX_BODY {
        io::copy(&mut input.by_ref().take(length), &mut io::sink())?;
        return Ok(Some(Frame::Malformed(format!(
            "a message of {length} bytes, more than the limit of {MAX_BODY}; skipped"
        ))));
    }
    let mut body = Vec::new();
    let got = input.by_ref().take(length).read_to_end(&mut body)?;
    if (got as u64) < length {
        return Ok(None);
    }
    if let Some(e) = bad_header {
        return Ok(Some(Frame::Malformed(e)));
    }
    Ok(Some(match serde_json::from_slice::<Message>(&body) {
        Ok(m) => Frame::Message(m),
        Err(e) => Frame::Malformed(format!("not a JSON-RPC message: {e}")),
    }))
}

fn skip_line(input: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|b| *b == b'\n') {
            Some(i) => {
                input.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                input.consume(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn read_all(input: &[u8]) -> Vec<String> {
        let mut c = Cursor::new(input.to_vec());
        let mut out = Vec::new();
        while let Some(f) = read(&mut c).unwrap() {
            out.push(match f {
                Frame::Message(Message::Request(r)) => format!("request {}", r.method),
                Frame::Message(Message::Notification(n)) => format!("notification {}", n.method),
                Frame::Message(Message::Response(r)) => format!("response {}", r.id),
                Frame::Malformed(e) => format!("malformed: {e}"),
            });
        }
        out
    }

    #[test]
    fn frames_in_a_row() {
        let input = format!(
            "{}{}",
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#)
        );
        assert_eq!(
            read_all(input.as_bytes()),
            ["request initialize", "notification exit"]
        );
    }

    #[test]
    fn headers_are_case_insensitive_and_may_end_in_lf() {
        let body = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let input = format!(
            "content-length:{}\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n\n{body}",
            body.len()
        );
        assert_eq!(read_all(input.as_bytes()), ["notification exit"]);
    }

    #[test]
    fn bad_frames_are_skipped() {
        let good = frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        let input = format!(
            "{}{}Content-Length: x\r\n\r\n{}Content-Length: {}\r\n\r\n{good}",
            frame("not json!"),
            frame(r#"{"jsonrpc":"2.0","id":null}"#),
            good,
            MAX_BODY + 1,
        );
        let out = read_all(input.as_bytes());
        assert!(
            out[0].starts_with("malformed: not a JSON-RPC message"),
            "{out:?}"
        );
        assert!(
            out[1].starts_with("malformed: not a JSON-RPC message"),
            "{out:?}"
        );
        assert_eq!(out[2], "malformed: invalid Content-Length `x`");
        assert_eq!(out[3], "notification exit");
        // The huge frame swallows what follows, as far as the input goes,
        // without allocating it.
        assert!(out[4].contains("more than the limit"), "{out:?}");
        assert_eq!(out.len(), 5);
    }

    #[test]
    fn a_truncated_input_ends() {
        assert!(read_all(b"Content-Length: 50\r\n\r\n{\"a\"").is_empty());
        assert!(read_all(b"Content-Length: 50\r\n").is_empty());
        assert!(read_all(b"").is_empty());
    }

    #[test]
    fn an_overlong_header_line_is_skipped() {
        let mut input = vec![b'x'; 20_000];
        input.extend_from_slice(b"\r\n\r\n");
        input.extend_from_slice(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#).as_bytes());
        assert_eq!(
            read_all(&input),
            ["malformed: a header line is too long", "notification exit"]
        );
    }
}
