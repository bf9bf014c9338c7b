//! Where files are read from: the work tree, the index git is about to commit, or a commit.
//!
//! Each reader implements [`crate::sources::FileReader`] over repo-relative, `/`-separated
//! paths, so the version sources can be read from any of the three without knowing which. The
//! commit and index readers never look at the work tree. Files on disk (the work tree's, and
//! configuration files) are read with [`read_regular`]: regular files of at most 16 MiB only.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::git::{CommitTree, Oid, Repo, StagedIndex};
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
    use std::io::{ErrorKind, Read};
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
    let file = open_nonblocking(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Ok(Regular::Directory);
    }
    check_regular(&meta, shown)?;
    // The length said so a moment ago; a file that grows since is cut off at the limit + 1.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE + 1)
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
}

impl WorkTree {
    pub fn new(root: &Path) -> WorkTree {
        WorkTree {
            root: root.to_path_buf(),
        }
    }

    /// `path` if it exists with no symlink on the way from the root: `Some(None)` when it does
    /// not exist, `None` when a symlink must be resolved to tell (the caller canonicalizes).
    /// Each directory is listed once per run (see [`LISTINGS`]), so looking for twenty
    /// possible version files in each of seventy workspace members costs seventy listings,
    /// not fourteen hundred `stat`s and the `readlink`s of resolving each path found.
    fn walk(&self, path: &str) -> Result<Option<Option<PathBuf>>> {
        let mut dir = self.root.clone();
        let mut parts = path.split('/').filter(|p| !p.is_empty()).peekable();
        while let Some(part) = parts.next() {
            let Some(listing) = listing(&dir, path)? else {
                return Ok(Some(None));
            };
            match listing.get(part) {
                None => return Ok(Some(None)),
                Some(Entry::Symlink) => return Ok(None),
                Some(Entry::Dir) if parts.peek().is_none() => return Ok(Some(None)),
                Some(Entry::Dir) => dir.push(part),
                Some(Entry::Other) if parts.peek().is_some() => return Ok(Some(None)),
                Some(Entry::Other) => dir.push(part),
            }
        }
        Ok(Some(Some(dir)))
    }
}

/// What a directory entry is, as its listing says (without following it).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Entry {
    Dir,
    Symlink,
    Other,
}

type Listing = HashMap<String, Entry>;

thread_local! {
    /// The work tree's directories as listed, by path; `None`: no such directory. The work
    /// tree is read as it is when the gate starts, once.
    static LISTINGS: RefCell<HashMap<PathBuf, Option<std::rc::Rc<Listing>>>> =
        RefCell::new(HashMap::new());
}

/// Directory `dir`'s entries (names that are not UTF-8 left out: no path relgate asks for
/// has one); `None` when it does not exist or is no directory. `asked` names the file being
/// looked for, for the error.
fn listing(dir: &Path, asked: &str) -> Result<Option<std::rc::Rc<Listing>>> {
    if let Some(l) = LISTINGS.with(|m| m.borrow().get(dir).cloned()) {
        return Ok(l);
    }
    let listed = match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut out = Listing::new();
            for e in entries {
                let e = e.map_err(|e| Error::new(format!("cannot read {asked}")).caused_by(e))?;
                let Ok(name) = e.file_name().into_string() else {
                    continue;
                };
                let t = e
                    .file_type()
                    .map_err(|e| Error::new(format!("cannot read {asked}")).caused_by(e))?;
                let kind = if t.is_symlink() {
                    Entry::Symlink
                } else if t.is_dir() {
                    Entry::Dir
                } else {
                    Entry::Other
                };
                out.insert(name, kind);
            }
            Some(std::rc::Rc::new(out))
        }
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            None
        }
        Err(e) => return Err(Error::new(format!("cannot read {asked}")).caused_by(e)),
    };
    LISTINGS.with(|m| m.borrow_mut().insert(dir.to_path_buf(), listed.clone()));
    Ok(listed)
}

impl FileReader for WorkTree {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let p = crate::config::contained_path(&self.root, path)?;
        let real = match self.walk(path)? {
            Some(None) => return Ok(None),
            Some(Some(plain)) => plain,
            // A symlink on the way: where it leads must stay inside the work tree.
            None => {
                let meta = match std::fs::metadata(&p) {
                    Ok(m) => m,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(None),
                    Err(e) => return Err(Error::new(format!("cannot read {path}")).caused_by(e)),
                };
                // A directory where a file is looked for is no file, as in a commit's tree.
                if meta.is_dir() {
                    return Ok(None);
                }
                crate::config::resolve_inside(&self.root, &p, path)?
            }
        };
        match read_regular(&real, path)? {
            Regular::Read(bytes) => Ok(Some(bytes)),
            Regular::Missing | Regular::Directory => Ok(None),
        }
    }

    fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
        let p = if dir.is_empty() {
            self.root.clone()
        } else {
            crate::config::contained_path(&self.root, dir)?
        };
        let Some(listing) = listing(&p, dir)? else {
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
        BLOBS.with(|blobs| {
            let found = self.tree.read_unless(path, |id| !blobs.borrow().has(&id))?;
            Ok(match found {
                None => None,
                Some((id, Some(bytes))) => {
                    // Held to the work tree's limit: nothing bigger is parsed, whatever a
                    // commit holds. (Its size is known once it is read: asking the object's
                    // header first would cost a second lookup for every blob of an audit.)
                    if bytes.len() as u64 > MAX_FILE {
                        let shown = format!("{path} at commit {}", self.tree.commit());
                        return Err(too_big(&shown, bytes.len() as u64));
                    }
                    blobs.borrow_mut().keep(id, &bytes);
                    Some(bytes)
                }
                Some((id, None)) => blobs.borrow().get(&id),
            })
        })
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
    /// its own repository handle).
    static BLOBS: RefCell<Blobs> = RefCell::new(Blobs::default());
}

/// The blobs most recently read at commits, by id, up to [`Blobs::BUDGET`] bytes; the oldest
/// go first. A blob id names its bytes, so a kept blob is right for any commit and any
/// repository. An audit reads the version files at hundreds of tagged commits, and most of
/// them (a `__init__.py` that only re-exports, a Cargo workspace's root manifest) are the same
/// blob from one tag to the next, while each read inflates and un-deltas it again.
#[derive(Default)]
struct Blobs {
    by_id: HashMap<Oid, Vec<u8>>,
    order: VecDeque<Oid>,
    bytes: usize,
}

impl Blobs {
    /// 8 MiB per thread: the version files of dozens of commits.
    const BUDGET: usize = 8 << 20;
    /// Larger blobs are not kept: they are lock files, which change at every release, and
    /// copying one into the cache costs more than the rare second read saves.
    const LARGEST: usize = 256 << 10;

    fn has(&self, id: &Oid) -> bool {
        self.by_id.contains_key(id)
    }

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
        })
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
        assert!(b.has(&id(0)) && b.bytes == Blobs::BUDGET);
        assert_eq!(b.get(&id(1)).as_deref(), Some(&chunk[..]));
        // One more pushes the oldest out, and only it.
        b.keep(id(200), b"x");
        assert!(!b.has(&id(0)) && b.has(&id(1)) && b.has(&id(200)));
        assert!(b.bytes <= Blobs::BUDGET);
        // A blob larger than the limit is not kept; one kept twice counts once.
        b.keep(id(201), &vec![0; Blobs::LARGEST + 1]);
        assert!(!b.has(&id(201)));
        let before = b.bytes;
        b.keep(id(200), b"x");
        assert_eq!(b.bytes, before);
    }
}
