//! The command line: clap derive structs only. Validation into a configuration happens in `cmd`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "samltrace",
    version,
    about = "Decode captured SAML messages and explain why a user cannot sign in",
    long_about = "Decode captured SAML messages and explain why a user cannot sign in.\n\n\
        INPUT is a file, '-' for stdin, or the payload itself: raw XML, base64 (standard, URL-safe, \
        wrapped, percent-encoded), a form body (SAMLResponse=…&RelayState=…), a query string, an \
        HTTP-Redirect URL, or the HTML of the IdP's auto-submit page. A file may hold several \
        payloads, one per line. A HAR file or SAML-tracer export is read as `samltrace har` reads \
        it.",
    after_help = "Exit status: 0 nothing wrong, 1 problems found, 2 could not do the job.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// With no subcommand, `samltrace INPUT...` decodes.
    #[command(flatten)]
    pub decode: DecodeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode captured SAML messages (the default when no subcommand is given).
    Decode(DecodeArgs),
    /// Compare each message's NameID with an identity list: match, near_match, mismatch,
    /// inactive, ambiguous or not_found, with the reason and the API call that fixes it.
    /// Takes the same arguments as decode; --scim is required.
    Compare(DecodeArgs),
    /// Identity lists from GitLab.
    #[command(subcommand)]
    Scim(ScimCommand),
    /// Every SAML message in HAR files and SAML-tracer exports, in order, decoded and checked.
    #[command(
        long_about = "Every SAML message in HAR files and SAML-tracer exports, in order, decoded and checked.\n\n\
        FILE is a HAR file (Chrome, Edge, Firefox, Safari, Playwright, proxies), a SAML-tracer \
        export, a directory of them (*.har and *.json), or '-' for stdin. Files of any size are \
        streamed, several in parallel; output keeps the order of the FILE arguments. Each \
        occurrence of a message is one trace; a message seen again (the IdP's form and the \
        browser's POST) points at the first with origin.duplicate_of. Messages are judged at \
        their entry's time unless --at is given.",
        after_help = "Exit status: 0 nothing wrong, 1 problems found (an error finding or a \
        message that cannot be decoded), 2 a FILE could not be read at all.",
        args_conflicts_with_subcommands = true
    )]
    Har(HarArgs),
    /// A terminal UI: paste or open SAML messages and see who each names, whether GitLab will
    /// link it, and why not (also what bare `samltrace` opens on a terminal).
    Tui(TuiArgs),
    /// What a GitLab SAML sign-in error message means: its cause, the checks that detect it,
    /// the fix, and what to capture next.
    Explain(ExplainArgs),
    /// A local service provider: point a test IdP app at http://127.0.0.1:8088/acs, sign in,
    /// and each message is decoded, checked, verified and compared as it arrives.
    Listen(ListenArgs),
    /// Print a shell completion script: `samltrace completions bash > ~/.local/share/bash-completion/completions/samltrace`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `samltrace man > ~/.local/share/man/man1/samltrace.1`.
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Args)]
#[command(
    long_about = "What a GitLab SAML sign-in error message means: its cause, the checks that \
        detect it, the fix, and what to capture next.\n\n\
        MESSAGE is the text from GitLab's page (the words may be given unquoted), or a line of \
        auth_json.log or production_json.log (its error or message field is read); '-' reads \
        the message or log lines from stdin. A message samltrace does not know gets the closest \
        ones it knows.",
    after_help = "Exit status: 0 every message recognised, 1 a message got only the closest \
        ones, 2 nothing to explain."
)]
pub struct ExplainArgs {
    /// The message, a JSON log line, or '-' for stdin.
    #[arg(value_name = "MESSAGE", required = true)]
    pub message: Vec<String>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// For a person.
    Text,
    /// One `samltrace/v1` JSON object.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct HarArgs {
    #[command(subcommand)]
    pub command: Option<HarCommand>,

