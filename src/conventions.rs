//! What the repository already decided when the configuration is silent (DESIGN §2.1).
//!
//! Real projects wrote their conventions down before relgate arrived: in their release tools'
//! configuration (setuptools_scm's `tag_regex`, commitizen's `tag_format`, cargo-release's
//! `tag-name`, ...), in their tags (`0.28.1` or `v0.28.1`), in their branches (`origin/HEAD`
//! naming `v1.x`, maintenance lines such as `1.8` or `v2.12-fixes`) and in their manifests (a
//! Python-only project). [`infer`] fills every key the configuration file does not set from
//! there, once per run, and records where each value came from; checks read the effective
//! [`Config`](crate::config::Config) and never re-derive any of it.
//!
//! Inference reads only what the checks read anyway (the tag and branch lists, which
//! [`Repo`] lists once per run, and a few small files at the work-tree root), never the
//! network, and never writes.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::Deserialize;

use crate::config::{ChangelogScheme, INFERRED, Loaded};
use crate::error::Result;
use crate::git::Repo;

/// What a binary's checks depend on, so that a gate infers (and reads) nothing it does not use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needs {
    /// `tags.prefix` / `tags.pattern` from the release tools' configuration.
    pub tag_scheme: bool,
    /// ... and from the tags themselves (lists the tag refs).
    pub tag_refs: bool,
    /// Protected branches: the remotes' default branches (reads `refs/remotes/*/HEAD`).
    pub protected: bool,
    /// Release branches: also the maintenance lines (lists the branches and the tags).
    pub release_branches: bool,
    /// The project's ecosystem: `tags.grammar`'s PEP 440 spellings and `changelog.scheme`.
    pub ecosystem: bool,
}

impl Needs {
    pub const ALL: Needs = Needs {
        tag_scheme: true,
        tag_refs: true,
        protected: true,
        release_branches: true,
        ecosystem: true,
    };
    /// guard-master-commit: which branches are protected, nothing else.
    pub const BRANCHES: Needs = Needs {
        tag_scheme: false,
        tag_refs: false,
        protected: true,
        release_branches: false,
        ecosystem: false,
    };
    /// lint-changelog: the version scheme and the tag prefix its compare links use, without
    /// opening the repository.
    pub const FILES: Needs = Needs {
        tag_scheme: true,
        tag_refs: false,
        protected: false,
        release_branches: false,
        ecosystem: true,
    };
    /// check-version-sync: the tag scheme (for the tags it compares with) and the ecosystem.
    pub const TAGS: Needs = Needs {
        tag_scheme: true,
        tag_refs: true,
        protected: false,
        release_branches: false,
        ecosystem: true,
    };
}

/// Fills the keys `loaded` does not set from the repository. `root` is the work-tree root (the
/// current directory outside a repository); `repo` is `None` outside a repository.
pub fn infer(loaded: &mut Loaded, root: &Path, repo: Option<&Repo>, needs: Needs) -> Result<()> {
    if needs.ecosystem {
        infer_ecosystem(loaded, root)?;
    }
    if needs.tag_scheme && !loaded.is_set("tags.prefix") && !loaded.is_set("tags.pattern") {
        let repo = repo.filter(|_| needs.tag_refs);
        infer_tag_scheme(loaded, root, repo)?;
    }
    if (needs.protected || needs.release_branches)
        && let Some(repo) = repo
    {
        infer_branches(loaded, repo, needs.release_branches)?;
    }
    Ok(())
}

fn record(loaded: &mut Loaded, key: &str, origin: String) {
    loaded
        .origins
        .insert(key.to_string(), format!("{INFERRED} from {origin}"));
}

// --- ecosystem --------------------------------------------------------------------------------

/// Python manifests at the root, and manifests of other ecosystems (a `"private": true`
/// package.json beside Python manifests is tooling, not a package: DESIGN §4).
fn python_only(root: &Path) -> Result<Option<&'static str>> {
    let exists = |name: &str| root.join(name).is_file();
    let python = ["pyproject.toml", "setup.cfg", "setup.py"]
        .into_iter()
        .find(|n| exists(n));
    let Some(python) = python else {
        return Ok(None);
    };
    if exists("Cargo.toml") || exists("Chart.yaml") {
        return Ok(None);
    }
    if exists("package.json") {
        #[derive(Deserialize)]
        struct Package {
            #[serde(default)]
            private: bool,
        }
        let text = read_small(root, "package.json")?.unwrap_or_default();
        // A package.json that is not JSON is reported by check-version-sync; here it only
        // means "not known to be tooling".
        let private = serde_json::from_str::<Package>(&text).is_ok_and(|p| p.private);
        if !private {
            return Ok(None);
        }
    }
    Ok(Some(python))
}

