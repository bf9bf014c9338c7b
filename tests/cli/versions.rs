//! check-version-sync over real repositories: every kind of source read through the binary at
//! its exact position, every rule failing and passing, dependencies that must never be taken for
//! the project's version, history (tags behind, ahead, on HEAD, shallow clones), the three trees
//! it reads (work tree, index, commit) and input it must refuse.

use crate::util::{Repo, Run};

const CVS: &str = "check-version-sync";

fn pyproject(version: &str) -> String {
    format!("[project]\nname = \"demo\"\nversion = \"{version}\"\n")
}

fn cargo(version: &str) -> String {
    format!("[package]\nname = \"demo\"\nversion = \"{version}\"\n")
}

fn package_json(version: &str) -> String {
    format!("{{\n  \"name\": \"demo\",\n  \"version\": \"{version}\"\n}}\n")
}

/// `--list` output (the exit code is the caller's business).
/// The `--list` lines (the findings that follow a failing list are tested where they matter).
fn listing(r: &Repo, args: &[&str]) -> String {
    let mut all = vec!["--list"];
    all.extend_from_slice(args);
    r.relgate(CVS, &all)
        .stdout
        .lines()
        .take_while(|l| !l.contains(": error[") && !l.contains(": warn["))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The human report without the trailing verdict line.
fn findings(run: &Run) -> String {
    let mut lines: Vec<&str> = run.stdout.lines().collect();
    let last = lines.pop().unwrap_or("");
    assert!(last.starts_with("check-version-sync: "), "{}", run.stdout);
    lines.iter().map(|l| format!("{l}\n")).collect()
}

const NO_TAGS: &str = "version-no-tags: note[version-no-tags] no release tags in the repository: \
                       not compared with the last release (if this clone lacks them: git fetch --tags)\n";

/// Every auto-detected kind in one repository, each next to dependencies pinned to the very
/// same number: the list has exactly one line per real source.
fn every_source(r: &Repo, v: &str) {
    r.write(
        "pyproject.toml",
        &format!(
            "[project]\nname = \"demo\"\nversion = \"{v}\"\n\
             dependencies = [\"numpy=={v}\", \"version=={v}\"]\n\n\
             [project.optional-dependencies]\nversion = [\"demo=={v}\"]\n\n\
             [tool.poetry]\nversion = \"{v}\"\n\n\
             [tool.poetry.dependencies]\nversion = \"{v}\"\n"
        ),
    );
    r.write(
        "setup.cfg",
        &format!("[metadata]\nname = demo\nversion = {v}\n\n[options]\ninstall_requires =\n    version=={v}\n"),
    );
    r.write(
        "src/demo/__init__.py",
        &format!("\"\"\"Demo.\"\"\"\n__version__ = \"{v}\"\n"),
    );
    r.write("src/demo/_version.py", &format!("__version__ = '{v}'\n"));
    r.write(
        "src/demo/__about__.py",
        &format!("# about\nversion = \"{v}\"\n__version__: str = \"{v}\"  # keep\n"),
    );
    r.write(
        "Cargo.toml",
        &format!(
            "[package]\nname = \"demo\"\nversion = \"{v}\"\n\n\
             [dependencies]\nfoo = \"{v}\"\nbar = {{ version = \"{v}\" }}\n\n\
             [dependencies.version]\nversion = \"{v}\"\n"
        ),
    );
    r.write(
        "package.json",
        &format!(
            "{{\n  \"name\": \"demo\",\n  \"version\": \"{v}\",\n  \"devDependencies\": {{\n    \"version\": \"{v}\"\n  }}\n}}\n"
        ),
    );
    r.write(
        "package-lock.json",
        &format!(
            "{{\n  \"name\": \"demo\",\n  \"version\": \"{v}\",\n  \"lockfileVersion\": 3,\n  \"packages\": {{\n    \"\": {{\n      \"name\": \"demo\",\n      \"version\": \"{v}\"\n    }},\n    \"node_modules/version\": {{\n      \"version\": \"{v}\"\n    }}\n  }}\n}}\n"
        ),
    );
    r.write("VERSION", &format!("{v}\n"));
    r.write(
        "CITATION.cff",
        &format!("cff-version: 1.2.0\ntitle: demo\nversion: {v}\nreferences:\n  - title: dep\n    version: {v}\n"),
    );
    r.write(
        "recipe/meta.yaml",
        &format!("{{% set name = \"demo\" %}}\n{{% set version = \"{v}\" %}}\npackage:\n  version: {{{{ version }}}}\nrequirements:\n  run:\n    - numpy {v}\n"),
    );
    r.write(
        "Chart.yaml",
        &format!("apiVersion: v2\nname: demo\nversion: {v}\nappVersion: \"{v}\"\ndependencies:\n  - name: redis\n    version: {v}\n"),
    );
}

#[test]
fn every_auto_detected_source_at_its_own_position_and_no_dependency() {
    let r = Repo::new();
    every_source(&r, "0.4.0");
    assert_eq!(
        listing(&r, &[]),
        "pyproject.toml:3:12  [project].version  0.4.0  0.4.0\n\
         pyproject.toml:10:12  [tool.poetry].version  0.4.0  0.4.0\n\
         setup.cfg:3:11  [metadata].version  0.4.0  0.4.0\n\
         src/demo/__init__.py:2:16  __version__  0.4.0  0.4.0\n\
         src/demo/_version.py:1:16  __version__  0.4.0  0.4.0\n\
         src/demo/__about__.py:3:21  __version__  0.4.0  0.4.0\n\
         Cargo.toml:3:12  [package].version  0.4.0  0.4.0\n\
         package.json:3:15  version  0.4.0  0.4.0\n\
         package-lock.json:3:15  version  0.4.0  0.4.0\n\
         package-lock.json:8:19  packages[\"\"].version  0.4.0  0.4.0\n\
         VERSION:1:1  first line  0.4.0  0.4.0\n\
         CITATION.cff:3:10  version  0.4.0  0.4.0\n\
         recipe/meta.yaml:2:19  {% set version %}  0.4.0  0.4.0\n\
         Chart.yaml:3:10  version  0.4.0  0.4.0\n"
    );
    r.relgate(CVS, &[])
        .code(0)
        .stdout_has("14 version sources agree on 0.4.0");

    // Every dependency and foreign `version` key changed to another number: still 14 agreeing
    // sources, so none of them was ever read.
    every_source(&r, "0.4.0");
    for (file, from, to) in [
        ("pyproject.toml", "numpy==0.4.0", "numpy==9.9.9"),
        ("pyproject.toml", "\"version==0.4.0\"", "\"version==9.9.9\""),
        ("pyproject.toml", "demo==0.4.0", "demo==9.9.9"),
        (
            "pyproject.toml",
            "[tool.poetry.dependencies]\nversion = \"0.4.0\"",
            "[tool.poetry.dependencies]\nversion = \"9.9.9\"",
        ),
        ("setup.cfg", "version==0.4.0", "version==9.9.9"),
        (
            "src/demo/__about__.py",
            "version = \"0.4.0\"",
            "version = \"9.9.9\"",
        ),
        ("Cargo.toml", "foo = \"0.4.0\"", "foo = \"9.9.9\""),
        (
            "Cargo.toml",
            "bar = { version = \"0.4.0\" }",
            "bar = { version = \"9.9.9\" }",
        ),
        (
            "Cargo.toml",
            "[dependencies.version]\nversion = \"0.4.0\"",
            "[dependencies.version]\nversion = \"9.9.9\"",
        ),
        (
            "package.json",
            "    \"version\": \"0.4.0\"",
            "    \"version\": \"9.9.9\"",
        ),
        (
            "package-lock.json",
            "      \"version\": \"0.4.0\"\n    }\n  }",
            "      \"version\": \"9.9.9\"\n    }\n  }",
        ),
        ("CITATION.cff", "    version: 0.4.0", "    version: 9.9.9"),
        ("recipe/meta.yaml", "numpy 0.4.0", "numpy 9.9.9"),
        (
            "Chart.yaml",
            "appVersion: \"0.4.0\"",
            "appVersion: \"9.9.9\"",
        ),
        ("Chart.yaml", "    version: 0.4.0", "    version: 9.9.9"),
    ] {
        let p = r.path().join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{file}: {from:?} in\n{text}");
        std::fs::write(&p, text.replace(from, to)).unwrap();
    }
    let run = r.relgate(CVS, &[]);
    run.code(0)
        .stdout_has("14 version sources agree on 0.4.0")
        .stdout_lacks("9.9.9");
    assert!(!listing(&r, &[]).contains("9.9.9"));
}

#[test]
fn flat_layout_and_setuptools_attr_through_an_import() {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\ndynamic = [\"version\"]\n\n\
         [tool.setuptools.dynamic]\nversion = {attr = \"demo.__version__\"}\n",
    );
    r.write("demo/__init__.py", "from ._version import __version__\n");
    r.write("demo/_version.py", "# generated\n__version__ = \"2.0.0\"\n");
    assert_eq!(
        listing(&r, &[]),
        "demo/_version.py:2:16  __version__  2.0.0  2.0.0\n"
    );
    r.relgate(CVS, &[]).code(0);

    // The attribute's module without the value: the declaration yields nothing.
    r.write("demo/_version.py", "# generated\n");
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "pyproject.toml:6:20: error[version-not-found] [tool.setuptools.dynamic] version attr in \
         pyproject.toml yields no version: demo/_version.py assigns no string literal (or tuple \
         of numbers) to `__version__` at the start of a line\n"
    );
    // A tuple of numbers is the version setuptools joins (dulwich's `(1, 2, 21)`).
    r.write("demo/_version.py", "__version__ = (2, 0, 0)  # joined\n");
    r.relgate(CVS, &[])
        .code(0)
        .stdout_has("1 version source: 2.0.0");
    r.relgate(CVS, &["--list"])
        .code(0)
        .stdout_has("demo/_version.py:1:15");

    // Flat layout without any declaration: demo/__init__.py is found by the project name.
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"2.0.0\"\n",
    );
    r.write(
        "demo/__init__.py",
        "\"\"\"Demo.\"\"\"\n\n__version__ = \"2.0.1\"\n",
    );
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "demo/__init__.py:3:16: error[version-mismatch] __version__ says 2.0.1, but [project].version \
         (pyproject.toml:3) says 2.0.0\n  help: make every source say the same version (compared by \
         PEP 440 equality)\n"
    );
}

