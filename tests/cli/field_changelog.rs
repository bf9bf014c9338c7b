//! The changelog rows of the field corpus (`tests/field/README.md`): lint-changelog at default
//! settings on every changelog of the fifteen real repositories, each in its own dialect.
//!
//! Facts, not snapshots: on every file no heading is reported twice for one cause, the heading,
//! date and version errors are exactly the listed ones (every other heading follows the file's
//! own convention), the real problems the README lists are still found, and `--notes` prints the
//! newest release's section. A commit hook lints what is staged, and check-release-ready judges
//! the release being cut.

use std::collections::HashMap;

use crate::field::{
    check_status, diagnostics, gate, gate_in, git_in, json, json_in, repo, scratch, subjects,
    with_rule,
};

/// Every changelog of the field corpus: repository, path, its newest release as `--notes`
/// takes it, and its heading, date, version and version-order errors (rule, line): real slips,
/// each checked against the file below. Files in date order with maintenance releases
/// interleaved (poetry, yargs) are in order.
type Changelog = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, usize)],
);

const CHANGELOGS: &[Changelog] = &[
    ("axios", "CHANGELOG.md", "1.7.9", &[]),
    ("bat", "CHANGELOG.md", "v0.26.1", &[]),
    ("cargo-release", "CHANGELOG.md", "1.1.4", &[]),
    ("click", "CHANGES.md", "8.5.0", &[]),
    // `## 1.0.0b2 (2019-01-18)` among `## vX (...)` headings.
    (
        "commitizen",
        "CHANGELOG.md",
        "v4.13.9",
        &[("changelog-heading", 2222)],
    ),
    ("httpx", "CHANGELOG.md", "0.28.1", &[]),
    ("keep-a-changelog", "CHANGELOG.md", "2.0.0", &[]),
    ("poetry", "CHANGELOG.md", "2.4.1", &[]),
    // `## New Contributors` at the release level inside v2.10.x.
    (
        "pydantic",
        "HISTORY.md",
        "v2.14.0b1",
        &[("changelog-heading", 869)],
    ),
    ("ripgrep", "CHANGELOG.md", "15.2.0", &[]),
    // `## 6.4.0` among `## vX` headings.
    (
        "setuptools-scm",
        "setuptools-scm/CHANGELOG.md",
        "10.2.1",
        &[("changelog-heading", 464)],
    ),
    // `## 0.1.1`, the only undated release of a dated file.
    (
        "setuptools-scm",
        "vcs-versioning/CHANGELOG.md",
        "2.3.1",
        &[("changelog-date-missing", 208)],
    ),
    (
        "textual",
        "CHANGELOG.md",
        "8.2.8",
        &[
            ("changelog-date-invalid", 270),
            ("changelog-date-missing", 1208),
            ("changelog-date-invalid", 1656),
            ("changelog-date-invalid", 1662),
            ("changelog-date-invalid", 1983),
            ("changelog-date-invalid", 1989),
            ("changelog-date-missing", 2262),
            ("changelog-date-missing", 2268),
        ],
    ),
    ("tokio", "tokio/CHANGELOG.md", "1.53.1", &[]),
    ("tokio", "tokio-util/CHANGELOG.md", "0.7.19", &[]),
    ("tokio", "tokio-macros/CHANGELOG.md", "2.7.2", &[]),
    ("tokio", "tokio-stream/CHANGELOG.md", "0.1.19", &[]),
    ("tokio", "tokio-test/CHANGELOG.md", "0.4.5", &[]),
    ("uv", "CHANGELOG.md", "0.12.5", &[]),
    // `## 0.6.2 - 0.6.5`, a range among single versions.
    (
        "uv",
        "crates/uv-pep440/CHANGELOG.md",
        "0.7",
        &[("changelog-heading", 10)],
    ),
    ("yargs", "CHANGELOG.md", "18.1.0", &[]),
];

fn lint(repo_name: &str, path: &str) -> serde_json::Value {
    json(repo_name, "lint-changelog", &[path]).1
}

