#!/usr/bin/env python3
"""Fit each service's residual response multiplier, and the levels of its two unpublished
features, consistently with its published recovery (data/services_residuals.csv).

The services' features (docs/model.md, Services) explain part of the difference between
services' recovery; the rest is a per-service residual, fitted here on the 2017-18 and
2018-19 rows of data/services.csv only (the 2019-20 rows are the check, used in no fit).
Two features have no published CCG values: missed appointments and sessions offered. Each
service's level of them is a standard normal z (times services.dna_sd, services.sessions_sd).
Drawn independently of everything, z would make recovery differ at random, and a residual
fitted to the published recovery would then cancel it (the published recovery knows nothing
of our draws): the simulated association of recovery with those features would be lost or
reversed. So z is drawn from its distribution given the service's published gap, under the
model's own assumption that the unpublished features act through their mechanisms and are
independent of the rest of the gap:

 1. run scenarios/history_2012_2020.yaml for 2017-18 and 2018-19 (its yearly features and
    workforce) at population scale 1 with no residuals and independent draws e (dna_z,
    sessions_z) per service;
 2. the mechanisms' effects: a = OLS slopes of the simulated services' logit recovery on
    e (logit per SD of the feature), both pooled over the two years;
 3. for each service the gap net of the unpublished features, g = logit(published) -
    logit(simulated) + a.e (published: recovered / (finished - not at caseness), counts);
    its between-service variance tau^2 = var(g) - mean sampling variance se^2;
 4. g = a.z + R + noise, z ~ N(0, I) independent of R: z is drawn from z | g ~
    N(a (g - mean g) / V, I - a a' / V), V = tau^2 + se^2, with e as its random part; the
    residual is its expectation given g and z, E[R | g, z] = w (g - mean g - a.z), w =
    tau_R^2 / (tau_R^2 + se^2), tau_R^2 = tau^2 - |a|^2 (empirical Bayes shrinkage);
 5. turn the residual's logit shift into a response multiplier with the model's own slope
    b = d logit(recovery) / d log(response), from two national runs with every session's
    effect x 1 and x 1.1 (treatment.effect_li and effect_hi: the effect multiplies the
    response): log multiplier = E[R | g, z] / b, kept in [0.5, 2];
 6. once more with the multipliers and z in force (the response is not linear in them):
    log multiplier += w (d' - mean g) / b, with d' the gap left, so the national level
    stays the scenario's own calibration.

Usage: tools/services_calibrate.py [IAPTSIM]   (writes data/services_residuals.csv)
Python 3 standard library only; deterministic (fixed seeds; e from a hash of the code).
"""
import csv
import hashlib
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


def independent_normal(code, feature):
    """a standard normal fixed by the service code and feature (the draw's random part)"""
    h = hashlib.sha256(f"{code}:{feature}".encode()).digest()
    u = (int.from_bytes(h[:8], "big") + 0.5) / 2 ** 64
    return statistics.NormalDist().inv_cdf(u)


def ols2(ys, x1, x2):
    """slopes of y on two regressors (with an intercept)"""
    m = lambda v: statistics.fmean(v)
    y0, a0, b0 = m(ys), m(x1), m(x2)
    saa = sum((a - a0) ** 2 for a in x1)
    sbb = sum((b - b0) ** 2 for b in x2)
    sab = sum((a - a0) * (b - b0) for a, b in zip(x1, x2))
    say = sum((a - a0) * (y - y0) for a, y in zip(x1, ys))
    sby = sum((b - b0) * (y - y0) for b, y in zip(x2, ys))
    det = saa * sbb - sab * sab
    return (sbb * say - sab * sby) / det, (saa * sby - sab * say) / det


def table_with(tmp, mult, z, name="services_fit.csv"):
    """data/services.csv with response_multiplier, dna_z and sessions_z columns (services.c reads them)"""
    path = os.path.join(tmp, name)
    with open(os.path.join(ROOT, "data", "services.csv"), newline="") as f, open(path, "w", newline="") as o:
        rd = csv.reader(f)
        w = csv.writer(o, lineterminator="\n")
        head = next(rd)
        w.writerow(head + ["response_multiplier", "dna_z", "sessions_z"])
        ci = head.index("ccg_code")
        for r in rd:
            zd, zs = z[r[ci]]
            w.writerow(r + [f"{mult.get(r[ci], 1.0):.6f}", f"{zd:.6f}", f"{zs:.6f}"])
    return path