#[test]
fn setuptools_file_and_hatch_path_are_followed() {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\ndynamic = [\"version\"]\n\n\
         [tool.setuptools.dynamic]\nversion = {file = [\"VERSION.txt\"]}\n",
    );
    r.write("VERSION.txt", "\n  2.1.0  \n");
    assert_eq!(
        listing(&r, &[]),
        "VERSION.txt:2:3  contents  2.1.0  2.1.0\n"
    );
    r.relgate(CVS, &[]).code(0);
    r.write("VERSION.txt", "\n\n");
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "pyproject.toml:6:21: error[version-not-found] [tool.setuptools.dynamic] version file in \
         pyproject.toml yields no version: VERSION.txt is empty\n"
    );

    // Hatch's regex source at a path no auto-detection would look at.
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\ndynamic = [\"version\"]\n\n\
         [tool.hatch.version]\npath = \"lib/info.py\"\n",
    );
    r.write("lib/info.py", "AUTHOR = 'x'\n__version__ = \"2.2.0\"\n");
    assert_eq!(
        listing(&r, &[]),
        "lib/info.py:2:16  __version__  2.2.0  2.2.0\n"
    );
    r.write("lib/info.py", "AUTHOR = 'x'\n");
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "pyproject.toml:6:9: error[version-not-found] [tool.hatch.version] path in pyproject.toml \
         yields no version: no `__version__ = \"...\"` line (or the configured pattern) in lib/info.py\n"
    );
}

