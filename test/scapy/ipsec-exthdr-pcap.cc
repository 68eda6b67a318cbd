/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ipsec-exthdr-pcap: IPv6 transport-mode AH/ESP behind extension headers, on
 * the wire, for an independent checker (test/scapy/check-exthdr.py, the
 * ipsec-scapy-exthdr CTest test).
 *
 *   A fd00:e::1 ---- point-to-point ---- B fd00:e::2
 *
 * Both nodes have IpsecStackHelper's stack and manual SAs from A to B;
 * A has the outbound policy (fd00:e::1 fd00:e::2 udp), B the inbound one
 * (require), selected by --config:
 *   ah      AH hmac-sha1, transport
 *   esp     ESP rijndael-cbc + hmac-sha1, transport
 *   esp-ah  the bundle esp/transport//require ah/transport//require
 *
 * A sends --count datagrams from an Ipv6RawSocketFactory socket with
 * Protocol=0 (the IPv6 header's next header is Hop-by-Hop); the payload it
 * hands the socket is, for datagram i (0-based):
 *
 *   Hop-by-Hop (next 60, length 1): PadN (type 1, 2 zero bytes), option type
 *     0x3e (skip if unknown, may change en route), 8 bytes (0xc0 + k + i)
 *   Destination Options (next 17, length 0): option type 0x1e (skip, does
 *     not change), 4 bytes (0xd0 + k)
 *   UDP 40000 -> 7777 with a correct checksum, payload of 32 + 5 i bytes
 *     (16 i + k) mod 256
 *
 * B counts what its UDP socket on port 7777 receives and whether each
 * payload is the one A sent.  Output, one fact per line, for the checker:
 *
 *   config esp-ah
 *   src fd00:e::1
 *   dst fd00:e::2
 *   sa esp spi=4098 enc=rijndael-cbc enckey=HEX auth=hmac-sha1 authkey=HEX
 *   sa ah spi=4097 auth=hmac-sha1 authkey=HEX
 *   pcap DIR/ipsec-exthdr-0-0.pcap          (A's device; EnablePcapAll)
 *   sent 5
 *   received 5 intact 5
 *
 * Keys can be given (--ahKey, --espEncKey, --espAuthKey, hex without 0x).
 * Exit status 1 on a setkey error.
 */
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/trace-helper.h"

#include <cstdint>
#include <iostream>
#include <vector>

using namespace ns3;

namespace
{

constexpr uint16_t SRC_PORT = 40000;
constexpr uint16_t DST_PORT = 7777;
constexpr uint32_t AH_SPI = 4097;
constexpr uint32_t ESP_SPI = 4098;
const char* const ADDR_A = "fd00:e::1";
const char* const ADDR_B = "fd00:e::2";

/// The UDP payload of datagram @p i.
std::vector<uint8_t>
UdpPayload(uint32_t i)
{
    std::vector<uint8_t> d(32 + 5 * i);
    for (uint32_t k = 0; k < d.size(); ++k)
    {
        d[k] = static_cast<uint8_t>(16 * i + k);
    }
    return d;
}

/// Internet checksum over @p b (the caller adds the pseudo-header).
uint16_t
Checksum(const std::vector<uint8_t>& b)
{
    uint32_t sum = 0;
    for (size_t k = 0; k < b.size(); k += 2)
    {
        sum += (uint32_t(b[k]) << 8) | (k + 1 < b.size() ? b[k + 1] : 0);
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    uint16_t c = static_cast<uint16_t>(~sum);
    return c == 0 ? 0xffff : c;
}

/// What A hands its raw socket for datagram @p i: Hop-by-Hop, Destination
/// Options, UDP (checksum over the pseudo-header from @p src to @p dst).
std::vector<uint8_t>
Datagram(uint32_t i, Ipv6Address src, Ipv6Address dst)
{
    std::vector<uint8_t> b = {60, 1, 1, 2, 0, 0, 0x3e, 8};
    for (uint32_t k = 0; k < 8; ++k)
    {
        b.push_back(static_cast<uint8_t>(0xc0 + k + i));
    }
    std::vector<uint8_t> dstopts = {17, 0, 0x1e, 4, 0xd0, 0xd1, 0xd2, 0xd3};
    b.insert(b.end(), dstopts.begin(), dstopts.end());

    std::vector<uint8_t> payload = UdpPayload(i);
    uint16_t len = static_cast<uint16_t>(8 + payload.size());
    std::vector<uint8_t> udp = {SRC_PORT >> 8,
                                SRC_PORT & 0xff,
                                DST_PORT >> 8,
                                DST_PORT & 0xff,
                                static_cast<uint8_t>(len >> 8),
                                static_cast<uint8_t>(len & 0xff),
                                0,
                                0};
    udp.insert(udp.end(), payload.begin(), payload.end());
    // Pseudo-header (RFC 8200 section 8.1): source, destination, upper-layer
    // length (32 bits), three zero bytes, next header 17.
    std::vector<uint8_t> sum(40, 0);
    src.Serialize(&sum[0]);
    dst.Serialize(&sum[16]);
    sum[34] = len >> 8;
    sum[35] = len & 0xff;
    sum[39] = 17;
    sum.insert(sum.end(), udp.begin(), udp.end());
    uint16_t c = Checksum(sum);
    udp[6] = c >> 8;
    udp[7] = c & 0xff;
    b.insert(b.end(), udp.begin(), udp.end());
    return b;
}

struct Receiver
{
    uint32_t received = 0;
    uint32_t intact = 0;

    void Receive(Ptr<Socket> s)
    {
        Ptr<Packet> p;
        while ((p = s->Recv()))
        {
            std::vector<uint8_t> got(p->GetSize());
            p->CopyData(got.data(), got.size());
            if (got == UdpPayload(received))
            {
                ++intact;
            }
            ++received;
        }
    }
};

} // namespace

int
main(int argc, char* argv[])
{
    std::string config = "ah";
    std::string pcapDir = ".";
    uint32_t count = 5;
    std::string ahKey = "6168206b657920666f7220736361707920303031";      // "ah key for scapy 001"
    std::string espEncKey = "6573702d6165732d6b65792d31323821";          // "esp-aes-key-128!"
    std::string espAuthKey = "657370206175746820666f722073636170792121"; // "esp auth for scapy!!"

    CommandLine cmd(__FILE__);
    cmd.AddValue("config", "ah, esp or esp-ah (the bundle)", config);
    cmd.AddValue("pcapDir", "directory for the pcaps (EnablePcapAll)", pcapDir);
    cmd.AddValue("count", "datagrams A sends", count);
    cmd.AddValue("ahKey", "AH hmac-sha1 key, 40 hex digits", ahKey);
    cmd.AddValue("espEncKey", "ESP rijndael-cbc key, 32 hex digits", espEncKey);
    cmd.AddValue("espAuthKey", "ESP hmac-sha1 key, 40 hex digits", espAuthKey);
    cmd.Parse(argc, argv);

    bool ah = config == "ah" || config == "esp-ah";
    bool esp = config == "esp" || config == "esp-ah";
    if (!ah && !esp)
    {
        std::cerr << "ipsec-exthdr-pcap: unknown --config=" << config << " (ah, esp, esp-ah)\n";
        return 2;
    }

    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    NodeContainer nodes;
    nodes.Create(2);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("2ms"));
    NetDeviceContainer devices = p2p.Install(nodes);
    IpsecStackHelper stack;
    stack.SetIpv4StackInstall(false);
    stack.Install(nodes);
    IpsecAssignIpv6(devices.Get(0), ADDR_A, false);
    IpsecAssignIpv6(devices.Get(1), ADDR_B, false);

    std::string sas;
    std::string policy;
    if (esp)
    {
        sas += std::string("add ") + ADDR_A + " " + ADDR_B + " esp " + std::to_string(ESP_SPI)
             + " -m transport -E rijndael-cbc 0x" + espEncKey + " -A hmac-sha1 0x" + espAuthKey
             + ";\n";
        policy += " esp/transport//require";
    }
    if (ah)
    {
        sas += std::string("add ") + ADDR_A + " " + ADDR_B + " ah " + std::to_string(AH_SPI)
             + " -m transport -A hmac-sha1 0x" + ahKey + ";\n";
        policy += " ah/transport//require";
    }
    std::string selector = std::string(ADDR_A) + " " + ADDR_B + " udp";
    IpsecHelper ipsec;
    try
    {
        ipsec.RunSetkeyString(
            nodes.Get(0), sas + "spdadd " + selector + " -P out ipsec" + policy + ";\n", "A");
        ipsec.RunSetkeyString(
            nodes.Get(1), sas + "spdadd " + selector + " -P in ipsec" + policy + ";\n", "B");
    }
    catch (const IpsecConfigError& e)
    {
        std::cerr << "ipsec-exthdr-pcap: " << e.what() << "\n";
        return 1;
    }

    Ipv6Address a(ADDR_A);
    Ipv6Address b(ADDR_B);

    Receiver receiver;
    Ptr<Socket> sink = Socket::CreateSocket(nodes.Get(1), UdpSocketFactory::GetTypeId());
    sink->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), DST_PORT));
    sink->SetRecvCallback(MakeCallback(&Receiver::Receive, &receiver));

    Ptr<Socket> raw = Socket::CreateSocket(nodes.Get(0), Ipv6RawSocketFactory::GetTypeId());
    raw->SetAttribute("Protocol", UintegerValue(0)); // next header: Hop-by-Hop
    raw->Bind(Inet6SocketAddress(a, 0));
    for (uint32_t i = 0; i < count; ++i)
    {
        std::vector<uint8_t> d = Datagram(i, a, b);
        Simulator::Schedule(
            Seconds(2) + MilliSeconds(100) * i,
            [raw, d, b]()
            {
                raw->SendTo(Create<Packet>(d.data(), d.size()), 0, Inet6SocketAddress(b, 0));
            });
    }

    std::string prefix = pcapDir + "/ipsec-exthdr";
    p2p.EnablePcapAll(prefix);
    std::string pcapA = PcapHelper().GetFilenameFromDevice(prefix, devices.Get(0));

    Simulator::Stop(Seconds(3) + MilliSeconds(100) * count);
    Simulator::Run();
    Simulator::Destroy();

    std::cout << "config " << config << "\n";
    std::cout << "src " << a << "\n";
    std::cout << "dst " << b << "\n";
    if (esp)
    {
        std::cout << "sa esp spi=" << ESP_SPI << " enc=rijndael-cbc enckey=" << espEncKey
                  << " auth=hmac-sha1 authkey=" << espAuthKey << "\n";
    }
    if (ah)
    {
        std::cout << "sa ah spi=" << AH_SPI << " auth=hmac-sha1 authkey=" << ahKey << "\n";
    }
    std::cout << "pcap " << pcapA << "\n";
    std::cout << "sent " << count << "\n";
    std::cout << "received " << receiver.received << " intact " << receiver.intact << "\n";
    return 0;
}
