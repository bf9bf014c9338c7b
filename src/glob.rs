//! Whole-name glob matching for branch and tag names.
//!
//! `*` matches within one path segment (no `/`), `**` matches anything, `?` one character that is
//! not `/`. A pattern matches the whole name: `release/*` matches `release/1.0`, not
//! `xrelease/1` or `release/1/2`. A pattern without wildcards is an exact name.

/// Does `pattern` match all of `text`?
pub fn matches(pattern: &str, text: &str) -> bool {
    enum Tok {
        Lit(char),
        One,
        Star,
        Any,
    }
    let mut toks = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => {
                let mut double = false;
                while chars.peek() == Some(&'*') {
                    chars.next();
                    double = true;
                }
                toks.push(if double { Tok::Any } else { Tok::Star });
            }
            '?' => toks.push(Tok::One),
            c => toks.push(Tok::Lit(c)),
        }
    }
    // Dynamic programming over (pattern token, text position): linear memory and
    // O(pattern × text) time whatever the input, unlike naive backtracking.
    let text: Vec<char> = text.chars().collect();
    let n = text.len();
    let mut dp = vec![false; n + 1];
    dp[0] = true;
    for tok in &toks {
        let mut next = vec![false; n + 1];
        match tok {
            Tok::Lit(c) => {
                for j in 0..n {
                    next[j + 1] = dp[j] && text[j] == *c;
                }
            }
            Tok::One => {
                for j in 0..n {
                    next[j + 1] = dp[j] && text[j] != '/';
                }
            }
            Tok::Star | Tok::Any => {
                let slash_ok = matches!(tok, Tok::Any);
                next[0] = dp[0];
                for j in 0..n {
                    next[j + 1] = dp[j + 1] || (next[j] && (slash_ok || text[j] != '/'));
                }
            }
        }
        dp = next;
    }
    dp[n]
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
