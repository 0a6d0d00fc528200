#!/bin/bash
# The report's "Services and places" (core/report/report.c): a run's folder with a services.csv
# in the contract's format (tests/data/services_fixture.csv, docs/output.md) gets the funnel plot
# with its national line and four control limits, one point per service, the services outside the
# 99.8% limits (the three 2021-22 resubmission CCGs among them), recovery by region beside the
# published figures, and the year-by-year distribution beside the published statistics; the
# limits are exact binomial ones (checked against a direct computation); no "nan" where one
# replicate leaves intervals undefined; without services.csv, or
# with only its header, the section is absent and the report still written.
# Usage: report_services_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$(readlink -f "$1")
src=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src" || exit 2
"$bin" run scenarios/default.yaml -o "$tmp/run" -q --replicates 1 --scale 0.05 >/dev/null 2>&1 && ok || bad "the run failed"
rm -f "$tmp/run/services.csv"
"$bin" report "$tmp/run" -q && ok || bad "report without services.csv failed"
grep -q 'Services and places' "$tmp/run/report.html" && bad "the section is there without services.csv" || ok
head -n 1 tests/data/services_fixture.csv >"$tmp/run/services.csv"
"$bin" report "$tmp/run" -q && ok || bad "report with an empty services.csv failed"
grep -q 'Services and places' "$tmp/run/report.html" && bad "the section is there with an empty services.csv" || ok
cp tests/data/services_fixture.csv "$tmp/run/services.csv"
"$bin" report "$tmp/run" -q && ok || bad "report with services.csv failed"
h="$tmp/run/report.html"
grep -q '<h2>Services and places</h2>' "$h" && ok || bad "no Services and places section"
grep -q 'Funnel plot: recovery by service, 2021-22' "$h" && ok || bad "no funnel plot of the last year"
n=$(grep -o 'class="pt"/>' "$h" | wc -l)
[ "$n" -eq 192 ] && ok || bad "funnel: $n points, expected 191 services and a legend's"
n=$(grep -o 'class="limit" clip-path' "$h" | wc -l)
[ "$n" -eq 4 ] && ok || bad "funnel: $n limit lines, expected 4 (95% and 99.8%, each side)"
for s in 'NHS SWINDON CCG' 'NHS WILTSHIRE CCG' 'NHS BATH AND NORTH EAST SOMERSET CCG'; do
  grep -q "<tr><td>$s</td><td>South West</td>" "$h" && ok || bad "the resubmission CCG $s is not outside the 99.8% limits"
done
n=$(grep -oE '<tr><td>[A-Za-z ]+ \(Y5[6-9]\)</td>|<tr><td>[A-Za-z ]+ \(Y6[0-3]\)</td>' "$h" | wc -l)
[ "$n" -eq 7 ] && ok || bad "region table: $n regions, expected 7"
grep -q '<tr><td>South West (Y58)</td><td>43.1</td><td>43</td><td>+0.1</td></tr>' "$h" && ok || bad "South West 2021-22 not beside its published 43%"
grep -q 'Recovery by NHS region, 2021-22' "$h" && ok || bad "no region chart"
grep -q '<tr><td>2019-20</td><td>191</td><td>4.19</td><td>47.0</td><td>51.0</td><td>56.0</td><td>133</td><td>191</td><td>4.19</td><td>47.0, 51.0, 56.0</td><td>132</td></tr>' "$h" \
  && ok || bad "2019-20 distribution row is not the published one (the fixture is the published table)"
grep -q 'Service recovery, year by year' "$h" && ok || bad "no year-by-year chart"
# one replicate: intervals are NA in summary.csv, and the page says so rather than printing nan
grep -Eq '>-?nan<|nan to nan|>-?inf<' "$h" && bad "a nan or inf printed: $(grep -Eo '.{40}(nan to nan|>-?nan<).{10}' "$h" | head -n 1)" || ok
# a 99.8% limit of the table against a direct binomial computation (Spiegelhalter 2005)
row=$(grep -o '<tr><td>NHS SWINDON CCG</td>[^\n]*</tr>' "$h" | head -n 1 | sed 's/<[^>]*>/|/g')
nat=$(grep -oE 'national rate [0-9.]+%' "$h" | head -n 1 | grep -oE '[0-9.]+')
if command -v python3 >/dev/null 2>&1; then
  python3 - "$row" "$nat" <<'PY' && ok || bad "99.8% limits of the Swindon row differ from a direct computation ($row, national $nat)"
import math, re, sys
cells = [c for c in sys.argv[1].split("|") if c]
n = float(cells[2].replace(",", "")) * 0.05  # scale 0.05, one replicate
lo, hi = (float(x) for x in cells[4].split(" to "))
p0 = float(sys.argv[2]) / 100
N = round(n)
pmf = [math.comb(N, k) * p0 ** k * (1 - p0) ** (N - k) for k in range(N + 1)]
cdf = [sum(pmf[:k + 1]) for k in range(N + 1)]
def limit(q):
    r = next(k for k in range(N + 1) if cdf[k] >= q)
    prev = cdf[r - 1] if r else 0
    return 100 * (r - (cdf[r] - q) / (cdf[r] - prev)) / N
# the national rate printed is rounded to 0.1: allow for it
ok = abs(limit(0.001) - lo) < 1.5 and abs(limit(0.999) - hi) < 1.5
print("limits", lo, hi, "direct", round(limit(0.001), 1), round(limit(0.999), 1))
sys.exit(0 if ok else 1)
PY
fi
finish report_services
