//! Where files are read from: the work tree, the index git is about to commit, or a commit.
//!
//! Each reader implements [`crate::sources::FileReader`] over repo-relative, `/`-separated
//! paths, so the version sources can be read from any of the three without knowing which. The
//! commit and index readers never look at the work tree. Files on disk (the work tree's, and
//! configuration files) are read with [`read_regular`]: regular files of at most 16 MiB only.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::git::{CommitTree, Oid, OidMap, Repo, StagedIndex};
use crate::sources::FileReader;

/// The most relgate reads of one file it parses (a version source, a configuration file):
/// 16 MiB, far above any real one. Refusing bigger files bounds memory and time on hostile
/// input: `--config /dev/zero`, a 200 MB pyproject.toml.
pub const MAX_FILE: u64 = 16 << 20;

/// What a path holds, for a reader of small files.
pub enum Regular {
    /// A regular file of at most [`MAX_FILE`] bytes, read.
    Read(Vec<u8>),
    /// Nothing there.
    Missing,
    /// A directory.
    Directory,
}

/// Reads `path` if it is a regular file (after symlinks) of at most [`MAX_FILE`] bytes. A
/// named pipe, socket or device is refused before it is opened, so it can neither block the
/// run nor feed it without end; the file is opened non-blocking and checked again, so one
/// swapped in meanwhile cannot either. `shown` names the file in messages ("config file
/// relgate.toml", "pyproject.toml").
pub fn read_regular(path: &Path, shown: &str) -> Result<Regular> {
    use std::io::ErrorKind;
    let cannot = |e: std::io::Error| Error::new(format!("cannot read {shown}")).caused_by(e);
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Ok(Regular::Missing);
        }
        Err(e) => return Err(cannot(e)),
    };
    if meta.is_dir() {
        return Ok(Regular::Directory);
    }
    check_regular(&meta, shown)?;
    read_opened(path, shown)
}

/// [`read_regular`] for a path already known to be a regular file: opened without looking
/// first, and its type checked again on the handle.
fn read_opened(path: &Path, shown: &str) -> Result<Regular> {
    read_opened_upto(path, shown, MAX_FILE + 1)
}

/// [`read_opened`] of no more than `limit` bytes (a file of over [`MAX_FILE`] is refused all
/// the same).
fn read_opened_upto(path: &Path, shown: &str, limit: u64) -> Result<Regular> {
    FILE_READS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    use std::io::Read;
    let cannot = |e: std::io::Error| Error::new(format!("cannot read {shown}")).caused_by(e);
    let file = open_nonblocking(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Ok(Regular::Directory);
    }
    check_regular(&meta, shown)?;
    // The length said so a moment ago; a file that grows since is cut off at the limit + 1.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    file.take(limit.min(MAX_FILE + 1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(too_big(shown, bytes.len() as u64));
    }
    Ok(Regular::Read(bytes))
}

/// Opens `path` for reading without blocking: a named pipe swapped in after its type was
/// checked cannot hold the run at the open (the opened handle's type is checked again).
pub fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}

/// An error unless `meta` is a regular file within [`MAX_FILE`].
fn check_regular(meta: &std::fs::Metadata, shown: &str) -> Result<()> {
    if !meta.is_file() {
        return Err(Error::new(format!(
            "cannot read {shown}: it is {}, not a regular file; relgate reads only regular files",
            file_kind(&meta.file_type())
        )));
    }
    if meta.len() > MAX_FILE {
        return Err(too_big(shown, meta.len()));
    }
    Ok(())
}

fn too_big(shown: &str, len: u64) -> Error {
    too_big_for(shown, len, MAX_FILE)
}

/// The error for `shown`, of `len` bytes, over `limit` (a whole number of MiB).
pub fn too_big_for(shown: &str, len: u64, limit: u64) -> Error {
    Error::new(format!(
        "cannot read {shown}: it is {len} bytes, over relgate's limit of {} MiB \
         ({limit} bytes) for a file it parses",
        limit >> 20
    ))
}

