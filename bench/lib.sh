# Shared by the benchmark scripts (source it). Not a benchmark itself.

# best N COMMAND [ARGS...]: the smallest number COMMAND prints, over N runs
best() {
  local n=$1 m= v i
  shift
  for ((i = 0; i < n; i++)); do
    v=$("$@") || exit 1
    m=$(awk -v a="${m:-$v}" -v b="$v" 'BEGIN {print (b < a ? b : a)}')
  done
  echo "$m"
}

# wall COMMAND [ARGS...]: run COMMAND (its output to stderr) and print its wall time in seconds
wall() {
  local s e
  s=$(date +%s.%N)
  "$@" >&2 || exit 1
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN {print e - s}'
}

# same_results DIR1 DIR2: "yes" when the two runs wrote byte-identical results, else "no"
same_results() {
  local f
  for f in summary.csv replicates.csv economics.csv ledger.csv; do
    cmp -s "$1/$f" "$2/$f" || { echo no; return; }
  done
  echo yes
}
