//! Helpers for running the real binary as a user runs it, and the stand-in GitLab.
#![allow(dead_code)]

pub mod gitlab;
pub mod hostile;
pub mod listen;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The binary, with colour off and a clean environment for colour decisions.
pub fn samltrace() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("samltrace"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .env_remove("SAMLTRACE_TOKEN");
    cmd
}

/// Runs the binary with `args` and returns its output.
pub fn run(args: &[&str]) -> Output {
    samltrace().args(args).output().expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs with `--format json` and parses stdout.
pub fn json(args: &[&str]) -> (serde_json::Value, Output) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = run(&all);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            stdout(&out),
            stderr(&out)
        )
    });
    (v, out)
}

pub fn sample(name: &str) -> String {
    format!("samples/{name}")
}

/// `../shared/corpus` beside the crate, when it is there.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.join("manifest.json").is_file().then_some(dir)
}
