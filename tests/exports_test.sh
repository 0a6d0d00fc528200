#!/bin/bash
# The shared library exports exactly the public API: the iapt_ functions and variables that
# include/iaptsim/*.h declare (listed by cmake/exports.cmake), nothing internal (iapt_x__y),
# nothing else. Usage: exports_test.sh libiaptsim.so iaptsim.exports
set -euo pipefail
lib=$1 want=$2
got=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDRBVW]$/ {print $3}' | sed 's/@.*//' | LC_ALL=C sort -u)
if ! diff <(LC_ALL=C sort -u "$want") <(echo "$got") >/dev/null; then
  echo "exports_test: the shared library's exports differ from the public headers' declarations"
  echo "(< declared, not exported; > exported, not declared)"
  diff <(LC_ALL=C sort -u "$want") <(echo "$got") || true
  exit 1
fi
echo "exports_test: $(echo "$got" | wc -l) public names exported, nothing else"
