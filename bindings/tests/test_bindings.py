# SPDX-License-Identifier: GPL-2.0-only
"""The Python bindings (ns3ipsec) against the C++ programs and against hand
computations: a Python example prints what its C++ example prints, setkey
and sysctl errors are exceptions that leave nothing half-configured, the
counters, dumps and drop callbacks report what the model did, a topology of
one's own carries protected traffic whose flows FlowMonitor measures, and
the processing-delay model adds exactly its cost."""
import os
import subprocess
import sys

import pytest

import ns3ipsec as ipsec

A_TO_B_ESP = """add {a} {b} esp 1000 -E null;
add {b} {a} esp 2000 -E null;
spdadd {me} {peer} udp -P out ipsec esp/transport//require;
spdadd {peer} {me} udp -P in ipsec esp/transport//require;
"""


def configure_null_esp(topo):
    for node, me, peer in ((topo.a, topo.address_a, topo.address_b),
                           (topo.b, topo.address_b, topo.address_a)):
        node.setkey(A_TO_B_ESP.format(a=topo.address_a, b=topo.address_b, me=me, peer=peer),
                    "null-esp")


@pytest.mark.parametrize("config,ipv6", [("3des", False), ("esp-auth", False),
                                         ("rijndael", True), ("ah-esp", True)])
def test_python_example_prints_what_the_cpp_example_prints(source_dir, build_dir, config, ipv6):
    """examples/python/host_to_host.py and build/examples/ipsec-host-to-host:
    the same flows, metrics and netstat sections, byte for byte."""
    extra = ["--ipv6"] if ipv6 else []
    cpp = subprocess.run([os.path.join(build_dir, "examples", "ipsec-host-to-host"),
                          "--config=" + config] + extra,
                         capture_output=True, text=True, check=True).stdout
    py = subprocess.run([sys.executable,
                         os.path.join(source_dir, "examples", "python", "host_to_host.py"),
                         "--config=" + config] + extra,
                        capture_output=True, text=True, check=True,
                        env=dict(os.environ)).stdout
    assert "flow tcp A -> B: 1000000 of 1000000 bytes delivered" in cpp
    assert py == cpp


def test_setkey_error_names_file_line_token_and_changes_nothing():
    topo = ipsec.HostToHost()
    script = ("add 10.1.1.1 20.1.1.1 esp 0x100 -E null;\n"
              "add 10.1.1.1 20.1.1.1 esp 0x101 -E 3des-cbc 0x12;\n")
    with pytest.raises(ipsec.SetkeyError) as info:
        topo.a.setkey(script, "gw.conf")
    e = info.value
    assert (e.file, e.line, e.token) == ("gw.conf", 2, "0x12")
    assert "Invalid key length" in e.message
    assert str(e).startswith("gw.conf:2: ")
    # The first, correct line did not take effect either.
    assert "spi=256" not in topo.a.sad()
    assert topo.a.sad().strip() == "No SAD entries."


def test_sysctl_by_name():
    topo = ipsec.HostToHost()
    assert topo.a.sysctl["net.inet.ipsec.def_policy"] == "1"
    topo.a.sysctl["net.inet.ipsec.def_policy"] = 0
    assert topo.a.sysctl["net.inet.ipsec.def_policy"] == "0"
    assert topo.b.sysctl["net.inet.ipsec.def_policy"] == "1"
    with pytest.raises(ipsec.SysctlError, match="nope"):
        topo.a.sysctl["net.inet.ipsec.nope"] = 1


def test_attributes_by_name():
    topo = ipsec.HostToHost()
    topo.a.set_cpu(profile="Pentium100", data_path=True, cores=2)
    assert topo.a.get_attribute("ns3::IpsecCpu", "Profile") == "Pentium100"
    assert topo.a.get_attribute("ns3::IpsecCpu", "CryptoCores") == "2"
    assert topo.a.cpu()["profile"] == "Pentium100"
    with pytest.raises(ValueError):
        topo.a.set_attribute("ns3::IpsecCpu", "NoSuchAttribute", 1)
    with pytest.raises(ValueError, match="Abacus.*Pentium100"):
        topo.b.set_cpu(profile="Abacus")
    with pytest.raises(ValueError):
        ipsec.set_default("ns3::IpsecCpu::NoSuchAttribute", 1)


