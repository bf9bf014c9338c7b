//! Findings and how they are shown.
//!
//! A check never prints: it returns a [`Report`] of [`Diagnostic`]s, and the renderers here turn
//! that report into the one-line human form, GitHub annotations or one JSON object. Severity
//! overrides from `[rules]` are applied as findings are pushed, so a rule switched `off` never
//! reaches a renderer. Text that comes from the repository is escaped on the way out
//! ([`escape`]), never on the way in, so checks compare the real bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use owo_colors::OwoColorize;
use serde::Serialize;

/// How serious a finding is. `Note` never fails a run, `Warn` fails only with `--deny-warnings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warn,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

/// What `[rules]` may set a rule to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    Warn,
    Error,
}

/// One finding: a rule that fired, where, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The ref, tag, value or check the finding is about when it is not a file position.
    pub subject: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            subject: None,
            help: None,
        }
    }

    pub fn error(rule: &'static str, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Error, message)
    }

    pub fn warn(rule: &'static str, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Warn, message)
    }

    pub fn note(rule: &'static str, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Note, message)
    }

    /// A 1-based file position.
    pub fn at(mut self, file: impl Into<String>, line: usize, column: usize) -> Self {
        self.file = Some(file.into());
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Where the finding is, as the human format prints it.
    pub fn location(&self) -> String {
        match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
            (Some(f), Some(l), None) => format!("{f}:{l}"),
            (Some(f), None, _) => f.clone(),
            (None, _, _) => self
                .subject
                .clone()
                .unwrap_or_else(|| self.rule.to_string()),
        }
    }
}

/// The reference entry of one rule: what `--explain` prints and docs/rules.md lists.
#[derive(Clone, Copy, Debug)]
pub struct RuleDoc {
    pub id: &'static str,
    /// The binary that reports it.
    pub tool: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why it matters (a short paragraph).
    pub why: &'static str,
    /// A failing example (file text, tag name or command).
    pub bad: &'static str,
    /// The passing counterpart.
    pub good: &'static str,
}

/// Status of one line of `check-release-ready`'s checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Fail,
    Warn,
    Skip,
}

/// One line of a checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckLine {
    pub id: &'static str,
    pub status: CheckStatus,
    pub detail: String,
    /// For a failure or a warning: the command or edit that fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// Everything one run found, plus what the renderers need to say around it.
#[derive(Debug)]
pub struct Report {
    pub tool: &'static str,
    pub diagnostics: Vec<Diagnostic>,
    /// Lines printed in human output unless `--quiet` ("v1.2.0: ok").
    pub passes: Vec<String>,
    /// A checklist (check-release-ready) printed before the findings.
    pub checks: Vec<CheckLine>,
    /// Tool-specific top-level JSON fields (`"tags": [...]`, `"sources": [...]`).
    pub extra: BTreeMap<&'static str, serde_json::Value>,
    /// Text that replaces the normal rendering entirely (`--notes`, `--explain`).
    pub raw_output: Option<Vec<u8>>,
    /// Text printed before the human rendering, which then shows only errors and warnings
    /// (`--list`: the sources, then what is wrong with them).
    pub preamble: Option<Vec<u8>>,
    /// The closing line of a checklist ("ready to tag v1.2.0"), instead of the counts.
    pub verdict: Option<String>,
    /// Overrides from `[rules]`.
    overrides: BTreeMap<String, Level>,
}

impl Report {
    pub fn new(tool: &'static str) -> Self {
        Report {
            tool,
            diagnostics: Vec::new(),
            passes: Vec::new(),
            checks: Vec::new(),
            extra: BTreeMap::new(),
            raw_output: None,
            preamble: None,
            verdict: None,
            overrides: BTreeMap::new(),
        }
    }

    pub fn with_overrides(mut self, overrides: &BTreeMap<String, Level>) -> Self {
        self.overrides = overrides.clone();
        self
    }

