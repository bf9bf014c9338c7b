//! check-release-ready over real repositories with a local bare remote: a repository that is
//! ready, then each check failing alone while the others pass.

use crate::util::{Repo, TempDir};

const CRR: &str = "check-release-ready";

/// A Keep a Changelog file with compare links, newest version first.
fn changelog(versions: &[(&str, &str)]) -> String {
    let mut s = String::from("# Changelog\n\n## [Unreleased]\n");
    for (v, date) in versions {
        s.push_str(&format!(
            "\n## [{v}] - {date}\n\n### Added\n\n- Things for {v}.\n"
        ));
    }
    let base = "https://github.com/o/demo";
    s.push('\n');
    if let Some((newest, _)) = versions.first() {
        s.push_str(&format!("[Unreleased]: {base}/compare/v{newest}...HEAD\n"));
    }
    for (i, (v, _)) in versions.iter().enumerate() {
        match versions.get(i + 1) {
            Some((prev, _)) => s.push_str(&format!("[{v}]: {base}/compare/v{prev}...v{v}\n")),
            None => s.push_str(&format!("[{v}]: {base}/releases/tag/v{v}\n")),
        }
    }
    s
}

fn pyproject(version: &str) -> String {
    format!("[project]\nname = \"demo\"\nversion = \"{version}\"\n")
}

/// v1.0.0 released and pushed; 1.1.0 prepared, committed and pushed: ready to tag v1.1.0.
fn ready() -> (Repo, TempDir) {
    let r = Repo::new();
    r.write("CHANGELOG.md", &changelog(&[("1.0.0", "2026-01-01")]));
    r.write("pyproject.toml", &pyproject("1.0.0"));
    r.git(&["add", "."]).code(0);
    r.commit("release 1.0.0");
    r.tag("v1.0.0", None);
    r.write(
        "CHANGELOG.md",
        &changelog(&[("1.1.0", "2026-02-01"), ("1.0.0", "2026-01-01")]),
    );
    r.write("pyproject.toml", &pyproject("1.1.0"));
    r.git(&["add", "."]).code(0);
    r.commit("prepare 1.1.0");
    let remote = r.bare_remote();
    r.git(&["push", "-q", "-u", "origin", "main", "v1.0.0"])
        .code(0);
    (r, remote)
}

/// Commits and pushes `text` as the changelog.
fn push_changelog(r: &Repo, text: &str, what: &str) {
    r.write("CHANGELOG.md", text);
    r.git(&["commit", "-q", "-am", what]).code(0);
    r.git(&["push", "-q"]).code(0);
}

/// The status of each check, from the JSON output.
fn statuses(r: &Repo, args: &[&str]) -> (i32, Vec<(String, String)>) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = r.relgate(CRR, &all);
    let v = run.json();
    assert_eq!(v["ok"], run.code == 0, "{}", run.stdout);
    let checks = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (run.code, checks)
}

/// Asserts that exactly the listed checks have the listed status and every other one passes.
#[track_caller]
fn only(r: &Repo, args: &[&str], expected: &[(&str, &str)]) {
    let (code, checks) = statuses(r, args);
    assert_eq!(checks.len(), 11, "{checks:?}");
    for (id, status) in &checks {
        let want = expected
            .iter()
            .find(|(i, _)| i == id)
            .map_or("pass", |(_, s)| *s);
        assert_eq!(status, want, "check {id}: {checks:?}");
    }
    let fails = expected.iter().any(|(_, s)| *s == "fail");
    assert_eq!(code, i32::from(fails), "{checks:?}");
}

#[test]
fn a_ready_repository_passes_every_check() {
    let (r, _remote) = ready();
    only(&r, &[], &[]);
    let run = r.relgate(CRR, &[]);
    run.code(0)
        .stdout_has("PASS clean-tree")
        .stdout_has("PASS history")
        .stdout_has("check-release-ready: ready to tag v1.1.0");
    r.relgate(CRR, &["--color", "always"])
        .code(0)
        .stdout_has("✓");
}

