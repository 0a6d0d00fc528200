#!/bin/bash
# The module include graph (ARCHITECTURE: cli -> (scenario, lua, output) -> engine ->
# (econ, stats, rng, params) -> util):
#  - core/engine/ includes nothing of lua/, mpi/, lua.h, mpi.h or yaml.h;
#  - public headers include no GSL header;
#  - no cycle between the modules (the folders of core/), counting an include of a public
#    header as a use of the module that implements it.
# Usage: include_graph.sh SOURCE_ROOT
set -u
root=${1:-.}
cd "$root" || exit 2
fail=0

# the module that implements each public header
declare -A owner=(
  [calib]=calib [econ]=econ [error]=util [hooks]=engine [output]=output [params]=params
  [plugin]=lua [psa]=stats [report]=report [rng]=rng [scenario]=scenario [sim]=engine
  [stats]=stats [sensitivity]=sensitivity [validation]=validation [cea]=econ [format]=report [iaptsim]=ALL
)
for h in include/iaptsim/*.h; do
  n=$(basename "$h" .h)
  [ -n "${owner[$n]:-}" ] || { echo "include_graph: no module for include/iaptsim/$n.h (add it to tests/include_graph.sh)"; fail=1; }
done

# 1. the engine stays clear of the plugin host, MPI and YAML
bad=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]((lua|mpi)/|yaml\.h|lua\.h|lauxlib\.h|lualib\.h|mpi\.h|iaptsim/plugin\.h)' core/engine/*.[ch] 2>/dev/null)
if [ -n "$bad" ]; then
  echo "include_graph: core/engine/ must not include the Lua host, MPI or YAML:"
  echo "$bad" | sed 's/^/  /'
  fail=1
fi

# public headers do not require GSL's (an embedding program need not have them)
bad=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<gsl/' include/iaptsim/*.h 2>/dev/null)
if [ -n "$bad" ]; then
  echo "include_graph: public headers must not include GSL's headers:"
  echo "$bad" | sed 's/^/  /'
  fail=1
fi

# 2. module edges from includes: "module/x.h" (internal) and "iaptsim/x.h" (public)
edges=$({
  for d in core/*/; do
    m=$(basename "$d")
    [ "$m" = cli ] && continue # the command sits on top and may use everything
    for f in "$d"*.[ch]; do
      [ -e "$f" ] || continue
      grep -hoE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]+/[a-z_0-9]+\.h"' "$f" |
        sed -E 's/.*"([a-z_]+)\/([a-z_0-9]+)\.h"/\1 \2/' |
        while read -r dir name; do
          if [ "$dir" = iaptsim ]; then
            t=${owner[$name]:-}
            if [ "$t" = ALL ]; then
              echo "include_graph: $f includes iaptsim/iaptsim.h (everything); include what it uses" >&2
              echo "$m ALL"
              continue
            fi
          else
            t=$dir
          fi
          [ -n "$t" ] && [ "$t" != "$m" ] && echo "$m $t"
        done
    done
  done
  # a public header's includes are its module's
  for h in include/iaptsim/*.h; do
    m=${owner[$(basename "$h" .h)]:-}
    [ -z "$m" ] || [ "$m" = ALL ] && continue
    grep -hoE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"iaptsim/[a-z_0-9]+\.h"' "$h" |
      sed -E 's/.*"iaptsim\/([a-z_0-9]+)\.h"/\1/' |
      while read -r name; do
        t=${owner[$name]:-}
        [ -n "$t" ] && [ "$t" != "$m" ] && echo "$m $t"
      done
  done
} | sort -u)
if echo "$edges" | grep -q ' ALL$'; then
  fail=1
fi
# tsort reports a cycle on stderr
cyc=$(echo "$edges" | grep -v ' ALL$' | tsort 2>&1 >/dev/null)
if [ -n "$cyc" ]; then
  echo "include_graph: the module include graph has a cycle:"
  echo "$cyc" | sed 's/^/  /'
  echo "  edges (module -> module it includes):"
  echo "$edges" | sed 's/^/    /'
  fail=1
fi

if [ "$fail" = 0 ]; then
  echo "include_graph: ok ($(echo "$edges" | grep -c .) module dependencies, no cycle; engine clear of lua/mpi/yaml; public headers without GSL)"
fi
exit $fail
