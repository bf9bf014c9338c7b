//! The README's and docs' snippets, run the way a reader follows them: in throwaway
//! repositories, with the tools they name, so the documentation cannot rot (as parse-changelog
//! keeps its README in sync with its help).
//!
//! A snippet is a fenced block. One preceded by `<!-- snippet: ID -->` is run by the scenario
//! test that names ID; one preceded by `<!-- snippet: skip: REASON -->` is skipped, and the
//! reason printed. An unmarked shell block (the reference listings of each gate, docs this file's
//! author does not own) is run line by line: each relgate command must run (exit 0 or 1, never
//! 2, the "could not check" of a flag or value that does not exist), and any other command is
//! skipped only with a reason from [`UNMARKED_SKIPS`]. The network is never used: the GitHub URL
//! is replaced by this checkout, and a local wheel index stands in for PyPI.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Repo, Run, TempDir};

const URL: &str = "https://github.com/relgate/relgate";
const GATES: [&str; 5] = [
    "validate-tag",
    "check-version-sync",
    "lint-changelog",
    "guard-master-commit",
    "check-release-ready",
];

/// Commands in unmarked shell blocks that this test does not run, and why.
const UNMARKED_SKIPS: &[(&str, &str)] = &[
    (
        "gh release",
        "creating a GitHub release needs GitHub and a token",
    ),
    (
        "cargo install cargo-fuzz",
        "installs cargo-fuzz from crates.io",
    ),
    (
        "cargo fuzz",
        "builds every dependency with coverage instrumentation (minutes), then fuzzes for minutes",
    ),
    (
        "cargo check --manifest-path fuzz/Cargo.toml",
        ".ci/run runs it (\"fuzz targets build\")",
    ),
    (
        "bench/run",
        "the benchmark takes minutes and a clean build; it is its own check",
    ),
    (
        "bench/profiles",
        "one clean release build per profile: tens of minutes",
    ),
];

fn checkout() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Clone, Debug)]
struct Snippet {
    file: String,
    line: usize,
    lang: String,
    marker: Option<String>,
    text: String,
}

impl Snippet {
    fn skip_reason(&self) -> Option<&str> {
        self.marker.as_deref()?.strip_prefix("skip:").map(str::trim)
    }
}

/// Every fenced block of a Markdown file, with the marker comment on the line before it.
fn parse(file: &str) -> Vec<Snippet> {
    let text = std::fs::read_to_string(checkout().join(file)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        let Some(lang) = trimmed.strip_prefix("```") else {
            i += 1;
            continue;
        };
        let indent = lines[i].len() - trimmed.len();
        let marker = i
            .checked_sub(1)
            .map(|p| lines[p].trim())
            .and_then(|l| l.strip_prefix("<!-- snippet:"))
            .and_then(|l| l.strip_suffix("-->"))
            .map(|m| m.trim().to_string());
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].trim_start().starts_with("```") {
            end += 1;
        }
        let body: Vec<&str> = lines[start..end]
            .iter()
            .map(|l| {
                l.get(indent.min(l.len() - l.trim_start().len())..)
                    .unwrap_or("")
            })
            .collect();
        out.push(Snippet {
            file: file.to_string(),
            line: i + 1,
            lang: lang.trim().to_string(),
            marker,
            text: body.join("\n") + "\n",
        });
        i = end + 1;
    }
    out
}

