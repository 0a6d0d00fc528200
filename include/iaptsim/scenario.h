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

/* "2019-20" for 2019. buf must hold 8 bytes. */
const char *iapt_year_label(int year, char buf[8]);

#ifdef __cplusplus
}
#endif
#endif
