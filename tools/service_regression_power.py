#!/usr/bin/env python3
"""How often one year's service regression (tools/service_regression.py) finds Clark et al.'s
(2018, Lancet 391:679-686) five features with the published sign and within the services
issue's band (1.05 to 1.60), when the services' recovery truly follows them: a parametric
simulation.

    tools/service_regression_power.py SERVICES.csv [SERVICES2.csv ...] [--published data/services.csv]
                                      [--year 2019-20] [--or 1.11,1.25,1.42] [--draws 1000]
                                      [--seed 20191] [--dispersion D] [--markdown] [--csv OUT.csv]

SERVICES.csv is a run's services.csv (docs/output.md), from a run at population scale 1 with one
replicate (the services issue's conditions; a note says so when the run.json beside it says
otherwise); each file given is one `model` design, labelled by its path. Each design and true
odds ratio has its own random stream, keyed by the seed, the design's contents and r, so its
row is the same whichever other files or odds ratios are given. For each design and each true
odds ratio r, every draw:
  1. sets each feature's true coefficient so that its odds ratio from its worst observed level
     to its best is exactly r (b = sign x ln r / range; Clark 2018, Summary: 1.11 to 1.42 over
     the five features; r = 1: no effect);
  2. gives each service recovery odds logit(p) = c + sum b (x - mean x) + u, with c the logit of
     the design's pooled recovery (recovered / finished at caseness) and u ~ N(0, tau^2), a
     normal random effect per service on the logit scale: the services' unexplained difference;
  3. draws its recovered count ~ Binomial(n, p), n its finished courses at caseness;
  4. fits the binomial GLM of tools/service_regression.py (glm_fit) and reads each feature's
     odds ratio from its worst level to its best, as docs/validation.md reads it.
Only recovery is redrawn: the features and the n are held at the design's values in every
draw. In a replicate of the model the features are drawn with noise too, which pulls the
estimates towards 1; that is left out, so a model replicate's shares can be higher or lower.

tau^2 is set so that the fits' mean Pearson dispersion is D, by default the dispersion of the
published regression of that year (the same GLM on data/services.csv's four published
features; 16.9 in 2019-20): first tau^2 = (D - 1) / mean(n p (1 - p)), then rescaled once by a
pilot of 100 draws, so the simulated services differ beyond their binomial noise as the
published CCGs do. --dispersion sets D instead (the model's own 2019-20 regression: 21.3).

Designs (services with >= 100 finished courses):
  model      a run's five features as the model's regression uses them (pd_recorded_pct,
             mean_sessions_finished, entered_treatment_pct, mean_wait_weeks, dna_pct) and its n;
  published  the published CCG rows of the year where a feature is published by CCG: the
             descriptor, the 6-week share for the wait (sign reversed), finished courses per
             referral for the share entering, and their n; the sessions and missed appointments
             (not published by CCG) of the FIRST file given, joined by service code. In 2019-20 the
             published features vary apart as real services' do (the 6-week share and finished
             per referral: r = 0.22, so entering and the wait -0.22; default.yaml's services: -0.97).
Years: those the run has and data/services.csv has with every published feature used: 2017-18
to 2019-20 (problem descriptors are not published by CCG after 2019-20, data/services.md).

Output (standard output, or --csv FILE): CSV, one row per design, true odds ratio and feature
(descriptor, sessions, entering, wait, missed, and all_five): year, design, services (how many),
entering_wait_r (correlation across services of the share entering with the wait, a longer
wait higher), true_or, feature, published_sign_share and in_band_share (the share of draws with
the odds ratio, worst level to best, above 1; within 1.05 to 1.60; for all_five, all five at
once), draws, seed, tau (logit), target_dispersion, simulated_dispersion (the fits' mean).
--markdown prints docs/validation.md's table instead. Needs numpy and statsmodels (exit 77
without them, as the tests' "skipped"); bad arguments and unreadable tables exit 2.
"""
import argparse
import collections
import csv
import json
import math
import os
import sys
import zlib

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import service_regression as sr  # noqa: E402  (exits 77 without numpy/statsmodels)

import numpy as np  # noqa: E402

BAND = (1.05, 1.60)  # the services issue's band, worst level to best
SIM = sr.SIM_DEFAULT  # Clark's five, as a run's services.csv names them
SIGN = [sr.SIM_FEATURES[f][0] for f in SIM]
NAMES = ["descriptor", "sessions", "entering", "wait", "missed"]  # short names, in SIM's order
SHORT = dict(zip(SIM, NAMES))
PUB = ["pd_recorded_pct", "finished_per_referral_pct", "wait_6w_pct"]
MIN_SERVICES = 20
PILOT = 100
OR_MAX = 10.0
CSV_FIELDS = ["year", "design", "services", "entering_wait_r", "true_or", "feature", "published_sign_share",
              "in_band_share", "draws", "seed", "tau", "target_dispersion", "simulated_dispersion"]


