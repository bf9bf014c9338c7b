//! Versions and release tags: SemVer 2.0.0 and PEP 440, the three tag grammars, equivalence and
//! ordering.
//!
//! This module owns every judgement about a version string: whether a tag name is a release-tag
//! candidate (DESIGN §3), whether its version part fits the configured grammar (and if not, which
//! part is wrong and what was expected), how a tag relates to a version written in a file, and how
//! two versions compare. SemVer is parsed by the `semver` crate and ordered with
//! `cmp_precedence` (its `Ord` includes build metadata, which SemVer precedence ignores); PEP 440
//! is parsed and normalised by `pep440_rs`, never by hand. The grammar checks below only *explain*
//! failures and enforce relgate's stricter rules on top of those parsers.
//!
//! It must not read files, touch git or print: callers pass strings and get values or messages.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::config::{Grammar, TagsConfig};

/// The version rules a source follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    /// PEP 440: pyproject.toml, setup.cfg, `__version__`, conda recipes.
    Python,
    /// SemVer 2.0.0: Cargo, npm, Helm.
    Semver,
}

impl Ecosystem {
    /// The name of the version scheme, for messages.
    pub fn scheme(self) -> &'static str {
        match self {
            Ecosystem::Python => "PEP 440",
            Ecosystem::Semver => "SemVer 2.0.0",
        }
    }
}

/// A version as written in a file, with its parsed forms.
#[derive(Debug, Clone)]
pub struct Version {
    raw: String,
    eco: Ecosystem,
    semver: Option<semver::Version>,
    pep440: Option<pep440_rs::Version>,
}

impl Version {
    /// Parses `raw` by the rules of `eco`. The error says why it is no version there.
    ///
    /// Python versions keep a SemVer form when the text also happens to be valid SemVer; SemVer
    /// versions keep the PEP 440 form a Python build of the same project (maturin) would get,
    /// when there is a faithful one (see [`semver_to_pep440`]).
    pub fn parse(raw: &str, eco: Ecosystem) -> Result<Version, String> {
        if raw.trim().is_empty() {
            return Err("the value is empty".to_string());
        }
        match eco {
            Ecosystem::Python => {
                let pep440 = pep440_rs::Version::from_str(raw).map_err(|e| {
                    format!(
                        "not a PEP 440 version: {}",
                        clip(&e.to_string(), MAX_SHOWN * 2)
                    )
                })?;
                Ok(Version {
                    raw: raw.to_string(),
                    eco,
                    semver: semver::Version::parse(raw).ok(),
                    pep440: Some(pep440),
                })
            }
            Ecosystem::Semver => {
                let sv = semver::Version::parse(raw).map_err(|e| semver_error(raw, &e))?;
                let pep440 = semver_to_pep440(&sv);
                Ok(Version {
                    raw: raw.to_string(),
                    eco,
                    semver: Some(sv),
                    pep440,
                })
            }
        }
    }

    /// A version as npm reads package.json: SemVer, with one leading `v` and surrounding
    /// blanks allowed (node-semver's strict parse, which `npm version` uses). The text is kept
    /// as written; [`Version::normalized`] gives what npm reads. `None` when npm would reject
    /// it too.
    pub fn parse_npm(raw: &str) -> Option<Version> {
        let t = raw.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let sv = semver::Version::parse(t).ok()?;
        Some(Version {
            raw: raw.to_string(),
            eco: Ecosystem::Semver,
            pep440: semver_to_pep440(&sv),
            semver: Some(sv),
        })
    }

    /// The text exactly as found.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    pub fn ecosystem(&self) -> Ecosystem {
        self.eco
    }

    /// The SemVer form, if the text is valid SemVer.
    pub fn semver(&self) -> Option<&semver::Version> {
        self.semver.as_ref()
    }

    /// The PEP 440 form (always present for Python versions).
    pub fn pep440(&self) -> Option<&pep440_rs::Version> {
        self.pep440.as_ref()
    }

    /// The ecosystem's normal spelling: PEP 440's canonical string, or the SemVer string.
    pub fn normalized(&self) -> String {
        match (self.eco, &self.pep440, &self.semver) {
            (Ecosystem::Python, Some(p), _) => p.to_string(),
            (Ecosystem::Semver, _, Some(s)) => s.to_string(),
            _ => self.raw.clone(),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// How two spellings of a version relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// The same version, each written in its ecosystem's normal form.
    Equal,
    /// The same version under PEP 440, but at least one side is not written canonically
    /// (`1.2` for `1.2.0`, `1.2.0-rc1` in a Python file): `version-non-canonical`.
    EqualNonCanonical,
    Different,
}

/// Orders two versions: by PEP 440 when either is a Python version, by SemVer precedence
/// otherwise. `None` when they cannot be compared (a SemVer version with no PEP 440 form).
pub fn compare(a: &Version, b: &Version) -> Option<Ordering> {
    if a.eco == Ecosystem::Python || b.eco == Ecosystem::Python {
        Some(a.pep440.as_ref()?.cmp(b.pep440.as_ref()?))
    } else {
        Some(a.semver.as_ref()?.cmp_precedence(b.semver.as_ref()?))
    }
}

/// DESIGN §3 equivalence between two file versions: exact SemVer between two SemVer sources
/// (`1.2.0-rc.1` ≠ `1.2.0-rc1`), PEP 440 equality as soon as one side is Python (a maturin
/// project's `1.2.0rc1` and `1.2.0-rc.1` agree).
pub fn agree(a: &Version, b: &Version) -> Agreement {
    if a.eco == Ecosystem::Semver && b.eco == Ecosystem::Semver {
        return match (&a.semver, &b.semver) {
            (Some(x), Some(y)) if semver_same(x, y) => Agreement::Equal,
            _ => Agreement::Different,
        };
    }
    match (&a.pep440, &b.pep440) {
        (Some(x), Some(y)) if x == y => {
            if is_canonical(a) && is_canonical(b) && x.to_string() == y.to_string() {
                Agreement::Equal
            } else {
                Agreement::EqualNonCanonical
            }
        }
        _ => Agreement::Different,
    }
}

/// How a file version relates to a release tag: PEP 440 equality for a Python source, exact
/// SemVer for a SemVer source. A tag with no SemVer form (grammar `pep440`, `v1.2.0rc1`) is
/// compared with a SemVer source through the source's PEP 440 form.
pub fn tag_matches(tag: &TagVersion, v: &Version) -> Agreement {
    match v.eco {
        Ecosystem::Python => match (&tag.pep440, &v.pep440) {
            (Some(t), Some(p)) if t == p => {
                // Equal versions print the same unless their releases differ in trailing zeros
                // (`1.0` == `1.0.0`), so only the source's spelling is formatted.
                if t.release().len() == p.release().len() && is_canonical(v) {
                    Agreement::Equal
                } else {
                    Agreement::EqualNonCanonical
                }
            }
            _ => Agreement::Different,
        },
        Ecosystem::Semver => match (&tag.semver, &v.semver, &tag.pep440, &v.pep440) {
            (Some(t), Some(s), _, _) => {
                if semver_same(t, s) {
                    Agreement::Equal
                } else {
                    Agreement::Different
                }
            }
            (None, _, Some(t), Some(p)) if t == p => Agreement::Equal,
            _ => Agreement::Different,
        },
    }
}

/// Orders a file version against a tag (`Less`: the file is behind the tag), in the file's
/// ecosystem; `None` when they cannot be compared.
pub fn compare_with_tag(v: &Version, tag: &TagVersion) -> Option<Ordering> {
    match (v.eco, &v.semver, &tag.semver) {
        (Ecosystem::Semver, Some(s), Some(t)) => Some(s.cmp_precedence(t)),
        _ => Some(v.pep440.as_ref()?.cmp(tag.pep440.as_ref()?)),
    }
}

/// Orders two release tags: SemVer precedence for a SemVer-only project (`eco = Semver`) when
/// both are SemVer, PEP 440 otherwise (DESIGN: PEP 440 order as soon as a Python source exists).
pub fn compare_tags(a: &TagVersion, b: &TagVersion, eco: Ecosystem) -> Option<Ordering> {
    if eco == Ecosystem::Semver
        && let (Some(x), Some(y)) = (&a.semver, &b.semver)
    {
        return Some(x.cmp_precedence(y));
    }
    Some(a.pep440.as_ref()?.cmp(b.pep440.as_ref()?))
}

/// Whether two tags name the same version (`v1.2.3` and `1.2.3`, `v1.2.0-rc1` and
/// `v1.2.0-rc.1`): equal under PEP 440, or of equal SemVer precedence.
pub fn same_version(a: &TagVersion, b: &TagVersion) -> bool {
    let pep = matches!((&a.pep440, &b.pep440), (Some(x), Some(y)) if x == y);
    let sem = matches!((&a.semver, &b.semver), (Some(x), Some(y)) if x.cmp_precedence(y) == Ordering::Equal);
    pep || sem
}

/// Written exactly in the ecosystem's normal form. SemVer has one spelling per version; a
/// Python version is canonical when it reads as PEP 440 prints it (`1.2.0rc1`, not `1.2.0-rc1`).
pub fn is_canonical(v: &Version) -> bool {
    match (v.eco, &v.pep440) {
        (Ecosystem::Python, Some(p)) => p.to_string() == v.raw,
        (Ecosystem::Python, None) => false,
        (Ecosystem::Semver, _) => v.semver.as_ref().is_some_and(|s| s.to_string() == v.raw),
    }
}

/// A version that may be released as final: no dev part and no local or build part. (A
/// pre-release is final in this sense: `1.2.0rc1` is published as is.)
pub fn is_final(v: &Version) -> bool {
    let dev_or_local = |p: &pep440_rs::Version| p.is_dev() || !p.local().is_empty();
    match v.eco {
        Ecosystem::Python => v.pep440.as_ref().is_some_and(|p| !dev_or_local(p)),
        Ecosystem::Semver => match &v.semver {
            Some(s) => {
                s.build.is_empty()
                    && !v.pep440.as_ref().is_some_and(dev_or_local)
                    && !s.pre.as_str().to_ascii_lowercase().contains("snapshot")
            }
            None => false,
        },
    }
}

/// The tag a release of `v` would get. A SemVer source is tagged with its exact string (tags
/// and SemVer sources must be equal, not just equivalent). A Python version is spelled from its
/// PEP 440 parts with three release numbers and the pre-release in `style` (from earlier tags);
/// without a style, `-rc1` (undotted, short labels).
pub fn tag_for(v: &Version, prefix: &str, style: Option<PreStyle>) -> String {
    match (v.eco, &v.pep440) {
        (Ecosystem::Python, Some(p)) => format!("{prefix}{}", pep440_tag_part(p, style)),
        _ => format!("{prefix}{}", v.normalized()),
    }
}

fn pep440_tag_part(p: &pep440_rs::Version, style: Option<PreStyle>) -> String {
    let mut s = String::new();
    if p.epoch() != 0 {
        s.push_str(&format!("{}!", p.epoch()));
    }
    let mut release: Vec<String> = p.release().iter().map(u64::to_string).collect();
    while release.len() < 3 {
        release.push("0".to_string());
    }
    s.push_str(&release.join("."));
    if let Some(pre) = p.pre() {
        let style = style.unwrap_or(PreStyle {
            label: "rc",
            dotted: false,
            hyphen: true,
        });
        let long = style.long_names() == Some(true);
        let label = match pre.kind {
            pep440_rs::PrereleaseKind::Alpha if long => "alpha",
            pep440_rs::PrereleaseKind::Alpha => "a",
            pep440_rs::PrereleaseKind::Beta if long => "beta",
            pep440_rs::PrereleaseKind::Beta => "b",
            pep440_rs::PrereleaseKind::Rc => "rc",
        };
        if style.hyphen {
            s.push('-');
        }
        s.push_str(label);
        if style.dotted {
            s.push('.');
        }
        s.push_str(&pre.number.to_string());
    }
    if let Some(post) = p.post() {
        s.push_str(&format!(".post{post}"));
    }
    if let Some(dev) = p.dev() {
        s.push_str(&format!(".dev{dev}"));
    }
    if !p.local().is_empty() {
        let local: Vec<String> = p.local().iter().map(ToString::to_string).collect();
        s.push('+');
        s.push_str(&local.join("."));
    }
    s
}

/// Whether `next` skips a number after `prev`: 1.3.2 → 1.3.4, 1.5.0 or 3.0.0 skip; 1.3.3, 1.4.0,
/// 2.0.0 (and their pre-releases) do not. A lower or equal `next` is no skip (other checks judge
/// that), nor are versions of different epochs.
pub fn skips(prev: &Version, next: &Version) -> bool {
    let python = prev.eco == Ecosystem::Python || next.eco == Ecosystem::Python;
    let (Some(p), Some(n)) = (core_of(prev, python), core_of(next, python)) else {
        return false;
    };
    if p.0 != n.0 || n.1 <= p.1 {
        return false;
    }
    let (p, n) = (p.1, n.1);
    let bump = |x: u64| x.checked_add(1);
    let next_patch = n[0] == p[0] && n[1] == p[1] && bump(p[2]) == Some(n[2]);
    let next_minor = n[0] == p[0] && bump(p[1]) == Some(n[1]) && n[2] == 0;
    let next_major = bump(p[0]) == Some(n[0]) && n[1] == 0 && n[2] == 0;
    !(next_patch || next_minor || next_major)
}

/// (epoch, [major, minor, patch]) in the ordering ecosystem.
fn core_of(v: &Version, python: bool) -> Option<(u64, [u64; 3])> {
    if python {
        let p = v.pep440.as_ref()?;
        let r = p.release();
        let at = |i: usize| r.get(i).copied().unwrap_or(0);
        Some((p.epoch(), [at(0), at(1), at(2)]))
    } else {
        let s = v.semver.as_ref()?;
        Some((0, [s.major, s.minor, s.patch]))
    }
}

/// The PEP 440 version a SemVer version stands for, as maturin reads a Cargo version: the
/// SemVer string parsed as PEP 440 (`1.2.0-alpha.2` → `1.2.0a2`, `-rc.1` → `rc1`). `None` when
/// PEP 440 cannot read it (`-alpha.beta`) or would read it unfaithfully: a numeric first
/// pre-release identifier (`1.2.0-1` is a pre-release in SemVer, a post-release in PEP 440) or a
/// post label (SemVer orders `-post.1` before the release, PEP 440 after it).
pub fn semver_to_pep440(v: &semver::Version) -> Option<pep440_rs::Version> {
    // Build metadata is no part of the version's identity (SemVer §10): it is not carried
    // into a PEP 440 local label, so a Cargo `1.2.0+abc` equals a pyproject `1.2.0`, as it
    // equals a Cargo `1.2.0`.
    if v.pre.is_empty() {
        // The common case, built from the numbers: every existing tag is read this way, and
        // printing a version only to parse it again was a third of the cost of reading a tag.
        return Some(pep440_rs::Version::new([v.major, v.minor, v.patch]));
    }
    let first = v.pre.as_str().split('.').next().unwrap_or("");
    if first.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let label: String = first
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    if matches!(label.as_str(), "post" | "rev" | "r") {
        return None;
    }
    let mut v = v.clone();
    v.build = semver::BuildMetadata::EMPTY;
    pep440_rs::Version::from_str(&v.to_string()).ok()
}

/// The same SemVer version: equal precedence, which ignores build metadata (`1.2.3`,
/// `1.2.3+a` and `1.2.3+b` are one version, as SemVer §10 and npm have it). The same rule holds
/// for tags (which may not carry build metadata at all) and for `--expect`.
fn semver_same(a: &semver::Version, b: &semver::Version) -> bool {
    a.cmp_precedence(b) == Ordering::Equal
}

fn semver_error(raw: &str, e: &semver::Error) -> String {
    let mut m = format!(
        "not a SemVer 2.0.0 version (MAJOR.MINOR.PATCH[-PRE][+BUILD]): {}",
        clip(&e.to_string(), MAX_SHOWN * 2)
    );
    if raw.starts_with(['v', 'V']) {
        m.push_str("; write it without the leading `v`");
    } else if let Ok(p) = pep440_rs::Version::from_str(raw) {
        if p.release().len() < 3 {
            m.push_str("; SemVer needs all three numbers, MAJOR.MINOR.PATCH");
        } else if p.pre().is_some() || p.post().is_some() || p.dev().is_some() {
            m.push_str(" (a PEP 440 spelling; SemVer writes pre-releases as `1.2.0-rc.1`)");
        }
    }
    m
}

/// Longest repository text quoted in a message; absurd values are cut, not echoed whole.
const MAX_SHOWN: usize = 80;

/// `text`, cut to `max` characters with an ellipsis.
pub(crate) fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((i, _)) => format!("{}…", &text[..i]),
    }
}

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

