//! The TUI's layering, checked on its own sources: which of `src/tui`'s modules uses which,
//! read from the `super::` and `crate::tui::` paths of every file, must form no loop, and
//! `app` (the update side) and `layout` must never use `view`.
//!
//! Test code is left out (`tests.rs`, `testing.rs` and inline `mod tests`): the test harness
//! drives `update` and `render` together on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Which top-level module of `src/tui` uses which, with a file that shows it.
type Uses = BTreeMap<String, BTreeMap<String, PathBuf>>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join("tui")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file below `src/tui`: `app/commands.rs` is `[app, commands]`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments and its inline test module.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or("");
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The first names of the paths after a `super::…` or `crate::tui::` prefix: one, or each
/// item of a `{…}` group.
fn names_after(rest: &str) -> Vec<&str> {
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    let mut depth = 0;
    let mut items = Vec::new();
    let mut start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.into_iter().map(|i| ident(i.trim())).collect()
}

/// The top-level modules of `src/tui` that `code`, in module `at`, names.
fn used_by(code: &str, at: &[String], tops: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let before_ok = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let rest = &code[i..];
        let (base, after) = if before_ok && rest.starts_with("super::") {
            let mut n = 0;
            let mut r = rest;
            while let Some(next) = r.strip_prefix("super::") {
                n += 1;
                r = next;
            }
            (at.len().checked_sub(n).map(|k| &at[..k]), r)
        } else if before_ok && rest.starts_with("crate::tui::") {
            (Some(&at[..0]), &rest["crate::tui::".len()..])
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        for name in names_after(after) {
            let top = match base {
                Some([]) => name,
                Some([first, ..]) => first.as_str(),
                None => continue,
            };
            if tops.contains(top) && top != at[0] {
                out.insert(top.to_owned());
            }
        }
        i = code.len() - after.len();
    }
    out
}

fn uses() -> Uses {
    let root = root();
    let mut files = Vec::new();
    sources(&root, &mut files);
    let modules: Vec<(PathBuf, Vec<String>)> = files
        .into_iter()
        .map(|f| {
            let m = module_of(f.strip_prefix(&root).unwrap());
            (f, m)
        })
        .filter(|(_, m)| !m.is_empty())
        .collect();
    let tops: BTreeSet<String> = modules.iter().map(|(_, m)| m[0].clone()).collect();
    let mut uses = Uses::new();
    for (file, module) in &modules {
        let test_only = module
            .iter()
            .any(|p| p == "tests" || p == "testing" || p == "layering");
        if test_only {
            continue;
        }
        let code = code_of(&fs::read_to_string(file).unwrap());
        let entry = uses.entry(module[0].clone()).or_default();
        for top in used_by(&code, module, &tops) {
            entry.entry(top).or_insert_with(|| file.clone());
        }
    }
    uses
}

/// A loop of uses, if there is one, as the modules along it.
fn a_loop(uses: &Uses) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        uses: &Uses,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut found = path[at..].to_vec();
            found.push(m.to_owned());
            return Some(found);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_owned());
        for next in uses.get(m).into_iter().flat_map(BTreeMap::keys) {
            if let Some(found) = visit(next, uses, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(m.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    uses.keys()
        .find_map(|m| visit(m, uses, &mut Vec::new(), &mut done))
}

#[test]
fn the_scanner_resolves_paths_and_groups() {
    let tops: BTreeSet<String> = ["app", "view", "keys", "facts"].map(str::to_owned).into();
    let at = ["app".to_owned(), "commands".to_owned()];
    let code = "use super::super::{facts::Facts, keys};\nuse super::prompt;\nlet x = super::super::view::render;";
    let found: Vec<String> = used_by(code, &at, &tops).into_iter().collect();
    assert_eq!(found, ["facts", "keys", "view"]);
    assert!(used_by("use super::Tab;", &at, &tops).is_empty());
    let cyclic: Uses = [
        ("a".to_owned(), [("b".to_owned(), PathBuf::new())].into()),
        ("b".to_owned(), [("a".to_owned(), PathBuf::new())].into()),
    ]
    .into();
    assert_eq!(a_loop(&cyclic).map(|l| l.len()), Some(3));
}

/// Update deciding from the view's code is how the view's layout became app state by accident.
#[test]
fn update_never_uses_the_view() {
    let uses = uses();
    for side in ["app", "layout"] {
        let theirs = uses.get(side).expect("the module exists");
        assert!(
            !theirs.contains_key("view"),
            "{side} uses view in {:?}: move what both need to layout",
            theirs.get("view")
        );
    }
    assert!(
        !uses.get("layout").is_some_and(|l| l.contains_key("app")),
        "layout reads the state only through what tabs::Shown borrows"
    );
}

#[test]
fn src_tui_has_no_import_loop() {
    let uses = uses();
    assert!(uses.get("view").is_some_and(|v| v.contains_key("app")));
    assert_eq!(a_loop(&uses), None, "{uses:#?}");
}
