# SPDX-License-Identifier: GPL-2.0-only
"""The slow-link study: what IPsec costs a link, and where IPComp pays.

ipsec(4): "IPComp tries to increase communication performance by
compressing IP payload ... This will help nodes on slow links but with
enough computing power".  One case (:func:`run_case`) is the FAQ's VPN with
one host per LAN and its addresses (point-to-point LANs: ns-3's CSMA would
cap them below the gateways): host 1 sends constant-rate UDP with chosen content
(:mod:`ns3ipsec.payload`) to host 2 through gateways 1 and 2, which protect
the traffic between their LANs with one configuration of :data:`CONFIGS`
(setkey tunnel scripts written here, :func:`setkey_scripts`) over a WAN of
one rate, their processors of one profile with the processing delay on
(``IpsecCpu``'s ``DataPath``).  The LANs run at 10 Gbit/s, so the WAN or a
gateway's processor is the bottleneck.

How a case runs:

1. **Probe.**  16 datagrams, far apart, through the same set-up: the
   bytes per datagram on the WAN (gateway 1's frames, PPP header included)
   and each gateway's crypto time per datagram.  The bottleneck's capacity
   is the smaller of the WAN's (its rate over the frame) and each gateway's
   (one datagram per crypto time; one core).
2. **Run.**  The sender offers ``overload`` times that capacity (default
   2), so the bottleneck's queue fills (the WAN device's 100 packets, or
   the crypto queue's 256) and stays full; the receiver skips ``warmup``
   datagrams (default 600: at twice its capacity a queue of Q fills by the
   2Q-th arrival, the crypto queue's by the 512th), then measures
   ``measure`` datagrams at its socket and stops the simulation.

What a case gives (:data:`COLUMNS`): goodput (UDP payload bits per second
between the measured arrivals), one-way delays at saturation (mean,
median, 95th percentile: mostly the full queue), loss among the measured
sequence numbers (at twice the capacity about half), bytes per datagram on
the WAN, and the share of the measured span each gateway's crypto
processor was busy.  Everything is simulated time: the same case gives the
same numbers in any process, on any machine.  A case whose datagrams stop
arriving (say, a receiving gateway failing their ICVs) is a row too,
``complete`` false, with ``gw2_auth_failures``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import ns3ipsec as ipsec
from . import payload

__all__ = ["Config", "CONFIGS", "RATES", "PROFILES", "PAYLOADS", "COLUMNS", "QUICK",
           "setkey_scripts", "run_case", "cases", "rate_bps", "rate_label"]


@dataclass(frozen=True)
class Config:
    """One protection of the gateways' traffic."""

    name: str           #: the study's name, e.g. "esp-3des-md5"
    configuration: str  #: "plaintext", "esp", "ah" or "ipcomp+esp"
    algorithm: str      #: setkey's names, e.g. "3des-cbc+hmac-md5"; "-" for plaintext
    sa_args: str = ""   #: the ESP or AH SAs' algorithm arguments


_KEY_3DES = "0x" + "0123456789abcdef" * 3          # 192 bits
_KEY_AES = "0x00112233445566778899aabbccddeeff"     # 128 bits
_KEY_GCM = "0x00112233445566778899aabbccddeeff01020304"  # 128 bits + 32-bit salt
_KEY_MD5 = "0x" + "fedcba9876543210" * 2            # 128 bits
_KEY_SHA1 = "0x0123456789abcdef0123456789abcdef01234567"  # 160 bits

