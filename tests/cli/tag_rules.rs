//! validate-tag's rules for explicit TAG arguments, tags at HEAD and `--all`: the name grammar
//! (each grammar with its own examples), then each repository rule failing alone and passing.
//! The hook modes are in `tag_hooks`.

use crate::util::{Repo, Run};

const VT: &str = "validate-tag";

/// The human report without the trailing verdict line.
fn findings(run: &Run) -> String {
    let mut lines: Vec<&str> = run.stdout.lines().collect();
    let last = lines.pop().unwrap_or("");
    assert!(last.starts_with("validate-tag: "), "{}", run.stdout);
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn pyproject(version: &str) -> String {
    format!("[project]\nname = \"demo\"\nversion = \"{version}\"\n")
}

/// A project whose version comes from the tag (setuptools_scm), so history rules can be tested
/// without tag-version-mismatch in the way.
fn scm_project() -> Repo {
    let r = Repo::new();
    r.commit_file(
        "pyproject.toml",
        "[project]\nname = \"demo\"\ndynamic = [\"version\"]\n\n[tool.setuptools_scm]\n",
        "scm project",
    );
    r
}

fn short(r: &Repo, rev: &str) -> String {
    r.git_out(&["rev-parse", &format!("{rev}^{{commit}}")])[..7].to_string()
}

#[test]
fn non_release_tags_are_skipped_with_a_note() {
    let r = Repo::new();
    r.commit("one");
    r.git(&["tag", "latest"]).code(0);
    r.git(&["tag", "claude/compaction/7"]).code(0);
    let run = r.relgate(VT, &["latest", "claude/compaction/7"]);
    run.code(0);
    assert_eq!(
        run.stdout,
        "refs/tags/latest: note[tag-not-release] latest is not a release tag: skipped\n\
         refs/tags/claude/compaction/7: note[tag-not-release] claude/compaction/7 is not a release tag: skipped\n\
         validate-tag: passed (0 errors, 0 warnings)\n"
    );
    // A candidate that would be invalid, until tags.ignore excludes it.
    r.relgate(VT, &["v2.0.0-nightly.5"]).code(1).stdout_has(
        "refs/tags/v2.0.0-nightly.5: error[tag-invalid] `nightly` is not a pre-release label",
    );
    r.write("relgate.toml", "[tags]\nignore = [\"v*-nightly.*\"]\n");
    let run = r.relgate(VT, &["v2.0.0-nightly.5", "v2.0.0"]);
    run.code(0);
    assert_eq!(
        findings(&run),
        "refs/tags/v2.0.0-nightly.5: note[tag-not-release] v2.0.0-nightly.5 is not a release tag: skipped\n\
         v2.0.0: not in the repository; name rules only\nv2.0.0: ok\n"
    );
}

#[test]
fn invalid_names_say_which_part_and_why() {
    let r = Repo::new();
    r.commit("one");
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "v1.2",
            "missing PATCH: expected vMAJOR.MINOR.PATCH",
            Some("did you mean `v1.2.0`?"),
        ),
        (
            "V1.2.3",
            "upper-case prefix `V`: release tags are lower case (expected `v`)",
            Some("did you mean `v1.2.3`?"),
        ),
        (
            "vv1.2.3",
            "doubled prefix `vv`: expected vMAJOR.MINOR.PATCH",
            Some("did you mean `v1.2.3`?"),
        ),
        (
            "v1.2.3.4",
            "four parts in `1.2.3.4`: expected three, vMAJOR.MINOR.PATCH",
            None,
        ),
        (
            "v1.2.0-RC1",
            "upper case in `-RC1`: release tags are lower case",
            Some("did you mean `v1.2.0-rc1`?"),
        ),
        (
            "v01.2.0",
            "leading zero in MAJOR `01`: numbers are written without leading zeros (expected `1`)",
            Some("did you mean `v1.2.0`?"),
        ),
        (
            "v1.2.0+build",
            "build metadata `+build` is not allowed in a release tag (SemVer ignores it when ordering, so two tags could name one version)",
            Some("did you mean `v1.2.0`?"),
        ),
        (
            "v1.2.0-dev.3",
            "`dev` marks a dev release, and dev releases are not releases (`-dev.3`)",
            Some(
                "tag the release itself (v1.2.0) or a pre-release (v1.2.0-rc1); dev builds get no release tag",
            ),
        ),
        (
            "v1.2.0-r\u{e7}1",
            "non-ASCII character `\u{e7}` (U+00E7) at character 9: release tags are ASCII",
            None,
        ),
        (
            "1.2.3",
            "missing prefix `v`: expected vMAJOR.MINOR.PATCH",
            Some("did you mean `v1.2.3`?"),
        ),
    ];
    for (tag, message, help) in cases {
        let run = r.relgate(VT, &[tag]);
        run.code(1);
        let mut want = format!("refs/tags/{tag}: error[tag-invalid] {message}\n");
        if let Some(h) = help {
            want.push_str(&format!("  help: {h}\n"));
        }
        want.push_str("validate-tag: failed (1 error, 0 warnings)\n");
        assert_eq!(run.stdout, want, "{tag}");
    }
}

