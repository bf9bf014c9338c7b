//! The tag refs listed as gix lists them, read here while the loose ones are plain.
//!
//! A tag made since the last `git pack-refs` is a loose file under `refs/tags`, and a
//! maintainer's repository has several between two `git gc` runs. gix reads each with `open`,
//! `statx`, two `read`s and `close`, after walking the directory a second time, for about
//! 10,000 instructions a ref (the `small` benchmark repository's 20 tags: 0.2 M of a hook's
//! 2.4 M, and 100 system calls of its 430). Here each is opened, read once and closed, over one
//! listing of the directory, and merged with packed-refs as gix merges them: sorted by full
//! name, a loose ref over the packed one of the same name.
//!
//! Only what gix would read the same way is read here. Anything else (a symbolic ref, a
//! symlink, a file that is not an object id and a newline, a name that is not UTF-8, a named
//! pipe, a file gone since the listing, ref namespaces, a linked work tree's own `refs/tags`)
//! makes [`tag_refs`] answer `None`, and gix lists the tags and names what is wrong.

use std::io::Read;
use std::path::Path;

use gix::bstr::{BStr, ByteSlice};

use super::{Oid, TagRef};

/// The tag refs in gix's order, or `None` where gix must list them.
pub(super) fn tag_refs(repo: &gix::Repository) -> Option<Vec<TagRef>> {
    if repo.refs.namespace.is_some() {
        return None;
    }
    let common = repo.common_dir();
    // A linked work tree's refs are its git directory's, then the common directory's; its
    // git directory holds no tags unless something put them there.
    if repo.git_dir() != common && repo.git_dir().join("refs/tags").exists() {
        return None;
    }
    let hash = repo.object_hash();
    let mut out = Vec::new();
    let mut buf = [0u8; 128];
    let mut todo = vec![(common.join("refs/tags"), String::from("refs/tags"))];
    while let Some((dir, prefix)) = todo.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            // No `refs/tags` (or it went away): the packed tags alone, as gix lists them.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(_) => return None,
        };
        for e in entries {
            let e = e.ok()?;
            let kind = e.file_type().ok()?;
            let name = format!("{prefix}/{}", e.file_name().to_str()?);
            if kind.is_dir() {
                todo.push((e.path(), name));
            } else if !kind.is_file() {
                return None;
            } else if gix::validate::reference::name_partial(name.as_bytes().as_bstr()).is_ok() {
                // gix skips a file whose name is no ref name (`v1.0.lock`), as git does.
                let id = read_id(&e.path(), hash, &mut buf)?;
                out.push(TagRef {
                    name,
                    target: Some(Oid(id)),
                    peeled: None,
                    peel_known: false,
                    loose: true,
                });
            }
        }
    }
    out.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    let packed = repo.refs.cached_packed_buffer().ok()?;
    if let Some(packed) = packed {
        let peel_known = peels_tags(&common.join("packed-refs"));
        let loose = std::mem::take(&mut out);
        let mut loose = loose.into_iter().peekable();
        for r in packed.iter_prefixed("refs/tags/".into()).ok()? {
            let r = r.ok()?;
            let name: &BStr = r.name.as_bstr();
            while let Some(l) = loose.next_if(|l| l.name.as_bytes() < name.as_bytes()) {
                out.push(l);
            }
            if loose
                .peek()
                .is_some_and(|l| l.name.as_bytes() == name.as_bytes())
            {
                continue;
            }
            out.push(TagRef {
                name: name.to_str().ok()?.to_string(),
                target: Some(Oid(r.target())),
                peeled: r.object.map(|_| Oid(r.object())),
                peel_known,
                loose: false,
            });
        }
        out.extend(loose);
    }
    for r in &mut out {
        r.name.replace_range(.."refs/tags/".len(), "");
    }
    Some(out)
}