    /// Adds a finding, applying the configured level of its rule.
    pub fn push(&mut self, mut d: Diagnostic) {
        match self.overrides.get(d.rule) {
            Some(Level::Off) => return,
            Some(Level::Warn) => d.severity = Severity::Warn,
            Some(Level::Error) => d.severity = Severity::Error,
            None => {}
        }
        self.diagnostics.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        for d in ds {
            self.push(d);
        }
    }

    pub fn pass(&mut self, line: impl Into<String>) {
        self.passes.push(line.into());
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// True when the run fails: an error, or a warning under `--deny-warnings`.
    pub fn failed(&self, deny_warnings: bool) -> bool {
        self.diagnostics.iter().any(|d| {
            d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warn)
        }) || self.checks.iter().any(|c| {
            c.status == CheckStatus::Fail || (deny_warnings && c.status == CheckStatus::Warn)
        })
    }
}

/// Output format chosen with `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// What a renderer needs besides the report.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub format: Format,
    pub color: bool,
    pub quiet: bool,
    pub deny_warnings: bool,
}

/// At most `max` of `items`, then how many more: a list that stays one readable line.
pub fn shown_list(items: &[String], max: usize) -> String {
    let mut shown = items
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        shown.push_str(&format!(", and {} more", items.len() - max));
    }
    shown
}

/// Escapes control characters (and the escape character itself) so repository text cannot drive
/// the terminal or forge extra output lines. Printable text, including non-ASCII, is kept.
pub fn escape(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\\' => out.push_str("\\\\"),
                c => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control() || c == '\\' || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}')
}

/// Escapes bytes that may not be UTF-8 (ref names, pre-push fields) for display.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(&escape(chunk.valid()));
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// Writes the report in the chosen format.
pub fn render(
    report: &Report,
    style: &Style,
    version: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    if let Some(raw) = &report.raw_output
        && style.format != Format::Json
    {
        return out.write_all(raw);
    }
    // After a preamble (`--list`), only what is wrong follows it, as with `--quiet`.
    let quiet_style;
    let style = match &report.preamble {
        Some(pre) if style.format != Format::Json => {
            out.write_all(pre)?;
            quiet_style = Style {
                quiet: true,
                ..*style
            };
            &quiet_style
        }
        _ => style,
    };
    match style.format {
        Format::Json => render_json(report, style, version, out),
        Format::Human => render_human(report, style, out),
        Format::Github => {
            render_human(report, style, out)?;
            render_github(report, style, out)
        }
    }
}

fn paint(s: &str, color: bool, f: impl Fn(&str) -> String) -> String {
    if color { f(s) } else { s.to_string() }
}