def test_counters_dumps_and_flows_of_a_protected_exchange():
    topo = ipsec.HostToHost()
    configure_null_esp(topo)
    monitor = ipsec.FlowMonitor()
    ipsec.udp_echo(topo.a, topo.b, topo.address_b, count=7, size=200, interval=0.5, start=1)
    ipsec.run(until=6)
    a, b = topo.a.counters(), topo.b.counters()
    assert a["ipsec"]["out_success"] == 7
    assert b["ipsec"]["in_success"] == 7
    assert a["ipsec"]["in_success"] == 7
    assert "7 outbound packets processed successfully" in topo.a.netstat()
    assert "spi=1000(0x000003e8)" in topo.a.sad()
    assert "esp/transport//require" in topo.a.spd()
    flows = sorted(monitor.flows(), key=lambda f: f.source)
    assert [(f.source, f.destination, f.protocol) for f in flows] == \
        [("10.1.1.1", "20.1.1.1", 17), ("20.1.1.1", "10.1.1.1", 17)]
    for f in flows:
        assert (f.tx_packets, f.rx_packets, f.lost_packets, f.loss) == (7, 7, 0, 0.0)
        # FlowMonitor counts the plaintext datagram, sent and received
        assert f.tx_bytes == f.rx_bytes == 7 * (200 + 8 + 20)


def test_one_way_delay_by_hand():
    """Two 10 Mbit/s, 2 ms links: each 200-byte echo request (with ESP null:
    228 + 8 + 2 + 2 padding... bytes) takes 2 x (2 ms + its serialization)."""
    topo = ipsec.HostToHost(rate="10Mbps", delay="2ms")
    configure_null_esp(topo)
    monitor = ipsec.FlowMonitor(bin_width=1e-6)
    ipsec.udp_echo(topo.a, topo.b, topo.address_b, count=3, size=200, interval=0.5, start=2)
    ipsec.run(until=5)
    # On the wire: IPv4 20 + ESP header 8 + (UDP 8 + 200, + 2 trailer bytes,
    # padded to 4: 212) = 240 bytes, plus PPP's 2: 242 bytes at 10 Mbit/s.
    per_link = 0.002 + 242 * 8 / 10e6
    f = next(f for f in monitor.flows() if f.source == topo.address_a)
    assert f.delay_mean_s == pytest.approx(2 * per_link, abs=1e-9)
    assert f.delay_median_s == pytest.approx(2 * per_link, abs=1e-6)


def test_drop_callback_reports_typed_reasons():
    topo = ipsec.HostToHost()
    # B requires ESP from A; A sends in clear.
    topo.b.setkey(f"spdadd {topo.address_a} {topo.address_b} udp -P in ipsec "
                  "esp/transport//require;\n")
    drops = []
    topo.b.on_drop(lambda reason, v6, text, size: drops.append((reason, v6, size)))
    ipsec.udp_echo(topo.a, topo.b, topo.address_b, count=3, size=100, interval=0.5, start=1)
    ipsec.run(until=4)
    assert drops == [("IN_POLICY_VIOLATION", False, 108)] * 3
    assert topo.b.counters()["ipsec"]["in_polvio"] == 3


def test_own_topology_with_loss():
    a, r, b = ipsec.create_nodes(3)
    ipsec.install_stack([a, r, b])
    left = ipsec.point_to_point(a, r, rate="1Mbps", delay="5ms")
    right = ipsec.point_to_point(r, b, rate="1Mbps", delay="5ms", loss=0.2)
    addr_a = left.assign_ipv4("10.9.1.0")[0]
    addr_b = right.assign_ipv4("10.9.2.0")[1]
    ipsec.populate_routing_tables()
    monitor = ipsec.FlowMonitor()
    sink = ipsec.udp(a, b, addr_b, rate="100kbps", size=500, start=1, stop=11)
    ipsec.run(until=12)
    (f,) = [f for f in monitor.flows() if f.destination == addr_b]
    assert f.source == addr_a
    # 100 kbit/s of 500-byte datagrams: one every 40 ms, the first at 1.04 s,
    # the last at 10.96 s.
    assert f.tx_packets == 249
    assert 0 < f.rx_packets < f.tx_packets
    assert sink.received_bytes == 500 * f.rx_packets
    assert 0.1 < f.loss < 0.3


