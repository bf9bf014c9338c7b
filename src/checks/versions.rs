//! check-version-sync: every version source agrees, with the release tag too.
//!
//! Sources are read (by [`crate::sources`]) from the work tree, the index (`--staged`) or a
//! commit (`--at`); [`check_sources`] compares them with each other, [`check_against_tag`] with a
//! release tag. Nothing here writes.

use crate::cli::{self, Common, Ctx, Flag, Tool};
use crate::config::Config;
use crate::diag::{Diagnostic, Report, RuleDoc, Severity};
use crate::error::{Error, Result};
use crate::git::{Oid, Repo};
use crate::hook::Hook;
use crate::packages;
use crate::releases;
use crate::sources::{self, FileReader, Sources};
use crate::tree::{AtCommit, Staged, WorkTree};
use crate::version::{self, Agreement, Ecosystem, TagVersion, Version};

pub const TOOL: Tool = Tool {
    name: "check-version-sync",
    usage: "\
check-version-sync: every version source in the repository agrees

Usage: check-version-sync [OPTIONS]

Reads pyproject.toml, setup.cfg, setup.py, the package's __init__.py / _version.py /
__version__.py / version.py / __about__.py, Cargo.toml (and maturin's manifest-path),
package.json (+ package-lock.json), VERSION, CITATION.cff, conda meta.yaml, Helm Chart.yaml,
the files a bump tool declares (bump-my-version, bumpversion, commitizen, tbump,
semantic-release, rooster, release-please) and configured sources, each by key with a real
parser, and compares them the way each ecosystem compares (PEP 440 for Python, exact SemVer
for Cargo, npm and Helm).

Options:
      --expect <VERSION|TAG> The version the sources must hold (e.g. the tag being released)
      --at <REV>             Read the sources from commit REV instead of the work tree (a
                             branch, tag or commit id, with ~N / ^N)
      --staged               Read the sources from the index: what is about to be committed
      --list                 Print every source: path:line:col  kind  raw  normalised
",
    reads_git: true,
    status: false,
    needs: crate::conventions::Needs::TAGS,
    hooks: &[Hook::PreCommit, Hook::PrePush],
};

pub const RULES: &[RuleDoc] = &[
    RuleDoc {
        id: "version-mismatch",
        tool: "check-version-sync",
        severity: Severity::Error,
        summary: "two version sources disagree",
        why: "pyproject.toml saying 3.3.0 while __init__.py says 3.2.0 ships a package that reports the wrong version. Every disagreeing source is reported at its own line, against the first source found.",
        bad: "pyproject.toml: version = \"3.3.0\"\nsrc/pkg/__init__.py: __version__ = \"3.2.0\"",
        good: "pyproject.toml: version = \"3.3.0\"\nsrc/pkg/__init__.py: __version__ = \"3.3.0\"",
    },
    RuleDoc {
        id: "version-invalid",
        tool: "check-version-sync",
        severity: Severity::Error,
        summary: "a source holds a string that is no version in its ecosystem",
        why: "Cargo rejects `1.2`, PyPI rejects `1.2.0-SNAPSHOT`; the build fails later, or worse, publishes something unexpected.",
        bad: "Cargo.toml: version = \"1.2\"",
        good: "Cargo.toml: version = \"1.2.0\"",
    },
    RuleDoc {
        id: "version-multiple",
        tool: "check-version-sync",
        severity: Severity::Error,
        summary: "one source holds two different values",
        why: "A stale second `__version__` line beside the right one is what substring-based bump tools leave behind; which one Python sees depends on the order.",
        bad: "__version__ = \"1.2.0\"\n__version__ = \"1.1.0\"",
        good: "__version__ = \"1.2.0\"",
    },
    RuleDoc {
        id: "version-not-found",
        tool: "check-version-sync",
        severity: Severity::Error,
        summary: "no version source at all, or a configured source yields nothing",
        why: "A configured source that matches nothing is a silent no-op in bump tools; relgate says so.",
        bad: "[[versions.source]]\npath = \"src/pkg/__init__.py\"   # has no __version__ line",
        good: "[[versions.source]]\npath = \"src/pkg/__init__.py\"   # __version__ = \"1.2.0\"",
    },
    RuleDoc {
        id: "version-tag-mismatch",
        tool: "check-version-sync",
        severity: Severity::Error,
        summary: "HEAD carries a release tag (or --expect was given) and the sources differ from it",
        why: "On a release tag the files must say the tag's version, or the published package and the tag disagree. A version file changed in the work tree since HEAD is the next version being prepared and is compared with the tag only by version-behind-tag; --staged skips HEAD's tags.",
        bad: "HEAD tagged v1.2.0, pyproject.toml says 1.1.0",
        good: "HEAD tagged v1.2.0, pyproject.toml says 1.2.0",
    },
    RuleDoc {
        id: "version-behind-tag",
        tool: "check-version-sync",
        severity: Severity::Error,
        summary: "the sources are lower than the newest release tag reachable from HEAD",
        why: "Being ahead of the last tag is normal (the next release is being prepared); being behind it means a bump was lost, often in a merge. A committed file behind the release tag on its own commit is version-tag-mismatch only, whose fix (the tag's version) is the one to apply.",
        bad: "v3.2.0 is an ancestor of HEAD, pyproject.toml says 3.1.0",
        good: "v3.2.0 is an ancestor of HEAD, pyproject.toml says 3.3.0",
    },
    RuleDoc {
        id: "version-non-canonical",
        tool: "check-version-sync",
        severity: Severity::Warn,
        summary: "a Python version is equal under PEP 440 but not written canonically",
        why: "`1.2` equals `1.2.0` and `1.2.0-rc1` equals `1.2.0rc1`, but build tools rewrite them with a warning and tags spelled from them differ.",
        bad: "pyproject.toml: version = \"1.2.0-rc1\"",
        good: "pyproject.toml: version = \"1.2.0rc1\"",
    },
    RuleDoc {
        id: "version-dynamic",
        tool: "check-version-sync",
        severity: Severity::Note,
        summary: "the version comes from the git tag at build time (setuptools_scm, hatch-vcs): shown, not compared",
        why: "With a dynamic version the tag is the source of truth; validate-tag checks it.",
        bad: "(none: this is a note)",
        good: "[tool.setuptools_scm]",
    },
    RuleDoc {
        id: "version-no-tags",
        tool: "check-version-sync",
        severity: Severity::Note,
        summary: "the repository has no release tags, so `version-behind-tag` was not checked",
        why: "A clone made without tags looks like a project that never released; relgate says which check it could not make instead of passing silently.",
        bad: "(none: this is a note)",
        good: "git fetch --tags",
    },
];

/// check-version-sync's own flags.
#[derive(Debug, Default)]
pub struct Args {
    pub expect: Option<String>,
    pub at: Option<String>,
    pub staged: bool,
    pub list: bool,
    pub package: Option<String>,
}

pub fn flag(a: &mut Args, _: &mut Common, flag: Flag, parser: &mut lexopt::Parser) -> Result<()> {
    match flag {
        Flag::Long(l) if l == "expect" => a.expect = Some(cli::value(parser, "--expect")?),
        Flag::Long(l) if l == "at" => a.at = Some(cli::value(parser, "--at")?),
        Flag::Long(l) if l == "staged" => a.staged = true,
        Flag::Long(l) if l == "list" => a.list = true,
        Flag::Long(l) if l == "package" => a.package = Some(cli::value(parser, "--package")?),
        other => return Err(other.unexpected()),
    }
    Ok(())
}

/// Where the sources are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tree {
    WorkTree,
    Staged,
    Commit(Oid),
}

