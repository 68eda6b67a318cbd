// SPDX-License-Identifier: GPL-2.0-only
/*
 * IpsecSysctl: one table row per sysctl name, mapping it to the IpsecStack
 * attribute and the range the kernel accepts (KAME's ipsec_sysctl and
 * key_sysctl, ipsec(4)); the attribute's own checker decides the value type
 * (UintegerValue, IntegerValue or BooleanValue) and checks the value once
 * more.
 */
#include "ipsec-sysctl.h"

#include "ipsec-stack.h"
#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/integer.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IpsecSysctl");

namespace
{

/// Which object of the node holds the attribute a variable shows.
enum class Owner : uint8_t
{
    STACK, ///< ns3::IpsecStack (net.inet*.ipsec*, protocol switches)
    SAD,   ///< ns3::IpsecSad (net.key SPI and larval knobs)
    KEY,   ///< ns3::IpsecKeyEngine (the other net.key knobs)
};

/// One sysctl variable.
struct SysctlRow
{
    const char* name;      ///< full sysctl name
    const char* attribute; ///< attribute it shows
    int64_t min;           ///< smallest value the kernel accepts
    int64_t max;           ///< largest value the kernel accepts
    Owner owner{Owner::STACK};
};

constexpr int64_t INT_MAX_VALUE = std::numeric_limits<int32_t>::max();

/// The variables, in the order of List(): net.inet.ipsec in KAME's IPSECCTL
/// order, the FAST_IPSEC protocol switches, then net.inet6.ipsec6.
const SysctlRow g_rows[] = {
    {"net.inet.ipsec.def_policy", "DefPolicy", 0, 1},
    {"net.inet.ipsec.esp_trans_deflev", "EspTransDeflev", 1, 2},
    {"net.inet.ipsec.esp_net_deflev", "EspNetDeflev", 1, 2},
    {"net.inet.ipsec.ah_trans_deflev", "AhTransDeflev", 1, 2},
    {"net.inet.ipsec.ah_net_deflev", "AhNetDeflev", 1, 2},
    {"net.inet.ipsec.ah_cleartos", "AhCleartos", 0, 1},
    {"net.inet.ipsec.ah_offsetmask", "AhOffsetmask", 0, 65535},
    {"net.inet.ipsec.dfbit", "Dfbit", 0, 2},
    {"net.inet.ipsec.ecn", "Ecn", -1, 1},
    {"net.inet.ipsec.debug", "Debug", 0, INT_MAX_VALUE},
    {"net.inet.esp.esp_enable", "EspEnable", 0, 1},
    {"net.inet.ah.ah_enable", "AhEnable", 0, 1},
    {"net.inet.ipcomp.ipcomp_enable", "IpcompEnable", 0, 1},
    {"net.inet6.ipsec6.def_policy", "Ipv6DefPolicy", 0, 1},
    {"net.inet6.ipsec6.esp_trans_deflev", "Ipv6EspTransDeflev", 1, 2},
    {"net.inet6.ipsec6.esp_net_deflev", "Ipv6EspNetDeflev", 1, 2},
    {"net.inet6.ipsec6.ah_trans_deflev", "Ipv6AhTransDeflev", 1, 2},
    {"net.inet6.ipsec6.ah_net_deflev", "Ipv6AhNetDeflev", 1, 2},
    {"net.inet6.ipsec6.ecn", "Ipv6Ecn", -1, 1},
    {"net.inet6.ipsec6.debug", "Debug", 0, INT_MAX_VALUE},
    // net.key in KEYCTL order (random_int is not modelled: no reseeding).
    {"net.key.debug", "Debug", 0, INT_MAX_VALUE, Owner::KEY},
    {"net.key.spi_try", "SpiTry", 1, INT_MAX_VALUE, Owner::SAD},
    {"net.key.spi_min_value", "SpiMinValue", 0, INT_MAX_VALUE, Owner::SAD},
    {"net.key.spi_max_value", "SpiMaxValue", 0, INT_MAX_VALUE, Owner::SAD},
    {"net.key.larval_lifetime", "LarvalLifetime", 0, INT_MAX_VALUE, Owner::SAD},
    {"net.key.blockacq_count", "BlockAcqCount", 0, INT_MAX_VALUE, Owner::KEY},
    {"net.key.blockacq_lifetime", "BlockAcqLifetime", 0, INT_MAX_VALUE, Owner::KEY},
    {"net.key.esp_keymin", "EspKeyMin", 0, INT_MAX_VALUE, Owner::KEY},
    {"net.key.esp_auth", "EspAuth", 0, INT_MAX_VALUE, Owner::KEY},
    {"net.key.ah_keymin", "AhKeyMin", 0, INT_MAX_VALUE, Owner::KEY},
    {"net.key.preferred_oldsa", "PreferredOldSa", 0, 1, Owner::KEY},
};

/// The object of @p stack's node that holds @p row's attribute.
Ptr<Object>
OwnerOf(Ptr<IpsecStack> stack, const SysctlRow& row)
{
    switch (row.owner)
    {
        case Owner::SAD:
            return stack->GetSad();
        case Owner::KEY:
            return stack->GetKeyEngine();
        case Owner::STACK:
            break;
    }
    return stack;
}

TypeId
OwnerTypeId(const SysctlRow& row)
{
    switch (row.owner)
    {
        case Owner::SAD:
            return IpsecSad::GetTypeId();
        case Owner::KEY:
            return IpsecKeyEngine::GetTypeId();
        case Owner::STACK:
            break;
    }
    return IpsecStack::GetTypeId();
}

/// NetBSD sysctl.c lname[]: the ordinal of a name component.
const char* const g_levelNames[] = {
    "top",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
};

std::vector<std::string>
SplitName(const std::string& name)
{
    std::vector<std::string> parts;
    std::string::size_type start = 0;
    while (true)
    {
        std::string::size_type dot = name.find('.', start);
        parts.push_back(name.substr(start, dot - start));
        if (dot == std::string::npos)
        {
            return parts;
        }
        start = dot + 1;
    }
}

std::string
Trim(const std::string& s)
{
    const char* blanks = " \t\r\n";
    std::string::size_type b = s.find_first_not_of(blanks);
    if (b == std::string::npos)
    {
        return "";
    }
    return s.substr(b, s.find_last_not_of(blanks) - b + 1);
}

/// True if @p prefix (components) is @p name's components or a leading part of them.
bool
IsUnder(const std::vector<std::string>& prefix, const std::vector<std::string>& name)
{
    return prefix.size() <= name.size() && std::equal(prefix.begin(), prefix.end(), name.begin());
}

/**
 * Resolves @p name as sysctlgetmibinfo does: throws the "level name is
 * invalid" error at the first component no variable has there.  Returns the
 * variable @p name names, or nullptr when it names an inner node.
 */
const SysctlRow*
Resolve(const std::string& name)
{
    std::vector<std::string> parts = SplitName(name);
    for (std::size_t depth = 0; depth < parts.size(); ++depth)
    {
        std::vector<std::string> prefix(parts.begin(), parts.begin() + depth + 1);
        bool known = std::any_of(std::begin(g_rows),
                                 std::end(g_rows),
                                 [&](const SysctlRow& r)
                                 {
                                     return IsUnder(prefix, SplitName(r.name));
                                 });
        if (!known)
        {
            const std::size_t levels = sizeof(g_levelNames) / sizeof(g_levelNames[0]);
            std::string level
                = depth < levels ? g_levelNames[depth] : std::to_string(depth + 1) + "th";
            throw IpsecSysctlError(name,
                                   "sysctl: " + level + " level name '" + parts[depth] + "' in '"
                                       + name + "' is invalid");
        }
    }
    for (const SysctlRow& r : g_rows)
    {
        if (name == r.name)
        {
            return &r;
        }
    }
    return nullptr;
}

/// Resolves @p name to a variable; an inner node is an error (EISDIR).
const SysctlRow&
ResolveVariable(const std::string& name)
{
    const SysctlRow* row = Resolve(name);
    if (!row)
    {
        std::vector<std::string> prefix = SplitName(name);
        std::string example;
        for (const SysctlRow& r : g_rows)
        {
            if (IsUnder(prefix, SplitName(r.name)))
            {
                example = r.name;
                break;
            }
        }
        throw IpsecSysctlError(name,
                               "sysctl: " + name + ": Is a directory (expected a variable such as "
                                   + example + ")");
    }
    return *row;
}

Ptr<IpsecStack>
StackOf(Ptr<Node> node, const std::string& name)
{
    if (!node)
    {
        throw IpsecSysctlError(
            name, "sysctl: " + name + ": no node (expected a node with an IpsecStack aggregated)");
    }
    Ptr<IpsecStack> stack = node->GetObject<IpsecStack>();
    if (!stack)
    {
        throw IpsecSysctlError(name,
                               "sysctl: " + name + ": node " + std::to_string(node->GetId())
                                   + " has no ns3::IpsecStack (expected a node with an "
                                     "IpsecStack aggregated)");
    }
    return stack;
}

/// "0 or 1", "-1, 0 or 1", "an integer from 0 to 65535".
std::string
Expected(const SysctlRow& row)
{
    if (row.max - row.min > 2)
    {
        return "an integer from " + std::to_string(row.min) + " to " + std::to_string(row.max);
    }
    std::string text;
    for (int64_t v = row.min; v <= row.max; ++v)
    {
        if (v != row.min)
        {
            text += v == row.max ? " or " : ", ";
        }
        text += std::to_string(v);
    }
    return text;
}

/// Parses [+-](decimal | 0x hex), blanks around ignored (from_chars on an
/// unsigned type takes digits only: no second sign, no inner blank).  False if
/// not a number or outside int64_t.
bool
ParseInteger(const std::string& text, int64_t& out)
{
    std::string s = Trim(text);
    bool negative = false;
    std::size_t pos = 0;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-'))
    {
        negative = s[pos] == '-';
        ++pos;
    }
    int base = 10;
    if (s.size() - pos > 2 && s[pos] == '0' && (s[pos + 1] == 'x' || s[pos + 1] == 'X'))
    {
        base = 16;
        pos += 2;
    }
    uint64_t magnitude = 0;
    const char* first = s.data() + pos;
    const char* last = s.data() + s.size();
    auto [end, ec] = std::from_chars(first, last, magnitude, base);
    if (ec != std::errc() || end != last)
    {
        return false;
    }
    const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (magnitude > limit + (negative ? 1 : 0))
    {
        return false;
    }
    out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
    return true;
}

Ptr<const AttributeChecker>
CheckerOf(const SysctlRow& row)
{
    TypeId::AttributeInformation info;
    bool found = OwnerTypeId(row).LookupAttributeByName(row.attribute, &info);
    NS_ABORT_MSG_UNLESS(found,
                        "IpsecSysctl: " << OwnerTypeId(row).GetName() << " has no attribute "
                                        << row.attribute);
    return info.checker;
}

int64_t
ReadValue(Ptr<IpsecStack> stack, const SysctlRow& row)
{
    Ptr<AttributeValue> value = CheckerOf(row)->Create();
    OwnerOf(stack, row)->GetAttribute(row.attribute, *value);
    if (auto u = DynamicCast<UintegerValue>(value))
    {
        return static_cast<int64_t>(u->Get());
    }
    if (auto i = DynamicCast<IntegerValue>(value))
    {
        return i->Get();
    }
    if (auto b = DynamicCast<BooleanValue>(value))
    {
        return b->Get() ? 1 : 0;
    }
    NS_FATAL_ERROR("IpsecSysctl: attribute " << row.attribute << " is not an integer or boolean");
    return 0;
}

/// The attribute value holding @p v, of the type the attribute's checker wants.
Ptr<AttributeValue>
MakeValue(const SysctlRow& row, int64_t v)
{
    Ptr<AttributeValue> value = CheckerOf(row)->Create();
    if (auto u = DynamicCast<UintegerValue>(value))
    {
        u->Set(static_cast<uint64_t>(v));
    }
    else if (auto i = DynamicCast<IntegerValue>(value))
    {
        i->Set(v);
    }
    else if (auto b = DynamicCast<BooleanValue>(value))
    {
        b->Set(v != 0);
    }
    else
    {
        NS_FATAL_ERROR("IpsecSysctl: attribute " << row.attribute
                                                 << " is not an integer or boolean");
    }
    return value;
}

std::string
Line(Ptr<IpsecStack> stack, const SysctlRow& row)
{
    return std::string(row.name) + " = " + std::to_string(ReadValue(stack, row));
}

} // namespace

