#!/usr/bin/env bash
# The ipsec-fuzz CTest test: builds the fuzzers of this directory in a
# separate sub-build with clang++ and runs each of them for a fixed number
# of inputs from its seed corpus; any crash, sanitizer report or leak fails,
# and so does a fuzzer that ran fewer inputs than asked.
#
#   run-fuzzers.sh FUZZ_SOURCE_DIR WORK_DIR
#
# Exit status 77 (CTest's SKIP_RETURN_CODE) when clang++ or libFuzzer is
# missing (Debian: apt-get install clang libclang-rt-14-dev).  The sub-build
# in WORK_DIR/build is kept, so later runs only rebuild what changed.
#
# The bound of every run is its number of inputs (libFuzzer's -runs), never
# the time: IPSEC_FUZZ_RUNS (default 20000) inputs per fuzzer, but a fuzzer
# registered with its own number (ipsec_add_fuzzer ... RUNS n: those whose
# every input is a whole simulation) runs exactly that many
# (IPSEC_FUZZ_SLOW_RUNS, when set, overrides all of those).  Each fuzzer's
# statistics (-print_final_stats=1) must show at least that many executed
# inputs (stat::number_of_executed_units), else the test fails: a run that
# a time limit cut short is a failure, not a pass.  IPSEC_FUZZ_SECONDS
# (default 1200) is only a safety net against a hung fuzzer: libFuzzer's
# -max_total_time for each run, far above what the inputs take.
# IPSEC_FUZZ_ONLY (a regular expression) runs only the fuzzers whose name
# matches it.
# IPSEC_FUZZ_LAUNCHER (e.g. ccache) is the sub-build's compiler launcher.
# A crashing input is kept in WORK_DIR/artifacts; reproduce it with
#   WORK_DIR/build/NAME-fuzzer WORK_DIR/artifacts/crash-...
set -uo pipefail

src=${1:?usage: run-fuzzers.sh FUZZ_SOURCE_DIR WORK_DIR}
work=${2:?usage: run-fuzzers.sh FUZZ_SOURCE_DIR WORK_DIR}
runs=${IPSEC_FUZZ_RUNS:-20000}
seconds=${IPSEC_FUZZ_SECONDS:-1200}
only=${IPSEC_FUZZ_ONLY:-}
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
  if [ -n "$only" ] && ! [[ "$name" =~ $only ]]; then
    continue
  fi
  count=$((count + 1))
  corpus="$work/corpus/$name"
  rm -rf "$corpus"
  mkdir -p "$corpus"
  if [ "$fruns" = "-" ]; then
    n=$runs
  else
    n=${IPSEC_FUZZ_SLOW_RUNS:-$fruns}
  fi
  args=(-runs="$n" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096
        -seed=1 -print_final_stats=1 -artifact_prefix="$artifacts/$name-")
  if [ -n "$dict" ]; then
    args+=(-dict="$dict")
  fi
  dirs=("$corpus")
  if [ -d "$seeds" ]; then
    dirs+=("$seeds")
  fi
  echo "ipsec-fuzz: $name ${args[*]} ${dirs[*]}"
  start=$SECONDS
  if "$build/$name" "${args[@]}" "${dirs[@]}" >"$work/$name.log" 2>&1; then
    executed=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$work/$name.log" | tail -n 1)
    grep -E "^(stat::number_of_executed_units|Done )" "$work/$name.log"
    if [ -z "$executed" ] || [ "$executed" -lt "$n" ]; then
      tail -n 20 "$work/$name.log"
      echo "ipsec-fuzz: $name FAILED: executed ${executed:-no} inputs of the $n asked" \
           "(the ${seconds} s safety net cut it short: IPSEC_FUZZ_SECONDS)"
      failed=1
    else
      echo "ipsec-fuzz: $name: $executed inputs in $((SECONDS - start)) s"
    fi
  else
    tail -n 60 "$work/$name.log"
    echo "ipsec-fuzz: $name FAILED; the input is in $artifacts (reproduce: $build/$name FILE)"
    failed=1
  fi
done <"$build/fuzzers.txt"

if [ "$count" -eq 0 ]; then
  echo "ipsec-fuzz: no fuzzer listed in $build/fuzzers.txt (or none matched IPSEC_FUZZ_ONLY)"
  exit 1
fi
exit $failed
