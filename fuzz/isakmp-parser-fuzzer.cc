/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * libFuzzer target: ISAKMP messages from the network (model/isakmp-message.cc).
 * Every input is read as a whole message (ParseHeader, Parse), as a payload
 * chain (its first byte the first payload's type, the rest the chain, as
 * ParsePayloads reads a decrypted one) and, whole, as the body of each
 * typed payload; each payload the chain yields goes through its typed
 * decoder too.  A refusal must give a reason; whatever decodes must encode
 * to bytes that decode to the same structure.
 */
#include "isakmp-message.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace
{

using namespace ns3;

[[noreturn]] void
Die(const char* what)
{
    std::fprintf(stderr, "isakmp-parser-fuzzer: %s\n", what);
    std::abort();
}

void
Refused(const std::string& why)
{
    if (why.empty())
    {
        Die("refused without a reason");
    }
}

/// T::Decode of @p body; what decodes must survive Encode and Decode unchanged.
template <typename T>
void
Typed(const std::vector<uint8_t>& body)
{
    T x;
    std::string why;
    if (!T::Decode(body, &x, &why))
    {
        Refused(why);
        return;
    }
    T y;
    if (!T::Decode(x.Encode(), &y, &why) || !(x == y))
    {
        Die("a decoded payload does not re-encode to itself");
    }
}

void
Payload(const IsakmpPayload& p)
{
    switch (p.type)
    {
        case isakmp::PL_SA:
            Typed<IsakmpSa>(p.body);
            break;
        case isakmp::PL_ID:
        {
            Typed<IsakmpId>(p.body);
            IsakmpId id;
            if (IsakmpId::Decode(p.body, &id, nullptr))
            {
                (void) id.ToString();
            }
            break;
        }
        case isakmp::PL_NOTIFY:
            Typed<IsakmpNotify>(p.body);
            break;
        case isakmp::PL_DELETE:
            Typed<IsakmpDelete>(p.body);
            break;
        default:
            break;
    }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::vector<uint8_t> bytes(data, data + size);
    std::string why;

    // The whole message.
    IsakmpHeader h;
    if (!IsakmpMessage::ParseHeader(bytes, &h, &why))
    {
        Refused(why);
    }
    IsakmpMessage m;
    why.clear();
    if (IsakmpMessage::Parse(bytes, &m, &why))
    {
        (void) m.Summary();
        for (const IsakmpPayload& p : m.payloads)
        {
            Payload(p);
        }
        // Unencrypted and without padding: the layout is canonical up to the
        // reserved octets of the generic headers, which Serialize zeroes.
        std::vector<uint8_t> again = m.Serialize();
        IsakmpMessage m2;
        if (again.size() != bytes.size() || !IsakmpMessage::Parse(again, &m2, &why)
            || m2.header != m.header || m2.payloads != m.payloads)
        {
            Die("a parsed message does not serialize to itself");
        }
    }
    else
    {
        Refused(why);
    }

    // The input as a decrypted chain: first payload type, then the chain.
    if (size >= 1)
    {
        std::vector<uint8_t> chain(data + 1, data + size);
        std::vector<IsakmpPayload> payloads;
        why.clear();
        if (IsakmpMessage::ParsePayloads(data[0], chain, &payloads, &why))
        {
            size_t used = 0;
            for (const IsakmpPayload& p : payloads)
            {
                Payload(p);
                used += 4 + p.body.size();
            }
            if (used > chain.size())
            {
                Die("the payloads are longer than the chain");
            }
            IsakmpMessage c;
            c.payloads = payloads;
            std::vector<uint8_t> enc = c.SerializePayloads();
            std::vector<IsakmpPayload> back;
            if (enc.size() != used
                || !IsakmpMessage::ParsePayloads(
                    payloads.empty() ? 0 : payloads[0].type, enc, &back, &why)
                || back != payloads)
            {
                Die("a parsed chain does not serialize to itself");
            }
        }
        else
        {
            Refused(why);
        }
    }

    // The input as the body of every typed payload.
    Typed<IsakmpSa>(bytes);
    Typed<IsakmpId>(bytes);
    Typed<IsakmpNotify>(bytes);
    Typed<IsakmpDelete>(bytes);
    return 0;
}
