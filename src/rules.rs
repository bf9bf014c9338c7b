//! The registry of every rule id of every binary: what `[rules]` may name, what `--explain`
//! prints (for every binary, through [`explain`]) and what docs/rules.md lists.

use crate::diag::{RuleDoc, Severity};

/// Rules reported by more than one binary.
pub const SHARED: &[RuleDoc] = &[
    RuleDoc {
        id: "shallow-clone",
        tool: "all",
        severity: Severity::Error,
        summary: "the check needs history that a shallow clone does not have",
        why: "A shallow clone (CI's default `fetch-depth: 1`) has neither old commits nor their tags; a check that silently treated that as \"no history\" would pass when it should not.",
        bad: "actions/checkout with the default fetch-depth: 1",
        good: "actions/checkout with fetch-depth: 0",
    },
    RuleDoc {
        id: "commit-not-in-progress",
        tool: "guard-master-commit",
        severity: Severity::Note,
        summary: "in CI with no commit in progress the commit check has nothing to guard",
        why: "`pre-commit run --all-files` on a CI checkout of main must not fail: nobody is committing there.",
        bad: "(none: this is a note)",
        good: "CI=true pre-commit run --all-files",
    },
    RuleDoc {
        id: "config-shadowed",
        tool: "all",
        severity: Severity::Warn,
        summary: "two configuration files exist: the first found is used and the other is ignored",
        why: "relgate reads the first of relgate.toml, .relgate.toml, `[tool.relgate]` in pyproject.toml and `[package.metadata.relgate]` / `[workspace.metadata.relgate]` in Cargo.toml. A setting in the second file silently does nothing, which is worse than an error: keep one.",
        bad: "relgate.toml and pyproject.toml with [tool.relgate], both at the work-tree root",
        good: "only relgate.toml (or only [tool.relgate] in pyproject.toml)",
    },
    RuleDoc {
        id: "relgate-skip",
        tool: "all",
        severity: Severity::Note,
        summary: "RELGATE_SKIP names this binary (or `all`), so it passed without checking",
        why: "`git commit --no-verify` cannot skip prepare-commit-msg or reference-transaction hooks; this variable can, once.",
        bad: "(none: this is a note)",
        good: "RELGATE_SKIP=guard-master-commit git commit -m 'hotfix'",
    },
];

