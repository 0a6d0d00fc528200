#!/usr/bin/env python3
"""How often one year's service regression (tools/service_regression.py) finds Clark et al.'s
(2018, Lancet 391:679-686) five features with the published sign and within the services
issue's band, when the services' recovery truly follows them: a parametric simulation.

    tools/service_regression_power.py SERVICES.csv [--published data/services.csv]
                                      [--year 2019-20] [--or 1.11,1.25,1.42] [--draws 1000]
                                      [--seed 20191] [--markdown]

SERVICES.csv is a run's services.csv (docs/output.md). For each design (below) and each true
odds ratio r, every draw:
  1. sets each feature's true coefficient so that its odds ratio from its worst observed level
     to its best is exactly r (b = sign x ln r / range; Clark 2018, Summary: 1.11 to 1.42 over
     the five features);
  2. gives each service recovery odds logit(p) = c + sum b (x - mean x) + u, with c the logit of
     the design's pooled recovery and u ~ N(0, tau^2) the services' unexplained difference;
  3. draws its recovered count ~ Binomial(n, p), n its finished courses at caseness;
  4. fits the binomial GLM of tools/service_regression.py (glm_fit) and reads each feature's
     odds ratio from its worst level to its best, as docs/validation.md reads it.
The features and the n are held at the design's values (so noise in the features themselves,
which a simulated replicate has too, is left out: the shares are an upper bound).

tau^2 is set from the Pearson dispersion D of the published 2019-20 regression (the same GLM on
data/services.csv's four published features): D = 1 + tau^2 x mean(n p (1 - p)), so the
simulated services differ beyond their binomial noise as the published CCGs do.

Designs (services with >= 100 finished courses):
  model      the run's five features as the model's regression uses them (pd_recorded_pct,
             mean_sessions_finished, entered_treatment_pct, mean_wait_weeks, dna_pct) and its n;
  published  the published 2019-20 CCG rows where a feature is published: the descriptor, the
             6-week share for the wait (sign reversed), finished courses per referral for the
             share entering, and their n; the run's sessions and missed appointments (not
             published by CCG), joined by service code. The published features vary apart as
             real services' do (the 6-week share and finished per referral: r = 0.22, so
             entering and the wait -0.22; the model's 2019-20 services: -0.97).

Output: per design and r, the share of draws in which each feature has the published sign and
is within 1.05 to 1.60, and all five at once, with Monte Carlo standard errors. Needs numpy and
statsmodels (exit 77 without them, as the tests' "skipped").
"""
import argparse
import math
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import service_regression as sr  # noqa: E402  (exits 77 without numpy/statsmodels)

import numpy as np  # noqa: E402

BAND = (1.05, 1.60)  # the services issue's band, worst level to best
NAMES = ["descriptor", "sessions", "entering", "wait", "missed"]
SIM = ["pd_recorded_pct", "mean_sessions_finished", "entered_treatment_pct", "mean_wait_weeks", "dna_pct"]
SIGN = [+1, +1, +1, -1, -1]


def model_design(path, year):
    """(X m x 5, n m, k m, signs, codes) from a run's services.csv."""
    _kind, rows = sr.load(path, SIM, "recovery")
    rows = sr.usable([r for r in rows if r["year"] == year], SIM)
    if len(rows) < 20:
        raise SystemExit("service_regression_power: %s: %d usable services in %s (need 20)" % (path, len(rows), year))
    X = np.array([[r[f] for f in SIM] for r in rows], dtype=float)
    return X, np.array([r["n"] for r in rows]), np.array([r["k"] for r in rows]), list(SIGN), [r["key"] for r in rows]


def published_design(pub_path, sim_path, year):
    """The published stand-ins where published, the run's sessions and missed appointments."""
    feats = ["pd_recorded_pct", "finished_per_referral_pct", "wait_6w_pct"]
    _kind, prow = sr.load(pub_path, feats, "recovery")
    prow = {r["key"]: r for r in sr.usable([r for r in prow if r["year"] == year], feats)}
    _kind, srow = sr.load(sim_path, SIM, "recovery")
    srow = {r["key"]: r for r in srow if r["year"] == year}
    keys = sorted(k for k in prow if k in srow and all(math.isfinite(srow[k][f]) for f in SIM))
    if len(keys) < 20:
        raise SystemExit("service_regression_power: %d services in both tables for %s (need 20)" % (len(keys), year))
    # order as NAMES; the 6-week share has sign + (a shorter wait)
    X = np.array([[prow[k]["pd_recorded_pct"], srow[k]["mean_sessions_finished"], prow[k]["finished_per_referral_pct"],
                   prow[k]["wait_6w_pct"], srow[k]["dna_pct"]] for k in keys], dtype=float)
    return (X, np.array([prow[k]["n"] for k in keys]), np.array([prow[k]["k"] for k in keys]),
            [+1, +1, +1, +1, -1], keys)


def published_dispersion(pub_path, year):
    """Pearson dispersion of the published regression (tools/service_regression.py's PUB_DEFAULT)."""
    feats = sr.PUB_DEFAULT
    _kind, rows = sr.load(pub_path, feats, "recovery")
    rows = sr.usable([r for r in rows if r["year"] == year], feats)
    y = np.array([r["k"] / r["n"] for r in rows])
    n = np.array([r["n"] for r in rows])
    X = np.column_stack([np.array([r[f] for r in rows]) for f in feats])
    _glm, disp, _se = sr.glm_fit(y, np.column_stack([np.ones(len(y)), X]), n)
    return float(disp)


