/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ike-proposal.h"

#include "ike-crypto.h"
#include "ipsec-algorithms.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace ns3
{

namespace
{

using namespace isakmp;

/// A row of the phase-2 algorithm table: racoon's name, the ISAKMP ids, setkey's name.
struct Ph2Cipher
{
    const char* racoon;
    uint8_t espId;
    const char* setkey;
};

const Ph2Cipher PH2_CIPHERS[] = {
    {"des", ESP_DES, "des-cbc"},
    {"3des", ESP_3DES, "3des-cbc"},
    {"cast128", ESP_CAST, "cast128-cbc"},
    {"blowfish", ESP_BLOWFISH, "blowfish-cbc"},
    {"null_enc", ESP_NULL, "null"},
    {"aes", ESP_AES, "rijndael-cbc"},
    {"rijndael", ESP_AES, "rijndael-cbc"},
    {"aes_ctr", ESP_AES_CTR, "aes-ctr"},
};

struct Ph2Auth
{
    const char* racoon;
    uint16_t doiId; ///< IPsec DOI authentication algorithm
    uint8_t ahId;   ///< AH transform id
    const char* setkey;
    uint32_t keyBytes;
};

const Ph2Auth PH2_AUTHS[] = {
    {"hmac_md5", IPSEC_AUTH_HMAC_MD5, AH_MD5, "hmac-md5", 16},
    {"hmac_sha1", IPSEC_AUTH_HMAC_SHA1, AH_SHA, "hmac-sha1", 20},
    {"hmac_sha256", IPSEC_AUTH_HMAC_SHA2_256, AH_SHA2_256, "hmac-sha2-256", 32},
    {"hmac_sha384", IPSEC_AUTH_HMAC_SHA2_384, AH_SHA2_384, "hmac-sha2-384", 48},
    {"hmac_sha512", IPSEC_AUTH_HMAC_SHA2_512, AH_SHA2_512, "hmac-sha2-512", 64},
};

const Ph2Cipher*
CipherByName(const std::string& name)
{
    for (const Ph2Cipher& c : PH2_CIPHERS)
    {
        if (name == c.racoon)
        {
            return &c;
        }
    }
    return nullptr;
}

const Ph2Cipher*
CipherById(uint8_t id)
{
    for (const Ph2Cipher& c : PH2_CIPHERS)
    {
        if (c.espId == id)
        {
            return &c;
        }
    }
    return nullptr;
}

const Ph2Auth*
AuthByName(const std::string& name)
{
    for (const Ph2Auth& a : PH2_AUTHS)
    {
        if (name == a.racoon)
        {
            return &a;
        }
    }
    return nullptr;
}

const Ph2Auth*
AuthByDoi(uint16_t id)
{
    for (const Ph2Auth& a : PH2_AUTHS)
    {
        if (a.doiId == id)
        {
            return &a;
        }
    }
    return nullptr;
}

uint8_t
ProtocolId(IpsecProto p)
{
    switch (p)
    {
        case IpsecProto::AH:
            return PROTO_IPSEC_AH;
        case IpsecProto::ESP:
            return PROTO_IPSEC_ESP;
        case IpsecProto::IPCOMP:
            return PROTO_IPCOMP;
    }
    return 0;
}

bool
ProtoOf(uint8_t id, IpsecProto* p)
{
    switch (id)
    {
        case PROTO_IPSEC_AH:
            *p = IpsecProto::AH;
            return true;
        case PROTO_IPSEC_ESP:
            *p = IpsecProto::ESP;
            return true;
        case PROTO_IPCOMP:
            *p = IpsecProto::IPCOMP;
            return true;
        default:
            return false;
    }
}

std::vector<uint8_t>
SpiBytes(IpsecProto p, uint32_t spi)
{
    if (p == IpsecProto::IPCOMP)
    {
        return {static_cast<uint8_t>(spi >> 8), static_cast<uint8_t>(spi)};
    }
    return {static_cast<uint8_t>(spi >> 24),
            static_cast<uint8_t>(spi >> 16),
            static_cast<uint8_t>(spi >> 8),
            static_cast<uint8_t>(spi)};
}

/// The transform alternatives racoon offers for one request.
std::vector<IkePh2Sa>
Alternatives(const IpsecRequest& req, const RacoonSainfo& si, uint32_t spi)
{
    std::vector<IkePh2Sa> out;
    IkePh2Sa base;
    base.proto = req.proto;
    base.mode = req.mode == IpsecMode::TUNNEL ? IpsecMode::TUNNEL : IpsecMode::TRANSPORT;
    base.spi = spi;
    switch (req.proto)
    {
        case IpsecProto::ESP:
            for (const auto& [name, bits] : si.encryption)
            {
                const Ph2Cipher* c = CipherByName(name);
                if (!c)
                {
                    continue;
                }
                for (const std::string& a : si.authentication)
                {
                    IkePh2Sa s = base;
                    s.transformId = c->espId;
                    s.keyBits = static_cast<uint16_t>(bits);
                    if (a != "non_auth")
                    {
                        const Ph2Auth* auth = AuthByName(a);
                        if (!auth)
                        {
                            continue;
                        }
                        s.authAlg = auth->doiId;
                    }
                    out.push_back(s);
                }
            }
            break;
        case IpsecProto::AH:
            for (const std::string& a : si.authentication)
            {
                if (const Ph2Auth* auth = AuthByName(a))
                {
                    IkePh2Sa s = base;
                    s.transformId = auth->ahId;
                    s.authAlg = auth->doiId;
                    out.push_back(s);
                }
            }
            break;
        case IpsecProto::IPCOMP:
            for (const std::string& c : si.compression)
            {
                if (c == "deflate")
                {
                    IkePh2Sa s = base;
                    s.transformId = IPCOMP_DEFLATE;
                    out.push_back(s);
                }
            }
            break;
    }
    return out;
}

bool
SameTransform(const IkePh2Sa& a, const IkePh2Sa& b)
{
    return a.proto == b.proto && a.mode == b.mode && a.transformId == b.transformId
        && a.authAlg == b.authAlg && a.keyBits == b.keyBits && a.udpEncap == b.udpEncap;
}

/// The encapsulation modes racoon's check_attr_ipsec accepts (with NAT-T
/// built in: RFC 3947's and the drafts' UDP-encapsulated modes too).
bool
KnownEncMode(uint64_t v)
{
    return v == IPSEC_ENC_MODE_TUNNEL || v == IPSEC_ENC_MODE_TRANSPORT
        || v == IPSEC_ENC_MODE_UDP_TUNNEL || v == IPSEC_ENC_MODE_UDP_TRANSPORT
        || v == IPSEC_ENC_MODE_UDP_TUNNEL_DRAFT || v == IPSEC_ENC_MODE_UDP_TRANSPORT_DRAFT;
}

} // namespace

// ---- phase 1 ---------------------------------------------------------------

std::string
IkePh1Transform::ToString() const
{
    std::ostringstream os;
    const IkeCipherAlg* c = IkeCipherAlg::ById(cipher);
    const IkeHashAlg* h = IkeHashAlg::ById(hash);
    const IkeDhGroup* g = IkeDhGroup::ById(group);
    os << (c ? c->name : std::to_string(cipher)) << (keyBits ? "-" + std::to_string(keyBits) : "")
       << "/" << (h ? h->name : std::to_string(hash)) << "/"
       << (auth == OAKLEY_AUTH_PSK ? "psk" : std::to_string(auth)) << "/"
       << (g ? g->name : std::to_string(group)) << "/" << lifeSeconds << "s";
    return os.str();
}

IsakmpSa
IkePhase1Offer(const RacoonRemote& rm)
{
    IsakmpSa sa;
    IsakmpProposal p;
    p.number = 1;
    p.protocol = PROTO_ISAKMP;
    uint8_t n = 1;
    for (const RacoonProposal& rp : rm.proposals)
    {
        IkePh1Transform t;
        t.number = n++;
        const IkeCipherAlg* c = IkeCipherAlg::ByName(rp.encryption);
        const IkeHashAlg* h = IkeHashAlg::ByName(rp.hash);
        t.cipher = c ? c->id : 0;
        t.keyBits = static_cast<uint16_t>(rp.keyLength);
        t.hash = h ? h->id : 0;
        t.auth = OAKLEY_AUTH_PSK;
        t.group = rp.dhGroup;
        Time life = rp.lifetime.IsStrictlyPositive() ? rp.lifetime : rm.lifetime;
        t.lifeSeconds = static_cast<uint32_t>(life.GetSeconds());
        p.transforms.push_back(IkeEncodePh1Transform(t));
    }
    sa.proposals.push_back(p);
    return sa;
}

IsakmpTransform
IkeEncodePh1Transform(const IkePh1Transform& p)
{
    IsakmpTransform t;
    t.number = p.number;
    t.id = KEY_IKE;
    t.attributes.push_back(IsakmpAttribute::Make(OAKLEY_ENC, p.cipher));
    if (p.keyBits)
    {
        t.attributes.push_back(IsakmpAttribute::Make(OAKLEY_KEY_LENGTH, p.keyBits));
    }
    t.attributes.push_back(IsakmpAttribute::Make(OAKLEY_HASH, p.hash));
    t.attributes.push_back(IsakmpAttribute::Make(OAKLEY_AUTH, p.auth));
    t.attributes.push_back(IsakmpAttribute::Make(OAKLEY_GROUP, p.group));
    t.attributes.push_back(IsakmpAttribute::Make(OAKLEY_LIFE_TYPE, OAKLEY_LIFE_SECONDS));
    t.attributes.push_back(IsakmpAttribute::Make(OAKLEY_LIFE_DURATION, p.lifeSeconds));
    return t;
}

bool
IkeDecodePh1Transform(const IsakmpTransform& t, IkePh1Transform* out, std::string* why)
{
    if (t.id != KEY_IKE)
    {
        *why = "transform id " + std::to_string(t.id) + " is not KEY_IKE";
        return false;
    }
    IkePh1Transform r;
    r.number = t.number;
    uint16_t lifeType = 0;
    for (const IsakmpAttribute& a : t.attributes)
    {
        uint64_t v = a.Number();
        switch (a.type)
        {
            case OAKLEY_ENC:
                r.cipher = static_cast<uint16_t>(v);
                break;
            case OAKLEY_HASH:
                r.hash = static_cast<uint16_t>(v);
                break;
            case OAKLEY_AUTH:
                r.auth = static_cast<uint16_t>(v);
                break;
            case OAKLEY_GROUP:
                r.group = static_cast<uint16_t>(v);
                break;
            case OAKLEY_KEY_LENGTH:
                r.keyBits = static_cast<uint16_t>(v);
                break;
            case OAKLEY_LIFE_TYPE:
                lifeType = static_cast<uint16_t>(v);
                break;
            case OAKLEY_LIFE_DURATION:
                if (lifeType == OAKLEY_LIFE_SECONDS)
                {
                    r.lifeSeconds = static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX));
                }
                break;
            default:
                *why = "unsupported phase-1 attribute type " + std::to_string(a.type);
                return false;
        }
    }
    if (!IkeCipherAlg::ById(r.cipher) || !IkeHashAlg::ById(r.hash) || !IkeDhGroup::ById(r.group)
        || r.auth != OAKLEY_AUTH_PSK)
    {
        *why = "unsupported phase-1 transform " + r.ToString();
        return false;
    }
    *out = r;
    return true;
}

