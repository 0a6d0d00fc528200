#!/usr/bin/env bash
# What the hooks during treatment and waiting cost, in instructions (callgrind), which other
# work on a shared machine does not inflate: a 2019-20 run (one replicate, one thread, scale
# SCALE, default 0.02) without plugins, with bench/session_hook.lua (on_session at every
# booked session, reading two fields) and with bench/wait_hook.lua (on_wait at 2, 6 and 12
# weeks, reading two fields). Only the simulation is counted (callgrind toggled on
# iapt_sim_run: the plugins' loading per replicate is in it, writing outputs is not).
# Prints each run's instructions, the hook calls, the instructions per call and the ratio
# to the run without plugins; every cost grows with the people simulated, so the ratio is
# that of a national year. Nanoseconds need a quiet machine: bench/plugin_hook_cost.sh
# measures CPU time at scale 1.
# Usage: bench/plugin_hook_callgrind.sh [BUILD_DIR [SCALE]]   (from the repository root)
set -euo pipefail
b=${1:-build}
scale=${2:-0.02}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # name scenario: prints instructions, and the hook calls the plugin logged (0: none)
  valgrind --tool=callgrind --toggle-collect=iapt_sim_run --callgrind-out-file="$tmp/$1.cg" \
    "$b/iaptsim" run "$2" -o "$tmp/$1" --scale "$scale" --replicates 1 --threads 1 >"$tmp/$1.err" 2>&1
  ir=$(awk '/^summary:/ {print $2}' "$tmp/$1.cg")
  calls=$({ grep -o 'calls [0-9]*' "$tmp/$1.err" || true; } | awk '{s += $2} END {print s + 0}')
  echo "$ir $calls"
}
read -r base _ < <(run base scenarios/default.yaml)
read -r sess ns < <(run session bench/session_hook.yaml)
read -r wait nw < <(run wait bench/wait_hook.yaml)
awk -v b="$base" -v s="$sess" -v ns="$ns" -v w="$wait" -v nw="$nw" -v sc="$scale" 'BEGIN {
  printf "2019-20, one replicate, scale %s (instructions of iapt_sim_run)\n", sc
  printf "no plugin                  %14.0f\n", b
  printf "on_session hook            %14.0f  %d calls  %.0f instructions a call  ratio %.2f\n", s, ns, (s - b) / ns, s / b
  printf "on_wait hook (2, 6, 12 wk) %14.0f  %d calls  %.0f instructions a call  ratio %.3f\n", w, nw, nw ? (w - b) / nw : 0, w / b }'