IpsecSysctlError::IpsecSysctlError(const std::string& name, const std::string& message)
    : std::runtime_error(message)
    , m_name(name)
{
}

const std::string&
IpsecSysctlError::GetName() const
{
    return m_name;
}

void
IpsecSysctl::Set(Ptr<Node> node, const std::string& name, const std::string& value)
{
    NS_LOG_FUNCTION(node << name << value);
    const SysctlRow& row = ResolveVariable(name);
    Ptr<IpsecStack> stack = StackOf(node, name);
    int64_t v = 0;
    Ptr<AttributeValue> attr;
    if (ParseInteger(value, v) && v >= row.min && v <= row.max)
    {
        attr = MakeValue(row, v);
    }
    if (!attr || !CheckerOf(row)->Check(*attr))
    {
        NS_LOG_LOGIC("node " << node->GetId() << " " << name << ": '" << value << "' refused");
        throw IpsecSysctlError(
            name, "sysctl: " + name + ": Invalid argument (expected " + Expected(row) + ")");
    }
    int64_t old = ReadValue(stack, row);
    bool ok = OwnerOf(stack, row)->SetAttributeFailSafe(row.attribute, *attr);
    NS_ABORT_MSG_UNLESS(ok, "IpsecSysctl: " << row.attribute << " refused a checked value");
    NS_LOG_INFO("node " << node->GetId() << " " << name << ": " << old << " -> " << v);
}

