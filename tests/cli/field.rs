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
    json_in(&repo(repo_name), name, args)
}

/// A gate's JSON report in `dir` (a scratch clone).
pub fn json_in(dir: &Path, name: &str, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = gate_in(dir, name, &all, &[]);
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

// --- the facts of the table, repository by repository -------------------------------------------

/// Every repository: the audit says nothing of the configured prefix (tags are read in the
/// spelling the project uses), every tag error is an error about something real, a hook with no
/// commit in progress passes, and `--show-config` answers.
#[test]
fn no_prefix_false_alarms_and_no_commit_in_progress_passes_everywhere() {
    for name in FIELD {
        let (_, all) = json(name, "validate-tag", &["--all"]);
        for d in with_rule(&all, "tag-invalid") {
            let m = d["message"].as_str().unwrap_or_default();
            assert!(
                !m.contains("missing prefix") && !m.contains("unexpected prefix"),
                "{name}: {d}"
            );
        }
        let guard = gate(name, "guard-master-commit", &[]);
        guard.code(0).stdout_has("note[commit-not-in-progress]");
        gate(name, "validate-tag", &["--show-config"])
            .code(0)
            .stdout_has("tags.prefix = ");
    }
}

const FIELD: [&str; 15] = [
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

/// The tags of `--all`'s JSON list with `status`.
fn tags_with_status(report: &serde_json::Value, status: &str) -> Vec<String> {
    let mut v: Vec<String> = report["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == status)
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn refs(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|n| format!("refs/tags/{n}")).collect();
    v.sort();
    v
}

/// Every tag reported as not on a release branch is on none of the release branches relgate
/// inferred (`--show-config`), as git itself sees it; returns how many were reported.
#[track_caller]
fn off_branch_tags_are_off_release_branches(name: &str, report: &serde_json::Value) -> usize {
    let config = json(name, "validate-tag", &["--show-config"]).1;
    let release: Vec<String> = serde_json::from_str(
        config["config"]["tags.release-branches"]["value"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let reported = subjects(report, "tag-not-on-release-branch");
    for s in &reported {
        let tag = s.trim_start_matches("refs/tags/");
        let branches = git(
            name,
            &["branch", "-a", "--contains", &format!("{tag}^{{commit}}")],
        );
        for b in branches.lines() {
            let b = b.trim_start_matches(['*', ' ']);
            let short = b.strip_prefix("remotes/origin/").unwrap_or(b);
            assert!(
                !release.iter().any(|r| r == short),
                "{name}: {tag} is on release branch {b}, yet reported off the release branches"
            );
        }
    }
    reported.len()
}

/// History that cannot change is one warning per kind, never an error per tag.
#[track_caller]
fn history_is_summarised(report: &serde_json::Value) {
    for rule in ["tag-lightweight", "tag-style-inconsistent"] {
        for d in with_rule(report, rule) {
            assert_eq!(d["severity"], "warn", "{d}");
        }
    }
    assert!(with_rule(report, "tag-lightweight").len() <= 1);
}

/// check-release-ready's status of `id` in repository `name`, with the run's JSON.
fn ready(name: &str, args: &[&str]) -> serde_json::Value {
    json(name, "check-release-ready", args).1
}

#[test]
fn httpx_bare_tags_are_releases_and_squash_merges_are_reviewed() {
    let (code, all) = json("httpx", "validate-tag", &["--all"]);
    assert_eq!(code, 0, "{all}");
    history_is_summarised(&all);
    // The dev and beta tags of 2020–2021 are history: one warning.
    let invalid = with_rule(&all, "tag-invalid");
    assert_eq!(invalid.len(), 1, "{all}");
    assert_eq!(invalid[0]["severity"], "warn");
    let r = ready("httpx", &[]);
    assert_eq!(check_status(&r, "tag-free"), "fail", "{r}");
    assert_eq!(check_status(&r, "version-increment"), "fail", "{r}");
    assert_eq!(check_status(&r, "history"), "pass");
    let text = r.to_string();
    assert!(
        text.contains("0.28.1 already names version 0.28.1"),
        "{text}"
    );
    assert!(!text.contains("first release"), "{text}");
    // 23 squash merges since the last release, all through review.
    gate(
        "httpx",
        "guard-master-commit",
        &["--history", "0.28.1..HEAD"],
    )
    .code(0)
    .stdout_has("23 commits, all merged through review");
    let shown = gate("httpx", "check-version-sync", &["--show-config"]);
    shown.code(0).stdout_has("tags.prefix = \"\"");
}

#[test]
fn poetry_maintenance_branches_and_pep440_prereleases() {
    let (_, all) = json("poetry", "validate-tag", &["--all"]);
    assert!(with_rule(&all, "tag-invalid").is_empty(), "{all}");
    assert!(tags_with_status(&all, "ok").contains(&"1.2.0b3".to_string()));
    // Releases on 1.1, 1.8, 2.1 … are on a release branch; the two reported are on none.
    assert_eq!(off_branch_tags_are_off_release_branches("poetry", &all), 2);
    history_is_summarised(&all);
    let r = ready("poetry", &[]);
    assert_eq!(check_status(&r, "history"), "pass");
    assert!(!r.to_string().contains("first release"), "{r}");
    gate("poetry", "guard-master-commit", &["--show-config"])
        .code(0)
        .stdout_has("\"1.8\"")
        .stdout_has("maintenance line");
}

#[test]
fn click_bare_tags_and_historic_two_part_tags() {
    let (_, all) = json("click", "validate-tag", &["--all"]);
    // 2-part tags of 2014–2020 are history (one warning); `6.x` names a line, not a release.
    let invalid = with_rule(&all, "tag-invalid");
    assert_eq!(invalid.len(), 1, "{all}");
    assert_eq!(invalid[0]["severity"], "warn");
    let skipped = tags_with_status(&all, "skipped");
    for t in ["6.5", "7.0", "6.x", "8.0.x"] {
        assert!(skipped.contains(&t.to_string()), "{t}: {skipped:?}");
    }
    // 8.5.0's release commit is on no branch (the clone's `stable` is behind).
    assert_eq!(off_branch_tags_are_off_release_branches("click", &all), 1);
    // A dev version is not ready: final-version fails, once.
    let r = ready("click", &[]);
    assert_eq!(check_status(&r, "final-version"), "fail");
    assert_eq!(check_status(&r, "tag-name"), "skip", "{r}");
}

#[test]
fn textual_tags_before_the_bump_are_errors_and_lightweight_history_is_a_warning() {
    let (code, all) = json("textual", "validate-tag", &["--all"]);
    assert_eq!(code, 1);
    let mismatched: Vec<String> = with_rule(&all, "tag-version-mismatch")
        .iter()
        .map(|d| d["subject"].as_str().unwrap().to_string())
        .collect();
    let mut mismatched = mismatched;
    mismatched.sort();
    assert_eq!(
        mismatched,
        refs(&["v0.1.15", "v0.1.17", "v0.35.1", "v0.71.1"])
    );
    history_is_summarised(&all);
    let lw = with_rule(&all, "tag-lightweight");
    assert_eq!(lw.len(), 1);
    let help = lw[0]["help"].as_str().unwrap();
    assert!(!help.contains("git tag -d"), "{help}");
    // On the tag of HEAD's own version, the release checks pass.
    let r = ready("textual", &[]);
    assert_eq!(check_status(&r, "tag-free"), "pass");
    assert_eq!(check_status(&r, "version-increment"), "pass");
}

#[test]
fn pydantic_pep440_tags_maintenance_lines_and_the_tag_before_the_bump() {
    let (_, all) = json("pydantic", "validate-tag", &["--all"]);
    let ok = tags_with_status(&all, "ok");
    assert!(ok.contains(&"v2.14.0b1".to_string()), "{ok:?}");
    // Only historic 0.x tags fail the grammar, as one warning.
    for d in with_rule(&all, "tag-invalid") {
        assert_eq!(d["severity"], "warn", "{d}");
    }
    // v2.2.2 tags "Prepare for 2.3.0 release": version.py says 2.3.0.
    let v222: Vec<&serde_json::Value> = with_rule(&all, "tag-version-mismatch")
        .into_iter()
        .filter(|d| d["subject"] == "refs/tags/v2.2.2")
        .collect();
    assert_eq!(v222.len(), 1, "{all}");
    assert_eq!(v222[0]["file"], "pydantic/version.py");
    // Tags on v2.12-fixes, 1.10.X-fixes … are releases; 24 are on no branch at all.
    assert_eq!(
        off_branch_tags_are_off_release_branches("pydantic", &all),
        24
    );
    let r = ready("pydantic", &[]);
    let text = r.to_string();
    assert!(text.contains("v2.14.0b1"), "{text}");
    assert!(!text.contains("v2.14.0-b1"), "{text}");
    assert_eq!(check_status(&r, "tag-free"), "fail");
}

#[test]
fn commitizen_mismatches_and_tags_on_no_branch() {
    let (_, all) = json("commitizen", "validate-tag", &["--all"]);
    // v2.17.1, v2.17.2: [tool.poetry].version says 2.17.0. v2.32.3: the declared
    // `.pre-commit-config.yaml:rev:.+Commitizen` line still says v2.32.2 at the tag.
    let mismatched = subjects(&all, "tag-version-mismatch");
    assert_eq!(mismatched, refs(&["v2.17.1", "v2.17.2", "v2.32.3"]));
    assert_eq!(
        subjects(&all, "tag-not-on-release-branch"),
        refs(&[
            "v1.11.0", "v4.10.1", "v4.13.0", "v4.13.1", "v4.13.2", "v4.13.3", "v4.8.0"
        ])
    );
    off_branch_tags_are_off_release_branches("commitizen", &all);
    history_is_summarised(&all);
    // 285 lightweight tags by `cz bump`: one warning, no error.
    let lw = with_rule(&all, "tag-lightweight");
    assert_eq!(lw.len(), 1);
    assert!(
        lw[0]["message"].as_str().unwrap().starts_with("28"),
        "{}",
        lw[0]
    );
}

#[test]
fn ripgrep_bare_tags_hide_no_mismatch() {
    let (_, all) = json("ripgrep", "validate-tag", &["--all"]);
    let mismatched = subjects(&all, "tag-version-mismatch");
    for t in ["0.0.3", "0.0.9", "0.1.4"] {
        assert!(
            mismatched.contains(&format!("refs/tags/{t}")),
            "{t}: {mismatched:?}"
        );
    }
    assert!(mismatched.len() >= 20, "{mismatched:?}");
    let r = ready("ripgrep", &[]);
    assert!(!r.to_string().contains("first release"), "{r}");
    assert_eq!(check_status(&r, "tag-free"), "fail");
}

#[test]
fn ripgrep_a_crates_tag_job_judges_that_crate_and_not_the_root_changelog() {
    // HEAD carries ignore-0.4.33, but ripgrep is the root package: it stays the release...
    let run = gate("ripgrep", "check-release-ready", &[]);
    run.code(1)
        .stdout_has("PASS version-sync       the version sources agree on 15.2.0\n");
    // ... unless the CI job runs for the crate's tag. The crate has no changelog of its own,
    // and ripgrep's is not its.
    gate_in(
        &repo("ripgrep"),
        "check-release-ready",
        &[],
        &[("GITHUB_REF", "refs/tags/ignore-0.4.33")],
    )
    .code(0)
    .stdout_has(
        "PASS version-sync       package ignore (ignore-0.4.33 of the CI job): the version \
         sources agree on 0.4.33\n",
    )
    .stdout_has("PASS tag-free           ignore-0.4.33 exists and points at HEAD\n")
    .stdout_has(
        "SKIP changelog-entry    ignore has no changelog of its own (the repository's is \
         ripgrep's)\n",
    )
    .stdout_has("check-release-ready: ready to tag ignore-0.4.33\n");
    // The root's own tag in CI is the root's release.
    gate_in(
        &repo("ripgrep"),
        "check-release-ready",
        &[],
        &[("GITHUB_REF", "refs/tags/15.2.0")],
    )
    .stdout_has("PASS version-sync       the version sources agree on 15.2.0\n");
}

#[test]
fn tokio_workspace_members_are_packages_with_their_own_tags() {
    // Each member with its own tags: tokio-1.53.1 is tokio's, tokio-util-0.7.19 tokio-util's.
    let (_, all) = json("tokio", "validate-tag", &["--all"]);
    let ok = tags_with_status(&all, "ok");
    for t in [
        "tokio-1.53.1",
        "tokio-util-0.7.19",
        "tokio-macros-2.7.1",
        "tokio-stream-0.1.9",
    ] {
        assert!(ok.contains(&t.to_string()), "{t} is not ok");
    }
    let tag = all["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "tokio-util-0.7.19")
        .unwrap();
    assert_eq!(tag["package"], "tokio-util");
    // Releases of maintenance lines named after their package (tokio-1.38.x) are on a release
    // branch; the ones reported are on none of them.
    off_branch_tags_are_off_release_branches("tokio", &all);
    assert!(
        !subjects(&all, "tag-not-on-release-branch")
            .contains(&"refs/tags/tokio-1.38.2".to_string())
    );
    // So are those of a line named by version alone whose releases are a package's
    // (`v0.2.x` holds tokio-0.2.25): only the six bare 0.1 tags of 2016, on no branch, are off.
    assert_eq!(
        subjects(&all, "tag-not-on-release-branch"),
        (0..6)
            .map(|n| format!("refs/tags/0.1.{n}"))
            .collect::<Vec<_>>(),
        "{all}"
    );
    // check-version-sync passes at HEAD, listing every member by name.
    let list = gate("tokio", "check-version-sync", &["--list"]);
    list.code(0)
        .stdout_has("tokio/Cargo.toml:9:12  [package].version  1.53.1  1.53.1  package tokio")
        .stdout_has("package tokio-util");
    // check-release-ready asks which package; with one named it judges that one.
    gate("tokio", "check-release-ready", &[])
        .code(2)
        .stderr_has("--package");
    let r = ready("tokio", &["--package", "tokio-util"]);
    assert_eq!(check_status(&r, "version-sync"), "pass", "{r}");
    assert!(
        r.to_string()
            .contains("tokio-util-0.7.19 already names version 0.7.19"),
        "{r}"
    );
}

#[test]
fn a_member_that_disagrees_with_its_own_tag_is_reported() {
    let (_dir, clone) = scratch("tokio");
    let manifest = clone.join("tokio-util/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("version = \"0.7.19\"", "version = \"0.7.18\""),
    )
    .unwrap();
    git_in(&clone, &["commit", "-q", "-am", "lost bump"]);
    git_in(&clone, &["tag", "tokio-util-0.7.20"]);
    gate_in(&clone, "validate-tag", &["tokio-util-0.7.20"], &[])
        .code(1)
        .stdout_has("tokio-util/Cargo.toml:7:12: error[tag-version-mismatch]")
        .stdout_has("but tag tokio-util-0.7.20 says 0.7.20");
    gate_in(&clone, "check-version-sync", &[], &[])
        .code(1)
        .stdout_has("package tokio-util: [package].version says 0.7.18");
}

#[test]
fn setuptools_scm_private_root_and_member_tag_regex() {
    // The root pyproject (`0.1+private`) is only a workspace: no source, never "behind v9.2.2".
    let run = gate("setuptools-scm", "check-version-sync", &["--list"]);
    run.code(0);
    assert!(!run.stdout.contains("0.1+private"), "{}", run.stdout);
    // setuptools-scm-v10.2.1 is a release of the setuptools-scm package (its own tag_regex).
    let (_, all) = json("setuptools-scm", "validate-tag", &["--all"]);
    let ok = tags_with_status(&all, "ok");
    for t in ["setuptools-scm-v10.2.1", "vcs-versioning-v2.3.1"] {
        assert!(ok.contains(&t.to_string()), "{t}: {ok:?}");
    }
    // HEAD carries vcs-versioning-v2.3.1: check-release-ready judges that package, whose
    // version its `[tool.vcs-versioning]` table takes from the tag, and never proposes
    // `v0.1.0+private`.
    let run = gate("setuptools-scm", "check-release-ready", &[]);
    assert!(!run.stdout.contains("+private"), "{}", run.stdout);
    run.code(0)
        .stdout_has(
            "PASS version-sync       package vcs-versioning: the version comes from the git \
             tag (vcs-versioning): vcs-versioning-v2.3.1 at HEAD\n",
        )
        .stdout_has("PASS version-increment  2.3.1 follows vcs-versioning-v2.3.0\n")
        .stdout_has("check-release-ready: ready to tag vcs-versioning-v2.3.1");
    // On the commit before, no package's tag says which: it asks, naming both.
    let (_dir, clone) = scratch("setuptools-scm");
    git_in(&clone, &["checkout", "-q", "HEAD^"]);
    let run = gate_in(&clone, "check-release-ready", &[], &[]);
    assert!(!run.stdout.contains("+private"), "{}", run.stdout);
    run.code(2)
        .stderr_has("workspace of 2 packages")
        .stderr_has("setuptools-scm")
        .stderr_has("vcs-versioning");
    // Named, a package whose version only the tag gives needs the version to check.
    gate_in(
        &clone,
        "check-release-ready",
        &["--package", "setuptools-scm"],
        &[],
    )
    .code(1)
    .stdout_has(
        "FAIL version-sync       the version comes from the git tag (setuptools_scm) and \
             HEAD has no release tag\n",
    )
    .stdout_has("SKIP tag-free           no version to release: the git tag gives it");
    gate_in(
        &clone,
        "check-release-ready",
        &["--package", "setuptools-scm", "--release", "10.2.1"],
        &[],
    )
    .code(1)
    .stdout_has("FAIL tag-free           setuptools-scm-v10.2.1 already names version 10.2.1");
}

#[test]
fn a_workspace_release_job_on_a_packages_tag_judges_that_package() {
    // CI on tokio's `tokio-macros-2.7.1` tag: the tag at HEAD says which package.
    let (_dir, clone) = scratch("tokio");
    git_in(&clone, &["checkout", "-q", "tokio-macros-2.7.1"]);
    let run = gate_in(&clone, "check-release-ready", &[], &[]);
    run.code(0)
        .stdout_has(
            "PASS version-sync       package tokio-macros (tokio-macros-2.7.1 at HEAD): the \
             version sources agree on 2.7.1\n",
        )
        .stdout_has("PASS version-increment  2.7.1 follows tokio-macros-2.7.0\n")
        .stdout_has("check-release-ready: ready to tag tokio-macros-2.7.1");
    // 38 release branches contain it: four are named.
    run.stdout_has("which is on a release branch (master, origin/master, origin/tokio-1.0.x, origin/tokio-1.1.x, and 34 more)\n");
    // tokio 0.2.11 and tokio-macros 0.2.4 were tagged on one commit: which one is asked.
    git_in(&clone, &["checkout", "-q", "tokio-0.2.11"]);
    gate_in(&clone, "check-release-ready", &[], &[])
        .code(2)
        .stderr_has(
            "HEAD carries release tags of 2 packages (tokio-0.2.11, tokio-macros-0.2.4): name \
             the one to release with --package NAME",
        );
    gate_in(
        &clone,
        "check-release-ready",
        &["--package", "tokio-macros"],
        &[],
    )
    .stdout_has("PASS tag-free           tokio-macros-0.2.4 exists and points at HEAD\n");
}

#[test]
fn bat_direct_pushes_are_reported_among_merges() {
    let run = gate(
        "bat",
        "guard-master-commit",
        &["--history", "v0.26.1..HEAD"],
    );
    run.code(1).stdout_has("\"Remove sponsors\"");
    let (_, r) = json(
        "bat",
        "guard-master-commit",
        &["--history", "v0.26.1..HEAD"],
    );
    // 132 first-parent commits, 130 of them merges: two direct pushes.
    assert_eq!(with_rule(&r, "direct-commit-on-protected-branch").len(), 2);
}

#[test]
fn axios_default_branch_twins_and_stale_lockfiles() {
    let (_, all) = json("axios", "validate-tag", &["--all"]);
    let dups = subjects(&all, "tag-duplicate-version");
    assert!(dups.contains(&"refs/tags/1.2.2".to_string()), "{dups:?}");
    // A twin pair is one finding, not two.
    assert!(!dups.contains(&"refs/tags/v1.2.2".to_string()), "{dups:?}");
    // The 1.x releases are on the default branch v1.x; the four reported are on no branch.
    assert_eq!(off_branch_tags_are_off_release_branches("axios", &all), 4);
    let stale: Vec<&serde_json::Value> = with_rule(&all, "tag-version-mismatch")
        .into_iter()
        .filter(|d| d["file"] == "package-lock.json" && d["subject"] == "refs/tags/v0.25.0")
        .collect();
    assert!(!stale.is_empty(), "{all}");
    let r = ready("axios", &[]);
    assert_eq!(check_status(&r, "release-branch"), "pass");
    assert!(!r.to_string().contains("git switch main"), "{r}");
    // v1.x is protected: a commit there is refused.
    gate_in(
        &repo("axios"),
        "guard-master-commit",
        &[],
        &[("GIT_INDEX_FILE", ".git/index")],
    )
    .code(1)
    .stdout_has("protected branch v1.x");
    gate(
        "axios",
        "guard-master-commit",
        &["--history", "v1.7.9..HEAD"],
    )
    .code(0);
}

#[test]
fn yargs_backport_branches_and_a_tag_added_below_a_later_one() {
    let (_, all) = json("yargs", "validate-tag", &["--all"]);
    assert!(
        subjects(&all, "tag-not-increasing").contains(&"refs/tags/v15.4.1".to_string()),
        "{all}"
    );
    let at_v1542: Vec<&serde_json::Value> = with_rule(&all, "tag-version-mismatch")
        .into_iter()
        .filter(|d| d["subject"] == "refs/tags/v15.4.2")
        .collect();
    assert_eq!(at_v1542.len(), 1);
    assert_eq!(off_branch_tags_are_off_release_branches("yargs", &all), 1);
    // The deno builds are variants of their releases, not invalid releases.
    assert!(
        with_rule(&all, "tag-invalid")
            .iter()
            .all(|d| d["severity"] == "warn"),
        "{all}"
    );
}

#[test]
fn keep_a_changelog_rewritten_tags_are_on_no_branch() {
    let (_, all) = json("keep-a-changelog", "validate-tag", &["--all"]);
    assert_eq!(
        off_branch_tags_are_off_release_branches("keep-a-changelog", &all),
        10
    );
}

#[test]
fn uv_the_tag_before_the_bump_and_a_released_version() {
    let (_, all) = json("uv", "validate-tag", &["--all"]);
    assert!(
        subjects(&all, "tag-version-mismatch").contains(&"refs/tags/0.2.14".to_string()),
        "{all}"
    );
    let r = ready("uv", &[]);
    assert_eq!(check_status(&r, "tag-free"), "fail");
    assert!(
        r.to_string()
            .contains("0.12.5 already names version 0.12.5")
    );
}

#[test]
fn cargo_release_and_setuptools_scm_old_tags_are_history() {
    let (code, all) = json("cargo-release", "validate-tag", &["--all"]);
    assert_eq!(code, 0, "{all}");
    let style = with_rule(&all, "tag-style-inconsistent");
    assert_eq!(style.len(), 1);
    assert!(style[0]["message"].as_str().unwrap().starts_with("40 tags"));
    let (_, all) = json("setuptools-scm", "validate-tag", &["--all"]);
    let invalid = with_rule(&all, "tag-invalid");
    assert_eq!(invalid.len(), 1, "{all}");
    assert_eq!(invalid[0]["severity"], "warn");
    assert!(tags_with_status(&all, "skipped").contains(&"v0.10".to_string()));
}

/// Runs git in a scratch clone, with the pinned environment; it must succeed.
pub fn git_in(clone: &Path, args: &[&str]) {
    let mut cmd = Command::new("git");
    pin(&mut cmd, &home());
    let out = cmd
        .current_dir(clone)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("spawn git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rerunning_a_release_tags_workflow_passes_its_version_checks() {
    // CI re-run on an old release: a detached checkout of httpx's 0.27.2 tag.
    let (_dir, clone) = scratch("httpx");
    git_in(&clone, &["checkout", "-q", "0.27.2"]);
    let run = gate_in(&clone, "check-release-ready", &["--format", "json"], &[]);
    let r = run.json();
    assert_eq!(check_status(&r, "tag-free"), "pass", "{r}");
    assert_eq!(check_status(&r, "version-increment"), "pass", "{r}");
    assert_eq!(check_status(&r, "release-branch"), "pass", "{r}");
    let text = r.to_string();
    assert!(text.contains("0.27.2 exists and points at HEAD"), "{text}");
    assert!(text.contains("0.27.2 follows 0.27.1"), "{text}");
}
