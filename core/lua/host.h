/* The Lua host: plugins as one implementation of the engine's hook table. The only part of
 * iaptsim that includes lua.h is host.c. */
#ifndef IAPT_LUA_HOST_H
#define IAPT_LUA_HOST_H

#include <stddef.h>
#include "engine/engine.h"
#include "iaptsim/scenario.h"

/* The hook table of one worker thread for the scenario's plugins. Each replicate loads the
 * plugins afresh into this worker's own Lua states (begin) and closes them (end), so no
 * state outlives a replicate and results do not depend on which thread ran what. */
int iapt_lua__hooks_new(const iapt_scenario *sc, iapt_hooks **out);
void iapt_lua__hooks_free(iapt_hooks *h);

/* Built-in plugins, compiled in from the .lua files in plugins/ (builtin_plugins.c, generated). */
typedef struct iapt_builtin_plugin {
	const char *name;
	const char *path;
	const unsigned char *text;
	size_t len;
} iapt_builtin_plugin;

extern const iapt_builtin_plugin iapt__builtin_plugins[];
extern const size_t iapt__n_builtin_plugins;

#endif
