#!/bin/bash
# The command as a user meets it: exit codes, messages, nothing written on bad input,
# byte-identical reruns whatever the thread count. Usage: cli_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$1
src=$2
cd "$src" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# every malformed scenario: exit 2, its expected first line, and no results folder
for f in tests/data/bad/*.yaml; do
  out="$tmp/out_$(basename "$f" .yaml)"
  "$bin" run "$f" -o "$out" -q 2>"$tmp/err" >/dev/null
  rc=$?
  want="iaptsim: $(head -n 1 "${f%.yaml}.expect")"
  got=$(head -n 1 "$tmp/err")
  if [ $rc -ne 2 ]; then bad "$f: exit $rc, expected 2"; continue; fi
  if [ "$got" != "$want" ]; then bad "$f: got '$got', expected '$want'"; continue; fi
  if [ -e "$out" ]; then bad "$f: wrote $out"; continue; fi
  ok
done

expect_exit() { # code description command...
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  if [ $rc -eq "$want" ]; then ok; else bad "$what: exit $rc, expected $want: $(head -n 2 "$tmp/stderr")"; fi
}
expect_exit 2 "no command" "$bin"
expect_exit 2 "unknown command" "$bin" frobnicate
expect_exit 2 "unknown option" "$bin" run scenarios/default.yaml --frob
expect_exit 2 "missing file" "$bin" run /nonexistent.yaml -o "$tmp/x"
expect_exit 2 "--set unknown" "$bin" check scenarios/default.yaml --set nope=1
grep -q "unknown parameter 'nope'" "$tmp/stderr" && ok || bad "--set unknown message"
expect_exit 2 "--set out of range" "$bin" run scenarios/default.yaml --set treatment.dna_rate=2 -o "$tmp/y"
grep -qx "iaptsim: --set treatment.dna_rate=2: treatment.dna_rate: 2 is out of range \[0, 0.9\] (proportion)" "$tmp/stderr" && ok || bad "--set range message: $(cat "$tmp/stderr")"
# a --set value is a number as a scenario file's are: no hexadecimal, blanks, inf or nan
for v in 0x0.1 " 0.1" inf nan; do
  expect_exit 2 "--set '$v'" "$bin" check scenarios/default.yaml --set "treatment.dna_rate=$v"
  grep -qx "iaptsim: --set treatment.dna_rate=$v: treatment.dna_rate: '$v' is not a number" "$tmp/stderr" && ok || bad "--set '$v' message: $(cat "$tmp/stderr")"
done
[ -e "$tmp/y" ] && bad "--set out of range wrote results" || ok
expect_exit 2 "--replicates 0" "$bin" run scenarios/default.yaml --replicates 0
expect_exit 2 "--scale 2" "$bin" run scenarios/default.yaml --scale 2
for f in scenarios/*.yaml; do expect_exit 0 "check $f" "$bin" check "$f"; done
expect_exit 0 "help" "$bin" --help
expect_exit 0 "metrics" "$bin" metrics

# params: one CSV row per parameter, each with a source
expect_exit 0 "params --csv" "$bin" params --csv
n_src=$(awk -F'"' 'NR > 1 && $0 ~ /,"[^"]+","[^"]+"$/' "$tmp/stdout" | wc -l)
n_rows=$(($(wc -l <"$tmp/stdout") - 1))
[ "$n_rows" -gt 40 ] && [ "$n_src" -eq "$n_rows" ] && ok || bad "params --csv: $n_rows rows, $n_src with source and description"
expect_exit 0 "params with scenario and --set" "$bin" params scenarios/default.yaml --set treatment.dna_rate@2020=0.2
grep -q "from 2020-21" "$tmp/stdout" && ok || bad "params shows the year schedule"

# same seed, same bytes; threads do not matter
small=(--replicates 3 --scale 0.01 -q)
"$bin" run scenarios/default.yaml -o "$tmp/a" "${small[@]}" --threads 1 || bad "run a"
"$bin" run scenarios/default.yaml -o "$tmp/b" "${small[@]}" --threads 2 || bad "run b"
for f in summary.csv replicates.csv economics.csv ledger.csv; do
  cmp -s "$tmp/a/$f" "$tmp/b/$f" && ok || bad "$f differs between 1 and 2 threads"
done
# run.json differs only in the recorded command line
diff <(grep -v '"command"' "$tmp/a/run.json") <(grep -v '"command"' "$tmp/b/run.json") >/dev/null && ok || bad "run.json differs"
sha=$(sha256sum scenarios/default.yaml | cut -d' ' -f1)
grep -q "\"sha256\": \"$sha\"" "$tmp/a/run.json" && ok || bad "run.json scenario sha256"
head -n 1 "$tmp/a/summary.csv" | grep -qx "year,group,metric,mean,lo95,hi95,n,mcse" && ok || bad "summary.csv header"
grep -q "^2019-20,step=li_then_hi,recovery_pct," "$tmp/a/summary.csv" && ok || bad "summary.csv step groups"
ls "$tmp/a" | grep -q tmp && bad "temporary files left behind" || ok
# run.json's "files" names every file of the folder (report.html too), and nothing else
files_listed() { # folder
  python3 -c 'import json, sys; print("\n".join(sorted(json.load(open(sys.argv[1] + "/run.json"))["files"])))' "$1"
}
[ "$(files_listed "$tmp/a")" = "$(ls "$tmp/a" | sort)" ] && files_listed "$tmp/a" | grep -qx report.html && ok \
  || bad "run.json files: $(files_listed "$tmp/a" | tr '\n' ' ') but the folder holds $(ls "$tmp/a" | tr '\n' ' ')"
"$bin" run scenarios/default.yaml -o "$tmp/c" "${small[@]}" --seed 99 || bad "run c"
cmp -s "$tmp/a/summary.csv" "$tmp/c/summary.csv" && bad "--seed had no effect" || ok

# economics: every perspective and measure, tidy, and every scenario shipped runs
head -n 1 "$tmp/a/economics.csv" | grep -qx "perspective,measure,mean,lo95,hi95,n,mcse" && ok || bad "economics.csv header"
for p in nhs exchequer societal; do
  for m in pv_costs pv_benefits npv bcr payback_years qalys cost_per_qaly nmb_20000 nmb_30000 pv:therapy_sessions; do
    grep -q "^$p,$m," "$tmp/a/economics.csv" && ok || bad "economics.csv lacks $p,$m"
  done
done
head -n 1 "$tmp/a/ledger.csv" | grep -qx "year,cohort,category,perspective,unit,mean,lo95,hi95" && ok || bad "ledger.csv header"
grep -q '"discount_costs"' "$tmp/a/run.json" && grep -q '"price_index"' "$tmp/a/run.json" && ok || bad "run.json economics"
for s in scenarios/*.yaml; do
  "$bin" run "$s" -o "$tmp/s" --replicates 2 --scale 0.005 -q && ok || bad "$s does not run"
  # a scenario with compare_to: is a comparison, each strategy's economics in its folder
  { [ -s "$tmp/s/economics.csv" ] || { grep -q "^compare_to:" "$s" && [ -s "$tmp/s/comparison.csv" ]; }; } && ok || bad "$s wrote no economics.csv"
done
expect_exit 2 "economics block with an unknown perspective" "$bin" run tests/data/bad/econ_perspective_unknown.yaml -o "$tmp/bad_econ"
[ -e "$tmp/bad_econ" ] && bad "bad economics block wrote results" || ok

# plugins: listed with their options; a failing hook exits 1 and writes nothing; a plugin
# found by name on IAPTSIM_PLUGIN_PATH or by a path next to the scenario
expect_exit 0 "plugins" "$bin" plugins
for p in long_term_conditions ltp_expansion employment_advisers digital_therapy; do
  grep -q "^$p  (built in: plugins/$p.lua)" "$tmp/stdout" && ok || bad "plugins does not list $p"
done
grep -q "integrated_share       default 0.75, in \[0, 1\]" "$tmp/stdout" && ok || bad "plugins shows no option bounds"
grep -q "^    groups (summary.csv and replicates.csv rows waiting_list_support.NAME=LEVEL):" "$tmp/stdout" \
  && grep -q "^      booklet  .* (levels: yes no)$" "$tmp/stdout" && ok || bad "plugins shows no groups"
# --set takes the employment mechanism by name, and says where an economics setting goes
expect_exit 0 "--set employment.mechanism by name" "$bin" params --set employment.mechanism=flows_with_scarring
grep -q "^employment.mechanism  *2 .*(set)$" "$tmp/stdout" && ok || bad "--set employment.mechanism=flows_with_scarring: $(grep '^employment.mechanism' "$tmp/stdout")"
expect_exit 2 "--set employment.mechanism, a bad name" "$bin" params --set employment.mechanism=stocks
grep -qx "iaptsim: --set employment.mechanism=stocks: employment.mechanism: 'stocks' is not one of flows, prevalence, flows_with_scarring (or their numbers 0, 1, 2)" "$tmp/stderr" && ok || bad "$(cat "$tmp/stderr")"
expect_exit 2 "--set economics.health_value" "$bin" params --set economics.health_value=wellby
grep -q "'economics.health_value' is a setting of the scenario's economics: block, not a parameter" "$tmp/stderr" && ok || bad "$(cat "$tmp/stderr")"
expect_exit 0 "plugins FILE.lua" "$bin" plugins plugins/pilot_one_service.lua
head -1 "$tmp/stdout" | grep -q "^pilot_one_service  (plugins/pilot_one_service.lua)" && ! grep -q "built-in plugins" "$tmp/stdout" \
  && ok || bad "plugins FILE.lua shows that plugin alone: $(head -2 "$tmp/stdout")"
expect_exit 2 "plugins DIR with a plugin that does not load" "$bin" plugins tests/data/plugins
grep -q "tests/data/plugins/syntax_error.lua: does not load" "$tmp/stdout" && grep -q "^fails  (tests/data/plugins/fails.lua)" "$tmp/stdout" \
  && ok || bad "plugins DIR lists what it finds"
# a service option naming no service (the pilot's): refused by check and run alike, before any
# simulation, at the value's line and column with the option, the value and the nearest
# codes, then the line and a caret under the value (run: tests/data/bad above)
sed 's/service: "02F"/service: "02Z"/' scenarios/pilot_one_service.yaml >"$tmp/pilot_02z.yaml"
printf '%s\n' "iaptsim: $tmp/pilot_02z.yaml:15:16: plugins.pilot_one_service.with.service: no service '02Z' in data/services.csv (did you mean '02A', '02D' or '02E'?)" \
  '        service: "02Z"' '                 ^' >"$tmp/pilot_02z.want"
for c in check run; do
  opts=(); [ $c = run ] && opts=(-o "$tmp/pilot_02z" -q)
  expect_exit 2 "$c: the pilot with an unknown service" "$bin" $c "$tmp/pilot_02z.yaml" "${opts[@]}"
  cmp -s "$tmp/stderr" "$tmp/pilot_02z.want" && ok || bad "$c: the pilot's unknown service: $(cat "$tmp/stderr")"
  [ -e "$tmp/pilot_02z" ] && bad "$c: the pilot with an unknown service wrote results" || ok
done
# inherited from a base: at the base's place, the scenario's path not put in front
printf 'base: pilot_02z.yaml\nname: child\n' >"$tmp/pilot_child.yaml"
expect_exit 2 "a base's unknown service" "$bin" check "$tmp/pilot_child.yaml"
cmp -s "$tmp/stderr" "$tmp/pilot_02z.want" && ok || bad "a base's unknown service: $(cat "$tmp/stderr")"
mkdir -p "$tmp/sc"
printf 'iaptsim: 1\nname: fails\nyears: 2019\nreplicates: 2\npopulation_scale: 0.005\nplugins:\n  - use: ./fails.lua\n    with: { hook: on_discharge }\n' >"$tmp/sc/fails.yaml"
cp tests/data/plugins/fails.lua "$tmp/sc/"
expect_exit 1 "a plugin failing in on_discharge" "$bin" run "$tmp/sc/fails.yaml" -o "$tmp/fails_out"
grep -qx "iaptsim: $tmp/sc/fails.lua:19: failed in on_discharge" "$tmp/stderr" && ok || bad "hook error message: $(head -n 3 "$tmp/stderr")"
grep -q "stack traceback:" "$tmp/stderr" && ok || bad "hook error has no traceback"
[ -e "$tmp/fails_out" ] && bad "a failed plugin run wrote results" || ok
# each bad plugin at run time: exit 1, "file:line: message" first, nothing written
cp tests/data/plugins/misbehaves.lua "$tmp/sc/"
for c in loop:24 memory:26 os_execute:28 io_open:30 require:32 garbage:21 unknown_field:42; do
  w=${c%%:*}
  printf 'iaptsim: 1\nname: bad\nyears: 2019\nreplicates: 2\npopulation_scale: 0.005\nplugins:\n  - use: ./misbehaves.lua\n    with: { what: %s }\n    instructions: 1000000\n    memory_mb: 8\n' "$w" >"$tmp/sc/bad_$w.yaml"
  expect_exit 1 "plugin that tries $w" "$bin" run "$tmp/sc/bad_$w.yaml" -o "$tmp/bad_$w" -q
  head -n 1 "$tmp/stderr" | grep -q "^iaptsim: $tmp/sc/misbehaves.lua:${c##*:}: " && ok || bad "$w: $(head -n 1 "$tmp/stderr")"
  [ -e "$tmp/bad_$w" ] && bad "plugin that tries $w wrote results" || ok
done
for h in setup:10 on_year:13 on_referral:16 on_finish:22; do
  printf 'iaptsim: 1\nname: fails\nyears: 2019\nreplicates: 2\npopulation_scale: 0.005\nplugins:\n  - use: ./fails.lua\n    with: { hook: %s }\n' "${h%%:*}" >"$tmp/sc/f.yaml"
  expect_exit 1 "a plugin failing in ${h%%:*}" "$bin" run "$tmp/sc/f.yaml" -o "$tmp/f_out" -q
  head -n 1 "$tmp/stderr" | grep -q "^iaptsim: $tmp/sc/fails.lua:${h##*:}: " && ok || bad "${h%%:*}: $(head -n 1 "$tmp/stderr")"
  [ -e "$tmp/f_out" ] && bad "a plugin failing in ${h%%:*} wrote results" || ok
done
printf 'iaptsim: 1\nname: by name\nyears: 2019\nreplicates: 2\npopulation_scale: 0.005\nplugins:\n  - use: api\n' >"$tmp/byname.yaml"
IAPTSIM_PLUGIN_PATH=/nonexistent:tests/data/plugins expect_exit 0 "plugin found on IAPTSIM_PLUGIN_PATH" "$bin" run "$tmp/byname.yaml" -o "$tmp/byname"
grep -q "^2019-20,all,api.referrals," "$tmp/byname/summary.csv" && ok || bad "plugin metrics in summary.csv"
grep -q "\[replicate 2\] api: finished replicate 2" "$tmp/stderr" && ok || bad "plugin log not shown: $(head -n 3 "$tmp/stderr")"
IAPTSIM_PLUGIN_PATH=tests/data/plugins expect_exit 0 "plugin log under -q" "$bin" run "$tmp/byname.yaml" -o "$tmp/byname_q" -q
grep -q "\[replicate 2\] api: finished replicate 2" "$tmp/stderr" && ok || bad "plugin log not shown under -q: $(head -n 3 "$tmp/stderr")"
expect_exit 2 "plugin not on IAPTSIM_PLUGIN_PATH" "$bin" run "$tmp/byname.yaml" -o "$tmp/byname2"
# plugin scenarios: same bytes with 1 and 2 threads
for t in 1 2; do "$bin" run scenarios/integrated_ltc.yaml -o "$tmp/ltc$t" --replicates 3 --scale 0.005 --threads $t -q || bad "ltc run"; done
# integrated_ltc.yaml has compare_to: its run is a comparison, each strategy in a folder
ltc=integrated_services_for_long-term_conditions
for f in comparison.csv frontier.csv $ltc/summary.csv $ltc/replicates.csv $ltc/economics.csv $ltc/ledger.csv $ltc/budget_impact.csv; do
  cmp -s "$tmp/ltc1/$f" "$tmp/ltc2/$f" && ok || bad "integrated_ltc $f differs between 1 and 2 threads"
done
grep -q '"name": "long_term_conditions", "use": "long_term_conditions"' "$tmp/ltc1/$ltc/run.json" && ok || bad "run.json plugins"
for p in nhs exchequer societal; do
  for m in pv:integration pv:physical_health pv:earnings pv:benefits pv:income_tax pv:employee_ni pv:employer_ni; do
    grep -q "^$p,$m," "$tmp/ltc1/$ltc/economics.csv" && ok || bad "integrated_ltc economics.csv lacks $p,$m"
  done
done
# what integration adds, with its cost: a dominance label or a finite ICER for every perspective
for p in nhs exchequer societal; do
  grep -q "^$p,.*,dominant\|^$p,.*,north-east" "$tmp/ltc1/frontier.csv" && ok || bad "integrated_ltc frontier.csv has no label for $p: $(grep "^$p" "$tmp/ltc1/frontier.csv")"
done
grep -q "^Integrated services for long-term conditions,nhs,pv:integration,NA,-" "$tmp/ltc1/comparison.csv" && ok || bad "no cost of integration in comparison.csv"

# uncertainty: psa.csv, one row per draw with the drawn values; byte-identical with 1 and 2 threads
cat >"$tmp/psa.yaml" <<'YAML'
iaptsim: 1
name: PSA test
years: 2019
seed: 11
replicates: 4
population_scale: 0.005
uncertainty:
  treatment.effect_li: {dist: normal, mean: 0.086, sd: 0.01}
  cost.hi_session: {dist: gamma, mean: 177, sd: 30}
YAML
for t in 1 2; do "$bin" run "$tmp/psa.yaml" -o "$tmp/psa$t" -q --threads $t || bad "psa run"; done
for f in summary.csv replicates.csv economics.csv ledger.csv psa.csv; do
  cmp -s "$tmp/psa1/$f" "$tmp/psa2/$f" && ok || bad "uncertainty: $f differs between 1 and 2 threads"
done
head -n 1 "$tmp/psa1/psa.csv" | grep -qx "draw,strategy_id,strategy,base,people_simulated,treatment.effect_li,cost.hi_session,effect,cost_nhs,cost_exchequer,cost_societal" && ok || bad "psa.csv header: $(head -n 1 "$tmp/psa1/psa.csv")"
[ "$(wc -l <"$tmp/psa1/psa.csv")" -eq 5 ] && ok || bad "psa.csv: not one row per draw"
[ "$(cut -d, -f6 "$tmp/psa1/psa.csv" | sort -u | wc -l)" -eq 5 ] && ok || bad "psa.csv: the draws do not differ"
grep -q '"dist": "gamma"' "$tmp/psa1/run.json" && ok || bad "run.json lacks the uncertainty block"
[ -e "$tmp/a/psa.csv" ] && bad "a run without uncertainty wrote psa.csv" || ok

# compare: a scenario against itself differs by exactly nothing (common random numbers)
cp "$tmp/psa.yaml" "$tmp/same.yaml"
sed -i 's/^name: .*/name: Same again/' "$tmp/same.yaml"
expect_exit 0 "compare with itself" "$bin" compare "$tmp/psa.yaml" "$tmp/same.yaml" -o "$tmp/cmp0" -q --threads 2
grep -q "^Same again,nhs,incremental_cost,NA,0,0,0,4,0$" "$tmp/cmp0/comparison.csv" && grep -q "^Same again,nhs,incremental_qalys,NA,0,0,0,4,0$" "$tmp/cmp0/comparison.csv" \
  && ok || bad "compare with itself: increments not zero: $(head -n 3 "$tmp/cmp0/comparison.csv")"
