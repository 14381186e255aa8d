//! `samltrace har sanitize`: placeholder while the sanitiser is written.

use crate::cli::SanitizeArgs;
use crate::cmd::{Exit, Fatal};

pub(super) fn run(_args: SanitizeArgs) -> Result<Exit, Fatal> {
    Err(Fatal::new("har sanitize: not yet"))
}
