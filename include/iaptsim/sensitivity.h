/* iaptsim: one-way sensitivity analysis and switching values.
 *
 * Each parameter in turn is set to a low and a high value (the same for every year), every
 * other parameter at its value, and the scenario run with its own seed each time (common
 * random numbers), so the outcome changes only through that parameter. The outcome is the
 * mean over replicates of a measure of economics.csv for one perspective (for a ratio such
 * as bcr, the ratio of the means, as economics.csv gives it). Where it changes
 * sign between low and high, the switching value (where it is zero) is found with GSL's
 * Brent solver (gsl_root_fsolver_brent), each step a run at the estimate. The rows are the
 * iapt_oneway records of iaptsim/psa.h; iapt_tornado_sort orders them for a tornado. */
#ifndef IAPTSIM_SENSITIVITY_H
#define IAPTSIM_SENSITIVITY_H

#include <stddef.h>
#include "iaptsim/psa.h"
#include "iaptsim/scenario.h"
#include "iaptsim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The outcome named "PERSPECTIVE:MEASURE", a perspective (iapt_perspective_name) and a
 * measure of the scenario's economics.csv (iapt_econ_measure_name), such as "societal:npv"
 * or "nhs:cost_per_qaly". IAPT_EINVAL with a message naming spec otherwise. */
int iapt_sensitivity_measure(const iapt_scenario *sc, const char *spec, int *perspective, int *measure);

/* The outcome at parameter value x: 0 and *y, or a negative IAPT_E* code. A non-finite *y
 * means the outcome is undefined there. */
typedef int (*iapt_outcome_fn)(void *data, double x, double *y);

/* Refine row->switching, where the outcome f crosses zero between row->low and row->high,
 * with GSL's Brent solver from the bracket (low, y_low), (high, y_high): at most
 * max_evaluations calls of f, fewer once the bracket is within a relative 1e-9 or f is
 * exactly 0. The result is the solver's best estimate, a value where f was evaluated (the
 * first is the linear interpolation of iapt_oneway_finish). Nothing is done unless y_low
 * and y_high are non-zero and of opposite signs, or if max_evaluations <= 0. If f fails,
 * its code is returned and row->switching is the best estimate before; if f is undefined
 * at an estimate, refinement stops there (returns 0). */
int iapt_oneway_refine(iapt_oneway *row, iapt_outcome_fn f, void *data, int max_evaluations);

typedef struct iapt_sensitivity_options {
	int perspective, measure; /* the outcome (iapt_sensitivity_measure) */
	int refine;               /* runs to refine each switching value (iapt_oneway_refine);
	                           * whole-number parameters are not refined */
	const iapt_run_options *run_options; /* for every run; may be NULL */
	/* how each run is made: NULL for iapt_sim_run, or another runner with its signature
	 * (one that splits the replicates across processes, say) */
	int (*run)(iapt_results **out, const iapt_scenario *sc, const iapt_run_options *opt);
	/* Called before each run with what it is for: "base", "NAME low", "NAME high" or
	 * "NAME switching value"; may be NULL. */
	void (*before_run)(void *data, const char *what);
	void *data;
} iapt_sensitivity_options;

/* One-way sensitivity of the scenario's outcome. On entry rows[k].name, .low and .high
 * name a parameter of sc and its range (low < high, inside its bounds); the rest of each
 * row is filled: base (the parameter's value), the outcome at base, low and high, swing
 * and switching value (iapt_oneway_finish, then iapt_oneway_refine). Rows keep their
 * order. The scenario's uncertainty block is not used; sc is as it was on return (its
 * parameters are changed on copies). rows[k].name stays borrowed from the caller.
 * Errors: IAPT_ENOTFOUND for an unknown parameter, IAPT_EINVAL for a bad range, or a
 * run's error. */
int iapt_sensitivity_oneway(iapt_scenario *sc, iapt_oneway *rows, size_t n, const iapt_sensitivity_options *opt);

#ifdef __cplusplus
}
#endif
#endif
