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

class IpsecSpd : public Object
{
  public:
    static TypeId GetTypeId();
    IpsecSpd();

    /**
     * spdadd: validates the policy as KAME's key_spdadd does and appends it at
     * the tail of its direction's list.  Returns 0, EINVAL (with @p why) or
     * EEXIST.  Sets the policy id, creation time and unique reqids.
     */
    int Add(Ptr<IpsecPolicy> policy, std::string* why = nullptr);
    /// spddelete: removes the exact selector+direction; EINVAL if absent (as KAME).
    int Delete(const IpsecSelector& sel, IpsecDirection dir);
    /// SADB_X_SPDDELETE2: removes the policy with id @p id; EINVAL if absent (as KAME).
    int DeleteById(uint32_t id);
    /// SADB_X_SPDGET: the policy with id @p id, or nullptr.
    Ptr<IpsecPolicy> GetById(uint32_t id) const;
    /// spdflush.
    void Flush();

    /// First policy of @p dir matching packet selector @p pkt, or nullptr.
    Ptr<IpsecPolicy> Lookup(IpsecDirection dir, const IpsecSelector& pkt);

    /// The policies of one direction, in lookup order.
    const std::vector<Ptr<IpsecPolicy>>& GetPolicies(IpsecDirection dir) const;
    uint32_t GetN() const;
    /// Incremented by every change of the SPD (invalidates per-socket caches).
    uint64_t GetGeneration() const;
    /// A compact exact key of a packet selector.
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