def simulate(X, n, k, signs, true_or, tau2, draws, rng):
    """Counts of draws (of `draws`) with each feature of the right sign, in the band, and all five;
    and the mean Pearson dispersion of the fits."""
    m, nf = X.shape
    rngs = X.max(axis=0) - X.min(axis=0)
    b = np.array([s * math.log(true_or) / r for s, r in zip(signs, rngs)])
    pbar = k.sum() / n.sum()
    eta0 = math.log(pbar / (1 - pbar)) + (X - X.mean(axis=0)) @ b
    Xc = np.column_stack([np.ones(m), X])
    sign_ok = np.zeros(nf, dtype=int)
    band_ok = np.zeros(nf, dtype=int)
    all_sign = all_band = 0
    disp_sum = 0.0
    for _ in range(draws):
        eta = eta0 + rng.normal(0.0, math.sqrt(tau2), m)
        p = 1 / (1 + np.exp(-eta))
        y = rng.binomial(n.astype(np.int64), p) / n
        glm, disp, _se = sr.glm_fit(y, Xc, n)
        worst_to_best = np.exp(np.array(signs) * np.asarray(glm.params)[1:] * rngs)
        s_ok = worst_to_best > 1
        b_ok = (worst_to_best >= BAND[0]) & (worst_to_best <= BAND[1])
        sign_ok += s_ok
        band_ok += b_ok
        all_sign += int(s_ok.all())
        all_band += int(b_ok.all())
        disp_sum += disp
    return sign_ok, band_ok, all_sign, all_band, disp_sum / draws


def pct(c, d):
    p = c / d
    return "%.0f%% (%.0f)" % (100 * p, 100 * math.sqrt(max(p * (1 - p), 1e-12) / d))


def markdown(out, disp, draws):
    """docs/validation.md's table of power() results."""
    print("| design | services | share entering and wait: r | true odds ratio | " + " | ".join(NAMES) +
          " | all five: published sign | all five in band | simulated dispersion |")
    print("| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in NAMES) + " | ---: | ---: | ---: |")
    for name, m, corr, _tau2, r, (_s_ok, b_ok, a_s, a_b, dsim) in out:
        print("| %s | %d | %.2f | %.2f | %s | %s | %s | %.1f |" % (
            name, m, corr, r, " | ".join(pct(c, draws) for c in b_ok), pct(a_s, draws), pct(a_b, draws), dsim))
    print()
    print("Cells: the share of %d draws in which the feature is within 1.05 to 1.60 (worst level to best), "
          "Monte Carlo SE in brackets, both in per cent; \"all five: published sign\": every feature's odds ratio above 1. "
          "Published 2019-20 dispersion %.1f (tau = %.3f logit for the model design)." % (draws, disp, math.sqrt(out[0][3])))


def power(services, published, year, ors, draws, seed):
    """Runs every design and true odds ratio: (list of (design, services, r(entering, wait), tau^2,
    true odds ratio, simulate()'s result)), published dispersion)."""
    disp = published_dispersion(published, year)
    designs = [("model", model_design(services, year)), ("published", published_design(published, services, year))]
    rng = np.random.default_rng(seed)
    out = []
    for name, (X, n, k, signs, keys) in designs:
        pbar = k.sum() / n.sum()
        tau2 = (disp - 1) / float(np.mean(n * pbar * (1 - pbar)))
        # entering against the wait, a longer wait higher (the published design's 6-week share reversed)
        corr = float(np.corrcoef(X[:, 2], X[:, 3])[0, 1]) * -signs[3]
        for r in ors:
            out.append((name, len(keys), corr, tau2, r, simulate(X, n, k, signs, r, tau2, draws, rng)))
    return out, disp


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("services", help="a run's services.csv (docs/output.md)")
    ap.add_argument("--published", default=os.path.join(os.path.dirname(here), "data", "services.csv"))
    ap.add_argument("--year", default="2019-20")
    ap.add_argument("--or", dest="ors", default="1.11,1.25,1.42",
                    help="true odds ratios, worst level to best, one run each (default: Clark 2018's 1.11, 1.42 and between)")
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20191)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args(argv)
    try:
        ors = [float(v) for v in a.ors.split(",")]
    except ValueError:
        ap.error("--or: comma-separated numbers, e.g. 1.11,1.25")
    if not ors or any(not (v > 1) for v in ors):
        ap.error("--or: each odds ratio must be above 1 (worst level to best)")
    if a.draws < 10:
        ap.error("--draws: at least 10")
    try:
        out, disp = power(a.services, a.published, a.year, ors, a.draws, a.seed)
    except (OSError, KeyError) as e:
        ap.exit(2, "service_regression_power: %s\n" % e)
    if a.markdown:
        markdown(out, disp, a.draws)
    else:
        print("design,services,entering_wait_r,true_or,feature,published_sign_share,in_band_share,draws,"
              "simulated_dispersion,published_dispersion")
        for name, m, corr, tau2, r, (s_ok, b_ok, a_s, a_b, dsim) in out:
            tail = "%d,%.4f,%.4f" % (a.draws, dsim, disp)
            for j, f in enumerate(NAMES):
                print("%s,%d,%.4f,%.4g,%s,%.4f,%.4f,%s" % (name, m, corr, r, f, s_ok[j] / a.draws, b_ok[j] / a.draws, tail))
            print("%s,%d,%.4f,%.4g,all_five,%.4f,%.4f,%s" % (name, m, corr, r, a_s / a.draws, a_b / a.draws, tail))
    return 0


if __name__ == "__main__":
    sys.exit(main())
