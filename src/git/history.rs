//! History: which commits reach which. One walk from all tips at once for many targets, with
//! the commit-graph's generation numbers where the repository has that file; a few ancestry
//! questions asked one by one where it has not; and the parents of every commit below the
//! release branches, read once for an audit ([`Graph`]).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Graph, Oid, OidMap, OidSet, Repo, git_err, git_err_with};
use crate::error::{Error, Result};

/// Work counters: how many history walks ran and how many commits they visited, for the tests
/// and the benchmark that check that no cost grows with tags × commits (printed on stderr at
/// exit when `RELGATE_STATS` is set; see `crate::cli`).
pub static WALKS: AtomicUsize = AtomicUsize::new(0);
pub static COMMITS_VISITED: AtomicUsize = AtomicUsize::new(0);
/// Ancestry questions asked one by one (at most [`MERGE_BASE_QUERIES`] per walk): each reads
/// the history down to the ancestor's date, then asks the merge base if that did not find it.
pub static MERGE_BASES: AtomicUsize = AtomicUsize::new(0);
/// Commits read only to find their tree, because no walk had met them.
pub static COMMIT_READS: AtomicUsize = AtomicUsize::new(0);

/// Up to this many (target, tip) pairs, a walk without a commit-graph asks each pair for its
/// merge base instead of reading the whole history; the number is bounded, so the cost does
/// not grow with tags.
const MERGE_BASE_QUERIES: usize = 8;

/// The commits an ancestry question has read, kept for the next question of the same run.
type AncestryGraph<'r> = gix::revwalk::Graph<
    'r,
    'r,
    gix::revwalk::graph::Commit<gix::revision::plumbing::merge_base::Flags>,
>;

/// Whether `ancestor` is met reading the history of `descendants` newest first (all of them
/// at once), down to the moment `ancestor` was made: its commit date, or its newest parent's
/// when that is later (a commit is made after its parents, so an earlier date is a wrong
/// clock). `false` means "not met", not "not in the history": a commit dated wrongly can hide
/// it below that floor. Each commit read on the way counts as visited (`RELGATE_STATS`).
fn met_by_date(
    repo: &Repo,
    graph: &mut AncestryGraph<'_>,
    ancestor: Oid,
    descendants: &[Oid],
) -> std::result::Result<bool, gix::Error> {
    let mut read = 0;
    let mut time = |graph: &mut AncestryGraph<'_>, id: Oid| {
        // From the pack as far as the committer's line (gix inflates the whole commit), into
        // the graph the merge base reads too; once the walk goes on past a few commits, which
        // pay for opening the packs.
        read += 1;
        if graph.get(&id.0).is_none()
            && read > super::THROUGH_GIX
            && let Some((parents, commit_time)) = repo.packs().dated_commit(&id.0)
        {
            let commit = gix::revwalk::graph::Commit {
                parents: parents.into(),
                commit_time,
                generation: None,
                data: Default::default(),
            };
            graph.insert(id.0, commit);
        }
        graph
            .get_or_insert_full_commit(id.0, |_| {})
            .map(|c| c.map(|c| c.commit_time))
    };
    let Some(mut floor) = time(graph, ancestor)? else {
        return Ok(false);
    };
    let parents = graph
        .get(&ancestor.0)
        .map(|c| c.parents.clone())
        .unwrap_or_default();
    for p in parents {
        if let Some(t) = time(graph, Oid(p))? {
            floor = floor.max(t);
        }
    }
    let mut queue = std::collections::BinaryHeap::new();
    let mut seen = OidSet::default();
    for &d in descendants {
        if seen.insert(d)
            && let Some(start) = time(graph, d)?
        {
            queue.push((start, d));
        }
    }
    while let Some((when, id)) = queue.pop() {
        if id == ancestor {
            return Ok(true);
        }
        if when < floor {
            break;
        }
        count_commit();
        let parents = graph
            .get(&id.0)
            .map(|c| c.parents.clone())
            .unwrap_or_default();
        for p in parents {
            let p = Oid(p);
            if seen.insert(p)
                && let Some(t) = time(graph, p)?
            {
                queue.push((t, p));
            }
        }
    }
    Ok(false)
}

fn count_walk() {
    WALKS.fetch_add(1, Ordering::Relaxed);
}

