//! Parsing a changelog in pieces, so that a file costs memory for one piece and a big one runs
//! on two cores.
//!
//! A pulldown-cmark parser holds a block tree of about eight times its text until it is dropped:
//! one parser over a 10 MB changelog touched 86 MB, and the page faults of that fresh memory
//! took nearly a third of the run's CPU time (a 330 KB one: half of its system time). Texts of
//! at least two [`PIECE`]s are therefore cut at release headings into pieces of about that
//! size; each piece gets its own parser, whose events feed the builder of its run (consecutive
//! pieces; one run per thread for texts of [`THREADS`] and more) and whose link reference
//! definitions are copied out before it is dropped, so the next parser reuses its memory. A cut
//! is kept only where the pieces provably parse as the whole text does: the text before it
//! ends outside any code or HTML block, the piece after it opens with the heading it was cut
//! at, and no empty-text reference link (`[][x]`) has its definition in another piece. Where
//! one does not hold, the text is parsed whole, as a small text always is.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{BrokenLink, Options, Parser};
use unicase::UniCase;

use super::{Builder, LineIndex, heading_kind, is_unreleased, is_version_like, work};

/// The size pieces are cut at: about 130 KB of parser memory each, which the next piece's
/// parser reuses. A fresh page costs a fault of about 3 µs here, more than the parse of the
/// 300 bytes it holds: pydantic's 330 KB HISTORY.md took 797 faults parsed whole, 447 in pieces
/// of 16 KiB (32 KiB: 527, 64 KiB: 573), for 2 % more instructions.
pub(super) const PIECE: usize = 16 << 10;

/// From this size on, the pieces are parsed on up to [`MAX_RUNS`] threads: below it a thread's
/// start and its own malloc arena (fresh pages) cost about what it saves (330 KB: no gain).
const THREADS: usize = 512 << 10;

/// Runs (threads) at most, however many cores there are: the reference machine has two, and
/// every run adds a thread to start and a builder to join.
const MAX_RUNS: usize = 4;

/// A link reference definition as its piece's parser kept it (the first of its label there).
#[derive(Debug)]
pub(super) struct RawDef<'a> {
    /// As CommonMark matches it: whitespace collapsed, case kept.
    pub label: Cow<'a, str>,
    pub url: Cow<'a, str>,
    pub span: Range<usize>,
}

/// Labels to definitions (indexes into the file's definitions), by the label case-folded:
/// equal keys are exactly the labels pulldown-cmark matches (it compares `UniCase`s).
/// Hashed with foldhash: std's SipHash was 0.7 M of a 1 MB changelog's 88 M instructions.
pub(super) type Labels<'a> = HashMap<Cow<'a, str>, usize, foldhash::fast::RandomState>;

/// `label` case-folded as `UniCase` compares it; borrowed when it already is (an ASCII label
/// without capitals, such as every version).
fn folded<'s>(label: &Cow<'s, str>) -> Cow<'s, str> {
    if !label.is_ascii() {
        Cow::Owned(UniCase::new(&**label).to_folded_case())
    } else if label.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(label.to_ascii_lowercase())
    } else {
        label.clone()
    }
}

/// The definition of `label`, if the file has one.
pub(super) fn lookup(labels: &Labels<'_>, label: &str) -> Option<usize> {
    labels.get(&*folded(&Cow::Borrowed(label))).copied()
}

/// What parsing a text found, before the headings get their roles.
pub(super) struct Parsed<'a> {
    pub builder: Builder<'a>,
    /// Every definition, in file order, the first of each label only.
    pub defs: Vec<RawDef<'a>>,
    pub labels: Labels<'a>,
}

/// A reference link whose label its piece does not define (`[1.2.0]`, `[][x]`).
struct Broken {
    /// Lower-cased, and only when version-like: it tells whether a version definition is used.
    version: Option<String>,
    /// The label of a link with empty text (`[][x]`), which adds no content when it resolves
    /// and does as literal text when it does not: defined in another piece, the cut is unsafe.
    empty: Option<String>,
}

/// What one run of consecutive pieces found.
struct Run<'a> {
    start: usize,
    builder: Builder<'a>,
    defs: Vec<RawDef<'a>>,
    broken: Vec<Broken>,
    /// Every cut inside the run is safe, and the run opens with the heading it was cut at.
    clean: bool,
}