bool
IkeSelectPhase1(const IsakmpSa& sa,
                const RacoonRemote& rm,
                IkePh1Transform* chosen,
                std::string* why)
{
    if (sa.doi != DOI_IPSEC || sa.situation != SIT_IDENTITY_ONLY || sa.proposals.size() != 1
        || sa.proposals[0].protocol != PROTO_ISAKMP)
    {
        *why = "not one ISAKMP proposal in the IPsec DOI";
        return false;
    }
    IsakmpSa mine = IkePhase1Offer(rm);
    std::string reasons;
    for (const IsakmpTransform& t : sa.proposals[0].transforms)
    {
        IkePh1Transform peer;
        std::string bad;
        if (!IkeDecodePh1Transform(t, &peer, &bad))
        {
            reasons += (reasons.empty() ? "" : "; ") + bad;
            continue;
        }
        for (const IsakmpTransform& m : mine.proposals[0].transforms)
        {
            IkePh1Transform own;
            IkeDecodePh1Transform(m, &own, &bad);
            const IkeCipherAlg* c = IkeCipherAlg::ById(own.cipher);
            uint16_t ownBits = own.keyBits ? own.keyBits : (c ? c->defaultKeyBits : 0);
            uint16_t peerBits = peer.keyBits ? peer.keyBits : (c ? c->defaultKeyBits : 0);
            if (peer.cipher != own.cipher || peerBits != ownBits || peer.hash != own.hash
                || peer.auth != own.auth || peer.group != own.group)
            {
                continue;
            }
            const std::string& check = rm.proposalCheck;
            if ((check == "strict" && peer.lifeSeconds > own.lifeSeconds)
                || (check == "exact" && peer.lifeSeconds != own.lifeSeconds))
            {
                reasons += (reasons.empty() ? "" : "; ") + std::string("lifetime ")
                         + std::to_string(peer.lifeSeconds) + "s longer than ours ("
                         + std::to_string(own.lifeSeconds) + "s)";
                continue;
            }
            *chosen = peer;
            if (check == "claim" && own.lifeSeconds < peer.lifeSeconds)
            {
                chosen->lifeSeconds = own.lifeSeconds;
            }
            return true;
        }
    }
    *why = "no suitable proposal found" + (reasons.empty() ? "" : " (" + reasons + ")");
    return false;
}

