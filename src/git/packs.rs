//! Objects read straight from the packs, where gix would do more work than the question needs.
//!
//! - **The start of a blob** ([`Packs::head`]): only as much of the blob, and of the objects its
//!   delta chain is built on, as that start needs; each object of a chain is kept, as far as it
//!   was read, for the next blob built on it. npm's package-lock.json is where this matters: its
//!   versions are in its first lines, and it is a megabyte. In axios' pack the lock files of 54
//!   tags are deltas against one 1.08 MB base. gix resolves a delta whole, and keeps what it
//!   resolved (the blob asked for), never the base it started from, so `validate-tag --all`
//!   inflated that base once per tag: 1.2 G of its 1.33 G instructions. git's delta format is
//!   read here because gix keeps its own decoder private (gix-pack's `data::delta::apply`) and
//!   applies a delta whole only.
//! - **The tree and parents of every commit** ([`Packs::commit_header`]), for an audit's walk
//!   of the whole history without a commit-graph file: each commit is inflated only as far as
//!   its header needs, on every core, instead of one after the other as a walk meets them.
//! - **A commit's parents and time** ([`Packs::dated_commit`]), for an ancestry question's walk
//!   down to a date: inflated only as far as the committer's line.
//!
//! A small object inflated into a buffer of exactly its size is decoded a symbol at a time
//! for its last 258 bytes, which is most of a commit: every buffer here has room beyond
//! ([`FAST_ROOM`]).
//!
//! Anything else (a loose object, a delta against an object named by id, a chain deeper than
//! [`DEEPEST`], a pack that does not read as expected) answers `None` or is left out, and the
//! caller reads the object through gix, which reports what is wrong with it.

use std::path::Path;

use gix::odb::pack;
use gix::zlib;

/// The most bytes the objects read so far may hold before they are let go (between reads),
/// per repository handle (`validate-tag --all` has one per thread): git's own delta-base
/// cache holds 96 MiB by default.
const BUDGET: usize = 32 << 20;

/// Deeper chains are left to gix, whose decoder does not recurse (`git repack --depth` allows
/// 4,095; git's default is 50).
const DEEPEST: usize = 1_000;

/// Bytes inflated at a time, at least.
const STEP: usize = 16 << 10;

/// The repository's packs, opened on first use, and the objects read from them.
pub(super) struct Packs {
    packs: Vec<(pack::index::File, pack::data::File)>,
    /// Objects by (pack, entry offset); an object's base always comes before it.
    objects: Vec<Object>,
    /// (pack, entry offset, index in `objects`), sorted: an audit keeps a few thousand.
    at: Vec<(usize, u64, usize)>,
    /// Inflate states of streams read to their end, for the next stream: a new one allocates
    /// its window.
    spare: Vec<zlib::Inflate>,
    /// The bytes `objects` hold.
    held: usize,
    /// The buffer single commits are inflated into.
    buf: Vec<u8>,
    /// Every packed commit's tree and parents, once read ([`Packs::commit_header`]).
    commits: Option<Headers>,
}

/// The tree and parents of commits, sorted by commit id and found through a fan-out table of
/// their first bits, as in a pack index. A hash map of textual's 13,800 commits cost 5 M
/// instructions to build and a vector of parents per commit an allocation each; a binary
/// search, 14 cache misses per commit.
#[derive(Default)]
struct Headers {
    /// (commit, tree, where its parents start in `parents`, how many it has).
    list: Vec<(gix::ObjectId, gix::ObjectId, usize, usize)>,
    parents: Vec<gix::ObjectId>,
    /// `fan[p]`: the first entry of `list` whose id's first `bits` bits are `p` or more.
    fan: Vec<usize>,
    bits: u32,
}

