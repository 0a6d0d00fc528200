#!/usr/bin/env python3
"""The bridge from Layard et al. (2007) to the model (docs/economics.md, "The bridge").

Starts from scenarios/layard_2007_as_published.yaml and changes one assumption at a time
to the model's evidence-based one, cumulatively, ending at scenarios/layard_2007.yaml;
runs each step with iaptsim and prints a markdown table of the Exchequer's payback
(median across replicates, with the 2.5th and 97.5th percentiles), the share of
replicates paying back within 5 years and within the horizon, and the benefit-cost ratio
with its interval. With --svg FILE it also draws the waterfall of the Exchequer's
benefit-cost ratio step by step. The last step is checked to give exactly the figures of
a run of scenarios/layard_2007.yaml (same seed, same replicates).

Usage: tools/layard_bridge.py IAPTSIM [--replicates N] [--csv FILE] [--svg FILE]
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCEN = os.path.join(SRC, "scenarios")

# The paper's assumptions (as in scenarios/layard_2007_as_published.yaml), by the step that
# returns each to the model's default: parameter -> value.
PAPER = {
    "mechanism": {
        "employment.mechanism": "prevalence",
        "employment.prevalence_speed_monthly": 1,
        "employment.prevalence_rate_well": 0.74,
        "employment.prevalence_rate_ill": 0.51,
    },
    "relapse": {
        "followup.relapse_12m_li": 0,
        "followup.relapse_12m_hi": 0,
        "followup.relapse_annual_after_first_year": 0,
    },
    "remission": {
        "followup.remission_monthly_first_3m": 0,
        "followup.remission_monthly_3_6m": 0,
        "followup.remission_monthly_6_36m": 0,
        "followup.remission_monthly_after_3y": 0,
    },
    "counterfactual": {
        "followup.recovery_share_assumed": 0.5,
        "followup.natural_course_at_caseness": 1,
    },
    "benefits": {
        "employment.not_seeking_work_share": 0,
        "employment.leave_labour_force_monthly": 0,
        "employment.unemployed_to_not_seeking_monthly": 0,
        "employment.sick_to_not_seeking_monthly": 0,
    },
}
ECON_PAPER = "economics:\n  discount: {costs: 0, health: 0}\n  accrual: end\n"

STEPS = [
    ("as published", None),
    ("mechanism: monthly job finding and loss (flows)", "mechanism"),
    ("relapse after recovery (Ali et al. 2017; Vittengl et al. 2007)", "relapse"),
    ("natural remission of untreated episodes (Keller et al. 1992)", "remission"),
    ("counterfactual: each person's own treated and untreated course", "counterfactual"),
    ("not everyone out of work is on benefit (labour-market statuses)", "benefits"),
    ("discounting: Green Book (and half-cycle accrual)", "discounting"),
]


def scenario_text(done, tmpdir):
    base = os.path.relpath(os.path.join(SCEN, "layard_2007.yaml"), tmpdir)
    lines = ["iaptsim: 1", "base: %s" % base, "name: bridge step %d" % len(done)]
    params = {}
    for key, vals in PAPER.items():
        if key not in done:
            params.update(vals)
    if params:
        lines.append("parameters:")
        lines += ["  %s: %s" % (k, v) for k, v in params.items()]
    text = "\n".join(lines) + "\n"
    if "discounting" not in done:
        text += ECON_PAPER
    return text


def run(iaptsim, path, out, reps):
    cmd = [iaptsim, "run", path, "-o", out, "-q", "--threads", "2"]
    if reps:
        cmd += ["--replicates", str(reps)]
    subprocess.run(cmd, check=True)
    rows = {}
    with open(os.path.join(out, "economics.csv")) as f:
        for r in csv.DictReader(f):
            if r["perspective"] == "exchequer":
                rows[r["measure"]] = r
    return rows


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def fmt(x, d=2):
    return "NA" if x != x else "%.*f" % (d, x)


def waterfall(steps, path):
    """An SVG waterfall of the Exchequer's benefit-cost ratio, step by step."""
    w, h, left, top, bar = 760, 360, 330, 20, 28
    vals = [s["bcr"] for s in steps]
    hi = max(vals + [1.0]) * 1.08
    x = lambda v: left + (w - left - 30) * v / hi
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">' % (w, h + 40)]
    out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#888" stroke-dasharray="4 3"/>' % (x(1), top - 5, x(1), top + len(steps) * (bar + 16)))
    out.append('<text x="%.1f" y="%d" fill="#555">break-even (1.0)</text>' % (x(1) + 4, top + len(steps) * (bar + 16) + 14))
    prev = None
    for i, s in enumerate(steps):
        y = top + i * (bar + 16)
        if prev is None or i == len(steps) - 1:
            a, b, col = 0, s["bcr"], "#4a6fa5"
        else:
            a, b = sorted((prev, s["bcr"]))
            col = "#b5523b" if s["bcr"] < prev else "#5a9e5a"
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' % (x(a), y, max(x(b) - x(a), 1), bar, col))
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 8, y + bar / 2 + 4, s["label"][:48]))
        out.append('<text x="%.1f" y="%d">%s</text>' % (x(max(a, b)) + 4, y + bar / 2 + 4, fmt(s["bcr"])))
        prev = s["bcr"]
    out.append('<text x="%d" y="%d" fill="#333">Exchequer benefit-cost ratio, Layard et al. (2007) as published to the model (tools/layard_bridge.py)</text>' % (10, h + 30))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("iaptsim")
    ap.add_argument("--replicates", type=int, default=0, help="replicates per step (default: the scenario's)")
    ap.add_argument("--csv")
    ap.add_argument("--svg")
    a = ap.parse_args()
    steps = []
    with tempfile.TemporaryDirectory() as tmp:
        done = []
        for i, (label, key) in enumerate(STEPS):
            if key:
                done.append(key)
            path = os.path.join(tmp, "step%d.yaml" % i)
            with open(path, "w") as f:
                f.write(scenario_text(done, tmp))
            r = run(a.iaptsim, path, os.path.join(tmp, "out%d" % i), a.replicates)
            steps.append({
                "label": label,
                "payback": num(r["payback_median_years"]["mean"]),
                "payback_lo": num(r["payback_years"]["lo95"]),
                "payback_hi": num(r["payback_years"]["hi95"]),
                "share5": num(r["payback_share_5y"]["mean"]),
                "share": num(r["payback_share"]["mean"]),
                "bcr": num(r["bcr"]["mean"]),
                "bcr_lo": num(r["bcr"]["lo95"]),
                "bcr_hi": num(r["bcr"]["hi95"]),
                "npv": num(r["npv"]["mean"]),
            })
        ref = run(a.iaptsim, os.path.join(SCEN, "layard_2007.yaml"), os.path.join(tmp, "ref"), a.replicates)
        if num(ref["npv"]["mean"]) != steps[-1]["npv"] or num(ref["bcr"]["mean"]) != steps[-1]["bcr"]:
            sys.exit("the last step does not reproduce scenarios/layard_2007.yaml: npv %s against %s" % (ref["npv"]["mean"], steps[-1]["npv"]))
    print("| step | change (cumulative) | Exchequer payback, years (median; 95% of replicates) | pays back within 5 years | within the horizon | Exchequer BCR (95%) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for i, s in enumerate(steps):
        pb = "not within the horizon" if s["payback"] != s["payback"] else "%s (%s-%s)" % (fmt(s["payback"]), fmt(s["payback_lo"]), fmt(s["payback_hi"]))
        print("| %d | %s | %s | %.0f%% | %.0f%% | %s (%s-%s) |" % (i, s["label"], pb, 100 * s["share5"], 100 * s["share"], fmt(s["bcr"]), fmt(s["bcr_lo"]), fmt(s["bcr_hi"])))
    print("\nThe last step reproduces scenarios/layard_2007.yaml exactly (checked).")
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            wr = csv.DictWriter(f, fieldnames=list(steps[0].keys()))
            wr.writeheader()
            wr.writerows(steps)
    if a.svg:
        waterfall(steps, a.svg)


if __name__ == "__main__":
    main()
