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
	IAPT_DIST_UNIFORM,   /* a = min, b = max */
	IAPT_DIST_DISCRETE   /* the whole numbers 0 .. n_levels - 1 with chances w (summing to 1);
			      * a = 0, b = n_levels - 1: structural choices such as employment.mechanism */
} iapt_dist_kind;

#define IAPT_DIST_MAX_LEVELS 8

typedef struct iapt_uncertain {
	size_t param;        /* index in the registry */
	iapt_dist_kind dist;
	double a, b;
	int n_levels;                     /* discrete only */
	double w[IAPT_DIST_MAX_LEVELS];   /* discrete only: the chance of each value */
	char origin[96];     /* "scenario.yaml:LINE:COL", where it was given */
	/* the parameter's own value when the scenario was read, and where it came from
	 * ("default" or a base's "file.yaml:LINE"; "" for an entry a program made): a value set
	 * after reading (--set) would be lost to the draws, which iapt_engine_check refuses */
	double fixed_value;
	char fixed_at[96];
} iapt_uncertain;

/* A one-way sensitivity range given in the scenario (sensitivity block). */
typedef struct iapt_range {
	size_t param;
	double low, high;
} iapt_range;

/* ---- plugins: plain data (the Lua host, iaptsim/plugin.h, loads and checks them) ---- */

/* Where a value stands in a scenario file, for messages "file:line:col: ..." followed by
 * the line and a caret. */
typedef struct iapt_source_loc {
	char *file;
	size_t line, col; /* 0-based, as libyaml counts */
	char *text;       /* the line to show under the message, or NULL for none */
} iapt_source_loc;

/* One entry of a plugin's `with:` block, as written. */
typedef struct iapt_plugin_setting {
	char *name;
	iapt_source_loc name_at;
	char *value;       /* a scalar's text; NULL otherwise */
	const char *shape; /* NULL for a scalar, else "a list", "a mapping", ... (static) */
	int quoted;        /* a quoted scalar */
	iapt_source_loc value_at;
} iapt_plugin_setting;

/* One entry of the plugins block: {use, with, instructions, memory_mb}. */
typedef struct iapt_plugin_spec {
	char *use;          /* a built-in name, a name on IAPTSIM_PLUGIN_PATH, or a path */
	iapt_source_loc use_at;
	char *base_dir;     /* the scenario file's folder, for relative paths; NULL: the current one */
	long instructions;  /* 0: the default */
	int memory_mb;      /* 0: the default */
	const char *with_shape; /* the with: value when not a mapping ("a list", ...); NULL otherwise */
	iapt_source_loc with_at;
	iapt_plugin_setting *with;
	size_t n_with;
} iapt_plugin_spec;

typedef enum iapt_option_kind {
	IAPT_OPT_NUMBER,
	IAPT_OPT_INTEGER,
	IAPT_OPT_BOOLEAN,
	IAPT_OPT_STRING
} iapt_option_kind;

typedef struct iapt_plugin_option {
	char *name;
	char *doc;
	iapt_option_kind kind;
	double min, max;   /* numbers and integers: inclusive bounds */
	char **choices;    /* strings: the allowed values (NULL: any) */
	size_t n_choices;
	double def_num;    /* the default (numbers, integers, booleans as 0/1) */
	char *def_str;     /* the default (strings) */
	double num;        /* the value in force */
	char *str;
	char *origin;      /* "default" or "scenario.yaml:LINE" */
	int service;       /* strings: 1 when the value must be the code of a service of the
	                    * scenario's services table (`service = true`), which
	                    * iapt_engine_check checks, as iapt_sim_run does */
} iapt_plugin_option;

typedef struct iapt_plugin_metric {
	char *name;
	char *doc;
	int level; /* 1: set once a year, reported as is; 0: a count, summed and scaled to national */
} iapt_plugin_metric;

