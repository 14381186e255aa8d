//! `samltrace explain`: reads the message (the arguments, or stdin for `-`), explains it with
//! the library and prints the text or JSON. Exit 0 when every message was recognised, 1 when
//! one got only the closest entries, 2 when there was nothing to explain.

use std::io::Write;

use samltrace::explain::{self, render};

use crate::cli::{ColorWhen, ExplainArgs, ExplainFormat};

use super::{Exit, Fatal, inputs, output};

pub fn run(args: ExplainArgs) -> Result<Exit, Fatal> {
    let text = message(&args.message)?;
    let explanations = explain::explain(&text).map_err(|e| Fatal::new(format!("explain: {e}")))?;
    let body = match args.format {
        ExplainFormat::Text => render::text(&explanations),
        ExplainFormat::Json => render::json(&explanations),
    };
    let mut out = output::stdout(ColorWhen::Auto);
    out.write_all(body.as_bytes())?;
    out.flush()?;
    Ok(if explanations.iter().all(|e| e.recognised()) {
        Exit::Clean
    } else {
        Exit::Problems
    })
}

/// The words given, joined by spaces, or stdin for a lone `-`.
fn message(words: &[String]) -> Result<String, Fatal> {
    if let [only] = words
        && only == "-"
    {
        let bytes = inputs::read_stdin_of("a GitLab message or log lines")
            .map_err(|e| Fatal::new(format!("explain: {e}")))?;
        return String::from_utf8(bytes).map_err(|e| {
            Fatal::new(format!(
                "explain: -: not UTF-8 text at byte {}: expected GitLab's message or log lines",
                e.utf8_error().valid_up_to()
            ))
        });
    }
    Ok(words.join(" "))
}