    /// HAR files, SAML-tracer exports, directories of them, or '-' for stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,

    /// Read the captures in subdirectories of a directory FILE too.
    #[arg(short, long)]
    pub recursive: bool,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub checks: CheckArgs,

    #[command(flatten)]
    pub keys: KeyArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum HarCommand {
    /// Write a copy of a HAR (or a SAML-tracer export) that is safe to attach to a ticket:
    /// cookies, authorization and session headers, tokens, passwords and bodies without SAML
    /// removed; SAML kept intact.
    Sanitize(SanitizeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SanitizeArgs {
    /// The HAR file or SAML-tracer export to sanitise ('-' for stdin).
    #[arg(value_name = "IN")]
    pub input: String,

    /// Where to write the sanitised HAR (default: stdout). Never the input itself.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<String>,

    /// Also replace NameID and attribute values with a keyed hash (HMAC-SHA256), so traces can
    /// still be matched with `compare --mask-key KEY` without showing who they name.
    #[arg(
        long,
        value_name = "KEY",
        env = "SAMLTRACE_MASK_KEY",
        hide_env_values = true
    )]
    pub mask_key: Option<String>,

    /// When to colour the receipt on stderr.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Keys: ? shows them all. Paste a payload of any form at any time; o opens a file; / filters; q quits.\n\
        The files given (messages and identity lists) are watched and read again when they change."
)]
pub struct TuiArgs {
    /// Files of SAML messages (any form, several per file) or HAR captures and SAML-tracer
    /// exports; more can be opened or pasted later.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<std::path::PathBuf>,

    #[command(flatten)]
    pub checks: CheckArgs,

    #[command(flatten)]
    pub identities: IdentityArgs,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// Read the identity lists again this many seconds after each read ends (10 to 86400), so
    /// verdicts follow a list that changes; GitLab's rate limits and Retry-After are honoured.
    #[arg(long, value_name = "SECS")]
    pub refresh: Option<u64>,

    /// Also be a local service provider on this address (as `samltrace listen`): messages an
    /// IdP and a browser send to it appear in the list as they arrive.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// With --listen: listen on any address and serve any peer (loopback only otherwise).
    #[arg(long, requires = "listen")]
    pub allow_remote: bool,

    /// A record of what the IdP sent over SCIM, for the Audit tab (as `scim audit` reads it):
    /// GitLab's api_json.log or its Kibana export, or Entra ID's provisioning logs. Repeatable.
    #[arg(long = "scim-log", value_name = "FILE")]
    pub scim_logs: Vec<String>,
}

#[derive(Debug, Clone, Args)]
#[command(
    long_about = "A local service provider: point a test IdP app at it, sign in, and each message \
        is decoded, checked, verified and compared as it arrives, as `samltrace decode` would \
        (with the same flags).\n\n\
        Any path takes the HTTP-POST binding's form (SAMLResponse or SAMLRequest, RelayState) or \
        the HTTP-Redirect binding's query: /acs, /users/auth/saml/callback, \
        /groups/GROUP/-/saml/callback. The browser gets a page with the NameID, the verdicts and \
        the findings; the report is printed here. /metadata is the service provider's metadata \
        (entity ID and ACS URL from --gitlab-group, --sp-entity-id and --acs-url, else this \
        listener's own; --sp-cert for signing and encryption). /login sends the browser to the \
        IdP of --idp-metadata with a fresh AuthnRequest (signed with --sp-key and --sp-cert), \
        and the response is then checked against it.\n\n\
        Only this machine is served unless --allow-remote; nothing is written unless --save. \
        Ctrl-C stops.",
    after_help = "Exit status: 130 on Ctrl-C (143 on SIGTERM); with --count, as decode's: 0 \
        nothing wrong, 1 problems found, 2 a message could not be decoded."
)]
pub struct ListenArgs {
    /// The address to listen on: a loopback address (127.0.0.1, [::1], localhost) unless
    /// --allow-remote; port 0 lets the system choose.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8088")]
    pub addr: String,

