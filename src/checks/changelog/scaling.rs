//! Nothing in the changelog code grows faster than the file: each shape below is linted (and
//! its notes and release entry looked up) at n and 2n releases, and the steps of the loops over
//! sections, headings and link definitions (`changelog::work`, counted in tests only) must
//! about double. A loop that scans every earlier release for each release makes them grow
//! fourfold; nothing is timed.

use super::{LintOptions, lint, lint_for_release, notes};
use crate::changelog::work;
use crate::config::ChangelogFormat;

/// A changelog of about `n` releases.
type Make = fn(usize) -> String;

/// The shapes that once made a loop quadratic, and an ordinary file.
fn shapes() -> Vec<(&'static str, Make)> {
    vec![
        ("identical releases", |n| {
            "## [1.0.0] - 2024-01-01\n\n### Added\n\n- x\n".repeat(n)
        }),
        ("unreleased sections above one release", |n| {
            "## [Unreleased]\n\n- x\n".repeat(n) + "## [1.0.0] - 2024-01-01\n\n- y\n"
        }),
        ("duplicated finals above their pre-releases", |n| {
            let mut s = "## [2.0.0] - 2024-01-01\n\n- x\n".repeat(n);
            for k in (1..=n).rev() {
                s.push_str(&format!("## [2.0.0-rc.{k}] - 2023-01-01\n\n- x\n"));
            }
            s
        }),
        ("distinct releases with compare links", |n| {
            let mut s = String::from("# Changelog\n\n## [Unreleased]\n\n");
            let mut links = String::new();
            for k in (1..=n).rev() {
                s.push_str(&format!(
                    "## [1.{k}.0] - 2024-01-01\n\n### Fixed\n\n- a [1.{k}.0] fix\n\n"
                ));
                links.push_str(&format!(
                    "[1.{k}.0]: https://x/compare/v1.{}.0...v1.{k}.0\n",
                    k - 1
                ));
            }
            s + &links
        }),
        ("one release with repeated change types", |n| {
            String::from("## [1.0.0] - 2024-01-01\n\n") + &"### Added\n\n- x\n\n".repeat(n)
        }),
        ("unused link definitions", |n| {
            let mut s = String::from("## [1.0.0] - 2024-01-01\n\n- x\n\n");
            for k in 0..n {
                s.push_str(&format!("[0.{k}.0]: https://x/releases/tag/v0.{k}.0\n"));
            }
            s
        }),
        ("stray headings", |n| {
            String::from("## [1.0.0] - 2024-01-01\n\n") + &"## Highlights\n\n- x\n\n".repeat(n)
        }),
    ]
}

/// The loop steps of everything lint-changelog and check-release-ready do with `text`.
fn steps(text: &str, opts: &LintOptions) -> u64 {
    work::take();
    let bytes = text.as_bytes();
    lint("C.md", bytes, opts).unwrap();
    lint_for_release("C.md", bytes, opts).unwrap();
    notes(bytes, "1.0.0", opts).unwrap();
    notes(bytes, "unreleased", opts).unwrap();
    work::take()
}

#[test]
fn doubling_a_changelog_doubles_the_work() {
    let n = 2000;
    let mut report = Vec::new();
    let mut failed = false;
    for format in [ChangelogFormat::Auto, ChangelogFormat::KeepAChangelog] {
        let opts = LintOptions {
            release: Some("1.0.0".into()),
            format,
            ..LintOptions::default()
        };
        for (name, make) in shapes() {
            let (one, two) = (steps(&make(n), &opts), steps(&make(2 * n), &opts));
            let ratio = two as f64 / one as f64;
            // Every release is visited a few times: a count below n means the loops are not
            // counted, and the ratio would prove nothing.
            failed |= one < n as u64 || ratio >= 2.5;
            report.push(format!(
                "{name} ({format:?}): {one} steps for {n} releases, {two} for {}: {ratio:.2}x",
                2 * n
            ));
        }
    }
    assert!(
        !failed,
        "the work must at most double:\n{}",
        report.join("\n")
    );
}