fn render_human(report: &Report, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let c = style.color;
    for check in &report.checks {
        let (mark, word) = match check.status {
            CheckStatus::Pass => ("✓", "PASS"),
            CheckStatus::Fail => ("✗", "FAIL"),
            CheckStatus::Warn => ("!", "WARN"),
            CheckStatus::Skip => ("–", "SKIP"),
        };
        if style.quiet && check.status == CheckStatus::Pass {
            continue;
        }
        let marker = if c {
            match check.status {
                CheckStatus::Pass => mark.green().bold().to_string(),
                CheckStatus::Fail => mark.red().bold().to_string(),
                CheckStatus::Warn => mark.yellow().bold().to_string(),
                CheckStatus::Skip => mark.dimmed().to_string(),
            }
        } else {
            format!("{word:<4}")
        };
        writeln!(out, "{marker} {:<18} {}", check.id, escape(&check.detail))?;
        if let Some(help) = check
            .help
            .as_deref()
            .filter(|_| check.status != CheckStatus::Pass)
        {
            let label = paint("fix", c, |s| s.cyan().to_string());
            writeln!(out, "  {:<20} {label}: {}", "", escape(help))?;
        }
    }
    for d in &report.diagnostics {
        // Quiet: errors and warnings only. A check-release-ready finding repeats a checklist
        // line, which is already printed above.
        if (style.quiet && d.severity == Severity::Note)
            || report.checks.iter().any(|c| c.id == d.rule)
        {
            continue;
        }
        let sev = d.severity.as_str();
        let sev = paint(sev, c, |s| match d.severity {
            Severity::Error => s.red().bold().to_string(),
            Severity::Warn => s.yellow().bold().to_string(),
            Severity::Note => s.cyan().bold().to_string(),
        });
        let rule = paint(d.rule, c, |s| s.bold().to_string());
        writeln!(
            out,
            "{}: {sev}[{rule}] {}",
            escape(&d.location()),
            escape(&d.message)
        )?;
        if let Some(help) = &d.help {
            let label = paint("help", c, |s| s.cyan().to_string());
            writeln!(out, "  {label}: {}", escape(help))?;
        }
    }
    if style.quiet {
        return Ok(());
    }
    for p in &report.passes {
        writeln!(out, "{}", escape(p))?;
    }
    if let Some(verdict) = &report.verdict {
        let failed = report.failed(style.deny_warnings);
        let v = paint(&escape(verdict), c, |s| {
            if failed {
                s.red().bold().to_string()
            } else {
                s.green().bold().to_string()
            }
        });
        return writeln!(out, "{}: {v}", report.tool);
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warn);
    let failed = report.failed(style.deny_warnings);
    let verdict = if failed { "failed" } else { "passed" };
    let verdict = paint(verdict, c, |s| {
        if failed {
            s.red().bold().to_string()
        } else {
            s.green().bold().to_string()
        }
    });
    writeln!(
        out,
        "{}: {verdict} ({errors} {}, {warnings} {})",
        report.tool,
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// GitHub workflow commands: the property values and the message need their own escaping.
fn render_github(report: &Report, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        if style.quiet && d.severity == Severity::Note {
            continue;
        }
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warn => "warning",
            Severity::Note => "notice",
        };
        let mut props = Vec::new();
        if let Some(f) = &d.file {
            props.push(format!("file={}", gh_property(f)));
        }
        if let Some(l) = d.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = d.column {
            props.push(format!("col={c}"));
        }
        props.push(format!("title={}", gh_property(d.rule)));
        let mut message = String::new();
        if d.file.is_none()
            && let Some(s) = &d.subject
        {
            message.push_str(&escape(s));
            message.push_str(": ");
        }
        message.push_str(&escape(&d.message));
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&escape(h));
        }
        writeln!(out, "::{level} {}::{}", props.join(","), gh_data(&message))?;
    }
    Ok(())
}

fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_data(&escape(s)).replace(':', "%3A").replace(',', "%2C")
}

/// The JSON object, borrowed from the report: no intermediate `serde_json::Value` tree.
#[derive(Serialize)]
struct JsonReport<'a> {
    tool: &'a str,
    version: &'a str,
    ok: bool,
    diagnostics: &'a [Diagnostic],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    checks: &'a [CheckLine],
    #[serde(flatten)]
    extra: &'a BTreeMap<&'static str, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<std::borrow::Cow<'a, str>>,
}

