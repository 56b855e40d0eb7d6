#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang-14, ASan + UBSan) in build-fuzz
# and runs each one for SECONDS (default 20). Exits non-zero if any target
# crashes, leaks, hits a sanitizer report or breaks a harness invariant; the
# input that did it is saved under build-fuzz/artifacts/<target>/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 3600 gitlab
# FUZZ_NO_BUILD=1 skips the build (parallel runs of targets built already).
set -uo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-20}
shift $(( $# > 0 ? 1 : 0 ))
if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || (( SECONDS_PER_TARGET < 1 )); then
  echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
  exit 2
fi
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${FUZZ_BUILD_JOBS:-2}
CC_BIN=${FUZZ_CC:-clang-14}
CXX_BIN=${FUZZ_CXX:-clang++-14}
# The largest fixture is ~21 KB; room for mutations around it.
MAX_LEN=${FUZZ_MAX_LEN:-65536}

for tool in "$CC_BIN" "$CXX_BIN" cmake ninja; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "fuzz: $tool not found (scripts/setup.sh installs clang-14 and libclang-rt-14-dev)" >&2
    exit 1
  fi
done

# Targets: every fuzz/<name>_fuzz.cpp, or the names given.
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for f in fuzz/*_fuzz.cpp; do
    n=$(basename "$f" _fuzz.cpp)
    targets+=("$n")
  done
fi

build_failed=()
if [[ -n "${FUZZ_NO_BUILD:-}" ]]; then
  echo "fuzz: FUZZ_NO_BUILD set, using the targets in $BUILD_DIR as built"
else
  echo "fuzz: building ${targets[*]} in $BUILD_DIR"
  if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
    mkdir -p "$BUILD_DIR"
    CC="$CC_BIN" CXX="$CXX_BIN" cmake -S fuzz -B "$BUILD_DIR" -G Ninja \
      -DCMAKE_BUILD_TYPE=None >"$BUILD_DIR/configure.log" 2>&1 || {
      cat "$BUILD_DIR/configure.log" >&2
      echo "fuzz: configure failed" >&2
      exit 1
    }
  fi
  # One target at a time, so a target that does not build (or has no line in
  # fuzz/CMakeLists.txt) fails alone and the others still run.
  for n in "${targets[@]}"; do
    if ! cmake --build "$BUILD_DIR" -j"$JOBS" --target "${n}_fuzz"; then
      echo "fuzz: building ${n}_fuzz failed" >&2
      build_failed+=("$n")
    fi
  done
fi

# Leak checks stay on; a leak fails the run like a crash.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
for n in "${targets[@]}"; do
  bin="$BUILD_DIR/${n}_fuzz"
  corpus="$BUILD_DIR/corpus/$n"      # grows run after run; not committed
  artifacts="$BUILD_DIR/artifacts/$n/"
  log="$BUILD_DIR/${n}.log"
  if [[ ! -x "$bin" || " ${build_failed[*]} " == *" $n "* ]]; then
    echo "fuzz: $bin was not built (see the build output above; a new fuzz/${n}_fuzz.cpp needs its line in fuzz/CMakeLists.txt)" >&2
    failed+=("$n")
    summary+=("$n: not built")
    continue
  fi
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  [[ -d "fuzz/corpus/$n" ]] && seeds+=("fuzz/corpus/$n")
  [[ -d "tests/fixtures/$n" ]] && seeds+=("tests/fixtures/$n")
  dict=()
  [[ -f fuzz/webhooks.dict ]] && dict=(-dict=fuzz/webhooks.dict)
  echo "=== fuzz $n: ${SECONDS_PER_TARGET}s (seeds: ${seeds[*]:-none})"
  run_target() {
    "$bin" -max_total_time="$SECONDS_PER_TARGET" -max_len="$MAX_LEN" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts" "${dict[@]}" \
      "$corpus" "${seeds[@]}" >"$log" 2>&1
  }
  run_target
  rc=$?
  # LeakSanitizer needs ptrace; some containers forbid it. That is the
  # sandbox, not a finding: run again without leak checks and say so.
  if [[ $rc -ne 0 ]] && grep -q "LeakSanitizer has encountered a fatal error" "$log"; then
    echo "fuzz: LeakSanitizer cannot run here (ptrace denied); $n runs without leak checks"
    ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" run_target
    rc=$?
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  units=$(find "$corpus" -type f | wc -l)
  line="$n: ${runs:-?} runs, ${speed:-?} exec/s, cov ${cov:-?}, corpus $units files"
  if [[ $rc -ne 0 ]]; then
    line="$line, FAILED (exit $rc)"
    failed+=("$n")
    echo "--- $n failed; the end of $log:"
    tail -n 60 "$log"
    for a in "$artifacts"*; do
      [[ -f "$a" ]] && echo "reproduce: $bin $a"
    done
  fi
  echo "$line"
  summary+=("$line")
done

echo
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${SECONDS_PER_TARGET}s without a finding"
