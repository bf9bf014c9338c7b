//! The source rows of the field corpus (`tests/field/README.md`): the files commitizen and
//! uv declare are version sources, a drift of each fails in the work tree and staged, and a tag
//! whose declared files disagree is reported by an audit at default settings.

use std::path::Path;

use crate::field::{check_status, gate, gate_in, git_in, json, repo, scratch, subjects, with_rule};

const CVS: &str = "check-version-sync";

/// Replaces `from` with `to` in a file of a scratch clone, exactly once.
fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{rel}: {from}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// The paths of the sources a JSON report lists.
fn source_paths(report: &serde_json::Value) -> Vec<String> {
    report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}:{}:{}",
                s["path"].as_str().unwrap(),
                s["line"],
                s["column"]
            )
        })
        .collect()
}

/// The locations (`path:line:col`) of the `version-mismatch` findings of a run in `dir`.
fn mismatches(dir: &Path, args: &[&str]) -> (i32, Vec<String>) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = gate_in(dir, CVS, &all, &[]);
    assert!(run.code <= 1, "{}", run.stderr);
    let report = run.json();
    let locs = with_rule(&report, "version-mismatch")
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["column"]
            )
        })
        .collect();
    (run.code, locs)
}

#[test]
fn commitizen_version_py_is_listed_and_its_drift_fails() {
    let (code, report) = json("commitizen", CVS, &["--list"]);
    assert_eq!(code, 0, "{report}");
    let listed = source_paths(&report);
    assert!(
        listed.contains(&"commitizen/__version__.py:1:16".to_string()),
        "{listed:?}"
    );
    // The declared .pre-commit-config.yaml line is a source too, not the repository's other
    // `rev:` lines.
    assert_eq!(
        listed
            .iter()
            .filter(|l| l.starts_with(".pre-commit-config.yaml:"))
            .count(),
        1,
        "{listed:?}"
    );
    let run = gate("commitizen", CVS, &["--list"]);
    assert!(
        run.stdout
            .contains("commitizen/__version__.py:1:16  __version__  4.17.0  4.17.0"),
        "{}",
        run.stdout
    );

    let (_keep, dir) = scratch("commitizen");
    edit(
        &dir,
        "commitizen/__version__.py",
        "\"4.17.0\"",
        "\"4.16.0\"",
    );
    assert_eq!(
        mismatches(&dir, &[]),
        (1, vec!["commitizen/__version__.py:1:16".to_string()])
    );
    // Not staged yet: the index still says 4.17.0.
    assert_eq!(mismatches(&dir, &["--staged"]), (0, vec![]));
    git_in(&dir, &["add", "commitizen/__version__.py"]);
    assert_eq!(
        mismatches(&dir, &["--staged"]),
        (1, vec!["commitizen/__version__.py:1:16".to_string()])
    );
}

