#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The slow-link study: ipsec(4)'s "IPComp ... will help nodes on slow links
but with enough computing power", measured.

    studies/slow_link.py [--quick] [--out DIR] [--rates ...] [--configs ...]
                         [--payloads ...] [--profiles ...]

Every combination of configuration (plaintext, ESP with four algorithms, AH,
IPComp+ESP) x WAN rate (9.6 kbit/s to 1 Gbit/s) x payload (text, random) x
gateway CPU profile (Reference2020s, Pentium100) runs the FAQ's VPN with the
offered load at twice the bottleneck's capacity (ns3ipsec.slowlink says
how).  Writes DIR/slow-link.csv (one row per case), the gateways' setkey
scripts (DIR/setkey/), and, with Debian's python3-matplotlib,
DIR/slow-link.png (goodput as a share of the WAN rate) and
DIR/slow-link-delay.png (median one-way delay).  A progress bar (Debian's
python3-tqdm; plain lines without it) runs on stderr.

Needs the ns3ipsec package: run with Debian's python3 after the build
(scripts/setup.sh points it at build/bindings), or set
PYTHONPATH=build/bindings.
"""
import argparse
import csv
import os
import sys
import time

import ns3ipsec as ipsec
from ns3ipsec import slowlink


def progress(items, quiet):
    """tqdm's bar over ``items`` if Debian's python3-tqdm is there, else a
    line per item on stderr."""
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None
    if quiet:
        yield from ((None, i) for i in items)
        return
    if tqdm is not None:
        bar = tqdm(items, unit="case", file=sys.stderr, dynamic_ncols=True)
        for item in bar:
            yield bar, item
        return
    for n, item in enumerate(items, 1):
        print(f"[{n}/{len(items)}] {' '.join(item)}", file=sys.stderr, flush=True)
        yield None, item


def write_scripts(folder, configs):
    """The gateways' setkey scripts, as the study runs them."""
    os.makedirs(folder, exist_ok=True)
    for name in configs:
        gw1, gw2 = slowlink.setkey_scripts(slowlink.CONFIGS[name])
        if not gw1:
            continue
        for side, text in ((1, gw1), (2, gw2)):
            with open(os.path.join(folder, f"gw{side}-{name}.conf"), "w") as f:
                f.write(text)


