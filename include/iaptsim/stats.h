/* iaptsim: summaries across replicates. */
#ifndef IAPTSIM_STATS_H
#define IAPTSIM_STATS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iapt_summary {
	double mean; /* NaN when no finite values */
	double lo95; /* 2.5th percentile across replicates (GSL's quantile, linear interpolation) */
	double hi95; /* 97.5th percentile; equal to the mean for a single replicate */
	size_t n;    /* finite values used */
} iapt_summary;

/* Summarise x[0..n), ignoring NaN. scratch must hold n doubles (caller owns it). */
void iapt_stats_summarise(const double *x, size_t n, double *scratch, iapt_summary *out);

#ifdef __cplusplus
}
#endif
#endif
