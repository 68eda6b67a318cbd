#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ipsec-example-outputs: every output option of every example makes its folder.

For each example program and each of its output options (--pcapDir, --json,
--csv, --keyLog, --pcap), as examples/common/ipsec-example-output.h promises:

  * a folder that does not exist yet, two levels deep, is created (mkdir -p)
    and the program writes its output there (exit status 0);
  * a path through a regular file makes the program exit with status 1
    before the simulation starts (no `flow` line, no output written), with
    a message on stderr naming the option, the path and the file in the way.

Usage: output-folders.py EXAMPLES_BUILD_DIR WORK_DIR.  Exit status 0 or 1.
"""

import os
import shutil
import subprocess
import sys

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


# program, fast arguments, output options: (option, kind) with kind "dir" or
# "file", and for "dir" a file the program writes into it.
CASES = [
    ("ipsec-host-to-host", ["--tcpBytes=10000"],
     [("pcapDir", "dir", "ipsec-host-to-host-0-0.pcap"), ("json", "file", None)]),
    ("ipsec-vpn", ["--tcpBytes=10000"],
     [("pcapDir", "dir", "ipsec-vpn-0-2.pcap"), ("json", "file", None)]),
    ("ipsec-leaf-node", ["--tcpBytes=10000"],
     [("pcapDir", "dir", "ipsec-leaf-node-0-1.pcap"), ("json", "file", None)]),
    ("ipsec-ah-tunnel", [],
     [("pcapDir", "dir", "ipsec-ah-tunnel-kame-0-2.pcap"), ("json", "file", None)]),
    ("ipsec-pop-policy", ["--mailBytes=2000"],
     [("pcapDir", "dir", "ipsec-pop-policy-0-0.pcap"), ("json", "file", None)]),
    ("ipsec-bootstrap", ["--duration=3", "--dumpAt=1"],
     [("pcapDir", "dir", "ipsec-bootstrap-0-0.pcap"), ("json", "file", None)]),
    ("ipsec-pfkey-daemon", ["--pings=5", "--verbose=false"], [("json", "file", None)]),
    ("ipsec-ike", ["--pings=4", "--verbose=false"], [("pcapDir", "dir", "ipsec-ike-0-0.pcap")]),
    ("ipsec-ike-slow", ["--cpus=Reference2020s", "--groups=2", "--delays=2ms", "--losses=0",
                        "--larvals=30", "--pings=4"], [("csv", "file", None)]),
    ("ipsec-adversary", ["--attacks=replay", "--count=1", "--packets=5"],
     [("pcapDir", "dir", "ipsec-adversary-A-1.pcap"), ("json", "file", None)]),
    # Needs a real interface to run; only the refusal is checked.
    ("ipsec-ike-peer", ["--interface=none", "--racoonConf=none", "--local=10.99.0.1/24",
                        "--peer=10.99.0.2"], [("keyLog", "dir", None), ("pcap", "file", None)]),
]


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    bindir, work = sys.argv[1], sys.argv[2]
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work)
    blocker = os.path.join(work, "a-file")
    with open(blocker, "w") as f:
        f.write("not a folder\n")

    for program, args, outputs in CASES:
        binary = os.path.join(bindir, program)
        if not os.path.exists(binary):
            if program == "ipsec-ike-peer":
                continue  # not built without ns-3's fd-net-device module
            fail("%s is missing" % binary)
            continue
        for option, kind, written in outputs:
            where = "%s --%s" % (program, option)
            # A missing folder two levels deep is created.
            if written is not None or kind == "file":
                base = os.path.join(work, program, option, "new", "nested")
                path = base if kind == "dir" else os.path.join(base, "out." + option)
                if program != "ipsec-ike-peer":
                    p = run([binary] + args + ["--%s=%s" % (option, path)])
                    if p.returncode != 0:
                        fail("%s into a missing folder: exit status %d\n%s" % (
                            where, p.returncode, p.stderr[-2000:]))
                    else:
                        expect = os.path.join(path, written) if kind == "dir" else path
                        if not os.path.isfile(expect) or os.path.getsize(expect) == 0:
                            fail("%s: %s was not written" % (where, expect))
            # A path through a regular file: exit 1 before the simulation.
            path = os.path.join(blocker, "sub")
            if kind == "file":
                path = os.path.join(path, "out." + option)
            p = run([binary] + args + ["--%s=%s" % (option, path)])
            if p.returncode != 1:
                fail("%s=%s: exit status %d, not 1" % (where, path, p.returncode))
            want = "--%s=%s: " % (option, path)
            if want not in p.stderr or (blocker + " is a file, not a folder") not in p.stderr:
                fail("%s: no message naming the path and the file in the way:\n%s" % (
                    where, p.stderr[-2000:]))
            if "The simulation was not started." not in p.stderr:
                fail("%s: the message does not say the simulation was not started" % where)
            if "\nflow " in "\n" + p.stdout:
                fail("%s: the simulation ran:\n%s" % (where, p.stdout[-2000:]))
            print("ok: %s" % where, flush=True)

    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("all output options create their folders or refuse with a message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
