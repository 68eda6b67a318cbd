#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""An on-path adversary against IPsec, from Python: forged, replayed,
truncated and spoofed packets against a host (transport mode) or a gateway
(tunnel mode, the FAQ's VPN) while a legitimate UDP echo flow runs; the same
report as build/examples/ipsec-adversary for the same options.

    python3 examples/python/adversary.py [--attacks=all] [--family=4|6]
        [--mode=transport|tunnel] [--config=esp-auth|ah|ipcomp|esp-noauth]
        [--count=3] [--packets=20] [--size=200] [--interval=0.1]
        [--pcap] [--pcap-dir=DIR] [--json=FILE]
"""
import argparse
import os
import sys

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "adversary")
PORT = 9  # the echo service, and where spoofed UDP goes


class Scenario:
    """Who is who: the client, the server, the victim, the adversary's device."""

    def __init__(self, client, server, victim, attacker_device, server_address, what):
        self.client, self.server, self.victim = client, server, victim
        self.attacker_device = attacker_device
        self.server_address = server_address
        self.what = what


def build_transport(attacker, v6, config, adversary):
    """Hosts A and B and the adversary on one CSMA link, the scripts
    CONFIG-A.conf and CONFIG-B.conf; A is the client, B the server and the victim."""
    sfx = "-v6.conf" if v6 else ".conf"
    a, b = ipsec.create_nodes(2)
    ex.name_node("A", a)
    ex.name_node("B", b)
    ipsec.install_stack([a, b], ipv4=not v6, ipv6=v6)
    devices = ex.csma_devices([a, b, attacker], rate="100Mbps", delay="0.1ms")
    address_a, address_b = ("fd00:1::1", "fd00:1::2") if v6 else ("10.1.1.1", "10.1.1.2")
    if v6:
        ex.assign_ipv6(devices[0], address_a, False)
        ex.assign_ipv6(devices[1], address_b, False)
    else:
        ex.assign_ipv4(devices[:2], "10.1.1.0")
    # ARP and neighbour discovery stay out of the picture (and of the policies).
    ex.fill_neighbour_caches(devices[:2])
    ex.run_setkey_file(a, os.path.join(SCRIPTS, f"{config}-A{sfx}"))
    ex.run_setkey_file(b, os.path.join(SCRIPTS, f"{config}-B{sfx}"))
    adversary.set_victim(address_b, devices[1])
    adversary.add_protected_prefix(address_a)
    return Scenario(a, b, b, devices[2], address_b,
                    f"transport mode, IPv{6 if v6 else 4}, {config}: A {address_a} <-> "
                    f"B {address_b}, the adversary on their link attacking B")


def build_tunnel(attacker, v6, adversary):
    """The FAQ's VPN h1 -- gw1 == WAN == gw2 -- h2, every link CSMA, the
    adversary on the WAN; h1 is the client, h2 the server, gw2 the victim."""
    sfx = "-v6.conf" if v6 else ".conf"
    h1, gw1, gw2, h2 = n = ipsec.create_nodes(4)
    for name, node in zip(("h1", "gw1", "gw2", "h2"), n):
        ex.name_node(name, node)
    ipsec.install_stack(n, ipv4=not v6, ipv6=v6)
    lan1 = ex.csma_devices([gw1, h1], rate="100Mbps", delay="0.1ms")
    wan = ex.csma_devices([gw1, gw2, attacker], rate="100Mbps", delay="0.1ms")
    lan2 = ex.csma_devices([gw2, h2], rate="100Mbps", delay="0.1ms")
    if v6:
        ex.assign_ipv6(lan1[0], "fd00:10:0:1::1", True)
        ex.assign_ipv6(lan1[1], "fd00:10:0:1::2", False)
        ex.assign_ipv6(wan[0], "fd00:20::1", True)
        ex.assign_ipv6(wan[1], "fd00:20::2", True)
        ex.assign_ipv6(lan2[0], "fd00:10:0:2::1", True)
        ex.assign_ipv6(lan2[1], "fd00:10:0:2::2", False)
        ex.ipv6_default_route(h1, "fd00:10:0:1::1", 1)
        ex.ipv6_default_route(h2, "fd00:10:0:2::1", 1)
        ex.ipv6_network_route(gw1, "fd00:10:0:2::", 64, "fd00:20::2", 2)
        ex.ipv6_network_route(gw2, "fd00:10:0:1::", 64, "fd00:20::1", 1)
    else:
        ex.assign_ipv4(lan1, "10.0.1.0")  # gw1 .1, h1 .2
        ex.assign_ipv4(wan[:2], "20.0.0.0")
        ex.assign_ipv4(lan2, "10.0.2.0")  # gw2 .1, h2 .2
        ex.ipv4_default_route(h1, "10.0.1.1", 1)
        ex.ipv4_default_route(h2, "10.0.2.1", 1)
        ex.ipv4_network_route(gw1, "10.0.2.0", "255.255.255.0", "20.0.0.2", 2)
        ex.ipv4_network_route(gw2, "10.0.1.0", "255.255.255.0", "20.0.0.1", 1)
    ex.fill_neighbour_caches(lan1)
    ex.fill_neighbour_caches(wan[:2])
    ex.fill_neighbour_caches(lan2)
    ex.run_setkey_file(gw1, os.path.join(SCRIPTS, "gw1" + sfx))
    ex.run_setkey_file(gw2, os.path.join(SCRIPTS, "gw2" + sfx))
    server_address = "fd00:10:0:2::2" if v6 else "10.0.2.2"
    adversary.set_victim("fd00:20::2" if v6 else "20.0.0.2", wan[1])
    adversary.set_peer("fd00:20::1" if v6 else "20.0.0.1")
    adversary.add_protected_prefix("fd00:10:0:1::/64" if v6 else "10.0.1.0/24")
    adversary.set_spoof_destination(server_address)
    return Scenario(h1, h2, gw2, wan[2], server_address,
                    f"tunnel mode, IPv{6 if v6 else 4}, the FAQ's VPN (gw1{sfx}, gw2{sfx}): "
                    "h1 -- gw1 == WAN == gw2 -- h2, the adversary on the WAN attacking gw2")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--attacks", default="all", help="comma-separated attacks, or 'all'")
    p.add_argument("--family", type=int, default=4, help="4 or 6")
    p.add_argument("--mode", default="transport",
                   help="transport (two hosts) or tunnel (the FAQ's VPN)")
    p.add_argument("--config", default="esp-auth",
                   help="transport mode's scripts: esp-auth, ah, ipcomp, esp-noauth "
                        "(examples/adversary/CONFIG-A.conf, CONFIG-B.conf)")
    p.add_argument("--count", type=int, default=3, help="attacks of each kind")
    p.add_argument("--packets", type=int, default=20,
                   help="echo requests of the legitimate flow, one every 100 ms")
    p.add_argument("--size", type=int, default=200, help="bytes of each echo request")
    p.add_argument("--interval", type=float, default=0.1, help="seconds between two attacks")
    p.add_argument("--pcap", action="store_true",
                   help="write a pcap of every device (into --pcap-dir, else here)")
    p.add_argument("--pcap-dir", help="write a pcap of every device into this directory")
    p.add_argument("--json", help="write the summary as JSON to this file")
    args = p.parse_args(argv)
    if not ex.prepare_outputs("ipsec-adversary", ("pcapDir", args.pcap_dir, True),
                              ("json", args.json, False)):
        return 1
    try:
        kinds = ex.parse_attacks(args.attacks)
        error = "" if kinds else "bad arguments"
    except ValueError as e:
        kinds, error = [], str(e)
    if error or args.family not in (4, 6) or args.mode not in ("transport", "tunnel"):
        print(f"ipsec-adversary: {error or 'bad arguments'}", file=sys.stderr)
        return 1
    v6 = args.family == 6
    ipsec.set_global("ChecksumEnabled", True)

    # The topology, the scripts and the adversary's victim; the adversary's
    # node has no IP stack at all.
    (attacker,) = ipsec.create_nodes(1)
    ex.name_node("adversary", attacker)
    adversary = ex.AdversaryHelper()
    config = args.config
    try:
        if args.mode == "transport":
            s = build_transport(attacker, v6, config, adversary)
        else:
            s = build_tunnel(attacker, v6, adversary)
            config = "esp-auth"
    except ipsec.SetkeyError as e:
        print(e, file=sys.stderr)
        return 1

    # The legitimate flow: UDP echo from the client to the server, a
    # request every 100 ms from 1 s.
    tally = ex.AttackTally()
    tally.serve(s.server, v6, PORT)
    if s.victim != s.server:
        tally.serve(s.victim, v6, PORT)  # a gateway victim's own port 9
    client = tally.client(s.client, v6)
    for i in range(args.packets):
        tally.schedule_request(client, s.server_address, PORT, i, args.size, 1.0 + 0.1 * i)

    # The adversary: from 1.55 s (between two echo requests), one attack every
    # --interval seconds.
    adversary.set_attacks(kinds)
    adversary.set_attribute("Count", args.count)
    adversary.set_attribute("Interval", f"{args.interval!r}s")
    adversary.set_start_stop(1.55, 1000)
    app = adversary.install(s.attacker_device)
    app.assign_streams(1000)
    tally.watch(app, s.victim, v6)
    if args.pcap or args.pcap_dir:
        d = args.pcap_dir or "."
        ex.enable_pcap_all("csma", os.path.join(d, "ipsec-adversary"))
        ex.enable_key_log(None, d)

    # Long enough for the flow, the attacks, and an IPv6 reassembly timeout (60 s).
    end = max(1.0 + 0.1 * args.packets, 1.55 + args.interval * args.count * len(kinds)) + 1.0
    if v6:
        end += 61
    ex.run(until=end)

    ok, text = tally.report(s.what, args.mode, args.family, config, args.packets, s.client,
                            s.server, s.victim, app, ",".join(kinds), args.json or "")
    sys.stdout.write(text)
    if not ok:
        return 1
    ipsec.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
