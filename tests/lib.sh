# Shared by the shell tests (source it): count checks, say which failed, end with the tally.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# finish NAME: print the tally; the exit status says whether every check passed
finish() {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
# skip_without CMD NAME [HOW]: end the test as skipped (exit 0, saying why) when CMD is not
# installed; HOW, if given, says how to install it
skip_without() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "$2: skipped: $1 not found${3:+ ($3)}"
  exit 0
}
