// SPDX-License-Identifier: GPL-2.0-only
/*
 * IpsecSysctl: the ipsec(4) sysctl variables of a node by their NetBSD/KAME
 * names, as sysctl(8) reads and writes them.  Every variable is a view of an
 * attribute of the node's ns3::IpsecStack, SAD or key engine (ipsec(4); KAME's
 * ipsec_sysctl and key_sysctl):
 *
 *   net.inet.ipsec.def_policy        DefPolicy           0 discard, 1 none
 *   net.inet.ipsec.esp_trans_deflev  EspTransDeflev      1 use, 2 require
 *   net.inet.ipsec.esp_net_deflev    EspNetDeflev        1, 2
 *   net.inet.ipsec.ah_trans_deflev   AhTransDeflev       1, 2
 *   net.inet.ipsec.ah_net_deflev     AhNetDeflev         1, 2
 *   net.inet.ipsec.ah_cleartos       AhCleartos          0, 1
 *   net.inet.ipsec.ah_offsetmask     AhOffsetmask        0 .. 65535
 *   net.inet.ipsec.dfbit             Dfbit               0 clear, 1 set, 2 copy
 *   net.inet.ipsec.ecn               Ecn                 -1 ignore, 0 forbidden, 1 allowed
 *   net.inet.ipsec.debug             Debug               0 .. 2147483647
 *   net.inet.esp.esp_enable          EspEnable           0, 1
 *   net.inet.ah.ah_enable            AhEnable            0, 1
 *   net.inet.ipcomp.ipcomp_enable    IpcompEnable        0, 1
 *   net.inet6.ipsec6.def_policy      Ipv6DefPolicy       0, 1
 *   net.inet6.ipsec6.esp_trans_deflev Ipv6EspTransDeflev 1, 2
 *   net.inet6.ipsec6.esp_net_deflev  Ipv6EspNetDeflev    1, 2
 *   net.inet6.ipsec6.ah_trans_deflev Ipv6AhTransDeflev   1, 2
 *   net.inet6.ipsec6.ah_net_deflev   Ipv6AhNetDeflev     1, 2
 *   net.inet6.ipsec6.ecn             Ipv6Ecn             -1, 0, 1
 *   net.inet6.ipsec6.debug           Debug (shared)      0 .. 2147483647
 *   net.key.debug                    IpsecKeyEngine::Debug            0 .. 2147483647
 *   net.key.spi_try                  IpsecSad::SpiTry                 1 .. 2147483647
 *   net.key.spi_min_value            IpsecSad::SpiMinValue            0 .. 2147483647
 *   net.key.spi_max_value            IpsecSad::SpiMaxValue            0 .. 2147483647
 *   net.key.larval_lifetime          IpsecSad::LarvalLifetime         seconds
 *   net.key.blockacq_count           IpsecKeyEngine::BlockAcqCount    packets
 *   net.key.blockacq_lifetime        IpsecKeyEngine::BlockAcqLifetime seconds
 *   net.key.esp_keymin               IpsecKeyEngine::EspKeyMin        bits
 *   net.key.esp_auth                 IpsecKeyEngine::EspAuth          0 .. 2147483647
 *   net.key.ah_keymin                IpsecKeyEngine::AhKeyMin         bits
 *   net.key.preferred_oldsa          IpsecKeyEngine::PreferredOldSa   0, 1
 *
 * The net.key variables are attributes of the node's SAD and key engine
 * (IpsecStack::GetSad, IpsecStack::GetKeyEngine); net.key.random_int is
 * not modelled (the model never reseeds).
 *
 * ah_cleartos, ah_offsetmask and dfbit exist only under net.inet.ipsec.
 * net.inet.ipsec.debug and net.inet6.ipsec6.debug are two names of the one
 * Debug attribute, as in KAME where both nodes point to ipsec_debug.  The
 * statistics nodes (`stats`) and esp_randpad are not modelled.
 *
 * Values are written as integers: decimal, or hexadecimal with a 0x
 * prefix, with an optional sign; surrounding blanks are ignored.  Unlike
 * sysctl(8)'s strtoull(…, 0) a leading 0 does not mean octal.  Values are
 * read back in decimal; booleans read 0 or 1.
 *
 * Errors throw IpsecSysctlError and change nothing.  The name is checked
 * before the node, so a misspelt name is reported as such everywhere.  The
 * messages follow NetBSD's sysctl(8):
 *
 *   unknown name:      sysctl: fourth level name 'xyz' in 'net.inet.ipsec.xyz' is invalid
 *                      (the ordinal counts components from the top: net is
 *                      the top level, inet the second, ipsec the third;
 *                      NetBSD sysctl.c lname[])
 *   a node, not a variable:
 *                      sysctl: net.inet.ipsec: Is a directory (expected a variable
 *                      such as net.inet.ipsec.def_policy)
 *   bad value (out of range, not a number, empty):
 *                      sysctl: net.inet.ipsec.dfbit: Invalid argument (expected 0, 1 or 2)
 *                      (the kernel's EINVAL as sysctl(8) prints it, plus the range)
 *   no IpsecStack:     sysctl: net.inet.ipsec.dfbit: node 3 has no ns3::IpsecStack
 *                      (expected a node with an IpsecStack aggregated)
 *                      (List names "net", or the subtree it was given)
 *   null node:         sysctl: net.inet.ipsec.dfbit: no node (expected a node with an
 *                      IpsecStack aggregated)
 *   no '=':            sysctl: 'net.inet.ipsec.dfbit': expected name=value
 */
