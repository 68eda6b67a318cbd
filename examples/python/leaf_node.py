#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The NetBSD IPsec FAQ's "leaf node" from Python: the same topology, setkey
scripts, traffic and report as build/examples/ipsec-leaf-node, with the same
numbers for the same options.

    python3 examples/python/leaf_node.py [--ipv6] [--wifi] [--leaf-rate=256kbps]
        [--leaf-delay=20ms] [--tcp-bytes=200000]
        [--setkey-leaf=FILE --setkey-router=FILE] [--pcap-dir=DIR] [--json=FILE] [--run=N]
"""
import argparse
import os
import sys

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--setkey-leaf", help="setkey script for the leaf node (default: the FAQ's)")
    p.add_argument("--setkey-router",
                   help="setkey script for the router (default: the FAQ's, in/out swapped)")
    p.add_argument("--ipv6", action="store_true",
                   help="run over IPv6 (leaf fd00:10:0:1::5, server fd00:10:0:2::2)")
    p.add_argument("--wifi", action="store_true",
                   help="the leaf link is 802.11a ad-hoc Wi-Fi instead of point-to-point")
    p.add_argument("--pcap-dir", help="write a pcap for every device into this directory")
    p.add_argument("--json", help="write a JSON summary to this file")
    p.add_argument("--leaf-rate", default="256kbps",
                   help="data rate of the point-to-point leaf link")
    p.add_argument("--leaf-delay", default="20ms", help="delay of the point-to-point leaf link")
    p.add_argument("--tcp-bytes", type=int, default=200000, help="bytes of the TCP transfer")
    p.add_argument("--run", type=int, default=1, help="ns-3's run number (RngRun)")
    args = p.parse_args(argv)
    if not ex.prepare_outputs("ipsec-leaf-node", ("pcapDir", args.pcap_dir, True),
                              ("json", args.json, False)):
        return 1

    ipsec.set_run(args.run)
    ipsec.set_global("ChecksumEnabled", True)
    d = os.path.join(EXAMPLES, "leaf-node")
    suffix = "-v6.conf" if args.ipv6 else ".conf"
    faq = not args.setkey_leaf and not args.setkey_router
    script_leaf = args.setkey_leaf or os.path.join(d, "leaf" + suffix)
    script_router = args.setkey_router or os.path.join(d, "router" + suffix)

    topo = ipsec.LeafNode(ipv6=args.ipv6, leaf_link="wifi" if args.wifi else "p2p",
                          leaf_rate=args.leaf_rate, leaf_delay=args.leaf_delay)
    ipsec.assign_streams(ex.topology_nodes(topo), 100)
    ex.leaf_node_assign_streams(topo, 200)
    try:
        ex.run_setkey_file(topo.leaf, script_leaf)
        ex.run_setkey_file(topo.router, script_router)
    except ipsec.SetkeyError as e:
        print(str(e).rstrip("\n"), file=sys.stderr)
        print("The simulation was not started.", file=sys.stderr)
        ipsec.destroy()
        return 1
    if args.pcap_dir:
        topo.enable_pcap(os.path.join(args.pcap_dir, "ipsec-leaf-node"))
        ex.enable_key_log(None, args.pcap_dir)

    traffic = ipsec.FaqTraffic(tcp_bytes=args.tcp_bytes)
    end = traffic.install(topo.leaf, topo.leaf_address, topo.server, topo.server_address)
    # The traffic helper leaves 20 s for TCP; on a slow leaf link allow
    # twice the time the transfer needs at line rate (plus ESP) when that is more.
    line_rate = 6e6 if args.wifi else ex.data_rate_bps(args.leaf_rate)
    needed = 2.0 * 1.3 * 8.0 * args.tcp_bytes / line_rate + 10.0
    ex.run(until=max(end, end - 20 + needed))

    link = ("Wi-Fi 802.11a ad-hoc" if args.wifi
            else f"point-to-point {args.leaf_rate} {args.leaf_delay}")
    print(f"ipsec-leaf-node: {'FAQ leaf and router scripts' if faq else 'custom scripts'}"
          f" over {'IPv6' if args.ipv6 else 'IPv4'}, leaf link {link}")
    flows = []
    for f in ex.traffic_flows(traffic):
        sys.stdout.write(f.line("leaf", "server"))
        flows.append(("leaf", "server", f))
    nodes = [("leaf", topo.leaf, [topo.leaf_address]),
             ("router", topo.router, list(ex.leaf_node_router_addresses(topo))),
             ("server", topo.server, [topo.server_address])]
    for name, node, _ in nodes:
        sys.stdout.write(ex.netstat_section("router" if name == "router" else "host " + name,
                                            node))
    if args.json:
        ex.write_report_json(args.json, nodes, flows)
    ipsec.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
