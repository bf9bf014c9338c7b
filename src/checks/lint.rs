//! lint-changelog, the binary: which file, read from where, which mode (`--release`,
//! `--notes`). `--explain` (and `--explain dialects`) is the shared one of `crate::cli`.
//!
//! The changelog model lives in [`crate::changelog`] and its rules in
//! [`crate::checks::changelog`]; this module only finds and reads the file and picks the mode.
//! In a commit hook (`GIT_INDEX_FILE` set) or with `--staged` the file is read from the index,
//! what is being committed; otherwise from the work tree, without opening the repository.

use std::path::{Path, PathBuf};

use crate::checks::changelog::towncrier;
use crate::checks::changelog::{self, LintOptions, Notes};
use crate::cli::{self, Common, Ctx, Flag, Tool};
use crate::config::{self, Config};
use crate::diag::{Diagnostic, Report, RuleDoc, Severity};
use crate::error::{Error, Result};
use crate::hook::Hook;
use crate::sources::FileReader;
use crate::tree::Staged;

pub const TOOL: Tool = Tool {
    name: "lint-changelog",
    usage: "\
lint-changelog: a Keep a Changelog linter with exact line:column findings

Usage: lint-changelog [OPTIONS] [FILE]

FILE defaults to changelog.path, else CHANGELOG.md, CHANGELOG, CHANGES.md or HISTORY.md at the
work-tree root. It must be a regular file (or a symlink to one) of at most 64 MiB. Each file is linted against its own dialect (Keep a Changelog, commitizen,
release-please, towncrier, Pallets, setext, ...: see --explain dialects). Lenient where real
changelogs deviate harmlessly, strict where automation breaks (duplicates, impossible dates,
order, stray headings that cut release notes short).

Options:
      --release <VERSION>    Also require a dated, non-yanked section for VERSION that is the
                             newest release and has notes
      --notes <VERSION|unreleased>
                             Print that section's body as written (for gh release --notes-file);
                             exit 1 if there is none or it is empty. Under --format github (the
                             default in GitHub Actions) the notes are data for the log: a line
                             that would be a workflow command (`::error ...`, `::add-mask::`,
                             `##[...`) gets a backslash and control characters are escaped. To
                             publish them byte for byte from a workflow, write them to a file:
                             `lint-changelog --notes X --format human > notes.md`, then
                             `gh release create vX --notes-file notes.md`
      --staged               Read the changelog from the index: what is about to be committed
                             (the default inside a git commit hook, where GIT_INDEX_FILE is set)
      --explain dialects     Which rules apply to which changelogs
",
    reads_git: false,
    status: false,
    needs: crate::conventions::Needs::FILES,
    hooks: &[Hook::PreCommit, Hook::PrePush],
};

pub const RULES: &[RuleDoc] = &[
    RuleDoc {
        id: "changelog-not-found",
        tool: "lint-changelog",
        severity: Severity::Note,
        summary: "no FILE was given, none is configured, none of the usual names exists at the root and no workspace package has one",
        why: "A repository without a changelog has nothing to lint; `--release` and `--notes` still fail without one. A reStructuredText changelog (CHANGES.rst, CHANGELOG.rst, HISTORY.rst) is no absence: relgate reads Markdown only, and names it (exit 2) rather than pass it over.",
        bad: "(none: this is a note)",
        good: "lint-changelog CHANGELOG.md",
    },
    RuleDoc {
        id: "changelog-unchanged",
        tool: "lint-changelog",
        severity: Severity::Note,
        summary: "in a commit hook, the commit leaves the changelog (or every workspace package's) as it is at HEAD",
        why: "A commit hook lints the changelogs the commit changes, as staged, as the pre-commit framework runs the hook only when one is staged: under every hook runner an unrelated commit is not held up by what is already committed, and where each workspace package keeps its own changelog (tokio's) a commit to one is not held up by another's. FILE, `--release`, `--notes`, and `--staged` run by hand lint the changelog whatever the commit changes.",
        bad: "(none: this is a note)",
        good: "git commit (with CHANGELOG.md staged)",
    },
];

