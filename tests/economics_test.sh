#!/bin/bash
# The economics cases of tests/data/economics (its README gives the wrong answers of old and
# the right ones): each comparison must read the right way round. Right values come from the
# run's own means, so the test holds whatever the model's numbers.
# Usage: economics_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$(readlink -f "$1")
cd "$2/tests/data/economics" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# field of the row of a CSV whose first columns match: csvget FILE COLUMN KEY1 KEY2 [KEY3]
csvget() {
  awk -F, -v col="$2" -v k1="$3" -v k2="$4" -v k3="${5:-}" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    $1 == k1 && $2 == k2 && (k3 == "" || $3 == k3) { print $c; exit }' "$1"
}
# close A B: |A - B| <= 1e-9 relative
close() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= 1e-9 * (m > 1 ? m : 1)) }'; }
# visible text of a report has no exponent notation
no_exponent() {
  python3 - "$1" <<'PY'
import html, re, sys
s = open(sys.argv[1]).read()
s = re.sub(r'<(style|title|desc|code)[^>]*>.*?</\1>', ' ', s, flags=re.S)
text = html.unescape(re.sub(r'<[^>]+>', ' ', s))
bad = re.findall(r'\d\.?\d*[eE][+-]?\d+', text)
sys.exit(1 if bad else 0)
PY
}

# 1. a dominated and a dominant option: words, never a negative ICER as if cost-saving
"$bin" compare base.yaml cheaper.yaml worse.yaml -o "$tmp/bcw" --threads 2 >"$tmp/bcw.out" 2>/dev/null || bad "compare base cheaper worse"
grep -q "worse is dominated by cheaper" "$tmp/bcw.out" && grep -q "nhs  *GBP [0-9.]*m .*dominated: costs GBP [0-9.]*m more and loses" "$tmp/bcw.out" \
  && ok || bad "the terminal does not call worse dominated: $(grep -m2 dominat "$tmp/bcw.out")"
grep -q "dominant: saves GBP" "$tmp/bcw.out" && ok || bad "the terminal does not call cheaper dominant"
# terminal columns never run into each other
grep -qE "QALYs -?GBP|\) -?[0-9]|m\) -?[0-9]" "$tmp/bcw.out" && bad "terminal columns run together: $(grep -m1 -E "QALYs -?GBP|\) -?[0-9]" "$tmp/bcw.out")" || ok
[ "$(csvget "$tmp/bcw/frontier.csv" quadrant nhs worse)" = dominated ] && ok || bad "worse is not dominated: $(grep worse "$tmp/bcw/frontier.csv")"
[ "$(csvget "$tmp/bcw/frontier.csv" quadrant nhs cheaper)" = dominant ] && ok || bad "cheaper is not dominant: $(grep cheaper "$tmp/bcw/frontier.csv")"
[ "$(csvget "$tmp/bcw/frontier.csv" status nhs worse)" = dominated ] && ok || bad "worse's frontier status"
grep -q "worse</td><td>[^<]*</td><td>[^<]*</td><td>dominated" "$tmp/bcw/report.html" && grep -q "is dominated by cheaper" "$tmp/bcw/report.html" \
  && ok || bad "the report does not call worse dominated"
grep -q "dominant: saves" "$tmp/bcw/report.html" && ok || bad "the report does not call cheaper dominant"
# a magnitude in words ("a saving", "fewer", "lost") has its interval as a magnitude too
grep -q "with a saving to the NHS of GBP [0-9.]*m (GBP [0-9.]*m to GBP [0-9.]*m)" "$tmp/bcw/report.html" && ok || bad "the saving's interval: $(grep -o 'with a saving[^.]*\.[^)]*)' "$tmp/bcw/report.html")"
grep '<p class="story">' "$tmp/bcw/report.html" | grep -q "(-" && bad "a signed interval after words that say the sign: $(grep -o '[a-z]* ([-][^)]*)' "$tmp/bcw/report.html" | head -n 2)" || ok

