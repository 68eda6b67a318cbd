/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Conversions the files of ns3ipsec._core share: node lists both ways, a
 * flow's metrics and racoon's counters as dicts (one set of names for the
 * package and its examples).
 */
#include "common/ipsec-example-report.h"
#include "ns3/ike-daemon.h"
#include "py-module.h"

namespace py = pybind11;
using namespace ns3;

namespace ns3ipsec
{

std::vector<PyNode>
WrapNodes(const NodeContainer& c)
{
    std::vector<PyNode> out;
    for (uint32_t i = 0; i < c.GetN(); ++i)
    {
        out.push_back(PyNode{c.Get(i)});
    }
    return out;
}

NodeContainer
UnwrapNodes(const std::vector<PyNode>& nodes)
{
    NodeContainer c;
    for (const PyNode& n : nodes)
    {
        c.Add(n.node);
    }
    return c;
}

py::dict
FlowMetricsDict(const IpsecFlowResult& f)
{
    IpsecFlowMetrics x = IpsecComputeFlowMetrics(f);
    py::dict d;
    d["throughput_bps"] = x.throughputBps;
    d["active_s"] = x.activeSeconds;
    d["delay_kind"] = x.delayKind;
    d["delay_samples"] = x.delaySamples;
    d["delay_mean_ms"] = x.delayMeanMs;
    d["delay_median_ms"] = x.delayMedianMs;
    d["delay_p95_ms"] = x.delayP95Ms;
    d["loss"] = x.lossFraction;
    if (x.tcp)
    {
        d["data_segments"] = x.dataSegments;
        d["retransmissions"] = x.retransmissions;
        d["retransmission_fraction"] = x.retransmissionFraction;
    }
    return d;
}

py::dict
IkeStatsDict(const IkeDaemonStats& s)
{
    py::dict d;
    d["acquires"] = s.acquires;
    d["ph1_established"] = s.ph1Established;
    d["ph2_established"] = s.ph2Established;
    d["sa_installed"] = s.saInstalled;
    d["messages_sent"] = s.messagesSent;
    d["messages_received"] = s.messagesReceived;
    d["bytes_sent"] = s.bytesSent;
    d["bytes_received"] = s.bytesReceived;
    d["retransmissions"] = s.retransmissions;
    d["dropped"] = s.dropped;
    d["error_acquires"] = s.errorAcquires;
    uint64_t failures = 0;
    for (uint64_t f : s.failures)
    {
        failures += f;
    }
    d["failures"] = failures;
    d["natt_detected"] = s.nattDetected;
    d["natt_floated"] = s.nattFloated;
    d["natt_port_changes"] = s.nattPortChanges;
    d["keepalives_sent"] = s.keepalivesSent;
    d["keepalives_received"] = s.keepalivesReceived;
    d["natt_bad_marker"] = s.nattBadMarker;
    return d;
}

} // namespace ns3ipsec
