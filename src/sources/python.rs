//! Python projects: pyproject.toml (PEP 621, poetry, the build backends' dynamic versions,
//! maturin's Cargo.toml), setup.cfg, and the package's `__version__` modules.
//!
//! The package is found from pyproject's or setup.cfg's name, from `setup.py`'s literal
//! `name=`/`packages=` (see `setup_py`), or as the one package directory at the top level or
//! under `src/`, so a commit from before the project had a pyproject.toml still has sources.

use toml::de::DeValue;

use super::ini::ini_entries;
use super::py_lines::{assignment_value, hatch_default, import_source, in_code, tuple_value};
use super::toml_doc::{
    as_str, get, get_entry, origin, parse_toml, path_get, table, toml_string_start,
};
use super::{Collector, Origin, clip, join, resolve, value_match};
use crate::config::line_col;
use crate::error::{Error, Result};
use crate::version::Ecosystem;
use regex::Regex;

impl Collector<'_> {
    // --- pyproject.toml -----------------------------------------------------------------------

    pub(super) fn pyproject(&mut self) -> Result<()> {
        let path = self.at("pyproject.toml");
        let pyp: &str = &path;
        let Some(text) = self.text(pyp)? else {
            return Ok(());
        };
        self.visited.insert(path.clone());
        self.python_project = true;
        let root = parse_toml(pyp, &text)?;
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
            if let Some(d) = resolve(&self.dir, dir) {
                self.roots.push(d);
            }
        }
        // Where setuptools finds the packages (`where = ["lib"]`: sqlalchemy's); from
        // pyproject.toml, setuptools maps the package directory to it.
        if let Some(dirs) = tool_at(&["setuptools", "packages", "find", "where"])
            .and_then(|w| w.get_ref().as_array())
        {
            for dir in dirs.iter().filter_map(as_str) {
                if let Some(d) = resolve(&self.dir, dir).filter(|d| !self.roots.contains(d)) {
                    self.roots.push(d);
                }
            }
        }
        for keys in [
            &["vcs-versioning", "version_file"][..],
            &["vcs-versioning", "write_to"][..],
            &["setuptools_scm", "version_file"][..],
            &["setuptools_scm", "write_to"][..],
            &["hatch", "build", "hooks", "vcs", "version-file"][..],
        ] {
            if let Some(f) = tool_at(keys)
                .and_then(as_str)
                .and_then(|f| resolve(&self.dir, f))
            {
                self.generated.insert(f);
            }
        }

        if let Some(v) = project.and_then(|p| get(p, "version")) {
            let g = self.group();
            self.toml_version(
                g,
                pyp,
                &text,
                v,
                "[project].version",
                Some(Ecosystem::Python),
            );
        }
        // poetry-dynamic-versioning keeps a placeholder in [tool.poetry].version.
        let pdv = tool_at(&["poetry-dynamic-versioning", "enable"])
            .filter(|v| v.get_ref().as_bool() == Some(true));
        if let Some(enable) = pdv {
            self.dynamic(pyp, &text, enable.span().start, "poetry-dynamic-versioning");
        } else if let Some(v) = tool_at(&["poetry", "version"]) {
            let g = self.group();
            self.toml_version(
                g,
                pyp,
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
                let origin = origin(pyp, &text, a, "[tool.setuptools.dynamic] version attr");
                match as_str(a) {
                    Some(attr) => self.follow_attr(&origin, attr)?,
                    None => self.invalid_type(
                        pyp,
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
                let origin = origin(pyp, &text, first, "[tool.setuptools.dynamic] version file");
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
                            pyp,
                            &text,
                            toml_string_start(&text, s.span().start),
                            "hatch-vcs",
                        );
                    }
                }
                None | Some("regex") => {
                    if let Some(p) = get(h, "path") {
                        let origin = origin(pyp, &text, p, "[tool.hatch.version] path");
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
                            pyp,
                            &text,
                            toml_string_start(&text, s.span().start),
                            "pdm-backend scm",
                        );
                    }
                }
                Some("file") => {
                    if let Some(p) = get(pdm, "path") {
                        let origin = origin(pyp, &text, p, "[tool.pdm.version] path");
                        if let Some(file) = as_str(p) {
                            self.follow_pattern_file(&origin, file, None, "")?;
                        }
                    }
                }
                _ => {}
            }
        }

        // setuptools_scm reads its settings from either table, vcs-versioning's (the name of
        // the library it became) first.
        let scm = ["vcs-versioning", "setuptools_scm"]
            .into_iter()
            .find_map(|name| Some((tool.and_then(|t| get_entry(t, name))?, name)));
        if let Some(((k, _), name)) = scm {
            self.dynamic(pyp, &text, k.span().start, name);
        } else if declares_dynamic {
            let requires =
                path_get(&root, &["build-system", "requires"]).and_then(|r| r.get_ref().as_array());
            for req in requires.into_iter().flat_map(|a| a.iter()) {
                if let Some(s) = req.get_ref().as_str()
                    && requirement_name(s) == "setuptools-scm"
                {
                    self.dynamic(
                        pyp,
                        &text,
                        toml_string_start(&text, req.span().start),
                        "setuptools_scm",
                    );
                }
            }
        }
        if let Some((k, _)) = tool.and_then(|t| get_entry(t, "versioningit")) {
            self.dynamic(pyp, &text, k.span().start, "versioningit");
        }
        // maturin builds the wheel's version from a Cargo.toml: the root one (read as Cargo's
        // source anyway) unless `manifest-path` names another.
        if let Some(m) = tool_at(&["maturin", "manifest-path"]) {
            let origin = origin(pyp, &text, m, "[tool.maturin] manifest-path");
            match as_str(m) {
                Some(file) => self.cargo_manifest(&origin, file)?,
                None => self.invalid_type(
                    pyp,
                    &text,
                    m.span().start,
                    "[tool.maturin] manifest-path",
                    m.get_ref().type_str(),
                ),
            }
        }
        // The bump tools' tables: their records now, their file lists once every other
        // source is known.
        self.declared_in_pyproject(pyp, &text, tool)?;
        Ok(())
    }

    pub(super) fn add_name(&mut self, name: &str) {
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
    pub(super) fn py_roots(&self) -> Vec<String> {
        let mut roots = self.roots.clone();
        for r in [self.dir.clone(), self.at("src")] {
            if !roots.contains(&r) {
                roots.push(r);
            }
        }
        roots
    }

    /// setuptools' `attr: pkg.module.ATTR`: the module file in any root, its `ATTR = "..."`.
    pub(super) fn follow_attr(&mut self, origin: &Origin, attr: &str) -> Result<()> {
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
    pub(super) fn module_attr(
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
        // `__version__ = (1, 2, 21)`: setuptools joins the numbers.
        if let Some((at, (range, version))) = in_code(text, |line| tuple_value(line, name)).next() {
            let eco = Some(Ecosystem::Python);
            self.push(g, path, text, at + range.start, name, &version, eco);
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
            format!(
                "{path} assigns no string literal (or tuple of numbers) to `{name}` at the start of a line"
            ),
        );
        Ok(())
    }

    /// Every top-level `NAME = "..."` line of a Python file; indented ones (fallbacks inside
    /// `try:`/`if`) are not the module's version, and lines inside a string (a docstring that
    /// shows an example) are no statements at all. Returns how many were found.
    pub(super) fn py_assignments(
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
        for (at, value) in in_code(text, |line| assignment_value(line, name)) {
            let (start, end) = (at + value.start, at + value.end);
            let eco = Some(Ecosystem::Python);
            self.push(group, path, text, start, name, &text[start..end], eco);
            n += 1;
        }
        Ok(n)
    }

    /// setuptools' `file:`: the first non-empty line of a file, as a Python version.
    pub(super) fn follow_file(&mut self, origin: &Origin, file: &str) -> Result<()> {
        let Some(path) = resolve(&self.dir, file) else {
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

    /// hatch's `path` (and pdm's `file` source): a regex with a `version` group over a file;
    /// hatch's default pattern when none is given.
    pub(super) fn follow_pattern_file(
        &mut self,
        origin: &Origin,
        file: &str,
        pattern: Option<&str>,
        pattern_key: &str,
    ) -> Result<()> {
        let Some(path) = resolve(&self.dir, file) else {
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

    pub(super) fn setup_cfg(&mut self) -> Result<()> {
        let path = self.at("setup.cfg");
        let cfg: &str = &path;
        let Some(text) = self.text(cfg)? else {
            return Ok(());
        };
        self.visited.insert(path.clone());
        let entries = ini_entries(&text);
        // setup.cfg also configures linters; [metadata] or [options] make it a package's.
        self.python_project |= entries
            .iter()
            .any(|e| e.section == "metadata" || e.section == "options");
        for e in &entries {
            match (e.section.as_str(), e.key.as_str()) {
                ("metadata", "name") => self.add_name(&e.value),
                // `packages = pkg, pkg.sub` or one per line; `find:` is no name.
                ("options", "packages") => {
                    for (line, _) in e.lines() {
                        for name in line.split(',').map(str::trim) {
                            if !name.contains(':') && !name.contains('.') {
                                self.add_name(name);
                            }
                        }
                    }
                }
                // `find:` looks in `where` (setuptools' own example: `where = src`).
                ("options.packages.find", "where") => {
                    for (line, _) in e.lines() {
                        if let Some(d) =
                            resolve(&self.dir, line.trim()).filter(|d| !self.roots.contains(d))
                        {
                            self.roots.push(d);
                        }
                    }
                }
                ("options", "package_dir") => {
                    for (item, _) in e.lines() {
                        for part in item.split(',') {
                            if let Some((pkg, dir)) = part.split_once('=')
                                && pkg.trim().is_empty()
                                && let Some(d) = resolve(&self.dir, dir.trim())
                            {
                                self.roots.push(d);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        self.declared_in_ini(cfg, &text)?;
        let g = self.group();
        for e in entries
            .iter()
            .filter(|e| e.section == "metadata" && e.key == "version")
        {
            let (line, column) = line_col(&text, e.offset);
            let origin = |what: &str| Origin {
                path: path.clone(),
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
                    cfg,
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

    /// `__version__` in the package's `__init__.py`, `_version.py`, `__version__.py`,
    /// `version.py` or `__about__.py` (and `VERSION`, the other name hatch's default pattern
    /// reads, in the last three). Without a name from the project's metadata, the package is the
    /// one directory with an `__init__.py` at the top level or under `src/`.
    pub(super) fn python_modules(&mut self) -> Result<()> {
        if self.names.is_empty() && self.python_project {
            self.lone_package()?;
        }
        let names = self.names.clone();
        for root in self.py_roots() {
            for name in &names {
                for (file, vars) in [
                    ("__init__.py", &["__version__"][..]),
                    ("_version.py", &["__version__"][..]),
                    ("__version__.py", &["__version__", "VERSION"][..]),
                    ("version.py", &["__version__", "VERSION"][..]),
                    ("__about__.py", &["__version__", "VERSION"][..]),
                ] {
                    let path = join(&join(&root, name), file);
                    if self.visited.contains(&path) || self.generated.contains(&path) {
                        continue;
                    }
                    if let Some(text) = self.text(&path)? {
                        self.visited.insert(path.clone());
                        for var in vars {
                            let g = self.group();
                            self.py_assignments(g, &path, &text, var)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The one package directory (a directory with an `__init__.py`, not `tests` or `docs`)
    /// at the top level or under `src/`, as a name; nothing when there are several or none,
    /// or when the reader cannot list directories.
    fn lone_package(&mut self) -> Result<()> {
        const NOT_THE_PACKAGE: [&str; 7] = [
            "tests",
            "test",
            "docs",
            "doc",
            "examples",
            "scripts",
            "benchmarks",
        ];
        let mut found = Vec::new();
        for root in [self.dir.clone(), self.at("src")] {
            let Some(entries) = self.reader.list(&root)? else {
                continue;
            };
            for (name, is_dir) in entries {
                if is_dir
                    && is_identifier(&name)
                    && !NOT_THE_PACKAGE.contains(&name.as_str())
                    && let init = join(&join(&root, &name), "__init__.py")
                    && !self.excluded(&init)
                    && self.reader.read(&init)?.is_some()
                {
                    found.push(name);
                }
            }
        }
        if let [one] = found.as_slice() {
            let one = one.clone();
            self.add_name(&one);
        }
        Ok(())
    }
}

pub(super) fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The distribution name of a PEP 508 requirement, normalised (`setuptools_scm[toml]>=8` →
/// `setuptools-scm`).
pub(super) fn requirement_name(req: &str) -> String {
    req.trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect::<String>()
        .to_ascii_lowercase()
        .replace(['_', '.'], "-")
}

#[cfg(test)]
mod tests {
    use super::super::Dynamic;
    use super::super::testutil::*;
    use crate::version::Ecosystem;

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
        // Where setuptools is told to find the packages (sqlalchemy's `lib`), from either file.
        let find = format!("{pyproject}[tool.setuptools.packages.find]\nwhere = [\"lib\"]\n");
        let cfg = "[metadata]\nname = my-pkg\nversion = attr: my_pkg.__version__\n\
                   [options]\npackages = find:\n[options.packages.find]\nwhere = lib\n";
        for files in [[("pyproject.toml", find.as_str())], [("setup.cfg", cfg)]] {
            let mut files = files.to_vec();
            files.push(("lib/my_pkg/__init__.py", "__version__ = \"2.0.3\"\n"));
            let s = run(&files);
            assert_eq!(
                found(&s),
                [f("lib/my_pkg/__init__.py", 1, 16, "__version__", "2.0.3")],
                "{files:?}"
            );
            assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
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
        // `[tool.setuptools_scm]`, and `[tool.vcs-versioning]`, the same settings under the
        // library's own name, which setuptools_scm reads first.
        for (pyproject, line, how) in [
            (
                "[build-system]\nrequires = [\"setuptools>=64\", \"setuptools_scm[toml]>=8\"]\n[project]\nname = \"pkg\"\ndynamic = [\"version\"]\n[tool.setuptools_scm]\nversion_file = \"src/pkg/_version.py\"\n",
                6,
                "setuptools_scm",
            ),
            (
                "[project]\nname = \"pkg\"\ndynamic = [\"version\"]\n[tool.vcs-versioning]\nversion_file = \"src/pkg/_version.py\"\n",
                4,
                "vcs-versioning",
            ),
        ] {
            let s = run(&[
                ("pyproject.toml", pyproject),
                (
                    "src/pkg/_version.py",
                    "__version__ = version = '0.1.dev3+g1234567'\n",
                ),
            ]);
            assert!(s.found.is_empty(), "{:?}", found(&s));
            assert_eq!(
                s.dynamic,
                [Dynamic {
                    path: "pyproject.toml".into(),
                    line,
                    column: 7,
                    how: how.into()
                }]
            );
        }
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

    /// A `__version__ = "..."` line inside a docstring (any triple-quoted string) is text, and
    /// so is a re-export there: only the module's own statements are sources.
    #[test]
    fn version_lines_inside_strings_are_not_sources() {
        let cfg = ("setup.cfg", "[metadata]\nname = p\n");
        for module in [
            "\"\"\"Docs.\n\n__version__ = \"9.9.9\"\n\"\"\"\n__version__ = \"1.0.0\"\n",
            "'''\n__version__ = \"9.9.9\"\n'''\n__version__ = \"1.0.0\"\n",
            "x = rb'''a\n__version__ = \"9.9.9\"\n''' + f\"\"\"\n__version__ = '9.9.8'\n\"\"\"\n__version__ = \"1.0.0\"\n",
            // An escaped quote does not end the string; a quote in a comment opens none.
            "\"\"\"a \\\"\"\"\n__version__ = \"9.9.9\"\n\"\"\"\n# \"\"\"\n__version__ = \"1.0.0\"\n",
            // A string continued with a backslash at the end of the line.
            "s = \"a\\\n__version__ = 'b'\"\n__version__ = \"1.0.0\"\r\n",
            "s = '''a\\\r\n__version__ = \"9.9.9\"'''\r\n__version__ = \"1.0.0\"\r\n",
        ] {
            let s = run(&[cfg, ("p/__init__.py", module)]);
            assert_eq!(found(&s).len(), 1, "{module:?}: {s:?}");
            assert_eq!(s.found[0].version.raw(), "1.0.0", "{module:?}");
            assert!(s.diagnostics.is_empty(), "{module:?}: {:?}", s.diagnostics);
        }
        // Triple quotes inside a one-line string, or closed on their line, open nothing.
        let s = run(&[
            cfg,
            (
                "p/__init__.py",
                "a = \"'''\"\nb = '\"\"\"'\nc = \"\"\"x\"\"\"\n__version__ = \"1.0.0\"\n",
            ),
        ]);
        assert_eq!(
            found(&s),
            [f("p/__init__.py", 4, 16, "__version__", "1.0.0")]
        );
        // A re-export written in a docstring is not followed.
        let s = run(&[
            (
                "pyproject.toml",
                "[project]\nname = \"p\"\ndynamic = [\"version\"]\n[tool.setuptools.dynamic]\nversion = {attr = \"p.__version__\"}\n",
            ),
            (
                "p/__init__.py",
                "\"\"\"\nfrom ._meta import __version__\n\"\"\"\n",
            ),
            ("p/_meta.py", "__version__ = \"9.9.9\"\n"),
        ]);
        assert!(
            s.found.iter().all(|f| f.path != "p/_meta.py"),
            "{:?}",
            s.found
        );
        assert_eq!(diags(&s)[0].0, "version-not-found", "{s:?}");
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
}