    /// Listen on any address and serve other machines (anyone who can reach it can send it
    /// messages).
    #[arg(long)]
    pub allow_remote: bool,

    /// Save each message received, and each AuthnRequest sent, in DIR as a file `samltrace
    /// decode` reads back (a form body or a URL). Nothing is written without it.
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,

    /// Stop after N messages have been received (the exit status is then decode's).
    #[arg(long, value_name = "N")]
    pub count: Option<usize>,

    /// Requests served per second, all clients together; more get 429 (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_rate: u32,

    /// The largest request body served, in KiB; a larger one gets 413.
    #[arg(long, value_name = "KIB", default_value_t = 1024)]
    pub max_body: usize,

    /// Seconds a client has to send a whole request; a slower one gets 408.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub read_timeout: f64,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub checks: CheckArgs,

    #[command(flatten)]
    pub keys: KeyArgs,

    #[command(flatten)]
    pub identities: IdentityArgs,
}

#[derive(Debug, Clone, Args)]
pub struct DecodeArgs {
    /// Files, '-' for stdin, or payloads given inline.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub keys: KeyArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub checks: CheckArgs,

    #[command(flatten)]
    pub identities: IdentityArgs,
}

/// Where identities come from. SOURCE is a file (SCIM JSON, GitLab REST JSON, CSV, one id per
/// line, auth_json.log, or a list saved by `scim fetch`) or a GitLab URL read with the token in
/// SAMLTRACE_TOKEN or --token-file.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Identities")]
pub struct IdentityArgs {
    /// Identity list: a file, a SCIM base URL (https://gitlab.com/api/scim/v2/groups/GROUP) or a
    /// group URL (https://gitlab.com/groups/GROUP). Repeat to combine lists.
    #[arg(long = "scim", value_name = "SOURCE")]
    pub scim: Vec<String>,

    /// Format of identity files [auto, scim, rest, csv, text, auth-log, samltrace].
    #[arg(long, value_name = "FORMAT", default_value = "auto")]
    pub scim_format: String,

    /// Read the GitLab token from this file instead of SAMLTRACE_TOKEN.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<std::path::PathBuf>,

    /// With a group URL, also read the group's SAML identities (from saml_users, or REST
    /// saml/identities on GitLab before 18.1).
    #[arg(long)]
    pub saml_identities: bool,

    /// Seconds to wait for GitLab to connect and to answer (default 15); a host that does not
    /// answer in time is named and given up on.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Mask the identity list with this key before comparing, as `har sanitize --mask-key KEY`
    /// masked the messages: masked NameIDs then match masked externalIds (exact matches only;
    /// case and whitespace differences cannot be told apart once masked).
    #[arg(
        long,
        value_name = "KEY",
        env = "SAMLTRACE_MASK_KEY",
        hide_env_values = true
    )]
    pub mask_key: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ScimCommand {
    /// Save an identity list from the GitLab API, in a format --scim FILE reads back. The file
    /// is written only when the whole list was read.
    Fetch(FetchArgs),
    /// One row per person: the externalId the IdP sent over SCIM (GitLab's api_json.log, or
    /// its fields exported from Kibana), GitLab's SCIM and SAML extern_uid (identity lists) and
    /// the NameID in the captures, where the chain breaks, and the fix.
    Audit(Box<AuditArgs>),
    /// Plan the extern_uid corrections the captures' verdicts call for (mismatch, near_match
    /// of a person identified beyond doubt) and, with --apply, make them through GitLab's API,
    /// each appended to an audit log that --log resumes and --undo reverts.
    #[command(
        after_help = "Nothing changes without --apply. A change needs a response whose signature is verified \
        against --idp-cert/--idp-metadata/--fingerprint (or --allow-unverified) and exactly one identity \
        holding the response's email; it is refused when another identity holds the value. Exit status: 0 \
        nothing to change or every change made, 1 changes planned or refused or skipped, 2 could not run."
    )]
    Fix(Box<FixArgs>),
}

