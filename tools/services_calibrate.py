#!/usr/bin/env python3
"""Fit each service's residual response multiplier (data/services_residuals.csv).

The services' features (docs/model.md, Services) explain part of the difference between
services' recovery; the rest is a per-service residual, fitted here on the 2017-18 and
2018-19 rows of data/services.csv only (the 2019-20 rows are the check, used in no fit):

 1. run scenarios/history_2012_2020.yaml for 2017-18 and 2018-19 (its yearly features and
    workforce) at population scale 1 with services.residual_weight 0 (no residuals);
 2. for each service, d = logit(published recovery) - logit(simulated recovery), both pooled
    over the two years (published: recovered / (finished - not at caseness), counts);
 3. shrink d towards 0 (empirical Bayes: between-service variance tau^2 = var(d) - mean
    sampling variance; weight tau^2 / (tau^2 + se^2), se^2 from the published and
    simulated counts), since part of d is noise;
 4. turn the logit shift into a response multiplier with the model's own slope
    b = d logit(recovery) / d log(response), from two national runs with every session's
    effect x 1 and x 1.1 (treatment.effect_li and effect_hi: the effect multiplies the
    response): log multiplier = shrunk (d - mean d) / b, kept in [0.5, 2];
 5. once more with those multipliers in force (the response is not linear in them):
    log multiplier += weight (d' - mean d) / b, with d' the gap left and mean d that of
    step 2, so the national level stays the scenario's own calibration.

Usage: tools/services_calibrate.py [IAPTSIM]   (writes data/services_residuals.csv)
Python 3 standard library only; deterministic (fixed seeds).
"""
import csv
import math
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
YEARS = ("2017-18", "2018-19")
SEED = 20170401
REPLICATES = 2


def logit(p):
    return math.log(p / (1 - p))


def scenario(tmp, extra=""):
    path = os.path.join(tmp, "fit.yaml")
    with open(path, "w") as f:
        f.write(f"iaptsim: 1\nbase: {os.path.join(ROOT, 'scenarios', 'history_2012_2020.yaml')}\n"
                f"name: services residual fit\nyears: [2017, 2018]\nseed: {SEED}\n"
                f"parameters:\n  services.residual_weight: 0\n{extra}")
    return path


def run(binary, path, out, scale, reps, sets=()):
    cmd = [binary, "run", path, "--scale", str(scale), "--replicates", str(reps), "-o", out, "-q"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True)


