//! `setup.py`, the layout before pyproject.toml: the literal keyword arguments of its
//! `setup(...)` call, read as Python tokens, never as a substring of the file.
//!
//! `version="1.2.0"` is a source; `use_scm_version=True` (or a settings dict) is setuptools_scm
//! taking the version from the git tag; `name="pkg"`, `packages=["pkg"]` and
//! `package_dir={"": "src"}` say where the package (and its `__version__`) is. Only literals
//! count: `version=get_version()` is computed (a version computed in a file that imports
//! setuptools_scm is the tag's, as setuptools_scm's own setup.py had it), `name=NAME` names the
//! package only where the file assigns `NAME` one string (celery's), and a string that merely
//! contains `version="..."` (a template the script writes) is a string, not a keyword. The
//! tokenizer knows what can hide a keyword: comments, every string form (prefixes, triple
//! quotes, escapes) and nesting; it never fails, whatever the bytes.

use super::{Collector, resolve};
use crate::error::Result;
use crate::version::Ecosystem;

/// What a `setup(...)` call says literally.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct SetupCall {
    /// `version="..."`: its text and the byte offset of its first character.
    pub(super) version: Vec<(String, usize)>,
    /// `name="..."` and the top-level names in `packages=[...]`.
    pub(super) names: Vec<String>,
    /// `package_dir={"": "src"}`: the directory of the root package.
    pub(super) root: Option<String>,
    /// `use_scm_version=...` (anything but `False` or `None`), or `version=` computed by a call
    /// in a file that imports setuptools_scm (its own setup.py until v8:
    /// `version=scm_version()`, which calls `setuptools_scm.get_version`): the byte offset of
    /// the keyword.
    pub(super) scm: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok<'t> {
    Name(&'t str),
    /// A plain string literal (no `f` or `b` prefix): its content as written, the offset of
    /// its first character, and whether it holds an escape (then it is not taken as a value).
    Str(&'t str, usize, bool),
    /// An f-string, byte string or unterminated string: not a literal value.
    OtherStr,
    Op(u8),
}

/// Python tokens, without whitespace, comments, newlines and numbers' insides.
fn tokens(text: &str) -> Vec<Tok<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c.is_ascii_whitespace() || c == b'\\' {
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                i += 1;
            }
            let word = &text[start..i];
            // A string prefix: r, u, b, f and their pairs, right before a quote.
            if matches!(b.get(i), Some(b'"' | b'\''))
                && word.len() <= 2
                && word.bytes().all(|p| b"rRuUbBfF".contains(&p))
            {
                let plain = !word.bytes().any(|p| b"bBfF".contains(&p));
                let (tok, next) = string(text, i, plain);
                out.push(tok);
                i = next;
                continue;
            }
            out.push(Tok::Name(word));
            continue;
        }
        if c == b'"' || c == b'\'' {
            let (tok, next) = string(text, i, true);
            out.push(tok);
            i = next;
            continue;
        }
        if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Op(b'0'));
            continue;
        }
        out.push(Tok::Op(c));
        i += 1;
    }
    out
}

/// The string starting at the quote at `q`: its token and the offset just past it.
fn string(text: &str, q: usize, plain: bool) -> (Tok<'_>, usize) {
    let b = text.as_bytes();
    let quote = b[q];
    let triple = b.get(q + 1) == Some(&quote) && b.get(q + 2) == Some(&quote);
    let open = if triple { q + 3 } else { q + 1 };
    let mut i = open;
    let mut escaped = false;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                escaped = true;
                i += 2;
                continue;
            }
            b'\n' if !triple => break,
            c if c == quote => {
                if !triple {
                    let tok = if plain {
                        Tok::Str(&text[open..i], open, escaped)
                    } else {
                        Tok::OtherStr
                    };
                    return (tok, i + 1);
                }
                if b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote) {
                    let tok = if plain {
                        Tok::Str(&text[open..i], open, escaped)
                    } else {
                        Tok::OtherStr
                    };
                    return (tok, i + 3);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (Tok::OtherStr, i.min(b.len()))
}

