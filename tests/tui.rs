//! The real binary's terminal UI, driven in tmux as a user drives it: keys with `send-keys`, a
//! bracketed paste with `paste-buffer -p`, the screen read with `capture-pane`, a file edited
//! on disk, a resize, and the terminal checked after quitting (main screen, cursor shown,
//! cooked mode). Skipped, with a note, where tmux is missing.
//!
//! Each test runs its own tmux server (`-L`, no configuration file) on copies of the samples in
//! a temporary directory, so that nothing of the user's tmux or of `samples/` is touched.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const AT: &str = "2026-11-02T09:00:00Z";
const GROUP: &str = "https://gitlab.com/groups/acme";

fn tmux_missing() -> bool {
    let missing = Command::new("tmux").arg("-V").output().is_err();
    if missing {
        eprintln!("note: tmux is not installed: the TUI's tmux tests are skipped");
    }
    missing
}

/// A tmux server of our own with one window running a command.
struct Tmux {
    socket: String,
    dir: tempfile::TempDir,
}

impl Tmux {
    /// Copies the samples named into a temporary directory and starts `command` (in which
    /// `{dir}` stands for it) in a `width`×`height` window. The command's exit status is
    /// printed after it ends, with whether the terminal is back in canonical mode.
    fn start(name: &str, width: u16, height: u16, samples: &[&str], command: &str) -> Tmux {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        for s in samples {
            // By file name: `keys/idp.crt` is `{dir}/idp.crt`.
            let to = dir
                .path()
                .join(Path::new(s).file_name().expect("a file name"));
            std::fs::copy(root.join(s), to).expect("a sample copies");
        }
        let command = command.replace("{dir}", &dir.path().display().to_string());
        let script = format!(
            "{command}; echo \"EXIT=$?\"; stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon'; sleep 120"
        );
        let socket = format!("samltrace-{name}-{}", std::process::id());
        let t = Tmux { socket, dir };
        let (w, h) = (width.to_string(), height.to_string());
        t.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &w,
            "-y",
            &h,
            "sh",
            "-c",
            &script,
        ]);
        t
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p"]).stdout).into_owned()
    }

    fn format(&self, f: &str) -> String {
        let out = self.run(&["display-message", "-p", f]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Sends keys, then waits a moment as a person would between keys: keys that arrive
    /// together are taken for a paste.
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend(keys);
        self.run(&args);
        std::thread::sleep(Duration::from_millis(80));
    }

    /// The rows of the status line at the bottom of the screen, from the one that starts
    /// with `start`.
    fn status_from<'a>(screen: &'a str, start: &str) -> Vec<&'a str> {
        let lines: Vec<&str> = screen.lines().collect();
        let at = lines
            .iter()
            .rposition(|l| l.starts_with(start))
            .unwrap_or(lines.len());
        lines[at..]
            .iter()
            .copied()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }

    /// Pastes a file's text as a terminal paste: bracketed when the program asked for it.
    fn paste(&self, file: &Path) {
        let file = file.display().to_string();
        self.run(&["load-buffer", "-b", "p", &file]);
        self.run(&["paste-buffer", "-p", "-d", "-b", "p"]);
    }

    /// Waits until the screen satisfies `ok`, and returns it; fails with the last screen.
    fn wait(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("waited {timeout:?} for {what}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Tmux {
    /// Waits until the program has ended and the script has printed both its exit status and
    /// the terminal's mode (`icanon` or `-icanon`), which come a moment apart.
    fn wait_exit(&self, timeout: Duration) -> String {
        self.wait("the exit status and terminal mode", timeout, |s| {
            s.contains("EXIT=") && s.lines().any(|l| l.trim_start_matches('-') == "icanon")
        })
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The line of the list that shows a NameID: the list's rows start with a space, the detail
/// tabs' lines with their label.
fn row<'a>(screen: &'a str, name_id: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.contains(name_id) && l.starts_with(' '))
}

fn tui_command(extra: &str) -> String {
    format!(
        "'{}' tui --at {AT} --gitlab-group {GROUP} {extra}",
        env!("CARGO_BIN_EXE_samltrace")
    )
}

#[test]
fn lists_pastes_reloads_and_quits_cleanly() {
    if tmux_missing() {
        return;
    }
    let samples = [
        "identities.scim.json",
        "compare-match.xml",
        "compare-near-match.xml",
        "compare-not-found.xml",
    ];
    let command = tui_command(
        "--scim {dir}/identities.scim.json {dir}/compare-match.xml {dir}/compare-near-match.xml",
    );
    let t = Tmux::start("main", 80, 24, &samples, &command);
    let long = Duration::from_secs(20);

    // Both NameIDs (cut to the 80-column list), each with its verdict in words.
    let screen = t.wait("both messages with verdicts", long, |s| {
        row(s, "0b1d561c-21ff-4092-beab-").is_some_and(|r| r.contains("✓ match"))
            && row(s, "Bob@Example.com").is_some_and(|r| r.contains("≈ near match"))
    });
    assert!(
        screen.contains(" samltrace  2 messages from 2 files"),
        "{screen}"
    );

    // A pasted third response is added and selected: the details show it.
    t.paste(&t.path("compare-not-found.xml"));
    let screen = t.wait("the pasted response", long, |s| {
        row(s, "f00dfeed-0000-4000-8000-").is_some_and(|r| r.contains("✗ not found"))
    });
    assert!(
        screen.contains("From            paste 1"),
        "the paste is selected:\n{screen}"
    );

    // The identity file edited on disk the way editors do it (a new file renamed over it):
    // Bob's verdict follows within a second or two.
    let ids = t.path("identities.scim.json");
    let edited = std::fs::read_to_string(&ids)
        .expect("the list reads")
        .replace("\"bob@example.com\"", "\"Bob@Example.com\"");
    let tmp = t.path("identities.scim.json.tmp");
    std::fs::write(&tmp, edited).expect("the edit writes");
    std::fs::rename(&tmp, &ids).expect("the edit lands");
    let changed = Instant::now();
    t.wait("Bob's new verdict", Duration::from_secs(3), |s| {
        row(s, "Bob@Example.com").is_some_and(|r| r.contains("✓ match"))
    });
    assert!(changed.elapsed() < Duration::from_secs(3));

    // Resizing redraws at the new size: the wide layout has a SOURCE column and dates.
    t.run(&["resize-window", "-x", "160", "-y", "45"]);
    t.wait("the wide layout", long, |s| {
        s.contains("SOURCE") && s.contains("2026-11-02 09:00:00 Response")
    });

    // q quits with status 0, and the terminal is as it was.
    t.keys(&["q"]);
    let screen = t.wait_exit(long);
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(
        screen.lines().any(|l| l == "icanon"),
        "cooked mode:\n{screen}"
    );
    assert!(
        !screen.contains("samltrace"),
        "the main screen is back:\n{screen}"
    );
    assert_eq!(t.format("#{alternate_on}"), "0");
    assert_eq!(t.format("#{cursor_flag}"), "1");
}

#[test]
fn sigterm_restores_the_terminal() {
    if tmux_missing() {
        return;
    }
    let command = tui_command("{dir}/compare-match.xml");
    let t = Tmux::start("term", 80, 24, &["compare-match.xml"], &command);
    t.wait("the message", Duration::from_secs(20), |s| {
        s.contains("0b1d561c")
    });
    assert_eq!(t.format("#{alternate_on}"), "1");
    let shell = t.format("#{pane_pid}");
    let child = Command::new("pgrep")
        .args(["-P", &shell])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    if child.is_empty() {
        eprintln!("note: pgrep found no child of the pane's shell: SIGTERM test skipped");
        return;
    }
    for pid in child.lines() {
        Command::new("kill")
            .args(["-TERM", pid])
            .status()
            .expect("kill runs");
    }
    let screen = t.wait_exit(Duration::from_secs(10));
    assert!(
        screen.lines().any(|l| l == "icanon"),
        "cooked mode:\n{screen}"
    );
    // Regression: SIGTERM exited 0, as if the user had quit; a shell expects 128 + 15.
    assert!(screen.contains("EXIT=143"), "{screen}");
    assert_eq!(t.format("#{alternate_on}"), "0");
    assert_eq!(t.format("#{cursor_flag}"), "1");
}

#[test]
fn bare_samltrace_on_a_terminal_opens_the_tui() {
    if tmux_missing() {
        return;
    }
    let command = format!("cd {{dir}} && '{}'", env!("CARGO_BIN_EXE_samltrace"));
    let t = Tmux::start("bare", 80, 24, &[], &command);
    t.wait("the empty state", Duration::from_secs(20), |s| {
        s.contains("No SAML message yet: paste a SAML response")
    });
    t.keys(&["q"]);
    let screen = t.wait_exit(Duration::from_secs(10));
    assert!(screen.contains("EXIT=0"), "{screen}");
}

/// Regression (issue items 1 and 2): `i` with a URL that failed kept the earlier list's
/// verdicts as if nothing had happened, under a header naming the URL as their source, and the
/// error was cut to `✗ http:/…`. The verdicts are marked stale, the header names where the
/// list shown was read, and the status line holds the whole error at 120 and at 80 columns.
#[test]
fn a_failed_identity_reload_marks_verdicts_stale_and_shows_the_whole_error() {
    if tmux_missing() {
        return;
    }
    let samples = [
        "identities.scim.json",
        "compare-match.xml",
        "compare-near-match.xml",
    ];
    let command = format!(
        "SAMLTRACE_TOKEN=test-token {}",
        tui_command(
            "--scim {dir}/identities.scim.json {dir}/compare-match.xml {dir}/compare-near-match.xml"
        )
    );
    let t = Tmux::start("stale", 120, 35, &samples, &command);
    t.wait("the verdicts", Duration::from_secs(20), |s| {
        row(s, "Bob@Example.com").is_some_and(|r| r.contains("≈ near match"))
    });
    // Nothing listens on port 9 of the loopback: the fetch fails after its retries.
    t.keys(&["i"]);
    t.keys(&["C-u"]);
    t.keys(&["-l", "http://127.0.0.1:9/groups/acme"]);
    t.keys(&["Enter"]);
    let screen = t.wait("the reload to fail", Duration::from_secs(60), |s| {
        s.contains("(after ") || s.contains("os error")
    });
    for (w, h) in [(120, 35), (80, 24)] {
        t.run(&["resize-window", "-x", &w.to_string(), "-y", &h.to_string()]);
        // Wait for the program's own drawing at the new size (tmux first crops the old one):
        // the error whole at the bottom, its last row ending with the error's last character.
        let screen = t.wait(
            "the error whole at the new size",
            Duration::from_secs(10),
            |s| {
                let status = Tmux::status_from(s, "http://127.0.0.1:9/");
                s.lines().count() == h
                    && status.last().is_some_and(|l| l.trim_end().ends_with(')'))
                    && status.iter().all(|l| !l.contains('…'))
            },
        );
        let header = screen.lines().nth(1).unwrap_or_default();
        assert!(
            header.starts_with(" Identities ✗ stale: the last reload failed · 7 from "),
            "{screen}"
        );
        assert!(
            row(&screen, "Bob@Example.com").is_some_and(|r| r.contains("? near match")),
            "{screen}"
        );
        let status = Tmux::status_from(&screen, "http://127.0.0.1:9/");
        assert!(!status.is_empty(), "{screen}");
        if w == 80 {
            assert!(status.len() >= 2, "wrapped at {w}:\n{screen}");
        }
        assert!(
            status.iter().all(|l| !l.contains('…')),
            "not cut:\n{screen}"
        );
        let last = status.last().map(|l| l.trim_end()).unwrap_or_default();
        assert!(last.ends_with(')'), "the end of the error shows:\n{screen}");
    }
    drop(screen);
    t.keys(&["q"]);
    assert!(t.wait_exit(Duration::from_secs(10)).contains("EXIT=0"));
}

/// Regression (issue items 4 and 5): `/` on the XML tab with the focus on the list filtered the
/// messages (`n` then said "press / on the XML tab" with that tab open), and `/` opened on the
/// last search, so that typing appended to it. With real keys: `/` searches the XML from the
/// list, `n` goes to the next match, and `/` again opens empty, offering the last search.
#[test]
fn slash_on_the_xml_tab_searches_from_the_list_and_opens_empty() {
    if tmux_missing() {
        return;
    }
    let samples = ["compare-match.xml", "compare-near-match.xml"];
    let command = tui_command("{dir}/compare-match.xml {dir}/compare-near-match.xml");
    let t = Tmux::start("search", 80, 24, &samples, &command);
    let long = Duration::from_secs(20);
    t.wait("the messages", long, |s| s.contains("Bob@Example.com"));
    t.keys(&["5"]);
    t.keys(&["/"]);
    t.wait("the search prompt", long, |s| s.contains("Search the XML:"));
    t.keys(&["-l", "attributevalue"]);
    t.keys(&["Enter"]);
    let screen = t.wait("the first match", long, |s| s.contains("match 1 of "));
    assert!(
        screen.contains("2 messages from 2 files · judged"),
        "not filtered:\n{screen}"
    );
    t.keys(&["n"]);
    t.wait("the second match", long, |s| s.contains("match 2 of "));
    t.keys(&["/"]);
    let screen = t.wait("the prompt again", long, |s| s.contains("Search the XML:"));
    let last = screen.lines().rev().find(|l| !l.trim().is_empty());
    assert_eq!(
        last.map(str::trim_end),
        Some("Search the XML:    ↑ recalls attributevalue"),
        "empty, with the last search offered:\n{screen}"
    );
    t.keys(&["-l", "nameid"]);
    let screen = t.wait("the new search", long, |s| {
        s.contains("Search the XML: nameid")
    });
    assert!(!screen.contains("attributevaluenameid"), "{screen}");
    t.keys(&["Escape"]);
    t.keys(&["q"]);
    assert!(t.wait_exit(long).contains("EXIT=0"));
}

/// Regression (issue item 6): in a terminal without bracketed paste, a pasted payload arrives
/// as keys, and ran as commands: a `d` in the base64 deleted the selected message, the first `q`
/// quit. `send-keys -l` types the SAMLResponse as keys, all at once as a terminal pastes,
/// without the paste brackets: it is decoded as a paste, and nothing else happens.
#[test]
fn a_paste_without_brackets_is_decoded_not_run_as_commands() {
    if tmux_missing() {
        return;
    }
    let samples = ["compare-match.xml", "okta-email.b64"];
    let command = tui_command("{dir}/compare-match.xml");
    let t = Tmux::start("keypaste", 80, 24, &samples, &command);
    let long = Duration::from_secs(20);
    t.wait("the message", long, |s| s.contains("0b1d561c"));
    let b64 = std::fs::read_to_string(t.path("okta-email.b64")).expect("the sample reads");
    let b64 = b64.trim();
    assert!(b64.contains('q') && b64.contains('d') && b64.len() > 5000);
    t.keys(&["-l", b64]);
    let screen = t.wait("the pasted response", long, |s| {
        row(s, "alice@example.com").is_some()
    });
    assert!(!screen.contains("EXIT="), "it did not quit:\n{screen}");
    assert!(
        screen.contains(" samltrace  2 messages from 1 file and 1 paste"),
        "nothing deleted, the paste added:\n{screen}"
    );
    assert!(
        screen.contains("paste 1: a Response for alice@example.com"),
        "{screen}"
    );
    // Keys typed one at a time are still commands.
    t.keys(&["q"]);
    assert!(t.wait_exit(long).contains("EXIT=0"));
}

/// `tui --listen` (issue 14, item 5): a response posted to the local service provider appears
/// in the list as it arrives, judged against the identity list, and the header counts it.
#[test]
fn a_response_posted_to_tui_listen_appears_in_the_list() {
    use std::io::Write;
    if tmux_missing() {
        return;
    }
    let samples = ["identities.scim.json"];
    let command = tui_command("--scim {dir}/identities.scim.json --listen 127.0.0.1:0");
    let t = Tmux::start("listen", 160, 35, &samples, &command);
    let long = Duration::from_secs(20);
    let screen = t.wait("the listener", long, |s| {
        s.contains("listening on http://127.0.0.1:")
    });
    assert!(screen.contains(", 0 received"), "{screen}");
    let addr = screen
        .split("listening on http://")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .expect("the address in the header")
        .to_owned();
    use base64::Engine;
    let xml =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/compare-match.xml"))
            .expect("the sample reads");
    let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
    let body = format!(
        "SAMLResponse={}&RelayState=%2Facme",
        url::form_urlencoded::byte_serialize(b64.as_bytes()).collect::<String>()
    );
    let mut s = std::net::TcpStream::connect(&addr).expect("the listener accepts");
    write!(
        s,
        "POST /groups/acme/-/saml/callback HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("the request is sent");
    let mut reply = String::new();
    use std::io::Read;
    let _ = s.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    // The row appears first; its verdict follows from the judging thread (later on a busy
    // machine), so wait for both.
    let screen = t.wait("the response judged in the list", long, |s| {
        row(s, "0b1d561c-21ff-4092-beab-8154b17f82f2").is_some_and(|r| r.contains("match"))
            && s.contains(", 1 received")
    });
    let r = row(&screen, "0b1d561c-21ff-4092-beab-8154b17f82f2").unwrap_or_default();
    assert!(r.contains("match") && r.contains("listen:1"), "{screen}");
    t.keys(&["q"]);
    assert!(t.wait_exit(long).contains("EXIT=0"));
}

/// Issue 15, item 5: `F` shows the plan, `F` again for all messages, `A` asks, `y` makes the
/// changes through the stand-in GitLab on 127.0.0.1 and each result shows; the list is read
/// again (the verdicts turn to match), and the audit log in the current folder holds them.
#[test]
fn f_plans_and_a_applies_the_fix_through_gitlab() {
    use common::gitlab::{DAVE_GUID, FakeGitLab, SCIM_TOKEN, Switches, seed_people};
    if tmux_missing() {
        return;
    }
    let gl = FakeGitLab::start(seed_people(), Switches::default());
    let samples = [
        "compare-mismatch.xml",
        "compare-near-match.xml",
        "keys/idp.crt",
    ];
    let command = format!(
        "cd {{dir}} && SAMLTRACE_TOKEN={SCIM_TOKEN} '{}' tui --at {AT} --idp-cert idp.crt --scim {}/api/scim/v2/groups/acme compare-mismatch.xml compare-near-match.xml",
        env!("CARGO_BIN_EXE_samltrace"),
        gl.base
    );
    let t = Tmux::start("fix", 110, 40, &samples, &command);
    t.wait("the verdicts", Duration::from_secs(20), |s| {
        row(s, "dave@example.com").is_some_and(|r| r.contains("✗ mismatch"))
    });
    t.keys(&["F"]);
    let screen = t.wait("the plan", Duration::from_secs(10), |s| {
        s.contains("Fix plan  for the selected message")
    });
    assert!(screen.contains("1 change · 0 refused"), "{screen}");
    t.keys(&["F"]);
    let screen = t.wait("the plan for all", Duration::from_secs(10), |s| {
        s.contains("2 changes · 0 refused")
    });
    assert!(
        screen.contains(&format!("{DAVE_GUID} → dave@example.com")),
        "{screen}"
    );
    assert_eq!(gl.calls("PATCH"), 0, "nothing is sent before A and y");
    t.keys(&["A"]);
    t.wait("the question", Duration::from_secs(10), |s| {
        s.contains("Change 2 identities of group acme through the SCIM API? (y/n)")
    });
    t.keys(&["y"]);
    let screen = t.wait("both results", Duration::from_secs(30), |s| {
        s.contains("2 of 2 changes answered, done")
    });
    assert_eq!(screen.matches("applied (HTTP 204)").count(), 2, "{screen}");
    assert!(
        screen.contains("undo: samltrace scim fix --undo"),
        "{screen}"
    );
    assert_eq!(gl.calls("PATCH"), 2);
    assert_eq!(
        gl.scim_identity("dave@example.com").map(|i| i.user_id),
        Some(51)
    );
    // The list read again: both verdicts are matches now.
    let screen = t.wait("the new verdicts", Duration::from_secs(20), |s| {
        row(s, "dave@example.com").is_some_and(|r| r.contains("✓ match"))
            && row(s, "Bob@Example.com").is_some_and(|r| r.contains("✓ match"))
    });
    // The plan made again from the list read after: nothing left; the run's results stay.
    assert!(screen.contains("0 changes · 0 refused"), "{screen}");
    assert_eq!(screen.matches("applied (HTTP 204)").count(), 2, "{screen}");
    let logs: Vec<PathBuf> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".jsonl"))
        .collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let log = std::fs::read_to_string(&logs[0]).unwrap();
    assert_eq!(log.lines().count(), 4, "{log}");
    assert!(!log.contains(SCIM_TOKEN));
    t.keys(&["q"]);
    assert!(t.wait_exit(Duration::from_secs(10)).contains("EXIT=0"));
}

/// Issue 13: `tui --scim-log` and `8`: the Audit tab joins the IdP's SCIM requests, the list
/// and the messages, per person.
#[test]
fn the_audit_tab_shows_each_persons_chain() {
    if tmux_missing() {
        return;
    }
    let samples = [
        "scim-api_json.log",
        "identities.scim.json",
        "compare-mismatch.xml",
    ];
    let command = tui_command(
        "--scim {dir}/identities.scim.json --scim-log {dir}/scim-api_json.log {dir}/compare-mismatch.xml",
    );
    let t = Tmux::start("audit", 120, 40, &samples, &command);
    t.wait("the verdict", Duration::from_secs(20), |s| {
        row(s, "dave@example.com").is_some_and(|r| r.contains("✗ mismatch"))
    });
    t.keys(&["8"]);
    let screen = t.wait("the audit", Duration::from_secs(10), |s| {
        s.contains("10 people · 5 with something to fix")
    });
    assert!(screen.contains("! chain_broken"), "{screen}");
    assert!(screen.contains("9 SCIM requests from"), "{screen}");
    t.keys(&["q"]);
    assert!(t.wait_exit(Duration::from_secs(10)).contains("EXIT=0"));
}
