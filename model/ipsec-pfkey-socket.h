/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A PF_KEY socket (socket(PF_KEY, SOCK_RAW, PF_KEY_V2)) of one node: how
 * setkey and key management daemons talk to the node's key engine.  Send()
 * hands the engine one message in RFC 2367 wire layout and returns the
 * errno write(2) would; what the engine sends back (replies, ACQUIRE,
 * EXPIRE, REGISTER broadcasts, promiscuous copies) is queued on the socket
 * and read with Recv().  A receive callback, when set, is scheduled in
 * simulated time (Simulator::ScheduleNow) each time something is queued,
 * so a daemon reacts to an ACQUIRE the way racoon does: after the packet
 * that caused it has been dealt with, never inside the kernel's call.
 */
#ifndef IPSEC_PFKEY_SOCKET_H
#define IPSEC_PFKEY_SOCKET_H

#include "ns3/callback.h"
#include "ns3/object.h"
#include "pfkey-message.h"

#include <bitset>
#include <deque>
#include <vector>

namespace ns3
{

class IpsecKeyEngine;

class IpsecPfKeySocket : public Object
{
  public:
    static TypeId GetTypeId();
    IpsecPfKeySocket();

    /// The process id this socket's messages carry (sadb_msg_pid).
    uint32_t GetPid() const;

    /**
     * write(2): one message for the kernel.  Returns 0, or the errno of a
     * message the kernel could not even parse (the error reply is also
     * queued, as KAME does).  EBADF after Close().
     */
    int Send(const std::vector<uint8_t>& bytes);
    /// Serializes @p msg (sadb_msg_pid set to this socket's pid when 0) and sends it.
    int Send(PfKeyMessage msg);

    /// read(2): the next queued message, false when none is queued.
    bool Recv(std::vector<uint8_t>* bytes);
    /// The next queued message, parsed (false when none is queued or it does not parse).
    bool Recv(PfKeyMessage* msg);
    /// Messages waiting to be read.
    uint32_t GetRxAvailable() const;

    /// Called (in simulated time) whenever messages were queued.
    void SetRecvCallback(Callback<void, Ptr<IpsecPfKeySocket>> cb);

    /// close(2): the socket leaves the engine; later sends fail with EBADF.
    void Close();

    /// Registered (SADB_REGISTER) for @p satype: gets its ACQUIREs and EXPIREs.
    bool IsRegistered(uint8_t satype) const;
    bool IsRegisteredAny() const;
    /// SADB_X_PROMISC turned on: gets a copy of every message sent to userland.
    bool IsPromiscuous() const;

  private:
    friend class IpsecKeyEngine;
    /// Called by the engine when it creates the socket.
    void Attach(IpsecKeyEngine* engine, uint32_t pid);
    /// Called by the engine when it goes away.
    void Detach();
    /// Called by the engine: queues @p bytes; false when the receive buffer
    /// is full (the message is lost, in_nomem).
    bool Deliver(const std::vector<uint8_t>& bytes);
    void SetRegistered(uint8_t satype);
    void SetPromiscuous(bool on);
    void Notify();
    void DoDispose() override;

    /// The engine keeps its open sockets alive; this back pointer is cleared
    /// by Close() and by the engine's disposal (no reference cycle).
    IpsecKeyEngine* m_engine{nullptr};
    uint32_t m_pid{0};
    std::deque<std::vector<uint8_t>> m_queue;
    uint64_t m_queuedBytes{0};
    uint64_t m_rcvBuf{0}; ///< RcvBufSize attribute (0 = unlimited; default 2 MiB)
    std::bitset<256> m_registered;
    bool m_promisc{false};
    bool m_notifyPending{false};
    Callback<void, Ptr<IpsecPfKeySocket>> m_recv;
};

} // namespace ns3

#endif /* IPSEC_PFKEY_SOCKET_H */
