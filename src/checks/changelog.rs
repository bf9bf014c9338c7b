//! The rules of `lint-changelog`, and the release-notes and release-entry queries built on the
//! same model (in [`entry`]; the rules' reference text is in [`docs`]). The rules are grouped by
//! what they judge: headings, versions and dates in [`headings`], release order in [`order`],
//! change types in [`change_types`], links in [`links`]; this module runs them, and holds the
//! release-entry rule (`--release`).
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

mod change_types;
mod docs;
mod entry;
mod headings;
mod links;
mod order;
#[cfg(test)]
mod scaling;
pub mod towncrier;

pub use docs::{DIALECTS, RULES, applies_to, explain, explain_doc, how_to_fix};
pub use entry::{
    EntryProblem, Notes, entry_problems, find_release, has_dated_section, is_dated, needs_date,
    newest_release, notes, notes_for_actions,
};
pub use links::{links_tag_prefix, needs_definition};

use crate::changelog::dialect::Conformity;
use crate::changelog::work;
use crate::changelog::{Changelog, ParseOptions, Pos, Section, SectionKind};
use crate::config::{ChangelogFormat, ChangelogScheme};
use crate::diag::{Diagnostic, Severity};
use crate::error::{Error, Result};
use change_types::Vocabulary;
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
    /// The prefix the suggested link definitions spell tags with, when it is not `tag_prefix`:
    /// lint-changelog, which does not list the tags to lint, asks them when no setting or
    /// release tool gives the prefix and a section needs a link ([`needs_definition`]).
    pub link_tag_prefix: Option<String>,
    /// The repository's web address the suggested link definitions start with where the file
    /// has no link to copy it from (the default remote's, [`crate::git::Repo::web_url`]).
    pub link_base: Option<String>,
    /// `changelog.format`: `keep-a-changelog` holds any file to Keep a Changelog.
    pub format: ChangelogFormat,
    /// The release heading the project's towncrier writes into this file, as a sample
    /// ([`towncrier::declared_heading`]).
    pub declared_heading: Option<String>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            scheme: ChangelogScheme::Semver,
            extra_types: Vec::new(),
            release: None,
            tag_prefix: "v".into(),
            link_tag_prefix: None,
            link_base: None,
            format: ChangelogFormat::Auto,
            declared_heading: None,
        }
    }
}

impl LintOptions {
    /// How the model reads the headings.
    pub fn parse_options(&self) -> ParseOptions {
        ParseOptions {
            keep_a_changelog: self.format == ChangelogFormat::KeepAChangelog,
            declared: self.declared_heading.clone(),
        }
    }
}

/// Parses changelog bytes as `opts` says; the error names the file.
fn parse<'a>(shown_path: &str, bytes: &'a [u8], opts: &LintOptions) -> Result<Changelog<'a>> {
    parse_for_lint(shown_path, bytes, opts.parse_options())
}

