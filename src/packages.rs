//! The packages a repository releases, each with its directory and its release-tag scheme.
//!
//! A single-package repository has one: the root, tagged as `tags.prefix` / `tags.pattern`
//! say. A workspace (DESIGN §4, read by [`crate::sources::workspace`]) has one per member,
//! each tagged `<name>-v<version>`, `<name>-<version>`, `<name>@v<version>`,
//! `<name>@<version>`, `<name>/v<version>` or `<name>/<version>` (the form most of its tags
//! use), or as the package's own `tag_regex` says; and the root too when it is a package
//! itself (ripgrep's root crate beside its `grep-*` crates). `--package NAME` or
//! `versions.package` picks one. Checks read this list; none re-derives it.

use std::collections::HashMap;

use crate::config::{Config, TagsConfig};
use crate::error::{Error, Result};
use crate::git::Repo;
use crate::sources::FileReader;
use crate::sources::workspace::{self, Workspace};

/// One package to check.
#[derive(Debug, Clone)]
pub struct Package {
    /// Its name; `None` for the root of a repository that is not a workspace.
    pub name: Option<String>,
    /// Its directory, repository-relative (`""`: the root).
    pub dir: String,
    /// How its release tags are spelled.
    pub tags: TagsConfig,
    /// A member of a workspace (its findings name it).
    pub member: bool,
    /// Its manifest's version is a package's: false for a root that is only a workspace (a
    /// Cargo root without `[package]`, a private uv or npm root), whose other files (a
    /// `[workspace.package].version`, VERSION) may still say a version.
    pub is_package: bool,
    /// Released anywhere: false for a member its manifest keeps private (`publish = false`,
    /// `"private": true`): benches, examples and test crates are not what is being released.
    pub published: bool,
    /// A member's own tag regex (setuptools_scm's `tag_regex` in its manifest), from which
    /// [`Package::tags`] is derived.
    tag_regex: Option<String>,
}

impl Package {
    /// This package with the tag scheme [`packages`] gives it when `root` is the repository's
    /// (`config.tags`). check-release-ready picks its package from the files, to start reading
    /// its changelog, before the repository's tag scheme is inferred.
    pub fn with_root_tags(mut self, root: &TagsConfig, repo: &Repo) -> Result<Package> {
        self.tags = match (&self.name, self.member) {
            (Some(name), true) => {
                member_tags(root, name, self.tag_regex.as_deref(), &tag_names(repo)?)
            }
            _ => root.clone(),
        };
        Ok(self)
    }

    /// `package tokio-util: ` for a workspace member, nothing for the root: what each finding
    /// about this package starts with.
    pub fn label(&self) -> String {
        match (&self.name, self.member) {
            (Some(n), true) => format!("package {n}: "),
            _ => String::new(),
        }
    }
}

/// The repository's packages, and the workspace when there is one.
#[derive(Debug, Clone)]
pub struct Packages {
    /// Not changed once [`packages`] has made it: [`Packages::owner_of`] indexes it.
    pub list: Vec<Package>,
    pub workspace: Option<Workspace>,
    /// The root's name when the root is a package ("" when its manifest names none), even
    /// where `only` left it out of `list`: the repository's changelog is then the root's.
    pub root_package: Option<String>,
    /// The members whose tags are their prefix and a digit, by prefix, in list order.
    by_prefix: HashMap<String, Vec<usize>>,
    /// The other members (a `tag_regex` of their own), in list order.
    patterned: Vec<usize>,
}

impl Packages {
    /// The root package, when the root is one.
    pub fn root(&self) -> Option<&Package> {
        self.list.iter().find(|p| !p.member && p.is_package)
    }

    /// The package whose tag scheme reads `tag` as one of its releases: a member's own prefix
    /// or pattern first (they are the more specific), else the root's.
    pub fn owner_of(&self, tag: &str) -> Option<&Package> {
        self.owner_index(tag).map(|i| &self.list[i])
    }

    /// [`Packages::owner_of`] as an index into `list`. A member's tag is its prefix and a
    /// digit, so only the members whose prefix ends where a digit of `tag` starts are asked,
    /// with those that have a pattern: judging each tag against every member made an audit
    /// cost tags × members (uv: 303 × 70).
    pub fn owner_index(&self, tag: &str) -> Option<usize> {
        let mut asked = self.patterned.clone();
        for (at, b) in tag.bytes().enumerate() {
            // An ASCII digit: `at` is a character boundary.
            if b.is_ascii_digit()
                && let Some(members) = self.by_prefix.get(&tag[..at])
            {
                asked.extend(members);
            }
        }
        asked.sort_unstable();
        asked.dedup();
        let reads = |i: &usize| {
            crate::releases::judged();
            crate::version::is_candidate(tag, &self.list[*i].tags)
        };
        asked.into_iter().find(reads).or_else(|| {
            (0..self.list.len())
                .filter(|&i| !self.list[i].member)
                .find(reads)
        })
    }