def plot(rows, out_dir):
    """The goodput and delay figures; False without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("slow_link: no plots: matplotlib is missing (apt-get install python3-matplotlib)",
              file=sys.stderr)
        return False
    profiles = list(dict.fromkeys(r["profile"] for r in rows))
    payloads = list(dict.fromkeys(r["payload"] for r in rows))
    configs = list(dict.fromkeys(r["config"] for r in rows))
    styles = {
        "plain": dict(color="black", linestyle="-", marker="o"),
        "esp-null-sha1": dict(color="tab:gray", linestyle="--", marker="."),
        "esp-3des-md5": dict(color="tab:red", linestyle="-", marker="v"),
        "esp-aes-sha1": dict(color="tab:blue", linestyle="-", marker="s"),
        "esp-aes-gcm": dict(color="tab:purple", linestyle=":", marker="D"),
        "ah-sha1": dict(color="tab:olive", linestyle="--", marker="^"),
        "ipcomp-esp-aes-sha1": dict(color="tab:green", linestyle="-", marker="*",
                                    markersize=9, linewidth=2),
    }
    written = []
    for what, column, ylabel, logy in (
            ("slow-link.png", "goodput_share", "goodput / WAN rate", True),
            ("slow-link-delay.png", "delay_median_s", "median one-way delay (s)", True)):
        fig, axes = plt.subplots(len(profiles), len(payloads), sharex=True, sharey=True,
                                 figsize=(5.2 * len(payloads), 3.6 * len(profiles)),
                                 squeeze=False)
        for i, prof in enumerate(profiles):
            for j, pay in enumerate(payloads):
                ax = axes[i][j]
                failed = []
                for c in configs:
                    mine = [r for r in rows
                            if (r["profile"], r["payload"], r["config"]) == (prof, pay, c)]
                    pts = sorted((r["rate_bps"], r[column]) for r in mine if r["complete"])
                    failed += [f"{c} {r['rate']}" for r in mine if not r["complete"]]
                    if pts:
                        ax.plot([p[0] for p in pts], [p[1] for p in pts], label=c,
                                **styles.get(c, {}))
                if failed:
                    ax.text(0.98, 0.02, "no result: " + ", ".join(failed), fontsize=6,
                            ha="right", va="bottom", transform=ax.transAxes, color="tab:olive")
                ax.set_xscale("log")
                if logy:
                    ax.set_yscale("log")
                if column == "goodput_share":
                    ax.axhline(1.0, color="lightgray", linewidth=0.8, zorder=0)
                ax.set_title(f"{prof} gateways, {pay} payload", fontsize=10)
                ax.grid(True, which="major", alpha=0.3)
                if i == len(profiles) - 1:
                    ax.set_xlabel("WAN rate (bit/s)")
                if j == 0:
                    ax.set_ylabel(ylabel)
        axes[0][0].legend(fontsize=7, loc="lower left")
        size = rows[0]["size"]
        fig.suptitle(f"The slow-link study: {size}-byte UDP datagrams through the FAQ's VPN, "
                     "offered at twice the bottleneck", fontsize=10)
        fig.tight_layout()
        path = os.path.join(out_dir, what)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="the test's sweep: 64k and 100M, plain, esp-aes-sha1 and "
                         "ipcomp-esp-aes-sha1, both payloads and profiles, 100 measured "
                         "datagrams")
    ap.add_argument("--out", default="slow-link", help="output folder (default ./slow-link)")
    ap.add_argument("--rates", help="comma-separated WAN rates, e.g. 9600bps,1Mbps")
    ap.add_argument("--configs", help="comma-separated configurations: "
                    + ", ".join(slowlink.CONFIGS))
    ap.add_argument("--payloads", help="comma-separated: text, random")
    ap.add_argument("--profiles", help="comma-separated CPU profiles: "
                    + ", ".join(ipsec.cpu_profiles()))
    ap.add_argument("--size", type=int, default=1000, help="UDP payload bytes (default 1000)")
    ap.add_argument("--overload", type=float, default=2.0,
                    help="offered load over the bottleneck's capacity (default 2)")
    ap.add_argument("--warmup", type=int, help="datagrams received before measuring (600)")
    ap.add_argument("--measure", type=int, help="datagrams measured (400; quick: 100)")
    ap.add_argument("--no-plot", action="store_true", help="CSV only")
    ap.add_argument("--quiet", action="store_true", help="no progress")
    a = ap.parse_args(argv)

    sweep = dict(rates=slowlink.RATES, configs=list(slowlink.CONFIGS),
                 payloads=slowlink.PAYLOADS, profiles=slowlink.PROFILES, warmup=600, measure=400)
    if a.quick:
        sweep.update(slowlink.QUICK)
    for key in ("rates", "configs", "payloads", "profiles"):
        if getattr(a, key):
            sweep[key] = getattr(a, key).split(",")
    for key in ("warmup", "measure"):
        if getattr(a, key) is not None:
            sweep[key] = getattr(a, key)
    for p in sweep["profiles"]:
        if p not in ipsec.cpu_profiles():
            ap.error(f"unknown profile {p}; the profiles are " + ", ".join(ipsec.cpu_profiles()))
    try:
        todo = slowlink.cases(sweep["rates"], sweep["configs"], sweep["payloads"],
                              sweep["profiles"])
        for r in sweep["rates"]:
            slowlink.rate_bps(r)
    except ValueError as e:
        ap.error(str(e))

    os.makedirs(a.out, exist_ok=True)
    write_scripts(os.path.join(a.out, "setkey"), sweep["configs"])
    started = time.monotonic()
    rows = []
    for bar, (config, rate, content, profile) in progress(todo, a.quiet):
        if bar is not None:
            bar.set_postfix_str(f"{config} {rate} {content} {profile}")
        rows.append(slowlink.run_case(config, rate, content, profile, size=a.size,
                                      overload=a.overload, warmup=sweep["warmup"],
                                      measure=sweep["measure"]))
    csv_path = os.path.join(a.out, "slow-link.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=slowlink.COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.9g}" if isinstance(v, float) else v) for k, v in r.items()})
    print(f"slow_link: {len(rows)} cases in {time.monotonic() - started:.0f} s (wall): {csv_path}")
    if not a.no_plot:
        for path in plot(rows, a.out) or []:
            print(f"slow_link: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
