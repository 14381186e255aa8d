//! What a first-time user types: completions, the manual page, and a mistyped subcommand.

mod common;

use std::process::Command;

use common::{run, stderr, stdout};

fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("{tool} is missing in CI (.ci/run installs it)");
    }
    if !found {
        eprintln!("skipped: {tool} is not installed");
    }
    found
}

#[test]
fn completions_are_generated_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _samltrace"),
        ("zsh", "#compdef samltrace"),
        ("fish", "complete -c samltrace"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[samltrace]"),
    ] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("compare") && script.contains("sanitize"),
            "{shell}"
        );
    }
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("possible values: bash"),
        "{}",
        stderr(&out)
    );
}

/// The bash script, loaded in a real bash, completes subcommands, flags and values.
#[test]
fn bash_completes_subcommands_flags_and_values() {
    if !have("bash") {
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin!("samltrace");
    let complete = |words: &[&str]| {
        let cword = words.len() - 1;
        let script = format!(
            "source <('{}' completions bash); COMP_WORDS=({}); COMP_CWORD={cword}; \
             _samltrace samltrace '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            bin.display(),
            words
                .iter()
                .map(|w| format!("'{w}'"))
                .collect::<Vec<_>>()
                .join(" "),
            words[cword],
            words[cword - 1],
        );
        let out = Command::new("bash")
            .args(["-c", &script])
            .output()
            .expect("bash runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        complete(&["samltrace", "com"])
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["compare", "completions"]
    );
    assert!(complete(&["samltrace", "har", "--fo"]).contains("--format"));
    assert!(complete(&["samltrace", "completions", ""]).contains("powershell"));
}

#[test]
fn the_man_page_renders() {
    let out = run(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let roff = stdout(&out);
    assert!(roff.contains(".TH samltrace 1"), "{roff}");
    assert!(roff.contains(".SH SUBCOMMANDS"), "{roff}");
    if !have("groff") {
        return;
    }
    let mut child = Command::new("groff")
        .args(["-man", "-Tutf8", "-P", "-cbou"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("groff runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(roff.as_bytes())
        .expect("written");
    let shown = child.wait_with_output().expect("groff ends");
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains("SUBCOMMANDS") && text.contains("samltrace-har"),
        "{text}"
    );
}

#[test]
fn a_mistyped_subcommand_gets_a_suggestion() {
    for (args, meant) in [
        (&["decod", "f"][..], "samltrace decode"),
        (&["comapre"][..], "samltrace compare"),
        (&["har", "sanitze", "x.har"][..], "samltrace har sanitize"),
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("did you mean `{meant}`?")),
            "{args:?}: {err}"
        );
        assert!(!err.contains("No such file or directory"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // A real file of that name is read, not second-guessed; a word far from any command is a file.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("decod"), "not saml").expect("written");
    let out = common::samltrace()
        .current_dir(dir.path())
        .arg("decod")
        .output()
        .expect("runs");
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
    let out = run(&["missing-file.xml"]);
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
}

/// Rough edges a first user met (issue 16), each as it was measured.
#[test]
fn rough_edges_a_first_user_met() {
    // `--at` with a space for the T, as people type it.
    let out = run(&[
        "--at",
        "2026-11-02 09:01:00",
        &common::sample("okta-email.b64"),
    ]);
    assert!(!stderr(&out).contains("no time of day"), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("GitLab would accept it"),
        "judged at that time, the sample is in its window: {}",
        stdout(&out)
    );
    // RelayState is in the text report.
    let out = run(&[&common::sample("entra-persistent.form")]);
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.trim_start().starts_with("RelayState") && l.contains("/acme/platform")),
        "{}",
        stdout(&out)
    );
    // The `-f xml` comment names its input.
    let out = run(&[
        "-f",
        "xml",
        &common::sample("okta-email.b64"),
        &common::sample("google.xml"),
    ]);
    let text = stdout(&out);
    let comments: Vec<&str> = text.lines().filter(|l| l.starts_with("<!--")).collect();
    assert_eq!(comments.len(), 2, "{text}");
    assert!(
        comments[0].contains("samples/okta-email.b64 · base64"),
        "{comments:?}"
    );
    assert!(comments[1].contains("samples/google.xml"), "{comments:?}");
    // A JSON array is JSON.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("list.json");
    std::fs::write(&path, "[1, 2]").expect("written");
    let out = run(&["har", &path.to_string_lossy()]);
    assert!(
        stderr(&out).contains("JSON, but not a HAR file: it is an array"),
        "{}",
        stderr(&out)
    );
}