/// How a tag spells its pre-release, for `tag-style-inconsistent` and [`tag_for`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PreStyle {
    /// The label as written: `a`, `b`, `rc`, `alpha` or `beta`.
    pub label: &'static str,
    /// A `.` between label and number (`rc.1`).
    pub dotted: bool,
    /// A `-` before the label (`-rc1`); false for PEP 440's compact `rc1`.
    pub hyphen: bool,
}

impl PreStyle {
    /// `Some(true)` for `alpha`/`beta`, `Some(false)` for `a`/`b`; `rc` has one spelling.
    pub fn long_names(&self) -> Option<bool> {
        match self.label {
            "alpha" | "beta" => Some(true),
            "a" | "b" => Some(false),
            _ => None,
        }
    }

    /// Same habits: the same separators, and long and short label names not mixed.
    pub fn consistent_with(&self, other: &PreStyle) -> bool {
        self.dotted == other.dotted
            && self.hyphen == other.hyphen
            && match (self.long_names(), other.long_names()) {
                (Some(x), Some(y)) => x == y,
                _ => true,
            }
    }

    fn from_label(label: &str, dotted: bool, hyphen: bool) -> Option<PreStyle> {
        let label = match label {
            "a" => "a",
            "b" => "b",
            "rc" => "rc",
            "alpha" => "alpha",
            "beta" => "beta",
            _ => return None,
        };
        Some(PreStyle {
            label,
            dotted,
            hyphen,
        })
    }
}

impl fmt::Display for PreStyle {
    /// `-rc.N`, `-a N`-style pictures: `-rcN`, `-rc.N`, `-alpha.N`, `rcN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hyphen = if self.hyphen { "-" } else { "" };
        let dot = if self.dotted { "." } else { "" };
        write!(f, "{hyphen}{}{dot}N", self.label)
    }
}

/// A release tag whose version part passed the grammar.
#[derive(Debug, Clone)]
pub struct TagVersion {
    tag: String,
    part: String,
    semver: Option<semver::Version>,
    pep440: Option<pep440_rs::Version>,
    style: Option<PreStyle>,
}

impl TagVersion {
    /// The whole tag name.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The version part (`1.2.0-rc1` of `v1.2.0-rc1`).
    pub fn version_part(&self) -> &str {
        &self.part
    }

    /// The SemVer form, when the version part is valid SemVer (always, for `portable`).
    pub fn semver(&self) -> Option<&semver::Version> {
        self.semver.as_ref()
    }

    /// The PEP 440 form (always, for `portable` and `pep440`).
    pub fn pep440(&self) -> Option<&pep440_rs::Version> {
        self.pep440.as_ref()
    }

    /// The pre-release spelling, when the tag has an `alpha|beta|rc|a|b` + number pre-release.
    pub fn pre_style(&self) -> Option<PreStyle> {
        self.style
    }

    /// The tag's version as a file version of `eco` would be written (its normal form), for
    /// [`compare`] and friends.
    pub fn as_version(&self, eco: Ecosystem) -> Option<Version> {
        let raw = match eco {
            Ecosystem::Python => self.pep440.as_ref()?.to_string(),
            Ecosystem::Semver => self.semver.as_ref()?.to_string(),
        };
        Version::parse(&raw, eco).ok()
    }

    /// Valid but unwise spellings: a pre-release number ≥ 10 without a dot, which SemVer
    /// compares as text (`rc10` sorts before `rc2` in npm and Cargo).
    pub fn warnings(&self) -> Vec<String> {
        let Some(sv) = &self.semver else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for ident in sv.pre.as_str().split('.') {
            let letters = ident.chars().take_while(char::is_ascii_alphabetic).count();
            let digits = &ident[letters..];
            if letters == 0 || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let label = &ident[..letters];
            if digits.len() >= 2 {
                out.push(format!(
                    "`{ident}` is compared as text by SemVer (npm, Cargo): `{label}10` sorts before \
                     `{label}2`; write `{label}.{digits}` so every ecosystem orders it the same"
                ));
            }
        }
        out
    }
}

/// Why a tag's version part is not a valid release version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagError {
    /// Which part is wrong and why, and what was expected.
    pub message: String,
    /// A corrected spelling when one is obvious (`did you mean \`v1.2.0\`?`), or advice.
    pub help: Option<String>,
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TagError {}

/// A release-tag candidate (DESIGN §3): the prefix (or `tags.pattern`'s version group) followed
/// by a digit, or `^[vV]*[0-9]`, and matched by no `tags.ignore` glob.
pub fn is_candidate(tag: &str, tags: &TagsConfig) -> bool {
    if tags.package.is_some() {
        return is_candidate_of(tag, tags);
    }
    if crate::glob::any(&tags.ignore, tag) || names_a_line(tag) {
        return false;
    }
    let starts_digit = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
    if starts_digit(tag.trim_start_matches(['v', 'V'])) {
        return true;
    }
    version_part(tag, tags).is_some_and(starts_digit)
}

/// Orders an existing tag whose name does not follow the grammar (`6.5`, `0.13.0.dev0`,
/// `v3.0.4alpha1`) against a release, by what PEP 440 reads in it; `None` when it reads no
/// version there either.
pub fn lenient_order(tag: &str, tags: &TagsConfig, against: &TagVersion) -> Option<Ordering> {
    Some(lenient_pep440(tag, tags)?.cmp(against.pep440.as_ref()?))
}

/// Whether a tag the grammar rejects names `v` all the same, as PEP 440 reads both (`v26.4` and
/// 26.4.0, `V1.2.0` and 1.2.0; not `0.13.0.dev0` and 0.13.0).
pub fn lenient_names(tag: &str, tags: &TagsConfig, v: &Version) -> bool {
    v.pep440
        .as_ref()
        .is_some_and(|p| lenient_pep440(tag, tags).as_ref() == Some(p))
}

/// What PEP 440 reads in a tag's version part, whether or not the tag follows the grammar
/// (`0.13.0.dev0`, `vcs-versioning-1.0.0.dev`).
pub fn lenient_pep440(tag: &str, tags: &TagsConfig) -> Option<pep440_rs::Version> {
    let part = version_part(tag, tags).unwrap_or(tag);
    pep440_rs::Version::from_str(part.trim_start_matches(['v', 'V'])).ok()
}

/// The prefix every release tag of a workspace member's scheme starts with, when the scheme is
/// its prefix and a digit (no `tag_regex` of its own): [`is_candidate`] reads no tag without
/// it as the member's, so a member's tags can be looked up by prefix.
pub fn member_prefix(tags: &TagsConfig) -> Option<&str> {
    (tags.package.is_some() && tags.pattern.is_none()).then_some(tags.prefix.as_str())
}

/// A release-tag candidate of a workspace member's scheme (`tokio-util-0.7.19`): its own
/// prefix (or pattern's version group) followed by a digit, and no `tags.ignore` glob. A bare
/// `v1.2.0` is not one: it is the repository's, not the package's.
fn is_candidate_of(tag: &str, tags: &TagsConfig) -> bool {
    // The package's own prefix first: most tags are another package's, and that is one compare.
    version_part(tag, tags).is_some_and(|p| p.starts_with(|c: char| c.is_ascii_digit()))
        && !crate::glob::any(&tags.ignore, tag)
        && !names_a_line(tag)
}

/// A tag that names a release line, not a release: numbers with an `x` for a part, as
/// maintenance branches are named (`6.x`, `v1.x`, `8.0.x`, `17.x.x`).
fn names_a_line(tag: &str) -> bool {
    // Runs for every tag of every package: no allocation.
    let number = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let x = |p: &str| matches!(p, "x" | "X");
    let mut parts = tag.trim_start_matches(['v', 'V']).split('.');
    if !parts.next().is_some_and(number) {
        return false;
    }
    let (mut n, mut any_x) = (1, false);
    for p in parts {
        n += 1;
        if !(number(p) || x(p)) {
            return false;
        }
        any_x |= x(p);
    }
    (2..=3).contains(&n) && any_x
}

/// The version part of a tag: the tag without `tags.prefix`, or `tags.pattern`'s `version`
/// group. `None` when the tag does not have that shape.
pub fn version_part<'a>(tag: &'a str, tags: &TagsConfig) -> Option<&'a str> {
    let (start, end) = part_range(tag, tags)?;
    tag.get(start..end)
}