# 2. three options, one strongly dominated: the frontier is base -> stratB
"$bin" compare base20.yaml stratA.yaml stratB.yaml -o "$tmp/abc" --threads 2 >"$tmp/abc.out" 2>/dev/null || bad "compare base20 stratA stratB"
grep -q "^  nhs  *base -> stratB (GBP [0-9,]* per QALY gained over base); stratA is dominated by stratB" "$tmp/abc.out" \
  && ok || bad "the terminal's frontier: $(grep -m1 '^  nhs  *base' "$tmp/abc.out")"
f=$tmp/abc/frontier.csv
[ "$(csvget "$f" status nhs stratA)" = dominated ] && [ "$(csvget "$f" comparator nhs stratA)" = stratB ] && [ "$(csvget "$f" icer nhs stratA)" = NA ] \
  && ok || bad "stratA is not dominated by stratB: $(grep stratA "$f" | head -n 1)"
[ "$(csvget "$f" status nhs stratB)" = "on frontier" ] && [ "$(csvget "$f" comparator nhs stratB)" = base ] && ok || bad "stratB not on the frontier against base"
want=$(awk -F, '$1 == "nhs" && $2 == "base" {c0 = $3; e0 = $4} $1 == "nhs" && $2 == "stratB" {c = $3; e = $4} END {printf "%.17g", (c - c0) / (e - e0)}' "$f")
close "$(csvget "$f" icer nhs stratB)" "$want" && ok || bad "stratB's ICER $(csvget "$f" icer nhs stratB) is not (cost - base's) / (effect - base's) = $want"
grep -q "the frontier runs base, then stratB at GBP [0-9,]* per QALY gained over base" "$tmp/abc/report.html" && ok || bad "the frontier in words"
# which option at the ends of NICE's range: the dearest on the NHS frontier whose ICER is within it
choice() { awk -F, -v t="$2" '$1 == "nhs" && $5 == "on frontier" && ($7 == "NA" || $7 + 0 <= t + 0) && (!n++ || $3 + 0 > best) { best = $3 + 0; s = $2 } END { print s }' "$1"; }
c20=$(choice "$tmp/abc/frontier.csv" 20000); c30=$(choice "$tmp/abc/frontier.csv" 30000)
if [ "$c20" = "$c30" ]; then want="the option to choose at GBP 20,000 and at GBP 30,000 per QALY gained is $c20\."
else want="the option to choose at GBP 20,000 per QALY gained is $c20, and at GBP 30,000 it is $c30\."; fi
[ -n "$c20" ] && grep -q "Which option: by the NHS's efficiency frontier, $want" "$tmp/abc/report.html" && ok || bad "the report does not say which option at 20,000 and 30,000 ($c20, $c30)"
no_exponent "$tmp/abc/report.html" && ok || bad "exponent notation in the compare report"
# the ICER against the base is the ratio of the mean increments
dc=$(csvget "$tmp/abc/comparison.csv" mean stratB nhs incremental_cost)
dq=$(csvget "$tmp/abc/comparison.csv" mean stratB nhs incremental_qalys)
close "$(csvget "$tmp/abc/comparison.csv" mean stratB nhs icer)" "$(awk -v a="$dc" -v b="$dq" 'BEGIN {printf "%.17g", a / b}')" && ok || bad "icer is not a ratio of means"

# 3. cost per QALY and the benefit-cost ratio are ratios of means, not means of ratios
"$bin" run noeffect_psa.yaml -o "$tmp/ne" --threads 2 >"$tmp/ne.out" 2>/dev/null || bad "run noeffect_psa"
grep -q "cost per QALY: GBP [0-9,]* per QALY gained" "$tmp/ne.out" && ok || bad "the terminal's cost per QALY"
grep -qE "[0-9]e[+-][0-9]" "$tmp/ne.out" "$tmp/abc.out" && bad "exponent notation in the terminal" || ok
e=$tmp/ne/economics.csv
for p in nhs exchequer societal; do
  close "$(csvget "$e" mean $p cost_per_qaly)" "$(awk -v a="$(csvget "$e" mean $p net_cost)" -v b="$(csvget "$e" mean $p qalys)" 'BEGIN {printf "%.17g", a / b}')" \
    && ok || bad "$p cost_per_qaly is not mean net cost / mean QALYs"
  close "$(csvget "$e" mean $p bcr)" "$(awk -v a="$(csvget "$e" mean $p pv_benefits)" -v b="$(csvget "$e" mean $p pv_costs)" 'BEGIN {printf "%.17g", a / b}')" \
    && ok || bad "$p bcr is not mean benefits / mean costs"
