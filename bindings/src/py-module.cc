/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns3ipsec._core: the C++ side of the Python bindings.  It is thin on
 * purpose: plain functions and small classes over the module's helpers and
 * the parts of ns-3 a simulation needs (Debian's ns-3 3.37 has no Python
 * bindings of its own).  The Python package (bindings/ns3ipsec) gives them
 * their Pythonic names, docstrings and exceptions; errors come back here as
 * values (a setkey run's SetkeyError fields, a sysctl's message), and the
 * package raises them.
 */
#include "py-module.h"

#include "ns3/config.h"
#include "ns3/core-module.h"
#include "ns3/ipsec-module.h"

#include <sstream>

namespace py = pybind11;
using namespace ns3;

namespace ns3ipsec
{

py::dict
SetkeyResultDict(const SetkeyResult& r)
{
    py::dict d;
    d["ok"] = r.ok;
    d["aborted"] = r.aborted;
    d["messages"] = r.messages;
    d["statements"] = r.statementsExecuted;
    if (r.error.line != 0)
    {
        py::dict e;
        e["file"] = r.error.fileName;
        e["line"] = r.error.line;
        e["token"] = r.error.token;
        e["message"] = r.error.message;
        e["expected"] = r.error.expected;
        e["text"] = r.error.Describe();
        d["error"] = e;
    }
    else
    {
        d["error"] = py::none();
    }
    return d;
}

} // namespace ns3ipsec

using namespace ns3ipsec;

namespace
{

/// setkey: checked whole first (setkey -n), so that a script with an error
/// changes nothing, then run.
py::dict
RunSetkey(const PyNode& n, const std::string& text, const std::string& name)
{
    Ptr<IpsecStack> stack = n.node->GetObject<IpsecStack>();
    if (!stack)
    {
        throw py::value_error("node " + std::to_string(n.node->GetId()) + " has no IPsec stack");
    }
    SetkeyOptions check;
    check.parseOnly = true;
    SetkeyResult dry = Setkey::Run(stack->GetKeyEngine(), text, name, check);
    if (dry.aborted || dry.error.line != 0)
    {
        return SetkeyResultDict(dry);
    }
    SetkeyResult r = Setkey::Run(stack->GetKeyEngine(), text, name);
    return SetkeyResultDict(r);
}

std::string
SadText(const PyNode& n)
{
    return SetkeyDump::SadToString(IpsecHelper::GetStack(n.node)->GetSad());
}

std::string
SpdText(const PyNode& n)
{
    return SetkeyDump::SpdToString(IpsecHelper::GetStack(n.node)->GetSpd());
}

std::string
Netstat(const PyNode& n, bool omitZero)
{
    std::ostringstream os;
    IpsecHelper::PrintNetstat(n.node, os, omitZero);
    return os.str();
}

std::string
StatsJson(const PyNode& n)
{
    std::ostringstream os;
    IpsecHelper::PrintStatsJson(n.node, os);
    return os.str();
}

/// A sysctl: (value, "") or ("", the error message).
std::pair<std::string, std::string>
SysctlGet(const PyNode& n, const std::string& name)
{
    try
    {
        return {IpsecSysctl::Get(n.node, name), ""};
    }
    catch (const IpsecSysctlError& e)
    {
        return {"", e.what()};
    }
}

std::string
SysctlSet(const PyNode& n, const std::string& name, const std::string& value)
{
    try
    {
        IpsecSysctl::Set(n.node, name, value);
        return "";
    }
    catch (const IpsecSysctlError& e)
    {
        return e.what();
    }
}

/// The object of type @p typeName aggregated to the node (or its first
/// application / device of that type).
Ptr<Object>
FindObject(const PyNode& n, const std::string& typeName)
{
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(typeName, &tid))
    {
        throw py::value_error("no ns-3 type named " + typeName);
    }
    Ptr<Object> o = n.node->GetObject<Object>(tid);
    if (o)
    {
        return o;
    }
    for (uint32_t i = 0; i < n.node->GetNApplications(); ++i)
    {
        if (n.node->GetApplication(i)->GetInstanceTypeId().IsChildOf(tid)
            || n.node->GetApplication(i)->GetInstanceTypeId() == tid)
        {
            return n.node->GetApplication(i);
        }
    }
    throw py::value_error("node " + std::to_string(n.node->GetId()) + " has no " + typeName);
}

void
SetObjectAttribute(const PyNode& n,
                   const std::string& typeName,
                   const std::string& name,
                   const std::string& value)
{
    Ptr<Object> o = FindObject(n, typeName);
    if (!o->SetAttributeFailSafe(name, StringValue(value)))
    {
        throw py::value_error("cannot set " + typeName + "::" + name + " to \"" + value + "\"");
    }
}

std::string
GetObjectAttribute(const PyNode& n, const std::string& typeName, const std::string& name)
{
    Ptr<Object> o = FindObject(n, typeName);
    StringValue v;
    if (!o->GetAttributeFailSafe(name, v))
    {
        throw py::value_error("no attribute " + typeName + "::" + name);
    }
    return v.Get();
}

void
ConnectDrop(const PyNode& n, py::function cb)
{
    Ptr<IpsecStack> stack = IpsecHelper::GetStack(n.node);
    std::function<void(Ptr<const Packet>, bool, IpsecDropReason, const std::string&)> f
        = [cb](Ptr<const Packet> p, bool v6, IpsecDropReason why, const std::string& text)
    {
        std::ostringstream name;
        name << why;
        cb(name.str(), v6, text, p ? p->GetSize() : 0);
    };
    stack->TraceConnectWithoutContext(
        "Drop", Callback<void, Ptr<const Packet>, bool, IpsecDropReason, const std::string&>(f));
}

