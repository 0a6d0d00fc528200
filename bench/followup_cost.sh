#!/usr/bin/env bash
# What follow-up after discharge costs: the national year with the pathway alone
# (followup.years=0: no follow-up, no drain) against the default 5 years of monthly
# follow-up on both paths. Prints both wall times and their ratio (the aim: <= 1.5).
# Usage: bench/followup_cost.sh [BUILD_DIR]   (run from the repository root)
set -euo pipefail
b=${1:-build}
. "$(dirname "$0")/lib.sh"
t() { "$b/bench_national" scenarios/default.yaml "$@" | awk '/^wall time/ {print $3}'; }
p=$(best 3 t followup.years=0)
f=$(best 3 t)
echo "pathway alone (followup.years=0)   $p s (best of 3)"
echo "with 5 years of follow-up          $f s (best of 3)"
awk -v p="$p" -v f="$f" 'BEGIN {printf "ratio                              %.2f\n", f / p}'
