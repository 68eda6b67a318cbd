#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The ipsec-ike-slow-study CTest test: a small sweep of the ipsec-ike-slow
study, its CSV checked against the FAQ's warning, then plotted.

    ike-slow-study.py IPSEC_IKE_SLOW PLOT_SCRIPT WORK_DIR

Four cases: a current CPU and the MIPS R3000 profile, MODP-2048, larval
lifetimes of 30 and 90 s.  Expected from the FAQ ("IKE negotiation has to
finish within net.key.larval_lifetime ... 30 seconds by default"): the fast
CPU comes up within seconds at both lifetimes; the very slow one never at
30 s and after the default 30 s at 90 s.  Then scripts/plot-ike-slow.py
draws the CSV; the PNG is checked by its signature and size.  Exit 77
(skipped) when python3-matplotlib is missing.
"""
import csv
import os
import subprocess
import sys

SKIP = 77


def main():
    binary, plot, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "ike-slow.csv")
    run = subprocess.run([binary, "--cpus=Reference2020s,MipsR3000_25MHz", "--groups=14",
                          "--delays=2ms", "--losses=0", "--larvals=30,90", "--pings=100",
                          f"--csv={path}"], capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        print(run.stdout, run.stderr)
        print("FAIL: ipsec-ike-slow exited with", run.returncode)
        return 1
    with open(path, newline="") as f:
        rows = {(r["cpu"], r["larval_lifetime"]): r for r in csv.DictReader(f)}
    failures = []

    def expect(cond, what):
        if not cond:
            failures.append(what)

    expect(len(rows) == 4, f"4 cases, got {len(rows)}")
    for larval in ("30", "90"):
        fast = rows.get(("Reference2020s", larval))
        expect(fast is not None and fast["up"] == "1" and float(fast["first_reply_s"]) < 5,
               f"the current CPU comes up within 5 s at {larval} s: {fast}")
    slow30 = rows.get(("MipsR3000_25MHz", "30"))
    expect(slow30 is not None and slow30["up"] == "0" and slow30["first_reply_s"] == "",
           f"the very slow CPU never comes up at 30 s: {slow30}")
    expect(slow30 is not None and slow30["pings_lost_before"] == slow30["pings_sent"],
           f"every ping lost at 30 s: {slow30}")
    slow90 = rows.get(("MipsR3000_25MHz", "90"))
    expect(slow90 is not None and slow90["up"] == "1" and float(slow90["first_reply_s"]) > 30,
           f"the very slow CPU comes up after 30 s at 90 s: {slow90}")
    expect(slow90 is not None and float(slow90["cpu_busy_a_s"]) > 10,
           f"the slow CPU was busy for more than 10 s: {slow90}")
    if failures:
        print(open(path).read())
        for f in failures:
            print("FAIL:", f)
        return 1
    print("ipsec-ike-slow: the CSV agrees with the FAQ's warning (4 cases)")

    png = os.path.join(work, "ike-slow.png")
    if os.path.exists(png):
        os.remove(png)
    p = subprocess.run([sys.executable, plot, path, png], capture_output=True, text=True,
                       timeout=300)
    print(p.stdout, p.stderr, end="")
    if p.returncode == SKIP:
        return SKIP
    if p.returncode != 0:
        print("FAIL: the plot script exited with", p.returncode)
        return 1
    with open(png, "rb") as f:
        head = f.read(8)
    size = os.path.getsize(png)
    if head != b"\x89PNG\r\n\x1a\n" or size < 10000:
        print(f"FAIL: {png} is not a plausible PNG ({size} bytes)")
        return 1
    print(f"plot: {png}, {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
