#!/usr/bin/env python3
"""Build the default services table and the published between-organisation statistics.

Usage: build_services.py [REPO_ROOT [OUT_DIR]]
  REPO_ROOT defaults to the folder two levels above this script; OUT_DIR to REPO_ROOT/data.
Reads  data/services/nhstt_ccg.csv.gz  (extract_nhstt.py's output: NHS TT annual report rows)
       data/ccg_lookup.csv             (CCG codes 2017-18 to 2021-22 -> April 2019 CCG, STP, ICB, region)
       data/stp_icb_region_lookup.csv  (ICB codes -> ICB names, its org_type ICB rows)
Writes services.csv, services_published_stats.csv and services_orgs_published.csv in OUT_DIR.
Every column and rule is documented in data/services.md. Python 3 standard library only;
the output depends only on the inputs (no clock, no locale), so reruns are byte-identical."""
import csv
import gzip
import math
import os
import sys
from collections import defaultdict

YEARS = ["2017-18", "2018-19", "2019-20", "2020-21", "2021-22"]
BASE_YEAR = "2019-20"
LOOKUP_YEAR_COL = {y: "in_" + y.replace("-", "_") for y in YEARS}
# The 2021-22 one-off: one provider resubmitted dormant cases (data/services.md); the ICB row
# of the same area in 2022-23 (32% recovery, 7,010 finished courses) looks affected too.
RESUBMISSION = {("2021-22", "92G"), ("2022-23", "QOX")}
HUBS_AND_UNKNOWN = {"13Q", "13R", "14A", "14E", "14R", "UNKNOWN"}

# Counts from the Total rows: output column -> published measure.
TOTAL_COUNTS = [
    ("referrals_received", "referrals_received"),
    ("finished_course", "finished_course_treatment"),
    ("not_at_caseness", "not_at_caseness"),
    ("recovered", "recovery"),
    ("reliably_recovered", "reliable_recovery"),
    ("reliably_improved", "improvement"),
    ("deteriorated", "deterioration"),
]
# Percentages as published: column -> (measure, numerator column, denominator).
PCTS = [
    ("recovery_pct", "recovery", "recovered", "at_caseness"),
    ("reliable_recovery_pct", "reliable_recovery", "reliably_recovered", "at_caseness"),
    ("reliable_improvement_pct", "improvement", "reliably_improved", "finished"),
    ("deterioration_pct", "deterioration", "deteriorated", "finished"),
]
REF_COUNTS = {"referrals_received"}  # apportioned by referral share; the rest by finished share


def num(v):
    """A published value as a number, or None when empty, suppressed ('*') or NULL."""
    if v is None:
        return None
    v = v.strip()
    if v in ("", "*", "NULL", "NA"):
        return None
    try:
        return float(v)
    except ValueError:
        return None


def fmt_int(x):
    return "" if x is None else "%d" % int(math.floor(x + 0.5))


def fmt(x, nd):
    if x is None:
        return ""
    s = "%.*f" % (nd, x)
    return "0" if s.lstrip("-").strip("0.") == "" else s


def round_half_up(x):
    return int(math.floor(x + 0.5))


def load(path):
    """totals[(year, org_type, code)] = {(measure, statistic): value};
    groups[(year, code)][(variable_type, variable_a, variable_b, measure)] = value or None."""
    totals = defaultdict(dict)
    names = {}
    groups = defaultdict(dict)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            key = (r["year"], r["org_type"], r["org_code"])
            if r["variable_type"] == "Total":
                totals[key][(r["measure"], r["statistic"])] = r["value"]
                names[key] = r["org_name"]
            else:
                gk = (r["variable_type"], r["variable_a"], r["variable_b"], r["measure"])
                groups[(r["year"], r["org_code"])][gk] = r["value"]
    return totals, names, groups


def org_counts(totals, year, code):
    t = totals.get((year, "CCG", code))
    if t is None:
        return None
    c = {col: num(t.get((m, "count"))) for col, m in TOTAL_COUNTS}
    return c


