/* The plugin sandbox (plugins/README.md, "The sandbox").
 *
 * Each plugin runs in a Lua state of its own: base, table, string, math and utf8 only; a
 * private _ENV in which reading an undefined global is an error; an instruction budget per
 * call and a memory cap per state. Every call is protected, with a traceback, and a failure
 * becomes IAPT_ELUA with "plugin.lua:LINE: message". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "rng/stream.h"
#include "lua/sandbox.h"
#include "util/util.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- memory: a cap per state ---- */

static void note_where(pstate *ps)
{
	lua_Debug ar;
	int level;
	if (!ps->L || ps->over_where[0])
		return;
	/* the innermost Lua function with a line: reading the stack does not allocate */
	for (level = 0; lua_getstack(ps->L, level, &ar); level++) {
		if (lua_getinfo(ps->L, "Sl", &ar) && ar.currentline > 0) {
			snprintf(ps->over_where, sizeof ps->over_where, "%s:%d:", ar.short_src, ar.currentline);
			return;
		}
	}
}

static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	pstate *ps = ud;
	size_t old = ptr ? osize : 0;
	void *q;
	if (nsize == 0) {
		free(ptr);
		ps->used -= old;
		return NULL;
	}
	if (nsize > old && ps->used - old + nsize > ps->cap) {
		ps->over = 1;
		note_where(ps);
		return NULL;
	}
	if (!(q = realloc(ptr, nsize)))
		return NULL;
	ps->used = ps->used - old + nsize;
	return q;
}

pstate *iapt_lua__ps(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

/* ---- protected calls ---- */

static int msgh(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* The instruction budget: the hook stays set for the life of the state (setting it per
 * call costs more than the calls of a light hook) and counts its firings per call. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
	pstate *ps = iapt_lua__ps(L);
	if (++ps->ticks * (long)ps->period <= ps->budget)
		return;
	lua_getinfo(L, "Sl", ar);
	lua_pushfstring(L, "%s:%d: instruction budget of %I per call exceeded (an endless loop?)",
			ar->short_src, ar->currentline, (LUA_INTEGER)ps->budget);
	lua_error(L);
}

/* Call the function under nargs arguments on the stack. The error is IAPT_ELUA with the
 * message, the hook and a traceback. */
int iapt_lua__pcall(pstate *ps, int nargs, int nresults)
{
	char wbuf[256];
	const char *what;
	lua_State *L = ps->L;
	int st;
	ps->over = 0;
	ps->over_where[0] = '\0';
	ps->ticks = 0;
	st = lua_pcall(L, nargs, nresults, 1); /* the message handler lives at index 1 */
	if (st == LUA_OK)
		return IAPT_OK;
	what = iapt_lua__doing(ps, wbuf, sizeof wbuf);
	if (st == LUA_ERRMEM || ps->over) {
		/* no traceback: Lua does not call the handler for memory errors */
		iapt_error__set(IAPT_ELUA, "%s memory cap of %zu MiB exceeded\n  (%s)",
				ps->over_where[0] ? ps->over_where : ps->pl->path, ps->cap >> 20, what);
	} else {
		const char *m = lua_tostring(L, -1);
		const char *nl = m ? strchr(m, '\n') : NULL;
		/* "file:line: message", then where it ran, then the traceback */
		if (nl)
			iapt_error__set(IAPT_ELUA, "%.*s\n  (%s)%s", (int)(nl - m), m, what, nl);
		else
			iapt_error__set(IAPT_ELUA, "%s\n  (%s)", m ? m : "error", what);
	}
	lua_pop(L, 1);
	return IAPT_ELUA;
}

/* ---- the sandbox ---- */

static int env_index(lua_State *L)
{
	const char *k = lua_tostring(L, 2);
	return luaL_error(L, "attempt to read undefined global '%s'", k ? k : luaL_typename(L, 2));
}

/* print goes to the run's log: "plugin: a\tb" */
int iapt_lua__print(lua_State *L)
{
	pstate *ps = iapt_lua__ps(L);
	luaL_Buffer b;
	int i, n = lua_gettop(L);
	luaL_buffinit(L, &b);
	lua_pushfstring(L, "%s: ", ps->pl->name ? ps->pl->name : ps->pl->path);
	luaL_addvalue(&b);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	if (ps->run && iapt_run_log(ps->run, lua_tostring(L, -1)))
		return luaL_error(L, "out of memory (log)");
	return 0;
}

static int l_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "collect");
	if (strcmp(opt, "count") == 0) {
		lua_pushnumber(L, (lua_Number)lua_gc(L, LUA_GCCOUNT, 0) + lua_gc(L, LUA_GCCOUNTB, 0) / 1024.0);
		return 1;
	}
	if (strcmp(opt, "collect") == 0) {
		lua_gc(L, LUA_GCCOLLECT, 0);
		lua_pushinteger(L, 0);
		return 1;
	}
	return luaL_error(L, "collectgarbage('%s') is not available to plugins (only 'count' and 'collect')", opt);
}

static int l_randomseed(lua_State *L)
{
	return luaL_error(L, "math.randomseed is not available: math.random draws from the person's stream, keyed by the scenario's seed");
}

static gsl_rng *plugin_rng(pstate *ps)
{
	if (!ps->rng_keyed) {
		iapt_rng_rekey(ps->rng, iapt_run_key(ps->run, ps->rng_entity));
		ps->rng_keyed = 1;
	}
	return ps->rng;
}

