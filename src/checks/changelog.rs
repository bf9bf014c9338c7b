//! The rules of `lint-changelog`, and the release-notes and release-entry queries built on the
//! same model (in [`entry`]; the rules' reference text is in [`docs`]).
//!
//! Every rule is a plain function over a parsed [`Changelog`]: it reads positions and tokens the
//! model recorded and returns [`Diagnostic`]s that point at the offending token, with a `help`
//! that says how to fix it. Each file is judged by its own dialect (the model's `Dialect`):
//! the Keep a Changelog rules only where the file is Keep a Changelog, the others everywhere.
//! This module is lenient where real changelogs deviate harmlessly (unbracketed versions, `*`
//! bullets, summaries, lower-case `[unreleased]`, a generator's own heading form) and strict
//! where a deviation breaks automation (duplicates, impossible dates, order, stray headings). It
//! never reads files, prints, or touches git: the binary loads the bytes and renders the
//! findings.

mod docs;
mod entry;
#[cfg(test)]
mod scaling;

pub use docs::{DIALECTS, RULES, applies_to, explain, explain_doc, how_to_fix};
pub use entry::{
    EntryProblem, Notes, entry_problems, find_release, has_dated_section, is_dated, newest_release,
    notes, notes_for_actions,
};

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::str::FromStr;

use crate::changelog::date::{self, DateRead, Reading};
use crate::changelog::dialect::Conformity;
use crate::changelog::work;
use crate::changelog::{
    ChangeType, Changelog, Form, ParseOptions, Pos, Section, SectionKind, Token, heading_kind,
    is_unreleased, is_version_like, version_word,
};
use crate::config::{ChangelogFormat, ChangelogScheme, nearest};
use crate::diag::{Diagnostic, Severity};
use crate::error::{Error, Result};
use entry::{Ver, strip_tag};

const TOOL: &str = "lint-changelog";

pub const TITLE: &str = "changelog-title";
pub const UNRELEASED_MISSING: &str = "changelog-unreleased-missing";
pub const UNRELEASED_POSITION: &str = "changelog-unreleased-position";
pub const HEADING: &str = "changelog-heading";
pub const VERSION_INVALID: &str = "changelog-version-invalid";
pub const DATE_MISSING: &str = "changelog-date-missing";
pub const DATE_INVALID: &str = "changelog-date-invalid";
pub const VERSION_ORDER: &str = "changelog-version-order";
pub const DATE_ORDER: &str = "changelog-date-order";
pub const DUPLICATE_VERSION: &str = "changelog-duplicate-version";
pub const CHANGE_TYPE: &str = "changelog-change-type";
pub const DUPLICATE_CHANGE_TYPE: &str = "changelog-duplicate-change-type";
pub const EMPTY_SECTION: &str = "changelog-empty-section";
pub const EMPTY_RELEASE: &str = "changelog-empty-release";
pub const LINK_MISSING: &str = "changelog-link-missing";
pub const LINK_UNUSED: &str = "changelog-link-unused";
pub const LINK_COMPARE: &str = "changelog-link-compare";
pub const MISSING_RELEASE: &str = "changelog-missing-release";

/// The six Keep a Changelog change types.
pub const CHANGE_TYPES: [&str; 6] = [
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Fixed",
    "Security",
];

/// What `lint` needs besides the text.
#[derive(Clone, Debug)]
pub struct LintOptions {
    pub scheme: ChangelogScheme,
    /// Change types allowed besides the six of Keep a Changelog.
    pub extra_types: Vec<String>,
    /// `--release X`: adds `changelog-missing-release`.
    pub release: Option<String>,
    /// The tag prefix (`tags.prefix`), for compare links and for stripping from `--release`.
    pub tag_prefix: String,
    /// `changelog.format`: `keep-a-changelog` holds any file to Keep a Changelog.
    pub format: ChangelogFormat,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            scheme: ChangelogScheme::Semver,
            extra_types: Vec::new(),
            release: None,
            tag_prefix: "v".into(),
            format: ChangelogFormat::Auto,
        }
    }
}

impl LintOptions {
    /// How the model reads the headings.
    pub fn parse_options(&self) -> ParseOptions {
        ParseOptions {
            keep_a_changelog: self.format == ChangelogFormat::KeepAChangelog,
        }
    }
}

/// Parses changelog bytes as `opts` says; the error names the file.
fn parse<'a>(shown_path: &str, bytes: &'a [u8], opts: &LintOptions) -> Result<Changelog<'a>> {
    parse_for_lint(shown_path, bytes, opts.parse_options())
}

/// Lints changelog bytes. `Err` only when the file cannot be read as text (not UTF-8).
pub fn lint(shown_path: &str, bytes: &[u8], opts: &LintOptions) -> Result<Vec<Diagnostic>> {
    let model = parse(shown_path, bytes, opts)?;
    Ok(lint_model(shown_path, &model, opts))
}

/// The findings of a lint for the release being cut (`check-release-ready`).
#[derive(Debug, Default)]
pub struct ReleaseFindings {
    /// `changelog-missing-release`: the release's own entry.
    pub entry: Vec<Diagnostic>,
    /// Findings in the release's section, outside any older release, and the file-wide ones
    /// (duplicates, version order): an error among them fails the release.
    pub current: Vec<Diagnostic>,
    /// Findings in the sections of other releases: history, which does not stop this release.
    pub older: Vec<Diagnostic>,
    /// Whether the file dates its releases (a dateless convention needs no date).
    pub dated: bool,
}

/// Lints changelog bytes for releasing `opts.release`, and sorts the findings by whether they
/// concern that release (see [`ReleaseFindings`]). Without a release every finding is current.
pub fn lint_for_release(
    shown_path: &str,
    bytes: &[u8],
    opts: &LintOptions,
) -> Result<ReleaseFindings> {
    let model = parse(shown_path, bytes, opts)?;
    Ok(lint_parsed_for_release(shown_path, &model, opts))
}

/// Changelog bytes parsed for linting: the parse depends only on `opts.format`, so it can run
/// before the release is known (check-release-ready parses on another thread meanwhile).
pub fn parse_for_lint<'a>(
    shown_path: &str,
    bytes: &'a [u8],
    opts: ParseOptions,
) -> Result<Changelog<'a>> {
    Changelog::parse_with(bytes, opts)
        .map_err(|e| Error::new(format!("{shown_path}: {}", e.message())))
}

/// [`lint_for_release`] of a changelog already parsed (with `opts.parse_options()`).
pub fn lint_parsed_for_release(
    shown_path: &str,
    model: &Changelog<'_>,
    opts: &LintOptions,
) -> ReleaseFindings {
    let mine = opts
        .release
        .as_deref()
        .and_then(|v| find_release(model, v, Some(opts.scheme), &opts.tag_prefix))
        .map(|s| s.heading.range.start);
    let mut out = ReleaseFindings {
        dated: model.dates_releases(),
        ..ReleaseFindings::default()
    };
    for d in lint_model(shown_path, model, opts) {
        work::step();
        if d.rule == MISSING_RELEASE {
            out.entry.push(d);
            continue;
        }
        let file_wide = matches!(d.rule, DUPLICATE_VERSION | VERSION_ORDER);
        let offset = d
            .line
            .map(|l| model.line_start(l) + d.column.unwrap_or(1).saturating_sub(1));
        let section = offset.and_then(|o| model.section_at(o));
        let older = opts.release.is_some()
            && !file_wide
            && section.is_some_and(|s| {
                s.kind != SectionKind::Unreleased && Some(s.heading.range.start) != mine
            });
        if older {
            out.older.push(d);
        } else {
            out.current.push(d);
        }
    }
    out
}

/// Lints a parsed changelog; findings are sorted by position.
pub fn lint_model(shown_path: &str, model: &Changelog<'_>, opts: &LintOptions) -> Vec<Diagnostic> {
    let versions: Vec<Option<Ver>> = model
        .sections
        .iter()
        .map(|s| {
            work::step();
            s.version().and_then(|v| {
                if model.dialect.strict {
                    Ver::parse(v.text, opts.scheme).ok()
                } else {
                    Ver::parse_lenient(v.text, opts.scheme).ok()
                }
            })
        })
        .collect();
    let vocabulary = Vocabulary::of(model, opts);
    let cx = || Cx {
        shown: shown_path,
        model,
        opts,
        versions: &versions,
        vocabulary: &vocabulary,
        out: Vec::new(),
    };
    fn rest(mut cx: Cx<'_, '_>) -> Vec<Diagnostic> {
        cx.title();
        cx.unreleased();
        cx.strays();
        for (i, s) in cx.model.sections.iter().enumerate() {
            work::step();
            cx.heading(i, s);
            cx.change_types(s);
        }
        cx.order();
        cx.out
    }
    fn links(mut cx: Cx<'_, '_>) -> Vec<Diagnostic> {
        cx.links();
        cx.out
    }
    // The link rules read only the model and are a third of the rules' work: in a big file they
    // run on a second thread beside the others.
    let parallel = || std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let mut out = if model.sections.len() >= PARALLEL_LINKS && parallel() {
        std::thread::scope(|scope| {
            let worker = std::thread::Builder::new().spawn_scoped(scope, || {
                let out = links(cx());
                (out, work::take())
            });
            let mut out = rest(cx());
            match worker.map(|w| w.join()) {
                Ok(Ok((more, steps))) => {
                    work::add(steps);
                    out.extend(more);
                }
                // A thread the system will not give is no error: the rules run here.
                _ => out.extend(links(cx())),
            }
            out
        })
    } else {
        let mut out = rest(cx());
        out.extend(links(cx()));
        out
    };
    if let Some(release) = &opts.release {
        let mut cx = cx();
        cx.missing_release(release);
        out.extend(cx.out);
    }
    out.sort_by_key(|d| (d.line, d.column));
    out
}

/// Files with this many sections run the link rules on a second thread.
const PARALLEL_LINKS: usize = 2000;

/// The lint run: the model, the options and the findings so far.
struct Cx<'r, 'a> {
    shown: &'r str,
    model: &'r Changelog<'a>,
    opts: &'r LintOptions,
    /// Parsed version of each section (index as `model.sections`), `None` when invalid.
    versions: &'r [Option<Ver>],
    /// The change types this file may use.
    vocabulary: &'r Vocabulary<'a>,
    out: Vec<Diagnostic>,
}

/// A release must name a change type at least this often to make it part of the file's own
/// vocabulary: once or twice is a slip, three times is a convention.
const LEARNED_USES: usize = 3;

/// The change types a file may use: Keep a Changelog's six, `changelog.extra-types`, and the
/// ones the file itself names consistently (`### Features` in forty releases is the project's
/// convention, not forty mistakes).
struct Vocabulary<'a> {
    /// Allowed names, each with the number of releases that use it.
    allowed: Vec<(Cow<'a, str>, usize)>,
    /// True when the file has a vocabulary of its own: then a name outside it is reported only
    /// when it reads as a slip of one inside it (`### Changes` where the file writes `Changed`).
    learned: bool,
}

