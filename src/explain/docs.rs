//! `docs/gitlab-messages.md`: every message of the catalogue with its cause, checks and fix,
//! generated from the tables (a test keeps the file equal to [`markdown`]).
//!
//! Pure formatting.

use std::fmt::Write;

use super::catalogue::{self, DEBIAN_RUBY_SAML, Entry, RUBY_SAML};

/// The page.
pub fn markdown() -> String {
    let mut out = String::from(INTRO);
    let _ = writeln!(
        out,
        "\nruby-saml's words are version {RUBY_SAML}'s, the version GitLab runs; where Debian's\n\
         ruby-saml {DEBIAN_RUBY_SAML} words a message differently, the entry says so.\n"
    );
    frames(&mut out);
    out.push_str("\n## Messages\n\n| code | message | said by |\n|---|---|---|\n");
    for e in catalogue::entries() {
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {} |",
            e.code,
            e.code.to_lowercase(),
            cell(e.messages.first().copied().unwrap_or_default()),
            project(e)
        );
    }
    for e in catalogue::entries() {
        out.push('\n');
        entry(&mut out, e);
    }
    out
}

fn frames(out: &mut String) {
    out.push_str(
        "## Frames\n\nGitLab shows most reasons inside one of these; `samltrace explain`\n\
         recognises the frame and explains the reason inside.\n\n\
         | GitLab shows | where | what it means |\n|---|---|---|\n",
    );
    for f in catalogue::frames() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            cell(f.message),
            f.seen,
            f.meaning
        );
    }
}

fn entry(out: &mut String, e: &Entry) {
    let _ = writeln!(out, "### {}\n\n**{}**\n", e.code, e.title);
    for m in e.messages {
        let _ = writeln!(out, "> {m}\n");
    }
    let _ = writeln!(out, "- **Said by:** {}", e.source());
    if let Some(note) = e.debian_note() {
        let _ = writeln!(out, "- **Debian's ruby-saml {DEBIAN_RUBY_SAML}:** {note}");
    }
    let _ = writeln!(out, "- **Cause:** {}", e.cause);
    let _ = writeln!(out, "- **Detected by:** {}", detected_by(e));
    let _ = writeln!(out, "- **Fix:** {}", e.fix);
    let _ = writeln!(out, "- **Capture:** {}", e.capture);
    if let Some(s) = &e.docs {
        let _ = writeln!(
            out,
            "- **GitLab docs:** [{}]({}) ({})",
            s.heading,
            s.url(),
            s.page.title
        );
    }
}

fn detected_by(e: &Entry) -> String {
    let mut parts: Vec<String> = e
        .checks
        .iter()
        .map(|c| format!("[{c}](checks.md#{})", c.to_lowercase()))
        .collect();
    if !e.verdicts.is_empty() {
        let states: Vec<String> = e.verdicts.iter().map(|v| format!("`{v}`")).collect();
        parts.push(format!("`samltrace compare` verdict {}", states.join(", ")));
    }
    if parts.is_empty() {
        "no samltrace check yet".to_owned()
    } else {
        parts.join(", ")
    }
}

fn project(e: &Entry) -> &'static str {
    match e.said_by {
        catalogue::SaidBy::GitLab { .. } => "GitLab",
        catalogue::SaidBy::OmniauthSaml { .. } => "omniauth-saml",
        catalogue::SaidBy::RubySaml(_) => "ruby-saml",
    }
}

/// Text for a table cell: pipes escaped, backticks kept out of the code span.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('`', "'")
}

const INTRO: &str = "\
<!-- Generated from src/explain/catalogue/: edit the tables there, then run
     SAMLTRACE_UPDATE_DOCS=1 cargo test docs_gitlab_messages_md -->
# GitLab's SAML sign-in messages

`samltrace explain \"<message>\"` takes a message from GitLab's page (or a line of
`auth_json.log`) and says what it means, which samltrace checks detect the cause, how to fix it
and what to capture next. These are the messages it knows, verbatim; `%{name}` stands for a
value GitLab fills in, or for a part that appears only sometimes (`%{ + drift}`). Each has a
stable code: `GL` GitLab's own, `OM` omniauth-saml's, `RS` ruby-saml's.

GitLab shows omniauth-saml's and ruby-saml's reasons *humanized*: in lower case after the first
letter, underscores as spaces (`Saml response missing 'name id'`); samltrace matches them
either way.
";

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/gitlab-messages.md` is generated from the catalogue.
    #[test]
    fn docs_gitlab_messages_md_matches_the_catalogue() {
        crate::docgen::assert_fresh("gitlab-messages.md", &markdown(), "docs_gitlab_messages_md");
    }

    #[test]
    fn every_entry_has_a_section_and_a_table_row() {
        let page = markdown();
        for e in catalogue::entries() {
            assert!(page.contains(&format!("\n### {}\n", e.code)), "{}", e.code);
            assert!(page.contains(&format!("| [{}](#", e.code)), "{}", e.code);
        }
    }
}
