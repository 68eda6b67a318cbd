# SPDX-License-Identifier: GPL-2.0-only
"""The slow-link study (studies/slow_link.py, ns3ipsec.slowlink) and the
payload traffic under it (ns3ipsec.payload), held to hand computations."""
import csv
import os
import subprocess
import sys

import pytest

import ns3ipsec as ipsec
from ns3ipsec import slowlink

SIZE = 1000             # UDP payload bytes of the study's datagrams
INNER = 20 + 8 + SIZE   # the datagram host 1 sends: IPv4, UDP, payload
PPP = 2                 # the point-to-point link's header


def padded(n, block):
    """ESP's payload (n bytes and the 2-byte trailer) padded to KAME's
    boundary, max(block, 4)."""
    boundary = max(block, 4)
    return -(-(n + 2) // boundary) * boundary


# Bytes per datagram on the WAN, by hand: outer IPv4 20, the ESP header 8,
# the IV, the inner datagram with its trailer padded, the ICV (hmac-md5 and
# hmac-sha1: 96 bits; GCM: 16 bytes); AH: 12 bytes and a 96-bit ICV.
WIRE = {
    "plain": INNER + PPP,
    "esp-3des-md5": 20 + 8 + 8 + padded(INNER, 8) + 12 + PPP,
    "esp-aes-sha1": 20 + 8 + 16 + padded(INNER, 16) + 12 + PPP,
    "esp-null-sha1": 20 + 8 + 0 + padded(INNER, 1) + 12 + PPP,
    "esp-aes-gcm": 20 + 8 + 8 + padded(INNER, 1) + 16 + PPP,
    "ah-sha1": 20 + 12 + 12 + INNER + PPP,
}


def test_hand_computed_sizes():
    # The numbers the formulas give, written out once: a broken formula
    # above fails here before it could agree with a broken model.
    assert WIRE == {"plain": 1030, "esp-3des-md5": 1082, "esp-aes-sha1": 1098,
                    "esp-null-sha1": 1074, "esp-aes-gcm": 1086, "ah-sha1": 1074}


@pytest.mark.parametrize("config", sorted(WIRE))
def test_bytes_on_the_wire_by_hand(config):
    """Every configuration's datagram on the WAN has the hand-computed size,
    and at 64 kbit/s the link carries exactly rate x payload / wire bytes."""
    row = slowlink.run_case(config, "64kbps", "random", "Reference2020s", warmup=150,
                            measure=100)
    assert row["complete"] and row["corrupted"] == 0
    assert row["bottleneck"] == "link"
    assert row["wire_bytes_per_datagram"] == WIRE[config]
    # Back to back on the link: arrivals exactly one frame time apart.
    assert row["goodput_bps"] == pytest.approx(64000 * SIZE / WIRE[config], rel=1e-6)


def test_esp_goodput_ratio_is_payload_over_wire_bytes():
    """ESP 3des-cbc + hmac-md5 against plaintext on a slow link: the goodput
    ratio is the ratio of the frames, 1030 / 1082, within 1e-6."""
    # At twice the link's rate the link's queue of 100 fills by the 200th
    # arrival: the warm-up is past it.
    plain = slowlink.run_case("plain", "64kbps", "random", "Reference2020s", warmup=250,
                              measure=200)
    esp = slowlink.run_case("esp-3des-md5", "64kbps", "random", "Reference2020s", warmup=250,
                            measure=200)
    assert esp["goodput_bps"] / plain["goodput_bps"] == pytest.approx(1030 / 1082, rel=1e-6)
    # Offered at twice the link: the link's queue is full, so every
    # measured datagram waited for 100 frames ahead of it (and the link's
    # and LANs' delays); half of what was offered was lost.
    frame = 1082 * 8 / 64000
    assert esp["delay_median_s"] == pytest.approx(101 * frame + 0.0102, rel=0.01)
    assert esp["loss"] == pytest.approx(0.5, abs=0.01)


def test_same_case_same_row():
    first = slowlink.run_case("ipcomp-esp-aes-sha1", "1Mbps", "random", "Pentium100",
                              warmup=100, measure=50)
    again = slowlink.run_case("ipcomp-esp-aes-sha1", "1Mbps", "random", "Pentium100",
                              warmup=100, measure=50)
    assert first == again


def test_ah_through_a_cpu_bound_gateway():
    """AH over IPv4 through a gateway whose crypto queue holds datagrams: each
    outer header's identification, which the ICV covers, is decided when the
    datagram is queued and sent as decided, so the receiver authenticates
    every one (the model once peeked it then, and all but the first failed)."""
    row = slowlink.run_case("ah-sha1", "100Mbps", "random", "Pentium100", warmup=300,
                            measure=100)
    assert row["complete"] and row["gw2_auth_failures"] == 0


@pytest.fixture(scope="module")
def quick_rows(tmp_path_factory):
    """studies/slow_link.py --quick, as a user runs it."""
    out = tmp_path_factory.mktemp("slow-link")
    # The package this test imported, whatever the working directory.
    package = os.path.dirname(os.path.dirname(os.path.abspath(ipsec.__file__)))
    source = os.environ.get("NS3IPSEC_SOURCE_DIR",
                            os.path.join(os.path.dirname(__file__), "..", ".."))
    r = subprocess.run([sys.executable, os.path.join(source, "studies", "slow_link.py"),
                        "--quick", "--out", str(out)], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=package), cwd=str(out))
    assert r.returncode == 0, r.stderr
    with open(out / "slow-link.csv") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        rows = list(reader)
    return out, header, rows


