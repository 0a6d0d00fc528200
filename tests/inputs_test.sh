#!/bin/bash
# Inputs as a hostile user gives them (docs/scenario.md, "Limits"): every file read is a
# bounded regular file, named in the error with the reason; seeds are whole 64-bit numbers
# end to end. Usage: inputs_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$1
src=$2
cd "$src" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# exit code, then a line of stderr matching a pattern; within 10 s
expect() { # code pattern description command...
  local want=$1 pat=$2 what=$3; shift 3
  timeout 10 "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  if [ $rc -ne "$want" ]; then bad "$what: exit $rc, expected $want: $(head -c 300 "$tmp/stderr")"; return; fi
  [ -z "$pat" ] && { ok; return; }
  grep -q -- "$pat" "$tmp/stderr" && ok || bad "$what: no '$pat' in: $(head -c 300 "$tmp/stderr")"
}

# not a regular file, as every kind of input: refused at once, exit 2, with the reason
mkfifo "$tmp/fifo.yaml" "$tmp/fifo.csv"
mkdir "$tmp/dir.yaml"
printf 'iaptsim: 1\nname: inc\nyears: 2019\ninclude: %s\n' "$tmp/fifo.yaml" >"$tmp/inc_fifo.yaml"
printf 'iaptsim: 1\nname: plug\nyears: 2019\nplugins:\n  - use: %s\n' "$tmp/fifo.yaml" >"$tmp/plug_fifo.yaml"
printf 'iaptsim: 1\nname: plug\nyears: 2019\nplugins:\n  - use: %s\n' "$tmp/dir.yaml" >"$tmp/plug_dir.yaml"
expect 2 "fifo.yaml: is a FIFO (named pipe), not a file" "scenario FIFO" "$bin" check "$tmp/fifo.yaml"
expect 2 "dir.yaml: is a folder, not a file" "scenario folder" "$bin" run "$tmp/dir.yaml" -o "$tmp/o1"
expect 2 "/dev/zero: is a character device, not a file" "scenario device" "$bin" run /dev/zero -o "$tmp/o1"
expect 2 "include: .*fifo.yaml: is a FIFO" "include FIFO" "$bin" check "$tmp/inc_fifo.yaml"
expect 2 "fifo.yaml: is a FIFO" "plugin FIFO" "$bin" check "$tmp/plug_fifo.yaml"
expect 2 "dir.yaml: is a folder" "plugin folder" "$bin" check "$tmp/plug_dir.yaml"
expect 2 "fifo.csv: is a FIFO" "targets FIFO" "$bin" calibrate scenarios/default.yaml --targets "$tmp/fifo.csv" --fit treatment.effect_li -o "$tmp/o1"
expect 2 "fifo.csv: is a FIFO" "observed FIFO" "$bin" validate scenarios/default.yaml --observed "$tmp/fifo.csv" -o "$tmp/v.md"
expect 2 "fifo.csv: is a FIFO" "mix FIFO" "$bin" validate scenarios/default.yaml --observed data/national_annual.csv --mix "$tmp/fifo.csv" -o "$tmp/v.md"
expect 2 "/dev/zero: is a character device" "targets device" "$bin" calibrate scenarios/default.yaml --targets /dev/zero --fit treatment.effect_li -o "$tmp/o1"
[ -e "$tmp/o1" ] && bad "a refused input wrote results" || ok
if [ "$(id -u)" != 0 ]; then
  printf 'iaptsim: 1\n' >"$tmp/secret.yaml"; chmod 000 "$tmp/secret.yaml"
  expect 2 "secret.yaml: cannot open: Permission denied" "unreadable scenario" "$bin" check "$tmp/secret.yaml"
else
  echo "inputs_test: running as root, the unreadable-file case is left to test_scenario (skipped)"
fi
# too large for its kind: refused while reading, in bounded memory
truncate -s 5M "$tmp/big.yaml"
expect 2 "big.yaml: larger than the 4194304 bytes" "scenario over its limit" "$bin" check "$tmp/big.yaml"
truncate -s 300M "$tmp/big.csv"
expect 2 "big.csv: larger than the 268435456 bytes" "targets over their limit" "$bin" calibrate scenarios/default.yaml --targets "$tmp/big.csv" --fit treatment.effect_li -o "$tmp/o1"
# a run.json that grows without end, read back by report
mkdir "$tmp/fake" && ln -s /dev/zero "$tmp/fake/run.json"
expect 2 "run.json: is a character device" "report of a device run.json" "$bin" report "$tmp/fake"

