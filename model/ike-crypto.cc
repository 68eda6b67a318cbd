// SPDX-License-Identifier: GPL-2.0-only
/*
 * IKEv1's cryptography (ike-crypto.h) with OpenSSL 3.
 *
 * The groups, hashes and ciphers are table rows; everything else is byte
 * concatenation around two primitives, hash() and prf() = HMAC (RFC 2409
 * section 5 and appendix B), plus modular exponentiation with BIGNUM for
 * Diffie-Hellman (on OpenSSL's copies of the RFC 2409 and RFC 3526 primes)
 * and CBC without padding (ISAKMP pads its messages itself, RFC 2408
 * section 3.5) through the data path's cipher contexts
 * (ipsec-crypto-openssl.h, with the ESP row of the same cipher).  Byte
 * layouts follow racoon (ipsec-tools), which the RFCs leave open in places:
 *
 *  - the 0, 1, 2 after the cookies in SKEYID_d/_a/_e, the 0 of K1 in the
 *    encryption key expansion and the 0 leading HASH(3) are one byte each;
 *  - M-IDs are the 4 bytes of the ISAKMP header (big-endian);
 *  - DH public values and g^xy are left-padded with zeros to the modulus
 *    length (RFC 2409 section 5: "prepending zero bits to the value if
 *    necessary");
 *  - the private exponent has the modulus length less one bit unless a
 *    length is asked for, with its top bit set: classic racoon let
 *    OpenSSL 0.9's DH_generate_key choose it (BN_rand with top = 0).
 *
 * OpenSSL's providers are the module's (IpsecLoadOpensslProviders in
 * ipsec-crypto-openssl.h: "legacy" for DES, Blowfish and CAST5), in the default
 * library context; every call fetches what it needs and frees it.
 */
#include "ike-crypto.h"

#include "ipsec-algorithms.h"
#include "ipsec-crypto-openssl.h"
#include "ns3/abort.h"
#include "ns3/fatal-error.h"
#include "ns3/log.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <openssl/bn.h>
#include <openssl/evp.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IkeCrypto");

