//! The common contract every binary shares: exit codes, help, version, formats, colour, config
//! errors, `-C`, `RELGATE_SKIP`, broken pipes.

use crate::util::{Repo, TempDir, bin};

const GUARD: &str = "guard-master-commit";

/// What git sets for every commit hook: the guard judges a commit in progress.
const COMMITTING: (&str, &str) = ("GIT_INDEX_FILE", ".git/index");

fn on_main() -> Repo {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    r
}

#[test]
fn help_and_version_exit_0() {
    let r = on_main();
    r.relgate_env(GUARD, &["--help"], &[COMMITTING])
        .code(0)
        .stdout_has("Usage: guard-master-commit")
        .stdout_has("Exit status: 0");
    r.relgate_env(GUARD, &["-h"], &[COMMITTING])
        .code(0)
        .stdout_has("--deny-warnings");
    let v = r.relgate_env(GUARD, &["-V"], &[COMMITTING]);
    v.code(0);
    assert_eq!(
        v.stdout,
        format!("guard-master-commit {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn exit_codes_0_1_2() {
    let r = on_main();
    r.relgate_env(GUARD, &[], &[COMMITTING]).code(1);
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.relgate_env(GUARD, &[], &[COMMITTING]).code(0);
    r.relgate_env(GUARD, &["--bogus"], &[COMMITTING])
        .code(2)
        .stderr_has("guard-master-commit: error: unknown option `--bogus`");
    r.relgate_env(GUARD, &["--format"], &[COMMITTING])
        .code(2)
        .stderr_has("needs a value");
    r.relgate_env(GUARD, &["--format", "yaml"], &[COMMITTING])
        .code(2)
        .stderr_has("expected human, json or github");
    r.relgate_env(GUARD, &["stray"], &[COMMITTING])
        .code(2)
        .stderr_has("unexpected argument `stray`");
}

#[test]
fn not_a_repository_is_exit_2_naming_the_directory() {
    let dir = TempDir::new("norepo");
    let r = on_main();
    let mut cmd = r.command(bin(GUARD));
    cmd.current_dir(dir.path());
    r.run(cmd, "guard outside a repo".into())
        .code(2)
        .stderr_has("not a git repository")
        .stderr_has(dir.path().to_str().unwrap());
}

#[test]
fn dash_c_runs_elsewhere() {
    let r = on_main();
    let elsewhere = TempDir::new("cwd");
    let mut cmd = r.command(bin(GUARD));
    cmd.current_dir(elsewhere.path())
        .arg("-C")
        .arg(r.path())
        .env(COMMITTING.0, COMMITTING.1);
    r.run(cmd, "guard -C repo".into())
        .code(1)
        .stdout_has("protected branch main");
    r.relgate_env(GUARD, &["-C", "/nonexistent/dir"], &[COMMITTING])
        .code(2)
        .stderr_has("cannot change to directory /nonexistent/dir");
}

#[test]
fn json_is_one_object_and_ok_matches_exit() {
    let r = on_main();
    let run = r.relgate_env(GUARD, &["--format", "json"], &[COMMITTING]);
    run.code(1);
    let v = run.json();
    assert_eq!(v["tool"], "guard-master-commit");
    assert_eq!(v["ok"], false);
    assert_eq!(v["diagnostics"][0]["rule"], "commit-to-protected-branch");
    assert_eq!(v["diagnostics"][0]["severity"], "error");
    assert_eq!(v["diagnostics"][0]["subject"], "refs/heads/main");
    r.git(&["switch", "-q", "-c", "f"]).code(0);
    assert_eq!(
        r.relgate_env(GUARD, &["--format", "json"], &[COMMITTING])
            .code(0)
            .json()["ok"],
        true
    );
}

#[test]
fn github_format_under_actions() {
    let r = on_main();
    let run = r.relgate_env(GUARD, &[], &[COMMITTING, ("GITHUB_ACTIONS", "true")]);
    run.code(1).stdout_has("::error title=commit-to-protected-branch::refs/heads/main: commit on protected branch main");
    r.relgate_env(
        GUARD,
        &["--format", "human"],
        &[COMMITTING, ("GITHUB_ACTIONS", "true")],
    )
    .code(1)
    .stdout_lacks("::error");
}

#[test]
fn colour_rules() {
    let r = on_main();
    let esc = "\u{1b}[";
    r.relgate_env(GUARD, &[], &[COMMITTING]).stdout_lacks(esc);
    r.relgate_env(GUARD, &["--color", "always"], &[COMMITTING])
        .stdout_has(esc);
    r.relgate_env(GUARD, &[], &[COMMITTING, ("CLICOLOR_FORCE", "1")])
        .stdout_has(esc);
    r.relgate_env(
        GUARD,
        &[],
        &[COMMITTING, ("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    )
    .stdout_has(esc);
    r.relgate_env(
        GUARD,
        &["--color", "never"],
        &[COMMITTING, ("CLICOLOR_FORCE", "1")],
    )
    .stdout_lacks(esc);
    r.relgate_env(
        GUARD,
        &["--color", "always"],
        &[COMMITTING, ("NO_COLOR", "1")],
    )
    .stdout_has(esc);
}

#[test]
fn quiet_prints_findings_only() {
    let r = on_main();
    r.relgate_env(GUARD, &["-q"], &[COMMITTING])
        .code(1)
        .stdout_has("error[")
        .stdout_lacks("failed (");
    r.git(&["switch", "-q", "-c", "f"]).code(0);
    let run = r.relgate_env(GUARD, &["--quiet"], &[COMMITTING]);
    run.code(0);
    assert_eq!(run.stdout, "");
}

#[test]
fn config_errors_name_file_line_and_nearest_key() {
    let r = on_main();
    r.write("relgate.toml", "[branches]\nprotectd = [\"main\"]\n");
    r.relgate_env(GUARD, &[], &[COMMITTING])
        .code(2)
        .stderr_has("relgate.toml:2:1")
        .stderr_has("unknown key `protectd`")
        .stderr_has("did you mean `protected`?");
    r.write(
        "relgate.toml",
        "[rules]\n\"commit-to-protected-branh\" = \"off\"\n",
    );
    r.relgate_env(GUARD, &[], &[COMMITTING])
        .code(2)
        .stderr_has("did you mean `commit-to-protected-branch`?");
    r.write("relgate.toml", "this is not toml");
    r.relgate_env(GUARD, &[], &[COMMITTING])
        .code(2)
        .stderr_has("relgate.toml:1");
    r.relgate_env(GUARD, &["--config", "missing.toml"], &[COMMITTING])
        .code(2)
        .stderr_has("cannot read config file missing.toml");
}

#[test]
fn config_discovery_order_and_rule_levels() {
    let r = on_main();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\n[tool.relgate.branches]\nprotected = [\"dev\"]\n",
    );
    r.relgate_env(GUARD, &[], &[COMMITTING]).code(0);
    r.write(
        "Cargo.toml",
        "[package]\nname = \"x\"\n[package.metadata.relgate.branches]\nprotected = [\"main\"]\n",
    );
    r.relgate_env(GUARD, &[], &[COMMITTING]).code(0); // pyproject comes first
    r.write(
        ".relgate.toml",
        "[rules]\ncommit-to-protected-branch = \"warn\"\n",
    );
    r.relgate_env(GUARD, &[], &[COMMITTING])
        .code(0)
        .stdout_has("warn[commit-to-protected-branch]");
    r.relgate_env(GUARD, &["--deny-warnings"], &[COMMITTING])
        .code(1);
    r.write(
        "relgate.toml",
        "[rules]\ncommit-to-protected-branch = \"off\"\n",
    );
    r.relgate_env(GUARD, &[], &[COMMITTING])
        .code(0)
        .stdout_lacks("commit-to-protected-branch");
    r.relgate_env(GUARD, &["--config", "pyproject.toml"], &[COMMITTING])
        .code(0);
}

#[test]
fn a_second_config_file_is_a_warning_in_every_gate() {
    let r = on_main();
    r.write("relgate.toml", "[tags]\nprefix = \"v\"\n");
    r.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\nversion = \"1.0.0\"\n",
    );
    let gates = [
        "validate-tag",
        "check-version-sync",
        "lint-changelog",
        "guard-master-commit",
        "check-release-ready",
    ];
    for gate in gates {
        r.relgate(gate, &[]).stdout_lacks("config-shadowed");
    }
    r.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\nversion = \"1.0.0\"\n[tool.relgate.tags]\nprefix = \"\"\n",
    );
    // validate-tag with no tag at HEAD infers no conventions, and still warns.
    for gate in gates {
        r.relgate(gate, &[])
            .stdout_has("warn[config-shadowed]")
            .stdout_has("relgate.toml is used, pyproject.toml [tool.relgate] is ignored");
    }
}

#[test]
fn relgate_skip_passes_with_a_note() {
    let r = on_main();
    r.relgate_env(
        GUARD,
        &[],
        &[COMMITTING, ("RELGATE_SKIP", "guard-master-commit")],
    )
    .code(0)
    .stdout_has("note[relgate-skip]");
    r.relgate_env(
        GUARD,
        &["--format", "json"],
        &[COMMITTING, ("RELGATE_SKIP", "all")],
    )
    .code(0)
    .json();
}

#[test]
fn control_characters_from_the_repository_are_escaped() {
    let r = Repo::new();
    r.commit_file("a.txt", "a\n", "initial");
    let a = "a".repeat(40);
    let z = "0".repeat(40);
    let input = format!("refs/heads/evil\x1b[2J {a} refs/heads/main {z}\n");
    let run = r.relgate_stdin(GUARD, &["--pre-push"], input.as_bytes(), &[]);
    run.code(1).stdout_has("evil\\u{1b}[2J");
    assert!(!run.stdout.contains('\u{1b}'));
}

#[test]
fn closed_stdout_is_a_quiet_success() {
    // The reader is gone before the binary writes, so every write fails with EPIPE. The run
    // has a finding (exit 1 normally); a closed stdout still ends quietly with 0.
    let r = on_main();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = r
        .command(bin(GUARD))
        .env(COMMITTING.0, COMMITTING.1)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
