#!/usr/bin/env bash
# What an on_referral hook costs: the national year (scale 1, about 3.4 million referrals
# with the warm-up year) without plugins, and with bench/referral_hook.lua, which reads
# two person fields and counts into a metric at every referral. Prints both CPU times
# (best of 5; CPU rather than wall time, which other work on a shared machine inflates),
# their ratio (the aim: <= 1.5) and the cost per hook call.
# Usage: bench/plugin_hook_cost.sh [BUILD_DIR]   (run from the repository root)
set -euo pipefail
b=${1:-build}
. "$(dirname "$0")/lib.sh"
t() { "$b/bench_national" "$1" | awk '/^wall time/ {next} /^cpu time/ {print $3} /^referrals simulated/ {print $3 > "/dev/stderr"}' 2>"${2:-/dev/null}"; }
n=$(mktemp)
trap 'rm -f "$n"' EXIT
p=$(best 5 t scenarios/default.yaml)
h=$(best 5 t bench/referral_hook.yaml "$n")
echo "national year, no plugin            $p s (best of 5, CPU)"
echo "with an on_referral hook            $h s (best of 5, CPU)"
awk -v p="$p" -v h="$h" -v n="$(cat "$n")" 'BEGIN {
  printf "ratio                               %.2f\n", h / p
  printf "hook calls (referrals simulated)    %d\n", n
  printf "cost per hook call                  %.0f ns\n", (h - p) / n * 1e9 }'