// ---- phase 2 ---------------------------------------------------------------

std::string
IkePh2Proposal::ToString() const
{
    std::ostringstream os;
    for (size_t i = 0; i < sas.size(); ++i)
    {
        const IkePh2Sa& s = sas[i];
        os << (i ? " " : "") << IpsecProtoName(s.proto) << "/" << (s.udpEncap ? "udp-" : "")
           << (s.mode == IpsecMode::TUNNEL ? "tunnel" : "transport");
        if (s.proto == IpsecProto::ESP)
        {
            const Ph2Cipher* c = CipherById(s.transformId);
            os << " " << (c ? c->racoon : std::to_string(s.transformId));
            if (s.keyBits)
            {
                os << " " << s.keyBits;
            }
        }
        if (s.authAlg)
        {
            const Ph2Auth* a = AuthByDoi(s.authAlg);
            os << " " << (a ? a->racoon : std::to_string(s.authAlg));
        }
        if (s.proto == IpsecProto::IPCOMP)
        {
            os << " deflate";
        }
        os << ";";
    }
    os << " " << lifeSeconds << "s";
    if (pfsGroup)
    {
        const IkeDhGroup* g = IkeDhGroup::ById(pfsGroup);
        os << " pfs " << (g ? g->name : std::to_string(pfsGroup));
    }
    return os.str();
}

