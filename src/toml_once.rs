//! Each TOML document parsed once per run.
//!
//! One `pyproject.toml` or `Cargo.toml` is read by several parts of one run: the configuration
//! (`[tool.relgate]`), the conventions (`[tool.setuptools_scm]`, cargo-release's metadata), the
//! workspace (its members and whether each is published) and the version sources (the version
//! with its position). Parsing is most of what a hook costs in a Python or Rust project (a
//! workspace of 70 crates parsed each manifest twice), so the parsed document is kept here by
//! its text and every reader gets the same one: the version sources walk it as the spanned
//! [`DeTable`], the others deserialize their typed view from a copy of the tables they name
//! (uv's 73 manifests: 21 M instructions to parse, 2.7 M more for every typed view).
//!
//! A kept document borrows its text, so the text is kept for the rest of the process (each
//! thread keeps its own, up to 4 MiB and 1,024 texts); beyond that a document is parsed for
//! its caller alone. The documents themselves are let go two generations on
//! ([`GENERATION`]): a parsed manifest takes many times the memory of its text (with B-trees,
//! 25 times: a node of a kilobyte for every `{ workspace = true }`; toml's tables are hash maps
//! in insertion order now, `fast_hash` in Cargo.toml), and every page of it is a page fault of
//! about 2 µs here. Kept for the whole run, the documents of uv's `validate-tag --all` took
//! 110 MB, and its run 38,500 page faults (10,600 since).
//!
//! A kept document is kept without Cargo's dependency tables ([`PRUNED`]): no reader here
//! wants them, and they are most of a crate's manifest (uv's 70 members: 1,726 inline tables,
//! 1.85 MB of the 3.5 MB its check-version-sync held). A key path a user names may lead into
//! one, so [`parse_for`] and the typed views that name one parse the whole document again.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::DeTable;

/// The text kept per thread, and the most texts: an audit over thousands of commits stops
/// keeping (and looking up) texts when either is spent; from then on each is parsed for its
/// caller without hashing its text.
const BUDGET: usize = 4 << 20;
const MOST_KEPT: usize = 1024;

/// The text of the documents one generation holds. A document is kept while it is in the
/// newest generation or the one before (a document asked for there moves to the newest), so
/// between one and two generations of documents are held: every manifest of a workspace of
/// over a hundred members for a hook (uv's 73 are 112 KB).
const GENERATION: usize = 256 << 10;

/// A generation of a thread that reads many commits ([`for_many_commits`]): the few files
/// each commit's sources read.
const COMMITS_GENERATION: usize = 64 << 10;

/// TOML documents parsed in this run (`RELGATE_STATS`).
pub static PARSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

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
            Doc::Kept(d) => &d.doc,
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
type Shared = Rc<KeptDoc>;

pub struct KeptDoc {
    doc: Spanned<DeTable<'static>>,
    /// Whether a table of [`PRUNED`] was taken out.
    pruned: bool,
}

/// Cargo's dependency tables, taken out of a kept document.
pub const PRUNED: [&str; 6] = [
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
    "target",
];

/// `doc` without the tables of [`PRUNED`]; whether it had any.
fn prune(doc: &mut DeTable<'_>) -> bool {
    let mut pruned = false;
    for k in PRUNED {
        pruned |= doc.remove(k).is_some();
    }
    pruned
}

type Map<V> = HashMap<usize, V, foldhash::fast::RandomState>;

#[derive(Default)]
struct Kept {
    /// The texts kept, by a hash of the text; each is compared to tell collisions apart.
    texts: HashMap<u64, Vec<&'static str>>,
    count: usize,
    bytes: usize,
    /// What hashes the texts: foldhash, several times faster than std's SipHash on a 17 KB
    /// manifest (uv's 73 manifests: 0.65 M instructions with SipHash).
    hasher: foldhash::fast::RandomState,
    /// The documents of the newest generation and of the one before, by their text's address.
    young: Map<Shared>,
    old: Map<Shared>,
    /// The text of the documents in `young`.
    young_bytes: usize,
    /// This thread's [`GENERATION`], unless it reads many commits ([`for_many_commits`]).
    generation: Option<usize>,
}

