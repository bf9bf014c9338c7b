//! The change-type rules of `lint-changelog`: the vocabulary a file may use (Keep a Changelog's
//! six, `changelog.extra-types`, and the names the file itself uses consistently), each
//! section's change-type headings judged against it, and empty ones (`changelog-change-type`,
//! `changelog-duplicate-change-type`, `changelog-empty-section`, `changelog-empty-release`).

use std::borrow::Cow;
use std::collections::hash_map::Entry;

// Hashed with foldhash: the change types of a 1 MB changelog are 6,500 lookups, and std's
// SipHash was 1 M instructions of them.
use foldhash::HashMap;

use crate::changelog::date::DateKind;
use crate::changelog::dialect::LabelStyle;
use crate::changelog::work;
use crate::changelog::{ChangeType, Changelog, Form, Section, SectionKind};
use crate::config::{ChangelogFormat, nearest};

use super::{
    CHANGE_TYPE, CHANGE_TYPES, Cx, DUPLICATE_CHANGE_TYPE, EMPTY_RELEASE, EMPTY_SECTION, LintOptions,
};

/// A release must name a change type at least this often to make it part of the file's own
/// vocabulary: once or twice is a slip, three times is a convention.
const LEARNED_USES: usize = 3;

/// The change types a file may use: Keep a Changelog's six, `changelog.extra-types`, and the
/// ones the file itself names consistently (`### Features` in forty releases is the project's
/// convention, not forty mistakes).
pub(super) struct Vocabulary<'a> {
    /// Allowed names, each with the number of releases that use it.
    allowed: Vec<(Cow<'a, str>, usize)>,
    /// True when the file has a vocabulary of its own: then a name outside it is reported only
    /// when it reads as a slip of one inside it (`### Changes` where the file writes `Changed`).
    learned: bool,
}

