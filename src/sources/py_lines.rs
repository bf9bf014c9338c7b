//! One-line Python scanners: `NAME = "..."` assignments, `from .x import NAME` re-exports and
//! hatch's default version pattern, with the import resolution that follows a re-export; and
//! [`CodeLines`], which tells the lines inside string literals (docstrings) apart, so that the
//! scanners read the module's statements only.
//!
//! Hand-written because compiling the equivalent regexes costs more than the rest of a commit
//! hook's run (docs/performance.md); each scanner has a unit test that holds it to the regex it
//! replaces, over 20,000 generated lines.

use super::join;
use super::python::is_identifier;
use crate::error::Result;

/// hatch's default version pattern (hatchling `version/source/regex.py`),
/// `(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2`, on one line: the name's and
/// the value's byte ranges. Hand-written for the same reason as [`assignment_value`].
pub(super) fn hatch_default(
    line: &str,
) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let b = line.as_bytes();
    let name = ["__version__", "version"]
        .into_iter()
        .find(|n| b.len() >= n.len() && b[..n.len()].eq_ignore_ascii_case(n.as_bytes()))?
        .len();
    let mut i = name;
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    if b.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    let quote = *b.get(i).filter(|q| matches!(q, b'"' | b'\''))?;
    let open = i + 1;
    let close = open
        + b[open..]
            .iter()
            .position(|&c| c == quote || c == b'\r' || c == b'\n')?;
    if b[close] != quote || close == open {
        return None;
    }
    // `v?` before at least one character: a lone `v` is the value itself.
    let start = if b[open] == b'v' && close > open + 1 {
        open + 1
    } else {
        open
    };
    Some((0..name, start..close))
}

/// The string of a top-level `NAME = "..."` line (one line, with its `\n` if any), as a byte
/// range of `line`. The line is:
///
/// ```text
/// NAME [: annotation] = [OTHER = ...] [u]"value" [# comment]
/// ```
///
/// at column 0, with spaces or tabs between the parts and a single- or double-quoted value
/// without escapes. A hand-written scanner, because compiling the equivalent regex costs more
/// than the rest of a hook's run (the unit tests hold it to that regex).
pub(super) fn assignment_value(line: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let b = line.as_bytes();
    let blank = |i: &mut usize| {
        while matches!(b.get(*i), Some(b' ' | b'\t')) {
            *i += 1;
        }
    };
    let mut i = name.len();
    if !b.starts_with(name.as_bytes()) {
        return None;
    }
    blank(&mut i);
    if b.get(i) == Some(&b':') {
        while !matches!(b.get(i), None | Some(b'=' | b'\r' | b'\n')) {
            i += 1;
        }
    }
    if b.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    blank(&mut i);
    // Chained targets (`__version__ = VERSION = "1.0"`), then an optional `u` prefix.
    loop {
        match b.get(i) {
            Some(b'"' | b'\'') => break,
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let start = i;
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                if i == start + 1
                    && matches!(b[start], b'u' | b'U')
                    && matches!(b.get(i), Some(b'"' | b'\''))
                {
                    break;
                }
                blank(&mut i);
                if b.get(i) != Some(&b'=') {
                    return None;
                }
                i += 1;
                blank(&mut i);
            }
            _ => return None,
        }
    }
    let quote = b[i];
    let start = i + 1;
    let mut end = start;
    while !matches!(b.get(end), None | Some(b'\\' | b'\r' | b'\n')) && b[end] != quote {
        end += 1;
    }
    if b.get(end) != Some(&quote) {
        return None;
    }
    i = end + 1;
    blank(&mut i);
    if b.get(i) == Some(&b'#') {
        while !matches!(b.get(i), None | Some(b'\r' | b'\n')) {
            i += 1;
        }
    }
    if b.get(i) == Some(&b'\r') {
        i += 1;
    }
    matches!(b.get(i), None | Some(b'\n')).then_some(start..end)
}