/// Runs validate-tag on `tags` under `grammar`; returns the run.
fn with_grammar(r: &Repo, grammar: &str, tags: &[&str]) -> Run {
    r.write(
        "relgate.toml",
        &format!("[tags]\ngrammar = \"{grammar}\"\n"),
    );
    r.relgate(VT, tags)
}

#[test]
fn each_grammar_accepts_and_rejects_its_own_examples() {
    let r = Repo::new();
    r.commit("one");
    let accepts: &[(&str, &[&str])] = &[
        (
            "portable",
            &[
                "v1.2.0",
                "v1.2.0-rc1",
                "v1.2.0-rc.1",
                "v1.2.0-alpha.2",
                "v1.2.0-b3",
            ],
        ),
        (
            "semver",
            &[
                "v1.2.0",
                "v1.2.0-rc.1",
                "v1.2.0-beta",
                "v1.0.0-x.7.z.92",
                "v1.2.0-rc1",
            ],
        ),
        (
            "pep440",
            &[
                "v1.2.0",
                "v1.2.0rc1",
                "v1.2.0.post1",
                "v1.2.0a1",
                "v1.2.3.4",
            ],
        ),
    ];
    for (grammar, tags) in accepts {
        let run = with_grammar(&r, grammar, tags);
        run.code(0);
        let want: String = tags
            .iter()
            .map(|t| format!("{t}: not in the repository; name rules only\n{t}: ok\n"))
            .collect();
        assert_eq!(findings(&run), want, "{grammar}");
    }

    let rejects: &[(&str, &[(&str, &str)])] = &[
        (
            "portable",
            &[
                (
                    "v1.2.0rc1",
                    "the pre-release `rc1` needs a `-` before it: expected vMAJOR.MINOR.PATCH-rcN",
                ),
                (
                    "v1.0.0-x.7",
                    "`x` is not a pre-release label: expected -alpha, -beta, -rc, -a or -b and a number",
                ),
                (
                    "v1.2.0.post1",
                    "`.post1` is a post-release, which is not portable: SemVer (npm, Cargo) orders it before 1.2.0",
                ),
            ],
        ),
        (
            "semver",
            &[
                (
                    "v1.2.0rc1",
                    "the pre-release `rc1` needs a `-` before it: expected vMAJOR.MINOR.PATCH-rcN",
                ),
                (
                    "v1.2.0.post1",
                    "not a SemVer 2.0.0 version: unexpected character '.' after patch version number (expected vMAJOR.MINOR.PATCH[-PRERELEASE])",
                ),
                (
                    "v1.2.0-01",
                    "not a SemVer 2.0.0 version: invalid leading zero in pre-release identifier (expected vMAJOR.MINOR.PATCH[-PRERELEASE])",
                ),
                (
                    "v1.2.0+build.5",
                    "build metadata `+build.5` is not allowed in a release tag (SemVer ignores it when ordering, so two tags could name one version)",
                ),
            ],
        ),
        (
            "pep440",
            &[
                (
                    "v1.2.0-rc.1",
                    "not canonical PEP 440: `1.2.0-rc.1` is written `1.2.0rc1`",
                ),
                (
                    "v1.2.0-rc1",
                    "not canonical PEP 440: `1.2.0-rc1` is written `1.2.0rc1`",
                ),
                (
                    "v1.2.0+local",
                    "local version label `+local` is not allowed in a release tag (PyPI rejects local versions)",
                ),
                ("v1!1.2.0", "epoch `1!` is not supported in release tags"),
                (
                    "v1.2.0.dev3",
                    "`dev3` marks a dev release, and dev releases are not releases (`.dev3`)",
                ),
            ],
        ),
    ];
    for (grammar, cases) in rejects {
        let tags: Vec<&str> = cases.iter().map(|(t, _)| *t).collect();
        let run = with_grammar(&r, grammar, &tags);
        run.code(1);
        for (tag, message) in *cases {
            run.stdout_has(&format!("refs/tags/{tag}: error[tag-invalid] {message}\n"));
        }
        run.stdout_has(&format!(
            "validate-tag: failed ({} errors, 0 warnings)\n",
            cases.len()
        ));
    }
    // Advice names tags the grammar accepts.
    with_grammar(&r, "pep440", &["v1.2.0.dev3"]).stdout_has(
        "help: tag the release itself (v1.2.0) or a pre-release (v1.2.0rc1); dev builds get no release tag",
    );
    with_grammar(&r, "pep440", &["v1.2.0-rc.1"]).stdout_has("help: did you mean `v1.2.0rc1`?");
}

