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
               uint32_t* spi,
               uint32_t pid = 0);
    /**
     * SADB_UPDATE: the larval SA @p params.spi of the head ADD would choose
     * gets its algorithms, keys and lifetimes and is validated (key_mature);
     * it becomes mature.  ENOENT when there is no such SA, EINVAL when it is
     * not larval, was created by another process (@p pid) or fails
     * validation (@p why says why; the SA then stays larval).
     */
    int Update(const IpsecSaParams& params, uint32_t pid, std::string* why = nullptr);
    /// Assigns the random stream of GetSpi; returns the number of streams used.
    int64_t AssignStreams(int64_t stream);

    /// SADB_DELETE by SPI: the first alive SA with that SPI becomes dead; ENOENT if absent.
    int Delete(const IpsecAddress& src, const IpsecAddress& dst, IpsecProto proto, uint32_t spi);
    /**
     * SADB_DELETE without an SA extension (setkey deleteall): every mature
     * and dying SA of every head with these addresses and protocol becomes
     * dead; larval SAs and the heads stay.  Returns the SAs killed.
     */
    std::vector<Ptr<IpsecSa>> DeleteAll(const IpsecAddress& src,
                                        const IpsecAddress& dst,
                                        IpsecProto proto);
    /**
     * key_sa_chgstate(DEAD): @p sa leaves the data path.  An SA an outbound
     * policy request still references (it carried traffic, refcnt 2) stays
     * in its head's dead list until the next outbound lookup of that head
     * drops the reference (setkey -D -a shows it meanwhile); any other SA is
     * released at once.
     */
    void Kill(Ptr<IpsecSa> sa);
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

    /// The SA SelectOutbound picks inside @p head (dying first, then mature).
    static Ptr<IpsecSa> SelectInHead(const IpsecSaHead& head, bool preferOld = true);

    /**
     * key_getsah: the first head (newest) whose protocol and addresses match,
     * whose mode is any or @p mode and whose reqid matches (when @p reqid
     * != 0); nullptr if none.
     */
    Ptr<IpsecSaHead> FindHead(const IpsecAddress& src,
                              const IpsecAddress& dst,
                              IpsecProto proto,
                              IpsecMode mode,
                              uint32_t reqid) const;

    /// Heads in KAME's list order (newest first), for dumps.
    const std::list<Ptr<IpsecSaHead>>& GetHeads() const;
    /// Number of SAs in every state.
    uint32_t GetN() const;

    /**
     * KAME's key_timehandler, once a second while some SA has a lifetime:
     * a mature SA whose age exceeds its soft add-time lifetime becomes dying
     * (and the Expire callback is told, SADB_EXPIRE) -- or, never used, is
     * removed silently; a dying SA whose age exceeds its hard lifetime is
     * removed silently.  Ages are whole seconds compared strictly.  Byte
     * lifetimes (only present when the key engine accepted them, K2001)
     * work the same way on the bytes processed.
     */
    void Tick();

    /// Called with an SA that just became dying (soft expiry: SADB_EXPIRE).
    void SetExpireCallback(Callback<void, Ptr<IpsecSa>> cb);

    /// ICV truncation rule applied to SAs added from now on.
    void SetIcvTruncation(IpsecIcvTruncation t);
    IpsecIcvTruncation GetIcvTruncation() const;

  private:
    using InboundKey = std::tuple<IpsecAddress, uint8_t, uint32_t>;
    /// Removes @p sa from @p list of its head and kills it (Kill's rules).
    void KillIn(std::list<Ptr<IpsecSa>>& list,
                std::list<Ptr<IpsecSa>>::iterator it,
                IpsecSaHead& head);
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
