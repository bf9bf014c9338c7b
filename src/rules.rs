//! The registry of every rule id of every binary: what `[rules]` may name, what `--explain`
//! prints and what docs/rules.md lists.

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
        id: "relgate-skip",
        tool: "all",
        severity: Severity::Note,
        summary: "RELGATE_SKIP names this binary (or `all`), so it passed without checking",
        why: "`git commit --no-verify` cannot skip prepare-commit-msg or reference-transaction hooks; this variable can, once.",
        bad: "(none: this is a note)",
        good: "RELGATE_SKIP=guard-master-commit git commit -m 'hotfix'",
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
    fn ids_are_unique_and_kebab_case() {
        let ids: Vec<&str> = super::all().map(|r| r.id).collect();
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
