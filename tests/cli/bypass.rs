//! A gate that cannot be talked into passing (issue: bypasses and silent fallbacks): every path
//! that cannot read what it needs ends in exit 2 naming what failed, aliases of a protected
//! branch are the branch, and a repository being repacked under relgate's feet is read right.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::hostile::{WATCHDOG, bounded};
use crate::util::{Repo, bin};

const COMMITTING: (&str, &str) = ("GIT_INDEX_FILE", ".git/index");

/// A Python project at 1.0.0 tagged v1.0.0, on main.
fn project() -> Repo {
    let r = Repo::new();
    r.commit_file(
        "pyproject.toml",
        "[project]\nname = \"d\"\nversion = \"1.0.0\"\n",
        "1.0.0",
    );
    r.tag("v1.0.0", None);
    r
}

/// A gate in `r` under the watchdog (a hang fails the test instead of blocking it).
fn gate(r: &Repo, name: &str, args: &[&str], env: &[(&str, &str)]) -> crate::util::Run {
    let mut cmd = r.command(bin(name));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    bounded(cmd, None, WATCHDOG, format!("{name} {}", args.join(" "))).run
}

#[test]
fn a_symbolic_alias_of_main_is_main() {
    let r = project();
    r.git(&["symbolic-ref", "refs/heads/work", "refs/heads/main"])
        .code(0);
    r.git(&["symbolic-ref", "HEAD", "refs/heads/work"]).code(0);
    gate(&r, "guard-master-commit", &[], &[COMMITTING])
        .code(1)
        .stdout_has("commit on protected branch main");
    // Through git: the commit does not land on main.
    r.install_hook("guard-master-commit", "pre-commit");
    r.write("a.txt", "a\n");
    r.git(&["add", "a.txt"]).code(0);
    assert_ne!(r.git(&["commit", "-q", "-m", "sneaky"]).code, 0);
    assert_eq!(r.git_out(&["rev-list", "--count", "main"]), "1");
}

#[test]
fn a_repository_git_refuses_is_exit_2_never_a_pass() {
    let r = project();
    r.git(&["config", "core.repositoryformatversion", "2"])
        .code(0);
    for (name, args, env) in [
        ("check-version-sync", &[][..], &[][..]),
        ("validate-tag", &["v2.0.0"][..], &[][..]),
        (
            "validate-tag",
            &[][..],
            &[("GITHUB_REF", "refs/tags/v2.0.0")][..],
        ),
        ("guard-master-commit", &[][..], &[COMMITTING][..]),
        ("check-release-ready", &[][..], &[][..]),
    ] {
        gate(&r, name, args, env)
            .code(2)
            .stderr_has("cannot open the git repository at");
    }
    // An unknown extension in a version-1 repository: git refuses it, so does relgate.
    r.git(&[
        "config",
        "-f",
        ".git/config",
        "core.repositoryformatversion",
        "1",
    ])
    .code(0);
    r.git(&["config", "extensions.frobnicate", "true"]).code(0);
    gate(&r, "validate-tag", &["--all"], &[])
        .code(2)
        .stderr_has("unknown repository extension `extensions.frobnicate`");
    r.git(&[
        "config",
        "-f",
        ".git/config",
        "--unset",
        "extensions.frobnicate",
    ])
    .code(0);
    gate(&r, "validate-tag", &["--all"], &[]).code(0);
}

#[test]
fn reftable_repositories_are_refused_not_read_as_tagless() {
    let r = Repo::init(&["--ref-format=reftable"]);
    r.commit_file(
        "pyproject.toml",
        "[project]\nname = \"d\"\nversion = \"1.0.0\"\n",
        "1.0.0",
    );
    r.tag("v2.0.0", None);
    for (name, args) in [
        ("validate-tag", &["--all"][..]),
        ("validate-tag", &["v2.0.0"][..]),
        ("check-version-sync", &[][..]),
    ] {
        gate(&r, name, args, &[])
            .code(2)
            .stderr_has("extensions.refStorage");
    }
}

#[test]
fn a_loose_tag_ref_that_is_a_fifo_is_refused_without_hanging() {
    let r = project();
    r.git(&["pack-refs", "--all"]).code(0);
    let fifo = r.path().join(".git/refs/tags/v1.1.0");
    std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for (name, args) in [
        ("validate-tag", &["v1.1.0"][..]),
        ("validate-tag", &["--all"][..]),
        ("check-release-ready", &[][..]),
    ] {
        gate(&r, name, args, &[])
            .code(2)
            .stderr_has("refs/tags/v1.1.0: it is not a regular file");
    }
}