sed 's/^name: .*/name: Better LI/; s/mean: 0.086/mean: 0.095/' "$tmp/psa.yaml" >"$tmp/better.yaml"
for t in 1 2; do "$bin" compare "$tmp/psa.yaml" "$tmp/better.yaml" -o "$tmp/cmp$t" -q --threads $t || bad "compare run"; done
for f in comparison.csv ceac.csv evpi.csv psa.csv psa_test/summary.csv better_li/ledger.csv; do
  cmp -s "$tmp/cmp1/$f" "$tmp/cmp2/$f" && ok || bad "compare: $f differs between 1 and 2 threads"
done
head -n 1 "$tmp/cmp1/ceac.csv" | grep -qx "perspective,threshold,strategy,probability,ceaf" && ok || bad "ceac.csv header"
awk -F, 'NR > 1 {p[$1 FS $2] += $4} END {for (k in p) if (p[k] < 0.999999 || p[k] > 1.000001) exit 1}' "$tmp/cmp1/ceac.csv" && ok || bad "ceac.csv: probabilities do not add to 1"
[ "$(grep -c '^nhs,' "$tmp/cmp1/evpi.csv")" -eq 101 ] && ok || bad "evpi.csv: not 101 thresholds"
grep -q "^Better LI,nhs,incremental_qalys," "$tmp/cmp1/comparison.csv" && ok || bad "comparison.csv rows"
[ "$(grep -c ',Better LI,' "$tmp/cmp1/psa.csv")" -eq 4 ] && ok || bad "compare psa.csv: 4 draws of the alternative"
expect_exit 2 "compare with one scenario" "$bin" compare "$tmp/psa.yaml"
sed 's/^years: 2019/years: [2019, 2020]/' "$tmp/better.yaml" >"$tmp/other_years.yaml"
expect_exit 2 "compare other years" "$bin" compare "$tmp/psa.yaml" "$tmp/other_years.yaml" -o "$tmp/cmp_bad"
grep -q "a comparison needs the same years" "$tmp/stderr" && ok || bad "compare other years message"
[ -e "$tmp/cmp_bad" ] && bad "a bad comparison wrote results" || ok
expect_exit 2 "bad --thresholds" "$bin" compare "$tmp/psa.yaml" "$tmp/better.yaml" --thresholds 5:1:1

