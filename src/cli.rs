//! The common command line and the shared main loop of all five binaries.
//!
//! Parsing happens in two steps, as in ripgrep: the flags every binary shares are read here into
//! [`Common`], and anything else is handed, as an owned [`Flag`], to the binary's own handler.
//! [`main`] then applies `-C`, `RELGATE_SKIP`, colour and format rules, runs the check, renders
//! its [`Report`] and maps the outcome to the exit-status contract: 0 passed, 1 findings, 2 could
//! not check. A closed stdout ends quietly with 0.

use std::cell::OnceCell;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::{self, Loaded};
use crate::diag::{self, Diagnostic, Format, Report, Style};
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::hook::{self, Hook};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The options every binary accepts, shown at the end of each usage text.
pub const COMMON_OPTIONS: &str = "\
Common options:
  -C <DIR>                   Run as if started in DIR
      --config <FILE>        Use this config file instead of discovering one
      --format <FORMAT>      human, json or github [default: human; github under GitHub Actions]
      --color <WHEN>         auto, always or never [default: auto]
  -q, --quiet                Print errors and warnings only: no notes, summary or passing lines
      --deny-warnings        Warnings also fail (exit 1)
      --show-config          Print the effective configuration, each value with its origin
                             (a config file's line, what it was inferred from, or the default)
      --explain <RULE>       Print what a rule finds, why, a failing and a passing example
                             and how to fix it, for any rule this binary reports
      --hook <NAME>          Run as git hook NAME (pre-commit, pre-merge-commit, prepare-commit-msg,
                             pre-push, reference-transaction); implied when installed under that name
  -h, --help                 Print help
  -V, --version              Print version

Exit status: 0 passed, 1 a check failed, 2 relgate could not check.
Set RELGATE_SKIP=<bin>[,<bin>...] (or all) to skip a gate once.
";

/// A binary's name and help text.
pub struct Tool {
    pub name: &'static str,
    /// Usage and the binary's own options; [`COMMON_OPTIONS`] is appended.
    pub usage: &'static str,
    /// The tool reads git objects or refs. One that does not (lint-changelog) finds the
    /// work-tree root without opening the repository.
    pub reads_git: bool,
    /// The tool computes the work tree's status (check-release-ready's clean-tree).
    pub status: bool,
    /// The git hooks it runs as; any other hook name is a usage error (exit 2).
    pub hooks: &'static [Hook],
    /// What of the repository's conventions its checks use (inferred once per run).
    pub needs: crate::conventions::Needs,
}

impl Tool {
    /// An error naming the hooks this tool does run as, when `hook` is not one of them.
    fn accepts(&self, hook: Option<Hook>) -> Result<()> {
        let Some(h) = hook.filter(|h| !self.hooks.contains(h)) else {
            return Ok(());
        };
        let names: Vec<&str> = self.hooks.iter().map(|h| h.name()).collect();
        Err(Error::new(match names.split_last() {
            None => format!(
                "{} does not run as a {} hook; run it by hand or in CI",
                self.name,
                h.name()
            ),
            Some((last, [])) => format!(
                "{} does not run as {}; install it as {last}",
                self.name,
                h.name()
            ),
            Some((last, rest)) => format!(
                "{} does not run as {}; install it as {} or {last}",
                self.name,
                h.name(),
                rest.join(", ")
            ),
        }))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// The flags every binary shares.
#[derive(Debug, Default)]
pub struct Common {
    pub dir: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub format: Option<Format>,
    pub color: ColorChoice,
    pub quiet: bool,
    pub deny_warnings: bool,
    pub show_config: bool,
    /// `--explain RULE`: print the rule's reference instead of checking.
    pub explain: Option<String>,
    /// The hook being run, from the program name or `--hook` (or a binary's mode flag).
    pub hook: Option<Hook>,
    /// Git's arguments to the hook (`<remote> <url>` for pre-push, `<state>` for
    /// reference-transaction, `<file> [<source> [<oid>]]` for prepare-commit-msg).
    pub hook_args: Vec<OsString>,
}

/// One command-line item, owned so a binary's handler may keep using the parser.
#[derive(Debug)]
pub enum Flag {
    Short(char),
    Long(String),
    Value(OsString),
}

impl Flag {
    fn shown(&self) -> String {
        match self {
            Flag::Short(c) => format!("-{c}"),
            Flag::Long(l) => format!("--{l}"),
            Flag::Value(v) => v.to_string_lossy().into_owned(),
        }
    }

    /// The error for an item the binary does not take.
    pub fn unexpected(&self) -> Error {
        match self {
            Flag::Value(v) => Error::new(format!(
                "unexpected argument `{}`",
                diag::escape(&v.to_string_lossy())
            )),
            other => Error::new(format!("unknown option `{}`", diag::escape(&other.shown()))),
        }
    }
}

/// The value of an option (`--format json`), as UTF-8.
pub fn value(parser: &mut lexopt::Parser, name: &str) -> Result<String> {
    let v = parser
        .value()
        .map_err(|_| Error::new(format!("option `{name}` needs a value")))?;
    v.into_string().map_err(|v| {
        Error::new(format!(
            "the value of `{name}` is not UTF-8: `{}`",
            v.to_string_lossy()
        ))
    })
}

fn parse_common(c: &mut Common, flag: &Flag, parser: &mut lexopt::Parser) -> Result<bool> {
    match flag {
        Flag::Short('C') => {
            let v = parser
                .value()
                .map_err(|_| Error::new("option `-C` needs a directory"))?;
            c.dir = Some(PathBuf::from(v));
        }
        Flag::Long(l) if l == "config" => {
            let v = parser
                .value()
                .map_err(|_| Error::new("option `--config` needs a file"))?;
            c.config = Some(PathBuf::from(v));
        }
        Flag::Long(l) if l == "format" => {
            c.format = Some(match value(parser, "--format")?.as_str() {
                "human" => Format::Human,
                "json" => Format::Json,
                "github" => Format::Github,
                other => {
                    return Err(Error::new(format!(
                        "invalid value `{}` for `--format`; expected human, json or github",
                        diag::escape(other)
                    )));
                }
            });
        }
        Flag::Long(l) if l == "color" || l == "colour" => {
            c.color = match value(parser, "--color")?.as_str() {
                "auto" => ColorChoice::Auto,
                "always" => ColorChoice::Always,
                "never" => ColorChoice::Never,
                other => {
                    return Err(Error::new(format!(
                        "invalid value `{}` for `--color`; expected auto, always or never",
                        diag::escape(other)
                    )));
                }
            };
        }
        Flag::Short('q') => c.quiet = true,
        Flag::Long(l) if l == "quiet" => c.quiet = true,
        Flag::Long(l) if l == "deny-warnings" => c.deny_warnings = true,
        Flag::Long(l) if l == "show-config" => c.show_config = true,
        Flag::Long(l) if l == "explain" => c.explain = Some(value(parser, "--explain")?),
        Flag::Long(l) if l == "hook" => {
            let name = value(parser, "--hook")?;
            let h = Hook::from_name(&name).ok_or_else(|| {
                let names = Hook::ALL.map(Hook::name);
                let mut m = format!("unknown hook `{}` for `--hook`", diag::escape(&name));
                if let Some(best) = crate::config::nearest(&name, names) {
                    m.push_str(&format!(" (did you mean `{best}`?)"));
                }
                m.push_str(&format!("; expected one of: {}", names.join(", ")));
                Error::new(m)
            })?;
            c.hook = Some(h);
        }
        Flag::Value(v) if c.hook.is_some() => c.hook_args.push(v.clone()),
        _ => return Ok(false),
    }
    Ok(true)
}

/// What a binary's own flag handler receives.
pub type Handler<A> = fn(&mut A, &mut Common, Flag, &mut lexopt::Parser) -> Result<()>;

enum Parsed<A> {
    Run(Box<Common>, A),
    Help,
    Version,
}

/// The long options a usage text lists (`--release`, `--show-config`, ...), for "did you mean".
fn long_options(usage: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for text in [usage, COMMON_OPTIONS] {
        for line in text.lines() {
            for word in line.split([' ', ',', '[', ']', '(', ')', '`']) {
                if let Some(name) = word.strip_prefix("--")
                    && name.len() > 1
                    && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                    && !out.contains(&name)
                {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// The error for an option no part of the binary knows, with the nearest one it does know.
fn unknown_option(flag: &Flag, usage: &str) -> Option<Error> {
    let Flag::Long(name) = flag else {
        return None;
    };
    let known = long_options(usage);
    if known.contains(&name.as_str()) {
        return None;
    }
    let mut m = format!("unknown option `--{}`", diag::escape(name));
    if let Some(best) = crate::config::nearest(name, known.iter().copied()) {
        m.push_str(&format!(" (did you mean `--{best}`?)"));
    }
    Some(Error::new(m))
}

fn parse_args<A: Default>(
    args: Vec<OsString>,
    usage: &str,
    handler: Handler<A>,
) -> Result<Parsed<A>> {
    // `-V`/`--version` prints the program's version and nothing else: with anything beside it
    // (`--version 1.2.0`, an old spelling of check-release-ready's `--release`) it would answer
    // a question nobody asked, with exit 0 in place of a check.
    let alone = args.len() <= 2;
    let mut common = Common::default();
    if let Some(argv0) = args.first() {
        common.hook = Hook::from_program(argv0);
    }
    let mut own = A::default();
    let mut parser = lexopt::Parser::from_iter(args);
    loop {
        let next = parser.next().map_err(|e| Error::new(e.to_string()))?;
        let Some(arg) = next else { break };
        let flag = match arg {
            lexopt::Arg::Short('h') | lexopt::Arg::Long("help") => return Ok(Parsed::Help),
            lexopt::Arg::Short('V') | lexopt::Arg::Long("version") => {
                if alone && parser.optional_value().is_none() {
                    return Ok(Parsed::Version);
                }
                return Err(Error::new(
                    "`--version` prints the program's version and takes no other arguments; \
                     the version to check is `--release <VERSION>` (check-release-ready) or \
                     `--expect <VERSION>` (check-version-sync)",
                ));
            }
            lexopt::Arg::Short(c) => Flag::Short(c),
            lexopt::Arg::Long(l) => Flag::Long(l.to_string()),
            lexopt::Arg::Value(v) => Flag::Value(v),
        };
        if !parse_common(&mut common, &flag, &mut parser)? {
            let unknown = unknown_option(&flag, usage);
            if let Err(e) = handler(&mut own, &mut common, flag, &mut parser) {
                return Err(unknown.unwrap_or(e));
            }
        }
    }
    Ok(Parsed::Run(Box::new(common), own))
}

/// What a check runs with: the parsed flags, and the repository and configuration, each
/// loaded the first time it is asked for (so a fast path can finish without either).
pub struct Ctx {
    pub tool: &'static str,
    pub common: Common,
    reads_git: bool,
    status: bool,
    needs: crate::conventions::Needs,
    repo: OnceCell<Result<Repo>>,
    /// What the configuration files say, before anything is inferred.
    file_config: OnceCell<Result<Loaded>>,
    config: OnceCell<Result<Loaded>>,
}

impl Ctx {
    pub fn new(tool: &Tool, common: Common) -> Ctx {
        Ctx {
            tool: tool.name,
            common,
            reads_git: tool.reads_git,
            status: tool.status,
            needs: tool.needs,
            repo: OnceCell::new(),
            file_config: OnceCell::new(),
            config: OnceCell::new(),
        }
    }

    pub fn repo(&self) -> Result<&Repo> {
        self.repo
            .get_or_init(|| Repo::open(self.status))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The work-tree root, or the current directory outside a repository.
    pub fn root(&self) -> PathBuf {
        if !self.reads_git
            && self.repo.get().is_none()
            && let Some(root) = Repo::work_tree_root()
        {
            return root;
        }
        match self.repo() {
            Ok(r) => r
                .workdir()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| r.git_dir().to_path_buf()),
            Err(_) => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }

    /// The work-tree root, or "not a git repository" (exit 2) outside one: what a check that
    /// reads the project's files by their place in the repository needs.
    pub fn work_tree(&self) -> Result<PathBuf> {
        if !self.reads_git
            && self.repo.get().is_none()
            && let Some(root) = Repo::work_tree_root()
        {
            return Ok(root);
        }
        let r = self.repo()?;
        Ok(r.workdir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| r.git_dir().to_path_buf()))
    }

    /// The effective configuration: the config file's values, and for every key it leaves
    /// out what the repository's conventions say (`crate::conventions`), as far as this
    /// binary's checks use them.
    pub fn config(&self) -> Result<&Loaded> {
        self.config_needing(self.needs)
    }

    /// The configuration, inferring only what `needs` names where this is its first reading:
    /// a check that learns from the repository that it needs less than its tool does asks
    /// this way first (check-release-ready on a release branch named by the configuration
    /// needs no maintenance lines).
    pub fn config_needing(&self, needs: crate::conventions::Needs) -> Result<&Loaded> {
        self.config
            .get_or_init(|| self.load_config(needs))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The configuration files alone, without what is inferred from the project: the rule
    /// levels come only from them, so a report is made without inferring the conventions, which
    /// a run that finds nothing to check never needs (validate-tag at a commit with no tag, in
    /// uv: 14.9 M → 6.1 M instructions, most of it listing 921 branches for maintenance lines).
    pub fn file_config(&self) -> Result<&Loaded> {
        self.file_config
            .get_or_init(|| {
                let known: Vec<&str> = crate::rules::all().map(|r| r.id).collect();
                match &self.common.config {
                    Some(path) => config::load_file(path, &known),
                    None => config::discover(&self.root(), &known),
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn load_config(&self, needs: crate::conventions::Needs) -> Result<Loaded> {
        let root = self.root();
        let mut loaded = self.file_config()?.clone();
        // Outside a repository only the files can tell; the checks that need a repository
        // fail on their own when they ask for it.
        let repo = if needs.tag_refs || needs.protected || needs.release_branches {
            self.repo().ok()
        } else {
            None
        };
        crate::conventions::infer(&mut loaded, &root, repo, needs)?;
        Ok(loaded)
    }

    /// An empty report with the configured rule levels applied.
    pub fn report(&self) -> Result<Report> {
        Ok(Report::new(self.tool).with_overrides(&self.file_config()?.overrides()))
    }
}

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// `--color` beats `CLICOLOR_FORCE`, which beats `NO_COLOR`; otherwise colour on a terminal.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env_set("CLICOLOR_FORCE")
                && std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0")
            {
                true
            } else if env_set("NO_COLOR") {
                false
            } else {
                std::io::stdout().is_terminal()
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

/// Running in CI: `CI` is set (GitHub Actions, GitLab, pre-commit.ci and most others set it).
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// `--format`'s default: github under GitHub Actions (`GITHUB_ACTIONS=true`), else human.
pub fn default_format() -> Format {
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        Format::Github
    } else {
        Format::Human
    }
}

/// Why a write to stdout did not happen.
enum WriteFailure {
    /// The reader closed the pipe (`| head`): its choice, and by contract a quiet success.
    Closed,
    /// Anything else (a full disk, `>/dev/full`, an I/O error): the report was not delivered,
    /// so the run could not do its job.
    Failed(std::io::Error),
}

/// Writes to stdout.
fn write_stdout(bytes: &[u8]) -> std::result::Result<(), WriteFailure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(WriteFailure::Closed),
        Err(e) => Err(WriteFailure::Failed(e)),
    }
}

/// The exit status after a failed write of the report: EPIPE is the only quiet success.
fn write_failed(tool: &str, failure: WriteFailure) -> ExitCode {
    match failure {
        WriteFailure::Closed => ExitCode::SUCCESS,
        WriteFailure::Failed(e) => {
            print_error(
                tool,
                &Error::new("cannot write the report to stdout").caused_by(e),
            );
            ExitCode::from(2)
        }
    }
}

fn print_error(tool: &str, e: &Error) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{tool}: error: {}", escape_message(e.message()));
    for cause in e.causes() {
        let _ = writeln!(err, "  caused by: {}", escape_message(cause));
    }
}

/// Error messages quote repository text (config values, configured paths, regexes, file names),
/// so their control and bidi characters are escaped as [`diag::escape`] does. Backslashes are
/// kept: messages also quote text their author already escaped.
fn escape_message(text: &str) -> String {
    let mut buf = [0; 4];
    text.chars()
        .map(|c| match c {
            '\\' => c.to_string(),
            c => diag::escape(c.encode_utf8(&mut buf)),
        })
        .collect()
}

/// The whole life of a binary: parse, run, render, exit.
pub fn main<A: Default>(
    tool: &Tool,
    handler: Handler<A>,
    run: fn(&Ctx, A) -> Result<Report>,
) -> ExitCode {
    main_with(tool, std::env::args_os().collect(), handler, run)
}

fn main_with<A: Default>(
    tool: &Tool,
    args: Vec<OsString>,
    handler: Handler<A>,
    run: fn(&Ctx, A) -> Result<Report>,
) -> ExitCode {
    let parsed = parse_args(args, tool.usage, handler);
    // Help, version and --explain answer a question; they check nothing a skip could bypass.
    match &parsed {
        Ok(Parsed::Help) => {
            let text = format!("{}\n\n{COMMON_OPTIONS}", tool.usage.trim_end());
            let _ = write_stdout(text.as_bytes());
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Version) => {
            let _ = write_stdout(format!("{} {VERSION}\n", tool.name).as_bytes());
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Run(c, _)) if c.explain.is_some() => {
            let rule = c.explain.as_deref().unwrap_or_default();
            return match crate::rules::explain(tool.name, rule) {
                Ok(text) => {
                    let _ = write_stdout(text.as_bytes());
                    ExitCode::SUCCESS
                }
                Err(m) => {
                    print_error(tool.name, &Error::new(m));
                    ExitCode::from(2)
                }
            };
        }
        _ => {}
    }
    // A name in RELGATE_SKIP that is no gate skips nothing: say so, in hooks too.
    for (given, nearest) in hook::unknown_skips() {
        let mut err = std::io::stderr().lock();
        let _ = match nearest {
            Some(n) => writeln!(
                err,
                "{}: warning: RELGATE_SKIP names `{}`, which is no relgate gate, so it skips nothing (did you mean `{n}`?)",
                tool.name,
                escape_message(&given)
            ),
            None => writeln!(
                err,
                "{}: warning: RELGATE_SKIP names `{}`, which is no relgate gate, so it skips nothing; expected all or one of: {}",
                tool.name,
                escape_message(&given),
                hook::GATES.join(", ")
            ),
        };
    }
    if hook::skipped(tool.name) {
        let (format, quiet) = match &parsed {
            Ok(Parsed::Run(c, _)) => (c.format, c.quiet || c.hook.is_some()),
            _ => (None, false),
        };
        let mut report = Report::new(tool.name);
        report.push(Diagnostic::note(
            "relgate-skip",
            format!("{} skipped: RELGATE_SKIP is set", tool.name),
        ));
        return emit(
            &report,
            &Style {
                format: format.unwrap_or_else(default_format),
                color: false,
                // A skipped hook passes, and a passing hook says nothing.
                quiet,
                deny_warnings: false,
            },
        );
    }
    let (common, own) = match parsed {
        Ok(Parsed::Run(common, own)) => (common, own),
        Ok(Parsed::Help | Parsed::Version) => return ExitCode::SUCCESS,
        Err(e) => {
            print_error(tool.name, &e);
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "  usage: see `{} --help`", tool.name);
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &common.dir
        && let Err(e) = std::env::set_current_dir(dir)
    {
        print_error(
            tool.name,
            &Error::new(format!(
                "cannot change to directory {} (from -C)",
                dir.display()
            ))
            .caused_by(e),
        );
        return ExitCode::from(2);
    }
    let style = Style {
        format: common.format.unwrap_or_else(default_format),
        color: use_color(common.color),
        // A hook that passes says nothing: git prints hook output on every commit and push.
        quiet: common.quiet || common.hook.is_some(),
        deny_warnings: common.deny_warnings,
    };
    if let Err(e) = tool.accepts(common.hook) {
        print_error(tool.name, &e);
        return ExitCode::from(2);
    }
    let ctx = Ctx::new(tool, *common);
    if ctx.common.show_config {
        return show_config(&ctx, &style);
    }
    let code = match run(&ctx, own) {
        Ok(mut report) => {
            shadowed_config(&ctx, &mut report);
            emit(&report, &style)
        }
        Err(e) => {
            print_error(tool.name, &e);
            ExitCode::from(2)
        }
    };
    print_stats(tool.name);
    // The process ends here: its repository handles, parsed files and caches are not freed
    // one allocation at a time (uv's check-version-sync: 0.5 M instructions).
    std::mem::forget(ctx);
    code
}

/// With `RELGATE_STATS` set, the work done on stderr (`<bin>: stats: walks=1 commits=5123
/// merge-bases=0 commit-reads=0 toml-parses=2 dir-lists=3 file-reads=4 tag-lists=1
/// tag-names-judged=40 tags-peeled=2 loose-reads=12 branch-lists=0`):
/// how the tests and the benchmark check that no cost grows with tags × commits.
fn print_stats(tool: &str) {
    if std::env::var_os("RELGATE_STATS").is_some() {
        use std::sync::atomic::Ordering::Relaxed;
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "{tool}: stats: walks={} commits={} merge-bases={} commit-reads={} toml-parses={} \
             dir-lists={} file-reads={} tag-lists={} tag-names-judged={} tags-peeled={} \
             loose-reads={} branch-lists={}",
            crate::git::WALKS.load(Relaxed),
            crate::git::COMMITS_VISITED.load(Relaxed),
            crate::git::MERGE_BASES.load(Relaxed),
            crate::git::COMMIT_READS.load(Relaxed),
            crate::toml_once::PARSES.load(Relaxed),
            crate::tree::DIR_LISTS.load(Relaxed),
            crate::tree::FILE_READS.load(Relaxed),
            crate::releases::LISTS.load(Relaxed),
            crate::releases::NAMES_JUDGED.load(Relaxed),
            crate::git::TAGS_PEELED.load(Relaxed),
            crate::git::LOOSE_READS.load(Relaxed),
            crate::git::BRANCH_LISTS.load(Relaxed)
        );
    }
}

/// A warning for each configuration file that was found but not used.
fn shadowed_config(ctx: &Ctx, report: &mut Report) {
    let Some(Ok(loaded)) = ctx.file_config.get() else {
        return;
    };
    let used = loaded
        .origin
        .as_deref()
        .unwrap_or("the first configuration file");
    for ignored in &loaded.shadowed {
        let file = ignored.split(' ').next().unwrap_or(ignored);
        report.push(
            Diagnostic::warn(
                "config-shadowed",
                format!(
                    "two configuration files: {used} is used, {} is ignored",
                    escape_message(ignored)
                ),
            )
            .in_file(file.to_string())
            .help(format!(
                "keep one: move what {} sets into {used} and remove it",
                escape_message(ignored)
            )),
        );
    }
}

/// `--show-config`: every key, its effective value and where it came from, then exit 0. It
/// infers everything any binary would, so one binary's answer is every binary's.
fn show_config(ctx: &Ctx, style: &Style) -> ExitCode {
    let loaded = match ctx
        .repo()
        .and_then(|_| ctx.load_config(crate::conventions::Needs::ALL))
    {
        Ok(l) => l,
        Err(e) => {
            print_error(ctx.tool, &e);
            return ExitCode::from(2);
        }
    };
    let entries = loaded.entries();
    let text = if style.format == Format::Json {
        let config: serde_json::Map<String, serde_json::Value> = entries
            .iter()
            .map(|(k, v, o)| (k.clone(), serde_json::json!({"value": v, "origin": o})))
            .collect();
        let doc = serde_json::json!({
            "tool": ctx.tool,
            "version": VERSION,
            "file": loaded.origin,
            "ignored": loaded.shadowed,
            "config": config,
        });
        format!("{doc}\n")
    } else {
        let width = entries
            .iter()
            .map(|(k, v, _)| k.len() + v.len() + 3)
            .max()
            .unwrap_or(0);
        let mut out = format!(
            "# {}\n",
            loaded.origin.as_deref().map_or_else(
                || "no configuration file: every value is inferred or the default".to_string(),
                |o| format!("configuration file: {o}")
            )
        );
        for ignored in &loaded.shadowed {
            out.push_str(&format!(
                "# ignored: {} (a second configuration file; warning config-shadowed)\n",
                escape_message(ignored)
            ));
        }
        for (k, v, o) in &entries {
            let line = format!("{k} = {v}");
            out.push_str(&format!("{line:<width$}  # {}\n", escape_message(o)));
        }
        out
    };
    match write_stdout(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => write_failed(ctx.tool, failure),
    }
}

fn emit(report: &Report, style: &Style) -> ExitCode {
    let mut buf = Vec::new();
    if let Err(e) = diag::render(report, style, VERSION, &mut buf) {
        print_error(
            report.tool,
            &Error::new("cannot render the report").caused_by(e),
        );
        return ExitCode::from(2);
    }
    if let Err(failure) = write_stdout(&buf) {
        return write_failed(report.tool, failure);
    }
    if report.failed(style.deny_warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug)]
    struct Own {
        branch: Vec<String>,
    }

    fn own(a: &mut Own, _: &mut Common, flag: Flag, p: &mut lexopt::Parser) -> Result<()> {
        match flag {
            Flag::Long(l) if l == "branch" => a.branch.push(value(p, "--branch")?),
            other => return Err(other.unexpected()),
        }
        Ok(())
    }

    const USAGE: &str = "Usage: x [OPTIONS]\n      --branch <NAME>   A branch\n";

    fn parse(args: &[&str]) -> Result<Parsed<Own>> {
        parse_args(args.iter().map(OsString::from).collect(), USAGE, own)
    }

    #[test]
    fn near_misses_get_did_you_mean() {
        let e = parse(&["x", "--brnach", "dev"]).err().unwrap().to_string();
        assert!(
            e.contains("unknown option `--brnach` (did you mean `--branch`?)"),
            "{e}"
        );
        let e = parse(&["x", "--show-confg"]).err().unwrap().to_string();
        assert!(e.contains("(did you mean `--show-config`?)"), "{e}");
        let e = parse(&["x", "--deny-warning"]).err().unwrap().to_string();
        assert!(e.contains("(did you mean `--deny-warnings`?)"), "{e}");
        let e = parse(&["x", "--zzzzzzzzzz"]).err().unwrap().to_string();
        assert!(!e.contains("did you mean"), "{e}");
        let e = parse(&["x", "--hook", "pre-comit"])
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("unknown hook `pre-comit` for `--hook` (did you mean `pre-commit`?)"),
            "{e}"
        );
        let Parsed::Run(c, _) = parse(&["x", "--explain", "tag-invalid"]).unwrap() else {
            panic!("expected a run")
        };
        assert_eq!(c.explain.as_deref(), Some("tag-invalid"));
    }

    #[test]
    fn common_and_own_flags() {
        let Parsed::Run(c, o) = parse(&[
            "x",
            "-C",
            "/tmp",
            "--format",
            "json",
            "-q",
            "--branch",
            "dev",
            "--deny-warnings",
        ])
        .unwrap() else {
            panic!("expected a run")
        };
        assert_eq!(c.dir.as_deref(), Some(Path::new("/tmp")));
        assert_eq!(c.format, Some(Format::Json));
        assert!(c.quiet && c.deny_warnings);
        assert_eq!(o.branch, ["dev"]);
    }

    #[test]
    fn bad_values_are_usage_errors() {
        let e = parse(&["x", "--format", "xml"]).err().unwrap().to_string();
        assert!(
            e.contains("`xml`") && e.contains("human, json or github"),
            "{e}"
        );
        let e = parse(&["x", "--frobnicate"]).err().unwrap().to_string();
        assert!(e.contains("unknown option `--frobnicate`"), "{e}");
        assert!(parse(&["x", "--color"]).is_err());
        assert!(parse(&["x", "--hook", "post-commit"]).is_err());
    }

    #[test]
    fn hook_from_program_name_takes_git_args() {
        let Parsed::Run(c, _) = parse(&["/r/.git/hooks/pre-push", "origin", "/srv/x.git"]).unwrap()
        else {
            panic!("expected a run")
        };
        assert_eq!(c.hook, Some(Hook::PrePush));
        assert_eq!(
            c.hook_args,
            [OsString::from("origin"), OsString::from("/srv/x.git")]
        );
    }

    #[test]
    fn version_stands_alone() {
        assert!(matches!(parse(&["x", "--version"]), Ok(Parsed::Version)));
        assert!(matches!(parse(&["x", "-V"]), Ok(Parsed::Version)));
        for args in [
            &["x", "--version", "1.2.0"][..],
            &["x", "--version=1.2.0"],
            &["x", "-q", "--version"],
        ] {
            let e = parse(args).err().unwrap().to_string();
            assert!(e.contains("--release <VERSION>"), "{args:?}: {e}");
        }
    }

    #[test]
    fn error_messages_escape_control_characters() {
        let e = Error::new("changelog.path `\u{1b}]0;x\u{7}` \\d\nforged")
            .caused_by("  \u{9b}31m \u{202e}");
        assert_eq!(
            escape_message(e.message()),
            "changelog.path `\\u{1b}]0;x\\u{7}` \\d\\nforged"
        );
        assert_eq!(escape_message(&e.causes()[0]), "  \\u{9b}31m \\u{202e}");
        assert_eq!(escape_message("plain `é` text"), "plain `é` text");
    }

    #[test]
    fn help_and_version_win() {
        assert!(parse(&["x", "--frob", "-h"]).is_err());
        assert!(matches!(parse(&["x", "-h"]), Ok(Parsed::Help)));
        assert!(matches!(parse(&["x", "--version"]), Ok(Parsed::Version)));
    }
}
