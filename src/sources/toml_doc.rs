//! TOML glue: the spanned document of `toml`, its lookups, and a value's position.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Collector, Origin, clip};
use crate::config::line_col;
use crate::error::{Error, Result};
use crate::version::Ecosystem;

impl Collector<'_> {
    /// A TOML value that should be a version string.
    pub(super) fn toml_version(
        &mut self,
        group: usize,
        path: &str,
        text: &str,
        v: &Spanned<DeValue<'_>>,
        kind: &str,
        eco: Option<Ecosystem>,
    ) {
        match v.get_ref() {
            DeValue::String(s) => {
                let at = toml_string_start(text, v.span().start);
                self.push(group, path, text, at, kind, s, eco);
            }
            other => self.invalid_type(path, text, v.span().start, kind, other.type_str()),
        }
    }
}

// --- helpers: TOML ----------------------------------------------------------------------------

/// `text` parsed, without Cargo's dependency tables ([`crate::toml_once::PRUNED`]): what the
/// built-in sources read.
pub(super) fn parse_toml<'t>(path: &str, text: &'t str) -> Result<crate::toml_once::Doc<'t>> {
    crate::toml_once::parse(text).map_err(|e| malformed(path, text, &e))
}

/// `text` parsed with whatever the key path `keys` (one a user names) leads to.
pub(super) fn parse_toml_for<'t>(
    path: &str,
    text: &'t str,
    keys: &[&str],
) -> Result<crate::toml_once::Doc<'t>> {
    crate::toml_once::parse_for(text, keys).map_err(|e| malformed(path, text, &e))
}

fn malformed(path: &str, text: &str, e: &toml::de::Error) -> Error {
    let place = match e.span() {
        Some(s) => {
            let (line, col) = line_col(text, s.start);
            format!("{path}:{line}:{col}")
        }
        None => path.to_string(),
    };
    // The error's Display quotes the whole source line, which may be huge: use the message.
    Error::new(format!("cannot read {place}: malformed TOML"))
        .caused_by(clip(e.message().trim(), 300))
}

pub(super) fn get_entry<'a, 't>(
    t: &'a DeTable<'t>,
    key: &str,
) -> Option<(
    &'a Spanned<toml::de::DeString<'t>>,
    &'a Spanned<DeValue<'t>>,
)> {
    t.iter().find(|(k, _)| k.get_ref().as_ref() == key)
}

pub(super) fn get<'a, 't>(t: &'a DeTable<'t>, key: &str) -> Option<&'a Spanned<DeValue<'t>>> {
    get_entry(t, key).map(|(_, v)| v)
}

pub(super) fn table<'a, 't>(t: &'a DeTable<'t>, key: &str) -> Option<&'a DeTable<'t>> {
    get(t, key)?.get_ref().as_table()
}

pub(super) fn path_get<'a, 't>(
    t: &'a DeTable<'t>,
    keys: &[&str],
) -> Option<&'a Spanned<DeValue<'t>>> {
    let (last, init) = keys.split_last()?;
    let mut cur = t;
    for k in init {
        cur = table(cur, k)?;
    }
    get(cur, last)
}

pub(super) fn as_str<'a>(v: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
    v.get_ref().as_str()
}

/// `version.workspace = true` / `version = { workspace = true }`.
pub(super) fn inherits_workspace(v: &Spanned<DeValue<'_>>) -> bool {
    v.get_ref()
        .as_table()
        .and_then(|t| get(t, "workspace"))
        .and_then(|w| w.get_ref().as_bool())
        == Some(true)
}

/// The first character of a TOML string's content, given the offset of the value.
pub(super) fn toml_string_start(text: &str, start: usize) -> usize {
    let s = text.get(start..).unwrap_or("");
    if s.starts_with("\"\"\"") || s.starts_with("'''") {
        // A newline right after the opening delimiter is not part of the string.
        let after = &s[3..];
        let skip = if after.starts_with("\r\n") {
            2
        } else {
            usize::from(after.starts_with('\n'))
        };
        start + 3 + skip
    } else if s.starts_with(['"', '\'']) {
        start + 1
    } else {
        start
    }
}

pub(super) fn origin(path: &str, text: &str, v: &Spanned<DeValue<'_>>, what: &str) -> Origin {
    let at = match v.get_ref() {
        DeValue::String(_) => toml_string_start(text, v.span().start),
        _ => v.span().start,
    };
    let (line, column) = line_col(text, at);
    Origin {
        path: path.to_string(),
        line,
        column,
        what: format!("{what} in {path}"),
    }
}