# sensitivity: a tornado sorted by swing, a switching value where the outcome crosses zero
expect_exit 0 "sensitivity" "$bin" sensitivity "$tmp/psa.yaml" --vary cost.li_session=50:800 --vary treatment.effect_li=0.08:0.09 \
  --vary money.benefits_annual=0:8000 --measure exchequer:npv -o "$tmp/sens" -q
head -n 1 "$tmp/sens/tornado.csv" | grep -qx "parameter,measure,base,low,high,outcome_base,outcome_low,outcome_high,swing,switching_value" && ok || bad "tornado.csv header"
awk -F, 'NR > 2 && $9 > prev {exit 1} NR > 1 {prev = $9}' "$tmp/sens/tornado.csv" && ok || bad "tornado.csv not sorted by swing"
grep -q "^cost.li_session,exchequer:npv,99,50,800,.*,[0-9.]*$" "$tmp/sens/tornado.csv" && ok || bad "no switching value for cost.li_session: $(grep cost.li "$tmp/sens/tornado.csv")"
grep -q "^treatment.effect_li,.*,NA$" "$tmp/sens/tornado.csv" && ok || bad "switching value where there is none"
expect_exit 2 "sensitivity without ranges" "$bin" sensitivity "$tmp/psa.yaml" -o "$tmp/sens_bad"
expect_exit 2 "sensitivity bad --vary" "$bin" sensitivity "$tmp/psa.yaml" --vary treatment.effect_li=0.2:0.1 -o "$tmp/sens_bad"
expect_exit 2 "sensitivity bad --measure" "$bin" sensitivity "$tmp/psa.yaml" --vary treatment.effect_li=0.08:0.09 --measure society:npv -o "$tmp/sens_bad"
[ -e "$tmp/sens_bad" ] && bad "bad sensitivity wrote results" || ok
printf 'sensitivity:\n  treatment.dna_rate: [0.05, 0.2]\n' >>"$tmp/same.yaml"
expect_exit 0 "sensitivity block" "$bin" sensitivity "$tmp/same.yaml" -o "$tmp/sens_block" -q
grep -q "^treatment.dna_rate,societal:npv,0.1,0.05,0.2," "$tmp/sens_block/tornado.csv" && ok || bad "sensitivity block: $(cat "$tmp/sens_block/tornado.csv")"
[ "$(files_listed "$tmp/sens_block")" = "$(ls "$tmp/sens_block" | sort)" ] && ok || bad "sensitivity run.json files: $(files_listed "$tmp/sens_block" | tr '\n' ' ')"