fn part_range(tag: &str, tags: &TagsConfig) -> Option<(usize, usize)> {
    match &tags.pattern {
        Some(pattern) if !may_match(pattern, tag) => None,
        Some(pattern) => with_pattern(pattern, |re| {
            let m = re.ok()?.captures(tag)?.name("version")?;
            // A `v` that the version group takes in (setuptools_scm's own patterns write
            // `(?P<version>v?\d+...)`) is not part of the version, as setuptools_scm reads it.
            let b = m.as_str().as_bytes();
            let v =
                usize::from(b.len() > 1 && matches!(b[0], b'v' | b'V') && b[1].is_ascii_digit());
            Some((m.start() + v, m.end()))
        }),
        None => tag
            .starts_with(tags.prefix.as_str())
            .then_some((tags.prefix.len(), tag.len())),
    }
}

/// A tag pattern as this thread has read it.
struct Known {
    text: String,
    /// The text every match starts with (`setuptools-scm-` of
    /// `^setuptools-scm-(?P<version>...)`); `None` where the pattern gives none.
    start: Option<Vec<u8>>,
    /// The regex, compiled the first time a tag could match it, with what compiling gave.
    compiled: Option<Result<regex::Regex, String>>,
}

thread_local! {
    /// Every tag pattern read on this thread: `validate-tag --all` checks thousands of tags
    /// against the patterns of the repository and of its workspace members (setuptools-scm's
    /// two), and compiling one each time it is asked cost more than the checks: keeping only
    /// the last made two members' patterns compile in turn for every tag (302 compiles, 460 M
    /// instructions of 650 M). They come from the configuration and the members' manifests,
    /// so there are few.
    static PATTERNS: RefCell<Vec<Known>> = const { RefCell::new(Vec::new()) };
}

/// `f` of `pattern` as this thread knows it, read the first time it is asked.
fn known<R>(pattern: &str, f: impl FnOnce(&mut Known) -> R) -> R {
    /// The literal after a `^` that starts the pattern.
    fn literal_start(pattern: &str) -> Option<Vec<u8>> {
        use regex_syntax::hir::{HirKind, Look};
        let hir = regex_syntax::parse(pattern).ok()?;
        let HirKind::Concat(parts) = hir.kind() else {
            return None;
        };
        match (parts.first()?.kind(), parts.get(1)?.kind()) {
            (HirKind::Look(Look::Start), HirKind::Literal(lit)) => Some(lit.0.to_vec()),
            _ => None,
        }
    }
    PATTERNS.with(|cell| {
        let mut all = cell.borrow_mut();
        let at = all
            .iter()
            .position(|k| k.text == pattern)
            .unwrap_or_else(|| {
                all.push(Known {
                    text: pattern.to_string(),
                    start: literal_start(pattern),
                    compiled: None,
                });
                all.len() - 1
            });
        f(&mut all[at])
    })
}

/// Whether `tag` could match `pattern`, told without compiling it: a pattern anchored at the
/// start with a literal after `^` matches only tags that start with that literal. A tag of
/// one workspace member is asked of every member's pattern, and compiling a pattern costs
/// 1.6 M instructions, more than a hook's check of the tag (setuptools-scm's two members: its
/// validate-tag compiled both for a tag of one). The literal is read with `regex`'s own parser.
fn may_match(pattern: &str, tag: &str) -> bool {
    known(pattern, |k| {
        k.start
            .as_ref()
            .is_none_or(|lit| tag.as_bytes().starts_with(lit))
    })
}

/// `f` of `pattern` compiled, compiled once per thread.
fn with_pattern<R>(pattern: &str, f: impl FnOnce(Result<&regex::Regex, &str>) -> R) -> R {
    known(pattern, |k| {
        let text = &k.text;
        match k
            .compiled
            .get_or_insert_with(|| regex::Regex::new(text).map_err(|e| e.to_string()))
        {
            Ok(re) => f(Ok(re)),
            Err(e) => f(Err(e.as_str())),
        }
    })
}

/// Whether a configured `tags.pattern` compiles, and has a `version` group (`Err`: why it does
/// not compile). The regex compiled here is the one the tags are then matched with: checking
/// the configuration does not compile it a second time.
pub fn check_tag_pattern(pattern: &str) -> Result<bool, String> {
    with_pattern(pattern, |re| {
        re.map(|re| re.capture_names().any(|n| n == Some("version")))
            .map_err(str::to_string)
    })
}

/// Whether a release tool's tag regex (setuptools_scm `tag_regex`, hatch-vcs `tag-pattern`) is
/// one relgate can use: valid as `regex` reads it, with a `version` group. Asked of every
/// member of a workspace on every run, where the pattern is rarely matched at all: parsing is
/// enough to tell, and compiling (`\d` and `.` are Unicode classes) cost 1.6 M instructions
/// per pattern, a fifth of setuptools-scm's validate-tag.
pub fn has_version_group(pattern: &str) -> bool {
    fn named(hir: &regex_syntax::hir::Hir) -> bool {
        use regex_syntax::hir::HirKind;
        match hir.kind() {
            HirKind::Capture(c) => c.name.as_deref() == Some("version") || named(&c.sub),
            HirKind::Repetition(r) => named(&r.sub),
            HirKind::Concat(all) | HirKind::Alternation(all) => all.iter().any(named),
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
        }
    }
    // `regex`'s own parser with its defaults (Unicode, the nesting limit); a pattern that
    // parses but is too large to compile is refused where it is matched.
    regex_syntax::parse(pattern).is_ok_and(|hir| named(&hir))
}

/// Validates a tag name against the configured prefix (or pattern) and grammar.
pub fn check_tag(tag: &str, tags: &TagsConfig) -> Result<TagVersion, TagError> {
    check_tag_inner(tag, tags, true)
}

/// The version of a tag in the configured scheme, without building any message: for reading
/// thousands of existing tags.
pub fn parse_tag(tag: &str, tags: &TagsConfig) -> Option<TagVersion> {
    check_tag_inner(tag, tags, false).ok()
}

/// How an existing tag that names a version is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// The configured (or inferred) prefix or pattern.
    Configured,
    /// The other common spelling: `v1.2.3` where tags are bare, `1.2.3` where they take `v`, or
    /// either beside a pattern. The same release to every check (DESIGN §3).
    Other,
}

/// The spellings, besides the configured one, in which an existing tag still names a release:
/// `v` + version and the bare version. Built once per run for [`read_tag`].
pub fn other_spellings(tags: &TagsConfig) -> Vec<TagsConfig> {
    // A package's tags have their one spelling (`tokio-1.53.1`); `1.53.1` is not one of them.
    if tags.package.is_some() {
        return Vec::new();
    }
    ["v", ""]
        .into_iter()
        .filter(|p| tags.pattern.is_some() || tags.prefix != *p)
        .map(|p| TagsConfig {
            prefix: p.to_string(),
            pattern: None,
            ignore: Vec::new(),
            ..tags.clone()
        })
        .collect()
}

/// The version an existing tag names and how it is spelled; `None` when it is no release-tag
/// candidate or names no valid version in any spelling. `others` comes from [`other_spellings`].
pub fn read_tag(
    tag: &str,
    tags: &TagsConfig,
    others: &[TagsConfig],
) -> Option<(TagVersion, Spelling)> {
    if !is_candidate(tag, tags) {
        return None;
    }
    if let Some(tv) = parse_tag(tag, tags) {
        return Some((tv, Spelling::Configured));
    }
    others
        .iter()
        .find_map(|o| parse_tag(tag, o))
        .map(|tv| (tv, Spelling::Other))
}

/// A failed grammar check: the message, a corrected version part when one is obvious, or advice.
struct Fail {
    message: String,
    fixed: Option<String>,
    hint: Option<String>,
}

impl Fail {
    fn new(message: impl Into<String>) -> Fail {
        Fail {
            message: message.into(),
            fixed: None,
            hint: None,
        }
    }
    fn fixed(mut self, fixed: impl Into<String>) -> Fail {
        self.fixed = Some(fixed.into());
        self
    }
    fn hint(mut self, hint: impl Into<String>) -> Fail {
        self.hint = Some(hint.into());
        self
    }
}

fn check_tag_inner(tag: &str, tags: &TagsConfig, want_help: bool) -> Result<TagVersion, TagError> {
    let err = |message: String, help: Option<String>| TagError { message, help };
    if tag.is_empty() {
        return Err(err("empty tag name".into(), None));
    }
    if let Some((i, c)) = tag.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        return Err(err(
            format!(
                "non-ASCII character `{c}` (U+{:04X}) at character {}: release tags are ASCII",
                c as u32,
                i + 1
            ),
            None,
        ));
    }
    if let Some((i, c)) = tag
        .char_indices()
        .find(|(_, c)| c.is_ascii_whitespace() || c.is_ascii_control())
    {
        return Err(err(
            format!(
                "whitespace or control character U+{:04X} at character {}: release tags are one word",
                c as u32,
                i + 1
            ),
            None,
        ));
    }
    // Only ASCII from here on: byte offsets are character offsets.
    let (start, end) = locate_part(tag, tags, want_help).map_err(|mut e| {
        // The prefix or pattern was read off the repository: say so, since it decided.
        if let Some(from) = &tags.inferred_from {
            e.message.push_str(&format!("; {from}"));
        }
        e
    })?;
    let part = &tag[start..end];
    let shape = match &tags.pattern {
        Some(_) => "MAJOR.MINOR.PATCH".to_string(),
        None => format!("{}MAJOR.MINOR.PATCH", tags.prefix),
    };
    // A Python-only project may tag in PEP 440's own spelling (`v2.14.0b1`, `1.2.0.post1`).
    let pep440_too = tags.grammar == Grammar::Portable && tags.pep440_spellings;
    if let Err(f) = validate_part(part, tags.grammar, &shape, &tag[..start], pep440_too) {
        if pep440_too && validate_part(part, Grammar::Pep440, &shape, &tag[..start], true).is_ok() {
            return Ok(build_tag_version(tag, part, Grammar::Pep440));
        }
        let mut help = None;
        if want_help && let Some(fixed) = &f.fixed {
            let candidate = format!("{}{}{}", &tag[..start], fixed, &tag[end..]);
            if check_tag_inner(&candidate, tags, false).is_ok() {
                help = Some(format!("did you mean `{candidate}`?"));
            }
        }
        return Err(err(f.message, help.or(f.hint)));
    }
    Ok(build_tag_version(tag, part, tags.grammar))
}

/// Finds the version part, explaining a missing, doubled or mis-cased prefix.
fn locate_part(tag: &str, tags: &TagsConfig, want_help: bool) -> Result<(usize, usize), TagError> {
    let suggest = |candidate: String| -> Option<String> {
        if !want_help || candidate == tag {
            return None;
        }
        for c in [candidate.clone(), candidate.to_ascii_lowercase()] {
            if check_tag_inner(&c, tags, false).is_ok() {
                return Some(format!("did you mean `{c}`?"));
            }
        }
        None
    };
    if let Some(pattern) = &tags.pattern {
        return match part_range(tag, tags) {
            Some(r) => Ok(r),
            None => {
                let why = with_pattern(pattern, |re| re.err().map(str::to_string));
                Err(TagError {
                    message: match why {
                        Some(e) => format!("tags.pattern `{pattern}` is not a valid regex: {e}"),
                        None => format!(
                            "`{}` does not match tags.pattern `{pattern}` (or its `version` group is empty)",
                            clip(tag, MAX_SHOWN)
                        ),
                    },
                    help: None,
                })
            }
        };
    }
    let prefix = tags.prefix.as_str();
    let v_run = |s: &str| s.bytes().take_while(|b| matches!(b, b'v' | b'V')).count();
    if let Some(rest) = tag.strip_prefix(prefix) {
        let extra = v_run(rest);
        if extra > 0 {
            let message = if prefix.is_empty() {
                format!(
                    "unexpected `{}` before the version: tags.prefix is empty, so release tags are MAJOR.MINOR.PATCH",
                    &rest[..extra]
                )
            } else if prefix.ends_with(['v', 'V']) {
                format!(
                    "doubled prefix `{}`: expected {prefix}MAJOR.MINOR.PATCH",
                    &tag[..prefix.len() + extra]
                )
            } else {
                format!(
                    "unexpected `{}` after the prefix `{prefix}`: expected {prefix}MAJOR.MINOR.PATCH",
                    &rest[..extra]
                )
            };
            return Err(TagError {
                message,
                help: suggest(format!("{prefix}{}", &rest[extra..])),
            });
        }
        return Ok((prefix.len(), tag.len()));
    }
    let head = tag.get(..prefix.len());
    if head.is_some_and(|h| h.eq_ignore_ascii_case(prefix)) {
        let rest = &tag[prefix.len()..];
        return Err(TagError {
            message: format!(
                "upper-case prefix `{}`: release tags are lower case (expected `{prefix}`)",
                &tag[..prefix.len()]
            ),
            help: suggest(format!("{prefix}{rest}")),
        });
    }
    let lead = v_run(tag);
    if tag[lead..].starts_with(|c: char| c.is_ascii_digit()) {
        return Err(TagError {
            message: format!("missing prefix `{prefix}`: expected {prefix}MAJOR.MINOR.PATCH"),
            help: suggest(format!("{prefix}{}", &tag[lead..])),
        });
    }
    Err(TagError {
        message: format!(
            "`{}` does not start with the release-tag prefix `{prefix}`",
            clip(tag, MAX_SHOWN)
        ),
        help: None,
    })
}