fn messages(report: &serde_json::Value, rule: &str) -> Vec<String> {
    with_rule(report, rule)
        .iter()
        .filter_map(|d| d["message"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_changelog_is_read_in_its_own_dialect() {
    let mut failures = Vec::new();
    for (name, path, _, expected) in CHANGELOGS {
        let report = lint(name, path);
        // Never twice for one cause, never two errors on one line: a heading in the file's own
        // form is not reported for its form, date and version at once.
        let mut per_line: HashMap<u64, Vec<(&str, &str)>> = HashMap::new();
        for d in diagnostics(&report) {
            let line = d["line"].as_u64().unwrap_or(0);
            per_line.entry(line).or_default().push((
                d["rule"].as_str().unwrap_or(""),
                d["severity"].as_str().unwrap_or(""),
            ));
        }
        for (line, found) in &per_line {
            let errors = found.iter().filter(|(_, s)| *s == "error").count();
            let mut rules: Vec<&str> = found.iter().map(|(r, _)| *r).collect();
            rules.sort_unstable();
            rules.dedup();
            if errors > 1 || rules.len() < found.len() {
                failures.push(format!("{name}/{path}:{line}: {found:?}"));
            }
        }
        let mut got: Vec<(String, usize)> = diagnostics(&report)
            .iter()
            .filter(|d| {
                matches!(
                    d["rule"].as_str(),
                    Some(
                        "changelog-heading"
                            | "changelog-date-missing"
                            | "changelog-date-invalid"
                            | "changelog-version-invalid"
                            | "changelog-version-order"
                    )
                )
            })
            .map(|d| {
                (
                    d["rule"].as_str().unwrap_or("").to_string(),
                    d["line"].as_u64().unwrap_or(0) as usize,
                )
            })
            .collect();
        got.sort_by_key(|g| g.1);
        let want: Vec<(String, usize)> =
            expected.iter().map(|(r, l)| (r.to_string(), *l)).collect();
        if got != want {
            failures.push(format!(
                "{name}/{path}: heading, date and version errors {got:?}, expected {want:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn notes_print_the_newest_section_of_every_changelog() {
    for (name, path, newest, _) in CHANGELOGS {
        let run = gate(name, "lint-changelog", &["--notes", newest, path]);
        run.code(0);
        let text = std::fs::read_to_string(repo(name).join(path)).unwrap();
        // The notes are the text right below the newest release's heading, as written.
        let at = text.find(&run.stdout).unwrap_or_else(|| {
            panic!(
                "{name}/{path} --notes {newest}: not in the file:\n{}",
                run.stdout
            )
        });
        let before = text[..at].trim_end();
        let heading = before
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let heading = if heading.bytes().all(|b| b == b'=' || b == b'-') {
            before.lines().rev().nth(1).unwrap_or("")
        } else {
            heading
        };
        assert!(
            heading.contains(newest.trim_start_matches('v')),
            "{name}/{path} --notes {newest}: the notes follow `{heading}`"
        );
        assert!(!run.stdout.trim().is_empty(), "{name}/{path}");
    }
}

#[test]
fn textual_keeps_its_real_problems() {
    let r = lint("textual", "CHANGELOG.md");
    // [0.15.0] twice, at lines 2891 and 2898.
    let dup = with_rule(&r, "changelog-duplicate-version");
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert_eq!(dup[0]["line"], 2898);
    assert!(
        dup[0]["message"]
            .as_str()
            .unwrap()
            .contains("first at line 2891")
    );
    // [0.76.0] undated; `2025-12-1`.
    assert!(
        messages(&r, "changelog-date-missing")
            .iter()
            .any(|m| m.contains("[0.76.0]"))
    );
    assert!(
        messages(&r, "changelog-date-invalid")
            .iter()
            .any(|m| m.contains("`2025-12-1`"))
    );
    // [0.87.0] compares from v0.86.4, which does not exist.
    assert!(
        messages(&r, "changelog-link-compare")
            .iter()
            .any(|m| m.contains("[0.87.0] compares v0.86.4...v0.87.0")),
        "{:?}",
        messages(&r, "changelog-link-compare")
    );
    // [6.1.0] and [5.1.1] are dated against their neighbours.
    let order = messages(&r, "changelog-date-order");
    assert!(order.iter().any(|m| m.contains("[6.1.0]")), "{order:?}");
    assert!(order.iter().any(|m| m.contains("[5.1.1]")), "{order:?}");
}

#[test]
fn poetry_keeps_its_real_problems_in_pep440() {
    let r = lint("poetry", "CHANGELOG.md");
    // `[0.6.1]` dated 2018-02-18 while 0.6.0 below it is 2018-03-16.
    assert!(
        messages(&r, "changelog-date-order")
            .iter()
            .any(|m| m.contains("[0.6.0]") && m.contains("[0.6.1]"))
    );
    // An `[Unreleased]` link with no section.
    assert!(
        messages(&r, "changelog-link-unused")
            .iter()
            .any(|m| m.contains("[Unreleased]"))
    );
    // `1.2.0b3` is a version in a Python project.
    assert!(with_rule(&r, "changelog-version-invalid").is_empty());
    // `### Docs` and the dependency sub-sections (`### poetry-core ([2.4.0](...))`) are the
    // file's own change types; the one `### Changes` among 58 `### Changed` is a slip.
    let types = messages(&r, "changelog-change-type");
    assert_eq!(types.len(), 1, "{types:?}");
    assert!(types[0].contains("`### Changes` in [0.8.0]"), "{types:?}");
}

#[test]
fn cargo_release_keeps_its_real_problems() {
    let r = lint("cargo-release", "CHANGELOG.md");
    let labels = |rule: &str| -> Vec<String> {
        messages(&r, rule)
            .iter()
            .filter_map(|m| Some(m.split('[').nth(1)?.split(']').next()?.to_string()))
            .collect()
    };
    let missing = labels("changelog-link-missing");
    for v in ["0.12.0", "0.13.0", "0.14.0", "0.15.1", "0.16.3"] {
        assert!(missing.iter().any(|m| m == v), "{v}: {missing:?}");
    }
    assert_eq!(
        labels("changelog-link-unused"),
        ["0.16.6", "0.16.5", "0.16.4"]
    );
    assert!(labels("changelog-empty-release").contains(&"1.1.5".to_string()));
    // `### Fixes` and `### Features` are its convention, forty releases long; the one
    // `### Breaking Change` beside seven `### Breaking Changes` is a slip.
    let types = messages(&r, "changelog-change-type");
    assert_eq!(types.len(), 1, "{types:?}");
    assert!(
        types[0].contains("`### Breaking Change` in [0.21.0]"),
        "{types:?}"
    );
    // 1.1.5 exists and is empty: that is said, at its line, not "no section".
    let run = gate("cargo-release", "lint-changelog", &["--notes", "1.1.5"]);
    run.code(1);
    run.stdout_has("CHANGELOG.md:10:5: error[changelog-missing-release] the section for 1.1.5 (line 10) is empty");
}

#[test]
fn httpx_bat_and_keep_a_changelog() {
    // httpx names Keep a Changelog: its link rules apply, its own heading form stands.
    let r = lint("httpx", "CHANGELOG.md");
    assert_eq!(messages(&r, "changelog-link-missing").len(), 1);
    assert!(messages(&r, "changelog-link-missing")[0].contains("[UNRELEASED]"));
    // Its tags are bare (`0.28.1`), and the suggested definition spells them so.
    let help = with_rule(&r, "changelog-link-missing")[0]["help"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(help.contains("/compare/0.28.1...HEAD`"), "{help}");
    // bat's `# unreleased` is its unreleased section, and nothing else.
    let r = lint("bat", "CHANGELOG.md");
    assert!(diagnostics(&r).iter().all(|d| d["line"] != 1), "{r}");
    // keep-a-changelog: its empty [Unreleased] is said to be empty, at line 8; the oldest
    // release's notes stop before the link block.
    let run = gate(
        "keep-a-changelog",
        "lint-changelog",
        &["--notes", "unreleased"],
    );
    run.code(1);
    run.stdout_has("CHANGELOG.md:8:5: error[changelog-missing-release] the section for unreleased (line 8) is empty");
    let run = gate("keep-a-changelog", "lint-changelog", &["--notes", "0.0.1"]);
    run.code(0);
    assert!(!run.stdout.contains("]: https://"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("\"What makes unicorns cry?\".\n"),
        "{}",
        run.stdout
    );
}

/// In a commit hook the staged changelog is linted, not the work tree's.
#[test]
fn a_commit_hook_lints_the_staged_changelog_of_a_real_repository() {
    let (_dir, clone) = scratch("keep-a-changelog");
    let path = clone.join("CHANGELOG.md");
    let good = std::fs::read_to_string(&path).unwrap();
    let hook = [("GIT_INDEX_FILE", ".git/index")];
    // An unstaged, broken edit does not block a commit of something else.
    std::fs::write(
        &path,
        good.replace("## [1.1.1] - 2023-03-05", "## [1.1.1] - 2023-02-30"),
    )
    .unwrap();
    gate_in(&clone, "lint-changelog", &[], &hook).code(0);
    gate_in(&clone, "lint-changelog", &[], &[]).code(1);
    // Staged, it is what is committed: refused.
    let add = std::process::Command::new("git")
        .current_dir(&clone)
        .args(["add", "CHANGELOG.md"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap();
    assert!(add.success());
    std::fs::write(&path, &good).unwrap();
    gate_in(&clone, "lint-changelog", &[], &hook)
        .code(1)
        .stdout_has("invalid release date `2023-02-30`");
}

/// check-release-ready fails textual for what concerns its whole file, not for a typo in a
/// section two years old.
#[test]
fn release_ready_judges_the_release_being_cut() {
    let (_, report) = json("textual", "check-release-ready", &[]);
    assert_eq!(check_status(&report, "changelog-lint"), "fail");
    assert_eq!(subjects(&report, "changelog-lint"), ["changelog-lint"]);
    let detail = report["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == "changelog-lint"))
        .and_then(|c| c["detail"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(detail.contains("version 0.15.0 appears twice"), "{detail}");
    assert!(!detail.contains("### Changes"), "{detail}");
}

/// lint-changelog's JSON report in `dir`.
fn lint_in(dir: &std::path::Path) -> serde_json::Value {
    json_in(dir, "lint-changelog", &[]).1
}

/// Where a project's changelog turned: the releases written before, at and after the turn are
/// read in its conventions of the time, as a release job on that tag checks them.
#[test]
fn changelogs_at_the_turns_of_their_history() {
    // axios until 2016 listed its releases oldest first: one finding, and the last release
    // is the newest.
    let (_dir, axios) = scratch("axios");
    git_in(&axios, &["checkout", "-q", "v0.5.2"]);
    let r = lint_in(&axios);
    let order = messages(&r, "changelog-version-order");
    assert_eq!(order.len(), 1, "{order:?}");
    assert!(
        order[0].contains("releases go oldest first here, from [0.1.0] (line 3) to [0.5.2]"),
        "{order:?}"
    );
    assert!(messages(&r, "changelog-date-order").is_empty());
    let (_, report) = json_in(&axios, "check-release-ready", &[]);
    assert_eq!(check_status(&report, "changelog-entry"), "pass", "{report}");

    // cargo-release's 18 newest releases write `### Fixes`, its 19 older ones `### Fixed`.
    let (_dir, cargo_release) = scratch("cargo-release");
    git_in(&cargo_release, &["checkout", "-q", "v0.24.0"]);
    let types = messages(&lint_in(&cargo_release), "changelog-change-type");
    assert!(
        types.iter().all(|t| !t.contains("`### Fixes`")),
        "{types:?}"
    );

    // setuptools-scm's first towncrier release above 107 `## vX` headings: the heading its
    // `title_format` writes. Its tag shares HEAD with vcs-versioning's development tag.
    let (_dir, scm) = scratch("setuptools-scm");
    git_in(&scm, &["checkout", "-q", "setuptools-scm-v10.0.0"]);
    let headings = messages(&lint_in(&scm), "changelog-heading");
    assert!(
        headings.iter().all(|h| !h.contains("10.0.0 (2026-02-26)")),
        "{headings:?}"
    );
    assert!(
        headings.iter().any(|h| h.contains("`6.4.0`")),
        "{headings:?}"
    );
    // Its tag chooses the package; vcs-versioning's development tag beside it names no release.
    gate_in(&scm, "check-release-ready", &[], &[])
        .stdout_has("version-sync       package setuptools-scm (setuptools-scm-v10.0.0 at HEAD): ")
        .stdout_has("PASS tag-name           setuptools-scm-v10.0.0 is a valid release tag\n")
        .stdout_has("PASS changelog-entry    CHANGELOG.md has a dated section for 10.0.0\n");
}
