//! The order rules of `lint-changelog`: versions newest first and each once, dates newest first
//! (`changelog-version-order`, `changelog-duplicate-version`, `changelog-date-order`), per
//! product where a file holds several (`jax 0.4.30`, `jaxlib 0.4.30`).

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::changelog::date::DateRead;
use crate::changelog::dialect::Conformity;
use crate::changelog::work;
use crate::changelog::{Changelog, Form, Section, SectionKind};

use super::{Cx, DATE_ORDER, DUPLICATE_VERSION, VERSION_ORDER, Ver, shown_heading};

/// Whether the file lists its releases oldest first, as axios's did until 2016: three releases
/// or more with a version, each higher than the one above it. Such a file's newest release is
/// its last, its order is one `changelog-version-order` finding rather than one per release,
/// and its dates are judged in its own order.
pub(super) fn oldest_first(model: &Changelog<'_>, versions: &[Option<Ver>]) -> bool {
    let mut parsed = model
        .sections
        .iter()
        .zip(versions)
        .filter(|(s, _)| s.kind == SectionKind::Release && !s.pending)
        .filter_map(|(_, v)| v.as_ref());
    let Some(mut above) = parsed.next() else {
        return false;
    };
    let mut count = 1;
    for v in parsed {
        if v.cmp(above) != Ordering::Greater {
            return false;
        }
        above = v;
        count += 1;
    }
    count >= 3
}

