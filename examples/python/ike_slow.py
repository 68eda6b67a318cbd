#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The slow-IKE study from Python: the FAQ's IKE example swept over CPU
profiles, Diffie-Hellman groups, link delays, losses and larval lifetimes,
one table line per case, as build/examples/ipsec-ike-slow prints it.

    python3 examples/python/ike_slow.py [--cpus=A,B] [--groups=2,14] [--delays=2ms,250ms]
        [--losses=0,0.1] [--larvals=30,90] [--phase2-wait=N] [--pings=120]
        [--csv=FILE] [--ipv6]
"""
import argparse
import itertools
import os
import sys

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

IKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ike")
CSV_HEADER = ("cpu,dh_group,delay,loss,larval_lifetime,phase2_wait,up,first_reply_s,"
              "messages_a,messages_b,retransmissions,pings_sent,pings_lost_before,"
              "ph1_established,ph2_established,failures_a,failures_b,cpu_busy_a_s,"
              "cpu_busy_b_s\n")


def run_case(cpu, group, delay, loss, larval, wait, pings, ipv6):
    """One run of the FAQ's IKE example; raises SetkeyError or RacoonError."""
    faq = ex.IkeFaq(IKE, ipv6=ipv6, cpu=cpu, dh_group=group, delay=delay, loss=loss,
                    larval_lifetime=larval, phase2_wait=wait, pings=pings)
    faq.build()
    result = faq.run()
    ipsec.destroy()
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cpus", default="Reference2020s,Pentium100,MipsR3000_25MHz",
                   help="CPU profiles of both hosts, comma-separated")
    p.add_argument("--groups", default="2,14",
                   help="Diffie-Hellman groups (phase 1 and PFS), comma-separated")
    p.add_argument("--delays", default="2ms,250ms", help="one-way delays of each link, comma-separated")
    p.add_argument("--losses", default="0,0.1", help="packet loss rates of each link, comma-separated")
    p.add_argument("--larvals", default="30,90",
                   help="net.key.larval_lifetime values (s), comma-separated")
    p.add_argument("--phase2-wait", type=int, default=0,
                   help="racoon's timer { phase2 } (s); 0 = the case's larval lifetime")
    p.add_argument("--pings", type=int, default=120,
                   help="pings from A to B, one per second (the run's length)")
    p.add_argument("--csv", help="write the results as CSV to this file")
    p.add_argument("--ipv6", action="store_true", help="run over IPv6")
    args = p.parse_args(argv)
    if not ex.prepare_outputs("ipsec-ike-slow", ("csv", args.csv, False)):
        return 1

    # Every combination: CPU x group x delay x loss x larval lifetime.
    cases = list(itertools.product(*(ex.split_list(x) for x in (
        args.cpus, args.groups, args.delays, args.losses, args.larvals))))
    csv = open(args.csv, "w", encoding="utf-8") if args.csv else None
    if csv:
        csv.write(CSV_HEADER)
    print(f"ipsec-ike-slow: the FAQ's IKE example, {len(cases)} cases, {args.pings} pings each "
          f"({'IPv6' if args.ipv6 else 'IPv4'})")
    print(f"{'cpu':<16}{'group':<6}{'delay':<8}{'loss':<6}{'larval':<7}{'up':<5}{'at (s)':<9}"
          f"{'msgs A/B':<10}{'rexmt':<6}{'lost':<7}cpu busy A (s)")

    for done, (cpu, group, delay, loss, larval) in enumerate(cases, 1):
        print(f"\rcase {done}/{len(cases)}: {cpu} group {group} {delay} loss {loss} "
              f"larval {larval}          ", end="", file=sys.stderr, flush=True)
        wait = args.phase2_wait or int(larval)
        try:
            r = run_case(cpu, int(group), delay, float(loss), int(larval), wait, args.pings,
                         args.ipv6)
        except (ipsec.SetkeyError, ipsec.RacoonError) as e:
            print(f"\nipsec-ike-slow: {e}", file=sys.stderr)
            return 1
        up = r["first_reply_s"] is not None
        at = f"{r['first_reply_s']:.2f}" if up else "-"
        msgs = f"{r['a']['messages_sent']}/{r['b']['messages_sent']}"
        rexmt = r["a"]["retransmissions"] + r["b"]["retransmissions"]
        print(f"{cpu:<16}{group:<6}{delay:<8}{loss:<6}{larval:<7}{'yes' if up else 'no':<5}"
              f"{at:<9}{msgs:<10}{rexmt:<6}{r['out_nosa_a']:<7}{r['cpu_busy_a_s']:.3f}")
        if csv:
            csv.write(",".join(str(x) for x in (
                cpu, group, delay, loss, larval, wait, int(up), at if up else "",
                r["a"]["messages_sent"], r["b"]["messages_sent"], rexmt, r["pings_sent"],
                r["out_nosa_a"], r["a"]["ph1_established"], r["a"]["ph2_established"],
                r["a"]["failures"], r["b"]["failures"], f"{r['cpu_busy_a_s']:g}",
                f"{r['cpu_busy_b_s']:g}")) + "\n")
    print(file=sys.stderr)
    if csv:
        csv.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
