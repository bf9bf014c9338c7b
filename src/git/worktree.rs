//! The work tree and the index: staged files as a hook sees them, and what `git status
//! --porcelain` would list. Nothing here writes the index back.

use std::ops::ControlFlow;
use std::sync::atomic::AtomicBool;

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
        let Some(id) = self.staged_blob(index, path) else {
            return Ok(None);
        };
        let header = self
            .repo
            .find_header(id.0)
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
            .find_blob(id.0)
            .map_err(git_err_with(|| format!("cannot read staged {path}")))?;
        Ok(Some(blob.detach().data))
    }

    /// The blob of the regular file staged at `path`, if one is.
    pub fn staged_blob(&self, index: &StagedIndex, path: &str) -> Option<super::Oid> {
        let entry = index.file.entry_by_path(path.as_bytes().as_bstr())?;
        matches!(
            entry.mode,
            gix::index::entry::Mode::FILE | gix::index::entry::Mode::FILE_EXECUTABLE
        )
        .then_some(super::Oid(entry.id))
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
    /// ignored) paths, at most `limit`. Uses the index's stat cache; never writes the index back.
    pub fn status(&self, limit: usize) -> Result<Vec<StatusEntry>> {
        let index = self.repo.index_or_empty().map_err(git_err(STATUS_FAILED))?;
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
        if staged_nothing {
            self.worktree_status(&index, limit)
        } else {
            self.full_status(index, limit)
        }
    }

    /// The status with the HEAD-to-index diff, through gix's status iterator (which a
    /// submodule's status links in anyway): renames staged show as one path, as in git.
    fn full_status(&self, index: gix::worktree::Index, limit: usize) -> Result<Vec<StatusEntry>> {
        let threads = (index.entries().len() < THREADED).then_some(1);
        let iter = self
            .repo
            .status(gix::progress::Discard)
            .map_err(git_err(STATUS_FAILED))?
            .index(gix::worktree::IndexPersistedOrInMemory::Persisted(index))
            .untracked_files(gix::status::UntrackedFiles::Collapsed)
            .index_worktree_rewrites(None)
            .index_worktree_options_mut(|o| o.thread_limit = threads)
            .into_iter(None)
            .map_err(git_err(STATUS_FAILED))?;
        // The iterator's threads race: its items are put in `git status`'s order after.
        let (mut changes, mut untracked) = (Vec::new(), Vec::new());
        for item in iter {
            let item = item.map_err(|e| Error::new(STATUS_FAILED).caused_by(e))?;
            let what = match &item {
                gix::status::Item::TreeIndex(_) => Some("staged"),
                gix::status::Item::IndexWorktree(iw) => iw.summary().map(summary_name),
            };
            let path = item.location().to_str_lossy().into_owned();
            match what {
                Some("untracked") => untracked.push(path),
                Some(what) => changes.push(StatusEntry { path, what }),
                None => {}
            }
        }
        Ok(in_git_order(changes, untracked, limit))
    }

    /// The index-to-work-tree pass and the untracked walk, when nothing is staged.
    ///
    /// gix's passes are run here as git runs them, without gix's `status()` iterator: that
    /// starts three threads whatever the index's size (its producer, the directory walk and the
    /// index-to-work-tree check), and on a release repository's few hundred files starting them
    /// cost more than the passes. From [`THREADED`] entries on the two passes run side by side
    /// and the check spreads its entries over the cores, as in gix's status.
    fn worktree_status(&self, index: &gix::index::State, limit: usize) -> Result<Vec<StatusEntry>> {
        let mut changes = Changes(Vec::new());
        let walk = self.shows_untracked()?;
        let untracked = if index.entries().len() < THREADED {
            self.index_worktree(index, &mut changes)
                .map_err(git_err(STATUS_FAILED))?;
            // Untracked paths would not be shown.
            if walk && changes.0.len() < limit {
                untracked(&self.repo, index).map_err(git_err(STATUS_FAILED))?
            } else {
                Vec::new()
            }
        } else {
            // A big work tree's two passes run side by side, as in gix's status: the untracked
            // walk on a thread of its own, with a handle of its own.
            let repo = self.repo.clone();
            std::thread::scope(|scope| -> Result<Vec<String>> {
                let walker = walk
                    .then(|| {
                        std::thread::Builder::new()
                            .spawn_scoped(scope, move || untracked(&repo, index))
                            .ok()
                    })
                    .flatten();
                self.index_worktree(index, &mut changes)
                    .map_err(git_err(STATUS_FAILED))?;
                let paths = match walker {
                    Some(walker) => walker.join().map_err(|_| Error::new(STATUS_FAILED))?,
                    None if walk => untracked(&self.repo, index),
                    None => Ok(Vec::new()),
                };
                paths.map_err(git_err(STATUS_FAILED))
            })?
        };
        Ok(in_git_order(changes.0, untracked, limit))
    }

    /// The index-to-work-tree pass, set up as gix's own status sets it up (attributes from the
    /// work tree, then the index; the filters they name; `core.*` stat and file-system
    /// settings; submodules as configured).
    fn index_worktree(
        &self,
        index: &gix::index::State,
        out: &mut Changes,
    ) -> std::result::Result<(), gix::Error> {
        use gix::status::plumbing::index_as_worktree;
        use gix::worktree::stack::state::attributes::Source;
        let repo = &self.repo;
        let Some(workdir) = repo.workdir() else {
            return Ok(());
        };
        let stack = repo
            .attributes_only(index, Source::WorktreeThenIdMapping)?
            .detach();
        let (filter, stack) = gix::filter::Pipeline::new(repo, stack)?.into_parts();
        let (pathspec, _) = repo
            .pathspec(
                false,
                None::<&str>,
                true,
                index,
                Source::WorktreeThenIdMapping,
            )?
            .into_parts();
        // Submodules as gix's status sees them, asked only of an index that has one: setting
        // that up reads `.gitmodules` from the work tree, the index or HEAD's tree.
        let submodules = if index
            .entries()
            .iter()
            .any(|e| e.mode == gix::index::entry::Mode::COMMIT)
        {
            Submodules::AsConfigured(Box::new(
                gix::status::index_worktree::BuiltinSubmoduleStatus::new(
                    repo.clone().into_sync(),
                    gix::status::Submodule::default(),
                )?,
            ))
        } else {
            Submodules::None
        };
        let objects = repo
            .objects
            .clone()
            .into_arc()
            .map_err(gix::Error::from_error)?;
        let fscache = repo
            .config_snapshot()
            .boolean("core.fscache")
            .unwrap_or(cfg!(windows));
        let thread_limit = (index.entries().len() < THREADED).then_some(1);
        let interrupt = AtomicBool::new(false);
        index_as_worktree(
            index,
            workdir,
            out,
            index_as_worktree::traits::FastEq,
            submodules,
            objects,
            &mut gix::progress::Discard,
            index_as_worktree::Context {
                pathspec,
                stack,
                filter,
                should_interrupt: &interrupt,
            },
            index_as_worktree::Options {
                fs: repo.filesystem_options()?,
                thread_limit,
                stat: repo.stat_options()?,
                fscache,
            },
        )?;
        Ok(())
    }

    /// `status.showUntrackedFiles` as gix's status reads it: only `no` hides untracked files.
    fn shows_untracked(&self) -> Result<bool> {
        use gix::config::tree::Status as Key;
        let config = self.repo.config_snapshot();
        let Some(value) = config.string(Key::SHOW_UNTRACKED_FILES) else {
            return Ok(true);
        };
        let shown = Key::SHOW_UNTRACKED_FILES
            .try_into_show_untracked_files(value)
            .map_err(git_err(STATUS_FAILED))?;
        Ok(shown != gix::status::UntrackedFiles::None)
    }
}

