//! The only module that touches gix.
//!
//! It opens the repository the way git's own hooks see it (`GIT_DIR`, `GIT_WORK_TREE`,
//! `GIT_INDEX_FILE`, `git -c` values from `GIT_CONFIG_PARAMETERS`, linked worktrees, SHA-256) and
//! exposes relgate's own small types: [`Head`], [`Tag`], [`Oid`], [`Upstream`], [`StatusEntry`].
//! Nothing here judges anything, and nothing here writes: no index refresh, no ref, no object.
//! A gix upgrade touches this module and its submodules only: [`history`] (the history walks
//! and ancestry questions), `tree` (files at a commit), `worktree` (the index and the status),
//! `revision` (the revisions options name), `refs`, `loose`, `packs` and `graph` (what relgate
//! reads of the repository's files itself).

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use gix::bstr::ByteSlice;

use crate::error::{Error, Result};

mod graph;
mod history;
mod loose;
mod packs;
mod refs;
mod revision;
mod tree;
mod worktree;
pub use graph::Graph;
pub use history::{COMMIT_READS, COMMITS_VISITED, MERGE_BASES, WALKS};
pub use loose::READS as LOOSE_READS;
pub use tree::CommitTree;
pub use worktree::{StagedIndex, StatusApart, StatusEntry};

/// An object id, SHA-1 or SHA-256.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(gix::ObjectId);

/// Hashes an object id by its first 8 bytes, as gix's own walks do (`gix::hashtable`): the id
/// is a cryptographic hash already. SipHash over 20 bytes was 6 % of tokio's `--all`, whose
/// ten packages each walk the history below their tags (390,000 lookups).
pub type OidHasher = gix::hashtable::hash::Builder;
/// A map keyed by object id, hashed by [`OidHasher`].
pub type OidMap<V> = HashMap<Oid, V, OidHasher>;
/// A set of object ids, hashed by [`OidHasher`].
pub type OidSet = HashSet<Oid, OidHasher>;

impl Oid {
    /// Parses 40 or 64 hex digits.
    pub fn from_hex(hex: &str) -> Option<Oid> {
        gix::ObjectId::from_hex(hex.as_bytes()).ok().map(Oid)
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_null()
    }

    pub fn short(&self) -> String {
        self.0.to_hex_with_len(7).to_string()
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where HEAD is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Head {
    /// On a branch with at least one commit.
    Branch { name: String, oid: Oid },
    /// On a branch that has no commit yet (a new repository, or `git switch --orphan`).
    Unborn { name: String },
    /// Not on a branch.
    Detached { oid: Oid },
}

impl Head {
    pub fn branch(&self) -> Option<&str> {
        match self {
            Head::Branch { name, .. } | Head::Unborn { name } => Some(name),
            Head::Detached { .. } => None,
        }
    }

    pub fn oid(&self) -> Option<Oid> {
        match self {
            Head::Branch { oid, .. } | Head::Detached { oid } => Some(*oid),
            Head::Unborn { .. } => None,
        }
    }
}

/// What kind of object an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    Commit,
    Tree,
    Blob,
    Tag,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Commit => "commit",
            ObjectKind::Tree => "tree",
            ObjectKind::Blob => "blob",
            ObjectKind::Tag => "tag",
        }
    }
}

/// A tag ref and what it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The short name (`v1.2.0`), as UTF-8; non-UTF-8 bytes are replaced.
    pub name: String,
    /// What the ref points at: the tag object of an annotated tag, else the object itself.
    pub target: Oid,
    pub annotated: bool,
    /// The commit it peels to; `None` when it peels to a tree or a blob (or a symbolic tag ref).
    pub commit: Option<Oid>,
    /// The kind it peels to.
    pub peeled_kind: Option<ObjectKind>,
}

/// A tag ref before any object is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagRef {
    /// The short name, as in [`Tag::name`].
    pub name: String,
    /// The ref's target; `None` for a symbolic tag ref.
    target: Option<Oid>,
    /// What packed-refs says an annotated tag peels to.
    peeled: Option<Oid>,
    /// packed-refs tells whether the tag is annotated: a file with the `peeled` trait (which
    /// git has written since 2013) gives a `^` line after every annotated tag, so a tag without
    /// one names its object directly (git's `REF_KNOWS_PEELED`).
    peel_known: bool,
    /// A loose ref file: a tag made here since the last `git pack-refs`, whose object is most
    /// likely loose too, so it is read whole at once rather than header first (each read of a
    /// loose object inflates it).
    loose: bool,
}

impl TagRef {
    /// Whether the tag is on `commit`, when the ref alone tells (a lightweight tag naming it,
    /// or packed-refs' peeled id); `None` when only reading the tag object can.
    pub fn on_commit(&self, commit: Oid) -> Option<bool> {
        if self.target == Some(commit) || self.peeled == Some(commit) {
            return Some(true);
        }
        (self.peeled.is_some() || self.peel_known).then_some(false)
    }
}

fn tag_ref(r: &gix::Reference<'_>, loose: bool) -> TagRef {
    TagRef {
        name: r.name().shorten().to_str_lossy().into_owned(),
        target: r.target().try_id().map(|id| Oid(id.to_owned())),
        peeled: r.inner.peeled.map(Oid),
        peel_known: false,
        loose,
    }
}

/// What an object id peels to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peeled {
    pub id: Oid,
    pub kind: ObjectKind,
    /// The id was a tag object.
    pub annotated: bool,
}

impl Peeled {
    pub fn commit(&self) -> Option<Oid> {
        (self.kind == ObjectKind::Commit).then_some(self.id)
    }
}

/// The remote-tracking state of the current branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Upstream {
    /// HEAD is not on a branch with commits.
    NoBranch,
    /// The branch has no upstream configured.
    NotConfigured { branch: String },
    /// An upstream is configured but its ref does not exist locally (never fetched).
    Missing { branch: String, upstream: String },
    Tracking {
        branch: String,
        upstream: String,
        ahead: usize,
        behind: usize,
    },
}

/// A commit on a first-parent chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitInfo {
    pub oid: Oid,
    pub parents: usize,
    pub summary: String,
    /// The whole message.
    pub message: String,
    /// `Name <email>` of the committer.
    pub committer_name: String,
    pub committer_email: String,
}

/// The repository's branches, read once: local ones and remote-tracking ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Branches {
    /// Short name (`main`) and tip.
    pub local: Vec<(String, Oid)>,
    /// Remote, branch name on the remote, tip: `("origin", "v1.x", ..)` for `refs/remotes/origin/v1.x`.
    pub remote: Vec<(String, String, Oid)>,
}

