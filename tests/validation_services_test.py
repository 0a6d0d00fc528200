#!/usr/bin/env python3
"""tools/validation_services.py's two checks of the services' waits, on synthetic tables with
known answers: "The wait and the first score" (least squares of the share of finished courses
not at caseness at the first score on the 6-week share) recovers a planted slope exactly from
the published format and from the contract's (docs/output.md), skips services under 100
finished courses and other years; "The services' waits" gives the SD, percentiles and the
correlation with the published shares of the same services; the checks over seeds count
each feature's seeds with the published sign and in the band from planted odds ratios; bad
arguments are refused before any output.
Exit 77 (skipped) without numpy/statsmodels. Usage: validation_services_test.py SOURCE_DIR"""
import csv
import io
import os
import sys
import tempfile
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pycheck import Checks, need_statsmodels  # noqa: E402

src = sys.argv[1] if len(sys.argv) > 1 else "."
sys.path.insert(0, os.path.join(src, "tools"))
need_statsmodels("validation_services_test")
import numpy as np  # noqa: E402
import validation_services as vs  # noqa: E402

check = Checks("validation_services_test")


with tempfile.TemporaryDirectory() as tmp:
    pub, sim = os.path.join(tmp, "pub.csv"), os.path.join(tmp, "sim.csv")
    # published format: not at caseness = 20 - 0.1 x 6-week share (%), exactly
    with open(pub, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["year", "ccg_code", "finished_course", "not_at_caseness", "wait_6w_share", "finished_per_referral"])
        for k in range(40):
            w6 = 50 + k  # 50 .. 89 %; throughput falls with it: correlation -1
            w.writerow(["2019-20", "S%02d" % k, 1000, 10 * (20 - 0.1 * w6), w6 / 100, 0.9 - 0.01 * k])
        w.writerow(["2019-20", "SMALL", 99, 90, 0.10, 0.5])  # under 100 finished: left out
        w.writerow(["2018-19", "S00", 1000, 500, 0.10, 0.5])  # another year
    # the contract's format: the same services, their shares halved, no slope
    with open(sim, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["year", "service_code", "finished_course", "finished_at_caseness", "first_treatment_within_6wk_pct",
                    "referrals_received"])
        for k in range(40):  # finished per referral 1000 / (2000 + 10 k): falls as the 6-week share rises
            w.writerow(["2019-20", "S%02d" % k, 1000, 950, (50 + k) / 2, 2000 + 10 * k])
    rows = vs.first_score_rows(pub, ["2019-20"])["2019-20"]
    check(len(rows) == 40, "the published rows kept: %d, not 40" % len(rows))
    line = vs.first_score_line("p", "2019-20", rows)
    cells = [c.strip() for c in line.strip("|").split("|")]
    check(cells[2] == "40" and cells[5].startswith("-0.100 (-0.100 to -0.100)") and cells[6] == "-1.00",
          "planted slope -0.1, r -1: got %s" % line)
    check(abs(float(cells[3]) - np.mean([20 - 0.1 * (50 + k) for k in range(40)])) < 0.051, "mean not at caseness: %s" % line)
    srows = vs.first_score_rows(sim, ["2019-20"])["2019-20"]
    sline = vs.first_score_line("m", "2019-20", srows)
    check("| 5.0 |" in sline and "0.000 (" in sline, "a flat model table: %s" % sline)
    check(vs.first_score_line("m", "2019-20", srows[:5]).count("|") == 8, "under 10 services: an empty row")
    waits = vs.waits_rows(sim, ["2019-20"])["2019-20"]
    check(len(waits) == 40 and waits["S10"] == (30, 1000 / 2100), "the model's waits read: %s" % (waits.get("S10"),))
    out = io.StringIO()
    with redirect_stdout(out):
        vs.waits_section(pub, [("m", sim, ["2019-20"])])
    text = out.getvalue()
    xs = np.array([(50 + k) / 2 for k in range(40)])
    rt = np.corrcoef(xs, [1000 / (2000 + 10 * k) for k in range(40)])[0, 1]
    want = "| m | 2019-20 | 40 | %.1f | %.1f | %.1f | %.1f | %.1f | 1.00 | %.2f |" % (
        xs.std(ddof=1), xs.min(), *np.percentile(xs, [10, 50, 90]), rt)
    check(want in text, "the waits table: wanted %s in\n%s" % (want, text))
    check("| published (data/services.csv) | 2019-20 | 40 |" in text and "| -1.00 |" in text,
          "the published row: correlation with throughput -1: %s" % text)
