//! Throwaway git repositories under a pinned environment, and a runner for the built binaries.
//!
//! Every git and relgate process here runs with no system or global git config, fixed author and
//! committer dates, and the `GIT_*`, `CI`, `GITHUB_*`, `PRE_COMMIT*`, colour and `RELGATE_SKIP`
//! variables of the outer environment removed, so results are the same on every machine.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Path of a built binary.
pub fn bin(name: &str) -> PathBuf {
    let exe = match name {
        "guard-master-commit" => env!("CARGO_BIN_EXE_guard-master-commit"),
        "validate-tag" => env!("CARGO_BIN_EXE_validate-tag"),
        "check-version-sync" => env!("CARGO_BIN_EXE_check-version-sync"),
        "lint-changelog" => env!("CARGO_BIN_EXE_lint-changelog"),
        "check-release-ready" => env!("CARGO_BIN_EXE_check-release-ready"),
        other => panic!("unknown binary {other}"),
    };
    PathBuf::from(exe)
}

/// A fresh directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let p = std::env::temp_dir().join(format!("relgate-test-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Clears the outer environment's influence and pins git's.
pub fn pin(cmd: &mut Command, home: &Path) {
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.starts_with("GIT_")
            || k.starts_with("GITHUB_")
            || k.starts_with("PRE_COMMIT")
            || k.starts_with("RELGATE")
            || matches!(
                k.as_str(),
                "CI" | "NO_COLOR"
                    | "CLICOLOR_FORCE"
                    | "CLICOLOR"
                    | "CI_COMMIT_TAG"
                    | "TERM"
                    | "XDG_CONFIG_HOME"
            )
        {
            cmd.env_remove(&k);
        }
    }
    cmd.env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Test Committer")
        .env("GIT_COMMITTER_EMAIL", "committer@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C");
}

/// The result of a finished process.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub what: String,
}

impl Run {
    fn from(output: Output, what: String) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            what,
        }
    }

    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "`{}` exited {} (expected {expected})\n--- stdout\n{}\n--- stderr\n{}",
            self.what, self.code, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "`{}`: stdout lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.what,
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stdout.contains(needle),
            "`{}`: stdout has {needle:?}\n--- stdout\n{}",
            self.what,
            self.stdout
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "`{}`: stderr lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.what,
            self.stdout,
            self.stderr
        );
        self
    }

    /// stdout and stderr together (git prints hook output on stderr).
    #[track_caller]
    pub fn output_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "`{}`: output lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.what,
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "`{}`: stdout is not JSON ({e}):\n{}",
                self.what, self.stdout
            )
        })
    }
}

/// A git repository in a temporary directory.
pub struct Repo {
    pub dir: TempDir,
    pub home: TempDir,
}

impl Repo {
    /// `git init -b main` with a pinned environment.
    pub fn new() -> Repo {
        Self::init(&[])
    }

    pub fn init(extra: &[&str]) -> Repo {
        let r = Repo {
            dir: TempDir::new("repo"),
            home: TempDir::new("home"),
        };
        std::fs::write(r.home.path().join("gitconfig"), "").unwrap();
        let mut args = vec!["init", "-q", "-b", "main"];
        args.extend_from_slice(extra);
        r.git(&args).code(0);
        r
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        pin(&mut cmd, self.home.path());
        cmd.current_dir(self.path()).stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, mut cmd: Command, what: String) -> Run {
        Run::from(cmd.output().expect("spawn"), what)
    }

    /// Runs `cmd` with `stdin`, failing the test unless it succeeds; returns its stdout.
    pub fn run_stdin(&self, mut cmd: Command, stdin: &[u8]) -> String {
        use std::io::Write;
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn");
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{cmd:?} failed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn git(&self, args: &[&str]) -> Run {
        let mut cmd = self.command("git");
        cmd.args(args);
        self.run(cmd, format!("git {}", args.join(" ")))
    }

    /// Runs git and returns its trimmed stdout, failing the test if git fails.
    pub fn git_out(&self, args: &[&str]) -> String {
        self.git(args).code(0).stdout.trim().to_string()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(p, text).unwrap();
    }

    /// Writes a file, stages it and commits with the message.
    pub fn commit_file(&self, rel: &str, text: &str, msg: &str) {
        self.write(rel, text);
        self.git(&["add", rel]).code(0);
        self.git(&["commit", "-q", "-m", msg]).code(0);
    }

    pub fn commit(&self, msg: &str) {
        self.git(&["commit", "-q", "--allow-empty", "-m", msg])
            .code(0);
    }

    /// A relgate binary run in the repository.
    pub fn relgate(&self, name: &str, args: &[&str]) -> Run {
        self.relgate_env(name, args, &[])
    }

    pub fn relgate_env(&self, name: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(bin(name));
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        self.run(cmd, format!("{name} {}", args.join(" ")))
    }

    /// A relgate binary with bytes on stdin.
    pub fn relgate_stdin(
        &self,
        name: &str,
        args: &[&str],
        stdin: &[u8],
        env: &[(&str, &str)],
    ) -> Run {
        use std::io::Write;
        let mut cmd = self.command(bin(name));
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn");
        let mut sin = child.stdin.take().unwrap();
        let data = stdin.to_vec();
        let writer = std::thread::spawn(move || {
            let _ = sin.write_all(&data);
        });
        let out = child.wait_with_output().expect("wait");
        let _ = writer.join();
        Run::from(out, format!("{name} {} <stdin>", args.join(" ")))
    }

    /// Symlinks a built binary into `.git/hooks` under a hook name.
    pub fn install_hook(&self, binary: &str, hook: &str) {
        let hooks = self.path().join(".git/hooks");
        std::fs::create_dir_all(&hooks).unwrap();
        let link = hooks.join(hook);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(bin(binary), link).unwrap();
    }

    /// A bare repository beside this one, added as remote `origin`.
    pub fn bare_remote(&self) -> TempDir {
        let remote = TempDir::new("remote");
        let mut cmd = self.command("git");
        cmd.args(["init", "-q", "--bare", "-b", "main"])
            .arg(remote.path());
        self.run(cmd, "git init --bare".into()).code(0);
        self.git(&["remote", "add", "origin", remote.path().to_str().unwrap()])
            .code(0);
        remote
    }

    /// A clone of the repository at `source` in a new temporary directory (kept while the
    /// returned TempDir lives), with only the last commit when `shallow` (through a `file://`
    /// URL, which `--depth` needs). Returns the directory and the clone's path in it.
    pub fn clone_of(&self, source: &Path, shallow: bool) -> (TempDir, PathBuf) {
        let dir = TempDir::new(if shallow { "shallow" } else { "clone" });
        let dest = dir.path().join("c");
        let url = format!("file://{}", source.display());
        let mut args = vec!["clone", "-q"];
        if shallow {
            args.extend(["--depth", "1", &url]);
        } else {
            args.push(source.to_str().unwrap());
        }
        args.push(dest.to_str().unwrap());
        self.git(&args).code(0);
        (dir, dest)
    }

    /// An annotated tag on HEAD (or on `target`).
    pub fn tag(&self, name: &str, target: Option<&str>) {
        let mut args = vec!["tag", "-a", name, "-m", name];
        if let Some(t) = target {
            args.push(t);
        }
        self.git(&args).code(0);
    }

    /// A directory with the built binaries on it, for hook scripts that look them up on PATH.
    pub fn path_with_binaries(&self) -> String {
        let dir = bin("guard-master-commit").parent().unwrap().to_path_buf();
        format!(
            "{}:{}",
            dir.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    pub fn head(&self) -> String {
        self.git_out(&["rev-parse", "HEAD"])
    }
}
