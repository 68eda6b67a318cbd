#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The FAQ's POP server policies from Python: A serves POP (TCP 110) and
requires AH from B for it; B's session runs in AH, A's own session to itself
meets A's policies too.  The same lint, sessions, observations and report as
build/examples/ipsec-pop-policy for the same options.

    python3 examples/python/pop_policy.py [--order=faq|reordered]
        [--local=lo0|interface|localhost] [--outsider] [--mail-bytes=20000]
        [--stop-time=200] [--keys=manual|ike] [--verbose]
        [--setkey-a=FILE] [--setkey-b=FILE] [--pcap-dir=DIR] [--json=FILE]
"""
import argparse
import ipaddress
import os
import sys

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
PORT = ex.POP3_PORT


def route_through_loopback(node, address, mask):
    """Sends what the node sends to its own address through its loopback
    device, as BSD sends it through lo0, with that address as the source:
    the loopback interface (0) gets the address with the LAN's mask (with a
    /32 ns-3 would take it for the interface's broadcast address), and the
    network route that adds is replaced by a host route."""
    ex.ipv4_add_address(node, 0, address, mask)
    network = ipaddress.ip_network(f"{address}/{mask}", strict=False)
    for i, (dest, dest_mask, iface) in enumerate(ex.ipv4_static_routes(node)):
        if iface == 0 and dest == str(network.network_address) and dest_mask == mask:
            ex.ipv4_remove_static_route(node, i)
            break
    ex.ipv4_add_host_route(node, address, 0)


def print_title(args, custom_a, addresses):
    """The report's first lines: which policies A runs, the hosts."""
    if custom_a:
        policies = "A's script " + args.setkey_a
    elif args.order == "faq":
        policies = "policies in the FAQ's order (pop/A.conf)"
    else:
        policies = "policies reordered, require first (pop/A-reordered.conf)"
    outsider = f", C {addresses[2]} client without IPsec" if args.outsider else ""
    keys = ("racoon negotiates the AH SAs" if args.keys == "ike"
            else "AH keys are manual (--keys=ike: racoon negotiates them)")
    print(f"ipsec-pop-policy: the FAQ's POP server, {policies}\n"
          f"  A {addresses[0]} mail server (POP, TCP {PORT}), B {addresses[1]} client"
          f"{outsider}; {keys}\n")


def print_report(lint, server, sessions, wire, hits, drops, nodes, addresses):
    """The lint of A's SPD, the sessions, the flows, what A's LAN device
    carried, A's policy lookups, the drops and every node's netstat; returns
    the report's nodes and flows."""
    sys.stdout.write(lint.text("A's SPD") + "\n")
    mail = server.mail_size
    flows = []
    for s in sessions:
        print(s.line(mail))
        flows.append((s.source, "A", s.flow(mail)))
    accepted = server.accepted()
    print(f"A's POP server accepted {len(accepted)} connection(s)", end="")
    for i, (address, port) in enumerate(accepted):
        print(f"{', ' if i else ': '}{address}:{port}", end="")
    print("\n")
    for src, dst, f in flows:
        sys.stdout.write(f.line(src, dst))
    sys.stdout.write(wire.text())
    sys.stdout.write(hits.text())
    names = ["A", "B", "C"]
    report_nodes = []
    for i, node in enumerate(nodes):
        sys.stdout.write(drops[i].text(names[i]))
        report_nodes.append((names[i], node, [addresses[i]]))
    for name, node, _ in report_nodes:
        sys.stdout.write(ex.netstat_section("host " + name, node))
    return report_nodes, flows


