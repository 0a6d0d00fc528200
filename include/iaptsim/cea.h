/* iaptsim: cost-effectiveness analysis of any number of strategies.
 *
 * The textbook rules (Drummond et al. 2015, ch. 5; Briggs, Claxton and Sculpher 2006, ch. 4
 * and 7; Barton, Briggs and Fenwick 2008): strategies are ordered by cost, strongly
 * dominated ones removed (another is no dearer and at least as effective, and better in one),
 * then extendedly dominated ones (a mix of the neighbours on the frontier would do better),
 * and ICERs run along the efficiency frontier, each option against the next cheaper one on
 * it. Apart from that, each strategy has a quadrant against the base (strategy 0).
 *
 * Costs and effects are in any units (GBP and QALYs here); arrays are indexed by strategy
 * and, for replicates, cost[s * n_reps + r]. Nothing here allocates except where said. */
#ifndef IAPTSIM_CEA_H
#define IAPTSIM_CEA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Frontier status of a strategy. */
typedef enum iapt_cea_status {
	IAPT_CEA_FRONTIER,      /* on the efficiency frontier */
	IAPT_CEA_DOMINATED,     /* strongly dominated: another is no dearer and no less effective */
	IAPT_CEA_EXT_DOMINATED, /* extendedly dominated: a mix of two frontier options beats it */
	IAPT_CEA_UNDEFINED      /* cost or effect not finite */
} iapt_cea_status;

/* Quadrant of a strategy against the base on the cost-effectiveness plane. */
typedef enum iapt_cea_quadrant {
	IAPT_CEA_BASE,       /* the base itself */
	IAPT_CEA_TIE,        /* the same cost and effect as the base */
	IAPT_CEA_DOMINANT,   /* no dearer and at least as effective (one of them strictly) */
	IAPT_CEA_DOMINATED_Q,/* no cheaper and no more effective (one of them strictly) */
	IAPT_CEA_NORTH_EAST, /* dearer and more effective: the ICER is a price of health */
	IAPT_CEA_SOUTH_WEST, /* cheaper and less effective: the ICER is a willingness to accept */
	IAPT_CEA_Q_UNDEFINED /* cost or effect not finite */
} iapt_cea_quadrant;

typedef struct iapt_cea_row {
	iapt_cea_status status;
	/* on the frontier and extendedly dominated: the next cheaper option on the frontier
	 * (-1 for the cheapest); strongly dominated: the cheapest undominated strategy that
	 * dominates it; a tie: see tie_of */
	int comparator;
	double icer;      /* (cost - comparator's) / (effect - comparator's); NaN when there is
	                   * no comparator or the strategy is strongly dominated */
	int tie_of;       /* the lowest-index strategy with the same cost and effect, or -1; a tie
	                   * takes that strategy's status, comparator and ICER */
	iapt_cea_quadrant quadrant; /* against strategy 0 */
	double d_cost, d_effect;    /* against strategy 0 */
	double icer_base;           /* d_cost / d_effect; NaN for the base, ties and d_effect 0 */
} iapt_cea_row;

/* Full incremental analysis of n strategies with mean costs and effects: out[s] for each.
 * IAPT_EINVAL when n is 0. Strategies with a cost or effect not finite are left out of the
 * frontier (status IAPT_CEA_UNDEFINED). */
int iapt_cea_frontier(const double *cost, const double *effect, size_t n, iapt_cea_row *out);

/* "on frontier", "dominated", "extendedly dominated", "undefined"; and "base", "tie",
 * "dominant", "dominated", "north-east", "south-west", "undefined": static strings. */
const char *iapt_cea_status_name(iapt_cea_status s);
const char *iapt_cea_quadrant_name(iapt_cea_quadrant q);

/* ---- ratios across replicates ---- */

typedef struct iapt_ratio {
	double ratio;   /* mean numerator / mean denominator over replicates where both are finite;
	                 * NaN when the mean denominator is 0 or no replicate is complete */
	double num, den;/* the two means */
	double mcse;    /* Monte Carlo standard error of the ratio by the delta method:
	                 * sqrt((var num - 2 R cov + R^2 var den) / n) / |mean den|; NaN below 2 */
	size_t n;       /* replicates with both finite */
	double lo95, hi95; /* 2.5th and 97.5th percentiles of the replicates' ratios when every
	                    * denominator has the sign of the mean denominator and none is 0 (the
	                    * ratio then orders the points by angle); else NaN, see reason */
	const char *reason; /* why there is no interval (static string), or NULL */
	/* shares of complete replicates (numerator = cost, denominator = effect) in each
	 * quadrant: NE dearer and more effective, NW dearer and less (or as) effective, SW,
	 * SE cheaper (or as cheap) and more effective; points on an axis go to NW or SE */
	double share_ne, share_nw, share_sw, share_se;
} iapt_ratio;

/* The ratio of means of num[0..n) and den[0..n). scratch holds n doubles (caller owns). */
void iapt_cea_ratio(const double *num, const double *den, size_t n, double *scratch, iapt_ratio *out);

/* ---- acceptability ---- */

/* Acceptability of n_strategies at lambda with ties split: prob[s] = the share of draws in
 * which s has the highest net monetary benefit (lambda x effect - cost), a draw where k
 * strategies share the highest giving each 1/k. frontier[s] = 1 for the strategy with the
 * highest mean net monetary benefit (the acceptability frontier, CEAF; ties: each of them),
 * else 0; frontier may be NULL. Draws with a value not finite are skipped; IAPT_EINVAL if
 * none is left. */
int iapt_cea_ceac(const double *cost, const double *effect, size_t n_strategies, size_t n_draws, double lambda,
		  double *prob, int *frontier);

/* ---- payback as a distribution ---- */

typedef struct iapt_payback {
	double median; /* median payback year among the replicates that pay back; NaN if none */
	double share;  /* share of replicates that pay back within the horizon */
	size_t n_paying, n;
} iapt_payback;

/* years[r] is replicate r's payback year, NaN (or not finite) when it does not pay back
 * within the horizon. scratch holds n doubles. */
void iapt_cea_payback(const double *years, size_t n, double *scratch, iapt_payback *out);

#ifdef __cplusplus
}
#endif
#endif
