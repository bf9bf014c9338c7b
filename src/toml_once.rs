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
//! 1.85 MB of the 3.5 MB its check-version-sync held). Where they are most of its text, toml
//! is not given them to build at all: its own parser finds them and they are blanked out of
//! the text toml builds from ([`without_pruned_tables`]). A key path a user names may lead into
//! one, so [`parse_for`] and the typed views that name one parse the whole document again.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

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
    /// Parsed for its caller alone: the whole document, or (`pruned`) one without the tables of
    /// [`PRUNED`], as a kept one is.
    Own {
        doc: Spanned<DeTable<'t>>,
        pruned: bool,
    },
}

impl<'t> Doc<'t> {
    /// The whole document with its span.
    pub fn spanned(&self) -> &Spanned<DeTable<'t>> {
        match self {
            Doc::Kept(d) => &d.doc,
            Doc::Own { doc, .. } => doc,
        }
    }

    /// Whether a table of [`PRUNED`] was taken out.
    fn pruned(&self) -> bool {
        match self {
            Doc::Kept(d) => d.pruned,
            Doc::Own { pruned, .. } => *pruned,
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

/// Cargo's dependency tables, taken out of a kept document, by their key path: a crate's
/// own and a workspace's shared ones (`[workspace.dependencies]`, most of a workspace root's
/// manifest: uv's 17 KB `Cargo.toml`).
pub const PRUNED: [&[&str]; 7] = [
    &["dependencies"],
    &["dev-dependencies"],
    &["dev_dependencies"],
    &["build-dependencies"],
    &["build_dependencies"],
    &["target"],
    &["workspace", "dependencies"],
];

/// Whether the key path `keys` leads into a table of [`PRUNED`] or to a table that holds one.
fn meets_pruned(keys: &[&str]) -> bool {
    !keys.is_empty()
        && PRUNED.iter().any(|p| {
            let n = p.len().min(keys.len());
            p[..n] == keys[..n]
        })
}

/// `doc` without the tables of [`PRUNED`]; whether it had any.
fn prune(doc: &mut DeTable<'_>) -> bool {
    let mut pruned = false;
    for path in PRUNED {
        pruned |= match path {
            [key] => doc.remove(*key).is_some(),
            [table, key] => match doc.get_mut(*table).map(|t| t.get_mut()) {
                Some(toml::de::DeValue::Table(t)) => t.remove(*key).is_some(),
                _ => false,
            },
            _ => false,
        };
    }
    pruned
}

type Map<V> = HashMap<usize, V, foldhash::fast::RandomState>;

/// A text kept for the run, and what toml builds its document from: the text itself, or a
/// copy with the tables of [`PRUNED`] blanked out ([`without_pruned_tables`]).
#[derive(Clone, Copy)]
struct KeptText {
    text: &'static str,
    built_from: &'static str,
}

#[derive(Default)]
struct Kept {
    /// The texts kept, by a hash of the text; each is compared to tell collisions apart.
    texts: HashMap<u64, Vec<KeptText>>,
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
    fn text(&self, hash: u64, text: &str) -> Option<KeptText> {
        let texts = self.texts.get(&hash)?;
        texts.iter().find(|t| t.text == text).copied()
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
            if let Some(d) = KEPT.with(|k| k.borrow_mut().doc(kept.text)) {
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
                return parse_own_pruned(text);
            }
            // A malformed text is kept too (it stays allocated), but its error is not: it is
            // made again if asked again.
            let text: &'static str = Box::leak(text.to_owned().into_boxed_str());
            let built_from: &'static str = match without_pruned_tables(text) {
                Some(blanked) => Box::leak(blanked.into_boxed_str()),
                None => text,
            };
            let kept = KeptText { text, built_from };
            KEPT.with(|k| {
                let mut k = k.borrow_mut();
                k.bytes += text.len();
                if !std::ptr::eq(built_from, text) {
                    k.bytes += built_from.len();
                }
                k.count += 1;
                k.texts.entry(hash).or_default().push(kept);
            });
            kept
        }
    };
    PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (mut doc, blanked) = if std::ptr::eq(kept.built_from, kept.text) {
        (DeTable::parse(kept.text)?, false)
    } else {
        match DeTable::parse(kept.built_from) {
            Ok(doc) => (doc, true),
            // Blanking a table out cannot make a valid text invalid; the whole text gives the
            // error at its first place, as toml would.
            Err(_) => (DeTable::parse(kept.text)?, false),
        }
    };
    let pruned = prune(doc.get_mut()) || blanked;
    let parsed = Rc::new(KeptDoc { doc, pruned });
    KEPT.with(|k| k.borrow_mut().hold(kept.text, parsed.clone()));
    Ok(Doc::Kept(parsed))
}