def print_what_happened(local, sessions, wire, hits, drops, lint, addresses):
    """A short explanation of the run, from what was observed."""
    sb, sa = sessions[0], sessions[1]
    print("\nWhat happened:")
    ah, clear, _ = wire.peer(addresses[1])
    in_ah = " and ran in AH" if clear == 0 and ah > 0 else ""
    print(f"  B's POP session {'completed' if sb.completed else 'did not complete'}{in_ah}: "
          f"between A and B the LAN carried {ah} POP segments in AH and {clear} in clear.")
    own_lookups = sum(row.own for row in hits.rows)
    path = {"lo0": "went through A's loopback device (A's address is routed there, as BSD "
                   "routes it through lo0)",
            "interface": "were handed back to IP input inside A's LAN interface (ns-3's "
                         "Ipv4Interface::Send does that, synchronously, for the interface's "
                         "own address)",
            "localhost": "went through A's loopback device"}[local]
    fate = ("ran in clear" if sa.completed else
            "opened but did not finish" if sa.connected else "never opened")
    print(f"  A's own session ({'127.0.0.1' if local == 'localhost' else 'A'} -> "
          f"{sa.server}:{PORT}) {fate}. Its datagrams {path}, never reached the LAN, and met "
          f"A's policies {own_lookups} time(s):")
    own_out_default = own_in_ipsec = None
    for row in hits.rows:
        if row.own > 0:
            print(f"    {row.own} x {row.direction}: {hits.describe(row)}")
            if row.direction == "out" and row.default_policy:
                own_out_default = row
            if row.direction == "in" and row.requires_ipsec:
                own_in_ipsec = row
    if own_lookups == 0:
        print("    (none: its addresses match no policy's selector)")
    if not sa.connected and own_out_default and own_in_ipsec:
        print(f"  So the client's SYN matched no outbound policy (its source port is not "
              f"{PORT}) and left without AH, and the first inbound policy that matched it on "
              f"arrival requires AH ({own_in_ipsec.own} SYNs refused); an SA from A to A would "
              f"not help, no policy asks for one.")
    for i, s in enumerate(sessions[2:], 2):
        ah, clear, _ = wire.peer(addresses[i])
        fate = ("completed" if s.completed else
                "did not complete" if s.connected else "never opened")
        print(f"  {s.name}'s POP session (no IPsec) {fate}: between A and {s.name} the LAN "
              f"carried {ah} POP segments in AH and {clear} in clear.")
    for counter, reason, count in drops[0].drops():
        print(f"  A dropped {count} datagram(s), {counter}: {reason}.")
    if local == "interface" and sa.connected and not sa.completed:
        print("  On that synchronous path ns-3.37's TCP stalls (each exchange waits for a "
              "retransmission timeout), with or without IPsec; --local=lo0 avoids it.")
    if len(lint):
        print("  The lint report names the policies that can never match: earlier "
              "policies take all their packets.")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--order", choices=["faq", "reordered"], default="faq",
                   help="A's policies: faq (the FAQ's order, A.conf) or reordered "
                        "(require first, A-reordered.conf)")
    p.add_argument("--local", choices=["lo0", "interface", "localhost"], default="lo0",
                   help="A's own POP client: to A's address through the loopback device "
                        "(lo0), with ns-3's default routes (interface), or to 127.0.0.1")
    p.add_argument("--setkey-a", help="setkey script for A (replaces --order's)")
    p.add_argument("--setkey-b", help="setkey script for B (default examples/pop/B.conf)")
    p.add_argument("--outsider", action="store_true",
                   help="add host C 10.0.0.3, a POP client without IPsec")
    p.add_argument("--mail-bytes", type=int, default=20000,
                   help="size of the message each session retrieves")
    p.add_argument("--stop-time", type=float, default=200,
                   help="simulated seconds to run (failed connections give up first)")
    p.add_argument("--verbose", action="store_true",
                   help="print every policy decision on A as it happens")
    p.add_argument("--pcap-dir", help="write a pcap for every device into this directory")
    p.add_argument("--json", help="write a JSON summary to this file")
    p.add_argument("--keys", choices=["manual", "ike"], default="manual",
                   help="manual (the scripts' AH SAs) or ike (racoon negotiates them)")
    args = p.parse_args(argv)
    args.mail_bytes = max(args.mail_bytes, 2)
    if not ex.prepare_outputs("ipsec-pop-policy", ("pcapDir", args.pcap_dir, True),
                              ("json", args.json, False)):
        return 1
    ike = args.keys == "ike"

    ipsec.set_global("ChecksumEnabled", True)
    d = os.path.join(EXAMPLES, "pop")
    custom_a = bool(args.setkey_a)
    script_a = args.setkey_a or os.path.join(
        d, ("A" if args.order == "faq" else "A-reordered") + ("-ike.conf" if ike else ".conf"))
    script_b = args.setkey_b or os.path.join(d, "B-ike.conf" if ike else "B.conf")

    # The LAN: A, B and (with --outsider) C.
    nodes = ipsec.create_nodes(3 if args.outsider else 2)
    a, b = nodes[0], nodes[1]
    lan = ipsec.csma(nodes, rate="100Mbps", delay="50us")
    ipsec.install_stack(nodes, ipv4=True, ipv6=False)
    ipsec.assign_streams(nodes, 100)
    addresses = lan.assign_ipv4("10.0.0.0", "255.255.255.0")
    address_a = addresses[0]
    if args.local == "lo0":
        route_through_loopback(a, address_a, "255.255.255.0")

    # The setkey scripts on A and B; with --keys=ike, racoon on both.
    racoon = []
    try:
        ex.run_setkey_file(a, script_a)
        ex.run_setkey_file(b, script_b)
        if ike:
            conf = os.path.join(EXAMPLES, "ike", "racoon.conf")
            racoon = [ex.racoon(n, conf, os.path.join(d, "psk-pop.txt")) for n in (a, b)]
            ex.ike_assign_streams([a, b], 200)
    except (ipsec.SetkeyError, ipsec.RacoonError) as e:
        sys.stderr.write(str(e))
        print("The simulation was not started.", file=sys.stderr)
        ipsec.destroy()
        return 1
    if args.pcap_dir:
        ex.enable_pcap_all("csma", os.path.join(args.pcap_dir, "ipsec-pop-policy"))
        ex.enable_key_log(None, args.pcap_dir)

    # What A's configuration is worth before any packet: the lint report.
    lint = ex.policy_lint(a)
    # Observers: A's policy decisions, every node's drops, A's LAN device.
    hits = ex.watch_policy_hits(a, "A", args.verbose)
    drops = [ex.watch_drops(n) for n in nodes]
    wire = ex.watch_pop_wire(ex.device(a, 0), address_a)

    # The POP server on A, and the sessions: B at 1 s, A's own client at
    # 1.5 s (to A's address, or to 127.0.0.1), C at 2 s.
    server = ex.pop_server(a, args.mail_bytes, start=0.5)
    sessions = [ex.pop_session("B", b, "B", address_a, "0.0.0.0", 1.0)]
    if args.local == "localhost":
        sessions.append(ex.pop_session("A (local)", a, "A", "127.0.0.1", "0.0.0.0", 1.5))
    else:
        sessions.append(ex.pop_session("A (local)", a, "A", address_a, address_a, 1.5))
    if args.outsider:
        sessions.append(ex.pop_session("C", nodes[2], "C", address_a, "0.0.0.0", 2.0))

    ex.run(until=args.stop_time)

    # The report.
    print_title(args, custom_a, addresses)
    report_nodes, flows = print_report(lint, server, sessions, wire, hits, drops, nodes,
                                       addresses)
    if ike:
        print()
        sys.stdout.write(racoon[0].line("A"))
        sys.stdout.write(racoon[1].line("B"))
        sys.stdout.write(ex.setkey_d_section("A", a))
        sys.stdout.write(ex.setkey_d_section("B", b))
    print_what_happened(args.local, sessions, wire, hits, drops, lint, addresses)
    if args.json:
        ex.pop_write_json(args.json, "custom" if custom_a else args.order, args.local,
                          report_nodes, flows, sessions, server, lint, hits, drops, wire)
    ipsec.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