#: The configurations, in the order of the CSV and the plots.
CONFIGS: Dict[str, Config] = {c.name: c for c in (
    Config("plain", "plaintext", "-"),
    Config("esp-null-sha1", "esp", "null+hmac-sha1", f"-E null -A hmac-sha1 {_KEY_SHA1}"),
    Config("esp-3des-md5", "esp", "3des-cbc+hmac-md5",
           f"-E 3des-cbc {_KEY_3DES} -A hmac-md5 {_KEY_MD5}"),
    Config("esp-aes-sha1", "esp", "rijndael-cbc+hmac-sha1",
           f"-E rijndael-cbc {_KEY_AES} -A hmac-sha1 {_KEY_SHA1}"),
    Config("esp-aes-gcm", "esp", "aes-gcm-16", f"-E aes-gcm-16 {_KEY_GCM}"),
    Config("ah-sha1", "ah", "hmac-sha1", f"-A hmac-sha1 {_KEY_SHA1}"),
    Config("ipcomp-esp-aes-sha1", "ipcomp+esp", "deflate+rijndael-cbc+hmac-sha1",
           f"-E rijndael-cbc {_KEY_AES} -A hmac-sha1 {_KEY_SHA1}"),
)}

#: The WAN rates of the default sweep (a log sweep, 9.6 kbit/s to 1 Gbit/s).
RATES = ["9600bps", "64kbps", "256kbps", "1Mbps", "10Mbps", "100Mbps", "1Gbps"]
#: The gateways' CPU profiles of the default sweep: fast, slow and very slow.
PROFILES = ["Reference2020s", "Pentium100", "MipsR3000_25MHz"]
#: The payload contents.
PAYLOADS = ["text", "random"]

#: The quick sweep (the test's): the two ends of the rates, the ESP that
#: IPComp+ESP wraps, both payloads and both profiles.
QUICK = dict(rates=["64kbps", "100Mbps"], configs=["plain", "esp-aes-sha1", "ipcomp-esp-aes-sha1"],
             payloads=PAYLOADS, profiles=["Reference2020s", "Pentium100"], warmup=600, measure=100)

#: The CSV's columns, one row per case.
COLUMNS = ["config", "configuration", "algorithm", "payload", "rate", "rate_bps", "profile",
           "size", "offered_bps", "bottleneck", "goodput_bps", "goodput_share",
           "delay_mean_s", "delay_median_s", "delay_p95_s", "loss",
           "wire_bytes_per_datagram", "cpu_busy_gw1", "cpu_busy_gw2",
           "gw1_crypto_drops", "sent", "received", "measured", "corrupted", "complete",
           "gw2_auth_failures"]

_PORT = 6000
_START = 1.0


def rate_bps(rate: str) -> float:
    """ns-3's rate text ("9600bps", "64kbps", "1Gbps") in bit/s."""
    units = (("Gbps", 1e9), ("Mbps", 1e6), ("kbps", 1e3), ("bps", 1.0))
    for unit, factor in units:
        if rate.endswith(unit):
            return float(rate[: -len(unit)]) * factor
    raise ValueError(f"rate {rate!r}: expected e.g. 9600bps, 64kbps, 10Mbps, 1Gbps")


def rate_label(bps: float) -> str:
    """A short label: 9.6k, 64k, 1M, 1G."""
    for factor, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if bps >= factor:
            return f"{bps / factor:g}{unit}"
    return f"{bps:g}"


