//! Where versions live (DESIGN §4): one reader per kind of file, each with a real parser.
//!
//! [`collect`] reads every auto-detected source, every file a bump tool declares and every
//! configured `[[versions.source]]` through a [`FileReader`] (the work tree, the index or a
//! commit: the caller decides) and returns each version found with its file, 1-based line and
//! character column, the "version comes from the git tag" notes, and the findings that concern
//! one source alone (`version-invalid`, `version-multiple`, `version-not-found` for a
//! configured or declared source). Comparing sources with each other or with tags is the
//! caller's job.
//!
//! One file per kind of source, all feeding one [`Collector`]:
//!
//! | module | reads |
//! | --- | --- |
//! | `python` | pyproject.toml, setup.cfg, the package's `__version__` modules, maturin's Cargo.toml |
//! | `py_lines` | the one-line scanners for `__version__ = "..."`, re-exports and hatch's pattern |
//! | `setup_py` | `setup.py`'s literal `setup(version=..., name=..., packages=...)`, as Python tokens |
//! | `cargo` | Cargo.toml |
//! | `npm` | package.json, package-lock.json |
//! | `yaml` | CITATION.cff, Helm's Chart.yaml, conda's meta.yaml |
//! | `plain` | `VERSION` |
//! | `bump_tools` | the configurations of bump-my-version, commitizen, tbump, semantic-release, rooster and release-please: the files each declares, and its record of the current version |
//! | `declared` | the declared files, read with the tool's search pattern, variable or key |
//! | `configured` | `[[versions.source]]` |
//! | `toml_doc`, `json`, `ini` | the parsers' glue: spans to positions |
//!
//! A new kind of source is one file with an `impl Collector` block and one call in
//! [`collect_in`]. Structured files are read by key, never by substring: TOML with `toml`'s
//! spanned document, JSON with `serde_json` (values borrowed from the text, so their offsets are
//! exact), YAML with `yaml-rust2`'s event parser, INI with a configparser-compatible scanner.
//! Anchored regexes or hand scanners are used only for one-line code files
//! (`__version__ = "..."`, conda's `{% set version = "..." %}`), configured patterns and the
//! search patterns a bump tool declares. This module never writes, never prints, and never
//! touches git.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use regex::{Captures, Match, Regex};

use crate::config::{VersionsConfig, line_col};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::version::{Ecosystem, Version};

mod bump_tools;
mod cargo;
mod configured;
mod declared;
mod ini;
mod json;
mod npm;
mod plain;
mod py_lines;
mod python;
mod setup_py;
#[cfg(test)]
mod testutil;
mod toml_doc;
pub mod workspace;
mod yaml;

/// Read access to one tree of files.
pub trait FileReader {
    /// The bytes of a repository-relative, `/`-separated path; `Ok(None)` when there is no such
    /// file.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>>;

    /// The entries of a repository-relative directory (`""`: the root) as (name, is a
    /// directory), sorted by name; `Ok(None)` when there is no such directory or this reader
    /// cannot list one (then a source that needs a listing, the one package directory of an
    /// old layout, is not looked for).
    fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
        let _ = dir;
        Ok(None)
    }

    /// At least the first `len` bytes of a file, and whether that is all of it: for a big file
    /// of which only the start is wanted (package-lock.json's versions). A reader without a
    /// cheaper way reads the whole file. `Ok(None)` when there is no such file.
    fn read_head(&self, path: &str, len: usize) -> Result<Option<(Vec<u8>, bool)>> {
        let _ = len;
        Ok(self.read(path)?.map(|bytes| (bytes, true)))
    }
}

