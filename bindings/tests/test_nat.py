# SPDX-License-Identifier: GPL-2.0-only
"""The NAT box and ESP in UDP from Python: a UDP exchange through the NAT
(the peer sees the NAT's address, the mapping is in the table), the
mapping's expiry after the UDP timeout and the drop that follows, the
filtering behaviours, port forwards, the option errors, and a NAT keepalive
consumed by a UDP_ENCAP_ESPINUDP port.

The network of every test: host H 192.168.1.1 -- NAT router 192.168.1.2 |
198.51.100.1 -- server S 198.51.100.2, point-to-point links of 2 ms at 10
Mbps; S has no route to 192.168.1.0/24, so whatever reaches H from S went
through the NAT.  The expected addresses, ports and times are worked out
from that by hand."""
import pytest

import ns3ipsec as ipsec
from ns3ipsec import examples as ex

H_ADDR, NAT_IN, NAT_OUT, S_ADDR = "192.168.1.1", "192.168.1.2", "198.51.100.1", "198.51.100.2"


@pytest.fixture(autouse=True)
def checksums_off_afterwards():
    """These tests turn ns-3's checksums on (a global of the process): the
    tests that run after them in this process expect ns-3's default."""
    yield
    ipsec.set_global("ChecksumEnabled", False)


def network(**nat_options):
    ipsec.set_global("ChecksumEnabled", True)
    h, router, s = ipsec.create_nodes(3)
    ipsec.install_stack([h, s])
    ipsec.install_stack([router], ipsec=False)
    inside = ipsec.point_to_point(h, router, delay="2ms")
    outside = ipsec.point_to_point(router, s, delay="2ms")
    assert inside.assign_ipv4("192.168.1.0") == [H_ADDR, NAT_IN]
    assert outside.assign_ipv4("198.51.100.0") == [NAT_OUT, S_ADDR]
    ex.ipv4_default_route(h, NAT_IN, 1)
    box = ipsec.nat(router, inside=inside, outside=outside, **nat_options)
    return h, router, s, box


def receiver(node, port):
    got = []
    sock = node.udp_socket(port)
    sock.on_receive(lambda data, addr, sport: got.append((ipsec.now(), data, addr, sport)))
    return sock, got


def test_udp_through_the_nat_and_its_mapping():
    h, router, s, box = network(udp_timeout=60.0)
    assert router.nat() is not None and h.nat() is None
    created, table = [], []
    box.on_mapping_created(created.append)
    hsock, h_got = receiver(h, 5555)
    ssock, s_got = receiver(s, 7777)
    ipsec.schedule(1.0, lambda: hsock.send_to(b"hello", S_ADDR, 7777))
    # S answers whoever it saw.
    ipsec.schedule(1.5, lambda: ssock.send_to(b"world", s_got[0][2], s_got[0][3]))
    ipsec.schedule(2.0, lambda: table.append(box.mappings()))
    ipsec.run(until=3.0)

    # S saw the NAT's outside address, and the inside port kept (port
    # preservation); H got the answer from S itself.
    assert [(d, a, p) for _, d, a, p in s_got] == [(b"hello", NAT_OUT, 5555)]
    assert [(d, a, p) for _, d, a, p in h_got] == [(b"world", S_ADDR, 7777)]
    assert len(created) == 1
    m = created[0]
    assert (m.protocol, m.protocol_name) == (17, "udp")
    assert (m.inside_address, m.inside_port) == (H_ADDR, 5555)
    assert (m.outside_address, m.outside_port) == (NAT_OUT, 5555)
    assert not m.static
    # Made when the datagram reached the router: after 1 s plus H's link.
    assert 1.002 < m.created_s < 1.01
    [[seen]] = table
    assert (seen.inside_address, seen.inside_port, seen.outside_port) == (H_ADDR, 5555, 5555)
    assert (seen.remote_address, seen.remote_port) == (S_ADDR, 7777)
    assert (seen.packets_out, seen.packets_in) == (1, 1)
    # Refreshed by the outbound datagram only: it expires 60 s after it.
    assert seen.expires_s == pytest.approx(m.created_s + 60.0)
    st = box.stats()
    assert (st["translated_out"], st["translated_in"], st["mappings_created"]) == (1, 1, 1)
    assert st["dropped"] == 0
    text = box.table()
    assert text.startswith(f"MAP udp {H_ADDR} 5555 <- -> {NAT_OUT} 5555 [{S_ADDR} 7777]")
    assert text.count("\n") == 1
    assert box.get_attribute("UdpTimeout") == "+6e+10ns"  # ns-3 3.37 writes Times in ns


def test_mapping_expires_after_the_udp_timeout_then_inbound_is_dropped():
    h, router, s, box = network(udp_timeout=10.0)
    expired, drops = [], []
    box.on_mapping_expired(lambda m: expired.append((ipsec.now(), m)))
    box.on_drop(lambda *d: drops.append((ipsec.now(),) + d))
    hsock, h_got = receiver(h, 5555)
    ssock, s_got = receiver(s, 7777)
    ipsec.schedule(1.0, lambda: hsock.send_to(b"hello", S_ADDR, 7777))
    counts = {}
    ipsec.schedule(10.5, lambda: counts.setdefault("before", len(box)))
    ipsec.schedule(11.5, lambda: counts.setdefault("after", len(box)))
    # Before the expiry S's datagram gets in; after it, it dies at the NAT.
    ipsec.schedule(5.0, lambda: ssock.send_to(b"early", NAT_OUT, 5555))
    ipsec.schedule(15.0, lambda: ssock.send_to(b"late!", NAT_OUT, 5555))
    ipsec.run(until=20.0)

    assert (counts["before"], counts["after"]) == (1, 0)
    assert len(expired) == 1
    when, m = expired[0]
    # The datagram reached the router at about 1.002 s: 10 s later.
    assert 11.0 < when < 11.01
    assert (m.inside_address, m.inside_port, m.outside_port) == (H_ADDR, 5555, 5555)
    assert [d for _, d, _, _ in h_got] == [b"early"]
    # The drop: typed reason, the datagram as it arrived (UDP header + 5 bytes).
    assert len(drops) == 1
    t, reason, src, dst, proto, size = drops[0]
    assert 15.0 < t < 15.01
    assert (reason, src, dst, proto, size) == ("NO_MAPPING", S_ADDR, NAT_OUT, 17, 8 + 5)
    st = box.stats()
    assert (st["mappings_expired"], st["dropped"], st["dropped_no_mapping"]) == (1, 1, 1)


