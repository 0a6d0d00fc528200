#!/bin/bash
# The years (issue 18): scenarios/history_2012_2025.yaml and scenarios/projection_2025_2029.yaml
# take the published inputs they say they take (data/), the projection's plan matches
# data/nhstt_plans.csv where it claims to, both load, and a multi-year report marks the
# COVID-19 year, the dataset change and the projected years.
# Usage: years_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$1
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hist=scenarios/history_2012_2025.yaml
proj=scenarios/projection_2025_2029.yaml

# the inputs, against the data files they cite (python3: a test dependency)
cat >"$tmp/inputs.py" <<'PY'
import csv, re, sys
hist, proj = (open(p).read() for p in sys.argv[1:3])
fail = []
def check(what, got, want, tol=0):
    if got is None or abs(got - want) > tol:
        fail.append(f"{what}: scenario {got}, data {want}")
def sched(text, name):
    m = re.search(r"^\s*" + re.escape(name) + r":\s*(\{[^}]*\}|[0-9.]+)", text, re.M)
    if not m:
        return None
    v = m.group(1)
    if not v.startswith("{"):
        return float(v)
    return {int(k): float(x) for k, x in re.findall(r"(\d{4}):\s*([0-9.]+)", v)}
def opt(text, name):
    m = re.search(r"^\s*" + re.escape(name) + r":\s*([0-9.]+)", text, re.M)
    return float(m.group(1)) if m else None
nat = {r["year"]: r for r in csv.DictReader(open("data/national_annual.csv"))}
# referrals: every year of the history is the published figure
ref = sched(hist, "referrals.annual")
for y, r in nat.items():
    check("history referrals " + y, ref.get(int(y[:4])), float(r["referrals_received"]))
# missed appointments from 2020-21: the monthly M084/M082 share
sess = {r["year"]: r for r in csv.DictReader(open("data/sessions_offered.csv"))}
dna = sched(hist, "treatment.dna_rate")
for y in ("2020-21", "2021-22", "2022-23", "2023-24", "2024-25"):
    check("history dna " + y, dna.get(int(y[:4])), float(sess[y]["dna_pct_from_monthly"]) / 100, 1e-9)
# the case mix by year is the engine's (data/case_mix.csv): the history leaves it alone
for name in ("population.", "problem.", "ltc.share"):
    if re.search(r"^\s*" + re.escape(name), hist, re.M):
        fail.append("history sets " + name + "...: the case mix by year comes from data/case_mix.csv")
# the plan: 915,000 completed courses a year in 2028-29 (a primary source)
plans = [r for r in csv.DictReader(open("data/nhstt_plans.csv"))
         if r["measure"] == "people completing a course of treatment"]
if len(plans) != 1:
    fail.append(f"data/nhstt_plans.csv: {len(plans)} rows of completed courses")
else:
    p = plans[0]
    check("projection target_finished", opt(proj, "target_finished"), float(p["value"]))
    check("projection target_year", opt(proj, "target_year"), float(p["target_year"][:4]))
    if p["primary_or_secondary"] not in proj and "primary source" not in proj:
        fail.append("projection does not say the plan figure's source is primary")
# the ratios the plan is turned with: 2022-23, the last year both are published
n22 = nat["2022-23"]
check("finished_per_entering", opt(proj, "finished_per_entering"),
      round(float(n22["finished_course"]) / float(n22["entered_treatment"]), 3))
check("entering_per_referral", opt(proj, "entering_per_referral"),
      round(float(n22["entered_treatment"]) / float(n22["referrals_received"]), 3))
# 2025-26 referrals: the sum of the monthly final data
mon = sum(int(r["referrals_received"]) for r in csv.DictReader(open("data/nhstt_monthly_england.csv"))
          if r["financial_year"] == "2025-26")
check("projection referrals 2025-26", sched(proj, "referrals.annual"), mon)
check("projection dna 2025-26", sched(proj, "treatment.dna_rate"), float(sess["2025-26"]["dna_pct_from_monthly"]) / 100, 1e-9)
# the secondary-source targets are said to be secondary
if "secondary source" not in proj:
    fail.append("projection does not flag the secondary-source targets")
print("\n".join(fail))
sys.exit(1 if fail else 0)
PY
python3 "$tmp/inputs.py" "$hist" "$proj" >"$tmp/inputs.log" 2>&1 && ok || bad "inputs: $(cat "$tmp/inputs.log")"

# the check can fail: a plan figure and a referral count that are not the published ones
sed 's/target_finished: 915000/target_finished: 900000/' "$proj" >"$tmp/wrong.yaml"
python3 "$tmp/inputs.py" "$hist" "$tmp/wrong.yaml" >"$tmp/wrong.log" 2>&1 && bad "a wrong plan figure passes" || ok
grep -q 'projection target_finished: scenario 900000.0, data 915000.0' "$tmp/wrong.log" && ok || bad "wrong plan: $(cat "$tmp/wrong.log")"
sed 's/2021: 1812596/2021: 1812597/' "$hist" >"$tmp/wrong_hist.yaml"
python3 "$tmp/inputs.py" "$tmp/wrong_hist.yaml" "$proj" >"$tmp/wrong.log" 2>&1 && bad "a wrong referral count passes" || ok

for f in "$hist" "$proj"; do
  "$bin" check "$f" >"$tmp/check.out" 2>&1 && ok || bad "$f does not load: $(head -n 3 "$tmp/check.out")"
done

# the report of a multi-year run marks the COVID-19 year, the dataset change and projections
"$bin" run "$hist" -o "$tmp/h" -q --replicates 2 --scale 0.005 || bad "history run"
for t in 'class="era">COVID-19<' 'class="era">dataset v2.0 from here<' 'Shaded and labelled COVID-19: 2020-21'; do
  grep -q "$t" "$tmp/h/report.html" && ok || bad "history report lacks $t"
done
grep -q 'class="era">projection<' "$tmp/h/report.html" && bad "history report marks a projection" || ok
"$bin" run "$proj" -o "$tmp/p" -q --replicates 2 --scale 0.005 || bad "projection run"
grep -q 'class="era">projection<' "$tmp/p/report.html" && ok || bad "projection report lacks the projection band"
grep -q '2025-26 to 2028-29 are projections, after the last year published (2024-25)' "$tmp/p/report.html" && ok \
  || bad "projection report does not say which years are projections"
grep -q '<h2>Workforce</h2>' "$tmp/p/report.html" && ok || bad "projection report lacks the workforce it takes"
grep -q 'COVID-19' "$tmp/p/report.html" && bad "projection report marks COVID-19 outside its years" || ok
finish years
