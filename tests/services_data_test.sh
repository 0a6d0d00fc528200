#!/bin/bash
# data/services.csv and its companions are what data/services/build_services.py makes of the
# committed extract (data/services.md): rebuilt into a temporary folder, byte for byte; one row
# per 2019-20 CCG and year, each with its STP, ICB and region; the between-CCG figures the
# services issue checks against. Skipped, with a message, when python3 is not installed.
# Usage: services_data_test.sh SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
src=$(readlink -f "$1")
skip_without python3 services_data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$src/data/services/build_services.py" "$src" "$tmp" 2>"$tmp/err" &&
  ok || bad "build_services.py failed: $(head -n 3 "$tmp/err")"
for f in services.csv services_published_stats.csv services_orgs_published.csv; do
  cmp -s "$tmp/$f" "$src/data/$f" && ok || bad "$f differs from a rebuild (rerun data/services/build_services.py)"
done
python3 - "$src/data" >"$tmp/check" 2>&1 <<'PY'
import csv, sys
from collections import Counter
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/services.csv", encoding="utf-8")))
lk = list(csv.DictReader(open(d + "/ccg_lookup.csv", encoding="utf-8")))
ccg19 = {r["ccg_code"] for r in lk if r["ccg19_code"] == r["ccg_code"]}
years = ["2017-18", "2018-19", "2019-20", "2020-21", "2021-22"]
def say(ok, msg):
    print(("ok " if ok else "bad ") + msg)
say(len(ccg19) == 191, "191 CCGs of April 2019 in the lookup (%d)" % len(ccg19))
say(len(rows) == 191 * 5, "955 rows (%d)" % len(rows))
per = Counter((r["year"], r["ccg_code"]) for r in rows)
say(all(per[(y, c)] == 1 for y in years for c in ccg19), "one row per 2019-20 CCG and year")
say(not [r for r in rows if not (r["region"] and r["region_code"] and r["icb_code"] and r["stp_code"])],
    "every row has an STP, ICB and region")
say(len({r["region_code"] for r in rows}) == 7, "seven NHS regions")
icb = {r["code"]: r["name"] for r in csv.DictReader(open(d + "/stp_icb_region_lookup.csv", encoding="utf-8"))
       if r["org_type"] == "ICB"}
say(len({r["icb_code"] for r in rows}) == 42 and all(r["icb_name"] == icb.get(r["icb_code"]) for r in rows),
    "42 ICBs, each named as in stp_icb_region_lookup.csv")
say([r["icb_name"] for r in rows if r["icb_code"] == "QE1"][:1] == ["NHS LANCASHIRE AND SOUTH CUMBRIA INTEGRATED CARE BOARD"],
    "QE1 is NHS Lancashire and South Cumbria ICB")
b = [r for r in rows if r["year"] == "2019-20"]
say(all(r["mapping"] == "published" for r in b), "2019-20 rows are the published rows")
say(all(r["recovery_pct"] and r["finished_course"] for r in rows), "recovery and finished courses in every row")
say({r["ccg_code"] for r in rows if r["flag"] == "resubmission"} == {"11E", "12D", "99N"}
    and all(r["recovery_pct"] == "16" for r in rows if r["flag"]), "the 2021-22 resubmission rows flagged")
# apportioned members' shares of a merged body sum to 1
w = {}
for r in rows:
    if r["mapping"] == "apportioned":
        k = (r["year"], r["source_orgs"])
        w[k] = w.get(k, 0.0) + float(r["weight_finished"])
say(w and all(abs(v - 1) < 2e-3 for v in w.values()), "apportioning weights sum to 1 per merged body")
st = {(r["year"], r["level"], r["population"], r["measure"]): r
      for r in csv.DictReader(open(d + "/services_published_stats.csv", encoding="utf-8"))}
want = {"2017-18": ("211", "5.03"), "2018-19": ("200", "4.13"), "2019-20": ("194", "4.20"),
        "2020-21": ("139", "4.89"), "2021-22": ("109", "5.48")}
for y, (n, sd) in want.items():
    r = st[(y, "CCG", "all_rows", "recovery_pct")]
    say((r["n_orgs_published"], r["sd"]) == (n, sd), "%s: %s CCG rows, SD %s (%s, %s)" % (y, n, sd, r["n_orgs_published"], r["sd"]))
r = st[("2019-20", "CCG", "all_rows", "recovery_pct")]
say((r["p10"], r["p90"]) == ("46.3", "56.0"), "2019-20 p10 46.3, p90 56.0 (%s, %s)" % (r["p10"], r["p90"]))
r = st[("2021-22", "CCG", "all_rows_excl_resubmission", "recovery_pct")]
say(r["n_orgs"] == "108" and float(r["sd"]) < 4.5, "2021-22 without the resubmission: 108 CCGs, SD %s" % r["sd"])
PY
while read -r res msg; do
  [ "$res" = ok ] && ok || bad "$res $msg"
done <"$tmp/check"
[ "$(grep -c '^ok ' "$tmp/check")" -ge 14 ] && ok || bad "checks did not run: $(head -n 3 "$tmp/check")"
finish services_data
