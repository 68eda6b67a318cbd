#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ipsec-example-keylog: Wireshark decrypts the examples' pcaps with the key file beside them.

Runs examples with --pcapDir into a folder that does not exist yet and hands
every pcap there to tshark with nothing but the esp_sa file the example
wrote beside the pcaps (IpsecKeyLogHelper), in a Wireshark profile of its
own (WIRESHARK_CONFIG_DIR) -- never with keys read from the scripts:

  * ipsec-host-to-host with 3des-cbc, rijndael-cbc, ESP with hmac-sha1
    (every ICV must check good) and AH+ESP, IPv4 and IPv6;
  * ipsec-vpn (blowfish-cbc tunnel SAs), IPv4 and IPv6;
  * ipsec-leaf-node, IPv4 and IPv6;
  * ipsec-bootstrap with --rekeyAt, whose new SAs are added during the run
    and carry the traffic once the boot-time ones expire;
  * ipsec-natt, whose SAs the IKE daemons negotiate: ESP in UDP (RFC 3948)
    on both sides of the NAT, every ESP packet inside UDP (tshark's
    UDP-encapsulation dissector), every ICV good.

Every ESP packet of every pcap must be decrypted (something dissected after
the ESP header), no ICV may be bad, and each run must have ESP.  A negative
control runs tshark on one pcap without the key file: nothing may be
decrypted then.

Usage: keylog-tshark.py EXAMPLES_BUILD_DIR WORK_DIR.  Exit status 77
(skipped) when tshark is missing; otherwise 0 or 1.
"""

import os
import shutil
import subprocess
import sys

TSHARK = "/usr/bin/tshark"
SKIP = 77

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


CASES = [
    ("ipsec-host-to-host", ["--tcpBytes=100000", "--config=3des"], False),
    ("ipsec-host-to-host", ["--tcpBytes=100000", "--config=rijndael"], False),
    ("ipsec-host-to-host", ["--tcpBytes=100000", "--config=esp-auth"], True),
    ("ipsec-host-to-host", ["--tcpBytes=100000", "--config=ah-esp"], False),
    ("ipsec-host-to-host", ["--tcpBytes=100000", "--config=3des", "--ipv6=true"], False),
    ("ipsec-host-to-host", ["--tcpBytes=100000", "--config=esp-auth", "--ipv6=true"], True),
    ("ipsec-vpn", ["--tcpBytes=100000"], False),
    ("ipsec-vpn", ["--tcpBytes=100000", "--ipv6=true"], False),
    ("ipsec-leaf-node", [], False),
    ("ipsec-leaf-node", ["--ipv6=true"], False),
    ("ipsec-bootstrap", ["--duration=75", "--rekeyAt=30", "--dumpAt=1"], True),
    ("ipsec-natt", [], True),
]

# Programs whose ESP travels in UDP (RFC 3948): every ESP frame must be so.
UDP_ENCAPSULATED = {"ipsec-natt"}


def run(cmd, env=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       universal_newlines=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("%s: exit status %d\n%s" % (" ".join(cmd), p.returncode,
                                                        p.stderr[-3000:]))
    return p


def profile(conf, key_file):
    """A Wireshark configuration directory with ESP decryption on and the key file."""
    os.makedirs(conf)
    if key_file:
        shutil.copy(key_file, os.path.join(conf, "esp_sa"))
    with open(os.path.join(conf, "preferences"), "w") as f:
        f.write("esp.enable_encryption_decode: TRUE\n"
                "esp.enable_authentication_check: TRUE\n")
    return conf


def dissect(pcap, conf):
    """(ESP frames, decrypted ones, good ICVs, bad ICVs, ESP frames in UDP) of pcap."""
    env = dict(os.environ)
    env["WIRESHARK_CONFIG_DIR"] = conf
    p = run([TSHARK, "-n", "-r", pcap, "-Y", "esp", "-T", "fields", "-E", "separator=\t",
             "-e", "frame.protocols", "-e", "esp.icv_good", "-e", "esp.icv_bad"], env)
    for line in p.stderr.splitlines():
        if "rror" in line or "nvalid" in line:
            fail("%s: tshark: %s" % (pcap, line))
    esp = decrypted = good = bad = in_udp = 0
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        fields = (line.split("\t") + ["", "", ""])[:3]
        layers = fields[0].split(":")
        esp += 1
        # Decrypted: the ESP layer is followed by what it carried.
        if "esp" in layers and layers.index("esp") + 1 < len(layers):
            decrypted += 1
        in_udp += "udp" in layers and layers.index("udp") < layers.index("esp")
        good += fields[1] in ("1", "True")
        bad += fields[2] in ("1", "True")
    return esp, decrypted, good, bad, in_udp


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    if not os.access(TSHARK, os.X_OK):
        print("SKIPPED: %s is missing (install tshark)" % TSHARK)
        return SKIP
    bindir, work = sys.argv[1], sys.argv[2]
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work)

    control = None
    for i, (program, args, auth) in enumerate(CASES):
        where = "%s %s" % (program, " ".join(args))
        # A folder two levels below one that does not exist yet.
        outdir = os.path.join(work, "run%d" % i, "pcaps", "here")
        try:
            run([os.path.join(bindir, program), "--pcapDir=" + outdir, "--RngRun=1"] + args)
        except RuntimeError as e:
            fail("%s: %s" % (where, e))
            continue
        key_file = os.path.join(outdir, "esp_sa")
        if not os.path.isfile(key_file) or os.path.getsize(key_file) == 0:
            fail("%s: no key file %s" % (where, key_file))
            continue
        conf = profile(os.path.join(work, "run%d" % i, "wireshark"), key_file)
        total = 0
        for name in sorted(os.listdir(outdir)):
            if not name.endswith(".pcap"):
                continue
            pcap = os.path.join(outdir, name)
            esp, decrypted, good, bad, in_udp = dissect(pcap, conf)
            if program in UDP_ENCAPSULATED and in_udp != esp:
                fail("%s: %s: %d of %d ESP packets in UDP" % (where, name, in_udp, esp))
            total += esp
            if decrypted != esp:
                fail("%s: %s: %d of %d ESP packets decrypted" % (where, name, decrypted, esp))
            if bad:
                fail("%s: %s: %d bad ICVs" % (where, name, bad))
            if auth and good != esp:
                fail("%s: %s: %d of %d ICVs good" % (where, name, good, esp))
            if esp and control is None:
                control = pcap
        if total == 0:
            fail("%s: no ESP in any pcap" % where)
        print("ok: %s: %d ESP packets decrypted with %s" % (where, total, key_file), flush=True)

    # Negative control: without the key file nothing is decrypted.
    if control:
        esp, decrypted, _, _, _ = dissect(control, profile(os.path.join(work, "nokeys"), None))
        if esp == 0 or decrypted != 0:
            fail("control: without keys %d of %d ESP packets of %s decrypted" % (
                decrypted, esp, control))
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("every ESP packet decrypted with the key file beside the pcaps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
