#!/usr/bin/env python3
"""Regenerate data/case_mix.csv from the NHS TT annual key measures (data/nhstt/).

Who is referred, by financial year: the share of referrals received in each value of each
attribute, from the England rows of england_by_group.csv.gz (measure referrals_received,
statistic count). "Not stated/Not known/Invalid" rows are left out and the rest renormalised
(docs/model.md, Who is referred). Usage: python3 data/make_case_mix.py [path to england_by_group.csv.gz, by default the copy in
data/nhstt/] > data/case_mix.csv
"""
import csv
import gzip
import os
import sys
from collections import defaultdict

SRC = "NHS England, Psychological Therapies annual report (key measures), {y}: referrals received, England"

AGE = {
    "Under 16": "under_16", "16 to 17": "16_17", "18 to 35": "18_35", "36 to 64": "36_64",
    "65 and over": "65_plus", "Under 18": "under_18", "18 to 25": "18_25", "26 to 64": "26_64",
    "65 to 74": "65_74", "75 to 89": "75_89", "90 and over": "90_plus",
}
GENDER = {"Female": "female", "Male": "male",
          "Indeterminate (unable to be classified as male or female)": "other"}
ETHNICITY = {"White": "white", "Mixed": "mixed", "Asian or Asian British": "asian",
             "Black or Black British": "black", "Other Ethnic Groups": "other"}
