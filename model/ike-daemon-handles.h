/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The IKE daemon's private state: its phase-1 and phase-2 handles (racoon's
 * ph1handle and ph2handle), their retransmission state, and the processor
 * job a handler runs in.  Only the daemon's own files include it.
 */
#ifndef IKE_DAEMON_HANDLES_H
#define IKE_DAEMON_HANDLES_H

#include "ike-daemon.h"

#include <memory>

namespace ns3
{

/// A message sent with retransmission (isakmp_ph1send / isakmp_ph2send).
struct IkeDaemon::Retry
{
    EventId timer;             ///< the retransmission timer
    uint64_t generation{0};    ///< bumped to cancel a resend already queued
    uint32_t sends{0};         ///< transmissions so far
    std::vector<uint8_t> last; ///< the message last sent
    IpsecAddress peer;         ///< where it went
    uint8_t exchange{0};       ///< its exchange type
    uint32_t messageNumber{0}; ///< its number in the exchange (for logs and traces)
};

/// A phase-1 negotiation (ISAKMP SA).
struct IkeDaemon::Ph1
{
    uint32_t id{0};                        ///< the handle's id
    bool initiator{true};                  ///< we started the negotiation
    IkePh1State state{IkePh1State::SPAWN}; ///< racoon's phase-1 status
    uint8_t exchange{isakmp::EXCH_IDENT};  ///< main (identity protection) or aggressive mode
    IpsecAddress local;                    ///< our address
    IpsecAddress peer;                     ///< the peer's address
    const RacoonRemote* rm{nullptr};       ///< the remote block in use
    std::array<uint8_t, 8> icookie{};      ///< the initiator's cookie
    std::array<uint8_t, 8> rcookie{};      ///< the responder's cookie
    uint16_t localPort{500};               ///< our UDP port (4500 once floated)
    uint16_t peerPort{500};                ///< the peer's UDP port, as we see it

    IkeNattOptions natt;         ///< the NAT-T version in use (NONE: not announced)
    bool natDetectedMe{false};   ///< NAT_DETECTED_ME: our address is translated
    bool natDetectedPeer{false}; ///< NAT_DETECTED_PEER: the peer's is
    bool portsChanged{false};    ///< NAT_PORTS_CHANGED: no further port floating
    bool marker{false};          ///< NAT_ADD_NON_ESP_MARKER
    bool kaQueued{false};        ///< NAT_KA_QUEUED: in the keepalive list
    bool natDecided{false};      ///< the NAT-D payloads were checked

    IkePh1Transform chosen;              ///< the transform agreed on
    const IkeHashAlg* hash{nullptr};     ///< its hash
    const IkeCipherAlg* cipher{nullptr}; ///< its cipher
    uint32_t keyBytes{0};                ///< its cipher key length
    std::vector<uint8_t> saiBody;        ///< SAi_b: the initiator's SA payload body

    std::unique_ptr<IkeDh> dh; ///< our Diffie-Hellman
    IkeBytes gxi;              ///< the initiator's public value
    IkeBytes gxr;              ///< the responder's public value
    IkeBytes gxy;              ///< the shared secret
    IkeBytes ni;               ///< the initiator's nonce
    IkeBytes nr;               ///< the responder's nonce
    IkeBytes idiiBody;         ///< IDii_b
    IkeBytes idirBody;         ///< IDir_b
    IkeBytes psk;              ///< the pre-shared key
    IkePhase1Keys keys;        ///< SKEYID and its derivatives
    bool keysReady{false};     ///< keys has been computed
    IkeBytes iv;               ///< the running phase-1 CBC IV (the last block once established)

    Retry retry;                       ///< the retransmission of our last message
    std::vector<uint8_t> lastReceived; ///< the last message accepted
    std::vector<uint8_t> lastReply;    ///< our reply to it (also in the daemon's recvd list)
    uint32_t lastReplyNumber{0};       ///< the number of that reply in the exchange
    Time started;                      ///< when the negotiation started
    EventId expire;                    ///< the end of the ISAKMP SA's lifetime
    std::vector<uint32_t> waiting;     ///< phase-2 handles waiting for this phase 1

    /**
     * Whether the ISAKMP SA is up.
     * @return true once established
     */
    bool Established() const
    {
        return state == IkePh1State::ESTABLISHED;
    }

    /**
     * Takes @p t as the agreed transform: its hash, cipher and key length.
     * @param t the transform
     */
    void Choose(const IkePh1Transform& t);