/// Whether the packed-refs file at `path` records what every annotated tag in it peels to:
/// its header names the `peeled` or `fully-peeled` trait, as git's `packed-backend.c` reads it
/// (gix parses the header but does not say). Only the header is read, once per listing.
fn peels_tags(path: &Path) -> bool {
    let mut head = [0u8; 256];
    let Ok(mut file) = crate::tree::open_nonblocking(path) else {
        return false;
    };
    let Ok(len) = file.read(&mut head) else {
        return false;
    };
    let line = head[..len]
        .split(|&b| b == b'\n')
        .next()
        .unwrap_or_default();
    line.strip_prefix(b"# pack-refs with:")
        .is_some_and(|traits| {
            (traits.split(|&b| b == b' ')).any(|t| t == b"peeled" || t == b"fully-peeled")
        })
}

/// Where the symbolic ref in the file at `path` points (a remote's `HEAD`), when it is one with
/// a valid target; read as gix reads it. git never packs a symbolic ref, so its file is all
/// there is to read: gix's lookup by name would also try git's five rev-parse spellings of a
/// name that is not there (`refs/tags/refs/remotes/origin/HEAD` and so on), a file each.
pub(super) fn symbolic_target(path: &Path) -> Option<String> {
    let mut text = Vec::new();
    let file = crate::tree::open_nonblocking(path).ok()?;
    file.take(4096).read_to_end(&mut text).ok()?;
    let target = text.strip_prefix(b"ref: ")?.trim_start_with(|c| c == ' ');
    let end = (target.iter())
        .position(|b| matches!(b, b'\0' | b'\r' | b'\n'))
        .unwrap_or(target.len());
    let target = target.get(..end)?;
    gix::validate::reference::name(target.as_bstr()).ok()?;
    Some(target.to_str().ok()?.to_string())
}