/// What a file that is no regular file is, in words.
fn file_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    let _ = t;
    "a special file"
}

/// The work tree on disk.
pub struct WorkTree {
    root: PathBuf,
    /// Shared by every reader of the same root in this thread (see [`SEEN`]).
    seen: Rc<RefCell<Seen>>,
}

/// What readers of one work tree have read in this thread.
#[derive(Default)]
struct Seen {
    /// Directories as listed, by repository-relative path (`""`: the root); `None`: no such
    /// directory.
    dirs: HashMap<String, Option<Rc<Listing>>, Fast>,
    /// Small files as read: a workspace member's manifest is read for the workspace and again
    /// for its version.
    files: HashMap<String, Rc<[u8]>, Fast>,
}

/// The hasher of the work tree's maps: a workspace's check looks up thousands of paths and
/// names (uv: 1,612 paths asked for, 12,000 lookups), and SipHash was 5 % of its instructions.
/// foldhash (already built, as hashbrown's) is seeded per process.
type Fast = foldhash::fast::RandomState;

/// Work-tree directories listed and files opened in this run (`RELGATE_STATS`).
pub static DIR_LISTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
pub static FILE_READS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Files up to this size are kept once read.
const KEEP_FILE: usize = 256 << 10;

impl WorkTree {
    pub fn new(root: &Path) -> WorkTree {
        let seen = SEEN.with(|m| {
            m.borrow_mut()
                .entry(root.as_os_str().to_owned())
                .or_default()
                .clone()
        });
        WorkTree {
            root: root.to_path_buf(),
            seen,
        }
    }

    /// What is at `path`, as the listings of the directories on the way say. Each
    /// directory is listed once per run, so looking for twenty possible version files in each
    /// of seventy workspace members costs seventy listings, not fourteen hundred `stat`s and
    /// the `readlink`s of resolving each path found.
    fn walk(&self, path: &str) -> Result<Found> {
        let mut start = 0;
        loop {
            let end = path[start..].find('/').map(|i| start + i);
            let part = &path[start..end.unwrap_or(path.len())];
            let last = end.is_none();
            if part.is_empty() && !last {
                start += 1;
                continue;
            }
            let dir = path[..start].trim_end_matches('/');
            let Some(listing) = self.listing(dir, path)? else {
                return Ok(Found::Nothing);
            };
            match (listing.get(part), last) {
                (None, _) => return Ok(Found::Nothing),
                (Some(Entry::Symlink), _) => return Ok(Found::Symlink),
                (Some(Entry::Dir), false) => {}
                (Some(Entry::File), true) => return Ok(Found::File),
                (Some(Entry::Special), true) => return Ok(Found::Special),
                // A directory where a file is looked for is no file, as in a commit's tree.
                (Some(_), _) => return Ok(Found::Nothing),
            }
            start = end.map_or(path.len(), |e| e + 1);
        }
    }

    /// Directory `dir`'s entries (names that are not UTF-8 left out: no path relgate asks for
    /// has one); `None` when it does not exist or is no directory. `asked` names the file being
    /// looked for, for the error.
    fn listing(&self, dir: &str, asked: &str) -> Result<Option<Rc<Listing>>> {
        if let Some(l) = self.seen.borrow().dirs.get(dir) {
            return Ok(l.clone());
        }
        let listed = list_dir(&self.root.join(dir), asked)?;
        self.seen
            .borrow_mut()
            .dirs
            .insert(dir.to_string(), listed.clone());
        Ok(listed)
    }
}

/// What [`WorkTree::walk`] found.
enum Found {
    Nothing,
    File,
    Special,
    /// A symlink on the way: where it leads is resolved to tell.
    Symlink,
}

