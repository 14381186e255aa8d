//! Reading INPUT arguments: a path, `-` for stdin, or the payload itself. Sizes are bounded.

use std::fs;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

/// The most one input may hold.
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// One input's name (as shown in output) and bytes.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads every argument; an unreadable one becomes a one-line error naming it.
pub fn read_all(args: &[String]) -> Vec<Result<Input, String>> {
    args.iter()
        .enumerate()
        .map(|(i, a)| read_one(i + 1, a))
        .collect()
}

fn read_one(index: usize, arg: &str) -> Result<Input, String> {
    if arg == "-" {
        return read_stdin().map(|bytes| Input {
            name: "-".into(),
            bytes,
        });
    }
    let path = Path::new(arg);
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(format!(
            "{arg}: is a directory: expected a file holding a SAML message"
        )),
        Ok(m) if m.len() > MAX_INPUT_BYTES => Err(format!(
            "{arg}: {} MiB is larger than the {} MiB an input may hold",
            m.len() >> 20,
            MAX_INPUT_BYTES >> 20
        )),
        Ok(_) => fs::read(path)
            .map(|bytes| Input {
                name: arg.into(),
                bytes,
            })
            .map_err(|e| format!("{arg}: {e}")),
        Err(_) if looks_like_payload(arg) => Ok(Input {
            name: format!("arg:{index}"),
            bytes: arg.as_bytes().to_vec(),
        }),
        Err(e) => Err(format!(
            "{arg}: {e}: expected a file, '-' for stdin, or a SAML payload"
        )),
    }
}

/// An argument that is not a file but is plainly a payload given inline.
fn looks_like_payload(arg: &str) -> bool {
    let t = arg.trim_start();
    t.starts_with('<')
        || t.starts_with("http://")
        || t.starts_with("https://")
        || t.contains("SAMLResponse=")
        || t.contains("SAMLRequest=")
        || t.contains("SAMLart=")
        || (t.len() >= 40
            && !t.contains('.')
            && t.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"+/=-_% \r\n\t".contains(&c)))
}

fn read_stdin() -> Result<Vec<u8>, String> {
    read_stdin_of("a SAML message")
}

/// Standard input, bounded; `what` names what is read in the prompt shown on a terminal.
pub fn read_stdin_of(what: &str) -> Result<Vec<u8>, String> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        eprintln!(
            "samltrace: reading {what} from the terminal; end with Ctrl-D (Ctrl-Z Enter on Windows)"
        );
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("-: {e}"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "-: more than the {} MiB an input may hold",
            MAX_INPUT_BYTES >> 20
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_detection() {
        assert!(looks_like_payload("<samlp:Response/>"));
        assert!(looks_like_payload("https://idp/sso?SAMLRequest=x"));
        assert!(looks_like_payload(
            "PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6dGM6U0FNTDoy"
        ));
        assert!(!looks_like_payload("samples/okta.b64"));
        assert!(!looks_like_payload("typo.xml"));
    }
}
