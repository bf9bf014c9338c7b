//! check-release-ready: "can I tag this commit as a release now?" in one read-only command.
//!
//! Every check of the checklist runs, whatever failed before it; each returns a [`CheckLine`]
//! with what is wrong and the command that fixes it. A check that needs history it does not have
//! (a shallow clone, a clone without tags) is `skip`, never `pass`. The tag is never created and
//! nothing is fetched: the remote-tracking ref is used as it is.

use std::cmp::Ordering;

use crate::checks::changelog::{self, LintOptions};
use crate::checks::lint;
use crate::checks::tag;
use crate::checks::versions::{self, Tree};
use crate::cli::{self, Common, Ctx, Flag, Tool};
use crate::config::Config;
use crate::diag::{CheckLine, CheckStatus, Report, RuleDoc, Severity};
use crate::error::{Error, Result};
use crate::git::{Head, Repo, Upstream};
use crate::glob;
use crate::sources::Sources;
use crate::version::{self, Ecosystem, TagVersion, Version};

pub const TOOL: Tool = Tool {
    name: "check-release-ready",
    usage: "\
check-release-ready: the whole pre-release checklist in one read-only command

Usage: check-release-ready [OPTIONS] [--version <VERSION>]

Runs every check, never stopping at the first failure, and prints a checklist (✓ pass, ✗ fail,
! warn, – skipped), then one verdict line. Exit 0 only when nothing fails.

Checks: clean-tree, release-branch, upstream, version-sync, tag-name, tag-free,
version-increment, final-version, changelog-entry, changelog-lint, history.

Options:
      --version <VERSION>    The version to release [default: the version the sources agree on]
      --first-release        The project has no release tags yet: their absence is expected
",
    version_takes_value: true,
    reads_git: true,
    hooks: &[],
};

/// check-release-ready reports checks, not rules; the registry lists its check ids so `[rules]`
/// and the docs know them.
pub const RULES: &[RuleDoc] = &[];

/// check-release-ready's own flags.
#[derive(Debug, Default)]
pub struct Args {
    pub version: Option<String>,
    pub first_release: bool,
}

