//! Declared sources: the files a project lists for its bump tool, read the way that tool
//! reads them (its search pattern, variable or key where it gives one).
//!
//! The tools' configurations are read in `bump_tools` into [`Declaration`]s; this module reads
//! the declared files once every other source is known, because a file declared without a
//! pattern is read by its kind (pyproject.toml by key, a `.py` module's `__version__`, ...)
//! and, when relgate has no parser for it (README.md, docs), the way the tool updates it: it
//! must hold the current version (the tool's own record, else the project's first source) as
//! a whole token. A declaration that yields nothing is `version-not-found` at the line that
//! declared it.

use regex::Regex;

use super::configured::ecosystem_of;
use super::json::parse_json;
use super::toml_doc::{parse_toml, parse_toml_for, path_get};
use super::{Collector, Origin, clip};
use crate::error::Result;
use crate::version::Ecosystem;

/// How a declared file is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum How {
    /// By the file's kind; an unknown kind must hold the current version.
    Auto,
    /// A regex with a `version` group (a bump-my-version `search` or tbump `search` turned
    /// into one). `None`: the tool's pattern could not be turned into a Rust regex (the
    /// reason).
    Regex(std::result::Result<String, String>),
    /// commitizen's `path:regex`: on each line the regex matches, the version there.
    Lines(String),
    /// semantic-release's `version_variables`: `NAME = "1.2.0"`, `NAME: 1.2.0`, `NAME == 1.2.0`,
    /// `NAME @ v1.2.0` or `NAME 1.2.0`, as python-semantic-release matches them.
    Variable(String),
    /// A key path in a TOML, JSON or YAML file.
    Key(Vec<String>),
    /// release-please's generic updater: lines marked `x-release-please-version` and the
    /// lines between `x-release-please-start-version` and `x-release-please-end`.
    Annotated,
}

/// One declared file.
#[derive(Debug, Clone)]
pub(super) struct Declaration {
    /// Where it was declared, and by which tool's setting.
    pub(super) origin: Origin,
    /// The file as written in the declaration.
    pub(super) file: String,
    /// The repository path: `file` from the declaring file's directory (`None`: it leaves the
    /// repository).
    pub(super) path: Option<String>,
    pub(super) how: How,
    /// The version the declaring tool records as current, if it keeps one.
    pub(super) current: Option<String>,
    /// The tool skips a missing file (bump-my-version `ignore_missing_files`).
    pub(super) optional: bool,
}

/// The version pattern put in place of `{current_version}`: a version-like token, which the
/// comparison then judges.
pub(super) const VERSION_TOKEN: &str = r"[0-9](?:[0-9A-Za-z.+!_-]*[0-9A-Za-z])?";

