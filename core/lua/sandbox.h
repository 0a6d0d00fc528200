/* The plugin sandbox, inside the Lua host (plugins/README.md, "The sandbox"): the memory cap, the
 * instruction budget, the allowed libraries and the plugin's _ENV, and the one protected-call
 * wrapper. Internal to core/lua/ (through lua/host.h). */
#ifndef IAPT_LUA_SANDBOX_H
#define IAPT_LUA_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>
#include <lua.h>

#include "iaptsim/hooks.h"
#include "iaptsim/plugin.h"

#define N_HOOKS IAPT_HOOK__COUNT

/* One plugin's Lua state in one worker (or the control state at load). */
typedef struct pstate {
	lua_State *L;
	const iapt_plugin *pl;
	int index;             /* plugin's place in the scenario */
	size_t metric0;        /* its first metric in the run's list */
	size_t used, cap;      /* bytes held by the state, and the cap */
	int over;              /* an allocation was refused */
	char over_where[512];  /* where the script was when it was */
	long budget;
	int period;            /* the count hook fires every `period` instructions */
	long ticks;            /* and has fired this many times in the current call */
	int ref[N_HOOKS];      /* registry refs of the hooks, LUA_NOREF when absent */
	int hook;              /* the hook running, -1 at load */
	iapt_run *run;
	iapt_hook_person *person; /* valid only during on_referral / on_discharge */
	gsl_rng *rng;
	int rng_keyed;
	uint64_t rng_entity;
	int person_ref, ctx_ref, opts_ref;
} pstate;

/* The state of ps->pl with the memory cap and the instruction budget of its plugin, the
 * allowed libraries open and the plugin's environment table on the stack (the message
 * handler of every call at index 1 below it). */
int iapt_lua__open(pstate *ps);
/* Close ps->L (NULL is fine). */
void iapt_lua__close(pstate *ps);
/* The pstate of a state made by iapt_lua__open. */
pstate *iapt_lua__ps(lua_State *L);
/* Call the function under nargs arguments on the stack. The error is IAPT_ELUA with the
 * message, the hook and a traceback. */
int iapt_lua__pcall(pstate *ps, int nargs, int nresults);
/* print(...): a line in the run's log. */
int iapt_lua__print(lua_State *L);
/* What was running, for messages (host.c). */
const char *iapt_lua__doing(const pstate *ps, char *buf, size_t n);

#endif
