#!/usr/bin/env python3
"""merge.py OUT ROUND.json...: one hyperfine result from rounds of the same commands run in
alternating order. Each command's median is over the wall times of every run of every round;
its user and system times are the means over all runs. The commands keep the order of the
first round."""

import json
import statistics
import sys


def main(out, rounds):
    merged = {}
    order = []
    for path in rounds:
        with open(path) as f:
            for r in json.load(f)["results"]:
                cmd = r["command"]
                if cmd not in merged:
                    order.append(cmd)
                    merged[cmd] = {"command": cmd, "times": [], "user": [], "system": [], "exit_codes": []}
                m = merged[cmd]
                n = len(r["times"])
                m["times"] += r["times"]
                m["user"] += [r["user"]] * n
                m["system"] += [r["system"]] * n
                m["exit_codes"] += r.get("exit_codes", [])
    results = []
    for cmd in order:
        m = merged[cmd]
        results.append(
            {
                "command": cmd,
                "mean": statistics.fmean(m["times"]),
                "median": statistics.median(m["times"]),
                "min": min(m["times"]),
                "max": max(m["times"]),
                "user": statistics.fmean(m["user"]),
                "system": statistics.fmean(m["system"]),
                "times": m["times"],
                "exit_codes": m["exit_codes"],
                "rounds": len(rounds),
            }
        )
    with open(out, "w") as f:
        json.dump({"results": results}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
