//! Workspaces (DESIGN §4): each member is a package with its own sources and its own release
//! tags (`<name>-v<version>`, `<name>@<version>`, its own `tag_regex`), a root that is only a
//! workspace is no version source, and `--package` / `versions.package` picks one.

use crate::util::Repo;

const CVS: &str = "check-version-sync";
const VT: &str = "validate-tag";
const CRR: &str = "check-release-ready";

fn cargo_member(name: &str, version: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\n")
}

/// A Cargo workspace (`crates/*`) of `core` 1.0.0 and `cli` 0.3.0, each tagged once.
fn cargo_workspace() -> Repo {
    let r = Repo::new();
    r.write("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n");
    r.write("crates/core/Cargo.toml", &cargo_member("core", "1.0.0"));
    r.write("crates/cli/Cargo.toml", &cargo_member("cli", "0.3.0"));
    r.git(&["add", "."]).code(0);
    r.commit("two crates");
    r.tag("core-v1.0.0", None);
    r.tag("cli-v0.3.0", None);
    r
}

#[test]
fn cargo_members_are_checked_against_their_own_tags() {
    let r = cargo_workspace();
    let list = r.relgate(CVS, &["--list"]);
    list.code(0).stdout_has(
        "crates/cli/Cargo.toml:3:12  [package].version  0.3.0  0.3.0  package cli\n\
         crates/core/Cargo.toml:3:12  [package].version  1.0.0  1.0.0  package core\n",
    );
    r.relgate(CVS, &[])
        .code(0)
        .stdout_has("2 packages of the Cargo.toml [workspace]: each one's sources agree");
    // The root is only a workspace: not "no version source found".
    r.relgate(CVS, &[]).stdout_lacks("version-not-found");
    // Each member's tags are its releases, judged against its own files.
    let audit = r.relgate(VT, &["--all", "--format", "json"]).json();
    let packages: Vec<(String, String)> = audit["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["package"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        packages,
        [
            ("cli-v0.3.0".to_string(), "cli".to_string()),
            ("core-v1.0.0".to_string(), "core".to_string())
        ]
    );
    assert_eq!(audit["ok"], true, "{audit}");
    // core goes behind its own tag: reported for core, naming it.
    r.write("crates/core/Cargo.toml", &cargo_member("core", "0.9.0"));
    r.git(&["commit", "-q", "-am", "lost bump"]).code(0);
    r.relgate(CVS, &[])
        .code(1)
        .stdout_has("crates/core/Cargo.toml:3:12: error[version-behind-tag] package core: [package].version says 0.9.0, lower than release tag core-v1.0.0");
    // A tag of core on the commit before its bump names core's file.
    r.tag("core-v1.1.0", None);
    r.relgate(VT, &["core-v1.1.0"])
        .code(1)
        .stdout_has("crates/core/Cargo.toml:3:12: error[tag-version-mismatch]")
        .stdout_has("but tag core-v1.1.0 says 1.1.0");
    // cli is untouched by all of this.
    r.relgate(CVS, &["--package", "cli"]).code(0);
    r.relgate(VT, &["--all", "--package", "cli"])
        .code(0)
        .stdout_has("of other packages than cli, not judged");
}

#[test]
fn package_selects_one_and_an_unknown_name_is_exit_2() {
    let r = cargo_workspace();
    for bin in [CVS, CRR] {
        r.relgate(bin, &["--package", "nope"])
            .code(2)
            .stderr_has("no package named `nope` here; the packages are: cli, core");
    }
    r.relgate(VT, &["--all", "--package", "nope"])
        .code(2)
        .stderr_has("no package named `nope`");
    // Both packages' tags are at HEAD: check-release-ready asks which one to release.
    r.relgate(CRR, &[]).code(2).stderr_has(
        "HEAD carries release tags of 2 packages (cli-v0.3.0, core-v1.0.0): name the one to \
         release with --package",
    );
    // Past them, nothing says which.
    r.write("README.md", "docs\n");
    r.git(&["add", "."]).code(0);
    r.commit("docs");
    r.relgate(CRR, &[]).code(2).stderr_has(
        "this is a workspace of 2 packages (cli, core): name the one to release with --package",
    );
    // One package's tag at HEAD says it (a CI job on that tag), and the checklist says so.
    r.write("crates/core/Cargo.toml", &cargo_member("core", "1.1.0"));
    r.git(&["commit", "-q", "-am", "core 1.1.0"]).code(0);
    r.tag("core-v1.1.0", None);
    r.relgate(CRR, &[])
        .stdout_has(
            "PASS version-sync       package core (core-v1.1.0 at HEAD): the version sources \
             agree on 1.1.0\n",
        )
        .stdout_has("PASS version-increment  1.1.0 follows core-v1.0.0\n");
    // Another package's development tag beside it (where setuptools_scm is to count cli's
    // development from) names no release: core's is still the one.
    r.tag("cli-v0.4.0.dev0", None);
    r.relgate(CRR, &[])
        .stdout_has("package core (core-v1.1.0 at HEAD)");
    // Two releases' tags still leave it to the user.
    r.tag("cli-v0.4.0", None);
    r.tag("cli-v0.4.0.dev1", None);
    r.relgate(CRR, &[]).code(2).stderr_has(
        "HEAD carries release tags of 2 packages (cli-v0.4.0, core-v1.1.0): name the one to \
         release with --package",
    );
    r.git(&[
        "tag",
        "-d",
        "cli-v0.4.0",
        "cli-v0.4.0.dev0",
        "cli-v0.4.0.dev1",
    ])
    .code(0);
    // Named, it is judged whatever is at HEAD.
    r.write("relgate.toml", "[versions]\npackage = \"cli\"\n");
    r.relgate(CRR, &[])
        .stdout_has("PASS version-sync       the version sources agree on 0.3.0\n")
        .stdout_has("cli-v0.3.0 already names version 0.3.0");
}

