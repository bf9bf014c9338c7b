//! The pre-commit framework and prek, end to end: a throwaway repository whose
//! `.pre-commit-config.yaml` points at this repository by path and commit, and git runs the
//! hooks the framework installed.
//!
//! Two routes, both from the one `.pre-commit-hooks.yaml`:
//! - `language: python` (the manifest's): the framework pip-installs relgate-hooks, which pulls
//!   the relgate wheel. A local wheel index stands in for PyPI (`PIP_FIND_LINKS`,
//!   `UV_FIND_LINKS`, no index, offline), cargo is not on PATH, and the wheel is the one
//!   `.ci/run` built (`RELGATE_TEST_WHEELS`) or, outside CI, one maturin builds here.
//! - `language: rust` (set in the user's config): the framework builds relgate with cargo.
//!
//! Needs `pre-commit`, `prek`, `uv` (prek installs python hooks with it) and `maturin` on PATH
//! (`.ci/run` installs them with pip). A missing tool fails the test: a skipped end-to-end test
//! that counts as passed hides exactly the breakage it exists to find.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::util::{Repo, Run, TempDir};

/// The directory every framework test shares (builds, the wheel index).
fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/framework-e2e")
}

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
    // Each framework builds into its own directory: the two tests run at the same time.
    cmd.env("CARGO_TARGET_DIR", shared().join(format!("target-{tool}")));
    cmd.env("PRE_COMMIT_HOME", shared().join("pre-commit-home"));
    cmd.env("PREK_HOME", shared().join("prek-home"));
}

fn which_in(path: &str, tool: &str) -> Option<PathBuf> {
    path.split(':')
        .map(|d| Path::new(d).join(tool))
        .find(|p| p.is_file())
}

/// A tool the test cannot do without: its path, or a failure that says how to install it.
#[track_caller]
pub fn require(tool: &str) -> PathBuf {
    let path = std::env::var("PATH").unwrap_or_default();
    which_in(&path, tool).unwrap_or_else(|| {
        panic!(
            "`{tool}` is not on PATH: this end-to-end test needs it \
             (pip install pre-commit prek uv maturin; .ci/run installs them)"
        )
    })
}

