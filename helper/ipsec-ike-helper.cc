/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-ike-helper.h"

#include "ipsec-key-log-helper.h"
#include "ns3/abort.h"
#include "ns3/node.h"

#include <fstream>
#include <memory>
#include <set>
#include <sys/stat.h>

namespace ns3
{

namespace
{

bool
Exists(const std::string& path)
{
    struct stat st;
    return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

std::string
DirOf(const std::string& path)
{
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string
BaseOf(const std::string& path)
{
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// The ISAKMP key file of one directory, each line written once.
struct KeyLog
{
    std::ofstream ike;
    std::set<std::string> seen;

    void Write(const std::string& line)
    {
        if (seen.insert(line).second)
        {
            ike << line << "\n";
            ike.flush();
        }
    }
};

} // namespace

IpsecIkeHelper::IpsecIkeHelper()
{
    m_factory.SetTypeId(IkeDaemon::GetTypeId());
}

void
IpsecIkeHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

Ptr<IkeDaemon>
IpsecIkeHelper::Install(Ptr<Node> node,
                        const std::string& confPath,
                        const std::string& pskPath,
                        uint32_t pskMode) const
{
    RacoonConf conf = ReadRacoonConf(confPath);
    std::string psk = pskPath;
    if (psk.empty() && !conf.pskPath.empty())
    {
        psk = Exists(conf.pskPath) ? conf.pskPath : DirOf(confPath) + "/" + BaseOf(conf.pskPath);
    }
    std::optional<RacoonPskFile> keys;
    if (!psk.empty())
    {
        keys = RacoonPskFile::Read(psk, pskMode);
    }
    return Install(node, conf, keys);
}

Ptr<IkeDaemon>
IpsecIkeHelper::Install(Ptr<Node> node,
                        const RacoonConf& conf,
                        const std::optional<RacoonPskFile>& psk) const
{
    Ptr<IkeDaemon> d = m_factory.Create<IkeDaemon>();
    d->SetConfig(conf);
    if (psk)
    {
        d->SetPskFile(*psk);
    }
    node->AddApplication(d);
    return d;
}

void
IpsecIkeHelper::EnableKeyLog(const NodeContainer& nodes, const std::string& dir) const
{
    auto log = std::make_shared<KeyLog>();
    log->ike.open(dir + "/ikev1_decryption_table");
    NS_ABORT_MSG_UNLESS(log->ike, "cannot write the key log into " << dir);
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        for (uint32_t i = 0; i < (*it)->GetNApplications(); ++i)
        {
            Ptr<IkeDaemon> d = DynamicCast<IkeDaemon>((*it)->GetApplication(i));
            if (!d)
            {
                continue;
            }
            d->TraceConnectWithoutContext("Phase1Keys",
                                          Callback<void, const IkeDaemon::Phase1Keys&>(
                                              [log](const IkeDaemon::Phase1Keys& k)
                                              {
                                                  // Both fields are UAT byte buffers: bare hex, no
                                                  // quotes (a quoted field is a string, read byte
                                                  // for byte).
                                                  log->Write(IpsecKeyLogHelper::Hex(k.icookie) + ","
                                                             + IpsecKeyLogHelper::Hex(k.encKey));
                                              }));
        }
    }
    // The ESP SAs the daemons install, through the nodes' key engines.
    IpsecKeyLogHelper().EnableKeyLog(nodes, dir);
}

int64_t
IpsecIkeHelper::AssignStreams(const NodeContainer& nodes, int64_t stream) const
{
    int64_t current = stream;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        for (uint32_t i = 0; i < (*it)->GetNApplications(); ++i)
        {
            if (Ptr<IkeDaemon> d = DynamicCast<IkeDaemon>((*it)->GetApplication(i)))
            {
                current += d->AssignStreams(current);
            }
        }
    }
    return current - stream;
}

} // namespace ns3
