/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-history-tag.h"

#include <utility>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(IpsecHistoryTag);

namespace
{

/// Bytes of one serialized entry: protocol, SPI, mode, family, two addresses.
uint32_t
EntrySize(const IpsecHistoryEntry& e)
{
    return 1 + 4 + 1 + 1 + 2 * uint32_t(e.outerSrc.Size());
}

void
WriteAddress(TagBuffer& i, const IpsecAddress& a)
{
    i.Write(a.Bytes(), a.Size());
}

IpsecAddress
ReadAddress(TagBuffer& i, bool v6)
{
    uint8_t b[16];
    if (v6)
    {
        i.Read(b, 16);
        return IpsecAddress(Ipv6Address(b));
    }
    i.Read(b, 4);
    return IpsecAddress(Ipv4Address::Deserialize(b));
}

} // namespace

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
{
}

IpsecHistoryTag::IpsecHistoryTag(uint32_t nodeId,
                                 uint8_t marks,
                                 std::vector<IpsecHistoryEntry> history)
    : m_nodeId(nodeId)
    , m_marks(marks)
    , m_history(std::move(history))
{
}

uint32_t
IpsecHistoryTag::GetSerializedSize() const
{
    uint32_t size = 4 + 1 + 2;
    for (const IpsecHistoryEntry& e : m_history)
    {
        size += EntrySize(e);
    }
    return size;
}

void
IpsecHistoryTag::Serialize(TagBuffer i) const
{
    i.WriteU32(m_nodeId);
    i.WriteU8(m_marks);
    i.WriteU16(static_cast<uint16_t>(m_history.size()));
    for (const IpsecHistoryEntry& e : m_history)
    {
        i.WriteU8(static_cast<uint8_t>(e.proto));
        i.WriteU32(e.spi);
        i.WriteU8(static_cast<uint8_t>(e.mode));
        i.WriteU8(e.outerSrc.IsV6() ? 6 : 4);
        WriteAddress(i, e.outerSrc);
        WriteAddress(i, e.outerDst);
    }
}

void
IpsecHistoryTag::Deserialize(TagBuffer i)
{
    m_nodeId = i.ReadU32();
    m_marks = i.ReadU8();
    uint16_t n = i.ReadU16();
    m_history.clear();
    m_history.reserve(n);
    for (uint16_t k = 0; k < n; ++k)
    {
        IpsecHistoryEntry e;
        e.proto = static_cast<IpsecProto>(i.ReadU8());
        e.spi = i.ReadU32();
        e.mode = static_cast<IpsecMode>(i.ReadU8());
        bool v6 = i.ReadU8() == 6;
        e.outerSrc = ReadAddress(i, v6);
        e.outerDst = ReadAddress(i, v6);
        m_history.push_back(e);
    }
}

void
IpsecHistoryTag::Print(std::ostream& os) const
{
    os << "node=" << m_nodeId << " marks=0x" << std::hex << static_cast<int>(m_marks) << std::dec
       << " history=[";
    for (size_t k = 0; k < m_history.size(); ++k)
    {
        const IpsecHistoryEntry& e = m_history[k];
        os << (k ? " " : "") << IpsecProtoName(e.proto) << "/"
           << (e.mode == IpsecMode::TUNNEL ? "tunnel" : "transport") << " spi=" << e.spi;
    }
    os << "]";
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

const std::vector<IpsecHistoryEntry>&
IpsecHistoryTag::GetHistory() const
{
    return m_history;
}

} // namespace ns3