#[test]
fn an_unknown_grammar_is_exit_2_naming_the_place() {
    let r = Repo::new();
    r.commit("one");
    let run = with_grammar(&r, "loose", &["v1.2.0"]);
    run.code(2)
        .stderr_has("validate-tag: error: invalid configuration at relgate.toml:2:11")
        .stderr_has("unknown variant `loose`, expected one of `portable`, `semver`, `pep440`");
    assert_eq!(run.stdout, "");
}

#[test]
fn a_tag_that_does_not_exist_gets_name_rules_only() {
    // Everything here would fail a repository rule: a feature branch, lower than v1.0.0, and
    // a pyproject that says 1.0.0.
    let r = Repo::new();
    r.commit_file("pyproject.toml", &pyproject("1.0.0"), "1.0.0");
    r.tag("v1.0.0", None);
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.commit("feature work");
    let run = r.relgate(VT, &["v0.9.0"]);
    run.code(0);
    assert_eq!(
        run.stdout,
        "v0.9.0: not in the repository; name rules only\nv0.9.0: ok\n\
         validate-tag: passed (0 errors, 0 warnings)\n"
    );
    // Once created, every rule applies.
    r.git(&["tag", "v0.9.0"]).code(0);
    let run = r.relgate(VT, &["v0.9.0"]);
    run.code(1);
    let head = short(&r, "HEAD");
    let base = short(&r, "v1.0.0");
    assert_eq!(
        findings(&run),
        format!(
            "refs/tags/v0.9.0: error[tag-lightweight] v0.9.0 is a lightweight tag; release tags are annotated\n  \
             help: while v0.9.0 is not pushed, replace it with an annotated tag on the same commit: `git tag -f -a v0.9.0 -m 'v0.9.0' 0ee7f50`; once published, leave it and annotate the next release (`git tag -a`), or set tags.require-annotated = false\n\
             refs/tags/v0.9.0: error[tag-not-on-release-branch] v0.9.0 tags commit {head}, which is not on any release branch (main)\n  \
             help: merge the work into the release branch first, then tag the merged commit\n\
             refs/tags/v0.9.0: error[tag-not-increasing] v0.9.0 is not higher than v1.0.0, which is on an ancestor commit ({base})\n  \
             help: tag a version higher than v1.0.0\n\
             pyproject.toml:3:12: error[tag-version-mismatch] [project].version says 1.0.0 at {head}, but tag v0.9.0 says 0.9.0\n  \
             help: tag the commit that bumps the version, or bump pyproject.toml to 0.9.0 before tagging\n"
        )
    );
}