fn infer_ecosystem(loaded: &mut Loaded, root: &Path) -> Result<()> {
    let Some(manifest) = python_only(root)? else {
        return Ok(());
    };
    let why = format!("{manifest}: every version source is Python");
    if !loaded.is_set("tags.grammar") {
        loaded.config.tags.pep440_spellings = true;
        record(loaded, "tags.grammar", why.clone());
    }
    if !loaded.is_set("changelog.scheme") {
        loaded.config.changelog.scheme = ChangelogScheme::Pep440;
        record(loaded, "changelog.scheme", why);
    }
    Ok(())
}

// --- tag prefix or pattern --------------------------------------------------------------------

/// A tag scheme a release tool declares: a prefix before the version, or a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scheme {
    Prefix(String),
    Pattern(String),
}

/// Turns a tool's tag template (`v$version`, `v{new_version}`, `{{prefix}}v{{version}}`) into a
/// scheme: the text before the version placeholder is the prefix; text after it makes a pattern.
/// `None` when the template has no version placeholder relgate can read.
fn from_template(template: &str, placeholders: &[&str]) -> Option<Scheme> {
    let (at, len) = placeholders
        .iter()
        .filter_map(|p| template.find(p).map(|i| (i, p.len())))
        .min()?;
    let before = &template[..at];
    let after = &template[at + len..];
    // Another placeholder around the version (`$major.$minor`, `{{crate_name}}`) is not
    // something a fixed prefix can say.
    if before.contains(['$', '{', '}']) || after.contains(['$', '{', '}']) {
        return None;
    }
    if after.is_empty() {
        Some(Scheme::Prefix(before.to_string()))
    } else {
        Some(Scheme::Pattern(format!(
            "^{}(?P<version>.+?){}$",
            regex::escape(before),
            regex::escape(after)
        )))
    }
}

/// A regex a tool gives (setuptools_scm `tag_regex`, hatch-vcs `tag-pattern`), if relgate can
/// use it: it is valid and has a `version` group.
fn from_regex(re: &str) -> Option<Scheme> {
    crate::version::has_version_group(re).then(|| Scheme::Pattern(re.to_string()))
}

/// The release tools' tables of pyproject.toml that say how tags are spelled.
#[derive(Deserialize, Default)]
struct PyProject {
    #[serde(default)]
    tool: PyTools,
}

#[derive(Deserialize, Default)]
struct PyTools {
    #[serde(rename = "vcs-versioning")]
    vcs_versioning: Option<ScmTable>,
    setuptools_scm: Option<ScmTable>,
    hatch: Option<HatchTable>,
    commitizen: Option<CzTable>,
    bumpversion: Option<BumpTable>,
    tbump: Option<TbumpTable>,
    semantic_release: Option<SemRelTable>,
}

/// `[tool.setuptools_scm]`, or `[tool.vcs-versioning]` (the same settings under the name of
/// the library setuptools_scm became, which reads it first): a workspace member's
/// pyproject.toml is read with it too.
#[derive(Deserialize)]
pub(crate) struct ScmTable {
    tag_regex: Option<String>,
}
/// `[tool.hatch]`, for hatch-vcs's settings.
#[derive(Deserialize)]
pub(crate) struct HatchTable {
    version: Option<HatchVersion>,
}
#[derive(Deserialize)]
struct HatchVersion {
    #[serde(rename = "tag-pattern")]
    tag_pattern: Option<String>,
    #[serde(rename = "raw-options")]
    raw_options: Option<ScmTable>,
}

/// The tag regexes that vcs-versioning's, setuptools_scm's and hatch-vcs's tables declare,
/// each with the setting that says it, in the order they are taken: the first is the one the
/// tools use.
pub(crate) fn declared_regexes(
    vcs: Option<ScmTable>,
    scm: Option<ScmTable>,
    hatch: Option<HatchTable>,
) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    if let Some(re) = vcs.and_then(|t| t.tag_regex) {
        out.push((re, "[tool.vcs-versioning] tag_regex"));
    }
    if let Some(re) = scm.and_then(|t| t.tag_regex) {
        out.push((re, "[tool.setuptools_scm] tag_regex"));
    }
    if let Some(v) = hatch.and_then(|h| h.version) {
        if let Some(re) = v.tag_pattern {
            out.push((re, "[tool.hatch.version] tag-pattern"));
        }
        if let Some(re) = v.raw_options.and_then(|o| o.tag_regex) {
            out.push((re, "[tool.hatch.version.raw-options] tag_regex"));
        }
    }
    out
}

