//! `validate-tag --all`: the audit of every tag in the repository, each judged with its
//! package's tag scheme; what history can no longer change (lightweight tags, other spellings,
//! pre-release styles, older tags outside the grammar) is said once for all of them.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use crate::cli::{self, Ctx};
use crate::config::{Config, TagsConfig};
use crate::diag::{self, Diagnostic, Report, Severity};
use crate::error::{Error, Result};
use crate::git::Oid;
use crate::version::{self, Ecosystem, Spelling, TagVersion};

use super::{Judging, TagView, check_in_repo, check_name, packages_at_head, tag_ecosystem};

/// At most this many tag names in one summarising message; the JSON `tags` list has them all.
const NAMES_SHOWN: usize = 8;

fn names(list: &[String]) -> String {
    let shown: Vec<&str> = list.iter().take(NAMES_SHOWN).map(String::as_str).collect();
    if list.len() > shown.len() {
        format!(
            "{}, and {} more (--format json lists each tag)",
            shown.join(", "),
            list.len() - shown.len()
        )
    } else {
        shown.join(", ")
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// `tags.since` as a tag version, in either spelling.
fn since_version(since: &str, tags: &TagsConfig) -> Result<TagVersion> {
    let others = version::other_spellings(tags);
    version::read_tag(since, tags, &others)
        .or_else(|| version::read_tag(&format!("{}{since}", tags.prefix), tags, &others))
        .map(|(tv, _)| tv)
        .ok_or_else(|| {
            Error::new(format!(
                "invalid configuration: tags.since `{}` is not a release tag or version",
                diag::escape(since)
            ))
        })
}

/// `text` as a regex that matches it literally, without backslashes (which TOML strings and
/// the human output would each want escaped again): `.` becomes `[.]`.
fn literal(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '.' | '+' | '*' | '?' | '(' | ')' | '|' | '{' | '}' | '^' | '$' => format!("[{c}]"),
            '[' | ']' | '\\' => format!("\\{c}"),
            c => c.to_string(),
        })
        .collect()
}

/// When most tags are no release tags, the shape they share and the setting that would make
/// them release tags: package-prefixed tags (`tokio-1.53.1`, `core@2.0.0`, `cli/v1.2.0`).
fn skipped_hint(skipped: &[String], total: usize) -> Option<String> {
    if skipped.len() * 2 <= total || skipped.len() < 10 {
        return None;
    }
    let mut packages: HashMap<&str, (usize, &str, &str)> = HashMap::new();
    for name in skipped {
        let split = ["-v", "-", "@v", "@", "/v", "/"].iter().find_map(|sep| {
            let mut at = 0;
            while let Some(i) = name[at..].find(sep) {
                let (pkg, rest) = (&name[..at + i], &name[at + i + sep.len()..]);
                if !pkg.is_empty() && rest.starts_with(|c: char| c.is_ascii_digit()) {
                    return Some((pkg, *sep));
                }
                at += i + sep.len();
            }
            None
        });
        if let Some((pkg, sep)) = split {
            let e = packages.entry(pkg).or_insert((0, sep, name.as_str()));
            e.0 += 1;
        }
    }
    let mut ranked: Vec<(&str, (usize, &str, &str))> = packages.into_iter().collect();
    ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let (pkg, (n, sep, _)) = *ranked.first()?;
    let examples: Vec<&str> = ranked.iter().take(3).map(|(_, (_, _, e))| *e).collect();
    Some(format!(
        "{} of {total} tags are no release tags; most look like package tags ({}; {n} for `{pkg}`). \
         To check one package's releases, set tags.pattern = '^{}{}(?P<version>.+)$'",
        skipped.len(),
        examples.join(", "),
        literal(pkg),
        literal(sep)
    ))
}

/// The tags of one package in an `--all` audit, with what judging them needs.
struct Family<'r> {
    config: Config,
    view: TagView<'r>,
    /// Tag name → index in `view.tags`.
    index: HashMap<String, usize>,
    eco: Ecosystem,
    since: Option<TagVersion>,
    /// The newest release and its commit: a tag that does not follow the grammar is history
    /// when it names a lower version or sits in the newest release's history (the project
    /// released past it); any other is something that can still be fixed.
    newest: Option<(TagVersion, Option<Oid>)>,
    below_newest: Option<super::view::Below>,
}

/// From this many tagged commits on (every package's together), an audit reads their version
/// sources up front on every core.
const PREFETCH_FROM: usize = 64;

