/* iaptsim: summaries across replicates. */
#ifndef IAPTSIM_STATS_H
#define IAPTSIM_STATS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iapt_summary {
	double mean; /* NaN when no finite values */
	double lo95; /* 2.5th percentile across replicates (GSL's quantile, linear interpolation);
	              * NaN with fewer than 2 finite values: one replicate has no interval */
	double hi95; /* 97.5th percentile; NaN with fewer than 2 */
	size_t n;    /* finite values used */
	double sd;   /* standard deviation across them (n - 1 denominator); NaN with fewer than 2 */
	double mcse; /* Monte Carlo standard error of the mean, sd / sqrt(n): the error of the mean
	              * as an estimate of the expected value; NaN with fewer than 2 */
} iapt_summary;

/* Summarise x[0..n), ignoring NaN. scratch must hold n doubles (caller owns it). */
void iapt_stats_summarise(const double *x, size_t n, double *scratch, iapt_summary *out);

#ifdef __cplusplus
}
#endif
#endif