/// README.md and every page of docs/.
fn documents() -> Vec<String> {
    let mut files = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(checkout().join("docs"))
        .unwrap()
        .flatten()
        .map(|e| format!("docs/{}", e.file_name().to_string_lossy()))
        .filter(|f| f.ends_with(".md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

fn all_snippets() -> Vec<Snippet> {
    documents().iter().flat_map(|f| parse(f)).collect()
}

/// The snippet marked ID: exactly one.
#[track_caller]
fn snippet(id: &str) -> Snippet {
    let found: Vec<Snippet> = all_snippets()
        .into_iter()
        .filter(|s| s.marker.as_deref() == Some(id))
        .collect();
    assert_eq!(found.len(), 1, "snippet `{id}`: {found:?}");
    found.into_iter().next().unwrap()
}

/// The scenario tests below and the snippets each of them runs.
const RUN_BY_SCENARIOS: &[&str] = &[
    "try-it",
    "wheel-local",
    "install-git",
    "raw-hooks",
    "relgate-skip",
    "release-branch",
    "release-tag",
    "release-notes",
    "pre-commit-config",
    "pre-commit-install",
    "hooks-pre-commit-config",
    "hooks-pre-commit-install",
    "hooks-install",
    "hooks-uninstall",
    "github-actions",
    "lefthook-config",
    "lefthook-install",
    "husky-pre-commit",
    "husky-pre-merge-commit",
    "husky-prepare-commit-msg",
    "husky-pre-push",
];

/// The commit the snippets pin while no release tag exists: one commit everywhere, in this
/// repository's history, and its hooks manifest declares every id the snippets use.
fn pin() -> String {
    let mut pins: Vec<String> = Vec::new();
    for s in all_snippets() {
        for (i, _) in s.text.match_indices("rev") {
            let rest = s.text[i + 3..].trim_start_matches([':', ' ']);
            let rest = rest.strip_prefix("--rev").unwrap_or(rest).trim_start();
            let hex: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
            if hex.len() == 40 {
                pins.push(hex);
            }
        }
        let tag_pin = ["--tag v", "rev: v"].iter().any(|p| {
            s.text
                .match_indices(p)
                .any(|(i, _)| s.text[i + p.len()..].starts_with(|c: char| c.is_ascii_digit()))
        });
        assert!(
            !tag_pin,
            "{}:{}: pins a release tag, but none exists yet: pin a commit",
            s.file, s.line
        );
    }
    pins.sort();
    pins.dedup();
    assert_eq!(
        pins.len(),
        1,
        "the snippets pin more than one commit: {pins:?}"
    );
    let pin = pins.remove(0);
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(checkout())
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        git(&["merge-base", "--is-ancestor", &pin, "HEAD"])
            .status
            .success(),
        "the pinned commit {pin} is not in this repository's history (a squashed or rebased merge?)"
    );
    let manifest = git(&["show", &format!("{pin}:.pre-commit-hooks.yaml")]);
    let manifest = String::from_utf8_lossy(&manifest.stdout);
    for gate in GATES {
        assert!(
            manifest.contains(&format!("- id: {gate}\n")) && manifest.contains("language: python"),
            "the pinned commit {pin} has no `language: python` hook {gate}"
        );
    }
    pin
}

/// A snippet's text with the network taken out: the GitHub URL becomes this checkout.
fn local(text: &str) -> String {
    text.replace(URL, &format!("file://{}", checkout().display()))
}

fn note(what: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{what}");
}

/// The real cargo and rustup homes (the test HOME is pinned), and a build directory of its own
/// under `target/`, kept between runs: `cargo install` of the pinned commit writes its binaries
/// to `<target>/release/`, and in the checkout's own target directory they would replace the
/// binaries of the code under test (cargo would then see them as fresh and never rebuild).
fn cargo_env(cmd: &mut Command, root: &Path) {
    let real_home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    cmd.env(
        "CARGO_HOME",
        std::env::var_os("CARGO_HOME").map_or_else(|| real_home.join(".cargo"), PathBuf::from),
    )
    .env(
        "RUSTUP_HOME",
        std::env::var_os("RUSTUP_HOME").map_or_else(|| real_home.join(".rustup"), PathBuf::from),
    )
    .env(
        "CARGO_TARGET_DIR",
        checkout().join("target").join("docs-install"),
    )
    .env("CARGO_INSTALL_ROOT", root)
    .env("CARGO_TERM_COLOR", "never");
}

/// `sh -e -c TEXT` in the repository, with PATH as given.
fn sh(r: &Repo, text: &str, path: &str, env: &[(&str, &str)]) -> Run {
    let mut cmd = r.command("sh");
    cmd.args(["-e", "-c", text]).env("PATH", path);
    for (k, v) in env {
        cmd.env(k, v);
    }
    r.run(cmd, format!("sh -e -c {text:?}"))
}

/// A project with release 1.1.0 tagged and pushed to a local bare remote.
fn released_project() -> (Repo, TempDir) {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"1.1.0\"\n",
    );
    r.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Second.\n\n\
         ## [1.1.0] - 2026-01-01\n\n### Added\n\n- First.\n\n\
         [Unreleased]: https://example.com/demo/compare/v1.1.0...HEAD\n\
         [1.1.0]: https://example.com/demo/releases/tag/v1.1.0\n",
    );
    r.git(&["add", "."]).code(0);
    r.commit("release 1.1.0");
    r.tag("v1.1.0", None);
    let remote = r.bare_remote();
    r.git(&["push", "-q", "origin", "main", "v1.1.0"]).code(0);
    r.git(&["branch", "-q", "-u", "origin/main"]).code(0);
    (r, remote)
}

