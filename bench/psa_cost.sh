#!/usr/bin/env bash
# What a probabilistic sensitivity analysis costs: bench/psa.yaml (the national 2019-20
# year at 10% of England with the uncertainty block of docs/uncertainty.md; one parameter
# draw per replicate) run with N draws on every core. Prints CPU seconds per draw, wall
# seconds per draw and the time 1,000 draws would take on this machine's cores (projected
# from N; the aim of issue 23 is under 60 s on 2 cores). Figures, not a test.
# Usage: bench/psa_cost.sh [BUILD_DIR] [N] [ARGS...]   (run from the repository root; N
# default 100; ARGS go to iaptsim run, e.g. --set run.psa_draws_per_warm_up=10 for one
# warm-up per 10 draws, docs/uncertainty.md)
set -euo pipefail
b=${1:-build}
n=${2:-100}
shift $(($# < 2 ? $# : 2))
cores=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/time -f "%e %U %S" -o "$tmp/time" \
  "$b/iaptsim" run bench/psa.yaml -o "$tmp/psa" -q --replicates "$n" --threads "$cores" "$@"
read -r wall user sys <"$tmp/time"
awk -v n="$n" -v c="$cores" -v w="$wall" -v u="$user" -v s="$sys" -v a="${*:-a warm-up per draw}" 'BEGIN {
  printf "PSA draws run                       %d (10%% scale, %d threads; %s)\n", n, c, a
  printf "cpu time per draw                   %.3f s\n", (u + s) / n
  printf "wall time per draw                  %.3f s\n", w / n
  printf "1,000 draws, projected              %.0f s wall on %d cores (aim: under 60 s on 2)\n", 1000 * w / n, c
}'
