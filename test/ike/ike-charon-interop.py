#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ipsec-ike-charon: the simulated IKE daemon against strongSwan's charon.

Runs the ipsec-ike-peer example (one simulated host with the IPsec stack and
the simulated racoon, under the realtime simulator, on a raw socket of a
real interface) against Debian's strongSwan charon (IKEv1), each in a
network namespace of its own, joined by a veth pair:

  netns ike-ns3-PID-N                               netns ike-charon-PID-N
  ipsec-ike-peer 10.99.0.1  --  veth pair  --  10.99.0.2 charon (kernel-libipsec)

For each case it writes a racoon.conf and psk.txt for the simulated daemon
and a strongswan.conf and swanctl.conf (version = 1, pre-shared key, the
same proposals) for charon into a temporary directory, starts charon in its
namespace (with a private /run, so its pid file is its own; the vici socket
in the temporary directory), loads the configuration with swanctl, and runs
the program in the other namespace: as initiator (a UDP datagram a second
makes its kernel send an ACQUIRE) or as responder while `swanctl --initiate`
makes charon start.  The cases: main mode with either side initiating,
aggressive mode with either side initiating, ESP transport mode with AES-128
and HMAC-SHA1; racoon's sample proposal (3DES, SHA1, MODP-1024) with ESP
3DES/HMAC-MD5 and PFS; one ESP tunnel-mode case; and the NAT-T cases
below.  Then it checks that

  * the program says phase 1 and phase 2 were established (its RESULT line);
  * both ends have the same ISAKMP SA: the initiator cookie and the phase-1
    encryption key of the program's key log (ikev1_decryption_table) are
    charon's (its log at level 4, swanctl --list-sas);
  * both ends have the same ESP SAs, both directions: the SPIs, the
    encryption and authentication algorithms and keys of the program's key
    log (esp_sa) are the ones charon derived (its log at level 4: "adding
    inbound/outbound ESP SA", "encryption/integrity initiator/responder key")
    and handed to its IPsec backend, and `swanctl --list-sas --raw` shows its
    CHILD_SA INSTALLED with the same SPIs;
  * the ESP packets the simulated node sends (it sends a UDP datagram a
    second, as responder once the SAs are up) are decrypted by tshark with
    charon's keys for its inbound SA, with a good ICV (where tshark exists);
  * (not NAT-T) all IKE traffic stayed on UDP port 500: the daemon sends no
    NAT-T vendor ID, so charon neither floats to 4500 nor UDP-encapsulates
    ESP.

The NAT-T cases (natt-*: RFC 3947 in IKE, RFC 3948 ESP in UDP) need no NAT:
one side forces NAT-T, either the daemon (racoon.conf `nat_traversal
force`: it hashes zeros for the addresses in its NAT-D payloads, so charon
sees a NAT on both sides) or charon (swanctl.conf `encap = yes`: it sends a
NAT-D that cannot match, so the daemon, `nat_traversal on`, sees a NAT at
the peer).  Main mode with either side initiating and either way of
forcing, aggressive mode both ways, ESP tunnel mode, and one transport-mode
case.  Instead of the port-500 check they check that

  * both sides detected the NAT (the daemon's "NAT detected", charon's
    "remote host is behind NAT" or "faking NAT situation ...") and charon's
    IKE went 4 (aggressive: 2) packets on UDP 500, then all on 4500;
  * on the wire (the node's capture, tshark) the first 4 (2) ISAKMP
    messages are on UDP 500, the others, from MM5 (AM3) on, on 4500 with
    the non-ESP marker; every ESP packet, both ways, is in UDP 4500 and
    tshark decrypts it with charon's keys (ICV good); the node sends
    NAT-keepalives (racoon.conf `timer { natt_keepalive 2 sec; }`; none as
    aggressive-mode responder, as racoon);
  * the daemon's SAs are esp-udp between ports 4500 (`setkey -D`), charon's
    CHILD_SA is INSTALLED with encap=yes (`swanctl --list-sas`);
  * in tunnel mode traffic flows both ways through libipsec: a ping from
    charon's namespace (ICMP echo on a raw socket) is answered by the node,
    and the node's datagrams, echoed by a small UDP echo in charon's
    namespace, come back to the node (the program's --receive).  charon's
    namespace routes its packets to the node into kernel-libipsec's TUN
    device (kernel-netlink fwmark = !0x4223) while charon's own sockets
    carry the mark (socket-default fwmark = 0x4223) and go out directly.

The machine's kernel may have no ESP (XFRM without esp4), so charon uses its
userspace IPsec, kernel-libipsec.  strongSwan 5.9's libipsec only creates
tunnel-mode SAs with UDP encapsulation ("IPsec SA: unsupported mode"
otherwise), and charon fails a quick mode whose SAs it cannot install (as
initiator it answers QM2 with NO-PROPOSAL-CHOSEN instead of QM3; as
responder it deletes the SAs after QM3).  The tunnel-mode NAT-T cases
negotiate exactly what libipsec takes and run without any help.  For the
others (no NAT-T, or transport mode) a small shim (SHIM_C below), compiled
here and preloaded into charon, hands each SA to libipsec as tunnel mode
with UDP encapsulation; charon's IKE, SPIs, algorithms and keys are
untouched, and the shim prints the SAs as charon handed them over (the
transport NAT-T case checks charon asked for transport mode with UDP
encapsulation).  --no-shim runs without it: then the cases where charon
initiates and the shim is needed are not run; in the others charon derives
the keys (which are checked) but installs nothing, except in the
tunnel-mode NAT-T cases, which are unchanged.  Without NAT-T, ESP goes one
way only, and only to the wire: charon's kernel has no ESP (it answers
protocol unreachable) and libipsec sends and receives ESP only
UDP-encapsulated, so charon never decrypts nor sends any.

Always removes its namespaces, processes and temporary files, also on
failure or SIGTERM/SIGINT; namespaces and files a killed run left behind are
removed by the next run.  Usage:

  ike-charon-interop.py IPSEC_IKE_PEER_PROGRAM [WORK_DIR] [--case NAME ...]
                        [--no-shim] [--keep] [--list]

WORK_DIR keeps each case's configuration and logs (the program's output and
pcap, charon's log, swanctl's output, the key log); without it a temporary
directory is used and removed (--keep keeps it).  Exit status 0 (every case
passed), 1 (a case failed), 77 (skipped: not root, `ip netns add` fails,
charon, swanctl, their plugins, ethtool, unshare or a C compiler missing, the
program cannot open its interface), with one line saying why.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CHARON = "/usr/lib/ipsec/charon"
SWANCTL = "/usr/sbin/swanctl"
TSHARK = "/usr/bin/tshark"
UDP_PORT = 9  # the program's datagrams
SKIP = 77
NS3_ADDR = "10.99.0.1"
CHARON_ADDR = "10.99.0.2"
PSK = "spamspamspam"
NS3_MAC = "02:00:00:00:01:01"


class Skip(Exception):
    """The check cannot run here (exit status 77)."""


class Case:
    def __init__(self, name, exchange, initiator, mode, ike, esp, racoon_ike, racoon_esp,
                 natt=None, shim=True):
        self.name = name
        self.exchange = exchange      # "main" or "aggressive"
        self.initiator = initiator    # "ns3" or "charon"
        self.mode = mode              # "transport" or "tunnel"
        self.ike = ike                # charon's IKE proposal
        self.esp = esp                # charon's ESP proposal
        self.racoon_ike = racoon_ike  # (encryption, hash, dh_group) of racoon.conf's proposal
        self.racoon_esp = racoon_esp  # (encryption, authentication, pfs_group) of its sainfo
        # NAT-T: None (racoon nat_traversal off, charon encap = no), "force"
        # (racoon nat_traversal force, charon encap = no) or "encap" (racoon
        # nat_traversal on, charon encap = yes).
        self.natt = natt
        self.shim = shim              # preload the libipsec shim into charon


AES = ("aes 128", "sha1", "modp1024")
DES3 = ("3des", "sha1", "modp1024")  # racoon's sample racoon.conf (the FAQ's)
CASES = [
    Case("main-ns3-initiator", "main", "ns3", "transport",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None)),
    Case("main-charon-initiator", "main", "charon", "transport",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None)),
    Case("main-ns3-initiator-3des-pfs", "main", "ns3", "transport",
         "3des-sha1-modp1024", "3des-md5-modp1024", DES3, ("3des", "hmac_md5", "modp1024")),
    Case("main-charon-initiator-tunnel", "main", "charon", "tunnel",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None)),
    Case("aggressive-ns3-initiator", "aggressive", "ns3", "transport",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None)),
    Case("aggressive-charon-initiator", "aggressive", "charon", "transport",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None)),
    # NAT-T (RFC 3947/3948) without a NAT: one side forces it.
    Case("natt-main-ns3-initiator-force", "main", "ns3", "tunnel",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None),
         natt="force", shim=False),
    Case("natt-main-charon-initiator-force", "main", "charon", "tunnel",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None),
         natt="force", shim=False),
    Case("natt-main-ns3-initiator-encap", "main", "ns3", "tunnel",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None),
         natt="encap", shim=False),
    Case("natt-main-charon-initiator-encap", "main", "charon", "tunnel",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None),
         natt="encap", shim=False),
    Case("natt-aggressive-ns3-initiator-force", "aggressive", "ns3", "tunnel",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None),
         natt="force", shim=False),
    Case("natt-aggressive-charon-initiator-encap", "aggressive", "charon", "tunnel",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None),
         natt="encap", shim=False),
    # libipsec refuses transport mode ("IPsec SA: unsupported mode"): the
    # shim hands it over as tunnel mode, so only the negotiation is checked.
    Case("natt-main-ns3-initiator-transport", "main", "ns3", "transport",
         "aes128-sha1-modp1024", "aes128-sha1", AES, ("aes 128", "hmac_sha1", None),
         natt="force", shim=True),
]

