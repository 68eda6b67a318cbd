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

/// What an SADB_ADD carries (setkey "add").
struct IpsecSaParams
{
    IpsecAddress src;
    IpsecAddress dst;
    IpsecProto proto{IpsecProto::ESP};
    uint32_t spi{0};
    IpsecMode mode{IpsecMode::ANY};
    uint32_t reqid{0};
    uint32_t flags{IpsecSaFlags::CYCSEQ};
    uint8_t replayWindow{0}; ///< -r, in bytes (window = 8 * bytes packets)
    const IpsecEncAlgorithm* enc{nullptr};
    std::vector<uint8_t> encKey;
    bool hasEncKey{false};
    const IpsecAuthAlgorithm* auth{nullptr};
    std::vector<uint8_t> authKey;
    const IpsecCompAlgorithm* comp{nullptr};
    uint64_t hardAddTime{0}; ///< -lh seconds (0 = none)
    uint64_t softAddTime{0}; ///< -ls seconds (0 = none)
    /// Byte lifetimes (-bh/-bs; refused by default, enforced with IpsecKeyEngine::ByteLifetimes).
    uint64_t hardBytes{0};
    uint64_t softBytes{0};
    /// Use-time and allocation lifetimes: stored and shown, never enforced (KAME).
    uint64_t hardUseTime{0};
    uint64_t softUseTime{0};
    uint32_t hardAllocations{0};
    uint32_t softAllocations{0};
};

/**
 * KAME's anti-replay state (ipsec_chkreplay / ipsec_updatereplay): a window
 * of 8*bytes sequence numbers, the count of accepted packets and the
 * highest sequence number seen.
 */
class IpsecReplayWindow
{
  public:
    explicit IpsecReplayWindow(uint8_t windowBytes = 0);
    /// Pre-check before authentication.
    bool Check(uint32_t seq) const;
    /// Update after authentication; false if the packet must be dropped.
    bool Update(uint32_t seq, bool cyclic);
    uint8_t GetWindowBytes() const;
    /// Packets accepted (what setkey -D shows as seq= on an inbound SA).
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

class IpsecSa : public SimpleRefCount<IpsecSa>
{
  public:
    IpsecSa(const IpsecSaParams& p, Time now);

    /// key_mature: validates algorithms/keys and builds the crypto contexts.
    /// Returns 0 or EINVAL with @p why.
    int Mature(IpsecIcvTruncation truncation, std::string* why);

    /// The authenticator of ESP or AH (key check, ICV length, per-SA
    /// context) for the transform's InitState; "" or why not.
    std::string InitAuthenticator(IpsecIcvTruncation truncation);
    /// Next outbound sequence number; false when the counter would wrap and
    /// the SA is not cyclic (nocyclic-seq).
    bool NextSequence(uint32_t* seq);
    /// Records the use of the SA for @p bytes (lifetime current/allocations/last).
    void RecordUse(uint32_t bytes, Time now);

    bool IsUsable() const; ///< mature or dying

    IpsecSaParams params;
    IpsecSaState state{IpsecSaState::LARVAL};
    Time created;
    Time lastUsed; ///< zero until first use
    uint64_t bytes{0};
    uint64_t allocations{0};
    uint64_t seqCounter{0}; ///< outbound: last sequence number sent
    IpsecReplayWindow replay;
    std::unique_ptr<IpsecCipherContext> cipher;
    std::unique_ptr<IpsecAuthContext> mac;
    size_t icvLen{0}; ///< ICV bytes (MAC truncation or AEAD tag)
    uint32_t refcnt{1};
    uint32_t pid{0}; ///< sadb_msg_pid of the GETSPI/ADD that created it (UPDATE must match)
};

} // namespace ns3

#endif /* IPSEC_SA_H */
