//! validate-tag: release tags that are valid, annotated, on a release branch, increasing, unique,
//! and agree with the version sources at the tagged commit.
//!
//! The name rules ([`check_name`]) need nothing but the configuration, so a name can be judged
//! before the tag exists (and `reference-transaction` can refuse `git tag v1.2` without opening
//! the repository). The repository rules ([`check_in_repo`]) take a [`TagView`] of every release
//! tag, loaded once. Nothing here creates, moves or deletes a tag.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use crate::checks::versions::{Tree, collect_sources};
use crate::cli::{self, Common, Ctx, Flag, Tool};
use crate::config::{Config, Grammar, TagsConfig};
use crate::diag::{self, Diagnostic, Report, RuleDoc, Severity};
use crate::error::{Error, Result};
use crate::git::{ObjectKind, Oid, OidMap, OidSet, Repo};
use crate::hook::{self, Hook};
use crate::releases;
use crate::version::{self, Agreement, Ecosystem, Spelling, TagVersion};

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

fn bypass() -> String {
    "to bypass this once: RELGATE_SKIP=validate-tag git ...".to_string()
}

/// The help of a push that deletes or moves a release tag.
fn immutable() -> String {
    format!(
        "released versions are immutable: release a new version instead; {}",
        bypass()
    )
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

/// A release tag as the repository has it.
#[derive(Debug, Clone)]
pub struct TagFacts {
    pub name: String,
    pub annotated: bool,
    pub commit: Option<Oid>,
    pub peeled_kind: Option<ObjectKind>,
    /// Spelled as configured, or the other common way (`1.2.3` where tags take `v`).
    pub spelling: Spelling,
}

impl TagFacts {
    fn of(t: crate::git::Tag, spelling: Spelling) -> TagFacts {
        TagFacts {
            name: t.name,
            annotated: t.annotated,
            commit: t.commit,
            peeled_kind: t.peeled_kind,
            spelling,
        }
    }
}

/// Every valid release tag of the repository, loaded once, with the lookups that checking many
/// tags needs built once: versions and pre-release styles indexed, the commits of the release
/// branches, and for `--all` the highest tag below every commit from one pass over the history.
pub struct TagView<'r> {
    repo: &'r Repo,
    pub tags: Vec<(TagFacts, TagVersion)>,
    /// Index-aligned with `tags`: the ref of a tag not peeled yet (its facts are blank).
    unpeeled: Vec<Option<crate::git::TagRef>>,
    /// Tag indexes by PEP 440 form and by SemVer precedence form (`same_version`).
    by_version: HashMap<VersionKey, Vec<usize>>,
    /// Tag indexes by name.
    by_name: HashMap<String, usize>,
    /// The first tag of each distinct pre-release style.
    styles: Vec<(version::PreStyle, usize)>,
    release_tips: Option<Vec<(String, Oid)>>,
    /// `--all`: every commit on a release branch.
    release_reach: Option<OidSet>,
    /// `--all`: the highest tag on each commit or its ancestors (index into `tags`).
    highest: Option<OidMap<Option<usize>>>,
    /// Shared by the views of an audit's packages: the history is read once for all of them.
    graph: Rc<OidMap<Vec<Oid>>>,
    /// The version sources at each tagged commit, read once.
    sources: OidMap<std::rc::Rc<crate::sources::Sources>>,
    /// Checking every tag: build the whole-history lookups instead of walking per tag.
    many: bool,
    /// The directory of the package whose tags these are (`""`: the root), where its version
    /// sources are read at each tagged commit.
    dir: String,
    shallow: bool,
}

/// Beyond this many tags checked at once, the view reads the whole history once.
const MANY_TAGS: usize = 8;

/// What `same_version` compares: the PEP 440 version, or the SemVer version without build
/// metadata (which every tag grammar rejects anyway). Both hash consistently with equality.
#[derive(PartialEq, Eq, Hash)]
enum VersionKey {
    Pep440(pep440_rs::Version),
    Semver(semver::Version),
}

fn version_keys(tv: &TagVersion) -> impl Iterator<Item = VersionKey> + '_ {
    let pep = tv.pep440().cloned().map(VersionKey::Pep440);
    let sem = tv.semver().map(|s| {
        let mut s = s.clone();
        s.build = semver::BuildMetadata::EMPTY;
        VersionKey::Semver(s)
    });
    pep.into_iter().chain(sem)
}

