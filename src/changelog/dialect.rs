//! How a changelog writes its release headings, and which of its headings are releases.
//!
//! Most changelogs follow a generator's or a house convention, not Keep a Changelog: commitizen
//! writes `## v4.13.9 (2026-02-25)`, towncrier `## 10.2.1 (2026-07-21)`, release-please
//! `## [1.7.9](url) (2024-12-04)`, Pallets `## Version 8.5.0` with the date in the first line,
//! ripgrep setext `15.2.0 (2026-07-15)`, tokio `# 1.53.1 (July 20th, 2026)`. This module splits a
//! heading into its parts ([`HeadingParts`]), reduces it to its [`Shape`] (label, prefix,
//! separator, date spelling), and reads the file's [`Dialect`] from the shapes of all its
//! headings: the release level, the dominant shape, the other shapes the file has established
//! (eras of history, majors written one level up), and whether Keep a Changelog applies. It
//! describes what is written; the rules in `checks::changelog` judge it.

use std::collections::HashMap;
use std::ops::Range;

use super::date::{self, DateKind};
use super::{Form, SectionKind, work};

/// A heading's content split into the grammar's parts (byte ranges into the content).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct HeadingParts {
    /// A word before the version (`Version` in `Version 8.5.0`, `Cargo` in `Cargo 1.80`).
    pub word: Option<Range<usize>>,
    pub label: Range<usize>,
    pub bracketed: bool,
    pub url: Option<Range<usize>>,
    pub ref_label: Option<Range<usize>>,
    /// Where the label as written starts (its `[`, or its first character).
    pub label_start: usize,
    pub label_end: usize,
    pub form: Option<Form>,
    pub form_at: usize,
    pub date: Option<Range<usize>>,
    pub yanked: Option<Range<usize>>,
    pub trailing: Option<Range<usize>>,
    pub kind: Option<SectionKind>,
}

impl HeadingParts {
    pub fn parse(s: &str) -> HeadingParts {
        Self::parse_as(s, false)
    }

    /// The parts of heading text `s`; `leading`: the heading comes before any section, where
    /// the names projects give their unreleased section ([`is_first_unreleased`]) are one.
    pub fn parse_as(s: &str, leading: bool) -> HeadingParts {
        let mut p = HeadingParts::default();
        // The whole heading is the label (`Next Release`, `[main]`), with nothing after it.
        if leading && is_first_unreleased(s) {
            let (a, b) = trim_range(s, 0, s.len());
            let bracketed = s[a..b].starts_with('[') && s[a..b].ends_with(']');
            let (a, b) = if bracketed {
                trim_range(s, a + 1, b - 1)
            } else {
                (a, b)
            };
            p.label = a..b;
            p.label_start = a;
            p.label_end = s.len();
            p.bracketed = bracketed;
            p.kind = Some(SectionKind::Unreleased);
            p.form = Some(Form::Bare);
            p.form_at = s.len();
            return p;
        }
        // `Version 1.2.0`, `Cargo 1.80 (2024-07-25)`: one word before the version.
        let first_end = s.find(char::is_whitespace).unwrap_or(s.len());
        let first = &s[..first_end];
        let mut i = 0;
        if first_end < s.len()
            && !first.is_empty()
            && first.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
            && !is_unreleased_label(first)
        {
            let next = skip_ws(s, first_end);
            let rest = &s[next..];
            if starts_like_version(rest.strip_prefix('[').unwrap_or(rest)) {
                p.word = Some(0..first_end);
                i = next;
            }
        }
        p.label_start = i;
        if let Some(inner) = s[i..].strip_prefix('[') {
            let Some(close) = inner.find(']') else {
                p.label = i..s.len();
                p.form = Some(Form::Unrecognised);
                return p;
            };
            let (a, b) = trim_range(s, i + 1, i + 1 + close);
            p.label = a..b;
            p.bracketed = true;
            i = i + close + 2;
            let next = s[i..].chars().next();
            if next == Some('(') {
                if let Some(k) = s[i + 1..].find(')') {
                    let (a, b) = trim_range(s, i + 1, i + 1 + k);
                    let b = s[a..b].find(char::is_whitespace).map_or(b, |w| a + w);
                    p.url = Some(a..b);
                    i = i + 1 + k + 1;
                }
            } else if next == Some('[')
                && let Some(k) = s[i + 1..].find(']')
            {
                p.ref_label = Some(i + 1..i + 1 + k);
                i = i + 1 + k + 1;
            }
        } else {
            let end = s[i..].find(char::is_whitespace).map_or(s.len(), |k| i + k);
            p.label = i..end;
            i = end;
        }
        p.label_end = i;
        let label = &s[p.label.clone()];
        p.kind = if p.word.is_none() && is_unreleased_label(label) {
            Some(SectionKind::Unreleased)
        } else if starts_like_version(label) {
            Some(SectionKind::Release)
        } else {
            None
        };
        // A heading that is no section (most are change types) has nothing more to read.
        if p.kind.is_none() {
            return p;
        }
        i = skip_ws(s, i);
        p.form_at = i;
        let rest = &s[i..];
        let Some(first) = rest.chars().next() else {
            p.form = Some(Form::Bare);
            return p;
        };
        let after_date;
        match first {
            '-' | '/' | '\u{2013}' | '\u{2014}' => {
                p.form = Some(match first {
                    '-' => Form::Dash,
                    '/' => Form::Slash,
                    _ => Form::WrongDash,
                });
                let d = skip_ws(s, i + first.len_utf8());
                let e = date_end(s, d, s.len());
                if e > d {
                    p.date = Some(d..e);
                }
                after_date = e;
            }
            '(' => {
                let inner = i + 1;
                let close = s[inner..].find(')').map_or(s.len(), |k| inner + k);
                let d = skip_ws(s, inner);
                let group = &s[d..close];
                if group
                    .get(..6)
                    .is_some_and(|g| g.eq_ignore_ascii_case("yanked"))
                {
                    // setuptools-scm: `## v9.1.1 (yanked)`.
                    p.form = Some(Form::Bare);
                    p.yanked = Some(i..(close + 1).min(s.len()));
                    after_date = (close + 1).min(s.len());
                } else if group.contains(|c: char| c.is_ascii_digit()) {
                    p.form = Some(Form::Parenthesised);
                    let e = date_end(s, d, close);
                    p.date = Some(d..e);
                    after_date = (close + 1).min(s.len());
                } else {
                    p.form = Some(Form::Unrecognised);
                    after_date = i;
                }
            }
            '[' => {
                p.form = Some(Form::Bare);
                after_date = i;
            }
            c if c.is_ascii_digit() => {
                p.form = Some(Form::MissingDash);
                let e = date_end(s, i, s.len());
                p.date = Some(i..e);
                after_date = e;
            }
            _ => {
                p.form = Some(Form::Unrecognised);
                after_date = i;
            }
        }
        let mut j = skip_ws(s, after_date);
        if p.yanked.is_none()
            && s[j..].len() >= 8
            && s.is_char_boundary(j + 8)
            && s[j..j + 8].eq_ignore_ascii_case("[yanked]")
        {
            p.yanked = Some(j..j + 8);
            j = skip_ws(s, j + 8);
        }
        let end = s.trim_end().len();
        if j < end && p.form != Some(Form::Unrecognised) {
            p.trailing = Some(j..end);
        }
        // A word, a number and then prose (`Before 2.12.0, our SDKs had ...`) is a sentence, not
        // a release heading.
        if p.word.is_some() && (p.form == Some(Form::Unrecognised) || p.trailing.is_some()) {
            p.kind = None;
        }
        p
    }