#[test]
fn lightweight_tags_fail_except_in_ci_or_when_allowed() {
    let r = Repo::new();
    r.commit_file("pyproject.toml", &pyproject("1.0.0"), "1.0.0");
    r.git(&["tag", "v1.0.0"]).code(0);
    let want = "refs/tags/v1.0.0: error[tag-lightweight] v1.0.0 is a lightweight tag; release tags are annotated\n  \
                help: while v1.0.0 is not pushed, replace it with an annotated tag on the same commit: `git tag -f -a v1.0.0 -m 'v1.0.0' 6a189d6`; once published, leave it and annotate the next release (`git tag -a`), or set tags.require-annotated = false\n\
                validate-tag: failed (1 error, 0 warnings)\n";
    let run = r.relgate(VT, &["v1.0.0"]);
    run.code(1);
    assert_eq!(run.stdout, want);
    // CI checkouts may rewrite tags as lightweight.
    let run = r.relgate_env(VT, &["v1.0.0"], &[("CI", "true")]);
    run.code(0);
    assert_eq!(
        run.stdout,
        "v1.0.0: ok\nvalidate-tag: passed (0 errors, 0 warnings)\n"
    );
    let run = r.relgate_env(VT, &["v1.0.0"], &[("CI", "false")]);
    run.code(1);
    assert_eq!(run.stdout, want);
    r.write("relgate.toml", "[tags]\nrequire-annotated = false\n");
    r.relgate(VT, &["v1.0.0"])
        .code(0)
        .stdout_has("v1.0.0: ok\n");
}

#[test]
fn a_tag_on_a_feature_branch_commit_is_not_on_a_release_branch() {
    let r = scm_project();
    r.tag("v1.0.0", None);
    r.git(&["switch", "-q", "-c", "feature"]).code(0);
    r.commit("feature work");
    r.tag("v1.1.0", None);
    let c = short(&r, "v1.1.0");
    let run = r.relgate(VT, &["v1.1.0"]);
    run.code(1);
    assert_eq!(
        findings(&run),
        format!(
            "refs/tags/v1.1.0: error[tag-not-on-release-branch] v1.1.0 tags commit {c}, which is not on any release branch (main)\n  \
             help: merge the work into the release branch first, then tag the merged commit\n"
        )
    );
    // The tag on main's commit is fine from any branch.
    r.relgate(VT, &["v1.0.0"]).code(0);

    // On origin/main only (a CI checkout of the tag has no local main that contains it).
    let _remote = r.bare_remote();
    r.git(&["push", "-q", "origin", "feature:main"]).code(0);
    r.git(&["fetch", "-q", "origin"]).code(0);
    assert_ne!(r.git_out(&["rev-parse", "main"]), r.head());
    r.relgate(VT, &["v1.1.0"])
        .code(0)
        .stdout_has("v1.1.0: ok\n");
    r.git(&["remote", "remove", "origin"]).code(0);
    r.relgate(VT, &["v1.1.0"])
        .code(1)
        .stdout_has("error[tag-not-on-release-branch]");

    // No configured release branch exists: the rule has nothing to check against.
    r.write(
        "relgate.toml",
        "[tags]\nrelease-branches = [\"release/*\"]\n",
    );
    r.relgate(VT, &["v1.1.0"]).code(0);
    r.git(&["branch", "release/1.0", "v1.0.0"]).code(0);
    r.relgate(VT, &["v1.1.0"]).code(1).stdout_has(&format!(
        "v1.1.0 tags commit {c}, which is not on any release branch (release/1.0)"
    ));
    std::fs::remove_file(r.path().join("relgate.toml")).unwrap();

    // Merged into main.
    r.git(&["switch", "-q", "main"]).code(0);
    r.git(&["merge", "-q", "--ff-only", "feature"]).code(0);
    r.relgate(VT, &["v1.1.0"]).code(0);
}