namespace
{

// ---------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------

/// A group plus OpenSSL's copy of its prime (RFC 2409 section 6 and RFC 3526
/// as bn.h's BN_get_rfc2409_prime_* and BN_get_rfc3526_prime_*).
struct DhRow
{
    IkeDhGroup group;
    BIGNUM* (*prime)(BIGNUM*);
};

const std::vector<DhRow>&
DhRows()
{
    // id, racoon's name, bits, generator; the prime
    static const std::vector<DhRow> rows = {
        {{1, "modp768", 768, 2}, BN_get_rfc2409_prime_768},
        {{2, "modp1024", 1024, 2}, BN_get_rfc2409_prime_1024},
        {{5, "modp1536", 1536, 2}, BN_get_rfc3526_prime_1536},
        {{14, "modp2048", 2048, 2}, BN_get_rfc3526_prime_2048},
        {{15, "modp3072", 3072, 2}, BN_get_rfc3526_prime_3072},
        {{16, "modp4096", 4096, 2}, BN_get_rfc3526_prime_4096},
        {{17, "modp6144", 6144, 2}, BN_get_rfc3526_prime_6144},
        {{18, "modp8192", 8192, 2}, BN_get_rfc3526_prime_8192},
    };
    return rows;
}

/// A hash row plus OpenSSL's name of the digest.
struct HashRow
{
    IkeHashAlg alg;
    const char* evpName;
};

/// Oakley hash algorithms (RFC 2409 appendix A; 4-6 from the IANA registry).
const std::vector<HashRow>&
HashRows()
{
    static const std::vector<HashRow> rows = {
        {{1, "md5", 16}, "MD5"},
        {{2, "sha1", 20}, "SHA1"},
        {{4, "sha256", 32}, "SHA256"},
        {{5, "sha384", 48}, "SHA384"},
        {{6, "sha512", 64}, "SHA512"},
    };
    return rows;
}

/// A cipher row plus the name of the ESP row (ipsec-algorithms.h) of the
/// same CBC cipher, which the data path's backend computes.
struct CipherRow
{
    IkeCipherAlg alg;
    const char* espName;
};

/// Oakley encryption algorithms (RFC 2409 appendix A; 7, AES-CBC (RFC 3602),
/// from the IANA registry).  Key lengths as racoon checks them (check_keylen and
/// the eay_*_keylen functions of its crypto_openssl.c).
const std::vector<CipherRow>&
CipherRows()
{
    // id, name, block, default bits, variable, min, max, bits without the attribute
    static const std::vector<CipherRow> rows = {
        {{1, "des", 8, 64, false, 64, 64, 64}, "des-cbc"},
        {{3, "blowfish", 8, 128, true, 40, 448, 448}, "blowfish-cbc"},
        {{5, "3des", 8, 192, false, 192, 192, 192}, "3des-cbc"},
        {{6, "cast128", 8, 128, true, 40, 128, 128}, "cast128-cbc"},
        {{7, "aes", 16, 128, true, 128, 256, 128}, "rijndael-cbc"},
    };
    return rows;
}

struct Alias
{
    const char* alias;
    const char* name;
};

/// racoon.conf spellings besides the table's names (its cftoken.l).
const Alias kHashAliases[] = {
    {"sha2_256", "sha256"},
    {"sha2_384", "sha384"},
    {"sha2_512", "sha512"},
};
const Alias kCipherAliases[] = {
    {"rijndael", "aes"},
};

/// "14" -> 14; false unless the whole string is a (short) decimal number.
bool
ParseId(const std::string& text, uint16_t* id)
{
    if (text.empty() || text.size() > 5
        || !std::all_of(text.begin(),
                        text.end(),
                        [](unsigned char c)
                        {
                            return std::isdigit(c);
                        }))
    {
        return false;
    }
    const unsigned long v = std::stoul(text);
    if (v > 0xffff)
    {
        return false;
    }
    *id = static_cast<uint16_t>(v);
    return true;
}

template <typename Row, typename GetAlg>
const Row*
FindRowById(const std::vector<Row>& rows, uint16_t id, GetAlg get)
{
    for (const auto& r : rows)
    {
        if (get(r).id == id)
        {
            return &r;
        }
    }
    return nullptr;
}

template <typename Row, typename GetAlg, size_t N>
const Row*
FindRowByName(const std::vector<Row>& rows,
              const Alias (&aliases)[N],
              const std::string& name,
              GetAlg get)
{
    uint16_t id;
    if (ParseId(name, &id))
    {
        return FindRowById(rows, id, get);
    }
    std::string canonical = name;
    for (const auto& a : aliases)
    {
        if (name == a.alias)
        {
            canonical = a.name;
        }
    }
    for (const auto& r : rows)
    {
        if (canonical == get(r).name)
        {
            return &r;
        }
    }
    return nullptr;
}

/// The algorithms of a table's rows, in table order (the All() lists).
template <typename Alg, typename Row, typename GetAlg>
std::vector<Alg>
AlgsOf(const std::vector<Row>& rows, GetAlg get)
{
    std::vector<Alg> v;
    for (const auto& r : rows)
    {
        v.push_back(get(r));
    }
    return v;
}

const IkeDhGroup&
GroupOf(const DhRow& r)
{
    return r.group;
}

const IkeHashAlg&
AlgOf(const HashRow& r)
{
    return r.alg;
}

const IkeCipherAlg&
AlgOfCipher(const CipherRow& r)
{
    return r.alg;
}

// ---------------------------------------------------------------------------
// OpenSSL plumbing
// ---------------------------------------------------------------------------

struct BnFree
{
    void operator()(BIGNUM* b) const
    {
        BN_clear_free(b);
    }
};

struct BnCtxFree
{
    void operator()(BN_CTX* c) const
    {
        BN_CTX_free(c);
    }
};

using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxFree>;

/// The row behind @p h (the caller may hold a copy of a table row).
const HashRow&
HashRowOf(const IkeHashAlg& h)
{
    const HashRow* r = FindRowById(HashRows(), h.id, AlgOf);
    NS_ABORT_MSG_IF(r == nullptr, "unknown IKE hash algorithm " << h.id);
    return *r;
}

const CipherRow&
CipherRowOf(const IkeCipherAlg& c)
{
    const CipherRow* r = FindRowById(CipherRows(), c.id, AlgOfCipher);
    NS_ABORT_MSG_IF(r == nullptr, "unknown IKE encryption algorithm " << c.id);
    return *r;
}

/// The group's prime as a BIGNUM (the caller may hold a copy of a table row).
BnPtr
PrimeBn(const IkeDhGroup& g)
{
    const DhRow* r = FindRowById(DhRows(), g.id, GroupOf);
    NS_ABORT_MSG_IF(r == nullptr, "unknown IKE group " << g.id);
    BnPtr p(r->prime(nullptr));
    if (!p)
    {
        NS_FATAL_ERROR("IKE: cannot read the prime of group " << g.id << ": "
                                                              << IpsecOpensslError());
    }
    return p;
}

/// base^exponent mod p, big-endian, left-padded to the modulus length.
IkeBytes
ModExpPadded(const IkeDhGroup& g, const BIGNUM* base, const BIGNUM* exponent)
{
    BnCtxPtr ctx(BN_CTX_new());
    BnPtr p = PrimeBn(g);
    BnPtr r(BN_new());
    // Constant time, and the exponent is used exactly as given (its length
    // decides the cost the CPU model charges).
    if (!ctx || !r
        || BN_mod_exp_mont_consttime(r.get(), base, exponent, p.get(), ctx.get(), nullptr) != 1)
    {
        NS_FATAL_ERROR("IKE: modular exponentiation failed: " << IpsecOpensslError());
    }
    IkeBytes out(g.Bytes());
    if (BN_bn2binpad(r.get(), out.data(), static_cast<int>(out.size())) < 0)
    {
        NS_FATAL_ERROR("IKE: a DH value longer than its modulus");
    }
    return out;
}

/// The 4 bytes of an M-ID as the ISAKMP header carries them.
IkeBytes
MessageIdBytes(uint32_t messageId)
{
    return {static_cast<uint8_t>(messageId >> 24),
            static_cast<uint8_t>(messageId >> 16),
            static_cast<uint8_t>(messageId >> 8),
            static_cast<uint8_t>(messageId)};
}

/// The first @p n bytes of @p b.
IkeBytes
Head(const IkeBytes& b, size_t n)
{
    return IkeBytes(b.begin(), b.begin() + std::min(n, b.size()));
}

bool
Cbc(const IkeCipherAlg& cipher,
    const IkeBytes& key,
    const IkeBytes& iv,
    const IkeBytes& data,
    IkeBytes* out,
    bool encrypt)
{
    const CipherRow& row = CipherRowOf(cipher);
    const IkeCipherAlg& alg = row.alg;
    if (!alg.IsValidKeyBits(static_cast<uint32_t>(key.size() * 8)))
    {
        NS_LOG_WARN(alg.name << ": no key of " << key.size() * 8 << " bits");
        return false;
    }
    if (iv.size() != alg.blockSize || data.size() % alg.blockSize != 0)
    {
        NS_LOG_WARN(alg.name << ": an IV of " << iv.size() << " bytes and " << data.size()
                             << " bytes of data; CBC needs one block and whole blocks");
        return false;
    }
    // The data path's OpenSSL backend, through the ESP row of the same cipher
    // (same OpenSSL cipher, CBC without padding, an IV of one block).
    const IpsecEncAlgorithm* esp = FindEncAlgorithm(row.espName);
    NS_ABORT_MSG_IF(esp == nullptr || esp->kind != IpsecCipherKind::CBC
                        || esp->ivLen != alg.blockSize,
                    "IKE cipher " << alg.name << ": no CBC row " << row.espName);
    std::string why;
    std::unique_ptr<IpsecCipherContext> ctx = CreateCipherContext(*esp, key, &why);
    IkeBytes result = data;
    uint8_t* bytes = result.data();
    const bool ok = ctx
                 && (encrypt ? ctx->Encrypt(iv.data(), nullptr, 0, bytes, result.size(), nullptr)
                             : ctx->Decrypt(iv.data(), nullptr, 0, bytes, result.size(), nullptr));
    if (!ok)
    {
        NS_LOG_WARN(alg.name << " (" << row.espName << "): " << (ctx ? "OpenSSL failed" : why));
        return false;
    }
    *out = std::move(result);
    return true;
}

} // namespace