# charon's names (swanctl --list-sas --raw, its log) of the algorithms, by the
# names the program's key log (Wireshark's ESP SA table) gives them.
ENCRYPTION = {"AES-CBC [RFC3602]": "AES_CBC", "TripleDES-CBC [RFC2451]": "3DES_CBC"}
INTEGRITY = {"HMAC-SHA-1-96 [RFC2404]": "HMAC_SHA1_96", "HMAC-MD5-96 [RFC2403]": "HMAC_MD5_96"}

failures = []
cleanups = []


def fail(case, msg):
    failures.append("%s: %s" % (case, msg))
    print("FAIL: %s: %s" % (case, msg), flush=True)


def note(msg):
    print(msg, flush=True)


def sh(cmd, check=True, timeout=30, env=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=timeout, env=env)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit status %d: %s" % (" ".join(cmd), p.returncode,
                                                       p.stdout.strip()[-2000:]))
    return p


def cleanup():
    while cleanups:
        action = cleanups.pop()
        try:
            action()
        except Exception as e:  # a cleanup never stops the others
            print("cleanup: %s" % e, flush=True)


def on_signal(signum, frame):
    raise SystemExit("interrupted by signal %d" % signum)


def stop_process(p, name):
    """Ends process group @p p (started with start_new_session) and waits."""
    if p.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
    print("cleanup: %s (pid %d) did not stop" % (name, p.pid), flush=True)


def remove_stale_namespaces():
    """Namespaces a killed earlier run of this check left (its PID is gone)."""
    p = sh(["ip", "netns", "list"], check=False)
    for line in p.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.match(r"ike-(?:ns3|charon)-(\d+)-\d+$", name)
        if not m or os.path.exists("/proc/%s" % m.group(1)):
            continue
        # Only processes that run inside such a namespace: a charon or an
        # ipsec-ike-peer of that run.
        pids = sh(["ip", "netns", "pids", name], check=False).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        sh(["ip", "netns", "del", name], check=False)
        note("removed namespace %s of an earlier run" % name)
    tmp = tempfile.gettempdir()
    for name in os.listdir(tmp):
        m = re.match(r"ike-charon-(?:work-)?(\d+)-", name)
        if m and not os.path.exists("/proc/%s" % m.group(1)):
            shutil.rmtree(os.path.join(tmp, name), ignore_errors=True)
            note("removed %s of an earlier run" % os.path.join(tmp, name))


def preflight(program):
    if os.geteuid() != 0:
        raise Skip("not root (network namespaces and raw sockets need it)")
    for path, what in ((CHARON, "strongSwan's charon (strongswan-charon)"),
                       (SWANCTL, "swanctl (strongswan-swanctl)")):
        if not os.access(path, os.X_OK):
            raise Skip("%s missing: %s" % (what, path))
    if not os.path.exists("/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so"):
        raise Skip("charon's kernel-libipsec plugin missing (libcharon-extra-plugins)")
    if not os.path.exists("/usr/lib/ipsec/plugins/libstrongswan-openssl.so"):
        raise Skip("charon's openssl plugin missing (libstrongswan-standard-plugins)")
    for tool in ("ip", "ethtool", "unshare"):
        if not shutil.which(tool):
            raise Skip("%s missing" % tool)
    if not os.access(program, os.X_OK):
        raise Skip("program %s not built" % program)
    if not os.path.exists("/dev/net/tun"):
        raise Skip("/dev/net/tun missing (charon's kernel-libipsec needs a TUN device)")
    probe = "ike-ns3-%d-probe" % os.getpid()
    p = sh(["ip", "netns", "add", probe], check=False)
    if p.returncode != 0:
        raise Skip("`ip netns add` fails: %s" % p.stdout.strip())
    sh(["ip", "netns", "del", probe], check=False)


# ---- configuration files ------------------------------------------------------------

def strongswan_conf(tmp, case):
    if case.natt:
        # The NAT-T cases carry traffic both ways: packets of charon's
        # namespace to the simulated node (no mark) take kernel-libipsec's
        # routes into its TUN device, charon's own IKE and UDP-encapsulated
        # ESP (its sockets' mark) go out the veth directly -- strongSwan's
        # recipe for kernel-libipsec with host-to-host policies.
        routing = """    kernel-netlink {
      # ... into a routing table that every packet without this mark uses;
      fwmark = !0x4223
    }
    socket-default {
      # ... and charon's sockets carry the mark.
      fwmark = 0x4223
    }"""
    else:
        routing = """    kernel-netlink {
      # ... into a routing table only packets with this mark use: none, so
      # IKE keeps reaching the peer directly.
      fwmark = 0x4223
    }"""
    return """charon {
  # Only what the check needs; kernel-libipsec before kernel-netlink: the
  # first kernel IPsec interface loaded is the one used.
  load_modular = no
  load = random nonce openssl aes sha1 sha2 md5 hmac gmp kernel-libipsec kernel-netlink socket-default vici
  port = 500
  port_nat_t = 4500
  install_routes = no
  retransmit_tries = 3
  # charon refuses to answer aggressive mode with a pre-shared key otherwise.
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  plugins {
    vici {
      socket = unix://%(tmp)s/charon.vici
    }
    kernel-libipsec {
      # The policies name the IKE peer itself (host to host): let
      # kernel-libipsec install its routes to the TUN device anyway ...
      allow_peer_ts = yes
    }
%(routing)s
  }
  filelog {
    charon {
      path = %(tmp)s/charon.log
      time_format = %%H:%%M:%%S
      default = 1
      ike = 4
      chd = 4
      cfg = 2
      knl = 2
      net = 1
      enc = 1
      flush_line = yes
    }
  }
  syslog {
  }
}
swanctl {
  load = random nonce openssl pem pkcs1 x509
}
""" % {"tmp": tmp, "routing": routing}


