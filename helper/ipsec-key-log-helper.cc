/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-key-log-helper.h"

#include "ns3/abort.h"
#include "ns3/callback.h"
#include "ns3/ipsec-key-engine.h"
#include "ns3/ipsec-sad.h"
#include "ns3/ipsec-stack.h"
#include "ns3/log.h"
#include "ns3/pfkey-message.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecKeyLogHelper");

namespace
{

/// One esp_sa file, shared by every call that writes into its directory.
struct EspSaFile
{
    std::ofstream out;
    std::set<std::string> written;

    void Write(const std::string& line)
    {
        if (!line.empty() && written.insert(line).second)
        {
            out << line << "\n";
            out.flush();
        }
    }
};

/// The open files by path, and the paths this process has truncated.
std::map<std::string, std::weak_ptr<EspSaFile>>&
OpenFiles()
{
    static std::map<std::string, std::weak_ptr<EspSaFile>> files;
    return files;
}

std::set<std::string>&
TruncatedPaths()
{
    static std::set<std::string> paths;
    return paths;
}

std::shared_ptr<EspSaFile>
OpenEspSaFile(const std::string& path)
{
    std::shared_ptr<EspSaFile> f = OpenFiles()[path].lock();
    if (f)
    {
        return f;
    }
    f = std::make_shared<EspSaFile>();
    bool first = TruncatedPaths().insert(path).second;
    f->out.open(path, first ? std::ios::trunc : std::ios::app);
    NS_ABORT_MSG_UNLESS(f->out,
                        "cannot write the key log " << path << ": " << std::strerror(errno));
    OpenFiles()[path] = f;
    return f;
}

/// Every usable ESP SA of @p sad into @p file.
void
WriteSad(const Ptr<IpsecSad>& sad, EspSaFile& file)
{
    for (const auto& head : sad->GetHeads())
    {
        if (head->proto != IpsecProto::ESP)
        {
            continue;
        }
        for (const auto& list : head->sas)
        {
            for (const auto& sa : list)
            {
                if (sa->IsUsable())
                {
                    file.Write(IpsecKeyLogHelper::EspSaLine(*sa));
                }
            }
        }
    }
}

} // namespace

std::string
IpsecKeyLogHelper::Hex(const std::vector<uint8_t>& bytes)
{
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (uint8_t x : bytes)
    {
        s += digits[x >> 4];
        s += digits[x & 15];
    }
    return s;
}

std::string
IpsecKeyLogHelper::WiresharkEncryption(const IpsecEncAlgorithm& alg, size_t keyBits)
{
    const std::string name = alg.name;
    if (name == "des-cbc")
    {
        return "DES-CBC [RFC2405]";
    }
    if (name == "3des-cbc")
    {
        return "TripleDES-CBC [RFC2451]";
    }
    if (name == "rijndael-cbc")
    {
        return "AES-CBC [RFC3602]";
    }
    if (name == "aes-ctr")
    {
        return "AES-CTR [RFC3686]"; // the key with its 32-bit nonce
    }
    if (name == "aes-gcm-16")
    {
        return "AES-GCM with 16 octet ICV [RFC4106]"; // the key with its 32-bit salt
    }
    // Wireshark 4.0 refuses other Blowfish and CAST5 key lengths ("Bad Keylen").
    if (name == "blowfish-cbc" && (keyBits == 0 || keyBits == 128))
    {
        return "BLOWFISH-CBC [RFC2451]";
    }
    if (name == "cast128-cbc" && (keyBits == 0 || keyBits == 128))
    {
        return "CAST5-CBC [RFC2144]";
    }
    if (name == "null")
    {
        return "NULL";
    }
    return ""; // chacha20-poly1305: Wireshark 4.0's ESP has no ChaCha20
}

