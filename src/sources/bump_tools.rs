//! The bump tools' configurations: which files each declares, how it searches them, and the
//! version it records as current.
//!
//! | tool | where | files | record |
//! | --- | --- | --- | --- |
//! | bump-my-version | `[tool.bumpversion]` in pyproject.toml or `.bumpversion.toml` | `[[tool.bumpversion.files]]` `filename` (+ `search`, `replace`, `regex`, `key_path`; a `replace` of another shape than `search` rewrites a text that is gone after the bump, and is no source) | `current_version` |
//! | bumpversion, bump2version | `.bumpversion.cfg`, setup.cfg | `[bumpversion:file:PATH]` (+ `search`) | `[bumpversion] current_version` |
//! | commitizen | `[tool.commitizen]` in pyproject.toml, `.cz.toml`, `cz.toml`, `.cz.json`, `cz.json` | `version_files = ["path", "path:regex"]` | `version` (with the default `commitizen` provider) |
//! | tbump | `tbump.toml`, `[tool.tbump]` | `[[file]]` `src` (+ `search`) | `[version] current` |
//! | python-semantic-release | `[tool.semantic_release]` | `version_variables = ["path:NAME"]`, `version_toml = ["path:a.b"]` | — |
//! | rooster | `[tool.rooster]` | `version_files` (strings; a table with `replace` is a placeholder, not a version) | — |
//! | release-please | `release-please-config.json` | `extra-files` (top level or the package's) | `.release-please-manifest.json` |
//!
//! Paths are read from the directory of the file that declares them. Globs in a file list are
//! not expanded (a file name with `*`, `?` or `[` is skipped).

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::declared::{Declaration, How, template_regex};
use super::ini::ini_parse;
use super::json::{JsonDoc, JsonValue, parse_json};
use super::toml_doc::{as_str, get, origin as toml_origin, parse_toml, path_get, table};
use super::{Collector, Origin, parent, resolve};
use crate::config::line_col;
use crate::error::Result;

fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

/// Whether a bump-my-version search and its configured replace rewrite the text into another
/// shape than the one searched for: `{current_version}...HEAD` into
/// `{current_version}...{new_version}`, a changelog's compare link that the changelog generator
/// writes again before the next bump. After the bump the searched text is gone, so at a release
/// commit it is no version source. (A regular expression's replacement is not comparable with
/// its search.)
fn rewrites_shape(search: &str, replace: &str, is_regex: bool) -> bool {
    !is_regex && search.replace("{current_version}", "{new_version}") != replace
}