/// The names looked for at the work-tree root, in order.
pub const DEFAULT_NAMES: [&str; 4] = ["CHANGELOG.md", "CHANGELOG", "CHANGES.md", "HISTORY.md"];

/// Changelogs written in a markup relgate does not read (reStructuredText, long the Python
/// default: click's CHANGES.rst, pydantic's HISTORY.rst, towncrier's NEWS.rst): where one is
/// and no Markdown one, it is named, never passed over as "no changelog".
pub const UNREAD_NAMES: [&str; 4] = ["CHANGELOG.rst", "CHANGES.rst", "HISTORY.rst", "NEWS.rst"];

/// Why the changelog at `root` is not read, when it is one of [`UNREAD_NAMES`].
pub fn unread(root: &Path) -> Option<String> {
    let name = UNREAD_NAMES
        .iter()
        .find(|n| std::fs::metadata(root.join(n)).is_ok_and(|m| m.is_file()))?;
    Some(format!(
        "{name} is reStructuredText, which relgate does not read (it reads Markdown: {})",
        DEFAULT_NAMES.join(", ")
    ))
}

/// lint-changelog's own flags.
#[derive(Debug, Default)]
pub struct Args {
    pub file: Option<PathBuf>,
    pub release: Option<String>,
    pub notes: Option<String>,
    pub staged: bool,
}

pub fn flag(a: &mut Args, _: &mut Common, flag: Flag, parser: &mut lexopt::Parser) -> Result<()> {
    match flag {
        Flag::Long(l) if l == "release" => a.release = Some(cli::value(parser, "--release")?),
        Flag::Long(l) if l == "notes" => a.notes = Some(cli::value(parser, "--notes")?),
        Flag::Long(l) if l == "staged" => a.staged = true,
        Flag::Value(v) if a.file.is_none() => a.file = Some(PathBuf::from(v)),
        other => return Err(other.unexpected()),
    }
    Ok(())
}

/// The configured changelog, else the first of the usual names: `(path, name to show)`.
/// A configured path that does not exist is an error; none of the usual names is `None`.
/// A configured path that is not a regular file is returned too: [`read_file`] says what it is.
pub fn find_file(root: &Path, config: &Config) -> Result<Option<(PathBuf, String)>> {
    if let Some(p) = &config.changelog.path {
        let path = config::contained_path(root, p)?;
        if std::fs::metadata(&path).is_err() {
            return Err(Error::new(format!(
                "changelog.path `{p}` does not exist; expected a file relative to the work-tree root"
            )));
        }
        let real = config::resolve_inside(root, &path, p)?;
        return Ok(Some((real, p.clone())));
    }
    // A changelog found in the repository must be a file of the repository, not a symlink out.
    // A directory of that name (`changelog/` of fragments) is passed over, but a pipe, a
    // device or a socket is taken, to be refused: skipping it would pass without looking.
    let exact = DEFAULT_NAMES
        .iter()
        .map(|n| n.to_string())
        .find(|n| std::fs::metadata(root.join(n)).is_ok_and(|m| !m.is_dir()));
    let name = match exact {
        Some(n) => n,
        None => {
            let tree = crate::tree::WorkTree::new(root);
            let found = |rel: &String| std::fs::metadata(root.join(rel)).is_ok_and(|m| !m.is_dir());
            match otherwise_named(&tree, "", found)? {
                Some(n) => n,
                None => return Ok(None),
            }
        }
    };
    let path = root.join(&name);
    config::resolve_inside(root, &path, &name).map(|real| Some((real, name)))
}

/// The changelog in `dir` (repository-relative) where none of the usual names is there
/// exactly: the first of them written in other capitals, as `reader` lists the directory
/// (maturin's `Changelog.md`, express' `History.md`, which a case-insensitive file system finds
/// by the usual name, and Linux does not), else the Markdown file towncrier is set to write
/// (`filename = "NEWS.md"`) where `exists` finds it. Asked only after the usual names, so a
/// changelog found by its name costs no listing.
fn otherwise_named(
    reader: &dyn crate::sources::FileReader,
    dir: &str,
    exists: impl Fn(&String) -> bool,
) -> Result<Option<String>> {
    if let Some(entries) = reader.list(dir)?
        && let Some(found) = DEFAULT_NAMES.iter().find_map(|usual| {
            entries
                .iter()
                .find(|(name, is_dir)| !is_dir && name.eq_ignore_ascii_case(usual))
                .map(|(name, _)| crate::sources::join(dir, name))
        })
    {
        return Ok(Some(found));
    }
    Ok(towncrier::declared_file(reader, dir).filter(exists))
}