pub fn flag(a: &mut Args, _: &mut Common, flag: Flag, parser: &mut lexopt::Parser) -> Result<()> {
    match flag {
        Flag::Long(l) if l == "version" && a.version.is_none() => {
            a.version = Some(cli::value(parser, "--version")?)
        }
        Flag::Long(l) if l == "first-release" => a.first_release = true,
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

/// No modified, staged or untracked (not ignored) file, and no operation in progress.
pub fn clean_tree(repo: &Repo) -> Result<CheckLine> {
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
    if repo.workdir().is_none() {
        return Ok(line(
            "clean-tree",
            CheckStatus::Skip,
            "bare repository: no work tree",
        ));
    }
    const SHOWN: usize = 5;
    let entries = repo.status(SHOWN + 1)?;
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

/// The version being released: `--version`, else the one the sources agree on.
fn target_version(args: &Args, sources: &Sources) -> Result<Option<Version>> {
    let eco = versions::project_ecosystem(sources);
    match &args.version {
        Some(v) => {
            let raw = v.strip_prefix('v').unwrap_or(v);
            Version::parse(raw, eco).map(Some).map_err(|e| {
                Error::new(format!(
                    "--version `{v}` is not a {} version: {e}",
                    eco.scheme()
                ))
            })
        }
        None => Ok(sources.found.first().map(|f| f.version.clone())),
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Report> {
    let config = &ctx.config()?.config;
    let repo = ctx.repo()?;
    let root = repo.require_workdir("check-release-ready")?;
    let mut report = ctx.report()?;
    let mut checks = Vec::new();

    checks.push(clean_tree(repo)?);
    let head = repo.head()?;
    let containing = match &head {
        Head::Detached { oid } => release_branch_containing(repo, config, *oid)?,
        _ => None,
    };
    checks.push(release_branch(&head, config, containing.as_deref()));
    checks.push(upstream(&repo.upstream()?));

    // version-sync
    let sources = versions::collect_sources(&Tree::WorkTree, repo, config)?;
    let mut sync = Report::new("check-version-sync").with_overrides(&ctx.config()?.overrides());
    versions::check_sources(&sources, &mut sync);
    let version = target_version(&args, &sources)?;
    if let (Some(v), Some(_)) = (&version, &args.version) {
        // An explicit version must also be what the files say.
        let tv = versions::expected_tag(&format!("{}{}", config.tags.prefix, v.raw()), config).ok();
        if let Some(tv) = tv {
            versions::check_against_tag(&sources, &tv, "--version says", &mut sync);
        }
    }
    checks.push(summarise("version-sync", &sync, || match &version {
        Some(v) => format!("the version sources agree on {}", v.raw()),
        None => "no version found".into(),
    }));

    // History: shallow clones and clones without tags.
    let shallow = repo.is_shallow();
    // Tag names are enough here: only the tag this release would create is peeled (tag-free).
    let tags = repo.tag_refs()?;
    let release_tags: Vec<(String, TagVersion)> = tags
        .iter()
        .filter(|t| version::is_candidate(&t.name, &config.tags))
        .filter_map(|t| {
            version::check_tag(&t.name, &config.tags)
                .ok()
                .map(|tv| (t.name.clone(), tv))
        })
        .collect();
    let history = if shallow {
        fail(
            "history",
            "the repository is a shallow clone",
            "`git fetch --unshallow --tags` (or `fetch-depth: 0` in actions/checkout)",
        )
    } else if tags.is_empty() && !args.first_release {
        fail(
            "history",
            "there are no tags in this clone",
            "`git fetch --tags`; for a project's first release pass --first-release",
        )
    } else {
        line(
            "history",
            CheckStatus::Pass,
            format!(
                "full history, {} release tag{}",
                release_tags.len(),
                plural(release_tags.len())
            ),
        )
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
                "no version to release (no source, no --version)",
            ));
        }
        checks.push(changelog_checks(ctx, config, &root, None)?.1);
        checks.push(history);
        return Ok(finish(report_with(&mut report, checks), None));
    };
    let style = release_tags.iter().rev().find_map(|(_, tv)| tv.pre_style());
    let tag_name = version::tag_for(&version, &config.tags.prefix, style);
    let mut name_report = Report::new("validate-tag");
    let tv = tag::check_name(&tag_name, &config.tags, &mut name_report);
    checks.push(summarise("tag-name", &name_report, || {
        format!("{tag_name} is a valid release tag")
    }));

    let head_oid = head.oid();
    checks.push(match repo.find_tag(&tag_name)? {
        None => match tv.as_ref().and_then(|tv| {
            release_tags
                .iter()
                .find(|(n, o)| n != &tag_name && version::same_version(tv, o))
        }) {
            Some((other, _)) => fail(
                "tag-free",
                format!("{other} already names version {}", version.raw()),
                "release a new version; a version is tagged once",
            ),
            None => line(
                "tag-free",
                CheckStatus::Pass,
                format!("{tag_name} does not exist yet"),
            ),
        },
        Some(t) if t.commit.is_some() && t.commit == head_oid => line(
            "tag-free",
            CheckStatus::Pass,
            format!("{tag_name} exists and points at HEAD"),
        ),
        Some(t) => fail(
            "tag-free",
            format!(
                "{tag_name} already exists on {}",
                t.commit
                    .map_or_else(|| "a non-commit object".to_string(), |c| c.short())
            ),
            "bump the version: a released version is never re-tagged",
        ),
    });

    checks.push(if !have_history {
        line(
            "version-increment",
            CheckStatus::Skip,
            "needs the full history and tags (see history)",
        )
    } else {
        version_increment(&version, tv.as_ref(), &release_tags, config)
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

    let (entry, lint) = changelog_checks(ctx, config, &root, Some(&version))?;
    checks.extend(entry);
    checks.push(lint);
    checks.push(history);
    Ok(finish(report_with(&mut report, checks), Some(&tag_name)))
}

/// The first release branch (local or remote-tracking) whose history contains `commit`.
fn release_branch_containing(
    repo: &Repo,
    config: &Config,
    commit: crate::git::Oid,
) -> Result<Option<String>> {
    for (name, tip) in repo.branch_tips_matching(&config.release.branches)? {
        if repo.is_ancestor(commit, tip)? {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

fn report_with(report: &mut Report, checks: Vec<CheckLine>) -> Report {
    let mut r = std::mem::replace(report, Report::new(TOOL.name));
    r.checks = checks;
    r
}

fn finish(mut report: Report, tag: Option<&str>) -> Report {
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

fn version_increment(
    version: &Version,
    tv: Option<&TagVersion>,
    release_tags: &[(String, TagVersion)],
    config: &Config,
) -> CheckLine {
    let eco = match config.tags.grammar {
        crate::config::Grammar::Semver => Ecosystem::Semver,
        _ => Ecosystem::Python,
    };
    // The newest release, leaving out tags of this very version (a CI re-run on the tag).
    let newest = release_tags
        .iter()
        .filter(|(_, o)| !tv.is_some_and(|tv| version::same_version(tv, o)))
        .max_by(|a, b| version::compare_tags(&a.1, &b.1, eco).unwrap_or(Ordering::Equal));
    let Some((name, newest)) = newest else {
        return line(
            "version-increment",
            CheckStatus::Pass,
            format!("{} is the first release", version.raw()),
        );
    };
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
        Some(_) => fail(
            "version-increment",
            format!(
                "{} is not higher than the newest release tag {name}",
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
    }
}

/// `changelog-entry` (when there is a version to release) and `changelog-lint`, from one read
/// and one lint of the changelog.
fn changelog_checks(
    ctx: &Ctx,
    config: &Config,
    root: &std::path::Path,
    version: Option<&Version>,
) -> Result<(Option<CheckLine>, CheckLine)> {
    let Some((path, shown)) = lint::find_file(root, config)? else {
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
    let bytes = lint::read_file(&path, &shown)?;
    let (missing, rest): (Vec<_>, Vec<_>) =
        changelog::lint(&shown, &bytes, &lint_options(config, version))?
            .into_iter()
            .partition(|d| d.rule == "changelog-missing-release");
    let entry = version.map(|v| match missing.first() {
        Some(d) => CheckLine {
            id: "changelog-entry",
            status: CheckStatus::Fail,
            detail: format!("{}: {}", d.location(), d.message),
            help: Some(format!(
                "add `## [{}] - {}` with the release notes as the newest release (below [Unreleased])",
                v.raw(),
                today()
            )),
        },
        None => line(
            "changelog-entry",
            CheckStatus::Pass,
            format!("{shown} has a dated section for {}", v.raw()),
        ),
    });
    let mut r = Report::new("lint-changelog").with_overrides(&ctx.config()?.overrides());
    r.extend(rest);
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
