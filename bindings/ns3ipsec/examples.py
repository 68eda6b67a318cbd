# SPDX-License-Identifier: GPL-2.0-only
"""ns3ipsec.examples: what the C++ examples share, from Python.

The programs in examples/python are the C++ examples' scenarios written in
Python; what the C++ examples share beside their scenario (examples/common:
the report, the FAQ's IKE example as one object, the POP3 applications,
trace observers, the adversary's tally) is bound here as it is, so that a
Python example prints what its C++ counterpart prints, number for number.
It also binds the few pieces of ns-3 those scenarios need beyond the
package's basics: a node's devices, static routes, PF_KEY sockets, the
adversary, racoon's daemon object.

Text that the C++ side prints while the simulation runs (``setkey -D`` at
given times, racoon's log, policy decisions) goes to ``sys.stdout`` in
order with Python's own output when the simulation is run with
:func:`run`.  Configuration errors are the package's exceptions:
:class:`ns3ipsec.SetkeyError` for a setkey script,
:class:`ns3ipsec.RacoonError` for racoon.conf or psk.txt.
"""
from __future__ import annotations

import functools
from typing import Callable, List, Optional, Sequence, Tuple

from . import _core
from . import FaqTraffic, Node, RacoonError, SetkeyError
from . import _text
from . import run as _run

__all__ = [
    "run", "config_errors", "FlowResult", "traffic_flows", "netstat_section",
    "setkey_d_section", "report_json", "write_report_json", "prepare_outputs", "log_time",
    "parse_times", "split_list", "data_rate_bps", "SetkeyDumps", "Device", "device",
    "csma_devices", "assign_ipv4", "assign_ipv6", "fill_neighbour_caches",
    "reset_ipv4_addresses", "name_node", "ipv4_default_route", "ipv4_network_route",
    "ipv6_default_route", "ipv6_network_route", "ipv4_add_address", "ipv4_static_routes",
    "ipv4_remove_static_route", "ipv4_add_host_route", "enable_pcap_all", "enable_key_log",
    "topology_nodes", "leaf_node_router_addresses", "leaf_node_assign_streams",
    "set_cpu_profile", "set_boot_config", "schedule_setkey_file", "run_setkey_file",
    "udp_echo_server", "udp_echo_flow", "LanCounts", "IkeDaemon", "racoon",
    "ike_assign_streams", "enable_ike_key_log", "IkeFaq", "PfKeyMessage", "PfKeySocket",
    "pfkey_open", "SA_FLAG_CYCSEQ", "UniformRandom", "POP3_PORT", "pop_server",
    "pop_session", "PolicyHits", "DropTally", "PopWireCounts", "policy_lint",
    "pop_write_json", "parse_attacks", "AdversaryHelper", "AttackTally", "device_node",
    "watch_policy_hits", "watch_drops", "watch_pop_wire",
]

FlowResult = _core.FlowResult
Device = _core.Device
LanCounts = _core.LanCounts
IkeDaemon = _core.IkeDaemon
PfKeyMessage = _core.PfKeyMessage
PfKeySocket = _core.PfKeySocket
UniformRandom = _core.UniformRandom
PolicyHits = _core.PolicyHits
DropTally = _core.DropTally
PopWireCounts = _core.PopWireCounts
SA_FLAG_CYCSEQ: int = _core.SA_FLAG_CYCSEQ
POP3_PORT: int = _core.POP3_PORT