/// How many times a ref listing is read again when a concurrent `git pack-refs` moved a ref
/// (a few milliseconds apart: another process is rewriting the refs right now).
const RACE_RETRIES: u32 = 8;

/// `read()`, again after a short pause while it fails, up to [`RACE_RETRIES`] times: a ref
/// moved into packed-refs between listing and reading is found on the next read, as git does.
/// The last error stands.
fn read_again_on_race<T>(mut read: impl FnMut() -> Result<T>) -> Result<T> {
    let mut attempt = 0;
    loop {
        match read() {
            Err(_) if attempt < RACE_RETRIES => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(1 << attempt.min(6)));
            }
            done => return done,
        }
    }
}

fn special_ref(path: &Path, common_dir: &Path) -> Error {
    let shown = path.strip_prefix(common_dir).unwrap_or(path);
    Error::new(format!(
        "cannot read ref {}: it is not a regular file (a named pipe, socket or device); \
         git refs are files",
        shown.display()
    ))
}

/// git's limit on nested symbolic refs (`refs.c`'s SYMREF_MAXDEPTH).
const MAX_SYMREF_HOPS: usize = 5;

/// Branch lists read in this run ([`Repo::branches`]), for `RELGATE_STATS`.
pub static BRANCH_LISTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Tags peeled to their commit ([`Repo::resolve`]), for `RELGATE_STATS`.
pub static TAGS_PEELED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The delta-base cache's limit: git's `core.deltaBaseCacheLimit` default.
const PACK_CACHE_BYTES: usize = 96 << 20;

/// Objects a hook reads through gix before it reads the rest from the packs: opening them
/// costs about what reading eight objects through gix does more than reading them there. The
/// commits of a date walk, and the blobs of a hook's handle ([`Repo::blob`]): uv's
/// `validate-tag 0.12.5` reads its 70 members' manifests at HEAD, each through gix a chain of
/// deltas inflated anew (20 M of its 60 M instructions).
const THROUGH_GIX: usize = 8;

/// An open repository.
pub struct Repo {
    repo: gix::Repository,
    /// The tag refs, listed once per run: inferring the conventions and the checks read the
    /// same list.
    tag_refs: OnceCell<Vec<TagRef>>,
    branches: OnceCell<Branches>,
    /// Each commit's root tree, as a history walk met it: reading files at a tagged commit
    /// then reads no commit again. Shared by the per-thread handles.
    trees: std::sync::Arc<std::sync::RwLock<OidMap<Oid>>>,
    /// What was worked out from the refs listed once (the release tags as one tag scheme
    /// reads them), by key: inferring the conventions and the checks ask the same questions.
    memo: std::sync::Arc<std::sync::Mutex<Vec<(String, Memo)>>>,
    /// The commit-graph file, looked for once per run (the per-thread handles share it): gix
    /// opens it again on every ask, and a workspace asks once per package.
    commit_graph: OnceCell<Option<std::sync::Arc<gix::commitgraph::Graph>>>,
    /// The packs as [`Repo::blob_head`] reads them, opened on first use (per handle).
    packs: RefCell<Option<packs::Packs>>,
    /// The loose objects as [`Repo::objects`] reads them, before gix does (per handle).
    loose: RefCell<Option<loose::Loose>>,
    /// A handle for reading many objects (an audit's): whole blobs come from the packs too,
    /// whose delta bases are kept. Opening the packs costs what a few blobs read through gix
    /// do, so a hook that reads a file or two at a commit reads them through gix, and only
    /// its blobs after the first [`THROUGH_GIX`] from the packs (a workspace's manifests).
    many: bool,
    /// Blobs read through gix on a handle that is not `many`.
    through_gix: std::cell::Cell<usize>,
}

type Memo = std::sync::Arc<dyn std::any::Any + Send + Sync>;

/// A repository's objects as [`Repo::objects`] reads them.
struct Objects<'r>(&'r Repo);

impl gix::objs::Find for Objects<'_> {
    fn try_find<'a>(
        &self,
        id: &gix::oid,
        buffer: &'a mut Vec<u8>,
    ) -> gix::error::Result<Option<gix::objs::Data<'a>>> {
        if let Some(kind) = self.0.with_loose(|loose| loose.read(id, buffer)) {
            let hash = self.0.repo.object_hash();
            return Ok(Some(gix::objs::Data::new(buffer, kind, hash)));
        }
        self.0.repo.objects.try_find(id, buffer)
    }
}

/// Why the repository could not be opened: none was found ("not a git repository", which the
/// name-only and file-only uses tolerate), or one was found and cannot be read (exit 2 for
/// every use: a gate never passes without having looked).
fn open_failed(cwd: &Path, e: gix::Error) -> Error {
    // Look again the way git finds a repository, without opening it.
    let found = match std::env::var_os("GIT_DIR") {
        Some(dir) => Some(cwd.join(dir)).filter(|p| p.exists()),
        None => gix::discover::upwards_opts(
            cwd,
            gix::discover::upwards::Options::default().apply_environment(),
        )
        .ok()
        .map(|(p, _)| p.into_repository_and_work_tree_directories().0),
    };
    match found {
        Some(git_dir) => {
            let mut err = Error::new(format!(
                "cannot open the git repository at {}",
                git_dir.display()
            ))
            .caused_by(e);
            if !gix::sec::identity::is_path_owned_by_current_user(&git_dir).unwrap_or(true) {
                err = err.caused_by(format!(
                    "git refuses it too unless safe.directory names it: \
                     `git config --global --add safe.directory {}`",
                    git_dir.parent().unwrap_or(&git_dir).display()
                ));
            }
            err
        }
        None => Error::no_repository(format!(
            "not a git repository: {} (or any parent directory); expected to run inside a repository",
            cwd.display()
        ))
        .caused_by(e),
    }
}

/// The repository extensions relgate reads correctly (git's list, `git help config`): an
/// unknown one may change what the repository's files mean, so git refuses it, and so does
/// relgate.
const KNOWN_EXTENSIONS: [&str; 10] = [
    "noop",
    "noop-v1",
    "preciousobjects",
    "partialclone",
    "worktreeconfig",
    "objectformat",
    "compatobjectformat",
    "refstorage",
    "relativeworktrees",
    "submodulepathconfig",
];