fn count_merge_base() {
    MERGE_BASES.fetch_add(1, Ordering::Relaxed);
}

fn count_commit() {
    COMMITS_VISITED.fetch_add(1, Ordering::Relaxed);
}

impl Repo {
    /// Which of `targets` are reachable from one of `tips` (a tip reaches itself): one walk from
    /// all tips at once that ends as soon as every target is found. Where the repository has a
    /// commit-graph file, generation numbers prune it further, as git does: a commit whose
    /// generation is not above every target still missing cannot lead to one, so its history is
    /// not walked. Without one, a target that is not reachable costs one walk of the history
    /// (once, whatever the number of targets).
    pub fn reachable(&self, tips: &[Oid], targets: &OidSet) -> Result<OidSet> {
        self.reachable_until(tips, targets, |_| false)
    }

    /// [`Repo::reachable`], also ending the walk as soon as `done` says the targets found so far
    /// answer the caller's question (the highest tag is in the history: no other can beat it).
    pub fn reachable_until(
        &self,
        tips: &[Oid],
        targets: &OidSet,
        done: impl FnMut(&OidSet) -> bool,
    ) -> Result<OidSet> {
        self.reachable_from(tips, targets, done, true)
    }

    /// [`Repo::reachable_until`]; `ask` allows the merge bases in place of the walk.
    fn reachable_from(
        &self,
        tips: &[Oid],
        targets: &OidSet,
        mut done: impl FnMut(&OidSet) -> bool,
        ask: bool,
    ) -> Result<OidSet> {
        let mut found: OidSet = tips
            .iter()
            .filter(|t| targets.contains(t))
            .copied()
            .collect();
        if found.len() == targets.len() || tips.is_empty() || done(&found) {
            return Ok(found);
        }
        let failed = || "cannot walk history from the release branches and tags".to_string();
        // Generations of the targets still missing, when the commit-graph knows all of them.
        let graph = self.commit_graph_file();
        let mut missing: Option<BTreeMap<u32, usize>> = graph.as_ref().and_then(|g| {
            let mut m = BTreeMap::new();
            for t in targets.iter().filter(|t| !found.contains(t)) {
                *m.entry(g.commit_by_id(t.0)?.generation()).or_insert(0) += 1;
            }
            Some(m)
        });
        // Without a commit-graph, a walk that must prove a target is not in the history (a tag
        // on a commit no branch contains, a release above the sources) reads every commit. A few
        // targets are asked one by one instead, as `git merge-base --is-ancestor` does: painting
        // down from both ends stops where their histories meet, usually a few commits down.
        let unknown = targets.len() - found.len();
        if ask && graph.is_none() && unknown <= MERGE_BASE_QUERIES {
            let mut pending: Vec<Oid> = targets
                .iter()
                .filter(|t| !found.contains(t))
                .copied()
                .collect();
            pending.sort_unstable();
            let mut asked = gix::revwalk::Graph::new(self.objects(), None);
            if unknown * tips.len() <= MERGE_BASE_QUERIES {
                for target in pending {
                    for tip in tips {
                        if self.is_ancestor(&mut asked, target, *tip)? {
                            found.insert(target);
                            break;
                        }
                    }
                    if done(&found) {
                        break;
                    }
                }
                return Ok(found);
            }
            // More pairs than that (a tag asked of many maintenance branches): each target is
            // first looked for by date from all tips at once, which reads only the commits
            // newer than it, from the packs; what that does not meet is left to the walk.
            for target in pending {
                count_merge_base();
                let met = met_by_date(self, &mut asked, target, tips).map_err(|e| {
                    Error::new(format!(
                        "cannot tell whether {} is in the history of the release branches",
                        target.short()
                    ))
                    .caused_by(e)
                })?;
                if met {
                    found.insert(target);
                }
            }
            if found.len() == targets.len() || done(&found) {
                return Ok(found);
            }
        }
        count_walk();
        let floor = Rc::new(Cell::new(
            missing.as_ref().and_then(|m| m.keys().next().copied()),
        ));
        // Without a commit-graph every commit is read, loose ones through [`Repo::objects`]
        // (a shallow clone's walk stays gix's own, which knows where its history was cut).
        let walk: Box<dyn Iterator<Item = std::result::Result<gix::ObjectId, gix::Error>>> =
            if graph.is_none() && !self.is_shallow() {
                let walk =
                    gix::traverse::commit::Simple::new(tips.iter().map(|t| t.0), self.objects());
                Box::new(walk.map(|info| info.map(|info| info.id)))
            } else {
                let platform = self.repo.rev_walk(tips.iter().map(|t| t.0));
                let walk = match (&graph, floor.get()) {
                    (Some(g), Some(_)) => {
                        let (g, floor, wanted) = (g.clone(), floor.clone(), targets.clone());
                        platform.selected(move |id| {
                            // Below the lowest missing target nothing more can be found.
                            let Some(f) = floor.get() else { return false };
                            wanted.contains(&Oid(id.to_owned()))
                                || g.commit_by_id(id).is_none_or(|c| c.generation() > f)
                        })
                    }
                    _ => platform.all(),
                }
                .map_err(git_err_with(failed))?;
                Box::new(walk.map(|info| info.map(|info| info.id)))
            };
        for id in walk {
            let id = Oid(id.map_err(|e| Error::new(failed()).caused_by(e))?);
            count_commit();
            if targets.contains(&id) && found.insert(id) {
                if let (Some(m), Some(g)) = (missing.as_mut(), graph.as_ref())
                    && let Some(c) = g.commit_by_id(id.0)
                {
                    let gen_ = c.generation();
                    if let Some(n) = m.get_mut(&gen_) {
                        *n -= 1;
                        if *n == 0 {
                            m.remove(&gen_);
                        }
                    }
                    floor.set(m.keys().next().copied());
                }
                if found.len() == targets.len() || done(&found) {
                    break;
                }
            }
        }
        Ok(found)
    }