/// The object id a loose ref file holds, when it is exactly that and a newline, as git writes
/// it. One `read`: a regular file reads short only at its end, and one that read short
/// before it would not be an id and a newline, and go to gix.
fn read_id(path: &Path, hash: gix::hash::Kind, buf: &mut [u8]) -> Option<gix::ObjectId> {
    let mut file = crate::tree::open_nonblocking(path).ok()?;
    let len = loop {
        match file.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            read => break read.ok()?,
        }
    };
    let (hex, rest) = buf.get(..len)?.split_at_checked(hash.len_in_hex())?;
    if rest != b"\n" || !hex.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    gix::ObjectId::from_hex(hex).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::Repo;
    use crate::git::tests::{fresh_dir, git};

    /// gix's listing of the same refs, as `Repo::tag_refs` takes it when [`tag_refs`] declines.
    fn by_gix(dir: &Path) -> Vec<TagRef> {
        let repo = Repo::wrap(gix::open(dir).unwrap());
        let loose = repo.loose_refs("refs/tags").unwrap();
        repo.list_tag_refs(&loose).unwrap()
    }

    fn here(dir: &Path) -> Option<Vec<TagRef>> {
        tag_refs(&gix::open(dir).unwrap())
    }

    /// The listing without what only relgate's reading of packed-refs' header tells.
    fn as_gix(refs: &[TagRef]) -> Vec<TagRef> {
        let plain = |r: &TagRef| TagRef {
            peel_known: false,
            ..r.clone()
        };
        refs.iter().map(plain).collect()
    }

    #[test]
    fn loose_and_packed_tags_list_as_gix_lists_them() {
        let dir = fresh_dir("refs-listing");
        git(&dir, &["init", "-q"]);
        git(&dir, &["commit", "-q", "--allow-empty", "-m", "one"]);
        // Names whose order by path component and by full name differ (`-` and `.` sort
        // before `/`), annotated and lightweight, nested.
        for (i, t) in ["a-b", "a/b", "a.c", "v1.0.0", "v1.0.0-rc.1", "rel/x/v2"]
            .iter()
            .enumerate()
        {
            if i % 2 == 0 {
                git(&dir, &["tag", "-a", "-m", t, t]);
            } else {
                git(&dir, &["tag", t]);
            }
        }
        let listed = here(&dir).expect("plain loose refs are read here");
        assert_eq!(listed.len(), 6);
        assert!(listed.iter().all(|r| r.loose && r.peeled.is_none()));
        assert_eq!(listed, by_gix(&dir));

        // Packed, with peeled lines; then a loose ref over a packed one of the same name (a
        // tag moved with -f), one packed only, one loose only, and a lock file's name.
        git(&dir, &["pack-refs", "--all"]);
        git(&dir, &["commit", "-q", "--allow-empty", "-m", "two"]);
        git(&dir, &["tag", "-f", "-a", "-m", "moved", "v1.0.0"]);
        git(&dir, &["tag", "b"]);
        std::fs::write(dir.join(".git/refs/tags/v9.lock"), "0".repeat(40) + "\n").unwrap();
        let listed = here(&dir).expect("plain loose refs are read here");
        assert_eq!(as_gix(&listed), by_gix(&dir));
        assert_eq!(listed.len(), 7);
        // git wrote the `peeled` trait: a packed tag without a `^` line is lightweight, and
        // whether it is on a commit is known from the ref alone.
        for r in &listed {
            assert_eq!(r.peel_known, !r.loose, "{r:?}");
        }
        let light = listed.iter().find(|r| r.name == "a/b").unwrap();
        let one = Oid(gix::ObjectId::from_hex(&git(&dir, &["rev-parse", "HEAD~1"])[..40]).unwrap());
        let two = Oid(gix::ObjectId::from_hex(&git(&dir, &["rev-parse", "HEAD"])[..40]).unwrap());
        assert_eq!(
            (light.on_commit(one), light.on_commit(two)),
            (Some(true), Some(false))
        );
        let annotated = listed.iter().find(|r| r.name == "a-b").unwrap();
        assert_eq!(
            (annotated.on_commit(one), annotated.on_commit(two)),
            (Some(true), Some(false))
        );
        // Without the trait, only reading the object tells.
        let packed = std::fs::read_to_string(dir.join(".git/packed-refs")).unwrap();
        let (header, rest) = packed.split_once('\n').unwrap();
        assert!(header.contains(" peeled"), "{header}");
        std::fs::write(
            dir.join(".git/packed-refs"),
            format!("# pack-refs with: sorted \n{rest}"),
        )
        .unwrap();
        let listed = here(&dir).unwrap();
        assert!(listed.iter().all(|r| !r.peel_known));
        let light = listed.iter().find(|r| r.name == "a/b").unwrap();
        assert_eq!(
            (light.on_commit(one), light.on_commit(two)),
            (Some(true), None)
        );
        std::fs::write(dir.join(".git/packed-refs"), packed).unwrap();
        let v1 = listed.iter().find(|r| r.name == "v1.0.0").unwrap();
        assert!(
            v1.loose && v1.peeled.is_none(),
            "the loose ref wins: {v1:?}"
        );
        let packed = listed.iter().find(|r| r.name == "a-b").unwrap();
        assert!(!packed.loose && packed.peeled.is_some(), "{packed:?}");

        // No refs/tags directory at all: the packed tags alone, v1.0.0 as packed before.
        std::fs::remove_dir_all(dir.join(".git/refs/tags")).unwrap();
        let listed = here(&dir).expect("packed refs are read here");
        assert_eq!(as_gix(&listed), by_gix(&dir));
        assert_eq!(listed.len(), 6);
        assert!(listed.iter().all(|r| !r.loose));
    }

    #[test]
    fn a_remote_head_is_read_from_its_file() {
        let dir = fresh_dir("refs-remote-head");
        git(&dir, &["init", "-q"]);
        git(&dir, &["commit", "-q", "--allow-empty", "-m", "one"]);
        git(&dir, &["update-ref", "refs/remotes/origin/trunk", "HEAD"]);
        git(
            &dir,
            &[
                "symbolic-ref",
                "refs/remotes/origin/HEAD",
                "refs/remotes/origin/trunk",
            ],
        );
        let head = dir.join(".git/refs/remotes/origin/HEAD");
        assert_eq!(
            symbolic_target(&head).as_deref(),
            Some("refs/remotes/origin/trunk")
        );
        let repo = Repo::wrap(gix::open(&dir).unwrap());
        // No remote is configured: nothing is asked of the file.
        assert!(repo.remote_default_branches().unwrap().is_empty());
        git(&dir, &["remote", "add", "origin", "/nowhere"]);
        let repo = Repo::wrap(gix::open(&dir).unwrap());
        assert_eq!(
            repo.remote_default_branches().unwrap(),
            [("origin".to_string(), "trunk".to_string())]
        );
        for (what, bytes) in [
            (
                "spaces and CRLF, as gix reads them",
                &b"ref:   refs/remotes/origin/x\r\n"[..],
            ),
            ("no newline", b"ref: refs/remotes/origin/x"),
        ] {
            std::fs::write(&head, bytes).unwrap();
            assert_eq!(
                symbolic_target(&head).as_deref(),
                Some("refs/remotes/origin/x"),
                "{what}"
            );
        }
        for (what, bytes) in [
            (
                "an object id",
                &b"0123456789012345678901234567890123456789\n"[..],
            ),
            ("an invalid target", b"ref: refs/remotes/origin/a..b\n"),
            ("empty", b""),
        ] {
            std::fs::write(&head, bytes).unwrap();
            assert_eq!(symbolic_target(&head), None, "{what}");
        }
        std::fs::remove_file(&head).unwrap();
        assert_eq!(symbolic_target(&head), None, "missing");
    }

    #[test]
    fn what_is_not_a_plain_object_id_is_left_to_gix() {
        let dir = fresh_dir("refs-declined");
        git(&dir, &["init", "-q"]);
        git(&dir, &["commit", "-q", "--allow-empty", "-m", "one"]);
        git(&dir, &["tag", "v1.0.0"]);
        let tags = dir.join(".git/refs/tags");
        let id = std::fs::read(tags.join("v1.0.0")).unwrap();
        assert!(here(&dir).is_some());
        let declined = |what: &str, name: &str, bytes: &[u8]| {
            std::fs::write(tags.join(name), bytes).unwrap();
            assert_eq!(here(&dir), None, "{what}");
            std::fs::remove_file(tags.join(name)).unwrap();
            assert!(here(&dir).is_some(), "{what}: the check is the file's");
        };
        declined("symbolic", "sym", b"ref: refs/tags/v1.0.0\n");
        declined("no newline", "bare", &id[..40]);
        declined("CRLF", "crlf", &[&id[..40], b"\r\n"].concat());
        declined(
            "upper case",
            "upper",
            &[id[..40].to_ascii_uppercase(), b"\n".to_vec()].concat(),
        );
        declined("short", "short", &[&id[..39], b"\n"].concat());
        declined("trailing", "trailing", &[&id[..], b"x"].concat());
        declined("empty", "empty", b"");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("v1.0.0", tags.join("link")).unwrap();
            assert_eq!(here(&dir), None, "a symlink");
            std::fs::remove_file(tags.join("link")).unwrap();
        }
        // gix reads the symbolic ref; it still lists what it did before.
        std::fs::write(tags.join("sym"), b"ref: refs/tags/v1.0.0\n").unwrap();
        let repo = Repo::wrap(gix::open(&dir).unwrap());
        let names: Vec<String> = repo
            .tag_refs()
            .unwrap()
            .iter()
            .map(|r| r.name.clone())
            .collect();
        assert_eq!(names, ["sym", "v1.0.0"]);
    }
}