# compare_to: running the alternative runs the comparison
cp "$tmp/better.yaml" "$tmp/better_to.yaml"
printf 'compare_to: psa.yaml\n' >>"$tmp/better_to.yaml"
expect_exit 0 "run with compare_to" "$bin" run "$tmp/better_to.yaml" -o "$tmp/cmpto" -q
cmp -s "$tmp/cmpto/comparison.csv" "$tmp/cmp1/comparison.csv" && ok || bad "compare_to gives another comparison than compare"
expect_exit 0 "check with compare_to" "$bin" check "$tmp/better_to.yaml"
grep -q "compared with $tmp/psa.yaml" "$tmp/stdout" && ok || bad "check does not name the base"
# check runs a small trial replicate of a scenario with plugins: a field written out of turn
# is caught there, not only by a run
printf 'iaptsim: 1\nname: late\nyears: 2019\nparameters:\n  followup.years: 1\nplugins:\n  - use: %s/tests/data/plugins/during.lua\n    with: { bad: phq9_in_session }\n' "$PWD" >"$tmp/late.yaml"
expect_exit 1 "check of a plugin writing out of turn" "$bin" check "$tmp/late.yaml"
grep -q "during.lua:49: person.phq9 cannot be set in on_session: it is writable only in on_referral and on_wait" "$tmp/stderr" \
  && ! grep -q ": ok:" "$tmp/stdout" && ok || bad "check of a late write: $(head -n 2 "$tmp/stderr")"
expect_exit 0 "check with plugins" "$bin" check scenarios/waiting_list_support.yaml
grep -qx "  plugins ran without error in a trial replicate at population scale 0.01" "$tmp/stdout" && ok || bad "check with plugins: $(cat "$tmp/stdout")"

# validate: docs/validation.md is what make validation gives now, and within every tolerance
expect_exit 0 "validate" "$bin" validate scenarios/history_2012_2020.yaml --observed data/national_annual.csv --mix data/pathway_mix.csv -o "$tmp/validation.md"
# (make validation appends the group section of tools/validation_groups.py after this report)
head -c "$(wc -c <"$tmp/validation.md")" docs/validation.md | cmp -s - "$tmp/validation.md" && ok || bad "docs/validation.md is out of date: run make validation"
# no check outside its tolerance but the known misses: 2012-13 recovery, which issue 18 asks
# within 1 point and whose assumed inputs miss it (docs/validation_years_notes.md says why),
# and the 2017-18 step mix, outside since each year draws its own case mix (data/case_mix.csv);
# and 2019-20 recovery (+1.9 at this scenario's population_scale 0.02, +1.3 at 0.2): the 191
# CCG services at scale 0.02 have about 150 referrals a year each, and small services
# recover more (docs/validation.md, Services)
grep -q '^\*\*Tolerance checks: [0-9]* of [0-9]* within.\*\*$' "$tmp/validation.md" && ok || bad "validation: no tolerance line"
misses=$(grep '| \*\*no\*\* |$' "$tmp/validation.md" | cut -d'|' -f2,3 | tr -d ' ' | grep -v -x -e '2012-13|recovery_pct' \
  -e '2017-18|li_then_hi' -e '2017-18|li_only' -e '2019-20|recovery_pct')
[ -z "$misses" ] && ok || bad "validation: outside tolerance: $misses"
grep -q '^## Validation: History 2012-13 to 2024-25$' docs/validation.md && ok || bad "docs/validation.md lacks the years 2012-13 to 2024-25: run make validation"
expect_exit 2 "validate without --observed" "$bin" validate scenarios/default.yaml

# the published long format (data/nhstt/): read as it is, gzip or not, no hand mapping
tiny=(--replicates 2 --scale 0.005 -q)
expect_exit 0 "validate the published long format" "$bin" validate scenarios/default.yaml --observed data/nhstt/england_by_group.csv.gz "${tiny[@]}" -o "$tmp/nhstt.md"
grep -q '^| 2019-20 | recovery_pct | 51.10 | ' "$tmp/nhstt.md" && grep -q '^## By group$' "$tmp/nhstt.md" \
  && grep -q '^| 2019-20 | ltc=yes | recovery_pct | 48.00 | ' "$tmp/nhstt.md" && grep -q '^| 2019-20 | step=li_only | finished_course | 221,196 | ' "$tmp/nhstt.md" \
  && ok || bad "validate nhstt: $(grep -c '^| 2019-20' "$tmp/nhstt.md") rows for 2019-20"
grep -q '^Of 14588 rows in the observed file, ' "$tmp/nhstt.md" && grep -q '^| [0-9]* | not stated, not known or invalid |$' "$tmp/nhstt.md" \
  && ok || bad "validate nhstt: no count of the rows not compared"
zcat data/nhstt/england_by_group.csv.gz >"$tmp/england_by_group.csv"
expect_exit 0 "validate the long format uncompressed" "$bin" validate scenarios/default.yaml --observed "$tmp/england_by_group.csv" "${tiny[@]}" -o "$tmp/nhstt_plain.md"
diff <(sed 1,5d "$tmp/nhstt.md") <(sed 1,5d "$tmp/nhstt_plain.md") >/dev/null && ok || bad "gzip and plain long format give different reports"
head -c 5000 data/nhstt/england_by_group.csv.gz >"$tmp/cut.csv.gz"
expect_exit 2 "validate a truncated gzip file" "$bin" validate scenarios/default.yaml --observed "$tmp/cut.csv.gz" "${tiny[@]}"
grep -qx "iaptsim: $tmp/cut.csv.gz: not a valid gzip file: it ends before the compressed data do (truncated?)" "$tmp/stderr" && ok || bad "truncated gzip: $(cat "$tmp/stderr")"
{ head -n 3 tests/data/nhstt/small.csv; echo '2019-20,England,All,All,Total,NULL,NULL,recovery,percentage,fifty'; } >"$tmp/badrow.csv"
# published figures of none of the run's years: said, not a quiet "0 of 0"
{ zcat data/nhstt/england_by_group.csv.gz | head -n 1; zcat data/nhstt/england_by_group.csv.gz | grep '^2024-25,'; } >"$tmp/only2425.csv"
expect_exit 0 "validate against other years" "$bin" validate scenarios/default.yaml --observed "$tmp/only2425.csv" -o "$tmp/v2425.md" -q "${tiny[@]}"
grep -qx "iaptsim: warning: no figure of $tmp/only2425.csv falls in scenarios/default.yaml's years (2019-20 to 2019-20): nothing was compared" "$tmp/stderr" \
  && ok || bad "validate against other years: $(cat "$tmp/stderr")"
expect_exit 2 "validate a malformed long row" "$bin" validate scenarios/default.yaml --observed "$tmp/badrow.csv" "${tiny[@]}"
grep -qx "iaptsim: $tmp/badrow.csv:4:10: 'fifty' is not a number (nor a suppressed value: \*, NULL, NA or empty)" "$tmp/stderr" && ok || bad "malformed long row: $(cat "$tmp/stderr")"
expect_exit 0 "metrics --nhstt" "$bin" metrics --nhstt
grep -qx 'Indices of Deprivation Decile,01 Least deprived,NULL,imd_decile=1,yes,\(yes\|no\)' "$tmp/stdout" && grep -qx 'improvement,percentage,reliable_improvement_pct' "$tmp/stdout" \
  && ok || bad "metrics --nhstt: $(head -n 3 "$tmp/stdout")"