/// `NAME = (1, 2, 21)` on one line at column 0 (dulwich's `__version__`): a tuple of two to
/// four numbers, which setuptools' `attr:` joins with dots. The range of the tuple in `line`
/// and the version it makes (`1.2.21`).
pub(super) fn tuple_value(line: &str, name: &str) -> Option<(std::ops::Range<usize>, String)> {
    let rest = line.strip_prefix(name)?;
    let eq = rest.trim_start_matches([' ', '\t']).strip_prefix('=')?;
    let value = eq.trim_start_matches([' ', '\t']);
    let open = line.len() - value.len();
    let close = value.find(')')?;
    let inner = value.strip_prefix('(')?.get(..close - 1)?;
    let after = value[close + 1..].trim_start_matches([' ', '\t']);
    if !(after.is_empty() || after.starts_with('#') || after.starts_with(['\r', '\n'])) {
        return None;
    }
    let parts: Vec<&str> = inner
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let numbers = parts
        .iter()
        .all(|p| p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0')));
    ((2..=4).contains(&parts.len()) && numbers).then(|| (open..open + close + 1, parts.join(".")))
}

/// `from .x import a, b as c` (or `import (a, b)`) on one line, at column 0: the module and
/// the names as written. Hand-written for the same reason as [`assignment_value`].
pub(super) fn from_import(line: &str) -> Option<(&str, &str)> {
    let blanks = |s: &str| s.len() - s.trim_start_matches([' ', '\t']).len();
    let rest = line.strip_prefix("from")?;
    let (ws, rest) = (blanks(rest), rest.trim_start_matches([' ', '\t']));
    let module_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
        .count();
    let (module, rest) = rest.split_at(module_len);
    let ws2 = blanks(rest);
    let rest = rest
        .trim_start_matches([' ', '\t'])
        .strip_prefix("import")?;
    let ws3 = blanks(rest);
    if ws == 0 || module.is_empty() || ws2 == 0 || ws3 == 0 {
        return None;
    }
    let rest = &rest[ws3..];
    let rest = rest.strip_prefix('(').unwrap_or(rest);
    let names_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b',' | b' ' | b'\t'))
        .count();
    let (names, tail) = rest.split_at(names_len);
    let names = names.trim_end_matches([' ', '\t']);
    if names.is_empty() {
        return None;
    }
    let tail = tail.strip_prefix(')').unwrap_or(tail);
    let tail = tail.trim_start_matches([' ', '\t']);
    let tail = match tail.strip_prefix('#') {
        Some(comment) => &comment[comment.find(['\r', '\n']).unwrap_or(comment.len())..],
        None => tail,
    };
    matches!(tail, "" | "\n" | "\r" | "\r\n").then_some((module, names))
}

/// Each line of `text` that `read` finds something in and that begins in code, with its offset
/// and what was found. Only those lines are asked of [`CodeLines`], so its scan goes as far as
/// the last of them.
pub(super) fn in_code<'t, T: 't>(
    text: &'t str,
    mut read: impl FnMut(&'t str) -> Option<T> + 't,
) -> impl Iterator<Item = (usize, T)> + 't {
    let mut code = CodeLines::new(text);
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let at = offset;
        offset += line.len();
        let found = read(line)?;
        code.starts_in_code(at).then_some((at, found))
    })
}

/// Which lines of a Python file begin outside a string literal. A `__version__ = "1.0"` line
/// inside a docstring (any triple-quoted string, or a string continued with a backslash) is
/// text, not a statement. Lines are asked about in file order, so the file is scanned once
/// however many are asked about, and only as far as the last one: the scanners ask only about
/// the few lines that look like what they want. The scan follows only what can hide a line:
/// string literals (any prefix, escapes) and comments.
pub(super) struct CodeLines<'t> {
    /// The text from the first line not scanned yet.
    rest: &'t str,
    /// Its offset in the file.
    at: usize,
    /// The string open at `at`.
    open: OpenString,
}

impl<'t> CodeLines<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        CodeLines {
            rest: text,
            at: 0,
            open: None,
        }
    }

    /// Does the line that starts at `offset` begin outside a string? Offsets are asked in
    /// increasing order.
    pub(super) fn starts_in_code(&mut self, offset: usize) -> bool {
        while self.at < offset && !self.rest.is_empty() {
            let len = self.rest.find('\n').map_or(self.rest.len(), |i| i + 1);
            let (line, rest) = self.rest.split_at(len);
            self.open = open_string_after(line.as_bytes(), self.open);
            self.rest = rest;
            self.at += len;
        }
        self.open.is_none()
    }
}

/// A string literal that a line leaves open: its quote, and whether it is triple-quoted.
type OpenString = Option<(u8, bool)>;

/// The string still open at the end of `line`, given the one open at its start.
fn open_string_after(line: &[u8], mut open: OpenString) -> OpenString {
    let mut i = 0;
    loop {
        match open {
            None => {
                let j = line[i..]
                    .iter()
                    .position(|c| matches!(c, b'"' | b'\'' | b'#'))?;
                i += j;
                let q = line[i];
                if q == b'#' {
                    return None;
                }
                let triple = line[i + 1..].starts_with(&[q, q]);
                open = Some((q, triple));
                i += if triple { 3 } else { 1 };
            }
            Some((q, triple)) => loop {
                match line.get(i) {
                    // A single-quoted string that reaches the end of its line unescaped is an
                    // error in Python: it does not go on.
                    None | Some(b'\n') => return open.filter(|_| triple),
                    Some(b'\\') => {
                        if matches!(&line[i + 1..], b"\n" | b"\r\n" | b"") {
                            return open;
                        }
                        i += 2;
                    }
                    Some(&c) if c == q && (!triple || line[i..].starts_with(&[q, q, q])) => {
                        i += if triple { 3 } else { 1 };
                        open = None;
                        break;
                    }
                    Some(_) => i += 1,
                }
            },
        }
    }
}

