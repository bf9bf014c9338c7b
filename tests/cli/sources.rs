//! The sources issue 14 added, through the binaries over real git: every declared-list format
//! (each failing on a drift at the declared file's own line, and a declaration that yields
//! nothing reported at the line that declared it), maturin's manifest-path, `versions.exclude`,
//! a private package.json, build metadata, npm's leading `v`, and older layouts (setup.py)
//! judged at their tags by validate-tag.

use crate::util::Repo;

const CVS: &str = "check-version-sync";

/// `--list` lines (path:line:col, kind, raw) without the normalised column.
fn listed(r: &Repo, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--list"];
    all.extend_from_slice(args);
    let run = r.relgate(CVS, &all);
    run.stdout
        .lines()
        .filter(|l| {
            l.contains("  ")
                && !l.starts_with(' ')
                && ![": error[", ": warn[", ": note["]
                    .iter()
                    .any(|s| l.contains(s))
        })
        .map(|l| {
            let parts: Vec<&str> = l.split("  ").collect();
            parts[..parts.len() - 1].join("  ")
        })
        .collect()
}

/// (rule, location) of every diagnostic of a JSON run.
fn rules(r: &Repo, args: &[&str]) -> (i32, Vec<(String, String)>) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = r.relgate(CVS, &all);
    assert!(run.code <= 1, "{}", run.stderr);
    let j = run.json();
    let diags = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] != "note")
        .map(|d| {
            let loc = match (&d["file"], &d["line"], &d["column"]) {
                (serde_json::Value::String(f), l, c) if l.is_u64() => format!("{f}:{l}:{c}"),
                _ => d["subject"].as_str().unwrap_or("").to_string(),
            };
            (d["rule"].as_str().unwrap().to_string(), loc)
        })
        .collect();
    (run.code, diags)
}

fn committed(files: &[(&str, &str)]) -> Repo {
    let r = Repo::new();
    for (p, t) in files {
        r.write(p, t);
    }
    r.git(&["add", "-A"]).code(0);
    r.commit("initial");
    r
}

#[test]
fn commitizen_version_files_and_their_drift() {
    let py = "[project]\nname = \"cz\"\nversion = \"4.17.0\"\n\n[tool.commitizen]\nversion_provider = \"pep621\"\nversion_files = [\n    \"cz/__version__.py\",\n    \".pre-commit-config.yaml:rev:.+Commitizen\",\n]\n";
    let hooks = "repos:\n  - repo: https://github.com/commitizen-tools/commitizen\n    rev: v4.17.0 # automatically updated by Commitizen\n";
    let r = committed(&[
        ("pyproject.toml", py),
        ("cz/__version__.py", "__version__ = \"4.17.0\"\n"),
        (".pre-commit-config.yaml", hooks),
    ]);
    assert_eq!(
        listed(&r, &[]),
        [
            "pyproject.toml:3:12  [project].version  4.17.0",
            "cz/__version__.py:1:16  __version__  4.17.0",
            ".pre-commit-config.yaml:3:11  version_files  4.17.0",
        ]
    );
    r.relgate(CVS, &[]).code(0);
    // A drift of the declared module is a mismatch at its own line, in the work tree and
    // staged.
    r.write("cz/__version__.py", "__version__ = \"4.16.0\"\n");
    assert_eq!(
        rules(&r, &[]),
        (
            1,
            vec![("version-mismatch".into(), "cz/__version__.py:1:16".into())]
        )
    );
    r.relgate(CVS, &["--staged"]).code(0);
    r.git(&["add", "cz/__version__.py"]).code(0);
    r.relgate(CVS, &["--staged"])
        .code(1)
        .stdout_has("cz/__version__.py:1:16: error[version-mismatch] __version__ says 4.16.0, but [project].version (pyproject.toml:3) says 4.17.0");
    // A declared file that is gone is reported where it was declared.
    r.git(&["rm", "-q", "-f", "cz/__version__.py"]).code(0);
    r.relgate(CVS, &[]).code(1).stdout_has(
        "pyproject.toml:8:6: error[version-not-found] [tool.commitizen] version_files entry `cz/__version__.py` in pyproject.toml yields no version: cz/__version__.py does not exist",
    );
}

