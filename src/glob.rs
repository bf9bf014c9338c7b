//! Whole-name glob matching for branch and tag names, as `git tag -l` and `git branch -l` read
//! their patterns: git's wildmatch without path semantics, so `*` and `?` also match `/`,
//! `[0-9]`, `[!a]` and `[[:digit:]]` are classes, `\` escapes, and a pattern matches the whole
//! name (`release/*` matches `release/1.0` and `release/1/2`, not `xrelease/1`). The matcher is
//! git's own algorithm as gix implements it (through [`crate::git::wildmatch`]), not ours.

/// Does `pattern` match all of `text`?
pub fn matches(pattern: &str, text: &str) -> bool {
    crate::git::wildmatch(pattern, text)
}

/// Does any pattern match?
pub fn any(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|p| matches(p, name))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn whole_name_semantics_as_git_tag_l() {
        assert!(matches("main", "main"));
        assert!(!matches("main", "main2"));
        assert!(!matches("main", "xmain"));
        assert!(matches("release/*", "release/1.0"));
        assert!(!matches("release/*", "xrelease/1"));
        // git tag -l / git branch -l: `*` crosses `/` (no WM_PATHNAME).
        assert!(matches("release/*", "release/1/2"));
        assert!(matches("release/**", "release/1/2"));
        assert!(matches("claude/**", "claude/compaction/7"));
        assert!(matches("v?.*", "v1.x"));
        assert!(matches("*", "a/b"));
        assert!(matches("", ""));
        assert!(!matches("", "a"));
    }

    #[test]
    fn classes_and_escapes() {
        assert!(matches("v[0-9]*", "v1.2.0"));
        assert!(!matches("v[0-9]*", "vx"));
        assert!(matches("[!a]*", "b1"));
        assert!(!matches("[!a]*", "a1"));
        assert!(matches("[[:digit:]].x", "1.x"));
        assert!(matches("a\\*", "a*"));
        assert!(!matches("a\\*", "ab"));
    }

    #[test]
    fn hostile_patterns_finish() {
        let p = "*a".repeat(200);
        assert!(!matches(&p, &"a".repeat(100)));
    }
}
