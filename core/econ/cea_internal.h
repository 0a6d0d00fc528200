/* Shared inside core: the PSA summaries of core/stats/psa.c use the same draw filter as
 * the acceptability curve of cea.c. */
#ifndef IAPT_CEA_INTERNAL_H
#define IAPT_CEA_INTERNAL_H

#include <stddef.h>

/* 1 if draw d has a finite cost and effect for every one of the ns strategies
 * (cost[s * nd + d], effect[s * nd + d]); such a draw counts, others are left out. */
int iapt_cea__complete(const double *cost, const double *effect, size_t ns, size_t nd, size_t d);

#endif
