/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns3ipsec._core's structured view of a node's IPsec state and its sockets:
 * the SAD's SAs and the SPD's policies as dicts (what setkey -D and -DP
 * print, as values), and UDP sockets a Python script drives itself, with
 * per-socket policies (setsockopt IP_IPSEC_POLICY / IPV6_IPSEC_POLICY).
 */
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipsec-module.h"
#include "py-module.h"

namespace py = pybind11;
using namespace ns3;

namespace ns3ipsec
{

namespace
{

py::list
Sas(const PyNode& n)
{
    py::list out;
    Ptr<IpsecSad> sad = IpsecHelper::GetStack(n.node)->GetSad();
    for (const Ptr<IpsecSaHead>& head : sad->GetHeads())
    {
        for (const auto& list : head->sas)
        {
            for (const Ptr<IpsecSa>& sa : list)
            {
                const IpsecSaParams& p = sa->params;
                py::dict d;
                d["src"] = p.src.ToString();
                d["dst"] = p.dst.ToString();
                d["proto"] = IpsecProtoName(p.proto);
                d["spi"] = p.spi;
                d["mode"] = IpsecModeName(p.mode);
                d["reqid"] = p.reqid;
                d["state"] = IpsecSaStateName(sa->state);
                d["encryption"] = p.enc ? py::object(py::str(p.enc->name)) : py::none();
                d["authentication"] = p.auth ? py::object(py::str(p.auth->name)) : py::none();
                d["compression"] = p.comp ? py::object(py::str(p.comp->name)) : py::none();
                d["replay_window"] = p.replayWindow;
                d["bytes"] = sa->bytes;
                d["allocations"] = sa->allocations;
                d["created_s"] = sa->created.GetSeconds();
                d["last_used_s"] = sa->lastUsed.GetSeconds();
                d["hard_lifetime_s"] = p.hardAddTime;
                d["soft_lifetime_s"] = p.softAddTime;
                d["sequence"] = sa->seqCounter;
                // NAT-T (RFC 3948): None for an SA whose ESP is not in UDP.
                bool natt = p.nattType != 0;
                d["natt_type"] = p.nattType;
                d["natt_sport"] = natt ? py::object(py::int_(p.nattSport)) : py::none();
                d["natt_dport"] = natt ? py::object(py::int_(p.nattDport)) : py::none();
                d["natt_oai"] = p.nattOai.GetFamily() != IpsecAddress::NONE
                                  ? py::object(py::str(p.nattOai.ToString()))
                                  : py::none();
                d["natt_oar"] = p.nattOar.GetFamily() != IpsecAddress::NONE
                                  ? py::object(py::str(p.nattOar.ToString()))
                                  : py::none();
                out.append(d);
            }
        }
    }
    return out;
}

py::list
Policies(const PyNode& n)
{
    py::list out;
    Ptr<IpsecSpd> spd = IpsecHelper::GetStack(n.node)->GetSpd();
    for (IpsecDirection dir : {IpsecDirection::INBOUND, IpsecDirection::OUTBOUND})
    {
        for (const Ptr<IpsecPolicy>& pol : spd->GetPolicies(dir))
        {
            py::dict d;
            d["direction"] = dir == IpsecDirection::INBOUND ? "in" : "out";
            d["selector"] = pol->SelectorString();
            d["policy"] = pol->PolicyString();
            d["src"] = pol->selector.src.ToString() + "/" + std::to_string(pol->selector.prefs);
            d["dst"] = pol->selector.dst.ToString() + "/" + std::to_string(pol->selector.prefd);
            d["sport"] = pol->selector.sport;
            d["dport"] = pol->selector.dport;
            d["protocol"] = pol->selector.ulproto;
            d["id"] = pol->id;
            d["setkey_line"] = pol->setkeyLine;
            py::list requests;
            for (const IpsecRequest& r : pol->requests)
            {
                py::dict q;
                q["proto"] = IpsecProtoName(r.proto);
                q["mode"] = IpsecModeName(r.mode);
                q["tunnel_src"] = (r.tunnelSrc.IsV4() || r.tunnelSrc.IsV6())
                                    ? py::object(py::str(r.tunnelSrc.ToString()))
                                    : py::none();
                q["tunnel_dst"] = (r.tunnelDst.IsV4() || r.tunnelDst.IsV6())
                                    ? py::object(py::str(r.tunnelDst.ToString()))
                                    : py::none();
                q["reqid"] = r.reqid;
                requests.append(q);
            }
            d["requests"] = requests;
            out.append(d);
        }
    }
    return out;
}

/// A UDP socket driven from Python.
struct PySocket
{
    Ptr<Socket> socket;
    bool ipv6{false};
};

PySocket
UdpSocket(const PyNode& n, bool ipv6, uint16_t port)
{
    PySocket s{Socket::CreateSocket(n.node, UdpSocketFactory::GetTypeId()), ipv6};
    int r = ipv6 ? s.socket->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), port))
                 : s.socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
    if (r != 0)
    {
        throw py::value_error("cannot bind UDP port " + std::to_string(port));
    }
    return s;
}

