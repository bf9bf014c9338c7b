//! guard-master-commit through real git: commit, merge, cherry-pick, push and CI history.

use crate::util::{Repo, TempDir};

const GUARD: &str = "guard-master-commit";

/// A repository with one commit on main and the guard installed for every commit hook.
fn guarded() -> Repo {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    for hook in ["pre-commit", "pre-merge-commit", "prepare-commit-msg"] {
        r.install_hook(GUARD, hook);
    }
    r
}

#[test]
fn commit_on_main_is_refused_with_the_way_out() {
    let r = guarded();
    r.write("a.txt", "changed\n");
    r.git(&["add", "a.txt"]).code(0);
    let run = r.git(&["commit", "-m", "direct"]);
    assert_ne!(run.code, 0, "commit on main must fail");
    run.output_has("error[commit-to-protected-branch] commit on protected branch main")
        .output_has("git switch -c <new-branch>")
        .output_has("RELGATE_SKIP=guard-master-commit");
    assert_eq!(r.git_out(&["rev-list", "--count", "HEAD"]), "1");
    // The staged change survives, and `git switch -c` carries it to a new branch.
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.git(&["commit", "-q", "-m", "on feature"]).code(0);
    assert_eq!(r.git_out(&["rev-list", "--count", "HEAD"]), "2");
}

#[test]
fn commit_on_feature_branch_passes_silently() {
    let r = guarded();
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    let run = r.git(&["commit", "--allow-empty", "-m", "work"]);
    run.code(0);
    assert!(
        !run.stderr.contains(GUARD),
        "a passing hook says nothing: {}",
        run.stderr
    );
}

#[test]
fn relgate_skip_bypasses_once() {
    let r = guarded();
    let mut cmd = r.command("git");
    cmd.args(["commit", "-q", "--allow-empty", "-m", "hotfix"])
        .env("RELGATE_SKIP", "guard-master-commit");
    r.run(cmd, "RELGATE_SKIP=guard-master-commit git commit".into())
        .code(0);
    let mut cmd = r.command("git");
    cmd.args(["commit", "-q", "--allow-empty", "-m", "hotfix2"])
        .env("RELGATE_SKIP", "validate-tag,all");
    r.run(cmd, "RELGATE_SKIP=all git commit".into()).code(0);
    let mut cmd = r.command("git");
    cmd.args(["commit", "-q", "--allow-empty", "-m", "no"])
        .env("RELGATE_SKIP", "validate-tag");
    assert_ne!(
        r.run(cmd, "RELGATE_SKIP=validate-tag git commit".into())
            .code,
        0
    );
}

#[test]
fn first_commit_of_a_new_repository_passes_unless_configured() {
    let r = Repo::new();
    r.install_hook(GUARD, "pre-commit");
    r.write("a.txt", "a\n");
    r.git(&["add", "a.txt"]).code(0);
    r.git(&["commit", "-q", "-m", "initial"]).code(0);

    let strict = Repo::new();
    strict.install_hook(GUARD, "pre-commit");
    strict.write("relgate.toml", "[branches]\nallow-initial-commit = false\n");
    strict.git(&["add", "relgate.toml"]).code(0);
    strict
        .git(&["commit", "-q", "-m", "initial"])
        .output_has("initial commit on protected branch main");
    assert!(strict.git(&["rev-parse", "-q", "--verify", "HEAD"]).code != 0);
}

#[test]
fn detached_head_passes() {
    let r = guarded();
    r.git(&["switch", "-q", "--detach"]).code(0);
    r.git(&["commit", "-q", "--allow-empty", "-m", "detached"])
        .code(0);
}

