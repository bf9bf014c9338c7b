//! npm: package.json's `version` and package-lock.json's copies of it.
//!
//! A package.json marked `"private": true` in a project whose other sources belong to another
//! ecosystem (the package.json husky or prettier needs in a Python or Rust project) is no
//! version source: its version is a placeholder nobody publishes. npm reads a leading `v`
//! (`"v1.2.3"` is 1.2.3); that spelling is a `version-non-canonical` warning (see
//! `parse_source`), not an invalid version.
//!
//! package-lock.json is read only as far as its two copies of the version: the top-level
//! `version` and `packages[""].version` come first in every lock file npm writes, and the
//! megabytes of dependencies after them are neither parsed nor validated (an audit reads the
//! lock file at every tagged commit), nor, in the work tree, read from disk (see `LOCK_HEAD`).
//! What is read is serde_json's own parse, positions included; a lock file that is malformed
//! before both values are read stops the run as any malformed JSON does.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::json::{JsonValue, parse_json};
use super::{Collector, Family, clip};
use crate::config::line_col;
use crate::error::{Error, Result};
use crate::version::Ecosystem;

impl Collector<'_> {
    pub(super) fn npm(&mut self) -> Result<()> {
        let path = self.at("package.json");
        if let Some(text) = self.text(&path)? {
            let doc = parse_json(&path, &text)?;
            let private = doc
                .find(&["private"])
                .last()
                .is_some_and(|v| v.raw == "true");
            if private && self.has_source_of(&[Family::Python, Family::Cargo, Family::Helm]) {
                // Its lock file is npm's copy of the same placeholder.
                return Ok(());
            }
            let g = self.group();
            self.json_values(
                g,
                &path,
                &doc,
                &["version"],
                "version",
                Some(Ecosystem::Semver),
            );
        }
        let lock = self.at("package-lock.json");
        // Its start holds both versions in every lock file npm writes: the rest (megabytes) is
        // read only when they are not there, so a malformed head fails as the whole file does.
        let Some((head, whole)) = self.text_head(&lock, LOCK_HEAD)? else {
            return Ok(());
        };
        let full;
        let (text, values) = match lock_versions(&lock, &head) {
            Ok(v) if whole || v.stopped => (head.as_str(), v),
            Err(e) if whole => return Err(e),
            _ => {
                full = match self.text(&lock)? {
                    Some(text) => text,
                    None => return Ok(()),
                };
                (full.as_str(), lock_versions(&lock, &full)?)
            }
        };
        for (found, kind) in [
            (values.version, "version"),
            (values.root_package, "packages[\"\"].version"),
        ] {
            let g = self.group();
            for raw in found {
                // The slice borrows from `text`; its distance from the start is its offset.
                let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
                let v = JsonValue {
                    raw: raw.get(),
                    offset,
                };
                match v.as_str() {
                    Some(s) => {
                        // Counted from the start: the values are near it, the file is large.
                        let (line, column) = line_col(text, offset + 1);
                        self.push_at(g, &lock, line, column, kind, &s, Some(Ecosystem::Semver));
                    }
                    None => self.invalid_type(&lock, text, offset, kind, v.type_name()),
                }
            }
        }
        Ok(())
    }
}

/// How much of package-lock.json is read first: its versions and its root package's entry
/// (the project's own dependency lists) come well within it; axios' 1.7 MB lock file has them
/// in its first 4 KB.
const LOCK_HEAD: usize = 64 << 10;

/// The copies of the version in a package-lock.json, as raw JSON values borrowed from its text.
#[derive(Default)]
struct LockVersions<'t> {
    /// Every top-level `version`.
    version: Vec<&'t RawValue>,
    /// Every `version` of `packages[""]`.
    root_package: Vec<&'t RawValue>,
    /// A `packages[""]` entry was read.
    root_package_read: bool,
    /// Both were read and the parse was stopped on purpose.
    stopped: bool,
}

/// The message of the error that stops the parse once both values are read; never shown (the
/// `stopped` flag, not the message, tells it apart from a real error).
const STOP: &str = "relgate: both versions read";

impl LockVersions<'_> {
    /// Stops the parse when nothing more is needed: a top-level `version` and a
    /// `packages[""]` entry were read. Until then, everything is read as usual.
    fn stop_if_done<E: serde::de::Error>(&mut self) -> std::result::Result<(), E> {
        if !self.version.is_empty() && self.root_package_read {
            self.stopped = true;
            return Err(E::custom(STOP));
        }
        Ok(())
    }
}

/// Reads package-lock.json up to its top-level `version` and `packages[""].version`, with
/// serde_json's tokenizer: the rest of the file (every dependency) is parsed only when one of
/// the two is missing, to be sure it is not further down.
fn lock_versions<'t>(path: &str, text: &'t str) -> Result<LockVersions<'t>> {
    let mut found = LockVersions::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Level {
        found: &mut found,
        depth: Depth::Top,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match parsed {
        Ok(()) => Ok(found),
        Err(_) if found.stopped => Ok(found),
        Err(e) => {
            // The same message as any malformed JSON file (`json::parse_json`).
            Err(Error::new(format!(
                "cannot read {path}:{}:{}: malformed JSON",
                e.line(),
                e.column()
            ))
            .caused_by(clip(&e.to_string(), 300)))
        }
    }
}