#[test]
fn bump_my_version_in_pyproject_dot_toml_and_cfg() {
    // [tool.bumpversion] in pyproject.toml: its record, a default-search file read by kind,
    // a search template, a template that is no version (skipped).
    let py = "[project]\nname = \"p\"\nversion = \"1.2.0\"\n\n[tool.bumpversion]\ncurrent_version = \"1.2.0\"\n\n[[tool.bumpversion.files]]\nfilename = \"p/__init__.py\"\n\n[[tool.bumpversion.files]]\nfilename = \"README.md\"\nsearch = \"pip install p=={current_version}\"\n\n[[tool.bumpversion.files]]\nfilename = \"CHANGELOG.md\"\nsearch = \"## Unreleased\"\n";
    let r = committed(&[
        ("pyproject.toml", py),
        ("p/__init__.py", "__version__ = \"1.2.0\"\n"),
        ("README.md", "# p\n\n    pip install p==1.2.0\n"),
    ]);
    assert_eq!(
        listed(&r, &[]),
        [
            "pyproject.toml:3:12  [project].version  1.2.0",
            "pyproject.toml:6:20  [tool.bumpversion] current_version  1.2.0",
            "p/__init__.py:1:16  __version__  1.2.0",
            "README.md:3:20  search  1.2.0",
        ]
    );
    r.relgate(CVS, &[]).code(0);
    r.write("README.md", "# p\n\n    pip install p==1.1.0\n");
    assert_eq!(
        rules(&r, &[]).1,
        [("version-mismatch".to_string(), "README.md:3:20".to_string())]
    );

    // .bumpversion.toml: the same table in its own file.
    let r = committed(&[
        (
            ".bumpversion.toml",
            "[tool.bumpversion]\ncurrent_version = \"0.4.0\"\n[[tool.bumpversion.files]]\nfilename = \"lib/version.txt\"\n",
        ),
        ("lib/version.txt", "0.3.9\n"),
    ]);
    assert_eq!(
        rules(&r, &[]),
        (
            1,
            vec![(
                "version-mismatch".to_string(),
                "lib/version.txt:1:1".to_string()
            )]
        )
    );

    // .bumpversion.cfg (bumpversion / bump2version) and setup.cfg's [bumpversion] sections.
    for cfg in [".bumpversion.cfg", "setup.cfg"] {
        let r = committed(&[
            (
                cfg,
                "[bumpversion]\ncurrent_version = 2.0.0\n\n[bumpversion:file:src/v.py]\n\n[bumpversion:file:docs/conf.py]\nsearch = release = \"{current_version}\"\n",
            ),
            ("src/v.py", "__version__ = '2.0.0'\n"),
            ("docs/conf.py", "version = '2.0'\nrelease = \"2.0.0\"\n"),
        ]);
        assert_eq!(
            listed(&r, &[]),
            [
                format!("{cfg}:2:19  [bumpversion] current_version  2.0.0"),
                "src/v.py:1:16  __version__  2.0.0".to_string(),
                "docs/conf.py:2:12  search  2.0.0".to_string(),
            ],
            "{cfg}"
        );
        r.relgate(CVS, &[]).code(0);
        r.write("docs/conf.py", "version = '2.0'\nrelease = \"1.9.0\"\n");
        assert_eq!(
            rules(&r, &[]).1,
            [(
                "version-mismatch".to_string(),
                "docs/conf.py:2:12".to_string()
            )],
            "{cfg}"
        );
        r.write("docs/conf.py", "version = '2.0'\n");
        r.relgate(CVS, &[]).code(1).stdout_has(&format!(
            "{cfg}:6:19: error[version-not-found] [bumpversion:file:docs/conf.py] in {cfg} yields no version"
        ));
    }
}