#[test]
fn tag_version_mismatch_reads_the_tagged_commit_not_the_work_tree() {
    let r = Repo::new();
    r.commit_file("pyproject.toml", &pyproject("1.0.0"), "1.0.0");
    r.tag("v1.0.0", None);
    r.commit("work without a bump");
    r.tag("v1.1.0", None);
    // The bump exists only in the work tree and the index: it must not help.
    r.write("pyproject.toml", &pyproject("1.1.0"));
    r.git(&["add", "pyproject.toml"]).code(0);
    let c = short(&r, "v1.1.0");
    let run = r.relgate(VT, &["v1.1.0"]);
    run.code(1);
    assert_eq!(
        findings(&run),
        format!(
            "pyproject.toml:3:12: error[tag-version-mismatch] [project].version says 1.0.0 at {c}, but tag v1.1.0 says 1.1.0\n  \
             help: tag the commit that bumps the version, or bump pyproject.toml to 1.1.0 before tagging\n"
        )
    );
    // Committed and re-tagged: fine, whatever the work tree says now.
    r.commit("bump 1.1.0");
    r.git(&["tag", "-f", "-a", "v1.1.0", "-m", "v1.1.0"])
        .code(0);
    r.write("pyproject.toml", &pyproject("7.7.7"));
    r.relgate(VT, &["v1.1.0"]).code(0);

    // PEP 440 equality for Python files, exact SemVer for Cargo.
    let r = Repo::new();
    r.write("pyproject.toml", &pyproject("1.2.0rc1"));
    r.write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"1.2.0-rc.1\"\n",
    );
    r.git(&["add", "."]).code(0);
    r.commit("rc");
    r.tag("v1.2.0-rc1", None);
    let c = short(&r, "HEAD");
    let run = r.relgate(VT, &["v1.2.0-rc1"]);
    run.code(1);
    assert_eq!(
        findings(&run),
        format!(
            "Cargo.toml:3:12: error[tag-version-mismatch] [package].version says 1.2.0-rc.1 at {c}, but tag v1.2.0-rc1 says 1.2.0-rc1\n  \
             help: tag the commit that bumps the version, or bump Cargo.toml to 1.2.0-rc1 before tagging\n"
        )
    );
    r.git(&["tag", "-d", "v1.2.0-rc1"]).code(0);
    r.tag("v1.2.0-rc.1", None);
    r.relgate(VT, &["v1.2.0-rc.1"]).code(0);
}

#[test]
fn a_tag_not_higher_than_one_in_its_history_is_not_increasing() {
    let r = scm_project();
    r.commit("1.3.0");
    r.tag("v1.3.0", None);
    r.commit("later");
    r.tag("v1.2.5", None);
    r.tag("v1.3.1", None);
    let base = short(&r, "v1.3.0");
    let run = r.relgate(VT, &["v1.2.5", "v1.3.1"]);
    run.code(1);
    // v1.3.1 on the same commit is no ancestor of v1.2.5: one finding, against v1.3.0.
    assert_eq!(
        findings(&run),
        format!(
            "refs/tags/v1.2.5: error[tag-not-increasing] v1.2.5 is not higher than v1.3.0, which is on an ancestor commit ({base})\n  \
             help: tag a version higher than v1.3.0\n\
             v1.3.1: ok\n"
        )
    );
    // A higher tag on another branch is not in this tag's history.
    r.git(&["switch", "-q", "-c", "side", "v1.3.0"]).code(0);
    r.commit("side");
    r.tag("v9.0.0", None);
    r.git(&["switch", "-q", "main"]).code(0);
    r.relgate(VT, &["v1.3.1"]).code(0);

    // A release candidate promoted on the same commit: neither is out of order.
    r.commit("2.0.0");
    r.tag("v2.0.0-rc.1", None);
    r.tag("v2.0.0", None);
    let run = r.relgate(VT, &["v2.0.0-rc.1", "v2.0.0"]);
    run.code(0);
    assert_eq!(findings(&run), "v2.0.0-rc.1: ok\nv2.0.0: ok\n");
}

