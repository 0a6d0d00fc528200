#!/usr/bin/env python3
"""A probabilistic sensitivity analysis with one warm-up per group of G draws
(run.psa_draws_per_warm_up=G; the tool's default G is 10, the parameter's own default 1)
against the same draws each with a warm-up of its own (run.psa_draws_per_warm_up=1):
docs/uncertainty.md, "One warm-up for several draws".

    tools/warmup_check.py IAPTSIM SCENARIO.yaml [--replicates N] [--draws-per-warm-up G]
                          [--keep DIR] [--all]

Runs the scenario twice with the same seed, so draw d has the same parameter values in both
runs, and compares them draw by draw (replicates.csv, group "all", every year; psa.csv's
effect and costs):
- the mean over draws: the paired difference and its standard error (the standard deviation
  of the draw-by-draw differences over sqrt(N)), and how many of those standard errors apart;
- the spread over draws (the standard deviation of each run), which a PSA's intervals and
  acceptability curves are made of;
- how each output moves with each uncertain parameter: the ordinary least-squares
  coefficients of the output on all the drawn parameters together, in each run, and the
  difference in units of its standard error (the two coefficients' standard errors combined).

Prints markdown. Exit status 0 either way: with many metrics a few beyond 3 standard errors
are expected by chance (about 0.3% each), so the tables are for a reader to judge; --all lists
every metric, not only the headline ones.
"""
import argparse
import csv
import math
import os
import resource
import subprocess
import sys
import tempfile

HEADLINE = [
    "referrals_received", "entered_treatment", "finished_course_treatment", "recovery_rate",
    "reliable_improvement_rate", "reliable_recovery_rate", "mean_wait_weeks", "waited_under_6_weeks_pct",
    "mean_sessions_finished", "qalys_gained", "sessions_attended", "cost_treatment",
]


