/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * IkeDaemon: a racoon-faithful IKEv1 daemon on a simulated node, an ns-3
 * Application.
 *
 * With its node's kernel it speaks PF_KEY exactly as racoon does: it
 * registers for ESP, AH and IPComp, keeps a copy of the SPD (X_SPDDUMP at
 * start, then the X_SPD* messages every socket receives), starts phase 1
 * and quick mode on SADB_ACQUIRE, reserves its inbound SPIs with
 * SADB_GETSPI at quick mode (larval SAs: the larval clock runs during phase
 * 2 only), installs the negotiated SAs with SADB_UPDATE (inbound) and
 * SADB_ADD (outbound) with soft lifetimes at 80 % of the hard ones, sends
 * the error ACQUIRE when a negotiation fails, and reacts to EXPIRE.
 *
 * With its peers it speaks IKEv1 (RFC 2409) in real ISAKMP datagrams on UDP
 * port 500, through a socket whose per-socket policies bypass IPsec: main
 * and aggressive mode with pre-shared keys, quick mode with and without
 * PFS, informational exchanges.  The Diffie-Hellman, SKEYID, KEYMAT and
 * phase-1 encryption are real (OpenSSL), so the SAs it installs are the
 * ones ESP uses and a capture decrypts.
 *
 * Timers and failures follow racoon (timer { }: 5 transmissions 10 s
 * apart, no back-off; the last message of an exchange sent once and
 * re-sent when the peer repeats its previous one; a queued phase 2 waits
 * phase1 seconds for phase 1; a quick mode gives up phase2 seconds after
 * GETSPI; unauthenticated phase-1 notifications are only logged).
 *
 * Everything it computes is a job on the node's processor (IpsecCpu): a
 * received message is processed when the processor is free, its
 * cryptography takes the time the node's profile says, and what it sends
 * leaves when that is done.
 */
#ifndef IKE_DAEMON_H
#define IKE_DAEMON_H

#include "ike-crypto.h"
#include "ike-natt.h"
#include "ike-proposal.h"
#include "ipsec-address.h"
#include "ipsec-policy.h"
#include "isakmp-message.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"
#include "pfkey-message.h"
#include "racoon-conf.h"

#include <array>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

class IpsecCpu;
class IpsecPfKeySocket;
class IpsecStack;

/**
 * @ingroup ipsec-ike
 * racoon's phase-1 states (handler.h).
 */
enum class IkePh1State : uint8_t
{
    SPAWN,        ///< PHASE1ST_SPAWN: the handle exists
    START,        ///< PHASE1ST_START: the negotiation starts
    MSG1RECEIVED, ///< the first message was received
    MSG1SENT,     ///< the first message was sent
    MSG2RECEIVED, ///< the second message was received
    MSG2SENT,     ///< the second message was sent
    MSG3RECEIVED, ///< the third message was received
    MSG3SENT,     ///< the third message was sent
    MSG4RECEIVED, ///< the fourth message was received
    ESTABLISHED,  ///< the ISAKMP SA is up
    DYING,        ///< past its soft lifetime
    EXPIRED,      ///< gone
};

/**
 * @ingroup ipsec-ike
 * racoon's phase-2 states (handler.h).
 */
enum class IkePh2State : uint8_t
{
    SPAWN,       ///< PHASE2ST_SPAWN: the handle exists
    START,       ///< PHASE2ST_START: the negotiation starts
    STATUS,      ///< waiting for phase 1
    GETSPISENT,  ///< GETSPI sent, its reply awaited
    GETSPIDONE,  ///< the inbound SPIs are reserved
    MSG1SENT,    ///< quick mode's first message was sent
    COMMIT,      ///< the commit bit's wait
    ADDSA,       ///< UPDATE/ADD sent, their replies awaited
    ESTABLISHED, ///< the SAs are installed
    EXPIRED,     ///< gone
};

/**
 * @ingroup ipsec-ike
 * The name of a phase-1 state.
 * @param s the state
 * @return racoon's name
 */
std::string IkePh1StateName(IkePh1State s);
/**
 * @ingroup ipsec-ike
 * The name of a phase-2 state.
 * @param s the state
 * @return racoon's name
 */
std::string IkePh2StateName(IkePh2State s);

/**
 * @ingroup ipsec-ike
 * Why a negotiation failed (the daemon counts each).
 */
