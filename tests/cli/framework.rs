//! The pre-commit framework and prek, end to end: a throwaway repository whose
//! `.pre-commit-config.yaml` points at this repository by path and commit. The framework builds
//! relgate itself (`cargo install --path .`, as it would for any user), installs its git hooks,
//! and git runs them.
//!
//! Needs `pre-commit` and `prek` on PATH (`.ci/run` installs them with pip). Where one is
//! missing, its test says by name that it was skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Repo, Run};

/// The real home's cargo and rustup, which the pinned test HOME would hide from `cargo install`.
fn toolchain_env(cmd: &mut Command, tool: &str) {
    let real_home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cargo_home =
        std::env::var_os("CARGO_HOME").map_or_else(|| real_home.join(".cargo"), PathBuf::from);
    let rustup_home =
        std::env::var_os("RUSTUP_HOME").map_or_else(|| real_home.join(".rustup"), PathBuf::from);
    cmd.env("CARGO_HOME", cargo_home)
        .env("RUSTUP_HOME", rustup_home);
    // The frameworks run `cargo install`, a release build; these tests are about the framework
    // integration, not the optimiser, so the release profile is made cheap for them.
    cmd.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false");
    // One build shared by every framework test and both frameworks.
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/framework-e2e");
    // Each framework builds into its own directory: the two tests run at the same time.
    cmd.env("CARGO_TARGET_DIR", shared.join(format!("target-{tool}")));
    cmd.env("PRE_COMMIT_HOME", shared.join("pre-commit-home"));
    cmd.env("PREK_HOME", shared.join("prek-home"));
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(tool))
        .find(|p| p.is_file())
}

/// The commit of this repository the framework clones: HEAD of the relgate checkout.
fn relgate_head() -> Option<String> {
    let out = Command::new("git")
        .args(["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "HEAD"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

struct Framework {
    tool: &'static str,
    exe: PathBuf,
}

impl Framework {
    /// Says by name that a test was skipped. Written to the stderr handle itself, which libtest
    /// does not capture, so the line shows in every `cargo test` run.
    fn skipped(test: &str, why: &str) {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
    }

    fn find(tool: &'static str, test: &str) -> Option<Framework> {
        match (which(tool), relgate_head()) {
            (Some(exe), Some(_)) => Some(Framework { tool, exe }),
            (None, _) => {
                Self::skipped(
                    test,
                    &format!("`{tool}` is not on PATH (pip install {tool})"),
                );
                None
            }
            (_, None) => {
                Self::skipped(
                    test,
                    &format!("{} is not a git checkout", env!("CARGO_MANIFEST_DIR")),
                );
                None
            }
        }
    }

    fn command(&self, r: &Repo, args: &[&str]) -> Command {
        let mut cmd = r.command(&self.exe);
        cmd.args(args)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        toolchain_env(&mut cmd, self.tool);
        cmd
    }

    fn run(&self, r: &Repo, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(r, args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        r.run(cmd, format!("{} {}", self.tool, args.join(" ")))
    }

    /// git with the same environment the framework's hooks need.
    fn git(&self, r: &Repo, args: &[&str]) -> Run {
        let mut cmd = r.command("git");
        cmd.args(args)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        toolchain_env(&mut cmd, self.tool);
        r.run(cmd, format!("git {}", args.join(" ")))
    }
}

/// A user's repository configured to use relgate's hooks from this checkout.
fn user_repo() -> Repo {
    let r = Repo::new();
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: guard-master-commit\n      - id: check-version-sync\n      - id: lint-changelog\n",
        env!("CARGO_MANIFEST_DIR"),
        relgate_head().unwrap_or_default()
    );
    r.write(".pre-commit-config.yaml", &config);
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\n",
    );
    r.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n");
    r.git(&["add", "."]).code(0);
    r
}

fn framework_flow(tool: &'static str, test: &str) {
    let Some(fw) = Framework::find(tool, test) else {
        return;
    };
    let r = user_repo();
    fw.run(&r, &["install", "-t", "pre-commit"], &[]).code(0);
    // The first commit of a new repository is allowed; it also builds relgate via cargo install.
    fw.git(&r, &["commit", "-q", "-m", "initial"]).code(0);

    // A commit on main is refused by the hook the framework installed.
    r.write("a.txt", "a\n");
    r.git(&["add", "a.txt"]).code(0);
    let run = fw.git(&r, &["commit", "-m", "direct to main"]);
    assert_ne!(
        run.code, 0,
        "{tool}: commit on main must fail\n{}\n{}",
        run.stdout, run.stderr
    );
    run.output_has("commit-to-protected-branch");
    assert_eq!(r.git_out(&["rev-list", "--count", "HEAD"]), "1");

    // On a feature branch it succeeds.
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    fw.git(&r, &["commit", "-q", "-m", "on feature"]).code(0);

    // `run --all-files` on main passes, in CI and on a laptop: no commit is in progress.
    r.git(&["switch", "-q", "main"]).code(0);
    fw.run(&r, &["run", "--all-files"], &[("CI", "true")])
        .code(0);
    // On a laptop too (DESIGN §5 guard-master-commit): nobody is committing; the refused commit
    // above shows the hook judging when someone is.
    fw.run(&r, &["run", "--all-files"], &[]).code(0);
}

#[test]
fn pre_commit_framework_installs_and_runs_the_hooks() {
    framework_flow(
        "pre-commit",
        "framework::pre_commit_framework_installs_and_runs_the_hooks",
    );
}

#[test]
fn prek_installs_and_runs_the_hooks() {
    framework_flow("prek", "framework::prek_installs_and_runs_the_hooks");
}

#[test]
fn manifest_declares_every_binary_with_explicit_stages() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    for id in [
        "validate-tag",
        "check-version-sync",
        "lint-changelog",
        "guard-master-commit",
        "check-release-ready",
    ] {
        assert!(text.contains(&format!("- id: {id}\n")), "{id} missing");
    }
    assert_eq!(text.matches("language: rust").count(), 5);
    assert_eq!(text.matches("stages: [").count(), 5);
    assert_eq!(text.matches("pass_filenames: false").count(), 5);
    assert_eq!(text.matches("minimum_pre_commit_version:").count(), 5);
}