    /// `None` when the heading is neither an unreleased section nor a release.
    pub fn kind(&self) -> Option<SectionKind> {
        self.kind
    }
}

/// `Unreleased` in any case, or `TBD` (ripgrep's setext heading for what is not released yet).
pub fn is_unreleased_label(label: &str) -> bool {
    let l = label.trim();
    l.eq_ignore_ascii_case("unreleased") || l == "TBD"
}

/// A heading template (`## vX (YYYY-MM-DD)`) with its version filled in.
fn fill(template: &str, version: &str) -> String {
    match template.find("vX").or_else(|| template.find('X')) {
        Some(at) => {
            let v = if template[at..].starts_with("vX") {
                "v"
            } else {
                ""
            };
            let end = at + v.len() + 1;
            format!("{}{v}{version}{}", &template[..at], &template[end..])
        }
        None => template.to_string(),
    }
}

/// What projects call the section of what is not released yet when it is the file's first
/// section, as the whole heading (requests' setext `dev`, mypy's `Next Release`; `Upcoming`,
/// `[main]`).
/// Anywhere else these are ordinary headings.
pub fn is_first_unreleased(text: &str) -> bool {
    const NAMES: [&str; 16] = [
        "dev",
        "development",
        "in development",
        "in progress",
        "upcoming",
        "upcoming release",
        "next",
        "next release",
        "next version",
        "vnext",
        "not released yet",
        "not yet released",
        "unreleased changes",
        "main",
        "master",
        "head",
    ];
    let t = text.trim();
    let t = t
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(t)
        .trim();
    NAMES.iter().any(|n| t.eq_ignore_ascii_case(n))
}

/// A label that starts like a version (a digit, or `v` and a digit).
pub fn starts_like_version(label: &str) -> bool {
    let digits = label.strip_prefix(['v', 'V']).unwrap_or(label);
    digits.starts_with(|c: char| c.is_ascii_digit())
}

/// A version series (`0.11.x`, `1.x`): a heading that points at an archived changelog.
pub fn is_series(label: &str) -> bool {
    let l = label.strip_prefix(['v', 'V']).unwrap_or(label);
    (l.ends_with(".x") || l.ends_with(".X") || l.ends_with(".*"))
        && l[..l.len() - 2]
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A heading that points at older releases kept elsewhere, as the whole heading: `Older`,
/// `Older releases`, `Earlier versions`, `Previous releases`, `Archive` (log's `## Older`, then
/// "Look at the release tags"). Like a version series, it is no release and no stray.
pub fn is_archive_pointer(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or("");
    let second = words.next();
    if words.next().is_some() {
        return false;
    }
    let is = |w: &str, names: &[&str]| names.iter().any(|n| w.eq_ignore_ascii_case(n));
    match second {
        None => is(first, &["older", "archive", "archived"]),
        Some(second) => {
            is(first, &["older", "earlier", "previous", "past", "archived"])
                && is(
                    second,
                    &["releases", "versions", "changes", "changelogs", "entries"],
                )
        }
    }
}

/// Where the date starting at `d` ends (before `limit`): an ISO-looking date (four digits
/// first) is one word, so text after it is reported as such; any other spelling
/// (`22 January 2022`, `July 20th, 2026`) runs to the `[YANKED]` marker or the limit, so the
/// date rule can read it whole.
fn date_end(s: &str, d: usize, limit: usize) -> usize {
    let limit = limit.clamp(d.min(s.len()), s.len());
    let span = &s[d.min(limit)..limit];
    let word = span.find(char::is_whitespace).map_or(span.len(), |k| k);
    let iso_like = word > 4
        && span.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && span.as_bytes().get(4) == Some(&b'-')
        && !span[..word].ends_with(',');
    if iso_like {
        return d + word;
    }
    let cut = span
        .to_ascii_lowercase()
        .find("[yanked]")
        .unwrap_or(span.len());
    d + span[..cut].trim_end().len()
}

pub(crate) fn skip_ws(s: &str, i: usize) -> usize {
    let i = i.min(s.len());
    i + (s[i..].len() - s[i..].trim_start().len())
}

fn trim_range(s: &str, a: usize, b: usize) -> (usize, usize) {
    let inner = &s[a..b];
    let a2 = a + (inner.len() - inner.trim_start().len());
    let b2 = a + inner.trim_end().len();
    (a2, b2.max(a2))
}

/// How the label of a release heading is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelStyle {
    /// `1.2.0`
    Bare,
    /// `[1.2.0]`, `[1.2.0][ref]`: a reference link (Keep a Changelog's).
    Bracketed,
    /// `[1.2.0](url)`: an inline link (release-please, git-cliff, release-plz).
    Linked,
}

