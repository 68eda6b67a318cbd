/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * What the files of ns3ipsec._core share: the node handle and the
 * registration functions of each file.
 */
#ifndef NS3IPSEC_PY_MODULE_H
#define NS3IPSEC_PY_MODULE_H

#include "ns3/node-container.h"
#include "ns3/node.h"
#include "ns3/ptr.h"

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace ns3
{
struct IpsecFlowResult;
struct IkeDaemonStats;
} // namespace ns3

namespace ns3ipsec
{

/// A node, as Python holds it.
struct PyNode
{
    ns3::Ptr<ns3::Node> node; ///< the node
};

/// The nodes of a container, as Python holds them.
std::vector<PyNode> WrapNodes(const ns3::NodeContainer& c);
/// A container of the nodes Python holds.
ns3::NodeContainer UnwrapNodes(const std::vector<PyNode>& nodes);
/// A flow's metrics (IpsecComputeFlowMetrics) as a dict.
pybind11::dict FlowMetricsDict(const ns3::IpsecFlowResult& f);
/// racoon's counters as a dict (ph1_established, sa_installed, ...).
pybind11::dict IkeStatsDict(const ns3::IkeDaemonStats& s);

/// Registers the topologies (FAQ helpers and one's own links).
void RegisterTopology(pybind11::module_& m);
/// Registers the traffic, the flow monitor and the IKE daemon.
void RegisterTraffic(pybind11::module_& m);
/// Registers the C++ examples' scaffolding (examples/common) for the Python examples.
void RegisterExamples(pybind11::module_& m);
/// Registers the structured SAD/SPD views and the UDP sockets with per-socket policies.
void RegisterState(pybind11::module_& m);
/// Registers what studies need (py-study.cc): payload traffic measured at the sockets.
void RegisterStudy(pybind11::module_& m);
/// Registers the NAT box (py-nat.cc) and the node's UDP_ENCAP_ESPINUDP ports.
void RegisterNat(pybind11::module_& m);

} // namespace ns3ipsec

#endif /* NS3IPSEC_PY_MODULE_H */