/// The files of `tree`.
pub fn reader<'r>(tree: &Tree, repo: &'r Repo) -> Result<Box<dyn FileReader + 'r>> {
    Ok(match tree {
        Tree::WorkTree => {
            let root = repo.require_workdir("reading the work tree's version sources")?;
            Box::new(WorkTree::new(&root))
        }
        Tree::Staged => Box::new(Staged::new(repo)?),
        Tree::Commit(c) => Box::new(AtCommit::new(repo, *c)?),
    })
}

/// Reads every version source of the package in directory `dir` (`""`: the root) from `tree`.
pub fn collect_sources(tree: &Tree, repo: &Repo, config: &Config, dir: &str) -> Result<Sources> {
    sources::collect_in(&*reader(tree, repo)?, &config.versions, dir)
}

/// Where relgate looks, for `version-not-found`.
const NOT_FOUND_HELP: &str = "relgate reads pyproject.toml, setup.cfg, setup.py, the package's __init__.py, _version.py, \
     __version__.py, version.py and __about__.py, Cargo.toml, package.json, VERSION, CITATION.cff, \
     meta.yaml and Chart.yaml at the work-tree root (and in each member of a Cargo, uv, npm or pnpm \
     workspace), and the files a bump tool's configuration lists (bump-my-version, commitizen, tbump, \
     semantic-release, rooster, release-please); configure others under [[versions.source]]";

