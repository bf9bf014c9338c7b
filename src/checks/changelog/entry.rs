//! What a release needs from the changelog: its section (`--release`, `--notes`,
//! `check-release-ready`), found by version in the project's scheme, and versions read and
//! compared in that scheme. Plain queries over a parsed [`Changelog`]; no rule is judged here.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::changelog::dialect::Conformity;
use crate::changelog::{Changelog, Section, SectionKind, is_unreleased};
use crate::changelog::{date, work};
use crate::config::ChangelogScheme;
use crate::error::Result;

use super::LintOptions;

/// What `--notes` finds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notes {
    /// The body of the section, byte for byte.
    Body(Vec<u8>),
    /// The section exists and has nothing to publish: its heading's line and column.
    Empty { line: usize, column: usize },
    /// No such section: the versions next to it that the file has (below and above), with
    /// their lines.
    Missing { nearest: Vec<(String, usize)> },
}

/// The body of one section as written, for `--notes`: `version` is `unreleased` (any case) or a
/// version with or without the tag prefix.
pub fn notes(bytes: &[u8], version: &str, opts: &LintOptions) -> Result<Notes> {
    let model = Changelog::parse_with(bytes, opts.parse_options())?;
    let section = if is_unreleased(version) {
        model.unreleased()
    } else {
        find_release(&model, version, Some(opts.scheme), &opts.tag_prefix)
            .or_else(|| find_release(&model, version, None, &opts.tag_prefix))
    };
    let Some(s) = section else {
        return Ok(Notes::Missing {
            nearest: nearest_versions(&model, version, opts),
        });
    };
    let body = model.body(s);
    Ok(if body.is_empty() {
        Notes::Empty {
            line: s.heading.pos.line,
            column: s.label.pos.col,
        }
    } else {
        Notes::Body(body.as_bytes().to_vec())
    })
}

/// Notes as a GitHub Actions log may show them (`--format github`): data, never commands. The
/// runner reads every line of a step's output, split at LF, CRLF or a lone CR, as a workflow
/// command when it starts with `::` after leading whitespace (`::error file=..::`,
/// `::add-mask::`, `::stop-commands::`), or holds `##[` anywhere (the older syntax). Such a line
/// gets a backslash before its `::`, and every `##[` becomes `#\#[`: Markdown shows both as
/// written (a backslash before punctuation is an escape), the runner sees no command. Control
/// characters (an ESC sequence, a C1 control) and invisible bidirectional or zero-width marks
/// become `\u{..}`; tabs and line endings stay. Anything else is kept byte for byte.
pub fn notes_for_actions(notes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(notes);
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive(['\n', '\r']) {
        work::step();
        let content = line.trim_end_matches(['\n', '\r']);
        let ending = &line[content.len()..];
        let rest = content.trim_start();
        let lead = &content[..content.len() - rest.len()];
        push_shown(&mut out, lead);
        if rest.starts_with("::") {
            out.push('\\');
        }
        // `#\#[` holds no `##[`, and neither does what it meets on either side.
        push_shown(&mut out, &rest.replace("##[", "#\\#["));
        out.push_str(ending);
    }
    out.into_bytes()
}