@pytest.mark.parametrize("filtering,delivered", [("endpoint-independent", True),
                                                 ("address-and-port", False)])
def test_filtering(filtering, delivered):
    """S answers from another port than H sent to: endpoint-independent
    filtering lets it in, address-and-port-dependent filtering drops it."""
    h, router, s, box = network(filtering=filtering)
    reasons = []
    box.on_drop(lambda reason, *rest: reasons.append(reason))
    hsock, h_got = receiver(h, 5555)
    ssock, _ = receiver(s, 7777)
    other, _ = receiver(s, 8888)
    ipsec.schedule(1.0, lambda: hsock.send_to(b"hello", S_ADDR, 7777))
    ipsec.schedule(2.0, lambda: other.send_to(b"other", NAT_OUT, 5555))
    ipsec.run(until=3.0)
    assert [(d, p) for _, d, _, p in h_got] == ([(b"other", 8888)] if delivered else [])
    assert reasons == ([] if delivered else ["FILTERED"])
    assert box.stats()["dropped_filtered"] == (0 if delivered else 1)


def test_port_forward_reaches_the_inside_host():
    h, router, s, box = network()
    box.add_port_forward("udp", 8080, H_ADDR, 9090)
    with pytest.raises(ValueError, match="refused"):
        box.add_port_forward(17, 8080, H_ADDR, 9191)  # the outside port is taken
    with pytest.raises(ValueError, match="udp or tcp"):
        box.add_port_forward("icmp", 1, H_ADDR)
    [m] = box.mappings()
    assert (m.static, m.expires_s, m.outside_port, m.inside_port) == (True, None, 8080, 9090)
    _, h_got = receiver(h, 9090)
    ssock, _ = receiver(s, 7777)
    ipsec.schedule(1.0, lambda: ssock.send_to(b"knock", NAT_OUT, 8080))
    ipsec.run(until=2.0)
    assert [(d, a, p) for _, d, a, p in h_got] == [(b"knock", S_ADDR, 7777)]
    assert box.stats()["translated_in"] == 1


def test_bad_options_are_exceptions():
    ipsec.set_global("ChecksumEnabled", True)
    h, router, s = ipsec.create_nodes(3)
    ipsec.install_stack([h, router, s], ipsec=False)
    inside = ipsec.point_to_point(h, router)
    outside = ipsec.point_to_point(router, s)
    with pytest.raises(ValueError, match="IPv4"):
        # No addresses yet: the devices have no IPv4 interface.
        ipsec.nat(router, inside=inside, outside=outside)
    inside.assign_ipv4("192.168.1.0")
    outside.assign_ipv4("198.51.100.0")
    with pytest.raises(ValueError, match="filtering|Filtering"):
        ipsec.nat(router, inside=inside, outside=outside, filtering="strict")
    with pytest.raises(ValueError, match="not on this link"):
        ipsec.nat(h, inside=outside, outside=inside)
    with pytest.raises(ValueError, match="outside network"):
        ipsec.nat(router, inside=outside, outside=outside)
    with pytest.raises(ValueError, match="no attribute"):
        ipsec.nat(router, inside=inside, outside=outside, NoSuchThing=1)
    with pytest.raises(ValueError, match="refuses"):
        ipsec.nat(router, inside=inside, outside=outside, MaxMappings="many")
    box = ipsec.nat(router, inside=inside, outside=outside, port_range=(2000, 2999))
    assert (box.get_attribute("PortMin"), box.get_attribute("PortMax")) == ("2000", "2999")
    with pytest.raises(ValueError, match="already has a NAT"):
        ipsec.nat(router, inside=inside, outside=outside)


def test_nat_keepalive_is_consumed_by_a_udp_encap_port():
    """RFC 3948 section 2.3: one byte 0xFF to a UDP_ENCAP_ESPINUDP port is a
    keepalive, counted and traced, never delivered; another port delivers it."""
    h, router, s, box = network()
    assert not s.is_udp_encap_port(ipsec.NAT_T_PORT)
    s.set_udp_encap_port(ipsec.NAT_T_PORT)
    assert s.is_udp_encap_port(4500)
    seen = []
    s.on_udp_encap_keepalive(lambda addr, port: seen.append((addr, port)))
    _, natt_got = receiver(s, 4500)
    _, plain_got = receiver(s, 4600)
    hsock, _ = receiver(h, 4500)
    ipsec.schedule(1.0, lambda: hsock.send_to(b"\xff", S_ADDR, 4500))
    ipsec.schedule(2.0, lambda: hsock.send_to(b"\xff", S_ADDR, 4600))
    ipsec.run(until=3.0)
    assert s.udp_encap_keepalives() == 1
    assert seen == [(NAT_OUT, 4500)]
    assert natt_got == []
    assert [d for _, d, _, _ in plain_got] == [b"\xff"]
    s.set_udp_encap_port(4500, on=False)
    assert not s.is_udp_encap_port(4500)
