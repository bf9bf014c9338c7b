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
    SHARED.iter().chain(crate::checks::guard::RULES)
}

/// The entry of one rule id.
pub fn find(id: &str) -> Option<&'static RuleDoc> {
    all().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
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
