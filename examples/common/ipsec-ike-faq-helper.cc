/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ike-faq-helper.h"

#include "ns3/double.h"
#include "ns3/error-model.h"
#include "ns3/ipsec-cpu.h"
#include "ns3/ipsec-helper.h"
#include "ns3/ipsec-ike-helper.h"
#include "ns3/ipsec-stack-helper.h"
#include "ns3/ipsec-stack.h"
#include "ns3/ipsec-sysctl.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecIkeFaqHelper");

IpsecIkeFaqHelper::IpsecIkeFaqHelper(const std::string& filesDir)
    : m_dir(filesDir)
{
}

void
IpsecIkeFaqHelper::SetIpv6(bool ipv6)
{
    m_ipv6 = ipv6;
}

void
IpsecIkeFaqHelper::SetLinkRate(const std::string& rate)
{
    m_topology.SetLinkRate(rate);
}

void
IpsecIkeFaqHelper::SetLinkDelay(const std::string& delay)
{
    m_topology.SetLinkDelay(delay);
}

void
IpsecIkeFaqHelper::SetLinkLoss(double rate)
{
    m_loss = rate;
}

void
IpsecIkeFaqHelper::SetCpuProfile(const std::string& profile)
{
    m_cpu = profile;
}

void
IpsecIkeFaqHelper::SetDhGroup(uint16_t group)
{
    m_dhGroup = group;
}

void
IpsecIkeFaqHelper::SetExchangeMode(const std::string& mode)
{
    m_mode = mode;
}

void
IpsecIkeFaqHelper::SetNatTraversal(RacoonNatTraversal natt)
{
    m_natt = natt;
}

void
IpsecIkeFaqHelper::SetLarvalLifetime(uint32_t seconds)
{
    m_larvalLifetime = seconds;
}

void
IpsecIkeFaqHelper::SetPhase2Wait(uint32_t seconds)
{
    m_phase2Wait = seconds;
}

void
IpsecIkeFaqHelper::SetRacoonConf(const std::string& pathA, const std::string& pathB)
{
    m_confA = pathA;
    m_confB = pathB;
}

void
IpsecIkeFaqHelper::SetPskFile(const std::string& path, uint32_t mode)
{
    m_pskPath = path;
    m_pskMode = mode;
}

void
IpsecIkeFaqHelper::SetPsk(char host, const RacoonPskFile& psk)
{
    (host == 'A' ? m_pskA : m_pskB) = psk;
}

void
IpsecIkeFaqHelper::SetConfigHook(std::function<void(char, RacoonConf&)> hook)
{
    m_hook = std::move(hook);
}

void
IpsecIkeFaqHelper::SetDaemonOnB(bool run)
{
    m_daemonOnB = run;
}

void
IpsecIkeFaqHelper::SetPings(uint32_t n)
{
    m_pings = n;
}

void
IpsecIkeFaqHelper::SetPingReplyCallback(std::function<void(uint16_t)> cb)
{
    m_replyCb = std::move(cb);
}

std::string
IpsecIkeFaqHelper::File(const std::string& name) const
{
    return m_dir + "/" + name;
}

