//! Workspaces (DESIGN §4): which directories hold packages of their own, each with its own
//! version sources and its own release tags.
//!
//! A Cargo `[workspace]`, a uv `[tool.uv.workspace]`, npm/yarn `workspaces` in package.json and
//! `pnpm-workspace.yaml` list their members, with globs (`crates/*`) expanded through the
//! reader's directory listing, so the work tree, the index and a commit agree. Each member is a
//! [`Package`]: its name (what its tags start with), its directory, and its own setuptools_scm
//! `tag_regex` when it declares one. Whether the root is a package too is decided here: a Cargo
//! root without `[package]`, a private uv root (`[tool.uv] package = false`, a local version such
//! as `0.1+private`, the `Private :: Do Not Upload` classifier) or a private npm root is only a
//! workspace, and its own version fields are no version source.
//!
//! This module reads manifests by key with real parsers and never touches git.

use serde::Deserialize;
use toml::de::DeValue;

use super::{FileReader, join, normalize};
use crate::conventions::{HatchTable, ScmTable, declared_regexes};
use crate::error::{Error, Result};

/// One package of a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The package's name as its manifest says (`tokio-util`, `setuptools-scm`).
    pub name: String,
    /// Its directory, repository-relative (`tokio-util`).
    pub dir: String,
    /// A setuptools_scm / hatch-vcs `tag_regex` the package declares for its own tags.
    pub tag_regex: Option<String>,
    /// Published anywhere: false for Cargo's `publish = false` (or `[]`), an npm
    /// `"private": true` package and a private pyproject (benches, examples, test crates).
    pub published: bool,
}

/// A workspace as its root manifest declares it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workspace {
    /// The members, in the order the manifests list them (duplicates and the root removed).
    pub members: Vec<Package>,
    /// The root's version fields are a package's (a Cargo `[package]`, a public pyproject or
    /// package.json), not only the workspace's.
    pub root_is_package: bool,
    /// Which manifest declares it, for messages: `Cargo.toml [workspace]`.
    pub declared_in: &'static str,
}

/// The most members read from one workspace: a glob over a huge directory must not make every
/// hook read thousands of manifests.
const MAX_MEMBERS: usize = 512;

/// The workspace the root declares, if any (`None`: a single-package repository). The root is
/// a package when any of its manifests says so: uv's root pyproject.toml beside its Cargo
/// workspace is the uv package.
pub fn workspace(reader: &dyn FileReader) -> Result<Option<Workspace>> {
    // Each root manifest is parsed once, for both questions.
    let cargo_root = toml_at::<CargoRoot>(reader, "Cargo.toml")?;
    let py_root = match &cargo_root {
        // A Cargo workspace needs the pyproject only to know whether the root is a package.
        Some(c) if c.workspace.is_some() && c.package.is_some() => None,
        _ => toml_at::<PyProject>(reader, "pyproject.toml")?,
    };
    let ws = match cargo(reader, cargo_root.as_ref())? {
        Some(ws) => Some(ws),
        None => match uv(reader, py_root.as_ref())? {
            Some(ws) => Some(ws),
            None => npm(reader)?,
        },
    };
    let Some(mut ws) = ws else {
        return Ok(None);
    };
    // Any root manifest that describes a package makes the root one.
    ws.root_is_package = ws.root_is_package
        || cargo_root.is_some_and(|c| c.package.is_some())
        || py_root.is_some_and(|p| p.project.is_some() && !private_pyproject(&p))
        || json_at::<PackageJson>(reader, "package.json")?
            .is_some_and(|p| !p.private && p.name.is_some());
    Ok(Some(ws))
}