impl Kept {
    /// The kept text equal to `text`.
    fn text(&self, hash: u64, text: &str) -> Option<&'static str> {
        let texts = self.texts.get(&hash)?;
        texts.iter().find(|t| **t == text).copied()
    }

    /// The document of the kept `text`, if it is still held; it moves to the newest generation.
    fn doc(&mut self, text: &'static str) -> Option<Shared> {
        let at = text.as_ptr() as usize;
        if let Some(d) = self.young.get(&at) {
            return Some(d.clone());
        }
        let d = self.old.remove(&at)?;
        self.hold(text, d.clone());
        Some(d)
    }

    /// `doc` held in the newest generation; a full one becomes the one before, and the
    /// documents of the one before are let go.
    fn hold(&mut self, text: &'static str, doc: Shared) {
        self.young.insert(text.as_ptr() as usize, doc);
        self.young_bytes += text.len();
        if self.young_bytes >= self.generation.unwrap_or(GENERATION) {
            self.old = std::mem::take(&mut self.young);
            self.young_bytes = 0;
        }
    }
}

thread_local! {
    // Never dropped: freeing what is still held as a thread ends is work for no one; it lives
    // as long as the thread, which ends with the audit or the process.
    static KEPT: ManuallyDrop<RefCell<Kept>> = ManuallyDrop::new(RefCell::new(Kept::default()));
}

/// This thread reads the files of many commits, one commit after the other: it holds
/// [`COMMITS_GENERATION`] per generation. A file that holds a version changes at every
/// release, so the documents of one tagged commit are seldom asked for at the next, and
/// holding more only costs memory (textual's 212 `pyproject.toml`, no two alike, took 8 MB).
pub fn for_many_commits() {
    KEPT.with(|k| k.borrow_mut().generation = Some(COMMITS_GENERATION));
}

/// `text` parsed, once per run for the same text while its document is held, without the
/// tables of [`PRUNED`].
pub fn parse(text: &str) -> Result<Doc<'_>, toml::de::Error> {
    if text.len() > LARGEST {
        return parse_own(text);
    }
    let (hash, kept) = KEPT.with(|k| {
        let k = k.borrow();
        let hash = k.hasher.hash_one(text);
        (hash, k.text(hash, text))
    });
    let kept = match kept {
        Some(kept) => {
            if let Some(d) = KEPT.with(|k| k.borrow_mut().doc(kept)) {
                return Ok(Doc::Kept(d));
            }
            kept
        }
        None => {
            let full = KEPT.with(|k| {
                let k = k.borrow();
                k.bytes >= BUDGET || k.count >= MOST_KEPT
            });
            if full {
                return parse_own(text);
            }
            // A malformed text is kept too (it stays allocated), but its error is not: it is
            // made again if asked again.
            let kept: &'static str = Box::leak(text.to_owned().into_boxed_str());
            KEPT.with(|k| {
                let mut k = k.borrow_mut();
                k.bytes += kept.len();
                k.count += 1;
                k.texts.entry(hash).or_default().push(kept);
            });
            kept
        }
    };
    PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut doc = DeTable::parse(kept)?;
    let pruned = prune(doc.get_mut());
    let parsed = Rc::new(KeptDoc { doc, pruned });
    KEPT.with(|k| k.borrow_mut().hold(kept, parsed.clone()));
    Ok(Doc::Kept(parsed))
}

/// `text` parsed with whatever the key path `keys` (one a user names) leads to: the document
/// kept, unless the path leads into a table taken out of it.
pub fn parse_for<'t>(text: &'t str, keys: &[&str]) -> Result<Doc<'t>, toml::de::Error> {
    match parse(text)? {
        Doc::Kept(d) if d.pruned && keys.first().is_some_and(|k| PRUNED.contains(k)) => {
            parse_own(text)
        }
        doc => Ok(doc),
    }
}