impl Collector<'_> {
    /// Reads every declared file, in the order declared. A file named by two declarations of
    /// one tool is read twice (two search patterns); a value found at a spot already read is
    /// one value.
    pub(super) fn declared_files(&mut self) -> Result<()> {
        let declarations = std::mem::take(&mut self.declared);
        // The project's version for declarations whose tool keeps no record (rooster,
        // commitizen with a pep621 provider): the first source found.
        let project = self.candidates.first().map(|c| c.raw.clone());
        for d in &declarations {
            self.read_declared(d, project.as_deref())?;
        }
        Ok(())
    }

    fn read_declared(&mut self, d: &Declaration, project: Option<&str>) -> Result<()> {
        let Some(path) = d.path.clone() else {
            self.not_found(
                &d.origin,
                format!(
                    "`{}` is not a path inside the repository",
                    clip(&d.file, 80)
                ),
            );
            return Ok(());
        };
        if self.excluded(&path) {
            return Ok(());
        }
        // A structured file already read as a source (the root pyproject.toml, maturin's
        // Cargo.toml) holds nothing new for a declaration that reads it by kind: its values are
        // found, and a second read would only cost a lookup and a parse.
        let by_kind = matches!(d.how, How::Auto | How::Regex(_) | How::Lines(_));
        if by_kind && is_structured(&path) && self.visited.contains(&path) {
            return Ok(());
        }
        let Some(text) = self.text(&path)? else {
            if !d.optional {
                self.not_found(&d.origin, format!("{path} does not exist"));
            }
            return Ok(());
        };
        let current = d.current.as_deref().or(project);
        let eco = ecosystem_of(&path);
        let g = self.group();
        // A structured file is read by key whatever the tool searches for in it: a line of
        // pyproject.toml that matches `version` may be a dependency's marker
        // (`python_version < '3.11'`), never the project's version.
        let how = match &d.how {
            How::Regex(_) | How::Lines(_) if is_structured(&path) => &How::Auto,
            how => how,
        };
        let why = match how {
            How::Auto => self.read_by_kind(g, &path, &text, current)?,
            How::Regex(Err(e)) => Some(e.clone()),
            How::Regex(Ok(pattern)) => match cached_regex(pattern) {
                Ok(re) => {
                    let hits: Vec<(usize, &str)> = re
                        .captures_iter(&text)
                        .filter_map(|c| c.name("version"))
                        .map(|m| (m.start(), m.as_str()))
                        .collect();
                    self.push_hits(g, &path, &text, "search", hits, current, eco)
                        .err()
                        .map(|why| format!("in {path}, the search pattern finds {why}"))
                }
                Err(e) => Some(format!(
                    "its search pattern is no regex relgate can read ({})",
                    clip(&e.to_string(), 200)
                )),
            },
            How::Lines(pattern) => match cached_regex(pattern) {
                Ok(re) => {
                    let mut hits = Vec::new();
                    let mut offset = 0;
                    for line in text.split_inclusive('\n') {
                        // The token first: most lines hold none, and it costs far less
                        // than the regex.
                        if let Some(r) = pick_token(line, current)
                            && re.is_match(line)
                        {
                            hits.push((offset + r.start, &line[r]));
                        }
                        offset += line.len();
                    }
                    self.push_hits(g, &path, &text, "version_files", hits, current, eco)
                        .err()
                        .map(|why| {
                            format!(
                                "in {path}, the lines matching `{}` hold {why}",
                                clip(pattern, 80)
                            )
                        })
                }
                Err(e) => Some(format!(
                    "`{}` is no regex relgate can read ({})",
                    clip(pattern, 80),
                    clip(&e.to_string(), 200)
                )),
            },
            How::Variable(name) => {
                // As python-semantic-release matches it: an optional type annotation, then
                // `:=`, `==`, `:`, `=`, `@` or a space (a C macro's), within up to 8 blanks.
                let pattern = format!(
                    r#"(?m)(?:^|[^\w.-])['"]?{}['"]?(?:[ \t]{{0,8}}:[ \t]{{0,8}}[^\s=:][^=:\n]{{0,100}})?[ \t]{{0,8}}(?::=|==|[:=@ ])[ \t]{{0,8}}['"]?v?(?P<version>{VERSION_TOKEN})"#,
                    regex::escape(name)
                );
                match cached_regex(&pattern) {
                    Ok(re) => {
                        let mut n = 0;
                        for caps in re.captures_iter(&text) {
                            if let Some(m) = caps.name("version") {
                                self.push(g, &path, &text, m.start(), name, m.as_str(), eco);
                                n += 1;
                            }
                        }
                        (n == 0).then(|| format!("{path} assigns no version to `{name}`"))
                    }
                    Err(e) => Some(format!("cannot search for `{name}` ({e})")),
                }
            }
            How::Key(keys) => {
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                let n = self.read_key(g, &path, &text, &keys, eco)?;
                (n == 0).then(|| format!("{path} has no key `{}`", keys.join(".")))
            }
            How::Annotated => {
                let n = self.read_annotated(g, &path, &text, eco);
                (n == 0).then(|| {
                    format!(
                        "{path} has no line marked `x-release-please-version` that holds a version"
                    )
                })
            }
        };
        if let Some(why) = why {
            self.not_found(&d.origin, why);
        }
        Ok(())
    }

    /// The values a search pattern found, as the tool sees them: it rewrites the current
    /// version where the pattern finds it and fails where it finds no current version. So the
    /// matches holding the current version are the source; without any, one value found is
    /// the file's (drifted) version; several different ones, or none, are no version at all:
    /// `Err` says what was found, for the `version-not-found` message.
    #[allow(clippy::too_many_arguments)]
    fn push_hits(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        kind: &str,
        hits: Vec<(usize, &str)>,
        current: Option<&str>,
        eco: Option<Ecosystem>,
    ) -> std::result::Result<(), String> {
        let at_current: Vec<&(usize, &str)> =
            hits.iter().filter(|(_, v)| Some(*v) == current).collect();
        let chosen: Vec<&(usize, &str)> = if !at_current.is_empty() {
            at_current
        } else {
            let mut distinct: Vec<&str> = hits.iter().map(|(_, v)| *v).collect();
            distinct.sort_unstable();
            distinct.dedup();
            match (distinct.len(), current) {
                (0, _) => return Err("no version".to_string()),
                (1, _) | (_, None) => hits.iter().collect(),
                (n, Some(c)) => {
                    return Err(format!(
                        "{n} different versions, none of them the current version {}",
                        clip(c, 80)
                    ));
                }
            }
        };
        for (at, v) in chosen {
            self.push(group, path, text, *at, kind, v, eco);
        }
        Ok(())
    }

    /// A key path in a TOML, JSON or YAML file, by extension. Returns how many values.
    fn read_key(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        keys: &[&str],
        eco: Option<Ecosystem>,
    ) -> Result<usize> {
        let ext = path
            .rsplit_once('.')
            .map_or("", |(_, e)| e)
            .to_ascii_lowercase();
        Ok(match ext.as_str() {
            "toml" => {
                let root = parse_toml_for(path, text, keys)?;
                match path_get(&root, keys) {
                    Some(v) => {
                        self.toml_version(group, path, text, v, &toml_kind(keys), eco);
                        1
                    }
                    None => 0,
                }
            }
            "json" => {
                let doc = parse_json(path, text)?;
                self.json_values(group, path, &doc, keys, &keys.join("."), eco)
            }
            "yaml" | "yml" | "cff" => {
                self.yaml_values(group, path, text, keys, &keys.join("."), eco)?
            }
            _ => 0,
        })
    }

    /// A declared file read by its kind. `Some(why)` when it yields nothing.
    fn read_by_kind(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        current: Option<&str>,
    ) -> Result<Option<String>> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let eco = ecosystem_of(path);
        const PYPROJECT: &[&[&str]] = &[&["project", "version"], &["tool", "poetry", "version"]];
        const CARGO: &[&[&str]] = &[
            &["package", "version"],
            &["workspace", "package", "version"],
        ];
        const TOP: &[&[&str]] = &[&["version"]];
        let structured: Option<&[&[&str]]> = match name {
            "pyproject.toml" => Some(PYPROJECT),
            "Cargo.toml" => Some(CARGO),
            "package.json" | "package-lock.json" | "CITATION.cff" | "Chart.yaml" => Some(TOP),
            _ => None,
        };
        if let Some(alternatives) = structured {
            if name == "Cargo.toml"
                && let Ok(root) = parse_toml(path, text)
                && path_get(&root, &["package", "version"])
                    .is_some_and(super::toml_doc::inherits_workspace)
            {
                // The workspace's version, read where the workspace is.
                return Ok(None);
            }
            for keys in alternatives {
                if self.read_key(group, path, text, keys, eco)? > 0 {
                    return Ok(None);
                }
            }
            return Ok(Some(format!("{path} has no version key")));
        }
        if name == "setup.py" {
            if self.setup_py_version(group, path, text) > 0 {
                return Ok(None);
            }
        } else if name == "setup.cfg" {
            let entries = super::ini::ini_entries(text);
            if let Some(e) = entries
                .iter()
                .find(|e| e.section == "metadata" && e.key == "version" && !e.value.is_empty())
            {
                self.push(
                    group,
                    path,
                    text,
                    e.offset,
                    "[metadata].version",
                    &e.value,
                    eco,
                );
                return Ok(None);
            }
        } else if name.ends_with(".py") {
            for var in ["__version__", "VERSION", "version"] {
                if self.py_assignments(group, path, text, var)? > 0 {
                    return Ok(None);
                }
            }
        } else if matches!(name, "VERSION" | "VERSION.txt" | "version.txt") {
            if self.first_line(group, path, text, "first line", None) {
                return Ok(None);
            }
            return Ok(Some(format!("{path} is empty")));
        }
        // Anything else is text the tool updates by replacing the current version.
        let Some(current) = current else {
            return Ok(None);
        };
        let mut n = 0;
        for at in whole_token_matches(text, current) {
            self.push(group, path, text, at, "current version", current, eco);
            n += 1;
        }
        Ok((n == 0).then(|| {
            format!(
                "{path} does not hold the current version {}",
                clip(current, 80)
            )
        }))
    }

    /// release-please's generic updater. Returns how many values.
    fn read_annotated(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        eco: Option<Ecosystem>,
    ) -> usize {
        let mut n = 0;
        let mut offset = 0;
        let mut in_block = false;
        for line in text.split_inclusive('\n') {
            let marked = line.contains("x-release-please-version");
            if line.contains("x-release-please-start-version") {
                in_block = true;
            } else if line.contains("x-release-please-end") {
                in_block = false;
            } else if (marked || in_block)
                && let Some(r) = pick_token(line, None)
            {
                self.push(
                    group,
                    path,
                    text,
                    offset + r.start,
                    "x-release-please-version",
                    &line[r],
                    eco,
                );
                n += 1;
            }
            offset += line.len();
        }
        n
    }
}