impl Headers {
    /// The first `bits` bits of `id`.
    fn prefix(id: &gix::oid, bits: u32) -> usize {
        let b = id.as_bytes();
        let first = u16::from_be_bytes([
            b.first().copied().unwrap_or(0),
            b.get(1).copied().unwrap_or(0),
        ]);
        usize::from(first.checked_shr(16 - bits).unwrap_or(0))
    }

    /// The headers of `a` and `b`, each sorted, in one sorted list (merged, not sorted: a sort
    /// is 8 to 10 KB of code for each type sorted).
    fn merge(a: Headers, b: Headers) -> Headers {
        if a.list
            .last()
            .zip(b.list.first())
            .is_none_or(|(x, y)| x.0 < y.0)
        {
            let mut out = a;
            out.append(b);
            return out;
        }
        let shift = a.parents.len();
        let mut list = Vec::with_capacity(a.list.len() + b.list.len());
        let (mut x, mut y) = (a.list.into_iter().peekable(), b.list.into_iter().peekable());
        while let (Some(p), Some(q)) = (x.peek(), y.peek()) {
            if p.0 <= q.0 {
                list.extend(x.next());
            } else {
                list.extend(y.next().map(|(c, t, start, n)| (c, t, start + shift, n)));
            }
        }
        list.extend(x);
        list.extend(y.map(|(c, t, start, n)| (c, t, start + shift, n)));
        let mut parents = a.parents;
        parents.extend(b.parents);
        Headers {
            list,
            parents,
            ..Headers::default()
        }
    }

    /// The fan-out table, with about one commit per slot (at most 2^16).
    fn index(&mut self) {
        self.bits = self.list.len().max(1).ilog2().clamp(1, 16);
        self.fan = vec![0; (1 << self.bits) + 1];
        for (c, ..) in &self.list {
            self.fan[Self::prefix(c, self.bits) + 1] += 1;
        }
        for p in 1..self.fan.len() {
            self.fan[p] += self.fan[p - 1];
        }
    }

    fn get(&self, id: &gix::oid) -> Option<(&gix::oid, &[gix::ObjectId])> {
        let p = Self::prefix(id, self.bits);
        let slot = self.list.get(*self.fan.get(p)?..*self.fan.get(p + 1)?)?;
        let (_, tree, start, n) = slot.iter().find(|e| e.0.as_ref() == id)?;
        Some((tree, self.parents.get(*start..start + n)?))
    }

    /// More headers after these (of ids above theirs, to stay sorted).
    fn append(&mut self, other: Headers) {
        let shift = self.parents.len();
        self.parents.extend(other.parents);
        self.list.extend(
            other
                .list
                .into_iter()
                .map(|(c, t, start, n)| (c, t, start + shift, n)),
        );
    }
}

/// What reading a stream needs: the packs, and the spare inflate states.
struct Io<'a> {
    packs: &'a [Pack],
    spare: &'a mut Vec<zlib::Inflate>,
    /// Bytes the objects' buffers grew by.
    grown: usize,
}

/// A zlib stream in a pack entry, inflated as far as needed.
struct Stream {
    pack: usize,
    data_offset: u64,
    /// Compressed bytes consumed so far.
    used: usize,
    /// While the stream is being read.
    state: Option<zlib::Inflate>,
    out: Vec<u8>,
    /// The size the entry header gives.
    size: usize,
    done: bool,
}

enum Object {
    /// An object stored whole: its bytes are the stream's.
    Whole { stream: Stream, blob: bool },
    /// A delta against the object at index `base`: `ops` is the delta, `next` the first of its
    /// instructions not yet applied, `out` the object as far as it was built.
    Delta {
        ops: Stream,
        base: usize,
        next: usize,
        out: Vec<u8>,
        /// The sizes of the base and of the result, from the delta's header once it is read.
        sizes: Option<(usize, usize)>,
    },
}