impl Collector<'_> {
    /// The tool tables of a pyproject.toml.
    pub(super) fn declared_in_pyproject(
        &mut self,
        path: &str,
        text: &str,
        tool: Option<&DeTable<'_>>,
    ) -> Result<()> {
        let Some(tool) = tool else {
            return Ok(());
        };
        if let Some(t) = table(tool, "bumpversion") {
            self.bump_my_version(path, text, t, "[tool.bumpversion]");
        }
        if let Some(t) = table(tool, "commitizen") {
            self.commitizen_toml(path, text, t);
        }
        if let Some(t) = table(tool, "tbump") {
            self.tbump(path, text, t, "[tool.tbump]");
        }
        if let Some(t) = table(tool, "semantic_release") {
            self.semantic_release(path, text, t);
        }
        if let Some(t) = table(tool, "rooster") {
            self.rooster(path, text, t);
        }
        Ok(())
    }

    /// The other configuration files of the bump tools, in this package's directory.
    pub(super) fn declared_configs(&mut self) -> Result<()> {
        let p = self.at(".bumpversion.toml");
        if let Some(text) = self.text(&p)? {
            let root = parse_toml(&p, &text)?;
            if let Some(t) =
                path_get(&root, &["tool", "bumpversion"]).and_then(|v| v.get_ref().as_table())
            {
                self.bump_my_version(&p, &text, t, "[tool.bumpversion]");
            }
        }
        let p = self.at(".bumpversion.cfg");
        if let Some(text) = self.text(&p)? {
            self.declared_in_ini(&p, &text)?;
        }
        let p = self.at("tbump.toml");
        if let Some(text) = self.text(&p)? {
            let root = parse_toml(&p, &text)?;
            self.tbump(&p, &text, &root, "tbump.toml");
        }
        for name in [".cz.toml", "cz.toml"] {
            let p = self.at(name);
            if let Some(text) = self.text(&p)? {
                let root = parse_toml(&p, &text)?;
                if let Some(t) =
                    path_get(&root, &["tool", "commitizen"]).and_then(|v| v.get_ref().as_table())
                {
                    self.commitizen_toml(&p, &text, t);
                }
            }
        }
        for name in [".cz.json", "cz.json"] {
            let p = self.at(name);
            if let Some(text) = self.text(&p)? {
                let doc = parse_json(&p, &text)?;
                self.commitizen_json(&p, &doc);
            }
        }
        self.release_please()?;
        Ok(())
    }

    /// A tool's record of the current version: a source of its own.
    fn record_toml(&mut self, path: &str, text: &str, v: &Spanned<DeValue<'_>>, kind: &str) {
        let g = self.group();
        self.toml_version(g, path, text, v, kind, None);
    }

    fn declare(
        &mut self,
        origin: Origin,
        file: &str,
        how: How,
        current: Option<String>,
        optional: bool,
    ) {
        if is_glob(file) {
            return;
        }
        let path = resolve(parent(&origin.path), file);
        self.declared.push(Declaration {
            origin,
            file: file.to_string(),
            path,
            how,
            current,
            optional,
        });
    }

    // --- bump-my-version (TOML) ---------------------------------------------------------------

    fn bump_my_version(&mut self, path: &str, text: &str, t: &DeTable<'_>, name: &str) {
        let current = get(t, "current_version")
            .and_then(as_str)
            .map(str::to_string);
        if let Some(v) = get(t, "current_version") {
            self.record_toml(path, text, v, &format!("{name} current_version"));
        }
        let search = get(t, "search")
            .and_then(as_str)
            .unwrap_or("{current_version}");
        let replace = get(t, "replace").and_then(as_str);
        let is_regex = get(t, "regex")
            .and_then(|v| v.get_ref().as_bool())
            .unwrap_or(false);
        let optional = get(t, "ignore_missing_files")
            .and_then(|v| v.get_ref().as_bool())
            .unwrap_or(false);
        let files = get(t, "files").and_then(|f| f.get_ref().as_array());
        for f in files.into_iter().flat_map(|a| a.iter()) {
            let Some(ft) = f.get_ref().as_table() else {
                continue;
            };
            let Some(file_v) = get(ft, "filename") else {
                continue;
            };
            let Some(file) = as_str(file_v) else { continue };
            let search = get(ft, "search").and_then(as_str).unwrap_or(search);
            let replace = get(ft, "replace").and_then(as_str).or(replace);
            let is_regex = get(ft, "regex")
                .and_then(|v| v.get_ref().as_bool())
                .unwrap_or(is_regex);
            if replace.is_some_and(|r| rewrites_shape(search, r, is_regex)) {
                continue;
            }
            let optional = get(ft, "ignore_missing_file")
                .or_else(|| get(ft, "ignore_missing_files"))
                .and_then(|v| v.get_ref().as_bool())
                .unwrap_or(optional);
            let how = if let Some(k) = get(ft, "key_path").and_then(as_str) {
                How::Key(k.split('.').map(str::to_string).collect())
            } else if search == "{current_version}" {
                How::Auto
            } else {
                match template_regex(search, is_regex) {
                    Some(re) => How::Regex(Ok(re)),
                    // Searching for something else than the version (a date, a heading).
                    None => continue,
                }
            };
            let origin = toml_origin(path, text, file_v, &format!("{name} files entry `{file}`"));
            self.declare(origin, file, how, current.clone(), optional);
        }
    }

    // --- bumpversion / bump2version / bump-my-version (INI) -------------------------------------

    /// `[bumpversion]` and `[bumpversion:file:PATH]` sections of setup.cfg or .bumpversion.cfg.
    pub(super) fn declared_in_ini(&mut self, path: &str, text: &str) -> Result<()> {
        let (sections, entries) = ini_parse(text);
        if !sections.iter().any(|s| s.name == "bumpversion") {
            return Ok(());
        }
        let key = |section: &str, key: &str| {
            entries
                .iter()
                .find(|e| e.section == section && e.key == key)
        };
        let current = key("bumpversion", "current_version").map(|e| e.value.clone());
        if let Some(e) = key("bumpversion", "current_version") {
            let g = self.group();
            self.push(
                g,
                path,
                text,
                e.offset,
                "[bumpversion] current_version",
                &e.value,
                None,
            );
        }
        let setting = |section: &str, name: &str| {
            key(section, name)
                .or_else(|| key("bumpversion", name))
                .map(|e| {
                    // A multi-line search is its lines joined with newlines, as configparser does.
                    let mut s = e.value.clone();
                    for (c, _) in &e.cont {
                        s.push('\n');
                        s.push_str(c);
                    }
                    s
                })
        };
        for s in &sections {
            // `bumpversion:file:PATH` or `bumpversion:file(SUFFIX):PATH`; globs and parts are not files.
            let Some(rest) = s.name.strip_prefix("bumpversion:file") else {
                continue;
            };
            let Some(colon) = rest.find(':') else {
                continue;
            };
            if !(colon == 0 || rest.starts_with('(')) {
                continue;
            }
            let file = rest[colon + 1..].trim();
            if file.is_empty() {
                continue;
            }
            let search =
                setting(&s.name, "search").unwrap_or_else(|| "{current_version}".to_string());
            let replace = setting(&s.name, "replace");
            let is_regex =
                key(&s.name, "regex").is_some_and(|e| e.value.eq_ignore_ascii_case("true"));
            if replace.is_some_and(|r| rewrites_shape(&search, &r, is_regex)) {
                continue;
            }
            let how = if search == "{current_version}" {
                How::Auto
            } else {
                match template_regex(&search, is_regex) {
                    Some(re) => How::Regex(Ok(re)),
                    None => continue,
                }
            };
            let at = s.offset + s.name.find(file).unwrap_or(0);
            let (line, column) = line_col(text, at);
            let origin = Origin {
                path: path.to_string(),
                line,
                column,
                what: format!("[{}] in {path}", s.name),
            };
            self.declare(origin, file, how, current.clone(), false);
        }
        Ok(())
    }

    // --- commitizen ---------------------------------------------------------------------------

    fn commitizen_toml(&mut self, path: &str, text: &str, t: &DeTable<'_>) {
        let provider = get(t, "version_provider")
            .and_then(as_str)
            .unwrap_or("commitizen");
        let record = get(t, "version").filter(|_| provider == "commitizen");
        let current = record.and_then(as_str).map(str::to_string);
        if let Some(v) = record {
            self.record_toml(path, text, v, "[tool.commitizen] version");
        }
        let files = get(t, "version_files").and_then(|f| f.get_ref().as_array());
        for f in files.into_iter().flat_map(|a| a.iter()) {
            let Some(entry) = as_str(f) else { continue };
            let origin = toml_origin(
                path,
                text,
                f,
                &format!("[tool.commitizen] version_files entry `{entry}`"),
            );
            self.commitizen_entry(origin, entry, current.clone());
        }
    }

    fn commitizen_json(&mut self, path: &str, doc: &JsonDoc<'_>) {
        let Some(cz) = doc.find(&["commitizen"]).pop() else {
            return;
        };
        let entries = cz.entries(doc).unwrap_or_default();
        let value = |k: &str| {
            entries
                .iter()
                .rev()
                .find(|(key, _)| key == k)
                .map(|(_, v)| *v)
        };
        let provider = value("version_provider")
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| "commitizen".into());
        let mut current = None;
        if provider == "commitizen"
            && let Some(v) = value("version")
        {
            current = v.as_str();
            let g = self.group();
            self.json_at(g, path, doc, v, "commitizen.version");
        }
        for f in value("version_files")
            .and_then(|v| v.items(doc))
            .unwrap_or_default()
        {
            let Some(entry) = f.as_str() else { continue };
            let origin = json_origin(
                path,
                doc,
                &f,
                &format!("commitizen version_files entry `{entry}`"),
            );
            self.commitizen_entry(origin, &entry, current.clone());
        }
    }

    /// `path` or `path:regex`.
    fn commitizen_entry(&mut self, origin: Origin, entry: &str, current: Option<String>) {
        let (file, how) = match entry.split_once(':') {
            Some((file, regex)) if !regex.is_empty() => (file, How::Lines(regex.to_string())),
            Some((file, _)) => (file, How::Auto),
            None => (entry, How::Auto),
        };
        self.declare(origin, file, how, current, false);
    }

    // --- tbump --------------------------------------------------------------------------------

    fn tbump(&mut self, path: &str, text: &str, t: &DeTable<'_>, name: &str) {
        let record = path_get(t, &["version", "current"]);
        let current = record.and_then(as_str).map(str::to_string);
        if let Some(v) = record {
            self.record_toml(path, text, v, &format!("{name} [version] current"));
        }
        let files = get(t, "file").and_then(|f| f.get_ref().as_array());
        for f in files.into_iter().flat_map(|a| a.iter()) {
            let Some(ft) = f.get_ref().as_table() else {
                continue;
            };
            let Some(src_v) = get(ft, "src") else {
                continue;
            };
            let Some(src) = as_str(src_v) else { continue };
            let how = match get(ft, "search").and_then(as_str) {
                // tbump's search is a regex in which `{current_version}` stands for the version.
                Some(search) => match template_regex(search, true) {
                    Some(re) => How::Regex(Ok(re)),
                    None => continue,
                },
                None => How::Auto,
            };
            let origin = toml_origin(path, text, src_v, &format!("{name} [[file]] `{src}`"));
            self.declare(origin, src, how, current.clone(), false);
        }
    }

    // --- python-semantic-release ----------------------------------------------------------------

    fn semantic_release(&mut self, path: &str, text: &str, t: &DeTable<'_>) {
        for (key, toml_keys) in [("version_variables", false), ("version_toml", true)] {
            let list = get(t, key).and_then(|f| f.get_ref().as_array());
            for f in list.into_iter().flat_map(|a| a.iter()) {
                let Some(entry) = as_str(f) else { continue };
                // `path:NAME` (v9 adds `:nf`/`:tf`, the number format); `path:a.b.c`.
                let mut parts = entry.splitn(3, ':');
                let (Some(file), Some(what)) = (parts.next(), parts.next()) else {
                    continue;
                };
                if what.is_empty() {
                    continue;
                }
                let how = if toml_keys {
                    How::Key(what.split('.').map(str::to_string).collect())
                } else {
                    How::Variable(what.to_string())
                };
                let origin = toml_origin(
                    path,
                    text,
                    f,
                    &format!("[tool.semantic_release] {key} entry `{entry}`"),
                );
                self.declare(origin, file, how, None, false);
            }
        }
    }

    // --- rooster --------------------------------------------------------------------------------

    fn rooster(&mut self, path: &str, text: &str, t: &DeTable<'_>) {
        let list = get(t, "version_files").and_then(|f| f.get_ref().as_array());
        for f in list.into_iter().flat_map(|a| a.iter()) {
            // `{ target = "...", replace = "next release" }` marks a placeholder, not a version.
            let Some(file) = as_str(f) else { continue };
            let origin = toml_origin(
                path,
                text,
                f,
                &format!("[tool.rooster] version_files entry `{file}`"),
            );
            self.declare(origin, file, How::Auto, None, false);
        }
    }

    // --- release-please -------------------------------------------------------------------------

    /// `release-please-config.json` and `.release-please-manifest.json`, at the repository
    /// root, keyed by package directory (`.` for the root package).
    fn release_please(&mut self) -> Result<()> {
        let key = if self.dir.is_empty() {
            ".".to_string()
        } else {
            self.dir.clone()
        };
        let manifest = ".release-please-manifest.json";
        let mut current = None;
        if let Some(text) = self.text(manifest)? {
            let doc = parse_json(manifest, &text)?;
            if let Some(v) = doc.find(&[&key]).pop() {
                current = v.as_str();
                let g = self.group();
                self.json_at(g, manifest, &doc, v, &format!("\"{key}\""));
            }
        }
        let config = "release-please-config.json";
        let Some(text) = self.text(config)? else {
            return Ok(());
        };
        let doc = parse_json(config, &text)?;
        let mut lists = doc.find(&["extra-files"]);
        lists.extend(doc.find(&["packages", &key, "extra-files"]));
        for list in lists {
            for item in list.items(&doc).unwrap_or_default() {
                self.release_please_entry(config, &doc, &item, current.clone());
            }
        }
        Ok(())
    }

    fn release_please_entry(
        &mut self,
        config: &str,
        doc: &JsonDoc<'_>,
        item: &JsonValue<'_>,
        current: Option<String>,
    ) {
        // Paths are relative to the package's directory.
        let base = self.dir.clone();
        let (file, how, at) = if let Some(file) = item.as_str() {
            (file, How::Annotated, *item)
        } else {
            let entries = item.entries(doc).unwrap_or_default();
            let value = |k: &str| {
                entries
                    .iter()
                    .rev()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| *v)
            };
            let Some(path_v) = value("path") else { return };
            let Some(file) = path_v.as_str() else { return };
            let kind = value("type")
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| "generic".into());
            let how = match kind.as_str() {
                "generic" => How::Annotated,
                "json" | "toml" | "yaml" => {
                    let Some(keys) = value("jsonpath")
                        .and_then(|v| v.as_str())
                        .and_then(|j| jsonpath_keys(&j))
                    else {
                        return;
                    };
                    How::Key(keys)
                }
                // xml, pom and the rest are not read.
                _ => return,
            };
            (file, how, path_v)
        };
        let origin = json_origin(
            config,
            doc,
            &at,
            &format!("release-please extra-files entry `{file}`"),
        );
        if is_glob(&file) {
            return;
        }
        self.declared.push(Declaration {
            origin,
            path: resolve(&base, &file),
            file,
            how,
            current,
            optional: false,
        });
    }

    /// A JSON string value as a version source.
    fn json_at(
        &mut self,
        group: usize,
        path: &str,
        doc: &JsonDoc<'_>,
        v: JsonValue<'_>,
        kind: &str,
    ) {
        let text = doc_text(doc);
        match v.as_str() {
            Some(s) => self.push(group, path, text, v.offset + 1, kind, &s, None),
            None => self.invalid_type(path, text, v.offset, kind, v.type_name()),
        }
    }
}