/// `text` parsed for its caller alone.
fn parse_own(text: &str) -> Result<Doc<'_>, toml::de::Error> {
    PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    DeTable::parse(text).map(Doc::Own)
}

/// Whether a TOML text can hold any of `keys`: one of them is in it, or an escape (`\u`,
/// `\U`) that could spell one in a quoted key (`"\u0072elgate"`). A text that cannot is not
/// parsed to look for them: a manifest is parsed once per run where a version is read from
/// it, and reading a setting from it must not cost a parse where it cannot be (uv's 17 KB
/// `Cargo.toml` was half of its lint-changelog, parsed for cargo-release's `tag-name`).
pub fn may_hold(text: &str, keys: &[&str]) -> bool {
    text.contains("\\u") || text.contains("\\U") || keys.iter().any(|k| text.contains(k))
}

/// `text` deserialized as `T`, as `toml::from_str` does, from the document parsed once.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, toml::de::Error> {
    // One way for both, so each type is deserialized by one copy of the code.
    let doc = parse(text)?;
    let pruned = matches!(&doc, Doc::Kept(d) if d.pruned);
    T::deserialize(Picking {
        doc: doc.spanned(),
        pruned,
        text,
    })
}

/// The top-level `fields` of `doc`, copied (not generic: one copy of the code for every type).
fn pick<'t>(doc: &Spanned<DeTable<'t>>, fields: &[&str]) -> Spanned<DeTable<'t>> {
    let mut picked = DeTable::new();
    for (k, val) in doc.get_ref() {
        if fields.contains(&k.get_ref().as_ref()) {
            picked.insert(k.clone(), val.clone());
        }
    }
    Spanned::new(doc.span(), picked)
}

/// A parsed document as a deserializer that copies only the top-level tables the struct asks
/// for: a manifest is mostly `[dependencies]`, which no reader here wants, and copying it
/// costs a third of parsing it.
/// A type that reads the whole document, or a table of [`PRUNED`], is given the whole text
/// parsed again when the kept document lacks them.
struct Picking<'a, 't> {
    doc: &'a Spanned<DeTable<'t>>,
    pruned: bool,
    text: &'t str,
}

impl<'t> Picking<'_, 't> {
    /// The whole document: the kept one, unless a table was taken out of it.
    fn whole(&self) -> Result<Spanned<DeTable<'t>>, toml::de::Error> {
        if !self.pruned {
            return Ok(self.doc.clone());
        }
        PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        DeTable::parse(self.text)
    }
}