#[test]
fn tbump_semantic_release_rooster_and_release_please() {
    let r = committed(&[
        (
            "tbump.toml",
            "[version]\ncurrent = \"3.1.0\"\nregex = '''(?P<major>\\d+)\\.(?P<minor>\\d+)\\.(?P<patch>\\d+)'''\n\n[git]\ntag_template = \"v{new_version}\"\n\n[[file]]\nsrc = \"lib/version.h\"\nsearch = '#define VERSION \"{current_version}\"'\n",
        ),
        (
            "lib/version.h",
            "#define VERSION \"3.1.0\"\n#define ABI \"2.0.0\"\n",
        ),
    ]);
    assert_eq!(
        listed(&r, &[]),
        [
            "tbump.toml:2:12  tbump.toml [version] current  3.1.0",
            "lib/version.h:1:18  search  3.1.0",
        ]
    );
    r.write("lib/version.h", "#define VERSION \"3.0.9\"\n");
    assert_eq!(
        rules(&r, &[]).1,
        [(
            "version-mismatch".to_string(),
            "lib/version.h:1:18".to_string()
        )]
    );

    // python-semantic-release: variables and TOML keys.
    let py = "[project]\nname = \"s\"\nversion = \"0.7.0\"\n\n[tool.semantic_release]\nversion_variables = [\"s/about.py:VERSION_STR\"]\nversion_toml = [\"extra.toml:meta.version\"]\n";
    let r = committed(&[
        ("pyproject.toml", py),
        ("s/about.py", "VERSION_STR = \"0.7.0\"\n"),
        ("extra.toml", "[meta]\nversion = \"0.6.0\"\n"),
    ]);
    let (code, diags) = rules(&r, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        diags,
        [(
            "version-mismatch".to_string(),
            "extra.toml:2:12".to_string()
        )]
    );
    assert!(
        listed(&r, &[]).contains(&"s/about.py:1:16  VERSION_STR  0.7.0".to_string()),
        "{:?}",
        listed(&r, &[])
    );

    // rooster: plain file names, read by kind; a `replace` table is a placeholder.
    let py = "[project]\nname = \"u\"\nversion = \"0.9.0\"\n\n[tool.rooster]\nversion_files = [\n  \"crates/u/Cargo.toml\",\n  \"docs/install.md\",\n  { target = \"src/env.rs\", replace = \"next release\" },\n]\n";
    let r = committed(&[
        ("pyproject.toml", py),
        (
            "crates/u/Cargo.toml",
            "[package]\nname = \"u\"\nversion = \"0.9.0\"\n[dependencies]\nx = \"0.8.0\"\n",
        ),
        (
            "docs/install.md",
            "curl https://example.invalid/0.9.0/install.sh\n",
        ),
    ]);
    assert_eq!(
        listed(&r, &[]),
        [
            "pyproject.toml:3:12  [project].version  0.9.0",
            "crates/u/Cargo.toml:3:12  [package].version  0.9.0",
            "docs/install.md:1:30  current version  0.9.0",
        ]
    );
    r.write(
        "docs/install.md",
        "curl https://example.invalid/0.8.0/install.sh\n",
    );
    r.relgate(CVS, &[]).code(1).stdout_has(
        "pyproject.toml:8:4: error[version-not-found] [tool.rooster] version_files entry `docs/install.md` in pyproject.toml yields no version: docs/install.md does not hold the current version 0.9.0",
    );

    // release-please: the manifest's record and annotated extra files.
    let r = committed(&[
        (
            ".release-please-manifest.json",
            "{\n  \".\": \"1.5.0\"\n}\n",
        ),
        (
            "release-please-config.json",
            "{\"packages\": {\".\": {\"release-type\": \"simple\", \"extra-files\": [\"main.go\"]}}}\n",
        ),
        (
            "main.go",
            "package main\n\nconst version = \"1.5.0\" // x-release-please-version\n",
        ),
    ]);
    assert_eq!(
        listed(&r, &[]),
        [
            ".release-please-manifest.json:2:9  \".\"  1.5.0",
            "main.go:3:18  x-release-please-version  1.5.0",
        ]
    );
    r.write(
        "main.go",
        "package main\n\nconst version = \"1.4.0\" // x-release-please-version\n",
    );
    assert_eq!(
        rules(&r, &[]).1,
        [("version-mismatch".to_string(), "main.go:3:18".to_string())]
    );
}

