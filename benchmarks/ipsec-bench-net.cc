/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-bench-net.h"

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "ns3/network-module.h"

#include <cstring>
#include <sstream>

namespace ns3
{
namespace ipsecbench
{

void
InstallStack(const NodeContainer& nodes, StackKind kind)
{
    if (kind == StackKind::PLAIN)
    {
        InternetStackHelper stack;
        stack.SetIpv6StackInstall(false);
        stack.Install(nodes);
    }
    else
    {
        IpsecStackHelper stack;
        stack.SetIpv6StackInstall(false);
        stack.Install(nodes);
    }
}

Linker::Linker()
{
    m_p2p.SetDeviceAttribute("DataRate", StringValue(LINK_RATE));
    m_p2p.SetChannelAttribute("Delay", StringValue("1ms"));
    m_p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("100000p")));
}

NetDeviceContainer
Linker::Connect(Ptr<Node> a, Ptr<Node> b)
{
    return m_p2p.Install(a, b);
}

uint32_t
AddAddress(Ptr<NetDevice> device, Ipv4Address address, Ipv4Mask mask)
{
    Ptr<Ipv4> ipv4 = device->GetNode()->GetObject<Ipv4>();
    uint32_t i = ipv4->AddInterface(device);
    ipv4->AddAddress(i, Ipv4InterfaceAddress(address, mask));
    ipv4->SetMetric(i, 1);
    ipv4->SetUp(i);
    return i;
}

void
AddRoute(
    Ptr<Node> node, Ipv4Address network, Ipv4Mask mask, Ipv4Address nextHop, uint32_t interface)
{
    Ipv4StaticRoutingHelper helper;
    helper.GetStaticRouting(node->GetObject<Ipv4>())
        ->AddNetworkRouteTo(network, mask, nextHop, interface);
}

void
SetDefaultRoute(Ptr<Node> node, Ipv4Address nextHop, uint32_t interface)
{
    Ipv4StaticRoutingHelper helper;
    helper.GetStaticRouting(node->GetObject<Ipv4>())->SetDefaultRoute(nextHop, interface);
}

void
RunSetkey(Ptr<Node> node, const std::string& script)
{
    IpsecHelper().RunSetkeyString(node, script);
}

const IpsecStats&
Stats(Ptr<Node> node)
{
    return IpsecHelper::GetStack(node)->GetStats(false);
}

double
TimedRun(Stopwatch& watch)
{
    watch.Start();
    Simulator::Run();
    return watch.Stop();
}

Time
SendInterval(uint32_t payload)
{
    // UDP 8 + IP 20, ESP tunnel: outer IP 20 + ESP 8 + IV 16 + padding 15
    // + trailer 2 + ICV 16, PPP 2: below payload + 150.
    return DataRate(LINK_RATE).CalculateBytesTxTime(payload + 150);
}

std::vector<uint8_t>
CompressiblePayload(uint32_t size)
{
    const std::string text = "IPsec in ns-3: the quick brown fox jumps over the lazy dog. ";
    std::vector<uint8_t> p(size);
    for (uint32_t i = 0; i < size; ++i)
    {
        p[i] = static_cast<uint8_t>(text[i % text.size()]);
    }
    return p;
}

std::vector<uint8_t>
IncompressiblePayload(uint32_t size)
{
    Ptr<UniformRandomVariable> rv = CreateObject<UniformRandomVariable>();
    rv->SetStream(4242);
    std::vector<uint8_t> p(size);
    for (auto& b : p)
    {
        b = static_cast<uint8_t>(rv->GetInteger(0, 255));
    }
    return p;
}

std::string
HexKey(size_t bytes, uint32_t seed)
{
    static const char* digits = "0123456789abcdef";
    std::string key = "0x";
    for (size_t i = 0; i < bytes; ++i)
    {
        auto b = static_cast<uint8_t>(seed * 131u + i * 37u + 11u + (seed >> 8) * 7u);
        key += digits[b >> 4];
        key += digits[b & 15];
    }
    return key;
}

std::string
Protection::SaArguments(const std::string& proto, uint32_t seed) const
{
    std::ostringstream os;
    if (proto == "ipcomp")
    {
        os << "-C deflate";
    }
    else if (proto == "ah")
    {
        os << "-A " << ahAuth << " " << HexKey(FindAuthAlgorithm(ahAuth)->minKeyBits / 8, seed);
    }
    else
    {
        os << "-E " << enc;
        size_t encBytes = FindEncAlgorithm(enc)->minKeyBits / 8;
        if (encBytes > 0)
        {
            os << " " << HexKey(encBytes, seed);
        }
        if (!espAuth.empty())
        {
            os << " -A " << espAuth << " "
               << HexKey(FindAuthAlgorithm(espAuth)->minKeyBits / 8, seed + 1000);
        }
    }
    return os.str();
}