const STATUS_FAILED: &str = "cannot compute the status of the work tree";

/// From this many index entries on, the status uses threads: git's preload-index starts at 500
/// entries per thread, and below that starting them costs more than checking the entries.
const THREADED: usize = 1000;

/// The untracked files and directories, collapsed as `git status` shows them, in the order the
/// walk meets them (the file system's; [`in_git_order`] sorts them).
fn untracked(
    repo: &gix::Repository,
    index: &gix::index::State,
) -> std::result::Result<Vec<String>, gix::Error> {
    let options = repo
        .dirwalk_options()?
        .emit_untracked(gix::dir::walk::EmissionMode::CollapseDirectory);
    let mut found = Untracked(Vec::new());
    repo.dirwalk(
        index,
        None::<&str>,
        &AtomicBool::new(false),
        options,
        &mut found,
    )?;
    Ok(found.0)
}

/// A status computed on a thread of its own while the caller goes on ([`Repo::status_apart`]).
pub struct StatusApart<'scope> {
    handle: Option<std::thread::ScopedJoinHandle<'scope, Result<Vec<StatusEntry>>>>,
    limit: usize,
}

impl Repo {
    /// Starts [`Repo::status`] on a thread of `scope`, on a handle of its own: check-release-ready
    /// reads the versions, the tags and the history meanwhile.
    pub fn status_apart<'scope>(
        &self,
        scope: &'scope std::thread::Scope<'scope, '_>,
        limit: usize,
    ) -> StatusApart<'scope> {
        let repo = Repo::wrap(self.repo.clone());
        // A thread the system will not give is no error: the status is computed when asked.
        let handle = std::thread::Builder::new()
            .spawn_scoped(scope, move || repo.status(limit))
            .ok();
        StatusApart { handle, limit }
    }
}

