//! Each TOML document parsed once per run.
//!
//! One `pyproject.toml` or `Cargo.toml` is read by several parts of one run: the configuration
//! (`[tool.relgate]`), the conventions (`[tool.setuptools_scm]`, cargo-release's metadata), the
//! workspace (its members and whether each is published) and the version sources (the version
//! with its position). Parsing is most of what a hook costs in a Python or Rust project (a
//! workspace of 70 crates parsed each manifest twice), so the parsed document is kept here by
//! its text and every reader gets the same one: the version sources walk it as the spanned
//! [`DeTable`], the others deserialize their typed view from a copy of it, which costs a tenth
//! of parsing the text again.
//!
//! A kept document borrows its text, so the text is kept for the rest of the process (each
//! thread keeps its own, up to [`BUDGET`] bytes); beyond that a document is parsed for its
//! caller alone, as before.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::DeTable;

/// The text kept per thread: the manifests and configuration of a large workspace at HEAD fit
/// many times over, and an audit over hundreds of commits stops keeping new ones when it is
/// spent.
const BUDGET: usize = 4 << 20;
/// A larger document is never kept: it is not a manifest anyone reads twice.
const LARGEST: usize = 256 << 10;

/// A parsed document: the one kept for the run, or the caller's own.
pub enum Doc<'t> {
    Kept(Shared),
    Own(Spanned<DeTable<'t>>),
}

impl<'t> Doc<'t> {
    /// The whole document with its span.
    pub fn spanned(&self) -> &Spanned<DeTable<'t>> {
        match self {
            Doc::Kept(d) => d,
            Doc::Own(d) => d,
        }
    }
}

impl<'t> Deref for Doc<'t> {
    type Target = DeTable<'t>;

    fn deref(&self) -> &DeTable<'t> {
        self.spanned().get_ref()
    }
}

/// A document kept for the run, with the text it borrows.
type Shared = Rc<Spanned<DeTable<'static>>>;

#[derive(Default)]
struct Kept {
    /// By a hash of the text; each entry keeps its text to tell collisions apart.
    by_hash: HashMap<u64, Vec<(&'static str, Shared)>>,
    bytes: usize,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

/// `text` parsed, once per run for the same text.
pub fn parse(text: &str) -> Result<Doc<'_>, toml::de::Error> {
    let hash = {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        h.finish()
    };
    let found = KEPT.with(|k| {
        k.borrow().by_hash.get(&hash).and_then(|docs| {
            docs.iter()
                .find(|(t, _)| *t == text)
                .map(|(_, d)| d.clone())
        })
    });
    if let Some(d) = found {
        return Ok(Doc::Kept(d));
    }
    let room = KEPT.with(|k| k.borrow().bytes + text.len() <= BUDGET);
    if text.len() > LARGEST || !room {
        return DeTable::parse(text).map(Doc::Own);
    }
    let kept: &'static str = Box::leak(text.to_owned().into_boxed_str());
    let parsed = DeTable::parse(kept).map(Rc::new);
    KEPT.with(|k| {
        let mut k = k.borrow_mut();
        // A malformed text counts against the budget too (it stays allocated), but its
        // error is not kept: it is made again if asked again.
        k.bytes += kept.len();
        if let Ok(doc) = &parsed {
            k.by_hash.entry(hash).or_default().push((kept, doc.clone()));
        }
    });
    parsed.map(Doc::Kept)
}

/// `text` deserialized as `T`, as `toml::from_str` does, from the document parsed once.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, toml::de::Error> {
    match parse(text)? {
        Doc::Kept(d) => T::deserialize(toml::de::Deserializer::from((*d).clone())),
        Doc::Own(d) => T::deserialize(toml::de::Deserializer::from(d)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Pkg {
        package: Inner,
    }
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Inner {
        name: String,
        version: Option<String>,
    }

    fn kept_count() -> usize {
        KEPT.with(|k| k.borrow().by_hash.values().map(Vec::len).sum())
    }

    #[test]
    fn one_parse_per_text_and_the_same_answers_as_toml() {
        let text = "[package]\nname = \"once-a\"\nversion = \"1.2.0\"\n";
        let before = kept_count();
        let a = parse(text).unwrap();
        let copy = text.to_string();
        let b = parse(&copy).unwrap();
        assert_eq!(kept_count(), before + 1);
        match (&a, &b) {
            (Doc::Kept(x), Doc::Kept(y)) => assert!(Rc::ptr_eq(x, y)),
            _ => panic!("a small document is kept"),
        }
        assert_eq!(a.spanned().span(), DeTable::parse(text).unwrap().span());
        let typed: Pkg = from_str(text).unwrap();
        assert_eq!(typed, toml::from_str::<Pkg>(text).unwrap());
        assert_eq!(kept_count(), before + 1);
        // Another text is another document.
        let other: Pkg = from_str("[package]\nname = \"once-b\"\n").unwrap();
        assert_eq!(other.package.version, None);
        assert_eq!(kept_count(), before + 2);
    }

    #[test]
    fn errors_as_toml_gives_them_and_nothing_kept() {
        let bad = "[package]\nname = \"x\nversion = 1\n";
        let before = kept_count();
        let e = parse(bad).err().unwrap();
        assert_eq!(
            e.span(),
            toml::from_str::<toml::Table>(bad).unwrap_err().span()
        );
        assert_eq!(kept_count(), before);
        // A type error keeps its position too.
        let e = from_str::<Pkg>("[package]\nname = 3\n").unwrap_err();
        assert_eq!(e.span(), Some(17..18));
    }

    #[test]
    fn large_documents_are_parsed_for_their_caller() {
        let big = format!("a = \"{}\"\n", "x".repeat(LARGEST));
        assert!(matches!(parse(&big).unwrap(), Doc::Own(_)));
    }
}