def swanctl_conf(case):
    return """connections {
  ns3 {
    version = 1
    local_addrs = %(me)s
    remote_addrs = %(peer)s
    proposals = %(ike)s
    aggressive = %(aggr)s
    encap = %(encap)s
    mobike = no
    dpd_delay = 0
    fragmentation = no
    local {
      auth = psk
      id = %(me)s
    }
    remote {
      auth = psk
      id = %(peer)s
    }
    children {
      ns3 {
        mode = %(mode)s
        esp_proposals = %(esp)s
        start_action = none
      }
    }
  }
}
secrets {
  ike-ns3 {
    id-1 = %(peer)s
    secret = %(psk)s
  }
}
""" % {"me": CHARON_ADDR, "peer": NS3_ADDR, "ike": case.ike, "esp": case.esp,
       "aggr": "yes" if case.exchange == "aggressive" else "no", "mode": case.mode,
       "psk": PSK, "encap": "yes" if case.natt == "encap" else "no"}


def racoon_conf(case, psk_path):
    enc, hash_, group = case.racoon_ike
    esp_enc, esp_auth, pfs = case.racoon_esp
    return """# The simulated racoon's configuration for %(name)s.
path pre_shared_key "%(psk)s";

remote %(peer)s
{
	exchange_mode %(exchange)s;
%(natt)s	lifetime time 24 hour;
	proposal_check strict;
	proposal {
		encryption_algorithm %(enc)s;
		hash_algorithm %(hash)s;
		authentication_method pre_shared_key;
		dh_group %(group)s;
	}
}

%(timer)ssainfo anonymous
{
%(pfs)s	lifetime time 12 hour;
	encryption_algorithm %(esp_enc)s;
	authentication_algorithm %(esp_auth)s;
	compression_algorithm deflate;
}
""" % {"name": case.name, "psk": psk_path, "peer": CHARON_ADDR, "exchange": case.exchange,
       "enc": enc, "hash": hash_, "group": group, "esp_enc": esp_enc, "esp_auth": esp_auth,
       "pfs": "\tpfs_group %s;\n" % pfs if pfs else "",
       "natt": "\tnat_traversal %s;\n" % {"force": "force", "encap": "on"}[case.natt]
       if case.natt else "",
       # (NAT-T: keepalives every 2 s rather than 20, so that a case sees some)
       "timer": "timer\n{\n\tnatt_keepalive 2 sec;\n}\n\n" if case.natt else ""}


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


# strongSwan 5.9's libipsec creates only tunnel-mode SAs with UDP
# encapsulation (ipsec_sa_create refuses others), and charon fails the quick
# mode when it cannot install the SAs: as initiator it answers QM2 with
# NO-PROPOSAL-CHOSEN instead of QM3, as responder it deletes them after QM3.
# The simulated daemon negotiates no NAT-T, and these cases mostly transport
# mode, so this shim, preloaded into charon, passes each SA on to libipsec as
# tunnel mode with UDP encapsulation.  Only what libipsec stores changes:
# charon's IKE, the SPIs, algorithms and keys are untouched, and the shim
# prints them as charon hands them to its IPsec backend.  (No ESP traffic is
# checked: libipsec would send it UDP-encapsulated.)
SHIM_C = r"""
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* strongSwan 5.9's chunk_t, mark_t and ipsec_sa_create() (libipsec/ipsec_sa.h). */
typedef struct { unsigned char *ptr; size_t len; } chunk_t;
typedef struct { uint32_t value; uint32_t mask; } mark_t;
typedef void *(*create_fn)(uint32_t, void *, void *, uint8_t, uint32_t, mark_t, uint32_t,
                           void *, uint16_t, chunk_t, uint16_t, chunk_t, int, uint16_t,
                           uint16_t, bool, bool, bool);
enum { MODE_TUNNEL = 2 };

static void hex(chunk_t c)
{
    for (size_t i = 0; i < c.len; i++)
        fprintf(stderr, "%02x", c.ptr[i]);
}

void *ipsec_sa_create(uint32_t spi, void *src, void *dst, uint8_t protocol, uint32_t reqid,
                      mark_t mark, uint32_t tfc, void *lifetime, uint16_t enc_alg,
                      chunk_t enc_key, uint16_t int_alg, chunk_t int_key, int mode,
                      uint16_t ipcomp, uint16_t cpi, bool encap, bool esn, bool inbound)
{
    /* libipsec came with the kernel-libipsec plugin (dlopen, not global):
     * RTLD_NEXT does not see it, its own handle does. */
    void *lib = dlopen("/usr/lib/ipsec/libipsec.so.0", RTLD_LAZY | RTLD_NOLOAD);
    create_fn real = lib ? (create_fn)dlsym(lib, "ipsec_sa_create") : NULL;
    fprintf(stderr, "interop-shim: %s SA spi %08x mode %d encap %d encryption %u key ",
            inbound ? "inbound" : "outbound", ntohl(spi), mode, encap, enc_alg);
    hex(enc_key);
    fprintf(stderr, " integrity %u key ", int_alg);
    hex(int_key);
    fprintf(stderr, "\n");
    fflush(stderr);
    if (!real)
        return NULL;
    return real(spi, src, dst, protocol, reqid, mark, tfc, lifetime, enc_alg, enc_key, int_alg,
                int_key, MODE_TUNNEL, ipcomp, cpi, true, esn, inbound);
}
"""


# The NAT-T cases' echo in charon's namespace: every datagram to UDP_PORT goes
# back to its sender (through libipsec's SAs); bounded in count and time.
ECHO_PY = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(0.5)
end = time.time() + 120
n = 0
while time.time() < end and n < 200:
    try:
        data, peer = s.recvfrom(4096)
    except socket.timeout:
        continue
    s.sendto(data, peer)
    n += 1
    print("echo: %d bytes back to %s:%d" % (len(data), peer[0], peer[1]), flush=True)
"""


# ... and a ping from there (ICMP echo on a raw socket: no ping(8) needed):
# prints "ping: N sent, M answered".
PING_PY = r"""
import os, socket, struct, sys, time
def csum(b):
    b += b"\0" * (len(b) % 2)
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xffff)
    t += t >> 16
    return ~t & 0xffff
dst, count = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ident = os.getpid() & 0xffff
answered = 0
for seq in range(1, count + 1):
    payload = b"ike-charon-interop %d" % seq
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    s.sendto(struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload, (dst, 0))
    end = time.time() + 2
    while time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            break
        icmp = data[(data[0] & 15) * 4:]
        if peer[0] == dst and len(icmp) >= 8 and icmp[0] == 0 and \
                struct.unpack("!HH", icmp[4:8]) == (ident, seq) and icmp[8:] == payload:
            answered += 1
            print("ping: echo reply seq %d from %s" % (seq, dst), flush=True)
            break
    time.sleep(0.3)
