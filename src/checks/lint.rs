//! lint-changelog, the binary: which file, which mode (`--release`, `--notes`, `--explain`).
//!
//! The changelog model lives in [`crate::changelog`] and its rules in
//! [`crate::checks::changelog`]; this module only finds and reads the file and picks the mode.

use std::path::{Path, PathBuf};

use crate::checks::changelog::{self, LintOptions};
use crate::cli::{self, Common, Ctx, Flag, Tool};
use crate::config::{self, Config};
use crate::diag::{Diagnostic, Report, RuleDoc, Severity};
use crate::error::{Error, Result};
use crate::hook::Hook;

pub const TOOL: Tool = Tool {
    name: "lint-changelog",
    usage: "\
lint-changelog: a Keep a Changelog linter with exact line:column findings

Usage: lint-changelog [OPTIONS] [FILE]

FILE defaults to changelog.path, else CHANGELOG.md, CHANGELOG, CHANGES.md or HISTORY.md at the
work-tree root. Lenient where real changelogs deviate harmlessly, strict where automation breaks
(duplicates, impossible dates, order, stray headings that cut release notes short).

Options:
      --release <VERSION>    Also require a dated, non-yanked section for VERSION that is the
                             newest release and has notes
      --notes <VERSION|unreleased>
                             Print that section's body as written (for gh release --notes-file);
                             exit 1 if there is none
      --explain <RULE>       Print what a rule finds, why, and a failing and a passing example
",
    reads_git: false,
    needs: crate::conventions::Needs::FILES,
    hooks: &[Hook::PreCommit, Hook::PrePush],
};

pub const RULES: &[RuleDoc] = &[RuleDoc {
    id: "changelog-not-found",
    tool: "lint-changelog",
    severity: Severity::Note,
    summary: "no FILE was given, none is configured and none of the usual names exists",
    why: "A repository without a changelog has nothing to lint; `--release` and `--notes` still fail without one.",
    bad: "(none: this is a note)",
    good: "lint-changelog CHANGELOG.md",
}];

/// Every rule this binary reports: the changelog rules and its own.
fn all_rules() -> impl Iterator<Item = &'static RuleDoc> {
    changelog::RULES.iter().chain(RULES)
}

/// What `--explain RULE` prints, for any rule in [`all_rules`].
fn explain(rule: &str) -> Option<String> {
    all_rules()
        .find(|r| r.id == rule)
        .map(changelog::explain_doc)
}

/// The names looked for at the work-tree root, in order.
pub const DEFAULT_NAMES: [&str; 4] = ["CHANGELOG.md", "CHANGELOG", "CHANGES.md", "HISTORY.md"];

/// lint-changelog's own flags.
#[derive(Debug, Default)]
pub struct Args {
    pub file: Option<PathBuf>,
    pub release: Option<String>,
    pub notes: Option<String>,
    pub explain: Option<String>,
}

pub fn flag(a: &mut Args, _: &mut Common, flag: Flag, parser: &mut lexopt::Parser) -> Result<()> {
    match flag {
        Flag::Long(l) if l == "release" => a.release = Some(cli::value(parser, "--release")?),
        Flag::Long(l) if l == "notes" => a.notes = Some(cli::value(parser, "--notes")?),
        Flag::Long(l) if l == "explain" => a.explain = Some(cli::value(parser, "--explain")?),
        Flag::Value(v) if a.file.is_none() => a.file = Some(PathBuf::from(v)),
        other => return Err(other.unexpected()),
    }
    Ok(())
}