#[test]
fn maturin_manifest_path_is_a_source() {
    let py = "[build-system]\nrequires = [\"maturin>=1\"]\nbuild-backend = \"maturin\"\n\n[project]\nname = \"m\"\nversion = \"0.2.0\"\n\n[tool.maturin]\nmanifest-path = \"crates/m-py/Cargo.toml\"\n";
    let r = committed(&[
        ("pyproject.toml", py),
        (
            "crates/m-py/Cargo.toml",
            "[package]\nname = \"m-py\"\nversion = \"0.2.0\"\n",
        ),
    ]);
    assert_eq!(
        listed(&r, &[]),
        [
            "pyproject.toml:7:12  [project].version  0.2.0",
            "crates/m-py/Cargo.toml:3:12  [package].version  0.2.0",
        ]
    );
    // maturin's pre-release spelling is the same version.
    r.write(
        "crates/m-py/Cargo.toml",
        "[package]\nname = \"m-py\"\nversion = \"0.3.0-rc.1\"\n",
    );
    r.write("pyproject.toml", &py.replace("0.2.0", "0.3.0rc1"));
    r.relgate(CVS, &[]).code(0);
    r.write(
        "crates/m-py/Cargo.toml",
        "[package]\nname = \"m-py\"\nversion = \"0.3.0\"\n",
    );
    assert_eq!(
        rules(&r, &[]).1,
        [(
            "version-mismatch".to_string(),
            "crates/m-py/Cargo.toml:3:12".to_string()
        )]
    );
    r.git(&["rm", "-q", "-f", "crates/m-py/Cargo.toml"]).code(0);
    r.relgate(CVS, &[]).code(1).stdout_has(
        "pyproject.toml:10:18: error[version-not-found] [tool.maturin] manifest-path in pyproject.toml yields no version: crates/m-py/Cargo.toml does not exist",
    );
}

#[test]
fn excluded_files_and_a_private_package_json() {
    // husky's package.json in a Python project: private, another ecosystem's, no source.
    let r = committed(&[
        (
            "pyproject.toml",
            "[project]\nname = \"p\"\nversion = \"0.5.0\"\n",
        ),
        (
            "package.json",
            "{\n  \"private\": true,\n  \"version\": \"1.0.0\",\n  \"devDependencies\": {\"husky\": \"9.0.0\"}\n}\n",
        ),
        (
            "package-lock.json",
            "{\n  \"version\": \"1.0.0\",\n  \"packages\": {\"\": {\"version\": \"1.0.0\"}}\n}\n",
        ),
    ]);
    assert_eq!(
        listed(&r, &[]),
        ["pyproject.toml:3:12  [project].version  0.5.0"]
    );
    r.relgate(CVS, &[]).code(0);
    // Not private: it is the project's second version, and it disagrees.
    r.write(
        "package.json",
        "{\n  \"version\": \"1.0.0\",\n  \"devDependencies\": {\"husky\": \"9.0.0\"}\n}\n",
    );
    let (code, diags) = rules(&r, &[]);
    assert_eq!(code, 1);
    assert!(
        diags.contains(&(
            "version-mismatch".to_string(),
            "package.json:2:15".to_string()
        )),
        "{diags:?}"
    );
    // versions.exclude takes both out.
    r.write(
        "relgate.toml",
        "[versions]\nexclude = [\"package.json\", \"package-lock.json\"]\n",
    );
    r.relgate(CVS, &[]).code(0);
    // Private but alone: an npm application's own version.
    let r = committed(&[(
        "package.json",
        "{\"name\": \"app\", \"private\": true, \"version\": \"2.0.0\"}\n",
    )]);
    assert_eq!(listed(&r, &[]), ["package.json:1:46  version  2.0.0"]);
}