#[test]
fn setuptools_scm_and_hatch_vcs_are_dynamic_notes_not_compared() {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[build-system]\nrequires = [\"setuptools>=64\", \"setuptools-scm>=8\"]\n\n\
         [project]\nname = \"demo\"\ndynamic = [\"version\"]\n\n[tool.setuptools_scm]\n",
    );
    let run = r.relgate(CVS, &["--deny-warnings"]);
    run.code(0);
    assert_eq!(
        findings(&run),
        "pyproject.toml:8:7: note[version-dynamic] the version comes from the git tag at build time \
         (setuptools_scm)\n"
    );
    assert_eq!(
        listing(&r, &[]),
        "pyproject.toml:8:7  dynamic  setuptools_scm  (from the git tag)\n"
    );
    let v = r.relgate(CVS, &["--format", "json"]).json();
    assert_eq!(
        v["sources"],
        serde_json::json!([{
            "path": "pyproject.toml", "line": 8, "column": 7, "kind": "dynamic",
            "raw": null, "normalized": null, "ecosystem": "setuptools_scm",
        }])
    );

    // Only declared in build-system.requires: the note points at the requirement.
    r.write(
        "pyproject.toml",
        "[build-system]\nrequires = [\"setuptools>=64\", \"setuptools_scm[toml]>=8\"]\n\n\
         [project]\nname = \"demo\"\ndynamic = [\"version\"]\n",
    );
    let run = r.relgate(CVS, &[]);
    run.code(0).stdout_has(
        "pyproject.toml:2:32: note[version-dynamic] the version comes from the git tag at build time (setuptools_scm)",
    );

    // The layout before pyproject.toml: setup.py's `use_scm_version`, and `[tool.vcs-versioning]`.
    std::fs::remove_file(r.path().join("pyproject.toml")).unwrap();
    r.write(
        "setup.py",
        "from setuptools import setup\nsetup(\n    name=\"demo\",\n    use_scm_version=True,\n)\n",
    );
    r.relgate(CVS, &[]).code(0).stdout_has(
        "setup.py:4:5: note[version-dynamic] the version comes from the git tag at build time (setuptools_scm)",
    );
    std::fs::remove_file(r.path().join("setup.py")).unwrap();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\ndynamic = [\"version\"]\n[tool.vcs-versioning]\n",
    );
    r.relgate(CVS, &[]).code(0).stdout_has(
        "pyproject.toml:4:7: note[version-dynamic] the version comes from the git tag at build time (vcs-versioning)",
    );

    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\ndynamic = [\"version\"]\n\n[tool.hatch.version]\nsource = \"vcs\"\n",
    );
    // A static source beside a dynamic one is still read and compared with the others.
    r.write("VERSION", "9.0.0\n");
    r.write("Cargo.toml", &cargo("9.0.1"));
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "pyproject.toml:6:11: note[version-dynamic] the version comes from the git tag at build time (hatch-vcs)\n\
         VERSION:1:1: error[version-mismatch] first line says 9.0.0, but [package].version (Cargo.toml:3) says 9.0.1\n  \
         help: make every source say the same version (compared by PEP 440 equality)\n"
    );
}

#[test]
fn cargo_workspace_and_inheriting_members() {
    let r = Repo::new();
    r.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/a\"]\n\n[workspace.package]\nversion = \"0.5.0\"\n\n\
         [package]\nname = \"root\"\nversion.workspace = true\n\n[workspace.dependencies]\na = { path = \"crates/a\", version = \"0.5.0\" }\n",
    );
    r.write(
        "crates/a/Cargo.toml",
        "[package]\nname = \"a\"\nversion = { workspace = true }\n",
    );
    // The member's version is the one it inherits, listed under its name.
    assert_eq!(
        listing(&r, &[]),
        "Cargo.toml:5:12  [workspace.package].version  0.5.0  0.5.0\n\
         Cargo.toml:5:12  [workspace.package].version  0.5.0  0.5.0  package a\n"
    );
    r.relgate(CVS, &[])
        .code(0)
        .stdout_has("1 version source: 0.5.0");

    // Nothing to inherit: both inheriting manifests say so, and nothing else is claimed.
    r.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/a\"]\n\n[package]\nname = \"root\"\nversion.workspace = true\n",
    );
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "Cargo.toml:6:1: error[version-not-found] [package].version.workspace in Cargo.toml yields no \
         version: there is no [workspace.package].version to inherit\n\
         crates/a/Cargo.toml:3:11: error[version-not-found] package a: [package].version.workspace in \
         crates/a/Cargo.toml yields no version: the root Cargo.toml has no [workspace.package].version to inherit\n"
    );
}

#[test]
fn a_configured_key_in_cargo_s_dependency_tables_is_read() {
    // The built-in Cargo source reads the same manifest first; what it keeps has no
    // dependency tables, and the configured key still finds its value.
    let r = Repo::new();
    r.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"1.0.0\"\n\n\
         [dependencies]\napp-core = { path = \"core\", version = \"1.0.0\" }\n",
    );
    r.write(
        "relgate.toml",
        "[[versions.source]]\npath = \"Cargo.toml\"\nkey = \"dependencies.app-core.version\"\n",
    );
    let run = r.relgate(CVS, &["--list"]);
    let list = &run.code(0).stdout;
    assert!(
        list.contains("Cargo.toml:6:40  dependencies.app-core.version  1.0.0"),
        "{list}"
    );
    r.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"1.1.0\"\n\n\
         [dependencies]\napp-core = { path = \"core\", version = \"1.0.0\" }\n",
    );
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert!(
        findings(&run).starts_with(
            "Cargo.toml:6:40: error[version-mismatch] dependencies.app-core.version says 1.0.0"
        ),
        "{}",
        findings(&run)
    );
}

#[test]
fn configured_key_and_pattern_sources() {
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.0.0"));
    r.write("docs/conf.py", "project = \"demo\"\nrelease = \"1.0.0\"\n");
    r.write("tool.toml", "[tool.mytool]\nversion = \"1.0.0\"\n");
    r.write(
        "app.json",
        "{\"app\": {\"version\": \"1.0.1\"}, \"version\": \"7\"}\n",
    );
    r.write(
        "relgate.toml",
        "[[versions.source]]\npath = \"docs/conf.py\"\npattern = '^release = \"(?P<version>[^\"]+)\"'\n\n\
         [[versions.source]]\npath = \"tool.toml\"\nkey = \"tool.mytool.version\"\n\n\
         [[versions.source]]\npath = \"app.json\"\nkey = \"app.version\"\n",
    );
    // A failing list says why after the sources (exit 1 is never silent).
    assert_eq!(
        r.relgate(CVS, &["--list"]).code(1).stdout,
        "pyproject.toml:3:12  [project].version  1.0.0  1.0.0\n\
         docs/conf.py:2:12  pattern  1.0.0  1.0.0\n\
         tool.toml:2:12  tool.mytool.version  1.0.0  1.0.0\n\
         app.json:1:22  app.version  1.0.1  1.0.1\n\
         app.json:1:22: error[version-mismatch] app.version says 1.0.1, but [project].version (pyproject.toml:3) says 1.0.0\n  \
         help: make every source say the same version (compared by PEP 440 equality)\n"
    );
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "app.json:1:22: error[version-mismatch] app.version says 1.0.1, but [project].version \
         (pyproject.toml:3) says 1.0.0\n  help: make every source say the same version (compared by \
         PEP 440 equality)\n"
    );
    r.write("app.json", "{\"app\": {\"version\": \"1.0.0\"}}\n");
    r.relgate(CVS, &[])
        .code(0)
        .stdout_has("4 version sources agree on 1.0.0");

    // Each configured source yielding nothing is its own error.
    r.write("docs/conf.py", "project = \"demo\"\n");
    r.write("tool.toml", "[tool.other]\nversion = \"1.0.0\"\n");
    std::fs::remove_file(r.path().join("app.json")).unwrap();
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "docs/conf.py: error[version-not-found] configured version source docs/conf.py (versions.source[0]) \
         has no line matching `^release = \"(?P<version>[^\"]+)\"`\n\
         tool.toml: error[version-not-found] configured version source tool.toml (versions.source[1]) \
         has no key `tool.mytool.version`\n\
         app.json: error[version-not-found] configured version source app.json (versions.source[2]) \
         does not exist\n1 version source: 1.0.0\n"
    );
}