# ---- shares from the breakdowns (one organisation-year's published group rows) ----

def gsum(g, vt, measure, pred):
    """Sum of the published counts of the rows of breakdown vt that pred accepts; suppressed
    cells count 0 (they are below the publication threshold); None if no row is published."""
    tot = 0.0
    seen = False
    for (t, a, b, m), v in g.items():
        if t != vt or m != measure or not pred(a, b):
            continue
        x = num(v)
        if v is not None and v.strip() == "*":
            seen = True
        if x is not None:
            tot += x
            seen = True
    return tot if seen else None


def ratio(n, d):
    if n is None or d is None or d <= 0:
        return None
    return min(1.0, n / d)


def group_features(g, referrals, finished):
    """The breakdown shares of one published organisation-year (data/services.md, columns)."""
    f = {}
    ns = "Not stated/Not known/Invalid"
    # Waits: finished courses by wait from referral to first treatment, and first to second.
    ft = "First treatment"
    f["wait_6w_share"] = ratio(gsum(g, "Waiting Time", "finished_course_treatment",
                                    lambda a, b: a == ft and b == "<6 weeks"), finished)
    f["wait_18w_share"] = ratio(gsum(g, "Waiting Time", "finished_course_treatment",
                                     lambda a, b: a == ft and b == "<18 weeks"), finished)
    sec = lambda a: a.lower() == "first to second treatment"
    f["wait2_18w_share"] = ratio(gsum(g, "Waiting Time", "finished_course_treatment",
                                      lambda a, b: sec(a) and b == "<18 weeks"), finished)
    f["wait2_over90d_share"] = ratio(gsum(g, "Waiting Time", "finished_course_treatment",
                                          lambda a, b: sec(a) and b == ">90 days"), finished)
    # Pathway: finished courses by step.
    fc = "finished_course_treatment"
    li = gsum(g, "Stepped Care Pathway", fc, lambda a, b: a.startswith("Received only L")
              or a == "Received only low intensity therapy")
    hi = gsum(g, "Stepped Care Pathway", fc, lambda a, b: a.startswith("Received only H")
              or a == "Received only high intensity therapy")
    both = gsum(g, "Stepped Care Pathway", fc, lambda a, b: a.startswith("Received both"))
    pns = gsum(g, "Stepped Care Pathway", fc, lambda a, b: a == ns)
    stated = None if None in (li, hi, both) else li + hi + both
    f["pathway_stated_share"] = ratio(stated, None if stated is None else stated + (pns or 0.0))
    f["li_only_share"] = ratio(li, stated)
    f["li_then_hi_share"] = ratio(both, stated)
    f["hi_only_share"] = ratio(hi, stated)
    f["step_up_share"] = ratio(both, None if None in (li, both) else li + both)
    # IMD of residence, referrals. Deciles numbered as NHS Talking Therapies number them
    # ("01 Least deprived" .. "10 Most deprived") and as the model's imd_decile groups do:
    # 1 least deprived, 10 most deprived.
    rr = "referrals_received"
    dec = {}
    for k in range(1, 11):
        dec[k] = gsum(g, "Indices of Deprivation Decile", rr,
                      lambda a, b, s=k: a[:2] == "%02d" % s)
    dns = gsum(g, "Indices of Deprivation Decile", rr, lambda a, b: a == ns)
    known = None if any(v is None for v in dec.values()) else sum(dec.values())
    f["imd_stated_share"] = ratio(known, None if known is None else known + (dns or 0.0))
    for k in range(1, 11):
        f["imd%d_share" % k] = ratio(dec[k], known)
    f["imd_mean_decile"] = (None if not known else
                            sum(k * dec[k] for k in range(1, 11)) / known)
    f["imd_most_deprived_20_share"] = ratio(None if known is None else dec[9] + dec[10], known)
    f["imd_least_deprived_20_share"] = ratio(None if known is None else dec[1] + dec[2], known)
    # Long-term condition, referrals.
    ltc = gsum(g, "Long Term Condition Status", rr, lambda a, b: a == "Long term condition")
    noltc = gsum(g, "Long Term Condition Status", rr, lambda a, b: a == "No long term condition")
    lns = gsum(g, "Long Term Condition Status", rr, lambda a, b: a == ns)
    lst = None if None in (ltc, noltc) else ltc + noltc
    f["ltc_stated_share"] = ratio(lst, None if lst is None else lst + (lns or 0.0))
    f["ltc_share"] = ratio(ltc, lst)
    # Problem descriptor (2017-18 to 2019-20 only).
    pd = "Problem Descriptor"
    pref = gsum(g, pd, rr, lambda a, b: a == ns)
    pfin = gsum(g, pd, fc, lambda a, b: a == ns)
    f["pd_recorded_referral_share"] = (None if pref is None or not referrals
                                       else max(0.0, 1.0 - pref / referrals))
    f["pd_recorded_finished_share"] = (None if pfin is None or not finished
                                       else max(0.0, 1.0 - pfin / finished))
    dep = gsum(g, pd, fc, lambda a, b: a == "Depression")
    anx = gsum(g, pd, fc, lambda a, b: a == "Anxiety and stress related disorders" and b == "Total")
    recf = None if pfin is None or not finished else finished - pfin
    f["depression_share"] = ratio(dep, recf)
    f["anxiety_share"] = ratio(anx, recf)
    # Age, referrals (bands changed in 2021-22; under 18 and 65+ exist in both schemes).
    ages = {a for (t, a, b, m) in g if t == "Age Group"}
    atot = gsum(g, "Age Group", rr, lambda a, b: True)
    u18 = gsum(g, "Age Group", rr, lambda a, b: a in ("Under 16", "16 to 17", "Under 18"))
    o65 = gsum(g, "Age Group", rr, lambda a, b: a in ("65 and over", "65 to 74", "75 to 89",
                                                      "90 and over"))
    f["age_under18_share"] = ratio(u18, atot) if ages else None
    f["age65_share"] = ratio(o65, atot) if ages else None
    return f