// ---------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------

const IkeDhGroup*
IkeDhGroup::ById(uint16_t id)
{
    const DhRow* r = FindRowById(DhRows(), id, GroupOf);
    return r ? &r->group : nullptr;
}

const IkeDhGroup*
IkeDhGroup::ByName(const std::string& name)
{
    static const Alias none[1] = {{"", ""}};
    const DhRow* r = name.empty() ? nullptr : FindRowByName(DhRows(), none, name, GroupOf);
    return r ? &r->group : nullptr;
}

const std::vector<IkeDhGroup>&
IkeDhGroup::All()
{
    static const std::vector<IkeDhGroup> all = AlgsOf<IkeDhGroup>(DhRows(), GroupOf);
    return all;
}

uint32_t
IkeDhGroup::Bytes() const
{
    return (bits + 7) / 8;
}

IkeBytes
IkeDhGroup::Prime() const
{
    BnPtr p = PrimeBn(*this);
    IkeBytes out(Bytes());
    if (BN_bn2binpad(p.get(), out.data(), static_cast<int>(out.size())) < 0)
    {
        NS_FATAL_ERROR("IKE: the prime of group " << id << " is longer than " << bits << " bits");
    }
    return out;
}

const IkeHashAlg*
IkeHashAlg::ById(uint16_t id)
{
    const HashRow* r = FindRowById(HashRows(), id, AlgOf);
    return r ? &r->alg : nullptr;
}

