//! The changelog model: a changelog read into its title, sections and link definitions.
//!
//! The file is parsed once as CommonMark by pulldown-cmark (with byte offsets), so only
//! document-level headings count: a heading inside a fenced block, a list item, a block quote or
//! an HTML comment is text. The headings of levels 1 to 3 are collected first; which of them are
//! releases is then decided by the file's own convention ([`dialect`]): the level and shape most
//! of its release headings have, whether it is Keep a Changelog. Every position is a byte offset
//! into the text (after a stripped UTF-8 BOM) plus its 1-based line and character column; CRLF,
//! lone CR and LF all end a line, so a file gives the same positions whatever its line endings.
//! Texts of 2 MiB and more are parsed in two halves on two threads, cut at a heading where the
//! halves provably parse as the whole does (else sequentially). This module only describes what
//! is written (tokens, where they are, what they contain); it never judges it: the rules live in
//! `checks::changelog`, and nothing here prints, reads files or allocates per line beyond the
//! line index.

pub mod date;
pub mod dialect;

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::mpsc::{Sender, channel};

use pulldown_cmark::{
    BrokenLink, BrokenLinkCallback, CowStr, Event, LinkType, OffsetIter, Options, Parser, Tag,
    TagEnd,
};

use crate::error::{Error, Result};
use dialect::{Candidate, Conformity, Dialect, HeadingParts, LabelStyle, Role, Shape};

const BOM: &str = "\u{feff}";

/// The steps of every loop over sections, headings and link definitions, counted in tests only
/// (a build counts nothing): the scaling tests double a changelog and check that the count
/// doubles, so a loop that scans every earlier release for each release fails them, without
/// timing anything.
pub(crate) mod work {
    #[cfg(test)]
    thread_local! {
        static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// One step of a loop.
    #[inline(always)]
    pub(crate) fn step() {
        #[cfg(test)]
        STEPS.with(|s| s.set(s.get() + 1));
    }

    /// Adds the steps another thread counted (the second half of a split parse).
    #[inline(always)]
    pub(crate) fn add(_n: u64) {
        #[cfg(test)]
        STEPS.with(|s| s.set(s.get() + _n));
    }

    /// The steps counted on this thread so far, and a new count from zero.
    #[inline(always)]
    pub(crate) fn take() -> u64 {
        #[cfg(test)]
        return STEPS.with(|s| s.replace(0));
        #[cfg(not(test))]
        0
    }
}

/// A place in the text: byte offset (after the BOM), 1-based line and character column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub offset: usize,
    pub line: usize,
    pub col: usize,
}

/// A piece of the source text and where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub pos: Pos,
}

/// A document-level heading (ATX or setext).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading<'a> {
    pub level: u8,
    /// Where the heading starts: its first `#`, or the first character of a setext heading.
    pub pos: Pos,
    /// The heading's content as written, without the `#` markers, closing sequence or underline.
    pub text: Token<'a>,
    /// Byte range of the whole heading, including its line ending(s).
    pub range: Range<usize>,
    /// Underlined (`===`, `---`) rather than `#`-prefixed.
    pub setext: bool,
}

/// What a section heading opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// `[Unreleased]` (any case, bracketed or not), or ripgrep's `TBD`.
    Unreleased,
    Release,
    /// A version series that points at an archived changelog (uv's `## 0.11.x`).
    Archive,
}

/// How the part after the label is written, as far as the heading grammar
/// `[X] - YYYY-MM-DD [YANKED]` is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// Nothing after the label.
    Bare,
    /// ` - <date>`: the canonical separator.
    Dash,
    /// A date right after the label, with no ` - ` (`## [0.5.0] 2016-03-01`).
    MissingDash,
    /// A date in parentheses (`## 0.55.0 (2026-06-22)`).
    Parenthesised,
    /// An en or em dash instead of `-`.
    WrongDash,
    /// ` / <date>` (mocha, commander.js).
    Slash,
    /// Anything else (`## 1.0.0 beta`, `## [1.0.0 - date`).
    Unrecognised,
}

/// A heading that opens a section (`[Unreleased]`, a release or an archive pointer), and what
/// follows it up to the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section<'a> {
    pub kind: SectionKind,
    pub heading: Heading<'a>,
    /// A word before the version (`Version` in `## Version 8.5.0`).
    pub word: Option<Token<'a>>,
    /// The label: the inside of `[...]`, or the first word of an unbracketed heading (after
    /// `word`). For a release this is the version string as written.
    pub label: Token<'a>,
    /// For a release: the version as the file's convention reads it (`4.13.9` of `v4.13.9`
    /// where the convention writes a `v`; the label itself under Keep a Changelog).
    pub version: Option<Token<'a>>,
    pub bracketed: bool,
    /// `[X](url)`: the heading label is an inline link.
    pub inline_url: Option<Token<'a>>,
    /// `[X][ref]`: the label of a full reference link (empty for a collapsed `[X][]`).
    pub ref_label: Option<Token<'a>>,
    /// Byte offset where the label as written starts (its `[`, after any word).
    pub label_start: usize,
    /// Byte offset just past the label as written (brackets and any link part included).
    pub label_end: usize,
    /// Index into [`Changelog::links`] of the definition the label resolves to (for a
    /// bracketed label; for an unbracketed one, the definition that merely names it).
    pub link: Option<usize>,
    pub form: Form,
    /// The first token that breaks the form (the separator, the parenthesis, the stray text).
    pub form_pos: Pos,
    /// The release date: in the heading, or in the first line of the body (`date_in_body`).
    pub date: Option<Token<'a>>,
    pub date_in_body: bool,
    /// The first line of the body says `Unreleased`: a release being prepared (Pallets).
    pub pending: bool,
    /// The yanked marker (`[YANKED]`, `(yanked)`) in whatever spelling it was written.
    pub yanked: Option<Token<'a>>,
    /// Text after the date (and marker) that the grammar has no place for.
    pub trailing: Option<Token<'a>>,
    /// How the heading relates to the file's convention (always `Follows` for sections other
    /// than releases, and under Keep a Changelog's grammar, which the rules apply themselves).
    pub conformity: Conformity,
    pub change_types: Vec<ChangeType<'a>>,
    /// Any content at all below the heading (lists, paragraphs, code, non-comment HTML); HTML
    /// comments, thematic breaks and empty list items do not count.
    pub has_content: bool,
    /// Where the section ends: the line start of the heading that ends it, or the end of text.
    pub end: usize,
    /// The body as written, minus the heading, with leading and trailing blank lines (and the
    /// link definitions that end the file) trimmed: what `--notes` prints.
    pub body: Range<usize>,
}

impl<'a> Section<'a> {
    pub fn is_unreleased(&self) -> bool {
        self.kind == SectionKind::Unreleased
    }

    /// The version of a release (`None` for other sections).
    pub fn version(&self) -> Option<Token<'a>> {
        if self.kind == SectionKind::Release {
            self.version
        } else {
            None
        }
    }

    /// True when a yanked marker is present (in any spelling).
    pub fn is_yanked(&self) -> bool {
        self.yanked.is_some()
    }

    /// The link target of the heading label: an inline URL or the resolved definition's URL.
    pub fn link_target<'m>(&'m self, model: &'m Changelog<'a>) -> Option<&'m str> {
        if let Some(u) = &self.inline_url {
            return Some(u.text);
        }
        if !self.bracketed {
            return None;
        }
        self.link
            .and_then(|i| model.links.get(i))
            .map(|l| l.url.as_str())
    }

    /// Whether the heading label renders as a link.
    pub fn is_link(&self) -> bool {
        self.inline_url.is_some() || (self.bracketed && self.link.is_some())
    }
}