const PART_NAMES: [&str; 3] = ["MAJOR", "MINOR", "PATCH"];

/// Checks an ASCII version part against a grammar, most telling problem first.
/// `lead` is what precedes the part in the tag (the prefix), for advice that names whole tags.
/// `pep440_spelled`: the project spells pre-releases the PEP 440 way (`rc1`), for the advice.
fn validate_part(
    part: &str,
    grammar: Grammar,
    shape: &str,
    lead: &str,
    pep440_spelled: bool,
) -> Result<(), Fail> {
    if part.is_empty() {
        return Err(Fail::new(format!(
            "no version after the prefix: expected {shape}"
        )));
    }
    let lead_v = part
        .bytes()
        .take_while(|b| matches!(b, b'v' | b'V'))
        .count();
    if lead_v > 0 {
        return Err(Fail::new(format!(
            "unexpected `{}` before the version number: expected {shape}",
            &part[..lead_v]
        ))
        .fixed(&part[lead_v..]));
    }
    if !part.starts_with(|c: char| c.is_ascii_digit()) {
        let c = part.chars().next().unwrap_or(' ');
        return Err(Fail::new(format!(
            "the version must start with a number, found `{c}`: expected {shape}"
        )));
    }
    if let Some(i) = part.find('!') {
        return Err(Fail::new(format!(
            "epoch `{}` is not supported in release tags",
            &part[..=i]
        ))
        .fixed(&part[i + 1..]));
    }
    if let Some(i) = part.find('+') {
        let what = if grammar == Grammar::Pep440 {
            "local version label"
        } else {
            "build metadata"
        };
        let why = if grammar == Grammar::Pep440 {
            "PyPI rejects local versions"
        } else {
            "SemVer ignores it when ordering, so two tags could name one version"
        };
        return Err(Fail::new(format!(
            "{what} `{}` is not allowed in a release tag ({why})",
            clip(&part[i..], MAX_SHOWN)
        ))
        .fixed(&part[..i]));
    }

    // Release numbers: the leading run of digits and dots. A dot right before a label belongs
    // to the label (`1.2.0.dev3`, `1.2.0.rc1`).
    let core_end = part
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(part.len());
    let (mut core, mut rest) = part.split_at(core_end);
    if core.ends_with('.') && !rest.is_empty() {
        core = &part[..core_end - 1];
        rest = &part[core_end - 1..];
    }
    if core.ends_with('.') {
        return Err(Fail::new(format!(
            "trailing `.` after `{}`: expected {shape}",
            clip(core.trim_end_matches('.'), MAX_SHOWN)
        ))
        .fixed(format!("{}{rest}", core.trim_end_matches('.'))));
    }
    let nums: Vec<&str> = core.split('.').collect();
    if nums.iter().any(|n| n.is_empty()) {
        return Err(Fail::new(format!(
            "empty number between dots in `{}`: expected {shape}",
            clip(core, MAX_SHOWN)
        )));
    }
    let name = |i: usize| {
        PART_NAMES
            .get(i)
            .map_or_else(|| format!("part {}", i + 1), |s| (*s).to_string())
    };
    if nums.iter().any(|n| n.len() > 1 && n.starts_with('0')) {
        let (i, n) = nums
            .iter()
            .enumerate()
            .find(|(_, n)| n.len() > 1 && n.starts_with('0'))
            .map_or((0, ""), |(i, n)| (i, *n));
        let trimmed: Vec<&str> = nums.iter().map(|n| trim_zeros(n)).collect();
        return Err(Fail::new(format!(
            "leading zero in {} `{}`: numbers are written without leading zeros (expected `{}`)",
            name(i),
            clip(n, MAX_SHOWN),
            clip(trim_zeros(n), MAX_SHOWN)
        ))
        .fixed(format!("{}{rest}", trimmed.join("."))));
    }
    if let Some((i, n)) = nums
        .iter()
        .enumerate()
        .find(|(_, n)| n.parse::<u64>().is_err())
    {
        return Err(Fail::new(format!(
            "{} `{}` is too large (at most {})",
            name(i),
            clip(n, MAX_SHOWN),
            u64::MAX
        )));
    }
    match nums.len() {
        1 => {
            return Err(
                Fail::new(format!("missing MINOR and PATCH: expected {shape}"))
                    .fixed(format!("{core}.0.0{rest}")),
            );
        }
        2 => {
            return Err(Fail::new(format!("missing PATCH: expected {shape}"))
                .fixed(format!("{core}.0{rest}")));
        }
        3 => {}
        n if grammar != Grammar::Pep440 => {
            let count = match n {
                4 => "four".to_string(),
                5 => "five".to_string(),
                n => n.to_string(),
            };
            return Err(Fail::new(format!(
                "{count} parts in `{}`: expected three, {shape}",
                clip(core, MAX_SHOWN)
            )));
        }
        _ => {}
    }
    if rest.is_empty() {
        return Ok(());
    }
    if rest.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(Fail::new(format!(
            "upper case in `{}`: release tags are lower case",
            clip(rest, MAX_SHOWN)
        ))
        .fixed(format!("{core}{}", rest.to_ascii_lowercase())));
    }
    if let Some(dev) = dev_token(rest) {
        return Err(Fail::new(format!(
            "`{dev}` marks a dev release, and dev releases are not releases (`{}`)",
            clip(rest, MAX_SHOWN)
        ))
        .hint(format!(
            "tag the release itself ({lead}{core}) or a pre-release ({lead}{core}{}); dev builds get no release tag",
            if grammar == Grammar::Pep440 || pep440_spelled {
                "rc1"
            } else {
                "-rc1"
            }
        )));
    }
    match grammar {
        Grammar::Portable => portable_rest(core, rest, shape, lead),
        Grammar::Semver => {
            if !rest.starts_with('-')
                && let Some(f) = unhyphenated_pre(core, rest, shape)
            {
                return Err(f);
            }
            semver::Version::parse(part).map(|_| ()).map_err(|e| {
                Fail::new(format!(
                    "not a SemVer 2.0.0 version: {} (expected {shape}[-PRERELEASE])",
                    clip(&e.to_string(), MAX_SHOWN)
                ))
            })
        }
        Grammar::Pep440 => match pep440_rs::Version::from_str(part) {
            Err(e) => Err(Fail::new(format!(
                "not a PEP 440 version: {}",
                clip(&e.to_string(), MAX_SHOWN * 2)
            ))),
            Ok(v) => {
                let canonical = v.to_string();
                if canonical == part {
                    Ok(())
                } else {
                    Err(Fail::new(format!(
                        "not canonical PEP 440: `{}` is written `{}`",
                        clip(part, MAX_SHOWN),
                        clip(&canonical, MAX_SHOWN)
                    ))
                    .fixed(canonical))
                }
            }
        },
    }
}

fn trim_zeros(n: &str) -> &str {
    let t = n.trim_start_matches('0');
    if t.is_empty() { "0" } else { t }
}

/// The first word of `rest` that marks a dev release: `dev`, `dev3` (PEP 440 and common SemVer
/// spellings alike).
fn dev_token(rest: &str) -> Option<&str> {
    rest.split(|c: char| !c.is_ascii_alphanumeric()).find(|w| {
        let letters = w.trim_end_matches(|c: char| c.is_ascii_digit());
        letters.eq_ignore_ascii_case("dev")
    })
}

/// The portable grammar after MAJOR.MINOR.PATCH: `-` + alpha|beta|rc|a|b + optional `.` + number.
fn portable_rest(core: &str, rest: &str, shape: &str, lead: &str) -> Result<(), Fail> {
    const LABELS: &str = "-alpha, -beta, -rc, -a or -b";
    let (hyphen, after) = match rest.as_bytes().first() {
        Some(b'-') => (true, &rest[1..]),
        Some(b'.' | b'_') => (false, &rest[1..]),
        Some(c) if c.is_ascii_lowercase() => (false, rest),
        _ => {
            let c = rest.chars().next().unwrap_or(' ');
            return Err(Fail::new(format!(
                "unexpected `{c}` after PATCH: expected {shape} with an optional pre-release ({LABELS} and a number)"
            )));
        }
    };
    let label_len = after.bytes().take_while(u8::is_ascii_lowercase).count();
    let (label, tail) = after.split_at(label_len);
    if label.is_empty() {
        if hyphen && tail.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(Fail::new(format!(
                "pre-release `{}` has no label: expected {LABELS} and a number, as in `-rc1`",
                clip(rest, MAX_SHOWN)
            )));
        }
        let c = rest.chars().next().unwrap_or(' ');
        return Err(Fail::new(format!(
            "unexpected `{c}` after PATCH: expected {shape} with an optional pre-release ({LABELS} and a number)"
        )));
    }
    match label {
        "alpha" | "beta" | "rc" | "a" | "b" => {}
        "c" | "pre" | "preview" => {
            return Err(Fail::new(format!(
                "`{label}` is not a pre-release label of the portable grammar: expected alpha, beta, rc, a or b"
            ))
            .fixed(format!("{core}-rc{tail}")));
        }
        "post" | "rev" | "r" => {
            return Err(Fail::new(format!(
                "`{}` is a post-release, which is not portable: SemVer (npm, Cargo) orders it before {core}",
                clip(rest, MAX_SHOWN)
            ))
            .hint(format!(
                "for a Python-only project set tags.grammar = \"pep440\" and tag `{lead}{core}.post1`"
            )));
        }
        "final" | "release" | "ga" | "stable" => {
            return Err(Fail::new(format!(
                "`{label}` is not a pre-release label: a final release has no label"
            ))
            .fixed(core));
        }
        _ => {
            return Err(Fail::new(format!(
                "`{}` is not a pre-release label: expected {LABELS} and a number",
                clip(label, MAX_SHOWN)
            )));
        }
    }
    // The number: directly, or after one `.`.
    let (sep, num_and_more) = match tail.as_bytes().first() {
        Some(b'.') => (".", &tail[1..]),
        Some(b'-' | b'_') => (&tail[..1], &tail[1..]),
        _ => ("", tail),
    };
    let num_len = num_and_more.bytes().take_while(u8::is_ascii_digit).count();
    let (num, trailing) = num_and_more.split_at(num_len);
    if num.is_empty() {
        let found = if tail.is_empty() {
            String::new()
        } else {
            format!(", found `{}`", clip(tail, MAX_SHOWN))
        };
        return Err(Fail::new(format!(
            "pre-release `{label}` has no number{found}: expected `-{label}1` or `-{label}.1` \
             (PEP 440 and SemVer disagree about a missing number)"
        )));
    }
    if num.len() > 1 && num.starts_with('0') {
        return Err(Fail::new(format!(
            "leading zero in pre-release number `{}`: expected `{}`",
            clip(num, MAX_SHOWN),
            clip(trim_zeros(num), MAX_SHOWN)
        ))
        .fixed(format!("{core}-{label}{sep}{}{trailing}", trim_zeros(num))));
    }
    if num.parse::<u64>().is_err() {
        return Err(Fail::new(format!(
            "pre-release number `{}` is too large",
            clip(num, MAX_SHOWN)
        )));
    }
    if sep == "-" || sep == "_" {
        return Err(Fail::new(format!(
            "`{sep}` between `{label}` and its number: expected `-{label}{num}` or `-{label}.{num}`"
        ))
        .fixed(format!("{core}-{label}.{num}{trailing}")));
    }
    if !trailing.is_empty() {
        return Err(Fail::new(format!(
            "unexpected `{}` after `{label}{sep}{num}`: a portable pre-release is one label and one number",
            clip(trailing, MAX_SHOWN)
        )));
    }
    if !hyphen {
        return Err(Fail::new(format!(
            "the pre-release `{label}{sep}{num}` needs a `-` before it: expected {shape}-{label}{sep}N"
        ))
        .fixed(format!("{core}-{label}{sep}{num}")));
    }
    Ok(())
}

