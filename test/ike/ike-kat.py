#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Known answers for test/ipsec-ike-crypto-test-suite.cc, computed apart
from model/ike-crypto.cc: Python's hashlib/hmac and pow(), written from
RFC 2409 (sections 5, 5.5, 5.7 and appendix B) alone.

    /usr/bin/python3 test/ike/ike-kat.py

prints C++ constants to paste into the suite (its "known answers" block);

    /usr/bin/python3 test/ike/ike-kat.py --check test/ipsec-ike-crypto-test-suite.cc

checks that the suite holds exactly these values (the ipsec-ike-kat CTest).

Conventions shared with the C++ side (and racoon's oakley.c):
 - the constants 0, 1, 2 of SKEYID_d/_a/_e, K1's 0 and HASH(3)'s 0 are one
   byte each; the M-ID is the 4 header bytes, big-endian;
 - DH values are big-endian, left-padded to the modulus length;
 - IkeDh's exponent is the first `bits` bits of its random bytes with the
   top bit set (bits = modulus bits - 1 by default).
"""
import hashlib
import hmac
import re
import sys

HASHES = {"md5": hashlib.md5, "sha1": hashlib.sha1, "sha256": hashlib.sha256,
          "sha384": hashlib.sha384, "sha512": hashlib.sha512}

# RFC 2409 section 6.1 (768 bits) and 6.2 (1024 bits), typed from the RFC.
MODP768 = int("""
    FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1
    29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD
    EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245
    E485B576 625E7EC6 F44C42E9 A63A3620 FFFFFFFF FFFFFFFF
""".replace(" ", "").replace("\n", ""), 16)
MODP1024 = int("""
    FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1
    29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD
    EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245
    E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED
    EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE65381
    FFFFFFFF FFFFFFFF
""".replace(" ", "").replace("\n", ""), 16)


def pattern(n, mul, add):
    """n bytes (i * mul + add) mod 256: the fixed 'random' inputs."""
    return bytes((i * mul + add) & 0xFF for i in range(n))


def exponent(random, bits):
    nbytes = (bits + 7) // 8
    x = int.from_bytes(random[:nbytes], "big") >> (8 * nbytes - bits)
    return x | (1 << (bits - 1))


def padded(value, p):
    return value.to_bytes((p.bit_length() + 7) // 8, "big")


def prf(h, key, data):
    return hmac.new(key, data, HASHES[h]).digest()


def hash_(h, data):
    return HASHES[h](data).digest()


def be32(v):
    return v.to_bytes(4, "big")


def enc_key(h, skeyid_e, nbytes):
    # RFC 2409 appendix B.
    if nbytes <= len(skeyid_e):
        return skeyid_e[:nbytes]
    out, k = b"", b"\x00"
    while len(out) < nbytes:
        k = prf(h, skeyid_e, k)
        out += k
    return out[:nbytes]


def keymat(h, skeyid_d, gxy_qm, protocol, spi, ni_b, nr_b, length):
    # RFC 2409 section 5.5.
    seed = gxy_qm + bytes([protocol]) + spi + ni_b + nr_b
    out, k = b"", b""
    while len(out) < length:
        k = prf(h, skeyid_d, k + seed)
        out += k
    return out[:length]


OUTPUT = []  # ("comment", text) or (name, bytes), in order


def comment(text):
    OUTPUT.append(("comment", text))


def cxx(name, value):
    OUTPUT.append((name, value))


def print_cxx():
    for name, value in OUTPUT:
        if name == "comment":
            print("// " + value)
            continue
        text = value.hex()
        if len(text) <= 64:
            print('const char* const %s = "%s";' % (name, text))
            continue
        print("const char* const %s =" % name)
        chunks = [text[i:i + 64] for i in range(0, len(text), 64)]
        for i, c in enumerate(chunks):
            print('    "%s"%s' % (c, ";" if i == len(chunks) - 1 else ""))


def check_cxx(path):
    """The suite's `const char* const kName = "..." "...";` against OUTPUT."""
    source = open(path, encoding="utf-8").read()
    found = {}
    for m in re.finditer(r'const char\* const (k\w+)\s*=\s*((?:"[0-9a-f]*"\s*)+);', source):
        found[m.group(1)] = "".join(re.findall(r'"([0-9a-f]*)"', m.group(2)))
    bad = 0
    for name, value in OUTPUT:
        if name == "comment":
            continue
        if found.get(name) != value.hex():
            print("%s: %s differs from ike-kat.py's value" % (path, name))
            bad += 1
    count = sum(1 for n, _ in OUTPUT if n != "comment")
    print("%d of %d known answers match" % (count - bad, count))
    return 1 if bad else 0


# --- fixed inputs (the C++ test builds the same bytes) ---------------------
PSK = b"spamspamspam"
NI_B = pattern(16, 7, 1)     # initiator's phase-1 nonce
NR_B = pattern(20, 11, 3)    # responder's (another length on purpose)
CKY_I = bytes.fromhex("0102030405060708")
CKY_R = bytes.fromhex("a1a2a3a4a5a6a7a8")
RAND_I = pattern(128, 37, 11)  # IkeDh(modp1024, RAND_I): 1023-bit exponent
RAND_R = pattern(128, 53, 29)
SAI_B = bytes.fromhex("00000001 00000001 00000028 01010001 00000020 01010000"
                      " 80010005 80020002 80030001 80040002 800b0001 800c7080"
                      .replace(" ", ""))
IDII_B = bytes.fromhex("011101f4c0000201")  # ID_IPV4_ADDR, UDP, 500, 192.0.2.1
IDIR_B = bytes.fromhex("011101f4c0000202")  # 192.0.2.2
LAST_BLOCK = bytes.fromhex("0f1e2d3c4b5a6978")  # last CBC block of phase 1
MID = 0x4A3B2C1D
QM_REST1 = bytes.fromhex("0a000010deadbeef" "05000014" + "11" * 16)  # arbitrary payloads
QM_REST2 = bytes.fromhex("0a000010cafebabe" "05000018" + "22" * 20)
QM_NI_B = pattern(16, 3, 0x40)
QM_NR_B = pattern(24, 5, 0x80)
INFO_MID = 0xDEADBEEF
INFO_REST = bytes.fromhex("0000000c000000010100000e")  # an N payload, generic header included
SPI = bytes.fromhex("0badcafe")
PFS_RAND_I = pattern(96, 17, 5)   # modp768 exponents for g(qm)^xy
PFS_RAND_R = pattern(96, 29, 7)

def compute():
    xi = exponent(RAND_I, 1023)
    xr = exponent(RAND_R, 1023)
    gxi = padded(pow(2, xi, MODP1024), MODP1024)
    gxr = padded(pow(2, xr, MODP1024), MODP1024)
    gxy = padded(pow(pow(2, xr, MODP1024), xi, MODP1024), MODP1024)
    assert gxy == padded(pow(pow(2, xi, MODP1024), xr, MODP1024), MODP1024)
    comment("modp1024, full-length exponents from RAND_I / RAND_R")
    cxx("kGxi", gxi)
    cxx("kGxr", gxr)
    cxx("kGxy", gxy)

    pi = exponent(PFS_RAND_I, 767)
    pr = exponent(PFS_RAND_R, 767)
    gxy_qm = padded(pow(pow(2, pr, MODP768), pi, MODP768), MODP768)
    comment("modp768 (PFS), full-length exponents from PFS_RAND_I / PFS_RAND_R")
    cxx("kGxyQm", gxy_qm)

    # A public value and a shared secret with a leading zero byte (padding).
    for n in range(100000):
        r = hashlib.sha256(b"pad %d" % n).digest() * 3  # 96 bytes
        y = pow(2, exponent(r, 767), MODP768)
        if y < 1 << (768 - 8):
            comment("modp768: sha256(\"pad %d\") x 3 gives a public value with a leading zero" % n)
            cxx("kPadRandom", r)
            cxx("kPadPublic", padded(y, MODP768))
            break
    for n in range(100000):
        r = hashlib.sha256(b"shared %d" % n).digest() * 3
        s = pow(pow(2, pr, MODP768), exponent(r, 767), MODP768)
        if s < 1 << (768 - 8):
            comment("modp768: sha256(\"shared %d\") x 3 against PFS_RAND_R: g^xy with a leading zero"
                    % n)
            cxx("kSharedPadRandom", r)
            cxx("kSharedPad", padded(s, MODP768))
            break

    # Phase 1 with each (hash, cipher key bytes, block) case.
    cases = [
        ("Sha1Des3", "sha1", 24, 8),      # 3DES: 24 > 20, expanded
        ("Md5Aes256", "md5", 32, 16),     # AES-256: 32 > 16, expanded
        ("Sha256Bf448", "sha256", 56, 8),  # Blowfish 448: 56 > 32, expanded
        ("Sha384Aes192", "sha384", 24, 16),  # 24 <= 48: the first bytes
        ("Sha512Aes128", "sha512", 16, 16),
    ]
    for tag, h, keylen, block in cases:
        skeyid = prf(h, PSK, NI_B + NR_B)
        skeyid_d = prf(h, skeyid, gxy + CKY_I + CKY_R + b"\x00")
        skeyid_a = prf(h, skeyid, skeyid_d + gxy + CKY_I + CKY_R + b"\x01")
        skeyid_e = prf(h, skeyid, skeyid_a + gxy + CKY_I + CKY_R + b"\x02")
        comment("%s: %s, a %d-byte key, %d-byte blocks" % (tag, h, keylen, block))
        cxx("k%sSkeyid" % tag, skeyid)
        cxx("k%sSkeyidD" % tag, skeyid_d)
        cxx("k%sSkeyidA" % tag, skeyid_a)
        cxx("k%sSkeyidE" % tag, skeyid_e)
        cxx("k%sEncKey" % tag, enc_key(h, skeyid_e, keylen))
        cxx("k%sIv" % tag, hash_(h, gxi + gxr)[:block])
        if tag != "Sha1Des3":
            continue
        cxx("k%sHashI" % tag, prf(h, skeyid, gxi + gxr + CKY_I + CKY_R + SAI_B + IDII_B))
        cxx("k%sHashR" % tag, prf(h, skeyid, gxr + gxi + CKY_R + CKY_I + SAI_B + IDIR_B))
        cxx("k%sPhase2Iv" % tag, hash_(h, LAST_BLOCK + be32(MID))[:block])
        cxx("k%sHash1" % tag, prf(h, skeyid_a, be32(MID) + QM_REST1))
        cxx("k%sHash2" % tag, prf(h, skeyid_a, be32(MID) + QM_NI_B + QM_REST2))
        cxx("k%sHash3" % tag, prf(h, skeyid_a, b"\x00" + be32(MID) + QM_NI_B + QM_NR_B))
        cxx("k%sInfoHash" % tag, prf(h, skeyid_a, be32(INFO_MID) + INFO_REST))
        # ESP 3DES + HMAC-SHA1: 24 + 20 = 44 bytes, three SHA-1 blocks.
        cxx("k%sKeymat" % tag, keymat(h, skeyid_d, b"", 3, SPI, QM_NI_B, QM_NR_B, 44))
        cxx("k%sKeymatPfs" % tag, keymat(h, skeyid_d, gxy_qm, 3, SPI, QM_NI_B, QM_NR_B, 44))


if __name__ == "__main__":
    compute()
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        sys.exit(check_cxx(sys.argv[2]))
    if len(sys.argv) != 1:
        sys.exit("usage: ike-kat.py [--check SUITE.cc]")
    print_cxx()