std::vector<IkePh2Proposal>
IkePhase2Proposals(const std::vector<IpsecRequest>& requests,
                   const RacoonSainfo& si,
                   const std::vector<uint32_t>& spis)
{
    std::vector<IkePh2Proposal> out(1);
    out[0].lifeSeconds = static_cast<uint32_t>(si.lifetime.GetSeconds());
    out[0].pfsGroup = si.pfsGroup.value_or(0);
    for (size_t i = 0; i < requests.size(); ++i)
    {
        std::vector<IkePh2Sa> alts = Alternatives(requests[i], si, i < spis.size() ? spis[i] : 0);
        std::vector<IkePh2Proposal> next;
        for (const IkePh2Proposal& p : out)
        {
            for (const IkePh2Sa& a : alts)
            {
                IkePh2Proposal q = p;
                q.sas.push_back(a);
                next.push_back(q);
            }
        }
        out = next;
    }
    return out;
}

IsakmpSa
IkeEncodePhase2(const std::vector<IkePh2Proposal>& proposals, uint16_t udpModeDiff)
{
    IsakmpSa sa;
    if (proposals.empty())
    {
        return sa;
    }
    const IkePh2Proposal& first = proposals[0];
    for (size_t i = 0; i < first.sas.size(); ++i)
    {
        IsakmpProposal p;
        p.number = 1;
        p.protocol = ProtocolId(first.sas[i].proto);
        p.spi = SpiBytes(first.sas[i].proto, first.sas[i].spi);
        // The distinct transforms of this protocol, in the order offered.
        std::vector<IkePh2Sa> seen;
        for (const IkePh2Proposal& alt : proposals)
        {
            const IkePh2Sa& s = alt.sas[i];
            bool dup = false;
            for (const IkePh2Sa& d : seen)
            {
                dup = dup || SameTransform(d, s);
            }
            if (dup)
            {
                continue;
            }
            seen.push_back(s);
            IsakmpTransform t;
            t.number = static_cast<uint8_t>(seen.size());
            t.id = s.transformId;
            t.attributes.push_back(IsakmpAttribute::Make(IPSEC_LIFE_TYPE, 1));
            t.attributes.push_back(IsakmpAttribute::Make(IPSEC_LIFE_DURATION, alt.lifeSeconds));
            if (alt.pfsGroup)
            {
                t.attributes.push_back(IsakmpAttribute::Make(IPSEC_GROUP_DESC, alt.pfsGroup));
            }
            uint16_t mode
                = s.mode == IpsecMode::TUNNEL ? IPSEC_ENC_MODE_TUNNEL : IPSEC_ENC_MODE_TRANSPORT;
            t.attributes.push_back(IsakmpAttribute::Make(
                IPSEC_ENC_MODE, s.udpEncap ? static_cast<uint16_t>(mode + udpModeDiff) : mode));
            if (s.authAlg)
            {
                t.attributes.push_back(IsakmpAttribute::Make(IPSEC_AUTH_ALG, s.authAlg));
            }
            if (s.keyBits)
            {
                t.attributes.push_back(IsakmpAttribute::Make(IPSEC_KEY_LENGTH, s.keyBits));
            }
            p.transforms.push_back(t);
        }
        sa.proposals.push_back(p);
    }
    return sa;
}

