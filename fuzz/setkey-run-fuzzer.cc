/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * libFuzzer target: setkey on a fresh node's SAD and SPD (Setkey::Run, as
 * IpsecHelper::RunSetkeyString does): the KAME dialect executing every
 * statement (SAD and SPD validation, algorithm contexts, dump and spddump
 * statements), then the `setkey -D` / `-DP` dumps and the SPD linter on
 * whatever the script left; and the ipsec-tools dialect with -n (parse
 * only).  A fresh SAD and SPD per input; the simulator is reset each time.
 */
#include "ipsec-policy-lint.h"
#include "ipsec-sad.h"
#include "ipsec-spd.h"
#include "ns3/simulator.h"
#include "setkey-dump.h"
#include "setkey.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string text(reinterpret_cast<const char*>(data), size);
    {
        ns3::Ptr<ns3::IpsecSad> sad = ns3::CreateObject<ns3::IpsecSad>();
        ns3::Ptr<ns3::IpsecSpd> spd = ns3::CreateObject<ns3::IpsecSpd>();
        ns3::Setkey::Run(sad, spd, text);
        ns3::SetkeyDump::SadToString(sad);
        ns3::SetkeyDump::SpdToString(spd);
        ns3::IpsecPolicyLint::Check(spd);

        ns3::SetkeyOptions opts;
        opts.dialect = ns3::SetkeyDialect::IPSEC_TOOLS;
        opts.parseOnly = true;
        ns3::Setkey::Run(ns3::CreateObject<ns3::IpsecSad>(),
                         ns3::CreateObject<ns3::IpsecSpd>(),
                         text,
                         "fuzz.conf",
                         opts);
        sad->Dispose();
        spd->Dispose();
    }
    ns3::Simulator::Destroy(); // SA lifetimes schedule timer events
    return 0;
}
