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
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-keys
 * An SA head (struct secashead): the SAs sharing one index.
 */
class IpsecSaHead : public SimpleRefCount<IpsecSaHead>
{
  public:
    IpsecAddress src;                  ///< source address of the index
    IpsecAddress dst;                  ///< destination address of the index
    IpsecProto proto{IpsecProto::ESP}; ///< protocol of the index
    IpsecMode mode{IpsecMode::ANY};    ///< mode of the index
    uint32_t reqid{0};                 ///< reqid of the index
    /// SAs per state (index = IpsecSaState), most recent state change first.
    std::list<Ptr<IpsecSa>> sas[4];
};

/**
 * @ingroup ipsec-keys
 * The security association database of one node (KAME key.c's sahtree):
 * SA heads indexed by (src, dst, protocol, mode, reqid), newest head first,
 * each holding its SAs per state; inbound lookup by (dst, protocol, SPI)
 * through an index; outbound selection by KAME's head and SA preference;
 * the lifetimes in simulated time.
 */
class IpsecSad : public Object
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecSad();

    /**
     * SADB_ADD: files the SA under the head KAME would choose, validates it
     * (key_mature) and makes it mature.
     * @param params what SADB_ADD carries
     * @param why set to why not on EINVAL (may be nullptr)
     * @return 0, EINVAL or EEXIST
     */
    int Add(const IpsecSaParams& params, std::string* why = nullptr);
    /**
     * SADB_GETSPI: creates a larval SA (not usable until updated) with an SPI
     * from [@p minSpi, @p maxSpi] -- that exact SPI when they are equal
     * (EEXIST if an alive SA to @p dst already has it), else one of up to
     * spi_try random SPIs (KAME's key_do_getnewspi).  Larval SAs are removed
     * silently after net.key.larval_lifetime seconds (LarvalLifetime).
     * @param src source address of the SA
     * @param dst destination address of the SA
     * @param proto its protocol
     * @param mode its mode
     * @param reqid its reqid
     * @param minSpi the smallest SPI acceptable
     * @param maxSpi the largest SPI acceptable
     * @param spi set to the SPI chosen
     * @param pid the sadb_msg_pid of the requester (UPDATE must come from it)
     * @return 0, or an errno
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
     * not larval, was created by another process or fails validation (the
     * SA then stays larval).
     * @param params what SADB_UPDATE carries
     * @param pid the sadb_msg_pid of the updater
     * @param why set to why not on EINVAL (may be nullptr)
     * @return 0, ENOENT or EINVAL
     */
    int Update(const IpsecSaParams& params, uint32_t pid, std::string* why = nullptr);
    /**
     * Assigns the random stream of GetSpi.
     * @param stream the first stream index to use
     * @return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

    /**
     * SADB_DELETE by SPI: the first alive SA with that SPI becomes dead.
     * @param src source address of the SA
     * @param dst destination address of the SA
     * @param proto its protocol
     * @param spi its SPI
     * @return 0, or ENOENT if absent
     */
    int Delete(const IpsecAddress& src, const IpsecAddress& dst, IpsecProto proto, uint32_t spi);
    /**
     * SADB_DELETE without an SA extension (setkey deleteall): every mature
     * and dying SA of every head with these addresses and protocol becomes
     * dead; larval SAs and the heads stay.
     * @param src source address of the SAs
     * @param dst destination address of the SAs
     * @param proto their protocol
     * @return the SAs killed
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
     * @param sa the SA
     */
    void Kill(Ptr<IpsecSa> sa);
    /**
     * SADB_GET by SPI.
     * @param src source address of the SA
     * @param dst destination address of the SA
     * @param proto its protocol
     * @param spi its SPI
     * @return the SA, or nullptr if absent
     */
    Ptr<IpsecSa> Get(const IpsecAddress& src,
                     const IpsecAddress& dst,
                     IpsecProto proto,
                     uint32_t spi) const;
    /**
     * SADB_FLUSH: SAs are removed.
     * @param all every SA of every protocol
     * @param proto otherwise, those of this protocol
     */
    void Flush(bool all, IpsecProto proto = IpsecProto::ESP);

    /**
     * key_allocsa: the inbound SA of a datagram (the source is ignored; dying
     * SAs are preferred).
     * @param dst the datagram's destination
     * @param proto the protocol of its IPsec header
     * @param spi the SPI of that header
     * @return the SA, or nullptr
     */
    Ptr<IpsecSa> LookupInbound(const IpsecAddress& dst, IpsecProto proto, uint32_t spi) const;

    /**
     * key_checkrequest / key_allocsa_policy: the outbound SA for a request.
     * The first head (newest) whose protocol and addresses match, whose mode
     * is any or @p mode and whose reqid matches (when @p reqid != 0) is the
     * only one searched; within it dying SAs are preferred over mature ones,
     * oldest creation first (preferred_oldsa = 1), or the newest when
     * @p preferOld is false.
     * @param src the request's source (tunnel: its endpoint)
     * @param dst the request's destination
     * @param proto the request's protocol
     * @param mode the request's mode
     * @param reqid the request's reqid (0: any)
     * @param preferOld net.key.preferred_oldsa
     * @return the SA, or nullptr (an ACQUIRE is due)
     */
    Ptr<IpsecSa> SelectOutbound(const IpsecAddress& src,
                                const IpsecAddress& dst,
                                IpsecProto proto,
                                IpsecMode mode,
                                uint32_t reqid,
                                bool preferOld = true) const;

    /**
     * The SA SelectOutbound picks inside a head (dying first, then mature).
     * @param head the head
     * @param preferOld net.key.preferred_oldsa
     * @return the SA, or nullptr
     */
    static Ptr<IpsecSa> SelectInHead(const IpsecSaHead& head, bool preferOld = true);

    /**
     * key_getsah: the first head (newest) whose protocol and addresses match,
     * whose mode is any or @p mode and whose reqid matches (when @p reqid
     * != 0).
     * @param src source address
     * @param dst destination address
     * @param proto protocol
     * @param mode mode
     * @param reqid reqid (0: any)
     * @return the head, or nullptr if none
     */
    Ptr<IpsecSaHead> FindHead(const IpsecAddress& src,
                              const IpsecAddress& dst,
                              IpsecProto proto,
                              IpsecMode mode,
                              uint32_t reqid) const;

    /**
     * The heads, for dumps.
     * @return the heads in KAME's list order (newest first)
     */
    const std::list<Ptr<IpsecSaHead>>& GetHeads() const;
    /**
     * The number of SAs.
     * @return the SAs in every state
     */
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

    /**
     * Sets what is told of soft expiries (SADB_EXPIRE).
     * @param cb called with an SA that just became dying
     */
    void SetExpireCallback(Callback<void, Ptr<IpsecSa>> cb);

    /**
     * Sets the ICV truncation rule applied to SAs added from now on.
     * @param t the rule
     */
    void SetIcvTruncation(IpsecIcvTruncation t);
    /**
     * The ICV truncation rule.
     * @return the rule applied to SAs added from now on
     */
    IpsecIcvTruncation GetIcvTruncation() const;

  private:
    /// The index of an SA head's list: addresses and protocol (key_getsah's walk).
    struct PairKey
    {
        IpsecAddress src; ///< source address
        IpsecAddress dst; ///< destination address
        IpsecProto proto; ///< protocol
        /**
         * Equality.
         * @param o the other key
         * @return true if equal
         */
        bool operator==(const PairKey& o) const;
    };

    /// The inbound index of an SA: destination, protocol and SPI (key_allocsa's).
    struct SpiKey
    {
        IpsecAddress dst; ///< destination address
        IpsecProto proto; ///< protocol
        uint32_t spi;     ///< SPI (IPComp: CPI)
        /**
         * Equality.
         * @param o the other key
         * @return true if equal
         */
        bool operator==(const SpiKey& o) const;
    };

    /// Hashes of the two keys.
    struct KeyHash
    {
        /**
         * The hash of a head's key.
         * @param k the key
         * @return its hash
         */
        size_t operator()(const PairKey& k) const;
        /**
         * The hash of an inbound key.
         * @param k the key
         * @return its hash
         */
        size_t operator()(const SpiKey& k) const;
    };

    void KillIn(std::list<Ptr<IpsecSa>>& list,
                std::list<Ptr<IpsecSa>>::iterator it,
                IpsecSaHead& head);
    void Index(const Ptr<IpsecSa>& sa);
    void Unindex(const Ptr<IpsecSa>& sa);
    Ptr<IpsecSaHead> NewHead(const IpsecAddress& src,
                             const IpsecAddress& dst,
                             IpsecProto proto,
                             IpsecMode mode,
                             uint32_t reqid);
    const std::vector<Ptr<IpsecSaHead>>* HeadsOf(const IpsecAddress& src,
                                                 const IpsecAddress& dst,
                                                 IpsecProto proto) const;

    /// Every head, newest first (the order of dumps and of KAME's walks).
    std::list<Ptr<IpsecSaHead>> m_heads;
    /// The heads of each address pair and protocol, oldest first (so walking
    /// one backwards visits them in m_heads' order).
    std::unordered_map<PairKey, std::vector<Ptr<IpsecSaHead>>, KeyHash> m_pairs;
    /// The larval, mature and dying SAs of each destination, protocol and SPI,
    /// in the order they were indexed.
    std::unordered_map<SpiKey, std::vector<Ptr<IpsecSa>>, KeyHash> m_bySpi;
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
