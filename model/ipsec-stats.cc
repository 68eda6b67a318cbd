/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-stats.h"

#include "ipsec-algorithms.h"
#include "pfkey-message.h"

namespace ns3
{

std::vector<std::pair<std::string, uint64_t>>
IpsecStats::Scalars() const
{
    return {{"in_success", in_success},
            {"in_polvio", in_polvio},
            {"in_nosa", in_nosa},
            {"in_inval", in_inval},
            {"in_nomem", in_nomem},
            {"in_badspi", in_badspi},
            {"in_ahreplay", in_ahreplay},
            {"in_espreplay", in_espreplay},
            {"in_ahauthsucc", in_ahauthsucc},
            {"in_ahauthfail", in_ahauthfail},
            {"in_espauthsucc", in_espauthsucc},
            {"in_espauthfail", in_espauthfail},
            {"out_success", out_success},
            {"out_polvio", out_polvio},
            {"out_nosa", out_nosa},
            {"out_inval", out_inval},
            {"out_nomem", out_nomem},
            {"out_noroute", out_noroute},
            {"spdcachelookup", spdcachelookup},
            {"spdcachemiss", spdcachemiss}};
}

namespace
{

/// The name of algorithm @p id in the table @p find searches, or "#id"
/// when it has no row; 0 is "none".
template <typename Find>
std::string
RowName(uint32_t id, Find find)
{
    if (id == 0)
    {
        return "none";
    }
    const auto* a = find(id);
    return a ? a->name : "#" + std::to_string(id);
}

/// Histogram names as NetBSD's netstat prints them (ipsec_ahnames etc.).
std::string
AhName(uint32_t id)
{
    switch (id)
    {
        case 249:
            return "md5";
        case 250:
            return "sha";
        default:
            return RowName(id, FindAuthAlgorithmById);
    }
}

std::string
EspName(uint32_t id)
{
    return RowName(id, FindEncAlgorithmById);
}

std::string
CompName(uint32_t id)
{
    return RowName(id, FindCompAlgorithmById);
}

void
Line(std::ostream& os, uint64_t n, const char* singular, const char* rest, bool omitZero)
{
    if (omitZero && n == 0)
    {
        return;
    }
    // netstat's plural(): "s" unless exactly one
    os << "\t" << n << " " << singular << (n != 1 ? "s" : "") << rest << "\n";
}

void
Histogram(std::ostream& os,
          const std::array<uint64_t, 256>& h,
          const char* title,
          std::string (*name)(uint32_t))
{
    bool first = true;
    for (uint32_t i = 0; i < h.size(); ++i)
    {
        if (h[i] == 0)
        {
            continue;
        }
        if (first)
        {
            os << "\t" << title << ":\n";
            first = false;
        }
        os << "\t\t" << name(i) << ": " << h[i] << "\n";
    }
}

void
JsonHistogram(std::ostream& os,
              const char* key,
              const std::array<uint64_t, 256>& h,
              std::string (*name)(uint32_t))
{
    os << ", \"" << key << "\": {";
    bool first = true;
    for (uint32_t i = 0; i < h.size(); ++i)
    {
        if (h[i] != 0)
        {
            os << (first ? "" : ", ") << "\"" << name(i) << "\": " << h[i];
            first = false;
        }
    }
    os << "}";
}

/// A JSON object's opening and its scalar members, in @p scalars' order.
void
JsonScalars(std::ostream& os, const std::vector<std::pair<std::string, uint64_t>>& scalars)
{
    os << "{";
    bool first = true;
    for (const auto& [name, value] : scalars)
    {
        os << (first ? "" : ", ") << "\"" << name << "\": " << value;
        first = false;
    }
}

} // namespace

void
IpsecStats::Print(std::ostream& os, const std::string& section, bool omitZero) const
{
    os << section << ":\n";
    Line(os, in_success, "inbound packet", " processed successfully", omitZero);
    Line(os, in_polvio, "inbound packet", " violated process security policy", omitZero);
    Line(os, in_nosa, "inbound packet", " with no SA available", omitZero);
    Line(os, in_inval, "invalid inbound packet", "", omitZero);
    Line(os, in_nomem, "inbound packet", " failed due to insufficient memory", omitZero);
    Line(os, in_badspi, "inbound packet", " failed getting SPI", omitZero);
    Line(os, in_ahreplay, "inbound packet", " failed on AH replay check", omitZero);
    Line(os, in_espreplay, "inbound packet", " failed on ESP replay check", omitZero);
    Line(os, in_ahauthsucc, "inbound packet", " considered authentic", omitZero);
    Line(os, in_ahauthfail, "inbound packet", " failed on authentication", omitZero);
    Histogram(os, in_ahhist, "AH input histogram", AhName);
    Histogram(os, in_esphist, "ESP input histogram", EspName);
    Histogram(os, in_comphist, "IPComp input histogram", CompName);
    Line(os, out_success, "outbound packet", " processed successfully", omitZero);
    Line(os, out_polvio, "outbound packet", " violated process security policy", omitZero);
    Line(os, out_nosa, "outbound packet", " with no SA available", omitZero);
    Line(os, out_inval, "invalid outbound packet", "", omitZero);
    Line(os, out_nomem, "outbound packet", " failed due to insufficient memory", omitZero);
    Line(os, out_noroute, "outbound packet", " with no route", omitZero);
    Histogram(os, out_ahhist, "AH output histogram", AhName);
    Histogram(os, out_esphist, "ESP output histogram", EspName);
    Histogram(os, out_comphist, "IPComp output histogram", CompName);
    Line(os, spdcachelookup, "SPD cache lookup", "", omitZero);
    if (!(omitZero && spdcachemiss == 0))
    {
        os << "\t" << spdcachemiss << " SPD cache miss" << (spdcachemiss != 1 ? "es" : "") << "\n";
    }
}

void
IpsecStats::PrintJson(std::ostream& os) const
{
    JsonScalars(os, Scalars());
    JsonHistogram(os, "in_esphist", in_esphist, EspName);
    JsonHistogram(os, "in_ahhist", in_ahhist, AhName);
    JsonHistogram(os, "in_comphist", in_comphist, CompName);
    JsonHistogram(os, "out_esphist", out_esphist, EspName);
    JsonHistogram(os, "out_ahhist", out_ahhist, AhName);
    JsonHistogram(os, "out_comphist", out_comphist, CompName);
    os << "}";
}

namespace
{

std::string
PfKeyName(uint32_t type)
{
    return PfKeyTypeName(static_cast<uint8_t>(type));
}

} // namespace

std::vector<std::pair<std::string, uint64_t>>
IpsecPfKeyStats::Scalars() const
{
    return {
        {"out_total", out_total},
        {"out_bytes", out_bytes},
        {"out_invlen", out_invlen},
        {"out_invver", out_invver},
        {"out_invmsgtype", out_invmsgtype},
        {"out_tooshort", out_tooshort},
        {"out_nomem", out_nomem},
        {"out_dupext", out_dupext},
        {"out_invexttype", out_invexttype},
        {"out_invsatype", out_invsatype},
        {"out_invaddr", out_invaddr},
        {"in_total", in_total},
        {"in_bytes", in_bytes},
        {"in_msgtarget_one", in_msgtarget[0]},
        {"in_msgtarget_all", in_msgtarget[1]},
        {"in_msgtarget_registered", in_msgtarget[2]},
        {"in_nomem", in_nomem},
        {"sockerr", sockerr},
    };
}

bool
IpsecPfKeyStats::Increment(const std::string& name)
{
    static const std::pair<const char*, uint64_t IpsecPfKeyStats::*> kFields[] = {
        {"out_invlen", &IpsecPfKeyStats::out_invlen},
        {"out_invver", &IpsecPfKeyStats::out_invver},
        {"out_invmsgtype", &IpsecPfKeyStats::out_invmsgtype},
        {"out_tooshort", &IpsecPfKeyStats::out_tooshort},
        {"out_nomem", &IpsecPfKeyStats::out_nomem},
        {"out_dupext", &IpsecPfKeyStats::out_dupext},
        {"out_invexttype", &IpsecPfKeyStats::out_invexttype},
        {"out_invsatype", &IpsecPfKeyStats::out_invsatype},
        {"out_invaddr", &IpsecPfKeyStats::out_invaddr},
        {"in_nomem", &IpsecPfKeyStats::in_nomem},
        {"sockerr", &IpsecPfKeyStats::sockerr},
    };
    for (const auto& [fieldName, field] : kFields)
    {
        if (name == fieldName)
        {
            ++(this->*field);
            return true;
        }
    }
    return false;
}

void
IpsecPfKeyStats::Print(std::ostream& os, bool omitZero) const
{
    os << "pfkey:\n";
    Line(os, out_total, "request", " sent from userland", omitZero);
    Line(os, out_bytes, "byte", " sent from userland", omitZero);
    Histogram(os, out_msgtype, "histogram by message type", PfKeyName);
    Line(os, out_invlen, "message", " with invalid length field", omitZero);
    Line(os, out_invver, "message", " with invalid version field", omitZero);
    Line(os, out_invmsgtype, "message", " with invalid message type field", omitZero);
    Line(os, out_tooshort, "message", " too short", omitZero);
    Line(os, out_nomem, "message", " with memory allocation failure", omitZero);
    Line(os, out_dupext, "message", " with duplicate extension", omitZero);
    Line(os, out_invexttype, "message", " with invalid extension type", omitZero);
    Line(os, out_invsatype, "message", " with invalid sa type", omitZero);
    Line(os, out_invaddr, "message", " with invalid address extension", omitZero);
    Line(os, in_total, "request", " sent to userland", omitZero);
    Line(os, in_bytes, "byte", " sent to userland", omitZero);
    Histogram(os, in_msgtype, "histogram by message type", PfKeyName);
    Line(os, in_msgtarget[0], "message", " toward single socket", omitZero);
    Line(os, in_msgtarget[1], "message", " toward all sockets", omitZero);
    Line(os, in_msgtarget[2], "message", " toward registered sockets", omitZero);
    Line(os, in_nomem, "message", " with memory allocation failure", omitZero);
}

void
IpsecPfKeyStats::PrintJson(std::ostream& os) const
{
    JsonScalars(os, Scalars());
    JsonHistogram(os, "out_msgtype", out_msgtype, PfKeyName);
    JsonHistogram(os, "in_msgtype", in_msgtype, PfKeyName);
    os << "}";
}

} // namespace ns3
