/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Example scaffolding (examples/common, not part of the module): observers
 * the example programs connect to a node's IpsecStack traces and print in
 * their reports (which policy matched how many datagrams, the drops by
 * counter and reason), and the printers of racoon's trace sources.
 */
#ifndef IPSEC_EXAMPLE_TRACE_H
#define IPSEC_EXAMPLE_TRACE_H

#include "ns3/ike-daemon.h"
#include "ns3/ipsec-drop-reason.h"
#include "ns3/ipsec-policy.h"
#include "ns3/net-device.h"
#include "ns3/node.h"
#include "ns3/packet.h"

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * A node's policy decisions (its IpsecStack PolicyMatch trace): which
 * policy, or the system default, how many datagrams matched, the node's
 * datagrams to itself apart.
 */
struct IpsecPolicyHits
{
    /// One policy (or the system default) in one direction.
    struct Row
    {
        IpsecDirection dir{IpsecDirection::OUTBOUND};
        Ptr<IpsecPolicy> policy; ///< nullptr: no policy matched, system default
        uint64_t own{0};         ///< datagrams from the node to itself
        uint64_t others{0};      ///< every other datagram
    };

    std::vector<Row> rows; ///< in order of first use
    bool verbose{false};   ///< print every decision on std::cout as it happens
    std::string nodeName;
    uint64_t defPolicy{1}; ///< net.inet.ipsec.def_policy of the node

    /**
     * Connects a new tally to @p node's PolicyMatch trace.
     * @param node the node
     * @param name the node's name in the report
     * @param verbose print every decision as it happens
     * @return the tally (the trace holds it too)
     */
    static std::shared_ptr<IpsecPolicyHits> Watch(Ptr<Node> node,
                                                  const std::string& name,
                                                  bool verbose);

    /// The PolicyMatch trace's sink.
    void Hit(IpsecDirection dir, const std::string& selector, Ptr<IpsecPolicy> policy);

    /// @return `line N: spdadd ...` for @p policy, or the system default's text
    std::string Describe(IpsecDirection dir, Ptr<IpsecPolicy> policy) const;

    /// Writes the table of rows (`policy lookups on NODE, ...`) to @p os.
    void Print(std::ostream& os) const;
};

/// The drops a node's IpsecStack traced, counted by KAME counter and reason.
struct IpsecDropTally
{
    std::map<std::pair<std::string, std::string>, uint64_t> drops; ///< (counter, reason) -> count

    /**
     * Connects a new tally to @p node's IpsecStack Drop trace.
     * @param node the node
     * @return the tally (the trace holds it too)
     */
    static std::shared_ptr<IpsecDropTally> Watch(Ptr<Node> node);

    /// The Drop trace's sink.
    void Drop(Ptr<const Packet>, bool, IpsecDropReason counterReason, const std::string& reason);

    /// Writes `drops on NAME: N x COUNTER: REASON` lines to @p os.
    void Print(std::ostream& os, const std::string& name) const;
};

/**
 * What a LAN device carried (frames the node sent or received): ESP
 * datagrams, UDP datagrams of one port in clear, the rest, and the first IP
 * datagram's time and protocol.
 */
struct IpsecLanCounts
{
    uint16_t port{0};      ///< the UDP port counted in clear
    uint64_t esp{0};       ///< ESP datagrams
    uint64_t clear{0};     ///< UDP datagrams of the port without IPsec
    uint64_t other{0};     ///< any other IPv4 datagram
    double firstIp{-1};    ///< time of the first IPv4 datagram
    int firstProtocol{-1}; ///< its IP protocol

    /**
     * Connects a new count to @p device's Sniffer trace (a CSMA device).
     * @param device the device
     * @param port the UDP port to count in clear
     * @return the count (the trace holds it too)
     */
    static std::shared_ptr<IpsecLanCounts> Watch(Ptr<NetDevice> device, uint16_t port);

    /// The Sniffer trace's sink: one Ethernet frame.
    void Frame(Ptr<const Packet> frame);
};

/// The simulated time as `   1.234 s  ` (8 columns, milliseconds), for logs.
std::string IpsecLogTime();

/**
 * Prints racoon's log lines (`TIME WHO racoon: LINE`) and the IKE messages
 * of @p daemon (`TIME WHO -> PEER  EXCHANGE #N, B bytes`; received ones
 * with `<-`) on std::cout as they happen.
 * @param daemon the daemon
 * @param who the prefix naming the host ("" for none)
 * @param received print the messages received too, not only those sent
 * @param flush flush std::cout after each line (a realtime simulation)
 */
void IpsecPrintRacoonTraces(Ptr<IkeDaemon> daemon,
                            const std::string& who,
                            bool received = false,
                            bool flush = false);

} // namespace ns3

#endif /* IPSEC_EXAMPLE_TRACE_H */
