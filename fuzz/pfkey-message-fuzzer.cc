/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * libFuzzer target: PF_KEY v2 messages from userland (model/pfkey-message.cc
 * and the key engine behind it).  Every input is parsed; a message that
 * parses must serialize back to a message that parses to the same bytes
 * (the layout is canonical), and is then handed to a key engine over a
 * fresh SAD/SPD, as a daemon's write(2) would, followed by a dump so the
 * engine's replies are encoded too.
 */
#include "ipsec-key-engine.h"
#include "ns3/simulator.h"
#include "pfkey-message.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace ns3;
    PfKeyMessage msg;
    PfKeyParseError error;
    int rc = PfKeyMessage::Parse(data, size, &msg, &error);
    if (rc != 0 && error == PfKeyParseError::NONE && size >= PfKeyMessage::HEADER_SIZE)
    {
        std::fprintf(stderr, "pfkey-message-fuzzer: refused without a counter\n");
        std::abort();
    }
    if (rc == 0)
    {
        std::vector<uint8_t> once = msg.Serialize();
        PfKeyMessage again;
        if (PfKeyMessage::Parse(once.data(), once.size(), &again) != 0 || again.Serialize() != once)
        {
            std::fprintf(stderr, "pfkey-message-fuzzer: serialization is not stable\n");
            std::abort();
        }
    }
    Ptr<IpsecKeyEngine> engine = CreateObject<IpsecKeyEngine>();
    engine->SetDatabases(CreateObject<IpsecSad>(), CreateObject<IpsecSpd>());
    Ptr<IpsecPfKeySocket> so = engine->Open(1);
    so->Send(std::vector<uint8_t>(data, data + size));
    so->Send(PfKeyMessage(PfKeyType::DUMP, PfKeySaType::UNSPEC));
    so->Send(PfKeyMessage(PfKeyType::X_SPDDUMP, PfKeySaType::UNSPEC));
    std::vector<uint8_t> reply;
    while (so->Recv(&reply))
    {
        // A promiscuous copy is an SADB_X_PROMISC header in front of the message.
        size_t at = reply.size() > PfKeyMessage::HEADER_SIZE
                         && reply[1] == static_cast<uint8_t>(PfKeyType::X_PROMISC)
                      ? PfKeyMessage::HEADER_SIZE
                      : 0;
        const uint8_t* m = reply.data() + at;
        size_t n = reply.size() - at;
        // Error echoes repeat whatever header the request had; replies must parse.
        if (n >= PfKeyMessage::HEADER_SIZE && m[2] == 0 && PfKeyMessage::Parse(m, n, nullptr) != 0)
        {
            std::fprintf(stderr, "pfkey-message-fuzzer: the engine sent an unparsable reply\n");
            std::abort();
        }
    }
    engine->Dispose();
    Simulator::Destroy();
    return 0;
}
