//! Where versions live (DESIGN §4): one reader per kind of file, each with a real parser.
//!
//! [`collect`] reads every auto-detected source and every configured `[[versions.source]]`
//! through a [`FileReader`] (the work tree, the index or a commit: the caller decides) and
//! returns each version found with its file, 1-based line and character column, the
//! "version comes from the git tag" notes, and the findings that concern one source alone
//! (`version-invalid`, `version-multiple`, `version-not-found` for a configured or declared
//! source). Comparing sources with each other or with tags is the caller's job.
//!
//! Structured files are read by key, never by substring: TOML with `toml`'s spanned document,
//! JSON with `serde_json` plus a small structural scanner for positions, YAML with
//! `yaml-rust2`'s event parser. Anchored regexes are used only for one-line code files
//! (`__version__ = "..."`, conda's `{% set version = "..." %}`) and configured patterns. This
//! module never writes, never prints, and never touches git.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use regex::{Captures, Match, Regex};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::config::{SourceConfig, VersionsConfig, line_col};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::version::{Ecosystem, Version, clip};

/// Read access to one tree of files.
pub trait FileReader {
    /// The bytes of a repository-relative, `/`-separated path; `Ok(None)` when there is no such
    /// file.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>>;
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

/// Reads every version source: the auto-detected ones (unless `auto-detect = false`), then the
/// configured ones. `Err` means a source could not be read at all: a configured path that
/// leaves the repository, a malformed TOML/JSON/YAML file, a file that is not UTF-8.
pub fn collect(reader: &dyn FileReader, cfg: &VersionsConfig) -> Result<Sources> {
    // A bad configured path is a configuration error: report it before reading anything.
    let mut configured = Vec::new();
    for (i, s) in cfg.source.iter().enumerate() {
        configured.push((i, configured_path(i, &s.path)?, s));
    }
    let mut c = Collector::new(reader);
    if cfg.auto_detect {
        c.pyproject()?;
        c.setup_cfg()?;
        c.python_modules()?;
        c.cargo()?;
        c.npm("package.json", &[(&["version"], "version")])?;
        c.npm(
            "package-lock.json",
            &[
                (&["version"], "version"),
                (&["packages", "", "version"], "packages[\"\"].version"),
            ],
        )?;
        c.version_file()?;
        c.yaml_version("CITATION.cff", None)?;
        c.conda()?;
        c.yaml_version("Chart.yaml", Some(Ecosystem::Semver))?;
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
struct Origin {
    path: String,
    line: usize,
    column: usize,
    what: String,
}

struct Collector<'r> {
    reader: &'r dyn FileReader,
    candidates: Vec<Candidate>,
    /// (path, line, column) of every candidate, so a spot read twice counts once.
    positions: HashSet<(String, usize, usize)>,
    /// Line starts of the text last asked about, keyed by its address and length: a file with
    /// many values costs one pass, not one pass per value. Cleared whenever a file is read, so
    /// a freed text's address cannot be mistaken for a new one.
    lines: Option<((usize, usize), Vec<usize>)>,
    dynamic: Vec<Dynamic>,
    diagnostics: Vec<Diagnostic>,
    next_group: usize,
    /// Files already read as a source (through an indirection), not to be read again.
    visited: BTreeSet<String>,
    /// Files a build backend writes from the git tag: stale in any checkout, never a source.
    generated: BTreeSet<String>,
    /// Import names of the Python package (from pyproject / setup.cfg), for `__init__.py`.
    names: Vec<String>,
    /// Python source roots besides the flat and `src/` layouts (package-dir, python-source).
    roots: Vec<String>,
}

impl<'r> Collector<'r> {
    fn new(reader: &'r dyn FileReader) -> Self {
        Collector {
            reader,
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
        }
    }

    fn group(&mut self) -> usize {
        self.next_group += 1;
        self.next_group
    }

    /// A file's text: UTF-8 (else `Err` with the byte offset), BOM removed.
    fn text(&mut self, path: &str) -> Result<Option<String>> {
        self.lines = None;
        let Some(bytes) = self.reader.read(path)? else {
            return Ok(None);
        };
        let mut text = String::from_utf8(bytes).map_err(|e| {
            Error::new(format!(
                "{path} is not UTF-8 (invalid byte at offset {}); version sources must be UTF-8",
                e.utf8_error().valid_up_to()
            ))
        })?;
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        Ok(Some(text))
    }

    /// 1-based line and character column of a byte offset, as `config::line_col` counts them.
    fn pos(&mut self, text: &str, offset: usize) -> (usize, usize) {
        let key = (text.as_ptr() as usize, text.len());
        let starts = match &mut self.lines {
            Some((k, starts)) if *k == key => starts,
            slot => {
                let mut starts = vec![0];
                starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
                &mut slot.insert((key, starts)).1
            }
        };
        let offset = offset.min(text.len());
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let start = starts.get(line - 1).copied().unwrap_or(0);
        let col = text
            .get(start..offset)
            .map_or(1, |before| before.chars().count() + 1);
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

    /// A TOML value that should be a version string.
    fn toml_version(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        v: &Spanned<DeValue<'_>>,
        kind: &str,
        eco: Option<Ecosystem>,
    ) {
        match v.get_ref() {
            DeValue::String(s) => {
                let at = toml_string_start(text, v.span().start);
                self.push(group, path, text, at, kind, s, eco);
            }
            other => self.invalid_type(path, text, v.span().start, kind, other.type_str()),
        }
    }

    // --- pyproject.toml -----------------------------------------------------------------------

    fn pyproject(&mut self) -> Result<()> {
        const P: &str = "pyproject.toml";
        let Some(text) = self.text(P)? else {
            return Ok(());
        };
        self.visited.insert(P.to_string());
        let root = parse_toml(P, &text)?;
        let project = table(&root, "project");
        let tool = table(&root, "tool");
        let tool_at = |keys: &[&str]| tool.and_then(|t| path_get(t, keys));

        for name in [
            project.and_then(|p| get(p, "name")),
            tool_at(&["poetry", "name"]),
            tool_at(&["flit", "module", "name"]),
        ]
        .into_iter()
        .flatten()
        .filter_map(as_str)
        {
            self.add_name(name);
        }
        for dir in [
            tool_at(&["setuptools", "package-dir", ""]),
            tool_at(&["maturin", "python-source"]),
        ]
        .into_iter()
        .flatten()
        .filter_map(as_str)
        {
            if let Some(d) = normalize(dir) {
                self.roots.push(d);
            }
        }
        for keys in [
            &["setuptools_scm", "version_file"][..],
            &["setuptools_scm", "write_to"][..],
            &["hatch", "build", "hooks", "vcs", "version-file"][..],
        ] {
            if let Some(f) = tool_at(keys).and_then(as_str).and_then(normalize) {
                self.generated.insert(f);
            }
        }

        if let Some(v) = project.and_then(|p| get(p, "version")) {
            let g = self.group();
            self.toml_version(g, P, &text, v, "[project].version", Some(Ecosystem::Python));
        }
        // poetry-dynamic-versioning keeps a placeholder in [tool.poetry].version.
        let pdv = tool_at(&["poetry-dynamic-versioning", "enable"])
            .filter(|v| v.get_ref().as_bool() == Some(true));
        if let Some(enable) = pdv {
            self.dynamic(P, &text, enable.span().start, "poetry-dynamic-versioning");
        } else if let Some(v) = tool_at(&["poetry", "version"]) {
            let g = self.group();
            self.toml_version(
                g,
                P,
                &text,
                v,
                "[tool.poetry].version",
                Some(Ecosystem::Python),
            );
        }

        let declares_dynamic = project
            .and_then(|p| get(p, "dynamic"))
            .and_then(|d| d.get_ref().as_array())
            .is_some_and(|a| a.iter().any(|e| e.get_ref().as_str() == Some("version")));

        if let Some(v) = tool_at(&["setuptools", "dynamic", "version"])
            && let Some(t) = v.get_ref().as_table()
        {
            if let Some(a) = get(t, "attr") {
                let origin = origin(P, &text, a, "[tool.setuptools.dynamic] version attr");
                match as_str(a) {
                    Some(attr) => self.follow_attr(&origin, attr)?,
                    None => self.invalid_type(
                        P,
                        &text,
                        a.span().start,
                        &origin.what,
                        a.get_ref().type_str(),
                    ),
                }
            }
            if let Some(f) = get(t, "file") {
                // setuptools concatenates a list of files; the first one holds the version.
                let first = match f.get_ref() {
                    DeValue::Array(a) => a.iter().find(|e| e.get_ref().is_str()).unwrap_or(f),
                    _ => f,
                };
                let origin = origin(P, &text, first, "[tool.setuptools.dynamic] version file");
                match as_str(first) {
                    Some(file) => self.follow_file(&origin, file)?,
                    None => {
                        self.not_found(&origin, "expected a file name or a list of them".into())
                    }
                }
            }
        }

        if let Some(h) = tool_at(&["hatch", "version"]).and_then(|v| v.get_ref().as_table()) {
            let source = get(h, "source");
            match source.and_then(as_str) {
                Some("vcs") => {
                    if let Some(s) = source {
                        self.dynamic(
                            P,
                            &text,
                            toml_string_start(&text, s.span().start),
                            "hatch-vcs",
                        );
                    }
                }
                None | Some("regex") => {
                    if let Some(p) = get(h, "path") {
                        let origin = origin(P, &text, p, "[tool.hatch.version] path");
                        let pattern = get(h, "pattern").and_then(as_str);
                        if let Some(file) = as_str(p) {
                            self.follow_pattern_file(
                                &origin,
                                file,
                                pattern,
                                "[tool.hatch.version].pattern",
                            )?;
                        }
                    }
                }
                // "code", "env" and plugins compute the version at build time.
                Some(_) => {}
            }
        }

        if let Some(pdm) = tool_at(&["pdm", "version"]).and_then(|v| v.get_ref().as_table()) {
            let source = get(pdm, "source");
            match source.and_then(as_str) {
                Some("scm") => {
                    if let Some(s) = source {
                        self.dynamic(
                            P,
                            &text,
                            toml_string_start(&text, s.span().start),
                            "pdm-backend scm",
                        );
                    }
                }
                Some("file") => {
                    if let Some(p) = get(pdm, "path") {
                        let origin = origin(P, &text, p, "[tool.pdm.version] path");
                        if let Some(file) = as_str(p) {
                            self.follow_pattern_file(&origin, file, None, "")?;
                        }
                    }
                }
                _ => {}
            }
        }

        if let Some((k, _)) = tool.and_then(|t| get_entry(t, "setuptools_scm")) {
            self.dynamic(P, &text, k.span().start, "setuptools_scm");
        } else if declares_dynamic {
            let requires =
                path_get(&root, &["build-system", "requires"]).and_then(|r| r.get_ref().as_array());
            for req in requires.into_iter().flat_map(|a| a.iter()) {
                if let Some(s) = req.get_ref().as_str()
                    && requirement_name(s) == "setuptools-scm"
                {
                    self.dynamic(
                        P,
                        &text,
                        toml_string_start(&text, req.span().start),
                        "setuptools_scm",
                    );
                }
            }
        }
        if let Some((k, _)) = tool.and_then(|t| get_entry(t, "versioningit")) {
            self.dynamic(P, &text, k.span().start, "versioningit");
        }
        Ok(())
    }

    fn add_name(&mut self, name: &str) {
        // Import names are identifiers; anything else (`../x`) is no package directory.
        let import = name.trim().replace(['-', '.'], "_");
        if import.is_empty()
            || !import
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return;
        }
        for n in [import.clone(), import.to_ascii_lowercase()] {
            if !self.names.contains(&n) {
                self.names.push(n);
            }
        }
    }

    /// Source roots to try for a module: configured first, then flat and `src/` layouts.
    fn py_roots(&self) -> Vec<String> {
        let mut roots = self.roots.clone();
        for r in ["", "src"] {
            if !roots.iter().any(|x| x == r) {
                roots.push(r.to_string());
            }
        }
        roots
    }

    /// setuptools' `attr: pkg.module.ATTR`: the module file in any root, its `ATTR = "..."`.
    fn follow_attr(&mut self, origin: &Origin, attr: &str) -> Result<()> {
        let attr = attr.trim();
        let Some((module, name)) = attr.rsplit_once('.') else {
            self.not_found(
                origin,
                format!(
                    "`{}` names no module: expected `package.module.ATTRIBUTE`",
                    clip(attr, 80)
                ),
            );
            return Ok(());
        };
        if !module.split('.').chain([name]).all(is_identifier) {
            self.not_found(
                origin,
                format!("`{}` is not a dotted Python name", clip(attr, 80)),
            );
            return Ok(());
        }
        let rel = module.replace('.', "/");
        let mut tried = Vec::new();
        for root in self.py_roots() {
            for file in [format!("{rel}.py"), format!("{rel}/__init__.py")] {
                let path = join(&root, &file);
                if let Some(text) = self.text(&path)? {
                    self.visited.insert(path.clone());
                    return self.module_attr(origin, &path, &text, name, 0);
                }
                tried.push(path);
            }
        }
        self.not_found(
            origin,
            format!(
                "`{attr}` names module `{module}`, but none of {} exists",
                tried.join(", ")
            ),
        );
        Ok(())
    }

    /// `NAME = "..."` in a module, following `from .x import NAME` a few steps (the usual
    /// `__init__.py` re-export of `_version.py`).
    fn module_attr(
        &mut self,
        origin: &Origin,
        path: &str,
        text: &str,
        name: &str,
        depth: usize,
    ) -> Result<()> {
        let g = self.group();
        if self.py_assignments(g, path, text, name)? > 0 {
            return Ok(());
        }
        if depth < 3
            && let Some((candidates, imported)) = import_source(text, name, path, &self.py_roots())?
        {
            for cand in candidates {
                if let Some(t) = self.text(&cand)? {
                    self.visited.insert(cand.clone());
                    return self.module_attr(origin, &cand, &t, &imported, depth + 1);
                }
            }
        }
        self.not_found(
            origin,
            format!("{path} assigns no string literal to `{name}` at the start of a line"),
        );
        Ok(())
    }

    /// Every top-level `NAME = "..."` line of a Python file; indented ones (fallbacks inside
    /// `try:`/`if`) are not the module's version. Returns how many were found.
    fn py_assignments(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        name: &str,
    ) -> Result<usize> {
        if !text.contains(name) {
            return Ok(0);
        }
        let mut n = 0;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if let Some(value) = assignment_value(line, name) {
                let start = offset + value.start;
                self.push(
                    group,
                    path,
                    text,
                    start,
                    name,
                    &text[start..offset + value.end],
                    Some(Ecosystem::Python),
                );
                n += 1;
            }
            offset += line.len();
        }
        Ok(n)
    }

    /// setuptools' `file:`: the first non-empty line of a file, as a Python version.
    fn follow_file(&mut self, origin: &Origin, file: &str) -> Result<()> {
        let Some(path) = normalize(file) else {
            self.not_found(
                origin,
                format!("`{}` is not a path inside the repository", clip(file, 80)),
            );
            return Ok(());
        };
        let Some(text) = self.text(&path)? else {
            self.not_found(origin, format!("{path} does not exist"));
            return Ok(());
        };
        self.visited.insert(path.clone());
        let g = self.group();
        if !self.first_line(g, &path, &text, "contents", Some(Ecosystem::Python)) {
            self.not_found(origin, format!("{path} is empty"));
        }
        Ok(())
    }

    /// The first non-empty line, trimmed, as one version. False when there is none.
    fn first_line(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        kind: &str,
        eco: Option<Ecosystem>,
    ) -> bool {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            let value = content.trim();
            if !value.is_empty() {
                let lead = content.len() - content.trim_start().len();
                self.push(group, path, text, offset + lead, kind, value, eco);
                return true;
            }
            offset += line.len();
        }
        false
    }

