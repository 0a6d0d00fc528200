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
	long charged;          /* library work charged to the budget in the current call */
	int forced;            /* the count hook fires at every instruction (budget spent) */
	int dead;              /* IAPT_LUA_SPENT or IAPT_LUA_FULL: stopped for good */
	char dead_msg[600];    /* "file:line: instruction budget ..." */
	int pending;           /* an allocation was refused; Lua may retry it after a full GC */
	const void *pend_ptr;
	size_t pend_osize, pend_nsize;
	size_t log_bytes;      /* bytes logged by print and ctx:log in this replicate */
	int log_lines;         /* and lines */
	int set_called;        /* ctx:set ran in the hook call in progress */
	int costed;            /* this replicate: a ctx:flow, or a parameter the core costs (trainees) */
	char uncosted[160];    /* the first change to capacity or reach it made, "" if none */
	char set_where[300];   /* "file:line:" of the last ctx:set */
	int ref[N_HOOKS];      /* registry refs of the hooks, LUA_NOREF when absent */
	int group_ref[IAPT_HOOK_MAX_GROUPS]; /* of the groups' assign functions (pl->groups order) */
	int grouping;          /* 1 + the group whose assign runs (read-only person), else 0 */
	int hook;              /* the hook running, -1 at load */
	iapt_run *run;
	iapt_hook_person *person; /* valid only during on_referral / on_discharge */
	gsl_rng *rng;
	int rng_keyed;
	uint64_t rng_entity;
	int person_ref, ctx_ref, opts_ref;
	const void *person_ud; /* the person object: checked by address, as hooks read it often */
} pstate;

/* Why a plugin was stopped for good: its budget is spent, or its memory cap reached. After
 * that every instruction, protected call, message handler and load fails at once. */
enum { IAPT_LUA_SPENT = 1, IAPT_LUA_FULL = 2 };

/* Bytes of log (print, ctx:log) a plugin may write in one replicate (plugins/README.md). */
#define IAPT_LUA_LOG_MAX (1024 * 1024)
/* Allocated bytes that count as one instruction of the budget. */
#define IAPT_LUA_BYTES_PER_STEP 64

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
/* Charge n steps of library work to the budget of the call in progress; raises the budget
 * error (and stops the plugin) when it is spent. */
void iapt_lua__charge(lua_State *L, lua_Integer n);
/* string.find, match, gmatch and gsub with a step count (strmatch.c), set in the table on
 * the top of the stack. */
void iapt_lua__open_patterns(lua_State *L);
/* print(...): a line in the run's log. */
int iapt_lua__print(lua_State *L);
/* What was running, for messages (host.c). */
const char *iapt_lua__doing(const pstate *ps, char *buf, size_t n);

#endif