#[test]
fn clean_merge_is_refused_by_pre_merge_commit_unless_allowed() {
    let r = guarded();
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.commit_file("b.txt", "b\n", "feature work");
    r.git(&["switch", "-q", "main"]).code(0);
    // Diverge so the merge is a real merge commit, made with the hooks bypassed.
    let mut cmd = r.command("git");
    cmd.args(["commit", "-q", "--allow-empty", "-m", "main work"])
        .env("RELGATE_SKIP", "all");
    r.run(cmd, "commit".into()).code(0);

    let run = r.git(&["merge", "--no-edit", "feature"]);
    assert_ne!(run.code, 0);
    run.output_has("merge commit on protected branch main");
    r.git(&["merge", "--abort"]);

    r.write(".relgate.toml", "[branches]\nallow-merge-commits = true\n");
    r.git(&["merge", "--no-edit", "feature"]).code(0);
    assert_eq!(r.git_out(&["rev-list", "--count", "--merges", "HEAD"]), "1");
}

#[test]
fn conflicted_merge_commit_is_recognised_by_merge_head() {
    let r = guarded();
    r.write(".relgate.toml", "[branches]\nallow-merge-commits = true\n");
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.commit_file("a.txt", "feature\n", "feature edit");
    r.git(&["switch", "-q", "main"]).code(0);
    let mut cmd = r.command("git");
    cmd.args(["commit", "-q", "-am", "main edit"])
        .env("RELGATE_SKIP", "all");
    r.write("a.txt", "main\n");
    r.run(cmd, "commit".into()).code(0);
    assert_ne!(r.git(&["merge", "feature"]).code, 0, "the merge conflicts");
    r.write("a.txt", "resolved\n");
    r.git(&["add", "a.txt"]).code(0);
    r.git(&["commit", "-q", "--no-edit"]).code(0);
    assert_eq!(r.git_out(&["rev-list", "--count", "--merges", "HEAD"]), "1");
}

#[test]
fn cherry_pick_onto_main_is_caught_by_prepare_commit_msg() {
    let r = guarded();
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.commit_file("b.txt", "b\n", "feature work");
    r.git(&["switch", "-q", "main"]).code(0);
    let run = r.git(&["cherry-pick", "feature"]);
    assert_ne!(run.code, 0);
    run.output_has("cherry-pick and revert");
    r.git(&["cherry-pick", "--abort"]);
    assert_eq!(r.git_out(&["rev-list", "--count", "HEAD"]), "1");
}

#[test]
fn linked_worktree_on_main_is_guarded() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    r.git(&["switch", "-q", "-c", "other"]).code(0);
    r.install_hook(GUARD, "pre-commit");
    let wt = TempDir::new("worktree");
    let wt_path = wt.path().join("wt");
    r.git(&["worktree", "add", "-q", wt_path.to_str().unwrap(), "main"])
        .code(0);
    let mut cmd = r.command("git");
    cmd.current_dir(&wt_path)
        .args(["commit", "--allow-empty", "-m", "in worktree"]);
    let run = r.run(cmd, "git commit (worktree)".into());
    assert_ne!(run.code, 0);
    run.output_has("commit on protected branch main");
    // The main worktree is on `other`, which is not protected.
    r.git(&["commit", "-q", "--allow-empty", "-m", "fine"])
        .code(0);
}

#[test]
fn commit_from_subdirectory_with_commit_a_and_paths() {
    let r = guarded();
    r.write("sub/dir/x.txt", "x\n");
    r.git(&["add", "."]).code(0);
    let mut cmd = r.command("git");
    cmd.current_dir(r.path().join("sub/dir"))
        .args(["commit", "-m", "from subdir"]);
    assert_ne!(r.run(cmd, "git commit (subdir)".into()).code, 0);
    r.write("a.txt", "changed\n");
    assert_ne!(r.git(&["commit", "-a", "-m", "all"]).code, 0);
    assert_ne!(r.git(&["commit", "-m", "path", "a.txt"]).code, 0);
}

/// What git sets for every commit hook: the guard judges a commit in progress.
const COMMITTING: &[(&str, &str)] = &[("GIT_INDEX_FILE", ".git/index")];