#[derive(Deserialize)]
struct CzTable {
    tag_format: Option<String>,
}
#[derive(Deserialize)]
struct BumpTable {
    tag_name: Option<String>,
}
#[derive(Deserialize)]
struct TbumpTable {
    git: Option<TbumpGit>,
}
#[derive(Deserialize)]
struct TbumpGit {
    tag_template: Option<String>,
}
#[derive(Deserialize)]
struct SemRelTable {
    tag_format: Option<String>,
}

/// cargo-release's settings: release.toml, or `[package|workspace.metadata.release]`.
#[derive(Deserialize, Default)]
struct CargoRelease {
    #[serde(rename = "tag-name")]
    tag_name: Option<String>,
    #[serde(rename = "tag-prefix")]
    tag_prefix: Option<String>,
}

#[derive(Deserialize)]
struct CargoManifest {
    package: Option<CargoMeta>,
    workspace: Option<CargoMeta>,
}
#[derive(Deserialize)]
struct CargoMeta {
    metadata: Option<CargoMetadata>,
}
#[derive(Deserialize)]
struct CargoMetadata {
    release: Option<CargoRelease>,
}

/// release-please-config.json's `include-v-in-tag` (at the top or for the root package).
#[derive(Deserialize)]
struct ReleasePlease {
    #[serde(rename = "include-v-in-tag")]
    include_v: Option<bool>,
    #[serde(default)]
    packages: std::collections::BTreeMap<String, ReleasePleasePackage>,
}
#[derive(Deserialize)]
struct ReleasePleasePackage {
    #[serde(rename = "include-v-in-tag")]
    include_v: Option<bool>,
}

/// A file at the root, if it is a regular file inside the work tree (read as the version
/// sources are: size-capped, symlinks out of the tree refused).
fn read_small(root: &Path, name: &str) -> Result<Option<String>> {
    use crate::sources::FileReader;
    Ok(crate::tree::WorkTree::new(root)
        .read(name)?
        .map(|b| String::from_utf8_lossy(&b).into_owned()))
}

/// A TOML file at the root parsed as `T`; a file that is not valid TOML declares nothing here
/// (the gate that reads it as a version source reports it).
fn toml_at<T: for<'de> Deserialize<'de>>(root: &Path, name: &str) -> Result<Option<T>> {
    Ok(read_small(root, name)?.and_then(|t| crate::toml_once::from_str(&t).ok()))
}

/// [`toml_at`] for a file where only `keys` are read, and a table without them declares
/// nothing: a text that cannot hold one of them is not parsed.
fn toml_with<T: for<'de> Deserialize<'de>>(
    root: &Path,
    name: &str,
    keys: &[&str],
) -> Result<Option<T>> {
    Ok(read_small(root, name)?
        .filter(|t| crate::toml_once::may_hold(t, keys))
        .and_then(|t| crate::toml_once::from_str(&t).ok()))
}

/// The settings [`declared_scheme`] reads in pyproject.toml's tool tables.
const PY_TAG_KEYS: [&str; 5] = [
    "tag_regex",
    "tag-pattern",
    "tag_format",
    "tag_name",
    "tag_template",
];
/// ... and in cargo-release's tables of Cargo.toml.
const CARGO_TAG_KEYS: [&str; 2] = ["tag-name", "tag-prefix"];

