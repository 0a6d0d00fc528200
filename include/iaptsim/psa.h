/* iaptsim: decisions under uncertainty.
 *
 * A probabilistic sensitivity analysis gives, for each strategy s and draw d, a cost and an
 * effect (QALYs): cost[s * n_draws + d], effect[s * n_draws + d]. At a threshold lambda
 * (GBP per QALY) the net monetary benefit is NMB = lambda x effect - cost. These functions
 * are the standard summaries of such a table (Briggs, Claxton and Sculpher 2006, ch. 7). */
#ifndef IAPTSIM_PSA_H
#define IAPTSIM_PSA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Cost-effectiveness acceptability: prob[s] = the share of draws in which strategy s has
 * the highest NMB at lambda, a draw where k strategies tie giving each 1/k (as
 * iapt_cea_ceac in iaptsim/cea.h, without the frontier). Draws with a NaN are skipped;
 * IAPT_EINVAL if none is left. */
int iapt_psa_ceac(const double *cost, const double *effect, size_t n_strategies, size_t n_draws,
		  double lambda, double *prob);

/* Expected value of perfect information at lambda: the mean over draws of the best NMB,
 * minus the best mean NMB. Never negative. NaN if no draw is complete. */
double iapt_psa_evpi(const double *cost, const double *effect, size_t n_strategies, size_t n_draws, double lambda);

/* One-way sensitivity of one parameter: the outcome at its low and high values. */
typedef struct iapt_oneway {
	const char *name;
	double base, low, high;       /* parameter values */
	double y_base, y_low, y_high; /* the outcome there */
	double swing;                 /* |y_high - y_low| */
	double switching;             /* parameter value where the outcome crosses zero, NaN if it
	                               * does not between low and high */
} iapt_oneway;

/* Fill swing, and the switching value by linear interpolation between (low, y_low) and
 * (high, y_high) when the two differ in sign (or one is zero). */
void iapt_oneway_finish(iapt_oneway *o);

/* Sort rows by swing, largest first (a tornado); equal swings keep their order. */
void iapt_tornado_sort(iapt_oneway *rows, size_t n);

#ifdef __cplusplus
}
#endif
#endif