/// A heading inside a section, below its level: a change type (`### Added`), or a heading under
/// one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeType<'a> {
    pub heading: Heading<'a>,
    /// Its text, trimmed.
    pub name: Token<'a>,
    pub has_entries: bool,
    /// The change type it is under (index into the section's list), if any.
    pub parent: Option<usize>,
}

/// A link reference definition, `[label]: url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkDef {
    /// The label as written (whitespace collapsed, as CommonMark matches it).
    pub label: String,
    pub url: String,
    /// Where the definition's `[` is.
    pub pos: Pos,
    pub span: Range<usize>,
    /// True when some section heading's label (bracketed or not) names this definition.
    pub names_section: bool,
    /// True when a reference link anywhere in the file (`[text][label]`, `[label][]`,
    /// `[label]`) uses this definition.
    pub referenced: bool,
}

/// What the file opens with, for the title rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opening {
    /// No block at all (empty file, or only comments and definitions).
    Nothing,
    /// A level-1 heading: the title.
    Title,
    /// Some other block, described in words ("a paragraph").
    Other(&'static str, Pos),
}

/// How to read a changelog's headings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// `changelog.format = "keep-a-changelog"`: Keep a Changelog's grammar, whatever the file's
    /// own convention.
    pub keep_a_changelog: bool,
}

/// A parsed changelog. Borrow of the text it was parsed from.
#[derive(Debug)]
pub struct Changelog<'a> {
    /// The text after the BOM.
    pub text: &'a str,
    /// Whether the input started with a UTF-8 BOM (not part of `text`).
    pub bom: bool,
    /// The first level-1 heading before any section.
    pub title: Option<Heading<'a>>,
    pub opening: Opening,
    /// The file's convention for release headings.
    pub dialect: Dialect,
    /// Unreleased, release and archive sections, in file order.
    pub sections: Vec<Section<'a>>,
    /// Headings at the release level (or above it) that are neither the title nor a section.
    pub strays: Vec<Heading<'a>>,
    /// Link reference definitions (the first of each label, as CommonMark uses), in file order.
    pub links: Vec<LinkDef>,
    lines: LineIndex,
    hint: Cell<usize>,
}

impl<'a> Changelog<'a> {
    /// Parses changelog bytes, each file in its own convention. A UTF-8 BOM is stripped;
    /// anything that is not UTF-8 is an error naming the byte offset (counted in the input, BOM
    /// included).
    pub fn parse(bytes: &'a [u8]) -> Result<Changelog<'a>> {
        Self::parse_with(bytes, ParseOptions::default())
    }

    pub fn parse_with(bytes: &'a [u8], opts: ParseOptions) -> Result<Changelog<'a>> {
        let text = decode(bytes)?;
        Ok(build(text, bytes.starts_with(BOM.as_bytes()), opts))
    }

    /// Release sections (not unreleased sections or archive pointers), in file order.
    pub fn releases(&self) -> impl Iterator<Item = &Section<'a>> {
        self.sections
            .iter()
            .filter(|s| s.kind == SectionKind::Release)
    }

    /// The first unreleased section, else the first release being prepared (`pending`).
    pub fn unreleased(&self) -> Option<&Section<'a>> {
        self.sections
            .iter()
            .find(|s| s.is_unreleased())
            .or_else(|| self.releases().find(|s| s.pending))
    }

    /// Line and column of a byte offset in [`Changelog::text`].
    pub fn pos(&self, offset: usize) -> Pos {
        self.lines.pos(self.text, offset, &self.hint)
    }

    /// The body of a section as it is written (see [`Section::body`]).
    pub fn body(&self, section: &Section<'a>) -> &'a str {
        self.text.get(section.body.clone()).unwrap_or("")
    }

    /// The byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.lines.line_start(line)
    }

    /// The section whose body holds `offset` (its heading included).
    pub fn section_at(&self, offset: usize) -> Option<&Section<'a>> {
        let i = self
            .sections
            .partition_point(|s| s.heading.range.start <= offset);
        let s = self.sections.get(i.checked_sub(1)?)?;
        (offset < s.end.max(s.heading.range.end)).then_some(s)
    }
}

/// Checks UTF-8 and strips a BOM.
fn decode(bytes: &[u8]) -> Result<&str> {
    let skip = if bytes.starts_with(BOM.as_bytes()) {
        BOM.len()
    } else {
        0
    };
    let rest = bytes.get(skip..).unwrap_or_default();
    std::str::from_utf8(rest).map_err(|e| {
        let at = e.valid_up_to();
        let byte = rest.get(at).copied().unwrap_or_default();
        let line = rest[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::new(format!(
            "not UTF-8: invalid byte 0x{byte:02x} at byte offset {} (line {line}); expected a UTF-8 text file",
            at + skip
        ))
    })
}

/// Byte offsets of line starts. CommonMark ends a line at LF, CRLF or a lone CR.
struct LineIndex {
    starts: Vec<usize>,
}

impl std::fmt::Debug for LineIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineIndex")
            .field("lines", &self.starts.len())
            .finish()
    }
}

impl LineIndex {
    fn new(text: &str) -> Self {
        // Reserved generously: pages of a big reservation that are never written cost nothing,
        // while growing by doubling copies the index and touches every page twice.
        let mut starts = Vec::with_capacity(text.len() / 16 + 1);
        starts.push(0);
        let bytes = text.as_bytes();
        // One pass, eight bytes at a time: a word with no LF and no CR (most of them) costs a
        // few operations; `ends` marks exactly the bytes that are LF or CR.
        const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
        const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
        let ends = |w: u64| {
            let zero_bytes = |x: u64| !(((x & LOW7) + LOW7) | x | LOW7);
            zero_bytes(w ^ (ONES * u64::from(b'\n'))) | zero_bytes(w ^ (ONES * u64::from(b'\r')))
        };
        let mut push = |i: usize| {
            // A CR followed by LF ends its line at the LF.
            if bytes.get(i) == Some(&b'\n') || bytes.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
        };
        let mut words = bytes.chunks_exact(8);
        let mut at = 0;
        for word in words.by_ref() {
            let mut found = ends(u64::from_le_bytes(word.try_into().unwrap_or_default()));
            while found != 0 {
                push(at + found.trailing_zeros() as usize / 8);
                found &= found - 1;
            }
            at += 8;
        }
        for (i, &b) in words.remainder().iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                push(at + i);
            }
        }
        LineIndex { starts }
    }

    fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0)
    }

    /// The position of `offset`; `hint` (the caller's last line index) makes the common
    /// forward-moving lookups cheap.
    fn pos(&self, text: &str, offset: usize, hint: &Cell<usize>) -> Pos {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // Lookups mostly move forward a few lines (heading, then its tokens, then the next
        // heading): try just after the previous answer before a binary search.
        let hint_line = hint.get();
        let ahead = self
            .starts
            .get(hint_line..(hint_line + 8).min(self.starts.len()))
            .unwrap_or_default();
        let line = if ahead.first().is_some_and(|&s| s <= offset)
            && ahead.last().is_some_and(|&s| s > offset)
        {
            hint_line + ahead.partition_point(|&s| s <= offset)
        } else {
            self.starts.partition_point(|&s| s <= offset).max(1)
        };
        hint.set(line - 1);
        let start = self.line_start(line).min(offset);
        let col = text[start..offset].chars().count() + 1;
        Pos { offset, line, col }
    }

    /// The offset where the line after the one holding `offset` starts (or the end of text).
    fn next_line_start(&self, text_len: usize, offset: usize) -> usize {
        let line = self.starts.partition_point(|&s| s <= offset);
        self.starts.get(line).copied().unwrap_or(text_len)
    }
}