/// `text` with control characters and invisible marks (other than tabs) written as `\u{..}`.
fn push_shown(out: &mut String, text: &str) {
    for c in text.chars() {
        let invisible = matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
        if (c.is_control() && c != '\t') || invisible {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
}

/// The releases just below and just above `version` by precedence (or, when it does not read as
/// a version, the newest two), as written with their lines.
fn nearest_versions(
    model: &Changelog<'_>,
    version: &str,
    opts: &LintOptions,
) -> Vec<(String, usize)> {
    let shown = |s: &Section<'_>| (s.label.text.to_string(), s.heading.pos.line);
    let want = Ver::parse_lenient(strip_tag(version.trim(), &opts.tag_prefix), opts.scheme).ok();
    let Some(want) = want else {
        return model.releases().take(2).map(shown).collect();
    };
    let mut below: Option<(&Section<'_>, Ver)> = None;
    let mut above: Option<(&Section<'_>, Ver)> = None;
    for s in model.releases() {
        work::step();
        let Some(v) = s.version().and_then(|v| {
            Ver::parse_lenient(strip_tag(v.text, &opts.tag_prefix), opts.scheme).ok()
        }) else {
            continue;
        };
        match v.cmp(&want) {
            Ordering::Less
                if below
                    .as_ref()
                    .is_none_or(|(_, b)| v.cmp(b) == Ordering::Greater) =>
            {
                below = Some((s, v));
            }
            Ordering::Greater
                if above
                    .as_ref()
                    .is_none_or(|(_, a)| v.cmp(a) == Ordering::Less) =>
            {
                above = Some((s, v));
            }
            _ => {}
        }
    }
    let found: Vec<_> = below
        .into_iter()
        .chain(above)
        .map(|(s, _)| shown(s))
        .collect();
    if found.is_empty() {
        model.releases().take(2).map(shown).collect()
    } else {
        found
    }
}

/// Whether the release section `s` must carry a date: in a file that dates its releases, but
/// not where `s` is written in an undated form the file has established for three releases or
/// more (traitlets' `## 5.16.1` above a few dated old releases, axum's `# 0.8.9`), which
/// lint-changelog accepts undated too. Keep a Changelog's grammar always dates a release.
pub fn needs_date(model: &Changelog<'_>, s: &Section<'_>) -> bool {
    let undated_form = |x: &Section<'_>| x.conformity == Conformity::Follows && x.date.is_none();
    model.dates_releases()
        && (model.dialect.strict
            || !undated_form(s)
            || model.releases().filter(|x| undated_form(x)).take(3).count() < 3)
}

/// True when a release has a date that names a real day (in `YYYY-MM-DD` where the file is
/// judged by Keep a Changelog's grammar).
pub fn is_dated(model: &Changelog<'_>, s: &Section<'_>) -> bool {
    s.kind == SectionKind::Release
        && !s.pending
        && s.date.is_some_and(|d| {
            let r = date::read(d.text);
            r.is_valid() && (!model.dialect.strict || s.conformity == Conformity::Era || r.iso)
        })
}

/// The newest release: the first release section in file order, the last in a file whose
/// releases go oldest first (unreleased sections and releases still being prepared excluded).
pub fn newest_release<'m, 'a>(
    model: &'m Changelog<'a>,
    oldest_first: bool,
) -> Option<&'m Section<'a>> {
    let mut releases = model.releases().filter(|s| !s.pending);
    if oldest_first {
        releases.last()
    } else {
        releases.next()
    }
}

/// The first release section for `version` (given with or without `tag_prefix`); with a scheme,
/// versions that are equal by precedence match too (`1.2.0-rc.1` and `1.2.0rc1` under PEP 440).
pub fn find_release<'m, 'a>(
    model: &'m Changelog<'a>,
    version: &str,
    scheme: Option<ChangelogScheme>,
    tag_prefix: &str,
) -> Option<&'m Section<'a>> {
    let want = strip_tag(version.trim(), tag_prefix);
    let by_text = model.releases().find(|s| {
        work::step();
        s.label.text == want
            || strip_tag(s.label.text, tag_prefix) == want
            || s.version.is_some_and(|v| v.text == want)
    });
    if by_text.is_some() {
        return by_text;
    }
    let schemes: &[ChangelogScheme] = match &scheme {
        Some(ChangelogScheme::Semver) => &[ChangelogScheme::Semver],
        Some(ChangelogScheme::Pep440) => &[ChangelogScheme::Pep440],
        None => &[ChangelogScheme::Semver, ChangelogScheme::Pep440],
    };
    schemes.iter().find_map(|&sc| {
        let want = Ver::parse(want, sc).ok()?;
        model.releases().find(|s| {
            work::step();
            Ver::parse_lenient(strip_tag(s.label.text, tag_prefix), sc)
                .is_ok_and(|v| v.cmp(&want) == Ordering::Equal)
        })
    })
}

/// True when the changelog has a section for `version` with a valid date (for
/// `check-release-ready`'s `changelog-entry`).
pub fn has_dated_section(
    model: &Changelog<'_>,
    version: &str,
    scheme: ChangelogScheme,
    tag_prefix: &str,
) -> bool {
    find_release(model, version, Some(scheme), tag_prefix).is_some_and(|s| is_dated(model, s))
}

/// Why the changelog is not ready for releasing a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryProblem {
    /// No section for the version.
    Missing,
    /// The section has no valid `YYYY-MM-DD` date.
    Undated,
    Yanked,
    /// Another release is newer (its version string and line): above it, or below it in a
    /// file whose releases go oldest first.
    NotNewest {
        newest: String,
        line: usize,
        below: bool,
    },
    /// The section has no content.
    NoNotes,
}

impl std::fmt::Display for EntryProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EntryProblem::Missing => f.write_str("no section for it"),
            EntryProblem::Undated => f.write_str("its section has no valid release date"),
            EntryProblem::Yanked => f.write_str("its section is marked [YANKED]"),
            EntryProblem::NotNewest {
                newest,
                line,
                below,
            } => {
                let place = if *below { "below" } else { "above" };
                write!(
                    f,
                    "it is not the newest release: [{newest}] (line {line}) is {place} it"
                )
            }
            EntryProblem::NoNotes => f.write_str("its section has no release notes"),
        }
    }
}