    /// hatch's `path` (and pdm's `file` source): a regex with a `version` group over a file;
    /// hatch's default pattern when none is given.
    fn follow_pattern_file(
        &mut self,
        origin: &Origin,
        file: &str,
        pattern: Option<&str>,
        pattern_key: &str,
    ) -> Result<()> {
        let Some(path) = normalize(file) else {
            self.not_found(
                origin,
                format!("`{}` is not a path inside the repository", clip(file, 80)),
            );
            return Ok(());
        };
        let custom = match pattern {
            Some(p) => Some(Regex::new(&format!("(?m){p}")).map_err(|e| {
                Error::new(format!(
                    "cannot use {pattern_key} `{}` from pyproject.toml (relgate's regex engine has no look-around or back-references)",
                    clip(p, 80)
                ))
                .caused_by(e)
            })?),
            None => None,
        };
        let Some(text) = self.text(&path)? else {
            self.not_found(origin, format!("{path} does not exist"));
            return Ok(());
        };
        self.visited.insert(path.clone());
        let g = self.group();
        let mut n = 0;
        match &custom {
            Some(re) => {
                for caps in re.captures_iter(&text) {
                    if let Some(m) = value_match(&caps) {
                        self.push(
                            g,
                            &path,
                            &text,
                            m.start(),
                            pattern_key,
                            m.as_str(),
                            Some(Ecosystem::Python),
                        );
                        n += 1;
                    }
                }
            }
            None => {
                let mut offset = 0;
                for line in text.split_inclusive('\n') {
                    if let Some((name, value)) = hatch_default(line) {
                        self.push(
                            g,
                            &path,
                            &text,
                            offset + value.start,
                            &line[name],
                            &line[value],
                            Some(Ecosystem::Python),
                        );
                        n += 1;
                    }
                    offset += line.len();
                }
            }
        }
        if n == 0 {
            self.not_found(
                origin,
                format!("no `__version__ = \"...\"` line (or the configured pattern) in {path}"),
            );
        }
        Ok(())
    }

    // --- setup.cfg ----------------------------------------------------------------------------

    fn setup_cfg(&mut self) -> Result<()> {
        const P: &str = "setup.cfg";
        let Some(text) = self.text(P)? else {
            return Ok(());
        };
        self.visited.insert(P.to_string());
        let entries = ini_entries(&text);
        for e in entries
            .iter()
            .filter(|e| e.section == "metadata" && e.key == "name")
        {
            self.add_name(&e.value);
        }
        for e in entries
            .iter()
            .filter(|e| e.section == "options" && e.key == "package_dir")
        {
            for item in std::iter::once(e.value.as_str()).chain(e.cont.iter().map(String::as_str)) {
                for part in item.split(',') {
                    if let Some((pkg, dir)) = part.split_once('=')
                        && pkg.trim().is_empty()
                        && let Some(d) = normalize(dir.trim())
                    {
                        self.roots.push(d);
                    }
                }
            }
        }
        let g = self.group();
        for e in entries
            .iter()
            .filter(|e| e.section == "metadata" && e.key == "version")
        {
            let (line, column) = line_col(&text, e.offset);
            let origin = |what: &str| Origin {
                path: P.to_string(),
                line,
                column,
                what: what.to_string(),
            };
            if let Some(attr) = e.value.strip_prefix("attr:") {
                self.follow_attr(&origin("setup.cfg [metadata] version attr:"), attr)?;
            } else if let Some(files) = e.value.strip_prefix("file:") {
                let first = files.split(',').next().unwrap_or("").trim();
                self.follow_file(&origin("setup.cfg [metadata] version file:"), first)?;
            } else if !e.value.is_empty() {
                self.push(
                    g,
                    P,
                    &text,
                    e.offset,
                    "[metadata].version",
                    &e.value,
                    Some(Ecosystem::Python),
                );
            }
        }
        Ok(())
    }

    // --- package modules ----------------------------------------------------------------------

    /// `__version__` in the package's `__init__.py`, `_version.py` or `__about__.py`.
    fn python_modules(&mut self) -> Result<()> {
        let names = self.names.clone();
        for root in self.py_roots() {
            for name in &names {
                for file in ["__init__.py", "_version.py", "__about__.py"] {
                    let path = join(&root, &format!("{name}/{file}"));
                    if self.visited.contains(&path) || self.generated.contains(&path) {
                        continue;
                    }
                    if let Some(text) = self.text(&path)? {
                        self.visited.insert(path.clone());
                        let g = self.group();
                        self.py_assignments(g, &path, &text, "__version__")?;
                    }
                }
            }
        }
        Ok(())
    }

    // --- Cargo --------------------------------------------------------------------------------