fn text(reader: &dyn FileReader, path: &str) -> Result<Option<String>> {
    let Some(bytes) = reader.read(path)? else {
        return Ok(None);
    };
    String::from_utf8(bytes)
        .map(|t| Some(t.trim_start_matches('\u{feff}').to_string()))
        .map_err(|e| {
            Error::new(format!(
                "{path} is not UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
        })
}

fn toml_at<T: for<'de> Deserialize<'de>>(reader: &dyn FileReader, path: &str) -> Result<Option<T>> {
    let Some(t) = text(reader, path)? else {
        return Ok(None);
    };
    // The same message as the version sources' own TOML reader gives.
    crate::toml_once::from_str(&t).map(Some).map_err(|e| {
        let place = match e.span() {
            Some(s) => {
                let (line, col) = crate::config::line_col(&t, s.start);
                format!("{path}:{line}:{col}")
            }
            None => path.to_string(),
        };
        Error::new(format!("cannot read {place}: malformed TOML"))
            .caused_by(super::clip(e.message().trim(), 300))
    })
}

/// The member directories a list of globs names, expanded level by level through the reader
/// (git wildmatch on each path component, as Cargo, uv and npm read `crates/*`), minus the
/// `exclude` globs.
fn expand(reader: &dyn FileReader, globs: &[String], exclude: &[String]) -> Result<Vec<String>> {
    let mut dirs: Vec<String> = Vec::new();
    for g in globs {
        let Some(g) = normalize(g.trim_end_matches('/')) else {
            continue;
        };
        if g.is_empty() {
            continue;
        }
        let mut level = vec![String::new()];
        for part in g.split('/') {
            let mut next = Vec::new();
            for base in &level {
                if !part.contains(['*', '?', '[']) {
                    next.push(join(base, part));
                    continue;
                }
                for (name, is_dir) in reader.list(base)?.unwrap_or_default() {
                    if is_dir && !name.starts_with('.') && crate::glob::matches(part, &name) {
                        next.push(join(base, &name));
                    }
                }
            }
            level = next;
        }
        for d in level {
            let excluded = exclude
                .iter()
                .filter_map(|e| normalize(e.trim_end_matches('/')))
                .any(|e| crate::glob::matches(&e, &d));
            if !excluded && !dirs.contains(&d) {
                dirs.push(d);
            }
        }
        if dirs.len() > MAX_MEMBERS {
            return Err(Error::new(format!(
                "the workspace names more than {MAX_MEMBERS} member directories (`{g}`); \
                 name the package to check with versions.package"
            )));
        }
    }
    Ok(dirs)
}

// --- Cargo -------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct CargoRoot {
    workspace: Option<CargoWorkspace>,
    package: Option<toml::Value>,
}

#[derive(Deserialize)]
struct CargoWorkspace {
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    package: Option<CargoShared>,
}

/// `[workspace.package]`: what members inherit with `publish.workspace = true`.
#[derive(Deserialize)]
struct CargoShared {
    publish: Option<toml::Value>,
}

#[derive(Deserialize)]
struct CargoMember {
    package: Option<CargoPackage>,
}

#[derive(Deserialize)]
struct CargoPackage {
    name: Option<String>,
    publish: Option<toml::Value>,
}

/// Whether a Cargo `publish` value lets the package be published: `false` and `[]` do not;
/// `{ workspace = true }` takes the workspace's.
fn cargo_publishes(publish: Option<&toml::Value>, shared: Option<&toml::Value>) -> bool {
    match publish {
        Some(toml::Value::Boolean(b)) => *b,
        Some(toml::Value::Array(registries)) => !registries.is_empty(),
        Some(toml::Value::Table(t)) if t.get("workspace") == Some(&toml::Value::Boolean(true)) => {
            cargo_publishes(shared, None)
        }
        _ => true,
    }
}

/// A member manifest's package name and whether it is published (`Some(None)`: it names no
/// package), or `None` where `path` does not exist.
///
/// Read from the document parsed once, as the version sources read it: the typed view
/// (`CargoMember`) copied each member's `[package]` table to deserialize it, a fifth of
/// parsing the manifest again (uv's 70 members: 2 M instructions). A manifest whose values
/// are not of the types that view takes, or that does not parse, is read through the view,
/// which gives toml's error.
fn cargo_member(
    reader: &dyn FileReader,
    path: &str,
    shared: Option<&toml::Value>,
) -> Result<Option<Option<(String, bool)>>> {
    let Some(t) = text(reader, path)? else {
        return Ok(None);
    };
    if let Ok(doc) = crate::toml_once::parse(&t) {
        let package = doc.get("package").map(|p| p.get_ref());
        match package {
            None => return Ok(Some(None)),
            Some(DeValue::Table(p)) => match p.get("name").map(|n| n.get_ref()) {
                None => return Ok(Some(None)),
                Some(DeValue::String(name)) => {
                    // `publish` as the view takes it (seldom there, and small); one it
                    // cannot take is left to the view, which gives the error.
                    let publish = p
                        .get("publish")
                        .map(|v| {
                            toml::Value::deserialize(toml::de::ValueDeserializer::from(v.clone()))
                        })
                        .transpose();
                    if let Ok(publish) = publish {
                        let published = cargo_publishes(publish.as_ref(), shared);
                        return Ok(Some(Some((name.to_string(), published))));
                    }
                }
                Some(_) => {}
            },
            Some(_) => {}
        }
    }
    let Some(m) = toml_at::<CargoMember>(reader, path)? else {
        return Ok(None);
    };
    Ok(Some(m.package.and_then(|p| {
        let published = cargo_publishes(p.publish.as_ref(), shared);
        p.name.map(|name| (name, published))
    })))
}

fn cargo(reader: &dyn FileReader, root: Option<&CargoRoot>) -> Result<Option<Workspace>> {
    let Some(root) = root else {
        return Ok(None);
    };
    let Some(ws) = &root.workspace else {
        return Ok(None);
    };
    let mut members = Vec::new();
    let shared = ws.package.as_ref().and_then(|p| p.publish.as_ref());
    for dir in expand(reader, &ws.members, &ws.exclude)? {
        let path = join(&dir, "Cargo.toml");
        let Some(member) = cargo_member(reader, &path, shared)? else {
            continue;
        };
        if let Some((name, published)) = member {
            members.push(Package {
                name,
                dir,
                tag_regex: None,
                published,
            });
        }
    }
    Ok(Some(Workspace {
        members,
        root_is_package: root.package.is_some(),
        declared_in: "Cargo.toml [workspace]",
    }))
}

// --- uv ----------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct PyProject {
    project: Option<PyProjectTable>,
    #[serde(default)]
    tool: PyTools,
}

