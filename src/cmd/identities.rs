//! `--scim SOURCE`: identity lists read from files or fetched from GitLab (or, for a handful
//! of NameIDs and a SCIM URL, looked up with server-side filters), merged into one list, with
//! skipped rows and problems of the list reported on stderr.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::cli::{ColorWhen, IdentityArgs};
use samltrace::compare::{self, FixApi, percent_decode};
use samltrace::sanitize::is_zero_width;
use samltrace::scim::{
    self, Client, ClientConfig, Format, Identity, IdentityList, Progress, Remote, Source, Token,
};

use super::{Fatal, output};

/// At most this many NameIDs are looked up with filters; more read the whole list.
const LOOKUP_LIMIT: usize = 10;

/// The merged identities and where a fix is sent.
pub struct Loaded {
    pub identities: Vec<Identity>,
    pub fix: FixApi,
}

/// Whether the list would be read with filtered look-ups when few NameIDs are wanted (a SCIM
/// URL): the messages must then be judged before the list is read.
pub fn looks_up(args: &IdentityArgs) -> bool {
    !args.saml_identities
        && args
            .scim
            .iter()
            .any(|v| matches!(Source::parse(v), Ok(Source::Remote(r)) if r.is_scim()))
}

/// Where fixes go: the list's API, or for a file (which says nothing of where it came from)
/// the group `--gitlab-group` names.
pub fn fix_api(list: FixApi, gitlab_group: Option<&str>) -> FixApi {
    match (list, gitlab_group) {
        (FixApi::Rest { base, .. }, Some(group)) if base.starts_with('$') => {
            Remote::parse(group).map_or_else(|_| FixApi::default(), |r| FixApi::from_remote(&r))
        }
        (fix, _) => fix,
    }
}

/// `--scim -` takes standard input, which can then hold nothing else: refused when the
/// messages would come from it too (`-`, or no INPUT at all).
pub fn check_stdin(args: &IdentityArgs, inputs: &[String]) -> Result<(), Fatal> {
    let list = args.scim.iter().filter(|v| *v == "-").count();
    let messages = inputs.is_empty() || inputs.iter().any(|i| i == "-");
    if list > 1 || (list == 1 && messages) {
        return Err(Fatal::new(
            "--scim -: standard input can be read once, and it would also have to hold the messages: give the messages as files or payloads, or the list as a file",
        ));
    }
    Ok(())
}

/// The values a filtered look-up needs: NameIDs and the emails or usernames of the people.
#[derive(Default)]
pub struct Wanted {
    pub name_ids: Vec<String>,
    pub people: Vec<String>,
}

pub fn load(args: &IdentityArgs, wanted: &Wanted, color: ColorWhen) -> Result<Loaded, Fatal> {
    let format: Format = args.scim_format.parse().map_err(fatal)?;
    let mut token = None;
    let mut fix = None;
    let mut lists = Vec::new();
    let mut partial = false;
    for value in &args.scim {
        let source = if value == "-" {
            None
        } else {
            Some(Source::parse(value).map_err(fatal)?)
        };
        let list = match source {
            None => {
                scim::files::load_reader("stdin", std::io::stdin().lock(), format).map_err(fatal)?
            }
            Some(Source::File(path)) => scim::load_file(&path, format).map_err(fatal)?,
            Some(Source::Remote(remote)) => {
                let token = match &token {
                    Some(t) => t,
                    None => token.insert(read_token(args.token_file.as_deref())?),
                };
                fix.get_or_insert_with(|| FixApi::from_remote(&remote));
                let config = ClientConfig {
                    saml_identities: args.saml_identities,
                    timeout: timeout(args.timeout)?,
                    ..ClientConfig::default()
                };
                fetch(&remote, token.clone(), config, wanted)?
            }
        };
        report_list(&list, color);
        partial |= list.partial;
        lists.push(list);
    }
    let mut identities = scim::merge_lists(lists);
    scim::join_people(&mut identities);
    if !partial {
        for problem in compare::list_problems(&identities) {
            output::error_line(&format!("warning: {}", problem.message), color);
        }
    }
    Ok(Loaded {
        identities,
        fix: fix.unwrap_or_default(),
    })
}

fn fatal(e: scim::ScimError) -> Fatal {
    Fatal::new(e.to_string())
}