/// Refuses what git refuses and what relgate cannot read: an unknown repository extension in a
/// version-1 repository, and reftable ref storage (gix reads only the files backend; a
/// reftable repository would look tag-less and pass every gate).
fn check_format(repo: &gix::Repository) -> Result<()> {
    let config = repo.config_snapshot();
    let at = repo.git_dir().display().to_string();
    if config.integer("core.repositoryformatversion").unwrap_or(0) == 1 {
        if let Some(sections) = config.plumbing().sections_by_name("extensions") {
            for section in sections {
                for name in section.value_names() {
                    if !KNOWN_EXTENSIONS.contains(&name.to_ascii_lowercase().as_str()) {
                        return Err(Error::new(format!(
                            "cannot read the git repository at {at}: unknown repository extension \
                             `extensions.{name}` (git refuses the repository too)"
                        )));
                    }
                }
            }
        }
        if let Some(storage) = config.string("extensions.refStorage")
            && !storage.eq_ignore_ascii_case(b"files")
        {
            return Err(Error::new(format!(
                "cannot read the git repository at {at}: its refs are stored as `{}` \
                 (extensions.refStorage), which relgate cannot read yet; only the `files` \
                 backend is supported (`git refs migrate --ref-format=files` converts it)",
                storage.to_str_lossy()
            )));
        }
    }
    Ok(())
}

fn git_err(what: impl Into<String>) -> impl FnOnce(gix::Error) -> Error {
    let what = what.into();
    move |e| Error::new(what).caused_by(e)
}

/// [`git_err`] with the message built only on failure: for paths that run thousands of times.
fn git_err_with(what: impl FnOnce() -> String) -> impl FnOnce(gix::Error) -> Error {
    move |e| Error::new(what()).caused_by(e)
}

