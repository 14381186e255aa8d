//! Loading `--idp-cert`, `--idp-metadata`, `--fingerprint` (a check flag that also trusts a
//! matching certificate in the message, as GitLab does), `--sp-cert` and `--sp-key` into the
//! library's `dsig::Keys`: the files are read here (bounded), parsed by the library. GitLab's
//! entity ID (`--sp-entity-id`, `--gitlab-group`) tells the logout messages GitLab signed.

use std::fs;
use std::io::Read;
use std::path::Path;

use crate::cli::{CheckArgs, KeyArgs};
use samltrace::checks::GitLabGroup;
use samltrace::dsig::{Keys, SpKey, Trust};

use super::Fatal;

/// The most a key, certificate or metadata file may hold.
const MAX_KEY_FILE: u64 = 16 << 20;

/// Reads and checks every key flag; the first bad one stops the command.
pub fn load(args: &KeyArgs, checks: &CheckArgs) -> Result<Keys, Fatal> {
    let fingerprint = checks.fingerprint.as_deref();
    let mut trust = Trust::new();
    for path in &args.idp_cert {
        let (bytes, name) = read(path, "--idp-cert")?;
        trust
            .add_anchor(&bytes, &name)
            .map_err(fatal("--idp-cert"))?;
    }
    for path in &args.idp_metadata {
        let (bytes, name) = read(path, "--idp-metadata")?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Fatal::new(format!("--idp-metadata {name}: not UTF-8 XML")))?;
        trust
            .add_metadata(&text, &name)
            .map_err(fatal("--idp-metadata"))?;
    }
    if let Some(hex) = fingerprint {
        trust.add_fingerprint(hex).map_err(fatal("--fingerprint"))?;
    }
    let sp_key = match &args.sp_key {
        Some(path) => {
            let (bytes, name) = read(path, "--sp-key")?;
            Some(SpKey::from_bytes(&bytes, &name).map_err(fatal("--sp-key"))?)
        }
        None => None,
    };
    let mut sp_trust = Trust::new();
    for path in &args.sp_cert {
        let (bytes, name) = read(path, "--sp-cert")?;
        sp_trust
            .add_anchor(&bytes, &name)
            .map_err(fatal("--sp-cert"))?;
    }
    let group = checks
        .gitlab_group
        .as_deref()
        .and_then(|g| GitLabGroup::parse(g).ok());
    let sp_entity_id = checks
        .sp_entity_id
        .as_ref()
        .map(|id| id.trim().to_owned())
        .or_else(|| group.map(|g| g.sp_entity_id()));
    Ok(Keys {
        trust,
        sp_trust,
        sp_key,
        sp_entity_id,
    })
}

fn fatal<E: std::fmt::Display>(flag: &'static str) -> impl Fn(E) -> Fatal {
    move |e| Fatal::new(format!("{flag} {e}"))
}

fn read(path: &Path, flag: &str) -> Result<(Vec<u8>, String), Fatal> {
    let name = path.display().to_string();
    let file = fs::File::open(path).map_err(|e| Fatal::new(format!("{flag} {name}: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Fatal::new(format!("{flag} {name}: {e}")))?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        return Err(Fatal::new(format!(
            "{flag} {name}: larger than {} MiB: not a key, certificate or metadata file",
            MAX_KEY_FILE >> 20
        )));
    }
    Ok((bytes, name))
}