/// A level-1..3 document-level heading being read: its range and the span of its content.
struct OpenHeading {
    level: u8,
    range: Range<usize>,
    content: Option<Range<usize>>,
}

/// A document-level heading of level 1 to 3 as parsed, before the dialect gives it a role.
#[derive(Debug)]
struct RawHead<'a> {
    heading: Heading<'a>,
    /// Content (anything but headings of levels 1 to 3) follows it before the next such heading.
    content_after: bool,
}

/// What the event loop knows about where it is.
struct Builder<'a, 'l> {
    text: &'a str,
    lines: &'l LineIndex,
    hint: Cell<usize>,
    opening: Option<Opening>,
    /// Offset of the block that set `opening` (to undo a title that turns out to be a release).
    opening_at: usize,
    heads: Vec<RawHead<'a>>,
    depth: usize,
    heading: Option<OpenHeading>,
    /// The last document-level block: whether it is a code or HTML block, and where it ends.
    last_block: Option<(bool, usize)>,
    /// Version-like labels used by reference links, lower-cased (with repeats).
    used: Vec<Cow<'a, str>>,
}

/// Texts at least this long are parsed in two halves on two threads (see [`build_split`]).
const SPLIT_MIN: usize = 2 << 20;

fn build(text: &str, bom: bool, opts: ParseOptions) -> Changelog<'_> {
    let lines = LineIndex::new(text);
    // Asked only for big texts: on Linux the answer costs a look at the cgroup files.
    let parallel = || std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let split = (text.len() >= SPLIT_MIN && parallel())
        .then(|| split_point(text))
        .flatten()
        .and_then(|at| build_split(text, &lines, at, opts));
    let (parts, links) = split.unwrap_or_else(|| build_sequential(text, &lines, opts));
    assemble(text, bom, lines, parts, links)
}

fn assemble<'a>(
    text: &'a str,
    bom: bool,
    lines: LineIndex,
    parts: Parts<'a>,
    links: Vec<LinkDef>,
) -> Changelog<'a> {
    Changelog {
        text,
        bom,
        title: parts.title,
        opening: parts.opening,
        dialect: parts.dialect,
        sections: parts.sections,
        strays: parts.strays,
        links,
        lines,
        hint: Cell::new(0),
    }
}

/// A reference link whose label the parsed text does not define (`[1.2.0]`, `[][x]`).
struct Broken {
    /// Lower-cased, and only when version-like: it tells whether a version definition is used.
    version: Option<String>,
    /// The label of a link with empty text (`[][x]`), which adds no content when it resolves
    /// and does as literal text when it does not: a split parse whose other half defines it
    /// must fall back to one parse.
    empty: Option<String>,
}

/// Broken reference links are recorded: in a split parse their definition may be in the other
/// half, and either way they tell whether a version definition is used.
fn recorder<'i>(
    half: &'i str,
    tx: Sender<Broken>,
) -> impl FnMut(BrokenLink<'i>) -> Option<(CowStr<'i>, CowStr<'i>)> + Send {
    move |link: BrokenLink<'i>| {
        let label = &link.reference;
        let version =
            (is_version_like(label) || is_unreleased(label)).then(|| label.to_lowercase());
        let empty = half
            .get(link.span.clone())
            .is_some_and(|src| src.starts_with("[]"))
            .then(|| label.to_string());
        if version.is_some() || empty.is_some() {
            let _ = tx.send(Broken { version, empty });
        }
        None
    }
}

/// Parses `text[at..end]` into a builder over the whole text (event ranges shifted by `at`);
/// the parser is returned for its link reference definitions.
fn parse_part<'a, 'l>(
    text: &'a str,
    lines: &'l LineIndex,
    part: &'a str,
    at: usize,
    tx: Sender<Broken>,
) -> (Builder<'a, 'l>, OffsetIter<'a, impl BrokenLinkCallback<'a>>) {
    let mut b = Builder::new(text, lines);
    let mut events =
        Parser::new_with_broken_link_callback(part, Options::empty(), Some(recorder(part, tx)))
            .into_offset_iter();
    for (event, range) in events.by_ref() {
        b.feed(event, range.start + at..range.end + at);
    }
    (b, events)
}

fn build_sequential<'a>(
    text: &'a str,
    lines: &LineIndex,
    opts: ParseOptions,
) -> (Parts<'a>, Vec<LinkDef>) {
    let (tx, rx) = channel();
    let (mut b, events) = parse_part(text, lines, text, 0, tx);
    b.used
        .extend(rx.try_iter().filter_map(|l| l.version).map(Cow::Owned));
    b.finish(&[(events.reference_definitions(), 0)], opts)
}

/// A heading that opens a section (`## [1.2.0] ...`, `# 1.53.1 (...)` at the start of a line,
/// after a blank line) near the middle: the halves around it parse as the whole does, unless
/// the first half ends inside a fenced code block or an HTML block, which [`build_split`]
/// checks after parsing.
fn split_point(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = text.len() / 2;
    for _ in 0..10_000 {
        let i = from + text.get(from..)?.find("\n#")?;
        let line = i + 1;
        let before = &bytes[..i];
        let blank_before = before.ends_with(b"\n") || before.ends_with(b"\n\r");
        let eol = text[line..]
            .find(['\n', '\r'])
            .map_or(text.len(), |k| line + k);
        let hashes = text[line..eol].bytes().take_while(|&b| b == b'#').count();
        let content = text.get(line + hashes..eol).unwrap_or("");
        if blank_before
            && (1..=2).contains(&hashes)
            && content.starts_with(' ')
            && heading_kind(content).is_some()
        {
            return Some(line);
        }
        from = line;
    }
    None
}

/// Parses `text[..at]` here and `text[at..]` on a second thread, each into its own builder, and
/// joins them. `None` when the split turns out unsafe (the caller then parses sequentially).
fn build_split<'a>(
    text: &'a str,
    lines: &LineIndex,
    at: usize,
    opts: ParseOptions,
) -> Option<(Parts<'a>, Vec<LinkDef>)> {
    let (first, second) = (text.get(..at)?, text.get(at..)?);
    std::thread::scope(|scope| {
        let (tx, rx) = channel();
        let tx2 = tx.clone();
        // A thread the system will not give is no error: the caller parses sequentially.
        let worker = std::thread::Builder::new().spawn_scoped(scope, move || {
            let part = parse_part(text, lines, second, at, tx2);
            (part, work::take())
        });
        let worker = worker.ok()?;
        let (mut a, head) = parse_part(text, lines, first, 0, tx);
        let ((b, tail), steps) = worker.join().ok()?;
        work::add(steps);
        // The second half must open with the heading it was cut at, and the first must not end
        // inside a block that would have swallowed it.
        let starts_clean = b.heads.first().is_some_and(|h| h.heading.range.start == at);
        if a.ends_open(at) || !starts_clean {
            return None;
        }
        let defs = [
            (head.reference_definitions(), 0),
            (tail.reference_definitions(), at),
        ];
        let mut used = Vec::new();
        for l in rx.try_iter() {
            // `[][x]` with `[x]:` in the other half: one parse sees no text there.
            if l.empty
                .is_some_and(|label| defs.iter().any(|(d, _)| d.get(&label).is_some()))
            {
                return None;
            }
            used.extend(l.version.map(Cow::Owned));
        }
        a.absorb(b);
        a.used.extend(used);
        Some(a.finish(&defs, opts))
    })
}