/// The biggest changelog read: 64 MiB. The largest real changelog in the corpus is eslint's
/// 1.1 MB and the benchmark's big file is 10 MB; 64 MiB is six times that, linted in about half
/// a second with about 300 MB of memory, where the old 256 MiB let one file take over a
/// gigabyte. DESIGN's 16 MiB for config and version files would be too close to real files.
pub const MAX_CHANGELOG: u64 = 64 * 1024 * 1024;

/// Reads a changelog: a regular file (a symlink to one is followed) of at most
/// [`MAX_CHANGELOG`] bytes. A FIFO, a device, a socket or a directory is refused by its type
/// before anything opens it, and the open does not block, so a pipe cannot block a hook; the
/// size is held while reading too, for a file that grows after the check.
pub fn read_file(path: &Path, shown: &str) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let cannot = |e: std::io::Error| Error::new(format!("cannot read {shown}")).caused_by(e);
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(not_a_file(shown, &meta));
    }
    too_big(shown, meta.len(), false)?;
    let file = crate::tree::open_nonblocking(path).map_err(cannot)?;
    // The handle's own type: the path may have changed since it was looked at.
    let opened = file.metadata().map_err(cannot)?;
    if !opened.is_file() {
        return Err(not_a_file(shown, &opened));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(0) + 1);
    file.take(MAX_CHANGELOG + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    too_big(shown, bytes.len() as u64, true)?;
    Ok(bytes)
}

/// The error for a changelog of `len` bytes, if that is over the cap. `read` says the bytes
/// were read, which stops one past the cap: then the size is only known to be over it.
fn too_big(shown: &str, len: u64, read: bool) -> Result<()> {
    if len <= MAX_CHANGELOG {
        return Ok(());
    }
    let size = if read {
        "over 64 MiB".to_string()
    } else {
        format!("{len} bytes")
    };
    Err(Error::new(format!(
        "{shown} is {size}; a changelog is read only up to 64 MiB ({MAX_CHANGELOG} bytes)"
    )))
}

