//! Git hook protocols: which hook we are running as, and the lines git writes to a hook's stdin.
//!
//! This module parses; it never opens the repository, so `reference-transaction` can decide that
//! a non-tag update needs no work before anything is loaded. Object ids stay hex strings here
//! (40 for SHA-1, 64 for SHA-256; all zeros means "absent"), and ref names stay bytes: git allows
//! names that are not UTF-8, and the local-ref field of pre-push may contain spaces.

use std::io::{IsTerminal, Read};

use crate::error::{Error, Result};

/// The git hooks relgate can run as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hook {
    PreCommit,
    PreMergeCommit,
    PrepareCommitMsg,
    PrePush,
    ReferenceTransaction,
}

impl Hook {
    pub const ALL: [Hook; 5] = [
        Hook::PreCommit,
        Hook::PreMergeCommit,
        Hook::PrepareCommitMsg,
        Hook::PrePush,
        Hook::ReferenceTransaction,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Hook::PreCommit => "pre-commit",
            Hook::PreMergeCommit => "pre-merge-commit",
            Hook::PrepareCommitMsg => "prepare-commit-msg",
            Hook::PrePush => "pre-push",
            Hook::ReferenceTransaction => "reference-transaction",
        }
    }

    pub fn from_name(name: &str) -> Option<Hook> {
        Hook::ALL.into_iter().find(|h| h.name() == name)
    }

    /// The hook named by a program path (`.git/hooks/pre-push` → `PrePush`).
    pub fn from_program(argv0: &std::ffi::OsStr) -> Option<Hook> {
        let base = std::path::Path::new(argv0).file_name()?.to_str()?;
        Hook::from_name(base)
    }
}

/// An object id as git printed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexId(pub String);

impl HexId {
    pub fn is_zero(&self) -> bool {
        self.0.bytes().all(|b| b == b'0')
    }
}

fn parse_hex_id(field: &[u8], what: &str, proto: &str, line_no: usize) -> Result<HexId> {
    let ok = (field.len() == 40 || field.len() == 64) && field.iter().all(u8::is_ascii_hexdigit);
    if !ok {
        return Err(Error::new(format!(
            "malformed {proto} input on line {line_no}: {what} `{}` is not an object id; expected 40 or 64 hex digits",
            crate::diag::escape_bytes(field)
        )));
    }
    // Checked ASCII above.
    Ok(HexId(String::from_utf8_lossy(field).to_ascii_lowercase()))
}

/// One line of pre-push input: `<local ref> <local oid> <remote ref> <remote oid>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushLine {
    pub local_ref: Vec<u8>,
    pub local_oid: HexId,
    pub remote_ref: Vec<u8>,
    pub remote_oid: HexId,
}

impl PushLine {
    /// The remote ref is being deleted (`git push origin :ref`).
    pub fn is_delete(&self) -> bool {
        self.local_oid.is_zero()
    }

    /// The remote ref does not exist yet.
    pub fn is_create(&self) -> bool {
        self.remote_oid.is_zero() && !self.local_oid.is_zero()
    }

    pub fn remote_ref_lossy(&self) -> String {
        String::from_utf8_lossy(&self.remote_ref).into_owned()
    }
}

/// Parses git's pre-push stdin. Each line is split from the right into four fields, because the
/// local ref is whatever the user typed (`HEAD~1`, a name with spaces). Empty input is an empty
/// push. Anything malformed is an error naming the line.
pub fn parse_pre_push(input: &[u8]) -> Result<Vec<PushLine>> {
    let mut out = Vec::new();
    for (i, raw) in input.split(|&b| b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let n = i + 1;
        let mut fields = line.rsplitn(4, |&b| b == b' ');
        let remote_oid = fields.next().unwrap_or_default();
        let remote_ref = fields.next();
        let local_oid = fields.next();
        let local_ref = fields.next();
        let (Some(remote_ref), Some(local_oid), Some(local_ref)) =
            (remote_ref, local_oid, local_ref)
        else {
            return Err(Error::new(format!(
                "malformed pre-push input on line {n}: `{}`; expected `<local ref> <local oid> <remote ref> <remote oid>`",
                crate::diag::escape_bytes(line)
            )));
        };
        if remote_ref.is_empty() || local_ref.is_empty() {
            return Err(Error::new(format!(
                "malformed pre-push input on line {n}: empty ref name in `{}`",
                crate::diag::escape_bytes(line)
            )));
        }
        let local_oid = parse_hex_id(local_oid, "local oid", "pre-push", n)?;
        let remote_oid = parse_hex_id(remote_oid, "remote oid", "pre-push", n)?;
        if local_oid.0.len() != remote_oid.0.len() {
            return Err(Error::new(format!(
                "malformed pre-push input on line {n}: object ids of different lengths (SHA-1 and SHA-256 mixed)"
            )));
        }
        out.push(PushLine {
            local_ref: local_ref.to_vec(),
            local_oid,
            remote_ref: remote_ref.to_vec(),
            remote_oid,
        });
    }
    Ok(out)
}

