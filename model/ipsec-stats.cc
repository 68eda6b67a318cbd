/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-stats.h"

#include "ipsec-algorithms.h"

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

/// Histogram names as NetBSD's netstat prints them (ipsec_ahnames etc.).
std::string
AhName(uint32_t id)
{
    switch (id)
    {
        case 0:
            return "none";
        case 249:
            return "md5";
        case 250:
            return "sha";
        default:
            break;
    }
    const IpsecAuthAlgorithm* a = FindAuthAlgorithmById(id);
    return a ? a->name : "#" + std::to_string(id);
}

std::string
EspName(uint32_t id)
{
    if (id == 0)
    {
        return "none";
    }
    const IpsecEncAlgorithm* a = FindEncAlgorithmById(id);
    return a ? a->name : "#" + std::to_string(id);
}

std::string
CompName(uint32_t id)
{
    if (id == 0)
    {
        return "none";
    }
    const IpsecCompAlgorithm* a = FindCompAlgorithmById(id);
    return a ? a->name : "#" + std::to_string(id);
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
    os << "{";
    bool first = true;
    for (const auto& [name, value] : Scalars())
    {
        os << (first ? "" : ", ") << "\"" << name << "\": " << value;
        first = false;
    }
    JsonHistogram(os, "in_esphist", in_esphist, EspName);
    JsonHistogram(os, "in_ahhist", in_ahhist, AhName);
    JsonHistogram(os, "in_comphist", in_comphist, CompName);
    JsonHistogram(os, "out_esphist", out_esphist, EspName);
    JsonHistogram(os, "out_ahhist", out_ahhist, AhName);
    JsonHistogram(os, "out_comphist", out_comphist, CompName);
    os << "}";
}

} // namespace ns3
