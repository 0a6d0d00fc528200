#!/usr/bin/env python3
"""Fit each service's capacity and its chance of offering treatment, year by year, to its
published waits and throughput, and write a services table that carries them.

A service's waits emerge from its capacity against the referrals that enter its lists, and
its throughput (finished courses per referral) from how many of its referrals it offers
treatment and how many of those leave its lists while they wait (docs/model.md, Services).
The built-in table gives a service capacity in proportion to its referrals times its
published throughput to the power services.capacity_spread, and every service England's
share signposted. The published rows of data/services.csv also give, for every service and
year 2017-18 to 2021-22, the share of finished courses first treated within 6 weeks
(`wait_6w_share`) and finished courses per referral (`finished_per_referral`). This tool
fits two optional columns of the services table (data/services.md) to them:

 - entering_factor: the service's chance of offering treatment (not signposting) relative
   to England's (the referral-weighted national access.signpost_share is kept), fitted to
   its throughput by fixed-point iteration: log entering_factor += G_THRU x (log published
   - log simulated), each move at most STEP;
 - capacity_factor: its capacity per referral relative to England's, = entering_factor x
   (odds of its published 6-week share / England's)^beta, with one exponent beta fitted to
   the national 6-week share of 2017-18 and 2018-19. Fitting each service's own wait does
   not converge: a service's 6-week share falls from nearly all to about a quarter within a
   few per cent of capacity (its list starts to grow).

Each iteration runs scenarios/history_2012_2025.yaml for 2017-18 to 2021-22 (two years'
warm-up) at population scale 1, one replicate, with the built-in residuals
(data/services_residuals.csv) and the current factors. The national levels stay the
scenario's own: the workforce sets the national capacity and access.signpost_share the
national share signposted; only the services' differences are fitted.

Not the default: docs/calibration.md ("Services' waits and throughput fitted to their
published rows") says what this gives and why it is not adopted. To try it, write a table
and name it in a scenario (`services: OUT.csv`).

Usage: tools/services_access_calibrate.py OUT.csv [IAPTSIM] [ITERATIONS] [SCALE]
(IAPTSIM default build/iaptsim under the repository root; ITERATIONS default 8, SCALE
default 1: the published rows are a whole year's; prints each iteration's fit). OUT.csv
keeps the built-in residuals (response_multiplier, dna_z and sessions_z of
data/services_residuals.csv) beside the two fitted columns.
Python 3 standard library only; deterministic (fixed seed).
"""
import csv
import math
import os
import subprocess
import sys
import tempfile

import services_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
YEARS = ("2017-18", "2018-19", "2019-20", "2020-21", "2021-22")
FIT_YEARS = ("2017-18", "2018-19")
SEED = 20170401
G_THRU = 0.7
BETA = 0.2
STEP = 0.15  # the largest move of a log factor in one iteration
LO, HI = 0.05, 20.0


def logit(p):
    p = min(0.995, max(0.02, p))
    return math.log(p / (1 - p))


