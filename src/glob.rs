//! Whole-name glob matching for branch and tag names.
//!
//! `*` matches within one path segment (no `/`), `**` matches anything, `?` one character that is
//! not `/`. A pattern matches the whole name: `release/*` matches `release/1.0`, not
//! `xrelease/1` or `release/1/2`. A pattern without wildcards is an exact name.

/// Does `pattern` match all of `name`?
pub fn matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matcher with backtracking points for the last `*` and `**`; linear-ish and
    // never recursive, so hostile patterns cannot blow the stack.
    let (mut pi, mut ni) = (0, 0);
    // Resume points: the latest `*` of either kind, and the latest `**` (which may cross `/`
    // when a later single `*` cannot).
    let mut star: Option<(usize, usize, bool)> = None;
    let mut dstar: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && p[pi] == '*' {
            let double = pi + 1 < p.len() && p[pi + 1] == '*';
            let skip = if double { 2 } else { 1 };
            star = Some((pi + skip, ni, double));
            if double {
                dstar = Some((pi + skip, ni));
            }
            pi += skip;
            continue;
        }
        if pi < p.len() && (p[pi] == n[ni] || (p[pi] == '?' && n[ni] != '/')) {
            pi += 1;
            ni += 1;
            continue;
        }
        match (star, dstar) {
            (Some((sp, sn, double)), _) if double || n[sn] != '/' => {
                star = Some((sp, sn + 1, double));
                pi = sp;
                ni = sn + 1;
            }
            (_, Some((dp, dn))) => {
                dstar = Some((dp, dn + 1));
                star = Some((dp, dn + 1, true));
                pi = dp;
                ni = dn + 1;
            }
            _ => return false,
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Does any pattern match?
pub fn any(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|p| matches(p, name))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn whole_name_semantics() {
        assert!(matches("main", "main"));
        assert!(!matches("main", "main2"));
        assert!(!matches("main", "xmain"));
        assert!(matches("release/*", "release/1.0"));
        assert!(!matches("release/*", "xrelease/1"));
        assert!(!matches("release/*", "release/1/2"));
        assert!(matches("release/**", "release/1/2"));
        assert!(matches("claude/**", "claude/compaction/7"));
        assert!(matches("v?.*", "v1.x"));
        assert!(!matches("v?", "v/"));
        assert!(matches("*", "anything"));
        assert!(!matches("*", "a/b"));
        assert!(matches("**", "a/b"));
        assert!(matches("**/b/*", "a/b/c/b/d"));
        assert!(!matches("**/b/*", "a/b/c/d"));
        assert!(matches("", ""));
        assert!(!matches("", "a"));
    }

    #[test]
    fn hostile_patterns_finish() {
        let p = "*a".repeat(200);
        assert!(!matches(&p, &"a".repeat(100)));
    }
}
