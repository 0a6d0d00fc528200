#!/usr/bin/env python3
"""tools/service_regression_power.py gives the answers its simulation implies on planted designs:
a run's table (the contract's format) whose share entering and mean wait are collinear, and a
published-format table whose features vary apart. With every true odds ratio 1.25 (inside the
band 1.05-1.60), features that vary apart are found in the band nearly always and the collinear
pair far less often; with 3.0 (outside the band) almost never; the simulated services'
dispersion matches the published table's (or --dispersion); with no effect (r = 1) the signs are
a coin toss; bad arguments, a year not in the tables, a table of the wrong kind, a binary or a
missing file exit 2 with a message and no traceback.
Exit 77 (skipped) without numpy/statsmodels. Usage: service_regression_power_test.py SOURCE_DIR"""
import csv
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pycheck import Checks, binom, contract_head, expit, need_statsmodels  # noqa: E402

src = sys.argv[1] if len(sys.argv) > 1 else "."
tool = os.path.join(src, "tools", "service_regression_power.py")
need_statsmodels("service_regression_power_test")

SIM_MEASURES = ["referrals_received", "entered_treatment", "finished_course", "finished_at_caseness", "recovery_pct",
                "reliable_recovery_pct", "reliable_improvement_pct", "mean_sessions_finished", "dna_pct",
                "pd_recorded_pct", "step_up_pct", "entered_treatment_pct", "mean_wait_weeks"]
SIM_HEAD = contract_head(SIM_MEASURES)
PUB_HEAD = ["year", "ccg_code", "region_code", "mapping", "flag", "finished_course", "not_at_caseness", "recovered",
            "reliably_recovered", "reliably_improved", "pd_recorded_finished_share", "finished_per_referral",
            "wait_6w_share", "step_up_share"]