def test_processing_delay_by_hand():
    """Both hosts' transforms cost 1 ms (PacketCycles 1e6 at 1 GHz; ESP null
    costs nothing more): an echo's round trip, as the client's socket sees
    it, grows by 4 ms (A's output, B's input, B's output, A's input)."""
    def rtt_ms(timed):
        topo = ipsec.HostToHost()
        configure_null_esp(topo)
        for node in (topo.a, topo.b):
            node.set_cpu(data_path=timed, ClockHz=1e9, PacketCycles=1e6)
        traffic = ipsec.FaqTraffic(pings=0, udp_echoes=1, tcp_bytes=0, start=2)
        end = traffic.install(topo.a, topo.address_a, topo.b, topo.address_b)
        ipsec.run(until=end)
        (echo,) = [r for r in traffic.results() if r["name"] == "udp-echo"]
        busy = topo.a.cpu()["crypto_busy_s"]
        ipsec.destroy()
        assert (echo["sent"], echo["received"], echo["delay_samples"]) == (1, 1, 1)
        return echo["delay_mean_ms"], busy
    plain, busy_plain = rtt_ms(False)
    timed, busy_timed = rtt_ms(True)
    assert timed - plain == pytest.approx(4.0, abs=1e-6)
    assert (busy_plain, busy_timed) == (0.0, pytest.approx(0.002))


@pytest.mark.parametrize("ipv6", [False, True])
def test_flow_monitor_sees_the_processing_delay_of_both_ends(ipv6):
    """FlowMonitor's one-way delay of each direction grows by the sender's
    output and the receiver's input (1 ms each): in transport mode too, the
    arrival is the plaintext's delivery after decapsulation."""
    def delays(timed):
        topo = ipsec.HostToHost(ipv6=ipv6)
        configure_null_esp(topo)
        for node in (topo.a, topo.b):
            node.set_cpu(data_path=timed, ClockHz=1e9, PacketCycles=1e6)
        monitor = ipsec.FlowMonitor(bin_width=1e-6)
        ipsec.udp_echo(topo.a, topo.b, topo.address_b, count=2, size=200, start=2)
        ipsec.run(until=4)
        out = {f.source: (f.delay_mean_s, f.rx_bytes == f.tx_bytes) for f in monitor.flows()}
        ipsec.destroy()
        return out
    plain, timed = delays(False), delays(True)
    assert sorted(plain) == sorted(timed) and len(plain) == 2
    for source in plain:
        assert timed[source][0] - plain[source][0] == pytest.approx(0.002, abs=1e-9)
        assert timed[source][1] and plain[source][1]


def test_same_run_same_pcaps_other_run_other_ivs(tmp_path):
    """Determinism from Python: the same run number (and streams) writes
    byte-identical pcaps, another one other IVs (the sizes stay the same)."""
    def once(run, name):
        ipsec.set_run(run)
        topo = ipsec.HostToHost()
        # Fixed streams: ns-3 numbers new streams on from the last
        # simulation's in one process.
        ipsec.assign_streams(topo.nodes, 100)
        key = "0x00112233445566778899aabbccddeeff"
        for node, me, peer in ((topo.a, topo.address_a, topo.address_b),
                               (topo.b, topo.address_b, topo.address_a)):
            node.setkey(f"add {topo.address_a} {topo.address_b} esp 0x100 -E rijndael-cbc {key};\n"
                        f"add {topo.address_b} {topo.address_a} esp 0x200 -E rijndael-cbc {key};\n"
                        f"spdadd {me} {peer} udp -P out ipsec esp/transport//require;\n")
        topo.enable_pcap(str(tmp_path / name))
        ipsec.udp_echo(topo.a, topo.b, topo.address_b, count=3, size=100, start=1)
        ipsec.run(until=4)
        node_a = topo.a.id
        ipsec.destroy()
        del topo, node, me, peer  # the last references: the pcap files are closed
        (pcap,) = tmp_path.glob(f"{name}-{node_a}-*.pcap")
        return pcap.read_bytes()
    first, again, other = once(1, "first"), once(1, "again"), once(2, "other")
    assert len(first) > 24 + 6 * 100  # the pcap header and six ESP datagrams
    assert first == again
    assert first != other and len(first) == len(other)