# run --format nhstt: the summary in the same columns, and validate reads it back as the same numbers
expect_exit 0 "run --format nhstt" "$bin" run scenarios/default.yaml "${tiny[@]}" --format nhstt -o "$tmp/fmt"
[ "$(files_listed "$tmp/fmt")" = "$(ls "$tmp/fmt" | sort)" ] && ok || bad "--format nhstt run.json files: $(files_listed "$tmp/fmt" | tr '\n' ' ')"
head -n 1 "$tmp/fmt/summary_nhstt.csv" | grep -qx 'year,org_type,org_code,org_name,variable_type,variable_a,variable_b,measure,statistic,value,lo95,hi95' \
  && grep -q '^2019-20,England,iaptsim,National 2019-20,Total,NULL,NULL,recovery,percentage,' "$tmp/fmt/summary_nhstt.csv" && ok || bad "summary_nhstt.csv: $(head -n 2 "$tmp/fmt/summary_nhstt.csv")"
rec=$(awk -F, '$1 == "2019-20" && $2 == "all" && $3 == "recovery_pct" {print $4}' "$tmp/fmt/summary.csv")
awk -F, -v r="$rec" '$5 == "Total" && $8 == "recovery" && $9 == "percentage" && $10 == r {f = 1} END {exit !f}' "$tmp/fmt/summary_nhstt.csv" \
  && ok || bad "summary_nhstt.csv recovery is not summary.csv's $rec"
expect_exit 0 "validate reads summary_nhstt.csv" "$bin" validate scenarios/default.yaml --observed "$tmp/fmt/summary_nhstt.csv" "${tiny[@]}" -o "$tmp/self.md"
grep -q '^| 2019-20 | recovery_pct | [0-9.]* | [0-9.]* | .* | +0.00 | yes |$' "$tmp/self.md" && ok || bad "validate against its own run: $(grep recovery_pct "$tmp/self.md" | head -n 1)"
# the same R code on the published file and on iaptsim's (where R is installed, as for psa_r)
if command -v Rscript >/dev/null 2>&1; then
  cat >"$tmp/same.R" <<'R'
rec <- function(d) subset(d, year == "2019-20" & variable_type == "Total" & measure == "recovery" & statistic == "percentage")$value
a <- read.csv(gzfile("data/nhstt/england_by_group.csv.gz")); b <- read.csv(commandArgs(TRUE)[1])
stopifnot(identical(names(a), names(b)[1:10]), length(rec(a)) == 1, length(rec(b)) == 1)
cat(sprintf("%.6f %.6f\n", as.numeric(rec(a)), as.numeric(rec(b))))
R
  Rscript "$tmp/same.R" "$tmp/fmt/summary_nhstt.csv" >"$tmp/r.out" 2>&1 && grep -qx "51.100000 $(printf '%.6f' "$rec")" "$tmp/r.out" \
    && ok || bad "R code for the published file on summary_nhstt.csv: $(tail -n 3 "$tmp/r.out")"
fi
"$bin" run scenarios/default.yaml "${tiny[@]}" -o "$tmp/fmt" && [ ! -e "$tmp/fmt/summary_nhstt.csv" ] && ok || bad "a rerun without --format onto the folder"
expect_exit 2 "run --format other" "$bin" run scenarios/default.yaml "${tiny[@]}" --format excel -o "$tmp/fmt2"
grep -qx "iaptsim: --format: 'excel' is not a format (nhstt)" "$tmp/stderr" && [ ! -e "$tmp/fmt2" ] && ok || bad "--format excel: $(cat "$tmp/stderr")"

# calibrate: a fit, its files, and fitted.yaml included by a scenario
cat >"$tmp/cal.yaml" <<'YAML'
iaptsim: 1
name: Calibration test
years: 2019
seed: 5
replicates: 2
population_scale: 0.005
parameters:
  followup.years: 0
  workforce.capacity_sd: 0
YAML
printf 'year,group,metric,value\n2019-20,all,recovery_pct,55\n2019-20,all,reliable_improvement_pct,70\n' >"$tmp/targets.csv"
expect_exit 0 "calibrate" "$bin" calibrate "$tmp/cal.yaml" --targets "$tmp/targets.csv" --fit treatment.effect_li --max-evaluations 30 -o "$tmp/cal" -q
head -n 1 "$tmp/cal/calibration.csv" | grep -qx "parameter,unit,min,max,start,fitted" && ok || bad "calibration.csv header"
head -n 1 "$tmp/cal/fit.csv" | grep -qx "year,group,metric,observed,weight,model_start,model_fitted" && ok || bad "fit.csv header"
fitted=$(awk -F, 'NR == 2 {print $6}' "$tmp/cal/calibration.csv")
awk -v f="$fitted" 'BEGIN {exit !(f > 0.09)}' && ok || bad "calibrate did not raise effect_li towards 55% recovery: $fitted"
printf 'include: cal/fitted.yaml\n' >>"$tmp/cal.yaml"
expect_exit 0 "params with include" "$bin" params "$tmp/cal.yaml"
grep -A0 "^treatment.effect_li" "$tmp/stdout" | grep -q "(set)" && ok || bad "include did not set treatment.effect_li"
expect_exit 2 "calibrate without --fit" "$bin" calibrate "$tmp/cal.yaml" --targets "$tmp/targets.csv"
expect_exit 2 "calibrate unknown parameter" "$bin" calibrate "$tmp/cal.yaml" --targets "$tmp/targets.csv" --fit treatment.efect_li
grep -q "did you mean 'treatment.effect_li'" "$tmp/stderr" && ok || bad "calibrate unknown parameter message"
expect_exit 2 "calibrate bad targets" "$bin" calibrate "$tmp/cal.yaml" --targets tests/data/targets/bad_year.csv --fit treatment.effect_li
printf 'year,recovery_pct\n2018-19,52.1\n' >"$tmp/t2018.csv"
expect_exit 2 "calibrate targets outside the years" "$bin" calibrate "$tmp/cal.yaml" --targets "$tmp/t2018.csv" --fit treatment.effect_li -o "$tmp/cal_bad"
[ -e "$tmp/cal_bad" ] && bad "a failed calibration wrote results" || ok

# report.html: written by run, compare and sensitivity; rebuilt identically by iaptsim report; self-contained
[ -s "$tmp/a/report.html" ] && ok || bad "run wrote no report.html"
cp "$tmp/a/report.html" "$tmp/report_before.html"
expect_exit 0 "report DIR" "$bin" report "$tmp/a" -q
cmp -s "$tmp/a/report.html" "$tmp/report_before.html" && ok || bad "iaptsim report rebuilds another report.html"
grep -Eiq '<script|<link|<img|<iframe|src=|@import|url\(http' "$tmp/a/report.html" && bad "report.html is not self-contained" || ok
# who recovers: a 2019-20 run's report sets each IMD decile beside its published recovery
n=$(grep -oE '<tr><td>(10|[1-9])</td><td>[0-9.]+</td><td>[0-9.]+ to [0-9.]+</td><td>[0-9.]+</td><td>[+-][0-9.]+</td></tr>' "$tmp/a/report.html" | wc -l)
[ "$n" -ge 10 ] && grep -q 'Recovery by IMD decile of residence: model and published' "$tmp/a/report.html" && ok || bad "report: recovery by IMD decile with published figures ($n rows)"
[ "$(grep -o '<figure class="chart">' "$tmp/a/report.html" | wc -l)" -ge 4 ] && ok || bad "report.html has fewer than 4 charts"
[ "$(grep -o '<title id=' "$tmp/a/report.html" | wc -l)" -eq "$(grep -o '<figure class="chart">' "$tmp/a/report.html" | wc -l)" ] && ok || bad "a chart without a title"
grep -q 'class="y-label"' "$tmp/a/report.html" && grep -q 'class="x-label"' "$tmp/a/report.html" && ok || bad "charts without axis labels"
grep -q "$(sha256sum scenarios/default.yaml | cut -d' ' -f1)" "$tmp/a/report.html" && ok || bad "report.html lacks the scenario hash"
[ -s "$tmp/cmp1/report.html" ] && grep -q "Cost-effectiveness acceptability curve" "$tmp/cmp1/report.html" && ok || bad "compare report lacks the acceptability curve"
[ -s "$tmp/sens/report.html" ] && grep -q "Tornado" "$tmp/sens/report.html" && ok || bad "sensitivity report lacks the tornado"
expect_exit 2 "report of a folder without results" "$bin" report tests/data