impl Packs {
    /// Opens the index and data file of every pack in `dir` (`objects/pack`); none without.
    pub(super) fn open(dir: Option<&Path>, hash: gix::hash::Kind) -> Packs {
        let mut packs = Vec::new();
        if let Some(Ok(entries)) = dir.map(std::fs::read_dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "idx")
                    && let Ok(index) = pack::index::File::at(&path, hash)
                    && let Ok(data) = pack::data::File::at(path.with_extension("pack"), hash)
                {
                    packs.push((index, data));
                }
            }
        }
        Packs {
            packs,
            objects: Vec::new(),
            at: Vec::new(),
            spare: Vec::new(),
            held: 0,
            buf: Vec::new(),
            commits: None,
        }
    }

    /// The first `len` bytes of blob `id` (all of it when it is shorter), and whether that is
    /// the whole blob; `None` when it is not read here (see the module's documentation).
    pub(super) fn head(&mut self, id: &gix::oid, len: usize) -> Option<(Vec<u8>, bool)> {
        if self.held > BUDGET {
            self.objects.clear();
            self.at.clear();
            self.held = 0;
        }
        let (pack, offset) = self.locate(id)?;
        let i = self.object(pack, offset, 0)?;
        if !self.is_blob(i) {
            return None;
        }
        let mut io = Io {
            packs: &self.packs,
            spare: &mut self.spare,
            grown: 0,
        };
        let read = ensure(&mut self.objects, &mut io, i, len.saturating_add(1));
        self.held += io.grown;
        read?;
        let (bytes, size) = self.objects[i].bytes();
        let n = len.min(bytes.len());
        Some((bytes[..n].to_vec(), size <= len))
    }

    /// The pack holding object `id`, and its entry's offset there.
    fn locate(&self, id: &gix::oid) -> Option<(usize, u64)> {
        self.packs.iter().enumerate().find_map(|(i, (index, _))| {
            index.lookup(id).map(|e| (i, index.pack_offset_at_index(e)))
        })
    }

    /// The parents and commit time of commit `id`, inflated only as far as its committer's
    /// line; `None` when the packs do not have it whole or it does not parse.
    pub(super) fn dated_commit(&mut self, id: &gix::oid) -> Option<(Vec<gix::ObjectId>, i64)> {
        let (pack, offset) = self.locate(id)?;
        let data = &self.packs[pack].1;
        let entry = data.entry(offset).ok()?;
        if !matches!(entry.header, pack::data::entry::Header::Commit) {
            return None;
        }
        let mut state = self.spare.pop().unwrap_or_default();
        let mut parents = Vec::new();
        let read = commit_header(data, &entry, &mut state, &mut self.buf, true, &mut parents);
        self.spare.push(state);
        let (_, time) = read?;
        Some((parents, time?))
    }

    /// The root tree and parents of commit `id`, from the headers of every commit in the packs,
    /// read on the first call on up to `threads` threads; `None` when the packs do not have it
    /// whole (git does not store commits as deltas) or it does not parse: the caller reads it
    /// through [`Repo::objects`](super::Repo::objects).
    pub(super) fn commit_header(
        &mut self,
        id: &gix::oid,
        threads: usize,
    ) -> Option<(&gix::oid, &[gix::ObjectId])> {
        if self.commits.is_none() {
            self.commits = Some(self.commit_headers(threads));
        }
        self.commits.as_ref()?.get(id)
    }

    /// The root tree and parents of every commit stored whole in the packs, read on up to
    /// `threads` threads, each commit inflated only as far as its header (or whole, when the
    /// header does not fit in [`HEADER`] bytes).
    fn commit_headers(&self, threads: usize) -> Headers {
        // Every pack's entries in parts of about an equal size, PARTS for each thread, which
        // the threads take in turn: a repository that was never repacked has many small packs.
        let threads = threads.max(1);
        let total: usize = self.packs.iter().map(|p| p.0.num_objects() as usize).sum();
        let step = total.div_ceil(threads * PARTS).max(1);
        let mut parts = Vec::new();
        for pack in &self.packs {
            let n = pack.0.num_objects() as usize;
            parts.extend(
                (0..n)
                    .step_by(step)
                    .map(|start| (pack, start..(start + step).min(n))),
            );
        }
        let read = crate::parallel::each_part(
            threads,
            || (),
            parts.len(),
            |_, k| {
                let (pack, range) = &parts[k];
                let mut out = Headers::default();
                commits_in(pack, range.clone(), &mut out);
                out
            },
        );
        // Read in index order: each pack's headers are sorted already.
        let mut packs: Vec<Headers> = Vec::new();
        for (h, (_, range)) in read.into_iter().zip(&parts) {
            match packs.last_mut() {
                Some(last) if range.start > 0 => last.append(h),
                _ => packs.push(h),
            }
        }
        let mut out = packs.into_iter().reduce(Headers::merge).unwrap_or_default();
        out.index();
        out
    }

    /// Whether the chain of object `i` ends in a blob stored whole.
    fn is_blob(&self, mut i: usize) -> bool {
        loop {
            match &self.objects[i] {
                Object::Whole { blob, .. } => return *blob,
                Object::Delta { base, .. } => i = *base,
            }
        }
    }

    /// The index of the object whose entry is at `offset` in `pack`, its base first.
    fn object(&mut self, pack: usize, offset: u64, depth: usize) -> Option<usize> {
        let key = |a: &(usize, u64, usize)| (a.0, a.1) < (pack, offset);
        let slot = self.at.partition_point(key);
        if let Some(&(p, o, i)) = self.at.get(slot)
            && (p, o) == (pack, offset)
        {
            return Some(i);
        }
        if depth > DEEPEST {
            return None;
        }
        let entry = self.packs[pack].1.entry(offset).ok()?;
        let stream = Stream {
            pack,
            data_offset: entry.data_offset,
            used: 0,
            state: None,
            out: Vec::new(),
            size: usize::try_from(entry.decompressed_size).ok()?,
            done: false,
        };
        use pack::data::entry::Header;
        let object = match entry.header {
            Header::OfsDelta { base_distance } => {
                let base_offset = entry.checked_base_pack_offset(base_distance)?;
                let base = self.object(pack, base_offset, depth + 1)?;
                Object::Delta {
                    ops: stream,
                    base,
                    next: 0,
                    out: Vec::new(),
                    sizes: None,
                }
            }
            Header::RefDelta { .. } => return None,
            header => Object::Whole {
                stream,
                blob: matches!(header, Header::Blob),
            },
        };
        self.objects.push(object);
        let i = self.objects.len() - 1;
        // Where it goes now that its base is in.
        self.at
            .insert(self.at.partition_point(key), (pack, offset, i));
        Some(i)
    }
}

