//! Loose objects read here, with one inflate state and one file buffer for all of them.
//!
//! gix reads a loose object with six system calls (a `stat` of its path, open, another `stat`,
//! `mmap`, close, `munmap`), a page fault on the fresh mapping, and a new inflate state whose
//! allocation is zeroed: on the benchmark's `small` repository, where every object is loose,
//! those were about a seventh of a hook's run (`validate-tag v1.0.0` reads 44 objects). A
//! repository in use holds its newest commits, trees and tags loose until `git gc` packs them.
//!
//! Here an object costs an open, a read and a close, and the last few small ones read are kept.
//! Only the objects directory itself is read; which of its 256 fan-out directories exist is
//! listed once, so that an object whose directory is absent (every object of a freshly cloned or
//! packed repository) costs no system call at all. Whatever does not read cleanly (no such file, a named pipe, which is opened
//! without blocking, a bad header, a stream that ends early or late, an object in an alternate)
//! is left to gix, which finds it elsewhere or names the error: this reader only ever answers
//! with what gix would.

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use gix::zlib;

use super::packs::FAST_ROOM;

/// Objects read here (`RELGATE_STATS` `loose-reads`).
pub static READS: AtomicUsize = AtomicUsize::new(0);

/// The largest expansion deflate allows (1032:1), rounded up: a header that claims more is
/// corrupt, and is not allocated for.
const MAX_RATIO: usize = 1100;

/// A file buffer bigger than this is let go after its object is read.
const KEEP_INPUT: usize = 1 << 20;

/// The bytes inflated first: the header (`<kind> <size>\0`) and the start of the object.
const HEADER: usize = 64;

/// The objects read last that are kept, and the largest kept.
const RECENT: usize = 16;
const RECENT_LARGEST: usize = 8 << 10;

pub(super) struct Loose {
    /// The objects directory; none where gix reads some objects as others (`git replace`).
    dir: Option<PathBuf>,
    /// Which fan-out directories (`00` to `ff`) exist, listed on first use.
    fanout: Option<[u64; 4]>,
    state: zlib::Inflate,
    input: Vec<u8>,
    /// The path of the object read last.
    path: PathBuf,
    /// The small objects read last, whole: a run asks for some twice (HEAD's commit for its
    /// tree and for the walk, a tag object when it is peeled and when its message is read),
    /// and each time is a file opened, read and inflated (`small`'s `validate-tag v1.8.0`
    /// read 3 of its 14 objects twice).
    recent: Vec<(gix::ObjectId, gix::object::Kind, Vec<u8>)>,
    /// The slot of `recent` the next object goes to.
    next: usize,
}

impl Loose {
    pub(super) fn new(dir: Option<PathBuf>) -> Loose {
        Loose {
            dir,
            fanout: None,
            state: zlib::Inflate::default(),
            input: Vec::new(),
            path: PathBuf::new(),
            recent: Vec::new(),
            next: 0,
        }
    }

    /// Object `id` when it is a loose object of this directory that reads cleanly: its kind,
    /// with its bytes in `out`. `None` otherwise (`out` is then left in any state).
    pub(super) fn read(&mut self, id: &gix::oid, out: &mut Vec<u8>) -> Option<gix::object::Kind> {
        if let Some((_, kind, data)) = self.recent.iter().find(|(r, ..)| r.as_ref() == id) {
            out.clear();
            out.extend_from_slice(data);
            return Some(*kind);
        }
        // Not blocking: a named pipe in place of the file reads as empty, and so goes to gix.
        let file = crate::tree::open_nonblocking(self.path(id)?).ok()?;
        let len = self.read_file(file)?;
        let kind = self.inflate(len, out);
        if self.input.len() > KEEP_INPUT {
            self.input = Vec::new();
        }
        if let Some(kind) = kind
            && out.len() <= RECENT_LARGEST
        {
            if self.recent.len() < RECENT {
                self.recent.push((id.to_owned(), kind, out.clone()));
            } else {
                let (r, k, data) = &mut self.recent[self.next];
                self.next = (self.next + 1) % RECENT;
                *r = id.to_owned();
                *k = kind;
                data.clear();
                data.extend_from_slice(out);
            }
        }
        kind
    }

