#!/bin/bash
# budget_impact.csv (docs/economics.md, "Budget impact"): on scenarios/ltp_2019_2024.yaml it
# reconciles with ledger.csv to the penny in real terms, row by row and for the Exchequer's
# net cash position; transfers net to zero across payers; cash terms follow the two price
# series of data/; R reads it as it is (when Rscript is installed); the terminal shows the
# Exchequer's position by year, and the report draws it.
# Usage: budget_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$(readlink -f "$1")
src=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" run "$src/scenarios/ltp_2019_2024.yaml" -o "$tmp/ltp" --replicates 3 --scale 0.005 --threads 2 >"$tmp/out" 2>"$tmp/err" \
  && ok || bad "run ltp_2019_2024: $(head -n 3 "$tmp/err")"

python3 - "$tmp/ltp" "$src/data" >"$tmp/py" 2>&1 <<'PY'
import csv, sys
d, data = sys.argv[1], sys.argv[2]
fails = []
def check(cond, msg):
    if not cond:
        fails.append(msg)
ledger = list(csv.DictReader(open(d + "/ledger.csv")))
budget = list(csv.DictReader(open(d + "/budget_impact.csv")))
# the payer of a ledger cell (docs/economics.md)
TAX = {"income_tax", "employee_ni", "employer_ni"}
def payer(cat, tag):
    if tag == "nhs": return "nhs"
    if tag == "exchequer": return "hmrc" if cat in TAX else "dwp"
    return "employers" if cat in ("employer_ni", "sickness_absence") else "individuals"
want = {}
for r in ledger:
    if r["unit"] != "GBP":
        continue
    k = (r["year"], payer(r["category"], r["perspective"]), r["category"])
    want[k] = want.get(k, 0.0) + float(r["mean"])
got = {(r["year"], r["payer"], r["category"]): r for r in budget}
# 1. every row to the penny, and every ledger money cell has its row
for k, v in want.items():
    if k not in got:
        check(abs(v) < 0.005, "ledger cell %s has no budget row" % (k,))
        continue
    check(abs(float(got[k]["real_mean"]) - v) < 0.005, "%s: budget %s, ledger %.4f" % (k, got[k]["real_mean"], v))
rows = [k for k in got if k[1] != "exchequer"]
check(len(rows) > 0 and all(k in want for k in rows), "budget rows without ledger cells")
# 2. the Exchequer's net cash position: HMRC's receipts plus DWP's flows, and the ledger's exchequer-tagged cells
years = sorted({k[0] for k in got})
for y in years:
    net = float(got[(y, "exchequer", "net_cash_position")]["real_mean"])
    parts = sum(v for k, v in want.items() if k[0] == y and k[1] in ("hmrc", "dwp"))
    tagged = sum(float(r["mean"]) for r in ledger if r["year"] == y and r["perspective"] == "exchequer" and r["unit"] == "GBP")
    check(abs(net - parts) < 0.005 and abs(net - tagged) < 0.005, "%s: net %.4f, hmrc + dwp %.4f, exchequer cells %.4f" % (y, net, parts, tagged))
# 3. transfers net to zero: each tax and benefits sums to nothing across payers; employer NI twice
for y in years:
    for c in ("benefits", "income_tax", "employee_ni", "employer_ni"):
        s = sum(float(r["real_mean"]) for k, r in got.items() if k[0] == y and k[2] == c and k[1] != "exchequer")
        check(abs(s) < 0.005, "%s %s nets to %.4f across payers" % (y, c, s))
    if (y, "hmrc", "employer_ni") in got:
        check(float(got[(y, "hmrc", "employer_ni")]["real_mean"]) == -float(got[(y, "employers", "employer_ni")]["real_mean"]),
              "%s employer NI: HMRC's receipt is not the employers' cost" % y)
check(("2021-22", "hmrc", "employer_ni") in got, "no employer NI for HMRC in 2021-22")
# 4. cash terms: the year's change in the series of data/ (GDP deflator for all but the NHS)
def series(f):
    return {r["year"]: float(r["pct_change"]) for r in csv.DictReader(open(data + "/" + f))}
gdp, nhs = series("gdp_deflator.csv"), series("nhs_cost_inflation.csv")
def factor(s, y):  # 2019-20 prices (the scenario's) to year y; 2% a year after the series
    f, start = 1.0, 2019
    for yy in range(start + 1, int(y[:4]) + 1):
        lab = "%d-%02d" % (yy, (yy + 1) % 100)
        f *= 1 + s.get(lab, 2.0) / 100
    return f
for k, r in got.items():
    s = nhs if k[1] == "nhs" else gdp
    real, cash = float(r["real_mean"]), float(r["cash_mean"])
    check(abs(cash - real * factor(s, k[0])) <= 1e-9 * max(1.0, abs(real)), "%s cash %s, real %s x %.6f" % (k, cash, real, factor(s, k[0])))
# by hand: 2021-22 HMRC income tax in cash = real x 1.0523 x 1.0024
r = got[("2021-22", "hmrc", "income_tax")]
check(abs(float(r["cash_mean"]) - float(r["real_mean"]) * 1.0523 * 1.0024) < 1e-6, "2021-22 income tax in cash by hand")
# intervals bracket the mean
for k, r in got.items():
    if r["real_lo95"] != "NA":
        check(float(r["real_lo95"]) <= float(r["real_mean"]) + 1e-6 <= float(r["real_hi95"]) + 2e-6, "%s interval" % (k,))
for f in fails[:10]:
    print(f)