    /// Indexes the members' tag schemes for [`Packages::owner_index`].
    fn index(&mut self) {
        for (i, p) in self.list.iter().enumerate().filter(|(_, p)| p.member) {
            if let Some(prefix) = crate::version::member_prefix(&p.tags) {
                self.by_prefix
                    .entry(prefix.to_string())
                    .or_default()
                    .push(i);
            } else {
                self.patterned.push(i);
            }
        }
    }

    /// The names of every package, for messages.
    pub fn names(&self) -> Vec<String> {
        self.list
            .iter()
            .filter(|p| p.is_package)
            .filter_map(|p| p.name.clone())
            .collect()
    }
}

/// A root manifest's own version field (`[project].version` of pyproject.toml, `version` of
/// package.json and its lock file): no source where the root is only a workspace.
pub fn is_manifest_version(f: &crate::sources::Found) -> bool {
    matches!(
        f.path.as_str(),
        "pyproject.toml" | "package.json" | "package-lock.json"
    )
}

/// The tag forms a workspace member's releases take, most common first when tied.
const FORMS: [&str; 6] = ["-v", "-", "@v", "@", "/v", "/"];

/// The tag scheme of member `name`: its own `tag_regex`, else the form most of its tags use,
/// else `<name>-v` (cargo-release's default for a workspace). `tags` is sorted.
fn member_tags(
    root: &TagsConfig,
    name: &str,
    tag_regex: Option<&str>,
    tags: &[&str],
) -> TagsConfig {
    let base = TagsConfig {
        package: Some(name.to_string()),
        inferred_from: None,
        ..root.clone()
    };
    if let Some(re) = tag_regex
        && crate::version::has_version_group(re)
    {
        return TagsConfig {
            pattern: Some(re.to_string()),
            ..base
        };
    }
    let mut counts = [0; FORMS.len()];
    let first = tags.partition_point(|t| *t < name);
    for rest in tags[first..].iter().map_while(|t| t.strip_prefix(name)) {
        for (form, n) in FORMS.iter().zip(&mut counts) {
            if rest
                .strip_prefix(form)
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
            {
                *n += 1;
            }
        }
    }
    let (best, n) = FORMS.iter().zip(counts).fold(
        ("-v", 0),
        |acc, (f, n)| if n > acc.1 { (*f, n) } else { acc },
    );
    TagsConfig {
        prefix: format!("{name}{best}"),
        pattern: None,
        inferred_from: (n > 0).then(|| {
            format!("tags of package {name} are spelled `{name}{best}<version>` ({n} tags)")
        }),
        ..base
    }
}

/// The root package's name, as its manifest says.
fn root_name(reader: &dyn FileReader) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Named {
        name: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Manifest {
        package: Option<Named>,
        project: Option<Named>,
    }
    let read = |p: &str| {
        reader
            .read(p)
            .ok()
            .flatten()
            .and_then(|b| String::from_utf8(b).ok())
    };
    for file in ["Cargo.toml", "pyproject.toml"] {
        if let Some(m) = read(file).and_then(|t| crate::toml_once::from_str::<Manifest>(&t).ok())
            && let Some(n) = m.package.or(m.project).and_then(|n| n.name)
        {
            return Some(n);
        }
    }
    read("package.json")
        .and_then(|t| serde_json::from_str::<Named>(&t).ok())
        .and_then(|n| n.name)
}