/// What a file's convention fixes about a release heading: everything but the version and the
/// date themselves.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    pub label: LabelStyle,
    /// `v1.2.0`.
    pub v: bool,
    /// `Version` in `Version 1.2.0`, lower-cased.
    pub word: Option<String>,
    /// What follows the label.
    pub form: Form,
    /// How the date is spelled; `None` without a date.
    pub date: Option<DateKind>,
    /// The date is in the first line of the body (`Released 2024-11-28`), or that line says
    /// `Unreleased`.
    pub body_date: bool,
    /// Text after the date that no convention has.
    pub trailing: bool,
}

impl Shape {
    /// The shape of the release heading `text` whose parts are `p`. How its date is spelled
    /// and whether its body dates it are the caller's reading.
    pub(crate) fn of(
        p: &HeadingParts,
        text: &str,
        date: Option<DateKind>,
        body_date: bool,
    ) -> Self {
        let label = text.get(p.label.clone()).unwrap_or("");
        Shape {
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
                .map(|w| text.get(w).unwrap_or("").to_ascii_lowercase()),
            form: p.form.unwrap_or(Form::Unrecognised),
            date,
            body_date,
            trailing: p.trailing.is_some(),
        }
    }

    /// Keep a Changelog's `[X] - YYYY-MM-DD` (brackets optional).
    pub fn is_kac(&self) -> bool {
        self.label != LabelStyle::Linked
            && !self.v
            && self.word.is_none()
            && self.form == Form::Dash
            && self.date == Some(DateKind::Iso)
            && !self.trailing
            && !self.body_date
    }

    /// A shape a run of a Keep a Changelog file's releases may share and be judged by: another
    /// tool's dated convention (`v2.32.0 (2018-06-26)`, `v4.1.0 - 2024-09-17`,
    /// `[1.2.0](url) - 2024-01-31`), not Keep a Changelog's own heading with its separator or
    /// its date mistyped (`[1.2.0] 2024-01-31`, `[1.2.0] – 2024-01-31`), and not an undated one.
    fn is_era_of_kac(&self) -> bool {
        self.conventional()
            && self.date.is_some()
            && !self.is_kac()
            && !matches!(self.form, Form::MissingDash | Form::WrongDash | Form::Slash)
            && (self.v
                || self.word.is_some()
                || self.label == LabelStyle::Linked
                || self.form == Form::Parenthesised)
    }

    /// A shape that can be a file's convention: nothing unreadable in it.
    fn conventional(&self) -> bool {
        self.form != Form::Unrecognised && !self.trailing
    }

    /// Dated in the heading or the body.
    pub fn dated(&self) -> bool {
        self.date.is_some() || self.body_date
    }

    /// The same shape without its date: what an undated release of this convention looks like.
    fn undated(&self) -> Shape {
        Shape {
            form: Form::Bare,
            date: None,
            body_date: false,
            ..self.clone()
        }
    }

    /// The shape as a template: `## [X](URL) (YYYY-MM-DD)`, `# X (Month D, YYYY)`, or for a
    /// setext heading `X (YYYY-MM-DD)` underlined with `===`.
    pub fn template(&self, level: u8, setext: bool, word: Option<&str>) -> String {
        let mut s = String::new();
        if !setext {
            s.push_str(&"#".repeat(usize::from(level.max(1))));
            s.push(' ');
        }
        if let Some(w) = word.or(self.word.as_deref()) {
            s.push_str(w);
            s.push(' ');
        }
        let x = if self.v { "vX" } else { "X" };
        match self.label {
            LabelStyle::Bare => s.push_str(x),
            LabelStyle::Bracketed => {
                s.push('[');
                s.push_str(x);
                s.push(']');
            }
            LabelStyle::Linked => {
                s.push('[');
                s.push_str(x);
                s.push_str("](URL)");
            }
        }
        let date = match self.date {
            Some(DateKind::Iso) | None => "YYYY-MM-DD",
            Some(DateKind::Human) => "Month D, YYYY",
            Some(DateKind::Numeric) => "YYYY/MM/DD",
            Some(DateKind::Other) => "DATE",
        };
        match self.form {
            Form::Dash if self.date.is_some() => s.push_str(&format!(" - {date}")),
            Form::WrongDash => s.push_str(&format!(" \u{2013} {date}")),
            Form::Slash => s.push_str(&format!(" / {date}")),
            Form::Parenthesised => s.push_str(&format!(" ({date})")),
            Form::MissingDash => s.push_str(&format!(" {date}")),
            _ => {}
        }
        s
    }
}

