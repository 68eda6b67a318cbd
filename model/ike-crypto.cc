// SPDX-License-Identifier: GPL-2.0-only
/*
 * IKEv1's cryptography (ike-crypto.h) with OpenSSL 3.
 *
 * The groups, hashes and ciphers are table rows; everything else is byte
 * concatenation around two primitives, hash() and prf() = HMAC (RFC 2409
 * section 5 and appendix B), plus modular exponentiation with BIGNUM for
 * Diffie-Hellman and EVP ciphers in CBC mode without padding (ISAKMP pads
 * its messages itself, RFC 2408 section 3.5).  Byte layouts follow racoon
 * (ipsec-tools), which the RFCs leave open in places:
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

#include "ipsec-crypto-openssl.h"
#include "ns3/abort.h"
#include "ns3/fatal-error.h"
#include "ns3/log.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IkeCrypto");

namespace
{

// ---------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------

// The MODP primes, big-endian hex.  Generator 2 for all of them.
/// RFC 2409 section 6.1, the First Oakley Default Group: 768-bit MODP.
const char* const kModp768 = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
                             "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
                             "4FE1356D6D51C245E485B576625E7EC6F44C42E9A63A3620FFFFFFFFFFFFFFFF";

/// RFC 2409 section 6.2, the Second Oakley Group: 1024-bit MODP.
const char* const kModp1024 = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
                              "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
                              "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                              "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";

/// RFC 3526 section 2: 1536-bit MODP.
const char* const kModp1536 = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
                              "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
                              "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                              "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
                              "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
                              "9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF";

/// RFC 3526 section 3: 2048-bit MODP.
const char* const kModp2048 = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
                              "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
                              "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                              "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
                              "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
                              "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
                              "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
                              "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

/// RFC 3526 section 4: 3072-bit MODP.
const char* const kModp3072 = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
                              "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
                              "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                              "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
                              "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
                              "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
                              "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
                              "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
                              "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
                              "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
                              "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
                              "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

/// RFC 3526 section 5: 4096-bit MODP.
const char* const kModp4096 = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
                              "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
                              "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                              "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
                              "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
                              "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
                              "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
                              "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
                              "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
                              "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
                              "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
                              "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A92108011A723C12A787E6D7"
                              "88719A10BDBA5B2699C327186AF4E23C1A946834B6150BDA2583E9CA2AD44CE8"
                              "DBBBC2DB04DE8EF92E8EFC141FBECAA6287C59474E6BC05D99B2964FA090C3A2"
                              "233BA186515BE7ED1F612970CEE2D7AFB81BDD762170481CD0069127D5B05AA9"
                              "93B4EA988D8FDDC186FFB7DC90A6C08F4DF435C934063199FFFFFFFFFFFFFFFF";

/// RFC 3526 section 6: 6144-bit MODP.
const char* const kModp6144 = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
                              "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
                              "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                              "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
                              "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
                              "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
                              "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
                              "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
                              "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
                              "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
                              "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
                              "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A92108011A723C12A787E6D7"
                              "88719A10BDBA5B2699C327186AF4E23C1A946834B6150BDA2583E9CA2AD44CE8"
                              "DBBBC2DB04DE8EF92E8EFC141FBECAA6287C59474E6BC05D99B2964FA090C3A2"
                              "233BA186515BE7ED1F612970CEE2D7AFB81BDD762170481CD0069127D5B05AA9"
                              "93B4EA988D8FDDC186FFB7DC90A6C08F4DF435C93402849236C3FAB4D27C7026"
                              "C1D4DCB2602646DEC9751E763DBA37BDF8FF9406AD9E530EE5DB382F413001AE"
                              "B06A53ED9027D831179727B0865A8918DA3EDBEBCF9B14ED44CE6CBACED4BB1B"
                              "DB7F1447E6CC254B332051512BD7AF426FB8F401378CD2BF5983CA01C64B92EC"
                              "F032EA15D1721D03F482D7CE6E74FEF6D55E702F46980C82B5A84031900B1C9E"
                              "59E7C97FBEC7E8F323A97A7E36CC88BE0F1D45B7FF585AC54BD407B22B4154AA"
                              "CC8F6D7EBF48E1D814CC5ED20F8037E0A79715EEF29BE32806A1D58BB7C5DA76"
                              "F550AA3D8A1FBFF0EB19CCB1A313D55CDA56C9EC2EF29632387FE8D76E3C0468"
                              "043E8F663F4860EE12BF2D5B0B7474D6E694F91E6DCC4024FFFFFFFFFFFFFFFF";

/// RFC 3526 section 7: 8192-bit MODP.
const char* const kModp8192 = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
                              "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
                              "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                              "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
                              "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
                              "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
                              "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
                              "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
                              "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
                              "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
                              "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
                              "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A92108011A723C12A787E6D7"
                              "88719A10BDBA5B2699C327186AF4E23C1A946834B6150BDA2583E9CA2AD44CE8"
                              "DBBBC2DB04DE8EF92E8EFC141FBECAA6287C59474E6BC05D99B2964FA090C3A2"
                              "233BA186515BE7ED1F612970CEE2D7AFB81BDD762170481CD0069127D5B05AA9"
                              "93B4EA988D8FDDC186FFB7DC90A6C08F4DF435C93402849236C3FAB4D27C7026"
                              "C1D4DCB2602646DEC9751E763DBA37BDF8FF9406AD9E530EE5DB382F413001AE"
                              "B06A53ED9027D831179727B0865A8918DA3EDBEBCF9B14ED44CE6CBACED4BB1B"
                              "DB7F1447E6CC254B332051512BD7AF426FB8F401378CD2BF5983CA01C64B92EC"
                              "F032EA15D1721D03F482D7CE6E74FEF6D55E702F46980C82B5A84031900B1C9E"
                              "59E7C97FBEC7E8F323A97A7E36CC88BE0F1D45B7FF585AC54BD407B22B4154AA"
                              "CC8F6D7EBF48E1D814CC5ED20F8037E0A79715EEF29BE32806A1D58BB7C5DA76"
                              "F550AA3D8A1FBFF0EB19CCB1A313D55CDA56C9EC2EF29632387FE8D76E3C0468"
                              "043E8F663F4860EE12BF2D5B0B7474D6E694F91E6DBE115974A3926F12FEE5E4"
                              "38777CB6A932DF8CD8BEC4D073B931BA3BC832B68D9DD300741FA7BF8AFC47ED"
                              "2576F6936BA424663AAB639C5AE4F5683423B4742BF1C978238F16CBE39D652D"
                              "E3FDB8BEFC848AD922222E04A4037C0713EB57A81A23F0C73473FC646CEA306B"
                              "4BCBC8862F8385DDFA9D4B7FA2C087E879683303ED5BDD3A062B3CF5B3A278A6"
                              "6D2A13F83F44F82DDF310EE074AB6A364597E899A0255DC164F31CC50846851D"
                              "F9AB48195DED7EA1B1D510BD7EE74D73FAF36BC31ECFA268359046F4EB879F92"
                              "4009438B481C6CD7889A002ED5EE382BC9190DA6FC026E479558E4475677E9AA"
                              "9E3050E2765694DFC81F56E880B96E7160C980DD98EDD3DFFFFFFFFFFFFFFFFF";

const std::vector<IkeDhGroup>&
DhRows()
{
    // id, racoon's name, bits, prime, generator
    static const std::vector<IkeDhGroup> rows = {
        {1, "modp768", 768, kModp768, 2},
        {2, "modp1024", 1024, kModp1024, 2},
        {5, "modp1536", 1536, kModp1536, 2},
        {14, "modp2048", 2048, kModp2048, 2},
        {15, "modp3072", 3072, kModp3072, 2},
        {16, "modp4096", 4096, kModp4096, 2},
        {17, "modp6144", 6144, kModp6144, 2},
        {18, "modp8192", 8192, kModp8192, 2},
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

/// A cipher row plus OpenSSL's name of the CBC cipher ('*': the key bits).
struct CipherRow
{
    IkeCipherAlg alg;
    const char* evpName;
};

/// Oakley encryption algorithms (RFC 2409 appendix A; 7, AES-CBC (RFC 3602),
/// from the IANA registry).  Key lengths as racoon checks them (check_keylen and
/// the eay_*_keylen functions of its crypto_openssl.c).
const std::vector<CipherRow>&
CipherRows()
{
    // id, name, block, default bits, variable, min, max, bits without the attribute
    static const std::vector<CipherRow> rows = {
        {{1, "des", 8, 64, false, 64, 64, 64}, "DES-CBC"},
        {{3, "blowfish", 8, 128, true, 40, 448, 448}, "BF-CBC"},
        {{5, "3des", 8, 192, false, 192, 192, 192}, "DES-EDE3-CBC"},
        {{6, "cast128", 8, 128, true, 40, 128, 128}, "CAST5-CBC"},
        {{7, "aes", 16, 128, true, 128, 256, 128}, "AES-*-CBC"},
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
Itself(const IkeDhGroup& g)
{
    return g;
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

/// Drains OpenSSL's error queue into one line.
std::string
OpensslError()
{
    std::string text;
    unsigned long e;
    while ((e = ERR_get_error()) != 0)
    {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof(buf));
        if (!text.empty())
        {
            text += "; ";
        }
        text += buf;
    }
    return text.empty() ? "unknown OpenSSL error" : text;
}

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

struct CipherFree
{
    void operator()(EVP_CIPHER* c) const
    {
        EVP_CIPHER_free(c);
    }
};

struct CipherCtxFree
{
    void operator()(EVP_CIPHER_CTX* c) const
    {
        EVP_CIPHER_CTX_free(c);
    }
};

using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxFree>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherFree>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

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

/// The group's prime as a BIGNUM.
BnPtr
Prime(const IkeDhGroup& g)
{
    BIGNUM* p = nullptr;
    if (BN_hex2bn(&p, g.primeHex) == 0)
    {
        NS_FATAL_ERROR("IKE: cannot read the prime of group " << g.id << ": " << OpensslError());
    }
    return BnPtr(p);
}

/// base^exponent mod p, big-endian, left-padded to the modulus length.
IkeBytes
ModExpPadded(const IkeDhGroup& g, const BIGNUM* base, const BIGNUM* exponent)
{
    BnCtxPtr ctx(BN_CTX_new());
    BnPtr p = Prime(g);
    BnPtr r(BN_new());
    // Constant time, and the exponent is used exactly as given (its length
    // decides the cost the CPU model charges).
    if (!ctx || !r
        || BN_mod_exp_mont_consttime(r.get(), base, exponent, p.get(), ctx.get(), nullptr) != 1)
    {
        NS_FATAL_ERROR("IKE: modular exponentiation failed: " << OpensslError());
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
    std::string evpName = row.evpName;
    const auto star = evpName.find('*');
    if (star != std::string::npos)
    {
        evpName.replace(star, 1, std::to_string(key.size() * 8));
    }
    IpsecLoadOpensslProviders();
    CipherPtr evp(EVP_CIPHER_fetch(nullptr, evpName.c_str(), nullptr));
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    const int enc = encrypt ? 1 : 0;
    if (!evp || !ctx
        || EVP_CipherInit_ex2(ctx.get(), evp.get(), nullptr, nullptr, enc, nullptr) != 1)
    {
        NS_LOG_WARN(alg.name << " (" << evpName << "): " << OpensslError());
        return false;
    }
    // Blowfish and CAST5: OpenSSL's default is 128 bits; set the length first.
    if (static_cast<size_t>(EVP_CIPHER_CTX_get_key_length(ctx.get())) != key.size()
        && EVP_CIPHER_CTX_set_key_length(ctx.get(), static_cast<int>(key.size())) != 1)
    {
        NS_LOG_WARN(alg.name << ": OpenSSL refuses a " << key.size() * 8
                             << "-bit key: " << OpensslError());
        return false;
    }
    IkeBytes result(data.size());
    int outl = 0;
    int finl = 0;
    if (EVP_CipherInit_ex2(ctx.get(), nullptr, key.data(), iv.data(), enc, nullptr) != 1
        || EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1
        || (!data.empty()
            && EVP_CipherUpdate(
                   ctx.get(), result.data(), &outl, data.data(), static_cast<int>(data.size()))
                   != 1)
        || EVP_CipherFinal_ex(ctx.get(), result.data() + outl, &finl) != 1
        || static_cast<size_t>(outl + finl) != data.size())
    {
        NS_LOG_WARN(alg.name << " (" << evpName << "): " << OpensslError());
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
    return FindRowById(DhRows(), id, Itself);
}

const IkeDhGroup*
IkeDhGroup::ByName(const std::string& name)
{
    static const Alias none[1] = {{"", ""}};
    return name.empty() ? nullptr : FindRowByName(DhRows(), none, name, Itself);
}

const std::vector<IkeDhGroup>&
IkeDhGroup::All()
{
    return DhRows();
}

uint32_t
IkeDhGroup::Bytes() const
{
    return (bits + 7) / 8;
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
        NS_FATAL_ERROR("IKE DH: " << OpensslError());
    }
    m_private.resize(nbytes);
    BN_bn2binpad(x.get(), m_private.data(), static_cast<int>(nbytes));
    BnPtr g(BN_new());
    if (!g || BN_set_word(g.get(), group.generator) != 1)
    {
        NS_FATAL_ERROR("IKE DH: " << OpensslError());
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
    BnPtr pMinus1 = Prime(*m_group);
    BnPtr x(BN_bin2bn(m_private.data(), static_cast<int>(m_private.size()), nullptr));
    if (!y || !x || BN_sub_word(pMinus1.get(), 1) != 1)
    {
        NS_FATAL_ERROR("IKE DH: " << OpensslError());
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
        NS_FATAL_ERROR("IKE: OpenSSL cannot compute " << row.evpName << ": " << OpensslError());
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
                                                           << OpensslError());
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
IkeHashI(const IkeHashAlg& h,
         const IkeBytes& skeyid,
         const IkeBytes& gxi,
         const IkeBytes& gxr,
         const IkeBytes& ckyI,
         const IkeBytes& ckyR,
         const IkeBytes& saiB,
         const IkeBytes& idiiB)
{
    return IkePrf(h, skeyid, IkeConcat({gxi, gxr, ckyI, ckyR, saiB, idiiB}));
}

IkeBytes
IkeHashR(const IkeHashAlg& h,
         const IkeBytes& skeyid,
         const IkeBytes& gxi,
         const IkeBytes& gxr,
         const IkeBytes& ckyI,
         const IkeBytes& ckyR,
         const IkeBytes& saiB,
         const IkeBytes& idirB)
{
    return IkePrf(h, skeyid, IkeConcat({gxr, gxi, ckyR, ckyI, saiB, idirB}));
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
IkeQuickHash1(const IkeHashAlg& h,
              const IkeBytes& skeyidA,
              uint32_t messageId,
              const IkeBytes& rest)
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
IkeInfoHash(const IkeHashAlg& h, const IkeBytes& skeyidA, uint32_t messageId, const IkeBytes& rest)
{
    return IkePrf(h, skeyidA, IkeConcat({MessageIdBytes(messageId), rest}));
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