/// The ecosystem of the project: Python as soon as any Python source exists.
pub fn project_ecosystem(s: &Sources) -> Ecosystem {
    if s.found
        .iter()
        .any(|f| f.version.ecosystem() == Ecosystem::Python)
        || !s.dynamic.is_empty()
    {
        Ecosystem::Python
    } else {
        Ecosystem::Semver
    }
}

/// The sources compared with each other.
pub fn check_sources(s: &Sources, report: &mut Report) {
    report.extend(s.diagnostics.iter().cloned());
    for d in &s.dynamic {
        report.push(
            Diagnostic::note(
                "version-dynamic",
                format!(
                    "the version comes from the git tag at build time ({})",
                    d.how
                ),
            )
            .at(d.path.clone(), d.line, d.column),
        );
    }
    if s.found.is_empty() {
        // A source that was found but is invalid, or declared but empty, already says why.
        let explained = s
            .diagnostics
            .iter()
            .any(|d| matches!(d.rule, "version-invalid" | "version-not-found"));
        if s.dynamic.is_empty() && !explained {
            report.push(
                Diagnostic::error("version-not-found", "no version source found")
                    .help(NOT_FOUND_HELP),
            );
        }
        return;
    }
    for f in &s.found {
        if f.version.ecosystem() == Ecosystem::Python && !version::is_canonical(&f.version) {
            let canonical = f.version.normalized();
            report.push(
                Diagnostic::warn(
                    "version-non-canonical",
                    format!(
                        "{} is written `{}`; PEP 440 spells it `{canonical}`",
                        f.kind,
                        f.version.raw()
                    ),
                )
                .at(f.path.clone(), f.line, f.column)
                .help(format!("write `{canonical}`")),
            );
        }
    }
    let first = &s.found[0];
    let mut all_agree = true;
    for f in &s.found[1..] {
        let agreement = version::agree(&first.version, &f.version);
        // Each spelled canonically, yet written differently (`1.2` and `1.2.0`): one warning
        // here, since neither source is non-canonical on its own.
        if agreement == Agreement::EqualNonCanonical
            && version::is_canonical(&first.version)
            && version::is_canonical(&f.version)
        {
            report.push(
                Diagnostic::warn(
                    "version-non-canonical",
                    format!(
                        "{} says {}, which equals {} ({}:{}) under PEP 440 but is written differently",
                        f.kind,
                        f.version.raw(),
                        first.version.raw(),
                        first.path,
                        first.line
                    ),
                )
                .at(f.path.clone(), f.line, f.column)
                .help("write the version the same way in every source"),
            );
        }
        if agreement == Agreement::Different {
            all_agree = false;
            report.push(
                Diagnostic::error(
                    "version-mismatch",
                    format!(
                        "{} says {}, but {} ({}:{}) says {}",
                        f.kind,
                        f.version.raw(),
                        first.kind,
                        first.path,
                        first.line,
                        first.version.raw()
                    ),
                )
                .at(f.path.clone(), f.line, f.column)
                .help(format!(
                    "make every source say the same version (compared by {})",
                    scheme(first, f)
                )),
            );
        }
    }
    if all_agree {
        report.pass(if s.found.len() == 1 {
            format!("1 version source: {}", first.version.raw())
        } else {
            format!(
                "{} version sources agree on {}",
                s.found.len(),
                first.version.raw()
            )
        });
    }
}

fn scheme(a: &sources::Found, b: &sources::Found) -> &'static str {
    if a.version.ecosystem() == Ecosystem::Semver && b.version.ecosystem() == Ecosystem::Semver {
        "exact SemVer"
    } else {
        "PEP 440 equality"
    }
}