impl<'a> Vocabulary<'a> {
    pub(super) fn of(model: &Changelog<'a>, opts: &LintOptions) -> Self {
        let mut allowed: Vec<(Cow<'a, str>, usize)> = CHANGE_TYPES
            .iter()
            .map(|t| (Cow::Borrowed(*t), 0))
            .chain(opts.extra_types.iter().map(|t| (Cow::Owned(t.clone()), 0)))
            .collect();
        // `changelog.format = "keep-a-changelog"` asks for Keep a Changelog's own vocabulary.
        if model.dialect.kac.is_none() || opts.format == ChangelogFormat::KeepAChangelog {
            return Vocabulary {
                allowed,
                learned: false,
            };
        }
        // How many releases name each change type (once per release, however often).
        let level = model.dialect.level + 1;
        let mut uses: HashMap<&'a str, usize> = HashMap::default();
        // The topmost section that names each: where the file's convention is now.
        let mut first: HashMap<&'a str, usize> = HashMap::default();
        let mut in_section: Vec<&'a str> = Vec::new();
        for (i, s) in model.sections.iter().enumerate() {
            if s.kind == SectionKind::Archive {
                continue;
            }
            in_section.clear();
            for t in &s.change_types {
                work::step();
                let key = type_key(t.name.text);
                if t.heading.level == level && !key.is_empty() && !in_section.contains(&key) {
                    in_section.push(key);
                    *uses.entry(key).or_default() += 1;
                    first.entry(key).or_insert(i);
                }
            }
        }
        for (name, n) in &mut allowed {
            *n = uses.get(name.as_ref()).copied().unwrap_or(0);
        }
        // A name becomes part of the vocabulary when the file uses it often and no more-used
        // name is a spelling of the same word, unless the file changed spelling: the newer
        // releases' name is the file's convention now, and the older one its history
        // (cargo-release's 18 newest `### Fixes` under 19 older `### Fixed`).
        let mut candidates: Vec<(&'a str, usize)> = uses
            .iter()
            .filter(|(k, n)| **n >= LEARNED_USES && !allowed.iter().any(|(a, _)| a == *k))
            .map(|(k, n)| (*k, *n))
            .collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut learned = false;
        for (name, n) in candidates {
            let slip = allowed
                .iter()
                .map(|(a, m)| (a.as_ref(), *m))
                .chain(uses.iter().map(|(k, m)| (*k, *m)))
                .any(|(other, m)| {
                    m > n && same_word(name, other) && first.get(other) < first.get(name)
                });
            if !slip {
                allowed.push((Cow::Borrowed(name), n));
                learned = true;
            }
        }
        // release-plz's group for the rest, however rarely the file uses it (what the file
        // uses often was learned above, and says the vocabulary is the file's own).
        if writes_like_release_plz(model) && !allowed.iter().any(|(a, _)| a == "Other") {
            let n = uses.get("Other").copied().unwrap_or(0);
            allowed.push((Cow::Borrowed("Other"), n));
        }
        Vocabulary { allowed, learned }
    }

    fn contains(&self, name: &str) -> bool {
        let key = type_key(name);
        self.allowed.iter().any(|(a, _)| a == key)
    }

    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.allowed.iter().map(|(a, _)| a.as_ref())
    }

    /// The allowed name `name` reads as a slip of, preferring the most used.
    fn slip_of(&self, name: &str) -> Option<(&str, usize)> {
        self.allowed
            .iter()
            .filter(|(a, _)| same_word(name, a))
            .max_by_key(|(_, n)| *n)
            .map(|(a, n)| (a.as_ref(), *n))
    }
}

/// The part of a change-type heading that names the type: `poetry-core ([2.4.0](url))` names
/// `poetry-core`, a dependency the release updates.
fn type_key(name: &str) -> &str {
    // A byte scan: `str::find(" (")` sets up a substring searcher on every call (13,000 calls
    // for a 1 MB changelog: 3.8 M instructions).
    let space_then = |b: u8| (name.as_bytes().windows(2)).position(|w| w[0] == b' ' && w[1] == b);
    let cut = space_then(b'(')
        .or_else(|| space_then(b'['))
        .filter(|&i| i > 0)
        .unwrap_or(name.len());
    name[..cut].trim()
}

/// Whether two change-type names are spellings of one word: `Changes`/`Changed`, `Fix`/`Fixed`,
/// `fixed`/`Fixed`, `[Fixed]`/`Fixed`; `API` and `Added` are not.
fn same_word(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let (a, b) = (norm(a), norm(b));
    if a == b {
        return !a.is_empty();
    }
    let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let shorter = a.chars().count().min(b.chars().count());
    prefix >= shorter.min(3) && nearest(&a, [b.as_str()]).is_some()
}

impl<'a> Cx<'_, 'a> {
    pub(super) fn change_types(&mut self, s: &Section<'a>) {
        if s.kind == SectionKind::Archive {
            return;
        }
        // The vocabulary is Keep a Changelog's; other conventions name their sections freely.
        let kac = self.model.dialect.kac.is_some();
        let types_level = self.model.dialect.level + 1;
        let allowed = self.vocabulary;
        let is_checked = |t: &ChangeType<'_>| !kac || allowed.contains(t.name.text);
        // A name is a duplicate of an earlier one under the same parent: compared with the
        // earlier ones where a section has a few (most have two or three), looked up in a map
        // where it has many.
        let many = s.change_types.len() > 8;
        let mut seen: HashMap<(Option<usize>, u8, &str), &ChangeType<'a>> = HashMap::default();
        for (at, t) in s.change_types.iter().enumerate() {
            work::step();
            let name = t.name.text;
            // Findings about the heading point at its name, or at the heading when it has none.
            let pos = if name.is_empty() {
                t.heading.pos
            } else {
                t.name.pos
            };
            let checked = is_checked(t);
            let first = if !checked {
                None
            } else if many {
                match seen.entry((t.parent, t.heading.level, name)) {
                    Entry::Occupied(e) => Some(*e.get()),
                    Entry::Vacant(e) => {
                        e.insert(t);
                        None
                    }
                }
            } else {
                s.change_types[..at].iter().find(|u| {
                    u.parent == t.parent
                        && u.heading.level == t.heading.level
                        && u.name.text == name
                        && is_checked(u)
                })
            };
            if let Some(first) = first {
                self.push(
                    DUPLICATE_CHANGE_TYPE,
                    t.name.pos,
                    format!(
                        "`{} {name}` appears twice in [{}] (first at line {})",
                        "#".repeat(usize::from(t.heading.level)),
                        s.label.text,
                        first.heading.pos.line
                    ),
                    Some(format!(
                        "merge its entries under the first `{} {name}` and remove this heading",
                        "#".repeat(usize::from(t.heading.level))
                    )),
                );
            } else if !checked && t.heading.level == types_level {
                let help = if allowed.learned {
                    // The file names its types freely: only a slip of one of them is reported.
                    allowed.slip_of(name).map(|(like, uses)| {
                        let releases = if uses == 1 { "release" } else { "releases" };
                        format!(
                            "did you mean `### {like}`? this file uses it in {uses} {releases} (or list `{name}` in `changelog.extra-types`)"
                        )
                    })
                } else {
                    let names: Vec<&str> = allowed.names().collect();
                    Some(suggest_type(name, &names))
                };
                if let Some(help) = help {
                    self.push(
                        CHANGE_TYPE,
                        pos,
                        format!("`### {name}` in [{}] is not a change type", s.label.text),
                        Some(help),
                    );
                }
            }
            if !t.has_entries && !s.is_unreleased() && !s.pending {
                self.push(
                    EMPTY_SECTION,
                    pos,
                    format!(
                        "`{} {name}` in [{}] has no entries",
                        "#".repeat(usize::from(t.heading.level)),
                        s.label.text
                    ),
                    Some("add entries below it or remove the heading".into()),
                );
            }
        }
        if s.kind == SectionKind::Release
            && !s.pending
            && !s.has_content
            && s.change_types.is_empty()
        {
            self.push(
                EMPTY_RELEASE,
                s.label.pos,
                format!("release [{}] has no content", s.label.text),
                Some(format!("write what changed in {} (release notes would be empty), or remove the section", s.label.text)),
            );
        }
    }
}