    /**
     * The cookies, as racoon logs them.
     * @return "ab12..:cd34.."
     */
    std::string Cookies() const;
    /**
     * The handle, as racoon logs it.
     * @return "10.1.1.1[500]-20.1.1.1[500] spi:ab12..:cd34.."
     */
    std::string Describe() const;
};

/// A phase-2 negotiation (one policy's SAs).
struct IkeDaemon::Ph2
{
    uint32_t id{0};                        ///< the handle's id
    bool initiator{true};                  ///< we started the negotiation
    IkePh2State state{IkePh2State::SPAWN}; ///< racoon's phase-2 status
    uint32_t seq{0};        ///< the ACQUIRE's sequence number (initiator) or the GETSPI one
    uint32_t spid{0};       ///< the outbound policy's id
    IpsecAddress local;     ///< SA endpoints: ours
    IpsecAddress peer;      ///< the peer's (phase-1 peer)
    IpsecSelector selector; ///< the outbound policy's selector (IDci / IDcr)
    std::vector<IpsecRequest> requests; ///< the policy's requests
    /// Per request, the reqid of the inbound SA (racoon's pr->reqid_in: the
    /// inbound policy's request) and of the outbound one (pr->reqid_out).
    std::vector<uint32_t> reqidIn;
    std::vector<uint32_t> reqidOut;       ///< see reqidIn
    const RacoonSainfo* sainfo{nullptr};  ///< the sainfo block in use
    uint32_t ph1{0};                      ///< phase-1 handle id (0 while none)
    uint32_t messageId{0};                ///< the quick mode's M-ID
    std::vector<IkePh2Proposal> offered;  ///< initiator: what QM1 offered
    IkePh2Proposal chosen;                ///< the agreed proposal (the offerer's SPIs)
    std::vector<uint32_t> mySpis;         ///< our inbound SPIs, one per SA (GETSPI)
    uint32_t spisPending{0};              ///< GETSPI replies still awaited
    std::vector<uint8_t> idci;            ///< the initiator's client ID payload body
    std::vector<uint8_t> idcr;            ///< the responder's client ID payload body
    IkeBytes ni;                          ///< the initiator's nonce
    IkeBytes nr;                          ///< the responder's nonce
    std::unique_ptr<IkeDh> dh;            ///< PFS
    IkeBytes gxyQm;                       ///< the PFS shared secret
    IkeBytes peerKe;                      ///< the peer's PFS public value
    IkeBytes iv;                          ///< the exchange's running CBC IV
    Retry retry;                          ///< the retransmission of our last message
    std::vector<uint8_t> lastReceived;    ///< the last message accepted
    std::vector<uint8_t> lastReply;       ///< our reply to it
    uint32_t lastReplyNumber{0};          ///< the number of that reply in the exchange
    EventId deadline;                     ///< phase2 timer (quick_timeover)
    EventId poll;                         ///< once a second while waiting for phase 1
    EventId expire;                       ///< the end of the SAs' lifetime (isakmp_ph2expire)
    uint32_t polls{0};                    ///< the polls made so far
    uint32_t updatesPending{0};           ///< UPDATE/ADD replies still awaited
    int updateError{0};                   ///< the first errno of a refused UPDATE/ADD
    Time started;                         ///< when the negotiation started
    bool rekey{false};                    ///< a rekeying of SAs about to expire
    std::optional<IpsecAddress> natoaSrc; ///< racoon's natoa_src (from a NAT-OA payload)
    std::optional<IpsecAddress> natoaDst; ///< racoon's natoa_dst

    /**
     * The handle, as racoon logs it.
     * @return the protocols and the endpoints, e.g. "esp 10.1.1.1->20.1.1.1"
     */
    std::string Describe() const;
};

/// The job one handler runs in: what it computed (the processor's time)
/// and what it sends (when the job ends).
struct IkeDaemon::Work
{
    IkeDaemon* daemon{nullptr};                 ///< the daemon
    Time cost;                                  ///< the processor time charged so far
    std::vector<std::function<void()>> outputs; ///< the messages to send when the job ends
    /// The rest of the handler, run right after the outputs left.
    std::function<void(Work&)> then;
    std::shared_ptr<Work> next; ///< the job that continues the handler, if any

    /// Charges parsing or building one IKE message.
    void ChargeMessage();
    /**
     * Charges a modular exponentiation.
     * @param modulusBits the modulus length
     * @param exponentBits the exponent length
     */
    void ChargeModexp(uint32_t modulusBits, uint32_t exponentBits);
    /**
     * Charges a PRF call.
     * @param h the hash
     * @param bytes the data
     */
    void ChargePrf(const IkeHashAlg& h, uint32_t bytes);
    /**
     * Charges a hash.
     * @param h the hash
     * @param bytes the data
     */
    void ChargeHash(const IkeHashAlg& h, uint32_t bytes);
    /**
     * Charges a CBC encryption or decryption.
     * @param c the cipher
     * @param bytes the data
     */
    void ChargeCipher(const IkeCipherAlg& c, uint32_t bytes);
    /**
     * Continues the handler once this job's outputs were sent.
     * @param rest the rest of the handler
     */
    void Then(std::function<void(Work&)> rest);
};

} // namespace ns3

#endif /* IKE_DAEMON_HANDLES_H */