# the command line by convention (getopt_long): --opt=VALUE, --opt VALUE, -oDIR, -o DIR
mkdir -p "$tmp/conv"
(cd "$tmp/conv" && "$bin" run "$src/scenarios/default.yaml" --replicates=4 -oout --threads=2 -q) && ok || bad "run --replicates=4 -oout --threads=2"
"$bin" run scenarios/default.yaml --replicates 4 -o "$tmp/conv/spaced" --threads 2 -q || bad "run --replicates 4 -o DIR"
cmp -s "$tmp/conv/out/summary.csv" "$tmp/conv/spaced/summary.csv" && ok || bad "--replicates=4 -oDIR and --replicates 4 -o DIR differ"
expect_exit 0 "version" "$bin" --version
grep -qx "iaptsim [0-9.]*" "$tmp/stdout" && ok || bad "--version: $(cat "$tmp/stdout")"
expect_exit 0 "version -V" "$bin" -V
grep -qx "iaptsim [0-9.]*" "$tmp/stdout" && ok || bad "-V: $(cat "$tmp/stdout")"
# an option the command does not take: exit 2, naming it, nothing run
expect_exit 2 "params --refine" "$bin" params --refine 5
grep -qx "iaptsim: params does not take --refine (an option of sensitivity; see 'iaptsim params --help')" "$tmp/stderr" && ok || bad "params --refine: $(cat "$tmp/stderr")"
[ -s "$tmp/stdout" ] && bad "params --refine printed parameters" || ok
expect_exit 2 "a near miss" "$bin" run scenarios/default.yaml --replicatse 3
grep -qx "iaptsim: run: unknown option '--replicatse'; did you mean '--replicates'? (see 'iaptsim run --help')" "$tmp/stderr" && ok || bad "near miss: $(cat "$tmp/stderr")"
expect_exit 2 "an ambiguous abbreviation" "$bin" compare a.yaml b.yaml --th 1
grep -qx "iaptsim: compare: '--th' is ambiguous: --threads, --thresholds (see 'iaptsim compare --help')" "$tmp/stderr" && ok || bad "ambiguous: $(cat "$tmp/stderr")"
expect_exit 2 "a flag given a value" "$bin" run scenarios/default.yaml --quiet=yes
grep -qx "iaptsim: --quiet takes no value" "$tmp/stderr" && ok || bad "flag with a value: $(cat "$tmp/stderr")"
expect_exit 2 "a missing value" "$bin" run scenarios/default.yaml --replicates
grep -qx "iaptsim: --replicates needs a value: --replicates N" "$tmp/stderr" && ok || bad "missing value: $(cat "$tmp/stderr")"
# COMMAND --help: that command's options only
expect_exit 0 "compare --help" "$bin" compare --help
head -n 1 "$tmp/stdout" | grep -qx "usage: iaptsim compare BASE.yaml \[ALT.yaml...\] \[--alt NAME --alt-set NAME=VALUE...\] \[options\]" && ok || bad "compare --help usage: $(head -n 1 "$tmp/stdout")"
grep -q -- "--thresholds A:B:S" "$tmp/stdout" && grep -q -- "--replicates N" "$tmp/stdout" && ok || bad "compare --help lacks its options"
grep -Eq -- "--(vary|refine|measure|targets|fit|observed|mix|csv|markdown|max-evaluations)" "$tmp/stdout" && bad "compare --help shows other commands' options" || ok
expect_exit 0 "help sensitivity" "$bin" help sensitivity
grep -q -- "--refine N" "$tmp/stdout" && ! grep -q -- "--thresholds" "$tmp/stdout" && ok || bad "help sensitivity"
# every command in the usage, which is generated from the same table
expect_exit 0 "--help" "$bin" --help
for c in run compare sensitivity calibrate validate report check params metrics plugins version; do
  grep -q "^  $c\b" "$tmp/stdout" && ok || bad "--help does not list $c"
  "$bin" "$c" --help >/dev/null 2>&1 && ok || bad "$c --help"
done

# numbers: not a number and out of range are different mistakes, for every numeric option
num() { # want-message command...
  local want=$1; shift
  expect_exit 2 "$*" "$@"
  grep -qxF "iaptsim: $want" "$tmp/stderr" && ok || bad "$*: got '$(cat "$tmp/stderr")', expected '$want'"
}
num "--replicates: 'abc' is not a whole number" "$bin" run scenarios/default.yaml --replicates abc
num "--replicates: '2.5' is not a whole number" "$bin" run scenarios/default.yaml --replicates=2.5
num "--replicates: 0 is out of range [1, 100000]" "$bin" run scenarios/default.yaml --replicates 0
num "--threads: 'many' is not a whole number" "$bin" run scenarios/default.yaml --threads many
num "--threads: 2000 is out of range [1, 1024]" "$bin" run scenarios/default.yaml --threads 2000
num "--seed: 'x1' is not a whole number" "$bin" check scenarios/default.yaml --seed x1
num "--seed: -1 is out of range [0, 18446744073709551615]" "$bin" check scenarios/default.yaml --seed=-1
num "--seed: 18446744073709551616 is out of range [0, 18446744073709551615]" "$bin" check scenarios/default.yaml --seed 18446744073709551616
num "--scale: 'half' is not a number" "$bin" run scenarios/default.yaml --scale half
num "--scale: 2 is out of range (0, 1]" "$bin" run scenarios/default.yaml --scale 2
num "--scale: 0 is out of range (0, 1]" "$bin" run scenarios/default.yaml --scale 0
num "--refine: 'lots' is not a whole number" "$bin" sensitivity scenarios/default.yaml --refine lots
num "--refine: 21 is out of range [0, 20]" "$bin" sensitivity scenarios/default.yaml --refine 21
num "--max-evaluations: '1e3' is not a whole number" "$bin" calibrate scenarios/default.yaml --max-evaluations 1e3
num "--max-evaluations: 0 is out of range [1, 100000]" "$bin" calibrate scenarios/default.yaml --max-evaluations 0
num "--thresholds: '0:x:10' is not FROM:TO:STEP (three numbers)" "$bin" compare a.yaml b.yaml --thresholds 0:x:10
num "--thresholds: 5:1:1 is out of range: FROM:TO:STEP needs 0 <= FROM <= TO, STEP > 0 and at most 100000 steps" \
  "$bin" compare a.yaml b.yaml --thresholds 5:1:1

# a value for a parameter that has a distribution would be lost to the draws: refused, as
# year-by-year values for a parameter read once for the whole run are (a user's trial)
hint="to fix it, leave it out of the uncertainty block (a scenario with base: can give an uncertainty block of its own without it); to vary it around another value, give the distribution that mean"
num "$tmp/psa.yaml: treatment.effect_li: the value from --set would be ignored: uncertainty.treatment.effect_li ($tmp/psa.yaml:8:24) draws it in every replicate; $hint" \
  "$bin" run "$tmp/psa.yaml" --set treatment.effect_li=0.09 -o "$tmp/fixed_set" -q
[ -e "$tmp/fixed_set" ] && bad "--set of an uncertain parameter wrote results" || ok
num "$tmp/psa.yaml: treatment.effect_li: the year-by-year values from --set would be ignored: uncertainty.treatment.effect_li ($tmp/psa.yaml:8:24) draws one value for every year; $hint" \
  "$bin" check "$tmp/psa.yaml" --set treatment.effect_li@2019=0.09