#[test]
fn mismatch_is_reported_at_each_disagreeing_source_against_the_first() {
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.0.0"));
    r.write("src/demo/__init__.py", "__version__ = \"1.0.1\"\n");
    r.write("Cargo.toml", &cargo("1.1.0"));
    r.write("package.json", &package_json("1.0.0"));
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "src/demo/__init__.py:1:16: error[version-mismatch] __version__ says 1.0.1, but [project].version \
         (pyproject.toml:3) says 1.0.0\n  help: make every source say the same version (compared by PEP 440 equality)\n\
         Cargo.toml:3:12: error[version-mismatch] [package].version says 1.1.0, but [project].version \
         (pyproject.toml:3) says 1.0.0\n  help: make every source say the same version (compared by PEP 440 equality)\n\
         check-version-sync: failed (2 errors, 0 warnings)\n"
    );
    let v = r.relgate(CVS, &["--format", "json"]).json();
    assert_eq!(v["ok"], false);
    let at: Vec<(String, u64, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["rule"], "version-mismatch");
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            ("src/demo/__init__.py".to_string(), 1, 16),
            ("Cargo.toml".to_string(), 3, 12)
        ]
    );
}

#[test]
fn prerelease_spellings_agree_across_ecosystems_but_not_between_semver_files() {
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.2.0rc1"));
    r.write("Cargo.toml", &cargo("1.2.0-rc.1"));
    r.relgate(CVS, &["--deny-warnings"])
        .code(0)
        .stdout_has("2 version sources agree on 1.2.0rc1");

    std::fs::remove_file(r.path().join("pyproject.toml")).unwrap();
    r.write("package.json", &package_json("1.2.0-rc1"));
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "package.json:3:15: error[version-mismatch] version says 1.2.0-rc1, but [package].version \
         (Cargo.toml:3) says 1.2.0-rc.1\n  help: make every source say the same version (compared by exact SemVer)\n"
    );
}

#[test]
fn invalid_versions_in_their_own_ecosystem() {
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.2.0-SNAPSHOT"));
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "pyproject.toml:3:12: error[version-invalid] [project].version in pyproject.toml is \
         `1.2.0-SNAPSHOT`: not a PEP 440 version: after parsing `1.2.0`, found `-SNAPSHOT`, which is \
         not part of a valid version\n  help: write a PEP 440 version such as 1.2.0 or 1.2.0rc1\n"
    );

    std::fs::remove_file(r.path().join("pyproject.toml")).unwrap();
    r.write("Cargo.toml", &cargo("1.2"));
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "Cargo.toml:3:12: error[version-invalid] [package].version in Cargo.toml is `1.2`: not a \
         SemVer 2.0.0 version (MAJOR.MINOR.PATCH[-PRE][+BUILD]): unexpected end of input while parsing \
         minor version number; SemVer needs all three numbers, MAJOR.MINOR.PATCH\n  help: write a SemVer \
         version such as 1.2.0 or 1.2.0-rc.1\n"
    );

    r.write("Cargo.toml", "[package]\nname = \"demo\"\nversion = 1\n");
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "Cargo.toml:3:11: error[version-invalid] [package].version in Cargo.toml is an integer, not a \
         version string\n  help: write the version as a string, e.g. \"1.2.0\"\n"
    );

    // A VERSION file follows the project's ecosystem: `1.2` is PEP 440 beside pyproject, and no
    // SemVer beside Cargo.toml.
    r.write("Cargo.toml", &cargo("1.2.0"));
    r.write("VERSION", "1.2\n");
    r.relgate(CVS, &[]).code(1).stdout_has(
        "VERSION:1:1: error[version-invalid] first line in VERSION is `1.2`: not a SemVer 2.0.0 version",
    );
    std::fs::remove_file(r.path().join("Cargo.toml")).unwrap();
    r.write("pyproject.toml", &pyproject("1.2.0"));
    let run = r.relgate(CVS, &[]);
    run.code(0).stdout_has("2 version sources agree on 1.2.0");
    assert_eq!(
        findings(&run),
        "VERSION:1:1: warn[version-non-canonical] first line says 1.2, which equals 1.2.0 \
         (pyproject.toml:3) under PEP 440 but is written differently\n  help: write the version the same \
         way in every source\n2 version sources agree on 1.2.0\n"
    );
    r.write("VERSION", "1.2.0\n");
    r.relgate(CVS, &[]).code(0).stdout_lacks("[version-");
}

#[test]
fn a_stale_second_version_line_is_version_multiple() {
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.2.0"));
    r.write(
        "src/demo/__init__.py",
        "\"\"\"Demo.\"\"\"\n__version__ = \"1.2.0\"\n__version__ = \"1.1.0\"\n",
    );
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "src/demo/__init__.py:2:16: error[version-multiple] __version__ in src/demo/__init__.py is set \
         to `1.2.0` here and to `1.1.0` at line 3\n  help: keep one value: a stale line beside the right \
         one is how versions drift\n\
         src/demo/__init__.py:3:16: error[version-multiple] __version__ in src/demo/__init__.py is set \
         to `1.1.0` here and to `1.2.0` at line 2\n  help: keep one value: a stale line beside the right \
         one is how versions drift\n2 version sources agree on 1.2.0\n"
    );
    // The same value twice is not a conflict.
    r.write(
        "src/demo/__init__.py",
        "__version__ = \"1.2.0\"\n__version__ = \"1.2.0\"\n",
    );
    r.relgate(CVS, &[])
        .code(0)
        .stdout_has("2 version sources agree on 1.2.0");
}