/// The literal arguments of every `setup(...)` call in a setup.py.
pub(super) fn setup_call(text: &str) -> SetupCall {
    let toks = tokens(text);
    let mut call = SetupCall::default();
    // `import setuptools_scm` or `from setuptools_scm import get_version`, and a call of
    // `get_version(...)` (or `setuptools_scm.get_version(...)`).
    let imports_scm = toks.windows(2).any(|w| {
        matches!(w[0], Tok::Name("import" | "from")) && w[1] == Tok::Name("setuptools_scm")
    }) && toks
        .windows(2)
        .any(|w| w[0] == Tok::Name("get_version") && w[1] == Tok::Op(b'('));
    let constants = constants(&toks);
    let mut i = 0;
    while i + 1 < toks.len() {
        let is_call = toks[i] == Tok::Name("setup")
            && toks[i + 1] == Tok::Op(b'(')
            && (i == 0 || toks[i - 1] != Tok::Name("def"));
        if !is_call {
            i += 1;
            continue;
        }
        i += 2;
        let mut depth = 1usize;
        // One argument: the tokens up to a `,` or the closing `)` at depth 1.
        let mut arg: Vec<&Tok<'_>> = Vec::new();
        while i < toks.len() && depth > 0 {
            let t = &toks[i];
            match t {
                Tok::Op(b'(' | b'[' | b'{') => depth += 1,
                Tok::Op(b')' | b']' | b'}') => depth -= 1,
                _ => {}
            }
            if depth == 0 || (depth == 1 && *t == Tok::Op(b',')) {
                keyword(text, &arg, imports_scm, &constants, &mut call);
                arg.clear();
            } else {
                arg.push(t);
            }
            i += 1;
        }
    }
    call
}

/// The names the file assigns one string literal to, once (celery's `NAME = 'celery'`, then
/// `setup(name=NAME)`): an assignment is a name, `=` and a string that is not a keyword
/// argument (after `(` or `,`) nor an attribute (after `.`); a name assigned twice is left out.
fn constants<'t>(toks: &[Tok<'t>]) -> Vec<(&'t str, &'t str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    let mut twice: Vec<&str> = Vec::new();
    for (i, w) in toks.windows(4).enumerate() {
        let [Tok::Name(name), Tok::Op(b'='), value, next] = w else {
            continue;
        };
        if i > 0 && matches!(toks[i - 1], Tok::Op(b'(' | b',' | b'.' | b'=')) {
            continue;
        }
        match value {
            Tok::Str(s, _, false) if *next != Tok::Op(b'.') && *next != Tok::Op(b'+') => {
                if out.iter().any(|(n, _)| n == name) {
                    twice.push(name);
                }
                out.push((name, s));
            }
            _ => twice.push(name),
        }
    }
    out.retain(|(n, _)| !twice.contains(n));
    out
}

