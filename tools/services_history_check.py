#!/usr/bin/env python3
"""Between-organisation spread of service recovery, year by year, on the published
organisations of each year: services (a simulated results/services.csv in the services
contract's format, docs/output.md, or the published data/services.csv itself) are pooled into
the organisation that published that year's row for them, recovery is recomputed from the
pooled counts, organisations with at least 100 finished courses are kept, percentages are
rounded to whole numbers as the published rows are, and the SD, 10th/50th/90th percentiles and
the count at or above 50% are set beside data/services_published_stats.csv.

    tools/services_history_check.py SERVICES.csv [--data DATA_DIR] [--strategy S] [--csv OUT.csv]
                                    [--check]   (exit 1 when an SD is more than 1 point off)

Pooling (data/services.md, "Mapping each year onto the 2019-20 CCGs"): each 2019-20 CCG's
published organisation that year is its `source_orgs` in data/services.csv (from
data/ccg_lookup.csv). From 2020-21 the CCGs merged into larger bodies: members are summed into
their body, so 2020-21 and 2021-22 have 139 and 109 organisations as published (less hubs and
UNKNOWN). In 2017-18 and 2018-19 ten 2019-20 CCGs were still several CCGs; a service cannot be
split into its predecessors, so those years are on the 2019-20 geography (191 organisations
against 207 and 195 published), which leaves out a little of the published spread.
Comparator: the published rows without commissioning hubs and UNKNOWN (`ccgs`), since no
service is a hub; 2021-22 also without the 92G resubmission (`ccgs_excl_resubmission`, 16%
recovery from a one-off resubmission of dormant cases). Stdlib only.
"""
import argparse
import csv
import math
import os
import sys
from decimal import ROUND_HALF_UP, Decimal

MIN_FINISHED = 100
YEARS = ("2017-18", "2018-19", "2019-20", "2020-21", "2021-22")
SD_TOLERANCE = 1.0