# one row of power(): a design at one true odds ratio. corr: the share entering against the wait
# across services; sign_ok, band_ok: draws with each feature (in NAMES' order) of the published
# sign, in BAND; all_sign, all_band: draws with all five so; dispersion: the fits' mean.
Row = collections.namedtuple("Row", "design services corr tau2 true_or sign_ok band_ok all_sign all_band dispersion")


class Refused(Exception):
    """A table or year the tool cannot use: the message says why."""


def _load(path, features, want):
    """sr.load, refusing a table of the other kind, a missing column or an unreadable file."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            kind = sr.table_kind(next(csv.reader(f), []))
        if kind is not None and kind != want:
            raise Refused("%s is %s table; %s" % (path, "the published" if kind == "published" else "a run's",
                                                 "give a run's services.csv (docs/output.md)" if want == "simulated"
                                                 else "--published wants data/services.csv's format (data/services.md)"))
        return sr.load(path, features, "recovery")[1]
    except KeyError as e:
        raise Refused("%s: no column %s (%s)" % (path, e, "a run's services.csv, docs/output.md" if want == "simulated"
                                                  else "data/services.csv's format, data/services.md"))
    except UnicodeDecodeError:
        raise Refused("%s: not a UTF-8 CSV table" % path)
    except SystemExit as e:  # sr.load's own refusals (no rows, neither format)
        raise Refused(str(e.code).replace("service_regression: ", ""))


def _years(rows):
    return ", ".join(sorted({r["year"] for r in rows})) or "none"


def model_design(path, year):
    """(X m x 5, n m, k m, signs, codes) from a run's services.csv."""
    rows = _load(path, SIM, "simulated")
    use = sr.usable([r for r in rows if r["year"] == year], SIM)
    if len(use) < MIN_SERVICES:
        raise Refused("%s: %d services with >= %d finished courses in %s (need %d; years in the table: %s)"
                      % (path, len(use), sr.MIN_FINISHED, year, MIN_SERVICES, _years(rows)))
    X = np.array([[r[f] for f in SIM] for r in use], dtype=float)
    return X, np.array([r["n"] for r in use]), np.array([r["k"] for r in use]), list(SIGN), [r["key"] for r in use]


def published_rows(pub_path, year, features):
    rows = _load(pub_path, features, "published")
    use = sr.usable([r for r in rows if r["year"] == year], features)
    if len(use) < MIN_SERVICES:
        have = sorted({r["year"] for r in sr.usable(rows, features)})
        raise Refused("%s: %d published services in %s with every feature used (%s) and >= %d finished courses "
                      "(need %d; years with them: %s)" % (pub_path, len(use), year, ", ".join(features), sr.MIN_FINISHED,
                                                         MIN_SERVICES, ", ".join(have) or "none"))
    return use


def published_design(pub_path, sim_path, year):
    """The published stand-ins where published, the run's sessions and missed appointments."""
    prow = {r["key"]: r for r in published_rows(pub_path, year, PUB)}
    srow = {r["key"]: r for r in _load(sim_path, SIM, "simulated") if r["year"] == year}
    keys = sorted(k for k in prow if k in srow and all(math.isfinite(srow[k][f]) for f in SIM))
    if len(keys) < MIN_SERVICES:
        raise Refused("%d services in both %s and %s for %s (need %d): the published design joins them by code"
                      % (len(keys), pub_path, sim_path, year, MIN_SERVICES))
    # order as NAMES; the 6-week share has sign + (a shorter wait)
    X = np.array([[prow[k]["pd_recorded_pct"], srow[k]["mean_sessions_finished"], prow[k]["finished_per_referral_pct"],
                   prow[k]["wait_6w_pct"], srow[k]["dna_pct"]] for k in keys], dtype=float)
    return (X, np.array([prow[k]["n"] for k in keys]), np.array([prow[k]["k"] for k in keys]),
            [+1, +1, +1, +1, -1], keys)


def published_dispersion(pub_path, year):
    """Pearson dispersion of the published regression (tools/service_regression.py's PUB_DEFAULT)."""
    feats = sr.PUB_DEFAULT
    expected = {f: sr.PUB_FEATURES[f][2] for f in feats}
    return sr.fit_year(published_rows(pub_path, year, feats), feats, expected)["dispersion"]


