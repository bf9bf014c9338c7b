//! Hostile input through the built binaries: garbage arguments, no repository, truncated, huge,
//! deeply nested, non-UTF-8 and control-character files, tag names with control characters,
//! configured paths that leave the repository, and random hook stdin.
//!
//! Every run must end in 0, 1 or 2 (never a panic, an abort or a signal) within [`WATCHDOG`],
//! name the file, ref or value at fault when it is 2, print repository text escaped, and leave
//! the repository exactly as it was (DESIGN §1).

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Repo, Run, TempDir, bin, pin};

const BINS: [&str; 5] = [
    "validate-tag",
    "check-version-sync",
    "lint-changelog",
    "guard-master-commit",
    "check-release-ready",
];

/// A run still going after this is killed and fails the test.
pub const WATCHDOG: Duration = Duration::from_secs(20);

/// The same for one run over a 50 MB file: seconds in a release build, but the tests run the
/// unoptimised binaries on a shared machine, so allow a minute (never "minutes").
const HUGE_WATCHDOG: Duration = Duration::from_secs(60);

/// Peak resident memory allowed for one run, in KiB (the 50 MB files included).
const MAX_RSS_KIB: u64 = 1024 * 1024;

/// One finished run, with what the watchdog saw.
pub struct Bounded {
    pub run: Run,
    pub elapsed: Duration,
    pub peak_rss_kib: u64,
}

