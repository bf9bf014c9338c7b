//! lint-changelog over real repositories: exit status, file discovery, exact positions, line
//! endings and encodings, `--release`, `--notes`, `--explain`, the output formats, hook mode, and
//! the project's own changelog.

use std::path::Path;

use crate::util::{Repo, Run, bin};

const LC: &str = "lint-changelog";

/// A clean Keep a Changelog file with compare links.
const CLEAN: &str = "\
# Changelog

## [Unreleased]

## [1.1.0] - 2024-02-01

### Added

- Thing.

## [1.0.0] - 2024-01-01

### Fixed

- First.

[Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0
";

/// Four errors and a warning, each at a known token (line 8 holds a tab-indented list item).
const BROKEN: &str = "\
# Changelog

## [Unreleased]

### Added

- New thing.
\t- nested with a tab

## [1.1.0] - 2023-02-30

### Fixed

- Bug.

## [1.0.0] - 2023-01-01

### Fixd

- x

## [1.0.0] - 2022-01-01

### Added

### Added

- y

[Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0
";

/// What `lint-changelog` prints for [`BROKEN`] as `CHANGELOG.md`.
const BROKEN_OUT: &str = "\
CHANGELOG.md:10:22: error[changelog-date-invalid] invalid release date `2023-02-30`: February 2023 has 28 days
  help: did you mean 2023-02-28? write `## [1.1.0] - 2023-02-28`
CHANGELOG.md:18:5: error[changelog-change-type] `### Fixd` in [1.0.0] is not a change type
  help: did you mean `### Fixed`? (or list `Fixd` in `changelog.extra-types`)
CHANGELOG.md:22:5: error[changelog-duplicate-version] version 1.0.0 appears twice: first at line 16 (`[1.0.0] - 2023-01-01`)
  help: merge the two sections, or correct this version; release tools fail or publish the wrong notes on duplicates
CHANGELOG.md:24:5: warn[changelog-empty-section] `### Added` in [1.0.0] has no entries
  help: add entries below it or remove the heading
CHANGELOG.md:26:5: error[changelog-duplicate-change-type] `### Added` appears twice in [1.0.0] (first at line 24)
  help: merge its entries under the first `### Added` and remove this heading
lint-changelog: failed (4 errors, 1 warning)
";

/// Only a warning: no `[Unreleased]` section.
const WARN_ONLY: &str = "\
# Changelog

## [1.0.0] - 2023-01-01

### Fixed

- x

[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0
";

const WARN_OUT: &str = "\
CHANGELOG.md:3:1: warn[changelog-unreleased-missing] no [Unreleased] section
  help: add `## [Unreleased]` above `## [1.0.0] - 2023-01-01`; it may stay empty
";

const PASSED: &str = "lint-changelog: passed (0 errors, 0 warnings)\n";

/// A repository holding `CHANGELOG.md`.
fn repo_with(text: &str) -> Repo {
    let r = Repo::new();
    r.write("CHANGELOG.md", text);
    r
}

/// lint-changelog run from a directory inside the repository.
fn run_in(r: &Repo, dir: &str, args: &[&str]) -> Run {
    let mut cmd = r.command(bin(LC));
    cmd.current_dir(r.path().join(dir)).args(args);
    r.run(cmd, format!("(in {dir}) {LC} {}", args.join(" ")))
}

#[track_caller]
fn stdout_is(run: &Run, expected: &str) {
    assert_eq!(
        run.stdout, expected,
        "`{}` stdout differs\n--- stderr\n{}",
        run.what, run.stderr
    );
}

#[track_caller]
fn stderr_is(run: &Run, expected: &str) {
    assert_eq!(
        run.stderr, expected,
        "`{}` stderr differs\n--- stdout\n{}",
        run.what, run.stdout
    );
}

/// Runs with `--format json`: exactly one JSON object on one line, `ok` false exactly on exit 1.
#[track_caller]
fn json(r: &Repo, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = r.relgate(LC, &all);
    assert!(
        run.code == 0 || run.code == 1,
        "`{}` exited {}: {}",
        run.what,
        run.code,
        run.stderr
    );
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.ends_with('\n'));
    let v = run.json();
    assert!(v.is_object(), "{v}");
    assert_eq!(v["tool"], LC);
    assert_eq!(v["ok"], run.code == 0, "{}", run.stdout);
    (run.code, v)
}

/// `(rule, severity, line, column)` of each JSON diagnostic.
fn findings(v: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The `changelog-missing-release` findings of a `--release` run: `(line, column, message)`.
fn missing_release(r: &Repo, version: &str) -> (i32, Vec<(u64, u64, String)>) {
    let (code, v) = json(r, &["--release", version]);
    let found = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "changelog-missing-release")
        .map(|d| {
            assert_eq!(d["severity"], "error");
            assert_eq!(d["file"], "CHANGELOG.md");
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (code, found)
}

// ---------------------------------------------------------------------------------------------
// Exit status and [rules]

#[test]
fn a_clean_changelog_passes() {
    let r = repo_with(CLEAN);
    let run = r.relgate(LC, &[]);
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
    stderr_is(&run, "");
    // --deny-warnings changes nothing without warnings; -q drops the passing lines.
    r.relgate(LC, &["--deny-warnings"]).code(0);
    let quiet = r.relgate(LC, &["-q"]);
    quiet.code(0);
    stdout_is(&quiet, "");
}

#[test]
fn harmless_deviations_pass() {
    // `# Change Log`, a preamble, lower-case `[unreleased]`, unbracketed versions, a summary
    // paragraph, `*` bullets, nested lists, and headings inside a comment and a code fence.
    let r = repo_with(
        "# Change Log\n\nAll notable changes.\n\n## [unreleased]\n\n## 1.1.0 - 2024-02-01\n\n\
         A summary before the typed sections.\n\n### Added\n\n* Star.\n  * Nested.\n\n\
         <!--\n## Not a heading\n-->\n\n```\n## [9.9.9] - not a heading either\n```\n\n\
         ## 1.0.0 - 2024-01-01\n\n### Fixed\n\n- First.\n\n\
         [unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD\n",
    );
    let run = r.relgate(LC, &["--deny-warnings"]);
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
}

#[test]
fn level_one_releases_in_keep_a_changelogs_spelling_are_their_own_convention() {
    // pre-commit's CHANGELOG.md: setext level-1 `X - YYYY-MM-DD` releases with `### Fixes`
    // below, no title, no [Unreleased]. It never claims Keep a Changelog.
    let text = "\
1.1.0 - 2024-02-01
==================

### Fixes
- Thing.

1.0.0 - 2024-01-01
==================

### Features
- First.
";
    let r = repo_with(text);
    let run = r.relgate(LC, &["--deny-warnings"]);
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
    // Naming the format holds its releases to level 2.
    let r = repo_with(&format!(
        "The format is based on [Keep a Changelog](https://keepachangelog.com).\n\n{text}"
    ));
    let (code, v) = json(&r, &[]);
    assert_eq!(code, 1);
    let headings: Vec<(u64, u64)> = findings(&v)
        .into_iter()
        .filter(|f| f.0 == "changelog-heading" && f.1 == "error")
        .map(|f| (f.2, f.3))
        .collect();
    assert_eq!(headings, [(3, 1), (9, 1)], "{v}");
}

#[test]
fn another_tools_era_in_a_keep_a_changelog_file_is_judged_by_its_own_convention() {
    // clap's CHANGELOG.md: Keep a Changelog since 3.0, clog's `## v2.32.0 (2018-06-26)` before.
    let mut head = String::from(
        "# Changelog\n\nThe format is based on [Keep a Changelog](https://keepachangelog.com).\n\n\
         ## Unreleased\n\n",
    );
    for i in (0..6).rev() {
        head.push_str(&format!(
            "## 2.{i}.0 - 2024-01-0{}\n\n### Added\n\n- New.\n\n",
            i + 1
        ));
    }
    let era = "## v1.2.0 (2019-03-01)\n\n- c\n\n## v1.1.0 (2019-02-01)\n\n- b\n\n\
               ## v1.0.0 (2019-01-01)\n\n- a\n";
    let r = repo_with(&format!("{head}{era}"));
    let run = r.relgate(LC, &["--deny-warnings"]);
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
    // One heading in that spelling is no era: Keep a Changelog's grammar judges it.
    let r = repo_with(&format!("{head}## v1.0.0 (2019-01-01)\n\n- a\n"));
    let (code, v) = json(&r, &[]);
    assert_eq!(code, 1);
    let found: Vec<(String, u64, u64)> =
        findings(&v).into_iter().map(|f| (f.0, f.2, f.3)).collect();
    assert_eq!(
        found,
        [
            ("changelog-version-invalid".to_string(), 43, 4),
            ("changelog-heading".to_string(), 43, 11),
        ],
        "{v}"
    );
}

#[test]
fn an_error_fails_with_every_finding_at_its_token() {
    let r = repo_with(BROKEN);
    let run = r.relgate(LC, &[]);
    run.code(1);
    stdout_is(&run, BROKEN_OUT);
    stderr_is(&run, "");
}

#[test]
fn warnings_pass_unless_denied() {
    let r = repo_with(WARN_ONLY);
    let run = r.relgate(LC, &[]);
    run.code(0);
    stdout_is(
        &run,
        &format!("{WARN_OUT}lint-changelog: passed (0 errors, 1 warning)\n"),
    );
    let run = r.relgate(LC, &["--deny-warnings"]);
    run.code(1);
    stdout_is(
        &run,
        &format!("{WARN_OUT}lint-changelog: failed (0 errors, 1 warning)\n"),
    );
    let (code, v) = json(&r, &["--deny-warnings"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&v),
        [("changelog-unreleased-missing".into(), "warn".into(), 3, 1)]
    );
}

#[test]
fn rules_config_turns_rules_off_down_and_up() {
    let r = repo_with(WARN_ONLY);
    // Off: the warning is gone, even under --deny-warnings, and the file is reported ok.
    r.write(
        "relgate.toml",
        "[rules]\n\"changelog-unreleased-missing\" = \"off\"\n",
    );
    let run = r.relgate(LC, &["--deny-warnings"]);
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
    // Raised to error: the same file fails without --deny-warnings.
    r.write(
        "relgate.toml",
        "[rules]\n\"changelog-unreleased-missing\" = \"error\"\n",
    );
    let run = r.relgate(LC, &[]);
    run.code(1);
    stdout_is(
        &run,
        "CHANGELOG.md:3:1: error[changelog-unreleased-missing] no [Unreleased] section\n  \
         help: add `## [Unreleased]` above `## [1.0.0] - 2023-01-01`; it may stay empty\n\
         lint-changelog: failed (1 error, 0 warnings)\n",
    );

    // An error lowered to a warning passes, and fails again with --deny-warnings.
    let r = repo_with(&CLEAN.replace("2024-01-01", "2024-01-32"));
    r.relgate(LC, &[])
        .code(1)
        .stdout_has("CHANGELOG.md:11:22: error[changelog-date-invalid]");
    r.write(
        "relgate.toml",
        "[rules]\n\"changelog-date-invalid\" = \"warn\"\n",
    );
    r.relgate(LC, &[])
        .code(0)
        .stdout_has("CHANGELOG.md:11:22: warn[changelog-date-invalid]")
        .stdout_has("lint-changelog: passed (0 errors, 1 warning)");
    r.relgate(LC, &["--deny-warnings"]).code(1);
    r.write(
        "relgate.toml",
        "[rules]\n\"changelog-date-invalid\" = \"off\"\n",
    );
    let run = r.relgate(LC, &["--deny-warnings"]);
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
}

// ---------------------------------------------------------------------------------------------
// File discovery

#[test]
fn discovery_takes_the_first_usual_name_at_the_root() {
    let r = Repo::new();
    for name in ["CHANGELOG.md", "CHANGELOG", "CHANGES.md", "HISTORY.md"] {
        r.write(name, CLEAN);
    }
    // A broken changelog in the subdirectory is not looked at: discovery is at the root.
    r.write("sub/deep/CHANGELOG.md", BROKEN);
    for name in ["CHANGELOG.md", "CHANGELOG", "CHANGES.md", "HISTORY.md"] {
        let expected = format!("{name}: ok\n{PASSED}");
        let run = r.relgate(LC, &[]);
        run.code(0);
        stdout_is(&run, &expected);
        let run = run_in(&r, "sub/deep", &[]);
        run.code(0);
        stdout_is(&run, &expected);
        std::fs::remove_file(r.path().join(name)).unwrap();
    }
    // None left at the root.
    run_in(&r, "sub/deep", &[])
        .code(0)
        .stdout_has("note[changelog-not-found]");
}

/// lint-changelog finds the work-tree root without opening the repository; a linked worktree,
/// `GIT_DIR` with `GIT_WORK_TREE`, and a directory outside any repository each still resolve
/// to the right root.
#[test]
fn discovery_finds_the_root_of_a_linked_worktree_and_of_git_work_tree() {
    let r = Repo::new();
    r.commit_file("CHANGELOG.md", CLEAN, "clean changelog");
    r.write("sub/.keep", "");
    r.git(&["worktree", "add", "-q", "wt", "-b", "wt"]);
    // The linked worktree has its own (broken) changelog; the main one is clean.
    r.write("wt/CHANGELOG.md", BROKEN);
    r.write("wt/sub/.keep", "");
    run_in(&r, "wt/sub", &[]).code(1).stdout_has("error[");
    run_in(&r, "sub", &[]).code(0);
    // GIT_DIR and GIT_WORK_TREE as hooks set them: the root is GIT_WORK_TREE, not the
    // directory the binary starts in.
    let git_dir = r.path().join(".git");
    let mut cmd = r.command(bin(LC));
    cmd.current_dir(r.path().join("wt/sub"))
        .env("GIT_DIR", &git_dir)
        .env("GIT_WORK_TREE", r.path());
    let run = r.run(cmd, format!("GIT_WORK_TREE=. {LC}"));
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
}

/// maturin's `Changelog.md` and express' `History.md`: the usual names in other capitals are
/// found on every file system, from the work tree and from the index alike, after the exact
/// names.
#[test]
fn discovery_takes_the_usual_names_in_any_capitals() {
    let r = Repo::new();
    r.write("Changelog.md", BROKEN);
    let run = r.relgate(LC, &[]);
    run.code(1);
    stdout_is(&run, &BROKEN_OUT.replace("CHANGELOG.md:", "Changelog.md:"));
    r.git(&["add", "Changelog.md"]).code(0);
    r.relgate(LC, &["--staged"])
        .code(1)
        .stdout_has("Changelog.md:");
    // check-release-ready reads the same file.
    r.relgate("check-release-ready", &[])
        .stdout_has("changelog-lint     Changelog.md:");
    // An exact name comes first, whatever else is there; a directory is no changelog.
    r.write("History.md", CLEAN);
    r.relgate(LC, &[]).code(1).stdout_has("Changelog.md:");
    std::fs::remove_file(r.path().join("Changelog.md")).unwrap();
    r.git(&["rm", "-q", "--cached", "Changelog.md"]).code(0);
    stdout_is(&r.relgate(LC, &[]), &format!("History.md: ok\n{PASSED}"));
    r.write("HISTORY.md", BROKEN);
    r.relgate(LC, &[]).code(1).stdout_has("HISTORY.md:");
    std::fs::remove_file(r.path().join("HISTORY.md")).unwrap();
    std::fs::remove_file(r.path().join("History.md")).unwrap();
    r.write("changelog/fragment.md", "- x\n");
    r.relgate(LC, &[])
        .code(0)
        .stdout_has("note[changelog-not-found]");
}

/// A towncrier project keeps its news where `filename` says: a Markdown one is linted, from the
/// work tree and the index; towncrier's default, NEWS.rst, is named as unread.
#[test]
fn discovery_takes_the_news_file_towncrier_writes() {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\n[tool.towncrier]\nfilename = \"NEWS.md\"\n",
    );
    r.write("NEWS.md", BROKEN);
    let run = r.relgate(LC, &[]);
    run.code(1);
    stdout_is(&run, &BROKEN_OUT.replace("CHANGELOG.md:", "NEWS.md:"));
    r.git(&["add", "."]).code(0);
    r.relgate(LC, &["--staged"]).code(1).stdout_has("NEWS.md:");
    // Not written yet: nothing to lint.
    std::fs::remove_file(r.path().join("NEWS.md")).unwrap();
    r.git(&["rm", "-q", "--cached", "NEWS.md"]).code(0);
    r.relgate(LC, &[])
        .code(0)
        .stdout_has("note[changelog-not-found]");
    // towncrier's default news file is reStructuredText.
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\n[tool.towncrier]\n",
    );
    r.write("NEWS.rst", "Release 1.0.0\n=============\n");
    r.relgate(LC, &[])
        .code(2)
        .stderr_has("NEWS.rst is reStructuredText");
}

#[test]
fn discovery_reports_findings_with_the_found_name() {
    let r = Repo::new();
    r.write("HISTORY.md", BROKEN);
    let run = run_in(&r, "", &[]);
    run.code(1);
    stdout_is(&run, &BROKEN_OUT.replace("CHANGELOG.md:", "HISTORY.md:"));
}

#[test]
fn configured_path_wins_and_is_shown_as_configured() {
    let r = repo_with(CLEAN);
    r.write(
        "docs/changes.md",
        &CLEAN.replace("2024-01-01", "2023-13-01"),
    );
    r.write("relgate.toml", "[changelog]\npath = \"docs/changes.md\"\n");
    std::fs::create_dir_all(r.path().join("sub")).unwrap();
    for dir in ["", "sub"] {
        let run = run_in(&r, dir, &["-q"]);
        run.code(1);
        stdout_is(
            &run,
            "docs/changes.md:11:19: error[changelog-date-invalid] invalid release date `2023-13-01`: there is no month 13\n  \
             help: did you mean 2023-01-13? write `## [1.0.0] - 2023-01-13`\n",
        );
    }
}

#[test]
fn a_configured_path_that_is_missing_or_outside_is_exit_2() {
    let r = repo_with(CLEAN);
    r.write("relgate.toml", "[changelog]\npath = \"docs/nope.md\"\n");
    let run = r.relgate(LC, &[]);
    run.code(2);
    stdout_is(&run, "");
    stderr_is(
        &run,
        "lint-changelog: error: changelog.path `docs/nope.md` does not exist; expected a file relative to the work-tree root\n",
    );
    r.write("outside.md", CLEAN);
    r.write("sub/relgate.toml", "");
    r.write("relgate.toml", "[changelog]\npath = \"../outside.md\"\n");
    let run = r.relgate(LC, &[]);
    run.code(2);
    stdout_is(&run, "");
    stderr_is(
        &run,
        "lint-changelog: error: configured path `../outside.md` leaves the repository; expected a path relative to the work-tree root\n",
    );
    r.write("relgate.toml", "[changelog]\npath = \"/etc/passwd\"\n");
    r.relgate(LC, &[])
        .code(2)
        .stderr_has("`/etc/passwd` leaves the repository");
}

#[test]
fn an_explicit_file_beats_config_and_discovery() {
    let r = repo_with(BROKEN);
    r.write("relgate.toml", "[changelog]\npath = \"CHANGELOG.md\"\n");
    r.write("docs/other.md", CLEAN);
    let run = r.relgate(LC, &["docs/other.md"]);
    run.code(0);
    stdout_is(&run, &format!("docs/other.md: ok\n{PASSED}"));
    // Relative to the current directory, like any command-line path.
    let run = run_in(&r, "docs", &["other.md"]);
    run.code(0);
    stdout_is(&run, &format!("other.md: ok\n{PASSED}"));
    let run = run_in(&r, "docs", &["../CHANGELOG.md"]);
    run.code(1);
    stdout_is(
        &run,
        &BROKEN_OUT.replace("CHANGELOG.md:", "../CHANGELOG.md:"),
    );
    // And with -C.
    r.relgate(LC, &["-C", "docs", "other.md"])
        .code(0)
        .stdout_has("other.md: ok");
    let run = r.relgate(LC, &["nothere.md"]);
    run.code(2);
    stdout_is(&run, "");
    run.stderr_has("lint-changelog: error: cannot read nothere.md\n");
    // A second FILE is a usage error.
    r.relgate(LC, &["docs/other.md", "CHANGELOG.md"]).code(2);
}

#[test]
fn no_changelog_is_a_note_but_release_and_notes_need_one() {
    let r = Repo::new();
    let run = r.relgate(LC, &[]);
    run.code(0);
    stdout_is(
        &run,
        &format!(
            "changelog-not-found: note[changelog-not-found] no changelog to lint (looked for CHANGELOG.md, CHANGELOG, CHANGES.md, HISTORY.md)\n{PASSED}"
        ),
    );
    r.relgate(LC, &["--deny-warnings"]).code(0);
    let (code, v) = json(&r, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["diagnostics"][0]["rule"], "changelog-not-found");
    assert_eq!(v["diagnostics"][0]["severity"], "note");
    let expected = "lint-changelog: error: no changelog found at the work-tree root (looked for CHANGELOG.md, CHANGELOG, CHANGES.md, HISTORY.md); pass FILE or set changelog.path\n";
    for args in [["--release", "1.0.0"], ["--notes", "1.0.0"]] {
        let run = r.relgate(LC, &args);
        run.code(2);
        stdout_is(&run, "");
        stderr_is(&run, expected);
    }
    // A usual name in lower case is found, on every file system alike.
    r.write("changelog.md", CLEAN);
    stdout_is(&r.relgate(LC, &[]), &format!("changelog.md: ok\n{PASSED}"));
}

#[test]
fn a_restructuredtext_changelog_is_named_never_passed_over() {
    // click's CHANGES.rst: relgate reads Markdown, so it cannot lint this one, and says so.
    let r = Repo::new();
    r.write(
        "CHANGES.rst",
        "Version 8.1.3\n-------------\n\nReleased 2022-04-28\n",
    );
    let run = r.relgate(LC, &[]);
    run.code(2);
    stdout_is(&run, "");
    stderr_is(
        &run,
        "lint-changelog: error: CHANGES.rst is reStructuredText, which relgate does not read \
         (it reads Markdown: CHANGELOG.md, CHANGELOG, CHANGES.md, HISTORY.md); pass FILE or set \
         changelog.path to lint a Markdown changelog\n",
    );
    r.relgate(LC, &["--release", "8.1.3"]).code(2);
    // A Markdown changelog beside it is the one linted; so is one named.
    r.write("docs/changes.md", CLEAN);
    r.relgate(LC, &["docs/changes.md"]).code(0);
    r.write("CHANGELOG.md", CLEAN);
    r.relgate(LC, &[]).code(0).stdout_has("CHANGELOG.md: ok");
}

// ---------------------------------------------------------------------------------------------
// Positions, line endings, encodings

#[test]
fn positions_point_at_the_offending_token() {
    // Columns count characters: the en dash on line 5 is one column (three bytes). The day of
    // an impossible date, the month of month 13, and the second of two duplicates.
    let r = repo_with(
        "# Changelog\n\n## Unreleased\n\n## 1.2.0 \u{2013} 2023-02-30\n\n- a\n\n\
         ## 1.1.0 - 2023-13-01\n\n- b\n\n## 1.0.0 - 2022-01-01\n\n- c\n\n\
         ## 1.0.0 - 2021-01-01\n\n- d\n",
    );
    let run = r.relgate(LC, &["-q"]);
    run.code(1);
    stdout_is(
        &run,
        "CHANGELOG.md:5:10: error[changelog-heading] release heading `1.2.0 \u{2013} 2023-02-30` does not match `[X] - YYYY-MM-DD`: the version and the date are separated by a long dash, not ` - `
  help: write `## 1.2.0 - 2023-02-28`
CHANGELOG.md:5:20: error[changelog-date-invalid] invalid release date `2023-02-30`: February 2023 has 28 days
  help: did you mean 2023-02-28? write `## 1.2.0 - 2023-02-28`
CHANGELOG.md:9:17: error[changelog-date-invalid] invalid release date `2023-13-01`: there is no month 13
  help: did you mean 2023-01-13? write `## 1.1.0 - 2023-01-13`
CHANGELOG.md:17:4: error[changelog-duplicate-version] version 1.0.0 appears twice: first at line 13 (`1.0.0 - 2022-01-01`)
  help: merge the two sections, or correct this version; release tools fail or publish the wrong notes on duplicates
",
    );
}

/// Runs lint-changelog over each variant written as CHANGELOG.md; returns human and JSON output.
fn outputs(r: &Repo, bytes: &[u8]) -> (i32, String, String) {
    std::fs::write(r.path().join("CHANGELOG.md"), bytes).unwrap();
    let human = r.relgate(LC, &[]);
    let js = r.relgate(LC, &["--format", "json"]);
    assert_eq!(human.code, js.code);
    (human.code, human.stdout, js.stdout)
}

#[test]
fn crlf_bom_tabs_and_mixed_endings_change_nothing() {
    let r = Repo::new();
    let lf = outputs(&r, BROKEN.as_bytes());
    assert_eq!(lf.0, 1);
    assert_eq!(lf.1, BROKEN_OUT);
    let crlf = BROKEN.replace('\n', "\r\n");
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(BROKEN.as_bytes());
    let mut bom_crlf = b"\xef\xbb\xbf".to_vec();
    bom_crlf.extend_from_slice(crlf.as_bytes());
    let mixed: String = BROKEN
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i % 2 == 0 {
                l.replace('\n', "\r\n")
            } else {
                l.to_string()
            }
        })
        .collect();
    let lone_cr = BROKEN.replace('\n', "\r");
    // One tab for one space: character columns stay the same.
    let tabs = BROKEN
        .replace("## [1.1.0] - 2023", "##\t[1.1.0]\t-\t2023")
        .replace("### Fixd", "###\tFixd");
    assert_ne!(tabs, BROKEN);
    for (name, bytes) in [
        ("CRLF", crlf.as_bytes()),
        ("BOM", &bom[..]),
        ("BOM+CRLF", &bom_crlf[..]),
        ("mixed", mixed.as_bytes()),
        ("lone CR", lone_cr.as_bytes()),
        ("tabs", tabs.as_bytes()),
    ] {
        assert_eq!(outputs(&r, bytes), lf, "{name} differs from LF");
    }
}