impl StatusApart<'_> {
    /// The status, waited for (or computed here on `repo` if no thread was given).
    pub fn finish(self, repo: &Repo) -> Result<Vec<StatusEntry>> {
        match self.handle {
            Some(handle) => handle.join().map_err(|_| Error::new(STATUS_FAILED))?,
            None => repo.status(self.limit),
        }
    }
}

/// The first `limit` status lines in `git status --porcelain`'s order: the changes by path,
/// then the untracked paths by path.
fn in_git_order(
    mut changes: Vec<StatusEntry>,
    mut untracked: Vec<String>,
    limit: usize,
) -> Vec<StatusEntry> {
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    untracked.sort_unstable();
    changes.extend(untracked.into_iter().map(|path| StatusEntry {
        path,
        what: "untracked",
    }));
    changes.truncate(limit);
    changes
}

/// The changes the index-to-work-tree pass finds (from several threads, in no set order, in a
/// big work tree).
struct Changes(Vec<StatusEntry>);

impl<'index> gix::status::plumbing::index_as_worktree::VisitEntry<'index> for Changes {
    type ContentChange = ();
    type SubmoduleStatus = gix::submodule::Status;

    fn visit_entry(
        &mut self,
        _entries: &'index [gix::index::Entry],
        _entry: &'index gix::index::Entry,
        _entry_index: usize,
        rela_path: &'index gix::bstr::BStr,
        status: gix::status::plumbing::index_as_worktree::EntryStatus<(), gix::submodule::Status>,
    ) {
        if let Some(what) = worktree_change(&status) {
            self.0.push(StatusEntry {
                path: rela_path.to_str_lossy().into_owned(),
                what,
            });
        }
    }
}

/// The submodules' status: gix's own, or nothing to ask of an index without submodules.
#[derive(Clone)]
enum Submodules {
    None,
    AsConfigured(Box<gix::status::index_worktree::BuiltinSubmoduleStatus>),
}

impl gix::status::plumbing::index_as_worktree::traits::SubmoduleStatus for Submodules {
    type Output = gix::submodule::Status;

    fn status(
        &mut self,
        entry: &gix::index::Entry,
        rela_path: &gix::bstr::BStr,
    ) -> std::result::Result<Option<Self::Output>, gix::Error> {
        match self {
            Submodules::None => Ok(None),
            Submodules::AsConfigured(builtin) => builtin.status(entry, rela_path),
        }
    }
}

/// The untracked paths the walk meets.
struct Untracked(Vec<String>);

impl gix::dir::walk::Delegate for Untracked {
    fn emit(
        &mut self,
        entry: gix::dir::EntryRef<'_>,
        _collapsed_directory_status: Option<gix::dir::entry::Status>,
    ) -> gix::dir::walk::Action {
        if entry.status == gix::dir::entry::Status::Untracked {
            self.0.push(entry.rela_path.to_str_lossy().into_owned());
        }
        ControlFlow::Continue(())
    }
}

/// How `git status --porcelain` names a change gix's status iterator summarises.
fn summary_name(summary: gix::status::index_worktree::iter::Summary) -> &'static str {
    use gix::status::index_worktree::iter::Summary as S;
    match summary {
        S::Removed => "deleted",
        S::Added => "untracked",
        S::Modified => "modified",
        S::TypeChange => "type-change",
        S::Renamed | S::Copied => "renamed",
        S::IntentToAdd => "staged",
        S::Conflict => "conflict",
    }
}

/// How `git status --porcelain` names an index-to-work-tree change (`None`: no change, only
/// a stat cache git would refresh).
fn worktree_change<T, U>(
    status: &gix::status::plumbing::index_as_worktree::EntryStatus<T, U>,
) -> Option<&'static str> {
    use gix::status::plumbing::index_as_worktree::{Change, EntryStatus};
    Some(match status {
        EntryStatus::Conflict { .. } => "conflict",
        EntryStatus::IntentToAdd => "staged",
        EntryStatus::NeedsUpdate(_) => return None,
        EntryStatus::Change(Change::Removed) => "deleted",
        EntryStatus::Change(Change::Type { .. }) => "type-change",
        EntryStatus::Change(Change::Modification { .. } | Change::SubmoduleModification(_)) => {
            "modified"
        }
    })
}