/// Where in the lock file a [`Level`] is.
#[derive(Clone, Copy)]
enum Depth {
    /// The top-level object.
    Top,
    /// The value of a top-level `packages`.
    Packages,
    /// The value of `packages[""]`.
    RootPackage,
}

/// One value of the lock file on the way to the two versions: an object is read entry by
/// entry, anything else is skipped (serde_json still checks its syntax).
struct Level<'a, 't> {
    found: &'a mut LockVersions<'t>,
    depth: Depth,
}

impl<'de> DeserializeSeed<'de> for Level<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Level<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<(), A::Error> {
        let Level { found, depth } = self;
        while let Some(key) = m.next_key::<String>()? {
            match (depth, key.as_str()) {
                (Depth::Top, "version") => {
                    found.version.push(m.next_value()?);
                    found.stop_if_done()?;
                }
                (Depth::Top, "packages") => m.next_value_seed(Level {
                    found: &mut *found,
                    depth: Depth::Packages,
                })?,
                (Depth::Packages, "") => {
                    m.next_value_seed(Level {
                        found: &mut *found,
                        depth: Depth::RootPackage,
                    })?;
                    found.root_package_read = true;
                    found.stop_if_done()?;
                }
                (Depth::RootPackage, "version") => found.root_package.push(m.next_value()?),
                _ => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, s: A) -> std::result::Result<(), A::Error> {
        IgnoredAny.visit_seq(s).map(|_| ())
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    // --- npm --------------------------------------------------------------------------------

    #[test]
    fn package_json_top_level_only() {
        let text = "{\n  \"name\": \"x\",\n  \"description\": \"see \\\"version\\\": \\\"9.9.9\\\"\",\n  \"config\": {\"version\": \"8.8.8\"},\n  \"devDependencies\": {\"version\": \"1.0.0\"},\n  \"list\": [{\"version\": \"7\"}, \"]}\"],\n  \"version\": \"1.2.0-rc.1\"\n}\n";
        let s = run(&[("package.json", text)]);
        assert_eq!(
            found(&s),
            [f("package.json", 7, 15, "version", "1.2.0-rc.1")]
        );
        // An escaped key is the same key.
        let s = run(&[("package.json", "{\"\\u0076ersion\": \"1.0.0\"}")]);
        assert_eq!(found(&s), [f("package.json", 1, 19, "version", "1.0.0")]);
        let s = run(&[("package.json", "{\"version\": \"v1.2\"}")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "package.json".into(), Some(1), Some(14))]
        );
        let s = run(&[("package.json", "{\"version\": 1}")]);
        assert!(
            s.diagnostics[0].message.contains("a number"),
            "{}",
            s.diagnostics[0].message
        );
        // JSON allows a key twice (the last wins in npm): two values are `version-multiple`.
        let s = run(&[(
            "package.json",
            "{\"version\": \"1.0.0\",\n\"version\": \"1.1.0\"}",
        )]);
        assert_eq!(
            s.diagnostics
                .iter()
                .filter(|d| d.rule == "version-multiple")
                .count(),
            2
        );
        // No version (a private package): nothing.
        assert!(
            run(&[("package.json", "{\"private\": true}")])
                .found
                .is_empty()
        );
        assert!(run(&[("package.json", "[1, 2]")]).found.is_empty());
    }

    #[test]
    fn package_lock_top_level_and_root_package() {
        let s = run(&[(
            "package-lock.json",
            "{\n  \"name\": \"x\",\n  \"version\": \"1.2.0\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"x\", \"version\": \"1.2.0\"},\n    \"node_modules/y\": {\"version\": \"1.2.0\"}\n  }\n}\n",
        )]);
        assert_eq!(
            found(&s),
            [
                f("package-lock.json", 3, 15, "version", "1.2.0"),
                f(
                    "package-lock.json",
                    6,
                    35,
                    "packages[\"\"].version",
                    "1.2.0"
                )
            ]
        );
        let s = run(&[("package-lock.json", "{\"version\": \"1.2\"}")]);
        assert_eq!(diags(&s)[0].0, "version-invalid");
    }

    /// (offset, raw) of each value the lock reader finds, and of each one a whole parse finds.
    type Values = (Vec<(usize, String)>, Vec<(usize, String)>);

    fn read_lock(text: &str) -> std::result::Result<Values, String> {
        let offsets = |v: &[&RawValue]| {
            v.iter()
                .map(|r| {
                    (
                        r.get().as_ptr() as usize - text.as_ptr() as usize,
                        r.get().to_string(),
                    )
                })
                .collect()
        };
        let l = lock_versions("package-lock.json", text).map_err(|e| e.to_string())?;
        Ok((offsets(&l.version), offsets(&l.root_package)))
    }

    fn parse_whole(text: &str) -> std::result::Result<Values, String> {
        let doc = parse_json("package-lock.json", text).map_err(|e| e.to_string())?;
        let values = |keys: &[&str]| {
            doc.find(keys)
                .iter()
                .map(|v| (v.offset, v.raw.to_string()))
                .collect()
        };
        Ok((values(&["version"]), values(&["packages", "", "version"])))
    }

    /// On lock files with each top-level key once, reading up to the two versions finds what a
    /// whole parse finds, at the same offsets; and the generated files reach every outcome.
    #[test]
    fn the_lock_reader_agrees_with_a_whole_parse() {
        let entries = [
            "\"name\": \"x\"",
            "\"lockfileVersion\": 3",
            "\"requires\": true",
            "\"dependencies\": {\"a\": {\"version\": \"7.0.0\", \"x\": [1, {\"\": 2}]}}",
        ];
        let versions = [
            "\"version\": \"1.2.0\"",
            "\"\\u0076ersion\": \"2.0.0\"",
            "\"version\": 1",
        ];
        let packages = [
            "\"packages\": {\"\": {\"name\": \"x\", \"version\": \"1.2.0\"}, \"node_modules/a\": {\"version\": \"9.0.0\"}}",
            "\"packages\": {\"node_modules/a\": {\"version\": \"9.0.0\"}, \"\": {\"version\": \"1.3.0\"}}",
            "\"packages\": {\"\": {\"version\": \"1.2.0\", \"version\": \"1.4.0\"}}",
            "\"packages\": {\"\": {\"name\": \"x\"}}",
            "\"packages\": {\"\": [\"version\"], \"a\": {\"version\": \"1\"}}",
            "\"packages\": [{\"\": {\"version\": \"1\"}}]",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut both, mut one, mut none) = (0, 0, 0);
        for _ in 0..5_000 {
            let mut parts: Vec<&str> = entries.to_vec();
            parts.retain(|_| next(3) > 0);
            if next(4) > 0 {
                parts.insert(next(parts.len() + 1), versions[next(versions.len())]);
            }
            if next(5) > 0 {
                parts.insert(next(parts.len() + 1), packages[next(packages.len())]);
            }
            let text = format!("{{\n  {}\n}}\n", parts.join(",\n  "));
            let got = read_lock(&text).unwrap();
            assert_eq!(got, parse_whole(&text).unwrap(), "{text}");
            match (got.0.is_empty(), got.1.is_empty()) {
                (false, false) => both += 1,
                (true, true) => none += 1,
                _ => one += 1,
            }
        }
        assert!(both > 500 && one > 500 && none > 200, "{both} {one} {none}");
        // Not an object at the top: no values, as with a whole parse.
        for text in ["[1, {\"version\": \"1\"}]", "\"x\"", "null", "1.5", "true"] {
            assert_eq!(
                read_lock(text).unwrap(),
                parse_whole(text).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn a_lock_file_is_read_up_to_its_two_versions() {
        // Both read: what follows (every dependency) is not parsed, so not validated either.
        let text =
            "{\"version\": \"1.2.0\", \"packages\": {\"\": {\"version\": \"1.2.0\"}, \"a\": {{{";
        let (version, root) = read_lock(text).unwrap();
        assert_eq!((version.len(), root.len()), (1, 1));
        assert!(parse_whole(text).is_err());
        // Malformed before both are read: the same error as any malformed JSON file.
        for text in [
            "{\"version\": \"1.2.0\",\n\"packages\": {\"a\": {,}}}",
            "{\"version\": \"1.2.0\" \"packages\": {}}",
            "{\"name\": \"x\",\n  \"version\": 1.2.0}",
            "{\"packages\": {\"\": {\"version\": \"1.0.0\"}}, \"a\": tru}",
            "{\"version\": \"1.2.0\"}\n}",
            "",
            "\u{1}",
        ] {
            let e = read_lock(text).unwrap_err();
            assert_eq!(e, parse_whole(text).unwrap_err(), "{text}");
        }
        // Without `packages` (lockfileVersion 1), the whole file is read: a later key could be it.
        let v1 =
            "{\"version\": \"1.2.0\", \"lockfileVersion\": 1, \"dependencies\": {\"a\": {}}} x";
        assert!(read_lock(v1).unwrap_err().contains("package-lock.json:1:"));
        let s = run(&[(
            "package-lock.json",
            "{\n  \"packages\": {\"\": {\"version\": 7}},\n  \"version\": \"1.2.0\",\n  \"dependencies\": {}\n}",
        )]);
        assert_eq!(
            found(&s),
            [f("package-lock.json", 3, 15, "version", "1.2.0")]
        );
        assert_eq!(
            diags(&s),
            [(
                "version-invalid",
                "package-lock.json".into(),
                Some(2),
                Some(32)
            )]
        );
    }
}