FEATURES = (["wait_6w_share", "wait_18w_share", "wait2_18w_share", "wait2_over90d_share",
             "pathway_stated_share", "li_only_share", "li_then_hi_share", "hi_only_share",
             "step_up_share", "imd_stated_share", "imd_mean_decile",
             "imd_most_deprived_20_share", "imd_least_deprived_20_share"]
            + ["imd%d_share" % k for k in range(1, 11)]
            + ["ltc_stated_share", "ltc_share", "pd_recorded_referral_share",
               "pd_recorded_finished_share", "depression_share", "anxiety_share",
               "age_under18_share", "age65_share"])

COLUMNS = (["year", "ccg_code", "ccg_name", "stp_code", "stp_name", "icb_code", "icb_name",
            "region_code",
            "region", "mapping", "source_orgs", "flag", "weight_referrals", "weight_finished"]
           + [c for c, _ in TOTAL_COUNTS]
           + [c for c, _, _, _ in PCTS] + ["finished_per_referral"] + FEATURES)


def sum_counts(parts):
    out = {}
    for col, _ in TOTAL_COUNTS:
        vals = [p[col] for p in parts]
        out[col] = None if any(v is None for v in vals) else sum(vals)
    return out


def pct_from_counts(c):
    out = {}
    fin, nac = c["finished_course"], c["not_at_caseness"]
    atc = None if fin is None or nac is None else fin - nac
    for col, _, numcol, den in PCTS:
        d = atc if den == "at_caseness" else fin
        n = c[numcol]
        out[col] = None if n is None or not d else round_half_up(100.0 * n / d)
    return out


