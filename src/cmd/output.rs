//! Writing reports: colour decided once, text and JSON to stdout, one line per failure on stderr.

use std::io::Write;

use crate::cli::{ColorWhen, Format, OutputArgs};
use samltrace::report;
use samltrace::trace::Trace;

use super::Fatal;

/// Prints the traces in the chosen format and each failure on stderr.
pub fn print(traces: &[Trace], args: &OutputArgs) -> Result<(), Fatal> {
    let body = match args.format {
        Format::Text => report::text::render(traces),
        Format::Json => report::json::render(traces),
        Format::Ndjson => report::json::render_ndjson(traces),
        Format::Xml => pretty_xml(traces),
    };
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), color_choice(args.color));
    out.write_all(body.as_bytes())?;
    out.flush()?;
    for t in traces {
        if let Some(line) = t.error_line() {
            error_line(&line, args.color);
        }
    }
    Ok(())
}

/// One `samltrace: …` line on stderr, with the prefix coloured when colour is on.
pub fn error_line(message: &str, color: ColorWhen) {
    let style = anstyle::AnsiColor::Red
        .on_default()
        .effects(anstyle::Effects::BOLD);
    let mut err = anstream::AutoStream::new(std::io::stderr().lock(), color_choice(color));
    let safe = samltrace::sanitize::visible(message);
    let _ = writeln!(err, "{style}samltrace:{style:#} {safe}");
}

/// One `samltrace: note: …` line on stderr: how a flag was read, worth knowing but not an error.
pub fn note_line(message: &str, color: ColorWhen) {
    let style = anstyle::Style::new().effects(anstyle::Effects::DIMMED);
    let mut err = anstream::AutoStream::new(std::io::stderr().lock(), color_choice(color));
    let safe = samltrace::sanitize::visible(message);
    let _ = writeln!(err, "{style}samltrace: note:{style:#} {safe}");
}

/// One `samltrace: warning: …` line on stderr: something was read only in part.
pub fn warning_line(message: &str, color: ColorWhen) {
    let style = anstyle::AnsiColor::Yellow
        .on_default()
        .effects(anstyle::Effects::BOLD);
    let mut err = anstream::AutoStream::new(std::io::stderr().lock(), color_choice(color));
    let safe = samltrace::sanitize::visible(message);
    let _ = writeln!(err, "{style}samltrace: warning:{style:#} {safe}");
}

/// Standard output with colour decided once (escape codes removed when it is off).
pub fn stdout(color: ColorWhen) -> anstream::AutoStream<std::io::StdoutLock<'static>> {
    anstream::AutoStream::new(std::io::stdout().lock(), color_choice(color))
}

/// A dimmed closing line of the text report, after a blank line.
pub fn footer(line: &str, color: ColorWhen) -> Result<(), Fatal> {
    let style = anstyle::Style::new().effects(anstyle::Effects::DIMMED);
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), color_choice(color));
    writeln!(out, "\n{style}{line}{style:#}")?;
    out.flush()?;
    Ok(())
}

fn color_choice(when: ColorWhen) -> anstream::ColorChoice {
    match when {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    }
}

fn pretty_xml(traces: &[Trace]) -> String {
    traces
        .iter()
        .filter_map(|t| t.xml.clone())
        .filter_map(|xml| samltrace::xml::Document::parse(xml).ok())
        .map(|doc| report::xml::pretty(&doc))
        .collect::<Vec<_>>()
        .join("\n")
}
