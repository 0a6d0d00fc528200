#!/bin/bash
# One-line what-ifs as a user meets them: base: (inheritance, nesting, cycles, errors at
# file:line:col), compare --alt/--alt-set (a comparison with no file written), the warning
# when --set makes strategies the same, and iaptsim diff (its output and exit codes).
# Usage: whatif_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$1
src=$2
cd "$src" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect_exit() { # code description command...
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  if [ $rc -eq "$want" ]; then ok; else bad "$what: exit $rc, expected $want: $(head -n 2 "$tmp/stderr")"; fi
}
# stderr is exactly these lines
expect_err() { # description expected
  if [ "$(cat "$tmp/stderr")" == "$2" ]; then ok; else bad "$1: got '$(cat "$tmp/stderr")', expected '$2'"; fi
}

mkdir "$tmp/sc" "$tmp/sc/sub"
cat >"$tmp/sc/base.yaml" <<'YAML'
iaptsim: 1
name: Small base
years: 2019
seed: 11
replicates: 2
population_scale: 0.005
parameters:
  treatment.li_max_sessions: {2012: 5, 2016: 7}
  cost.li_session: 120
YAML
# the child sits in another folder: its base's path is relative to the child
cat >"$tmp/sc/sub/child.yaml" <<'YAML'
iaptsim: 1
name: DNA 8%
parameters:
  treatment.dna_rate: 0.08
base: ../base.yaml
YAML
cat >"$tmp/sc/sub/grandchild.yaml" <<'YAML'
iaptsim: 1
base: child.yaml
name: Seed 12
seed: 12
parameters:
  treatment.li_max_sessions: 4
YAML

# inheritance: the child is the base with one number changed, to the byte
expect_exit 0 "check child" "$bin" check "$tmp/sc/sub/child.yaml"
grep -qx "$tmp/sc/sub/child.yaml: ok: 'DNA 8%', 2019-20 to 2019-20, 2 replicates, population scale 0.005, seed 11" "$tmp/stdout" && ok || bad "check child: $(cat "$tmp/stdout")"
"$bin" run "$tmp/sc/sub/child.yaml" -o "$tmp/r_child" -q --threads 1 || bad "run child"
"$bin" run "$tmp/sc/base.yaml" --set treatment.dna_rate=0.08 -o "$tmp/r_set" -q --threads 1 || bad "run base --set"
for f in summary.csv replicates.csv economics.csv ledger.csv; do
  cmp -s "$tmp/r_child/$f" "$tmp/r_set/$f" && ok || bad "inheritance: $f of the child differs from the base with --set"
done
base_sha=$(sha256sum "$tmp/sc/base.yaml" | cut -c1-64)
want_sha=$( (cat "$tmp/sc/sub/child.yaml"; printf '\nbase %s\n' "$base_sha") | sha256sum | cut -c1-64)
grep -q "\"sha256\": \"$want_sha\"" "$tmp/r_child/run.json" && ok || bad "run.json sha256 does not cover the base"

# nested: the grandchild's own values, the child's, the base's; a number replaces a year-by-year value
expect_exit 1 "diff base grandchild" "$bin" diff "$tmp/sc/base.yaml" "$tmp/sc/sub/grandchild.yaml"
want="--- $tmp/sc/base.yaml (Small base)
+++ $tmp/sc/sub/grandchild.yaml (Seed 12)
name
  - Small base  ($tmp/sc/base.yaml:2)
  + Seed 12  ($tmp/sc/sub/grandchild.yaml:3)
seed
  - 11  ($tmp/sc/base.yaml:4)
  + 12  ($tmp/sc/sub/grandchild.yaml:4)
parameters.treatment.dna_rate
  - 0.1  (default)
  + 0.08  ($tmp/sc/sub/child.yaml:4)
parameters.treatment.li_max_sessions
  - 6; from 2012-13: 5; from 2016-17: 7  ($tmp/sc/base.yaml:8)
  + 4  ($tmp/sc/sub/grandchild.yaml:6)
