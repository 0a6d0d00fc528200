#!/bin/bash
# The report in a real browser (issue: headless Chromium): reports of a run
# (scenarios/integrated_ltc.yaml; the years' history and projection), a comparison and a one-way sensitivity must load without
# a console error or a request for any file, have a title and labelled axes on every chart,
# no chart text over other text or past its edge, no exponent notation, and give a screenshot that is not blank;
# the comparison of tests/data/economics' base20, stratA and stratB must give the frontier in words; and the checker must fail each of the deliberately
# broken pages in tests/browser/bad/; a run's folder given tests/data/services_fixture.csv as its services.csv
# must have "Services and places", and without one must not. Usage: run.sh IAPTSIM OUT_DIR (from the repository root)
set -u
bin=$(readlink -f "$1")
out=$2
py=/usr/bin/python3
rm -rf "$out"
mkdir -p "$out"
out=$(readlink -f "$out")
fail=0
"$bin" run scenarios/integrated_ltc.yaml -o "$out/integrated_ltc" -q || fail=1
sed 's/^name: .*/name: Integrated, 90% of services/; s/integrated_share: 0.75/integrated_share: 0.9/' scenarios/integrated_ltc.yaml >"$out/ltc90.yaml"
"$bin" compare scenarios/integrated_ltc.yaml "$out/ltc90.yaml" -o "$out/compare" -q --replicates 4 --scale 0.01 || fail=1
"$bin" sensitivity scenarios/default.yaml --vary treatment.effect_li=0.07:0.1 --vary cost.li_session=50:400 \
  --measure exchequer:npv -o "$out/sensitivity" -q --replicates 3 --scale 0.01 || fail=1
(cd tests/data/economics && "$bin" compare base20.yaml stratA.yaml stratB.yaml -o "$out/compare_abc" -q) || fail=1
# the years' marks (COVID-19, dataset v2.0, projections) must sit inside the charts clear of other text
"$bin" run scenarios/history_2012_2025.yaml -o "$out/history" -q --replicates 2 --scale 0.005 || fail=1
"$bin" run scenarios/projection_2025_2029.yaml -o "$out/projection" -q --replicates 2 --scale 0.005 || fail=1
# services and places: a run's folder with a services.csv in the contract's format (the fixture
# until every run writes one), and the same folder without it has no such section
mkdir -p "$out/services" && cp "$out/history"/* "$out/services/" && cp tests/data/services_fixture.csv "$out/services/services.csv" &&
  "$bin" report "$out/services" -q || fail=1
mkdir -p "$out/no_services" && cp "$out/history"/* "$out/no_services/" && rm -f "$out/no_services/services.csv" &&
  "$bin" report "$out/no_services" -q || fail=1
grep -q 'Services and places' "$out/no_services/report.html" && { echo "FAIL: Services and places without services.csv"; fail=1; }
$py tests/browser/report_check.py "$out/shots" "$out/integrated_ltc/report.html::Who recovers" "$out/compare/report.html" \
  "$out/services/report.html::Services and places" \
  "$out/compare_abc/report.html::NHS: the frontier runs base, then stratB at GBP" \
  "$out/compare/integrated_services_for_long-term_conditions/report.html" "$out/sensitivity/report.html" \
  "$out/history/report.html::Shaded and labelled COVID-19: 2020-21" \
  "$out/projection/report.html::2025-26 to 2028-29 are projections" || fail=1
for bad in tests/browser/bad/*/report.html; do
  if $py tests/browser/report_check.py "$out/shots_bad" "$bad" >"$out/bad.log" 2>&1; then
    echo "FAIL: the checker passed $bad"
    fail=1
  else
    echo "ok: the checker fails $bad ($(grep -m1 FAIL: "$out/bad.log" | sed 's/^ *//'))"
  fi
done
[ $fail -eq 0 ] && echo "browser: all pass" || echo "browser: FAILED"
exit $fail
