//! The version sources, read through an in-memory tree. The first byte picks the layout:
//! - `0..=7`: the rest is served as one file (pyproject.toml, package.json, Cargo.toml,
//!   CITATION.cff, setup.cfg, package-lock.json, VERSION, Chart.yaml);
//! - `8..`: the rest is `path\0content\0path\0content...`, so indirections (pyproject's
//!   `attr`/`file`, Cargo workspaces, hatch's `path`, maturin's `manifest-path`) and the files
//!   bump tools declare (`declared_*` seeds: commitizen, bumpversion, tbump, release-please) can
//!   lead to files the fuzzer also wrote.
//!
//! Bit 4 of the first byte adds configured `[[versions.source]]` entries (a key and a pattern)
//! over the same files.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use relgate::config::{SourceConfig, VersionsConfig};
use relgate::error::Result;
use relgate::sources::{self, FileReader};

const SINGLE: [&str; 8] = [
    "pyproject.toml",
    "package.json",
    "Cargo.toml",
    "CITATION.cff",
    "setup.cfg",
    "package-lock.json",
    "VERSION",
    "Chart.yaml",
];

struct Mem(BTreeMap<String, Vec<u8>>);

impl FileReader for Mem {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.0.get(path).cloned())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut files = BTreeMap::new();
    let layout = mode & 0x0f;
    if layout < 8 {
        files.insert(SINGLE[usize::from(layout)].to_string(), rest.to_vec());
    } else {
        let mut parts = rest.split(|&b| b == 0);
        while let (Some(name), Some(content)) = (parts.next(), parts.next()) {
            if let Ok(name) = std::str::from_utf8(name) {
                files.insert(name.to_string(), content.to_vec());
            }
        }
    }
    let mut cfg = VersionsConfig::default();
    if mode & 0x10 != 0 {
        cfg.source = vec![
            SourceConfig {
                path: "pyproject.toml".into(),
                key: Some("tool.mytool.version".into()),
                pattern: None,
            },
            SourceConfig {
                path: "package.json".into(),
                key: Some("meta.version".into()),
                pattern: None,
            },
            SourceConfig {
                path: "CITATION.cff".into(),
                key: Some("version".into()),
                pattern: None,
            },
            SourceConfig {
                path: "setup.cfg".into(),
                key: None,
                pattern: Some(r#"^\s*version\s*=\s*(?P<version>\S+)"#.into()),
            },
        ];
        cfg.auto_detect = mode & 0x20 == 0;
    }
    if let Ok(found) = sources::collect(&Mem(files), &cfg) {
        for f in &found.found {
            assert!(f.line >= 1 && f.column >= 1, "{f:?}");
        }
        for d in &found.diagnostics {
            assert!(d.line.is_none_or(|l| l >= 1) && d.column.is_none_or(|c| c >= 1), "{d:?}");
        }
    }
});