/// `NAME = value` of one argument, when the value is a literal that says something (or, in a
/// file that `imports_scm`, a version computed by a call), or a name the file assigns one
/// literal to ([`constants`]) for the package's name.
fn keyword(
    text: &str,
    arg: &[&Tok<'_>],
    imports_scm: bool,
    constants: &[(&str, &str)],
    call: &mut SetupCall,
) {
    let [Tok::Name(name), Tok::Op(b'='), value @ ..] = arg else {
        return;
    };
    let strings = |v: &[&Tok<'_>]| -> Option<Vec<String>> {
        // `[ "a", "b", ]` or `( ... )`: strings and commas only.
        let (Some(Tok::Op(open)), Some(Tok::Op(close))) = (v.first(), v.last()) else {
            return None;
        };
        if !matches!((open, close), (b'[', b']') | (b'(', b')')) {
            return None;
        }
        let mut out = Vec::new();
        for (k, t) in v[1..v.len() - 1].iter().enumerate() {
            match (k % 2, t) {
                (0, Tok::Str(s, _, false)) => out.push(s.to_string()),
                (1, Tok::Op(b',')) => {}
                _ => return None,
            }
        }
        Some(out)
    };
    match (*name, value) {
        ("version", [Tok::Str(s, at, false)]) => call.version.push((s.to_string(), *at)),
        // `True`, a dict of settings or a function returning one: the version is the tag's.
        ("use_scm_version", v) if !matches!(v, [Tok::Name("False" | "None")] | []) => {
            // The keyword is a slice of `text`: its place is where it starts.
            call.scm = Some(name.as_ptr() as usize - text.as_ptr() as usize);
        }
        ("version", [Tok::Name(_), Tok::Op(b'('), .., Tok::Op(b')')]) if imports_scm => {
            call.scm = Some(name.as_ptr() as usize - text.as_ptr() as usize);
        }
        ("name", [Tok::Str(s, _, false)]) => call.names.push(s.to_string()),
        ("name", [Tok::Name(constant)]) => {
            if let Some((_, s)) = constants.iter().find(|(n, _)| n == constant) {
                call.names.push(s.to_string());
            }
        }
        ("packages" | "py_modules", v) => {
            for p in strings(v).unwrap_or_default() {
                if !p.contains('.') {
                    call.names.push(p);
                }
            }
        }
        // `{"": "src"}`: the root package's directory.
        ("package_dir", [Tok::Op(b'{'), rest @ .., Tok::Op(b'}')]) => {
            for entry in rest.split(|t| **t == Tok::Op(b',')) {
                if let [
                    Tok::Str("", _, false),
                    Tok::Op(b':'),
                    Tok::Str(dir, _, false),
                ] = entry
                {
                    call.root = Some(dir.to_string());
                }
            }
        }
        _ => {}
    }
}

impl Collector<'_> {
    /// setup.py's literal `version=`, and the names and root that find its package.
    pub(super) fn setup_py(&mut self) -> Result<()> {
        let path = self.at("setup.py");
        let Some(text) = self.text(&path)? else {
            return Ok(());
        };
        self.python_project = true;
        self.visited.insert(path.clone());
        let call = setup_call(&text);
        let g = self.group();
        for (v, at) in &call.version {
            self.push(
                g,
                &path,
                &text,
                *at,
                "setup(version=...)",
                v,
                Some(Ecosystem::Python),
            );
        }
        if let Some(at) = call.scm.filter(|_| call.version.is_empty()) {
            self.dynamic(&path, &text, at, "setuptools_scm");
        }
        for n in &call.names {
            self.add_name(n);
        }
        if let Some(root) = call.root.as_deref().and_then(|r| resolve(&self.dir, r)) {
            self.roots.push(root);
        }
        Ok(())
    }

    /// A declared setup.py: its literal `version=` keyword. Returns how many values.
    pub(super) fn setup_py_version(&mut self, group: usize, path: &str, text: &str) -> usize {
        let call = setup_call(text);
        for (v, at) in &call.version {
            self.push(
                group,
                path,
                text,
                *at,
                "setup(version=...)",
                v,
                Some(Ecosystem::Python),
            );
        }
        call.version.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn literal_keywords_of_the_setup_call() {
        let text = r#"#!/usr/bin/env python
# setup(version="9.9.9")
from setuptools import setup
TEMPLATE = 'version="%s",\n'
def setup_hook(): pass
def setup(app): return dict(version="8.8.8")
setuptools.setup(
    name = "my-dist",  # the distribution
    version='1.2.0',
    packages=["pkg", "pkg.sub", 'other',],
    package_dir={"": "src"},
    extras_require=dict(version="7.7.7"),
    description="""version="6.6.6" """,
)
"#;
        let call = setup_call(text);
        let at = text.find("1.2.0").unwrap();
        assert_eq!(call.version, [("1.2.0".to_string(), at)]);
        assert_eq!(call.names, ["my-dist", "pkg", "other"]);
        assert_eq!(call.root.as_deref(), Some("src"));
        assert_eq!(call.scm, None);
    }

    #[test]
    fn use_scm_version_is_the_version_from_the_tag() {
        for text in [
            "setup(name='pkg', use_scm_version=True, setup_requires=['setuptools_scm'])",
            "setup(use_scm_version={'write_to': 'pkg/_version.py'})",
            "setup(use_scm_version=scm_settings())",
        ] {
            let call = setup_call(text);
            assert_eq!(call.scm, text.find("use_scm_version"), "{text}");
        }
        for text in [
            "setup(use_scm_version=False, version='1.0')",
            "setup(use_scm_version=None)",
            "# setup(use_scm_version=True)\nsetup(name='pkg')",
            "setup(description='use_scm_version=True')",
        ] {
            assert_eq!(setup_call(text).scm, None, "{text}");
        }
        // A version computed with setuptools_scm's own function (setuptools_scm's setup.py
        // until v8); a call in a file that does not import it is just computed.
        let own = "from setuptools_scm import get_version\n\
                   def scm_version():\n    return get_version(root='.')\n\
                   setuptools.setup(version=scm_version())\n";
        assert_eq!(setup_call(own).scm, own.rfind("version=scm"));
        let plain = own.replace("from setuptools_scm import", "from mytools import");
        assert_eq!(setup_call(&plain).scm, None);
        // Imported but not called: the version is whatever the call computes.
        let unused = own.replace("get_version(root='.')", "read_version()");
        assert_eq!(setup_call(&unused).scm, None);
        assert_eq!(
            setup_call("import setuptools_scm\nsetup(version=VERSION)").scm,
            None
        );
        // A project with no pyproject.toml: a version from the tag, not "no source".
        let s = run(&[(
            "setup.py",
            "from setuptools import setup\nsetup(\n    name=\"pkg\",\n    use_scm_version=True,\n)\n",
        )]);
        assert!(s.found.is_empty(), "{:?}", found(&s));
        assert_eq!(
            s.dynamic,
            [crate::sources::Dynamic {
                path: "setup.py".into(),
                line: 4,
                column: 5,
                how: "setuptools_scm".into()
            }]
        );
    }

    #[test]
    fn computed_values_are_not_literals() {
        for text in [
            "setup(version=get_version('pkg'), name=NAME)",
            "setup(version=f'{V}')",
            "setup(version=b'1.0')",
            "setup(version='1.0' + suffix)",
            "setup(version='1.0\\n')",
            "setup(**kwargs)",
            "setup(version='1.0",
            "setup(version=\"\"\"1.0",
            "version = '1.0'\nsetup(version=version)",
        ] {
            assert_eq!(setup_call(text).version, [], "{text}");
        }
        // Unterminated or odd input ends quietly.
        for text in [
            "setup(",
            "setup((((",
            "'''",
            "\\",
            "setup(name=",
            "é(setup)",
        ] {
            assert_eq!(setup_call(text), SetupCall::default(), "{text}");
        }
        let deep = format!("setup({}version='1.0'", "(".repeat(100_000));
        assert_eq!(setup_call(&deep).version, []);
    }

    #[test]
    fn a_name_assigned_one_literal_names_the_package() {
        // celery's setup.py.
        let text = "NAME = 'celery'\nOTHER = NAME + 'x'\ndef f(name='no'):\n    pass\nsetup(\n    name=NAME,\n)\n";
        assert_eq!(setup_call(text).names, ["celery"]);
        // Assigned twice, computed, or an attribute: no name.
        for text in [
            "NAME = 'a'\nNAME = 'b'\nsetup(name=NAME)\n",
            "NAME = 'a'\nNAME = other()\nsetup(name=NAME)\n",
            "NAME = 'a'.upper()\nsetup(name=NAME)\n",
            "NAME = 'a' + SUFFIX\nsetup(name=NAME)\n",
            "cfg.NAME = 'a'\nsetup(name=NAME)\n",
            "setup(name=NAME)\n",
        ] {
            assert_eq!(setup_call(text).names, Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn an_old_layout_has_sources() {
        // No pyproject: setup.py names the package, whose __version__.py holds the version.
        let s = run(&[
            (
                "setup.py",
                "setup(\n    name=\"httpx\",\n    version=get_version(\"httpx\"),\n)\n",
            ),
            (
                "httpx/__init__.py",
                "from .__version__ import __version__\n",
            ),
            (
                "httpx/__version__.py",
                "__title__ = \"httpx\"\n__version__ = \"0.14.0\"\n",
            ),
        ]);
        assert_eq!(
            found(&s),
            [f("httpx/__version__.py", 2, 16, "__version__", "0.14.0")]
        );
        // A literal version and the src layout from package_dir.
        let s = run(&[
            (
                "setup.py",
                "setup(name='click', version='7.1', package_dir={'': 'src'}, packages=find_packages('src'))\n",
            ),
            ("src/click/__init__.py", "__version__ = \"7.1\"\n"),
        ]);
        assert_eq!(
            found(&s),
            [
                f("setup.py", 1, 30, "setup(version=...)", "7.1"),
                f("src/click/__init__.py", 1, 16, "__version__", "7.1")
            ]
        );
        // version.py's VERSION (pydantic's layout).
        let s = run(&[
            (
                "setup.py",
                "setup(name='pydantic', packages=['pydantic'])\n",
            ),
            ("pydantic/version.py", "VERSION = '0.32.2'\n"),
        ]);
        assert_eq!(
            found(&s),
            [f("pydantic/version.py", 1, 12, "VERSION", "0.32.2")]
        );
    }
}