/* A per-person field a plugin declares (`fields`): kept with each person from referral
 * through follow-up in bits of iapt_hook_person.user. */
typedef struct iapt_plugin_field {
	char *name;
	char *doc;
	int integer;     /* 0: a boolean (1 bit); 1: a whole number 0-255 (8 bits) */
	unsigned shift;  /* its first bit, counted from the plugin's (iapt_plugin.user0) */
} iapt_plugin_field;

/* A cost category a plugin declares (`categories`): its flows show under
 * "<plugin>.<name>" in the ledger, the appraisal and the budget impact table, booked in a
 * plugin slot of the ledger (IAPT_CAT_PLUGIN_*, iaptsim/econ.h). */
typedef struct iapt_plugin_category {
	char *name;
	char *doc;
	int perspective; /* IAPT_PERSP_*: the narrowest perspective that bears it */
} iapt_plugin_category;

/* A breakdown a plugin declares (`groups`): summary.csv gives the metrics of an attribute
 * group for each level, as "<plugin>.<group>=<level>"; the plugin's function `assign`
 * (looked up again in each worker) says which level a person is in when they are counted. */
typedef struct iapt_plugin_group {
	char *name;
	char *doc;
	char **levels;   /* in declared order, distinct */
	size_t n_levels; /* 1 .. IAPT_HOOK_GROUP_MAX_LEVELS (iaptsim/hooks.h) */
	int line;        /* where assign is defined in the plugin's file, for messages */
} iapt_plugin_group;

/* Defaults of the per-plugin limits (a scenario may change them per plugin). */
#define IAPT_PLUGIN_DEFAULT_INSTRUCTIONS 100000000L /* per hook call */
#define IAPT_PLUGIN_DEFAULT_MEMORY_MB 64
#define IAPT_PLUGIN_MAX_METRICS 64

typedef struct iapt_plugin {
	char *name;     /* from the plugin's table */
	char *summary;
	char *use;      /* as the scenario named it */
	char *path;     /* shown in messages: "plugins/long_term_conditions.lua" or the file's path */
	char *source;   /* the Lua text */
	size_t source_len;
	char sha256[65];
	int builtin;
	unsigned hooks; /* the hooks it defines: IAPT_HOOK_* bits (iaptsim/hooks.h) */
	iapt_plugin_option *options; /* sorted by name */
	size_t n_options;
	iapt_plugin_metric *metrics; /* sorted by name */
	size_t n_metrics;
	long instructions;   /* budget per hook call */
	size_t memory_bytes; /* cap on the plugin's Lua state */
	int *wait_weeks;     /* on_wait's checkpoints (wait_checkpoints): weeks since referral, ascending */
	size_t n_wait_weeks;
	iapt_plugin_field *fields; /* declared per-person fields, sorted by name */
	size_t n_fields;
	unsigned user_bits;  /* bits its fields take */
	unsigned user0;      /* its fields' first bit among the scenario's plugins (iapt_plugins_load) */
	iapt_plugin_category *categories; /* declared cost categories, sorted by name */
	size_t n_categories;
	unsigned cat0;       /* its first category's slot among the scenario's plugins (iapt_plugins_load) */
	iapt_plugin_group *groups; /* declared breakdowns, sorted by name */
	size_t n_groups;
} iapt_plugin;
/* Bits of per-person fields all a scenario's plugins may declare (iapt_hook_person.user). */
#define IAPT_PLUGIN_USER_BITS 32

void iapt_plugin_free(iapt_plugin *p);

/* Index of option `name`, or IAPT_ENOTFOUND with a near-miss suggestion. */
int iapt_plugin_option_find(const iapt_plugin *p, const char *name, size_t *index);

/* Where a setting was last given: a top-level key ("seed", "years", ...) or an economics
 * key ("economics.price_year"), at "file.yaml:LINE" (a base's file for an inherited one). */
typedef struct iapt_scenario_origin {
	char *key;
	char *at;
} iapt_scenario_origin;

