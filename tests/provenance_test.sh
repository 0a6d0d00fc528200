#!/bin/bash
# run.json and report.html record what shapes a result, not where it was written or how it
# ran: two runs that differ only in the output folder (and how it is given), --threads, -q
# and the order of the options give byte-identical run.json and report.html; the options
# that do shape it are recorded with their values. Usage: provenance_test.sh path/to/iaptsim REPO_ROOT
set -uo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
same() { # description folder-a folder-b files...
  local what=$1 a=$2 b=$3 f
  shift 3
  for f in "$@"; do
    cmp -s "$a/$f" "$b/$f" || bad "$what: $f differs: $(diff "$a/$f" "$b/$f" | head -n 4)"
  done
}

shape=(--replicates 2 --scale 0.01 --seed 7 --set treatment.dna_rate=0.12)
"$bin" run scenarios/default.yaml -o "$tmp/run1" "${shape[@]}" --threads 1 -q || bad "run 1"
"$bin" run scenarios/default.yaml --set=treatment.dna_rate=0.12 --threads=2 --seed=7 -o"$tmp/sub/../run2" \
  --scale 0.010 --replicates=2 >/dev/null 2>&1 || bad "run 2"
same "run, other -o, --threads, -q" "$tmp/run1" "$tmp/run2" run.json report.html summary.csv
grep -q '"options": \[\["--seed", "7"\], \["--replicates", "2"\], \["--scale", "0.01"\], \["--set", "treatment.dna_rate=0.12"\]\]' \
  "$tmp/run1/run.json" || bad "run.json options: $(grep '"options"' "$tmp/run1/run.json")"
grep -q '"command": "run"' "$tmp/run1/run.json" || bad "run.json command"
grep -q '<code>iaptsim run --seed 7 --replicates 2 --scale 0.01 --set treatment.dna_rate=0.12</code>' "$tmp/run1/report.html" ||
  bad "report.html command"
grep -q "$tmp\|run1\|--threads" "$tmp/run1/run.json" "$tmp/run1/report.html" && bad "the output folder or --threads is recorded"

# where the services came from: the built-in table, or a file with its SHA-256, which a
# change to the file changes (the scenario's own hash does not)
python3 - "$tmp/run1/run.json" <<'PY' || bad "run.json services: $(grep -A3 '"services"' "$tmp/run1/run.json")"
import json, sys
s = json.load(open(sys.argv[1]))["scenario"]["services"]
assert s["source"] == "built in" and len(s["sha256"]) == 64, s
PY
grep -q 'services built in <code>data/services.csv, data/services_residuals.csv</code>, SHA-256 <code>[0-9a-f]\{64\}</code>' "$tmp/run1/report.html" ||
  bad "report.html lacks the services table's provenance"
"$bin" check scenarios/default.yaml | grep -q '^  services: the built-in table, data/services.csv and its residuals, sha256 [0-9a-f]\{12\}$' ||
  bad "iaptsim check does not name the services table"
head -n 50 data/services.csv >"$tmp/own.csv"
printf 'iaptsim: 1\nbase: %s/scenarios/default.yaml\nname: own services\nservices: own.csv\n' "$PWD" >"$tmp/own.yaml"
"$bin" run "$tmp/own.yaml" -o "$tmp/own1" --replicates 1 --scale 0.01 -q || bad "own table run 1"
sed -i 's/^2017-18,00C,\(.*\),2540,/2017-18,00C,\1,2600,/' "$tmp/own.csv"
"$bin" run "$tmp/own.yaml" -o "$tmp/own2" --replicates 1 --scale 0.01 -q || bad "own table run 2"
python3 - "$tmp/own1/run.json" "$tmp/own2/run.json" "$tmp/own.csv" <<'PY' || bad "run.json services of an own table"
import hashlib, json, sys
a, b = (json.load(open(f))["scenario"] for f in sys.argv[1:3])
assert a["services"]["source"] == "file" and a["services"]["path"].endswith("own.csv"), a["services"]
assert b["services"]["sha256"] == hashlib.sha256(open(sys.argv[3], "rb").read()).hexdigest(), b["services"]
assert a["sha256"] == b["sha256"] and a["services"]["sha256"] != b["services"]["sha256"], (a, b)
PY

# a comparison: its own run.json and report, and each strategy's
e=tests/data/economics
"$bin" compare $e/base20.yaml $e/stratA.yaml --replicates 2 -o "$tmp/cmp1" --threads 2 -q || bad "compare 1"
"$bin" compare $e/base20.yaml $e/stratA.yaml --replicates 2 -o "$tmp/cmp2" --threads 1 -q || bad "compare 2"
same "compare, other -o and --threads" "$tmp/cmp1" "$tmp/cmp2" run.json report.html
for d in "$tmp"/cmp1/*/; do
  same "compare strategy $(basename "$d")" "$d" "$tmp/cmp2/$(basename "$d")" run.json report.html
done

[ $fails -eq 0 ] && echo "provenance_test: run.json and report.html identical across -o, --threads, -q and option order" && exit 0
exit 1