# the checks over seeds: planted odds ratios and spreads, counted and ranked
def term(f, or_low_high):
    return {"term": f, "or_low_high": or_low_high, "expected_sign": -1 if f in ("mean_wait_weeks", "dna_pct") else 1}


planted = []
for k in range(4):
    w = 0.5 * (k + 1)  # the wait's odds ratio lowest to highest: 0.5, 1, 1.5, 2 (improvements 2, 1, 2/3, 1/2)
    ors = {"pd_recorded_pct": 1.1, "mean_sessions_finished": 1.04 if k else 1.1, "entered_treatment_pct": 1.2 * w,
           "mean_wait_weeks": w, "dna_pct": 1 / 1.2}
    planted.append({"spread": {"sd": 4.0 + k, "p10": 47.0, "p90": 56.0 + k, "n_ge_50": 130 + 5 * k},
                    "terms": {f: term(f, v) for f, v in ors.items()}})
pub = {"sd": 4.2, "p10": 46.3, "p90": 56.0, "n_ge_50": 134}
r = vs.seeds_summary(planted, pub)
spread = {x[0]: x for x in r["spread"]}
# SD 4, 5, 6, 7 against 4.2 +- 1.5: 4 and 5 pass; p90 56-59 against 56 +- 1.5: 56, 57; count 130-145 against 134 +- 13.4: 130-145 all
check(spread["sd"] == ("sd", 4.2, 4.0, 7.0, 2) and spread["p90"] == ("p90", 56.0, 56.0, 59.0, 2) and spread["n_ge_50"][4] == 4,
      "spreads: SD 4-7 (2 within 1.5 of 4.2), p90 56-59 (2 within), count (4 within 10%%): %s" % (r["spread"],))
check(r["spread_all"] == 2 and [all(x["ok"].values()) for x in r["rows"]] == [True, True, False, False],
      "the whole spread check at seeds 1 and 2 only: %s" % [x["ok"] for x in r["rows"]])
planted[1]["spread"]["n_ge_50"] = 148  # 14 over 134: outside 10%
check(vs.seeds_summary(planted, pub)["spread_all"] == 1, "a count 10% off fails the spread check")
f = {x[0]: x for x in r["features"]}
check(f["mean_wait_weeks"][1:3] == (1, 0) and abs(f["mean_wait_weeks"][4] - 0.5) < 1e-12 and abs(f["mean_wait_weeks"][5] - 2) < 1e-12,
      "the wait: improvements 2, 1, 2/3, 1/2 (one above 1, none in the band): %s" % (f["mean_wait_weeks"],))
check(f["mean_sessions_finished"][1:3] == (4, 1) and f["pd_recorded_pct"][1:3] == (4, 4), "sessions in the band at one seed: %s" % r["features"])
check(f["dna_pct"][1:3] == (4, 4) and abs(f["dna_pct"][3] - 1.2) < 1e-12, "missed appointments, sign -: improvement 1.2: %s" % (f["dna_pct"],))
check(r["all_in"] == 0 and [x["all_in"] for x in r["rows"]] == [False] * 4, "no seed with all five in the band: %d" % r["all_in"])
check(r["pair"] is not None and abs(r["pair"][0] + 1) < 1e-9 and abs(r["pair"][1] - 1.2) < 1e-9 and abs(r["pair"][2] - 1.2) < 1e-9,
      "the wait and entering: log odds ratios correlate at -1, product 1.2 throughout: %s" % (r["pair"],))
# bad arguments: refused before any output
import subprocess  # noqa: E402
tool = os.path.join(src, "tools", "validation_services.py")
for args in (["--foo"], ["a", "b"], [os.path.join(src, "no-such-iaptsim")]):
    p = subprocess.run([sys.executable, tool] + args, capture_output=True, text=True)
    check(p.returncode == 2 and p.stdout == "" and ("usage" in p.stderr or "not an executable" in p.stderr),
          "%s: exit %d, stdout %r, stderr %r" % (args, p.returncode, p.stdout[:80], p.stderr[:120]))
check.finish()
