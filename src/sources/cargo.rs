//! Cargo.toml: `[package].version`, `[workspace.package].version` and what inherits it, for
//! the root manifest and for the one maturin builds a wheel from.

use super::toml_doc::{inherits_workspace, origin, parse_toml, path_get};
use super::{Collector, Origin, clip, parent, resolve};
use crate::error::Result;
use crate::version::Ecosystem;

impl Collector<'_> {
    // --- Cargo --------------------------------------------------------------------------------

    pub(super) fn cargo(&mut self) -> Result<()> {
        let path = self.at("Cargo.toml");
        let manifest: &str = &path;
        let Some(text) = self.text(manifest)? else {
            return Ok(());
        };
        self.visited.insert(path.clone());
        let root = parse_toml(manifest, &text)?;
        let ws_version = path_get(&root, &["workspace", "package", "version"]);
        if let Some(v) = ws_version {
            let g = self.group();
            self.toml_version(
                g,
                manifest,
                &text,
                v,
                "[workspace.package].version",
                Some(Ecosystem::Semver),
            );
        }
        if let Some(v) = path_get(&root, &["package", "version"]) {
            if inherits_workspace(v) {
                // The root package shares [workspace.package].version, already a source; a
                // workspace member's is the repository root's (Cargo looks upwards for it).
                if ws_version.is_none() && !self.inherited_version()? {
                    self.not_found(
                        &origin(manifest, &text, v, "[package].version.workspace"),
                        if self.dir.is_empty() {
                            "there is no [workspace.package].version to inherit".into()
                        } else {
                            "the root Cargo.toml has no [workspace.package].version to inherit"
                                .into()
                        },
                    );
                }
            } else {
                let g = self.group();
                self.toml_version(
                    g,
                    manifest,
                    &text,
                    v,
                    "[package].version",
                    Some(Ecosystem::Semver),
                );
            }
        }
        Ok(())
    }

    /// A workspace member's inherited version: the repository root's
    /// `[workspace.package].version`, read as this package's source. False when there is none.
    fn inherited_version(&mut self) -> Result<bool> {
        if self.dir.is_empty() {
            return Ok(false);
        }
        let Some(text) = self.text("Cargo.toml")? else {
            return Ok(false);
        };
        let root = parse_toml("Cargo.toml", &text)?;
        let Some(v) = path_get(&root, &["workspace", "package", "version"]) else {
            return Ok(false);
        };
        let g = self.group();
        self.toml_version(
            g,
            "Cargo.toml",
            &text,
            v,
            "[workspace.package].version",
            Some(Ecosystem::Semver),
        );
        Ok(true)
    }

    /// A Cargo.toml named by another file (`[tool.maturin] manifest-path`, relative to the
    /// file that names it): its `[package].version`; one that inherits the workspace's version
    /// adds nothing beyond the root manifest, which is read on its own.
    pub(super) fn cargo_manifest(&mut self, origin: &Origin, file: &str) -> Result<()> {
        let Some(path) = resolve(parent(&origin.path), file) else {
            self.not_found(
                origin,
                format!("`{}` is not a path inside the repository", clip(file, 80)),
            );
            return Ok(());
        };
        if path == self.at("Cargo.toml") || self.excluded(&path) {
            return Ok(());
        }
        let Some(text) = self.text(&path)? else {
            self.not_found(origin, format!("{path} does not exist"));
            return Ok(());
        };
        self.visited.insert(path.clone());
        let root = parse_toml(&path, &text)?;
        match path_get(&root, &["package", "version"]) {
            Some(v) if inherits_workspace(v) => {}
            Some(v) => {
                let g = self.group();
                self.toml_version(
                    g,
                    &path,
                    &text,
                    v,
                    "[package].version",
                    Some(Ecosystem::Semver),
                );
            }
            None => self.not_found(origin, format!("{path} has no [package].version")),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    // --- Cargo ------------------------------------------------------------------------------

    #[test]
    fn cargo_package_not_dependencies() {
        let s = run(&[(
            "Cargo.toml",
            "[package]\nname = \"x\"\nversion = \"0.4.0\"\n\n[dependencies]\nfoo = \"0.4.0\"\nversion = \"1\"\nbar = { version = \"0.4.0\" }\n",
        )]);
        assert_eq!(
            found(&s),
            [f("Cargo.toml", 3, 12, "[package].version", "0.4.0")]
        );
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Semver);
        let s = run(&[("Cargo.toml", "[package]\nversion = \"0.4\"\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "Cargo.toml".into(), Some(2), Some(12))]
        );
        // Omitted (Cargo ≥ 1.75): no source here.
        assert!(
            run(&[("Cargo.toml", "[package]\nname = \"x\"\n")])
                .found
                .is_empty()
        );
    }

    #[test]
    fn cargo_workspace_inheritance() {
        let root = "[workspace]\nmembers = [\"crates/a\", \"crates/b\", \"crates/*\"]\n\n[workspace.package]\nversion = \"2.1.0\"\n";
        let s = run(&[
            ("Cargo.toml", root),
            (
                "crates/a/Cargo.toml",
                "[package]\nname = \"a\"\nversion.workspace = true\n",
            ),
            (
                "crates/b/Cargo.toml",
                "[package]\nname = \"b\"\nversion = \"0.3.0\"\n",
            ),
        ]);
        assert_eq!(
            found(&s),
            [f(
                "Cargo.toml",
                5,
                12,
                "[workspace.package].version",
                "2.1.0"
            )]
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        // A member inheriting from nothing, as the member's own sources say (the root has none).
        let files = mem(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n"),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = { workspace = true }\n",
            ),
        ]);
        assert!(diags(&run(&[("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n")])).is_empty());
        let s = super::super::collect_in(&files, &Default::default(), "a").unwrap();
        assert_eq!(
            diags(&s),
            [(
                "version-not-found",
                "a/Cargo.toml".into(),
                Some(3),
                Some(11)
            )]
        );
        // The root package inheriting is the workspace version, reported once.
        let s = run(&[(
            "Cargo.toml",
            "[package]\nname = \"r\"\nversion.workspace = true\n[workspace.package]\nversion = \"1.0.0\"\n",
        )]);
        assert_eq!(found(&s).len(), 1);
        assert!(s.diagnostics.is_empty());
    }
}