/// check-release-ready's checklist: each check id is also the rule id of its diagnostic when it
/// fails or warns. They are checks, not rules: `[rules]` does not set them (a release checklist
/// whose checks can be turned off is no checklist); `--explain` and docs/rules.md describe them.
pub const CHECKLIST: &[RuleDoc] = &[
    RuleDoc {
        id: "clean-tree",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "the work tree has modified, staged or untracked (not ignored) files, or a merge, rebase or cherry-pick is in progress",
        why: "A release is built from a commit; anything not committed is either left out of the release or, worse, built into it without being in the tag.",
        bad: "echo wip >> src/lib.rs && check-release-ready",
        good: "git stash   # or commit it on a branch, then check-release-ready",
    },
    RuleDoc {
        id: "release-branch",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "HEAD is not on one of release.branches (a detached HEAD passes when a release branch contains it)",
        why: "Releases are cut from the branch every user follows; a tag on a feature branch ships code main never had.",
        bad: "git switch feature && check-release-ready",
        good: "git switch main && git pull --ff-only && check-release-ready",
    },
    RuleDoc {
        id: "upstream",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "the branch has no upstream, or is behind or diverged from it (ahead is fine)",
        why: "Tagging a branch that is behind its remote releases an old state; nothing is fetched, the remote-tracking ref is used as it is.",
        bad: "main is 2 commits behind origin/main",
        good: "git pull --ff-only && check-release-ready",
    },
    RuleDoc {
        id: "version-sync",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "check-version-sync fails: the version sources disagree (or, with --release, do not say that version); or only the git tag gives the version (setuptools_scm, hatch-vcs) and neither a release tag at HEAD nor --release says which",
        why: "The version a release publishes must be the one every file says; `check-version-sync --explain version-mismatch` has the details. Where the build takes the version from the tag, on a checkout of a release tag the version is that tag's; anywhere else the version being released is named with --release, and without it the checks of the version cannot run.",
        bad: "pyproject.toml says 1.2.0, src/pkg/__init__.py says 1.1.0",
        good: "every version source says 1.2.0",
    },
    RuleDoc {
        id: "tag-name",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "the tag that would be created (`<prefix><version>`) fails validate-tag's name rules",
        why: "The version in the files becomes the tag name; a version that makes an invalid tag (`v1.2`, `v1.2.0.dev1`) is caught before anyone tags it.",
        bad: "version = \"1.2\" in pyproject.toml (tag v1.2)",
        good: "version = \"1.2.0\" (tag v1.2.0)",
    },
    RuleDoc {
        id: "tag-free",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "a tag already names this version, in any spelling (those the tag grammar rejects too), and does not point at HEAD",
        why: "Released versions are immutable: `0.28.1` and `v0.28.1` are one release, and a second tag for it would move what the version means. A version tagged `v1.2` or `V1.2.0` is released too: tagging it `v1.2.0` would release it twice. Such a tag at HEAD is the release's own, whose spelling `tag-name` judges.",
        bad: "v1.2.0 exists on an older commit; the files still say 1.2.0",
        good: "bump to 1.2.1, then check-release-ready",
    },
    RuleDoc {
        id: "version-increment",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "the version is not higher than the newest release tag below HEAD (a warning when it skips a version)",
        why: "Versions only go up along history; a lost bump releases an old number again. On a checkout of this version's own tag it compares with the tags before it, so re-running a tag's workflow passes.",
        bad: "newest tag v1.3.0, files say 1.2.5",
        good: "newest tag v1.3.0, files say 1.3.1",
    },
    RuleDoc {
        id: "final-version",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "the version has a dev or local part",
        why: "`1.2.0.dev3` or `1.2.0+local` is no release: package indexes refuse local versions and hide dev releases.",
        bad: "version = \"1.2.0.dev3\"",
        good: "version = \"1.2.0\"",
    },
    RuleDoc {
        id: "changelog-entry",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "the changelog has no dated section for the version, or it is not the newest release",
        why: "The release notes are written before the tag, not after; `lint-changelog --notes X` turns that section into the GitHub release body. Pre-releases of higher versions above it do not make it older.",
        bad: "## [Unreleased] holds the notes; no ## [1.2.0] - 2026-11-21",
        good: "## [1.2.0] - 2026-11-21 below an empty ## [Unreleased]",
    },
    RuleDoc {
        id: "changelog-lint",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "lint-changelog reports errors in this version's section or in the whole file (duplicates, order); errors in older sections are a warning",
        why: "Broken headings, dates or order cut release notes short or confuse the tools that read them.",
        bad: "## [1.2.0] - 2026-02-30",
        good: "## [1.2.0] - 2026-02-28",
    },
    RuleDoc {
        id: "history",
        tool: "check-release-ready",
        severity: Severity::Error,
        summary: "the clone is shallow or has no tags, so the checks that need history are skipped",
        why: "A check that cannot see the earlier releases must say so, never pass: in CI check out with `fetch-depth: 0`.",
        bad: "actions/checkout with the default fetch-depth: 1",
        good: "actions/checkout with fetch-depth: 0",
    },
];

/// Every rule of every binary.
pub fn all() -> impl Iterator<Item = &'static RuleDoc> {
    SHARED
        .iter()
        .chain(crate::checks::tag::RULES)
        .chain(crate::checks::versions::RULES)
        .chain(crate::checks::guard::RULES)
        .chain(crate::checks::changelog::RULES)
        .chain(crate::checks::lint::RULES)
        .chain(crate::checks::release::RULES)
}

/// docs/rules.md: the reference of every rule, generated from this registry so it cannot drift.
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "# Rule reference\n\n\
         Generated from the rule registry (`src/rules.rs` and `src/checks/*.rs`) by \
         `RELGATE_BLESS=1 cargo test --lib rules`; edit the registry, not this file.\n\n\
         Every rule can be set to `off`, `warn` or `error` under `[rules]` in the configuration. \
         A `note` never fails a run; a `warn` fails only with `--deny-warnings`.\n",
    );
    let mut tools: Vec<&str> = all().map(|r| r.tool).collect();
    tools.dedup();
    let mut seen = Vec::new();
    for tool in tools {
        if seen.contains(&tool) {
            continue;
        }
        seen.push(tool);
        let title = if tool == "all" {
            "Shared by every binary"
        } else {
            tool
        };
        let _ = write!(
            out,
            "\n## {title}\n\n| rule | severity | finds |\n| --- | --- | --- |\n"
        );
        for r in all().filter(|r| r.tool == tool) {
            let _ = writeln!(
                out,
                "| [`{}`](#{}) | {} | {} |",
                r.id,
                r.id,
                r.severity.as_str(),
                r.summary
            );
        }
        if tool == "lint-changelog" {
            let _ = write!(out, "\n{}", crate::checks::changelog::DIALECTS);
        }
        for r in all().filter(|r| r.tool == tool) {
            let _ = write!(
                out,
                "\n### {}\n\nSeverity: `{}`. {}\n\n{}\n\nFails:\n\n```text\n{}\n```\n\nPasses:\n\n```text\n{}\n```\n",
                r.id,
                r.severity.as_str(),
                capitalise(r.summary),
                r.why,
                r.bad.trim_end(),
                r.good.trim_end()
            );
            if let Some(fix) = crate::checks::changelog::how_to_fix(r.id) {
                let _ = writeln!(out, "\nHow to fix: {fix}");
            }
            if let Some(scope) = crate::checks::changelog::applies_to(r.id) {
                let _ = writeln!(out, "\nApplies to: {scope}.");
            }
        }
    }
    let _ = write!(
        out,
        "\n## check-release-ready\n\n\
         Its checklist: each check id is also the rule id of the diagnostic a failed or warned check \
         prints, and `check-release-ready --explain <id>` prints its entry. These are checks, not \
         rules: `[rules]` does not turn them off.\n\n| check | finds |\n| --- | --- |\n"
    );
    for r in CHECKLIST {
        let _ = writeln!(out, "| [`{}`](#{}) | {} |", r.id, r.id, r.summary);
    }
    for r in CHECKLIST {
        let _ = write!(
            out,
            "\n### {}\n\n{}\n\n{}\n\nFails:\n\n```text\n{}\n```\n\nPasses:\n\n```text\n{}\n```\n",
            r.id,
            capitalise(r.summary),
            r.why,
            r.bad.trim_end(),
            r.good.trim_end()
        );
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
        None => String::new(),
    }
}

