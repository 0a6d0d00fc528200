/* iaptsim: a scenario beside the published figures.
 *
 * Each published figure (an iapt_target of iaptsim/calib.h: year, group, metric, value) is
 * set beside the model's mean over replicates and its 2.5th-97.5th percentile interval.
 * Where a tolerance is set the figure is a check, within it or not. The tolerances, for
 * 2017-18 to 2024-25 (IAPT_VALIDATION_FIRST_YEAR to IAPT_VALIDATION_LAST_YEAR), the years
 * the national data set publishes every measure (2020-21 on are out of sample: no fit uses them):
 * - recovery, reliable improvement and reliable recovery (per cent): within 1.5 points;
 * - people entering treatment and finished courses: within 5% of the published count;
 * - mean sessions of finished courses: within 0.4 sessions;
 * - and in 2012-13 (IAPT_VALIDATION_FIRST_PROGRAMME_YEAR) recovery within 1 point;
 * - each step's share of finished courses with a stated step (iapt_step_mix): within 3
 *   points;
 * - for a group other than "all" marked checked in the map of the published long format
 *   (deprivation decile, age band, gender, ethnic group, problem, LTC status: not the steps)
 *   with at least 5,000 published finished courses that year: recovery within 2.5 points and
 *   reliable improvement within 3 points (no tolerance where the count is not published). */
#ifndef IAPTSIM_VALIDATION_H
#define IAPTSIM_VALIDATION_H

#include <stddef.h>
#include "iaptsim/calib.h"
#include "iaptsim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IAPT_VALIDATION_FIRST_YEAR 2017
#define IAPT_VALIDATION_LAST_YEAR 2024
/* The year the national parameters are calibrated on (docs/calibration.md). */
#define IAPT_VALIDATION_FITTED_YEAR 2019
/* The programme's first national year, whose recovery is checked on its own (issue 18). */
#define IAPT_VALIDATION_FIRST_PROGRAMME_YEAR 2012

/* What a year is to the calibration, for the tables of docs/validation.md (static text):
 * "fitted" (IAPT_VALIDATION_FITTED_YEAR: the national parameters), "partly fitted"
 * (2017-18 and 2018-19: the group effects, and treatment.effect_hi kept their reliable
 * recovery in tolerance), "assumed inputs" (2012-13 to 2016-17: the yearly service
 * features are assumed paths, docs/calibration.md), "out of sample" (2020-21 to
 * IAPT_VALIDATION_LAST_YEAR: used in no fit), "projection" (later years). */
const char *iapt_validation_year_role(int year);

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

/* The published long format of NHS Talking Therapies' annual key measures (data/nhstt/,
 * docs/validation.md): one figure a row, columns
 *   year,org_type,org_code,org_name,variable_type,variable_a,variable_b,measure,statistic,value
 * (any order; other columns ignored), year "2019-20", value a number or, where suppressed,
 * "*", "NULL", "NA" or empty. The map below turns (variable_type, variable_a, variable_b)
 * into an iaptsim group and (measure, statistic) into a metric; it is one table, read both
 * ways: to read published figures and to write iaptsim's in their shape. */
typedef struct iapt_nhstt_group_map {
	const char *variable_type, *variable_a; /* as published; compared ignoring case */
	const char *variable_b;                 /* NULL: the file says "NULL" or nothing */
	const char *group;                      /* iaptsim's group name (iaptsim/sim.h) */
	int checked;  /* 1: a group whose rates have a tolerance (iapt_validation_run) */
} iapt_nhstt_group_map;

typedef struct iapt_nhstt_measure_map {
	const char *measure, *statistic; /* "recovery", "percentage" */
	const char *metric;              /* "recovery_pct" */
} iapt_nhstt_measure_map;

/* The map's two tables, static, *n rows each. Where a group has more than one published
 * spelling (the names changed over the years), the newest comes first: it is the one
 * written. */
const iapt_nhstt_group_map *iapt_nhstt_groups(size_t *n);
const iapt_nhstt_measure_map *iapt_nhstt_measures(size_t *n);

/* The shapes iapt_targets_read recognises by their header. */
enum { IAPT_TARGETS_WIDE = 1, IAPT_TARGETS_LONG = 2, IAPT_TARGETS_NHSTT = 3 };

#define IAPT_TARGETS_MAX_NOT_SIMULATED 64

/* What a read used and what it left out, and why: every data row is counted in exactly one
 * of used, other_org, not_stated, unmapped_group, unmapped_measure, suppressed,
 * not_reported or not_simulated (all but used and rows are 0 for the wide and long shapes). */
typedef struct iapt_targets_report {
	int shape;               /* IAPT_TARGETS_* */
	size_t rows;             /* data rows read */
	size_t used;             /* figures that became targets */
	size_t other_org;        /* rows of another organisation than the one read */
	size_t not_stated;       /* group "Not stated/Not known/Invalid" */
	size_t unmapped_group;   /* a breakdown or group the map does not name */
	size_t unmapped_measure; /* a measure and statistic the map does not name */
	size_t suppressed;       /* a suppressed value */
	size_t not_reported;     /* a metric iaptsim does not report for the group (referrals by step) */
	size_t not_simulated;    /* a group in the map that this build's model does not produce */
	/* those groups, with their rows, in the order met (names are the map's: static) */
	const char *not_simulated_group[IAPT_TARGETS_MAX_NOT_SIMULATED];
	size_t not_simulated_rows[IAPT_TARGETS_MAX_NOT_SIMULATED];
	size_t n_not_simulated;
} iapt_targets_report;

/* Read observed figures from a file, gzip-compressed or not, in any of three shapes told
 * apart by the header: the published long format above (rows of the organisation whose
 * org_code is org, or with org NULL those of org_type "England"), or the long and wide
 * shapes of iapt_targets_load (iaptsim/calib.h). Rows the map does not turn into a figure
 * iaptsim reports are counted in *rep (may be NULL), never an error; a malformed row is
 * IAPT_EPARSE "PATH:LINE[:COLUMN]: ...", a damaged gzip file IAPT_EPARSE "PATH: not a valid
 * gzip file: ...", a figure given twice IAPT_EPARSE naming both lines, a file with no
 * usable figure IAPT_EPARSE. *out (malloc'd; free()) is in the file's order. */
int iapt_targets_read(const char *path, const char *org, iapt_target **out, size_t *n, iapt_targets_report *rep);
/* The same from bytes in memory (gzip or text; copied), path naming them in messages. */
int iapt_targets_read_buffer(const char *data, size_t len, const char *path, const char *org, iapt_target **out,
			     size_t *n, iapt_targets_report *rep);

/* A run's summary in the published long format, so that code written for the published
 * files reads it unchanged: for every year, every group the map names and every metric it
 * names, a row with org_type "England", org_code "iaptsim", org_name the scenario's name,
 * the group's newest published variable_type/variable_a/variable_b, the measure and
 * statistic ("count" or "percentage") and as value the mean over replicates (shortest
 * decimal that reads back exactly; "NULL" when undefined), then two more columns, lo95 and
 * hi95, the 2.5th and 97.5th percentiles across replicates (readers that pick columns by
 * name ignore them). *text (malloc'd, NUL-terminated; free()) holds *len bytes. */
int iapt_nhstt_write(char **text, size_t *len, const iapt_scenario *sc, const iapt_results *res);

#ifdef __cplusplus
}
#endif
#endif