const IkeHashAlg*
IkeHashAlg::ByName(const std::string& name)
{
    const HashRow* r = FindRowByName(HashRows(), kHashAliases, name, AlgOf);
    return r ? &r->alg : nullptr;
}

const std::vector<IkeHashAlg>&
IkeHashAlg::All()
{
    static const std::vector<IkeHashAlg> all = AlgsOf<IkeHashAlg>(HashRows(), AlgOf);
    return all;
}

const IkeCipherAlg*
IkeCipherAlg::ById(uint16_t id)
{
    const CipherRow* r = FindRowById(CipherRows(), id, AlgOfCipher);
    return r ? &r->alg : nullptr;
}

const IkeCipherAlg*
IkeCipherAlg::ByName(const std::string& name)
{
    const CipherRow* r = FindRowByName(CipherRows(), kCipherAliases, name, AlgOfCipher);
    return r ? &r->alg : nullptr;
}

const std::vector<IkeCipherAlg>&
IkeCipherAlg::All()
{
    static const std::vector<IkeCipherAlg> all = AlgsOf<IkeCipherAlg>(CipherRows(), AlgOfCipher);
    return all;
}

bool
IkeCipherAlg::IsValidKeyBits(uint32_t bits) const
{
    if (bits < minKeyBits || bits > maxKeyBits || bits % 8 != 0)
    {
        return false;
    }
    // AES: 128, 192 or 256 only (racoon's eay_aes_keylen).
    return blockSize != 16 || bits % 64 == 0;
}

// ---------------------------------------------------------------------------
// Diffie-Hellman
// ---------------------------------------------------------------------------

IkeDh::IkeDh(const IkeDhGroup& group, const IkeBytes& random, uint32_t exponentBits)
    : m_group(&group)
    , m_exponentBits(exponentBits == 0 ? group.bits - 1 : exponentBits)
{
    NS_LOG_FUNCTION(this << group.name << random.size() << exponentBits);
    NS_ABORT_MSG_IF(m_exponentBits >= group.bits,
                    "IKE DH: a " << m_exponentBits << "-bit exponent for " << group.name);
    const size_t nbytes = (m_exponentBits + 7) / 8;
    NS_ABORT_MSG_IF(random.size() < nbytes,
                    "IKE DH: " << random.size() << " random bytes for a " << m_exponentBits
                               << "-bit exponent");
    // x = the first exponentBits bits of the random bytes, top bit set.
    BnPtr x(BN_bin2bn(random.data(), static_cast<int>(nbytes), nullptr));
    if (!x || BN_rshift(x.get(), x.get(), static_cast<int>(nbytes * 8 - m_exponentBits)) != 1
        || BN_set_bit(x.get(), static_cast<int>(m_exponentBits - 1)) != 1)
    {
        NS_FATAL_ERROR("IKE DH: " << IpsecOpensslError());
    }
    m_private.resize(nbytes);
    BN_bn2binpad(x.get(), m_private.data(), static_cast<int>(nbytes));
    BnPtr g(BN_new());
    if (!g || BN_set_word(g.get(), group.generator) != 1)
    {
        NS_FATAL_ERROR("IKE DH: " << IpsecOpensslError());
    }
    m_public = ModExpPadded(group, g.get(), x.get());
}

const IkeDhGroup&
IkeDh::GetGroup() const
{
    return *m_group;
}

uint32_t
IkeDh::GetExponentBits() const
{
    return m_exponentBits;
}

const IkeBytes&
IkeDh::GetPublic() const
{
    return m_public;
}