/* ---- services_policy: services' organisational features raised to a floor (docs/scenario.md) ---- */

/* The features a policy (or a plugin, ctx:service) can move: name, whether more is better,
 * the bounds of a level given in the scenario, what it is. */
#define IAPT_SVC_FEATURE_LIST(X) \
	X(PD, "pd", 1, 0, 1, "chance that a course's problem descriptor is recorded (and its treatment matched)") \
	X(STEP_UP, "step_up", 1, 0, 1, "chance of a step-up to high intensity when low intensity is not working") \
	X(DNA, "dna", 0, 0, 0.9, "chance that a booked session is missed") \
	X(SESSIONS, "sessions", 1, 0.25, 4, "sessions offered per course, as a multiple of treatment.li_max_sessions and hi_max_sessions") \
	X(CAPACITY, "capacity", 1, 0.1, 10, "capacity per referral relative to England's (1: the national average): the share entering treatment and the wait")

typedef enum iapt_svc_feature {
#define IAPT_X_(id, name, up, lo, hi, doc) IAPT_SVCF_##id,
	IAPT_SVC_FEATURE_LIST(IAPT_X_)
#undef IAPT_X_
	IAPT_SVCF__COUNT
} iapt_svc_feature;

typedef struct iapt_services_policy {
	unsigned features;              /* a bit per IAPT_SVCF_*; 0: no policy (the default) */
	double level[IAPT_SVCF__COUNT]; /* the floor of each: NaN for the referral-weighted best
	                                 * quartile of services that year (75th percentile, 25th for
	                                 * dna), else the level the scenario gives */
	int first_year, last_year;      /* phase-in: in year y a service closes (y - first + 1) /
	                                 * (last - first + 1) of its gap to the floor (0 before, all after) */
} iapt_services_policy;

/* "pd", "step_up", ... for IAPT_SVCF_*; NULL out of range. */
const char *iapt_svc_feature_name(int f);

typedef struct iapt_scenario {
	char *path;              /* as given to the loader */
	char *name;              /* required */
	char *description;       /* "" when absent */
	int first_year;          /* financial years by starting calendar year: 2019 = 2019-20 */
	int last_year;
	unsigned long long seed; /* default 1 */
	int replicates;          /* default 10 */
	double population_scale; /* (0, 1], default 1 */
	char sha256[65];         /* SHA-256 of the file's bytes, lowercase hex; with base:, of the
	                          * file's bytes, a newline, "base ", the base's sha256, a newline */
	iapt_params *params;     /* sourced defaults plus the scenario's overrides; owned */
	iapt_econ_settings econ; /* the economics block (defaults: iapt_econ_defaults) */
	iapt_plugin_spec *plugin_specs; /* the plugins block, in order, as written; owned */
	size_t n_plugin_specs;
	iapt_plugin **plugins;   /* the plugins loaded from plugin_specs by iapt_plugins_load
	                          * (iaptsim/plugin.h); NULL until then; owned */
	size_t n_plugins;
	iapt_uncertain *uncertain; /* the uncertainty block, in file order; owned */
	size_t n_uncertain;
	double *correlation;     /* n_uncertain x n_uncertain, row-major; NULL: independent */
	iapt_range *ranges;      /* the sensitivity block; owned */
	size_t n_ranges;
	char *compare_to;        /* the base scenario's path (relative to the current folder), or NULL */
	char *services;          /* services: the services table's path (relative to the current
	                          * folder), IAPT_SERVICES_SYNTHETIC, or NULL: the built-in table
	                          * (data/services.csv); read and checked by the engine */
	int output_services;     /* output: services: 1 (default) writes services.csv and the
	                          * region=, icb= and service= groups; 0 does not count them */
	iapt_services_policy services_policy; /* services_policy: block (features 0: none) */
	iapt_scenario_origin *origins; /* the settings given in the file or its bases; owned */
	size_t n_origins;
} iapt_scenario;

