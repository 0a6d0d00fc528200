#!/usr/bin/env python3
"""The service-level model of Clark et al. (2018, Lancet 391:679-686): service recovery on the
services' organisational features, fitted to the published services table (data/services.csv)
or to a simulated results/services.csv (the services contract's format, docs/output.md).

    tools/service_regression.py SERVICES.csv [--year 2019-20] [--change 2018-19:2019-20]
                                [--outcome recovery|reliable_recovery|reliable_improvement]
                                [--features a,b,...] [--csv OUT.csv] [--markdown]

Model (one year): binomial GLM, logit link, of recovered / finished courses at caseness (the
national definition's denominator; reliable improvement: / finished courses) on the features,
each service weighted by its denominator. Quasi-binomial standard errors (Pearson dispersion)
are the ones reported: between-service variation beyond sampling noise is large, so the
binomial SEs are far too small. Beta regression of the service proportions (Clark 2018's model;
statsmodels BetaModel, logit mean) is the check on the coefficients' signs and sizes.

Each feature's effect from its lowest to its highest observed level is exp(b * (max - min)),
the odds ratio of recovery at the top of the feature's range against the bottom, the others
held fixed (Clark 2018's "lowest to highest level" comparison; its abstract gives 1.11-1.42).

R-squared, three kinds, named in the output:
  mcfadden    1 - llf / llf(intercept only), on the patients' Bernoulli likelihood (tiny:
              most variation is between people within a service, which no service feature explains)
  deviance    1 - D / D(intercept only), the grouped binomial deviance: the share of the
              between-service excess variation the features explain
  beta_pseudo squared correlation of logit(service proportion) with the beta model's linear
              predictor (Ferrari and Cribari-Neto 2004), the R-squared of Clark 2018's kind
Change between two years (Clark 2018: 22% of the variance in change of reliable recovery, 33%
of reliable improvement): ordinary least squares of the change in the service's percentage on
the changes in its features, services present in both years with >= 100 finished courses each
year; R-squared and adjusted R-squared.

Needs numpy, scipy and statsmodels (Debian: python3-statsmodels; make validation installs it).
"""
import argparse
import csv
import math
import sys
import warnings

try:
    import numpy as np
    import statsmodels.api as sm
    from statsmodels.othermod.betareg import BetaModel
except ImportError as e:  # exit 77: the tests' "skipped" code
    sys.stderr.write("service_regression: needs numpy and statsmodels (apt-get install python3-statsmodels): %s\n" % e)
    sys.exit(77)

# Feature: column in the contract's services.csv (per cent), expected sign (Clark 2018 abstract,
# data/organisational_features_literature.csv; step-up: Gyani 2013), what it is.
SIM_FEATURES = {
    "pd_recorded_pct": (+1, "finished courses with a problem descriptor recorded (%)"),
    "mean_sessions_finished": (+1, "mean treatment sessions per finished course"),
    "entered_treatment_pct": (+1, "referrals entering treatment (%)"),
    "mean_wait_weeks": (-1, "mean wait, referral to first treatment (weeks)"),
    "dna_pct": (-1, "missed appointments (% of booked sessions)"),
    "step_up_pct": (+1, "LI courses stepped up to HI (%)"),
}
SIM_DEFAULT = ["pd_recorded_pct", "mean_sessions_finished", "entered_treatment_pct", "mean_wait_weeks", "dna_pct"]

# The published table's stand-ins (data/services.md): shares turned into per cent. Sessions and
# missed appointments are not published by CCG for these years; the share entering treatment is
# not either (finished per referral is a conversion ratio); the mean wait is published as NULL,
# so the share first treated within 6 weeks stands in (a shorter wait: expected sign +).
PUB_FEATURES = {
    "pd_recorded_pct": ("pd_recorded_finished_share", 100, +1, "finished courses with a problem descriptor recorded (%)"),
    "finished_per_referral_pct": ("finished_per_referral", 100, +1, "finished courses per referral (%), for referrals treated"),
    "wait_6w_pct": ("wait_6w_share", 100, +1, "first treatment within 6 weeks (%), for the wait (reversed)"),
    "step_up_pct": ("step_up_share", 100, +1, "LI courses stepped up to HI (%)"),
}
PUB_DEFAULT = ["pd_recorded_pct", "finished_per_referral_pct", "wait_6w_pct", "step_up_pct"]

OUTCOMES = ("recovery", "reliable_recovery", "reliable_improvement")
MIN_FINISHED = 100


def fnum(s):
    try:
        v = float(s)
    except (TypeError, ValueError):
        return float("nan")
    return v