#[derive(Debug, Clone, Args)]
pub struct FixArgs {
    /// Captures (SAML messages, HAR files, SAML-tracer exports) whose verdicts ask for changes.
    #[arg(
        value_name = "CAPTURE",
        required_unless_present = "undo",
        conflicts_with = "undo"
    )]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub identities: IdentityArgs,

    #[command(flatten)]
    pub checks: CheckArgs,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// Make the planned changes (asks first on a terminal; elsewhere needs --yes).
    #[arg(long)]
    pub apply: bool,

    /// Apply without asking.
    #[arg(long, requires = "apply")]
    pub yes: bool,

    /// Plan changes from responses whose signature is not verified against a trust anchor.
    #[arg(long)]
    pub allow_unverified: bool,

    /// Refuse a run that would make more than N changes.
    #[arg(long, value_name = "N", default_value_t = samltrace::repair::DEFAULT_MAX)]
    pub max: usize,

    /// The audit log to append to (default: a new samltrace-fix-<UTC time>.jsonl here). An
    /// existing log resumes its run: changes it records are not made again.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,

    /// Revert the changes of this audit log, newest first (each skipped if changed since).
    #[arg(long, value_name = "LOG")]
    pub undo: Option<PathBuf>,

    /// Go on with the next change after one fails (default: stop at the first failure).
    #[arg(long)]
    pub keep_going: bool,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,

    /// When to colour text output (NO_COLOR is honoured in auto).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// SCIM request logs (api_json.log), identity lists (files or URLs) and captures (HAR,
    /// SAML-tracer exports, SAML messages), told apart by their content.
    #[arg(value_name = "SOURCE", required = true)]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub identities: IdentityArgs,

    #[command(flatten)]
    pub checks: CheckArgs,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,

    /// When to colour text output (NO_COLOR is honoured in auto).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Args)]
pub struct FetchArgs {
    /// A SCIM base URL (SCIM token) or a group URL (personal or group access token).
    #[arg(value_name = "SOURCE")]
    pub source: String,

    /// Write the list here (atomically) instead of to stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    /// Read the GitLab token from this file instead of SAMLTRACE_TOKEN.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<std::path::PathBuf>,

    /// With a group URL, also read the group's SAML identities (from saml_users, or REST
    /// saml/identities on GitLab before 18.1).
    #[arg(long)]
    pub saml_identities: bool,

    /// Seconds to wait for GitLab to connect and to answer (default 15); a host that does not
    /// answer in time is named and given up on.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
}

/// What the checks compare each message with.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Checks")]
pub struct CheckArgs {
    /// Judge times at this instant instead of now (RFC 3339, such as 2026-11-02T09:00:00Z; UTC when no offset is given).
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,

    /// Clock difference to tolerate between the identity provider and the evaluation time. The
    /// default is GitLab's allowed clock drift: none on GitLab.com (group SAML passes no
    /// allowed_clock_drift to ruby-saml, ee/app/models/saml_provider.rb) and on Self-Managed unless
    /// an admin sets args.allowed_clock_drift (lib/gitlab/omniauth_initializer.rb passes args as
    /// given). Give that value here to judge as such an instance does.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub skew: u32,

    /// The GitLab group that uses SAML, such as https://gitlab.com/groups/acme or https://gitlab.com/acme: sets the expected audience and ACS URL.
    #[arg(long, value_name = "URL")]
    pub gitlab_group: Option<String>,

    /// Expected audience: GitLab's Identifier (SP entity ID); wins over --gitlab-group.
    #[arg(long, value_name = "ID")]
    pub sp_entity_id: Option<String>,

