#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ipsec-ike-tshark: Wireshark dissects and decrypts the simulated IKE.

Runs the ipsec-ike example (IPv4 main mode, IPv6 main mode, IPv4 aggressive
mode) with --pcapDir, and hands host A's pcap and the key log the example
writes beside it (IpsecIkeHelper::EnableKeyLog: ikev1_decryption_table and
esp_sa, Wireshark's UAT files) to tshark, in a Wireshark profile of their own
(WIRESHARK_CONFIG_DIR).  It checks that

  * every ISAKMP packet is dissected without a malformed-packet mark and
    without expert info of severity error;
  * every encrypted ISAKMP message is decrypted: the payloads inside it
    (HASH, and IDii/IDir in main mode's messages 5 and 6, SA and nonce in
    quick mode's first two messages) show up;
  * every ESP packet is decrypted into an ICMP (ICMPv6) echo, its ICV checks,
    and there is at least one;
  * two runs with the same seed write byte-identical pcaps.

Usage: ike-tshark.py IPSEC_IKE_PROGRAM WORK_DIR.  Exit status 77 (skipped)
when tshark is missing; otherwise 0 or 1.
"""

import filecmp
import os
import shutil
import subprocess
import sys

TSHARK = "/usr/bin/tshark"
SKIP = 77

ERROR_SEVERITY = 0x00800000  # Wireshark's PI_ERROR

# Exchange types (RFC 2408, 2409).
IDENTITY_PROTECTION = 2  # main mode
AGGRESSIVE = 4
INFORMATIONAL = 5
QUICK_MODE = 32

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def run(cmd, env=None):
    """Runs cmd, returns its stdout; a nonzero status is a failure."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, universal_newlines=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("%s: exit status %d\n%s%s" % (
            " ".join(cmd), p.returncode, p.stdout[-2000:], p.stderr[-4000:]))
    # tshark reports a key table it cannot load on stderr, yet exits 0.
    for line in p.stderr.splitlines():
        if "rror" in line or "nvalid" in line:
            fail("%s: %s" % (os.path.basename(cmd[0]), line))
    return p.stdout


def run_example(program, outdir, args):
    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    run([program, "--pcapDir=" + outdir, "--verbose=false", "--RngRun=1"] + args)
    return outdir


def host_a_pcap(outdir):
    # Host A is node 0; its one point-to-point device is the pcap's.
    pcaps = sorted(f for f in os.listdir(outdir)
                   if f.startswith("ipsec-ike-0-") and f.endswith(".pcap"))
    if len(pcaps) != 1:
        raise RuntimeError("%s: expected one pcap of host A, found %s" % (outdir, pcaps))
    return os.path.join(outdir, pcaps[0])


def profile(outdir):
    """A Wireshark configuration directory holding the example's key log."""
    conf = os.path.join(outdir, "wireshark")
    os.makedirs(conf, exist_ok=True)
    for name in ("ikev1_decryption_table", "esp_sa"):
        src = os.path.join(outdir, name)
        with open(src) as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
        if not lines:
            fail("%s is empty" % src)
        shutil.copy(src, os.path.join(conf, name))
    with open(os.path.join(conf, "preferences"), "w") as f:
        f.write("esp.enable_encryption_decode: TRUE\n"
                "esp.enable_authentication_check: TRUE\n")
    return conf


FIELDS = [
    "frame.number", "_ws.malformed", "_ws.expert.severity", "_ws.expert.message",
    "ip.src", "ipv6.src", "isakmp.exchangetype", "isakmp.flag_e", "isakmp.messageid",
    "isakmp.hash", "isakmp.id.type", "isakmp.sa.doi", "isakmp.nonce",
    "esp.spi", "esp.icv_good", "esp.icv_bad", "icmp.type", "icmpv6.type",
]


