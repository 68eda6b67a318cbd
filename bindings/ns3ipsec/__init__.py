# SPDX-License-Identifier: GPL-2.0-only
"""ns3ipsec: the KAME/NetBSD IPsec model for ns-3, from Python.

Debian's ns-3 3.37 has no Python bindings, so this package binds what a
simulation needs end to end: the simulator, nodes with the IPsec stack, the
NetBSD IPsec FAQ's topologies (host-to-host, VPN, leaf node) and links of
one's own, setkey scripts, sysctls by name, the node's processor (CPU
profiles and the data path's processing delay), racoon, traffic, and the
results (flows, KAME's counters, ``setkey -D``/``-DP``, drops), and NAT
traversal (the NAT box :func:`nat`, ESP in UDP, racoon's NAT-T)::

    import ns3ipsec as ipsec

    topo = ipsec.HostToHost()
    topo.a.setkey_file("examples/host-to-host/3des-A.conf")
    topo.b.setkey_file("examples/host-to-host/3des-B.conf")
    traffic = ipsec.FaqTraffic()
    end = traffic.install(topo.a, topo.address_a, topo.b, topo.address_b)
    ipsec.run(until=end)
    print(traffic.results(), topo.a.counters()["ipsec"]["out_success"])
    ipsec.destroy()

Errors are exceptions: :class:`SetkeyError` carries setkey's message with
the file, line and token; :class:`SysctlError` sysctl(8)'s message;
:class:`RacoonError` racoon's.  A script with an error changes nothing.
Times are in seconds (floats); rates and delays are ns-3's strings
("10Mbps", "2ms").
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence

from . import _core

__all__ = [
    "Ns3IpsecError", "SetkeyError", "SysctlError", "RacoonError",
    "Node", "Link", "HostToHost", "Vpn", "LeafNode", "FaqTraffic", "FlowMonitor", "Flow",
    "Ping", "Sink", "Socket",
    "run", "now", "destroy", "schedule", "set_seed", "set_run", "seed", "run_number",
    "set_default", "config_set", "set_global", "assign_streams", "cpu_profiles",
    "create_nodes", "install_stack", "point_to_point", "csma", "wifi",
    "populate_routing_tables", "udp_echo", "udp", "bulk_tcp", "ping", "install_racoon", "Ike",
    "enable_key_log", "nat", "Nat", "NatMapping", "NAT_T_PORT",
]


class Ns3IpsecError(Exception):
    """Base class of the package's errors."""


class SetkeyError(Ns3IpsecError):
    """A setkey script was refused; nothing of it took effect.

    Attributes: ``file`` (the script's name), ``line``, ``token`` (what
    setkey prints in "at [...]"), ``message`` (setkey's text, e.g. "syntax
    error"), ``expected`` (what the parser expected there), ``messages``
    (everything setkey printed).
    """

    def __init__(self, text: str, file: str = "", line: int = 0, token: str = "",
                 message: str = "", expected: str = "", messages: Sequence[str] = ()):
        super().__init__(text)
        self.file = file
        self.line = line
        self.token = token
        self.message = message
        self.expected = expected
        self.messages = list(messages)


class SysctlError(Ns3IpsecError):
    """sysctl(8) refused a name or a value (its message is the text)."""


class RacoonError(Ns3IpsecError):
    """racoon refused its configuration: racoon.conf or psk.txt, file and line."""


# ---- the simulator ---------------------------------------------------------

def run(until: Optional[float] = None) -> None:
    """Runs the simulation, until ``until`` seconds if given (else until no
    event is left)."""
    if until is not None:
        _core.stop_at(until - _core.now())
    _core.run()


def now() -> float:
    """The simulated time, in seconds."""
    return _core.now()


def destroy() -> None:
    """Ends the simulation and frees every node; a new one can then be built."""
    _core.destroy()


def schedule(delay: float, callback: Callable[[], None]) -> None:
    """Calls ``callback()`` after ``delay`` simulated seconds."""
    _core.schedule(delay, callback)


def set_seed(seed: int) -> None:
    """ns-3's random seed (RngSeedManager); with :func:`set_run`, same seed and
    run give byte-identical results in a new process.  Several simulations
    in one process draw new streams each time: give each the same ones with
    :func:`assign_streams` to repeat one exactly."""
    _core.set_seed(seed)


def set_run(run_number: int) -> None:
    """ns-3's run number (RngSeedManager::SetRun): independent replications."""
    _core.set_run(run_number)


def seed() -> int:
    """The random seed in use."""
    return _core.get_seed()


def run_number() -> int:
    """The run number in use."""
    return _core.get_run()


def set_default(name: str, value) -> None:
    """``Config::SetDefault``: the initial value of an attribute for objects
    created from now on, e.g. ``set_default("ns3::IpsecCpu::Profile",
    "Pentium100")``.  Raises ValueError for an unknown attribute or value."""
    if not _core.set_default(name, _text(value)):
        raise ValueError(f"cannot set the default of {name} to {value!r}")


def config_set(path: str, value) -> None:
    """``Config::Set``: an attribute of every object a path matches, e.g.
    ``/NodeList/*/$ns3::IpsecCpu/DataPath``.  Raises ValueError when nothing
    matched or the value is refused."""
    if not _core.config_set(path, _text(value)):
        raise ValueError(f"cannot set {path} to {value!r}")


