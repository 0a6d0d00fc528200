#!/bin/bash
# A result folder is whole or not there (include/iaptsim/output.h, iapt_output_begin): a kill
# at every file write leaves the old whole result or the new whole one; two runs on one
# folder do not mix; a full disk leaves the old result; a folder that cannot be written, or
# that holds other files, is refused before the simulation. Usage: results_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$(readlink -f "$1")
src=$2
cd "$src" || exit 1
src=$(pwd)
tmp=$(mktemp -d)
mnt=""
cleanup() {
  [ -n "$mnt" ] && mountpoint -q "$mnt" && umount "$mnt"
  rm -rf "$tmp"
}
trap cleanup EXIT
small=(--replicates 2 --scale 0.01 -q)
sc=scenarios/default.yaml

# whole: the files of a result and nothing else (hidden lock and temporary folders are beside it)
same_tree() { diff -r "$1" "$2" >/dev/null 2>&1; }

# -o folders that hold something else, or are not folders: exit 2, nothing changed
expect_refused() { # description pattern args...
  local what=$1 pat=$2; shift 2
  timeout 10 "$bin" "$@" >/dev/null 2>"$tmp/err"
  local rc=$?
  [ $rc -eq 2 ] && grep -q -- "$pat" "$tmp/err" && ok || bad "$what: exit $rc: $(head -c 300 "$tmp/err")"
}
mkdir -p "$tmp/cwd" && touch "$tmp/cwd/notes.txt"
(cd "$tmp/cwd" && timeout 10 "$bin" run "$src/$sc" -o . "${small[@]}" 2>"$tmp/err"); rc=$?
[ $rc -eq 2 ] && grep -q "holds files that are not an iaptsim result (./notes.txt)" "$tmp/err" && ok || bad "-o .: exit $rc: $(cat "$tmp/err")"
[ "$(ls -A "$tmp/cwd")" = "notes.txt" ] && ok || bad "-o . changed the folder: $(ls -A "$tmp/cwd")"
expect_refused "-o a file" "exists and is not a folder" run $sc -o tests/cli_test.sh "${small[@]}"
"$bin" run $sc -o "$tmp/r1" "${small[@]}" && ok || bad "first run"
touch "$tmp/r1/mine.txt"
expect_refused "-o a result with a file of mine" "(.*/r1/mine.txt)" run $sc -o "$tmp/r1" "${small[@]}"
[ -e "$tmp/r1/mine.txt" ] && [ -e "$tmp/r1/run.json" ] && ok || bad "a refused folder was changed"
rm "$tmp/r1/mine.txt"
"$bin" run $sc -o "$tmp/r1" "${small[@]}" --seed 9 && ok || bad "a run replaces an earlier result"
grep -q '"seed": "9"' "$tmp/r1/run.json" && ok || bad "the new result is in place"
ls -A "$tmp" | grep -q '\.r1\.' && bad "a temporary folder or lock left behind: $(ls -A "$tmp")" || ok
mkdir "$tmp/empty"
"$bin" run $sc -o "$tmp/empty" "${small[@]}" && [ -s "$tmp/empty/run.json" ] && ok || bad "-o an empty folder"
# a comparison holds a folder per strategy: it may replace itself
"$bin" compare $sc --alt Other --alt-set treatment.dna_rate=0.08 -o "$tmp/cmp" "${small[@]}" 2>/dev/null
"$bin" compare $sc --alt Other --alt-set treatment.dna_rate=0.08 -o "$tmp/cmp" "${small[@]}" --seed 3 && grep -q '"seed": "3"' "$tmp/cmp/run.json" && ok || bad "compare over an earlier comparison"

# a folder that cannot be written is found before the simulation (this one would take minutes)
start=$(date +%s)
expect_refused "unwritable -o" "cannot make the output folder" run $sc -o /proc/iaptsim_no_such/out --replicates 50 --scale 1 -q
[ $(( $(date +%s) - start )) -le 3 ] && ok || bad "the unwritable folder was found only after the simulation"
mkdir -p "$tmp/ro"
if mount -t tmpfs -o ro,size=64k tmpfs "$tmp/ro" 2>/dev/null; then
  mnt="$tmp/ro"
  start=$(date +%s)
  expect_refused "read-only -o" "cannot write the output folder here: Read-only file system" run $sc -o "$tmp/ro/out" --replicates 50 --scale 1 -q
  [ $(( $(date +%s) - start )) -le 3 ] && ok || bad "the read-only folder was found only after the simulation"
  umount "$tmp/ro"; mnt=""
