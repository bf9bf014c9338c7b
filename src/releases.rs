//! The repository's release tags: every tag that names a version, in the configured (or
//! inferred) spelling or in the other common one (`v1.2.3` beside `1.2.3`), read from the tag
//! list once per run without reading any object.
//!
//! A version is released once, whatever its spelling (DESIGN §3): every check that asks "is
//! this version taken?", "what is the newest release?" or "how many releases are there?" asks
//! this list, so `0.28.1` counts where tags take `v`, and `v0.28.1` where they are bare.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::TagsConfig;
use crate::error::Result;
use crate::git::{Repo, TagRef};
use crate::version::{self, Spelling, TagVersion};

/// Tag lists read in this run, one per tag scheme (`RELGATE_STATS`).
pub static LISTS: AtomicUsize = AtomicUsize::new(0);
/// Tag names judged against a tag scheme in this run (`RELGATE_STATS`): a workspace's members
/// each judge their own tags, not every tag of the repository.
pub static NAMES_JUDGED: AtomicUsize = AtomicUsize::new(0);

/// Counts one tag name judged against a scheme.
pub fn judged() {
    NAMES_JUDGED.fetch_add(1, Ordering::Relaxed);
}

/// A tag that names a version.
#[derive(Debug, Clone)]
pub struct ReleaseTag {
    pub tag: TagRef,
    pub version: TagVersion,
    pub spelling: Spelling,
}

/// The release tags and how many tags were release-tag candidates at all.
#[derive(Debug, Clone, Default)]
pub struct ReleaseTags {
    pub tags: Vec<ReleaseTag>,
    /// Tags that look like versions (DESIGN §3's candidates), valid or not.
    pub candidates: usize,
    /// The candidates whose version part the grammar rejects (`v26.4`, `1.2.0-RC1`): no
    /// release tags, but what a release must not name again ([`Self::naming`]).
    pub rejected: Vec<TagRef>,
}

impl ReleaseTags {
    /// The rejected candidates that name `version` as PEP 440 reads them (`v26.4` names 26.4.0,
    /// `V1.2.0` names 1.2.0; `0.13.0.dev0` does not name 0.13.0): a version tagged in a spelling
    /// the grammar rejects is still taken.
    pub fn naming<'t>(
        &'t self,
        version: &version::Version,
        tags: &TagsConfig,
    ) -> impl Iterator<Item = &'t TagRef> {
        self.rejected
            .iter()
            .filter(move |r| version::lenient_names(&r.name, tags, version))
    }
}

/// Reads the release tags of `repo` as `tags` spells them, once per scheme and run (with
/// thousands of tags, parsing every name is most of a single tag's check, and inferring the
/// conventions reads the same list).
pub fn list(repo: &Repo, tags: &TagsConfig) -> Result<Arc<ReleaseTags>> {
    // Keyed by what reading a tag's name depends on: not by where the scheme was inferred
    // from, the release branches or `since`, which a run learns between two lists of one
    // scheme (the conventions list the tags before the branches are inferred).
    let TagsConfig {
        prefix,
        pattern,
        grammar,
        pep440_spellings,
        ignore,
        package,
        require_annotated: _,
        release_branches: _,
        since: _,
        inferred_from: _,
    } = tags;
    let key = format!(
        "release tags {prefix:?} {pattern:?} {grammar:?} {pep440_spellings} {ignore:?} {package:?}"
    );
    repo.memo(&key, || {
        LISTS.fetch_add(1, Ordering::Relaxed);
        let others = version::other_spellings(tags);
        let mut out = ReleaseTags::default();
        for r in readable(repo, tags)? {
            judged();
            if !version::is_candidate(&r.name, tags) {
                continue;
            }
            out.candidates += 1;
            match version::read_tag(&r.name, tags, &others) {
                Some((v, spelling)) => out.tags.push(ReleaseTag {
                    tag: r.clone(),
                    version: v,
                    spelling,
                }),
                None => out.rejected.push(r.clone()),
            }
        }
        Ok(out)
    })
}

/// The tags `tags` may read, in the order listed: for a workspace member's prefix, only the
/// names that start with it, found by binary search in the names sorted once per run. Every
/// member's list then costs its own tags, not all of the repository's: uv's 71 schemes judged
/// its 303 tags 21,513 times (5 % of its check-version-sync). The root's and a pattern's tags
/// may be spelled any way.
fn readable<'r>(repo: &'r Repo, tags: &TagsConfig) -> Result<Vec<&'r TagRef>> {
    let refs = repo.tag_refs()?;
    let Some(prefix) = version::member_prefix(tags) else {
        return Ok(refs.iter().collect());
    };
    let sorted = by_name(repo)?;
    let first = sorted.partition_point(|&i| refs[i].name.as_str() < prefix);
    let mut own: Vec<usize> = sorted[first..]
        .iter()
        .copied()
        .take_while(|&i| refs[i].name.starts_with(prefix))
        .collect();
    own.sort_unstable();
    Ok(own.into_iter().map(|i| &refs[i]).collect())
}

/// The indexes of the tag refs in the order of their names, sorted once per run (the
/// members' tag forms are told from the same order, [`crate::packages::packages`]).
pub fn by_name(repo: &Repo) -> Result<Arc<Vec<usize>>> {
    repo.memo("tag refs by name", || {
        let refs = repo.tag_refs()?;
        let mut order: Vec<usize> = (0..refs.len()).collect();
        order.sort_unstable_by(|&a, &b| refs[a].name.cmp(&refs[b].name));
        Ok(order)
    })
}

/// Does `name` name a version in some form, whatever its prefix: `1.2.3`, `v1.2.3`,
/// `tokio-1.53.1`, `core@2.0.0`, `cli/v1.2.0`, `setuptools-scm-v10.2.1`? A version here is a
/// number, a dot and a number, at the start or after `-`, `_`, `@` or `/` (and an optional `v`).
pub fn looks_versioned(name: &str) -> bool {
    let b = name.as_bytes();
    (0..b.len()).any(|i| {
        if i > 0 && !matches!(b[i - 1], b'-' | b'_' | b'@' | b'/') {
            return false;
        }
        let mut j = i;
        if matches!(b.get(j), Some(b'v' | b'V')) {
            j += 1;
        }
        let digits = b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        digits > 0
            && b.get(j + digits) == Some(&b'.')
            && b.get(j + digits + 1).is_some_and(u8::is_ascii_digit)
    })
}

/// How many tags name a version in some form ([`looks_versioned`]), release tags or not: a
/// clone whose only tags are `tokio-1.53.1` still has its release history.
pub fn version_like_count(repo: &Repo) -> Result<usize> {
    Ok(repo
        .tag_refs()?
        .iter()
        .filter(|r| looks_versioned(&r.name))
        .count())
}

#[cfg(test)]
mod tests {
    use super::looks_versioned;

    #[test]
    fn version_like_tags_whatever_their_prefix() {
        for t in [
            "1.2.3",
            "v1.2",
            "tokio-1.53.1",
            "tokio-util-0.7.19",
            "core@2.0.0",
            "cli/v1.2.0",
            "setuptools-scm-v10.2.1",
            "py_1.0",
        ] {
            assert!(looks_versioned(t), "{t}");
        }
        for t in [
            "latest",
            "v1",
            "release-candidate",
            "x1.2",
            "build-12",
            "1.",
        ] {
            assert!(!looks_versioned(t), "{t}");
        }
    }
}
