//! The work tree and the index: staged files as a hook sees them, and what `git status
//! --porcelain` would list. Nothing here writes the index back.

use gix::bstr::ByteSlice;

use super::{Repo, git_err, git_err_with};
use crate::error::{Error, Result};

/// One line of `git status --porcelain`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEntry {
    pub path: String,
    /// `staged`, `modified`, `deleted`, `untracked`, `conflict`, `type-change`, `renamed`.
    pub what: &'static str,
}

/// The index as loaded once, for reading several staged files.
pub struct StagedIndex {
    file: gix::index::File,
}

impl Repo {
    /// A file as staged in the index git is about to commit (`GIT_INDEX_FILE` inside hooks).
    /// A blob over `limit` bytes is refused by its object header, unread.
    pub fn read_staged(
        &self,
        index: &StagedIndex,
        path: &str,
        limit: u64,
    ) -> Result<Option<Vec<u8>>> {
        let Some(entry) = index.file.entry_by_path(path.as_bytes().as_bstr()) else {
            return Ok(None);
        };
        if !matches!(
            entry.mode,
            gix::index::entry::Mode::FILE | gix::index::entry::Mode::FILE_EXECUTABLE
        ) {
            return Ok(None);
        }
        let header = self
            .repo
            .find_header(entry.id)
            .map_err(git_err_with(|| format!("cannot read staged {path}")))?;
        if header.size() > limit {
            return Err(crate::tree::too_big_for(
                &format!("the staged {path}"),
                header.size(),
                limit,
            ));
        }
        let blob = self
            .repo
            .find_blob(entry.id)
            .map_err(git_err_with(|| format!("cannot read staged {path}")))?;
        Ok(Some(blob.detach().data))
    }

    /// The entries of directory `dir` (`""`: the root) in the index, as (name, is a directory),
    /// sorted by name; `None` when the index has nothing under it.
    pub fn list_staged(&self, index: &StagedIndex, dir: &str) -> Option<Vec<(String, bool)>> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let entries = index.file.entries();
        // The index is sorted by path: the entries under `dir/` are one run.
        let start = entries.partition_point(|e| e.path(&index.file) < prefix.as_bytes().as_bstr());
        let mut out: Vec<(String, bool)> = Vec::new();
        for e in &entries[start..] {
            let path = e.path(&index.file);
            let Some(rest) = path.strip_prefix(prefix.as_bytes()) else {
                break;
            };
            let (name, is_dir) = match rest.find_byte(b'/') {
                Some(i) => (&rest[..i], true),
                None => (rest, false),
            };
            let Ok(name) = std::str::from_utf8(name) else {
                continue;
            };
            if out.last().is_none_or(|(n, _)| n != name) {
                out.push((name.to_string(), is_dir));
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The index, read as git reads it: its trailing checksum is not verified (git leaves that
    /// to fsck; gix would hash the whole file), with `index.threads` honoured. relgate never
    /// writes the index back.
    fn read_index(&self) -> std::result::Result<gix::index::File, gix::Error> {
        let thread_limit = self
            .repo
            .config_snapshot()
            .string("index.threads")
            .map(|v| gix::config::tree::Index::THREADS.try_into_index_threads(&*v))
            .transpose()?;
        let options = gix::index::decode::Options {
            thread_limit,
            min_extension_block_in_bytes_for_threading: 0,
            expected_checksum: None,
            alloc_limit_bytes: None,
        };
        gix::index::File::at(
            self.repo.index_path(),
            self.repo.object_hash(),
            true,
            options,
        )
    }

    /// Opens the index git uses now (honours `GIT_INDEX_FILE`, relative to the current directory).
    pub fn open_index(&self) -> Result<StagedIndex> {
        let path = self.repo.index_path();
        let file = self.read_index().map_err(git_err_with(|| {
            format!("cannot read the index {}", path.display())
        }))?;
        Ok(StagedIndex { file })
    }

    /// What `git status --porcelain` would list: staged, modified, deleted and untracked (not
    /// ignored) paths. Uses the index's stat cache; never writes the index back.
    pub fn status(&self, limit: usize) -> Result<Vec<StatusEntry>> {
        let failed = || "cannot compute the status of the work tree";
        let index = self.repo.index_or_empty().map_err(git_err(failed()))?;
        // When the index's cache-tree (the TREE extension git keeps up to date) is valid at the
        // root and names HEAD's tree, nothing is staged: git's own status skips the HEAD-to-index
        // diff the same way. Only the index-to-work-tree pass and the untracked walk remain.
        let staged_nothing = index.tree().is_some_and(|t| {
            t.num_entries == Some(index.entries().len() as u32)
                && self
                    .repo
                    .head_tree_id_or_empty()
                    .is_ok_and(|head| head.detach() == t.id)
        });
        // Threads pay off from about a thousand entries (git's preload-index starts at 500 per
        // thread); below that, starting them costs more than checking the entries.
        let threads = if index.entries().len() < 1000 {
            Some(1)
        } else {
            None
        };
        let platform = self
            .repo
            .status(gix::progress::Discard)
            .map_err(git_err(failed()))?
            .index(gix::worktree::IndexPersistedOrInMemory::Persisted(index))
            .untracked_files(gix::status::UntrackedFiles::Collapsed)
            .index_worktree_rewrites(None)
            .index_worktree_options_mut(|o| o.thread_limit = threads);
        let mut out = Vec::new();
        let mut add = |path: &gix::bstr::BStr, what: &'static str| {
            out.push(StatusEntry {
                path: path.to_str_lossy().into_owned(),
                what,
            });
            out.len() < limit
        };
        if staged_nothing {
            let iter = platform
                .into_index_worktree_iter(None)
                .map_err(git_err(failed()))?;
            for item in iter {
                let item = item.map_err(|e| Error::new(failed()).caused_by(e))?;
                if let Some(what) = worktree_change(&item)
                    && !add(item.rela_path(), what)
                {
                    break;
                }
            }
        } else {
            let iter = platform.into_iter(None).map_err(git_err(failed()))?;
            for item in iter {
                let item = item.map_err(|e| Error::new(failed()).caused_by(e))?;
                let what = match &item {
                    gix::status::Item::TreeIndex(_) => Some("staged"),
                    gix::status::Item::IndexWorktree(iw) => worktree_change(iw),
                };
                if let Some(what) = what
                    && !add(item.location(), what)
                {
                    break;
                }
            }
        }
        Ok(out)
    }
}

/// How `git status --porcelain` names an index-to-work-tree change.
fn worktree_change(item: &gix::status::index_worktree::Item) -> Option<&'static str> {
    use gix::status::index_worktree::iter::Summary as S;
    Some(match item.summary()? {
        S::Removed => "deleted",
        S::Added => "untracked",
        S::Modified => "modified",
        S::TypeChange => "type-change",
        S::Renamed | S::Copied => "renamed",
        S::IntentToAdd => "staged",
        S::Conflict => "conflict",
    })
}
