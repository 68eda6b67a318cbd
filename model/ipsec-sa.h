/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A security association (KAME struct secasvar): SPI, algorithms and keys,
 * the per-SA crypto contexts (created once, used for every packet), the
 * outbound sequence counter, the anti-replay window and the lifetime
 * counters setkey -D shows.
 */
#ifndef IPSEC_SA_H
#define IPSEC_SA_H

#include "ipsec-address.h"
#include "ipsec-algorithms.h"
#include "ipsec-crypto-openssl.h"
#include "ipsec-types.h"
#include "ns3/nstime.h"
#include "ns3/simple-ref-count.h"

#include <memory>
#include <vector>

namespace ns3
{

/**
 * @defgroup ipsec-keys SAs and the key engine
 * @ingroup ipsec
 * Security associations and the SAD, the key engine (PF_KEY v2) that is the
 * way into the SAD and the SPD, ACQUIRE and EXPIRE.
 */

/**
 * @ingroup ipsec-keys
 * What an SADB_ADD carries (setkey "add").
 */
struct IpsecSaParams
{
    IpsecAddress src;                        ///< source address of the SA
    IpsecAddress dst;                        ///< destination address of the SA
    IpsecProto proto{IpsecProto::ESP};       ///< ESP, AH or IPComp
    uint32_t spi{0};                         ///< SPI (IPComp: CPI)
    IpsecMode mode{IpsecMode::ANY};          ///< -m: any, transport or tunnel
    uint32_t reqid{0};                       ///< -u: the reqid unique policies bind to
    uint32_t flags{IpsecSaFlags::CYCSEQ};    ///< IpsecSaFlags bits (-f)
    uint8_t replayWindow{0};                 ///< -r, in bytes (window = 8 * bytes packets)
    const IpsecEncAlgorithm* enc{nullptr};   ///< -E: encryption (ESP), or nullptr
    std::vector<uint8_t> encKey;             ///< the encryption key
    bool hasEncKey{false};                   ///< a key was given (null has none)
    const IpsecAuthAlgorithm* auth{nullptr}; ///< -A: authentication, or nullptr
    std::vector<uint8_t> authKey;            ///< the authentication key
    const IpsecCompAlgorithm* comp{nullptr}; ///< -C: compression (IPComp), or nullptr
    uint64_t hardAddTime{0};                 ///< -lh seconds (0 = none)
    uint64_t softAddTime{0};                 ///< -ls seconds (0 = none)
    /// Hard byte lifetime (-bh; refused by default, enforced with IpsecKeyEngine::ByteLifetimes).
    uint64_t hardBytes{0};
    /// Soft byte lifetime (-bs), as hardBytes.
    uint64_t softBytes{0};
    /// Hard use-time lifetime: stored and shown, never enforced (KAME).
    uint64_t hardUseTime{0};
    uint64_t softUseTime{0};     ///< soft use-time lifetime, as hardUseTime
    uint32_t hardAllocations{0}; ///< hard allocation lifetime, as hardUseTime
    uint32_t softAllocations{0}; ///< soft allocation lifetime, as hardUseTime

    // NAT traversal (RFC 3948; NetBSD's SADB_X_EXT_NAT_T_* extensions,
    // ipsec-tools' setkey "esp-udp" and "addr[port]").
    /// UDP_ENCAP_ESPINUDP (2) when ESP travels in UDP (RFC 3948), else 0.
    uint16_t nattType{0};
    uint16_t nattSport{0}; ///< SADB_X_EXT_NAT_T_SPORT: the UDP source port of the SA's datagrams
    uint16_t nattDport{0}; ///< SADB_X_EXT_NAT_T_DPORT: their UDP destination port
    /// SADB_X_EXT_NAT_T_OAI: the initiator's original address (NAT-OA,
    /// RFC 3947 section 5.2), for the transport-mode checksum fix-up; unset: none.
    IpsecAddress nattOai;
    IpsecAddress nattOar; ///< SADB_X_EXT_NAT_T_OAR: the responder's original address
    uint16_t nattFrag{0}; ///< SADB_X_EXT_NAT_T_FRAG: ESP fragmentation size (0: none)

    /**
     * Whether the SA's ESP travels in UDP.
     * @return true for UDP_ENCAP_ESPINUDP
     */
    bool IsUdpEncapsulated() const
    {
        return nattType == UDP_ENCAP_ESPINUDP;
    }

