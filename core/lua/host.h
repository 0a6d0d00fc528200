/* The Lua host, inside core/lua/: plugins as one implementation of the engine's hook table
 * (iaptsim/hooks.h). loader.c describes plugins and loads a scenario's; api.c is what
 * hooks see (ctx, person); host.c the hook table and its factory (iapt_plugin_host);
 * sandbox.c the sandbox. Only core/lua/ includes lua.h. */
#ifndef IAPT_LUA_HOST_H
#define IAPT_LUA_HOST_H

#include <stddef.h>
#include "iaptsim/plugin.h"
#include "lua/sandbox.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
enum { H_SETUP = IAPT_HOOK_I_SETUP, H_YEAR = IAPT_HOOK_I_ON_YEAR, H_REFERRAL = IAPT_HOOK_I_ON_REFERRAL,
       H_DISCHARGE = IAPT_HOOK_I_ON_DISCHARGE, H_FINISH = IAPT_HOOK_I_ON_FINISH };
#define hook_name iapt_hook_name

/* host.c: a state with the sandbox, pl's chunk run in it and its table on the stack; and
 * closing it (and its stream). */
int iapt_lua__open_state(pstate *ps, const iapt_plugin *pl);
void iapt_lua__close_state(pstate *ps);
/* api.c: builds ctx, the person object and opts in a worker's state, and looks the hooks
 * up once; the plugin's table is at index 1, the scenario (light userdata) at 2 (call it
 * protected: it allocates). */
int iapt_lua__bind_run(lua_State *L);

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
