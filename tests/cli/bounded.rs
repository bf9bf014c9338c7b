//! Bounded reads (issue 17, row 10 and item 5): configuration and version files are read only
//! when they are regular files of at most 16 MiB. A device, a named pipe or a directory is
//! exit 2 naming it, at once (a pipe with no writer must not block the gate, `/dev/zero` must
//! not fill the memory), and a bigger file is exit 2 stating the limit, without being read.

use std::path::Path;
use std::process::Command;

use crate::hostile::{Bounded, WATCHDOG, bounded};
use crate::util::{Repo, bin};

const BINS: [&str; 5] = [
    "validate-tag",
    "check-version-sync",
    "lint-changelog",
    "guard-master-commit",
    "check-release-ready",
];

/// Peak memory of a run that refuses a huge file without reading it, in KiB (the binaries
/// themselves take a few MiB; reading the file would take hundreds).
const SMALL_RSS_KIB: u64 = 64 * 1024;

fn project() -> Repo {
    let r = Repo::new();
    r.commit_file(
        "pyproject.toml",
        "[project]\nname = \"x\"\nversion = \"1.0.0\"\n",
        "initial",
    );
    r
}

fn run(r: &Repo, tool: &str, args: &[&str]) -> Bounded {
    let mut cmd = r.command(bin(tool));
    cmd.args(args);
    bounded(cmd, None, WATCHDOG, format!("{tool} {}", args.join(" ")))
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// A sparse file of `size` bytes after `head` (no disk space, all of it readable as zeros).
fn sparse(path: &Path, head: &str, size: &str) {
    std::fs::write(path, head).unwrap();
    let ok = Command::new("truncate")
        .args(["-s", size])
        .arg(path)
        .status()
        .expect("truncate");
    assert!(ok.success());
}

#[test]
fn config_that_is_a_device_a_pipe_or_a_directory_is_refused_at_once() {
    let r = project();
    let fifo = r.path().join("relgate.fifo");
    mkfifo(&fifo);
    let fifo = fifo.to_str().unwrap();
    let dir = r.path().join("conf");
    std::fs::create_dir(&dir).unwrap();
    let dir = dir.to_str().unwrap();
    for tool in BINS {
        for (config, what) in [
            (
                "/dev/zero",
                "/dev/zero: it is a character device, not a regular file",
            ),
            (fifo, "relgate.fifo: it is a named pipe, not a regular file"),
            (dir, "conf: it is a directory, not a file"),
        ] {
            let b = run(&r, tool, &["--config", config]);
            b.run.code(2).stderr_has(what);
            assert!(
                b.peak_rss_kib < SMALL_RSS_KIB,
                "{tool} --config {config}: {} KiB",
                b.peak_rss_kib
            );
        }
    }
}

#[test]
fn a_discovered_config_that_is_a_pipe_is_refused_not_skipped() {
    for name in ["relgate.toml", ".relgate.toml", "pyproject.toml"] {
        let r = project();
        let p = r.path().join(name);
        let _ = std::fs::remove_file(&p);
        mkfifo(&p);
        for tool in BINS {
            let b = run(&r, tool, &[]);
            b.run
                .code(2)
                .stderr_has(&format!("{name}: it is a named pipe, not a regular file"));
        }
    }
    // A directory at that name is no configuration file, as in a commit's tree.
    let r = project();
    std::fs::create_dir(r.path().join("relgate.toml")).unwrap();
    run(&r, "check-version-sync", &[]).run.code(0);
}

#[test]
fn a_200_mb_pyproject_is_refused_unread_stating_the_limit() {
    let r = project();
    sparse(
        &r.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\nversion = \"1.0.0\"\n",
        "200M",
    );
    // lint-changelog reads pyproject.toml for its configuration only; check-version-sync as a
    // version source too.
    for tool in [
        "lint-changelog",
        "check-version-sync",
        "check-release-ready",
    ] {
        let b = run(&r, tool, &[]);
        b.run
            .code(2)
            .stderr_has("pyproject.toml: it is 209715200 bytes, over relgate's limit of 16 MiB");
        assert!(
            b.peak_rss_kib < SMALL_RSS_KIB,
            "{tool}: {} KiB",
            b.peak_rss_kib
        );
    }
    // The same file as --config.
    let b = run(&r, "guard-master-commit", &["--config", "pyproject.toml"]);
    b.run.code(2).stderr_has("over relgate's limit of 16 MiB");
}

#[test]
fn version_files_over_16_mib_or_not_regular_are_refused() {
    // 20 MB: under the old 64 MiB limit, so it used to be read whole.
    let r = project();
    sparse(&r.path().join("VERSION"), "1.0.0\n", "20M");
    run(&r, "check-version-sync", &[])
        .run
        .code(2)
        .stderr_has("VERSION: it is 20971520 bytes, over relgate's limit of 16 MiB");
    // A named pipe where a version file is looked for: refused, not skipped, and not waited on.
    for name in ["VERSION", "package.json", "src/x/__init__.py"] {
        let r = project();
        let p = r.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        mkfifo(&p);
        for tool in ["check-version-sync", "check-release-ready"] {
            run(&r, tool, &[])
                .run
                .code(2)
                .stderr_has(&format!("{name}: it is a named pipe, not a regular file"));
        }
    }
    // A directory where a file is looked for is no file, as in a commit's tree.
    let r = project();
    std::fs::create_dir(r.path().join("VERSION")).unwrap();
    std::fs::write(r.path().join("VERSION/x"), "").unwrap();
    run(&r, "check-version-sync", &[]).run.code(0);
}

#[test]
fn staged_and_committed_version_files_over_16_mib_are_refused() {
    let r = project();
    sparse(&r.path().join("VERSION"), "1.0.0\n", "20M");
    r.git(&["add", "VERSION"]).code(0);
    // Staged: refused by the blob's header, before it is read.
    let b = run(&r, "check-version-sync", &["--staged"]);
    b.run
        .code(2)
        .stderr_has("the staged VERSION: it is 20971520 bytes, over relgate's limit of 16 MiB");
    assert!(
        b.peak_rss_kib < SMALL_RSS_KIB,
        "--staged: {} KiB",
        b.peak_rss_kib
    );
    // At a tagged commit: refused, not parsed.
    r.commit("a 20 MB VERSION");
    r.git(&["tag", "-a", "v1.0.0", "-m", "v1.0.0"]).code(0);
    run(&r, "validate-tag", &["v1.0.0"])
        .run
        .code(2)
        .stderr_has("VERSION at commit ")
        .stderr_has("it is 20971520 bytes, over relgate's limit of 16 MiB");
    // A staged changelog has the changelog's own limit (64 MiB): 20 MB is read.
    let r = project();
    sparse(&r.path().join("CHANGELOG.md"), "# Changelog\n", "20M");
    r.git(&["add", "CHANGELOG.md"]).code(0);
    let b = run(&r, "lint-changelog", &["--staged"]);
    assert!(
        !b.run.stderr.contains("over relgate's limit"),
        "{}",
        b.run.stderr
    );
}