impl<'r> TagView<'r> {
    /// The release tags (every spelling) for checking `checking` tags. For a few, each tag is
    /// peeled only when a check needs its commit (checking one new tag usually peels none of
    /// the others) and each question walks only as far as it must; for more, every tag is peeled
    /// and the history below them is read once, as `--all` does, so that no cost grows with the
    /// tags checked × the commits walked (a push of 1,000 tags, 10,000 tags on HEAD).
    pub fn load(repo: &'r Repo, tags: &TagsConfig, checking: usize) -> Result<TagView<'r>> {
        if checking > MANY_TAGS {
            let all = repo.tags()?;
            return Ok(Self::from_tags(repo, tags, &all));
        }
        let list = releases::list(repo, tags)?;
        let mut out = Vec::new();
        let mut unpeeled = Vec::new();
        for t in list.tags.iter().cloned() {
            let facts = TagFacts {
                name: t.tag.name.clone(),
                annotated: false,
                commit: None,
                peeled_kind: None,
                spelling: t.spelling,
            };
            out.push((facts, t.version));
            unpeeled.push(Some(t.tag));
        }
        Ok(Self::index(repo, out, unpeeled, false))
    }

    /// From tags already peeled, to check many of them (`--all`, which reads them once for
    /// both the view and the audit).
    pub fn from_tags(repo: &'r Repo, tags: &TagsConfig, all: &[crate::git::Tag]) -> TagView<'r> {
        let others = version::other_spellings(tags);
        let mut out = Vec::new();
        for t in all.iter().cloned() {
            if let Some((tv, spelling)) = version::read_tag(&t.name, tags, &others) {
                out.push((TagFacts::of(t, spelling), tv));
            }
        }
        let unpeeled = vec![None; out.len()];
        Self::index(repo, out, unpeeled, true)
    }

    fn index(
        repo: &'r Repo,
        out: Vec<(TagFacts, TagVersion)>,
        unpeeled: Vec<Option<crate::git::TagRef>>,
        many: bool,
    ) -> TagView<'r> {
        let mut by_version: HashMap<VersionKey, Vec<usize>> = HashMap::new();
        let mut styles: Vec<(version::PreStyle, usize)> = Vec::new();
        let by_name = out
            .iter()
            .enumerate()
            .map(|(i, (f, _))| (f.name.clone(), i))
            .collect();
        for (i, (_, tv)) in out.iter().enumerate() {
            for k in version_keys(tv) {
                by_version.entry(k).or_default().push(i);
            }
            if let Some(st) = tv.pre_style()
                && !styles.iter().any(|(s, _)| *s == st)
            {
                styles.push((st, i));
            }
        }
        TagView {
            repo,
            tags: out,
            unpeeled,
            by_version,
            by_name,
            styles,
            release_tips: None,
            release_reach: None,
            highest: None,
            graph: Rc::default(),
            sources: OidMap::default(),
            many,
            dir: String::new(),
            shallow: repo.is_shallow(),
        }
    }

    /// The release tag `name` is a variant of, if it is one: an existing release tag, `-`, and
    /// a word that is no pre-release or dev label, perhaps followed by more (`v18.1.0-deno` or
    /// `v16.0.0-deno.beta.0` beside `v18.1.0`, `v16.0.0`: a build of that release for another
    /// platform, not a release of its own).
    pub fn variant_of<'n>(&self, name: &'n str) -> Option<&'n str> {
        const LABELS: [&str; 13] = [
            "a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "dev", "post", "final",
            "snapshot", "release",
        ];
        let (base, suffix) = name.rsplit_once('-')?;
        let len = suffix.bytes().take_while(u8::is_ascii_alphabetic).count();
        let word = suffix[..len].to_ascii_lowercase();
        let whole_word = len == suffix.len() || suffix[len..].starts_with(['.', '-']);
        (len > 0
            && whole_word
            && !LABELS.contains(&word.as_str())
            && self.by_name.contains_key(base))
        .then_some(base)
    }

    /// The view of a workspace member's tags, whose sources are in `dir`.
    fn in_dir(mut self, dir: &str) -> Self {
        self.dir = dir.to_string();
        self
    }

    /// Uses a history already read for every package of an audit.
    fn with_graph(mut self, graph: Rc<OidMap<Vec<Oid>>>) -> Self {
        self.graph = graph;
        self
    }

    /// The commit of `tags[i]`, peeling it on first use.
    fn commit_of(&mut self, i: usize) -> Result<Option<Oid>> {
        if let Some(r) = self.unpeeled[i].take() {
            let t = self.repo.resolve(&r)?;
            let facts = &mut self.tags[i].0;
            facts.annotated = t.annotated;
            facts.commit = t.commit;
            facts.peeled_kind = t.peeled_kind;
        }
        Ok(self.tags[i].0.commit)
    }

    /// `--all`: reads the version sources at every tagged commit up front, spread over the
    /// machine's cores (each thread with its own handle on the repository). A commit whose
    /// sources cannot be read is left out and fails later, in order, where it is used.
    fn prefetch_sources(&mut self, config: &Config) -> Result<()> {
        // The history walk first: it gives the order the threads read the commits in.
        if !self.shallow {
            let tips = self.release_tips(&config.tags.release_branches)?;
            let ids: Vec<Oid> = tips.iter().map(|(_, o)| *o).collect();
            self.load_graph(&ids)?;
        }
        // In history order (newest first, as the walk met them): consecutive commits share
        // delta bases, which each thread's cache then keeps.
        let tagged: Vec<Oid> = self.tags.iter().filter_map(|(f, _)| f.commit).collect();
        let wanted: OidSet = tagged.iter().copied().collect();
        let mut seen = OidSet::with_capacity_and_hasher(self.graph.len(), Default::default());
        let mut commits = Vec::with_capacity(wanted.len());
        let mut todo = tagged.clone();
        while let Some(c) = todo.pop() {
            if seen.insert(c) {
                if wanted.contains(&c) {
                    commits.push(c);
                }
                todo.extend(self.graph.get(&c).into_iter().flatten().copied());
            }
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        if threads < 2 || commits.len() < 256 {
            return Ok(());
        }
        let chunk = commits.len().div_ceil(threads);
        let dir = self.dir.as_str();
        let read: Vec<Vec<(Oid, crate::sources::Sources)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = commits
                .chunks(chunk)
                .map(|part| {
                    let repo = self.repo.objects_with_pack_cache();
                    scope.spawn(move || {
                        part.iter()
                            .filter_map(|c| {
                                collect_sources(&Tree::Commit(*c), &repo, config, dir)
                                    .ok()
                                    .map(|s| (*c, s))
                            })
                            .collect()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for (c, s) in read.into_iter().flatten() {
            self.sources.insert(c, std::rc::Rc::new(s));
        }
        Ok(())
    }

    /// The version sources in `commit`'s tree.
    fn sources_at(
        &mut self,
        commit: Oid,
        config: &Config,
    ) -> Result<std::rc::Rc<crate::sources::Sources>> {
        if let Some(s) = self.sources.get(&commit) {
            return Ok(s.clone());
        }
        let s = std::rc::Rc::new(collect_sources(
            &Tree::Commit(commit),
            self.repo,
            config,
            &self.dir,
        )?);
        self.sources.insert(commit, s.clone());
        Ok(s)
    }

    /// Other tags naming the same version as `tv`. In an audit (`first_only`), a group of
    /// tags of one version is reported once, at every tag but the group's first (the
    /// configured spelling first, then by name): twins `v1.2.2` and `1.2.2` are one finding.
    fn duplicates(&self, name: &str, tv: &TagVersion, first_only: bool) -> Vec<&str> {
        let mut group: Vec<usize> = Vec::new();
        for k in version_keys(tv) {
            for &i in self.by_version.get(&k).map_or(&[][..], Vec::as_slice) {
                if !group.contains(&i) {
                    group.push(i);
                }
            }
        }
        let rank = |i: &usize| {
            let f = &self.tags[*i].0;
            (f.spelling != Spelling::Configured, f.name.as_str())
        };
        if first_only && let Some(first) = group.iter().min_by_key(|i| rank(i)) {
            if self.tags[*first].0.name == name {
                return Vec::new();
            }
            return vec![self.tags[*first].0.name.as_str()];
        }
        let mut out: Vec<&str> = Vec::new();
        for i in group {
            let other = self.tags[i].0.name.as_str();
            if other != name && !out.contains(&other) {
                out.push(other);
            }
        }
        out
    }

    /// A tag whose pre-release style differs from `style`.
    fn inconsistent_style(
        &self,
        name: &str,
        style: version::PreStyle,
    ) -> Option<(&str, version::PreStyle)> {
        self.styles
            .iter()
            .find(|(s, i)| !s.consistent_with(&style) && self.tags[*i].0.name != name)
            .map(|(s, i)| (self.tags[*i].0.name.as_str(), *s))
    }

    fn release_tips(&mut self, branches: &[String]) -> Result<Vec<(String, Oid)>> {
        if self.release_tips.is_none() {
            self.release_tips = Some(self.repo.branch_tips_matching(branches)?);
        }
        Ok(self.release_tips.clone().unwrap_or_default())
    }

    /// Is `commit` on one of the release branches? `None` when no release branch exists.
    fn on_release_branch(&mut self, branches: &[String], commit: Oid) -> Result<Option<bool>> {
        let tips = self.release_tips(branches)?;
        if tips.is_empty() {
            return Ok(None);
        }
        if self.many {
            if self.release_reach.is_none() {
                let ids: Vec<Oid> = tips.iter().map(|(_, o)| *o).collect();
                self.load_graph(&ids)?;
                let mut reach = OidSet::default();
                let mut stack = ids;
                while let Some(c) = stack.pop() {
                    if reach.insert(c) {
                        stack.extend(self.graph.get(&c).into_iter().flatten().copied());
                    }
                }
                self.release_reach = Some(reach);
            }
            return Ok(self.release_reach.as_ref().map(|r| r.contains(&commit)));
        }
        // One walk from every release branch at once, ending where it meets the commit.
        let ids: Vec<Oid> = tips.iter().map(|(_, o)| *o).collect();
        let found = self.repo.reachable(&ids, &OidSet::from_iter([commit]))?;
        Ok(Some(!found.is_empty()))
    }

    /// The highest release tag on a strict ancestor of `commit` (tags on the commit itself, like
    /// `v1.2.0-rc1` and `v1.2.0` on one commit, are not ordered by history).
    fn highest_below(
        &mut self,
        commit: Oid,
        tv: &TagVersion,
        eco: Ecosystem,
    ) -> Result<Option<usize>> {
        if !self.many {
            // Only a tag at or above `tv` can make it not increasing, and when one is below
            // `commit` the highest tag below is among them: peel those only.
            let at_or_above: Vec<usize> = (0..self.tags.len())
                .filter(|&i| {
                    version::compare_tags(&self.tags[i].1, tv, eco)
                        != Some(std::cmp::Ordering::Less)
                })
                .collect();
            let mut at: Vec<(usize, Oid)> = Vec::new();
            for i in at_or_above {
                if let Some(c) = self.commit_of(i)?
                    && c != commit
                {
                    at.push((i, c));
                }
            }
            // One walk down from `commit`, ending once every such tag is found.
            let targets: OidSet = at.iter().map(|(_, c)| *c).collect();
            let below = self.repo.reachable(&[commit], &targets)?;
            let below = at
                .into_iter()
                .filter(|(_, c)| below.contains(c))
                .map(|(i, _)| i);
            return Ok(self.max_tag(below, eco));
        }
        if self.highest.is_none() {
            self.build_highest(eco)?;
        }
        let parents = self.graph.get(&commit).cloned().unwrap_or_default();
        let highest = self.highest.as_ref();
        let below: Vec<usize> = parents
            .iter()
            .filter_map(|p| highest.and_then(|h| h.get(p).copied().flatten()))
            .collect();
        Ok(self.max_tag(below.into_iter(), eco))
    }

    /// `tip` and every commit below it, from the history already read for `--all`.
    fn below(&mut self, tip: Oid) -> Result<OidSet> {
        self.load_graph(&[tip])?;
        let mut seen = OidSet::default();
        let mut stack = vec![tip];
        while let Some(c) = stack.pop() {
            if seen.insert(c) {
                stack.extend(self.graph.get(&c).into_iter().flatten().copied());
            }
        }
        Ok(seen)
    }

    fn max_tag(&self, idx: impl Iterator<Item = usize>, eco: Ecosystem) -> Option<usize> {
        idx.max_by(|a, b| {
            version::compare_tags(&self.tags[*a].1, &self.tags[*b].1, eco)
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    }

    /// One pass over the history below every tag: the highest tag on each commit or below it.
    /// `--all`: the commit graph below every tag and every release branch, read in one walk
    /// (`extra` are the release branch tips, when they are known).
    fn load_graph(&mut self, extra: &[Oid]) -> Result<()> {
        if self.graph.is_empty() {
            let mut tips: Vec<Oid> = self.tags.iter().filter_map(|(f, _)| f.commit).collect();
            tips.extend_from_slice(extra);
            self.graph = Rc::new(self.repo.commit_graph(&tips)?);
        } else if extra.iter().any(|t| !self.graph.contains_key(t)) {
            let more = self.repo.commit_graph(extra)?;
            Rc::make_mut(&mut self.graph).extend(more);
        }
        Ok(())
    }

    fn build_highest(&mut self, eco: Ecosystem) -> Result<()> {
        let tips: Vec<Oid> = self.tags.iter().filter_map(|(f, _)| f.commit).collect();
        self.load_graph(&[])?;
        let mut at: OidMap<Vec<usize>> = OidMap::default();
        for (i, (f, _)) in self.tags.iter().enumerate() {
            if let Some(c) = f.commit {
                at.entry(c).or_default().push(i);
            }
        }
        let mut highest: OidMap<Option<usize>> =
            OidMap::with_capacity_and_hasher(self.graph.len(), Default::default());
        // Iterative post-order: a commit is settled once all its parents are.
        for &start in &tips {
            let mut stack = vec![(start, false)];
            while let Some((c, expanded)) = stack.pop() {
                if highest.contains_key(&c) {
                    continue;
                }
                let parents = self.graph.get(&c).map_or(&[][..], Vec::as_slice);
                if !expanded {
                    stack.push((c, true));
                    stack.extend(
                        parents
                            .iter()
                            .filter(|p| !highest.contains_key(p))
                            .map(|p| (*p, false)),
                    );
                    continue;
                }
                let candidates = parents
                    .iter()
                    .filter_map(|p| highest.get(p).copied().flatten())
                    .chain(at.get(&c).into_iter().flatten().copied());
                let best = self.max_tag(candidates.collect::<Vec<_>>().into_iter(), eco);
                highest.insert(c, best);
            }
        }
        self.highest = Some(highest);
        Ok(())
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

/// The repository rules for one release tag whose name passed.
pub fn check_in_repo(
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
                        shown_list(&names, 6)
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
            .owner_of(name)
            .and_then(|o| self.pkgs.list.iter().position(|p| std::ptr::eq(p, o)))
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

/// The tag from the CI environment, else the release tags at HEAD (and `true`).
fn implicit_tags(ctx: &Ctx) -> Result<(Vec<String>, bool)> {
    if let Ok(r) = std::env::var("GITHUB_REF")
        && let Some(t) = r.strip_prefix("refs/tags/")
    {
        return Ok((vec![t.to_string()], false));
    }
    if let Ok(t) = std::env::var("CI_COMMIT_TAG")
        && !t.is_empty()
    {
        return Ok((vec![t], false));
    }
    let repo = ctx.repo()?;
    let Some(head) = repo.head()?.oid() else {
        return Ok((Vec::new(), true));
    };
    let mut at_head = Vec::new();
    for r in repo.tag_refs()? {
        let here = match r.on_commit(head) {
            Some(known) => known,
            None => repo.resolve(r)?.commit == Some(head),
        };
        if here {
            at_head.push(r.name.clone());
        }
    }
    // A release tag of the repository or of any workspace member. The packages are read only
    // when a tag is here: most commits have none, and a workspace has a manifest per member.
    if !at_head.is_empty() {
        let config = &ctx.config()?.config;
        let pkgs = packages_at_head(repo, config)?;
        at_head.retain(|name| pkgs.owner_of(name).is_some());
    }
    Ok((at_head, true))
}

/// At most this many tag names in one summarising message; the JSON `tags` list has them all.
const NAMES_SHOWN: usize = 8;

fn names(list: &[String]) -> String {
    let shown: Vec<&str> = list.iter().take(NAMES_SHOWN).map(String::as_str).collect();
    if list.len() > shown.len() {
        format!(
            "{}, and {} more (--format json lists each tag)",
            shown.join(", "),
            list.len() - shown.len()
        )
    } else {
        shown.join(", ")
    }
}

/// At most `max` of `items`, then how many more: a list that stays one readable line.
fn shown_list(items: &[String], max: usize) -> String {
    let mut shown = items
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        shown.push_str(&format!(", and {} more", items.len() - max));
    }
    shown
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// `tags.since` as a tag version, in either spelling.
fn since_version(since: &str, tags: &TagsConfig) -> Result<TagVersion> {
    let others = version::other_spellings(tags);
    version::read_tag(since, tags, &others)
        .or_else(|| version::read_tag(&format!("{}{since}", tags.prefix), tags, &others))
        .map(|(tv, _)| tv)
        .ok_or_else(|| {
            Error::new(format!(
                "invalid configuration: tags.since `{}` is not a release tag or version",
                diag::escape(since)
            ))
        })
}

/// `text` as a regex that matches it literally, without backslashes (which TOML strings and
/// the human output would each want escaped again): `.` becomes `[.]`.
fn literal(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '.' | '+' | '*' | '?' | '(' | ')' | '|' | '{' | '}' | '^' | '$' => format!("[{c}]"),
            '[' | ']' | '\\' => format!("\\{c}"),
            c => c.to_string(),
        })
        .collect()
}

/// When most tags are no release tags, the shape they share and the setting that would make
/// them release tags: package-prefixed tags (`tokio-1.53.1`, `core@2.0.0`, `cli/v1.2.0`).
fn skipped_hint(skipped: &[String], total: usize) -> Option<String> {
    if skipped.len() * 2 <= total || skipped.len() < 10 {
        return None;
    }
    let mut packages: HashMap<&str, (usize, &str, &str)> = HashMap::new();
    for name in skipped {
        let split = ["-v", "-", "@v", "@", "/v", "/"].iter().find_map(|sep| {
            let mut at = 0;
            while let Some(i) = name[at..].find(sep) {
                let (pkg, rest) = (&name[..at + i], &name[at + i + sep.len()..]);
                if !pkg.is_empty() && rest.starts_with(|c: char| c.is_ascii_digit()) {
                    return Some((pkg, *sep));
                }
                at += i + sep.len();
            }
            None
        });
        if let Some((pkg, sep)) = split {
            let e = packages.entry(pkg).or_insert((0, sep, name.as_str()));
            e.0 += 1;
        }
    }
    let mut ranked: Vec<(&str, (usize, &str, &str))> = packages.into_iter().collect();
    ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let (pkg, (n, sep, _)) = *ranked.first()?;
    let examples: Vec<&str> = ranked.iter().take(3).map(|(_, (_, _, e))| *e).collect();
    Some(format!(
        "{} of {total} tags are no release tags; most look like package tags ({}; {n} for `{pkg}`). \
         To check one package's releases, set tags.pattern = '^{}{}(?P<version>.+)$'",
        skipped.len(),
        examples.join(", "),
        literal(pkg),
        literal(sep)
    ))
}

/// The tags of one package in an `--all` audit, with what judging them needs.
struct Family<'r> {
    config: Config,
    view: TagView<'r>,
    /// Tag name → index in `view.tags`.
    index: HashMap<String, usize>,
    eco: Ecosystem,
    since: Option<TagVersion>,
    /// The newest release and its commit: a tag that does not follow the grammar is history
    /// when it names a lower version or sits in the newest release's history (the project
    /// released past it); any other is something that can still be fixed.
    newest: Option<(TagVersion, Option<Oid>)>,
    below_newest: Option<OidSet>,
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
        crate::packages::packages(&*reader, config, repo.tag_refs()?, None)
    })
}

fn run_all(ctx: &Ctx, package: Option<&str>) -> Result<Report> {
    let mut report = ctx.report()?;
    let config = &ctx.config()?.config;
    let repo = &ctx.repo()?.with_pack_cache();
    let all = repo.tags()?;
    let pkgs = packages_at_head(repo, config)?;
    // `--package` / `versions.package`: that package's tags are judged, the others skipped.
    let only = package.or(config.versions.package.as_deref());
    if let Some(name) = only
        && !pkgs.list.iter().any(|p| p.name.as_deref() == Some(name))
    {
        return Err(Error::new(format!(
            "no package named `{}` here; the packages are: {}",
            diag::escape(name),
            pkgs.names().join(", ")
        )));
    }
    // Each tag to the package whose scheme reads it; the others are the root's to skip.
    let root = pkgs.list.iter().position(|p| !p.member).unwrap_or(0);
    let owner: Vec<usize> = all
        .iter()
        .map(|t| {
            pkgs.owner_of(&t.name)
                .and_then(|o| pkgs.list.iter().position(|p| std::ptr::eq(p, o)))
                .unwrap_or(root)
        })
        .collect();
    // With several packages, the history below every tag is read once for all of them.
    let graph = if pkgs.list.len() > 1 && !repo.is_shallow() {
        let mut tips: Vec<Oid> = all.iter().filter_map(|t| t.commit).collect();
        tips.extend(
            repo.branch_tips_matching(&config.tags.release_branches)?
                .into_iter()
                .map(|(_, o)| o),
        );
        Some(Rc::new(repo.commit_graph(&tips)?))
    } else {
        None
    };
    let mut families: Vec<Family<'_>> = Vec::new();
    for (i, pkg) in pkgs.list.iter().enumerate() {
        let own: Vec<crate::git::Tag> = all
            .iter()
            .zip(&owner)
            .filter(|(_, o)| **o == i)
            .map(|(t, _)| t.clone())
            .collect();
        let pkg_config = Config {
            tags: pkg.tags.clone(),
            ..config.clone()
        };
        let mut view = TagView::from_tags(repo, &pkg.tags, &own).in_dir(&pkg.dir);
        if let Some(g) = &graph {
            view = view.with_graph(g.clone());
        }
        if !own.is_empty() {
            view.prefetch_sources(&pkg_config)?;
        }
        let tags = &pkg_config.tags;
        let since = tags
            .since
            .as_deref()
            .filter(|_| !pkg.member)
            .map(|s| since_version(s, tags))
            .transpose()?;
        let eco = tag_ecosystem(tags);
        let index = view
            .tags
            .iter()
            .enumerate()
            .map(|(i, (f, _))| (f.name.clone(), i))
            .collect();
        let newest = view
            .tags
            .iter()
            .max_by(|a, b| version::compare_tags(&a.1, &b.1, eco).unwrap_or(Ordering::Equal))
            .map(|(f, tv)| (tv.clone(), f.commit));
        families.push(Family {
            config: pkg_config,
            view,
            index,
            eco,
            since,
            newest,
            below_newest: None,
        });
    }
    // What history cannot change is gathered here and said once each.
    let (mut lightweight, mut other_spelling, mut older, mut skipped) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut variants, mut historic) = (Vec::new(), Vec::new());
    let mut other_packages = 0;
    let mut styles: Vec<(version::PreStyle, Vec<String>)> = Vec::new();
    let mut entries = Vec::new();
    for (t, &o) in all.iter().zip(&owner) {
        let fam = &mut families[o];
        let tags = &fam.config.tags;
        let before = report.diagnostics.len();
        let subject = format!("refs/tags/{}", t.name);
        let mut status = "ok";
        let mut tv_shown = None;
        let chosen = only.is_none_or(|n| pkgs.list[o].name.as_deref() == Some(n));
        match fam.index.get(&t.name) {
            _ if !chosen => {
                other_packages += 1;
                status = "skipped";
            }
            None if !version::is_candidate(&t.name, tags) => {
                skipped.push(t.name.clone());
                status = "skipped";
            }
            None => {
                status = "skipped";
                if let Some(base) = fam.view.variant_of(&t.name) {
                    variants.push((t.name.clone(), base.to_string()));
                } else if fam.since.as_ref().is_some_and(|s| {
                    version::lenient_order(&t.name, tags, s) == Some(Ordering::Less)
                }) {
                    older.push(t.name.clone());
                } else if let Some((top, top_commit)) = &fam.newest
                    && (version::lenient_order(&t.name, tags, top) == Some(Ordering::Less)
                        || match (top_commit, t.commit) {
                            // Strictly below: a tag beside the newest release is as recent.
                            (Some(tip), Some(c)) if *tip != c => match &fam.below_newest {
                                Some(set) => set.contains(&c),
                                // One walk, the first time a tag needs it.
                                None => fam.below_newest.insert(fam.view.below(*tip)?).contains(&c),
                            },
                            _ => false,
                        })
                {
                    historic.push((t.name.clone(), top.tag().to_string()));
                } else {
                    // Names no version in any spelling, and is recent: the configured
                    // spelling explains why.
                    check_name(&t.name, tags, &mut report);
                    status = "ok";
                }
            }
            Some(&i) => {
                let (facts, tv) = fam.view.tags[i].clone();
                tv_shown = Some(tv.version_part().to_string());
                if fam
                    .since
                    .as_ref()
                    .is_some_and(|s| version::compare_tags(&tv, s, fam.eco) == Some(Ordering::Less))
                {
                    older.push(t.name.clone());
                    status = "skipped";
                } else {
                    for w in tv.warnings() {
                        report.push(
                            Diagnostic::warn("tag-ambiguous-order", w).subject(subject.clone()),
                        );
                    }
                    if facts.spelling == Spelling::Other {
                        other_spelling.push(t.name.clone());
                    }
                    if !facts.annotated && tags.require_annotated && !cli::in_ci() {
                        lightweight.push(t.name.clone());
                    }
                    if let Some(st) = tv.pre_style() {
                        match styles.iter_mut().find(|(s, _)| *s == st) {
                            Some((_, v)) => v.push(t.name.clone()),
                            None => styles.push((st, vec![t.name.clone()])),
                        }
                    }
                    check_in_repo(
                        &mut fam.view,
                        &fam.config,
                        &facts,
                        &tv,
                        Judging::Audit,
                        &mut report,
                    )?;
                }
            }
        }
        if report.diagnostics[before..]
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            status = "error";
        }
        let mut entry = serde_json::json!({
            "name": t.name,
            "version": tv_shown,
            "status": status,
            "commit": t.commit.map(|c| c.to_string()),
            "annotated": t.annotated,
        });
        // A workspace member's tag says whose release it is.
        if let (Some(name), true, Some(o)) = (
            pkgs.list[o].name.as_deref(),
            pkgs.list[o].member,
            entry.as_object_mut(),
        ) {
            o.insert("package".into(), name.into());
        }
        entries.push(entry);
    }
    let tags = &config.tags;
    // Notes for skipped tags would drown an audit of thousands of tags; the JSON list has them.
    report.diagnostics.retain(|d| d.rule != "tag-not-release");
    let first = |v: &[String]| format!("refs/tags/{}", v[0]);
    if !lightweight.is_empty() {
        report.push(
            Diagnostic::warn(
                "tag-lightweight",
                format!(
                    "{} in the history {} lightweight: {}",
                    count(lightweight.len(), "release tag"),
                    if lightweight.len() == 1 { "is" } else { "are" },
                    names(&lightweight)
                ),
            )
            .subject(first(&lightweight))
            .help(
                "published tags stay as they are (moving one breaks every clone that fetched it); \
                 annotate the next release: `git tag -a <tag> -m '<tag>'` (or set tags.require-annotated = false)",
            ),
        );
    }
    if !other_spelling.is_empty() {
        let spelled = match &tags.pattern {
            Some(p) => format!("tags.pattern `{p}`"),
            None => format!("`{}MAJOR.MINOR.PATCH`", tags.prefix),
        };
        report.push(
            Diagnostic::warn(
                "tag-style-inconsistent",
                format!(
                    "{} spelled differently from release tags ({spelled}): {}",
                    match other_spelling.len() {
                        1 => "1 tag is".to_string(),
                        n => format!("{n} tags are"),
                    },
                    names(&other_spelling)
                ),
            )
            .subject(first(&other_spelling))
            .help("they are the same releases to every check; new tags use the release spelling"),
        );
    }
    if let Some((dominant, _)) = styles.iter().max_by_key(|(_, v)| v.len()) {
        let dominant = *dominant;
        let deviants: Vec<String> = styles
            .iter()
            .filter(|(s, _)| !s.consistent_with(&dominant))
            .flat_map(|(_, v)| v.iter().cloned())
            .collect();
        if !deviants.is_empty() {
            report.push(
                Diagnostic::warn(
                    "tag-style-inconsistent",
                    format!(
                        "{} spell their pre-release unlike the others (`{dominant}`): {}",
                        count(deviants.len(), "tag"),
                        names(&deviants)
                    ),
                )
                .subject(first(&deviants))
                .help(format!(
                    "npm and Cargo order `-rc1` and `-rc.1` differently; spell new pre-releases `{dominant}`"
                )),
            );
        }
    }
    if !historic.is_empty() {
        let mut tops: Vec<&str> = historic.iter().map(|(_, top)| top.as_str()).collect();
        tops.dedup();
        let top = if tops.len() == 1 {
            tops[0].to_string()
        } else {
            "of their package".to_string()
        };
        let historic: Vec<String> = historic.iter().map(|(n, _)| n.clone()).collect();
        report.push(
            Diagnostic::warn(
                "tag-invalid",
                format!(
                    "{} older than the newest release {top} {} not follow the release grammar: {}",
                    count(historic.len(), "tag"),
                    if historic.len() == 1 { "does" } else { "do" },
                    names(&historic)
                ),
            )
            .subject(first(&historic))
            .help(
                "published tags stay as they are; new release tags follow the grammar \
                 (`validate-tag <tag>` says how), or set tags.since to count older tags as history",
            ),
        );
    }
    if !variants.is_empty() {
        let shown: Vec<String> = variants
            .iter()
            .map(|(v, base)| format!("{v} of {base}"))
            .collect();
        report.push(Diagnostic::note(
            "tag-not-release",
            format!(
                "{} name a release and a suffix, variants of that release rather than releases: {}",
                count(variants.len(), "tag"),
                names(&shown)
            ),
        ));
    }
    if let Some(hint) = skipped_hint(&skipped, all.len()) {
        report.push(Diagnostic::note("tag-not-release", hint));
    }
    let judged = entries.iter().filter(|e| e["status"] != "skipped").count();
    let ok = entries.iter().filter(|e| e["status"] == "ok").count();
    let mut summary = format!(
        "{}: {ok} ok, {} with errors, {} skipped",
        count(entries.len(), "tag"),
        judged - ok,
        skipped.len() + older.len() + historic.len() + variants.len() + other_packages
    );
    if let Some(name) = only {
        summary.push_str(&format!(
            " ({other_packages} of other packages than {name}, not judged)"
        ));
    }
    if let Some(s) = &tags.since {
        summary.push_str(&format!(
            " ({} older than tags.since {s}, counted not judged)",
            older.len()
        ));
    }
    report.pass(summary);
    report
        .extra
        .insert("tags", serde_json::Value::Array(entries));
    Ok(report)
}

fn run_pre_push(ctx: &Ctx) -> Result<Report> {
    let input = hook::read_stdin()?;
    let lines = hook::parse_pre_push(&input)?;
    judge_push(ctx, &lines)
}

/// The framework's pushed ref: a tag is judged as a new tag (a move or a deletion never reaches
/// a framework hook); a branch push pushes no tag the framework can name.
fn run_framework_push(ctx: &Ctx, push: &hook::FrameworkPush) -> Result<Report> {
    if let Some(line) = push.line() {
        return judge_push(ctx, &[line]);
    }
    let mut report = ctx.report()?;
    let Some(name) = push.remote_ref.strip_prefix("refs/tags/") else {
        report.pass("no tag is pushed");
        return Ok(report);
    };
    // The push starts at a root commit, so the framework names no object: the local tag of
    // that name is what is pushed.
    let config = &ctx.config()?.config;
    let mut scoped = Scoped::new(ctx.repo()?, config, 1)?;
    let (pkg_config, view) = scoped.for_tag(name)?;
    check_one(&pkg_config, Some(view), name, Judging::New, &mut report)?;
    Ok(report)
}

fn judge_push(ctx: &Ctx, lines: &[hook::PushLine]) -> Result<Report> {
    let mut report = ctx.report()?;
    let config = &ctx.config()?.config;
    let tag_lines: Vec<_> = lines
        .iter()
        .filter(|l| l.remote_ref.starts_with(b"refs/tags/"))
        .collect();
    if tag_lines.is_empty() {
        report.pass("no tag is pushed");
        return Ok(report);
    }
    let repo = ctx.repo()?;
    let mut scoped = Scoped::new(repo, config, tag_lines.len())?;
    for line in tag_lines {
        let remote = line.remote_ref_lossy();
        let name = remote["refs/tags/".len()..].to_string();
        if !scoped.is_candidate(&name) {
            continue;
        }
        if line.is_delete() {
            report.push(
                Diagnostic::error(
                    "tag-deleted",
                    format!("push deletes release tag {name} on the remote"),
                )
                .subject(remote.clone())
                .help(immutable()),
            );
            continue;
        }
        if !line.remote_oid.is_zero() {
            if line.remote_oid != line.local_oid {
                report.push(
                    Diagnostic::error(
                        "tag-moved",
                        format!("push moves release tag {name} on the remote to another object"),
                    )
                    .subject(remote.clone())
                    .help(immutable()),
                );
            }
            continue;
        }
        let (pkg_config, view) = scoped.for_tag(&name)?;
        let Some(tv) = check_name(&name, &pkg_config.tags, &mut report) else {
            continue;
        };
        let oid = Oid::from_hex(&line.local_oid.0).ok_or_else(|| {
            Error::new(format!(
                "pre-push names object {} for {name}, which is no object id",
                line.local_oid.0
            ))
        })?;
        let peeled = repo.peel(oid)?.ok_or_else(|| {
            Error::new(format!(
                "pre-push names object {oid} for {name}, which is not in the repository"
            ))
        })?;
        let facts = TagFacts {
            name: name.clone(),
            annotated: peeled.annotated,
            commit: peeled.commit(),
            peeled_kind: Some(peeled.kind),
            spelling: Spelling::Configured,
        };
        check_in_repo(view, &pkg_config, &facts, &tv, Judging::New, &mut report)?;
    }
    Ok(report)
}

/// The `reference-transaction` hook. It runs on every ref update git makes, so everything but
/// the creation of a tag in state `prepared` returns before the repository or the
/// configuration is loaded.
fn run_reference_transaction(ctx: &Ctx) -> Result<Report> {
    let state = ctx
        .common
        .hook_args
        .first()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    let mut quiet = Report::new(TOOL.name);
    if state != "prepared" {
        return Ok(quiet);
    }
    let input = hook::read_stdin()?;
    let updates = hook::parse_reference_transaction(&input)?;
    let created: Vec<String> = updates
        .iter()
        .filter(|u| u.is_create() && u.name.starts_with(b"refs/tags/"))
        .map(|u| String::from_utf8_lossy(&u.name["refs/tags/".len()..]).into_owned())
        .collect();
    if created.is_empty() {
        quiet.pass("no tag is created");
        return Ok(quiet);
    }
    let mut report = ctx.report()?;
    let tags = &ctx.config()?.config.tags;
    for name in created {
        let before = report.diagnostics.len();
        check_name(&name, tags, &mut report);
        for d in &mut report.diagnostics[before..] {
            if d.rule == "tag-invalid" {
                d.help = Some(format!(
                    "{}; refusing to create refs/tags/{}. If this tag comes from `git fetch`, bypass once with \
                     RELGATE_SKIP=validate-tag git fetch ... (this reference-transaction hook is opt-in; \
                     `hooks/install --uninstall` removes it)",
                    d.help
                        .clone()
                        .unwrap_or_else(|| "use a valid release tag name".into()),
                    diag::escape(&name)
                ));
            }
        }
    }
    Ok(report)
}
