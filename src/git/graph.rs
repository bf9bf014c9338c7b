//! The commit graph an audit reads once ([`Repo::commit_graph`](super::Repo::commit_graph)):
//! each commit numbered as the walk meets it, its parents by number. The questions asked of it
//! for every tag (on a release branch? the highest tag below? the history order) walk it by
//! number and mark a vector, where object ids would be hashed at every step: textual's 13,100
//! commits were 12 ms of hash-map work on one core, between the two halves of `--all` that use
//! both.

use super::{Oid, OidMap};

/// Not read yet: a commit met as a parent, or at the edge of a shallow clone.
const UNREAD: usize = usize::MAX;

/// Commits and their parents, by number.
#[derive(Clone, Default)]
pub struct Graph {
    ids: Vec<Oid>,
    number: OidMap<usize>,
    /// Where commit `i`'s parents start in `edges` ([`UNREAD`] until its parents are known),
    /// and how many it has.
    spans: Vec<(usize, usize)>,
    edges: Vec<usize>,
    /// Commits whose parents are known.
    read: usize,
}

impl Graph {
    /// The commits whose parents are known.
    pub fn len(&self) -> usize {
        self.read
    }

    pub fn is_empty(&self) -> bool {
        self.read == 0
    }

    /// The number of commits met, read or not: the size of a vector indexed by commit.
    pub fn numbered(&self) -> usize {
        self.ids.len()
    }

    /// Commit `id`'s number, if it was met.
    pub fn index(&self, id: &Oid) -> Option<usize> {
        self.number.get(id).copied()
    }

    /// Whether commit `id`'s parents are known.
    pub fn contains(&self, id: &Oid) -> bool {
        self.index(id).is_some_and(|i| self.is_read(i))
    }

    pub fn id(&self, i: usize) -> Oid {
        self.ids[i]
    }

    /// Commit `i`'s parents, by number (none while it is unread).
    pub fn parents(&self, i: usize) -> &[usize] {
        match self.spans[i] {
            (UNREAD, _) => &[],
            (start, n) => &self.edges[start..start + n],
        }
    }

    pub(super) fn is_read(&self, i: usize) -> bool {
        self.spans[i].0 != UNREAD
    }

    /// Commit `id`'s number, numbering it if it is new.
    pub(super) fn add(&mut self, id: Oid) -> usize {
        *self.number.entry(id).or_insert_with(|| {
            self.ids.push(id);
            self.spans.push((UNREAD, 0));
            self.ids.len() - 1
        })
    }

    /// Records the parents of commit `i`, which was unread.
    pub(super) fn set_parents(&mut self, i: usize, parents: impl IntoIterator<Item = Oid>) {
        let start = self.edges.len();
        for p in parents {
            let n = self.add(p);
            self.edges.push(n);
        }
        self.spans[i] = (start, self.edges.len() - start);
        self.read += 1;
    }

    /// The commits of `from` and every commit below them, marked by number.
    pub fn below(&self, from: impl IntoIterator<Item = usize>) -> Vec<bool> {
        let mut seen = vec![false; self.numbered()];
        let mut stack: Vec<usize> = from.into_iter().collect();
        while let Some(c) = stack.pop() {
            if !std::mem::replace(&mut seen[c], true) {
                stack.extend(self.parents(c).iter().filter(|p| !seen[**p]));
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(n: u8) -> Oid {
        Oid(gix::ObjectId::from_bytes_or_panic(&[n; 20]))
    }

    #[test]
    fn commits_are_numbered_as_met_and_walked_by_number() {
        // 4 ← 3 ← 1 (a merge of 3 and 2), 2 unread (a shallow edge).
        let mut g = Graph::default();
        let one = g.add(oid(1));
        g.set_parents(one, [oid(3), oid(2)]);
        let three = g.index(&oid(3)).unwrap();
        g.set_parents(three, [oid(4)]);
        let four = g.index(&oid(4)).unwrap();
        g.set_parents(four, []);
        assert_eq!((g.len(), g.numbered()), (3, 4));
        assert!(g.contains(&oid(1)) && !g.contains(&oid(2)) && !g.contains(&oid(9)));
        let two = g.index(&oid(2)).unwrap();
        assert_eq!(g.parents(one), &[three, two]);
        assert_eq!(g.parents(two), &[] as &[usize]);
        assert_eq!(g.id(four), oid(4));
        assert_eq!(g.add(oid(3)), three);
        let below = g.below([three]);
        assert_eq!(below, {
            let mut v = vec![false; 4];
            v[three] = true;
            v[four] = true;
            v
        });
        assert!(g.below([one]).iter().all(|b| *b));
    }
}
