/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-packet-util.h"

#include "ns3/tag.h"

#include <memory>

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
        if (auto tag = ReadTag(pit.Next()))
        {
            to->ReplacePacketTag(*tag);
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
    IpsecCopyTags(tagsFrom, p);
    return p;
}

std::vector<uint8_t>
IpsecPacketBytes(Ptr<const Packet> p)
{
    std::vector<uint8_t> buf(p->GetSize());
    p->CopyData(buf.data(), buf.size());
    return buf;
}

IpsecSelector
IpsecPacketSelector(const IpsecAddress& src,
                    const IpsecAddress& dst,
                    uint8_t protocol,
                    Ptr<const Packet> segment,
                    bool wantPorts,
                    bool icmp6TypeCode)
{
    IpsecSelector sel;
    sel.src = src;
    sel.dst = dst;
    sel.prefs = sel.prefd = src.GetBits();
    sel.ulproto = protocol;
    uint8_t b[4];
    if ((protocol == 6 || protocol == 17) && wantPorts && segment->GetSize() >= 4)
    {
        segment->CopyData(b, 4);
        sel.sport = (b[0] << 8) | b[1];
        sel.dport = (b[2] << 8) | b[3];
    }
    else if (protocol == 58 && icmp6TypeCode && segment->GetSize() >= 2)
    {
        segment->CopyData(b, 2);
        sel.sport = b[0];
        sel.dport = b[1];
    }
    return sel;
}

} // namespace ns3
