//! lint-changelog's parser and rules on arbitrary bytes, plus `--notes` (and its form for a GitHub
//! Actions log, which must hold no workflow command) and the release checks check-release-ready
//! uses. The first byte picks the options; the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relgate::changelog::Changelog;
use relgate::checks::changelog::{self, LintOptions};
use relgate::config::{ChangelogFormat, ChangelogScheme};

fuzz_target!(|data: &[u8]| {
    let (flags, text) = match data.split_first() {
        Some((f, rest)) => (*f, rest),
        None => (0, data),
    };
    let scheme = if flags & 1 == 0 {
        ChangelogScheme::Semver
    } else {
        ChangelogScheme::Pep440
    };
    // A version taken from the text itself reaches the "found" paths as well as "missing".
    let from_text = std::str::from_utf8(text)
        .ok()
        .and_then(|t| {
            t.split(|c: char| c.is_whitespace() || "[]()".contains(c))
                .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        })
        .unwrap_or("1.0.0")
        .to_string();
    let opts = LintOptions {
        scheme,
        extra_types: if flags & 2 == 0 {
            Vec::new()
        } else {
            vec!["Security".into(), "Performance".into()]
        },
        release: (flags & 4 != 0).then(|| from_text.clone()),
        tag_prefix: if flags & 8 == 0 {
            "v".into()
        } else {
            String::new()
        },
        link_tag_prefix: (flags & 32 != 0).then(|| "release-".into()),
        link_base: (flags & 32 != 0).then(|| "https://example.test/o/r".into()),
        format: if flags & 16 == 0 {
            ChangelogFormat::Auto
        } else {
            ChangelogFormat::KeepAChangelog
        },
        declared_heading: (flags & 64 != 0).then(|| "## 1.0.0 (2024-01-31)".into()),
    };
    let linted = changelog::lint("CHANGELOG.md", text, &opts);
    let notes = changelog::notes(text, "unreleased", &opts);
    assert_eq!(
        linted.is_err(),
        notes.is_err(),
        "lint and notes disagree on readability"
    );
    if let Ok(changelog::Notes::Body(body)) = changelog::notes(text, &from_text, &opts) {
        // Under --format github the notes reach the Actions log: no line may be a command.
        let shown = changelog::notes_for_actions(&body);
        let shown = String::from_utf8_lossy(&shown);
        for line in shown.split(['\n', '\r']) {
            assert!(
                !line.trim_start().starts_with("::") && !line.contains("##["),
                "a workflow command survived: {line:?}"
            );
            assert!(!line.contains(['\x1b', '\u{9b}']), "an escape survived: {line:?}");
        }
    }
    let _ = changelog::lint_for_release("CHANGELOG.md", text, &opts);
    if let Ok(model) = Changelog::parse_with(text, opts.parse_options()) {
        let _ = changelog::newest_release(&model, flags & 128 != 0);
        let _ = changelog::has_dated_section(&model, &from_text, scheme, &opts.tag_prefix);
        let _ = changelog::entry_problems(&model, &from_text, scheme, &opts.tag_prefix, flags & 128 != 0);
        for s in &model.sections {
            let _ = model.body(s);
            let _ = s.link_target(&model);
        }
    }
});