pub(super) fn import_source(
    text: &str,
    name: &str,
    path: &str,
    roots: &[String],
) -> Result<Option<(Vec<String>, String)>> {
    let imports = |line| {
        let (module, names) = from_import(line)?;
        let imported = names.split(',').find_map(|item| {
            let words: Vec<&str> = item.split_whitespace().collect();
            match words.as_slice() {
                [n] if *n == name => Some((*n).to_string()),
                [orig, "as", alias] if *alias == name => Some((*orig).to_string()),
                _ => None,
            }
        })?;
        Some((module, imported))
    };
    for (_, (module, imported)) in in_code(text, imports) {
        let dots = module.bytes().take_while(|&b| b == b'.').count();
        let rest = &module[dots..];
        if !rest.is_empty() && !rest.split('.').all(is_identifier) {
            continue;
        }
        let rel = rest.replace('.', "/");
        let mut bases = Vec::new();
        if dots > 0 {
            // Relative: the importing file's package directory, then up one per extra dot.
            let mut dir: Vec<&str> = path.split('/').collect();
            dir.pop();
            for _ in 1..dots {
                if dir.pop().is_none() {
                    break;
                }
            }
            bases.push(dir.join("/"));
        } else {
            bases.extend(roots.iter().cloned());
        }
        let mut candidates = Vec::new();
        for base in bases {
            if rel.is_empty() {
                candidates.push(join(&base, "__init__.py"));
            } else {
                candidates.push(join(&base, &format!("{rel}.py")));
                candidates.push(join(&base, &format!("{rel}/__init__.py")));
            }
        }
        candidates.retain(|c| c != path);
        return Ok(Some((candidates, imported)));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::value_match;
    use super::*;
    use regex::Regex;

    #[test]
    fn hatch_default_scanner_agrees_with_the_regex() {
        // hatchling's pattern with the back-reference spelled out.
        let re = Regex::new(
            r#"(?m)^(?P<name>(?i-u:__version__|version)) *= *(?:"v?(?P<d>[^"\r\n]+?)"|'v?(?P<s>[^'\r\n]+?)')"#,
        )
        .unwrap();
        let slots: [&[&str]; 6] = [
            &[
                "__version__",
                "VERSION",
                "Version",
                "__VERSION__",
                "version_",
                " version",
                "_version",
            ],
            &["", " ", "  ", "\t"],
            &["=", "=", "==", ":"],
            &["", " ", "\t"],
            &[
                "\"1.0\"", "'v1.0'", "\"v\"", "\"\"", "'x\"", "\"vv2\"", "'1\n'", "\"é\"", "1.0",
            ],
            &["\n", "", " # x\r\n", "\"\n", "\nversion='2'\n"],
        ];
        agree(
            &generated(&slots),
            |text| {
                re.captures_iter(text)
                    .map(|c| (c["name"].to_string(), value_match(&c).unwrap().range()))
                    .collect()
            },
            |text| {
                let mut got = Vec::new();
                scan_lines(text, hatch_default, |o, (n, v)| {
                    got.push((
                        text[o + n.start..o + n.end].to_string(),
                        o + v.start..o + v.end,
                    ))
                });
                got
            },
        );
    }

    #[test]
    fn import_scanner_agrees_with_the_regex() {
        let re = Regex::new(
            r"(?m)^from[ \t]+(?P<m>[A-Za-z0-9_.]+)[ \t]+import[ \t]+\(?(?P<n>[A-Za-z0-9_, \t]+?)\)?[ \t]*(?:#[^\r\n]*)?\r?$",
        )
        .unwrap();
        let slots: [&[&str]; 9] = [
            &["from", "from", " from", "fromx", "From"],
            &[" ", "\t", "", "  "],
            &["._version", "..", "pkg.sub", "a-b", "", "é"],
            &[" ", "", "\t "],
            &["import", "import", "imports", "impor"],
            &[" ", "", "\t", "  "],
            &["", "(", "(("],
            &[
                "__version__",
                "a, __version__ as v",
                "x ,y",
                "",
                " ",
                "a.b",
                "a )",
                "a\t",
            ],
            &[
                "\n",
                ")\n",
                " # c\r\n",
                "#\r",
                "",
                ") x\n",
                "\r\r\n",
                "\nfrom . import x\n",
            ],
        ];
        agree(
            &generated(&slots),
            |text| {
                re.captures_iter(text)
                    .map(|c| (c["m"].to_string(), c["n"].trim_end().to_string()))
                    .filter(|(_, n)| !n.is_empty())
                    .collect()
            },
            |text| {
                let mut got = Vec::new();
                scan_lines(text, from_import, |_, (m, n)| {
                    got.push((m.to_string(), n.to_string()))
                });
                got
            },
        );
    }

    /// The lines that begin outside a string, as `CodeLines` answers when asked about each.
    fn code_lines(text: &str) -> Vec<(usize, &str)> {
        let mut code = CodeLines::new(text);
        let mut offset = 0;
        let mut out = Vec::new();
        for line in text.split_inclusive('\n') {
            if code.starts_in_code(offset) {
                out.push((offset, line));
            }
            offset += line.len();
        }
        out
    }

    #[test]
    fn a_tuple_of_numbers_is_the_version_setuptools_joins() {
        let line = "__version__ = (1, 2, 21)  # joined\n";
        let (range, v) = tuple_value(line, "__version__").unwrap();
        assert_eq!((&line[range], v.as_str()), ("(1, 2, 21)", "1.2.21"));
        assert_eq!(
            tuple_value("VERSION=(0,14,)\n", "VERSION").unwrap().1,
            "0.14"
        );
        for no in [
            "__version__ = (1,)\n",
            "__version__ = (1, 2, 3, 4, 5)\n",
            "__version__ = (1, 02, 3)\n",
            "__version__ = (1, 2, 'rc1')\n",
            "__version__ = (1, 2, 3) + EXTRA\n",
            "__version__ = VERSION\n",
            "__version_info__ = (1, 2, 3)\n",
            "    __version__ = (1, 2, 3)\n",
        ] {
            assert_eq!(tuple_value(no, "__version__"), None, "{no}");
        }
    }

    #[test]
    fn code_lines_leave_out_lines_inside_strings() {
        let text = "a = 1\n\"\"\"doc\nin doc\n\"\"\" # x\nb = 'it''s' # '''\nc = '''x\\'''\n'''\nd = \"open\ne = 2";
        let lines = code_lines(text);
        // The line that closes a docstring starts inside it; an unclosed one-line string ends
        // with its line.
        assert_eq!(
            lines,
            [
                (0, "a = 1\n"),
                (6, "\"\"\"doc\n"),
                (28, "b = 'it''s' # '''\n"),
                (46, "c = '''x\\'''\n"),
                (63, "d = \"open\n"),
                (73, "e = 2"),
            ]
        );
        // One pass: a hundred thousand docstrings.
        let many = "\"\"\"\n__version__ = '9'\n\"\"\"\n".repeat(100_000);
        assert_eq!(code_lines(&many).len(), 100_000);
        assert!(
            code_lines(&many)
                .iter()
                .all(|(_, line)| !line.contains("__version__"))
        );
    }

    /// The scanner finds exactly what the anchored regex it replaced finds, on lines built from
    /// the fragments that matter to it (and on the cases that broke earlier scanners).
    #[test]
    fn assignment_scanner_agrees_with_the_regex() {
        let re = Regex::new(
            r#"(?m)^__version__[ \t]*(?::[^=\r\n]*)?=[ \t]*(?:[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*)*[uU]?(?:"(?P<d>[^"\\\r\n]*)"|'(?P<s>[^'\\\r\n]*)')[ \t]*(?:#[^\r\n]*)?\r?$"#,
        )
        .unwrap();
        // Each slot of the line, with variants that keep it valid and variants that break it.
        let slots: [&[&str]; 10] = [
            &[
                "__version__",
                "__version__",
                "__version__x",
                " __version__",
                "__version",
            ],
            &["", "", " ", "\t ", "\r"],
            &["", "", ": str ", ":", ": Final[str]", ":x\n"],
            &["=", "=", "=", "==", ":=", ""],
            &[
                "",
                " ",
                "\t",
                " VERSION = ",
                "_a1=",
                "x = y = ",
                "u ",
                "1 = ",
                "(",
            ],
            &["", "", "u", "U", "ub", "b", "r"],
            &[
                "\"1.2.0\"",
                "'1.2.0'",
                "\"it's\"",
                "'a\\'b'",
                "\"\"",
                "\"1.0",
                "'x\"",
                "\"é\"",
            ],
            &["", "", " ", "\t", "x", ","],
            &["", "", "# c", "#", "# a\rb", " # é"],
            &["\n", "\r\n", "", "\r", "\n\n", "\n__version__ = '2'\n"],
        ];
        let mut texts = generated(&slots);
        texts.push("__version__ = u \"1.0\"\n".into());
        agree(
            &texts,
            |text| {
                re.captures_iter(text)
                    .filter_map(|c| value_match(&c).map(|m| m.range()))
                    .collect()
            },
            |text| {
                let mut got = Vec::new();
                scan_lines(
                    text,
                    |l| assignment_value(l, "__version__"),
                    |o, r| got.push(o + r.start..o + r.end),
                );
                got
            },
        );
    }
}