#[test]
fn no_source_at_all_is_version_not_found() {
    let r = Repo::new();
    r.write("README.md", "version = \"1.0.0\"\n");
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        run.stdout,
        "version-not-found: error[version-not-found] no version source found\n  help: relgate reads \
         pyproject.toml, setup.cfg, setup.py, the package's __init__.py, _version.py, __version__.py, \
         version.py and __about__.py, Cargo.toml, package.json, VERSION, CITATION.cff, meta.yaml and \
         Chart.yaml at the work-tree root (and in each member of a Cargo, uv, npm or pnpm \
         workspace), and the files a bump tool's configuration lists \
         (bump-my-version, commitizen, tbump, semantic-release, rooster, release-please); configure \
         others under [[versions.source]]\ncheck-version-sync: failed (1 error, 0 warnings)\n"
    );
    // auto-detect off: an ordinary pyproject is not read either.
    r.write("pyproject.toml", &pyproject("1.0.0"));
    r.relgate(CVS, &[]).code(0);
    r.write("relgate.toml", "[versions]\nauto-detect = false\n");
    r.relgate(CVS, &[])
        .code(1)
        .stdout_has("error[version-not-found] no version source found");
}

/// pyproject at `v` committed on main, tagged (annotated) when `tag` is given.
fn committed(r: &Repo, v: &str, tag: Option<&str>) {
    r.commit_file("pyproject.toml", &pyproject(v), &format!("version {v}"));
    if let Some(t) = tag {
        r.tag(t, None);
    }
}

#[test]
fn head_on_a_release_tag_and_expect_require_equality() {
    let r = Repo::new();
    committed(&r, "3.3.0", Some("v3.3.0"));
    r.relgate(CVS, &[])
        .code(0)
        .stdout_lacks("version-tag-mismatch");
    // A tag on the commit before the bump: the committed file says 3.4.0, the tag v3.3.0.
    let r = Repo::new();
    committed(&r, "3.3.0", None);
    committed(&r, "3.4.0", Some("v3.3.0"));
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "pyproject.toml:3:12: error[version-tag-mismatch] [project].version says 3.4.0, but the commit \
         is tagged v3.3.0\n  help: set it to 3.3.0\n1 version source: 3.4.0\n"
    );
    r.relgate(CVS, &["--at", "HEAD"]).code(1);
    // A file that lags the release tag on its commit is told once what to say (the tag's
    // version), not also that its bump was lost ("set it above"): one place, one fix.
    let r = Repo::new();
    committed(&r, "3.2.0", Some("v3.2.0"));
    r.commit_file(
        "README.md",
        "3.3.0\n",
        "the 3.3.0 release, without its bump",
    );
    r.tag("v3.3.0", None);
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "pyproject.toml:3:12: error[version-tag-mismatch] [project].version says 3.2.0, but the commit \
         is tagged v3.3.0\n  help: set it to 3.3.0\n1 version source: 3.2.0\n"
    );
    // Changed since that commit, it is the lost bump again.
    r.write("pyproject.toml", &pyproject("3.1.0"));
    r.relgate(CVS, &[])
        .code(1)
        .stdout_has("error[version-behind-tag]")
        .stdout_lacks("version-tag-mismatch");
    // The bump after a release, in the work tree and in the commit that makes it (as a real
    // pre-commit hook): the next version being prepared, not a wrong one.
    let r = Repo::new();
    committed(&r, "3.3.0", Some("v3.3.0"));
    r.write("pyproject.toml", &pyproject("3.4.0"));
    r.relgate(CVS, &[])
        .code(0)
        .stdout_lacks("version-tag-mismatch");
    r.relgate(CVS, &["--at", "HEAD"]).code(0);
    r.install_hook(CVS, "pre-commit");
    r.git(&["commit", "-qam", "bump to 3.4.0"]).code(0);
    // Lower than the tag is still the lost bump.
    r.git(&["reset", "-q", "--hard", "v3.3.0"]).code(0);
    r.write("pyproject.toml", &pyproject("3.2.9"));
    r.relgate(CVS, &[])
        .code(1)
        .stdout_has("error[version-behind-tag]");
    r.write("pyproject.toml", &pyproject("3.4.0"));
    // --expect replaces the tag at HEAD as the version the sources must hold.
    r.relgate(CVS, &["--expect", "3.4.0"]).code(0);
    let run = r.relgate(CVS, &["--expect", "v3.5.0"]);
    run.code(1).stdout_has(
        "pyproject.toml:3:12: error[version-tag-mismatch] [project].version says 3.4.0, but --expect says v3.5.0\n  help: set it to 3.5.0\n",
    );
    r.relgate(CVS, &["--expect", "3.5"]).code(2).stderr_has(
        "--expect `3.5` is not a valid release version: missing PATCH: expected vMAJOR.MINOR.PATCH",
    );

    // PEP 440 equality for Python files, exact SemVer for Cargo.
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.2.0rc1"));
    r.write("Cargo.toml", &cargo("1.2.0-rc.1"));
    r.git(&["add", "."]).code(0);
    r.commit("rc");
    r.tag("v1.2.0-rc.1", None);
    r.relgate(CVS, &["--deny-warnings"]).code(0);
    let run = r.relgate(CVS, &["--expect", "v1.2.0-rc1"]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "Cargo.toml:3:12: error[version-tag-mismatch] [package].version says 1.2.0-rc.1, but --expect \
         says v1.2.0-rc1\n  help: set it to 1.2.0-rc1\n2 version sources agree on 1.2.0rc1\n"
    );
}

#[test]
fn ahead_of_the_last_tag_is_fine_behind_it_is_an_error() {
    let r = Repo::new();
    committed(&r, "3.2.0", Some("v3.2.0"));
    for i in 1..=4 {
        r.commit(&format!("work {i}"));
    }
    committed(&r, "3.3.0", None);
    assert!(r.git_out(&["describe"]).starts_with("v3.2.0-5-g"));
    let run = r.relgate(CVS, &[]);
    run.code(0);
    assert_eq!(
        run.stdout,
        "1 version source: 3.3.0\ncheck-version-sync: passed (0 errors, 0 warnings)\n"
    );

    r.write("pyproject.toml", &pyproject("3.1.9"));
    let run = r.relgate(CVS, &[]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "pyproject.toml:3:12: error[version-behind-tag] [project].version says 3.1.9, lower than release \
         tag v3.2.0, which is in this commit's history\n  help: the version bump was lost: set it above \
         3.2.0\n1 version source: 3.1.9\n"
    );
    // A higher tag that is not in HEAD's history does not count; nor does a non-release tag.
    r.write("pyproject.toml", &pyproject("3.3.0"));
    r.git(&["switch", "-q", "-c", "other", "HEAD~2"]).code(0);
    r.commit("elsewhere");
    r.tag("v9.0.0", None);
    r.git(&["tag", "latest"]).code(0);
    r.git(&["switch", "-q", "main"]).code(0);
    r.relgate(CVS, &[]).code(0).stdout_lacks("v9.0.0");
}