impl Object {
    /// The bytes read so far, and the object's size.
    fn bytes(&self) -> (&[u8], usize) {
        match self {
            Object::Whole { stream, .. } => (&stream.out, stream.size),
            Object::Delta { out, sizes, .. } => (out, sizes.map_or(usize::MAX, |s| s.1)),
        }
    }

    /// The memory this object holds.
    #[cfg(test)]
    fn held(&self) -> usize {
        match self {
            Object::Whole { stream, .. } => stream.out.capacity(),
            Object::Delta { ops, out, .. } => ops.out.capacity() + out.capacity(),
        }
    }
}

type Pack = (pack::index::File, pack::data::File);

/// Reads object `i` up to `n` bytes (all of it when it is shorter). A base always has a lower
/// index than the objects built on it, so the slice splits into the bases and the object.
fn ensure(objects: &mut [Object], io: &mut Io<'_>, i: usize, n: usize) -> Option<()> {
    let (bases, rest) = objects.split_at_mut(i);
    match rest.first_mut()? {
        Object::Whole { stream, .. } => stream.ensure(io, n),
        Object::Delta {
            ops,
            base,
            next,
            out,
            sizes,
        } => {
            let (base_size, size) = match *sizes {
                Some(s) => s,
                None => {
                    // Two sizes of at most 10 bytes each open the delta.
                    ops.ensure(io, 20)?;
                    let (base_size, a) = varint(&ops.out)?;
                    let (size, b) = varint(ops.out.get(a..)?)?;
                    *next = a + b;
                    *sizes = Some((base_size, size));
                    (base_size, size)
                }
            };
            let want = n.min(size);
            while out.len() < want {
                ops.ensure(io, *next + 8)?;
                let op = *ops.out.get(*next)?;
                *next += 1;
                if op & 0x80 != 0 {
                    // Copy: offset and size from the bytes the low seven bits announce.
                    let mut offset = 0usize;
                    let mut len = 0usize;
                    for bit in 0..7 {
                        if op & (1 << bit) != 0 {
                            let byte = usize::from(*ops.out.get(*next)?);
                            *next += 1;
                            if bit < 4 {
                                offset |= byte << (8 * bit);
                            } else {
                                len |= byte << (8 * (bit - 4));
                            }
                        }
                    }
                    if len == 0 {
                        len = 0x10000;
                    }
                    let end = offset.checked_add(len)?;
                    if end > base_size || out.len() + len > size {
                        return None;
                    }
                    ensure(bases, io, *base, end)?;
                    let (from, real) = bases[*base].bytes();
                    if real != base_size {
                        return None;
                    }
                    out.extend_from_slice(from.get(offset..end)?);
                    io.grown += len;
                } else if op != 0 {
                    // Insert the next `op` bytes of the delta.
                    let len = usize::from(op);
                    ops.ensure(io, *next + len)?;
                    if out.len() + len > size {
                        return None;
                    }
                    out.extend_from_slice(ops.out.get(*next..*next + len)?);
                    io.grown += len;
                    *next += len;
                } else {
                    return None;
                }
            }
            if out.len() == size && *next != ops.size {
                // Built, but the delta goes on: not a delta git wrote.
                return None;
            }
            Some(())
        }
    }
}

