//! The changelog model: a changelog read into its title, sections and link definitions.
//!
//! The file is parsed once as CommonMark by pulldown-cmark (with byte offsets), so only
//! document-level headings count: a heading inside a fenced block, a list item, a block quote or
//! an HTML comment is text. The headings of levels 1 to 3 are collected first; which of them are
//! releases is then decided by the file's own convention ([`dialect`]): the level and shape most
//! of its release headings have, whether it is Keep a Changelog. Every position is a byte offset
//! into the text (after a stripped UTF-8 BOM) plus its 1-based line and character column; CRLF,
//! lone CR and LF all end a line, so a file gives the same positions whatever its line endings.
//! Texts of 32 KiB and more are parsed in pieces of about 16 KiB (from 512 KiB on, on two
//! threads where there are two cores), cut at headings where the pieces provably parse as the
//! whole does (else whole: `pieces`). The
//! loops over sections, headings and definitions count their steps in tests (`work`), where a
//! scaling test holds them linear in the file. This module only describes what
//! is written (tokens, where they are, what they contain); it never judges it: the rules live in
//! `checks::changelog`, and nothing here prints, reads files or allocates per line beyond the
//! line index.

pub mod date;
pub mod dialect;
mod pieces;

use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Range;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use crate::error::{Error, Result};
use dialect::{Candidate, Conformity, Dialect, HeadingParts, Role, Shape};

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
    /// The date as read: read once, for the dialect and every rule.
    pub date_read: Option<date::DateRead>,
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
    /// Where the body starts: the line after the heading. [`Changelog::body`] is the body as
    /// written from there to `end`, trimmed.
    pub body_start: usize,
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
        self.link.and_then(|i| model.links.get(i)).map(|l| &*l.url)
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
pub struct LinkDef<'a> {
    /// The label as written (whitespace collapsed, as CommonMark matches it).
    pub label: Cow<'a, str>,
    pub url: Cow<'a, str>,
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// `changelog.format = "keep-a-changelog"`: Keep a Changelog's grammar, whatever the file's
    /// own convention.
    pub keep_a_changelog: bool,
    /// A release heading the project's changelog generator writes (towncrier's
    /// `title_format`, as a sample: `## 1.0.0 (2024-01-31)`): a convention of the file however
    /// few releases use it yet.
    pub declared: Option<String>,
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
    pub links: Vec<LinkDef<'a>>,
    lines: LineIndex,
    /// The line of the last position looked up (atomic, so the model can be shared by threads).
    hint: AtomicUsize,
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
    /// Whether the file's releases carry dates: Keep a Changelog's do, and so does any file with
    /// a dated release or none yet; a file that never dated a release (`# v0.26.1` throughout)
    /// has a dateless convention.
    pub fn dates_releases(&self) -> bool {
        let mut releases = self.releases().peekable();
        self.dialect.strict || releases.peek().is_none() || releases.any(|s| s.date.is_some())
    }

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
        let hint = Cell::new(self.hint.load(Relaxed));
        let pos = self.lines.pos(self.text, offset, &hint);
        self.hint.store(hint.get(), Relaxed);
        pos
    }

    /// The body of a section as written, minus the heading, with leading and trailing blank
    /// lines (and the link definitions that end the file) trimmed: what `--notes` prints. Found
    /// when asked for (a lint needs none).
    pub fn body(&self, section: &Section<'a>) -> &'a str {
        let body = trim_body(self.text, section.body_start, section.end, &self.links);
        self.text.get(body).unwrap_or("")
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
    /// The lines that start in `range` of `text` (the first at `range.start`, which must start
    /// a line); numbered from 1 there, so a run's index joins the one before it by appending.
    /// `room`: the bytes whose lines it will hold in the end (the runs after it joined).
    fn scan(text: &str, range: Range<usize>, room: usize) -> Self {
        // Reserved generously: pages of a big reservation that are never written cost nothing,
        // while growing by doubling copies the index and touches every page twice.
        let mut starts = Vec::with_capacity(room.max(range.len()) / 16 + 1);
        starts.push(range.start);
        let bytes = text.as_bytes();
        let Some(part) = bytes.get(range.clone()) else {
            return LineIndex { starts };
        };
        // A line ending at the end of the range starts the next range's first line.
        let last = if range.end == text.len() {
            usize::MAX
        } else {
            range.end - 1
        };
        // memchr's vector search (32 bytes a step here): on pydantic's 330 KB HISTORY.md the
        // scan for a CR and an eight-bytes-a-step search for LFs took 0.8 M instructions.
        if memchr::memchr(b'\r', part).is_none() {
            // LF only (most files): every LF ends a line.
            starts.extend(memchr::memchr_iter(b'\n', part).map(|i| range.start + i + 1));
            if last != usize::MAX && starts.last() == Some(&range.end) && starts.len() > 1 {
                starts.pop();
            }
            return LineIndex { starts };
        }
        for i in memchr::memchr2_iter(b'\n', b'\r', part).map(|i| range.start + i) {
            // A CR followed by LF ends its line at the LF.
            if i != last && (bytes.get(i) == Some(&b'\n') || bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
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

/// What the event loop knows about where it is, and what it read of each heading.
struct Builder<'a> {
    text: &'a str,
    /// The lines of the text this builder parses (numbered from its first line: a run's
    /// builder is renumbered when it is joined to the ones before it).
    lines: LineIndex,
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
    /// The headings that read as sections, with their parts.
    reads: Vec<Read>,
    /// What the dialect sees of each heading (index as `heads`).
    candidates: Vec<Candidate>,
    /// A release (index into `reads`) whose first body line is still to be read, when the
    /// heading after it (or the end of the text) is known.
    unread: Option<usize>,
}

fn build(text: &str, bom: bool, opts: ParseOptions) -> Changelog<'_> {
    let parsed = pieces::parse(text);
    let (parts, links, lines) = parsed.builder.finish(parsed.defs, &parsed.labels, opts);
    assemble(text, bom, lines, parts, links)
}

fn assemble<'a>(
    text: &'a str,
    bom: bool,
    lines: LineIndex,
    parts: Parts<'a>,
    links: Vec<LinkDef<'a>>,
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
        hint: AtomicUsize::new(0),
    }
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

impl<'a> Builder<'a> {
    /// A builder whose lines are `lines`, and which will hold the headings of `room` bytes in
    /// the end (the runs after it joined): its lists are reserved for that many, generously,
    /// since growing them copies and touches their memory again, where pages reserved and never
    /// written cost nothing.
    fn new(text: &'a str, lines: LineIndex, room: usize) -> Self {
        Builder {
            text,
            lines,
            hint: Cell::new(0),
            opening: None,
            opening_at: 0,
            heads: Vec::with_capacity(room / 128),
            depth: 0,
            heading: None,
            last_block: None,
            used: Vec::new(),
            reads: Vec::with_capacity(room / 512),
            candidates: Vec::with_capacity(room / 128),
            unread: None,
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

    /// Appends what the builder of the text after this one's found (which starts with a
    /// heading), numbering its lines after this one's.
    fn absorb(&mut self, mut b: Builder<'a>) {
        if let Some(first) = b.heads.first() {
            self.settle(first.heading.range.start);
        }
        let base = self.lines.starts.len();
        let renumber = |p: &mut Pos| p.line += base;
        for h in &mut b.heads {
            renumber(&mut h.heading.pos);
            renumber(&mut h.heading.text.pos);
        }
        if let Some(Opening::Other(_, p)) = &mut b.opening {
            renumber(p);
        }
        let (heads, reads) = (self.heads.len(), self.reads.len());
        self.reads.extend(b.reads.into_iter().map(|r| Read {
            head: r.head + heads,
            ..r
        }));
        if let Some(u) = b.unread {
            self.unread = Some(u + reads);
        }
        self.heads.extend(b.heads);
        self.candidates.extend(b.candidates);
        self.lines.starts.extend(b.lines.starts);
        self.used.extend(b.used);
        if self.opening.is_none() {
            self.opening = b.opening;
            self.opening_at = b.opening_at;
        }
        // Where the joined text ends now: what the next run's cut is checked against.
        self.depth = b.depth;
        if b.last_block.is_some() {
            self.last_block = b.last_block;
        }
    }

    /// Gives the headings their roles and attaches the link definitions (in file order, the
    /// first of each label).
    fn finish(
        mut self,
        defs: Vec<pieces::RawDef<'a>>,
        labels: &pieces::Labels<'a>,
        opts: ParseOptions,
    ) -> (Parts<'a>, Vec<LinkDef<'a>>, LineIndex) {
        self.settle(self.text.len());
        let used: foldhash::HashSet<&str> = self.used.iter().map(|u| &**u).collect();
        let mut links = collect_links(self.text, &self.lines, defs);
        for l in &mut links {
            work::step();
            l.referenced = used.contains(&*lowercase(&l.label));
        }
        let opening = self.opening.unwrap_or(Opening::Nothing);
        let heads = Heads {
            heads: self.heads,
            reads: self.reads,
            candidates: self.candidates,
        };
        let mut parts = classify(self.text, &self.lines, heads, opening, &links, opts);
        resolve_labels(labels, &mut parts.sections, &mut links);
        (parts, links, self.lines)
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
        let pos = self.at(start);
        // The content starts on the heading's first line.
        let lead = text.get(start..content.start).unwrap_or("");
        let heading = Heading {
            level: open.level,
            pos,
            text: Token {
                text: content_text,
                pos: Pos {
                    offset: content.start,
                    line: pos.line,
                    col: pos.col + lead.chars().count(),
                },
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
        self.settle(start);
        self.read(&heading);
        self.heads.push(RawHead {
            heading,
            content_after: false,
        });
    }

    /// Reads a heading for its role (the heading `heads.len()` is about to be): its parts, and
    /// what the dialect sees of it. A release written bare may be dated in its first body
    /// line, which is read when the heading after it comes ([`Builder::settle`]).
    fn read(&mut self, h: &Heading<'a>) {
        let head = self.heads.len();
        // Before any section (a later piece's builder starts with the release it was cut at).
        let leading = self.reads.is_empty() && h.level >= 2;
        let parts = HeadingParts::parse_as(h.text.text, leading);
        let label = h.text.text.get(parts.label.clone()).unwrap_or("");
        let kind = match parts.kind() {
            // `## 0.11.x` with nothing after it points at an archived changelog.
            Some(SectionKind::Release)
                if dialect::is_series(label) && parts.form == Some(Form::Bare) =>
            {
                Some(SectionKind::Archive)
            }
            None if dialect::is_archive_pointer(h.text.text) => Some(SectionKind::Archive),
            k => k,
        };
        let Some(kind) = kind else {
            self.candidates.push(Candidate {
                level: h.level,
                setext: h.setext,
                kind: None,
                shape: None,
                bracketed_unreleased: false,
                word: None,
            });
            return;
        };
        let dated_below = kind == SectionKind::Release
            && parts.form == Some(Form::Bare)
            && parts.trailing.is_none();
        let date = parts
            .date
            .clone()
            .map(|d| date::read(h.text.text.get(d).unwrap_or("")));
        let read = Read {
            head,
            parts,
            kind,
            body_date: None,
            pending: false,
            date,
            body: self.lines.next_line_start(
                self.text.len(),
                h.range.end.saturating_sub(1).max(h.range.start),
            ),
        };
        self.candidates.push(read.candidate(h));
        if dated_below {
            self.unread = Some(self.reads.len());
        }
        self.reads.push(read);
    }

    /// Reads the first body line of the release waiting for it, now that the next heading
    /// (or the end of the text) is known to be at `limit`.
    fn settle(&mut self, limit: usize) {
        let Some(r) = self.unread.take().and_then(|i| self.reads.get_mut(i)) else {
            return;
        };
        if let Some((at, line)) = first_body_line(self.text, r.body, limit) {
            match date::body_date(line) {
                Some(date::BodyDate::Released(d)) => r.body_date = Some(at + d.start..at + d.end),
                Some(date::BodyDate::Pending) => r.pending = true,
                None => return,
            }
            if let (Some(h), Some(c)) = (self.heads.get(r.head), self.candidates.get_mut(r.head)) {
                *c = r.candidate(&h.heading);
            }
        }
    }
}

/// A heading that reads as a section (unreleased, release or archive pointer): its parts, and
/// the date or `Unreleased` in the first line of its body.
#[derive(Debug)]
struct Read {
    /// Index of the heading.
    head: usize,
    parts: HeadingParts,
    kind: SectionKind,
    body_date: Option<Range<usize>>,
    pending: bool,
    /// Where its body starts.
    body: usize,
    /// The date in the heading, read.
    date: Option<date::DateRead>,
}

impl Read {
    /// What the dialect sees of the heading.
    fn candidate(&self, h: &Heading<'_>) -> Candidate {
        let (t, p, kind) = (h.text.text, &self.parts, self.kind);
        let word = p.word.clone().map(|w| t.get(w).unwrap_or(""));
        let shape = (kind == SectionKind::Release).then(|| {
            let date = self.date.as_ref().map(|d| d.kind);
            Shape::of(p, t, date, self.body_date.is_some() || self.pending)
        });
        Candidate {
            level: h.level,
            setext: h.setext,
            kind: Some(kind).filter(|k| *k != SectionKind::Archive),
            shape,
            // Keep a Changelog's `[Unreleased]`, not a bracketed `[main]`.
            bracketed_unreleased: p.bracketed
                && kind == SectionKind::Unreleased
                && dialect::is_unreleased_label(t.get(p.label.clone()).unwrap_or("")),
            word: word.map(str::to_string),
        }
    }
}

/// The headings as the builder read them.
struct Heads<'a> {
    heads: Vec<RawHead<'a>>,
    reads: Vec<Read>,
    candidates: Vec<Candidate>,
}

/// True when the text before the first section names keepachangelog.com.
fn names_keep_a_changelog(text: &str, links: &[LinkDef<'_>], first_section: usize) -> bool {
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
    heads: Heads<'a>,
    mut opening: Opening,
    links: &[LinkDef<'_>],
    opts: ParseOptions,
) -> Parts<'a> {
    let Heads {
        heads,
        reads: read,
        candidates,
    } = heads;
    let hint = Cell::new(0);
    let pos = |o: usize| lines.pos(text, o, &hint);
    // Tokens of a heading are on its line (but in a setext heading of several lines): their
    // columns are counted from the heading's, without looking the line up.
    let pos_in = |t: &Token<'a>, o: usize| {
        let before = t.text.as_bytes().get(..o.saturating_sub(t.pos.offset));
        match before {
            Some(b) if !b.iter().any(|&c| c == b'\n' || c == b'\r') => Pos {
                offset: o,
                line: t.pos.line,
                // Characters, not bytes: every byte but a UTF-8 continuation byte starts one.
                col: t.pos.col + b.iter().filter(|&&c| c & 0xc0 != 0x80).count(),
            },
            _ => pos(o),
        }
    };
    let first_section = read
        .first()
        .and_then(|r| heads.get(r.head))
        .map_or(text.len(), |h| h.heading.range.start);
    let named = names_keep_a_changelog(text, links, first_section);
    let declared = opts.declared.as_deref().and_then(dialect::declared_shape);
    let (mut dialect, roles) =
        dialect::detect(&candidates, named, opts.keep_a_changelog, declared.as_ref());
    drop(candidates);
    dialect.example = dialect
        .dominant
        .as_ref()
        .and_then(|d| heads.get(d.example))
        .map(|r| {
            let h = &r.heading;
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
    // A Keep a Changelog file whose era writes `## vX - YYYY-MM-DD` (date-fns') spells its
    // versions with a `v` in every heading, the ones outside the era too (an undated one).
    let spells_v = strict && dialect.established.iter().any(|s| s.v);

    let mut title = None;
    let mut seen_h1 = false;
    let mut sections: Vec<Section<'a>> = Vec::with_capacity(read.len());
    let mut strays = Vec::new();
    let mut current: Option<usize> = None;
    // The change types of the current section, moved into it (at their exact size) when it
    // ends; and the open ones, by level, for parents.
    let mut types: Vec<ChangeType<'a>> = Vec::new();
    let mut open_types: Vec<(u8, usize)> = Vec::new();
    let close =
        |sections: &mut Vec<Section<'a>>, c: Option<usize>, types: &mut Vec<ChangeType<'a>>| {
            if let Some(s) = c.and_then(|c| sections.get_mut(c)) {
                s.change_types = Vec::with_capacity(types.len());
                s.change_types.append(types);
            }
            types.clear();
        };
    // The next heading read as a section (read by reference: a `Read` is a few hundred bytes).
    let mut next_read = 0;
    for (i, (raw, role)) in heads.into_iter().zip(roles).enumerate() {
        work::step();
        let r = read.get(next_read).filter(|r| r.head == i);
        next_read += usize::from(r.is_some());
        let h = raw.heading;
        let line_start = lines.line_start(h.pos.line);
        let archive = r.is_some_and(|r| r.kind == SectionKind::Archive) && h.level <= level;
        let opens = match role {
            Some(Role::Release(_)) | Some(Role::Unreleased) => true,
            _ => archive,
        };
        let first_h1 = h.level == 1 && !seen_h1;
        seen_h1 |= h.level == 1;
        if let Some(r) = r.filter(|_| opens) {
            if let Some(c) = current.take() {
                sections[c].end = line_start;
                close(&mut sections, Some(c), &mut types);
            }
            open_types.clear();
            let conformity = match role {
                Some(Role::Release(c)) => c,
                _ => Conformity::Follows,
            };
            // Keep a Changelog's grammar, unless the release is in another tool's era.
            let strict = strict && conformity != Conformity::Era;
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
                    pos: pos_in(&h.text, base + rg.start),
                })
            };
            let label = tok(&Some(p.label.clone())).unwrap_or(h.text);
            let version = (kind == SectionKind::Release).then(|| {
                let v = label.text;
                match v.strip_prefix(['v', 'V']) {
                    Some(rest)
                        if (!strict || spells_v)
                            && rest.starts_with(|c: char| c.is_ascii_digit()) =>
                    {
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
            let date_read = match (&date, date_in_body) {
                (Some(d), true) => Some(date::read(d.text)),
                (Some(_), false) => r.date.clone(),
                (None, _) => None,
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
                form_pos: pos_in(&h.text, base + p.form_at),
                date,
                date_read,
                date_in_body,
                pending: r.pending && !strict,
                yanked: tok(&p.yanked),
                trailing: tok(&p.trailing),
                conformity,
                change_types: Vec::new(),
                has_content: raw.content_after,
                body_start,
                end: text.len(),
                heading: h,
            });
            current = Some(sections.len() - 1);
            continue;
        }
        if h.level == 1 && first_h1 && sections.is_empty() && r.is_none() {
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
                    close(&mut sections, Some(c), &mut types);
                    current = None;
                }
                Some(c) => sections[c].has_content |= raw.content_after,
                None => {}
            }
            open_types.clear();
            strays.push(h);
            continue;
        }
        // A heading inside a section: a change type, or a heading under one.
        let Some(c) = current else { continue };
        sections[c].has_content |= raw.content_after;
        while open_types.last().is_some_and(|&(l, _)| l >= h.level) {
            open_types.pop();
        }
        let parent = open_types.last().map(|&(_, i)| i);
        if let Some(p) = parent.and_then(|p| types.get_mut(p)) {
            p.has_entries = true;
        }
        let trimmed = h.text.text.trim();
        let lead = h.text.text.len() - h.text.text.trim_start().len();
        let name = Token {
            text: trimmed,
            pos: pos_in(&h.text, h.text.pos.offset + lead),
        };
        open_types.push((h.level, types.len()));
        types.push(ChangeType {
            name,
            has_entries: raw.content_after,
            parent,
            heading: h,
        });
    }
    close(&mut sections, current, &mut types);
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

/// The definitions (in file order) with their positions. Whether a reference uses each is
/// marked by the caller, which section names each by [`resolve_labels`].
fn collect_links<'a>(
    text: &str,
    lines: &LineIndex,
    defs: Vec<pieces::RawDef<'a>>,
) -> Vec<LinkDef<'a>> {
    // In file order, each position is found from the previous one.
    let hint = Cell::new(0);
    defs.into_iter()
        .map(|d| {
            work::step();
            LinkDef {
                pos: lines.pos(text, d.span.start, &hint),
                label: d.label,
                url: d.url,
                span: d.span,
                names_section: false,
                referenced: false,
            }
        })
        .collect()
}

/// Resolves section labels against the definitions with CommonMark's matching
/// (case-insensitive, whitespace collapsed).
fn resolve_labels(
    labels: &pieces::Labels<'_>,
    sections: &mut [Section<'_>],
    links: &mut [LinkDef<'_>],
) {
    for s in sections.iter_mut() {
        work::step();
        let key = match &s.ref_label {
            Some(r) if !r.text.trim().is_empty() => r.text,
            _ => s.label.text,
        };
        if let Some(i) = pieces::lookup(labels, key.trim()) {
            s.link = Some(i);
            if let Some(l) = links.get_mut(i) {
                l.names_section = true;
            }
        }
    }
}

/// The body between `start` and `end`, minus a trailing run of link definitions (the file's
/// link block after the oldest release; inside the file, version links only) and blank lines
/// at either end.
fn trim_body(text: &str, start: usize, end: usize, links: &[LinkDef<'_>]) -> Range<usize> {
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
        let blank = gap.bytes().all(|b| b.is_ascii_whitespace()) || gap.trim().is_empty();
        if !blank || !(at_end || is_version_like(&l.label) || is_unreleased(&l.label)) {
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
            .map(|l| (&*l.label, l.pos.line, l.names_section, l.referenced))
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
        // Unicode case folding, as CommonMark (and pulldown-cmark) match labels: `ß` is `SS`.
        let folded = parse("## [1.0.0][Straße] - 2024-01-01\n\n- x\n\n[STRASSE]: https://x/s\n");
        assert_eq!(folded.sections[0].link_target(&folded), Some("https://x/s"));
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
    fn a_project_s_name_for_its_unreleased_section_before_every_release() {
        // requests' HISTORY.md: a setext `dev` above the releases.
        let src = "Release History\n===============\n\ndev\n---\n\n- a\n\n2.0.0 (2024-01-31)\n------------------\n\n- b\n";
        let m = parse(src);
        assert_eq!(labels(&m), ["dev", "2.0.0"]);
        assert!(m.sections[0].is_unreleased() && m.strays.is_empty());
        assert_eq!(m.body(&m.sections[0]), "- a\n");
        for name in [
            "## Upcoming",
            "## [main]",
            "## vNext",
            "## Development",
            "## Next Release",
            "## In development",
        ] {
            let src = format!("# C\n\n{name}\n\n## 1.0.0 (2024-01-01)\n\n- x\n");
            let m = parse(&src);
            assert!(m.sections[0].is_unreleased(), "{name}");
            assert_eq!(
                m.sections[0].label.text,
                name[3..].trim_matches(['[', ']']),
                "{name}"
            );
            // `[main]` is no hint of Keep a Changelog, as `[Unreleased]` is.
            assert_eq!(m.dialect.kac, None, "{name}");
        }
        // Below a release, or with more words, it is an ordinary heading; a title is a title.
        for src in [
            "# C\n\n## 1.0.0 (2024-01-01)\n\n## dev\n\n- x\n",
            "# C\n\n## dev notes\n\n## 1.0.0 (2024-01-01)\n\n- x\n",
            "# Development\n\n## 1.0.0 (2024-01-01)\n\n- x\n",
        ] {
            let m = parse(src);
            assert!(!m.sections.iter().any(Section::is_unreleased), "{src}");
            assert_eq!(labels(&m), ["1.0.0"], "{src}");
        }
    }

    #[test]
    fn a_pointer_to_older_releases_is_no_release_and_no_stray() {
        // log's changelog ends so; uv's points at series (`## 0.11.x`).
        for pointer in ["Older", "Older releases", "earlier versions", "## 0.11.x"] {
            let pointer = pointer.trim_start_matches("## ");
            let src = format!(
                "# C\n\n## [0.4.1] - 2024-01-02\n\n- b\n\n## [0.4.0] - 2024-01-01\n\n- a\n\n## {pointer}\n\nLook at the [release tags].\n"
            );
            let m = parse(&src);
            assert!(m.strays.is_empty(), "{pointer}");
            assert_eq!(
                m.sections.iter().map(|s| s.kind).collect::<Vec<_>>(),
                [
                    SectionKind::Release,
                    SectionKind::Release,
                    SectionKind::Archive
                ],
                "{pointer}"
            );
            assert_eq!(m.body(&m.sections[1]), "- a\n", "{pointer}");
        }
        // More words, or other ones, are a stray heading still.
        for stray in ["Older releases of the 0.3 line", "Highlights", "Later"] {
            let src = format!("# C\n\n## [0.4.0] - 2024-01-01\n\n- a\n\n## {stray}\n\nText.\n");
            assert_eq!(parse(&src).strays.len(), 1, "{stray}");
        }
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
mod piece_tests {
    //! A parse in pieces, on any number of threads, must give exactly the whole parse.

    use super::pieces::{self, PIECE};
    use super::*;

    fn finished(parsed: pieces::Parsed<'_>) -> String {
        let (parts, links, lines) =
            parsed
                .builder
                .finish(parsed.defs, &parsed.labels, ParseOptions::default());
        format!("{parts:?}\n{links:?}\n{:?}", lines.starts)
    }

    fn whole(text: &str) -> String {
        finished(pieces::whole(text))
    }

    /// Cut at `cuts` (piece starts after 0), parsed in `runs` runs.
    fn cut(text: &str, cuts: &[usize], runs: usize) -> Option<String> {
        let mut all = vec![0];
        all.extend_from_slice(cuts);
        all.push(text.len());
        pieces::parse_cut(text, &all, runs).map(finished)
    }

    #[test]
    fn line_starts_for_every_line_ending_and_every_cut() {
        // A line ends at LF, at CRLF (at its LF) and at a lone CR, as CommonMark has it.
        let naive = |text: &str| {
            let b = text.as_bytes();
            let mut starts = vec![0];
            for (i, &c) in b.iter().enumerate() {
                if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                    starts.push(i + 1);
                }
            }
            starts
        };
        let long = "x".repeat(70);
        for text in [
            String::new(),
            "a".into(),
            "a\n".into(),
            "\n\n\n".into(),
            "a\r\nb\r\n".into(),
            "a\rb\rc".into(),
            "\r\r\n\n\r".into(),
            format!("{long}\n{long}\r\n{long}\r{long}\n\n"),
            format!("{long}\n").repeat(40),
        ] {
            let whole = LineIndex::scan(&text, 0..text.len(), text.len());
            assert_eq!(whole.starts, naive(&text), "{text:?}");
            // Cut at each line start before the end (a run starts at a heading): the second
            // range's index appended gives the same lines.
            for &at in naive(&text).iter().skip(1).filter(|&&at| at < text.len()) {
                let mut a = LineIndex::scan(&text, 0..at, text.len());
                a.starts
                    .extend(LineIndex::scan(&text, at..text.len(), text.len()).starts);
                assert_eq!(a.starts, whole.starts, "{text:?} cut at {at}");
            }
        }
    }

    #[test]
    fn pieces_parse_as_the_whole_on_the_corpus() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/changelogs");
        let (mut files, mut done) = (0, 0);
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let lf = decode(&bytes).unwrap();
            // CRLF too: the line index of each run must join the one before it exactly.
            for text in [lf.to_string(), lf.replace('\n', "\r\n")] {
                // Small pieces, so that every file of some size is cut many times.
                let cuts = pieces::cuts(&text, 2048);
                if cuts.len() <= 3 {
                    continue;
                }
                files += 1;
                let expected = whole(&text);
                for runs in [1, 2, 3] {
                    if let Some(m) = pieces::parse_cut(&text, &cuts, runs).map(finished) {
                        done += 1;
                        assert!(m == expected, "{} in {runs} runs", entry.path().display());
                    }
                }
            }
        }
        assert!(
            files > 60 && done > 120,
            "only {done} parses of {files} files were cut"
        );
    }

    #[test]
    fn a_cut_inside_an_open_block_falls_back() {
        let text = "# C\n\n## [1.0.0] - 2024-01-01\n\n```\ncode\n\n## [0.9.0] - 2023-01-01\n\n```\n\n- x\n";
        let at = text.find("## [0.9.0]").unwrap();
        assert!(cut(text, &[at], 1).is_none() && cut(text, &[at], 2).is_none());
        let html = "# C\n\n<!--\n\n## [0.9.0] - 2023-01-01\n\n-->\n";
        assert!(cut(html, &[html.find("## [0.9.0]").unwrap()], 2).is_none());
        // The same in the middle one of three runs: the check after joining two runs looks at
        // where the second one ends.
        let middle = "# C\n\n## [1.1.0] - 2024-01-01\n\n- x\n\n## [1.0.0] - 2023-06-01\n\n```\n\n\
                      ## [0.9.0] - 2023-01-01\n\n```\n";
        let cuts = [
            middle.find("## [1.0.0]").unwrap(),
            middle.find("## [0.9.0]").unwrap(),
        ];
        assert!(cut(middle, &cuts, 3).is_none() && cut(middle, &cuts, 1).is_none());
        let stray = "# C\n\n## [1.0.0] - 2024-01-01\n\n## Highlights\n\n- x\n";
        // Cut at any heading, the pieces give the whole parse: roles are decided after joining.
        let at = stray.find("## Highlights").unwrap();
        assert_eq!(cut(stray, &[at], 2).unwrap(), whole(stray));
        // A cut at a line that is no heading is refused.
        assert!(cut(stray, &[stray.find("- x").unwrap()], 1).is_none());
        // Cross-piece references still resolve and count as used; the first definition of a
        // label wins, whichever piece holds it.
        let refs = "# C\n\n## [1.0.0] - 2024-01-01\n\n- see [0.9.0]\n\n[0.9.0]: https://x/first\n\n\
                    ## [0.9.0] - 2023-01-01\n\n- y\n\n## [0.8.0] - 2022-01-01\n\n- z\n\n\
                    [1.0.0]: https://x/1\n[0.9.0]: https://x/0\n[0.8.0]: https://x/8\n";
        let cuts = [
            refs.find("## [0.9.0]").unwrap(),
            refs.find("## [0.8.0]").unwrap(),
        ];
        for runs in [1, 2, 3] {
            let m = cut(refs, &cuts, runs).unwrap();
            assert_eq!(m, whole(refs));
            assert!(m.contains("referenced: true") && m.contains("https://x/first"));
            assert!(!m.contains("https://x/0"));
        }
        // An empty-text link whose definition is in another piece: one parse sees no
        // content in 0.9.0, two pieces would see the literal `[][x]`.
        let empty = "# C\n\n## [1.0.0] - 2024-01-01\n\n- a\n\n[x]: https://x\n\n## [0.9.0] - 2023-01-01\n\n[][x]\n";
        assert!(cut(empty, &[empty.find("## [0.9.0]").unwrap()], 1).is_none());
        assert!(whole(empty).contains("has_content: false"));
    }

    #[test]
    fn big_files_parse_alike_in_pieces_or_whole() {
        // Two pieces' worth and more: `build` cuts it (in runs on threads where there are cores).
        let release = "## [1.0.0] - 2024-01-01\n\n### Added\n\n- a [0.9.0] line of text that is long enough\n\n";
        let mut text = String::from("# Changelog\n\n");
        while text.len() < 3 * PIECE {
            text.push_str(release);
        }
        text.push_str("[0.9.0]: https://x\n");
        assert!(pieces::cuts(&text, PIECE).len() > 3);
        let built = build(&text, false, ParseOptions::default());
        let p = pieces::whole(&text);
        let (parts, links, lines) = p.builder.finish(p.defs, &p.labels, ParseOptions::default());
        let expected = assemble(&text, false, lines, parts, links);
        assert!(format!("{built:?}") == format!("{expected:?}"));
        assert!(built.links[0].referenced);
    }
}