#[test]
fn a_missing_tag_object_and_a_deep_tag_chain_name_the_tag() {
    let r = project();
    // A tag ref to an object that does not exist.
    let missing = "1234567890123456789012345678901234567890";
    std::fs::write(
        r.path().join(".git/refs/tags/v1.1.0"),
        format!("{missing}\n"),
    )
    .unwrap();
    gate(&r, "validate-tag", &["v1.1.0"], &[])
        .code(2)
        .stderr_has("cannot read tag v1.1.0")
        .stderr_has(&format!("{missing}, which is not in the repository"));
    std::fs::remove_file(r.path().join(".git/refs/tags/v1.1.0")).unwrap();
    // A chain of 100 tag objects: more than relgate follows, and the error names the tag.
    let mut target = r.head();
    for i in 0..100 {
        let body = format!(
            "object {target}\ntype {}\ntag t{i}\ntagger T <t@example.com> 1767225600 +0000\n\nt{i}\n",
            if i == 0 { "commit" } else { "tag" }
        );
        let mut cmd = r.command("git");
        cmd.args(["hash-object", "-t", "tag", "-w", "--stdin"]);
        target = r.run_stdin(cmd, body.as_bytes()).trim().to_string();
    }
    r.git(&["update-ref", "refs/tags/v1.2.0", &target]).code(0);
    gate(&r, "validate-tag", &["v1.2.0"], &[])
        .code(2)
        .stderr_has("cannot read tag v1.2.0")
        .stderr_has("chain of more than 64 tags");
}

#[test]
fn a_full_ref_name_is_the_tag_it_names() {
    let r = project();
    gate(&r, "validate-tag", &["refs/tags/v1.2"], &[])
        .code(1)
        .stdout_has("refs/tags/v1.2: error[tag-invalid] missing PATCH");
    gate(&r, "validate-tag", &["refs/tags/v1.0.0"], &[])
        .code(0)
        .stdout_has("v1.0.0: ok");
}

