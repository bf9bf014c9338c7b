//! validate-tag: release tags that are valid, annotated, on a release branch, increasing, unique,
//! and agree with the version sources at the tagged commit.
//!
//! The name rules ([`check_name`]) need nothing but the configuration, so a name can be judged
//! before the tag exists (and `reference-transaction` can refuse `git tag v1.2` without opening
//! the repository). The repository rules ([`check_in_repo`]) take a [`TagView`] of every release
//! tag, loaded once. Nothing here creates, moves or deletes a tag.
//!
//! The view is in [`view`], the `--all` audit in [`audit`], and the git hooks' modes
//! (`pre-push`, `reference-transaction`) in [`push`].

mod audit;
mod push;
mod view;

pub use view::{TagFacts, TagView};

use std::collections::HashMap;

use crate::checks::versions::Tree;
use crate::cli::{self, Common, Ctx, Flag, Tool};
use crate::config::{Config, Grammar, TagsConfig};
use crate::diag::{Diagnostic, Report, RuleDoc, Severity};
use crate::error::{Error, Result};
use crate::git::{ObjectKind, Repo};
use crate::hook::{self, Hook};
use crate::version::{self, Agreement, Ecosystem, Spelling, TagVersion};
use audit::run_all;
use push::{run_framework_push, run_pre_push, run_reference_transaction};