def set_global(name: str, value) -> None:
    """An ns-3 global value, e.g. ``set_global("ChecksumEnabled", True)``."""
    if not _core.set_global(name, _text(value)):
        raise ValueError(f"no global value {name} taking {value!r}")


def assign_streams(nodes: Sequence["Node"], stream: int) -> int:
    """Fixed random streams for the IPsec stacks of ``nodes`` (their IVs and
    padding) from ``stream`` on; returns the number used."""
    return _core.assign_streams([n._n for n in nodes], stream)


def cpu_profiles() -> List[str]:
    """The shipped CPU profiles (machines), e.g. "Reference2020s", "Pentium100"."""
    return list(_core.cpu_profiles())


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---- nodes -----------------------------------------------------------------

class _Sysctl:
    """A node's sysctl variables by their NetBSD/KAME names, as a mapping."""

    def __init__(self, node: "Node"):
        self._node = node

    def __getitem__(self, name: str) -> str:
        value, error = self._node._n.sysctl_get(name)
        if error:
            raise SysctlError(error)
        return value

    def __setitem__(self, name: str, value) -> None:
        error = self._node._n.sysctl_set(name, _text(value))
        if error:
            raise SysctlError(error)


class Node:
    """An ns-3 node, usually with the IPsec stack (see :func:`install_stack`)."""

    def __init__(self, core_node):
        self._n = core_node

    def __repr__(self) -> str:
        return f"Node({self.id})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Node) and self._n == other._n

    def __hash__(self) -> int:
        return hash(self._n)

    @property
    def id(self) -> int:
        """ns-3's node id."""
        return self._n.id

    def addresses(self) -> List[str]:
        """The node's IPv4 and global IPv6 addresses, interface by interface."""
        return list(self._n.addresses())

    def setkey(self, text: str, name: str = "") -> List[str]:
        """Runs a setkey script (``setkey -c`` fed ``text``; ``name`` labels its
        errors).  The script is checked whole first, so one with an error
        changes nothing.  Returns what setkey printed; raises
        :class:`SetkeyError`."""
        r = self._n.setkey(text, name)
        if r["error"] is not None:
            e = r["error"]
            raise SetkeyError(e["text"], e["file"], e["line"], e["token"], e["message"],
                              e["expected"], r["messages"])
        if not r["ok"]:
            raise SetkeyError("\n".join(r["messages"]), name, messages=r["messages"])
        return list(r["messages"])

    def setkey_file(self, path: str) -> List[str]:
        """Runs the setkey script in ``path`` (``setkey -f PATH``), as :meth:`setkey`."""
        with open(path, encoding="utf-8") as f:
            return self.setkey(f.read(), path)

    @property
    def sysctl(self) -> _Sysctl:
        """The node's ipsec(4) and ``net.key`` variables:
        ``node.sysctl["net.inet.ipsec.def_policy"] = 1``; raises :class:`SysctlError`."""
        return _Sysctl(self)

    def sad(self) -> str:
        """``setkey -D``: the SAD in KAME's layout."""
        return self._n.sad_text()

    def spd(self) -> str:
        """``setkey -DP``: the SPD in KAME's layout."""
        return self._n.spd_text()

    def sas(self) -> List[Dict]:
        """The SAD as values: per SA ``src``, ``dst``, ``proto``, ``spi``,
        ``mode``, ``reqid``, ``state`` ("larval", "mature", "dying", "dead"),
        ``encryption``, ``authentication``, ``compression`` (setkey's names or
        None), ``replay_window``, ``bytes``, ``allocations``, ``created_s``,
        ``last_used_s``, ``hard_lifetime_s``, ``soft_lifetime_s``, ``sequence``,
        and NAT-T's (RFC 3948) ``natt_type`` (2 for ESP in UDP, else 0),
        ``natt_sport``, ``natt_dport`` (None unless ESP in UDP), ``natt_oai``,
        ``natt_oar`` (original addresses or None)."""
        return [dict(d) for d in _core.sas(self._n)]

    def policies(self) -> List[Dict]:
        """The SPD as values, inbound then outbound, each in the order of
        record: ``direction``, ``selector`` and ``policy`` (setkey's text),
        ``src``, ``dst`` (with prefix), ``sport``, ``dport``, ``protocol``
        (255: any), ``id``, ``setkey_line`` and the ``requests`` (``proto``,
        ``mode``, ``tunnel_src``, ``tunnel_dst``, ``reqid``)."""
        return [dict(d) for d in _core.policies(self._n)]

    def udp_socket(self, port: int = 0, ipv6: bool = False) -> "Socket":
        """A UDP socket on this node bound to ``port`` (0: any), for a script
        that sends and receives itself and sets per-socket policies."""
        return Socket(_core.udp_socket(self._n, ipv6, port))

    def netstat(self, omit_zero: bool = False) -> str:
        """``netstat -s -p ipsec`` (and ipsec6, pfkey) as NetBSD prints it."""
        return self._n.netstat(omit_zero)

    def counters(self) -> Dict:
        """KAME's counters as a dict (``ipsec``, ``ipsec6``, ``pfkey`` groups)."""
        return json.loads(self._n.stats_json())

    def set_attribute(self, type_name: str, name: str, value) -> None:
        """Sets an attribute of the object of ns-3 type ``type_name`` aggregated
        to the node (or of its first application of that type), e.g.
        ``node.set_attribute("ns3::IpsecStack", "DefPolicy", "DISCARD")``."""
        self._n.set_attribute(type_name, name, _text(value))

    def get_attribute(self, type_name: str, name: str) -> str:
        """An attribute's value as text (see :meth:`set_attribute`)."""
        return self._n.get_attribute(type_name, name)

    def set_cpu(self, profile: Optional[str] = None, data_path: Optional[bool] = None,
                cores: Optional[int] = None, queue_limit: Optional[int] = None,
                **attributes) -> None:
        """Configures the node's processor (``ns3::IpsecCpu``): its ``profile``
        (see :func:`cpu_profiles`), whether ESP/AH/IPComp take simulated time
        (``data_path``), the crypto processor's ``cores`` and ``queue_limit``,
        and any other IpsecCpu attribute by name (``SymmetricScale=2``)."""
        settings = dict(attributes)
        if profile is not None:
            if profile not in cpu_profiles():
                raise ValueError(f"unknown CPU profile {profile!r}; the profiles are "
                                 + ", ".join(cpu_profiles()))
            settings["Profile"] = profile
        if data_path is not None:
            settings["DataPath"] = data_path
        if cores is not None:
            settings["CryptoCores"] = cores
        if queue_limit is not None:
            settings["CryptoQueueLimit"] = queue_limit
        for name, value in settings.items():
            self.set_attribute("ns3::IpsecCpu", name, value)

    def cpu(self) -> Dict:
        """The processor's load: ``profile``, racoon's ``busy_s`` and ``jobs``,
        the crypto processor's ``crypto_busy_s``, ``crypto_jobs``,
        ``crypto_drops`` and ``crypto_queue``."""
        return dict(self._n.cpu())

    def on_pfkey(self, callback: Callable[[str, int, int, int, int, bool], None]) -> None:
        """Calls ``callback(type, satype, errno, seq, pid, from_userland)`` for
        every PF_KEY message crossing the node's key engine (``type`` as
        setkey names it, e.g. "add", "acquire", "getspi")."""
        self._n.connect_pfkey(callback)

    def on_drop(self, callback: Callable[[str, bool, str, int], None]) -> None:
        """Calls ``callback(reason, ipv6, text, size)`` for every datagram the
        node's IPsec drops: the typed reason (e.g. "IN_POLICY_VIOLATION"), the
        family, the explanation and the datagram's size."""
        self._n.connect_drop(callback)

    def set_udp_encap_port(self, port: int = 4500, on: bool = True) -> None:
        """setsockopt UDP_ENCAP_ESPINUDP on the local UDP ``port`` (RFC 3948;
        racoon does it for 4500 when NAT-T is on): ESP arriving in UDP on it
        is decapsulated, one-byte 0xFF keepalives are consumed, and IKE
        behind the 4-byte zero non-ESP marker reaches the socket.  ``on=False``
        undoes it."""
        _core.set_udp_encap_port(self._n, port, on)

    def is_udp_encap_port(self, port: int) -> bool:
        """Whether the local UDP ``port`` decapsulates ESP in UDP."""
        return _core.is_udp_encap_port(self._n, port)

    def udp_encap_keepalives(self) -> int:
        """The NAT keepalives (RFC 3948 section 2.3) the node's
        UDP_ENCAP_ESPINUDP ports consumed."""
        return _core.udp_encap_keepalives(self._n)

    def on_udp_encap_keepalive(self, callback: Callable[[str, int], None]) -> None:
        """Calls ``callback(source_address, source_port)`` for each NAT
        keepalive a UDP_ENCAP_ESPINUDP port of the node consumes."""
        _core.on_udp_encap_keepalive(self._n, callback)

    def nat(self) -> Optional["Nat"]:
        """The node's NAT box (see :func:`nat`), or None."""
        core = _core.node_nat(self._n)
        return Nat(core) if core is not None else None