void
IpsecIkeFaqHelper::Build()
{
    m_topology.SetIpv6(m_ipv6);
    m_topology.Build();
    NodeContainer nodes = m_topology.GetNodes();
    IpsecStackHelper().AssignStreams(nodes, 100);
    if (m_loss > 0)
    {
        NetDeviceContainer devs = m_topology.GetDevices();
        for (uint32_t i = 0; i < devs.GetN(); ++i)
        {
            Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
            em->SetAttribute("ErrorRate", DoubleValue(m_loss));
            em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
            em->AssignStreams(200 + i);
            devs.Get(i)->SetAttribute("ReceiveErrorModel", PointerValue(em));
        }
    }

    Ptr<Node> a = GetHostA();
    Ptr<Node> b = GetHostB();
    IpsecHelper ipsec;
    ipsec.RunSetkeyFile(a, File(m_ipv6 ? "A-v6.conf" : "A.conf"));
    ipsec.RunSetkeyFile(b, File(m_ipv6 ? "B-v6.conf" : "B.conf"));

    std::string pskPath = m_pskPath.empty() ? File(m_ipv6 ? "psk-v6.txt" : "psk.txt") : m_pskPath;
    IpsecIkeHelper ike;
    for (char host : {'A', 'B'})
    {
        Ptr<Node> n = host == 'A' ? a : b;
        IpsecSysctl::Set(n, "net.key.larval_lifetime", std::to_string(m_larvalLifetime));
        IpsecCpu::Of(n)->SetAttribute("Profile", StringValue(m_cpu));
        if (host == 'B' && !m_daemonOnB)
        {
            continue;
        }
        std::string confPath = host == 'A' ? m_confA : m_confB;
        RacoonConf conf = ReadRacoonConf(confPath.empty() ? File("racoon.conf") : confPath);
        if (m_phase2Wait)
        {
            conf.timer.phase2 = Seconds(m_phase2Wait);
        }
        for (RacoonRemote& rm : conf.remotes)
        {
            if (!m_mode.empty())
            {
                rm.exchangeModes = {m_mode};
            }
            rm.natTraversal = m_natt.value_or(rm.natTraversal);
            for (RacoonProposal& p : rm.proposals)
            {
                p.dhGroup = m_dhGroup ? m_dhGroup : p.dhGroup;
            }
        }
        for (RacoonSainfo& si : conf.sainfos)
        {
            if (m_dhGroup && si.pfsGroup)
            {
                si.pfsGroup = m_dhGroup;
            }
        }
        if (m_hook)
        {
            m_hook(host, conf);
        }
        const std::optional<RacoonPskFile>& given = host == 'A' ? m_pskA : m_pskB;
        RacoonPskFile psk = given ? *given : RacoonPskFile::Read(pskPath, m_pskMode);
        (host == 'A' ? m_daemonA : m_daemonB) = ike.Install(n, conf, psk);
    }
    ike.AssignStreams(nodes, 300);

    m_traffic.SetPingCount(m_pings);
    m_traffic.SetUdpEchoCount(0);
    m_traffic.SetTcpBytes(0);
    m_traffic.SetPingReplyCallback(
        [this](uint16_t seq)
        {
            if (m_firstReply.IsNegative())
            {
                m_firstReply = Simulator::Now();
                m_firstSeq = seq;
            }
            if (m_replyCb)
            {
                m_replyCb(seq);
            }
        });
    m_end = m_traffic.Install(a, m_topology.GetAddressA(), b, m_topology.GetAddressB());
}

Ptr<Node>
IpsecIkeFaqHelper::GetHostA() const
{
    return m_topology.GetHostA();
}

Ptr<Node>
IpsecIkeFaqHelper::GetHostB() const
{
    return m_topology.GetHostB();
}

NodeContainer
IpsecIkeFaqHelper::GetNodes() const
{
    return m_topology.GetNodes();
}

Ptr<IkeDaemon>
IpsecIkeFaqHelper::GetDaemon(char host) const
{
    return host == 'A' ? m_daemonA : m_daemonB;
}

Time
IpsecIkeFaqHelper::GetEndTime() const
{
    return m_end;
}

const IpsecTrafficHelper&
IpsecIkeFaqHelper::GetTraffic() const
{
    return m_traffic;
}

IpsecIkeFaqHelper::Result
IpsecIkeFaqHelper::Run()
{
    Simulator::Stop(m_end);
    Simulator::Run();
    Result r;
    for (const IpsecFlowResult& f : m_traffic.GetResults())
    {
        if (f.name == "ping")
        {
            r.pingsSent = f.sent;
            r.repliesReceived = f.received;
        }
    }
    r.firstReply = m_firstReply;
    r.firstReplySeq = m_firstSeq;
    r.outNosaA = GetHostA()->GetObject<IpsecStack>()->GetStats(m_ipv6).out_nosa;
    if (m_daemonA)
    {
        r.a = m_daemonA->GetStats();
    }
    if (m_daemonB)
    {
        r.b = m_daemonB->GetStats();
    }
    r.cpuBusyA = IpsecCpu::Of(GetHostA())->GetBusyTime();
    r.cpuBusyB = IpsecCpu::Of(GetHostB())->GetBusyTime();
    return r;
}

} // namespace ns3