4 differences"
[ "$(cat "$tmp/stdout")" == "$want" ] && ok || bad "diff base grandchild: got
$(cat "$tmp/stdout")"
expect_exit 0 "diff a file with itself" "$bin" diff "$tmp/sc/sub/child.yaml" "$tmp/sc/sub/child.yaml"
[ "$(tail -n 1 "$tmp/stdout")" == "no differences" ] && ok || bad "diff itself: $(cat "$tmp/stdout")"
expect_exit 1 "diff --format csv" "$bin" diff "$tmp/sc/base.yaml" "$tmp/sc/sub/child.yaml" --format csv
want="what,a,b,a_set_at,b_set_at
name,Small base,DNA 8%,$tmp/sc/base.yaml:2,$tmp/sc/sub/child.yaml:2
parameters.treatment.dna_rate,0.1,0.08,default,$tmp/sc/sub/child.yaml:4"
[ "$(cat "$tmp/stdout")" == "$want" ] && ok || bad "diff csv: $(cat "$tmp/stdout")"
expect_exit 2 "diff --format bad" "$bin" diff "$tmp/sc/base.yaml" "$tmp/sc/base.yaml" --format xml
expect_err "diff --format bad" "iaptsim: --format: 'xml' is not text or csv"
expect_exit 2 "diff one file" "$bin" diff "$tmp/sc/base.yaml"
expect_exit 2 "diff a missing file" "$bin" diff "$tmp/sc/base.yaml" "$tmp/none.yaml"
# the shipped scenarios: the issue's example lists their differences
expect_exit 1 "diff default layard" "$bin" diff scenarios/default.yaml scenarios/layard_2007.yaml
grep -qx "parameters.cost.per_course" "$tmp/stdout" && grep -qx "  + 750  (scenarios/layard_2007.yaml:23)" "$tmp/stdout" &&
  grep -qx "  - 0  (default)" "$tmp/stdout" && ok || bad "diff default layard: $(head -n 20 "$tmp/stdout")"
expect_exit 1 "diff default integrated" "$bin" diff scenarios/default.yaml scenarios/integrated_ltc.yaml
grep -qx "plugins.long_term_conditions" "$tmp/stdout" && ok || bad "diff does not list a plugin used by one only"

# lists and blocks replace the base's
cat >"$tmp/sc/plug.yaml" <<'YAML'
iaptsim: 1
name: With plugin
years: 2019
plugins:
  - use: long_term_conditions
    with: {integrated_share: 0.5}
sensitivity:
  cost.li_session: [50, 200]
YAML
printf 'iaptsim: 1\nbase: plug.yaml\nname: Other share\nplugins:\n  - use: long_term_conditions\n    with: {integrated_share: 0.25}\n' >"$tmp/sc/plug2.yaml"
printf 'iaptsim: 1\nbase: plug.yaml\nname: None\nplugins: []\nsensitivity: {}\n' >"$tmp/sc/plug3.yaml"
expect_exit 1 "diff plugin option" "$bin" diff "$tmp/sc/plug.yaml" "$tmp/sc/plug2.yaml" --format csv
grep -qx "plugins.long_term_conditions.with.integrated_share,0.5,0.25,$tmp/sc/plug.yaml:6,$tmp/sc/plug2.yaml:6" "$tmp/stdout" && ok || bad "diff plugin option: $(cat "$tmp/stdout")"
[ "$(wc -l <"$tmp/stdout")" -eq 3 ] && ok || bad "diff plugin option: more than the name and the option: $(cat "$tmp/stdout")"
expect_exit 1 "diff plugins replaced" "$bin" diff "$tmp/sc/plug.yaml" "$tmp/sc/plug3.yaml" --format csv
grep -qx "plugins.long_term_conditions,used,(not used),$tmp/sc/plug.yaml:5," "$tmp/stdout" &&
  grep -qx "sensitivity.cost.li_session,\"\[50, 200\]\",(none),$tmp/sc/plug.yaml:7," "$tmp/stdout" && ok || bad "plugins/sensitivity not replaced: $(cat "$tmp/stdout")"