/// The history is first read newest first, down to the tag's commit date; a tag that is not
/// met there is asked of the merge base, so a commit dated wrongly changes nothing.
#[test]
fn a_tag_below_head_counts_whatever_the_commit_dates_say() {
    let dated = |r: &Repo, date: &str, v: &str| {
        r.write("pyproject.toml", &pyproject(v));
        r.git(&["add", "pyproject.toml"]).code(0);
        let mut cmd = r.command("git");
        cmd.args(["commit", "-q", "-m", &format!("version {v}")])
            .env("GIT_COMMITTER_DATE", date);
        assert!(cmd.status().unwrap().success());
    };
    // The release commit's clock was four years fast: HEAD looks older than its own ancestor.
    let r = Repo::new();
    dated(&r, "2030-01-01T00:00:00Z", "3.2.0");
    r.tag("v3.2.0", None);
    for i in 1..=3 {
        r.commit(&format!("work {i}"));
    }
    committed(&r, "3.1.9", None);
    r.relgate(CVS, &[]).code(1).stdout_has(
        "error[version-behind-tag] [project].version says 3.1.9, lower than release tag v3.2.0, \
         which is in this commit's history",
    );
    // A higher tag dated long before HEAD's history, on another branch: read down to its
    // date, not met, and the merge base says it is not below HEAD.
    r.git(&["switch", "-q", "-c", "other", "v3.2.0"]).code(0);
    dated(&r, "2020-01-01T00:00:00Z", "9.0.0");
    r.tag("v9.0.0", None);
    r.git(&["switch", "-q", "main"]).code(0);
    r.write("pyproject.toml", &pyproject("3.3.0"));
    r.relgate(CVS, &[]).code(0).stdout_lacks("v9.0.0");
    r.write("pyproject.toml", &pyproject("3.1.9"));
    r.relgate(CVS, &[])
        .code(1)
        .stdout_has("lower than release tag v3.2.0");
}

#[test]
fn no_release_tags_is_a_note() {
    let r = Repo::new();
    committed(&r, "1.0.0", None);
    r.git(&["tag", "latest"]).code(0);
    r.git(&["tag", "-a", "v1.0", "-m", "invalid, yet a release tag"])
        .code(0);
    let run = r.relgate(CVS, &[]);
    run.code(0);
    // v1.0 is a release tag (invalid): not "no tags", and it is no valid base to compare with.
    assert_eq!(findings(&run), "1 version source: 1.0.0\n");
    r.git(&["tag", "-d", "v1.0"]).code(0);
    let run = r.relgate(CVS, &["--deny-warnings"]);
    run.code(0);
    assert_eq!(
        findings(&run),
        format!("{NO_TAGS}1 version source: 1.0.0\n")
    );
}

#[test]
fn a_shallow_clone_says_so_and_is_never_taken_for_no_tags() {
    let r = Repo::new();
    committed(&r, "1.0.0", Some("v1.0.0"));
    committed(&r, "0.9.0", None);
    let (_clone, dest) = r.clone_of(r.path(), true);
    let mut cmd = r.command(crate::util::bin(CVS));
    cmd.current_dir(&dest);
    let run = r.run(cmd, "check-version-sync in a shallow clone".into());
    run.code(0);
    assert_eq!(
        run.stdout,
        "shallow-clone: warn[shallow-clone] the repository is a shallow clone: the sources were not \
         compared with earlier release tags\n  help: fetch the whole history and the tags (`git fetch \
         --unshallow --tags`, or `fetch-depth: 0` in actions/checkout)\n1 version source: 0.9.0\n\
         check-version-sync: passed (0 errors, 1 warning)\n"
    );
    // The full clone knows better: 0.9.0 is behind v1.0.0.
    r.relgate(CVS, &[])
        .code(1)
        .stdout_has("error[version-behind-tag]");
}

#[test]
fn at_reads_the_commit_not_the_work_tree() {
    let r = Repo::new();
    committed(&r, "1.0.0", Some("v1.0.0"));
    r.commit_file(
        "setup.cfg",
        "[metadata]\nname = demo\nversion = 1.1.0\n",
        "half a bump",
    );
    committed(&r, "1.1.0", None);
    // The work tree disagrees with itself and with everything committed.
    r.write("pyproject.toml", &pyproject("9.9.9"));
    r.write("Cargo.toml", &cargo("8.8.8"));
    r.relgate(CVS, &[]).code(1);
    assert_eq!(
        listing(&r, &["--at", "HEAD"]),
        "pyproject.toml:3:12  [project].version  1.1.0  1.1.0\n\
         setup.cfg:3:11  [metadata].version  1.1.0  1.1.0\n"
    );
    r.relgate(CVS, &["--at", "HEAD"]).code(0);
    // The commit in between disagrees, and is judged as that commit (behind nothing).
    let run = r.relgate(CVS, &["--at", "HEAD~1"]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "setup.cfg:3:11: error[version-mismatch] [metadata].version says 1.1.0, but [project].version \
         (pyproject.toml:3) says 1.0.0\n  help: make every source say the same version (compared by PEP \
         440 equality)\n"
    );
    // --at a tag: that commit carries the tag, and its files match it.
    r.relgate(CVS, &["--at", "v1.0.0"])
        .code(0)
        .stdout_has("1 version source: 1.0.0");
    r.relgate(CVS, &["--at", "nope"])
        .code(2)
        .stderr_has("cannot resolve revision `nope`; expected a commit, branch or tag");
    r.relgate(CVS, &["--at", "HEAD", "--staged"])
        .code(2)
        .stderr_has("--staged and --at exclude each other");
}

