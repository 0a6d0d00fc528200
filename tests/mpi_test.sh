#!/bin/bash
# MPI: the output of mpirun -n 2 is byte-identical to a single process's (run, with plugins,
# their groups and categories, and parameter uncertainty, and with draws sharing warm-ups; compare; sensitivity), and a failure on one rank ends the job
# with the message and no output. Usage: mpi_test.sh IAPTSIM_MPI SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$(readlink -f "$1")
src=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpi=(mpirun --oversubscribe -n 2)
[ "$(id -u)" = 0 ] && mpi+=(--allow-run-as-root)
cd "$src" || exit 1

cat >"$tmp/psa.yaml" <<YAML
iaptsim: 1
name: MPI test
years: [2019, 2020]
seed: 17
replicates: 5
population_scale: 0.005
uncertainty:
  treatment.effect_li: {dist: normal, mean: 0.086, sd: 0.01}
  cost.hi_session: {dist: gamma, mean: 177, sd: 30}
plugins:
  - use: long_term_conditions
  - use: employment_advisers
  - use: waiting_list_support # its own fields, groups, categories and on_wait
YAML
sed 's/^name: .*/name: MPI alternative/; s/mean: 0.086/mean: 0.09/' "$tmp/psa.yaml" >"$tmp/alt.yaml"

# the same command line in two folders, once alone and once under mpirun
same() { # what, then the iaptsim arguments (output to "out")
  local what=$1; shift
  mkdir -p "$tmp/one" "$tmp/two"
  rm -rf "$tmp/one/out" "$tmp/two/out"
  (cd "$tmp/one" && "$bin" "$@" -o out -q --threads 1) || { bad "$what: single process failed"; return; }
  (cd "$tmp/two" && "${mpi[@]}" "$bin" "$@" -o out -q --threads 1) || { bad "$what: mpirun failed"; return; }
  local n=0 f
  while IFS= read -r f; do
    n=$((n + 1))
    cmp -s "$tmp/one/out/$f" "$tmp/two/out/$f" && ok || bad "$what: $f differs under MPI"
  done < <(cd "$tmp/one/out" && find . -type f | sort)
  [ "$n" -ge 3 ] && ok || bad "$what: only $n files"
  echo "$what: $n files compared"
}
same "run" run "$tmp/psa.yaml"
# draws sharing warm-ups (no plugins: docs/uncertainty.md): a rank runs draws of groups
# whose first draw another rank runs, and simulates that warm-up itself
grep -v -e '^plugins:' -e '^  - use:' "$tmp/psa.yaml" >"$tmp/psa_shared.yaml"
same "run with shared warm-ups" run "$tmp/psa_shared.yaml" --set run.psa_draws_per_warm_up=3
same "compare" compare "$tmp/psa.yaml" "$tmp/alt.yaml"
same "sensitivity" sensitivity "$tmp/psa.yaml" --vary cost.li_session=50:800 --measure exchequer:npv
printf 'year,group,metric,value\n2019-20,all,recovery_pct,55\n' >"$tmp/targets.csv"
same "calibrate" calibrate "$tmp/psa.yaml" --targets "$tmp/targets.csv" --fit treatment.effect_hi --max-evaluations 8

# one rank fails: the job ends with the message, exit 1, nothing written
cp tests/data/plugins/fails_in_replicate.lua "$tmp/"
printf 'iaptsim: 1\nname: fails\nyears: 2019\nreplicates: 4\npopulation_scale: 0.005\nplugins:\n  - use: ./fails_in_replicate.lua\n    with: { replicate: 2 }\n' >"$tmp/fails.yaml"
"${mpi[@]}" "$bin" run "$tmp/fails.yaml" -o "$tmp/failed" -q --threads 1 2>"$tmp/err"
rc=$?
[ $rc -ne 0 ] && ok || bad "a failure on rank 1 exited 0"
grep -q "fails_in_replicate.lua:10: failed in replicate 2 (MPI rank 1)$" "$tmp/err" && ok || bad "no message from the failing rank: $(head -n 3 "$tmp/err")"
[ "$(grep -c 'failed in replicate 2 (MPI rank 1)$' "$tmp/err")" -eq 1 ] && ok || bad "the message is not printed once: $(cat "$tmp/err")"
[ -e "$tmp/failed" ] && bad "a failed MPI run wrote results" || ok

finish mpi