impl Stream {
    /// Inflates until `n` bytes are out, or the whole stream.
    fn ensure(&mut self, io: &mut Io<'_>, n: usize) -> Option<()> {
        let want = n.min(self.size);
        let data = &io.packs.get(self.pack)?.1;
        while self.out.len() < want {
            if self.done {
                return None;
            }
            let state = self.state.get_or_insert_with(|| match io.spare.pop() {
                Some(mut state) => {
                    state.reset();
                    state
                }
                None => zlib::Inflate::default(),
            });
            let input = data.entry_slice(self.data_offset..data.pack_end() as u64)?;
            let have = self.out.len();
            let to = want.max(have + STEP).min(self.size);
            // The last piece with room beyond it for zlib's fast loop ([`FAST_ROOM`]).
            let room = if to == self.size { FAST_ROOM } else { 0 };
            self.out.resize(to + room, 0);
            let (status, read, written) = state
                .prefix(input.get(self.used..)?, &mut self.out[have..])
                .ok()?;
            self.used += read;
            self.out.truncate(have + written);
            io.grown += written;
            self.done = status == zlib::Status::StreamEnd;
            if self.done && self.out.len() != self.size
                || self.out.len() > self.size
                || read == 0 && written == 0
            {
                return None;
            }
        }
        if self.out.len() == self.size
            && let Some(state) = self.state.take()
        {
            io.spare.push(state);
        }
        Some(())
    }
}

/// The bytes inflated first for a commit's header: its tree, two parents, its author and its
/// committer fit, with SHA-256 ids too (textual's 13,000 commits: the committer's line ends at
/// 346 bytes at most, the whole commit is 297 on average).
const HEADER: usize = 384;

/// Parts of the packs' entries per thread reading commit headers.
const PARTS: usize = 8;

