//! The reference of every `lint-changelog` rule (what `--explain` prints and docs/rules.md
//! lists): what it finds, why, a failing and a passing example, how to fix it, and which
//! dialects it applies to. Text only; the rules themselves are in the parent module.

use std::fmt::Write as _;

use crate::diag::{RuleDoc, Severity};

use super::*;

/// What `--explain dialects` prints, and docs/rules.md opens the lint-changelog rules with.
pub const DIALECTS: &str = "\
Dialects. A changelog is linted against its own convention. The release headings tell it: \
their level (1 or 2, ATX or setext), how the version is written (`[1.2.0]`, `1.2.0`, `v1.2.0`, \
`Version 1.2.0`, a linked `[1.2.0](url)`) and the date (` - 2024-01-31`, ` (2024-01-31)`, \
` – 2024-01-31`, `(6th December, 2024)`, `(July 20th, 2026)`, in the first line of the body as \
`Released 2024-01-31`, or none). The shape most release headings have is the file's form; \
another shape the file uses for a run of releases (at least 3, and 1 in 20) is accepted too \
(an era of its history, majors written one level up, patches one level down), and so is the \
heading a project's towncrier is set to write into that file (`title_format` in \
`towncrier.toml` or `[tool.towncrier]` beside it), from its first release. This covers \
Keep a Changelog (`## [1.2.0] - 2024-01-31`), commitizen (`## v1.2.0 (2024-01-31)`), \
conventional-changelog, release-please and standard-version (`## [1.2.0](url) (2024-01-31)`), \
towncrier (`## 1.2.0 (2024-01-31)`), changesets (`## 1.2.0`), git-cliff and release-plz \
(`## [1.2.0](url) - 2024-01-31`), Pallets (`## Version 1.2.0` then `Released 2024-01-31`), \
setext headings (ripgrep) and level-1 releases (tokio, bat). Version series such as \
`## 0.11.x` point at archived changelogs and are no releases, and so do `Older`, `Older \
releases`, `Earlier versions`, `Previous releases` or `Archive` alone in their heading (log's \
and darts' changelogs end with one). Where releases link to their \
comparison with the release before (`## [1.2.0](url) - 2024-01-31`), the last one may be \
unlinked: a generator has nothing to compare the first release with. The unreleased section is \
`Unreleased` (any case, bracketed or not) or `TBD` (ripgrep's) wherever it is, and, as the \
file's first section, the names projects give it: `dev` (requests'), `Development`, `In \
development`, `Upcoming`, `Next`, `Next release` (mypy's), `vNext`, `Not yet released`, `main`, \
`master` or `HEAD`, alone in their heading.

A file is Keep a Changelog when its releases are level-2 headings `[X] - YYYY-MM-DD` \
(brackets optional; the same spelling on level-1 releases, as in pre-commit's changelog, is a \
convention of its own), when it names keepachangelog.com before its first section, when it \
has a bracketed `[Unreleased]` section, or when `changelog.format = \"keep-a-changelog\"`. The \
Keep a Changelog rules (changelog-unreleased-missing, changelog-unreleased-position, \
changelog-change-type, changelog-link-missing, changelog-link-unused, changelog-link-compare) \
apply to those files only. Their release headings are held to Keep a Changelog's grammar \
(`[X] - YYYY-MM-DD`, level 2), unless the file writes its releases in a shape of its own (three \
or more): then that shape is its form. A run of releases in another tool's dated convention \
(at least 3, and 1 in 20: clap's `## v2.32.0 (2018-06-26)` from before it took up the format, \
date-fns' `## v4.1.0 - 2024-09-17` since) is judged by that convention, as an era of the \
file's history (not under `changelog.format = \"keep-a-changelog\"`); Keep a Changelog's own \
heading with its separator mistyped (`## [1.2.0] 2024-01-31`) or without a date is no \
convention, and is reported wherever it is. Where such an era spells its versions with a `v`, \
so does every release heading of the file (an undated `## v2.30.0` is a missing date, not also \
an invalid version). Every other rule applies to every dialect: \
duplicates, impossible dates, version and date order, empty releases, `--release` and `--notes`.
";

/// Which dialects a rule applies to.
pub fn applies_to(rule: &str) -> Option<&'static str> {
    Some(match rule {
        UNRELEASED_MISSING | UNRELEASED_POSITION | CHANGE_TYPE | LINK_MISSING | LINK_UNUSED
        | LINK_COMPARE => "Keep a Changelog files (see `--explain dialects`)",
        HEADING => {
            "every dialect, each against its own form (Keep a Changelog files against its grammar)"
        }
        DATE_INVALID => "every dialect; the `YYYY-MM-DD` spelling only in Keep a Changelog files",
        DATE_MISSING => "every dialect whose releases are dated",
        TITLE => {
            "a missing title: Keep a Changelog files (other conventions, generated files \
             among them, often have none); text before the title: every dialect"
        }
        VERSION_INVALID
        | VERSION_ORDER
        | DATE_ORDER
        | DUPLICATE_VERSION
        | DUPLICATE_CHANGE_TYPE
        | EMPTY_SECTION
        | EMPTY_RELEASE
        | MISSING_RELEASE => "every dialect",
        _ => return None,
    })
}