/// Why the Keep a Changelog rules apply to a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KacWhy {
    /// `changelog.format = "keep-a-changelog"`.
    Configured,
    /// The file names keepachangelog.com before its first section.
    Named,
    /// The file has a bracketed `[Unreleased]` section heading.
    UnreleasedLabel,
    /// Most of its releases are `[X] - YYYY-MM-DD`.
    Form,
}

impl KacWhy {
    pub fn describe(self) -> &'static str {
        match self {
            KacWhy::Configured => "changelog.format = \"keep-a-changelog\"",
            KacWhy::Named => "the file names keepachangelog.com",
            KacWhy::UnreleasedLabel => "the file has a `[Unreleased]` section",
            KacWhy::Form => "its releases are `[X] - YYYY-MM-DD`",
        }
    }
}

/// The dominant shape of a file's releases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dominant {
    pub shape: Shape,
    /// The word before the version as the example writes it (`mdBook`, `Version`).
    pub word: Option<String>,
    /// How many release headings have it, of how many.
    pub count: usize,
    pub total: usize,
    /// The first heading written in it (index into the heads given to [`detect`]).
    pub example: usize,
}

/// A file's convention for release headings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dialect {
    /// The level of its release headings (1 or 2).
    pub level: u8,
    /// Whether (and why) the Keep a Changelog rules apply.
    pub kac: Option<KacWhy>,
    /// Release headings are judged by Keep a Changelog's own grammar, not by the file's use.
    pub strict: bool,
    pub dominant: Option<Dominant>,
    /// Shapes the file uses often enough to be a convention of its own (the dominant one, eras
    /// of history, another level for major releases). When `strict`, only the eras written in
    /// another tool's dated convention ([`Shape::is_era_of_kac`]), and none when the
    /// configuration asks for Keep a Changelog.
    pub established: Vec<Shape>,
    /// The newest release's shape and word where it is an established one other than the
    /// dominant (a new era: axios' `## v1.21.0 — October 21, 2026` above 100 older headings
    /// of another form): the form the next release is written in.
    pub newest: Option<(Shape, Option<String>)>,
    /// Whether the dominant form is setext, for the template.
    pub setext: bool,
    /// The line and text of the first heading in the dominant form, as an example for helps
    /// (filled in by the model, which has the text).
    pub example: Option<(usize, String)>,
}

impl Dialect {
    /// The dominant form as a template, or Keep a Changelog's.
    pub fn template(&self) -> String {
        match (&self.dominant, self.strict) {
            (Some(d), false) => d.shape.template(self.level, self.setext, d.word.as_deref()),
            _ => "## [X] - YYYY-MM-DD".into(),
        }
    }

    /// The heading for `version` (written without a `v`) in the file's form, as the help of a
    /// missing or undated release shows it: `` `## 1.3.0 (YYYY-MM-DD)` ``, `` `## [1.3.0] -
    /// YYYY-MM-DD` ``, `` `1.3.0` underlined with `===` ``.
    pub fn heading_for(&self, version: &str) -> String {
        if let Some((shape, word)) = &self.newest {
            let template = shape.template(self.level, self.setext, word.as_deref());
            return format!("`{}`", fill(&template, version));
        }
        let template = self.template();
        let filled = fill(&template, version);
        let described = self.describe();
        // What `describe` says after the template (`underlined with ===`, the body date).
        let tail = described
            .strip_prefix(&format!("`{}`", self.template()))
            .unwrap_or("");
        format!("`{filled}`{tail}")
    }

    /// The dominant form in words: `` `## X (YYYY-MM-DD)` ``, `` `X` underlined with `===` ``,
    /// `` `## Version X` dated in its first line (`Released YYYY-MM-DD`) ``.
    pub fn describe(&self) -> String {
        let mut s = format!("`{}`", self.template());
        let Some(d) = self.dominant.as_ref().filter(|_| !self.strict) else {
            return s;
        };
        if self.setext {
            s.push_str(if self.level == 1 {
                " underlined with `===`"
            } else {
                " underlined with `---`"
            });
        }
        if d.shape.body_date {
            s.push_str(" dated in its first line (`Released YYYY-MM-DD`)");
        }
        s
    }

    /// True when `shape` is one of the file's conventions.
    pub fn established(&self, shape: &Shape) -> bool {
        self.established.contains(shape)
    }

    /// A shape that is an established linked one (`[1.2.0](url) - 2024-01-31`) but for the
    /// link (`1.2.0 - 2024-01-31`).
    pub fn established_but_for_the_link(&self, shape: &Shape) -> bool {
        shape.label == LabelStyle::Bare
            && self.established(&Shape {
                label: LabelStyle::Linked,
                ..shape.clone()
            })
    }

    /// An undated release written in an established dated shape, in a file that has no
    /// undated convention (else a shape closer to that one is a deviation, not a lost date).
    pub fn undated_variant(&self, shape: &Shape) -> bool {
        shape.form == Form::Bare
            && !shape.dated()
            && self.established.iter().all(Shape::dated)
            && self
                .established
                .iter()
                .any(|e| e.dated() && e.undated() == *shape)
    }
}

/// One heading as [`detect`] sees it.
pub struct Candidate {
    pub level: u8,
    pub setext: bool,
    /// Its kind (release, unreleased) if it reads as one; archive pointers are `None`.
    pub kind: Option<SectionKind>,
    /// For a release: its shape.
    pub shape: Option<Shape>,
    /// A bracketed `[Unreleased]`.
    pub bracketed_unreleased: bool,
    /// The word before the version, as written.
    pub word: Option<String>,
}

