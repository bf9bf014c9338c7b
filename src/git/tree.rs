//! Files at a commit: its tree, and the directories below it read once each.
//!
//! Every version source read at a tag or at `--at REV` comes through here; the objects come
//! from [`Repo::objects`] (a loose object by relgate's reader, any other by gix).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::Ordering;

use super::{COMMIT_READS, Oid, Repo, git_err_with};
use crate::error::{Error, Result};

impl Repo {
    /// The tree of `commit`, loaded once for reading several files from it.
    pub fn commit_tree(&self, commit: Oid) -> Result<CommitTree<'_>> {
        let known = self.trees.read().ok().and_then(|t| t.get(&commit).copied());
        let tree = match known {
            Some(tree) => tree,
            None => {
                COMMIT_READS.fetch_add(1, Ordering::Relaxed);
                let mut buf = Vec::new();
                let data = self.find_as(&commit.0, gix::object::Kind::Commit, &mut buf, || {
                    format!("cannot read commit {commit}")
                })?;
                let tree = gix::objs::CommitRefIter::from_bytes(data, self.repo.object_hash())
                    .tree_id()
                    .map_err(git_err_with(|| {
                        format!("cannot read the tree of commit {commit}")
                    }))?;
                Oid(tree)
            }
        };
        let root = self.tree_entries(&tree.0, || format!("the tree of commit {commit}"))?;
        Ok(CommitTree {
            repo: self,
            commit,
            root,
            dirs: RefCell::new(Vec::new()),
        })
    }

    /// Object `id`, which must be a `want`; `what()` names what is read in the error when it
    /// is missing, another kind, or cannot be read.
    fn find_as<'b>(
        &self,
        id: &gix::oid,
        want: gix::object::Kind,
        buf: &'b mut Vec<u8>,
        what: impl FnOnce() -> String,
    ) -> Result<&'b [u8]> {
        use gix::objs::Find as _;
        match self.objects().try_find(id, buf) {
            Ok(Some(data)) if data.kind == want => Ok(data.data),
            Ok(Some(data)) => Err(Error::new(what())
                .caused_by(format!("object {id} is a {}, not a {want}", data.kind))),
            Ok(None) => {
                Err(Error::new(what()).caused_by(format!("object {id} is not in the repository")))
            }
            Err(e) => Err(Error::new(what()).caused_by(e)),
        }
    }

    /// The entries of tree `id`; `what()` names it in the error ("the tree of commit …").
    fn tree_entries(&self, id: &gix::oid, what: impl Fn() -> String) -> Result<Entries> {
        let mut buf = Vec::new();
        let data = self.find_as(id, gix::object::Kind::Tree, &mut buf, || {
            format!("cannot read {}", what())
        })?;
        Ok(
            gix::objs::TreeRef::from_bytes(data, self.repo.object_hash())
                .map_err(|e| Error::new(format!("cannot decode {}", what())).caused_by(e))?
                .entries
                .iter()
                .map(|e| (e.filename.to_vec(), e.mode, e.oid.to_owned()))
                .collect(),
        )
    }
}

/// A commit's tree; files are read from it, never from the work tree.
pub struct CommitTree<'r> {
    repo: &'r Repo,
    commit: Oid,
    /// The root's entries, decoded once: most of the files a check looks for do not exist,
    /// and a file at the root is read by its id without another lookup.
    root: Entries,
    /// Each other directory's entries, decoded once, by path: a workspace's members share
    /// their parent directory (`crates/`), which would otherwise be inflated again for every
    /// member. A list: a commit is asked about a handful of directories, and hashing each path
    /// asked costs more than comparing it with those.
    dirs: RefCell<Vec<(String, Rc<Entries>)>>,
}

type Entries = Vec<(Vec<u8>, gix::objs::tree::EntryMode, gix::ObjectId)>;

impl<'r> CommitTree<'r> {
    /// The commit whose tree this is.
    pub fn commit(&self) -> Oid {
        self.commit
    }

    /// The entries of directory `dir` (not the root), read through the cache; `None` when
    /// there is no such directory.
    fn entries(&self, dir: &str) -> Result<Option<Rc<Entries>>> {
        if let Some((_, e)) = self.dirs.borrow().iter().find(|(d, _)| d == dir) {
            return Ok(Some(e.clone()));
        }
        let id = match dir.rsplit_once('/') {
            None => subtree(&self.root, dir),
            Some((parent, name)) => match self.entries(parent)? {
                Some(up) => subtree(&up, name),
                None => None,
            },
        };
        let Some(id) = id else {
            return Ok(None);
        };
        let commit = self.commit;
        let entries = Rc::new(
            self.repo
                .tree_entries(&id, || format!("{dir} in commit {commit}"))?,
        );
        self.dirs
            .borrow_mut()
            .push((dir.to_string(), entries.clone()));
        Ok(Some(entries))
    }

    /// `f` over the entries of directory `dir` (`""`: the root); `None` when there is none.
    fn with_entries<R>(&self, dir: &str, f: impl FnOnce(&Entries) -> R) -> Result<Option<R>> {
        if dir.is_empty() {
            return Ok(Some(f(&self.root)));
        }
        Ok(self.entries(dir)?.map(|e| f(&e)))
    }

    /// A file as committed; `None` when there is no such file (or it is not a regular file).
    pub fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        match self.blob_id(path)? {
            Some(id) => self.read_blob(path, id).map(Some),
            None => Ok(None),
        }
    }

    /// The blob id of a file as committed; `None` when there is no such file (or it is not a
    /// regular file). A caller that keeps what it read by blob id reads each blob once.
    pub fn blob_id(&self, path: &str) -> Result<Option<Oid>> {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let found = self.with_entries(dir, |entries| {
            entries
                .iter()
                .find(|(n, _, _)| n == name.as_bytes())
                .and_then(|(_, m, id)| m.is_blob().then_some(Oid(*id)))
        })?;
        Ok(found.flatten())
    }

    /// Blob `id`, the file at `path` (named in the error).
    pub fn read_blob(&self, path: &str, id: Oid) -> Result<Vec<u8>> {
        let commit = self.commit;
        let mut buf = Vec::new();
        let blob = self
            .repo
            .find_as(&id.0, gix::object::Kind::Blob, &mut buf, || {
                format!("cannot read {path} in commit {commit}")
            })?;
        Ok(blob.to_vec())
    }

    /// The entries of directory `dir` (`""`: the root) as (name, is a directory), sorted by
    /// name; `None` when there is no such directory. Names that are not UTF-8 are left out.
    pub fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
        let Some(mut out) = self.with_entries(dir, |entries| {
            entries
                .iter()
                .filter_map(|(n, m, _)| String::from_utf8(n.clone()).ok().map(|n| (n, m.is_tree())))
                .collect::<Vec<(String, bool)>>()
        })?
        else {
            return Ok(None);
        };
        out.sort();
        Ok(Some(out))
    }
}

/// The id of directory `name` among `entries`.
fn subtree(entries: &Entries, name: &str) -> Option<gix::ObjectId> {
    entries
        .iter()
        .find(|(n, m, _)| n == name.as_bytes() && m.is_tree())
        .map(|(_, _, id)| *id)
}