else
  echo "results_test: cannot mount a tmpfs here: the read-only and full-disk cases are skipped"
fi

# two runs on one folder at once: the second is refused at once (exit 2), the first is whole
"$bin" run $sc -o "$tmp/both" --replicates 20 --scale 0.05 -q --threads 1 &
first=$!
for _ in $(seq 100); do ls -A "$tmp" | grep -q '^\.both\.tmp-' && break; sleep 0.05; done
timeout 10 "$bin" run $sc -o "$tmp/both" "${small[@]}" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "another iaptsim run is writing this folder" "$tmp/err" && ok || bad "second run: exit $rc: $(cat "$tmp/err")"
wait $first && ok || bad "first of two runs failed"
grep -q '"replicates": 20' "$tmp/both/run.json" && [ -s "$tmp/both/report.html" ] && ok || bad "first run's result is not whole"

# a full disk: the run fails (exit 1), the earlier result stays whole, no temporary folder left
# (the disk holds one result, about 790k with every group, parameter, employment_transitions.csv and services.csv, not two)
mkdir -p "$tmp/full"
if mount -t tmpfs -o size=1000k tmpfs "$tmp/full" 2>/dev/null; then
  mnt="$tmp/full"
  "$bin" run $sc -o "$tmp/full/r" "${small[@]}" --seed 1 && ok || bad "a first result fits the small disk"
  cp -a "$tmp/full/r" "$tmp/full_old"
  timeout 20 "$bin" run $sc -o "$tmp/full/r" --replicates 2 --scale 0.05 -q 2>"$tmp/err"; rc=$?
  [ $rc -eq 1 ] && grep -q "No space left on device" "$tmp/err" && ok || bad "full disk: exit $rc: $(cat "$tmp/err")"
  same_tree "$tmp/full/r" "$tmp/full_old" && ok || bad "full disk: the earlier result changed"
  ls -A "$tmp/full" | grep -q 'tmp-' && bad "full disk: a temporary folder left behind" || ok
  umount "$tmp/full"; mnt=""
else
  echo "results_test: cannot mount a tmpfs here: the full-disk case is skipped"
fi

# a kill at every file write: strace kills the run at the Nth call of each writing system call
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
  t="$tmp/k/out"
  mkdir -p "$tmp/k"
  "$bin" run $sc -o "$t" "${small[@]}" --seed 2 && cp -a "$t" "$tmp/new" || bad "kill: the new result"
  rm -rf "$t"
  "$bin" run $sc -o "$t" "${small[@]}" --seed 1 && cp -a "$t" "$tmp/old" || bad "kill: the old result"
  strace -f -o "$tmp/trace" -e trace=write,fsync,rename,renameat2,unlink,rmdir,mkdir "$bin" run $sc -o "$t" "${small[@]}" --seed 2 >/dev/null
  same_tree "$t" "$tmp/new" || bad "kill: a traced run is not the new result"
  kills=0
  for call in write fsync rename renameat2 unlink rmdir mkdir; do
    n=$(grep -c "^[0-9]* *$call(" "$tmp/trace")
    for i in $(seq 1 "$n"); do
      rm -rf "$t" && cp -a "$tmp/old" "$t"
      (strace -f -o /dev/null -e trace=$call -e inject=$call:signal=SIGKILL:when=$i "$bin" run $sc -o "$t" "${small[@]}" --seed 2 >/dev/null 2>&1; :) 2>/dev/null
      kills=$((kills + 1))
      if same_tree "$t" "$tmp/old" || same_tree "$t" "$tmp/new"; then ok; else bad "kill at $call #$i: neither the old nor the new whole result"; fi
    done
  done
  [ "$kills" -ge 20 ] && ok || bad "kill: only $kills kill points"
  # the next run clears what the killed ones left
  "$bin" run $sc -o "$t" "${small[@]}" --seed 2 && same_tree "$t" "$tmp/new" && ok || bad "kill: the run after"
  ls -A "$tmp/k" | grep -q 'tmp-' && bad "kill: temporary folders left after the next run" || ok
  echo "results_test: killed at $kills file-writing system calls"
else
  echo "results_test: strace cannot trace here: the kill-at-every-write case is skipped"
fi

finish results_test