def test_debian_python_imports_the_package_without_a_path(build_dir):
    """After scripts/setup.sh, Debian's python3 finds the package this
    checkout's build/ holds, with no PYTHONPATH (setup.sh's .pth file)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if os.path.realpath(build_dir) != os.path.realpath(
            os.path.join(os.path.dirname(__file__), "..", "..", "build")):
        pytest.skip("a build directory other than the checkout's build/")
    site = subprocess.run(["/usr/bin/python3", "-c",
                           "import sys; print('/usr/local/lib/python%d.%d/dist-packages'"
                           " % sys.version_info[:2])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    pth = os.path.join(site, "ns3ipsec.pth")
    assert os.path.exists(pth), "scripts/setup.sh has not written " + pth
    with open(pth) as f:
        named = f.read().strip()
    if os.path.realpath(named) != os.path.realpath(os.path.join(build_dir, "bindings")):
        pytest.skip(f"setup.sh was last run in another checkout ({named})")
    out = subprocess.run(["/usr/bin/python3", "-c", "import ns3ipsec; print(ns3ipsec.__file__)"],
                         capture_output=True, text=True, env=env, cwd="/")
    assert out.returncode == 0, out.stderr
    assert os.path.realpath(out.stdout.strip()).startswith(os.path.realpath(build_dir))


def test_tutorial_program_in_python_prints_what_the_cpp_one_prints(source_dir, build_dir):
    """doc/ipsec-tutorial-first.py and build/doc/ipsec-tutorial-first."""
    cpp = subprocess.run([os.path.join(build_dir, "doc", "ipsec-tutorial-first")],
                         capture_output=True, text=True, check=True).stdout
    py = subprocess.run([sys.executable, os.path.join(source_dir, "doc", "ipsec-tutorial-first.py")],
                        capture_output=True, text=True, check=True).stdout
    assert "3 outbound packets processed successfully" in cpp
    assert py == cpp


def test_racoon_negotiates_with_events_and_key_log(source_dir, tmp_path):
    """The FAQ's IKE example from Python: racoon on both hosts, A's traffic
    triggers an ACQUIRE, phases 1 and 2 complete on both sides, PF_KEY shows
    the life cycle (acquire, getspi, update), the key log holds the two ESP
    SAs, and the ping after negotiation gets through."""
    d = os.path.join(source_dir, "examples", "ike")
    topo = ipsec.HostToHost()
    topo.a.setkey_file(os.path.join(d, "A.conf"))
    topo.b.setkey_file(os.path.join(d, "B.conf"))
    ike = {name: ipsec.install_racoon(node, os.path.join(d, "racoon.conf"),
                                      os.path.join(d, "psk.txt"))
           for name, node in (("A", topo.a), ("B", topo.b))}
    ended = []
    for name, daemon in ike.items():
        daemon.on_negotiation(lambda phase, ok, why, peer, t, name=name:
                              ended.append((name, phase, ok, why)))
    pfkey = []
    topo.a.on_pfkey(lambda kind, satype, errno, seq, pid, up: pfkey.append((kind, up)))
    key_log = ipsec.enable_key_log([topo.a, topo.b], str(tmp_path / "keys"))
    ping = ipsec.ping(topo.a, topo.address_b, count=5, interval=1.0, start=1.0)
    ipsec.run(until=8)
    assert sorted(ended) == [("A", 1, True, ""), ("A", 2, True, ""),
                             ("B", 1, True, ""), ("B", 2, True, "")]
    assert ike["A"].stats()["ph2_established"] == 1
    assert ike["A"].stats()["sa_installed"] == 2
    kinds = [k for k, _ in pfkey]
    assert kinds.index("acquire") < kinds.index("getspi") < kinds.index("update")
    with open(key_log) as f:
        lines = [line for line in f if line.strip()]
    assert len(lines) == 2 and all('"IPv4","' in line for line in lines)
    # The first ping starts the negotiation (KAME drops it); the others pass.
    assert ping.sent == 5 and len(ping.rtts) >= 3
    assert topo.a.counters()["ipsec"]["out_success"] >= 3


def test_example_racoon_overrides_lifetimes(source_dir):
    """ns3ipsec.examples.racoon's ph1_lifetime and ph2_lifetime replace
    racoon.conf's lifetime time (the sample's: 12 hours for the SAs): the SAs
    racoon installs carry the sainfo lifetime given; zero is refused."""
    from ns3ipsec import examples as ex
    d = os.path.join(source_dir, "examples", "ike")
    topo = ipsec.HostToHost()
    topo.a.setkey_file(os.path.join(d, "A.conf"))
    topo.b.setkey_file(os.path.join(d, "B.conf"))
    for node in (topo.a, topo.b):
        ex.racoon(node, os.path.join(d, "racoon.conf"), os.path.join(d, "psk.txt"),
                  ph1_lifetime=600, ph2_lifetime=100)
    ipsec.ping(topo.a, topo.address_b, count=3, interval=1.0, start=1.0)
    ipsec.run(until=5)
    sas = topo.a.sas()
    assert len(sas) == 2
    assert [sa["hard_lifetime_s"] for sa in sas] == [100, 100]
    with pytest.raises(ValueError, match="ph2_lifetime"):
        ex.racoon(topo.a, os.path.join(d, "racoon.conf"), os.path.join(d, "psk.txt"),
                  ph2_lifetime=0)


def test_wifi_link_carries_esp():
    a, b = ipsec.create_nodes(2)
    ipsec.install_stack([a, b])
    link = ipsec.wifi([a, b], mode="OfdmRate24Mbps", spacing=10)
    addr_a, addr_b = link.assign_ipv4("10.7.0.0")
    for node, me, peer in ((a, addr_a, addr_b), (b, addr_b, addr_a)):
        node.setkey(A_TO_B_ESP.format(a=addr_a, b=addr_b, me=me, peer=peer))
    monitor = ipsec.FlowMonitor()
    ipsec.udp_echo(a, b, addr_b, count=4, size=300, start=1)
    ipsec.run(until=6)
    assert a.counters()["ipsec"]["out_success"] == 4
    assert b.counters()["ipsec"]["in_success"] == 4
    assert sorted((f.tx_packets, f.rx_packets) for f in monitor.flows()) == [(4, 4), (4, 4)]


def test_structured_sad_natt():
    topo = ipsec.HostToHost()
    topo.a.setkey('add 10.1.1.1[4500] 20.1.1.1[1025] esp-udp 192.168.0.7 0x1001 -m tunnel '
                  '-E rijndael-cbc 0x00112233445566778899aabbccddeeff;\n')
    (sa,) = topo.a.sas()
    assert (sa["proto"], sa["natt_type"], sa["natt_sport"], sa["natt_dport"], sa["natt_oai"],
            sa["natt_oar"]) == ("esp", 2, 4500, 1025, "192.168.0.7", None)


def test_structured_sad_and_spd():
    topo = ipsec.HostToHost()
    topo.a.setkey('add 10.1.1.1 20.1.1.1 esp 0x100 -m tunnel -lh 600 -ls 480 '
                  '-E rijndael-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha1 '
                  '0x0011223344556677889900112233445566778899;\n'
                  'spdadd 10.1.1.0/24 20.1.1.0/24 udp -P out ipsec '
                  'esp/tunnel/10.1.1.1-20.1.1.1/require;\n'
                  'spdadd 20.1.1.0/24[53] 10.1.1.0/24 any -P in none;\n')
    (sa,) = topo.a.sas()
    assert {k: sa[k] for k in ("src", "dst", "proto", "spi", "mode", "state", "encryption",
                               "authentication", "compression", "hard_lifetime_s",
                               "soft_lifetime_s", "bytes")} == {
        "src": "10.1.1.1", "dst": "20.1.1.1", "proto": "esp", "spi": 256, "mode": "tunnel",
        "state": "mature", "encryption": "rijndael-cbc", "authentication": "hmac-sha1",
        "compression": None, "hard_lifetime_s": 600, "soft_lifetime_s": 480, "bytes": 0}
    assert (sa["natt_type"], sa["natt_sport"], sa["natt_dport"], sa["natt_oai"]) == \
        (0, None, None, None)
    pin, pout = topo.a.policies()
    assert (pin["direction"], pin["src"], pin["sport"], pin["protocol"], pin["requests"]) == \
        ("in", "20.1.1.0/24", 53, 255, [])
    assert (pout["direction"], pout["dst"], pout["protocol"], pout["setkey_line"]) == \
        ("out", "20.1.1.0/24", 17, 2)
    assert pout["requests"] == [{"proto": "esp", "mode": "tunnel", "tunnel_src": "10.1.1.1",
                                 "tunnel_dst": "20.1.1.1", "reqid": 0}]


def test_socket_policy_from_python():
    """A per-socket policy (setsockopt IP_IPSEC_POLICY) on a Python-driven
    socket: only that socket's datagrams are protected."""
    topo = ipsec.HostToHost()
    key = "0x00112233445566778899aabbccddeeff"
    for node in (topo.a, topo.b):
        node.setkey(f"add 10.1.1.1 20.1.1.1 esp 0x100 -E rijndael-cbc {key};\n")
    got = []
    server = topo.b.udp_socket(port=7)
    server.on_receive(lambda data, src, port: got.append((data, src)))
    protected = topo.a.udp_socket()
    protected.set_policy("out ipsec esp/transport//require")
    assert protected.get_policy(inbound=False) == "out ipsec esp/transport//require"
    assert protected.get_policy(inbound=True) == "in entrust"
    plain = topo.a.udp_socket()
    with pytest.raises(ValueError, match="bypass"):
        plain.set_policy("out bypass", privileged=False)
    ipsec.schedule(1.0, lambda: protected.send_to(b"secret", topo.address_b, 7))
    ipsec.schedule(1.5, lambda: plain.send_to(b"hello", topo.address_b, 7))
    ipsec.run(until=3)
    assert got == [(b"secret", "10.1.1.1"), (b"hello", "10.1.1.1")]
    assert topo.a.counters()["ipsec"]["out_success"] == 1
    assert topo.b.counters()["ipsec"]["in_success"] == 1