/// The token from `--token-file`, else `SAMLTRACE_TOKEN`.
pub fn read_token(file: Option<&std::path::Path>) -> Result<Token, Fatal> {
    let env = std::env::var("SAMLTRACE_TOKEN").ok();
    Token::read(env.as_deref(), file).map_err(fatal)
}

/// `--timeout SECS` as a duration: more than 0, at most an hour.
pub fn timeout(secs: Option<f64>) -> Result<Duration, Fatal> {
    let Some(secs) = secs else {
        return Ok(scim::DEFAULT_TIMEOUT);
    };
    if !(secs > 0.0 && secs <= 3600.0) {
        return Err(Fatal::new(format!(
            "--timeout {secs}: expected a number of seconds above 0 and at most 3600"
        )));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn fetch(
    remote: &Remote,
    token: Token,
    config: ClientConfig,
    wanted: &Wanted,
) -> Result<IdentityList, Fatal> {
    let saml = config.saml_identities;
    let client = Client::new(token, config);
    if let Some((ids, people)) = lookups(remote, wanted, saml) {
        return client.lookup(remote, &ids, &people).map_err(fatal);
    }
    let bar = Bar::new();
    let result = client.fetch(remote, &|p| bar.show(&p));
    bar.done();
    result.map_err(fatal)
}

/// The filter values for a look-up, or `None` when the whole list must be read: not a SCIM
/// URL, too many NameIDs, or a value GitLab's filter cannot carry (a space or a quote).
fn lookups(remote: &Remote, wanted: &Wanted, saml: bool) -> Option<(Vec<String>, Vec<String>)> {
    let fits = |v: &str| !v.is_empty() && !v.contains([' ', '"']);
    if !remote.is_scim()
        || saml
        || wanted.name_ids.is_empty()
        || wanted.name_ids.len() > LOOKUP_LIMIT
    {
        return None;
    }
    let mut ids: Vec<String> = Vec::new();
    for n in &wanted.name_ids {
        let clean: String = n
            .chars()
            .filter(|c| !is_zero_width(*c))
            .collect::<String>()
            .trim()
            .to_owned();
        let unbraced = clean
            .trim_start_matches('{')
            .trim_end_matches('}')
            .to_owned();
        let decoded = percent_decode(&clean).unwrap_or_default();
        if !fits(n.trim()) {
            return None;
        }
        for v in [n.clone(), clean, unbraced, decoded] {
            if fits(&v) && !ids.contains(&v) {
                ids.push(v);
            }
        }
    }
    let mut people: Vec<String> = Vec::new();
    for p in wanted.people.iter().map(|p| p.trim()).filter(|p| fits(p)) {
        if !people.iter().any(|q| q.eq_ignore_ascii_case(p)) {
            people.push(p.to_owned());
        }
    }
    Some((ids, people))
}

/// Skipped rows and notes of one list, one line each on stderr.
fn report_list(list: &IdentityList, color: ColorWhen) {
    for issue in &list.skipped {
        output::error_line(
            &format!("warning: {} {issue} (row skipped)", list.input),
            color,
        );
    }
    for note in &list.notes {
        output::error_line(&format!("warning: {}: {note}", list.input), color);
    }
}

/// A one-line progress display on stderr, only when stderr is a terminal.
pub struct Bar {
    on: bool,
}

impl Bar {
    pub fn new() -> Bar {
        Bar {
            on: std::io::stderr().is_terminal(),
        }
    }

    pub fn show(&self, p: &Progress) {
        if !self.on {
            return;
        }
        let text = match p {
            Progress::Fetched {
                identities,
                total: Some(t),
            } => {
                let width = 30usize;
                let filled = (*identities * width)
                    .checked_div(*t as usize)
                    .unwrap_or(width)
                    .min(width);
                format!(
                    "[{}{}] {identities}/{t} identities",
                    "#".repeat(filled),
                    "-".repeat(width - filled)
                )
            }
            Progress::Fetched {
                identities,
                total: None,
            } => format!("{identities} records"),
            Progress::Waiting { status, seconds } => {
                format!("HTTP {status}: waiting {seconds} s before trying again")
            }
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
    }

    pub fn done(&self) {
        if self.on {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}