# errors: a cycle named, a missing base at the base: line, a bad value in a base at the base's line
printf 'iaptsim: 1\nname: A\nyears: 2019\nbase: cyc_b.yaml\n' >"$tmp/sc/cyc_a.yaml"
printf 'iaptsim: 1\nbase: cyc_a.yaml\nname: B\n' >"$tmp/sc/cyc_b.yaml"
expect_exit 2 "base cycle" "$bin" check "$tmp/sc/cyc_a.yaml"
expect_err "base cycle" "iaptsim: $tmp/sc/cyc_b.yaml:2:7: base: a cycle: $tmp/sc/cyc_a.yaml -> $tmp/sc/cyc_b.yaml -> $tmp/sc/cyc_a.yaml
  base: cyc_a.yaml
        ^"
printf 'iaptsim: 1\nname: Self\nyears: 2019\nbase: ./self.yaml\n' >"$tmp/sc/self.yaml"
expect_exit 2 "base itself" "$bin" check "$tmp/sc/self.yaml"
expect_err "base itself" "iaptsim: $tmp/sc/self.yaml:4:7: base: a cycle: $tmp/sc/self.yaml -> $tmp/sc/./self.yaml
  base: ./self.yaml
        ^"
printf 'iaptsim: 1\nname: Lost\nbase: nowhere.yaml\n' >"$tmp/sc/lost.yaml"
expect_exit 2 "missing base" "$bin" run "$tmp/sc/lost.yaml" -o "$tmp/r_lost"
expect_err "missing base" "iaptsim: $tmp/sc/lost.yaml:3:7: base: $tmp/sc/nowhere.yaml: cannot open: No such file or directory
  base: nowhere.yaml
        ^"
[ -e "$tmp/r_lost" ] && bad "missing base wrote results" || ok
printf 'iaptsim: 1\nbase: base.yaml\nname: Bad\nreplicates: 0\n' >"$tmp/sc/badbase.yaml"
printf 'iaptsim: 1\nbase: badbase.yaml\nname: Uses bad\n' >"$tmp/sc/usebad.yaml"
expect_exit 2 "error in a base" "$bin" check "$tmp/sc/usebad.yaml"
expect_err "error in a base" "iaptsim: $tmp/sc/badbase.yaml:4:13: replicates: 0 is out of range [1, 100000]
  replicates: 0
              ^"
printf 'iaptsim: 1\nbase: base.yaml\nname: Syntax\nparameters: {a: [}\n' >"$tmp/sc/syntax.yaml"
printf 'iaptsim: 1\nbase: syntax.yaml\n' >"$tmp/sc/usesyntax.yaml"
expect_exit 2 "YAML error in a base" "$bin" check "$tmp/sc/usesyntax.yaml"
head -n 1 "$tmp/stderr" | grep -q "^iaptsim: $tmp/sc/syntax.yaml:4:[0-9]*: YAML syntax error" && ok || bad "YAML error in a base: $(cat "$tmp/stderr")"
printf 'iaptsim: 1\nbase: [a.yaml]\nname: X\nyears: 2019\n' >"$tmp/sc/baselist.yaml"
expect_exit 2 "base a list" "$bin" check "$tmp/sc/baselist.yaml"
head -n 1 "$tmp/stderr" | grep -qx "iaptsim: $tmp/sc/baselist.yaml:2:7: base: expected the path of the scenario to start from" && ok || bad "base a list: $(cat "$tmp/stderr")"
printf 'iaptsim: 1\nbase: plug.yaml\n' >"$tmp/sc/noname.yaml"
expect_exit 0 "name and years from the base" "$bin" check "$tmp/sc/noname.yaml"
printf 'iaptsim: 1\nname: X\n' >"$tmp/sc/noyears.yaml"
expect_exit 2 "missing years" "$bin" check "$tmp/sc/noyears.yaml"
head -n 1 "$tmp/stderr" | grep -qx "iaptsim: $tmp/sc/noyears.yaml:1:1: missing required key 'years'" && ok || bad "missing years: $(cat "$tmp/stderr")"

