//! What relgate infers when the configuration is silent (DESIGN §2.1), through the real
//! binaries: the tag scheme from the release tools' settings and from the tags, PEP 440
//! spellings in a Python-only project, maintenance lines as release branches, and
//! `--show-config` naming where each value came from. Explicit configuration always wins.

use crate::util::Repo;

const VT: &str = "validate-tag";

fn pyproject(version: &str, extra: &str) -> String {
    format!("[project]\nname = \"demo\"\nversion = \"{version}\"\n{extra}")
}

/// A Python project at `version` with annotated tags `tags` on HEAD's history, one commit each.
fn tagged(version_tags: &[(&str, &str)], extra: &str) -> Repo {
    let r = Repo::new();
    for (version, tag) in version_tags {
        r.commit_file("pyproject.toml", &pyproject(version, extra), version);
        r.tag(tag, None);
    }
    r
}

/// The `--show-config` JSON entry of `key`: (value, origin).
fn shown(r: &Repo, key: &str) -> (String, String) {
    let v = r
        .relgate(VT, &["--show-config", "--format", "json"])
        .code(0)
        .json();
    let e = &v["config"][key];
    (
        e["value"].as_str().unwrap().to_string(),
        e["origin"].as_str().unwrap().to_string(),
    )
}

#[test]
fn bare_tags_make_the_prefix_empty_and_a_v_tag_the_other_spelling() {
    let r = tagged(&[("1.0.0", "1.0.0"), ("1.1.0", "1.1.0")], "");
    let (value, origin) = shown(&r, "tags.prefix");
    assert_eq!(value, "\"\"");
    assert!(origin.starts_with("inferred from 2 tags"), "{origin}");
    r.relgate(VT, &["--all"]).code(0);
    r.relgate(VT, &["1.2.0"]).code(0);
    // A new tag in the other spelling is invalid, and the message says where the rule came from.
    r.relgate(VT, &["v1.2.0"])
        .code(1)
        .stdout_has("tag-invalid")
        .stdout_has("tags.prefix `` was inferred from 2 tags");
    // Explicit configuration wins over the tags.
    r.write("relgate.toml", "[tags]\nprefix = \"v\"\n");
    let (value, origin) = shown(&r, "tags.prefix");
    assert_eq!(
        (value.as_str(), origin.as_str()),
        ("\"v\"", "relgate.toml:2")
    );
    r.relgate(VT, &["v1.2.0"]).code(0);
}

#[test]
fn no_tags_and_no_tools_keep_the_default_prefix() {
    let r = Repo::new();
    r.commit_file("pyproject.toml", &pyproject("0.1.0", ""), "initial");
    let (value, origin) = shown(&r, "tags.prefix");
    assert_eq!((value.as_str(), origin.as_str()), ("\"v\"", "default"));
    r.relgate(VT, &["0.1.0"])
        .code(1)
        .stdout_has("missing prefix `v`");
}

#[test]
fn release_tools_declare_the_tag_scheme() {
    // (file, content, tag that must be valid, tag that must not, origin)
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "pyproject.toml",
            "[project]\nname = \"d\"\ndynamic = [\"version\"]\n[tool.setuptools_scm]\ntag_regex = '^pkg-v(?P<version>[0-9.]+)$'\n",
            "pkg-v1.0.0",
            "v1.0.0",
            "[tool.setuptools_scm] tag_regex",
        ),
        (
            "pyproject.toml",
            "[project]\nname = \"d\"\nversion = \"1.0.0\"\n[tool.commitizen]\ntag_format = \"release-$version\"\n",
            "release-1.0.0",
            "v1.0.0",
            "[tool.commitizen] tag_format",
        ),
        (
            ".bumpversion.cfg",
            "[bumpversion]\ncurrent_version = 1.0.0\ntag_name = {new_version}\n",
            "1.0.0",
            "v1.0.0",
            "[bumpversion] tag_name",
        ),
        (
            "release.toml",
            "tag-name = \"v{{version}}-final\"\n",
            "v1.0.0-final",
            "v1.0.0",
            "tag-name in release.toml",
        ),
        (
            "release-please-config.json",
            "{\"include-v-in-tag\": false, \"packages\": {\".\": {}}}\n",
            "1.0.0",
            "v1.0.0",
            "include-v-in-tag",
        ),
    ];
    for (file, content, good, bad, origin) in cases {
        let r = Repo::new();
        r.commit_file(file, content, "tool config");
        // Tags in another spelling do not outvote what the tool says.
        r.commit("later");
        r.tag("v0.9.0", Some("HEAD~1"));
        r.relgate(VT, &[good]).code(0);
        r.relgate(VT, &[bad]).code(1).stdout_has("tag-invalid");
        let v = r
            .relgate(VT, &["--show-config", "--format", "json"])
            .code(0)
            .json();
        let key = if good.ends_with("-final") || good.starts_with("pkg") {
            "tags.pattern"
        } else {
            "tags.prefix"
        };
        let o = v["config"][key]["origin"].as_str().unwrap();
        assert!(o.contains(origin), "{file}: {o}");
    }
}

