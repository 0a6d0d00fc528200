/* iaptsim: calibration against observed figures.
 *
 * Targets are observed values of reported metrics (year, group, metric), each with a
 * weight. The distance of a run from them is the weighted sum of squared relative errors,
 * sum w ((model - observed) / observed)^2 (absolute where the observed value is 0), the
 * model value being the mean over replicates. iapt_calibrate minimises it over chosen
 * parameters with GSL's Nelder-Mead simplex, every evaluation with the scenario's seed
 * (common random numbers), so the distance changes only through the parameters. */
#ifndef IAPTSIM_CALIB_H
#define IAPTSIM_CALIB_H

#include <stddef.h>
#include "iaptsim/scenario.h"
#include "iaptsim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iapt_target {
	int year;      /* financial year, 2019 = 2019-20 */
	int group;     /* iapt_group */
	int metric;    /* iapt_metric */
	double value;  /* observed */
	double weight; /* >= 0, default 1 */
} iapt_target;

/* Read targets from a CSV file, in either of two shapes:
 * - long: columns year,group,metric,value and optionally weight (the shape of summary.csv);
 * - wide: a column year, then one column per metric (group "all"), as in
 *   data/national_annual.csv; empty cells are skipped; columns that are not metrics
 *   are an error unless named source or notes.
 * The year is written 2019 or 2019-20. Errors name the file, line and column. The file may
 * be gzip-compressed. The published long format of data/nhstt/ is read by iapt_targets_read
 * (iaptsim/validation.h), which reads these two shapes too. */
int iapt_targets_load(const char *path, iapt_target **out, size_t *n);
/* The same from text in memory (malloc'd; taken over and freed); path names it in messages. */
int iapt_targets_parse(char *text, const char *path, iapt_target **out, size_t *n);

/* Finished courses by step in a year, as in data/pathway_mix.csv (columns year,
 * finished_li_only, finished_li_and_hi, finished_hi_only; others ignored). */
typedef struct iapt_step_mix {
	int year;
	double li_only, li_then_hi, hi_only;
} iapt_step_mix;

int iapt_step_mix_load(const char *path, iapt_step_mix **out, size_t *n);

/* Only the targets with first <= year <= last (in place); returns how many are kept. */
size_t iapt_targets_between(iapt_target *t, size_t n, int first, int last);

/* The weighted distance of results from targets; NaN if a target's year is not in the run
 * or the model value is undefined. */
double iapt_calib_distance(const iapt_results *r, const iapt_target *t, size_t n);

/* The model value of a target: the mean over replicates. */
double iapt_calib_model_value(const iapt_results *r, const iapt_target *t);

typedef struct iapt_calib_options {
	int max_evaluations; /* default 200 */
	double tolerance;    /* stop when the simplex's size (relative change of the parameters) is below this; default 1e-3 */
	int threads;
	/* how each run is made: NULL for iapt_sim_run; iapt_sim_run_distributed splits each run's
	 * replicates across MPI ranks */
	int (*run)(iapt_results **out, const iapt_scenario *sc, const iapt_run_options *opt);
	const iapt_hook_factory *hooks; /* the scenario's hooks, or NULL (iapt_run_options.hooks) */
	void (*progress)(void *data, int evaluation, double distance);
	void *progress_data;
} iapt_calib_options;

typedef struct iapt_calib_result {
	double distance_start, distance_end;
	int evaluations;
	int converged;    /* 1 if the simplex shrank below the tolerance */
} iapt_calib_result;

/* Fit parameters params[0..np) of sc (their base values; any year-by-year values are
 * replaced by one value for every year) to the targets, starting from their current values
 * and moving inside their bounds. On success sc->params holds the fitted values and
 * fitted[k] each of them. */
int iapt_calibrate(iapt_scenario *sc, const size_t *params, size_t np, const iapt_target *t, size_t nt,
		   const iapt_calib_options *opt, double *fitted, iapt_calib_result *res);

#ifdef __cplusplus
}
#endif
#endif