/// The help for an unknown change type: the nearest allowed type, by meaning then spelling.
fn suggest_type(name: &str, allowed: &[&str]) -> String {
    if starts_like_release(name) {
        return "this looks like a release: releases are level-2 headings, `## [X] - YYYY-MM-DD`"
            .into();
    }
    let norm: String = name
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let exact = allowed.iter().find(|a| a.to_lowercase() == norm);
    let by_meaning = || {
        const SYNONYMS: &[(&str, &str)] = &[
            ("fix", "Fixed"),
            ("bug", "Fixed"),
            ("feature", "Added"),
            ("new", "Added"),
            ("add", "Added"),
            ("deprecat", "Deprecated"),
            ("remov", "Removed"),
            ("delet", "Removed"),
            ("secur", "Security"),
            ("vulnerab", "Security"),
            ("break", "Changed"),
            ("chang", "Changed"),
            ("improv", "Changed"),
            ("enhanc", "Changed"),
            ("perform", "Changed"),
            ("updat", "Changed"),
        ];
        SYNONYMS
            .iter()
            .find(|(k, _)| norm.contains(k))
            .map(|(_, t)| *t)
    };
    let by_spelling = || {
        let lower: Vec<String> = allowed.iter().map(|a| a.to_lowercase()).collect();
        let best = nearest(&norm, lower.iter().map(String::as_str))?;
        allowed.iter().find(|a| a.to_lowercase() == best).copied()
    };
    if let Some(t) = exact {
        return format!("write `### {t}`");
    }
    match by_meaning().or_else(by_spelling) {
        Some(t) => format!("did you mean `### {t}`? (or list `{name}` in `changelog.extra-types`)"),
        None => format!(
            "use one of {}, or list `{name}` in `changelog.extra-types`",
            allowed.join(", ")
        ),
    }
}

fn starts_like_release(text: &str) -> bool {
    let t = text.trim_start_matches(['[', ' ']);
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    t.starts_with(|c: char| c.is_ascii_digit())
}

/// Whether the file's releases are written as release-plz writes them, `## [1.2.0](compare
/// url) - 2024-01-31` (its dominant form, or its newest era's): release-plz groups what fits no
/// Keep a Changelog type under `### Other` (hashbrown's, tonic's).
fn writes_like_release_plz(model: &Changelog<'_>) -> bool {
    let d = &model.dialect;
    d.dominant
        .as_ref()
        .map(|d| &d.shape)
        .into_iter()
        .chain(d.newest.as_ref().map(|n| &n.0))
        .any(|shape| {
            shape.label == LabelStyle::Linked
                && shape.form == Form::Dash
                && shape.date == Some(DateKind::Iso)
                && shape.word.is_none()
        })
}

#[cfg(test)]
mod tests {
    use super::{same_word, type_key};

    #[test]
    fn same_word_is_spelling_not_meaning() {
        for (a, b) in [
            ("Changes", "Changed"),
            ("Fix", "Fixed"),
            ("fixes", "Fixes"),
            ("[Fixed]", "Fixed"),
            ("Breaking Change", "Breaking Changes"),
            ("Compatiblity", "Compatibility"),
        ] {
            assert!(same_word(a, b), "{a} {b}");
        }
        for (a, b) in [
            ("API", "Added"),
            ("Docs", "Deprecated"),
            ("Features", "Fixed"),
            ("Security", "Services"),
            ("", ""),
        ] {
            assert!(!same_word(a, b), "{a} {b}");
        }
    }

    #[test]
    fn a_type_is_named_before_its_parenthesis_or_bracket() {
        for (name, key) in [
            ("poetry-core ([2.4.0](https://x))", "poetry-core"),
            ("Fixed", "Fixed"),
            ("Added [3 items]", "Added"),
            // A parenthesis first, wherever a bracket is.
            ("Changed [x] (y)", "Changed [x]"),
            ("Überarbeitet (intern)", "Überarbeitet"),
            // Nothing before it: the whole name.
            (" (only)", "(only)"),
            ("Fixed(no space)", "Fixed(no space)"),
        ] {
            assert_eq!(type_key(name), key, "{name}");
        }
    }
}