impl Repo {
    /// Opens the repository containing the current directory, honouring the environment git sets
    /// for hooks. `GIT_CONFIG_PARAMETERS` (what `git -c k=v` passes down) is applied too, which
    /// gix does not do by itself. `status`: the run computes the work tree's status.
    pub fn open(status: bool) -> Result<Repo> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::new("cannot read the current directory").caused_by(e))?;
        // git does not verify the index checksum when it reads the index (only fsck does);
        // gix does unless told the hash is skipped, which costs a SHA-1 over the whole index
        // on every status. relgate never writes the index, so the setting changes nothing
        // else. Only a run that computes the status sets it here: gix's status reads the index
        // again for its filters, through the configuration, and setting a value costs a run
        // 70,000 instructions (gix trims it with Unicode tables it builds on first use). The
        // index `--staged` reads is read without the checksum directly ([`Repo::open_index`]).
        let mut overrides: Vec<String> = Vec::new();
        if status {
            overrides.push("index.skipHash=true".to_string());
        }
        overrides.extend(
            std::env::var("GIT_CONFIG_PARAMETERS")
                .ok()
                .map(|v| parse_config_parameters(&v))
                .unwrap_or_default(),
        );
        // As git does: a repository owned by someone else is refused unless `safe.directory`
        // names it (relgate never runs its hooks or filters, but it judges what it reads).
        let opts = gix::open::Options::default()
            .cli_overrides(overrides)
            .bail_if_untrusted(true);
        let repo = gix::ThreadSafeRepository::discover_with_environment_overrides_opts(
            &cwd,
            Default::default(),
            gix::sec::trust::Mapping {
                full: opts.clone(),
                reduced: opts,
            },
        )
        .map_err(|e| open_failed(&cwd, e))?;
        let mut repo: gix::Repository = repo.into();
        check_format(&repo)?;
        // `GIT_DIR` alone: git takes the current directory as the work tree (git(1)).
        if std::env::var_os("GIT_DIR").is_some()
            && std::env::var_os("GIT_WORK_TREE").is_none()
            && !repo.is_bare()
            && repo.config_snapshot().string("core.worktree").is_none()
        {
            repo.set_workdir(cwd.clone()).map_err(|e| {
                Error::new(format!("cannot use {} as the work tree", cwd.display())).caused_by(e)
            })?;
        }
        Ok(Repo::wrap(repo))
    }

    fn wrap(repo: gix::Repository) -> Repo {
        Repo {
            repo,
            tag_refs: OnceCell::new(),
            branches: OnceCell::new(),
            trees: Default::default(),
            memo: Default::default(),
            commit_graph: OnceCell::new(),
            packs: RefCell::new(None),
            loose: RefCell::new(None),
            many: false,
            through_gix: std::cell::Cell::new(0),
        }
    }

    /// Blob `id` whole, from the packs ([`Repo::blob_head`]) on a handle that reads many
    /// objects; `None` otherwise, or when the packs do not have it: the caller reads it
    /// through `Repo::objects` (a loose object by relgate's reader, any other by gix).
    pub fn blob(&self, id: Oid) -> Option<Vec<u8>> {
        if !self.many && self.through_gix.get() < THROUGH_GIX {
            self.through_gix.set(self.through_gix.get() + 1);
            return None;
        }
        self.blob_head(id, usize::MAX).map(|(bytes, _)| bytes)
    }

    /// The first `len` bytes of blob `id` (all of it when it is shorter) and whether that is
    /// the whole blob, inflating no more of it, or of the objects its pack builds it from, than
    /// that needs. `None` when the blob is not read that way (a loose object, say): the caller
    /// reads it whole.
    pub fn blob_head(&self, id: Oid, len: usize) -> Option<(Vec<u8>, bool)> {
        self.packs().head(&id.0, len)
    }

    /// The packs, opened on first use; none where gix replaces objects (`git replace`), so
    /// that every object is read as gix reads it.
    fn packs(&self) -> std::cell::RefMut<'_, packs::Packs> {
        std::cell::RefMut::map(self.packs.borrow_mut(), |packs| {
            packs.get_or_insert_with(|| {
                let dir = self.repo.common_dir().join("objects").join("pack");
                packs::Packs::open(
                    (!self.replaces_objects()).then_some(&*dir),
                    self.repo.object_hash(),
                )
            })
        })
    }

    /// Whether gix reads some objects as others (`git replace`): then only gix reads them.
    fn replaces_objects(&self) -> bool {
        let objects = &self.repo.objects;
        !objects.ignore_replacements && objects.store_ref().replacements().next().is_some()
    }

    /// The objects, loose ones read here first ([`loose`]), the rest through gix.
    fn objects(&self) -> Objects<'_> {
        Objects(self)
    }

    /// `f` of the loose objects' reader, made on first use.
    fn with_loose<R>(&self, f: impl FnOnce(&mut loose::Loose) -> Option<R>) -> Option<R> {
        let mut loose = self.loose.borrow_mut();
        f(loose.get_or_insert_with(|| {
            let dir = self.repo.objects.store_ref().path().to_owned();
            loose::Loose::new((!self.replaces_objects()).then_some(dir))
        }))
    }

    /// The commit-graph file, when the repository has one and uses it.
    fn commit_graph_file(&self) -> Option<std::sync::Arc<gix::commitgraph::Graph>> {
        self.commit_graph
            .get_or_init(|| {
                self.repo
                    .commit_graph_if_enabled()
                    .ok()
                    .flatten()
                    .map(std::sync::Arc::new)
            })
            .clone()
    }

    /// `make()`, once per key for this repository's refs: a later call with the same key
    /// returns the same value. Only for values derived from what a run reads once: the refs
    /// as listed, HEAD's tree.
    pub fn memo<T: std::any::Any + Send + Sync>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<T>,
    ) -> Result<std::sync::Arc<T>> {
        let found = self.memo.lock().ok().and_then(|m| {
            m.iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| v.clone().downcast::<T>().ok())
        });
        if let Some(v) = found {
            return Ok(v);
        }
        let v = std::sync::Arc::new(make()?);
        if let Ok(mut m) = self.memo.lock() {
            m.push((key.to_string(), v.clone()));
        }
        Ok(v)
    }

    /// Another handle on the same repository, with a delta-base cache: packed trees and blobs
    /// are deltas on deltas, and without the cache every read inflates its whole chain again.
    /// For reading files at thousands of commits (validate-tag --all). The refs this handle
    /// has listed (inferring the conventions did) are not listed again.
    pub fn with_pack_cache(&self) -> Repo {
        Repo {
            tag_refs: self.tag_refs.clone(),
            branches: self.branches.clone(),
            memo: self.memo.clone(),
            ..self.objects_with_pack_cache()
        }
    }

    /// [`Repo::with_pack_cache`] for a thread that only reads objects: one per thread.
    pub fn objects_with_pack_cache(&self) -> Repo {
        let mut repo = self.repo.clone();
        repo.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                PACK_CACHE_BYTES,
            ))
        });
        Repo {
            trees: self.trees.clone(),
            commit_graph: self.commit_graph.clone(),
            many: true,
            ..Repo::wrap(repo)
        }
    }

    /// The work-tree root of the repository around the current directory, found the way git
    /// finds `.git` but without opening the repository or reading its configuration (which
    /// costs more than all the work of a check that reads no git objects). `None` when that
    /// cannot tell: `GIT_DIR` or `GIT_WORK_TREE` set, a bare repository (whose configuration may
    /// name a work tree), or no repository; [`Repo::open`] then decides.
    pub fn work_tree_root() -> Option<PathBuf> {
        if std::env::var_os("GIT_DIR").is_some() || std::env::var_os("GIT_WORK_TREE").is_some() {
            return None;
        }
        let cwd = std::env::current_dir().ok()?;
        let options = gix::discover::upwards::Options::default().apply_environment();
        match gix::discover::upwards_opts(&cwd, options).ok()?.0 {
            gix::discover::repository::Path::WorkTree(dir)
            | gix::discover::repository::Path::LinkedWorkTree { work_dir: dir, .. } => {
                Some(if dir.is_absolute() {
                    dir
                } else {
                    cwd.join(dir)
                })
            }
            gix::discover::repository::Path::Repository(_) => None,
        }
    }

    /// The work-tree root; `None` for a bare repository.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    /// The work tree, or an error naming the check that needs one.
    pub fn require_workdir(&self, what: &str) -> Result<PathBuf> {
        self.workdir().map(Path::to_path_buf).ok_or_else(|| {
            Error::new(format!(
                "{what} needs a work tree, but {} is a bare repository",
                self.repo.git_dir().display()
            ))
        })
    }

    /// The private git directory (`.git`, or `.git/worktrees/<id>` in a linked worktree).
    pub fn git_dir(&self) -> &Path {
        self.repo.git_dir()
    }

    pub fn head(&self) -> Result<Head> {
        // The branch HEAD names may be moved into packed-refs while it is read.
        read_again_on_race(|| self.read_head())
    }

    fn read_head(&self) -> Result<Head> {
        let head = self.repo.head().map_err(git_err("cannot read HEAD"))?;
        Ok(match head.kind {
            gix::head::Kind::Symbolic(r) => {
                // HEAD -> refs/heads/work -> refs/heads/main: the branch a commit lands on is
                // the last one (`git symbolic-ref` aliases), so follow every hop, as git does.
                let mut name = r.name;
                let mut target = r.target;
                let mut hops = 0;
                loop {
                    let short = name.shorten().to_str_lossy().into_owned();
                    match target {
                        gix::refs::Target::Object(id) => {
                            break Head::Branch {
                                name: short,
                                oid: Oid(id),
                            };
                        }
                        gix::refs::Target::Symbolic(next) => {
                            hops += 1;
                            if hops > MAX_SYMREF_HOPS {
                                return Err(Error::new(format!(
                                    "cannot read HEAD: it names a chain of more than {MAX_SYMREF_HOPS} symbolic refs (at {short})"
                                )));
                            }
                            match self
                                .repo
                                .try_find_reference(next.as_bstr())
                                .map_err(git_err(format!("cannot read {}", next.as_bstr())))?
                            {
                                Some(r) => {
                                    let r = r.detach();
                                    name = r.name;
                                    target = r.target;
                                }
                                None => {
                                    break Head::Unborn {
                                        name: next.shorten().to_str_lossy().into_owned(),
                                    };
                                }
                            }
                        }
                    }
                }
            }
            gix::head::Kind::Unborn(full) => Head::Unborn {
                name: full.shorten().to_str_lossy().into_owned(),
            },
            gix::head::Kind::Detached { target, .. } => Head::Detached { oid: Oid(target) },
        })
    }

    /// The operation in progress, as git names it (`merge`, `rebase`, `cherry-pick`, ...).
    pub fn in_progress(&self) -> Option<&'static str> {
        use gix::state::InProgress as P;
        self.repo.state().map(|s| match s {
            P::Merge => "merge",
            P::Rebase | P::RebaseInteractive => "rebase",
            P::CherryPick | P::CherryPickSequence => "cherry-pick",
            P::Revert | P::RevertSequence => "revert",
            P::Bisect => "bisect",
            P::ApplyMailbox | P::ApplyMailboxRebase => "am",
        })
    }

    /// True while a conflicted merge waits to be committed.
    pub fn merge_head_exists(&self) -> bool {
        self.repo.git_dir().join("MERGE_HEAD").is_file()
    }

    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow().unwrap_or(false)
    }

    /// The kind of object `oid`, from its header, through gix: asked only of the objects of
    /// packed refs, which are packed too unless `git pack-refs` ran alone. gix asks the packs it
    /// has open first; relgate's loose reader would try to open a file for each first.
    pub fn object_kind(&self, oid: Oid) -> Result<Option<ObjectKind>> {
        let header = self
            .repo
            .try_find_header(oid.0)
            .map_err(git_err_with(|| format!("cannot read object {oid}")))?;
        Ok(header.map(|h| kind(h.kind())))
    }

    /// Follows tag objects to what they finally point at: the id and kind of the final object,
    /// and whether `oid` was a tag object. Each tag object in the chain is read once, and what
    /// the last one points at is not read: its kind is that tag's `type` header (which `git
    /// fsck` verifies).
    pub fn peel(&self, oid: Oid) -> Result<Option<Peeled>> {
        use gix::objs::Find as _;
        let mut id = oid.0;
        let mut buf = Vec::new();
        for _ in 0..64 {
            let Some(obj) = self
                .objects()
                .try_find(&id, &mut buf)
                .map_err(git_err_with(|| format!("cannot read object {id}")))?
            else {
                return Ok(None);
            };
            if obj.kind != gix::object::Kind::Tag {
                return Ok(Some(Peeled {
                    id: Oid(id),
                    kind: kind(obj.kind),
                    annotated: id != oid.0,
                }));
            }
            let tag = gix::objs::TagRef::from_bytes(obj.data, obj.object_hash)
                .map_err(|e| Error::new(format!("cannot decode tag object {id}")).caused_by(e))?;
            let (target, target_kind) = (tag.target(), tag.target_kind);
            id = target;
            if target_kind != gix::object::Kind::Tag {
                return Ok(Some(Peeled {
                    id: Oid(id),
                    kind: kind(target_kind),
                    annotated: true,
                }));
            }
        }
        Err(Error::new(format!(
            "tag object {oid} is a chain of more than 64 tags"
        )))
    }

    /// The commit an object id peels to, if it peels to a commit.
    pub fn peel_to_commit(&self, oid: Oid) -> Result<Option<Oid>> {
        Ok(self.peel(oid)?.and_then(|p| p.commit()))
    }

    /// Every tag ref, by name and target, without reading any object: checks that need only
    /// the names (or only a few tags' commits) peel just what they use, with [`Repo::resolve`].
    /// Listed once per run.
    pub fn tag_refs(&self) -> Result<&[TagRef]> {
        if let Some(refs) = self.tag_refs.get() {
            return Ok(refs);
        }
        if let Some(out) = refs::tag_refs(&self.repo) {
            return Ok(self.tag_refs.get_or_init(|| out));
        }
        // gix opens every loose ref it lists: a named pipe there would block the run forever.
        let loose = self.loose_refs("refs/tags")?;
        // A `git pack-refs` or `git gc` running beside relgate moves loose refs into
        // packed-refs between listing and reading.
        let out = read_again_on_race(|| self.list_tag_refs(&loose))?;
        Ok(self.tag_refs.get_or_init(|| out))
    }

    /// The tags on `commit`, in ref order: a tag object is read only where the ref alone does
    /// not tell (a loose annotated tag).
    pub fn tags_on(&self, commit: Oid) -> Result<Vec<&TagRef>> {
        let mut out = Vec::new();
        for r in self.tag_refs()? {
            let here = match r.on_commit(commit) {
                Some(known) => known,
                None => self.resolve(r)?.commit == Some(commit),
            };
            if here {
                out.push(r);
            }
        }
        Ok(out)
    }

    fn list_tag_refs(&self, loose: &std::collections::HashSet<String>) -> Result<Vec<TagRef>> {
        let refs = self
            .repo
            .references()
            .map_err(git_err("cannot read refs"))?;
        let iter = refs.tags().map_err(git_err("cannot read refs/tags"))?;
        let mut out = Vec::new();
        for r in iter {
            let r = r.map_err(|e| Error::new("cannot read a tag ref").caused_by(e))?;
            let is_loose = loose.contains(r.name().as_bstr().to_str_lossy().as_ref());
            out.push(tag_ref(&r, is_loose));
        }
        Ok(out)
    }

    /// The loose ref files under `dir` (relative to the common git directory), by full ref
    /// name; refuses one that is neither a file, a directory nor a symlink: reading a FIFO or a
    /// device would block or never end, where git reports the ref as broken. One directory
    /// listing, no file opened.
    fn loose_refs(&self, dir: &str) -> Result<std::collections::HashSet<String>> {
        let common = self.repo.common_dir();
        let mut out = std::collections::HashSet::new();
        let mut todo = vec![(common.join(dir), dir.to_string())];
        while let Some((d, prefix)) = todo.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let Ok(kind) = e.file_type() else { continue };
                let name = format!("{prefix}/{}", e.file_name().to_string_lossy());
                if kind.is_dir() {
                    todo.push((e.path(), name));
                } else if !kind.is_file() && !kind.is_symlink() {
                    return Err(special_ref(&e.path(), common));
                } else {
                    out.insert(name);
                }
            }
        }
        Ok(out)
    }

    /// Reads what a tag ref points at.
    pub fn resolve(&self, r: &TagRef) -> Result<Tag> {
        TAGS_PEELED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let unresolved = |target| Tag {
            name: r.name.clone(),
            target,
            annotated: false,
            commit: None,
            peeled_kind: None,
        };
        let Some(target) = r.target else {
            return Ok(unresolved(Oid(gix::ObjectId::null(
                self.repo.object_hash(),
            ))));
        };
        // packed-refs records what an annotated tag peels to (`^<oid>` lines): one header
        // lookup then replaces reading and decoding the tag object, which matters with
        // thousands of tags.
        if let Some(peeled) = r.peeled
            && peeled != target
            && let Some(kind) = self.object_kind(peeled)?
            && kind != ObjectKind::Tag
        {
            return Ok(Tag {
                name: r.name.clone(),
                target,
                annotated: true,
                commit: (kind == ObjectKind::Commit).then_some(peeled),
                peeled_kind: Some(kind),
            });
        }
        // No peeled id: a lightweight tag, or a loose annotated one. The object's header says
        // which without inflating a commit; a loose ref's object is read whole at once.
        if r.peeled.is_none()
            && !r.loose
            && let Some(kind) = self.object_kind(target)?
            && kind != ObjectKind::Tag
        {
            return Ok(Tag {
                name: r.name.clone(),
                target,
                annotated: false,
                commit: (kind == ObjectKind::Commit).then_some(target),
                peeled_kind: Some(kind),
            });
        }
        let tag = || format!("cannot read tag {}", r.name);
        match self
            .peel(target)
            .map_err(|e| Error::new(tag()).caused_by(e.message()))?
        {
            Some(p) => Ok(Tag {
                name: r.name.clone(),
                target,
                annotated: p.annotated,
                commit: p.commit(),
                peeled_kind: Some(p.kind),
            }),
            // A ref to nothing is a broken repository, not a lightweight tag.
            None => Err(Error::new(tag()).caused_by(format!(
                "it points at object {target}, which is not in the repository"
            ))),
        }
    }

    /// One tag by short name, without walking the others.
    pub fn find_tag(&self, name: &str) -> Result<Option<Tag>> {
        // Listed already in this run (the conventions list every tag): the listing answers,
        // without a lookup that reads the ref file again and, for a name that is not there,
        // tries git's five rev-parse spellings of it.
        if let Some(refs) = self.tag_refs.get() {
            return refs
                .iter()
                .find(|r| r.name == name)
                .map(|r| self.resolve(r))
                .transpose();
        }
        let full = format!("refs/tags/{name}");
        let loose = self.repo.common_dir().join(&full);
        let meta = std::fs::symlink_metadata(&loose).ok();
        if let Some(meta) = &meta
            && !meta.is_file()
            && !meta.is_dir()
            && !meta.file_type().is_symlink()
        {
            return Err(special_ref(&loose, self.repo.common_dir()));
        }
        let is_loose = meta.is_some_and(|m| m.is_file());
        // An invalid ref name cannot exist.
        if gix::refs::FullName::try_from(full.as_str()).is_err() {
            return Ok(None);
        }
        // Moved into packed-refs while being read (`git pack-refs`): read it again.
        let r = read_again_on_race(|| {
            self.repo
                .try_find_reference(full.as_str())
                .map_err(git_err_with(|| format!("cannot read {full}")))
        })?;
        r.map(|r| self.resolve(&tag_ref(&r, is_loose))).transpose()
    }

    /// Every tag in the repository, peeled. With thousands of tags, most are packed and so are
    /// their objects: a header lookup (no inflating) tells a lightweight tag's commit, and only
    /// tag objects are read.
    pub fn tags(&self) -> Result<Vec<Tag>> {
        let mut out = Vec::new();
        for r in self.tag_refs()?.iter().cloned() {
            if r.peeled.is_none()
                && !r.loose
                && let Some(target) = r.target
                && let Some(kind) = self.object_kind(target)?
                && kind != ObjectKind::Tag
            {
                out.push(Tag {
                    name: r.name,
                    target,
                    annotated: false,
                    commit: (kind == ObjectKind::Commit).then_some(target),
                    peeled_kind: Some(kind),
                });
                continue;
            }
            out.push(self.resolve(&r)?);
        }
        Ok(out)
    }

    /// The local and remote-tracking branches and the remotes' `HEAD`s, listed once per run
    /// without reading any object.
    pub fn branches(&self) -> Result<&Branches> {
        if let Some(b) = self.branches.get() {
            return Ok(b);
        }
        // As for tags: a `git pack-refs` beside relgate may move a branch while it is listed.
        let out = read_again_on_race(|| self.list_branches())?;
        Ok(self.branches.get_or_init(|| out))
    }

    fn list_branches(&self) -> Result<Branches> {
        BRANCH_LISTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let refs = self
            .repo
            .references()
            .map_err(git_err("cannot read refs"))?;
        let mut out = Branches::default();
        let iter = refs
            .prefixed("refs/heads/")
            .map_err(git_err("cannot read refs/heads"))?;
        for r in iter {
            let r = r.map_err(|e| Error::new("cannot read a branch ref").caused_by(e))?;
            if let Some(id) = r.target().try_id() {
                let name = r.name().shorten().to_str_lossy().into_owned();
                out.local.push((name, Oid(id.to_owned())));
            }
        }
        let iter = refs
            .prefixed("refs/remotes/")
            .map_err(git_err("cannot read refs/remotes"))?;
        for r in iter {
            let r = r.map_err(|e| Error::new("cannot read a remote-tracking ref").caused_by(e))?;
            let full = r.name().as_bstr().to_str_lossy().into_owned();
            // refs/remotes/<remote>/<branch>; <remote>/HEAD points at the default branch.
            let Some((remote, branch)) = full["refs/remotes/".len()..].split_once('/') else {
                continue;
            };
            if let Some(id) = r.target().try_id()
                && branch != "HEAD"
            {
                out.remote
                    .push((remote.to_string(), branch.to_string(), Oid(id.to_owned())));
            }
        }
        Ok(out)
    }

    /// Each remote's default branch: what `refs/remotes/<remote>/HEAD` names (`git clone` and
    /// `git remote set-head` record it). Symbolic refs are never packed, so this reads one small
    /// file per configured remote and lists nothing.
    pub fn remote_default_branches(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for remote in self.repo.remote_names() {
            let remote = remote.to_str_lossy().into_owned();
            let path = (self.repo.common_dir())
                .join("refs/remotes")
                .join(&remote)
                .join("HEAD");
            let Some(to) = refs::symbolic_target(&path) else {
                continue;
            };
            if let Some(b) = to
                .strip_prefix("refs/remotes/")
                .and_then(|rest| rest.strip_prefix(remote.as_str()))
                .and_then(|rest| rest.strip_prefix('/'))
            {
                out.push((remote.clone(), b.to_string()));
            }
        }
        Ok(out)
    }

    /// Branches whose short name matches one of `patterns`, local (`main`) and remote-tracking
    /// (`origin/main`, matched as `main`): CI checkouts of a tag often have only the latter.
    pub fn branch_tips_matching(&self, patterns: &[String]) -> Result<Vec<(String, Oid)>> {
        let b = self.branches()?;
        let mut out: Vec<(String, Oid)> = b
            .local
            .iter()
            .filter(|(n, _)| crate::glob::any(patterns, n))
            .cloned()
            .collect();
        out.extend(
            b.remote
                .iter()
                .filter(|(_, n, _)| crate::glob::any(patterns, n))
                .map(|(r, n, o)| (format!("{r}/{n}"), *o)),
        );
        Ok(out)
    }

    /// The first-parent chain from `head` down to (not including) `base`.
    pub fn first_parent_range(&self, base: Oid, head: Oid) -> Result<Vec<CommitInfo>> {
        let walk = self
            .repo
            .rev_walk([head.0])
            .first_parent_only()
            .with_hidden([base.0])
            .all()
            .map_err(git_err_with(|| format!("cannot walk history from {head}")))?;
        let mut out = Vec::new();
        for info in walk {
            let info = info
                .map_err(|e| Error::new(format!("cannot walk history from {head}")).caused_by(e))?;
            // In first-parent mode the walk reports only the first parent; read the commit.
            let commit = info
                .object()
                .map_err(|e| Error::new(format!("cannot read commit {}", info.id)).caused_by(e))?;
            let summary = commit
                .message()
                .map(|m| m.summary().to_str_lossy().into_owned())
                .unwrap_or_default();
            let (committer_name, committer_email) = commit
                .committer()
                .map(|c| {
                    (
                        c.name.to_str_lossy().into_owned(),
                        c.email.to_str_lossy().into_owned(),
                    )
                })
                .unwrap_or_default();
            out.push(CommitInfo {
                oid: Oid(info.id),
                parents: commit.parent_ids().count(),
                summary,
                message: commit.message_raw_sloppy().to_str_lossy().into_owned(),
                committer_name,
                committer_email,
            });
        }
        Ok(out)
    }

    /// The repository's web address on its forge (`https://github.com/encode/httpx`), from the
    /// default remote's URL (`git@github.com:encode/httpx.git` or its https form): what a
    /// changelog's suggested compare link starts with where the file has no link to copy.
    /// `None` for a local path, or where there is no remote.
    pub fn web_url(&self) -> Option<String> {
        // The URL as configured, parsed alone: building gix's `Remote` (its refspecs and URL
        // rewrites) for one help text linked 47 KB more into lint-changelog.
        let name = self
            .repo
            .remote_default_name(gix::remote::Direction::Fetch)?;
        let key = format!("remote.{}.url", name.to_str_lossy());
        let configured = self.repo.config_snapshot().string(key.as_str())?;
        let url = gix::url::parse(configured.as_bstr()).ok()?;
        let host = url.host()?;
        if !matches!(
            url.scheme,
            gix::url::Scheme::Https | gix::url::Scheme::Http | gix::url::Scheme::Ssh
        ) {
            return None;
        }
        let path = url.path.to_str().ok()?;
        let path = path.trim_matches('/');
        let path = path
            .strip_suffix(".git")
            .unwrap_or(path)
            .trim_end_matches('/');
        // `owner/repo` at least; a path of characters a URL may hold as they are.
        let ok = path.contains('/')
            && path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~/".contains(&b));
        let port = match (url.scheme.clone(), url.port) {
            (gix::url::Scheme::Https | gix::url::Scheme::Http, Some(p)) => format!(":{p}"),
            _ => String::new(),
        };
        ok.then(|| format!("https://{host}{port}/{path}"))
    }

    /// The current branch's upstream and how far apart they are. Never fetches.
    pub fn upstream(&self) -> Result<Upstream> {
        let Some(head_ref) = self.repo.head_ref().map_err(git_err("cannot read HEAD"))? else {
            return Ok(Upstream::NoBranch);
        };
        let branch = head_ref.name().shorten().to_str_lossy().into_owned();
        let Some(local) = head_ref.target().try_id().map(|id| id.to_owned()) else {
            return Ok(Upstream::NoBranch);
        };
        let direction = gix::remote::Direction::Fetch;
        let tracking = match self
            .repo
            .branch_remote_tracking_ref_name(head_ref.name(), direction)
        {
            Some(Ok(name)) => name,
            Some(Err(e)) => {
                return Err(
                    Error::new(format!("cannot read the upstream of branch {branch}")).caused_by(e),
                );
            }
            None => {
                // `branch.<n>.remote = .` makes the merge ref itself the upstream.
                let remote = self
                    .repo
                    .branch_remote_name(branch.as_str(), direction)
                    .map(|n| n.as_bstr().to_str_lossy().into_owned());
                match (
                    remote.as_deref(),
                    self.repo.branch_remote_ref_name(head_ref.name(), direction),
                ) {
                    (Some("."), Some(Ok(merge))) => merge,
                    _ => return Ok(Upstream::NotConfigured { branch }),
                }
            }
        };
        let upstream = tracking.shorten().to_str_lossy().into_owned();
        let up = self
            .repo
            .try_find_reference(tracking.as_ref())
            .map_err(git_err_with(|| format!("cannot read {upstream}")))?;
        let Some(mut up) = up else {
            return Ok(Upstream::Missing { branch, upstream });
        };
        let up_id = up
            .peel_to_id()
            .map_err(git_err_with(|| format!("cannot resolve {upstream}")))?
            .detach();
        let count = |from: gix::ObjectId, hide: gix::ObjectId| -> Result<usize> {
            // Level with its upstream (everything pushed, the usual case before a release):
            // nothing to count, as git's `stat_branch_pair` knows without a walk (two walks
            // read 19 loose commits of `small` through gix, a fresh inflate state each).
            if from == hide {
                return Ok(0);
            }
            let walk = self
                .repo
                .rev_walk([from])
                .with_hidden([hide])
                .all()
                .map_err(git_err("cannot walk history"))?;
            let mut n = 0;
            for info in walk {
                info.map_err(|e| Error::new("cannot walk history").caused_by(e))?;
                n += 1;
            }
            Ok(n)
        };
        Ok(Upstream::Tracking {
            ahead: count(local, up_id)?,
            behind: count(up_id, local)?,
            branch,
            upstream,
        })
    }
}