/// The sources compared with a tag they must equal; the places of those that do not.
pub fn check_against_tag(
    s: &Sources,
    tag: &TagVersion,
    why: &str,
    report: &mut Report,
) -> Vec<(String, usize, usize)> {
    let mut differ = Vec::new();
    for f in &s.found {
        let agreement = version::tag_matches(tag, &f.version);
        // `1.2` at tag v1.2.0: equal, but not written as the tag says (DESIGN §3).
        if agreement == Agreement::EqualNonCanonical
            && version::is_canonical(&f.version)
            && let Some(p) = tag.pep440()
        {
            report.push(
                Diagnostic::warn(
                    "version-non-canonical",
                    format!(
                        "{} says {}, which equals {} under PEP 440 but is written differently",
                        f.kind,
                        f.version.raw(),
                        tag.tag()
                    ),
                )
                .at(f.path.clone(), f.line, f.column)
                .help(format!("write `{p}`")),
            );
        }
        if agreement == Agreement::Different {
            report.push(
                Diagnostic::error(
                    "version-tag-mismatch",
                    format!(
                        "{} says {}, but {why} {}",
                        f.kind,
                        f.version.raw(),
                        tag.tag()
                    ),
                )
                .at(f.path.clone(), f.line, f.column)
                .help(format!("set it to {}", tag.version_part())),
            );
            differ.push((f.path.clone(), f.line, f.column));
        }
    }
    differ
}

/// The sources compared with the version being released (`check-release-ready --release X`).
pub fn check_against_version(s: &Sources, v: &Version, why: &str, report: &mut Report) {
    for f in &s.found {
        if version::agree(&f.version, v) == Agreement::Different {
            report.push(
                Diagnostic::error(
                    "version-mismatch",
                    format!("{} says {}, but {why}", f.kind, f.version.raw()),
                )
                .at(f.path.clone(), f.line, f.column)
                .help(format!("set it to {} before the release", v.raw())),
            );
        }
    }
}

/// The sources compared with the newest release tag below them in history, but those at
/// `corrected`, which that very tag already told what to say.
pub fn check_behind(
    s: &Sources,
    newest: &TagVersion,
    corrected: &[(String, usize, usize)],
    report: &mut Report,
) {
    for f in &s.found {
        let at = (f.path.clone(), f.line, f.column);
        if version::compare_with_tag(&f.version, newest) == Some(std::cmp::Ordering::Less)
            && !corrected.contains(&at)
        {
            report.push(
                Diagnostic::error(
                    "version-behind-tag",
                    format!(
                        "{} says {}, lower than release tag {}, which is in this commit's history",
                        f.kind,
                        f.version.raw(),
                        newest.tag()
                    ),
                )
                .at(f.path.clone(), f.line, f.column)
                .help(format!(
                    "the version bump was lost: set it above {}",
                    newest.version_part()
                )),
            );
        }
    }
}

/// Parses `--expect`: a tag (`v1.2.0`) or a bare version (`1.2.0`).
pub fn expected_tag(value: &str, config: &Config) -> Result<TagVersion> {
    let tags = &config.tags;
    let as_tag = version::check_tag(value, tags);
    if let Ok(tv) = as_tag {
        return Ok(tv);
    }
    let prefixed = format!("{}{value}", tags.prefix);
    version::check_tag(&prefixed, tags).map_err(|e| {
        Error::new(format!(
            "--expect `{value}` is not a valid release version: {}",
            e.message
        ))
    })
}

/// The sources found in the work tree whose file is the same at `commit`.
fn unchanged_since(repo: &Repo, commit: Oid, sources: &Sources) -> Result<Vec<sources::Found>> {
    let root = repo.require_workdir("reading the work tree's version sources")?;
    let (work, committed) = (WorkTree::new(&root), AtCommit::new(repo, commit)?);
    let mut same: std::collections::HashMap<&str, bool> = Default::default();
    let mut out = Vec::new();
    for f in &sources.found {
        let unchanged = match same.get(f.path.as_str()) {
            Some(u) => *u,
            None => {
                use crate::sources::FileReader;
                let u = work.read(&f.path)? == committed.read(&f.path)?;
                same.insert(&f.path, u);
                u
            }
        };
        if unchanged {
            out.push(f.clone());
        }
    }
    Ok(out)
}