std::string
Protection::TransportScript(Ipv4Address a, Ipv4Address b, Ipv4Address self, uint32_t spi) const
{
    std::ostringstream os;
    std::string requests;
    auto sas = [&](const std::string& proto, uint32_t s, const std::string& level)
    {
        os << "add " << a << " " << b << " " << proto << " " << s << " " << SaArguments(proto, s)
           << ";\n";
        os << "add " << b << " " << a << " " << proto << " " << s + 1 << " "
           << SaArguments(proto, s + 1) << ";\n";
        requests += (requests.empty() ? "" : " ") + proto + "/transport//" + level;
    };
    if (ipcomp)
    {
        sas("ipcomp", spi + 0x200, "use");
    }
    if (!enc.empty())
    {
        sas("esp", spi, "require");
    }
    if (!ahAuth.empty())
    {
        sas("ah", spi + 0x100, "require");
    }
    Ipv4Address peer = self == a ? b : a;
    os << "spdadd " << self << " " << peer << " any -P out ipsec " << requests << ";\n";
    os << "spdadd " << peer << " " << self << " any -P in ipsec " << requests << ";\n";
    return os.str();
}

std::string
TunnelScript(const std::string& localNet,
             const std::string& remoteNet,
             Ipv4Address localWan,
             Ipv4Address remoteWan,
             uint32_t spiOut,
             uint32_t spiIn)
{
    Protection gcm;
    gcm.enc = "aes-gcm-16";
    std::ostringstream os;
    os << "add " << localWan << " " << remoteWan << " esp " << spiOut << " -m tunnel "
       << gcm.SaArguments("esp", spiOut) << ";\n";
    os << "add " << remoteWan << " " << localWan << " esp " << spiIn << " -m tunnel "
       << gcm.SaArguments("esp", spiIn) << ";\n";
    os << "spdadd " << localNet << " " << remoteNet << " any -P out ipsec esp/tunnel/" << localWan
       << "-" << remoteWan << "/require;\n";
    os << "spdadd " << remoteNet << " " << localNet << " any -P in ipsec esp/tunnel/" << remoteWan
       << "-" << localWan << "/require;\n";
    return os.str();
}

void
ExpectProtected(Check& check,
                const Protection& p,
                bool compressed,
                const IpsecStats& out,
                const IpsecStats& in,
                uint64_t n,
                const std::string& outName,
                const std::string& inName)
{
    uint64_t transforms
        = (p.ipcomp && compressed ? 1 : 0) + (p.enc.empty() ? 0 : 1) + (p.ahAuth.empty() ? 0 : 1);
    check.Expect(outName + " out_success", out.out_success, transforms * n);
    check.Expect(inName + " in_success", in.in_success, transforms * n);
    if (!p.enc.empty())
    {
        uint8_t id = FindEncAlgorithm(p.enc)->sadbId;
        check.Expect(outName + " out_esphist[" + p.enc + "]", out.out_esphist[id], n);
        check.Expect(inName + " in_esphist[" + p.enc + "]", in.in_esphist[id], n);
    }
    if (!p.ahAuth.empty())
    {
        uint8_t id = FindAuthAlgorithm(p.ahAuth)->sadbId;
        check.Expect(outName + " out_ahhist[" + p.ahAuth + "]", out.out_ahhist[id], n);
        check.Expect(inName + " in_ahhist[" + p.ahAuth + "]", in.in_ahhist[id], n);
    }
    if (p.ipcomp)
    {
        uint8_t id = FindCompAlgorithm("deflate")->sadbId;
        check.Expect(outName + " out_comphist[deflate]", out.out_comphist[id], n);
        check.Expect(inName + " in_comphist[deflate]", in.in_comphist[id], compressed ? n : 0);
    }
}

void
Check::Delivered(uint64_t got, uint64_t want)
{
    m_ok = m_ok && got == want;
    m_items.push_back("delivered " + std::to_string(got) + "/" + std::to_string(want));
}

void
Check::Expect(const std::string& label, uint64_t got, uint64_t want)
{
    m_ok = m_ok && got == want;
    m_items.push_back(label + " " + std::to_string(got)
                      + (got == want ? "" : " (want " + std::to_string(want) + ")"));
}

void
Check::AtLeast(const std::string& label, uint64_t got, uint64_t min)
{
    m_ok = m_ok && got >= min;
    m_items.push_back(label + " " + std::to_string(got)
                      + (got >= min ? "" : " (want >= " + std::to_string(min) + ")"));
}

void
Check::Note(const std::string& text)
{
    m_items.push_back(text);
}

bool
Check::Ok() const
{
    return m_ok;
}

std::string
Check::Text() const
{
    std::string s;
    for (const auto& item : m_items)
    {
        s += (s.empty() ? "" : ", ") + item;
    }
    return s;
}