class Socket:
    """A UDP socket of a node (see :meth:`Node.udp_socket`)."""

    def __init__(self, core_socket):
        self._s = core_socket

    def set_policy(self, policy: str, privileged: bool = True) -> None:
        """The per-socket policy of one direction, ipsec_set_policy(3)'s text
        (setsockopt IP_IPSEC_POLICY), e.g. "out ipsec esp/transport//require",
        "in bypass" (root only: ``privileged``), "out entrust".  Raises
        ValueError with the errno and the reason when refused."""
        error = self._s.set_policy(policy, privileged)
        if error:
            raise ValueError(error.strip())

    def get_policy(self, inbound: bool) -> str:
        """ipsec_get_policy(3): the policy of one direction ("in entrust" or
        "out entrust" when none was set)."""
        return self._s.get_policy(inbound)

    def send_to(self, data: bytes, address: str, port: int) -> int:
        """Sends one datagram; returns the bytes accepted, or -1."""
        return self._s.send_to(data, address, port)

    def on_receive(self, callback: Callable[[bytes, str, int], None]) -> None:
        """Calls ``callback(data, source_address, source_port)`` for each
        datagram received."""
        self._s.on_receive(callback)

    def close(self) -> None:
        """Closes the socket."""
        self._s.close()


def _nodes(core_nodes) -> List[Node]:
    return [Node(n) for n in core_nodes]