sys.exit(1 if fails else 0)
PY
[ $? -eq 0 ] && ok || bad "budget_impact.csv: $(head -n 10 "$tmp/py")"

# tidy: one header, no comment lines; R reads it as it is
head -n 1 "$tmp/ltp/budget_impact.csv" | grep -qx "year,payer,category,real_mean,real_lo95,real_hi95,cash_mean,cash_lo95,cash_hi95" && ok || bad "header"
grep -q "^#" "$tmp/ltp/budget_impact.csv" && bad "comment lines" || ok
if command -v Rscript >/dev/null 2>&1; then
  Rscript -e 'b <- read.csv(commandArgs(TRUE)[1]); stopifnot(ncol(b) == 9, is.numeric(b$real_mean), is.numeric(b$cash_mean), !anyNA(b$real_mean)); x <- b[b$payer == "exchequer", ]; stopifnot(nrow(x) > 5)' \
    "$tmp/ltp/budget_impact.csv" >"$tmp/r" 2>&1 && ok || bad "R: $(cat "$tmp/r")"
fi

# the terminal: a row a year with the Exchequer's net position in GBP, never an exponent
grep -q "^budget impact, undiscounted" "$tmp/out" && ok || bad "no budget table in the terminal"
grep -Eq "^2021-22 +GBP [0-9.]+m +GBP [0-9.]+m to GBP [0-9.]+m +GBP [0-9.]+m +-GBP [0-9.,]+(m|bn)$" "$tmp/out" && ok || bad "terminal row 2021-22: $(grep ^2021-22 "$tmp/out")"
grep -A14 "^budget impact" "$tmp/out" | grep -Eq "[0-9][eE][+-]?[0-9]" && bad "exponent in the terminal table" || ok

# the report: a chart of the Exchequer's net cash position by year
grep -q "Exchequer's net cash position by year" "$tmp/ltp/report.html" && ok || bad "no Exchequer chart in the report"
# ... which says that the line leaves out the NHS's own spending (the nhs rows give it)
grep -q "It leaves out the NHS's own spending" "$tmp/ltp/report.html" && ok || bad "the report's budget section does not say the net cash line excludes NHS spending"

# a plugin that changes capacity and books no cost is warned about in the terminal, run.json
# and the report, once; the same plugin with a ctx:flow is not
cat >"$tmp/faster.lua" <<'LUA'
return {
  name = "faster",
  summary = "More sessions from the same staff",
  options = { cost = { default = 0, min = 0, max = 1e6, doc = "cost a year per simulated service" } },
  on_year = function(ctx, year)
    ctx:set("workforce.li_sessions_per_wte_week", 1.2 * ctx:get("workforce.li_sessions_per_wte_week"))
    if ctx.options.cost > 0 then ctx:flow("therapy_sessions", "nhs", -ctx.options.cost) end
  end,
}
LUA
printf 'iaptsim: 1\nname: faster\nyears: 2019\nreplicates: 2\npopulation_scale: 0.002\nplugins:\n  - use: ./faster.lua\n' >"$tmp/free.yaml"
printf 'iaptsim: 1\nname: faster paid\nyears: 2019\nreplicates: 2\npopulation_scale: 0.002\nplugins:\n  - use: ./faster.lua\n    with: { cost: 1000 }\n' >"$tmp/paid.yaml"
"$bin" run "$tmp/free.yaml" -o "$tmp/free" >"$tmp/free.out" 2>"$tmp/free.err" || bad "run free: $(head -n 3 "$tmp/free.err")"
w="warning: plugin faster changes workforce.li_sessions_per_wte_week (capacity or reach) but books no cost (no ctx:flow): its savings come free"
[ "$(grep -cxF "iaptsim: $w" "$tmp/free.err")" = 1 ] && ok || bad "terminal warning, once: $(grep warning "$tmp/free.err")"
grep -qF "\"warnings\": [\"${w#warning: }\"]" "$tmp/free/run.json" && ok || bad "run.json warnings: $(grep warnings "$tmp/free/run.json")"
grep -qF "<section class=\"warning\"><h2>Warning</h2><ul><li>${w#warning: }</li>" "$tmp/free/report.html" && ok || bad "report warning"
"$bin" run "$tmp/paid.yaml" -o "$tmp/paid" >"$tmp/paid.out" 2>"$tmp/paid.err" || bad "run paid: $(head -n 3 "$tmp/paid.err")"
grep -q warning "$tmp/paid.err" && bad "warning for a plugin that books its cost: $(grep warning "$tmp/paid.err")" || ok
grep -qF '"warnings": [],' "$tmp/paid/run.json" && ok || bad "run.json of the paid plugin has warnings"
grep -q 'class="warning"' "$tmp/paid/report.html" && bad "report warns about the paid plugin" || ok

# in a comparison: the terminal names the strategy, and so do run.json and the report
"$bin" compare "$tmp/paid.yaml" "$tmp/free.yaml" -o "$tmp/cmp" >"$tmp/cmp.out" 2>"$tmp/cmp.err" || bad "compare: $(head -n 3 "$tmp/cmp.err")"
[ "$(grep -cxF "iaptsim: faster: $w" "$tmp/cmp.err")" = 1 ] && ok || bad "compare terminal warning: $(grep warning "$tmp/cmp.err")"
grep -qF "\"warnings\": [\"faster: ${w#warning: }\"]" "$tmp/cmp/run.json" && ok || bad "compare run.json warnings: $(grep warnings "$tmp/cmp/run.json")"
grep -qF "<li>faster: ${w#warning: }</li>" "$tmp/cmp/report.html" && ok || bad "compare report warning"

finish budget
