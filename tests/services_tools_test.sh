#!/bin/bash
# The services tools (docs/validation.md, Services). tools/services_history_check.py pooled over
# the published data/services.csv itself gives back the published between-CCG statistics
# (data/services_published_stats.csv, population ccgs) within rounding, from the published table
# and from the same figures in the results/services.csv format (tests/data/services_fixture.csv);
# --check fails a table whose spread is doubled; a table of neither format is refused.
# tools/service_regression.py recovers known coefficients (tests/service_regression_test.py),
# tools/validation_services.py's checks of the waits give planted answers (tests/validation_services_test.py),
# tools/service_regression_power.py gives the power its simulation implies on planted designs
# (tests/service_regression_power_test.py),
# run when an interpreter with statsmodels is found, else reported as skipped.
# Usage: services_tools_test.sh SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
src=$(readlink -f "$1")
skip_without python3 services_tools
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hc="$src/tools/services_history_check.py"
python3 "$hc" "$src/data/services.csv" --csv "$tmp/pub.csv" >"$tmp/pub.txt" 2>&1 && ok || bad "history check on data/services.csv failed: $(tail -n 3 "$tmp/pub.txt")"
python3 "$hc" "$src/tests/data/services_fixture.csv" --csv "$tmp/fix.csv" >"$tmp/fix.txt" 2>&1 && ok || bad "history check on the fixture failed: $(tail -n 3 "$tmp/fix.txt")"
python3 - "$tmp/pub.csv" "$tmp/fix.csv" >"$tmp/cmp" 2>&1 <<'PY'
import csv, sys
pub = list(csv.DictReader(open(sys.argv[1])))
fix = {(r["year"], r["population"]): r for r in csv.DictReader(open(sys.argv[2]))}
def say(ok, msg):
    print(("ok " if ok else "bad ") + msg)
say(len(pub) == 6, "five years and 2021-22 without the resubmission (%d rows)" % len(pub))
for r in pub:
    y, pop = r["year"], r["population"]
    f = lambda k: float(r[k])
    # 2017-18 and 2018-19 are on the 2019-20 geography (merged predecessors pooled: 191 against 207 and 195)
    same_geo = y not in ("2017-18", "2018-19")
    tol = 0.02 if same_geo else 0.1
    say(abs(f("sd") - f("published_sd")) <= tol, "%s %s: SD %.2f, published %.2f (within %.2f)" % (y, pop, f("sd"), f("published_sd"), tol))
    for q in ("p10", "p90"):
        say(f(q) == f("published_" + q), "%s %s: %s %.1f, published %.1f" % (y, pop, q, f(q), f("published_" + q)))
    if same_geo:
        say(f("n_orgs") == f("published_n_orgs"), "%s %s: %d organisations, published %d" % (y, pop, f("n_orgs"), f("published_n_orgs")))
        say(abs(f("n_ge_50") - f("published_n_ge_50")) <= 1, "%s %s: %d at or above 50%%, published %d" % (y, pop, f("n_ge_50"), f("published_n_ge_50")))
    g = fix[(y, pop)]
    say(abs(float(g["sd"]) - f("sd")) <= 0.02 and float(g["n_orgs"]) == f("n_orgs"),
        "%s %s: the contract's format gives the same (SD %s, %s organisations)" % (y, pop, g["sd"], g["n_orgs"]))
PY
grep '^bad' "$tmp/cmp" | sed 's/^bad /FAIL: /'
pass=$((pass + $(grep -c '^ok' "$tmp/cmp"))); fail=$((fail + $(grep -c '^bad' "$tmp/cmp")))
grep -q '^ok' "$tmp/cmp" || bad "comparison script failed: $(tail -n 3 "$tmp/cmp")"
python3 "$hc" "$src/data/services.csv" --check >/dev/null && ok || bad "--check fails the published data against itself"
# every service's recovery pushed twice as far from 51%: the SD doubles and --check must fail
python3 - "$src/tests/data/services_fixture.csv" "$tmp/wide.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    if r["recovery_pct"] != "NA":
        v = "%.2f" % min(99, max(1, 51 + 2 * (float(r["recovery_pct"]) - 51)))
        r["recovery_pct"] = r["recovery_pct_lo95"] = r["recovery_pct_hi95"] = v
w = csv.DictWriter(open(sys.argv[2], "w", newline=""), rows[0].keys(), lineterminator="\n")
w.writeheader(); w.writerows(rows)
PY
python3 "$hc" "$tmp/wide.csv" --check >"$tmp/wide.txt" 2>&1
[ $? -eq 1 ] && grep -q "SD more than 1 point from the published" "$tmp/wide.txt" && ok || bad "--check passes a table with twice the spread: $(tail -n 2 "$tmp/wide.txt")"
printf 'a,b\n1,2\n' >"$tmp/bad.csv"
python3 "$hc" "$tmp/bad.csv" >"$tmp/bad.txt" 2>&1
[ $? -ne 0 ] && grep -q "neither data/services.csv's columns nor results/services.csv's" "$tmp/bad.txt" && ok || bad "a table of neither format: $(cat "$tmp/bad.txt")"
# the regression: an interpreter with statsmodels (Debian's python3-statsmodels is /usr/bin/python3's)
py=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import statsmodels' 2>/dev/null; then py=$p; break; fi
done
if [ -n "$py" ]; then
  "$py" "$src/tests/service_regression_test.py" "$src" >"$tmp/reg.txt" 2>&1 && ok || { bad "service_regression_test:"; grep -v '^ok' "$tmp/reg.txt"; }
  "$py" "$src/tests/validation_services_test.py" "$src" >"$tmp/vs.txt" 2>&1 && ok || { bad "validation_services_test:"; grep -v '^ok' "$tmp/vs.txt"; }
  "$py" "$src/tests/service_regression_power_test.py" "$src" >"$tmp/pw.txt" 2>&1 && ok || { bad "service_regression_power_test:"; grep -v '^ok' "$tmp/pw.txt"; }
else
  echo "services_tools: service_regression_test skipped: no python3 with statsmodels (apt-get install python3-statsmodels)"
fi
finish services_tools