#[test]
fn a_lock_file_is_read_as_far_as_its_versions() {
    // Both versions in the first lines, then a megabyte of dependencies with a byte that is
    // not UTF-8 in them: the versions are read, the rest is neither read nor decoded, in the
    // work tree, in the index and at a commit alike.
    let head = "{\n  \"version\": \"1.0.0\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"version\": \"1.0.0\"},\n";
    let mut lock = head.as_bytes().to_vec();
    while lock.len() < 1 << 20 {
        lock.extend_from_slice(b"    \"node_modules/x\": {\"version\": \"9.9.9\"},\n");
    }
    lock.extend_from_slice(b"    \"node_modules/\xff\": {}\n  }\n}\n");
    let r = committed(&[("package.json", "{\n  \"version\": \"1.0.0\"\n}\n")]);
    std::fs::write(r.path().join("package-lock.json"), &lock).unwrap();
    r.git(&["add", "-A"]).code(0);
    r.commit("lock");
    let found = [
        "package.json:2:15  version  1.0.0",
        "package-lock.json:2:15  version  1.0.0",
        "package-lock.json:5:22  packages[\"\"].version  1.0.0",
    ];
    assert_eq!(listed(&r, &[]), found);
    assert_eq!(listed(&r, &["--staged"]), found);
    assert_eq!(listed(&r, &["--at", "HEAD"]), found);
    // Packed, the next version's lock file a delta of this one: each is read from the pack
    // as far as its versions, the older through the newer.
    let bumped: Vec<u8> = String::from_utf8_lossy(head.as_bytes())
        .replace("1.0.0", "1.1.0")
        .into_bytes()
        .into_iter()
        .chain(lock[head.len()..].iter().copied())
        .collect();
    std::fs::write(r.path().join("package-lock.json"), &bumped).unwrap();
    r.write("package.json", "{\n  \"version\": \"1.1.0\"\n}\n");
    r.git(&["add", "-A"]).code(0);
    r.commit("1.1.0");
    r.git(&["repack", "-adq"]).code(0);
    assert_eq!(listed(&r, &["--at", "HEAD~1"]), found);
    assert_eq!(
        listed(&r, &["--at", "HEAD"]),
        found.map(|f| f.replace("1.0.0", "1.1.0"))
    );
    // A root package entry past the head is still found: the whole file is read then, and
    // its byte that is not UTF-8 stops the run, naming the file.
    let late = format!(
        "{{\n  \"version\": \"1.0.0\",\n  \"padding\": \"{}\",\n  \"packages\": {{\"\": {{\"version\": \"2.0.0\"}}}}\n}}\n",
        "x".repeat(100 << 10)
    );
    r.write("package-lock.json", &late);
    let (code, diags) = rules(&r, &[]);
    assert_eq!(code, 1);
    assert!(
        diags.contains(&(
            "version-mismatch".to_string(),
            "package-lock.json:4:33".to_string()
        )),
        "{diags:?}"
    );
    let mut bad = late.into_bytes();
    bad.insert(bad.len() - 4, 0xff);
    std::fs::write(r.path().join("package-lock.json"), &bad).unwrap();
    r.relgate(CVS, &[])
        .code(2)
        .stderr_has("package-lock.json is not UTF-8");
}