    /// The first of `ordered` (the caller's preference: the highest version first) that is in
    /// the history of `tip`, `tip` included. Without a commit-graph the first few are asked one
    /// by one with a merge base, which ends where the two histories meet (the usual answer is
    /// among the first two: a release above HEAD's on another branch, then HEAD's own); the
    /// rest, or all of them with a commit-graph, take one walk that stops at the first found.
    pub fn first_reachable(&self, tip: Oid, ordered: &[Oid]) -> Result<Option<Oid>> {
        let mut next = ordered.iter().copied();
        self.first_reachable_of(tip, || Ok(next.next()))
    }

    /// [`Repo::first_reachable`] of the commits `next` gives, in order (each once), asked for
    /// only as far as the answer needs: a tag is peeled only when its commit is asked about.
    pub fn first_reachable_of(
        &self,
        tip: Oid,
        mut next: impl FnMut() -> Result<Option<Oid>>,
    ) -> Result<Option<Oid>> {
        let mut ordered = Vec::new();
        if self.commit_graph_file().is_none() {
            let mut graph = gix::revwalk::Graph::new(self.objects(), None);
            while ordered.len() < MERGE_BASE_QUERIES {
                let Some(target) = next()? else {
                    return Ok(None);
                };
                ordered.push(target);
                if self.is_ancestor(&mut graph, target, tip)? {
                    return Ok(Some(target));
                }
            }
        }
        let asked = ordered.len();
        while let Some(target) = next()? {
            ordered.push(target);
        }
        let rest = &ordered[asked..];
        if rest.is_empty() {
            return Ok(None);
        }
        let targets: OidSet = rest.iter().copied().collect();
        let found = self.reachable_from(
            &[tip],
            &targets,
            |found| rest.first().is_some_and(|c| found.contains(c)),
            false,
        )?;
        Ok(rest.iter().find(|c| found.contains(c)).copied())
    }

    /// Whether `ancestor` is in the history of `descendant` (itself included), in a repository
    /// without a commit-graph file. `graph` keeps the commits read for the next question.
    ///
    /// First the history of `descendant` is read newest first, down to the date `ancestor` was
    /// made ([`met_by_date`]): an ancestor is usually met there, a few commits down. When it is
    /// not (it is on another branch, or a clock was wrong), the answer comes from their merge
    /// base, which is `ancestor` exactly when it is in the history. The merge base paints down
    /// from both ends to where the histories meet, which for a release on another branch is
    /// below that date anyway; the commits the first walk read are not read again.
    fn is_ancestor(
        &self,
        graph: &mut AncestryGraph<'_>,
        ancestor: Oid,
        descendant: Oid,
    ) -> Result<bool> {
        if ancestor == descendant {
            return Ok(true);
        }
        count_merge_base();
        let failed = |e: gix::Error| {
            Error::new(format!(
                "cannot tell whether {} is in the history of {}",
                ancestor.short(),
                descendant.short()
            ))
            .caused_by(e)
        };
        if met_by_date(self, graph, ancestor, &[descendant]).map_err(failed)? {
            return Ok(true);
        }
        match self
            .repo
            .merge_base_with_graph(ancestor.0, descendant.0, graph)
        {
            Ok(base) => Ok(base.is_some_and(|b| b.detach() == ancestor.0)),
            Err(e) => Err(failed(e)),
        }
    }

