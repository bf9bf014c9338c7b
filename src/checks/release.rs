//! check-release-ready: "can I tag this commit as a release now?" in one read-only command.
//!
//! Every check of the checklist runs, whatever failed before it; each returns a [`CheckLine`]
//! with what is wrong and the command that fixes it. A check that needs history it does not have
//! (a shallow clone, a clone without tags) is `skip`, never `pass`. The tag is never created and
//! nothing is fetched: the remote-tracking ref is used as it is.

use std::cmp::Ordering;

use crate::changelog::{Changelog, ParseOptions};
use crate::checks::changelog::{self, LintOptions};
use crate::checks::lint;
use crate::checks::tag;
use crate::checks::versions::{self, Tree};
use crate::cli::{self, Common, Ctx, Flag, Tool};
use crate::config::Config;
use crate::conventions::Needs;
use crate::diag::{CheckLine, CheckStatus, Diagnostic, Report, RuleDoc, Severity};
use crate::error::{Error, Result};
use crate::git::{Head, Repo, StatusApart, Upstream};
use crate::glob;
use crate::packages;
use crate::releases;
use crate::sources::Sources;
use crate::version::{self, Spelling, TagVersion, Version};

pub const TOOL: Tool = Tool {
    name: "check-release-ready",
    usage: "\
check-release-ready: the whole pre-release checklist in one read-only command

Usage: check-release-ready [OPTIONS] [--release <VERSION>]

Runs every check, never stopping at the first failure, and prints a checklist (✓ pass, ✗ fail,
! warn, – skipped), then one verdict line. Exit 0 only when nothing fails.

Checks: clean-tree, release-branch, upstream, version-sync, tag-name, tag-free,
version-increment, final-version, changelog-entry, changelog-lint, history.

Options:
      --release <VERSION>    The version to release; the version sources must say it too
                             [default: the version the sources agree on]
      --first-release        The project has no release tags yet: their absence is expected
      --package <NAME>       In a workspace: the package to release (its sources, tags and
                             changelog) [default: versions.package, else the root package]
",
    reads_git: true,
    status: true,
    needs: crate::conventions::Needs::ALL,
    hooks: &[],
};

/// check-release-ready reports checks, not rules; the registry lists its check ids so `[rules]`
/// and the docs know them.
pub const RULES: &[RuleDoc] = &[];

/// check-release-ready's own flags.
#[derive(Debug, Default)]
pub struct Args {
    pub release: Option<String>,
    pub package: Option<String>,
    pub first_release: bool,
}

pub fn flag(a: &mut Args, _: &mut Common, flag: Flag, parser: &mut lexopt::Parser) -> Result<()> {
    match flag {
        Flag::Long(l) if l == "release" => {
            // An empty value (`--release $VERSION` with the variable unset) must not become a
            // check of whatever the files say.
            let v = cli::value(parser, "--release")?;
            if v.trim().is_empty() {
                return Err(Error::new(
                    "option `--release` needs a version; it was given an empty value",
                ));
            }
            a.release = Some(v)
        }
        Flag::Long(l) if l == "first-release" => a.first_release = true,
        Flag::Long(l) if l == "package" => a.package = Some(cli::value(parser, "--package")?),
        other => return Err(other.unexpected()),
    }
    Ok(())
}

fn line(id: &'static str, status: CheckStatus, detail: impl Into<String>) -> CheckLine {
    CheckLine {
        id,
        status,
        detail: detail.into(),
        help: None,
    }
}

fn fail(id: &'static str, detail: impl Into<String>, help: impl Into<String>) -> CheckLine {
    CheckLine {
        id,
        status: CheckStatus::Fail,
        detail: detail.into(),
        help: Some(help.into()),
    }
}

/// The status lines clean-tree shows; one more tells there are more.
const SHOWN: usize = 5;

/// No modified, staged or untracked (not ignored) file, and no operation in progress.
/// `status` is the work tree's status begun ([`Repo::status_apart`]).
pub fn clean_tree(repo: &Repo, status: StatusApart<'_>) -> Result<CheckLine> {
    if let Some(op) = repo.in_progress() {
        let fix = match op {
            "merge" => "finish it (`git commit`) or abort it (`git merge --abort`)",
            "rebase" => "`git rebase --continue` or `git rebase --abort`",
            "cherry-pick" => "`git cherry-pick --continue` or `git cherry-pick --abort`",
            "revert" => "`git revert --continue` or `git revert --abort`",
            "bisect" => "`git bisect reset`",
            _ => "`git am --continue` or `git am --abort`",
        };
        return Ok(fail("clean-tree", format!("a {op} is in progress"), fix));
    }
    let entries = status.finish(repo)?;
    if entries.is_empty() {
        return Ok(line(
            "clean-tree",
            CheckStatus::Pass,
            "nothing modified, staged or untracked",
        ));
    }
    let mut names: Vec<String> = entries
        .iter()
        .take(SHOWN)
        .map(|e| format!("{} ({})", e.path, e.what))
        .collect();
    if entries.len() > SHOWN {
        names.push("and more".into());
    }
    Ok(fail(
        "clean-tree",
        format!("the work tree is not clean: {}", names.join(", ")),
        "commit them, or set them aside with `git stash --include-untracked`",
    ))
}