enum class IkeFailure : uint8_t
{
    NO_REMOTE,           ///< no remote block for the peer
    NO_SAINFO,           ///< no sainfo for the phase 2
    NO_POLICY,           ///< responder: no policy for the proposed selectors
    PSK_MISSING,         ///< no pre-shared key for the peer
    PSK_WEAK_PERMISSION, ///< psk.txt readable by group or others
    PH1_NO_PROPOSAL,     ///< phase-1 proposal mismatch
    PH1_AUTH_FAILED,     ///< HASH_I / HASH_R mismatch, or undecryptable (PSK mismatch)
    PH1_TIMEOUT,         ///< no response: phase 1 retransmissions exhausted
    PH1_WAIT_TIMEOUT,    ///< a phase 2 waited phase1 seconds for phase 1
    PH2_NO_PROPOSAL,     ///< phase-2 proposal mismatch
    PH2_AUTH_FAILED,     ///< quick-mode HASH mismatch
    PH2_TIMEOUT,         ///< no response: quick-mode retransmissions exhausted
    PH2_DEADLINE,        ///< phase2 seconds after GETSPI (racoon's quick_timeover)
    LARVAL_EXPIRED,      ///< UPDATE refused (ENOENT): the larval SA was gone
    MALFORMED,           ///< a message the daemon could not parse
    ENCRYPT_FAILED,      ///< the crypto library failed to encrypt a message: nothing sent
    COUNT,               ///< the number of reasons
};

/**
 * @ingroup ipsec-ike
 * The name of a failure.
 * @param f the failure
 * @return its name
 */
std::string IkeFailureName(IkeFailure f);

/**
 * @ingroup ipsec-ike
 * Why the daemon dropped a received ISAKMP datagram: it neither advanced nor
 * started a negotiation, nor was it answered as a retransmission.  Each is
 * counted (IkeDaemonStats::drops) and traced (the Drop trace); the order of
 * the checks and the log lines are racoon's (isakmp_handler, isakmp_main,
 * ph1_main, the exchanges' *_recv functions, isakmp_info_recv).
 */
enum class IkeDrop : uint8_t
{
    SHORT,               ///< shorter than an ISAKMP header, or a header length under 28
    TOO_BIG,             ///< a header length over 65535
    LENGTH_MISMATCH,     ///< the header's length is not the datagram's
    BAD_HEADER,          ///< zero initiator cookie, version, flags, message id
    BAD_EXCHANGE,        ///< an exchange type the daemon does not handle
    UNKNOWN_COOKIE,      ///< no ISAKMP SA has these cookies
    COOKIE_MISMATCH,     ///< an ISAKMP SA's initiator cookie with a responder cookie not its own
    UNEXPECTED,          ///< not what the negotiation's state expects
    UNDECRYPTABLE,       ///< encrypted bytes that do not decrypt into a payload chain
    BAD_PAYLOAD,         ///< a malformed payload chain, a payload missing or invalid
    UNSUPPORTED_PAYLOAD, ///< a payload type this message may not carry
    BAD_HASH,            ///< a HASH that does not verify
    BAD_PROPOSAL,        ///< an SA payload refused: undecodable, or nothing acceptable in it
    NO_CONFIG,           ///< no remote, sainfo or policy for it
    DUPLICATE,           ///< a copy of a message already processed, not answered
    UNAUTHENTICATED,     ///< an unencrypted informational exchange: at most logged
    /// On the NAT-T port: no non-ESP marker (ESP or a keepalive the kernel
    /// should have consumed), or the marker followed by something that is
    /// not an ISAKMP message (RFC 3948 section 2.2).
    BAD_MARKER,
    COUNT, ///< the number of reasons
};

/**
 * @ingroup ipsec-ike
 * The name of a drop reason, as the Drop trace's users print it.
 * @param d the reason
 * @return "short", "unknown-cookie", ...
 */
std::string IkeDropName(IkeDrop d);

/**
 * @ingroup ipsec-ike
 * The daemon's counters.
 */
