//! The field corpus: the five gates at default settings on fifteen real repositories
//! (`tests/field/*.bundle`, see its README), asserting the facts of the README's table.
//!
//! Each bundle is cloned once per test run into cargo's test temp directory, the way a new user
//! clones a project; the tests only read the clones (a test that must change a repository makes
//! its own scratch clone with [`scratch`]). Assertions are facts — "tag 0.2.14 is reported as
//! `tag-version-mismatch`", "no tag is `tag-invalid`" — never snapshots of whole outputs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use crate::util::{Run, TempDir, bin, pin};

fn bundles() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/field")
}

/// This run's directory for the clones (removed from earlier runs at first use).
fn run_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("field");
        if let Ok(entries) = std::fs::read_dir(&base) {
            for e in entries.flatten() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        let dir = base.join(std::process::id().to_string());
        std::fs::create_dir_all(dir.join("home")).unwrap();
        std::fs::write(dir.join("home/gitconfig"), "").unwrap();
        dir
    })
}

fn home() -> PathBuf {
    run_dir().join("home")
}

fn git_clone(bundle: &Path, dest: &Path) {
    let mut cmd = Command::new("git");
    pin(&mut cmd, &home());
    cmd.args(["clone", "-q"])
        .arg(bundle)
        .arg(dest)
        .stdin(Stdio::null());
    let out = cmd.output().expect("spawn git clone");
    assert!(
        out.status.success(),
        "git clone {} failed: {}",
        bundle.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The clone of field repository `name`, made on first use and shared by every test of the run.
pub fn repo(name: &str) -> PathBuf {
    static CLONES: OnceLock<Mutex<HashMap<String, &'static OnceLock<PathBuf>>>> = OnceLock::new();
    let cell: &'static OnceLock<PathBuf> = {
        let mut map = CLONES.get_or_init(Default::default).lock().unwrap();
        map.entry(name.to_string())
            .or_insert_with(|| Box::leak(Box::new(OnceLock::new())))
    };
    cell.get_or_init(|| {
        let dest = run_dir().join(name);
        git_clone(&bundles().join(format!("{name}.bundle")), &dest);
        dest
    })
    .clone()
}

/// A private clone of field repository `name`, for a test that changes files or refs.
pub fn scratch(name: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new(&format!("field-{name}"));
    let dest = dir.path().join(name);
    git_clone(&bundles().join(format!("{name}.bundle")), &dest);
    (dir, dest)
}

/// A gate run in `dir` at default settings, with the pinned environment plus `env`.
pub fn gate_in(dir: &Path, name: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(bin(name));
    pin(&mut cmd, &home());
    cmd.current_dir(dir).args(args).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("spawn");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        what: format!("{name} {} (in {})", args.join(" "), dir.display()),
    }
}

/// A gate run in field repository `repo_name`.
pub fn gate(repo_name: &str, name: &str, args: &[&str]) -> Run {
    gate_in(&repo(repo_name), name, args, &[])
}

/// A gate's JSON report in field repository `repo_name`.
pub fn json(repo_name: &str, name: &str, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = gate(repo_name, name, &all);
    assert!(
        run.code <= 1,
        "`{}` could not check (exit {}):\n{}",
        run.what,
        run.code,
        run.stderr
    );
    (run.code, run.json())
}

/// The diagnostics of a JSON report.
pub fn diagnostics(report: &serde_json::Value) -> &[serde_json::Value] {
    report["diagnostics"].as_array().map_or(&[], Vec::as_slice)
}

/// The diagnostics of `rule`.
pub fn with_rule<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    diagnostics(report)
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

/// The subjects of the diagnostics of `rule`, sorted.
pub fn subjects(report: &serde_json::Value, rule: &str) -> Vec<String> {
    let mut v: Vec<String> = with_rule(report, rule)
        .iter()
        .filter_map(|d| d["subject"].as_str().map(str::to_string))
        .collect();
    v.sort();
    v
}

/// check-release-ready's status of check `id`.
pub fn check_status(report: &serde_json::Value, id: &str) -> String {
    report["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == id))
        .and_then(|c| c["status"].as_str())
        .unwrap_or_else(|| panic!("no check {id} in {report}"))
        .to_string()
}

/// git's answer in a field clone, trimmed.
pub fn git(repo_name: &str, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    pin(&mut cmd, &home());
    cmd.current_dir(repo(repo_name))
        .args(args)
        .stdin(Stdio::null());
    let out = cmd.output().expect("spawn git");
    assert!(out.status.success(), "git {args:?} failed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn every_bundle_clones_with_its_branches_and_tags() {
    let names = [
        "axios",
        "bat",
        "cargo-release",
        "click",
        "commitizen",
        "httpx",
        "keep-a-changelog",
        "poetry",
        "pydantic",
        "ripgrep",
        "setuptools-scm",
        "textual",
        "tokio",
        "uv",
        "yargs",
    ];
    for name in names {
        let tags = git(name, &["tag"]);
        assert!(tags.lines().count() > 10, "{name}: {tags}");
        assert!(
            !git(name, &["symbolic-ref", "refs/remotes/origin/HEAD"]).is_empty(),
            "{name} has no origin/HEAD"
        );
    }
    assert_eq!(git("axios", &["branch", "--show-current"]), "v1.x");
}