def write(path, head, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, head, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def make(tmp, rng):
    sim, pub = [], []
    for s in range(200):
        code = "S%03d" % s
        n = rng.randint(800, 4000)
        eta = rng.gauss(0.05, 0.15)
        entering = rng.uniform(45, 85)
        v = {"referrals_received": n * 2.5, "entered_treatment": n * 1.6, "finished_course": n / 0.94,
             "finished_at_caseness": n, "recovery_pct": 100 * binom(rng, n, expit(eta)) / n,
             "reliable_recovery_pct": 48, "reliable_improvement_pct": 67,
             "mean_sessions_finished": rng.uniform(5, 11), "dna_pct": rng.uniform(5, 20),
             "pd_recorded_pct": rng.uniform(40, 100), "step_up_pct": 20, "entered_treatment_pct": entering,
             "mean_wait_weeks": 20 - 0.2 * entering + rng.gauss(0, 0.25)}  # collinear with entering
        r = {"year": "2019-20", "service_code": code, "service_name": code, "icb_code": "Q01", "icb_name": "ICB",
             "region_code": "Y56", "region": "London"}
        for m in SIM_MEASURES:
            r[m] = r[m + "_lo95"] = r[m + "_hi95"] = "%.4f" % v[m]
        sim.append(r)
        fin = rng.randint(800, 4000)
        cas = int(fin * 0.94)
        pub.append({"year": "2019-20", "ccg_code": code, "region_code": "Y56", "mapping": "direct", "flag": "",
                    "finished_course": fin, "not_at_caseness": fin - cas,
                    "recovered": binom(rng, cas, expit(rng.gauss(0.05, 0.15))), "reliably_recovered": 0,
                    "reliably_improved": 0, "pd_recorded_finished_share": "%.4f" % rng.uniform(0.5, 1.0),
                    "finished_per_referral": "%.4f" % rng.uniform(0.2, 0.6),
                    "wait_6w_share": "%.4f" % rng.uniform(0.6, 1.0), "step_up_share": "%.4f" % rng.uniform(0.05, 0.3)})
    write(os.path.join(tmp, "services.csv"), SIM_HEAD, sim)
    write(os.path.join(tmp, "published.csv"), PUB_HEAD, pub)


check = Checks("service_regression_power_test")


def run(tmp, true_or, extra=()):
    p = subprocess.run([sys.executable, tool, os.path.join(tmp, "services.csv"), "--published",
                        os.path.join(tmp, "published.csv"), "--or", true_or, "--draws", "150", "--seed", "7"] + list(extra),
                       capture_output=True, text=True)
    if p.returncode:
        print(p.stdout, p.stderr)
        raise SystemExit(1)
    # the one model design is labelled by its path: "model: /tmp/.../services.csv"
    return {("model" if r["design"].startswith("model: ") else r["design"], r["feature"]): r
            for r in csv.DictReader(p.stdout.splitlines())}


with tempfile.TemporaryDirectory() as tmp:
    make(tmp, random.Random(20261201))
    res = run(tmp, "1.25")
    f = lambda d, feat, col: float(res[(d, feat)][col])  # noqa: E731
    check(f("model", "wait", "entering_wait_r") < -0.9, "model design: entering and wait collinear (r %.2f)" % f("model", "wait", "entering_wait_r"))
    check(abs(f("published", "wait", "entering_wait_r")) < 0.3, "published design: they vary apart (r %.2f)" % f("published", "wait", "entering_wait_r"))
    for feat in ("descriptor", "sessions", "entering", "wait", "missed"):
        check(f("published", feat, "published_sign_share") >= 0.95 and f("published", feat, "in_band_share") >= 0.75,
              "published design, true 1.25: %s of the published sign %.2f, in band %.2f" % (
                  feat, f("published", feat, "published_sign_share"), f("published", feat, "in_band_share")))
    for feat in ("descriptor", "sessions", "missed"):
        check(f("model", feat, "in_band_share") >= 0.75, "model design: %s (not collinear) in band %.2f" % (feat, f("model", feat, "in_band_share")))
    for feat in ("entering", "wait"):
        check(f("model", feat, "in_band_share") <= 0.7, "model design: collinear %s in band only %.2f" % (feat, f("model", feat, "in_band_share")))
    check(f("published", "all_five", "in_band_share") > f("model", "all_five", "in_band_share") + 0.2,
          "all five in band: %.2f apart against %.2f collinear" % (f("published", "all_five", "in_band_share"), f("model", "all_five", "in_band_share")))
    sim_d, pub_d = f("published", "wait", "simulated_dispersion"), f("published", "wait", "target_dispersion")
    check(pub_d > 2 and abs(sim_d / pub_d - 1) < 0.1, "simulated dispersion %.2f against the published table's %.2f" % (sim_d, pub_d))
    res_d = run(tmp, "1.25", ["--dispersion", "30"])
    check(abs(float(res_d[("model", "wait")]["simulated_dispersion"]) / 30 - 1) < 0.1
          and float(res_d[("model", "wait")]["tau"]) > f("model", "wait", "tau"),
          "--dispersion 30: simulated %s, tau %s (larger)" % (res_d[("model", "wait")]["simulated_dispersion"], res_d[("model", "wait")]["tau"]))
    both = run(tmp, "1.11,1.25")
    check(all(both[key]["in_band_share"] == res[key]["in_band_share"] for key in res),
          "a row is the same whichever other odds ratios are run (its own stream)")
    res1 = run(tmp, "1")
    check(float(res1[("published", "all_five")]["in_band_share"]) < 0.02
          and all(0.25 < float(res1[("published", x)]["published_sign_share"]) < 0.75 for x in ("descriptor", "wait")),
          "no effect (r = 1): the signs a coin toss, all five in band almost never")
    res3 = run(tmp, "3")
    check(max(float(res3[("published", x)]["in_band_share"]) for x in ("descriptor", "sessions", "entering", "wait", "missed")) <= 0.1
          and float(res3[("published", "all_five")]["published_sign_share"]) >= 0.95,
          "true 3.0 (outside the band): of the published sign, but not in band")
    for args, why in ((["--or", "0.9"], "must be in [1, 10]"), (["--or", "inf"], "must be in [1, 10]"), (["--or", "x"], "comma-separated"),
                      (["--draws", "3"], "at least 10"), (["--seed", "-1"], "non-negative"), (["--dispersion", "0.5"], "in [1, 1000]"),
                      (["--year", "2099-00"], "0 services with >= 100 finished courses in 2099-00 (need 20; years in the table: 2019-20)"),
                      (["--published", os.path.join(tmp, "services.csv")], "is a run's table; --published wants")):
        p = subprocess.run([sys.executable, tool, os.path.join(tmp, "services.csv"), "--published",
                            os.path.join(tmp, "published.csv")] + args, capture_output=True, text=True)
        check(p.returncode == 2 and why in p.stderr, "%s refused (exit %d): %s" % (" ".join(args), p.returncode, p.stderr.strip()[-80:]))
    svc = os.path.join(tmp, "services.csv")
    for args, why in ((["--csv", svc], "that is an input table"), (["--csv", os.path.join(tmp, "o.csv"), "--markdown"], "not allowed with"),
                      (["--csv", os.path.join(tmp, "no", "o.csv")], "--csv: ")):
        before = open(svc).read()
        p = subprocess.run([sys.executable, tool, svc, "--published", os.path.join(tmp, "published.csv"), "--draws", "10"] + args,
                           capture_output=True, text=True)
        check(p.returncode == 2 and why in p.stderr and open(svc).read() == before and not os.path.exists(os.path.join(tmp, "o.csv")),
              "%s refused, nothing written: %s" % (" ".join(args[:2]), p.stderr.strip()[-80:]))
    with open(os.path.join(tmp, "run.json"), "w") as f:
        f.write('{"population_scale": 0.05, "replicates": 1}')
    p = subprocess.run([sys.executable, tool, svc, "--published", os.path.join(tmp, "published.csv"), "--draws", "10", "--or", "1.25"],
                       capture_output=True, text=True)
    check(p.returncode == 0 and "population scale 0.05 with 1 replicates" in p.stderr, "a run not at scale 1: a note (%s)" % p.stderr.strip()[-60:])
    os.remove(os.path.join(tmp, "run.json"))
    open(os.path.join(tmp, "binary.csv"), "wb").write(bytes(range(256)))
    for table, why in (("nothing.csv", "No such file"), ("binary.csv", "not a UTF-8 CSV table"),
                       ("published.csv", "is the published table; give a run's services.csv")):
        p = subprocess.run([sys.executable, tool, os.path.join(tmp, table), "--published", os.path.join(tmp, "published.csv")],
                           capture_output=True, text=True)
        check(p.returncode == 2 and why in p.stderr and "Traceback" not in p.stderr,
              "%s refused: exit %d, %s" % (table, p.returncode, p.stderr.strip()[-100:]))
check.finish()