#[test]
fn uv_maturin_cargo_toml_is_listed_and_its_drift_fails() {
    let run = gate("uv", CVS, &["--list"]);
    for line in [
        "pyproject.toml:7:12  [project].version  0.12.5",
        "crates/uv/Cargo.toml:3:12  [package].version  0.12.5",
        "crates/uv-version/Cargo.toml:3:12  [package].version  0.12.5",
        "crates/uv-build/pyproject.toml:3:12  [project].version  0.12.5",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
    // No other source at HEAD disagrees (the trimmed corpus lacks the declared Markdown files,
    // which are version-not-found, not mismatches).
    assert_eq!(mismatches(&repo("uv"), &[]).1, Vec::<String>::new());

    let (_keep, dir) = scratch("uv");
    edit(
        &dir,
        "crates/uv/Cargo.toml",
        "version = \"0.12.5\"",
        "version = \"0.12.4\"",
    );
    assert_eq!(
        mismatches(&dir, &[]).1,
        ["crates/uv/Cargo.toml:3:12".to_string()]
    );
    assert_eq!(mismatches(&dir, &["--staged"]).1, Vec::<String>::new());
    git_in(&dir, &["add", "crates/uv/Cargo.toml"]);
    assert_eq!(
        mismatches(&dir, &["--staged"]),
        (1, vec!["crates/uv/Cargo.toml:3:12".to_string()])
    );
    // check-release-ready's version-sync sees it too.
    let run = gate_in(&dir, "check-release-ready", &["--format", "json"], &[]);
    assert_eq!(check_status(&run.json(), "version-sync"), "fail");
}

#[test]
fn uv_tag_0_2_14_is_a_mismatch_in_pyproject_and_the_maturin_manifest() {
    let (code, report) = json("uv", "validate-tag", &["--all"]);
    assert_eq!(code, 1);
    let tagged = subjects(&report, "tag-version-mismatch");
    assert!(
        tagged.contains(&"refs/tags/0.2.14".to_string()),
        "{tagged:?}"
    );
    let files: Vec<&str> = with_rule(&report, "tag-version-mismatch")
        .iter()
        .filter(|d| d["subject"] == "refs/tags/0.2.14")
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(files.contains(&"pyproject.toml"), "{files:?}");
    assert!(files.contains(&"crates/uv/Cargo.toml"), "{files:?}");
}

#[test]
fn commitizen_audit_reads_declared_files_at_each_tag() {
    // v2.17.1/v2.17.2: [tool.poetry].version lags (the README's row); v2.32.3: the declared
    // `.pre-commit-config.yaml` line still says 2.32.2. Nothing else: in particular no tag is
    // judged by a `python_version` marker that `pyproject.toml:version` also matches.
    let (_, report) = json("commitizen", "validate-tag", &["--all"]);
    assert_eq!(
        subjects(&report, "tag-version-mismatch"),
        [
            "refs/tags/v2.17.1",
            "refs/tags/v2.17.2",
            "refs/tags/v2.32.3"
        ]
    );
    // The oldest tags predate pyproject.toml: their .bumpversion.cfg and setup.py layout are
    // read, and agree.
    let run = gate("commitizen", CVS, &["--at", "v0.9.0", "--list"]);
    assert!(
        run.stdout
            .contains("commitizen/__version__.py:1:16  __version__  0.9.0"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

/// axios's package-lock.json (1–1.7 MB, read only up to its two copies of the version): the
/// stale lock files the README lists are reported at every tag, at the exact line and column of
/// each copy, and a lockfileVersion 1 file (no `packages`, so read whole) still has its version.
#[test]
fn axios_lock_files_at_every_tag_at_their_exact_positions() {
    let (_, report) = json("axios", "validate-tag", &["--all"]);
    let mut stale: Vec<String> = with_rule(&report, "tag-version-mismatch")
        .iter()
        .filter(|d| d["file"] == "package-lock.json")
        .map(|d| {
            let kind = d["message"]
                .as_str()
                .unwrap()
                .split(" says ")
                .next()
                .unwrap();
            format!(
                "{} {kind} {}:{}",
                d["subject"].as_str().unwrap(),
                d["line"],
                d["column"]
            )
        })
        .collect();
    stale.sort();
    assert_eq!(
        stale,
        [
            "refs/tags/1.2.2 packages[\"\"].version 9:19",
            "refs/tags/1.2.2 version 3:15",
            "refs/tags/v0.25.0 packages[\"\"].version 8:19",
            "refs/tags/v0.25.0 version 3:15",
            "refs/tags/v0.26.1 packages[\"\"].version 8:19",
            "refs/tags/v0.26.1 version 3:15",
            "refs/tags/v1.1.1 packages[\"\"].version 9:19",
            "refs/tags/v1.1.1 version 3:15",
            "refs/tags/v1.2.2 packages[\"\"].version 9:19",
            "refs/tags/v1.2.2 version 3:15",
        ]
    );
    let run = gate("axios", CVS, &["--at", "v0.18.1", "--list"]);
    assert!(
        run.stdout
            .contains("package-lock.json:3:15  version  0.18.1  0.18.1"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("packages[\"\"]"), "{}", run.stdout);
    let run = gate("axios", CVS, &["--at", "v1.7.9", "--list"]);
    assert!(
        run.stdout
            .contains("package-lock.json:9:19  packages[\"\"].version  1.7.9  1.7.9"),
        "{}",
        run.stdout
    );
}