# ---- topologies ------------------------------------------------------------

def create_nodes(n: int) -> List[Node]:
    """``n`` new nodes without a stack."""
    return _nodes(_core.create_nodes(n))


def install_stack(nodes: Sequence[Node], ipv4: bool = True, ipv6: bool = False,
                  ipsec: bool = True) -> None:
    """Installs the Internet stack with IPsec (IpsecStackHelper) on ``nodes``;
    with ``ipsec=False`` ns-3's plain InternetStackHelper (e.g. a NAT box or a
    server that only routes and answers)."""
    _core.install_stack([n._n for n in nodes], ipv4, ipv6, ipsec)


class Link:
    """The devices of a link (point-to-point or CSMA)."""

    def __init__(self, core_link):
        self._l = core_link

    def assign_ipv4(self, network: str, mask: str = "255.255.255.0") -> List[str]:
        """Numbers the devices from ``network`` on; returns their addresses."""
        return list(self._l.assign_ipv4(network, mask))

    def assign_ipv6(self, prefix: str) -> List[str]:
        """Numbers the devices in the /64 ``prefix`` (e.g. "fd00:1::");
        returns their global addresses."""
        return list(self._l.assign_ipv6(prefix))

    def enable_pcap(self, prefix: str) -> None:
        """A pcap per device, ``PREFIX-NODE-DEVICE.pcap``."""
        self._l.enable_pcap(prefix)


def point_to_point(a: Node, b: Node, rate: str = "10Mbps", delay: str = "2ms",
                   mtu: int = 0, loss: float = 0.0) -> Link:
    """A point-to-point link; ``mtu`` 0 keeps ns-3's 1500; ``loss`` drops that
    fraction of the packets each end receives."""
    return Link(_core.point_to_point(a._n, b._n, rate, delay, mtu, loss))


def csma(nodes: Sequence[Node], rate: str = "100Mbps", delay: str = "0.1ms",
         mtu: int = 0, loss: float = 0.0) -> Link:
    """A CSMA (Ethernet) segment joining ``nodes``."""
    return Link(_core.csma([n._n for n in nodes], rate, delay, mtu, loss))


def wifi(nodes: Sequence[Node], mode: str = "OfdmRate54Mbps", spacing: float = 5.0,
         mtu: int = 0, loss: float = 0.0) -> Link:
    """An ad hoc 802.11a network of ``nodes`` at the fixed rate ``mode``
    (ns-3's WifiMode names: "OfdmRate6Mbps" ... "OfdmRate54Mbps"), standing
    on a line ``spacing`` metres apart, on ns-3's default channel; ``loss``
    drops that fraction of the frames each node receives (after the PHY:
    the MAC retries unicast frames)."""
    return Link(_core.wifi([n._n for n in nodes], mode, spacing, mtu, loss))


def populate_routing_tables() -> None:
    """IPv4 routes for every node from ns-3's global routing."""
    _core.populate_routing_tables()


class HostToHost:
    """The FAQ's host-to-host topology: host A (10.1.1.1) -- router -- host B
    (20.1.1.1), or fd00:10:1::1 and fd00:20:1::1 over IPv6; built at once."""

    def __init__(self, ipv6: bool = False, rate: str = "10Mbps", delay: str = "2ms"):
        self._h = _core.HostToHostHelper()
        self._h.set_ipv6(ipv6)
        self._h.set_link_rate(rate)
        self._h.set_link_delay(delay)
        self._h.build()
        self.a = Node(self._h.host_a())
        self.b = Node(self._h.host_b())
        self.router = Node(self._h.router())
        self.address_a: str = self._h.address_a()
        self.address_b: str = self._h.address_b()

    @property
    def nodes(self) -> List[Node]:
        """Host A, the router and host B."""
        return [self.a, self.router, self.b]

    def enable_pcap(self, prefix: str) -> None:
        """A pcap per device of both links."""
        self._h.enable_pcap(prefix)


class Vpn:
    """The FAQ's VPN: gateways 1 and 2 join 10.0.1.0/24 and 10.0.2.0/24 over a
    WAN (20.0.0.0/24); sides are 1 and 2, hosts from 0.  The gateways' IPsec
    is the caller's (setkey or racoon)."""

    def __init__(self, hosts_per_network: int = 1, ipv6: bool = False,
                 lan_rate: str = "100Mbps", lan_delay: str = "0.1ms",
                 wan_rate: str = "10Mbps", wan_delay: str = "10ms"):
        self._h = _core.VpnHelper()
        self._h.set_hosts_per_network(hosts_per_network)
        self._h.set_ipv6(ipv6)
        self._h.set_lan_rate(lan_rate)
        self._h.set_lan_delay(lan_delay)
        self._h.set_wan_rate(wan_rate)
        self._h.set_wan_delay(wan_delay)
        self._h.build()

    def gateway(self, side: int) -> Node:
        """Gateway 1 or 2."""
        return Node(self._h.gateway(side))

    def hosts(self, side: int) -> List[Node]:
        """The hosts of LAN 1 or 2."""
        return _nodes(self._h.hosts(side))

    def host_address(self, side: int, i: int) -> str:
        """Host ``i``'s address on LAN ``side``."""
        return self._h.host_address(side, i)

    def gateway_lan_address(self, side: int) -> str:
        """A gateway's address on its LAN."""
        return self._h.gateway_lan_address(side)

    def gateway_wan_address(self, side: int) -> str:
        """A gateway's address on the WAN."""
        return self._h.gateway_wan_address(side)

    def enable_pcap(self, prefix: str) -> None:
        """A pcap of each gateway's WAN device."""
        self._h.enable_pcap(prefix)


