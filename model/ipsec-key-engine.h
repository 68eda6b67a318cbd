/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The key engine of one node (KAME's key.c + keysock.c): the only way in
 * and out of the node's SAD and SPD for setkey and key management daemons,
 * through PF_KEY v2 messages on IpsecPfKeySocket (RFC 2367 with KAME's
 * extensions, net/pfkeyv2.h; key_parse in key.c).
 *
 *  - Requests: GETSPI, UPDATE, ADD, DELETE, GET, ACQUIRE, REGISTER, FLUSH,
 *    DUMP, X_PROMISC, X_SPDUPDATE/ADD/DELETE/DELETE2/GET/DUMP/FLUSH and
 *    X_SPDSETIDX.  Each is parsed with KAME's checks (bad messages are
 *    refused and counted in the pfkey: statistics), applied, and answered
 *    as KAME answers: errors to the requester only; add/update/delete/
 *    flush/spd* results to every socket; getspi/get/dump/spdget to the
 *    requester; REGISTER to the registered sockets.
 *  - Kernel-originated: ACQUIRE when an outbound packet needs an SA that
 *    does not exist (throttled by blockacq_count/blockacq_lifetime, the
 *    packet is never queued), EXPIRE at soft expiry, DELETE when
 *    preferred_oldsa = 0 retires an older SA.  They go to the sockets
 *    registered for the SA type; promiscuous sockets get a copy of all.
 *  - The net.key.* knobs are attributes (the lifetime/SPI ones live on
 *    IpsecSad, which the engine owns).
 */
#ifndef IPSEC_KEY_ENGINE_H
#define IPSEC_KEY_ENGINE_H

#include "ipsec-pfkey-socket.h"
#include "ipsec-sad.h"
#include "ipsec-spd.h"
#include "ipsec-stats.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"
#include "pfkey-message.h"