bool
IkeDecodePhase2(const IsakmpSa& sa, std::vector<IkePh2Proposal>* out, std::string* why)
{
    out->clear();
    if (sa.doi != DOI_IPSEC || sa.situation != SIT_IDENTITY_ONLY || sa.proposals.empty())
    {
        *why = "not an IPsec DOI SA with proposals";
        return false;
    }
    // Group the proposal payloads by number (a bundle shares one).
    std::map<uint8_t, std::vector<const IsakmpProposal*>> byNumber;
    std::vector<uint8_t> order;
    for (const IsakmpProposal& p : sa.proposals)
    {
        if (byNumber.find(p.number) == byNumber.end())
        {
            order.push_back(p.number);
        }
        byNumber[p.number].push_back(&p);
    }
    for (uint8_t n : order)
    {
        std::vector<IkePh2Proposal> alts(1);
        for (const IsakmpProposal* p : byNumber[n])
        {
            IpsecProto proto;
            if (!ProtoOf(p->protocol, &proto))
            {
                *why = "unknown protocol id " + std::to_string(p->protocol);
                return false;
            }
            size_t spiSize = proto == IpsecProto::IPCOMP ? 2 : 4;
            if (p->spi.size() != spiSize)
            {
                *why = "SPI of " + std::to_string(p->spi.size()) + " bytes for "
                     + IpsecProtoName(proto);
                return false;
            }
            uint32_t spi = 0;
            for (uint8_t b : p->spi)
            {
                spi = (spi << 8) | b;
            }
            std::vector<std::pair<IkePh2Sa, std::pair<uint32_t, uint16_t>>> transforms;
            std::string skipped;
            for (const IsakmpTransform& t : p->transforms)
            {
                // racoon's check_attr_ipsec: a transform with an attribute it
                // does not know, or an encapsulation mode it does not know, is
                // not a candidate (get_transform skips it).
                auto bad = std::find_if(
                    t.attributes.begin(),
                    t.attributes.end(),
                    [](const IsakmpAttribute& a)
                    {
                        return a.type < IPSEC_LIFE_TYPE || a.type > IPSEC_KEY_LENGTH
                            || (a.type == IPSEC_ENC_MODE && !KnownEncMode(a.Number()));
                    });
                if (bad != t.attributes.end())
                {
                    skipped = bad->type == IPSEC_ENC_MODE
                                ? "invalid encryption mode " + std::to_string(bad->Number())
                                : "invalid attribute type " + std::to_string(bad->type);
                    continue;
                }
                IkePh2Sa s;
                s.proto = proto;
                s.spi = spi;
                s.transformId = t.id;
                s.mode = IpsecMode::TRANSPORT;
                uint32_t life = 0;
                uint16_t group = 0;
                uint16_t lifeType = 0;
                for (const IsakmpAttribute& a : t.attributes)
                {
                    uint64_t v = a.Number();
                    switch (a.type)
                    {
                        case IPSEC_LIFE_TYPE:
                            lifeType = static_cast<uint16_t>(v);
                            break;
                        case IPSEC_LIFE_DURATION:
                            if (lifeType == 1)
                            {
                                life = static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX));
                            }
                            break;
                        case IPSEC_GROUP_DESC:
                            group = static_cast<uint16_t>(v);
                            break;
                        case IPSEC_ENC_MODE:
                            s.mode = v == IPSEC_ENC_MODE_TUNNEL || v == IPSEC_ENC_MODE_UDP_TUNNEL
                                          || v == IPSEC_ENC_MODE_UDP_TUNNEL_DRAFT
                                       ? IpsecMode::TUNNEL
                                       : IpsecMode::TRANSPORT;
                            s.udpEncap
                                = v != IPSEC_ENC_MODE_TUNNEL && v != IPSEC_ENC_MODE_TRANSPORT;
                            break;
                        case IPSEC_AUTH_ALG:
                            s.authAlg = static_cast<uint16_t>(v);
                            break;
                        case IPSEC_KEY_LENGTH:
                            s.keyBits = static_cast<uint16_t>(v);
                            break;
                        default:
                            break; // attributes we do not model are ignored
                    }
                }
                transforms.push_back({s, {life, group}});
            }
            if (transforms.empty())
            {
                *why = skipped.empty() ? "a proposal without transforms" : skipped;
                return false;
            }
            std::vector<IkePh2Proposal> next;
            for (const IkePh2Proposal& a : alts)
            {
                for (const auto& [s, lg] : transforms)
                {
                    IkePh2Proposal q = a;
                    q.sas.push_back(s);
                    q.lifeSeconds = lg.first;
                    q.pfsGroup = lg.second;
                    next.push_back(q);
                }
            }
            alts = next;
        }
        out->insert(out->end(), alts.begin(), alts.end());
    }
    return true;
}

