/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-history-tag.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(IpsecHistoryTag);

TypeId
IpsecHistoryTag::GetTypeId()
{
    static TypeId tid = TypeId("ns3::IpsecHistoryTag")
                            .SetParent<Tag>()
                            .SetGroupName("Ipsec")
                            .AddConstructor<IpsecHistoryTag>();
    return tid;
}

TypeId
IpsecHistoryTag::GetInstanceTypeId() const
{
    return GetTypeId();
}

IpsecHistoryTag::IpsecHistoryTag()
    : m_nodeId(0)
    , m_marks(0)
    , m_historyId(0)
{
}

IpsecHistoryTag::IpsecHistoryTag(uint32_t nodeId, uint8_t marks, uint32_t historyId)
    : m_nodeId(nodeId)
    , m_marks(marks)
    , m_historyId(historyId)
{
}

uint32_t
IpsecHistoryTag::GetSerializedSize() const
{
    return 9;
}

void
IpsecHistoryTag::Serialize(TagBuffer i) const
{
    i.WriteU32(m_nodeId);
    i.WriteU8(m_marks);
    i.WriteU32(m_historyId);
}

void
IpsecHistoryTag::Deserialize(TagBuffer i)
{
    m_nodeId = i.ReadU32();
    m_marks = i.ReadU8();
    m_historyId = i.ReadU32();
}

void
IpsecHistoryTag::Print(std::ostream& os) const
{
    os << "node=" << m_nodeId << " marks=0x" << std::hex << static_cast<int>(m_marks) << std::dec
       << " history=" << m_historyId;
}

uint32_t
IpsecHistoryTag::GetNodeId() const
{
    return m_nodeId;
}

uint8_t
IpsecHistoryTag::GetMarks() const
{
    return m_marks;
}

uint32_t
IpsecHistoryTag::GetHistoryId() const
{
    return m_historyId;
}

} // namespace ns3
