#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""NAT traversal from Python: road warriors behind a NAT reach their office
through the VPN gateway (racoon with NAT-T, RFC 3947; ESP in UDP 4500, RFC
3948; the NAT box); the same topology, files, traffic and report as
build/examples/ipsec-natt, with the same numbers for the same options.

    python3 examples/python/natt.py [--road-warriors=2] [--keepalive=20]
        [--nat-udp-timeout=30] [--ph1-lifetime=0] [--ph2-lifetime=0]
        [--wan-rate=10Mbps] [--wan-delay=10ms] [--pcap-dir=DIR] [--verbose]

  rw1 192.168.1.10 --+
                     +-- LAN -- NAT 192.168.1.1 | 198.51.100.1 -- WAN --
  rw2 192.168.1.11 --+        gateway 198.51.100.2 | 10.0.0.1 -- server 10.0.0.2

With the default keepalives (racoon's natt_keepalive, 20 s) the NAT's
mappings outlive the road warriors' silence; with --keepalive=0 they expire
after the NAT's UDP timeout, and rw2 comes back on another outside port than
its SAs name; with --ph1-lifetime=150 --ph2-lifetime=150 as well it recovers
once its ISAKMP SA and SAs are negotiated anew (see examples/ipsec-natt.cc
and doc/ipsec.rst).
"""
import argparse
import os
import sys

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

NATT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "natt")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--road-warriors", type=int, default=2,
                   help="road warriors behind the NAT (1 or 2)")
    p.add_argument("--keepalive", type=int, default=20,
                   help="racoon's timer { natt_keepalive } on every host (s; 0: no keepalives)")
    p.add_argument("--nat-udp-timeout", type=float, default=30.0,
                   help="the NAT's UDP mapping timeout (s)")
    p.add_argument("--ph1-lifetime", type=int, default=0,
                   help="the road warriors' phase-1 lifetime (s; 0: racoon.conf's 8 hours; "
                        "the gateway takes the initiator's)")
    p.add_argument("--ph2-lifetime", type=int, default=0,
                   help="the sainfo lifetime on every host (s; 0: racoon.conf's 1 hour)")
    p.add_argument("--wan-rate", default="10Mbps", help="rate of the WAN link")
    p.add_argument("--wan-delay", default="10ms", help="delay of the WAN link")
    p.add_argument("--pcap-dir", help="write a pcap of every device and the keys into this directory")
    p.add_argument("--verbose", action="store_true", help="print racoon's log and every IKE message")
    args = p.parse_args(argv)
    n_rw = args.road_warriors
    if n_rw < 1 or n_rw > 2:
        print("ipsec-natt: --roadWarriors must be 1 or 2", file=sys.stderr)
        return 1
    if not ex.prepare_outputs("ipsec-natt", ("pcapDir", args.pcap_dir, True)):
        return 1
    ipsec.set_global("ChecksumEnabled", True)

    # The nodes: the road warriors, the NAT, the gateway and the server.
    rws = ipsec.create_nodes(n_rw)
    nat_node, gw, server = ipsec.create_nodes(3)
    ipsec_nodes = rws + [gw]
    ipsec.install_stack(ipsec_nodes)
    ipsec.install_stack([nat_node, server], ipsec=False)
    ipsec.assign_streams(ipsec_nodes, 100)

    lan = ex.csma_devices([nat_node] + rws, rate="100Mbps", delay="1ms", stream=400)
    wan = ipsec.point_to_point(nat_node, gw, rate=args.wan_rate, delay=args.wan_delay)
    office = ipsec.point_to_point(gw, server, rate="100Mbps", delay="1ms")
    ex.assign_ipv4(lan[:1], "192.168.1.0")  # the NAT .1
    ex.assign_ipv4(lan[1:], "192.168.1.0", base="0.0.0.10")  # .10, .11
    wan.assign_ipv4("198.51.100.0")  # NAT .1, gateway .2
    office.assign_ipv4("10.0.0.0")  # gateway .1, server .2
    # Only the NAT routes to the home LAN (the gateway reaches it through
    # the tunnels).
    for rw in rws:
        ex.ipv4_default_route(rw, "192.168.1.1", 1)
    ex.ipv4_default_route(nat_node, "198.51.100.2", 2)
    ex.ipv4_default_route(server, "10.0.0.1", 1)
    ex.ipv4_default_route(gw, "198.51.100.1", 1)

    box = ipsec.nat(nat_node, inside=lan[0], outside=wan, udp_timeout=args.nat_udp_timeout)

    # setkey, racoon.
    names = ["rw1", "rw2"][:n_rw]
    daemons = []
    try:
        for i, rw in enumerate(rws):
            ex.run_setkey_file(rw, os.path.join(NATT, f"rw{i + 1}.conf"))
        ex.run_setkey_file(gw, os.path.join(NATT, "gw.conf"))
        for host, conf in [(rw, "racoon-rw.conf") for rw in rws] + [(gw, "racoon-gw.conf")]:
            daemons.append(ex.racoon(host, os.path.join(NATT, conf), os.path.join(NATT, "psk.txt"),
                                     natt_keepalive=args.keepalive,
                                     ph1_lifetime=None if host is gw else args.ph1_lifetime or None,
                                     ph2_lifetime=args.ph2_lifetime or None))
    except ipsec.SetkeyError as e:
        print(str(e).rstrip("\n"), file=sys.stderr)
        return 1
    except ipsec.RacoonError as e:
        print(f"racoon: {e}".rstrip("\n"), file=sys.stderr)
        return 1
    ex.ike_assign_streams(ipsec_nodes, 300)
    if args.verbose:
        for name, daemon in zip(names, daemons):
            daemon.print_traces(name, False)
        daemons[-1].print_traces("gw", False)
    if args.pcap_dir:
        ex.enable_pcap_all("csma", os.path.join(args.pcap_dir, "ipsec-natt-lan"), promiscuous=True)
        ex.enable_pcap_all("p2p", os.path.join(args.pcap_dir, "ipsec-natt-wan"), promiscuous=True)
        ex.enable_pcap_all("p2p", os.path.join(args.pcap_dir, "ipsec-natt-office"),
                           promiscuous=True)
        ex.enable_ike_key_log(ipsec_nodes, args.pcap_dir)

    # The traffic: each batch with ports and a ping identifier of its own.
    batches = []

    def add(client, frm, client_addr, srv, to, srv_addr, start, pings, echoes, tcp):
        n = len(batches)
        t = ipsec.FaqTraffic(pings=pings, udp_echoes=echoes, tcp_bytes=tcp, start=start,
                             udp_echo_port=7000 + n, tcp_port=5001 + n,
                             ping_identifier=0x1000 + n)
        t.install(client, client_addr, srv, srv_addr)
        batches.append((frm, to, t))

    for i, rw in enumerate(rws):
        rw_addr = "192.168.1.10" if i == 0 else "192.168.1.11"
        d = 0.5 * i
        add(rw, names[i], rw_addr, server, "server", "10.0.0.2", 1 + d, 3, 0, 0)
        add(rw, names[i], rw_addr, server, "server", "10.0.0.2", 10 + d, 5, 5, 200000)
        add(server, "server", "10.0.0.2", rw, names[i], rw_addr, 40 + d, 5, 5, 200000)
        add(server, "server", "10.0.0.2", rw, names[i], rw_addr, 120 + d, 60, 0, 0)
        add(rw, names[i], rw_addr, server, "server", "10.0.0.2", 150 + 5 * i, 5, 0, 0)
    ex.run(until=200)

    keepalive = f"{args.keepalive} s" if args.keepalive else "off"
    print(f"ipsec-natt: {n_rw} road warrior(s) behind a NAT (UDP timeout "
          f"{args.nat_udp_timeout:g} s), natt_keepalive {keepalive}")
    for frm, to, t in batches:
        for f in ex.traffic_flows(t):
            if f.sent:
                sys.stdout.write(f.line(frm, to))
    for name, daemon in zip(names, daemons):
        sys.stdout.write(daemon.line(name))
    sys.stdout.write(daemons[-1].line("gw"))
    s = box.stats()
    print(f"NAT: mappings created {s['mappings_created']}, expired {s['mappings_expired']}, "
          f"translated out {s['translated_out']}, in {s['translated_in']}, dropped for want of "
          f"a mapping {s['dropped_no_mapping']}, dropped in all {s['dropped']}")
    box.print()
    g = gw.counters()["ipsec"]
    print(f"gw: in_success {g['in_success']}, in_nosa {g['in_nosa']}, out_success "
          f"{g['out_success']}, NAT keepalives received {gw.udp_encap_keepalives()}")
    for name, rw in zip(names, rws):
        sys.stdout.write(ex.setkey_d_section(name, rw))
    sys.stdout.write(ex.setkey_d_section("gw", gw))
    ipsec.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