    /// The encapsulation type of RFC 3948 ESP in UDP (as NetBSD's udp.h).
    static constexpr uint16_t UDP_ENCAP_ESPINUDP = 2;
    /// The NAT-T port (RFC 3947 section 4).
    static constexpr uint16_t NATT_PORT = 4500;
};

/**
 * @ingroup ipsec-keys
 * KAME's anti-replay state (ipsec_chkreplay / ipsec_updatereplay): a window
 * of 8*bytes sequence numbers, the count of accepted packets and the
 * highest sequence number seen.
 */
class IpsecReplayWindow
{
  public:
    /**
     * A window of no packet yet.
     * @param windowBytes the window in bytes (8 sequence numbers each); 0
     *        keeps no window, only the count
     */
    explicit IpsecReplayWindow(uint8_t windowBytes = 0);
    /**
     * The check before authentication (ipsec_chkreplay).
     * @param seq the datagram's sequence number
     * @return false for a replayed or too old number
     */
    bool Check(uint32_t seq) const;
    /**
     * The update after authentication (ipsec_updatereplay).
     * @param seq the datagram's sequence number
     * @param cyclic whether the count may wrap (the SA's CYCSEQ flag)
     * @return false if the packet must be dropped
     */
    bool Update(uint32_t seq, bool cyclic);
    /**
     * The window's size.
     * @return the window in bytes (-r)
     */
    uint8_t GetWindowBytes() const;
    /**
     * The packets accepted.
     * @return the count (what setkey -D shows as seq= on an inbound SA)
     */
    uint32_t GetCount() const;

  private:
    bool IsSet(uint32_t diff) const;
    void Set(uint32_t diff);
    void Shift(uint32_t by);

    uint8_t m_bytes;
    uint32_t m_count{0};
    uint32_t m_lastSeq{0};
    uint32_t m_overflow{0};
    std::vector<uint8_t> m_bitmap; ///< bit i = lastSeq - i seen
};

/**
 * @ingroup ipsec-keys
 * A security association (KAME struct secasvar): what SADB_ADD gave it, its
 * state, its crypto contexts, sequence numbers and lifetime counters.
 */
class IpsecSa : public SimpleRefCount<IpsecSa>
{
  public:
    /**
     * A larval SA.
     * @param p what SADB_ADD or SADB_GETSPI carried
     * @param now the creation time
     */
    IpsecSa(const IpsecSaParams& p, Time now);

    /**
     * key_mature: validates algorithms and keys and builds the crypto contexts
     * (the transform's InitState).
     * @param truncation how HMAC-SHA-2 ICVs are truncated
     * @param why set to setkey's message on failure
     * @return 0, or EINVAL
     */
    int Mature(IpsecIcvTruncation truncation, std::string* why);

    /**
     * The authenticator of ESP or AH (key check, ICV length, per-SA context),
     * for the transform's InitState.
     * @param truncation how HMAC-SHA-2 ICVs are truncated
     * @return "", or why not
     */
    std::string InitAuthenticator(IpsecIcvTruncation truncation);
    /**
     * The next outbound sequence number.
     * @param seq set to the number
     * @return false when the counter would wrap and the SA is not cyclic (nocyclic-seq)
     */
    bool NextSequence(uint32_t* seq);
    /**
     * Records a use of the SA (lifetime current bytes, allocations, last use).
     * @param bytes the bytes the use counts
     * @param now the time of the use
     */
    void RecordUse(uint32_t bytes, Time now);

    /**
     * Whether the SA may carry traffic.
     * @return true when mature or dying
     */
    bool IsUsable() const;

    IpsecSaParams params;                     ///< what SADB_ADD gave
    IpsecSaState state{IpsecSaState::LARVAL}; ///< larval, mature, dying or dead
    Time created;                             ///< creation time (lifetimes start here)
    Time lastUsed;                            ///< zero until first use
    uint64_t bytes{0};                        ///< bytes carried (lifetime current)
    uint64_t allocations{0};                  ///< datagrams carried (lifetime current allocations)
    uint64_t seqCounter{0};                   ///< outbound: last sequence number sent
    IpsecReplayWindow replay;                 ///< inbound: the anti-replay window
    std::unique_ptr<IpsecCipherContext> cipher; ///< ESP's encryption context
    std::unique_ptr<IpsecAuthContext> mac;      ///< the authentication context, or null
    size_t icvLen{0};                           ///< ICV bytes (MAC truncation or AEAD tag)
    uint32_t refcnt{1};                         ///< references to the SA, as setkey -D shows them
    uint32_t pid{0}; ///< sadb_msg_pid of the GETSPI/ADD that created it (UPDATE must match)
};

} // namespace ns3

#endif /* IPSEC_SA_H */
