#!/usr/bin/env python3
"""Deterministic generators for bench/run's fixtures (no randomness, no clock).

  gen.py changelog BYTES CORPUS_DIR OUT   a Keep a Changelog file of about BYTES bytes: releases with
                                          distinct descending versions and dates, bullets taken from
                                          the corpus, a compare link per release
  gen.py tags N                           a `git fast-import` stream: N commits on main, each setting
                                          pyproject.toml's version, each tagged v<version>; even ones
                                          annotated, odd ones lightweight
  gen.py tree DIR DIRS FILES              DIRS directories of FILES small distinct files each
"""
import datetime
import pathlib
import re
import sys

REPO_URL = "https://github.com/example/demo"
EPOCH = 1704067200  # 2024-01-01T00:00:00Z


def corpus_bullets(corpus):
    """Plain bullet lines from real changelogs, without anything Markdown could read as a
    heading, a link, a reference or HTML, so they seed text without adding findings."""
    keep = re.compile(r"^[-*] ([A-Za-z][^\[\]<>|#`\\*_]{25,160})$")
    seen, out = set(), []
    for path in sorted(pathlib.Path(corpus).glob("*.md")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            m = keep.match(line.strip())
            if m and m.group(1) not in seen:
                seen.add(m.group(1))
                out.append(m.group(1).rstrip())
    if not out:
        out = [f"Change number {i} to the demo package, described in one line" for i in range(100)]
    return out


def version_of(j):
    """The j-th release (0 = oldest), increasing with j: 0.0.0 is skipped."""
    j += 1
    return f"{j // 10000}.{(j // 100) % 100}.{j % 100}"


def changelog(size, corpus, out):
    bullets = corpus_bullets(corpus)
    n = 100
    for _ in range(4):  # scale the number of releases until the size is within 1%
        text = changelog_text(n, bullets)
        got = len(text.encode())
        if abs(got - size) < size / 100:
            break
        n = max(2, round(n * size / got))
    pathlib.Path(out).write_text(text, encoding="utf-8")
    print(f"{out}: {got} bytes, {n} releases", file=sys.stderr)


def changelog_text(n, bullets):
    types = ["Added", "Changed", "Fixed", "Removed", "Security", "Deprecated"]
    newest = datetime.date(2025, 12, 31)
    head = (
        "# Changelog\n\nAll notable changes to this project will be documented in this file.\n\n"
        "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.0.0/), "
        "and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n"
        "## [Unreleased]\n\n"
    )
    parts, links = [head], [f"[Unreleased]: {REPO_URL}/compare/v{version_of(n - 1)}...HEAD\n"]
    for k in range(n):  # k = 0 is the newest release
        j = n - 1 - k
        v = version_of(j)
        d = newest - datetime.timedelta(days=k)  # one day earlier per release: strictly descending
        parts.append(f"## [{v}] - {d.isoformat()}\n\n{release_body(k, bullets, types)}")
        if j > 0:
            links.append(f"[{v}]: {REPO_URL}/compare/v{version_of(j - 1)}...v{v}\n")
        else:
            links.append(f"[{v}]: {REPO_URL}/releases/tag/v{v}\n")
    return "".join(parts) + "".join(links)


def release_body(k, bullets, types):
    out = []
    for t in range(1 + k % 3):
        out.append(f"### {types[(k + t) % len(types)]}\n\n")
        for b in range(2 + (k + t) % 4):
            out.append(f"- {bullets[(k * 7 + t * 3 + b) % len(bullets)]}\n")
        out.append("\n")
    return "".join(out)


def tags(n):
    """n commits with one release tag each, in the shapes real histories have: half annotated,
    half lightweight; every tenth release tagged on a commit off main (a hotfix tagged and never
    merged: not on a release branch and not reachable from HEAD), its main successor continuing
    from the commit before it. The newest release is on main, as a pre-push hook meets it."""
    w = sys.stdout.buffer.write
    who = "Bench <bench@example.invalid>"
    w(b"blob\nmark :1\ndata <<EOF\n[tags]\nrequire-annotated = false\nEOF\n\n")
    main = None  # the mark of main's newest commit
    for i in range(n):
        v = version_of(i)
        t = EPOCH + i * 3600
        py = f'[project]\nname = "demo"\nversion = "{v}"\n'.encode()
        msg = f"Release {v}\n".encode()
        off_main = i % 10 == 5
        w(b"commit refs/heads/side\n" if off_main else b"commit refs/heads/main\n")
        w(f"mark :{i + 2}\ncommitter {who} {t} +0000\n".encode())
        w(b"data %d\n%s\n" % (len(msg), msg))
        if main is None:
            w(b"M 100644 :1 relgate.toml\n")
        else:
            w(f"from :{main}\n".encode())
        w(b"M 100644 inline pyproject.toml\n")
        w(b"data %d\n%s\n" % (len(py), py))
        if not off_main:
            main = i + 2
        if i % 2 == 0:
            tmsg = f"v{v}\n".encode()
            w(f"tag v{v}\nfrom :{i + 2}\ntagger {who} {t} +0000\n".encode())
            w(b"data %d\n%s\n" % (len(tmsg), tmsg))
        else:
            w(f"reset refs/tags/v{v}\nfrom :{i + 2}\n\n".encode())
    w(b"done\n")


def tree(root, dirs, files):
    root = pathlib.Path(root)
    for d in range(dirs):
        sub = root / "data" / f"d{d:03}"
        sub.mkdir(parents=True, exist_ok=True)
        for f in range(files):
            (sub / f"f{f:03}.txt").write_text(f"directory {d}, file {f}\n" * (1 + f % 5))


if __name__ == "__main__":
    if sys.argv[1] == "changelog":
        changelog(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "tree":
        tree(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "tags":
        tags(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