impl<'de, 't: 'de> serde::Deserializer<'de> for Picking<'_, 't> {
    type Error = toml::de::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        toml::de::Deserializer::from(self.whole()?).deserialize_any(v)
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        toml::de::Deserializer::from(self.whole()?).deserialize_option(v)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Self::Error> {
        let picked = if self.pruned && fields.iter().any(|f| PRUNED.contains(f)) {
            pick(&self.whole()?, fields)
        } else {
            pick(self.doc, fields)
        };
        toml::de::Deserializer::from(picked).deserialize_struct(name, fields, v)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
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

    /// The documents held.
    fn kept_count() -> usize {
        KEPT.with(|k| {
            let k = k.borrow();
            k.young.len() + k.old.len()
        })
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
    fn a_struct_gets_only_its_tables_and_the_same_values() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Renamed {
            #[serde(rename = "tag-name")]
            tag_name: Option<String>,
            package: Option<toml::Value>,
        }
        let text = "tag-name = \"v{{version}}\"\n[package]\nname = \"p\"\n[dependencies]\nx = 1\n";
        let picked: Renamed = from_str(text).unwrap();
        assert_eq!(picked, toml::from_str::<Renamed>(text).unwrap());
        assert_eq!(picked.tag_name.as_deref(), Some("v{{version}}"));
        // A whole-document type still sees every table.
        let all: toml::Table = from_str(text).unwrap();
        assert_eq!(all, toml::from_str::<toml::Table>(text).unwrap());
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
    fn documents_are_let_go_two_generations_on_and_their_text_kept() {
        // Documents of a quarter of a generation each: four fill one.
        let texts: Vec<String> = (0..12)
            .map(|i| format!("a = {i}\n#{}\n", "x".repeat(GENERATION / 4)))
            .collect();
        let kept = |d: Doc<'_>| match d {
            Doc::Kept(d) => d,
            Doc::Own(_) => panic!("a document under the size limit is kept"),
        };
        let first = kept(parse(&texts[0]).unwrap());
        let mut last = None;
        for t in &texts[1..] {
            last = Some(kept(parse(t).unwrap()));
            // Never more than two generations.
            assert!(kept_count() <= 8, "{} documents held", kept_count());
        }
        let texts_kept = KEPT.with(|k| k.borrow().count);
        // The newest is still held: the same document.
        assert!(Rc::ptr_eq(
            &last.unwrap(),
            &kept(parse(&texts[11]).unwrap())
        ));
        // The first was let go: parsed again, from the text already kept.
        let again = kept(parse(&texts[0]).unwrap());
        assert!(!Rc::ptr_eq(&first, &again));
        assert_eq!(again.doc.span(), first.doc.span());
        assert_eq!(again.doc.get_ref().len(), 1);
        assert_eq!(KEPT.with(|k| k.borrow().count), texts_kept);
    }

    #[test]
    fn a_thread_that_reads_many_commits_holds_less() {
        // Its own thread: the setting is the thread's.
        std::thread::spawn(|| {
            let texts: Vec<String> = (0..12)
                .map(|i| format!("a = {i}\n#{}\n", "x".repeat(COMMITS_GENERATION / 4)))
                .collect();
            for t in &texts {
                parse(t).unwrap();
            }
            assert_eq!(
                kept_count(),
                12,
                "a generation of the default size holds all 12"
            );
            for_many_commits();
            for t in &texts {
                parse(&format!("{t} ")).unwrap();
            }
            // Generations of four: between four and eight held.
            assert!((4..=8).contains(&kept_count()), "{} held", kept_count());
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_kept_document_has_no_dependency_tables_and_whoever_names_one_gets_them() {
        let text = "[package]\nname = \"pruned-a\"\nversion = \"1.0.0\"\n\
                    [dependencies]\nx = { version = \"2\" }\n\
                    [target.'cfg(unix)'.dependencies]\ny = \"3\"\n";
        let kept = parse(text).unwrap();
        assert!(kept.get("dependencies").is_none() && kept.get("target").is_none());
        assert!(kept.get("package").is_some());
        // A key path into one parses the whole text for its caller; another gets the kept one.
        let whole = parse_for(text, &["dependencies", "x", "version"]).unwrap();
        assert!(matches!(whole, Doc::Own(_)) && whole.get("dependencies").is_some());
        assert!(matches!(
            parse_for(text, &["package", "version"]).unwrap(),
            Doc::Kept(_)
        ));
        // Typed views: a whole-document type, and a struct that names a dependency table.
        let all: toml::Table = from_str(text).unwrap();
        assert_eq!(all, toml::from_str::<toml::Table>(text).unwrap());
        #[derive(serde::Deserialize)]
        struct Deps {
            dependencies: Option<toml::Table>,
        }
        assert!(from_str::<Deps>(text).unwrap().dependencies.is_some());
        let typed: Pkg = from_str(text).unwrap();
        assert_eq!(typed.package.version.as_deref(), Some("1.0.0"));
        // A manifest without any is kept whole, whatever the path.
        let plain = "[package]\nname = \"pruned-b\"\n";
        assert!(matches!(
            parse_for(plain, &["dependencies"]).unwrap(),
            Doc::Kept(_)
        ));
    }

    #[test]
    fn large_documents_are_parsed_for_their_caller() {
        let big = format!("a = \"{}\"\n", "x".repeat(LARGEST));
        assert!(matches!(parse(&big).unwrap(), Doc::Own(_)));
    }
}
