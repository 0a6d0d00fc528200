"""What the Python tests of tools/ share (tests/*_test.py, run by services_tools_test.sh): the skip
without statsmodels (exit 77, the tests' "skipped"), a counter of checks, a services table's
header in the contract's format (docs/output.md) and the draws their synthetic tables use."""
import math
import sys

CONTRACT_COLS = ["year", "service_code", "service_name", "icb_code", "icb_name", "region_code", "region"]


def need_statsmodels(name):
    """Exit 77 (skipped) unless numpy and statsmodels import."""
    try:
        import numpy  # noqa: F401
        import statsmodels  # noqa: F401
    except ImportError as e:
        print("%s: skipped: needs python3-statsmodels (%s)" % (name, e))
        sys.exit(77)


class Checks:
    """check(ok, msg) prints "ok   msg" or "FAIL msg" and counts failures; finish() prints the
    summary and exits 1 if any failed, else 0."""

    def __init__(self, name):
        self.name = name
        self.fails = 0

    def __call__(self, ok, msg):
        print(("ok   " if ok else "FAIL ") + msg)
        self.fails += not ok

    def finish(self):
        print("%s: %s" % (self.name, "all pass" if not self.fails else "%d FAILED" % self.fails))
        sys.exit(1 if self.fails else 0)


def contract_head(measures):
    """services.csv's header: the service columns, then each measure with its _lo95 and _hi95."""
    return CONTRACT_COLS + [m + s for m in measures for s in ("", "_lo95", "_hi95")]


def expit(x):
    return 1 / (1 + math.exp(-x))


def binom(rng, n, p):
    """A binomial count by the normal approximation, rounded and clamped: n is in the hundreds to thousands."""
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))