/// The release tags (of any spelling) whose commit is `commit`, and the newest one in its
/// history.
pub struct TagContext {
    pub on_commit: Vec<TagVersion>,
    /// The newest release tag below `commit` among those above the floor given to
    /// [`tag_context`].
    pub newest_reachable: Option<TagVersion>,
    /// Release-tag candidates exist at all (valid or not).
    pub any_tags: bool,
}

/// The tags on `commit`, and the newest release tag in its history whose version is above
/// `floor` (all of them without one): check-version-sync only needs the tags its sources could
/// be behind, so in the usual case (the sources at or ahead of every tag) no history is walked.
///
/// Reachability is asked highest version first (see [`Repo::first_reachable`]): a few merge
/// bases, or one walk from `commit` that stops at the first candidate found, never one walk
/// per tag.
pub fn tag_context(
    repo: &Repo,
    config: &Config,
    commit: Oid,
    eco: Ecosystem,
    floor: Option<&Version>,
) -> Result<TagContext> {
    let list = releases::list(repo, &config.tags)?;
    let mut on_commit = Vec::new();
    // (commit, version) of the candidates for "newest below", highest version first.
    let mut candidates: Vec<(Oid, &TagVersion)> = Vec::new();
    for t in &list.tags {
        let above_floor = floor.is_none_or(|f| {
            version::compare_with_tag(f, &t.version) == Some(std::cmp::Ordering::Less)
        });
        // Peel a tag only when the ref cannot tell whether it is on `commit`, or when it is a
        // candidate whose commit the walk must look for.
        let known_here = t.tag.on_commit(commit);
        let peeled = if known_here.is_none() || (above_floor && known_here == Some(false)) {
            repo.resolve(&t.tag)?.commit
        } else {
            None
        };
        let here = known_here.unwrap_or(peeled == Some(commit));
        if here {
            on_commit.push(t.version.clone());
            if above_floor {
                candidates.push((commit, &t.version));
            }
        } else if above_floor && let Some(c) = peeled {
            candidates.push((c, &t.version));
        }
    }
    candidates
        .sort_by(|a, b| version::compare_tags(b.1, a.1, eco).unwrap_or(std::cmp::Ordering::Equal));
    // The candidates' commits, highest version first, each once. Tags on `commit` itself
    // count as below it here (they name what it released).
    let mut seen = std::collections::HashSet::with_capacity(candidates.len());
    let ordered: Vec<Oid> = candidates
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| seen.insert(*c))
        .collect();
    let first = repo.first_reachable(commit, &ordered)?;
    let newest_reachable = candidates
        .iter()
        .find(|(c, _)| Some(*c) == first)
        .map(|(_, tv)| (*tv).clone());
    Ok(TagContext {
        on_commit,
        newest_reachable,
        any_tags: list.candidates > 0,
    })
}