# compare --alt: the same comparison as with the child file, with no file written
small=(-q --threads 1)
expect_exit 0 "compare with a file" "$bin" compare "$tmp/sc/base.yaml" "$tmp/sc/sub/child.yaml" -o "$tmp/c_file" "${small[@]}"
expect_exit 0 "compare --alt" "$bin" compare "$tmp/sc/base.yaml" --alt "DNA 8%" --alt-set treatment.dna_rate=0.08 -o "$tmp/c_alt" "${small[@]}"
[ ! -s "$tmp/stderr" ] && ok || bad "compare --alt warned: $(cat "$tmp/stderr")"
for f in comparison.csv frontier.csv; do
  cmp -s "$tmp/c_file/$f" "$tmp/c_alt/$f" && ok || bad "compare --alt: $f differs from the comparison with the child file"
done
[ -s "$tmp/c_alt/dna_8/summary.csv" ] && ok || bad "compare --alt: no folder for the alternative: $(ls "$tmp/c_alt")"
# a name given twice, or the base's own name, would make comparison.csv ambiguous: refused
expect_exit 2 "compare --alt named twice" "$bin" compare "$tmp/sc/base.yaml" --alt X --alt-set treatment.dna_rate=0.08 \
  --alt X --alt-set treatment.dna_rate=0.06 -o "$tmp/c_dup" "${small[@]}"
expect_err "compare --alt named twice" "iaptsim: strategies 2 ($tmp/sc/base.yaml) and 3 ($tmp/sc/base.yaml) are both named 'X': a comparison names each strategy once (rename one: name: in its file, or --alt NAME)"
expect_exit 2 "compare --alt named as the base" "$bin" compare "$tmp/sc/base.yaml" --alt "Small base" --alt-set treatment.dna_rate=0.08 \
  -o "$tmp/c_dup" "${small[@]}"
[ ! -e "$tmp/c_dup" ] && ok || bad "a refused comparison wrote $tmp/c_dup"

# two alternatives; run.json keeps --alt and --alt-set in the order typed
expect_exit 0 "compare two --alt" "$bin" compare "$tmp/sc/base.yaml" --alt "DNA 8%" --alt-set treatment.dna_rate=0.08 \
  --alt Cheaper --alt-set cost.li_session=80 --alt-set cost.hi_session=150 -o "$tmp/c_alt2" "${small[@]}"
tr -d ' \n' <"$tmp/c_alt2/run.json" | grep -q '\["--alt","DNA8%"\],\["--alt-set","treatment.dna_rate=0.08"\],\["--alt","Cheaper"\],\["--alt-set","cost.li_session=80"\],\["--alt-set","cost.hi_session=150"\]' &&
  ok || bad "run.json: --alt and --alt-set out of order: $(grep -A12 '"options"' "$tmp/c_alt2/run.json")"
[ "$(grep -c '^Cheaper,nhs,incremental_cost,' "$tmp/c_alt2/comparison.csv")" -eq 1 ] && ok || bad "compare two --alt: no row for Cheaper"
expect_exit 2 "--alt-set unknown parameter" "$bin" compare "$tmp/sc/base.yaml" --alt X --alt-set treatment.dna_rat=0.08 -o "$tmp/c_bad"
expect_err "--alt-set unknown parameter" "iaptsim: --alt-set treatment.dna_rat=0.08: unknown parameter 'treatment.dna_rat' (did you mean 'treatment.dna_rate'?)"
expect_exit 2 "--alt-set out of bounds" "$bin" compare "$tmp/sc/base.yaml" --alt X --alt-set treatment.dna_rate=2 -o "$tmp/c_bad"
expect_err "--alt-set out of bounds" "iaptsim: --alt-set treatment.dna_rate=2: treatment.dna_rate: 2 is out of range [0, 0.9] (proportion)"
expect_exit 2 "--alt-set before --alt" "$bin" compare "$tmp/sc/base.yaml" --alt-set treatment.dna_rate=0.08 --alt X -o "$tmp/c_bad"
expect_err "--alt-set before --alt" "iaptsim: --alt-set treatment.dna_rate=0.08: name the alternative first (--alt NAME --alt-set treatment.dna_rate=0.08)"
expect_exit 2 "--alt without a base" "$bin" compare --alt X --alt-set treatment.dna_rate=0.08
expect_err "--alt without a base" "iaptsim: compare: needs a base scenario (iaptsim compare BASE.yaml --alt NAME --alt-set NAME=VALUE)"
[ -e "$tmp/c_bad" ] && bad "a bad --alt wrote results" || ok