/// Parses `text`: in pieces when it is at least two [`PIECE`]s and every cut is safe, else
/// whole. From [`THREADS`] bytes on, the pieces are parsed in one run per core.
pub(super) fn parse(text: &str) -> Parsed<'_> {
    let cuts = cuts(text, PIECE);
    if cuts.len() > 2 {
        let runs = if text.len() >= THREADS {
            // Asked only for big texts: on Linux the answer costs a look at the cgroup files.
            std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_RUNS))
        } else {
            1
        };
        if let Some(parsed) = parse_cut(text, &cuts, runs) {
            return parsed;
        }
    }
    whole(text)
}

/// Parses `text` with one parser.
pub(super) fn whole(text: &str) -> Parsed<'_> {
    let run = parse_run(text, &[0, text.len()], text.len());
    let mut builder = run.builder;
    builder.used.extend(
        run.broken
            .into_iter()
            .filter_map(|b| b.version)
            .map(Cow::Owned),
    );
    let (defs, labels) = merge_defs(run.defs);
    Parsed {
        builder,
        defs,
        labels,
    }
}

/// Parses the pieces between `cuts` (piece starts, then the end of the text) in `runs` runs of
/// consecutive pieces, each on its own thread but the first. `None` when a cut turns out
/// unsafe.
pub(super) fn parse_cut<'a>(text: &'a str, cuts: &[usize], runs: usize) -> Option<Parsed<'a>> {
    let groups = group(text.len(), cuts, runs);
    let parsed: Vec<Run<'a>> = std::thread::scope(|scope| {
        let workers: Vec<_> = groups
            .iter()
            .skip(1)
            .map(|g| {
                let g = &cuts[g.clone()];
                // A thread the system will not give is no error: its run is parsed here.
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || {
                        let run = parse_run(text, g, 0);
                        (run, work::take())
                    })
                    .map_err(|_| g)
            })
            .collect();
        // The first run takes in the others: it has room for all.
        let mut done = vec![parse_run(text, &cuts[groups[0].clone()], text.len())];
        for w in workers {
            done.push(match w {
                Ok(handle) => {
                    let (run, steps) = handle.join().ok()?;
                    work::add(steps);
                    run
                }
                Err(g) => parse_run(text, g, 0),
            });
        }
        Some(done)
    })?;
    let mut runs = parsed.into_iter();
    let first = runs.next()?;
    if !first.clean {
        return None;
    }
    let (mut builder, mut defs, mut broken) = (first.builder, first.defs, first.broken);
    for run in runs {
        // The run before must not end inside a block that would have swallowed this one's
        // first heading.
        if !run.clean || builder.ends_open(run.start) {
            return None;
        }
        builder.absorb(run.builder);
        defs.extend(run.defs);
        broken.extend(run.broken);
    }
    let (defs, labels) = merge_defs(defs);
    for b in broken {
        work::step();
        // `[][x]` with `[x]:` in another piece: one parse sees no text there.
        if b.empty
            .is_some_and(|label| lookup(&labels, label.as_str()).is_some())
        {
            return None;
        }
        builder.used.extend(b.version.map(Cow::Owned));
    }
    Some(Parsed {
        builder,
        defs,
        labels,
    })
}

/// Ranges of `cuts` indexes, one per run, each holding its pieces' starts and the end of its
/// last piece (the start of the next run), about equal in bytes.
fn group(len: usize, cuts: &[usize], runs: usize) -> Vec<Range<usize>> {
    let pieces = cuts.len().saturating_sub(1);
    let runs = runs.clamp(1, pieces.max(1));
    let mut out = Vec::with_capacity(runs);
    let mut from = 0;
    for r in 1..runs {
        let target = len / runs * r;
        let to = cuts
            .partition_point(|&c| c < target)
            .clamp(from + 1, pieces);
        if to > from && to < pieces {
            out.push(from..to + 1);
            from = to;
        }
    }
    out.push(from..cuts.len());
    out
}

/// Parses the pieces between `cuts` one after the other into one builder, which will hold
/// what `room` bytes hold in the end (the first run takes in the others).
fn parse_run<'a>(text: &'a str, cuts: &[usize], room: usize) -> Run<'a> {
    let start = cuts.first().copied().unwrap_or(0);
    let end = cuts.last().copied().unwrap_or(text.len());
    let room = room.max(end - start);
    let mut run = Run {
        start,
        builder: Builder::new(text, LineIndex::scan(text, start..end, room), room),
        defs: Vec::new(),
        broken: Vec::new(),
        clean: true,
    };
    for w in cuts.windows(2) {
        let (at, end) = (w[0], w[1]);
        let Some(piece) = text.get(at..end) else {
            run.clean = false;
            break;
        };
        if at > start && run.builder.ends_open(at) {
            run.clean = false;
            break;
        }
        let heads = run.builder.heads.len();
        parse_piece(text, piece, at, &mut run);
        // A piece cut from the text must open with the heading it was cut at.
        let opens = run.builder.heads.get(heads).map(|h| h.heading.range.start);
        if at > 0 && opens != Some(at) {
            run.clean = false;
            break;
        }
    }
    run
}

