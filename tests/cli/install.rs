//! hooks/install and the raw hook scripts, driven by real git with the binaries on PATH.

use std::path::PathBuf;

use crate::util::{Repo, Run};

fn install_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("hooks/install")
}

fn sh(r: &Repo, args: &[&str]) -> Run {
    let mut cmd = r.command("sh");
    cmd.arg(install_script())
        .args(args)
        .env("PATH", r.path_with_binaries());
    r.run(cmd, format!("hooks/install {}", args.join(" ")))
}

fn git_with_path(r: &Repo, args: &[&str]) -> Run {
    let mut cmd = r.command("git");
    cmd.args(args).env("PATH", r.path_with_binaries());
    r.run(cmd, format!("git {}", args.join(" ")))
}

/// A project with a version source, a changelog, one release and a local bare remote.
fn project() -> (Repo, crate::util::TempDir) {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"1.0.0\"\n",
    );
    r.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- First.\n\n\
         [Unreleased]: https://github.com/o/demo/compare/v1.0.0...HEAD\n\
         [1.0.0]: https://github.com/o/demo/releases/tag/v1.0.0\n",
    );
    r.git(&["add", "."]).code(0);
    r.commit("release 1.0.0");
    r.tag("v1.0.0", None);
    let remote = r.bare_remote();
    r.git(&["push", "-q", "origin", "main", "v1.0.0"]).code(0);
    (r, remote)
}

#[test]
fn installed_hooks_guard_commits_pushes_and_tags() {
    let (r, _remote) = project();
    sh(&r, &[])
        .code(0)
        .stdout_has("installed")
        .stdout_has("hooks/pre-push");
    for hook in [
        "pre-commit",
        "pre-merge-commit",
        "prepare-commit-msg",
        "pre-push",
    ] {
        let p = r.path().join(".git/hooks").join(hook);
        let mode =
            std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&p).unwrap().permissions());
        assert!(mode & 0o111 != 0, "{hook} is not executable");
    }
    assert!(
        !r.path().join(".git/hooks/reference-transaction").exists(),
        "opt-in only"
    );

    // Commit on main: refused. On a feature branch: fine.
    let run = git_with_path(&r, &["commit", "--allow-empty", "-m", "direct"]);
    assert_ne!(run.code, 0);
    run.output_has("commit-to-protected-branch");
    git_with_path(&r, &["switch", "-q", "-c", "feature"]).code(0);
    git_with_path(&r, &["commit", "-q", "--allow-empty", "-m", "work"]).code(0);

    // Push to main from a feature branch: refused. Feature branch: fine.
    let run = git_with_path(&r, &["push", "origin", "feature:main"]);
    assert_ne!(run.code, 0);
    run.output_has("push-to-protected-branch");
    git_with_path(&r, &["push", "-q", "origin", "feature"]).code(0);

    // An invalid tag: refused, and the remote never sees it.
    git_with_path(&r, &["tag", "-a", "v1.1", "-m", "bad"]).code(0);
    let run = git_with_path(&r, &["push", "origin", "v1.1"]);
    assert_ne!(run.code, 0);
    run.output_has("tag-invalid");
    assert!(
        !r.git_out(&["ls-remote", "--tags", "origin"])
            .contains("v1.1")
    );
}

#[test]
fn staged_version_mismatch_blocks_the_commit() {
    let (r, _remote) = project();
    sh(&r, &[]).code(0);
    git_with_path(&r, &["switch", "-q", "-c", "feature"]).code(0);
    r.write("src/demo/__init__.py", "__version__ = \"0.9.0\"\n");
    r.git(&["add", "."]).code(0);
    let run = git_with_path(&r, &["commit", "-m", "stale init"]);
    assert_ne!(run.code, 0);
    run.output_has("version-mismatch");
}

#[test]
fn reference_transaction_is_opt_in_and_uninstall_removes_only_relgate_hooks() {
    let (r, _remote) = project();
    std::fs::write(
        r.path().join(".git/hooks/post-commit"),
        "#!/bin/sh\nexit 0\n",
    )
    .unwrap();
    sh(&r, &["--with-reference-transaction"]).code(0);
    let run = git_with_path(&r, &["tag", "v2"]);
    assert_ne!(run.code, 0);
    run.output_has("tag-invalid");
    sh(&r, &["--uninstall"]).code(0);
    for hook in [
        "pre-commit",
        "pre-merge-commit",
        "prepare-commit-msg",
        "pre-push",
        "reference-transaction",
    ] {
        assert!(
            !r.path().join(".git/hooks").join(hook).exists(),
            "{hook} left behind"
        );
    }
    assert!(
        r.path().join(".git/hooks/post-commit").exists(),
        "a foreign hook was removed"
    );
}