/// A file relgate reads by key (or as Python tokens), never by a line pattern.
fn is_structured(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        name,
        "pyproject.toml"
            | "Cargo.toml"
            | "package.json"
            | "package-lock.json"
            | "setup.cfg"
            | "setup.py"
            | "CITATION.cff"
            | "Chart.yaml"
    )
}

/// How a TOML key is named in messages, as the auto-detected sources name theirs:
/// `[package].version`, `[tool.x].version`, `version`.
fn toml_kind(keys: &[&str]) -> String {
    match keys.split_last() {
        Some((last, init)) if !init.is_empty() => format!("[{}].{last}", init.join(".")),
        _ => keys.join("."),
    }
}

/// A declared pattern, compiled once per thread: an audit reads the same declarations at
/// every tagged commit, and compiling a regex costs more than reading the file it searches.
fn cached_regex(pattern: &str) -> std::result::Result<Regex, regex::Error> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
    }
    if let Some(re) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let re = Regex::new(pattern)?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        // Declarations are few; a hostile list of patterns must not grow it without bound.
        if c.len() >= 64 {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    });
    Ok(re)
}

/// Is this byte part of a version token?
fn in_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_' | b'!')
}

/// The version-like tokens of a line: a digit not preceded by a letter, digit or `.` (a
/// leading `v` is allowed and left out), running over letters, digits and `.+-_!`, ending on a
/// letter or digit, and holding a `.`: `4.17.0` in `rev: v4.17.0`, `0.12.5` in `uv==0.12.5`,
/// not `3.12` in `python3.12`.
pub(super) fn version_tokens(line: &str) -> Vec<std::ops::Range<usize>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            && match i.checked_sub(1).map(|p| b[p]) {
                None => true,
                Some(b'v' | b'V') => {
                    i < 2 || !(b[i - 2].is_ascii_alphanumeric() || b[i - 2] == b'.')
                }
                Some(p) => !(p.is_ascii_alphanumeric() || p == b'.'),
            };
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && in_token(b[i]) {
            i += 1;
        }
        let mut end = i;
        while end > start && !b[end - 1].is_ascii_alphanumeric() {
            end -= 1;
        }
        if line[start..end].contains('.') {
            out.push(start..end);
        }
    }
    out
}

