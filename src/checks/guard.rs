//! guard-master-commit: no commit, push or deletion lands on a protected branch by accident.
//!
//! Three questions, each a plain function over loaded data: is a commit being made on a
//! protected branch ([`check_commit`]), does a push target or delete one ([`check_push`]), and
//! did every commit on a branch's first-parent history arrive through review
//! ([`check_history`]: a merge, or a forge's squash or rebase merge, as `branches.history` says).
//! [`run`] loads what the mode needs and calls one of them. Nothing here writes.

use std::ffi::OsString;

use crate::cli::{self, Common, Ctx, Flag, Tool};
use crate::config::{BranchesConfig, History};
use crate::diag::{Diagnostic, Report, RuleDoc, Severity};
use crate::error::{Error, Result};
use crate::git::{CommitInfo, Head};
use crate::glob;
use crate::hook::{self, Hook, PushLine};

pub const TOOL: Tool = Tool {
    name: "guard-master-commit",
    usage: "\
guard-master-commit: refuse commits, pushes and deletions on protected branches

Usage: guard-master-commit [OPTIONS]
       guard-master-commit --pre-push [<remote> [<url>]]   (git's pre-push lines on stdin)
       guard-master-commit --history <BASE>..<HEAD>

As a pre-commit, pre-merge-commit or prepare-commit-msg hook it refuses a commit while HEAD is on
a protected branch (branches.protected, default main and master). Detached HEAD passes; so does
the first commit of a new repository (branches.allow-initial-commit) and, if allowed, a merge
(branches.allow-merge-commits). With no commit in progress (`pre-commit run --all-files`, CI)
it passes with a note. The remote's default branch (origin/HEAD) is protected too.

Options:
      --branch <NAME|GLOB>   A protected branch (repeatable; replaces branches.protected).
                             Globs match the whole name: release/* matches release/1.0
      --pre-push             Judge git's pre-push lines on stdin: pushing to or deleting a
                             protected branch fails
      --history <BASE>..<HEAD>
                             CI: every commit on HEAD's first-parent chain since BASE must have
                             arrived through review (branches.history: reviewed accepts merges
                             and GitHub/GitLab squash and rebase merges, merge only merges)
",
    reads_git: true,
    status: false,
    needs: crate::conventions::Needs::BRANCHES,
    hooks: &[
        Hook::PreCommit,
        Hook::PreMergeCommit,
        Hook::PrepareCommitMsg,
        Hook::PrePush,
    ],
};

pub const RULES: &[RuleDoc] = &[
    RuleDoc {
        id: "commit-to-protected-branch",
        tool: "guard-master-commit",
        severity: Severity::Error,
        summary: "a commit is being made while HEAD is on a protected branch",
        why: "Work on main should arrive through review. A hurried commit straight onto a protected branch skips CI on a pull request and is easy to push by reflex.",
        bad: "git switch main && git commit -m 'quick fix'",
        good: "git switch -c fix/quick && git commit -m 'quick fix'",
    },
    RuleDoc {
        id: "push-to-protected-branch",
        tool: "guard-master-commit",
        severity: Severity::Error,
        summary: "a push updates a protected branch on the remote",
        why: "A commit hook never sees `git push origin feature:main` or a detached `HEAD:main`; only the pre-push lines name the destination.",
        bad: "git push origin feature:main",
        good: "git push origin feature   # then open a pull request",
    },
    RuleDoc {
        id: "delete-protected-branch",
        tool: "guard-master-commit",
        severity: Severity::Error,
        summary: "a push deletes a protected branch on the remote",
        why: "Deleting main on the remote breaks every clone and open pull request.",
        bad: "git push origin :main",
        good: "git push origin :old-feature",
    },
    RuleDoc {
        id: "direct-commit-on-protected-branch",
        tool: "guard-master-commit",
        severity: Severity::Error,
        summary: "with --history: a commit on the first-parent chain of a protected branch did not arrive through review",
        why: "Hooks can be skipped (`--no-verify`, a fresh clone without them). In CI, the first-parent history of main shows what arrived without review. With branches.history = \"reviewed\" (the default) a merge commit, a commit GitHub made (committer `GitHub <noreply@github.com>`), a subject ending in `(#123)` or a `See merge request group/project!12` line counts as reviewed; `merge` accepts merge commits only; `off` accepts everything.",
        bad: "guard-master-commit --history v1.0.0..HEAD   # a commit pushed straight to main in the range",
        good: "guard-master-commit --history v1.0.0..HEAD   # only merges and squash merges such as `Fix parser (#123)`",
    },
];

/// guard-master-commit's own flags.
#[derive(Debug, Default)]
pub struct Args {
    pub branches: Vec<String>,
    pub history: Option<String>,
}

pub fn flag(
    a: &mut Args,
    common: &mut Common,
    flag: Flag,
    parser: &mut lexopt::Parser,
) -> Result<()> {
    match flag {
        Flag::Long(l) if l == "branch" => a.branches.push(cli::value(parser, "--branch")?),
        Flag::Long(l) if l == "pre-push" => common.hook = Some(Hook::PrePush),
        Flag::Long(l) if l == "history" => a.history = Some(cli::value(parser, "--history")?),
        other => return Err(other.unexpected()),
    }
    Ok(())
}

/// What is known about the commit being made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitState {
    pub head: Head,
    /// A merge commit: run as pre-merge-commit, or MERGE_HEAD exists (a resolved conflict).
    pub merge: bool,
    /// The hook or mode the check runs in, for the messages.
    pub hook: Option<Hook>,
}

fn bypass_help(tool: &str, then: &str) -> String {
    format!("to bypass this once: RELGATE_SKIP={tool} {then}")
}

/// Is a commit in this state allowed?
pub fn check_commit(
    state: &CommitState,
    cfg: &BranchesConfig,
    protected: &[String],
    report: &mut Report,
) {
    let branch = match &state.head {
        Head::Detached { oid } => {
            report.pass(format!(
                "HEAD is detached at {}: not on a branch, nothing to guard",
                oid.short()
            ));
            return;
        }
        Head::Branch { name, .. } | Head::Unborn { name } => name,
    };
    if !glob::any(protected, branch) {
        report.pass(format!("branch {branch} is not protected"));
        return;
    }
    if matches!(state.head, Head::Unborn { .. }) {
        if cfg.allow_initial_commit {
            report.pass(format!(
                "first commit of {branch}: allowed (branches.allow-initial-commit)"
            ));
            return;
        }
        report.push(
            Diagnostic::error(
                "commit-to-protected-branch",
                format!("initial commit on protected branch {branch} (branches.allow-initial-commit = false)"),
            )
            .subject(format!("refs/heads/{branch}"))
            .help(format!(
                "commit on a new branch instead: `git switch -c <new-branch>` keeps the staged changes; {}",
                bypass_help(TOOL.name, "git commit ...")
            )),
        );
        return;
    }
    if state.merge {
        if cfg.allow_merge_commits {
            report.pass(format!(
                "merge commit on {branch}: allowed (branches.allow-merge-commits)"
            ));
            return;
        }
        report.push(
            Diagnostic::error(
                "commit-to-protected-branch",
                format!("merge commit on protected branch {branch}"),
            )
            .subject(format!("refs/heads/{branch}"))
            .help(format!(
                "merge through a pull request, or allow merges with `allow-merge-commits = true` under [branches]; \
                 `git merge --abort` undoes this merge; {}",
                bypass_help(TOOL.name, "git commit ...")
            )),
        );
        return;
    }
    let what = match state.hook {
        Some(Hook::PrepareCommitMsg) => "commit (including cherry-pick and revert)",
        _ => "commit",
    };
    report.push(
        Diagnostic::error(
            "commit-to-protected-branch",
            format!("{what} on protected branch {branch}"),
        )
        .subject(format!("refs/heads/{branch}"))
        .help(format!(
            "move the work to a new branch without losing it: `git switch -c <new-branch>` keeps staged and unstaged \
             changes, then commit there; {}",
            bypass_help(TOOL.name, "git commit ... (--no-verify does not skip prepare-commit-msg)")
        )),
    );
}

/// Does a push target or delete a protected branch? Every line is judged.
pub fn check_push(lines: &[PushLine], protected: &[String], report: &mut Report) {
    let mut any = false;
    for line in lines {
        let remote = line.remote_ref_lossy();
        let Some(branch) = remote.strip_prefix("refs/heads/") else {
            continue;
        };
        any = true;
        if !glob::any(protected, branch) {
            report.pass(format!("{remote}: not protected"));
            continue;
        }
        if line.is_delete() {
            report.push(
                Diagnostic::error(
                    "delete-protected-branch",
                    format!("push deletes protected branch {branch}"),
                )
                .subject(remote.clone())
                .help(format!(
                    "protected branches are not deleted from the remote; {}",
                    bypass_help(TOOL.name, "git push ...")
                )),
            );
        } else {
            let local = String::from_utf8_lossy(&line.local_ref).into_owned();
            report.push(
                Diagnostic::error(
                    "push-to-protected-branch",
                    format!("push from {local} updates protected branch {branch}"),
                )
                .subject(remote.clone())
                .help(format!(
                    "push to a new branch and open a pull request: `git push origin {local}:refs/heads/<new-branch>`; {}",
                    bypass_help(TOOL.name, "git push ...")
                )),
            );
        }
    }
    if !any {
        report.pass("no branch is pushed");
    }
}

/// How a commit on a protected branch's first-parent chain shows that it was reviewed, if it
/// does: `None` when it carries no evidence `policy` accepts.
pub fn review_evidence(c: &CommitInfo, policy: History) -> Option<&'static str> {
    match policy {
        History::Off => Some("branches.history = \"off\""),
        _ if c.parents >= 2 => Some("a merge commit"),
        History::Merge => None,
        History::Reviewed => {
            if c.committer_name == "GitHub" && c.committer_email == "noreply@github.com" {
                Some("committed by GitHub's merge button")
            } else if names_pull_request(&c.summary) {
                Some("its subject names a pull request")
            } else if c.message.lines().any(|l| names_merge_request(l.trim())) {
                Some("its message names a merge request")
            } else {
                None
            }
        }
    }
}

/// A subject ending in `(#123)`: GitHub's squash merges and many rebase-merge tools write it.
fn names_pull_request(subject: &str) -> bool {
    let Some(rest) = subject.trim_end().strip_suffix(')') else {
        return false;
    };
    let Some(at) = rest.rfind("(#") else {
        return false;
    };
    let digits = &rest[at + 2..];
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// GitLab's `See merge request group/project!12` line.
fn names_merge_request(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("See merge request ") else {
        return false;
    };
    let Some((path, number)) = rest.trim_end().rsplit_once('!') else {
        return false;
    };
    !path.is_empty()
        && !path.contains(char::is_whitespace)
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Did every commit on the first-parent chain arrive through review, as `policy` reads it?
pub fn check_history(range: &str, commits: &[CommitInfo], policy: History, report: &mut Report) {
    let mut direct = 0;
    for c in commits {
        if review_evidence(c, policy).is_some() {
            continue;
        }
        direct += 1;
        let (missing, how) = match policy {
            History::Merge => (
                "is not a merge commit",
                "branches.history = \"merge\" accepts merge commits only; `reviewed` also accepts \
                 squash and rebase merges",
            ),
            _ => (
                "is neither a merge commit nor a squash or rebase merge of a pull request \
                 (no GitHub committer, no `(#123)` subject, no `See merge request` line)",
                "if this branch takes direct commits, set branches.history = \"off\"",
            ),
        };
        report.push(
            Diagnostic::error(
                "direct-commit-on-protected-branch",
                format!("commit {} \"{}\" {missing}", c.oid.short(), c.summary),
            )
            .subject(c.oid.to_string())
            .help(format!(
                "changes to a protected branch arrive through review; find out why this one did not ({how})"
            )),
        );
    }
    if direct == 0 {
        let how = match policy {
            History::Merge => "all merges",
            History::Reviewed => "all merged through review",
            History::Off => "not judged (branches.history = \"off\")",
        };
        report.pass(format!("{range}: {} commits, {how}", commits.len()));
    }
}

/// The destination of a push under the pre-commit framework, which passes no stdin.
fn framework_push_line() -> Option<PushLine> {
    let remote = std::env::var("PRE_COMMIT_REMOTE_BRANCH").ok()?;
    let local = std::env::var("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|_| "HEAD".into());
    let to = std::env::var("PRE_COMMIT_TO_REF").unwrap_or_else(|_| "1".repeat(40));
    Some(PushLine {
        local_ref: local.into_bytes(),
        local_oid: hook::HexId(to),
        remote_ref: remote.into_bytes(),
        remote_oid: hook::HexId("0".repeat(40)),
    })
}

fn protected(ctx: &Ctx, args: &Args) -> Result<Vec<String>> {
    Ok(if args.branches.is_empty() {
        ctx.config()?.config.branches.protected.clone()
    } else {
        args.branches.clone()
    })
}

/// Runs the mode the flags and the hook name ask for.
pub fn run(ctx: &Ctx, args: Args) -> Result<Report> {
    if let Some(range) = &args.history {
        return run_history(ctx, range);
    }
    if ctx.common.hook == Some(Hook::PrePush) {
        return run_push(ctx, &args);
    }
    // Under the pre-commit framework's pre-push stage there is no stdin, only this variable.
    if ctx.common.hook.is_none() && std::env::var_os("PRE_COMMIT_REMOTE_BRANCH").is_some() {
        ctx.repo()?;
        let mut report = ctx.report()?;
        let lines: Vec<PushLine> = framework_push_line().into_iter().collect();
        check_push(&lines, &protected(ctx, &args)?, &mut report);
        return Ok(report);
    }
    run_commit(ctx, &args)
}

fn run_commit(ctx: &Ctx, args: &Args) -> Result<Report> {
    let repo = ctx.repo()?;
    let mut report = ctx.report()?;
    // git sets GIT_INDEX_FILE for every commit hook and its children; without it and without a
    // hook name nobody is committing (`pre-commit run --all-files` on main, in CI or not).
    if std::env::var_os("GIT_INDEX_FILE").is_none() && ctx.common.hook.is_none() {
        report.push(Diagnostic::note(
            "commit-not-in-progress",
            "no commit is in progress (git sets GIT_INDEX_FILE for commit hooks): nothing to guard",
        ));
        return Ok(report);
    }
    let head = repo.head()?;
    // A clean `git merge` runs pre-merge-commit before MERGE_HEAD exists; the pre-commit
    // framework does not say which stage it runs, but git's GIT_REFLOG_ACTION does.
    let merge = ctx.common.hook == Some(Hook::PreMergeCommit)
        || repo.merge_head_exists()
        || prepare_commit_msg_source(&ctx.common.hook_args) == Some("merge")
        || std::env::var("GIT_REFLOG_ACTION").is_ok_and(|a| a.starts_with("merge"));
    let state = CommitState {
        head,
        merge,
        hook: ctx.common.hook,
    };
    check_commit(
        &state,
        &ctx.config()?.config.branches,
        &protected(ctx, args)?,
        &mut report,
    );
    Ok(report)
}

/// prepare-commit-msg's second argument: message, template, merge, squash or commit.
fn prepare_commit_msg_source(args: &[OsString]) -> Option<&str> {
    args.get(1).and_then(|s| s.to_str())
}

fn run_push(ctx: &Ctx, args: &Args) -> Result<Report> {
    // Pushes happen from a repository; outside one there is nothing this could be guarding.
    ctx.repo()?;
    let input = hook::read_stdin()?;
    let mut lines = hook::parse_pre_push(&input)?;
    if lines.is_empty() {
        lines.extend(framework_push_line());
    }
    let mut report = ctx.report()?;
    check_push(&lines, &protected(ctx, args)?, &mut report);
    Ok(report)
}

fn run_history(ctx: &Ctx, range: &str) -> Result<Report> {
    let (base, head) = range
        .split_once("..")
        .filter(|(b, h)| !b.is_empty() && !h.is_empty() && !h.starts_with('.'))
        .ok_or_else(|| {
            Error::new(format!(
                "invalid --history range `{range}`; expected <BASE>..<HEAD>"
            ))
        })?;
    let repo = ctx.repo()?;
    let mut report = ctx.report()?;
    let policy = ctx.config()?.config.branches.history;
    if policy == History::Off {
        report.pass(format!("{range}: not judged (branches.history = \"off\")"));
        return Ok(report);
    }
    if repo.is_shallow() {
        report.push(
            Diagnostic::error(
                "shallow-clone",
                "the repository is a shallow clone: the first-parent history cannot be checked",
            )
            .subject(range.to_string())
            .help("fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"),
        );
        return Ok(report);
    }
    let base = repo.rev_parse_commit(base)?;
    let head = repo.rev_parse_commit(head)?;
    let commits = repo.first_parent_range(base, head)?;
    check_history(range, &commits, policy, &mut report);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::Oid;

    fn oid(c: char) -> Oid {
        Oid::from_hex(&c.to_string().repeat(40)).unwrap()
    }

    fn commit(head: Head, merge: bool) -> Report {
        let mut r = Report::new("guard-master-commit");
        let state = CommitState {
            head,
            merge,
            hook: None,
        };
        check_commit(
            &state,
            &BranchesConfig::default(),
            &["main".into(), "release/*".into()],
            &mut r,
        );
        r
    }

    fn rules(r: &Report) -> Vec<&str> {
        r.diagnostics.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn commit_on_protected_fails_elsewhere_passes() {
        let main = Head::Branch {
            name: "main".into(),
            oid: oid('a'),
        };
        assert_eq!(rules(&commit(main, false)), ["commit-to-protected-branch"]);
        let rel = Head::Branch {
            name: "release/1.0".into(),
            oid: oid('a'),
        };
        assert_eq!(rules(&commit(rel, false)), ["commit-to-protected-branch"]);
        let feat = Head::Branch {
            name: "xrelease/1".into(),
            oid: oid('a'),
        };
        assert!(rules(&commit(feat, false)).is_empty());
        assert!(rules(&commit(Head::Detached { oid: oid('a') }, false)).is_empty());
    }

    #[test]
    fn help_says_how_to_move_and_bypass() {
        let r = commit(
            Head::Branch {
                name: "main".into(),
                oid: oid('a'),
            },
            false,
        );
        let help = r.diagnostics[0].help.as_deref().unwrap();
        assert!(help.contains("git switch -c"), "{help}");
        assert!(help.contains("RELGATE_SKIP=guard-master-commit"), "{help}");
    }

    #[test]
    fn initial_and_merge_policies() {
        assert!(
            rules(&commit(
                Head::Unborn {
                    name: "main".into()
                },
                false
            ))
            .is_empty()
        );
        let mut r = Report::new("t");
        let cfg = BranchesConfig {
            allow_initial_commit: false,
            ..Default::default()
        };
        let st = CommitState {
            head: Head::Unborn {
                name: "main".into(),
            },
            merge: false,
            hook: None,
        };
        check_commit(&st, &cfg, &["main".into()], &mut r);
        assert_eq!(rules(&r), ["commit-to-protected-branch"]);

        let main = Head::Branch {
            name: "main".into(),
            oid: oid('a'),
        };
        assert_eq!(
            rules(&commit(main.clone(), true)),
            ["commit-to-protected-branch"]
        );
        let mut r = Report::new("t");
        let cfg = BranchesConfig {
            allow_merge_commits: true,
            ..Default::default()
        };
        check_commit(
            &CommitState {
                head: main,
                merge: true,
                hook: None,
            },
            &cfg,
            &["main".into()],
            &mut r,
        );
        assert!(rules(&r).is_empty());
    }

    fn line(remote: &str, delete: bool) -> PushLine {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        PushLine {
            local_ref: if delete {
                b"(delete)".to_vec()
            } else {
                b"refs/heads/feature".to_vec()
            },
            local_oid: hook::HexId(if delete { z.clone() } else { a.clone() }),
            remote_ref: remote.as_bytes().to_vec(),
            remote_oid: hook::HexId(if delete { a } else { z }),
        }
    }

    #[test]
    fn push_judges_every_line() {
        let mut r = Report::new("t");
        let lines = [
            line("refs/heads/feature", false),
            line("refs/heads/main", false),
            line("refs/heads/master", true),
            line("refs/tags/v1.0.0", false),
        ];
        check_push(&lines, &["main".into(), "master".into()], &mut r);
        assert_eq!(
            rules(&r),
            ["push-to-protected-branch", "delete-protected-branch"]
        );
        assert_eq!(r.diagnostics[0].subject.as_deref(), Some("refs/heads/main"));
    }

    fn commit_info(c: char, parents: usize, committer: &str, message: &str) -> CommitInfo {
        let (name, email) = committer.split_once(" <").unwrap();
        CommitInfo {
            oid: oid(c),
            parents,
            summary: message.lines().next().unwrap_or("").into(),
            message: message.into(),
            committer_name: name.into(),
            committer_email: email.trim_end_matches('>').into(),
        }
    }

    #[test]
    fn history_policies() {
        let me = "Jane Doe <jane@example.org>";
        let merge = commit_info('a', 2, me, "Merge pull request #1 from x/y");
        let squash = commit_info('b', 1, "GitHub <noreply@github.com>", "Fix the parser");
        let subject = commit_info('c', 1, me, "Fix the parser (#3699)");
        let gitlab = commit_info(
            'd',
            1,
            me,
            "Fix the parser\n\nCloses #4\n\nSee merge request group/project!12\n",
        );
        let direct = commit_info('e', 1, me, "Remove sponsors");
        let not_pr = commit_info('f', 1, me, "Bump to (#abc)");
        let all = [&merge, &squash, &subject, &gitlab, &direct, &not_pr];
        let reviewed: Vec<char> = all
            .iter()
            .filter(|c| review_evidence(c, History::Reviewed).is_none())
            .map(|c| c.oid.to_string().chars().next().unwrap())
            .collect();
        assert_eq!(reviewed, ['e', 'f']);
        let merge_only: Vec<char> = all
            .iter()
            .filter(|c| review_evidence(c, History::Merge).is_none())
            .map(|c| c.oid.to_string().chars().next().unwrap())
            .collect();
        assert_eq!(merge_only, ['b', 'c', 'd', 'e', 'f']);
        assert!(
            all.iter()
                .all(|c| review_evidence(c, History::Off).is_some())
        );

        let commits: Vec<CommitInfo> = all.iter().map(|c| (*c).clone()).collect();
        let mut r = Report::new("t");
        check_history("a..b", &commits, History::Reviewed, &mut r);
        assert_eq!(
            rules(&r),
            [
                "direct-commit-on-protected-branch",
                "direct-commit-on-protected-branch"
            ]
        );
        assert!(r.diagnostics[0].message.contains("Remove sponsors"));
        assert!(
            r.diagnostics[0]
                .help
                .as_deref()
                .unwrap()
                .contains("branches.history = \"off\"")
        );
        let mut r = Report::new("t");
        check_history("a..b", &commits[..4], History::Reviewed, &mut r);
        assert!(rules(&r).is_empty());
        let mut r = Report::new("t");
        check_history("a..b", &commits[..1], History::Merge, &mut r);
        assert!(rules(&r).is_empty());
    }
}