done
[ "$(csvget "$e" n nhs cost_per_qaly)" = 4 ] && ok || bad "economics.csv n"
no_exponent "$tmp/ne/report.html" && ok || bad "exponent notation in the run report"

# 4. no uncertainty block: no value of information, no probability of cost-effectiveness
for reps in 20 1; do
  d=$tmp/better$reps
  "$bin" compare base20.yaml better20.yaml -o "$d" -q --threads 2 --replicates $reps >/dev/null 2>&1 || bad "compare base20 better20 ($reps)"
  [ ! -e "$d/evpi.csv" ] && [ ! -e "$d/ceac.csv" ] && ok || bad "evpi.csv or ceac.csv written without parameter uncertainty ($reps)"
  grep -q prob_cost_effective "$d/comparison.csv" && bad "P(CE) without parameter uncertainty ($reps)" || ok
  grep -q '"parameter_uncertainty": false' "$d/run.json" && grep -q '"value_of_information": "no strategy has an uncertainty block' "$d/run.json" \
    && ok || bad "run.json does not say why there is no EVPI ($reps)"
  grep -q "No acceptability curve, probability of cost-effectiveness or EVPI" "$d/report.html" && ok || bad "the report does not say why ($reps)"
  "$bin" compare base20.yaml better20.yaml -o "$d" --threads 2 --replicates $reps 2>/dev/null | grep -q "^no probability of cost-effectiveness, acceptability curve or EVPI: " \
    && ok || bad "the terminal does not say why ($reps)"
done
# one replicate: no Monte Carlo error, so no verdict, in the terminal and the report alike
# (worse: a much smaller low-intensity effect at a higher price, dominated on the means whatever the draws;
# at 0.07 one replicate of 1% gained QALYs by noise)
"$bin" compare base20.yaml worse20.yaml -o "$tmp/worse1" --threads 2 --replicates 1 >"$tmp/worse1.out" 2>/dev/null
grep -q "the run cannot tell these options apart: with one replicate" "$tmp/worse1.out" && ok || bad "the terminal gives one replicate a verdict"
grep -q "worse is dominated by base\($\|;\)" "$tmp/worse1.out" && bad "the terminal's confident dominance from one replicate" || ok
grep -q "cannot tell these options apart</strong>: with one replicate" "$tmp/worse1/report.html" && ok || bad "the report gives one replicate a verdict"
grep -q "is dominated by base on the means only" "$tmp/worse1/report.html" && ok || bad "the report's confident dominance from one replicate"
grep -q "as far as this run can tell the change does not pay back for it within [0-9]* years (pays back in [0-9]*% of draws)" "$tmp/better1/report.html" && ok || bad "the report claims a payback it cannot tell"
[ "$(csvget "$tmp/better1/comparison.csv" lo95 better nhs incremental_cost)" = NA ] && ok || bad "an interval from one replicate"
[ "$(csvget "$tmp/better20/comparison.csv" n better nhs incremental_cost)" = 20 ] && ok || bad "comparison.csv n"
mc=$(csvget "$tmp/better20/comparison.csv" mcse better nhs incremental_qalys)
awk -v m="$mc" 'BEGIN {exit !(m > 0)}' && ok || bad "no MCSE"

