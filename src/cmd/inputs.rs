//! INPUT arguments as the pipeline's sources: a path, `-` for stdin, or the payload itself.
//! Nothing is read here; the pipeline streams captures and bounds everything else.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use samltrace::bounded::MAX_INPUT_BYTES;
use samltrace::pipeline::Source;

use super::Fatal;

/// One INPUT argument.
pub enum Input {
    Source(Named),
    /// An argument that names nothing readable, with the line that says so.
    Bad(String),
}

/// A readable INPUT: where to read it and the name its traces carry.
pub enum Named {
    Stdin,
    Path(PathBuf),
    /// A payload given on the command line, named `arg:N`.
    Inline {
        name: String,
        text: String,
    },
}

impl Named {
    pub fn source(&self) -> Source<'_> {
        match self {
            Named::Stdin => {
                prompt_on_terminal("a SAML message");
                Source::Reader {
                    name: "-",
                    reader: Box::new(io::stdin()),
                }
            }
            Named::Path(path) => Source::Path { path, name: None },
            Named::Inline { name, text } => Source::Bytes {
                name,
                bytes: text.as_bytes(),
            },
        }
    }
}

/// Every argument as an input, in order; no argument (and stdin not a terminal) means stdin.
pub fn classify(args: &[String]) -> Result<Vec<Input>, Fatal> {
    if args.is_empty() {
        if io::stdin().is_terminal() {
            return Err(Fatal::new(
                "no INPUT given: pass a file, '-' for stdin, or a payload (see samltrace --help)",
            ));
        }
        return Ok(vec![Input::Source(Named::Stdin)]);
    }
    Ok(args
        .iter()
        .enumerate()
        .map(|(i, a)| classify_one(i + 1, a))
        .collect())
}

fn classify_one(index: usize, arg: &str) -> Input {
    if arg == "-" {
        return Input::Source(Named::Stdin);
    }
    let path = Path::new(arg);
    match path.metadata() {
        Ok(m) if m.is_dir() => Input::Bad(format!(
            "{arg}: is a directory: expected a file holding a SAML message"
        )),
        Ok(_) => Input::Source(Named::Path(path.to_owned())),
        Err(_) if looks_like_payload(arg) => Input::Source(Named::Inline {
            name: format!("arg:{index}"),
            text: arg.to_owned(),
        }),
        Err(e) => Input::Bad(format!(
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

/// Standard input, bounded; `what` names what is read in the prompt shown on a terminal.
pub fn read_stdin_of(what: &str) -> Result<Vec<u8>, String> {
    prompt_on_terminal(what);
    samltrace::bounded::read_to_end(io::stdin().lock(), MAX_INPUT_BYTES)
        .map_err(|e| format!("-: {e}"))
}

/// On a terminal, says how to end what is typed.
fn prompt_on_terminal(what: &str) {
    if io::stdin().is_terminal() {
        eprintln!(
            "samltrace: reading {what} from the terminal; end with Ctrl-D (Ctrl-Z Enter on Windows)"
        );
    }
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

    #[test]
    fn arguments_become_sources_or_one_line_errors() {
        let all = classify(&["-".into(), "<x/>".into(), "/nonexistent/typo.xml".into()]).unwrap();
        assert!(matches!(all[0], Input::Source(Named::Stdin)));
        assert!(matches!(&all[1], Input::Source(Named::Inline { name, .. }) if name == "arg:2"));
        assert!(matches!(&all[2], Input::Bad(m) if m.starts_with("/nonexistent/typo.xml: ")));
        let dir = classify(&[std::env::temp_dir().display().to_string()]).unwrap();
        assert!(matches!(&dir[0], Input::Bad(m) if m.contains("is a directory")));
    }
}