def build_services(totals, names, groups, lookup, icb_names):
    ccg19 = sorted(r["ccg_code"] for r in lookup.values()
                   if r["ccg19_code"] == r["ccg_code"] and r["ccg_code"])
    present = {y: {k[2] for k in totals if k[0] == y and k[1] == "CCG"} for y in YEARS}
    for c in ccg19:
        if c not in present[BASE_YEAR]:
            raise SystemExit("build_services: 2019-20 CCG %s has no 2019-20 row" % c)
    base = {c: org_counts(totals, BASE_YEAR, c) for c in ccg19}

    def year_org(y, c):
        """The organisation whose year-y row covers 2019-20 CCG c, and how."""
        if c in present[y]:
            return [c], "published"
        if YEARS.index(y) < YEARS.index(BASE_YEAR):
            preds = sorted(r["ccg_code"] for r in lookup.values()
                           if r["ccg19_code"] == c and r["ccg_code"] in present[y])
            if not preds:
                raise SystemExit("build_services: no %s organisation for %s" % (y, c))
            return preds, "aggregated"
        c21 = lookup[c]["ccg21_code"]
        if y == "2021-22":
            cands = [c21] if c21 in present[y] else []
        else:
            cands = sorted(r["ccg_code"] for r in lookup.values()
                           if r["ccg21_code"] == c21 and not r["ccg19_code"]
                           and r["ccg_code"] in present[y])
        if len(cands) != 1:
            raise SystemExit("build_services: %s organisation for %s not unique: %s" % (y, c, cands))
        return cands, "apportioned"

    rows = []
    for y in YEARS:
        cover = {c: year_org(y, c) for c in ccg19}
        members = defaultdict(list)
        for c, (orgs, how) in cover.items():
            if how == "apportioned":
                members[orgs[0]].append(c)
        for c in ccg19:
            orgs, how = cover[c]
            lk = lookup[c]
            row = {"year": y, "ccg_code": c, "ccg_name": lk["ccg_name"],
                   "stp_code": lk["stp19_code"], "stp_name": lk["stp19_name"],
                   "icb_code": lk["stp21_ods_code"], "icb_name": icb_names[lk["stp21_ods_code"]],
                   "region_code": lk["region19_code"],
                   "region": lk["region19_name"], "mapping": how,
                   "source_orgs": ";".join(orgs),
                   "flag": ("resubmission" if any((y, o) in RESUBMISSION for o in orgs)
                            else "")}
            parts = [org_counts(totals, y, o) for o in orgs]
            wr = wf = None
            if how == "apportioned":
                mem = members[orgs[0]]
                sr = [base[m]["referrals_received"] for m in mem]
                sf = [base[m]["finished_course"] for m in mem]
                if any(v is None for v in sr + sf) or not sum(sr) or not sum(sf):
                    raise SystemExit("build_services: no 2019-20 weights for %s" % orgs[0])
                wr = base[c]["referrals_received"] / sum(sr)
                wf = base[c]["finished_course"] / sum(sf)
                counts = {col: (None if parts[0][col] is None else
                                parts[0][col] * (wr if col in REF_COUNTS else wf))
                          for col, _ in TOTAL_COUNTS}
            else:
                counts = sum_counts(parts)
            row["weight_referrals"] = wr
            row["weight_finished"] = wf
            row.update(counts)
            if how == "aggregated" and len(orgs) > 1:
                row.update(pct_from_counts(counts))
            else:
                t = totals[(y, "CCG", orgs[0])]
                for col, m, _, _ in PCTS:
                    v = num(t.get((m, "percentage")))
                    row[col] = None if v is None else round_half_up(v)
            # Features: from the one published organisation, or from the predecessors'
            # breakdowns summed (aggregated), or the merged body's (apportioned: repeated).
            g = {}
            for o in orgs:
                for k, v in groups.get((y, o), {}).items():
                    if len(orgs) == 1:
                        g[k] = v
                    else:
                        a, b = num(g.get(k)), num(v)
                        g[k] = "%g" % ((a or 0.0) + (b or 0.0)) if (a is not None or
                                                                 b is not None) else v
            src_counts = sum_counts(parts)
            row.update(group_features(g, src_counts["referrals_received"],
                                      src_counts["finished_course"]))
            fr = src_counts["finished_course"]
            rf = src_counts["referrals_received"]
            row["finished_per_referral"] = None if fr is None or not rf else fr / rf
            rows.append(row)
    return rows