def _converted(f: Callable) -> Callable:
    """Raises the package's exceptions for the C++ configuration errors."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except _core.ConfigError as e:
            raise SetkeyError(str(e)) from None
        except _core.RacoonConfError as e:
            raise RacoonError(str(e)) from None
    return wrapper


class config_errors:
    """A context in which the C++ configuration errors are the package's:
    ``IpsecConfigError`` a :class:`SetkeyError`, ``RacoonConfError`` a
    :class:`RacoonError`."""

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is not None and issubclass(kind, _core.ConfigError):
            raise SetkeyError(str(value)) from None
        if kind is not None and issubclass(kind, _core.RacoonConfError):
            raise RacoonError(str(value)) from None
        return False


def run(until: Optional[float] = None) -> None:
    """:func:`ns3ipsec.run` with what C++ prints meanwhile (setkey dumps at
    times, racoon's log, policy decisions) written to ``sys.stdout`` in order
    with Python's output."""
    with _core.CoutToPython():
        _run(until)


def _n(nodes: Sequence[Node]):
    return [n._n for n in nodes]


# ---- the report --------------------------------------------------------------

def traffic_flows(traffic: FaqTraffic) -> List[FlowResult]:
    """The flows of :class:`ns3ipsec.FaqTraffic` (after the run), as
    :class:`FlowResult` objects (``line(source, destination)``, ``metrics()``)."""
    return list(_core.traffic_flows(traffic._t))


def netstat_section(label: str, node: Node) -> str:
    """An empty line, ``LABEL (netstat -s -p ipsec / ipsec6 / pfkey):`` and the
    node's netstat sections, as the C++ examples print them."""
    return _core.netstat_section(label, node._n)


def setkey_d_section(label: str, node: Node) -> str:
    """An empty line, ``LABEL# setkey -D`` and the node's SAD."""
    return _core.setkey_d_section(label, node._n)


ReportNode = Tuple[str, Node, Sequence[str]]
ReportFlow = Tuple[str, str, FlowResult]


def _report_args(nodes: Sequence[ReportNode], flows: Sequence[ReportFlow]):
    return ([(name, node._n, list(addresses)) for name, node, addresses in nodes],
            [(src, dst, flow) for src, dst, flow in flows])


def report_json(nodes: Sequence[ReportNode], flows: Sequence[ReportFlow],
                indent: str = "  ") -> str:
    """The ``"nodes"`` and ``"flows"`` members of the examples' JSON summary:
    ``nodes`` as (name, node, addresses), ``flows`` as (source, destination,
    flow)."""
    return _core.report_json(*_report_args(nodes, flows), indent)


def write_report_json(path: str, nodes: Sequence[ReportNode],
                      flows: Sequence[ReportFlow]) -> None:
    """The examples' JSON summary (see :func:`report_json`) written to ``path``."""
    _core.write_report_json(path, *_report_args(nodes, flows))


def prepare_outputs(program: str, *options: Tuple[str, Optional[str], bool]) -> bool:
    """Makes the output options ready before the simulation, as the C++
    examples do: each ``(option, path, is_folder)`` with a path gets its
    folder (mkdir -p).  False, after printing ``PROGRAM: --OPTION=PATH:
    ...`` and ``The simulation was not started.`` on stderr, when one cannot."""
    return _core.prepare_outputs(program, [(o, p or "", f) for o, p, f in options])


def log_time() -> str:
    """The simulated time as the examples' logs print it (``   1.234 s  ``)."""
    return _core.log_time()


def parse_times(text: str) -> List[float]:
    """The seconds of a comma-separated list ("5,30.5"); ValueError otherwise."""
    return list(_core.parse_times(text))


def split_list(text: str) -> List[str]:
    """The items of a comma-separated list, empty items left out."""
    return list(_core.split_list(text))


def data_rate_bps(rate: str) -> float:
    """An ns-3 data rate ("2Mbps") in bit/s."""
    return _core.data_rate_bps(rate)


class SetkeyDumps:
    """``setkey -D`` and ``-DP`` of nodes at given simulated times, printed
    when taken (``=== NAME (ADDR) at T s: ...``) and kept for the JSON summary."""

    def __init__(self):
        self._d = _core.SetkeyDumps()

    def schedule(self, node: Node, name: str, address: str, at: float) -> None:
        """Dumps ``node`` at ``at`` seconds (``address``: its own IPv4 address)."""
        self._d.schedule(node._n, name, address, at)

    def json(self) -> str:
        """The ``"dumps"`` member of a JSON summary."""
        return self._d.json()

    def __len__(self) -> int:
        return len(self._d)


# ---- the network -------------------------------------------------------------

def device(node: Node, index: int) -> Device:
    """The node's device ``index`` (in the order they were added)."""
    return _core.node_device(node._n, index)


def device_node(dev: Device) -> Node:
    """The node of a device."""
    return Node(dev.node)


def csma_devices(nodes: Sequence[Node], rate: str = "100Mbps",
                 delay: str = "0.1ms", stream: int = -1) -> List[Device]:
    """A CSMA segment joining ``nodes`` (with or without an IP stack): its
    devices; ``stream`` >= 0 gives their backoff draws fixed random streams
    from that number on (CsmaHelper::AssignStreams)."""
    return list(_core.csma_devices(_n(nodes), rate, delay, stream))


def assign_ipv4(devices: Sequence[Device], network: str,
                mask: str = "255.255.255.0", base: str = "0.0.0.1") -> List[str]:
    """Numbers ``devices`` from ``network`` on (ns-3's Ipv4AddressHelper),
    host part from ``base`` on (e.g. "0.0.0.10")."""
    return list(_core.assign_ipv4_devices(list(devices), network, mask, base))


def assign_ipv6(dev: Device, address: str, forwarding: bool) -> int:
    """Gives ``dev`` the IPv6 ``address`` (/64; IpsecAssignIpv6), a router's
    with ``forwarding``; returns the interface."""
    return _core.assign_ipv6_device(dev, address, forwarding)


def fill_neighbour_caches(devices: Sequence[Device]) -> None:
    """Fills the ARP / neighbour caches of the devices' link (IpsecFillNeighbourCaches)."""
    _core.fill_neighbour_caches(list(devices))


def reset_ipv4_addresses() -> None:
    """Forgets the IPv4 addresses given so far (Ipv4AddressGenerator::Reset),
    for a second simulation that numbers its nodes the same."""
    _core.reset_ipv4_addresses()


def name_node(name: str, node: Node) -> None:
    """ns-3's Names::Add (pcap file names, the adversary's report)."""
    _core.names_add(name, node._n)


def ipv4_default_route(node: Node, gateway: str, interface: int) -> None:
    """A static IPv4 default route."""
    _core.ipv4_default_route(node._n, gateway, interface)


def ipv4_network_route(node: Node, network: str, mask: str, gateway: str,
                       interface: int) -> None:
    """A static IPv4 route to a network."""
    _core.ipv4_network_route(node._n, network, mask, gateway, interface)


def ipv6_default_route(node: Node, gateway: str, interface: int) -> None:
    """A static IPv6 default route."""
    _core.ipv6_default_route(node._n, gateway, interface)


def ipv6_network_route(node: Node, network: str, prefix: int, gateway: str,
                       interface: int) -> None:
    """A static IPv6 route to a network."""
    _core.ipv6_network_route(node._n, network, prefix, gateway, interface)


def ipv4_add_address(node: Node, interface: int, address: str, mask: str) -> None:
    """One more IPv4 address on an interface (0: the loopback)."""
    _core.ipv4_add_address(node._n, interface, address, mask)


def ipv4_static_routes(node: Node) -> List[Tuple[str, str, int]]:
    """The node's static IPv4 routes: (destination, mask, interface)."""
    return list(_core.ipv4_static_routes(node._n))


def ipv4_remove_static_route(node: Node, index: int) -> None:
    """Removes static route ``index`` (see :func:`ipv4_static_routes`)."""
    _core.ipv4_remove_static_route(node._n, index)


def ipv4_add_host_route(node: Node, address: str, interface: int) -> None:
    """A static host route to ``address`` through ``interface``."""
    _core.ipv4_add_host_route(node._n, address, interface)


def enable_pcap_all(kind: str, prefix: str, promiscuous: bool = False) -> None:
    """A pcap of every point-to-point (``kind`` "p2p") or CSMA ("csma") device."""
    _core.enable_pcap_all(kind, prefix, promiscuous)


def enable_key_log(nodes: Optional[Sequence[Node]], folder: str) -> None:
    """Wireshark's ``esp_sa`` of the SAs of ``nodes`` (None: every node) in
    ``folder`` (IpsecKeyLogHelper)."""
    _core.enable_key_log(_n(nodes or []), folder, nodes is None)


def topology_nodes(topology) -> List[Node]:
    """The nodes of a :class:`ns3ipsec.Vpn` or :class:`ns3ipsec.LeafNode` in
    their helper's order (the order AssignStreams numbers them)."""
    if hasattr(topology, "gateway"):
        return [Node(n) for n in _core.vpn_nodes(topology._h)]
    return [Node(n) for n in _core.leaf_node_nodes(topology._h)]


def leaf_node_router_addresses(topology) -> Tuple[str, str]:
    """The leaf-node router's addresses: on the leaf's link, on the server's."""
    return tuple(_core.leaf_node_router_addresses(topology._h))


def leaf_node_assign_streams(topology, stream: int) -> int:
    """Fixed random streams for the leaf link (Wi-Fi) from ``stream`` on."""
    return _core.leaf_node_assign_streams(topology._h, stream)


def set_cpu_profile(node: Node, profile: str) -> None:
    """The node's processor's profile (IpsecCpu::Of(node), made if missing)."""
    _core.set_cpu_profile(node._n, profile)


@_converted
def set_boot_config(node: Node, path: str) -> None:
    """rc.conf ``ipsec=YES``: the setkey script runs at the node's boot (time 0);
    :class:`SetkeyError` when it has an error."""
    _core.set_boot_config(node._n, path)


@_converted
def schedule_setkey_file(node: Node, path: str, at: float) -> None:
    """``setkey -f PATH`` by hand at ``at`` seconds (checked now: :class:`SetkeyError`)."""
    _core.schedule_setkey_file(node._n, path, at)


@_converted
def run_setkey_file(node: Node, path: str) -> None:
    """``setkey -f PATH`` now, as the C++ examples run it (IpsecHelper::RunSetkeyFile)."""
    _core.run_setkey_file(node._n, path)


# ---- traffic -----------------------------------------------------------------

def udp_echo_server(node: Node, port: int, start: float = 0.0) -> None:
    """ns-3's UDP echo server on ``port``."""
    _core.udp_echo_server(node._n, port, start)


def udp_echo_flow(client: Node, server: str, port: int, count: int, size: int,
                  start: float, interval: float, name: str = "udp-echo",
                  unit: str = "datagrams") -> FlowResult:
    """The examples' UDP echo client (each datagram numbered, each reply
    paired with its request): a flow whose counts and RTTs fill in during
    the run."""
    return _core.udp_echo_flow(client._n, server, port, count, size, start, interval,
                               name, unit)


# ---- IKE ---------------------------------------------------------------------

@_converted
def racoon(node: Node, conf: str, psk: str = "", psk_mode: int = 0o600,
           natt_keepalive: Optional[float] = None, ph1_lifetime: Optional[float] = None,
           ph2_lifetime: Optional[float] = None) -> IkeDaemon:
    """Installs the simulated racoon on ``node`` (IpsecIkeHelper) and returns
    its daemon (``stats()``, ``line(label)``, ``print_traces(who, received)``);
    ``natt_keepalive`` (seconds, 0: none) overrides racoon.conf's ``timer {
    natt_keepalive }``, ``ph1_lifetime`` every remote's and ``ph2_lifetime``
    every sainfo's ``lifetime time`` (seconds); :class:`RacoonError` on a bad
    racoon.conf or psk.txt."""
    for name, value in (("ph1_lifetime", ph1_lifetime), ("ph2_lifetime", ph2_lifetime)):
        if value is not None and value <= 0:
            raise ValueError(f"{name} must be positive, not {value}")
    return _core.racoon_daemon(node._n, conf, psk, psk_mode,
                               -1.0 if natt_keepalive is None else float(natt_keepalive),
                               float(ph1_lifetime or 0), float(ph2_lifetime or 0))


def ike_assign_streams(nodes: Sequence[Node], stream: int) -> int:
    """Fixed random streams for the daemons of ``nodes``."""
    return _core.ike_assign_streams(_n(nodes), stream)


def enable_ike_key_log(nodes: Sequence[Node], folder: str) -> None:
    """Wireshark's IKEv1 and ESP key tables of the daemons of ``nodes``."""
    _core.enable_ike_key_log(_n(nodes), folder)


class IkeFaq:
    """The FAQ's IKE example as one object (IpsecIkeFaqHelper): hosts A and B
    through a router, the FAQ's policies, racoon on both, pings from A to B.
    Set the knobs, :meth:`build`, then :meth:`run`."""

    def __init__(self, files_dir: str, ipv6: bool = False, rate: Optional[str] = None,
                 delay: Optional[str] = None, loss: float = 0.0,
                 cpu: str = "Reference2020s", dh_group: int = 0, mode: str = "",
                 larval_lifetime: int = 30, phase2_wait: int = 0,
                 conf_a: Optional[str] = None, conf_b: Optional[str] = None,
                 psk: str = "", psk_mode: int = 0o600, pings: int = 20,
                 on_reply: Optional[Callable[[int], None]] = None):
        h = self._h = _core.IkeFaqHelper(files_dir)
        h.set_ipv6(ipv6)
        if rate is not None:
            h.set_link_rate(rate)
        if delay is not None:
            h.set_link_delay(delay)
        h.set_link_loss(loss)
        h.set_cpu_profile(cpu)
        h.set_dh_group(dh_group)
        h.set_exchange_mode(mode)
        h.set_larval_lifetime(larval_lifetime)
        h.set_phase2_wait(phase2_wait)
        if conf_a is not None or conf_b is not None:
            h.set_racoon_conf(conf_a, conf_b)
        if psk or psk_mode != 0o600:
            h.set_psk_file(psk, psk_mode)
        h.set_pings(pings)
        if on_reply is not None:
            h.set_ping_reply_callback(on_reply)

    @_converted
    def build(self) -> None:
        """Builds the nodes, runs the setkey scripts, installs the daemons and
        the pings; :class:`SetkeyError` or :class:`RacoonError`."""
        self._h.build()

    @property
    def host_a(self) -> Node:
        """Host A (10.1.1.1 or fd00:10:1::1), the initiator."""
        return Node(self._h.host_a())

    @property
    def host_b(self) -> Node:
        """Host B (20.1.1.1 or fd00:20:1::1)."""
        return Node(self._h.host_b())

    @property
    def nodes(self) -> List[Node]:
        """A, the router and B."""
        return [Node(n) for n in self._h.nodes()]

    def daemon(self, host: str) -> IkeDaemon:
        """racoon on host "A" or "B"."""
        return self._h.daemon(host)

    def flows(self) -> List[FlowResult]:
        """The pings (and the traffic helper's empty flows)."""
        return list(self._h.flows())

    def run(self) -> dict:
        """Runs to the last ping's reply (no destroy): ``pings_sent``,
        ``replies_received``, ``first_reply_s`` (None: no reply),
        ``first_reply_seq``, ``out_nosa_a``, the daemons' ``a`` and ``b``
        counters, ``cpu_busy_a_s``, ``cpu_busy_b_s``."""
        with _core.CoutToPython():
            return self._h.run()


# ---- PF_KEY ------------------------------------------------------------------

def pfkey_open(node: Node, pid: int = 0) -> PfKeySocket:
    """A PF_KEY socket on the node's key engine (``socket(PF_KEY, ...)`` of
    process ``pid``): ``send(message)`` returns the errno (0),
    ``recv()`` the next message or None, ``on_receive(callback)``."""
    return _core.pfkey_open(node._n, pid)


# ---- POP ---------------------------------------------------------------------

def pop_server(node: Node, mail_bytes: int, start: float):
    """The POP3 server (port 110) on ``node`` with one message of
    ``mail_bytes`` bytes: ``mail_size``, ``accepted()`` (address, port)."""
    return _core.pop_server(node._n, mail_bytes, start)


def pop_session(name: str, client: Node, source: str, server: str, bind_to: str,
                start: float):
    """A POP3 client on ``client`` running one session (USER, PASS, STAT,
    RETR 1, QUIT) to ``server`` from ``bind_to`` at ``start`` seconds; the
    session records what happened (``connected``, ``completed``,
    ``line(mail_size)``, ``flow(mail_size)``)."""
    return _core.pop_session(name, client._n, source, server, bind_to, start)


def policy_lint(node: Node):
    """IpsecPolicyLint of the node's SPD: ``len()`` findings, ``text(what)``."""
    return _core.policy_lint(node._n)


def watch_policy_hits(node: Node, name: str, verbose: bool = False) -> PolicyHits:
    """The node's policy decisions, tallied (and printed as they happen with ``verbose``)."""
    return _core.PolicyHits.watch(node._n, name, verbose)


def watch_drops(node: Node) -> DropTally:
    """The node's IPsec drops, by counter and reason."""
    return _core.DropTally.watch(node._n)


def watch_pop_wire(dev: Device, address: str) -> PopWireCounts:
    """What the POP server's device carried, by peer."""
    return _core.PopWireCounts.watch(dev, address)


def pop_write_json(path: str, order: str, local: str, nodes: Sequence[ReportNode],
                   flows: Sequence[ReportFlow], sessions, server, lint, hits, drops,
                   wire) -> None:
    """The POP example's JSON summary."""
    n, f = _report_args(nodes, flows)
    _core.pop_write_json(path, order, local, n, f, list(sessions), server, lint, hits,
                         list(drops), wire)


# ---- the adversary -----------------------------------------------------------

def parse_attacks(text: str) -> List[str]:
    """The attacks of a comma-separated list ("all" for every one); ValueError."""
    return list(_core.parse_attacks(text))


class AdversaryHelper:
    """Installs an IpsecAdversary on a device (IpsecAdversaryHelper): its
    victim (address and device), the victim's peer, the prefixes it must not
    spoof from, the destination of spoofed datagrams, the attacks, any
    IpsecAdversary attribute, when it runs."""

    def __init__(self):
        self._h = _core.AdversaryHelper()

    def set_victim(self, address: str, dev: Device) -> None:
        """The attacked address and the device it answers on."""
        self._h.set_victim(address, dev)

    def set_peer(self, address: str) -> None:
        """The victim's IPsec peer (a tunnel's other end)."""
        self._h.set_peer(address)

    def add_protected_prefix(self, prefix: str) -> None:
        """An address or prefix ("10.0.1.0/24") the victim's policies protect."""
        self._h.add_protected_prefix(prefix)

    def set_spoof_destination(self, address: str) -> None:
        """Where spoofed plaintext datagrams go (behind a gateway victim)."""
        self._h.set_spoof_destination(address)

    def set_attacks(self, attacks: Sequence[str]) -> None:
        """The attacks (see :func:`parse_attacks`); ValueError for an unknown one."""
        self._h.set_attacks(",".join(attacks))

    def set_attribute(self, name: str, value) -> None:
        """An IpsecAdversary attribute ("Count", "Interval" as "0.1s", ...)."""
        self._h.set_attribute(name, _text(value))

    def set_start_stop(self, start: float, stop: float) -> None:
        """When the adversary runs (seconds)."""
        self._h.set_start_stop(start, stop)

    def install(self, dev: Device):
        """The adversary on ``dev``'s node (``assign_streams(stream)``)."""
        return self._h.install(dev)


class AttackTally:
    """What the adversary example counts (IpsecAttackTally): the echo flow
    between client and server, each attack and the victim's drops."""

    def __init__(self):
        self._t = _core.AttackTally()

    def serve(self, node: Node, ipv6: bool, port: int) -> None:
        """An echo server socket on ``port`` that tells forgeries from requests."""
        self._t.serve(node._n, ipv6, port)

    def client(self, node: Node, ipv6: bool):
        """The echo client's socket."""
        return self._t.client(node._n, ipv6)

    def schedule_request(self, socket, server: str, port: int, number: int, size: int,
                         at: float) -> None:
        """Echo request ``number`` of ``size`` bytes to ``server`` at ``at`` seconds."""
        self._t.schedule_request(socket, server, port, number, size, at)

    def watch(self, adversary, victim: Node, ipv6: bool) -> None:
        """Counts the adversary's attacks and the victim's drops."""
        self._t.watch(adversary, victim._n, ipv6)

    def report(self, what: str, mode: str, family: int, config: str, packets: int,
               client: Node, server: Node, victim: Node, adversary, attacks: str,
               json: str = "") -> Tuple[bool, str]:
        """The report's text (and the JSON file when ``json``): (ok, text)."""
        return self._t.report(what, mode, family, config, packets, client._n, server._n,
                              victim._n, adversary, attacks, json)
