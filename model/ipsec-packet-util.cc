/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-packet-util.h"

#include "ipsec-private-access.h"
#include "ns3/tag.h"

#include <memory>
#include <utility>

namespace ns3
{

namespace
{

/// Instantiates a tag of the item's type and reads it (nullptr if the type has no constructor).
template <typename Item>
std::unique_ptr<Tag>
ReadTag(const Item& item)
{
    TypeId tid = item.GetTypeId();
    if (!tid.HasConstructor())
    {
        return nullptr;
    }
    Callback<ObjectBase*> ctor = tid.GetConstructor();
    std::unique_ptr<Tag> tag(dynamic_cast<Tag*>(ctor()));
    if (tag)
    {
        item.GetTag(*tag);
    }
    return tag;
}

} // namespace

void
IpsecCopyTags(Ptr<const Packet> from, Ptr<Packet> to)
{
    PacketTagIterator pit = from->GetPacketTagIterator();
    while (pit.HasNext())
    {
        PacketTagIterator::Item item = pit.Next();
        if (auto tag = ReadTag(item))
        {
            // Remove (into a scratch copy), then add: ReplacePacketTag
            // (ns-3.37) writes over the old tag in place and assumes the
            // new one has the same size.
            auto scratch = ReadTag(item);
            to->RemovePacketTag(*scratch);
            to->AddPacketTag(*tag);
        }
    }
    IpsecCopyByteTags(from, to);
}

void
IpsecCopyByteTags(Ptr<const Packet> from, Ptr<Packet> to)
{
    ByteTagIterator bit = from->GetByteTagIterator();
    while (bit.HasNext())
    {
        if (auto tag = ReadTag(bit.Next()))
        {
            to->AddByteTag(*tag);
        }
    }
}

Ptr<Packet>
IpsecMakePacket(const uint8_t* data, size_t len, Ptr<const Packet> tagsFrom)
{
    Ptr<Packet> p = Create<Packet>(data, len);
    IpsecSharePacketTags(*tagsFrom, *p);
    IpsecCopyByteTags(tagsFrom, p);
    return p;
}

std::vector<uint8_t>
IpsecPacketBytes(Ptr<const Packet> p)
{
    std::vector<uint8_t> buf;
    IpsecPacketBytes(p, &buf);
    return buf;
}

void
IpsecPacketBytes(Ptr<const Packet> p, std::vector<uint8_t>* into)
{
    into->resize(p->GetSize());
    p->CopyData(into->data(), into->size());
}

NS_OBJECT_ENSURE_REGISTERED(IpsecBytesHeader);

TypeId
IpsecBytesHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::IpsecBytesHeader")
                            .SetParent<Header>()
                            .SetGroupName("Ipsec")
                            .AddConstructor<IpsecBytesHeader>();
    return tid;
}

TypeId
IpsecBytesHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

IpsecBytesHeader::IpsecBytesHeader(std::vector<uint8_t> bytes)
    : m_bytes(std::move(bytes))
{
}

uint32_t
IpsecBytesHeader::GetSerializedSize() const
{
    return m_bytes.size();
}

void
IpsecBytesHeader::Serialize(Buffer::Iterator start) const
{
    start.Write(m_bytes.data(), m_bytes.size());
}

uint32_t
IpsecBytesHeader::Deserialize(Buffer::Iterator start)
{
    start.Read(m_bytes.data(), m_bytes.size());
    return m_bytes.size();
}

void
IpsecBytesHeader::Print(std::ostream& os) const
{
    os << m_bytes.size() << " bytes";
}

} // namespace ns3
