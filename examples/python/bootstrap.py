#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The FAQ's bootstrap problem from Python: NFS clients mount /usr from a
server at boot while every node's ipsec.conf runs (at boot, or by hand
later); the same dumps and report as build/examples/ipsec-bootstrap.

    python3 examples/python/bootstrap.py [--dump-at=5] [--duration=20] [--rekey-at=T]
        [--config-at=T] [--conf-dir=DIR] [--pcap-dir=DIR] [--json=FILE]
"""
import argparse
import os
import sys

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
NFS_PORT = 2049


def title(config_at, rekey_at):
    """When every node's ipsec.conf (and its rekey script) runs."""
    text = ("ipsec-bootstrap: NFS clients mount /usr from the server at boot; every node's "
            "ipsec.conf runs ")
    text += "at boot (rc.conf ipsec=YES)" if config_at < 0 else f"by hand at {config_at:g} s"
    if rekey_at >= 0:
        text += f", its rekey script at {rekey_at:g} s"
    return text


def lan_line(lan):
    """What the server's LAN device carried, one line."""
    text = (f"\nthe server's LAN device: {lan.esp} ESP datagrams, {lan.clear} NFS datagrams "
            f"in clear, {lan.other} other IPv4 datagrams")
    if lan.first_protocol >= 0:
        what = "ESP" if lan.first_protocol == 50 else f"IP protocol {lan.first_protocol}"
        text += f"; the first IPv4 datagram (at {lan.first_ip:g} s) was {what}"
    return text + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dump-at", default="5",
                   help="simulated seconds (comma-separated) at which to print setkey -D and "
                        "-DP of every node")
    p.add_argument("--duration", type=float, default=20,
                   help="seconds during which each client sends an NFS request a second")
    p.add_argument("--rekey-at", type=float, default=-1,
                   help="run the rekey-NODE.conf scripts at this time (default: never)")
    p.add_argument("--config-at", type=float, default=-1,
                   help="run the ipsec.conf files at this time instead of at boot")
    p.add_argument("--conf-dir", default=os.path.join(EXAMPLES, "bootstrap"),
                   help="directory of server.conf, client1.conf, client2.conf, rekey-*.conf")
    p.add_argument("--pcap-dir", help="write a pcap for every device into this directory")
    p.add_argument("--json", help="write a JSON summary (with the dumps) to this file")
    args = p.parse_args(argv)
    if not ex.prepare_outputs("ipsec-bootstrap", ("pcapDir", args.pcap_dir, True),
                              ("json", args.json, False)):
        return 1
    try:
        dump_times = ex.parse_times(args.dump_at)
    except ValueError:
        print(f"--dump-at: expected seconds separated by commas, got \"{args.dump_at}\"",
              file=sys.stderr)
        return 1

    ipsec.set_global("ChecksumEnabled", True)

    # The LAN: the NFS server and its two clients.
    names = ["server", "client1", "client2"]
    nodes = ipsec.create_nodes(len(names))
    lan = ipsec.csma(nodes, rate="100Mbps", delay="50us")
    ipsec.install_stack(nodes, ipv4=True, ipv6=False)
    ipsec.assign_streams(nodes, 100)
    addresses = lan.assign_ipv4("10.1.0.0", "255.255.255.0")

    # rc.conf ipsec=YES on every node (or, with --config-at, setkey -f by hand later).
    try:
        for node, name in zip(nodes, names):
            conf = os.path.join(args.conf_dir, name + ".conf")
            if args.config_at < 0:
                ex.set_boot_config(node, conf)
            else:
                ex.schedule_setkey_file(node, conf, args.config_at)
            if args.rekey_at >= 0:
                ex.schedule_setkey_file(node, os.path.join(args.conf_dir, f"rekey-{name}.conf"),
                                        args.rekey_at)
    except ipsec.SetkeyError as e:
        sys.stderr.write(str(e))
        print("The simulation was not started.", file=sys.stderr)
        ipsec.destroy()
        return 1

    if args.pcap_dir:
        ex.enable_pcap_all("csma", os.path.join(args.pcap_dir, "ipsec-bootstrap"))
        ex.enable_key_log(None, args.pcap_dir)

    # The boot-time mounts: each client sends an NFS request a second from time 0.
    ex.udp_echo_server(nodes[0], NFS_PORT, start=0)
    mounts = [ex.udp_echo_flow(client, addresses[0], NFS_PORT, count=int(args.duration),
                               size=1024, start=0, interval=1, name="nfs",
                               unit="requests/replies")
              for client in nodes[1:]]
    wire = ex.LanCounts.watch(ex.device(nodes[0], 0), NFS_PORT)

    # setkey -D and -DP of every node at each --dump-at time.
    dumps = ex.SetkeyDumps()
    for t in dump_times:
        for node, name, address in zip(nodes, names, addresses):
            dumps.schedule(node, name, address, t)

    end = max([args.duration + 2, 1.0] + [t + 0.001 for t in dump_times])
    print(title(args.config_at, args.rekey_at) + "\n")
    ex.run(until=end)

    # What each mount got, what the LAN carried, every node's counters.
    report_nodes = [(name, node, [address]) for name, node, address in zip(names, nodes, addresses)]
    flows = [(names[i + 1], names[0], f) for i, f in enumerate(mounts)]
    for src, dst, f in flows:
        sys.stdout.write(f.line(src, dst))
    sys.stdout.write(lan_line(wire))
    for name, node, _ in report_nodes:
        sys.stdout.write(ex.netstat_section(name, node))

    if args.json:
        boot = "true" if args.config_at < 0 else "false"
        with open(args.json, "w", encoding="utf-8") as out:
            out.write(f"{{\n  \"example\": \"ipsec-bootstrap\",\n  \"boot\": {boot},\n"
                      f"  \"configAt\": {args.config_at:g},\n  \"rekeyAt\": {args.rekey_at:g},\n  ")
            out.write(ex.report_json(report_nodes, flows, "  "))
            out.write(f",\n  \"lan\": {{\"esp\": {wire.esp}, \"clearNfs\": {wire.clear}, "
                      f"\"other\": {wire.other}, \"firstProtocol\": {wire.first_protocol}, "
                      f"\"firstAt\": {wire.first_ip:g}}},\n  ")
            out.write(dumps.json())
            out.write("\n}\n")
    ipsec.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