    fn cargo(&mut self) -> Result<()> {
        const P: &str = "Cargo.toml";
        let Some(text) = self.text(P)? else {
            return Ok(());
        };
        let root = parse_toml(P, &text)?;
        let ws_version = path_get(&root, &["workspace", "package", "version"]);
        if let Some(v) = ws_version {
            let g = self.group();
            self.toml_version(
                g,
                P,
                &text,
                v,
                "[workspace.package].version",
                Some(Ecosystem::Semver),
            );
        }
        if let Some(v) = path_get(&root, &["package", "version"]) {
            if inherits_workspace(v) {
                // The root package shares [workspace.package].version, already a source.
                if ws_version.is_none() {
                    self.not_found(
                        &origin(P, &text, v, "[package].version.workspace"),
                        "there is no [workspace.package].version to inherit".into(),
                    );
                }
            } else {
                let g = self.group();
                self.toml_version(g, P, &text, v, "[package].version", Some(Ecosystem::Semver));
            }
        }
        // Members are read literally (no glob expansion). One that inherits the workspace
        // version adds nothing to compare; one with its own version is versioned independently
        // and is not the project's version. What can go wrong is inheriting from nothing.
        let members =
            path_get(&root, &["workspace", "members"]).and_then(|m| m.get_ref().as_array());
        for m in members
            .into_iter()
            .flat_map(|a| a.iter())
            .filter_map(as_str)
        {
            if m.contains(['*', '?', '[']) {
                continue;
            }
            let Some(dir) = normalize(m) else { continue };
            if dir.is_empty() {
                continue;
            }
            let path = format!("{dir}/Cargo.toml");
            let Some(mtext) = self.text(&path)? else {
                continue;
            };
            let mroot = parse_toml(&path, &mtext)?;
            if let Some(v) = path_get(&mroot, &["package", "version"])
                && inherits_workspace(v)
                && ws_version.is_none()
            {
                self.not_found(
                    &origin(&path, &mtext, v, "[package].version.workspace"),
                    "the root Cargo.toml has no [workspace.package].version to inherit".into(),
                );
            }
        }
        Ok(())
    }

    // --- npm ----------------------------------------------------------------------------------

    fn npm(&mut self, path: &str, keys: &[(&[&str], &str)]) -> Result<()> {
        let Some(text) = self.text(path)? else {
            return Ok(());
        };
        check_json(path, &text)?;
        for (k, kind) in keys {
            let g = self.group();
            self.json_values(g, path, &text, k, kind, Some(Ecosystem::Semver));
        }
        Ok(())
    }

    /// Every value at `keys` in a (validated) JSON text. Returns how many.
    fn json_values(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        keys: &[&str],
        kind: &str,
        eco: Option<Ecosystem>,
    ) -> usize {
        let spans = json_find(text, keys);
        for &(start, end) in &spans {
            let Some(slice) = text.get(start..end) else {
                continue;
            };
            match serde_json::from_str::<String>(slice) {
                Ok(s) => self.push(group, path, text, start + 1, kind, &s, eco),
                Err(_) => self.invalid_type(path, text, start, kind, json_type(slice)),
            }
        }
        spans.len()
    }

    // --- VERSION, CITATION.cff, conda, Helm ---------------------------------------------------

    fn version_file(&mut self) -> Result<()> {
        const P: &str = "VERSION";
        if self.visited.contains(P) {
            return Ok(());
        }
        if let Some(text) = self.text(P)? {
            let g = self.group();
            self.first_line(g, P, &text, "first line", None);
        }
        Ok(())
    }

    fn yaml_version(&mut self, path: &str, eco: Option<Ecosystem>) -> Result<()> {
        let Some(text) = self.text(path)? else {
            return Ok(());
        };
        let g = self.group();
        self.yaml_values(g, path, &text, &["version"], "version", eco)?;
        Ok(())
    }

