#!/usr/bin/env python3
"""Two runs of one scenario, before and after a change to the random streams: is each metric's
mean within K Monte Carlo standard errors of the other's?

    tools/compare_mc.py BEFORE_DIR AFTER_DIR [--group all] [--k 3]

Reads summary.csv of each (mean and mcse per year, group and metric) and, with --economics,
economics.csv (per perspective and measure); the difference's standard
error is sqrt(mcse_before^2 + mcse_after^2), the two runs' streams being independent. Prints a
markdown table of the metrics of the group and the count outside K standard errors; a metric
without Monte Carlo error (mcse 0 in both) must agree exactly. Exit status 0 either way: with
many metrics a few beyond 3 SEs are expected by chance (about 0.3% each), so the table is for a
reader to judge.
"""
import argparse
import csv
import math
import os


def load(d, group):
    out = {}
    with open(os.path.join(d, "summary.csv")) as f:
        for r in csv.DictReader(f):
            if r["group"] != group:
                continue
            try:
                out[(r["year"], r["metric"])] = (float(r["mean"]), float(r["mcse"]), int(r["n"]))
            except ValueError:
                pass  # NA
    return out


def load_econ(d):
    out = {}
    with open(os.path.join(d, "economics.csv")) as f:
        for r in csv.DictReader(f):
            try:
                out[(r["perspective"], r["measure"])] = (float(r["mean"]), float(r["mcse"]), int(r["n"]))
            except ValueError:
                pass  # NA
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--group", default="all")
    ap.add_argument("--k", type=float, default=3.0)
    ap.add_argument("--economics", action="store_true", help="economics.csv instead of summary.csv")
    a = ap.parse_args()
    if a.economics:
        b, c = load_econ(a.before), load_econ(a.after)
        a.group = "economics"
    else:
        b, c = load(a.before, a.group), load(a.after, a.group)
    keys = sorted(set(b) & set(c))
    out = 0
    print("| %s | before | after | difference | SE | difference / SE |" %
          ("perspective | measure" if a.economics else "year | metric"))
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for k in keys:
        (m0, s0, _), (m1, s1, _) = b[k], c[k]
        se = math.hypot(s0, s1)
        d = m1 - m0
        if se > 0:
            z = d / se
            bad = abs(z) > a.k
            zs = "%+.2f" % z
        else:
            bad = abs(d) > 1e-9 * max(1.0, abs(m0))
            zs = "exact" if not bad else "differs"
        out += bad
        print("| %s | %s | %.6g | %.6g | %+.4g | %.4g | %s%s |" % (k[0], k[1], m0, m1, d, se, zs, " **beyond**" if bad else ""))
    print()
    print("%d metrics of group %s compared; %d beyond %g standard errors (about %.1f expected by chance)" %
          (len(keys), a.group, out, a.k, len(keys) * math.erfc(a.k / math.sqrt(2))))


if __name__ == "__main__":
    main()
