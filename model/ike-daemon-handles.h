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
    EventId timer;
    uint64_t generation{0}; ///< bumped to cancel a resend already queued
    uint32_t sends{0};      ///< transmissions so far
    std::vector<uint8_t> last;
    IpsecAddress peer;
    uint8_t exchange{0};
    uint32_t messageNumber{0};
};

/// A phase-1 negotiation (ISAKMP SA).
struct IkeDaemon::Ph1
{
    uint32_t id{0};
    bool initiator{true};
    IkePh1State state{IkePh1State::SPAWN};
    uint8_t exchange{isakmp::EXCH_IDENT};
    IpsecAddress local;
    IpsecAddress peer;
    const RacoonRemote* rm{nullptr};
    std::array<uint8_t, 8> icookie{};
    std::array<uint8_t, 8> rcookie{};

    IkePh1Transform chosen;
    const IkeHashAlg* hash{nullptr};
    const IkeCipherAlg* cipher{nullptr};
    uint32_t keyBytes{0};
    std::vector<uint8_t> saiBody; ///< SAi_b: the initiator's SA payload body

    std::unique_ptr<IkeDh> dh;
    IkeBytes gxi;
    IkeBytes gxr;
    IkeBytes gxy;
    IkeBytes ni;
    IkeBytes nr;
    IkeBytes idiiBody; ///< IDii_b
    IkeBytes idirBody; ///< IDir_b
    IkeBytes psk;
    IkePhase1Keys keys;
    bool keysReady{false};
    IkeBytes iv; ///< the running phase-1 CBC IV (the last block once established)

    Retry retry;
    std::vector<uint8_t> lastReceived; ///< the last message accepted
    std::vector<uint8_t> lastReply;    ///< our reply to it (also in the daemon's recvd list)
    uint32_t lastReplyNumber{0};
    Time started;
    EventId expire;
    std::vector<uint32_t> waiting; ///< phase-2 handles waiting for this phase 1

    bool Established() const
    {
        return state == IkePh1State::ESTABLISHED;
    }

    std::string Cookies() const;
    /// "10.1.1.1[500]-20.1.1.1[500] spi:ab12..:cd34.." as racoon logs it.
    std::string Describe() const;
};

/// A phase-2 negotiation (one policy's SAs).
struct IkeDaemon::Ph2
{
    uint32_t id{0};
    bool initiator{true};
    IkePh2State state{IkePh2State::SPAWN};
    uint32_t seq{0};        ///< the ACQUIRE's sequence number (initiator) or the GETSPI one
    uint32_t spid{0};       ///< the outbound policy's id
    IpsecAddress local;     ///< SA endpoints: ours
    IpsecAddress peer;      ///< the peer's (phase-1 peer)
    IpsecSelector selector; ///< the outbound policy's selector (IDci / IDcr)
    std::vector<IpsecRequest> requests;
    const RacoonSainfo* sainfo{nullptr};
    uint32_t ph1{0}; ///< phase-1 handle id (0 while none)
    uint32_t messageId{0};
    std::vector<IkePh2Proposal> offered; ///< initiator: what QM1 offered
    IkePh2Proposal chosen;               ///< the agreed proposal (the offerer's SPIs)
    std::vector<uint32_t> mySpis;        ///< our inbound SPIs, one per SA (GETSPI)
    uint32_t spisPending{0};
    std::vector<uint8_t> idci;
    std::vector<uint8_t> idcr;
    IkeBytes ni;
    IkeBytes nr;
    std::unique_ptr<IkeDh> dh; ///< PFS
    IkeBytes gxyQm;
    IkeBytes peerKe;
    IkeBytes iv; ///< the exchange's running CBC IV
    Retry retry;
    std::vector<uint8_t> lastReceived;
    std::vector<uint8_t> lastReply;
    uint32_t lastReplyNumber{0};
    EventId deadline; ///< phase2 timer (quick_timeover)
    EventId poll;     ///< once a second while waiting for phase 1
    EventId expire;   ///< the end of the SAs' lifetime (isakmp_ph2expire)
    uint32_t polls{0};
    uint32_t updatesPending{0};
    int updateError{0}; ///< the first errno of a refused UPDATE/ADD
    Time started;
    bool rekey{false};

    std::string Describe() const;
};

/// The job one handler runs in: what it computed (the processor's time)
/// and what it sends (when the job ends).
struct IkeDaemon::Work
{
    IkeDaemon* daemon{nullptr};
    Time cost;
    std::vector<std::function<void()>> outputs;
    /// The rest of the handler, run right after the outputs left.
    std::function<void(Work&)> then;
    std::shared_ptr<Work> next;

    void ChargeMessage();
    void ChargeModexp(uint32_t modulusBits, uint32_t exponentBits);
    void ChargePrf(const IkeHashAlg& h, uint32_t bytes);
    void ChargeHash(const IkeHashAlg& h, uint32_t bytes);
    void ChargeCipher(const IkeCipherAlg& c, uint32_t bytes);
    /// Continues with @p rest once this job's outputs were sent.
    void Then(std::function<void(Work&)> rest);
};

} // namespace ns3

#endif /* IKE_DAEMON_HANDLES_H */
