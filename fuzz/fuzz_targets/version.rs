//! Tag names and version strings: `check_tag` under every grammar (and a `tags.pattern`), and
//! `Version::parse` in both ecosystems with the comparisons built on them. The input is split at
//! its first newline into two strings, so comparisons see two independent values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relgate::config::{Grammar, TagsConfig};
use relgate::version::{self, Ecosystem, Version};

fuzz_target!(|text: &str| {
    let (a, b) = text.split_once('\n').unwrap_or((text, "1.2.0"));
    let mut configs = Vec::new();
    for grammar in [Grammar::Portable, Grammar::Semver, Grammar::Pep440] {
        configs.push(TagsConfig {
            grammar,
            ..TagsConfig::default()
        });
    }
    configs.push(TagsConfig {
        prefix: String::new(),
        ..TagsConfig::default()
    });
    configs.push(TagsConfig {
        pattern: Some(r"^(?:release-|v)(?P<version>.+)$".into()),
        ignore: vec!["claude/**".into(), "*-wip".into()],
        ..TagsConfig::default()
    });
    let mut tags = Vec::new();
    for cfg in &configs {
        let _ = version::is_candidate(a, cfg);
        let _ = version::version_part(a, cfg);
        match version::check_tag(a, cfg) {
            Ok(t) => {
                let _ = (t.warnings(), t.pre_style(), t.version_part());
                tags.push(t);
            }
            Err(e) => assert!(!e.message.is_empty()),
        }
    }
    let _ = relgate::glob::matches(b, a);
    for eco in [Ecosystem::Python, Ecosystem::Semver] {
        let (Ok(va), vb) = (Version::parse(a, eco), Version::parse(b, eco)) else {
            continue;
        };
        let _ = (
            va.normalized(),
            version::is_canonical(&va),
            version::is_final(&va),
        );
        if let Some(sv) = va.semver() {
            let _ = version::semver_to_pep440(sv);
        }
        for prefix in ["v", ""] {
            let _ = version::tag_for(&va, prefix, None);
        }
        if let Ok(vb) = vb {
            let _ = (version::compare(&va, &vb), version::agree(&va, &vb));
            let _ = version::skips(&va, &vb);
        }
        for t in &tags {
            let _ = version::tag_matches(t, &va);
            let _ = version::compare_with_tag(&va, t);
            let _ = version::tag_for(&va, "v", t.pre_style());
            let _ = t.as_version(eco);
            for u in &tags {
                let _ = version::compare_tags(t, u, eco);
                let _ = version::same_version(t, u);
            }
        }
    }
});