/// Every rule of `lint-changelog`, as `--explain` and docs/rules.md show them.
pub const RULES: &[RuleDoc] = &[
    RuleDoc {
        id: TITLE,
        tool: TOOL,
        severity: Severity::Warn,
        summary: "the file does not open with a level-1 heading",
        why: "A changelog opens with its title (`# Changelog`) so readers and tools know what the \
              file is. Text or a release heading before any title usually means a broken header \
              or a file that is not a changelog. HTML comments (markdownlint switches, \
              `<!-- next-header -->`) may come first; they are invisible.",
        bad: "Notable changes to this project.\n\n# Changelog\n",
        good: "# Changelog\n\nNotable changes to this project.\n",
    },
    RuleDoc {
        id: UNRELEASED_MISSING,
        tool: TOOL,
        severity: Severity::Warn,
        summary: "no `[Unreleased]` section",
        why: "Keep a Changelog keeps an `[Unreleased]` section at the top so changes are written \
              down as they land, not reconstructed at release time. It may be empty: an empty \
              `[Unreleased]` right after a release is normal and never reported.",
        bad: "# Changelog\n\n## [1.0.0] - 2024-01-31\n\n### Added\n\n- First release.\n",
        good: "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2024-01-31\n\n### Added\n\n- First release.\n",
    },
    RuleDoc {
        id: UNRELEASED_POSITION,
        tool: TOOL,
        severity: Severity::Error,
        summary: "`[Unreleased]` is not the first release section (or appears twice)",
        why: "Release tooling reads `[Unreleased]` as \"everything above the newest release\"; \
              one below a release, or a second one, puts entries in the wrong release's notes.",
        bad: "## [1.1.0] - 2024-03-01\n\n- Fix.\n\n## [Unreleased]\n\n- New thing.\n",
        good: "## [Unreleased]\n\n- New thing.\n\n## [1.1.0] - 2024-03-01\n\n- Fix.\n",
    },
    RuleDoc {
        id: HEADING,
        tool: TOOL,
        severity: Severity::Error,
        summary: "a heading at the release level that is neither the unreleased section nor a release \
                  in the file's dialect (Keep a Changelog: `[X] - YYYY-MM-DD`, brackets optional, \
                  optional ` [YANKED]`), or a release written unlike the file's other releases",
        why: "Tools that extract release notes (parse-changelog, release-plz, cargo-dist) cut a \
              release at the next heading of the same level, so `## Highlights` inside a release \
              silently truncates its notes, and a release heading in a shape the file does not \
              otherwise use is a typo or is not recognised as a release at all. Each file is \
              judged by its own convention (its dialect): the release level and the shape most \
              of its release headings have (`## [1.2.0] - 2024-01-31`, `## v1.2.0 (2024-01-31)`, \
              `## [1.2.0](url) (2024-01-31)`, `# 1.2.0 (July 20th, 2026)`, `## Version 1.2.0`, \
              setext), plus any other shape it uses for a run of releases (an era of its \
              history, majors one level up). A Keep a Changelog file is held to that format's \
              grammar. A heading is reported once, with the file's form and an example.",
        bad: "## [1.2.0] 2024-01-31\n\n## Highlights\n\n- Faster.\n\n## [1.1.0] - 2024-01-01\n\n- Fix.\n",
        good: "## [1.2.0] - 2024-01-31\n\n**Highlights**\n\n- Faster.\n\n## [1.1.0] - 2024-01-01\n\n- Fix.\n",
    },
    RuleDoc {
        id: VERSION_INVALID,
        tool: TOOL,
        severity: Severity::Error,
        summary: "the version is not valid SemVer (or PEP 440 with `changelog.scheme = \"pep440\"`)",
        why: "Versions are compared to order releases, find duplicates and match tags; a version \
              that does not parse cannot be compared and usually does not match the tag that will \
              be pushed. The scheme follows the project (PEP 440 where every version source is \
              Python, so `1.2.0b3` is valid there). Under Keep a Changelog the heading holds the \
              version itself (`[v1.2]` is invalid); a dialect that writes `v1.2.0` or \
              `Version 1.2.0` names the version after the prefix, and outside Keep a Changelog a \
              short release number (`0.7`) reads as `0.7.0`. Version series (`0.11.x`) point at \
              archived changelogs and are no releases.",
        bad: "## [Unreleased]\n\n## [v1.2] - 2024-01-31\n\n- Fix.\n",
        good: "## [Unreleased]\n\n## [1.2.0] - 2024-01-31\n\n- Fix.\n",
    },
    RuleDoc {
        id: DATE_MISSING,
        tool: TOOL,
        severity: Severity::Error,
        summary: "a release without a date",
        why: "A release of a dated convention without its date is usually a release that was \
              never finished (or an unreleased section under another name). Files whose \
              convention has no dates (or a run of undated old releases) are not reported; a \
              date in the first line of the body (`Released 2024-11-28`) counts where the \
              convention puts it there.",
        bad: "## [Unreleased]\n\n## [1.2.0]\n\n- Fix.\n",
        good: "## [Unreleased]\n\n## [1.2.0] - 2024-01-31\n\n- Fix.\n",
    },
    RuleDoc {
        id: DATE_INVALID,
        tool: TOOL,
        severity: Severity::Error,
        summary: "the date is not `YYYY-MM-DD` (Keep a Changelog), or there is no such day \
                  (`2023-02-30`, `February 30th, 2024`)",
        why: "Impossible days are typos that tools either reject or silently roll over into \
              another month; every dialect's dates are read (`6th December, 2024`, `July 20th, \
              2026`, `2016/3/20`) and checked against the calendar. Keep a Changelog also asks \
              for ISO 8601 `YYYY-MM-DD`, which sorts and parses everywhere.",
        bad: "## [1.2.0] - 2023-02-30\n",
        good: "## [1.2.0] - 2023-02-28\n",
    },
    RuleDoc {
        id: VERSION_ORDER,
        tool: TOOL,
        severity: Severity::Error,
        summary: "a release is not lower (by precedence) than the one above it",
        why: "Releases go newest first. Tools take the first release as the latest one, so a \
              release out of order publishes the wrong notes. Order is SemVer precedence \
              (`1.0.0-rc.10` > `1.0.0-rc.9`, build metadata ignored) or PEP 440 ordering. A \
              file in date order may put a maintenance release of an older line (`[1.1.15]`) \
              above the newer line's earlier releases when its date is the later one. A file \
              that lists three releases or more oldest first, each above the next, gets one \
              finding at its first release; its last release is then its newest, and its \
              dates are judged in its own order.",
        bad: "## [1.1.0] - 2024-03-01\n\n- Fix.\n\n## [1.2.0] - 2024-02-01\n\n- Feature.\n",
        good: "## [1.2.0] - 2024-03-01\n\n- Feature.\n\n## [1.1.0] - 2024-02-01\n\n- Fix.\n",
    },
    RuleDoc {
        id: DATE_ORDER,
        tool: TOOL,
        severity: Severity::Warn,
        summary: "a release is dated later than the one above it",
        why: "Dates that go up while versions go down are usually a typo in one of the two dates. \
              A patch release of an older line below a newer line's release (`1.51.4` under \
              `1.52.0`, a backport) is not reported: it is normally the later one. It is only a \
              warning: other maintenance releases can be newer than the release above them too.",
        bad: "## [1.6.2] - 2024-02-28\n\n- Fix.\n\n## [1.6.1] - 2024-12-24\n\n- Fix.\n",
        good: "## [1.6.2] - 2025-02-28\n\n- Fix.\n\n## [1.6.1] - 2024-12-24\n\n- Fix.\n",
    },
    RuleDoc {
        id: DUPLICATE_VERSION,
        tool: TOOL,
        severity: Severity::Error,
        summary: "a version appears twice (reported at the second, naming the first's line)",
        why: "With two sections for one version, parse-changelog fails and release tools publish \
              empty or wrong notes. Versions are compared by precedence, so `1.0.0+a` and \
              `1.0.0+b` are the same release.",
        bad: "## [0.15.0] - 2023-03-13\n\n- A.\n\n## [0.15.0] - 2023-03-13\n\n- B.\n",
        good: "## [0.15.0] - 2023-03-13\n\n- A.\n- B.\n",
    },
    RuleDoc {
        id: CHANGE_TYPE,
        tool: TOOL,
        severity: Severity::Error,
        summary: "a level-3 heading in a release that is not Added, Changed, Deprecated, Removed, \
                  Fixed or Security (extra types via `changelog.extra-types`)",
        why: "Keep a Changelog groups changes under six types so readers find what matters to \
              them; near misses (`### Fixes`, `### [Fixed]`, `### added`) break tools that \
              group by type. A type the file itself names in three or more releases is part of \
              its vocabulary (`### Features` throughout is a convention, not a mistake); then \
              only a slip of one of its types is reported (`### Changes` where the file writes \
              `### Changed`); a file that changed spelling keeps its newer releases' one. A \
              file written as release-plz writes it (`## [1.2.0](compare-url) - 2024-01-31`) \
              may use `### Other`, release-plz's group for the rest. More types can be listed \
              in `changelog.extra-types`; `changelog.format = \"keep-a-changelog\"` allows \
              the six alone.",
        bad: "## [1.2.0] - 2024-01-31\n\n### Fixes\n\n- Crash on start.\n",
        good: "## [1.2.0] - 2024-01-31\n\n### Fixed\n\n- Crash on start.\n",
    },
    RuleDoc {
        id: DUPLICATE_CHANGE_TYPE,
        tool: TOOL,
        severity: Severity::Error,
        summary: "a change type twice in one release",
        why: "Two `### Fixed` headings in one release split its entries; tools that read a \
              release as a map of types keep only one of them.",
        bad: "## [1.2.0] - 2024-01-31\n\n### Fixed\n\n- A.\n\n### Fixed\n\n- B.\n",
        good: "## [1.2.0] - 2024-01-31\n\n### Fixed\n\n- A.\n- B.\n",
    },
    RuleDoc {
        id: EMPTY_SECTION,
        tool: TOOL,
        severity: Severity::Warn,
        summary: "a change-type heading with no entries (`[Unreleased]` templates excepted)",
        why: "An empty `### Added` promises changes that are not there; it is usually a template \
              left behind. Empty type headings under `[Unreleased]` are a normal template and \
              are not reported.",
        bad: "## [1.2.0] - 2024-01-31\n\n### Added\n\n### Fixed\n\n- Crash on start.\n",
        good: "## [1.2.0] - 2024-01-31\n\n### Fixed\n\n- Crash on start.\n",
    },
    RuleDoc {
        id: EMPTY_RELEASE,
        tool: TOOL,
        severity: Severity::Warn,
        summary: "a release with no content at all",
        why: "An empty release section produces empty release notes on GitHub and in package \
              registries. HTML comments and thematic breaks are not content.",
        bad: "## [1.2.0] - 2024-01-31\n\n## [1.1.0] - 2024-01-01\n\n- Fix.\n",
        good: "## [1.2.0] - 2024-01-31\n\n- Faster start-up.\n\n## [1.1.0] - 2024-01-01\n\n- Fix.\n",
    },
    RuleDoc {
        id: LINK_MISSING,
        tool: TOOL,
        severity: Severity::Warn,
        summary: "a bracketed version label with no link reference definition",
        why: "`## [1.2.0]` is a link only when `[1.2.0]: URL` is defined somewhere in the file \
              (labels match case-insensitively); without it the brackets render literally and \
              the version is not linkable. `[YANKED]` is a marker, never a label. The \
              definition the help suggests starts with the repository the file's other links \
              name, else the default remote's web address (`git@github.com:o/r.git` gives \
              `https://github.com/o/r`), and spells tags with `tags.prefix`; when no setting or release tool gives \
              it, as the file's compare links do, else as most of the repository's version \
              tags do (`1.2.0` or `v1.2.0`).",
        bad: "## [1.2.0] - 2024-01-31\n\n- Fix.\n",
        good: "## [1.2.0] - 2024-01-31\n\n- Fix.\n\n[1.2.0]: https://github.com/o/r/compare/v1.1.0...v1.2.0\n",
    },
    RuleDoc {
        id: LINK_UNUSED,
        tool: TOOL,
        severity: Severity::Warn,
        summary: "a definition whose label looks like a version but names no section",
        why: "A version link without its section is left over from a renamed or removed \
              release, or its label has a typo so the real section is not linked. Only \
              version-like labels (and `[unreleased]`) are checked, and a definition that a \
              link in the text uses (`needs [v3.0.0][] of the server`) is not reported: issue, \
              PR and user links are the file's business.",
        bad: "## [1.2.0] - 2024-01-31\n\n- Fix.\n\n[1.2.0]: https://example.com/1.2.0\n[1.1.9]: https://example.com/1.1.9\n",
        good: "## [1.2.0] - 2024-01-31\n\n- Fix.\n\n[1.2.0]: https://example.com/1.2.0\n",
    },
    RuleDoc {
        id: LINK_COMPARE,
        tool: TOOL,
        severity: Severity::Warn,
        summary: "a compare link that does not go from the previous release's tag to this one's \
                  (`.../compare/v1.0.0...v1.1.0`; Unreleased ends at `HEAD`)",
        why: "Compare links are edited by hand at each release and go stale: `[Unreleased]` \
              still comparing from the release before last, or a copied line that compares the \
              wrong pair. Only GitHub/GitLab `/compare/A...B` (or `A..B`) links are checked. The \
              previous release is the highest lower version (so maintenance releases listed by \
              date are judged fairly), the release below, or for a final release the previous \
              final one. Tags are `<tags.prefix><version>`; links that consistently use bare \
              versions or a package name before the prefix (`pkg-v1.2.0`) are accepted. The \
              oldest release may link to a tag page instead.",
        bad: "## [Unreleased]\n\n## [1.1.0] - 2024-02-01\n\n- Fix.\n\n## [1.0.0] - 2024-01-01\n\n- First.\n\n\
              [unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD\n\
              [1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\n\
              [1.0.0]: https://github.com/o/r/releases/tag/v1.0.0\n",
        good: "## [Unreleased]\n\n## [1.1.0] - 2024-02-01\n\n- Fix.\n\n## [1.0.0] - 2024-01-01\n\n- First.\n\n\
               [unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD\n\
               [1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\n\
               [1.0.0]: https://github.com/o/r/releases/tag/v1.0.0\n",
    },
    RuleDoc {
        id: MISSING_RELEASE,
        tool: TOOL,
        severity: Severity::Error,
        summary: "with `--release X`: no dated, non-yanked section for X that is the newest \
                  release and has notes",
        why: "Run before tagging (or in the tag's CI job), this stops a release whose changelog \
              entry was forgotten, left under `[Unreleased]`, left undated, or written below an \
              older version, which would publish empty or wrong release notes. Pre-releases of \
              higher versions above X (`2.0.0-rc.1` above a `1.9.0` cut from the 1.x line) do \
              not make it older. A section written in an undated form the file has established \
              for three releases or more (its newer releases undated, a few old ones dated) \
              needs no date, as the lint itself does not ask one.",
        bad: "$ lint-changelog --release 1.3.0   # CHANGELOG.md:\n## [Unreleased]\n\n- New thing.\n\n## [1.2.0] - 2024-01-31\n\n- Fix.\n",
        good: "$ lint-changelog --release 1.3.0   # CHANGELOG.md:\n## [Unreleased]\n\n## [1.3.0] - 2024-03-01\n\n- New thing.\n\n## [1.2.0] - 2024-01-31\n\n- Fix.\n",
    },
];