#[test]
fn two_tags_naming_one_version_are_duplicates() {
    let r = scm_project();
    r.tag("v1.2.0-rc1", None);
    r.commit("again");
    r.tag("v1.2.0-rc.1", None);
    let run = r.relgate(VT, &["v1.2.0-rc.1"]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "refs/tags/v1.2.0-rc.1: error[tag-duplicate-version] v1.2.0-rc.1 names the same version as v1.2.0-rc1\n  \
         help: keep one tag per version (v1.2.0-rc1 exists); while v1.2.0-rc.1 is not pushed, delete it: `git tag -d v1.2.0-rc.1`\n\
         refs/tags/v1.2.0-rc.1: warn[tag-style-inconsistent] v1.2.0-rc.1 spells its pre-release as `-rc.N`, but v1.2.0-rc1 uses `-rcN`\n  \
         help: use one pre-release spelling in every tag (npm and Cargo order `-rc1` and `-rc.1` differently)\n"
    );
    r.relgate(VT, &["v1.2.0-rc1"])
        .code(1)
        .stdout_has("v1.2.0-rc1 names the same version as v1.2.0-rc.1");

    // `v1.2.3` and `1.2.3`: with the default prefix the second is no valid name at all ...
    let r = scm_project();
    r.tag("v1.2.3", None);
    r.tag("1.2.3", None);
    r.relgate(VT, &["1.2.3"]).code(1).stdout_has(
        "refs/tags/1.2.3: error[tag-invalid] missing prefix `v`: expected vMAJOR.MINOR.PATCH; \
         tags.prefix `v` was inferred from 2 tags",
    );
    // Both spellings are one release (DESIGN §3): the twin is a duplicate.
    r.relgate(VT, &["v1.2.3"])
        .code(1)
        .stdout_has("error[tag-duplicate-version] v1.2.3 names the same version as 1.2.3");
    // ... and with an optional prefix both are valid, and one version.
    r.write(
        "relgate.toml",
        "[tags]\npattern = '^v?(?P<version>[0-9].*)$'\n",
    );
    let run = r.relgate(VT, &["1.2.3", "v1.2.3"]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "refs/tags/1.2.3: error[tag-duplicate-version] 1.2.3 names the same version as v1.2.3\n  \
         help: keep one tag per version (v1.2.3 exists); while 1.2.3 is not pushed, delete it: `git tag -d 1.2.3`\n\
         refs/tags/v1.2.3: error[tag-duplicate-version] v1.2.3 names the same version as 1.2.3\n  \
         help: keep one tag per version (1.2.3 exists); while v1.2.3 is not pushed, delete it: `git tag -d v1.2.3`\n"
    );
}

#[test]
fn a_different_prerelease_spelling_warns() {
    let r = scm_project();
    r.tag("v1.1.0-rc.1", None);
    r.commit("1.2.0 candidate");
    r.tag("v1.2.0-rc1", None);
    let run = r.relgate(VT, &["v1.2.0-rc1"]);
    run.code(0);
    assert_eq!(
        findings(&run),
        "refs/tags/v1.2.0-rc1: warn[tag-style-inconsistent] v1.2.0-rc1 spells its pre-release as `-rcN`, but v1.1.0-rc.1 uses `-rc.N`\n  \
         help: use one pre-release spelling in every tag (npm and Cargo order `-rc1` and `-rc.1` differently)\n\
         v1.2.0-rc1: ok\n"
    );
    r.relgate(VT, &["v1.2.0-rc1", "--deny-warnings"]).code(1);
    r.git(&["tag", "-d", "v1.2.0-rc1"]).code(0);
    r.tag("v1.2.0-rc.1", None);
    let run = r.relgate(VT, &["v1.2.0-rc.1", "--deny-warnings"]);
    run.code(0);
    assert_eq!(findings(&run), "v1.2.0-rc.1: ok\n");
}

#[test]
fn rc10_without_a_dot_is_ambiguous_order() {
    let r = scm_project();
    r.tag("v1.0.0-rc10", None);
    let run = r.relgate(VT, &["v1.0.0-rc10"]);
    run.code(0);
    assert_eq!(
        findings(&run),
        "refs/tags/v1.0.0-rc10: warn[tag-ambiguous-order] `rc10` is compared as text by SemVer (npm, Cargo): \
         `rc10` sorts before `rc2`; write `rc.10` so every ecosystem orders it the same\n\
         v1.0.0-rc10: ok\n"
    );
    r.relgate(VT, &["v1.0.0-rc10", "--deny-warnings"]).code(1);
    let run = r.relgate(VT, &["v1.0.0-rc.10", "v1.0.0-rc9", "--deny-warnings"]);
    run.code(0);
    run.stdout_lacks("tag-ambiguous-order");
}