#[test]
fn the_one_published_member_is_the_release_and_private_ones_are_not_named() {
    let r = Repo::new();
    r.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"lib\", \"benches\", \"examples\"]\n\
         [workspace.package]\npublish = false\n",
    );
    r.write("lib/Cargo.toml", &cargo_member("lib", "1.0.0"));
    r.write(
        "benches/Cargo.toml",
        &format!("{}publish = false\n", cargo_member("benches", "0.0.0")),
    );
    r.write(
        "examples/Cargo.toml",
        &format!(
            "{}publish.workspace = true\n",
            cargo_member("examples", "0.0.0")
        ),
    );
    r.git(&["add", "."]).code(0);
    r.commit("a library with its benches and examples");
    r.tag("lib-v1.0.0", None);
    r.relgate(CRR, &[])
        .stdout_has("lib-v1.0.0 exists and points at HEAD");
    // A second published crate.
    r.write("cli/Cargo.toml", &cargo_member("cli", "0.1.0"));
    r.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"lib\", \"cli\", \"benches\", \"examples\"]\n\
         [workspace.package]\npublish = false\n",
    );
    // HEAD carries lib's tag: lib is the release.
    r.relgate(CRR, &[])
        .stdout_has("package lib (lib-v1.0.0 at HEAD)");
    // Past it, the question is asked, naming only the published ones.
    r.git(&["add", "."]).code(0);
    r.commit("a cli");
    r.relgate(CRR, &[]).code(2).stderr_has(
        "this is a workspace of 2 published packages (lib, cli): name the one to release",
    );
    // An unpublished one can still be named.
    r.relgate(CRR, &["--package", "benches"])
        .stdout_has("PASS tag-name           benches-v0.0.0 is a valid release tag");
}

#[test]
fn inherited_workspace_version_is_the_members_version() {
    let r = Repo::new();
    r.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"a\", \"b\"]\n[workspace.package]\nversion = \"2.0.0\"\n",
    );
    r.write(
        "a/Cargo.toml",
        "[package]\nname = \"a\"\nversion.workspace = true\n",
    );
    r.write(
        "b/Cargo.toml",
        "[package]\nname = \"b\"\nversion.workspace = true\n",
    );
    r.git(&["add", "."]).code(0);
    r.commit("shared version");
    r.tag("a-v2.0.0", None);
    r.relgate(CVS, &[]).code(0);
    r.relgate(VT, &["a-v2.0.0"]).code(0);
    r.tag("b-v2.1.0", None);
    r.relgate(VT, &["b-v2.1.0"]).code(1).stdout_has(
        "Cargo.toml:4:12: error[tag-version-mismatch] [workspace.package].version says 2.0.0",
    );
}

#[test]
fn uv_private_root_and_a_members_tag_regex() {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"ws\"\nversion = \"0.1+private\"\n[tool.uv.workspace]\nmembers = [\"pkg\"]\n",
    );
    r.write(
        "pkg/pyproject.toml",
        "[project]\nname = \"pkg\"\nversion = \"3.1.0\"\n[tool.setuptools_scm]\ntag_regex = '^pkg_(?P<version>[0-9.]+)$'\n",
    );
    r.git(&["add", "."]).code(0);
    r.commit("workspace");
    r.tag("v9.0.0", Some("HEAD"));
    // A spelling only the regex reads: no member form (`pkg-v`, `pkg@`, ...) is `pkg_`.
    r.tag("pkg_3.1.0", None);
    // The private root is no source: never "behind v9.0.0".
    let run = r.relgate(CVS, &["--list"]);
    run.code(0)
        .stdout_lacks("0.1+private")
        .stdout_has("pkg/pyproject.toml:3:12  [project].version  3.1.0  3.1.0  package pkg");
    r.relgate(VT, &["pkg_3.1.0"]).code(0);
    // The one member is the package check-release-ready judges, never `v0.1.0+private`.
    let ready = r.relgate(CRR, &[]);
    ready
        .stdout_lacks("+private")
        .stdout_has("pkg_3.1.0 exists and points at HEAD");
}

