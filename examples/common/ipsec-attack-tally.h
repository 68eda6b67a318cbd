/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Example scaffolding (examples/common, not part of the module): what the
 * ipsec-adversary example counts while an IpsecAdversary attacks its
 * victim -- the attack sent last, the drops the victim traced (attributed
 * to that attack), what reached the sockets -- its UDP echo flow, and its
 * report (a table and a JSON summary).
 */
#ifndef IPSEC_ATTACK_TALLY_H
#define IPSEC_ATTACK_TALLY_H

#include "ipsec-traffic-helper.h"
#include "ns3/address.h"
#include "ns3/ipsec-adversary.h"
#include "ns3/ipsec-drop-reason.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/node.h"
#include "ns3/socket.h"

#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

/// What an ipsec-adversary run saw, per attack kind.
struct IpsecAttackTally
{
    IpsecAttack last{IpsecAttack::FORGED_GUESSED_SPI}; ///< the attack sent last
    bool any{false};                                   ///< an attack was sent
    std::map<IpsecAttack, std::map<std::string, uint64_t>> drops;
    std::map<std::string, uint64_t> unattributed; ///< drops before any attack
    std::map<IpsecAttack, uint64_t> delivered;
    std::map<std::string, uint64_t>
        ipDrops;                 ///< the victim's own IP layer (ns-3), after the attacks began
    std::set<uint32_t> requests; ///< echo requests received (by number)
    uint32_t replies{0};
    uint32_t duplicates{0};
    std::map<uint32_t, double> sentAt;   ///< echo request number -> when sent (s)
    std::map<uint32_t, double> echoedAt; ///< echo request number -> when echoed (s)
    IpsecFlowSamples requestSamples;     ///< the requests' one-way delays, A to B
    IpsecFlowSamples replySamples;       ///< the replies' one-way delays, B to A

    /**
     * Connects the tally to @p app's Attack trace, @p victim's IpsecStack
     * Drop trace and its IPv4 or IPv6 layer's Drop trace.
     * @param app the adversary
     * @param victim the attacked node
     * @param v6 the victim's family is IPv6
     */
    void Watch(Ptr<IpsecAdversary> app, Ptr<Node> victim, bool v6);

    /**
     * A UDP socket on @p node bound to @p port (0: any) of the family.
     * @param node the node
     * @param v6 IPv6 rather than IPv4
     * @param port the port
     * @return the socket
     */
    static Ptr<Socket> UdpSocket(Ptr<Node> node, bool v6, uint16_t port);

    /**
     * The echo server on the victim's side (a receive callback): echoes
     * requests, and tells a forged datagram (the adversary's marker, or a
     * request seen before) from a request.
     */
    static void ServerReceive(IpsecAttackTally* t, Ptr<Socket> socket);
    /// The echo client's receive callback: counts the replies.
    static void ClientReceive(IpsecAttackTally* t, Ptr<Socket> socket);
    /// Sends echo request @p n, @p size bytes, from @p socket to @p to (noted in @p t).
    static void SendRequest(
        IpsecAttackTally* t, Ptr<Socket> socket, Address to, uint32_t n, uint32_t size);

    /**
     * The flows: `udp-echo` (the requests that reached the server) and
     * `udp-echo-reply` (the replies that reached the client), each with the
     * one-way delays of its datagrams.
     * @param packets the echo requests sent
     * @return the two flows
     */
    std::vector<IpsecFlowResult> Flows(uint32_t packets) const;

    /// What the report names and prints.
    struct Run
    {
        std::string what;   ///< the scenario, one line
        std::string mode;   ///< transport, tunnel
        uint32_t family{4}; ///< 4 or 6
        std::string config; ///< the scripts
        uint32_t packets{0};
        Ptr<Node> client;
        Ptr<Node> server;
        Ptr<Node> victim;
        Ptr<IpsecAdversary> app;
        std::vector<IpsecAttack> kinds; ///< the attacks of the run
    };

    /**
     * Prints the flows, a line per attack (sent, skipped, delivered, the
     * victim's traced drops) and the victim's non-zero counters to @p os,
     * and with a non-empty @p json writes the same as JSON there.
     * @return false when the JSON file cannot be written
     */
    bool Report(std::ostream& os, const Run& run, const std::string& json);

  private:
    static void OnAttack(IpsecAttackTally* t, IpsecAttack kind, Ptr<const Packet>);
    static void OnDrop(
        IpsecAttackTally* t, Ptr<const Packet>, bool, IpsecDropReason reason, const std::string&);
    static void IpDrop(IpsecAttackTally* t, const std::string& reason);
    static void OnIpv4Drop(IpsecAttackTally* t,
                           const Ipv4Header& h,
                           Ptr<const Packet>,
                           Ipv4L3Protocol::DropReason r,
                           Ptr<Ipv4>,
                           uint32_t);
    static void OnIpv6Drop(IpsecAttackTally* t,
                           const Ipv6Header& h,
                           Ptr<const Packet>,
                           Ipv6L3Protocol::DropReason r,
                           Ptr<Ipv6>,
                           uint32_t);
};

} // namespace ns3

#endif /* IPSEC_ATTACK_TALLY_H */
