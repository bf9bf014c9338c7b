//! A `VERSION` file: its first non-empty line, whole, in the project's ecosystem.

use super::Collector;
use crate::error::Result;
use crate::version::Ecosystem;

impl Collector<'_> {
    pub(super) fn version_file(&mut self) -> Result<()> {
        let path = self.at("VERSION");
        if self.visited.contains(&path) {
            return Ok(());
        }
        if let Some(text) = self.text(&path)? {
            let g = self.group();
            self.first_line(g, &path, &text, "first line", None);
        }
        Ok(())
    }

    /// The first non-empty line, trimmed, as one version. False when there is none.
    pub(super) fn first_line(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        kind: &str,
        eco: Option<Ecosystem>,
    ) -> bool {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            let value = content.trim();
            if !value.is_empty() {
                let lead = content.len() - content.trim_start().len();
                self.push(group, path, text, offset + lead, kind, value, eco);
                return true;
            }
            offset += line.len();
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn version_file_follows_the_project() {
        let s = run(&[("VERSION", "\n  1.2.0-rc1  \r\nignored\n")]);
        assert_eq!(found(&s), [f("VERSION", 2, 3, "first line", "1.2.0-rc1")]);
        assert_eq!(s.found[0].version.ecosystem(), Ecosystem::Semver);
        // With a Python source beside it, PEP 440 rules: `1.2` is a version.
        let s = run(&[
            ("VERSION", "1.2\n"),
            ("setup.cfg", "[metadata]\nversion = 1.2\n"),
        ]);
        assert_eq!(s.found.len(), 2);
        assert!(
            s.found
                .iter()
                .all(|f| f.version.ecosystem() == Ecosystem::Python)
        );
        // Alone, it is SemVer, and `1.2` is not.
        let s = run(&[("VERSION", "1.2\n")]);
        assert_eq!(
            diags(&s),
            [("version-invalid", "VERSION".into(), Some(1), Some(1))]
        );
        let s = run(&[("VERSION", "1.2.0 # comment\n")]);
        assert_eq!(diags(&s)[0].0, "version-invalid");
        assert!(run(&[("VERSION", "\n\n")]).found.is_empty());
    }
}