#[test]
fn npm_and_pnpm_workspaces_with_scoped_tags() {
    let r = Repo::new();
    r.write(
        "package.json",
        "{\"name\": \"root\", \"private\": true, \"workspaces\": [\"packages/*\"]}\n",
    );
    r.write(
        "packages/core/package.json",
        "{\"name\": \"core\", \"version\": \"1.2.0\"}\n",
    );
    r.git(&["add", "."]).code(0);
    r.commit("npm workspace");
    r.tag("core@1.2.0", None);
    r.relgate(CVS, &[]).code(0);
    r.relgate(VT, &["--all"]).code(0).stdout_has("1 tag: 1 ok");
    r.write(
        "packages/core/package.json",
        "{\"name\": \"core\", \"version\": \"1.1.0\"}\n",
    );
    r.relgate(CVS, &[])
        .code(1)
        .stdout_has("lower than release tag core@1.2.0");
    // pnpm's list, with an exclusion.
    let p = Repo::new();
    p.write(
        "pnpm-workspace.yaml",
        "packages:\n  - 'libs/*'\n  - '!libs/skip'\n",
    );
    p.write(
        "libs/one/package.json",
        "{\"name\": \"one\", \"version\": \"1.0.0\"}\n",
    );
    p.write(
        "libs/skip/package.json",
        "{\"name\": \"skip\", \"version\": \"oops\"}\n",
    );
    p.git(&["add", "."]).code(0);
    p.commit("pnpm");
    p.relgate(CVS, &["--list"])
        .code(0)
        .stdout_has("package one")
        .stdout_lacks("skip");
}