class LeafNode:
    """The FAQ's leaf node: a leaf host, its router, a server beyond."""

    def __init__(self, ipv6: bool = False, leaf_link: str = "p2p",
                 leaf_rate: Optional[str] = None, leaf_delay: Optional[str] = None,
                 server_rate: Optional[str] = None, server_delay: Optional[str] = None):
        self._h = _core.LeafNodeHelper()
        self._h.set_ipv6(ipv6)
        self._h.set_leaf_link_type(leaf_link)
        for setter, value in ((self._h.set_leaf_rate, leaf_rate),
                              (self._h.set_leaf_delay, leaf_delay),
                              (self._h.set_server_rate, server_rate),
                              (self._h.set_server_delay, server_delay)):
            if value is not None:
                setter(value)
        self._h.build()
        self.leaf = Node(self._h.leaf())
        self.router = Node(self._h.router())
        self.server = Node(self._h.server())
        self.leaf_address: str = self._h.leaf_address()
        self.server_address: str = self._h.server_address()

    def enable_pcap(self, prefix: str) -> None:
        """A pcap per device."""
        self._h.enable_pcap(prefix)


# ---- traffic and results ---------------------------------------------------

class FaqTraffic:
    """The FAQ examples' traffic from a client to a server, as the C++
    examples send it: 5 pings, 5 UDP echoes of 512 bytes, a 1 MB TCP
    transfer (each configurable), from 1 s on."""

    def __init__(self, pings: int = 5, udp_echoes: int = 5, tcp_bytes: int = 1000000,
                 start: float = 1.0, udp_echo_port: Optional[int] = None,
                 tcp_port: Optional[int] = None, ping_identifier: Optional[int] = None):
        """``udp_echo_port`` and ``tcp_port`` (default 7 and 5001) and the
        pings' ICMP ``ping_identifier`` let several batches between the same
        hosts run at once (and keep apart in a NAT's table)."""
        self._t = _core.FaqTraffic()
        self._t.set_ping_count(pings)
        self._t.set_udp_echo_count(udp_echoes)
        self._t.set_tcp_bytes(tcp_bytes)
        self._t.set_start(start)
        if udp_echo_port is not None or tcp_port is not None:
            self._t.set_ports(7 if udp_echo_port is None else udp_echo_port,
                              5001 if tcp_port is None else tcp_port)
        if ping_identifier is not None:
            self._t.set_ping_identifier(ping_identifier)

    def install(self, client: Node, client_address: str, server: Node,
                server_address: str) -> float:
        """Installs the traffic; returns the time by which it should be done."""
        return self._t.install(client._n, client_address, server._n, server_address)

    def results(self) -> List[Dict]:
        """Per flow (valid after :func:`run`): ``name`` ("ping", "udp-echo",
        "tcp"), ``unit``, ``sent``, ``received``, and the metrics the C++
        examples print: ``throughput_bps`` (goodput), ``active_s``,
        ``delay_kind`` ("rtt"), ``delay_samples``, ``delay_mean_ms``,
        ``delay_median_ms``, ``delay_p95_ms``, ``loss`` (fraction not
        delivered) and, for TCP, ``data_segments`` and ``retransmissions``."""
        return [dict(r) for r in self._t.results()]

    def report(self, client: str, server: str) -> str:
        """The C++ examples' flow lines (``flow NAME CLIENT -> SERVER: ...``
        and the metrics line under each)."""
        return _core.faq_traffic_report(self._t, client, server)


Ping = _core.Ping
Sink = _core.Sink


def udp_echo(client: Node, server: Node, server_address: str, count: int = 5,
             size: int = 512, interval: float = 1.0, start: float = 1.0,
             port: int = 9) -> None:
    """ns-3's UDP echo client and server (results: :class:`FlowMonitor`)."""
    _core.udp_echo(client._n, server._n, server_address, count, size, interval, start, port)


def udp(client: Node, server: Node, server_address: str, rate: str = "1Mbps",
        size: int = 512, on: float = 1.0, off: float = 0.0, start: float = 1.0,
        stop: float = 10.0, port: int = 5000) -> Sink:
    """Constant-rate UDP (``off`` 0) or on/off UDP (``on`` seconds at ``rate``,
    ``off`` seconds silent) to a packet sink; returns the sink."""
    return _core.udp(client._n, server._n, server_address, rate, size, on, off, start, stop,
                     port)


