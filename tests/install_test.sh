#!/bin/bash
# cmake --install into a temporary prefix, then build examples/national_recovery.c against it
# as a user would: with pkg-config's flags (shared library, found through LD_LIBRARY_PATH),
# with pkg-config --static (a fully static program), and through find_package(iaptsim).
# All of them, and the installed command, must run an installed scenario.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR [CC]
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd) cc=${3:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/pkgconfig | head -1)
export PKG_CONFIG_PATH=$libdir
share=$(pkg-config --variable=pkgdatadir iaptsim)
scenario=$share/scenarios/default.yaml
for f in bin/iaptsim include/iaptsim/iaptsim.h; do
  [ -e "$prefix/$f" ] || { echo "install_test: $f not installed"; exit 1; }
done
[ -e "$share/plugins/long_term_conditions.lua" ] && [ -e "$share/data/national_annual.csv" ] ||
  { echo "install_test: plugins or data missing under $share"; exit 1; }

cd "$tmp"
# shared: pkg-config alone; the library comes from the prefix, not the build tree
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror "$src/examples/national_recovery.c" $(pkg-config --cflags --libs iaptsim) -o shared
LD_LIBRARY_PATH=$(pkg-config --variable=libdir iaptsim) ./shared "$scenario" 2 > shared.txt
LD_LIBRARY_PATH=$(pkg-config --variable=libdir iaptsim) ldd ./shared | grep "$prefix/.*libiaptsim.so" >/dev/null ||
  { echo "install_test: the shared example does not use the installed libiaptsim.so"; exit 1; }
# static: every library in the program, so Requires.private and Libs.private must be complete
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -static "$src/examples/national_recovery.c" $(pkg-config --static --cflags --libs iaptsim) -o static 2> static.log ||
  { cat static.log; exit 1; }
./static "$scenario" 2 > static.txt
if readelf -d ./static | grep NEEDED >/dev/null; then echo "install_test: the static example is dynamically linked"; exit 1; fi
cmp shared.txt static.txt
# a scenario with plugins: the Lua host inside the static program too
LD_LIBRARY_PATH=$(pkg-config --variable=libdir iaptsim) ./shared "$share/scenarios/integrated_ltc.yaml" 1 > shared_ltc.txt
./static "$share/scenarios/integrated_ltc.yaml" 1 | cmp - shared_ltc.txt
grep -q "^2019-20  " shared.txt || { echo "install_test: no 2019-20 line:"; cat shared.txt; exit 1; }

# find_package(iaptsim): both imported targets
cmake -S "$src/examples" -B cm -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build cm >/dev/null
LD_LIBRARY_PATH=$(pkg-config --variable=libdir iaptsim) ./cm/national_recovery "$scenario" 2 | cmp - shared.txt
./cm/national_recovery_static "$scenario" 2 | cmp - shared.txt

# the installed command runs every installed scenario, from outside the source tree
for f in "$share"/scenarios/*.yaml; do
  "$prefix/bin/iaptsim" run "$f" --replicates 1 --scale 0.005 -o "out/$(basename "$f" .yaml)" -q ||
    { echo "install_test: the installed command failed on $f"; exit 1; }
  # a scenario with compare_to: runs as a comparison (comparison.csv, a folder per strategy)
  [ -s "out/$(basename "$f" .yaml)/summary.csv" ] || [ -s "out/$(basename "$f" .yaml)/comparison.csv" ]
done
cat shared.txt
echo "install_test: installed to a temporary prefix; the example built with pkg-config (shared, static) and find_package, and ran"
