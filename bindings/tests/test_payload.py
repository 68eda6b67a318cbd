# SPDX-License-Identifier: GPL-2.0-only
"""Traffic with chosen payload content, measured at the socket (ns3ipsec.payload)."""
import zlib

import pytest

import ns3ipsec as ipsec
from ns3ipsec import payload

SIZE = 1000


def test_text_is_fixed_and_compresses_as_prose():
    text = payload.text(65536)
    assert text == payload.text(65536)  # fixed, not drawn
    assert all(chr(c).isalpha() or chr(c) in " ,.\n" for c in text)
    n = SIZE - payload.HEADER_BYTES
    ratios = []
    for k in range(16):
        c = zlib.compressobj(6, zlib.DEFLATED, -12)
        ratios.append(len(c.compress(text[k * n:(k + 1) * n]) + c.flush()) / n)
    assert 0.45 < sum(ratios) / len(ratios) < 0.55


def test_payload_flow_measures_at_the_socket():
    """Two flows, text and random, interleaved on a lightly loaded link:
    every datagram arrives intact after the link's delay and its
    serialization (1000 + 28 + 2 bytes at 1 Mbit/s)."""
    a, b = ipsec.create_nodes(2)
    ipsec.install_stack([a, b])
    link = ipsec.point_to_point(a, b, rate="1Mbps", delay="5ms")
    _, addr_b = link.assign_ipv4("10.9.1.0")
    payload.fill_neighbour_caches([a, b])
    flows = []
    for content, port, start in (("text", 7000, 1.000123), ("random", 7001, 1.040123)):
        flows.append(payload.payload_udp(a, b, addr_b, rate="100kbps", size=SIZE,
                                         content=content, start=start, stop=start + 1,
                                         port=port, warmup=2, measure=5))
    ipsec.run(until=3)
    for flow in flows:
        r = flow.results()
        # 100 kbit/s of 1000-byte datagrams: one every 80 ms, 13 in [1, 2).
        assert (r.sent, r.received, r.corrupted, r.reordered) == (13, 13, 0, 0)
        assert r.measured == 5 and r.complete and r.loss == 0
        per = 0.005 + 1030 * 8 / 1e6
        assert r.delay_mean_s == pytest.approx(per, abs=1e-9)
        assert r.goodput_bps == pytest.approx(SIZE * 8 / flow.interval_s, rel=1e-9)
        assert [s[0] for s in flow.samples()] == [2, 3, 4, 5, 6]
