#!/usr/bin/env bash
# Installs everything ns3-ipsec needs from Debian bookworm's packages.
# Idempotent: when every package is already present it returns at once.
#
#   scripts/setup.sh [--mpi]
#
# --mpi also builds and installs an MPI-enabled ns-3 3.37 from Debian's
# source package (scripts/setup-ns3-mpi.sh: /opt/ns3-3.37-mpi, about 20
# minutes on two cores the first time, at once afterwards), for the
# distributed example and the ipsec-mpi and ipsec-contrib tests.
set -euo pipefail

mpi=false
for arg in "$@"; do
  case "$arg" in
    --mpi) mpi=true ;;
    *) echo "usage: scripts/setup.sh [--mpi]" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

PACKAGES=(
  build-essential cmake pkg-config
  libns3-dev ns3            # ns-3 3.37; "ns3" ships the creator binaries find_package(ns3) needs
  libgsl-dev                # ns-3's core library links GSL
  libssl-dev                # OpenSSL 3 (EVP, legacy provider for DES/Blowfish/CAST)
  zlib1g-dev                # deflate for IPComp
  tshark                    # independent ESP/AH decoder used by the tests
  clang-format
  python3-sphinx graphviz   # the documentation: Sphinx, and dot for its figure (the ipsec-doc test)
  doxygen                   # checks the headers' API documentation (the ipsec-doxygen test)
  python3-scapy             # independent IPsec implementation (the ipsec-scapy-exthdr test)
  python3-cryptography      # scapy's IPsec ciphers and HMACs (only recommended by python3-scapy)
  python3-matplotlib        # scripts/plot-ike-slow.py (the ipsec-ike-slow-study test)
  pybind11-dev python3-dev  # the Python bindings (bindings/: the ns3ipsec package)
  python3-pytest            # the bindings' tests (the ipsec-python test)
  python3-tqdm              # the slow-link study's progress bar
  clang libclang-rt-14-dev  # the fuzzers (fuzz/): clang++ and libFuzzer (libclang_rt.fuzzer)
  valgrind                  # scripts/valgrind-examples.sh (memcheck on the examples)
  # A real IKEv1 peer for the simulated racoon (the ipsec-ike-charon test):
  # strongSwan's charon and swanctl; kernel-libipsec (libcharon-extra-plugins),
  # its userspace IPsec, as the kernel may have no ESP; the openssl plugin
  # (libstrongswan-standard-plugins) for 3DES; ethtool to turn off the veth's
  # checksum offload.  Installing them starts no daemon (see below).
  strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins
  ethtool
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Debian's python3 finds the ns3ipsec package the build writes into
# build/bindings of this checkout: a .pth file in its site directory for
# local packages (rewritten only when it names another checkout).
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -x /usr/bin/python3 ]; then
  site=$(/usr/bin/python3 -c 'import sys; print("/usr/local/lib/python%d.%d/dist-packages" % sys.version_info[:2])')
  pth="$site/ns3ipsec.pth"
  if [ "$(cat "$pth" 2>/dev/null)" != "$repo/build/bindings" ]; then
    $SUDO mkdir -p "$site"
    echo "$repo/build/bindings" | $SUDO tee "$pth" >/dev/null
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  if $mpi; then exec bash "$here/setup-ns3-mpi.sh"; fi
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
# strongswan-starter's postinst would start the ipsec service (charon) where
# an init system runs: a policy-rc.d that refuses keeps it from starting,
# unless the machine already has its own.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
if $mpi; then bash "$here/setup-ns3-mpi.sh"; fi
