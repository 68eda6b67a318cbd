#!/usr/bin/env bash
# Runs every example program (and the setkey tool) under valgrind's memcheck
# with short simulations and reports per run: any memory error or leak
# (valgrind --error-exitcode=1 --leak-check=full) or a non-zero exit fails it.
#
#   scripts/valgrind-examples.sh [BUILD_DIR [LOG_DIR]]
#
# BUILD_DIR is a normal build (default: build; build it first with the
# README's command); the logs go to LOG_DIR (default BUILD_DIR/valgrind).
# VALGRIND_ONLY (a regular expression) runs only the runs whose label
# matches it.  Exit status: 0 when every run is clean, 1 otherwise, 77 when
# valgrind is missing (Debian: apt-get install valgrind; scripts/setup.sh
# installs it).  Not part of the CTest suite (the whole script takes about
# 5 minutes on two cores, where the same runs take 3 s without valgrind);
# see the README, "Sanitizers and valgrind".
#
# ipsec-ike-peer is not run: it attaches a node to a real Linux interface
# (the ipsec-ike-charon test runs it, as root, in network namespaces).
#
# scripts/valgrind.supp suppresses what ns-3 3.37 itself (Debian's build,
# not this project) allocates once and never frees; each entry says why.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/.." && pwd)"
build=${1:-$top/build}
only=${VALGRIND_ONLY:-}

if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind-examples: SKIPPED: valgrind not found (apt-get install valgrind)"
  exit 77
fi
if ! build="$(cd "$build" 2>/dev/null && pwd)"; then
  echo "valgrind-examples: no build directory ${1:-$top/build} (build the project first)"
  exit 1
fi
logs=${2:-$build/valgrind}
mkdir -p "$logs"
logs="$(cd "$logs" && pwd)"

# label | program (relative to BUILD_DIR) | arguments: short runs of every
# example, IPv4 and IPv6, manual keys and IKE.
runs=(
  "vpn|examples/ipsec-vpn|--tcpBytes=20000"
  "vpn-v6|examples/ipsec-vpn|--ipv6=true --tcpBytes=20000"
  "vpn-ike|examples/ipsec-vpn|--keys=ike --tcpBytes=20000"
  "host-to-host-3des|examples/ipsec-host-to-host|--tcpBytes=20000"
  "host-to-host-ah-esp-v6|examples/ipsec-host-to-host|--config=ah-esp --ipv6=true --tcpBytes=20000"
  "host-to-host-esp-auth|examples/ipsec-host-to-host|--config=esp-auth --tcpBytes=20000"
  "leaf-node|examples/ipsec-leaf-node|--tcpBytes=20000"
  "leaf-node-wifi-v6|examples/ipsec-leaf-node|--wifi=true --ipv6=true --tcpBytes=20000"
  "ah-tunnel|examples/ipsec-ah-tunnel|"
  "pop-policy|examples/ipsec-pop-policy|--mailBytes=2000 --outsider=true"
  "pop-policy-ike|examples/ipsec-pop-policy|--mailBytes=2000 --keys=ike"
  "bootstrap|examples/ipsec-bootstrap|--duration=5 --rekeyAt=3"
  "pfkey-daemon|examples/ipsec-pfkey-daemon|--pings=5 --verbose=false"
  "pfkey-daemon-v6|examples/ipsec-pfkey-daemon|--pings=5 --verbose=false --ipv6=true"
  "ike|examples/ipsec-ike|--pings=5"
  "ike-aggressive-v6|examples/ipsec-ike|--pings=5 --mode=aggressive --ipv6=true"
  "ike-slow|examples/ipsec-ike-slow|--cpus=Reference2020s,MipsR3000_25MHz --groups=2 --delays=10ms --losses=0 --larvals=30 --pings=20"
  "setkey-tool|tools/ipsec-setkey|-f $top/examples/vpn/gw1.conf -D -DP --lint"
)

failed=()
passed=0
for run in "${runs[@]}"; do
  IFS='|' read -r label program args <<<"$run"
  if [ -n "$only" ] && ! [[ "$label" =~ $only ]]; then
    continue
  fi
  bin="$build/$program"
  if [ ! -x "$bin" ]; then
    echo "valgrind-examples: $label: $bin not built"
    failed+=("$label")
    continue
  fi
  log="$logs/$label.log"
  start=$SECONDS
  # shellcheck disable=SC2086
  (cd "$logs" && valgrind --error-exitcode=1 --leak-check=full --show-leak-kinds=definite \
      --errors-for-leak-kinds=definite --track-origins=yes \
      --suppressions="$here/valgrind.supp" --log-file="$log.valgrind" \
      "$bin" $args >"$log" 2>&1)
  status=$?
  summary=$(grep -hs "ERROR SUMMARY" "$log.valgrind" | tail -n 1 | sed 's/^==[0-9]*== //')
  lost=$(grep -hs "definitely lost:" "$log.valgrind" | tail -n 1 | sed 's/^==[0-9]*== *//')
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "valgrind-examples: $label: clean ($((SECONDS - start)) s; $summary; ${lost:-no leaks})"
  else
    failed+=("$label")
    echo "valgrind-examples: $label: FAILED, exit status $status ($((SECONDS - start)) s; $summary; ${lost:-})"
    echo "  valgrind's report: $log.valgrind; the program's output: $log"
  fi
done

echo "valgrind-examples: $passed clean, ${#failed[@]} failed${failed:+: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