/// `text` with each table of [`PRUNED`] blanked out, from its `[header]` to the next header:
/// every byte made a space (one run of whitespace for the lexer, where a header may follow),
/// so that every span of the rest is the same. `None` where there is none, where they are
/// too small a part to be worth looking for ([`pruned_lines`]), or where toml's parser
/// reports an error (the whole text is parsed then, and gives it).
///
/// Building toml's document is most of parsing a manifest, and a crate's manifest is mostly
/// its dependency tables: an inline table for each `{ workspace = true }` (uv's 73
/// manifests: 17.8 M instructions to parse, of which 9.5 M building the document). The
/// tables are found by toml's own parser, which checks the whole text's syntax as toml
/// would; what is not checked in a blanked table is what only building it finds (a key
/// given twice, an escape that does not decode), in tables no reader here wants, and whoever
/// names one gets the whole text parsed ([`parse_for`], [`Picking`]).
fn without_pruned_tables(text: &str) -> Option<String> {
    if 2 * pruned_lines(text) < text.len() {
        return None;
    }
    let source = toml_parser::Source::new(text);
    let tokens = source.lex().into_vec();
    let mut headers = Headers {
        source,
        in_header: false,
        header_start: 0,
        keys: [None, None],
        open: None,
        blank: Vec::new(),
    };
    let mut error: Option<toml_parser::ParseError> = None;
    let mut receiver = toml_parser::parser::ValidateWhitespace::new(&mut headers, source);
    toml_parser::parser::parse_document(&tokens, &mut receiver, &mut error);
    if error.is_some() {
        return None;
    }
    if let Some(start) = headers.open.take() {
        headers.blank.push(start..text.len());
    }
    if headers.blank.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in headers.blank {
        bytes[range].fill(b' ');
    }
    // Each range starts and ends at a header's `[` or the end: whole characters were blanked.
    String::from_utf8(bytes).ok()
}

/// The bytes of `text` that look like tables of [`PRUNED`]: from a line that starts with `[`
/// and such a table's keys to the next line that starts with `[`.
///
/// Looking for the tables with toml's parser costs about two fifths of parsing the text, and
/// blanking them saves building them: a manifest is worth it where they are about half of
/// it and more (uv's members: 70 % and more, with an inline table a line; bat's `Cargo.toml`
/// 61 %), not where they are a few lines (ripgrep's 17 %, a pyproject.toml's none). This
/// estimate only decides whether the parser looks (an indented header is not seen); what is
/// blanked is what the parser finds, and a table it does not blank is taken out after
/// parsing ([`prune`]). Found with memchr's vector search: it is paid for every document kept.
fn pruned_lines(text: &str) -> usize {
    let bytes = text.as_bytes();
    // Each `[` that starts a line (memmem's search for "\n[" is slower: a line feed is too
    // common a byte for its prefilter).
    let headers = memchr::memchr_iter(b'[', bytes).filter(|&at| at == 0 || bytes[at - 1] == b'\n');
    let mut pruned = 0;
    let mut open: Option<usize> = None;
    for at in headers.chain(std::iter::once(bytes.len())) {
        if let Some(start) = open.take() {
            pruned += at - start;
        }
        let Some(rest) = text.get(at..) else {
            break;
        };
        let line = rest.split('\n').next().unwrap_or_default();
        let keys = line.trim_start_matches(['[', ' ', '\t', '"', '\'']);
        if PRUNED
            .iter()
            .any(|p| keys.starts_with(p[0]) && p[1..].iter().all(|k| line.contains(k)))
        {
            open = Some(at);
        }
    }
    pruned
}

