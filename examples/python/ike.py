#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The NetBSD IPsec FAQ's IKE example from Python: hosts A and B through a
router, the FAQ's ESP policies, racoon on both hosts (racoon's sample
racoon.conf, the FAQ's psk.txt), pings from A to B; the same log and report
as build/examples/ipsec-ike for the same options.

    python3 examples/python/ike.py [--ipv6] [--pings=20] [--rate=10Mbps] [--delay=2ms]
        [--loss=0] [--cpu=Reference2020s] [--dh-group=N] [--mode=main|aggressive]
        [--larval-lifetime=30] [--phase2-wait=N] [--conf-a=FILE] [--conf-b=FILE]
        [--psk=FILE] [--psk-mode=600] [--pcap-dir=DIR] [--no-verbose] [--run=N]
"""
import argparse
import os
import sys

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

IKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ike")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ipv6", action="store_true", help="run over IPv6 (A fd00:10:1::1, B fd00:20:1::1)")
    p.add_argument("--pings", type=int, default=20, help="pings from A to B, one per second")
    p.add_argument("--rate", default="10Mbps", help="rate of both links")
    p.add_argument("--delay", default="2ms", help="delay of each link")
    p.add_argument("--loss", type=float, default=0.0, help="packet loss rate on each link (0..1)")
    p.add_argument("--cpu", default="Reference2020s",
                   help="CPU profile of both hosts (ns3ipsec.cpu_profiles())")
    p.add_argument("--dh-group", type=int, default=0,
                   help="Diffie-Hellman group of phase 1 (and of PFS), 0 = racoon.conf's")
    p.add_argument("--mode", default="",
                   help="exchange mode of the initiator: main or aggressive ('' = racoon.conf's)")
    p.add_argument("--larval-lifetime", type=int, default=30,
                   help="net.key.larval_lifetime on both hosts (s)")
    p.add_argument("--phase2-wait", type=int, default=0,
                   help="racoon's timer { phase2 } on both hosts (s; 0 = racoon.conf's)")
    p.add_argument("--conf-a", default=os.path.join(IKE, "racoon.conf"), help="racoon.conf of A")
    p.add_argument("--conf-b", default=os.path.join(IKE, "racoon.conf"), help="racoon.conf of B")
    p.add_argument("--psk", default="",
                   help="psk.txt of both hosts (default: psk.txt, psk-v6.txt with --ipv6)")
    p.add_argument("--psk-mode", type=lambda s: int(s, 8), default=0o600,
                   help="the psk.txt's file mode, octal (racoon refuses group/other access)")
    p.add_argument("--pcap-dir", help="write a pcap of every device into this directory")
    p.add_argument("--verbose", action=argparse.BooleanOptionalAction, default=True,
                   help="print racoon's log and every IKE message")
    p.add_argument("--run", type=int, default=1, help="ns-3's run number (RngRun)")
    args = p.parse_args(argv)
    if not ex.prepare_outputs("ipsec-ike", ("pcapDir", args.pcap_dir, True)):
        return 1

    ipsec.set_run(args.run)
    ipsec.set_global("ChecksumEnabled", True)

    def on_reply(seq):
        print(f"{ex.log_time()}A: echo reply {seq} from B")

    # The FAQ's IKE example: A -- router -- B, the FAQ's policies, racoon on A
    # and B with racoon's sample racoon.conf and the FAQ's psk.txt, pings.
    faq = ex.IkeFaq(IKE, ipv6=args.ipv6, rate=args.rate, delay=args.delay, loss=args.loss,
                    cpu=args.cpu, dh_group=args.dh_group, mode=args.mode,
                    larval_lifetime=args.larval_lifetime, phase2_wait=args.phase2_wait,
                    conf_a=args.conf_a, conf_b=args.conf_b, psk=args.psk,
                    psk_mode=args.psk_mode, pings=args.pings,
                    on_reply=on_reply if args.verbose else None)
    try:
        faq.build()
    except ipsec.SetkeyError as e:
        print(e, file=sys.stderr)
        return 1
    except ipsec.RacoonError as e:
        print(f"racoon: {e}", file=sys.stderr)
        return 1
    if args.verbose:
        faq.daemon("A").print_traces("A", False)
        faq.daemon("B").print_traces("B", False)
    if args.pcap_dir:
        ex.enable_pcap_all("p2p", os.path.join(args.pcap_dir, "ipsec-ike"), promiscuous=True)
        ex.enable_ike_key_log(faq.nodes, args.pcap_dir)
    result = faq.run()

    # The pings, when the first reply came, both daemons, both SADs.
    print(f"ipsec-ike: the FAQ's IKE example, {'IPv6' if args.ipv6 else 'IPv4'}, CPU {args.cpu}, "
          f"net.key.larval_lifetime {args.larval_lifetime} s")
    for f in faq.flows():
        if f.sent:
            sys.stdout.write(f.line("A", "B"))
    if result["first_reply_s"] is not None:
        print(f"first reply: ping {result['first_reply_seq']} at {result['first_reply_s']:g} s")
    else:
        print("no reply: the SAs never came up")
    sys.stdout.write(faq.daemon("A").line("A"))
    sys.stdout.write(faq.daemon("B").line("B"))
    print(f"A's out_nosa (pings dropped for want of an SA): {result['out_nosa_a']}")
    sys.stdout.write(ex.setkey_d_section("A", faq.host_a))
    sys.stdout.write(ex.setkey_d_section("B", faq.host_b))
    ipsec.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