/// The role a heading plays in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A release, and whether it follows the convention.
    Release(Conformity),
    Unreleased,
    /// Neither a release nor allowed at the release level (`## Highlights`, a second title).
    Stray,
    /// A heading inside a release (a change type, a sub-heading).
    Sub,
}

/// How a release heading relates to the file's convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conformity {
    Follows,
    /// Written in a shape the file does not use otherwise.
    Deviates,
    /// Written in an established dated shape, but without its date.
    Undated,
    /// In a Keep a Changelog file, written in another tool's dated convention that a run of its
    /// releases shares (clap's `## v2.32.0 (2018-06-26)` before it took up the format,
    /// date-fns' `## v4.1.0 - 2024-09-17` since): judged by that convention, not by Keep a
    /// Changelog's grammar.
    Era,
}

/// Reads the dialect of a file from its headings (levels 1 to 3, in file order). `named` says
/// the file names keepachangelog.com; `forced` that the configuration asks for Keep a Changelog.
/// Returns the dialect and the role of each candidate that is a release, unreleased section or
/// stray candidate (`None` for the others: titles, archive pointers and sub-headings are
/// decided by the caller from the level).
/// `declared` is a shape the project's changelog generator writes (towncrier's `title_format`):
/// a convention of the file from its first release, not a deviation from the older one.
pub fn detect(
    heads: &[Candidate],
    named: bool,
    forced: bool,
    declared: Option<&Shape>,
) -> (Dialect, Vec<Option<Role>>) {
    let count = |level: u8| {
        heads
            .iter()
            .filter(|h| {
                work::step();
                h.level == level && h.kind.is_some()
            })
            .count()
    };
    let mut level = if count(1) > count(2) { 1 } else { 2 };
    // Shapes of the releases at the release level and above it, and of dated or linked ones
    // below it (conventional-changelog writes patches at level 3, majors at level 1).
    let primary = |h: &Candidate, level: u8| h.level <= level;
    let secondary = |h: &Candidate, level: u8| {
        h.level > level
            && h.level <= 3
            && h.shape
                .as_ref()
                .is_some_and(|s| s.dated() || s.label == LabelStyle::Linked)
    };
    let tally = |level: u8, pick: &dyn Fn(&Candidate, u8) -> bool| {
        // Shapes are numbered as they come; most releases have the shape of the one before,
        // which then costs a comparison instead of a hash.
        let mut ids: HashMap<&Shape, usize> = HashMap::new();
        let mut counts: Vec<(&Shape, usize, usize)> = Vec::new();
        let mut last: Option<(&Shape, usize)> = None;
        for (i, h) in heads.iter().enumerate() {
            work::step();
            if h.kind != Some(SectionKind::Release) || !pick(h, level) {
                continue;
            }
            let Some(s) = &h.shape else { continue };
            let id = match last {
                Some((l, id)) if l == s => id,
                _ => *ids.entry(s).or_insert_with(|| {
                    counts.push((s, 0, i));
                    counts.len() - 1
                }),
            };
            counts[id].1 += 1;
            last = Some((s, id));
        }
        counts
            .into_iter()
            .map(|(s, n, first)| (s, (n, first)))
            .collect::<HashMap<&Shape, (usize, usize)>>()
    };
    let prim = tally(level, &primary);
    let total: usize = prim.values().map(|c| c.0).sum();
    let best = |counts: &HashMap<&Shape, (usize, usize)>| {
        counts
            .iter()
            .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
            .map(|(s, &(n, first))| ((*s).clone(), n, first))
    };
    let word = |i: usize| heads.get(i).and_then(|h| h.word.clone());
    let mut dominant = best(&prim).map(|(shape, n, first)| Dominant {
        shape,
        word: word(first),
        count: n,
        total,
        example: first,
    });
    let all_counts = {
        let sec = tally(level, &secondary);
        let mut all = prim.clone();
        for (s, (n, first)) in sec {
            let e = all.entry(s).or_insert((0, first));
            e.0 += n;
        }
        all
    };
    if dominant.is_none() {
        let sec_total: usize = all_counts.values().map(|c| c.0).sum();
        dominant = best(&all_counts).map(|(shape, n, first)| Dominant {
            shape,
            word: word(first),
            count: n,
            total: sec_total,
            example: first,
        });
    }
    let bracketed = heads.iter().any(|h| h.bracketed_unreleased && h.level <= 2);
    // Keep a Changelog by form: its shape at its level. A file whose releases are level-1
    // headings (pre-commit's setext `4.6.2 - 2026-08-10`) has a convention of its own, however
    // its headings are spelled; it is still Keep a Changelog when it names the format or
    // brackets its `[Unreleased]`.
    let dominant_kac = level == 2 && dominant.as_ref().is_some_and(|d| d.shape.is_kac());
    // A file that says it is Keep a Changelog, but writes its releases in a shape of its own
    // (httpx's `## 0.28.1 (6th December, 2024)`), is judged by that shape once the shape is a
    // convention (three releases) rather than a slip.
    let own_convention = dominant
        .as_ref()
        .is_some_and(|d| !d.shape.is_kac() && d.count >= 3);
    let kac = if forced {
        Some(KacWhy::Configured)
    } else if dominant_kac {
        Some(KacWhy::Form)
    } else if named {
        Some(KacWhy::Named)
    } else if bracketed && !own_convention {
        // A bracketed `[Unreleased]` is Keep a Changelog's spelling, but only a hint: a file
        // with a convention of its own (PyBaMM's `# [Unreleased](url)`) is not held to it.
        Some(KacWhy::UnreleasedLabel)
    } else {
        None
    };
    let strict = forced || dominant_kac || (kac.is_some() && !own_convention);
    if strict {
        level = 2;
    }
    let established: Vec<Shape> = {
        let threshold = 3.max(all_counts.values().map(|c| c.0).sum::<usize>() / 20);
        let mut est: Vec<(usize, Shape)> = all_counts
            .iter()
            .filter(|(s, (n, _))| {
                if strict {
                    // Keep a Changelog's grammar holds, but for another tool's era (and for
                    // no era where the configuration asks for Keep a Changelog).
                    !forced && s.is_era_of_kac() && *n >= threshold
                } else {
                    s.conventional()
                        && (*n >= threshold || dominant.as_ref().is_some_and(|d| d.shape == ***s))
                }
            })
            .map(|(s, (_, first))| (*first, (*s).clone()))
            .collect();
        est.sort_by_key(|e| e.0);
        let mut est: Vec<Shape> = est.into_iter().map(|e| e.1).collect();
        // The dominant shape is a convention even when it has an odd part.
        if let Some(d) = dominant.as_ref().filter(|_| !strict)
            && !est.contains(&d.shape)
        {
            est.push(d.shape.clone());
        }
        // So is the one the project's generator is set to write; under Keep a Changelog's
        // grammar, as an era of another tool's convention.
        if let Some(s) = declared.filter(|s| !forced && s.conventional() && !s.is_kac())
            && !est.contains(s)
        {
            est.push(s.clone());
        }
        est
    };
    let setext = dominant
        .as_ref()
        .and_then(|d| heads.get(d.example))
        .is_some_and(|h| h.setext);
    let mut dialect = Dialect {
        level,
        kac,
        strict,
        dominant,
        established,
        newest: None,
        setext,
        example: None,
    };
    let mut roles: Vec<Option<Role>> = heads
        .iter()
        .map(|h| {
            work::step();
            role(&dialect, h)
        })
        .collect();
    // The last release, unlinked where the others link to their comparison with the release
    // before them: a generator (auto-changelog, conventional-changelog) had nothing to compare
    // the first release with (minimist's `## v0.0.0 - 2013-06-25`).
    if let Some(i) = roles
        .iter()
        .rposition(|r| matches!(r, Some(Role::Release(_))))
        && roles[i] == Some(Role::Release(Conformity::Deviates))
        && heads[i]
            .shape
            .as_ref()
            .is_some_and(|s| dialect.established_but_for_the_link(s))
    {
        roles[i] = Some(Role::Release(Conformity::Follows));
    }
    dialect.newest = heads
        .iter()
        .zip(&roles)
        .find(|(h, r)| {
            h.level == dialect.level
                && matches!(
                    r,
                    Some(Role::Release(Conformity::Follows | Conformity::Era))
                )
        })
        .and_then(|(h, _)| Some((h.shape.clone()?, h.word.clone())))
        .filter(|(shape, _)| {
            dialect.established(shape)
                && dialect.dominant.as_ref().is_none_or(|d| d.shape != *shape)
        });
    (dialect, roles)
}

