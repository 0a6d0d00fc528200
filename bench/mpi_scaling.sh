#!/usr/bin/env bash
# MPI scaling: scenarios/default.yaml (20 replicates at 5% of England), one thread per rank,
# under mpirun with 1 and 2 ranks; wall time best of 3 each, the speed-up, and whether the
# files are identical. Usage: bench/mpi_scaling.sh [MPI_BUILD_DIR]  (make build-mpi first)
set -euo pipefail
root=$(pwd)
bin=$root/${1:-build-mpi}/iaptsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpi=(mpirun --oversubscribe)
[ "$(id -u)" = 0 ] && mpi+=(--allow-run-as-root)
. "$(dirname "$0")/lib.sh"
t() { mkdir -p "$tmp/n$1" && cd "$tmp/n$1" && wall "${mpi[@]}" -n "$1" "$bin" run "$root/scenarios/default.yaml" -o out -q --threads 1; }
one=$(best 3 t 1)
two=$(best 3 t 2)
echo "20 replicates, 1 rank (1 thread)    $one s (best of 3, mpirun included)"
echo "20 replicates, 2 ranks (1 thread)   $two s (best of 3, mpirun included)"
awk -v a="$one" -v b="$two" 'BEGIN {printf "speed-up                            %.2f\n", a / b}'
echo "files identical (1 vs 2 ranks)      $(same_results "$tmp/n1/out" "$tmp/n2/out")"