#[test]
fn clean_tree_fails_alone_naming_the_files() {
    let (r, _remote) = ready();
    r.write("stray.txt", "x\n");
    only(&r, &[], &[("clean-tree", "fail")]);
    r.relgate(CRR, &[])
        .code(1)
        .stdout_has("stray.txt (untracked)")
        .stdout_has("git stash --include-untracked");
    // Ignored files do not count.
    r.write(".git/info/exclude", "stray.txt\n");
    only(&r, &[], &[]);
    // Staged and modified files do.
    r.write("README", "readme\n");
    r.git(&["add", "README"]).code(0);
    only(&r, &[], &[("clean-tree", "fail")]);
}

/// clean-tree's detail line, from the JSON output.
fn clean_tree_detail(r: &Repo) -> String {
    let v = r.relgate(CRR, &["--format", "json"]).json();
    v["checks"][0]["detail"].as_str().unwrap().to_string()
}

/// clean-tree's entries, as `path (what)` pairs sorted.
fn clean_tree_entries(r: &Repo) -> Vec<(String, String)> {
    let detail = clean_tree_detail(r);
    let Some(list) = detail.strip_prefix("the work tree is not clean: ") else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = list
        .split(", ")
        .map(|e| {
            let (path, what) = e.rsplit_once(" (").unwrap();
            (path.to_string(), what.trim_end_matches(')').to_string())
        })
        .collect();
    out.sort();
    out
}

/// What `git status --porcelain` says, in clean-tree's words, sorted.
fn git_status_entries(r: &Repo) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = r
        .git(&["status", "--porcelain"])
        .stdout
        .lines()
        .map(|l| {
            let (xy, path) = l.split_at(3);
            let path = path.rsplit(" -> ").next().unwrap().trim_end_matches('/');
            let what = match xy.trim() {
                "??" => "untracked",
                "D" => "deleted",
                "M" => "modified",
                "T" => "type-change",
                _ => "staged",
            };
            (path.to_string(), what.to_string())
        })
        .collect();
    out.sort();
    out
}

/// clean-tree names what `git status --porcelain` names, change by change, below and above
/// the thousand index entries from which the status uses threads; `status.showUntrackedFiles
/// = no` hides untracked files as it does for git; a file touched but unchanged is clean; a
/// long list shows its first five in git's order.
#[test]
fn clean_tree_names_what_git_status_names() {
    for files in [0, 1200] {
        let (r, _remote) = ready();
        if files > 0 {
            for i in 0..files {
                r.write(&format!("data/d{}/f{i}.txt", i % 7), &format!("{i}\n"));
            }
            r.git(&["add", "."]).code(0);
            r.git(&["commit", "-q", "-m", "data"]).code(0);
            r.git(&["push", "-q"]).code(0);
        }
        let same = |what: &str| {
            let git = git_status_entries(&r);
            assert_eq!(clean_tree_entries(&r), git, "{what} ({files} more files)");
            git.len()
        };
        assert_eq!(same("clean"), 0);
        // Touched, same content: git refreshes its stat cache, nothing changed.
        let stamp = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(r.path().join("pyproject.toml"))
            .unwrap()
            .set_modified(stamp)
            .unwrap();
        assert_eq!(same("touched"), 0);
        r.write("CHANGELOG.md", "# Changelog\n");
        std::fs::remove_file(r.path().join("pyproject.toml")).unwrap();
        r.write("notes/todo/a.txt", "a\n");
        r.write("stray.txt", "x\n");
        assert_eq!(same("modified, deleted, untracked"), 4);
        r.git(&["config", "status.showUntrackedFiles", "no"])
            .code(0);
        assert_eq!(same("untracked hidden"), 2);
        r.git(&["config", "--unset", "status.showUntrackedFiles"])
            .code(0);
        r.git(&["reset", "-q", "--hard"]).code(0);
        r.git(&["clean", "-qfd"]).code(0);
        #[cfg(unix)]
        {
            std::fs::remove_file(r.path().join("CHANGELOG.md")).unwrap();
            std::os::unix::fs::symlink("pyproject.toml", r.path().join("CHANGELOG.md")).unwrap();
            assert_eq!(same("type change"), 1);
            r.git(&["checkout", "-q", "--", "CHANGELOG.md"]).code(0);
        }
        r.git(&["mv", "CHANGELOG.md", "CHANGES.md"]).code(0);
        assert_eq!(same("staged rename"), 1);
        // A long list shows its first five as git lists them: changes, then untracked paths
        // by name, whatever order the file system keeps them in.
        r.git(&["reset", "-q", "--hard"]).code(0);
        r.write("pyproject.toml", &pyproject("1.1.1"));
        for name in ["k", "c", "x", "a", "m", "d", "b"] {
            r.write(&format!("{name}.txt"), "x\n");
        }
        assert_eq!(
            clean_tree_detail(&r),
            "the work tree is not clean: pyproject.toml (modified), a.txt (untracked), \
             b.txt (untracked), c.txt (untracked), d.txt (untracked), and more",
            "{files} more files"
        );
        // Something staged: gix's status iterator, put in the same order.
        r.git(&["add", "x.txt"]).code(0);
        assert_eq!(
            clean_tree_detail(&r),
            "the work tree is not clean: pyproject.toml (modified), x.txt (staged), \
             a.txt (untracked), b.txt (untracked), c.txt (untracked), and more",
            "{files} more files, one staged"
        );
    }
}