/// What a reader does by hand between the release snippets: the version bump and the
/// changelog section.
fn bump_to_1_2_0(r: &Repo) {
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"1.2.0\"\n",
    );
    r.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-02-01\n\n### Added\n\n- Second.\n\n\
         ## [1.1.0] - 2026-01-01\n\n### Added\n\n- First.\n\n\
         [Unreleased]: https://example.com/demo/compare/v1.2.0...HEAD\n\
         [1.2.0]: https://example.com/demo/compare/v1.1.0...v1.2.0\n\
         [1.1.0]: https://example.com/demo/releases/tag/v1.1.0\n",
    );
}

/// What the forge does when the pull request is merged: a merge commit on main, made in
/// another clone (no hooks there), pushed to the remote.
fn forge_merges(r: &Repo, remote: &Path, branch: &str) {
    let (_dir, clone) = r.clone_of(remote, false);
    let clone = clone.to_str().unwrap().to_string();
    r.git(&[
        "-C",
        &clone,
        "merge",
        "-q",
        "--no-ff",
        &format!("origin/{branch}"),
        "-m",
        &format!("Merge pull request #1 from demo/{branch}"),
    ])
    .code(0);
    r.git(&["-C", &clone, "push", "-q", "origin", "main"])
        .code(0);
}

#[test]
fn every_shell_snippet_is_run_or_skipped_with_a_reason() {
    let snippets = all_snippets();
    for id in RUN_BY_SCENARIOS {
        snippet(id);
    }
    for s in &snippets {
        match (s.marker.as_deref(), s.skip_reason()) {
            (_, Some(reason)) => {
                assert!(
                    !reason.is_empty(),
                    "{}:{}: a skip needs a reason",
                    s.file,
                    s.line
                );
                note(&format!("SKIPPED snippet {}:{}: {reason}", s.file, s.line));
            }
            (Some(id), None) => assert!(
                RUN_BY_SCENARIOS.contains(&id),
                "{}:{}: snippet `{id}` is run by no test",
                s.file,
                s.line
            ),
            (None, None) => {}
        }
    }
    pin();
}