#include <array>
#include <map>
#include <ostream>
#include <tuple>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-keys
 * The key engine of one node (KAME's key.c and keysock.c): the only way in
 * and out of the node's SAD and SPD, through PF_KEY v2 messages on
 * IpsecPfKeySocket; ACQUIRE and EXPIRE; the net.key.* knobs.
 */
class IpsecKeyEngine : public Object
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecKeyEngine();

    /**
     * Sets the databases the engine manages (a stack creates its own pair).
     * @param sad the SAD
     * @param spd the SPD
     * @param expire the SAD's soft expiries become SADB_EXPIRE messages of
     *        this engine (false for a temporary engine over someone else's SAD)
     */
    void SetDatabases(Ptr<IpsecSad> sad, Ptr<IpsecSpd> spd, bool expire = true);
    /**
     * The SAD.
     * @return the SAD the engine manages
     */
    Ptr<IpsecSad> GetSad() const;
    /**
     * The SPD.
     * @return the SPD the engine manages
     */
    Ptr<IpsecSpd> GetSpd() const;

    /**
     * socket(PF_KEY, SOCK_RAW, PF_KEY_V2).
     * @param pid the process that opens it (sadb_msg_pid of its messages)
     * @return the socket, or nullptr when it could not be attached (no
     *         memory; counted in sockerr, as key_attach counts it)
     */
    Ptr<IpsecPfKeySocket> Open(uint32_t pid = 0);

    /**
     * One message from userland (called by IpsecPfKeySocket::Send).
     * @param from the socket it was written on
     * @param data the message
     * @param len its length
     * @return 0, or the errno of the request
     */
    int Receive(IpsecPfKeySocket* from, const uint8_t* data, size_t len);
    /**
     * Forgets a closed socket (called by IpsecPfKeySocket::Close).
     * @param socket the socket
     */
    void Forget(IpsecPfKeySocket* socket);

    /**
     * key_checkrequest for one request of an outbound policy: the SA to use,
     * chosen as IpsecSad::SelectOutbound does with the PreferredOldSa rule
     * (and, with PreferredOldSa false, older SAs with a hard lifetime retired
     * with an SADB_DELETE), or nullptr after an ACQUIRE was attempted.
     * @param src the datagram's source (transport) or the tunnel's
     * @param dst the datagram's destination or the tunnel's
     * @param req the request
     * @param policy the policy the request belongs to
     * @return the SA, or nullptr
     */
    Ptr<IpsecSa> AllocateOutbound(const IpsecAddress& src,
                                  const IpsecAddress& dst,
                                  const IpsecRequest& req,
                                  Ptr<const IpsecPolicy> policy);

    /**
     * key_acquire: asks the registered daemons for an SA (src, dst, proto,
     * mode, reqid), unless blockacq throttling holds it back.
     * @param src the SA's source
     * @param dst the SA's destination
     * @param req the request (protocol, mode, reqid)
     * @param policy the policy the request belongs to
     * @return true when an ACQUIRE message was sent
     */
    bool Acquire(const IpsecAddress& src,
                 const IpsecAddress& dst,
                 const IpsecRequest& req,
                 Ptr<const IpsecPolicy> policy);

    /**
     * An SA as an SADB message body.
     * @param type the message type
     * @param sa the SA
     * @param keys whether the key extensions are included
     * @return the message: SA, SA2, lifetimes, addresses (and keys)
     */
    PfKeyMessage SaMessage(PfKeyType type, const IpsecSa& sa, bool keys) const;
    /**
     * The contents of an SADB_ADD / SADB_UPDATE as SA parameters.
     * @param msg the message
     * @param params set to the parameters
     * @param why set to why not on EINVAL
     * @return 0, or EINVAL
     */
    int ToSaParams(const PfKeyMessage& msg, IpsecSaParams* params, std::string* why) const;
    /**
     * The policy an X_SPDADD carries.
     * @param msg the message
     * @param policy set to the policy
     * @param why set to why not on EINVAL
     * @return 0, or EINVAL
     */
    int ToPolicy(const PfKeyMessage& msg, Ptr<IpsecPolicy>* policy, std::string* why) const;
    /**
     * A policy as an X_SPD* message body.
     * @param type the message type
     * @param policy the policy
     * @return the message: addresses and X_POLICY
     */
    static PfKeyMessage PolicyMessage(PfKeyType type, const IpsecPolicy& policy);

    /**
     * The wall clock of a simulated time (lifetime "current" fields).
     * @param t the simulated time
     * @return seconds since the epoch
     */
    uint64_t WallClock(Time t) const;

    /**
     * KAME's pfkeystat.
     * @return the counters
     */
    IpsecPfKeyStats& GetStats();
    /**
     * KAME's pfkeystat.
     * @return the counters
     */
    const IpsecPfKeyStats& GetStats() const;
    /**
     * Prints netstat -s's "pfkey:" section.
     * @param os the stream
     * @param omitZero leave out the zero counters (netstat -ss)
     */
    void PrintStats(std::ostream& os, bool omitZero = false) const;

    /**
     * Why the last request failed: the model's explanation of an errno KAME
     * would only log.
     * @return the reason, "" after a success
     */
    const std::string& GetLastReason() const;

    /// Signature of the Message trace: message, true when sent by userland.
    typedef void (*MessageTracedCallback)(const PfKeyMessage&, bool);

  protected:
    void DoDispose() override;

  private:
    using Handler = int (IpsecKeyEngine::*)(IpsecPfKeySocket*, const PfKeyMessage&);
    /// One row per message type: its handler (nullptr: EOPNOTSUPP).
    static const std::array<Handler, PFKEY_TYPE_MAX + 1>& Handlers();

    int HandleGetSpi(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleUpdate(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleAdd(IpsecPfKeySocket* so, const PfKeyMessage& m);
    /// ADD (@p update false) or UPDATE: the SA of @p m into the SAD, result to all.
    int InstallSa(IpsecPfKeySocket* so, const PfKeyMessage& m, bool update);
    int HandleDelete(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleGet(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleAcquire(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleRegister(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleFlush(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleDump(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandlePromisc(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandlePChange(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleSpdAdd(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleSpdDelete(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleSpdDelete2(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleSpdGet(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleSpdDump(IpsecPfKeySocket* so, const PfKeyMessage& m);
    int HandleSpdFlush(IpsecPfKeySocket* so, const PfKeyMessage& m);

    /// Where a message from the kernel goes (keysock.c KEY_SENDUP_*).
    enum class Target : uint8_t
    {
        ONE = 0,
        ALL = 1,
        REGISTERED = 2,
    };
    /// key_sendup_mbuf: counts and queues @p msg (plus promiscuous copies).
    void SendUp(IpsecPfKeySocket* one, Target target, const PfKeyMessage& msg);
    /// key_senderror: the request echoed with sadb_msg_errno, to the requester.
    int SendError(IpsecPfKeySocket* so, const PfKeyMessage& request, int errnum);
    /// Records why a request failed and returns @p errnum.
    int Fail(int errnum, const std::string& why);

    /// SADB_EXPIRE for an SA that just became dying.
    void NotifyExpire(Ptr<IpsecSa> sa);
    /// The PROPOSAL of an ACQUIRE for @p proto (esp_keymin, esp_auth, ah_keymin).
    PfKeyProposal BuildProposal(IpsecProto proto) const;

    Ptr<IpsecSad> m_sad;
    Ptr<IpsecSpd> m_spd;
    bool m_ownsExpire{false};
    std::vector<Ptr<IpsecPfKeySocket>> m_sockets;
    IpsecPfKeyStats m_stats;
    std::string m_lastReason;

    /// The acquire-block table (KAME's acqtree), per exact index.
    using AcqKey = std::tuple<IpsecAddress, IpsecAddress, uint8_t, uint8_t, uint32_t>;
    struct AcqEntry
    {
        uint32_t count{0};
        uint32_t seq{0};
        Time created;
    };
    std::map<AcqKey, AcqEntry> m_acquires;
    uint32_t m_acqSeq{0};

    uint32_t m_blockAcqCount;    ///< net.key.blockacq_count
    uint32_t m_blockAcqLifetime; ///< net.key.blockacq_lifetime (s)
    uint32_t m_espKeyMin;        ///< net.key.esp_keymin
    uint32_t m_espAuth;          ///< net.key.esp_auth
    uint32_t m_ahKeyMin;         ///< net.key.ah_keymin
    bool m_preferredOldSa;       ///< net.key.preferred_oldsa
    uint32_t m_debug;            ///< net.key.debug (stored only)
    bool m_byteLifetimes;        ///< K2001: accept and enforce byte lifetimes
    int64_t m_epoch;             ///< wall-clock seconds of simulated time 0

    TracedCallback<const PfKeyMessage&, bool> m_messageTrace;
};

} // namespace ns3

#endif /* IPSEC_KEY_ENGINE_H */
