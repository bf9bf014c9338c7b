//! `[[versions.source]]`: a structured key or an anchored regex over a file the user names.

use std::path::Path;

use regex::Regex;

use super::json::parse_json;
use super::toml_doc::{parse_toml_for, path_get};
use super::{Collector, clip, normalize};
use crate::config::SourceConfig;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::version::Ecosystem;

impl Collector<'_> {
    pub(super) fn configured(&mut self, i: usize, path: &str, s: &SourceConfig) -> Result<()> {
        let which = format!("versions.source[{i}]");
        let Some(text) = self.text(path)? else {
            self.diagnostics.push(
                Diagnostic::error(
                    "version-not-found",
                    format!("configured version source {path} ({which}) does not exist"),
                )
                .in_file(path),
            );
            return Ok(());
        };
        let eco = ecosystem_of(path);
        let g = self.group();
        let found = match (&s.key, &s.pattern) {
            (Some(key), _) => {
                let keys = split_key(key);
                if keys.is_empty() {
                    return Err(Error::new(format!(
                        "{which}.key `{key}` is empty; expected a dotted key such as `tool.mytool.version`"
                    )));
                }
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                let ext = path
                    .rsplit_once('.')
                    .map_or("", |(_, e)| e)
                    .to_ascii_lowercase();
                match ext.as_str() {
                    "toml" => {
                        let root = parse_toml_for(path, &text, &keys)?;
                        match path_get(&root, &keys) {
                            Some(v) => {
                                self.toml_version(g, path, &text, v, key, eco);
                                1
                            }
                            None => 0,
                        }
                    }
                    "json" => {
                        let doc = parse_json(path, &text)?;
                        self.json_values(g, path, &doc, &keys, key, eco)
                    }
                    "yaml" | "yml" | "cff" => self.yaml_values(g, path, &text, &keys, key, eco)?,
                    _ => {
                        return Err(Error::new(format!(
                            "{which}: `key` reads .toml, .json, .yaml, .yml or .cff files, not {path}; use `pattern` for other files"
                        )));
                    }
                }
            }
            (None, Some(p)) => {
                let re = Regex::new(&format!("(?m){p}")).map_err(|e| {
                    Error::new(format!(
                        "{which}.pattern `{}` is not a valid regex",
                        clip(p, 80)
                    ))
                    .caused_by(e)
                })?;
                if !re.capture_names().any(|n| n == Some("version")) {
                    return Err(Error::new(format!(
                        "{which}.pattern `{}` has no (?P<version>...) group",
                        clip(p, 80)
                    )));
                }
                let mut n = 0;
                for caps in re.captures_iter(&text) {
                    if let Some(m) = caps.name("version") {
                        self.push(g, path, &text, m.start(), "pattern", m.as_str(), eco);
                        n += 1;
                    }
                }
                n
            }
            // A bare path is read like a VERSION file.
            (None, None) => usize::from(self.first_line(g, path, &text, "first line", eco)),
        };
        if found == 0 {
            let what = match (&s.key, &s.pattern) {
                (Some(k), _) => format!("has no key `{k}`"),
                (None, Some(p)) => format!("has no line matching `{}`", clip(p, 80)),
                (None, None) => "is empty".to_string(),
            };
            self.diagnostics.push(
                Diagnostic::error(
                    "version-not-found",
                    format!("configured version source {path} ({which}) {what}"),
                )
                .in_file(path),
            );
        }
        Ok(())
    }
}

/// A configured path, checked as `config::contained_path` checks it, in `/`-separated form.
pub(super) fn configured_path(i: usize, raw: &str) -> Result<String> {
    crate::config::contained_path(Path::new(""), raw)?;
    match normalize(raw) {
        Some(p) if !p.is_empty() => Ok(p),
        _ => Err(Error::new(format!(
            "versions.source[{i}].path `{raw}` names no file"
        ))),
    }
}

