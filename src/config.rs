//! Configuration: where it is found and what it may say.
//!
//! Discovery looks at the work-tree root for, in order, `relgate.toml`, `.relgate.toml`,
//! `[tool.relgate]` in `pyproject.toml`, and `[workspace.metadata.relgate]` or
//! `[package.metadata.relgate]` in `Cargo.toml`; the first found wins and none is needed. Every
//! table rejects unknown keys with the file, the line and the nearest known key. This module only
//! reads; it never checks anything about the repository.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diag::Level;
use crate::error::{Error, Result};

/// The effective configuration: every key has a value, set in a file, inferred from the
/// repository (`crate::conventions`) or the default.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub tags: TagsConfig,
    pub versions: VersionsConfig,
    pub changelog: ChangelogConfig,
    pub branches: BranchesConfig,
    pub release: ReleaseConfig,
    pub rules: BTreeMap<String, RuleLevel>,
}

/// Tag grammar of §3.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grammar {
    #[default]
    Portable,
    Semver,
    Pep440,
}

impl Grammar {
    pub fn as_str(self) -> &'static str {
        match self {
            Grammar::Portable => "portable",
            Grammar::Semver => "semver",
            Grammar::Pep440 => "pep440",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TagsConfig {
    pub prefix: String,
    /// setuptools_scm `tag_regex` style: a regex with a `version` group; replaces `prefix`.
    pub pattern: Option<String>,
    pub grammar: Grammar,
    /// With the `portable` grammar, canonical PEP 440 spellings (`v1.2.0rc1`, `1.2.0.post1`) are
    /// valid too: inferred where every version source is Python (never read from a file).
    pub pep440_spellings: bool,
    pub ignore: Vec<String>,
    pub require_annotated: bool,
    pub release_branches: Vec<String>,
    /// `--all` judges tags of this version and later; older ones are history (a count).
    pub since: Option<String>,
    /// Where `prefix` / `pattern` came from when it was inferred, for messages that depend on
    /// it (`inferred from 88 tags`); `None` when it was set or is the default.
    pub inferred_from: Option<String>,
    /// The workspace member these tags belong to (`tokio-util`), whose tags are spelled its
    /// own way only (`crate::packages`); `None` for the repository's own tags.
    pub package: Option<String>,
}

impl Default for TagsConfig {
    fn default() -> Self {
        TagsConfig {
            prefix: "v".into(),
            pattern: None,
            grammar: Grammar::Portable,
            pep440_spellings: false,
            ignore: Vec::new(),
            require_annotated: true,
            release_branches: vec!["main".into(), "master".into()],
            since: None,
            inferred_from: None,
            package: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct VersionsConfig {
    pub auto_detect: bool,
    pub source: Vec<SourceConfig>,
    /// Globs of files that are never version sources (a tooling package.json).
    pub exclude: Vec<String>,
    /// In a workspace: the package whose version is checked.
    pub package: Option<String>,
}

impl Default for VersionsConfig {
    fn default() -> Self {
        VersionsConfig {
            auto_detect: true,
            source: Vec::new(),
            exclude: Vec::new(),
            package: None,
        }
    }
}

/// An extra version source: a structured key in a TOML/JSON/YAML file, or an anchored regex with
/// a `version` group for any other file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SourceConfig {
    pub path: String,
    pub pattern: Option<String>,
    pub key: Option<String>,
}

/// Version scheme of changelog headings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangelogScheme {
    #[default]
    Semver,
    Pep440,
}

impl ChangelogScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangelogScheme::Semver => "semver",
            ChangelogScheme::Pep440 => "pep440",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ChangelogConfig {
    pub path: Option<String>,
    pub format: ChangelogFormat,
    pub scheme: ChangelogScheme,
    pub extra_types: Vec<String>,
}

/// Which rules apply to the changelog: its own dialect's (`auto`), or Keep a Changelog's
/// whatever the file looks like.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangelogFormat {
    #[default]
    Auto,
    KeepAChangelog,
}

impl ChangelogFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangelogFormat::Auto => "auto",
            ChangelogFormat::KeepAChangelog => "keep-a-changelog",
        }
    }
}

/// What `guard-master-commit --history` accepts on a protected branch's first-parent chain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum History {
    /// Merge commits only.
    Merge,
    /// Merge commits, and the squash and rebase merges forges make.
    #[default]
    Reviewed,
    /// Every commit.
    Off,
}

impl History {
    pub fn as_str(self) -> &'static str {
        match self {
            History::Merge => "merge",
            History::Reviewed => "reviewed",
            History::Off => "off",
        }
    }
}