PROBLEM = {
    ("Depression", "NULL"): "depression",
    ("Anxiety and stress related disorders", "Generalized anxiety disorder"): "generalised_anxiety",
    ("Anxiety and stress related disorders", "Mixed anxiety and depressive disorder"): "mixed_anxiety_depression",
    ("Anxiety and stress related disorders", "Social phobias"): "social_anxiety",
    ("Anxiety and stress related disorders", "Post-traumatic stress disorder"): "ptsd",
    ("Anxiety and stress related disorders", "Panic disorder [episodic paroxysmal anxiety]"): "panic",
    ("Anxiety and stress related disorders", "Obsessive-compulsive disorder"): "ocd",
    ("Other Mental Health problems", "Hypochondriacal disorder"): "health_anxiety",
    ("Anxiety and stress related disorders", "Agoraphobia"): "agoraphobia",
    ("Anxiety and stress related disorders", "Specific (isolated) phobias"): "specific_phobia",
    ("Anxiety and stress related disorders", "Other anxiety or stress related disorder"): "other_anxiety",
    ("Other Mental Health problems", "Other"): "other",
    ("Other recorded problems", "NULL"): "other",
}
ORDER = {
    "age": ["under_16", "16_17", "18_25", "26_35", "36_64", "65_74", "75_89", "90_plus"],
    "gender": ["female", "male", "other"],
    "ethnicity": ["white", "mixed", "asian", "black", "other"],
    "imd_decile": [str(d) for d in range(1, 11)],
    "problem": ["depression", "generalised_anxiety", "mixed_anxiety_depression", "social_anxiety", "ptsd",
                "panic", "ocd", "health_anxiety", "agoraphobia", "specific_phobia", "other_anxiety", "other"],
    "ltc": ["yes", "no"],
}


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join("data", "nhstt", "england_by_group.csv.gz")
    n = defaultdict(lambda: defaultdict(float))  # (year, attribute) -> value -> count
    with gzip.open(path, "rt", newline="") as f:
        for r in csv.DictReader(f):
            if r["org_type"] != "England" or r["measure"] != "referrals_received" or r["statistic"] != "count":
                continue
            if r["value"] in ("", "NULL", "*"):
                continue
            y, t, a, b, v = r["year"], r["variable_type"], r["variable_a"], r["variable_b"], float(r["value"])
            if t == "Age Group" and a in AGE:
                n[y, "age_pub"][AGE[a]] += v
            elif t == "Gender" and a in GENDER:
                n[y, "gender"][GENDER[a]] += v
            elif t == "Ethnic Group" and b == "All" and a in ETHNICITY:
                n[y, "ethnicity"][ETHNICITY[a]] += v
            elif t == "Indices of Deprivation Decile" and a[:2].isdigit():
                n[y, "imd_decile"][str(int(a[:2]))] += v
            elif t == "Problem Descriptor" and (a, b) in PROBLEM:
                n[y, "problem"][PROBLEM[a, b]] += v
            elif t == "Long Term Condition Status" and a in ("Long term condition", "No long term condition"):
                n[y, "ltc"]["yes" if a == "Long term condition" else "no"] += v
    years = sorted({y for y, _ in n})
    rows = []
    # The two age schemes, bridged between 2020-21 (the last of the old bands) and 2021-22 (the
    # first of the new): 36-64 in 2021-22 is taken at its 2020-21 share of referrals, so that
    # 26-35 = 26-64 - 36-64 and 18-35 = 18-25 + 26-35 in 2021-22; 65+ splits as in 2021-22;
    # under 18 splits into under 16 and 16-17 as in 2020-21.
    old, new = n["2020-21", "age_pub"], n["2021-22", "age_pub"]
    old_t, new_t = sum(old.values()), sum(new.values())
    a3664 = old["36_64"] / old_t * new_t
    a2635 = new["26_64"] - a3664
    f1825 = new["18_25"] / (new["18_25"] + a2635)          # 18-25 within 18-35
    f2635 = a2635 / new["26_64"]                            # 26-35 within 26-64
    o65 = new["65_74"] + new["75_89"] + new["90_plus"]
    f65 = {k: new[k] / o65 for k in ("65_74", "75_89", "90_plus")}
    fu16 = old["under_16"] / (old["under_16"] + old["16_17"])
    for y in years:
        a = n[y, "age_pub"]
        if "18_35" in a:
            fine = {"under_16": a["under_16"], "16_17": a["16_17"], "18_25": a["18_35"] * f1825,
                    "26_35": a["18_35"] * (1 - f1825), "36_64": a["36_64"]}
            fine.update({k: a["65_plus"] * f for k, f in f65.items()})
            note = ("; 18-35 split into 18-25 and 26-35 (%.3f) and 65+ into 65-74, 75-89 and 90+ as bridged "
                    "with 2021-22 (docs/model.md)" % f1825)
        else:
            fine = {"under_16": a["under_18"] * fu16, "16_17": a["under_18"] * (1 - fu16), "18_25": a["18_25"],
                    "26_35": a["26_64"] * f2635, "36_64": a["26_64"] * (1 - f2635), "65_74": a["65_74"],
                    "75_89": a["75_89"], "90_plus": a["90_plus"]}
            note = ("; under 18 split into under 16 and 16-17 (%.3f) as in 2020-21 and 26-64 into 26-35 and "
                    "36-64 (%.3f) as bridged with 2020-21 (docs/model.md)" % (fu16, f2635))
        n[y, "age"] = fine
        for attr in ORDER:
            counts, src = n[y, attr], SRC.format(y=y)
            if attr == "age":
                src += note
            if attr == "ltc" and y >= "2020-21":
                # LTC status is mostly not stated from 2020-21 (dataset v2.0): carry 2019-20 on
                counts, src = n["2019-20", "ltc"], SRC.format(y="2019-20") + "; carried forward (LTC status mostly not stated from 2020-21)"
            elif not counts:
                # not published this year (problem descriptors end in 2019-20): the last year that was
                last = max(x for x in years if x < y and n[x, attr])
                counts, src = n[last, attr], SRC.format(y=last) + "; carried forward (not published for " + y + ")"
            if attr == "gender" and "other" not in counts:
                src += "; no indeterminate gender published this year"
            tot = sum(counts.values())
            shares = [round(counts.get(v, 0.0) / tot, 6) for v in ORDER[attr]]
            # the rounded shares add to 1 exactly: the largest takes the rounding
            k = shares.index(max(shares))
            shares[k] = round(shares[k] + 1 - sum(shares), 6)
            for v, s in zip(ORDER[attr], shares):
                rows.append((y, attr, v, "%.6f" % s, src))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(("year", "attribute", "value", "share", "source"))
    w.writerows(rows)


if __name__ == "__main__":
    main()