/// A version source's bytes, read as UTF-8, as text without a leading BOM.
fn decode(
    path: &str,
    read: std::result::Result<String, std::string::FromUtf8Error>,
) -> Result<String> {
    let mut text = read.map_err(|e| {
        Error::new(format!(
            "{path} is not UTF-8 (invalid byte at offset {}); version sources must be UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// One version found in a file.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: String,
    /// 1-based line of the version's first character.
    pub line: usize,
    /// 1-based character column of the version's first character (inside any quotes).
    pub column: usize,
    /// What was read: `[project].version`, `__version__`, `[workspace.package].version`, ...
    pub kind: String,
    pub version: Version,
}

/// A version decided at build time from the git tag (setuptools_scm, hatch-vcs, ...): shown,
/// not compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dynamic {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub how: String,
}

/// Everything [`collect`] found.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub found: Vec<Found>,
    pub dynamic: Vec<Dynamic>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads every version source of the project at the repository root: the auto-detected ones
/// (unless `auto-detect = false`), the files its bump tools declare, then the configured ones.
/// `Err` means a source could not be read at all: a configured path that leaves the
/// repository, a malformed TOML/JSON/YAML file, a file that is not UTF-8.
pub fn collect(reader: &dyn FileReader, cfg: &VersionsConfig) -> Result<Sources> {
    collect_in(reader, cfg, "")
}

/// [`collect`] for the package whose files are in directory `dir` (repository-relative, `""`
/// for the root): every auto-detected file and every declared list is looked for there, and
/// declared paths are read relative to the file that declares them. `[[versions.source]]`
/// paths name files from the root, so they are read only for the root package.
pub fn collect_in(reader: &dyn FileReader, cfg: &VersionsConfig, dir: &str) -> Result<Sources> {
    let dir = normalize(dir).ok_or_else(|| {
        Error::new(format!(
            "package directory `{}` is not inside the repository",
            crate::version::clip(dir, 80)
        ))
    })?;
    // A bad configured path is a configuration error: report it before reading anything.
    let mut configured = Vec::new();
    if dir.is_empty() {
        for (i, s) in cfg.source.iter().enumerate() {
            configured.push((i, configured::configured_path(i, &s.path)?, s));
        }
    }
    let mut c = Collector::new(reader, dir, &cfg.exclude);
    if cfg.auto_detect {
        c.pyproject()?;
        c.setup_cfg()?;
        c.setup_py()?;
        c.python_modules()?;
        c.cargo()?;
        c.npm()?;
        c.version_file()?;
        c.yaml_version("CITATION.cff", None)?;
        c.conda()?;
        c.yaml_version("Chart.yaml", Some(Ecosystem::Semver))?;
        c.declared_configs()?;
        c.declared_files()?;
    }
    for (i, path, s) in configured {
        c.configured(i, &path, s)?;
    }
    Ok(c.finish())
}

/// A version string as read, before its ecosystem is settled.
struct Candidate {
    /// One logical source (a key, a pattern, one file's `__version__`): several values in one
    /// group are `version-multiple`.
    group: usize,
    path: String,
    line: usize,
    column: usize,
    kind: String,
    raw: String,
    /// `None`: the project's ecosystem (a `VERSION` file, CITATION.cff).
    eco: Option<Ecosystem>,
}

/// Where a declared indirection was written, for `version-not-found` when it leads nowhere.
#[derive(Debug, Clone)]
struct Origin {
    path: String,
    line: usize,
    column: usize,
    what: String,
}

/// The ecosystem a file belongs to, by its name: what "the project's other sources are
/// another ecosystem's" means for a private package.json.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Python,
    Cargo,
    Npm,
    Helm,
    /// `VERSION`, CITATION.cff, a bump tool's own config file: any project's.
    Neutral,
}

fn family(path: &str) -> Family {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name {
        "pyproject.toml" | "setup.cfg" | "meta.yaml" => Family::Python,
        "Cargo.toml" => Family::Cargo,
        "package.json" | "package-lock.json" => Family::Npm,
        "Chart.yaml" => Family::Helm,
        n if n.ends_with(".py") => Family::Python,
        _ => Family::Neutral,
    }
}

struct Collector<'r> {
    reader: &'r dyn FileReader,
    /// The package directory the auto-detected files are read in (`""`: the root).
    dir: String,
    /// `versions.exclude`: files that are never sources, as if they did not exist.
    exclude: &'r [String],
    candidates: Vec<Candidate>,
    /// (path, line, column) of every candidate, so a spot read twice counts once.
    positions: HashSet<(String, usize, usize)>,
    /// The last position asked about (offset and its line), keyed by the text's address and
    /// length: values are pushed in file order, so a file with many values is counted through
    /// once, not once per value. Cleared whenever a file is read, so a freed text's address
    /// cannot be mistaken for a new one.
    lines: Option<((usize, usize), usize, usize)>,
    dynamic: Vec<Dynamic>,
    diagnostics: Vec<Diagnostic>,
    next_group: usize,
    /// Files already read as a source (through an indirection), not to be read again.
    visited: BTreeSet<String>,
    /// Files a build backend writes from the git tag: stale in any checkout, never a source.
    generated: BTreeSet<String>,
    /// Import names of the Python package (from pyproject, setup.cfg or setup.py).
    names: Vec<String>,
    /// Python source roots besides the flat and `src/` layouts (package-dir, python-source).
    roots: Vec<String>,
    /// The files bump tools declare, read once the project's own sources are known.
    declared: Vec<declared::Declaration>,
    /// A pyproject.toml, setup.cfg or setup.py is here: worth looking for a package directory.
    python_project: bool,
    /// The names in the package directory, listed on the first file looked for there: most of
    /// the twenty-odd files a package may hold its version in are absent, and a name the
    /// listing lacks is not asked of the reader (uv's 70 members: 1,536 of 1,612 files asked
    /// for, 1,800 instructions each to find absent). `Some(None)`: no listing (a reader that
    /// lists nothing, or an error the file's own read will name).
    listed: Option<Option<HashSet<String, foldhash::fast::RandomState>>>,
}

impl<'r> Collector<'r> {
    fn new(reader: &'r dyn FileReader, dir: String, exclude: &'r [String]) -> Self {
        Collector {
            reader,
            dir,
            exclude,
            candidates: Vec::new(),
            positions: HashSet::new(),
            lines: None,
            dynamic: Vec::new(),
            diagnostics: Vec::new(),
            next_group: 0,
            visited: BTreeSet::new(),
            generated: BTreeSet::new(),
            names: Vec::new(),
            roots: Vec::new(),
            declared: Vec::new(),
            python_project: false,
            listed: None,
        }
    }

    /// Whether `path` is certainly absent: a file directly in the package directory whose
    /// listing lacks its name. A listing that fails says nothing: reading the file says why.
    fn absent(&mut self, path: &str) -> bool {
        let name = match path.strip_prefix(self.dir.as_str()) {
            Some(rest) if self.dir.is_empty() => rest,
            Some(rest) => match rest.strip_prefix('/') {
                Some(name) => name,
                None => return false,
            },
            None => return false,
        };
        if name.is_empty() || name.contains('/') {
            return false;
        }
        if self.listed.is_none() {
            self.listed = Some(match self.reader.list(&self.dir) {
                Ok(Some(entries)) => Some(entries.into_iter().map(|(n, _)| n).collect()),
                _ => None,
            });
        }
        matches!(&self.listed, Some(Some(names)) if !names.contains(name))
    }

    /// The repository path of a file of this package.
    fn at(&self, rel: &str) -> String {
        join(&self.dir, rel)
    }

    fn group(&mut self) -> usize {
        self.next_group += 1;
        self.next_group
    }

    /// Is this file excluded by `versions.exclude`?
    fn excluded(&self, path: &str) -> bool {
        !self.exclude.is_empty() && crate::glob::any(self.exclude, path)
    }

    /// A file's text: UTF-8 (else `Err` with the byte offset), BOM removed. An excluded file
    /// reads as absent.
    fn text(&mut self, path: &str) -> Result<Option<String>> {
        self.lines = None;
        if self.excluded(path) || self.absent(path) {
            return Ok(None);
        }
        let Some(bytes) = self.reader.read(path)? else {
            return Ok(None);
        };
        decode(path, String::from_utf8(bytes)).map(Some)
    }

    /// The first `len` bytes of `path` as text (cut before a character split at the end), and
    /// whether that is the whole file; as [`Collector::text`] otherwise. Only those bytes are
    /// decoded, whichever reader read more.
    fn text_head(&mut self, path: &str, len: usize) -> Result<Option<(String, bool)>> {
        self.lines = None;
        if self.excluded(path) || self.absent(path) {
            return Ok(None);
        }
        let Some((mut bytes, mut whole)) = self.reader.read_head(path, len)? else {
            return Ok(None);
        };
        if bytes.len() > len {
            bytes.truncate(len);
            whole = false;
        }
        let mut read = String::from_utf8(bytes);
        if let Err(e) = &read
            && !whole
            && e.utf8_error().error_len().is_none()
        {
            // A character the cut split: the head ends before it.
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = read.map_or_else(|e| e.into_bytes(), String::into_bytes);
            bytes.truncate(valid);
            read = String::from_utf8(bytes);
        }
        Ok(Some((decode(path, read)?, whole)))
    }

    /// 1-based line and character column of a byte offset, as `config::line_col` counts them:
    /// counted on from the last position asked in the same text when that is not past this
    /// one. No line index is built: most files give one value, and building one for each (a
    /// Vec of every line start) was 2 % of a workspace's check.
    fn pos(&mut self, text: &str, offset: usize) -> (usize, usize) {
        let key = (text.as_ptr() as usize, text.len());
        let known = match self.lines {
            Some((k, at, line)) if k == key => (at, line),
            _ => (0, 1),
        };
        let (line, col) = crate::config::line_col_after(text, offset, known);
        self.lines = Some((key, offset, line));
        (line, col)
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        offset: usize,
        kind: &str,
        raw: &str,
        eco: Option<Ecosystem>,
    ) {
        let (line, column) = self.pos(text, offset);
        self.push_at(group, path, line, column, kind, raw, eco);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_at(
        &mut self,
        group: usize,
        path: &str,
        line: usize,
        column: usize,
        kind: &str,
        raw: &str,
        eco: Option<Ecosystem>,
    ) {
        // The same spot read twice (a configured source over an auto-detected one) is one value.
        if !self.positions.insert((path.to_string(), line, column)) {
            return;
        }
        self.candidates.push(Candidate {
            group,
            path: path.to_string(),
            line,
            column,
            kind: kind.to_string(),
            raw: raw.to_string(),
            eco,
        });
    }

    fn invalid_type(&mut self, path: &str, text: &str, offset: usize, kind: &str, ty: &str) {
        let (line, col) = self.pos(text, offset);
        self.diagnostics.push(
            Diagnostic::error(
                "version-invalid",
                format!(
                    "{kind} in {path} is {} {ty}, not a version string",
                    article(ty)
                ),
            )
            .at(path, line, col)
            .help("write the version as a string, e.g. \"1.2.0\""),
        );
    }

    fn not_found(&mut self, origin: &Origin, why: String) {
        self.diagnostics.push(
            Diagnostic::error(
                "version-not-found",
                format!("{} yields no version: {why}", origin.what),
            )
            .at(&origin.path, origin.line, origin.column),
        );
    }

    fn dynamic(&mut self, path: &str, text: &str, offset: usize, how: &str) {
        let (line, column) = line_col(text, offset);
        if self.dynamic.iter().any(|d| d.how == how) {
            return;
        }
        self.dynamic.push(Dynamic {
            path: path.to_string(),
            line,
            column,
            how: how.to_string(),
        });
    }

    /// Does the project have a source of `families` so far (or a version from the git tag)?
    fn has_source_of(&self, families: &[Family]) -> bool {
        !self.dynamic.is_empty()
            || self
                .candidates
                .iter()
                .any(|c| families.contains(&family(&c.path)))
    }

    // --- results ------------------------------------------------------------------------------

    fn finish(self) -> Sources {
        let Collector {
            candidates,
            dynamic,
            mut diagnostics,
            ..
        } = self;
        // A VERSION file or CITATION.cff follows the project: Python as soon as anything
        // Python-built is there, SemVer (the stricter comparison) otherwise.
        let python =
            candidates.iter().any(|c| c.eco == Some(Ecosystem::Python)) || !dynamic.is_empty();
        let project = if python {
            Ecosystem::Python
        } else {
            Ecosystem::Semver
        };

        let mut groups: BTreeMap<usize, Vec<&Candidate>> = BTreeMap::new();
        for c in &candidates {
            groups.entry(c.group).or_default().push(c);
        }
        let mut order: Vec<usize> = Vec::new();
        let mut ordered: HashSet<usize> = HashSet::new();
        for c in &candidates {
            if ordered.insert(c.group) {
                order.push(c.group);
            }
        }
        let mut found = Vec::new();
        for g in order {
            let Some(members) = groups.get(&g) else {
                continue;
            };
            let Some(first) = members.first() else {
                continue;
            };
            // Each distinct value with the line it first appears on, in order of appearance.
            let mut distinct: Vec<(&str, usize)> = Vec::new();
            let mut seen: HashSet<&str> = HashSet::new();
            for c in members {
                if seen.insert(c.raw.as_str()) {
                    distinct.push((c.raw.as_str(), c.line));
                }
            }
            if distinct.len() > 1 {
                for c in members {
                    // A few other values per message, so a pattern matching every line of a
                    // large file cannot make the report quadratic.
                    let mut others: Vec<String> = distinct
                        .iter()
                        .filter(|(raw, _)| *raw != c.raw)
                        .take(3)
                        .map(|(raw, line)| format!("`{}` at line {line}", clip(raw, 80)))
                        .collect();
                    let more = distinct.len() - 1 - others.len();
                    if more > 0 {
                        others.push(format!("{more} more values"));
                    }
                    diagnostics.push(
                        Diagnostic::error(
                            "version-multiple",
                            format!(
                                "{} in {} is set to `{}` here and to {}",
                                c.kind,
                                c.path,
                                clip(&c.raw, 80),
                                others.join(", ")
                            ),
                        )
                        .at(&c.path, c.line, c.column)
                        .help("keep one value: a stale line beside the right one is how versions drift"),
                    );
                }
            }
            let eco = first.eco.unwrap_or(project);
            match parse_source(&first.raw, eco, family(&first.path)) {
                Ok((version, warning)) => {
                    if let Some(w) = warning {
                        diagnostics.push(w.at(&first.path, first.line, first.column));
                    }
                    found.push(Found {
                        path: first.path.clone(),
                        line: first.line,
                        column: first.column,
                        kind: first.kind.clone(),
                        version,
                    });
                }
                Err(why) => diagnostics.push(
                    Diagnostic::error(
                        "version-invalid",
                        format!(
                            "{} in {} is `{}`: {why}",
                            first.kind,
                            first.path,
                            clip(&first.raw, 80)
                        ),
                    )
                    .at(&first.path, first.line, first.column)
                    .help(match eco {
                        Ecosystem::Python => "write a PEP 440 version such as 1.2.0 or 1.2.0rc1",
                        Ecosystem::Semver => "write a SemVer version such as 1.2.0 or 1.2.0-rc.1",
                    }),
                ),
            }
        }
        Sources {
            found,
            dynamic,
            diagnostics,
        }
    }
}

/// A source's value as its ecosystem's tools read it. npm reads a leading `v` (`v1.2.3` is
/// 1.2.3, as `npm version` and node-semver's strict parse have it): the version, with a
/// `version-non-canonical` warning to write it without.
fn parse_source(
    raw: &str,
    eco: Ecosystem,
    fam: Family,
) -> std::result::Result<(Version, Option<Diagnostic>), String> {
    if fam == Family::Npm
        && eco == Ecosystem::Semver
        && let Some(v) = Version::parse_npm(raw)
        && v.raw() != v.normalized()
    {
        let canonical = v.normalized();
        let warning = Diagnostic::warn(
            "version-non-canonical",
            format!(
                "version is written `{}`; npm reads it as {canonical}",
                clip(raw, 80)
            ),
        )
        .help(format!(
            "write `{canonical}`: tools other than npm (and tags made from it) read the `v` as part of the version"
        ));
        return Ok((v, Some(warning)));
    }
    Version::parse(raw, eco).map(|v| (v, None))
}

// --- helpers ----------------------------------------------------------------------------------

pub(crate) use crate::version::clip;

/// A repository-relative path without `.` or empty segments; `None` if it leaves the
/// repository (`..`, absolute).
fn normalize(raw: &str) -> Option<String> {
    if raw.starts_with('/') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in raw.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// `rel` (which may climb with `..`) from directory `dir`, normalised; `None` if it leaves the
/// repository.
fn resolve(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The directory of a repository path (`""` for a file at the root).
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `rel` in the repository directory `root` (`""`: the root itself).
pub(crate) fn join(root: &str, rel: &str) -> String {
    if root.is_empty() {
        return rel.to_string();
    }
    // Not `format!`: a workspace's members join a dozen candidate names each (uv: 1,500
    // joins, 1.7 M instructions through the formatting machinery).
    let mut path = String::with_capacity(root.len() + 1 + rel.len());
    path.push_str(root);
    path.push('/');
    path.push_str(rel);
    path
}

fn article(ty: &str) -> &'static str {
    if ty.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn static_re(cell: &'static OnceLock<Regex>, pattern: &str) -> Result<&'static Regex> {
    if let Some(re) = cell.get() {
        return Ok(re);
    }
    let re = Regex::new(pattern)
        .map_err(|e| Error::new("internal: a built-in pattern does not compile").caused_by(e))?;
    Ok(cell.get_or_init(|| re))
}

/// The value of a match: the `version` group, or the double/single-quoted alternative.
fn value_match<'h>(caps: &Captures<'h>) -> Option<Match<'h>> {
    caps.name("version")
        .or_else(|| caps.name("d"))
        .or_else(|| caps.name("s"))
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;
    use crate::diag::Severity;

    /// [`Mem`], counting the files asked for, and listing nothing when `lists` is false.
    struct Counting {
        mem: Mem,
        lists: bool,
        asked: std::cell::RefCell<Vec<String>>,
    }

    impl FileReader for Counting {
        fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
            self.asked.borrow_mut().push(path.to_string());
            self.mem.read(path)
        }

        fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
            if self.lists {
                self.mem.list(dir)
            } else {
                Ok(None)
            }
        }
    }

    #[test]
    fn a_name_the_package_directory_lacks_is_not_asked_for() {
        let files = [
            ("Cargo.toml", "[workspace]\nmembers = [\"crates/a\"]\n"),
            (
                "crates/a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = \"1.2.0\"\n",
            ),
            ("crates/a/VERSION", "1.2.0\n"),
            ("crates/a/src/lib.rs", ""),
        ];
        let run = |lists: bool| {
            let reader = Counting {
                mem: mem(&files),
                lists,
                asked: Default::default(),
            };
            let found = collect_in(&reader, &VersionsConfig::default(), "crates/a").unwrap();
            (format!("{found:?}"), reader.asked.take())
        };
        let (listed, asked) = run(true);
        let (unlisted, all) = run(false);
        // The same sources, found with or without the listing.
        assert_eq!(listed, unlisted);
        assert!(listed.contains("crates/a/VERSION"), "{listed}");
        // Without one, every candidate in the directory is asked for; with one, only those
        // it has (files deeper down are still asked for).
        let direct = |p: &&String| {
            p.strip_prefix("crates/a/")
                .is_some_and(|n| !n.contains('/'))
        };
        assert!(all.iter().filter(direct).count() > 10, "{all:?}");
        let asked_direct: Vec<&String> = asked.iter().filter(direct).collect();
        assert!(
            asked_direct
                .iter()
                .all(|p| files.iter().any(|(f, _)| f == p)),
            "{asked_direct:?}"
        );
    }

    #[test]
    fn paths_resolve_inside_the_repository_only() {
        assert_eq!(resolve("a/b", "../c.py").as_deref(), Some("a/c.py"));
        assert_eq!(resolve("", "./x/./y").as_deref(), Some("x/y"));
        assert_eq!(resolve("a", "../../x"), None);
        assert_eq!(resolve("", "/etc/passwd"), None);
        assert_eq!(parent("a/b/c.toml"), "a/b");
        assert_eq!(parent("c.toml"), "");
    }

    #[test]
    fn malformed_files_are_errors_naming_file_and_line() {
        let e = run_err(&[("pyproject.toml", "[project]\nversion = \"1.0\n")]);
        assert!(e.contains("pyproject.toml:2:"), "{e}");
        let e = run_err(&[("package.json", "{\n  \"version\": \"1.0.0\",\n}\n")]);
        assert!(e.contains("package.json:3:"), "{e}");
        let e = run_err(&[("Chart.yaml", "version: 1\n  bad: [\n")]);
        assert!(e.contains("Chart.yaml:"), "{e}");
        let m = Mem([(
            "Cargo.toml".to_string(),
            b"[package]\nversion = \"1.0\xff\"\n".to_vec(),
        )]
        .into_iter()
        .collect());
        let e = collect(&m, &VersionsConfig::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("Cargo.toml is not UTF-8 (invalid byte at offset 24)"),
            "{e}"
        );
    }

    #[test]
    fn deep_nesting_and_huge_values_neither_crash_nor_hang() {
        let deep_toml = format!(
            "[package]\nversion = {}\"1\"{}\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        assert!(run_err(&[("Cargo.toml", &deep_toml)]).contains("Cargo.toml:2:"));
        let deep_keys = format!("a.{} = 1\n", vec!["b"; 50_000].join("."));
        assert!(run_err(&[("pyproject.toml", &deep_keys)]).contains("malformed TOML"));
        // Deep but valid JSON is read (serde_json skips it without recursing, and so does the
        // scanner); deep and broken JSON is an error.
        let deep_json = format!(
            "{{\"a\": {}1{}, \"version\": \"1.0.0\"}}",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        assert_eq!(
            run(&[("package.json", &deep_json)]).found[0].column,
            100_022
        );
        let broken = format!("{{\"a\": {}1, \"version\": \"1.0.0\"}}", "[".repeat(50_000));
        assert!(run_err(&[("package.json", &broken)]).contains("package.json:1:"));
        let deep_yaml = format!("a: {}\nversion: 1.0.0\n", "[".repeat(50_000));
        assert!(run_err(&[("Chart.yaml", &deep_yaml)]).contains("Chart.yaml:"));
        let mut block = String::new();
        for i in 0..2_000 {
            block.push_str(&" ".repeat(i));
            block.push_str("a:\n");
        }
        block.push_str("version: 1.0.0\n");
        assert_eq!(run(&[("CITATION.cff", &block)]).found.len(), 1);
        // A 5 MB version string is invalid, reported with a short message.
        let huge = "1".repeat(5_000_000);
        for (path, text) in [
            ("package.json", format!("{{\"version\": \"{huge}\"}}")),
            (
                "pyproject.toml",
                format!("[project]\nversion = \"{huge}\"\n"),
            ),
            ("VERSION", huge.clone()),
        ] {
            let s = run(&[(path, &text)]);
            assert_eq!(s.diagnostics.len(), 1, "{path}");
            assert!(s.diagnostics[0].message.len() < 600, "{path}");
        }
        let long_line = format!("__version__ = \"{}\n", "9".repeat(1_000_000));
        let s = run(&[
            ("setup.cfg", "[metadata]\nname = p\n"),
            ("p/__init__.py", &long_line),
        ]);
        assert!(s.found.is_empty());
    }

    #[test]
    fn a_pattern_matching_every_line_stays_linear() {
        let text: String = (0..100_000).map(|i| format!("v {i}.0.0\n")).collect();
        let s = with_sources(
            &[("big.txt", &text)],
            vec![src("big.txt", None, Some("^v (?P<version>.+)$"))],
            false,
        )
        .unwrap();
        let multiple: Vec<_> = s
            .diagnostics
            .iter()
            .filter(|d| d.rule == "version-multiple")
            .collect();
        assert_eq!(multiple.len(), 100_000);
        assert!(
            multiple[0].message.ends_with("99996 more values"),
            "{}",
            multiple[0].message
        );
        assert_eq!(s.found.len(), 1);
    }

    #[test]
    fn positions_count_characters_and_survive_crlf_and_bom() {
        assert!(
            run(&[(
                "pyproject.toml",
                "[project]\r\n# é\r\nversion = \"1.0.0\"\r\n"
            )])
            .found[0]
                .line
                == 3
        );
        let s = run(&[(
            "pyproject.toml",
            "\u{feff}[project]\r\n\"näme\" = \"é\"\r\nversion = \"1.0.0\"\r\n",
        )]);
        assert_eq!(
            found(&s),
            [f("pyproject.toml", 3, 12, "[project].version", "1.0.0")]
        );
        let s = run(&[(
            "Cargo.toml",
            "[package]\ndescription = \"ünïcödé\"\nversion    =    \"\"\"\n1.0.0\"\"\"\n",
        )]);
        assert_eq!(
            found(&s),
            [f("Cargo.toml", 4, 1, "[package].version", "1.0.0")]
        );
        let s = run(&[
            ("setup.cfg", "[metadata]\r\nname = p\r\n"),
            ("p/__init__.py", "# ü\r\n__version__ = '1.0.0'\r\n"),
        ]);
        assert_eq!(
            found(&s),
            [f("p/__init__.py", 2, 16, "__version__", "1.0.0")]
        );
        let s = run(&[(
            "package.json",
            "\u{feff}{\"d\": \"ü\", \"version\": \"1.0.0\"}",
        )]);
        assert_eq!(found(&s), [f("package.json", 1, 24, "version", "1.0.0")]);
    }

    /// The fuzz target's seeds (fuzz/seeds/sources) read the way the target reads them: every
    /// one collects without an error and finds a version, so the seeds keep reaching the code
    /// they were written for.
    #[test]
    fn the_fuzz_seeds_collect() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/sources");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let Some((&mode, rest)) = data.split_first() else {
                continue;
            };
            if mode & 0x0f < 8 || mode & 0x10 != 0 {
                continue;
            }
            let mut files = std::collections::HashMap::new();
            let mut parts = rest.split(|&b| b == 0);
            while let (Some(name), Some(content)) = (parts.next(), parts.next()) {
                files.insert(String::from_utf8_lossy(name).into_owned(), content.to_vec());
            }
            let s = collect(&Mem(files), &VersionsConfig::default())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!s.found.is_empty(), "{}: {s:?}", path.display());
            seen += 1;
        }
        assert!(seen >= 4, "{seen}");
    }

    #[test]
    fn auto_detect_off_reads_only_configured_sources() {
        let s = with_sources(
            &[("Cargo.toml", "[package]\nversion = \"1.0.0\"\n")],
            vec![],
            false,
        )
        .unwrap();
        assert!(s.found.is_empty() && s.diagnostics.is_empty());
    }

    #[test]
    fn every_diagnostic_is_an_error_with_a_location() {
        let s = run(&[
            ("pyproject.toml", "[project]\nversion = \"x\"\n"),
            ("Cargo.toml", "[package]\nversion = \"1\"\n"),
        ]);
        assert_eq!(s.diagnostics.len(), 2);
        for d in &s.diagnostics {
            assert_eq!(d.severity, Severity::Error);
            assert!(d.file.is_some() && d.line.is_some() && d.help.is_some());
        }
    }

    #[test]
    fn excluded_files_are_never_sources() {
        let files = [
            ("pyproject.toml", "[project]\nversion = \"1.0.0\"\n"),
            ("tools/package.json", "{\"version\": \"9.9.9\"}"),
            ("package.json", "{\"version\": \"9.9.9\"}"),
        ];
        let cfg = VersionsConfig {
            exclude: vec!["package.json".into(), "tools/**".into()],
            ..VersionsConfig::default()
        };
        let s = collect(&mem(&files), &cfg).unwrap();
        assert_eq!(
            found(&s),
            [f("pyproject.toml", 2, 12, "[project].version", "1.0.0")]
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        // Without the exclusion, the stale package.json is a source.
        assert_eq!(run(&files).found.len(), 2);
    }

    #[test]
    fn a_package_directory_is_read_like_a_root() {
        let files = [
            ("pyproject.toml", "[project]\nversion = \"1.0.0\"\n"),
            ("crates/a/Cargo.toml", "[package]\nversion = \"0.3.0\"\n"),
            (
                "crates/a/pyproject.toml",
                "[project]\nname = \"a\"\nversion = \"0.3.0\"\n",
            ),
            ("crates/a/a/__init__.py", "__version__ = \"0.3.0\"\n"),
        ];
        let s = collect_in(&mem(&files), &VersionsConfig::default(), "crates/a").unwrap();
        assert_eq!(
            found(&s),
            [
                f(
                    "crates/a/pyproject.toml",
                    3,
                    12,
                    "[project].version",
                    "0.3.0"
                ),
                f("crates/a/a/__init__.py", 1, 16, "__version__", "0.3.0"),
                f("crates/a/Cargo.toml", 2, 12, "[package].version", "0.3.0"),
            ]
        );
        assert!(collect_in(&mem(&files), &VersionsConfig::default(), "../x").is_err());
    }
}