def fnum(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return float("nan")


def round_half_up(x):
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quantile(xs, q):
    """R's type 7: linear interpolation between order statistics."""
    xs = sorted(xs)
    h = (len(xs) - 1) * q
    lo = math.floor(h)
    return xs[lo] + (h - lo) * (xs[min(lo + 1, len(xs) - 1)] - xs[lo])


def stats(pcts):
    n = len(pcts)
    mean = sum(pcts) / n
    sd = math.sqrt(sum((p - mean) ** 2 for p in pcts) / (n - 1)) if n > 1 else float("nan")
    return {"n_orgs": n, "mean": mean, "sd": sd, "p10": quantile(pcts, 0.1), "p50": quantile(pcts, 0.5),
            "p90": quantile(pcts, 0.9), "n_ge_50": sum(1 for p in pcts if p >= 50)}


def org_map(data_dir):
    """(year, 2019-20 CCG) -> (published organisation key, flag), from data/services.csv."""
    m = {}
    with open(os.path.join(data_dir, "services.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            m[(r["year"], r["ccg_code"])] = (r["source_orgs"], r["flag"])
    return m


def load_services(path, strategy):
    """Services as (year, code, finished, at caseness, recovered, flag)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit("services_history_check: %s: no rows" % path)
    head = rows[0].keys()
    out = []
    if "ccg_code" in head and "recovered" in head:  # the published table
        for r in rows:
            fin, nac, rec = fnum(r["finished_course"]), fnum(r["not_at_caseness"]), fnum(r["recovered"])
            out.append((r["year"], r["ccg_code"], fin, fin - nac, rec, r["flag"]))
    elif "service_code" in head and "finished_at_caseness" in head:
        if "strategy" in head:
            names = sorted({r["strategy"] for r in rows})
            if strategy is None and len(names) > 1:
                raise SystemExit("services_history_check: %s has strategies %s: choose one with --strategy" % (path, ", ".join(names)))
            rows = [r for r in rows if r["strategy"] == (strategy or names[0])]
        for r in rows:
            cas = fnum(r["finished_at_caseness"])
            out.append((r["year"], r["service_code"], fnum(r["finished_course"]), cas, fnum(r["recovery_pct"]) / 100 * cas, ""))
    else:
        raise SystemExit("services_history_check: %s: neither data/services.csv's columns nor results/services.csv's "
                         "(docs/output.md)" % path)
    return out


def pool(services, omap, exclude_flagged):
    """year -> {organisation: [finished, caseness, recovered]}; a service with a count missing
    makes its organisation's percentage unknown (as a suppressed published count would)."""
    orgs = {}
    unmapped = set()
    years = {y for (y, _c) in omap}
    for year, code, fin, cas, rec, flag in services:
        if year not in years:
            continue  # a year with no published CCG rows (a run of 2012-13 to 2024-25)
        key = omap.get((year, code))
        if key is None:
            unmapped.add((year, code))
            continue
        org, mflag = key
        if exclude_flagged and (flag or mflag):
            continue
        acc = orgs.setdefault(year, {}).setdefault(org, [0.0, 0.0, 0.0])
        acc[0] += fin
        acc[1] += cas
        acc[2] += rec
    return orgs, unmapped


def published(data_dir):
    out = {}
    with open(os.path.join(data_dir, "services_published_stats.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["level"] == "CCG" and r["measure"] == "recovery_pct":
                out[(r["year"], r["population"])] = {k: fnum(r[k]) for k in ("n_orgs", "mean", "sd", "p10", "p50", "p90", "n_ge_50")}
    return out


def check_rows(services, data_dir):
    omap = org_map(data_dir)
    pub = published(data_dir)
    rows = []
    for exclude, population in ((False, "ccgs"), (True, "ccgs_excl_resubmission")):
        orgs, unmapped = pool(services, omap, exclude)
        if unmapped:
            raise SystemExit("services_history_check: %d services are not 2019-20 CCGs of data/services.csv (e.g. %s %s)"
                             % (len(unmapped), *sorted(unmapped)[0]))
        for year in YEARS:
            if year not in orgs or (exclude and year != "2021-22"):
                continue
            pcts = [round_half_up(100 * rec / cas) for fin, cas, rec in orgs[year].values()
                    if fin >= MIN_FINISHED and cas > 0 and math.isfinite(rec)]
            s = stats(pcts)
            p = pub.get((year, population), {})
            # the issue's figures count hubs and UNKNOWN too (data/services.md): beside, for reference
            issue = pub.get((year, "all_rows" + population[4:]), {})
            rows.append({"year": year, "population": population, "orgs_pooled": len(orgs[year]), **s,
                         **{"published_" + k: p.get(k, float("nan")) for k in ("n_orgs", "sd", "p10", "p50", "p90", "n_ge_50")},
                         "published_sd_all_rows": issue.get("sd", float("nan"))})
    return rows


FIELDS = ["year", "population", "orgs_pooled", "n_orgs", "mean", "sd", "p10", "p50", "p90", "n_ge_50",
          "published_n_orgs", "published_sd", "published_p10", "published_p50", "published_p90", "published_n_ge_50",
          "published_sd_all_rows"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("services")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
    ap.add_argument("--strategy")
    ap.add_argument("--csv")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--check", action="store_true", help="exit 1 when a year's SD is more than 1 point from the published")
    a = ap.parse_args(argv)
    rows = check_rows(load_services(a.services, a.strategy), a.data)
    if a.markdown:
        print("| year | comparator | organisations pooled | with >= 100 finished (published) | SD | published SD (with hubs, UNKNOWN) | p10 | published | p50 | published | p90 | published | >= 50% | published |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        fmt = "| {year} | {population} | {orgs_pooled} | {n_orgs} ({published_n_orgs:.0f}) | {sd:.2f} | {published_sd:.2f} ({published_sd_all_rows:.2f}) | {p10:.1f} | {published_p10:.1f} | {p50:.1f} | {published_p50:.1f} | {p90:.1f} | {published_p90:.1f} | {n_ge_50} | {published_n_ge_50:.0f} |"
    else:
        print("%-8s %-23s %6s %6s %4s %7s %7s %7s %6s %6s %6s %6s %6s %6s %5s %5s" % (
            "year", "comparator", "pooled", "n>=100", "pub", "SD", "pub SD", "(all)", "p10", "pub", "p50", "pub", "p90", "pub", ">=50", "pub"))
        fmt = ("{year:8s} {population:23s} {orgs_pooled:6d} {n_orgs:6d} {published_n_orgs:4.0f} {sd:7.2f} {published_sd:7.2f} {published_sd_all_rows:7.2f} "
               "{p10:6.1f} {published_p10:6.1f} {p50:6.1f} {published_p50:6.1f} {p90:6.1f} {published_p90:6.1f} {n_ge_50:5d} {published_n_ge_50:5.0f}")
    bad = 0
    for r in rows:
        print(fmt.format(**r))
        bad += abs(r["sd"] - r["published_sd"]) > SD_TOLERANCE
    if a.csv:
        with open(a.csv, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, FIELDS, lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("%.4g" % v if isinstance(v, float) else v) for k, v in r.items()})
    if a.check and bad:
        print("services_history_check: %d year(s) with the SD more than %.0f point from the published" % (bad, SD_TOLERANCE))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
