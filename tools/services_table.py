#!/usr/bin/env python3
"""Write the built-in services table whole: data/services.csv joined with each service's
fitted residual and unpublished feature levels from data/services_residuals.csv
(response_multiplier, dna_z, sessions_z), the table a scenario's `services:` can name and
edit (docs/scenario.md). A plain copy of data/services.csv lacks those three columns and so
runs without the residuals. tools/services_access_calibrate.py writes its tables through
this module, with columns of its own added.

Usage: tools/services_table.py OUT.csv
Python 3 standard library only.
"""
import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLUMNS = ("response_multiplier", "dna_z", "sessions_z")


def unwritable(path):
    """why path cannot take a table (None if it can), checked before any work"""
    out = os.path.abspath(path)
    folder = os.path.dirname(out)
    if os.path.isdir(out):
        return "it is a folder"
    if os.path.exists(out) and not os.path.isfile(out):
        return "it is not a regular file"
    if out.startswith(os.path.join(ROOT, "data") + os.sep):
        return "data/ holds the tools' inputs: write the table elsewhere"
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        return f"{folder} is not a writable folder"
    if os.path.exists(out) and not os.access(out, os.W_OK):
        return "the file exists and is not writable"
    return None


def write(path, extra_columns=(), extra=None):
    """data/services.csv joined with data/services_residuals.csv, and extra_columns whose
    values extra(year, ccg_code) gives, into path + ".tmp", then renamed over path: the
    table appears whole or not at all. Raises OSError or LookupError (a service without
    residuals), leaving nothing behind."""
    res = {}
    with open(os.path.join(ROOT, "data", "services_residuals.csv"), newline="") as f:
        for r in csv.DictReader(f):
            res[r["ccg_code"]] = [r[c] for c in COLUMNS]
    tmp = os.path.abspath(path) + ".tmp"
    try:
        with open(os.path.join(ROOT, "data", "services.csv"), newline="") as f, open(tmp, "w", newline="") as o:
            rd = csv.reader(f)
            w = csv.writer(o, lineterminator="\n")
            head = next(rd)
            w.writerow(head + list(COLUMNS) + list(extra_columns))
            ci, yi = head.index("ccg_code"), head.index("year")
            for r in rd:
                if r[ci] not in res:
                    raise LookupError(f"{r[ci]} has no row in data/services_residuals.csv")
                w.writerow(r + res[r[ci]] + (list(extra(r[yi], r[ci])) if extra else []))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def main(argv):
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: tools/services_table.py OUT.csv", file=sys.stderr)
        return 2
    why = unwritable(argv[0])
    if why:
        print(f"services_table: cannot write {argv[0]}: {why}", file=sys.stderr)
        return 2
    try:
        write(argv[0])
    except (OSError, LookupError) as e:
        print(f"services_table: cannot write {argv[0]}: {getattr(e, 'strerror', None) or e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