#[test]
fn branch_globs_and_flags() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    r.git(&["switch", "-q", "-c", "release/1.0"]).code(0);
    r.relgate_env(GUARD, &[], COMMITTING)
        .code(0)
        .stdout_has("branch release/1.0 is not protected");
    r.relgate_env(GUARD, &["--branch", "release/*"], COMMITTING)
        .code(1)
        .stdout_has("protected branch release/1.0");
    r.write("relgate.toml", "[branches]\nprotected = [\"release/*\"]\n");
    r.relgate_env(GUARD, &[], COMMITTING).code(1);
    r.git(&["switch", "-q", "-c", "xrelease/1"]).code(0);
    r.relgate_env(GUARD, &[], COMMITTING).code(0);
    // git's wildmatch classes, as `git branch -l` reads them.
    r.git(&["switch", "-q", "-c", "v2.x"]).code(0);
    r.relgate_env(GUARD, &["--branch", "v[0-9].x"], COMMITTING)
        .code(1);
    r.relgate_env(GUARD, &["--branch", "v[!0-9].x"], COMMITTING)
        .code(0);
}

/// guard-master-commit reads no version: a manifest is parsed only to look for its
/// configuration, and only when it can name relgate (the word, or an escape that can spell it).
#[test]
fn a_manifest_that_cannot_name_relgate_is_not_parsed_for_configuration() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    // Not valid TOML, and no configuration in it whatever it meant: the commit is judged.
    r.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\nversion = \"1.0\n",
    );
    r.relgate_env(GUARD, &[], COMMITTING)
        .code(0)
        .stdout_has("branch feature is not protected");
    // One that names relgate is read, and refused when it is not valid TOML.
    r.write(
        "pyproject.toml",
        "[tool.relgate.branches]\nprotected = [\"feature\"\n",
    );
    r.relgate_env(GUARD, &[], COMMITTING)
        .code(2)
        .stderr_has("pyproject.toml");
    // A key spelled with an escape is the same key: it protects the branch.
    for manifest in ["pyproject.toml", "Cargo.toml"] {
        let table = if manifest == "Cargo.toml" {
            "package.metadata"
        } else {
            "tool"
        };
        r.write(
            manifest,
            &format!("[{table}.\"\\u0072elgate\".branches]\nprotected = [\"feature\"]\n"),
        );
        r.relgate_env(GUARD, &[], COMMITTING)
            .code(1)
            .stdout_has("protected branch feature");
        std::fs::remove_file(r.path().join(manifest)).unwrap();
    }
}

#[test]
fn no_commit_in_progress_passes_with_a_note_on_a_laptop_as_in_ci() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    // `pre-commit run --all-files` on main: no GIT_INDEX_FILE, no hook name.
    for env in [&[][..], &[("CI", "true")][..]] {
        r.relgate_env(GUARD, &[], env)
            .code(0)
            .stdout_has("note[commit-not-in-progress]");
    }
    // Quiet prints no notes: a passing run says nothing.
    let run = r.relgate(GUARD, &["-q"]);
    run.code(0);
    assert_eq!(run.stdout, "");
    // A commit in progress is judged, in CI or not, and so is a run under a hook's name.
    r.relgate_env(GUARD, &[], COMMITTING).code(1);
    r.relgate_env(GUARD, &[], &[("CI", "true"), COMMITTING[0]])
        .code(1);
    r.relgate(GUARD, &["--hook", "pre-commit"]).code(1);
}

