#!/usr/bin/env bash
# Replicates on threads: scenarios/default.yaml (20 replicates at 5% of England) with 1 and
# 2 threads; wall time best of 3 each, the speed-up, and whether the files are identical.
# Usage: bench/threads_speedup.sh [BUILD_DIR]   (run from the repository root)
set -euo pipefail
b=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
t() { wall "$b/iaptsim" run scenarios/default.yaml -o "$tmp/t$1" -q --threads "$1"; }
one=$(best 3 t 1)
two=$(best 3 t 2)
echo "20 replicates, 1 thread             $one s (best of 3)"
echo "20 replicates, 2 threads            $two s (best of 3)"
awk -v a="$one" -v b="$two" 'BEGIN {printf "speed-up                            %.2f\n", a / b}'
echo "files identical (1 vs 2 threads)    $(same_results "$tmp/t1" "$tmp/t2")"