#[test]
fn at_reads_names_ids_and_parent_walks_and_refuses_the_rest_of_git_s_syntax() {
    let r = Repo::new();
    committed(&r, "1.0.0", Some("v1.0.0"));
    let first = r.head();
    committed(&r, "1.1.0", None);
    let second = r.head();
    committed(&r, "1.2.0", None);
    let says = |rev: &str, v: &str| {
        r.relgate(CVS, &["--at", rev])
            .code(0)
            .stdout_has(&format!("1 version source: {v}"));
    };
    for (rev, v) in [
        ("HEAD", "1.2.0"),
        ("@", "1.2.0"),
        ("main", "1.2.0"),
        ("refs/heads/main", "1.2.0"),
        ("HEAD^0", "1.2.0"),
        ("HEAD~", "1.1.0"),
        ("HEAD^", "1.1.0"),
        ("main~1", "1.1.0"),
        ("HEAD~2", "1.0.0"),
        ("HEAD^^", "1.0.0"),
        ("HEAD~1^", "1.0.0"),
        ("v1.0.0", "1.0.0"),
        ("refs/tags/v1.0.0", "1.0.0"),
        ("tags/v1.0.0", "1.0.0"),
        ("v1.0.0^{}", "1.0.0"),
        ("v1.0.0^{commit}", "1.0.0"),
        (first.as_str(), "1.0.0"),
        (&second[..7], "1.1.0"),
        (&second[..4], "1.1.0"),
    ] {
        says(rev, v);
    }
    // Past the root, or a parent a commit does not have.
    r.relgate(CVS, &["--at", "HEAD~3"])
        .code(2)
        .stderr_has("has no parent 1");
    r.relgate(CVS, &["--at", "HEAD^2"])
        .code(2)
        .stderr_has("has no parent 2");
    // An id of no object, and an object that is no commit.
    r.relgate(CVS, &["--at", &"0".repeat(first.len())])
        .code(2)
        .stderr_has("cannot resolve revision `0000000");
    let tree = r.git_out(&["rev-parse", "HEAD^{tree}"]);
    r.relgate(CVS, &["--at", tree.trim()])
        .code(2)
        .stderr_has("does not name a commit");
    // The rest of git's syntax: exit 2, saying how to get an id.
    for rev in [
        "@{u}",
        "main@{1}",
        "HEAD@{yesterday}",
        ":/version",
        "HEAD:pyproject.toml",
        "v1.0.0^{tree}",
        // A suffix that is no suffix, in a character of several bytes.
        "HEAD~1é",
    ] {
        r.relgate(CVS, &["--at", rev])
            .code(2)
            .stderr_has(&format!("cannot resolve revision `{rev}`"))
            .stderr_has("resolve it first with `git rev-parse`");
    }
    // Suffixes cut anywhere, in any character: an answer or exit 2, never a crash.
    let pieces = [
        "HEAD",
        "~",
        "^",
        "{",
        "}",
        "2",
        "é",
        "commit",
        "@",
        ":",
        "0",
        "99999999999999999999",
    ];
    for a in pieces {
        for b in pieces {
            for c in pieces {
                let rev = format!("{a}{b}{c}");
                let run = r.relgate(CVS, &["--at", &rev]);
                assert!(
                    matches!(run.code, 0 | 2) && !run.stderr.contains("panicked"),
                    "--at {rev}: {} {}",
                    run.code,
                    run.stderr
                );
            }
        }
    }
}

#[test]
fn staged_reads_the_index_and_any_index_git_names() {
    let r = Repo::new();
    committed(&r, "1.0.0", None);
    r.write("pyproject.toml", &pyproject("2.0.0"));
    r.git(&["add", "pyproject.toml"]).code(0);
    r.write("pyproject.toml", &pyproject("3.0.0"));
    assert_eq!(
        listing(&r, &["--staged"]),
        "pyproject.toml:3:12  [project].version  2.0.0  2.0.0\n"
    );
    assert_eq!(
        listing(&r, &[]),
        "pyproject.toml:3:12  [project].version  3.0.0  3.0.0\n"
    );
    // A file only in the work tree is not in the index.
    r.write("Cargo.toml", &cargo("2.0.1"));
    r.relgate(CVS, &["--staged"]).code(0);
    r.git(&["add", "Cargo.toml"]).code(0);
    r.relgate(CVS, &["--staged"])
        .code(1)
        .stdout_has("Cargo.toml:3:12: error[version-mismatch] [package].version says 2.0.1");

    // GIT_INDEX_FILE names another index, as git does for hooks of `git commit <paths>`.
    let alt = r.path().join(".git/alt-index");
    std::fs::copy(r.path().join(".git/index"), &alt).unwrap();
    let alt = alt.to_str().unwrap();
    r.write("pyproject.toml", &pyproject("7.0.0"));
    let mut cmd = r.command("git");
    cmd.args(["add", "pyproject.toml"])
        .env("GIT_INDEX_FILE", alt);
    r.run(cmd, "git add (alt index)".into()).code(0);
    let run = r.relgate_env(CVS, &["--staged", "--list"], &[("GIT_INDEX_FILE", alt)]);
    assert_eq!(
        run.stdout,
        "pyproject.toml:3:12  [project].version  7.0.0  7.0.0\n\
         Cargo.toml:3:12  [package].version  2.0.1  2.0.1\n\
         Cargo.toml:3:12: error[version-mismatch] [package].version says 2.0.1, but [project].version (pyproject.toml:3) says 7.0.0\n  \
         help: make every source say the same version (compared by PEP 440 equality)\n"
    );
    assert_eq!(
        listing(&r, &["--staged"]),
        "pyproject.toml:3:12  [project].version  2.0.0  2.0.0\n\
         Cargo.toml:3:12  [package].version  2.0.1  2.0.1\n"
    );
}

#[test]
fn pre_commit_hook_of_a_partial_commit_reads_gits_temporary_index() {
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.0.0"));
    r.write("setup.cfg", "[metadata]\nname = demo\nversion = 1.0.0\n");
    r.git(&["add", "."]).code(0);
    r.commit("1.0.0");
    let hook = r.path().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\nexec check-version-sync --staged\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Both bumped and staged: the index and the work tree agree on 1.1.0 ...
    r.write("pyproject.toml", &pyproject("1.1.0"));
    r.write("setup.cfg", "[metadata]\nname = demo\nversion = 1.1.0\n");
    r.git(&["add", "."]).code(0);
    let path = r.path_with_binaries();
    let commit = |paths: &[&str]| {
        let mut cmd = r.command("git");
        cmd.args(["commit", "-q", "-m", "bump"])
            .args(paths)
            .env("PATH", &path);
        r.run(cmd, format!("git commit {}", paths.join(" ")))
    };
    // ... but committing pyproject.toml alone would record 1.1.0 beside setup.cfg's 1.0.0.
    let run = commit(&["pyproject.toml"]);
    assert_ne!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.output_has(
        "setup.cfg:3:11: error[version-mismatch] [metadata].version says 1.0.0, but [project].version (pyproject.toml:3) says 1.1.0",
    );
    assert_eq!(r.git_out(&["log", "--format=%s"]), "1.0.0");
    commit(&["pyproject.toml", "setup.cfg"]).code(0);
}