def bulk_tcp(client: Node, server: Node, server_address: str, bytes: int = 1000000,
             start: float = 1.0, port: int = 5001) -> Sink:
    """A TCP bulk transfer of ``bytes`` to a packet sink; returns the sink."""
    return _core.bulk_tcp(client._n, server._n, server_address, bytes, start, port)


def ping(client: Node, address: str, count: int = 5, interval: float = 1.0,
         start: float = 1.0) -> Ping:
    """ICMP echo requests (IPv4); the result's ``rtts`` are the round trips
    in seconds."""
    return _core.ping(client._n, address, count, interval, start)


class Ike:
    """A node's simulated racoon (see :func:`install_racoon`)."""

    def __init__(self, core_ike):
        self._d = core_ike

    def stats(self) -> Dict[str, int]:
        """racoon's counters: ``acquires``, ``ph1_established``,
        ``ph2_established``, ``sa_installed``, ``messages_sent``,
        ``messages_received``, ``bytes_sent``, ``bytes_received``,
        ``retransmissions``, ``dropped``, ``error_acquires``, ``failures``,
        and NAT-T's (RFC 3947): ``natt_detected`` (phase 1s that saw a NAT or
        forced NAT-T), ``natt_floated`` (phase 1s that floated to port 4500
        as initiator), ``natt_port_changes`` (the peer's NAT-T ports moved),
        ``keepalives_sent``, ``keepalives_received`` and ``natt_bad_marker``
        (datagrams on port 4500 without the non-ESP marker, dropped)."""
        return dict(self._d.stats())

    def on_negotiation(self, callback: Callable[[int, bool, str, str, float], None]) -> None:
        """Calls ``callback(phase, ok, failure, peer, duration_s)`` when a phase 1
        or 2 ends (``failure``: why it failed, in racoon's words; "" on success)."""
        self._d.on_negotiation(callback)

    def on_log(self, callback: Callable[[int, str], None]) -> None:
        """Calls ``callback(level, line)`` for racoon's log lines (1 ERROR ...
        5 DEBUG)."""
        self._d.on_log(callback)


def install_racoon(node: Node, conf: str, psk: str = "") -> Ike:
    """Runs the simulated racoon (IKEv1) on ``node`` with the files ``conf``
    (racoon.conf) and ``psk`` (psk.txt, "" for the configuration's); raises
    :class:`RacoonError` naming the file, line and token of an error."""
    daemon, error = _core.install_racoon(node._n, conf, psk)
    if error:
        raise RacoonError(error)
    return Ike(daemon)


def enable_key_log(nodes: Sequence[Node], directory: str) -> str:
    """Writes Wireshark's ``esp_sa`` (every ESP SA the nodes hold or install
    from now on) and ``ikev1_decryption_table`` (racoon's ISAKMP SAs) into
    ``directory``, beside the pcaps; returns the ``esp_sa`` path.  Open a pcap
    decrypted with ``WIRESHARK_CONFIG_DIR=DIR tshark -r PCAP -o
    esp.enable_encryption_decode:TRUE``."""
    import os
    os.makedirs(directory, exist_ok=True)
    _core.enable_key_log([n._n for n in nodes], directory)
    return os.path.join(directory, "esp_sa")


@dataclass
class Flow:
    """One flow as ns-3's FlowMonitor saw it (the plaintext, before IPsec)."""

    source: str
    destination: str
    protocol: int
    source_port: int
    destination_port: int
    tx_packets: int
    rx_packets: int
    tx_bytes: int
    rx_bytes: int
    lost_packets: int
    throughput_bps: float  #: received bits over first send to last arrival
    delay_mean_s: float
    delay_median_s: float  #: from the delay histogram (bin width: the monitor's)
    delay_p95_s: float

    @property
    def loss(self) -> float:
        """The fraction of the packets sent that did not arrive."""
        return 1 - self.rx_packets / self.tx_packets if self.tx_packets else 0.0


class FlowMonitor:
    """ns-3's FlowMonitor on every node; create it before :func:`run`.
    Delay quantiles are read from a histogram of ``bin_width`` seconds."""

    def __init__(self, bin_width: float = 1e-5):
        self._m = _core.FlowMonitor(bin_width)

    def flows(self) -> List[Flow]:
        """Every flow seen so far."""
        out = []
        for d in self._m.stats():
            span = d["last_rx_s"] - d["first_tx_s"]
            out.append(Flow(
                source=d["source"], destination=d["destination"],
                protocol=d.get("protocol", 0), source_port=d.get("source_port", 0),
                destination_port=d.get("destination_port", 0),
                tx_packets=d["tx_packets"], rx_packets=d["rx_packets"],
                tx_bytes=d["tx_bytes"], rx_bytes=d["rx_bytes"],
                lost_packets=d["lost_packets"],
                throughput_bps=d["rx_bytes"] * 8 / span if span > 0 else 0.0,
                delay_mean_s=d["delay_sum_s"] / d["rx_packets"] if d["rx_packets"] else 0.0,
                delay_median_s=d["delay_median_s"], delay_p95_s=d["delay_p95_s"]))
        return out


# ---- the NAT box -----------------------------------------------------------

