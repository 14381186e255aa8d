//! `samltrace har sanitize IN [-o OUT] [--mask-key KEY]`: the library's sanitiser between a file
//! (or stdin) and a file (or stdout); an OUT that is a directory (or ends with `/`) receives
//! `OUT/<IN's file name>`. A file is written beside its target and renamed into place only
//! when the whole HAR was sanitised, so a failure never leaves half a HAR, nor the partial
//! file, behind. The receipt goes to stderr; the key never appears anywhere.

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
    let (receipt, target) = match args.output.as_deref() {
        None | Some("-") => (to_stdout(input, key, &args.input)?, "stdout".to_owned()),
        Some(out) => {
            let target = target_path(&args.input, out)?;
            let receipt = to_file(input, key, &args.input, &target)?;
            (receipt, target.display().to_string())
        }
    };
    report(&receipt, &args, &target);
    Ok(Exit::Clean)
}

/// Where the copy of `input` goes for `-o OUT`: OUT itself, or `OUT/<input's file name>` when
/// OUT is a directory or ends with a separator. Refused, in one line, when that directory (or
/// the file's) does not exist.
fn target_path(input: &str, out: &str) -> Result<PathBuf, Fatal> {
    let path = Path::new(out);
    let names_dir = out.ends_with('/') || out.ends_with(std::path::MAIN_SEPARATOR);
    if path.is_dir() {
        if input == "-" {
            return Err(Fatal::new(format!(
                "{out}: is a directory and the HAR comes from stdin: name the output file"
            )));
        }
        let name = Path::new(input)
            .file_name()
            .ok_or_else(|| Fatal::new(format!("{input}: no file name to write into {out}")))?;
        return Ok(path.join(name));
    }
    if names_dir {
        let why = if path.exists() {
            "not a directory"
        } else {
            "no such directory: create it first, or name a file"
        };
        return Err(Fatal::new(format!("{out}: {why}")));
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(Fatal::new(format!(
            "{out}: directory {} does not exist",
            parent.display()
        )));
    }
    Ok(path.to_path_buf())
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
    let result = result.and_then(|receipt| {
        fs::rename(&partial, out)
            .map(|()| receipt)
            .map_err(|e| Fatal::new(format!("{}: {e}", out.display())))
    });
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}

fn fail(name: &str, e: samltrace::redact::SanitizeError) -> Fatal {
    match e {
        // The reader of stdout went away (`| head`): what it read was written; not an error.
        samltrace::redact::SanitizeError::Write(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            Fatal::from(e)
        }
        e => Fatal::new(format!("{name}: {e}: nothing was written")),
    }
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
fn report(receipt: &Receipt, args: &SanitizeArgs, target: &str) {
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
