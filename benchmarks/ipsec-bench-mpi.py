#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The distributed example's wall time, sequential and with MPI ranks.

    benchmarks/ipsec-bench-mpi.py [--binary=PATH] [--reps=5] [--ranks=1,2]
        [--sites=200] [--hostsPerSite=10] [--pings=20] [--echoes=20] [--csv=FILE]

Runs examples/ipsec-distributed built against the MPI-enabled ns-3
(scripts/setup-ns3-mpi.sh; the ipsec-mpi test builds it in
build/mpi-check/build/examples/) as variants paired and interleaved: in each
repetition every variant runs once, in an order rotated by the repetition --
the sequential run (no MPI), then `mpirun -np N ... --mpi` for each N of
--ranks with the granted-time-window algorithm, and with the null-message one
(--nullmsg).  A row gives the median over the repetitions of the process's
wall time (mpirun's, start-up included) and of the simulation's (what rank 0
reports: building the topology and Simulator::Run), and the median of the
per-repetition ratios to the sequential run.  Every run is checked: each
rank's report must hold every host's flows with all replies delivered, else
the row says INVALID and the exit status is 1.  The first line names the
machine.  Nothing here is a test: no timing is ever asserted.
"""
import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BINARY = os.path.join(HERE, "..", "build", "mpi-check", "build", "examples",
                              "ipsec-distributed")
MPIRUN = ["mpirun", "--oversubscribe", "--mca", "btl", "self,vader",
          "--mca", "btl_vader_single_copy_mechanism", "none"]


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mpi = subprocess.run(["mpirun", "--version"], capture_output=True, text=True).stdout
    mpi = mpi.splitlines()[0] if mpi else "no mpirun"
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, {mpi}"


def run(variant, args, binary, out):
    """One run: (process wall time, simulation wall time, valid)."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    example = [binary, f"--sites={args.sites}", f"--hostsPerSite={args.hostsPerSite}",
               f"--pings={args.pings}", f"--echoes={args.echoes}", f"--outDir={out}"]
    ranks, nullmsg = variant
    if ranks == 0:
        cmd = example
    else:
        cmd = MPIRUN + ["-np", str(ranks)] + example + ["--mpi"] + (["--nullmsg"] if nullmsg else [])
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    m = re.search(r"wall time ([0-9.]+) s", p.stderr)
    sim = float(m.group(1)) if m else float("nan")
    # Every host's two flows, every request answered.
    reports = ""
    for name in sorted(os.listdir(out)):
        with open(os.path.join(out, name)) as f:
            reports += f.read()
    flows = re.findall(r"flow (ping|udp-echo) \S+ -> server: (\d+) of (\d+)", reports)
    hosts = args.sites * args.hostsPerSite
    valid = (p.returncode == 0 and len(flows) == 2 * hosts
             and all(a == b and int(b) > 0 for _, a, b in flows))
    return wall, sim, valid


def name(variant):
    ranks, nullmsg = variant
    if ranks == 0:
        return "sequential"
    return f"{ranks} rank{'s' if ranks > 1 else ''}, " + ("null message" if nullmsg
                                                          else "granted time window")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=DEFAULT_BINARY)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--ranks", default="1,2", help="comma-separated numbers of ranks")
    ap.add_argument("--sites", type=int, default=200)
    ap.add_argument("--hostsPerSite", type=int, default=10)
    ap.add_argument("--pings", type=int, default=20)
    ap.add_argument("--echoes", type=int, default=20)
    ap.add_argument("--csv", help="also write the rows to this CSV file")
    args = ap.parse_args()
    if not os.access(args.binary, os.X_OK):
        print(f"ipsec-bench-mpi: no {args.binary}: build it against the MPI-enabled ns-3 "
              "(bash scripts/setup.sh --mpi; ctest --test-dir build -R ipsec-mpi)",
              file=sys.stderr)
        return 2
    variants = [(0, False)]
    for n in [int(x) for x in args.ranks.split(",")]:
        variants.append((n, False))
        if n > 1:
            variants.append((n, True))
    print(f"machine: {machine()}")
    print(f"ipsec-distributed --sites={args.sites} --hostsPerSite={args.hostsPerSite} "
          f"--pings={args.pings} --echoes={args.echoes}: "
          f"{args.sites * args.hostsPerSite} hosts, {2 + args.sites * (1 + args.hostsPerSite)} "
          f"nodes; {args.reps} repetitions, variants interleaved")
    results = {v: [] for v in variants}
    tmp = tempfile.mkdtemp(prefix="ipsec-bench-mpi-")
    try:
        for rep in range(args.reps):
            order = variants[rep % len(variants):] + variants[:rep % len(variants)]
            for v in order:
                r = run(v, args, args.binary, os.path.join(tmp, "out"))
                results[v].append(r)
                print(f"  rep {rep + 1}/{args.reps}: {name(v)}: {r[0]:.2f} s"
                      + ("" if r[2] else " INVALID"), file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = []
    ok = True
    base = results[(0, False)]
    print(f"{'variant':<36} {'wall (s)':>9} {'ratio':>7} {'simulation (s)':>15} {'ratio':>7}")
    for v in variants:
        rs = results[v]
        valid = all(r[2] for r in rs)
        ok = ok and valid
        wall = statistics.median(r[0] for r in rs)
        sim = statistics.median(r[1] for r in rs)
        ratio = statistics.median(r[0] / b[0] for r, b in zip(rs, base))
        sratio = statistics.median(r[1] / b[1] for r, b in zip(rs, base))
        if valid:
            print(f"{name(v):<36} {wall:>9.2f} {ratio:>6.2f}x {sim:>15.2f} {sratio:>6.2f}x")
        else:
            print(f"{name(v):<36} {'INVALID':>9}")
        rows.append((name(v), wall, ratio, sim, sratio, valid))
    if args.csv:
        with open(args.csv, "w") as f:
            f.write("variant,wall_s,wall_ratio,simulation_s,simulation_ratio,reps,valid\n")
            for n, w, r, s, sr, v in rows:
                f.write(f"{n},{w:.3f},{r:.3f},{s:.3f},{sr:.3f},{args.reps},{int(v)}\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