#[test]
fn a_non_utf8_file_is_exit_2_naming_the_file_and_offset() {
    let r = repo_with("# Changelog\n\n## [Unreleased]\n\n- caf\u{e9}\n");
    let mut bytes = b"# Changelog\n\n## [Unreleased]\n\n- caf\xe9\n".to_vec();
    std::fs::write(r.path().join("CHANGELOG.md"), &bytes).unwrap();
    let expected = "lint-changelog: error: CHANGELOG.md: not UTF-8: invalid byte 0xe9 at byte offset 35 (line 5); expected a UTF-8 text file\n";
    for args in [&[][..], &["--release", "1.0.0"], &["--notes", "unreleased"]] {
        let run = r.relgate(LC, args);
        run.code(2);
        stdout_is(&run, "");
        stderr_is(&run, expected);
    }
    // The offset counts the BOM; an explicit FILE is named as given.
    bytes.splice(0..0, *b"\xef\xbb\xbf");
    r.write("docs/x.md", "");
    std::fs::write(r.path().join("docs/x.md"), &bytes).unwrap();
    let run = r.relgate(LC, &["docs/x.md"]);
    run.code(2);
    stderr_is(
        &run,
        "lint-changelog: error: docs/x.md: not UTF-8: invalid byte 0xe9 at byte offset 38 (line 5); expected a UTF-8 text file\n",
    );
}