/// What a directory entry is, as its listing says (without following it).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Entry {
    Dir,
    Symlink,
    File,
    /// A named pipe, socket or device: refused when read, as [`read_regular`] says.
    Special,
}

type Listing = HashMap<String, Entry, Fast>;

thread_local! {
    /// What was read of each work tree, by the root's path: the work tree is read as it is
    /// when the gate starts, once.
    static SEEN: RefCell<HashMap<std::ffi::OsString, Rc<RefCell<Seen>>>> =
        RefCell::new(HashMap::new());
}

fn list_dir(dir: &Path, asked: &str) -> Result<Option<Rc<Listing>>> {
    DIR_LISTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let cannot = |e: std::io::Error| Error::new(format!("cannot read {asked}")).caused_by(e);
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(cannot(e)),
    };
    let mut out = Listing::default();
    for e in entries {
        let e = e.map_err(cannot)?;
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        let t = e.file_type().map_err(cannot)?;
        let kind = if t.is_symlink() {
            Entry::Symlink
        } else if t.is_dir() {
            Entry::Dir
        } else if t.is_file() {
            Entry::File
        } else {
            Entry::Special
        };
        out.insert(name, kind);
    }
    Ok(Some(Rc::new(out)))
}

impl FileReader for WorkTree {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        crate::config::check_contained(path)?;
        if let Some(bytes) = self.seen.borrow().files.get(path) {
            return Ok(Some(bytes.to_vec()));
        }
        // Most paths asked for are not there (uv's check-version-sync: 1,536 of 1,612), and a
        // path joined costs 900 instructions: joined once the listing has it.
        let joined = || self.root.join(path);
        let read = match self.walk(path)? {
            Found::Nothing => return Ok(None),
            Found::File => read_opened(&joined(), path)?,
            // Refused with the reason.
            Found::Special => read_regular(&joined(), path)?,
            // Where it leads must stay inside the work tree.
            Found::Symlink => {
                let p = joined();
                let meta = match std::fs::metadata(&p) {
                    Ok(m) => m,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(None),
                    Err(e) => return Err(Error::new(format!("cannot read {path}")).caused_by(e)),
                };
                if meta.is_dir() {
                    return Ok(None);
                }
                read_regular(&crate::config::resolve_inside(&self.root, &p, path)?, path)?
            }
        };
        match read {
            Regular::Read(bytes) => {
                if bytes.len() <= KEEP_FILE {
                    self.seen
                        .borrow_mut()
                        .files
                        .insert(path.to_string(), bytes.as_slice().into());
                }
                Ok(Some(bytes))
            }
            Regular::Missing | Regular::Directory => Ok(None),
        }
    }

    fn read_head(&self, path: &str, len: usize) -> Result<Option<(Vec<u8>, bool)>> {
        crate::config::check_contained(path)?;
        let kept = self.seen.borrow().files.contains_key(path);
        // A regular file in a listed directory is read up to `len` (and a byte more, to tell
        // whether there is more); anything else as [`FileReader::read`] reads it.
        if !kept && matches!(self.walk(path)?, Found::File) {
            let limit = len as u64 + 1;
            return match read_opened_upto(&self.root.join(path), path, limit)? {
                Regular::Read(mut bytes) => {
                    let whole = bytes.len() as u64 <= len as u64;
                    bytes.truncate(len);
                    Ok(Some((bytes, whole)))
                }
                Regular::Missing | Regular::Directory => Ok(None),
            };
        }
        Ok(self.read(path)?.map(|bytes| (bytes, true)))
    }

    fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
        if !dir.is_empty() {
            crate::config::check_contained(dir)?;
        }
        let Some(listing) = self.listing(dir.trim_end_matches('/'), dir)? else {
            return Ok(None);
        };
        // What git would list: no `.git`, and only what the entry says it is (a symlink to
        // a directory is no directory).
        let mut out: Vec<(String, bool)> = listing
            .iter()
            .filter(|(name, _)| *name != ".git")
            .map(|(name, kind)| (name.clone(), *kind == Entry::Dir))
            .collect();
        out.sort();
        Ok(Some(out))
    }
}