impl<'a> Cx<'_, 'a> {
    /// Version order, duplicates and date order, each release against the nearest one above
    /// (of the same product, where a file holds several: `jax 0.4.30`, `jaxlib 0.4.30`).
    pub(super) fn order(&mut self) {
        let m = self.model;
        let versions = self.versions;
        if self.oldest_first {
            self.oldest_first_order();
        }
        // Releases of several products in one file (`jax 0.4.30`, `jaxlib 0.4.30`) are ordered
        // per product; a heading that deviates belongs to the file's main product. Products are
        // numbered: 0 for all where there is one, the usual case, which costs no string.
        let words: std::collections::HashSet<String> = if m.releases().any(|s| s.word.is_some()) {
            m.releases()
                .filter(|s| matches!(s.conformity, Conformity::Follows | Conformity::Era))
                .map(|s| {
                    s.word
                        .map(|w| w.text.to_ascii_lowercase())
                        .unwrap_or_default()
                })
                .collect()
        } else {
            std::collections::HashSet::new()
        };
        let main = m
            .dialect
            .dominant
            .as_ref()
            .and_then(|d| d.word.as_deref())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut product_of = |s: &Section<'a>| -> usize {
            if words.len() <= 1 {
                return 0;
            }
            let word = s
                .word
                .map(|w| w.text.to_ascii_lowercase())
                .unwrap_or_default();
            let word = if words.contains(&word) {
                word
            } else {
                main.clone()
            };
            let next = ids.len();
            *ids.entry(word).or_insert(next)
        };
        // The releases judged here, with their products. A heading with prose after its number
        // (`## 0.5 Migration Guide`) is reported as a heading; what its number means is not known.
        let mut judged: Vec<(usize, usize)> = Vec::with_capacity(m.sections.len());
        for (i, s) in m.sections.iter().enumerate() {
            work::step();
            if s.version().is_some() && (m.dialect.strict || s.form != Form::Unrecognised) {
                judged.push((i, product_of(s)));
            }
        }
        // Duplicates: one product and one version, equal by precedence (or as written, when it
        // does not parse). Found by sorting (product, version, place), not by hashing what the
        // file writes: each release after the first of its run is a duplicate of that first.
        let key = |i: usize| match versions.get(i).and_then(Option::as_ref) {
            Some(v) => Ok(v),
            None => Err(m.sections[i].version().map_or("", |v| v.text)),
        };
        let same = |a: usize, b: usize| match (key(a), key(b)) {
            (Ok(x), Ok(y)) => x.cmp(y),
            (Err(x), Err(y)) => x.cmp(y),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
        };
        let mut sorted = judged.clone();
        sorted.sort_by(|&(a, pa), &(b, pb)| {
            work::step();
            pa.cmp(&pb).then_with(|| same(a, b)).then(a.cmp(&b))
        });
        let mut first_of: Vec<Option<usize>> = vec![None; m.sections.len()];
        let mut run = 0;
        for k in 1..sorted.len() {
            work::step();
            let ((a, pa), (b, pb)) = (sorted[run], sorted[k]);
            if pa == pb && same(a, b) == Ordering::Equal {
                first_of[b] = Some(a);
            } else {
                run = k;
            }
        }
        // By product: the release above, and the dated release above with its day.
        let mut above: Vec<Option<usize>> = Vec::new();
        let mut above_dated: Vec<Option<(usize, jiff::civil::Date)>> = Vec::new();
        fn slot<T: Default>(v: &mut Vec<T>, product: usize) -> &mut T {
            if v.len() <= product {
                v.resize_with(product + 1, T::default);
            }
            &mut v[product]
        }
        for &(i, product) in &judged {
            work::step();
            let s = &m.sections[i];
            let Some(v) = s.version() else { continue };
            let parsed = versions.get(i).and_then(Option::as_ref);
            if let Some(first) = first_of[i].map(|f| &m.sections[f]) {
                self.push(
                    DUPLICATE_VERSION,
                    v.pos,
                    format!("version {} appears twice: first at line {} (`{}`)", s.label.text, first.heading.pos.line, first.heading.text.text),
                    Some("merge the two sections, or correct this version; release tools fail or publish the wrong notes on duplicates".into()),
                );
                continue;
            }
            if let Some(p) = parsed {
                if let Some(j) = *slot(&mut above, product) {
                    let prev = &m.sections[j];
                    let day = |s: &Section<'_>| s.date_read.as_ref().and_then(DateRead::day);
                    let above_v = versions.get(j).and_then(Option::as_ref);
                    let higher = above_v.is_some_and(|q| p.cmp(q) != Ordering::Less);
                    // A file in date order puts a maintenance release of an older line
                    // (`[16.2.2] - 2026-06-19`) above the newer line's earlier releases
                    // (`[18.0.0] - 2025-05-26`): its dates say the order is right.
                    let backport_above = above_v.is_some_and(|q| q.is_backport_below(p))
                        && matches!((day(prev), day(s)), (Some(a), Some(b)) if a >= b);
                    if higher && !backport_above && !self.oldest_first {
                        self.push(
                            VERSION_ORDER,
                            v.pos,
                            format!("[{}] is not lower than [{}] above it (line {})", s.label.text, prev.label.text, prev.heading.pos.line),
                            Some(format!(
                                "releases go newest first: move this section above `{}`, or correct the version",
                                shown_heading(prev)
                            )),
                        );
                    }
                }
                *slot(&mut above, product) = Some(i);
            }
            if let Some(d) = s.date
                && let Some(day) = s.date_read.as_ref().and_then(DateRead::day)
            {
                let backport = |j: usize| match (parsed, versions.get(j).and_then(Option::as_ref)) {
                    (Some(p), Some(q)) => p.is_backport_below(q),
                    _ => false,
                };
                // In a file whose releases go oldest first, a date earlier than the one above.
                let (relation, order) = if self.oldest_first {
                    ("earlier", "this file's releases go oldest first")
                } else {
                    ("later", "releases go newest first")
                };
                let out_of_order = slot(&mut above_dated, product).filter(|&(_, prev)| {
                    if self.oldest_first {
                        day < prev
                    } else {
                        day > prev
                    }
                });
                if let Some((j, _)) = out_of_order
                    && !backport(j)
                {
                    let p = &m.sections[j];
                    self.push(
                        DATE_ORDER,
                        d.pos,
                        format!(
                            "[{}] is dated {}, {relation} than [{}] above it ({}, line {})",
                            s.label.text,
                            d.text,
                            p.label.text,
                            p.date.map_or("", |t| t.text),
                            p.heading.pos.line
                        ),
                        Some(format!("one of the two dates is probably a typo; {order}")),
                    );
                }
                *slot(&mut above_dated, product) = Some((i, day));
            }
        }
    }
}

impl Cx<'_, '_> {
    /// One finding for a file whose releases go oldest first, at its first release.
    fn oldest_first_order(&mut self) {
        let m = self.model;
        let mut releases = m.releases().filter(|s| !s.pending);
        let Some(first) = releases.next() else { return };
        let last = releases.last().unwrap_or(first);
        let Some(v) = first.version() else { return };
        self.push(
            VERSION_ORDER,
            v.pos,
            format!(
                "releases go oldest first here, from [{}] (line {}) to [{}] (line {})",
                first.label.text,
                first.heading.pos.line,
                last.label.text,
                last.heading.pos.line
            ),
            Some(
                "Keep a Changelog lists the newest release first, where readers and release tools look: reverse the order of the release sections".into(),
            ),
        );
    }
}