#: The NAT-T port (RFC 3948): IKE after floating, and ESP in UDP.
NAT_T_PORT: int = 4500

_FILTERING = {
    "endpoint-independent": "ENDPOINT_INDEPENDENT",
    "address": "ADDRESS_DEPENDENT",
    "address-dependent": "ADDRESS_DEPENDENT",
    "address-and-port": "ADDRESS_AND_PORT_DEPENDENT",
    "address-and-port-dependent": "ADDRESS_AND_PORT_DEPENDENT",
}
_MODES = {"napt": "NAPT", "address-only": "ADDRESS_ONLY"}
_PORT_ALLOCATION = {"sequential": "SEQUENTIAL", "random": "RANDOM"}
_PROTOCOLS = {"tcp": 6, "udp": 17}


@dataclass
class NatMapping:
    """One entry of a NAT's table (ipnat -l's MAP/RDR/BIMAP lines as values)."""

    protocol: int  #: IP protocol (0: an address-only mapping)
    protocol_name: str  #: "udp", "tcp", "icmp", "esp", "ah", "address" or the number
    inside_address: str
    inside_port: int  #: the port, or the ICMP identifier
    outside_address: str
    outside_port: int
    remote_address: str  #: the remote of an other-protocol mapping, else the last seen
    remote_port: int  #: the last remote port seen (UDP/TCP)
    static: bool  #: a port forward or static address mapping: never expires
    created_s: float  #: when it was made (simulated seconds)
    expires_s: Optional[float]  #: when it expires unless refreshed (None: static)
    packets_out: int  #: datagrams translated outbound
    packets_in: int  #: datagrams translated inbound


def _mapping(d) -> NatMapping:
    return NatMapping(**dict(d))


class Nat:
    """A router's NAT box (``ns3::Ipv4Nat``, IPv4): made by :func:`nat`."""

    def __init__(self, core_nat):
        self._x = core_nat

    def __repr__(self) -> str:
        return f"Nat({self.outside_address}, {len(self)} mappings)"

    def __len__(self) -> int:
        return self._x.mapping_count()

    @property
    def outside_address(self) -> str:
        """The NAPT outside address (0.0.0.0: the outside interface's)."""
        return self._x.outside_address()

    def stats(self) -> Dict[str, int]:
        """The NAT's counters: ``translated_out``, ``translated_in`` (of
        which ``icmp_errors_out``/``_in``, ``fragments_out``/``_in``),
        ``mappings_created``, ``mappings_expired``, ``takeovers``,
        ``fragment_evictions``, ``dropped`` and, of it, per reason
        ``dropped_no_mapping``, ``dropped_filtered``,
        ``dropped_ports_exhausted``, ``dropped_addresses_exhausted``,
        ``dropped_table_full``, ``dropped_fragment_unknown``,
        ``dropped_malformed``, ``dropped_unsupported``."""
        return dict(self._x.stats())

    def mappings(self) -> List[NatMapping]:
        """The mappings now in the table, as :class:`NatMapping` values."""
        return [_mapping(d) for d in self._x.mappings()]

    def table(self) -> str:
        """The table as text, one mapping a line (``MAP udp 192.168.1.10 4500
        <- -> 198.51.100.1 4500 [198.51.100.2 4500] 27s``), as the C++
        ``Ipv4Nat::Print`` writes it."""
        return self._x.table()

    def print(self, file=None) -> None:
        """Writes :meth:`table` to ``file`` (default: ``sys.stdout``)."""
        import sys
        (file or sys.stdout).write(self.table())

    def add_port_forward(self, protocol, outside_port: int, inside_address: str,
                         inside_port: Optional[int] = None) -> None:
        """A static port forward (RFC 4787's static mapping, ipnat's ``rdr``):
        datagrams to the outside address's ``outside_port`` go to
        ``inside_address``:``inside_port`` (default: the same port).
        ``protocol``: "udp", "tcp", 17 or 6.  Raises ValueError when refused
        (the port is taken or out of range, or another protocol)."""
        number = _PROTOCOLS.get(protocol, protocol) if isinstance(protocol, str) else protocol
        if number not in (6, 17):
            raise ValueError(f"port forwards are for udp or tcp, not {protocol!r}")
        port = outside_port if inside_port is None else inside_port
        if not self._x.add_port_forward(number, outside_port, inside_address, port):
            raise ValueError(f"the NAT refused the port forward {protocol} {outside_port} -> "
                             f"{inside_address} {port}")

    def add_pool_address(self, address: str) -> None:
        """An outside address for address-only mode's pool (``mode="address-only"``)."""
        self._x.add_pool_address(address)

    def add_static_address(self, inside: str, outside: str) -> None:
        """A static address mapping (address-only mode, ipnat's ``bimap``);
        ValueError when refused."""
        if not self._x.add_static_address(inside, outside):
            raise ValueError(f"the NAT refused the static mapping {inside} <-> {outside}")

    def get_attribute(self, name: str) -> str:
        """An ``ns3::Ipv4Nat`` attribute's value as text, e.g. "UdpTimeout"."""
        return self._x.get_attribute(name)

    def assign_streams(self, stream: int) -> int:
        """A fixed random stream (random port allocation) from ``stream``;
        returns the number used."""
        return self._x.assign_streams(stream)

    def on_mapping_created(self, callback: Callable[[NatMapping], None]) -> None:
        """Calls ``callback(mapping)`` when a mapping is made (port forwards
        too; an other-protocol mapping taken over: expired, then created)."""
        self._x.on_mapping(True, lambda d: callback(_mapping(d)))

    def on_mapping_expired(self, callback: Callable[[NatMapping], None]) -> None:
        """Calls ``callback(mapping)`` when a mapping expires (or is taken over)."""
        self._x.on_mapping(False, lambda d: callback(_mapping(d)))

    def on_drop(self, callback: Callable[[str, str, str, int, int], None]) -> None:
        """Calls ``callback(reason, source, destination, protocol, size)`` for
        every datagram the NAT drops: the reason ("NO_MAPPING", "FILTERED",
        "PORTS_EXHAUSTED", "ADDRESSES_EXHAUSTED", "TABLE_FULL",
        "FRAGMENT_UNKNOWN", "MALFORMED", "UNSUPPORTED"), the datagram's
        addresses and protocol as it arrived, its payload's size."""
        self._x.on_drop(callback)

    def on_translated(self, callback: Callable[[bool, str, str, int, int], None]) -> None:
        """Calls ``callback(outbound, source, destination, protocol, size)``
        for every datagram translated (addresses after translation)."""
        self._x.on_translated(callback)


