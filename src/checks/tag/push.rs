//! validate-tag as a git hook: `pre-push` (and a framework's pre-push stage) judges the tags a
//! push creates and refuses deleting or moving a release tag; `reference-transaction` refuses
//! creating a tag whose name is an invalid release tag.

use crate::cli::Ctx;
use crate::diag::{self, Diagnostic, Report};
use crate::error::{Error, Result};
use crate::git::Oid;
use crate::hook;
use crate::version::Spelling;

use super::{Judging, Scoped, TOOL, TagFacts, check_in_repo, check_name, check_one};

fn bypass() -> String {
    "to bypass this once: RELGATE_SKIP=validate-tag git ...".to_string()
}

/// The help of a push that deletes or moves a release tag.
fn immutable() -> String {
    format!(
        "released versions are immutable: release a new version instead; {}",
        bypass()
    )
}

pub(super) fn run_pre_push(ctx: &Ctx) -> Result<Report> {
    let input = hook::read_stdin()?;
    let lines = hook::parse_pre_push(&input)?;
    judge_push(ctx, &lines)
}

/// The framework's pushed ref: a tag is judged as a new tag (a move or a deletion never reaches
/// a framework hook); a branch push pushes no tag the framework can name.
pub(super) fn run_framework_push(ctx: &Ctx, push: &hook::FrameworkPush) -> Result<Report> {
    if let Some(line) = push.line() {
        return judge_push(ctx, &[line]);
    }
    let mut report = ctx.report()?;
    let Some(name) = push.remote_ref.strip_prefix("refs/tags/") else {
        report.pass("no tag is pushed");
        return Ok(report);
    };
    // The push starts at a root commit, so the framework names no object: the local tag of
    // that name is what is pushed.
    let config = &ctx.config()?.config;
    let mut scoped = Scoped::new(ctx.repo()?, config, 1)?;
    let (pkg_config, view) = scoped.for_tag(name)?;
    check_one(&pkg_config, Some(view), name, Judging::New, &mut report)?;
    Ok(report)
}

fn judge_push(ctx: &Ctx, lines: &[hook::PushLine]) -> Result<Report> {
    let mut report = ctx.report()?;
    let config = &ctx.config()?.config;
    let tag_lines: Vec<_> = lines
        .iter()
        .filter(|l| l.remote_ref.starts_with(b"refs/tags/"))
        .collect();
    if tag_lines.is_empty() {
        report.pass("no tag is pushed");
        return Ok(report);
    }
    let repo = ctx.repo()?;
    let mut scoped = Scoped::new(repo, config, tag_lines.len())?;
    for line in tag_lines {
        let remote = line.remote_ref_lossy();
        let name = remote["refs/tags/".len()..].to_string();
        if !scoped.is_candidate(&name) {
            continue;
        }
        if line.is_delete() {
            report.push(
                Diagnostic::error(
                    "tag-deleted",
                    format!("push deletes release tag {name} on the remote"),
                )
                .subject(remote.clone())
                .help(immutable()),
            );
            continue;
        }
        if !line.remote_oid.is_zero() {
            if line.remote_oid != line.local_oid {
                report.push(
                    Diagnostic::error(
                        "tag-moved",
                        format!("push moves release tag {name} on the remote to another object"),
                    )
                    .subject(remote.clone())
                    .help(immutable()),
                );
            }
            continue;
        }
        let (pkg_config, view) = scoped.for_tag(&name)?;
        let Some(tv) = check_name(&name, &pkg_config.tags, &mut report) else {
            continue;
        };
        let oid = Oid::from_hex(&line.local_oid.0).ok_or_else(|| {
            Error::new(format!(
                "pre-push names object {} for {name}, which is no object id",
                line.local_oid.0
            ))
        })?;
        let peeled = repo.peel(oid)?.ok_or_else(|| {
            Error::new(format!(
                "pre-push names object {oid} for {name}, which is not in the repository"
            ))
        })?;
        let facts = TagFacts {
            name: name.clone(),
            annotated: peeled.annotated,
            commit: peeled.commit(),
            peeled_kind: Some(peeled.kind),
            spelling: Spelling::Configured,
        };
        check_in_repo(view, &pkg_config, &facts, &tv, Judging::New, &mut report)?;
    }
    Ok(report)
}

/// The `reference-transaction` hook. It runs on every ref update git makes, so everything but
/// the creation of a tag in state `prepared` returns before the repository or the
/// configuration is loaded.
pub(super) fn run_reference_transaction(ctx: &Ctx) -> Result<Report> {
    let state = ctx
        .common
        .hook_args
        .first()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    let mut quiet = Report::new(TOOL.name);
    if state != "prepared" {
        return Ok(quiet);
    }
    let input = hook::read_stdin()?;
    let updates = hook::parse_reference_transaction(&input)?;
    let created: Vec<String> = updates
        .iter()
        .filter(|u| u.is_create() && u.name.starts_with(b"refs/tags/"))
        .map(|u| String::from_utf8_lossy(&u.name["refs/tags/".len()..]).into_owned())
        .collect();
    if created.is_empty() {
        quiet.pass("no tag is created");
        return Ok(quiet);
    }
    let mut report = ctx.report()?;
    let tags = &ctx.config()?.config.tags;
    for name in created {
        let before = report.diagnostics.len();
        check_name(&name, tags, &mut report);
        for d in &mut report.diagnostics[before..] {
            if d.rule == "tag-invalid" {
                d.help = Some(format!(
                    "{}; refusing to create refs/tags/{}. If this tag comes from `git fetch`, bypass once with \
                     RELGATE_SKIP=validate-tag git fetch ... (this reference-transaction hook is opt-in; \
                     `hooks/install --uninstall` removes it)",
                    d.help
                        .clone()
                        .unwrap_or_else(|| "use a valid release tag name".into()),
                    diag::escape(&name)
                ));
            }
        }
    }
    Ok(report)
}