/* 64 random bits: the keyed type gives 32 a draw */
static uint64_t draw64(pstate *ps)
{
	gsl_rng *r = plugin_rng(ps);
	uint64_t hi = (uint64_t)gsl_rng_get(r);
	return (hi << 32) | (uint64_t)gsl_rng_get(r);
}

/* math.random as Lua 5.4 defines it, from the stream of the person (or year) in hand */
static int l_random(lua_State *L)
{
	pstate *ps = iapt_lua__ps(L);
	lua_Integer lo, up;
	uint64_t r, lim, mask;
	if (!ps->run)
		return luaL_error(L, "math.random is available only inside hooks");
	if (lua_gettop(L) == 0) {
		lua_pushnumber(L, gsl_rng_uniform(plugin_rng(ps))); /* [0, 1), 53 bits */
		return 1;
	}
	r = draw64(ps);
	switch (lua_gettop(L)) {
	case 1:
		lo = 1;
		up = luaL_checkinteger(L, 1);
		if (up == 0) {
			lua_pushinteger(L, (lua_Integer)r);
			return 1;
		}
		break;
	case 2:
		lo = luaL_checkinteger(L, 1);
		up = luaL_checkinteger(L, 2);
		break;
	default:
		return luaL_error(L, "wrong number of arguments");
	}
	luaL_argcheck(L, lo <= up, lua_gettop(L), "interval is empty");
	lim = (uint64_t)up - (uint64_t)lo;
	/* uniform on [0, lim] by masking and rejection */
	mask = lim;
	mask |= mask >> 1;
	mask |= mask >> 2;
	mask |= mask >> 4;
	mask |= mask >> 8;
	mask |= mask >> 16;
	mask |= mask >> 32;
	while ((r &= mask) > lim)
		r = draw64(ps);
	lua_pushinteger(L, (lua_Integer)((uint64_t)lo + r));
	return 1;
}

/* l_load's default environment is its upvalue: the plugin's _ENV */
static int l_load_env(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, "=(load)");
	const char *mode = luaL_optstring(L, 3, "t");
	if (strcmp(mode, "t") != 0)
		return luaL_error(L, "load: only text chunks (mode 't') are allowed in plugins");
	if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	if (!lua_isnone(L, 4))
		lua_pushvalue(L, 4);
	else
		lua_pushvalue(L, lua_upvalueindex(1));
	(void)lua_setupvalue(L, -2, 1);
	return 1;
}

static const char *const base_allowed[] = {"assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal",
					    "rawget", "rawlen", "rawset", "select", "setmetatable", "getmetatable",
					    "tonumber", "tostring", "type", "xpcall", "_VERSION"};

/* Opens the allowed libraries and leaves the plugin's environment table on the stack. */
static int open_sandbox(lua_State *L)
{
	size_t i;
	luaL_requiref(L, "_G", luaopen_base, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	lua_pop(L, 5);
	/* string.dump makes binary chunks: not needed, not offered */
	lua_getglobal(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	lua_getglobal(L, "math");
	lua_pushcfunction(L, l_random);
	lua_setfield(L, -2, "random");
	lua_pushcfunction(L, l_randomseed);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);

	lua_newtable(L); /* the plugin's _ENV */
	lua_pushglobaltable(L);
	for (i = 0; i < N_OF(base_allowed); i++) {
		lua_getfield(L, -1, base_allowed[i]);
		lua_setfield(L, -3, base_allowed[i]);
	}
	lua_getfield(L, -1, "string");
	lua_setfield(L, -3, "string");
	lua_getfield(L, -1, "table");
	lua_setfield(L, -3, "table");
	lua_getfield(L, -1, "math");
	lua_setfield(L, -3, "math");
	lua_getfield(L, -1, "utf8");
	lua_setfield(L, -3, "utf8");
	lua_pop(L, 1); /* the real globals stay out of reach */
	lua_pushcfunction(L, iapt_lua__print);
	lua_setfield(L, -2, "print");
	lua_pushvalue(L, -1);
	lua_pushcclosure(L, l_load_env, 1); /* text only; the plugin's _ENV by default */
	lua_setfield(L, -2, "load");
	lua_pushcfunction(L, l_collectgarbage);
	lua_setfield(L, -2, "collectgarbage");
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	lua_newtable(L);
	lua_pushcfunction(L, env_index);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	return 1;
}


int iapt_lua__open(pstate *ps)
{
	lua_State *L;
	ps->cap = ps->pl->memory_bytes;
	ps->budget = ps->pl->instructions;
	/* a call is stopped between budget and budget + period instructions */
	ps->period = (int)(ps->budget / 16 > 1000 ? ps->budget / 16 : 1000);
	if (!(ps->L = L = lua_newstate(l_alloc, ps)))
		return iapt_error__set(IAPT_ENOMEM, "%s: cannot create a Lua state (memory cap %zu MiB)", ps->pl->path, ps->cap >> 20);
	lua_sethook(L, count_hook, LUA_MASKCOUNT, ps->period);
	lua_pushcfunction(L, msgh); /* stays at index 1: every pcall's message handler */
	lua_pushcfunction(L, open_sandbox);
	return iapt_lua__pcall(ps, 0, 1);
}

void iapt_lua__close(pstate *ps)
{
	if (ps->L)
		lua_close(ps->L);
	ps->L = NULL;
}
