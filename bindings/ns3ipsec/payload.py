# SPDX-License-Identifier: GPL-2.0-only
"""Traffic whose payload bytes are chosen, measured at the receiving socket.

ns-3's applications send zero-filled payloads, which deflate shrinks to
almost nothing.  :func:`payload_udp` sends constant-rate UDP datagrams whose
content is ``"text"`` (English-like text from a fixed generator: the same
bytes in every run; :func:`text` gives them), ``"random"`` (incompressible
bytes from an ns-3 random stream, ``stream``) or ``"zero"``; each datagram
starts with a 16-byte header (sequence number, send time, checksum of the
content).  The receiver skips ``warmup`` datagrams, then measures
``measure`` of them at its socket -- goodput, one-way delays, loss, and the
crypto processors' busy share of the nodes in ``watch_cpus`` -- and, with
``stop_when_done``, stops the simulation when it has them::

    import ns3ipsec as ipsec
    from ns3ipsec import payload

    vpn = ipsec.Vpn(wan_rate="64kbps")
    ...                                     # the gateways' setkey scripts
    flow = payload.payload_udp(vpn.hosts(1)[0], vpn.hosts(2)[0], vpn.host_address(2, 0),
                               rate="128kbps", size=1000, content="text",
                               warmup=100, measure=200)
    ipsec.run(until=600)
    print(flow.results().goodput_bps)

The one-way delays are measured by the receiving socket, so they include
every node's processing (unlike :class:`ns3ipsec.FlowMonitor`'s in
transport mode).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Sequence, Tuple

from . import _core

__all__ = ["HEADER_BYTES", "text", "payload_udp", "PayloadFlow", "PayloadResults",
           "count_tx", "TxCounter", "fill_neighbour_caches", "fifo_queues"]

#: The header every payload datagram starts with: sequence number (4 bytes),
#: send time in ns (8), FNV-1a of the content (4), big-endian.
HEADER_BYTES = 16


def text(nbytes: int) -> bytes:
    """The first ``nbytes`` of the study text (the datagrams walk through its
    first 64 KiB, wrapping around)."""
    return _core.payload_text(nbytes).encode("ascii")


@dataclass
class PayloadResults:
    """What the receiver measured (the measured datagrams: after the warm-up)."""

    sent: int               #: datagrams the sender's socket took
    received: int           #: every datagram received, warm-up included
    received_bytes: int
    corrupted: int          #: short or failing their checksum (not measured)
    reordered: int          #: arrived after a later sequence number
    measured: int           #: datagrams measured
    complete: bool          #: all ``measure`` datagrams arrived
    goodput_bps: float      #: UDP payload bits after the first measured arrival / its span
    delay_mean_s: float     #: one-way, send time to the receiving socket
    delay_median_s: float
    delay_p95_s: float      #: nearest rank
    loss: float             #: share of the sequence numbers the measured ones span that never came
    first_arrival_s: float
    last_arrival_s: float
    cpu_busy: List[float] = field(default_factory=list)  #: per watched node, over the same span


class PayloadFlow:
    """A flow installed by :func:`payload_udp`."""

    def __init__(self, core_flow):
        self._f = core_flow

    @property
    def interval_s(self) -> float:
        """The time between two datagrams."""
        return self._f.interval_s

    def samples(self) -> List[Tuple[int, float, float]]:
        """The measured datagrams: (sequence number, arrival time, one-way
        delay), in arrival order."""
        return [tuple(x) for x in self._f.samples()]

    def results(self) -> PayloadResults:
        """The measurements so far (also after :func:`ns3ipsec.destroy`)."""
        d = dict(self._f.results())
        d["cpu_busy"] = list(d["cpu_busy"])
        return PayloadResults(**d)


def payload_udp(client, server, server_address: str, rate: str = "1Mbps", size: int = 1000,
                content: str = "text", start: float = 1.0, stop: float = 1e9,
                port: int = 6000, warmup: int = 0, measure: int = 1000,
                stop_when_done: bool = False, watch_cpus: Sequence = (),
                stream: int = 1000) -> PayloadFlow:
    """Constant-rate UDP datagrams of ``size`` bytes (UDP payload, header
    included) from ``client`` to ``server_address`` at ``rate``, from
    ``start`` to ``stop`` seconds, whose content is ``"text"``, ``"random"``
    (ns-3 stream ``stream``) or ``"zero"``; a receiver on ``server``'s
    ``port``.  See the module's documentation for what it measures."""
    return PayloadFlow(_core.payload_flow(client._n, server._n, server_address, rate, size,
                                          content, start, stop, port, warmup, measure,
                                          stop_when_done, [n._n for n in watch_cpus], stream))


class TxCounter:
    """The frames and bytes a device sent (whole frames, link header included)."""

    def __init__(self, core_counter):
        self._c = core_counter

    @property
    def frames(self) -> int:
        return self._c.frames

    @property
    def bytes(self) -> int:
        return self._c.bytes

    @property
    def bytes_per_frame(self) -> float:
        return self.bytes / self.frames if self.frames else 0.0


def count_tx(node, address: str) -> TxCounter:
    """Counts what the device of ``node`` that has ``address`` transmits
    (its ``PhyTxEnd`` trace)."""
    return TxCounter(_core.count_tx(node._n, address))


def fill_neighbour_caches(nodes: Sequence) -> None:
    """Permanent ARP (and IPv6 neighbour) entries between the devices of
    ``nodes`` that share a link, so no address resolution runs."""
    _core.fill_neighbour_caches([n._n for n in nodes])


def fifo_queues(nodes: Sequence, packets: int = 100) -> None:
    """One DropTail FIFO of ``packets`` datagrams per device of ``nodes``:
    removes the queue disc that address assignment installs (ns-3's
    FqCoDel, which drops by sojourn time) and limits the device's own queue
    to ``packets``.  Call it after the addresses are assigned."""
    _core.fifo_queues([n._n for n in nodes], packets)
