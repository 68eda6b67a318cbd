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

/**
 * @ingroup ipsec-keys
 * A PF_KEY v2 socket of one node (RFC 2367 section 2; KAME's key_usrreqs
 * and key_output): opened by IpsecKeyEngine::Open, written with Send (one
 * message a call, as write(2)), read with Recv from a queue bounded by the
 * RcvBufSize attribute (SO_RCVBUF).  A receive callback runs in simulated
 * time, never inside the engine's call that queued the message.
 */
class IpsecPfKeySocket : public Object
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecPfKeySocket();

    /**
     * The process id this socket's messages carry (sadb_msg_pid), given to
     * IpsecKeyEngine::Open; replies and broadcasts carry the pid of the
     * request they answer.
     * @return the pid (0 when the opener gave none)
     */
    uint32_t GetPid() const;

    /**
     * write(2): one message for the kernel, in RFC 2367's wire layout
     * (key_output, then key_parse).  The reply (the request echoed with
     * sadb_msg_errno set when it failed) is queued on this socket or
     * broadcast as KAME's handler does; a message too malformed to parse is
     * counted in the engine's pfkey counters and its header echoed with the
     * errno (key_senderror).
     * @param bytes one whole message (sadb_msg_len in 64-bit words covers it)
     * @return 0, the errno of the refused message or failed request
     *         (EINVAL, ENOENT, EEXIST...), or EBADF after Close()
     */
    int Send(const std::vector<uint8_t>& bytes);
    /**
     * Serializes @p msg (sadb_msg_pid set to this socket's pid when 0) and
     * sends it as Send(bytes) does.
     * @param msg the message (taken by value: its pid may be set)
     * @return 0, or the errno of the request (EBADF after Close())
     */
    int Send(PfKeyMessage msg);

    /**
     * read(2): the next queued message, taken off the queue.
     * @param bytes set to the message in wire layout (untouched when none)
     * @return false when nothing is queued
     */
    bool Recv(std::vector<uint8_t>* bytes);
    /**
     * The next queued message, taken off the queue and parsed
     * (PfKeyMessage::Parse).  A message that does not parse is consumed all
     * the same.
     * @param msg set to the parsed message
     * @return false when nothing is queued or the message does not parse
     */
    bool Recv(PfKeyMessage* msg);
    /**
     * Messages waiting to be read (not bytes: each Recv takes one).
     * @return the number of queued messages
     */
    uint32_t GetRxAvailable() const;

    /**
     * Sets the function called, in simulated time (Simulator::ScheduleNow),
     * whenever messages were queued and not yet read; several messages
     * queued in one engine call make one call.  Messages already queued
     * make a call as soon as it is set.
     * @param cb called with this socket; a null callback stops the calls
     */
    void SetRecvCallback(Callback<void, Ptr<IpsecPfKeySocket>> cb);

    /**
     * close(2): the socket leaves the engine (IpsecKeyEngine::Forget): it
     * gets no more messages and later sends fail with EBADF.  Messages
     * already queued can still be read.  Idempotent.
     */
    void Close();

    /**
     * Whether the socket registered (SADB_REGISTER) for @p satype: it then
     * gets that type's ACQUIREs and EXPIREs (key_acquire, key_expire send
     * them to registered sockets only).
     * @param satype an SADB_SATYPE_* value (PfKeySaTypeOf)
     * @return true once registered; a registration lasts as long as the socket
     */
    bool IsRegistered(uint8_t satype) const;
    /**
     * Whether the socket registered for any SA type at all.
     * @return true when IsRegistered is true for some satype
     */
    bool IsRegisteredAny() const;
    /**
     * Whether SADB_X_PROMISC was turned on: the socket gets a copy of every
     * message the engine sends to userland, behind an SADB_X_PROMISC header
     * (KAME's kp_promisc).
     * @return true while promiscuous
     */
    bool IsPromiscuous() const;

  private:
    friend class IpsecKeyEngine;
    /**
     * Called by the engine when it creates the socket.
     * @param engine the node's key engine
     * @param pid the opener's process id
     */
    void Attach(IpsecKeyEngine* engine, uint32_t pid);
    /// Called by the engine when it goes away: later sends fail with EBADF.
    void Detach();
    /**
     * Called by the engine: queues @p bytes and schedules the receive
     * callback.
     * @param bytes one message in wire layout
     * @return false when the receive buffer is full (the message is lost,
     *         in_nomem)
     */
    bool Deliver(const std::vector<uint8_t>& bytes);
    /**
     * SADB_REGISTER for @p satype succeeded.
     * @param satype the registered SA type
     */
    void SetRegistered(uint8_t satype);
    /**
     * SADB_X_PROMISC turned the promiscuous mode on or off.
     * @param on the new mode
     */
    void SetPromiscuous(bool on);
    /// Schedules the receive callback now, once per batch of queued messages.
    void Notify();
    void DoDispose() override;

    /// The engine keeps its open sockets alive; this back pointer is cleared
    /// by Close() and by the engine's disposal (no reference cycle).
    IpsecKeyEngine* m_engine{nullptr};
    uint32_t m_pid{0};                        ///< sadb_msg_pid of this socket
    std::deque<std::vector<uint8_t>> m_queue; ///< messages not read yet, oldest first
    uint64_t m_queuedBytes{0};                ///< bytes in m_queue (against m_rcvBuf)
    uint64_t m_rcvBuf{0};          ///< RcvBufSize attribute (0 = unlimited; default 2 MiB)
    std::bitset<256> m_registered; ///< SA types registered for, by satype
    bool m_promisc{false};         ///< SADB_X_PROMISC on
    bool m_notifyPending{false};   ///< a callback is scheduled
    Callback<void, Ptr<IpsecPfKeySocket>> m_recv; ///< the receive callback
};

} // namespace ns3

#endif /* IPSEC_PFKEY_SOCKET_H */