struct IkeDaemonStats
{
    uint64_t acquires{0};         ///< SADB_ACQUIRE received
    uint64_t ph1Started{0};       ///< phase 1 as initiator
    uint64_t ph1Responded{0};     ///< phase 1 as responder
    uint64_t ph1Established{0};   ///< ISAKMP SAs established
    uint64_t ph2Started{0};       ///< quick modes as initiator
    uint64_t ph2Responded{0};     ///< quick modes as responder
    uint64_t ph2Established{0};   ///< quick modes that installed their SAs
    uint64_t saInstalled{0};      ///< SAs UPDATEd or ADDed
    uint64_t messagesSent{0};     ///< ISAKMP datagrams sent
    uint64_t messagesReceived{0}; ///< ISAKMP datagrams received
    uint64_t bytesSent{0};        ///< their bytes, sent
    uint64_t bytesReceived{0};    ///< their bytes, received
    uint64_t retransmissions{0};  ///< our messages sent again
    uint64_t duplicates{0};       ///< peer retransmissions answered from the cache
    uint64_t dropped{0};          ///< received messages dropped: the sum of drops
    /// Received messages dropped, by reason (IkeDrop).
    std::array<uint64_t, static_cast<size_t>(IkeDrop::COUNT)> drops{};
    uint64_t errorAcquires{0};           ///< error ACQUIREs sent (failed negotiations)
    uint64_t rekeys{0};                  ///< quick modes started on a soft EXPIRE
    uint64_t deletesSent{0};             ///< informational DELETEs sent (isakmp_info_send_d2)
    uint64_t deletesReceived{0};         ///< SAs purged on the peer's DELETE
    uint64_t initialContactsSent{0};     ///< INITIAL-CONTACT notifications sent
    uint64_t initialContactsReceived{0}; ///< and received (our SAs with that peer purged)
    /// Messages not sent because the crypto library failed to encrypt them
    /// (fail closed: nothing goes out; a phase-1 or quick-mode message fails
    /// its negotiation, IkeFailure::ENCRYPT_FAILED).
    uint64_t encryptFailures{0};
    /// Failed negotiations, by reason (IkeFailure).
    std::array<uint64_t, static_cast<size_t>(IkeFailure::COUNT)> failures{};
    uint64_t nattDetected{0};       ///< phase 1s that detected a NAT (or forced NAT-T)
    uint64_t nattFloated{0};        ///< phase 1s that floated to the NAT-T port as initiator
    uint64_t nattPortChanges{0};    ///< "NAT-T: ports changed to: ..." (the peer moved)
    uint64_t keepalivesSent{0};     ///< NAT-T keepalives (one byte 0xFF) sent
    uint64_t keepalivesReceived{0}; ///< keepalives that reached the daemon's NAT-T socket
    uint64_t nattBadMarker{0};      ///< datagrams on the NAT-T port dropped: IkeDrop::BAD_MARKER

    /**
     * The failures of a reason.
     * @param f the reason
     * @return the negotiations that failed so
     */
    uint64_t Failures(IkeFailure f) const
    {
        return failures[static_cast<size_t>(f)];
    }

    /**
     * The drops of a reason.
     * @param d the reason
     * @return the received messages dropped so
     */
    uint64_t Drops(IkeDrop d) const
    {
        return drops[static_cast<size_t>(d)];
    }
};

/**
 * @ingroup ipsec-ike
 * A racoon-faithful IKEv1 daemon on a simulated node, an ns-3 Application:
 * PF_KEY with its node's kernel as racoon speaks it, IKEv1 (RFC 2409) with
 * its peers in real ISAKMP datagrams on UDP port 500, racoon's timers and
 * failures, every computation a job on the node's processor (IpsecCpu).
 */