/// The ecosystem a configured file's versions follow, by its name; `None`: the project's.
pub(super) fn ecosystem_of(path: &str) -> Option<Ecosystem> {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name {
        "pyproject.toml" | "setup.cfg" | "meta.yaml" => Some(Ecosystem::Python),
        "Cargo.toml" | "package.json" | "package-lock.json" | "Chart.yaml" => {
            Some(Ecosystem::Semver)
        }
        n if n.ends_with(".py") => Some(Ecosystem::Python),
        _ => None,
    }
}

/// `a.b."c.d"` → `["a", "b", "c.d"]`.
pub(super) fn split_key(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in key.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    if out.iter().all(|s| s.trim().is_empty()) {
        return Vec::new();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn configured_keys_by_extension() {
        let files = [
            ("tool.toml", "[tool.mytool]\nversion = \"1.0.0\"\n"),
            ("meta/app.json", "{\"app\": {\"version\": \"1.0.0\"}}"),
            ("deploy/values.yml", "image:\n  version: '1.0.0'\n"),
        ];
        let s = with_sources(
            &files,
            vec![
                src("tool.toml", Some("tool.mytool.version"), None),
                src("./meta/app.json", Some("app.version"), None),
                src("deploy/values.yml", Some("image.version"), None),
            ],
            false,
        )
        .unwrap();
        assert_eq!(
            found(&s),
            [
                f("tool.toml", 2, 12, "tool.mytool.version", "1.0.0"),
                f("meta/app.json", 1, 22, "app.version", "1.0.0"),
                f("deploy/values.yml", 2, 13, "image.version", "1.0.0"),
            ]
        );
        let s = with_sources(
            &files,
            vec![src("tool.toml", Some("tool.other.version"), None)],
            false,
        )
        .unwrap();
        assert_eq!(
            diags(&s),
            [("version-not-found", "tool.toml".into(), None, None)]
        );
        let e = with_sources(
            &[("a.ini", "x")],
            vec![src("a.ini", Some("a.b"), None)],
            false,
        )
        .unwrap_err();
        assert!(e.to_string().contains("use `pattern`"), "{e}");
    }

    #[test]
    fn configured_patterns_and_paths() {
        let files = [(
            "docs/conf.py",
            "project = 'x'\nrelease = \"1.0.0\"\n    release = \"0.1\"\n",
        )];
        let s = with_sources(
            &files,
            vec![src(
                "docs/conf.py",
                None,
                Some(r#"^release = "(?P<version>[^"]+)""#),
            )],
            true,
        )
        .unwrap();
        assert_eq!(found(&s), [f("docs/conf.py", 2, 12, "pattern", "1.0.0")]);
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Python);
        let s = with_sources(
            &files,
            vec![src(
                "docs/conf.py",
                None,
                Some(r#"^version = "(?P<version>[^"]+)""#),
            )],
            true,
        )
        .unwrap();
        assert_eq!(
            diags(&s),
            [("version-not-found", "docs/conf.py".into(), None, None)]
        );
        let s = with_sources(
            &files,
            vec![src("docs/missing.py", None, Some("(?P<version>x)"))],
            true,
        )
        .unwrap();
        assert!(s.diagnostics[0].message.contains("does not exist"));
        let s = with_sources(
            &[("version.txt", "2.0.0\n")],
            vec![src("version.txt", None, None)],
            true,
        )
        .unwrap();
        assert_eq!(found(&s), [f("version.txt", 1, 1, "first line", "2.0.0")]);
        for bad in ["../outside.toml", "/etc/passwd", "a/../../b"] {
            let e = with_sources(&files, vec![src(bad, None, Some("(?P<version>x)"))], true)
                .unwrap_err();
            assert!(
                e.to_string().contains("leaves the repository"),
                "{bad}: {e}"
            );
        }
        let e = with_sources(
            &files,
            vec![src("docs/conf.py", None, Some("(unclosed"))],
            true,
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a valid regex"), "{e}");
    }

    #[test]
    fn configured_source_over_an_auto_detected_one_is_one_value() {
        let files = [("Cargo.toml", "[package]\nversion = \"1.0.0\"\n")];
        let s = with_sources(
            &files,
            vec![src("Cargo.toml", Some("package.version"), None)],
            true,
        )
        .unwrap();
        assert_eq!(s.found.len(), 1);
    }
}