    /// The parents of every commit reachable from `tips`: the commit graph, read in one walk.
    /// The root trees of the tips are recorded on the way, for [`Repo::commit_tree`].
    pub fn commit_graph(&self, tips: &[Oid]) -> Result<Graph> {
        let mut graph = Graph::default();
        self.extend_graph(&mut graph, tips)?;
        Ok(graph)
    }

    /// Reads into `graph` the commits below `tips` that it does not have yet.
    pub fn extend_graph(&self, graph: &mut Graph, tips: &[Oid]) -> Result<()> {
        if tips.iter().all(|t| graph.contains(t)) {
            return Ok(());
        }
        let file = self.commit_graph_file();
        let mut trees = OidMap::default();
        if file.is_none() && !self.is_shallow() {
            // Without a commit-graph file every commit is inflated to learn its parents, as
            // gix's walk would.
            use gix::objs::FindExt as _;
            use gix::objs::commit::ref_iter::Token;
            count_walk();
            // The commits in the packs are read first, on every core: the whole history is
            // read anyway.
            let threads = crate::parallel::threads();
            let mut packs = self.packs();
            let mut todo: Vec<usize> = tips.iter().map(|t| graph.add(*t)).collect();
            // One buffer for every commit read through gix, and only the header lines up to
            // the last parent decoded, as gix's own walk does.
            let mut buf = Vec::new();
            let mut parents = Vec::new();
            while let Some(i) = todo.pop() {
                if graph.is_read(i) {
                    continue;
                }
                count_commit();
                let id = graph.id(i);
                if let Some((_, packed)) = packs.commit_header(&id.0, threads) {
                    parents.extend(packed.iter().map(|p| Oid(*p)));
                } else {
                    let read = || format!("cannot walk history: cannot read commit {id}");
                    let tokens = self
                        .objects()
                        .find_commit_iter(&id.0, &mut buf)
                        .map_err(git_err_with(read))?;
                    for token in tokens {
                        match token.map_err(git_err_with(read))? {
                            // Read anyway: kept in case it is a tip.
                            Token::Tree { id: tree } => {
                                trees.insert(id, Oid(tree));
                            }
                            Token::Parent { id: parent } => parents.push(Oid(parent)),
                            _ => break,
                        }
                    }
                }
                graph.set_parents(i, parents.drain(..));
                todo.extend(graph.parents(i).iter().filter(|p| !graph.is_read(**p)));
            }
            // The tips' trees: an audit reads the files at its tagged commits.
            for t in tips {
                if let Some((tree, _)) = packs.commit_header(&t.0, threads) {
                    trees.insert(*t, Oid(tree.to_owned()));
                }
            }
        } else {
            // gix's walk reads parents from the commit-graph file when there is one (git gc
            // writes it), without inflating a single commit; so does a shallow clone's
            // boundary.
            let walk = self
                .repo
                .rev_walk(tips.iter().map(|t| t.0))
                .all()
                .map_err(git_err("cannot walk history"))?;
            count_walk();
            for info in walk {
                let info = info.map_err(|e| Error::new("cannot walk history").caused_by(e))?;
                count_commit();
                let i = graph.add(Oid(info.id));
                if !graph.is_read(i) {
                    graph.set_parents(i, info.parent_ids.iter().map(|p| Oid(*p)));
                }
            }
            if let Some(file) = &file {
                for t in tips {
                    if let Some(c) = file.commit_by_id(t.0) {
                        trees.insert(*t, Oid(c.root_tree_id().to_owned()));
                    }
                }
            }
        }
        if let Ok(mut known) = self.trees.write() {
            known.extend(trees);
        }
        Ok(())
    }
}