/// The first release tool that declares the tag scheme, with where it says so.
fn declared_scheme(root: &Path) -> Result<Option<(Scheme, String)>> {
    let mut found: Vec<(Option<Scheme>, String)> = Vec::new();
    let py: PyTools = toml_with::<PyProject>(root, "pyproject.toml", &PY_TAG_KEYS)?
        .unwrap_or_default()
        .tool;
    for (re, setting) in declared_regexes(py.vcs_versioning, py.setuptools_scm, py.hatch) {
        found.push((from_regex(&re), format!("{setting} in pyproject.toml")));
    }
    let cz_placeholders = ["$version", "${version}"];
    if let Some(f) = py.commitizen.and_then(|c| c.tag_format) {
        found.push((
            from_template(&f, &cz_placeholders),
            "[tool.commitizen] tag_format in pyproject.toml".into(),
        ));
    }
    for file in [".cz.toml", "cz.toml"] {
        #[derive(Deserialize)]
        struct CzFile {
            tool: Option<CzTool>,
        }
        #[derive(Deserialize)]
        struct CzTool {
            commitizen: Option<CzTable>,
        }
        if let Some(f) = toml_at::<CzFile>(root, file)?
            .and_then(|c| c.tool)
            .and_then(|t| t.commitizen)
            .and_then(|c| c.tag_format)
        {
            found.push((
                from_template(&f, &cz_placeholders),
                format!("[tool.commitizen] tag_format in {file}"),
            ));
        }
    }
    let bump = ["{new_version}"];
    if let Some(n) = py.bumpversion.and_then(|b| b.tag_name) {
        found.push((
            from_template(&n, &bump),
            "[tool.bumpversion] tag_name in pyproject.toml".into(),
        ));
    }
    #[derive(Deserialize)]
    struct BumpFile {
        tool: Option<BumpTool>,
    }
    #[derive(Deserialize)]
    struct BumpTool {
        bumpversion: Option<BumpTable>,
    }
    if let Some(n) = toml_at::<BumpFile>(root, ".bumpversion.toml")?
        .and_then(|b| b.tool)
        .and_then(|t| t.bumpversion)
        .and_then(|b| b.tag_name)
    {
        found.push((
            from_template(&n, &bump),
            "[tool.bumpversion] tag_name in .bumpversion.toml".into(),
        ));
    }
    for file in [".bumpversion.cfg", "setup.cfg"] {
        if let Some(text) = read_small(root, file)?
            && let Some(n) = ini_value(&text, "bumpversion", "tag_name")
        {
            found.push((
                from_template(&n, &bump),
                format!("[bumpversion] tag_name in {file}"),
            ));
        }
    }
    let tbump = py
        .tbump
        .and_then(|t| t.git)
        .and_then(|g| g.tag_template)
        .map(|t| (t, "[tool.tbump.git] tag_template in pyproject.toml"))
        .or(toml_at::<TbumpTable>(root, "tbump.toml")?
            .and_then(|t| t.git)
            .and_then(|g| g.tag_template)
            .map(|t| (t, "[git] tag_template in tbump.toml")));
    if let Some((t, at)) = tbump {
        found.push((from_template(&t, &bump), at.into()));
    }
    if let Some(f) = py.semantic_release.and_then(|s| s.tag_format) {
        found.push((
            from_template(&f, &["{version}"]),
            "[tool.semantic_release] tag_format in pyproject.toml".into(),
        ));
    }
    let mut cargo_release = None;
    for file in ["release.toml", ".release.toml"] {
        if let Some(c) = toml_at::<CargoRelease>(root, file)? {
            cargo_release = Some((c, file.to_string()));
            break;
        }
    }
    if cargo_release.is_none()
        && let Some(m) = toml_with::<CargoManifest>(root, "Cargo.toml", &CARGO_TAG_KEYS)?
    {
        let ws = m.workspace.and_then(|w| w.metadata).and_then(|m| m.release);
        let pkg = m.package.and_then(|p| p.metadata).and_then(|m| m.release);
        cargo_release = ws
            .map(|c| (c, "[workspace.metadata.release] in Cargo.toml".to_string()))
            .or(pkg.map(|c| (c, "[package.metadata.release] in Cargo.toml".to_string())));
    }
    let cargo_release =
        cargo_release.filter(|(c, _)| c.tag_name.is_some() || c.tag_prefix.is_some());
    if let Some((c, at)) = cargo_release {
        // cargo-release's default tag-name is `{{prefix}}v{{version}}`, its default prefix empty
        // for a single crate.
        let name = c
            .tag_name
            .unwrap_or_else(|| "{{prefix}}v{{version}}".into())
            .replace("{{prefix}}", c.tag_prefix.as_deref().unwrap_or(""));
        found.push((
            from_template(&name, &["{{version}}"]),
            format!("tag-name in {at}"),
        ));
    }
    if let Some(text) = read_small(root, "release-please-config.json")?
        && let Ok(rp) = serde_json::from_str::<ReleasePlease>(&text)
        && let Some(v) = rp
            .packages
            .get(".")
            .and_then(|p| p.include_v)
            .or(rp.include_v)
    {
        let prefix = if v { "v" } else { "" };
        found.push((
            Some(Scheme::Prefix(prefix.into())),
            "include-v-in-tag in release-please-config.json".into(),
        ));
    }
    Ok(found.into_iter().find_map(|(s, at)| s.map(|s| (s, at))))
}

