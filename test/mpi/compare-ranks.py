#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compares a distributed run of ipsec-distributed with the sequential one.

    compare-ranks.py SEQ_DIR MPI_DIR RANKS

Each directory holds the reports (ipsec-distributed-rank<r>.txt: blocks,
each after a line "== NAME") and a pcap/ folder.  The sequential run wrote
one report with every node's block; the distributed run one per rank with
its own nodes' blocks.  Every node must be reported by exactly one rank,
with the same text as in the sequential report, every rank must have
reported some node, and the pcaps of all ranks together must be the
sequential run's, file for file and byte for byte.  Exit 0 when all holds,
1 (with what differs) otherwise.
"""
import filecmp
import os
import sys


def blocks(path):
    """The report's blocks, in order: [(name, text)]."""
    out = []
    with open(path) as f:
        for line in f:
            if line.startswith("== "):
                name = line[3:].split(":")[0].strip()
                out.append([name, line])
            elif out:
                out[-1][1] += line
            else:
                raise SystemExit(f"{path}: text before the first block: {line!r}")
    return [tuple(b) for b in out]


def main():
    seq_dir, mpi_dir, ranks = sys.argv[1], sys.argv[2], int(sys.argv[3])
    errors = []
    seq = blocks(os.path.join(seq_dir, "ipsec-distributed-rank0.txt"))
    if not seq:
        errors.append("the sequential report is empty")
    got = {}
    for r in range(ranks):
        path = os.path.join(mpi_dir, f"ipsec-distributed-rank{r}.txt")
        if not os.path.exists(path):
            errors.append(f"rank {r} wrote no report")
            continue
        mine = blocks(path)
        if not mine:
            errors.append(f"rank {r} reported no node")
        for name, text in mine:
            if name in got:
                errors.append(f"{name} reported by ranks {got[name][0]} and {r}")
            got[name] = (r, text)
    for name, text in seq:
        if name not in got:
            errors.append(f"{name}: reported by no rank")
        elif got[name][1] != text:
            errors.append(f"{name} (rank {got[name][0]}) differs from the sequential run:\n"
                          f"--- sequential\n{text}--- rank {got[name][0]}\n{got[name][1]}")
    for name in sorted(set(got) - {n for n, _ in seq}):
        errors.append(f"{name}: reported by rank {got[name][0]}, not by the sequential run")

    seq_pcaps = sorted(os.listdir(os.path.join(seq_dir, "pcap")))
    mpi_pcaps = sorted(os.listdir(os.path.join(mpi_dir, "pcap")))
    if not seq_pcaps:
        errors.append("the sequential run wrote no pcap")
    if seq_pcaps != mpi_pcaps:
        errors.append(f"pcap files differ: only sequential {sorted(set(seq_pcaps) - set(mpi_pcaps))}, "
                      f"only distributed {sorted(set(mpi_pcaps) - set(seq_pcaps))}")
    same = 0
    for name in sorted(set(seq_pcaps) & set(mpi_pcaps)):
        a = os.path.join(seq_dir, "pcap", name)
        b = os.path.join(mpi_dir, "pcap", name)
        if filecmp.cmp(a, b, shallow=False):
            same += 1
        else:
            errors.append(f"pcap {name} differs ({os.path.getsize(a)} and {os.path.getsize(b)} bytes)")
    if errors:
        print("\n".join(errors))
        return 1
    print(f"{len(seq)} node reports and {same} pcaps identical across {ranks} ranks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
