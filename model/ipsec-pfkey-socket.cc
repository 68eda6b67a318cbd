/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-pfkey-socket.h"

#include "ipsec-key-engine.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cerrno>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecPfKeySocket");
NS_OBJECT_ENSURE_REGISTERED(IpsecPfKeySocket);

TypeId
IpsecPfKeySocket::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::IpsecPfKeySocket")
              .SetParent<Object>()
              .SetGroupName("Ipsec")
              .AddAttribute("RcvBufSize",
                            "Receive buffer in bytes (SO_RCVBUF; 0 = unlimited).  Messages "
                            "that do not fit are lost and counted (pfkey in_nomem), as in "
                            "KAME, so a daemon that never reads cannot make the node's "
                            "memory grow.  The default is the 2 MiB ipsec-tools' "
                            "pfkey_open asks for; KAME's libipsec asked for 128 KiB, which "
                            "is how large PF_KEY dumps got truncated (setkey's own dumps "
                            "here read the databases directly and are never truncated).",
                            UintegerValue(2 * 1024 * 1024),
                            MakeUintegerAccessor(&IpsecPfKeySocket::m_rcvBuf),
                            MakeUintegerChecker<uint64_t>());
    return tid;
}

IpsecPfKeySocket::IpsecPfKeySocket() = default;

void
IpsecPfKeySocket::Attach(IpsecKeyEngine* engine, uint32_t pid)
{
    m_engine = engine;
    m_pid = pid;
}

void
IpsecPfKeySocket::Detach()
{
    m_engine = nullptr;
}

uint32_t
IpsecPfKeySocket::GetPid() const
{
    return m_pid;
}

int
IpsecPfKeySocket::Send(const std::vector<uint8_t>& bytes)
{
    NS_LOG_FUNCTION(this << bytes.size());
    if (!m_engine)
    {
        return EBADF;
    }
    return m_engine->Receive(this, bytes.data(), bytes.size());
}

int
IpsecPfKeySocket::Send(PfKeyMessage msg)
{
    if (msg.pid == 0)
    {
        msg.pid = m_pid;
    }
    return Send(msg.Serialize());
}

bool
IpsecPfKeySocket::Recv(std::vector<uint8_t>* bytes)
{
    if (m_queue.empty())
    {
        return false;
    }
    m_queuedBytes -= m_queue.front().size();
    *bytes = std::move(m_queue.front());
    m_queue.pop_front();
    return true;
}

bool
IpsecPfKeySocket::Recv(PfKeyMessage* msg)
{
    std::vector<uint8_t> bytes;
    if (!Recv(&bytes))
    {
        return false;
    }
    return PfKeyMessage::Parse(bytes.data(), bytes.size(), msg) == 0;
}

uint32_t
IpsecPfKeySocket::GetRxAvailable() const
{
    return static_cast<uint32_t>(m_queue.size());
}

void
IpsecPfKeySocket::SetRecvCallback(Callback<void, Ptr<IpsecPfKeySocket>> cb)
{
    m_recv = cb;
    if (!m_queue.empty())
    {
        Notify();
    }
}

void
IpsecPfKeySocket::Close()
{
    NS_LOG_FUNCTION(this);
    if (m_engine)
    {
        IpsecKeyEngine* engine = m_engine;
        m_engine = nullptr;
        engine->Forget(this);
    }
}

bool
IpsecPfKeySocket::IsRegistered(uint8_t satype) const
{
    return m_registered.test(satype);
}

bool
IpsecPfKeySocket::IsRegisteredAny() const
{
    return m_registered.any();
}

bool
IpsecPfKeySocket::IsPromiscuous() const
{
    return m_promisc;
}

bool
IpsecPfKeySocket::Deliver(const std::vector<uint8_t>& bytes)
{
    if (m_rcvBuf != 0 && m_queuedBytes + bytes.size() > m_rcvBuf)
    {
        NS_LOG_LOGIC("receive buffer full: " << bytes.size() << " bytes lost");
        return false;
    }
    m_queuedBytes += bytes.size();
    m_queue.push_back(bytes);
    Notify();
    return true;
}

void
IpsecPfKeySocket::Notify()
{
    if (m_recv.IsNull() || m_notifyPending)
    {
        return;
    }
    m_notifyPending = true;
    Ptr<IpsecPfKeySocket> self(this);
    Simulator::ScheduleNow(
        [self]()
        {
            self->m_notifyPending = false;
            if (!self->m_recv.IsNull() && !self->m_queue.empty())
            {
                self->m_recv(self);
            }
        });
}

void
IpsecPfKeySocket::SetRegistered(uint8_t satype)
{
    m_registered.set(satype);
}

void
IpsecPfKeySocket::SetPromiscuous(bool on)
{
    m_promisc = on;
}

void
IpsecPfKeySocket::DoDispose()
{
    Close();
    m_recv = MakeNullCallback<void, Ptr<IpsecPfKeySocket>>();
    m_queue.clear();
    Object::DoDispose();
}

} // namespace ns3