/// The shape of a sample release heading (`## 1.0.0 (2024-01-31)`), as a file's release
/// heading written so would have.
pub fn declared_shape(sample: &str) -> Option<Shape> {
    let text = sample.trim_start_matches('#').trim();
    let p = HeadingParts::parse(text);
    if p.kind != Some(SectionKind::Release) {
        return None;
    }
    let date = p.date.clone().and_then(|d| text.get(d)).map(date_kind);
    Some(Shape::of(&p, text, date, false))
}

fn role(d: &Dialect, h: &Candidate) -> Option<Role> {
    match h.kind {
        Some(SectionKind::Unreleased) if h.level <= d.level => Some(if d.strict && h.level < 2 {
            Role::Stray
        } else {
            Role::Unreleased
        }),
        Some(SectionKind::Release) => {
            let shape = h.shape.as_ref()?;
            if d.strict {
                return Some(match h.level {
                    2 if d.established(shape) => Role::Release(Conformity::Era),
                    2 => Role::Release(Conformity::Follows),
                    1 => Role::Stray,
                    _ => Role::Sub,
                });
            }
            if h.level <= d.level {
                Some(Role::Release(if d.established(shape) {
                    Conformity::Follows
                } else if d.undated_variant(shape) {
                    Conformity::Undated
                } else {
                    Conformity::Deviates
                }))
            } else if h.level <= 3
                && d.established(shape)
                && (shape.dated() || shape.label == LabelStyle::Linked)
            {
                Some(Role::Release(Conformity::Follows))
            } else {
                Some(Role::Sub)
            }
        }
        _ => None,
    }
}