/// The unmarked shell blocks, line by line, in a project that has what they name: release
/// 1.2.0 tagged, and `$BEFORE`/`$AFTER` set to a range of it.
#[test]
fn every_relgate_command_in_unmarked_blocks_runs() {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"1.2.0\"\n",
    );
    r.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-01-01\n\n### Added\n\n- First.\n",
    );
    r.git(&["add", "."]).code(0);
    r.commit("first");
    r.commit("release 1.2.0");
    r.tag("v1.2.0", None);
    let before = r.git_out(&["rev-list", "--max-parents=0", "HEAD"]);
    let after = r.head();
    let path = r.path_with_binaries();
    let mut ran = 0;
    for s in all_snippets() {
        if s.marker.is_some() || !matches!(s.lang.as_str(), "sh" | "bash" | "shell") {
            continue;
        }
        let joined = s.text.replace("\\\n", " ");
        for line in joined.lines() {
            let command = line.split(" #").next().unwrap_or("").trim();
            if command.is_empty() || command.starts_with('#') {
                continue;
            }
            for part in command.split("&&").map(str::trim) {
                let first = part.split_whitespace().next().unwrap_or("");
                if GATES.contains(&first) {
                    let run = sh(&r, part, &path, &[("BEFORE", &before), ("AFTER", &after)]);
                    assert!(
                        run.code == 0 || run.code == 1,
                        "{}:{}: `{part}` could not run (exit {})\n{}{}",
                        s.file,
                        s.line,
                        run.code,
                        run.stdout,
                        run.stderr
                    );
                    ran += 1;
                } else if let Some((_, why)) =
                    UNMARKED_SKIPS.iter().find(|(p, _)| part.starts_with(p))
                {
                    note(&format!("SKIPPED {}:{}: `{part}`: {why}", s.file, s.line));
                } else {
                    panic!(
                        "{}:{}: `{part}` is neither run nor skipped with a reason: mark the block or add it to UNMARKED_SKIPS",
                        s.file, s.line
                    );
                }
            }
        }
    }
    assert!(ran >= 15, "only {ran} relgate commands found in the docs");
}