def simulate(X, n, k, signs, true_or, tau2, draws, rng):
    """Counts of draws (of `draws`) with each feature of the right sign, in the band, and all five;
    and the mean Pearson dispersion of the fits."""
    m, nf = X.shape
    rngs = X.max(axis=0) - X.min(axis=0)
    b = np.array([s * math.log(true_or) / r if r > 0 else 0.0 for s, r in zip(signs, rngs)])
    pbar = k.sum() / n.sum()
    eta0 = math.log(pbar / (1 - pbar)) + (X - X.mean(axis=0)) @ b
    Xc = np.column_stack([np.ones(m), X])
    sgn = np.array(signs)
    sign_ok = np.zeros(nf, dtype=int)
    band_ok = np.zeros(nf, dtype=int)
    all_sign = all_band = 0
    disp_sum = 0.0
    for _ in range(draws):
        eta = eta0 + rng.normal(0.0, math.sqrt(tau2), m)
        p = 1 / (1 + np.exp(-eta))
        y = rng.binomial(n.astype(np.int64), p) / n
        glm, disp, _se = sr.glm_fit(y, Xc, n)
        worst_to_best = np.exp(sgn * np.asarray(glm.params)[1:] * rngs)
        s_ok = worst_to_best > 1
        b_ok = (worst_to_best >= BAND[0]) & (worst_to_best <= BAND[1])
        sign_ok += s_ok
        band_ok += b_ok
        all_sign += int(s_ok.all())
        all_band += int(b_ok.all())
        disp_sum += disp
    return sign_ok, band_ok, all_sign, all_band, disp_sum / draws


def stream(seed, X, n, r):
    """The random stream of one design and true odds ratio (r = 0: the pilot): keyed by the seed,
    the design's contents (its features and sizes) and r, so a row's numbers do not depend on its
    label, on which other designs or odds ratios are run, nor on their order."""
    key = zlib.crc32(np.ascontiguousarray(X, dtype="<f8").tobytes() + np.ascontiguousarray(n, dtype="<f8").tobytes())
    return np.random.default_rng([seed, key, int(round(r * 10000))])


def tau2_for(X, n, k, signs, target, rng):
    """tau^2 giving the fits a mean Pearson dispersion of about target: the binomial-normal
    approximation, rescaled once by a pilot at no effect."""
    pbar = k.sum() / n.sum()
    tau2 = max(target - 1, 0.0) / float(np.mean(n * pbar * (1 - pbar)))
    if tau2 > 0:
        d = simulate(X, n, k, signs, 1.0, tau2, PILOT, rng)[4]
        if d > 1:
            tau2 *= (target - 1) / (d - 1)
    return tau2


def power(models, published, year, ors, draws, seed, dispersion=None):
    """models: (label, services.csv path) pairs, one `model` design each; the `published` design
    takes the first one's sessions and missed appointments. Returns (rows, target dispersion):
    Rows, one per design and true odds ratio."""
    designs = [(label, model_design(path, year)) for label, path in models]
    designs.append(("published", published_design(published, models[0][1], year)))
    disp = published_dispersion(published, year) if dispersion is None else dispersion
    out = []
    for name, (X, n, k, signs, keys) in designs:
        tau2 = tau2_for(X, n, k, signs, disp, stream(seed, X, n, 0))
        # entering against the wait, a longer wait higher (the published design's 6-week share reversed)
        corr = float(np.corrcoef(X[:, 2], X[:, 3])[0, 1]) * -signs[3]
        for r in ors:
            out.append(Row(name, len(keys), corr, tau2, r, *simulate(X, n, k, signs, r, tau2, draws, stream(seed, X, n, r))))
    return out, disp


def pct(c, d):
    p = c / d
    return "%.0f%% (%.1f)" % (100 * p, 100 * math.sqrt(p * (1 - p) / d))