bool
IkeDh::ComputeShared(const IkeBytes& peerPublic, IkeBytes* shared) const
{
    NS_LOG_FUNCTION(this << peerPublic.size());
    if (peerPublic.size() != m_group->Bytes())
    {
        NS_LOG_LOGIC("a peer's public value of " << peerPublic.size() << " bytes, not "
                                                 << m_group->Bytes());
        return false;
    }
    BnPtr y(BN_bin2bn(peerPublic.data(), static_cast<int>(peerPublic.size()), nullptr));
    BnPtr pMinus1 = PrimeBn(*m_group);
    BnPtr x(BN_bin2bn(m_private.data(), static_cast<int>(m_private.size()), nullptr));
    if (!y || !x || BN_sub_word(pMinus1.get(), 1) != 1)
    {
        NS_FATAL_ERROR("IKE DH: " << IpsecOpensslError());
    }
    // 1 < y < p - 1: 0, 1 and p - 1 would force the shared secret.
    if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), pMinus1.get()) >= 0)
    {
        NS_LOG_LOGIC("a peer's public value outside [2, p-2]");
        return false;
    }
    *shared = ModExpPadded(*m_group, y.get(), x.get());
    return true;
}

// ---------------------------------------------------------------------------
// hash, prf
// ---------------------------------------------------------------------------

IkeBytes
IkeHash(const IkeHashAlg& h, const IkeBytes& data)
{
    const HashRow& row = HashRowOf(h);
    IpsecLoadOpensslProviders();
    IkeBytes out(EVP_MAX_MD_SIZE);
    size_t len = 0;
    if (EVP_Q_digest(nullptr, row.evpName, nullptr, data.data(), data.size(), out.data(), &len) != 1
        || len != row.alg.length)
    {
        NS_FATAL_ERROR("IKE: OpenSSL cannot compute " << row.evpName << ": "
                                                      << IpsecOpensslError());
    }
    out.resize(len);
    return out;
}

IkeBytes
IkePrf(const IkeHashAlg& h, const IkeBytes& key, const IkeBytes& data)
{
    const HashRow& row = HashRowOf(h);
    IpsecLoadOpensslProviders();
    // OpenSSL's HMAC takes a null key as "keep the previous one": an empty
    // key (an empty pre-shared key) must still be a non-null pointer.
    static const unsigned char kNoKey = 0;
    const unsigned char* keyData = key.empty() ? &kNoKey : key.data();
    IkeBytes out(EVP_MAX_MD_SIZE);
    size_t len = 0;
    if (EVP_Q_mac(nullptr,
                  "HMAC",
                  nullptr,
                  row.evpName,
                  nullptr,
                  keyData,
                  key.size(),
                  data.data(),
                  data.size(),
                  out.data(),
                  out.size(),
                  &len)
            == nullptr
        || len != row.alg.length)
    {
        NS_FATAL_ERROR("IKE: OpenSSL cannot compute HMAC-" << row.evpName << ": "
                                                           << IpsecOpensslError());
    }
    out.resize(len);
    return out;
}