fn doc_text<'t>(doc: &JsonDoc<'t>) -> &'t str {
    doc.text()
}

/// `$.a.b` (or `$["a"]`-free dotted forms) as keys; anything fancier is not read.
fn jsonpath_keys(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix("$.")?;
    let keys: Vec<String> = rest.split('.').map(str::to_string).collect();
    keys.iter()
        .all(|k| !k.is_empty() && !k.contains(['[', ']', '*', '?', '@', '(', ')']))
        .then_some(keys)
}

fn json_origin(path: &str, doc: &JsonDoc<'_>, v: &JsonValue<'_>, what: &str) -> Origin {
    let at = v.offset + usize::from(v.raw.starts_with('"'));
    let (line, column) = line_col(doc.text(), at);
    Origin {
        path: path.to_string(),
        line,
        column,
        what: format!("{what} in {path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn jsonpaths() {
        assert_eq!(jsonpath_keys("$.version"), Some(vec!["version".into()]));
        assert_eq!(jsonpath_keys("$.a.b"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(jsonpath_keys("$..version"), None);
        assert_eq!(jsonpath_keys("$.a[0]"), None);
        assert_eq!(jsonpath_keys("version"), None);
    }

    #[test]
    fn commitizen_version_files() {
        let py = "[project]\nname = \"cz\"\nversion = \"4.17.0\"\n[tool.commitizen]\nversion_provider = \"uv\"\nversion_files = [\n    \"cz/__version__.py\",\n    \".pre-commit-config.yaml:rev:.+Commitizen\",\n    \"missing.txt\",\n    \"docs/*.md\",\n]\n";
        let s = run(&[
            ("pyproject.toml", py),
            ("cz/__version__.py", "__version__ = \"4.16.0\"\n"),
            (
                ".pre-commit-config.yaml",
                "repos:\n  - repo: x\n    rev: v4.17.0 # automatically updated by Commitizen\n  - repo: y\n    rev: v1.0.0\n",
            ),
        ]);
        assert_eq!(
            found(&s),
            [
                f("pyproject.toml", 3, 12, "[project].version", "4.17.0"),
                f("cz/__version__.py", 1, 16, "__version__", "4.16.0"),
                f(".pre-commit-config.yaml", 3, 11, "version_files", "4.17.0"),
            ]
        );
        assert_eq!(
            diags(&s),
            [(
                "version-not-found",
                "pyproject.toml".into(),
                Some(9),
                Some(6)
            )]
        );
        assert!(
            s.diagnostics[0]
                .message
                .contains("missing.txt does not exist"),
            "{}",
            s.diagnostics[0].message
        );
        // The default provider keeps the version in the table.
        let s = run(&[
            (
                "pyproject.toml",
                "[tool.commitizen]\nversion = \"1.0.0\"\nversion_files = [\"VERSION\"]\n",
            ),
            ("VERSION", "1.0.0\n"),
        ]);
        assert_eq!(
            found(&s),
            [
                f(
                    "pyproject.toml",
                    2,
                    12,
                    "[tool.commitizen] version",
                    "1.0.0"
                ),
                f("VERSION", 1, 1, "first line", "1.0.0"),
            ]
        );
        let s = run(&[
            (
                ".cz.json",
                "{\"commitizen\": {\"version\": \"2.0.0\", \"version_files\": [\"src/a.py:^VER\"]}}",
            ),
            ("src/a.py", "VER = '2.0.1'\n"),
        ]);
        assert_eq!(
            found(&s),
            [
                f(".cz.json", 1, 29, "commitizen.version", "2.0.0"),
                f("src/a.py", 1, 8, "version_files", "2.0.1"),
            ]
        );
    }

    #[test]
    fn bump_my_version_toml_and_ini() {
        let py = "[project]\nversion = \"1.2.0\"\n[tool.bumpversion]\ncurrent_version = \"1.2.0\"\n[[tool.bumpversion.files]]\nfilename = \"src/pkg/__init__.py\"\n[[tool.bumpversion.files]]\nfilename = \"README.md\"\nsearch = \"pkg=={current_version}\"\n[[tool.bumpversion.files]]\nfilename = \"CHANGELOG.md\"\nsearch = \"Unreleased\"\n";
        let s = run(&[
            ("pyproject.toml", py),
            ("src/pkg/__init__.py", "__version__ = '1.2.0'\n"),
            ("README.md", "pip install pkg==1.1.0\nother==1.2.0\n"),
        ]);
        assert_eq!(
            found(&s),
            [
                f("pyproject.toml", 2, 12, "[project].version", "1.2.0"),
                f(
                    "pyproject.toml",
                    4,
                    20,
                    "[tool.bumpversion] current_version",
                    "1.2.0"
                ),
                f("src/pkg/__init__.py", 1, 16, "__version__", "1.2.0"),
                f("README.md", 1, 18, "search", "1.1.0"),
            ]
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let cfg = "[bumpversion]\ncurrent_version = 0.9.11\ncommit = True\n\n[bumpversion:file:cz/__version__.py]\n\n[bumpversion:file:setup.py]\nsearch = version=\"{current_version}\"\n\n[bumpversion:file(note):NOTES.txt]\n[bumpversion:glob:docs/*.md]\n[bumpversion:part:release]\nvalues = a\n";
        let s = run(&[
            (".bumpversion.cfg", cfg),
            ("cz/__version__.py", "__version__ = \"0.9.10\"\n"),
            ("setup.py", "setup(name='cz', version=\"0.9.11\")\n"),
            ("NOTES.txt", "nothing here\n"),
        ]);
        assert_eq!(
            found(&s),
            [
                f("setup.py", 1, 27, "setup(version=...)", "0.9.11"),
                // Found by the package name setup.py gives, before the declaration reads it.
                f("cz/__version__.py", 1, 16, "__version__", "0.9.10"),
                f(
                    ".bumpversion.cfg",
                    2,
                    19,
                    "[bumpversion] current_version",
                    "0.9.11"
                ),
            ]
        );
        assert_eq!(
            diags(&s),
            [(
                "version-not-found",
                ".bumpversion.cfg".into(),
                Some(10),
                Some(25)
            )]
        );
        assert!(
            s.diagnostics[0]
                .message
                .contains("NOTES.txt does not hold the current version 0.9.11"),
            "{}",
            s.diagnostics[0].message
        );
        // A search the replacement rewrites into another shape (bump-my-version's own
        // changelog compare link) is gone after the bump: no source, in either file. The same
        // search with a replacement of its shape still is one.
        let link = "[[tool.bumpversion.files]]\nfilename = \"CHANGELOG.md\"\nsearch = \"{current_version}...HEAD\"\n";
        for (cfg, name) in [
            (
                format!("[tool.bumpversion]\ncurrent_version = \"1.8.1\"\n{link}replace = \"{{current_version}}...{{new_version}}\"\n"),
                "pyproject.toml",
            ),
            (
                "[bumpversion]\ncurrent_version = 1.8.1\n[bumpversion:file:CHANGELOG.md]\nsearch = {current_version}...HEAD\nreplace = {current_version}...{new_version}\n".to_string(),
                ".bumpversion.cfg",
            ),
        ] {
            let s = run(&[(name, &cfg), ("CHANGELOG.md", "compare/1.8.0...1.8.1\n")]);
            assert_eq!(found(&s).len(), 1, "{name}: {:?}", found(&s));
            assert!(s.diagnostics.is_empty(), "{name}: {:?}", s.diagnostics);
        }
        let cfg = format!(
            "[tool.bumpversion]\ncurrent_version = \"1.8.1\"\n{link}replace = \"{{new_version}}...HEAD\"\n"
        );
        let s = run(&[
            ("pyproject.toml", &cfg),
            ("CHANGELOG.md", "compare/1.8.0...1.8.1\n"),
        ]);
        assert_eq!(diags(&s).len(), 1, "{:?}", s.diagnostics);
    }

    #[test]
    fn tbump_semantic_release_rooster() {
        let s = run(&[
            (
                "tbump.toml",
                "[version]\ncurrent = \"0.3.0\"\nregex = '''(?P<major>\\d+)'''\n[[file]]\nsrc = \"pkg/version.txt\"\nsearch = 'v{current_version}$'\n",
            ),
            ("pkg/version.txt", "v0.3.0\n"),
        ]);
        assert_eq!(
            found(&s),
            [
                f("tbump.toml", 2, 12, "tbump.toml [version] current", "0.3.0"),
                f("pkg/version.txt", 1, 2, "search", "0.3.0"),
            ]
        );
        let py = "[project]\nname = \"x\"\nversion = \"2.0.0\"\n[tool.semantic_release]\nversion_variables = [\"docs/conf.py:release\", \"x/__init__.py:__version__:nf\"]\nversion_toml = [\"other.toml:tool.x.version\"]\n[tool.rooster]\nversion_files = [\"crates/x/Cargo.toml\", { target = \"env.rs\", replace = \"next release\" }]\n";
        let s = run(&[
            ("pyproject.toml", py),
            ("docs/conf.py", "project = 'x'\nrelease = \"2.0.0\"\n"),
            ("x/__init__.py", "__version__ = '2.0.0'\n"),
            ("other.toml", "[tool.x]\nversion = \"1.9.0\"\n"),
            (
                "crates/x/Cargo.toml",
                "[package]\nversion = \"2.0.0\"\n[dependencies]\ny = \"2.0.0\"\n",
            ),
        ]);
        assert_eq!(
            found(&s),
            [
                f("pyproject.toml", 3, 12, "[project].version", "2.0.0"),
                f("x/__init__.py", 1, 16, "__version__", "2.0.0"),
                f("docs/conf.py", 2, 12, "release", "2.0.0"),
                f("other.toml", 2, 12, "[tool.x].version", "1.9.0"),
                f("crates/x/Cargo.toml", 2, 12, "[package].version", "2.0.0"),
            ]
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        // The separators python-semantic-release reads: `==`, a space after a comment mark
        // (its own docs' `uses: ...@COMMIT_HASH  # v10.7.0`), a type annotation.
        let py = "[tool.semantic_release]\nversion_variables = [\"req.txt:psr\", \"a.rst:psr@HASH  #:tf\", \"t.py:V\"]\n";
        let s = run(&[
            ("pyproject.toml", py),
            ("req.txt", "psr == 10.7.0\n"),
            ("a.rst", "uses: psr@HASH  # v10.7.0\n"),
            ("t.py", "V: Final[str] = \"10.7.0\"\n"),
        ]);
        assert_eq!(
            found(&s),
            [
                f("req.txt", 1, 8, "psr", "10.7.0"),
                f("a.rst", 1, 20, "psr@HASH  #", "10.7.0"),
                f("t.py", 1, 18, "V", "10.7.0"),
            ]
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    }

    #[test]
    fn release_please() {
        let s = run(&[
            (
                ".release-please-manifest.json",
                "{\".\": \"1.4.0\", \"pkg/a\": \"0.1.0\"}",
            ),
            (
                "release-please-config.json",
                "{\"packages\": {\".\": {\"extra-files\": [\"src/v.go\", {\"type\": \"json\", \"path\": \"app.json\", \"jsonpath\": \"$.meta.version\"}, {\"type\": \"xml\", \"path\": \"pom.xml\"}, \"none.txt\"]}}}",
            ),
            (
                "src/v.go",
                "package v\n\nconst Version = \"1.4.0\" // x-release-please-version\nconst Other = \"9.9.9\"\n",
            ),
            ("app.json", "{\"meta\": {\"version\": \"1.3.0\"}}"),
            ("none.txt", "1.4.0\n"),
        ]);
        assert_eq!(
            found(&s),
            [
                f(".release-please-manifest.json", 1, 8, "\".\"", "1.4.0"),
                f("src/v.go", 3, 18, "x-release-please-version", "1.4.0"),
                f("app.json", 1, 23, "meta.version", "1.3.0"),
            ]
        );
        assert_eq!(diags(&s)[0].0, "version-not-found");
        assert!(
            s.diagnostics[0]
                .message
                .contains("none.txt has no line marked"),
            "{}",
            s.diagnostics[0].message
        );
    }
}
