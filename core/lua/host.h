/* The Lua host: plugins as one implementation of the engine's hook table
 * (iaptsim/hooks.h); the factory is iapt_plugin_host (iaptsim/plugin.h). Only core/lua/
 * includes lua.h. */
#ifndef IAPT_LUA_HOST_H
#define IAPT_LUA_HOST_H

#include <stddef.h>
#include "iaptsim/plugin.h"

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
