//! INI files as Python's `configparser` reads them: setup.cfg (setuptools) and
//! `.bumpversion.cfg` (bumpversion, bump2version, bump-my-version), with the byte offset of
//! every section name, key and value.
//!
//! A scanner of our own, measured against the crates that exist (2026-12):
//! `serde-ini-spanned` 0.0.2 is the one configparser-compatible parser with spans, and it prints
//! a debug line to stdout for every line it parses (which would corrupt `--format json`);
//! `ini-roundtrip` 0.2 keeps borrowed slices but knows neither `:` as a delimiter nor
//! indented continuation lines, so the code on top of it would be this scanner again;
//! `rust-ini` and `configparser` give no positions. configparser's grammar is the few rules
//! below (cpython `Lib/configparser.py`, `RawConfigParser._read`), and the unit tests hold the
//! scanner to them.
//!
//! - A line whose stripped text starts with `#` or `;` is a comment, wherever it is; inline
//!   comments are not recognised (the default of both setuptools and bumpversion).
//! - A non-empty line indented deeper than the line of the current option continues its value.
//! - `[name]` (after stripping) starts a section; section names are case-sensitive.
//! - `key = value` or `key: value`, split at the first `=` or `:`; keys are lower-cased and
//!   stripped, values stripped.

/// A `[section]` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IniSection {
    pub(super) name: String,
    /// Byte offset of the name's first character (after `[`).
    pub(super) offset: usize,
}

/// One `key = value` (with its continuation lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IniEntry {
    /// The section it belongs to, as written; `""` before any section header.
    pub(super) section: String,
    /// Lower-cased, as configparser's `optionxform` does.
    pub(super) key: String,
    pub(super) key_offset: usize,
    /// The value on the key's own line, stripped (often empty before continuation lines).
    pub(super) value: String,
    /// Byte offset of the value's first character (of the line end when it is empty).
    pub(super) offset: usize,
    /// Continuation lines, stripped, each with its offset.
    pub(super) cont: Vec<(String, usize)>,
}

impl IniEntry {
    /// The first line and the continuation lines that are not empty, each with its offset.
    pub(super) fn lines(&self) -> impl Iterator<Item = (&str, usize)> {
        std::iter::once((self.value.as_str(), self.offset))
            .chain(self.cont.iter().map(|(v, o)| (v.as_str(), *o)))
            .filter(|(v, _)| !v.is_empty())
    }
}

/// Every section header and every entry of an INI text, in order.
pub(super) fn ini_parse(text: &str) -> (Vec<IniSection>, Vec<IniEntry>) {
    let mut sections = Vec::new();
    let mut entries: Vec<IniEntry> = Vec::new();
    let mut section = String::new();
    let mut in_option = false;
    let mut indent_level = 0;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let value = line.trim();
        if value.is_empty() || value.starts_with(['#', ';']) {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if in_option && indent > indent_level {
            if let Some(last) = entries.last_mut() {
                last.cont.push((value.to_string(), start + indent));
            }
            continue;
        }
        indent_level = indent;
        if let Some(inner) = value.strip_prefix('[')
            && let Some(end) = inner.rfind(']')
            && end > 0
        {
            section = inner[..end].to_string();
            sections.push(IniSection {
                name: section.clone(),
                offset: start + indent + 1,
            });
            in_option = false;
            continue;
        }
        let Some(d) = value.find(['=', ':']) else {
            // configparser raises a ParsingError; for a version source the line is nothing.
            in_option = false;
            continue;
        };
        let after = &value[d + 1..];
        let lead = after.len() - after.trim_start().len();
        let key = value[..d].trim();
        entries.push(IniEntry {
            section: section.clone(),
            key: key.to_lowercase(),
            key_offset: start + indent,
            value: after.trim().to_string(),
            offset: start + indent + d + 1 + lead,
            cont: Vec::new(),
        });
        in_option = true;
    }
    (sections, entries)
}

/// The entries only.
pub(super) fn ini_entries(text: &str) -> Vec<IniEntry> {
    ini_parse(text).1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configparser_rules() {
        let text = "; top\n[bumpversion]\nCurrent_Version = 1.2.0\nserialize =\n  {major}.{minor}.{patch}\n\n  # a comment inside\n  {major}.{minor}\nname: demo\n  [not a section]\n[bumpversion:file:setup.py]\nsearch = version=\"{current_version}\" ; not a comment\nno delimiter here\n  indented after a bad line\n";
        let (sections, entries) = ini_parse(text);
        assert_eq!(
            sections,
            [
                IniSection {
                    name: "bumpversion".into(),
                    offset: 7
                },
                IniSection {
                    name: "bumpversion:file:setup.py".into(),
                    offset: text.find("bumpversion:file").unwrap()
                }
            ]
        );
        let keys: Vec<(&str, &str, &str)> = entries
            .iter()
            .map(|e| (e.section.as_str(), e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("bumpversion", "current_version", "1.2.0"),
                ("bumpversion", "serialize", ""),
                ("bumpversion", "name", "demo"),
                (
                    "bumpversion:file:setup.py",
                    "search",
                    "version=\"{current_version}\" ; not a comment"
                ),
            ]
        );
        assert_eq!(&text[entries[0].offset..entries[0].offset + 5], "1.2.0");
        let cont: Vec<&str> = entries[1].cont.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(cont, ["{major}.{minor}.{patch}", "{major}.{minor}"]);
        let (v, o) = &entries[1].cont[1];
        assert_eq!(&text[*o..*o + v.len()], "{major}.{minor}");
        // An indented `[...]` under an option continues it.
        assert_eq!(entries[2].cont[0].0, "[not a section]");
        assert_eq!(entries[1].lines().count(), 2);
    }

    #[test]
    fn crlf_empty_and_hostile_inputs() {
        let (s, e) = ini_parse("[metadata]\r\nversion=1.0\r\n");
        assert_eq!(s.len(), 1);
        assert_eq!(e[0].value, "1.0");
        assert_eq!(ini_parse(""), (vec![], vec![]));
        assert_eq!(ini_parse("[]\n=\n:\n").1.len(), 2);
        let huge = format!("[s]\nk = {}\n", "x".repeat(1_000_000));
        assert_eq!(ini_parse(&huge).1[0].value.len(), 1_000_000);
        let many: String = (0..50_000).map(|i| format!("  line {i}\n")).collect();
        assert!(ini_parse(&format!("[s]\nk =\n{many}")).1[0].cont.len() == 50_000);
    }
}
