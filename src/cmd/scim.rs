//! `samltrace scim fetch SOURCE [-o FILE]`: read a whole identity list from GitLab and save it
//! in samltrace's own format, which `--scim FILE` reads back. The file is written atomically
//! and only when the whole list arrived.

use std::io::Write;

use crate::cli::{FetchArgs, ScimCommand};
use samltrace::scim::{self, Client, ClientConfig, Source};

use super::identities::{Bar, read_token, timeout};
use super::{Exit, Fatal};

pub fn run(command: ScimCommand) -> Result<Exit, Fatal> {
    match command {
        ScimCommand::Fetch(args) => fetch(args),
        ScimCommand::Audit(args) => super::audit::run(*args),
        ScimCommand::Fix(args) => super::fix::run(*args),
    }
}

fn fetch(args: FetchArgs) -> Result<Exit, Fatal> {
    let remote = match Source::parse(&args.source).map_err(|e| Fatal::new(e.to_string()))? {
        Source::Remote(r) => r,
        Source::File(_) => {
            return Err(Fatal::new(format!(
                "{}: not a URL: expected a SCIM base URL (https://HOST/api/scim/v2/groups/GROUP) or a group URL (https://HOST/groups/GROUP)",
                samltrace::redact::urls::text(&args.source)
            )));
        }
    };
    let token = read_token(args.token_file.as_deref())?;
    let client = Client::new(
        token,
        ClientConfig {
            saml_identities: args.saml_identities,
            timeout: timeout(args.timeout)?,
            ..ClientConfig::default()
        },
    );
    let bar = Bar::new();
    let result = client.fetch(&remote, &|p| bar.show(&p));
    bar.done();
    let list = result.map_err(|e| Fatal::new(e.to_string()))?;
    let text = scim::render_saved(&list, &jiff::Timestamp::now().to_string());
    match &args.output {
        Some(path) => {
            scim::write_atomically(path, &text).map_err(|e| Fatal::new(e.to_string()))?;
            eprintln!(
                "samltrace: saved {} identities from {} to {}",
                list.identities.len(),
                list.input,
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(Exit::Clean)
}