def setkey_scripts(config: Config, g1: str = "20.0.0.1",
                   g2: str = "20.0.0.2") -> Tuple[str, str]:
    """The setkey scripts of gateways 1 and 2 (WAN addresses ``g1``, ``g2``)
    for ``config`` (empty for plaintext): SAs both ways and tunnel policies
    between the LANs 10.0.1.0/24 and 10.0.2.0/24."""
    if config.configuration == "plaintext":
        return "", ""
    lan1, lan2 = "10.0.1.0/24", "10.0.2.0/24"
    proto = "ah" if config.configuration == "ah" else "esp"
    sas = (f"add {g1} {g2} {proto} 0x1001 {config.sa_args};\n"
           f"add {g2} {g1} {proto} 0x1002 {config.sa_args};\n")
    if config.configuration == "ipcomp+esp":
        sas += (f"add {g1} {g2} ipcomp 0x2001 -C deflate;\n"
                f"add {g2} {g1} ipcomp 0x2002 -C deflate;\n")

    def request(src: str, dst: str) -> str:
        if config.configuration == "ipcomp+esp":
            # IP(gw-gw) ESP IPComp IP payload; a datagram that does not
            # shrink leaves as IP-in-IP inside ESP.
            return f"ipcomp/tunnel/{src}-{dst}/use esp/transport/{src}-{dst}/require"
        return f"{proto}/tunnel/{src}-{dst}/require"

    head = (f"# The slow-link study ({config.name}: {config.configuration}, "
            f"{config.algorithm}), gateway {{}}.\n")
    gw1 = (head.format(1) + sas
           + f"spdadd {lan1} {lan2} any -P out ipsec {request(g1, g2)};\n"
           + f"spdadd {lan2} {lan1} any -P in ipsec {request(g2, g1)};\n")
    gw2 = (head.format(2) + sas
           + f"spdadd {lan2} {lan1} any -P out ipsec {request(g2, g1)};\n"
           + f"spdadd {lan1} {lan2} any -P in ipsec {request(g1, g2)};\n")
    return gw1, gw2


class _Net:
    """The FAQ's VPN with one host per LAN: host 1 (10.0.1.2) -- gateway 1
    (10.0.1.1 / 20.0.0.1) == WAN == gateway 2 (20.0.0.2 / 10.0.2.1) -- host
    2 (10.0.2.2).  Point-to-point links everywhere, the LANs at 10 Gbit/s
    (ns-3's CSMA holds its channel for the propagation delay and backs off,
    which would cap the LAN below the gateways), one DropTail FIFO of 100
    datagrams per device, ARP tables filled beforehand."""

    def __init__(self, rate: str, wan_delay: str):
        self.host1, self.gw1, self.gw2, self.host2 = ipsec.create_nodes(4)
        self.nodes = [self.host1, self.gw1, self.gw2, self.host2]
        ipsec.install_stack(self.nodes)
        lan1 = ipsec.point_to_point(self.gw1, self.host1, rate="10Gbps", delay="0.1ms")
        wan = ipsec.point_to_point(self.gw1, self.gw2, rate=rate, delay=wan_delay)
        lan2 = ipsec.point_to_point(self.gw2, self.host2, rate="10Gbps", delay="0.1ms")
        _, self.host1_address = lan1.assign_ipv4("10.0.1.0")
        self.gw1_wan, self.gw2_wan = wan.assign_ipv4("20.0.0.0")
        _, self.host2_address = lan2.assign_ipv4("10.0.2.0")
        ipsec.populate_routing_tables()
        payload.fifo_queues(self.nodes, 100)
        payload.fill_neighbour_caches(self.nodes)


def _build(config: Config, rate: str, profile: str, wan_delay: str):
    ipsec.destroy()
    ipsec.set_seed(1)
    ipsec.set_run(1)
    net = _Net(rate, wan_delay)
    ipsec.assign_streams(net.nodes, 100)
    s1, s2 = setkey_scripts(config, net.gw1_wan, net.gw2_wan)
    if s1:
        net.gw1.setkey(s1, f"gw1-{config.name}.conf")
        net.gw2.setkey(s2, f"gw2-{config.name}.conf")
    for gw in (net.gw1, net.gw2):
        gw.set_cpu(profile=profile, data_path=True)
    wan = payload.count_tx(net.gw1, net.gw1_wan)
    return net, wan