def test_wifi_loss():
    """A lossy Wi-Fi link: without loss all 50 datagrams arrive; with the
    receivers dropping 60 % of the frames after the PHY (data and ACKs
    alike), 802.11's retries do not recover them all; every datagram that
    arrives was protected and decapsulated.  (The link's loss draws come
    from streams of its own, so the outcome does not depend on what the
    process ran before.)"""
    def received(loss):
        a, b = ipsec.create_nodes(2)
        ipsec.install_stack([a, b])
        link = ipsec.wifi([a, b], mode="OfdmRate24Mbps", spacing=10, loss=loss)
        addr_a, addr_b = link.assign_ipv4("10.7.0.0")
        for node, me, peer in ((a, addr_a, addr_b), (b, addr_b, addr_a)):
            node.setkey(A_TO_B_ESP.format(a=addr_a, b=addr_b, me=me, peer=peer))
        got = []
        server = b.udp_socket(port=7)
        server.on_receive(lambda data, src, port: got.append(data))
        client = a.udp_socket()
        for i in range(50):
            ipsec.schedule(1 + 0.01 * i, lambda i=i: client.send_to(b"%d" % i, addr_b, 7))
        ipsec.run(until=3)
        assert b.counters()["ipsec"]["in_success"] == len(got)
        assert a.counters()["ipsec"]["out_success"] == 50
        ipsec.destroy()
        return len(got)
    assert received(0.0) == 50
    assert 0 < received(0.6) < 50
