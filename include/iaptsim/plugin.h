/* iaptsim: Lua plugins, the Lua host.
 *
 * A plugin is a Lua file that returns a table: name, summary, options (each with a
 * default, bounds and a doc line), metrics it reports, and the hooks setup, on_year,
 * on_referral, on_discharge and on_finish (plugins/README.md). Loading a plugin runs it
 * once in a sandboxed control state and returns a plain description (iapt_plugin, in
 * iaptsim/scenario.h); runs load it again in each worker's own state, through the hook
 * factory (iapt_plugin_host) that a run takes in iapt_run_options.hooks. */
#ifndef IAPTSIM_PLUGIN_H
#define IAPTSIM_PLUGIN_H

#include <stddef.h>
#include "iaptsim/hooks.h"
#include "iaptsim/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Load and describe a plugin. `use` is a built-in name, a name found as NAME.lua in the
 * folders of $IAPTSIM_PLUGIN_PATH (colon-separated), or a path to a .lua file (anything
 * with a '/' or ending in ".lua"), relative to base_dir when not absolute (base_dir may be
 * NULL: the current folder). instructions (per call) and memory_mb are the plugin's limits,
 * also while loading; 0 for the defaults. Errors name the plugin file and line (IAPT_ELUA),
 * or say the plugin was not found (IAPT_ENOTFOUND, with the built-in names). */
int iapt_plugin_load(iapt_plugin **out, const char *use, const char *base_dir, long instructions, int memory_mb);

/* Load the scenario's plugins (sc->plugin_specs) into sc->plugins, in order, with the
 * option values the scenario gives them checked against each plugin's declared options.
 * Paths are relative to the scenario file's folder. Errors name file:line:col of the
 * scenario's value, with the line and a caret (IAPT_EINVAL, IAPT_ERANGE, IAPT_ENOMEM);
 * on failure sc->plugins is as before. Loading twice is an error. */
int iapt_plugins_load(struct iapt_scenario *sc);

/* The hooks of a scenario's plugins, for iapt_run_options.hooks: each worker thread loads
 * the plugins into Lua states of its own, afresh for each replicate (in setup), so no state
 * outlives a replicate and results do not depend on which thread ran what. *out borrows
 * sc, which must outlive it; free with iapt_plugin_host_free. */
typedef struct iapt_plugin_host iapt_plugin_host;
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