/// The index is read as git reads it, without verifying its trailing checksum (only
/// `git fsck` does): an index whose checksum is wrong is still the index, for the status and
/// for `--staged`, and a wrong entry in it is still found.
#[test]
fn the_index_checksum_is_not_verified_as_git_does_not() {
    let (r, _remote) = ready();
    let path = r.path().join(".git/index");
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    // git reads it (and, with no optional locks, does not write it back corrected).
    r.git(&["--no-optional-locks", "status", "--porcelain"])
        .code(0);
    only(&r, &[], &[]);
    r.relgate("check-version-sync", &["--staged"]).code(0);
    r.write("stray.txt", "x\n");
    only(&r, &[], &[("clean-tree", "fail")]);
}

/// The index's cache-tree lets clean-tree skip the HEAD-to-index diff only when it names HEAD's
/// tree: after `git commit` + `git reset --soft HEAD~1` it is valid but names the undone
/// commit's tree, and the staged file must still be found.
#[test]
fn clean_tree_finds_staged_files_behind_a_valid_cache_tree() {
    let (r, _remote) = ready();
    r.commit_file("README", "readme\n", "add a readme");
    r.git(&["reset", "-q", "--soft", "HEAD~1"]).code(0);
    only(&r, &[], &[("clean-tree", "fail")]);
    r.relgate(CRR, &[]).code(1).stdout_has("README (staged)");
    // With the index back at HEAD (cache-tree valid and equal), a change in the work tree is
    // still seen, and so is a clean tree.
    r.git(&["reset", "-q", "--hard", "HEAD"]).code(0);
    only(&r, &[], &[]);
    r.write(
        "pyproject.toml",
        &format!("{}\n# edited\n", pyproject("1.1.0")),
    );
    only(&r, &[], &[("clean-tree", "fail")]);
    r.relgate(CRR, &[])
        .code(1)
        .stdout_has("pyproject.toml (modified)");
}

#[test]
fn clean_tree_fails_during_a_merge() {
    let (r, _remote) = ready();
    r.git(&["switch", "-q", "-c", "side"]).code(0);
    r.commit_file("pyproject.toml", &pyproject("9.9.9"), "side");
    r.git(&["switch", "-q", "main"]).code(0);
    r.git(&["merge", "--no-commit", "--no-ff", "-q", "side"])
        .code(0);
    // Index and work tree back to HEAD: only MERGE_HEAD says a merge is in progress.
    r.git(&["checkout", "-q", "HEAD", "--", "pyproject.toml"])
        .code(0);
    let run = r.relgate(CRR, &[]);
    run.code(1)
        .stdout_has("a merge is in progress")
        .stdout_has("git merge --abort");
}

#[test]
fn release_branch_fails_alone() {
    let (r, _remote) = ready();
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.git(&["push", "-q", "-u", "origin", "feature"]).code(0);
    only(&r, &[], &[("release-branch", "fail")]);
    r.relgate(CRR, &[]).code(1).stdout_has("git switch main");
}