#[test]
fn the_remotes_default_branch_is_protected() {
    // A project whose default branch is `v1.x` (axios): a clone's origin/HEAD names it.
    let upstream = Repo::new();
    upstream.commit_file("a.txt", "a\n", "initial");
    upstream
        .git(&["branch", "-q", "-m", "main", "v1.x"])
        .code(0);
    let (_dir, clone) = upstream.clone_of(upstream.path(), false);
    let mut cmd = upstream.command(crate::util::bin(GUARD));
    cmd.current_dir(&clone)
        .env(COMMITTING[0].0, COMMITTING[0].1);
    upstream
        .run(cmd, "guard on v1.x".into())
        .code(1)
        .stdout_has("protected branch v1.x");
    let mut cmd = upstream.command(crate::util::bin(GUARD));
    cmd.current_dir(&clone).arg("--show-config");
    upstream
        .run(cmd, "--show-config".into())
        .code(0)
        .stdout_has("branches.protected = [\"main\",\"master\",\"v1.x\"]")
        .stdout_has("origin/HEAD → v1.x");
    // Through git itself: the hook refuses the commit.
    let hooks = clone.join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::os::unix::fs::symlink(crate::util::bin(GUARD), hooks.join("pre-commit")).unwrap();
    std::fs::write(clone.join("b.txt"), "b\n").unwrap();
    let mut git = upstream.command("git");
    git.current_dir(&clone).args(["add", "b.txt"]);
    upstream.run(git, "git add".into()).code(0);
    let mut git = upstream.command("git");
    git.current_dir(&clone)
        .args(["commit", "-q", "-m", "hurried"]);
    upstream
        .run(git, "git commit on v1.x".into())
        .code(1)
        .output_has("commit-to-protected-branch");
    // Explicit configuration wins.
    std::fs::write(
        clone.join("relgate.toml"),
        "[branches]\nprotected = [\"main\"]\n",
    )
    .unwrap();
    let mut cmd = upstream.command(crate::util::bin(GUARD));
    cmd.current_dir(&clone)
        .env(COMMITTING[0].0, COMMITTING[0].1);
    upstream.run(cmd, "guard with config".into()).code(0);
}

#[test]
fn pre_push_judges_destinations_through_git() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    let _remote = r.bare_remote();
    let mut cmd = r.command("git");
    cmd.args(["push", "-q", "origin", "main"]);
    r.run(cmd, "git push origin main (no hook yet)".into())
        .code(0);
    r.install_hook(GUARD, "pre-push");

    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.commit("feature work");
    r.git(&["push", "-q", "origin", "feature"]).code(0);

    let run = r.git(&["push", "origin", "feature:main"]);
    assert_ne!(run.code, 0);
    run.output_has("error[push-to-protected-branch]");
    let run = r.git(&["push", "origin", "HEAD:refs/heads/main"]);
    assert_ne!(run.code, 0);
    let run = r.git(&["push", "origin", ":main"]);
    assert_ne!(run.code, 0);
    run.output_has("error[delete-protected-branch]");
    // The remote's main did not move.
    let remote_main = r.git_out(&["ls-remote", "origin", "refs/heads/main"]);
    assert!(
        remote_main.starts_with(&r.git_out(&["rev-parse", "main"])),
        "{remote_main}"
    );
}

fn push_line(local: &str, local_oid: &str, remote: &str, remote_oid: &str) -> String {
    format!("{local} {local_oid} {remote} {remote_oid}\n")
}

#[test]
fn pre_push_stdin_every_line_and_sha256() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    let a = "a".repeat(40);
    let z = "0".repeat(40);
    let input = push_line("refs/heads/x", &a, "refs/heads/x", &z)
        + &push_line("refs/heads/y", &a, "refs/heads/master", &z);
    r.relgate_stdin(
        GUARD,
        &["--pre-push", "origin", "url"],
        input.as_bytes(),
        &[],
    )
    .code(1)
    .stdout_has("refs/heads/master: error[push-to-protected-branch]");
    let a64 = "b".repeat(64);
    let z64 = "0".repeat(64);
    let input = push_line("(delete)", &z64, "refs/heads/main", &a64);
    r.relgate_stdin(GUARD, &["--pre-push"], input.as_bytes(), &[])
        .code(1)
        .stdout_has("delete-protected-branch");
    r.relgate_stdin(GUARD, &["--pre-push"], b"", &[]).code(0);
    r.relgate_stdin(
        GUARD,
        &["--hook", "pre-push"],
        push_line("refs/heads/x", &a, "refs/heads/x", &z).as_bytes(),
        &[],
    )
    .code(0);
}

#[test]
fn pre_push_garbage_is_exit_2() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    let run = r.relgate_stdin(GUARD, &["--pre-push"], b"this is not git input\n", &[]);
    run.code(2).stderr_has("malformed pre-push input on line 1");
    r.relgate_stdin(GUARD, &["--pre-push"], b"a 123 b 456\n", &[])
        .code(2)
        .stderr_has("expected 40 or 64 hex digits");
}

