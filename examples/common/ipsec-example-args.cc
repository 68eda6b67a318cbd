/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ipsec-example-args.h"

#include <cstdlib>
#include <sstream>

namespace ns3
{

std::vector<std::string>
IpsecSplitList(const std::string& list)
{
    std::vector<std::string> out;
    std::istringstream is(list);
    std::string item;
    while (std::getline(is, item, ','))
    {
        if (!item.empty())
        {
            out.push_back(item);
        }
    }
    return out;
}

bool
IpsecParseTimes(const std::string& list, std::vector<double>& times)
{
    for (const std::string& item : IpsecSplitList(list))
    {
        char* end = nullptr;
        double t = std::strtod(item.c_str(), &end);
        if (*end != '\0' || t < 0)
        {
            return false;
        }
        times.push_back(t);
    }
    return true;
}

} // namespace ns3