#[test]
fn upstream_ahead_passes_behind_and_missing_fail() {
    let (r, remote) = ready();
    r.commit("ahead by one");
    only(&r, &[], &[]);
    r.relgate(CRR, &[])
        .stdout_has("1 commit ahead of origin/main");
    // Behind: the remote moved on (pushed from another clone), then fetched.
    let (_other, dest) = r.clone_of(remote.path(), false);
    let mut cmd = r.command("git");
    cmd.current_dir(&dest)
        .args(["commit", "-q", "--allow-empty", "-m", "remote work"]);
    r.run(cmd, "commit in other clone".into()).code(0);
    let mut cmd = r.command("git");
    cmd.current_dir(&dest)
        .args(["push", "-q", "origin", "main"]);
    r.run(cmd, "push from other clone".into()).code(0);
    r.git(&["fetch", "-q"]).code(0);
    only(&r, &[], &[("upstream", "fail")]);
    r.relgate(CRR, &[])
        .stdout_has("diverged")
        .stdout_has("git pull --rebase");
    r.git(&["reset", "-q", "--hard", "HEAD~1"]).code(0);
    r.relgate(CRR, &[])
        .code(1)
        .stdout_has("1 commit behind")
        .stdout_has("git pull --ff-only");
    // No upstream at all.
    r.git(&["branch", "-q", "--unset-upstream"]).code(0);
    r.relgate(CRR, &[])
        .code(1)
        .stdout_has("main has no upstream")
        .stdout_has("git push -u origin main");
}

#[test]
fn version_sync_fails_alone() {
    let (r, _remote) = ready();
    r.commit_file(
        "src/demo/__init__.py",
        "__version__ = \"1.0.9\"\n",
        "stale init",
    );
    r.git(&["push", "-q"]).code(0);
    only(&r, &[], &[("version-sync", "fail")]);
}

#[test]
fn tag_name_fails_for_a_version_with_no_valid_tag() {
    let (r, _remote) = ready();
    // In a Python-only project a post-release tag is valid in PEP 440's own spelling ...
    r.write(
        "CHANGELOG.md",
        &changelog(&[("1.1.0.post1", "2026-02-01"), ("1.0.0", "2026-01-01")]),
    );
    r.write("pyproject.toml", &pyproject("1.1.0.post1"));
    r.git(&["commit", "-q", "-am", "post"]).code(0);
    r.git(&["push", "-q"]).code(0);
    only(&r, &[], &[]);
    r.relgate(CRR, &[])
        .stdout_has("v1.1.0.post1 is a valid release tag");
    // ... but an epoch is no release tag in any grammar.
    r.write("pyproject.toml", &pyproject("1!1.1.0"));
    r.git(&["commit", "-q", "-am", "epoch"]).code(0);
    r.git(&["push", "-q"]).code(0);
    let (_, checks) = statuses(&r, &[]);
    assert!(
        checks.contains(&("tag-name".into(), "fail".into())),
        "{checks:?}"
    );
    // A dev version gets no tag and no release notes yet: final-version fails, tag-name and
    // changelog-entry are skipped.
    r.write("pyproject.toml", &pyproject("1.1.0.dev1"));
    r.git(&["commit", "-q", "-am", "dev"]).code(0);
    r.git(&["push", "-q"]).code(0);
    let (_, checks) = statuses(&r, &[]);
    assert!(
        checks.contains(&("tag-name".into(), "skip".into()))
            && checks.contains(&("changelog-entry".into(), "skip".into()))
            && checks.contains(&("final-version".into(), "fail".into())),
        "{checks:?}"
    );
}

#[test]
fn tag_free_passes_on_head_fails_elsewhere() {
    let (r, _remote) = ready();
    r.tag("v1.1.0", None);
    only(&r, &[], &[]);
    r.relgate(CRR, &[])
        .stdout_has("v1.1.0 exists and points at HEAD");
    r.commit("after the tag");
    r.git(&["push", "-q"]).code(0);
    // The version is taken, and it equals the newest release below HEAD.
    only(
        &r,
        &[],
        &[("tag-free", "fail"), ("version-increment", "fail")],
    );
    r.relgate(CRR, &[])
        .stdout_has("v1.1.0 already names version 1.1.0")
        .stdout_has("1.1.0 is already released: v1.1.0 is in HEAD's history");
    // Re-running the tag's own workflow (a detached checkout of v1.1.0) passes both.
    r.git(&["checkout", "-q", "v1.1.0"]).code(0);
    let run = r.relgate(CRR, &["--format", "json"]);
    let v = run.json();
    let status = |id: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("tag-free"), "pass", "{}", run.stdout);
    assert_eq!(status("version-increment"), "pass", "{}", run.stdout);
    r.relgate(CRR, &[]).stdout_has("1.1.0 follows v1.0.0");
}

