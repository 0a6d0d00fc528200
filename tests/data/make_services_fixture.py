#!/usr/bin/env python3
"""tests/data/services_fixture.csv: a results/services.csv in the services contract's format
(docs/output.md) built from the published data/services.csv, for the report and the services
tools' tests until a run writes one. One replicate, so each interval is its mean.

Published per CCG and year (data/services.md): referrals, finished courses, at caseness,
recovery, reliable recovery, reliable improvement, problem descriptor recorded, step-up, the
share first treated within 6 weeks, LTC share, mean IMD decile. Not published by CCG, so made
up here deterministically (a test fixture, not data): entered treatment (referrals x 0.6 x the
CCG's finished-per-referral relative to its year's median), mean sessions (7.0 + a fixed
pseudo-random spread of +-1.5), missed appointments (11% +-4), mean wait (from the within-6-
weeks share: 12 x (1 - share) + 1.5 weeks). Rerun: python3 tests/data/make_services_fixture.py
"""
import csv
import hashlib
import os

here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(here, "..", "..", "data", "services.csv")
MEASURES = ["referrals_received", "entered_treatment", "finished_course", "finished_at_caseness", "recovery_pct",
            "reliable_recovery_pct", "reliable_improvement_pct", "mean_sessions_finished", "dna_pct", "pd_recorded_pct",
            "step_up_pct", "entered_treatment_pct", "first_treatment_within_6wk_pct", "mean_wait_weeks", "ltc_pct",
            "imd_mean_decile"]
HEAD = ["year", "service_code", "service_name", "icb_code", "icb_name", "region_code", "region"] + [m + s for m in MEASURES for s in ("", "_lo95", "_hi95")]


def u(key):
    """A fixed number in [-1, 1) from a key (no random state: reruns are byte-identical)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 2 ** 31 - 1


def f(x, d):
    return "NA" if x is None else ("%.*f" % (d, x))


rows = list(csv.DictReader(open(src, newline="", encoding="utf-8")))
med = {}
for y in {r["year"] for r in rows}:
    v = sorted(float(r["finished_per_referral"]) for r in rows if r["year"] == y)
    med[y] = v[len(v) // 2]
out = []
for r in rows:
    ref, fin = float(r["referrals_received"]), float(r["finished_course"])
    nac = float(r["not_at_caseness"]) if r["not_at_caseness"] else None
    cas = fin - nac if nac is not None else None
    key = r["year"] + r["ccg_code"]
    entered = ref * 0.6 * min(1.6, float(r["finished_per_referral"]) / med[r["year"]])
    w6 = float(r["wait_6w_share"]) if r["wait_6w_share"] else None
    v = {
        "referrals_received": f(ref, 0), "entered_treatment": f(entered, 0), "finished_course": f(fin, 0),
        "finished_at_caseness": f(cas, 0),
        "recovery_pct": f(100 * float(r["recovered"]) / cas if cas else None, 2),
        "reliable_recovery_pct": f(100 * float(r["reliably_recovered"]) / cas if cas else None, 2),
        "reliable_improvement_pct": f(100 * float(r["reliably_improved"]) / fin, 2),
        "mean_sessions_finished": f(7.0 + 1.5 * u(key + "s"), 2), "dna_pct": f(11 + 4 * u(key + "d"), 2),
        "pd_recorded_pct": f(100 * float(r["pd_recorded_finished_share"]) if r["pd_recorded_finished_share"] else None, 2),
        "step_up_pct": f(100 * float(r["step_up_share"]) if r["step_up_share"] else None, 2),
        "entered_treatment_pct": f(100 * entered / ref, 2),
        "first_treatment_within_6wk_pct": f(100 * w6 if w6 is not None else None, 2),
        "mean_wait_weeks": f(12 * (1 - w6) + 1.5 if w6 is not None else None, 2),
        "ltc_pct": f(100 * float(r["ltc_share"]) if r["ltc_share"] else None, 2),
        "imd_mean_decile": f(float(r["imd_mean_decile"]) if r["imd_mean_decile"] else None, 2),
    }
    o = {"year": r["year"], "service_code": r["ccg_code"], "service_name": r["ccg_name"], "icb_code": r["icb_code"],
         "icb_name": r["icb_name"], "region_code": r["region_code"], "region": r["region"]}
    for m in MEASURES:
        o[m] = o[m + "_lo95"] = o[m + "_hi95"] = v[m]
    out.append(o)
with open(os.path.join(here, "services_fixture.csv"), "w", newline="", encoding="utf-8") as fh:
    w = csv.DictWriter(fh, HEAD, lineterminator="\n")
    w.writeheader()
    w.writerows(out)