/// Output room zlib's fast loop needs: the longest match (258 bytes), rounded up.
pub(super) const FAST_ROOM: usize = 320;

/// The headers of the commits among entries `range` of `pack`'s index.
fn commits_in(pack: &Pack, range: std::ops::Range<usize>, out: &mut Headers) {
    let (index, data) = pack;
    let mut state = zlib::Inflate::default();
    let mut buf = Vec::new();
    for i in range {
        let Ok(entry) = data.entry(index.pack_offset_at_index(i as u32)) else {
            continue;
        };
        if !matches!(entry.header, pack::data::entry::Header::Commit) {
            continue;
        }
        let start = out.parents.len();
        if let Some((tree, _)) =
            commit_header(data, &entry, &mut state, &mut buf, false, &mut out.parents)
        {
            let n = out.parents.len() - start;
            out.list
                .push((index.oid_at_index(i as u32).to_owned(), tree, start, n));
        }
    }
}

/// The tree of the commit `entry`, with its parents pushed onto `parents`, and with `dated`
/// its commit time (the committer's), parsed by gix from its first [`HEADER`] bytes, or from
/// all of them when the header goes on past those. `parents` is as it was when this is `None`.
fn commit_header(
    data: &pack::data::File,
    entry: &pack::data::Entry,
    state: &mut zlib::Inflate,
    buf: &mut Vec<u8>,
    dated: bool,
    parents: &mut Vec<gix::ObjectId>,
) -> Option<(gix::ObjectId, Option<i64>)> {
    let size = usize::try_from(entry.decompressed_size).ok()?;
    let input = data.entry_slice(entry.data_offset..data.pack_end() as u64)?;
    let start = parents.len();
    for want in [size.min(HEADER), size] {
        buf.clear();
        // Room beyond what is wanted: zlib decodes fast only while 258 bytes of room are left,
        // a symbol at a time after that (pydantic's 8,662 commits: 547 M instructions read
        // into exact buffers, 479 M with the room).
        buf.resize(want + FAST_ROOM, 0);
        state.reset();
        let (_, _, written) = state.prefix(input, buf).ok()?;
        buf.truncate(written);
        parents.truncate(start);
        let mut tree = None;
        use gix::objs::commit::ref_iter::Token;
        for token in gix::objs::CommitRefIter::from_bytes(buf, data.object_hash()) {
            match token {
                Ok(Token::Tree { id }) => tree = Some(id),
                Ok(Token::Parent { id }) => parents.push(id),
                Ok(Token::Committer { signature }) => {
                    return read(tree, Some(signature.seconds()), parents, start);
                }
                // The author: the parents are all known.
                Ok(_) if !dated => return read(tree, None, parents, start),
                Ok(_) => {}
                // Cut short: read it all (or, read all, leave it to gix).
                Err(_) => break,
            }
        }
        if want == size {
            break;
        }
    }
    parents.truncate(start);
    None
}

/// A commit header read to its end: `None` (and the parents pushed taken back) without a tree.
fn read(
    tree: Option<gix::ObjectId>,
    time: Option<i64>,
    parents: &mut Vec<gix::ObjectId>,
    start: usize,
) -> Option<(gix::ObjectId, Option<i64>)> {
    if tree.is_none() {
        parents.truncate(start);
    }
    Some((tree?, time))
}