/// `VmHWM` (peak resident set) of a live process, 0 once it is gone.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs a command with `stdin`, killing it (and failing the test) after `limit`.
pub fn bounded(mut cmd: Command, stdin: Option<&[u8]>, limit: Duration, what: String) -> Bounded {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn");
    let pid = child.id();
    let writer = stdin.map(|data| {
        let mut sin = child.stdin.take().unwrap();
        let data = data.to_vec();
        std::thread::spawn(move || {
            let _ = sin.write_all(&data);
        })
    });
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    };
    let out = reader(Box::new(child.stdout.take().unwrap()));
    let err = reader(Box::new(child.stderr.take().unwrap()));
    let mut peak = 0;
    let mut nap = Duration::from_micros(500);
    let status = loop {
        peak = peak.max(peak_rss_kib(pid));
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{what}` was still running after {limit:?}: killed");
        }
        std::thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    if let Some(w) = writer {
        let _ = w.join();
    }
    let stdout = String::from_utf8_lossy(&out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
    let code = match (status.code(), status.signal()) {
        (Some(c), _) => c,
        (None, Some(sig)) => {
            panic!(
                "`{what}` was killed by signal {sig}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
            )
        }
        (None, None) => -1,
    };
    Bounded {
        run: Run {
            code,
            stdout,
            stderr,
            what,
        },
        elapsed,
        peak_rss_kib: peak,
    }
}

/// What a hostile run may end in.
#[derive(Clone, Copy, Debug)]
enum Expect<'a> {
    /// Exactly 2, and stderr names this.
    Two(&'a str),
    /// 0, 1 or 2; if 2, stderr names this.
    Any(&'a str),
    /// 0 or 1: a documented mode that must not fail to run.
    Judged,
}

/// A control or bidi character that must never reach a terminal raw.
fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}')
}

/// The exit contract of DESIGN §1 for one run.
#[track_caller]
fn contract(b: &Bounded, tool: &str, expect: Expect<'_>) {
    let r = &b.run;
    let dump = || {
        let clip = |s: &str| s.chars().take(3000).collect::<String>();
        format!(
            "`{}` exited {}\n--- stdout\n{}\n--- stderr\n{}",
            clip(&r.what),
            r.code,
            clip(&r.stdout),
            clip(&r.stderr)
        )
    };
    assert!(matches!(r.code, 0..=2), "not 0, 1 or 2: {}", dump());
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"),
        "a panic: {}",
        dump()
    );
    match expect {
        Expect::Two(_) => assert_eq!(r.code, 2, "expected 2: {}", dump()),
        Expect::Judged => assert!(r.code < 2, "expected 0 or 1: {}", dump()),
        Expect::Any(_) => {}
    }
    if r.code == 2 {
        assert!(
            r.stderr.starts_with(&format!("{tool}: error: ")),
            "exit 2 without `{tool}: error:`: {}",
            dump()
        );
        if let Expect::Two(culprit) | Expect::Any(culprit) = expect {
            assert!(
                r.stderr.contains(culprit),
                "exit 2 does not name {culprit:?}: {}",
                dump()
            );
        }
    }
    let raw = r
        .stdout
        .chars()
        .chain(r.stderr.chars())
        .find(|&c| is_hostile(c));
    assert!(raw.is_none(), "raw {raw:?} in the output: {}", dump());
}

/// Everything that would show a write: every file under `.git` with its size and mtime, taken
/// before git looks at anything, then `git status` without optional locks (no index refresh).
fn snapshot(r: &Repo) -> String {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(m) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if m.is_dir() {
                walk(&p, out);
            } else {
                out.push(format!(
                    "{} {} {:?}",
                    p.display(),
                    m.len(),
                    m.modified().ok()
                ));
            }
        }
    }
    let mut files = Vec::new();
    walk(&r.path().join(".git"), &mut files);
    files.sort();
    let status = r
        .git(&[
            "--no-optional-locks",
            "status",
            "--porcelain=v1",
            "--untracked-files=all",
            "--ignored",
        ])
        .code(0)
        .stdout
        .clone();
    let refs = r
        .git(&["for-each-ref", "--format=%(refname) %(objectname)"])
        .stdout
        .clone();
    format!("{}\n--- status\n{status}--- refs\n{refs}", files.join("\n"))
}

#[track_caller]
fn unchanged(r: &Repo, before: &str) {
    let after = snapshot(r);
    assert!(
        before == after,
        "the repository changed\n--- before\n{before}\n--- after\n{after}"
    );
}

/// A binary in the repository with raw (possibly non-UTF-8) arguments.
fn run_in(r: &Repo, tool: &str, args: &[OsString], stdin: Option<&[u8]>) -> Bounded {
    run_limited(r, tool, args, stdin, WATCHDOG)
}

fn run_limited(
    r: &Repo,
    tool: &str,
    args: &[OsString],
    stdin: Option<&[u8]>,
    limit: Duration,
) -> Bounded {
    let mut cmd = r.command(bin(tool));
    cmd.args(args);
    let shown: Vec<String> = args
        .iter()
        .map(|a| {
            let s = a.to_string_lossy();
            if s.len() > 80 {
                let head: String = s.chars().take(80).collect();
                format!("{head}...({} bytes)", s.len())
            } else {
                s.into_owned()
            }
        })
        .collect();
    bounded(cmd, stdin, limit, format!("{tool} {}", shown.join(" ")))
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn bytes(b: &[u8]) -> OsString {
    OsString::from_vec(b.to_vec())
}

/// A repository with history: two commits on main, an annotated release tag, a pyproject.toml
/// and a CHANGELOG.md.
fn fixture() -> Repo {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\nversion = \"1.0.0\"\n",
    );
    r.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- First.\n",
    );
    r.git(&["add", "."]).code(0);
    r.commit("initial");
    r.tag("v1.0.0", None);
    r.commit("second");
    r
}

// --- arguments ---------------------------------------------------------------------------------

#[test]
fn garbage_arguments_to_every_binary() {
    let r = fixture();
    let before = snapshot(&r);
    let long_flag = format!("--{}", "x".repeat(100 * 1024));
    let long_value = "v".repeat(100 * 1024);
    let generic: Vec<(Vec<OsString>, Expect<'_>)> = vec![
        (os(&["--bogus"]), Expect::Two("--bogus")),
        (os(&["-Z"]), Expect::Two("-Z")),
        (os(&["---"]), Expect::Two("---")),
        (os(&["--deny-warnings=1"]), Expect::Two("--deny-warnings")),
        (os(&["--format"]), Expect::Two("--format")),
        (os(&["--format="]), Expect::Two("--format")),
        (os(&["--format", "yaml"]), Expect::Two("`yaml`")),
        (
            os(&["--format", "\u{1b}[31mjunk"]),
            Expect::Two("\\u{1b}[31mjunk"),
        ),
        (os(&["--format", &long_value]), Expect::Two("--format")),
        (
            vec![OsString::from("--format"), bytes(b"js\xffon")],
            Expect::Two("--format"),
        ),
        (os(&["--color", "purple"]), Expect::Two("purple")),
        (os(&["--color"]), Expect::Two("--color")),
        (os(&["-C"]), Expect::Two("-C")),
        (os(&["--config"]), Expect::Two("--config")),
        (
            os(&["--config", "/nonexistent/relgate.toml"]),
            Expect::Two("/nonexistent/relgate.toml"),
        ),
        (os(&["--hook", "post-commit"]), Expect::Two("post-commit")),
        (os(&["--hook"]), Expect::Two("--hook")),
        (vec![bytes(b"--\xff\xfe")], Expect::Two("unknown option")),
        (vec![bytes(b"-\xff")], Expect::Two("unknown option")),
        (os(&[&long_flag]), Expect::Two("xxxxxxxxxx")),
        (
            vec![OsString::from("-C"), bytes(b"/nonexistent/\xff\x1b[2J")],
            Expect::Two("/nonexistent/"),
        ),
        // Positional garbage: a tag name to validate-tag, a file to lint-changelog, a usage
        // error elsewhere.
        (vec![bytes(b"\xff\xfe")], Expect::Any("")),
        (os(&["\u{1b}]0;title\u{7}"]), Expect::Any("")),
        (os(&[&long_value]), Expect::Any("")),
        (os(&["--", "--bogus"]), Expect::Any("")),
    ];
    for tool in BINS {
        for (args, expect) in &generic {
            contract(&run_in(&r, tool, args, None), tool, *expect);
        }
    }
    let own: [(&str, Vec<OsString>, Expect<'_>); 16] = [
        (
            "validate-tag",
            os(&["--reference-transaction"]),
            Expect::Two("--reference-transaction"),
        ),
        (
            "validate-tag",
            os(&["--all", "--pre-push", "v1.0.0"]),
            Expect::Any(""),
        ),
        (
            "validate-tag",
            vec![bytes(b"v1.0.0\xff")],
            Expect::Two("not UTF-8"),
        ),
        (
            "check-version-sync",
            os(&["--expect"]),
            Expect::Two("--expect"),
        ),
        (
            "check-version-sync",
            os(&["--expect", "\u{1b}[2J"]),
            Expect::Any(""),
        ),
        ("check-version-sync", os(&["--at"]), Expect::Two("--at")),
        (
            "check-version-sync",
            os(&["--at", "no-such-rev"]),
            Expect::Two("no-such-rev"),
        ),
        (
            "check-version-sync",
            os(&["--at", "HEAD", "--staged"]),
            Expect::Two("--staged"),
        ),
        (
            "lint-changelog",
            os(&["--release"]),
            Expect::Two("--release"),
        ),
        ("lint-changelog", os(&["--notes"]), Expect::Two("--notes")),
        (
            "lint-changelog",
            os(&["--explain", "nope\u{1b}"]),
            Expect::Two("nope\\u{1b}"),
        ),
        (
            "lint-changelog",
            os(&["--release", &long_value]),
            Expect::Judged,
        ),
        (
            "guard-master-commit",
            os(&["--branch"]),
            Expect::Two("--branch"),
        ),
        (
            "guard-master-commit",
            os(&["--history"]),
            Expect::Two("--history"),
        ),
        (
            "guard-master-commit",
            os(&["--history", "garbage"]),
            Expect::Two("garbage"),
        ),
        (
            "check-release-ready",
            os(&["--release", "\u{1b}[2J"]),
            Expect::Any(""),
        ),
    ];
    for (tool, args, expect) in &own {
        contract(&run_in(&r, tool, args, None), tool, *expect);
    }
    unchanged(&r, &before);
}

// --- no repository -----------------------------------------------------------------------------

#[test]
fn every_binary_outside_a_repository() {
    let dir = TempDir::new("norepo");
    let home = TempDir::new("norepo-home");
    std::fs::write(home.path().join("gitconfig"), "").unwrap();
    let shown = dir.path().to_str().unwrap().to_string();
    let listing = |p: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let run = |tool: &str, args: &[&str], stdin: Option<&[u8]>| {
        let mut cmd = Command::new(bin(tool));
        pin(&mut cmd, home.path());
        cmd.current_dir(dir.path())
            .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
            .args(args);
        bounded(
            cmd,
            stdin,
            WATCHDOG,
            format!("{tool} {} (outside a repository)", args.join(" ")),
        )
    };
    let a = "1".repeat(40);
    let z = "0".repeat(40);
    let tag_push = format!("refs/tags/v1.0.0 {a} refs/tags/v1.0.0 {z}\n");
    let main_push = format!("refs/heads/main {a} refs/heads/main {z}\n");
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- First.\n",
    )
    .unwrap();
    let before = listing(dir.path());
    // Modes that need a repository: exit 2 naming the directory.
    for (tool, args, stdin) in [
        ("validate-tag", &[][..], None),
        ("validate-tag", &["--all"][..], None),
        (
            "validate-tag",
            &["--pre-push"][..],
            Some(tag_push.as_bytes()),
        ),
        ("check-version-sync", &["--at", "HEAD"][..], None),
        ("check-version-sync", &["--staged"][..], None),
        ("guard-master-commit", &[][..], None),
        ("guard-master-commit", &["--history", "a..b"][..], None),
        ("check-release-ready", &[][..], None),
        ("check-release-ready", &["--release", "1.0.0"][..], None),
        ("lint-changelog", &[][..], None),
        ("check-version-sync", &[][..], None),
        (
            "guard-master-commit",
            &["--pre-push"][..],
            Some(main_push.as_bytes()),
        ),
    ] {
        let b = run(tool, args, stdin);
        contract(&b, tool, Expect::Two(&shown));
        assert!(
            b.run.stderr.contains("not a git repository"),
            "{}",
            b.run.stderr
        );
    }
    // Documented modes without a repository (DESIGN §1): a TAG gets the name rules and
    // lint-changelog lints the FILE it is given; the reference-transaction hook's fast path
    // reads nothing but its stdin (git always runs it inside a repository).
    for (tool, args, stdin) in [
        ("validate-tag", &["v1.0.0"][..], None),
        ("validate-tag", &["v1.0"][..], None),
        (
            "validate-tag",
            &["--reference-transaction", "prepared"][..],
            Some(format!("{z} {a} refs/tags/v1.0\n").into_bytes()),
        ),
        ("lint-changelog", &["CHANGELOG.md"][..], None),
        (
            "lint-changelog",
            &["--explain", "changelog-title"][..],
            None,
        ),
    ] {
        contract(&run(tool, args, stdin.as_deref()), tool, Expect::Judged);
    }
    assert_eq!(before, listing(dir.path()), "a file appeared in {shown}");
}

// --- hostile file content ----------------------------------------------------------------------

/// `depth` nested arrays, `[[[...]]]`.
fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// A 50 MB file made of `head`, `line` repeated, and `tail`, written straight to disk.
fn write_huge(path: &Path, head: &str, line: &str, tail: &str) {
    const SIZE: usize = 50 * 1024 * 1024;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(head.as_bytes()).unwrap();
    let block = line.repeat((64 * 1024) / line.len() + 1);
    let mut written = head.len();
    while written < SIZE {
        f.write_all(block.as_bytes()).unwrap();
        written += block.len();
    }
    f.write_all(tail.as_bytes()).unwrap();
    f.flush().unwrap();
}

/// Writes `content` to `file` in a fresh fixture and runs each of `tools` on it, with human and
/// JSON output; `expect` applies to every run (its culprit must be named by any exit 2), and the
/// repository must not change.
fn hostile_file(file: &str, content: &[u8], tools: &[&str], expect: Expect<'_>) {
    let r = fixture();
    std::fs::write(r.path().join(file), content).unwrap();
    let before = snapshot(&r);
    for tool in tools {
        for format in ["human", "json"] {
            let b = run_in(&r, tool, &os(&["--format", format]), None);
            contract(&b, tool, expect);
            if b.run.code < 2 && format == "json" {
                b.run.json();
            }
        }
    }
    unchanged(&r, &before);
}

/// Writes a 50 MB `file` and runs `tool` on it: finished well within the watchdog, in bounded
/// memory, and in 0, 1 or 2.
fn huge_file(file: &str, head: &str, line: &str, tail: &str, tools: &[&str]) {
    let r = fixture();
    write_huge(&r.path().join(file), head, line, tail);
    let before = snapshot(&r);
    for tool in tools {
        let b = run_limited(&r, tool, &os(&["--quiet"]), None, HUGE_WATCHDOG);
        contract(&b, tool, Expect::Any(file));
        assert!(
            b.peak_rss_kib < MAX_RSS_KIB,
            "`{}` peaked at {} KiB on a 50 MB {file}",
            b.run.what,
            b.peak_rss_kib
        );
        let _ = writeln!(
            std::io::stderr(),
            "{tool} on a 50 MB {file}: exit {} in {:?}, peak RSS {} KiB",
            b.run.code,
            b.elapsed,
            b.peak_rss_kib
        );
    }
    unchanged(&r, &before);
}

const CHANGELOG: &str =
    "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- First.\n";

#[test]
fn hostile_changelog() {
    let tools = ["lint-changelog", "check-release-ready"];
    let mut c = CHANGELOG.as_bytes().to_vec();
    // Truncated in the middle of a heading and of a multi-byte character.
    hostile_file("CHANGELOG.md", &c[..30], &tools, Expect::Judged);
    hostile_file(
        "CHANGELOG.md",
        "# Changelog\n\n## [1.0.0] – 20".as_bytes(),
        &tools,
        Expect::Judged,
    );
    let dash = "## [1.0.0] \u{2013}".as_bytes();
    hostile_file(
        "CHANGELOG.md",
        &dash[..dash.len() - 1],
        &tools,
        Expect::Two("CHANGELOG.md"),
    );
    // Not UTF-8: exit 2 naming the file and the byte offset.
    c.extend_from_slice(b"\n- caf\xe9\n");
    hostile_file("CHANGELOG.md", &c, &tools, Expect::Two("byte offset"));
    // Control and bidi characters in headings, entries and link definitions.
    let controls = "# Change\u{1b}[2Jlog\n\n## [Unreleased\u{7}]\n\n## [1.0.0\u{1b}]0;x\u{7}] - 2026-01-0\u{9b}1\n\n### Add\u{202e}ed\n\n- \u{0}nul \u{8}\u{8} \r lone CR\u{85}\n\n## [0.9.0] - 2026-01-01 [YANKED\u{200b}]\n\n[1.0.0\u{1b}]: https://x/compare/v0.9.0\u{1b}...v1.0.0\n";
    hostile_file("CHANGELOG.md", controls.as_bytes(), &tools, Expect::Judged);
    // Deep nesting: block quotes, lists, brackets, emphasis.
    for deep in [
        format!(
            "# C\n\n## [1.0.0] - 2026-01-01\n\n{}x\n",
            "> ".repeat(10_000)
        ),
        format!(
            "# C\n\n## [1.0.0] - 2026-01-01\n\n{}x\n",
            "- ".repeat(10_000)
        ),
        format!(
            "# C\n\n## [1.0.0] - 2026-01-01\n\n{}x\n",
            "> 1. ".repeat(10_000)
        ),
        format!(
            "# C\n\n## [1.0.0] - 2026-01-01\n\n{}x{}\n",
            "[a](".repeat(10_000),
            ")".repeat(10_000)
        ),
        format!("# C\n\n## {} - 2026-01-01\n", nested(10_000)),
        format!("# C\n\n{}x{}\n", "*_".repeat(10_000), "_*".repeat(10_000)),
    ] {
        hostile_file("CHANGELOG.md", deep.as_bytes(), &tools, Expect::Judged);
    }
    // --notes prints a section byte for byte (it is meant for a file); it must still end in 0 or 1.
    let r = fixture();
    r.write("CHANGELOG.md", controls);
    let b = run_in(&r, "lint-changelog", &os(&["--notes", "unreleased"]), None);
    assert!(b.run.code < 2, "{}", b.run.stderr);
}

#[test]
fn huge_changelog() {
    huge_file(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n",
        "- An entry with `code`, a [link](https://example.com) and *emphasis*.\n",
        "\n[1.0.0]: https://example.com/v1.0.0\n",
        &["lint-changelog"],
    );
}

const PYPROJECT: &str = "[project]\nname = \"x\"\nversion = \"1.0.0\"\n";

#[test]
fn hostile_pyproject() {
    // pyproject.toml is read by every binary ([tool.relgate] discovery) and as a version source.
    // Not valid TOML: refused by the gates that read the version in it; the others (here,
    // validate-tag has no tag at HEAD to check) parse it only when it can name relgate, and
    // then refuse it too.
    let py = PYPROJECT.as_bytes();
    let cut = &py[..py.len() - 5];
    hostile_file(
        "pyproject.toml",
        cut,
        &["check-version-sync", "check-release-ready"],
        Expect::Two("pyproject.toml"),
    );
    hostile_file(
        "pyproject.toml",
        cut,
        &["validate-tag", "lint-changelog", "guard-master-commit"],
        Expect::Judged,
    );
    hostile_file(
        "pyproject.toml",
        &[b"[tool.relgate]\nx = 1\n".as_slice(), cut].concat(),
        &BINS,
        Expect::Two("pyproject.toml"),
    );
    hostile_file(
        "pyproject.toml",
        b"[project]\nversion = \"1.0.0\xff\"\n",
        &BINS,
        Expect::Two("pyproject.toml"),
    );
    for text in [
        // Control characters: escaped in a TOML string, raw in a string, raw in a key, in a comment.
        "[project]\nname = \"x\"\nversion = \"1.0.0\\u001b[2J\"\n".to_string(),
        "[project]\nname = \"x\"\nversion = \"1.0.0\u{1b}[2J\"\n".to_string(),
        "[project]\nname = \"x\"\nversion = \"1.0.0\"\n\u{1b}[2J = 1\n".to_string(),
        "[project]\nname = \"x\"\nversion = \"1.0.0\" # \u{1b}[2J\u{202e}\n".to_string(),
        "[tool.relgate.tags]\n\"\\u001b[2J\" = 1\n".to_string(),
        "[tool.relgate.tags]\nprefix = \"\\u001b[2J\"\n".to_string(),
        // 10,000 levels of arrays, inline tables and dotted keys.
        format!(
            "[project]\nname = \"x\"\nversion = \"1.0.0\"\nclassifiers = {}\n",
            nested(10_000)
        ),
        format!("[project]\nname = \"x\"\nversion = {}\n", nested(10_000)),
        format!(
            "[project]\nname = \"x\"\nversion = \"1.0.0\"\nx = {}1{}\n",
            "{a = ".repeat(10_000),
            "}".repeat(10_000)
        ),
        format!(
            "[project]\nname = \"x\"\nversion = \"1.0.0\"\n{}= 1\n",
            "a.".repeat(10_000)
        ),
        format!("[tool.relgate]\nrules = {}\n", nested(10_000)),
        format!("[{}]\n", "a.".repeat(10_000) + "b"),
    ] {
        hostile_file(
            "pyproject.toml",
            text.as_bytes(),
            &BINS,
            Expect::Any("pyproject.toml"),
        );
    }
}

#[test]
fn huge_pyproject() {
    huge_file(
        "pyproject.toml",
        "[project]\nname = \"x\"\nversion = \"1.0.0\"\n",
        "# a comment line that takes room but says nothing at all, padded out\n",
        "[tool.x]\ny = 1\n",
        &["check-version-sync"],
    );
}

#[test]
fn hostile_package_json() {
    let tools = ["check-version-sync", "check-release-ready"];
    let pkg = "{\"name\": \"x\", \"version\": \"1.0.0\"}";
    hostile_file(
        "package.json",
        &pkg.as_bytes()[..20],
        &tools,
        Expect::Any("package.json"),
    );
    hostile_file(
        "package.json",
        b"{\"name\": \"x\xff\", \"version\": \"1.0.0\"}",
        &tools,
        Expect::Two("package.json"),
    );
    for text in [
        "{\"name\": \"x\", \"version\": \"1.0.0\\u001b[2J\"}".to_string(),
        "{\"name\": \"x\", \"version\": \"1.0.0\u{1b}[2J\"}".to_string(),
        "{\"name\": \"x\", \"version\": \"1.0.0\\u202e\", \"\\u0000\": 1}".to_string(),
        format!(
            "{{\"name\": \"x\", \"version\": \"1.0.0\", \"deep\": {}}}",
            nested(10_000)
        ),
        format!("{{\"name\": \"x\", \"version\": {}}}", nested(10_000)),
        format!(
            "{{\"version\": \"1.0.0\", \"a\": {}1{}}}",
            "{\"a\": ".repeat(10_000),
            "}".repeat(10_000)
        ),
        format!("{}\"version\": \"1.0.0\"", "{\"a\": ".repeat(10_000)),
    ] {
        hostile_file(
            "package.json",
            text.as_bytes(),
            &tools,
            Expect::Any("package.json"),
        );
    }
}

#[test]
fn huge_package_json() {
    huge_file(
        "package.json",
        "{\"name\": \"x\", \"version\": \"1.0.0\", \"files\": [",
        "\"a/file/name/that/is/listed/in/the/package/manifest.js\", ",
        "\"end\"]}\n",
        &["check-version-sync"],
    );
}

#[test]
fn hostile_relgate_toml() {
    hostile_file(
        "relgate.toml",
        b"[tags]\nprefix = \"v",
        &BINS,
        Expect::Two("relgate.toml"),
    );
    hostile_file(
        "relgate.toml",
        b"[tags]\nprefix = \"v\xff\"\n",
        &BINS,
        Expect::Two("relgate.toml"),
    );
    // A configured value is named in the message, escaped, even when the file is not.
    hostile_file(
        "relgate.toml",
        b"[changelog]\npath = \"\\u001b]0;pwned\\u0007CHANGELOG.md\"\n",
        &BINS,
        Expect::Any("changelog.path `\\u{1b}]0;pwned\\u{7}CHANGELOG.md`"),
    );
    for text in [
        "[tags]\n\"\\u001b[2J\" = 1\n".to_string(),
        "[tags]\n\u{1b}[2J = 1\n".to_string(),
        "[tags]\nprefix = \"v\\u001b[2J\"\n".to_string(),
        "[tags]\npattern = '^\u{1b}[2J(?P<version>.+)$'\n".to_string(),
        "[tags]\npattern = '^\\u{1b}[2J('\n".to_string(),
        "[tags]\nignore = [\"\\u001b]0;x\\u0007*\"]\n".to_string(),
        "[branches]\nprotected = [\"\\u202e*\"]\n".to_string(),
        "[rules]\n\"\\u001b[2J\" = \"off\"\n".to_string(),
        "[versions]\n[[versions.source]]\npath = \"x\\u001b[2J\"\nkey = \"\\u001b\"\n".to_string(),
        format!("[rules]\nx = {}\n", nested(10_000)),
        format!("[tags]\nignore = {}\n", nested(10_000)),
        format!("x = {}1{}\n", "{a = ".repeat(10_000), "}".repeat(10_000)),
        format!("{}= 1\n", "a.".repeat(10_000)),
    ] {
        hostile_file(
            "relgate.toml",
            text.as_bytes(),
            &BINS,
            Expect::Any("relgate.toml"),
        );
    }
}

#[test]
fn huge_relgate_toml() {
    huge_file(
        "relgate.toml",
        "[tags]\nprefix = \"v\"\n",
        "# a comment line that takes room but says nothing at all, padded out\n",
        "[branches]\nprotected = [\"main\"]\n",
        &["guard-master-commit"],
    );
}

// --- tag names with control characters ---------------------------------------------------------

/// Creates `refs/tags/<name>` on HEAD: with `git update-ref` when git accepts the name, else by
/// writing the loose ref file git would have written (a hostile repository can hold anything).
fn raw_tag(r: &Repo, name: &[u8]) {
    let head = r.head();
    let mut full = b"refs/tags/".to_vec();
    full.extend_from_slice(name);
    let mut cmd = r.command("git");
    cmd.arg("update-ref").arg(bytes(&full)).arg(&head);
    let ok = cmd.output().unwrap().status.success();
    if !ok {
        let path = r
            .path()
            .join(".git")
            .join(std::ffi::OsStr::from_bytes(&full));
        std::fs::write(path, format!("{head}\n")).unwrap();
    }
}

#[test]
fn tag_names_with_control_characters_are_printed_escaped() {
    let r = fixture();
    // git accepts C1 controls, bidi overrides, zero-width characters and bytes that are not
    // UTF-8; it refuses C0 controls, which only a hand-written ref file can hold.
    let names: [&[u8]; 7] = [
        "v1.0.1\u{9b}31m".as_bytes(),
        "v1.0.2\u{202e}".as_bytes(),
        "v1.0.3\u{200b}".as_bytes(),
        "1.0.4\u{85}x".as_bytes(),
        b"v1.0.5\xff",
        b"v1.0.6\x1b[2J",
        b"v1.0.7\x07\x08",
    ];
    for n in names {
        raw_tag(&r, n);
    }
    let before = snapshot(&r);
    let runs: [(&str, &[&str]); 8] = [
        ("validate-tag", &["--all"]),
        ("validate-tag", &["--all", "--format", "github"]),
        ("validate-tag", &["--all", "--format", "json"]),
        ("validate-tag", &[]),
        ("check-version-sync", &[]),
        ("check-release-ready", &[]),
        ("check-release-ready", &["--release", "1.0.1"]),
        ("guard-master-commit", &[]),
    ];
    for (tool, args) in runs {
        let b = run_in(&r, tool, &os(args), None);
        contract(&b, tool, Expect::Any(""));
        if tool == "validate-tag" && args.len() == 1 {
            // Every name that was listed is shown escaped.
            for escaped in ["\\u{9b}", "\\u{202e}", "\\u{200b}"] {
                assert!(
                    b.run.stdout.contains(escaped),
                    "`{}` does not show {escaped}:\n{}",
                    b.run.what,
                    b.run.stdout
                );
            }
        }
    }
    // A name given on the command line or in a pre-push line is escaped the same way.
    let mut line = b"refs/tags/v1.0.1\xc2\x9b31m ".to_vec();
    line.extend_from_slice(r.head().as_bytes());
    line.extend_from_slice(b" refs/tags/v1.0.1\xc2\x9b31m ");
    line.extend_from_slice("0".repeat(40).as_bytes());
    line.push(b'\n');
    let b = run_in(&r, "validate-tag", &os(&["--pre-push"]), Some(&line));
    contract(&b, "validate-tag", Expect::Any("v1.0.1"));
    let b = run_in(&r, "validate-tag", &os(&["v2.0.0\u{1b}[2J"]), None);
    contract(&b, "validate-tag", Expect::Judged);
    assert!(b.run.stdout.contains("\\u{1b}[2J"), "{}", b.run.stdout);
    unchanged(&r, &before);
}

// --- configured paths that leave the repository ------------------------------------------------

#[test]
fn configured_paths_outside_the_repository_are_refused() {
    let cases: [(&str, &str, &[&str], &str); 6] = [
        (
            "relgate.toml",
            "[changelog]\npath = \"../../etc/passwd\"\n",
            &["lint-changelog", "check-release-ready"],
            "../../etc/passwd",
        ),
        (
            "relgate.toml",
            "[changelog]\npath = \"/etc/passwd\"\n",
            &["lint-changelog", "check-release-ready"],
            "/etc/passwd",
        ),
        (
            "relgate.toml",
            "[[versions.source]]\npath = \"/etc/passwd\"\npattern = '^root:(?P<version>.*)$'\n",
            &["check-version-sync", "check-release-ready", "validate-tag"],
            "/etc/passwd",
        ),
        (
            "relgate.toml",
            "[[versions.source]]\npath = \"src/../../../etc/passwd\"\npattern = '^(?P<version>.*)$'\n",
            &["check-version-sync", "check-release-ready"],
            "src/../../../etc/passwd",
        ),
        (
            "relgate.toml",
            "[[versions.source]]\npath = \"../x.toml\"\nkey = \"version\"\n",
            &["check-version-sync"],
            "../x.toml",
        ),
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\nversion = \"1.0.0\"\n[tool.relgate.changelog]\npath = \"../../etc/passwd\"\n",
            &["lint-changelog"],
            "../../etc/passwd",
        ),
    ];
    for (file, text, tools, culprit) in cases {
        let r = fixture();
        r.write(file, text);
        let before = snapshot(&r);
        for tool in tools {
            let args: &[&str] = if *tool == "validate-tag" {
                &["v1.0.0"]
            } else {
                &[]
            };
            let b = run_in(&r, tool, &os(args), None);
            contract(&b, tool, Expect::Two(culprit));
            assert!(
                b.run.stderr.contains("leaves the repository"),
                "{}",
                b.run.stderr
            );
            assert!(
                !b.run.stdout.contains("root:"),
                "/etc/passwd was read:\n{}",
                b.run.stdout
            );
        }
        unchanged(&r, &before);
    }
}

// --- random hook input -------------------------------------------------------------------------

/// xorshift64*: deterministic, so a failure names an input that can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max + 1);
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// The pieces random hook lines are made of: real object ids of the repository (two commits and
/// an annotated tag), zero ids of both lengths, ids that exist nowhere, malformed ids, and ref
/// names good and bad.
struct Pieces {
    sha1: Vec<Vec<u8>>,
    sha256: Vec<Vec<u8>>,
    bad: Vec<Vec<u8>>,
    refs: Vec<Vec<u8>>,
}

fn pieces(r: &Repo) -> Pieces {
    let sha1 = [
        r.head(),
        r.git_out(&["rev-parse", "HEAD~1"]),
        r.git_out(&["rev-parse", "refs/tags/v1.0.0"]),
        "0".repeat(40),
        "0".repeat(40),
        "1".repeat(40),
        "ABCDEF0123456789abcdef0123456789ABCDEF01".to_string(),
    ];
    let sha256 = ["0".repeat(64), "a".repeat(64), "0123456789abcdef".repeat(4)];
    let bad = [
        "0".repeat(39),
        "g".repeat(40),
        "0".repeat(41),
        String::new(),
        "-".into(),
    ];
    let refs: [&[u8]; 17] = [
        b"refs/heads/main",
        b"refs/heads/main",
        b"refs/heads/master",
        b"refs/heads/feature",
        b"refs/tags/v1.0.0",
        b"refs/tags/v1.0.0",
        b"refs/tags/v1.1.0",
        b"refs/tags/v2.0.0-rc.1",
        b"refs/tags/v1.2",
        b"refs/tags/latest",
        b"refs/tags/",
        b"refs/tags/v1.0.0\x1b[2J",
        b"refs/tags/\xff\xfe",
        b"HEAD",
        b"HEAD~1",
        b"(delete)",
        b"refs/heads/my branch",
    ];
    let bytes = |v: &[String]| v.iter().map(|s| s.clone().into_bytes()).collect();
    Pieces {
        sha1: bytes(&sha1),
        sha256: bytes(&sha256),
        bad: bytes(&bad),
        refs: refs.iter().map(|r| r.to_vec()).collect(),
    }
}

/// One random stdin of 0 to 4 lines: mostly well-formed lines mixed from the pieces (all ids of
/// one length, as git writes them), some corrupted (a bad id, a missing field, a tab, random
/// bytes, a lone CR), a few pure noise.
fn random_input(rng: &mut Rng, p: &Pieces, pre_push: bool) -> Vec<u8> {
    let oids = if rng.below(5) == 0 {
        &p.sha256
    } else {
        &p.sha1
    };
    let mut out = Vec::new();
    let n = rng.below(5);
    for i in 0..n {
        match rng.below(20) {
            0 => out.extend(rng.bytes(120)),
            1 => out.extend(std::iter::repeat_n(b' ', rng.below(5))),
            _ => {
                let mut fields: Vec<Vec<u8>> = if pre_push {
                    vec![
                        rng.pick(&p.refs).clone(),
                        rng.pick(oids).clone(),
                        rng.pick(&p.refs).clone(),
                        rng.pick(oids).clone(),
                    ]
                } else {
                    vec![
                        rng.pick(oids).clone(),
                        rng.pick(oids).clone(),
                        rng.pick(&p.refs).clone(),
                    ]
                };
                let mut sep: &[u8] = b" ";
                match rng.below(16) {
                    0 => {
                        let i = rng.below(fields.len());
                        fields[i] = rng.pick(&p.bad).clone();
                    }
                    1 => {
                        let i = rng.below(fields.len());
                        fields[i] = rng.bytes(12);
                    }
                    2 => {
                        fields.pop();
                    }
                    3 => sep = b"\t",
                    4 => {
                        let i = rng.below(fields.len());
                        fields[i] = rng.pick(&p.sha256).clone();
                    }
                    _ => {}
                }
                out.extend(fields.join(sep));
            }
        }
        let ends: [&[u8]; 8] = [b"\n", b"\n", b"\n", b"\n", b"\n", b"\r\n", b"\r", b""];
        let end = *rng.pick(&ends);
        out.extend_from_slice(if end.is_empty() && i + 1 < n {
            b"\n"
        } else {
            end
        });
    }
    out
}

/// Culprits a hook-input error may name: a line number, or a field of the input.
fn names_input(stderr: &str, input: &[u8], p: &Pieces) -> bool {
    stderr.contains("line ")
        || p.sha1
            .iter()
            .chain(&p.sha256)
            .any(|o| !o.is_empty() && stderr.contains(&*String::from_utf8_lossy(o)))
        || stderr.contains("refs/")
        || stderr.contains("stdin")
        || input.is_empty()
}

fn random_hook_input(tool: &str, args: &[&str], pre_push: bool, seed: u64, count: usize) {
    let r = fixture();
    r.git(&["branch", "feature"]).code(0);
    let p = pieces(&r);
    let before = snapshot(&r);
    let mut rng = Rng(seed);
    let mut codes = [0usize; 3];
    for i in 0..count {
        let input = random_input(&mut rng, &p, pre_push);
        let b = run_in(&r, tool, &os(args), Some(&input));
        let mut b = b;
        b.run.what = format!(
            "{} (input #{i} of seed {seed:#x}: {:?})",
            b.run.what,
            String::from_utf8_lossy(&input)
        );
        contract(&b, tool, Expect::Any(""));
        if b.run.code == 2 {
            assert!(
                names_input(&b.run.stderr, &input, &p),
                "{}: exit 2 names nothing from the input:\n{}",
                b.run.what,
                b.run.stderr
            );
        }
        codes[b.run.code as usize] += 1;
    }
    let _ = writeln!(
        std::io::stderr(),
        "{tool} {}: {count} random inputs, exits 0/1/2: {codes:?}",
        args.join(" ")
    );
    unchanged(&r, &before);
}

#[test]
fn random_pre_push_input_validate_tag() {
    random_hook_input(
        "validate-tag",
        &["--pre-push", "origin"],
        true,
        0x5eed_0001,
        300,
    );
}

#[test]
fn random_pre_push_input_guard_master_commit() {
    random_hook_input(
        "guard-master-commit",
        &["--pre-push"],
        true,
        0x5eed_0002,
        300,
    );
}

#[test]
fn random_reference_transaction_input() {
    for (state, seed) in [
        ("prepared", 0x5eed_0003),
        ("committed", 0x5eed_0004),
        ("bogus\u{1b}", 0x5eed_0005),
    ] {
        random_hook_input(
            "validate-tag",
            &["--reference-transaction", state],
            false,
            seed,
            100,
        );
    }
}

#[test]
fn symlinks_out_of_the_repository_are_not_followed() {
    let r = crate::util::Repo::new();
    let outside = crate::util::TempDir::new("outside");
    std::fs::write(
        outside.path().join("secret.md"),
        "# Secret\n\n## [9.9.9] - 2026-01-01\n",
    )
    .unwrap();
    std::fs::write(
        outside.path().join("secret.toml"),
        "[project]\nname = \"x\"\nversion = \"6.6.6\"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        r.path().join("CHANGELOG.md"),
    )
    .unwrap();
    r.commit("one");
    r.relgate("lint-changelog", &[])
        .code(2)
        .stderr_has("CHANGELOG.md is a symlink to")
        .stderr_has("outside the repository");
    std::os::unix::fs::symlink(
        outside.path().join("secret.toml"),
        r.path().join("Cargo.toml"),
    )
    .unwrap();
    let run = r.relgate("check-version-sync", &["--list"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("6.6.6"), "{}", run.stdout);
    // A symlink that stays inside is fine.
    std::fs::remove_file(r.path().join("CHANGELOG.md")).unwrap();
    std::fs::remove_file(r.path().join("Cargo.toml")).unwrap();
    r.write("docs/CHANGES.md", "# Changelog\n\n## [Unreleased]\n");
    std::os::unix::fs::symlink("docs/CHANGES.md", r.path().join("CHANGELOG.md")).unwrap();
    r.relgate("lint-changelog", &[]).code(0);
}