print("ping: %d sent, %d answered" % (count, answered), flush=True)
"""


def build_shim(tmp):
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise Skip("no C compiler for the libipsec shim (build-essential)")
    src = os.path.join(tmp, "libipsec-shim.c")
    lib = os.path.join(tmp, "libipsec-shim.so")
    write(src, SHIM_C)
    sh([cc, "-shared", "-fPIC", "-O2", "-Wall", "-o", lib, src, "-ldl"])
    return lib


# ---- what each side says ----------------------------------------------------------------

def read_hexdump(lines, i, count):
    """The @p count bytes of a strongSwan %B dump whose lines follow lines[i]."""
    out = []
    j = i + 1
    while len(out) < count and j < len(lines):
        m = re.search(r"\s\d+: (.*)$", lines[j])
        if not m:
            break
        tokens = m.group(1).split()
        out += tokens[:min(16, count - len(out))]
        j += 1
    if len(out) != count:
        return None
    return "".join(out).lower()


def charon_facts(log_text):
    """SPIs, keys and algorithms charon logged."""
    lines = log_text.splitlines()
    facts = {"keys": {}, "sas": [], "ka": None, "ports": set(), "encr": None, "integ": None,
             "packets": [], "nat": set()}
    for i, line in enumerate(lines):
        m = re.search(r"(encryption|integrity) (initiator|responder) key => (\d+) bytes", line)
        if m:
            facts["keys"][(m.group(1), m.group(2))] = read_hexdump(lines, i, int(m.group(3)))
            continue
        m = re.search(r"encryption key Ka => (\d+) bytes", line)
        if m:
            facts["ka"] = read_hexdump(lines, i, int(m.group(1)))
            continue
        m = re.search(r"adding (inbound|outbound) ESP SA", line)
        if m and i + 1 < len(lines):
            n = re.search(r"SPI 0x([0-9a-f]{8}), src (\S+) dst (\S+)", lines[i + 1])
            if n:
                facts["sas"].append({"dir": m.group(1), "spi": n.group(1),
                                     "src": n.group(2), "dst": n.group(3)})
            continue
        m = re.search(r"using (\S+) for encryption", line)
        if m:
            facts["encr"] = m.group(1)
        m = re.search(r"using (\S+) for integrity", line)
        if m:
            facts["integ"] = m.group(1)
        for m in re.finditer(r"(sending|received) packet: from \S+\[(\d+)\] to \S+\[(\d+)\]",
                             line):
            facts["ports"].update((m.group(2), m.group(3)))
            facts["packets"].append((m.group(1), m.group(2), m.group(3)))
        for what in ("local host is behind NAT", "remote host is behind NAT",
                     "faking NAT situation to enforce UDP encapsulation"):
            if what in line:
                facts["nat"].add(what)
    return facts


def key_log(keydir):
    """The program's key log: phase-1 rows and ESP SAs."""
    ike = []
    path = os.path.join(keydir, "ikev1_decryption_table")
    if os.path.exists(path):
        for line in open(path):
            if line.strip():
                icookie, key = line.strip().split(",")
                ike.append((icookie.lower(), key.lower()))
    esp = []
    path = os.path.join(keydir, "esp_sa")
    if os.path.exists(path):
        for line in open(path):
            f = [x.strip('"') for x in line.strip().split('","')]
            if len(f) == 8:
                esp.append({"src": f[1], "dst": f[2], "spi": f[3][2:].lower(), "encr": f[4],
                            "ekey": f[5][2:].lower(), "integ": f[6], "akey": f[7][2:].lower()})
    return ike, esp


def list_sas_raw(text):
    """IKE and CHILD SAs from swanctl --list-sas --raw."""
    out = {"ike": [], "child": []}
    for m in re.finditer(r"initiator-spi=([0-9a-f]+) responder-spi=([0-9a-f]+)", text):
        out["ike"].append((m.group(1), m.group(2)))
    for m in re.finditer(r"state=(\w+) [^{}]*?spi-in=([0-9a-f]+) spi-out=([0-9a-f]+)", text):
        out["child"].append((m.group(1), m.group(2), m.group(3)))
    # (NAT-T cases) each CHILD_SA's mode and encapsulation, the IKE_SA's ports
    out["child_attrs"] = [dict(re.findall(r"(\w[\w-]*)=(\S+)", m.group(1)))
                          for m in re.finditer(r"child-sas \{\S+ \{([^{}]*)\}", text)]
    out["ike_ports"] = re.findall(r"local-port=(\d+) .*?remote-port=(\d+)", text)
    return out


def check_esp_on_wire(case, out, facts, pcap):
    """The ESP the simulated node sent, decrypted by tshark with charon's keys."""
    if not os.access(TSHARK, os.X_OK):
        note("  ESP on the wire: not checked (no %s)" % TSHARK)
        return
    role = "initiator" if case.initiator == "ns3" else "responder"
    spis = [c["spi"] for c in facts["sas"] if c["src"] == NS3_ADDR and c["dst"] == CHARON_ADDR]
    names = {v: k for k, v in ENCRYPTION.items()}, {v: k for k, v in INTEGRITY.items()}
    ekey = facts["keys"].get(("encryption", role))
    akey = facts["keys"].get(("integrity", role))
    if not spis or not ekey or not akey or facts["encr"] not in names[0] \
            or facts["integ"] not in names[1]:
        fail(case.name, "ESP on the wire: charon's inbound SA is not in its log")
        return
    conf = os.path.join(out, "wireshark")
    os.makedirs(conf, exist_ok=True)
    write(os.path.join(conf, "esp_sa"), '"IPv4","%s","%s","0x%s","%s","0x%s","%s","0x%s"\n' % (
        NS3_ADDR, CHARON_ADDR, spis[-1], names[0][facts["encr"]], ekey, names[1][facts["integ"]],
        akey))
    write(os.path.join(conf, "preferences"), "esp.enable_encryption_decode: TRUE\n"
          "esp.enable_authentication_check: TRUE\n")
    env = dict(os.environ, WIRESHARK_CONFIG_DIR=conf)
    # (not the ICMP errors charon's kernel sends back, which quote the ESP header)
    esp_from_ns3 = "esp && !icmp && ip.src == %s" % NS3_ADDR
    p = subprocess.run([TSHARK, "-n", "-r", pcap, "-Y", esp_from_ns3, "-T", "fields",
                        "-E", "separator=/t", "-e", "frame.number", "-e", "esp.spi",
                        "-e", "esp.icv_good", "-e", "udp.dstport"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       universal_newlines=True, env=env, timeout=60)
    rows = [l.split("\t") for l in p.stdout.splitlines() if l.strip()]
    good = [r for r in rows if len(r) >= 4 and r[2] in ("1", "True")
            and str(UDP_PORT) in r[3].split(",")]
    if p.returncode != 0 or not rows or len(good) != len(rows):
        fail(case.name, "ESP on the wire: %d packets from the simulated node, %d decrypted with "
             "charon's keys into the UDP datagrams with a good ICV (tshark: %s)" % (
                 len(rows), len(good), p.stdout.strip()[-300:]))
    else:
        note("  ESP on the wire: %d packets from the simulated node (spi 0x%s) decrypted with "
             "charon's keys, ICV good (charon's kernel has no ESP: it does not receive them)"
             % (len(rows), spis[-1]))


def tshark_rows(pcap, display_filter, fields, env):
    """tshark's fields of the packets @p display_filter selects (None if tshark failed)."""
    cmd = [TSHARK, "-n", "-r", pcap, "-Y", display_filter, "-T", "fields", "-E", "separator=/t"]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       universal_newlines=True, env=env, timeout=60)
    if p.returncode != 0:
        return None
    return [l.split("\t") for l in p.stdout.splitlines() if l.strip()]


