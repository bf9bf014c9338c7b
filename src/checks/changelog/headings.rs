//! The heading rules of `lint-changelog`: the title, the unreleased section, stray headings,
//! and each release heading's form, version and date (`changelog-title`,
//! `changelog-unreleased-missing`, `changelog-unreleased-position`, `changelog-heading`,
//! `changelog-version-invalid`, `changelog-date-missing`, `changelog-date-invalid`), each judged
//! in the file's own dialect.

use std::str::FromStr;

use crate::changelog::date::{self, DateRead, Reading};
use crate::changelog::dialect::Conformity;
use crate::changelog::work;
use crate::changelog::{Form, Pos, Section, SectionKind, Token, heading_kind, version_word};
use crate::config::ChangelogScheme;

use super::entry::{Ver, strip_tag};
use super::{
    Cx, DATE_INVALID, DATE_MISSING, HEADING, TITLE, UNRELEASED_MISSING, UNRELEASED_POSITION,
    VERSION_INVALID,
};

impl<'a> Cx<'_, 'a> {
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

    pub(super) fn title(&mut self) {
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

    pub(super) fn unreleased(&mut self) {
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

    pub(super) fn strays(&mut self) {
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
    pub(super) fn heading(&mut self, index: usize, s: &Section<'a>) {
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
        if self.model.dialect.strict && s.conformity != Conformity::Era {
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
            Conformity::Follows | Conformity::Era => {}
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
        // A yanked release stays marked, in Keep a Changelog's spelling (tracing-subscriber's
        // `(YANKED)` after its date).
        let yanked_after = s.trailing.is_some_and(|t| {
            let t = t.text.trim().trim_matches(['(', ')', '[', ']']);
            t.eq_ignore_ascii_case("yanked")
        });
        if s.is_yanked() || yanked_after {
            out.push_str(" [YANKED]");
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
