/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The IPv4 output hook: an Ipv4L3Protocol whose Send() runs every locally
 * originated datagram (UDP, TCP, ICMP and raw sockets) through the node's
 * IpsecStack before ns-3 builds the IP header, routes and fragments it.
 * Installed by IpsecStackHelper in place of the stock Ipv4L3Protocol; all
 * of ns-3's Ipv4 API, attributes and traces keep working.
 */
#ifndef IPSEC_IPV4_L3_PROTOCOL_H
#define IPSEC_IPV4_L3_PROTOCOL_H

#include "ipsec-stack.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-routing-protocol.h"

namespace ns3
{

/**
 * @defgroup ipsec-glue The glue to ns-3's IP layers
 * @ingroup ipsec
 * Where packets meet IPsec in ns-3: the L3 Send hooks (output), the
 * ESP/AH/IPComp receivers and IPv6 extensions (input), the list routing of
 * gateways (forwarding).
 */

/**
 * @ingroup ipsec-glue
 * The IPv4 output hook: an Ipv4L3Protocol whose Send runs every locally
 * originated datagram (UDP, TCP, ICMP and raw sockets) through the node's
 * IpsecStack before ns-3 builds the IP header, routes and fragments it.
 */
class IpsecIpv4L3Protocol : public Ipv4L3Protocol
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecIpv4L3Protocol();

    void Send(Ptr<Packet> packet,
              Ipv4Address source,
              Ipv4Address destination,
              uint8_t protocol,
              Ptr<Ipv4Route> route) override;

    // Address changes forget the memos of Send (IsUnicast reads every
    // interface's broadcast addresses) and of GetInterfaceForAddress.
    uint32_t AddInterface(Ptr<NetDevice> device) override;
    bool AddAddress(uint32_t i, Ipv4InterfaceAddress address) override;
    bool RemoveAddress(uint32_t interfaceIndex, uint32_t addressIndex) override;
    bool RemoveAddress(uint32_t interface, Ipv4Address address) override;

    /**
     * Ipv4L3Protocol::GetInterfaceForAddress, remembered for the last address
     * asked until an interface or address is added or removed: the sending
     * socket's lookup asks it for every datagram, and it walks every address
     * of every interface.
     * @param addr the address
     * @return the index of the interface that has it, or -1
     */
    int32_t GetInterfaceForAddress(Ipv4Address addr) const override;

    /**
     * The node's IPsec.
     * @return the IpsecStack, or nullptr if none is aggregated
     */
    Ptr<IpsecStack> GetIpsec();

    /**
     * Attaches the per-socket policies' raw-socket gate to the Rx trace (the
     * per-socket policies do so when a raw socket of this family first gets
     * a policy; until then received datagrams pay nothing for it).
     */
    void EnableRawSocketGate();

    /**
     * Sends a datagram the output processing protected: with its original
     * route in transport mode, or routed to the tunnel's outer destination
     * with the outer header's TTL, TOS and DF.  Never runs IPsec again.
     * @param r what the output processing made
     * @param route the route Send was given
     */
    void SendProtected(const IpsecStack::OutputResult& r, Ptr<Ipv4Route> route);

    /**
     * The gateway's output path for a forwarded datagram (called by
     * IpsecIpv4ListRouting instead of IpForward): the output policy, tunnel
     * encapsulation, or IpForward when no IPsec applies.
     * @param route the route to the datagram's destination
     * @param packet the datagram's payload
     * @param header the datagram's header as received
     * @param forward IpForward
     */
    void ForwardWithIpsec(Ptr<Ipv4Route> route,
                          Ptr<Packet> packet,
                          const Ipv4Header& header,
                          const Ipv4RoutingProtocol::UnicastForwardCallback& forward);
    /**
     * The end of ForwardWithIpsec for a protected datagram, once the
     * node's crypto processor has computed it: the MTU checks and the send.
     * @param r the protected datagram
     * @param route the route the datagram was forwarded on
     * @param original the datagram as it arrived (for ICMP errors)
     * @param header its IP header as it arrived
     */
    void ForwardProtected(const IpsecStack::OutputResult& r,
                          Ptr<Ipv4Route> route,
                          Ptr<Packet> original,
                          const Ipv4Header& header);

    /**
     * Sets the IPv4 identification hooks of an output context (also used by
     * IPv6 output when a tunnel puts its datagram in an IPv4 outer header).
     * @param ctx the context
     */
    void SetIdentificationHooks(IpsecStack::OutputContext& ctx);

  protected:
    void DoDispose() override;

  private:
    enum class SendStatus
    {
        SENT,
        NO_ROUTE,
        TOO_BIG, ///< a DF header larger than the output MTU (ip_output's EMSGSIZE)
    };

    /// SendProtected for local (@p forwarded false) and forwarded datagrams;
    /// TOO_BIG sets @p mtu.
    SendStatus SendProtectedChecked(const IpsecStack::OutputResult& r,
                                    Ptr<Ipv4Route> route,
                                    bool forwarded,
                                    uint32_t* mtu);

    /**
     * The Rx trace, which ns-3 fires just before it hands a received datagram
     * to the raw sockets: raw sockets whose per-socket inbound policy rejects
     * it are kept from this delivery.
     */
    void GateRawSockets(Ptr<const Packet> packet, Ptr<Ipv4> ipv4, uint32_t interface);

    /**
     * Ipv4L3Protocol::IsUnicast, remembered for the last destination asked
     * (it walks every address of every interface) until an address changes.
     * @param destination the datagram's destination
     * @return whether it is neither a broadcast (limited or subnet-directed)
     *         nor a multicast address
     */
    bool IsUnicastDestination(Ipv4Address destination);

    /// Forgets what IsUnicastDestination and GetInterfaceForAddress remember.
    void ForgetAddressMemos();

    /// The last address a question about the node's addresses was asked for,
    /// and the answer, until an address changes.
    template <typename Answer>
    struct AddressMemo
    {
        Ipv4Address address; ///< the address last asked for
        Answer answer{};     ///< what it gave
        bool valid{false};   ///< answer holds an answer
    };

    /**
     * The memo's answer for @p address, asking @p ask when it has none.
     * @param memo the memo
     * @param address the address
     * @param ask gives the answer for @p address
     * @return the answer
     */
    template <typename Answer, typename Ask>
    static Answer Remembered(AddressMemo<Answer>& memo, Ipv4Address address, Ask ask);

    Ptr<IpsecStack> m_ipsec;
    AddressMemo<bool> m_unicastMemo;          ///< IsUnicastDestination's
    mutable AddressMemo<int32_t> m_ifaceMemo; ///< GetInterfaceForAddress's
    uint32_t m_depth; ///< re-entrancy guard: Ipv4L3Protocol::Send calls Send again
    bool m_rawGate;   ///< GateRawSockets is connected
};

} // namespace ns3

#endif /* IPSEC_IPV4_L3_PROTOCOL_H */