/// The configured changelog, else the first of the usual names: `(path, name to show)`.
/// A configured path that does not exist is an error; none of the usual names is `None`.
pub fn find_file(root: &Path, config: &Config) -> Result<Option<(PathBuf, String)>> {
    if let Some(p) = &config.changelog.path {
        let path = config::contained_path(root, p)?;
        if !path.is_file() {
            return Err(Error::new(format!(
                "changelog.path `{p}` does not exist; expected a file relative to the work-tree root"
            )));
        }
        let real = config::resolve_inside(root, &path, p)?;
        return Ok(Some((real, p.clone())));
    }
    // A changelog found in the repository must be a file of the repository, not a symlink out.
    DEFAULT_NAMES
        .iter()
        .map(|n| (root.join(n), n.to_string()))
        .find(|(p, _)| p.is_file())
        .map(|(p, n)| config::resolve_inside(root, &p, &n).map(|real| (real, n)))
        .transpose()
}

/// Reads a changelog; files over 256 MiB are refused rather than read.
pub fn read_file(path: &Path, shown: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::new(format!("cannot read {shown}")).caused_by(e))?;
    if !meta.is_file() {
        return Err(Error::new(format!("{shown} is not a file")));
    }
    if meta.len() > 256 * 1024 * 1024 {
        return Err(Error::new(format!(
            "{shown} is {} bytes; a changelog is expected under 256 MiB",
            meta.len()
        )));
    }
    std::fs::read(path).map_err(|e| Error::new(format!("cannot read {shown}")).caused_by(e))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<Report> {
    let mut report = ctx.report()?;
    if let Some(rule) = &args.explain {
        return match explain(rule) {
            Some(text) => {
                report.raw_output = Some(text.into_bytes());
                Ok(report)
            }
            None => {
                let ids: Vec<&str> = all_rules().map(|r| r.id).collect();
                let mut m = format!("unknown rule `{}` for --explain", crate::diag::escape(rule));
                if let Some(best) = config::nearest(rule, ids.iter().copied()) {
                    m.push_str(&format!(" (did you mean `{best}`?)"));
                }
                m.push_str(&format!("; lint-changelog's rules: {}", ids.join(", ")));
                Err(Error::new(m))
            }
        };
    }
    let config = &ctx.config()?.config;
    let (path, shown) = match &args.file {
        Some(f) => (f.clone(), f.display().to_string()),
        None => match find_file(&ctx.work_tree()?, config)? {
            Some(found) => found,
            None if args.release.is_some() || args.notes.is_some() => {
                return Err(Error::new(format!(
                    "no changelog found at the work-tree root (looked for {}); pass FILE or set changelog.path",
                    DEFAULT_NAMES.join(", ")
                )));
            }
            None => {
                report.push(Diagnostic::note(
                    "changelog-not-found",
                    format!(
                        "no changelog to lint (looked for {})",
                        DEFAULT_NAMES.join(", ")
                    ),
                ));
                return Ok(report);
            }
        },
    };
    let bytes = read_file(&path, &shown)?;
    if let Some(v) = &args.notes {
        match changelog::notes(&bytes, v).map_err(|e| Error::new(format!("{shown}: {e}")))? {
            Some(body) => report.raw_output = Some(body),
            None => report.push(
                Diagnostic::error(
                    "changelog-missing-release",
                    format!("{shown} has no section for {v}"),
                )
                .in_file(shown.clone()),
            ),
        }
        return Ok(report);
    }
    let opts = LintOptions {
        scheme: config.changelog.scheme,
        extra_types: config.changelog.extra_types.clone(),
        release: args.release.clone(),
        tag_prefix: config.tags.prefix.clone(),
    };
    report.extend(changelog::lint(&shown, &bytes, &opts)?);
    // After `[rules]`: a file whose only findings are turned off is clean.
    if report.diagnostics.is_empty() {
        report.pass(format!("{shown}: ok"));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_covers_this_binarys_own_rules() {
        let text = explain("changelog-not-found").unwrap();
        assert!(
            text.starts_with("changelog-not-found (note, lint-changelog)"),
            "{text}"
        );
        assert!(explain(changelog::DATE_INVALID).is_some());
        assert!(explain("changelog-nope").is_none());
    }
}