/// One value of an INI section, as configparser reads `key = value`.
fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut current = String::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            current = name.trim().to_string();
        } else if current == section
            && let Some((k, v)) = t.split_once(['=', ':'])
            && k.trim().eq_ignore_ascii_case(key)
        {
            return Some(v.trim().to_string());
        }
    }
    None
}

/// The spelling most version-like tags use: `v1.2.3` (prefix `v`) or `1.2.3` (no prefix).
fn scheme_from_tags(loaded: &Loaded, repo: &Repo) -> Result<Option<(Scheme, String)>> {
    let ignore = &loaded.config.tags.ignore;
    let (mut with_v, mut bare) = (0usize, 0usize);
    for r in repo.tag_refs()? {
        let name = r.name.as_bytes();
        let digit_at = |i: usize| name.get(i).is_some_and(u8::is_ascii_digit);
        let kind = if digit_at(0) {
            Some(false)
        } else if name.first() == Some(&b'v') && digit_at(1) {
            Some(true)
        } else {
            None
        };
        if let Some(v) = kind
            && !crate::glob::any(ignore, &r.name)
        {
            if v {
                with_v += 1;
            } else {
                bare += 1;
            }
        }
    }
    if with_v + bare == 0 {
        return Ok(None);
    }
    let total = with_v + bare;
    Ok(Some(if bare > with_v {
        (
            Scheme::Prefix(String::new()),
            format!("{total} tags ({bare} bare like `1.2.3`, {with_v} with `v`)"),
        )
    } else {
        (
            Scheme::Prefix("v".into()),
            format!("{total} tags ({with_v} with `v` like `v1.2.3`, {bare} bare)"),
        )
    }))
}

/// The prefix most version-like tags use (`v` or none); `None` without such tags.
pub fn prefix_from_tags(loaded: &Loaded, repo: &Repo) -> Result<Option<String>> {
    Ok(scheme_from_tags(loaded, repo)?.and_then(|(s, _)| match s {
        Scheme::Prefix(p) => Some(p),
        Scheme::Pattern(_) => None,
    }))
}

fn infer_tag_scheme(loaded: &mut Loaded, root: &Path, repo: Option<&Repo>) -> Result<()> {
    let found = match declared_scheme(root)? {
        Some(s) => Some(s),
        None => match repo {
            Some(r) => scheme_from_tags(loaded, r)?,
            None => None,
        },
    };
    let Some((scheme, from)) = found else {
        return Ok(());
    };
    let tags = &mut loaded.config.tags;
    let key = match scheme {
        Scheme::Prefix(p) => {
            tags.inferred_from = Some(format!(
                "tags.prefix `{p}` was inferred from {from}; set tags.prefix to change it"
            ));
            tags.prefix = p;
            "tags.prefix"
        }
        Scheme::Pattern(p) => {
            tags.inferred_from = Some(format!(
                "tags.pattern was inferred from {from}; set tags.pattern to change it"
            ));
            tags.pattern = Some(p);
            "tags.pattern"
        }
    };
    record(loaded, key, from);
    Ok(())
}

// --- branches ---------------------------------------------------------------------------------

/// The words that name a release line: alone (click's and cargo-release's `stable`, axios's
/// `release`) or as the directory of maintenance lines (`release/1.2`, `stable/v2.x`).
const LINE_WORDS: [&str; 6] = [
    "release",
    "releases",
    "maint",
    "maintenance",
    "stable",
    "support",
];