/// The files of one commit, its tree loaded once. What it reads is kept by blob id for the
/// thread (see [`Blobs`]): a file that did not change between two commits is read once.
pub struct AtCommit<'r> {
    repo: &'r Repo,
    tree: CommitTree<'r>,
}

impl<'r> AtCommit<'r> {
    pub fn new(repo: &'r Repo, commit: Oid) -> Result<AtCommit<'r>> {
        Ok(AtCommit {
            repo,
            tree: repo.commit_tree(commit)?,
        })
    }
}

impl FileReader for AtCommit<'_> {
    /// From the packs on a handle that reads many blobs ([`Repo::blob`], which keeps the bases
    /// of delta chains for the next blob built on them), else through `Repo::objects`.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        crate::config::check_contained(path)?;
        BLOBS.with(|blobs| {
            let Some(id) = self.tree.blob_id(path)? else {
                return Ok(None);
            };
            if let Some(bytes) = blobs.borrow().get(&id) {
                return Ok(Some(bytes));
            }
            let bytes = match self.repo.blob(id) {
                Some(bytes) => bytes,
                None => self.tree.read_blob(path, id)?,
            };
            // Held to the work tree's limit: nothing bigger is parsed, whatever a commit
            // holds. (Its size is known once it is read: asking the object's header first
            // would cost a second lookup for every blob of an audit.)
            if bytes.len() as u64 > MAX_FILE {
                let shown = format!("{path} at commit {}", self.tree.commit());
                return Err(too_big(&shown, bytes.len() as u64));
            }
            blobs.borrow_mut().keep(id, &bytes);
            Ok(Some(bytes))
        })
    }

    /// From the pack, as far as `len` bytes need ([`Repo::blob_head`], which keeps what it
    /// read of the blob and of its delta base); else whole, as [`FileReader::read`] reads it.
    fn read_head(&self, path: &str, len: usize) -> Result<Option<(Vec<u8>, bool)>> {
        crate::config::check_contained(path)?;
        let Some(id) = self.tree.blob_id(path)? else {
            return Ok(None);
        };
        if let Some(head) = self.repo.blob_head(id, len) {
            return Ok(Some(head));
        }
        Ok(self.read(path)?.map(|bytes| (bytes, true)))
    }

    fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
        if !dir.is_empty() {
            crate::config::check_contained(dir)?;
        }
        self.tree.list(dir)
    }
}

thread_local! {
    /// Each thread's blobs (`validate-tag --all` reads commits on several threads, each with
    /// its own repository handle). Never dropped, as the TOML documents are not
    /// ([`crate::toml_once`]): they go with the thread, which ends with the audit.
    static BLOBS: std::mem::ManuallyDrop<RefCell<Blobs>> =
        std::mem::ManuallyDrop::new(RefCell::new(Blobs::default()));
}

/// The blobs most recently read at commits, by id, up to [`Blobs::BUDGET`] bytes; the oldest
/// go first. A blob id names its bytes, so a kept blob is right for any commit and any
/// repository. An audit reads the version files at hundreds of tagged commits, and most of
/// them (a `__init__.py` that only re-exports, a Cargo workspace's root manifest) are the same
/// blob from one tag to the next, while each read inflates and un-deltas it again.
#[derive(Default)]
struct Blobs {
    by_id: OidMap<Vec<u8>>,
    order: VecDeque<Oid>,
    bytes: usize,
}

impl Blobs {
    /// 8 MiB per thread: the version files of dozens of commits.
    const BUDGET: usize = 8 << 20;
    /// Larger blobs are not kept: they are lock files, which change at every release, and
    /// copying one into the cache costs more than the rare second read saves.
    const LARGEST: usize = 256 << 10;