#[test]
fn pep440_tags_are_valid_only_in_a_python_only_project() {
    let r = tagged(&[("2.14.0b1", "v2.14.0b1")], "");
    r.relgate(VT, &["v2.14.0b1"]).code(0);
    r.relgate(VT, &["v2.14.0.post1"]).code(0);
    // Dev releases stay invalid, and the advice is spelled the PEP 440 way.
    r.relgate(VT, &["v2.15.0.dev1"])
        .code(1)
        .stdout_has("v2.15.0rc1");
    let (value, origin) = shown(&r, "tags.grammar");
    assert!(value.contains("PEP 440"), "{value}");
    assert!(
        origin.contains("every version source is Python"),
        "{origin}"
    );
    // A Rust crate beside it: SemVer tools read these tags, so the portable grammar alone.
    r.write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"2.14.0-b1\"\n",
    );
    r.relgate(VT, &["v2.15.0b1"])
        .code(1)
        .stdout_has("tag-invalid");
    // A private package.json (husky, prettier) is tooling, not another ecosystem.
    std::fs::remove_file(r.path().join("Cargo.toml")).unwrap();
    r.write(
        "package.json",
        "{\"name\": \"tooling\", \"private\": true, \"version\": \"1.0.0\"}\n",
    );
    r.relgate(VT, &["v2.15.0b1"]).code(0);
}

#[test]
fn maintenance_lines_are_release_branches() {
    let r = tagged(&[("1.8.0", "1.8.0"), ("2.0.0", "2.0.0")], "");
    // 1.8.1 is released from the `1.8` branch, which main never merges.
    r.git(&["switch", "-q", "-c", "1.8", "1.8.0"]).code(0);
    r.commit_file("pyproject.toml", &pyproject("1.8.1", ""), "1.8.1");
    r.tag("1.8.1", None);
    // A branch that merely contains a number is no release line.
    r.git(&["switch", "-q", "-c", "feature/py3.12"]).code(0);
    r.commit_file("pyproject.toml", &pyproject("1.8.2", ""), "1.8.2");
    r.tag("1.8.2", None);
    r.git(&["switch", "-q", "main"]).code(0);
    // Pallets' `stable`: a line by its name alone.
    r.git(&["branch", "stable", "1.8.0"]).code(0);
    let run = r.relgate(VT, &["--all", "--format", "json"]);
    let v = run.json();
    let off: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "tag-not-on-release-branch")
        .map(|d| d["subject"].as_str().unwrap())
        .collect();
    assert_eq!(off, ["refs/tags/1.8.2"], "{}", run.stdout);
    let (value, origin) = shown(&r, "tags.release-branches");
    assert_eq!(value, "[\"main\",\"master\",\"1.8\",\"stable\"]");
    assert!(
        origin.contains("2 maintenance lines (1.8, stable)"),
        "{origin}"
    );
    // check-release-ready on the maintenance line is on a release branch.
    r.git(&["switch", "-q", "1.8"]).code(0);
    let ready = r.relgate("check-release-ready", &[]);
    ready.stdout_has("PASS release-branch     on 1.8");
    r.git(&["switch", "-q", "stable"]).code(0);
    r.relgate("check-release-ready", &[])
        .stdout_has("PASS release-branch     on stable");
}

#[test]
fn since_counts_older_tags_instead_of_judging_them() {
    let r = tagged(&[("1.0.0", "v1.0.0"), ("1.1.0", "v1.1.0")], "");
    // An old tag on the commit before its bump: an error in a full audit ...
    r.tag("v0.9.0", Some("HEAD~1"));
    r.relgate(VT, &["--all"])
        .code(1)
        .stdout_has("but tag v0.9.0 says 0.9.0");
    // ... counted, not judged, before tags.since.
    r.write("relgate.toml", "[tags]\nsince = \"v1.0.0\"\n");
    r.relgate(VT, &["--all"])
        .code(0)
        .stdout_has("(1 older than tags.since v1.0.0, counted not judged)");
    r.write("relgate.toml", "[tags]\nsince = \"1.0.0\"\n");
    r.relgate(VT, &["--all"]).code(0);
    r.write("relgate.toml", "[tags]\nsince = \"banana\"\n");
    r.relgate(VT, &["--all"])
        .code(2)
        .stderr_has("tags.since `banana` is not a release tag or version");
}