#[test]
fn json_carries_the_sources() {
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.2.0-rc1"));
    r.write("Cargo.toml", &cargo("1.2.0-rc.1"));
    let run = r.relgate(CVS, &["--format", "json"]);
    run.code(0);
    let v = run.json();
    assert_eq!(
        v["sources"],
        serde_json::json!([
            {"path": "pyproject.toml", "line": 3, "column": 12, "kind": "[project].version",
             "raw": "1.2.0-rc1", "normalized": "1.2.0rc1", "ecosystem": "PEP 440"},
            {"path": "Cargo.toml", "line": 3, "column": 12, "kind": "[package].version",
             "raw": "1.2.0-rc.1", "normalized": "1.2.0-rc.1", "ecosystem": "SemVer 2.0.0"},
        ])
    );
    assert_eq!(v["ok"], true);
    assert_eq!(v["diagnostics"][0]["rule"], "version-non-canonical");
    assert_eq!(v["diagnostics"][0]["severity"], "warn");
    assert_eq!(
        v["diagnostics"][0]["message"],
        "[project].version is written `1.2.0-rc1`; PEP 440 spells it `1.2.0rc1`"
    );
    // The list in JSON mode is the same list, under `output`.
    let v = r.relgate(CVS, &["--format", "json", "--list"]).json();
    assert_eq!(
        v["output"],
        "pyproject.toml:3:12  [project].version  1.2.0-rc1  1.2.0rc1\n\
         Cargo.toml:3:12  [package].version  1.2.0-rc.1  1.2.0-rc.1\n"
    );
}

#[test]
fn non_canonical_python_spelling_warns_and_deny_warnings_fails() {
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.2.0-rc1"));
    let run = r.relgate(CVS, &[]);
    run.code(0);
    assert_eq!(
        run.stdout,
        "pyproject.toml:3:12: warn[version-non-canonical] [project].version is written `1.2.0-rc1`; PEP \
         440 spells it `1.2.0rc1`\n  help: write `1.2.0rc1`\n1 version source: 1.2.0-rc1\n\
         check-version-sync: passed (0 errors, 1 warning)\n"
    );
    r.relgate(CVS, &["--deny-warnings"]).code(1);
    r.write("pyproject.toml", &pyproject("1.2.0rc1"));
    r.relgate(CVS, &["--deny-warnings"]).code(0);
    // `1.2` at tag v1.2.0: equal, warned.
    r.write("pyproject.toml", &pyproject("1.2"));
    r.git(&["add", "."]).code(0);
    r.commit("1.2");
    r.tag("v1.2.0", None);
    let run = r.relgate(CVS, &["--deny-warnings"]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "pyproject.toml:3:12: warn[version-non-canonical] [project].version says 1.2, which equals \
         v1.2.0 under PEP 440 but is written differently\n  help: write `1.2.0`\n1 version source: 1.2\n"
    );
}

#[test]
fn malformed_files_are_exit_2_naming_file_and_line() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "crates/a/Cargo.toml",
            b"[package]\nname = \"a\"\nversion = 1.0.0\n",
            "check-version-sync: error: cannot read crates/a/Cargo.toml:3:14: malformed TOML",
        ),
        (
            "package.json",
            b"{\n  \"name\": \"demo\",\n  \"version\": \"1.0.0\",\n}\n",
            "check-version-sync: error: cannot read package.json:4:1: malformed JSON",
        ),
        (
            "CITATION.cff",
            b"cff-version: 1.2.0\nversion: [1.0.0\ntitle: x\n",
            "check-version-sync: error: cannot read CITATION.cff:3:6: malformed YAML",
        ),
        (
            "Chart.yaml",
            b"apiVersion: v2\nname: demo\nversion: \"1.0.0\n",
            "check-version-sync: error: cannot read Chart.yaml:3:10: malformed YAML",
        ),
        (
            "VERSION",
            b"1.0.0\xff\n",
            "check-version-sync: error: VERSION is not UTF-8 (invalid byte at offset 5); version sources must be UTF-8",
        ),
    ];
    for (file, bytes, want) in cases {
        let r = Repo::new();
        // A workspace member is read by relgate's version sources alone.
        r.write(
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/a\"]\n\n[workspace.package]\nversion = \"1.0.0\"\n",
        );
        r.write(file, "");
        std::fs::write(r.path().join(file), bytes).unwrap();
        let run = r.relgate(CVS, &[]);
        run.code(2).stderr_has(want);
        assert_eq!(run.stdout, "", "{file}");
    }
    // pyproject.toml and Cargo.toml are version sources, and hold relgate's configuration
    // where their text names relgate: malformed, they are refused naming file, line and
    // column by whichever reads them first; not UTF-8, before either parses them.
    let r = Repo::new();
    r.write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = 1.0.0\n",
    );
    r.relgate(CVS, &[])
        .code(2)
        .stderr_has("check-version-sync: error: cannot read Cargo.toml:3:14: malformed TOML\n");
    r.write(
        "Cargo.toml",
        "[package.metadata.relgate]\n[package]\nname = \"demo\"\nversion = 1.0.0\n",
    );
    r.relgate(CVS, &[]).code(2).stderr_has(
        "check-version-sync: error: Cargo.toml is not valid TOML (at Cargo.toml:4:14)\n",
    );
    std::fs::remove_file(r.path().join("Cargo.toml")).unwrap();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = 1.0.0\n",
    );
    r.relgate(CVS, &[])
        .code(2)
        .stderr_has("check-version-sync: error: cannot read pyproject.toml:3:14: malformed TOML\n");
    r.write(
        "pyproject.toml",
        "[tool.relgate]\n[project]\nname = \"demo\"\nversion = 1.0.0\n",
    );
    r.relgate(CVS, &[]).code(2).stderr_has(
        "check-version-sync: error: pyproject.toml is not valid TOML (at pyproject.toml:4:14)\n",
    );
    std::fs::write(
        r.path().join("pyproject.toml"),
        b"[project]\nname = \"d\xe9mo\"\nversion = \"1.0.0\"\n",
    )
    .unwrap();
    r.relgate(CVS, &[])
        .code(2)
        .stderr_has("pyproject.toml is not UTF-8 (invalid byte at offset 19)");
}

#[test]
fn a_configured_path_outside_the_repository_is_exit_2() {
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.0.0"));
    for path in ["../../etc/passwd", "/etc/passwd"] {
        r.write(
            "relgate.toml",
            &format!("[[versions.source]]\npath = \"{path}\"\n"),
        );
        let run = r.relgate(CVS, &[]);
        run.code(2).stderr_has(&format!(
            "check-version-sync: error: configured path `{path}` leaves the repository; expected a path relative to the work-tree root"
        ));
        assert_eq!(run.stdout, "");
    }
    r.write(
        "relgate.toml",
        "[[versions.source]]\npath = \"docs/conf.py\"\npattern = 'release = \"(?P<v>.*)\"'\n",
    );
    r.write("docs/conf.py", "release = \"1.0.0\"\n");
    r.relgate(CVS, &[]).code(2).stderr_has(
        "versions.source[0].pattern `release = \"(?P<v>.*)\"` has no (?P<version>...) group",
    );
}
