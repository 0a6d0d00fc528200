#!/bin/bash
# Run every fuzz target for SECONDS each under ASan and UBSan (a build with -DIAPTSIM_FUZZ=ON),
# starting from the seed corpus in the repository. Fails on any finding; the input that
# caused it is left in BUILD/fuzz-artifacts. Prints the executions each target reached.
# Usage: fuzz/run.sh BUILD SECONDS
set -u
mkdir -p "$1" && build=$(cd "$1" && pwd)
secs=$2
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/fuzz-artifacts"
status=0
run() { # name dict seed-dir...
  local name=$1 dict=$2; shift 2
  local corpus="$build/fuzz-corpus/$name"
  mkdir -p "$corpus"
  local args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
              -artifact_prefix="$build/fuzz-artifacts/$name-")
  [ -n "$dict" ] && args+=(-dict="$dict")
  # the working corpus first: libFuzzer adds what it finds there, the seed folders are only read
  (cd "$build" && ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "./fuzz_$name" "${args[@]}" "$corpus" "$@") >"$build/fuzz-$name.log" 2>&1
  local rc=$?
  local execs
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz-$name.log" | grep -o '[0-9]*$')
  echo "fuzz $name: ${execs:-?} executions in ${secs} s, corpus $(ls "$corpus" | wc -l) inputs, exit $rc"
  if [ $rc -ne 0 ]; then
    echo "fuzz $name: FINDING (log: $build/fuzz-$name.log)"
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$build/fuzz-$name.log" | head -20
    status=1
  fi
}
# a scenario's include: and plugins: are read relative to fuzz.yaml, that is from $build
run scenario "$src/fuzz/scenario.dict" "$src/tests/data" "$src/scenarios"
run targets "" "$src/tests/data/targets" "$src/data"
run nhstt "" "$src/tests/data/nhstt" "$src/tests/data/targets"
exit $status
