//! The revisions `check-version-sync --at REV` and `guard-master-commit --history BASE..HEAD`
//! name, resolved to a commit.
//!
//! Not gix's `rev_parse`: its parser takes the whole of git's revision syntax, reflog dates and
//! upstreams included, and links jiff's time-zone database, gix's revision machinery and the
//! remotes' refspecs into every binary that calls it. Without it check-version-sync is 3.86 MB
//! instead of 4.48 MB (DESIGN §7: at most 4 MB) and guard-master-commit 3.02 MB instead of
//! 3.83 MB; `@{upstream}` alone would put 124 KB back. What those options are given is a name
//! or an object id, with at most a walk down the parents (`v1.2.0`, `HEAD~1`, `origin/main`,
//! a CI's commit ids): that is read here, with gix's own lookups (git's order of ref names,
//! abbreviated ids). The rest of git's syntax is refused with exit 2, naming `git rev-parse`
//! to resolve it first.

use super::{Oid, Repo, git_err_with};
use crate::error::{Error, Result};

impl Repo {
    /// Resolves a revision (`HEAD~3`, `v1.2.0`, a hex id) to the commit it names.
    pub fn rev_parse_commit(&self, spec: &str) -> Result<Oid> {
        // A ref name holds neither `~` nor `^` (git-check-ref-format): the first one starts
        // the suffixes.
        let (base, mut rest) = spec.split_at(spec.find(['~', '^']).unwrap_or(spec.len()));
        let mut oid = self.rev_base(spec, base)?;
        while let Some(op) = rest.chars().next() {
            let after = &rest[op.len_utf8()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let (n, after) = match after.split_at(digits) {
                ("", after) => (None, after),
                (n, after) => (Some(n.parse::<usize>().map_err(|_| unread(spec))?), after),
            };
            rest = after;
            let commit = self.commit_of(spec, oid)?;
            oid = match (op, n) {
                // `~N`: N first parents down; `~` is `~1`.
                ('~', n) => (0..n.unwrap_or(1)).try_fold(commit, |c, _| self.parent(spec, c, 1))?,
                // `^{}` and `^{commit}`: the commit the name peels to.
                ('^', None) if rest.starts_with('{') => {
                    let close = rest.find('}').ok_or_else(|| unread(spec))?;
                    if !matches!(&rest[1..close], "" | "commit") {
                        return Err(unread(spec));
                    }
                    rest = &rest[close + 1..];
                    commit
                }
                // `^0`: the commit itself; `^N`: its N-th parent; `^` is `^1`.
                ('^', Some(0)) => commit,
                ('^', n) => self.parent(spec, commit, n.unwrap_or(1))?,
                _ => return Err(unread(spec)),
            };
        }
        self.commit_of(spec, oid)
    }

    /// The object `base` names: `HEAD` (`@`), a ref name as git reads one (`main`,
    /// `origin/main`, `v1.2.0`, `refs/tags/v1.2.0`), a full object id, or an abbreviated one
    /// no ref name takes.
    fn rev_base(&self, spec: &str, base: &str) -> Result<Oid> {
        // `<rev>:<path>`, `:/text`; `@{…}` (reflog entries, dates, upstreams): a ref name
        // holds neither `:` nor `@{`.
        if base.contains(':') || base.contains("@{") {
            return Err(unread(spec));
        }
        let name = if base == "@" { "HEAD" } else { base };
        let hash = self.repo.object_hash();
        let hex = !name.is_empty() && name.bytes().all(|b| b.is_ascii_hexdigit());
        if hex && name.len() == hash.len_in_hex() {
            let id = gix::ObjectId::from_hex(name.as_bytes()).map_err(|_| unread(spec))?;
            if !self.repo.has_object(id) {
                return Err(Error::new(format!(
                    "cannot resolve revision `{spec}`: no such object in this repository"
                )));
            }
            return Ok(Oid(id));
        }
        // A name git cannot have (`a b`) is no ref; it may still be an abbreviated id.
        if let Ok(Some(mut r)) = self.repo.try_find_reference(name) {
            let id = r
                .peel_to_id()
                .map_err(git_err_with(|| format!("cannot resolve revision `{spec}`")))?;
            return Ok(Oid(id.detach()));
        }
        if hex && name.len() >= 4 {
            let prefix = gix::hash::Prefix::from_hex(name).map_err(|_| unread(spec))?;
            let found = self.repo.objects.lookup_prefix(prefix, None).map_err(|e| {
                Error::new(format!("cannot resolve revision `{spec}`")).caused_by(e)
            })?;
            match found {
                Some(Ok(id)) => return Ok(Oid(id)),
                Some(Err(())) => {
                    return Err(Error::new(format!(
                        "revision `{spec}`: the abbreviated id `{name}` names several objects; \
                         give more of it"
                    )));
                }
                None => {}
            }
        }
        Err(Error::new(format!(
            "cannot resolve revision `{spec}`; expected a commit, branch or tag"
        )))
    }

    /// The commit `oid` peels to, or why `spec` names none.
    fn commit_of(&self, spec: &str, oid: Oid) -> Result<Oid> {
        self.peel_to_commit(oid)?
            .ok_or_else(|| Error::new(format!("revision `{spec}` does not name a commit")))
    }

    /// The `n`-th parent (from 1) of commit `commit`.
    fn parent(&self, spec: &str, commit: Oid, n: usize) -> Result<Oid> {
        let c = self
            .repo
            .find_commit(commit.0)
            .map_err(git_err_with(|| format!("cannot read commit {commit}")))?;
        let parent = n.checked_sub(1).and_then(|k| c.parent_ids().nth(k));
        parent.map(|p| Oid(p.detach())).ok_or_else(|| {
            Error::new(format!(
                "cannot resolve revision `{spec}`: commit {} has no parent {n}",
                commit.short()
            ))
        })
    }
}

/// A revision in git syntax this reader does not take (`@{u}`, `:/fix`, `v1^{tree}`).
fn unread(spec: &str) -> Error {
    Error::new(format!(
        "cannot resolve revision `{spec}`: relgate reads branch and tag names, object ids and \
         `~N` / `^N`; resolve it first with `git rev-parse` and pass the id"
    ))
}