    /// Expected Assertion Consumer Service URL; wins over --gitlab-group.
    #[arg(long, value_name = "URL")]
    pub acs_url: Option<String>,

    /// The certificate fingerprint GitLab is configured with (SHA-1 or SHA-256 hex, any case, colons optional).
    #[arg(long, value_name = "HEX")]
    pub fingerprint: Option<String>,
}

/// Trust anchors for signatures and the SP key for encrypted parts.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Signatures and encryption")]
pub struct KeyArgs {
    /// Verify signatures with this IdP certificate (PEM or DER), bare public key, or IdP
    /// metadata XML. Repeatable. A certificate inside the message is never trusted by itself
    /// (with --fingerprint, it is trusted when its fingerprint matches, as GitLab does).
    #[arg(long, value_name = "FILE")]
    pub idp_cert: Vec<PathBuf>,

    /// Verify signatures with every signing certificate of this IdP metadata XML. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub idp_metadata: Vec<PathBuf>,

    /// Verify the messages GitLab signs (AuthnRequests, its logout messages) with this SP
    /// certificate (PEM or DER; GitLab's SP metadata holds it). Repeatable. Without it they are
    /// described, not verified: they are never judged against the IdP's certificate.
    #[arg(long, value_name = "FILE")]
    pub sp_cert: Vec<PathBuf>,