/// One piece's parser: its events into the run's builder, its definitions and broken links
/// into the run; then the parser (and its tree) is dropped.
fn parse_piece<'a>(text: &'a str, piece: &'a str, at: usize, run: &mut Run<'a>) {
    let broken = &mut run.broken;
    let record = move |link: BrokenLink<'a>| {
        let label = &link.reference;
        let version =
            (is_version_like(label) || is_unreleased(label)).then(|| label.to_lowercase());
        let empty = piece
            .get(link.span.clone())
            .is_some_and(|src| src.starts_with("[]"))
            .then(|| label.to_string());
        if version.is_some() || empty.is_some() {
            broken.push(Broken { version, empty });
        }
        None
    };
    let mut events = Parser::new_with_broken_link_callback(piece, Options::empty(), Some(record))
        .into_offset_iter();
    for (event, range) in events.by_ref() {
        run.builder.feed(event, range.start + at..range.end + at);
    }
    let from = run.defs.len();
    for (label, def) in events.reference_definitions().iter() {
        work::step();
        run.defs.push(RawDef {
            label: reborrow(text, label),
            url: reborrow(text, &def.dest),
            span: def.span.start + at..def.span.end + at,
        });
    }
    // In file order (the parser keeps them in a hash map), here on the run's thread: the runs'
    // lists then join in order.
    run.defs[from..].sort_unstable_by_key(|d| d.span.start);
}

/// `s` as a slice of `text` when the parser kept it as one (most labels and URLs are), else a
/// copy: the parser's own strings do not outlive it.
fn reborrow<'a>(text: &'a str, s: &str) -> Cow<'a, str> {
    let at = (s.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    match at.checked_add(s.len()).and_then(|end| text.get(at..end)) {
        Some(t) if std::ptr::eq(t.as_ptr(), s.as_ptr()) => Cow::Borrowed(t),
        _ => Cow::Owned(s.to_string()),
    }
}

/// The definitions of all pieces (each piece's in file order, the pieces in order), the first
/// of each label only (as one parse keeps it), and the labels that find them.
fn merge_defs(defs: Vec<RawDef<'_>>) -> (Vec<RawDef<'_>>, Labels<'_>) {
    let mut labels = Labels::with_capacity_and_hasher(defs.len(), Default::default());
    let mut kept = Vec::with_capacity(defs.len());
    for d in defs {
        work::step();
        let next = kept.len();
        if let std::collections::hash_map::Entry::Vacant(e) = labels.entry(folded(&d.label)) {
            e.insert(next);
            kept.push(d);
        }
    }
    (kept, labels)
}

/// Where pieces of about `piece` bytes start (0 first), then the end of the text. A piece
/// starts at a heading that opens a section (`## [1.2.0] ...`, `# 1.53.1 (...)`) at the start
/// of a line after a blank line, where the pieces parse as the whole does unless the text
/// before ends inside a fenced code block or an HTML block, which [`parse_run`] checks.
pub(super) fn cuts(text: &str, piece: usize) -> Vec<usize> {
    let mut out = vec![0];
    if text.len() >= 2 * piece {
        let mut from = piece;
        while from + piece / 2 < text.len() {
            let Some(at) = next_cut(text, from) else {
                break;
            };
            if text.len() - at < piece / 2 {
                break;
            }
            out.push(at);
            from = at + piece;
        }
    }
    out.push(text.len());
    out
}

/// The first section heading after a blank line at or after `from` (looking at no more than
/// 10,000 lines that start with `#`).
fn next_cut(text: &str, mut from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut looked = 0;
    while looked < 10_000 {
        // Line by line (a single-byte search is fast): the next line that starts with `#`.
        let i = from + text.get(from..)?.find('\n')?;
        let line = i + 1;
        if bytes.get(line) != Some(&b'#') {
            from = line;
            continue;
        }
        looked += 1;
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
