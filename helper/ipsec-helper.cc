/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-helper.h"

#include "ns3/ipsec-stack.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecHelper");

IpsecConfigError::IpsecConfigError(const std::string& what)
    : std::runtime_error(what)
{
}

IpsecHelper::IpsecHelper()
    : m_tolerateKernelErrors(false)
{
}

void
IpsecHelper::SetTolerateKernelErrors(bool tolerate)
{
    m_tolerateKernelErrors = tolerate;
}

void
IpsecHelper::SetSetkeyOptions(const SetkeyOptions& options)
{
    m_options = options;
}

Ptr<IpsecStack>
IpsecHelper::GetStack(Ptr<Node> node)
{
    Ptr<IpsecStack> ipsec = node->GetObject<IpsecStack>();
    if (!ipsec)
    {
        throw IpsecConfigError("node " + std::to_string(node->GetId())
                               + " has no IPsec stack (install it with IpsecStackHelper)\n");
    }
    return ipsec;
}

namespace
{

std::string
ReadScript(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        throw IpsecConfigError("setkey: " + path + ": " + std::strerror(errno) + "\n");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

SetkeyResult
IpsecHelper::RunSetkeyFile(Ptr<Node> node, const std::string& path) const
{
    return RunSetkeyString(node, ReadScript(path), path);
}

SetkeyResult
IpsecHelper::RunSetkeyString(Ptr<Node> node, const std::string& text, const std::string& name) const
{
    Ptr<IpsecStack> ipsec = GetStack(node);
    SetkeyResult r = Setkey::Run(ipsec->GetKeyEngine(), text, name, m_options);
    std::ostringstream log;
    for (const std::string& m : r.messages)
    {
        log << m << "\n";
    }
    NS_LOG_INFO("setkey " << name << " on node " << node->GetId() << ":\n" << log.str());
    bool kernelFailed = !r.kernelErrors.empty() && !m_tolerateKernelErrors;
    if (r.aborted || !r.errors.empty() || kernelFailed)
    {
        std::ostringstream what;
        what << "setkey " << (name.empty() ? "script" : name) << " on node " << node->GetId()
             << " failed";
        if (r.aborted && r.PartiallyApplied())
        {
            what << " after " << r.statementsExecuted
                 << " statement(s) had taken effect; the node is only partly configured";
        }
        what << ":\n" << log.str();
        for (const SetkeyError& e : r.errors)
        {
            if (!e.expected.empty())
            {
                what << e.Describe() << "\n";
            }
        }
        throw IpsecConfigError(what.str());
    }
    return r;
}

void
IpsecHelper::SetBootConfig(Ptr<Node> node, const std::string& path) const
{
    ScheduleSetkeyFile(node, path, Seconds(0));
}

void
IpsecHelper::ScheduleSetkeyFile(Ptr<Node> node, const std::string& path, Time at) const
{
    std::string text = ReadScript(path);
    // setkey -n now: a script that does not parse never reaches the simulation.
    IpsecHelper check(*this);
    check.m_options.parseOnly = true;
    check.RunSetkeyString(node, text, path);
    IpsecHelper run(*this);
    run.m_tolerateKernelErrors = true; // at run time setkey goes on, as it does
    Simulator::ScheduleWithContext(node->GetId(),
                                   at,
                                   [run, node, text, path]()
                                   {
                                       SetkeyResult r = run.RunSetkeyString(node, text, path);
                                       NS_LOG_INFO("node " << node->GetId() << " ran " << path
                                                           << ": " << r.statementsExecuted
                                                           << " statement(s)");
                                   });
}

void
IpsecHelper::AddSa(Ptr<Node> node, const IpsecSaParams& params) const
{
    std::string why;
    int rc = GetStack(node)->GetSad()->Add(params, &why);
    if (rc != 0)
    {
        throw IpsecConfigError("add " + params.src.ToString() + " " + params.dst.ToString() + " "
                               + IpsecProtoName(params.proto) + " " + std::to_string(params.spi)
                               + ": " + std::strerror(rc) + (why.empty() ? "" : " (" + why + ")")
                               + "\n");
    }
}

void
IpsecHelper::AddPolicy(Ptr<Node> node, Ptr<IpsecPolicy> policy) const
{
    std::string why;
    int rc = GetStack(node)->GetSpd()->Add(policy, &why);
    if (rc != 0)
    {
        throw IpsecConfigError("spdadd " + policy->SelectorString() + " -P "
                               + policy->PolicyString() + ": " + std::strerror(rc)
                               + (why.empty() ? "" : " (" + why + ")") + "\n");
    }
}

void
IpsecHelper::SetSocketPolicy(Ptr<Socket> socket, const std::string& policy, bool privileged) const
{
    Ptr<Node> node = socket ? socket->GetNode() : nullptr;
    if (!node)
    {
        throw IpsecConfigError("per-socket policy \"" + policy
                               + "\": no socket, or a socket without a node\n");
    }
    std::string why;
    int rc = GetStack(node)->SetSocketPolicy(socket, policy, privileged, &why);
    if (rc != 0)
    {
        throw IpsecConfigError("setsockopt IP_IPSEC_POLICY \"" + policy + "\" on a socket of node "
                               + std::to_string(node->GetId()) + ": " + std::strerror(rc)
                               + (why.empty() ? "" : " (" + why + ")") + "\n");
    }
}

std::string
IpsecHelper::GetSocketPolicy(Ptr<Socket> socket, IpsecDirection dir)
{
    Ptr<Node> node = socket ? socket->GetNode() : nullptr;
    if (!node)
    {
        throw IpsecConfigError("per-socket policy: no socket, or a socket without a node\n");
    }
    return GetStack(node)->GetSocketPolicy(socket, dir);
}

void
IpsecHelper::PrintNetstat(Ptr<Node> node, std::ostream& os, bool omitZero)
{
    GetStack(node)->PrintStats(os, omitZero);
}

void
IpsecHelper::PrintStatsJson(Ptr<Node> node, std::ostream& os)
{
    Ptr<IpsecStack> ipsec = GetStack(node);
    os << "{\"ipsec\": ";
    ipsec->GetStats(false).PrintJson(os);
    os << ", \"ipsec6\": ";
    ipsec->GetStats(true).PrintJson(os);
    os << ", \"pfkey\": ";
    ipsec->GetKeyEngine()->GetStats().PrintJson(os);
    os << "}";
}

} // namespace ns3