fn render_json(
    report: &Report,
    style: &Style,
    version: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let json = JsonReport {
        tool: report.tool,
        version,
        ok: !report.failed(style.deny_warnings),
        diagnostics: &report.diagnostics,
        checks: &report.checks,
        extra: &report.extra,
        output: report
            .raw_output
            .as_deref()
            .or(report.preamble.as_deref())
            .map(String::from_utf8_lossy),
    };
    let text = serde_json::to_string(&json).map_err(io::Error::other)?;
    // serde_json leaves DEL, C1 controls and bidi characters raw (JSON allows them). In JSON
    // they can only stand inside strings, where `\uXXXX` is the same character, so escaping
    // them keeps the data and makes the JSON as safe on a terminal as the human output. All of
    // them are DEL or non-ASCII, so pure ASCII output (the usual case) is written as it is.
    if !text.bytes().any(|b| b == 0x7f || b >= 0x80) {
        return writeln!(out, "{text}");
    }
    let mut safe = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch != '\\' && needs_escape(ch) {
            let _ = write!(safe, "\\u{:04x}", ch as u32);
        } else {
            safe.push(ch);
        }
    }
    writeln!(out, "{safe}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(format: Format) -> Style {
        Style {
            format,
            color: false,
            quiet: false,
            deny_warnings: false,
        }
    }

    fn rendered(report: &Report, format: Format) -> String {
        let mut buf = Vec::new();
        render(report, &style(format), "0.1.0", &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn escape_neutralises_terminal_control() {
        assert_eq!(escape("v1\x1b[31m"), "v1\\u{1b}[31m");
        assert_eq!(escape("a\nb"), "a\\nb");
        assert_eq!(escape("plain é"), "plain é");
        assert_eq!(escape_bytes(b"v\xff1"), "v\\xff1");
    }

    #[test]
    fn json_and_verdict_escape_c1_and_bidi_characters() {
        let hostile = "v1.0.0\u{9b}31m\u{202e}\u{7f}\u{1b}";
        let mut r = Report::new("t");
        r.push(Diagnostic::error("a", hostile).subject(hostile));
        r.verdict = Some(format!("not ready to tag {hostile}"));
        let json = rendered(&r, Format::Json);
        assert!(
            !json.contains(['\u{9b}', '\u{202e}', '\u{7f}', '\u{1b}']),
            "{json}"
        );
        assert!(
            json.contains("v1.0.0\\u009b31m\\u202e\\u007f\\u001b"),
            "{json}"
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["diagnostics"][0]["message"], hostile);
        let human = rendered(&r, Format::Human);
        assert!(
            !human.contains(['\u{9b}', '\u{202e}', '\u{7f}', '\u{1b}']),
            "{human}"
        );
        assert!(
            human.contains("t: not ready to tag v1.0.0\\u{9b}31m"),
            "{human}"
        );
    }

    #[test]
    fn overrides_change_or_drop_findings() {
        let mut levels = BTreeMap::new();
        levels.insert("a".to_string(), Level::Off);
        levels.insert("b".to_string(), Level::Warn);
        let mut r = Report::new("t").with_overrides(&levels);
        r.push(Diagnostic::error("a", "x"));
        r.push(Diagnostic::error("b", "y"));
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].severity, Severity::Warn);
        assert!(!r.failed(false));
        assert!(r.failed(true));
    }

    #[test]
    fn human_line_shape() {
        let mut r = Report::new("validate-tag");
        r.push(
            Diagnostic::error("tag-invalid", "missing PATCH")
                .subject("refs/tags/v1.2")
                .help("use v1.2.0"),
        );
        r.push(Diagnostic::warn("changelog-title", "no title").at("CHANGELOG.md", 1, 1));
        assert_eq!(
            rendered(&r, Format::Human),
            "refs/tags/v1.2: error[tag-invalid] missing PATCH\n  help: use v1.2.0\n\
             CHANGELOG.md:1:1: warn[changelog-title] no title\n\
             validate-tag: failed (1 error, 1 warning)\n"
        );
    }

    #[test]
    fn github_annotations_escape_properties() {
        let mut r = Report::new("t");
        r.push(Diagnostic::warn("x-y", "50% done\nnext").at("a,b:c.md", 2, 3));
        let out = rendered(&r, Format::Github);
        assert!(
            out.contains("::warning file=a%2Cb%3Ac.md,line=2,col=3,title=x-y::50%25 done\\nnext"),
            "{out}"
        );
    }

    #[test]
    fn json_is_one_object_with_ok() {
        let mut r = Report::new("t");
        r.push(Diagnostic::note("n", "fyi"));
        r.extra.insert("tags", serde_json::json!([]));
        let v: serde_json::Value = serde_json::from_str(&rendered(&r, Format::Json)).unwrap();
        assert_eq!(v["ok"], true);
        assert_eq!(v["diagnostics"][0]["severity"], "note");
        assert_eq!(v["diagnostics"][0]["line"], serde_json::Value::Null);
        assert_eq!(v["tags"], serde_json::json!([]));
    }
}