def run_case(config: str, rate: str, content: str, profile: str, size: int = 1000,
             overload: float = 2.0, warmup: int = 600, measure: int = 400,
             wan_delay: str = "10ms") -> Dict:
    """One case: probe, then the saturated run; returns the CSV row as a dict
    (:data:`COLUMNS`)."""
    cfg = CONFIGS[config]
    bps = rate_bps(rate)
    # 1. The probe: 16 datagrams, each alone in the network.
    probe_n = 16
    net, wan = _build(cfg, rate, profile, wan_delay)
    gap = 3 * (size + 200) * 8 / bps + 0.1
    flow = payload.payload_udp(net.host1, net.host2, net.host2_address,
                               rate=f"{int(round(size * 8 / gap))}bps", size=size,
                               content=content, start=_START,
                               stop=_START + (probe_n - 0.5) * flow_gap(size, gap),
                               port=_PORT, warmup=0, measure=probe_n, stop_when_done=True)
    ipsec.run(until=_START + (probe_n + 5) * gap * 2)
    probe = flow.results()
    if probe.measured != probe_n or wan.frames != probe_n:
        raise RuntimeError(f"{config} {rate} {content} {profile}: the probe delivered "
                           f"{probe.measured} of {probe_n} datagrams in {wan.frames} frames")
    wire = wan.bytes / wan.frames
    busy = [gw.cpu()["crypto_busy_s"] / probe_n for gw in (net.gw1, net.gw2)]
    link_pps = bps / (8 * wire)
    capacity = min([link_pps] + [1 / b for b in busy if b > 0])
    bottleneck = "link" if capacity == link_pps else "cpu"
    # 2. The run: twice the bottleneck's capacity offered.
    net, wan = _build(cfg, rate, profile, wan_delay)
    offered = overload * capacity * size * 8
    flow = payload.payload_udp(net.host1, net.host2, net.host2_address,
                               rate=f"{int(round(offered))}bps", size=size, content=content,
                               start=_START, port=_PORT, warmup=warmup, measure=measure,
                               stop_when_done=True, watch_cpus=[net.gw1, net.gw2])
    ipsec.run(until=_START + 10 + 4 * (warmup + measure) / capacity)
    r = flow.results()
    # A case whose datagrams stop arriving is a row too (complete false),
    # with the receiving gateway's ICV failures.
    fails = net.gw2.counters()["ipsec"]
    busy_share = r.cpu_busy if r.complete else [math.nan, math.nan]
    row = dict(config=config, configuration=cfg.configuration, algorithm=cfg.algorithm,
               payload=content, rate=rate_label(bps), rate_bps=bps, profile=profile, size=size,
               offered_bps=offered, bottleneck=bottleneck, goodput_bps=r.goodput_bps,
               goodput_share=r.goodput_bps / bps, delay_mean_s=r.delay_mean_s,
               delay_median_s=r.delay_median_s, delay_p95_s=r.delay_p95_s, loss=r.loss,
               wire_bytes_per_datagram=wan.bytes / wan.frames,
               cpu_busy_gw1=busy_share[0], cpu_busy_gw2=busy_share[1],
               gw1_crypto_drops=net.gw1.cpu()["crypto_drops"], sent=r.sent, received=r.received,
               measured=r.measured, corrupted=r.corrupted, complete=r.complete,
               gw2_auth_failures=fails["in_ahauthfail"] + fails["in_espauthfail"])
    ipsec.destroy()
    return row


def flow_gap(size: int, gap: float) -> float:
    """The interval of a sender of ``size``-byte datagrams at the integer
    bit rate closest to one every ``gap`` seconds."""
    return size * 8 / int(round(size * 8 / gap))


def cases(rates: Sequence[str] = RATES, configs: Sequence[str] = tuple(CONFIGS),
          payloads: Sequence[str] = PAYLOADS,
          profiles: Sequence[str] = PROFILES) -> List[Tuple[str, str, str, str]]:
    """The sweep's cases (config, rate, payload, profile), in the CSV's order."""
    for c in configs:
        if c not in CONFIGS:
            raise ValueError(f"unknown configuration {c!r}; the configurations are "
                             + ", ".join(CONFIGS))
    return [(c, r, p, prof) for prof in profiles for p in payloads for c in configs
            for r in rates]
