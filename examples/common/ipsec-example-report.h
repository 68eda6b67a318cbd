/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Example scaffolding (examples/common, not part of the module): the
 * end-of-run report the example programs print and write -- one line per
 * flow, a netstat section per node, racoon's counters, `setkey -D` and the
 * lint of a SPD, dumps taken during the run, and the JSON summary.
 */
#ifndef IPSEC_EXAMPLE_REPORT_H
#define IPSEC_EXAMPLE_REPORT_H

#include "ipsec-traffic-helper.h"
#include "ns3/ike-daemon.h"
#include "ns3/ipsec-address.h"
#include "ns3/ipsec-policy-lint.h"
#include "ns3/ipv4-address.h"
#include "ns3/node.h"
#include "ns3/ptr.h"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/// A node of the summary: its name, the node, its addresses.
struct IpsecReportNode
{
    std::string name;
    Ptr<Node> node;
    std::vector<IpsecAddress> addresses;
};

/// One flow's result with its endpoints' names.
struct IpsecReportFlow
{
    std::string from;
    std::string to;
    IpsecFlowResult result;
};

/**
 * A flow's metrics, computed from its IpsecFlowSamples.
 *
 * Throughput is goodput: the application payload bytes delivered, times 8,
 * over the flow's active time, from its first transmission to its last
 * delivery (0 when nothing was delivered).  The delay statistics are over
 * the samples of IpsecFlowSamples::delayKind: the mean, the median (the
 * mean of the two middle samples of an even count) and the 95th percentile
 * by the nearest-rank method (the ceil(0.95 n)-th smallest sample).
 */
struct IpsecFlowMetrics
{
    double throughputBps{0};          ///< goodput, bit/s
    double activeSeconds{0};          ///< first transmission to last delivery
    std::string delayKind;            ///< as IpsecFlowSamples::delayKind
    size_t delaySamples{0};           ///< number of delay samples
    double delayMeanMs{0};            ///< mean delay (ms), 0 without samples
    double delayMedianMs{0};          ///< median delay (ms)
    double delayP95Ms{0};             ///< 95th percentile (ms)
    double lossFraction{0};           ///< (sent - received) / sent; 0 when nothing was sent
    bool tcp{false};                  ///< the TCP members are meaningful
    uint64_t dataSegments{0};         ///< TCP: data segments sent, retransmissions included
    uint64_t retransmissions{0};      ///< TCP: data segments sent again
    double retransmissionFraction{0}; ///< retransmissions / dataSegments
};

/**
 * The metrics of @p flow.
 * @param flow the flow, with its samples
 * @return the metrics
 */
IpsecFlowMetrics IpsecComputeFlowMetrics(const IpsecFlowResult& flow);

/**
 * The mean, median and 95th percentile (nearest rank) of @p samples.
 * @param samples the samples (any order)
 * @param mean set to the mean
 * @param median set to the median
 * @param p95 set to the 95th percentile
 * (all 0 without samples)
 */
void IpsecDelayStatistics(std::vector<double> samples, double& mean, double& median, double& p95);

/**
 * Writes `flow NAME FROM -> TO: RECEIVED of SENT UNIT delivered` and a
 * newline to @p os, then the flow's metrics on an indented line
 * (IpsecPrintFlowMetrics).
 */
void IpsecPrintFlowLine(std::ostream& os,
                        const IpsecFlowResult& flow,
                        const std::string& from,
                        const std::string& to);

/**
 * Writes the metrics line of @p flow and a newline to @p os: `  throughput
 * 1.92 Mbit/s, rtt mean 21.3 ms median 21.0 ms p95 24.1 ms (5 samples),
 * not delivered 0 %` (a TCP flow adds `, retransmitted N of M data
 * segments (P %)`; a flow without delay samples says `rtt n/a`).
 */
void IpsecPrintFlowMetrics(std::ostream& os, const IpsecFlowResult& flow);

