#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The NetBSD IPsec FAQ's "IPsec VPN" from Python: the same topology, setkey
scripts (or racoon), traffic and report as build/examples/ipsec-vpn, with the
same numbers for the same options.

    python3 examples/python/vpn.py [--ipv6] [--hosts=N] [--keys=manual|ike]
        [--cpu=PROFILE] [--wan-rate=2Mbps] [--wan-delay=10ms] [--lan-rate=100Mbps]
        [--tcp-bytes=N] [--setkey-gw1=FILE --setkey-gw2=FILE]
        [--pcap-dir=DIR] [--json=FILE] [--run=N]
"""
import argparse
import os
import sys

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def host_name(side, i):
    return f"host{side}-{i + 1}"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--setkey-gw1", help="setkey script for gateway 1 (default: the FAQ's)")
    p.add_argument("--setkey-gw2", help="setkey script for gateway 2 (default: the FAQ's, mirrored)")
    p.add_argument("--ipv6", action="store_true",
                   help="run over IPv6 (fd00:10:0:1::/64, fd00:20::/64, fd00:10:0:2::/64)")
    p.add_argument("--hosts", type=int, default=1,
                   help="hosts on each LAN (host i of LAN 1 talks to host i of LAN 2)")
    p.add_argument("--pcap-dir", help="write a pcap for every device into this directory")
    p.add_argument("--json", help="write a JSON summary to this file")
    p.add_argument("--wan-rate", default="2Mbps", help="data rate of the WAN between the gateways")
    p.add_argument("--wan-delay", default="10ms", help="delay of the WAN")
    p.add_argument("--lan-rate", default="100Mbps", help="data rate of both LANs")
    p.add_argument("--tcp-bytes", type=int, default=1000000, help="bytes of each TCP transfer")
    p.add_argument("--keys", choices=["manual", "ike"], default="manual",
                   help="manual (the scripts' SAs) or ike (racoon negotiates them)")
    p.add_argument("--cpu", default="Reference2020s",
                   help="the gateways' CPU profile (with --keys=ike)")
    p.add_argument("--run", type=int, default=1, help="ns-3's run number (RngRun)")
    args = p.parse_args(argv)
    if not ex.prepare_outputs("ipsec-vpn", ("pcapDir", args.pcap_dir, True),
                              ("json", args.json, False)):
        return 1
    if args.hosts < 1:
        print("--hosts must be at least 1", file=sys.stderr)
        return 1
    ike = args.keys == "ike"

    ipsec.set_run(args.run)
    ipsec.set_global("ChecksumEnabled", True)
    d = os.path.join(EXAMPLES, "vpn")
    suffix = ("-ike" if ike else "") + ("-v6.conf" if args.ipv6 else ".conf")
    faq = not args.setkey_gw1 and not args.setkey_gw2
    script_gw1 = args.setkey_gw1 or os.path.join(d, "gw1" + suffix)
    script_gw2 = args.setkey_gw2 or os.path.join(d, "gw2" + suffix)

    # The FAQ's VPN: hosts -- gw1 == WAN == gw2 -- hosts.
    topo = ipsec.Vpn(hosts_per_network=args.hosts, ipv6=args.ipv6, lan_rate=args.lan_rate,
                     wan_rate=args.wan_rate, wan_delay=args.wan_delay)
    ipsec.assign_streams(ex.topology_nodes(topo), 100)
    gateways = [topo.gateway(1), topo.gateway(2)]

    # The gateways' scripts; with --keys=ike, racoon on both gateways.
    racoon = []
    try:
        ex.run_setkey_file(gateways[0], script_gw1)
        ex.run_setkey_file(gateways[1], script_gw2)
        if ike:
            for gw in gateways:
                ex.set_cpu_profile(gw, args.cpu)
                racoon.append(ex.racoon(gw, os.path.join(d, "racoon-vpn.conf")))
            ex.ike_assign_streams(gateways, 200)
    except (ipsec.SetkeyError, ipsec.RacoonError) as e:
        print(str(e).rstrip("\n"), file=sys.stderr)
        print("The simulation was not started.", file=sys.stderr)
        ipsec.destroy()
        return 1

    if args.pcap_dir:
        ex.enable_pcap_all("p2p", os.path.join(args.pcap_dir, "ipsec-vpn"))
        ex.enable_pcap_all("csma", os.path.join(args.pcap_dir, "ipsec-vpn"))
        if ike:
            ex.enable_ike_key_log(gateways, args.pcap_dir)
        else:
            ex.enable_key_log(gateways, args.pcap_dir)

    # Host i of LAN 1 -> host i of LAN 2, all pairs at once.
    traffic = []
    end = 0.0
    for i in range(args.hosts):
        t = ipsec.FaqTraffic(tcp_bytes=args.tcp_bytes)
        end = max(end, t.install(topo.hosts(1)[i], topo.host_address(1, i),
                                 topo.hosts(2)[i], topo.host_address(2, i)))
        traffic.append(t)
    # The traffic helper leaves 20 s for TCP; N transfers share the WAN, so
    # allow twice the time they need at line rate (plus ESP) when that is more.
    line_rate = min(ex.data_rate_bps(args.wan_rate), ex.data_rate_bps(args.lan_rate))
    needed = 2.0 * 1.3 * 8.0 * args.tcp_bytes * args.hosts / line_rate + 10.0
    ex.run(until=max(end, end - 20 + needed))

    print(f"ipsec-vpn: {'FAQ gateway scripts' if faq else 'custom scripts'}"
          f"{' keyed by IKE' if ike else ''} over {'IPv6' if args.ipv6 else 'IPv4'}, "
          f"{args.hosts} {'host' if args.hosts == 1 else 'hosts'} per network")
    flows = []
    for i, t in enumerate(traffic):
        for f in ex.traffic_flows(t):
            flows.append((host_name(1, i), host_name(2, i), f))
            sys.stdout.write(f.line(host_name(1, i), host_name(2, i)))
    for g, daemon in enumerate(racoon):
        sys.stdout.write(daemon.line(f"gw{g + 1}"))
    if racoon:
        for g, gw in enumerate(gateways):
            sys.stdout.write(ex.setkey_d_section(f"gw{g + 1}", gw))
    nodes = [(f"gw{s}", topo.gateway(s), [topo.gateway_lan_address(s), topo.gateway_wan_address(s)])
             for s in (1, 2)]
    nodes += [(host_name(s, i), topo.hosts(s)[i], [topo.host_address(s, i)])
              for s in (1, 2) for i in range(args.hosts)]
    for name, node, _ in nodes:
        kind = "gateway " if name.startswith("gw") else "host "
        sys.stdout.write(ex.netstat_section(kind + name, node))
    if args.json:
        ex.write_report_json(args.json, nodes, flows)
    ipsec.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
