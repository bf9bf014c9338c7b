//! The link rules of `lint-changelog`: a bracketed version has a link definition, a version's
//! definition is used, and a compare link goes from the previous release to this one
//! (`changelog-link-missing`, `changelog-link-unused`, `changelog-link-compare`). Keep a
//! Changelog files only.

use std::cmp::Ordering;

use crate::changelog::work;
use crate::changelog::{Changelog, LinkDef, Section, SectionKind, is_unreleased, is_version_like};

use super::entry::{Ver, strip_tag};
use super::{Cx, LINK_COMPARE, LINK_MISSING, LINK_UNUSED};

impl<'a> Cx<'_, 'a> {
    pub(super) fn links(&mut self) {
        let m = self.model;
        if m.dialect.kac.is_none() {
            return;
        }
        let base = repo_base(m).or_else(|| self.opts.link_base.clone());
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
            if needs_definition(s) {
                let prefix = self.opts.link_tag_prefix.as_ref();
                let prefix = prefix.unwrap_or(&self.opts.tag_prefix);
                let url = suggested_url(base.as_deref(), s, previous, prefix);
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
        let def = definition(m, s);
        let Some(url) = link_url(m, s) else { return };
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
            // Unreleased: to HEAD, or to the default branch's tip (tomlkit's `...master`); its
            // start says how the file spells the newest release's tag.
            None => (
                matches!(to, "HEAD" | "main" | "master"),
                accepted
                    .iter()
                    .find_map(|v| link_prefix(from, v, prefix))
                    .or_else(|| {
                        let p = &from[..from.find(|c: char| c.is_ascii_digit())?];
                        (p.is_empty() || p.ends_with(prefix)).then_some(p)
                    }),
            ),
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

/// A bracketed heading that is no link: `changelog-link-missing` suggests a definition for it.
pub fn needs_definition(s: &Section<'_>) -> bool {
    s.bracketed && !s.is_link()
}

/// The definition a bracketed heading's label resolves to.
fn definition<'m, 'a>(m: &'m Changelog<'a>, s: &Section<'_>) -> Option<&'m LinkDef<'a>> {
    s.link.and_then(|i| m.links.get(i)).filter(|_| s.bracketed)
}

/// Where a heading links to: its inline URL, or its definition's.
fn link_url<'m>(m: &'m Changelog<'_>, s: &'m Section<'_>) -> Option<&'m str> {
    match (s.inline_url, definition(m, s)) {
        (Some(u), _) => Some(u.text),
        (None, Some(l)) => Some(&*l.url),
        (None, None) => None,
    }
}

/// How the file's own links spell tags: the text before the version in the first compare link
/// that ends at its release's tag (`v` in `compare/v1.1.0...v1.2.0`, none in
/// `compare/1.1.0...1.2.0`, `pkg-v` in `compare/pkg-v1.1.0...pkg-v1.2.0`).
pub fn links_tag_prefix(m: &Changelog<'_>) -> Option<String> {
    m.sections.iter().find_map(|s| {
        let v = s.version()?;
        let url = link_url(m, s)?;
        let c = parse_compare(url)?;
        let version = v.text.strip_prefix(['v', 'V']).unwrap_or(v.text);
        // `v1` of `v12.0` for a section [2.0] is a wrong link, not a prefix.
        let prefix = url[c.to].strip_suffix(version)?;
        (!prefix.ends_with(|c: char| c.is_ascii_digit() || c == '.')).then(|| prefix.to_string())
    })
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