#[test]
fn a_version_is_taken_whatever_the_spelling_of_its_tag() {
    let (r, _remote) = ready();
    // 1.1.0 released as a bare tag on another commit, beside the v-prefixed v1.0.0.
    r.git(&["tag", "-a", "1.1.0", "-m", "1.1.0", "HEAD~1"])
        .code(0);
    only(
        &r,
        &[],
        &[("tag-free", "fail"), ("version-increment", "fail")],
    );
    r.relgate(CRR, &[])
        .stdout_has("1.1.0 already names version 1.1.0")
        .stdout_lacks("does not exist yet");
    // The history check counts every version-like tag.
    r.relgate(CRR, &[])
        .stdout_has("full history, 2 release tags");
}

#[test]
fn a_version_tagged_in_a_rejected_spelling_is_taken_too() {
    let (r, _remote) = ready();
    // 1.1.0 tagged `v1.1` (PEP 440 reads 1.1 as 1.1.0) on HEAD: the release's own tag, as in
    // its CI job, whose spelling tag-name judges; no second tag `v1.1.0` is proposed.
    r.tag("v1.1", None);
    only(&r, &[], &[("tag-name", "fail")]);
    r.relgate(CRR, &[])
        .stdout_has("v1.1 exists and points at HEAD")
        .stdout_has("missing PATCH")
        .stdout_lacks("ready to tag v1.1.0");
    // On another commit, the version is released: tag-free fails.
    r.git(&["tag", "-d", "v1.1"]).code(0);
    r.git(&["tag", "V1.1.0", "HEAD~1"]).code(0);
    only(&r, &[], &[("tag-free", "fail")]);
    r.relgate(CRR, &[])
        .stdout_has("V1.1.0 already names version 1.1.0 (on ")
        .stdout_has(", in a spelling the tag grammar rejects")
        .stdout_has("delete it (`git tag -d V1.1.0`)");
    // A development tag of the version does not release it.
    r.git(&["tag", "-d", "V1.1.0"]).code(0);
    r.git(&["tag", "v1.1.0.dev0", "HEAD~1"]).code(0);
    only(&r, &[], &[]);
}

#[test]
fn pep440_prerelease_tags_are_proposed_in_their_own_spelling() {
    let (r, _remote) = ready();
    r.write(
        "CHANGELOG.md",
        &changelog(&[
            ("2.0.0b2", "2026-03-01"),
            ("2.0.0b1", "2026-02-01"),
            ("1.0.0", "2026-01-01"),
        ]),
    );
    r.write("pyproject.toml", &pyproject("2.0.0b1"));
    r.git(&["commit", "-q", "-am", "2.0.0b1"]).code(0);
    r.tag("v2.0.0b1", None);
    r.write("pyproject.toml", &pyproject("2.0.0b2"));
    r.git(&["commit", "-q", "-am", "2.0.0b2"]).code(0);
    r.git(&["push", "-q", "origin", "main", "v2.0.0b1"]).code(0);
    r.relgate(CRR, &[])
        .stdout_has("v2.0.0b2 is a valid release tag")
        .stdout_lacks("v2.0.0-b2");
}

#[test]
fn version_increment_fails_when_not_higher_and_warns_on_a_skip() {
    let (r, _remote) = ready();
    r.tag("v2.0.0", Some("HEAD~1"));
    only(&r, &[], &[("version-increment", "fail")]);
    r.git(&["tag", "-d", "v2.0.0"]).code(0);
    r.write(
        "CHANGELOG.md",
        &changelog(&[("1.3.0", "2026-02-01"), ("1.0.0", "2026-01-01")]),
    );
    r.write("pyproject.toml", &pyproject("1.3.0"));
    r.git(&["commit", "-q", "-am", "skip 1.1 and 1.2"]).code(0);
    r.git(&["push", "-q"]).code(0);
    only(&r, &[], &[("version-increment", "warn")]);
    r.relgate(CRR, &["--deny-warnings"]).code(1);
}