fn kind(k: gix::object::Kind) -> ObjectKind {
    match k {
        gix::object::Kind::Commit => ObjectKind::Commit,
        gix::object::Kind::Tree => ObjectKind::Tree,
        gix::object::Kind::Blob => ObjectKind::Blob,
        gix::object::Kind::Tag => ObjectKind::Tag,
    }
}

/// Whole-name matching of a branch or tag name against a glob, as `git tag -l` does it:
/// git's wildmatch without path semantics (see [`crate::glob`]).
pub fn wildmatch(pattern: &str, text: &str) -> bool {
    gix::glob::wildmatch(
        pattern.as_bytes().as_bstr(),
        text.as_bytes().as_bstr(),
        gix::glob::wildmatch::Mode::empty(),
    )
}

/// Parses git's `GIT_CONFIG_PARAMETERS`: space-separated single-quoted items, either
/// `'key=value'` (old form) or `'key'='value'` (git ≥ 2.31), with `'\''` for a quote.
pub fn parse_config_parameters(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    let mut current = String::new();
    let mut in_item = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                // A quoted run: up to the next quote.
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    current.push(q);
                }
                in_item = true;
            }
            '\\' if chars.peek() == Some(&'\'') => {
                chars.next();
                current.push('\'');
                in_item = true;
            }
            ' ' | '\t' | '\n' => {
                if in_item {
                    out.push(std::mem::take(&mut current));
                    in_item = false;
                }
            }
            c => {
                current.push(c);
                in_item = true;
            }
        }
    }
    if in_item {
        out.push(current);
    }
    out.into_iter().filter(|kv| kv.contains('=')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parameters_both_forms() {
        assert_eq!(
            parse_config_parameters("'relgate.x=yes' 'core.a'='b c' 'u.v'='it'\\''s'"),
            ["relgate.x=yes", "core.a=b c", "u.v=it's"]
        );
        assert!(parse_config_parameters("").is_empty());
        assert!(parse_config_parameters("'novalue'").is_empty());
    }

    #[test]
    fn memo_makes_each_key_once_per_listing_of_the_refs() {
        let dir = fresh_dir("memo");
        git(&dir, &["init", "-q"]);
        let repo = Repo::wrap(gix::open(&dir).unwrap());
        let made = std::cell::Cell::new(0);
        let make = |v: u32| {
            made.set(made.get() + 1);
            Ok(v)
        };
        let a = repo.memo("k", || make(7)).unwrap();
        let b = repo.memo("k", || make(8)).unwrap();
        let c = repo.memo("other", || make(9)).unwrap();
        assert_eq!((*a, *b, *c, made.get()), (7, 7, 9, 2));
        // The handle for `--all` shares the listed refs and so what was worked out from them;
        // a per-thread handle lists nothing and starts afresh.
        assert_eq!(*repo.with_pack_cache().memo("k", || Ok(0u32)).unwrap(), 7);
        assert_eq!(
            *repo
                .objects_with_pack_cache()
                .memo("k", || Ok(0u32))
                .unwrap(),
            0
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// An empty directory for a test's repository, named for the test.
    pub(in crate::git) fn fresh_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("relgate-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// git in `dir` with an identity and no automatic gc; its output, which must succeed.
    pub(in crate::git) fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "gc.auto=0",
            ])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        out.stdout
    }

    /// Output as trimmed text.
    pub(in crate::git) fn text(out: Vec<u8>) -> String {
        String::from_utf8(out).unwrap().trim().to_string()
    }

    #[test]
    fn a_graph_extended_below_new_tips_keeps_its_numbers() {
        let dir = fresh_dir("graph-extend");
        let git = |args: &[&str]| text(git(&dir, args));
        git(&["init", "-q", "-b", "main"]);
        for m in ["c1", "c2"] {
            git(&["commit", "-q", "--allow-empty", "-m", m]);
        }
        git(&["switch", "-q", "-c", "side"]);
        for m in ["s1", "s2"] {
            git(&["commit", "-q", "--allow-empty", "-m", m]);
        }
        git(&["switch", "-q", "main"]);
        git(&["commit", "-q", "--allow-empty", "-m", "c3"]);
        // Packed but one (the walk reads packed headers and loose commits alike).
        git(&["repack", "-adq"]);
        git(&["commit", "-q", "--allow-empty", "-m", "c4"]);
        let id = |rev: &str| Oid::from_hex(&git(&["rev-parse", rev])).unwrap();
        let (c2, c4, s1, s2) = (id("main~2"), id("main"), id("side~"), id("side"));
        let repo = Repo::wrap(gix::open(&dir).unwrap()).objects_with_pack_cache();
        let mut graph = repo.commit_graph(&[c4]).unwrap();
        assert_eq!(graph.len(), 4);
        assert!(!graph.contains(&s2));
        let numbers: Vec<Option<usize>> = [c2, c4].iter().map(|c| graph.index(c)).collect();
        repo.extend_graph(&mut graph, &[s2]).unwrap();
        assert_eq!(graph.len(), 6);
        let after: Vec<Option<usize>> = [c2, c4].iter().map(|c| graph.index(c)).collect();
        assert_eq!(numbers, after);
        let at = |c: Oid| graph.index(&c).unwrap();
        assert_eq!(graph.parents(at(s1)), &[at(c2)]);
        let below = graph.below([at(s2)]);
        let marked: Vec<Oid> = (0..graph.numbered())
            .filter(|&i| below[i])
            .map(|i| graph.id(i))
            .collect();
        assert_eq!(marked.len(), 4);
        assert!(marked.contains(&s1) && marked.contains(&c2) && !marked.contains(&c4));
        // Nothing new below a commit it has.
        repo.extend_graph(&mut graph, &[c2, s1]).unwrap();
        assert_eq!((graph.len(), graph.numbered()), (6, 6));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_replaced_commit_is_read_as_gix_replaces_it() {
        let dir = fresh_dir("replace");
        let git = |args: &[&str]| text(git(&dir, args));
        git(&["init", "-q"]);
        for m in ["one", "two", "three"] {
            git(&["commit", "-q", "--allow-empty", "-m", m]);
        }
        git(&["repack", "-adq"]);
        let head = Oid::from_hex(&git(&["rev-parse", "HEAD"])).unwrap();
        let walked = |dir: &Path| {
            let repo = Repo::wrap(gix::open(dir).unwrap()).objects_with_pack_cache();
            repo.commit_graph(&[head]).unwrap().len()
        };
        // From the pack: the whole history.
        assert_eq!(walked(&dir), 3);
        // Grafted to have no parent, HEAD is the whole history for git, and for relgate.
        git(&["replace", "--graft", "HEAD"]);
        assert_eq!(git(&["rev-list", "--count", "HEAD"]), "1");
        assert_eq!(walked(&dir), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn oid_parsing() {
        assert!(Oid::from_hex(&"0".repeat(40)).unwrap().is_zero());
        assert!(Oid::from_hex(&"0".repeat(64)).unwrap().is_zero());
        assert!(Oid::from_hex("abc").is_none());
    }
}