#[test]
fn pre_commit_framework_remote_branch_variable() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    let env = [
        ("PRE_COMMIT", "1"),
        ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main"),
        ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/feature"),
    ];
    r.relgate_env(GUARD, &[], &env)
        .code(1)
        .stdout_has("push-to-protected-branch");
    let env = [
        ("PRE_COMMIT", "1"),
        ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/feature"),
    ];
    r.relgate_env(GUARD, &[], &env).code(0);
}

#[test]
fn history_requires_review_on_first_parent_chain() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    let base = r.head();
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.commit("feature work");
    r.git(&["switch", "-q", "main"]).code(0);
    r.git(&["merge", "-q", "--no-ff", "--no-edit", "feature"])
        .code(0);
    let range = format!("{base}..HEAD");
    r.relgate(GUARD, &["--history", &range])
        .code(0)
        .stdout_has("all merged through review");
    // GitHub's squash merge (committer GitHub) and a rebase merge naming its pull request.
    let mut cmd = r.command("git");
    cmd.args(["commit", "-q", "--allow-empty", "-m", "Squashed work"])
        .env("GIT_COMMITTER_NAME", "GitHub")
        .env("GIT_COMMITTER_EMAIL", "noreply@github.com");
    r.run(cmd, "git commit as GitHub".into()).code(0);
    r.commit("Fix the parser (#3699)");
    r.commit("Fix the lexer\n\nSee merge request group/project!12");
    r.relgate(GUARD, &["--history", &range])
        .code(0)
        .stdout_has("4 commits, all merged through review");
    r.write("relgate.toml", "[branches]\nhistory = \"merge\"\n");
    r.relgate(GUARD, &["--history", &range])
        .code(1)
        .stdout_has("\"Squashed work\" is not a merge commit")
        .stdout_has("\"Fix the parser (#3699)\" is not a merge commit");
    std::fs::remove_file(r.path().join("relgate.toml")).unwrap();
    r.commit("direct hotfix");
    r.relgate(GUARD, &["--history", &range])
        .code(1)
        .stdout_has("direct-commit-on-protected-branch")
        .stdout_has("\"direct hotfix\" is neither a merge commit nor")
        .stdout_has("branches.history = \"off\"");
    r.write("relgate.toml", "[branches]\nhistory = \"off\"\n");
    r.relgate(GUARD, &["--history", &range])
        .code(0)
        .stdout_has("not judged");
    r.write("relgate.toml", "[branches]\nhistory = \"sometimes\"\n");
    r.relgate(GUARD, &["--history", &range]).code(2);
    std::fs::remove_file(r.path().join("relgate.toml")).unwrap();
    r.relgate(GUARD, &["--history", "nonsense"])
        .code(2)
        .stderr_has("expected <BASE>..<HEAD>");
    r.relgate(GUARD, &["--history", "nope..HEAD"])
        .code(2)
        .stderr_has("cannot resolve revision `nope`");
    // An upstream or a reflog entry is git's syntax to resolve first.
    r.relgate(GUARD, &["--history", "@{u}..HEAD"])
        .code(2)
        .stderr_has("cannot resolve revision `@{u}`")
        .stderr_has("resolve it first with `git rev-parse`");
    // A walk down the first parents names the base as well as an id does.
    for range in ["HEAD~1..HEAD", "HEAD^..main"] {
        r.relgate(GUARD, &["--history", range])
            .code(1)
            .stdout_has("failed (1 error, 0 warnings)")
            .stdout_has("\"direct hotfix\" is neither a merge commit nor");
    }
}

#[test]
fn history_in_a_shallow_clone_is_reported_not_passed() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "one");
    r.commit("two");
    r.commit("three");
    let (_clone, dest) = r.clone_of(r.path(), true);
    let mut cmd = r.command(crate::util::bin(GUARD));
    cmd.current_dir(&dest).args(["--history", "HEAD..HEAD"]);
    r.run(cmd, "guard --history in shallow clone".into())
        .code(1)
        .stdout_has("error[shallow-clone]")
        .stdout_has("fetch-depth: 0");
}
