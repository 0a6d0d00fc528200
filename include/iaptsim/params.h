/* iaptsim: the parameter registry.
 *
 * Every model number is a named parameter with a unit, bounds and a source (or a plain
 * statement that it has none yet). A parameter holds a base value and, optionally, a
 * schedule of values that apply from a given financial year on, so that year-specific
 * service features can drive a historical run. */
#ifndef IAPTSIM_PARAMS_H
#define IAPTSIM_PARAMS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iapt_params iapt_params;

typedef struct iapt_param_info {
	const char *name;        /* dotted name, e.g. "treatment.effect_li" */
	const char *unit;        /* e.g. "proportion", "sessions", "GBP 2019-20" */
	const char *description; /* one line */
	const char *source;      /* author, year, table/page; or how it was calibrated */
	int sourced;             /* 1 published source, 0 calibrated or to be sourced */
	int integer;             /* 1 if only whole numbers are allowed */
	double min, max;         /* inclusive bounds */
	double default_value;    /* the sourced default */
	double value;            /* the base value in force */
	const char *origin;      /* "default", or where the value in force came from */
	size_t n_schedule;       /* number of year-specific values */
} iapt_param_info;

/* A registry holding the sourced defaults. Free with iapt_params_free. */
int iapt_params_new(iapt_params **out);
/* A deep copy. */
int iapt_params_copy(iapt_params **out, const iapt_params *src);
void iapt_params_free(iapt_params *p);

size_t iapt_params_count(const iapt_params *p);
/* Describe parameter i (0 <= i < count). Strings are borrowed from p. */
int iapt_params_info(const iapt_params *p, size_t i, iapt_param_info *out);
/* The schedule entry k of parameter i: the value that applies from financial year *year. */
int iapt_params_schedule(const iapt_params *p, size_t i, size_t k, int *year, double *value);

/* Index of a parameter by name. IAPT_ENOTFOUND with a near-miss suggestion otherwise. */
int iapt_params_find(const iapt_params *p, const char *name, size_t *index);

/* Set the base value (year 0) or the value from financial year `year` on (year > 0).
 * Checks bounds and integrality; on failure nothing changes and the error names the
 * bounds. origin is copied and recorded for provenance (e.g. "scenario.yaml:12").
 * A parameter the engine reads once, at the run's first year (run.burn_in_years,
 * run.psa_draws_per_warm_up, workforce.services, workforce.capacity_sd,
 * distribution.*), takes no year > 0: IAPT_EINVAL "NAME is one value for the whole run
 * (read at the first year): give it without a year". */
int iapt_params_set(iapt_params *p, size_t index, int year, double value, const char *origin);

/* The value nearest to `value` that parameter i accepts: within its bounds, and whole where
 * whole numbers are meant. */
double iapt_params_nearest(const iapt_params *p, size_t index, double value);

/* Set the value for every year: the base value, with any year-by-year values dropped. */
int iapt_params_set_constant(iapt_params *p, size_t index, double value, const char *origin);

/* Parse "name=value" (as given to --set) and set it. */
int iapt_params_assign(iapt_params *p, const char *assignment, const char *origin);

/* The value of parameter i in financial year `year` (e.g. 2019 for 2019-20): the latest
 * schedule entry at or before year, otherwise the base value. */
double iapt_params_get(const iapt_params *p, size_t index, int year);

/* Same by name; for tests and tools (slow: looks the name up). */
int iapt_params_get_by_name(const iapt_params *p, const char *name, int year, double *out);

#ifdef __cplusplus
}
#endif
#endif