/// A delta header's size: seven bits a byte, least significant first. Returns the size and
/// the bytes it took.
fn varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= usize::from(b & 0x7f).checked_shl(7 * i as u32)?;
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::tests::{fresh_dir, git, text};
    use std::process::Command;

    /// Lines a lock file might have, numbered from `seed` so versions differ where it changes.
    fn lines(seed: u32, n: u32) -> String {
        (0..n)
            .map(|i| {
                format!(
                    "    \"node_modules/p{i}\": {{\"version\": \"{}.{i}.{}\"}},\n",
                    i % 7,
                    (i * 31 + seed) % 11
                )
            })
            .collect()
    }

    #[test]
    fn a_blob_head_is_its_bytes_whether_stored_whole_or_as_deltas() {
        let dir = fresh_dir("blob-head");
        git(&dir, &["init", "-q"]);
        // Versions changed at the start, in the middle and at the end, so their deltas copy
        // from all over their base and insert in between; and a small file beside them.
        let mut ids = Vec::new();
        for v in 0..8u32 {
            let lock = format!(
                "{{\n  \"version\": \"1.{v}.0\",\n{}{}{}}}\n",
                lines(0, 4000),
                lines(v / 3, 200 + v * 50),
                lines(v % 2, 3000)
            );
            std::fs::write(dir.join("package-lock.json"), &lock).unwrap();
            std::fs::write(dir.join("small"), format!("{v}\n")).unwrap();
            git(&dir, &["add", "-A"]);
            git(&dir, &["commit", "-qm", &format!("v{v}")]);
            for file in ["package-lock.json", "small"] {
                ids.push(text(git(&dir, &["rev-parse", &format!("HEAD:{file}")])));
            }
        }
        git(&dir, &["repack", "-adfq", "--depth=3", "--window=10"]);
        let packs_dir = dir.join(".git/objects/pack");
        let idx = std::fs::read_dir(&packs_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "idx"))
            .unwrap();
        // `verify-pack -v` gives a delta's depth and base after its sizes and offset.
        let listing = text(git(&dir, &["verify-pack", "-v", idx.to_str().unwrap()]));
        let deltas = ids
            .iter()
            .filter(|id| {
                listing
                    .lines()
                    .any(|l| l.starts_with(id.as_str()) && l.split_whitespace().count() >= 7)
            })
            .count();
        assert!(
            deltas >= 4,
            "the test needs blobs stored as deltas:\n{listing}"
        );

        let mut packs = Packs::open(Some(&packs_dir), gix::hash::Kind::Sha1);
        // Newest first, as an audit reads them, then oldest first with a fresh reader.
        for order in [true, false] {
            if !order {
                packs = Packs::open(Some(&packs_dir), gix::hash::Kind::Sha1);
            }
            let mut seq: Vec<&String> = ids.iter().collect();
            if order {
                seq.reverse();
            }
            for id in seq {
                let whole = git(&dir, &["cat-file", "blob", id]);
                let oid = gix::ObjectId::from_hex(id.as_bytes()).unwrap();
                for len in [
                    0,
                    1,
                    100,
                    65_536,
                    whole.len() - 1,
                    whole.len(),
                    whole.len() + 10,
                ] {
                    let (bytes, all) = packs.head(&oid, len).expect("a packed blob is read");
                    let n = len.min(whole.len());
                    assert_eq!(bytes, whole[..n], "{id} up to {len}");
                    assert_eq!(all, len >= whole.len(), "{id} up to {len}");
                }
            }
        }
        // Reading the start of a blob inflates about that much of it, not all of it.
        let newest = ids[ids.len() - 2].as_str();
        let mut packs = Packs::open(Some(&packs_dir), gix::hash::Kind::Sha1);
        let oid = gix::ObjectId::from_hex(newest.as_bytes()).unwrap();
        packs.head(&oid, 100).unwrap();
        let held: usize = packs.objects.iter().map(Object::held).sum();
        assert!(held <= 4 * STEP, "{held} bytes held for a 100-byte head");
        assert!(packs.held <= held);
        // A commit, a tree and an object the packs do not have are not read here.
        let id = |rev: &str| {
            gix::ObjectId::from_hex(text(git(&dir, &["rev-parse", rev])).as_bytes()).unwrap()
        };
        let (commit, tree) = (id("HEAD"), id("HEAD^{tree}"));
        assert!(packs.head(&commit, 10).is_none());
        assert!(packs.head(&tree, 10).is_none());
        assert!(
            packs
                .head(&gix::ObjectId::from_hex(&[b'1'; 40]).unwrap(), 10)
                .is_none()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_packed_commit_header_is_its_tree_and_parents() {
        let dir = fresh_dir("commit-heads");
        git(&dir, &["init", "-q", "-b", "main"]);
        git(&dir, &["commit", "-q", "--allow-empty", "-m", "root"]);
        // Six branches merged at once: a header longer than the first bytes read.
        for b in 0..6 {
            git(&dir, &["checkout", "-q", "-b", &format!("b{b}"), "main"]);
            std::fs::write(dir.join(format!("f{b}")), "x").unwrap();
            git(&dir, &["add", "-A"]);
            git(&dir, &["commit", "-qm", &format!("b{b}")]);
        }
        git(&dir, &["checkout", "-q", "main"]);
        let branches: Vec<String> = (0..6).map(|b| format!("b{b}")).collect();
        let mut merge = vec!["merge", "-q", "--no-ff", "-m", "octopus"];
        merge.extend(branches.iter().map(String::as_str));
        git(&dir, &merge);
        git(&dir, &["repack", "-adq"]);
        // A long message after a two-parent header, in a second pack.
        git(&dir, &["checkout", "-q", "-b", "side", "b0"]);
        // Committed long after it was written: the commit time is the committer's.
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q"])
            .args(["--allow-empty", "-m", &"long ".repeat(2000)])
            .env("GIT_AUTHOR_DATE", "@1000000000 +0000")
            .env("GIT_COMMITTER_DATE", "@2000000000 +0000")
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(out.success());
        git(&dir, &["checkout", "-q", "main"]);
        git(&dir, &["merge", "-q", "--no-ff", "-m", "two", "side"]);
        git(&dir, &["repack", "-dq"]);
        let packs_dir = dir.join(".git/objects/pack");
        let idx = std::fs::read_dir(&packs_dir).unwrap().flatten();
        assert_eq!(
            idx.filter(|e| e.path().extension().is_some_and(|x| x == "idx"))
                .count(),
            2
        );
        git(&dir, &["commit", "-q", "--allow-empty", "-m", "loose"]);

        let mut packs = Packs::open(Some(&packs_dir), gix::hash::Kind::Sha1);
        let all = text(git(&dir, &["rev-list", "--parents", "HEAD~"]));
        let oid = |hex: &str| gix::ObjectId::from_hex(hex.as_bytes()).unwrap();
        // The newest commit is loose: not read here.
        let loose = oid(&text(git(&dir, &["rev-parse", "HEAD"])));
        assert!(packs.commit_header(&loose, 2).is_none());
        assert!(packs.dated_commit(&loose).is_none());
        let (mut octopus, mut late) = (false, false);
        for line in all.lines() {
            let mut ids = line.split(' ').map(oid);
            let id = ids.next().unwrap();
            let parents: Vec<gix::ObjectId> = ids.collect();
            let tree = oid(&text(git(&dir, &["rev-parse", &format!("{id}^{{tree}}")])));
            octopus |= parents.len() > 6;
            let time: i64 = text(git(&dir, &["log", "-1", "--format=%ct", &id.to_string()]))
                .parse()
                .unwrap();
            late |= time == 2_000_000_000;
            assert_eq!(
                packs.dated_commit(&id),
                Some((parents.clone(), time)),
                "{id}"
            );
            assert_eq!(
                packs.commit_header(&id, 2),
                Some((tree.as_ref(), &parents[..])),
                "{id}"
            );
        }
        assert!(octopus && late);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_delta_size_is_read_seven_bits_at_a_time() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x80 | 0x10, 0x01, 0xff]), Some((0x90, 2)));
        assert_eq!(varint(&[0x80, 0x80]), None);
        assert_eq!(varint(&[0xff; 12]), None);
    }
}
