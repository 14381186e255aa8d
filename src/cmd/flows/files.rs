//! Which files `samltrace har FILE...` reads: each FILE, `-` for stdin, and the captures in a
//! directory (`*.har`, and `*.json` files that are HAR files or SAML-tracer exports), walking
//! subdirectories with `--recursive`. Other JSON files in a directory (a manifest, an
//! `.expected.json`) are skipped with one note, and so, without `--recursive`, is each
//! subdirectory.

use std::fs;
use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};

use samltrace::capture;

use crate::cmd::Fatal;

/// One capture to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Stdin,
    Path(PathBuf),
}

/// What the FILE arguments name.
#[derive(Debug, Default)]
pub struct Files {
    pub sources: Vec<Found>,
    /// One line for each argument that names nothing readable.
    pub unreadable: Vec<String>,
    /// What was skipped in directories, one line each.
    pub notes: Vec<String>,
}

pub fn expand(args: &[String], recursive: bool) -> Result<Files, Fatal> {
    let mut args = args.to_vec();
    if args.is_empty() {
        if io::stdin().is_terminal() {
            return Err(Fatal::new(
                "no FILE given: pass a HAR file, a SAML-tracer export, a directory of them, or '-' for stdin",
            ));
        }
        args.push("-".into());
    }
    let mut files = Files::default();
    for arg in args {
        if arg == "-" {
            files.sources.push(Found::Stdin);
            continue;
        }
        match fs::metadata(&arg) {
            Ok(m) if m.is_dir() => directory(&mut files, Path::new(&arg), recursive),
            Ok(_) => files.sources.push(Found::Path(arg.into())),
            Err(e) => files.unreadable.push(format!(
                "{arg}: {e}: expected a HAR file, a directory, or '-' for stdin"
            )),
        }
    }
    Ok(files)
}

/// The captures of one directory argument, sorted, or one line saying it holds none.
fn directory(files: &mut Files, dir: &Path, recursive: bool) {
    let shown = dir.display();
    let mut walk = Walk {
        recursive,
        found: Vec::new(),
        skipped_json: Vec::new(),
        skipped_dirs: Vec::new(),
    };
    if let Err(e) = walk.dir(dir) {
        files.unreadable.push(format!("{shown}: {e}"));
        return;
    }
    if !walk.skipped_json.is_empty() {
        let names: Vec<String> = walk.skipped_json.iter().map(|p| quoted(p)).collect();
        files.notes.push(format!(
            "{shown}: skipped {} JSON file{} that {} neither a HAR file nor a SAML-tracer export: {}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            if names.len() == 1 { "is" } else { "are" },
            names.join(", ")
        ));
    }
    for sub in &walk.skipped_dirs {
        files.notes.push(format!(
            "{}: a subdirectory, skipped (--recursive reads subdirectories too)",
            sub.display()
        ));
    }
    if walk.found.is_empty() {
        files.unreadable.push(format!(
            "{shown}: the directory holds no HAR file or SAML-tracer export (*.har, *.json)"
        ));
    }
    walk.found.sort();
    files
        .sources
        .extend(walk.found.into_iter().map(Found::Path));
}

struct Walk {
    recursive: bool,
    found: Vec<PathBuf>,
    skipped_json: Vec<PathBuf>,
    skipped_dirs: Vec<PathBuf>,
}

impl Walk {
    fn dir(&mut self, dir: &Path) -> io::Result<()> {
        let mut entries: Vec<_> = fs::read_dir(dir)?.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !self.recursive {
                    self.skipped_dirs.push(path);
                } else if let Err(e) = self.dir(&path) {
                    self.skipped_dirs.push(path.join(format!("({e})")));
                }
                continue;
            }
            match extension(&path).as_deref() {
                Some("har") => self.found.push(path),
                Some("json") if is_capture(&path) => self.found.push(path),
                Some("json") => self.skipped_json.push(path),
                _ => {}
            }
        }
        Ok(())
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|x| x.to_str())
        .map(str::to_ascii_lowercase)
}

/// Whether a JSON file starts like a HAR file or a SAML-tracer export.
fn is_capture(path: &Path) -> bool {
    let mut head = Vec::with_capacity(4096);
    fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .is_ok_and(|_| capture::sniff(&head))
}

fn quoted(p: &Path) -> String {
    let name = p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    format!("{name:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        if let Some(parent) = dir.join(name).parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn a_directory_keeps_captures_and_notes_the_rest_once() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        write(d, "b.har", "{}");
        write(d, "a.json", r#"{"requests": []}"#);
        write(d, "manifest.json", r#"{"files": []}"#);
        write(d, "x.expected.json", "[]");
        write(d, "notes.txt", "hello");
        write(d, "sub/c.har", "{}");
        let arg = d.display().to_string();
        let files = expand(std::slice::from_ref(&arg), false).unwrap();
        assert_eq!(
            files.sources,
            [Found::Path(d.join("a.json")), Found::Path(d.join("b.har"))]
        );
        assert!(files.unreadable.is_empty());
        assert_eq!(files.notes.len(), 2, "{:?}", files.notes);
        assert!(
            files.notes[0].contains("skipped 2 JSON files"),
            "{:?}",
            files.notes
        );
        assert!(files.notes[0].contains("\"manifest.json\", \"x.expected.json\""));
        assert!(files.notes[1].contains("sub: a subdirectory, skipped (--recursive"));
        let deep = expand(&[arg], true).unwrap();
        assert_eq!(deep.sources.len(), 3);
        assert_eq!(deep.sources[2], Found::Path(d.join("sub/c.har")));
        assert_eq!(deep.notes.len(), 1, "only the JSON note: {:?}", deep.notes);
    }

    #[test]
    fn a_directory_without_captures_is_one_line() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "m.json", "{}");
        let files = expand(&[tmp.path().display().to_string()], false).unwrap();
        assert!(files.sources.is_empty());
        assert_eq!(files.unreadable.len(), 1);
        assert!(files.unreadable[0].contains("holds no HAR file"));
    }
}
