/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-raw-socket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ns3
{

int
IpsecOpenRawSocket(const std::string& name, std::string* why)
{
    if (name.empty() || name.size() >= IFNAMSIZ)
    {
        *why = "bad interface name '" + name + "'";
        return -1;
    }
    int fd = ::socket(PF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0)
    {
        *why = std::string("socket(PF_PACKET): ") + std::strerror(errno);
        return -1;
    }
    ifreq ifr;
    std::memset(&ifr, 0, sizeof(ifr));
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (::ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
    {
        *why = "no interface " + name + ": " + std::strerror(errno);
        ::close(fd);
        return -1;
    }
    if (::ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
    {
        *why = std::string("SIOCGIFFLAGS: ") + std::strerror(errno);
        ::close(fd);
        return -1;
    }
    if ((ifr.ifr_flags & IFF_UP) == 0)
    {
        *why = "interface " + name + " is down";
        ::close(fd);
        return -1;
    }
    if ((ifr.ifr_flags & IFF_PROMISC) == 0)
    {
        ifr.ifr_flags |= IFF_PROMISC;
        if (::ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        {
            *why = std::string("cannot set promiscuous mode: ") + std::strerror(errno);
            ::close(fd);
            return -1;
        }
    }
    return fd;
}

} // namespace ns3