def _device_index(router: Node, where) -> int:
    if isinstance(where, Link):
        return where._l.device_index(router._n)
    if isinstance(where, int):
        return where
    node, index = getattr(where, "node", None), getattr(where, "index", None)
    if node is None or index is None:
        raise TypeError(f"a Link, a device or a device index, not {where!r}")
    if node != router._n:
        raise ValueError(f"device {index} belongs to node {node.id}, not to {router}")
    return index


def _seconds(value: float) -> str:
    return f"{float(value)!r}s"


def nat(router: Node, inside, outside, udp_timeout: Optional[float] = None,
        filtering: Optional[str] = None, mode: Optional[str] = None,
        port_preservation: Optional[bool] = None, port_allocation: Optional[str] = None,
        port_range: Optional[Sequence[int]] = None,
        tcp_established_timeout: Optional[float] = None,
        tcp_transitory_timeout: Optional[float] = None,
        icmp_timeout: Optional[float] = None, other_timeout: Optional[float] = None,
        inbound_refresh: Optional[bool] = None, max_mappings: Optional[int] = None,
        outside_address: Optional[str] = None, **attributes) -> Nat:
    """Makes ``router`` a NAT box (Ipv4NatHelper): a NAPT (or address-only
    NAT) from its ``inside`` network(s) to its ``outside`` one.  Each network
    is a :class:`Link` the router is on, a device of the router
    (``ns3ipsec.examples.device``) or a device index; ``inside`` may be a
    list.  The router needs its IPv4 stack and addresses first.

    The knobs (default: Ipv4Nat's): ``udp_timeout`` and the other timeouts
    in seconds; ``filtering`` "endpoint-independent", "address" or
    "address-and-port" (RFC 4787 section 5); ``mode`` "napt" or
    "address-only"; ``port_preservation``; ``port_allocation``
    "sequential" or "random"; ``port_range`` (lowest, highest);
    ``inbound_refresh``; ``max_mappings``; ``outside_address``; any other
    Ipv4Nat attribute by name (``MaxFragmentEntries=16``).  Raises
    ValueError for a bad network or value."""
    settings: Dict[str, str] = {}

    def choose(name, value, table):
        if value is None:
            return
        try:
            settings[name] = table[value.lower()]
        except (KeyError, AttributeError):
            raise ValueError(f"{name}: {value!r} is not one of " + ", ".join(table)) from None

    choose("Filtering", filtering, _FILTERING)
    choose("Mode", mode, _MODES)
    choose("PortAllocation", port_allocation, _PORT_ALLOCATION)
    for name, value in (("UdpTimeout", udp_timeout),
                        ("TcpEstablishedTimeout", tcp_established_timeout),
                        ("TcpTransitoryTimeout", tcp_transitory_timeout),
                        ("IcmpTimeout", icmp_timeout), ("OtherTimeout", other_timeout)):
        if value is not None:
            if value < 0:
                raise ValueError(f"{name}: a timeout cannot be negative")
            settings[name] = _seconds(value)
    for name, value in (("PortPreservation", port_preservation),
                        ("InboundRefresh", inbound_refresh), ("MaxMappings", max_mappings)):
        if value is not None:
            settings[name] = _text(value)
    if port_range is not None:
        low, high = port_range
        if not 0 < low <= high <= 65535:
            raise ValueError(f"port_range: {port_range!r} is not (lowest, highest) in 1..65535")
        settings["PortMin"], settings["PortMax"] = str(low), str(high)
    for name, value in attributes.items():
        settings[name] = _text(value)
    insides = inside if isinstance(inside, (list, tuple)) else [inside]
    box = Nat(_core.install_nat(router._n, [_device_index(router, i) for i in insides],
                                _device_index(router, outside), list(settings.items())))
    if outside_address is not None:
        box._x.set_outside_address(outside_address)
    return box