    /// Decrypt EncryptedAssertion, EncryptedID and EncryptedAttribute with this SP private key
    /// (RSA, PEM or DER, PKCS#1 or PKCS#8, not password-protected).
    #[arg(long, value_name = "FILE")]
    pub sp_key: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// When to colour text output (NO_COLOR is honoured in auto).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable summary.
    Text,
    /// One `samltrace/v1` JSON object with every trace.
    Json,
    /// One JSON trace per line.
    Ndjson,
    /// The decoded XML, pretty-printed for reading (not the signed bytes).
    Xml,
    /// One line per message: time, kind, NameID, GitLab's verdict, the identity verdict, the
    /// top finding and where it was seen (a repeated message once, `seen 2×`).
    Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

pub fn parse() -> Cli {
    Cli::parse()
}

/// The names a user can type as the first word (for "did you mean").
pub fn subcommand_names() -> Vec<String> {
    use clap::CommandFactory;
    Cli::command()
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .map(|c| c.get_name().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bare_inputs_and_subcommand_both_decode() {
        let bare = Cli::try_parse_from(["samltrace", "a.b64", "-f", "json"]).unwrap();
        assert!(bare.command.is_none());
        assert_eq!(bare.decode.inputs, vec!["a.b64"]);
        assert_eq!(bare.decode.output.format, Format::Json);
        let sub = Cli::try_parse_from(["samltrace", "decode", "a.b64", "b.xml"]).unwrap();
        let Some(Command::Decode(args)) = sub.command else {
            panic!("expected decode")
        };
        assert_eq!(args.inputs.len(), 2);
    }

    #[test]
    fn compare_and_scim_fetch_parse() {
        let c = Cli::try_parse_from([
            "samltrace",
            "compare",
            "--scim",
            "ids.csv",
            "--scim",
            "m.json",
            "r.b64",
        ])
        .unwrap();
        let Some(Command::Compare(args)) = c.command else {
            panic!("expected compare")
        };
        assert_eq!(args.identities.scim, ["ids.csv", "m.json"]);
        assert_eq!(args.inputs, ["r.b64"]);
        let f = Cli::try_parse_from([
            "samltrace",
            "scim",
            "fetch",
            "https://gitlab.com/groups/acme",
            "-o",
            "x.json",
        ])
        .unwrap();
        assert!(matches!(
            f.command,
            Some(Command::Scim(ScimCommand::Fetch(_)))
        ));
        assert!(
            Cli::try_parse_from(["samltrace", "decode", "--token", "x"]).is_err(),
            "no token flag"
        );
    }

    #[test]
    fn tui_takes_files_checks_and_identities() {
        let c = Cli::try_parse_from([
            "samltrace",
            "tui",
            "--scim",
            "ids.csv",
            "a.xml",
            "b.b64",
            "--at",
            "2026-11-02T09:00:00Z",
        ])
        .unwrap();
        let Some(Command::Tui(args)) = c.command else {
            panic!("expected tui")
        };
        assert_eq!(args.inputs.len(), 2);
        assert_eq!(args.identities.scim, ["ids.csv"]);
        assert!(args.checks.at.is_some());
        let bare = Cli::try_parse_from(["samltrace"]).unwrap();
        assert!(bare.command.is_none() && bare.decode.inputs.is_empty());
    }

    #[test]
    fn check_flags_parse_raw_and_default_the_skew() {
        let cli = Cli::try_parse_from([
            "samltrace",
            "a.b64",
            "--at",
            "2026-11-02T09:00:00Z",
            "--gitlab-group",
            "https://gitlab.com/acme",
            "--fingerprint",
            "AB:CD",
        ])
        .unwrap();
        let c = cli.decode.checks;
        assert_eq!(c.at.as_deref(), Some("2026-11-02T09:00:00Z"));
        assert_eq!(c.skew, 0, "GitLab's allowed clock drift");
        assert_eq!(c.gitlab_group.as_deref(), Some("https://gitlab.com/acme"));
        assert_eq!(c.fingerprint.as_deref(), Some("AB:CD"));
        assert!(Cli::try_parse_from(["samltrace", "--skew", "-5", "a"]).is_err());
    }

    #[test]
    fn explain_takes_the_words_of_a_message() {
        let c = Cli::try_parse_from([
            "samltrace",
            "explain",
            "Fingerprint",
            "mismatch",
            "-f",
            "json",
        ])
        .unwrap();
        let Some(Command::Explain(args)) = c.command else {
            panic!("expected explain")
        };
        assert_eq!(args.message, ["Fingerprint", "mismatch"]);
        assert_eq!(args.format, ExplainFormat::Json);
        assert!(Cli::try_parse_from(["samltrace", "explain"]).is_err());
    }

    #[test]
    fn listen_defaults_to_loopback_and_takes_decode_s_flags() {
        let c = Cli::try_parse_from(["samltrace", "listen"]).unwrap();
        let Some(Command::Listen(args)) = c.command else {
            panic!("expected listen")
        };
        assert_eq!(args.addr, "127.0.0.1:8088");
        assert!(!args.allow_remote && args.save.is_none() && args.count.is_none());
        assert_eq!((args.max_rate, args.max_body), (1000, 1024));
        let c = Cli::try_parse_from([
            "samltrace",
            "listen",
            "--addr",
            "127.0.0.1:0",
            "--scim",
            "ids.json",
            "--idp-cert",
            "idp.crt",
            "-f",
            "ndjson",
            "--at",
            "2026-11-02T09:00:00Z",
            "--count",
            "1",
        ])
        .unwrap();
        let Some(Command::Listen(args)) = c.command else {
            panic!("expected listen")
        };
        assert_eq!(args.identities.scim, ["ids.json"]);
        assert_eq!(args.output.format, Format::Ndjson);
        assert_eq!(args.count, Some(1));
        assert_eq!(args.keys.idp_cert.len(), 1);
    }

    #[test]
    fn key_flags_repeat() {
        let cli = Cli::try_parse_from([
            "samltrace",
            "a.xml",
            "--idp-cert",
            "a.pem",
            "--idp-cert",
            "b.der",
            "--sp-key",
            "sp.key",
            "--idp-metadata",
            "md.xml",
        ])
        .unwrap();
        let k = cli.decode.keys;
        assert_eq!(k.idp_cert.len(), 2);
        assert_eq!(k.sp_key, Some(PathBuf::from("sp.key")));
        assert_eq!(k.idp_metadata.len(), 1);
    }
}
