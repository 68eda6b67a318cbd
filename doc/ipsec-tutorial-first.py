#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The tutorial's own program from Python (doc/tutorial.rst, "Your own
simulation"): what build/doc/ipsec-tutorial-first does, with ns3ipsec; it
prints the same.  The ipsec-python test runs both and compares them."""
import ns3ipsec as ipsec

# The FAQ's topology: two hosts with an IPsec stack, a plain router.
topo = ipsec.HostToHost()
ipsec.assign_streams(topo.nodes, 100)  # reproducible IVs
a, b = topo.a, topo.b

# The same SAs on both hosts; each host's policies name its own address
# first.  A script with an error raises ipsec.SetkeyError (file, line,
# token) and changes nothing.
sas = ('add 10.1.1.1 20.1.1.1 esp 9876 -E 3des-cbc "hogehogehogehogehogehoge";\n'
       "add 20.1.1.1 10.1.1.1 esp 10000 -E 3des-cbc "
       "0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef;\n")
a.setkey(sas + "spdadd 10.1.1.1 20.1.1.1 any -P out ipsec esp/transport//use;\n"
               "spdadd 20.1.1.1 10.1.1.1 any -P in ipsec esp/transport//require;\n")
b.setkey(sas + "spdadd 20.1.1.1 10.1.1.1 any -P out ipsec esp/transport//use;\n"
               "spdadd 10.1.1.1 20.1.1.1 any -P in ipsec esp/transport//require;\n")

# ns-3's UDP echo: B serves on port 9, A sends three requests of 100 bytes.
ipsec.udp_echo(a, b, topo.address_b, count=3, size=100, interval=1.0, start=2.0)

ipsec.run(until=10)
print("host A")
print(a.netstat(omit_zero=True), end="")
print("host B")
print(b.netstat(omit_zero=True), end="")
ipsec.destroy()
