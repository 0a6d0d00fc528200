#!/usr/bin/env python3
"""Fit the calibrated group effects (effect.<level>.response) to the published recovery by
group of 2017-18 and 2018-19, running scenarios/history_2012_2020.yaml; 2019-20 is never read.

    tools/fit_group_effects.py [--iaptsim build/iaptsim] [--observed data/nhstt/england_by_group.csv.gz]
                               [--scale 0.05] [--replicates 4] [--iterations 12] [-o fit_dir]

Method (docs/validation.md, "How the group effects were fitted"): each iteration runs the history
scenario once through `iaptsim validate` against the published figures of the two fitted years
only (a copy of the published file holding just those years), reads the model's and the
published recovery of every group, and moves each value's response multiplier by
exp(damping * gap / slope), gap = published - model in points averaged over the two years,
weighted by finished courses. The gaps are taken relative to their attribute's
finished-weighted mean gap, so each attribute fits the differences between its values and the
national level stays the one calibrated on 2019-20 (docs/calibration.md). A published band that
covers several of the model's finer bands (age 18-35 covers 18-25 and 26-35) moves them together.
slope: recovery points per unit of log multiplier, measured on the national run (+10% session
effect gives about +1.35 points: slope 14). Common random numbers (the scenario's seed) make the
iteration smooth; it stops when every group with >= 5,000 finished courses is within 0.5 points
or after --iterations runs. Writes fit_dir/fitted.yaml (a parameters: block), fit_dir/fit.csv
(each iteration's gaps) and prints the fitted multipliers.
"""
import argparse
import csv
import io
import gzip
import math
import os
import re
import subprocess
import sys
import tempfile

FIT_YEARS = ("2017-18", "2018-19")
# published bands that cover several of the model's bands (docs/validation.md, map of groups)
COVERS = {
    "age=under_18": ["age_under_16", "age_16_17"],
    "age=18_35": ["age_18_25", "age_26_35"],
    "age=26_64": ["age_26_35", "age_36_64"],
    "age=65_plus": ["age_65_74", "age_75_89", "age_90_plus"],
}
ATTRIBUTES = ("imd_decile", "age", "gender", "ethnicity", "problem", "ltc")


def levels_of(group):
    """The effect levels (effect.<level>.response) a published group moves."""
    if group in COVERS:
        return COVERS[group]
    attr, _, val = group.partition("=")
    return [attr + "_" + val]


def fit_years_copy(observed, path):
    """The published file with the fitted years' rows only: 2019-20 never reaches the fit."""
    opener = gzip.open if observed.endswith(".gz") else open
    with opener(observed, "rt", newline="") as f, open(path, "w", newline="") as out:
        header = f.readline()
        out.write(header)
        year_col = header.strip().split(",").index("year")
        kept = 0
        for line in f:
            if line.split(",", year_col + 1)[year_col] in FIT_YEARS:
                out.write(line)
                kept += 1
    if not kept:
        sys.exit("fit_group_effects: no rows of %s in %s" % (", ".join(FIT_YEARS), observed))


ROW = re.compile(r"^\| (\d{4}-\d{2}) \| ([a-z_]+=[a-z0-9_]+) \| ([a-z_]+) \| ([-0-9.,NA]+) \| ([-0-9.,NA]+) \|")


def run_validate(args, observed, values):
    cmd = [args.iaptsim, "validate", "scenarios/history_2012_2020.yaml", "--observed", observed,
           "--scale", str(args.scale), "--replicates", str(args.replicates), "-q"]
    for name, v in sorted(values.items()):
        cmd += ["--set", "%s=%.6g" % (name, v)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    figs = {}
    for line in out.splitlines():
        m = ROW.match(line)
        if not m:
            continue
        year, group, metric, pub, model = m.groups()
        if "NA" in (pub, model):
            continue
        figs[(year, group, metric)] = (float(pub.replace(",", "")), float(model.replace(",", "")))
    return figs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iaptsim", default="build/iaptsim")
    ap.add_argument("--observed", default="data/nhstt/england_by_group.csv.gz")
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--replicates", type=int, default=4)
    ap.add_argument("--iterations", type=int, default=12)
    ap.add_argument("--slope", type=float, default=14.0)
    ap.add_argument("--damping", type=float, default=0.8)
    ap.add_argument("-o", "--output", default="results/fit_group_effects")
    args = ap.parse_args()
    os.makedirs(args.output, exist_ok=True)
    tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
    tmp.close()
    fit_years_copy(args.observed, tmp.name)
    # effect.<level>.response -> multiplier, starting from the current defaults (a refit after a
    # national change starts where the last fit ended)
    params = subprocess.run([args.iaptsim, "params", "--csv"], check=True, capture_output=True, text=True).stdout
    values = {r["name"]: float(r["default"]) for r in csv.DictReader(io.StringIO(params))
              if r["name"].startswith("effect.") and r["name"].endswith(".response")}
    log = open(os.path.join(args.output, "fit.csv"), "w")
    log.write("iteration,group,finished,published_recovery,model_recovery,gap,relative_gap\n")
    for it in range(args.iterations + 1):
        figs = run_validate(args, tmp.name, values)
        # per group: finished-weighted mean over the fitted years of published and model recovery
        groups = {}
        for (year, group, metric), (pub, model) in figs.items():
            if metric != "recovery_pct" or group.startswith("step=") or group == "all":
                continue
            fin = figs.get((year, group, "finished_course"), (0.0, 0.0))[0]
            g = groups.setdefault(group, [0.0, 0.0, 0.0])
            g[0] += fin
            g[1] += fin * pub
            g[2] += fin * model
        gaps = {}
        for group, (fin, sp, sm) in groups.items():
            if fin > 0:
                gaps[group] = (fin / len(FIT_YEARS), sp / fin, sm / fin)
        # relative to the attribute's finished-weighted mean gap (overlapping age aggregates
        # are left out of the mean; they are not in the published years fitted)
        rel = {}
        for attr in ATTRIBUTES:
            members = [g for g in gaps if g.split("=")[0] == attr]
            w = sum(gaps[g][0] for g in members)
            mean = sum(gaps[g][0] * (gaps[g][1] - gaps[g][2]) for g in members) / w if w else 0.0
            for g in members:
                rel[g] = gaps[g][1] - gaps[g][2] - mean
        worst = 0.0
        for g in sorted(rel):
            fin, pub, model = gaps[g]
            log.write("%d,%s,%.0f,%.3f,%.3f,%.3f,%.3f\n" % (it, g, fin, pub, model, pub - model, rel[g]))
            if fin >= 5000:
                worst = max(worst, abs(rel[g]))
        log.flush()
        print("iteration %d: largest relative gap %.2f points (groups with >= 5,000 finished)" % (it, worst),
              file=sys.stderr)
        if worst < 0.5 or it == args.iterations:
            break
        for g, r in rel.items():
            step = math.exp(args.damping * r / args.slope)
            for lvl in levels_of(g):
                name = "effect.%s.response" % lvl
                values[name] = min(20.0, max(0.05, values[name] * step))
    os.unlink(tmp.name)
    with open(os.path.join(args.output, "fitted.yaml"), "w") as f:
        f.write("# group response multipliers fitted by tools/fit_group_effects.py on %s\n" % ", ".join(FIT_YEARS))
        f.write("parameters:\n")
        for name, v in sorted(values.items()):
            f.write("  %s: %.4g\n" % (name, v))
    for name, v in sorted(values.items()):
        print("%s %.4g" % (name, v))


if __name__ == "__main__":
    main()
