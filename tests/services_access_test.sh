#!/bin/bash
# tools/services_access_calibrate.py (docs/calibration.md): one iteration at a small scale
# writes data/services.csv with capacity_factor and entering_factor on every row, within the
# engine's bounds; a scenario naming the table passes iaptsim check and runs; a service the
# fit offers treatment to less often (a lower entering_factor) enters fewer of its referrals.
# Without an output path, or with bad arguments, the tool says how to call it and fails
# before it runs anything (exit 2, no traceback). tools/services_table.py writes
# the built-in table whole, which runs exactly as the built-in one.
# Usage: services_access_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$(readlink -f "$1")
src=$(readlink -f "$2")
skip_without python3 services_access
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tool="$src/tools/services_access_calibrate.py"
python3 "$tool" >"$tmp/usage" 2>&1
[ $? -eq 2 ] && grep -q '^usage: ' "$tmp/usage" && ok || bad "no output path: $(cat "$tmp/usage")"
for args in "$tmp/x.csv $bin abc" "$tmp/x.csv $bin -1 0.05" "$tmp/x.csv $bin 1 5" "/nonexistent/x.csv $bin 1 0.02"; do
  # shellcheck disable=SC2086
  python3 "$tool" $args >"$tmp/usage" 2>&1
  rc=$?
  [ $rc -eq 2 ] && ! grep -q Traceback "$tmp/usage" && [ ! -e "$tmp/x.csv" ] && ok || bad "bad arguments '$args': exit $rc: $(cat "$tmp/usage")"
done
# outputs the tools refuse before they run: a folder, a file that is not a regular one (a
# FIFO here: replacing it would be harmless), a path inside data/
mkdir "$tmp/dir" && mkfifo "$tmp/fifo"
for out in "$tmp/dir" "$tmp/fifo" "$src/data/x.csv"; do
  for t in "$tool" "$src/tools/services_table.py"; do
    if [ "$t" = "$tool" ]; then python3 "$t" "$out" "$bin" 0 0.02; else python3 "$t" "$out"; fi >"$tmp/usage" 2>&1
    rc=$?
    [ $rc -eq 2 ] && grep -q "cannot write" "$tmp/usage" && [ -p "$tmp/fifo" ] && [ ! -e "$src/data/x.csv" ] && ok ||
      bad "$(basename "$t") $out: exit $rc: $(cat "$tmp/usage")"
  done
done
python3 "$tool" "$tmp/fit.csv" "$bin" 1 0.02 >"$tmp/log" 2>&1 && ok || bad "the fit failed: $(tail -n 3 "$tmp/log")"
grep -q '^iteration 1: ' "$tmp/log" && ok || bad "no second iteration: $(tail -n 3 "$tmp/log")"
python3 - "$tmp/fit.csv" "$src/data/services.csv" >"$tmp/cmp" 2>&1 <<'PY'
import csv, sys
fit = list(csv.DictReader(open(sys.argv[1])))
pub = list(csv.DictReader(open(sys.argv[2])))
def say(ok, msg):
    print(("ok " if ok else "bad ") + msg)
say(len(fit) == len(pub), "a row for every published row (%d, %d)" % (len(fit), len(pub)))
for col in ("capacity_factor", "entering_factor", "response_multiplier", "dna_z", "sessions_z"):
    say(col in fit[0], "column %s" % col)
vals = [(float(r["capacity_factor"]), float(r["entering_factor"])) for r in fit]
say(all(0.01 <= c <= 100 and 0.01 <= e <= 100 for c, e in vals), "factors within [0.01, 100]")
say(len({e for c, e in vals}) > 100, "entering factors differ between rows")
# the row of 2019-20 with the lowest entering factor, for the run below
low = min((r for r in fit if r["year"] == "2019-20"), key=lambda r: float(r["entering_factor"]))
high = max((r for r in fit if r["year"] == "2019-20"), key=lambda r: float(r["entering_factor"]))
print("codes %s %s" % (low["ccg_code"], high["ccg_code"]))
PY
grep '^bad' "$tmp/cmp" | sed 's/^bad /FAIL: /'
pass=$((pass + $(grep -c '^ok' "$tmp/cmp"))); fail=$((fail + $(grep -c '^bad' "$tmp/cmp")))
read -r _ low high < <(grep '^codes ' "$tmp/cmp")
printf 'iaptsim: 1\nname: fitted access\nyears: 2019\nseed: 3\nreplicates: 1\npopulation_scale: 0.05\nservices: %s\n' \
  "$tmp/fit.csv" >"$tmp/s.yaml"
"$bin" check "$tmp/s.yaml" >"$tmp/check" 2>&1 && ok || bad "iaptsim check refused the table: $(cat "$tmp/check")"
"$bin" run "$tmp/s.yaml" -o "$tmp/out" -q >"$tmp/run" 2>&1 && ok || bad "the run failed: $(cat "$tmp/run")"
python3 - "$tmp/out/services.csv" "$low" "$high" >"$tmp/cmp2" 2>&1 <<'PY'
import csv, sys
rows = {r["service_code"]: r for r in csv.DictReader(open(sys.argv[1])) if r["year"] == "2019-20"}
share = lambda c: float(rows[c]["entered_treatment"]) / float(rows[c]["referrals_received"])
lo, hi = share(sys.argv[2]), share(sys.argv[3])
print(("ok " if lo < hi else "bad ") + "%s (lowest entering_factor) enters %.3f of its referrals, %s (highest) %.3f" %
      (sys.argv[2], lo, sys.argv[3], hi))
PY
grep '^bad' "$tmp/cmp2" | sed 's/^bad /FAIL: /'
pass=$((pass + $(grep -c '^ok' "$tmp/cmp2"))); fail=$((fail + $(grep -c '^bad' "$tmp/cmp2")))
grep -q '^ok' "$tmp/cmp2" || bad "comparison failed: $(tail -n 3 "$tmp/cmp2")"
# tools/services_table.py: the built-in table whole (with its residual columns) runs exactly
# as the built-in table does; a plain copy of data/services.csv does not
python3 "$src/tools/services_table.py" "$tmp/whole.csv" >"$tmp/tlog" 2>&1 && ok || bad "services_table.py failed: $(cat "$tmp/tlog")"
cp "$src/data/services.csv" "$tmp/plain.csv"
for t in whole plain; do
  printf 'iaptsim: 1\nname: %s\nyears: 2019\nseed: 3\nreplicates: 1\npopulation_scale: 0.02\nservices: %s.csv\n' "$t" "$t" >"$tmp/$t.yaml"
  "$bin" run "$tmp/$t.yaml" -o "$tmp/o_$t" -q >"$tmp/rlog" 2>&1 || bad "run on the $t table failed: $(cat "$tmp/rlog")"
done
printf 'iaptsim: 1\nname: whole\nyears: 2019\nseed: 3\nreplicates: 1\npopulation_scale: 0.02\n' >"$tmp/builtin.yaml"
"$bin" run "$tmp/builtin.yaml" -o "$tmp/o_builtin" -q >"$tmp/rlog" 2>&1 || bad "built-in run failed: $(cat "$tmp/rlog")"
cmp -s "$tmp/o_whole/services.csv" "$tmp/o_builtin/services.csv" && ok || bad "the whole table's services.csv differs from the built-in one's"
cmp -s "$tmp/o_plain/services.csv" "$tmp/o_builtin/services.csv" && bad "a plain copy ran as the built-in table (the residuals had no effect?)" || ok
finish services_access