def run(bin_, scenario, out, reps, g):
    cmd = [bin_, "run", scenario, "-o", out, "-q", "--set", "run.psa_draws_per_warm_up=%d" % g]
    if reps:
        cmd += ["--replicates", str(reps)]
    t0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        sys.exit("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    t1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (t1.ru_utime + t1.ru_stime) - (t0.ru_utime + t0.ru_stime)


def load(d):
    """{(year, metric): [value per draw]}, {column: [value per draw]}, [parameter names],
    [[parameter values] per draw]."""
    per = {}
    with open(os.path.join(d, "replicates.csv")) as f:
        for r in csv.DictReader(f):
            if r["group"] != "all":
                continue
            try:
                v = float(r["value"])
            except ValueError:
                continue
            per.setdefault((r["year"], r["metric"]), {})[int(r["replicate"])] = v
    with open(os.path.join(d, "psa.csv")) as f:
        rows = list(csv.DictReader(f))
    cols = list(rows[0].keys())
    i_eff = cols.index("effect")
    params = [c for c in cols[cols.index("people_simulated") + 1:i_eff]]
    draws = [int(r["draw"]) for r in rows]
    econ = {c: [float(r[c]) for r in rows] for c in cols[i_eff:]}
    X = [[float(r[p]) for p in params] for r in rows]
    metrics = {k: [v.get(dd, float("nan")) for dd in draws] for k, v in per.items()}
    return metrics, econ, params, X


def mean(x):
    return sum(x) / len(x)


def sd(x):
    m = mean(x)
    return math.sqrt(sum((v - m) ** 2 for v in x) / (len(x) - 1)) if len(x) > 1 else 0.0


def ols(X, y):
    """Coefficients and standard errors of y on X (with an intercept), by the normal
    equations: small designs only. Parameters that do not vary are dropped (None)."""
    n, k = len(X), len(X[0])
    keep = [j for j in range(k) if sd([r[j] for r in X]) > 0]
    Z = [[1.0] + [r[j] for j in keep] for r in X]
    p = len(Z[0])
    A = [[sum(Z[i][a] * Z[i][b] for i in range(n)) for b in range(p)] for a in range(p)]
    c = [sum(Z[i][a] * y[i] for i in range(n)) for a in range(p)]
    # invert A (Gauss-Jordan with partial pivoting)
    M = [A[a][:] + [1.0 if a == b else 0.0 for b in range(p)] for a in range(p)]
    for col in range(p):
        piv = max(range(col, p), key=lambda r: abs(M[r][col]))
        M[col], M[piv] = M[piv], M[col]
        d = M[col][col]
        if d == 0:
            return [None] * k, [None] * k
        M[col] = [v / d for v in M[col]]
        for r in range(p):
            if r != col and M[r][col]:
                f = M[r][col]
                M[r] = [a - f * b for a, b in zip(M[r], M[col])]
    inv = [row[p:] for row in M]
    beta = [sum(inv[a][b] * c[b] for b in range(p)) for a in range(p)]
    res = [y[i] - sum(beta[a] * Z[i][a] for a in range(p)) for i in range(n)]
    s2 = sum(r * r for r in res) / (n - p) if n > p else float("nan")
    se = [math.sqrt(max(inv[a][a] * s2, 0.0)) for a in range(p)]
    b_out, s_out = [None] * k, [None] * k
    for idx, j in enumerate(keep):
        b_out[j], s_out[j] = beta[idx + 1], se[idx + 1]
    return b_out, s_out


def fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "NA"
    a = abs(v)
    if a >= 1e5:
        return "{:,.0f}".format(v)
    if a >= 100:
        return "{:,.1f}".format(v)
    if a >= 1:
        return "{:.3f}".format(v)
    return "{:.4f}".format(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iaptsim")
    ap.add_argument("scenario")
    ap.add_argument("--replicates", type=int, default=0)
    ap.add_argument("--draws-per-warm-up", type=int, default=10)
    ap.add_argument("--keep", help="write the two runs under DIR/own and DIR/shared")
    ap.add_argument("--all", action="store_true")
    a = ap.parse_args()
    base = a.keep or tempfile.mkdtemp(prefix="warmup_check_")
    own, shared = os.path.join(base, "own"), os.path.join(base, "shared")
    t_own = run(a.iaptsim, a.scenario, own, a.replicates, 1)
    t_sh = run(a.iaptsim, a.scenario, shared, a.replicates, a.draws_per_warm_up)
    mo, eo, params, X = load(own)
    ms, es, params2, X2 = load(shared)
    if params != params2 or X != X2:
        sys.exit("the two runs drew different parameter values: not the same draws")
    n = len(X)
    print("%s, %d draws, seed as in the scenario; own warm-up per draw against one warm-up per %d draws "
          "(run.psa_draws_per_warm_up). CPU time of the two runs (child processes): %.1f s and %.1f s.\n"
          % (os.path.basename(a.scenario), n, a.draws_per_warm_up, t_own, t_sh))
    rows = []
    for (year, metric), vo in sorted(mo.items()):
        vs = ms.get((year, metric))
        if vs is None or any(math.isnan(v) for v in vo + vs):
            continue
        rows.append(("%s %s" % (metric, year), metric, vo, vs))
    for c in eo:
        rows.append((c + " (psa.csv)", c, eo[c], es[c]))
    print("| output | mean, own warm-up | mean, shared | paired difference | its SE | SEs apart | SD over draws, own | SD, shared |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    beyond, compared, worst = 0, 0, (0.0, "")
    for label, metric, vo, vs in rows:
        d = [s - o for o, s in zip(vo, vs)]
        se = sd(d) / math.sqrt(n)
        if se == 0 and mean(d) == 0:
            z = 0.0
        else:
            z = mean(d) / se if se > 0 else float("inf")
        compared += 1
        if abs(z) > 3:
            beyond += 1
        if abs(z) > abs(worst[0]):
            worst = (z, label)
        if a.all or metric in HEADLINE or label.endswith("(psa.csv)"):
            print("| %s | %s | %s | %s | %s | %.1f | %s | %s |" % (label, fmt(mean(vo)), fmt(mean(vs)), fmt(mean(d)), fmt(se), z,
                                                               fmt(sd(vo)), fmt(sd(vs))))
    print("\n%d outputs compared; %d more than 3 standard errors apart (by chance about %.1f expected); "
          "the largest: %s, %.1f.\n" % (compared, beyond, 0.0027 * compared, worst[1], worst[0]))
    print("How outputs move with the drawn parameters (least-squares coefficients on all of them together; "
          "own warm-up, shared, and the difference in combined standard errors):\n")
    print("| output | parameter | own | shared | SEs apart |")
    print("| --- | --- | ---: | ---: | ---: |")
    picks = [r for r in rows if r[1] in ("recovery_rate", "entered_treatment", "mean_wait_weeks", "sessions_attended")
             or r[0].endswith("(psa.csv)")]
    for label, metric, vo, vs in picks:
        bo, so = ols(X, vo)
        bs, ss = ols(X, vs)
        for j, p in enumerate(params):
            if bo[j] is None:
                continue
            z = (bs[j] - bo[j]) / math.sqrt(so[j] ** 2 + ss[j] ** 2) if so[j] + ss[j] > 0 else 0.0
            print("| %s | %s | %s | %s | %.1f |" % (label, p, fmt(bo[j]), fmt(bs[j]), z))


if __name__ == "__main__":
    main()