#[test]
fn final_version_fails_for_a_dev_release() {
    let (r, _remote) = ready();
    r.write("pyproject.toml", &pyproject("1.1.0.dev1"));
    r.write(
        "CHANGELOG.md",
        &changelog(&[("1.1.0-dev.1", "2026-02-01"), ("1.0.0", "2026-01-01")]),
    );
    r.git(&["commit", "-q", "-am", "dev"]).code(0);
    r.git(&["push", "-q"]).code(0);
    let (_, checks) = statuses(&r, &[]);
    assert!(
        checks.contains(&("final-version".into(), "fail".into())),
        "{checks:?}"
    );
}

#[test]
fn changelog_entry_fails_alone_with_the_heading_to_add() {
    let (r, _remote) = ready();
    push_changelog(&r, &changelog(&[("1.0.0", "2026-01-01")]), "lost the entry");
    only(&r, &[], &[("changelog-entry", "fail")]);
    r.relgate(CRR, &[]).stdout_has("add `## [1.1.0] - ");
}

#[test]
fn changelog_lint_judges_the_release_being_cut() {
    let (r, _remote) = ready();
    let base = changelog(&[("1.1.0", "2026-02-01"), ("1.0.0", "2026-01-01")]);
    // An impossible date in an older release is history: it warns, it does not stop 1.1.0.
    let old = base.replace("## [1.0.0] - 2026-01-01", "## [1.0.0] - 2026-02-30");
    push_changelog(&r, &old, "typo in an old date");
    only(&r, &[], &[("changelog-lint", "warn")]);
    r.relgate(CRR, &[])
        .code(0)
        .stdout_has("in an older release: invalid release date `2026-02-30`");
    // An error in the section being released fails.
    let mine = base.replace(
        "### Added\n\n- Things for 1.1.0.",
        "### Addded\n\n- Things for 1.1.0.",
    );
    push_changelog(&r, &mine, "typo in this release");
    only(&r, &[], &[("changelog-lint", "fail")]);
    // A duplicate version concerns the whole file: it fails wherever it is.
    let dup = format!("{base}\n## [1.0.0] - 2025-12-01\n\n### Added\n\n- Again.\n");
    push_changelog(&r, &dup, "duplicate");
    only(&r, &[], &[("changelog-lint", "fail")]);
}

#[test]
fn a_big_changelog_is_judged_as_a_small_one() {
    // From 32 KiB on the changelog is parsed on its own thread while the other checks run:
    // the verdicts are the same, and an unreadable file still stops the run naming it.
    let (r, _remote) = ready();
    let lines: String = (0..1500)
        .map(|i| format!("- Thing number {i} for 1.0.0.\n"))
        .collect();
    let base = changelog(&[("1.1.0", "2026-02-01"), ("1.0.0", "2026-01-01")])
        .replace("- Things for 1.0.0.\n", &lines);
    assert!(base.len() > 40 << 10);
    push_changelog(&r, &base, "a long history");
    only(&r, &[], &[]);
    let typo = base.replace(
        "### Added\n\n- Things for 1.1.0.",
        "### Addded\n\n- Things for 1.1.0.",
    );
    push_changelog(&r, &typo, "typo in this release");
    only(&r, &[], &[("changelog-lint", "fail")]);
    let lost = base.replace("## [1.1.0] - 2026-02-01", "## [1.0.1] - 2026-02-01");
    push_changelog(&r, &lost, "lost the entry");
    only(
        &r,
        &[],
        &[("changelog-entry", "fail"), ("changelog-lint", "warn")],
    );
    for size in ["small", "big"] {
        let mut bytes = if size == "big" {
            base.clone()
        } else {
            changelog(&[("1.1.0", "2026-02-01")])
        }
        .into_bytes();
        bytes.insert(bytes.len() - 10, 0xff);
        std::fs::write(r.path().join("CHANGELOG.md"), &bytes).unwrap();
        r.relgate(CRR, &[])
            .code(2)
            .stderr_has("CHANGELOG.md: not UTF-8");
    }
}