/// The commit of this repository the framework clones: HEAD of the relgate checkout.
fn relgate_head() -> String {
    let out = Command::new("git")
        .args(["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "HEAD"])
        .output()
        .expect("git rev-parse HEAD in the relgate checkout");
    assert!(
        out.status.success(),
        "{} is not a git checkout: the framework tests clone it",
        env!("CARGO_MANIFEST_DIR")
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// PATH without any directory that holds cargo: the wheel route must not need it.
fn path_without_cargo() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    let kept: Vec<&str> = path
        .split(':')
        .filter(|d| !Path::new(d).join("cargo").exists())
        .collect();
    let kept = kept.join(":");
    assert!(which_in(&kept, "cargo").is_none());
    kept
}

/// The directory holding the relgate wheel of this checkout: pip's and uv's only index.
pub fn wheel_index() -> PathBuf {
    static INDEX: OnceLock<PathBuf> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            if let Some(dir) = std::env::var_os("RELGATE_TEST_WHEELS") {
                return PathBuf::from(dir);
            }
            // A dev build without debug info in its own target directory: the wheel carries
            // the binaries, the optimiser is not what these tests are about.
            let maturin = require("maturin");
            let index = shared().join("wheels");
            let _ = std::fs::remove_dir_all(&index);
            let out = Command::new(maturin)
                .args(["build", "--profile", "dev", "--locked", "--quiet", "--out"])
                .arg(&index)
                .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/python"))
                .env("CARGO_TARGET_DIR", shared().join("target-wheel"))
                .env("CARGO_PROFILE_DEV_DEBUG", "false")
                .output()
                .expect("run maturin");
            assert!(
                out.status.success(),
                "maturin build failed\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            index
        })
        .clone()
}

#[derive(Clone, Copy, PartialEq)]
enum Route {
    /// The manifest's `language: python`: the wheel from the local index, no cargo.
    Wheel,
    /// `language: rust` set in the user's config: the framework builds relgate.
    Source,
}

struct Framework {
    tool: &'static str,
    exe: PathBuf,
    route: Route,
    /// The framework's cache, fresh for the wheel route (so the install really happens here).
    home: Option<TempDir>,
}

impl Framework {
    fn new(tool: &'static str, route: Route) -> Framework {
        let exe = require(tool);
        if route == Route::Wheel {
            if tool == "prek" {
                // prek installs python hooks with uv, and fetches uv itself when it is missing.
                require("uv");
            }
            wheel_index();
        }
        Framework {
            tool,
            exe,
            route,
            home: (route == Route::Wheel).then(|| TempDir::new(tool)),
        }
    }

    fn env(&self, cmd: &mut Command) {
        match (&self.route, &self.home) {
            (Route::Wheel, Some(home)) => {
                let index = wheel_index();
                cmd.env("PATH", path_without_cargo())
                    .env("CARGO_HOME", home.path().join("no-cargo"))
                    .env("RUSTUP_HOME", home.path().join("no-rustup"))
                    .env("PIP_NO_INDEX", "1")
                    .env("PIP_FIND_LINKS", &index)
                    .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
                    .env("UV_OFFLINE", "1")
                    .env("UV_FIND_LINKS", &index)
                    .env("UV_NO_CONFIG", "1")
                    .env("UV_CACHE_DIR", home.path().join("uv-cache"))
                    .env("PRE_COMMIT_HOME", home.path().join("pre-commit-home"))
                    .env("PREK_HOME", home.path().join("prek-home"));
            }
            _ => {
                cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
                toolchain_env(cmd, self.tool);
            }
        }
    }

    fn run(&self, r: &Repo, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = r.command(&self.exe);
        cmd.args(args);
        self.env(&mut cmd);
        for (k, v) in env {
            cmd.env(k, v);
        }
        r.run(cmd, format!("{} {}", self.tool, args.join(" ")))
    }

    /// git with the same environment the framework's hooks need.
    fn git(&self, r: &Repo, args: &[&str]) -> Run {
        let mut cmd = r.command("git");
        cmd.args(args);
        self.env(&mut cmd);
        r.run(cmd, format!("git {}", args.join(" ")))
    }

    /// Whether the framework built relgate with cargo: pre-commit's `repo*/rustenv-*`, prek's
    /// `hooks/rust-*` in its cache.
    fn built_a_rust_env(&self) -> bool {
        let Some(home) = &self.home else {
            return true;
        };
        let list = |dir: PathBuf| -> Vec<(String, PathBuf)> {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .collect()
        };
        let pre_commit = list(home.path().join("pre-commit-home"))
            .into_iter()
            .filter(|(n, _)| n.starts_with("repo"))
            .flat_map(|(_, p)| list(p))
            .any(|(n, _)| n.starts_with("rustenv"));
        let prek = list(home.path().join("prek-home/hooks"))
            .iter()
            .any(|(n, _)| n.starts_with("rust-"));
        let installed = list(home.path().join("pre-commit-home"))
            .iter()
            .any(|(n, _)| n.starts_with("repo"))
            || !list(home.path().join("prek-home/hooks")).is_empty();
        assert!(
            installed,
            "{}: no hook environment was installed at all",
            self.tool
        );
        pre_commit || prek
    }
}

/// A user's repository configured to use relgate's hooks from this checkout.
fn user_repo(route: Route) -> Repo {
    let r = Repo::new();
    let language = match route {
        Route::Wheel => "",
        Route::Source => "\n        language: rust",
    };
    let hooks: String = [
        "guard-master-commit",
        "check-version-sync",
        "lint-changelog",
        "validate-tag",
    ]
    .iter()
    .map(|id| format!("      - id: {id}{language}\n"))
    .collect();
    let config = format!(
        "default_install_hook_types: [pre-commit, pre-merge-commit, prepare-commit-msg, pre-push]\n\
         repos:\n  - repo: {}\n    rev: {}\n    hooks:\n{hooks}",
        env!("CARGO_MANIFEST_DIR"),
        relgate_head()
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

/// Install, then the commit side: the first commit passes, a commit on main is refused by the
/// hook the framework installed, a feature branch commits, and `run --all-files` on a CI
/// checkout of main passes.
fn install_and_commit(fw: &Framework, r: &Repo) -> Duration {
    let started = Instant::now();
    fw.run(r, &["install", "--install-hooks"], &[]).code(0);
    let took = started.elapsed();
    fw.git(r, &["commit", "-q", "-m", "initial"]).code(0);

    r.write("a.txt", "a\n");
    r.git(&["add", "a.txt"]).code(0);
    let run = fw.git(r, &["commit", "-m", "direct to main"]);
    assert_ne!(
        run.code, 0,
        "{}: commit on main must fail\n{}\n{}",
        fw.tool, run.stdout, run.stderr
    );
    run.output_has("commit-to-protected-branch");
    assert_eq!(r.git_out(&["rev-list", "--count", "HEAD"]), "1");

    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    fw.git(r, &["commit", "-q", "-m", "on feature"]).code(0);

    // `run --all-files` on main passes, in CI and on a laptop: no commit is in progress.
    r.git(&["switch", "-q", "main"]).code(0);
    fw.run(r, &["run", "--all-files"], &[("CI", "true")])
        .code(0);
    // On a laptop too (DESIGN §5 guard-master-commit): nobody is committing; the refused commit
    // above shows the hook judging when someone is.
    fw.run(r, &["run", "--all-files"], &[]).code(0);
    // The same run really judges: a stale version source fails it.
    r.write("src/demo/__init__.py", "__version__ = \"0.0.9\"\n");
    r.git(&["add", "src"]).code(0);
    let run = fw.run(r, &["run", "--all-files"], &[("CI", "true")]);
    assert_ne!(run.code, 0, "{}: a version mismatch must fail", fw.tool);
    run.output_has("version-mismatch");
    r.git(&["rm", "-q", "-r", "--cached", "src"]).code(0);
    std::fs::remove_dir_all(r.path().join("src")).unwrap();
    r.git(&["switch", "-q", "feature"]).code(0);
    took
}

/// The push side under the framework, which names only the first ref with new commits: a
/// branch push judges no tag (an unpushed, invalid experiment tag at HEAD does not block it),
/// a push to main is refused, and a tag on a new commit is judged when it is pushed.
fn push(fw: &Framework, r: &Repo) {
    let _remote = r.bare_remote();
    r.tag("v1.2-experiment", None);
    // First, while its commits are new to the remote (the framework runs no pre-push hook for
    // a push that carries no new commit).
    let run = fw.git(r, &["push", "origin", "feature:main"]);
    assert_ne!(run.code, 0, "{}: push to main must fail", fw.tool);
    run.output_has("push-to-protected-branch");
    fw.git(r, &["push", "-q", "origin", "feature"]).code(0);

    fw.git(r, &["commit", "-q", "--allow-empty", "-m", "more"])
        .code(0);
    r.tag("v1.3", None);
    let run = fw.git(r, &["push", "origin", "v1.3"]);
    assert_ne!(run.code, 0, "{}: pushing tag v1.3 must fail", fw.tool);
    run.output_has("tag-invalid");
    assert!(
        !r.git_out(&["ls-remote", "--tags", "origin"])
            .contains("v1.3")
    );
}

fn wheel_route(tool: &'static str) {
    let fw = Framework::new(tool, Route::Wheel);
    let r = user_repo(Route::Wheel);
    let took = install_and_commit(&fw, &r);
    assert!(
        !fw.built_a_rust_env(),
        "{tool}: the wheel route built a rust environment"
    );
    {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "{tool} install --install-hooks, wheel route (no cargo on PATH): {:.1} s",
            took.as_secs_f64()
        );
    }
    push(&fw, &r);
}

#[test]
fn pre_commit_installs_the_wheel_without_cargo() {
    wheel_route("pre-commit");
}

#[test]
fn prek_installs_the_wheel_without_cargo() {
    wheel_route("prek");
}

fn source_route(tool: &'static str) {
    let fw = Framework::new(tool, Route::Source);
    let r = user_repo(Route::Source);
    install_and_commit(&fw, &r);
}

#[test]
fn pre_commit_builds_from_source_with_language_rust() {
    source_route("pre-commit");
}

#[test]
fn prek_builds_from_source_with_language_rust() {
    source_route("prek");
}

#[test]
fn manifest_declares_every_binary_once_as_python_with_explicit_stages() {
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
        assert_eq!(text.matches(&format!("- id: {id}\n")).count(), 1, "{id}");
        assert!(text.contains(&format!("entry: {id}\n")), "{id}");
    }
    assert_eq!(text.matches("\n  language: python\n").count(), 5);
    assert_eq!(text.matches("stages: [").count(), 5);
    assert_eq!(text.matches("pass_filenames: false").count(), 5);
    assert_eq!(text.matches("minimum_pre_commit_version:").count(), 5);
    // At pre-push only the gates that judge the pushed ref run (the framework's variables).
    let pre_push: Vec<&str> = text
        .split("- id: ")
        .filter(|h| {
            h.lines()
                .any(|l| l.contains("stages: [") && l.contains("pre-push"))
        })
        .map(|h| h.lines().next().unwrap_or(""))
        .collect();
    assert_eq!(pre_push, ["guard-master-commit", "validate-tag"]);
}

/// The build backend of the root pyproject.toml: the version it pins is Cargo.toml's, read with
/// tomllib and, where Python has none (3.8 to 3.10), with its line reader.
#[test]
fn relgate_hooks_pins_the_cargo_version_with_and_without_tomllib() {
    let cargo: toml::Table =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
            .unwrap()
            .parse()
            .unwrap();
    let version = cargo["package"]["version"].as_str().unwrap().to_string();
    let python = require("python3");
    let script = "import sys\n\
                  if sys.argv[1] == 'no-tomllib': sys.modules['tomllib'] = None\n\
                  sys.path.insert(0, 'python')\n\
                  import relgate_hooks as b\n\
                  v = b.pep440(b.cargo_version(open('Cargo.toml').read()))\n\
                  print(v)\n\
                  print(b.metadata(v).splitlines()[-1])\n\
                  print(b.pep440('1.2.0-rc.1'), b.pep440('1.2.0-alpha.2'), b.pep440('2.0.0-b3'))\n\
                  try:\n    b.pep440('1.2.0-dev.1')\nexcept b.BackendError as e:\n    print('error:', e)\n";
    for mode in ["tomllib", "no-tomllib"] {
        let out = Command::new(&python)
            .args(["-c", script, mode])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{mode}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<&str> = stdout.lines().collect();
        // Cargo.toml's version is a plain MAJOR.MINOR.PATCH or a portable pre-release.
        let want = version.replace("-alpha.", "a").replace("-rc.", "rc");
        assert_eq!(lines[0], want, "{mode}");
        assert_eq!(
            lines[1],
            format!("Requires-Dist: relgate=={want}"),
            "{mode}"
        );
        assert_eq!(lines[2], "1.2.0rc1 1.2.0a2 2.0.0b3", "{mode}");
        assert!(
            lines[3].starts_with("error: Cargo.toml: version '1.2.0-dev.1' has no PEP 440"),
            "{mode}: {}",
            lines[3]
        );
    }
}