def markdown(out, disp, draws, source):
    """docs/validation.md's table of power() results."""
    print("| design | services | share entering and wait: correlation | true odds ratio | tau (logit) | " + " | ".join(NAMES) +
          " | all five: published sign | all five in band | simulated dispersion |")
    print("| --- | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in NAMES) + " | ---: | ---: | ---: |")
    for o in out:
        print("| %s | %d | %.2f | %.2f | %.3f | %s | %s | %s | %.1f |" % (
            o.design, o.services, o.corr, o.true_or, math.sqrt(o.tau2), " | ".join(pct(c, draws) for c in o.band_ok),
            pct(o.all_sign, draws), pct(o.all_band, draws), o.dispersion))
    print()
    print("Cells: the share of %d draws in which the feature's odds ratio, worst level to best, is within 1.05 to 1.60, "
          "Monte Carlo SE in brackets, both in per cent; \"all five: published sign\": every feature's above 1. Target "
          "dispersion %.1f (%s)." % (draws, disp, source))


def write_csv(out, disp, draws, seed, year, f):
    w = csv.writer(f, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for o in out:
        head = [year, o.design, o.services, "%.4f" % o.corr, "%.4g" % o.true_or]
        tail = [draws, seed, "%.4f" % math.sqrt(o.tau2), "%.4f" % disp, "%.4f" % o.dispersion]
        for j, feat in enumerate(NAMES):
            w.writerow(head + [feat, "%.4f" % (o.sign_ok[j] / draws), "%.4f" % (o.band_ok[j] / draws)] + tail)
        w.writerow(head + ["all_five", "%.4f" % (o.all_sign / draws), "%.4f" % (o.all_band / draws)] + tail)


def conditions_note(path):
    """A note on standard error when the run.json beside a services.csv says the run was not at
    population scale 1 with one replicate (the services issue's conditions)."""
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(path)), "run.json"), encoding="utf-8") as f:
            run = json.load(f)
        scale, reps = float(run["population_scale"]), int(run["replicates"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if scale != 1 or reps != 1:
        sys.stderr.write("service_regression_power: note: %s comes from a run at population scale %g with %d replicates; "
                         "the services issue's check is on scale 1 and one replicate (each service's numbers and noise "
                         "as in the published single year)\n" % (path, scale, reps))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter,
                                 epilog="Method, designs and output columns: the module's docstring "
                                        "(head -60 tools/service_regression_power.py) and docs/validation.md, Services.")
    ap.add_argument("services", nargs="+", help="a run's services.csv (docs/output.md), one model design each")
    ap.add_argument("--published", default=os.path.join(os.path.dirname(here), "data", "services.csv"),
                    help="the published services table (data/services.md's format)")
    ap.add_argument("--year", default="2019-20", help="financial year, e.g. 2019-20; in both tables")
    ap.add_argument("--or", dest="ors", default="1.11,1.25,1.42",
                    help="true odds ratios from the worst level to the best, comma-separated, each in [1, %g]; 1: no effect" % OR_MAX)
    ap.add_argument("--draws", type=int, default=1000, help="simulated replicates per design and odds ratio, at least 10")
    ap.add_argument("--seed", type=int, default=20191, help="random seed (a non-negative integer): same seed, same output")
    ap.add_argument("--dispersion", type=float,
                    help="target Pearson dispersion in [1, 1000]; unset (%(default)s): the published regression's for --year")
    out_group = ap.add_mutually_exclusive_group()
    out_group.add_argument("--markdown", action="store_true", help="print docs/validation.md's table instead of CSV")
    out_group.add_argument("--csv", metavar="FILE", help="write the CSV here instead of standard output")
    a = ap.parse_args(argv)
    try:
        ors = [float(v) for v in a.ors.split(",")]
    except ValueError:
        ap.error("--or: comma-separated numbers, e.g. 1.11,1.25")
    if any(not (1 <= v <= OR_MAX) for v in ors):
        ap.error("--or: each odds ratio must be in [1, %g] (worst level to best; 1: no effect)" % OR_MAX)
    if a.draws < 10:
        ap.error("--draws: at least 10")
    if a.seed < 0:
        ap.error("--seed: a non-negative integer")
    if a.dispersion is not None and not (1 <= a.dispersion <= 1000):
        ap.error("--dispersion: in [1, 1000]")
    models = [("model: %s" % p, p) for p in a.services]
    sink = None
    if a.csv:
        if os.path.exists(a.csv) and any(os.path.exists(p) and os.path.samefile(a.csv, p) for p in a.services + [a.published]):
            ap.error("--csv %s: that is an input table" % a.csv)
        try:
            sink = open(a.csv, "w", newline="", encoding="utf-8")
        except OSError as e:
            ap.exit(2, "service_regression_power: --csv: %s\n" % e)
    for p in a.services:
        conditions_note(p)
    try:
        out, disp = power(models, a.published, a.year, ors, a.draws, a.seed, a.dispersion)
    except (Refused, OSError) as e:
        if sink:
            sink.close()
            os.remove(a.csv)
        ap.exit(2, "service_regression_power: %s\n" % e)
    few = sorted({o.services for o in out if o.design != "published" and o.services < 150})
    if few:
        sys.stderr.write("service_regression_power: note: a model design has %s services with >= %d finished courses; "
                         "a run at population scale 1 of the built-in services has 191\n" % (few[0], sr.MIN_FINISHED))
    if a.markdown:
        markdown(out, disp, a.draws, "the published %s regression's" % a.year if a.dispersion is None else "set by --dispersion")
    elif sink:
        with sink:
            write_csv(out, disp, a.draws, a.seed, a.year, sink)
    else:
        write_csv(out, disp, a.draws, a.seed, a.year, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
