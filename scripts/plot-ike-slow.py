#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Plots the CSV of the ipsec-ike-slow study (--csv=FILE).

    plot-ike-slow.py RESULTS.csv OUT.png [--title TEXT]

One panel per (link delay, loss) pair; in each, one group of bars per CPU
profile and Diffie-Hellman group, one bar per net.key.larval_lifetime: the
time of the first echo reply (the SAs came up), or a hatched bar at the
height of the run's length marked "never" where they did not.  The pings
lost before the SAs came up (A's out_nosa) are written above each bar.

Needs Debian's python3-matplotlib (scripts/setup.sh installs it); exits 77
without it, so CTest reports the ipsec-ike-slow-plot test as skipped.
"""

import argparse
import csv
import sys
from collections import OrderedDict

SKIP = 77


def read_rows(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    need = {"cpu", "dh_group", "delay", "loss", "larval_lifetime", "up", "first_reply_s",
            "pings_sent", "pings_lost_before"}
    if not rows:
        raise SystemExit(f"{path}: no cases")
    missing = need - set(rows[0].keys())
    if missing:
        raise SystemExit(f"{path}: not an ipsec-ike-slow CSV (missing {', '.join(sorted(missing))})")
    return rows


def unique(values):
    return list(OrderedDict.fromkeys(values))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("png")
    ap.add_argument("--title", default="IKE over slow links and slow machines (ipsec-ike-slow)")
    args = ap.parse_args()

    rows = read_rows(args.csv)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot-ike-slow: SKIPPED: python3-matplotlib is not installed "
              "(apt-get install python3-matplotlib)")
        return SKIP

    panels = unique((r["delay"], r["loss"]) for r in rows)
    groups = unique((r["cpu"], r["dh_group"]) for r in rows)
    larvals = unique(r["larval_lifetime"] for r in rows)
    horizon = max(float(r["pings_sent"]) for r in rows)

    fig, axes = plt.subplots(len(panels), 1, figsize=(max(8, 1.4 * len(groups) * len(larvals)),
                                                      3.2 * len(panels)), squeeze=False)
    width = 0.8 / max(1, len(larvals))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, (delay, loss) in zip(axes[:, 0], panels):
        for j, larval in enumerate(larvals):
            for i, (cpu, group) in enumerate(groups):
                match = [r for r in rows if (r["delay"], r["loss"], r["cpu"], r["dh_group"],
                                             r["larval_lifetime"]) == (delay, loss, cpu, group,
                                                                       larval)]
                if not match:
                    continue
                r = match[0]
                x = i + (j - (len(larvals) - 1) / 2) * width
                up = r["up"] == "1"
                height = float(r["first_reply_s"]) if up else horizon
                ax.bar(x, height, width * 0.9, color=colours[j % len(colours)],
                       hatch=None if up else "//", alpha=1.0 if up else 0.35,
                       label=f"larval lifetime {larval} s" if i == 0 else None)
                ax.annotate(("" if up else "never\n") + f"lost {r['pings_lost_before']}",
                            (x, height), ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([f"{cpu}\nMODP group {group}" for cpu, group in groups], fontsize=8)
        ax.set_ylabel("first reply (s)")
        ax.set_ylim(0, horizon * 1.25)
        ax.set_title(f"one-way delay {delay} per link, loss {loss}", fontsize=9)
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(args.title)
    fig.tight_layout()
    fig.savefig(args.png, dpi=110)
    print(f"plot-ike-slow: {len(rows)} cases -> {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