#[test]
fn git_dir_alone_makes_the_current_directory_the_work_tree() {
    let r = project();
    std::fs::create_dir(r.path().join("sub")).unwrap();
    std::fs::write(r.path().join("sub/here.txt"), "x\n").unwrap();
    let mut cmd = r.command(bin("check-release-ready"));
    cmd.current_dir(r.path().join("sub"))
        .env("GIT_DIR", r.path().join(".git"));
    let run = bounded(
        cmd,
        None,
        WATCHDOG,
        "check-release-ready with GIT_DIR".into(),
    )
    .run;
    // git status, run the same way, sees the same file as untracked.
    let mut git = r.command("git");
    git.current_dir(r.path().join("sub"))
        .env("GIT_DIR", r.path().join(".git"))
        .args(["status", "--porcelain"]);
    let status = r.run(git, "git status".into());
    assert!(status.stdout.contains("here.txt"), "{}", status.stdout);
    assert!(
        run.stdout.contains("FAIL clean-tree") && run.stdout.contains("here.txt (untracked)"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_repository_owned_by_someone_else_is_refused_as_git_refuses_it() {
    // Only root can hand a directory to another user; elsewhere this test has nothing to prove.
    let r = project();
    let owner = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&owner.stdout).trim() != "0" {
        // Not root (a developer's machine): chown is refused. CI runs as root.
        return;
    }
    let chown = Command::new("chown")
        .args(["-R", "12345:12345"])
        .arg(r.path())
        .status()
        .unwrap();
    assert!(chown.success());
    let git = r.git(&["status"]);
    assert_ne!(git.code, 0, "git itself refuses: {}", git.stderr);
    gate(&r, "validate-tag", &["--all"], &[])
        .code(2)
        .stderr_has("cannot open the git repository at")
        .stderr_has("safe.directory");
    std::fs::write(
        r.home.path().join("gitconfig"),
        format!("[safe]\n\tdirectory = {}\n", r.path().display()),
    )
    .unwrap();
    gate(&r, "validate-tag", &["--all"], &[]).code(0);
}

#[test]
fn gates_beside_pack_refs_and_gc_never_fail_to_read() {
    let r = project();
    for i in 0..30 {
        r.tag(&format!("build-{i}"), None);
    }
    let dir = r.path().to_path_buf();
    let home = r.home.path().to_path_buf();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churn = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let mut git = Command::new("git");
                crate::util::pin(&mut git, &home);
                git.current_dir(&dir);
                match n % 3 {
                    0 => git.args(["pack-refs", "--all"]),
                    1 => git.args(["tag", "-f", "-a", "-m", "x", "build-99"]),
                    _ => git.args(["tag", "-d", "build-99"]),
                };
                let _ = git.output();
                n += 1;
            }
        })
    };
    let until = Instant::now() + Duration::from_secs(4);
    let mut runs = 0;
    while Instant::now() < until {
        for (name, args, want) in [
            ("validate-tag", &["v1.0.0"][..], 0),
            ("check-version-sync", &[][..], 0),
            ("validate-tag", &["--all"][..], 0),
        ] {
            let run = gate(&r, name, args, &[]);
            assert_eq!(run.code, want, "{}: {}{}", run.what, run.stdout, run.stderr);
            runs += 1;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().unwrap();
    assert!(runs > 10, "{runs}");
}

#[test]
fn list_never_exits_1_or_prints_nothing_without_saying_why() {
    let r = Repo::new();
    r.commit_file("README.md", "no version here\n", "initial");
    gate(&r, "check-version-sync", &["--list"], &[])
        .code(1)
        .stdout_has("error[version-not-found] no version source found");
}

#[test]
fn a_report_that_cannot_be_written_is_exit_2_never_a_pass() {
    let r = project();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    for (name, args, env) in [
        ("guard-master-commit", &[][..], &[COMMITTING][..]),
        (
            "guard-master-commit",
            &["--format", "json"][..],
            &[COMMITTING][..],
        ),
        ("check-version-sync", &["--format", "github"][..], &[][..]),
        ("validate-tag", &["--all"][..], &[][..]),
        ("lint-changelog", &["--show-config"][..], &[][..]),
    ] {
        let mut cmd = r.command(bin(name));
        cmd.args(args).stdout(full.try_clone().unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name} {args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("cannot write the report to stdout"),
            "{name}"
        );
    }
}

#[test]
fn a_mirror_push_of_many_refs_is_judged_not_refused() {
    // About 600,000 branch lines (≈ 100 MB): more than the old 64 MiB bound, all judged.
    let r = project();
    let head = r.head();
    let z = "0".repeat(40);
    let mut input = String::with_capacity(110 << 20);
    for i in 0..600_000 {
        input.push_str(&format!("refs/heads/b{i} {head} refs/heads/b{i} {z}\n"));
    }
    input.push_str(&format!("refs/heads/main {head} refs/heads/main {z}\n"));
    for (name, want) in [("validate-tag", 0), ("guard-master-commit", 1)] {
        let mut cmd = r.command(bin(name));
        cmd.arg("--pre-push");
        let run = bounded(
            cmd,
            Some(input.as_bytes()),
            WATCHDOG,
            format!("{name} --pre-push (600k lines)"),
        )
        .run;
        assert_eq!(run.code, want, "{name}: {}", run.stderr);
    }
}

#[test]
fn a_loose_object_that_does_not_read_is_named() {
    let r = project();
    let tag = r.git_out(&["rev-parse", "v1.0.0"]);
    let commit = r.head();
    gate(&r, "validate-tag", &["v1.0.0"], &[]).code(0);
    // relgate reads loose objects itself before gix does: one that does not inflate goes on
    // to gix, which names it, and the gate stops.
    let loose = |id: &str| r.path().join(".git/objects").join(&id[..2]).join(&id[2..]);
    let garble = |id: &str| {
        let path = loose(id);
        assert!(path.is_file(), "{id} is loose");
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, b"x\x9c garbled").unwrap();
    };
    garble(&tag);
    gate(&r, "validate-tag", &["v1.0.0"], &[])
        .code(2)
        .stderr_has("cannot read tag v1.0.0")
        .stderr_has(&format!("cannot read object {tag}"));
    // A named pipe in its place: read without blocking, as gix does, and the gate stops.
    std::fs::remove_file(loose(&tag)).unwrap();
    let made = Command::new("mkfifo").arg(loose(&tag)).status().unwrap();
    assert!(made.success());
    gate(&r, "validate-tag", &["v1.0.0"], &[])
        .code(2)
        .stderr_has("cannot read tag v1.0.0");
    r.git(&["tag", "-d", "v1.0.0"]).code(0);
    garble(&commit);
    gate(&r, "check-version-sync", &["--at", &commit], &[])
        .code(2)
        .stderr_has(&format!("cannot read object {commit}"))
        .stderr_has("Could not read loose object");
}
