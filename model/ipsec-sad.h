/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The security association database of one node (KAME key.c's sahtree):
 * SA heads indexed by (src, dst, protocol, mode, reqid), newest head first,
 * each holding its SAs per state; inbound lookup by (dst, protocol, SPI)
 * through an index; outbound selection by KAME's head and SA preference.
 */
#ifndef IPSEC_SAD_H
#define IPSEC_SAD_H

#include "ipsec-sa.h"
#include "ns3/callback.h"
#include "ns3/object.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"

#include <list>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace ns3
{

/// An SA head (struct secashead): the SAs sharing one index.
class IpsecSaHead : public SimpleRefCount<IpsecSaHead>
{
  public:
    IpsecAddress src;
    IpsecAddress dst;
    IpsecProto proto{IpsecProto::ESP};
    IpsecMode mode{IpsecMode::ANY};
    uint32_t reqid{0};
    /// SAs per state (index = IpsecSaState), most recent state change first.
    std::list<Ptr<IpsecSa>> sas[4];
};

class IpsecSad : public Object
{
  public:
    static TypeId GetTypeId();
    IpsecSad();

    /**
     * SADB_ADD: files the SA under the head KAME would choose, validates it
     * (key_mature) and makes it mature.  Returns 0, EINVAL (with @p why) or
     * EEXIST.
     */
    int Add(const IpsecSaParams& params, std::string* why = nullptr);
    /**
     * SADB_GETSPI: creates a larval SA (not usable until updated) with an SPI
     * from [@p minSpi, @p maxSpi] -- that exact SPI when they are equal
     * (EEXIST if an alive SA to @p dst already has it), else one of up to
     * spi_try random SPIs (KAME's key_do_getnewspi).  Larval SAs are removed
     * silently after net.key.larval_lifetime seconds (LarvalLifetime).
     * Returns 0 and sets @p spi, or an errno.
     */
    int GetSpi(const IpsecAddress& src,
               const IpsecAddress& dst,
               IpsecProto proto,
               IpsecMode mode,
               uint32_t reqid,
               uint32_t minSpi,
               uint32_t maxSpi,
               uint32_t* spi);
    /// Assigns the random stream of GetSpi; returns the number of streams used.
    int64_t AssignStreams(int64_t stream);

    /// SADB_DELETE by SPI; ENOENT if absent.
    int Delete(const IpsecAddress& src, const IpsecAddress& dst, IpsecProto proto, uint32_t spi);
    /// SADB_GET by SPI (nullptr if absent).
    Ptr<IpsecSa> Get(const IpsecAddress& src,
                     const IpsecAddress& dst,
                     IpsecProto proto,
                     uint32_t spi) const;
    /// SADB_FLUSH: every SA (of @p proto, or all when @p all) is removed.
    void Flush(bool all, IpsecProto proto = IpsecProto::ESP);

    /// key_allocsa: inbound SA by (dst, proto, spi); source ignored; dying preferred.
    Ptr<IpsecSa> LookupInbound(const IpsecAddress& dst, IpsecProto proto, uint32_t spi) const;

    /**
     * key_checkrequest / key_allocsa_policy: the outbound SA for a request.
     * The first head (newest) whose protocol and addresses match, whose mode
     * is any or @p mode and whose reqid matches (when @p reqid != 0) is the
     * only one searched; within it dying SAs are preferred over mature ones,
     * oldest creation first (preferred_oldsa = 1), or the newest when
     * @p preferOld is false.
     */
    Ptr<IpsecSa> SelectOutbound(const IpsecAddress& src,
                                const IpsecAddress& dst,
                                IpsecProto proto,
                                IpsecMode mode,
                                uint32_t reqid,
                                bool preferOld = true) const;

    /// Heads in KAME's list order (newest first), for dumps.
    const std::list<Ptr<IpsecSaHead>>& GetHeads() const;
    /// Number of SAs in every state.
    uint32_t GetN() const;

    /**
     * KAME's key_timehandler, once a second while some SA has a lifetime:
     * a mature SA whose age exceeds its soft add-time lifetime becomes dying
     * (and the Expire callback is told, SADB_EXPIRE) -- or, never used, is
     * removed silently; a dying SA whose age exceeds its hard lifetime is
     * removed silently.  Ages are whole seconds compared strictly.
     */
    void Tick();

    /// Called with an SA that just became dying (soft expiry: SADB_EXPIRE).
    void SetExpireCallback(Callback<void, Ptr<IpsecSa>> cb);

    /// ICV truncation rule applied to SAs added from now on.
    void SetIcvTruncation(IpsecIcvTruncation t);
    IpsecIcvTruncation GetIcvTruncation() const;

  private:
    using InboundKey = std::tuple<IpsecAddress, uint8_t, uint32_t>;
    Ptr<IpsecSaHead> FindHead(const IpsecAddress& src,
                              const IpsecAddress& dst,
                              IpsecProto proto,
                              IpsecMode mode,
                              uint32_t reqid) const;
    void Unindex(const Ptr<IpsecSa>& sa);

    std::list<Ptr<IpsecSaHead>> m_heads;
    std::multimap<InboundKey, Ptr<IpsecSa>> m_inbound;
    IpsecIcvTruncation m_truncation;
    /// Whether a Tick is scheduled (only while some SA has a lifetime, so
    /// a simulation without Simulator::Stop still ends).
    bool m_ticking{false};
    Callback<void, Ptr<IpsecSa>> m_expire;
    uint32_t m_larvalLifetime; ///< net.key.larval_lifetime (s)
    uint32_t m_spiMin;         ///< net.key.spi_min_value
    uint32_t m_spiMax;         ///< net.key.spi_max_value
    uint32_t m_spiTry;         ///< net.key.spi_try
    Ptr<UniformRandomVariable> m_spiRng;
    bool SpiInUse(const IpsecAddress& dst, IpsecProto proto, uint32_t spi) const;
    void ScheduleTick();
    bool NeedsTick() const;
};

} // namespace ns3

#endif /* IPSEC_SAD_H */