#[test]
fn explicit_version_is_checked_against_the_sources() {
    let (r, _remote) = ready();
    let (code, checks) = statuses(&r, &["--release", "1.2.0"]);
    assert_eq!(code, 1);
    assert!(
        checks.contains(&("version-sync".into(), "fail".into())),
        "{checks:?}"
    );
    assert!(
        checks.contains(&("changelog-entry".into(), "fail".into())),
        "{checks:?}"
    );
    r.relgate(CRR, &["--release", "1.2.0"])
        .code(1)
        .stdout_has("pyproject.toml:3:12: [project].version says 1.1.0, but --release says 1.2.0");
    r.relgate(CRR, &["--release", "1.1.0"]).code(0);
    r.relgate(CRR, &["--release", "v1.1.0"]).code(0);
    r.relgate(CRR, &["--release", "not a version"])
        .code(2)
        .stderr_has("--release `not a version`");
    // An empty or missing value, and the old option name, are usage errors, never a pass.
    r.relgate(CRR, &["--release", ""])
        .code(2)
        .stderr_has("empty value");
    r.relgate(CRR, &["--release"])
        .code(2)
        .stderr_has("needs a value");
    r.relgate(CRR, &["--version", "1.1.0"])
        .code(2)
        .stderr_has("--release <VERSION>");
}

#[test]
fn each_failed_or_warned_check_is_a_diagnostic_and_an_annotation() {
    let (r, _remote) = ready();
    r.write("stray.txt", "x\n");
    let run = r.relgate(CRR, &["--format", "json"]);
    run.code(1);
    let v = run.json();
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["clean-tree"], "{}", run.stdout);
    r.relgate_env(CRR, &[], &[("GITHUB_ACTIONS", "true")])
        .code(1)
        .stdout_has("::error title=clean-tree::clean-tree: the work tree is not clean");
    // The human checklist says it once.
    let human = r.relgate(CRR, &[]);
    assert_eq!(
        human.stdout.matches("stray.txt").count(),
        1,
        "{}",
        human.stdout
    );
}

#[test]
fn shallow_clone_fails_history_and_skips_what_needs_it() {
    let (r, remote) = ready();
    let (_clone, dest) = r.clone_of(remote.path(), true);
    let mut cmd = r.command(crate::util::bin(CRR));
    cmd.current_dir(&dest).args(["--format", "json"]);
    let run = r.run(cmd, "check-release-ready in a shallow clone".into());
    run.code(1);
    let v = run.json();
    let status = |id: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("history"), "fail");
    assert_eq!(status("version-increment"), "skip");
}

#[test]
fn a_clone_without_tags_fails_history_unless_first_release() {
    let (r, _remote) = ready();
    r.git(&["tag", "-d", "v1.0.0"]).code(0);
    only(
        &r,
        &[],
        &[("history", "fail"), ("version-increment", "skip")],
    );
    only(&r, &["--first-release"], &[]);
}

#[test]
fn a_ci_checkout_of_the_tag_is_detached_but_on_origin_main() {
    let (r, remote) = ready();
    r.tag("v1.1.0", None);
    r.git(&["push", "-q", "origin", "v1.1.0"]).code(0);
    // What actions/checkout does for a tag push with fetch-depth: 0.
    let (_ci, dest) = r.clone_of(remote.path(), false);
    let mut cmd = r.command("git");
    cmd.current_dir(&dest)
        .args(["checkout", "-q", "--detach", "v1.1.0"]);
    r.run(cmd, "checkout the tag".into()).code(0);
    let mut cmd = r.command(crate::util::bin(CRR));
    cmd.current_dir(&dest).env("GITHUB_REF", "refs/tags/v1.1.0");
    r.run(cmd, "check-release-ready on the tag".into())
        .code(0)
        .stdout_has("HEAD is detached at")
        .stdout_has(", which is on main")
        .stdout_has("SKIP upstream")
        .stdout_has("v1.1.0 exists and points at HEAD");
    // A detached commit that is on no release branch fails.
    let mut cmd = r.command("git");
    cmd.current_dir(&dest)
        .args(["commit", "-q", "--allow-empty", "-m", "detached work"]);
    r.run(cmd, "commit detached".into()).code(0);
    let mut cmd = r.command(crate::util::bin(CRR));
    cmd.current_dir(&dest);
    r.run(cmd, "check-release-ready detached".into())
        .code(1)
        .stdout_has("FAIL release-branch     HEAD is detached");
}