std::string
IpsecSysctl::Get(Ptr<Node> node, const std::string& name)
{
    NS_LOG_FUNCTION(node << name);
    const SysctlRow& row = ResolveVariable(name);
    return std::to_string(ReadValue(StackOf(node, name), row));
}

void
IpsecSysctl::SetFromString(Ptr<Node> node, const std::string& assignment)
{
    NS_LOG_FUNCTION(node << assignment);
    std::string::size_type eq = assignment.find('=');
    if (eq == std::string::npos)
    {
        std::string name = Trim(assignment);
        throw IpsecSysctlError(name, "sysctl: '" + name + "': expected name=value");
    }
    Set(node, Trim(assignment.substr(0, eq)), assignment.substr(eq + 1));
}

std::vector<std::string>
IpsecSysctl::List(Ptr<Node> node)
{
    NS_LOG_FUNCTION(node);
    Ptr<IpsecStack> stack = StackOf(node, "net");
    std::vector<std::string> lines;
    for (const SysctlRow& row : g_rows)
    {
        lines.push_back(Line(stack, row));
    }
    return lines;
}

std::vector<std::string>
IpsecSysctl::List(Ptr<Node> node, const std::string& subtree)
{
    NS_LOG_FUNCTION(node << subtree);
    Resolve(subtree);
    Ptr<IpsecStack> stack = StackOf(node, subtree);
    std::vector<std::string> prefix = SplitName(subtree);
    std::vector<std::string> lines;
    for (const SysctlRow& row : g_rows)
    {
        if (IsUnder(prefix, SplitName(row.name)))
        {
            lines.push_back(Line(stack, row));
        }
    }
    return lines;
}

std::vector<std::string>
IpsecSysctl::GetNames()
{
    std::vector<std::string> names;
    for (const SysctlRow& row : g_rows)
    {
        names.emplace_back(row.name);
    }
    return names;
}

} // namespace ns3