/// The version on a line: the current one if the line holds it, else the first.
fn pick_token(line: &str, current: Option<&str>) -> Option<std::ops::Range<usize>> {
    let tokens = version_tokens(line);
    current
        .and_then(|c| tokens.iter().find(|r| &line[(*r).clone()] == c).cloned())
        .or_else(|| tokens.first().cloned())
}

/// Offsets of `version` in `text` as a whole token (not inside `11.2.3` or `1.2.30`).
pub(super) fn whole_token_matches(text: &str, version: &str) -> Vec<usize> {
    if version.is_empty() {
        return Vec::new();
    }
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices(version) {
        let before = at.checked_sub(1).map(|p| b[p]);
        let ok_before = match before {
            None => true,
            Some(b'v' | b'V') => {
                at < 2 || !(b[at - 2].is_ascii_alphanumeric() || b[at - 2] == b'.')
            }
            Some(p) => !(p.is_ascii_alphanumeric() || p == b'.'),
        };
        let end = at + version.len();
        let ok_after = match b.get(end) {
            None => true,
            Some(c) if c.is_ascii_alphanumeric() => false,
            Some(b'.' | b'-' | b'+' | b'_') => {
                !b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric)
            }
            Some(_) => true,
        };
        if ok_before && ok_after {
            out.push(at);
        }
    }
    out
}