def first(field):
    """The outer header's value of a field tshark gives once per header (tunnel mode)."""
    return field.split(",")[0]


def check_natt_wire(case, out, facts, pcap, both_ways):
    """NAT-T on the wire (the node's capture): IKE floats to 4500 with the
    non-ESP marker, ESP is UDP-encapsulated both ways and decrypts with
    charon's keys, the node sends NAT-keepalives."""
    if not os.access(TSHARK, os.X_OK):
        note("  NAT-T on the wire: not checked (no %s)" % TSHARK)
        return
    names = {v: k for k, v in ENCRYPTION.items()}, {v: k for k, v in INTEGRITY.items()}
    if facts["encr"] not in names[0] or facts["integ"] not in names[1]:
        fail(case.name, "NAT-T on the wire: charon logged no ESP algorithms")
        return
    # charon's "initiator" keys protect the quick-mode initiator's traffic.
    rows = []
    for src, dst in ((NS3_ADDR, CHARON_ADDR), (CHARON_ADDR, NS3_ADDR)):
        from_initiator = (src == NS3_ADDR) == (case.initiator == "ns3")
        role = "initiator" if from_initiator else "responder"
        spis = [c["spi"] for c in facts["sas"] if c["src"] == src and c["dst"] == dst]
        ekey = facts["keys"].get(("encryption", role))
        akey = facts["keys"].get(("integrity", role))
        if not spis or not ekey or not akey:
            fail(case.name, "NAT-T on the wire: charon's SA %s->%s is not in its log" % (src, dst))
            return
        rows.append('"IPv4","%s","%s","0x%s","%s","0x%s","%s","0x%s"\n' % (
            src, dst, spis[-1], names[0][facts["encr"]], ekey, names[1][facts["integ"]], akey))
    conf = os.path.join(out, "wireshark")
    os.makedirs(conf, exist_ok=True)
    write(os.path.join(conf, "esp_sa"), "".join(rows))
    write(os.path.join(conf, "preferences"), "esp.enable_encryption_decode: TRUE\n"
          "esp.enable_authentication_check: TRUE\n")
    env = dict(os.environ, WIRESHARK_CONFIG_DIR=conf)

    # IKE: the first messages on 500, from MM5 / AM3 on 4500 with the marker.
    isakmp = tshark_rows(pcap, "isakmp", ["frame.number", "udp.srcport", "udp.dstport"], env)
    marked = tshark_rows(pcap, "isakmp && udpencap.non_esp_marker", ["frame.number"], env)
    if isakmp is None or marked is None:
        fail(case.name, "NAT-T on the wire: tshark failed on %s" % pcap)
        return
    before = 4 if case.exchange == "main" else 2
    marked = {r[0] for r in marked}
    ports = [(r[1], r[2]) for r in isakmp]
    on_500 = [p for p in ports if p == ("500", "500")]
    on_4500 = [r[0] for r in isakmp if (r[1], r[2]) == ("4500", "4500")]
    if ports[:before] != [("500", "500")] * before or len(on_500) != before \
            or len(on_4500) != len(ports) - before or not on_4500:
        fail(case.name, "IKE on the wire: ports %s, expected %d messages on 500 and the rest on "
             "4500" % (ports, before))
    elif set(on_4500) - marked:
        fail(case.name, "IKE on the wire: frames %s on 4500 without the non-ESP marker" % (
            sorted(set(on_4500) - marked)))
    else:
        note("  IKE on the wire: %d messages on UDP 500, then %d on UDP 4500 (from %s on), "
             "each with the non-ESP marker" % (before, len(on_4500),
                                                "MM5" if case.exchange == "main" else "AM3"))

    # ESP: in UDP 4500 both ways, every packet decrypted with a good ICV.
    esp = tshark_rows(pcap, "esp", ["frame.number", "ip.src", "udp.srcport", "udp.dstport",
                                    "esp.icv_good", "icmp.type"], env)
    if esp is None:
        fail(case.name, "ESP on the wire: tshark failed")
        return
    plain = [r[0] for r in esp if not (len(r) >= 4 and first(r[2]) == "4500"
                                       and first(r[3]) == "4500")]
    bad = [r[0] for r in esp if len(r) < 5 or r[4] not in ("1", "True")]
    by = {a: [r for r in esp if first(r[1]) == a] for a in (NS3_ADDR, CHARON_ADDR)}
    if plain:
        fail(case.name, "ESP on the wire: frames %s not in UDP 4500" % plain)
    if bad:
        fail(case.name, "ESP on the wire: frames %s not decrypted with charon's keys or with a "
             "bad ICV" % bad)
    if not by[NS3_ADDR] or (both_ways and not by[CHARON_ADDR]):
        fail(case.name, "ESP on the wire: %d packets from the node, %d from charon" % (
            len(by[NS3_ADDR]), len(by[CHARON_ADDR])))
    if both_ways:
        # What they carried: the node's datagrams and echo replies, charon's
        # echo of the datagrams and echo requests.
        def count(rows, icmp_type=None, port=None):
            return len([r for r in rows if len(r) >= 6 and (
                (icmp_type is not None and icmp_type in r[5].split(","))
                or (port is not None and not r[5]
                    and port in r[2].split(",")[1:] + r[3].split(",")[1:]))])
        kinds = (count(by[NS3_ADDR], port=str(UDP_PORT)), count(by[NS3_ADDR], icmp_type="0"),
                 count(by[CHARON_ADDR], port=str(UDP_PORT)),
                 count(by[CHARON_ADDR], icmp_type="8"))
        if 0 in kinds:
            fail(case.name, "ESP on the wire: node's datagrams %d, echo replies %d; charon's "
                 "echoed datagrams %d, echo requests %d" % kinds)
    if not plain and not bad:
        note("  ESP on the wire: %d packets from the node, %d from charon, all in UDP 4500, all "
             "decrypted by tshark with charon's keys, ICV good" % (
                 len(by[NS3_ADDR]), len(by[CHARON_ADDR])))

    # The node's NAT-keepalives (natt_keepalive 2 sec).  As racoon, an
    # aggressive-mode responder queues none: it follows the initiator to
    # 4500 (isakmp_main) before AM3's NAT-D tell it of the NAT.
    ka = tshark_rows(pcap, "udpencap.nat_keepalive && ip.src == %s" % NS3_ADDR,
                     ["frame.number"], env)
    if case.exchange == "aggressive" and case.initiator == "charon":
        if ka:
            fail(case.name, "%d NAT-keepalives from the node as aggressive-mode responder"
                 % len(ka))
        else:
            note("  NAT-keepalives from the node: none (aggressive-mode responder, as racoon)")
    elif not ka:
        fail(case.name, "no NAT-keepalive from the node on the wire")
    else:
        note("  NAT-keepalives from the node: %d" % len(ka))


def setkey_sas(text):
    """The SAs of the program's `setkey -D`: (src, sport, dst, dport, protocol, mode, spi)."""
    return [(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6),
             "%08x" % int(m.group(7)))
            for m in re.finditer(r"^(\S+?)(?:\[(\d+)\])? (\S+?)(?:\[(\d+)\])? *\n\t(\S+) "
                                 r"mode=(\w+) spi=(\d+)", text, re.M)]