def write_services(rows, path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            out = []
            for col in COLUMNS:
                v = r.get(col)
                if isinstance(v, str):
                    out.append(v)
                elif col in [c for c, _ in TOTAL_COUNTS]:
                    out.append(fmt_int(v))
                elif col.endswith("_pct"):
                    out.append(fmt_int(v))
                elif col == "imd_mean_decile":
                    out.append(fmt(v, 2))
                else:
                    out.append(fmt(v, 4))
            w.writerow(out)


# ---- published between-organisation statistics ----

def quantile7(xs, p):
    """R's default (type 7): linear interpolation between order statistics."""
    xs = sorted(xs)
    h = (len(xs) - 1) * p
    lo = int(math.floor(h))
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def describe(vals):
    n = len(vals)
    mean = sum(vals) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (n - 1)) if n > 1 else None
    return {"n_orgs": n, "mean": mean, "sd": sd, "min": min(vals),
            "p10": quantile7(vals, 0.1), "p50": quantile7(vals, 0.5),
            "p90": quantile7(vals, 0.9), "max": max(vals),
            "n_ge_50": sum(1 for v in vals if v >= 50)}


STAT_COLUMNS = ["year", "level", "population", "measure", "n_orgs_published", "n_orgs",
                "mean", "sd", "min", "p10", "p50", "p90", "max", "n_ge_50"]
STAT_MEASURES = [("recovery_pct", "recovery"), ("reliable_recovery_pct", "reliable_recovery"),
                 ("reliable_improvement_pct", "improvement")]


def published_stats(totals):
    """One row per year, level, population and measure (data/services.md)."""
    out = []
    levels = [("CCG", YEARS), ("ICB", ["2022-23", "2023-24", "2024-25"]),
              ("Commissioning Region", ["2017-18", "2018-19", "2019-20", "2020-21", "2021-22",
                                        "2022-23", "2023-24", "2024-25"])]
    for level, years in levels:
        pops = (["all_rows", "all_rows_excl_resubmission", "ccgs", "ccgs_excl_resubmission"]
                if level == "CCG" else ["all_rows", "icbs", "icbs_excl_resubmission"]
                if level == "ICB" else ["regions"])
        for y in years:
            orgs = sorted(k[2] for k in totals if k[0] == y and k[1] == level)
            for pop in pops:
                sel = orgs
                if pop.startswith(("ccgs", "icbs")) or pop == "regions":
                    sel = [o for o in sel if o not in HUBS_AND_UNKNOWN]
                if pop.endswith("excl_resubmission"):
                    sel = [o for o in sel if (y, o) not in RESUBMISSION]
                for mcol, m in STAT_MEASURES:
                    vals = []
                    for o in sel:
                        t = totals[(y, level, o)]
                        fc = num(t.get(("finished_course_treatment", "count")))
                        v = num(t.get((m, "percentage")))
                        if fc is not None and fc >= 100 and v is not None:
                            vals.append(v)
                    d = describe(vals)
                    d.update({"year": y, "level": level, "population": pop, "measure": mcol,
                              "n_orgs_published": len(sel)})
                    out.append(d)
    return out