#[test]
fn build_metadata_and_npm_leading_v() {
    // One rule: SemVer ignores build metadata, between sources and against --expect.
    let r = committed(&[
        (
            "Cargo.toml",
            "[package]\nname = \"x\"\nversion = \"1.2.3+a\"\n",
        ),
        ("package.json", "{\"version\": \"1.2.3+b\"}\n"),
        ("Chart.yaml", "version: 1.2.3\n"),
    ]);
    r.relgate(CVS, &[]).code(0);
    r.relgate(CVS, &["--expect", "v1.2.3"]).code(0);
    r.relgate(CVS, &["--expect", "v1.2.4"]).code(1);
    // npm reads "v1.2.3" as 1.2.3: a warning, not an invalid version.
    let r = committed(&[
        (
            "package.json",
            "{\"name\": \"x\", \"version\": \"v1.2.3\"}\n",
        ),
        (
            "Cargo.toml",
            "[package]\nname = \"x\"\nversion = \"1.2.3\"\n",
        ),
    ]);
    assert_eq!(
        rules(&r, &[]),
        (
            0,
            vec![(
                "version-non-canonical".to_string(),
                "package.json:1:27".to_string()
            )]
        )
    );
    r.relgate(CVS, &[])
        .code(0)
        .stdout_has("version is written `v1.2.3`; npm reads it as 1.2.3");
    r.relgate(CVS, &["--deny-warnings"]).code(1);
    r.relgate(CVS, &["--expect", "1.2.3"]).code(0);
    // Anything npm would not read stays invalid.
    r.write("package.json", "{\"version\": \"vv1.2.3\"}\n");
    assert_eq!(rules(&r, &[]).1[0].0, "version-invalid");
}

/// An old layout (setup.py, no pyproject.toml) has sources at its tags: a tag on the commit
/// before the bump is reported there, and the tag of the bump passes.
#[test]
fn validate_tag_reads_setup_py_layouts_at_each_tag() {
    let r = Repo::new();
    r.write(
        "setup.py",
        "from setuptools import setup\n\nsetup(\n    name=\"oldpkg\",\n    version=get_version(\"oldpkg\"),\n)\n",
    );
    r.write(
        "oldpkg/__init__.py",
        "from .__version__ import __version__\n",
    );
    r.write("oldpkg/__version__.py", "__version__ = \"0.1.0\"\n");
    r.git(&["add", "-A"]).code(0);
    r.commit("0.1.0");
    r.tag("v0.1.0", None);
    r.commit("work");
    // Tagged before the bump commit.
    r.tag("v0.2.0", None);
    r.commit_file(
        "oldpkg/__version__.py",
        "__version__ = \"0.2.0\"\n",
        "bump 0.2.0",
    );
    // A literal setup(version=...) is a source too.
    r.commit_file(
        "setup.py",
        "from setuptools import setup\n\nsetup(name=\"oldpkg\", version=\"0.3.0\")\n",
        "literal version",
    );
    r.commit_file(
        "oldpkg/__version__.py",
        "__version__ = \"0.3.0\"\n",
        "bump 0.3.0",
    );
    r.tag("v0.3.0", None);
    let run = r.relgate("validate-tag", &["--all", "--format", "json"]);
    let j = run.json();
    let mismatches: Vec<(String, String)> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "tag-version-mismatch")
        .map(|d| {
            (
                d["subject"].as_str().unwrap().to_string(),
                format!("{}:{}", d["file"].as_str().unwrap(), d["line"]),
            )
        })
        .collect();
    assert_eq!(
        mismatches,
        [(
            "refs/tags/v0.2.0".to_string(),
            "oldpkg/__version__.py:1".to_string()
        )]
    );
    // The commit before the literal version's bump: setup.py says 0.3.0, the module 0.2.0.
    r.relgate(CVS, &["--at", "HEAD~1"])
        .code(1)
        .stdout_has("oldpkg/__version__.py:1:16: error[version-mismatch] __version__ says 0.2.0, but setup(version=...) (setup.py:3) says 0.3.0");
}