def check_natt(case, out, text, facts, raw, esp, both_ways, installs, shim):
    """NAT-T in the logs: both sides detected the (forced) NAT, IKE floated,
    the SAs are UDP-encapsulated on both sides, and (tunnel mode) traffic
    flowed both ways."""
    want = {"force": "remote host is behind NAT",
            "encap": "faking NAT situation to enforce UDP encapsulation"}[case.natt]
    if want not in facts["nat"]:
        fail(case.name, "charon did not log '%s' (it logged %s)" % (want, sorted(facts["nat"])))
    if "received Vendor ID: RFC 3947" not in text or "NAT detected: " not in text:
        fail(case.name, "the daemon did not receive charon's RFC 3947 vendor ID or detected no "
             "NAT")
    nat_line = re.search(r"NAT detected: [A-Z ]*", text)
    before = 4 if case.exchange == "main" else 2
    ports = [(a, b) for _, a, b in facts["packets"]]
    if ports[:before] != [("500", "500")] * before or \
            set(ports[before:]) != {("4500", "4500")}:
        fail(case.name, "charon's IKE packets: ports %s, expected %d on 500, then 4500" % (
            ports, before))
    else:
        note("  charon: '%s'; the daemon: '%s'; charon's IKE: %d packets on 500, %d on 4500"
             % (want, nat_line.group(0).strip() if nat_line else "?", before,
                len(ports) - before))
    if raw["ike_ports"] != [("4500", "4500")]:
        fail(case.name, "charon's IKE_SA ports (local, remote): %s" % raw["ike_ports"])

    # The program's SAs: esp-udp between ports 4500.
    sas = setkey_sas(text)
    mine = {sa["spi"] for sa in esp}
    udp = [sa for sa in sas if sa[6] in mine and sa[4] == "esp-udp" and sa[1] == "4500"
           and sa[3] == "4500" and sa[5] == case.mode]
    if len(udp) != 2 or len(sas) != 2:
        fail(case.name, "the program's setkey -D: %s, expected the 2 negotiated SAs as esp-udp "
             "%s [4500]->[4500]" % (sas, case.mode))
    else:
        note("  the daemon's SAs (setkey -D): %s" % ", ".join(
            "%s[%s]->%s[%s] esp-udp mode=%s spi 0x%s" % (a, b, c, d, m, x)
            for a, b, c, d, _, m, x in udp))

    # charon's CHILD_SA: UDP-encapsulated (as it asked libipsec, with the
    # shim as it handed the SA over).
    if installs:
        attrs = [a for a in raw["child_attrs"] if a.get("state") == "INSTALLED"]
        if not attrs or attrs[0].get("encap") != "yes" or attrs[0].get("mode") != case.mode.upper():
            fail(case.name, "charon's CHILD_SA: %s, expected INSTALLED %s encap=yes" % (
                attrs or raw["child_attrs"], case.mode.upper()))
        else:
            note("  charon: CHILD_SA INSTALLED mode=%s encap=yes, %s packets in, %s out "
                 "(libipsec)" % (attrs[0]["mode"], attrs[0].get("packets-in"),
                                 attrs[0].get("packets-out")))
        if shim:
            handed = re.findall(r"interop-shim: \w+ SA spi [0-9a-f]{8} mode (\d+) encap (\d+)",
                                open(os.path.join(out, "charon.stdout")).read())
            expect = ("1" if case.mode == "transport" else "2", "1")
            if not handed or set(handed) != {expect}:
                fail(case.name, "charon handed libipsec (mode, encap) %s, expected %s" % (
                    handed, expect))
            else:
                note("  charon handed libipsec %d SAs in %s mode with UDP encapsulation" % (
                    len(handed), case.mode))
    if not both_ways:
        return
    attrs = [a for a in raw["child_attrs"] if a.get("state") == "INSTALLED"]
    if attrs and (int(attrs[0].get("packets-in", 0)) == 0
                  or int(attrs[0].get("packets-out", 0)) == 0):
        fail(case.name, "libipsec's CHILD_SA counted %s packets in, %s out" % (
            attrs[0].get("packets-in"), attrs[0].get("packets-out")))
    ping_path = os.path.join(out, "ping.txt")
    ping = open(ping_path).read() if os.path.exists(ping_path) else ""
    m = re.search(r"ping: (\d+) sent, (\d+) answered", ping)
    if not m or m.group(1) != m.group(2):
        fail(case.name, "ping from charon's namespace to the node: %s" % (
            m.group(0) if m else "did not run"))
    else:
        note("  ping from charon's namespace through libipsec: %s" % m.group(0))
    got = re.findall(r"received UDP datagram of \d+ bytes from (\S+)", text)
    n = re.search(r"UDP datagrams received (\d+)", text)
    if not n or int(n.group(1)) < 3 or set(got) != {"%s:%d" % (CHARON_ADDR, UDP_PORT)}:
        fail(case.name, "the node received %s datagrams back (from %s), expected at least 3 "
             "from charon's echo" % (n.group(1) if n else "no", sorted(set(got))))
    else:
        note("  the node's datagrams echoed by charon's namespace through libipsec: %s "
             "received back" % n.group(1))


# ---- one case -------------------------------------------------------------------------

