// Links against ns3-ipsec through its CMake package and uses its public API.
#include "ns3/ipsec-module.h"

#include <iostream>

int
main()
{
    const ns3::IpsecEncAlgorithm* alg = ns3::FindEncAlgorithm("3des-cbc");
    if (alg == nullptr || alg->sadbId != 3)
    {
        std::cerr << "3des-cbc not found\n";
        return 1;
    }
    std::cout << "consumer linked ns3-ipsec: " << alg->name << "\n";
    return 0;
}