/// What pre-commit and prek tell a hook at their pre-push stage, where it gets no stdin: the
/// first ref of the push that carries commits the remote lacks, and nothing about the others
/// (a tag pushed with the branch, a deletion). relgate's raw `hooks/pre-push` sees every line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameworkPush {
    /// `PRE_COMMIT_REMOTE_BRANCH`: the full remote ref (`refs/heads/main`, `refs/tags/v1.2.0`).
    pub remote_ref: String,
    /// `PRE_COMMIT_LOCAL_BRANCH`, as typed in the push (`refs/heads/x`, `HEAD~1`).
    pub local_ref: String,
    /// `PRE_COMMIT_TO_REF`: the pushed object; unset when the push starts at a root commit.
    pub to: Option<HexId>,
}

impl FrameworkPush {
    /// As a pre-push line, when the pushed object is known. The remote side is taken as absent:
    /// the framework's `PRE_COMMIT_FROM_REF` is the remote's old object only sometimes (else the
    /// parent of the first new commit), so a move cannot be told from a creation here.
    pub fn line(&self) -> Option<PushLine> {
        let to = self.to.clone()?;
        Some(PushLine {
            local_ref: self.local_ref.clone().into_bytes(),
            remote_oid: HexId("0".repeat(to.0.len())),
            local_oid: to,
            remote_ref: self.remote_ref.clone().into_bytes(),
        })
    }
}

/// The framework's pre-push variables, or `None` when `PRE_COMMIT_REMOTE_BRANCH` is not set
/// (any other stage, or a run by hand). A `PRE_COMMIT_TO_REF` that is no object id is an error.
pub fn framework_push() -> Result<Option<FrameworkPush>> {
    let Some(remote_ref) = std::env::var_os("PRE_COMMIT_REMOTE_BRANCH") else {
        return Ok(None);
    };
    let text = |v: std::ffi::OsString, name: &str| {
        v.into_string().map_err(|v| {
            Error::new(format!(
                "{name} `{}` is not UTF-8; expected a ref name",
                v.to_string_lossy()
            ))
        })
    };
    let remote_ref = text(remote_ref, "PRE_COMMIT_REMOTE_BRANCH")?;
    let local_ref = match std::env::var_os("PRE_COMMIT_LOCAL_BRANCH") {
        Some(v) => text(v, "PRE_COMMIT_LOCAL_BRANCH")?,
        None => "HEAD".to_string(),
    };
    let to = match std::env::var("PRE_COMMIT_TO_REF") {
        Ok(v) if !v.is_empty() => Some(
            parse_hex_id(v.as_bytes(), "PRE_COMMIT_TO_REF", "pre-commit", 1).map_err(|_| {
                Error::new(format!(
                    "PRE_COMMIT_TO_REF `{}` is not an object id; expected 40 or 64 hex digits",
                    crate::diag::escape(&v)
                ))
            })?,
        ),
        _ => None,
    };
    Ok(Some(FrameworkPush {
        remote_ref,
        local_ref,
        to,
    }))
}

/// One line of reference-transaction input: `<old-value> <new-value> <ref-name>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefUpdate {
    /// `None` for a symbolic-ref value (`ref:<target>`).
    pub old: Option<HexId>,
    pub new: Option<HexId>,
    pub name: Vec<u8>,
}

impl RefUpdate {
    /// The update creates the ref (old value absent, new value present).
    pub fn is_create(&self) -> bool {
        self.old.as_ref().is_some_and(HexId::is_zero)
            && self.new.as_ref().is_some_and(|n| !n.is_zero())
    }
}

fn parse_value(field: &[u8], what: &str, n: usize) -> Result<Option<HexId>> {
    if field.starts_with(b"ref:") {
        return Ok(None);
    }
    parse_hex_id(field, what, "reference-transaction", n).map(Some)
}

/// Parses reference-transaction stdin. Ref names cannot contain spaces, so each line is exactly
/// three fields.
pub fn parse_reference_transaction(input: &[u8]) -> Result<Vec<RefUpdate>> {
    let mut out = Vec::new();
    for (i, raw) in input.split(|&b| b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() {
            continue;
        }
        let n = i + 1;
        let fields: Vec<&[u8]> = line.splitn(3, |&b| b == b' ').collect();
        let [old, new, name] = fields[..] else {
            return Err(Error::new(format!(
                "malformed reference-transaction input on line {n}: `{}`; expected `<old-value> <new-value> <ref-name>`",
                crate::diag::escape_bytes(line)
            )));
        };
        if name.is_empty() || name.contains(&b' ') {
            return Err(Error::new(format!(
                "malformed reference-transaction input on line {n}: bad ref name `{}`",
                crate::diag::escape_bytes(name)
            )));
        }
        out.push(RefUpdate {
            old: parse_value(old, "old value", n)?,
            new: parse_value(new, "new value", n)?,
            name: name.to_vec(),
        });
    }
    Ok(out)
}