std::string
IpsecKeyLogHelper::WiresharkAuthentication(const IpsecAuthAlgorithm* alg, size_t icvBytes)
{
    if (alg == nullptr || alg->kind == IpsecAuthKind::NONE_AUTH)
    {
        return "NULL";
    }
    const std::string name = alg->name;
    if (name == "hmac-md5" && icvBytes == 12)
    {
        return "HMAC-MD5-96 [RFC2403]";
    }
    if (name == "hmac-sha1" && icvBytes == 12)
    {
        return "HMAC-SHA-1-96 [RFC2404]";
    }
    if (name == "hmac-ripemd160" && icvBytes == 12)
    {
        return "MAC-RIPEMD-160-96 [RFC2857]";
    }
    if (name == "hmac-sha2-256" && icvBytes == 12)
    {
        return "HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]";
    }
    if (name == "hmac-sha2-256" && icvBytes == 16)
    {
        return "HMAC-SHA-256-128 [RFC4868]";
    }
    if (name == "hmac-sha2-384" && icvBytes == 24)
    {
        return "HMAC-SHA-384-192 [RFC4868]";
    }
    if (name == "hmac-sha2-512" && icvBytes == 32)
    {
        return "HMAC-SHA-512-256 [RFC4868]";
    }
    return ""; // aes-xcbc-mac, keyed-md5, keyed-sha1, other truncations
}

std::string
IpsecKeyLogHelper::WiresharkUncheckedAuthentication(size_t icvBytes)
{
    switch (icvBytes)
    {
        case 8:
        case 12:
        case 16:
        case 24:
        case 32:
            return "ANY " + std::to_string(icvBytes * 8) + " bit authentication [no checking]";
        default:
            return "";
    }
}

std::string
IpsecKeyLogHelper::EspSaLine(const IpsecSa& sa)
{
    const IpsecSaParams& p = sa.params;
    if (p.proto != IpsecProto::ESP || p.enc == nullptr)
    {
        return "";
    }
    std::string enc = WiresharkEncryption(*p.enc, p.encKey.size() * 8);
    if (enc.empty())
    {
        NS_LOG_WARN("esp_sa: SPI " << p.spi << ": Wireshark 4.0 cannot decrypt " << p.enc->name
                                   << " with a " << p.encKey.size() * 8 << "-bit key");
        return "";
    }
    // An AEAD cipher's tag is its own; the SA has no authenticator then.
    bool aead = p.enc->kind == IpsecCipherKind::AEAD;
    std::string auth = aead ? "NULL" : WiresharkAuthentication(p.auth, sa.icvLen);
    if (auth.empty())
    {
        auth = WiresharkUncheckedAuthentication(sa.icvLen);
    }
    if (auth.empty())
    {
        NS_LOG_WARN("esp_sa: SPI " << p.spi << ": no Wireshark row for an ICV of " << sa.icvLen
                                   << " bytes");
        return "";
    }
    char spi[16];
    std::snprintf(spi, sizeof(spi), "0x%08x", p.spi);
    std::string encKey = p.encKey.empty() ? "" : "0x" + Hex(p.encKey);
    std::string authKey = aead || p.authKey.empty() ? "" : "0x" + Hex(p.authKey);
    return std::string("\"") + (p.dst.IsV6() ? "IPv6" : "IPv4") + "\",\"" + p.src.ToString()
         + "\",\"" + p.dst.ToString() + "\",\"" + spi + "\",\"" + enc + "\",\"" + encKey + "\",\""
         + auth + "\",\"" + authKey + "\"";
}

void
IpsecKeyLogHelper::EnableKeyLog(const NodeContainer& nodes, const std::string& dir) const
{
    std::shared_ptr<EspSaFile> file = OpenEspSaFile(dir + "/esp_sa");
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Ptr<IpsecStack> stack = (*it)->GetObject<IpsecStack>();
        if (!stack)
        {
            continue; // no IPsec, no SA
        }
        Ptr<IpsecSad> sad = stack->GetSad();
        WriteSad(sad, *file);
        // A successful ADD or UPDATE is answered to every socket (the reply
        // without the keys): the SA is in the SAD then, with its keys.  (The
        // SAD refers to its engine by a plain pointer: no reference cycle.)
        stack->GetKeyEngine()->TraceConnectWithoutContext(
            "Message",
            Callback<void, const PfKeyMessage&, bool>(
                [file, sad](const PfKeyMessage& m, bool fromUserland)
                {
                    if (!fromUserland && m.errnum == 0
                        && (m.type == static_cast<uint8_t>(PfKeyType::ADD)
                            || m.type == static_cast<uint8_t>(PfKeyType::UPDATE)))
                    {
                        WriteSad(sad, *file);
                    }
                }));
    }
}

} // namespace ns3