def published():
    pub = {}
    with open(os.path.join(ROOT, "data", "services.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["year"] in YEARS:
                w6 = float(r["wait_6w_share"]) if r["wait_6w_share"] else None
                fr = float(r["finished_per_referral"]) if r["finished_per_referral"] else None
                pub[(r["year"], r["ccg_code"])] = (w6, fr, float(r["referrals_received"]))
    return pub


def table_with(path, cap, ent):
    """the built-in table whole (services_table.py) with the access factors (services.c reads
    them), written whole or not at all"""
    services_table.write(path, ("capacity_factor", "entering_factor"),
                         lambda y, c: (f"{cap.get((y, c), 1.0):.6f}", f"{ent.get((y, c), 1.0):.6f}"))


def simulate(binary, tmp, table, scale):
    path = os.path.join(tmp, "fit.yaml")
    with open(path, "w") as f:
        f.write(f"iaptsim: 1\nbase: {os.path.join(ROOT, 'scenarios', 'history_2012_2025.yaml')}\n"
                f"name: services access fit\nyears: [2017, 2021]\nseed: {SEED}\nservices: {table}\n"
                f"parameters:\n  run.burn_in_years: 2\n")
    out = os.path.join(tmp, "out")
    subprocess.run([binary, "run", path, "--scale", str(scale), "--replicates", "1", "-o", out, "-q"],
                   check=True)
    sim = {}
    with open(os.path.join(out, "services.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["year"] in YEARS and r["first_treatment_within_6wk_pct"] != "NA":
                ref = float(r["referrals_received"])
                sim[(r["year"], r["service_code"])] = (float(r["first_treatment_within_6wk_pct"]) / 100,
                                                       float(r["finished_course"]) / ref if ref else None)
    return sim


def renormalise(fac, pub):
    """each year's factors to a referral-weighted geometric mean of 1"""
    for y in YEARS:
        keys = [k for k in fac if k[0] == y]
        w = sum(pub[k][2] for k in keys)
        g = sum(pub[k][2] * math.log(fac[k]) for k in keys) / w
        for k in keys:
            fac[k] = min(HI, max(LO, fac[k] / math.exp(g)))


def write_table(path, cap, ent):
    """table_with into path; 1 with a message if it cannot be written"""
    try:
        table_with(path, cap, ent)
    except (OSError, LookupError) as e:
        print(f"services_access_calibrate: cannot write {path}: {getattr(e, 'strerror', None) or e}", file=sys.stderr)
        return 1
    return 0


def main(argv):
    usage = "usage: tools/services_access_calibrate.py OUT.csv [IAPTSIM] [ITERATIONS] [SCALE]"
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if not argv or argv[0].startswith("-") or len(argv) > 4:
        print(usage, file=sys.stderr)
        return 2
    out_path = argv[0]
    binary = argv[1] if len(argv) > 1 else os.path.join(ROOT, "build", "iaptsim")
    def refuse(msg):
        print(f"services_access_calibrate: {msg}\n{usage}", file=sys.stderr)
        return 2
    try:
        iterations = int(argv[2]) if len(argv) > 2 else 8
    except ValueError:
        return refuse(f"ITERATIONS '{argv[2]}' is not a whole number")
    try:
        scale = float(argv[3]) if len(argv) > 3 else 1.0
    except ValueError:
        return refuse(f"SCALE '{argv[3]}' is not a number")
    if iterations < 0:
        return refuse(f"ITERATIONS {iterations} must be 0 or more")
    if not 0 < scale <= 1:
        return refuse(f"SCALE {argv[3]} must be in (0, 1]")
    why = services_table.unwritable(out_path)
    if why:
        return refuse(f"cannot write {out_path}: {why}")
    if not os.access(binary, os.X_OK):
        print(f"services_access_calibrate: {binary} is not an iaptsim program (build it: make build)", file=sys.stderr)
        return 2
    beta = BETA
    pub = published()
    ent = {k: 1.0 for k in pub}
    # each year's referral-weighted odds of a first treatment within 6 weeks
    odds = lambda p: min(0.995, max(0.02, p)) / (1 - min(0.995, max(0.02, p)))
    nat = {}
    for y in YEARS:
        keys = [k for k in pub if k[0] == y and pub[k][0] is not None]
        nat[y] = math.exp(sum(pub[k][2] * math.log(odds(pub[k][0])) for k in keys) / sum(pub[k][2] for k in keys))
    with tempfile.TemporaryDirectory() as tmp:
        table = os.path.join(tmp, "services_fit.csv")
        for it in range(iterations + 1):
            rel = {k: (odds(v[0]) / nat[k[0]]) ** beta if v[0] is not None else 1.0 for k, v in pub.items()}
            cap = {k: min(HI, max(LO, ent[k] * rel[k])) for k in pub}
            renormalise(cap, pub)
            table_with(table, cap, ent)
            try:
                sim = simulate(binary, tmp, table, scale)
            except subprocess.CalledProcessError as e:
                print(f"services_access_calibrate: iaptsim failed (exit {e.returncode}); nothing written", file=sys.stderr)
                return 1
            except OSError as e:  # no services.csv: not an iaptsim that writes one
                print(f"services_access_calibrate: {binary} wrote no services.csv ({e.strerror}); nothing written",
                      file=sys.stderr)
                return 1
            dw, dt, pw, sw = [], [], [], []
            for k, (w6, fr, ref) in pub.items():
                if k not in sim:
                    continue
                s6, sf = sim[k]
                if fr and sf:
                    d = math.log(fr) - math.log(sf)
                    dt.append(d)
                    if it < iterations:
                        ent[k] = min(HI, max(LO, ent[k] * math.exp(max(-STEP, min(STEP, G_THRU * d)))))
                if w6 is not None:
                    dw.append(logit(w6) - logit(s6))
                    pw.append(w6)
                    sw.append(s6)
            rms = lambda v: math.sqrt(sum(x * x for x in v) / len(v))
            mean = lambda v: sum(v) / len(v)
            sd = lambda v: math.sqrt(sum((x - mean(v)) ** 2 for x in v) / len(v))
            corr = sum((a - mean(pw)) * (b - mean(sw)) for a, b in zip(pw, sw)) / len(pw) / sd(pw) / sd(sw)
            print(f"iteration {it}: log throughput rms gap {rms(dt):.3f}; 6-week share: mean {mean(sw):.3f} "
                  f"(published {mean(pw):.3f}), SD {sd(sw):.3f} ({sd(pw):.3f}), correlation {corr:.2f}, "
                  f"rms logit gap {rms(dw):.3f}", flush=True)
            # beta: the national share within 6 weeks of the fitting years (finished-weighted)
            fin = {k: float(pub[k][1] or 0) * pub[k][2] for k in pub}
            keys = [k for k in sim if k[0] in FIT_YEARS and pub[k][0] is not None]
            p_nat = sum(fin[k] * pub[k][0] for k in keys) / sum(fin[k] for k in keys)
            s_nat = sum(fin[k] * sim[k][0] for k in keys) / sum(fin[k] for k in keys)
            print(f"    beta {beta:.4f}: national share within 6 weeks, {', '.join(FIT_YEARS)}: "
                  f"{s_nat:.4f} (published {p_nat:.4f})", flush=True)
            if it < iterations:
                renormalise(ent, pub)
                beta *= math.exp(0.5 * (logit(s_nat) - logit(p_nat)))
    src = (f"tools/services_access_calibrate.py: finished_per_referral and wait_6w_share of data/services.csv "
           f"against scenarios/history_2012_2025.yaml years 2017-18 to 2021-22 (scale {scale:g}, 1 replicate, seed {SEED}, "
           f"{iterations} moves, {iterations + 1} runs); capacity = entering x (odds of the 6-week share / England's)^{beta:.4f}, the "
           f"exponent fitted to the national 6-week share of 2017-18 and 2018-19 ({s_nat:.4f}, published {p_nat:.4f}); "
           f"last rms gap of log throughput {rms(dt):.3f}; 6-week share across services: correlation with the published "
           f"{corr:.2f}, SD {sd(sw):.3f} (published {sd(pw):.3f})")
    if write_table(out_path, cap, ent):
        return 1
    print(f"wrote {out_path}: data/services.csv with response_multiplier, dna_z and sessions_z "
          f"(data/services_residuals.csv) and the fitted capacity_factor and entering_factor; {src}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