def national_recovery(out):
    vals = {}
    with open(os.path.join(out, "summary.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["group"] == "all" and r["metric"] == "recovery_pct" and r["year"] in YEARS:
                vals[r["year"]] = float(r["mean"])
    return statistics.mean(vals[y] for y in YEARS)


def sim_counts(out):
    sim = {}
    with open(os.path.join(out, "services.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["year"] in YEARS and r["recovery_pct"] != "NA":
                # replicates' mean counts: REPLICATES runs' worth of people
                case = float(r["finished_at_caseness"]) * REPLICATES
                rec = float(r["recovery_pct"]) / 100 * case
                c, x = sim.get(r["service_code"], (0.0, 0.0))
                sim[r["service_code"]] = (c + case, x + rec)
    return sim


def gaps(pub, sim):
    d, se2 = {}, {}
    for code, (pc, px) in pub.items():
        sc, sx = sim.get(code, (0, 0))
        if pc < 50 or sc < 50:
            continue
        p, q = px / pc, sx / sc
        d[code] = logit(p) - logit(q)
        se2[code] = 1 / (pc * p * (1 - p)) + 1 / (sc * q * (1 - q))
    return d, se2


def table_with(tmp, mult):
    """data/services.csv with a response_multiplier column (services.c reads it)"""
    path = os.path.join(tmp, "services_fit.csv")
    with open(os.path.join(ROOT, "data", "services.csv"), newline="") as f, open(path, "w", newline="") as o:
        rd = csv.reader(f)
        w = csv.writer(o, lineterminator="\n")
        head = next(rd)
        w.writerow(head + ["response_multiplier"])
        ci = head.index("ccg_code")
        for r in rd:
            w.writerow(r + [f"{mult.get(r[ci], 1.0):.6f}"])
    return path


def main(argv):
    binary = argv[0] if argv else os.path.join(ROOT, "build", "iaptsim")
    # published, pooled over the two years
    pub = {}
    with open(os.path.join(ROOT, "data", "services.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["year"] not in YEARS:
                continue
            fin = float(r["finished_course"])
            if r["not_at_caseness"] and r["recovered"]:
                case, rec = fin - float(r["not_at_caseness"]), float(r["recovered"])
            else:  # a suppressed count: the published percentage of the finished courses
                case, rec = fin, float(r["recovery_pct"]) / 100 * fin
            c, x = pub.get(r["ccg_code"], (0.0, 0.0))
            pub[r["ccg_code"]] = (c + case, x + rec)
    with tempfile.TemporaryDirectory() as tmp:
        path = scenario(tmp)
        # 1. the services without residuals
        sim_dir = os.path.join(tmp, "sim")
        run(binary, path, sim_dir, 1, REPLICATES)
        base = national_recovery(sim_dir)
        d, se2 = gaps(pub, sim_counts(sim_dir))
        # 4. the slope of logit recovery in log response, nationally
        eff = {}
        with open(os.path.join(ROOT, "core", "params", "param_list.h")) as f:
            for line in f:
                for name in ("treatment.effect_li", "treatment.effect_hi"):
                    if f'"{name}"' in line:
                        eff[name] = float(line.split(",")[2])
        hi_dir, lo_dir = os.path.join(tmp, "hi"), os.path.join(tmp, "lo")
        run(binary, path, hi_dir, 0.25, 2, [f"{n}={v * 1.1!r}" for n, v in eff.items()])
        run(binary, path, lo_dir, 0.25, 2)
        slope = (logit(national_recovery(hi_dir) / 100) - logit(national_recovery(lo_dir) / 100)) / math.log(1.1)
        # 2-3. gaps, shrunk towards 0
        mean_d = statistics.mean(d.values())
        tau2 = max(0.0, statistics.pvariance(d.values()) - statistics.mean(se2.values()))
        weight = {c: tau2 / (tau2 + se2[c]) for c in d}
        clamp = lambda x: min(math.log(2.0), max(math.log(0.5), x))
        logm = {c: clamp(weight[c] * (d[c] - mean_d) / slope) for c in d}
        # 5. once more, with the multipliers in force
        path2 = scenario(tmp, "")
        with open(path2, "a") as f:
            f.write(f"services: {table_with(tmp, {c: math.exp(v) for c, v in logm.items()})}\n")
        with open(path2) as f:
            text = f.read().replace("services.residual_weight: 0", "services.residual_weight: 1")
        with open(path2, "w") as f:
            f.write(text)
        fit_dir = os.path.join(tmp, "fit")
        run(binary, path2, fit_dir, 1, REPLICATES)
        d2, _ = gaps(pub, sim_counts(fit_dir))
        before = national_recovery(fit_dir)
        for c in d:
            if c in d2:
                logm[c] = clamp(logm[c] + weight[c] * (d2[c] - mean_d) / slope)
    rows = []
    for code in sorted(pub):
        if code in logm:
            rows.append((code, f"{math.exp(logm[code]):.4f}", f"{logm[code] * slope:.4f}", f"{weight[code]:.3f}"))
        else:
            rows.append((code, "1.0000", "0.0000", "0.000"))
    src = (f"tools/services_calibrate.py: 2017-18 and 2018-19 rows of data/services.csv against "
           f"scenarios/history_2012_2020.yaml years 2017-18 to 2018-19 (scale 1, {REPLICATES} replicates, seed {SEED}); "
           f"tau^2 {tau2:.4f}, mean logit gap {mean_d:.4f} left to the scenario, slope {slope:.3f} logit per log response, "
           f"two passes")
    with open(os.path.join(ROOT, "data", "services_residuals.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ccg_code", "response_multiplier", "residual_logit", "shrinkage", "source"])
        for r in rows:
            w.writerow(list(r) + [src])
    print(f"{len(d)} services fitted; tau^2 {tau2:.4f} (SD {math.sqrt(tau2):.3f} logit), slope {slope:.3f}, "
          f"mean gap {mean_d:.4f}; national recovery 2017-19 without residuals {base:.2f}, after pass 1 {before:.2f}; "
          f"{sum(abs(v) >= math.log(2) - 1e-9 for v in logm.values())} multipliers at a bound")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