/// A bump-my-version / tbump `search` template as a regex: `{current_version}` becomes the
/// `version` group, any other `{placeholder}` any text on the line, `{{`/`}}` a brace; the
/// rest is escaped, unless the tool reads it as a regex already. `None` when the template does
/// not name the current version (the tools then search for something else, such as a date).
pub(super) fn template_regex(search: &str, is_regex: bool) -> Option<String> {
    if !search.contains("{current_version}") {
        return None;
    }
    let mut out = String::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, out: &mut String| {
        if is_regex {
            out.push_str(literal);
        } else {
            out.push_str(&regex::escape(literal));
        }
        literal.clear();
    };
    let mut rest = search;
    let mut seen = false;
    while let Some(i) = rest.find(['{', '}']) {
        literal.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            literal.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if let Some(stripped) = tail.strip_prefix("{current_version}") {
            flush(&mut literal, &mut out);
            // Named once; a second mention must be the same text.
            if seen {
                out.push_str(VERSION_TOKEN);
            } else {
                out.push_str(&format!("(?P<version>{VERSION_TOKEN})"));
                seen = true;
            }
            rest = stripped;
        } else if tail.starts_with('{')
            && let Some(close) = tail.find('}')
        {
            flush(&mut literal, &mut out);
            out.push_str("[^\\n]*?");
            rest = &tail[close + 1..];
        } else {
            literal.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    literal.push_str(rest);
    flush(&mut literal, &mut out);
    // The tools search line by line (tbump) or with `re.MULTILINE` (bump-my-version): `^` and
    // `$` anchor at each line.
    Some(format!("(?m){out}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(line: &str) -> Vec<&str> {
        version_tokens(line).into_iter().map(|r| &line[r]).collect()
    }

    #[test]
    fn version_tokens_on_a_line() {
        assert_eq!(
            tokens("    rev: v4.17.0 # automatically updated by Commitizen"),
            ["4.17.0"]
        );
        assert_eq!(
            tokens("pip install uv==0.12.5, python3.12 and 3.13"),
            ["0.12.5", "3.13"]
        );
        assert_eq!(tokens("version 1.2.0-rc.1+b5."), ["1.2.0-rc.1+b5"]);
        assert_eq!(tokens("x1.2 v.1.2 12 a-1.0"), ["1.0"]);
        assert_eq!(tokens(""), Vec::<&str>::new());
        assert_eq!(pick_token("a 1.0 b 2.0", Some("2.0")), Some(8..11));
        assert_eq!(pick_token("a 1.0 b 2.0", Some("3.0")), Some(2..5));
    }

    #[test]
    fn whole_tokens_only() {
        let t = "1.2.3 11.2.3 1.2.30 v1.2.3 1.2.3.4 1.2.3-rc1 (1.2.3). x1.2.3 1.2.3";
        let hits: Vec<usize> = whole_token_matches(t, "1.2.3");
        assert_eq!(hits, [0, 21, 46, t.len() - 5]);
        assert!(whole_token_matches("abc", "").is_empty());
    }

    #[test]
    fn search_templates_become_regexes() {
        let re = template_regex("version = \"{current_version}\"", false).unwrap();
        assert_eq!(
            re,
            format!("(?m)version = \"(?P<version>{VERSION_TOKEN})\"")
        );
        let re = Regex::new(
            &template_regex("## [{current_version}] - {now:%Y-%m-%d} {{x}}", false).unwrap(),
        )
        .unwrap();
        let caps = re.captures("## [1.2.0] - 2024-01-31 {x}").unwrap();
        assert_eq!(&caps["version"], "1.2.0");
        let re = Regex::new(&template_regex(r"^__version__ = '{current_version}'$", true).unwrap())
            .unwrap();
        assert!(re.is_match("__version__ = '1.0.0'"));
        assert_eq!(template_regex("{now:%Y}", false), None);
        // A second mention is the same kind of text, not a second group.
        let re = template_regex("{current_version}...{current_version}", false).unwrap();
        assert!(Regex::new(&re).is_ok());
    }
}