RunOutcome
Check::Outcome(std::vector<double> values, const Stopwatch& watch) const
{
    RunOutcome out;
    out.values = std::move(values);
    out.valid = Ok();
    out.cpuShare = watch.CpuShare();
    out.check = Text();
    return out;
}

UdpStream::UdpStream(Ptr<Node> receiver,
                     Ipv4Address address,
                     uint16_t port,
                     const std::vector<uint8_t>& payload)
    : m_address(address)
    , m_port(port)
    , m_payload(payload)
    , m_buffer(payload.size())
{
    m_sink = Socket::CreateSocket(receiver, UdpSocketFactory::GetTypeId());
    m_sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
    m_sink->SetRecvCallback(MakeCallback(&UdpStream::Receive, this));
}

void
UdpStream::AddSenders(Ptr<Node> node, uint32_t sockets, uint16_t firstPort)
{
    for (uint32_t i = 0; i < sockets; ++i)
    {
        Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        s->Bind(InetSocketAddress(Ipv4Address::GetAny(), static_cast<uint16_t>(firstPort + i)));
        s->Connect(InetSocketAddress(m_address, m_port));
        m_senders.push_back(s);
    }
}

void
UdpStream::Start(uint64_t datagrams, Time interval)
{
    m_total = datagrams;
    m_interval = interval;
    Simulator::ScheduleNow(&UdpStream::SendNext, this);
}

double
UdpStream::Run(uint64_t datagrams, Time interval, Stopwatch& watch, Check& check)
{
    Start(datagrams, interval);
    double seconds = TimedRun(watch);
    check.Delivered(Delivered(), datagrams);
    check.Expect("errors", Errors(), 0);
    return seconds;
}

void
UdpStream::SendNext()
{
    if (m_sent == m_total || m_senders.empty())
    {
        return;
    }
    Ptr<Socket> s = m_senders[m_sent % m_senders.size()];
    if (s->Send(Create<Packet>(m_payload.data(), m_payload.size())) < 0)
    {
        ++m_errors;
    }
    ++m_sent;
    Simulator::Schedule(m_interval, &UdpStream::SendNext, this);
}

void
UdpStream::Receive(Ptr<Socket> socket)
{
    while (Ptr<Packet> p = socket->Recv())
    {
        if (p->GetSize() == m_payload.size())
        {
            p->CopyData(m_buffer.data(), m_buffer.size());
            if (std::memcmp(m_buffer.data(), m_payload.data(), m_buffer.size()) == 0)
            {
                ++m_delivered;
                continue;
            }
        }
        ++m_errors;
    }
}

uint64_t
UdpStream::Delivered() const
{
    return m_delivered;
}

uint64_t
UdpStream::Errors() const
{
    return m_errors;
}

TwoHosts::TwoHosts(StackKind kind)
{
    nodes.Create(2);
    a = nodes.Get(0);
    b = nodes.Get(1);
    InstallStack(nodes, kind);
    Linker link;
    NetDeviceContainer d = link.Connect(a, b);
    Ipv4Mask mask("255.255.255.0");
    AddAddress(d.Get(0), addrA, mask);
    AddAddress(d.Get(1), addrB, mask);
}

GatewayPath::GatewayPath(StackKind kind)
{
    nodes.Create(4);
    a = nodes.Get(0);
    gw1 = nodes.Get(1);
    gw2 = nodes.Get(2);
    b = nodes.Get(3);
    InstallStack(NodeContainer(a, b), StackKind::PLAIN);
    InstallStack(NodeContainer(gw1, gw2), kind);
    Linker link;
    Ipv4Mask mask("255.255.255.0");
    NetDeviceContainer lan1 = link.Connect(a, gw1);
    NetDeviceContainer wan = link.Connect(gw1, gw2);
    NetDeviceContainer lan2 = link.Connect(gw2, b);
    uint32_t ifA = AddAddress(lan1.Get(0), addrA, mask);
    AddAddress(lan1.Get(1), Ipv4Address("10.1.1.1"), mask);
    uint32_t ifWan1 = AddAddress(wan.Get(0), wan1, mask);
    uint32_t ifWan2 = AddAddress(wan.Get(1), wan2, mask);
    AddAddress(lan2.Get(0), Ipv4Address("10.2.1.1"), mask);
    uint32_t ifB = AddAddress(lan2.Get(1), addrB, mask);
    SetDefaultRoute(a, Ipv4Address("10.1.1.1"), ifA);
    SetDefaultRoute(b, Ipv4Address("10.2.1.1"), ifB);
    AddRoute(gw1, Ipv4Address("10.2.1.0"), mask, wan2, ifWan1);
    AddRoute(gw2, Ipv4Address("10.1.1.0"), mask, wan1, ifWan2);
}

} // namespace ipsecbench
} // namespace ns3