/// `s` lower-cased, borrowed when it already is.
fn lowercase(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// A parser string lower-cased, borrowing from the text when it can.
fn lowercase_cow<'a>(s: &CowStr<'a>) -> Cow<'a, str> {
    match s {
        CowStr::Borrowed(b) => lowercase(b),
        other => Cow::Owned(other.to_lowercase()),
    }
}

fn extend(span: &mut Option<Range<usize>>, r: Range<usize>) {
    *span = Some(match span.take() {
        Some(s) => s.start.min(r.start)..s.end.max(r.end),
        None => r,
    });
}

/// True when an HTML block holds nothing but comments (`<!-- next-header -->`): invisible, so
/// neither content nor an opening block.
fn comment_only(html: &str) -> bool {
    let mut rest = html.trim();
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix("<!--") else {
            return false;
        };
        match after.find("-->") {
            Some(end) => rest = after[end + 3..].trim_start(),
            None => return true,
        }
    }
    true
}

/// What a builder found, with the links attached.
#[derive(Debug)]
struct Parts<'a> {
    title: Option<Heading<'a>>,
    opening: Opening,
    dialect: Dialect,
    sections: Vec<Section<'a>>,
    strays: Vec<Heading<'a>>,
}

impl<'a, 'l> Builder<'a, 'l> {
    fn new(text: &'a str, lines: &'l LineIndex) -> Self {
        Builder {
            text,
            lines,
            hint: Cell::new(0),
            opening: None,
            opening_at: 0,
            heads: Vec::new(),
            depth: 0,
            heading: None,
            last_block: None,
            used: Vec::new(),
        }
    }

    /// True when the text so far ends inside a code or HTML block, which the next line could
    /// belong to: a split parse there would not be what a whole parse is.
    fn ends_open(&self, at: usize) -> bool {
        self.depth != 0
            || self
                .last_block
                .is_some_and(|(open_ended, end)| open_ended && end >= at)
    }

    fn at(&self, offset: usize) -> Pos {
        self.lines.pos(self.text, offset, &self.hint)
    }

    /// Appends what the builder of the second half found (which starts with a heading).
    fn absorb(&mut self, b: Builder<'a, '_>) {
        self.heads.extend(b.heads);
        self.used.extend(b.used);
        if self.opening.is_none() {
            self.opening = b.opening;
            self.opening_at = b.opening_at;
        }
        self.depth = b.depth;
    }

    /// Gives the headings their roles, attaches the link definitions and trims the bodies.
    fn finish(
        self,
        defs: &[(&pulldown_cmark::RefDefs<'_>, usize)],
        opts: ParseOptions,
    ) -> (Parts<'a>, Vec<LinkDef>) {
        let used: HashSet<&str> = self.used.iter().map(|u| &**u).collect();
        let mut links = collect_links(self.text, self.lines, defs);
        for l in &mut links {
            work::step();
            l.referenced = used.contains(&*lowercase(&l.label));
        }
        let opening = self.opening.unwrap_or(Opening::Nothing);
        let mut parts = classify(self.text, self.lines, self.heads, opening, &links, opts);
        resolve_labels(defs, &mut parts.sections, &mut links);
        for s in &mut parts.sections {
            work::step();
            s.body = trim_body(self.text, s.body.start, s.end, &links);
        }
        (parts, links)
    }

    /// One parser event. Only document-level structure is kept: headings of level 1 to 3 and
    /// whether anything else (content) follows them.
    fn feed(&mut self, event: Event<'a>, range: Range<usize>) {
        work::step();
        if let Event::Start(Tag::Link { link_type, id, .. }) = &event {
            // Only version-like labels matter (for `changelog-link-unused`); skipping the rest
            // keeps PR and issue links (thousands in some files) allocation-free.
            if matches!(
                link_type,
                LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
            ) && (is_version_like(id) || is_unreleased(id))
            {
                self.used.push(lowercase_cow(id));
            }
        }
        if let Some(h) = self.heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(_)) if self.depth == 1 => {
                    self.depth = 0;
                    if let Some(h) = self.heading.take() {
                        self.heading(h);
                    }
                }
                Event::Start(_) => {
                    self.depth += 1;
                    extend(&mut h.content, range);
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    extend(&mut h.content, range);
                }
                _ => extend(&mut h.content, range),
            }
            return;
        }
        match event {
            Event::Start(tag) => {
                if self.depth == 0 {
                    self.block_opens(&tag, &range);
                    self.last_block =
                        Some((matches!(tag, Tag::CodeBlock(_) | Tag::HtmlBlock), range.end));
                    if let Tag::Heading { level, .. } = tag {
                        let level = level as u8;
                        if level <= 3 {
                            self.heading = Some(OpenHeading {
                                level,
                                range,
                                content: None,
                            });
                            self.depth += 1;
                            return;
                        }
                    }
                }
                self.depth += 1;
                match tag {
                    Tag::CodeBlock(_) | Tag::Image { .. } | Tag::Heading { .. } => self.content(),
                    Tag::HtmlBlock if !comment_only(self.text.get(range).unwrap_or("")) => {
                        self.content()
                    }
                    _ => {}
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Text(_)
            | Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_) => self.content(),
            Event::Rule if self.depth == 0 => {
                self.last_block = Some((false, range.end));
                if self.opening.is_none() {
                    let pos = self.at(range.start);
                    self.opening = Some(Opening::Other("a thematic break", pos));
                }
            }
            Event::Html(_) | Event::Rule | Event::SoftBreak | Event::HardBreak => {}
        }
    }

    /// A document-level block starts: remember what the file opens with.
    fn block_opens(&mut self, tag: &Tag<'_>, range: &Range<usize>) {
        if self.opening.is_some() {
            return;
        }
        self.opening_at = range.start;
        let what = match tag {
            Tag::Heading { level, .. } if *level as u8 == 1 => {
                self.opening = Some(Opening::Title);
                return;
            }
            Tag::HtmlBlock if comment_only(self.text.get(range.clone()).unwrap_or("")) => return,
            Tag::HtmlBlock => "an HTML block",
            Tag::Heading { level, .. } => match *level as u8 {
                2 => "a level-2 heading",
                3 => "a level-3 heading",
                _ => "a heading below level 3",
            },
            Tag::Paragraph => "a paragraph",
            Tag::List(_) => "a list",
            Tag::CodeBlock(_) => "a code block",
            Tag::BlockQuote(_) => "a block quote",
            _ => "a block",
        };
        let pos = self.at(range.start);
        self.opening = Some(Opening::Other(what, pos));
    }

    fn content(&mut self) {
        if let Some(h) = self.heads.last_mut() {
            h.content_after = true;
        }
    }

    fn heading(&mut self, open: OpenHeading) {
        let text = self.text;
        let start = open.range.start;
        let content = open.content.unwrap_or(start..start);
        let content_text = text.get(content.clone()).unwrap_or("");
        let setext = !text
            .get(start..open.range.end)
            .unwrap_or("")
            .trim_start_matches(' ')
            .starts_with('#');
        let heading = Heading {
            level: open.level,
            pos: self.at(start),
            text: Token {
                text: content_text,
                pos: self.at(content.start),
            },
            range: open.range.clone(),
            setext,
        };
        // `# 1.2.0 (date)` or `# Unreleased` opening the file is a release, not a title.
        if open.level == 1
            && self.opening == Some(Opening::Title)
            && self.opening_at == start
            && heading_kind(content_text).is_some()
        {
            self.opening = Some(Opening::Other("a level-1 release heading", heading.pos));
        }
        self.heads.push(RawHead {
            heading,
            content_after: false,
        });
    }
}

