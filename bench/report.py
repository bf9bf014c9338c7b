#!/usr/bin/env python3
"""Turns bench/run's rows file and hyperfine JSON exports into the Markdown results table.

Each line of ROWS is tab-separated: KIND LABEL ARGS... where KIND is
  ratio   LABEL JSON MAX LOAD [NOTE]   median(command 0) / median(command 1) <= MAX
  faster  LABEL JSON MIN LOAD [NOTE]   median(command 1) / median(command 0) >= MIN
  abs     LABEL JSON MAX_MS LOAD [NOTE]  median(command 0) <= MAX_MS
  over    LABEL JSON MAX_MS LOAD [NOTE]  median(command 0) - median(command 1) <= MAX_MS
  info    LABEL JSON - LOAD [NOTE]     no budget: median(command 0), and its ratio to command 1
  size    LABEL BYTES MAX_BYTES
  build   LABEL SECONDS MAX_SECONDS LOAD [NOTE]
  skip    LABEL REASON
"""
import json
import sys


def short(command):
    """`/long/path/to/tool args` -> `tool args` (and the fixture paths in sh commands)."""
    return " ".join(w.rsplit("/", 1)[-1] if "/" in w and not w.startswith("--") else w for w in command.split())


def medians(path):
    with open(path) as f:
        res = json.load(f)["results"]
    return [(short(r["command"]), r["median"] * 1000, (r["user"] + r["system"]) * 1000) for r in res]


def ms(x):
    return f"{x:.0f} ms" if x >= 100 else f"{x:.2f} ms" if x < 10 else f"{x:.1f} ms"


def cpu(result):
    """Median wall time, then mean CPU time (user + system): on a busy machine the wall time
    includes waiting for a core, the CPU time does not."""
    return f"{ms(result[1])} (CPU {ms(result[2])})"


def main(rows_path):
    out = [
        "| benchmark | relgate: median (CPU) | compared with | its median (CPU) | ratio | budget | met | also measured | load |",
        "| --- | ---: | --- | ---: | ---: | --- | :---: | --- | ---: |",
    ]
    notes = []
    missed = 0
    for line in open(rows_path):
        f = line.rstrip("\n").split("\t")
        kind, label = f[0], f[1]
        if kind == "skip":
            out.append(f"| {label} | – | – | – | – | – | skipped | – | – |")
            notes.append(f"{label}: skipped: {f[2]}")
            continue
        if kind == "size":
            size, cap = int(f[2]), int(f[3])
            ok = size <= cap
            out.append(f"| {label} | {size / 1e6:.2f} MB | – | – | – | ≤ {cap / 1e6:.0f} MB | {'yes' if ok else '**no**'} | – | – |")
        elif kind == "build":
            secs, cap, load = float(f[2]), float(f[3]), f[4]
            ok = secs <= cap
            also = f[5] if len(f) > 5 and f[5] else "–"
            out.append(f"| {label} | {secs:.0f} s | – | – | – | ≤ {cap:.0f} s | {'yes' if ok else '**no**'} | {also} | {load} |")
        else:
            m = medians(f[2])
            bound, load = (None if f[3] == "-" else float(f[3])), f[4]
            mine = m[0][1]
            if kind == "info":
                bound = None
            theirs = m[1] if len(m) > 1 else None
            if kind == "ratio":
                r = mine / theirs[1]
                ok = r <= bound
                cells = (theirs[0], cpu(theirs), f"{r:.2f}× (CPU {m[0][2] / theirs[2]:.2f}×)", f"≤ {bound:g}×")
            elif kind == "faster":
                r = theirs[1] / mine
                ok = r >= bound
                cells = (theirs[0], cpu(theirs), f"{r:.0f}× faster", f"≥ {bound:g}× faster")
            elif kind == "abs":
                ok = mine <= bound
                if theirs:
                    cells = (theirs[0], cpu(theirs), f"{mine / theirs[1]:.2f}×", f"≤ {bound:g} ms")
                else:
                    cells = ("", "–", "–", f"≤ {bound:g} ms")
            elif kind == "info":
                ok = True
                cells = (theirs[0], cpu(theirs), f"{mine / theirs[1]:.2f}×", "none")
            elif kind == "over":
                d = mine - theirs[1]
                ok = d <= bound
                cells = (theirs[0], cpu(theirs), f"+{d:.2f} ms", f"≤ +{bound:g} ms")
            else:
                sys.exit(f"unknown row kind {kind}")
            also = "; ".join(f"`{e[0]}` {cpu(e)}: relgate takes {mine / e[1]:.2f}× its time" for e in m[2:]) or "–"
            if kind == "ratio" and m[2:]:
                # The git commands that together do what the gate does (check-release-ready:
                # the status, and the walk to the newest tag below HEAD).
                both = theirs[1] + sum(e[1] for e in m[2:])
                also += f"; git's commands together {both:.2f} ms: relgate takes {mine / both:.2f}× their time"
            out.append(f"| {label} | {cpu(m[0])} | `{cells[0]}` | {cells[1]} | {cells[2]} | {cells[3]} | {'–' if kind == 'info' else 'yes' if ok else '**no**'} | {also} | {load} |")
        if len(f) > 5 and kind not in ("size", "skip", "build") and f[5]:
            notes.append(f"{label}: {f[5]}")
        if not ok:
            missed += 1
    print("\n".join(out))
    if notes:
        print()
        for n in notes:
            print(f"- {n}")
    print()
    print(f"{missed} budget(s) missed." if missed else "Every budget met.")


if __name__ == "__main__":
    main(sys.argv[1])