/// Reads the version sources at every family's `tagged` commits up front, spread over the
/// machine's cores in runs of the order given (each thread with its own handle on the
/// repository and its own delta-base cache). One read for all the packages of a workspace:
/// tokio's 395 tags are spread over its crates, none with enough alone to be worth threads. A
/// commit whose sources cannot be read is left out and fails later, in order, where it is used.
fn prefetch_sources(repo: &crate::git::Repo, families: &mut [Family<'_>], tagged: &[(usize, Oid)]) {
    let threads = crate::parallel::threads();
    if threads < 2 || tagged.len() < PREFETCH_FROM {
        return;
    }
    // Runs of consecutive commits, a few per thread, which the threads take in turn.
    let parts: Vec<&[(usize, Oid)]> = tagged.chunks(tagged.len().div_ceil(threads * 4)).collect();
    let targets: Vec<(&Config, &str)> =
        families.iter().map(|f| (&f.config, f.view.dir())).collect();
    let handle = || repo.objects_with_pack_cache();
    let read = crate::parallel::each_part(threads, handle, parts.len(), |repo, k| {
        crate::toml_once::for_many_commits();
        parts[k]
            .iter()
            .filter_map(|&(i, c)| {
                let (config, dir) = targets[i];
                let tree = crate::checks::versions::Tree::Commit(c);
                crate::checks::versions::collect_sources(&tree, repo, config, dir)
                    .ok()
                    .map(|s| (i, c, s))
            })
            .collect::<Vec<_>>()
    });
    for (i, c, s) in read.into_iter().flatten() {
        families[i].view.add_sources(c, s);
    }
}

pub(super) fn run_all(ctx: &Ctx, package: Option<&str>) -> Result<Report> {
    let mut report = ctx.report()?;
    let config = &ctx.config()?.config;
    let repo = &ctx.repo()?.with_pack_cache();
    let all = repo.tags()?;
    let pkgs = packages_at_head(repo, config)?;
    // From here on, this thread too reads the files of one tagged commit after another.
    crate::toml_once::for_many_commits();
    // `--package` / `versions.package`: that package's tags are judged, the others skipped.
    let only = package.or(config.versions.package.as_deref());
    if let Some(name) = only
        && !pkgs.list.iter().any(|p| p.name.as_deref() == Some(name))
    {
        return Err(Error::new(format!(
            "no package named `{}` here; the packages are: {}",
            diag::escape(name),
            pkgs.names().join(", ")
        )));
    }
    // Each tag to the package whose scheme reads it; the others are the root's to skip.
    let root = pkgs.list.iter().position(|p| !p.member).unwrap_or(0);
    let owner: Vec<usize> = all
        .iter()
        .map(|t| pkgs.owner_index(&t.name).unwrap_or(root))
        .collect();
    // With several packages, the history below every tag is read once for all of them.
    let graph = if pkgs.list.len() > 1 && !repo.is_shallow() {
        let mut tips: Vec<Oid> = all.iter().filter_map(|t| t.commit).collect();
        tips.extend(
            repo.branch_tips_matching(&config.tags.release_branches)?
                .into_iter()
                .map(|(_, o)| o),
        );
        Some(Rc::new(repo.commit_graph(&tips)?))
    } else {
        None
    };
    let mut families: Vec<Family<'_>> = Vec::new();
    // Each family's tagged commits in history order, for one read of their sources.
    let mut tagged: Vec<(usize, Oid)> = Vec::new();
    // Each package's own tags, in the order listed, from one pass over the tags.
    let mut owned: Vec<Vec<crate::git::Tag>> = vec![Vec::new(); pkgs.list.len()];
    for (t, &o) in all.iter().zip(&owner) {
        if let Some(own) = owned.get_mut(o) {
            own.push(t.clone());
        }
    }
    for ((i, pkg), own) in pkgs.list.iter().enumerate().zip(owned) {
        let pkg_config = Config {
            tags: pkg.tags.clone(),
            ..config.clone()
        };
        let mut view = TagView::from_tags(repo, &pkg.tags, &own).in_dir(&pkg.dir);
        if let Some(g) = &graph {
            view = view.with_graph(g.clone());
        }
        if !own.is_empty() {
            let order = view.tagged_in_history_order(&pkg_config)?;
            tagged.extend(order.into_iter().map(|c| (i, c)));
        }
        let tags = &pkg_config.tags;
        let since = tags
            .since
            .as_deref()
            .filter(|_| !pkg.member)
            .map(|s| since_version(s, tags))
            .transpose()?;
        let eco = tag_ecosystem(tags);
        let index = view
            .tags
            .iter()
            .enumerate()
            .map(|(i, (f, _))| (f.name.clone(), i))
            .collect();
        let newest = view
            .tags
            .iter()
            .max_by(|a, b| version::compare_tags(&a.1, &b.1, eco).unwrap_or(Ordering::Equal))
            .map(|(f, tv)| (tv.clone(), f.commit));
        families.push(Family {
            config: pkg_config,
            view,
            index,
            eco,
            since,
            newest,
            below_newest: None,
        });
    }
    prefetch_sources(repo, &mut families, &tagged);
    // What history cannot change is gathered here and said once each.
    let (mut lightweight, mut other_spelling, mut older, mut skipped) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut variants, mut historic) = (Vec::new(), Vec::new());
    let mut other_packages = 0;
    let mut styles: Vec<(version::PreStyle, Vec<String>)> = Vec::new();
    let mut entries = Vec::new();
    for (t, &o) in all.iter().zip(&owner) {
        let fam = &mut families[o];
        let tags = &fam.config.tags;
        let before = report.diagnostics.len();
        let subject = format!("refs/tags/{}", t.name);
        let mut status = "ok";
        let mut tv_shown = None;
        let chosen = only.is_none_or(|n| pkgs.list[o].name.as_deref() == Some(n));
        match fam.index.get(&t.name) {
            _ if !chosen => {
                other_packages += 1;
                status = "skipped";
            }
            None if !version::is_candidate(&t.name, tags) => {
                skipped.push(t.name.clone());
                status = "skipped";
            }
            None => {
                status = "skipped";
                if let Some(base) = fam.view.variant_of(&t.name) {
                    variants.push((t.name.clone(), base.to_string()));
                } else if fam.since.as_ref().is_some_and(|s| {
                    version::lenient_order(&t.name, tags, s) == Some(Ordering::Less)
                }) {
                    older.push(t.name.clone());
                } else if let Some((top, top_commit)) = &fam.newest
                    && (version::lenient_order(&t.name, tags, top) == Some(Ordering::Less)
                        || match (top_commit, t.commit) {
                            // Strictly below: a tag beside the newest release is as recent.
                            (Some(tip), Some(c)) if *tip != c => match &fam.below_newest {
                                Some(set) => set.contains(&c),
                                // One walk, the first time a tag needs it.
                                None => fam.below_newest.insert(fam.view.below(*tip)?).contains(&c),
                            },
                            _ => false,
                        })
                {
                    historic.push((t.name.clone(), top.tag().to_string()));
                } else {
                    // Names no version in any spelling, and is recent: the configured
                    // spelling explains why.
                    check_name(&t.name, tags, &mut report);
                    status = "ok";
                }
            }
            Some(&i) => {
                let (facts, tv) = fam.view.tags[i].clone();
                tv_shown = Some(tv.version_part().to_string());
                if fam
                    .since
                    .as_ref()
                    .is_some_and(|s| version::compare_tags(&tv, s, fam.eco) == Some(Ordering::Less))
                {
                    older.push(t.name.clone());
                    status = "skipped";
                } else {
                    for w in tv.warnings() {
                        report.push(
                            Diagnostic::warn("tag-ambiguous-order", w).subject(subject.clone()),
                        );
                    }
                    if facts.spelling == Spelling::Other {
                        other_spelling.push(t.name.clone());
                    }
                    if !facts.annotated && tags.require_annotated && !cli::in_ci() {
                        lightweight.push(t.name.clone());
                    }
                    if let Some(st) = tv.pre_style() {
                        match styles.iter_mut().find(|(s, _)| *s == st) {
                            Some((_, v)) => v.push(t.name.clone()),
                            None => styles.push((st, vec![t.name.clone()])),
                        }
                    }
                    check_in_repo(
                        &mut fam.view,
                        &fam.config,
                        &facts,
                        &tv,
                        Judging::Audit,
                        &mut report,
                    )?;
                }
            }
        }
        if report.diagnostics[before..]
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            status = "error";
        }
        let mut entry = serde_json::json!({
            "name": t.name,
            "version": tv_shown,
            "status": status,
            "commit": t.commit.map(|c| c.to_string()),
            "annotated": t.annotated,
        });
        // A workspace member's tag says whose release it is.
        if let (Some(name), true, Some(o)) = (
            pkgs.list[o].name.as_deref(),
            pkgs.list[o].member,
            entry.as_object_mut(),
        ) {
            o.insert("package".into(), name.into());
        }
        entries.push(entry);
    }
    let tags = &config.tags;
    // Notes for skipped tags would drown an audit of thousands of tags; the JSON list has them.
    report.diagnostics.retain(|d| d.rule != "tag-not-release");
    let first = |v: &[String]| format!("refs/tags/{}", v[0]);
    if !lightweight.is_empty() {
        report.push(
            Diagnostic::warn(
                "tag-lightweight",
                format!(
                    "{} in the history {} lightweight: {}",
                    count(lightweight.len(), "release tag"),
                    if lightweight.len() == 1 { "is" } else { "are" },
                    names(&lightweight)
                ),
            )
            .subject(first(&lightweight))
            .help(
                "published tags stay as they are (moving one breaks every clone that fetched it); \
                 annotate the next release: `git tag -a <tag> -m '<tag>'` (or set tags.require-annotated = false)",
            ),
        );
    }
    if !other_spelling.is_empty() {
        let spelled = match &tags.pattern {
            Some(p) => format!("tags.pattern `{p}`"),
            None => format!("`{}MAJOR.MINOR.PATCH`", tags.prefix),
        };
        report.push(
            Diagnostic::warn(
                "tag-style-inconsistent",
                format!(
                    "{} spelled differently from release tags ({spelled}): {}",
                    match other_spelling.len() {
                        1 => "1 tag is".to_string(),
                        n => format!("{n} tags are"),
                    },
                    names(&other_spelling)
                ),
            )
            .subject(first(&other_spelling))
            .help("they are the same releases to every check; new tags use the release spelling"),
        );
    }
    if let Some((dominant, _)) = styles.iter().max_by_key(|(_, v)| v.len()) {
        let dominant = *dominant;
        let deviants: Vec<String> = styles
            .iter()
            .filter(|(s, _)| !s.consistent_with(&dominant))
            .flat_map(|(_, v)| v.iter().cloned())
            .collect();
        if !deviants.is_empty() {
            report.push(
                Diagnostic::warn(
                    "tag-style-inconsistent",
                    format!(
                        "{} spell their pre-release unlike the others (`{dominant}`): {}",
                        count(deviants.len(), "tag"),
                        names(&deviants)
                    ),
                )
                .subject(first(&deviants))
                .help(format!(
                    "npm and Cargo order `-rc1` and `-rc.1` differently; spell new pre-releases `{dominant}`"
                )),
            );
        }
    }
    if !historic.is_empty() {
        let mut tops: Vec<&str> = historic.iter().map(|(_, top)| top.as_str()).collect();
        tops.dedup();
        let top = if tops.len() == 1 {
            tops[0].to_string()
        } else {
            "of their package".to_string()
        };
        let historic: Vec<String> = historic.iter().map(|(n, _)| n.clone()).collect();
        report.push(
            Diagnostic::warn(
                "tag-invalid",
                format!(
                    "{} older than the newest release {top} {} not follow the release grammar: {}",
                    count(historic.len(), "tag"),
                    if historic.len() == 1 { "does" } else { "do" },
                    names(&historic)
                ),
            )
            .subject(first(&historic))
            .help(
                "published tags stay as they are; new release tags follow the grammar \
                 (`validate-tag <tag>` says how), or set tags.since to count older tags as history",
            ),
        );
    }
    if !variants.is_empty() {
        let shown: Vec<String> = variants
            .iter()
            .map(|(v, base)| format!("{v} of {base}"))
            .collect();
        report.push(Diagnostic::note(
            "tag-not-release",
            format!(
                "{} name a release and a suffix, variants of that release rather than releases: {}",
                count(variants.len(), "tag"),
                names(&shown)
            ),
        ));
    }
    if let Some(hint) = skipped_hint(&skipped, all.len()) {
        report.push(Diagnostic::note("tag-not-release", hint));
    }
    let judged = entries.iter().filter(|e| e["status"] != "skipped").count();
    let ok = entries.iter().filter(|e| e["status"] == "ok").count();
    let mut summary = format!(
        "{}: {ok} ok, {} with errors, {} skipped",
        count(entries.len(), "tag"),
        judged - ok,
        skipped.len() + older.len() + historic.len() + variants.len() + other_packages
    );
    if let Some(name) = only {
        summary.push_str(&format!(
            " ({other_packages} of other packages than {name}, not judged)"
        ));
    }
    if let Some(s) = &tags.since {
        summary.push_str(&format!(
            " ({} older than tags.since {s}, counted not judged)",
            older.len()
        ));
    }
    report.pass(summary);
    report
        .extra
        .insert("tags", serde_json::Value::Array(entries));
    Ok(report)
}
