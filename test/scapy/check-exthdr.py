#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The ipsec-scapy-exthdr CTest test: scapy checks IPv6 transport-mode AH/ESP
behind extension headers, as the model puts them on the wire.

Usage: check-exthdr.py PATH/TO/ipsec-exthdr-pcap

For each configuration (AH hmac-sha1; ESP rijndael-cbc + hmac-sha1; the bundle
esp/transport//require ah/transport//require) the program is run into a
temporary directory.  A sends datagrams from a raw socket with next header 0:
[Hop-by-Hop: PadN, option 0x3e (may change en route) with non-zero data]
[Destination Options: option 0x1e] [UDP].  For every A -> B datagram in the
pcap of A's link this script checks, independently of the model:

* the IPv6 header's next header is 0 and the Hop-by-Hop header's is 51 (AH)
  or 50 (ESP): the IPsec header is behind the Hop-by-Hop header (RFC 8200
  section 4.1; KAME's ipsec6_output_trans), and the Hop-by-Hop header is on
  the wire byte for byte as A sent it (the mutable option's data included);
* AH: SPI and sequence number, and the ICV, verified by scapy's own AH
  implementation (SecurityAssociation(AH, ...).decrypt raises
  IPSecIntegrityError on a bad ICV) and by this script's own RFC 4302
  computation with hmac/hashlib; scapy must reject a copy with one byte of an
  immutable part flipped (the PadN option in the Hop-by-Hop header, the 0x3e
  option's type, the source address, the Destination Options header behind
  AH, the ICV) and accept a copy whose mutable parts were changed (the 0x3e
  option's data, hop limit, traffic class, flow label);
* ESP: SPI and sequence number, the ICV and the decryption by scapy
  (a flipped ciphertext byte must be rejected);
* after AH and ESP are removed, the datagram is byte for byte what A sent:
  the Hop-by-Hop header (next header 60), the Destination Options header
  (option 0x1e and its data) and the UDP datagram, whose checksum is
  verified over RFC 8200's pseudo-header;
* B's UDP socket received every datagram intact (the program's output).

What scapy 2.5.0 (scapy/layers/ipsec.py) does with IPv6 extension headers,
read from its source:

* AuthAlgo.verify computes the HMAC over raw(zero_mutable_fields(copy)).
  zero_mutable_fields zeroes the ICV, the IPv6 traffic class, flow label and
  hop limit, then walks the Hop-by-Hop, Routing and Destination Options
  headers directly behind the IPv6 header (up to the first other header, here
  AH) and, in Hop-by-Hop and Destination Options headers, replaces the data
  of every option whose type has the 0x20 bit ("may change en route") by
  zeros, keeping its type and length: RFC 4302 section 3.3.3.1.2.1.  It
  assigns option.optdata, a field that only scapy's generic option class
  (HBHOptUnknown) has; the options scapy dissects with their own classes
  (Pad1 0x00, PadN 0x01, Router Alert 0x05, Jumbo 0xc2, Home Address 0xc9)
  all have the bit clear, so every mutable option is an HBHOptUnknown and is
  zeroed.  On verification (sending=False) a Routing header is left as
  received (RFC 4302: the receiver sees it in its final form).  The headers
  are re-serialized by scapy (raw()), not taken from the wire; the
  script's own computation below uses the wire bytes.
* Where scapy itself would insert AH/ESP (split_for_transport, used by
  encrypt, not here): behind Hop-by-Hop, Routing and Destination Options
  headers, stopping only at a Destination Options header that follows a
  Routing header ("follow the linux implementation").  So scapy would put a
  lone Destination Options header, like this one, in front of AH/ESP, while
  the model (as KAME and RFC 8200's recommended order) puts it behind them,
  protected.  RFC 4302 section 3.1.1 and RFC 4303 section 3.1.1 allow
  Destination Options on either side; the difference does not affect
  verification or decryption, which work on whatever order is on the wire.
* SecurityAssociation._decrypt_esp chooses the class of the decrypted
  payload from the IPv6 header's next header (0 here), not from the header
  in front of ESP, so it dissects the inner Destination Options header as a
  Hop-by-Hop header (the bytes are right; only the dissection is wrong), and
  it reports the ESP padding from already-truncated data.  This script
  therefore re-dissects the decrypted packet from its bytes and does not use
  scapy's padding field.

Exit status: 0 when every check passes, 1 on a failure, 77 (CTest's
SKIP_RETURN_CODE) when scapy, or the python3-cryptography it needs for
IPsec, is missing (Debian: python3-scapy, python3-cryptography; installed
by scripts/setup.sh).
"""
import hashlib
import hmac
import os
import socket
import struct
import subprocess
import sys
import tempfile

NAME = "ipsec-scapy-exthdr"

try:
    from scapy.config import conf
    from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop
    from scapy.layers.inet import UDP
    from scapy.layers.ipsec import AH, ESP, IPSecIntegrityError, SecurityAssociation
    from scapy.packet import Raw
    from scapy.utils import RawPcapReader
except ImportError as e:
    print(f"{NAME}: SKIPPED: scapy cannot be imported ({e}); "
          "apt-get install python3-scapy (scripts/setup.sh does)")
    sys.exit(77)
if not conf.crypto_valid:
    print(f"{NAME}: SKIPPED: scapy has no IPsec cryptography (python3-cryptography "
          "is missing); apt-get install python3-cryptography (scripts/setup.sh does)")
    sys.exit(77)

# What ipsec-exthdr-pcap sends (see its header comment); rebuilt here from
# the description, not read from the program.
SRC_PORT = 40000
DST_PORT = 7777
DLT_PPP = 9
PPP_IPV6 = 0x0057
CONFIGS = ["ah", "esp", "esp-ah"]
COUNT = 5


def udp_payload(i):
    return bytes((16 * i + k) & 0xFF for k in range(32 + 5 * i))


def ones_complement_sum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def pseudo_header(src, dst, length, nh=17):
    """RFC 8200 section 8.1: source, destination, upper-layer length, next header."""
    return src + dst + struct.pack("!I", length) + b"\0\0\0" + bytes([nh])


def hop_by_hop(i, nh=60):
    """Hop-by-Hop: PadN (2 zero bytes), option 0x3e with 8 bytes 0xc0 + k + i."""
    return bytes([nh, 1, 1, 2, 0, 0, 0x3E, 8]) + bytes((0xC0 + k + i) & 0xFF for k in range(8))


DEST_OPTS = bytes([17, 0, 0x1E, 4, 0xD0, 0xD1, 0xD2, 0xD3])
MUTABLE_OFFSET = 8  # the 0x3e option's data in the Hop-by-Hop header
PADN_OFFSET = 4  # the PadN option's data
OPT3E_TYPE_OFFSET = 6


def datagram(i, src, dst):
    """What A hands its raw socket for datagram i (after the IPv6 header)."""
    payload = udp_payload(i)
    udp = struct.pack("!HHHH", SRC_PORT, DST_PORT, 8 + len(payload), 0) + payload
    c = 0xFFFF - ones_complement_sum(pseudo_header(src, dst, len(udp)) + udp)
    udp = udp[:6] + struct.pack("!H", c or 0xFFFF) + udp[8:]
    return hop_by_hop(i) + DEST_OPTS + udp


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def ah_icv_rfc4302(wire, key):
    """The script's own HMAC-SHA1-96 over an IPv6 packet [IPv6][Hop-by-Hop][AH]...
    (wire bytes): traffic class, flow label, hop limit zeroed, the data of
    options with the 0x20 bit zeroed, the ICV zeroed (RFC 4302 3.3.3.1)."""
    b = bytearray(wire)
    b[0] = 0x60
    b[1] = b[2] = b[3] = 0  # traffic class, flow label
    b[7] = 0  # hop limit
    check(b[6] == 0, "expected a Hop-by-Hop header")
    end = 40 + (b[41] + 1) * 8
    o = 42
    while o < end:
        if b[o] == 0:  # Pad1
            o += 1
            continue
        ln = b[o + 1]
        if b[o] & 0x20:
            b[o + 2:o + 2 + ln] = bytes(ln)
        o += 2 + ln
    check(b[40] == 51, "expected AH behind the Hop-by-Hop header")
    icv_len = (b[end + 1] + 2) * 4 - 12
    b[end + 12:end + 12 + icv_len] = bytes(icv_len)
    return hmac.new(key, bytes(b), hashlib.sha1).digest()[:12], bytes(wire[end + 12:end + 24])


def scapy_ah_accepts(sa, wire):
    try:
        sa.decrypt(IPv6(wire))
        return True
    except IPSecIntegrityError:
        return False


def sensitivity(sa, wire, hbh_end):
    """scapy must reject immutable changes and accept mutable ones."""
    def flipped(offset, mask=0x01):
        b = bytearray(wire)
        b[offset] ^= mask
        return bytes(b)

    hbh = 40
    ah_len = (wire[hbh_end + 1] + 2) * 4
    reject = {
        "a PadN data byte (immutable option)": flipped(hbh + PADN_OFFSET),
        "the 0x3e option's type (0x3e -> 0x1e)": flipped(hbh + OPT3E_TYPE_OFFSET, 0x20),
        "a source address byte": flipped(8 + 15),
        "the AH sequence number": flipped(hbh_end + 11),
        "an ICV byte": flipped(hbh_end + 12),
        "the byte behind AH": flipped(hbh_end + ah_len),
        "the last byte": flipped(len(wire) - 1),
    }
    accept = {
        "a byte of the 0x3e option's data (mutable)": flipped(hbh + MUTABLE_OFFSET + 3, 0xFF),
        "the 0x3e option's data zeroed": (wire[:hbh + MUTABLE_OFFSET] + bytes(8)
                                          + wire[hbh + MUTABLE_OFFSET + 8:]),
        "hop limit, traffic class and flow label": (bytes([0x6A, 0xBC, 0xDE, 0xF1])
                                                     + wire[4:7] + b"\x01" + wire[8:]),
    }
    check(scapy_ah_accepts(sa, wire), "scapy rejects the unmodified packet")
    for what, b in reject.items():
        check(not scapy_ah_accepts(sa, b), f"scapy still accepts the packet with {what} changed")
    for what, b in accept.items():
        check(scapy_ah_accepts(sa, b), f"scapy rejects the packet with {what} changed")
    return len(reject), len(accept)


def run_config(program, config, tmp):
    out = subprocess.run([program, f"--config={config}", f"--pcapDir={tmp}", f"--count={COUNT}"],
                         capture_output=True, text=True, timeout=240)
    check(out.returncode == 0,
          f"{program} --config={config} exited {out.returncode}: {out.stderr.strip()}")
    facts = {}
    sas = {}
    for line in out.stdout.splitlines():
        key, _, rest = line.partition(" ")
        if key == "sa":
            proto, *fields = rest.split()
            sas[proto] = dict(f.split("=", 1) for f in fields)
        else:
            facts[key] = rest
    return facts, sas


def check_config(program, config, tmp):
    facts, sas = run_config(program, config, tmp)
    ah = "ah" in config
    esp = "esp" in config
    check(("ah" in sas) == ah and ("esp" in sas) == esp, f"SAs printed: {sorted(sas)}")
    src_b = socket.inet_pton(socket.AF_INET6, facts["src"])
    dst_b = socket.inet_pton(socket.AF_INET6, facts["dst"])
    src = socket.inet_ntop(socket.AF_INET6, src_b)
    dst = socket.inet_ntop(socket.AF_INET6, dst_b)
    if ah:
        check(sas["ah"]["auth"] == "hmac-sha1", "AH auth algorithm")
        ah_key = bytes.fromhex(sas["ah"]["authkey"])
        ah_spi = int(sas["ah"]["spi"])
    if esp:
        check(sas["esp"]["enc"] == "rijndael-cbc" and sas["esp"]["auth"] == "hmac-sha1",
              "ESP algorithms")
        esp_key = bytes.fromhex(sas["esp"]["enckey"])
        esp_auth = bytes.fromhex(sas["esp"]["authkey"])
        esp_spi = int(sas["esp"]["spi"])

    reader = RawPcapReader(facts["pcap"])
    check(reader.linktype == DLT_PPP, f"link type {reader.linktype}, expected PPP")
    datagrams = 0
    nd = 0
    rejected = accepted = 0
    for frame, _ in reader:
        check(struct.unpack("!H", frame[:2])[0] == PPP_IPV6, "a frame that is not PPP IPv6")
        wire = bytes(frame[2:])
        ip = IPv6(wire)
        if ip.src != src or ip.dst != dst:
            continue
        if ip.nh == 58 and wire[40] in (133, 134, 135, 136, 137):
            nd += 1  # neighbour discovery, not IPsec-protected
            continue
        i = datagrams
        datagrams += 1
        what = f"{config}: datagram {i}"
        check(ip.plen == len(wire) - 40, f"{what}: payload length {ip.plen}")
        check(ip.nh == 0, f"{what}: IPv6 next header {ip.nh}, expected 0 (Hop-by-Hop)")
        outer = 51 if ah else 50
        check(isinstance(ip.payload, IPv6ExtHdrHopByHop), f"{what}: no Hop-by-Hop header")
        check(wire[40] == outer, f"{what}: Hop-by-Hop next header {wire[40]}, expected {outer}")
        hbh_end = 40 + (wire[41] + 1) * 8
        check(wire[41:hbh_end] == hop_by_hop(i)[1:],
              f"{what}: the Hop-by-Hop header is not what A sent: {wire[40:hbh_end].hex()}")
        pkt = ip
        if ah:
            a = ip[AH]
            check(a.spi == ah_spi and a.seq == i + 1, f"{what}: AH spi {a.spi:#x} seq {a.seq}")
            check(a.nh == (50 if esp else 60), f"{what}: AH next header {a.nh}")
            sa = SecurityAssociation(AH, spi=ah_spi, auth_algo="HMAC-SHA1-96", auth_key=ah_key)
            try:
                pkt = IPv6(bytes(sa.decrypt(IPv6(wire))))
            except IPSecIntegrityError as e:
                raise Failure(f"{what}: scapy rejects the AH ICV: {e}")
            mine, icv = ah_icv_rfc4302(wire, ah_key)
            check(mine == icv, f"{what}: ICV {icv.hex()}, RFC 4302 computation gives {mine.hex()}")
            if i == 0:
                r, c = sensitivity(sa, wire, hbh_end)
                rejected += r
                accepted += c
        if esp:
            e = pkt[ESP]
            check(e.spi == esp_spi and e.seq == i + 1, f"{what}: ESP spi {e.spi:#x} seq {e.seq}")
            sa = SecurityAssociation(ESP, spi=esp_spi, crypt_algo="AES-CBC", crypt_key=esp_key,
                                     auth_algo="HMAC-SHA1-96", auth_key=esp_auth)
            encrypted = bytes(pkt) if ah else wire
            try:
                # Re-dissected from its bytes: see the module comment.
                pkt = IPv6(bytes(sa.decrypt(IPv6(encrypted))))
            except IPSecIntegrityError as err:
                raise Failure(f"{what}: scapy rejects the ESP ICV: {err}")
            if i == 0:
                b = bytearray(encrypted)
                b[-20] ^= 0x80  # a ciphertext byte (the ICV is the last 12)
                try:
                    sa.decrypt(IPv6(bytes(b)))
                    raise Failure(f"{what}: scapy accepts ESP with a ciphertext byte flipped")
                except IPSecIntegrityError:
                    rejected += 1
        inner = bytes(pkt)
        expected = datagram(i, src_b, dst_b)
        check(inner[:40] == wire[:4] + struct.pack("!H", len(expected)) + wire[6:40],
              f"{what}: the IPv6 header after IPsec processing")
        check(inner[40:] == expected,
              f"{what}: after IPsec processing\n  got      {inner[40:].hex()}\n"
              f"  expected {expected.hex()}")
        check(isinstance(pkt.payload, IPv6ExtHdrHopByHop) and pkt.payload.nh == 60,
              f"{what}: inner Hop-by-Hop")
        d = pkt[IPv6ExtHdrDestOpt]
        opts = [(o.otype, bytes(o.optdata)) for o in d.options]
        check(opts == [(0x1E, bytes([0xD0, 0xD1, 0xD2, 0xD3]))] and d.nh == 17,
              f"{what}: Destination Options {opts}")
        u = pkt[UDP]
        udp = bytes(u)
        check(u.sport == SRC_PORT and u.dport == DST_PORT and u.len == len(udp),
              f"{what}: UDP ports/length")
        check(ones_complement_sum(pseudo_header(src_b, dst_b, len(udp)) + udp) == 0xFFFF,
              f"{what}: UDP checksum {u.chksum:#06x} is wrong")
        check(bytes(u[Raw].load) == udp_payload(i), f"{what}: UDP payload")
    check(datagrams == COUNT, f"{config}: {datagrams} datagrams from A to B on the wire, "
          f"expected {COUNT}")
    sent = int(facts["sent"])
    received, _, intact = facts["received"].partition(" intact ")
    check(sent == COUNT and int(received) == COUNT and int(intact) == COUNT,
          f"{config}: B's UDP socket received {facts['received']} of {sent}")
    print(f"{NAME}: {config}: {datagrams} datagrams, IPsec behind Hop-by-Hop, "
          f"{'AH ICV verified by scapy and RFC 4302 by hand, ' if ah else ''}"
          f"{'ESP decrypted by scapy, ' if esp else ''}"
          f"Destination Options + UDP inside intact; B received {received} intact; "
          f"{nd} ND packets ignored; sensitivity: {rejected} tampered copies rejected, "
          f"{accepted} mutable-field changes accepted")


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} PATH/TO/ipsec-exthdr-pcap")
        return 2
    program = sys.argv[1]
    if not os.access(program, os.X_OK):
        print(f"{NAME}: {program} is not an executable")
        return 1
    failures = 0
    with tempfile.TemporaryDirectory(prefix="ipsec-scapy-") as tmp:
        for config in CONFIGS:
            d = os.path.join(tmp, config)
            os.mkdir(d)
            try:
                check_config(program, config, d)
            except Failure as f:
                failures += 1
                print(f"{NAME}: FAIL: {f}")
    if failures:
        print(f"{NAME}: {failures} of {len(CONFIGS)} configurations failed")
        return 1
    print(f"{NAME}: all {len(CONFIGS)} configurations passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