#[test]
fn a_version_only_the_tag_gives_is_the_tag_at_head_or_named() {
    // hatch-vcs: no file holds the version; the build takes it from the tag.
    let (r, _remote) = ready();
    r.write(
        "pyproject.toml",
        "[build-system]\nrequires = [\"hatchling\", \"hatch-vcs\"]\nbuild-backend = \"hatchling.build\"\n\
         [project]\nname = \"demo\"\ndynamic = [\"version\"]\n[tool.hatch.version]\nsource = \"vcs\"\n",
    );
    r.git(&["commit", "-q", "-am", "version from the tag"])
        .code(0);
    r.git(&["push", "-q"]).code(0);
    // Nothing says which version comes next: the checks of it cannot run, and that is no pass.
    only(
        &r,
        &[],
        &[
            ("version-sync", "fail"),
            ("tag-name", "skip"),
            ("tag-free", "skip"),
            ("version-increment", "skip"),
            ("final-version", "skip"),
            ("changelog-entry", "skip"),
        ],
    );
    r.relgate(CRR, &[])
        .stdout_has(
            "FAIL version-sync       the version comes from the git tag (hatch-vcs) and HEAD \
             has no release tag\n                       fix: name the version you will tag: \
             `--release VERSION`\n",
        )
        .stdout_has("SKIP tag-free           no version to release: the git tag gives it (see version-sync)\n");
    // Named, it is checked as a file's would be.
    only(&r, &["--release", "1.1.0"], &[]);
    r.relgate(CRR, &["--release", "1.1.0"]).stdout_has(
        "PASS version-sync       the version comes from the git tag (hatch-vcs): 1.1.0 by --release\n",
    );
    only(
        &r,
        &["--release", "1.0.0"],
        &[
            ("tag-free", "fail"),
            ("version-increment", "fail"),
            ("changelog-entry", "fail"),
        ],
    );
    // On the release's tag (the CI job of a tag push), the version is the tag's.
    r.tag("v1.1.0", None);
    only(&r, &[], &[]);
    r.relgate(CRR, &[])
        .stdout_has("PASS version-sync       the version comes from the git tag (hatch-vcs): v1.1.0 at HEAD\n")
        .stdout_has("PASS version-increment  1.1.0 follows v1.0.0\n")
        .stdout_has("check-release-ready: ready to tag v1.1.0\n");
    // A file that says a version is the source again, whatever the tag at HEAD says.
    r.write("pyproject.toml", &pyproject("1.1.0"));
    r.git(&["commit", "-q", "-am", "static again"]).code(0);
    r.git(&["tag", "-f", "v1.1.0"]).code(0);
    r.relgate(CRR, &[])
        .stdout_has("PASS version-sync       the version sources agree on 1.1.0\n");
}

#[test]
fn a_changelog_relgate_cannot_read_skips_the_changelog_checks() {
    // A Python project that keeps CHANGES.rst: neither "no changelog" nor a pass of it.
    let (r, _remote) = ready();
    r.git(&["mv", "CHANGELOG.md", "CHANGES.rst"]).code(0);
    r.git(&["commit", "-q", "-m", "reStructuredText"]).code(0);
    r.git(&["push", "-q"]).code(0);
    only(
        &r,
        &[],
        &[("changelog-entry", "skip"), ("changelog-lint", "skip")],
    );
    r.relgate(CRR, &[]).stdout_has(
        "SKIP changelog-entry    CHANGES.rst is reStructuredText, which relgate does not read \
         (it reads Markdown: CHANGELOG.md, CHANGELOG, CHANGES.md, HISTORY.md)\n",
    );
    // With no changelog at all, the entry is missing.
    r.git(&["rm", "-q", "CHANGES.rst"]).code(0);
    r.git(&["commit", "-q", "-m", "no changelog"]).code(0);
    r.git(&["push", "-q"]).code(0);
    only(
        &r,
        &[],
        &[("changelog-entry", "fail"), ("changelog-lint", "skip")],
    );
}
