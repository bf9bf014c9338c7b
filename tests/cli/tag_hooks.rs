//! validate-tag as git runs it: a symlinked pre-push hook and the opt-in reference-transaction
//! hook, through real `git push` and `git tag`.

use crate::util::Repo;

const VT: &str = "validate-tag";

/// A released project: pyproject at 1.0.0, tagged v1.0.0 and pushed to a bare remote.
fn released() -> (Repo, crate::util::TempDir) {
    let r = Repo::new();
    r.commit_file(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"1.0.0\"\n",
        "release 1.0.0",
    );
    r.tag("v1.0.0", None);
    let remote = r.bare_remote();
    r.git(&["push", "-q", "origin", "main", "v1.0.0"]).code(0);
    (r, remote)
}

fn remote_tags(r: &Repo) -> String {
    r.git_out(&["ls-remote", "--tags", "origin"])
}

#[test]
fn pre_push_refuses_an_invalid_tag_and_the_remote_never_gets_it() {
    let (r, _remote) = released();
    r.install_hook(VT, "pre-push");
    r.tag("v1.2", None);
    let run = r.git(&["push", "origin", "v1.2"]);
    assert_ne!(run.code, 0);
    run.output_has("refs/tags/v1.2: error[tag-invalid] missing PATCH");
    assert!(!remote_tags(&r).contains("v1.2"), "{}", remote_tags(&r));
}

#[test]
fn pre_push_accepts_a_good_release_tag() {
    let (r, _remote) = released();
    r.install_hook(VT, "pre-push");
    r.commit_file(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"1.1.0\"\n",
        "bump 1.1.0",
    );
    r.tag("v1.1.0", None);
    r.git(&["push", "-q", "origin", "main", "v1.1.0"]).code(0);
    assert!(remote_tags(&r).contains("refs/tags/v1.1.0"));
}

#[test]
fn pre_push_peels_annotated_tags_and_checks_files_at_the_tagged_commit() {
    let (r, _remote) = released();
    r.install_hook(VT, "pre-push");
    // Tag the commit before the bump: pyproject still says 1.0.0 there.
    r.commit("work without a bump");
    r.tag("v1.1.0", None);
    let run = r.git(&["push", "origin", "main", "v1.1.0"]);
    assert_ne!(run.code, 0);
    run.output_has("pyproject.toml:3:12: error[tag-version-mismatch]");
    assert!(!remote_tags(&r).contains("v1.1.0"));
}

#[test]
fn pre_push_refuses_deleting_or_moving_a_released_tag() {
    let (r, _remote) = released();
    r.install_hook(VT, "pre-push");
    let run = r.git(&["push", "origin", ":refs/tags/v1.0.0"]);
    assert_ne!(run.code, 0);
    run.output_has("error[tag-deleted]");
    assert!(remote_tags(&r).contains("refs/tags/v1.0.0"));

    r.commit("later");
    r.git(&["tag", "-f", "-a", "v1.0.0", "-m", "moved"]).code(0);
    let run = r.git(&["push", "-f", "origin", "v1.0.0"]);
    assert_ne!(run.code, 0);
    run.output_has("error[tag-moved]");

    // Tags that are not release tags are not judged.
    r.git(&["tag", "latest"]).code(0);
    r.git(&["push", "-q", "origin", "latest"]).code(0);
    r.git(&["push", "-q", "origin", ":refs/tags/latest"])
        .code(0);
}

#[test]
fn pre_push_stdin_with_sha256_ids_and_garbage() {
    let r = Repo::new();
    r.commit("one");
    let z64 = "0".repeat(64);
    let a64 = "a".repeat(64);
    let input = format!("(delete) {z64} refs/tags/v1.0.0 {a64}\n");
    r.relgate_stdin(VT, &["--pre-push", "origin"], input.as_bytes(), &[])
        .code(1)
        .stdout_has("tag-deleted");
    r.relgate_stdin(
        VT,
        &["--pre-push"],
        b"refs/tags/v1 zz refs/tags/v1 zz\n",
        &[],
    )
    .code(2)
    .stderr_has("malformed pre-push input on line 1");
    r.relgate_stdin(VT, &["--pre-push"], b"", &[]).code(0);
}

