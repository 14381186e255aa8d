//! Terminal output helpers: colour decided once, one line per failure, warning or note on
//! stderr (reports themselves are written by `printer`).

use std::io::Write;

use crate::cli::ColorWhen;

use super::Fatal;

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
