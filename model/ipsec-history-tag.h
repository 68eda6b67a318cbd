/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * What IPsec input leaves on a decapsulated packet for the inbound policy
 * check: KAME's marks (mbuf flags M_DECRYPTED, M_AUTHIPDGM, M_AUTHIPHDR)
 * and the decapsulation history (ipsec_addhist: which transforms were
 * removed, with their SPIs, modes and outer addresses), carried with the
 * packet as an ns-3 packet tag.  The history travels with the datagram
 * through re-injection, forwarding decisions and reassembly (ns-3 keeps the
 * first fragment's tags, as BSD keeps the first mbuf's flags), so nothing
 * on the node can expire or overwrite it.
 *
 * The node id guards against a tag that crossed a link: only the node that
 * decapsulated the packet honours it, and the glue strips it before a
 * datagram leaves the node.
 */
#ifndef IPSEC_HISTORY_TAG_H
#define IPSEC_HISTORY_TAG_H

#include "ipsec-address.h"
#include "ipsec-types.h"
#include "ns3/tag.h"

#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-policy
 * One removed transform, as the decapsulation history records it.
 */
struct IpsecHistoryEntry
{
    IpsecProto proto;      ///< ESP, AH or IPComp
    uint32_t spi;          ///< the SPI (IPComp: CPI)
    IpsecMode mode;        ///< the SA's mode
    IpsecAddress outerSrc; ///< the source of the IP header in front of it
    IpsecAddress outerDst; ///< the destination of that header
};

/**
 * @ingroup ipsec-policy
 * What IPsec input leaves on a decapsulated packet for the inbound policy
 * check: KAME's marks (M_DECRYPTED, M_AUTHIPDGM, M_AUTHIPHDR) and the
 * decapsulation history (ipsec_addhist), honoured only on the node that
 * decapsulated the packet.
 */
class IpsecHistoryTag : public Tag
{
  public:
    /// Mark bits.
    enum Mark : uint8_t
    {
        DECRYPTED = 0x01,  ///< M_DECRYPTED: ESP decryption (or IPComp) succeeded
        AUTH_DGRAM = 0x02, ///< M_AUTHIPDGM: the datagram was authenticated (ESP ICV or AH)
        AUTH_HDR = 0x04,   ///< M_AUTHIPHDR: the IP header was authenticated (AH)
    };

    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(TagBuffer i) const override;
    void Deserialize(TagBuffer i) override;
    void Print(std::ostream& os) const override;

    IpsecHistoryTag();
    /**
     * A tag of a decapsulated packet.
     * @param nodeId the node that decapsulated it
     * @param marks the Mark bits it earned
     * @param history the removed transforms, outermost first
     */
    IpsecHistoryTag(uint32_t nodeId, uint8_t marks, std::vector<IpsecHistoryEntry> history);

    /**
     * The node that decapsulated the packet.
     * @return its id
     */
    uint32_t GetNodeId() const;
    /**
     * The marks.
     * @return the Mark bits
     */
    uint8_t GetMarks() const;
    /**
     * The decapsulation history.
     * @return the removed transforms, outermost first
     */
    const std::vector<IpsecHistoryEntry>& GetHistory() const;

  private:
    uint32_t m_nodeId;
    uint8_t m_marks;
    std::vector<IpsecHistoryEntry> m_history;
};

} // namespace ns3

#endif /* IPSEC_HISTORY_TAG_H */