    fn yaml_values(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        keys: &[&str],
        kind: &str,
        eco: Option<Ecosystem>,
    ) -> Result<usize> {
        let hits = yaml_find(path, text, keys)?;
        for h in &hits {
            match &h.value {
                Some(v) => self.push_at(group, path, h.line, h.column, kind, v, eco),
                None => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "version-invalid",
                            format!(
                                "{kind} in {path} is {} {}, not a version string",
                                article(h.what),
                                h.what
                            ),
                        )
                        .at(path, h.line, h.column)
                        .help("write the version as a string, e.g. \"1.2.0\""),
                    );
                }
            }
        }
        Ok(hits.len())
    }

    fn conda(&mut self) -> Result<()> {
        for path in [
            "meta.yaml",
            "recipe/meta.yaml",
            "conda/meta.yaml",
            "conda.recipe/meta.yaml",
        ] {
            let Some(text) = self.text(path)? else {
                continue;
            };
            let re = static_re(&CONDA_SET, CONDA_SET_PATTERN)?;
            let g = self.group();
            for caps in re.captures_iter(&text) {
                if let Some(m) = value_match(&caps) {
                    self.push(
                        g,
                        path,
                        &text,
                        m.start(),
                        "{% set version %}",
                        m.as_str(),
                        Some(Ecosystem::Python),
                    );
                }
            }
        }
        Ok(())
    }

    // --- configured sources -------------------------------------------------------------------

    fn configured(&mut self, i: usize, path: &str, s: &SourceConfig) -> Result<()> {
        let which = format!("versions.source[{i}]");
        let Some(text) = self.text(path)? else {
            self.diagnostics.push(
                Diagnostic::error(
                    "version-not-found",
                    format!("configured version source {path} ({which}) does not exist"),
                )
                .in_file(path),
            );
            return Ok(());
        };
        let eco = ecosystem_of(path);
        let g = self.group();
        let found = match (&s.key, &s.pattern) {
            (Some(key), _) => {
                let keys = split_key(key);
                if keys.is_empty() {
                    return Err(Error::new(format!(
                        "{which}.key `{key}` is empty; expected a dotted key such as `tool.mytool.version`"
                    )));
                }
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                let ext = path
                    .rsplit_once('.')
                    .map_or("", |(_, e)| e)
                    .to_ascii_lowercase();
                match ext.as_str() {
                    "toml" => {
                        let root = parse_toml(path, &text)?;
                        match path_get(&root, &keys) {
                            Some(v) => {
                                self.toml_version(g, path, &text, v, key, eco);
                                1
                            }
                            None => 0,
                        }
                    }
                    "json" => {
                        check_json(path, &text)?;
                        self.json_values(g, path, &text, &keys, key, eco)
                    }
                    "yaml" | "yml" | "cff" => self.yaml_values(g, path, &text, &keys, key, eco)?,
                    _ => {
                        return Err(Error::new(format!(
                            "{which}: `key` reads .toml, .json, .yaml, .yml or .cff files, not {path}; use `pattern` for other files"
                        )));
                    }
                }
            }
            (None, Some(p)) => {
                let re = Regex::new(&format!("(?m){p}")).map_err(|e| {
                    Error::new(format!(
                        "{which}.pattern `{}` is not a valid regex",
                        clip(p, 80)
                    ))
                    .caused_by(e)
                })?;
                if !re.capture_names().any(|n| n == Some("version")) {
                    return Err(Error::new(format!(
                        "{which}.pattern `{}` has no (?P<version>...) group",
                        clip(p, 80)
                    )));
                }
                let mut n = 0;
                for caps in re.captures_iter(&text) {
                    if let Some(m) = caps.name("version") {
                        self.push(g, path, &text, m.start(), "pattern", m.as_str(), eco);
                        n += 1;
                    }
                }
                n
            }
            // A bare path is read like a VERSION file.
            (None, None) => usize::from(self.first_line(g, path, &text, "first line", eco)),
        };
        if found == 0 {
            let what = match (&s.key, &s.pattern) {
                (Some(k), _) => format!("has no key `{k}`"),
                (None, Some(p)) => format!("has no line matching `{}`", clip(p, 80)),
                (None, None) => "is empty".to_string(),
            };
            self.diagnostics.push(
                Diagnostic::error(
                    "version-not-found",
                    format!("configured version source {path} ({which}) {what}"),
                )
                .in_file(path),
            );
        }
        Ok(())
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
        for c in &candidates {
            if !order.contains(&c.group) {
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
            match Version::parse(&first.raw, eco) {
                Ok(version) => found.push(Found {
                    path: first.path.clone(),
                    line: first.line,
                    column: first.column,
                    kind: first.kind.clone(),
                    version,
                }),
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

// --- helpers: paths ---------------------------------------------------------------------------

/// A configured path, checked as `config::contained_path` checks it, in `/`-separated form.
fn configured_path(i: usize, raw: &str) -> Result<String> {
    crate::config::contained_path(Path::new(""), raw)?;
    match normalize(raw) {
        Some(p) if !p.is_empty() => Ok(p),
        _ => Err(Error::new(format!(
            "versions.source[{i}].path `{raw}` names no file"
        ))),
    }
}

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

fn join(root: &str, rel: &str) -> String {
    if root.is_empty() {
        rel.to_string()
    } else {
        format!("{root}/{rel}")
    }
}

fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The ecosystem a configured file's versions follow, by its name; `None`: the project's.
fn ecosystem_of(path: &str) -> Option<Ecosystem> {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name {
        "pyproject.toml" | "setup.cfg" | "meta.yaml" => Some(Ecosystem::Python),
        "Cargo.toml" | "package.json" | "package-lock.json" | "Chart.yaml" => {
            Some(Ecosystem::Semver)
        }
        n if n.ends_with(".py") => Some(Ecosystem::Python),
        _ => None,
    }
}

/// The distribution name of a PEP 508 requirement, normalised (`setuptools_scm[toml]>=8` →
/// `setuptools-scm`).
fn requirement_name(req: &str) -> String {
    req.trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect::<String>()
        .to_ascii_lowercase()
        .replace(['_', '.'], "-")
}

/// `a.b."c.d"` → `["a", "b", "c.d"]`.
fn split_key(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in key.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    if out.iter().all(|s| s.trim().is_empty()) {
        return Vec::new();
    }
    out
}

fn article(ty: &str) -> &'static str {
    if ty.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

// --- helpers: regexes -------------------------------------------------------------------------

/// hatch's default version pattern (hatchling `version/source/regex.py`),
/// `(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2`, on one line: the name's and
/// the value's byte ranges. Hand-written for the same reason as [`assignment_value`].
fn hatch_default(line: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let b = line.as_bytes();
    let name = ["__version__", "version"]
        .into_iter()
        .find(|n| b.len() >= n.len() && b[..n.len()].eq_ignore_ascii_case(n.as_bytes()))?
        .len();
    let mut i = name;
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    if b.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    let quote = *b.get(i).filter(|q| matches!(q, b'"' | b'\''))?;
    let open = i + 1;
    let close = open
        + b[open..]
            .iter()
            .position(|&c| c == quote || c == b'\r' || c == b'\n')?;
    if b[close] != quote || close == open {
        return None;
    }
    // `v?` before at least one character: a lone `v` is the value itself.
    let start = if b[open] == b'v' && close > open + 1 {
        open + 1
    } else {
        open
    };
    Some((0..name, start..close))
}

/// conda-build's Jinja line `{% set version = "1.2.0" %}`.
const CONDA_SET_PATTERN: &str = r#"(?m)^[ \t]*\{%-?[ \t]*set[ \t]+version[ \t]*=[ \t]*(?:"(?P<d>[^"\r\n]*)"|'(?P<s>[^'\r\n]*)')[ \t]*-?%\}"#;
static CONDA_SET: OnceLock<Regex> = OnceLock::new();

/// The string of a top-level `NAME = "..."` line (one line, with its `\n` if any), as a byte
/// range of `line`. The line is:
///
/// ```text
/// NAME [: annotation] = [OTHER = ...] [u]"value" [# comment]
/// ```
///
/// at column 0, with spaces or tabs between the parts and a single- or double-quoted value
/// without escapes. A hand-written scanner, because compiling the equivalent regex costs more
/// than the rest of a hook's run (the unit tests hold it to that regex).
fn assignment_value(line: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let b = line.as_bytes();
    let blank = |i: &mut usize| {
        while matches!(b.get(*i), Some(b' ' | b'\t')) {
            *i += 1;
        }
    };
    let mut i = name.len();
    if !b.starts_with(name.as_bytes()) {
        return None;
    }
    blank(&mut i);
    if b.get(i) == Some(&b':') {
        while !matches!(b.get(i), None | Some(b'=' | b'\r' | b'\n')) {
            i += 1;
        }
    }
    if b.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    blank(&mut i);
    // Chained targets (`__version__ = VERSION = "1.0"`), then an optional `u` prefix.
    loop {
        match b.get(i) {
            Some(b'"' | b'\'') => break,
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let start = i;
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                if i == start + 1
                    && matches!(b[start], b'u' | b'U')
                    && matches!(b.get(i), Some(b'"' | b'\''))
                {
                    break;
                }
                blank(&mut i);
                if b.get(i) != Some(&b'=') {
                    return None;
                }
                i += 1;
                blank(&mut i);
            }
            _ => return None,
        }
    }
    let quote = b[i];
    let start = i + 1;
    let mut end = start;
    while !matches!(b.get(end), None | Some(b'\\' | b'\r' | b'\n')) && b[end] != quote {
        end += 1;
    }
    if b.get(end) != Some(&quote) {
        return None;
    }
    i = end + 1;
    blank(&mut i);
    if b.get(i) == Some(&b'#') {
        while !matches!(b.get(i), None | Some(b'\r' | b'\n')) {
            i += 1;
        }
    }
    if b.get(i) == Some(&b'\r') {
        i += 1;
    }
    matches!(b.get(i), None | Some(b'\n')).then_some(start..end)
}

/// `from .x import a, b as c` (or `import (a, b)`) on one line, at column 0: the module and
/// the names as written. Hand-written for the same reason as [`assignment_value`].
fn from_import(line: &str) -> Option<(&str, &str)> {
    let blanks = |s: &str| s.len() - s.trim_start_matches([' ', '\t']).len();
    let rest = line.strip_prefix("from")?;
    let (ws, rest) = (blanks(rest), rest.trim_start_matches([' ', '\t']));
    let module_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
        .count();
    let (module, rest) = rest.split_at(module_len);
    let ws2 = blanks(rest);
    let rest = rest
        .trim_start_matches([' ', '\t'])
        .strip_prefix("import")?;
    let ws3 = blanks(rest);
    if ws == 0 || module.is_empty() || ws2 == 0 || ws3 == 0 {
        return None;
    }
    let rest = &rest[ws3..];
    let rest = rest.strip_prefix('(').unwrap_or(rest);
    let names_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b',' | b' ' | b'\t'))
        .count();
    let (names, tail) = rest.split_at(names_len);
    let names = names.trim_end_matches([' ', '\t']);
    if names.is_empty() {
        return None;
    }
    let tail = tail.strip_prefix(')').unwrap_or(tail);
    let tail = tail.trim_start_matches([' ', '\t']);
    let tail = match tail.strip_prefix('#') {
        Some(comment) => &comment[comment.find(['\r', '\n']).unwrap_or(comment.len())..],
        None => tail,
    };
    matches!(tail, "" | "\n" | "\r" | "\r\n").then_some((module, names))
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

/// Where `name` is imported from in a module: candidate module files and the name there.
fn import_source(
    text: &str,
    name: &str,
    path: &str,
    roots: &[String],
) -> Result<Option<(Vec<String>, String)>> {
    for (module, names) in text.split_inclusive('\n').filter_map(from_import) {
        let imported = names.split(',').find_map(|item| {
            let words: Vec<&str> = item.split_whitespace().collect();
            match words.as_slice() {
                [n] if *n == name => Some((*n).to_string()),
                [orig, "as", alias] if *alias == name => Some((*orig).to_string()),
                _ => None,
            }
        });
        let Some(imported) = imported else { continue };
        let dots = module.bytes().take_while(|&b| b == b'.').count();
        let rest = &module[dots..];
        if !rest.is_empty() && !rest.split('.').all(is_identifier) {
            continue;
        }
        let rel = rest.replace('.', "/");
        let mut bases = Vec::new();
        if dots > 0 {
            // Relative: the importing file's package directory, then up one per extra dot.
            let mut dir: Vec<&str> = path.split('/').collect();
            dir.pop();
            for _ in 1..dots {
                if dir.pop().is_none() {
                    break;
                }
            }
            bases.push(dir.join("/"));
        } else {
            bases.extend(roots.iter().cloned());
        }
        let mut candidates = Vec::new();
        for base in bases {
            if rel.is_empty() {
                candidates.push(join(&base, "__init__.py"));
            } else {
                candidates.push(join(&base, &format!("{rel}.py")));
                candidates.push(join(&base, &format!("{rel}/__init__.py")));
            }
        }
        candidates.retain(|c| c != path);
        return Ok(Some((candidates, imported)));
    }
    Ok(None)
}

// --- helpers: TOML ----------------------------------------------------------------------------

fn parse_toml<'t>(path: &str, text: &'t str) -> Result<DeTable<'t>> {
    DeTable::parse(text).map(Spanned::into_inner).map_err(|e| {
        let place = match e.span() {
            Some(s) => {
                let (line, col) = line_col(text, s.start);
                format!("{path}:{line}:{col}")
            }
            None => path.to_string(),
        };
        // The error's Display quotes the whole source line, which may be huge: use the message.
        Error::new(format!("cannot read {place}: malformed TOML"))
            .caused_by(clip(e.message().trim(), 300))
    })
}

fn get_entry<'a, 't>(
    t: &'a DeTable<'t>,
    key: &str,
) -> Option<(
    &'a Spanned<toml::de::DeString<'t>>,
    &'a Spanned<DeValue<'t>>,
)> {
    t.iter().find(|(k, _)| k.get_ref().as_ref() == key)
}

fn get<'a, 't>(t: &'a DeTable<'t>, key: &str) -> Option<&'a Spanned<DeValue<'t>>> {
    get_entry(t, key).map(|(_, v)| v)
}

fn table<'a, 't>(t: &'a DeTable<'t>, key: &str) -> Option<&'a DeTable<'t>> {
    get(t, key)?.get_ref().as_table()
}

fn path_get<'a, 't>(t: &'a DeTable<'t>, keys: &[&str]) -> Option<&'a Spanned<DeValue<'t>>> {
    let (last, init) = keys.split_last()?;
    let mut cur = t;
    for k in init {
        cur = table(cur, k)?;
    }
    get(cur, last)
}

fn as_str<'a>(v: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
    v.get_ref().as_str()
}

/// `version.workspace = true` / `version = { workspace = true }`.
fn inherits_workspace(v: &Spanned<DeValue<'_>>) -> bool {
    v.get_ref()
        .as_table()
        .and_then(|t| get(t, "workspace"))
        .and_then(|w| w.get_ref().as_bool())
        == Some(true)
}

/// The first character of a TOML string's content, given the offset of the value.
fn toml_string_start(text: &str, start: usize) -> usize {
    let s = text.get(start..).unwrap_or("");
    if s.starts_with("\"\"\"") || s.starts_with("'''") {
        // A newline right after the opening delimiter is not part of the string.
        let after = &s[3..];
        let skip = if after.starts_with("\r\n") {
            2
        } else {
            usize::from(after.starts_with('\n'))
        };
        start + 3 + skip
    } else if s.starts_with(['"', '\'']) {
        start + 1
    } else {
        start
    }
}

fn origin(path: &str, text: &str, v: &Spanned<DeValue<'_>>, what: &str) -> Origin {
    let at = match v.get_ref() {
        DeValue::String(_) => toml_string_start(text, v.span().start),
        _ => v.span().start,
    };
    let (line, column) = line_col(text, at);
    Origin {
        path: path.to_string(),
        line,
        column,
        what: format!("{what} in {path}"),
    }
}

// --- helpers: INI (setup.cfg) -----------------------------------------------------------------

/// One `key = value` of an INI file, as setuptools' configparser reads it: keys are case
/// insensitive, `=` or `:` separates, indented lines continue the previous value, `#` and `;`
/// start comment lines.
struct IniEntry {
    section: String,
    key: String,
    value: String,
    /// Byte offset of the value's first character.
    offset: usize,
    cont: Vec<String>,
}

fn ini_entries(text: &str) -> Vec<IniEntry> {
    let mut out: Vec<IniEntry> = Vec::new();
    let mut section = String::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.cont.push(trimmed.to_string());
            }
            continue;
        }
        if let Some(inner) = line.strip_prefix('[') {
            if let Some(end) = inner.find(']') {
                section = inner[..end].trim().to_string();
            }
            continue;
        }
        let Some(d) = line.find(['=', ':']) else {
            continue;
        };
        let after = &line[d + 1..];
        let lead = after.len() - after.trim_start().len();
        out.push(IniEntry {
            section: section.clone(),
            key: line[..d].trim().to_ascii_lowercase(),
            value: after.trim().to_string(),
            offset: start + d + 1 + lead,
            cont: Vec::new(),
        });
    }
    out
}