void
ConnectPfKey(const PyNode& n, py::function cb)
{
    Ptr<IpsecKeyEngine> engine = IpsecHelper::GetStack(n.node)->GetKeyEngine();
    std::function<void(const PfKeyMessage&, bool)> f = [cb](const PfKeyMessage& msg, bool in)
    {
        cb(PfKeyTypeName(msg.type), int(msg.satype), int(msg.errnum), msg.seq, msg.pid, in);
    };
    engine->TraceConnectWithoutContext("Message", Callback<void, const PfKeyMessage&, bool>(f));
}

std::vector<std::string>
Addresses(const PyNode& n)
{
    std::vector<std::string> out;
    if (Ptr<Ipv4> ip = n.node->GetObject<Ipv4>())
    {
        for (uint32_t i = 1; i < ip->GetNInterfaces(); ++i)
        {
            for (uint32_t j = 0; j < ip->GetNAddresses(i); ++j)
            {
                std::ostringstream os;
                ip->GetAddress(i, j).GetLocal().Print(os);
                out.push_back(os.str());
            }
        }
    }
    if (Ptr<Ipv6> ip = n.node->GetObject<Ipv6>())
    {
        for (uint32_t i = 1; i < ip->GetNInterfaces(); ++i)
        {
            for (uint32_t j = 0; j < ip->GetNAddresses(i); ++j)
            {
                Ipv6Address a = ip->GetAddress(i, j).GetAddress();
                if (a.IsLinkLocal())
                {
                    continue;
                }
                std::ostringstream os;
                a.Print(os);
                out.push_back(os.str());
            }
        }
    }
    return out;
}

py::dict
Cpu(const PyNode& n)
{
    Ptr<IpsecCpu> cpu = IpsecCpu::Of(n.node);
    py::dict d;
    d["profile"] = cpu->GetProfile().name;
    d["busy_s"] = cpu->GetBusyTime().GetSeconds();
    d["jobs"] = cpu->GetJobsDone();
    d["crypto_busy_s"] = cpu->GetCryptoBusyTime().GetSeconds();
    d["crypto_jobs"] = cpu->GetCryptoJobs();
    d["crypto_drops"] = cpu->GetCryptoDrops();
    d["crypto_queue"] = cpu->GetCryptoQueueLength();
    return d;
}

} // namespace

PYBIND11_MODULE(_core, m)
{
    m.doc() = "The C++ core of ns3ipsec (use the ns3ipsec package, not this module).";

    // ---- the simulator ------------------------------------------------------
    m.def("run",
          []()
          {
              Simulator::Run();
          });
    m.def("stop_at",
          [](double s)
          {
              Simulator::Stop(Seconds(s));
          });
    m.def("now",
          []()
          {
              return Simulator::Now().GetSeconds();
          });
    m.def("destroy",
          []()
          {
              Simulator::Destroy();
          });
    m.def("set_seed",
          [](uint32_t s)
          {
              RngSeedManager::SetSeed(s);
          });
    m.def("set_run",
          [](uint64_t r)
          {
              RngSeedManager::SetRun(r);
          });
    m.def("get_seed",
          []()
          {
              return RngSeedManager::GetSeed();
          });
    m.def("get_run",
          []()
          {
              return RngSeedManager::GetRun();
          });
    m.def("schedule",
          [](double delay, py::function f)
          {
              Simulator::Schedule(Seconds(delay),
                                  [f]()
                                  {
                                      f();
                                  });
          });
    m.def("set_default",
          [](const std::string& name, const std::string& value)
          {
              return Config::SetDefaultFailSafe(name, StringValue(value));
          });
    m.def("config_set",
          [](const std::string& path, const std::string& value)
          {
              return Config::SetFailSafe(path, StringValue(value));
          });
    m.def("set_global",
          [](const std::string& name, const std::string& value)
          {
              return GlobalValue::BindFailSafe(name, StringValue(value));
          });
    m.def("assign_streams",
          [](const std::vector<PyNode>& nodes, int64_t stream)
          {
              NodeContainer c;
              for (const PyNode& n : nodes)
              {
                  c.Add(n.node);
              }
              return IpsecStackHelper().AssignStreams(c, stream);
          });
    m.def("cpu_profiles",
          []()
          {
              return IpsecCpuProfile::Names();
          });
    m.def("log_enable",
          [](const std::string& component)
          {
              LogComponentEnable(component.c_str(), LOG_LEVEL_ALL);
          });

    // ---- nodes ------------------------------------------------------------------
    py::class_<PyNode>(m, "Node")
        .def_property_readonly("id",
                               [](const PyNode& n)
                               {
                                   return n.node->GetId();
                               })
        .def("addresses", &Addresses)
        .def("setkey", &RunSetkey, py::arg("text"), py::arg("name") = "")
        .def("sad_text", &SadText)
        .def("spd_text", &SpdText)
        .def("netstat", &Netstat, py::arg("omit_zero") = false)
        .def("stats_json", &StatsJson)
        .def("sysctl_get", &SysctlGet)
        .def("sysctl_set", &SysctlSet)
        .def("set_attribute", &SetObjectAttribute)
        .def("get_attribute", &GetObjectAttribute)
        .def("connect_drop", &ConnectDrop)
        .def("connect_pfkey", &ConnectPfKey)
        .def("cpu", &Cpu)
        .def("__eq__",
             [](const PyNode& a, const PyNode& b)
             {
                 return a.node == b.node;
             })
        .def("__hash__",
             [](const PyNode& n)
             {
                 return n.node->GetId();
             });

    RegisterTopology(m);
    RegisterTraffic(m);
    RegisterExamples(m);
    RegisterState(m);
    RegisterStudy(m);
    RegisterNat(m);
}