/// What [`without_pruned_tables`] learns from toml's parser: where each table header starts,
/// and whether its keys begin with a path of [`PRUNED`].
struct Headers<'s> {
    source: toml_parser::Source<'s>,
    in_header: bool,
    header_start: usize,
    /// The first two keys of the header.
    keys: [Option<std::borrow::Cow<'s, str>>; 2],
    /// The start of the pruned table being read.
    open: Option<usize>,
    blank: Vec<std::ops::Range<usize>>,
}

impl Headers<'_> {
    fn open(&mut self, at: usize) {
        self.in_header = true;
        self.header_start = at;
        self.keys = [None, None];
    }

    /// A header ends: the pruned table before it ends at its start, and one begins there if
    /// its keys begin with a pruned path.
    fn close(&mut self) {
        self.in_header = false;
        if let Some(start) = self.open.take() {
            self.blank.push(start..self.header_start);
        }
        let pruned = PRUNED.iter().any(|p| {
            p.iter()
                .zip(&self.keys)
                .all(|(p, k)| k.as_deref() == Some(*p))
        });
        if pruned {
            self.open = Some(self.header_start);
        }
    }
}

impl toml_parser::parser::EventReceiver for Headers<'_> {
    fn std_table_open(&mut self, span: toml_parser::Span, _: &mut dyn toml_parser::ErrorSink) {
        self.open(span.start());
    }

    fn array_table_open(&mut self, span: toml_parser::Span, _: &mut dyn toml_parser::ErrorSink) {
        self.open(span.start());
    }

    fn std_table_close(&mut self, _: toml_parser::Span, _: &mut dyn toml_parser::ErrorSink) {
        self.close();
    }

    fn array_table_close(&mut self, _: toml_parser::Span, _: &mut dyn toml_parser::ErrorSink) {
        self.close();
    }

    fn simple_key(
        &mut self,
        span: toml_parser::Span,
        kind: Option<toml_parser::decoder::Encoding>,
        error: &mut dyn toml_parser::ErrorSink,
    ) {
        if !self.in_header {
            return;
        }
        if let Some(slot) = self.keys.iter_mut().find(|k| k.is_none())
            && let Some(raw) = self.source.get(span)
        {
            // `get` gives the text alone; the key's quoting is the event's.
            let raw = toml_parser::Raw::new_unchecked(raw.as_str(), kind, span);
            let mut key = std::borrow::Cow::Borrowed("");
            raw.decode_key(&mut key, error);
            *slot = Some(key);
        }
    }
}

/// `text` parsed with whatever the key path `keys` (one a user names) leads to: the document
/// kept, unless the path leads into a table taken out of it.
pub fn parse_for<'t>(text: &'t str, keys: &[&str]) -> Result<Doc<'t>, toml::de::Error> {
    match parse(text)? {
        doc if doc.pruned() && meets_pruned(keys) => parse_own(text),
        doc => Ok(doc),
    }
}

/// `text` parsed for its caller alone, whole.
fn parse_own(text: &str) -> Result<Doc<'_>, toml::de::Error> {
    PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    DeTable::parse(text).map(|doc| Doc::Own { doc, pruned: false })
}

/// `text` parsed for its caller alone, without the tables of [`PRUNED`], as a kept document
/// is: what an audit parses once this thread keeps no more texts (uv's `validate-tag --all`
/// reads its 17 KB workspace manifest at each of 303 tags, 222 texts, most of each its
/// `[workspace.dependencies]`). The blanked copy is parsed and let go; the document is moved
/// onto `text` ([`rebase`]).
fn parse_own_pruned(text: &str) -> Result<Doc<'_>, toml::de::Error> {
    let Some(blanked) = without_pruned_tables(text) else {
        return parse_own(text);
    };
    PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let Ok(doc) = DeTable::parse(&blanked) else {
        // The whole text gives the error at its first place, as toml would.
        return parse_own(text);
    };
    match rebase(doc, &blanked, text) {
        Some(mut doc) => {
            prune(doc.get_mut());
            Ok(Doc::Own { doc, pruned: true })
        }
        None => parse_own(text),
    }
}