/// The packages of the tree `reader` reads, with `config`'s tag settings and `repo`'s tags (to
/// tell each member's tag form). `only` names one package (`--package`, `versions.package`):
/// an unknown name is an error listing the ones there are.
pub fn packages(
    reader: &dyn FileReader,
    config: &Config,
    repo: &Repo,
    only: Option<&str>,
) -> Result<Packages> {
    let workspace = workspace::workspace(reader)?;
    let names = tag_names(repo)?;
    let mut list = Vec::new();
    // The root always has a place: its tags are the repository's, and a workspace root may
    // hold the shared version (`[workspace.package].version`).
    list.push(Package {
        name: root_name(reader),
        dir: String::new(),
        tags: config.tags.clone(),
        member: false,
        is_package: workspace.as_ref().is_none_or(|w| w.root_is_package),
        published: true,
        tag_regex: None,
    });
    if let Some(ws) = &workspace {
        for m in &ws.members {
            list.push(Package {
                name: Some(m.name.clone()),
                dir: m.dir.clone(),
                tags: member_tags(&config.tags, &m.name, m.tag_regex.as_deref(), &names),
                member: true,
                is_package: true,
                published: m.published,
                tag_regex: m.tag_regex.clone(),
            });
        }
    }
    let root_package = list
        .first()
        .filter(|r| r.is_package)
        .map(|r| r.name.clone().unwrap_or_default());
    let mut out = Packages {
        list,
        workspace,
        root_package,
        by_prefix: HashMap::new(),
        patterned: Vec::new(),
    };
    if let Some(name) = only {
        let names = out.names();
        out.list
            .retain(|p| p.is_package && p.name.as_deref() == Some(name));
        if out.list.is_empty() {
            return Err(Error::new(format!(
                "no package named `{}` here; the packages are: {}",
                crate::diag::escape(name),
                if names.is_empty() {
                    "(none: this is not a workspace, and the root names no package)".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
    }
    out.index();
    Ok(out)
}

/// The repository's tag names, sorted: each member finds the tags that start with its name by
/// binary search (uv's 70 members against 303 tags compared every name with every tag six
/// times). The order is the run's one sort of the tag names, which the release-tag lists search
/// too.
fn tag_names(repo: &Repo) -> Result<Vec<&str>> {
    let refs = repo.tag_refs()?;
    Ok(crate::releases::by_name(repo)?
        .iter()
        .map(|&i| refs[i].name.as_str())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_belongs_to_the_first_member_whose_scheme_reads_it_else_the_root() {
        let member = |name: &str, prefix: &str, pattern: Option<&str>| Package {
            name: Some(name.into()),
            dir: format!("crates/{name}"),
            tags: TagsConfig {
                prefix: prefix.into(),
                pattern: pattern.map(str::to_string),
                package: Some(name.into()),
                ..TagsConfig::default()
            },
            member: true,
            is_package: true,
            published: true,
            tag_regex: None,
        };
        let root = Package {
            name: None,
            dir: String::new(),
            tags: TagsConfig::default(),
            member: false,
            is_package: true,
            published: true,
            tag_regex: None,
        };
        let mut pkgs = Packages {
            list: vec![
                root,
                member("a", "a-", None),
                member("a-1", "a-1-", None),
                member("b", "b@", None),
                member("re", "", Some(r"^re/(?P<version>\d+\.\d+\.\d+)$")),
                member("b2", "b@", None),
            ],
            workspace: None,
            root_package: None,
            by_prefix: HashMap::new(),
            patterned: Vec::new(),
        };
        pkgs.index();
        let owner = |tag: &str| pkgs.owner_index(tag);
        assert_eq!(owner("a-1.0.0"), Some(1));
        // `a-` and `a-1-` both end before a digit: the first in the list reads it.
        assert_eq!(owner("a-1-2.0.0"), Some(1));
        assert_eq!(
            owner("b@2.0.0"),
            Some(3),
            "two members with one prefix: the first"
        );
        assert_eq!(owner("re/1.2.3"), Some(4));
        // Not a member's: the root's bare and `v` tags.
        assert_eq!(owner("v1.0.0"), Some(0));
        assert_eq!(owner("1.0.0"), Some(0));
        assert_eq!(owner("b@next"), None);
        assert_eq!(owner("c-1.0.0"), None);
        // The same answers as asking every member in turn.
        for tag in [
            "a-1.0.0",
            "a-1-2.0.0",
            "b@2.0.0",
            "re/1.2.3",
            "v1.0.0",
            "x",
            "a-",
            "a-v1.0.0",
        ] {
            let each = (0..pkgs.list.len())
                .filter(|&i| pkgs.list[i].member)
                .chain((0..pkgs.list.len()).filter(|&i| !pkgs.list[i].member))
                .find(|&i| crate::version::is_candidate(tag, &pkgs.list[i].tags));
            assert_eq!(owner(tag), each, "{tag}");
        }
    }

    #[test]
    fn member_tag_forms_follow_the_tags() {
        let root = TagsConfig::default();
        let mut r = [
            "tokio-1.0.0",
            "tokio-1.1.0",
            "tokio-util-0.7.0",
            "core@2.0.0",
            "cli/v1.0.0",
            "tokio",
            "tokio-v",
            "tokio-utility-1.0.0",
        ];
        r.sort_unstable();
        assert_eq!(member_tags(&root, "tokio", None, &r).prefix, "tokio-");
        assert_eq!(
            member_tags(&root, "tokio-util", None, &r).prefix,
            "tokio-util-"
        );
        assert_eq!(member_tags(&root, "core", None, &r).prefix, "core@");
        assert_eq!(member_tags(&root, "cli", None, &r).prefix, "cli/v");
        assert_eq!(member_tags(&root, "new", None, &r).prefix, "new-v");
        let p = member_tags(&root, "pkg", Some("^pkg-(?P<version>[0-9.]+)$"), &r);
        assert_eq!(p.pattern.as_deref(), Some("^pkg-(?P<version>[0-9.]+)$"));
        assert_eq!(p.package.as_deref(), Some("pkg"));
    }
}