num "$tmp/psa.yaml: treatment.effect_li: the value from --set would be ignored: uncertainty.treatment.effect_li ($tmp/psa.yaml:8:24) draws it in every replicate; $hint" \
  "$bin" sensitivity "$tmp/psa.yaml" --set treatment.effect_li=0.09 --vary cost.li_session=50:800 -o "$tmp/fixed_sens" -q
num "--alt LI9: treatment.effect_li: the value from --alt-set would be ignored: uncertainty.treatment.effect_li ($tmp/psa.yaml:8:24) draws it in every replicate; $hint" \
  "$bin" compare "$tmp/psa.yaml" --alt LI9 --alt-set treatment.effect_li=0.09 -o "$tmp/fixed_alt" -q
[ -e "$tmp/fixed_alt" ] && bad "--alt-set of an uncertain parameter wrote results" || ok
# a child's value over its base's distribution is refused; a base's value that a child's
# distribution now varies is what inheritance is for
printf 'iaptsim: 1\nbase: psa.yaml\nname: Child\nparameters:\n  treatment.effect_li: 0.09\n' >"$tmp/fixed_child.yaml"
num "$tmp/psa.yaml:8:24: uncertainty.treatment.effect_li: the parameter also has a value in parameters ($tmp/fixed_child.yaml:5), which the draws would replace in every replicate; $hint" \
  "$bin" check "$tmp/fixed_child.yaml"
printf 'iaptsim: 1\nbase: psa.yaml\nname: Base\nparameters:\n  cost.li_session: 120\n' >"$tmp/fixed_base.yaml"
printf 'iaptsim: 1\nbase: fixed_base.yaml\nname: Varied\nuncertainty:\n  cost.li_session: {dist: gamma, mean: 120, sd: 10}\n' >"$tmp/fixed_varied.yaml"
printf 'parameters:\n  treatment.effect_li: 0.09\n' >"$tmp/fixed_const.yaml"
sed 's/^uncertainty:/include: fixed_const.yaml\nuncertainty:/' "$tmp/psa.yaml" >"$tmp/better_const.yaml"
expect_exit 0 "a child's distribution over its base's value" "$bin" check "$tmp/fixed_varied.yaml"
printf 'iaptsim: 1\nbase: psa.yaml\nname: Varied\nparameters:\n  cost.li_session: 120\nuncertainty:\n  cost.li_session: {dist: gamma, mean: 120, sd: 10}\n' >"$tmp/fixed_same.yaml"
num "$tmp/fixed_same.yaml:7:3: uncertainty.cost.li_session: the parameter also has a value in parameters ($tmp/fixed_same.yaml:5), which the draws would replace in every replicate; $hint" \
  "$bin" check "$tmp/fixed_same.yaml"
expect_exit 2 "an included value beside a distribution" "$bin" check "$tmp/better_const.yaml"
[ "$(head -n 1 "$tmp/stderr")" = "iaptsim: $tmp/better_const.yaml:9:3: uncertainty.treatment.effect_li: the parameter also has a value in parameters ($tmp/fixed_const.yaml:2), which the draws would replace in every replicate; $hint" ] \
  && ok || bad "included value message: $(head -n 1 "$tmp/stderr")"
for p in run.burn_in_years=0 run.psa_draws_per_warm_up=10 workforce.services=100 workforce.capacity_sd=0 distribution.elasticity=1; do
  n=${p%%=*}
  num "--set $n@2020=${p#*=}: $n is one value for the whole run (read at the first year): give it without a year" \
    "$bin" check "$tmp/psa.yaml" --set "$n@2020=${p#*=}"
done
num "--alt-set run.burn_in_years@2020=0: run.burn_in_years is one value for the whole run (read at the first year): give it without a year" \
  "$bin" compare "$tmp/psa.yaml" --alt B --alt-set run.burn_in_years@2020=0 -o "$tmp/fixed_burn" -q
expect_exit 0 "a whole-run parameter without a year" "$bin" check "$tmp/psa.yaml" --set run.burn_in_years=0
printf 'iaptsim: 1\nname: Burn\nyears: [2019, 2020]\nparameters:\n  run.burn_in_years: {2019: 1, 2020: 0}\n' >"$tmp/burn_years.yaml"
expect_exit 2 "run.burn_in_years by year in parameters" "$bin" check "$tmp/burn_years.yaml"
[ "$(head -n 1 "$tmp/stderr")" = "iaptsim: $tmp/burn_years.yaml:5:29: parameters.run.burn_in_years is one value for the whole run (read at the first year): give it without a year" ] \
  && ok || bad "burn-in by year message: $(head -n 1 "$tmp/stderr")"

# every command rejects a stray argument, before doing anything
num "metrics: unexpected argument 'extra' (see 'iaptsim metrics --help')" "$bin" metrics extra
[ -s "$tmp/stdout" ] && bad "metrics extra printed the metrics" || ok
for c in "run a.yaml" "sensitivity a.yaml" "calibrate a.yaml" "validate a.yaml" "report a" "check a.yaml" "params a.yaml" "plugins a" "version"; do
  set -- $c
  num "$1: unexpected argument 'stray' (see 'iaptsim $1 --help')" "$bin" "$@" stray
done

# plugins FILE that does not exist: the mistake, not the built-in list first
expect_exit 2 "plugins nonexist.lua" "$bin" plugins nonexist.lua
[ -s "$tmp/stdout" ] && bad "plugins nonexist.lua printed $(wc -l <"$tmp/stdout") lines first" || ok
grep -q "nonexist.lua: cannot open" "$tmp/stderr" && ok || bad "plugins nonexist.lua: $(cat "$tmp/stderr")"
expect_exit 2 "plugins DIR that does not exist" "$bin" plugins "$tmp/nodir"
[ -s "$tmp/stdout" ] && bad "plugins NODIR printed the built-in list first" || ok

# report of a folder without results: say so, no "line -1"
mkdir -p "$tmp/empty"
num "$tmp/empty: no run.json here, so no results of iaptsim to report on (run, compare or sensitivity writes a results folder)" "$bin" report "$tmp/empty"

# validate -o FILE: the header names the command that made it, not another file
grep -q -- "-o \|docs/validation.md" "$tmp/validation.md" && bad "validate -o FILE names another output: $(sed -n 3,4p "$tmp/validation.md")" || ok
sed -n 4p "$tmp/validation.md" | grep -qx '`iaptsim validate scenarios/history_2012_2020.yaml --observed data/national_annual.csv --mix data/pathway_mix.csv`' \
  && ok || bad "validate header: $(sed -n 3,4p "$tmp/validation.md")"

# fitted.yaml says what the README says: a scenario includes it
head -n 1 "$tmp/cal/fitted.yaml" | grep -q "include: PATH/fitted.yaml" && ! grep -qi paste "$tmp/cal/fitted.yaml" && ok || bad "fitted.yaml: $(head -n 1 "$tmp/cal/fitted.yaml")"

# make run: a quiet build, so the run's summary is the last thing on the screen; a failed
# build shows its log
build=$(dirname "$bin")
printf 'iaptsim: 1\nname: make run\nyears: 2019\nreplicates: 2\npopulation_scale: 0.005\n' >"$tmp/makerun.yaml"
make --no-print-directory run BUILD="$build" SCENARIO="$tmp/makerun.yaml" >"$tmp/make.out" 2>&1 && ok || bad "make run: $(tail -n 5 "$tmp/make.out")"
grep -Eq "Building C|Linking|Built target|Scanning" "$tmp/make.out" && bad "make run shows the build" || ok
tail -n 1 "$tmp/make.out" | grep -q "^results: " && ok || bad "make run does not end with the results: $(tail -n 1 "$tmp/make.out")"
# short: the run's tables (pathway, appraisal, budget impact by year), nothing of the build
[ "$(wc -l <"$tmp/make.out")" -lt 36 ] && ok || bad "make run printed $(wc -l <"$tmp/make.out") lines"
mkdir -p "$tmp/broken" && echo "not a cache" >"$tmp/broken/CMakeCache.txt"
make --no-print-directory run BUILD="$tmp/broken" SCENARIO="$tmp/makerun.yaml" >"$tmp/make.out" 2>&1 && bad "make run with a broken build succeeded" || ok
grep -q "make: the build failed" "$tmp/make.out" && grep -qi "error" "$tmp/make.out" && ok || bad "make run hides a failed build: $(cat "$tmp/make.out")"

