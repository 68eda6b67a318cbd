#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The FAQ's VPN with an AH tunnel from Python, run twice as
build/examples/ipsec-ah-tunnel runs it -- as KAME decides (KameDecapHistory
true: every packet is a policy violation) and corrected (false) -- with the
same report and numbers.

    python3 examples/python/ah_tunnel.py [--pcap-dir=DIR] [--json=FILE]
"""
import argparse
import os
import sys

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FROM, TO = "host1-1", "host2-1"
WHY = """
Why KAME rejects: AH authenticates the encapsulating (outer) packet, not the
encapsulated (inner) packet.  gw2 verifies AH (in_ahauthsucc), strips the outer
header, and enforces its inbound policy (ah/tunnel/20.0.0.1-20.0.0.2/require)
on the inner packet, where there is no sign of authenticity left: every packet
is a policy violation (in_polvio) and dropped.  ipsec(4) BUGS: "The issue will
be solved when we revamp our policy engine to keep all the packet
decapsulation history."  The corrected mode keeps that history: the check sees
the AH tunnel that was removed, and the same traffic is delivered.  With KAME,
use ESP tunnels (with -A for integrity) or an inbound level of 'use'.
"""


def run_vpn(kame, script_gw1, script_gw2, pcap_prefix):
    """Builds the VPN, loads the AH tunnel scripts, sets KameDecapHistory on
    every node and runs the traffic: the run's flows, gw2's IPv4 counters,
    its report text and JSON members.  Raises SetkeyError."""
    ex.reset_ipv4_addresses()  # the second run numbers the nodes the same
    topo = ipsec.Vpn(wan_rate="2Mbps")
    nodes = ex.topology_nodes(topo)
    ipsec.assign_streams(nodes, 100)
    for node in nodes:
        node.set_attribute("ns3::IpsecStack", "KameDecapHistory", kame)
    gw1, gw2 = topo.gateway(1), topo.gateway(2)
    try:
        ex.run_setkey_file(gw1, script_gw1)
        ex.run_setkey_file(gw2, script_gw2)
    except ipsec.SetkeyError:
        ipsec.destroy()
        raise
    if pcap_prefix:
        ex.enable_pcap_all("p2p", pcap_prefix)
        ex.enable_pcap_all("csma", pcap_prefix)

    traffic = ipsec.FaqTraffic()
    end = traffic.install(topo.hosts(1)[0], topo.host_address(1, 0),
                          topo.hosts(2)[0], topo.host_address(2, 0))
    ex.run(until=end)

    flows = ex.traffic_flows(traffic)
    report = "".join(f.line(FROM, TO) for f in flows)
    entries = [
        ("gw1", gw1, [topo.gateway_lan_address(1), topo.gateway_wan_address(1)]),
        ("gw2", gw2, [topo.gateway_lan_address(2), topo.gateway_wan_address(2)]),
        (FROM, topo.hosts(1)[0], [topo.host_address(1, 0)]),
        (TO, topo.hosts(2)[0], [topo.host_address(2, 0)])]
    for name, node, _ in entries:
        report += ex.netstat_section(("gateway " if name.startswith("gw") else "host ") + name,
                                     node)
    result = {"kame": kame, "flows": flows, "gw2": gw2.counters()["ipsec"], "report": report,
              "json": ex.report_json(entries, [(FROM, TO, f) for f in flows], "      ")}
    ipsec.destroy()
    return result


def delivered(f):
    return f"{f.received} of {f.sent}"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pcap-dir", help="write a pcap for every device and run into this directory")
    p.add_argument("--json", help="write a JSON summary of both runs to this file")
    args = p.parse_args(argv)
    if not ex.prepare_outputs("ipsec-ah-tunnel", ("pcapDir", args.pcap_dir, True),
                              ("json", args.json, False)):
        return 1

    ipsec.set_global("ChecksumEnabled", True)
    d = os.path.join(EXAMPLES, "ah-tunnel")
    runs = []
    try:
        for kame in (True, False):
            prefix = ""
            if args.pcap_dir:
                mode = "kame" if kame else "corrected"
                prefix = os.path.join(args.pcap_dir, "ipsec-ah-tunnel-" + mode)
            runs.append(run_vpn(kame, os.path.join(d, "gw1.conf"), os.path.join(d, "gw2.conf"),
                                prefix))
    except ipsec.SetkeyError as e:
        print(str(e).rstrip("\n"), file=sys.stderr)
        print("The simulation was not started.", file=sys.stderr)
        return 1

    print("ipsec-ah-tunnel: the FAQ's VPN with an AH tunnel, "
          "ah/tunnel/20.0.0.1-20.0.0.2/require both ways, over IPv4")
    for r in runs:
        mode = "KAME (KameDecapHistory=true)" if r["kame"] else "corrected (KameDecapHistory=false)"
        sys.stdout.write(f"\n=== {mode} ===\n" + r["report"])

    k, c = runs
    w0, w1 = 44, 26
    print("\n=== side by side ===")
    print(f"{'':<{w0}}{'KAME':<{w1}}corrected")
    print(f"{'':<{w0}}{'(KameDecapHistory=true)':<{w1}}(KameDecapHistory=false)")
    for fk, fc in zip(k["flows"], c["flows"]):
        label = f"flow {fk.name} {FROM} -> {TO}"
        print(f"{label:<{w0}}{delivered(fk):<{w1}}{delivered(fc)} {fk.unit}")
    for label, counter in (("gw2 in_polvio (policy violations)", "in_polvio"),
                           ("gw2 in_success", "in_success"),
                           ("gw2 in_ahauthsucc (AH authentic)", "in_ahauthsucc")):
        print(f"{label:<{w0}}{k['gw2'][counter]:<{w1}}{c['gw2'][counter]}")

    def complete(r):
        return sum(1 for f in r["flows"] if f.sent > 0 and f.received == f.sent)

    print(f"\nKAME: {complete(k)} of {len(k['flows'])} flows delivered completely, gw2 rejected "
          f"{k['gw2']['in_polvio']} packets (in_polvio)\n      after verifying "
          f"{k['gw2']['in_ahauthsucc']} AH packets.\ncorrected: {complete(c)} of "
          f"{len(c['flows'])} flows delivered completely, {c['gw2']['in_polvio']} rejected.")
    sys.stdout.write(WHY)

    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            out.write("{\n  \"runs\": [\n")
            for i, r in enumerate(runs):
                mode = "kame" if r["kame"] else "corrected"
                out.write(f"    {{\n      \"mode\": \"{mode}\",\n      \"KameDecapHistory\": "
                          f"{'true' if r['kame'] else 'false'},\n      {r['json']}\n    }}"
                          f"{',' if i + 1 < len(runs) else ''}\n")
            out.write("  ]\n}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