#[test]
fn sha256_repository_works_end_to_end() {
    let r = Repo::init(&["--object-format=sha256"]);
    r.commit_file(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.3.0\"\n",
        "release",
    );
    r.tag("v0.3.0", None);
    assert_eq!(r.head().len(), 64);
    r.relgate(VT, &["v0.3.0"]).code(0).stdout_has("v0.3.0: ok");
    r.relgate(VT, &["--all", "--format", "json"]).code(0);
    r.relgate("check-version-sync", &["--at", "v0.3.0"]).code(0);
    r.tag("v0.2.0", None);
    r.relgate(VT, &["v0.2.0"])
        .code(1)
        .stdout_has("tag-version-mismatch");
}

#[test]
fn reference_transaction_makes_git_tag_fail_at_once() {
    let r = Repo::new();
    r.commit("one");
    r.install_hook(VT, "reference-transaction");
    let run = r.git(&["tag", "v1.2"]);
    assert_ne!(run.code, 0);
    run.output_has("error[tag-invalid] missing PATCH")
        .output_has("RELGATE_SKIP=validate-tag");
    assert_eq!(r.git_out(&["tag", "-l"]), "", "the tag must not exist");
    // Valid tags, ordinary commits, branches and non-release tags still work.
    r.git(&["tag", "-a", "v1.2.0", "-m", "ok"]).code(0);
    r.git(&["commit", "-q", "--allow-empty", "-m", "two"])
        .code(0);
    r.git(&["branch", "feature"]).code(0);
    r.git(&["tag", "latest"]).code(0);
    // The bypass works once.
    let mut cmd = r.command("git");
    cmd.args(["tag", "v9"]).env("RELGATE_SKIP", "validate-tag");
    r.run(cmd, "RELGATE_SKIP=validate-tag git tag v9".into())
        .code(0);
}

#[test]
fn reference_transaction_lets_fetch_of_ordinary_refs_through() {
    let (r, remote) = released();
    let (_clone, dest) = r.clone_of(remote.path(), false);
    // A new branch and a valid tag upstream, fetched by a clone with the hook installed.
    r.git(&["push", "-q", "origin", "main:refs/heads/other"])
        .code(0);
    let hooks = dest.join(".git/hooks");
    std::os::unix::fs::symlink(crate::util::bin(VT), hooks.join("reference-transaction")).unwrap();
    let mut cmd = r.command("git");
    cmd.current_dir(&dest).args(["fetch", "-q", "origin"]);
    r.run(cmd, "git fetch".into()).code(0);
}

#[test]
fn reference_transaction_other_states_and_refs_need_no_repository() {
    // Run outside any repository: a non-tag update must not try to open one.
    let dir = crate::util::TempDir::new("norepo");
    let r = Repo::new();
    let a = "a".repeat(40);
    let z = "0".repeat(40);
    let input = format!("{z} {a} refs/heads/main\n");
    let run = |args: &[&str], input: &str| {
        use std::io::Write;
        let mut cmd = r.command(crate::util::bin(VT));
        cmd.current_dir(dir.path())
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // The hook may exit without reading (a non-tag update): a closed pipe is expected.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        child.wait_with_output().unwrap()
    };
    assert_eq!(
        run(&["--reference-transaction", "prepared"], &input)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["--reference-transaction", "committed"], "garbage")
            .status
            .code(),
        Some(0)
    );
    let tag = format!("{z} {a} refs/tags/v1\n");
    let out = run(&["--reference-transaction", "prepared"], &tag);
    // A tag creation is judged (with the default configuration here).
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("tag-invalid"));
    assert_eq!(
        run(
            &["--reference-transaction", "prepared"],
            "not three fields\n"
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn github_actions_tag_from_environment_and_annotations() {
    let (r, _remote) = released();
    r.commit("no bump");
    r.tag("v1.1.0", None);
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_REF", "refs/tags/v1.1.0"),
        ("CI", "true"),
    ];
    r.relgate_env(VT, &[], &env)
        .code(1)
        .stdout_has("::error file=pyproject.toml,line=3,col=12,title=tag-version-mismatch::");
    let env = [("CI_COMMIT_TAG", "v1.0.0"), ("CI", "true")];
    r.relgate_env(VT, &[], &env)
        .code(0)
        .stdout_has("v1.0.0: ok");
}

#[test]
fn no_tag_at_head_is_a_note() {
    let r = Repo::new();
    r.commit("one");
    r.relgate(VT, &[])
        .code(0)
        .stdout_has("note[tag-nothing-to-check]");
}
