/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The security policy database of one node (KAME key.c's sptree): one
 * ordered list per direction, first match in insertion order, spids from a
 * per-node counter, and a bounded per-direction lookup cache so a busy flow
 * does not walk thousands of policies per packet.
 */
#ifndef IPSEC_SPD_H
#define IPSEC_SPD_H

#include "ipsec-policy.h"
#include "ns3/object.h"
#include "ns3/ptr.h"

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-policy
 * The security policy database of one node (KAME key.c's sptree): one
 * ordered list per direction, first match in insertion order, spids from a
 * per-node counter, and a bounded per-direction lookup cache.
 */
class IpsecSpd : public Object
{
  public:
    /**
     * Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    IpsecSpd();

    /**
     * spdadd: validates the policy as KAME's key_spdadd does and appends it at
     * the tail of its direction's list.  Sets the policy id, creation time
     * and unique reqids.
     * @param policy the policy
     * @param why set to why not on EINVAL (may be nullptr)
     * @return 0, EINVAL or EEXIST
     */
    int Add(Ptr<IpsecPolicy> policy, std::string* why = nullptr);
    /**
     * spddelete: removes the policy of an exact selector and direction.
     * @param sel the selector
     * @param dir the direction
     * @return 0, or EINVAL if absent (as KAME)
     */
    int Delete(const IpsecSelector& sel, IpsecDirection dir);
    /**
     * SADB_X_SPDDELETE2: removes a policy by id.
     * @param id the spid
     * @return 0, or EINVAL if absent (as KAME)
     */
    int DeleteById(uint32_t id);
    /**
     * SADB_X_SPDGET.
     * @param id the spid
     * @return the policy, or nullptr
     */
    Ptr<IpsecPolicy> GetById(uint32_t id) const;
    /// spdflush: removes every policy.
    void Flush();

    /**
     * The policy of a packet.
     * @param dir the direction
     * @param pkt the packet's selector
     * @return the first policy of @p dir that matches, or nullptr
     */
    Ptr<IpsecPolicy> Lookup(IpsecDirection dir, const IpsecSelector& pkt);

    /**
     * The policies of one direction.
     * @param dir the direction
     * @return the policies, in lookup order
     */
    const std::vector<Ptr<IpsecPolicy>>& GetPolicies(IpsecDirection dir) const;
    /**
     * The number of policies.
     * @return the policies of every direction
     */
    uint32_t GetN() const;
    /**
     * The SPD's generation, incremented by every change (it invalidates the
     * per-socket caches).
     * @return the changes so far
     */
    uint64_t GetGeneration() const;
    /**
     * A compact exact key of a packet selector (the lookup cache's).
     * @param pkt the selector
     * @return the key
     */
    static std::string CacheKey(const IpsecSelector& pkt);

  private:
    std::vector<Ptr<IpsecPolicy>>& List(IpsecDirection dir);
    void InvalidateCache();

    std::vector<Ptr<IpsecPolicy>> m_in;
    std::vector<Ptr<IpsecPolicy>> m_out;
    uint32_t m_nextId;        ///< next spid (KAME: 16388 on a fresh system)
    uint32_t m_nextReqid;     ///< next automatic reqid for "unique" (0x4001...)
    uint32_t m_cacheSize;     ///< bound on cached selectors per direction
    uint64_t m_generation{0}; ///< SPD changes so far
    bool m_mixedFamilyTunnels{false};
    /// Lookup cache: packet selector -> index+1 into the list (0 = no match).
    std::unordered_map<std::string, uint32_t> m_cache[2];
};

} // namespace ns3

#endif /* IPSEC_SPD_H */
