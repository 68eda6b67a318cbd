#!/usr/bin/env bash
# The ipsec-fuzz CTest test: builds the fuzzers of this directory in a
# separate sub-build with clang++ and runs each of them for a bounded number
# of inputs from its seed corpus; any crash, sanitizer report or leak fails.
#
#   run-fuzzers.sh FUZZ_SOURCE_DIR WORK_DIR
#
# Exit status 77 (CTest's SKIP_RETURN_CODE) when clang++ or libFuzzer is
# missing (Debian: apt-get install clang libclang-rt-14-dev).  The sub-build
# in WORK_DIR/build is kept, so later runs only rebuild what changed.
# IPSEC_FUZZ_RUNS (default 20000) sets the inputs per fuzzer and
# IPSEC_FUZZ_SECONDS (default 30) caps each fuzzer's time; a fuzzer
# registered with its own number of runs (ipsec_add_fuzzer ... RUNS n: the
# IKE daemon's, whose inputs are whole simulations) runs exactly that many
# (IPSEC_FUZZ_SLOW_RUNS overrides it), capped only by
# IPSEC_FUZZ_SLOW_SECONDS (default 600) as a safety net.
# IPSEC_FUZZ_LAUNCHER (e.g. ccache) is the sub-build's compiler launcher.
# A crashing input is kept in WORK_DIR/artifacts; reproduce it with
#   WORK_DIR/build/NAME-fuzzer WORK_DIR/artifacts/crash-...
set -uo pipefail

src=${1:?usage: run-fuzzers.sh FUZZ_SOURCE_DIR WORK_DIR}
work=${2:?usage: run-fuzzers.sh FUZZ_SOURCE_DIR WORK_DIR}
runs=${IPSEC_FUZZ_RUNS:-20000}
seconds=${IPSEC_FUZZ_SECONDS:-30}
slow_seconds=${IPSEC_FUZZ_SLOW_SECONDS:-600}
skip=77

cxx=${IPSEC_FUZZ_CXX:-$(command -v clang++ || true)}
if [ -z "$cxx" ]; then
  echo "ipsec-fuzz: SKIPPED: clang++ not found (apt-get install clang libclang-rt-14-dev)"
  exit $skip
fi
mkdir -p "$work"
probe="$work/probe"
cat > "$probe.cc" <<'EOF'
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }
EOF
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe.cc" -o "$probe" >"$probe.log" 2>&1; then
  echo "ipsec-fuzz: SKIPPED: $cxx cannot link libFuzzer (apt-get install libclang-rt-14-dev):"
  cat "$probe.log"
  exit $skip
fi

build="$work/build"
launcher=()
if [ -n "${IPSEC_FUZZ_LAUNCHER:-}" ] && command -v "${IPSEC_FUZZ_LAUNCHER}" >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER="$IPSEC_FUZZ_LAUNCHER")
fi
if ! cmake -S "$src" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" \
    >"$work/configure.log" 2>&1; then
  cat "$work/configure.log"
  echo "ipsec-fuzz: configuring the fuzzers failed"
  exit 1
fi
if ! cmake --build "$build" -j2 >"$work/build.log" 2>&1; then
  tail -n 50 "$work/build.log"
  echo "ipsec-fuzz: building the fuzzers failed"
  exit 1
fi

artifacts="$work/artifacts"
mkdir -p "$artifacts"
failed=0
count=0
while read -r name seeds fruns dict; do
  [ -n "$name" ] || continue
  count=$((count + 1))
  corpus="$work/corpus/$name"
  rm -rf "$corpus"
  mkdir -p "$corpus"
  if [ "$fruns" = "-" ]; then
    n=$runs
    cap=$seconds
  else
    n=${IPSEC_FUZZ_SLOW_RUNS:-$fruns}
    cap=$slow_seconds
  fi
  args=(-runs="$n" -max_total_time="$cap" -timeout=10 -rss_limit_mb=4096
        -seed=1 -print_final_stats=1 -artifact_prefix="$artifacts/$name-")
  if [ -n "$dict" ]; then
    args+=(-dict="$dict")
  fi
  dirs=("$corpus")
  if [ -d "$seeds" ]; then
    dirs+=("$seeds")
  fi
  echo "ipsec-fuzz: $name ${args[*]} ${dirs[*]}"
  if "$build/$name" "${args[@]}" "${dirs[@]}" >"$work/$name.log" 2>&1; then
    grep -E "^(stat::number_of_executed_units|Done )" "$work/$name.log"
  else
    tail -n 60 "$work/$name.log"
    echo "ipsec-fuzz: $name FAILED; the input is in $artifacts (reproduce: $build/$name FILE)"
    failed=1
  fi
done <"$build/fuzzers.txt"

if [ "$count" -eq 0 ]; then
  echo "ipsec-fuzz: no fuzzer listed in $build/fuzzers.txt"
  exit 1
fi
exit $failed