pub const TOOL: Tool = Tool {
    name: "validate-tag",
    usage: "\
validate-tag: release tags that are valid, annotated, on a release branch, increasing, unique,
and agree with the version in the files at the tagged commit

Usage: validate-tag [OPTIONS] [TAG]...
       validate-tag --all
       validate-tag --pre-push [<remote> [<url>]]          (git's pre-push lines on stdin)
       validate-tag --reference-transaction <state>        (git's ref updates on stdin)

With no TAG: the tag named by GITHUB_REF (refs/tags/...) or CI_COMMIT_TAG, else the release tags
at HEAD. A TAG that does not exist gets the name rules only, so a name can be checked before it
is created.

Options:
      --all                  Check every tag in the repository (an audit for CI)
      --package <NAME>       With --all in a workspace: judge that package's tags only
                             [default: versions.package, else every package's]
      --pre-push             Judge the tags in git's pre-push lines: new release tags get every
                             rule; deleting or moving a released tag fails
      --reference-transaction <state>
                             In state `prepared`, refuse creating a refs/tags/* ref whose name is
                             an invalid release tag (makes `git tag v1.2` fail at once)
",
    reads_git: true,
    status: false,
    needs: crate::conventions::Needs::ALL,
    hooks: &[Hook::PrePush, Hook::ReferenceTransaction],
};

pub const RULES: &[RuleDoc] = &[
    RuleDoc {
        id: "tag-not-release",
        tool: "validate-tag",
        severity: Severity::Note,
        summary: "the tag is not a release-tag candidate, or is ignored: skipped",
        why: "Only tags that look like versions (`v1.2.0`, `1.2.3`, `V1.2`) are release tags; `latest` or `claude/compaction/7` are left alone, and `tags.ignore` globs exclude more. A tag that names a release line (`6.x`, `8.0.x`) is no release; in an `--all` audit, a release tag plus a word (`v18.1.0-deno` beside `v18.1.0`) is counted as a variant of that release, and when most tags are package tags (`tokio-1.53.1`) the summary names the `tags.pattern` that would check them.",
        bad: "(none: this is a note)",
        good: "git tag latest",
    },
    RuleDoc {
        id: "tag-invalid",
        tool: "validate-tag",
        severity: Severity::Error,
        summary: "the version part of a release tag fails the grammar",
        why: "A tag such as `v1.2` or `V1.2.3` or `v1.2.0-RC1` is read differently by setuptools_scm, Cargo and npm, or sorts wrongly. The portable grammar (`MAJOR.MINOR.PATCH` with an optional `-alpha|-beta|-rc|-a|-b` pre-release number) is valid SemVer and maps one-to-one to PEP 440; where every version source is Python, canonical PEP 440 spellings (`v2.14.0b1`, `1.2.0.post1`) are valid too. The prefix is the one the project uses (its release tools' settings, else most of its tags): a new tag in the other spelling (`v1.2.0` where tags are bare) is invalid. In an `--all` audit, tags older than the newest release that fail the grammar are history: one warning with their names.",
        bad: "git tag -a v1.2 -m 'release 1.2'",
        good: "git tag -a v1.2.0 -m 'release 1.2.0'",
    },
    RuleDoc {
        id: "tag-ambiguous-order",
        tool: "validate-tag",
        severity: Severity::Warn,
        summary: "a pre-release number of 10 or more is written without a dot",
        why: "SemVer compares `rc10` as text, so npm and Cargo sort `1.0.0-rc10` before `1.0.0-rc2`, while PEP 440 sorts it after. `rc.10` orders the same everywhere.",
        bad: "git tag -a v1.0.0-rc10 -m rc10",
        good: "git tag -a v1.0.0-rc.10 -m rc.10",
    },
    RuleDoc {
        id: "tag-lightweight",
        tool: "validate-tag",
        severity: Severity::Error,
        summary: "a release tag that exists locally is not annotated",
        why: "Annotated tags record who tagged, when and why; `git describe` and many release tools ignore lightweight tags. Not checked in CI (`CI` set), where checkouts may rewrite tags as lightweight. A tag being created, pushed or named is an error; one already at HEAD (validate-tag with no TAG) is a warning, and in an `--all` audit the lightweight tags already published are one warning with their count, since moving a published tag breaks every clone that fetched it.",
        bad: "git tag v1.2.0",
        good: "git tag -a v1.2.0 -m 'release 1.2.0'",
    },
    RuleDoc {
        id: "tag-not-on-release-branch",
        tool: "validate-tag",
        severity: Severity::Error,
        summary: "the tagged commit is not reachable from any existing release branch",
        why: "A release tagged on a feature branch ships code that main never had.",
        bad: "git switch feature && git tag -a v1.2.0 -m v1.2.0",
        good: "git switch main && git tag -a v1.2.0 -m v1.2.0",
    },
    RuleDoc {
        id: "tag-version-mismatch",
        tool: "validate-tag",
        severity: Severity::Error,
        summary: "a version source at the tagged commit disagrees with the tag",
        why: "Tagging the commit before the version bump publishes the old version under the new tag. The sources are read from the tagged commit's tree, not the work tree.",
        bad: "pyproject.toml says 1.1.0 at the commit tagged v1.2.0",
        good: "pyproject.toml says 1.2.0 at the commit tagged v1.2.0",
    },
    RuleDoc {
        id: "tag-not-increasing",
        tool: "validate-tag",
        severity: Severity::Error,
        summary: "an ancestor of the tagged commit carries a release tag with an equal or higher version",
        why: "Versions only go up along history; a lower tag after a higher one confuses every tool that picks the latest release.",
        bad: "v1.3.0 on an older commit, then v1.2.5 on a newer one",
        good: "v1.3.0, then v1.3.1",
    },
    RuleDoc {
        id: "tag-duplicate-version",
        tool: "validate-tag",
        severity: Severity::Error,
        summary: "another tag names the same version",
        why: "`v1.2.3` and `1.2.3`, or `v1.2.0-rc1` and `v1.2.0-rc.1`, are one version to PEP 440; which one a tool picks is luck. In an `--all` audit a group of tags of one version is one finding, at every tag but the one in the configured spelling.",
        bad: "git tag -a v1.2.0-rc.1 (v1.2.0-rc1 exists)",
        good: "git tag -a v1.2.0-rc2",
    },
    RuleDoc {
        id: "tag-style-inconsistent",
        tool: "validate-tag",
        severity: Severity::Warn,
        summary: "the pre-release spelling differs from earlier tags",
        why: "npm and Cargo treat `-rc1` and `-rc.1` as different versions with different order; one spelling per project keeps history comparable. In an `--all` audit, tags in the other prefix spelling (`1.2.3` where tags take `v`) and pre-releases spelled unlike most others are one warning each, with their names.",
        bad: "v1.1.0-rc.1 exists, new tag v1.2.0-rc1",
        good: "v1.1.0-rc.1 exists, new tag v1.2.0-rc.1",
    },
    RuleDoc {
        id: "tag-deleted",
        tool: "validate-tag",
        severity: Severity::Error,
        summary: "a push deletes a release tag on the remote",
        why: "Released versions are immutable: users, lock files and package indexes refer to them.",
        bad: "git push origin :refs/tags/v1.0.0",
        good: "git tag -a v1.0.1 -m 'fix' && git push origin v1.0.1",
    },
    RuleDoc {
        id: "tag-moved",
        tool: "validate-tag",
        severity: Severity::Error,
        summary: "a push replaces a release tag on the remote with another object",
        why: "Moving a released tag changes what a version means after people have used it; release a new version instead.",
        bad: "git tag -f -a v1.0.0 && git push -f origin v1.0.0",
        good: "git tag -a v1.0.1 -m 'fix' && git push origin v1.0.1",
    },
    RuleDoc {
        id: "tag-nothing-to-check",
        tool: "validate-tag",
        severity: Severity::Note,
        summary: "no tag was named, none is in the CI environment and none points at HEAD",
        why: "validate-tag with no argument checks the tags of this commit; a commit without one is fine.",
        bad: "(none: this is a note)",
        good: "validate-tag v1.2.0",
    },
];

/// validate-tag's own flags.
#[derive(Debug, Default)]
pub struct Args {
    pub tags: Vec<String>,
    pub all: bool,
    pub package: Option<String>,
}

pub fn flag(
    a: &mut Args,
    common: &mut Common,
    flag: Flag,
    parser: &mut lexopt::Parser,
) -> Result<()> {
    match flag {
        Flag::Long(l) if l == "all" => a.all = true,
        Flag::Long(l) if l == "package" => a.package = Some(cli::value(parser, "--package")?),
        Flag::Long(l) if l == "pre-push" => common.hook = Some(Hook::PrePush),
        Flag::Long(l) if l == "reference-transaction" => {
            let state = cli::value(parser, "--reference-transaction")?;
            common.hook = Some(Hook::ReferenceTransaction);
            common.hook_args = vec![state.into()];
        }
        Flag::Value(v) => {
            a.tags.push(v.into_string().map_err(|v| {
                Error::new(format!("tag name `{}` is not UTF-8", v.to_string_lossy()))
            })?)
        }
        other => return Err(other.unexpected()),
    }
    Ok(())
}

/// The ecosystem whose order release tags follow.
fn tag_ecosystem(tags: &TagsConfig) -> Ecosystem {
    match tags.grammar {
        Grammar::Semver => Ecosystem::Semver,
        Grammar::Portable | Grammar::Pep440 => Ecosystem::Python,
    }
}

/// The name rules: `None` when the tag is skipped or invalid (the report says which).
pub fn check_name(name: &str, tags: &TagsConfig, report: &mut Report) -> Option<TagVersion> {
    let subject = format!("refs/tags/{name}");
    if !version::is_candidate(name, tags) {
        report.push(
            Diagnostic::note(
                "tag-not-release",
                format!("{name} is not a release tag: skipped"),
            )
            .subject(subject),
        );
        return None;
    }
    match version::check_tag(name, tags) {
        Ok(tv) => {
            for w in tv.warnings() {
                report.push(Diagnostic::warn("tag-ambiguous-order", w).subject(subject.clone()));
            }
            Some(tv)
        }
        Err(e) => {
            let mut d = Diagnostic::error("tag-invalid", e.message).subject(subject);
            if let Some(h) = e.help {
                d = d.help(h);
            }
            report.push(d);
            None
        }
    }
}

/// How a tag is being judged: one that is being created, pushed or named, or an existing one
/// in an `--all` audit, where what can no longer change (a lightweight tag, another spelling, a
/// pre-release style) is summarised by the caller instead of reported per tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judging {
    New,
    /// A release tag already at HEAD (`validate-tag` with no TAG, outside CI): it may well be
    /// published, so a lightweight one is a warning that never advises moving it.
    AtHead,
    Audit,
}

/// The repository rules for one release tag whose name passed. What cannot be read on the
/// way (a malformed manifest at the tagged commit) names the tag: an audit reads files at
/// hundreds of commits, and the path alone points at the work tree's copy.
pub fn check_in_repo(
    view: &mut TagView<'_>,
    config: &Config,
    facts: &TagFacts,
    tv: &TagVersion,
    judging: Judging,
    report: &mut Report,
) -> Result<()> {
    in_repo(view, config, facts, tv, judging, report)
        .map_err(|e| e.within(&format!("tag {}", facts.name)))
}

fn in_repo(
    view: &mut TagView<'_>,
    config: &Config,
    facts: &TagFacts,
    tv: &TagVersion,
    judging: Judging,
    report: &mut Report,
) -> Result<()> {
    let tags = &config.tags;
    let subject = format!("refs/tags/{}", facts.name);
    let audit = judging == Judging::Audit;
    if judging == Judging::AtHead && !facts.annotated && tags.require_annotated && !cli::in_ci() {
        report.push(
            Diagnostic::warn(
                "tag-lightweight",
                format!("{} at HEAD is a lightweight tag; release tags are annotated", facts.name),
            )
            .subject(subject.clone())
            .help(
                "a published tag stays as it is (moving one breaks every clone that fetched it); \
                 annotate the next release: `git tag -a <tag> -m '<tag>'` (or set tags.require-annotated = false)",
            ),
        );
    } else if judging == Judging::New && !facts.annotated && tags.require_annotated && !cli::in_ci()
    {
        report.push(
            Diagnostic::error("tag-lightweight", format!("{} is a lightweight tag; release tags are annotated", facts.name))
                .subject(subject.clone())
                .help(format!(
                    "while {0} is not pushed, replace it with an annotated tag on the same commit: \
                     `git tag -f -a {0} -m '{0}' {1}`; once published, leave it and annotate the next \
                     release (`git tag -a`), or set tags.require-annotated = false",
                    facts.name,
                    facts.commit.map_or_else(|| "<commit>".to_string(), |c| c.short())
                )),
        );
    }
    let Some(commit) = facts.commit else {
        let kind = facts
            .peeled_kind
            .map_or("nothing readable", ObjectKind::as_str);
        report.push(
            Diagnostic::error(
                "tag-invalid",
                format!(
                    "{} points at a {kind}; a release tag points at a commit",
                    facts.name
                ),
            )
            .subject(subject),
        );
        return Ok(());
    };

    // Same version under another name.
    for other in view.duplicates(&facts.name, tv, audit) {
        report.push(
            Diagnostic::error(
                "tag-duplicate-version",
                format!("{} names the same version as {other}", facts.name),
            )
            .subject(subject.clone())
            .help(if audit {
                format!("one version, two tags: tools pick either; keep {other} and stop publishing the other spelling")
            } else {
                format!("keep one tag per version ({other} exists); while {0} is not pushed, delete it: `git tag -d {0}`", facts.name)
            }),
        );
    }

    // Spelling of the pre-release, against the other pre-release tags.
    if !audit
        && let Some(style) = tv.pre_style()
        && let Some((other, ostyle)) = view.inconsistent_style(&facts.name, style)
    {
        report.push(
            Diagnostic::warn(
                "tag-style-inconsistent",
                format!(
                    "{} spells its pre-release as `{style}`, but {other} uses `{ostyle}`",
                    facts.name
                ),
            )
            .subject(subject.clone())
            .help("use one pre-release spelling in every tag (npm and Cargo order `-rc1` and `-rc.1` differently)"),
        );
    }

    // History rules need history.
    if view.shallow {
        report.push(
            Diagnostic::error(
                "shallow-clone",
                format!(
                    "the repository is a shallow clone: cannot check {} against release branches and earlier tags",
                    facts.name
                ),
            )
            .subject(subject.clone())
            .help("fetch the whole history and the tags (`git fetch --unshallow --tags`, or `fetch-depth: 0` in actions/checkout)"),
        );
    } else {
        if view.on_release_branch(&tags.release_branches, commit)? == Some(false) {
            let names: Vec<String> = view
                .release_tips(&tags.release_branches)?
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            report.push(
                Diagnostic::error(
                    "tag-not-on-release-branch",
                    format!(
                        "{} tags commit {}, which is not on any release branch ({})",
                        facts.name,
                        commit.short(),
                        crate::diag::shown_list(&names, 6)
                    ),
                )
                .subject(subject.clone())
                .help("merge the work into the release branch first, then tag the merged commit"),
            );
        }
        let eco = tag_ecosystem(tags);
        if let Some(i) = view.highest_below(commit, tv, eco)? {
            let (other, otv) = &view.tags[i];
            // The highest tag below being the same version is a duplicate, reported above; then
            // nothing below is higher.
            if !version::same_version(otv, tv)
                && matches!(
                    version::compare_tags(otv, tv, eco),
                    Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
                )
            {
                report.push(
                    Diagnostic::error(
                        "tag-not-increasing",
                        format!(
                            "{} is not higher than {}, which is on an ancestor commit ({})",
                            facts.name,
                            other.name,
                            other.commit.map_or_else(String::new, |c| c.short())
                        ),
                    )
                    .subject(subject.clone())
                    .help(format!("tag a version higher than {}", other.name)),
                );
            }
        }
    }

    // The files at the tagged commit.
    let sources = view.sources_at(commit, config)?;
    for found in &sources.found {
        if version::tag_matches(tv, &found.version) == Agreement::Different {
            report.push(
                Diagnostic::error(
                    "tag-version-mismatch",
                    format!(
                        "{} says {} at {}, but tag {} says {}",
                        found.kind,
                        found.version.raw(),
                        commit.short(),
                        facts.name,
                        tv.version_part()
                    ),
                )
                .at(found.path.clone(), found.line, found.column)
                .subject(subject.clone())
                .help(format!(
                    "tag the commit that bumps the version, or bump {} to {} before tagging",
                    found.path,
                    tv.version_part()
                )),
            );
        }
    }
    Ok(())
}

/// Checks one tag by name: name rules always, repository rules when it exists.
fn check_one(
    config: &Config,
    view: Option<&mut TagView<'_>>,
    name: &str,
    judging: Judging,
    report: &mut Report,
) -> Result<Option<TagVersion>> {
    let before = report.diagnostics.len();
    let Some(tv) = check_name(name, &config.tags, report) else {
        return Ok(None);
    };
    if let Some(view) = view {
        if let Some(t) = view.repo.find_tag(name)? {
            let facts = TagFacts::of(t, Spelling::Configured);
            check_in_repo(view, config, &facts, &tv, judging, report)?;
        } else {
            report.pass(format!("{name}: not in the repository; name rules only"));
        }
    }
    if report.diagnostics[before..]
        .iter()
        .all(|d| d.severity != Severity::Error)
    {
        report.pass(format!("{name}: ok"));
    }
    Ok(Some(tv))
}

/// Runs the mode the flags and the hook name ask for.
pub fn run(ctx: &Ctx, args: Args) -> Result<Report> {
    // TOOL.hooks lets no other hook through.
    match ctx.common.hook {
        Some(Hook::ReferenceTransaction) => return run_reference_transaction(ctx),
        Some(Hook::PrePush) => return run_pre_push(ctx),
        _ => {}
    }
    // pre-commit's and prek's pre-push stage: judge the ref the framework says is pushed, and
    // only that (a branch push judges no tag, whatever tags sit at HEAD).
    if args.tags.is_empty()
        && !args.all
        && let Some(push) = hook::framework_push()?
    {
        return run_framework_push(ctx, &push);
    }
    if args.all {
        return run_all(ctx, args.package.as_deref());
    }
    let mut report = ctx.report()?;
    let mut judging = Judging::New;
    let names = if args.tags.is_empty() {
        // The tags of a CI ref or of HEAD: a repository is needed, as everywhere but TAG.
        ctx.repo()?;
        let (names, at_head) = implicit_tags(ctx)?;
        if at_head {
            judging = Judging::AtHead;
        }
        names
    } else {
        // `validate-tag ${{ github.ref }}` passes the full ref name.
        args.tags
            .into_iter()
            .map(|t| match t.strip_prefix("refs/tags/") {
                Some(short) if !short.is_empty() => short.to_string(),
                _ => t,
            })
            .collect()
    };
    if names.is_empty() {
        report.push(Diagnostic::note(
            "tag-nothing-to-check",
            "no tag named, none in GITHUB_REF or CI_COMMIT_TAG, and no release tag points at HEAD",
        ));
        return Ok(report);
    }
    let config = &ctx.config()?.config;
    // Outside any repository a TAG gets the name rules; a repository that cannot be read is
    // exit 2, never a pass on the name alone.
    let repo = match ctx.repo() {
        Ok(repo) => repo,
        Err(e) if e.is_no_repository() => {
            for name in &names {
                check_one(config, None, name, judging, &mut report)?;
            }
            return Ok(report);
        }
        Err(e) => return Err(e),
    };
    let mut scoped = Scoped::new(repo, config, names.len())?;
    for name in &names {
        let (pkg_config, view) = scoped.for_tag(name)?;
        check_one(&pkg_config, Some(view), name, judging, &mut report)?;
    }
    Ok(report)
}

/// The views of the packages whose tags are being checked, each made on first use: a tag
/// `tokio-util-0.7.19` is judged with tokio-util's tags and its sources in `tokio-util/`.
struct Scoped<'r> {
    repo: &'r Repo,
    config: &'r Config,
    pkgs: std::sync::Arc<crate::packages::Packages>,
    views: HashMap<usize, TagView<'r>>,
    checking: usize,
}

impl<'r> Scoped<'r> {
    fn new(repo: &'r Repo, config: &'r Config, checking: usize) -> Result<Scoped<'r>> {
        Ok(Scoped {
            repo,
            config,
            pkgs: packages_at_head(repo, config)?,
            views: HashMap::new(),
            checking,
        })
    }

    /// The configuration (with the package's tag scheme) and the view for tag `name`.
    fn for_tag(&mut self, name: &str) -> Result<(Config, &mut TagView<'r>)> {
        let i = self
            .pkgs
            .owner_index(name)
            .or_else(|| self.pkgs.list.iter().position(|p| !p.member))
            .unwrap_or(0);
        let pkg = &self.pkgs.list[i];
        let config = Config {
            tags: pkg.tags.clone(),
            ..self.config.clone()
        };
        let view = match self.views.entry(i) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(TagView::load(self.repo, &pkg.tags, self.checking)?.in_dir(&pkg.dir))
            }
        };
        Ok((config, view))
    }

    /// Is `name` a release-tag candidate of any package?
    fn is_candidate(&self, name: &str) -> bool {
        self.pkgs.owner_of(name).is_some()
    }
}

/// The tag a CI job runs for: `GITHUB_REF` (`refs/tags/...`) or GitLab's `CI_COMMIT_TAG`.
pub fn ci_tag() -> Option<String> {
    if let Ok(r) = std::env::var("GITHUB_REF")
        && let Some(t) = r.strip_prefix("refs/tags/")
    {
        return Some(t.to_string());
    }
    std::env::var("CI_COMMIT_TAG")
        .ok()
        .filter(|t| !t.is_empty())
}

/// The tag from the CI environment, else the release tags at HEAD (and `true`).
fn implicit_tags(ctx: &Ctx) -> Result<(Vec<String>, bool)> {
    if let Some(t) = ci_tag() {
        return Ok((vec![t], false));
    }
    let repo = ctx.repo()?;
    let Some(head) = repo.head()?.oid() else {
        return Ok((Vec::new(), true));
    };
    let mut at_head: Vec<String> = repo.tags_on(head)?.iter().map(|r| r.name.clone()).collect();
    // A release tag of the repository or of any workspace member. The packages are read only
    // when a tag is here: most commits have none, and a workspace has a manifest per member.
    if !at_head.is_empty() {
        let config = &ctx.config()?.config;
        let pkgs = packages_at_head(repo, config)?;
        at_head.retain(|name| pkgs.owner_of(name).is_some());
    }
    Ok((at_head, true))
}

/// The packages whose tags an audit or a named tag is judged for: the layout HEAD has (its
/// tree, or the work tree in a repository without commits). Read once per run: finding the
/// tags at HEAD and judging them both ask, and a workspace has a manifest per member.
fn packages_at_head(
    repo: &Repo,
    config: &Config,
) -> Result<std::sync::Arc<crate::packages::Packages>> {
    repo.memo("packages at HEAD", || {
        let tree = match repo.head()?.oid() {
            Some(head) => Tree::Commit(head),
            None => Tree::WorkTree,
        };
        let reader = crate::checks::versions::reader(&tree, repo)?;
        crate::packages::packages(&*reader, config, repo, None)
    })
}
