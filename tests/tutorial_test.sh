#!/bin/bash
# The plugin tutorial in plugins/README.md, followed to the letter: every file it shows is
# written as shown, in order, and run; the messages it quotes are the messages iaptsim
# gives. Usage: tutorial_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$1
src=$2
readme="$src/plugins/README.md"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# blocks opened by "```lua older_adults.lua" or "```yaml outreach.yaml", in order
n=0
while IFS= read -r line; do
  case "$line" in
    '```lua older_adults.lua' | '```yaml outreach.yaml')
      file=${line##* }
      : >"$file"
      while IFS= read -r body && [ "$body" != '```' ]; do printf '%s\n' "$body" >>"$file"; done
      n=$((n + 1))
      if [ -e older_adults.lua ] && [ -e outreach.yaml ]; then
        rm -rf out
        if "$bin" run outreach.yaml -o out -q 2>err; then ok; else bad "step $n ($file): $(head -n 3 err)"; continue; fi
        grep -q '^2020-21,all,older_adults.older_referrals,' out/summary.csv && ok || bad "step $n: no metric in summary.csv"
      fi
      ;;
  esac
done <"$readme"
[ "$n" -ge 5 ] && ok || bad "found only $n tutorial files"

# step 3 put the outreach cost in the ledger and the campaign's referrals in the scenario
grep -q '^nhs,pv:therapy_sessions,' out/economics.csv && ok || bad "no therapy_sessions in economics.csv"
grep -q '^2020-21,all,older_adults.campaign_on,1,1,1,[0-9]*,' out/summary.csv && ok || bad "campaign_on not 1 in 2020-21"
grep -q '"origin": "outreach.yaml:9"' out/run.json && ok || bad "run.json does not record where the option came from"

# the out-of-range option, as quoted
want=$(grep -o '`outreach.yaml:[0-9]*:[0-9]*: plugins.older_adults.with.response = 3 is out of range \[0.5, 2\]`' "$readme" | tr -d '`')
sed 's/with: { response: 1.2 }/with: { response: 3 }/' outreach.yaml >bad.yaml
"$bin" check bad.yaml 2>err >/dev/null
rc=$?
got=$(head -n 1 err | sed 's/^iaptsim: //; s/^bad.yaml/outreach.yaml/')
[ $rc -eq 2 ] && [ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "option message: exit $rc, got '$got', README says '$want'"
"$bin" check outreach.yaml >out.txt 2>err && grep -qx "  plugins ran without error in a trial replicate at population scale 0.01" out.txt \
  && ok || bad "check of the tutorial's scenario: $(cat out.txt err)"

# the mistake of step 4, as quoted
want=$(grep '^iaptsim: .*older_adults.lua:[0-9]*: person.mark' "$readme")
sed -i 's/person.mark = 1 -- remember/person.mark = 300 -- remember/' older_adults.lua
rm -rf out
"$bin" run outreach.yaml -o out -q 2>err >/dev/null
rc=$?
got=$(head -n 1 err)
[ $rc -eq 1 ] && [ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "step 4: exit $rc, got '$got', README says '$want'"
sed -n 2p err | grep -qx "  (in on_referral of plugin 'older_adults', replicate 1)" && ok || bad "step 4: no hook line"
[ -e out ] && bad "step 4 wrote results" || ok
# as step 2 says, check's trial replicate meets the same mistake
"$bin" check outreach.yaml 2>err >/dev/null
rc=$?
[ $rc -eq 1 ] && [ "$(head -n 1 err)" = "$want" ] && ok || bad "step 4 under check: exit $rc, got '$(head -n 1 err)'"

finish tutorial
