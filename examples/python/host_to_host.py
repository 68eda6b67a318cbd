#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The NetBSD IPsec FAQ's host-to-host example from Python: the same
topology, setkey scripts, traffic and report as build/examples/ipsec-host-to-host,
with the same numbers for the same options.

    python3 examples/python/host_to_host.py [--config=3des|rijndael|ah|ah-esp|esp-auth]
        [--ipv6] [--rate=10Mbps] [--delay=2ms] [--tcp-bytes=1000000] [--run=N]
        [--setkey-a=FILE --setkey-b=FILE] [--pcap-dir=DIR]
"""
import argparse
import os
import sys

import ns3ipsec as ipsec

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default="3des",
                   help="shipped configuration: 3des, rijndael, ah, ah-esp, esp-auth")
    p.add_argument("--setkey-a", help="setkey script for host A (replaces --config's)")
    p.add_argument("--setkey-b", help="setkey script for host B (replaces --config's)")
    p.add_argument("--ipv6", action="store_true", help="run over IPv6")
    p.add_argument("--rate", default="10Mbps", help="data rate of both links")
    p.add_argument("--delay", default="2ms", help="delay of both links")
    p.add_argument("--tcp-bytes", type=int, default=1000000, help="bytes of the TCP transfer")
    p.add_argument("--run", type=int, default=1, help="ns-3's run number (RngRun)")
    p.add_argument("--pcap-dir", help="write a pcap for every device into this directory")
    args = p.parse_args(argv)

    ipsec.set_run(args.run)
    ipsec.set_global("ChecksumEnabled", True)
    d = os.path.join(EXAMPLES, "host-to-host")
    suffix = "-v6.conf" if args.ipv6 else ".conf"
    default_a = os.path.join(d, args.config + "-A" + suffix)
    script_a = args.setkey_a or default_a
    script_b = args.setkey_b or os.path.join(d, args.config + "-B" + suffix)

    topo = ipsec.HostToHost(ipv6=args.ipv6, rate=args.rate, delay=args.delay)
    ipsec.assign_streams(topo.nodes, 100)
    try:
        topo.a.setkey_file(script_a)
        topo.b.setkey_file(script_b)
    except (ipsec.SetkeyError, OSError) as e:
        print(e, file=sys.stderr)
        print("The simulation was not started.", file=sys.stderr)
        ipsec.destroy()
        return 1
    if args.pcap_dir:
        os.makedirs(args.pcap_dir, exist_ok=True)
        topo.enable_pcap(os.path.join(args.pcap_dir, "ipsec-host-to-host"))

    traffic = ipsec.FaqTraffic(tcp_bytes=args.tcp_bytes)
    end = traffic.install(topo.a, topo.address_a, topo.b, topo.address_b)
    ipsec.run(until=end)

    config = args.config if script_a == default_a else "custom"
    print(f"ipsec-host-to-host: {config} over {'IPv6' if args.ipv6 else 'IPv4'}")
    sys.stdout.write(traffic.report("A", "B"))
    for name, node in (("A", topo.a), ("B", topo.b)):
        print(f"\nhost {name} (netstat -s -p ipsec / ipsec6 / pfkey):")
        sys.stdout.write(node.netstat())
    ipsec.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