/// The entry of one rule id.
pub fn find(id: &str) -> Option<&'static RuleDoc> {
    all().find(|r| r.id == id)
}

/// Every rule id `tool` can report: its own rules (check-release-ready: its checks) and the
/// shared ones.
pub fn of_tool(tool: &str) -> impl Iterator<Item = &'static RuleDoc> {
    let own = all().chain(CHECKLIST).filter(move |r| r.tool == tool);
    own.chain(SHARED.iter().filter(|r| r.tool == "all"))
}

/// What `<tool> --explain <id>` prints; the error names the nearest id of this tool, or the
/// binary that does report `id`.
pub fn explain(tool: &str, id: &str) -> std::result::Result<String, String> {
    // lint-changelog's one topic that is no rule: which rules apply to which changelogs.
    if tool == "lint-changelog"
        && id == "dialects"
        && let Some(text) = crate::checks::changelog::explain(id)
    {
        return Ok(text);
    }
    if let Some(doc) = of_tool(tool).find(|r| r.id == id) {
        return Ok(crate::checks::changelog::explain_doc(doc));
    }
    let shown = crate::diag::escape(id);
    if let Some(other) = all().chain(CHECKLIST).find(|r| r.id == id) {
        return Err(format!(
            "`{shown}` is a rule of {}, not {tool}: run `{} --explain {shown}`",
            other.tool, other.tool
        ));
    }
    let ids: Vec<&str> = of_tool(tool).map(|r| r.id).collect();
    let mut m = format!("unknown rule `{shown}` for --explain");
    if let Some(best) = crate::config::nearest(id, ids.iter().copied()) {
        m.push_str(&format!(" (did you mean `{best}`?)"));
    }
    m.push_str(&format!("; {tool}'s rules: {}", ids.join(", ")));
    Err(m)
}

#[cfg(test)]
mod tests {
    #[test]
    fn docs_rules_md_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
        let want = super::markdown();
        if std::env::var_os("RELGATE_BLESS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/rules.md is stale: run `RELGATE_BLESS=1 cargo test --lib rules`"
        );
    }

    #[test]
    fn every_binary_explains_its_rules_and_points_elsewhere() {
        for (tool, own) in [
            ("validate-tag", "tag-invalid"),
            ("check-version-sync", "version-mismatch"),
            ("lint-changelog", "changelog-date-invalid"),
            ("guard-master-commit", "commit-to-protected-branch"),
            ("check-release-ready", "clean-tree"),
        ] {
            let text = super::explain(tool, own).unwrap();
            assert!(text.starts_with(&format!("{own} (")), "{tool}: {text}");
            assert!(
                text.contains("Fails:") && text.contains("Passes:"),
                "{text}"
            );
            assert!(super::explain(tool, "relgate-skip").is_ok(), "{tool}");
            assert!(super::explain(tool, "config-shadowed").is_ok(), "{tool}");
        }
        let e = super::explain("validate-tag", "tag-invaild").unwrap_err();
        assert!(e.contains("did you mean `tag-invalid`?"), "{e}");
        let e = super::explain("lint-changelog", "tag-invalid").unwrap_err();
        assert!(
            e.contains("a rule of validate-tag")
                && e.contains("validate-tag --explain tag-invalid"),
            "{e}"
        );
        let e = super::explain("guard-master-commit", "zzzzzz").unwrap_err();
        assert!(
            !e.contains("did you mean") && e.contains("commit-to-protected-branch"),
            "{e}"
        );
    }

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let ids: Vec<&str> = super::all().chain(super::CHECKLIST).map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "duplicate rule id");
        for id in ids {
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{id}"
            );
        }
    }
}