# hostile plugins (tests/data/plugins/hostile, one per way out of the sandbox's bounds): run
# exits as X.expect says (line 1), its first error names the plugin file and line (line 2),
# within 10 s of CPU time (wall time on a shared machine says little) and 200 MB, and writes
# nothing; check agrees (it passes what fails only at run time). Under the sanitizers time is
# looser and memory is theirs: not measured.
limit_ms=10000; limit_kb=204800
if [ -n "${ASAN_OPTIONS:-}${UBSAN_OPTIONS:-}" ]; then limit_ms=120000; limit_kb=0; fi
timer=/usr/bin/time; [ -x "$timer" ] || timer=
for y in tests/data/plugins/hostile/*.yaml; do
  n=$(basename "$y" .yaml); want=$(sed -n 1p "${y%.yaml}.expect"); frag=$(sed -n 2p "${y%.yaml}.expect")
  out="$tmp/hostile_$n"
  t0=$(date +%s%N)
  if [ -n "$timer" ]; then
    $timer -f "%U %S %M" -o "$tmp/usage" timeout 150 "$bin" run "$y" -o "$out" -q >/dev/null 2>"$tmp/stderr"; rc=$?
    read -r user sys kb < <(tail -n 1 "$tmp/usage")
    ms=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%d", (u + s) * 1000}')
  else
    timeout 150 "$bin" run "$y" -o "$out" -q >/dev/null 2>"$tmp/stderr"; rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 )); kb=0
  fi
  first=$(grep -m 1 '^iaptsim: ' "$tmp/stderr")
  if [ "$rc" -ne "$want" ]; then bad "hostile $n: run exit $rc, expected $want: $(head -n 2 "$tmp/stderr")"
  elif ! printf '%s\n' "$first" | grep -qF -- "$frag"; then bad "hostile $n: first error '$first', expected '$frag'"
  elif [ "$ms" -gt "$limit_ms" ]; then bad "hostile $n: took $ms ms"
  elif [ "$limit_kb" -gt 0 ] && [ "$kb" -gt "$limit_kb" ]; then bad "hostile $n: $kb kB"
  elif [ -e "$out" ]; then bad "hostile $n: wrote $out"
  else ok; fi
  if [ "$want" -eq 1 ]; then
    # check's trial replicate meets what fails at run time, with the run's message
    expect_exit 1 "hostile $n: check" "$bin" check "$y"
    grep -m 1 '^iaptsim: ' "$tmp/stderr" | grep -qF -- "$frag" && ok || bad "hostile $n: check says $(head -n 1 "$tmp/stderr")"
  fi
done
for n in proxy_abort option_proxy gc_hang; do
  expect_exit 2 "hostile $n: check" "$bin" check "tests/data/plugins/hostile/$n.yaml"
  grep -qF -- "$(sed -n 2p "tests/data/plugins/hostile/$n.expect")" "$tmp/stderr" && ok || bad "hostile $n: check says $(head -n 1 "$tmp/stderr")"
done
# plugins DIR: a plugin that does not load is named with the reason, the others listed
mkdir -p "$tmp/pdir"
cp tests/data/plugins/hostile/proxy_abort.lua tests/data/plugins/hostile/option_proxy.lua tests/data/plugins/tame.lua "$tmp/pdir/"
expect_exit 2 "plugins DIR with hostile plugins" "$bin" plugins "$tmp/pdir"
grep -q "proxy_abort.lua: does not load" "$tmp/stdout" && grep -q "option_proxy.lua: does not load" "$tmp/stdout" \
  && grep -q "^tame  (" "$tmp/stdout" && ok || bad "plugins DIR with hostile plugins: $(cat "$tmp/stdout" "$tmp/stderr" | head -n 5)"

# run.psa_draws_per_warm_up: a warning when it is in effect (stderr, even under -q, and
# run.json) and when it is given but cannot apply; none at its default
expect_exit 0 "shared warm-up" "$bin" run bench/psa.yaml -o "$tmp/wu" -q --replicates 3 --scale 0.005 --set run.psa_draws_per_warm_up=2
grep -qx "iaptsim: warning: National 2019-20 PSA: run.psa_draws_per_warm_up 2: each group of 2 draws continues from one warm-up, for speed; the spread of waiting times over draws, and how outputs move with parameters that shape the waiting lists (such as access.signpost_share), are approximate (docs/uncertainty.md, One warm-up for several draws)" "$tmp/stderr" \
  && python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["warnings"]; sys.exit(not (len(w) == 1 and "each group of 2 draws" in w[0]))' "$tmp/wu/run.json" \
  && ok || bad "shared warm-up warning: $(cat "$tmp/stderr")"
expect_exit 0 "shared warm-up without uncertainty" "$bin" run scenarios/default.yaml -o "$tmp/wu2" -q --replicates 1 --scale 0.005 --set run.psa_draws_per_warm_up=10
grep -qx "iaptsim: warning: National 2019-20: run.psa_draws_per_warm_up 10 has no effect: the scenario has no uncertainty block, so every replicate simulates its own warm-up" "$tmp/stderr" \
  && ok || bad "shared warm-up without effect: $(cat "$tmp/stderr")"
expect_exit 0 "shared warm-up without warm-up" "$bin" run bench/psa.yaml -o "$tmp/wu3" -q --replicates 2 --scale 0.005 --set run.psa_draws_per_warm_up=2 --set run.burn_in_years=0
grep -qx "iaptsim: warning: National 2019-20 PSA: run.psa_draws_per_warm_up 2 has no effect: run.burn_in_years is 0: there is no warm-up to share" "$tmp/stderr" \
  && ok || bad "shared warm-up without a warm-up: $(cat "$tmp/stderr")"
expect_exit 0 "no shared warm-up" "$bin" run bench/psa.yaml -o "$tmp/wu4" -q --replicates 2 --scale 0.005
[ ! -s "$tmp/stderr" ] && ok || bad "a PSA at the default warns: $(cat "$tmp/stderr")"

# the first-session priority's two further parameters without the priority: a warning (stderr,
# run.json; compare too), none when the priority is on
expect_exit 0 "priority share without the priority" "$bin" run scenarios/default.yaml -o "$tmp/pr1" -q --replicates 1 --scale 0.005 \
  --set access.unseen_leave_weekly=0.2 --set access.first_treatment_priority_share=0.5
grep -qx "iaptsim: warning: National 2019-20: access.first_treatment_priority_share and access.unseen_leave_weekly have no effect: access.first_treatment_priority_weeks is 0 (docs/model.md, Access and waiting lists)" "$tmp/stderr" \
  && python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["warnings"]; sys.exit(not (len(w) == 1 and "have no effect" in w[0]))' "$tmp/pr1/run.json" \
  && ok || bad "priority parameters without the priority: $(cat "$tmp/stderr")"
expect_exit 0 "leaving unseen in a compare, without the priority" "$bin" compare scenarios/default.yaml -o "$tmp/pr2" -q --replicates 1 --scale 0.005 \
  --alt "unseen only" --alt-set access.unseen_leave_weekly=0.2
grep -qx "iaptsim: warning: unseen only: access.unseen_leave_weekly has no effect: access.first_treatment_priority_weeks is 0 (docs/model.md, Access and waiting lists)" "$tmp/stderr" \
  && ok || bad "compare: leaving unseen without the priority: $(cat "$tmp/stderr")"
expect_exit 0 "priority with its share" "$bin" run scenarios/default.yaml -o "$tmp/pr3" -q --replicates 1 --scale 0.005 \
  --set access.first_treatment_priority_weeks=5 --set access.first_treatment_priority_share=0.5
[ ! -s "$tmp/stderr" ] && ok || bad "the priority with its share warns: $(cat "$tmp/stderr")"

finish cli