#[test]
fn show_config_names_every_origin_and_quiet_hides_notes() {
    let r = tagged(&[("1.0.0", "v1.0.0")], "");
    r.write("relgate.toml", "[branches]\n\nhistory = \"merge\"\n");
    let run = r.relgate("guard-master-commit", &["--show-config"]);
    run.code(0)
        .stdout_has("# configuration file: relgate.toml")
        .stdout_has("branches.history = \"merge\"")
        .stdout_has("# relgate.toml:3")
        .stdout_has("tags.prefix = \"v\"")
        .stdout_has("# inferred from 1 tags");
    // Every binary answers the same.
    for b in [
        "validate-tag",
        "check-version-sync",
        "lint-changelog",
        "check-release-ready",
    ] {
        assert_eq!(r.relgate(b, &["--show-config"]).code(0).stdout, run.stdout);
    }
    // -q: errors and warnings only; a note alone prints nothing.
    let q = r.relgate(VT, &["-q", "--all"]);
    q.code(0);
    assert_eq!(q.stdout, "");
}

#[test]
fn suggested_links_spell_tags_as_the_tags_do() {
    // lint-changelog lints without listing the tags; a missing link definition, whose URL
    // names tags, asks them how a version is spelt when no setting or release tool says.
    let changelog = "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2024-02-01\n\n- b\n\n\
                     ## [1.0.0] - 2024-01-01\n\n- a\n";
    let bare = tagged(&[("1.0.0", "1.0.0"), ("1.1.0", "1.1.0")], "");
    bare.write("CHANGELOG.md", changelog);
    bare.relgate("lint-changelog", &[])
        .code(0)
        .stdout_has("[Unreleased]: https://github.com/OWNER/REPO/compare/1.1.0...HEAD")
        .stdout_has("[1.1.0]: https://github.com/OWNER/REPO/compare/1.0.0...1.1.0")
        .stdout_lacks("v1.1.0");
    // check-release-ready infers the prefix for all its checks and says the same.
    bare.relgate("check-release-ready", &[])
        .stdout_has("[Unreleased]: https://github.com/OWNER/REPO/compare/1.1.0...HEAD");
    let with_v = tagged(&[("1.0.0", "v1.0.0"), ("1.1.0", "v1.1.0")], "");
    with_v.write("CHANGELOG.md", changelog);
    with_v
        .relgate("lint-changelog", &[])
        .code(0)
        .stdout_has("compare/v1.1.0...HEAD")
        .stdout_has("compare/v1.0.0...v1.1.0");
    // The file's own compare links tell without the tags (here there are none).
    let untagged = Repo::new();
    untagged.commit_file("pyproject.toml", &pyproject("1.2.0", ""), "initial");
    untagged.write(
        "CHANGELOG.md",
        &format!("{changelog}\n## [0.9.0] - 2023-01-01\n\n- c\n\n[1.0.0]: https://x/compare/0.9.0...1.0.0\n"),
    );
    untagged
        .relgate("lint-changelog", &[])
        .code(0)
        .stdout_has("[1.1.0]: https://x/compare/1.0.0...1.1.0`")
        .stdout_lacks("v1.0.0");
    // A setting wins over the tags.
    bare.write("relgate.toml", "[tags]\nprefix = \"release-\"\n");
    bare.relgate("lint-changelog", &[])
        .code(0)
        .stdout_has("compare/release-1.1.0...HEAD");
    // Outside a repository (a file named) the default spelling stands.
    let dir = crate::util::TempDir::new("no-repo-links");
    std::fs::write(dir.path().join("CHANGELOG.md"), changelog).unwrap();
    let mut cmd = with_v.command(crate::util::bin("lint-changelog"));
    cmd.current_dir(dir.path()).arg("CHANGELOG.md");
    with_v
        .run(cmd, "lint-changelog outside a repository".into())
        .code(0)
        .stdout_has("compare/v1.1.0...HEAD");
}