// ---------------------------------------------------------------------------------------------
// --release

/// Unbracketed headings (no link definitions needed) below an empty Unreleased.
fn releases(sections: &str) -> String {
    format!("# Changelog\n\n## Unreleased\n\n{sections}")
}

const OLD: &str = "## 1.0.0 - 2024-01-01\n\n### Added\n\n- First.\n";

#[test]
fn release_passes_for_the_newest_dated_release_with_notes() {
    let r = repo_with(CLEAN);
    for v in ["1.1.0", "v1.1.0"] {
        let run = r.relgate(LC, &["--release", v]);
        run.code(0);
        stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
    }
    assert_eq!(missing_release(&r, "1.1.0"), (0, vec![]));
}

#[test]
fn release_fails_when_the_version_is_missing() {
    let r = repo_with(CLEAN);
    let run = r.relgate(LC, &["--release", "1.2.0"]);
    run.code(1);
    stdout_is(
        &run,
        "CHANGELOG.md:3:1: error[changelog-missing-release] no changelog section for release 1.2.0\n  \
         help: add `## [1.2.0] - YYYY-MM-DD` with the release notes above the older releases\n\
         lint-changelog: failed (1 error, 0 warnings)\n",
    );
    // With pending notes in [Unreleased], the help says to rename it.
    let r = repo_with(&releases(&format!("- Pending.\n\n{OLD}")));
    r.relgate(LC, &[]).code(0);
    let run = r.relgate(LC, &["--release", "v1.1.0", "-q"]);
    run.code(1);
    stdout_is(
        &run,
        "CHANGELOG.md:3:4: error[changelog-missing-release] no changelog section for release 1.1.0\n  \
         help: rename `## Unreleased` to `## [1.1.0] - YYYY-MM-DD` and add a new empty `## Unreleased` above it\n",
    );
}

