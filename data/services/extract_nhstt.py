#!/usr/bin/env python3
"""Extract the rows data/services/build_services.py needs from the nhstt tidy copy of the
NHS Talking Therapies annual report measures (bennettoxford/nhstt, data-raw/measures_annual),
so that the repository stands alone: org_totals.csv.gz is 0.2 MB but org_by_group.csv.gz is
9 MB, of which the services table uses only the CCG rows of six breakdowns and two measures.

Usage: extract_nhstt.py NHSTT_DIR [OUT]   (OUT defaults to data/services/nhstt_ccg.csv.gz)
NHSTT_DIR holds org_totals.csv.gz and org_by_group.csv.gz in the long format
year,org_type,org_code,org_name,variable_type,variable_a,variable_b,measure,statistic,value.
The output keeps that format and the input's row order; gzip with mtime 0, so reruns are
byte-identical. Python 3 standard library only."""
import csv
import gzip
import io
import os
import sys

CCG_YEARS = {"2017-18", "2018-19", "2019-20", "2020-21", "2021-22"}
# Totals: CCGs (the services), NHS commissioning regions and ICBs (the published
# between-organisation statistics, data/services_published_stats.csv).
TOTAL_ORG_TYPES = {"CCG", "Commissioning Region", "ICB"}
BREAKDOWNS = {"Age Group", "Indices of Deprivation Decile", "Long Term Condition Status",
              "Problem Descriptor", "Stepped Care Pathway", "Waiting Time"}
GROUP_MEASURES = {"referrals_received", "finished_course_treatment"}
# Problem descriptor: the not-stated row and the top-level groups only (case mix and recording).
PD_KEEP = {("Not stated/Not known/Invalid", "NULL"), ("Depression", "NULL"),
           ("Anxiety and stress related disorders", "Total")}
# Waiting time: the bands build_services.py reads (Mean wait and "No second treatment
# appointment" are NULL in every CCG row, so they are left out).
WAIT_KEEP = {"<6 weeks", "<18 weeks", ">90 days"}


def keep_group(r):
    if r["org_type"] != "CCG" or r["year"] not in CCG_YEARS:
        return False
    if r["variable_type"] not in BREAKDOWNS or r["measure"] not in GROUP_MEASURES:
        return False
    if r["statistic"] != "count":
        return False
    if r["variable_type"] == "Problem Descriptor":
        return (r["variable_a"], r["variable_b"]) in PD_KEEP
    if r["variable_type"] == "Waiting Time":
        return r["variable_b"] in WAIT_KEEP
    return True


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    src = argv[1]
    out = argv[2] if len(argv) == 3 else os.path.join("data", "services", "nhstt_ccg.csv.gz")
    buf = io.StringIO(newline="")
    w = None
    n = 0
    for name, keep in (("org_totals.csv.gz", lambda r: r["org_type"] in TOTAL_ORG_TYPES),
                       ("org_by_group.csv.gz", keep_group)):
        with gzip.open(os.path.join(src, name), "rt", encoding="utf-8", newline="") as f:
            rd = csv.DictReader(f)
            if w is None:
                w = csv.DictWriter(buf, fieldnames=rd.fieldnames, lineterminator="\n")
                w.writeheader()
            for r in rd:
                if keep(r):
                    w.writerow(r)
                    n += 1
    data = buf.getvalue().encode("utf-8")
    tmp = out + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as g:
            g.write(data)
    os.replace(tmp, out)
    sys.stderr.write("%s: %d rows\n" % (out, n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