def run_case(program, workdir, case, index, shim):
    note("=== %s: %s mode, %s initiates, ESP %s, IKE %s, ESP %s%s" % (
        case.name, case.exchange, "the simulated daemon" if case.initiator == "ns3" else "charon",
        case.mode, case.ike, case.esp,
        {None: "", "force": ", NAT-T forced by the daemon (nat_traversal force)",
         "encap": ", NAT-T forced by charon (encap = yes)"}[case.natt]))
    out = os.path.join(workdir, case.name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    keydir = os.path.join(out, "keys")
    os.makedirs(keydir)
    tmp = tempfile.mkdtemp(prefix="ike-charon-%d-" % os.getpid())
    cleanups.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
    pid = os.getpid()
    ns_ns3 = "ike-ns3-%d-%d" % (pid, index)
    ns_charon = "ike-charon-%d-%d" % (pid, index)
    veth_ns3 = "ikn%dx%d" % (pid, index)
    veth_charon = "ikc%dx%d" % (pid, index)

    # The namespaces and the veth pair.
    for ns in (ns_ns3, ns_charon):
        p = sh(["ip", "netns", "add", ns], check=False)
        if p.returncode != 0:
            raise Skip("`ip netns add %s` fails: %s" % (ns, p.stdout.strip()))
        cleanups.append(lambda ns=ns: sh(["ip", "netns", "del", ns], check=False))
    sh(["ip", "link", "add", veth_ns3, "type", "veth", "peer", "name", veth_charon])
    # (gone with the namespaces once moved there; this is for a failure before)
    cleanups.append(lambda: sh(["ip", "link", "del", veth_ns3], check=False))
    sh(["ip", "link", "set", veth_ns3, "netns", ns_ns3])
    sh(["ip", "link", "set", veth_charon, "netns", ns_charon])
    nsx = lambda ns: ["ip", "netns", "exec", ns]
    # The simulated node's side: no address, no IPv6, so Linux stays silent there.
    sh(nsx(ns_ns3) + ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"])
    sh(["ip", "-n", ns_ns3, "link", "set", "lo", "up"])
    sh(["ip", "-n", ns_ns3, "link", "set", veth_ns3, "up"])
    sh(["ip", "-n", ns_charon, "link", "set", "lo", "up"])
    sh(["ip", "-n", ns_charon, "addr", "add", CHARON_ADDR + "/24", "dev", veth_charon])
    sh(["ip", "-n", ns_charon, "link", "set", veth_charon, "up"])
    # A veth leaves UDP checksums to an offload that never happens: the raw
    # socket would hand the simulated node datagrams with a partial checksum,
    # which ns-3 (checksums enabled) drops.
    for ns, dev in ((ns_charon, veth_charon), (ns_ns3, veth_ns3)):
        sh(nsx(ns) + ["ethtool", "-K", dev, "tx", "off"])

    # The configuration.
    psk = os.path.join(tmp, "psk.txt")
    write(psk, "%s\t%s\n" % (CHARON_ADDR, PSK), 0o600)
    write(os.path.join(tmp, "racoon.conf"), racoon_conf(case, psk))
    write(os.path.join(tmp, "strongswan.conf"), strongswan_conf(tmp, case))
    write(os.path.join(tmp, "swanctl.conf"), swanctl_conf(case), 0o600)
    for f in ("racoon.conf", "swanctl.conf", "strongswan.conf"):
        shutil.copy(os.path.join(tmp, f), out)
    env = dict(os.environ, STRONGSWAN_CONF=os.path.join(tmp, "strongswan.conf"))
    uri = "unix://%s/charon.vici" % tmp

    # charon, with a /run of its own (its pid file is /run/charon.pid).
    shim = shim and case.shim
    preload = "export LD_PRELOAD=%s; " % build_shim(tmp) if shim else ""
    charon_out = open(os.path.join(out, "charon.stdout"), "w")
    cleanups.append(charon_out.close)
    charon = subprocess.Popen(
        nsx(ns_charon) + ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                          "mount -t tmpfs tmpfs /run && %sexec %s" % (preload, CHARON)],
        stdout=charon_out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    cleanups.append(lambda: stop_process(charon, "charon"))
    deadline = time.time() + 15
    while not os.path.exists(os.path.join(tmp, "charon.vici")):
        if charon.poll() is not None or time.time() > deadline:
            raise RuntimeError("charon did not start (see %s/charon.stdout)" % out)
        time.sleep(0.1)
    p = sh([SWANCTL, "--load-all", "--file", os.path.join(tmp, "swanctl.conf"), "--uri", uri],
           env=env, check=False)
    write(os.path.join(out, "swanctl-load.txt"), p.stdout)
    if p.returncode != 0 or "successfully loaded 1 connections" not in p.stdout:
        raise RuntimeError("swanctl --load-all failed:\n" + p.stdout[-2000:])

    # The simulated host.
    duration = 30
    # NAT-T cases where libipsec holds the negotiated SAs (tunnel mode, no
    # shim): traffic both ways, an echo in charon's namespace, a ping.
    both_ways = bool(case.natt) and case.mode == "tunnel" and not shim
    if both_ways:
        echo_out = open(os.path.join(out, "echo.txt"), "w")
        cleanups.append(echo_out.close)
        echo = subprocess.Popen(nsx(ns_charon) + [sys.executable, "-c", ECHO_PY, CHARON_ADDR,
                                                  str(UDP_PORT)],
                                stdout=echo_out, stderr=subprocess.STDOUT, start_new_session=True)
        cleanups.append(lambda: stop_process(echo, "udp echo"))
    args = nsx(ns_ns3) + [program, "--interface=" + veth_ns3, "--mac=" + NS3_MAC,
                          "--local=%s/24" % NS3_ADDR, "--peer=" + CHARON_ADDR,
                          "--racoonConf=" + os.path.join(tmp, "racoon.conf"),
                          "--psk=" + psk, "--mode=" + case.mode, "--keyLog=" + keydir,
                          "--pcap=" + os.path.join(out, "ipsec-ike-peer.pcap"),
                          "--duration=%d" % duration,
                          "--linger=%d" % (7 if case.natt else 3),
                          "--initiate=%s" % ("true" if case.initiator == "ns3" else "false")]
    if both_ways:
        args.append("--receive=true")
    prog_log = os.path.join(out, "ipsec-ike-peer.txt")
    prog_out = open(prog_log, "w")
    cleanups.append(prog_out.close)
    prog = subprocess.Popen(args, stdout=prog_out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    cleanups.append(lambda: stop_process(prog, "ipsec-ike-peer"))

    def program_text():
        prog_out.flush()
        with open(prog_log) as f:
            return f.read()

    if case.initiator == "charon":
        deadline = time.time() + 15
        while "ipsec-ike-peer: ready" not in program_text():
            if prog.poll() is not None or time.time() > deadline:
                break
            time.sleep(0.1)
        if prog.poll() is None and "ipsec-ike-peer: ready" not in program_text():
            fail(case.name, "the program did not say it was ready within 15 s")
        elif prog.poll() is None:
            p = sh([SWANCTL, "--initiate", "--child", "ns3", "--timeout", "20", "--uri", uri],
                   env=env, check=False, timeout=40)
            write(os.path.join(out, "swanctl-initiate.txt"), p.stdout)
            if p.returncode != 0:
                fail(case.name, "swanctl --initiate failed (exit status %d): %s" % (
                    p.returncode, p.stdout.strip().splitlines()[-1:]))
    ping = None
    if both_ways:
        # From charon's namespace through libipsec's SAs: the node answers.
        deadline = time.time() + 15
        while not re.search(r"phase 2 with \S+: established", program_text()):
            if prog.poll() is not None or time.time() > deadline:
                break
            time.sleep(0.1)
        if prog.poll() is None:
            ping = sh(nsx(ns_charon) + [sys.executable, "-c", PING_PY, NS3_ADDR, "3"],
                      check=False, timeout=30).stdout
            write(os.path.join(out, "ping.txt"), ping)
    try:
        rc = prog.wait(timeout=duration + 15)
    except subprocess.TimeoutExpired:
        stop_process(prog, "ipsec-ike-peer")
        rc = None
    text = program_text()
    sas_raw = sh([SWANCTL, "--list-sas", "--raw", "--uri", uri], env=env, check=False).stdout
    write(os.path.join(out, "swanctl-list-sas.txt"), sas_raw)
    stop_process(charon, "charon")
    charon_log = open(os.path.join(tmp, "charon.log")).read() if os.path.exists(
        os.path.join(tmp, "charon.log")) else ""
    write(os.path.join(out, "charon.log"), charon_log)
    if rc == SKIP:
        raise Skip(([l for l in text.splitlines() if "SKIP" in l] or ["the program skipped"])[0])

    # ---- the checks ----
    result = [l for l in text.splitlines() if "RESULT" in l]
    note("ipsec-ike-peer: " + (result[0].split("RESULT", 1)[1].strip() if result
                               else "no RESULT line (exit status %s)" % rc))
    if rc != 0 or not result or "RESULT PASS" not in result[0]:
        fail(case.name, "the simulated daemon did not complete the negotiation (exit status %s, "
             "see %s)" % (rc, prog_log))
    facts = charon_facts(charon_log)
    ike, esp = key_log(keydir)

    # Phase 1: the initiator cookie and the encryption key.
    raw = list_sas_raw(sas_raw)
    if not ike:
        fail(case.name, "the program's key log has no ISAKMP SA")
    elif not facts["ka"]:
        fail(case.name, "charon logged no phase-1 encryption key")
    else:
        icookie, key = ike[0]
        if key != facts["ka"]:
            fail(case.name, "phase-1 encryption key: daemon %s, charon %s" % (key, facts["ka"]))
        cookies = [i for i, r in raw["ike"]]
        if icookie not in cookies:
            fail(case.name, "initiator cookie %s: charon's IKE_SAs have %s" % (
                icookie, cookies or "none"))
        note("  ISAKMP SA: initiator cookie %s, encryption key %s: %s" % (
            icookie, key, "same on both ends" if key == facts["ka"] else "DIFFERENT"))

    # Phase 2: SPIs, algorithms and keys of each direction.
    if len(esp) != 2:
        fail(case.name, "the program's key log has %d ESP SAs, not 2" % len(esp))
    # charon's keys: "initiator" ones protect initiator -> responder traffic.
    ns3_initiates = case.initiator == "ns3"
    for sa in esp:
        from_initiator = (sa["src"] == NS3_ADDR) == ns3_initiates
        role = "initiator" if from_initiator else "responder"
        ekey = facts["keys"].get(("encryption", role))
        akey = facts["keys"].get(("integrity", role))
        spis = [c["spi"] for c in facts["sas"]
                if c["src"] == sa["src"] and c["dst"] == sa["dst"]]
        ok = True
        if sa["spi"] not in spis:
            fail(case.name, "%s->%s: SPI 0x%s, charon has %s" % (
                sa["src"], sa["dst"], sa["spi"], spis or "none"))
            ok = False
        if ekey != sa["ekey"]:
            fail(case.name, "%s->%s: encryption key %s, charon's %s" % (
                sa["src"], sa["dst"], sa["ekey"], ekey))
            ok = False
        if akey != sa["akey"]:
            fail(case.name, "%s->%s: authentication key %s, charon's %s" % (
                sa["src"], sa["dst"], sa["akey"], akey))
            ok = False
        if (ENCRYPTION.get(sa["encr"]) != facts["encr"]
                or INTEGRITY.get(sa["integ"]) != facts["integ"]):
            fail(case.name, "%s->%s: algorithms %s / %s, charon's %s / %s" % (
                sa["src"], sa["dst"], sa["encr"], sa["integ"], facts["encr"], facts["integ"]))
            ok = False
        note("  ESP SA %s->%s spi 0x%s %s %s, encryption key %s, authentication key %s: %s" % (
            sa["src"], sa["dst"], sa["spi"], facts["encr"], facts["integ"], sa["ekey"],
            sa["akey"], "same on both ends" if ok else "DIFFERENT"))

    # What charon handed its IPsec backend (the shim's lines) and what it
    # says it installed (swanctl --list-sas).
    installed = [c for c in raw["child"] if c[0] == "INSTALLED"]
    # (libipsec takes tunnel-mode SAs with UDP encapsulation as they are)
    installs = shim or (case.natt and case.mode == "tunnel")
    if installs and not shim:
        if not installed:
            fail(case.name, "charon's CHILD_SA is not INSTALLED (swanctl --list-sas: %s)" % (
                raw["child"] or "none"))
        else:
            state, spi_in, spi_out = installed[0]
            mine = {sa["dst"]: sa["spi"] for sa in esp}
            if mine.get(CHARON_ADDR) != spi_in or mine.get(NS3_ADDR) != spi_out:
                fail(case.name, "swanctl --list-sas: spi-in %s spi-out %s, the daemon's %s" % (
                    spi_in, spi_out, mine))
            else:
                note("  charon: CHILD_SA INSTALLED with spi-in %s spi-out %s (swanctl --list-sas),"
                     " no shim" % (spi_in, spi_out))
    elif shim:
        handed = {}
        for m in re.finditer(r"interop-shim: (\w+) SA spi ([0-9a-f]{8}) mode \d+ encap \d+ "
                             r"encryption \d+ key ([0-9a-f]*) integrity \d+ key ([0-9a-f]*)",
                             open(os.path.join(out, "charon.stdout")).read()):
            handed[m.group(2)] = (m.group(3), m.group(4))
        for sa in esp:
            got = handed.get(sa["spi"])
            if got != (sa["ekey"], sa["akey"]):
                fail(case.name, "%s->%s spi 0x%s: charon installed %s" % (
                    sa["src"], sa["dst"], sa["spi"], got or "no such SA"))
        if not installed:
            fail(case.name, "charon's CHILD_SA is not INSTALLED (swanctl --list-sas: %s)" % (
                raw["child"] or "none"))
        else:
            state, spi_in, spi_out = installed[0]
            mine = {sa["dst"]: sa["spi"] for sa in esp}
            if mine.get(CHARON_ADDR) != spi_in or mine.get(NS3_ADDR) != spi_out:
                fail(case.name, "swanctl --list-sas: spi-in %s spi-out %s, the daemon's %s" % (
                    spi_in, spi_out, mine))
            else:
                note("  charon: CHILD_SA INSTALLED with spi-in %s spi-out %s (swanctl --list-sas),"
                     " the same keys handed to libipsec" % (spi_in, spi_out))
    else:
        why = re.search(r"IPsec SA: [^\n]*|unable to install[^\n]*", charon_log)
        note("  charon: SAs not installed (kernel-libipsec: %s)" % (
            why.group(0) if why else "no reason logged"))

    pcap = os.path.join(out, "ipsec-ike-peer.pcap")
    if case.natt:
        check_natt(case, out, text, facts, raw, esp, both_ways, installs, shim)
        check_natt_wire(case, out, facts, pcap, both_ways)
        return
    check_esp_on_wire(case, out, facts, pcap)

    # IKE stayed on port 500.
    if not facts["ports"]:
        fail(case.name, "charon logged no IKE packet")
    elif facts["ports"] != {"500"}:
        fail(case.name, "IKE used ports %s (NAT-T?)" % sorted(facts["ports"]))
    else:
        note("  IKE traffic on UDP port 500 only")


def main():
    args = [a for a in sys.argv[1:]]
    keep = "--keep" in args
    shim = "--no-shim" not in args
    listing = "--list" in args
    wanted = []
    rest = []
    i = 0
    while i < len(args):
        if args[i] == "--case" and i + 1 < len(args):
            wanted.append(args[i + 1])
            i += 2
            continue
        if args[i] not in ("--keep", "--list", "--no-shim"):
            rest.append(args[i])
        i += 1
    if listing:
        for c in CASES:
            print(c.name)
        return 0
    if not rest:
        print(__doc__)
        return 2
    program = os.path.abspath(rest[0])
    cases = [c for c in CASES if not wanted or c.name in wanted]
    if wanted and len(cases) != len(wanted):
        print("unknown case in %s (--list)" % wanted)
        return 2
    if not shim:
        # Without the shim charon cannot install the SAs, and as quick-mode
        # initiator it then never sends QM3: only the daemon can initiate.
        needs = lambda c: c.initiator == "charon" and c.shim
        for c in cases:
            if needs(c):
                print("=== %s: not run with --no-shim (charon initiates)" % c.name)
        cases = [c for c in cases if not needs(c)]
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    try:
        preflight(program)
        remove_stale_namespaces()
        if len(rest) > 1:
            workdir = os.path.abspath(rest[1])
            os.makedirs(workdir, exist_ok=True)
        else:
            workdir = tempfile.mkdtemp(prefix="ike-charon-work-%d-" % os.getpid())
            if not keep:
                cleanups.append(lambda: shutil.rmtree(workdir, ignore_errors=True))
        for index, case in enumerate(cases):
            try:
                run_case(program, workdir, case, index, shim)
            except Skip:
                raise
            except Exception as e:
                fail(case.name, "%s: %s" % (type(e).__name__, e))
            finally:
                cleanup()
    except Skip as e:
        cleanup()
        print("SKIP: ipsec-ike-charon: %s" % e, flush=True)
        return SKIP
    finally:
        cleanup()
    passed = len(cases) - len({f.split(":")[0] for f in failures})
    print("%d passed, %d failed" % (passed, len(cases) - passed), flush=True)
    if failures:
        print("ipsec-ike-charon: FAILED (logs in %s)" % workdir, flush=True)
        return 1
    print("ipsec-ike-charon: the simulated daemon and charon agree in %d cases" % len(cases),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