/**
 * Writes the JSON members of @p flow's metrics, each preceded by `, `, to
 * @p os: "throughputBps", "activeSeconds", and for a flow that measures a
 * delay "rttSamples", "rttMeanMs", "rttMedianMs", "rttP95Ms" (or
 * "oneWayDelay..." / "responseTime..." for those kinds), "lossFraction",
 * and for TCP "dataSegments", "retransmissions", "retransmissionFraction".
 */
void IpsecWriteFlowMetricsJson(std::ostream& os, const IpsecFlowResult& flow);

/// @p s as a JSON string literal, quotes included (control characters as \uXXXX).
std::string IpsecJsonString(const std::string& s);

/**
 * Writes an empty line, `LABEL (netstat -s -p ipsec / ipsec6 / pfkey):` and
 * @p node's netstat sections (IpsecHelper::PrintNetstat) to @p os.
 */
void IpsecPrintNetstatSection(std::ostream& os, const std::string& label, Ptr<Node> node);

/**
 * Writes `LABEL racoon: phase 1 established N, phase 2 established N, SAs
 * installed N, messages N sent / N received, retransmissions N, CPU busy S s`
 * and a newline to @p os: @p daemon's counters and its node's processor time.
 */
void IpsecPrintIkeLine(std::ostream& os, const std::string& label, Ptr<IkeDaemon> daemon);

/**
 * Writes the `"nodes": [...]` and `"flows": [...]` members of a JSON
 * summary to @p os: the members' closing lines are indented by @p indent,
 * their elements by @p indent plus two spaces.  Nothing precedes the first
 * member and nothing follows the last one's `]`.
 */
void IpsecWriteReportJson(std::ostream& os,
                          const std::vector<IpsecReportNode>& nodes,
                          const std::vector<IpsecReportFlow>& flows,
                          const std::string& indent);

/**
 * Writes a JSON summary (an object with the members of
 * IpsecWriteReportJson) to the file @p path.
 */
void IpsecWriteReportJsonFile(const std::string& path,
                              const std::vector<IpsecReportNode>& nodes,
                              const std::vector<IpsecReportFlow>& flows);

/**
 * Writes an empty line, `LABEL# setkey -D` and @p node's SAD as setkey -D
 * prints it to @p os (`# setkey -D` when @p label is empty).
 */
void IpsecPrintSetkeyD(std::ostream& os, const std::string& label, Ptr<Node> node);

/**
 * Writes `lint of WHAT (IpsecPolicyLint): ` and either `no policy is
 * shadowed or redundant` or the number of findings and one indented line
 * per finding to @p os.
 */
void IpsecPrintLint(std::ostream& os,
                    const std::string& what,
                    const std::vector<IpsecLintFinding>& findings);

/**
 * `setkey -D` and `setkey -DP` of nodes at given simulated times: each dump
 * is printed on std::cout when it is taken and kept for the JSON summary.
 */
class IpsecSetkeyDumps
{
  public:
    /// One dump of one node at one time.
    struct Dump
    {
        double at{0};
        std::string node;
        std::string sad; ///< setkey -D
        std::string spd; ///< setkey -DP
    };

    IpsecSetkeyDumps();

    /**
     * Dumps @p node at @p at seconds, printed as `=== NAME (ADDR) at T s:
     * setkey -D` and `... setkey -DP` with the dumps (@p addr is the node's
     * own address for the dumps' local-address marks).
     */
    void Schedule(Ptr<Node> node, const std::string& name, Ipv4Address addr, double at);

    /// @return the dumps taken so far, in the order they were taken
    const std::vector<Dump>& GetDumps() const;

    /**
     * Writes the `"dumps": [...]` member of a JSON summary (elements
     * indented by four spaces, the closing bracket by two) to @p os.
     */
    void WriteJson(std::ostream& os) const;

  private:
    std::shared_ptr<std::vector<Dump>> m_dumps;
};

} // namespace ns3

#endif /* IPSEC_EXAMPLE_REPORT_H */
