/* iaptsim: Lua plugins.
 *
 * A plugin is a Lua file that returns a table: name, summary, options (each with a
 * default, bounds and a doc line), metrics it reports, and the hooks setup, on_year,
 * on_referral, on_discharge and on_finish (plugins/README.md). Loading a plugin runs it
 * once in a sandboxed control state and returns this plain description; runs load it
 * again in each worker's own state. */
#ifndef IAPTSIM_PLUGIN_H
#define IAPTSIM_PLUGIN_H

#include <stddef.h>
#include "iaptsim/hooks.h"

#ifdef __cplusplus
extern "C" {
#endif

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
} iapt_plugin_option;

typedef struct iapt_plugin_metric {
	char *name;
	char *doc;
	int level; /* 1: set once a year, reported as is; 0: a count, summed and scaled to national */
} iapt_plugin_metric;

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
} iapt_plugin;

/* Load and describe a plugin. `use` is a built-in name, a name found as NAME.lua in the
 * folders of $IAPTSIM_PLUGIN_PATH (colon-separated), or a path to a .lua file (anything
 * with a '/' or ending in ".lua"), relative to base_dir when not absolute (base_dir may be
 * NULL: the current folder). instructions (per call) and memory_mb are the plugin's limits,
 * also while loading; 0 for the defaults. Errors name the plugin file and line (IAPT_ELUA),
 * or say the plugin was not found (IAPT_ENOTFOUND, with the built-in names). */
int iapt_plugin_load(iapt_plugin **out, const char *use, const char *base_dir, long instructions, int memory_mb);
void iapt_plugin_free(iapt_plugin *p);

/* Index of option `name`, or IAPT_ENOTFOUND with a near-miss suggestion. */
int iapt_plugin_option_find(const iapt_plugin *p, const char *name, size_t *index);

/* The hooks of a scenario's plugins, for iapt_run_options.hooks: each worker thread loads
 * the plugins into Lua states of its own, afresh for each replicate (in setup), so no state
 * outlives a replicate and results do not depend on which thread ran what. *out borrows
 * sc, which must outlive it; free with iapt_plugin_host_free. */
typedef struct iapt_plugin_host iapt_plugin_host;
struct iapt_scenario;
int iapt_plugin_host_new(iapt_plugin_host **out, const struct iapt_scenario *sc);
/* The factory to pass in iapt_run_options.hooks; NULL when the scenario has no plugins.
 * Borrowed from h. */
const iapt_hook_factory *iapt_plugin_host_hooks(const iapt_plugin_host *h);
void iapt_plugin_host_free(iapt_plugin_host *h);

/* The built-in plugins, in name order. */
size_t iapt_plugin_builtin_count(void);
const char *iapt_plugin_builtin_name(size_t i);

#ifdef __cplusplus
}
#endif
#endif