    /// The file of object `id`, when its fan-out directory exists: in `path`, whose capacity
    /// serves every object.
    #[inline]
    fn path(&mut self, id: &gix::oid) -> Option<&std::path::Path> {
        // Asked first, before anything is formatted: in a packed repository it is the answer
        // for every object.
        if !self.has_fanout(*id.as_bytes().first()?) {
            return None;
        }
        let mut hex = [0u8; 64];
        let hex: &str = id.hex_to_buf(&mut hex);
        let path = self.path.as_mut_os_string();
        path.clear();
        path.push(self.dir.as_ref()?);
        self.path.push(hex.get(..2)?);
        self.path.push(hex.get(2..)?);
        Some(&self.path)
    }

    #[inline]
    fn has_fanout(&mut self, first: u8) -> bool {
        let Some(dir) = &self.dir else {
            return false;
        };
        let fanout = self.fanout.get_or_insert_with(|| fanout_dirs(dir));
        fanout[usize::from(first >> 6)] & (1 << (first & 63)) != 0
    }

    /// `file` into `input` (grown as needed, never shrunk to fit): its length.
    /// No `stat`, and mostly one `read`: a regular file reads short only at its end, so a read
    /// that leaves room is taken as the whole file without a second `read` to see it end (a
    /// system call is a microsecond here, and a hook reads some forty objects). Were a read
    /// short before the end, the stream would stop short of its declared size, and the object
    /// would go to gix.
    fn read_file(&mut self, mut file: std::fs::File) -> Option<usize> {
        let mut len = 0;
        loop {
            if len == self.input.len() {
                let grown = (len * 2).max(8 << 10);
                self.input.resize(grown, 0);
            }
            let room = self.input.len() - len;
            match file.read(&mut self.input[len..]) {
                Ok(0) => return Some(len),
                Ok(n) if n < room => return Some(len + n),
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
    }

    /// The object in the first `len` bytes of `input`, into `out`.
    fn inflate(&mut self, len: usize, out: &mut Vec<u8>) -> Option<gix::object::Kind> {
        let input = self.input.get(..len)?;
        self.state.reset();
        // Every buffer has room beyond what is wanted of it ([`FAST_ROOM`]): zlib decodes a
        // symbol at a time wherever less than a longest match is left, and an object of a few
        // hundred bytes (a commit, a tag) was decoded that way whole, 16,000 instructions a
        // tag object. Most such objects end in the first call.
        let mut head = [0u8; HEADER + FAST_ROOM];
        let (status, mut used, written) = self.state.prefix(input, &mut head).ok()?;
        let head = &head[..written];
        let (kind, size, header) = gix::objs::decode::loose_header(head).ok()?;
        let size = usize::try_from(size).ok()?;
        if size > len.saturating_mul(MAX_RATIO) {
            return None;
        }
        // The stream must end exactly where the header said: a longer one shows itself in the
        // room beyond.
        let mut have = written - header;
        if have > size {
            return None;
        }
        out.clear();
        out.resize(size + FAST_ROOM, 0);
        out.get_mut(..have)?.copy_from_slice(head.get(header..)?);
        let mut ended = status == zlib::Status::StreamEnd;
        while !ended {
            let (status, read, written) = self
                .state
                .prefix(input.get(used..)?, out.get_mut(have..)?)
                .ok()?;
            used += read;
            have += written;
            ended = status == zlib::Status::StreamEnd;
            if have > size || (read == 0 && written == 0 && !ended) {
                return None;
            }
        }
        if have != size {
            return None;
        }
        out.truncate(size);
        READS.fetch_add(1, Ordering::Relaxed);
        Some(kind)
    }
}

/// The fan-out directories (`00` to `ff`) in `dir`, as a set of their first bytes; none when it
/// cannot be listed.
#[cfg(target_os = "linux")]
fn fanout_dirs(dir: &std::path::Path) -> [u64; 4] {
    use rustix::fs::{Mode, OFlags, RawDir};
    let mut set = [0u64; 4];
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let Ok(fd) = rustix::fs::open(dir, flags, Mode::empty()) else {
        return set;
    };
    let mut buf = [std::mem::MaybeUninit::uninit(); 8192];
    let mut entries = RawDir::new(fd, &mut buf);
    // A listing cut short by an error only leaves more objects to gix.
    while let Some(Ok(entry)) = entries.next() {
        add_fanout(&mut set, entry.file_name().to_bytes());
    }
    set
}

#[cfg(not(target_os = "linux"))]
fn fanout_dirs(dir: &std::path::Path) -> [u64; 4] {
    let mut set = [0u64; 4];
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        add_fanout(&mut set, entry.file_name().as_encoded_bytes());
    }
    set
}

/// `name` into `set` when it is two hex digits.
fn add_fanout(set: &mut [u64; 4], name: &[u8]) {
    let digit = |c: u8| char::from(c).to_digit(16);
    if let [hi, lo] = name
        && let (Some(hi), Some(lo)) = (digit(*hi), digit(*lo))
    {
        let b = (hi << 4 | lo) as u8;
        set[usize::from(b >> 6)] |= 1 << (b & 63);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::tests::{fresh_dir, git, text};

    fn oid(hex: &str) -> gix::ObjectId {
        gix::ObjectId::from_hex(hex.trim().as_bytes()).unwrap()
    }

    fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> gix::ObjectId {
        std::fs::write(dir.join(name), bytes).unwrap();
        oid(&text(git(dir, &["hash-object", "-w", name])))
    }

    #[test]
    fn a_loose_object_reads_as_git_stored_it() {
        let dir = fresh_dir("loose-read");
        git(&dir, &["init", "-q"]);
        let objects = dir.join(".git/objects");
        // Empty, small, longer than the header, and one whose file (random bytes do not
        // compress) outgrows the file buffer's first size and the size it is kept at.
        let mut seed = 1u64;
        let big: Vec<u8> = (0..(KEEP_INPUT + 200_000))
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (seed >> 56) as u8
            })
            .collect();
        let blobs: Vec<Vec<u8>> = vec![Vec::new(), b"1.2.0\n".to_vec(), vec![b'x'; 70], big];
        let ids: Vec<gix::ObjectId> = (blobs.iter().enumerate())
            .map(|(i, bytes)| write(&dir, &format!("f{i}"), bytes))
            .collect();
        let mut loose = Loose::new(Some(objects.clone()));
        let mut out = Vec::new();
        for (i, (bytes, id)) in blobs.iter().zip(&ids).enumerate() {
            assert_eq!(
                loose.read(id, &mut out),
                Some(gix::object::Kind::Blob),
                "blob {i}"
            );
            assert_eq!(&out, bytes, "blob {i}");
        }
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-qm", "one"]);
        git(&dir, &["tag", "-a", "v1.0.0", "-m", "v1.0.0"]);
        // The fan-out directories are listed once: a new reader for the new objects.
        let mut loose = Loose::new(Some(objects));
        for (name, kind) in [
            ("HEAD", gix::object::Kind::Commit),
            ("HEAD^{tree}", gix::object::Kind::Tree),
            ("v1.0.0", gix::object::Kind::Tag),
        ] {
            let id = oid(&text(git(&dir, &["rev-parse", name])));
            assert_eq!(loose.read(&id, &mut out), Some(kind), "{name}");
            let raw = git(
                &dir,
                &["cat-file", kind.to_string().as_str(), &id.to_string()],
            );
            assert_eq!(out, raw, "{name}");
        }
    }