/// Checks that `version` has a dated, non-yanked section that is the newest release and has
/// notes. Returns the section (if any) and every problem found; no problems means ready.
pub fn entry_problems<'m, 'a>(
    model: &'m Changelog<'a>,
    version: &str,
    scheme: ChangelogScheme,
    tag_prefix: &str,
    oldest_first: bool,
) -> (Option<&'m Section<'a>>, Vec<EntryProblem>) {
    let Some(s) = find_release(model, version, Some(scheme), tag_prefix) else {
        return (None, vec![EntryProblem::Missing]);
    };
    let mut problems = Vec::new();
    if needs_date(model, s) && !is_dated(model, s) {
        problems.push(EntryProblem::Undated);
    }
    if s.is_yanked() {
        problems.push(EntryProblem::Yanked);
    }
    if let Some(newest) = newest_release(model, oldest_first)
        && !std::ptr::eq(newest, s)
        && !under_prereleases(model, s, scheme, tag_prefix, oldest_first)
    {
        problems.push(EntryProblem::NotNewest {
            newest: newest.label.text.to_string(),
            line: newest.heading.pos.line,
            below: oldest_first,
        });
    }
    if !s.has_content {
        problems.push(EntryProblem::NoNotes);
    }
    (Some(s), problems)
}

/// Whether every release newer in the file's order than `s` is a pre-release of a higher
/// version (date-fns' `v5.0.0-alpha.0` above `v4.4.0`): `s` is then the newest final release,
/// and releasing it is releasing the newest of its line.
fn under_prereleases(
    model: &Changelog<'_>,
    s: &Section<'_>,
    scheme: ChangelogScheme,
    tag_prefix: &str,
    oldest_first: bool,
) -> bool {
    let read =
        |x: &Section<'_>| Ver::parse_lenient(strip_tag(x.label.text, tag_prefix), scheme).ok();
    let Some(this) = read(s) else {
        return false;
    };
    let releases: Vec<&Section<'_>> = model.releases().filter(|x| !x.pending).collect();
    let newer = |x: &&&Section<'_>| !std::ptr::eq(**x, s);
    let higher_pre = |x: &&Section<'_>| {
        work::step();
        read(x).is_some_and(|v| v.is_pre() && v.cmp(&this) == Ordering::Greater)
    };
    if oldest_first {
        releases.iter().rev().take_while(newer).all(higher_pre)
    } else {
        releases.iter().take_while(newer).all(higher_pre)
    }
}

/// `v1.2.0` → `1.2.0` when the prefix is followed by a digit.
pub(super) fn strip_tag<'s>(v: &'s str, prefix: &str) -> &'s str {
    let digits = |rest: &&str| rest.as_bytes().first().is_some_and(u8::is_ascii_digit);
    if let Some(rest) = v
        .strip_prefix(prefix)
        .filter(|_| !prefix.is_empty())
        .filter(digits)
    {
        return rest;
    }
    match v.as_bytes() {
        [b'v' | b'V', d, ..] if d.is_ascii_digit() => &v[1..],
        _ => v,
    }
}

/// A version under the configured scheme.
#[derive(Clone, Debug)]
pub(super) enum Ver {
    Semver(semver::Version),
    Pep(pep440_rs::Version),
}

impl Ver {
    pub(super) fn parse(s: &str, scheme: ChangelogScheme) -> std::result::Result<Ver, String> {
        match scheme {
            ChangelogScheme::Semver => semver::Version::parse(s)
                .map(Ver::Semver)
                .map_err(|e| e.to_string()),
            ChangelogScheme::Pep440 => pep440_rs::Version::from_str(s)
                .map(Ver::Pep)
                .map_err(|e| e.to_string()),
        }
    }