impl<'a> Vocabulary<'a> {
    fn of(model: &Changelog<'a>, opts: &LintOptions) -> Self {
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
        let mut uses: HashMap<&'a str, usize> = HashMap::new();
        let mut in_section: Vec<&'a str> = Vec::new();
        for s in &model.sections {
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
                }
            }
        }
        for (name, n) in &mut allowed {
            *n = uses.get(name.as_ref()).copied().unwrap_or(0);
        }
        // A name becomes part of the vocabulary when the file uses it often and no more-used
        // name is a spelling of the same word.
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
                .any(|(other, m)| m > n && same_word(name, other));
            if !slip {
                allowed.push((Cow::Borrowed(name), n));
                learned = true;
            }
        }
        Vocabulary { allowed, learned }
    }

    fn contains(&self, name: &str) -> bool {
        let key = type_key(name);
        self.allowed.iter().any(|(a, _)| a == key)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
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
    let cut = name
        .find(" (")
        .or_else(|| name.find(" ["))
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

fn severity(rule: &str) -> Severity {
    RULES
        .iter()
        .find(|r| r.id == rule)
        .map_or(Severity::Error, |r| r.severity)
}

impl<'a> Cx<'_, 'a> {
    fn push(&mut self, rule: &'static str, pos: Pos, message: String, help: Option<String>) {
        let mut d =
            Diagnostic::new(rule, severity(rule), message).at(self.shown, pos.line, pos.col);
        if let Some(h) = help {
            d = d.help(h);
        }
        self.out.push(d);
    }

    /// The date of section `index` as read.
    fn date_read(&self, index: usize) -> Option<DateRead> {
        self.model.sections.get(index)?.date_read.clone()
    }

    /// `## <label part as written> - <date>`: the heading rewritten in the canonical form.
    fn canonical(&self, s: &Section<'a>, date: Option<&str>) -> String {
        let head = self
            .model
            .text
            .get(s.label_start..s.label_end)
            .unwrap_or(s.label.text);
        let date = date.map_or_else(|| "YYYY-MM-DD".to_string(), str::to_string);
        let yanked = if s.is_yanked() { " [YANKED]" } else { "" };
        format!("## {} - {date}{yanked}", head.trim_end())
    }

    fn title(&mut self) {
        let m = self.model;
        match (m.opening, &m.title) {
            (crate::changelog::Opening::Title, _) => {}
            (crate::changelog::Opening::Other(what, pos), Some(t)) => self.push(
                TITLE,
                pos,
                format!(
                    "the file opens with {what}, not with its title `# {}` (line {})",
                    t.text.text, t.pos.line
                ),
                Some("move the title to the top; introductory text goes below it".into()),
            ),
            // Keep a Changelog opens with `# Changelog`; other conventions (commitizen's and
            // towncrier's generated files, Pallets' `CHANGES.md`) often start at the first
            // release, and that is their form.
            (crate::changelog::Opening::Other(..), None) if m.dialect.kac.is_none() => {}
            (crate::changelog::Opening::Other(what, pos), None) => self.push(
                TITLE,
                pos,
                format!("the file opens with {what}, not with a level-1 title"),
                Some("start the file with `# Changelog`".into()),
            ),
            (crate::changelog::Opening::Nothing, _) => self.push(
                TITLE,
                Pos {
                    offset: 0,
                    line: 1,
                    col: 1,
                },
                "the file has no title (it is empty)".into(),
                Some("start the file with `# Changelog`".into()),
            ),
        }
    }

    fn unreleased(&mut self) {
        let m = self.model;
        if m.dialect.kac.is_none() {
            return;
        }
        let mut first_unreleased: Option<&Section<'a>> = None;
        let mut first_release: Option<&Section<'a>> = None;
        for s in &m.sections {
            work::step();
            match s.kind {
                SectionKind::Release => {
                    first_release.get_or_insert(s);
                }
                SectionKind::Archive => {}
                SectionKind::Unreleased => {
                    if let Some(first) = first_unreleased {
                        self.push(
                            UNRELEASED_POSITION,
                            s.label.pos,
                            format!(
                                "a second [{}] section; the first is at line {}",
                                s.label.text, first.heading.pos.line
                            ),
                            Some("merge its entries into the first [Unreleased] section".into()),
                        );
                        continue;
                    }
                    first_unreleased = Some(s);
                    if let Some(r) = first_release {
                        self.push(
                            UNRELEASED_POSITION,
                            s.label.pos,
                            format!(
                                "[{}] comes after the release [{}] (line {}); it must be the first section",
                                s.label.text, r.label.text, r.heading.pos.line
                            ),
                            Some(format!("move this section above `## {}`", r.heading.text.text)),
                        );
                    }
                }
            }
        }
        if first_unreleased.is_none() {
            let pos = first_release
                .map(|r| r.heading.pos)
                .or(m.title.as_ref().map(|t| t.pos))
                .unwrap_or(Pos {
                    offset: 0,
                    line: 1,
                    col: 1,
                });
            let help = match first_release {
                Some(r) => format!(
                    "add `## [Unreleased]` above `## {}`; it may stay empty",
                    r.heading.text.text
                ),
                None => "add `## [Unreleased]` below the title; it may stay empty".into(),
            };
            self.push(
                UNRELEASED_MISSING,
                pos,
                "no [Unreleased] section".into(),
                Some(help),
            );
        }
    }

    /// How a release is written in this file, for messages: `` `## X (YYYY-MM-DD)` ``.
    fn release_form(&self) -> String {
        self.model.dialect.describe()
    }

    fn strays(&mut self) {
        let m = self.model;
        let level = m.dialect.level;
        let form = self.release_form();
        for h in &m.strays {
            work::step();
            let text = h.text.text.trim();
            let pos = if text.is_empty() { h.pos } else { h.text.pos };
            let inside = m.section_at(h.pos.offset).filter(|s| h.pos.offset < s.end);
            let as_release = if m.dialect.strict {
                release_suggestion(text)
            } else {
                None
            };
            let bare = text.trim_end_matches(':');
            let as_type = self
                .vocabulary
                .names()
                .find(|t| t.eq_ignore_ascii_case(bare));
            let (message, help) = if h.level < level {
                let kind = heading_kind(text);
                let msg = if kind.is_some() {
                    format!(
                        "level-1 heading `{text}` is a release section; release sections are level-2 headings"
                    )
                } else if let Some(t) = &m.title {
                    format!(
                        "second level-1 heading `{text}` (the title is at line {})",
                        t.pos.line
                    )
                } else {
                    format!("level-1 heading `{text}` after the first section")
                };
                let help = match &as_release {
                    Some(r) => format!("write `{r}`"),
                    None if kind == Some(SectionKind::Unreleased) => "write `## [Unreleased]`".into(),
                    None => "a changelog has one title; make this a level-3 heading inside a release, or plain text".into(),
                };
                (msg, help)
            } else {
                let msg = if m.dialect.kac.is_some() && m.dialect.strict {
                    format!(
                        "level-{level} heading `{text}` is neither [Unreleased] nor a release `[X] - YYYY-MM-DD`"
                    )
                } else {
                    format!(
                        "level-{level} heading `{text}` is neither the unreleased section nor a release ({form})"
                    )
                };
                let down = "#".repeat(usize::from(level) + 1);
                let help = if let Some(t) = as_type {
                    format!(
                        "a change type is a level-{} heading: `{down} {t}`",
                        level + 1
                    )
                } else if let Some(r) = as_release {
                    format!("write the release heading as `{r}`")
                } else if let Some(s) = inside {
                    format!(
                        "inside [{}] it ends that release's notes for tools that split on level-{level} headings; \
                         make it bold text (`**{text}**`) or part of a list",
                        s.label.text
                    )
                } else {
                    format!(
                        "make it plain or bold text, or a level-{} heading inside a release",
                        level + 1
                    )
                };
                (msg, help)
            };
            self.push(HEADING, pos, message, Some(help));
        }
    }

    /// Heading, version and date of one section.
    fn heading(&mut self, index: usize, s: &Section<'a>) {
        if s.is_unreleased() {
            let ok = matches!(s.form, Form::Bare | Form::Dash)
                && s.trailing.is_none()
                && s.yanked.is_none();
            if !ok {
                let at = s.trailing.map_or(s.form_pos, |t| t.pos);
                let write = if self.model.dialect.strict {
                    "write it as `## [Unreleased]`".to_string()
                } else {
                    format!("write it as `{}`", s.label.text)
                };
                self.push(
                    HEADING,
                    at,
                    format!(
                        "heading `{}` is not `{}` (unexpected text after the label)",
                        s.heading.text.text, s.label.text
                    ),
                    Some(write),
                );
            }
            return;
        }
        if s.kind != SectionKind::Release {
            return;
        }
        if let Some(v) = s.version()
            && self.versions.get(index).is_some_and(Option::is_none)
        {
            self.version_invalid(v);
        }
        if self.model.dialect.strict {
            self.heading_kac(index, s);
        } else {
            self.heading_own(index, s);
        }
    }

    /// A release heading in a file judged by its own convention.
    fn heading_own(&mut self, index: usize, s: &Section<'a>) {
        let d = &self.model.dialect;
        let read = s.date.zip(self.date_read(index));
        match s.conformity {
            Conformity::Follows => {}
            Conformity::Deviates => {
                let at = self
                    .model
                    .pos(s.word.map_or(s.label_start, |w| w.pos.offset));
                let (count, total) = d.dominant.as_ref().map_or((0, 0), |d| (d.count, d.total));
                let help = match (self.rewrite(s, read.as_ref().map(|r| &r.1)), &d.example) {
                    (Some(r), _) => format!("write `{r}`"),
                    (None, Some((line, ex))) => {
                        format!(
                            "write it the way the file's other releases are, like `{ex}` (line {line})"
                        )
                    }
                    (None, None) => format!("write it as {}", self.release_form()),
                };
                self.push(
                    HEADING,
                    at,
                    format!(
                        "release heading `{}` is not written like this file's releases: {} ({count} of {total})",
                        s.heading.text.text,
                        self.release_form()
                    ),
                    Some(help),
                );
            }
            Conformity::Undated => self.push(
                DATE_MISSING,
                s.label.pos,
                format!(
                    "release [{}] has no date; this file's releases are written {}",
                    s.label.text,
                    self.release_form()
                ),
                Some(format!("add the release date: {}", self.release_form())),
            ),
        }
        let Some((t, r)) = read else { return };
        match r.reading {
            Reading::Day(_) | Reading::Ambiguous => {}
            Reading::NoSuchDay { at, why, suggest } => {
                let help = match suggest {
                    Some(sug) => format!("did you mean {sug}?"),
                    None => "write the day the release was made".into(),
                };
                self.push(
                    DATE_INVALID,
                    offset_pos(t, at),
                    format!("invalid release date `{}`: {why}", t.text),
                    Some(help),
                );
            }
            Reading::NotADate { why } if s.conformity != Conformity::Deviates => self.push(
                DATE_INVALID,
                t.pos,
                format!("invalid release date `{}`: {why}", t.text),
                Some(format!(
                    "write the release date as the file does: {}",
                    self.release_form()
                )),
            ),
            Reading::NotADate { .. } => {}
        }
    }

    /// The heading rewritten in the file's dominant form, when that can be built from what it
    /// holds (not for linked labels, whose URL is not known).
    fn rewrite(&self, s: &Section<'a>, date: Option<&DateRead>) -> Option<String> {
        let d = &self.model.dialect;
        let dom = &d.dominant.as_ref()?.shape;
        let version = s.version()?.text;
        let mut out = String::new();
        if !d.setext {
            out.push_str(&"#".repeat(usize::from(d.level)));
            out.push(' ');
        }
        if let Some(w) = d.dominant.as_ref().and_then(|d| d.word.as_deref()) {
            out.push_str(w);
            out.push(' ');
        }
        let v = if dom.v {
            format!("v{version}")
        } else {
            version.to_string()
        };
        match dom.label {
            crate::changelog::dialect::LabelStyle::Bare => out.push_str(&v),
            crate::changelog::dialect::LabelStyle::Bracketed => out.push_str(&format!("[{v}]")),
            crate::changelog::dialect::LabelStyle::Linked => return None,
        }
        if dom.body_date || dom.date.is_none() {
            return (!dom.body_date).then_some(out);
        }
        let date = date?;
        let text = match (dom.date, date.kind, &date.reading) {
            (Some(date::DateKind::Iso), _, Reading::Day(day)) => date::iso(*day),
            (Some(k), kind, _) if k == kind => s.date?.text.to_string(),
            _ => return None,
        };
        match dom.form {
            Form::Dash => out.push_str(&format!(" - {text}")),
            Form::Parenthesised => out.push_str(&format!(" ({text})")),
            Form::Slash => out.push_str(&format!(" / {text}")),
            Form::WrongDash => out.push_str(&format!(" \u{2013} {text}")),
            Form::MissingDash => out.push_str(&format!(" {text}")),
            _ => return None,
        }
        Some(out)
    }

    /// A release heading in a Keep a Changelog file: `[X] - YYYY-MM-DD`.
    fn heading_kac(&mut self, index: usize, s: &Section<'a>) {
        let date = s.date.zip(self.date_read(index));
        let form_problem = if s.word.is_some() {
            Some("a word before the version")
        } else {
            match s.form {
                Form::Dash | Form::Bare => None,
                Form::MissingDash => Some("no ` - ` between the version and the date"),
                Form::Parenthesised => Some("the date is in parentheses"),
                Form::WrongDash => {
                    Some("the version and the date are separated by a long dash, not ` - `")
                }
                Form::Slash => Some("the version and the date are separated by ` / `, not ` - `"),
                Form::Unrecognised => Some("unexpected text after the version"),
            }
        };
        let date_ok = date.as_ref().is_some_and(|(_, r)| r.iso && r.is_valid());
        // The rewritten heading goes into helps only: most headings need none, so build it only
        // when there is something to report.
        let (good_date, canonical) = if form_problem.is_some() || s.trailing.is_some() || !date_ok {
            let good_date = match date.as_ref().map(|(d, r)| (d, &r.reading)) {
                Some((_, Reading::Day(day))) => Some(date::iso(*day)),
                Some((d, Reading::Ambiguous)) => Some(d.text.to_string()),
                Some((_, Reading::NoSuchDay { suggest, .. })) => suggest.clone(),
                _ => None,
            };
            let canonical = self.canonical(s, good_date.as_deref());
            (good_date, canonical)
        } else {
            (None, String::new())
        };
        if let Some(what) = form_problem {
            self.push(
                HEADING,
                s.word.map_or(s.form_pos, |w| w.pos),
                format!(
                    "release heading `{}` does not match `[X] - YYYY-MM-DD`: {what}",
                    s.heading.text.text
                ),
                Some(format!("write `{canonical}`")),
            );
        } else if let Some(t) = s.trailing {
            let help = if t.text.to_ascii_lowercase().contains("yanked") {
                format!(
                    "mark a yanked release with ` [YANKED]` after the date: `{}`",
                    self.canonical_yanked(s, good_date.as_deref())
                )
            } else {
                format!("write `{canonical}` and move the text into the release's notes")
            };
            self.push(
                HEADING,
                t.pos,
                format!("unexpected text `{}` after the release date", t.text),
                Some(help),
            );
        } else if let Some(y) = s.yanked.filter(|y| y.text != "[YANKED]") {
            self.push(
                HEADING,
                y.pos,
                format!("the yanked marker is written `{}`", y.text),
                Some("write it `[YANKED]`, in upper case, after the date".into()),
            );
        }
        match date {
            None if form_problem.is_none() || s.form == Form::Dash => self.push(
                DATE_MISSING,
                s.label.pos,
                format!("release [{}] has no date", s.label.text),
                Some(format!("write `{canonical}` with the release date")),
            ),
            None => {}
            Some((_, r)) if r.iso && r.is_valid() => {}
            // The heading's rewrite already spells a real day as YYYY-MM-DD.
            Some((_, r)) if form_problem.is_some() && r.is_valid() => {}
            Some((d, r)) => {
                let (at, why, suggest) = match r.reading {
                    Reading::NoSuchDay { at, why, suggest } => (at, why, suggest),
                    Reading::NotADate { why } => (0, why, None),
                    Reading::Day(day) => (0, "not in YYYY-MM-DD form".into(), Some(date::iso(day))),
                    Reading::Ambiguous => (0, "not in YYYY-MM-DD form".into(), None),
                };
                let pos = offset_pos(d, at);
                let help = match suggest {
                    Some(sug) => format!("did you mean {sug}? write `{canonical}`"),
                    None => "write the release date as YYYY-MM-DD".into(),
                };
                self.push(
                    DATE_INVALID,
                    pos,
                    format!("invalid release date `{}`: {why}", d.text),
                    Some(help),
                );
            }
        }
    }

    fn canonical_yanked(&self, s: &Section<'a>, date: Option<&str>) -> String {
        let c = self.canonical(s, date);
        if c.ends_with("[YANKED]") {
            c
        } else {
            format!("{c} [YANKED]")
        }
    }

    fn version_invalid(&mut self, v: Token<'a>) {
        let scheme = self.opts.scheme;
        let why = Ver::parse(v.text, scheme).err().unwrap_or_default();
        let stripped = strip_tag(v.text, &self.opts.tag_prefix);
        let scheme_name = match scheme {
            ChangelogScheme::Semver => "SemVer",
            ChangelogScheme::Pep440 => "PEP 440",
        };
        let help = if stripped != v.text && Ver::parse(stripped, scheme).is_ok() {
            format!(
                "drop the prefix: the heading names the version, the tag adds the prefix: `{stripped}`"
            )
        } else if let Some(fixed) = respell(stripped, scheme) {
            match scheme {
                ChangelogScheme::Semver
                    if pep440_rs::Version::from_str(stripped).is_ok() && !is_short(stripped) =>
                {
                    format!(
                        "`{}` is a PEP 440 version: write it as SemVer, `{fixed}`, or set `changelog.scheme = \"pep440\"`",
                        v.text
                    )
                }
                ChangelogScheme::Semver => format!("SemVer needs three parts: `{fixed}`"),
                ChangelogScheme::Pep440 => format!("write it as PEP 440 spells it: `{fixed}`"),
            }
        } else {
            match scheme {
                ChangelogScheme::Semver => format!(
                    "write `{}` as MAJOR.MINOR.PATCH with an optional `-` pre-release",
                    v.text
                ),
                ChangelogScheme::Pep440 => format!(
                    "write `{}` as a PEP 440 release (numbers, then an optional a, b or rc part)",
                    v.text
                ),
            }
        };
        self.push(
            VERSION_INVALID,
            v.pos,
            format!("`{}` is not a valid {scheme_name} version: {why}", v.text),
            Some(help),
        );
    }

    fn change_types(&mut self, s: &Section<'a>) {
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
        let mut seen: HashMap<(Option<usize>, u8, &str), &ChangeType<'a>> = HashMap::new();
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

    /// Version order, duplicates and date order, each release against the nearest one above
    /// (of the same product, where a file holds several: `jax 0.4.30`, `jaxlib 0.4.30`).
    fn order(&mut self) {
        let m = self.model;
        let versions = self.versions;
        // Releases of several products in one file (`jax 0.4.30`, `jaxlib 0.4.30`) are ordered
        // per product; a heading that deviates belongs to the file's main product. Products are
        // numbered: 0 for all where there is one, the usual case, which costs no string.
        let words: std::collections::HashSet<String> = if m.releases().any(|s| s.word.is_some()) {
            m.releases()
                .filter(|s| s.conformity == Conformity::Follows)
                .map(|s| {
                    s.word
                        .map(|w| w.text.to_ascii_lowercase())
                        .unwrap_or_default()
                })
                .collect()
        } else {
            std::collections::HashSet::new()
        };
        let main = m
            .dialect
            .dominant
            .as_ref()
            .and_then(|d| d.word.as_deref())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut product_of = |s: &Section<'a>| -> usize {
            if words.len() <= 1 {
                return 0;
            }
            let word = s
                .word
                .map(|w| w.text.to_ascii_lowercase())
                .unwrap_or_default();
            let word = if words.contains(&word) {
                word
            } else {
                main.clone()
            };
            let next = ids.len();
            *ids.entry(word).or_insert(next)
        };
        // The releases judged here, with their products. A heading with prose after its number
        // (`## 0.5 Migration Guide`) is reported as a heading; what its number means is not known.
        let mut judged: Vec<(usize, usize)> = Vec::with_capacity(m.sections.len());
        for (i, s) in m.sections.iter().enumerate() {
            work::step();
            if s.version().is_some() && (m.dialect.strict || s.form != Form::Unrecognised) {
                judged.push((i, product_of(s)));
            }
        }
        // Duplicates: one product and one version, equal by precedence (or as written, when it
        // does not parse). Found by sorting (product, version, place), not by hashing what the
        // file writes: each release after the first of its run is a duplicate of that first.
        let key = |i: usize| match versions.get(i).and_then(Option::as_ref) {
            Some(v) => Ok(v),
            None => Err(m.sections[i].version().map_or("", |v| v.text)),
        };
        let same = |a: usize, b: usize| match (key(a), key(b)) {
            (Ok(x), Ok(y)) => x.cmp(y),
            (Err(x), Err(y)) => x.cmp(y),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
        };
        let mut sorted = judged.clone();
        sorted.sort_by(|&(a, pa), &(b, pb)| {
            work::step();
            pa.cmp(&pb).then_with(|| same(a, b)).then(a.cmp(&b))
        });
        let mut first_of: Vec<Option<usize>> = vec![None; m.sections.len()];
        let mut run = 0;
        for k in 1..sorted.len() {
            work::step();
            let ((a, pa), (b, pb)) = (sorted[run], sorted[k]);
            if pa == pb && same(a, b) == Ordering::Equal {
                first_of[b] = Some(a);
            } else {
                run = k;
            }
        }
        // By product: the release above, and the dated release above with its day.
        let mut above: Vec<Option<usize>> = Vec::new();
        let mut above_dated: Vec<Option<(usize, jiff::civil::Date)>> = Vec::new();
        fn slot<T: Default>(v: &mut Vec<T>, product: usize) -> &mut T {
            if v.len() <= product {
                v.resize_with(product + 1, T::default);
            }
            &mut v[product]
        }
        for &(i, product) in &judged {
            work::step();
            let s = &m.sections[i];
            let Some(v) = s.version() else { continue };
            let parsed = versions.get(i).and_then(Option::as_ref);
            if let Some(first) = first_of[i].map(|f| &m.sections[f]) {
                self.push(
                    DUPLICATE_VERSION,
                    v.pos,
                    format!("version {} appears twice: first at line {} (`{}`)", s.label.text, first.heading.pos.line, first.heading.text.text),
                    Some("merge the two sections, or correct this version; release tools fail or publish the wrong notes on duplicates".into()),
                );
                continue;
            }
            if let Some(p) = parsed {
                if let Some(j) = *slot(&mut above, product) {
                    let prev = &m.sections[j];
                    let day = |s: &Section<'_>| s.date_read.as_ref().and_then(DateRead::day);
                    let above_v = versions.get(j).and_then(Option::as_ref);
                    let higher = above_v.is_some_and(|q| p.cmp(q) != Ordering::Less);
                    // A file in date order puts a maintenance release of an older line
                    // (`[16.2.2] - 2026-06-19`) above the newer line's earlier releases
                    // (`[18.0.0] - 2025-05-26`): its dates say the order is right.
                    let backport_above = above_v.is_some_and(|q| q.is_backport_below(p))
                        && matches!((day(prev), day(s)), (Some(a), Some(b)) if a >= b);
                    if higher && !backport_above {
                        self.push(
                            VERSION_ORDER,
                            v.pos,
                            format!("[{}] is not lower than [{}] above it (line {})", s.label.text, prev.label.text, prev.heading.pos.line),
                            Some(format!(
                                "releases go newest first: move this section above `{}`, or correct the version",
                                shown_heading(prev)
                            )),
                        );
                    }
                }
                *slot(&mut above, product) = Some(i);
            }
            if let Some(d) = s.date
                && let Some(day) = s.date_read.as_ref().and_then(DateRead::day)
            {
                let backport = |j: usize| match (parsed, versions.get(j).and_then(Option::as_ref)) {
                    (Some(p), Some(q)) => p.is_backport_below(q),
                    _ => false,
                };
                if let Some((j, prev)) = *slot(&mut above_dated, product)
                    && day > prev
                    && !backport(j)
                {
                    let p = &m.sections[j];
                    self.push(
                        DATE_ORDER,
                        d.pos,
                        format!(
                            "[{}] is dated {}, later than [{}] above it ({}, line {})",
                            s.label.text,
                            d.text,
                            p.label.text,
                            p.date.map_or("", |t| t.text),
                            p.heading.pos.line
                        ),
                        Some(
                            "one of the two dates is probably a typo; releases go newest first"
                                .into(),
                        ),
                    );
                }
                *slot(&mut above_dated, product) = Some((i, day));
            }
        }
    }

    fn links(&mut self) {
        let m = self.model;
        if m.dialect.kac.is_none() {
            return;
        }
        let base = repo_base(m);
        let preds = self.predecessors();
        let belows = releases_below(m);
        // A definition shared by two sections (a duplicate version) is judged once.
        let mut judged = vec![false; m.links.len()];
        for (i, s) in m.sections.iter().enumerate() {
            work::step();
            let below = belows[i].map(|j| &m.sections[j]);
            let pred = preds.get(i).copied().unwrap_or_default();
            // What the link should start from: the predecessor by precedence when the versions
            // parse (so date-ordered files with interleaved maintenance releases are judged
            // fairly), else the release below.
            let previous = pred.0.map(|j| &m.sections[j]).or(below);
            if s.bracketed && !s.is_link() {
                let url = suggested_url(base.as_deref(), s, previous, &self.opts.tag_prefix);
                let label = s
                    .ref_label
                    .filter(|r| !r.text.trim().is_empty())
                    .map_or(s.label.text, |r| r.text);
                let at = self.model.pos(s.heading.text.pos.offset);
                self.push(
                    LINK_MISSING,
                    at,
                    format!("[{label}] has no link definition, so it renders as literal brackets"),
                    Some(format!(
                        "add `[{label}]: {url}` at the end of the file, or drop the brackets"
                    )),
                );
            }
            if let Some(seen) = s
                .link
                .filter(|_| s.inline_url.is_none())
                .and_then(|l| judged.get_mut(l))
            {
                if *seen {
                    continue;
                }
                *seen = true;
            }
            // The versions the link may start from.
            let tag_prefix = self.opts.tag_prefix.as_str();
            let mut accepted = [""; 3];
            let mut n = 0;
            for r in [pred.0, pred.1]
                .into_iter()
                .flatten()
                .map(|j| &m.sections[j])
                .chain(below)
            {
                accepted[n] = strip_tag(r.label.text, tag_prefix);
                n += 1;
            }
            self.compare(s, previous, &accepted[..n]);
        }
        for l in &m.links {
            work::step();
            if !l.names_section
                && !l.referenced
                && (is_version_like(&l.label) || is_unreleased(&l.label))
            {
                self.push(
                    LINK_UNUSED,
                    l.pos,
                    format!("link definition [{}] names no section and no link uses it", l.label),
                    Some(format!("remove it, or correct the label to the version of its section (no `## [{}]` heading exists)", l.label)),
                );
            }
        }
    }

    /// For each section, the release that precedes it by precedence (the highest lower version)
    /// and, for a final release, the highest lower final release; for `[Unreleased]`, the
    /// highest release. One sort, then one pass over runs of equal versions: O(n log n) however
    /// many releases share a version (a scan down from each release for the first lower one was
    /// quadratic in a file of duplicates).
    fn predecessors(&self) -> Vec<(Option<usize>, Option<usize>)> {
        let m = self.model;
        // Versions read loosely (a `v` prefix dropped): a link still has a predecessor when the
        // heading spelling is reported by another rule.
        let prefix = &self.opts.tag_prefix;
        let loose: Vec<Option<Ver>> = m
            .sections
            .iter()
            .zip(self.versions)
            .map(|(s, strict)| match (s.version(), strict) {
                (Some(v), None) => Ver::parse(strip_tag(v.text, prefix), self.opts.scheme).ok(),
                _ => None,
            })
            .collect();
        let ver = |i: usize| {
            self.versions
                .get(i)
                .and_then(Option::as_ref)
                .or_else(|| loose.get(i).and_then(Option::as_ref))
        };
        let cmp = |a: usize, b: usize| {
            work::step();
            match (ver(a), ver(b)) {
                (Some(x), Some(y)) => x.cmp(y),
                _ => Ordering::Equal,
            }
        };
        let mut sorted: Vec<usize> = (0..m.sections.len())
            .filter(|&i| ver(i).is_some())
            .collect();
        sorted.sort_by(|&a, &b| cmp(a, b));
        let mut out = vec![(None, None); m.sections.len()];
        // The highest release below the current run of equal versions, and the highest final one.
        let (mut lower, mut lower_final) = (None, None);
        let mut run = 0;
        while run < sorted.len() {
            let first = sorted[run];
            let end = run
                + sorted[run..]
                    .iter()
                    .take_while(|&&j| cmp(j, first) == Ordering::Equal)
                    .count();
            for &i in &sorted[run..end] {
                work::step();
                let is_final = ver(i).is_some_and(|v| !v.is_pre());
                out[i] = (lower, if is_final { lower_final } else { None });
            }
            lower = sorted.get(end - 1).copied();
            if let Some(&j) = sorted[run..end]
                .iter()
                .rev()
                .find(|&&j| ver(j).is_some_and(|v| !v.is_pre()))
            {
                lower_final = Some(j);
            }
            run = end;
        }
        for (i, s) in m.sections.iter().enumerate() {
            work::step();
            if s.is_unreleased() {
                out[i] = (sorted.last().copied(), None);
            }
        }
        out
    }

    /// `changelog-link-compare` for one section's link target. `accepted` are the versions the
    /// link may start from; `previous` is the one the help suggests.
    fn compare(&mut self, s: &Section<'a>, previous: Option<&Section<'a>>, accepted: &[&str]) {
        let m = self.model;
        let def = s.link.and_then(|i| m.links.get(i)).filter(|_| s.bracketed);
        let url = match (s.inline_url, def) {
            (Some(u), _) => u.text,
            (None, Some(l)) => &*l.url,
            (None, None) => return,
        };
        let Some(c) = parse_compare(url) else { return };
        let prefix = self.opts.tag_prefix.as_str();
        let (from, to) = (&url[c.from.clone()], &url[c.to.clone()]);
        // The tag prefix the link uses: the configured one, none, or a package name before the
        // configured one (`pkg-v1.2.0`, as release-plz writes for workspace members).
        fn link_prefix<'t>(tag: &'t str, version: &str, prefix: &str) -> Option<&'t str> {
            let p = tag.strip_suffix(version)?;
            (p.is_empty() || p.ends_with(prefix)).then_some(p)
        }
        let (to_ok, used_prefix) = match s.version() {
            Some(v) => {
                let used = link_prefix(to, strip_tag(v.text, prefix), prefix);
                (used.is_some(), used)
            }
            None => (to == "HEAD", None),
        };
        let from_ok = match (previous.and_then(Section::version), &used_prefix) {
            // The oldest release: where it starts from is not in the file.
            (None, _) => true,
            (Some(_), Some(p)) => accepted.iter().any(|v| from.strip_prefix(*p) == Some(*v)),
            (Some(_), None) => accepted
                .iter()
                .any(|v| link_prefix(from, v, prefix).is_some()),
        };
        if to_ok && from_ok {
            return;
        }
        let tag = |v: &str| match &used_prefix {
            Some(p) => format!("{p}{v}"),
            None => tag_of(v, prefix),
        };
        let expected_to = s
            .version()
            .map_or_else(|| "HEAD".to_string(), |v| tag(strip_tag(v.text, prefix)));
        let expected_from = previous
            .and_then(Section::version)
            .map_or_else(|| from.to_string(), |p| tag(strip_tag(p.text, prefix)));
        let expected = format!(
            "{}{expected_from}{}{expected_to}{}",
            &url[..c.from.start],
            c.dots,
            &url[c.to.end..]
        );
        let bad_range = if from_ok {
            c.to.clone()
        } else {
            c.from.clone()
        };
        // Where the URL is written: in the heading, or after the definition's `]:`.
        let url_offset = match (s.inline_url, def) {
            (Some(u), _) => Some(u.pos.offset),
            (None, Some(l)) => {
                let raw = m.text.get(l.span.clone()).unwrap_or("");
                raw.find("]:")
                    .and_then(|k| raw[k..].find(url).map(|u| l.span.start + k + u))
            }
            (None, None) => None,
        };
        let pos = match url_offset {
            Some(o) => m.pos(o + bad_range.start),
            None => def.map_or(s.label.pos, |l| l.pos),
        };
        let what = match (s.version(), previous) {
            (None, Some(b)) => format!("from the newest release [{}] to HEAD", b.label.text),
            (None, None) => "to HEAD".to_string(),
            (Some(_), Some(b)) => format!("from the previous release [{}]", b.label.text),
            (Some(v), None) => format!("to its own tag {}", tag(v.text)),
        };
        self.push(
            LINK_COMPARE,
            pos,
            format!(
                "the link of [{}] compares {from}{}{to}; it should go {what}",
                s.label.text, c.dots
            ),
            Some(format!("use `{expected}`")),
        );
    }

    fn missing_release(&mut self, release: &str) {
        let m = self.model;
        let (section, problems) =
            entry_problems(m, release, self.opts.scheme, &self.opts.tag_prefix);
        let want = strip_tag(release.trim(), &self.opts.tag_prefix);
        let heading = m.dialect.heading_for(strip_tag(want, "v"));
        let Some(s) = section else {
            let (pos, help) = match m.unreleased() {
                Some(u) if u.has_content => (
                    u.label.pos,
                    format!(
                        "rename `{unreleased}` to {heading} and add a new empty `{unreleased}` above it",
                        unreleased = shown_heading(u)
                    ),
                ),
                _ => (
                    m.sections.first().map_or(
                        Pos {
                            offset: 0,
                            line: 1,
                            col: 1,
                        },
                        |s| s.heading.pos,
                    ),
                    format!("add {heading} with the release notes above the older releases"),
                ),
            };
            self.push(
                MISSING_RELEASE,
                pos,
                format!("no changelog section for release {want}"),
                Some(help),
            );
            return;
        };
        for p in problems {
            let (pos, help) = match &p {
                EntryProblem::Undated => (
                    s.date.map_or(s.label.pos, |d| d.pos),
                    format!("date it: {heading}"),
                ),
                EntryProblem::Yanked => (
                    s.yanked.map_or(s.label.pos, |y| y.pos),
                    "a yanked release cannot be released again; release a new version".to_string(),
                ),
                EntryProblem::NotNewest { .. } => (
                    s.label.pos,
                    "move this section to the top, below [Unreleased]".to_string(),
                ),
                EntryProblem::NoNotes => (
                    s.label.pos,
                    "write the release notes in this section".to_string(),
                ),
                EntryProblem::Missing => (s.label.pos, String::new()),
            };
            self.push(
                MISSING_RELEASE,
                pos,
                format!("release {want} is not ready: {p}"),
                Some(help),
            );
        }
    }
}