#[test]
fn release_fails_when_undated() {
    let r = repo_with(&releases(&format!("## 1.1.0\n\n- New.\n\n{OLD}")));
    let (code, found) = missing_release(&r, "1.1.0");
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [(
            5,
            4,
            "release 1.1.0 is not ready: its section has no valid release date".into()
        )]
    );
    // Same for a date that is no day.
    let r = repo_with(&releases(&format!(
        "## 1.1.0 - 2024-02-30\n\n- New.\n\n{OLD}"
    )));
    let (code, found) = missing_release(&r, "1.1.0");
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [(
            5,
            12,
            "release 1.1.0 is not ready: its section has no valid release date".into()
        )]
    );
}

/// A file whose releases never carry a date (`# v0.26.1` throughout) has a dateless
/// convention: its release needs a section with notes, not a date. Helps write the heading the
/// way the file does.
#[test]
fn release_in_a_dateless_file_needs_no_date() {
    let r = repo_with("# unreleased\n\n- Pending.\n\n# v1.1.0\n\n- New.\n\n# v1.0.0\n\n- First.\n");
    r.relgate(LC, &[]).code(0);
    assert_eq!(missing_release(&r, "1.1.0"), (0, vec![]));
    let run = r.relgate(LC, &["--release", "1.2.0", "-q"]);
    run.code(1);
    stdout_is(
        &run,
        "CHANGELOG.md:1:3: error[changelog-missing-release] no changelog section for release 1.2.0\n  \
         help: rename `# unreleased` to `# v1.2.0` and add a new empty `# unreleased` above it\n",
    );
    // A file that dates its releases in its own form: the help dates it that way.
    let r = repo_with(
        "# Changelog\n\n## 1.1.0\n\n- New.\n\n## 1.0.0 (2024-01-01)\n\n- First.\n\n## 0.9.0 (2023-01-01)\n\n- Zero.\n",
    );
    let run = r.relgate(LC, &["--release", "1.1.0", "-q"]);
    run.code(1);
    run.stdout_has("release 1.1.0 is not ready: its section has no valid release date");
    run.stdout_has("help: date it: `## 1.1.0 (YYYY-MM-DD)`");
}

#[test]
fn release_fails_when_yanked() {
    let r = repo_with(&releases(&format!(
        "## 1.1.0 - 2024-02-01 [YANKED]\n\n- New.\n\n{OLD}"
    )));
    r.relgate(LC, &[]).code(0);
    let (code, found) = missing_release(&r, "1.1.0");
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [(
            5,
            23,
            "release 1.1.0 is not ready: its section is marked [YANKED]".into()
        )]
    );
}

#[test]
fn release_fails_when_not_the_newest() {
    let r = repo_with(CLEAN);
    r.relgate(LC, &[]).code(0);
    let run = r.relgate(LC, &["--release", "1.0.0", "-q"]);
    run.code(1);
    stdout_is(
        &run,
        "CHANGELOG.md:11:5: error[changelog-missing-release] release 1.0.0 is not ready: it is not the newest release: [1.1.0] (line 5) is above it\n  \
         help: move this section to the top, below [Unreleased]\n",
    );
}

