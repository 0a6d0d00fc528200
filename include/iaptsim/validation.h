/* iaptsim: a scenario beside the published figures.
 *
 * Each published figure (an iapt_target of iaptsim/calib.h: year, group, metric, value) is
 * set beside the model's mean over replicates and its 2.5th-97.5th percentile interval.
 * Where a tolerance is set the figure is a check, within it or not. The tolerances, for
 * 2017-18 to 2019-20 (IAPT_VALIDATION_FIRST_YEAR to IAPT_VALIDATION_LAST_YEAR), the years
 * the national data set is complete and stable:
 * - recovery, reliable improvement and reliable recovery (per cent): within 1.5 points;
 * - finished courses: within 5% of the published count;
 * - each step's share of finished courses with a stated step (iapt_step_mix): within 3
 *   points. */
#ifndef IAPTSIM_VALIDATION_H
#define IAPTSIM_VALIDATION_H

#include <stddef.h>
#include "iaptsim/calib.h"
#include "iaptsim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IAPT_VALIDATION_FIRST_YEAR 2017
#define IAPT_VALIDATION_LAST_YEAR 2019

/* The tolerance of a metric's figure in a year: 0 for none; *relative 1 when it is a
 * fraction of the published value (finished courses), 0 when in the metric's own units. */
double iapt_validation_tolerance(int year, int metric, int *relative);

/* 1 for metrics that are rates or means (per cent, sessions, weeks), whose differences are
 * in points; 0 for counts, whose differences are in per cent. */
int iapt_validation_is_rate(int metric);

typedef struct iapt_validation_row {
	int year, group, metric;
	double published, model;  /* for the step mix: shares of finished courses, per cent */
	double lo95, hi95;        /* the model's interval across replicates; NaN for the step mix */
	double difference;        /* model - published: points for rates and shares, per cent for counts */
	int in_points;            /* 1 if difference is in points */
	double tolerance;         /* 0: none, not a check */
	int relative;             /* tolerance is a fraction of published */
	int checked, within;      /* a check, and whether the model is within it */
} iapt_validation_row;

typedef struct iapt_validation {
	iapt_validation_row *figures; /* one per target in the run's years, in their order */
	size_t n_figures;
	iapt_validation_row *mix;     /* three per year of the step mix in the run's years
	                               * (groups step=li_only, step=li_then_hi, step=hi_only) */
	size_t n_mix;
	int checks, within;           /* over both tables */
} iapt_validation;

/* Set results beside published figures: targets t[0..nt) and, if mix is not NULL, the step
 * mix mix[0..nm). Figures outside the run's years are left out. *out is owned by the
 * caller: iapt_validation_free. */
int iapt_validation_run(iapt_validation **out, const iapt_results *res, const iapt_target *t, size_t nt,
			const iapt_step_mix *mix, size_t nm);
void iapt_validation_free(iapt_validation *v);

#ifdef __cplusplus
}
#endif
#endif