/// Lints changelog bytes. `Err` only when the file cannot be read as text (not UTF-8).
/// lint-changelog parses and lints in two steps (`crate::checks::lint`); the tests and the fuzz
/// target lint in one.
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
        dated: match mine.and_then(|at| model.section_at(at)) {
            Some(s) => needs_date(model, s),
            None => model.dates_releases(),
        },
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
                if model.dialect.strict && s.conformity != Conformity::Era {
                    Ver::parse(v.text, opts.scheme).ok()
                } else {
                    Ver::parse_lenient(v.text, opts.scheme).ok()
                }
            })
        })
        .collect();
    let vocabulary = Vocabulary::of(model, opts);
    let oldest_first = order::oldest_first(model, &versions);
    let cx = || Cx {
        shown: shown_path,
        model,
        opts,
        versions: &versions,
        oldest_first,
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
    /// Whether the releases go oldest first ([`order::oldest_first`]).
    oldest_first: bool,
    /// The change types this file may use.
    vocabulary: &'r Vocabulary<'a>,
    out: Vec<Diagnostic>,
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

    fn missing_release(&mut self, release: &str) {
        let m = self.model;
        let (section, problems) = entry_problems(
            m,
            release,
            self.opts.scheme,
            &self.opts.tag_prefix,
            self.oldest_first,
        );
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
                EntryProblem::NotNewest { below: false, .. } => (
                    s.label.pos,
                    "move this section to the top, below [Unreleased]".to_string(),
                ),
                EntryProblem::NotNewest { below: true, .. } => (
                    s.label.pos,
                    "move this section below the newest release: this file's releases go oldest first".to_string(),
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

/// A heading as written on its line: `## 1.2.0 (2024-01-31)`, or a setext heading's text.
fn shown_heading(s: &Section<'_>) -> String {
    let t = s.heading.text.text.trim();
    if s.heading.setext {
        t.to_string()
    } else {
        format!("{} {t}", "#".repeat(usize::from(s.heading.level)))
    }
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
        // The rewrite of a yanked release keeps it marked, as the file may write it
        // (tracing-subscriber's `(YANKED)` after the date).
        let releases: String = (1..=4)
            .rev()
            .map(|d| format!("# 0.3.{d} (Jun {d}, 2022)\n\n- x\n\n"))
            .collect();
        let yanked = format!("{releases}# 0.2.9 (May 30, 2022) (YANKED)\n\n- y\n");
        let help = diag(&yanked, HEADING).help.unwrap();
        assert_eq!(help, "write `# 0.2.9 (May 30, 2022) [YANKED]`");
        let fixed = yanked.replace("(YANKED)", "[YANKED]");
        assert!(at(&fixed, HEADING).is_empty(), "{:?}", run(&fixed));
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
        // A Keep a Changelog file with an era of `## vX - YYYY-MM-DD` (date-fns'): an undated
        // `## v2.30.0` there is a missing date, not also an invalid version.
        let era: String = (1..=4)
            .rev()
            .map(|m| format!("## v3.{m}.0 - 2024-0{m}-01\n\n- x\n\n"))
            .collect();
        let kac: String = (1..=6)
            .rev()
            .map(|m| format!("## [1.{m}.0] - 2023-0{m}-01\n\n- x\n\n"))
            .collect();
        let links: String = (1..=6)
            .rev()
            .map(|m| format!("[1.{m}.0]: https://e.com/{m}\n"))
            .collect();
        let undated = format!(
            "# C\n\nAs [Keep a Changelog](https://keepachangelog.com/) says.\n\n\
             {era}## v2.30.0\n\n- y\n\n{kac}{links}"
        );
        assert_eq!(
            run(&undated)
                .into_iter()
                .filter(|f| !f.ends_with(UNRELEASED_MISSING))
                .collect::<Vec<_>>(),
            ["21:4 changelog-date-missing"]
        );
        // Without such an era, the `v` is still the heading's mistake.
        let single = format!("{HEAD}## v2.30.0 - 2024-01-01\n\n- y\n");
        assert_eq!(at(&single, VERSION_INVALID), ["5:4"]);
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
    fn oldest_first_files() {
        // axios's changelog until 2016: every release below the one before it. One finding at
        // the first release, not one per release and per date.
        let src = "# Changelog\n\n### 0.1.0 (Aug 29, 2014)\n\n- a\n\n### 0.2.0 (Sep 12, 2014)\n\n- b\n\n\
                   ### 0.2.1 (Sep 12, 2014)\n\n- c\n\n### 0.3.0 (Sep 16, 2014)\n\n- d\n";
        assert_eq!(at(src, VERSION_ORDER), ["3:5"]);
        let d = diag(src, VERSION_ORDER);
        assert!(
            d.message
                .contains("from [0.1.0] (line 3) to [0.3.0] (line 15)"),
            "{}",
            d.message
        );
        assert!(at(src, DATE_ORDER).is_empty());
        // Its dates are judged in its own order: one earlier than the release above is a typo.
        let typo = src.replace("Sep 16, 2014", "Sep 10, 2014");
        assert_eq!(at(&typo, DATE_ORDER), ["15:12"]);
        assert!(
            diag(&typo, DATE_ORDER)
                .message
                .contains("earlier than [0.2.1]")
        );
        // Its newest release is its last.
        let release = |v: &str| LintOptions {
            release: Some(v.into()),
            ..LintOptions::default()
        };
        assert!(at_with(src, MISSING_RELEASE, &release("0.3.0")).is_empty());
        let older = diag_with(src, MISSING_RELEASE, &release("0.2.1"));
        assert!(
            older.message.contains("[0.3.0] (line 15) is below it"),
            "{}",
            older.message
        );
        // Two releases in the wrong order are one misplaced section, as is one pair out of
        // order in a file that goes newest first.
        let two = "# C\n\n## 1.0.0 (2024-01-01)\n\n- a\n\n## 1.1.0 (2024-02-01)\n\n- b\n";
        assert_eq!(at(two, VERSION_ORDER), ["7:4"]);
        assert!(
            diag(two, VERSION_ORDER)
                .message
                .contains("is not lower than [1.0.0]")
        );
        let one_pair = "# C\n\n## 1.2.0 (2024-03-01)\n\n- a\n\n## 1.0.0 (2024-01-01)\n\n- b\n\n\
                        ## 1.1.0 (2024-02-01)\n\n- c\n";
        assert_eq!(at(one_pair, VERSION_ORDER), ["11:4"]);
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
    fn release_plz_groups_the_rest_under_other() {
        // hashbrown's: release-plz's headings, one `### Other` in the newest release.
        let releases: String = (1..=3)
            .rev()
            .map(|i| {
                format!(
                    "## [0.1.{i}](https://github.com/o/r/compare/v0.1.{}...v0.1.{i}) - 2024-01-0{i}\n\n### Fixed\n\n- a\n\n",
                    i - 1
                )
            })
            .collect();
        let src = format!("{HEAD}{releases}").replacen("### Fixed", "### Other", 1);
        assert!(at(&src, CHANGE_TYPE).is_empty(), "{:?}", run(&src));
        // Keep a Changelog's own headings have no such group; nor does the format when asked.
        let plain: String = (1..=3)
            .rev()
            .map(|i| format!("## [0.1.{i}] - 2024-01-0{i}\n\n### Fixed\n\n- a\n\n"))
            .collect();
        let plain = format!("{HEAD}{plain}").replacen("### Fixed", "### Other", 1);
        assert_eq!(at(&plain, CHANGE_TYPE), ["7:5"], "{:?}", run(&plain));
        let forced = LintOptions {
            format: ChangelogFormat::KeepAChangelog,
            ..LintOptions::default()
        };
        assert_eq!(at_with(&src, CHANGE_TYPE, &forced).len(), 1);
    }

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
        // A file that changed spelling: its newer releases' name is its convention now, even
        // used fewer times than the older one (cargo-release: 18 newest `Fixes`, 19 `Fixed`).
        let mut switched = HEAD.to_string();
        for v in ["1.6.0", "1.5.0", "1.4.0"] {
            switched.push_str(&release(v, &["Fixes"]));
        }
        for v in ["1.3.0", "1.2.0", "1.1.0", "1.0.0"] {
            switched.push_str(&release(v, &["Fixed"]));
        }
        assert!(
            at(&switched, CHANGE_TYPE).is_empty(),
            "{:?}",
            run(&switched)
        );
        // Once back to the older one, the newer is the slip again.
        let back = format!(
            "{HEAD}{}{}",
            release("1.7.0", &["Fixed"]),
            &switched[HEAD.len()..]
        );
        assert_eq!(at(&back, CHANGE_TYPE).len(), 3, "{:?}", run(&back));
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
    fn the_file_s_compare_links_tell_how_tags_are_spelt() {
        let prefix = |link: &str| {
            let src = format!("# C\n\n## [2.0] - 2024-01-31\n\n- x\n\n[2.0]: {link}\n");
            let model = parse("C.md", src.as_bytes(), &LintOptions::default()).unwrap();
            links_tag_prefix(&model)
        };
        assert_eq!(prefix("https://x/compare/v1.0...v2.0"), Some("v".into()));
        assert_eq!(prefix("https://x/compare/1.0...2.0"), Some(String::new()));
        assert_eq!(
            prefix("https://x/compare/app-v1.0...app-v2.0"),
            Some("app-v".into())
        );
        // A link to another release's tag, or one that is no comparison, tells nothing.
        assert_eq!(prefix("https://x/compare/v1.0...v12.0"), None);
        assert_eq!(prefix("https://x/releases/tag/v2.0"), None);
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
        // Two dots, GitLab's `/-/compare/`, bare versions, package-prefixed tags and the
        // default branch for HEAD (tomlkit's `...master`) are fine.
        for (from, to) in [
            ("v1.0.0..v1.1.0", "v1.1.0..HEAD"),
            ("1.0.0...1.1.0", "1.1.0...HEAD"),
            ("pkg-v1.0.0...pkg-v1.1.0", "pkg-v1.1.0...HEAD"),
            ("v1.0.0...v1.1.0", "v1.1.0...master"),
            ("v1.0.0...v1.1.0", "v1.1.0...main"),
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
        // A stale start in the file's own spelling (bare) is corrected in that spelling.
        let bare = stale
            .replace("/v1.", "/1.")
            .replace("v1.0.0...", "1.0.0...");
        assert_eq!(
            diag(&bare, LINK_COMPARE).help.unwrap(),
            "use `https://github.com/o/r/compare/1.1.0...HEAD`"
        );
        assert_eq!(
            at(&stale.replace("...HEAD", "...develop"), LINK_COMPARE),
            ["13:46"]
        );
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
        assert_eq!(
            newest_release(&m, false).map(|s| s.label.text),
            Some("1.3.0-rc.1")
        );
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
        // Below a pre-release of a higher version only (date-fns' `v5.0.0-alpha.0` above
        // `v4.4.0`), 1.2.0 is the newest final release.
        let (s, problems) = entry_problems(&m, "1.2.0", ChangelogScheme::Semver, "v", false);
        assert_eq!(s.map(|s| s.heading.pos.line), Some(9));
        assert_eq!(problems, [EntryProblem::Undated]);
        // Below a final release, or a pre-release of its own version or a lower one, it is not.
        for above in ["1.2.1", "1.2.0-rc.1", "1.1.0-rc.1"] {
            let src = format!(
                "# C\n\n## [1.3.0-rc.1] - 2024-02-02\n\n- a\n\n## [{above}] - 2024-02-01\n\n- b\n\n\
                 ## [1.2.0] - 2024-01-01\n\n- c\n"
            );
            let m = Changelog::parse(src.as_bytes()).unwrap();
            assert_eq!(
                entry_problems(&m, "1.2.0", ChangelogScheme::Semver, "v", false).1,
                [EntryProblem::NotNewest {
                    newest: "1.3.0-rc.1".into(),
                    line: 3,
                    below: false
                }],
                "{above}"
            );
        }
        assert_eq!(
            entry_problems(&m, "9.9.9", ChangelogScheme::Semver, "v", false).1,
            [EntryProblem::Missing]
        );
        assert!(
            entry_problems(&m, "1.3.0-rc.1", ChangelogScheme::Semver, "v", false)
                .1
                .is_empty()
        );
    }

    #[test]
    fn a_release_in_the_file_s_undated_form_needs_no_date() {
        // traitlets: the releases of the last years undated, a few old ones dated.
        let undated: String = (1..=4)
            .rev()
            .map(|i| format!("## 2.{i}.0\n\n- x\n\n"))
            .collect();
        let src = format!(
            "# C\n\n{undated}## 1.1.0 (2020-01-02)\n\n- y\n\n## 1.0.0 (2020-01-01)\n\n- z\n"
        );
        let m = Changelog::parse(src.as_bytes()).unwrap();
        assert!(m.dates_releases());
        assert_eq!(
            entry_problems(&m, "2.4.0", ChangelogScheme::Semver, "v", false).1,
            []
        );
        let with = LintOptions {
            release: Some("2.4.0".into()),
            ..LintOptions::default()
        };
        assert!(at_with(&src, MISSING_RELEASE, &with).is_empty());
        assert!(at(&src, DATE_MISSING).is_empty());
        // Where the file's form is dated, an undated newest release still needs its date.
        let dated = "# C\n\n## 2.0.0\n\n- x\n\n## 1.2.0 (2020-01-03)\n\n- y\n\n\
                     ## 1.1.0 (2020-01-02)\n\n- y\n\n## 1.0.0 (2020-01-01)\n\n- z\n";
        let m = Changelog::parse(dated.as_bytes()).unwrap();
        assert_eq!(
            entry_problems(&m, "2.0.0", ChangelogScheme::Semver, "v", false).1,
            [EntryProblem::Undated]
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
