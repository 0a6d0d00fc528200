#!/bin/bash
# The shared library exports exactly the public API: the iapt_ functions and variables that
# include/iaptsim/*.h declare (listed by cmake/exports.cmake), nothing internal (iapt_x__y),
# nothing else; and the static library defines no global name outside iapt_ (it cannot hide
# the internal ones, but it must not take names from the program that links it; ASan adds
# __odr_asan.* markers of its own).
# Usage: exports_test.sh libiaptsim.so iaptsim.exports libiaptsim.a
set -euo pipefail
lib=$1 want=$2 static=$3
stray=$(nm -g --defined-only "$static" | awk 'NF == 3 {print $3}' | grep -v -e '^iapt_' -e '^__odr_asan' | sort -u || true)
if [ -n "$stray" ]; then
  echo "exports_test: the static library defines global names outside iapt_:"
  echo "$stray"
  exit 1
fi
got=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDRBVW]$/ {print $3}' | sed 's/@.*//' | LC_ALL=C sort -u)
if ! diff <(LC_ALL=C sort -u "$want") <(echo "$got") >/dev/null; then
  echo "exports_test: the shared library's exports differ from the public headers' declarations"
  echo "(< declared, not exported; > exported, not declared)"
  diff <(LC_ALL=C sort -u "$want") <(echo "$got") || true
  exit 1
fi
echo "exports_test: $(echo "$got" | wc -l) public names exported, nothing else"