/// `1.2.0rc1` / `1.2.0.rc1` under a SemVer grammar: the one mistake worth a precise message.
fn unhyphenated_pre(core: &str, rest: &str, shape: &str) -> Option<Fail> {
    let after = rest.strip_prefix(['.', '_']).unwrap_or(rest);
    let label_len = after.bytes().take_while(u8::is_ascii_lowercase).count();
    let (label, tail) = after.split_at(label_len);
    if !matches!(label, "alpha" | "beta" | "rc" | "a" | "b") {
        return None;
    }
    let (sep, num) = match tail.strip_prefix('.') {
        Some(n) => (".", n),
        None => ("", tail),
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        Fail::new(format!(
            "the pre-release `{label}{sep}{num}` needs a `-` before it: expected {shape}-{label}{sep}N"
        ))
        .fixed(format!("{core}-{label}{sep}{num}")),
    )
}

fn build_tag_version(tag: &str, part: &str, grammar: Grammar) -> TagVersion {
    let semver = semver::Version::parse(part).ok();
    let (pep440, style) = match grammar {
        Grammar::Pep440 => {
            let p = pep440_rs::Version::from_str(part).ok();
            let style = p.as_ref().and_then(|p| p.pre()).map(|pre| PreStyle {
                label: match pre.kind {
                    pep440_rs::PrereleaseKind::Alpha => "a",
                    pep440_rs::PrereleaseKind::Beta => "b",
                    pep440_rs::PrereleaseKind::Rc => "rc",
                },
                dotted: false,
                hyphen: false,
            });
            (p, style)
        }
        _ => {
            let p = semver.as_ref().and_then(semver_to_pep440);
            let style = semver
                .as_ref()
                .and_then(|s| semver_pre_style(s.pre.as_str()));
            (p, style)
        }
    };
    TagVersion {
        tag: tag.to_string(),
        part: part.to_string(),
        semver,
        pep440,
        style,
    }
}