/* services: synthetic (docs/scenario.md) */
#define IAPT_SERVICES_SYNTHETIC "synthetic"

/* Bounds of the top-level values, used by the parser, the command line's overrides and
 * the engine's check of a scenario a program changed after loading (iapt_engine_check):
 * replicates in [1, MAX_REPLICATES]; years in [MIN_YEAR, MAX_YEAR], at most MAX_YEARS of
 * them; population_scale in (0, MAX_SCALE]; any seed. */
#define IAPT_SCENARIO_MAX_REPLICATES 100000
#define IAPT_SCENARIO_MIN_YEAR 1990
#define IAPT_SCENARIO_MAX_YEAR 2100
#define IAPT_SCENARIO_MAX_YEARS 61
#define IAPT_SCENARIO_MAX_SCALE 1.0

/* Read and validate a scenario file. Free with iapt_scenario_free. On failure *out is
 * NULL and iapt_error_last() holds the message (IAPT_EPARSE, IAPT_EINVAL, IAPT_ERANGE,
 * IAPT_ENOTFOUND, IAPT_EIO). */
int iapt_scenario_load(iapt_scenario **out, const char *path);

/* The same from text in memory; `path` only names it in messages. */
int iapt_scenario_parse(iapt_scenario **out, const char *text, size_t len, const char *path);

void iapt_scenario_free(iapt_scenario *sc);

/* The uncertainty block's entry for parameter `param` (registry index), borrowed from sc;
 * NULL when the block gives it no distribution. */
const iapt_uncertain *iapt_scenario_uncertain(const iapt_scenario *sc, size_t param);

/* The parameter values of replicate `replicate` (0-based) drawn from the uncertainty block:
 * out[k] for sc->uncertain[k]. Keyed by (seed, replicate, parameter, PARAMS), so two
 * scenarios that give a parameter the same distribution draw the same values (common
 * random numbers), whatever the thread. Correlations act through a Gaussian copula. */
int iapt_scenario_draw(const iapt_scenario *sc, int replicate, double *out);

/* ---- what differs between two scenarios (iaptsim diff, compare's warnings) ---- */

typedef enum iapt_diff_kind {
	IAPT_DIFF_LABEL, /* name, description: what the scenario is called */
	IAPT_DIFF_RUN,   /* seed, replicates, population_scale: how many draws (compare runs every
	                  * strategy with the base's) */
	IAPT_DIFF_MODEL  /* everything else: what is simulated or appraised */
} iapt_diff_kind;

typedef struct iapt_scenario_difference {
	char *what;        /* "parameters.treatment.dna_rate", "plugins.NAME.with.OPTION",
	                    * "economics.discount", "years", ... */
	char *a, *b;       /* each scenario's value as text; "(none)" where it has none */
	char *a_at, *b_at; /* where each was set: "file.yaml:LINE", "default", "--set", or "" */
	iapt_diff_kind kind;
} iapt_scenario_difference;

/* Every setting, parameter (value and year-by-year values), distribution, range and
 * plugin option in which a and b differ: name, description, years, seed, replicates,
 * population_scale, parameters (registry order), uncertainty, sensitivity, plugins,
 * economics, compare_to. Plugin options are compared as loaded (defaults included)
 * when both scenarios' plugins are loaded (iapt_plugins_load), else as written. *out (an
 * array of *n, NULL for none) is freed with iapt_scenario_diff_free. IAPT_ENOMEM. */
int iapt_scenario_diff(const iapt_scenario *a, const iapt_scenario *b, iapt_scenario_difference **out, size_t *n);
void iapt_scenario_diff_free(iapt_scenario_difference *d, size_t n);

/* "2019-20" for 2019. buf must hold 8 bytes. */
const char *iapt_year_label(int year, char buf[8]);

#ifdef __cplusplus
}
#endif
#endif
