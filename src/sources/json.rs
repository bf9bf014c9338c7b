//! JSON glue: values found by key with `serde_json`, positioned exactly.
//!
//! serde_json gives no spans, but a `&RawValue` deserialised from a `&str` borrows its text
//! from the input: the value's offset is where that slice starts in the file. So every lookup
//! is serde_json's own parse (escapes, duplicate keys, nesting and all), with no scanner of
//! ours; a value deeper than the keys asked for is skipped by serde_json without recursion.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{Collector, clip};
use crate::error::{Error, Result};
use crate::version::Ecosystem;

/// The entries of a JSON object in file order, duplicates kept (JSON.parse keeps the last one;
/// relgate reports each).
struct Entries<'t>(Vec<(String, &'t RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Entries<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A parsed JSON file: the whole text validated, the top level kept as a raw value.
pub(super) struct JsonDoc<'t> {
    text: &'t str,
    root: &'t RawValue,
}

/// Parses a JSON file with serde_json, naming file, line and column when it is malformed.
pub(super) fn parse_json<'t>(path: &str, text: &'t str) -> Result<JsonDoc<'t>> {
    let root = serde_json::from_str::<&RawValue>(text).map_err(|e| {
        Error::new(format!(
            "cannot read {path}:{}:{}: malformed JSON",
            e.line(),
            e.column()
        ))
        .caused_by(clip(&e.to_string(), 300))
    })?;
    Ok(JsonDoc { text, root })
}

/// A value at a key path: its raw JSON text and its byte offset in the file.
#[derive(Debug, Clone, Copy)]
pub(super) struct JsonValue<'t> {
    pub(super) raw: &'t str,
    pub(super) offset: usize,
}

impl<'t> JsonValue<'t> {
    /// The string, if the value is one.
    pub(super) fn as_str(&self) -> Option<String> {
        serde_json::from_str::<String>(self.raw).ok()
    }

    /// A list of values, if the value is an array.
    pub(super) fn items(&self, doc: &JsonDoc<'t>) -> Option<Vec<JsonValue<'t>>> {
        let items = serde_json::from_str::<Vec<&'t RawValue>>(self.raw).ok()?;
        Some(items.into_iter().map(|v| doc.value(v)).collect())
    }

    /// The entries, if the value is an object.
    pub(super) fn entries(&self, doc: &JsonDoc<'t>) -> Option<Vec<(String, JsonValue<'t>)>> {
        let Entries(e) = serde_json::from_str::<Entries<'t>>(self.raw).ok()?;
        Some(e.into_iter().map(|(k, v)| (k, doc.value(v))).collect())
    }

    pub(super) fn type_name(&self) -> &'static str {
        match self.raw.as_bytes().first() {
            Some(b'{') => "object",
            Some(b'[') => "array",
            Some(b'"') => "string",
            Some(b't' | b'f') => "boolean",
            Some(b'n') => "null",
            _ => "number",
        }
    }
}

impl<'t> JsonDoc<'t> {
    pub(super) fn text(&self) -> &'t str {
        self.text
    }

    fn value(&self, raw: &'t RawValue) -> JsonValue<'t> {
        let s = raw.get();
        // The slice borrows from `text`; its distance from the start is its offset.
        let offset = (s.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        JsonValue { raw: s, offset }
    }

    pub(super) fn root(&self) -> JsonValue<'t> {
        self.value(self.root)
    }

    /// Every value at `keys` (object keys from the top-level object down), duplicates included.
    pub(super) fn find(&self, keys: &[&str]) -> Vec<JsonValue<'t>> {
        let mut level = vec![self.root()];
        for key in keys {
            let mut next = Vec::new();
            for v in level {
                for (k, child) in v.entries(self).unwrap_or_default() {
                    if k == *key {
                        next.push(child);
                    }
                }
            }
            level = next;
        }
        if keys.is_empty() { Vec::new() } else { level }
    }
}

impl Collector<'_> {
    /// Every value at `keys` in a parsed JSON file, as a version. Returns how many.
    pub(super) fn json_values(
        &mut self,
        group: usize,
        path: &str,
        doc: &JsonDoc<'_>,
        keys: &[&str],
        kind: &str,
        eco: Option<Ecosystem>,
    ) -> usize {
        let values = doc.find(keys);
        for v in &values {
            match v.as_str() {
                Some(s) => self.push(group, path, doc.text, v.offset + 1, kind, &s, eco),
                None => self.invalid_type(path, doc.text, v.offset, kind, v.type_name()),
            }
        }
        values.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_by_key_with_exact_offsets() {
        let text = "{\"a\": {\"version\": \"x\"}, \"s\": \"\\\"version\\\": 1\", \"version\": \"1.0\", \"version\": 2}";
        let doc = parse_json("p.json", text).unwrap();
        let v = doc.find(&["version"]);
        assert_eq!(v.len(), 2);
        assert_eq!(&text[v[0].offset..v[0].offset + 5], "\"1.0\"");
        assert_eq!(v[0].as_str().as_deref(), Some("1.0"));
        assert_eq!(v[1].type_name(), "number");
        let nested = doc.find(&["a", "version"]);
        assert_eq!(nested.len(), 1);
        assert_eq!(&text[nested[0].offset..nested[0].offset + 3], "\"x\"");
        assert!(doc.find(&[]).is_empty());
        assert!(doc.find(&["s", "version"]).is_empty());
        // A top level that is no object has no keys.
        let doc = parse_json("p.json", "[1, 2]").unwrap();
        assert!(doc.find(&["version"]).is_empty());
        assert_eq!(doc.root().items(&doc).unwrap().len(), 2);
        let e = parse_json("p.json", "{\n\"a\": 1,\n}")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("p.json:3:1"), "{e}");
    }
}