#[test]
fn release_fails_without_notes() {
    let r = repo_with(&releases(&format!("## 1.1.0 - 2024-02-01\n\n{OLD}")));
    // Without --release an empty release is only a warning.
    r.relgate(LC, &[])
        .code(0)
        .stdout_has("CHANGELOG.md:5:4: warn[changelog-empty-release]");
    let (code, found) = missing_release(&r, "1.1.0");
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [(
            5,
            4,
            "release 1.1.0 is not ready: its section has no release notes".into()
        )]
    );
}

#[test]
fn release_strips_the_configured_tag_prefix() {
    let r = repo_with(&releases(&format!(
        "## 1.1.0 - 2024-02-01\n\n- New.\n\n{OLD}"
    )));
    r.relgate(LC, &["--release", "release-1.1.0"])
        .code(1)
        .stdout_has("no changelog section for release release-1.1.0");
    r.write("relgate.toml", "[tags]\nprefix = \"release-\"\n");
    for v in ["release-1.1.0", "1.1.0", "v1.1.0"] {
        let run = r.relgate(LC, &["--release", v]);
        run.code(0);
        stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
    }
}

// ---------------------------------------------------------------------------------------------
// --notes

/// A release body with a summary, nested lists, a code fence holding a heading-like line, `*`
/// bullets and trailing spaces.
const NOTES_BODY: &str = "\
Summary paragraph.

### Added

- Thing.
  - Nested **bold**.
    1. deeper

```rust
## not a heading
fn main() {}
```

### Fixed

* Star bullet.   
";

fn notes_changelog() -> String {
    format!(
        "# Changelog\n\n## [Unreleased]\n\n- Pending *work*.\n\n## [1.1.0] - 2024-02-01\n\n\
         {NOTES_BODY}\n## [1.0.0] - 2024-01-01\n\n- First.\n\n\
         [Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD\n\
         [1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\n\
         [1.0.0]: https://github.com/o/r/releases/tag/v1.0.0\n"
    )
}

#[test]
fn notes_prints_the_body_byte_for_byte() {
    let r = repo_with(&notes_changelog());
    r.relgate(LC, &["--deny-warnings"]).code(0);
    for v in ["1.1.0", "v1.1.0"] {
        let run = r.relgate(LC, &["--notes", v]);
        run.code(0);
        stdout_is(&run, NOTES_BODY);
        stderr_is(&run, "");
    }
    // The oldest release stops before the link definitions.
    let run = r.relgate(LC, &["--notes", "1.0.0"]);
    run.code(0);
    stdout_is(&run, "- First.\n");
    for v in ["unreleased", "Unreleased"] {
        let run = r.relgate(LC, &["--notes", v]);
        run.code(0);
        stdout_is(&run, "- Pending *work*.\n");
    }
}

#[test]
fn notes_keeps_crlf_bytes() {
    let r = Repo::new();
    let crlf = notes_changelog().replace('\n', "\r\n");
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(crlf.as_bytes());
    for file in [crlf.as_bytes(), &bytes[..]] {
        std::fs::write(r.path().join("CHANGELOG.md"), file).unwrap();
        let run = r.relgate(LC, &["--notes", "1.1.0"]);
        run.code(0);
        stdout_is(&run, &NOTES_BODY.replace('\n', "\r\n"));
        let run = r.relgate(LC, &["--notes", "1.0.0"]);
        run.code(0);
        stdout_is(&run, "- First.\r\n");
    }
}

#[test]
fn notes_without_such_a_section_is_exit_1() {
    let r = repo_with(&notes_changelog());
    let run = r.relgate(LC, &["--notes", "2.0.0"]);
    run.code(1);
    stdout_is(
        &run,
        "CHANGELOG.md: error[changelog-missing-release] CHANGELOG.md has no section for 2.0.0; \
         the nearest version it has is 1.1.0 (line 7)\n\
         lint-changelog: failed (1 error, 0 warnings)\n",
    );
    let run = r.relgate(LC, &["--notes", "1.0.5"]);
    run.code(1);
    run.stdout_has("has no section for 1.0.5; the nearest versions it has are 1.0.0 (line 26) and 1.1.0 (line 7)");
    // An empty section is told apart from a missing one, at its line.
    let r = repo_with(CLEAN);
    let run = r.relgate(LC, &["--notes", "unreleased"]);
    run.code(1);
    stdout_is(
        &run,
        "CHANGELOG.md:3:5: error[changelog-missing-release] the section for unreleased (line 3) is empty: there are no release notes to publish\n\
         \x20 help: write the release notes in that section\n\
         lint-changelog: failed (1 error, 0 warnings)\n",
    );
}

#[test]
fn notes_in_json_is_one_object() {
    let r = repo_with(&notes_changelog());
    let (code, v) = json(&r, &["--notes", "1.1.0"]);
    assert_eq!(code, 0);
    assert_eq!(v["output"], NOTES_BODY);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    let (code, v) = json(&r, &["--notes", "2.0.0"]);
    assert_eq!(code, 1);
    assert!(v.get("output").is_none(), "{v}");
    assert_eq!(v["diagnostics"][0]["rule"], "changelog-missing-release");
    assert_eq!(v["diagnostics"][0]["file"], "CHANGELOG.md");
}

/// Notes whose text would drive a GitHub Actions runner if printed raw: workflow commands (with
/// leading whitespace, after a lone CR, the older `##[` syntax) and terminal escapes.
const HOSTILE_NOTES: &str = "- Fixed the parser.\n::error file=a.rs,line=1::injected\n  \
                             ::add-mask::secret\n::stop-commands::token\n- ##[set-output name=x;]y\n\
                             \x1b[31mred\x1b[0m and \u{9b}2J\n- a lone CR\r::warning::after it\n";