/// The kind of date a token is, for the shape.
pub fn date_kind(tok: &str) -> DateKind {
    date::read(tok).kind
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: &str) -> (Option<&str>, &str, Option<Form>, Option<&str>) {
        let p = HeadingParts::parse(s);
        (
            p.word.map(|w| &s[w]),
            &s[p.label],
            p.form,
            p.date.map(|d| &s[d]),
        )
    }

    #[test]
    fn heading_parts_of_each_convention() {
        assert_eq!(
            parts("v4.13.9 (2026-02-25)"),
            (
                None,
                "v4.13.9",
                Some(Form::Parenthesised),
                Some("2026-02-25")
            )
        );
        assert_eq!(
            parts("Version 8.5.0"),
            (Some("Version"), "8.5.0", Some(Form::Bare), None)
        );
        assert_eq!(
            parts("[1.7.9](https://x/compare/v1.7.8...v1.7.9) (2024-12-04)"),
            (None, "1.7.9", Some(Form::Parenthesised), Some("2024-12-04"))
        );
        assert_eq!(
            parts("0.28.1 (6th December, 2024)"),
            (
                None,
                "0.28.1",
                Some(Form::Parenthesised),
                Some("6th December, 2024")
            )
        );
        assert_eq!(
            parts("5.0.0 / 2017-12-05"),
            (None, "5.0.0", Some(Form::Slash), Some("2017-12-05"))
        );
        let y = HeadingParts::parse("v9.1.1 (yanked)");
        assert_eq!(
            (y.form, y.yanked.map(|r| r.start)),
            (Some(Form::Bare), Some(7))
        );
        assert_eq!(
            HeadingParts::parse("TBD").kind,
            Some(SectionKind::Unreleased)
        );
        assert_eq!(HeadingParts::parse("Highlights").kind, None);
        assert_eq!(HeadingParts::parse("Version history").kind, None);
        assert!(is_series("0.11.x") && is_series("v1.x") && !is_series("0.11.1"));
        // Any bytes, no panic: a multi-byte character where a marker or a date is looked for.
        for odd in [
            "1.0.0 (yank€)",
            "1.0.0 (€)",
            "Version 1.0 — ✓",
            "[1.0.0](€) – €",
            "v1 /",
        ] {
            let _ = HeadingParts::parse(odd);
        }
    }

    fn cand(level: u8, text: &str) -> Candidate {
        let p = HeadingParts::parse(text);
        let date = p.date.clone().map(|d| date_kind(&text[d]));
        let shape =
            (p.kind == Some(SectionKind::Release)).then(|| Shape::of(&p, text, date, false));
        Candidate {
            level,
            setext: false,
            kind: p.kind,
            shape,
            bracketed_unreleased: p.bracketed && p.kind == Some(SectionKind::Unreleased),
            word: p.word.map(|w| text[w].to_string()),
        }
    }

    #[test]
    fn the_dominant_shape_and_its_eras() {
        let mut heads: Vec<Candidate> = (0..5)
            .map(|i| cand(2, &format!("1.{i}.0 (2024-01-0{})", i + 1)))
            .collect();
        heads.extend((0..4).map(|i| cand(2, &format!("v0.{i}.0"))));
        heads.push(cand(2, "0.0.1 - 2020-01-01"));
        let (d, roles) = detect(&heads, false, false, None);
        assert!(!d.strict && d.kac.is_none());
        assert_eq!(d.level, 2);
        assert_eq!(d.template(), "## X (YYYY-MM-DD)");
        assert_eq!(roles[0], Some(Role::Release(Conformity::Follows)));
        assert_eq!(roles[6], Some(Role::Release(Conformity::Follows)));
        assert_eq!(roles[9], Some(Role::Release(Conformity::Deviates)));
    }

    #[test]
    fn a_new_release_is_written_as_the_newest_era_writes_them() {
        let older: Vec<Candidate> = (1..=6)
            .rev()
            .map(|i| cand(2, &format!("1.{i}.0 (2024-01-0{i})")))
            .collect();
        let (d, _) = detect(&older, false, false, None);
        assert_eq!(d.newest, None);
        assert_eq!(d.heading_for("3.0.0"), "`## 3.0.0 (YYYY-MM-DD)`");
        // Three newer releases in a form of their own (axios' since 2026) above them.
        let mut heads: Vec<Candidate> = (1..=3)
            .rev()
            .map(|i| cand(2, &format!("v2.{i}.0")))
            .collect();
        heads.extend(older);
        let (d, _) = detect(&heads, false, false, None);
        assert_eq!(d.template(), "## X (YYYY-MM-DD)");
        assert_eq!(d.heading_for("3.0.0"), "`## v3.0.0`");
    }

    #[test]
    fn the_first_release_of_linked_headings_has_no_link() {
        // auto-changelog (minimist): each release links to its comparison with the one before.
        let mut heads: Vec<Candidate> = (1..=4)
            .rev()
            .map(|i| {
                cand(
                    2,
                    &format!(
                        "[v0.0.{i}](https://e.com/compare/v0.0.{}...v0.0.{i}) - 2013-06-2{i}",
                        i - 1
                    ),
                )
            })
            .collect();
        heads.push(cand(2, "v0.0.0 - 2013-06-20"));
        let (_, roles) = detect(&heads, false, false, None);
        assert_eq!(roles[4], Some(Role::Release(Conformity::Follows)));
        // Anywhere but last, or written another way too, it deviates.
        heads.swap(3, 4);
        let (_, roles) = detect(&heads, false, false, None);
        assert_eq!(roles[3], Some(Role::Release(Conformity::Deviates)));
        heads.swap(3, 4);
        heads[4] = cand(2, "v0.0.0 (2013-06-20)");
        let (_, roles) = detect(&heads, false, false, None);
        assert_eq!(roles[4], Some(Role::Release(Conformity::Deviates)));
    }

    #[test]
    fn keep_a_changelog_is_strict() {
        let heads = vec![
            cand(2, "[Unreleased]"),
            cand(2, "[1.1.0] - 2024-02-01"),
            cand(2, "[1.0.0] 2024-01-01"),
            cand(1, "1.0.1 - 2024-01-01"),
        ];
        let (d, roles) = detect(&heads, false, false, None);
        assert!(d.strict);
        assert_eq!(d.kac, Some(KacWhy::Form));
        assert_eq!(roles[2], Some(Role::Release(Conformity::Follows)));
        assert_eq!(roles[3], Some(Role::Stray));
        // Named but written its own way (httpx): judged by its own shape.
        let heads: Vec<Candidate> = [
            "0.28.1 (6th December, 2024)",
            "0.28.0 (28th November, 2024)",
            "0.27.2 (27th August, 2024)",
        ]
        .iter()
        .map(|t| cand(2, t))
        .collect();
        let (d, _) = detect(&heads, true, false, None);
        assert_eq!((d.strict, d.kac), (false, Some(KacWhy::Named)));
        assert_eq!(d.template(), "## X (Month D, YYYY)");
        assert!(detect(&heads, false, true, None).0.strict);
    }

    #[test]
    fn keep_a_changelogs_shape_at_level_one_is_a_convention_of_its_own() {
        // pre-commit's CHANGELOG: `4.6.2 - 2026-08-10` over `===`, no title, no [Unreleased].
        let heads: Vec<Candidate> = [
            "4.6.2 - 2026-08-10",
            "4.6.1 - 2026-07-21",
            "4.6.0 - 2026-04-21",
        ]
        .iter()
        .map(|t| cand(1, t))
        .chain([cand(3, "Fixes")])
        .collect();
        let (d, roles) = detect(&heads, false, false, None);
        assert_eq!((d.level, d.strict, d.kac), (1, false, None));
        assert_eq!(roles[1], Some(Role::Release(Conformity::Follows)));
        // Still Keep a Changelog when the file names it or brackets its [Unreleased]: then its
        // releases belong at level 2.
        let (d, roles) = detect(&heads, true, false, None);
        assert_eq!((d.level, d.strict, d.kac), (2, true, Some(KacWhy::Named)));
        assert_eq!(roles[1], Some(Role::Stray));
        let mut bracketed = vec![cand(1, "[Unreleased]")];
        bracketed.extend(heads);
        let (d, _) = detect(&bracketed, false, false, None);
        assert_eq!((d.level, d.kac), (2, Some(KacWhy::UnreleasedLabel)));
    }

    #[test]
    fn a_declared_shape_is_a_convention_from_its_first_release() {
        // setuptools-scm: towncrier's `## 10.0.0 (2026-02-26)` above 107 `## vX`.
        let mut heads = vec![cand(2, "10.0.0 (2026-02-26)")];
        heads.extend((0..8).map(|i| cand(2, &format!("v9.{i}.0"))));
        heads.push(cand(2, "6.4.0"));
        let (_, roles) = detect(&heads, false, false, None);
        assert_eq!(roles[0], Some(Role::Release(Conformity::Deviates)));
        let declared = declared_shape("## 1.0.0 (2024-01-31)").unwrap();
        let (d, roles) = detect(&heads, false, false, Some(&declared));
        assert_eq!(roles[0], Some(Role::Release(Conformity::Follows)));
        assert_eq!(d.template(), "## vX");
        // A slip of the older convention still deviates.
        assert_eq!(roles[9], Some(Role::Release(Conformity::Deviates)));
        // Not where the configuration asks for Keep a Changelog, and a sample that is no
        // release heading declares nothing.
        assert_eq!(declared_shape("## Changes"), None);
        let (d, _) = detect(&heads, false, true, Some(&declared));
        assert!(!d.established(&declared));
    }

    #[test]
    fn another_tools_era_in_a_keep_a_changelog_file() {
        // clap: Keep a Changelog since 3.0, clog's `v2.32.0 (2018-06-26)` before.
        let mut heads: Vec<Candidate> = (0..6)
            .map(|i| cand(2, &format!("[3.{i}.0] - 2024-01-0{}", i + 1)))
            .collect();
        heads.extend((0..3).map(|i| cand(2, &format!("v2.{i}.0 (2018-06-2{i})"))));
        // Keep a Changelog's own heading mistyped three times is no era: each is reported.
        heads.extend((0..3).map(|i| cand(2, &format!("[1.{i}.0] 2017-01-0{}", i + 1))));
        // Nor is a run of undated releases.
        heads.extend((0..3).map(|i| cand(2, &format!("v0.{i}.0"))));
        let (d, roles) = detect(&heads, true, false, None);
        assert!(d.strict);
        assert_eq!(roles[0], Some(Role::Release(Conformity::Follows)));
        assert_eq!(roles[6], Some(Role::Release(Conformity::Era)));
        assert_eq!(roles[9], Some(Role::Release(Conformity::Follows)));
        assert_eq!(roles[12], Some(Role::Release(Conformity::Follows)));
        // Where the configuration asks for Keep a Changelog, its grammar holds for every one.
        let (_, roles) = detect(&heads, true, true, None);
        assert_eq!(roles[6], Some(Role::Release(Conformity::Follows)));
        // An era is a run: one such heading is judged by Keep a Changelog's grammar.
        heads.truncate(7);
        let (_, roles) = detect(&heads, true, false, None);
        assert_eq!(roles[6], Some(Role::Release(Conformity::Follows)));
    }

    #[test]
    fn level_one_and_level_three_releases() {
        let heads = vec![
            cand(1, "unreleased"),
            cand(1, "v0.26.1"),
            cand(2, "Features"),
            cand(1, "v0.26.0"),
        ];
        let (d, roles) = detect(&heads, false, false, None);
        assert_eq!(d.level, 1);
        assert_eq!(roles[0], Some(Role::Unreleased));
        assert_eq!(roles[2], None);
        let cc = vec![
            cand(2, "[1.1.0](u) (2024-02-01)"),
            cand(3, "[1.0.1](u) (2024-01-15)"),
            cand(1, "[1.0.0](u) (2024-01-01)"),
            cand(3, "Bug Fixes"),
        ];
        let (_, roles) = detect(&cc, false, false, None);
        assert_eq!(roles[1], Some(Role::Release(Conformity::Follows)));
        assert_eq!(roles[2], Some(Role::Release(Conformity::Follows)));
    }
}