    fn get(&self, id: &Oid) -> Option<Vec<u8>> {
        self.by_id.get(id).cloned()
    }

    fn keep(&mut self, id: Oid, bytes: &[u8]) {
        if bytes.len() > Self::LARGEST || self.by_id.contains_key(&id) {
            return;
        }
        while self.bytes + bytes.len() > Self::BUDGET
            && let Some(old) = self.order.pop_front()
        {
            self.bytes -= self.by_id.remove(&old).map_or(0, |b| b.len());
        }
        self.bytes += bytes.len();
        self.order.push_back(id);
        self.by_id.insert(id, bytes.to_vec());
    }
}

/// The staged content: what the commit in progress will contain.
pub struct Staged<'r> {
    repo: &'r Repo,
    index: StagedIndex,
    /// The largest blob read, by its object header, before it is read.
    limit: u64,
    /// HEAD's tree, read once for [`Staged::changed`]; `None` before the first commit.
    head: std::cell::OnceCell<Option<CommitTree<'r>>>,
}

impl<'r> Staged<'r> {
    pub fn new(repo: &'r Repo) -> Result<Staged<'r>> {
        Self::with_limit(repo, MAX_FILE)
    }

    /// Reading blobs of up to `limit` bytes (a changelog's limit is larger).
    pub fn with_limit(repo: &'r Repo, limit: u64) -> Result<Staged<'r>> {
        Ok(Staged {
            repo,
            index: repo.open_index()?,
            limit,
            head: std::cell::OnceCell::new(),
        })
    }

    /// Whether the commit in progress changes the file staged at `path` (other content than
    /// HEAD's there, or no HEAD yet); `false` where none is staged.
    pub fn changed(&self, path: &str) -> Result<bool> {
        let Some(id) = self.repo.staged_blob(&self.index, path) else {
            return Ok(false);
        };
        let head = match self.head.get() {
            Some(head) => head,
            None => {
                let tree = match self.repo.head()?.oid() {
                    Some(commit) => Some(self.repo.commit_tree(commit)?),
                    None => None,
                };
                self.head.get_or_init(|| tree)
            }
        };
        Ok(match head {
            Some(tree) => tree.blob_id(path)? != Some(id),
            None => true,
        })
    }

    /// Whether a file is staged at `path`, unread.
    pub fn has(&self, path: &str) -> bool {
        self.repo.staged_blob(&self.index, path).is_some()
    }
}

impl FileReader for Staged<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        crate::config::check_contained(path)?;
        self.repo.read_staged(&self.index, path, self.limit)
    }

    fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
        if !dir.is_empty() {
            crate::config::check_contained(dir)?;
        }
        Ok(self.repo.list_staged(&self.index, dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Oid {
        Oid::from_hex(&format!("{n:02x}").repeat(20)).unwrap()
    }

    #[test]
    fn blobs_are_kept_by_id_within_the_budget_oldest_out_first() {
        let mut b = Blobs::default();
        let chunk = vec![7u8; Blobs::LARGEST];
        let fit = Blobs::BUDGET / Blobs::LARGEST;
        for n in 0..fit as u8 {
            b.keep(id(n), &chunk);
        }
        assert!(b.get(&id(0)).is_some() && b.bytes == Blobs::BUDGET);
        assert_eq!(b.get(&id(1)).as_deref(), Some(&chunk[..]));
        // One more pushes the oldest out, and only it.
        b.keep(id(200), b"x");
        assert!(b.get(&id(0)).is_none() && b.get(&id(1)).is_some() && b.get(&id(200)).is_some());
        assert!(b.bytes <= Blobs::BUDGET);
        // A blob larger than the limit is not kept; one kept twice counts once.
        b.keep(id(201), &vec![0; Blobs::LARGEST + 1]);
        assert!(b.get(&id(201)).is_none());
        let before = b.bytes;
        b.keep(id(200), b"x");
        assert_eq!(b.bytes, before);
    }
}