# an alternative on another services table than the base's: a warning (stderr, run.json); the
# same table on both: none
python3 tools/services_table.py "$tmp/sc/own.csv" && ok || bad "services_table.py"
printf 'iaptsim: 1\nbase: base.yaml\nname: Own table\nservices: own.csv\n' >"$tmp/sc/own.yaml"
expect_exit 0 "another services table" "$bin" compare "$tmp/sc/base.yaml" "$tmp/sc/own.yaml" -o "$tmp/c_tab" "${small[@]}"
grep -q "^iaptsim: warning: 'Own table' runs on another services table than the base 'Small base' (.*own.csv against the built-in table): its increments include the change of table$" "$tmp/stderr" && ok || bad "no warning for another table: $(cat "$tmp/stderr")"
tr -d '\n' <"$tmp/c_tab/run.json" | grep -q "runs on another services table" && ok || bad "run.json lacks the table warning"
printf 'iaptsim: 1\nbase: own.yaml\nname: Own table too\n' >"$tmp/sc/own2.yaml"
expect_exit 0 "the same services table" "$bin" compare "$tmp/sc/own.yaml" "$tmp/sc/own2.yaml" -o "$tmp/c_tab2" "${small[@]}"
grep -q "services table" "$tmp/stderr" && bad "a warning for the same table: $(cat "$tmp/stderr")" || ok

# --set applies to every strategy: a warning when it makes two the same
expect_exit 0 "--set makes them the same" "$bin" compare "$tmp/sc/base.yaml" "$tmp/sc/sub/child.yaml" --set treatment.dna_rate=0.08 -o "$tmp/c_same" "${small[@]}"
expect_err "--set makes them the same" "iaptsim: warning: 'Small base' and 'DNA 8%' are the same model once --set is applied (--set applies to every strategy; --alt-set to one): every increment between them is zero"
grep -q "^DNA 8%,nhs,incremental_cost,NA,0,0,0,2,0$" "$tmp/c_same/comparison.csv" && ok || bad "the same model: increments not zero"
# ... and in the comparison's run.json and report (not in each strategy's own run.json)
tr -d '\n' <"$tmp/c_same/run.json" | grep -q '"warnings": \["'"'"'Small base'"'"' and '"'"'DNA 8%'"'"' are the same model once --set is applied' && ok || bad "run.json lacks the same-model warning"
grep -q "are the same model" "$tmp/c_same/report.html" && ok || bad "report.html lacks the same-model warning"
grep -q "are the same model" "$tmp"/c_same/*/run.json && bad "a strategy's own run.json has the comparison's warning" || ok
expect_exit 0 "--alt the same as the base" "$bin" compare "$tmp/sc/base.yaml" --alt Same --alt-set cost.li_session=120 -o "$tmp/c_same2" "${small[@]}"
expect_err "--alt the same as the base" "iaptsim: warning: 'Small base' and 'Same' are the same model: every increment between them is zero"

expect_exit 0 "two --alt, no values" "$bin" compare "$tmp/sc/base.yaml" --alt A --alt B -o "$tmp/c_same3" "${small[@]}"
[ "$(grep -c "are the same model: every increment" "$tmp/stderr")" -eq 3 ] && ok || bad "two --alt, no values: $(cat "$tmp/stderr")"
tr -d ' \n' <"$tmp/c_same3/run.json" | grep -q '\["--alt","A"\],\["--alt","B"\]' && ok || bad "run.json lacks one of two --alt"

# help says what --set and diff do
expect_exit 0 "help compare" "$bin" help compare
grep -q "^--set applies to every strategy" "$tmp/stdout" && grep -q -- "--alt-set NAME=VALUE" "$tmp/stdout" && ok || bad "help compare: $(cat "$tmp/stdout")"
expect_exit 0 "help diff" "$bin" help diff
grep -q "exit 0 when none differ, 1 when some do, 2 on bad input" "$tmp/stdout" && ok || bad "help diff: $(cat "$tmp/stdout")"

finish whatif