#[test]
fn a_foreign_hook_is_never_overwritten_and_can_be_chained() {
    let (r, _remote) = project();
    let foreign = r.path().join(".git/hooks/pre-commit");
    std::fs::write(&foreign, "#!/bin/sh\necho foreign-hook-ran >&2\nexit 0\n").unwrap();
    std::fs::set_permissions(
        &foreign,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let run = sh(&r, &[]);
    assert_ne!(run.code, 0);
    run.stderr_has("was not written by relgate")
        .stderr_has("pre-commit.local");
    assert!(
        std::fs::read_to_string(&foreign)
            .unwrap()
            .contains("foreign-hook-ran")
    );
    // Chain it as the message says.
    std::fs::rename(&foreign, r.path().join(".git/hooks/pre-commit.local")).unwrap();
    sh(&r, &[]).code(0);
    git_with_path(&r, &["switch", "-q", "-c", "feature"]).code(0);
    git_with_path(&r, &["commit", "-q", "--allow-empty", "-m", "x"])
        .code(0)
        .stderr_has("foreign-hook-ran");
}

#[test]
fn core_hooks_path_is_respected() {
    let (r, _remote) = project();
    r.git(&["config", "core.hooksPath", ".githooks"]).code(0);
    sh(&r, &[]).code(0);
    assert!(r.path().join(".githooks/pre-commit").exists());
    assert!(!r.path().join(".git/hooks/pre-commit").exists());
    let run = git_with_path(&r, &["commit", "--allow-empty", "-m", "direct"]);
    assert_ne!(run.code, 0);
}

#[test]
fn install_outside_a_repository_and_bad_flags() {
    let r = Repo::new();
    let dir = crate::util::TempDir::new("plain");
    let mut cmd = r.command("sh");
    cmd.arg(install_script()).current_dir(dir.path());
    r.run(cmd, "install outside".into()).code(2);
    sh(&r, &["--frobnicate"]).code(2);
    sh(&r, &["--help"]).code(0);
}

/// A hook that passes says nothing, notes included (a project without release tags gets the
/// `version-no-tags` note from check-version-sync); so does a gate RELGATE_SKIP skips; a
/// mistyped RELGATE_SKIP skips nothing and names the nearest gate.
#[test]
fn a_passing_or_skipped_hook_prints_nothing() {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\n",
    );
    r.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n[Unreleased]: https://github.com/o/demo/commits/HEAD\n",
    );
    r.git(&["add", "."]).code(0);
    r.commit("initial");
    // The note a passing hook must not print, when run by hand.
    r.relgate("check-version-sync", &[])
        .code(0)
        .stdout_has("version-no-tags");
    sh(&r, &[]).code(0);
    git_with_path(&r, &["switch", "-q", "-c", "feature"]).code(0);
    r.write("a.txt", "a\n");
    r.git(&["add", "a.txt"]).code(0);
    let run = git_with_path(&r, &["commit", "-q", "-m", "work"]);
    run.code(0);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));

    git_with_path(&r, &["switch", "-q", "main"]).code(0);
    let mut cmd = r.command("git");
    cmd.args(["commit", "-q", "--allow-empty", "-m", "hotfix"])
        .env("PATH", r.path_with_binaries())
        .env("RELGATE_SKIP", "guard-master-commit");
    let run = r.run(cmd, "RELGATE_SKIP=guard-master-commit git commit".into());
    run.code(0);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));

    let mut cmd = r.command("git");
    cmd.args(["commit", "-q", "--allow-empty", "-m", "hotfix"])
        .env("PATH", r.path_with_binaries())
        .env("RELGATE_SKIP", "guard-mastr-commit");
    let run = r.run(cmd, "RELGATE_SKIP=guard-mastr-commit git commit".into());
    assert_ne!(run.code, 0, "a mistyped RELGATE_SKIP skipped the gate");
    run.stderr_has("RELGATE_SKIP names `guard-mastr-commit`, which is no relgate gate")
        .stderr_has("(did you mean `guard-master-commit`?)");
    run.output_has("commit-to-protected-branch");
}

/// On Linux `build.rs` links the gates position-dependent: ELF type EXEC, which the loader does
/// not relocate at start; DYN (position-independent) only when the build asked for it with
/// `RELGATE_LINK_PIE`.
#[test]
#[cfg(target_os = "linux")]
fn the_gates_are_linked_position_dependent_on_linux() {
    let pie = std::env::var_os("RELGATE_LINK_PIE").is_some_and(|v| !v.is_empty() && v != "0");
    let (exec, dyn_) = (2u16, 3u16);
    for gate in [
        "validate-tag",
        "check-version-sync",
        "lint-changelog",
        "guard-master-commit",
        "check-release-ready",
    ] {
        let bytes = std::fs::read(crate::util::bin(gate)).unwrap();
        assert_eq!(&bytes[..4], b"\x7fELF", "{gate}");
        let pair = [bytes[16], bytes[17]];
        // EI_DATA: 1 little-endian, 2 big-endian.
        let e_type = if bytes[5] == 2 {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        };
        assert_eq!(
            e_type,
            if pie { dyn_ } else { exec },
            "{gate}: ELF type {e_type}"
        );
    }
}
