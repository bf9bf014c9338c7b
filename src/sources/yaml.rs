//! YAML-based sources: CITATION.cff and Helm's Chart.yaml (top-level `version`, read with
//! yaml-rust2's event parser, with positions), and conda-build's `meta.yaml`, whose
//! `{% set version = "..." %}` line is Jinja, read with an anchored regex where Jinja's lexer
//! would run it (not in a `{# #}` comment or a raw block).

use std::sync::OnceLock;

use regex::Regex;

use super::{Collector, article, clip, static_re, value_match};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::version::Ecosystem;

impl Collector<'_> {
    /// The top-level `version` of a YAML file of this package (CITATION.cff, Chart.yaml).
    pub(super) fn yaml_version(&mut self, name: &str, eco: Option<Ecosystem>) -> Result<()> {
        let path = self.at(name);
        let Some(text) = self.text(&path)? else {
            return Ok(());
        };
        let g = self.group();
        self.yaml_values(g, &path, &text, &["version"], "version", eco)?;
        Ok(())
    }

    pub(super) fn yaml_values(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        keys: &[&str],
        kind: &str,
        eco: Option<Ecosystem>,
    ) -> Result<usize> {
        let hits = yaml_find(path, text, keys)?;
        for h in &hits {
            match &h.value {
                Some(v) => self.push_at(group, path, h.line, h.column, kind, v, eco),
                None => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "version-invalid",
                            format!(
                                "{kind} in {path} is {} {}, not a version string",
                                article(h.what),
                                h.what
                            ),
                        )
                        .at(path, h.line, h.column)
                        .help("write the version as a string, e.g. \"1.2.0\""),
                    );
                }
            }
        }
        Ok(hits.len())
    }

    pub(super) fn conda(&mut self) -> Result<()> {
        for name in [
            "meta.yaml",
            "recipe/meta.yaml",
            "conda/meta.yaml",
            "conda.recipe/meta.yaml",
        ] {
            let path = self.at(name);
            let path: &str = &path;
            let Some(text) = self.text(path)? else {
                continue;
            };
            let re = static_re(&CONDA_SET, CONDA_SET_PATTERN)?;
            let g = self.group();
            let mut statements: Option<Vec<usize>> = None;
            for caps in re.captures_iter(&text) {
                // The `{%` of the line must open a statement Jinja runs: not one written in a
                // `{# #}` comment or a raw block. (Found on the first match: most recipes
                // have one.)
                let line = caps.get(0).map_or(0, |m| m.start());
                let open = line + text[line..].find('{').unwrap_or(0);
                let statements = statements.get_or_insert_with(|| jinja_statements(&text));
                if statements.binary_search(&open).is_err() {
                    continue;
                }
                if let Some(m) = value_match(&caps) {
                    self.push(
                        g,
                        path,
                        &text,
                        m.start(),
                        "{% set version %}",
                        m.as_str(),
                        Some(Ecosystem::Python),
                    );
                }
            }
        }
        Ok(())
    }
}

/// The offsets of the `{%` that open the statements Jinja runs, found as its lexer finds them:
/// a `{%` inside a `{# ... #}` comment, inside another tag or `{{ ... }}` (strings included),
/// or between `{% raw %}` and `{% endraw %}` opens nothing. One pass over the text.
fn jinja_statements(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(j) = b[i..].iter().position(|&c| c == b'{') {
        let at = i + j;
        i = match b.get(at + 1) {
            Some(b'#') => find(b, at + 2, b"#}").map_or(b.len(), |e| e + 2),
            Some(b'{') => tag_end(b, at + 2, b"}}"),
            Some(b'%') => {
                out.push(at);
                let end = tag_end(b, at + 2, b"%}");
                if jinja_word(&b[at + 2..end]) == b"raw" {
                    raw_end(b, end)
                } else {
                    end
                }
            }
            _ => at + 1,
        };
    }
    out
}