#[derive(Debug, Clone)]
pub struct BranchesConfig {
    pub protected: Vec<String>,
    pub allow_initial_commit: bool,
    pub allow_merge_commits: bool,
    pub history: History,
}

impl Default for BranchesConfig {
    fn default() -> Self {
        BranchesConfig {
            protected: vec!["main".into(), "master".into()],
            allow_initial_commit: true,
            allow_merge_commits: false,
            history: History::Reviewed,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ReleaseConfig {
    pub branches: Vec<String>,
}

impl Default for ReleaseConfig {
    fn default() -> Self {
        ReleaseConfig {
            branches: vec!["main".into(), "master".into()],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleLevel {
    Off,
    Warn,
    Error,
}

impl RuleLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleLevel::Off => "off",
            RuleLevel::Warn => "warn",
            RuleLevel::Error => "error",
        }
    }
}

impl From<RuleLevel> for Level {
    fn from(l: RuleLevel) -> Level {
        match l {
            RuleLevel::Off => Level::Off,
            RuleLevel::Warn => Level::Warn,
            RuleLevel::Error => Level::Error,
        }
    }
}

// The file's view: every key optional and spanned, so a key the file sets is known (inference
// leaves it alone) and `--show-config` can say on which line.
type Set<T> = Option<Spanned<T>>;

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    tags: FileTags,
    versions: FileVersions,
    changelog: FileChangelog,
    branches: FileBranches,
    release: FileRelease,
    rules: BTreeMap<String, Spanned<RuleLevel>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct FileTags {
    prefix: Set<String>,
    pattern: Set<String>,
    grammar: Set<Grammar>,
    ignore: Set<Vec<String>>,
    require_annotated: Set<bool>,
    release_branches: Set<Vec<String>>,
    since: Set<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct FileVersions {
    auto_detect: Set<bool>,
    source: Set<Vec<SourceConfig>>,
    exclude: Set<Vec<String>>,
    package: Set<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct FileChangelog {
    path: Set<String>,
    format: Set<ChangelogFormat>,
    scheme: Set<ChangelogScheme>,
    extra_types: Set<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct FileBranches {
    protected: Set<Vec<String>>,
    allow_initial_commit: Set<bool>,
    allow_merge_commits: Set<bool>,
    history: Set<History>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct FileRelease {
    branches: Set<Vec<String>>,
}

/// Where each key that the file sets is set: `relgate.toml:3`.
pub type Origins = BTreeMap<String, String>;

impl FileConfig {
    /// The effective configuration with defaults for what the file leaves out, and the origin
    /// of every key the file sets.
    fn resolve(self, text: &str, shown: &str) -> (Config, Origins) {
        let mut c = Config::default();
        let mut origins = Origins::new();
        let mut take = |key: &str, span: std::ops::Range<usize>| {
            let (line, _) = line_col(text, span.start);
            origins.insert(key.to_string(), format!("{shown}:{line}"));
        };
        macro_rules! set {
            ($from:expr, $key:literal, $to:expr) => {
                if let Some(v) = $from {
                    take($key, v.span());
                    $to = v.into_inner();
                }
            };
        }
        set!(self.tags.prefix, "tags.prefix", c.tags.prefix);
        if let Some(v) = self.tags.pattern {
            take("tags.pattern", v.span());
            c.tags.pattern = Some(v.into_inner());
        }
        set!(self.tags.grammar, "tags.grammar", c.tags.grammar);
        set!(self.tags.ignore, "tags.ignore", c.tags.ignore);
        set!(
            self.tags.require_annotated,
            "tags.require-annotated",
            c.tags.require_annotated
        );
        set!(
            self.tags.release_branches,
            "tags.release-branches",
            c.tags.release_branches
        );
        if let Some(v) = self.tags.since {
            take("tags.since", v.span());
            c.tags.since = Some(v.into_inner());
        }
        set!(
            self.versions.auto_detect,
            "versions.auto-detect",
            c.versions.auto_detect
        );
        set!(self.versions.source, "versions.source", c.versions.source);
        set!(
            self.versions.exclude,
            "versions.exclude",
            c.versions.exclude
        );
        if let Some(v) = self.versions.package {
            take("versions.package", v.span());
            c.versions.package = Some(v.into_inner());
        }
        if let Some(v) = self.changelog.path {
            take("changelog.path", v.span());
            c.changelog.path = Some(v.into_inner());
        }
        set!(
            self.changelog.format,
            "changelog.format",
            c.changelog.format
        );
        set!(
            self.changelog.scheme,
            "changelog.scheme",
            c.changelog.scheme
        );
        set!(
            self.changelog.extra_types,
            "changelog.extra-types",
            c.changelog.extra_types
        );
        set!(
            self.branches.protected,
            "branches.protected",
            c.branches.protected
        );
        set!(
            self.branches.allow_initial_commit,
            "branches.allow-initial-commit",
            c.branches.allow_initial_commit
        );
        set!(
            self.branches.allow_merge_commits,
            "branches.allow-merge-commits",
            c.branches.allow_merge_commits
        );
        set!(
            self.branches.history,
            "branches.history",
            c.branches.history
        );
        set!(
            self.release.branches,
            "release.branches",
            c.release.branches
        );
        for (rule, level) in self.rules {
            take(&format!("rules.{rule}"), level.span());
            c.rules.insert(rule, level.into_inner());
        }
        (c, origins)
    }
}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    /// The file (and table) it was read from; `None` when defaults apply.
    pub origin: Option<String>,
    /// Where each key got its value: the file's line, or what it was inferred from. A key
    /// absent here has its default.
    pub origins: Origins,
    /// Configuration files found after the one used, each ignored (`pyproject.toml
    /// [tool.relgate]` beside a relgate.toml): every binary warns about them.
    pub shadowed: Vec<String>,
}

impl Loaded {
    /// `[rules]` as the diagnostic layer wants it.
    pub fn overrides(&self) -> BTreeMap<String, Level> {
        self.config
            .rules
            .iter()
            .map(|(k, v)| (k.clone(), Level::from(*v)))
            .collect()
    }

    /// Whether a configuration file sets `key` (`tags.prefix`): inference must not change it.
    pub fn is_set(&self, key: &str) -> bool {
        self.origins
            .get(key)
            .is_some_and(|o| !o.starts_with(INFERRED))
    }

    /// Where `key` came from, for `--show-config`.
    pub fn origin_of(&self, key: &str) -> &str {
        self.origins.get(key).map_or("default", String::as_str)
    }

    /// Every key with its effective value (as TOML would write it) and its origin, in the
    /// order of DESIGN §2: what `--show-config` prints.
    pub fn entries(&self) -> Vec<(String, String, String)> {
        let c = &self.config;
        let s = |v: &str| serde_json::Value::from(v).to_string();
        let list = |v: &[String]| serde_json::Value::from(v.to_vec()).to_string();
        let opt = |v: &Option<String>| v.as_deref().map_or_else(|| "(not set)".into(), s);
        let grammar = if c.tags.pep440_spellings {
            format!(
                "{} (and canonical PEP 440 spellings)",
                s(c.tags.grammar.as_str())
            )
        } else {
            s(c.tags.grammar.as_str())
        };
        let mut out: Vec<(&str, String)> = vec![
            ("tags.prefix", s(&c.tags.prefix)),
            ("tags.pattern", opt(&c.tags.pattern)),
            ("tags.grammar", grammar),
            ("tags.ignore", list(&c.tags.ignore)),
            (
                "tags.require-annotated",
                c.tags.require_annotated.to_string(),
            ),
            ("tags.release-branches", list(&c.tags.release_branches)),
            ("tags.since", opt(&c.tags.since)),
            ("versions.auto-detect", c.versions.auto_detect.to_string()),
            (
                "versions.source",
                format!("{} configured", c.versions.source.len()),
            ),
            ("versions.exclude", list(&c.versions.exclude)),
            ("versions.package", opt(&c.versions.package)),
            ("changelog.path", opt(&c.changelog.path)),
            ("changelog.format", s(c.changelog.format.as_str())),
            ("changelog.scheme", s(c.changelog.scheme.as_str())),
            ("changelog.extra-types", list(&c.changelog.extra_types)),
            ("branches.protected", list(&c.branches.protected)),
            (
                "branches.allow-initial-commit",
                c.branches.allow_initial_commit.to_string(),
            ),
            (
                "branches.allow-merge-commits",
                c.branches.allow_merge_commits.to_string(),
            ),
            ("branches.history", s(c.branches.history.as_str())),
            ("release.branches", list(&c.release.branches)),
        ];
        let rules: Vec<(String, String)> = c
            .rules
            .iter()
            .map(|(k, v)| (format!("rules.{k}"), s(v.as_str())))
            .collect();
        let mut all: Vec<(String, String, String)> = out
            .drain(..)
            .map(|(k, v)| (k.to_string(), v, self.origin_of(k).to_string()))
            .collect();
        for (k, v) in rules {
            let o = self.origin_of(&k).to_string();
            all.push((k, v, o));
        }
        all
    }
}

/// How every inferred origin starts, so it is never mistaken for a file setting.
pub const INFERRED: &str = "inferred";

/// The tables other tools own in shared manifests; only the relgate part is ours to judge.
#[derive(Deserialize)]
struct PyProject {
    tool: Option<PyTool>,
}
#[derive(Deserialize)]
struct PyTool {
    relgate: Option<FileConfig>,
}
#[derive(Deserialize)]
struct CargoManifest {
    workspace: Option<CargoMeta>,
    package: Option<CargoMeta>,
}
#[derive(Deserialize)]
struct CargoMeta {
    metadata: Option<CargoMetadata>,
}
#[derive(Deserialize)]
struct CargoMetadata {
    relgate: Option<FileConfig>,
}

fn loaded(file: FileConfig, text: &str, shown: &str, origin: String) -> Loaded {
    let (config, origins) = file.resolve(text, shown);
    Loaded {
        config,
        origin: Some(origin),
        origins,
        shadowed: Vec::new(),
    }
}

/// Reads an explicit `--config FILE`. A `pyproject.toml` or `Cargo.toml` is read at its relgate
/// table; any other file is a relgate.toml.
pub fn load_file(path: &Path, known_rules: &[&str]) -> Result<Loaded> {
    let text = read_text(path)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let shown = path.display().to_string();
    let loaded = match name {
        "pyproject.toml" => from_pyproject(&text, &shown)?.unwrap_or_default(),
        "Cargo.toml" => from_cargo(&text, &shown)?.unwrap_or_default(),
        _ => loaded(parse_file(&text, &shown)?, &text, &shown, shown.clone()),
    };
    validate(&loaded, known_rules)?;
    Ok(loaded)
}

/// Finds the configuration at the work-tree root (first found wins); defaults when there is none.
pub fn discover(root: &Path, known_rules: &[&str]) -> Result<Loaded> {
    let loaded = discover_unchecked(root)?;
    validate(&loaded, known_rules)?;
    Ok(loaded)
}

/// Reads a manifest's relgate table: `from_pyproject` or `from_cargo`.
type Reader = fn(&str, &str) -> Result<Option<Loaded>>;

fn discover_unchecked(root: &Path) -> Result<Loaded> {
    let mut found: Option<Loaded> = None;
    let mut shadowed = Vec::new();
    // Anything but a directory at these names is read, or refused by name (a named pipe, a
    // device, a dangling symlink): a configuration that is there is never skipped unread. (A
    // directory is no file, as for the version files.)
    // One `lstat` each: a file at a name of the root that is not a symlink is inside the work
    // tree, and only a symlink is resolved (through every directory above the root: thirteen
    // `readlink` calls for a pyproject.toml five directories down).
    let present = |name: &str| {
        let p = root.join(name);
        let kind = std::fs::symlink_metadata(&p).ok()?.file_type();
        let link = kind.is_symlink();
        let dir = kind.is_dir() || (link && p.is_dir());
        (!dir).then_some((p, link))
    };
    let inside = |(p, link): &(PathBuf, bool), name: &str| {
        if *link {
            resolve_inside(root, p, name)
        } else {
            Ok(p.clone())
        }
    };
    for name in ["relgate.toml", ".relgate.toml"] {
        let Some(p) = present(name) else {
            continue;
        };
        if found.is_some() {
            shadowed.push(name.to_string());
            continue;
        }
        let text = read_text(&inside(&p, name)?)?;
        found = Some(loaded(
            parse_file(&text, name)?,
            &text,
            name,
            name.to_string(),
        ));
    }
    for (name, read) in [
        ("pyproject.toml", from_pyproject as Reader),
        ("Cargo.toml", from_cargo as Reader),
    ] {
        let Some(p) = present(name) else {
            continue;
        };
        if found.is_none() {
            found = relgate_table(read, &read_text(&inside(&p, name)?)?, name)?;
            continue;
        }
        // Only to name it in a warning: a file that cannot be read or parsed is not used
        // either way, and must not fail a run that never needed it.
        let table = inside(&p, name)
            .and_then(|p| read_text(&p))
            .and_then(|text| relgate_table(read, &text, name));
        if let Ok(Some(l)) = table {
            shadowed.extend(l.origin);
        }
    }
    let mut loaded = found.unwrap_or_default();
    loaded.shadowed = shadowed;
    Ok(loaded)
}

/// A manifest's relgate table as `read` reads it, when its text can have a `relgate` key at
/// all. One that cannot is not parsed to look (pydantic's pyproject.toml: 0.86 M instructions,
/// half of what guard-master-commit does there); a gate that reads its versions parses it
/// then, and reports it if it is not valid TOML.
fn relgate_table(read: Reader, text: &str, name: &str) -> Result<Option<Loaded>> {
    if crate::toml_once::may_hold(text, &["relgate"]) {
        read(text, name)
    } else {
        Ok(None)
    }
}

fn from_pyproject(text: &str, shown: &str) -> Result<Option<Loaded>> {
    let doc: PyProject =
        crate::toml_once::from_str(text).map_err(|e| toml_error(&e, text, shown))?;
    Ok(doc
        .tool
        .and_then(|t| t.relgate)
        .map(|file| loaded(file, text, shown, format!("{shown} [tool.relgate]"))))
}

fn from_cargo(text: &str, shown: &str) -> Result<Option<Loaded>> {
    let doc: CargoManifest =
        crate::toml_once::from_str(text).map_err(|e| toml_error(&e, text, shown))?;
    let pick = |m: Option<CargoMeta>| m.and_then(|m| m.metadata).and_then(|m| m.relgate);
    if let Some(file) = pick(doc.workspace) {
        return Ok(Some(loaded(
            file,
            text,
            shown,
            format!("{shown} [workspace.metadata.relgate]"),
        )));
    }
    Ok(pick(doc.package).map(|file| {
        loaded(
            file,
            text,
            shown,
            format!("{shown} [package.metadata.relgate]"),
        )
    }))
}

fn read_text(path: &Path) -> Result<String> {
    // A regular file of at most 16 MiB: `--config /dev/zero` or a named pipe must end at once
    // in exit 2, and a 200 MB pyproject.toml is not parsed for a few lines of configuration.
    let shown = format!("config file {}", path.display());
    let bytes = match crate::tree::read_regular(path, &shown)? {
        crate::tree::Regular::Read(bytes) => bytes,
        crate::tree::Regular::Missing => {
            return Err(Error::new(format!("cannot read {shown}: no such file")));
        }
        crate::tree::Regular::Directory => {
            return Err(Error::new(format!(
                "cannot read {shown}: it is a directory, not a file"
            )));
        }
    };
    String::from_utf8(bytes).map_err(|e| {
        Error::new(format!(
            "config file {} is not UTF-8 (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Parses a relgate.toml text into the effective configuration (defaults for what it leaves out).
pub fn parse(text: &str, shown: &str) -> Result<Config> {
    Ok(parse_file(text, shown)?.resolve(text, shown).0)
}

fn parse_file(text: &str, shown: &str) -> Result<FileConfig> {
    toml::from_str(text).map_err(|e| toml_error(&e, text, shown))
}

/// A TOML or schema error as "file:line:col: message", with the nearest known key for a typo.
fn toml_error(e: &toml::de::Error, text: &str, shown: &str) -> Error {
    let place = match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{shown}:{line}:{col}")
        }
        None => shown.to_string(),
    };
    let msg = e.message().trim();
    if let Some((unknown, expected)) = parse_unknown_field(msg) {
        let mut m = format!("invalid configuration at {place}: unknown key `{unknown}`");
        if let Some(best) = nearest(&unknown, expected.iter().map(String::as_str)) {
            m.push_str(&format!(" (did you mean `{best}`?)"));
        }
        if !expected.is_empty() {
            m.push_str(&format!("; known keys: {}", expected.join(", ")));
        }
        return Error::new(m);
    }
    // Only on this error path: tell a file that is no TOML at all (a broken pyproject.toml)
    // from a TOML file whose relgate table is wrong.
    if text.parse::<toml::Table>().is_err() {
        return Error::new(format!("{shown} is not valid TOML (at {place})")).caused_by(msg);
    }
    if let Some(span) = e.span()
        && let Some(said) = type_error(msg, text, span.start)
    {
        // serde's own words stay as the cause: they name the value as the parser saw it.
        return Error::new(format!("invalid configuration at {place}: {said}")).caused_by(msg);
    }
    Error::new(format!("invalid configuration at {place}")).caused_by(msg)
}

/// serde's "invalid type: string \"main\", expected a sequence" (or "unknown variant") in the
/// project's words, with the key and a line that would be right:
/// `branches.protected` is a list: `protected = ["main"]`.
fn type_error(msg: &str, text: &str, offset: usize) -> Option<String> {
    let (key, path, in_list) = key_at(text, offset)?;
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (given, expected) = rest.split_once('`')?;
        let choices: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let first = choices.first()?;
        let mut m = format!(
            "`{path}` is one of {}, not `{}`: `{key} = \"{first}\"`",
            choices.join(", "),
            crate::diag::escape(given)
        );
        if let Some(best) = nearest(given, choices.iter().copied()) {
            m.push_str(&format!(" (did you mean `{best}`?)"));
        }
        return Some(m);
    }
    let (found, expected) = msg
        .strip_prefix("invalid type: ")?
        .split_once(", expected ")?;
    // "string \"main\"", "integer `1`", "boolean `true`", "sequence", "map"
    let (kind, value) = found.split_once(' ').unwrap_or((found, ""));
    let value = value.trim_matches(|c| c == '`' || c == '"');
    let example_string = if value.is_empty() { "..." } else { value };
    let (what, example) = match expected {
        // An element of a list (`protected = [1]`): the key is a list of strings.
        "a string" if in_list => (
            "a list of strings",
            format!("{key} = [\"{}\"]", crate::diag::escape(example_string)),
        ),
        _ if in_list => return None,
        "a sequence" => (
            "a list",
            format!("{key} = [\"{}\"]", crate::diag::escape(example_string)),
        ),
        "a boolean" => ("true or false", format!("{key} = true")),
        "a string" => (
            "a string",
            format!("{key} = \"{}\"", crate::diag::escape(example_string)),
        ),
        e if e.starts_with("struct ") || e == "a map" => ("a table", format!("[{path}]")),
        _ => return None,
    };
    let found = match kind {
        "sequence" => "a list",
        "map" => "a table",
        "boolean" => "true or false",
        "integer" | "float" => "a number",
        "string" => "a string",
        _ => "another type",
    };
    let found = if in_list {
        format!("a list holding {found}")
    } else {
        found.to_string()
    };
    Some(format!("`{path}` is {what}, not {found}: `{example}`"))
}

/// The key of the `key = value` line at `offset`, its full dotted path within relgate's table
/// (`branches.protected` in relgate.toml and in `[tool.relgate.branches]` alike), and whether
/// `offset` is inside a list value (an element is wrong, not the key's whole value).
fn key_at(text: &str, offset: usize) -> Option<(String, String, bool)> {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let (key, _) = text[line_start..line_end].split_once('=')?;
    let value_start = line_start + key.len() + 1;
    let in_list = offset > value_start && text[value_start..offset].contains('[');
    let key = key.trim().trim_matches('"').to_string();
    if key.is_empty() || key.contains(['[', ' ']) {
        return None;
    }
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
        .unwrap_or_default();
    let table = [
        "tool.relgate",
        "package.metadata.relgate",
        "workspace.metadata.relgate",
    ]
    .iter()
    .find_map(|p| {
        table
            .strip_prefix(p)
            .map(|t| t.trim_start_matches('.').to_string())
    })
    .unwrap_or(table);
    let path = if table.is_empty() {
        key.clone()
    } else {
        format!("{table}.{key}")
    };
    let short = key.rsplit('.').next().unwrap_or(&key).to_string();
    Some((short, path, in_list))
}

/// serde's "unknown field `x`, expected one of `a`, `b`" (or "expected `a`", or "there are no
/// fields") split into the unknown key and the known ones.
fn parse_unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    let unknown = rest[..end].to_string();
    let expected = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((unknown, expected))
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    line_col_after(text, offset, (0, 1))
}

/// [`line_col`], with the lines counted on from `known`, an earlier offset of the same text and
/// its line (from the start when `known` is not before `offset`): a file whose values are asked
/// in order is counted through once.
pub fn line_col_after(text: &str, offset: usize, known: (usize, usize)) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset.min(text.len()))];
    let (from, line) = if known.0 <= before.len() {
        known
    } else {
        (0, 1)
    };
    let line = line + memchr::memchr_iter(b'\n', &before.as_bytes()[from..]).count();
    let line_start = memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Checks what serde cannot: rule ids exist, patterns compile, values are sane.
fn validate(loaded: &Loaded, known_rules: &[&str]) -> Result<()> {
    let origin = loaded.origin.as_deref().unwrap_or("configuration");
    let c = &loaded.config;
    for rule in c.rules.keys() {
        if !known_rules.contains(&rule.as_str()) {
            let mut m =
                format!("invalid configuration in {origin}: unknown rule `{rule}` in [rules]");
            if let Some(best) = nearest(rule, known_rules.iter().copied()) {
                m.push_str(&format!(" (did you mean `{best}`?)"));
            }
            return Err(Error::new(m));
        }
    }
    if let Some(p) = &c.tags.pattern {
        let has_version = crate::version::check_tag_pattern(p).map_err(|e| {
            Error::new(format!(
                "invalid configuration in {origin}: tags.pattern `{p}` is not a valid regex"
            ))
            .caused_by(e)
        })?;
        if !has_version {
            return Err(Error::new(format!(
                "invalid configuration in {origin}: tags.pattern `{p}` has no (?P<version>...) group"
            )));
        }
    }
    for (i, s) in c.versions.source.iter().enumerate() {
        let which = format!("versions.source[{i}]");
        if s.path.is_empty() {
            return Err(Error::new(format!(
                "invalid configuration in {origin}: {which} needs a `path`"
            )));
        }
        match (&s.pattern, &s.key) {
            (Some(_), Some(_)) => {
                return Err(Error::new(format!(
                    "invalid configuration in {origin}: {which} has both `pattern` and `key`; give one"
                )));
            }
            (Some(p), None) => {
                let re = regex::Regex::new(p).map_err(|e| {
                    Error::new(format!("invalid configuration in {origin}: {which}.pattern `{p}` is not a valid regex"))
                        .caused_by(e)
                })?;
                if !re.capture_names().any(|n| n == Some("version")) {
                    return Err(Error::new(format!(
                        "invalid configuration in {origin}: {which}.pattern `{p}` has no (?P<version>...) group"
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `path` (which exists) resolved through symlinks, if it stays inside `root`. A repository may
/// hold a symlink `CHANGELOG.md -> /home/me/.ssh/id_rsa`; following it would print another
/// file's content in findings.
pub fn resolve_inside(root: &Path, path: &Path, shown: &str) -> Result<PathBuf> {
    let real_root = std::fs::canonicalize(root).map_err(|e| {
        Error::new(format!(
            "cannot resolve the work-tree root {}",
            root.display()
        ))
        .caused_by(e)
    })?;
    let real = std::fs::canonicalize(path)
        .map_err(|e| Error::new(format!("cannot resolve {shown}")).caused_by(e))?;
    if !real.starts_with(&real_root) {
        return Err(Error::new(format!(
            "{shown} is a symlink to {}, outside the repository; relgate reads only files inside the work tree",
            real.display()
        )));
    }
    Ok(real)
}

/// The directory a configured path must stay inside, and the joined path if it does.
pub fn contained_path(root: &Path, rel: &str) -> Result<PathBuf> {
    check_contained(rel)?;
    Ok(root.join(rel))
}

/// An error unless `rel` is a relative path that stays inside the directory it is joined to.
pub fn check_contained(rel: &str) -> Result<()> {
    // Without a `..`, a leading separator or a drive nothing can escape: the usual case,
    // checked without parsing components (readers call this for every file they look at:
    // `validate-tag --all` asks for some thirty paths at each tagged commit, 310,000 over
    // 10,000 tags). One pass over the bytes, which a path has a few dozen of: a pair scan
    // and a second search, or a SIMD search's set-up, cost 210 instructions a path.
    let b = rel.as_bytes();
    let mut plain = !matches!(b.first(), Some(b'/' | b'\\'));
    let mut dot = false;
    for &c in b {
        if c == b':' || (dot && c == b'.') {
            plain = false;
            break;
        }
        dot = c == b'.';
    }
    if plain {
        return Ok(());
    }
    let p = Path::new(rel);
    let escapes = p.is_absolute()
        || p.components().any(|c| {
            matches!(
                c,
                std::path::Component::ParentDir | std::path::Component::Prefix(_)
            )
        });
    if escapes {
        return Err(Error::new(format!(
            "configured path `{rel}` leaves the repository; expected a path relative to the work-tree root"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_that_leaves_the_repository_is_refused_whatever_its_dots() {
        for ok in [
            "pyproject.toml",
            "src/pkg/__init__.py",
            "a.b/c.d.e",
            "x...y/z",
            ".bumpversion.cfg",
            "a/.hidden",
        ] {
            assert!(check_contained(ok).is_ok(), "{ok}");
        }
        for bad in ["..", "../a", "a/..", "a/../../b", "/etc/passwd", "./../x"] {
            assert!(check_contained(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_need_no_file() {
        let c = parse("", "relgate.toml").unwrap();
        assert_eq!(c.tags.prefix, "v");
        assert!(c.tags.require_annotated);
        assert_eq!(c.branches.protected, ["main", "master"]);
        assert!(c.branches.allow_initial_commit);
        assert!(!c.branches.allow_merge_commits);
    }

    #[test]
    fn unknown_key_names_line_and_nearest() {
        let e = parse("[tags]\nprefx = \"v\"\n", "relgate.toml").unwrap_err();
        let m = e.to_string();
        assert!(m.contains("relgate.toml:2:1"), "{m}");
        assert!(m.contains("unknown key `prefx`"), "{m}");
        assert!(m.contains("did you mean `prefix`?"), "{m}");
    }

    #[test]
    fn broken_toml_is_not_called_a_configuration_error() {
        let e = from_pyproject("[project]\nname = \n", "pyproject.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("pyproject.toml is not valid TOML (at pyproject.toml:2:"),
            "{e}"
        );
        let e = parse("[tags]\ngrammar = \"semverr\"\n", "relgate.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("invalid configuration at relgate.toml:2:"),
            "{e}"
        );
    }

    #[test]
    fn kebab_case_keys() {
        let c = parse(
            "[branches]\nallow-merge-commits = true\nprotected = [\"release/*\"]\n[rules]\n\"tag-lightweight\" = \"off\"\n",
            "x",
        )
        .unwrap();
        assert!(c.branches.allow_merge_commits);
        assert_eq!(c.rules["tag-lightweight"], RuleLevel::Off);
        assert!(parse("[branches]\nallow_merge_commits = true\n", "x").is_err());
    }

    #[test]
    fn type_errors_say_what_is_expected_in_the_projects_words() {
        let e = parse("[branches]\nprotected = \"main\"\n", "relgate.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("relgate.toml:2:13")
                && e.contains(
                    "`branches.protected` is a list, not a string: `protected = [\"main\"]`"
                ),
            "{e}"
        );
        let e = parse("[branches]\nallow-merge-commits = \"yes\"\n", "x")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`branches.allow-merge-commits` is true or false, not a string: `allow-merge-commits = true`"),
            "{e}"
        );
        let e = parse("[tags]\nprefix = 1\n", "x").unwrap_err().to_string();
        assert!(
            e.contains("`tags.prefix` is a string, not a number: `prefix = \"1\"`"),
            "{e}"
        );
        let e = parse("[branches]\nprotected = [\"main\", 2]\n", "x")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`branches.protected` is a list of strings, not a list holding a number: `protected = [\"2\"]`"),
            "{e}"
        );
        let e = parse("[branches]\nprotected = [\n  \"main\",\n  2,\n]\n", "x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("invalid configuration at x:4:3"), "{e}");
        let e = parse("[tags]\ngrammar = \"semvr\"\n", "x")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`tags.grammar` is one of portable, semver, pep440")
                && e.contains("did you mean `semver`?"),
            "{e}"
        );
        let text = "[project]\nname = \"x\"\n[tool.relgate.branches]\nprotected = \"main\"\n";
        let e = from_pyproject(text, "pyproject.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("pyproject.toml:4:13") && e.contains("`branches.protected` is a list"),
            "{e}"
        );
    }

    #[test]
    fn a_second_configuration_file_is_named_as_ignored() {
        let dir = std::env::temp_dir().join(format!("relgate-shadow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("relgate.toml"), "[tags]\nprefix = \"v\"\n").unwrap();
        std::fs::write(
            dir.join("pyproject.toml"),
            "[project]\nname = \"x\"\n[tool.relgate.tags]\nprefix = \"\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        let l = discover(&dir, &[]).unwrap();
        assert_eq!(l.origin.as_deref(), Some("relgate.toml"));
        assert_eq!(l.shadowed, ["pyproject.toml [tool.relgate]"]);
        // A pyproject.toml without [tool.relgate] is no configuration file.
        std::fs::write(dir.join("pyproject.toml"), "[project]\nname = \"x\"\n").unwrap();
        assert!(discover(&dir, &[]).unwrap().shadowed.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_rule_level_and_unknown_rule() {
        assert!(parse("[rules]\nx = \"loud\"\n", "x").is_err());
        let loaded = Loaded {
            config: parse("[rules]\n\"tag-invalidd\" = \"off\"\n", "x").unwrap(),
            ..Loaded::default()
        };
        let e = validate(&loaded, &["tag-invalid"]).unwrap_err().to_string();
        assert!(e.contains("did you mean `tag-invalid`"), "{e}");
    }

    #[test]
    fn pyproject_table_reports_whole_file_line() {
        let text = "[project]\nname = \"x\"\n\n[tool.relgate.tags]\ngrammer = \"semver\"\n";
        let e = from_pyproject(text, "pyproject.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("pyproject.toml:5:1"), "{e}");
        assert!(e.contains("did you mean `grammar`"), "{e}");
        assert!(
            from_pyproject("[project]\nname='x'\n", "p")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn cargo_metadata_tables() {
        let l = from_cargo(
            "[package]\nname='x'\n[package.metadata.relgate.tags]\nprefix='rel-'\n",
            "Cargo.toml",
        )
        .unwrap()
        .unwrap();
        assert_eq!(l.config.tags.prefix, "rel-");
        assert_eq!(
            l.origin.as_deref(),
            Some("Cargo.toml [package.metadata.relgate]")
        );
    }

    #[test]
    fn paths_must_stay_inside() {
        assert!(contained_path(Path::new("/r"), "../../etc/passwd").is_err());
        assert!(contained_path(Path::new("/r"), "/etc/passwd").is_err());
        assert!(contained_path(Path::new("/r"), "src/a.py").is_ok());
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("", 0), (1, 1));
    }
}