#ifndef IPSEC_SYSCTL_H
#define IPSEC_SYSCTL_H

#include "ns3/ptr.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace ns3
{

class Node;

/**
 * @ingroup ipsec
 * A refused sysctl read or write; what() is the sysctl(8)-style message.
 */
class IpsecSysctlError : public std::runtime_error
{
  public:
    /**
     * An error about a name.
     * @param name the sysctl name as the caller gave it
     * @param message the complete message (starting with "sysctl: ")
     */
    IpsecSysctlError(const std::string& name, const std::string& message);

    /**
     * The name.
     * @return the sysctl name the failed request named
     */
    const std::string& GetName() const;

  private:
    std::string m_name;
};

/**
 * @ingroup ipsec
 * The ipsec(4) sysctl variables of a node by their NetBSD/KAME names, each
 * a view of an attribute of the node's IpsecStack, SAD or key engine (the
 * table is in the comment at the top of ipsec-sysctl.h and in doc/ipsec.rst).
 */
class IpsecSysctl
{
  public:
    /**
     * `sysctl -w name=value`: sets a variable of a node.
     * @param node the node
     * @param name the variable, e.g. "net.inet.ipsec.dfbit"
     * @param value the value, decimal or 0x-prefixed hexadecimal
     * @throws IpsecSysctlError unknown name, a node rather than a variable,
     *         a value that is not an integer in the variable's range, or no
     *         IpsecStack on @p node; nothing is changed then.
     */
    static void Set(Ptr<Node> node, const std::string& name, const std::string& value);

    /**
     * `sysctl -n name`: the value of a variable of a node.
     * @param node the node
     * @param name the variable
     * @return the value in decimal
     * @throws IpsecSysctlError as Set (except for the value)
     */
    static std::string Get(Ptr<Node> node, const std::string& name);

    /**
     * `sysctl -w name=value` with the assignment in one string; blanks around
     * the name and the value are ignored.
     * @param node the node
     * @param assignment e.g. "net.inet.ipsec.dfbit = 2"
     * @throws IpsecSysctlError no '=' in @p assignment, or as Set
     */
    static void SetFromString(Ptr<Node> node, const std::string& assignment);

    /**
     * `sysctl -a` restricted to the ipsec(4) variables: one "name = value"
     * line per variable, in a fixed order (net.inet.ipsec.* in KAME's
     * IPSECCTL order, net.inet.esp, net.inet.ah, net.inet.ipcomp, then
     * net.inet6.ipsec6.*; the order of GetNames()).
     * @param node the node
     * @return the lines
     * @throws IpsecSysctlError no IpsecStack on @p node
     */
    static std::vector<std::string> List(Ptr<Node> node);

    /**
     * `sysctl name`: the lines of List() for the variables at or under a name.
     * @param node the node
     * @param subtree e.g. "net.inet6.ipsec6", "net.inet.ipsec.dfbit", "net"
     * @return the lines
     * @throws IpsecSysctlError unknown name, or no IpsecStack on @p node
     */
    static std::vector<std::string> List(Ptr<Node> node, const std::string& subtree);

    /**
     * The variables.
     * @return every variable name, in the order of List()
     */
    static std::vector<std::string> GetNames();
};

} // namespace ns3

#endif /* IPSEC_SYSCTL_H */