def main(argv):
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
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
    codes = sorted(pub)
    e = {c: (independent_normal(c, "dna"), independent_normal(c, "sessions")) for c in codes}
    with tempfile.TemporaryDirectory() as tmp:
        # 1. the services without residuals, the unpublished features drawn independently
        path = scenario(tmp, f"services: {table_with(tmp, {}, e, 'services_indep.csv')}\n")
        sim_dir = os.path.join(tmp, "sim")
        run(binary, path, sim_dir, 1, REPLICATES)
        base = national_recovery(sim_dir)
        sim = sim_counts(sim_dir)
        d, se2 = gaps(pub, sim)
        # 2. the unpublished features' effects on the services' logit recovery
        fit = [c for c in d]
        lq = [logit(sim[c][1] / sim[c][0]) for c in fit]
        a = ols2(lq, [e[c][0] for c in fit], [e[c][1] for c in fit])
        # 3. gaps net of them
        g = {c: d[c] + a[0] * e[c][0] + a[1] * e[c][1] for c in fit}
        mean_g = statistics.mean(g.values())
        tau2 = max(0.0, statistics.pvariance(g.values()) - statistics.mean(se2.values()))
        tau2_r = max(0.0, tau2 - a[0] ** 2 - a[1] ** 2)
        # 4. z given the gap; the residual given both
        z, weight, target = {}, {}, {}
        for c in codes:
            if c not in g:
                z[c] = e[c]
                continue
            v = tau2 + se2[c]
            mu = (a[0] * (g[c] - mean_g) / v, a[1] * (g[c] - mean_g) / v)
            # Cholesky of I - a a' / v (2 x 2)
            s11 = 1 - a[0] ** 2 / v
            s21 = -a[0] * a[1] / v
            s22 = 1 - a[1] ** 2 / v
            l11 = math.sqrt(max(s11, 1e-12))
            l21 = s21 / l11
            l22 = math.sqrt(max(s22 - l21 * l21, 1e-12))
            z[c] = (mu[0] + l11 * e[c][0], mu[1] + l21 * e[c][0] + l22 * e[c][1])
            weight[c] = tau2_r / (tau2_r + se2[c])
            target[c] = weight[c] * (g[c] - mean_g - a[0] * z[c][0] - a[1] * z[c][1])
        # 5. the slope of logit recovery in log response, nationally
        eff = {}
        with open(os.path.join(ROOT, "core", "params", "param_list.h")) as f:
            for line in f:
                for name in ("treatment.effect_li", "treatment.effect_hi"):
                    if f'"{name}"' in line:
                        eff[name] = float(line.split(",")[2])
        plain = scenario(tmp)
        hi_dir, lo_dir = os.path.join(tmp, "hi"), os.path.join(tmp, "lo")
        run(binary, plain, hi_dir, 0.25, 2, [f"{n}={v * 1.1!r}" for n, v in eff.items()])
        run(binary, plain, lo_dir, 0.25, 2)
        slope = (logit(national_recovery(hi_dir) / 100) - logit(national_recovery(lo_dir) / 100)) / math.log(1.1)
        clamp = lambda x: min(math.log(2.0), max(math.log(0.5), x))
        logm = {c: clamp(target[c] / slope) for c in target}
        # 6. once more, with the multipliers and z in force
        path2 = scenario(tmp, f"services: {table_with(tmp, {c: math.exp(v) for c, v in logm.items()}, z)}\n")
        with open(path2) as f:
            text = f.read().replace("services.residual_weight: 0", "services.residual_weight: 1")
        with open(path2, "w") as f:
            f.write(text)
        fit_dir = os.path.join(tmp, "fit")
        run(binary, path2, fit_dir, 1, REPLICATES)
        d2, _ = gaps(pub, sim_counts(fit_dir))
        before = national_recovery(fit_dir)
        for c in logm:
            if c in d2:
                logm[c] = clamp(logm[c] + weight[c] * (d2[c] - mean_g) / slope)
    rows = []
    for code in codes:
        zc = f"{z[code][0]:.4f}", f"{z[code][1]:.4f}"
        if code in logm:
            rows.append((code, f"{math.exp(logm[code]):.4f}", *zc, f"{logm[code] * slope:.4f}", f"{weight[code]:.3f}"))
        else:
            rows.append((code, "1.0000", *zc, "0.0000", "0.000"))
    src = (f"tools/services_calibrate.py: 2017-18 and 2018-19 rows of data/services.csv against "
           f"scenarios/history_2012_2020.yaml years 2017-18 to 2018-19 (scale 1, {REPLICATES} replicates, seed {SEED}); "
           f"tau^2 {tau2:.4f} net of the unpublished features, their effects {a[0]:.4f} (missed appointments) and "
           f"{a[1]:.4f} (sessions) logit per SD, mean logit gap {mean_g:.4f} left to the scenario, slope {slope:.3f} logit "
           f"per log response, two passes")
    with open(os.path.join(ROOT, "data", "services_residuals.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ccg_code", "response_multiplier", "dna_z", "sessions_z", "residual_logit", "shrinkage", "source"])
        for r in rows:
            w.writerow(list(r) + [src])
    print(f"{len(d)} services fitted; tau^2 {tau2:.4f} (SD {math.sqrt(tau2):.3f} logit), features' effects "
          f"{a[0]:.4f} {a[1]:.4f} per SD, slope {slope:.3f}, mean gap {mean_g:.4f}; national recovery 2017-19 without residuals {base:.2f}, after pass 1 {before:.2f}; "
          f"{sum(abs(v) >= math.log(2) - 1e-9 for v in logm.values())} multipliers at a bound")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