/// For each section, the nearest release below it whose label differs from its own (a duplicate
/// of it is reported on its own): one pass from the end, where a scan down from each section was
/// quadratic in a file of duplicates or of repeated `[Unreleased]` sections.
fn releases_below(m: &Changelog<'_>) -> Vec<Option<usize>> {
    let n = m.sections.len();
    let mut out = vec![None; n];
    // For a release: the nearest release below it with another label.
    let mut other_below = vec![None; n];
    let mut nearest: Option<usize> = None;
    for i in (0..n).rev() {
        work::step();
        let s = &m.sections[i];
        out[i] = nearest.and_then(|r| {
            if m.sections[r].label.text != s.label.text {
                Some(r)
            } else {
                other_below[r]
            }
        });
        if s.kind == SectionKind::Release {
            other_below[i] = out[i];
            nearest = Some(i);
        }
    }
    out
}

/// A heading as written on its line: `## 1.2.0 (2024-01-31)`, or a setext heading's text.
fn shown_heading(s: &Section<'_>) -> String {
    let t = s.heading.text.text.trim();
    if s.heading.setext {
        t.to_string()
    } else {
        format!("{} {t}", "#".repeat(usize::from(s.heading.level)))
    }
}

/// A numeric release with fewer than three parts (`1.2`).
fn is_short(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() < 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `v` respelled valid in `scheme`, when it is a valid version in the other one or a short
/// release: `1.2.0b3` → `1.2.0-beta.3`, `1.2` → `1.2.0`, `1.2.0-rc.1` → `1.2.0rc1`.
fn respell(v: &str, scheme: ChangelogScheme) -> Option<String> {
    match scheme {
        ChangelogScheme::Semver => {
            let pep = pep440_rs::Version::from_str(v).ok()?;
            if pep.is_post() || pep.is_dev() || pep.is_local() || pep.epoch() != 0 {
                return None;
            }
            let release = pep.release();
            if release.len() > 3 {
                return None;
            }
            let mut out = format!(
                "{}.{}.{}",
                release.first().copied().unwrap_or(0),
                release.get(1).copied().unwrap_or(0),
                release.get(2).copied().unwrap_or(0)
            );
            if let Some(pre) = pep.pre() {
                let label = match pre.kind {
                    pep440_rs::PrereleaseKind::Alpha => "alpha",
                    pep440_rs::PrereleaseKind::Beta => "beta",
                    pep440_rs::PrereleaseKind::Rc => "rc",
                };
                out.push_str(&format!("-{label}.{}", pre.number));
            }
            semver::Version::parse(&out).is_ok().then_some(out)
        }
        ChangelogScheme::Pep440 => {
            let sv = semver::Version::parse(v).ok()?;
            let pep = pep440_rs::Version::from_str(&sv.to_string()).ok()?;
            Some(pep.to_string())
        }
    }
}

/// The position `at` bytes into a token on its line.
fn offset_pos(t: Token<'_>, at: usize) -> Pos {
    let at = at.min(t.text.len());
    let chars = t.text.get(..at).map_or(0, |s| s.chars().count());
    Pos {
        offset: t.pos.offset + at,
        line: t.pos.line,
        col: t.pos.col + chars,
    }
}

/// `<prefix><version>`, unless the version already carries the prefix.
fn tag_of(version: &str, prefix: &str) -> String {
    if !prefix.is_empty() && version.starts_with(prefix) {
        version.to_string()
    } else {
        format!("{prefix}{version}")
    }
}

/// The `A...B` (or `A..B`) part of a GitHub/GitLab compare URL, as ranges into the URL.
struct Compare {
    from: std::ops::Range<usize>,
    to: std::ops::Range<usize>,
    dots: &'static str,
}

fn parse_compare(url: &str) -> Option<Compare> {
    // The last `/compare/`, found from the slashes (a single byte, searched fast) rather than
    // with a substring searcher built for every link.
    let mut end = url.len();
    let k = loop {
        let slash = url[..end].rfind('/')?;
        if url[..=slash].ends_with("/compare/") {
            break slash + 1;
        }
        end = slash;
    };
    let end = url.as_bytes()[k..]
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .map_or(url.len(), |e| k + e);
    let end = k + url[k..end].trim_end_matches('/').len();
    let spec = &url[k..end];
    // Byte windows: a substring searcher set up for a few bytes costs more than the search.
    let find = |dots: &[u8]| spec.as_bytes().windows(dots.len()).position(|w| w == dots);
    let (i, dots) = match find(b"...") {
        Some(i) => (i, "..."),
        None => (find(b"..")?, ".."),
    };
    let from = k..k + i;
    let to = k + i + dots.len()..end;
    (!from.is_empty() && !to.is_empty()).then_some(Compare { from, to, dots })
}

/// The repository URL a compare or tag link in the file starts with, to build suggestions.
fn repo_base(m: &Changelog<'_>) -> Option<String> {
    m.links
        .iter()
        .map(|l| &*l.url)
        .chain(
            m.sections
                .iter()
                .filter_map(|s| s.inline_url.map(|u| u.text)),
        )
        .find_map(|u| {
            let cut = [
                "/-/compare/",
                "/compare/",
                "/releases/tag/",
                "/-/tags/",
                "/tree/",
            ]
            .iter()
            .find_map(|p| u.find(p))?;
            Some(u[..cut].to_string())
        })
}

fn suggested_url(
    base: Option<&str>,
    s: &Section<'_>,
    below: Option<&Section<'_>>,
    prefix: &str,
) -> String {
    let base = base.unwrap_or("https://github.com/OWNER/REPO");
    let to = s
        .version()
        .map_or_else(|| "HEAD".to_string(), |v| tag_of(v.text, prefix));
    match below.and_then(|b| b.version()) {
        Some(prev) => format!("{base}/compare/{}...{to}", tag_of(prev.text, prefix)),
        None if s.version().is_some() => format!("{base}/releases/tag/{to}"),
        None => format!("{base}/commits/HEAD"),
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

/// `Version 1.2.0 (June 24, 2024)` → `## [1.2.0] - 2024-06-24`: the heading a stray release-like
/// heading should be, when a version can be found in it.
fn release_suggestion(text: &str) -> Option<String> {
    let version = version_word(text)?;
    let after = version.as_ptr() as usize - text.as_ptr() as usize + version.len();
    let rest: Vec<&str> = text[after..]
        .split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')' | ','))
        .filter(|w| !w.is_empty())
        .collect();
    let rest = rest.join(" ");
    let version = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let date = date::read(&rest).day().map(date::iso);
    Some(format!(
        "## [{version}] - {}",
        date.as_deref().unwrap_or("YYYY-MM-DD")
    ))
}

fn starts_like_release(text: &str) -> bool {
    let t = text.trim_start_matches(['[', ' ']);
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    t.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod corpus_tests {
    //! The real-world corpus: every file lints without error or panic, and its findings match the
    //! reviewed snapshot. `RELGATE_BLESS=1` rewrites the snapshots (review the diff!).

    use super::*;
    use std::fmt::Write as _;
    use std::path::{Path, PathBuf};

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

    fn bless() -> bool {
        std::env::var_os("RELGATE_BLESS").is_some_and(|v| v == "1")
    }

    pub(super) fn render(findings: &[Diagnostic]) -> String {
        let mut s = String::new();
        for d in findings {
            let _ = writeln!(
                s,
                "{}:{} {}[{}] {}",
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
                d.severity.as_str(),
                d.rule,
                crate::diag::escape(&d.message)
            );
        }
        s
    }

    fn corpus_files() -> Vec<PathBuf> {
        let dir = Path::new(CORPUS).join("changelogs");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn corpus_matches_snapshots() {
        let files = corpus_files();
        assert_eq!(files.len(), 59, "the corpus has 59 changelogs");
        let snapshots = Path::new(CORPUS).join("snapshots");
        let mut mismatched = Vec::new();
        for path in &files {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let bytes = std::fs::read(path).unwrap();
            let findings = lint(&name, &bytes, &LintOptions::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let got = render(&findings);
            let snap = snapshots.join(format!("{name}.txt"));
            if bless() {
                std::fs::write(&snap, &got).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&snap).unwrap_or_default();
            if want != got {
                let first = want
                    .lines()
                    .zip(got.lines())
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!("\n  want: {a}\n  got:  {b}"))
                    .unwrap_or_else(|| {
                        format!(
                            " ({} vs {} lines)",
                            want.lines().count(),
                            got.lines().count()
                        )
                    });
                mismatched.push(format!("{name}{first}"));
            }
        }
        assert!(
            mismatched.is_empty(),
            "findings differ from tests/corpus/snapshots (RELGATE_BLESS=1 rewrites them):\n{}",
            mismatched.join("\n")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings as `line:col rule`.
    fn run_with(src: &str, opts: &LintOptions) -> Vec<String> {
        lint("C.md", src.as_bytes(), opts)
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {}",
                    d.line.unwrap_or(0),
                    d.column.unwrap_or(0),
                    d.rule
                )
            })
            .collect()
    }

    fn run(src: &str) -> Vec<String> {
        run_with(src, &LintOptions::default())
    }

    /// Positions of one rule's findings.
    fn at(src: &str, rule: &str) -> Vec<String> {
        at_with(src, rule, &LintOptions::default())
    }

    fn at_with(src: &str, rule: &str, opts: &LintOptions) -> Vec<String> {
        run_with(src, opts)
            .into_iter()
            .filter_map(|f| f.strip_suffix(&format!(" {rule}")).map(str::to_string))
            .collect()
    }

    fn diag(src: &str, rule: &str) -> Diagnostic {
        diag_with(src, rule, &LintOptions::default())
    }

    fn diag_with(src: &str, rule: &str, opts: &LintOptions) -> Diagnostic {
        lint("C.md", src.as_bytes(), opts)
            .unwrap()
            .into_iter()
            .find(|d| d.rule == rule)
            .unwrap_or_else(|| panic!("no {rule} in {:?}", run_with(src, opts)))
    }

    const HEAD: &str = "# Changelog\n\n## [Unreleased]\n\n";

    /// A clean file: the passing baseline every rule test starts from.
    const CLEAN: &str = "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n\n## [1.1.0] - 2024-02-01\n\n\
                         A summary first, as Keep a Changelog 2.0.0 allows.\n\n### Added\n\n* New flag.\n  * nested detail\n\n\
                         ### Fixed\n\n- Crash.\n\n## 1.0.0 - 2024-01-01 [YANKED]\n\n- First.\n\n\
                         [unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD\n\
                         [1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\n";

    #[test]
    fn clean_file_has_no_findings() {
        assert_eq!(run(CLEAN), Vec::<String>::new());
        let kac = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/corpus/changelogs/olivierlacan__keep-a-changelog__CHANGELOG.md"
        ))
        .unwrap();
        assert_eq!(lint("k", &kac, &LintOptions::default()).unwrap(), vec![]);
    }

    #[test]
    fn rules_table_matches_the_design() {
        let table = [
            (TITLE, Severity::Warn),
            (UNRELEASED_MISSING, Severity::Warn),
            (UNRELEASED_POSITION, Severity::Error),
            (HEADING, Severity::Error),
            (VERSION_INVALID, Severity::Error),
            (DATE_MISSING, Severity::Error),
            (DATE_INVALID, Severity::Error),
            (VERSION_ORDER, Severity::Error),
            (DATE_ORDER, Severity::Warn),
            (DUPLICATE_VERSION, Severity::Error),
            (CHANGE_TYPE, Severity::Error),
            (DUPLICATE_CHANGE_TYPE, Severity::Error),
            (EMPTY_SECTION, Severity::Warn),
            (EMPTY_RELEASE, Severity::Warn),
            (LINK_MISSING, Severity::Warn),
            (LINK_UNUSED, Severity::Warn),
            (LINK_COMPARE, Severity::Warn),
            (MISSING_RELEASE, Severity::Error),
        ];
        let got: Vec<_> = RULES.iter().map(|r| (r.id, r.severity)).collect();
        assert_eq!(got, table);
        for r in RULES {
            assert_eq!(r.tool, "lint-changelog");
            assert!(how_to_fix(r.id).is_some(), "{}", r.id);
            assert!(!r.bad.is_empty() && !r.good.is_empty() && !r.why.is_empty());
        }
    }

    /// Every rule's documented failing example fails with that rule and its passing example
    /// does not (`changelog-missing-release` needs `--release`, given by the example's command).
    #[test]
    fn rule_examples_fail_and_pass() {
        for r in RULES {
            let mut opts = LintOptions::default();
            let (mut bad, mut good) = (r.bad.to_string(), r.good.to_string());
            if r.id == MISSING_RELEASE {
                opts.release = Some("1.3.0".into());
                bad = bad
                    .split_once('\n')
                    .map_or(bad.clone(), |(_, b)| b.to_string());
                good = good
                    .split_once('\n')
                    .map_or(good.clone(), |(_, g)| g.to_string());
            }
            assert!(
                !at_with(&bad, r.id, &opts).is_empty(),
                "{}: bad example passes: {:?}",
                r.id,
                run_with(&bad, &opts)
            );
            assert!(
                at_with(&good, r.id, &opts).is_empty(),
                "{}: good example fails: {:?}",
                r.id,
                run_with(&good, &opts)
            );
        }
    }

    #[test]
    fn title() {
        assert_eq!(at("Notes first.\n\n# Changelog\n", TITLE), ["1:1"]);
        assert!(
            diag("Notes first.\n\n# Changelog\n", TITLE)
                .message
                .contains("line 3")
        );
        assert_eq!(at("\n\n## [Unreleased]\n", TITLE), ["3:1"]);
        assert_eq!(at("", TITLE), ["1:1"]);
        // Releases at level 1 (tokio, bat): the file's top level is its releases, no title.
        assert!(at("# 1.2.0 (2024-01-01)\n", TITLE).is_empty());
        assert_eq!(
            at("# [Unreleased]\n\n## [1.2.0] - 2024-01-01\n\n- x\n", TITLE),
            ["1:1"]
        );
        assert!(at("<!-- markdownlint-disable -->\n# Change Log\n", TITLE).is_empty());
        assert!(at("Changelog\n===\n", TITLE).is_empty());
        // Other conventions often have no title (commitizen's generated file, Pallets'
        // CHANGES.md): that is their form. Keep a Changelog's has one.
        let cz = "## v1.2.0 (2024-01-31)\n\n- a\n\n## v1.1.0 (2024-01-01)\n\n- b\n";
        assert!(at(cz, TITLE).is_empty());
        let kac = "## [1.2.0] - 2024-01-31\n\n- a\n\n## [1.1.0] - 2024-01-01\n\n- b\n";
        assert_eq!(at(kac, TITLE), ["1:1"]);
    }

    #[test]
    fn unreleased_missing() {
        let src = "# Changelog\n\n## [1.0.0] - 2024-01-31\n\n- x\n";
        assert_eq!(at(src, UNRELEASED_MISSING), ["3:1"]);
        assert!(
            diag(src, UNRELEASED_MISSING)
                .help
                .unwrap()
                .contains("## [Unreleased]")
        );
        assert!(
            at(
                "# C\n\n## [unreleased]\n\n## 1.0.0 - 2024-01-31\n\n- x\n",
                UNRELEASED_MISSING
            )
            .is_empty()
        );
        assert!(at("# C\n\n## Unreleased - YYYY-MM-DD\n", UNRELEASED_MISSING).is_empty());
    }

    #[test]
    fn empty_unreleased_is_never_a_finding() {
        let template = "# C\n\n## Unreleased - ReleaseDate\n\n### Added\n\n-\n\n### Fixed\n\n## 1.0.0 - 2024-01-01\n\n- x\n";
        assert_eq!(run(template), Vec::<String>::new());
        assert_eq!(
            run("# C\n\n## [Unreleased]\n\n[unreleased]: https://x/commits\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn unreleased_position() {
        let src = "# C\n\n## [1.1.0] - 2024-03-01\n\n- a\n\n## [Unreleased]\n\n- b\n";
        assert_eq!(at(src, UNRELEASED_POSITION), ["7:5"]);
        assert!(diag(src, UNRELEASED_POSITION).message.contains("line 3"));
        assert_eq!(
            at(
                "# C\n\n## [Unreleased]\n\n## Unreleased\n",
                UNRELEASED_POSITION
            ),
            ["5:4"]
        );
        assert!(at(CLEAN, UNRELEASED_POSITION).is_empty());
    }

    #[test]
    fn heading() {
        let stray = format!("{HEAD}## [1.2.0] - 2024-01-31\n\n## Highlights\n\n- Faster.\n");
        assert_eq!(at(&stray, HEADING), ["7:4"]);
        assert!(
            diag(&stray, HEADING)
                .help
                .unwrap()
                .contains("**Highlights**")
        );
        let no_dash = format!("{HEAD}## [1.2.0] 2024-01-31\n\n- x\n");
        assert_eq!(at(&no_dash, HEADING), ["5:12"]);
        assert_eq!(
            diag(&no_dash, HEADING).help.unwrap(),
            "write `## [1.2.0] - 2024-01-31`"
        );
        let parens = format!("{HEAD}## 1.2.0 (2024-01-31)\n\n- x\n");
        assert_eq!(at(&parens, HEADING), ["5:10"]);
        assert_eq!(
            diag(&parens, HEADING).help.unwrap(),
            "write `## 1.2.0 - 2024-01-31`"
        );
        let trailing = format!("{HEAD}## [1.2.0] - 2024-01-31 (yanked)\n\n- x\n");
        assert_eq!(at(&trailing, HEADING), ["5:25"]);
        assert!(diag(&trailing, HEADING).help.unwrap().contains("[YANKED]"));
        assert_eq!(
            at(
                &format!("{HEAD}## [1.2.0] - 2024-01-31 [Yanked]\n\n- x\n"),
                HEADING
            ),
            ["5:25"]
        );
        assert_eq!(at("# C\n\n## Unreleased / Beta\n", HEADING), ["3:15"]);
        let wrong_level = format!("{HEAD}## [1.2.0] - 2024-01-31\n\n## Fixed\n\n- x\n");
        assert_eq!(
            diag(&wrong_level, HEADING).help.unwrap(),
            "a change type is a level-3 heading: `### Fixed`"
        );
        let prefixed = format!("{HEAD}## Version 1.2.0 (June 24, 2024)\n\n- x\n");
        assert_eq!(
            diag(&prefixed, HEADING).help.unwrap(),
            "write `## 1.2.0 - 2024-06-24`"
        );
        assert_eq!(at("# C\n\n## [Unreleased]\n\n# 1.0.0\n", HEADING), ["5:3"]);
        // A stray heading that names a version is a release in another spelling: its change
        // types are not piled onto the section above.
        let respelled =
            "# C\n\n## [Unreleased]\n\n### Added\n\n- a\n\n## Version 1.0.0\n\n### Added\n\n- b\n";
        assert_eq!(at(respelled, HEADING), ["9:4"]);
        assert!(at(respelled, DUPLICATE_CHANGE_TYPE).is_empty());
        for good in [
            "## [1.2.0] - 2024-01-31 [YANKED]",
            "## 1.2.0 - 2024-01-31 [YANKED]",
            "## [1.2.0](https://x/compare/v1.1.0...v1.2.0) - 2024-01-31",
            "## [Unreleased] - ReleaseDate",
            "1.2.0 - 2024-01-31\n---",
        ] {
            assert!(
                at(&format!("# C\n\n{good}\n\n- x\n"), HEADING).is_empty(),
                "{good}"
            );
        }
    }

    #[test]
    fn version_invalid() {
        let src = format!("{HEAD}## [v1.2] - 2024-01-31\n\n- x\n");
        assert_eq!(at(&src, VERSION_INVALID), ["5:5"]);
        let pep = format!("{HEAD}## 1.2.0rc1 - 2024-01-31\n\n- x\n");
        assert_eq!(at(&pep, VERSION_INVALID), ["5:4"]);
        assert!(diag(&pep, VERSION_INVALID).help.unwrap().contains("pep440"));
        // Helps are built from the value, never a fixed example.
        let beta = format!("{HEAD}## 1.2.0b3 - 2024-01-31\n\n- x\n");
        assert_eq!(
            diag(&beta, VERSION_INVALID).help.unwrap(),
            "`1.2.0b3` is a PEP 440 version: write it as SemVer, `1.2.0-beta.3`, or set `changelog.scheme = \"pep440\"`"
        );
        let garbage = format!("{HEAD}## 1.2.0.x.y - 2024-01-31\n\n- x\n");
        let help = diag(&garbage, VERSION_INVALID).help.unwrap();
        assert!(
            help.contains("`1.2.0.x.y`") && !help.contains("rc.1"),
            "{help}"
        );
        assert_eq!(
            diag(
                &format!("{HEAD}## 1.2 - 2024-01-31\n\n- x\n"),
                VERSION_INVALID
            )
            .help
            .unwrap(),
            "SemVer needs three parts: `1.2.0`"
        );
        let pep440 = LintOptions {
            scheme: ChangelogScheme::Pep440,
            ..LintOptions::default()
        };
        assert!(at_with(&pep, VERSION_INVALID, &pep440).is_empty());
        assert_eq!(
            at_with(
                &format!("{HEAD}## 0.1.x - 2024-01-31\n\n- x\n"),
                VERSION_INVALID,
                &pep440
            ),
            ["5:4"]
        );
        assert!(
            at(
                &format!("{HEAD}## [1.2.0-rc.1+build.5] - 2024-01-31\n\n- x\n"),
                VERSION_INVALID
            )
            .is_empty()
        );
    }

    #[test]
    fn pep440_corpus_file_is_clean_under_pep440() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/corpus/changelogs/Colin-b__keepachangelog__CHANGELOG.md"
        ))
        .unwrap();
        let pep440 = LintOptions {
            scheme: ChangelogScheme::Pep440,
            ..LintOptions::default()
        };
        assert_eq!(lint("k", &bytes, &pep440).unwrap(), vec![]);
        assert_eq!(lint("k", &bytes, &LintOptions::default()).unwrap().len(), 6);
    }

    #[test]
    fn date_missing() {
        assert_eq!(
            at(&format!("{HEAD}## [1.2.0]\n\n- x\n"), DATE_MISSING),
            ["5:5"]
        );
        assert_eq!(
            at(&format!("{HEAD}## 1.2.0 -\n\n- x\n"), DATE_MISSING),
            ["5:4"]
        );
        assert_eq!(
            at(&format!("{HEAD}## [1.2.0] [YANKED]\n\n- x\n"), DATE_MISSING),
            ["5:5"]
        );
        assert!(at(CLEAN, DATE_MISSING).is_empty());
    }

    #[test]
    fn date_invalid() {
        let feb = format!("{HEAD}## [1.2.0] - 2023-02-30\n\n- x\n");
        assert_eq!(at(&feb, DATE_INVALID), ["5:22"]);
        let d = diag(&feb, DATE_INVALID);
        assert!(
            d.message.contains("February 2023 has 28 days"),
            "{}",
            d.message
        );
        assert!(d.help.unwrap().contains("2023-02-28"));
        assert_eq!(
            at(
                &format!("{HEAD}## [1.2.0] - 2024-13-01\n\n- x\n"),
                DATE_INVALID
            ),
            ["5:19"]
        );
        assert!(
            diag(
                &format!("{HEAD}## [1.2.0] - 2024-13-01\n\n- x\n"),
                DATE_INVALID
            )
            .help
            .unwrap()
            .contains("2024-01-13")
        );
        let slashes = format!("{HEAD}## [1.2.0] - 2026/03/04\n\n- x\n");
        assert_eq!(at(&slashes, DATE_INVALID), ["5:14"]);
        assert!(
            diag(&slashes, DATE_INVALID)
                .help
                .unwrap()
                .contains("2026-03-04")
        );
        let words = format!("{HEAD}## [1.2.0] - July 20th, 2026\n\n- x\n");
        assert!(
            diag(&words, DATE_INVALID)
                .help
                .unwrap()
                .contains("2026-07-20")
        );
        assert_eq!(
            at(
                &format!("{HEAD}## [1.2.0] - 2019-06-DD\n\n- x\n"),
                DATE_INVALID
            ),
            ["5:14"]
        );
        assert_eq!(
            at(
                &format!("{HEAD}## [1.2.0] - 2100-02-29\n\n- x\n"),
                DATE_INVALID
            ),
            ["5:22"]
        );
        assert!(
            at(
                &format!("{HEAD}## [1.2.0] - 2024-02-29\n\n- x\n"),
                DATE_INVALID
            )
            .is_empty()
        );
        assert!(
            at(
                &format!("{HEAD}## [1.2.0] - 2000-02-29\n\n- x\n"),
                DATE_INVALID
            )
            .is_empty()
        );
    }

    #[test]
    fn version_order() {
        let src = format!(
            "{HEAD}## [1.1.0] - 2024-03-01\n\n- a\n\n## [1.2.0] - 2024-02-01\n\n- b\n\n## [1.0.0] - 2024-01-01\n\n- c\n"
        );
        assert_eq!(at(&src, VERSION_ORDER), ["9:5"]);
        assert!(diag(&src, VERSION_ORDER).message.contains("line 5"));
        // SemVer precedence, not string order: rc.10 > rc.9 > rc.1, pre-release < release.
        let pre = format!(
            "{HEAD}## [1.0.0] - 2024-04-01\n\n- a\n\n## [1.0.0-rc.10] - 2024-03-01\n\n- b\n\n## [1.0.0-rc.9] - 2024-02-01\n\n- c\n\n## [0.9.0] - 2024-01-01\n\n- d\n"
        );
        assert!(at(&pre, VERSION_ORDER).is_empty());
        let pep440 = LintOptions {
            scheme: ChangelogScheme::Pep440,
            ..LintOptions::default()
        };
        let pep = format!(
            "{HEAD}## 2.0.0 - 2024-03-01\n\n- a\n\n## 2.0.0rc2 - 2024-02-01\n\n- b\n\n## 2.0.0.dev5 - 2024-01-01\n\n- c\n"
        );
        assert!(at_with(&pep, VERSION_ORDER, &pep440).is_empty());
        let pep_bad =
            format!("{HEAD}## 2.0.0.dev5 - 2024-03-01\n\n- a\n\n## 2.0.0rc2 - 2024-02-01\n\n- b\n");
        assert_eq!(at_with(&pep_bad, VERSION_ORDER, &pep440), ["9:4"]);
        // In date order, a maintenance release of an older line sits above the newer line's
        // earlier releases; its date says so. Undated, or dated before, it is out of order.
        let backport = format!(
            "{HEAD}## [1.1.15] - 2022-08-22\n\n- a\n\n## [1.2.0b3] - 2022-07-13\n\n- b\n\n## [1.1.14] - 2022-07-08\n\n- c\n"
        );
        assert!(at_with(&backport, VERSION_ORDER, &pep440).is_empty());
        let misdated = backport.replace("2022-08-22", "2022-07-01");
        assert_eq!(at_with(&misdated, VERSION_ORDER, &pep440), ["9:5"]);
        let undated = backport.replace(" - 2022-08-22", "");
        assert_eq!(at_with(&undated, VERSION_ORDER, &pep440), ["9:5"]);
    }

    #[test]
    fn date_order() {
        let src =
            format!("{HEAD}## [1.6.2] - 2024-02-28\n\n- a\n\n## [1.6.1] - 2024-12-24\n\n- b\n");
        assert_eq!(at(&src, DATE_ORDER), ["9:14"]);
        assert_eq!(diag(&src, DATE_ORDER).severity, Severity::Warn);
        assert!(at(CLEAN, DATE_ORDER).is_empty());
        // Same-day releases are fine.
        assert!(
            at(
                &format!(
                    "{HEAD}## [1.0.1] - 2024-01-01\n\n- a\n\n## [1.0.0] - 2024-01-01\n\n- b\n"
                ),
                DATE_ORDER
            )
            .is_empty()
        );
    }

    #[test]
    fn duplicate_version() {
        let src =
            format!("{HEAD}## [0.15.0] - 2023-03-13\n\n- a\n\n## [0.15.0] - 2023-03-13\n\n- b\n");
        assert_eq!(at(&src, DUPLICATE_VERSION), ["9:5"]);
        assert!(
            diag(&src, DUPLICATE_VERSION)
                .message
                .contains("first at line 5")
        );
        // Duplicates are reported once, not also as out of order.
        assert!(at(&src, VERSION_ORDER).is_empty());
        let build =
            format!("{HEAD}## [1.0.0+b] - 2023-03-13\n\n- a\n\n## 1.0.0+a - 2023-03-12\n\n- b\n");
        assert_eq!(at(&build, DUPLICATE_VERSION), ["9:4"]);
        let invalid =
            format!("{HEAD}## v2.4.3 - 2016-01-01\n\n- a\n\n## v2.4.3 - 2016-01-01\n\n- b\n");
        assert_eq!(at(&invalid, DUPLICATE_VERSION), ["9:4"]);
        assert!(at(CLEAN, DUPLICATE_VERSION).is_empty());
    }

    #[test]
    fn change_type() {
        let src = format!(
            "{HEAD}## [1.2.0] - 2024-01-31\n\n### Fixes\n\n- a\n\n### [Changed]\n\n- b\n\n### Docs\n\n- c\n"
        );
        assert_eq!(at(&src, CHANGE_TYPE), ["7:5", "11:5", "15:5"]);
        let helps: Vec<String> = lint("C.md", src.as_bytes(), &LintOptions::default())
            .unwrap()
            .into_iter()
            .filter(|d| d.rule == CHANGE_TYPE)
            .filter_map(|d| d.help)
            .collect();
        assert_eq!(
            helps[0],
            "did you mean `### Fixed`? (or list `Fixes` in `changelog.extra-types`)"
        );
        assert_eq!(helps[1], "write `### Changed`");
        assert!(
            helps[2].starts_with("use one of Added, Changed"),
            "{helps:?}"
        );
        let extra = LintOptions {
            extra_types: vec!["Docs".into()],
            ..LintOptions::default()
        };
        assert_eq!(at_with(&src, CHANGE_TYPE, &extra), ["7:5", "11:5"]);
        assert!(at(CLEAN, CHANGE_TYPE).is_empty());
        // Level-3 headings before any release are preamble, not change types.
        assert!(at("# C\n\n### About\n\ntext\n", CHANGE_TYPE).is_empty());
    }

    /// A release with the given change types, one entry each.
    fn release(version: &str, types: &[&str]) -> String {
        let mut out = format!("## [{version}] - 2024-01-31\n\n");
        for t in types {
            out.push_str(&format!("### {t}\n\n- a\n\n"));
        }
        out
    }

    /// A name the file uses in three releases is its own change type; a slip of one of its
    /// names is still reported, and one it uses rarely is not.
    #[test]
    fn change_types_the_file_uses_consistently_are_its_vocabulary() {
        let mut src = HEAD.to_string();
        src.push_str(&release("1.4.0", &["Features", "Fixes"]));
        src.push_str(&release("1.3.0", &["Features", "Performance"]));
        src.push_str(&release("1.2.0", &["Fixes", "Features"]));
        src.push_str(&release("1.1.0", &["Fixes", "Fix", "Features"]));
        src.push_str(&release("1.0.0", &["Fixes", "fixes", "Added"]));
        let got = lint("C.md", src.as_bytes(), &LintOptions::default()).unwrap();
        let types: Vec<(String, String)> = got
            .iter()
            .filter(|d| d.rule == CHANGE_TYPE)
            .map(|d| (d.message.clone(), d.help.clone().unwrap_or_default()))
            .collect();
        assert_eq!(types.len(), 2, "{types:?}");
        assert!(types[0].0.starts_with("`### Fix` in [1.1.0]"), "{types:?}");
        assert_eq!(
            types[0].1,
            "did you mean `### Fixes`? this file uses it in 4 releases (or list `Fix` in `changelog.extra-types`)"
        );
        assert!(
            types[1].0.starts_with("`### fixes` in [1.0.0]"),
            "{types:?}"
        );
        // A learned type is a type: twice in one release is a duplicate.
        let twice = format!("{src}{}", release("0.9.0", &["Features", "Features"]));
        assert_eq!(at(&twice, DUPLICATE_CHANGE_TYPE).len(), 1);
        // Twice is not yet a convention.
        let mut rare = HEAD.to_string();
        rare.push_str(&release("1.1.0", &["Features", "Fixed"]));
        rare.push_str(&release("1.0.0", &["Features", "Added"]));
        assert_eq!(at(&rare, CHANGE_TYPE).len(), 2);
        // A slip used three times is still a slip of the word the file uses more.
        let mut slips = HEAD.to_string();
        for v in ["1.5.0", "1.4.0", "1.3.0", "1.2.0"] {
            slips.push_str(&release(v, &["Changed"]));
        }
        for v in ["1.1.0", "1.0.1", "1.0.0"] {
            slips.push_str(&release(v, &["Changes"]));
        }
        assert_eq!(at(&slips, CHANGE_TYPE).len(), 3);
        // Dependency sub-sections name the dependency: `### dep ([1.2.0](url))`.
        let mut deps = HEAD.to_string();
        for v in ["1.2.0", "1.1.0", "1.0.0"] {
            deps.push_str(&release(
                v,
                &["Fixed", &format!("dep ([`{v}`](https://x.test/{v}))")],
            ));
        }
        assert!(at(&deps, CHANGE_TYPE).is_empty(), "{:?}", run(&deps));
        // `changelog.format = "keep-a-changelog"` holds the file to the six types.
        let forced = LintOptions {
            format: ChangelogFormat::KeepAChangelog,
            ..LintOptions::default()
        };
        assert_eq!(at_with(&src, CHANGE_TYPE, &forced).len(), 11);
    }

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
    fn duplicate_change_type() {
        let src = format!(
            "{HEAD}## [1.2.0] - 2024-01-31\n\n### Fixed\n\n- a\n\n### Added\n\n- b\n\n### Fixed\n\n- c\n"
        );
        assert_eq!(at(&src, DUPLICATE_CHANGE_TYPE), ["15:5"]);
        assert!(
            diag(&src, DUPLICATE_CHANGE_TYPE)
                .message
                .contains("first at line 7")
        );
        // The same type in two releases is normal.
        assert!(at(CLEAN, DUPLICATE_CHANGE_TYPE).is_empty());
    }

    #[test]
    fn empty_section() {
        let src = format!(
            "{HEAD}## [1.2.0] - 2024-01-31\n\n### Added\n\n### Fixed\n\n- a\n\n### Removed\n<!-- nothing yet -->\n"
        );
        assert_eq!(at(&src, EMPTY_SECTION), ["7:5", "13:5"]);
        assert!(at(CLEAN, EMPTY_SECTION).is_empty());
        // Nested content counts as entries.
        assert!(
            at(
                &format!("{HEAD}## [1.2.0] - 2024-01-31\n\n### Added\n\n#### Parser\n\n> quoted\n"),
                EMPTY_SECTION
            )
            .is_empty()
        );
    }

    #[test]
    fn empty_release() {
        let src = format!(
            "{HEAD}## [1.2.0] - 2024-01-31\n\n<!-- todo -->\n\n## [1.1.0] - 2024-01-01\n\n- x\n"
        );
        assert_eq!(at(&src, EMPTY_RELEASE), ["5:5"]);
        assert!(
            at(
                &format!("{HEAD}## [1.2.0] - 2024-01-31\n\nJust a summary.\n"),
                EMPTY_RELEASE
            )
            .is_empty()
        );
        assert!(
            at(
                &format!("{HEAD}## [1.2.0] - 2024-01-31\n\n```\ncode\n```\n"),
                EMPTY_RELEASE
            )
            .is_empty()
        );
    }

    #[test]
    fn link_missing() {
        let src = format!(
            "{HEAD}## [1.2.0] - 2024-01-31\n\n- x\n\n## [1.1.0] - 2024-01-01\n\n- y\n\n[1.1.0]: https://github.com/o/r/releases/tag/v1.1.0\n"
        );
        assert_eq!(at(&src, LINK_MISSING), ["3:4", "5:4"]);
        let help = lint("C.md", src.as_bytes(), &LintOptions::default()).unwrap()[1]
            .help
            .clone()
            .unwrap();
        assert_eq!(
            help,
            "add `[1.2.0]: https://github.com/o/r/compare/v1.1.0...v1.2.0` at the end of the file, or drop the brackets"
        );
        // Labels match case-insensitively; `[YANKED]` is a marker, never a label; unbracketed
        // headings need no definition.
        let good = "# C\n\n## [UNRELEASED]\n\n## [1.2.0] - 2024-01-31 [YANKED]\n\n- x\n\n## 1.1.0 - 2024-01-01\n\n- y\n\n\
                    [unreleased]: https://x/compare/v1.2.0...HEAD\n[1.2.0]: https://x/compare/v1.1.0...v1.2.0\n";
        assert!(at(good, LINK_MISSING).is_empty(), "{:?}", run(good));
    }

    #[test]
    fn link_unused() {
        let src = format!(
            "{HEAD}## [1.2.0] - 2024-01-31\n\n- x, see [#12] and [1]\n\n[1.2.0]: https://x/1.2.0\n[1.1.9]: https://x/1.1.9\n[#12]: https://x/pull/12\n[1]: https://x/note\n"
        );
        assert_eq!(at(&src, LINK_UNUSED), ["10:1"]);
        // A version link used in prose is used.
        let prose = format!(
            "{HEAD}## [1.2.0] - 2024-01-31\n\n- needs [v3.0.0][] of the server\n\n[1.2.0]: https://x/1.2.0\n[v3.0.0]: https://y/v3.0.0\n"
        );
        assert!(at(&prose, LINK_UNUSED).is_empty());
        assert_eq!(
            at(
                "# C\n\n## [1.0.0] - 2024-01-01\n\n- x\n\n[1.0.0]: u\n[Unreleased]: https://x/compare/v1.0.0...HEAD\n",
                LINK_UNUSED
            ),
            ["8:1"]
        );
    }

    #[test]
    fn link_compare() {
        let stale = "# C\n\n## [Unreleased]\n\n## [1.1.0] - 2024-02-01\n\n- a\n\n## [1.0.0] - 2024-01-01\n\n- b\n\n\
                     [unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD\n\
                     [1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\n\
                     [1.0.0]: https://github.com/o/r/releases/tag/v1.0.0\n";
        assert_eq!(at(stale, LINK_COMPARE), ["13:46"]);
        assert_eq!(
            diag(stale, LINK_COMPARE).help.unwrap(),
            "use `https://github.com/o/r/compare/v1.1.0...HEAD`"
        );
        let wrong_to = stale
            .replace("v1.0.0...v1.1.0", "v1.0.0...v1.2.0")
            .replace("v1.0.0...HEAD", "v1.1.0...HEAD");
        assert_eq!(at(&wrong_to, LINK_COMPARE), ["14:50"]);
        let good = stale.replace("v1.0.0...HEAD", "v1.1.0...HEAD");
        assert!(at(&good, LINK_COMPARE).is_empty());
        // Two dots, GitLab's `/-/compare/`, bare versions and package-prefixed tags are fine.
        for (from, to) in [
            ("v1.0.0..v1.1.0", "v1.1.0..HEAD"),
            ("1.0.0...1.1.0", "1.1.0...HEAD"),
            ("pkg-v1.0.0...pkg-v1.1.0", "pkg-v1.1.0...HEAD"),
        ] {
            let src = good
                .replace("v1.0.0...v1.1.0", from)
                .replace("v1.1.0...HEAD", to)
                .replace("/compare/", "/-/compare/");
            assert!(at(&src, LINK_COMPARE).is_empty(), "{from}: {:?}", run(&src));
        }
        // Inline heading links are checked too, at the token inside the heading.
        let inline = "# C\n\n## [Unreleased]\n\n## [1.1.0](https://x/compare/v0.9.0...v1.1.0) - 2024-02-01\n\n- a\n\n## 1.0.0 - 2024-01-01\n\n- b\n";
        assert_eq!(at(inline, LINK_COMPARE), ["5:30"]);
        // Tags follow `tag_prefix`.
        let no_prefix = LintOptions {
            tag_prefix: String::new(),
            ..LintOptions::default()
        };
        assert!(at_with(&good, LINK_COMPARE, &no_prefix).is_empty());
    }

    #[test]
    fn missing_release() {
        let with = |v: &str| LintOptions {
            release: Some(v.into()),
            ..LintOptions::default()
        };
        let pending = "# C\n\n## [Unreleased]\n\n- New.\n\n## [1.2.0] - 2024-01-31\n\n- Fix.\n";
        assert_eq!(at_with(pending, MISSING_RELEASE, &with("1.3.0")), ["3:5"]);
        assert!(
            diag_with(pending, MISSING_RELEASE, &with("1.3.0"))
                .help
                .unwrap()
                .contains("## [1.3.0] - YYYY-MM-DD")
        );
        assert!(at_with(pending, MISSING_RELEASE, &with("1.2.0")).is_empty());
        assert!(at_with(pending, MISSING_RELEASE, &with("v1.2.0")).is_empty());
        assert!(at(pending, MISSING_RELEASE).is_empty());
        let undated = "# C\n\n## [1.3.0]\n\n- a\n\n## [1.2.0] - 2024-01-31\n\n- b\n";
        assert_eq!(at_with(undated, MISSING_RELEASE, &with("1.3.0")), ["3:5"]);
        let old = at_with(undated, MISSING_RELEASE, &with("1.2.0"));
        assert_eq!(old, ["7:5"]);
        assert!(
            diag_with(undated, MISSING_RELEASE, &with("1.2.0"))
                .message
                .contains("[1.3.0] (line 3) is above it")
        );
        let yanked = "# C\n\n## [1.3.0] - 2024-02-01 [YANKED]\n\n- a\n";
        assert_eq!(at_with(yanked, MISSING_RELEASE, &with("1.3.0")), ["3:25"]);
        let empty = "# C\n\n## [1.3.0] - 2024-02-01\n\n## [1.2.0] - 2024-01-31\n\n- b\n";
        assert_eq!(at_with(empty, MISSING_RELEASE, &with("1.3.0")), ["3:5"]);
    }

    #[test]
    fn release_queries() {
        let src =
            "# C\n\n## [Unreleased]\n\n## [1.3.0-rc.1] - 2024-02-01\n\n- a\n\n## 1.2.0\n\n- b\n";
        let m = Changelog::parse(src.as_bytes()).unwrap();
        assert_eq!(newest_release(&m).map(|s| s.label.text), Some("1.3.0-rc.1"));
        assert!(has_dated_section(
            &m,
            "v1.3.0-rc.1",
            ChangelogScheme::Semver,
            "v"
        ));
        assert!(!has_dated_section(
            &m,
            "1.2.0",
            ChangelogScheme::Semver,
            "v"
        ));
        assert!(has_dated_section(
            &m,
            "1.3.0rc1",
            ChangelogScheme::Pep440,
            "v"
        ));
        let (s, problems) = entry_problems(&m, "1.2.0", ChangelogScheme::Semver, "v");
        assert_eq!(s.map(|s| s.heading.pos.line), Some(9));
        assert_eq!(
            problems,
            [
                EntryProblem::Undated,
                EntryProblem::NotNewest {
                    newest: "1.3.0-rc.1".into(),
                    line: 5
                }
            ]
        );
        assert_eq!(
            entry_problems(&m, "9.9.9", ChangelogScheme::Semver, "v").1,
            [EntryProblem::Missing]
        );
        assert!(
            entry_problems(&m, "1.3.0-rc.1", ChangelogScheme::Semver, "v")
                .1
                .is_empty()
        );
    }

    #[test]
    fn notes_are_the_body_as_written() {
        let src = "# C\r\n\r\n## [Unreleased]\r\n\r\n- Soon.\r\n\r\n## [1.1.0] - 2024-02-01\r\n\r\n### Fixed\r\n\r\n- A *b*\r\n\r\n## [1.0.0] - 2024-01-01\r\n\r\n[1.1.0]: https://x\r\n";
        let b = src.as_bytes();
        let o = LintOptions::default();
        let body = |v: &str| match notes(b, v, &o).unwrap() {
            Notes::Body(b) => b,
            other => panic!("{other:?}"),
        };
        assert_eq!(body("1.1.0"), b"### Fixed\r\n\r\n- A *b*\r\n");
        assert_eq!(body("v1.1.0"), b"### Fixed\r\n\r\n- A *b*\r\n");
        assert_eq!(body("UNRELEASED"), b"- Soon.\r\n");
        // An empty section and a missing one are told apart.
        assert_eq!(
            notes(b, "1.0.0", &o).unwrap(),
            Notes::Empty {
                line: 13,
                column: 5
            }
        );
        assert_eq!(
            notes(b, "1.0.5", &o).unwrap(),
            Notes::Missing {
                nearest: vec![("1.0.0".into(), 13), ("1.1.0".into(), 7)]
            }
        );
        let bom = [b"\xef\xbb\xbf".as_slice(), b].concat();
        assert_eq!(
            notes(&bom, "1.1.0", &o).unwrap(),
            Notes::Body(b"### Fixed\r\n\r\n- A *b*\r\n".to_vec())
        );
        assert!(notes(b"\xff", "1.0.0", &o).is_err());
    }

    /// One fixture pair per dialect in tests/fixtures/dialects: the clean file has no finding,
    /// the broken one exactly an impossible date, a heading written unlike the others, a release
    /// out of order and a duplicate version (dialects without dates: no date), at their tokens.
    #[test]
    fn each_dialect_clean_and_broken() {
        const BROKEN: &[(&str, &[&str])] = &[
            (
                "bat",
                &[
                    "19:3 heading",
                    "25:4 version-order",
                    "37:4 duplicate-version",
                ],
            ),
            (
                "changesets",
                &[
                    "15:4 heading",
                    "21:4 version-order",
                    "33:4 duplicate-version",
                ],
            ),
            (
                "commitizen",
                &[
                    "13:20 date-invalid",
                    "23:4 heading",
                    "29:5 version-order",
                    "49:5 duplicate-version",
                ],
            ),
            (
                "conventional-changelog",
                &[
                    "9:69 date-invalid",
                    "15:4 heading",
                    "21:5 version-order",
                    "33:5 duplicate-version",
                ],
            ),
            (
                "git-cliff",
                &[
                    "11:69 date-invalid",
                    "17:4 heading",
                    "23:5 version-order",
                    "35:5 duplicate-version",
                ],
            ),
            (
                "httpx",
                &[
                    "19:11 date-invalid",
                    "25:4 heading",
                    "31:4 version-order",
                    "43:4 duplicate-version",
                ],
            ),
            (
                "keep-a-changelog",
                &[
                    "14:20 date-invalid",
                    "20:10 heading",
                    "26:4 version-order",
                    "38:4 duplicate-version",
                ],
            ),
            (
                "pallets",
                &[
                    "11:18 date-invalid",
                    "15:4 heading",
                    "21:12 version-order",
                    "33:12 duplicate-version",
                ],
            ),
            (
                "setext",
                &[
                    "13:16 date-invalid",
                    "20:1 heading",
                    "27:1 version-order",
                    "41:1 duplicate-version",
                ],
            ),
            (
                "tokio",
                &[
                    "7:19 date-invalid",
                    "13:3 heading",
                    "19:3 version-order",
                    "31:3 duplicate-version",
                ],
            ),
            (
                "towncrier",
                &[
                    "11:19 date-invalid",
                    "17:4 heading",
                    "23:4 version-order",
                    "35:4 duplicate-version",
                ],
            ),
            (
                "uv",
                &[
                    "13:21 date-invalid",
                    "19:4 heading",
                    "25:4 version-order",
                    "41:4 duplicate-version",
                ],
            ),
        ];
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dialects");
        let read = |name: &str| {
            std::fs::read(format!("{dir}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        for (dialect, want) in BROKEN {
            let clean = read(&format!("{dialect}.clean.md"));
            assert_eq!(
                run(std::str::from_utf8(&clean).unwrap()),
                Vec::<String>::new(),
                "{dialect}"
            );
            let broken = read(&format!("{dialect}.broken.md"));
            let got: Vec<String> = run(std::str::from_utf8(&broken).unwrap())
                .iter()
                .map(|f| f.replace("changelog-", ""))
                .collect();
            assert_eq!(got, *want, "{dialect}");
        }
        assert_eq!(
            std::fs::read_dir(dir).unwrap().count(),
            BROKEN.len() * 2,
            "a fixture without a test"
        );
    }

    /// `changelog.format = "keep-a-changelog"` holds any file to Keep a Changelog: its grammar
    /// and its rules, even where the file has a convention of its own.
    #[test]
    fn keep_a_changelog_can_be_forced() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dialects");
        let text = std::fs::read_to_string(format!("{dir}/towncrier.clean.md")).unwrap();
        let forced = LintOptions {
            format: ChangelogFormat::KeepAChangelog,
            ..LintOptions::default()
        };
        let got = run_with(&text, &forced);
        assert!(
            got.contains(&"5:10 changelog-heading".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(&"7:5 changelog-change-type".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(&"5:1 changelog-unreleased-missing".to_string()),
            "{got:?}"
        );
        assert_eq!(run(&text), Vec::<String>::new());
    }

    /// `--notes` prints a section's body byte for byte in every dialect: the newest release,
    /// the section being prepared, and the oldest release without the file's link block or the
    /// archive pointers after it.
    #[test]
    fn each_dialect_notes() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dialects");
        let o = LintOptions::default();
        let notes_of = |dialect: &str, v: &str| {
            let bytes = std::fs::read(format!("{dir}/{dialect}.clean.md")).unwrap();
            match notes(&bytes, v, &o).unwrap() {
                Notes::Body(b) => String::from_utf8(b).unwrap(),
                other => panic!("{dialect} {v}: {other:?}"),
            }
        };
        let cases: &[(&str, &str, &str)] = &[
            (
                "bat",
                "2.0.0",
                "## Features\n\n- Thing in 2.0.0, see #12 (@someone)\n",
            ),
            ("bat", "unreleased", "## Bugfixes\n\n- Pending fix\n"),
            (
                "changesets",
                "2.0.0",
                "### Major Changes\n\n- 1a2b3c4: thing in 2.0.0\n",
            ),
            (
                "commitizen",
                "v2.0.0",
                "### Feat\n\n- **cli**: thing in 2.0.0\n\n### Fix\n\n- **core**: bug in 2.0.0\n",
            ),
            (
                "conventional-changelog",
                "1.2.1",
                "### Bug Fixes\n\n* **core:** fix in 1.2.1 ([#12](https://github.com/o/r/issues/12)) ([abc1234](https://github.com/o/r/commit/abc1234))\n",
            ),
            (
                "git-cliff",
                "unreleased",
                "### 🐛 Bug Fixes\n\n- Pending fix\n",
            ),
            ("httpx", "2.0.0", "### Fixed\n\n- Thing in 2.0.0. (#12)\n"),
            (
                "keep-a-changelog",
                "1.0.0",
                "### Added\n\n- Thing in 1.0.0.\n",
            ),
            (
                "pallets",
                "2.0.0",
                "Released 2024-03-01\n\n-   Thing in 2.0.0. :issue:`12`\n",
            ),
            (
                "pallets",
                "unreleased",
                "Unreleased\n\n-   Pending thing.\n",
            ),
            (
                "setext",
                "2.0.0",
                "Feature enhancements:\n\n* Thing in 2.0.0.\n",
            ),
            (
                "setext",
                "unreleased",
                "Unreleased changes. Release notes have not yet been written.\n",
            ),
            ("tokio", "1.0.0", "### Fixed\n\n- thing in 1.0.0 ([#12])\n"),
            (
                "towncrier",
                "1.3.0",
                "### Features\n\n- Thing in 1.3.0. ([#12](https://github.com/o/r/issues/12))\n",
            ),
            (
                "uv",
                "1.0.0",
                "Released on 2024-01-01.\n\n### Bug fixes\n\n- Thing in 1.0.0 ([#12](https://github.com/o/r/pull/12))\n",
            ),
        ];
        for (dialect, v, want) in cases {
            assert_eq!(notes_of(dialect, v), *want, "{dialect} --notes {v}");
        }
    }

    #[test]
    fn explain_prints_everything() {
        let text = explain(DATE_INVALID).unwrap();
        for part in [
            "changelog-date-invalid (error, lint-changelog)",
            "no such day",
            "Why:",
            "Fails:\n    ## [1.2.0] - 2023-02-30",
            "Passes:",
            "Fix:",
        ] {
            assert!(text.contains(part), "{part} missing in:\n{text}");
        }
        assert!(explain("changelog-nope").is_none());
    }

    /// Line endings, a BOM and tabs do not change what is found, or where.
    #[test]
    fn line_endings_bom_and_tabs_give_identical_findings() {
        let src = "# Changelog\n\n## [1.2.0] - 2023-02-30\n\n### Fixes\n\n- Crash.\n\n## [Unreleased]\n\n## [1.2.0] - 2023-01-01\n\n- Dup.\n\n\
                   ## [1.3.0] - 2022-01-01\n\n* a\n  * b\n\n[1.2.0]: https://github.com/o/r/compare/v1.0.0...v1.2.0\n[0.1.0]: https://x\n";
        let full = |bytes: &[u8]| {
            corpus_tests::render(&lint("C.md", bytes, &LintOptions::default()).unwrap())
        };
        let lf = full(src.as_bytes());
        assert_eq!(lf.lines().count(), 9, "{lf}");
        assert!(lf.contains("3:22 error[changelog-date-invalid]"), "{lf}");
        let crlf = src.replace('\n', "\r\n");
        let mut mixed = String::new();
        for (i, line) in src.split_inclusive('\n').enumerate() {
            mixed.push_str(if i % 2 == 0 {
                line
            } else {
                line.trim_end_matches('\n')
            });
            if i % 2 == 1 {
                mixed.push_str("\r\n");
            }
        }
        let bom = format!("\u{feff}{src}");
        for (name, variant) in [("crlf", crlf), ("mixed", mixed), ("bom", bom)] {
            assert_eq!(full(variant.as_bytes()), lf, "{name}");
        }
        // A tab is one character, like the space it replaces.
        let tabs = src
            .replace("## ", "##\t")
            .replace("- ", "-\t")
            .replace("] - ", "]\t-\t");
        assert_eq!(run(&tabs), run(src));
    }

    #[test]
    fn fuzz_never_panics() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/changelogs");
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            for _ in 0..3 {
                let cut = (next() as usize) % (bytes.len() + 1);
                let start = cut.saturating_sub(4096);
                inputs.push(bytes[start..cut].to_vec());
            }
        }
        const PIECES: &[&str] = &[
            "#",
            "## ",
            "### ",
            "[",
            "]",
            "(",
            ")",
            "-",
            " - ",
            "\n",
            "\r\n",
            "\r",
            "\t",
            "```",
            "~~~",
            "<!--",
            "-->",
            "> ",
            "* ",
            "1.2.0",
            "v1.0.0-rc.1",
            "2024-02-30",
            "[Unreleased]",
            "[YANKED]",
            "]: ",
            "https://x/compare/v1...v2",
            "===",
            "---",
            "\u{feff}",
            "é",
            "\u{2014}",
            "0",
            "9",
            " ",
            "Fixed",
            "(2024-01-01)",
            "[^1]",
            "\\",
        ];
        for _ in 0..400 {
            let len = (next() % 60) as usize;
            let mut v = Vec::new();
            for _ in 0..len {
                if next() % 8 == 0 {
                    v.push((next() & 0xff) as u8);
                } else {
                    v.extend_from_slice(PIECES[(next() as usize) % PIECES.len()].as_bytes());
                }
            }
            inputs.push(v);
        }
        let opts = LintOptions {
            release: Some("1.2.0".into()),
            ..LintOptions::default()
        };
        for input in &inputs {
            let linted = lint("f", input, &opts);
            let _ = notes(input, "1.2.0", &opts);
            let _ = notes(input, "unreleased", &opts);
            let _ = lint_for_release("f", input, &opts);
            if let Ok(m) = Changelog::parse(input) {
                assert!(linted.is_ok());
                for s in &m.sections {
                    assert!(s.body_start <= m.text.len());
                    let body = m.body(s);
                    assert!(
                        m.text
                            .get(s.body_start..s.end.max(s.body_start))
                            .is_some_and(|b| b.contains(body))
                    );
                }
            } else {
                assert!(linted.is_err());
            }
        }
    }
}