/// `doc`, parsed from `from`, borrowing `to` instead: the same text at every place it
/// borrows (a blanked copy differs only in tables it no longer holds). `None` where a value
/// cannot be read again from `to`.
fn rebase<'t>(doc: Spanned<DeTable<'_>>, from: &str, to: &'t str) -> Option<Spanned<DeTable<'t>>> {
    let span = doc.span();
    Some(Spanned::new(
        span,
        rebase_table(doc.into_inner(), from, to)?,
    ))
}

fn rebase_table<'t>(table: DeTable<'_>, from: &str, to: &'t str) -> Option<DeTable<'t>> {
    let mut out = DeTable::with_capacity(table.len());
    for (k, v) in table {
        let span = k.span();
        let key = Spanned::new(span, rebase_str(k.into_inner(), from, to));
        out.insert(key, rebase_value(v, from, to)?);
    }
    Some(out)
}

fn rebase_value<'t>(
    v: Spanned<DeValue<'_>>,
    from: &str,
    to: &'t str,
) -> Option<Spanned<DeValue<'t>>> {
    let span = v.span();
    let value = match v.into_inner() {
        DeValue::String(s) => DeValue::String(rebase_str(s, from, to)),
        DeValue::Boolean(b) => DeValue::Boolean(b),
        DeValue::Datetime(d) => DeValue::Datetime(d),
        DeValue::Array(items) => DeValue::Array(
            items
                .into_iter()
                .map(|i| rebase_value(i, from, to))
                .collect::<Option<_>>()?,
        ),
        DeValue::Table(t) => DeValue::Table(rebase_table(t, from, to)?),
        // A number's text has no constructor outside toml: read again where it stands.
        DeValue::Integer(_) | DeValue::Float(_) => {
            let again = DeValue::parse(to.get(span.clone())?).ok()?.into_inner();
            matches!(again, DeValue::Integer(_) | DeValue::Float(_)).then_some(again)?
        }
    };
    Some(Spanned::new(span, value))
}