# 5. identical strategies with parameter uncertainty: a tie, probability split
"$bin" compare base_psa.yaml twin_psa.yaml -o "$tmp/twin" --threads 2 >"$tmp/twin.out" 2>/dev/null || bad "compare base_psa twin_psa"
[ "$(csvget "$tmp/twin/frontier.csv" quadrant nhs twin_psa)" = tie ] && ok || bad "twin is not a tie: $(grep twin "$tmp/twin/frontier.csv" | head -n 1)"
awk -F, 'NR > 1 && $4 != 0.5 {exit 1}' "$tmp/twin/ceac.csv" && ok || bad "ties do not split the probability: $(sed -n 2,3p "$tmp/twin/ceac.csv")"
grep -q "a tie" "$tmp/twin/report.html" && ok || bad "the report does not call the twin a tie"
# the same split in every output: comparison.csv, the terminal, the report
for p in nhs exchequer societal; do
  [ "$(csvget "$tmp/twin/comparison.csv" mean twin_psa $p prob_cost_effective)" = 0.5 ] && ok || bad "$p P(CE) of a tie is not 0.5: $(grep "twin_psa,$p,prob_cost_effective" "$tmp/twin/comparison.csv" | head -n 1)"
  [ "$(csvget "$tmp/twin/comparison.csv" mean twin_psa $p share_tie)" = 1 ] && [ "$(csvget "$tmp/twin/comparison.csv" mean twin_psa $p share_south_east)" = 0 ] \
    && ok || bad "$p: tied draws are not counted as ties"
done
[ "$(grep -c 'P(CE) 50%' "$tmp/twin.out")" = 3 ] && ! grep -q 'P(CE) 0%' "$tmp/twin.out" && ok || bad "the terminal's P(CE) of a tie: $(grep -m1 'P(CE)' "$tmp/twin.out")"
grep -q "saves from the start" "$tmp/twin.out" && bad "the terminal says a tie saves from the start" || ok
grep -q "a saving from the start\|an extra cost to the NHS of GBP 0\|at an extra cost to the NHS of GBP 0" "$tmp/twin/report.html" && bad "the report reads a tie as a cost or a saving" || ok
grep -q "no change in cost to the NHS" "$tmp/twin/report.html" && ok || bad "the report does not say there is no change"
grep -q "cheaper (or as cheap) and more effective</td><td>100%" "$tmp/twin/report.html" && bad "the report calls a tie south-east" || ok
# the acceptability frontier keeps one strategy, the base
awk -F, 'NR > 1 && ($3 == "base_psa") != ($5 == 1) {exit 1}' "$tmp/twin/ceac.csv" && ok || bad "the CEAF of a tie is not the base alone: $(sed -n 2,3p "$tmp/twin/ceac.csv")"

# a value and its interval to one precision in the terminal
grep "mean wait" "$tmp/abc.out" "$tmp/bcw.out" | awk '{ s = $0; sub(/.*mean wait */, "", s); n = split(s, w, /[ ()]+/); d = -1
  for (i = 1; i <= n; i++) if (w[i] ~ /^-?[0-9.]+$/) { k = index(w[i], ".") ? length(w[i]) - index(w[i], ".") : 0; if (d < 0) d = k; else if (k != d) bad = 1 }
} END { exit bad }' && ok || bad "mixed precision in the mean wait: $(grep -m1 'mean wait' "$tmp/abc.out")"

# 6. payback against the true horizon, the ledger's years, in the same words everywhere
"$bin" run stratB.yaml -o "$tmp/sb" --threads 2 >"$tmp/sb.out" 2>/dev/null || bad "run stratB"
ny=$(awk -F, 'NR > 1 {y[$1] = 1} END {print length(y)}' "$tmp/sb/ledger.csv")
grep -q "does not pay back within $ny years" "$tmp/sb.out" && ok || bad "the terminal's payback horizon is not the ledger's $ny years: $(grep -m1 'pay' "$tmp/sb.out")"
grep -q "<td>does not pay back within $ny years" "$tmp/sb/report.html" && ok || bad "the report's payback horizon is not the ledger's $ny years"
grep -q "not within the horizon" "$tmp/sb/report.html" "$tmp/sb.out" && bad "payback 'not within the horizon' without a number" || ok
"$bin" compare base20.yaml stratB.yaml -o "$tmp/b2" --threads 2 >"$tmp/b2.out" 2>/dev/null || bad "compare base20 stratB"
grep -q "^  payback of the change: .*;$" "$tmp/b2.out" && bad "a trailing ; in the payback line" || ok
grep -q "^  payback of the change: .*within $ny years" "$tmp/b2.out" && ok || bad "the compare payback horizon: $(grep 'payback of' "$tmp/b2.out")"
grep -q "not within the horizon in every draw" "$tmp/b2.out" && bad "the old payback wording" || ok

finish economics
