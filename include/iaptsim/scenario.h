/* iaptsim: scenario files.
 *
 * A scenario is a YAML file (format version 1, see docs/scenario.md) that becomes this
 * plain, validated C struct. Every error names file:line:col, shows the line with a caret
 * under the column, and suggests the nearest key for a near miss. */
#ifndef IAPTSIM_SCENARIO_H
#define IAPTSIM_SCENARIO_H

#include <stddef.h>
#include "iaptsim/econ.h"
#include "iaptsim/params.h"
#include "iaptsim/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A parameter's distribution in probabilistic sensitivity analysis (the uncertainty block):
 * one draw per replicate, truncated to the parameter's bounds. */
typedef enum iapt_dist_kind {
	IAPT_DIST_FIXED,     /* a = the value */
	IAPT_DIST_NORMAL,    /* a = mean, b = sd */
	IAPT_DIST_BETA,      /* a = alpha, b = beta */
	IAPT_DIST_GAMMA,     /* a = shape, b = scale */
	IAPT_DIST_LOGNORMAL, /* a = meanlog, b = sdlog */
	IAPT_DIST_UNIFORM    /* a = min, b = max */
} iapt_dist_kind;

typedef struct iapt_uncertain {
	size_t param;        /* index in the registry */
	iapt_dist_kind dist;
	double a, b;
	char origin[96];     /* "scenario.yaml:LINE:COL", where it was given */
} iapt_uncertain;

/* A one-way sensitivity range given in the scenario (sensitivity block). */
typedef struct iapt_range {
	size_t param;
	double low, high;
} iapt_range;

typedef struct iapt_scenario {
	char *path;              /* as given to the loader */
	char *name;              /* required */
	char *description;       /* "" when absent */
	int first_year;          /* financial years by starting calendar year: 2019 = 2019-20 */
	int last_year;
	unsigned long long seed; /* default 1 */
	int replicates;          /* default 10 */
	double population_scale; /* (0, 1], default 1 */
	char sha256[65];         /* SHA-256 of the file's bytes, lowercase hex */
	iapt_params *params;     /* sourced defaults plus the scenario's overrides; owned */
	iapt_econ_settings econ; /* the economics block (defaults: iapt_econ_defaults) */
	iapt_plugin **plugins;   /* the plugins block, in order; owned */
	size_t n_plugins;
	iapt_uncertain *uncertain; /* the uncertainty block, in file order; owned */
	size_t n_uncertain;
	double *correlation;     /* n_uncertain x n_uncertain, row-major; NULL: independent */
	iapt_range *ranges;      /* the sensitivity block; owned */
	size_t n_ranges;
	char *compare_to;        /* the base scenario's path (relative to the current folder), or NULL */
} iapt_scenario;

/* Bounds of the top-level values, also used by the command line's overrides. */
#define IAPT_SCENARIO_MAX_REPLICATES 100000
#define IAPT_SCENARIO_MIN_YEAR 1990
#define IAPT_SCENARIO_MAX_YEAR 2100

/* Read and validate a scenario file. Free with iapt_scenario_free. On failure *out is
 * NULL and iapt_error_last() holds the message (IAPT_EPARSE, IAPT_EINVAL, IAPT_ERANGE,
 * IAPT_ENOTFOUND, IAPT_EIO). */
int iapt_scenario_load(iapt_scenario **out, const char *path);

/* The same from text in memory; `path` only names it in messages. */
int iapt_scenario_parse(iapt_scenario **out, const char *text, size_t len, const char *path);

void iapt_scenario_free(iapt_scenario *sc);

/* The parameter values of replicate `replicate` (0-based) drawn from the uncertainty block:
 * out[k] for sc->uncertain[k]. Keyed by (seed, replicate, parameter, PARAMS), so two
 * scenarios that give a parameter the same distribution draw the same values (common
 * random numbers), whatever the thread. Correlations act through a Gaussian copula. */
int iapt_scenario_draw(const iapt_scenario *sc, int replicate, double *out);

/* "2019-20" for 2019. buf must hold 8 bytes. */
const char *iapt_year_label(int year, char buf[8]);

#ifdef __cplusplus
}
#endif
#endif