/// How to fix a finding of each rule, for `--explain` and the rules reference.
pub fn how_to_fix(rule: &str) -> Option<&'static str> {
    Some(match rule {
        TITLE => {
            "Start the file with `# Changelog` (comments may precede it); move any \
                  introduction below the title."
        }
        UNRELEASED_MISSING => "Add `## [Unreleased]` above the newest release.",
        UNRELEASED_POSITION => {
            "Move the `[Unreleased]` section above every release, and merge a \
                                second one into the first."
        }
        HEADING => {
            "Write the release heading the way the file's other releases are written (the \
                    help shows the form and an example, or the heading rewritten); turn other \
                    headings at the release level into bold text or list items, and change types \
                    into headings one level down."
        }
        VERSION_INVALID => {
            "Write the version as the scheme wants it (the help shows the version \
                            rewritten where it can), or set `changelog.scheme` to the project's \
                            scheme."
        }
        DATE_MISSING => "Add the release date in the file's form (the help shows it).",
        DATE_INVALID => {
            "Write a real day (as `YYYY-MM-DD` in Keep a Changelog files); the help names the nearest valid date."
        }
        VERSION_ORDER => {
            "Move the section so releases go from newest to oldest, or correct the \
                          version."
        }
        DATE_ORDER => {
            "Correct the mistyped date (the help names both); a maintenance release of \
                       an older line may keep its date and the warning can be switched off."
        }
        DUPLICATE_VERSION => "Merge the two sections, or correct the version of one of them.",
        CHANGE_TYPE => {
            "Rename the heading to the suggested type, or list the type in \
                        `changelog.extra-types`."
        }
        DUPLICATE_CHANGE_TYPE => "Merge the entries under the first heading and remove the second.",
        EMPTY_SECTION => "Add entries under the heading or remove it.",
        EMPTY_RELEASE => "Write what changed in the release, or remove the section.",
        LINK_MISSING => {
            "Add the definition shown in the help at the end of the file, or drop the \
                         brackets."
        }
        LINK_UNUSED => "Remove the definition, or correct its label to the section's version.",
        LINK_COMPARE => "Replace the URL with the one shown in the help.",
        MISSING_RELEASE => {
            "Rename `[Unreleased]` to `[X] - YYYY-MM-DD` (adding a new empty \
                            `[Unreleased]` above it), date it, and make sure it is the topmost \
                            release with entries."
        }
        _ => return None,
    })
}

/// The text `lint-changelog --explain RULE` prints (`dialects` explains the dialects).
pub fn explain(rule: &str) -> Option<String> {
    if rule == "dialects" {
        return Some(DIALECTS.to_string());
    }
    RULES.iter().find(|r| r.id == rule).map(explain_doc)
}

/// The `--explain` text of one rule (also for rules documented outside [`RULES`]).
pub fn explain_doc(doc: &RuleDoc) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} ({}, {})\n", doc.id, doc.severity.as_str(), doc.tool);
    let _ = writeln!(s, "{}.\n", capitalise(doc.summary));
    let _ = writeln!(s, "Why: {}\n", doc.why);
    let _ = writeln!(s, "Fails:\n{}", indent(doc.bad));
    let _ = writeln!(s, "Passes:\n{}", indent(doc.good));
    if let Some(fix) = how_to_fix(doc.id) {
        let _ = writeln!(s, "Fix: {fix}");
    }
    if let Some(scope) = applies_to(doc.id) {
        let _ = writeln!(s, "Applies to: {scope}.");
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn indent(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}