# a scenario at the size limit with 300,000 keys in one mapping, and a list of includes:
# each refused in seconds (duplicate keys are found by sorting, includes are at most 64)
{ printf 'iaptsim: 1\nname: x\nyears: 2019\nparameters:\n'; seq 0 300000 | awk '{print "  k" $1 ": 1"}'; } >"$tmp/keys.yaml"
{ printf 'iaptsim: 1\nname: x\nyears: 2019\n'; seq 0 300000 | awk '{print "k" $1 ": 1"}'; echo "k5: 2"; } >"$tmp/topkeys.yaml"
{ printf 'iaptsim: 1\nname: x\nyears: 2019\nparameters:\n'; seq 0 300000 | awk '{print "  k" $1 ": 1"}'; echo "  k7: 2"; } >"$tmp/dupkeys.yaml"
# (CPU time, not the wall clock: a loaded machine or a sanitizer build waits longer; pairwise
# comparison took minutes of CPU)
expect_cpu() { # code pattern description command...
  local want=$1 pat=$2 what=$3; shift 3
  /usr/bin/time -f "%U %S" -o "$tmp/cpu" timeout 120 "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$? cpu
  cpu=$(awk '{print $1 + $2}' "$tmp/cpu" | tail -1)
  [ $rc -eq "$want" ] && grep -q -- "$pat" "$tmp/stderr" && ok || bad "$what: exit $rc: $(head -c 300 "$tmp/stderr")"
  awk -v c="$cpu" 'BEGIN {exit !(c < 10)}' && ok || bad "$what: $cpu s of CPU"
}
expect_cpu 2 "keys.yaml:5:3: parameters: unknown parameter 'k0'" "300,000 keys" "$bin" check "$tmp/keys.yaml"
expect_cpu 2 "topkeys.yaml:300005:1: duplicate key 'k5' (first given on line 9)" "300,000 top-level keys, one repeated" "$bin" check "$tmp/topkeys.yaml"
expect_cpu 2 "dupkeys.yaml:300006:3: duplicate key 'k7' (first given on line 12)" "a repeated key among 300,000" "$bin" check "$tmp/dupkeys.yaml"
{ printf 'iaptsim: 1\nname: x\nyears: 2019\ninclude:\n'; for i in $(seq 65); do echo "  - other_key.yaml"; done; } >"$tmp/incs.yaml"
expect 2 "incs.yaml:5:3: include: at most 64 files" "65 includes" "$bin" check "$tmp/incs.yaml"

# a byte-order mark (Excel's CSV) is accepted; invalid UTF-8 is named at line:column
cp tests/data/targets/bom.csv "$tmp/bom.csv"
printf 'iaptsim: 1\nname: cal\nyears: 2019\nreplicates: 2\npopulation_scale: 0.001\n' >"$tmp/cal.yaml"
expect 0 "" "targets with a BOM" "$bin" calibrate "$tmp/cal.yaml" --targets "$tmp/bom.csv" --fit treatment.effect_li --max-evaluations 3 -o "$tmp/cal" -q
expect 2 "bad_utf8.csv:3:15: invalid UTF-8 (byte 0xE9)" "targets with invalid UTF-8" "$bin" calibrate "$tmp/cal.yaml" --targets tests/data/targets/bad_utf8.csv --fit treatment.effect_li -o "$tmp/o1"
{ printf '\xef\xbb\xbf'; cat data/national_annual.csv; } >"$tmp/observed_bom.csv"
{ printf '\xef\xbb\xbf'; cat data/pathway_mix.csv; } >"$tmp/mix_bom.csv"
expect 0 "" "observed and mix with a BOM" "$bin" validate "$tmp/cal.yaml" --observed "$tmp/observed_bom.csv" --mix "$tmp/mix_bom.csv" -o "$tmp/v.md"
{ printf '\xef\xbb\xbf'; cat "$tmp/cal.yaml"; } >"$tmp/cal_bom.yaml"
expect 0 "" "scenario with a BOM" "$bin" check "$tmp/cal_bom.yaml"

# seeds: every whole 64-bit number runs, is written as a string and read back exactly
for seed in 0 9223372036854775807 9223372036854775808 18446744073709551615; do
  rm -rf "$tmp/s"
  expect 0 "" "run with seed $seed" "$bin" run tests/data/seed_2p63.yaml --seed "$seed" -o "$tmp/s" -q
  grep -qx "  \"seed\": \"$seed\"," "$tmp/s/run.json" && ok || bad "run.json seed $seed: $(grep '"seed"' "$tmp/s/run.json")"
  grep -q "seed $seed, " "$tmp/s/report.html" && ok || bad "report.html seed $seed"
  expect 0 "" "report reads back seed $seed" "$bin" report "$tmp/s" -q
  if command -v python3 >/dev/null; then
    [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seed"])' "$tmp/s/run.json")" = "$seed" ] && ok || bad "python reads seed $seed"
  fi
done
expect 0 "" "the seed 2^63 of the scenario file" "$bin" run tests/data/seed_2p63.yaml -o "$tmp/s63" -q
grep -q '"seed": "9223372036854775808"' "$tmp/s63/run.json" && ok || bad "scenario seed 2^63 in run.json"
expect 2 "18446744073709551616 is out of range \[0, 18446744073709551615\]" "--seed 2^64" "$bin" run tests/data/seed_2p63.yaml --seed 18446744073709551616 -o "$tmp/s64"
[ -e "$tmp/s64" ] && bad "--seed 2^64 wrote results" || ok

# what check passes, run runs: distributions of small shape (GSL's inverse CDFs give NaN there)
for f in gamma_cv3 unc_beta_degenerate; do
  expect 0 "" "check $f" "$bin" check tests/data/$f.yaml
  expect 0 "" "run $f" "$bin" run tests/data/$f.yaml -o "$tmp/$f" -q
  [ -s "$tmp/$f/psa.csv" ] && [ -s "$tmp/$f/report.html" ] && ok || bad "$f: no whole result"
  awk -F, 'NR > 1 && ($3 == "" || $3 == "NA" || $3 == "nan") {exit 1}' "$tmp/$f/psa.csv" && ok || bad "$f: a draw that is not a number"
done

finish inputs_test
