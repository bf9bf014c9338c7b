//! Helpers for the collector's unit tests: an in-memory tree and compact views of results.

use std::collections::HashMap;

use super::{FileReader, Sources, collect};
use crate::config::{SourceConfig, VersionsConfig};
use crate::error::Result;

pub(super) struct Mem(pub(super) HashMap<String, Vec<u8>>);

impl FileReader for Mem {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.0.get(path).cloned())
    }

    /// Directories are the prefixes of the files' paths.
    fn list(&self, dir: &str) -> Result<Option<Vec<(String, bool)>>> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut out: Vec<(String, bool)> = Vec::new();
        for p in self.0.keys() {
            if let Some(rest) = p.strip_prefix(&prefix) {
                let entry = match rest.split_once('/') {
                    Some((d, _)) => (d.to_string(), true),
                    None => (rest.to_string(), false),
                };
                if !out.contains(&entry) {
                    out.push(entry);
                }
            }
        }
        out.sort();
        Ok((!out.is_empty()).then_some(out))
    }
}

pub(super) fn mem(files: &[(&str, &str)]) -> Mem {
    Mem(files
        .iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect())
}

pub(super) fn run(files: &[(&str, &str)]) -> Sources {
    collect(&mem(files), &VersionsConfig::default()).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn run_err(files: &[(&str, &str)]) -> String {
    match collect(&mem(files), &VersionsConfig::default()) {
        Ok(s) => panic!("no error: {s:?}"),
        Err(e) => e.to_string(),
    }
}

pub(super) fn with_sources(
    files: &[(&str, &str)],
    sources: Vec<SourceConfig>,
    auto: bool,
) -> Result<Sources> {
    collect(
        &mem(files),
        &VersionsConfig {
            auto_detect: auto,
            source: sources,
            ..VersionsConfig::default()
        },
    )
}

/// (path, line, column, kind, raw) of every Found.
pub(super) fn found(s: &Sources) -> Vec<(String, usize, usize, String, String)> {
    s.found
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.line,
                f.column,
                f.kind.clone(),
                f.version.raw().to_string(),
            )
        })
        .collect()
}

pub(super) fn f(
    path: &str,
    line: usize,
    column: usize,
    kind: &str,
    raw: &str,
) -> (String, usize, usize, String, String) {
    (path.into(), line, column, kind.into(), raw.into())
}

/// (rule, path, line, column) of every diagnostic.
pub(super) fn diags(s: &Sources) -> Vec<(&'static str, String, Option<usize>, Option<usize>)> {
    s.diagnostics
        .iter()
        .map(|d| (d.rule, d.file.clone().unwrap_or_default(), d.line, d.column))
        .collect()
}

pub(super) fn src(path: &str, key: Option<&str>, pattern: Option<&str>) -> SourceConfig {
    SourceConfig {
        path: path.into(),
        key: key.map(Into::into),
        pattern: pattern.map(Into::into),
    }
}

/// 20,000 texts, each one variant of every slot in turn.
pub(super) fn generated(slots: &[&[&str]]) -> Vec<String> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..20_000)
        .map(|_| {
            slots
                .iter()
                .map(|slot| slot[(next() % slot.len() as u64) as usize])
                .collect()
        })
        .collect()
}

/// On every text, the scanner (`got`) finds what the regex (`want`) finds; and the generated
/// texts reach both outcomes often, so neither side can pass by finding nothing.
pub(super) fn agree<T: PartialEq + std::fmt::Debug>(
    texts: &[String],
    want: impl Fn(&str) -> Vec<T>,
    got: impl Fn(&str) -> Vec<T>,
) {
    let mut matched = 0;
    for text in texts {
        let found = got(text);
        assert_eq!(found, want(text), "{text:?}");
        matched += usize::from(!found.is_empty());
    }
    assert!(matched > 200 && matched < texts.len() - 200, "{matched}");
}

/// Runs `scan` on each line of `text`, with ranges made absolute.
pub(super) fn scan_lines<'t, T>(
    text: &'t str,
    scan: impl Fn(&'t str) -> Option<T>,
    mut found: impl FnMut(usize, T),
) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(t) = scan(line) {
            found(offset, t);
        }
        offset += line.len();
    }
}