fn hostile_notes_changelog() -> String {
    format!(
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2024-01-01\n\n{HOSTILE_NOTES}\n\
         [Unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD\n\
         [1.0.0]: https://github.com/o/r/releases/tag/v1.0.0\n"
    )
}

/// The lines of an output the Actions runner would run as workflow commands.
fn workflow_commands(out: &str) -> Vec<&str> {
    out.split(['\n', '\r'])
        .filter(|l| l.trim_start().starts_with("::") || l.contains("##["))
        .collect()
}

#[test]
fn notes_under_github_format_are_data_for_the_log() {
    let r = repo_with(&hostile_notes_changelog());
    assert_eq!(workflow_commands(HOSTILE_NOTES).len(), 5);
    let expected = "- Fixed the parser.\n\\::error file=a.rs,line=1::injected\n  \
                    \\::add-mask::secret\n\\::stop-commands::token\n- #\\#[set-output name=x;]y\n\
                    \\u{1b}[31mred\\u{1b}[0m and \\u{9b}2J\n- a lone CR\r\\::warning::after it\n";
    for (args, env) in [
        (&["--notes", "1.0.0", "--format", "github"][..], &[][..]),
        (&["--notes", "1.0.0"][..], &[("GITHUB_ACTIONS", "true")][..]),
    ] {
        let run = r.relgate_env(LC, args, env);
        run.code(0);
        stdout_is(&run, expected);
        assert_eq!(workflow_commands(&run.stdout), Vec::<&str>::new());
        assert!(!run.stdout.contains(['\x1b', '\u{9b}']), "{}", run.stdout);
    }
    // Elsewhere the notes are the file's bytes: human format (also under Actions, asked for),
    // and JSON, where they are a string.
    for (args, env) in [
        (&["--notes", "1.0.0"][..], &[][..]),
        (
            &["--notes", "1.0.0", "--format", "human"][..],
            &[("GITHUB_ACTIONS", "true")][..],
        ),
    ] {
        let run = r.relgate_env(LC, args, env);
        run.code(0);
        stdout_is(&run, HOSTILE_NOTES);
    }
    let (code, v) = json(&r, &["--notes", "1.0.0"]);
    assert_eq!(code, 0);
    assert_eq!(v["output"], HOSTILE_NOTES);
}

#[test]
fn notes_help_says_how_to_publish_them_from_a_workflow() {
    let r = Repo::new();
    let run = r.relgate(LC, &["--help"]);
    run.code(0)
        .stdout_has("Under --format github (the")
        .stdout_has("`lint-changelog --notes X --format human > notes.md`")
        .stdout_has("--notes-file notes.md");
}

// ---------------------------------------------------------------------------------------------
// Reading the file: a regular file under the size cap, nothing that can block

/// lint-changelog under a watchdog: a run that blocks fails the test instead of hanging it.
fn bounded_run(r: &Repo, args: &[&str]) -> Run {
    let mut cmd = r.command(bin(LC));
    cmd.args(args);
    crate::hostile::bounded(
        cmd,
        None,
        crate::hostile::WATCHDOG,
        format!("{LC} {}", args.join(" ")),
    )
    .run
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_is_refused_without_blocking_wherever_the_changelog_comes_from() {
    let r = Repo::new();
    mkfifo(&r.path().join("CHANGELOG.md"));
    let fifo = "lint-changelog: error: CHANGELOG.md is a named pipe (FIFO), not a regular file; \
                a changelog is read only from a regular file\n";
    // Found by name (it used to be passed over: "no changelog", exit 0), or named.
    for args in [
        &[][..],
        &["CHANGELOG.md"][..],
        &["--notes", "unreleased"][..],
    ] {
        let run = bounded_run(&r, args);
        run.code(2);
        stderr_is(&run, fifo);
    }
    // check-release-ready reads it the same way.
    r.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\nversion = \"1.0.0\"\n",
    );
    r.commit("initial");
    let mut cmd = r.command(bin("check-release-ready"));
    cmd.arg("--release").arg("1.0.0");
    let what = "check-release-ready --release 1.0.0".to_string();
    let run = crate::hostile::bounded(cmd, None, crate::hostile::WATCHDOG, what).run;
    run.code(2);
    stderr_is(
        &run,
        &fifo.replace("lint-changelog:", "check-release-ready:"),
    );
    // Configured: named as configured, not "does not exist".
    mkfifo(&r.path().join("NEWS.md"));
    r.write("relgate.toml", "[changelog]\npath = \"NEWS.md\"\n");
    let run = bounded_run(&r, &[]);
    run.code(2);
    stderr_is(&run, &fifo.replace("CHANGELOG.md", "NEWS.md"));
}

#[test]
fn a_device_or_a_directory_is_refused_naming_the_path() {
    let r = Repo::new();
    let run = bounded_run(&r, &["/dev/null"]);
    run.code(2);
    stderr_is(
        &run,
        "lint-changelog: error: /dev/null is a device, not a regular file; \
         a changelog is read only from a regular file\n",
    );
    std::fs::create_dir(r.path().join("docs")).unwrap();
    let run = bounded_run(&r, &["docs"]);
    run.code(2);
    run.stderr_has("docs is a directory, not a regular file");
    // A directory of a usual name (`CHANGELOG/` of fragments) is no changelog: the next name is.
    std::fs::create_dir(r.path().join("CHANGELOG")).unwrap();
    r.write("CHANGES.md", CLEAN);
    let run = bounded_run(&r, &[]);
    run.code(0);
    stdout_is(&run, &format!("CHANGES.md: ok\n{PASSED}"));
}

#[test]
fn a_changelog_over_64_mib_is_refused_unread() {
    let r = repo_with(CLEAN);
    // Sparse: refused by its size before a byte is read.
    let file = std::fs::File::create(r.path().join("CHANGELOG.md")).unwrap();
    file.set_len(64 * 1024 * 1024 + 1).unwrap();
    let expected = "lint-changelog: error: CHANGELOG.md is 67108865 bytes; a changelog is read \
                    only up to 64 MiB (67108864 bytes)\n";
    for args in [&[][..], &["CHANGELOG.md"][..], &["--release", "1.0.0"][..]] {
        let run = bounded_run(&r, args);
        run.code(2);
        stderr_is(&run, expected);
    }
}

// ---------------------------------------------------------------------------------------------
// --explain, --help

#[test]
fn explain_prints_the_rule() {
    let r = Repo::new();
    let run = r.relgate(LC, &["--explain", "changelog-date-invalid"]);
    run.code(0);
    assert!(
        run.stdout.starts_with(
            "changelog-date-invalid (error, lint-changelog)\n\n\
             The date is not `YYYY-MM-DD` (Keep a Changelog), or there is no such day \
             (`2023-02-30`, `February 30th, 2024`).\n\nWhy: "
        ),
        "{}",
        run.stdout
    );
    run.stdout_has("Fails:\n    ## [1.2.0] - 2023-02-30\n")
        .stdout_has("Passes:\n    ## [1.2.0] - 2023-02-28\n")
        .stdout_has("\nFix: ")
        .stdout_has("\nApplies to: every dialect; the `YYYY-MM-DD` spelling only in Keep a Changelog files.\n");
    stderr_is(&run, "");
    r.relgate(LC, &["--explain", "changelog-link-missing"])
        .code(0)
        .stdout_has("Applies to: Keep a Changelog files");
    // The dialects themselves, and which rules apply to which.
    let run = r.relgate(LC, &["--explain", "dialects"]);
    run.code(0);
    for part in [
        "Dialects. A changelog is linted against its own convention.",
        "commitizen (`## v1.2.0 (2024-01-31)`)",
        "`## 0.11.x`",
        "changelog-change-type",
        "Every other rule applies to every dialect",
    ] {
        run.stdout_has(part);
    }
    // Every rule the binary reports can be explained, its own note included.
    for rule in ["changelog-missing-release", "changelog-not-found"] {
        let run = r.relgate(LC, &["--explain", rule]);
        run.code(0);
        assert!(
            run.stdout.starts_with(&format!("{rule} (")),
            "{}",
            run.stdout
        );
    }
    // It needs no changelog and reads none.
    std::fs::write(r.path().join("CHANGELOG.md"), b"\xff").unwrap();
    r.relgate(LC, &["--explain", "changelog-title"]).code(0);
}

#[test]
fn explain_an_unknown_rule_is_exit_2_with_the_nearest() {
    let r = Repo::new();
    let run = r.relgate(LC, &["--explain", "changelog-date-invalide"]);
    run.code(2);
    stdout_is(&run, "");
    run.stderr_has(
        "lint-changelog: error: unknown rule `changelog-date-invalide` for --explain (did you mean `changelog-date-invalid`?); lint-changelog's rules: changelog-title, ",
    );
    r.relgate(LC, &["--explain", "changelog-titel"])
        .code(2)
        .stderr_has("(did you mean `changelog-title`?)");
    r.relgate(LC, &["--explain"]).code(2);
}

#[test]
fn help_lists_the_options() {
    let r = Repo::new();
    let run = r.relgate(LC, &["--help"]);
    run.code(0);
    assert!(
        run.stdout
            .starts_with("lint-changelog: a Keep a Changelog linter"),
        "{}",
        run.stdout
    );
    for option in [
        "Usage: lint-changelog [OPTIONS] [FILE]",
        "--release <VERSION>",
        "--notes <VERSION|unreleased>",
        "--explain <RULE>",
        "-C <DIR>",
        "--config <FILE>",
        "--format <FORMAT>",
        "--deny-warnings",
        "--hook <NAME>",
        "-q, --quiet",
    ] {
        run.stdout_has(option);
    }
    r.relgate(LC, &["-h"]).code(0).stdout_has("--notes");
    let run = r.relgate(LC, &["--bogus"]);
    run.code(2);
    stdout_is(&run, "");
    run.stderr_has("see `lint-changelog --help`");
}

// ---------------------------------------------------------------------------------------------
// Output formats

#[test]
fn json_is_one_object_with_positions() {
    let r = repo_with(BROKEN);
    let (code, v) = json(&r, &[]);
    assert_eq!(code, 1);
    assert_eq!(v["ok"], false);
    assert_eq!(
        findings(&v),
        [
            ("changelog-date-invalid".into(), "error".into(), 10, 22),
            ("changelog-change-type".into(), "error".into(), 18, 5),
            ("changelog-duplicate-version".into(), "error".into(), 22, 5),
            ("changelog-empty-section".into(), "warn".into(), 24, 5),
            (
                "changelog-duplicate-change-type".into(),
                "error".into(),
                26,
                5
            ),
        ]
    );
    let d = &v["diagnostics"][0];
    assert_eq!(d["file"], "CHANGELOG.md");
    assert_eq!(
        d["message"],
        "invalid release date `2023-02-30`: February 2023 has 28 days"
    );
    assert_eq!(
        d["help"],
        "did you mean 2023-02-28? write `## [1.1.0] - 2023-02-28`"
    );
    // ok is true when the run passes, warnings or not.
    let r = repo_with(WARN_ONLY);
    let (code, v) = json(&r, &[]);
    assert_eq!((code, &v["ok"]), (0, &serde_json::json!(true)));
    assert_eq!(v["diagnostics"][0]["severity"], "warn");
    let (code, v) = json(&r, &["--deny-warnings"]);
    assert_eq!((code, &v["ok"]), (1, &serde_json::json!(false)));
    let r = repo_with(CLEAN);
    let (code, v) = json(&r, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
}

#[test]
fn github_prints_annotations() {
    let r = repo_with(BROKEN);
    let run = r.relgate(LC, &["--format", "github"]);
    run.code(1);
    // The human lines, then one workflow command per finding.
    assert!(run.stdout.starts_with(BROKEN_OUT), "{}", run.stdout);
    let annotations: Vec<&str> = run.stdout[BROKEN_OUT.len()..].lines().collect();
    assert_eq!(annotations.len(), 5, "{}", run.stdout);
    assert_eq!(
        annotations[0],
        "::error file=CHANGELOG.md,line=10,col=22,title=changelog-date-invalid::invalid release date `2023-02-30`: February 2023 has 28 days%0Ahelp: did you mean 2023-02-28? write `## [1.1.0] - 2023-02-28`"
    );
    assert!(
        annotations[3].starts_with(
            "::warning file=CHANGELOG.md,line=24,col=5,title=changelog-empty-section::"
        ),
        "{}",
        annotations[3]
    );
    // The default under GitHub Actions.
    let run = r.relgate_env(LC, &[], &[("GITHUB_ACTIONS", "true")]);
    run.code(1);
    run.stdout_has(annotations[0]);
    // A passing run annotates nothing.
    let r = repo_with(CLEAN);
    let run = r.relgate(LC, &["--format", "github"]);
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
}

// ---------------------------------------------------------------------------------------------
// Hooks

#[test]
fn as_a_pre_commit_hook_it_is_quiet_on_success() {
    let r = repo_with(CLEAN);
    let run = r.relgate_stdin(LC, &["--hook", "pre-commit"], b"", &[]);
    run.code(0);
    stdout_is(&run, "");
    stderr_is(&run, "");
    // Failing, it prints the findings only.
    r.write("CHANGELOG.md", BROKEN);
    let run = r.relgate(LC, &["--hook", "pre-commit"]);
    run.code(1);
    stdout_is(
        &run,
        BROKEN_OUT
            .strip_suffix("lint-changelog: failed (4 errors, 1 warning)\n")
            .unwrap(),
    );
}

#[test]
fn installed_as_pre_commit_git_runs_it() {
    let r = repo_with(CLEAN);
    r.install_hook(LC, "pre-commit");
    r.git(&["add", "CHANGELOG.md"]).code(0);
    let run = r.git(&["commit", "-q", "-m", "clean"]);
    run.code(0);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
    r.write("CHANGELOG.md", BROKEN);
    r.git(&["add", "CHANGELOG.md"]).code(0);
    let before = r.head();
    r.git(&["commit", "-q", "-m", "broken"])
        .code(1)
        .output_has("CHANGELOG.md:10:22: error[changelog-date-invalid]");
    assert_eq!(r.head(), before);
}

/// Versions are read in the project's scheme: PEP 440 where every version source is Python.
#[test]
fn versions_follow_the_projects_scheme() {
    let text = "# Changelog\n\n## [Unreleased]\n\n## [1.2.0b3] - 2024-02-01\n\n### Added\n\n- Beta.\n\n## [1.1.0] - 2024-01-01\n\n### Added\n\n- First.\n\n\
                [Unreleased]: https://github.com/o/r/compare/v1.2.0b3...HEAD\n\
                [1.2.0b3]: https://github.com/o/r/compare/v1.1.0...v1.2.0b3\n[1.1.0]: https://github.com/o/r/releases/tag/v1.1.0\n";
    let r = repo_with(text);
    let run = r.relgate(LC, &[]);
    run.code(1);
    run.stdout_has("`1.2.0b3` is a PEP 440 version: write it as SemVer, `1.2.0-beta.3`");
    r.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"1.2.0b3\"\n",
    );
    r.relgate(LC, &["--deny-warnings"]).code(0);
}

/// `changelog.format = "keep-a-changelog"` holds a file of another convention to Keep a
/// Changelog's grammar and rules.
#[test]
fn the_format_can_be_forced_to_keep_a_changelog() {
    let text = "# Changelog\n\n## 1.1.0 (2024-02-01)\n\n### Features\n\n- Thing.\n\n## 1.0.0 (2024-01-01)\n\n### Features\n\n- First.\n";
    let r = repo_with(text);
    r.relgate(LC, &["--deny-warnings"]).code(0);
    r.write(
        "relgate.toml",
        "[changelog]\nformat = \"keep-a-changelog\"\n",
    );
    let run = r.relgate(LC, &[]);
    run.code(1);
    run.stdout_has("CHANGELOG.md:3:10: error[changelog-heading] release heading `1.1.0 (2024-02-01)` does not match `[X] - YYYY-MM-DD`")
        .stdout_has("error[changelog-change-type] `### Features` in [1.1.0] is not a change type");
}

/// What is committed is what is linted: a broken changelog staged is refused even when the work
/// tree's is clean, and an unrelated commit passes even when the work tree's is broken.
#[test]
fn a_commit_hook_lints_the_staged_changelog() {
    let r = repo_with(CLEAN);
    r.git(&["add", "CHANGELOG.md"]).code(0);
    r.commit("clean");
    r.install_hook(LC, "pre-commit");
    // Broken in the index, clean in the work tree: refused.
    r.write("CHANGELOG.md", BROKEN);
    r.git(&["add", "CHANGELOG.md"]).code(0);
    r.write("CHANGELOG.md", CLEAN);
    let before = r.head();
    r.git(&["commit", "-q", "-m", "broken staged"])
        .code(1)
        .output_has("CHANGELOG.md:10:22: error[changelog-date-invalid]");
    assert_eq!(r.head(), before);
    // Clean in the index, an edit in progress in the work tree: an unrelated commit passes.
    r.git(&["add", "CHANGELOG.md"]).code(0);
    r.write("CHANGELOG.md", BROKEN);
    r.write("other.txt", "x\n");
    r.git(&["add", "other.txt"]).code(0);
    r.git(&["commit", "-q", "-m", "unrelated"]).code(0);
    assert_ne!(r.head(), before);
}

#[test]
fn staged_reads_the_index_and_only_then_opens_the_repository() {
    let r = repo_with(CLEAN);
    r.git(&["add", "CHANGELOG.md"]).code(0);
    r.write("CHANGELOG.md", BROKEN);
    r.relgate(LC, &[]).code(1);
    let run = r.relgate(LC, &["--staged"]);
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
    // GIT_INDEX_FILE (set by git for every commit hook) means the same.
    r.relgate_env(LC, &[], &[("GIT_INDEX_FILE", ".git/index")])
        .code(0);
    // FILE is a path in the work tree, read from the index.
    std::fs::create_dir_all(r.path().join("docs")).unwrap();
    r.write("docs/NEWS.md", CLEAN);
    r.git(&["add", "docs/NEWS.md"]).code(0);
    r.write("docs/NEWS.md", BROKEN);
    run_in(&r, "docs", &["--staged", "NEWS.md"]).code(0);
    run_in(&r, "docs", &["NEWS.md"]).code(1);
    // --notes and --release read the staged text too.
    r.relgate(LC, &["--staged", "--notes", "1.1.0"])
        .code(0)
        .stdout_has("- Thing.");
    // A file the index does not hold is named.
    r.write("UNSTAGED.md", CLEAN);
    r.relgate(LC, &["--staged", "UNSTAGED.md"])
        .code(2)
        .stderr_has("UNSTAGED.md is not in the index");
    // Outside a hook the index is never read: a corrupt index does not matter, until --staged.
    std::fs::write(r.path().join(".git/index"), b"DIRC garbage").unwrap();
    r.write("CHANGELOG.md", CLEAN);
    r.relgate(LC, &[]).code(0);
    r.relgate(LC, &["--staged"])
        .code(2)
        .stderr_has("cannot read the index");
}

#[test]
fn staged_with_no_changelog_in_the_index_is_a_note() {
    let r = repo_with(CLEAN);
    r.write("other.txt", "x\n");
    r.git(&["add", "other.txt"]).code(0);
    let run = r.relgate(LC, &["--staged", "--format", "json"]);
    run.code(0);
    assert_eq!(run.json()["diagnostics"][0]["rule"], "changelog-not-found");
    r.relgate(LC, &["--staged", "--notes", "1.1.0"]).code(2);
}

#[test]
fn reference_transaction_is_not_a_lint_changelog_hook() {
    let r = repo_with(CLEAN);
    let run = r.relgate_stdin(
        LC,
        &["--hook", "reference-transaction", "prepared"],
        b"",
        &[],
    );
    run.code(2);
    stdout_is(&run, "");
    stderr_is(
        &run,
        "lint-changelog: error: lint-changelog does not run as reference-transaction; install it as pre-commit or pre-push\n",
    );
    r.relgate(LC, &["--hook", "post-commit"])
        .code(2)
        .stderr_has("unknown hook `post-commit`");
}

// ---------------------------------------------------------------------------------------------
// Dogfood

#[test]
fn the_projects_own_changelog_passes() {
    let root = env!("CARGO_MANIFEST_DIR");
    assert!(Path::new(root).join("CHANGELOG.md").is_file());
    let r = Repo::new();
    let run = r.relgate(LC, &["-C", root]);
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
    let run = r.relgate(LC, &["-C", root, "--deny-warnings", "-q"]);
    run.code(0);
    stdout_is(&run, "");
}

/// A project that takes up towncrier: its first release in towncrier's heading sits above a
/// history written another way. `title_format` in `[tool.towncrier]` says the new heading is
/// the project's convention; without it the one release is a deviation.
#[test]
fn the_heading_towncrier_is_set_to_write_is_the_file_s_convention() {
    let history: String = (1..=6)
        .rev()
        .map(|i| format!("## v1.{i}.0\n\n- change {i}\n\n"))
        .collect();
    let text = format!("# Changelog\n\n## 2.0.0 (2026-02-26)\n\n### Fixed\n\n- a\n\n{history}");
    let r = repo_with(&text);
    r.relgate(LC, &[]).code(1).stdout_has(
        "CHANGELOG.md:3:4: error[changelog-heading] release heading `2.0.0 (2026-02-26)`",
    );
    let pyproject = "[project]\nname = \"pkg\"\nversion = \"2.0.0\"\n\n\
                     [tool.towncrier]\nfilename = \"CHANGELOG.md\"\n\
                     title_format = \"## {version} ({project_date})\"\n";
    r.write("pyproject.toml", pyproject);
    let run = r.relgate(LC, &[]);
    run.code(0);
    stdout_is(&run, &format!("CHANGELOG.md: ok\n{PASSED}"));
    // As staged: the configuration in the index is the one read.
    r.git(&["add", "CHANGELOG.md"]);
    r.relgate(LC, &["--staged"]).code(1);
    r.git(&["add", "pyproject.toml"]);
    r.relgate(LC, &["--staged"]).code(0);
    // A slip of the older convention is still one.
    r.write("CHANGELOG.md", &text.replace("## v1.3.0", "## 1.3.0"));
    r.relgate(LC, &[])
        .code(1)
        .stdout_has("error[changelog-heading] release heading `1.3.0`")
        .stdout_lacks("2.0.0 (2026-02-26)");
    // Another file of towncrier's: this changelog keeps its own convention.
    r.write("CHANGELOG.md", &text);
    r.write(
        "pyproject.toml",
        &pyproject.replace("filename = \"CHANGELOG.md\"", "filename = \"NEWS.md\""),
    );
    r.relgate(LC, &[]).code(1);
}

/// A suggested link definition starts with the repository's address: the file's own links',
/// else the default remote's web address, else a placeholder.
#[test]
fn suggested_links_start_with_the_remote_s_web_address() {
    let text = "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2024-02-01\n\n- b\n\n\
                ## [1.0.0] - 2024-01-01\n\n- a\n";
    let r = repo_with(text);
    r.relgate(LC, &[])
        .stdout_has("[1.1.0]: https://github.com/OWNER/REPO/compare/v1.0.0...v1.1.0");
    for (url, base) in [
        (
            "git@gitlab.com:group/proj.git",
            "https://gitlab.com/group/proj",
        ),
        ("https://github.com/o/r.git", "https://github.com/o/r"),
        (
            "ssh://git@git.example.test:2222/team/app",
            "https://git.example.test/team/app",
        ),
    ] {
        r.git(&["remote", "add", "origin", url]).code(0);
        r.relgate(LC, &[])
            .stdout_has(&format!("[1.1.0]: {base}/compare/v1.0.0...v1.1.0"))
            .stdout_has(&format!("[Unreleased]: {base}/compare/v1.1.0...HEAD"));
        r.git(&["remote", "remove", "origin"]).code(0);
    }
    // A local path names no web address.
    r.git(&["remote", "add", "origin", "/srv/git/app.git"])
        .code(0);
    r.relgate(LC, &[])
        .stdout_has("https://github.com/OWNER/REPO/compare/");
    // The file's own links come first.
    r.write(
        "CHANGELOG.md",
        &format!("{text}\n[1.0.0]: https://codeberg.org/me/thing/releases/tag/v1.0.0\n"),
    );
    r.relgate(LC, &[])
        .stdout_has("[1.1.0]: https://codeberg.org/me/thing/compare/v1.0.0...v1.1.0");
}

/// A commit hook lints the changelog the commit changes, as the pre-commit framework runs it
/// only then: under a raw hook too, an unrelated commit is not held up by what is committed.
#[test]
fn a_commit_hook_passes_over_a_changelog_the_commit_leaves_as_it_is() {
    let r = repo_with(BROKEN);
    r.git(&["add", "CHANGELOG.md"]).code(0);
    let hook = [("GIT_INDEX_FILE", ".git/index")];
    // Before the first commit, everything staged is a change.
    r.relgate_env(LC, &[], &hook).code(1);
    r.commit("broken changelog");
    r.write("other.txt", "x\n");
    r.git(&["add", "other.txt"]).code(0);
    let run = r.relgate_env(LC, &[], &hook);
    run.code(0);
    stdout_is(
        &run,
        "changelog-unchanged: note[changelog-unchanged] this commit leaves CHANGELOG.md as it is \
         at HEAD: nothing to lint\n\
         lint-changelog: passed (0 errors, 0 warnings)\n",
    );
    // Named, or by hand, or for a release, it is linted whatever the commit changes.
    r.relgate_env(LC, &["CHANGELOG.md"], &hook).code(1);
    r.relgate(LC, &["--staged"]).code(1);
    r.relgate_env(LC, &["--release", "1.1.0"], &hook).code(1);
    // Staged with a change, it is what is committed.
    r.write("CHANGELOG.md", &format!("{BROKEN}\n"));
    r.git(&["add", "CHANGELOG.md"]).code(0);
    r.relgate_env(LC, &[], &hook).code(1);
    // So is a configured path.
    r.git(&["reset", "-q"]).code(0);
    r.git(&["mv", "CHANGELOG.md", "NEWS.md"]).code(0);
    r.commit("moved");
    r.write("relgate.toml", "[changelog]\npath = \"NEWS.md\"\n");
    r.git(&["add", "relgate.toml"]).code(0);
    r.relgate_env(LC, &[], &hook)
        .code(0)
        .stdout_has("this commit leaves NEWS.md as it is at HEAD");
}
