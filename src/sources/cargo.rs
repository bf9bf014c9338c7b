//! Cargo.toml: `[package].version`, `[workspace.package].version` and what inherits it, for
//! the root manifest and for the one maturin builds a wheel from.

use super::toml_doc::{as_str, inherits_workspace, origin, parse_toml, path_get};
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
                // The root package shares [workspace.package].version, already a source.
                if ws_version.is_none() {
                    self.not_found(
                        &origin(manifest, &text, v, "[package].version.workspace"),
                        "there is no [workspace.package].version to inherit".into(),
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
        // Members are read literally (no glob expansion). One that inherits the workspace
        // version adds nothing to compare; one with its own version is versioned independently
        // and is not the project's version. What can go wrong is inheriting from nothing.
        let members =
            path_get(&root, &["workspace", "members"]).and_then(|m| m.get_ref().as_array());
        for m in members
            .into_iter()
            .flat_map(|a| a.iter())
            .filter_map(as_str)
        {
            if m.contains(['*', '?', '[']) {
                continue;
            }
            let Some(dir) = resolve(&self.dir, m) else {
                continue;
            };
            if dir == self.dir {
                continue;
            }
            let path = format!("{dir}/Cargo.toml");
            let Some(mtext) = self.text(&path)? else {
                continue;
            };
            let mroot = parse_toml(&path, &mtext)?;
            if let Some(v) = path_get(&mroot, &["package", "version"])
                && inherits_workspace(v)
                && ws_version.is_none()
            {
                self.not_found(
                    &origin(&path, &mtext, v, "[package].version.workspace"),
                    "the root Cargo.toml has no [workspace.package].version to inherit".into(),
                );
            }
        }
        Ok(())
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
        // A member inheriting from nothing.
        let s = run(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n"),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion = { workspace = true }\n",
            ),
        ]);
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
