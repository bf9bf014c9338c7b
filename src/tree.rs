//! Where files are read from: the work tree, the index git is about to commit, or a commit.
//!
//! Each reader implements [`crate::sources::FileReader`] over repo-relative, `/`-separated
//! paths, so the version sources can be read from any of the three without knowing which. The
//! commit and index readers never look at the work tree.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::git::{CommitTree, Oid, Repo, StagedIndex};
use crate::sources::FileReader;

/// Files bigger than this are not version sources; refusing them bounds memory on hostile input.
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// The work tree on disk.
pub struct WorkTree {
    root: PathBuf,
}

impl WorkTree {
    pub fn new(root: &Path) -> WorkTree {
        WorkTree {
            root: root.to_path_buf(),
        }
    }
}

impl FileReader for WorkTree {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let p = crate::config::contained_path(&self.root, path)?;
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(None),
            Err(e) => return Err(Error::new(format!("cannot read {path}")).caused_by(e)),
        };
        if !meta.is_file() {
            return Ok(None);
        }
        if meta.len() > MAX_FILE {
            return Err(Error::new(format!(
                "{path} is {} bytes; a version source is expected to be under 64 MiB",
                meta.len()
            )));
        }
        let real = crate::config::resolve_inside(&self.root, &p, path)?;
        std::fs::read(real)
            .map(Some)
            .map_err(|e| Error::new(format!("cannot read {path}")).caused_by(e))
    }

    fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
        let p = if dir.is_empty() {
            self.root.clone()
        } else {
            crate::config::contained_path(&self.root, dir)?
        };
        let Ok(entries) = std::fs::read_dir(&p) else {
            return Ok(None);
        };
        // What git would list: no `.git`, and only what the file type says (no stat).
        let mut out: Vec<(String, bool)> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let kind = e.file_type().ok()?;
                (name != ".git").then(|| (name, kind.is_dir()))
            })
            .collect();
        out.sort();
        Ok(Some(out))
    }
}

/// The files of one commit, its tree loaded once.
pub struct AtCommit<'r> {
    tree: CommitTree<'r>,
}

impl<'r> AtCommit<'r> {
    pub fn new(repo: &'r Repo, commit: Oid) -> Result<AtCommit<'r>> {
        Ok(AtCommit {
            tree: repo.commit_tree(commit)?,
        })
    }
}

impl FileReader for AtCommit<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        crate::config::check_contained(path)?;
        self.tree.read(path)
    }

    fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
        if !dir.is_empty() {
            crate::config::check_contained(dir)?;
        }
        self.tree.list(dir)
    }
}

/// The staged content: what the commit in progress will contain.
pub struct Staged<'r> {
    repo: &'r Repo,
    index: StagedIndex,
}

impl<'r> Staged<'r> {
    pub fn new(repo: &'r Repo) -> Result<Staged<'r>> {
        Ok(Staged {
            repo,
            index: repo.open_index()?,
        })
    }
}

impl FileReader for Staged<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        crate::config::check_contained(path)?;
        self.repo.read_staged(&self.index, path)
    }

    fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
        if !dir.is_empty() {
            crate::config::check_contained(dir)?;
        }
        Ok(self.repo.list_staged(&self.index, dir))
    }
}