    /// As [`Ver::parse`], but a SemVer version written short (`0.7`, `1.80`, `24.07`, as house
    /// conventions write release series) reads as its three-part version.
    pub(super) fn parse_lenient(
        s: &str,
        scheme: ChangelogScheme,
    ) -> std::result::Result<Ver, String> {
        let strict = Ver::parse(s, scheme);
        if strict.is_ok() || scheme != ChangelogScheme::Semver {
            return strict;
        }
        let (release, pre) = match s.split_once('-') {
            Some((r, p)) => (r, Some(p)),
            None => (s, None),
        };
        let nums: Vec<u64> = release
            .split('.')
            .map(|p| {
                (!p.is_empty() && p.len() <= 18 && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.parse().ok())
                    .flatten()
            })
            .collect::<Option<_>>()
            .ok_or_else(|| strict.clone().err().unwrap_or_default())?;
        if nums.is_empty() || nums.len() > 3 {
            return strict;
        }
        let padded = format!(
            "{}.{}.{}{}",
            nums[0],
            nums.get(1).copied().unwrap_or(0),
            nums.get(2).copied().unwrap_or(0),
            pre.map(|p| format!("-{p}")).unwrap_or_default()
        );
        Ver::parse(&padded, scheme).or(strict)
    }

    pub(super) fn cmp(&self, other: &Ver) -> Ordering {
        match (self, other) {
            (Ver::Semver(a), Ver::Semver(b)) => a.cmp_precedence(b),
            (Ver::Pep(a), Ver::Pep(b)) => a.cmp(b),
            // One scheme per run: mixed pairs never meet.
            _ => Ordering::Equal,
        }
    }

    /// `(major, minor, patch)` of the release.
    pub(super) fn triple(&self) -> (u64, u64, u64) {
        match self {
            Ver::Semver(v) => (v.major, v.minor, v.patch),
            Ver::Pep(v) => {
                let r = v.release();
                let at = |i: usize| r.get(i).copied().unwrap_or(0);
                (at(0), at(1), at(2))
            }
        }
    }

    /// A patch release of an older line than `above` (`1.51.4` below `1.52.0`): a backport,
    /// which is normally released after the newer line's first releases.
    pub(super) fn is_backport_below(&self, above: &Ver) -> bool {
        let (a, b, c) = self.triple();
        let (x, y, _) = above.triple();
        c > 0 && (a, b) < (x, y)
    }

    pub(super) fn is_pre(&self) -> bool {
        match self {
            Ver::Semver(v) => !v.pre.is_empty(),
            Ver::Pep(v) => v.any_prerelease(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::notes_for_actions;

    fn shown(notes: &str) -> String {
        String::from_utf8(notes_for_actions(notes.as_bytes())).unwrap()
    }

    /// Lines as the Actions runner reads them, and whether any would be a workflow command.
    fn commands(output: &str) -> Vec<&str> {
        output
            .split(['\n', '\r'])
            .filter(|l| l.trim_start().starts_with("::") || l.contains("##["))
            .collect()
    }

    #[test]
    fn workflow_commands_and_controls_are_neutralised() {
        let hostile = "- Fixed a crash.\n::error file=a::injected\n  ::add-mask::secret\n\
                       \u{a0}::stop-commands::token\n- see ##[set-output name=x;]y and ###[z\n\
                       \x1b[31mred\x1b[0m \u{9b}2J \u{202e}gnp.exe\ttab\n\
                       a lone CR\r::warning::after it\r\n::notice::crlf\r\n";
        let out = shown(hostile);
        assert_eq!(commands(&out), Vec::<&str>::new(), "{out}");
        assert_eq!(
            out,
            "- Fixed a crash.\n\\::error file=a::injected\n  \\::add-mask::secret\n\
             \u{a0}\\::stop-commands::token\n- see #\\#[set-output name=x;]y and ##\\#[z\n\
             \\u{1b}[31mred\\u{1b}[0m \\u{9b}2J \\u{202e}gnp.exe\ttab\n\
             a lone CR\r\\::warning::after it\r\n\\::notice::crlf\r\n"
        );
        // The hostile text itself is full of commands: the check above can fail.
        assert_eq!(commands(hostile).len(), 6);
    }

    #[test]
    fn ordinary_notes_are_unchanged() {
        let notes = "### Added\n\n- `a::b` paths, C++ `std::vec`, a [link](https://x/#anchor)\n\
                     - ## heading-like text, #[attr] and [x]: not commands\r\n- ünïcode ✓\n";
        assert_eq!(shown(notes), notes);
    }
}