    #[test]
    fn what_does_not_read_cleanly_is_left_to_gix() {
        let dir = fresh_dir("loose-bad");
        git(&dir, &["init", "-q"]);
        let objects = dir.join(".git/objects");
        let id = write(&dir, "f", b"version = 1\n");
        let hex = id.to_string();
        let path = objects.join(&hex[..2]).join(&hex[2..]);
        let good = std::fs::read(&path).unwrap();
        let mut out = Vec::new();
        let read = |bytes: &[u8], out: &mut Vec<u8>| {
            let mut perms = std::fs::metadata(&path).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&path, perms).unwrap();
            std::fs::write(&path, bytes).unwrap();
            Loose::new(Some(objects.clone())).read(&id, out)
        };
        assert_eq!(read(&good, &mut out), Some(gix::object::Kind::Blob));
        // Cut short, cut to nothing, not zlib at all.
        assert_eq!(read(&good[..good.len() - 6], &mut out), None);
        assert_eq!(read(&[], &mut out), None);
        assert_eq!(read(b"blob 12\0version = 1\n", &mut out), None);
        // Stored blocks read as well as git's deflated ones.
        assert_eq!(
            read(&zlib_stream(b"blob 12\0version = 1\n"), &mut out),
            Some(gix::object::Kind::Blob)
        );
        assert_eq!(out, b"version = 1\n");
        // A header that says more, or less, than the stream holds; one that claims more than
        // deflate could have packed into the file.
        for header in ["blob 13\0", "blob 11\0", "blob 99999999999\0", "bolb 12\0"] {
            let mut raw = header.as_bytes().to_vec();
            raw.extend_from_slice(b"version = 1\n");
            let z = zlib_stream(&raw);
            assert_eq!(read(&z, &mut out), None, "{header:?}");
        }
        // An object that is not there, in a fan-out directory that is and in one that is not.
        let mut loose = Loose::new(Some(objects.clone()));
        let mut other = id.to_string().into_bytes();
        other[39] = if other[39] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            loose.read(&oid(std::str::from_utf8(&other).unwrap()), &mut out),
            None
        );
        let absent = (0..=255u8)
            .map(|b| format!("{b:02x}"))
            .find(|d| !objects.join(d).exists())
            .unwrap();
        let elsewhere = oid(&format!("{absent}{}", &hex[2..]));
        assert_eq!(loose.read(&elsewhere, &mut out), None);
    }

    #[test]
    fn the_last_small_objects_read_are_kept() {
        let dir = fresh_dir("loose-recent");
        git(&dir, &["init", "-q"]);
        let objects = dir.join(".git/objects");
        let small: Vec<gix::ObjectId> = (0..=RECENT)
            .map(|i| write(&dir, &format!("s{i}"), format!("{i}\n").as_bytes()))
            .collect();
        let big = write(&dir, "big", &vec![b'x'; RECENT_LARGEST + 1]);
        let file = |id: &gix::ObjectId| {
            let hex = id.to_string();
            objects.join(&hex[..2]).join(&hex[2..])
        };
        let mut loose = Loose::new(Some(objects.clone()));
        let mut out = Vec::new();
        for id in [&big].into_iter().chain(&small) {
            assert_eq!(loose.read(id, &mut out), Some(gix::object::Kind::Blob));
        }
        // Gone from disk, the last objects read still read, as they were. The first small one
        // made room for the last, and the large one was not kept.
        for id in small.iter().chain([&big]) {
            std::fs::remove_file(file(id)).unwrap();
        }
        for (i, id) in small.iter().enumerate().skip(1) {
            out.clear();
            assert_eq!(loose.read(id, &mut out), Some(gix::object::Kind::Blob));
            assert_eq!(out, format!("{i}\n").as_bytes());
        }
        assert_eq!(loose.read(&small[0], &mut out), None);
        assert_eq!(loose.read(&big, &mut out), None);
    }

    #[test]
    fn the_fan_out_directories_are_the_two_hex_digit_names() {
        let dir = fresh_dir("loose-fanout");
        for name in ["00", "ab", "FF", "info", "pack", "zz", "abc", "0"] {
            std::fs::create_dir(dir.join(name)).unwrap();
        }
        let set = fanout_dirs(&dir);
        let has = |b: u8| set[usize::from(b >> 6)] & (1 << (b & 63)) != 0;
        let found: Vec<u8> = (0..=255u8).filter(|b| has(*b)).collect();
        // git writes lower case; `FF` is what a case-insensitive file system may show.
        assert_eq!(found, vec![0x00, 0xab, 0xff]);
        assert_eq!(fanout_dirs(&dir.join("absent")), [0; 4]);
    }

    /// `raw` as a zlib stream of stored blocks, which need no compressor: a header, blocks of
    /// at most 65,535 bytes, and the Adler-32 of the data.
    fn zlib_stream(raw: &[u8]) -> Vec<u8> {
        let mut z = vec![0x78, 0x01];
        let mut chunks = raw.chunks(65_535).peekable();
        if chunks.peek().is_none() {
            z.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
        }
        while let Some(c) = chunks.next() {
            let last = u8::from(chunks.peek().is_none());
            let n = c.len() as u16;
            z.push(last);
            z.extend_from_slice(&n.to_le_bytes());
            z.extend_from_slice(&(!n).to_le_bytes());
            z.extend_from_slice(c);
        }
        let (mut a, mut b) = (1u32, 0u32);
        for &x in raw {
            a = (a + u32::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        z.extend_from_slice(&((b << 16) | a).to_be_bytes());
        z
    }
}