/// A heading read for its role: its parts, kind and shape.
struct Read<'a> {
    raw: RawHead<'a>,
    parts: HeadingParts,
    kind: Option<SectionKind>,
    /// The date in the first line of the body, and whether that line says `Unreleased`.
    body_date: Option<Range<usize>>,
    pending: bool,
}

/// True when the text before the first section names keepachangelog.com.
fn names_keep_a_changelog(text: &str, links: &[LinkDef], first_section: usize) -> bool {
    const NAME: &str = "keepachangelog.com";
    let pre = text.get(..first_section).unwrap_or(text);
    pre.as_bytes()
        .windows(NAME.len())
        .any(|w| w.eq_ignore_ascii_case(NAME.as_bytes()))
        || links
            .iter()
            .any(|l| l.url.to_ascii_lowercase().contains(NAME))
}

/// The first line after a heading, if it comes before `limit` (the next heading).
fn first_body_line(text: &str, from: usize, limit: usize) -> Option<(usize, &str)> {
    let limit = limit.min(text.len());
    let mut at = from.min(limit);
    for line in text.get(at..limit)?.split_inclusive(['\n', '\r']) {
        if !line.trim().is_empty() {
            return Some((at, line.trim_end_matches(['\n', '\r'])));
        }
        at += line.len();
    }
    None
}

/// Decides the role of every heading under the file's dialect and builds the sections.
fn classify<'a>(
    text: &'a str,
    lines: &LineIndex,
    heads: Vec<RawHead<'a>>,
    mut opening: Opening,
    links: &[LinkDef],
    opts: ParseOptions,
) -> Parts<'a> {
    let hint = Cell::new(0);
    let pos = |o: usize| lines.pos(text, o, &hint);
    let starts: Vec<usize> = heads.iter().map(|h| h.heading.range.start).collect();
    let mut read: Vec<Read<'a>> = Vec::with_capacity(heads.len());
    for (i, raw) in heads.into_iter().enumerate() {
        work::step();
        let parts = HeadingParts::parse(raw.heading.text.text);
        let label = raw.heading.text.text.get(parts.label.clone()).unwrap_or("");
        let kind = match parts.kind() {
            // `## 0.11.x` with nothing after it points at an archived changelog.
            Some(SectionKind::Release)
                if dialect::is_series(label) && parts.form == Some(Form::Bare) =>
            {
                Some(SectionKind::Archive)
            }
            k => k,
        };
        let (mut body_date, mut pending) = (None, false);
        if kind == Some(SectionKind::Release)
            && parts.form == Some(Form::Bare)
            && parts.trailing.is_none()
        {
            let body = lines.next_line_start(
                text.len(),
                raw.heading
                    .range
                    .end
                    .saturating_sub(1)
                    .max(raw.heading.range.start),
            );
            let limit = starts.get(i + 1).copied().unwrap_or(text.len());
            if let Some((at, line)) = first_body_line(text, body, limit) {
                match date::body_date(line) {
                    Some(date::BodyDate::Released(r)) => body_date = Some(at + r.start..at + r.end),
                    Some(date::BodyDate::Pending) => pending = true,
                    None => {}
                }
            }
        }
        read.push(Read {
            raw,
            parts,
            kind,
            body_date,
            pending,
        });
    }
    let shape = |r: &Read<'a>| -> Option<Shape> {
        if r.kind != Some(SectionKind::Release) {
            return None;
        }
        let t = r.raw.heading.text.text;
        let p = &r.parts;
        let label = t.get(p.label.clone()).unwrap_or("");
        Some(Shape {
            label: if p.url.is_some() {
                LabelStyle::Linked
            } else if p.bracketed {
                LabelStyle::Bracketed
            } else {
                LabelStyle::Bare
            },
            v: label.starts_with(['v', 'V']),
            word: p
                .word
                .clone()
                .map(|w| t.get(w).unwrap_or("").to_ascii_lowercase()),
            form: p.form.unwrap_or(Form::Unrecognised),
            date: p
                .date
                .clone()
                .map(|d| dialect::date_kind(t.get(d).unwrap_or(""))),
            body_date: r.body_date.is_some() || r.pending,
            trailing: p.trailing.is_some(),
        })
    };
    let candidates: Vec<Candidate> = read
        .iter()
        .map(|r| Candidate {
            level: r.raw.heading.level,
            setext: r.raw.heading.setext,
            kind: r.kind.filter(|k| *k != SectionKind::Archive),
            shape: shape(r),
            bracketed_unreleased: r.parts.bracketed && r.kind == Some(SectionKind::Unreleased),
            word: r
                .parts
                .word
                .clone()
                .map(|w| r.raw.heading.text.text.get(w).unwrap_or("").to_string()),
        })
        .collect();
    let first_section = read
        .iter()
        .find(|r| r.kind.is_some())
        .map_or(text.len(), |r| r.raw.heading.range.start);
    let named = names_keep_a_changelog(text, links, first_section);
    let (mut dialect, roles) = dialect::detect(&candidates, named, opts.keep_a_changelog);
    dialect.example = dialect
        .dominant
        .as_ref()
        .and_then(|d| read.get(d.example))
        .map(|r| {
            let h = &r.raw.heading;
            let t = h.text.text.trim();
            let shown = if h.setext {
                t.to_string()
            } else {
                format!("{} {t}", "#".repeat(usize::from(h.level)))
            };
            (h.pos.line, shown)
        });
    let level = dialect.level;
    let strict = dialect.strict;

    let mut title = None;
    let mut seen_h1 = false;
    let mut sections: Vec<Section<'a>> = Vec::new();
    let mut strays = Vec::new();
    let mut current: Option<usize> = None;
    // The open change types of the current section, by level, for parents.
    let mut open_types: Vec<(u8, usize)> = Vec::new();
    for (r, role) in read.into_iter().zip(roles) {
        work::step();
        let h = r.raw.heading;
        let line_start = lines.line_start(h.pos.line);
        let archive = r.kind == Some(SectionKind::Archive) && h.level <= level;
        let opens = match role {
            Some(Role::Release(_)) | Some(Role::Unreleased) => true,
            _ => archive,
        };
        let first_h1 = h.level == 1 && !seen_h1;
        seen_h1 |= h.level == 1;
        if opens {
            if let Some(c) = current.take() {
                sections[c].end = line_start;
            }
            open_types.clear();
            let conformity = match role {
                Some(Role::Release(c)) => c,
                _ => Conformity::Follows,
            };
            let kind = if archive {
                SectionKind::Archive
            } else if role == Some(Role::Unreleased) {
                SectionKind::Unreleased
            } else {
                SectionKind::Release
            };
            let base = h.text.pos.offset;
            let p = &r.parts;
            let tok = |rg: &Option<Range<usize>>| {
                rg.as_ref().map(|rg| Token {
                    text: text.get(base + rg.start..base + rg.end).unwrap_or(""),
                    pos: pos(base + rg.start),
                })
            };
            let label = tok(&Some(p.label.clone())).unwrap_or(h.text);
            let version = (kind == SectionKind::Release).then(|| {
                let v = label.text;
                match v.strip_prefix(['v', 'V']) {
                    Some(rest) if !strict && rest.starts_with(|c: char| c.is_ascii_digit()) => {
                        Token {
                            text: rest,
                            pos: Pos {
                                offset: label.pos.offset + 1,
                                line: label.pos.line,
                                col: label.pos.col + 1,
                            },
                        }
                    }
                    _ => label,
                }
            });
            let (date, date_in_body) = match (&p.date, &r.body_date) {
                (Some(_), _) => (tok(&p.date), false),
                (None, Some(b)) if !strict => (
                    Some(Token {
                        text: text.get(b.clone()).unwrap_or(""),
                        pos: pos(b.start),
                    }),
                    true,
                ),
                _ => (None, false),
            };
            let body_start =
                lines.next_line_start(text.len(), h.range.end.saturating_sub(1).max(h.range.start));
            sections.push(Section {
                kind,
                word: tok(&p.word),
                label,
                version,
                bracketed: p.bracketed,
                inline_url: tok(&p.url),
                ref_label: tok(&p.ref_label),
                label_start: base + p.label_start,
                label_end: base + p.label_end,
                link: None,
                form: p.form.unwrap_or(Form::Unrecognised),
                form_pos: pos(base + p.form_at),
                date,
                date_in_body,
                pending: r.pending && !strict,
                yanked: tok(&p.yanked),
                trailing: tok(&p.trailing),
                conformity,
                change_types: Vec::new(),
                has_content: r.raw.content_after,
                body: body_start..body_start,
                end: text.len(),
                heading: h,
            });
            current = Some(sections.len() - 1);
            continue;
        }
        if h.level == 1 && first_h1 && sections.is_empty() && r.kind.is_none() {
            title = Some(h);
            continue;
        }
        if role == Some(Role::Stray) || h.level <= level {
            // A stray at the release level (`## Highlights`) does not end the release: its text
            // stays in the release's notes, and the rule reports the heading itself. One above
            // it, or one that names a version (`## Version 1.2.0` where releases are `[X]`), does:
            // what follows is not the current release's.
            let ends = h.level < level || version_word(h.text.text).is_some();
            match current {
                Some(c) if ends => {
                    sections[c].end = line_start;
                    current = None;
                }
                Some(c) => sections[c].has_content |= r.raw.content_after,
                None => {}
            }
            open_types.clear();
            strays.push(h);
            continue;
        }
        // A heading inside a section: a change type, or a heading under one.
        let Some(c) = current else { continue };
        let s = &mut sections[c];
        s.has_content |= r.raw.content_after;
        while open_types.last().is_some_and(|&(l, _)| l >= h.level) {
            open_types.pop();
        }
        let parent = open_types.last().map(|&(_, i)| i);
        if let Some(p) = parent.and_then(|p| s.change_types.get_mut(p)) {
            p.has_entries = true;
        }
        let trimmed = h.text.text.trim();
        let lead = h.text.text.len() - h.text.text.trim_start().len();
        let name = Token {
            text: trimmed,
            pos: pos(h.text.pos.offset + lead),
        };
        s.change_types.push(ChangeType {
            name,
            has_entries: r.raw.content_after,
            parent,
            heading: h,
        });
        open_types.push((
            s.change_types.last().map_or(3, |t| t.heading.level),
            s.change_types.len() - 1,
        ));
    }
    // A file whose releases are level-1 headings has no title level: opening with a release is
    // opening with its top level.
    if title.is_none()
        && level == 1
        && matches!(opening, Opening::Other("a level-1 release heading", _))
    {
        opening = Opening::Title;
    }
    Parts {
        title,
        opening,
        dialect,
        sections,
        strays,
    }
}

