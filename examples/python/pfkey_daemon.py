#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A key-management daemon of one's own, in Python, over PF_KEY: hosts A and
B require ESP but have no SAs; each host's toy daemon REGISTERs, reads the
kernel's ACQUIRE, reserves an SPI with GETSPI and after a key exchange of
--delay seconds UPDATEs the larval SA and ADDs the outbound one -- unless
net.key.larval_lifetime expired the larval SA first.  The same log and
report as build/examples/ipsec-pfkey-daemon.

    python3 examples/python/pfkey_daemon.py [--delay=2] [--larval-lifetime=30]
        [--pings=20] [--ipv6] [--no-verbose] [--json=FILE]
"""
import argparse
import os
import sys

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

RIJNDAEL_CBC = 12  # SADB_X_EALG_RIJNDAELCBC
HMAC_SHA1 = 3      # SADB_AALG_SHA1HMAC


class Daemon:
    """One host's daemon: its PF_KEY socket and what it has done."""

    def __init__(self, name, node, address, peer):
        self.name = name
        self.node = node
        self.self = address
        self.peer = peer
        self.socket = None
        self.inbound_spi = 0  # the larval SA reserved with GETSPI (peer -> self)
        self.acquires = 0
        self.update_errors = 0
        self.negotiating = False


class ToyExchange:
    """The toy key exchange between two daemons."""

    def __init__(self, a, b, delay, verbose):
        self.a, self.b = a, b
        self.delay = delay
        self.verbose = verbose
        self.keys = ex.UniformRandom(4242)  # deterministic keys
        self.negotiations = 0
        self.completed = 0
        for d in (a, b):
            d.socket = ex.pfkey_open(d.node, 500)
            d.socket.on_receive(lambda d=d: self.on_messages(d))
            d.socket.send(ex.PfKeyMessage("register", "esp"))

    def on_messages(self, d):
        while (m := d.socket.recv()) is not None:
            self.handle(d, m)

    def log(self, d, text):
        if self.verbose:
            print(f"{ipsec.now():8.3f} s  {d.name}'s daemon: {text}")

    def handle(self, d, m):
        self.log(d, "<- " + str(m))
        if m.type == "acquire":
            d.acquires += 1
            other = self.b if d is self.a else self.a
            if not d.negotiating and not other.negotiating:
                self.start(d, other)
        elif m.type == "getspi" and m.errno == 0 and m.spi is not None:
            d.inbound_spi = m.spi
        elif m.type == "update" and m.errno != 0:
            d.update_errors += 1
            self.log(d, f"UPDATE refused: {os.strerror(m.errno)} -- the larval SA is gone "
                        "(net.key.larval_lifetime)")

    def start(self, initiator, responder):
        """Phase 2 begins: both sides reserve their inbound SPI at once."""
        self.negotiations += 1
        for d in (initiator, responder):
            d.negotiating = True
            d.inbound_spi = 0
            getspi = ex.PfKeyMessage("getspi", "esp")
            getspi.set_src(d.peer)
            getspi.set_dst(d.self)
            d.socket.send(getspi)
        self.log(initiator, f"negotiating with {responder.name} (takes {self.delay:g} s)")
        ipsec.schedule(self.delay, lambda: self.finish(initiator, responder))

    def finish(self, initiator, responder):
        """The keys are agreed: UPDATE the larval inbound SAs, ADD the outbound
        ones (only if both larval SAs are still there)."""
        enc_ab, auth_ab, enc_ba, auth_ba = (self.key(16), self.key(20), self.key(16),
                                            self.key(20))
        ok = (self.install(responder, "update", initiator, responder, enc_ab, auth_ab)
              and self.install(initiator, "update", responder, initiator, enc_ba, auth_ba)
              and self.install(initiator, "add", initiator, responder, enc_ab, auth_ab)
              and self.install(responder, "add", responder, initiator, enc_ba, auth_ba))
        if ok:
            self.completed += 1
            self.log(initiator, "SAs installed on both hosts")
        initiator.negotiating = responder.negotiating = False

    def install(self, on, kind, src, dst, enc, auth):
        """Sends an UPDATE or ADD for the SA from src to dst on on's socket."""
        m = ex.PfKeyMessage(kind, "esp")
        m.set_sa(spi=dst.inbound_spi, encrypt=RIJNDAEL_CBC, auth=HMAC_SHA1,
                 flags=ex.SA_FLAG_CYCSEQ, replay=4)
        m.set_src(src.self)
        m.set_dst(dst.self)
        m.set_keys(enc, auth)
        return dst.inbound_spi != 0 and on.socket.send(m) == 0

    def key(self, size):
        return [self.keys.integer(0, 255) for _ in range(size)]


def policies(self, peer):
    return (f"spdadd {self} {peer} any -P out ipsec esp/transport//require;\n"
            f"spdadd {peer} {self} any -P in ipsec esp/transport//require;\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--delay", type=float, default=2, help="seconds the daemons' key exchange takes")
    p.add_argument("--larval-lifetime", type=int, default=30,
                   help="net.key.larval_lifetime on both hosts (s)")
    p.add_argument("--pings", type=int, default=20, help="pings from A to B, one per second")
    p.add_argument("--ipv6", action="store_true", help="run over IPv6")
    p.add_argument("--verbose", action=argparse.BooleanOptionalAction, default=True,
                   help="print every PF_KEY message the daemons read")
    p.add_argument("--json", help="write a JSON summary to this file")
    args = p.parse_args(argv)
    if not ex.prepare_outputs("ipsec-pfkey-daemon", ("json", args.json, False)):
        return 1

    ipsec.set_global("ChecksumEnabled", True)
    topo = ipsec.HostToHost(ipv6=args.ipv6)
    ipsec.assign_streams(topo.nodes, 100)
    a = Daemon("A", topo.a, topo.address_a, topo.address_b)
    b = Daemon("B", topo.b, topo.address_b, topo.address_a)
    for d in (a, b):
        d.node.sysctl["net.key.larval_lifetime"] = args.larval_lifetime
        d.node.setkey(policies(d.self, d.peer), d.name)
    exchange = ToyExchange(a, b, args.delay, args.verbose)

    traffic = ipsec.FaqTraffic(pings=args.pings, udp_echoes=0, tcp_bytes=0)
    ex.run(until=traffic.install(a.node, a.self, b.node, b.self))

    # The C++ program's log leaves std::cout's precision at 3 digits.
    digits = 3 if args.verbose else 6
    print(f"ipsec-pfkey-daemon: key exchange of {args.delay:.{digits}g} s, net.key.larval_lifetime "
          f"{args.larval_lifetime} s")
    flows = []
    for f in ex.traffic_flows(traffic):
        if f.sent:  # only pings here
            sys.stdout.write(f.line("A", "B"))
            flows.append(("A", "B", f))
    print(f"negotiations: {exchange.negotiations}, completed: {exchange.completed}, "
          f"ACQUIREs read by A's daemon: {a.acquires}, "
          f"UPDATEs refused: {a.update_errors + b.update_errors}")
    print("\nhost A, netstat -ss (non-zero counters):")
    sys.stdout.write(a.node.netstat(omit_zero=True))
    if args.json:
        ex.write_report_json(args.json, [("A", a.node, [a.self]), ("B", b.node, [b.self])], flows)
    ipsec.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