/// The first `needle` at or after `from`.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Just past the `close` that ends a tag whose body starts at `from`, quoted strings skipped
/// (Jinja reads them as string tokens); the end of the text if it never closes.
fn tag_end(b: &[u8], from: usize, close: &[u8]) -> usize {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ if b[i..].starts_with(close) => return i + close.len(),
            _ => i += 1,
        }
    }
    b.len()
}

/// The one word of a tag (`{%- raw +%}` → `raw`): its body without the closing delimiter,
/// whitespace control or blanks.
fn jinja_word(tag: &[u8]) -> &[u8] {
    let body = tag.strip_suffix(b"%}").unwrap_or(tag).trim_ascii();
    let body = body
        .strip_prefix(b"-")
        .or_else(|| body.strip_prefix(b"+"))
        .unwrap_or(body);
    let body = body
        .strip_suffix(b"-")
        .or_else(|| body.strip_suffix(b"+"))
        .unwrap_or(body);
    body.trim_ascii()
}

/// Just past the `{% endraw %}` that ends a raw block starting at `from`; each `{%` is looked
/// at only up to the end of its own word, so this stays linear.
fn raw_end(b: &[u8], mut from: usize) -> usize {
    let blanks = |i: &mut usize| {
        while b.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    while let Some(at) = find(b, from, b"{%") {
        let mut i = at + 2;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        blanks(&mut i);
        if b[i..].starts_with(b"endraw") {
            i += b"endraw".len();
            blanks(&mut i);
            if b.get(i) == Some(&b'-') {
                i += 1;
            }
            if b[i..].starts_with(b"%}") {
                return i + 2;
            }
        }
        from = at + 2;
    }
    b.len()
}

/// conda-build's Jinja line `{% set version = "1.2.0" %}`.
pub(super) const CONDA_SET_PATTERN: &str = r#"(?m)^[ \t]*\{%-?[ \t]*set[ \t]+version[ \t]*=[ \t]*(?:"(?P<d>[^"\r\n]*)"|'(?P<s>[^'\r\n]*)')[ \t]*-?%\}"#;
pub(super) static CONDA_SET: OnceLock<Regex> = OnceLock::new();

/// A value found at a key path in YAML: its text when it is a scalar, and its position.
pub(super) struct YamlHit {
    value: Option<String>,
    line: usize,
    column: usize,
    what: &'static str,
}

/// Every value at `keys` (mapping keys from the document's top-level mapping down) in the
/// first YAML document, from the event stream: no tree is built and aliases are not expanded.
pub(super) fn yaml_find(path: &str, text: &str, keys: &[&str]) -> Result<Vec<YamlHit>> {
    use yaml_rust2::parser::{Event, Parser};
    use yaml_rust2::scanner::TScalarStyle;

    enum Frame {
        /// `child_is_key`: the open child collection is a (complex) key, so a value follows it.
        Map {
            key: Option<String>,
            want_key: bool,
            child_is_key: bool,
        },
        Seq,
    }
    let on_path = |stack: &[Frame]| {
        stack.len() == keys.len()
            && stack
                .iter()
                .zip(keys)
                .all(|(f, k)| matches!(f, Frame::Map { key: Some(key), .. } if key == k))
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut hits = Vec::new();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let m = e.marker();
            Error::new(format!(
                "cannot read {path}:{}:{}: malformed YAML",
                m.line(),
                m.col() + 1
            ))
            .caused_by(clip(e.info(), 300))
        })?;
        // A scalar or collection in value position: check it, then the map wants a key again.
        let mut value = |stack: &mut Vec<Frame>, hit: Option<YamlHit>| {
            if let Some(Frame::Map { want_key, .. }) = stack.last()
                && !*want_key
            {
                if on_path(stack)
                    && let Some(h) = hit
                {
                    hits.push(h);
                }
                if let Some(Frame::Map { want_key, .. }) = stack.last_mut() {
                    *want_key = true;
                }
            }
        };
        let at = |quoted: bool| (mark.line(), mark.col() + 1 + usize::from(quoted));
        match event {
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::Scalar(s, style, _, _) => {
                if let Some(Frame::Map { key, want_key, .. }) = stack.last_mut()
                    && *want_key
                {
                    *key = Some(s);
                    *want_key = false;
                    continue;
                }
                let quoted = matches!(
                    style,
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
                );
                let (line, column) = at(quoted);
                let hit = if s.is_empty() && style == TScalarStyle::Plain {
                    YamlHit {
                        value: None,
                        line,
                        column,
                        what: "empty value",
                    }
                } else {
                    YamlHit {
                        value: Some(s),
                        line,
                        column,
                        what: "string",
                    }
                };
                value(&mut stack, Some(hit));
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let (line, column) = at(false);
                let in_key = matches!(stack.last(), Some(Frame::Map { want_key: true, .. }));
                if in_key {
                    // A complex key: whatever it is, it is not one of ours.
                    if let Some(Frame::Map {
                        key,
                        want_key,
                        child_is_key,
                    }) = stack.last_mut()
                    {
                        *key = None;
                        *want_key = false;
                        *child_is_key = true;
                    }
                } else {
                    let what = if is_map { "mapping" } else { "sequence" };
                    // Report, but keep the map waiting for this value to end.
                    if let Some(Frame::Map {
                        want_key: false, ..
                    }) = stack.last()
                        && on_path(&stack)
                    {
                        hits.push(YamlHit {
                            value: None,
                            line,
                            column,
                            what,
                        });
                    }
                }
                stack.push(if is_map {
                    Frame::Map {
                        key: None,
                        want_key: true,
                        child_is_key: false,
                    }
                } else {
                    Frame::Seq
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if let Some(Frame::Map {
                    want_key,
                    child_is_key,
                    ..
                }) = stack.last_mut()
                {
                    if *child_is_key {
                        // That was a complex key; its value follows.
                        *child_is_key = false;
                    } else {
                        *want_key = true;
                    }
                }
            }
            Event::Alias(_) => {
                let (line, column) = at(false);
                if let Some(Frame::Map { key, want_key, .. }) = stack.last_mut()
                    && *want_key
                {
                    *key = None;
                    *want_key = false;
                    continue;
                }
                value(
                    &mut stack,
                    Some(YamlHit {
                        value: None,
                        line,
                        column,
                        what: "alias",
                    }),
                );
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart => {}
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::jinja_statements;
    use crate::version::Ecosystem;

    #[test]
    fn citation_cff_top_level_version() {
        let text = "cff-version: 1.2.0\ntitle: \"é démo\"\nreferences:\n  - version: 9.9.9\nversion: \"2.0.0\"\ndate-released: 2024-01-31\n";
        let s = run(&[("CITATION.cff", text)]);
        assert_eq!(found(&s), [f("CITATION.cff", 5, 11, "version", "2.0.0")]);
        let s = run(&[("CITATION.cff", "cff-version: 1.2.0\nversion: [1, 2]\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "CITATION.cff".into(), Some(2), Some(10))]
        );
        let s = run(&[("CITATION.cff", "version:\ntitle: x\n")]);
        assert_eq!(diags(&s)[0].0, "version-invalid");
        let s = run(&[("CITATION.cff", "version: 2.0\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "CITATION.cff".into(), Some(1), Some(10))]
        );
    }

    #[test]
    fn conda_recipe_set_version() {
        let text = "{% set name = \"demo\" %}\n{% set version_major = \"9\" %}\n{%- set version = '1.5.0' -%}\n\npackage:\n  version: {{ version }}\n";
        let s = run(&[("recipe/meta.yaml", text)]);
        assert_eq!(
            found(&s),
            [f("recipe/meta.yaml", 3, 20, "{% set version %}", "1.5.0")]
        );
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Python);
        let s = run(&[(
            "meta.yaml",
            "{% set version = \"1.5.0\" %}\n{% set version = \"1.4.0\" %}\n",
        )]);
        assert_eq!(
            s.diagnostics
                .iter()
                .filter(|d| d.rule == "version-multiple")
                .count(),
            2
        );
        let s = run(&[("conda/meta.yaml", "{% set version = \"one\" %}\n")]);
        assert_eq!(
            diags(&s),
            [(
                "version-invalid",
                "conda/meta.yaml".into(),
                Some(1),
                Some(19)
            )]
        );
    }

    /// A `{% set version %}` that Jinja never runs (in a `{# #}` comment, between `{% raw %}`
    /// and `{% endraw %}`) is not a source.
    #[test]
    fn conda_set_version_in_a_jinja_comment_is_not_a_source() {
        for text in [
            "{# {% set version = \"9.9.9\" %} #}\n{% set version = \"1.5.0\" %}\n",
            "{#\n{% set version = \"9.9.9\" %}\n#}\n{% set version = \"1.5.0\" %}\n",
            "{#- old:\n  {% set version = \"9.9.9\" %}\n-#}\n{% set version = \"1.5.0\" %}\n",
            "{% raw %}\n{% set version = \"9.9.9\" %}\n{%- endraw %}\n{% set version = \"1.5.0\" %}\n",
        ] {
            let s = run(&[("meta.yaml", text)]);
            assert_eq!(found(&s).len(), 1, "{text:?}: {s:?}");
            assert_eq!(s.found[0].version.raw(), "1.5.0", "{text:?}");
            assert!(s.diagnostics.is_empty(), "{text:?}: {:?}", s.diagnostics);
        }
        // `{#` inside a string of a tag opens no comment; a closed comment hides nothing after it.
        let s = run(&[(
            "meta.yaml",
            "{% set x = \"{#\" %}\n{{ '{#' }}\n{# c #}\n{% set version = \"1.5.0\" %}\n",
        )]);
        assert_eq!(
            found(&s),
            [f("meta.yaml", 4, 19, "{% set version %}", "1.5.0")]
        );
        // Linear: a hundred thousand comments and tags.
        let many =
            "{# x #}{% set a = 1 %}{{ b }}\n".repeat(100_000) + "{% set version = \"1.5.0\" %}\n";
        assert_eq!(run(&[("meta.yaml", &many)]).found.len(), 1);
        let unclosed = format!(
            "{{% raw %}}{}\n{{% set version = \"1.5.0\" %}}\n",
            "{% ".repeat(200_000)
        );
        assert!(run(&[("meta.yaml", &unclosed)]).found.is_empty());
        let statements =
            jinja_statements("{% a %}{# {% b %} #}{{ '%}{%' }}{%- raw -%}{% c %}{% endraw %}{%d%}");
        assert_eq!(statements, [0, 32, 62]);
    }

    #[test]
    fn helm_chart_version_not_app_version() {
        let text = "apiVersion: v2\nname: demo\nappVersion: \"9.9.9\"\ndependencies:\n  - name: x\n    version: 1.0.0\nversion: 0.3.1\n";
        let s = run(&[("Chart.yaml", text)]);
        assert_eq!(found(&s), [f("Chart.yaml", 7, 10, "version", "0.3.1")]);
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Semver);
        let s = run(&[("Chart.yaml", "version: 0.3\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "Chart.yaml".into(), Some(1), Some(10))]
        );
        // Complex keys and aliases do not confuse the walk.
        let s = run(&[(
            "Chart.yaml",
            "? [version]\n: 1.0.0\nx: &a 1\ny: *a\n*a : 3\nversion: 0.3.2\n",
        )]);
        assert_eq!(found(&s), [f("Chart.yaml", 6, 10, "version", "0.3.2")]);
    }
}