/// `s` borrowed from `to` at the place it has in `from`, where the two agree there.
fn rebase_str<'t>(s: Cow<'_, str>, from: &str, to: &'t str) -> Cow<'t, str> {
    match s {
        Cow::Owned(s) => Cow::Owned(s),
        Cow::Borrowed(s) => {
            let at = (s.as_ptr() as usize).wrapping_sub(from.as_ptr() as usize);
            match to.get(at..at.wrapping_add(s.len())) {
                Some(t) if at <= from.len() && t == s => Cow::Borrowed(t),
                _ => Cow::Owned(s.to_owned()),
            }
        }
    }
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
    let pruned = doc.pruned();
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
        // A one-key table of PRUNED only: the typed views here read `[workspace]` for its
        // members and `[workspace.package]`, never its dependencies.
        let picked = if self.pruned && fields.iter().any(|f| PRUNED.contains(&&[*f][..])) {
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
            Doc::Own { .. } => panic!("a document under the size limit is kept"),
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
        assert!(
            matches!(whole, Doc::Own { pruned: false, .. }) && whole.get("dependencies").is_some()
        );
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

    /// A manifest whose dependency tables are most of it, as a crate's are.
    const MANIFEST: &str = "[package]\nname = \"blank-a\"\nversion = \"1.4.0\"\n\
        description = \"\"\"\n[dependencies]\nstays in the string\n\"\"\"\n\
        [dependencies]\na = { workspace = true }\nb = { workspace = true, features = [\"x\"] }\n\
        c = { version = \"1\" }\nd = { path = \"../d\" }\n\
        [ \"dev-dependencies\" ]\ne = { workspace = true }\nf = { workspace = true }\n\
        [target.'cfg(unix)'.dependencies]\ng = { version = \"2\" }\nh = { version = \"3\" }\n\
        [workspace]\nmembers = [\"crates/*\"]\n\
        [workspace.dependencies]\ni = { version = \"4\" }\nj = { version = \"5\" }\n\
        [workspace.package]\nversion = \"1.4.0\"\n\
        [features]\ndefault = []\n";

    #[test]
    fn dependency_tables_are_blanked_where_the_parser_finds_them_and_every_span_kept() {
        let blanked = without_pruned_tables(MANIFEST).expect("most of it is dependency tables");
        assert_eq!(blanked.len(), MANIFEST.len());
        let mut whole = DeTable::parse(MANIFEST).unwrap();
        assert!(prune(whole.get_mut()));
        let built = DeTable::parse(&blanked).unwrap();
        // The same document as parsing the whole text and taking the tables out, with the
        // same spans: a version's place is reported from it.
        fn at<'a>(
            d: &'a DeTable<'_>,
            table: &str,
            key: &str,
        ) -> &'a Spanned<toml::de::DeValue<'a>> {
            match d.get(table).map(|t| t.get_ref()) {
                Some(toml::de::DeValue::Table(t)) => t.get(key).unwrap(),
                _ => panic!("no [{table}]"),
            }
        }
        for (table, key) in [
            ("package", "version"),
            ("package", "description"),
            ("workspace", "package"),
            ("features", "default"),
        ] {
            let (a, b) = (
                at(whole.get_ref(), table, key),
                at(built.get_ref(), table, key),
            );
            assert_eq!(a.span(), b.span(), "{table}.{key}");
            // Debug: DeValue has no `==`; its nested spans are printed too.
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{table}.{key}");
        }
        let keys = |d: &DeTable<'_>| {
            d.keys()
                .map(|k| k.get_ref().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(built.get_ref()), ["package", "workspace", "features"]);
        assert_eq!(keys(built.get_ref()), keys(whole.get_ref()));
        // The string that holds a header-like line was read as a string: it is intact.
        let description = at(built.get_ref(), "package", "description").get_ref();
        assert!(
            matches!(description, toml::de::DeValue::String(s) if s.contains("[dependencies]"))
        );
        // `[workspace]` keeps its members, not its dependencies.
        match built.get_ref().get("workspace").map(|t| t.get_ref()) {
            Some(toml::de::DeValue::Table(t)) => {
                assert!(t.get("members").is_some() && t.get("dependencies").is_none())
            }
            _ => panic!("no [workspace]"),
        }
        // Kept and read through the cache: the same answers.
        let typed: Pkg = from_str(MANIFEST).unwrap();
        assert_eq!(typed.package.version.as_deref(), Some("1.4.0"));
        assert!(matches!(parse(MANIFEST).unwrap(), Doc::Kept(d) if d.pruned));
    }

    #[test]
    fn a_path_into_the_workspace_dependencies_gets_the_whole_text() {
        let kept = parse(MANIFEST).unwrap();
        assert!(matches!(kept, Doc::Kept(_)));
        // Whether each path gets the whole text parsed for it, rather than the kept document.
        for (keys, whole) in [
            (&["workspace", "dependencies", "i", "version"][..], true),
            (&["workspace"][..], true),
            (&["target"][..], true),
            (&["workspace", "package", "version"][..], false),
            (&["package", "version"][..], false),
        ] {
            let doc = parse_for(MANIFEST, keys).unwrap();
            assert_eq!(
                matches!(doc, Doc::Own { pruned: false, .. }),
                whole,
                "{keys:?}"
            );
        }
        let all: toml::Table = from_str(MANIFEST).unwrap();
        assert_eq!(all, toml::from_str::<toml::Table>(MANIFEST).unwrap());
    }

    #[test]
    fn the_parser_looks_only_where_dependency_tables_are_most_of_the_text() {
        // A few dependency lines in a long manifest: estimated, and not looked for.
        let features: String = (0..40).map(|i| format!("f{i} = []\n")).collect();
        let few = format!(
            "[package]\nname = \"blank-b\"\nversion = \"1.0.0\"\n[features]\n{features}[dependencies]\na = \"1\"\n"
        );
        assert_eq!(pruned_lines(&few), "[dependencies]\na = \"1\"\n".len());
        assert!(without_pruned_tables(&few).is_none());
        // Their table is still taken out of the kept document.
        assert!(parse(&few).unwrap().get("dependencies").is_none());
        // A pyproject.toml has none: `[project.optional-dependencies]` is not one.
        let py = "[project]\nname = \"x\"\ndependencies = [\"a\"]\n[project.optional-dependencies]\nb = [\"c\"]\n";
        assert_eq!(pruned_lines(py), 0);
        // The estimate counts from each header to the next, and from the text's start.
        assert_eq!(pruned_lines("[dependencies]\na = 1\n[package]\n"), 21);
        assert_eq!(
            pruned_lines("[workspace]\n[workspace.dependencies]\na = 1\n"),
            31
        );
    }

    #[test]
    fn a_malformed_text_is_parsed_whole_and_gives_toml_s_error() {
        // A syntax error inside a dependency table: the parser reports it, nothing is blanked,
        // and the error is toml's own, at its place.
        let bad = MANIFEST.replace("d = { path = \"../d\" }", "d = { path = \"../d\" ");
        assert!(without_pruned_tables(&bad).is_none());
        let e = parse(&bad).err().unwrap();
        assert_eq!(
            e.span(),
            toml::from_str::<toml::Table>(&bad).unwrap_err().span()
        );
        // A key given twice in a kept table is still an error.
        let twice = MANIFEST.replace("[features]\n", "[features]\ndefault = []\n");
        assert!(without_pruned_tables(&twice).is_some());
        let e = parse(&twice).err().unwrap();
        assert_eq!(
            e.span(),
            toml::from_str::<toml::Table>(&twice).unwrap_err().span()
        );
        // In a blanked table it is not looked at: no reader here wants that table, and one
        // that names it gets the whole text, with its error.
        let twice = MANIFEST.replace("c = { version", "a = { version");
        assert!(parse(&twice).is_ok());
        assert!(parse_for(&twice, &["dependencies", "a"]).is_err());
    }

    #[test]
    fn past_the_budget_a_document_is_the_caller_s_and_still_without_dependency_tables() {
        // Its own thread: the budget is the thread's.
        std::thread::spawn(|| {
            for i in 0..MOST_KEPT {
                parse(&format!("a = {i}\n")).unwrap();
            }
            let deps: String = (0..40)
                .map(|i| format!("d{i} = {{ workspace = true, features = [\"x\"] }}\n"))
                .collect();
            let text = format!(
                "[package]\nname = \"past-budget\"\nversion = \"2.0.0\"\n\
                 description = \"tab\\there\"\nkeywords = [\"a\", \"b\"]\n\
                 [dependencies]\n{deps}\
                 [profile.release]\nopt-level = 3\nratio = 1.5e3\nlto = true\n\
                 built = 1979-05-27T07:32:00Z\nmeta = {{ x = 0x1F, y = [1, 2.5] }}\n\
                 [dev-dependencies]\n{deps}"
            );
            let doc = parse(&text).unwrap();
            assert!(matches!(doc, Doc::Own { pruned: true, .. }));
            assert!(doc.get("dependencies").is_none() && doc.get("dev-dependencies").is_none());
            // The same values and places as toml's own parse of the whole text.
            let mut whole = DeTable::parse(&text).unwrap();
            prune(whole.get_mut());
            assert_eq!(format!("{:?}", doc.spanned()), format!("{whole:?}"));
            // Borrowed from the caller's text, not from the copy parsed.
            let Some(DeValue::Table(package)) = doc.get("package").map(|v| v.get_ref()) else {
                panic!("no [package]");
            };
            let Some(DeValue::String(name)) = package.get("name").map(|v| v.get_ref()) else {
                panic!("no name");
            };
            let at = name.as_ptr() as usize - text.as_ptr() as usize;
            assert_eq!(&text[at..at + name.len()], "past-budget");
            // Typed views and key paths as for a kept document.
            let typed: Pkg = from_str(&text).unwrap();
            assert_eq!(typed.package.version.as_deref(), Some("2.0.0"));
            let deps = parse_for(&text, &["dependencies", "d1"]).unwrap();
            assert!(
                matches!(deps, Doc::Own { pruned: false, .. })
                    && deps.get("dependencies").is_some()
            );
            let all: toml::Table = from_str(&text).unwrap();
            assert_eq!(all, toml::from_str::<toml::Table>(&text).unwrap());
        })
        .join()
        .unwrap();
    }

    #[test]
    fn large_documents_are_parsed_for_their_caller() {
        let big = format!("a = \"{}\"\n", "x".repeat(LARGEST));
        assert!(matches!(parse(&big).unwrap(), Doc::Own { .. }));
    }
}
