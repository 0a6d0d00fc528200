#!/bin/bash
# The bridge's first step (docs/economics.md, "The bridge"): scenarios/layard_2007_as_published.yaml
# against the paper's arithmetic worked by hand. Half of those treated recover and none
# would untreated; a recovered person has the employment rate of the well, 74% against
# 51%; a month out of work costs the Exchequer GBP 750. So each person treated works
# 0.5 x (0.74 - 0.51) = 0.115 of a month more a month, worth 0.115 x 750 = GBP 86.25, and
# the GBP 750 course is back in 750 / 86.25 = 8.696 months. The run must give the same
# within 1% (people treated = Exchequer costs / 750; months = 12 x followup.years, every
# month of which lies within the ledger), and a payback within two years, with an
# interval narrower than 0.1 years. Then the three mechanisms drawn with weight 1/3 each:
# psa.csv records the draw, economics.csv the share paying back within 5 years.
# Usage: bridge_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$(readlink -f "$1")
src=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" run "$src/scenarios/layard_2007_as_published.yaml" -o "$tmp/ap" --replicates 8 --threads 2 -q >"$tmp/out" 2>"$tmp/err" \
  && ok || bad "run as published: $(head -n 3 "$tmp/err")"
"$bin" run "$src/scenarios/layard_2007_mechanisms_psa.yaml" -o "$tmp/psa" --replicates 6 --scale 0.01 --threads 2 -q >"$tmp/out2" 2>"$tmp/err2" \
  && ok || bad "run mechanisms PSA: $(head -n 3 "$tmp/err2")"

python3 - "$tmp" >"$tmp/py" 2>&1 <<'PY'
import csv, sys
d = sys.argv[1]
fails = []
def check(cond, msg):
    if not cond:
        fails.append(msg)
e = {(r["perspective"], r["measure"]): r for r in csv.DictReader(open(d + "/ap/economics.csv"))}
cost, ben = float(e["exchequer", "pv_costs"]["mean"]), float(e["exchequer", "pv_benefits"]["mean"])
people = cost / 750
gain = ben / people / (12 * 10)                 # GBP a month per person treated
hand_gain = 0.5 * (0.74 - 0.51) * 750           # 86.25
hand_months = 750 / hand_gain                   # 8.696
check(abs(gain / hand_gain - 1) < 0.01, "monthly gain per person treated %.4f, by hand %.4f" % (gain, hand_gain))
check(abs((750 / gain) / hand_months - 1) < 0.01, "break-even %.3f months, by hand %.3f" % (750 / gain, hand_months))
pb, lo, hi = (float(e["exchequer", "payback_years"][k]) for k in ("mean", "lo95", "hi95"))
check(pb < 2, "payback %.3f years: not within two years" % pb)
check(hi - lo < 0.1, "payback interval %.3f-%.3f is 0.1 years wide or more" % (lo, hi))
check(float(e["exchequer", "payback_share_5y"]["mean"]) == 1, "not every replicate pays back within 5 years")
psa = list(csv.DictReader(open(d + "/psa/psa.csv")))
check(len(psa) == 6 and all(r["employment.mechanism"] in ("0", "1", "2") for r in psa), "psa.csv lacks the mechanism drawn")
p = {(r["perspective"], r["measure"]): r for r in csv.DictReader(open(d + "/psa/economics.csv"))}
s5 = float(p["exchequer", "payback_share_5y"]["mean"])
check(0 <= s5 <= 1, "payback_share_5y %s" % s5)
print("gain %.4f (hand %.4f); break-even %.3f months; payback %.3f (%.3f-%.3f); PSA share within 5 years %.2f" % (gain, hand_gain, 750 / gain, pb, lo, hi, s5))
for f in fails:
    print("FAIL: " + f)
sys.exit(1 if fails else 0)
PY
rc=$?
cat "$tmp/py"
[ $rc -eq 0 ] && ok || bad "bridge arithmetic"
# the report shows WELLBYs, the NPV by IMD quintile, weighted and unweighted, with the weights' source
grep -q '<h2>Wellbeing and who gains</h2>' "$tmp/ap/report.html" && ok || bad "report lacks 'Wellbeing and who gains'"
grep -q 'Green Book (2022) Annex A3' "$tmp/ap/report.html" && ok || bad "report lacks the weights' source"
# default weights (docs/economics.md): (32,300 / 66,000)^1.3 = 0.3950 ... (32,300 / 14,500)^1.3 = 2.8326
grep -q '"distributional_weights": {"imd_1_2": 0.3949.*"imd_5_6": 1, .*"imd_9_10": 2.8325' "$tmp/ap/run.json" && ok || bad "run.json lacks the distributional weights"
grep -q 'median income of all / median income of the quintile' "$tmp/ap/run.json" && ok || bad "run.json lacks the weights' method"
finish bridge