/// The version a maintenance line's name stands for (DESIGN §2.1): an optional `release/`-style
/// directory or `release-`-style prefix (Kubernetes' `release-1.28`, not a release's own
/// `release-v15.0.0`), an optional `v`, a version of one to three parts where a part after the first may
/// be `x`/`X` (`1`, `1.8`, `17.x.x`; `None` for an `x`), and optionally `-` and one word
/// (`-fixes`, `-backports`, `-stable`). A branch that merely contains a number (`feature/py3.12`,
/// `dependabot/npm_and_yarn/ws-7.5.10`) is none. Hand-written rather than a regex: it runs over
/// every branch name, and compiling a regex costs more than the rest of a hook's run
/// (docs/performance.md).
pub fn maintenance_line(name: &str) -> Option<Vec<Option<u64>>> {
    let (rest, dashed) = LINE_WORDS
        .iter()
        .find_map(|d| {
            let after = name.strip_prefix(d)?;
            (after.strip_prefix('/').map(|r| (r, false)))
                .or_else(|| after.strip_prefix('-').map(|r| (r, true)))
        })
        .unwrap_or((name, false));
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    // Most names (`renovate-...`, every segment of `fix-broadcast-channel-1.43.x` but the
    // last) fail here, before anything is allocated.
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (version, word) = match rest.split_once('-') {
        Some((v, w)) => (v, Some(w)),
        None => (rest, None),
    };
    if let Some(w) = word
        && (w.is_empty() || !w.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return None;
    }
    let parts: Vec<&str> = version.split('.').collect();
    if parts.len() > 3 {
        return None;
    }
    let number = |p: &str| {
        (!p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u64>().ok())
            .flatten()
    };
    let mut out = vec![Some(number(parts[0])?)];
    for p in &parts[1..] {
        match *p {
            "x" | "X" => out.push(None),
            p => out.push(Some(number(p)?)),
        }
    }
    // `release-v15.0.0` names one release (yargs' release pull requests), not a line: after
    // `release-`, a line is named by at most two numbers or with an `x`.
    if dashed && out.len() == 3 && out.iter().all(Option::is_some) {
        return None;
    }
    Some(out)
}

