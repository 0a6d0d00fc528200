#!/bin/bash
# Golden files: every CSV of a run of each scenario in scenarios/ (3 replicates), of the
# PSA case and of compare base20 stratA stratB, byte for byte against tests/golden/.
# Refactors must leave them alone; a change of outputs on purpose regenerates them in a
# commit of its own that says why: tests/golden_test.sh BIN SRC --update
# Usage: golden_test.sh IAPTSIM SOURCE_DIR [--update]
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$1
src=$2
update=${3:-}
cd "$src" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gold=tests/golden/full

runs() { # name command...: run into $tmp/name
  local name=$1; shift
  if ! "$@" -o "$tmp/$name" -q --threads 2 >"$tmp/$name.log" 2>&1; then
    bad "$name: exit non-zero: $(head -n 3 "$tmp/$name.log")"
  fi
}
for f in scenarios/*.yaml; do
  runs "$(basename "$f" .yaml)" "$bin" run "$f" --replicates 3
done
runs noeffect_psa "$bin" run tests/data/economics/noeffect_psa.yaml
runs compare_abc "$bin" compare tests/data/economics/base20.yaml \
  tests/data/economics/stratA.yaml tests/data/economics/stratB.yaml --replicates 4

if [ "$update" = --update ]; then
  rm -rf "$gold"
  (cd "$tmp" && find . -name '*.csv' | sort) | while read -r f; do
    mkdir -p "$gold/$(dirname "$f")"
    cp "$tmp/$f" "$gold/$f"
  done
  echo "golden: updated $(find "$gold" -name '*.csv' | wc -l) files in $gold"
  exit 0
fi

# the same set of files, each byte-identical
want=$(cd "$gold" && find . -name '*.csv' | sort)
got=$(cd "$tmp" && find . -name '*.csv' | sort)
[ "$want" = "$got" ] && ok || bad "file set differs: $(diff <(echo "$want") <(echo "$got") | head -n 5)"
for f in $want; do
  if cmp -s "$gold/$f" "$tmp/$f"; then ok; else bad "$f differs: $(diff "$gold/$f" "$tmp/$f" 2>&1 | head -n 4)"; fi
done
finish golden