/// The style of a SemVer pre-release that is exactly label + number (`rc1`, `rc.1`).
fn semver_pre_style(pre: &str) -> Option<PreStyle> {
    let label_len = pre.bytes().take_while(u8::is_ascii_lowercase).count();
    let (label, tail) = pre.split_at(label_len);
    let (dotted, num) = match tail.strip_prefix('.') {
        Some(n) => (true, n),
        None => (false, tail),
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    PreStyle::from_label(label, dotted, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checked_tag_pattern_is_the_one_tags_are_matched_with() {
        let held = || PATTERNS.with(|c| c.borrow().iter().filter(|k| k.compiled.is_some()).count());
        let p = r"^rel-(?P<version>\d+\.\d+\.\d+)$";
        let other = "^other-(?P<version>.+)$";
        with_pattern(other, |_| ());
        assert_eq!(check_tag_pattern(p), Ok(true));
        // The configuration's check compiled it where matching finds it.
        let compiled = held();
        let tags = |p: &str| TagsConfig {
            pattern: Some(p.to_string()),
            ..TagsConfig::default()
        };
        assert_eq!(version_part("rel-1.2.3", &tags(p)), Some("1.2.3"));
        // Two members' patterns asked in turn, tag after tag, are each compiled once.
        for _ in 0..3 {
            assert_eq!(version_part("other-1", &tags(other)), Some("1"));
            assert_eq!(version_part("rel-1.2.3", &tags(p)), Some("1.2.3"));
        }
        assert_eq!(held(), compiled);
        // A tag that cannot start a match of a pattern anchored on a literal never compiles it.
        let anchored = r"^pkg-b-(?P<version>v?\d+(?:\.\d+){0,2})$";
        assert_eq!(version_part("pkg-a-1.0.0", &tags(anchored)), None);
        assert_eq!(held(), compiled);
        assert_eq!(version_part("pkg-b-v1.0.0", &tags(anchored)), Some("1.0.0"));
        assert_eq!(held(), compiled + 1);
        // Unanchored, case-insensitive or alternated patterns are asked as they are.
        for (pattern, tag) in [
            (r"rel-(?P<version>\d+)", "x-rel-1"),
            (r"(?i)^REL-(?P<version>\d+)$", "rel-1"),
            (r"^(?:a|b)-(?P<version>\d+)$", "b-1"),
        ] {
            assert_eq!(version_part(tag, &tags(pattern)), Some("1"), "{pattern}");
        }
        assert_eq!(check_tag_pattern(r"^rel-(\d+)$"), Ok(false));
        assert!(check_tag_pattern(r"^rel-(?P<version>\d+").is_err());
    }

    #[test]
    fn a_version_group_is_found_as_regex_finds_it() {
        let cases = [
            r"^setuptools-scm-(?P<version>v?\d+(?:\.\d+){0,2}[^\+]*)(?:\+.*)?$",
            r"^(?:[\w-]+-)?(?P<version>[vV]?\d+(?:\.\d+){0,2}[^\+]*)(?:\+.*)?$",
            r"^v(?<version>.+)$",
            r"^(?:a|(?:b(?P<version>\d+))*)$",
            r"^(?P<ver>\d+)$",
            r"^(\d+)$",
            r"^(?P<version>\d+",
            r"^(?P<version>\p{Greek}+)$",
            r"^(?P<version>\d+)(?P<version>\d+)$",
            r"(?P<version>\u{110000})",
        ];
        let mut found = 0;
        for re in cases {
            let by_regex = regex::Regex::new(re)
                .is_ok_and(|r| r.capture_names().any(|n| n == Some("version")));
            assert_eq!(has_version_group(re), by_regex, "{re}");
            found += usize::from(by_regex);
        }
        // Both answers occur: the check can tell them apart.
        assert_eq!(found, 4);
    }

    #[test]
    fn line_markers_are_no_release_tags() {
        let t = TagsConfig::default();
        for line in ["6.x", "v1.x", "8.0.x", "17.x.x", "2.X"] {
            assert!(!is_candidate(line, &t), "{line}");
        }
        for tag in ["6.5", "v1.2.3", "v1.x1", "1.2.3.x"] {
            assert!(is_candidate(tag, &t), "{tag}");
        }
    }

    #[test]
    fn lenient_order_reads_historic_spellings() {
        let t = TagsConfig::default();
        let newest = check_tag("v2.0.0", &t).unwrap();
        for old in [
            "6.5",
            "v0.13.0.dev0",
            "v1.0.0.beta0",
            "V0.17",
            "v1.6.0alpha1",
        ] {
            let want = if old == "6.5" {
                Ordering::Greater
            } else {
                Ordering::Less
            };
            assert_eq!(lenient_order(old, &t, &newest), Some(want), "{old}");
        }
        assert_eq!(lenient_order("v17.6.1-deno", &t, &newest), None);
    }

    fn tags() -> TagsConfig {
        TagsConfig::default()
    }

    fn with_grammar(g: Grammar) -> TagsConfig {
        TagsConfig {
            grammar: g,
            ..TagsConfig::default()
        }
    }

    fn py(s: &str) -> Version {
        Version::parse(s, Ecosystem::Python).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn sv(s: &str) -> Version {
        Version::parse(s, Ecosystem::Semver).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn tag(s: &str) -> TagVersion {
        check_tag(s, &tags()).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    fn tag_err(s: &str, cfg: &TagsConfig) -> TagError {
        match check_tag(s, cfg) {
            Ok(t) => panic!("{s} accepted as {:?}", t.version_part()),
            Err(e) => e,
        }
    }

    // --- globs and candidates -----------------------------------------------------------------

    #[test]
    fn candidates_follow_design() {
        let t = tags();
        for c in [
            "v1.2",
            "1.2.3",
            "V1.2.3",
            "vv1.2.3",
            "v1.2.3.4",
            "v1.2.0-rc1",
        ] {
            assert!(is_candidate(c, &t), "{c}");
        }
        for c in ["latest", "claude/compaction/7", "v", "release-1.0", "vx1"] {
            assert!(!is_candidate(c, &t), "{c}");
        }
        let ignoring = TagsConfig {
            ignore: vec!["v0.*".into()],
            ..tags()
        };
        assert!(!is_candidate("v0.1.0", &ignoring));
        assert!(is_candidate("v1.0.0", &ignoring));
        let mono = TagsConfig {
            prefix: "mypkg-v".into(),
            ..tags()
        };
        assert!(is_candidate("mypkg-v1.2.0", &mono));
        assert!(!is_candidate("mypkg-vx", &mono));
        let pat = TagsConfig {
            pattern: Some("^release-(?P<version>.+)$".into()),
            ..tags()
        };
        assert!(is_candidate("release-1.2.0", &pat));
        assert_eq!(version_part("release-1.2.0", &pat), Some("1.2.0"));
        assert_eq!(version_part("v1.2.0", &tags()), Some("1.2.0"));
        assert_eq!(version_part("x1.2.0", &tags()), None);
    }

    // --- the portable grammar -----------------------------------------------------------------

    #[test]
    fn portable_accepts_design_examples() {
        for t in [
            "v1.2.0",
            "v1.2.0-rc1",
            "v1.2.0-rc.1",
            "v1.2.0-alpha.2",
            "v0.1.0-rc1",
            "v10.20.30",
            "v1.2.0-a1",
            "v1.2.0-b.2",
            "v1.2.0-beta2",
            "v1.2.0-rc0",
            "v0.0.0",
        ] {
            let tv = tag(t);
            assert!(tv.semver().is_some() && tv.pep440().is_some(), "{t}");
        }
        assert_eq!(
            tag("v1.2.0-rc.1")
                .pep440()
                .map(ToString::to_string)
                .as_deref(),
            Some("1.2.0rc1")
        );
        assert_eq!(
            tag("v1.2.0-alpha.2")
                .pep440()
                .map(ToString::to_string)
                .as_deref(),
            Some("1.2.0a2")
        );
    }

    #[test]
    fn portable_rejections_say_which_part_and_why() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "v1.2",
                "missing PATCH: expected vMAJOR.MINOR.PATCH",
                Some("v1.2.0"),
            ),
            ("v1", "missing MINOR and PATCH", Some("v1.0.0")),
            ("V1.2.3", "upper-case prefix `V`", Some("v1.2.3")),
            ("v1.2.0-RC1", "upper case in `-RC1`", Some("v1.2.0-rc1")),
            ("v1.2.0-dev.3", "dev releases are not releases", None),
            ("v1.2.0.dev3", "dev releases are not releases", None),
            ("v1.2.0-rc1.dev2", "dev releases are not releases", None),
            ("vv1.2.3", "doubled prefix `vv`", Some("v1.2.3")),
            ("v1.2.3.4", "four parts in `1.2.3.4`: expected three", None),
            ("v01.2.3", "leading zero in MAJOR `01`", Some("v1.2.3")),
            ("v1.02.3", "leading zero in MINOR `02`", Some("v1.2.3")),
            (
                "v1.2.0-rc.01",
                "leading zero in pre-release number `01`",
                Some("v1.2.0-rc.1"),
            ),
            (
                "v1.2.0+build.5",
                "build metadata `+build.5`",
                Some("v1.2.0"),
            ),
            ("v1.2.0-rc", "pre-release `rc` has no number", None),
            ("v1.2.0rc1", "needs a `-` before it", Some("v1.2.0-rc1")),
            ("v1.2.0.rc.1", "needs a `-` before it", Some("v1.2.0-rc.1")),
            ("v1.2.0-post.1", "post-release", None),
            ("v1.2.0.post1", "post-release", None),
            ("v1!1.2.0", "epoch `1!`", Some("v1.2.0")),
            (
                "v1.2.0-pre.1",
                "`pre` is not a pre-release label",
                Some("v1.2.0-rc.1"),
            ),
            ("v1.2.0-1", "has no label", None),
            ("v1.2.0-rc.1.2", "unexpected `.2` after `rc.1`", None),
            ("v1.2.0-alpha.beta", "found `.beta`", None),
            (
                "v1.2.0-rc-1",
                "`-` between `rc` and its number",
                Some("v1.2.0-rc.1"),
            ),
            (
                "v1.2.0-final",
                "a final release has no label",
                Some("v1.2.0"),
            ),
            ("v1.2.0-SNAPSHOT", "upper case", None),
            ("v1.2.0~rc1", "unexpected `~` after PATCH", None),
            ("v1..2.3", "empty number between dots", None),
            ("v1.2.", "trailing `.`", None),
            ("1.2.3", "missing prefix `v`", Some("v1.2.3")),
            (
                "v99999999999999999999.0.0",
                "MAJOR `99999999999999999999` is too large",
                None,
            ),
            (
                "v1.2.0\u{2010}rc1",
                "non-ASCII character `\u{2010}` (U+2010) at character 7",
                None,
            ),
            ("v1.2.0 rc1", "whitespace", None),
            // Named by code point: the message is escaped again when printed.
            (
                "v1.0.0\u{1b}x",
                "whitespace or control character U+001B at character 7",
                None,
            ),
            ("", "empty tag name", None),
        ];
        for (t, want, help) in cases {
            let e = tag_err(t, &tags());
            assert!(
                e.message.contains(want),
                "{t}: {:?} lacks {want:?}",
                e.message
            );
            if let Some(h) = help {
                assert_eq!(
                    e.help.as_deref(),
                    Some(format!("did you mean `{h}`?").as_str()),
                    "{t}"
                );
            }
        }
        // Dev advice is help text, not a corrected spelling.
        let e = tag_err("v1.2.0-dev.3", &tags());
        let help = e.help.unwrap_or_default();
        assert!(help.contains("dev builds get no release tag"), "{help}");
        assert!(help.contains("a pre-release (v1.2.0-rc1)"), "{help}");
    }

    #[test]
    fn prefixes_other_than_v() {
        let mono = TagsConfig {
            prefix: "mypkg-v".into(),
            ..tags()
        };
        assert!(check_tag("mypkg-v1.2.0", &mono).is_ok());
        let e = tag_err("v1.2.0", &mono);
        assert!(e.message.contains("missing prefix `mypkg-v`"), "{e:?}");
        assert_eq!(e.help.as_deref(), Some("did you mean `mypkg-v1.2.0`?"));
        let bare = TagsConfig {
            prefix: String::new(),
            ..tags()
        };
        assert!(check_tag("1.2.0", &bare).is_ok());
        let e = tag_err("v1.2.0", &bare);
        assert!(e.message.contains("tags.prefix is empty"), "{e:?}");
        assert_eq!(e.help.as_deref(), Some("did you mean `1.2.0`?"));
        let pat = TagsConfig {
            pattern: Some("^release-(?P<version>.+)$".into()),
            ..tags()
        };
        assert_eq!(
            check_tag("release-1.2.0", &pat).map(|t| t.version_part().to_string()),
            Ok("1.2.0".into())
        );
        let e = tag_err("release-1.2", &pat);
        assert_eq!(e.help.as_deref(), Some("did you mean `release-1.2.0`?"));
        assert!(
            tag_err("v1.2.0", &pat)
                .message
                .contains("does not match tags.pattern")
        );
    }

    #[test]
    fn rc10_without_dot_warns() {
        assert_eq!(tag("v1.2.0-rc10").warnings().len(), 1);
        assert!(tag("v1.2.0-rc10").warnings()[0].contains("`rc10`"));
        assert!(tag("v1.2.0-rc.10").warnings().is_empty());
        assert!(tag("v1.2.0-rc9").warnings().is_empty());
        // PEP 440 orders numerically; SemVer does not — that is what the warning is about.
        let (a, b) = (tag("v1.2.0-rc10"), tag("v1.2.0-rc2"));
        assert_eq!(
            compare_tags(&a, &b, Ecosystem::Semver),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare_tags(&a, &b, Ecosystem::Python),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn pre_styles() {
        let s = |t: &str| tag(t).pre_style();
        assert_eq!(s("v1.2.0"), None);
        let rc1 = s("v1.2.0-rc1").unwrap();
        let rcdot = s("v1.2.0-rc.1").unwrap();
        let a1 = s("v1.2.0-a1").unwrap();
        let alpha = s("v1.2.0-alpha.1").unwrap();
        assert_eq!(rc1.to_string(), "-rcN");
        assert_eq!(alpha.to_string(), "-alpha.N");
        assert!(!rc1.consistent_with(&rcdot));
        assert!(rc1.consistent_with(&a1));
        assert!(rcdot.consistent_with(&alpha));
        assert!(!a1.consistent_with(&s("v1.2.0-alpha1").unwrap()));
        let pep = check_tag("v1.2.0rc1", &with_grammar(Grammar::Pep440)).unwrap();
        assert_eq!(
            pep.pre_style().map(|p| p.to_string()).as_deref(),
            Some("rcN")
        );
    }

    // --- the semver and pep440 grammars -------------------------------------------------------

    /// semver.org's regex test strings (https://regex101.com/r/vkijKf/1/), valid list.
    const SEMVER_VALID: &[&str] = &[
        "0.0.4",
        "1.2.3",
        "10.20.30",
        "1.1.2-prerelease+meta",
        "1.1.2+meta",
        "1.1.2+meta-valid",
        "1.0.0-alpha",
        "1.0.0-beta",
        "1.0.0-alpha.beta",
        "1.0.0-alpha.beta.1",
        "1.0.0-alpha.1",
        "1.0.0-alpha0.valid",
        "1.0.0-alpha.0valid",
        "1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay",
        "1.0.0-rc.1+build.1",
        "2.0.0-rc.1+build.123",
        "1.2.3-beta",
        "10.2.3-DEV-SNAPSHOT",
        "1.2.3-SNAPSHOT-123",
        "1.0.0",
        "2.0.0",
        "1.1.7",
        "2.0.0+build.1848",
        "2.0.1-alpha.1227",
        "1.0.0-alpha+beta",
        "1.2.3----RC-SNAPSHOT.12.9.1--.12+788",
        "1.2.3----R-S.12.9.1--.12+meta",
        "1.2.3----RC-SNAPSHOT.12.9.1--.12",
        "1.0.0+0.build.1-rc.10000aaa-kk-0.1",
        "1.0.0-0A.is.legal",
    ];

    /// The same page's invalid list.
    const SEMVER_INVALID: &[&str] = &[
        "1",
        "1.2",
        "1.2.3-0123",
        "1.2.3-0123.0123",
        "1.1.2+.123",
        "+invalid",
        "-invalid",
        "-invalid+invalid",
        "-invalid.01",
        "alpha",
        "alpha.beta",
        "alpha.beta.1",
        "alpha.1",
        "alpha+beta",
        "alpha_beta",
        "alpha.",
        "alpha..",
        "beta",
        "1.0.0-alpha_beta",
        "-alpha.",
        "1.0.0-alpha..",
        "1.0.0-alpha..1",
        "1.0.0-alpha...1",
        "1.0.0-alpha....1",
        "1.0.0-alpha.....1",
        "1.0.0-alpha......1",
        "1.0.0-alpha.......1",
        "01.1.1",
        "1.01.1",
        "1.1.01",
        "1.2.3.DEV",
        "1.2-SNAPSHOT",
        "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788",
        "1.2-RC-SNAPSHOT",
        "-1.0.3-gamma+b7718",
        "+justmeta",
        "9.8.7+meta+meta",
        "9.8.7-whatever+meta+meta",
        "99999999999999999999999.999999999999999999.99999999999999999----RC-SNAPSHOT.12.09.1--------------------------------..12",
    ];

    #[test]
    fn semver_files_follow_semver_org_lists() {
        for v in SEMVER_VALID {
            assert!(Version::parse(v, Ecosystem::Semver).is_ok(), "{v}");
        }
        for v in SEMVER_INVALID {
            assert!(Version::parse(v, Ecosystem::Semver).is_err(), "{v}");
        }
        // Valid by the regex, but beyond u64: the semver crate (Cargo) rejects it, and so do we.
        assert!(
            Version::parse(
                "99999999999999999999999.999999999999999999.99999999999999999",
                Ecosystem::Semver
            )
            .is_err()
        );
    }

    #[test]
    fn semver_grammar_is_semver_minus_universal_rejections() {
        let g = with_grammar(Grammar::Semver);
        for v in SEMVER_VALID {
            let t = format!("v{v}");
            let r = check_tag(&t, &g);
            let universal = v.contains('+') || v.bytes().any(|b| b.is_ascii_uppercase());
            assert_eq!(r.is_ok(), !universal, "{t}: {r:?}");
        }
        for v in SEMVER_INVALID {
            assert!(check_tag(&format!("v{v}"), &g).is_err(), "{v}");
        }
        assert!(check_tag("v1.2.0-post.1", &g).is_ok());
        assert!(
            check_tag("v1.2.0-dev.1", &g)
                .unwrap_err()
                .message
                .contains("dev release")
        );
        let e = tag_err("v1.2.0rc1", &g);
        assert_eq!(e.help.as_deref(), Some("did you mean `v1.2.0-rc1`?"));
        // Portable tags are valid under every grammar's SemVer reading.
        assert!(check_tag("v1.2.0-alpha.beta", &tags()).is_err());
        assert!(check_tag("v1.2.0-alpha.beta", &g).is_ok());
        assert!(
            check_tag("v1.2.0-alpha.beta", &g)
                .unwrap()
                .pep440()
                .is_none()
        );
    }

    #[test]
    fn pep440_grammar_wants_canonical_public_versions() {
        let g = with_grammar(Grammar::Pep440);
        for t in [
            "v1.2.0",
            "v1.2.0rc1",
            "v1.2.0.post1",
            "v1.2.0a1",
            "v1.2.3.4",
            "v1.2.0rc1.post2",
        ] {
            assert!(check_tag(t, &g).is_ok(), "{t}: {:?}", check_tag(t, &g));
        }
        let e = tag_err("v1.2.0-rc1", &g);
        assert!(e.message.contains("not canonical PEP 440"), "{e:?}");
        assert_eq!(e.help.as_deref(), Some("did you mean `v1.2.0rc1`?"));
        assert!(
            tag_err("v1.2.0+abc", &g)
                .message
                .contains("local version label")
        );
        assert!(tag_err("v1!1.2.0", &g).message.contains("epoch"));
        assert!(tag_err("v1.2.0.dev1", &g).message.contains("dev release"));
        // The advice names a pre-release this grammar accepts.
        let help = tag_err("v1.2.0.dev1", &g).help.unwrap_or_default();
        assert!(help.contains("a pre-release (v1.2.0rc1)"), "{help}");
        assert!(check_tag("v1.2.0rc1", &g).is_ok());
        assert!(tag_err("v1.2", &g).message.contains("missing PATCH"));
        assert!(tag_err("v1.2.0-RC1", &g).message.contains("upper case"));
        assert!(
            tag_err("v1.2.0.0-alpha.beta", &g)
                .message
                .contains("not a PEP 440 version")
        );
        assert!(check_tag("v1.2.0rc1", &g).unwrap().semver().is_none());
    }

    // --- PEP 440 against packaging's own test suite -------------------------------------------

    /// packaging's tests/test_version.py `VERSIONS`, in order. Every one parses, and the list is
    /// sorted: the PEP 440 order relgate uses is packaging's.
    const PEP440_ORDERED: &[&str] = &[
        "1.0.dev0",
        "1.0.dev456",
        "1.0.dev456+local",
        "1.0a0",
        "1.0a0.post0.dev0",
        "1.0a0.post0",
        "1.0a1.dev1",
        "1.0a1.dev1+local",
        "1.0a1",
        "1.0a1+local",
        "1.0b0",
        "1.0b1.dev456",
        "1.0b2",
        "1.0b2.post345.dev456",
        "1.0b2.post345",
        "1.0b2-346",
        "1.0rc0",
        "1.0rc1.dev1",
        "1.0c1",
        "1.0rc2",
        "1.0",
        "1.0.post0.dev0",
        "1.0.post0",
        "1.0.post456.dev34",
        "1.0.post456",
        "1.0.post456+local",
        "1.0.1.dev1",
        "1.0.1a1",
        "1.0.1",
        "1.0.1+local",
        "1.0.1.post1",
        "1.1.dev1",
        "1.2+a",
        "1.2+abc",
        "1.2+abcdef",
        "1.2+def",
        "1.2+0",
        "1.2+1",
        "1.2+1.abc",
        "1.2+1.1",
        "1.2+1.1.0",
        "1.2+2",
        "1.2+123",
        "1.2+123456",
        "1.2.r32+123456",
        "1.2.rev33+123456",
        "1!1.0.dev0",
        "1!1.0.dev456",
        "1!1.0.dev456+local",
        "1!1.0a0",
        "1!1.0a0.post0.dev0",
        "1!1.0a0.post0",
        "1!1.0a1.dev1",
        "1!1.0a1.dev1+local",
        "1!1.0a1",
        "1!1.0a1+local",
        "1!1.0b0",
        "1!1.0b1.dev456",
        "1!1.0b2",
        "1!1.0b2.post345.dev456",
        "1!1.0b2.post345",
        "1!1.0b2-346",
        "1!1.0rc0",
        "1!1.0rc1.dev1",
        "1!1.0c1",
        "1!1.0rc2",
        "1!1.0",
        "1!1.0.post0.dev0",
        "1!1.0.post0",
        "1!1.0.post456.dev34",
        "1!1.0.post456",
        "1!1.0.post456+local",
        "1!1.0.1.dev1",
        "1!1.0.1a1",
        "1!1.0.1",
        "1!1.0.1+local",
        "1!1.0.1.post1",
        "1!1.1.dev1",
        "1!1.2+a",
        "1!1.2+abc",
        "1!1.2+abcdef",
        "1!1.2+def",
        "1!1.2+0",
        "1!1.2+1",
        "1!1.2+1.abc",
        "1!1.2+1.1",
        "1!1.2+1.1.0",
        "1!1.2+2",
        "1!1.2+123",
        "1!1.2+123456",
        "1!1.2.r32+123456",
        "1!1.2.rev33+123456",
    ];

    #[test]
    fn pep440_order_matches_packaging() {
        let vs: Vec<Version> = PEP440_ORDERED.iter().map(|s| py(s)).collect();
        for w in vs.windows(2) {
            assert_eq!(
                compare(&w[0], &w[1]),
                Some(Ordering::Less),
                "{} < {}",
                w[0],
                w[1]
            );
        }
        assert_eq!(compare(&py("1.0c1"), &py("1.0rc1")), Some(Ordering::Equal));
    }

    /// A release built from its numbers is the version PEP 440 reads in its text: equal, in
    /// the same order against pre- and post-releases, and printed the same.
    #[test]
    fn a_semver_release_is_the_pep440_version_of_its_text() {
        for text in [
            "0.0.0",
            "1.2.3",
            "0.28.1",
            "10.0.0+build.7",
            "18446744073709551615.0.1",
        ] {
            let sv = semver::Version::parse(text).unwrap();
            let built = semver_to_pep440(&sv).unwrap();
            let plain = text.split('+').next().unwrap();
            let parsed = pep440_rs::Version::from_str(plain).unwrap();
            assert_eq!(built, parsed, "{text}");
            assert_eq!(built.to_string(), parsed.to_string(), "{text}");
            for other in [
                "1.2.3rc1",
                "1.2.3.post1",
                "1.2.3.dev0",
                "1!0.1",
                "0.28.1.post0",
            ] {
                let o = pep440_rs::Version::from_str(other).unwrap();
                assert_eq!(built.cmp(&o), parsed.cmp(&o), "{text} against {other}");
            }
        }
        let pre = semver::Version::parse("1.2.0-alpha.2").unwrap();
        assert_eq!(semver_to_pep440(&pre).unwrap().to_string(), "1.2.0a2");
    }

    #[test]
    fn pep440_invalid_matches_packaging() {
        for s in [
            "french toast",
            "1.0+a+",
            "1.0++",
            "1.0+_foobar",
            "1.0+foo&asd",
            "1.0+1+1",
            "1. 0",
            "1 .0",
            "1. 0a1",
            "1 .0a1",
            "1.0 a1",
            "1.0a 1",
            "٠١٢.٣٤٥.٦٧٨٩",
            ".",
            "..",
            "1..0",
            "1.0.",
            ".1.0",
            "1..2.3",
            "1.0+\u{130}",
            "",
            "1.2.0-alpha.beta",
            "1.2.0-0.3.7",
            "1.2.0-x.7.z.92",
            "1.2.0-final",
            "1.2.0-SNAPSHOT",
        ] {
            assert!(Version::parse(s, Ecosystem::Python).is_err(), "{s:?}");
        }
    }

    #[test]
    fn pep440_normalisation_matches_packaging() {
        // packaging's test_normalized_versions (the ASCII-whitespace ones; pep440_rs, like PEP
        // 440 itself, does not strip Unicode spaces such as U+202F, which packaging 26 does).
        let cases = [
            ("1.0dev", "1.0.dev0"),
            ("1.0.dev", "1.0.dev0"),
            ("1.0dev1", "1.0.dev1"),
            ("1.0-dev", "1.0.dev0"),
            ("1.0-dev1", "1.0.dev1"),
            ("1.0DEV", "1.0.dev0"),
            ("1.0.DEV", "1.0.dev0"),
            ("1.0DEV1", "1.0.dev1"),
            ("1.0.DEV1", "1.0.dev1"),
            ("1.0-DEV", "1.0.dev0"),
            ("1.0-DEV1", "1.0.dev1"),
            ("1.0a", "1.0a0"),
            ("1.0.a", "1.0a0"),
            ("1.0.a1", "1.0a1"),
            ("1.0-a", "1.0a0"),
            ("1.0-a1", "1.0a1"),
            ("1.0alpha", "1.0a0"),
            ("1.0.alpha", "1.0a0"),
            ("1.0.alpha1", "1.0a1"),
            ("1.0-alpha", "1.0a0"),
            ("1.0-alpha1", "1.0a1"),
            ("1.0A", "1.0a0"),
            ("1.0.A", "1.0a0"),
            ("1.0.A1", "1.0a1"),
            ("1.0-A", "1.0a0"),
            ("1.0-A1", "1.0a1"),
            ("1.0ALPHA", "1.0a0"),
            ("1.0.ALPHA", "1.0a0"),
            ("1.0.ALPHA1", "1.0a1"),
            ("1.0-ALPHA", "1.0a0"),
            ("1.0-ALPHA1", "1.0a1"),
            ("1.0b", "1.0b0"),
            ("1.0.b", "1.0b0"),
            ("1.0.b1", "1.0b1"),
            ("1.0-b", "1.0b0"),
            ("1.0-b1", "1.0b1"),
            ("1.0beta", "1.0b0"),
            ("1.0.beta", "1.0b0"),
            ("1.0.beta1", "1.0b1"),
            ("1.0-beta", "1.0b0"),
            ("1.0-beta1", "1.0b1"),
            ("1.0B", "1.0b0"),
            ("1.0.B", "1.0b0"),
            ("1.0.B1", "1.0b1"),
            ("1.0-B", "1.0b0"),
            ("1.0-B1", "1.0b1"),
            ("1.0BETA", "1.0b0"),
            ("1.0.BETA", "1.0b0"),
            ("1.0.BETA1", "1.0b1"),
            ("1.0-BETA", "1.0b0"),
            ("1.0-BETA1", "1.0b1"),
            ("1.0c", "1.0rc0"),
            ("1.0.c", "1.0rc0"),
            ("1.0.c1", "1.0rc1"),
            ("1.0-c", "1.0rc0"),
            ("1.0-c1", "1.0rc1"),
            ("1.0rc", "1.0rc0"),
            ("1.0.rc", "1.0rc0"),
            ("1.0.rc1", "1.0rc1"),
            ("1.0-rc", "1.0rc0"),
            ("1.0-rc1", "1.0rc1"),
            ("1.0C", "1.0rc0"),
            ("1.0.C", "1.0rc0"),
            ("1.0.C1", "1.0rc1"),
            ("1.0-C", "1.0rc0"),
            ("1.0-C1", "1.0rc1"),
            ("1.0RC", "1.0rc0"),
            ("1.0.RC", "1.0rc0"),
            ("1.0.RC1", "1.0rc1"),
            ("1.0-RC", "1.0rc0"),
            ("1.0-RC1", "1.0rc1"),
            ("1.0post", "1.0.post0"),
            ("1.0.post", "1.0.post0"),
            ("1.0post1", "1.0.post1"),
            ("1.0-post", "1.0.post0"),
            ("1.0-post1", "1.0.post1"),
            ("1.0POST", "1.0.post0"),
            ("1.0.POST", "1.0.post0"),
            ("1.0POST1", "1.0.post1"),
            ("1.0r", "1.0.post0"),
            ("1.0rev", "1.0.post0"),
            ("1.0.POST1", "1.0.post1"),
            ("1.0.r1", "1.0.post1"),
            ("1.0.rev1", "1.0.post1"),
            ("1.0-POST", "1.0.post0"),
            ("1.0-POST1", "1.0.post1"),
            ("1.0-5", "1.0.post5"),
            ("1.0-r5", "1.0.post5"),
            ("1.0-rev5", "1.0.post5"),
            ("1.0+AbC", "1.0+abc"),
            ("1.01", "1.1"),
            ("1.0a05", "1.0a5"),
            ("1.0b07", "1.0b7"),
            ("1.0c056", "1.0rc56"),
            ("1.0rc09", "1.0rc9"),
            ("1.0.post000", "1.0.post0"),
            ("1.1.dev09000", "1.1.dev9000"),
            ("00!1.2", "1.2"),
            ("0100!0.0", "100!0.0"),
            ("v1.0", "1.0"),
            ("   v1.0\t\n", "1.0"),
        ];
        for (input, want) in cases {
            let v = py(input);
            assert_eq!(v.normalized(), want, "{input}");
            assert_eq!(is_canonical(&v), input == want, "{input}");
        }
        // research/versions.md §4.2 rows.
        for (input, want) in [
            ("1.2.0-rc.1", "1.2.0rc1"),
            ("1.2.0.rc.1", "1.2.0rc1"),
            ("1.2.0_rc_1", "1.2.0rc1"),
            ("1.2.0-rc-1", "1.2.0rc1"),
            ("1.2.0-pre.1", "1.2.0rc1"),
            ("1.2.0-dev.3", "1.2.0.dev3"),
            ("1.2.0-rc.1.dev.2", "1.2.0rc1.dev2"),
            ("1.2.0-rc1-dev2", "1.2.0rc1.dev2"),
            ("01.02.03", "1.2.3"),
            ("1.2.0-rc.01", "1.2.0rc1"),
            ("1.2.0+abc-def", "1.2.0+abc.def"),
            ("1!1.2.0", "1!1.2.0"),
        ] {
            assert_eq!(py(input).normalized(), want, "{input}");
        }
    }

    // --- equivalence: research/versions.md §4.5 and §4.6 ---------------------------------------

    #[test]
    fn mapping_table_of_research_4_6() {
        // (tag, Python file value that agrees canonically, SemVer file value that must equal it)
        let rows = [
            ("v1.2.0", "1.2.0", "1.2.0"),
            ("v1.2.0-rc1", "1.2.0rc1", "1.2.0-rc1"),
            ("v1.2.0-rc.1", "1.2.0rc1", "1.2.0-rc.1"),
            ("v1.2.0-alpha.1", "1.2.0a1", "1.2.0-alpha.1"),
            ("v1.2.0-alpha1", "1.2.0a1", "1.2.0-alpha1"),
            ("v1.2.0-a1", "1.2.0a1", "1.2.0-a1"),
            ("v1.2.0-a.1", "1.2.0a1", "1.2.0-a.1"),
            ("v1.2.0-beta.2", "1.2.0b2", "1.2.0-beta.2"),
            ("v1.2.0-b2", "1.2.0b2", "1.2.0-b2"),
        ];
        for (t, p, s) in rows {
            let tv = tag(t);
            assert_eq!(tag_matches(&tv, &py(p)), Agreement::Equal, "{t} vs {p}");
            assert_eq!(tag_matches(&tv, &sv(s)), Agreement::Equal, "{t} vs {s}");
            assert_eq!(agree(&py(p), &sv(s)), Agreement::Equal, "{p} vs {s}");
        }
        // Non-canonical Python spellings are equal but warned.
        assert_eq!(
            tag_matches(&tag("v1.2.0"), &py("1.2")),
            Agreement::EqualNonCanonical
        );
        assert_eq!(
            tag_matches(&tag("v1.2.0"), &py("1.2.0.0")),
            Agreement::EqualNonCanonical
        );
        assert_eq!(
            tag_matches(&tag("v1.2.0-rc1"), &py("1.2.0-rc1")),
            Agreement::EqualNonCanonical
        );
        assert_eq!(
            tag_matches(&tag("v1.2.0-rc.1"), &py("1.2.0-rc1")),
            Agreement::EqualNonCanonical
        );
        // SemVer sources are exact.
        assert_eq!(
            tag_matches(&tag("v1.2.0-rc.1"), &sv("1.2.0-rc1")),
            Agreement::Different
        );
        assert_eq!(
            tag_matches(&tag("v1.2.0-rc1"), &sv("1.2.0-rc.1")),
            Agreement::Different
        );
        assert_eq!(
            tag_matches(&tag("v1.2.0-a1"), &sv("1.2.0-alpha.1")),
            Agreement::Different
        );
        assert_eq!(
            tag_matches(&tag("v1.2.0"), &sv("1.2.1")),
            Agreement::Different
        );
        assert_eq!(
            tag_matches(&tag("v1.2.0"), &py("1.2.1")),
            Agreement::Different
        );
        // A pep440-grammar tag against a SemVer source goes through PEP 440.
        let pep = check_tag("v1.2.0rc1", &with_grammar(Grammar::Pep440)).unwrap();
        assert_eq!(tag_matches(&pep, &sv("1.2.0-rc.1")), Agreement::Equal);
        // Rows the mapping refuses: dev, post, numeric pre-release.
        assert!(sv("1.2.0-post.1").pep440().is_none());
        assert!(sv("1.2.0-1").pep440().is_none());
        assert_eq!(
            sv("1.2.0-dev.3")
                .pep440()
                .map(ToString::to_string)
                .as_deref(),
            Some("1.2.0.dev3")
        );
    }

    #[test]
    fn agreement_between_files() {
        assert_eq!(agree(&py("1.2.0"), &py("1.2.0")), Agreement::Equal);
        assert_eq!(
            agree(&py("1.2"), &py("1.2.0")),
            Agreement::EqualNonCanonical
        );
        assert_eq!(
            agree(&py("1.2.0-rc1"), &py("1.2.0rc1")),
            Agreement::EqualNonCanonical
        );
        assert_eq!(
            agree(&py("1.2.0rc1"), &py("1.2.0rc2")),
            Agreement::Different
        );
        assert_eq!(
            agree(&sv("1.2.0-rc.1"), &sv("1.2.0-rc1")),
            Agreement::Different
        );
        assert_eq!(
            agree(&sv("1.2.0-rc.1"), &sv("1.2.0-rc.1")),
            Agreement::Equal
        );
        // One rule for build metadata (DESIGN §3): SemVer precedence ignores it, so `+a`,
        // `+b` and none are one version, in every pairing (this was `Different` for `+a`/`+b`
        // while `+a` and none agreed: issue 14).
        assert_eq!(agree(&sv("1.2.0+a"), &sv("1.2.0+b")), Agreement::Equal);
        assert_eq!(agree(&sv("1.2.0+a"), &sv("1.2.0")), Agreement::Equal);
        assert_eq!(agree(&sv("1.2.0+a"), &py("1.2.0")), Agreement::Equal);
        assert_eq!(agree(&sv("1.2.0+a"), &sv("1.2.1+a")), Agreement::Different);
        // npm reads a leading `v`; the version is canonical only without it.
        let npm = Version::parse_npm("v1.2.3").unwrap();
        assert_eq!((npm.raw(), npm.normalized().as_str()), ("v1.2.3", "1.2.3"));
        assert!(!is_canonical(&npm));
        assert!(is_canonical(&sv("1.2.3+b")));
        assert_eq!(agree(&npm, &sv("1.2.3")), Agreement::Equal);
        assert_eq!(tag_for(&npm, "v", None), "v1.2.3");
        assert!(Version::parse_npm("V1.2.3").is_none());
        assert!(Version::parse_npm("vv1.2.3").is_none());
        assert!(Version::parse_npm("1.2").is_none());
        // maturin: pyproject and Cargo.toml.
        assert_eq!(agree(&py("1.2.0rc1"), &sv("1.2.0-rc.1")), Agreement::Equal);
        assert_eq!(
            agree(&py("1.2.0-rc1"), &sv("1.2.0-rc.1")),
            Agreement::EqualNonCanonical
        );
        assert_eq!(
            agree(&py("1.2"), &sv("1.2.0")),
            Agreement::EqualNonCanonical
        );
        assert_eq!(
            agree(&py("1.2.0"), &sv("1.2.0-alpha.beta")),
            Agreement::Different
        );
    }

    #[test]
    fn ordering_divergences_of_research_4_5() {
        let cmp_s = |a: &str, b: &str| compare(&sv(a), &sv(b));
        let cmp_p = |a: &str, b: &str| compare(&py(a), &py(b));
        assert_eq!(cmp_s("1.2.0-rc10", "1.2.0-rc2"), Some(Ordering::Less));
        assert_eq!(cmp_p("1.2.0-rc10", "1.2.0-rc2"), Some(Ordering::Greater));
        assert_eq!(cmp_s("1.2.0-rc.10", "1.2.0-rc.2"), Some(Ordering::Greater));
        assert_eq!(cmp_s("1.0.0-rc.1", "1.0.0-rc1"), Some(Ordering::Less));
        assert_eq!(cmp_p("1.0.0-rc.1", "1.0.0-rc1"), Some(Ordering::Equal));
        assert_eq!(cmp_s("1.0.0-RC1", "1.0.0-a1"), Some(Ordering::Less));
        assert_eq!(cmp_p("1.0.0-RC1", "1.0.0-a1"), Some(Ordering::Greater));
        assert_eq!(
            cmp_s("1.0.0-dev.1", "1.0.0-alpha.1"),
            Some(Ordering::Greater)
        );
        assert_eq!(cmp_p("1.0.0-dev.1", "1.0.0-alpha.1"), Some(Ordering::Less));
        assert_eq!(cmp_s("1.0.0-post.1", "1.0.0"), Some(Ordering::Less));
        assert_eq!(cmp_p("1.0.0-post.1", "1.0.0"), Some(Ordering::Greater));
        // Precedence ignores build metadata (cmp_precedence, not Ord); PEP 440 local does not.
        assert_eq!(cmp_s("1.0.0+a", "1.0.0+b"), Some(Ordering::Equal));
        assert_eq!(cmp_p("1.0.0+a", "1.0.0+b"), Some(Ordering::Less));
        // semver.org §11 precedence example.
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for w in chain.windows(2) {
            assert_eq!(
                cmp_s(w[0], w[1]),
                Some(Ordering::Less),
                "{} < {}",
                w[0],
                w[1]
            );
        }
        // Mixed: PEP 440 order, and None when the SemVer side has no PEP 440 form.
        assert_eq!(compare(&py("1.2.0rc1"), &sv("1.2.0")), Some(Ordering::Less));
        assert_eq!(compare(&py("1.2.0"), &sv("1.2.0-x.7.z.92")), None);
    }

    #[test]
    fn tag_relations() {
        assert!(same_version(&tag("v1.2.0-rc1"), &tag("v1.2.0-rc.1")));
        let bare = TagsConfig {
            prefix: String::new(),
            ..tags()
        };
        assert!(same_version(
            &tag("v1.2.3"),
            &check_tag("1.2.3", &bare).unwrap()
        ));
        assert!(!same_version(&tag("v1.2.3"), &tag("v1.2.4")));
        assert_eq!(
            compare_with_tag(&py("1.2.0"), &tag("v1.3.0")),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare_with_tag(&sv("1.3.0"), &tag("v1.2.0")),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare_with_tag(&py("3.3.0"), &tag("v3.2.0")),
            Some(Ordering::Greater)
        );
        let as_py = tag("v1.2.0-rc.1").as_version(Ecosystem::Python).unwrap();
        assert_eq!(as_py.raw(), "1.2.0rc1");
        assert!(is_canonical(&as_py));
    }

    #[test]
    fn canonical_and_final() {
        assert!(is_canonical(&py("1.2.0rc1")));
        assert!(!is_canonical(&py("1.2.0-rc1")));
        assert!(!is_canonical(&py("v1.2.0")));
        assert!(is_canonical(&sv("1.2.0-rc1")));
        assert!(is_final(&py("1.2.0")));
        assert!(is_final(&py("1.2.0rc1")));
        assert!(!is_final(&py("1.2.0.dev3")));
        assert!(!is_final(&py("1.2.0+local")));
        assert!(is_final(&sv("1.2.0-rc.1")));
        assert!(!is_final(&sv("1.2.0-dev.3")));
        assert!(!is_final(&sv("1.2.0+build.5")));
        assert!(!is_final(&sv("1.2.0-SNAPSHOT")));
    }

    #[test]
    fn tags_for_versions() {
        let dotted = tag("v1.0.0-rc.1").pre_style();
        let long = tag("v1.0.0-alpha.1").pre_style();
        assert_eq!(tag_for(&py("1.2.0rc1"), "v", dotted), "v1.2.0-rc.1");
        assert_eq!(tag_for(&py("1.2.0rc1"), "v", None), "v1.2.0-rc1");
        assert_eq!(tag_for(&py("1.2.0a2"), "v", long), "v1.2.0-alpha.2");
        assert_eq!(tag_for(&py("1.2.0a2"), "v", dotted), "v1.2.0-a.2");
        assert_eq!(tag_for(&py("1.2"), "v", None), "v1.2.0");
        assert_eq!(tag_for(&py("1.2.0-RC1"), "v", None), "v1.2.0-rc1");
        assert_eq!(tag_for(&py("1.2.0.post1"), "v", None), "v1.2.0.post1");
        assert_eq!(tag_for(&sv("1.2.0-rc.1"), "v", None), "v1.2.0-rc.1");
        assert_eq!(tag_for(&sv("1.2.0-rc1"), "pkg-v", dotted), "pkg-v1.2.0-rc1");
        let pep = check_tag("v1.0.0rc1", &with_grammar(Grammar::Pep440))
            .unwrap()
            .pre_style();
        assert_eq!(tag_for(&py("1.2.0rc1"), "v", pep), "v1.2.0rc1");
        // Every portable tag round-trips through PEP 440 with its own style.
        for t in [
            "v1.2.0-rc1",
            "v1.2.0-rc.1",
            "v1.2.0-alpha.1",
            "v1.2.0-b2",
            "v3.0.0",
        ] {
            let tv = tag(t);
            let v = tv.as_version(Ecosystem::Python).unwrap();
            assert_eq!(tag_for(&v, "v", tv.pre_style()), t);
        }
    }

    #[test]
    fn skipped_numbers() {
        let s = |a: &str, b: &str| skips(&py(a), &py(b));
        assert!(s("1.3.2", "1.5.0"));
        assert!(s("1.3.2", "1.3.4"));
        assert!(s("1.3.2", "3.0.0"));
        assert!(s("1.3.2", "1.4.1"));
        assert!(s("1.3.2", "2.0.1"));
        assert!(!s("1.3.2", "1.4.0"));
        assert!(!s("1.3.2", "2.0.0"));
        assert!(!s("1.3.2", "1.3.3"));
        assert!(!s("1.3.2", "1.4.0rc1"));
        assert!(!s("1.3.2", "2.0.0a1"));
        assert!(!s("1.4.0rc1", "1.4.0"));
        assert!(!s("1.3.2", "1.3.2"));
        assert!(!s("1.3.2", "1.2.0"));
        assert!(!s("1.3", "1.4"));
        assert!(skips(&sv("1.3.2"), &sv("1.5.0")));
        assert!(!skips(&sv("1.3.2"), &sv("1.4.0-rc.1")));
        assert!(!skips(
            &sv("18446744073709551615.0.0"),
            &sv("18446744073709551615.0.1")
        ));
    }

    #[test]
    fn parse_errors_say_why() {
        let e = Version::parse("1.2", Ecosystem::Semver).unwrap_err();
        assert!(e.contains("not a SemVer 2.0.0 version"), "{e}");
        let e = Version::parse("v1.2.0", Ecosystem::Semver).unwrap_err();
        assert!(e.contains("without the leading `v`"), "{e}");
        let e = Version::parse("1.2.0rc1", Ecosystem::Semver).unwrap_err();
        assert!(e.contains("PEP 440 spelling"), "{e}");
        let e = Version::parse("1.2.0-alpha.beta", Ecosystem::Python).unwrap_err();
        assert!(e.contains("not a PEP 440 version"), "{e}");
        assert_eq!(
            Version::parse("  ", Ecosystem::Python).unwrap_err(),
            "the value is empty"
        );
        // Absurd input: errors stay short, nothing panics.
        let long = "1.".repeat(200_000) + "x";
        for eco in [Ecosystem::Python, Ecosystem::Semver] {
            let e = Version::parse(&long, eco).unwrap_err();
            assert!(e.chars().count() < 400, "{}", e.len());
        }
        let many = "1.".repeat(100_000) + "1";
        assert!(Version::parse(&many, Ecosystem::Python).is_ok());
        let e = check_tag(&format!("v{many}"), &tags()).unwrap_err();
        assert!(e.message.chars().count() < 300);
        assert!(check_tag(&format!("v1.2.0-rc{}", "1".repeat(10_000)), &tags()).is_err());
    }
}