// --- helpers: JSON ----------------------------------------------------------------------------

/// Validates a JSON file with serde_json (which also bounds nesting), naming file and line.
fn check_json(path: &str, text: &str) -> Result<()> {
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map(|_| ())
        .map_err(|e| {
            Error::new(format!(
                "cannot read {path}:{}:{}: malformed JSON",
                e.line(),
                e.column()
            ))
            .caused_by(clip(&e.to_string(), 300))
        })
}

/// Byte ranges of every value at `keys` (object keys from the top-level object down), found
/// structurally: strings (with escapes) and nesting are skipped, so a `"version"` inside a
/// string or a nested object never matches. serde_json gives no positions; this scanner does,
/// on text serde_json has already validated, and never recurses deeper than `keys`.
fn json_find(text: &str, keys: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let i = skip_ws(b, 0);
    if b.get(i) == Some(&b'{') && !keys.is_empty() {
        scan_object(text, i, keys, &mut out);
    }
    out
}

fn scan_object(text: &str, open: usize, keys: &[&str], out: &mut Vec<(usize, usize)>) {
    let b = text.as_bytes();
    let mut i = open + 1;
    loop {
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => {
                i += 1;
                continue;
            }
            Some(b'"') => {}
            _ => return,
        }
        let key_end = skip_string(b, i);
        let key: Option<String> = text
            .get(i..key_end)
            .and_then(|k| serde_json::from_str(k).ok());
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return;
        }
        let start = skip_ws(b, i + 1);
        let end = skip_value(b, start);
        if end <= start {
            return;
        }
        if key.as_deref() == keys.first().copied() {
            if keys.len() == 1 {
                out.push((start, end));
            } else if b.get(start) == Some(&b'{') {
                scan_object(text, start, &keys[1..], out);
            }
        }
        i = end;
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// From an opening quote to just past the closing one.
fn skip_string(b: &[u8], open: usize) -> usize {
    let mut j = open + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

/// Just past the value starting at `i`, by counting nesting (no recursion).
fn skip_value(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        Some(_) => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            j.max(i + 1)
        }
        None => i,
    }
}

fn json_type(slice: &str) -> &'static str {
    match slice.as_bytes().first() {
        Some(b'{') => "object",
        Some(b'[') => "array",
        Some(b't' | b'f') => "boolean",
        Some(b'n') => "null",
        _ => "number",
    }
}

// --- helpers: YAML ----------------------------------------------------------------------------

/// A value found at a key path in YAML: its text when it is a scalar, and its position.
struct YamlHit {
    value: Option<String>,
    line: usize,
    column: usize,
    what: &'static str,
}

