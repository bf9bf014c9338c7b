//! The view of a repository's release tags that validate-tag's repository rules read: every
//! release tag loaded once ([`TagView`]), with its versions, pre-release styles, release branches
//! and history indexed as the number of tags checked calls for.

use std::collections::HashMap;
use std::rc::Rc;

use crate::checks::versions::{Tree, collect_sources};
use crate::config::{Config, TagsConfig};
use crate::error::Result;
use crate::git::{Graph, ObjectKind, Oid, OidMap, OidSet, Repo};
use crate::releases;
use crate::version::{self, Ecosystem, Spelling, TagVersion};

/// A map hashed with foldhash (already built, as hashbrown's).
type Fast<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

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
    pub(super) fn of(t: crate::git::Tag, spelling: Spelling) -> TagFacts {
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
    pub(super) repo: &'r Repo,
    pub tags: Vec<(TagFacts, TagVersion)>,
    /// Index-aligned with `tags`: the ref of a tag not peeled yet (its facts are blank).
    unpeeled: Vec<Option<crate::git::TagRef>>,
    /// Tag indexes by PEP 440 form and by SemVer precedence form (`same_version`). Hashed with
    /// foldhash, as the work tree's maps are: with std's SipHash, indexing 10,000 tags was
    /// 40 M instructions of an audit.
    by_version: Fast<VersionKey, Vec<usize>>,
    /// Tag indexes by name.
    by_name: Fast<String, usize>,
    /// The first tag of each distinct pre-release style.
    styles: Vec<(version::PreStyle, usize)>,
    release_tips: Option<Vec<(String, Oid)>>,
    /// `--all`: every commit on a release branch, by number in `graph`.
    release_reach: Option<Vec<bool>>,
    /// `--all`: the highest tag on each commit or its ancestors (index into `tags`), by number
    /// in `graph`.
    highest: Option<Vec<Option<usize>>>,
    /// Shared by the views of an audit's packages: the history is read once for all of them.
    graph: Rc<Graph>,
    /// The version sources at each tagged commit, read once.
    sources: OidMap<std::rc::Rc<crate::sources::Sources>>,
    /// Checking every tag: build the whole-history lookups instead of walking per tag.
    many: bool,
    /// The directory of the package whose tags these are (`""`: the root), where its version
    /// sources are read at each tagged commit.
    dir: String,
    pub(super) shallow: bool,
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
        let mut by_version: Fast<VersionKey, Vec<usize>> = Fast::default();
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
    pub(super) fn in_dir(mut self, dir: &str) -> Self {
        self.dir = dir.to_string();
        self
    }

    /// Uses a history already read for every package of an audit.
    pub(super) fn with_graph(mut self, graph: Rc<Graph>) -> Self {
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

    /// `--all`: the tagged commits, in the order the history walk meets them (newest first),
    /// for [`super::audit`] to read their version sources up front: consecutive commits share
    /// delta bases, which a reading thread's cache then keeps.
    pub(super) fn tagged_in_history_order(&mut self, config: &Config) -> Result<Vec<Oid>> {
        // The history walk first: it gives the order the threads read the commits in.
        if !self.shallow {
            let tips = self.release_tips(&config.tags.release_branches)?;
            let ids: Vec<Oid> = tips.iter().map(|(_, o)| *o).collect();
            self.load_graph(&ids)?;
        }
        // In history order (newest first, as the walk met them): consecutive commits share
        // delta bases, which each thread's cache then keeps.
        let graph = &self.graph;
        let mut wanted = vec![false; graph.numbered()];
        let mut todo = Vec::new();
        // A shallow clone's history is not read: its tagged commits in the tags' order.
        let mut commits = Vec::new();
        let mut unread = OidSet::default();
        for c in self.tags.iter().filter_map(|(f, _)| f.commit) {
            match graph.index(&c) {
                Some(i) => {
                    wanted[i] = true;
                    todo.push(i);
                }
                None if unread.insert(c) => commits.push(c),
                None => {}
            }
        }
        let mut seen = vec![false; graph.numbered()];
        while let Some(c) = todo.pop() {
            if !std::mem::replace(&mut seen[c], true) {
                if wanted[c] {
                    commits.push(graph.id(c));
                }
                todo.extend(graph.parents(c).iter().filter(|p| !seen[**p]));
            }
        }
        Ok(commits)
    }

    /// The directory whose version sources are read at each tagged commit.
    pub(super) fn dir(&self) -> &str {
        &self.dir
    }

    /// The version sources at `commit`, read elsewhere (on another thread).
    pub(super) fn add_sources(&mut self, commit: Oid, sources: crate::sources::Sources) {
        self.sources.insert(commit, std::rc::Rc::new(sources));
    }

    /// The version sources in `commit`'s tree.
    pub(super) fn sources_at(
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
    pub(super) fn duplicates(&self, name: &str, tv: &TagVersion, first_only: bool) -> Vec<&str> {
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
    pub(super) fn inconsistent_style(
        &self,
        name: &str,
        style: version::PreStyle,
    ) -> Option<(&str, version::PreStyle)> {
        self.styles
            .iter()
            .find(|(s, i)| !s.consistent_with(&style) && self.tags[*i].0.name != name)
            .map(|(s, i)| (self.tags[*i].0.name.as_str(), *s))
    }

    pub(super) fn release_tips(&mut self, branches: &[String]) -> Result<Vec<(String, Oid)>> {
        if self.release_tips.is_none() {
            self.release_tips = Some(self.repo.branch_tips_matching(branches)?);
        }
        Ok(self.release_tips.clone().unwrap_or_default())
    }

    /// Is `commit` on one of the release branches? `None` when no release branch exists.
    pub(super) fn on_release_branch(
        &mut self,
        branches: &[String],
        commit: Oid,
    ) -> Result<Option<bool>> {
        let tips = self.release_tips(branches)?;
        if tips.is_empty() {
            return Ok(None);
        }
        if self.many {
            if self.release_reach.is_none() {
                let ids: Vec<Oid> = tips.iter().map(|(_, o)| *o).collect();
                self.load_graph(&ids)?;
                let from = ids.iter().filter_map(|t| self.graph.index(t));
                self.release_reach = Some(self.graph.below(from));
            }
            // A commit numbered after the walk from the release branches is not below them.
            let i = self.graph.index(&commit);
            let reach = self.release_reach.as_deref().unwrap_or_default();
            return Ok(Some(i.is_some_and(|i| reach.get(i) == Some(&true))));
        }
        // One walk from every release branch at once, ending where it meets the commit.
        let ids: Vec<Oid> = tips.iter().map(|(_, o)| *o).collect();
        let found = self.repo.reachable(&ids, &OidSet::from_iter([commit]))?;
        Ok(Some(!found.is_empty()))
    }

    /// The highest release tag on a strict ancestor of `commit` (tags on the commit itself, like
    /// `v1.2.0-rc1` and `v1.2.0` on one commit, are not ordered by history).
    pub(super) fn highest_below(
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
        let Some(i) = self.graph.index(&commit) else {
            return Ok(None);
        };
        let highest = self.highest.as_deref().unwrap_or_default();
        let below = self
            .graph
            .parents(i)
            .iter()
            .filter_map(|p| highest.get(*p).copied().flatten());
        Ok(self.max_tag(below, eco))
    }

    /// `tip` and every commit below it, from the history already read for `--all`.
    pub(super) fn below(&mut self, tip: Oid) -> Result<Below> {
        self.load_graph(&[tip])?;
        let marks = self.graph.below(self.graph.index(&tip));
        Ok(Below {
            graph: self.graph.clone(),
            marks,
        })
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
        } else if extra.iter().any(|t| !self.graph.contains(t)) {
            self.repo
                .extend_graph(Rc::make_mut(&mut self.graph), extra)?;
        }
        Ok(())
    }

    fn build_highest(&mut self, eco: Ecosystem) -> Result<()> {
        self.load_graph(&[])?;
        let graph = &self.graph;
        // The tags on each commit, by number.
        let mut at: Fast<usize, Vec<usize>> = Fast::default();
        for (i, (f, _)) in self.tags.iter().enumerate() {
            if let Some(c) = f.commit.and_then(|c| graph.index(&c)) {
                at.entry(c).or_default().push(i);
            }
        }
        let mut highest: Vec<Option<usize>> = vec![None; graph.numbered()];
        let mut settled = vec![false; graph.numbered()];
        // Iterative post-order: a commit is settled once all its parents are.
        let tips = self
            .tags
            .iter()
            .filter_map(|(f, _)| f.commit.and_then(|c| graph.index(&c)));
        for start in tips {
            let mut stack = vec![(start, false)];
            while let Some((c, expanded)) = stack.pop() {
                if settled[c] {
                    continue;
                }
                let parents = graph.parents(c);
                if !expanded {
                    stack.push((c, true));
                    stack.extend(
                        parents
                            .iter()
                            .filter(|p| !settled[**p])
                            .map(|p| (*p, false)),
                    );
                    continue;
                }
                let candidates = parents
                    .iter()
                    .filter_map(|p| highest[*p])
                    .chain(at.get(&c).into_iter().flatten().copied());
                highest[c] = self.max_tag(candidates, eco);
                settled[c] = true;
            }
        }
        self.highest = Some(highest);
        Ok(())
    }
}

/// A commit and every commit below it, from an audit's history.
pub(super) struct Below {
    graph: Rc<Graph>,
    marks: Vec<bool>,
}

impl Below {
    pub(super) fn contains(&self, commit: &Oid) -> bool {
        self.graph
            .index(commit)
            .is_some_and(|i| self.marks.get(i) == Some(&true))
    }
}