/// The error for a path that is no regular file, saying what it is.
fn not_a_file(shown: &str, meta: &std::fs::Metadata) -> Error {
    let kind = meta.file_type();
    let what = if kind.is_dir() {
        "a directory"
    } else {
        special_kind(&kind)
    };
    Error::new(format!(
        "{shown} is {what}, not a regular file; a changelog is read only from a regular file"
    ))
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Report> {
    let mut report = ctx.report()?;
    let config = &ctx.config()?.config;
    let opts = LintOptions {
        scheme: config.changelog.scheme,
        extra_types: config.changelog.extra_types.clone(),
        release: args.release.clone(),
        tag_prefix: config.tags.prefix.clone(),
        link_tag_prefix: None,
        link_base: None,
        format: config.changelog.format,
        declared_heading: None,
    };
    let needed = args.release.is_some() || args.notes.is_some();
    // Each changelog with its bytes, its name as shown, and the heading its towncrier writes.
    let mut found: Vec<(Vec<u8>, String, Option<String>)> = if args.staged || in_commit_hook() {
        let repo = ctx.repo()?;
        let index = Staged::with_limit(repo, MAX_CHANGELOG)?;
        // A commit hook lints the changelogs the commit changes, as the frameworks run the
        // hook only then: an unrelated commit is not held up by the committed changelog, nor a
        // commit to tokio-util's changelog by tokio's.
        let changed_only = in_commit_hook() && !needed;
        let staged = read_staged(repo, &index, config, args.file.as_deref(), changed_only)?;
        if staged.files.is_empty() && !staged.unchanged.is_empty() {
            let message = match staged.unchanged.as_slice() {
                [one] => format!("this commit leaves {one} as it is at HEAD: nothing to lint"),
                many => format!(
                    "this commit changes none of the {} packages' changelogs ({})",
                    many.len(),
                    crate::diag::shown_list(many, 4)
                ),
            };
            report.push(Diagnostic::note("changelog-unchanged", message));
            return Ok(report);
        }
        staged
            .files
            .into_iter()
            .map(|(bytes, shown, rel)| {
                let declared = towncrier::declared_heading(&index, &rel);
                (bytes, shown, declared)
            })
            .collect()
    } else if let Some(f) = &args.file {
        // Towncrier's settings beside FILE, where it is in a work tree.
        let root = ctx.work_tree().ok();
        let rel = root.as_ref().and_then(|r| repo_relative(r, f).ok());
        let declared = root.zip(rel).and_then(|(root, rel)| {
            towncrier::declared_heading(&crate::tree::WorkTree::new(&root), &rel)
        });
        vec![(
            read_file(f, &f.display().to_string())?,
            f.display().to_string(),
            declared,
        )]
    } else {
        let root = ctx.work_tree()?;
        let tree = crate::tree::WorkTree::new(&root);
        let found = match find_file(&root, config)? {
            Some(found) => vec![found],
            // A workspace whose packages keep their own changelogs (tokio's).
            None => member_changelogs(&tree, |p| {
                Ok(find_file(&root.join(p), config)?
                    .map(|(path, name)| (path, format!("{p}/{name}"))))
            })?,
        };
        found
            .into_iter()
            .map(|(path, shown)| {
                let declared = towncrier::declared_heading(&tree, &shown);
                Ok((read_file(&path, &shown)?, shown, declared))
            })
            .collect::<Result<_>>()?
    };
    if found.len() > 1 {
        // Which package's changelog holds a release is for FILE to say.
        if needed {
            let shown: Vec<String> = found.into_iter().map(|(_, s, _)| s).collect();
            return Err(Error::new(format!(
                "no changelog at the work-tree root, and the workspace's packages keep their \
                 own ({}): pass the FILE that holds the release",
                crate::diag::shown_list(&shown, 4)
            )));
        }
        for (bytes, shown, declared) in found {
            let opts = LintOptions {
                declared_heading: declared,
                ..opts.clone()
            };
            lint_file(ctx, &shown, &bytes, opts, &mut report)?;
        }
        return Ok(report);
    }
    let Some((bytes, shown, declared)) = found.pop() else {
        // Nothing to lint is a pass; a changelog that cannot be read is not.
        if args.file.is_none()
            && let Some(why) = unread(&ctx.work_tree()?)
        {
            return Err(Error::new(format!(
                "{why}; pass FILE or set changelog.path to lint a Markdown changelog"
            )));
        }
        if needed {
            return Err(Error::new(format!(
                "no changelog found at the work-tree root (looked for {}); pass FILE or set changelog.path",
                DEFAULT_NAMES.join(", ")
            )));
        }
        report.push(Diagnostic::note(
            "changelog-not-found",
            format!(
                "no changelog to lint (looked for {})",
                DEFAULT_NAMES.join(", ")
            ),
        ));
        return Ok(report);
    };
    let opts = LintOptions {
        declared_heading: declared,
        ..opts
    };
    if let Some(v) = &args.notes {
        let found =
            changelog::notes(&bytes, v, &opts).map_err(|e| Error::new(format!("{shown}: {e}")))?;
        match found {
            Notes::Body(body) if github_format(ctx) => {
                report.raw_output = Some(changelog::notes_for_actions(&body));
            }
            Notes::Body(body) => report.raw_output = Some(body),
            Notes::Empty { line, column } => report.push(
                Diagnostic::error(
                    "changelog-missing-release",
                    format!(
                        "the section for {v} (line {line}) is empty: there are no release notes to publish"
                    ),
                )
                .at(shown.clone(), line, column)
                .help("write the release notes in that section"),
            ),
            Notes::Missing { nearest } => {
                let near: Vec<String> = nearest
                    .iter()
                    .map(|(v, line)| format!("{v} (line {line})"))
                    .collect();
                let tail = match near.as_slice() {
                    [] => "; it has no release sections".to_string(),
                    [one] => format!("; the nearest version it has is {one}"),
                    many => format!("; the nearest versions it has are {}", many.join(" and ")),
                };
                report.push(
                    Diagnostic::error(
                        "changelog-missing-release",
                        format!(
                            "{shown} has no section for {}{tail}",
                            crate::diag::escape(v)
                        ),
                    )
                    .in_file(shown.clone()),
                );
            }
        }
        return Ok(report);
    }
    lint_file(ctx, &shown, &bytes, opts, &mut report)?;
    Ok(report)
}

/// Lints one changelog into `report`, with a pass line when it has no finding.
fn lint_file(
    ctx: &Ctx,
    shown: &str,
    bytes: &[u8],
    mut opts: LintOptions,
    report: &mut Report,
) -> Result<()> {
    let model = changelog::parse_for_lint(shown, bytes, opts.parse_options())?;
    if model.sections.iter().any(changelog::needs_definition) {
        opts.link_tag_prefix = tags_spelling(ctx, &model)?;
        opts.link_base = ctx.repo().ok().and_then(crate::git::Repo::web_url);
    }
    let before = report.diagnostics.len();
    report.extend(changelog::lint_model(shown, &model, &opts));
    // After `[rules]`: a file whose only findings are turned off is clean.
    if report.diagnostics.len() == before {
        report.pass(format!("{shown}: ok"));
    }
    Ok(())
}

/// The changelogs of a workspace's packages, where the root has none, in the order the
/// workspace lists its members: `find` gives a member directory's (the first of the usual
/// names there, as the work tree or the index has it), shown from the root
/// (`tokio/CHANGELOG.md`).
fn member_changelogs<T>(
    reader: &dyn crate::sources::FileReader,
    mut find: impl FnMut(&str) -> Result<Option<T>>,
) -> Result<Vec<T>> {
    let Some(ws) = crate::sources::workspace::workspace(reader)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for m in &ws.members {
        out.extend(find(&m.dir)?);
    }
    Ok(out)
}

/// How the tags spell a version (`v1.2.3` or `1.2.3`), for the link definitions the lint
/// suggests, when neither a setting nor a release tool's configuration gives the prefix: as the
/// file's own compare links spell them, else as most version tags do. lint-changelog lints
/// without listing the tags (`Needs::FILES`): only a file that needs a suggested link and has
/// no link to tell lists them (textual, whose links tell: +7 % instructions when it listed
/// them). Outside a repository, in one without version tags, or where the tags cannot be
/// read, the default stands: only the help's wording depends on it, never a verdict.
fn tags_spelling(ctx: &Ctx, model: &crate::changelog::Changelog<'_>) -> Result<Option<String>> {
    let loaded = ctx.config()?;
    let tags = &loaded.config.tags;
    if loaded.is_set("tags.prefix") || loaded.is_set("tags.pattern") || tags.inferred_from.is_some()
    {
        return Ok(None);
    }
    if let Some(p) = changelog::links_tag_prefix(model) {
        return Ok(Some(p));
    }
    let Ok(repo) = ctx.repo() else {
        return Ok(None);
    };
    Ok(crate::conventions::prefix_from_tags(loaded, repo)
        .ok()
        .flatten())
}

/// True when the output goes to a GitHub Actions log: `--format github`, or no `--format` under
/// `GITHUB_ACTIONS=true` (the rule `cli` applies to every report).
fn github_format(ctx: &Ctx) -> bool {
    ctx.common.format.unwrap_or_else(cli::default_format) == crate::diag::Format::Github
}

/// True inside a git commit hook: git sets `GIT_INDEX_FILE` for pre-commit,
/// pre-merge-commit, prepare-commit-msg and commit-msg, and their children.
fn in_commit_hook() -> bool {
    std::env::var_os("GIT_INDEX_FILE").is_some_and(|v| !v.is_empty())
}

/// The changelogs as staged, each with its bytes, its name as shown and its
/// repository-relative path.
struct StagedChangelogs {
    files: Vec<(Vec<u8>, String, String)>,
    /// The changelogs passed over, unread, as the commit leaves them.
    unchanged: Vec<String>,
}

/// The changelog as staged: FILE (a path in the work tree), the configured path, or the first
/// of the usual names the index holds, else each workspace package's own; with
/// `changed_only`, those the commit changes (not FILE, which is named). Empty when none is
/// staged.
fn read_staged(
    repo: &crate::git::Repo,
    index: &Staged<'_>,
    config: &Config,
    file: Option<&Path>,
    changed_only: bool,
) -> Result<StagedChangelogs> {
    let root = repo.require_workdir("lint-changelog --staged")?;
    let read = |rel: &str| -> Result<Option<Vec<u8>>> {
        let bytes = index
            .read(rel)
            .map_err(|e| Error::new(format!("cannot read the staged {rel}")).caused_by(e))?;
        if let Some(b) = &bytes {
            too_big(&format!("the staged {rel}"), b.len() as u64, false)?;
        }
        Ok(bytes)
    };
    let one = |files| {
        Ok(StagedChangelogs {
            files,
            unchanged: Vec::new(),
        })
    };
    // A changelog the commit leaves as it is, passed over unread.
    let unchanged = |rel: &str| -> Result<Option<StagedChangelogs>> {
        Ok(
            (changed_only && !index.changed(rel)?).then(|| StagedChangelogs {
                files: Vec::new(),
                unchanged: vec![rel.to_string()],
            }),
        )
    };
    if let Some(f) = file {
        let rel = repo_relative(&root, f)?;
        return match read(&rel)? {
            Some(bytes) => one(vec![(bytes, f.display().to_string(), rel)]),
            None => Err(Error::new(format!(
                "{} is not in the index; stage it (`git add {}`) or run without --staged",
                f.display(),
                f.display()
            ))),
        };
    }
    if let Some(p) = &config.changelog.path {
        if index.has(p)
            && let Some(passed) = unchanged(p)?
        {
            return Ok(passed);
        }
        return match read(p)? {
            Some(bytes) => one(vec![(bytes, p.clone(), p.clone())]),
            None => Err(Error::new(format!(
                "changelog.path `{p}` is not in the index; expected a staged file relative to the work-tree root"
            ))),
        };
    }
    // The first of the usual names staged in `dir`, in any capitals.
    let first_in = |dir: &str| match DEFAULT_NAMES
        .iter()
        .map(|name| crate::sources::join(dir, name))
        .find(|rel| index.has(rel))
    {
        Some(rel) => Ok(Some(rel)),
        None => otherwise_named(index, dir, |rel| index.has(rel)),
    };
    if let Some(rel) = first_in("")? {
        if let Some(passed) = unchanged(&rel)? {
            return Ok(passed);
        }
        return match read(&rel)? {
            Some(bytes) => one(vec![(bytes, rel.clone(), rel)]),
            None => one(Vec::new()),
        };
    }
    let mut passed = Vec::new();
    let mut files = Vec::new();
    for rel in member_changelogs(index, first_in)? {
        if changed_only && !index.changed(&rel)? {
            passed.push(rel);
        } else if let Some(bytes) = read(&rel)? {
            files.push((bytes, rel.clone(), rel));
        }
    }
    Ok(StagedChangelogs {
        files,
        unchanged: passed,
    })
}

/// `f` (relative to the current directory, or absolute) as a `/`-separated path in the work
/// tree at `root`.
fn repo_relative(root: &Path, f: &Path) -> Result<String> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::new("cannot read the current directory").caused_by(e))?;
    let abs = if f.is_absolute() {
        f.to_path_buf()
    } else {
        cwd.join(f)
    };
    // Compare real directories (a temporary directory may be reached through a symlink).
    let dir = abs.parent().unwrap_or(Path::new("/"));
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let abs = match abs.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let rel = abs.strip_prefix(&root).map_err(|_| {
        Error::new(format!(
            "{} is outside the repository at {}; the index only holds files inside it",
            f.display(),
            root.display()
        ))
    })?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}
