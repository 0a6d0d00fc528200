#!/usr/bin/env python3
"""Write the built-in services table whole: data/services.csv joined with each service's
fitted residual and unpublished feature levels from data/services_residuals.csv
(response_multiplier, dna_z, sessions_z), the table a scenario's `services:` can name and
edit (docs/scenario.md). A plain copy of data/services.csv lacks those three columns and so
runs without the residuals.

Usage: tools/services_table.py OUT.csv
Python 3 standard library only.
"""
import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLUMNS = ("response_multiplier", "dna_z", "sessions_z")


def main(argv):
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: tools/services_table.py OUT.csv", file=sys.stderr)
        return 2
    out = os.path.abspath(argv[0])
    folder = os.path.dirname(out)
    why = ("it is a folder" if os.path.isdir(out) else
           "it is not a regular file" if os.path.exists(out) and not os.path.isfile(out) else
           "data/ holds the tool's inputs: write the table elsewhere" if out.startswith(os.path.join(ROOT, "data") + os.sep) else
           f"{folder} is not a writable folder" if not os.path.isdir(folder) or not os.access(folder, os.W_OK) else None)
    if why:
        print(f"services_table: cannot write {argv[0]}: {why}", file=sys.stderr)
        return 2
    res = {}
    with open(os.path.join(ROOT, "data", "services_residuals.csv"), newline="") as f:
        for r in csv.DictReader(f):
            res[r["ccg_code"]] = [r[c] for c in COLUMNS]
    tmp = out + ".tmp"
    try:
        with open(os.path.join(ROOT, "data", "services.csv"), newline="") as f, open(tmp, "w", newline="") as o:
            rd = csv.reader(f)
            w = csv.writer(o, lineterminator="\n")
            head = next(rd)
            w.writerow(head + list(COLUMNS))
            ci = head.index("ccg_code")
            for r in rd:
                if r[ci] not in res:
                    raise LookupError(f"{r[ci]} has no row in data/services_residuals.csv")
                w.writerow(r + res[r[ci]])
        os.replace(tmp, out)
    except (OSError, LookupError) as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        print(f"services_table: cannot write {argv[0]}: {getattr(e, 'strerror', None) or e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