bool
IkeSelectPhase2(const std::vector<IkePh2Proposal>& offered,
                const std::vector<IkePh2Proposal>& mine,
                const std::string& check,
                IkePh2Proposal* chosen,
                std::string* why)
{
    std::string reasons;
    for (const IkePh2Proposal& o : offered)
    {
        for (const IkePh2Proposal& m : mine)
        {
            if (o.sas.size() != m.sas.size())
            {
                continue;
            }
            bool same = true;
            for (size_t i = 0; i < o.sas.size() && same; ++i)
            {
                same = SameTransform(o.sas[i], m.sas[i]);
            }
            if (!same)
            {
                continue;
            }
            if (check != "obey" && o.pfsGroup != m.pfsGroup)
            {
                reasons += (reasons.empty() ? "" : "; ") + std::string("pfs group mismatch");
                continue;
            }
            if ((check == "strict" && o.lifeSeconds > m.lifeSeconds)
                || (check == "exact" && o.lifeSeconds != m.lifeSeconds))
            {
                reasons += (reasons.empty() ? "" : "; ") + std::string("lifetime mismatch");
                continue;
            }
            *chosen = o;
            if (check == "claim" && m.lifeSeconds < o.lifeSeconds)
            {
                chosen->lifeSeconds = m.lifeSeconds;
            }
            return true;
        }
    }
    *why = "no suitable policy found" + (reasons.empty() ? "" : " (" + reasons + ")");
    return false;
}

bool
IkeSadbAlgorithmsOf(const IkePh2Sa& sa, IkeSadbAlgorithms* out, std::string* why)
{
    IkeSadbAlgorithms r;
    switch (sa.proto)
    {
        case IpsecProto::ESP:
        {
            r.satype = 3; // SADB_SATYPE_ESP
            const Ph2Cipher* c = CipherById(sa.transformId);
            const IpsecEncAlgorithm* e = c ? FindEncAlgorithm(c->setkey) : nullptr;
            if (!e)
            {
                *why = "ESP transform " + std::to_string(sa.transformId) + " is not supported";
                return false;
            }
            r.encrypt = e->sadbId;
            uint32_t bits = sa.keyBits;
            if (bits == 0)
            {
                // The cipher's fixed or default key (racoon: blowfish, cast128
                // and aes default to 128 bits).
                bits = e->minKeyBits == e->maxKeyBits ? e->minKeyBits : 128;
            }
            r.encKeyBytes = bits / 8;
            break;
        }
        case IpsecProto::AH:
            r.satype = 2; // SADB_SATYPE_AH
            break;
        case IpsecProto::IPCOMP:
        {
            r.satype = 9; // SADB_X_SATYPE_IPCOMP
            const IpsecCompAlgorithm* c = FindCompAlgorithm("deflate");
            if (sa.transformId != IPCOMP_DEFLATE || !c)
            {
                *why = "IPComp transform " + std::to_string(sa.transformId) + " is not supported";
                return false;
            }
            r.encrypt = c->sadbId;
            break;
        }
    }
    if (sa.authAlg)
    {
        const Ph2Auth* a = AuthByDoi(sa.authAlg);
        const IpsecAuthAlgorithm* alg = a ? FindAuthAlgorithm(a->setkey) : nullptr;
        if (!alg)
        {
            *why = "authentication algorithm " + std::to_string(sa.authAlg) + " is not supported";
            return false;
        }
        r.auth = alg->sadbId;
        r.authKeyBytes = a->keyBytes;
    }
    else if (sa.proto == IpsecProto::AH)
    {
        *why = "AH without an authentication algorithm";
        return false;
    }
    *out = r;
    return true;
}

} // namespace ns3