/// HEAD is on one of `release.branches`. A detached HEAD (a CI checkout of a tag) passes when
/// its commit is on one of them (`containing` names the release branch tip that contains it).
pub fn release_branch(head: &Head, config: &Config, containing: Option<&str>) -> CheckLine {
    let branches = &config.release.branches;
    if let (Head::Detached { oid }, Some(branch)) = (head, containing) {
        return line(
            "release-branch",
            CheckStatus::Pass,
            format!("HEAD is detached at {}, which is on {branch}", oid.short()),
        );
    }
    match head.branch() {
        Some(b) if glob::any(branches, b) => {
            line("release-branch", CheckStatus::Pass, format!("on {b}"))
        }
        Some(b) => fail(
            "release-branch",
            format!("on {b}, not a release branch ({})", branches.join(", ")),
            format!(
                "releases are cut from {}: `git switch {}`",
                branches.join(" or "),
                branches.first().map_or("main", String::as_str)
            ),
        ),
        None => fail(
            "release-branch",
            "HEAD is detached",
            format!(
                "switch to the release branch: `git switch {}`",
                branches.first().map_or("main", String::as_str)
            ),
        ),
    }
}

/// The branch has an upstream and is not behind or diverged (ahead is fine).
pub fn upstream(u: &Upstream) -> CheckLine {
    match u {
        Upstream::NoBranch => line("upstream", CheckStatus::Skip, "HEAD is not on a branch"),
        Upstream::NotConfigured { branch } => fail(
            "upstream",
            format!("{branch} has no upstream"),
            format!(
                "`git push -u origin {branch}`, or `git branch --set-upstream-to=origin/{branch}`"
            ),
        ),
        Upstream::Missing { branch, upstream } => fail(
            "upstream",
            format!("{branch} tracks {upstream}, which has not been fetched"),
            "`git fetch`, then run this again",
        ),
        Upstream::Tracking {
            branch,
            upstream,
            ahead,
            behind,
        } => match (ahead, behind) {
            (_, 0) if *ahead > 0 => line(
                "upstream",
                CheckStatus::Pass,
                format!(
                    "{branch} is {ahead} commit{} ahead of {upstream} (push after tagging)",
                    plural(*ahead)
                ),
            ),
            (0, 0) => line(
                "upstream",
                CheckStatus::Pass,
                format!("{branch} is up to date with {upstream}"),
            ),
            (0, b) => fail(
                "upstream",
                format!("{branch} is {b} commit{} behind {upstream}", plural(*b)),
                "`git pull --ff-only`",
            ),
            (a, b) => fail(
                "upstream",
                format!("{branch} and {upstream} have diverged ({a} ahead, {b} behind)"),
                "`git pull --rebase`",
            ),
        },
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Today's date, `YYYY-MM-DD`, for the changelog heading to add.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The version being released: `--release`, else the one the sources agree on.
fn target_version(args: &Args, sources: &Sources) -> Result<Option<Version>> {
    let eco = versions::project_ecosystem(sources);
    match &args.release {
        Some(v) => {
            let raw = v.strip_prefix('v').unwrap_or(v);
            Version::parse(raw, eco).map(Some).map_err(|e| {
                Error::new(format!(
                    "--release `{}` is not a {} version: {e}",
                    crate::diag::escape(v),
                    eco.scheme()
                ))
            })
        }
        None => Ok(sources.found.first().map(|f| f.version.clone())),
    }
}

/// The package a run of check-release-ready judges.
struct Chosen {
    pkg: packages::Package,
    /// The tag that chose it, when a tag did: `ignore-0.4.30 of the CI job`, `… at HEAD`.
    by: Option<String>,
    /// The root's name when the root is a package itself (ripgrep beside its crates): the
    /// repository's changelog is then the root's, not a member's.
    root_package: Option<String>,
}

/// The package being released, and the tag that chose it when a tag did:
///
/// 1. `--package` / `versions.package`;
/// 2. the package whose release tag the CI job runs for (`GITHUB_REF`, `CI_COMMIT_TAG`): on
///    ripgrep's `ignore-0.4.30`, the `ignore` crate rather than the root;
/// 3. the root, when it is a package;
/// 4. the one published member (benches, examples and test crates are not released);
/// 5. the one member whose release tag is at HEAD (a job on a package's tag elsewhere).
///
/// A workspace of several with none of these is a usage error that names them: which one is
/// being released is the user's to say.
fn release_package(repo: &Repo, config: &Config, only: Option<&str>) -> Result<Chosen> {
    let reader = versions::reader(&Tree::WorkTree, repo)?;
    let pkgs = packages::packages(&*reader, config, repo, only)?;
    let chosen = |pkg: &packages::Package, by: Option<String>| Chosen {
        pkg: pkg.clone(),
        by,
        root_package: pkgs.root_package.clone(),
    };
    let root = pkgs.root().filter(|_| only.is_none());
    if only.is_none()
        && pkgs.workspace.is_some()
        && let Some(tag) = tag::ci_tag()
        && let Some(p) = pkgs.owner_of(&tag)
    {
        // The root chosen by its own tag needs no word of it.
        let by = p.member.then(|| format!("{tag} of the CI job"));
        return Ok(chosen(p, by));
    }
    if let Some(p) = root {
        return Ok(chosen(p, None));
    }
    let members: Vec<&packages::Package> = pkgs
        .list
        .iter()
        .filter(|p| p.member || only.is_some())
        .collect();
    let published: Vec<&packages::Package> =
        members.iter().copied().filter(|p| p.published).collect();
    // "published" is said only when some members are not.
    let (candidates, kind) = if published.is_empty() || published.len() == members.len() {
        (members, "")
    } else {
        (published, "published ")
    };
    let many = match candidates.as_slice() {
        [one] => return Ok(chosen(one, None)),
        [] => return Ok(chosen(&pkgs.list[0], None)),
        many => many,
    };
    // The candidates with a release tag at HEAD, one tag each. A development tag
    // (`vcs-versioning-1.0.0.dev` beside `setuptools-scm-v10.0.0`) marks where a package's
    // development starts, for setuptools_scm to count from; it names no release, and counts
    // only where HEAD has no other.
    let dev = |p: &packages::Package, tag: &str| {
        version::lenient_pep440(tag, &p.tags).is_some_and(|v| v.is_dev())
    };
    let mut at_head: Vec<(&packages::Package, String, bool)> = Vec::new();
    if let Some(head) = repo.head()?.oid() {
        for r in repo.tags_on(head)? {
            if let Some(p) = pkgs.owner_of(&r.name)
                && many.iter().any(|c| std::ptr::eq(*c, p))
            {
                at_head.push((p, r.name.clone(), dev(p, &r.name)));
            }
        }
    }
    let releases = at_head.iter().any(|(_, _, dev)| !dev);
    let mut tagged: Vec<(&packages::Package, String)> = Vec::new();
    for (p, tag, dev) in at_head {
        if (!dev || !releases) && !tagged.iter().any(|(t, _)| std::ptr::eq(*t, p)) {
            tagged.push((p, tag));
        }
    }
    if let [(p, tag)] = tagged.as_slice() {
        return Ok(chosen(p, Some(format!("{tag} at HEAD"))));
    }
    Err(Error::new(if tagged.is_empty() {
        format!(
            "this is a workspace of {} {kind}packages ({}): name the one to release with \
             --package NAME (or versions.package)",
            many.len(),
            many.iter()
                .filter_map(|p| p.name.as_deref())
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!(
            "HEAD carries release tags of {} packages ({}): name the one to release with \
             --package NAME (or versions.package)",
            tagged.len(),
            tagged
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Report> {
    let repo = ctx.repo()?;
    // The package, its directory and its changelog come from the files alone: the changelog's
    // parse and the status start before the conventions are inferred (1.1 M instructions on
    // httpx: its tags, its branches), which only the package's tag scheme needs.
    let files = &ctx.file_config()?.config;
    let only = args
        .package
        .as_deref()
        .or(files.versions.package.as_deref());
    let Chosen {
        pkg,
        by: chosen_by,
        root_package,
    } = release_package(repo, files, only)?;
    let workdir = repo.require_workdir("check-release-ready")?;
    // A workspace member's own changelog (tokio/CHANGELOG.md), else the repository's; but
    // beside a root package (ripgrep's crates) the repository's changelog is the root's.
    let member_dir = workdir.join(&pkg.dir);
    let (root, elsewhere) = if pkg.dir.is_empty() || files.changelog.path.is_some() {
        (workdir.clone(), None)
    } else if lint::find_file(&member_dir, files)?.is_some() {
        (member_dir, None)
    } else {
        let whose = root_package.map(|r| {
            format!(
                "{} has no changelog of its own (the repository's is {})",
                pkg.name.as_deref().unwrap_or("the package"),
                if r.is_empty() {
                    "the root package's".to_string()
                } else {
                    format!("{r}'s")
                }
            )
        });
        (workdir.clone(), whose)
    };
    // The changelog is found and read first and, when it is big, parsed on another thread
    // while the other checks run: on pydantic's 330 KB HISTORY.md the parse is two thirds of
    // the run. What fails here is reported where the changelog checks run, after the others.
    let (file, unread) = match &elsewhere {
        Some(_) => (None, None),
        None => match read_changelog(&root, files) {
            Ok(file) => (file, None),
            Err(e) => (None, Some(e)),
        },
    };
    let mut lint_opts = lint_options(files, None);
    if let Some((shown, _)) = &file {
        let rel = if root == workdir {
            shown.clone()
        } else {
            format!("{}/{shown}", pkg.dir)
        };
        let reader = crate::tree::WorkTree::new(&workdir);
        lint_opts.declared_heading = changelog::towncrier::declared_heading(&reader, &rel);
    }
    let opts = lint_opts.parse_options();
    std::thread::scope(|scope| {
        // The status (lstat of every tracked file, the untracked walk) runs on a thread of its
        // own meanwhile too.
        let status = repo.status_apart(scope, SHOWN + 1);
        let parsing = match (&file, unread) {
            (_, Some(e)) => Parsing::Failed(e),
            (None, None) => match elsewhere.or_else(|| lint::unread(&root)) {
                Some(why) => Parsing::NotJudged(why),
                None => Parsing::Absent,
            },
            (Some((shown, bytes)), None) => Parsing::start(scope, shown, bytes, opts),
        };
        // The maintenance lines are inferred by listing every branch and every release (uv's
        // 921 branches: 5 M instructions). Only the release-branch check reads them, and only
        // when HEAD is on a branch that the configured list (main and master, unless set)
        // does not already name: a detached HEAD or another branch infers them.
        let head = repo.head()?;
        let named = head
            .branch()
            .is_some_and(|b| glob::any(&files.release.branches, b));
        let needs = Needs {
            release_branches: !named,
            ..Needs::ALL
        };
        let base = &ctx.config_needing(needs)?.config;
        let pkg = pkg.with_root_tags(&base.tags, repo)?;
        // Every check below judges this package: its sources, its tags, its changelog.
        let config = Config {
            tags: pkg.tags.clone(),
            ..base.clone()
        };
        let chosen = chosen_by
            .as_deref()
            .zip(pkg.name.as_deref())
            .map(|(by, name)| (name, by));
        let package = (&config, pkg.dir.as_str(), chosen);
        checklist(ctx, &args, repo, package, head, parsing, status)
    })
}

/// The checks, in the checklist's order, with the changelog's parse begun.
fn checklist(
    ctx: &Ctx,
    args: &Args,
    repo: &Repo,
    // The package judged: its configuration, its directory, and its name with what chose it
    // when a tag did.
    (config, pkg_dir, chosen): (&Config, &str, Option<(&str, &str)>),
    head: Head,
    parsing: Parsing<'_, '_>,
    status: StatusApart<'_>,
) -> Result<Report> {
    let mut report = ctx.report()?;
    let mut checks = Vec::new();

    // Its place; the status is waited for last.
    checks.push(line("clean-tree", CheckStatus::Skip, ""));
    let containing = match &head {
        Head::Detached { oid } => release_branch_containing(repo, config, *oid)?,
        _ => None,
    };
    checks.push(release_branch(&head, config, containing.as_deref()));
    checks.push(upstream(&repo.upstream()?));

    // version-sync
    let sources = versions::collect_sources(&Tree::WorkTree, repo, config, pkg_dir)?;
    let eco = versions::project_ecosystem(&sources);
    let mut sync = Report::new("check-version-sync").with_overrides(&ctx.config()?.overrides());
    versions::check_sources(&sources, &mut sync);
    let mut version = target_version(args, &sources)?;
    if let (Some(v), Some(given)) = (&version, &args.release) {
        // The version being released must be what the files say.
        versions::check_against_version(&sources, v, &format!("--release says {given}"), &mut sync);
    }

    // Every tag that names a version, in any spelling (`0.28.1` beside `v0.28.1`).
    let release_tags = releases::list(repo, &config.tags)?;
    // A version that only the git tag gives (setuptools_scm, hatch-vcs) is, on a checkout of a
    // release tag, that tag's: what the build makes there (a CI job on the tag).
    let from_tag = sources
        .found
        .is_empty()
        .then(|| sources.dynamic.first())
        .flatten();
    let mut tagged_here = None;
    if let (None, Some(_), Some(head_oid)) = (&version, from_tag, head.oid()) {
        tagged_here = release_tag_at(repo, &release_tags, head_oid, eco)?;
        version = tagged_here.and_then(|t| t.version.as_version(eco));
    }
    let sync_line = match (&version, from_tag) {
        // Nothing says which version this is: the checks of the version cannot run, and a
        // checklist of skips is no "ready".
        (None, Some(d)) if sync.count(Severity::Error) == 0 => fail(
            "version-sync",
            format!(
                "the version comes from the git tag ({}) and HEAD has no release tag",
                d.how
            ),
            "name the version you will tag: `--release VERSION`",
        ),
        _ => summarise("version-sync", &sync, || match (&version, from_tag) {
            (Some(v), Some(d)) => match tagged_here {
                Some(t) => format!(
                    "the version comes from the git tag ({}): {} at HEAD",
                    d.how, t.tag.name
                ),
                None => format!(
                    "the version comes from the git tag ({}): {} by --release",
                    d.how,
                    v.raw()
                ),
            },
            (Some(v), None) => format!("the version sources agree on {}", v.raw()),
            (None, _) => "no version found".into(),
        }),
    };
    checks.push(match chosen {
        // The package was picked by a tag (the CI job's, or the one at HEAD): the checklist
        // says which and why (a passing line names the tag already where the version is the
        // tag's; a failing one names what failed).
        Some((name, by)) => CheckLine {
            detail: match tagged_here {
                Some(_) if sync_line.status == CheckStatus::Pass => {
                    format!("package {name}: {}", sync_line.detail)
                }
                _ => format!("package {name} ({by}): {}", sync_line.detail),
            },
            ..sync_line
        },
        None => sync_line,
    });
    let shallow = repo.is_shallow();
    let version_like = releases::version_like_count(repo)?;
    let history = if shallow {
        fail(
            "history",
            "the repository is a shallow clone",
            "`git fetch --unshallow --tags` (or `fetch-depth: 0` in actions/checkout)",
        )
    } else if version_like == 0 && !args.first_release {
        fail(
            "history",
            "there are no version tags in this clone",
            "`git fetch --tags`; for a project's first release pass --first-release",
        )
    } else {
        let n = release_tags.tags.len();
        let mut detail = format!("full history, {n} release tag{}", plural(n));
        if version_like > n {
            detail.push_str(&format!(
                " ({} more tag{} a version in another form)",
                version_like - n,
                if version_like - n == 1 {
                    " names"
                } else {
                    "s name"
                }
            ));
        }
        line("history", CheckStatus::Pass, detail)
    };
    let have_history = history.status == CheckStatus::Pass;

    // tag-name, tag-free, version-increment, final-version
    let Some(version) = version else {
        for id in [
            "tag-name",
            "tag-free",
            "version-increment",
            "final-version",
            "changelog-entry",
        ] {
            checks.push(line(
                id,
                CheckStatus::Skip,
                if from_tag.is_some() {
                    "no version to release: the git tag gives it (see version-sync)"
                } else {
                    "no version to release (no source, no --release)"
                },
            ));
        }
        checks.push(changelog_checks(ctx, config, parsing, None)?.1);
        checks.push(history);
        checks[0] = clean_tree(repo, status)?;
        return Ok(finish(report_with(&mut report, checks), None));
    };
    // Tags already naming this version, whatever their spelling, the configured one first.
    let mut taken: Vec<&releases::ReleaseTag> = release_tags
        .tags
        .iter()
        .filter(|t| version::compare_with_tag(&version, &t.version) == Some(Ordering::Equal))
        .collect();
    taken.sort_by_key(|t| (t.spelling != Spelling::Configured, t.tag.name.clone()));
    let head_oid = head.oid();
    // Tags the grammar rejects that name this version all the same (`v26.4` for 26.4.0), each
    // with whether it points at HEAD: the version is released, whatever the spelling.
    let mut misspelt = Vec::new();
    for r in release_tags.naming(&version, &config.tags) {
        let commit = repo.resolve(r)?.commit;
        misspelt.push((r, commit, commit.is_some() && commit == head_oid));
    }
    // The tag this release gets: the one in the configured spelling that exists already, else
    // one at HEAD in a spelling the grammar rejects (the tag's own CI job: tag-name says what is
    // wrong with it), else the configured spelling with the pre-release style of the newest
    // pre-release tag (`v2.14.0b2` after `v2.14.0b1`, never an invented `v2.14.0-b2`).
    let misspelt_here = misspelt.iter().find(|(_, _, here)| *here).map(|m| m.0);
    let tag_name = match taken.first().filter(|t| t.spelling == Spelling::Configured) {
        Some(t) => t.tag.name.clone(),
        None if let Some(r) = misspelt_here => r.name.clone(),
        None => {
            let style = release_tags
                .tags
                .iter()
                .filter(|t| t.version.pre_style().is_some())
                .max_by(|a, b| {
                    version::compare_tags(&a.version, &b.version, eco).unwrap_or(Ordering::Equal)
                })
                .and_then(|t| t.version.pre_style());
            version::tag_for(&version, &config.tags.prefix, style)
        }
    };
    let mut name_report = Report::new("validate-tag");
    checks.push(if version::is_final(&version) {
        tag::check_name(&tag_name, &config.tags, &mut name_report);
        summarise("tag-name", &name_report, || {
            format!("{tag_name} is a valid release tag")
        })
    } else {
        // A dev or local version gets no release tag: final-version says why, once.
        line(
            "tag-name",
            CheckStatus::Skip,
            format!(
                "{} is no release version (see final-version)",
                version.raw()
            ),
        )
    });

    let mut on_head = None;
    let mut elsewhere = Vec::new();
    for t in &taken {
        let commit = repo.resolve(&t.tag)?.commit;
        if commit.is_some() && commit == head_oid {
            on_head.get_or_insert(t.tag.name.clone());
        } else {
            elsewhere.push((t.tag.name.clone(), commit));
        }
    }
    if let Some(r) = misspelt_here {
        on_head.get_or_insert(r.name.clone());
    }
    let misspelt_elsewhere = misspelt.iter().find(|(_, _, here)| !here);
    checks.push(match (elsewhere.first(), &on_head, misspelt_elsewhere) {
        (None, _, Some((stray, commit, _))) => fail(
            "tag-free",
            format!(
                "{} already names version {} (on {}), in a spelling the tag grammar rejects",
                stray.name,
                version.raw(),
                commit.map_or_else(|| "a non-commit object".to_string(), |c| c.short())
            ),
            format!(
                "a released version is never tagged again: bump the version; if {0} was \
                 never published, delete it (`git tag -d {0}`)",
                stray.name
            ),
        ),
        (Some((other, commit)), _, _) => fail(
            "tag-free",
            format!(
                "{other} already names version {} (on {}){}",
                version.raw(),
                commit.map_or_else(|| "a non-commit object".to_string(), |c| c.short()),
                match elsewhere.len() {
                    1 => String::new(),
                    n => format!(", and {} more tag{}", n - 1, plural(n - 1)),
                }
            ),
            "bump the version: a released version is never re-tagged",
        ),
        (None, Some(here), None) => line(
            "tag-free",
            CheckStatus::Pass,
            format!("{here} exists and points at HEAD"),
        ),
        (None, None, None) => line(
            "tag-free",
            CheckStatus::Pass,
            format!(
                "no tag names {} yet ({} release tag{} checked, in every spelling)",
                version.raw(),
                release_tags.tags.len(),
                plural(release_tags.tags.len())
            ),
        ),
    });

    checks.push(match (have_history, head_oid) {
        (true, Some(head_oid)) => {
            // On a checkout of this version's own tag, the release is compared with the
            // tags before it, so re-running a tag's workflow passes.
            let skip = on_head.as_ref().map(|_| &version);
            let newest = versions::newest_reachable(repo, config, head_oid, eco, skip)?;
            // Tags of other versions: this version's own tag is no earlier release.
            let others = release_tags
                .tags
                .iter()
                .filter(|t| {
                    version::compare_with_tag(&version, &t.version) != Some(Ordering::Equal)
                })
                .count();
            version_increment(&version, newest.as_ref(), others)
        }
        _ => line(
            "version-increment",
            CheckStatus::Skip,
            "needs the full history and tags (see history)",
        ),
    });

    checks.push(if version::is_final(&version) {
        line(
            "final-version",
            CheckStatus::Pass,
            format!("{} has no dev or local part", version.raw()),
        )
    } else {
        fail(
            "final-version",
            format!("{} is a development or local version", version.raw()),
            "set the release version (drop `.devN`, `+local`, `-SNAPSHOT`)",
        )
    });

    let (entry, lint) = changelog_checks(ctx, config, parsing, Some(&version))?;
    checks.extend(entry);
    checks.push(lint);
    checks.push(history);
    checks[0] = clean_tree(repo, status)?;
    Ok(finish(report_with(&mut report, checks), Some(&tag_name)))
}

/// A release branch (local or remote-tracking) whose history contains `commit`: the one whose
/// tip it is, else the list of release branches that exist, when one walk from all of them
/// meets it.
fn release_branch_containing(
    repo: &Repo,
    config: &Config,
    commit: crate::git::Oid,
) -> Result<Option<String>> {
    let tips = repo.branch_tips_matching(&config.release.branches)?;
    if let Some((name, _)) = tips.iter().find(|(_, tip)| *tip == commit) {
        return Ok(Some(name.clone()));
    }
    let ids: Vec<crate::git::Oid> = tips.iter().map(|(_, o)| *o).collect();
    let found = repo.reachable(&ids, &crate::git::OidSet::from_iter([commit]))?;
    Ok((!found.is_empty()).then(|| {
        // A project with a maintenance line per minor release has dozens (tokio: 36).
        let names: Vec<String> = tips.iter().map(|(n, _)| n.clone()).collect();
        format!("a release branch ({})", crate::diag::shown_list(&names, 4))
    }))
}

/// The release tag on `commit` whose version is highest (the configured spelling where two
/// spell one version), if any.
fn release_tag_at<'a>(
    repo: &Repo,
    tags: &'a releases::ReleaseTags,
    commit: crate::git::Oid,
    eco: version::Ecosystem,
) -> Result<Option<&'a releases::ReleaseTag>> {
    let here = repo.tags_on(commit)?;
    let mut best: Option<&releases::ReleaseTag> = None;
    for t in &tags.tags {
        if !here.iter().any(|r| r.name == t.tag.name) {
            continue;
        }
        let better =
            best.is_none_or(
                |b| match version::compare_tags(&t.version, &b.version, eco) {
                    Some(Ordering::Greater) => true,
                    Some(Ordering::Equal) => {
                        t.spelling == Spelling::Configured && b.spelling != Spelling::Configured
                    }
                    _ => false,
                },
            );
        if better {
            best = Some(t);
        }
    }
    Ok(best)
}

fn report_with(report: &mut Report, checks: Vec<CheckLine>) -> Report {
    let mut r = std::mem::replace(report, Report::new(TOOL.name));
    r.checks = checks;
    r
}

fn finish(mut report: Report, tag: Option<&str>) -> Report {
    // One diagnostic per failed or warned check, so JSON consumers and `--format github`
    // annotations see each (the human checklist already shows them).
    let findings: Vec<Diagnostic> = report
        .checks
        .iter()
        .filter_map(|c| {
            let d = match c.status {
                CheckStatus::Fail => Diagnostic::error(c.id, c.detail.clone()),
                CheckStatus::Warn => Diagnostic::warn(c.id, c.detail.clone()),
                _ => return None,
            };
            Some(match &c.help {
                Some(h) => d.subject(c.id).help(h.clone()),
                None => d.subject(c.id),
            })
        })
        .collect();
    report.extend(findings);
    let failed = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .count();
    let warned = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Warn)
        .count();
    let what = tag.map_or_else(|| "a release".to_string(), |t| t.to_string());
    report.verdict = Some(if failed == 0 {
        if warned == 0 {
            format!("ready to tag {what}")
        } else {
            format!("ready to tag {what} ({warned} warning{})", plural(warned))
        }
    } else {
        format!(
            "not ready to tag {what}: {failed} check{} failed",
            plural(failed)
        )
    });
    report
}

/// One checklist line from a sub-report: its first error fails, a warning warns.
fn summarise(id: &'static str, r: &Report, ok: impl FnOnce() -> String) -> CheckLine {
    let first = |sev: Severity| r.diagnostics.iter().find(|d| d.severity == sev);
    if let Some(d) = first(Severity::Error) {
        let n = r.count(Severity::Error);
        let more = if n > 1 {
            format!(" (and {} more)", n - 1)
        } else {
            String::new()
        };
        return CheckLine {
            id,
            status: CheckStatus::Fail,
            detail: format!("{}: {}{more}", d.location(), d.message),
            help: d.help.clone(),
        };
    }
    if let Some(d) = first(Severity::Warn) {
        return CheckLine {
            id,
            status: CheckStatus::Warn,
            detail: format!("{}: {}", d.location(), d.message),
            help: d.help.clone(),
        };
    }
    line(id, CheckStatus::Pass, ok())
}

/// The version against the newest release tag below HEAD (`newest`), of any spelling.
fn version_increment(version: &Version, newest: Option<&TagVersion>, tags: usize) -> CheckLine {
    let Some(newest) = newest else {
        return line(
            "version-increment",
            CheckStatus::Pass,
            if tags == 0 {
                format!("{} is the first release", version.raw())
            } else {
                format!(
                    "{} is the first release in HEAD's history ({tags} release tag{} elsewhere)",
                    version.raw(),
                    plural(tags)
                )
            },
        );
    };
    let name = newest.tag();
    match version::compare_with_tag(version, newest) {
        Some(Ordering::Greater) => {
            let prev = newest.as_version(version.ecosystem());
            if prev.as_ref().is_some_and(|p| version::skips(p, version)) {
                CheckLine {
                    id: "version-increment",
                    status: CheckStatus::Warn,
                    detail: format!("{} skips a version after {name}", version.raw()),
                    help: Some("check that the skipped number is intended".into()),
                }
            } else {
                line(
                    "version-increment",
                    CheckStatus::Pass,
                    format!("{} follows {name}", version.raw()),
                )
            }
        }
        Some(Ordering::Equal) => fail(
            "version-increment",
            format!(
                "{} is already released: {name} is in HEAD's history",
                version.raw()
            ),
            format!("bump the version above {}", newest.version_part()),
        ),
        Some(Ordering::Less) => fail(
            "version-increment",
            format!(
                "{} is lower than {name}, the newest release tag in HEAD's history",
                version.raw()
            ),
            format!("bump the version above {}", newest.version_part()),
        ),
        None => fail(
            "version-increment",
            format!("{} cannot be compared with {name}", version.raw()),
            "use versions of one scheme",
        ),
    }
}

fn lint_options(config: &Config, release: Option<&Version>) -> LintOptions {
    LintOptions {
        scheme: config.changelog.scheme,
        extra_types: config.changelog.extra_types.clone(),
        release: release.map(|v| v.raw().to_string()),
        tag_prefix: config.tags.prefix.clone(),
        // The prefix is inferred from the tags here (`Needs::ALL`).
        link_tag_prefix: None,
        link_base: None,
        format: config.changelog.format,
        declared_heading: None,
    }
}

/// The changelog as shown and its bytes; `None` when there is none.
fn read_changelog(root: &std::path::Path, config: &Config) -> Result<Option<(String, Vec<u8>)>> {
    let Some((path, shown)) = lint::find_file(root, config)? else {
        return Ok(None);
    };
    let bytes = lint::read_file(&path, &shown)?;
    Ok(Some((shown, bytes)))
}

/// From this size on the changelog is parsed on its own thread (where the parse takes longer
/// than starting a thread, about 0.1 ms; the size at which `lint-changelog` cuts it in pieces).
const PARSE_APART: usize = 32 << 10;

/// The changelog's parse, begun before the version being released is known (the parse does
/// not depend on it; the lint does).
enum Parsing<'scope, 'f> {
    Absent,
    /// There is a changelog, but not one to judge here (another package's, or one in a markup
    /// relgate does not read): why, for the checklist.
    NotJudged(String),
    Failed(Error),
    Here {
        shown: &'f str,
        bytes: &'f [u8],
        opts: ParseOptions,
    },
    Apart {
        shown: &'f str,
        handle: std::thread::ScopedJoinHandle<'scope, Result<Changelog<'f>>>,
    },
}

impl<'scope, 'f: 'scope> Parsing<'scope, 'f> {
    fn start(
        scope: &'scope std::thread::Scope<'scope, '_>,
        shown: &'f str,
        bytes: &'f [u8],
        opts: ParseOptions,
    ) -> Self {
        if bytes.len() >= PARSE_APART {
            let apart = opts.clone();
            let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                changelog::parse_for_lint(shown, bytes, apart)
            });
            // A thread the system will not give is no error: the parse runs here instead.
            if let Ok(handle) = spawned {
                return Parsing::Apart { shown, handle };
            }
        }
        Parsing::Here { shown, bytes, opts }
    }

    /// The changelog as shown and parsed; `None` when there is none.
    fn finish(self) -> Result<Option<(&'f str, Changelog<'f>)>> {
        match self {
            Parsing::Absent | Parsing::NotJudged(_) => Ok(None),
            Parsing::Failed(e) => Err(e),
            Parsing::Here { shown, bytes, opts } => Ok(Some((
                shown,
                changelog::parse_for_lint(shown, bytes, opts)?,
            ))),
            Parsing::Apart { shown, handle } => {
                let parsed = handle
                    .join()
                    .map_err(|_| Error::new(format!("{shown}: the changelog's parse failed")))?;
                Ok(Some((shown, parsed?)))
            }
        }
    }
}

/// `changelog-entry` (when there is a version to release) and `changelog-lint`, from one read
/// and one lint of the changelog.
fn changelog_checks(
    ctx: &Ctx,
    config: &Config,
    parsing: Parsing<'_, '_>,
    version: Option<&Version>,
) -> Result<(Option<CheckLine>, CheckLine)> {
    if let Parsing::NotJudged(why) = &parsing {
        return Ok((
            version.map(|_| line("changelog-entry", CheckStatus::Skip, why.clone())),
            line("changelog-lint", CheckStatus::Skip, why.clone()),
        ));
    }
    let Some((shown, model)) = parsing.finish()? else {
        let entry = version.map(|v| {
            fail(
                "changelog-entry",
                "no changelog (CHANGELOG.md, CHANGELOG, CHANGES.md, HISTORY.md)",
                format!(
                    "create CHANGELOG.md with a `## [{}] - {}` section",
                    v.raw(),
                    today()
                ),
            )
        });
        return Ok((
            entry,
            line("changelog-lint", CheckStatus::Skip, "no changelog"),
        ));
    };
    // Judged for the release being cut: its section, the unreleased one and the file-wide
    // findings (duplicates, order) count; errors in older releases' sections are history and
    // only warn.
    let mut opts = lint_options(config, version);
    if model.sections.iter().any(changelog::needs_definition) {
        opts.link_base = ctx.repo().ok().and_then(crate::git::Repo::web_url);
    }
    let found = changelog::lint_parsed_for_release(shown, &model, &opts);
    let missing = found.entry;
    let entry = version.map(|v| match missing.first() {
        // A dev or local version has no release notes yet: final-version says why, once.
        _ if !version::is_final(v) => line(
            "changelog-entry",
            CheckStatus::Skip,
            format!("{} is no release version (see final-version)", v.raw()),
        ),
        Some(d) => CheckLine {
            id: "changelog-entry",
            status: CheckStatus::Fail,
            detail: format!("{}: {}", d.location(), d.message),
            // The lint's help, in the file's own heading form, dated today.
            help: d.help.as_ref().map(|h| h.replace("YYYY-MM-DD", &today())),
        },
        None => line(
            "changelog-entry",
            CheckStatus::Pass,
            format!(
                "{shown} has a {}section for {}",
                if found.dated { "dated " } else { "" },
                v.raw()
            ),
        ),
    });
    let overrides = ctx.config()?.overrides();
    let mut r = Report::new("lint-changelog").with_overrides(&overrides);
    r.extend(found.current);
    let mut older = Report::new("lint-changelog").with_overrides(&overrides);
    older.extend(found.older);
    for mut d in older.diagnostics {
        if d.severity == Severity::Error {
            d.severity = Severity::Warn;
            d.message = format!("in an older release: {}", d.message);
        }
        r.diagnostics.push(d);
    }
    let lint = summarise("changelog-lint", &r, || {
        format!("{shown} passes lint-changelog")
    });
    Ok((entry, lint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_states() {
        let t = |ahead, behind| Upstream::Tracking {
            branch: "main".into(),
            upstream: "origin/main".into(),
            ahead,
            behind,
        };
        assert_eq!(upstream(&t(0, 0)).status, CheckStatus::Pass);
        assert_eq!(upstream(&t(2, 0)).status, CheckStatus::Pass);
        let behind = upstream(&t(0, 3));
        assert_eq!(behind.status, CheckStatus::Fail);
        assert!(behind.help.unwrap().contains("git pull --ff-only"));
        let diverged = upstream(&t(1, 1));
        assert!(diverged.help.unwrap().contains("git pull --rebase"));
        let none = upstream(&Upstream::NotConfigured {
            branch: "main".into(),
        });
        assert!(none.help.unwrap().contains("git push -u origin main"));
    }

    #[test]
    fn today_is_a_date() {
        let d = today();
        assert_eq!(d.len(), 10, "{d}");
        assert!(d.starts_with("20"), "{d}");
    }
}