def write_stats(rows, path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(STAT_COLUMNS)
        for r in rows:
            w.writerow([r["year"], r["level"], r["population"], r["measure"],
                        r["n_orgs_published"], r["n_orgs"], fmt(r["mean"], 2), fmt(r["sd"], 2),
                        fmt(r["min"], 0), fmt(r["p10"], 1), fmt(r["p50"], 1), fmt(r["p90"], 1),
                        fmt(r["max"], 0), r["n_ge_50"]])


ORG_COLUMNS = ["level", "year", "code", "name", "referrals_received", "finished_course",
               "recovery_pct", "reliable_recovery_pct", "reliable_improvement_pct"]


def orgs_published(totals, names, services):
    """Regions and ICBs as published, and the 2019 regions re-aggregated from services.csv."""
    out = []
    for level in ("Commissioning Region", "ICB"):
        for key in sorted(k for k in totals if k[1] == level):
            t = totals[key]
            row = [level, key[0], key[2], names[key],
                   fmt_int(num(t.get(("referrals_received", "count")))),
                   fmt_int(num(t.get(("finished_course_treatment", "count"))))]
            for _, m in STAT_MEASURES:
                row.append(fmt_int(num(t.get((m, "percentage")))))
            out.append(row)
    # Each percentage over the services whose counts it needs are all published (a CCG
    # with a suppressed count leaves that percentage's numerator and denominator alike).
    need = {"recovery_pct": ("recovered", "finished_course", "not_at_caseness"),
            "reliable_recovery_pct": ("reliably_recovered", "finished_course", "not_at_caseness"),
            "reliable_improvement_pct": ("reliably_improved", "finished_course")}
    byreg = defaultdict(list)
    rname = {}
    for r in services:
        byreg[(r["year"], r["region_code"])].append(r)
        rname[r["region_code"]] = r["region"]
    for (y, rc) in sorted(byreg):
        rs = byreg[(y, rc)]
        row = ["region19_from_services", y, rc, rname[rc]]
        for col in ("referrals_received", "finished_course"):
            vals = [r[col] for r in rs if r[col] is not None]
            row.append(fmt_int(sum(vals)) if vals else "")
        for pc in ("recovery_pct", "reliable_recovery_pct", "reliable_improvement_pct"):
            ok = [r for r in rs if all(r[k] is not None for k in need[pc])]
            c = {col: sum(r[col] for r in ok) for col, _ in TOTAL_COUNTS
                 if all(r[col] is not None for r in ok)}
            for col, _ in TOTAL_COUNTS:
                c.setdefault(col, None)
            row.append(fmt_int(pct_from_counts(c)[pc]) if ok else "")
        out.append(row)
    return out


def load_icb_names(path, lookup):
    """ICB code -> name, from the lookup's ICB rows (the names of 2022-23 to 2024-25, as
    published); every services row's ICB must have one."""
    with open(path, encoding="utf-8", newline="") as f:
        names = {r["code"]: r["name"] for r in csv.DictReader(f) if r["org_type"] == "ICB"}
    missing = sorted({r["stp21_ods_code"] for r in lookup.values() if r["ccg19_code"] == r["ccg_code"]
                      and r["ccg_code"] and r["stp21_ods_code"] not in names})
    if missing:
        raise SystemExit("build_services: ICB %s has no ICB row in %s" % (", ".join(missing), path))
    return names


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "..")
    outdir = argv[2] if len(argv) > 2 else os.path.join(root, "data")
    totals, names, groups = load(os.path.join(root, "data", "services", "nhstt_ccg.csv.gz"))
    with open(os.path.join(root, "data", "ccg_lookup.csv"), encoding="utf-8", newline="") as f:
        lookup = {r["ccg_code"]: r for r in csv.DictReader(f)}
    icb_names = load_icb_names(os.path.join(root, "data", "stp_icb_region_lookup.csv"), lookup)
    rows = build_services(totals, names, groups, lookup, icb_names)
    write_services(rows, os.path.join(outdir, "services.csv"))
    write_stats(published_stats(totals), os.path.join(outdir, "services_published_stats.csv"))
    with open(os.path.join(outdir, "services_orgs_published.csv"), "w", encoding="utf-8",
              newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(ORG_COLUMNS)
        w.writerows(orgs_published(totals, names, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