/// The README's first command, in a fresh clone: it installs the five binaries and the
/// checklist runs, failing as the README says (the version is not released yet).
#[test]
fn try_it_installs_and_runs_the_checklist() {
    let s = snippet("try-it");
    let r = Repo::new();
    let (_dir, clone) = r.clone_of(&checkout(), false);
    let root = TempDir::new("cargo-root");
    let mut cmd = r.command("sh");
    cmd.args(["-e", "-c", s.text.trim()])
        .current_dir(&clone)
        .env(
            "PATH",
            format!(
                "{}:{}",
                root.path().join("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
    cargo_env(&mut cmd, root.path());
    let run = r.run(cmd, "try-it".into());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    run.stdout_has("changelog-entry");
    for gate in GATES {
        assert!(
            root.path().join("bin").join(gate).is_file(),
            "{gate} not installed"
        );
    }

    // The wheel built from the same clone, installed into a virtualenv with pip.
    let venv = TempDir::new("venv");
    let made = Command::new(crate::framework::require("python3"))
        .args(["-m", "venv"])
        .arg(venv.path())
        .status()
        .unwrap();
    assert!(made.success());
    let mut cmd = r.command("sh");
    cmd.args(["-e", "-c", snippet("wheel-local").text.trim()])
        .current_dir(&clone)
        .env(
            "PATH",
            format!(
                "{}:{}",
                venv.path().join("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("PIP_NO_INDEX", "1")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    cargo_env(&mut cmd, root.path());
    r.run(cmd, "wheel-local".into()).code(0);
    let version = format!("check-release-ready {}\n", env!("CARGO_PKG_VERSION"));
    let out = Command::new(venv.path().join("bin/check-release-ready"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), version);
}

/// `cargo install --git ... --rev PIN relgate`, the raw hooks from a clone, RELGATE_SKIP, and
/// the README's "Cutting a release" from the bump to the pushed tag and its notes, with the
/// checks CI adds: every step passes relgate's default gates.
#[test]
fn install_raw_hooks_and_cut_a_release() {
    let pin = pin();
    let (r, remote) = released_project();
    let root = TempDir::new("cargo-root");

    let install = snippet("install-git");
    assert!(install.text.contains(&pin) && install.text.contains("relgate\n"));
    let mut cmd = r.command("sh");
    cmd.args(["-e", "-c", &local(&install.text)])
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cargo_env(&mut cmd, root.path());
    r.run(cmd, "install-git".into()).code(0);
    let path = format!(
        "{}:{}",
        root.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );

    // The raw hooks, from a clone of relgate, into "your-repo".
    let clones = TempDir::new("relgate-clone");
    let relgate = clones.path().join("relgate");
    let raw = local(&snippet("raw-hooks").text)
        .replace("/path/to/relgate", relgate.to_str().unwrap())
        .replace("your-repo", r.path().to_str().unwrap());
    sh(&r, &raw, &path, &[]).code(0).stdout_has("installed");

    // A commit on main is refused; RELGATE_SKIP lets it through once, and a push with it.
    r.write("hotfix.txt", "x\n");
    r.git(&["add", "hotfix.txt"]).code(0);
    let refused = sh(&r, "git commit -q -m 'hotfix'", &path, &[]);
    assert_ne!(refused.code, 0);
    refused.output_has("commit-to-protected-branch");
    let skip = snippet("relgate-skip").text;
    let (commit, push) = skip.split_once('\n').unwrap();
    sh(&r, commit.split(" #").next().unwrap(), &path, &[]).code(0);
    let pushed = sh(&r, push.split(" #").next().unwrap().trim(), &path, &[]);
    pushed.code(0);
    let before_release = r.head();

    // Cutting a release: the bump on a release branch, merged by the forge, then the tag.
    bump_to_1_2_0(&r);
    sh(&r, &snippet("release-branch").text, &path, &[]).code(0);
    forge_merges(&r, remote.path(), "release/1.2.0");
    sh(&r, &snippet("release-tag").text, &path, &[])
        .code(0)
        .stdout_has("ready to tag v1.2.0");
    assert!(
        r.git_out(&["ls-remote", "--tags", "origin"])
            .contains("refs/tags/v1.2.0")
    );
    sh(&r, &snippet("release-notes").text, &path, &[]).code(0);
    assert_eq!(
        std::fs::read_to_string(r.path().join("notes.md")).unwrap(),
        "### Added\n\n- Second.\n"
    );
    // CI's history check on main accepts the merge the forge made (the RELGATE_SKIP push
    // before it is exactly what that check exists to find).
    let range = format!("{before_release}..origin/main");
    sh(
        &r,
        &format!("guard-master-commit --history {range}"),
        &path,
        &[],
    )
    .code(0);

    // The pre-push hook judges a tag pushed alone: an invalid name never reaches the remote.
    let bad = sh(
        &r,
        "git tag -a v1.3 -m v1.3 && git push origin v1.3",
        &path,
        &[],
    );
    assert_ne!(bad.code, 0);
    bad.output_has("tag-invalid");
}

/// docs/hooks.md's raw-hook lines: install, the opt-in reference-transaction hook, uninstall.
#[test]
fn hooks_md_install_and_uninstall() {
    let (r, _remote) = released_project();
    let path = r.path_with_binaries();
    let fill = |text: &str| {
        text.replace("/path/to/relgate", checkout().to_str().unwrap())
            .replace("your-repo", r.path().to_str().unwrap())
    };
    sh(&r, &fill(&snippet("hooks-install").text), &path, &[]).code(0);
    for hook in [
        "pre-commit",
        "pre-merge-commit",
        "prepare-commit-msg",
        "pre-push",
        "reference-transaction",
    ] {
        assert!(r.path().join(".git/hooks").join(hook).is_file(), "{hook}");
    }
    let refused = sh(&r, "git tag v1.2", &path, &[]);
    assert_ne!(refused.code, 0);
    refused.output_has("tag-invalid");
    sh(&r, &fill(&snippet("hooks-uninstall").text), &path, &[]).code(0);
    assert!(!r.path().join(".git/hooks/pre-push").exists());
}

/// The pre-commit configuration of the README and of docs/hooks.md, installed as written
/// (the pinned commit, the wheel from a local index standing in for PyPI, no cargo on PATH).
#[test]
fn pre_commit_snippets_install_the_wheel_and_guard_main() {
    let pin = pin();
    let index = crate::framework::wheel_index();
    let readme = snippet("pre-commit-config").text;
    let docs = snippet("hooks-pre-commit-config").text;
    let strip = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(|l| l.split(" #").next().unwrap_or("").trim_end().to_string())
            .collect()
    };
    assert_eq!(
        strip(&readme),
        strip(&docs),
        "the two configurations differ"
    );
    assert!(readme.contains(&format!("rev: {pin}")));
    for install in ["pre-commit-install", "hooks-pre-commit-install"] {
        assert!(
            snippet(install)
                .text
                .starts_with("pre-commit install --install-hooks")
        );
    }

    let r = Repo::new();
    r.write(".pre-commit-config.yaml", &local(&readme));
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\n",
    );
    r.git(&["add", "."]).code(0);
    let home = TempDir::new("pre-commit-home");
    let path: Vec<String> = std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .filter(|d| !Path::new(d).join("cargo").exists())
        .map(str::to_string)
        .collect();
    let path = path.join(":");
    let index = index.to_str().unwrap();
    let home_pc = home.path().join("pc");
    let env = [
        ("PIP_NO_INDEX", "1"),
        ("PIP_FIND_LINKS", index),
        ("PIP_DISABLE_PIP_VERSION_CHECK", "1"),
        ("PRE_COMMIT_HOME", home_pc.to_str().unwrap()),
    ];
    let install = snippet("pre-commit-install").text;
    sh(&r, install.split(" #").next().unwrap(), &path, &env).code(0);
    sh(&r, "git commit -q -m initial", &path, &env).code(0);
    r.write("a.txt", "a\n");
    r.git(&["add", "a.txt"]).code(0);
    let refused = sh(&r, "git commit -q -m direct", &path, &env);
    assert_ne!(refused.code, 0);
    refused.output_has("commit-to-protected-branch");
    // The manual hook the comment names.
    let manual = sh(
        &r,
        "pre-commit run --hook-stage manual check-release-ready",
        &path,
        &env,
    );
    assert!(manual.code == 0 || manual.code == 1, "{}", manual.stdout);
    manual.output_has("check-release-ready");
}

/// The README's workflow passes actionlint.
#[test]
fn github_actions_snippet_passes_actionlint() {
    let actionlint = crate::framework::require("actionlint");
    let r = Repo::new();
    r.write(
        ".github/workflows/gates.yml",
        &snippet("github-actions").text,
    );
    let mut cmd = r.command(actionlint);
    cmd.args(["-no-color", ".github/workflows/gates.yml"]);
    r.run(cmd, "actionlint".into()).code(0);
}

/// A repository with a feature branch whose work is new to the remote, for the hook managers.
fn hook_manager_repo() -> (Repo, TempDir) {
    let (r, remote) = released_project();
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.commit_file("feature.txt", "work\n", "feature work");
    (r, remote)
}

/// On main: a commit, a merge and a cherry-pick are refused; one push of main and an invalid
/// tag reports both, whichever gate fails first.
fn hook_manager_guards(r: &Repo, path: &str, tool: &str) {
    r.git(&["switch", "-q", "main"]).code(0);
    r.write("b.txt", "b\n");
    r.git(&["add", "b.txt"]).code(0);
    let run = sh(r, "git commit -q -m direct", path, &[]);
    assert_ne!(
        run.code, 0,
        "{tool}: commit on main\n{}{}",
        run.stdout, run.stderr
    );
    run.output_has("commit-to-protected-branch");
    r.git(&["reset", "-q"]).code(0);
    std::fs::remove_file(r.path().join("b.txt")).unwrap();

    let run = sh(r, "git merge -q --no-ff feature -m merge", path, &[]);
    assert_ne!(
        run.code, 0,
        "{tool}: merge on main\n{}{}",
        run.stdout, run.stderr
    );
    run.output_has("commit-to-protected-branch");
    let _ = r.git(&["merge", "--abort"]);

    let run = sh(r, "git cherry-pick feature", path, &[]);
    assert_ne!(
        run.code, 0,
        "{tool}: cherry-pick onto main\n{}{}",
        run.stdout, run.stderr
    );
    run.output_has("commit-to-protected-branch");
    let _ = r.git(&["cherry-pick", "--abort"]);

    r.git(&["tag", "-a", "v1.3", "-m", "v1.3", "feature"])
        .code(0);
    let run = sh(r, "git push origin feature:main v1.3", path, &[]);
    assert_ne!(
        run.code, 0,
        "{tool}: push to main with an invalid tag\n{}{}",
        run.stdout, run.stderr
    );
    run.output_has("push-to-protected-branch");
    run.output_has("tag-invalid");

    // A tag pushed alone, on a commit the remote has: no file changes, still judged.
    r.git(&["tag", "-a", "v1.4", "-m", "v1.4", "main"]).code(0);
    let run = sh(r, "git push origin v1.4", path, &[]);
    assert_ne!(
        run.code, 0,
        "{tool}: a tag pushed alone\n{}{}",
        run.stdout, run.stderr
    );
    run.output_has("tag-invalid");
}

#[test]
fn lefthook_snippets_guard_commits_merges_and_pushes() {
    let lefthook = crate::framework::require("lefthook");
    let (r, _remote) = hook_manager_repo();
    r.write("lefthook.yml", &snippet("lefthook-config").text);
    let path = format!(
        "{}:{}",
        lefthook.parent().unwrap().display(),
        r.path_with_binaries()
    );
    sh(&r, &snippet("lefthook-install").text, &path, &[]).code(0);
    hook_manager_guards(&r, &path, "lefthook");
}

#[test]
fn husky_snippets_guard_commits_merges_and_pushes() {
    let husky = crate::framework::require("husky");
    let (r, _remote) = hook_manager_repo();
    let path = format!(
        "{}:{}",
        husky.parent().unwrap().display(),
        r.path_with_binaries()
    );
    sh(&r, "husky", &path, &[]).code(0);
    for id in [
        "husky-pre-commit",
        "husky-pre-merge-commit",
        "husky-prepare-commit-msg",
        "husky-pre-push",
    ] {
        let text = snippet(id).text;
        let first = text.lines().next().unwrap();
        let file = first
            .trim_start_matches("# ")
            .split_whitespace()
            .next()
            .unwrap();
        assert!(file.starts_with(".husky/"), "{id}: {first}");
        r.write(file, &text);
    }
    hook_manager_guards(&r, &path, "husky");
}

/// docs/hooks.md's table says which gate runs in which hook: the raw scripts in hooks/ and the
/// manifest's stages say the same.
#[test]
fn hooks_table_matches_the_scripts_and_the_manifest() {
    let text = std::fs::read_to_string(checkout().join("docs/hooks.md")).unwrap();
    let header = text
        .lines()
        .find(|l| l.starts_with("| gate |"))
        .expect("the table");
    let columns: Vec<&str> = header.split('|').map(str::trim).collect();
    let manifest = std::fs::read_to_string(checkout().join(".pre-commit-hooks.yaml")).unwrap();
    let stages: BTreeMap<&str, &str> = manifest
        .split("- id: ")
        .skip(1)
        .map(|h| {
            let id = h.lines().next().unwrap().trim();
            let st = h.lines().find(|l| l.contains("stages: [")).unwrap_or("");
            (id, st)
        })
        .collect();
    let mut rows = 0;
    for row in text
        .lines()
        .filter(|l| GATES.iter().any(|g| l.starts_with(&format!("| {g} |"))))
    {
        rows += 1;
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let gate = cells[1];
        for (col, hook) in columns.iter().enumerate() {
            if ![
                "pre-commit",
                "pre-merge-commit",
                "prepare-commit-msg",
                "pre-push",
                "reference-transaction",
            ]
            .contains(hook)
            {
                continue;
            }
            let says = !cells[col].is_empty();
            // A script may name its hook once (`hook=pre-commit`) and pass `--hook "$hook"`.
            let script = std::fs::read_to_string(checkout().join("hooks").join(hook))
                .unwrap()
                .replace("\"$hook\"", hook);
            let runs = script
                .lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .any(|l| l.contains(&format!("{gate} --hook {hook}")));
            assert_eq!(
                says,
                runs,
                "docs/hooks.md says {gate} {} in hooks/{hook}",
                if says { "runs" } else { "does not run" }
            );
            if *hook != "reference-transaction" {
                let staged = stages[gate]
                    .split(['[', ']', ','])
                    .any(|s| s.trim() == *hook);
                assert_eq!(
                    says, staged,
                    "docs/hooks.md and the manifest's stages disagree on {gate} at {hook}"
                );
            }
        }
    }
    assert_eq!(rows, 5);
}