#[derive(Deserialize, Default)]
struct PyProjectTable {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    classifiers: Vec<String>,
}

#[derive(Deserialize, Default)]
struct PyTools {
    uv: Option<UvTable>,
    #[serde(rename = "vcs-versioning")]
    vcs_versioning: Option<ScmTable>,
    setuptools_scm: Option<ScmTable>,
    hatch: Option<HatchTable>,
}

#[derive(Deserialize)]
struct UvTable {
    workspace: Option<UvWorkspace>,
    package: Option<bool>,
}

#[derive(Deserialize)]
struct UvWorkspace {
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

impl PyProject {
    fn tag_regex(self) -> Option<String> {
        let tools = self.tool;
        let regexes = declared_regexes(tools.vcs_versioning, tools.setuptools_scm, tools.hatch);
        regexes.into_iter().next().map(|(re, _)| re)
    }
}

/// A workspace root pyproject that is not a package anyone publishes.
fn private_pyproject(p: &PyProject) -> bool {
    let project = p.project.as_ref();
    p.tool.uv.as_ref().and_then(|u| u.package) == Some(false)
        || project.is_none_or(|t| t.version.is_none() && t.name.is_none())
        || project.is_some_and(|t| {
            t.version.as_deref().is_some_and(|v| v.contains('+'))
                || t.classifiers.iter().any(|c| {
                    c.replace(' ', "")
                        .eq_ignore_ascii_case("Private::DoNotUpload")
                })
        })
}

fn uv(reader: &dyn FileReader, root: Option<&PyProject>) -> Result<Option<Workspace>> {
    let Some(root) = root else {
        return Ok(None);
    };
    let Some(ws) = root.tool.uv.as_ref().and_then(|u| u.workspace.as_ref()) else {
        return Ok(None);
    };
    let mut members = Vec::new();
    for dir in expand(reader, &ws.members, &ws.exclude)? {
        if dir.is_empty() {
            continue;
        }
        let path = join(&dir, "pyproject.toml");
        let Some(m) = toml_at::<PyProject>(reader, &path)? else {
            continue;
        };
        if let Some(name) = m.project.as_ref().and_then(|p| p.name.clone()) {
            let published = !private_pyproject(&m);
            members.push(Package {
                name,
                dir,
                tag_regex: m.tag_regex(),
                published,
            });
        }
    }
    Ok(Some(Workspace {
        members,
        root_is_package: !private_pyproject(root),
        declared_in: "pyproject.toml [tool.uv.workspace]",
    }))
}

// --- npm, yarn, pnpm ----------------------------------------------------------------------------

#[derive(Deserialize)]
struct PackageJson {
    name: Option<String>,
    #[serde(default)]
    private: bool,
    workspaces: Option<NpmWorkspaces>,
}

/// `"workspaces": [...]` (npm, yarn) or `{"packages": [...]}` (yarn classic).
#[derive(Deserialize)]
#[serde(untagged)]
enum NpmWorkspaces {
    List(Vec<String>),
    Table {
        #[serde(default)]
        packages: Vec<String>,
    },
}

fn json_at<T: for<'de> Deserialize<'de>>(reader: &dyn FileReader, path: &str) -> Result<Option<T>> {
    let Some(t) = text(reader, path)? else {
        return Ok(None);
    };
    serde_json::from_str(&t).map(Some).map_err(|e| {
        Error::new(format!(
            "cannot read {path}:{}:{}: malformed JSON",
            e.line(),
            e.column()
        ))
        .caused_by(super::clip(&e.to_string(), 300))
    })
}

/// pnpm-workspace.yaml's `packages:` list (`!glob` entries exclude).
fn pnpm_globs(reader: &dyn FileReader) -> Result<Option<(Vec<String>, Vec<String>)>> {
    let Some(t) = text(reader, "pnpm-workspace.yaml")? else {
        return Ok(None);
    };
    let docs = yaml_rust2::YamlLoader::load_from_str(&t).map_err(|e| {
        Error::new("cannot read pnpm-workspace.yaml as YAML").caused_by(e.to_string())
    })?;
    let (mut include, mut exclude) = (Vec::new(), Vec::new());
    if let Some(list) = docs.first().and_then(|d| d["packages"].as_vec()) {
        for item in list.iter().filter_map(|i| i.as_str()) {
            match item.strip_prefix('!') {
                Some(e) => exclude.push(e.to_string()),
                None => include.push(item.to_string()),
            }
        }
    }
    Ok(Some((include, exclude)))
}

fn npm(reader: &dyn FileReader) -> Result<Option<Workspace>> {
    let root = json_at::<PackageJson>(reader, "package.json")?;
    let (globs, exclude, declared_in) = match pnpm_globs(reader)? {
        Some((inc, exc)) => (inc, exc, "pnpm-workspace.yaml"),
        None => match root.as_ref().and_then(|r| r.workspaces.as_ref()) {
            Some(NpmWorkspaces::List(l)) => (l.clone(), Vec::new(), "package.json workspaces"),
            Some(NpmWorkspaces::Table { packages }) => {
                (packages.clone(), Vec::new(), "package.json workspaces")
            }
            None => return Ok(None),
        },
    };
    let mut members = Vec::new();
    for dir in expand(reader, &globs, &exclude)? {
        if dir.is_empty() {
            continue;
        }
        let path = join(&dir, "package.json");
        if let Some(m) = json_at::<PackageJson>(reader, &path)?
            && let Some(name) = m.name
        {
            members.push(Package {
                name,
                dir,
                tag_regex: None,
                published: !m.private,
            });
        }
    }
    Ok(Some(Workspace {
        members,
        root_is_package: root.is_some_and(|r| !r.private && r.name.is_some()),
        declared_in,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn names(ws: &Workspace) -> Vec<(&str, &str)> {
        ws.members
            .iter()
            .map(|p| (p.name.as_str(), p.dir.as_str()))
            .collect()
    }

    #[test]
    fn cargo_members_with_globs_and_excludes() {
        let files = mem(&[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\", \"tool\"]\nexclude = [\"crates/old\"]\n",
            ),
            (
                "crates/a/Cargo.toml",
                "[package]\nname = \"alpha\"\nversion = \"0.1.0\"\n",
            ),
            (
                "crates/b/Cargo.toml",
                "[package]\nname = \"beta\"\nversion.workspace = true\n",
            ),
            ("crates/old/Cargo.toml", "[package]\nname = \"old\"\n"),
            ("crates/notes/README.md", "not a crate\n"),
            ("tool/Cargo.toml", "[package]\nname = \"tool\"\n"),
        ]);
        let ws = workspace(&files).unwrap().unwrap();
        assert_eq!(
            names(&ws),
            [
                ("alpha", "crates/a"),
                ("beta", "crates/b"),
                ("tool", "tool")
            ]
        );
        assert!(!ws.root_is_package);
    }

    #[test]
    fn a_root_package_is_a_package_too() {
        let files = mem(&[
            (
                "Cargo.toml",
                "[package]\nname = \"ripgrep\"\nversion = \"15.2.0\"\n[workspace]\nmembers = [\"crates/grep\"]\n",
            ),
            ("crates/grep/Cargo.toml", "[package]\nname = \"grep\"\n"),
        ]);
        let ws = workspace(&files).unwrap().unwrap();
        assert!(ws.root_is_package);
        assert_eq!(names(&ws), [("grep", "crates/grep")]);
        assert!(
            workspace(&mem(&[("Cargo.toml", "[package]\nname = \"x\"\n")]))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn cargo_members_read_from_the_parsed_document_as_the_typed_view_reads_them() {
        let member = |publish: &str| format!("[package]\nname = \"m\"\n{publish}\n");
        let cases = [
            ("", true),
            ("publish = true", true),
            ("publish = false", false),
            ("publish = []", false),
            ("publish = [\"crates-io\"]", true),
            ("publish = \"odd\"", true),
            ("publish.workspace = true", false),
            ("publish = { workspace = false }", true),
        ];
        for (publish, want) in cases {
            let files = mem(&[
                (
                    "Cargo.toml",
                    "[workspace]\nmembers = [\"m\"]\n[workspace.package]\npublish = false\n",
                ),
                ("m/Cargo.toml", &member(publish)),
            ]);
            let ws = workspace(&files).unwrap().unwrap();
            assert_eq!(ws.members.len(), 1, "{publish}");
            assert_eq!(ws.members[0].published, want, "{publish}");
            // The same as the typed view says.
            let view: CargoMember = toml::from_str(&member(publish)).unwrap();
            let shared = toml::Value::Boolean(false);
            let p = view.package.unwrap();
            assert_eq!(cargo_publishes(p.publish.as_ref(), Some(&shared)), want);
        }
        // A manifest without a package name is no member; one whose values are not of the
        // types Cargo reads is an error at its place, as before.
        let root = "[workspace]\nmembers = [\"m\"]\n";
        for nameless in ["[package]\nversion = \"1.0.0\"\n", "[lib]\n"] {
            let files = mem(&[("Cargo.toml", root), ("m/Cargo.toml", nameless)]);
            assert!(workspace(&files).unwrap().unwrap().members.is_empty());
        }
        for (bad, place) in [("[package]\nname = 3\n", "2:8"), ("package = 1\n", "1:11")] {
            let files = mem(&[("Cargo.toml", root), ("m/Cargo.toml", bad)]);
            let e = workspace(&files).unwrap_err().to_string();
            assert!(
                e.contains(&format!("cannot read m/Cargo.toml:{place}: malformed TOML")),
                "{e}"
            );
        }
        let files = mem(&[("Cargo.toml", root), ("m/Cargo.toml", "[package\n")]);
        assert!(
            workspace(&files)
                .unwrap_err()
                .to_string()
                .contains("malformed TOML")
        );
    }

    #[test]
    fn cargo_publish_false_empty_or_inherited_is_unpublished() {
        let v = |t: &str| t.parse::<toml::Table>().unwrap()["p"].clone();
        let no = v("p = false");
        for (publish, want) in [
            (None, true),
            (Some(v("p = true")), true),
            (Some(no.clone()), false),
            (Some(v("p = []")), false),
            (Some(v("p = [\"crates-io\"]")), true),
            (Some(v("p = { workspace = true }")), false),
        ] {
            assert_eq!(
                cargo_publishes(publish.as_ref(), Some(&no)),
                want,
                "{publish:?}"
            );
        }
        assert!(cargo_publishes(Some(&v("p = { workspace = true }")), None));
    }

    #[test]
    fn uv_private_root_and_member_tag_regex() {
        let files = mem(&[
            (
                "pyproject.toml",
                "[project]\nname = \"w\"\nversion = \"0.1+private\"\n[tool.uv.workspace]\nmembers = [\"a\", \"b\"]\n",
            ),
            (
                "a/pyproject.toml",
                "[project]\nname = \"pkg-a\"\ndynamic = [\"version\"]\n[tool.setuptools_scm]\ntag_regex = '^pkg-a-(?P<version>v?[0-9.]+)$'\n",
            ),
            (
                "b/pyproject.toml",
                "[project]\nname = \"pkg-b\"\nversion = \"1.0.0\"\n",
            ),
        ]);
        let ws = workspace(&files).unwrap().unwrap();
        assert!(!ws.root_is_package);
        assert_eq!(names(&ws), [("pkg-a", "a"), ("pkg-b", "b")]);
        assert_eq!(
            ws.members[0].tag_regex.as_deref(),
            Some("^pkg-a-(?P<version>v?[0-9.]+)$")
        );
        // A public root with a workspace is a package.
        let files = mem(&[(
            "pyproject.toml",
            "[project]\nname = \"app\"\nversion = \"1.0.0\"\n[tool.uv.workspace]\nmembers = []\n",
        )]);
        assert!(workspace(&files).unwrap().unwrap().root_is_package);
        for private in [
            "[project]\nname = \"w\"\nversion = \"1.0.0\"\nclassifiers = [\"Private :: Do Not Upload\"]\n",
            "[project]\nname = \"w\"\nversion = \"1.0.0\"\n[tool.uv]\npackage = false\n",
        ] {
            let text = format!("{private}[tool.uv.workspace]\nmembers = []\n");
            let files = mem(&[("pyproject.toml", text.as_str())]);
            assert!(
                !workspace(&files).unwrap().unwrap().root_is_package,
                "{private}"
            );
        }
    }

    #[test]
    fn npm_yarn_and_pnpm_workspaces() {
        let files = mem(&[
            (
                "package.json",
                "{\"name\": \"root\", \"private\": true, \"workspaces\": [\"packages/*\"]}",
            ),
            (
                "packages/core/package.json",
                "{\"name\": \"@x/core\", \"version\": \"1.0.0\"}",
            ),
            (
                "packages/cli/package.json",
                "{\"name\": \"@x/cli\", \"version\": \"2.0.0\"}",
            ),
        ]);
        let ws = workspace(&files).unwrap().unwrap();
        assert_eq!(
            names(&ws),
            [("@x/cli", "packages/cli"), ("@x/core", "packages/core")]
        );
        assert!(!ws.root_is_package);
        let files = mem(&[
            (
                "package.json",
                "{\"name\": \"root\", \"workspaces\": {\"packages\": [\"lib\"]}}",
            ),
            ("lib/package.json", "{\"name\": \"lib\"}"),
        ]);
        let ws = workspace(&files).unwrap().unwrap();
        assert!(ws.root_is_package);
        assert_eq!(names(&ws), [("lib", "lib")]);
        let files = mem(&[
            (
                "pnpm-workspace.yaml",
                "packages:\n  - 'pkgs/*'\n  - '!pkgs/skip'\n",
            ),
            ("pkgs/one/package.json", "{\"name\": \"one\"}"),
            ("pkgs/skip/package.json", "{\"name\": \"skip\"}"),
        ]);
        let ws = workspace(&files).unwrap().unwrap();
        assert_eq!(names(&ws), [("one", "pkgs/one")]);
        assert_eq!(ws.declared_in, "pnpm-workspace.yaml");
    }

    #[test]
    fn hostile_globs_are_bounded() {
        let mut owned: Vec<(String, String)> = (0..600)
            .map(|i| {
                (
                    format!("c/d{i}/Cargo.toml"),
                    "[package]\nname = \"x\"\n".to_string(),
                )
            })
            .collect();
        owned.push((
            "Cargo.toml".into(),
            "[workspace]\nmembers = [\"c/*\"]\n".into(),
        ));
        let files: Vec<(&str, &str)> = owned
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let e = workspace(&mem(&files)).unwrap_err().to_string();
        assert!(e.contains("more than 512"), "{e}");
    }
}