def table_kind(head):
    """"published" for data/services.csv's columns, "simulated" for a run's services.csv
    (docs/output.md), None for neither; head: the header's column names."""
    head = set(head)
    if {"ccg_code", "recovered"} <= head:
        return "published"
    if {"service_code", "finished_at_caseness"} <= head:
        return "simulated"
    return None


def load(path, features, outcome, strategy=None):
    """Rows of SERVICES.csv as dicts: key, year, region, n (denominator), k (successes),
    finished, and each feature. Detects the published table or the contract's format."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit("service_regression: %s: no rows" % path)
    head = rows[0].keys()
    kind = table_kind(head)
    out = []
    if kind == "published":
        for r in rows:
            if r.get("flag"):  # the 2021-22 resubmission (data/services.md)
                continue
            fin = fnum(r["finished_course"])
            cas = fin - fnum(r["not_at_caseness"])
            n = fin if outcome == "reliable_improvement" else cas
            k = fnum({"recovery": r["recovered"], "reliable_recovery": r["reliably_recovered"],
                      "reliable_improvement": r["reliably_improved"]}[outcome])
            d = {"key": r["ccg_code"], "year": r["year"], "region": r["region_code"], "n": n, "k": k,
                 "finished": fin, "apportioned": r["mapping"] == "apportioned"}
            for name in features:
                column, mult, _sign, _what = PUB_FEATURES[name]
                d[name] = fnum(r[column]) * mult
            out.append(d)
    elif kind == "simulated":
        if "strategy" in head:
            strategies = sorted({r["strategy"] for r in rows})
            if strategy is None and len(strategies) > 1:
                raise SystemExit("service_regression: %s has strategies %s: choose one with --strategy" % (path, ", ".join(strategies)))
            strategy = strategy or strategies[0]
            rows = [r for r in rows if r["strategy"] == strategy]
        for r in rows:
            fin = fnum(r["finished_course"])
            cas = fnum(r["finished_at_caseness"])
            n = fin if outcome == "reliable_improvement" else cas
            k = fnum(r[outcome + "_pct"]) / 100 * n
            d = {"key": r["service_code"], "year": r["year"], "region": r["region_code"], "n": n, "k": k,
                 "finished": fin, "apportioned": False}
            for name in features:
                d[name] = fnum(r[name])
            out.append(d)
    else:
        raise SystemExit("service_regression: %s: neither data/services.csv's columns nor results/services.csv's "
                         "(docs/output.md)" % path)
    return kind, out


def usable(rows, features):
    return [r for r in rows if r["finished"] >= MIN_FINISHED and r["n"] > 0 and 0 <= r["k"] <= r["n"]
            and all(math.isfinite(r[f]) for f in features)]


def glm_fit(y, Xc, n):
    """The binomial GLM of proportions y (shape m) on Xc (m x p, constant included), service
    weights n: (statsmodels results, Pearson dispersion, quasi-binomial SEs of shape p)."""
    glm = sm.GLM(y, Xc, family=sm.families.Binomial(), var_weights=n).fit()
    disp = glm.pearson_chi2 / glm.df_resid
    return glm, disp, glm.bse * math.sqrt(disp)


def fit_year(rows, features, expected):
    """Binomial GLM (quasi-binomial SEs) and the beta check; a dict of results."""
    y = np.array([r["k"] / r["n"] for r in rows])
    n = np.array([r["n"] for r in rows])
    X = np.column_stack([np.array([r[f] for r in rows]) for f in features])
    Xc = sm.add_constant(X, has_constant="add")
    glm, disp, qse = glm_fit(y, Xc, n)
    null = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), var_weights=n).fit()

    def bern_ll(p):
        p = np.clip(p, 1e-12, 1 - 1e-12)
        return float(np.sum(n * (y * np.log(p) + (1 - y) * np.log(1 - p))))

    mcf = 1 - bern_ll(glm.fittedvalues) / bern_ll(null.fittedvalues)
    dev = 1 - glm.deviance / null.deviance
    yb = np.clip(y, 1e-4, 1 - 1e-4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        beta = BetaModel(yb, Xc).fit(disp=0, maxiter=2000)
    beta_ok = not any("converge" in str(w.message) for w in caught)
    bparams = np.asarray(beta.params)[: Xc.shape[1]]
    bse = np.asarray(beta.bse)[: Xc.shape[1]]
    eta = Xc @ bparams
    lg = np.log(yb / (1 - yb))
    beta_r2 = float(np.corrcoef(lg, eta)[0, 1] ** 2)
    terms = []
    for j, f in enumerate(features):
        b, se = float(glm.params[j + 1]), float(qse[j + 1])
        lo, hi = float(X[:, j].min()), float(X[:, j].max())
        rng = hi - lo
        z = b / se if se > 0 else float("nan")
        p = float(2 * (1 - _phi(abs(z)))) if math.isfinite(z) else float("nan")
        terms.append({
            "term": f, "estimate": b, "se": se, "p_value": p, "x_min": lo, "x_max": hi,
            "or_low_high": math.exp(b * rng), "or_lo95": math.exp((b - 1.959964 * se) * rng),
            "or_hi95": math.exp((b + 1.959964 * se) * rng), "expected_sign": expected[f],
            "agrees": int((b > 0) == (expected[f] > 0)),
            "beta_estimate": float(bparams[j + 1]), "beta_se": float(bse[j + 1]),
            "beta_or_low_high": math.exp(float(bparams[j + 1]) * rng),
        })
    return {"n": len(rows), "terms": terms, "intercept": float(glm.params[0]), "dispersion": float(disp),
            "r2_mcfadden": float(mcf), "r2_deviance": float(dev), "r2_beta_pseudo": beta_r2,
            "beta_converged": int(beta_ok)}


def _phi(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def fit_change(rows, features, y0, y1):
    """OLS of the change in the percentage on the changes in the features, y0 to y1."""
    a = {r["key"]: r for r in usable([r for r in rows if r["year"] == y0], features)}
    b = {r["key"]: r for r in usable([r for r in rows if r["year"] == y1], features)}
    # members of a merged body carry its figures repeated (data/services.md): one row per body
    keys = sorted(k for k in a if k in b and not (a[k]["apportioned"] or b[k]["apportioned"]))
    if len(keys) < len(features) + 3:
        return None
    dy = np.array([100 * (b[k]["k"] / b[k]["n"] - a[k]["k"] / a[k]["n"]) for k in keys])
    dX = np.column_stack([np.array([b[k][f] - a[k][f] for k in keys]) for f in features])
    ols = sm.OLS(dy, sm.add_constant(dX, has_constant="add")).fit()
    return {"n": len(keys), "r2": float(ols.rsquared), "r2_adj": float(ols.rsquared_adj),
            "terms": [{"term": f, "estimate": float(ols.params[j + 1]), "se": float(ols.bse[j + 1]),
                       "p_value": float(ols.pvalues[j + 1])} for j, f in enumerate(features)]}


FIELDS = ["source", "year", "outcome", "model", "term", "estimate", "se", "p_value", "x_min", "x_max",
          "or_low_high", "or_lo95", "or_hi95", "expected_sign", "agrees"]


def g(v, d=4):
    if isinstance(v, float):
        return "" if not math.isfinite(v) else ("%.*g" % (d + 2, v))
    return str(v)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("services")
    ap.add_argument("--year", action="append", help="year(s) to fit, e.g. 2019-20 (default: every year with the features)")
    ap.add_argument("--change", action="append", help="Y0:Y1, e.g. 2018-19:2019-20 (default: consecutive years)")
    ap.add_argument("--outcome", action="append", choices=OUTCOMES, help="default: all three")
    ap.add_argument("--features", help="comma-separated feature names (default depends on the table)")
    ap.add_argument("--strategy")
    ap.add_argument("--csv", help="write the results here")
    ap.add_argument("--markdown", action="store_true", help="print markdown tables (docs/validation.md)")
    a = ap.parse_args(argv)
    with open(a.services, newline="", encoding="utf-8") as f:
        head = next(csv.reader(f))
    published = "ccg_code" in head
    table = PUB_FEATURES if published else SIM_FEATURES
    features = a.features.split(",") if a.features else (PUB_DEFAULT if published else SIM_DEFAULT)
    for f in features:
        if f not in table:
            raise SystemExit("service_regression: unknown feature %s (known: %s)" % (f, ", ".join(table)))
    expected = {f: (table[f][2] if published else table[f][0]) for f in features}
    outcomes = a.outcome or list(OUTCOMES)
    out_rows = []
    lines = []
    for outcome in outcomes:
        kind, rows = load(a.services, features, outcome, a.strategy)
        years = sorted({r["year"] for r in rows})
        fit_years = a.year or [y for y in years if len(usable([r for r in rows if r["year"] == y], features)) > len(features) + 2]
        for y in fit_years:
            ur = usable([r for r in rows if r["year"] == y], features)
            if len(ur) <= len(features) + 2:
                raise SystemExit("service_regression: %s: %d usable services in %s, too few" % (a.services, len(ur), y))
            res = fit_year(ur, features, expected)
            for t in res["terms"]:
                out_rows.append(dict(source=kind, year=y, outcome=outcome, model="binomial_glm_quasi_se", **{k: t[k] for k in FIELDS if k in t}))
                out_rows.append(dict(source=kind, year=y, outcome=outcome, model="beta_regression", term=t["term"],
                                     estimate=t["beta_estimate"], se=t["beta_se"], x_min=t["x_min"], x_max=t["x_max"],
                                     or_low_high=t["beta_or_low_high"], expected_sign=t["expected_sign"],
                                     agrees=int((t["beta_estimate"] > 0) == (t["expected_sign"] > 0))))
            for stat in ("r2_mcfadden", "r2_deviance", "r2_beta_pseudo", "dispersion", "n", "beta_converged"):
                out_rows.append(dict(source=kind, year=y, outcome=outcome, model="fit", term=stat, estimate=float(res[stat])))
            lines.append(format_year(kind, y, outcome, res, a.markdown))
        pairs = [tuple(c.split(":")) for c in a.change] if a.change else list(zip(fit_years, fit_years[1:]))
        for y0, y1 in pairs:
            ch = fit_change(rows, features, y0, y1)
            if ch is None:
                continue
            for t in ch["terms"]:
                out_rows.append(dict(source=kind, year=y0 + ":" + y1, outcome=outcome, model="change_ols", **t))
            for stat in ("r2", "r2_adj", "n"):
                out_rows.append(dict(source=kind, year=y0 + ":" + y1, outcome=outcome, model="change_ols", term=stat,
                                     estimate=float(ch[stat])))
            lines.append(format_change(y0, y1, outcome, ch, a.markdown))
    print("\n".join(lines))
    if a.csv:
        with open(a.csv, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, FIELDS, lineterminator="\n")
            w.writeheader()
            for r in out_rows:
                w.writerow({k: g(r.get(k, "")) for k in FIELDS})
    return 0


def format_year(kind, y, outcome, res, md):
    label = {"recovery": "recovery", "reliable_recovery": "reliable recovery", "reliable_improvement": "reliable improvement"}[outcome]
    head = "%s services, %s, %s: %d services with >= %d finished courses" % (kind, y, label, res["n"], MIN_FINISHED)
    out = []
    if md:
        out.append("**%s**\n" % head)
        out.append("| feature | coefficient (per unit) | quasi-binomial SE | p | range | odds ratio, lowest to highest (95% CI) | expected sign | agrees | beta regression OR |")
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    else:
        out.append(head)
        out.append("%-26s %10s %9s %8s %17s %24s %4s %6s %8s" % ("feature", "coef", "SE", "p", "range", "OR low-high (95% CI)", "exp", "agrees", "beta OR"))
    for t in res["terms"]:
        rng = "%.3g to %.3g" % (t["x_min"], t["x_max"])
        orr = "%.3f (%.3f to %.3f)" % (t["or_low_high"], t["or_lo95"], t["or_hi95"])
        p = "<0.001" if t["p_value"] < 0.001 else "%.3f" % t["p_value"]
        sgn = "+" if t["expected_sign"] > 0 else "-"
        ag = "yes" if t["agrees"] else "no"
        if md:
            out.append("| %s | %.5f | %.5f | %s | %s | %s | %s | %s | %.3f |" % (t["term"], t["estimate"], t["se"], p, rng, orr, sgn, ag, t["beta_or_low_high"]))
        else:
            out.append("%-26s %10.5f %9.5f %8s %17s %24s %4s %6s %8.3f" % (t["term"], t["estimate"], t["se"], p, rng, orr, sgn, ag, t["beta_or_low_high"]))
    tail = ("R-squared: McFadden %.4f (patients' likelihood), deviance %.3f (between-service binomial deviance explained), "
            "beta pseudo %.3f (Ferrari-Cribari-Neto); Pearson dispersion %.2f%s") % (
                res["r2_mcfadden"], res["r2_deviance"], res["r2_beta_pseudo"], res["dispersion"],
                "" if res["beta_converged"] else "; the beta regression did not converge")
    out.append(("\n" if md else "") + tail + ("\n" if md else ""))
    return "\n".join(out)


def format_change(y0, y1, outcome, ch, md):
    label = {"recovery": "recovery", "reliable_recovery": "reliable recovery", "reliable_improvement": "reliable improvement"}[outcome]
    terms = ", ".join("%s %+.3f (SE %.3f)" % (t["term"], t["estimate"], t["se"]) for t in ch["terms"])
    s = ("Change %s to %s in %s (points) on the change in features, %d services: R-squared %.3f (adjusted %.3f); %s"
         % (y0, y1, label, ch["n"], ch["r2"], ch["r2_adj"], terms))
    return s + ("\n" if md else "")


if __name__ == "__main__":
    sys.exit(main())