/// Every value at `keys` (mapping keys from the document's top-level mapping down) in the
/// first YAML document, from the event stream: no tree is built and aliases are not expanded.
fn yaml_find(path: &str, text: &str, keys: &[&str]) -> Result<Vec<YamlHit>> {
    use yaml_rust2::parser::{Event, Parser};
    use yaml_rust2::scanner::TScalarStyle;

    enum Frame {
        /// `child_is_key`: the open child collection is a (complex) key, so a value follows it.
        Map {
            key: Option<String>,
            want_key: bool,
            child_is_key: bool,
        },
        Seq,
    }
    let on_path = |stack: &[Frame]| {
        stack.len() == keys.len()
            && stack
                .iter()
                .zip(keys)
                .all(|(f, k)| matches!(f, Frame::Map { key: Some(key), .. } if key == k))
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut hits = Vec::new();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let m = e.marker();
            Error::new(format!(
                "cannot read {path}:{}:{}: malformed YAML",
                m.line(),
                m.col() + 1
            ))
            .caused_by(clip(e.info(), 300))
        })?;
        // A scalar or collection in value position: check it, then the map wants a key again.
        let mut value = |stack: &mut Vec<Frame>, hit: Option<YamlHit>| {
            if let Some(Frame::Map { want_key, .. }) = stack.last()
                && !*want_key
            {
                if on_path(stack)
                    && let Some(h) = hit
                {
                    hits.push(h);
                }
                if let Some(Frame::Map { want_key, .. }) = stack.last_mut() {
                    *want_key = true;
                }
            }
        };
        let at = |quoted: bool| (mark.line(), mark.col() + 1 + usize::from(quoted));
        match event {
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::Scalar(s, style, _, _) => {
                if let Some(Frame::Map { key, want_key, .. }) = stack.last_mut()
                    && *want_key
                {
                    *key = Some(s);
                    *want_key = false;
                    continue;
                }
                let quoted = matches!(
                    style,
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
                );
                let (line, column) = at(quoted);
                let hit = if s.is_empty() && style == TScalarStyle::Plain {
                    YamlHit {
                        value: None,
                        line,
                        column,
                        what: "empty value",
                    }
                } else {
                    YamlHit {
                        value: Some(s),
                        line,
                        column,
                        what: "string",
                    }
                };
                value(&mut stack, Some(hit));
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let (line, column) = at(false);
                let in_key = matches!(stack.last(), Some(Frame::Map { want_key: true, .. }));
                if in_key {
                    // A complex key: whatever it is, it is not one of ours.
                    if let Some(Frame::Map {
                        key,
                        want_key,
                        child_is_key,
                    }) = stack.last_mut()
                    {
                        *key = None;
                        *want_key = false;
                        *child_is_key = true;
                    }
                } else {
                    let what = if is_map { "mapping" } else { "sequence" };
                    // Report, but keep the map waiting for this value to end.
                    if let Some(Frame::Map {
                        want_key: false, ..
                    }) = stack.last()
                        && on_path(&stack)
                    {
                        hits.push(YamlHit {
                            value: None,
                            line,
                            column,
                            what,
                        });
                    }
                }
                stack.push(if is_map {
                    Frame::Map {
                        key: None,
                        want_key: true,
                        child_is_key: false,
                    }
                } else {
                    Frame::Seq
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if let Some(Frame::Map {
                    want_key,
                    child_is_key,
                    ..
                }) = stack.last_mut()
                {
                    if *child_is_key {
                        // That was a complex key; its value follows.
                        *child_is_key = false;
                    } else {
                        *want_key = true;
                    }
                }
            }
            Event::Alias(_) => {
                let (line, column) = at(false);
                if let Some(Frame::Map { key, want_key, .. }) = stack.last_mut()
                    && *want_key
                {
                    *key = None;
                    *want_key = false;
                    continue;
                }
                value(
                    &mut stack,
                    Some(YamlHit {
                        value: None,
                        line,
                        column,
                        what: "alias",
                    }),
                );
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart => {}
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::diag::Severity;

    struct Mem(HashMap<String, Vec<u8>>);

    impl FileReader for Mem {
        fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
            Ok(self.0.get(path).cloned())
        }
    }

    fn mem(files: &[(&str, &str)]) -> Mem {
        Mem(files
            .iter()
            .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
            .collect())
    }

    fn run(files: &[(&str, &str)]) -> Sources {
        collect(&mem(files), &VersionsConfig::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// 20,000 texts, each one variant of every slot in turn.
    fn generated(slots: &[&[&str]]) -> Vec<String> {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..20_000)
            .map(|_| {
                slots
                    .iter()
                    .map(|slot| slot[(next() % slot.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    /// On every text, the scanner (`got`) finds what the regex (`want`) finds; and the generated
    /// texts reach both outcomes often, so neither side can pass by finding nothing.
    fn agree<T: PartialEq + std::fmt::Debug>(
        texts: &[String],
        want: impl Fn(&str) -> Vec<T>,
        got: impl Fn(&str) -> Vec<T>,
    ) {
        let mut matched = 0;
        for text in texts {
            let found = got(text);
            assert_eq!(found, want(text), "{text:?}");
            matched += usize::from(!found.is_empty());
        }
        assert!(matched > 200 && matched < texts.len() - 200, "{matched}");
    }

    /// Runs `scan` on each line of `text`, with ranges made absolute.
    fn scan_lines<'t, T>(
        text: &'t str,
        scan: impl Fn(&'t str) -> Option<T>,
        mut found: impl FnMut(usize, T),
    ) {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if let Some(t) = scan(line) {
                found(offset, t);
            }
            offset += line.len();
        }
    }

    #[test]
    fn hatch_default_scanner_agrees_with_the_regex() {
        // hatchling's pattern with the back-reference spelled out.
        let re = Regex::new(
            r#"(?m)^(?P<name>(?i-u:__version__|version)) *= *(?:"v?(?P<d>[^"\r\n]+?)"|'v?(?P<s>[^'\r\n]+?)')"#,
        )
        .unwrap();
        let slots: [&[&str]; 6] = [
            &[
                "__version__",
                "VERSION",
                "Version",
                "__VERSION__",
                "version_",
                " version",
                "_version",
            ],
            &["", " ", "  ", "\t"],
            &["=", "=", "==", ":"],
            &["", " ", "\t"],
            &[
                "\"1.0\"", "'v1.0'", "\"v\"", "\"\"", "'x\"", "\"vv2\"", "'1\n'", "\"é\"", "1.0",
            ],
            &["\n", "", " # x\r\n", "\"\n", "\nversion='2'\n"],
        ];
        agree(
            &generated(&slots),
            |text| {
                re.captures_iter(text)
                    .map(|c| (c["name"].to_string(), value_match(&c).unwrap().range()))
                    .collect()
            },
            |text| {
                let mut got = Vec::new();
                scan_lines(text, hatch_default, |o, (n, v)| {
                    got.push((
                        text[o + n.start..o + n.end].to_string(),
                        o + v.start..o + v.end,
                    ))
                });
                got
            },
        );
    }

    #[test]
    fn import_scanner_agrees_with_the_regex() {
        let re = Regex::new(
            r"(?m)^from[ \t]+(?P<m>[A-Za-z0-9_.]+)[ \t]+import[ \t]+\(?(?P<n>[A-Za-z0-9_, \t]+?)\)?[ \t]*(?:#[^\r\n]*)?\r?$",
        )
        .unwrap();
        let slots: [&[&str]; 9] = [
            &["from", "from", " from", "fromx", "From"],
            &[" ", "\t", "", "  "],
            &["._version", "..", "pkg.sub", "a-b", "", "é"],
            &[" ", "", "\t "],
            &["import", "import", "imports", "impor"],
            &[" ", "", "\t", "  "],
            &["", "(", "(("],
            &[
                "__version__",
                "a, __version__ as v",
                "x ,y",
                "",
                " ",
                "a.b",
                "a )",
                "a\t",
            ],
            &[
                "\n",
                ")\n",
                " # c\r\n",
                "#\r",
                "",
                ") x\n",
                "\r\r\n",
                "\nfrom . import x\n",
            ],
        ];
        agree(
            &generated(&slots),
            |text| {
                re.captures_iter(text)
                    .map(|c| (c["m"].to_string(), c["n"].trim_end().to_string()))
                    .filter(|(_, n)| !n.is_empty())
                    .collect()
            },
            |text| {
                let mut got = Vec::new();
                scan_lines(text, from_import, |_, (m, n)| {
                    got.push((m.to_string(), n.to_string()))
                });
                got
            },
        );
    }

    /// The scanner finds exactly what the anchored regex it replaced finds, on lines built from
    /// the fragments that matter to it (and on the cases that broke earlier scanners).
    #[test]
    fn assignment_scanner_agrees_with_the_regex() {
        let re = Regex::new(
            r#"(?m)^__version__[ \t]*(?::[^=\r\n]*)?=[ \t]*(?:[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*)*[uU]?(?:"(?P<d>[^"\\\r\n]*)"|'(?P<s>[^'\\\r\n]*)')[ \t]*(?:#[^\r\n]*)?\r?$"#,
        )
        .unwrap();
        // Each slot of the line, with variants that keep it valid and variants that break it.
        let slots: [&[&str]; 10] = [
            &[
                "__version__",
                "__version__",
                "__version__x",
                " __version__",
                "__version",
            ],
            &["", "", " ", "\t ", "\r"],
            &["", "", ": str ", ":", ": Final[str]", ":x\n"],
            &["=", "=", "=", "==", ":=", ""],
            &[
                "",
                " ",
                "\t",
                " VERSION = ",
                "_a1=",
                "x = y = ",
                "u ",
                "1 = ",
                "(",
            ],
            &["", "", "u", "U", "ub", "b", "r"],
            &[
                "\"1.2.0\"",
                "'1.2.0'",
                "\"it's\"",
                "'a\\'b'",
                "\"\"",
                "\"1.0",
                "'x\"",
                "\"é\"",
            ],
            &["", "", " ", "\t", "x", ","],
            &["", "", "# c", "#", "# a\rb", " # é"],
            &["\n", "\r\n", "", "\r", "\n\n", "\n__version__ = '2'\n"],
        ];
        let mut texts = generated(&slots);
        texts.push("__version__ = u \"1.0\"\n".into());
        agree(
            &texts,
            |text| {
                re.captures_iter(text)
                    .filter_map(|c| value_match(&c).map(|m| m.range()))
                    .collect()
            },
            |text| {
                let mut got = Vec::new();
                scan_lines(
                    text,
                    |l| assignment_value(l, "__version__"),
                    |o, r| got.push(o + r.start..o + r.end),
                );
                got
            },
        );
    }

    fn run_err(files: &[(&str, &str)]) -> String {
        match collect(&mem(files), &VersionsConfig::default()) {
            Ok(s) => panic!("no error: {s:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn with_sources(
        files: &[(&str, &str)],
        sources: Vec<SourceConfig>,
        auto: bool,
    ) -> Result<Sources> {
        collect(
            &mem(files),
            &VersionsConfig {
                auto_detect: auto,
                source: sources,
                ..VersionsConfig::default()
            },
        )
    }

    /// (path, line, column, kind, raw) of every Found.
    fn found(s: &Sources) -> Vec<(String, usize, usize, String, String)> {
        s.found
            .iter()
            .map(|f| {
                (
                    f.path.clone(),
                    f.line,
                    f.column,
                    f.kind.clone(),
                    f.version.raw().to_string(),
                )
            })
            .collect()
    }

    fn f(
        path: &str,
        line: usize,
        column: usize,
        kind: &str,
        raw: &str,
    ) -> (String, usize, usize, String, String) {
        (path.into(), line, column, kind.into(), raw.into())
    }

    /// (rule, path, line, column) of every diagnostic.
    fn diags(s: &Sources) -> Vec<(&'static str, String, Option<usize>, Option<usize>)> {
        s.diagnostics
            .iter()
            .map(|d| (d.rule, d.file.clone().unwrap_or_default(), d.line, d.column))
            .collect()
    }

    // --- pyproject.toml ---------------------------------------------------------------------

    #[test]
    fn pyproject_project_version_not_dependencies() {
        let s = run(&[(
            "pyproject.toml",
            "[project]\nname = \"demo\"\ndependencies = [\"numpy==0.4.0\", \"version==0.4.0\"]\nversion = \"0.4.0\"\n\n[project.optional-dependencies]\nversion = [\"foo==0.3.0\"]\n",
        )]);
        assert_eq!(
            found(&s),
            [f("pyproject.toml", 4, 12, "[project].version", "0.4.0")]
        );
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Python);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    }

    #[test]
    fn pyproject_invalid_values() {
        let s = run(&[("pyproject.toml", "[project]\nversion = \"1.2.x\"\n")]);
        assert!(s.found.is_empty());
        assert_eq!(
            diags(&s),
            [(
                "version-invalid",
                "pyproject.toml".into(),
                Some(2),
                Some(12)
            )]
        );
        assert!(
            s.diagnostics[0].message.contains("`1.2.x`"),
            "{}",
            s.diagnostics[0].message
        );
        let s = run(&[("pyproject.toml", "[project]\nversion = 1.2\n")]);
        assert_eq!(
            diags(&s),
            [(
                "version-invalid",
                "pyproject.toml".into(),
                Some(2),
                Some(11)
            )]
        );
        assert!(
            s.diagnostics[0].message.contains("a float"),
            "{}",
            s.diagnostics[0].message
        );
    }

    #[test]
    fn pyproject_poetry_and_dynamic_versioning() {
        let s = run(&[(
            "pyproject.toml",
            "[tool.poetry]\nname = \"demo\"\nversion = '1.2.0'\n\n[tool.poetry.dependencies]\npython = \"^3.9\"\nrequests = \"1.2.0\"\n",
        )]);
        assert_eq!(
            found(&s),
            [f("pyproject.toml", 3, 12, "[tool.poetry].version", "1.2.0")]
        );
        let s = run(&[("pyproject.toml", "[tool.poetry]\nversion = \"latest\"\n")]);
        assert_eq!(
            diags(&s),
            [(
                "version-invalid",
                "pyproject.toml".into(),
                Some(2),
                Some(12)
            )]
        );
        let s = run(&[(
            "pyproject.toml",
            "[tool.poetry]\nversion = \"0.0.0\"\n[tool.poetry-dynamic-versioning]\nenable = true\n",
        )]);
        assert!(s.found.is_empty());
        assert_eq!(s.dynamic.len(), 1);
        assert_eq!(s.dynamic[0].how, "poetry-dynamic-versioning");
        assert_eq!((s.dynamic[0].line, s.dynamic[0].column), (4, 10));
    }

    #[test]
    fn setuptools_dynamic_attr_src_and_flat_layouts() {
        let pyproject = "[project]\nname = \"my-pkg\"\ndynamic = [\"version\"]\n[tool.setuptools.dynamic]\nversion = {attr = \"my_pkg.__version__\"}\n";
        for root in ["src/", ""] {
            let init = format!("{root}my_pkg/__init__.py");
            let s = run(&[
                ("pyproject.toml", pyproject),
                (&init, "\"\"\"Docs.\"\"\"\n__version__ = \"2.0.1\"\n"),
            ]);
            assert_eq!(
                found(&s),
                [f(&init, 2, 16, "__version__", "2.0.1")],
                "{root}"
            );
            assert!(s.diagnostics.is_empty());
        }
        // Re-exported from _version.py, as most packages do.
        let s = run(&[
            ("pyproject.toml", pyproject),
            (
                "src/my_pkg/__init__.py",
                "from ._version import __version__  # re-export\n",
            ),
            ("src/my_pkg/_version.py", "__version__: str = '2.0.2'\n"),
        ]);
        assert_eq!(
            found(&s),
            [f("src/my_pkg/_version.py", 1, 21, "__version__", "2.0.2")]
        );
        // Declared, but the module is not there.
        let s = run(&[("pyproject.toml", pyproject)]);
        assert!(s.found.is_empty());
        assert_eq!(
            diags(&s),
            [(
                "version-not-found",
                "pyproject.toml".into(),
                Some(5),
                Some(20)
            )]
        );
        assert!(
            s.diagnostics[0].message.contains("src/my_pkg/__init__.py"),
            "{}",
            s.diagnostics[0].message
        );
        // Declared, the module is there, but computes its version.
        let s = run(&[
            ("pyproject.toml", pyproject),
            (
                "my_pkg/__init__.py",
                "from importlib.metadata import version\n__version__ = version('my-pkg')\n",
            ),
        ]);
        assert_eq!(
            diags(&s),
            [(
                "version-not-found",
                "pyproject.toml".into(),
                Some(5),
                Some(20)
            )]
        );
    }

    #[test]
    fn setuptools_dynamic_file() {
        let pyproject = "[project]\ndynamic = [\"version\"]\n[tool.setuptools.dynamic]\nversion = {file = [\"VERSION\"]}\n";
        let s = run(&[("pyproject.toml", pyproject), ("VERSION", "\n1.2.0rc1\n")]);
        assert_eq!(found(&s), [f("VERSION", 2, 1, "contents", "1.2.0rc1")]);
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Python);
        let s = run(&[("pyproject.toml", pyproject)]);
        assert_eq!(
            diags(&s),
            [(
                "version-not-found",
                "pyproject.toml".into(),
                Some(4),
                Some(21)
            )]
        );
        let s = run(&[(
            "pyproject.toml",
            &pyproject.replace("VERSION", "../VERSION"),
        )]);
        assert!(
            s.diagnostics[0]
                .message
                .contains("not a path inside the repository")
        );
    }

    #[test]
    fn hatch_path_vcs_and_patterns() {
        let s = run(&[
            (
                "pyproject.toml",
                "[project]\nname='x'\ndynamic=['version']\n[tool.hatch.version]\npath = \"src/x/__about__.py\"\n",
            ),
            ("src/x/__about__.py", "VERSION = \"v3.1.0\"\n"),
        ]);
        // hatch's default pattern strips a leading `v`.
        assert_eq!(
            found(&s),
            [f("src/x/__about__.py", 1, 13, "VERSION", "3.1.0")]
        );
        let s = run(&[
            (
                "pyproject.toml",
                "[tool.hatch.version]\npath = \"x.py\"\npattern = '^VER = \"(?P<version>[^\"]+)\"'\n",
            ),
            ("x.py", "VER = \"3.2.0\"\n"),
        ]);
        assert_eq!(
            found(&s),
            [f("x.py", 1, 8, "[tool.hatch.version].pattern", "3.2.0")]
        );
        let s = run(&[
            ("pyproject.toml", "[tool.hatch.version]\npath = \"x.py\"\n"),
            ("x.py", "version_info = (1, 2)\n"),
        ]);
        assert_eq!(
            diags(&s),
            [(
                "version-not-found",
                "pyproject.toml".into(),
                Some(2),
                Some(9)
            )]
        );
        let e = run_err(&[
            (
                "pyproject.toml",
                "[tool.hatch.version]\npath = \"x.py\"\npattern = '(?P<q>[\"])(?P<version>.+)(?P=q)'\n",
            ),
            ("x.py", "x"),
        ]);
        assert!(e.contains("[tool.hatch.version].pattern"), "{e}");
        let s = run(&[(
            "pyproject.toml",
            "[project]\ndynamic = [\"version\"]\n[tool.hatch.version]\nsource = \"vcs\"\n[tool.hatch.build.hooks.vcs]\nversion-file = \"src/x/_version.py\"\n",
        )]);
        assert_eq!(
            s.dynamic,
            [Dynamic {
                path: "pyproject.toml".into(),
                line: 4,
                column: 11,
                how: "hatch-vcs".into()
            }]
        );
    }

    #[test]
    fn setuptools_scm_is_dynamic_and_its_version_file_is_not_a_source() {
        let files = [
            (
                "pyproject.toml",
                "[build-system]\nrequires = [\"setuptools>=64\", \"setuptools_scm[toml]>=8\"]\n[project]\nname = \"pkg\"\ndynamic = [\"version\"]\n[tool.setuptools_scm]\nversion_file = \"src/pkg/_version.py\"\n",
            ),
            (
                "src/pkg/_version.py",
                "__version__ = version = '0.1.dev3+g1234567'\n",
            ),
        ];
        let s = run(&files);
        assert!(s.found.is_empty(), "{:?}", found(&s));
        assert_eq!(
            s.dynamic,
            [Dynamic {
                path: "pyproject.toml".into(),
                line: 6,
                column: 7,
                how: "setuptools_scm".into()
            }]
        );
        // Only in build requirements (setuptools_scm ≥ 8 needs no table).
        let s = run(&[(
            "pyproject.toml",
            "[build-system]\nrequires = [\"setuptools-scm\"]\n[project]\ndynamic = [\"version\"]\n",
        )]);
        assert_eq!(s.dynamic.len(), 1);
        assert_eq!((s.dynamic[0].line, s.dynamic[0].column), (2, 14));
        // A static version with setuptools_scm merely installed is not dynamic.
        let s = run(&[(
            "pyproject.toml",
            "[build-system]\nrequires = [\"setuptools-scm\"]\n[project]\nversion = \"1.0.0\"\n",
        )]);
        assert!(s.dynamic.is_empty());
        assert_eq!(s.found.len(), 1);
    }

    // --- setup.cfg --------------------------------------------------------------------------

    #[test]
    fn setup_cfg_literal_attr_and_file() {
        let s = run(&[(
            "setup.cfg",
            "[metadata]\nname = demo\nVersion = 1.4.0\n\n[options]\ninstall_requires =\n    version == 1.0\n",
        )]);
        assert_eq!(
            found(&s),
            [f("setup.cfg", 3, 11, "[metadata].version", "1.4.0")]
        );
        let s = run(&[
            (
                "setup.cfg",
                "[metadata]\nname = demo\nversion = attr: demo.__version__\n[options]\npackage_dir =\n    =lib\n",
            ),
            ("lib/demo/__init__.py", "__version__ = '1.4.1'\n"),
        ]);
        assert_eq!(
            found(&s),
            [f("lib/demo/__init__.py", 1, 16, "__version__", "1.4.1")]
        );
        let s = run(&[
            ("setup.cfg", "[metadata]\nversion = file: VERSION.txt\n"),
            ("VERSION.txt", "1.4.2\n"),
        ]);
        assert_eq!(found(&s), [f("VERSION.txt", 1, 1, "contents", "1.4.2")]);
        let s = run(&[("setup.cfg", "[metadata]\nversion = one point two\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "setup.cfg".into(), Some(2), Some(11))]
        );
        let s = run(&[(
            "setup.cfg",
            "[metadata]\nversion = attr: nowhere.__version__\n",
        )]);
        assert_eq!(
            diags(&s),
            [("version-not-found", "setup.cfg".into(), Some(2), Some(11))]
        );
    }

    // --- package modules --------------------------------------------------------------------

    #[test]
    fn init_version_by_package_name() {
        let py = "[project]\nname = \"My-Pkg\"\nversion = \"1.0.0\"\n";
        let s = run(&[
            ("pyproject.toml", py),
            (
                "src/my_pkg/__init__.py",
                "try:\n    from ._v import v\nexcept ImportError:\n    __version__ = \"0.0.0+unknown\"\n__version__ = \"1.0.0\"  # keep in sync\n",
            ),
            ("src/my_pkg/__about__.py", "__version__ = '1.0.0'\n"),
            ("other/__init__.py", "__version__ = \"9.9.9\"\n"),
        ]);
        assert_eq!(
            found(&s),
            [
                f("pyproject.toml", 3, 12, "[project].version", "1.0.0"),
                f("src/my_pkg/__init__.py", 5, 16, "__version__", "1.0.0"),
                f("src/my_pkg/__about__.py", 1, 16, "__version__", "1.0.0"),
            ]
        );
        // A literal that is no version.
        let s = run(&[
            ("pyproject.toml", "[project]\nname = \"p\"\n"),
            ("p/__init__.py", "__version__ = \"1.0-final\"\n"),
        ]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "p/__init__.py".into(), Some(1), Some(16))]
        );
        // No literal: nothing found, nothing wrong.
        let s = run(&[
            ("pyproject.toml", py),
            ("my_pkg/__init__.py", "__version__ = get_version()\n"),
        ]);
        assert_eq!(s.found.len(), 1);
        assert!(s.diagnostics.is_empty());
    }

    #[test]
    fn stale_second_version_line_is_multiple() {
        let s = run(&[
            ("setup.cfg", "[metadata]\nname = pkg\n"),
            (
                "pkg/_version.py",
                "__version__ = \"1.3.0\"\n\n# old:\n__version__ = \"1.2.0\"\n__version__ = \"1.3.0\"\n",
            ),
        ]);
        assert_eq!(
            diags(&s),
            [
                (
                    "version-multiple",
                    "pkg/_version.py".into(),
                    Some(1),
                    Some(16)
                ),
                (
                    "version-multiple",
                    "pkg/_version.py".into(),
                    Some(4),
                    Some(16)
                ),
                (
                    "version-multiple",
                    "pkg/_version.py".into(),
                    Some(5),
                    Some(16)
                ),
            ]
        );
        assert!(
            s.diagnostics[1]
                .message
                .contains("`1.2.0` here and to `1.3.0` at line 1"),
            "{}",
            s.diagnostics[1].message
        );
        assert_eq!(
            found(&s),
            [f("pkg/_version.py", 1, 16, "__version__", "1.3.0")]
        );
        // The same value twice is fine.
        let s = run(&[
            ("setup.cfg", "[metadata]\nname = pkg\n"),
            (
                "pkg/_version.py",
                "__version__ = \"1.3.0\"\n__version__ = \"1.3.0\"\n",
            ),
        ]);
        assert!(s.diagnostics.is_empty());
    }

    // --- Cargo ------------------------------------------------------------------------------

    #[test]
    fn cargo_package_not_dependencies() {
        let s = run(&[(
            "Cargo.toml",
            "[package]\nname = \"x\"\nversion = \"0.4.0\"\n\n[dependencies]\nfoo = \"0.4.0\"\nversion = \"1\"\nbar = { version = \"0.4.0\" }\n",
        )]);
        assert_eq!(
            found(&s),
            [f("Cargo.toml", 3, 12, "[package].version", "0.4.0")]
        );
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Semver);
        let s = run(&[("Cargo.toml", "[package]\nversion = \"0.4\"\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "Cargo.toml".into(), Some(2), Some(12))]
        );
        // Omitted (Cargo ≥ 1.75): no source here.
        assert!(
            run(&[("Cargo.toml", "[package]\nname = \"x\"\n")])
                .found
                .is_empty()
        );
    }

    #[test]
    fn cargo_workspace_inheritance() {
        let root = "[workspace]\nmembers = [\"crates/a\", \"crates/b\", \"crates/*\"]\n\n[workspace.package]\nversion = \"2.1.0\"\n";
        let s = run(&[
            ("Cargo.toml", root),
            (
                "crates/a/Cargo.toml",
                "[package]\nname = \"a\"\nversion.workspace = true\n",
            ),
            (
                "crates/b/Cargo.toml",
                "[package]\nname = \"b\"\nversion = \"0.3.0\"\n",
            ),
        ]);
        assert_eq!(
            found(&s),
            [f(
                "Cargo.toml",
                5,
                12,
                "[workspace.package].version",
                "2.1.0"
            )]
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        // A member inheriting from nothing.
        let s = run(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n"),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = { workspace = true }\n",
            ),
        ]);
        assert_eq!(
            diags(&s),
            [(
                "version-not-found",
                "a/Cargo.toml".into(),
                Some(3),
                Some(11)
            )]
        );
        // The root package inheriting is the workspace version, reported once.
        let s = run(&[(
            "Cargo.toml",
            "[package]\nname = \"r\"\nversion.workspace = true\n[workspace.package]\nversion = \"1.0.0\"\n",
        )]);
        assert_eq!(found(&s).len(), 1);
        assert!(s.diagnostics.is_empty());
    }

    // --- npm --------------------------------------------------------------------------------

    #[test]
    fn package_json_top_level_only() {
        let text = "{\n  \"name\": \"x\",\n  \"description\": \"see \\\"version\\\": \\\"9.9.9\\\"\",\n  \"config\": {\"version\": \"8.8.8\"},\n  \"devDependencies\": {\"version\": \"1.0.0\"},\n  \"list\": [{\"version\": \"7\"}, \"]}\"],\n  \"version\": \"1.2.0-rc.1\"\n}\n";
        let s = run(&[("package.json", text)]);
        assert_eq!(
            found(&s),
            [f("package.json", 7, 15, "version", "1.2.0-rc.1")]
        );
        // An escaped key is the same key.
        let s = run(&[("package.json", "{\"\\u0076ersion\": \"1.0.0\"}")]);
        assert_eq!(found(&s), [f("package.json", 1, 19, "version", "1.0.0")]);
        let s = run(&[("package.json", "{\"version\": \"v1.2\"}")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "package.json".into(), Some(1), Some(14))]
        );
        let s = run(&[("package.json", "{\"version\": 1}")]);
        assert!(
            s.diagnostics[0].message.contains("a number"),
            "{}",
            s.diagnostics[0].message
        );
        // JSON allows a key twice (the last wins in npm): two values are `version-multiple`.
        let s = run(&[(
            "package.json",
            "{\"version\": \"1.0.0\",\n\"version\": \"1.1.0\"}",
        )]);
        assert_eq!(
            s.diagnostics
                .iter()
                .filter(|d| d.rule == "version-multiple")
                .count(),
            2
        );
        // No version (a private package): nothing.
        assert!(
            run(&[("package.json", "{\"private\": true}")])
                .found
                .is_empty()
        );
        assert!(run(&[("package.json", "[1, 2]")]).found.is_empty());
    }

    #[test]
    fn package_lock_top_level_and_root_package() {
        let s = run(&[(
            "package-lock.json",
            "{\n  \"name\": \"x\",\n  \"version\": \"1.2.0\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"x\", \"version\": \"1.2.0\"},\n    \"node_modules/y\": {\"version\": \"1.2.0\"}\n  }\n}\n",
        )]);
        assert_eq!(
            found(&s),
            [
                f("package-lock.json", 3, 15, "version", "1.2.0"),
                f(
                    "package-lock.json",
                    6,
                    35,
                    "packages[\"\"].version",
                    "1.2.0"
                )
            ]
        );
        let s = run(&[("package-lock.json", "{\"version\": \"1.2\"}")]);
        assert_eq!(diags(&s)[0].0, "version-invalid");
    }

    // --- VERSION, CITATION.cff, conda, Helm ---------------------------------------------------

    #[test]
    fn version_file_follows_the_project() {
        let s = run(&[("VERSION", "\n  1.2.0-rc1  \r\nignored\n")]);
        assert_eq!(found(&s), [f("VERSION", 2, 3, "first line", "1.2.0-rc1")]);
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Semver);
        // With a Python source beside it, PEP 440 rules: `1.2` is a version.
        let s = run(&[
            ("VERSION", "1.2\n"),
            ("setup.cfg", "[metadata]\nversion = 1.2\n"),
        ]);
        assert_eq!(s.found.len(), 2);
        assert!(
            s.found
                .iter()
                .all(|f| f.version.ecosystem() == Ecosystem::Python)
        );
        // Alone, it is SemVer, and `1.2` is not.
        let s = run(&[("VERSION", "1.2\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "VERSION".into(), Some(1), Some(1))]
        );
        let s = run(&[("VERSION", "1.2.0 # comment\n")]);
        assert_eq!(diags(&s)[0].0, "version-invalid");
        assert!(run(&[("VERSION", "\n\n")]).found.is_empty());
    }

    #[test]
    fn citation_cff_top_level_version() {
        let text = "cff-version: 1.2.0\ntitle: \"é démo\"\nreferences:\n  - version: 9.9.9\nversion: \"2.0.0\"\ndate-released: 2024-01-31\n";
        let s = run(&[("CITATION.cff", text)]);
        assert_eq!(found(&s), [f("CITATION.cff", 5, 11, "version", "2.0.0")]);
        let s = run(&[("CITATION.cff", "cff-version: 1.2.0\nversion: [1, 2]\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "CITATION.cff".into(), Some(2), Some(10))]
        );
        let s = run(&[("CITATION.cff", "version:\ntitle: x\n")]);
        assert_eq!(diags(&s)[0].0, "version-invalid");
        let s = run(&[("CITATION.cff", "version: 2.0\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "CITATION.cff".into(), Some(1), Some(10))]
        );
    }

    #[test]
    fn conda_recipe_set_version() {
        let text = "{% set name = \"demo\" %}\n{% set version_major = \"9\" %}\n{%- set version = '1.5.0' -%}\n\npackage:\n  version: {{ version }}\n";
        let s = run(&[("recipe/meta.yaml", text)]);
        assert_eq!(
            found(&s),
            [f("recipe/meta.yaml", 3, 20, "{% set version %}", "1.5.0")]
        );
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Python);
        let s = run(&[(
            "meta.yaml",
            "{% set version = \"1.5.0\" %}\n{% set version = \"1.4.0\" %}\n",
        )]);
        assert_eq!(
            s.diagnostics
                .iter()
                .filter(|d| d.rule == "version-multiple")
                .count(),
            2
        );
        let s = run(&[("conda/meta.yaml", "{% set version = \"one\" %}\n")]);
        assert_eq!(
            diags(&s),
            [(
                "version-invalid",
                "conda/meta.yaml".into(),
                Some(1),
                Some(19)
            )]
        );
    }

    #[test]
    fn helm_chart_version_not_app_version() {
        let text = "apiVersion: v2\nname: demo\nappVersion: \"9.9.9\"\ndependencies:\n  - name: x\n    version: 1.0.0\nversion: 0.3.1\n";
        let s = run(&[("Chart.yaml", text)]);
        assert_eq!(found(&s), [f("Chart.yaml", 7, 10, "version", "0.3.1")]);
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Semver);
        let s = run(&[("Chart.yaml", "version: 0.3\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "Chart.yaml".into(), Some(1), Some(10))]
        );
        // Complex keys and aliases do not confuse the walk.
        let s = run(&[(
            "Chart.yaml",
            "? [version]\n: 1.0.0\nx: &a 1\ny: *a\n*a : 3\nversion: 0.3.2\n",
        )]);
        assert_eq!(found(&s), [f("Chart.yaml", 6, 10, "version", "0.3.2")]);
    }

    // --- configured sources -----------------------------------------------------------------

    fn src(path: &str, key: Option<&str>, pattern: Option<&str>) -> SourceConfig {
        SourceConfig {
            path: path.into(),
            key: key.map(Into::into),
            pattern: pattern.map(Into::into),
        }
    }

    #[test]
    fn configured_keys_by_extension() {
        let files = [
            ("tool.toml", "[tool.mytool]\nversion = \"1.0.0\"\n"),
            ("meta/app.json", "{\"app\": {\"version\": \"1.0.0\"}}"),
            ("deploy/values.yml", "image:\n  version: '1.0.0'\n"),
        ];
        let s = with_sources(
            &files,
            vec![
                src("tool.toml", Some("tool.mytool.version"), None),
                src("./meta/app.json", Some("app.version"), None),
                src("deploy/values.yml", Some("image.version"), None),
            ],
            false,
        )
        .unwrap();
        assert_eq!(
            found(&s),
            [
                f("tool.toml", 2, 12, "tool.mytool.version", "1.0.0"),
                f("meta/app.json", 1, 22, "app.version", "1.0.0"),
                f("deploy/values.yml", 2, 13, "image.version", "1.0.0"),
            ]
        );
        let s = with_sources(
            &files,
            vec![src("tool.toml", Some("tool.other.version"), None)],
            false,
        )
        .unwrap();
        assert_eq!(
            diags(&s),
            [("version-not-found", "tool.toml".into(), None, None)]
        );
        let e = with_sources(
            &[("a.ini", "x")],
            vec![src("a.ini", Some("a.b"), None)],
            false,
        )
        .unwrap_err();
        assert!(e.to_string().contains("use `pattern`"), "{e}");
    }

    #[test]
    fn configured_patterns_and_paths() {
        let files = [(
            "docs/conf.py",
            "project = 'x'\nrelease = \"1.0.0\"\n    release = \"0.1\"\n",
        )];
        let s = with_sources(
            &files,
            vec![src(
                "docs/conf.py",
                None,
                Some(r#"^release = "(?P<version>[^"]+)""#),
            )],
            true,
        )
        .unwrap();
        assert_eq!(found(&s), [f("docs/conf.py", 2, 12, "pattern", "1.0.0")]);
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Python);
        let s = with_sources(
            &files,
            vec![src(
                "docs/conf.py",
                None,
                Some(r#"^version = "(?P<version>[^"]+)""#),
            )],
            true,
        )
        .unwrap();
        assert_eq!(
            diags(&s),
            [("version-not-found", "docs/conf.py".into(), None, None)]
        );
        let s = with_sources(
            &files,
            vec![src("docs/missing.py", None, Some("(?P<version>x)"))],
            true,
        )
        .unwrap();
        assert!(s.diagnostics[0].message.contains("does not exist"));
        let s = with_sources(
            &[("version.txt", "2.0.0\n")],
            vec![src("version.txt", None, None)],
            true,
        )
        .unwrap();
        assert_eq!(found(&s), [f("version.txt", 1, 1, "first line", "2.0.0")]);
        for bad in ["../outside.toml", "/etc/passwd", "a/../../b"] {
            let e = with_sources(&files, vec![src(bad, None, Some("(?P<version>x)"))], true)
                .unwrap_err();
            assert!(
                e.to_string().contains("leaves the repository"),
                "{bad}: {e}"
            );
        }
        let e = with_sources(
            &files,
            vec![src("docs/conf.py", None, Some("(unclosed"))],
            true,
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a valid regex"), "{e}");
    }

    #[test]
    fn configured_source_over_an_auto_detected_one_is_one_value() {
        let files = [("Cargo.toml", "[package]\nversion = \"1.0.0\"\n")];
        let s = with_sources(
            &files,
            vec![src("Cargo.toml", Some("package.version"), None)],
            true,
        )
        .unwrap();
        assert_eq!(s.found.len(), 1);
    }

    // --- robustness -------------------------------------------------------------------------

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
}