#[test]
fn a_members_maintenance_line_is_a_release_branch() {
    let r = cargo_workspace();
    // core 1.0.1 is released from `core-1.0.x`, which main never merges.
    r.git(&["switch", "-q", "-c", "core-1.0.x"]).code(0);
    r.write("crates/core/Cargo.toml", &cargo_member("core", "1.0.1"));
    r.git(&["commit", "-q", "-am", "core 1.0.1"]).code(0);
    r.tag("core-v1.0.1", None);
    // A branch that merely ends in a version names no package that tags releases.
    r.git(&["switch", "-q", "-c", "fix-crash-1.0.x"]).code(0);
    r.write("crates/core/Cargo.toml", &cargo_member("core", "1.0.2"));
    r.git(&["commit", "-q", "-am", "core 1.0.2"]).code(0);
    r.tag("core-v1.0.2", None);
    r.git(&["switch", "-q", "main"]).code(0);
    let audit = r.relgate(VT, &["--all", "--format", "json"]).json();
    let off: Vec<&str> = audit["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "tag-not-on-release-branch")
        .map(|d| d["subject"].as_str().unwrap())
        .collect();
    assert_eq!(off, ["refs/tags/core-v1.0.2"], "{audit}");
}

/// `validate-tag --all` reads the version sources at the tagged commits of every package
/// together, up front and on every core once there are enough of them however they are spread
/// over the packages (here 2 × 40): each tag is still judged against its own package's files
/// at its own commit, and a tagged commit whose manifest cannot be read stops the audit
/// (exit 2) naming the tag, not only the path, which in the work tree is fine.
#[test]
fn an_audit_of_many_member_tags_judges_each_against_its_own_files() {
    let r = Repo::new();
    r.write("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n");
    for i in 0..40 {
        // At 1.7.0, core's manifest still says the version before; at 0.20.0, cli's is broken.
        let core = if i == 7 { 6 } else { i };
        r.write(
            "crates/core/Cargo.toml",
            &cargo_member("core", &format!("1.{core}.0")),
        );
        let cli = if i == 20 {
            "[package]\nname = \"cli\"\nversion = \"0.20.0\n".to_string()
        } else {
            cargo_member("cli", &format!("0.{i}.0"))
        };
        r.write("crates/cli/Cargo.toml", &cli);
        r.git(&["add", "."]).code(0);
        r.commit(&format!("release {i}"));
        r.tag(&format!("core-v1.{i}.0"), None);
        r.tag(&format!("cli-v0.{i}.0"), None);
    }
    r.relgate(VT, &["--all"]).code(2).stderr_has(
        "validate-tag: error: tag cli-v0.20.0: cannot read crates/cli/Cargo.toml:3:18: malformed TOML",
    );
    r.git(&["tag", "-d", "cli-v0.20.0"]).code(0);
    let audit = r.relgate(VT, &["--all", "--format", "json"]).json();
    let tags = audit["tags"].as_array().unwrap();
    assert_eq!(tags.len(), 79);
    let not_ok: Vec<(&str, &str)> = tags
        .iter()
        .filter(|t| t["status"] != "ok")
        .map(|t| (t["name"].as_str().unwrap(), t["package"].as_str().unwrap()))
        .collect();
    assert_eq!(not_ok, [("core-v1.7.0", "core")]);
    r.relgate(VT, &["--all"])
        .code(1)
        .stdout_has("core-v1.7.0")
        .stdout_lacks("cli-v0.");
}

#[test]
fn lint_changelog_lints_each_packages_own_changelog_where_the_root_has_none() {
    // tokio's layout: no changelog at the root, one in each crate.
    let r = cargo_workspace();
    r.write(
        "crates/core/CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-31\n\n### Added\n\n- Core.\n\n\
         [Unreleased]: https://example.com/compare/core-v1.0.0...HEAD\n\
         [1.0.0]: https://example.com/releases/tag/core-v1.0.0\n",
    );
    r.write(
        "crates/cli/CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n## [0.3.0] - 2026-02-30\n\n### Added\n\n- A cli.\n\n\
         [Unreleased]: https://example.com/compare/cli-v0.3.0...HEAD\n\
         [0.3.0]: https://example.com/releases/tag/cli-v0.3.0\n",
    );
    r.relgate("lint-changelog", &[])
        .code(1)
        .stdout_has("crates/cli/CHANGELOG.md:5:22: error[changelog-date-invalid] invalid release date `2026-02-30`")
        .stdout_has("crates/core/CHANGELOG.md: ok\n");
    // As staged, for the commit hook (the hooks' `files:` pattern matches a package's
    // changelog too): the index's versions.
    r.relgate("lint-changelog", &["--staged"])
        .code(0)
        .stdout_has("note[changelog-not-found]");
    r.git(&["add", "crates"]).code(0);
    r.relgate("lint-changelog", &["--staged"])
        .code(1)
        .stdout_has("crates/cli/CHANGELOG.md:5:22: error[changelog-date-invalid]")
        .stdout_has("crates/core/CHANGELOG.md: ok\n");
    // A commit hook lints the ones the commit changes: the first commit changes both.
    let hook = [("GIT_INDEX_FILE", ".git/index")];
    r.relgate_env("lint-changelog", &[], &hook)
        .code(1)
        .stdout_has("crates/core/CHANGELOG.md: ok\n");
    r.commit("changelogs");
    r.relgate_env("lint-changelog", &[], &hook)
        .code(0)
        .stdout_has(
            "note[changelog-unchanged] this commit changes none of the 2 packages' changelogs",
        );
    // A commit to core's is not held up by cli's bad date; one to cli's is.
    r.write(
        "crates/core/CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n- Soon.\n\n## [1.0.0] - 2026-01-31\n\n### Added\n\n- Core.\n\n\
         [Unreleased]: https://example.com/compare/core-v1.0.0...HEAD\n\
         [1.0.0]: https://example.com/releases/tag/core-v1.0.0\n",
    );
    r.git(&["add", "crates/core/CHANGELOG.md"]).code(0);
    r.relgate_env("lint-changelog", &[], &hook)
        .code(0)
        .stdout_has("crates/core/CHANGELOG.md: ok\n")
        .stdout_lacks("crates/cli/");
    r.write(
        "crates/cli/CHANGELOG.md",
        "# Changelog\n\n## [0.3.0] - 2026-02-30\n",
    );
    r.git(&["add", "crates/cli/CHANGELOG.md"]).code(0);
    r.relgate_env("lint-changelog", &[], &hook)
        .code(1)
        .stdout_has("crates/cli/CHANGELOG.md:3:22: error[changelog-date-invalid]");
    // By hand, --staged lints every one.
    r.relgate("lint-changelog", &["--staged"])
        .code(1)
        .stdout_has("crates/core/CHANGELOG.md: ok\n");
    r.git(&["checkout", "-q", "HEAD", "--", "crates"]).code(0);
    // Which one holds a release is for FILE to say.
    r.relgate("lint-changelog", &["--release", "1.0.0"])
        .code(2)
        .stderr_has(
            "no changelog at the work-tree root, and the workspace's packages keep their own \
             (crates/cli/CHANGELOG.md, crates/core/CHANGELOG.md): pass the FILE that holds the release",
        );
    r.relgate(
        "lint-changelog",
        &["crates/core/CHANGELOG.md", "--release", "1.0.0"],
    )
    .code(0);
    // A changelog at the root is the one linted.
    r.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n");
    r.relgate("lint-changelog", &[])
        .code(0)
        .stdout_lacks("crates/");
}