IkeBytes
IkeConcat(std::initializer_list<IkeBytes> parts)
{
    size_t total = 0;
    for (const auto& p : parts)
    {
        total += p.size();
    }
    IkeBytes out;
    out.reserve(total);
    for (const auto& p : parts)
    {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

// ---------------------------------------------------------------------------
// Phase 1 (RFC 2409 section 5, appendix B)
// ---------------------------------------------------------------------------

IkeBytes
IkeEncryptionKey(const IkeHashAlg& h, const IkeBytes& skeyidE, uint32_t keyBytes)
{
    if (keyBytes <= skeyidE.size())
    {
        return Head(skeyidE, keyBytes);
    }
    IkeBytes key;
    IkeBytes k{0x00}; // K1 = prf(SKEYID_e, 0)
    while (key.size() < keyBytes)
    {
        k = IkePrf(h, skeyidE, k);
        key.insert(key.end(), k.begin(), k.end());
    }
    key.resize(keyBytes);
    return key;
}

IkeBytes
IkePhase1Iv(const IkeHashAlg& h,
            const IkeCipherAlg& cipher,
            const IkeBytes& gxi,
            const IkeBytes& gxr)
{
    return Head(IkeHash(h, IkeConcat({gxi, gxr})), cipher.blockSize);
}

IkePhase1Keys
IkeDerivePhase1Psk(const IkeHashAlg& h,
                   const IkeCipherAlg& cipher,
                   uint32_t keyBytes,
                   const IkeBytes& psk,
                   const IkeBytes& niB,
                   const IkeBytes& nrB,
                   const IkeBytes& gxy,
                   const IkeBytes& gxi,
                   const IkeBytes& gxr,
                   const IkeBytes& ckyI,
                   const IkeBytes& ckyR)
{
    NS_LOG_FUNCTION(h.name << cipher.name << keyBytes);
    IkePhase1Keys k;
    k.skeyid = IkePrf(h, psk, IkeConcat({niB, nrB}));
    k.skeyidD = IkePrf(h, k.skeyid, IkeConcat({gxy, ckyI, ckyR, {0}}));
    k.skeyidA = IkePrf(h, k.skeyid, IkeConcat({k.skeyidD, gxy, ckyI, ckyR, {1}}));
    k.skeyidE = IkePrf(h, k.skeyid, IkeConcat({k.skeyidA, gxy, ckyI, ckyR, {2}}));
    k.encKey = IkeEncryptionKey(h, k.skeyidE, keyBytes);
    k.iv = IkePhase1Iv(h, cipher, gxi, gxr);
    return k;
}

IkeBytes
IkePhase1Hash(const IkeHashAlg& h,
              const IkeBytes& skeyid,
              bool initiators,
              const IkeBytes& gxi,
              const IkeBytes& gxr,
              const IkeBytes& ckyI,
              const IkeBytes& ckyR,
              const IkeBytes& saiB,
              const IkeBytes& idB)
{
    // HASH_R is HASH_I from the responder's side: its value, then the initiator's.
    return initiators ? IkePrf(h, skeyid, IkeConcat({gxi, gxr, ckyI, ckyR, saiB, idB}))
                      : IkePrf(h, skeyid, IkeConcat({gxr, gxi, ckyR, ckyI, saiB, idB}));
}

// ---------------------------------------------------------------------------
// Phase 2 and informational exchanges (RFC 2409 sections 5.5, 5.7, appendix B)
// ---------------------------------------------------------------------------

IkeBytes
IkePhase2Iv(const IkeHashAlg& h,
            const IkeCipherAlg& cipher,
            const IkeBytes& lastPhase1Block,
            uint32_t messageId)
{
    return Head(IkeHash(h, IkeConcat({lastPhase1Block, MessageIdBytes(messageId)})),
                cipher.blockSize);
}

IkeBytes
IkeHash1(const IkeHashAlg& h, const IkeBytes& skeyidA, uint32_t messageId, const IkeBytes& rest)
{
    return IkePrf(h, skeyidA, IkeConcat({MessageIdBytes(messageId), rest}));
}

IkeBytes
IkeQuickHash2(const IkeHashAlg& h,
              const IkeBytes& skeyidA,
              uint32_t messageId,
              const IkeBytes& niB,
              const IkeBytes& rest)
{
    return IkePrf(h, skeyidA, IkeConcat({MessageIdBytes(messageId), niB, rest}));
}

IkeBytes
IkeQuickHash3(const IkeHashAlg& h,
              const IkeBytes& skeyidA,
              uint32_t messageId,
              const IkeBytes& niB,
              const IkeBytes& nrB)
{
    return IkePrf(h, skeyidA, IkeConcat({{0}, MessageIdBytes(messageId), niB, nrB}));
}

IkeBytes
IkeKeymat(const IkeHashAlg& h,
          const IkeBytes& skeyidD,
          const IkeBytes& gxyQm,
          uint8_t protocol,
          const IkeBytes& spi,
          const IkeBytes& niB,
          const IkeBytes& nrB,
          uint32_t length)
{
    NS_LOG_FUNCTION(h.name << gxyQm.size() << +protocol << length);
    const IkeBytes seed = IkeConcat({gxyQm, {protocol}, spi, niB, nrB});
    IkeBytes keymat;
    IkeBytes k; // K(n-1); empty for K1 = prf(SKEYID_d, seed)
    while (keymat.size() < length)
    {
        k = IkePrf(h, skeyidD, IkeConcat({k, seed}));
        keymat.insert(keymat.end(), k.begin(), k.end());
    }
    keymat.resize(length);
    return keymat;
}

// ---------------------------------------------------------------------------
// CBC
// ---------------------------------------------------------------------------

bool
IkeCbcEncrypt(const IkeCipherAlg& cipher,
              const IkeBytes& key,
              const IkeBytes& iv,
              const IkeBytes& data,
              IkeBytes* out)
{
    return Cbc(cipher, key, iv, data, out, true);
}

bool
IkeCbcDecrypt(const IkeCipherAlg& cipher,
              const IkeBytes& key,
              const IkeBytes& iv,
              const IkeBytes& data,
              IkeBytes* out)
{
    return Cbc(cipher, key, iv, data, out, false);
}

} // namespace ns3
