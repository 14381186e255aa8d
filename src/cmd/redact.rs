//! `samltrace har sanitize IN [-o OUT] [--mask-key KEY]`: the library's sanitiser between a file
//! (or stdin) and a file (or stdout). A file is written beside OUT and renamed into place only
//! when the whole HAR was sanitised, so a failure never leaves half a HAR behind. The receipt
//! goes to stderr; the key never appears anywhere.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use samltrace::redact::{Receipt, sanitize};

use crate::cli::SanitizeArgs;
use crate::cmd::{Exit, Fatal, output};

pub(super) fn run(args: SanitizeArgs) -> Result<Exit, Fatal> {
    let input: Box<dyn Read> = if args.input == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file =
            File::open(&args.input).map_err(|e| Fatal::new(format!("{}: {e}", args.input)))?;
        Box::new(BufReader::with_capacity(1 << 17, file))
    };
    let key = args.mask_key.as_deref().filter(|k| !k.is_empty());
    if args.mask_key.is_some() && key.is_none() {
        return Err(Fatal::new("--mask-key: the key is empty"));
    }
    let receipt = match args.output.as_deref() {
        None | Some("-") => to_stdout(input, key, &args.input)?,
        Some(out) => to_file(input, key, &args.input, Path::new(out))?,
    };
    report(&receipt, &args);
    Ok(Exit::Clean)
}

fn to_stdout(input: Box<dyn Read>, key: Option<&str>, name: &str) -> Result<Receipt, Fatal> {
    let mut out = BufWriter::new(io::stdout().lock());
    let receipt = sanitize(input, &mut out, key).map_err(|e| fail(name, e))?;
    out.flush()?;
    Ok(receipt)
}

fn to_file(
    input: Box<dyn Read>,
    key: Option<&str>,
    name: &str,
    out: &Path,
) -> Result<Receipt, Fatal> {
    if name != "-" && same_file(Path::new(name), out) {
        return Err(Fatal::new(format!(
            "{}: OUT is the input itself: write the sanitised copy elsewhere",
            out.display()
        )));
    }
    let partial = partial_path(out);
    let file =
        File::create(&partial).map_err(|e| Fatal::new(format!("{}: {e}", partial.display())))?;
    let mut writer = BufWriter::new(file);
    let result = sanitize(input, &mut writer, key)
        .map_err(|e| fail(name, e))
        .and_then(|r| writer.flush().map(|()| r).map_err(Fatal::from));
    drop(writer);
    match result {
        Ok(receipt) => {
            fs::rename(&partial, out).map_err(|e| Fatal::new(format!("{}: {e}", out.display())))?;
            Ok(receipt)
        }
        Err(e) => {
            let _ = fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn fail(name: &str, e: samltrace::redact::SanitizeError) -> Fatal {
    Fatal::new(format!("{name}: {e}: nothing was written"))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// `OUT.partial` beside OUT.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// The receipt on stderr: what was removed, per kind.
fn report(receipt: &Receipt, args: &SanitizeArgs) {
    let target = args.output.as_deref().unwrap_or("stdout");
    output::note_line(
        &format!("sanitised {} into {target}", args.input),
        args.color,
    );
    let mut err = io::stderr().lock();
    for line in receipt.to_string().lines() {
        let _ = writeln!(err, "  {line}");
    }
    if args.mask_key.is_some() {
        let _ = writeln!(
            err,
            "  Masked messages no longer verify against their signatures; their structure is kept."
        );
    }
}
