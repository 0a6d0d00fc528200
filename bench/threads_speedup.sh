#!/usr/bin/env bash
# Replicates on threads: scenarios/default.yaml (20 replicates at 5% of England) with 1 and
# 2 threads; wall time best of 3 each, the speed-up, and whether the files are identical.
# Beside it, the machine's own ceiling: the same work as two independent one-thread
# processes of 10 replicates each, run at once (no shared memory, no shared anything in
# the program); when that is no faster than 2 threads, the machine (a virtual one's
# shared cores) and not the program limits the speed-up.
# Usage: bench/threads_speedup.sh [BUILD_DIR]   (run from the repository root)
set -euo pipefail
b=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
t() { wall "$b/iaptsim" run scenarios/default.yaml -o "$tmp/t$1" -q --threads "$1"; }
half() { "$b/iaptsim" run scenarios/default.yaml -o "$tmp/h$1" -q --threads 1 --replicates 10 --seed "$1"; }
procs() {
  local s e
  s=$(date +%s.%N)
  half 1 >&2 &
  half 2 >&2
  wait
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN {print e - s}'
}
one=$(best 3 t 1)
two=$(best 3 t 2)
pp=$(best 3 procs)
echo "20 replicates, 1 thread             $one s (best of 3)"
echo "20 replicates, 2 threads            $two s (best of 3)"
awk -v a="$one" -v b="$two" 'BEGIN {printf "speed-up                            %.2f\n", a / b}'
echo "2 processes x 10 replicates        $pp s (best of 3, run at once: the machine's ceiling)"
awk -v a="$one" -v b="$pp" 'BEGIN {printf "speed-up of 2 processes             %.2f\n", a / b}'
echo "files identical (1 vs 2 threads)    $(same_results "$tmp/t1" "$tmp/t2")"