class IkeDaemon : public Application
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IkeDaemon();
    ~IkeDaemon() override;

    /**
     * Sets the configuration.
     * @param conf racoon.conf
     */
    void SetConfig(const RacoonConf& conf);
    /**
     * Sets the pre-shared keys.
     * @param psk psk.txt
     */
    void SetPskFile(const RacoonPskFile& psk);
    /**
     * The configuration.
     * @return racoon.conf
     */
    const RacoonConf& GetConfig() const;

    /**
     * The counters.
     * @return the daemon's counters
     */
    const IkeDaemonStats& GetStats() const;

    /**
     * Assigns the random stream for cookies, nonces, message ids and DH exponents.
     * @param stream the first stream index to use
     * @return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

    /**
     * Fault injection: the next @p n encryptions of ISAKMP messages (phase 1,
     * quick mode, informational) fail as an OpenSSL error would, to study or
     * test what the daemon does then. Such a message is not sent (nothing
     * in clear, nothing half encrypted), "failed to encrypt." is logged and
     * IkeDaemonStats::encryptFailures counts it. As in racoon, a phase-1 or
     * quick-mode message that cannot be encrypted fails its negotiation at
     * once (IkeFailure::ENCRYPT_FAILED; phase 2 sends an error ACQUIRE), and
     * the next ACQUIRE starts again; an informational message is just not sent.
     * @param n the number of encryptions that fail
     */
    void FailNextEncryptions(uint32_t n);

    /// The timer { phase1; phase2 } values used where racoon.conf gives none.
    enum TimerDefaults
    {
        RACOON_CODE, ///< racoon's code: 30 s and 30 s
        MAN_PAGE,    ///< racoon.conf(5): 15 s and 10 s
    };

    /// Direction of a message in the Message trace.
    enum class Direction : uint8_t
    {
        SENT,     ///< sent by the daemon
        RECEIVED, ///< received by it
    };

    /// Signature of the Message trace: direction, peer, exchange, message
    /// number in its exchange (1-based; 0 informational), bytes, retransmission.
    typedef void (*MessageTracedCallback)(
        Direction, const IpsecAddress&, uint8_t, uint32_t, uint32_t, bool);
    /// Signature of the Phase1State trace: old, new, initiator?, peer.
    typedef void (*Ph1StateTracedCallback)(IkePh1State, IkePh1State, bool, const IpsecAddress&);
    /// Signature of the Phase2State trace: old, new, initiator?, peer.
    typedef void (*Ph2StateTracedCallback)(IkePh2State, IkePh2State, bool, const IpsecAddress&);
    /// Signature of the Negotiation trace: phase (1, 2), success, failure
    /// reason (meaningless on success), peer, duration.
    typedef void (*NegotiationTracedCallback)(uint8_t, bool, IkeFailure, const IpsecAddress&, Time);
    /// Signature of the Log trace: racoon's level (1 ERROR ... 5 DEBUG2) and the line.
    typedef void (*LogTracedCallback)(int, const std::string&);
    /// Signature of the Drop trace: the reason, the sender's address, the datagram.
    typedef void (*DropTracedCallback)(IkeDrop, const IpsecAddress&, const std::vector<uint8_t>&);

    /// The keys of an established ISAKMP SA (for Wireshark's IKEv1 decryption table).
    struct Phase1Keys
    {
        std::vector<uint8_t> icookie; ///< the initiator's cookie
        std::vector<uint8_t> rcookie; ///< the responder's cookie
        std::string cipher;           ///< racoon's name ("3des", "aes", ...)
        uint32_t keyBits{0};          ///< the cipher's key length
        std::string hash;             ///< racoon's name of the hash
        std::vector<uint8_t> encKey;  ///< the phase-1 encryption key
        bool initiator{false};        ///< this daemon was the initiator
        std::vector<uint8_t> skeyidA; ///< SKEYID_a: the key of the phase-2 and informational HASHes
        std::vector<uint8_t> iv;      ///< the last phase-1 CBC block (phase 2's IVs derive from it)
    };

    /// The keys of an installed SA (for Wireshark's ESP SA table).
    struct SaKeys
    {
        IpsecProto proto{IpsecProto::ESP}; ///< the protocol
        IpsecAddress src;                  ///< the SA's source
        IpsecAddress dst;                  ///< the SA's destination
        uint32_t spi{0};                   ///< its SPI
        uint8_t encrypt{0};                ///< SADB_EALG_*
        uint8_t auth{0};                   ///< SADB_AALG_*
        std::vector<uint8_t> encKey;       ///< the encryption key
        std::vector<uint8_t> authKey;      ///< the authentication key
    };

    /// Signature of the Phase1Keys trace: the keys of an ISAKMP SA just established.
    typedef void (*Phase1KeysTracedCallback)(const Phase1Keys&);
    /// Signature of the SaKeys trace: the keys of an SA just installed.
    typedef void (*SaKeysTracedCallback)(const SaKeys&);
    /// Signature of the PfKeySent trace: a PF_KEY message the daemon sends its kernel.
    typedef void (*PfKeySentTracedCallback)(const PfKeyMessage&);

  protected:
    void DoDispose() override;

  private:
    struct Retry;
    struct Ph1;
    struct Ph2;
    struct Work;

    /// The UDP ports a datagram leaves from and goes to, and whether it
    /// carries the non-ESP marker (RFC 3948 section 2.2): a phase 1's, or
    /// the received datagram's.  0 stands for the daemon's isakmp port.
    struct Path
    {
        uint16_t localPort{0}; ///< our port
        uint16_t peerPort{0};  ///< the peer's port
        bool marker{false};    ///< four zero bytes before the ISAKMP message
    };

    void StartApplication() override;
    void StopApplication() override;

    // ---- the processor ---------------------------------------------------
    /// Runs @p logic as one job on the node's processor: it runs when the
    /// processor is free, charges what it computed, and what it sends leaves
    /// when the job ends.
    void Run(const std::string& what, std::function<void(Work&)> logic);

    // ---- PF_KEY -------------------------------------------------------------
    void OnPfKey(Ptr<IpsecPfKeySocket> so);
    void HandlePfKey(Work& w, const PfKeyMessage& m);
    void HandleAcquire(Work& w, const PfKeyMessage& m);
    void HandleGetSpi(Work& w, const PfKeyMessage& m);
    void HandleUpdateAddReply(Work& w, const PfKeyMessage& m);
    void HandleExpire(Work& w, const PfKeyMessage& m);
    void HandleSaDelete(Work& w, const PfKeyMessage& m);
    void HandleSpd(const PfKeyMessage& m);
    void SendPfKey(Work& w, PfKeyMessage m);
    void SendErrorAcquire(Work& w, const Ph2& ph2);

    // ---- ISAKMP datagrams ----------------------------------------------------
    void OnIsakmp(Ptr<Socket> socket);
    void HandleIsakmp(Work& w,
                      const std::vector<uint8_t>& bytes,
                      const Address& from,
                      bool nattSocket);
    /// isakmp_handler's and isakmp_main's checks, then the exchange's handler.
    void Dispatch(Work& w, const std::vector<uint8_t>& bytes, const IpsecAddress& peer);
    /// Sends @p bytes to @p peer when the job ends (the Message trace says
    /// it is message @p messageNumber of @p exchange).
    void SendIsakmp(Work& w,
                    const IpsecAddress& peer,
                    const std::vector<uint8_t>& bytes,
                    uint8_t exchange,
                    uint32_t messageNumber,
                    bool retransmission,
                    Path path);
    /// The ports of @p ph1's messages.
    Path PathOf(const Ph1& ph1) const;
    /// The ports of handle @p id's messages (a phase 2's are its phase 1's).
    Path PathOfHandle(uint32_t id, bool phase1);

    // ---- NAT traversal (RFC 3947, racoon's nattraversal.c) -------------------
    /// The NAT-T vendor IDs racoon sends in its first message.
    void AddNattVids(IsakmpMessage& m) const;
    /// The peer's vendor IDs: the NAT-T version (natt_handle_vendorid).
    void HandleVids(Ph1& ph1, const IsakmpMessage& m);
    /// The NAT-D payload type a message may carry given its own vendor IDs
    /// (AM2 announces the version and carries NAT-D at once), or PL_NONE.
    uint8_t NatDTypeAnnounced(const Ph1& ph1, const IsakmpMessage& m) const;
    /// The NAT-D payloads: the peer's address and port, then ours.
    void AddNatD(Work& w, IsakmpMessage& m, const Ph1& ph1);
    /// The peer's NAT-D payloads checked: NAT detected on which side.
    void RecvNatD(Work& w, Ph1& ph1, const IsakmpMessage& m, bool detectFirst);
    /// The NAT-D payload type of @p ph1's version (0 without NAT-T).
    uint8_t NatDType(const Ph1& ph1) const;
    /// natt_float_ports: to the NAT-T port once NAT is detected.
    void FloatPorts(Ph1& ph1);
    /// natt_keepalive_add_ph1.
    void AddKeepalive(Ph1& ph1);
    /// natt_keepalive_send: one byte 0xFF to every peer of the list.
    void SendKeepalives();
    /// Whether NAT-T is in use on @p ph1 with a NAT (or forced).
    bool NatDetected(const Ph1& ph1) const;
    /// The NAT-OA payload type of @p ph1's version (0 without NAT-T).
    uint8_t NatOaType(const Ph1& ph1) const;
    /// NAT-OAi and NAT-OAr, with a transport-mode SA and NAT detected.
    void AddNatOa(std::vector<IsakmpPayload>& payloads,
                  const Ph1& ph1,
                  const Ph2& p,
                  const IpsecAddress& oai,
                  const IpsecAddress& oar);
    /// The peer's NAT-OA addresses in order (at most two); false when dropped.
    bool ReadNatOa(const IsakmpMessage& m, const Ph1& ph1, std::optional<IpsecAddress> out[2]);

    // ---- phase 1 --------------------------------------------------------------
    Ph1* StartPh1(Work& w, const IpsecAddress& peer, const RacoonRemote& rm);
    void HandlePh1(Work& w, Ph1& ph1, const IsakmpMessage& m, const std::vector<uint8_t>& raw);
    void RespondPh1(Work& w,
                    const IsakmpHeader& h,
                    const IpsecAddress& peer,
                    const std::vector<uint8_t>& raw);
    /// g^xy, SKEYID and the phase-1 keys; a peer's public value that does not
    /// fit the group fails the negotiation unless @p failOnBadPublic is false.
    bool ComputeKeys(Work& w, Ph1& ph1, bool failOnBadPublic = true);
    std::vector<uint8_t> Ph1Message(Work& w, Ph1& ph1, IsakmpMessage m, bool encrypt);
    /// Decrypts with the running IV; @p nextIv is the one to keep once the
    /// message is accepted (racoon synchronises the IV only then).
    bool DecryptPh1(Work& w,
                    Ph1& ph1,
                    const std::vector<uint8_t>& raw,
                    IsakmpMessage* m,
                    std::vector<uint8_t>* nextIv);
    void Ph1Established(Work& w, Ph1& ph1);
    /// HASH_I (@p initiators) or HASH_R over @p idBody, charged to the processor.
    IkeBytes Ph1Hash(Work& w, const Ph1& ph1, bool initiators, const IkeBytes& idBody);
    /// The peer's HASH checked: on a mismatch counted, notified and dropped (false).
    bool PeerHashValid(Work& w,
                       Ph1& ph1,
                       const IsakmpHeader& h,
                       const IkeBytes& expected,
                       const IkeBytes& received);
    /// A phase-1 message accepted: traced, the resend stopped, kept for duplicates.
    void AcceptPh1Message(Ph1& ph1,
                          const IsakmpHeader& h,
                          uint32_t number,
                          const std::vector<uint8_t>& raw);
    /// Keeps @p bytes as our reply to @p answered (message @p number of the
    /// exchange) and sends it: with retransmission when @p resend, else once.
    void SendPh1Reply(Work& w,
                      Ph1& ph1,
                      const std::vector<uint8_t>& answered,
                      const std::vector<uint8_t>& bytes,
                      uint32_t number,
                      bool resend);
    /// Our Diffie-Hellman key pair in @p group and our nonce, charged to the
    /// processor: g^xi and Ni as initiator, g^xr and Nr as responder.
    void MakeKeyExchange(Work& w, Ph1& ph1, uint16_t group);
    /// Main mode's HDR, KE, nonce (MM3 as initiator, MM4 as responder),
    /// answering @p answered, sent with retransmission.
    void SendMainKeyExchange(Work& w,
                             Ph1& ph1,
                             const std::vector<uint8_t>& answered,
                             uint32_t number);
    /// Main mode's HDR*, ID, HASH (MM5 as initiator, MM6 as responder),
    /// answering @p answered: with retransmission, except the responder's last.
    /// MM5/MM6; false when it could not be encrypted (the phase 1 has then failed and is gone).
    bool SendMainIdHash(Work& w, Ph1& ph1, const std::vector<uint8_t>& answered, uint32_t number);
    /// Main mode's KE and nonce from the peer (MM3 as responder, MM4 as
    /// initiator): checked, accepted as message @p number, the state set to
    /// @p next, the pre-shared key found; false when the message was dropped
    /// or there is no key.
    bool RecvMainKeyExchange(Work& w,
                             Ph1& ph1,
                             const IsakmpMessage& m,
                             const std::vector<uint8_t>& raw,
                             uint32_t number,
                             IkePh1State next);
    /// Main mode's ID and HASH from the peer (MM5 as responder, MM6 as
    /// initiator): encrypted, the peer's HASH and ID checked, the IV advanced
    /// to @p nextIv, accepted as message @p number; false when dropped or failed.
    bool RecvMainIdHash(Work& w,
                        Ph1& ph1,
                        const IsakmpMessage& m,
                        const std::vector<uint8_t>& raw,
                        uint32_t number,
                        const IkeBytes& nextIv);
    void Ph1Failed(Work& w, Ph1& ph1, IkeFailure why, const std::string& text);
    void SetPh1State(Ph1& ph1, IkePh1State s);
    std::optional<std::vector<uint8_t>> LookupPsk(Work& w, Ph1& ph1);

    // ---- phase 2 --------------------------------------------------------------
    void StartPh2(Work& w, Ph2& ph2);
    void HandlePh2(Work& w, Ph1& ph1, const IsakmpMessage& m, const std::vector<uint8_t>& raw);
    void RespondPh2(Work& w, Ph1& ph1, const IsakmpMessage& m, const std::vector<uint8_t>& raw);
    void SendQuick1(Work& w, Ph2& ph2);
    void SendQuick2(Work& w, Ph2& ph2);
    void InstallSas(Work& w, Ph2& ph2);
    void Ph2Failed(Work& w, Ph2& ph2, IkeFailure why, const std::string& text);
    void SetPh2State(Ph2& ph2, IkePh2State s);
    void DeletePh2(uint32_t id);
    /// isakmp_info_send_d2: DELETE for our inbound SAs of @p ph2 (all, or only @p spi).
    void SendPh2Delete(Work& w, const Ph2& ph2, std::optional<uint32_t> spi);
    void PurgeIpsecSpi(Work& w, Ph1& ph1, const IsakmpDelete& d);
    void PurgeIsakmpSpi(const IsakmpDelete& d);
    /// info_recv_initialcontact: the peer started afresh; our SAs with it go.
    void RecvInitialContact(Work& w, Ph1& ph1);
    /// isakmp_newmsgid2: a nonzero random message id.
    uint32_t NewMessageId();
    /// Quick mode's check that a decrypted message starts with its HASH (dropped if not).
    bool HashFirst(const IsakmpMessage& m);
    /// isakmp_info_send_common: an informational exchange carrying @p pl
    /// under @p ph1's keys (HASH(1), encrypted), ready to send.
    std::vector<uint8_t> EncryptedInfo(Work& w, Ph1& ph1, const IsakmpPayload& pl);
    void PollPh1(uint32_t ph2Id);
    std::vector<uint8_t> Ph2Message(Work& w,
                                    Ph1& ph1,
                                    uint32_t messageId,
                                    std::vector<uint8_t>& iv,
                                    uint8_t exchange,
                                    const std::vector<IsakmpPayload>& payloads,
                                    const std::vector<uint8_t>& hash);
    bool DecryptPh2(Work& w,
                    Ph1& ph1,
                    const std::vector<uint8_t>& raw,
                    std::vector<uint8_t>& iv,
                    IsakmpMessage* m);

    // ---- informational -----------------------------------------------------------
    void SendNotify(
        Work& w, Ph1* ph1, const IpsecAddress& peer, const IsakmpHeader& about, uint16_t type);
    void HandleInfo(Work& w, Ph1* ph1, const IsakmpMessage& m, const std::vector<uint8_t>& raw);

    // ---- retransmission ------------------------------------------------------------
    /**
     * Sends @p bytes to @p peer for handle @p id (phase 1 or 2) and re-sends
     * it every interval until counter transmissions were made; the next
     * expiry fails the negotiation (isakmp_ph1resend / isakmp_ph2resend).
     */
    void SendWithRetry(Work& w,
                       uint32_t id,
                       bool phase1,
                       const IpsecAddress& peer,
                       const std::vector<uint8_t>& bytes,
                       uint8_t exchange,
                       uint32_t messageNumber);
    /// Stops the handle's retransmissions (its message was answered).
    void StopRetry(uint32_t id, bool phase1);
    void ArmResend(uint32_t id, bool phase1, uint64_t generation);
    void Resend(uint32_t id, bool phase1, uint64_t generation);

    // ---- received packets (racoon's check_recvdpkt / add_recvdpkt) --------------------
    /**
     * Remembers that @p reply answered @p received from @p peer: a copy of
     * @p received is answered with @p reply again, up to counter times,
     * until counter x interval after the last answer (racoon's recvdpkt list).
     */
    void AddRecvd(const std::vector<uint8_t>& received,
                  const IpsecAddress& peer,
                  const std::vector<uint8_t>& reply,
                  uint8_t exchange,
                  uint32_t replyNumber,
                  Path path);
    /// True when @p bytes was answered before: answered again (or, from elsewhere, dropped).
    bool CheckRecvd(Work& w, const std::vector<uint8_t>& bytes, const IpsecAddress& peer);
    void SweepRecvd();

    // ---- helpers ---------------------------------------------------------------------
    std::vector<uint8_t> Random(uint32_t n);
    /**
     * IkeCbcEncrypt, failing closed: on an error (or an injected fault) logs
     * racoon's line, counts it and returns false.
     */
    bool Encrypt(const IkeCipherAlg& cipher,
                 const IkeBytes& key,
                 const IkeBytes& iv,
                 const IkeBytes& plain,
                 IkeBytes* out);
    void Log(int level, const std::string& text);
    void Fail(IkeFailure why);
    /**
     * Drops the datagram being handled for @p why: counts it, fires the Drop
     * trace and logs @p text (racoon's line) at racoon's @p level (none when
     * @p text is empty).
     */
    void Drop(IkeDrop why, int level, const std::string& text);
    /// Drops unless every payload of @p m after the first @p skip is one of @p allowed.
    bool OnlyPayloads(const IsakmpMessage& m,
                      std::initializer_list<uint8_t> allowed,
                      size_t skip = 0);
    Ph1* FindPh1(const std::array<uint8_t, 8>& icookie, const std::array<uint8_t, 8>& rcookie);
    Ph1* FindPh1ByICookie(const std::array<uint8_t, 8>& icookie);
    Ph1* FindPh1Id(uint32_t id);
    Ph1* FindPh1ByPeer(const IpsecAddress& peer, bool established);
    Ph2* FindPh2(uint32_t id);
    const IpsecPolicy* FindPolicyById(uint32_t id) const;
    const IpsecPolicy* FindPolicyBySelector(IpsecDirection dir, const IpsecSelector& sel) const;
    Time Interval() const;

    RacoonConf m_conf;
    std::optional<RacoonPskFile> m_psk;
    Ptr<IpsecStack> m_ipsec;
    Ptr<IpsecCpu> m_cpu;
    Ptr<IpsecPfKeySocket> m_pfkey;
    Ptr<Socket> m_socket4;
    Ptr<Socket> m_socket6;
    Ptr<Socket> m_nattSocket4; ///< the NAT-T port (UDP_ENCAP_ESPINUDP), IPv4
    Ptr<Socket> m_nattSocket6; ///< the NAT-T port, IPv6
    uint16_t m_nattPort{4500}; ///< racoon's port_isakmp_natt
    EventId m_keepalive;       ///< racoon's sc_natt: the keepalive timer
    Ptr<UniformRandomVariable> m_rng;
    uint32_t m_failEncryptions{0}; ///< FailNextEncryptions' faults still to inject
    uint32_t m_pid;
    uint32_t m_exponentBits;
    TimerDefaults m_timerDefaults{RACOON_CODE};
    uint32_t m_retryCounter{0}; ///< attribute override (0: racoon.conf's)
    Time m_retryInterval;       ///< attribute override (0: racoon.conf's)
    Time m_phase1Wait;          ///< attribute override (0: racoon.conf's or TimerDefaults)
    Time m_phase2Wait;          ///< attribute override (0: racoon.conf's or TimerDefaults)
    uint16_t m_port;
    bool m_running;

    std::map<uint32_t, std::unique_ptr<Ph1>> m_ph1;
    std::map<uint32_t, std::unique_ptr<Ph2>> m_ph2;
    std::set<IpsecAddress> m_contacted; ///< peers sent INITIAL-CONTACT (racoon's contacted list)
    uint32_t m_nextHandle;
    uint32_t m_pfkeySeq;
    /// The daemon's copy of the SPD (by policy id), from X_SPDDUMP and the X_SPD* messages.
    std::map<uint32_t, IpsecPolicy> m_spd;

    /// A reply racoon keeps for the message it answered (struct recvdpkt).
    struct Recvd
    {
        std::vector<uint8_t> received;
        IpsecAddress peer;
        std::vector<uint8_t> reply;
        uint8_t exchange{0};
        uint32_t replyNumber{0};
        Path path;           ///< the ports it came from and went to
        uint32_t retries{0}; ///< answers left
        Time sent;           ///< the last time the reply left
    };

    std::vector<Recvd> m_recvd;
    EventId m_sweep;
    /// The datagram HandleIsakmp handles (for Drop).
    const std::vector<uint8_t>* m_rxBytes{nullptr};
    IpsecAddress m_rxPeer;
    Path m_rxPath; ///< the ports of the datagram HandleIsakmp handles

    IkeDaemonStats m_stats;
    TracedCallback<Direction, const IpsecAddress&, uint8_t, uint32_t, uint32_t, bool>
        m_messageTrace;
    TracedCallback<IkePh1State, IkePh1State, bool, const IpsecAddress&> m_ph1Trace;
    TracedCallback<IkePh2State, IkePh2State, bool, const IpsecAddress&> m_ph2Trace;
    TracedCallback<uint8_t, bool, IkeFailure, const IpsecAddress&, Time> m_negotiationTrace;
    TracedCallback<int, const std::string&> m_logTrace;
    TracedCallback<const Phase1Keys&> m_phase1KeysTrace;
    TracedCallback<const SaKeys&> m_saKeysTrace;
    TracedCallback<const PfKeyMessage&> m_pfkeySentTrace;
    TracedCallback<IkeDrop, const IpsecAddress&, const std::vector<uint8_t>&> m_dropTrace;
};

} // namespace ns3

#endif /* IKE_DAEMON_H */
