#!/usr/bin/env python3
"""tools/service_regression.py recovers known coefficients: a synthetic services table in the
contract's format (docs/output.md) whose recovery is drawn from a logit model with known
coefficients, a service random effect (overdispersion, as between real services) and binomial
sampling; the fit must give each coefficient within 3 quasi-binomial SEs and 25% of the truth,
the signs, the lowest-to-highest odds ratios exp(b * range), and a change model that explains
most of a change driven by the features and little of one that is not.
Exit 77 (skipped) without numpy/statsmodels. Usage: service_regression_test.py SOURCE_DIR"""
import csv
import math
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pycheck import Checks, binom, contract_head, expit, need_statsmodels  # noqa: E402

src = sys.argv[1] if len(sys.argv) > 1 else "."
tool = os.path.join(src, "tools", "service_regression.py")
need_statsmodels("service_regression_test")

TRUE = {"pd_recorded_pct": 0.006, "mean_sessions_finished": 0.05, "entered_treatment_pct": 0.004,
        "mean_wait_weeks": -0.02, "dna_pct": -0.015}
MEASURES = ["referrals_received", "entered_treatment", "finished_course", "finished_at_caseness", "recovery_pct",
            "reliable_recovery_pct", "reliable_improvement_pct", "mean_sessions_finished", "dna_pct", "pd_recorded_pct",
            "step_up_pct", "entered_treatment_pct", "first_treatment_within_6wk_pct", "mean_wait_weeks", "ltc_pct",
            "imd_mean_decile"]
HEAD = contract_head(MEASURES)


def make(path, rng, change_driven):
    rows = []
    base = {}
    for s in range(240):
        f = {"pd_recorded_pct": rng.uniform(40, 100), "mean_sessions_finished": rng.uniform(5, 11),
             "entered_treatment_pct": rng.uniform(45, 85), "mean_wait_weeks": rng.uniform(1, 12),
             "dna_pct": rng.uniform(5, 20)}
        base[s] = (f, rng.gauss(0, 0.08), rng.randint(400, 6000))
    for year, shift in (("2018-19", 0), ("2019-20", 1)):
        for s, (f, u, n_cas) in base.items():
            g = dict(f)
            u2 = u
            if shift:
                # driven: features move a lot, the service effect little, so the change is the
                # features'; not driven: features move a twentieth as much, the service effect a lot
                k_move = 1 if change_driven else 0.05
                g = {k: v + k_move * rng.gauss(0, {"pd_recorded_pct": 15, "mean_sessions_finished": 2, "entered_treatment_pct": 10,
                                                    "mean_wait_weeks": 4, "dna_pct": 5}[k]) for k, v in f.items()}
                u2 = u + rng.gauss(0, 0.01 if change_driven else 0.15)
            eta = -1.0 + sum(TRUE[k] * g[k] for k in TRUE) + u2
            n = int(n_cas * (1.1 if shift else 1))
            rec = binom(rng, n, expit(eta))
            rel = binom(rng, n, expit(eta - 0.1))
            fin = int(n / 0.92)
            imp = binom(rng, fin, expit(eta + 0.7))
            vals = {"referrals_received": fin * 2.2, "entered_treatment": fin * 1.6, "finished_course": fin,
                    "finished_at_caseness": n, "recovery_pct": 100 * rec / n, "reliable_recovery_pct": 100 * rel / n,
                    "reliable_improvement_pct": 100 * imp / fin, "step_up_pct": 20, "first_treatment_within_6wk_pct": 90,
                    "ltc_pct": 15, "imd_mean_decile": 5.5}
            vals.update(g)
            r = {"year": year, "service_code": "S%03d" % s, "service_name": "Service %d" % s, "icb_code": "Q%02d" % (s % 40), "icb_name": "ICB %d" % (s % 40),
                 "region_code": "Y%d" % (56 + s % 7), "region": "Region %d" % (s % 7)}
            for m in MEASURES:
                v = "%.4f" % vals[m]
                r[m] = r[m + "_lo95"] = r[m + "_hi95"] = v
            rows.append(r)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, HEAD, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


check = Checks("service_regression_test")


def run(table, out):
    p = subprocess.run([sys.executable, tool, table, "--outcome", "recovery", "--csv", out], capture_output=True, text=True)
    if p.returncode:
        print(p.stdout, p.stderr)
        raise SystemExit(1)
    with open(out, newline="") as f:
        return list(csv.DictReader(f)), p.stdout


with tempfile.TemporaryDirectory() as tmp:
    rng = random.Random(20260419)
    make(os.path.join(tmp, "driven.csv"), rng, True)
    make(os.path.join(tmp, "undriven.csv"), rng, False)
    res, text = run(os.path.join(tmp, "driven.csv"), os.path.join(tmp, "driven_out.csv"))
    glm = {(r["year"], r["term"]): r for r in res if r["model"] == "binomial_glm_quasi_se"}
    for year in ("2018-19", "2019-20"):
        for k, b in TRUE.items():
            r = glm[(year, k)]
            est, se = float(r["estimate"]), float(r["se"])
            check(abs(est - b) < 3 * se and abs(est - b) < 0.25 * abs(b),
                  "%s %s: %.5f (SE %.5f), true %.5f" % (year, k, est, se, b))
            check(r["agrees"] == "1" and r["expected_sign"] == ("1" if b > 0 else "-1"), "%s %s: sign agrees" % (year, k))
            rngw = float(r["x_max"]) - float(r["x_min"])
            check(abs(float(r["or_low_high"]) - math.exp(est * rngw)) < 1e-4 * float(r["or_low_high"]),
                  "%s %s: odds ratio lowest to highest is exp(b * range)" % (year, k))
        beta = {r["term"]: r for r in res if r["model"] == "beta_regression" and r["year"] == year}
        check(all(beta[k]["agrees"] == "1" for k in TRUE), "%s: beta regression signs agree" % year)
        fit = {r["term"]: float(r["estimate"]) for r in res if r["model"] == "fit" and r["year"] == year}
        check(fit["dispersion"] > 1.5, "%s: overdispersion seen (Pearson %.2f)" % (year, fit["dispersion"]))
        check(0 < fit["r2_mcfadden"] < fit["r2_deviance"] <= 1, "%s: McFadden %.4f < deviance R2 %.3f" % (year, fit["r2_mcfadden"], fit["r2_deviance"]))
    ch = {r["term"]: float(r["estimate"]) for r in res if r["model"] == "change_ols"}
    check(ch["r2"] > 0.6, "change driven by the features: R-squared %.3f > 0.6" % ch["r2"])
    res2, _ = run(os.path.join(tmp, "undriven.csv"), os.path.join(tmp, "undriven_out.csv"))
    ch2 = {r["term"]: float(r["estimate"]) for r in res2 if r["model"] == "change_ols"}
    check(ch2["r2"] < 0.1, "change not driven by the features: R-squared %.3f < 0.1" % ch2["r2"])
    # bad input: a table of neither format is refused with a message
    bad = os.path.join(tmp, "bad.csv")
    open(bad, "w").write("a,b\n1,2\n")
    p = subprocess.run([sys.executable, tool, bad], capture_output=True, text=True)
    check(p.returncode != 0 and "neither data/services.csv's columns nor results/services.csv's" in p.stderr,
          "a table of neither format is refused: %s" % p.stderr.strip())
check.finish()