def pick(rows, config, rate, content, profile):
    (row,) = [r for r in rows if (r["config"], r["rate"], r["payload"], r["profile"])
              == (config, rate, content, profile)]
    return row


def test_quick_study_csv(quick_rows):
    out, header, rows = quick_rows
    assert header == slowlink.COLUMNS
    assert len(rows) == 2 * 3 * 2 * 2
    assert all(r["complete"] == "True" and r["corrupted"] == "0" for r in rows)
    assert sorted(os.listdir(out / "setkey")) == [
        "gw1-esp-aes-sha1.conf", "gw1-ipcomp-esp-aes-sha1.conf",
        "gw2-esp-aes-sha1.conf", "gw2-ipcomp-esp-aes-sha1.conf"]
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return
    for png in ("slow-link.png", "slow-link-delay.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_quick_study_the_same_numbers_in_process(quick_rows):
    """The CSV (another process) holds what run_case computes here."""
    _, _, rows = quick_rows
    row = slowlink.run_case("ipcomp-esp-aes-sha1", "64kbps", "text", "Pentium100",
                            warmup=600, measure=100)
    assert pick(rows, "ipcomp-esp-aes-sha1", "64k", "text", "Pentium100") == \
        {k: (f"{v:.9g}" if isinstance(v, float) else str(v)) for k, v in row.items()}


@pytest.mark.parametrize("profile", ["Reference2020s", "Pentium100"])
def test_ipcomp_pays_on_a_slow_link_with_text_only(quick_rows, profile):
    _, _, rows = quick_rows
    g = {(c, p): float(pick(rows, c, "64k", p, profile)["goodput_bps"])
         for c in ("esp-aes-sha1", "ipcomp-esp-aes-sha1") for p in ("text", "random")}
    # Text shrinks to about half: IPComp+ESP carries about 1.7 times ESP's goodput.
    assert g["ipcomp-esp-aes-sha1", "text"] > 1.5 * g["esp-aes-sha1", "text"]
    # Random bytes do not shrink: sent as IP-in-IP inside ESP, the same
    # bytes as ESP's tunnel, so no gain (and no loss on the link).
    assert g["ipcomp-esp-aes-sha1", "random"] == pytest.approx(g["esp-aes-sha1", "random"],
                                                              rel=1e-9)
    wire = float(pick(rows, "ipcomp-esp-aes-sha1", "64k", "random", profile)
                 ["wire_bytes_per_datagram"])
    assert wire == WIRE["esp-aes-sha1"]


def test_slow_cpu_caps_goodput_at_fast_rates(quick_rows):
    _, _, rows = quick_rows
    for config in ("esp-aes-sha1", "ipcomp-esp-aes-sha1"):
        for content in ("text", "random"):
            fast = pick(rows, config, "100M", content, "Reference2020s")
            slow = pick(rows, config, "100M", content, "Pentium100")
            assert fast["bottleneck"] == "link" and slow["bottleneck"] == "cpu"
            assert float(slow["goodput_bps"]) < 0.25 * float(fast["goodput_bps"])
            # The slow sending gateway computes all the time and its crypto
            # queue overflows; the fast receiving gateway idles most of the
            # time (the fast sending gateway may not: at twice the link's
            # capacity it also protects the datagrams the link's queue drops).
            assert float(slow["cpu_busy_gw1"]) == pytest.approx(1.0, abs=1e-6)
            assert int(slow["gw1_crypto_drops"]) > 0
            assert float(fast["cpu_busy_gw2"]) < 0.5
    # Where the CPU is the bottleneck, IPComp's deflate costs more than it saves.
    assert float(pick(rows, "ipcomp-esp-aes-sha1", "100M", "text", "Pentium100")["goodput_bps"]) \
        < float(pick(rows, "esp-aes-sha1", "100M", "text", "Pentium100")["goodput_bps"])
    # Plaintext does not touch the CPU: link-bound whatever the profile.
    for profile in ("Reference2020s", "Pentium100"):
        plain = pick(rows, "plain", "100M", "text", profile)
        assert float(plain["goodput_bps"]) == pytest.approx(100e6 * SIZE / WIRE["plain"],
                                                            rel=1e-6)