/// Copies the definitions out of the parser (sorted by position). Whether a reference uses
/// each is marked by the caller, which section names each by [`resolve_labels`].
fn collect_links(
    text: &str,
    lines: &LineIndex,
    defs: &[(&pulldown_cmark::RefDefs<'_>, usize)],
) -> Vec<LinkDef> {
    let mut links: Vec<LinkDef> = Vec::new();
    for (n, (map, base)) in defs.iter().enumerate() {
        for (label, def) in map.iter() {
            work::step();
            // In a split parse the first half's definition of a label wins, as in a whole parse.
            if defs[..n]
                .iter()
                .any(|(earlier, _)| earlier.get(label).is_some())
            {
                continue;
            }
            links.push(LinkDef {
                label: label.to_string(),
                url: def.dest.to_string(),
                pos: Pos::default(),
                span: def.span.start + base..def.span.end + base,
                names_section: false,
                referenced: false,
            });
        }
    }
    links.sort_unstable_by_key(|l| l.span.start);
    // In file order, each position is found from the previous one.
    let hint = Cell::new(0);
    for l in &mut links {
        work::step();
        l.pos = lines.pos(text, l.span.start, &hint);
    }
    links
}

/// Resolves section labels against the definitions with CommonMark's matching
/// (case-insensitive, whitespace collapsed).
fn resolve_labels(
    defs: &[(&pulldown_cmark::RefDefs<'_>, usize)],
    sections: &mut [Section<'_>],
    links: &mut [LinkDef],
) {
    for s in sections.iter_mut() {
        work::step();
        let key = match &s.ref_label {
            Some(r) if !r.text.trim().is_empty() => r.text,
            _ => s.label.text,
        };
        let key = key.trim();
        let Some(start) = defs
            .iter()
            .find_map(|(m, base)| m.get(key).map(|d| d.span.start + base))
        else {
            continue;
        };
        if let Ok(i) = links.binary_search_by_key(&start, |l| l.span.start) {
            s.link = Some(i);
            links[i].names_section = true;
        }
    }
}

/// The body between `start` and `end`, minus a trailing run of link definitions (the file's
/// link block after the oldest release; inside the file, version links only) and blank lines
/// at either end.
fn trim_body(text: &str, start: usize, end: usize, links: &[LinkDef]) -> Range<usize> {
    let start = start.min(text.len());
    let mut end = end.clamp(start, text.len());
    // The definitions that end the file are its link block, whatever their labels; inside the
    // file only a run of version links (a misplaced footer) is cut.
    let at_end = end == text.len();
    let first = links.partition_point(|l| l.span.start < start);
    let last = links.partition_point(|l| l.span.start < end);
    for l in links.get(first..last).unwrap_or_default().iter().rev() {
        work::step();
        let gap = text.get(l.span.end.min(end)..end).unwrap_or("x");
        if !gap.trim().is_empty()
            || !(at_end || is_version_like(&l.label) || is_unreleased(&l.label))
        {
            break;
        }
        end = l.span.start;
    }
    let body = text.get(start..end).unwrap_or("");
    // Leading blank lines: drop whole lines that hold only whitespace.
    let mut lead = 0;
    for line in body.split_inclusive(['\n', '\r']) {
        if !line.trim().is_empty() {
            break;
        }
        lead += line.len();
    }
    let rest = &body[lead..];
    let Some(last_char) = rest.rfind(|c: char| !c.is_whitespace()) else {
        return start + lead..start + lead;
    };
    // Keep the last content line's own line ending, as written.
    let mut keep = last_char + rest[last_char..].chars().next().map_or(1, char::len_utf8);
    let tail = &rest.as_bytes()[keep..];
    if let Some(nl) = tail.iter().position(|&b| b == b'\n' || b == b'\r')
        && tail[..nl].iter().all(|b| b.is_ascii_whitespace())
    {
        keep += nl + 1;
        if tail[nl] == b'\r' && tail.get(nl + 1) == Some(&b'\n') {
            keep += 1;
        }
    }
    start + lead..start + lead + keep
}

/// True for a label that reads as a version: a digit, or `v` and a digit, then a dot somewhere
/// (`1.2.0`, `v0.3`), so `[1]` footnote links and `[#12]` PR links are not versions.
pub fn is_version_like(label: &str) -> bool {
    let t = label.trim();
    let digits = t.strip_prefix(['v', 'V']).unwrap_or(t);
    digits.starts_with(|c: char| c.is_ascii_digit()) && digits.contains('.')
}

/// The first word of heading text that reads as a version (`1.2.0`, `v0.14.x`, `1.0-beta1`,
/// inside brackets or not), as written; a date (`2024-01-31`, `2016/3/20`) is no version.
pub fn version_word(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')' | ','))
        .find(|w| {
            let v = w.strip_prefix(['v', 'V']).unwrap_or(w);
            // A dotted number before any pre-release part.
            v.starts_with(|c: char| c.is_ascii_digit())
                && !v.contains('/')
                && v.split('-').next().is_some_and(|head| head.contains('.'))
        })
}

/// True for `Unreleased` in any case.
pub fn is_unreleased(label: &str) -> bool {
    label.trim().eq_ignore_ascii_case("unreleased")
}

/// Whether heading text reads as an unreleased section or a release (`1.2.0 ...`,
/// `[v1.2.0](url) ...`, `Version 1.2.0`), whatever its level and shape.
pub fn heading_kind(text: &str) -> Option<SectionKind> {
    HeadingParts::parse(text.trim()).kind()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Changelog<'_> {
        Changelog::parse(src.as_bytes()).unwrap()
    }

    fn labels<'a>(m: &'a Changelog<'_>) -> Vec<&'a str> {
        m.sections.iter().map(|s| s.label.text).collect()
    }

    #[test]
    fn only_document_level_headings_are_sections() {
        let src = "# Changelog\n\n```\n## [9.9.9] - 2024-01-01\n```\n\n- item\n\n  ## [8.8.8] - 2024-01-01\n\n\
                   > ## [7.7.7] - 2024-01-01\n\n<!--\n## [6.6.6] - 2024-01-01\n-->\n\n## [1.0.0] - 2024-01-01\n\n- x\n";
        let m = parse(src);
        assert_eq!(labels(&m), ["1.0.0"]);
        assert_eq!(m.sections[0].heading.pos.line, 17);
        assert!(m.strays.is_empty());
    }

    #[test]
    fn fence_in_list_item_ends_with_the_item() {
        // nix-rust: a closing fence with trailing text does not close; the item's end does.
        let src = "# C\n\n## [1.1.0] - 2024-02-01\n\n- entry\n  ```rust\n  ## [5.0.0] - x\n  ``` ([#1](u))\n\n## [1.0.0] - 2024-01-01\n\n- y\n";
        let m = parse(src);
        assert_eq!(labels(&m), ["1.1.0", "1.0.0"]);
    }

    #[test]
    fn setext_and_atx_headings() {
        let src = "Changelog\n=========\n\n1.0.0 - 2024-01-01\n------------------\n\nText.\n\n   ## 0.9.0 - 2023-01-01 ##\n\n- y\n";
        let m = parse(src);
        assert_eq!(m.title.as_ref().map(|t| t.text.text), Some("Changelog"));
        assert_eq!(m.opening, Opening::Title);
        assert_eq!(labels(&m), ["1.0.0", "0.9.0"]);
        let s = &m.sections[1];
        assert_eq!((s.heading.pos.line, s.heading.pos.col), (9, 4));
        assert_eq!((s.label.pos.line, s.label.pos.col), (9, 7));
        assert_eq!(s.date.map(|d| d.text), Some("2023-01-01"));
        assert_eq!(s.form, Form::Dash);
        assert!(s.trailing.is_none());
    }

    #[test]
    fn heading_parts() {
        let m = parse(
            "## [Unreleased] - ReleaseDate\n## [1.2.0](https://x/compare/v1.1.0...v1.2.0) - 2024-01-31 [YANKED]\n\
             ## 1.1.0 (2024-01-01)\n## [1.0.0] 2023-12-01\n## 0.9.0 - 22 January 2022\n## [0.8.0][old] - 2021-01-01 [yanked]\n",
        );
        let s = &m.sections;
        assert_eq!(s[0].kind, SectionKind::Unreleased);
        assert_eq!(s[0].form, Form::Dash);
        assert_eq!(
            s[1].inline_url.map(|u| u.text),
            Some("https://x/compare/v1.1.0...v1.2.0")
        );
        assert_eq!(
            s[1].yanked.map(|y| (y.text, y.pos.col)),
            Some(("[YANKED]", 60))
        );
        assert!(s[1].is_link());
        assert_eq!(
            (s[2].form, s[2].date.map(|d| d.text)),
            (Form::Parenthesised, Some("2024-01-01"))
        );
        assert_eq!((s[3].form, s[3].form_pos.col), (Form::MissingDash, 12));
        assert_eq!(s[4].date.map(|d| d.text), Some("22 January 2022"));
        assert_eq!(s[5].ref_label.map(|r| r.text), Some("old"));
        assert_eq!(s[5].yanked.map(|y| y.text), Some("[yanked]"));
        assert!(!s[5].bracketed || s[5].link.is_none());
    }

    #[test]
    fn link_definitions_match_case_insensitively() {
        let src = "## [Unreleased]\n\n## [1.0.0] - 2024-01-01\n\n- x [1.0.0]\n\n[unreleased]: https://x/compare/v1.0.0...HEAD\n\
                   [1.0.0]: https://x/releases/tag/v1.0.0\n[0.9.0]: https://x/0.9.0\n[YANKED]: https://nowhere\n";
        let m = parse(src);
        assert!(m.sections.iter().all(Section::is_link));
        assert_eq!(
            m.sections[0].link_target(&m),
            Some("https://x/compare/v1.0.0...HEAD")
        );
        let labels: Vec<_> = m
            .links
            .iter()
            .map(|l| (l.label.as_str(), l.pos.line, l.names_section, l.referenced))
            .collect();
        assert_eq!(
            labels,
            [
                ("unreleased", 7, true, true),
                ("1.0.0", 8, true, true),
                ("0.9.0", 9, false, false),
                ("YANKED", 10, false, false)
            ]
        );
    }

    #[test]
    fn content_and_entries() {
        let src = "## [1.2.0] - 2024-01-31\n\n<!-- nothing -->\n\n---\n\n## [1.1.0] - 2024-01-01\n\n### Added\n\n-\n- \n\n\
                   ### Fixed\n\n- real\n\n## [1.0.0] - 2023-01-01\n\nA summary only.\n";
        let m = parse(src);
        assert!(!m.sections[0].has_content);
        assert!(m.sections[1].has_content);
        let types: Vec<_> = m.sections[1]
            .change_types
            .iter()
            .map(|t| (t.name.text, t.has_entries))
            .collect();
        assert_eq!(types, [("Added", false), ("Fixed", true)]);
        assert!(m.sections[2].has_content);
    }

    #[test]
    fn stray_level_two_heading_stays_inside_the_release() {
        let src = "## [2.0.0] - 2024-01-31\n\n## Highlights\n\nFaster.\n\n## [1.0.0] - 2023-01-01\n\n- x\n";
        let m = parse(src);
        assert_eq!(m.strays.len(), 1);
        assert!(m.sections[0].has_content);
        assert_eq!(m.body(&m.sections[0]), "## Highlights\n\nFaster.\n");
        let respelled = parse("## [Unreleased]\n\n- a\n\n## Version 1.0.0\n\n### Fixed\n\n- b\n");
        assert_eq!(respelled.body(&respelled.sections[0]), "- a\n");
        assert!(respelled.sections[0].change_types.is_empty());
        assert_eq!(
            version_word("Version 1.0-beta1 (2024/01/02)"),
            Some("1.0-beta1")
        );
        assert_eq!(version_word("Released 2024-01-31"), None);
    }

    #[test]
    fn body_is_verbatim_minus_heading_and_blank_edges() {
        let src = "# C\r\n\r\n## [1.1.0] - 2024-02-01\r\n\r\n\r\n### Fixed\r\n\r\n- a\tb\r\n  - nested\r\n\r\n\r\n## [1.0.0] - 2024-01-01\n- last\n\n[1.1.0]: https://x/compare/v1.0.0...v1.1.0\n[1.0.0]: https://x/releases/tag/v1.0.0\n";
        let m = parse(src);
        assert_eq!(
            m.body(&m.sections[0]),
            "### Fixed\r\n\r\n- a\tb\r\n  - nested\r\n"
        );
        // The link footer after the oldest release is not part of its notes.
        assert_eq!(m.body(&m.sections[1]), "- last\n");
        let eof = parse("## [1.0.0] - 2024-01-01\n\n- no final newline");
        assert_eq!(eof.body(&eof.sections[0]), "- no final newline");
        let empty = parse("## [1.0.0] - 2024-01-01\n\n\n");
        assert_eq!(empty.body(&empty.sections[0]), "");
    }

    #[test]
    fn bom_is_stripped_without_shifting_columns() {
        let plain = parse("## [1.0.0] - 2024-01-01\n");
        let bytes = "\u{feff}## [1.0.0] - 2024-01-01\n".as_bytes();
        let bom = Changelog::parse(bytes).unwrap();
        assert!(bom.bom && !plain.bom);
        assert_eq!(bom.sections[0].label.pos, plain.sections[0].label.pos);
        assert_eq!(bom.sections[0].label.pos.col, 5);
    }

    #[test]
    fn line_endings_give_the_same_positions() {
        let lf = "# C\n\n## [1.0.0] - 2024-01-01\n\n- x\n\n## [0.9.0] - 2023-01-01\n\n- y\n";
        let crlf = lf.replace('\n', "\r\n");
        let cr = lf.replace('\n', "\r");
        for other in [crlf.as_str(), cr.as_str()] {
            let (a, b) = (parse(lf), parse(other));
            let pos = |m: &Changelog<'_>| {
                m.sections
                    .iter()
                    .map(|s| (s.label.pos.line, s.label.pos.col))
                    .collect::<Vec<_>>()
            };
            assert_eq!(pos(&a), pos(&b));
        }
    }

    #[test]
    fn non_utf8_names_the_byte_offset() {
        let e = Changelog::parse(b"# C\n\n## [1.0.0] \xff\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("byte offset 16") && e.contains("line 3") && e.contains("0xff"),
            "{e}"
        );
        let e = Changelog::parse(b"\xef\xbb\xbf\xc3")
            .unwrap_err()
            .to_string();
        assert!(e.contains("byte offset 3"), "{e}");
    }

    #[test]
    fn release_like_level_one_heading_is_not_a_title() {
        // Releases at level 1 (tokio): the file opens with its top level, and a later level-1
        // heading that is no release is a stray.
        let m = parse("# 1.2.0 (2024-01-01)\n\n- x\n\n# Changelog\n");
        assert!(m.title.is_none());
        assert_eq!(m.opening, Opening::Title);
        assert_eq!(m.dialect.level, 1);
        assert_eq!(labels(&m), ["1.2.0"]);
        assert_eq!(m.strays.len(), 1);
        // In a Keep a Changelog file a level-1 release is at the wrong level.
        let kac = parse("# 1.2.0 - 2024-01-01\n\n## [Unreleased]\n\n## [1.1.0] - 2023-01-01\n");
        assert!(matches!(kac.opening, Opening::Other(_, _)));
        assert_eq!(kac.strays.len(), 1);
    }

    #[test]
    fn version_like_labels() {
        assert!(
            is_version_like("1.2.0") && is_version_like("v0.3") && is_version_like("2.0.0.dev5")
        );
        assert!(!is_version_like("1") && !is_version_like("#12") && !is_version_like("YANKED"));
        assert!(is_unreleased("unreleased") && is_unreleased(" UNRELEASED "));
        assert_eq!(heading_kind("[v1.0.0](u) - x"), Some(SectionKind::Release));
        assert_eq!(heading_kind("Highlights"), None);
    }
}

#[cfg(test)]
mod split_tests {
    //! The two-thread parse of big files must give exactly the sequential result.

    use super::*;

    fn sequential(text: &str) -> String {
        format!(
            "{:?}",
            build_sequential(text, &LineIndex::new(text), ParseOptions::default())
        )
    }

    fn split(text: &str, at: usize) -> Option<String> {
        build_split(text, &LineIndex::new(text), at, ParseOptions::default())
            .map(|r| format!("{r:?}"))
    }

    #[test]
    fn split_parse_equals_sequential_parse_on_the_corpus() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/changelogs");
        let mut done = 0;
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = decode(&bytes).unwrap();
            let Some(at) = split_point(text) else {
                continue;
            };
            if let Some(m) = split(text, at) {
                done += 1;
                assert_eq!(m, sequential(text), "{}", entry.path().display());
            }
        }
        assert!(done > 20, "only {done} corpus files were split");
    }

    #[test]
    fn split_inside_an_open_block_falls_back() {
        let text = "# C\n\n## [1.0.0] - 2024-01-01\n\n```\ncode\n\n## [0.9.0] - 2023-01-01\n\n```\n\n- x\n";
        assert!(split(text, text.find("## [0.9.0]").unwrap()).is_none());
        let html = "# C\n\n<!--\n\n## [0.9.0] - 2023-01-01\n\n-->\n";
        assert!(split(html, html.find("## [0.9.0]").unwrap()).is_none());
        let stray = "# C\n\n## [1.0.0] - 2024-01-01\n\n## Highlights\n\n- x\n";
        // Cut at any heading, the halves give the whole parse: roles are decided after joining.
        let at = stray.find("## Highlights").unwrap();
        assert_eq!(split(stray, at).unwrap(), sequential(stray));
        // Cross-half references still resolve and count as used.
        let refs = "# C\n\n## [1.0.0] - 2024-01-01\n\n- see [0.9.0]\n\n## [0.9.0] - 2023-01-01\n\n- y\n\n[1.0.0]: https://x/1\n[0.9.0]: https://x/0\n";
        let m = split(refs, refs.find("## [0.9.0]").unwrap()).unwrap();
        assert_eq!(m, sequential(refs));
        assert!(m.contains("referenced: true"));
        // An empty-text link whose definition is in the other half: one parse sees no
        // content in 0.9.0, two halves would see the literal `[][x]`.
        let empty = "# C\n\n## [1.0.0] - 2024-01-01\n\n- a\n\n[x]: https://x\n\n## [0.9.0] - 2023-01-01\n\n[][x]\n";
        assert!(split(empty, empty.find("## [0.9.0]").unwrap()).is_none());
        assert!(sequential(empty).contains("has_content: false"));
    }

    #[test]
    fn big_files_parse_alike_either_way() {
        // Over SPLIT_MIN, `build` takes the split path (on a machine with two cores).
        let release = "## [1.0.0] - 2024-01-01\n\n### Added\n\n- a [0.9.0] line of text that is long enough\n\n";
        let mut text = String::from("# Changelog\n\n");
        while text.len() < SPLIT_MIN + 1000 {
            text.push_str(release);
        }
        text.push_str("[0.9.0]: https://x\n");
        let parsed = format!("{:?}", build(&text, false, ParseOptions::default()));
        let lines = LineIndex::new(&text);
        let (parts, links) = build_sequential(&text, &lines, ParseOptions::default());
        let expected = assemble(&text, false, lines, parts, links);
        assert!(parsed == format!("{expected:?}"));
    }
}