/// (error text or "") of setting a per-socket policy.
std::string
SetPolicy(const PySocket& s, const std::string& policy, bool privileged)
{
    try
    {
        IpsecHelper().SetSocketPolicy(s.socket, policy, privileged);
        return "";
    }
    catch (const IpsecConfigError& e)
    {
        return e.what();
    }
}

int
SendTo(const PySocket& s, const py::bytes& data, const std::string& addr, uint16_t port)
{
    std::string b = data;
    Ptr<Packet> p = Create<Packet>(reinterpret_cast<const uint8_t*>(b.data()), b.size());
    Address to = addr.find(':') != std::string::npos
                   ? Address(Inet6SocketAddress(Ipv6Address(addr.c_str()), port))
                   : Address(InetSocketAddress(Ipv4Address(addr.c_str()), port));
    return s.socket->SendTo(p, 0, to);
}

void
OnReceive(const PySocket& s, py::function cb)
{
    s.socket->SetRecvCallback(Callback<void, Ptr<Socket>>(std::function<void(Ptr<Socket>)>(
        [cb](Ptr<Socket> sock)
        {
            Address from;
            while (Ptr<Packet> p = sock->RecvFrom(from))
            {
                std::string data(p->GetSize(), '\0');
                p->CopyData(reinterpret_cast<uint8_t*>(&data[0]), data.size());
                std::ostringstream who;
                uint16_t port = 0;
                if (InetSocketAddress::IsMatchingType(from))
                {
                    InetSocketAddress a = InetSocketAddress::ConvertFrom(from);
                    a.GetIpv4().Print(who);
                    port = a.GetPort();
                }
                else if (Inet6SocketAddress::IsMatchingType(from))
                {
                    Inet6SocketAddress a = Inet6SocketAddress::ConvertFrom(from);
                    a.GetIpv6().Print(who);
                    port = a.GetPort();
                }
                cb(py::bytes(data), who.str(), port);
            }
        })));
}

} // namespace

void
RegisterState(py::module_& m)
{
    m.def("sas", &Sas);
    m.def("policies", &Policies);
    py::class_<PySocket>(m, "Socket")
        .def("set_policy", &SetPolicy)
        .def("get_policy",
             [](const PySocket& s, bool inbound)
             {
                 return IpsecHelper::GetSocketPolicy(
                     s.socket, inbound ? IpsecDirection::INBOUND : IpsecDirection::OUTBOUND);
             })
        .def("send_to", &SendTo)
        .def("on_receive", &OnReceive)
        .def("close",
             [](const PySocket& s)
             {
                 s.socket->Close();
             });
    m.def("udp_socket", &UdpSocket);
}

} // namespace ns3ipsec