def tshark(pcap, conf, display_filter):
    env = dict(os.environ)
    env["WIRESHARK_CONFIG_DIR"] = conf
    cmd = [TSHARK, "-n", "-r", pcap, "-Y", display_filter, "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = run(cmd, env)
    rows = []
    for line in out.splitlines():
        values = line.split("\t")
        values += [""] * (len(FIELDS) - len(values))
        rows.append({f: [v for v in values[i].split("|") if v] for i, f in enumerate(FIELDS)})
    return rows


def severities(row):
    out = []
    for v in row["_ws.expert.severity"]:
        try:
            out.append(int(v, 0))
        except ValueError:
            out.append(ERROR_SEVERITY if v.lower() == "error" else 0)
    return out


def number(row, field):
    v = row[field]
    return int(v[0], 0) if v else None


def check_variant(name, program, workdir, args, host_a):
    print("== %s: ipsec-ike %s" % (name, " ".join(args)), flush=True)
    outdir = run_example(program, os.path.join(workdir, name), args)
    pcap = host_a_pcap(outdir)
    conf = profile(outdir)
    where = "%s (%s)" % (name, os.path.basename(pcap))

    # ISAKMP: dissected cleanly, and every encrypted message decrypted.
    rows = tshark(pcap, conf, "isakmp")
    if not rows:
        fail("%s: no ISAKMP packet" % where)
    by_exchange = {}
    for r in rows:
        frame = r["frame.number"][0]
        if r["_ws.malformed"]:
            fail("%s: frame %s: ISAKMP malformed" % (where, frame))
        errors = [s for s in severities(r) if s >= ERROR_SEVERITY]
        if errors:
            fail("%s: frame %s: expert info of severity error: %s"
                 % (where, frame, "; ".join(r["_ws.expert.message"])))
        exchange = number(r, "isakmp.exchangetype")
        encrypted = r["isakmp.flag_e"][:1] in (["1"], ["True"])
        src = (r["ip.src"] or r["ipv6.src"] or ["?"])[0]
        r["from_a"] = src == host_a
        r["encrypted"] = encrypted
        by_exchange.setdefault(exchange, []).append(r)
        if encrypted and not r["isakmp.hash"]:
            fail("%s: frame %s: encrypted ISAKMP message (exchange %s) not decrypted: "
                 "no HASH payload inside" % (where, frame, exchange))

    phase1 = IDENTITY_PROTECTION if "aggressive" not in " ".join(args) else AGGRESSIVE
    p1 = by_exchange.get(phase1, [])
    if phase1 == IDENTITY_PROTECTION:
        # Messages 5 (A) and 6 (B) are encrypted; ID and HASH inside.
        for from_a, msg in ((True, 5), (False, 6)):
            m = [r for r in p1 if r["encrypted"] and r["from_a"] == from_a]
            if not m:
                fail("%s: no encrypted main-mode message %d" % (where, msg))
            for r in m:
                if not (r["isakmp.id.type"] and r["isakmp.hash"]):
                    fail("%s: frame %s: main-mode message %d not decrypted "
                         "(no ID/HASH payload)" % (where, r["frame.number"][0], msg))
    else:
        # Aggressive mode: messages 1 and 2 carry the IDs in the clear.
        if not [r for r in p1 if r["from_a"] and r["isakmp.id.type"]]:
            fail("%s: no aggressive-mode message 1 with IDii" % where)
        if not [r for r in p1 if not r["from_a"] and r["isakmp.hash"]]:
            fail("%s: no aggressive-mode message 2 with HASH_R" % where)
        if not [r for r in p1 if r["from_a"] and r["isakmp.hash"]]:
            fail("%s: no aggressive-mode message 3 with HASH_I" % where)

    qm = by_exchange.get(QUICK_MODE, [])
    if len(qm) < 3:
        fail("%s: %d quick-mode messages, expected at least 3" % (where, len(qm)))
    for r in qm:
        if not r["encrypted"]:
            fail("%s: frame %s: quick-mode message in the clear" % (where, r["frame.number"][0]))
    for from_a, msg in ((True, 1), (False, 2)):
        m = [r for r in qm if r["from_a"] == from_a and r["isakmp.sa.doi"]]
        if not m:
            fail("%s: no decrypted quick-mode message %d (SA payload)" % (where, msg))
        for r in m:
            if not (r["isakmp.hash"] and r["isakmp.nonce"]):
                fail("%s: frame %s: quick-mode message %d lacks HASH/nonce"
                     % (where, r["frame.number"][0], msg))
    print("%s: %d ISAKMP packets (%s)" % (where, len(rows), ", ".join(
        "exchange %s: %d" % (k, len(v)) for k, v in sorted(by_exchange.items(),
                                                            key=lambda kv: kv[0] or 0))))

    # ESP: every packet decrypted into an ICMP echo (request or reply), ICV good.
    esp = tshark(pcap, conf, "esp")
    echo = [r for r in esp
            if set(r["icmp.type"]) & {"0", "8"} or set(r["icmpv6.type"]) & {"128", "129"}]
    print("%s: %d ESP packets, %d decrypted into an echo" % (where, len(esp), len(echo)))
    if not esp:
        fail("%s: no ESP packet" % where)
    if len(echo) != len(esp):
        missing = [r["frame.number"][0] for r in esp if r not in echo]
        fail("%s: %d of %d ESP packets not decrypted into an ICMP echo (frames %s)"
             % (where, len(missing), len(esp), " ".join(missing[:10])))
    bad_icv = [r["frame.number"][0] for r in esp if r["esp.icv_good"][:1] not in (["1"], ["True"])]
    if bad_icv:
        fail("%s: %d ESP packets whose ICV does not check (frames %s)"
             % (where, len(bad_icv), " ".join(bad_icv[:10])))
    for r in esp:
        if r["_ws.malformed"] or [s for s in severities(r) if s >= ERROR_SEVERITY]:
            fail("%s: frame %s: ESP malformed or expert error: %s"
                 % (where, r["frame.number"][0], "; ".join(r["_ws.expert.message"])))


def check_determinism(program, workdir):
    print("== determinism: two IPv4 runs with the same seed", flush=True)
    d1 = run_example(program, os.path.join(workdir, "same-seed-1"), [])
    d2 = run_example(program, os.path.join(workdir, "same-seed-2"), [])
    pcaps = sorted(f for f in os.listdir(d1) if f.endswith(".pcap"))
    if not pcaps:
        fail("determinism: no pcap written")
    if pcaps != sorted(f for f in os.listdir(d2) if f.endswith(".pcap")):
        fail("determinism: the two runs wrote different pcap files")
    for name in pcaps + ["ikev1_decryption_table", "esp_sa"]:
        a, b = os.path.join(d1, name), os.path.join(d2, name)
        if not os.path.exists(b) or not filecmp.cmp(a, b, shallow=False):
            fail("determinism: %s differs between two runs with the same seed" % name)
    print("determinism: %d pcaps compared" % len(pcaps))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    program, workdir = sys.argv[1], os.path.abspath(sys.argv[2])
    if not (os.path.isfile(TSHARK) and os.access(TSHARK, os.X_OK)):
        print("SKIP: %s is missing (Debian's tshark package)" % TSHARK)
        return SKIP
    print(run([TSHARK, "--version"]).splitlines()[0])
    os.makedirs(workdir, exist_ok=True)
    try:
        check_variant("ipv4-main", program, workdir, [], "10.1.1.1")
        check_variant("ipv6-main", program, workdir, ["--ipv6=true"], "fd00:10:1::1")
        check_variant("ipv4-aggressive", program, workdir, ["--mode=aggressive"], "10.1.1.1")
        check_determinism(program, workdir)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        fail(str(e))
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