/// The newest release tag in the history of `commit`, as [`tag_context`] finds it without a
/// floor, for a caller that does not need the tags on `commit`: the tags are peeled highest
/// version first and only as far as the answer needs (check-release-ready on `small`, 20
/// loose annotated tags: one read where it read 20). `skip` leaves out the tags on `commit`
/// itself that name that version: on a checkout of a release's own tag, "the newest release
/// before it" is what check-release-ready compares with.
pub fn newest_reachable(
    repo: &Repo,
    config: &Config,
    commit: Oid,
    eco: Ecosystem,
    skip: Option<&Version>,
) -> Result<Option<TagVersion>> {
    let list = releases::list(repo, &config.tags)?;
    let mut tags: Vec<&releases::ReleaseTag> = list.tags.iter().collect();
    // Stable: tags of one version keep their order, as in `tag_context`.
    tags.sort_by(|a, b| {
        version::compare_tags(&b.version, &a.version, eco).unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut tags = tags.into_iter();
    let mut seen = std::collections::HashSet::new();
    // The version of the first tag (highest first) on each commit given to the search.
    let mut first_on: Vec<(Oid, &TagVersion)> = Vec::new();
    let found = repo.first_reachable_of(commit, || {
        for t in tags.by_ref() {
            let peeled = match t.tag.on_commit(commit) {
                Some(true) => Some(commit),
                _ => repo.resolve(&t.tag)?.commit,
            };
            let Some(c) = peeled else { continue };
            let skipped = c == commit
                && skip.is_some_and(|v| {
                    version::compare_with_tag(v, &t.version) == Some(std::cmp::Ordering::Equal)
                });
            if !skipped && seen.insert(c) {
                first_on.push((c, &t.version));
                return Ok(Some(c));
            }
        }
        Ok(None)
    })?;
    Ok(found.and_then(|f| {
        first_on
            .iter()
            .find(|(c, _)| *c == f)
            .map(|(_, tv)| (*tv).clone())
    }))
}

/// `--list`'s lines: `path:line:col  kind  raw  normalised`, and `  package NAME` for a
/// workspace member.
fn list_of(s: &Sources, pkg: &packages::Package) -> Vec<u8> {
    let member = match (&pkg.name, pkg.member) {
        (Some(n), true) => format!("  package {}", crate::diag::escape(n)),
        _ => String::new(),
    };
    let mut out = String::new();
    for f in &s.found {
        out.push_str(&format!(
            "{}:{}:{}  {}  {}  {}{member}\n",
            crate::diag::escape(&f.path),
            f.line,
            f.column,
            crate::diag::escape(&f.kind),
            crate::diag::escape(f.version.raw()),
            crate::diag::escape(&f.version.normalized())
        ));
    }
    for d in &s.dynamic {
        out.push_str(&format!(
            "{}:{}:{}  dynamic  {}  (from the git tag){member}\n",
            crate::diag::escape(&d.path),
            d.line,
            d.column,
            crate::diag::escape(&d.how)
        ));
    }
    out.into_bytes()
}

/// The JSON `sources` entries; a workspace member's carry `"package"`.
fn sources_json(s: &Sources, pkg: &packages::Package) -> Vec<serde_json::Value> {
    let package = pkg.name.as_deref().filter(|_| pkg.member);
    let with_package = |mut v: serde_json::Value| {
        if let (Some(p), Some(o)) = (package, v.as_object_mut()) {
            o.insert("package".into(), p.into());
        }
        v
    };
    s.found
        .iter()
        .map(|f| {
            serde_json::json!({
                "path": f.path, "line": f.line, "column": f.column, "kind": f.kind,
                "raw": f.version.raw(), "normalized": f.version.normalized(),
                "ecosystem": f.version.ecosystem().scheme(),
            })
        })
        .chain(s.dynamic.iter().map(|d| {
            serde_json::json!({
                "path": d.path, "line": d.line, "column": d.column, "kind": "dynamic",
                "raw": null, "normalized": null, "ecosystem": d.how,
            })
        }))
        .map(with_package)
        .collect()
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Report> {
    if args.staged && args.at.is_some() {
        return Err(Error::new(
            "--staged and --at exclude each other: read the index, or a commit",
        ));
    }
    // Outside a repository there is no release history to compare with: exit 2 (DESIGN §1).
    let repo = ctx.repo()?;
    let config = &ctx.config()?.config;
    let mut report = ctx.report()?;
    let (tree, commit) = match (&args.at, args.staged) {
        (Some(rev), _) => {
            let c = repo.rev_parse_commit(rev)?;
            (Tree::Commit(c), Some(c))
        }
        (None, true) => (Tree::Staged, repo.head().ok().and_then(|h| h.oid())),
        (None, false) => (Tree::WorkTree, repo.head().ok().and_then(|h| h.oid())),
    };
    let reader = reader(&tree, repo)?;
    let only = args
        .package
        .as_deref()
        .or(config.versions.package.as_deref());
    let pkgs = packages::packages(&*reader, config, repo, only)?;
    // `--expect tokio-1.53.1` names its package; a bare version needs one package to mean.
    let expect = match &args.expect {
        Some(e) => Some(expected(e, config, &pkgs)?),
        None => None,
    };
    let shallow = commit.is_some() && repo.is_shallow();
    let mut listed = Vec::new();
    let mut json = Vec::new();
    let mut members_passed = 0;
    for pkg in &pkgs.list {
        let mut sources = sources::collect_in(&*reader, &config.versions, &pkg.dir)?;
        if pkg.member
            && sources.found.is_empty()
            && sources.dynamic.is_empty()
            && sources.diagnostics.is_empty()
        {
            // A member with no version at all (an internal crate of examples) has none to check.
            continue;
        }
        if !pkg.is_package {
            // A root that is only a workspace: its manifest's own version is no source
            // (`0.1+private`), and with nothing else there it has nothing to check.
            sources.found.retain(|f| !packages::is_manifest_version(f));
            if sources.found.is_empty() && sources.diagnostics.is_empty() {
                continue;
            }
        }
        listed.push(list_of(&sources, pkg));
        json.extend(sources_json(&sources, pkg));
        let mut sub = Report::new("check-version-sync");
        let pkg_config = Config {
            tags: pkg.tags.clone(),
            ..config.clone()
        };
        let pkg_expect = expect
            .as_ref()
            .filter(|(owner, _)| owner.as_deref() == pkg.name.as_deref() || owner.is_none());
        check_package(
            repo,
            &pkg_config,
            &tree,
            commit.filter(|_| !shallow),
            &sources,
            pkg_expect.map(|(_, tv)| tv),
            !pkg.member,
            &mut sub,
        )?;
        let label = pkg.label();
        for mut d in sub.diagnostics {
            d.message = format!("{label}{}", d.message);
            report.push(d);
        }
        if pkg.member {
            // One line for the members that pass, not one per crate of a large workspace.
            members_passed += usize::from(!sub.passes.is_empty());
        } else {
            report.passes.extend(sub.passes);
        }
    }
    if members_passed > 0 {
        report.passes.push(format!(
            "{members_passed} package{} of the {}: each one's sources agree (--list names them)",
            if members_passed == 1 { "" } else { "s" },
            pkgs.workspace
                .as_ref()
                .map_or("workspace", |w| w.declared_in)
        ));
    }
    if pkgs.list.iter().all(|p| !p.is_package) && report.diagnostics.is_empty() && listed.is_empty()
    {
        // A workspace root whose members hold no version either.
        report.push(
            Diagnostic::error("version-not-found", "no version source found").help(NOT_FOUND_HELP),
        );
    }
    if shallow {
        report.push(
            Diagnostic::warn(
                "shallow-clone",
                "the repository is a shallow clone: the sources were not compared with earlier release tags",
            )
            .help("fetch the whole history and the tags (`git fetch --unshallow --tags`, or `fetch-depth: 0` in actions/checkout)"),
        );
    }
    report
        .extra
        .insert("sources", serde_json::Value::Array(json));
    if args.list {
        // The sources, then the findings about them: an exit status of 1 always says why.
        report.preamble = Some(listed.concat());
    }
    Ok(report)
}

/// `--expect`: a tag of one package (`tokio-1.53.1`, `v1.2.0`) or a bare version, with the
/// package it is about (`None`: the root, or every package when only one is checked).
fn expected(
    value: &str,
    config: &Config,
    pkgs: &packages::Packages,
) -> Result<(Option<String>, TagVersion)> {
    if let Some(p) = pkgs.owner_of(value).filter(|p| p.member) {
        let cfg = Config {
            tags: p.tags.clone(),
            ..config.clone()
        };
        return Ok((p.name.clone(), expected_tag(value, &cfg)?));
    }
    let members = pkgs.list.iter().filter(|p| p.member).count();
    if members > 0 && pkgs.list.len() > 1 && !pkgs.list.iter().any(|p| p.is_package && !p.member) {
        return Err(Error::new(format!(
            "--expect `{}` names no package of this workspace; name one with --package ({})",
            crate::diag::escape(value),
            pkgs.names().join(", ")
        )));
    }
    let owner = match pkgs.list.as_slice() {
        [only] => only.name.clone(),
        _ => pkgs.root().and_then(|r| r.name.clone()),
    };
    let tags = pkgs
        .list
        .iter()
        .find(|p| p.name == owner)
        .map_or(&config.tags, |p| &p.tags);
    let cfg = Config {
        tags: tags.clone(),
        ..config.clone()
    };
    Ok((owner, expected_tag(value, &cfg)?))
}

/// One package's sources compared with each other, with `--expect`, with its tag on `commit`
/// and with the newest of its release tags below `commit` (`None`: not compared with history).
#[allow(clippy::too_many_arguments)]
fn check_package(
    repo: &Repo,
    config: &Config,
    tree: &Tree,
    commit: Option<Oid>,
    sources: &Sources,
    expect: Option<&TagVersion>,
    root: bool,
    report: &mut Report,
) -> Result<()> {
    check_sources(sources, report);
    if let Some(tv) = expect {
        check_against_tag(sources, tv, "--expect says", report);
    }
    // Nothing to compare with the release tags without a version, or without a commit.
    let (Some(commit), false) = (commit, sources.found.is_empty()) else {
        return Ok(());
    };
    let eco = project_ecosystem(sources);
    // Only a tag above the lowest source can put a source behind.
    let lowest = sources
        .found
        .iter()
        .map(|f| &f.version)
        .min_by(|a, b| version::compare(a, b).unwrap_or(std::cmp::Ordering::Equal));
    let tc = tag_context(repo, config, commit, eco, lowest)?;
    if !tc.any_tags {
        // A workspace member with no release tags of its own is simply not tagged.
        if root {
            report.push(Diagnostic::note(
                "version-no-tags",
                "no release tags in the repository: not compared with the last release (if this clone lacks them: git fetch --tags)",
            ));
        }
        return Ok(());
    }
    // HEAD's tags name the files as HEAD has them: a file read from the work tree is compared
    // with them only while it is unchanged since HEAD (a bump after a release is the next
    // version, not a wrong one; version-behind-tag still catches a lower one). The commit in
    // progress will not carry HEAD's tags, so --staged skips the comparison.
    // A source the tag on the commit already corrects ("set it to 2.9.2") is not also told
    // that its bump was lost ("set it above 2.9.2") when that tag is the newest: one place,
    // one fix.
    let mut corrected = Vec::new();
    if expect.is_none() && !tc.on_commit.is_empty() {
        let as_committed = match tree {
            Tree::Commit(_) => Some(sources.found.clone()),
            Tree::WorkTree => Some(unchanged_since(repo, commit, sources)?),
            Tree::Staged => None,
        };
        if let Some(found) = as_committed {
            let committed = Sources {
                found,
                dynamic: Vec::new(),
                diagnostics: Vec::new(),
            };
            for tv in &tc.on_commit {
                let told = check_against_tag(&committed, tv, "the commit is tagged", report);
                let newest = tc.newest_reachable.as_ref();
                if newest.is_some_and(|n| {
                    version::compare_tags(tv, n, eco) == Some(std::cmp::Ordering::Equal)
                }) {
                    corrected.extend(told);
                }
            }
        }
    }
    if let Some(newest) = &tc.newest_reachable {
        check_behind(sources, newest, &corrected, report);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::Found;

    fn found(path: &str, raw: &str, eco: Ecosystem) -> Found {
        Found {
            path: path.into(),
            line: 3,
            column: 12,
            kind: "version".into(),
            version: version::Version::parse(raw, eco).unwrap(),
        }
    }

    fn rules(r: &Report) -> Vec<(&'static str, String)> {
        r.diagnostics
            .iter()
            .map(|d| (d.rule, d.location()))
            .collect()
    }

    #[test]
    fn equal_but_differently_written_sources_warn_once() {
        let s = Sources {
            found: vec![
                found("pyproject.toml", "1.2.0", Ecosystem::Python),
                found("setup.cfg", "1.2", Ecosystem::Python),
                found("VERSION", "1.2.0", Ecosystem::Python),
            ],
            ..Sources::default()
        };
        let mut r = Report::new("check-version-sync");
        check_sources(&s, &mut r);
        assert_eq!(
            rules(&r),
            [("version-non-canonical", "setup.cfg:3:12".to_string())]
        );
        assert_eq!(r.passes, ["3 version sources agree on 1.2.0"]);
    }

    #[test]
    fn a_short_version_at_a_full_tag_warns() {
        let s = Sources {
            found: vec![found("pyproject.toml", "1.2", Ecosystem::Python)],
            ..Sources::default()
        };
        let tag = version::check_tag("v1.2.0", &Default::default()).unwrap();
        let mut r = Report::new("check-version-sync");
        check_against_tag(&s, &tag, "the commit is tagged", &mut r);
        assert_eq!(
            rules(&r),
            [("version-non-canonical", "pyproject.toml:3:12".to_string())]
        );
        assert_eq!(r.diagnostics[0].help.as_deref(), Some("write `1.2.0`"));
        check_sources(&s, &mut r);
        assert_eq!(r.passes, ["1 version source: 1.2"]);
    }
}