#[test]
fn a_tag_of_a_tree_or_a_blob_is_invalid_without_a_panic() {
    let r = scm_project();
    let tree = r.git_out(&["rev-parse", "HEAD^{tree}"]);
    let blob = r.git_out(&["rev-parse", "HEAD:pyproject.toml"]);
    r.git(&["tag", "-a", "v1.0.0", "-m", "tree", &tree]).code(0);
    r.git(&["tag", "-a", "v1.0.1", "-m", "blob", &blob]).code(0);
    r.git(&["tag", "v1.0.2", &tree]).code(0);
    let run = r.relgate(VT, &["v1.0.0", "v1.0.1", "v1.0.2"]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "refs/tags/v1.0.0: error[tag-invalid] v1.0.0 points at a tree; a release tag points at a commit\n\
         refs/tags/v1.0.1: error[tag-invalid] v1.0.1 points at a blob; a release tag points at a commit\n\
         refs/tags/v1.0.2: error[tag-lightweight] v1.0.2 is a lightweight tag; release tags are annotated\n  \
         help: while v1.0.2 is not pushed, replace it with an annotated tag on the same commit: `git tag -f -a v1.0.2 -m 'v1.0.2' <commit>`; once published, leave it and annotate the next release (`git tag -a`), or set tags.require-annotated = false\n\
         refs/tags/v1.0.2: error[tag-invalid] v1.0.2 points at a tree; a release tag points at a commit\n"
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let v = r.relgate(VT, &["--all", "--format", "json"]).json();
    assert_eq!(
        v["tags"],
        serde_json::json!([
            {"name": "v1.0.0", "version": "1.0.0", "status": "error", "commit": null, "annotated": true},
            {"name": "v1.0.1", "version": "1.0.1", "status": "error", "commit": null, "annotated": true},
            {"name": "v1.0.2", "version": "1.0.2", "status": "error", "commit": null, "annotated": false},
        ])
    );
    // A commit tagged later is not compared with them (they have no place in history).
    r.tag("v0.1.0", None);
    r.relgate(VT, &["v0.1.0"]).code(0);
}

#[test]
fn control_characters_in_a_tag_name_are_printed_escaped() {
    let r = Repo::new();
    r.commit("one");
    let name = "v1.0.0\u{1b}x";
    let want = "refs/tags/v1.0.0\\u{1b}x: error[tag-invalid] whitespace or control character U+001B at character 7: release tags are one word\n";
    let run = r.relgate(VT, &[name]);
    run.code(1);
    assert_eq!(findings(&run), want);
    assert!(!run.stdout.contains('\u{1b}'));

    // Git refuses such a ref name; where it does not, the real tag is judged the same way.
    let refname = format!("refs/tags/{name}");
    if r.git(&["update-ref", &refname, "HEAD"]).code == 0 {
        let run = r.relgate(VT, &["--all"]);
        run.code(1).stdout_has(want);
        assert!(!run.stdout.contains('\u{1b}'));
    }
    // A pre-push line can carry any bytes.
    let head = r.head();
    let zero = "0".repeat(head.len());
    let input = format!("{refname} {head} {refname} {zero}\n");
    let run = r.relgate_stdin(VT, &["--pre-push", "origin"], input.as_bytes(), &[]);
    run.code(1).stdout_has(want);
    assert!(!run.stdout.contains('\u{1b}'));
    // A newline in an argument cannot forge a second line either.
    let run = r.relgate(VT, &["v1.0.0\nrefs/tags/v2.0.0: ok"]);
    run.code(1);
    assert_eq!(
        findings(&run),
        "refs/tags/v1.0.0\\nrefs/tags/v2.0.0: ok: error[tag-invalid] whitespace or control character U+000A at character 7: release tags are one word\n"
    );
}

#[test]
fn all_lists_every_tag_with_its_status_in_json() {
    let r = Repo::new();
    r.commit_file("pyproject.toml", &pyproject("1.0.0"), "1.0.0");
    let c1 = r.head();
    r.tag("v1.0.0", None);
    r.git(&["tag", "latest"]).code(0);
    r.tag("v1.1", None);
    r.commit_file("pyproject.toml", &pyproject("1.1.0"), "1.1.0");
    let c2 = r.head();
    r.git(&["tag", "v1.1.0"]).code(0);
    r.git(&["tag", "claude/compaction/7"]).code(0);
    // Newer than every release: can still be fixed, so an error.
    r.tag("v2.0", None);
    let run = r.relgate(VT, &["--all", "--format", "json"]);
    run.code(1);
    let v = run.json();
    assert_eq!(v["ok"], false);
    assert_eq!(
        v["tags"],
        serde_json::json!([
            {"name": "claude/compaction/7", "version": null, "status": "skipped", "commit": c2, "annotated": false},
            {"name": "latest", "version": null, "status": "skipped", "commit": c1, "annotated": false},
            {"name": "v1.0.0", "version": "1.0.0", "status": "ok", "commit": c1, "annotated": true},
            // Older than the newest release: history, summarised in one warning.
            {"name": "v1.1", "version": null, "status": "skipped", "commit": c1, "annotated": true},
            // A lightweight tag in the history is summarised, not an error of its own.
            {"name": "v1.1.0", "version": "1.1.0", "status": "ok", "commit": c2, "annotated": false},
            {"name": "v2.0", "version": null, "status": "error", "commit": c2, "annotated": true},
        ])
    );
    let lightweight: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "tag-lightweight")
        .collect();
    assert_eq!(lightweight.len(), 1, "{v}");
    assert_eq!(lightweight[0]["severity"], "warn");
    assert_eq!(lightweight[0]["subject"], "refs/tags/v1.1.0");
    assert!(
        lightweight[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("1 release tag in the history is lightweight: v1.1.0"),
        "{v}"
    );
    let rules: Vec<(&str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["subject"].as_str().unwrap(), d["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rules,
        [
            ("refs/tags/v2.0", "tag-invalid"),
            ("refs/tags/v1.1.0", "tag-lightweight"),
            ("refs/tags/v1.1", "tag-invalid"),
        ]
    );
    let severities: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["error", "warn", "warn"]);
    // The human audit names the errors and counts, without a note per skipped tag.
    let run = r.relgate(VT, &["--all"]);
    run.code(1)
        .stdout_has("6 tags: 2 ok, 1 with errors, 3 skipped\n")
        .stdout_lacks("tag-not-release");
    // Fixed: every release tag ok.
    r.git(&["tag", "-d", "v1.1", "v1.1.0", "v2.0"]).code(0);
    r.tag("v1.1.0", None);
    r.relgate(VT, &["--all"])
        .code(0)
        .stdout_has("4 tags: 2 ok, 0 with errors, 2 skipped\n");
}

#[test]
fn without_a_tag_argument_the_release_tags_at_head_are_checked() {
    let r = Repo::new();
    r.commit_file("pyproject.toml", &pyproject("1.0.0"), "1.0.0");
    r.git(&["tag", "v0.9.0"]).code(0);
    r.commit("later");
    r.git(&["tag", "latest"]).code(0);
    // Only a non-release tag at HEAD; the bad v0.9.0 is not at HEAD.
    let run = r.relgate(VT, &[]);
    run.code(0);
    assert_eq!(
        run.stdout,
        "tag-nothing-to-check: note[tag-nothing-to-check] no tag named, none in GITHUB_REF or \
         CI_COMMIT_TAG, and no release tag points at HEAD\nvalidate-tag: passed (0 errors, 0 warnings)\n"
    );
    // Two release tags at HEAD: both checked.
    r.tag("v1.0.0", None);
    r.git(&["tag", "v1.0.1"]).code(0);
    let run = r.relgate(VT, &[]);
    run.code(1);
    let c = short(&r, "HEAD");
    assert_eq!(
        findings(&run),
        format!(
            "refs/tags/v1.0.1: warn[tag-lightweight] v1.0.1 at HEAD is a lightweight tag; release tags are annotated\n  \
             help: a published tag stays as it is (moving one breaks every clone that fetched it); annotate the next release: `git tag -a <tag> -m '<tag>'` (or set tags.require-annotated = false)\n\
             pyproject.toml:3:12: error[tag-version-mismatch] [project].version says 1.0.0 at {c}, but tag v1.0.1 says 1.0.1\n  \
             help: tag the commit that bumps the version, or bump pyproject.toml to 1.0.1 before tagging\n\
             v1.0.0: ok\n"
        )
    );
}
