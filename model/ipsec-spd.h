/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The security policy database of one node (KAME key.c's sptree): one
 * ordered list per direction, first match in insertion order, spids from a
 * per-node counter.  Lookups go through an index that returns exactly the
 * first match of the list (tuple-space search over the policies' shapes)
 * and a bounded per-direction cache of packet selectors.
 */
#ifndef IPSEC_SPD_H
#define IPSEC_SPD_H

#include "ipsec-policy.h"
#include "ns3/object.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

/**
 * @ingroup ipsec-policy
 * The security policy database of one node (KAME key.c's sptree): one
 * ordered list per direction, first match in insertion order, spids from a
 * per-node counter.
 *
 * The lists are the order of record (GetPolicies, dumps); Lookup answers
 * from an index that gives the same policy as walking the list (KAME's
 * key_allocsp) in fewer steps: the policies of a direction are grouped by
 * shape (family, both prefix lengths, which of ports and protocol are
 * wildcards), each shape hashes its policies by their masked selector, and
 * a lookup probes the shapes in the order of their earliest policy, keeping
 * the earliest match (see doc/ipsec.rst, "The SPD's index").  The SPD
 * indexes a policy's selector, direction, action and requests when it is
 * added: change them only by deleting the policy and adding it again.
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
     * The policy of a packet (key_allocsp): the first policy of @p dir, in
     * insertion order, whose selector matches (IpsecSelector::Matches).  A
     * match records the simulated time in the policy's lastUsed.
     * @param dir the direction
     * @param pkt the packet's selector
     * @return the first policy of @p dir that matches, or nullptr
     */
    Ptr<IpsecPolicy> Lookup(IpsecDirection dir, const IpsecSelector& pkt);

    /**
     * key_gettunnel for ipsec4_tunnel_validate / ipsec6_tunnel_validate: the
     * first inbound ipsec policy, in insertion order, with a tunnel request
     * whose endpoints are @p outerSrc - @p outerDst and whose inner side
     * matches the inner header: for the policy's first tunnel request the
     * selector's prefixes, for a later one the previous tunnel request's
     * endpoints (a nested tunnel).  Without a transform (@p transformed
     * false: a plain IP-in-IP datagram) only an IPComp request qualifies.
     * @param outerSrc the outer header's source
     * @param outerDst the outer header's destination
     * @param innerSrc the inner header's source
     * @param innerDst the inner header's destination
     * @param transformed whether an SA's transform was removed
     * @return the policy, or nullptr when none has such a request
     */
    Ptr<IpsecPolicy> FindInboundTunnel(const IpsecAddress& outerSrc,
                                       const IpsecAddress& outerDst,
                                       const IpsecAddress& innerSrc,
                                       const IpsecAddress& innerDst,
                                       bool transformed) const;

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

  private:
    /**
     * A fixed-size key: two addresses (their bytes in 16, zero-padded) and
     * the scalar fields of a selector, as 64-bit words.
     */
    struct Key
    {
        uint64_t w[6]{}; ///< src (2), dst (2), families/protocol/ports, prefixes

        /**
         * Equality of every word.
         * @param o the other key
         * @return true when equal
         */
        bool operator==(const Key& o) const;
    };

    /// A hash of a Key (multiply-xorshift over its words).
    struct KeyHash
    {
        /**
         * The hash.
         * @param k the key
         * @return its hash
         */
        size_t operator()(const Key& k) const;
    };

    struct Entry;

    /// The policies of one shape, hashed by their masked selector.
    struct Shape
    {
        Key mask;       ///< what of a packet's key the shape's policies compare
        uint8_t family; ///< the shape's address family
        /// masked selector -> its policies, earliest first
        std::unordered_map<Key, std::vector<Entry*>, KeyHash> table;
        std::vector<uint64_t> ranks; ///< ranks of the shape's policies, ascending
    };

    /// The index record of one policy.
    struct Entry
    {
        Ptr<IpsecPolicy> policy;  ///< the policy
        IpsecDirection dir;       ///< its list
        uint32_t id;              ///< its spid (the key of m_entries)
        uint64_t rank;            ///< insertion order (never reused)
        Key exact;                ///< the exact selector (duplicates, spddelete)
        Key masked;               ///< the selector masked by its shape
        uint32_t shapeCode;       ///< its shape
        std::vector<Key> tunnels; ///< endpoints of its inbound tunnel requests
    };

    /// One slot of the direct-mapped lookup cache.
    struct CacheSlot
    {
        Key key;                      ///< the packet selector
        IpsecPolicy* policy{nullptr}; ///< its policy (nullptr: none)
        uint64_t generation{0};       ///< SPD generation + 1 when filled (0: empty)
    };

    /// The list and the index of one direction.
    struct Direction
    {
        std::vector<Ptr<IpsecPolicy>> list;                          ///< the order of record
        std::vector<uint64_t> ranks;                                 ///< list[i]'s rank (ascending)
        std::unordered_map<Key, Entry*, KeyHash> exact;              ///< exact selector -> policy
        std::unordered_map<uint32_t, std::unique_ptr<Shape>> shapes; ///< shape code -> shape
        std::vector<Shape*> order;    ///< shapes by their earliest policy
        bool orderStale{false};       ///< order needs sorting
        std::vector<CacheSlot> cache; ///< the lookup cache (grows up to CacheSize)
        uint32_t cacheFilled{0};      ///< slots filled in this generation
        uint64_t cacheGeneration{0};  ///< the generation cacheFilled counts
    };

    /// A tunnel request of an inbound policy, as key_gettunnel pairs them.
    struct TunnelRef
    {
        Entry* entry;     ///< the policy
        uint32_t request; ///< index of the tunnel request
        int32_t previous; ///< index of the previous tunnel request (-1: the selector)
    };

    Direction& Dir(IpsecDirection dir);
    const Direction& Dir(IpsecDirection dir) const;
    void Changed();
    void Remove(Entry* e);
    Ptr<IpsecPolicy> IndexLookup(Direction& d, const Key& pkt);
    static Key AddressKey(const IpsecAddress& src, const IpsecAddress& dst);
    static Key PacketKey(const IpsecSelector& pkt);
    static Key ExactKey(const IpsecSelector& sel);

    Direction m_in;
    Direction m_out;
    std::unordered_map<uint32_t, Entry> m_entries; ///< spid -> index record
    /// inbound tunnel endpoints (outer src, dst) -> requests, earliest policy first
    std::unordered_map<Key, std::vector<TunnelRef>, KeyHash> m_tunnels;
    uint64_t m_nextRank{0};   ///< rank of the next policy added
    uint32_t m_nextId;        ///< next spid (KAME: 16388 on a fresh system)
    uint32_t m_nextReqid;     ///< next automatic reqid for "unique" (0x4001...)
    uint32_t m_cacheSize;     ///< bound on cached selectors per direction
    uint64_t m_generation{0}; ///< SPD changes so far
    bool m_mixedFamilyTunnels{false};
};

} // namespace ns3

#endif /* IPSEC_SPD_H */
