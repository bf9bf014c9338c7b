//! The release heading a project's towncrier configuration writes (`title_format`), so that
//! the first releases after a project takes up towncrier follow the file's convention rather
//! than deviate from the older one: setuptools-scm's `## 10.0.0 (2026-02-26)` above 107
//! `## vX` headings, with `title_format = "## {version} ({project_date})"` in its
//! `[tool.towncrier]`.

use serde::Deserialize;

use crate::sources::{FileReader, join, parent};

/// towncrier's settings that say what a release heading looks like, and in which file.
#[derive(Deserialize, Default)]
struct Towncrier {
    /// The news file, relative to the configuration's directory; towncrier's default is
    /// `NEWS.rst`.
    filename: Option<String>,
    /// `## {version} ({project_date})`; `false` writes no title.
    title_format: Option<toml::Value>,
    /// The project name `{name}` stands for; towncrier's default is the package's.
    name: Option<String>,
}

#[derive(Deserialize)]
struct Tool {
    towncrier: Option<Towncrier>,
}

#[derive(Deserialize)]
struct Project {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
    project: Option<Project>,
}

/// The release heading towncrier writes into the changelog at the repository-relative path
/// `changelog`, as a sample (`## 1.0.0 (2024-01-31)`): from the towncrier configuration
/// nearest the changelog (`towncrier.toml`, else `pyproject.toml`'s `[tool.towncrier]`, in
/// its directory or one above it), where its `filename` is this changelog and its
/// `title_format` a Markdown heading. `None` where there is none, or where the configuration
/// cannot be read (the file is then linted by its own convention).
pub fn declared_heading(reader: &dyn FileReader, changelog: &str) -> Option<String> {
    let mut dir = parent(changelog);
    loop {
        if let Some(found) = configured(reader, dir) {
            return found.and_then(|(settings, project_name)| {
                let at = |name: &str| join(dir, name.trim_start_matches("./"));
                if at(settings.filename.as_deref().unwrap_or("NEWS.rst")) != changelog {
                    return None;
                }
                let format = settings.title_format?;
                sample(format.as_str()?, settings.name.or(project_name).as_deref())
            });
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent(dir);
    }
}

/// The Markdown news file the towncrier configuration in `dir` names (`filename =
/// "NEWS.md"`), repository-relative: where a project keeps its changelog under a name of its
/// own. towncrier's default, `NEWS.rst`, is reStructuredText.
pub fn declared_file(reader: &dyn FileReader, dir: &str) -> Option<String> {
    let (settings, _) = configured(reader, dir)??;
    let name = settings.filename?;
    let name = name.trim_start_matches("./");
    name.to_ascii_lowercase()
        .ends_with(".md")
        .then(|| join(dir, name))
}

/// The towncrier settings in `dir` and the project's name, if `dir` has a towncrier
/// configuration (`Some(None)` where it cannot be read).
fn configured(reader: &dyn FileReader, dir: &str) -> Option<Option<(Towncrier, Option<String>)>> {
    if let Some(text) = read_text(reader, &join(dir, "towncrier.toml")) {
        #[derive(Deserialize)]
        struct File {
            tool: Option<Tool>,
        }
        let file: Option<File> = crate::toml_once::from_str(&text).ok();
        return Some(file.and_then(|f| Some((f.tool?.towncrier?, None))));
    }
    let text = read_text(reader, &join(dir, "pyproject.toml"))?;
    if !crate::toml_once::may_hold(&text, &["towncrier"]) {
        return None;
    }
    let py: Pyproject = crate::toml_once::from_str(&text).ok()?;
    let name = py.project.and_then(|p| p.name);
    Some(Some((py.tool?.towncrier?, name)))
}

fn read_text(reader: &dyn FileReader, path: &str) -> Option<String> {
    let bytes = reader.read(path).ok()??;
    String::from_utf8(bytes).ok()
}

/// `title_format` with a version and a date in it, where it is a Markdown heading of level 1
/// to 3 (`{name}` needs the name).
fn sample(format: &str, name: Option<&str>) -> Option<String> {
    let hashes = format.bytes().take_while(|&b| b == b'#').count();
    if !(1..=3).contains(&hashes) || !format[hashes..].starts_with(' ') {
        return None;
    }
    if format.contains("{name}") && name.is_none() {
        return None;
    }
    let text = format
        .replace("{version}", "1.0.0")
        .replace("{project_date}", "2024-01-31")
        .replace("{name}", name.unwrap_or_default());
    // A placeholder left (`{project_version}`) is one this reading does not know.
    (!text.contains('{')).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files in memory.
    struct Mem(Vec<(String, String)>);

    impl Mem {
        fn new(files: &[(&str, &str)]) -> Mem {
            Mem(files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect())
        }
    }

    impl FileReader for Mem {
        fn read(&self, path: &str) -> crate::error::Result<Option<Vec<u8>>> {
            Ok(self
                .0
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, t)| t.clone().into_bytes()))
        }
    }

    #[test]
    fn the_heading_towncrier_writes_into_this_changelog() {
        let py = "[project]\nname = \"pkg\"\nversion = \"1.0\"\n\
                  [tool.towncrier]\nfilename = \"CHANGELOG.md\"\n\
                  title_format = \"## {version} ({project_date})\"\n";
        let files = Mem::new(&[("member/pyproject.toml", py)]);
        assert_eq!(
            declared_heading(&files, "member/CHANGELOG.md").as_deref(),
            Some("## 1.0.0 (2024-01-31)")
        );
        // Another file, or no configuration beside it: nothing declared.
        assert_eq!(declared_heading(&files, "member/HISTORY.md"), None);
        assert_eq!(declared_heading(&files, "CHANGELOG.md"), None);
        // towncrier's default file is NEWS.rst.
        let default = py.replace("filename = \"CHANGELOG.md\"\n", "");
        let files = Mem::new(&[("pyproject.toml", &default)]);
        assert_eq!(declared_heading(&files, "CHANGELOG.md"), None);
        // `{name}` is the project's; towncrier.toml comes first.
        let named = "[tool.towncrier]\nfilename = \"docs/changes.md\"\nname = \"Tool\"\n\
                     title_format = \"# {name} {version} ({project_date})\"\n";
        let files = Mem::new(&[("towncrier.toml", named), ("pyproject.toml", py)]);
        assert_eq!(
            declared_heading(&files, "docs/changes.md").as_deref(),
            Some("# Tool 1.0.0 (2024-01-31)")
        );
    }

    #[test]
    fn only_a_markdown_heading_with_known_placeholders() {
        assert_eq!(sample("{version} ({project_date})", None), None);
        assert_eq!(sample("#### {version}", None), None);
        assert_eq!(sample("##{version}", None), None);
        assert_eq!(sample("## {name} {version}", None), None);
        assert_eq!(sample("## {version} {project_version}", None), None);
        assert_eq!(
            sample("## [{version}] - {project_date}", None).as_deref(),
            Some("## [1.0.0] - 2024-01-31")
        );
        // `title_format = false` writes no title.
        let py = "[tool.towncrier]\nfilename = \"CHANGELOG.md\"\ntitle_format = false\n";
        let files = Mem::new(&[("pyproject.toml", py)]);
        assert_eq!(declared_heading(&files, "CHANGELOG.md"), None);
    }
}
