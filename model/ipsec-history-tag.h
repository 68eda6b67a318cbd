/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The marks KAME keeps on a decapsulated packet (mbuf flags M_DECRYPTED,
 * M_AUTHIPDGM, M_AUTHIPHDR) plus a reference to the decapsulation history
 * (which transforms, SPIs and modes were removed), carried as an ns-3
 * packet tag from the IPsec input to the inbound policy check.
 *
 * ns-3 packet tags are limited to 21 bytes, so the history itself lives on
 * the node (IpsecStack) and the tag carries its id.  The node id guards
 * against a tag that crossed a link: only the node that decapsulated the
 * packet honours it.
 */
#ifndef IPSEC_HISTORY_TAG_H
#define IPSEC_HISTORY_TAG_H

#include "ns3/tag.h"

namespace ns3
{

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

    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(TagBuffer i) const override;
    void Deserialize(TagBuffer i) override;
    void Print(std::ostream& os) const override;

    IpsecHistoryTag();
    IpsecHistoryTag(uint32_t nodeId, uint8_t marks, uint32_t historyId);

    uint32_t GetNodeId() const;
    uint8_t GetMarks() const;
    uint32_t GetHistoryId() const;

  private:
    uint32_t m_nodeId;
    uint8_t m_marks;
    uint32_t m_historyId;
};

} // namespace ns3

#endif /* IPSEC_HISTORY_TAG_H */