/// Reads all of stdin, for hook modes only. A terminal is never read (a person running the hook
/// by hand would wait forever); that counts as empty input.
pub fn read_stdin() -> Result<Vec<u8>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(Vec::new());
    }
    let mut buf = Vec::new();
    // A bound keeps garbage from costing unbounded memory, set far above what git sends: a
    // `git push --mirror` of a million refs is about 200 MB of pre-push lines.
    const LIMIT: u64 = 1 << 30;
    stdin
        .lock()
        .take(LIMIT + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::new("cannot read hook input from stdin").caused_by(e))?;
    if buf.len() as u64 > LIMIT {
        return Err(Error::new(
            "hook input on stdin is larger than 1 GiB; expected git's hook lines",
        ));
    }
    Ok(buf)
}

/// The names `RELGATE_SKIP` may hold, besides `all`.
pub const GATES: [&str; 5] = [
    "validate-tag",
    "check-version-sync",
    "lint-changelog",
    "guard-master-commit",
    "check-release-ready",
];

/// `RELGATE_SKIP=<bin>[,<bin>...]` or `all`.
pub fn skipped(tool: &str) -> bool {
    std::env::var("RELGATE_SKIP")
        .is_ok_and(|v| v.split(',').map(str::trim).any(|s| s == "all" || s == tool))
}

/// The names in `RELGATE_SKIP` that are no gate (and not `all`), each with the nearest gate:
/// a typo must not skip nothing in silence.
pub fn unknown_skips() -> Vec<(String, Option<&'static str>)> {
    let Some(value) = std::env::var_os("RELGATE_SKIP") else {
        return Vec::new();
    };
    unknown_in(&value.to_string_lossy())
}

fn unknown_in(value: &str) -> Vec<(String, Option<&'static str>)> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "all" && !GATES.contains(s))
        .map(|s| {
            let best = crate::config::nearest(s, GATES.iter().copied().chain(["all"]));
            (s.to_string(), best)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const Z: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn pre_push_splits_from_the_right() {
        let input = format!("refs/heads/my branch {A} refs/heads/main {Z}\n");
        let lines = parse_pre_push(input.as_bytes()).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].local_ref, b"refs/heads/my branch");
        assert_eq!(lines[0].remote_ref, b"refs/heads/main");
        assert!(lines[0].is_create());
        assert!(!lines[0].is_delete());
    }

    #[test]
    fn pre_push_many_lines_delete_and_sha256() {
        let z64 = "0".repeat(64);
        let a64 = "a".repeat(64);
        let input =
            format!("(delete) {z64} refs/heads/main {a64}\nHEAD {a64} refs/tags/v1.0.0 {z64}\n\n");
        let lines = parse_pre_push(input.as_bytes()).unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].is_delete());
        assert!(lines[1].is_create());
    }

    #[test]
    fn pre_push_empty_is_nothing_to_push() {
        assert!(parse_pre_push(b"").unwrap().is_empty());
        assert!(parse_pre_push(b"\n\n").unwrap().is_empty());
    }

    #[test]
    fn pre_push_garbage_names_the_line() {
        let e = parse_pre_push(b"hello world\n").unwrap_err().to_string();
        assert!(e.contains("line 1"), "{e}");
        let e = parse_pre_push(format!("a {A} b xyz\n").as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("remote oid `xyz`"), "{e}");
        let mixed = format!("a {A} b {}\n", "0".repeat(64));
        assert!(parse_pre_push(mixed.as_bytes()).is_err());
        assert!(parse_pre_push(b"\xff\xfe").is_err());
    }

    #[test]
    fn reference_transaction_lines() {
        let input = format!("{Z} {A} refs/tags/v1.2\nref:refs/heads/a ref:refs/heads/b HEAD\n");
        let ups = parse_reference_transaction(input.as_bytes()).unwrap();
        assert!(ups[0].is_create());
        assert_eq!(ups[1].old, None);
        assert!(parse_reference_transaction(b"x y").is_err());
        assert!(parse_reference_transaction(format!("{Z} {A} a b").as_bytes()).is_err());
    }

    #[test]
    fn relgate_skip_typos_name_the_nearest_gate() {
        assert!(unknown_in("guard-master-commit, all,").is_empty());
        assert_eq!(
            unknown_in("check-versoin-sync,validate-tag"),
            [("check-versoin-sync".to_string(), Some("check-version-sync"))]
        );
        assert_eq!(unknown_in("al"), [("al".to_string(), Some("all"))]);
        assert_eq!(unknown_in("zzzzzzzzzz"), [("zzzzzzzzzz".to_string(), None)]);
    }

    #[test]
    fn hook_names() {
        assert_eq!(
            Hook::from_program("/r/.git/hooks/pre-push".as_ref()),
            Some(Hook::PrePush)
        );
        assert_eq!(Hook::from_program("guard-master-commit".as_ref()), None);
        for h in Hook::ALL {
            assert_eq!(Hook::from_name(h.name()), Some(h));
        }
    }
}
