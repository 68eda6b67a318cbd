# SPDX-License-Identifier: GPL-2.0-only
"""Each Python example (examples/python) prints what its C++ counterpart
(build/examples) prints for the same options, byte for byte: the default run
and the main variants of each (host_to_host.py is checked in
test_bindings.py).  ipsec-ike-peer has no Python counterpart: it needs a real
network interface and root (doc/ipsec.rst, "Python")."""
import os
import subprocess
import sys

import pytest

# (C++ program, Python script, [(C++ option, Python option), ...]) per case.
CASES = [
    ("ipsec-vpn", "vpn.py", []),
    ("ipsec-vpn", "vpn.py", [("--ipv6=true", "--ipv6")]),
    ("ipsec-vpn", "vpn.py", [("--keys=ike", "--keys=ike"), ("--hosts=2", "--hosts=2")]),
    ("ipsec-leaf-node", "leaf_node.py", []),
    ("ipsec-leaf-node", "leaf_node.py", [("--ipv6=true", "--ipv6")]),
    ("ipsec-leaf-node", "leaf_node.py", [("--wifi=true", "--wifi")]),
    ("ipsec-ah-tunnel", "ah_tunnel.py", []),
    ("ipsec-bootstrap", "bootstrap.py", []),
    ("ipsec-bootstrap", "bootstrap.py", [("--configAt=10", "--config-at=10"),
                                         ("--rekeyAt=12", "--rekey-at=12"),
                                         ("--dumpAt=5,15", "--dump-at=5,15")]),
    ("ipsec-pop-policy", "pop_policy.py", []),
    ("ipsec-pop-policy", "pop_policy.py", [("--order=reordered", "--order=reordered"),
                                           ("--outsider=true", "--outsider")]),
    ("ipsec-pop-policy", "pop_policy.py", [("--keys=ike", "--keys=ike"),
                                           ("--local=interface", "--local=interface"),
                                           ("--verbose=true", "--verbose")]),
    ("ipsec-pfkey-daemon", "pfkey_daemon.py", []),
    ("ipsec-pfkey-daemon", "pfkey_daemon.py", [("--delay=40", "--delay=40"),
                                               ("--ipv6=true", "--ipv6")]),
    ("ipsec-ike", "ike.py", []),
    ("ipsec-ike", "ike.py", [("--ipv6=true", "--ipv6"), ("--loss=0.1", "--loss=0.1")]),
    ("ipsec-ike", "ike.py", [("--cpu=Pentium100", "--cpu=Pentium100"),
                             ("--mode=aggressive", "--mode=aggressive"),
                             ("--verbose=false", "--no-verbose")]),
    ("ipsec-ike-slow", "ike_slow.py", []),
    ("ipsec-ike-slow", "ike_slow.py", [("--ipv6=true", "--ipv6"),
                                       ("--cpus=Pentium100", "--cpus=Pentium100"),
                                       ("--phase2Wait=60", "--phase2-wait=60")]),
    ("ipsec-adversary", "adversary.py", []),
    ("ipsec-adversary", "adversary.py", [("--mode=tunnel", "--mode=tunnel")]),
    ("ipsec-adversary", "adversary.py", [("--family=6", "--family=6"),
                                         ("--config=ah", "--config=ah")]),
    ("ipsec-adversary", "adversary.py", [("--family=6", "--family=6"),
                                         ("--mode=tunnel", "--mode=tunnel")]),
]

NATT_CASES = [
    ("ipsec-natt", "natt.py", []),
    ("ipsec-natt", "natt.py", [("--keepalive=0", "--keepalive=0")]),
    ("ipsec-natt", "natt.py", [("--roadWarriors=1", "--road-warriors=1")]),
    ("ipsec-natt", "natt.py", [("--keepalive=0", "--keepalive=0"),
                               ("--ph1Lifetime=150", "--ph1-lifetime=150"),
                               ("--ph2Lifetime=150", "--ph2-lifetime=150")]),
]


def _id(case):
    program, _, options = case
    return program + "".join(" " + cpp for cpp, _ in options)


@pytest.mark.parametrize("case", CASES + NATT_CASES, ids=[_id(c) for c in CASES + NATT_CASES])
def test_python_example_prints_what_the_cpp_example_prints(source_dir, build_dir, case):
    program, script, options = case
    cpp = subprocess.run([os.path.join(build_dir, "examples", program)]
                         + [c for c, _ in options],
                         capture_output=True, text=True, check=True).stdout
    py = subprocess.run([sys.executable, os.path.join(source_dir, "examples", "python", script)]
                        + [p for _, p in options],
                        capture_output=True, text=True, check=True,
                        env=dict(os.environ)).stdout
    assert program + ": " in cpp
    assert py == cpp


@pytest.mark.parametrize("program,script,option", [
    ("ipsec-vpn", "vpn.py", "json"),
    ("ipsec-bootstrap", "bootstrap.py", "json"),
    ("ipsec-pop-policy", "pop_policy.py", "json"),
    ("ipsec-adversary", "adversary.py", "json"),
    ("ipsec-ike-slow", "ike_slow.py", "csv"),
])
def test_python_example_writes_what_the_cpp_example_writes(source_dir, build_dir, tmp_path,
                                                           program, script, option):
    """The summary files (--json, --csv) are the same too."""
    extra = ["--cpus=Reference2020s", "--larvals=30"] if option == "csv" else []
    cpp_file, py_file = tmp_path / ("cpp." + option), tmp_path / ("py." + option)
    subprocess.run([os.path.join(build_dir, "examples", program), f"--{option}={cpp_file}"]
                   + extra, capture_output=True, check=True)
    subprocess.run([sys.executable, os.path.join(source_dir, "examples", "python", script),
                    f"--{option}={py_file}"] + extra, capture_output=True, check=True,
                   env=dict(os.environ))
    assert cpp_file.read_text() == py_file.read_text()
    assert cpp_file.stat().st_size > 100


def test_python_example_refuses_a_bad_script_like_the_cpp_example(source_dir, build_dir,
                                                                  tmp_path):
    """A setkey script with an error: setkey's message on stderr, nothing
    simulated, exit status 1 -- from both."""
    bad = tmp_path / "bad.conf"
    bad.write_text("add 10.0.1.1 10.0.2.1 esp 0x100 -E 3des-cbc 0x12;\n")
    cpp = subprocess.run([os.path.join(build_dir, "examples", "ipsec-vpn"),
                          f"--setkeyGw1={bad}"], capture_output=True, text=True)
    py = subprocess.run([sys.executable, os.path.join(source_dir, "examples", "python", "vpn.py"),
                         f"--setkey-gw1={bad}"], capture_output=True, text=True,
                        env=dict(os.environ))
    assert (cpp.returncode, py.returncode) == (1, 1)
    assert (cpp.stdout, py.stdout) == ("", "")
    assert "The simulation was not started." in py.stderr
    assert cpp.stderr == py.stderr
