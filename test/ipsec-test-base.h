// SPDX-License-Identifier: GPL-2.0-only
/*
 * The base of the module's test suites: ns-3's ChecksumEnabled is on while a
 * suite runs, whichever runner runs it -- the standalone build's
 * (test/ipsec-test-runner.cc) or ns-3's own test-runner, which test.py
 * starts when the module is contrib/ipsec of an ns-3 source tree -- and
 * back to what it was afterwards.  Every datagram of every suite carries
 * real checksums, so a wrong one is a wrong byte, not a zero.
 */
#ifndef IPSEC_TEST_BASE_H
#define IPSEC_TEST_BASE_H

#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/test.h"

#include <string>

namespace ns3
{
namespace ipsectest
{

/// A TestSuite with checksums on while it runs.
class IpsecTestSuite : public TestSuite
{
  public:
    /**
     * @param name the suite's name
     * @param type its type
     */
    IpsecTestSuite(const std::string& name, Type type)
        : TestSuite(name, type)
    {
    }

  private:
    void DoSetup() override
    {
        BooleanValue was;
        GlobalValue::GetValueByName("ChecksumEnabled", was);
        m_checksumsWere = was.Get();
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    }

    void DoTeardown() override
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(m_checksumsWere));
    }

    bool m_checksumsWere{false}; ///< ChecksumEnabled before the suite
};

} // namespace ipsectest
} // namespace ns3

#endif /* IPSEC_TEST_BASE_H */