/// The release numbers of the tags of each package prefix: `tokio-1.38.2` gives
/// `"tokio-" → [1, 38, 2]`. The prefix ends where the version starts, after `-`, `/`, `@` or
/// a `v` that follows one of them.
fn package_releases(refs: &[crate::git::TagRef]) -> HashMap<&str, Vec<Vec<u64>>> {
    let mut out: HashMap<&str, Vec<Vec<u64>>> = HashMap::new();
    for r in refs {
        let name = r.name.as_str();
        let b = name.as_bytes();
        let Some(start) = (1..b.len()).find(|&i| {
            b[i].is_ascii_digit()
                && (matches!(b[i - 1], b'-' | b'/' | b'@')
                    || (b[i - 1] == b'v' && i >= 2 && matches!(b[i - 2], b'-' | b'/' | b'@')))
        }) else {
            continue;
        };
        let numbers: Vec<u64> = name[start..]
            .split('.')
            .map_while(|p| {
                let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
            .take(3)
            .collect();
        if !numbers.is_empty() {
            out.entry(&name[..start]).or_default().push(numbers);
        }
    }
    out
}

/// Does a release numbered `release` (`[2, 12, 3]`) belong to the line `line` (`2.12`, `2.x`)?
fn on_line(line: &[Option<u64>], release: &[u64]) -> bool {
    line.iter()
        .enumerate()
        .all(|(i, part)| part.is_none_or(|n| release.get(i).copied().unwrap_or(0) == n))
}

/// Protected branches from the remotes' default branches; with `lines`, release branches too,
/// which also need the branch and tag lists.
fn infer_branches(loaded: &mut Loaded, repo: &Repo, lines: bool) -> Result<()> {
    let defaults: Vec<(String, String)> = repo
        .remote_default_branches()?
        .into_iter()
        .filter(|(_, b)| b != "main" && b != "master")
        .collect();
    let mut protected: Vec<String> = vec!["main".into(), "master".into()];
    for (_, b) in &defaults {
        if !protected.contains(b) {
            protected.push(b.clone());
        }
    }
    let default_note = defaults
        .iter()
        .map(|(r, b)| format!("{r}/HEAD → {b}"))
        .collect::<Vec<_>>()
        .join(", ");
    if !loaded.is_set("branches.protected") && !defaults.is_empty() {
        loaded.config.branches.protected = protected.clone();
        record(
            loaded,
            "branches.protected",
            format!("the remote's default branch ({default_note})"),
        );
    }
    if !lines || (loaded.is_set("tags.release-branches") && loaded.is_set("release.branches")) {
        return Ok(());
    }
    // A maintenance line is a line of the project's releases, the root's or a package's:
    // `853-fix` names an issue, not version 853. With no release tags yet, the name alone
    // decides.
    let released: Vec<Vec<u64>> = crate::releases::list(repo, &loaded.config.tags)?
        .tags
        .iter()
        .filter_map(|t| t.version.pep440().map(|p| p.release().to_vec()))
        .collect();
    // A workspace member's line is named after it (tokio's `tokio-1.38.x`) and holds that
    // package's releases (`tokio-1.38.2`); a branch that merely ends in a version
    // (`fix-broadcast-channel-1.43.x`) names no package that tags releases.
    let by_prefix = package_releases(repo.tag_refs()?);
    let package_line = |n: &str| {
        n.match_indices('-').any(|(k, _)| {
            let (prefix, rest) = (&n[..=k], &n[k + 1..]);
            maintenance_line(rest).is_some_and(|line| {
                [prefix.to_string(), format!("{prefix}v")].iter().any(|p| {
                    by_prefix
                        .get(p.as_str())
                        .is_some_and(|rs| rs.iter().any(|r| on_line(&line, r)))
                })
            })
        })
    };
    let b = repo.branches()?;
    let lines: BTreeSet<&str> = b
        .local
        .iter()
        .map(|(n, _)| n.as_str())
        .chain(b.remote.iter().map(|(_, n, _)| n.as_str()))
        .filter(|n| !protected.iter().any(|p| p == n))
        .filter(|n| {
            // `stable` is a line by its name; `v0.2.x` in a workspace holds releases of its
            // packages (`tokio-0.2.25`).
            LINE_WORDS.contains(n)
                || maintenance_line(n).is_some_and(|line| {
                    released.is_empty()
                        || released.iter().any(|r| on_line(&line, r))
                        || by_prefix.values().flatten().any(|r| on_line(&line, r))
                })
                || package_line(n)
        })
        .collect();
    if defaults.is_empty() && lines.is_empty() {
        return Ok(());
    }
    let mut release = protected.clone();
    release.extend(lines.iter().map(|s| s.to_string()));
    let mut why = Vec::new();
    if !defaults.is_empty() {
        why.push(format!("the remote's default branch ({default_note})"));
    }
    if !lines.is_empty() {
        let shown: Vec<&str> = lines.iter().take(6).copied().collect();
        let more = if lines.len() > shown.len() {
            format!(", and {} more", lines.len() - shown.len())
        } else {
            String::new()
        };
        why.push(format!(
            "{} maintenance line{} ({}{more})",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" },
            shown.join(", ")
        ));
    }
    let why = why.join(" and ");
    if !loaded.is_set("tags.release-branches") {
        loaded.config.tags.release_branches = release.clone();
        record(loaded, "tags.release-branches", why.clone());
    }
    if !loaded.is_set("release.branches") {
        loaded.config.release.branches = release;
        record(loaded, "release.branches", why);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maintenance_lines_as_design_lists_them() {
        for b in [
            "1",
            "1.8",
            "2.12",
            "v1.x",
            "v0.x",
            "17.x.x",
            "v2.12-fixes",
            "1.10.X-fixes",
            "16-backports",
            "release/1.2",
            "releases/v9.x",
            "2.x-line",
            "v3-master",
            "maint/1.4",
            "stable/2.0",
            "release-1.28",
            "release-v2.x.x",
            "stable-2.x",
        ] {
            assert!(maintenance_line(b).is_some(), "{b}");
        }
        for b in [
            "main",
            "dependabot/npm_and_yarn/ws-7.5.10",
            "feature/py3.12",
            "x.1",
            "v",
            "1.2.3.4",
            "1.8-",
            "1.8-fix-2",
            "release/",
            "releasefoo/1.2",
            "release-notes-1.2",
            "support-3-14",
            "release-v15.0.0",
            "hotfix/1.2",
            "1..2",
        ] {
            assert!(maintenance_line(b).is_none(), "{b}");
        }
        assert_eq!(
            maintenance_line("v2.12-fixes"),
            Some(vec![Some(2), Some(12)])
        );
        assert_eq!(maintenance_line("17.x.x"), Some(vec![Some(17), None, None]));
    }

    #[test]
    fn a_line_holds_the_releases_it_names() {
        let line = maintenance_line("2.12").unwrap();
        assert!(on_line(&line, &[2, 12, 3]));
        assert!(!on_line(&line, &[2, 1, 0]));
        assert!(on_line(&maintenance_line("v1.x").unwrap(), &[1, 7, 9]));
        assert!(on_line(
            &maintenance_line("16-backports").unwrap(),
            &[16, 2, 2]
        ));
        assert!(!on_line(&maintenance_line("853-fix").unwrap(), &[17, 0, 0]));
    }

    /// Every setting `declared_scheme` reads in pyproject.toml and Cargo.toml is found, also
    /// spelled with an escape: the keys a text is looked at for ([`PY_TAG_KEYS`],
    /// [`CARGO_TAG_KEYS`]) cover them all.
    #[test]
    fn every_declared_tag_setting_is_read() {
        let prefix = |p: &str| Some(Scheme::Prefix(p.into()));
        let re = "^r(?P<version>.+)$";
        let pattern = || Some(Scheme::Pattern(re.into()));
        let cases: [(&str, &str, Option<Scheme>); 11] = [
            (
                "pyproject.toml",
                "[tool.setuptools_scm]\ntag_regex = '^r(?P<version>.+)$'\n",
                pattern(),
            ),
            (
                "pyproject.toml",
                "[tool.vcs-versioning]\ntag_regex = '^r(?P<version>.+)$'\n",
                pattern(),
            ),
            (
                "pyproject.toml",
                "[tool.hatch.version]\ntag-pattern = '^r(?P<version>.+)$'\n",
                pattern(),
            ),
            (
                "pyproject.toml",
                "[tool.hatch.version.raw-options]\ntag_regex = '^r(?P<version>.+)$'\n",
                pattern(),
            ),
            (
                "pyproject.toml",
                "[tool.commitizen]\ntag_format = 'r$version'\n",
                prefix("r"),
            ),
            (
                "pyproject.toml",
                "[tool.bumpversion]\ntag_name = 'r{new_version}'\n",
                prefix("r"),
            ),
            (
                "pyproject.toml",
                "[tool.tbump.git]\ntag_template = 'r{new_version}'\n",
                prefix("r"),
            ),
            (
                "pyproject.toml",
                "[tool.semantic_release]\ntag_format = 'r{version}'\n",
                prefix("r"),
            ),
            (
                "pyproject.toml",
                "[tool.commitizen]\n\"tag\\u005fformat\" = 'r$version'\n",
                prefix("r"),
            ),
            (
                "Cargo.toml",
                "[workspace.metadata.release]\ntag-prefix = 'r'\ntag-name = '{{prefix}}{{version}}'\n",
                prefix("r"),
            ),
            (
                "Cargo.toml",
                "[package]\nname = 'a'\n[profile.release]\nlto = true\n",
                None,
            ),
        ];
        for (i, (file, text, want)) in cases.into_iter().enumerate() {
            let dir =
                std::env::temp_dir().join(format!("relgate-declared-{}-{i}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(file), text).unwrap();
            let got = declared_scheme(&dir).unwrap().map(|(s, _)| s);
            assert_eq!(got, want, "{file}: {text}");
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    #[test]
    fn templates_become_prefixes_or_patterns() {
        let cz = ["$version", "${version}"];
        assert_eq!(
            from_template("v$version", &cz),
            Some(Scheme::Prefix("v".into()))
        );
        assert_eq!(
            from_template("${version}", &cz),
            Some(Scheme::Prefix(String::new()))
        );
        assert_eq!(
            from_template("v{new_version}-final", &["{new_version}"]),
            Some(Scheme::Pattern("^v(?P<version>.+?)\\-final$".into()))
        );
        assert_eq!(from_template("$major.$minor", &cz), None);
        assert_eq!(
            from_template("{{crate_name}}-v{{version}}", &["{{version}}"]),
            None
        );
        assert_eq!(
            from_template("release-{version}", &["{version}"]),
            Some(Scheme::Prefix("release-".into()))
        );
    }

    #[test]
    fn regexes_need_a_version_group_and_to_compile() {
        assert!(from_regex(r"^pkg-(?P<version>v?\d+(?:\.\d+){0,2}[^\+]*)(?:\+.*)?$").is_some());
        assert!(from_regex(r"^v(\d+)$").is_none());
        assert!(from_regex(r"^(?P<version>[").is_none());
    }

    #[test]
    fn ini_values() {
        let text = "[metadata]\nname = x\n[bumpversion]\ncurrent_version = 1.0\ntag_name = rel-{new_version}\n";
        assert_eq!(
            ini_value(text, "bumpversion", "tag_name").as_deref(),
            Some("rel-{new_version}")
        );
        assert_eq!(ini_value(text, "metadata", "tag_name"), None);
    }
}
