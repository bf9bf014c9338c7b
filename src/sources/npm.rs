//! npm: package.json's `version` and package-lock.json's copies of it.
//!
//! A package.json marked `"private": true` in a project whose other sources belong to another
//! ecosystem (the package.json husky or prettier needs in a Python or Rust project) is no
//! version source: its version is a placeholder nobody publishes. npm reads a leading `v`
//! (`"v1.2.3"` is 1.2.3); that spelling is a `version-non-canonical` warning (see
//! `parse_source`), not an invalid version.

use super::json::parse_json;
use super::{Collector, Family};
use crate::error::Result;
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
        let Some(text) = self.text(&lock)? else {
            return Ok(());
        };
        let doc = parse_json(&lock, &text)?;
        for (keys, kind) in [
            (&["version"][..], "version"),
            (&["packages", "", "version"][..], "packages[\"\"].version"),
        ] {
            let g = self.group();
            self.json_values(g, &lock, &doc, keys, kind, Some(Ecosystem::Semver));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

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
}
