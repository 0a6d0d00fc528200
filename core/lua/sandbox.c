/* The plugin sandbox (plugins/README.md, "The sandbox").
 *
 * Each plugin runs in a Lua state of its own: base, table, string, math and utf8 only; a
 * private _ENV in which reading an undefined global is an error; an instruction budget per
 * call and a memory cap per state. Every call is protected, with a traceback, and a failure
 * becomes IAPT_ELUA with "plugin.lua:LINE: message". */
#include <limits.h>
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

static void count_hook(lua_State *L, lua_Debug *ar);

/* The count hook fires at every instruction from now on (it raises once the budget is spent
 * or the plugin stopped). Safe anywhere, even inside the allocator (lua.c calls it from a
 * signal handler). */
static void force_hook(pstate *ps)
{
	if (ps->L && !ps->forced) {
		lua_sethook(ps->L, count_hook, LUA_MASKCOUNT, 1);
		ps->forced = 1;
	}
}

/* Stop the plugin for good: nothing of it runs again (see count_hook and the wrappers). */
static void stop(pstate *ps, int why, const char *msg)
{
	if (ps->dead)
		return;
	ps->dead = why;
	snprintf(ps->dead_msg, sizeof ps->dead_msg, "%s", msg);
	force_hook(ps);
}

static void stop_full(pstate *ps)
{
	char msg[600];
	note_where(ps);
	snprintf(msg, sizeof msg, "%s memory cap of %zu MiB exceeded", ps->over_where[0] ? ps->over_where : ps->pl->path,
		 ps->cap >> 20);
	stop(ps, IAPT_LUA_FULL, msg);
}

static int over_budget(const pstate *ps)
{
	return ps->charged > ps->budget - ps->ticks * (long)ps->period;
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
	if (nsize > old) {
		/* Lua retries a refused allocation once, after an emergency collection; anything
		 * else after a refusal means the refusal stood: the plugin is out of memory. */
		int retry = ps->pending && ptr == ps->pend_ptr && osize == ps->pend_osize && nsize == ps->pend_nsize;
		if (ps->pending && !retry)
			stop_full(ps);
		ps->pending = 0;
		if (ps->dead == IAPT_LUA_FULL || ps->used - old + nsize > ps->cap) {
			ps->over = 1;
			note_where(ps);
			if (retry || ps->dead)
				stop_full(ps);
			else {
				ps->pending = 1;
				ps->pend_ptr = ptr;
				ps->pend_osize = osize;
				ps->pend_nsize = nsize;
			}
			return NULL;
		}
	}
	if (!(q = realloc(ptr, nsize)))
		return NULL;
	ps->used = ps->used - old + nsize;
	if (nsize > old) {
		/* building big strings and tables is work too: it counts against the budget */
		ps->charged += (long)((nsize - old) / IAPT_LUA_BYTES_PER_STEP);
		if (over_budget(ps))
			force_hook(ps);
	}
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
		if (!iapt_lua__ps(L)->dead && luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* The innermost Lua function with a line, as "file:line:" */
static void where(lua_State *L, char *buf, size_t n)
{
	lua_Debug ar;
	int level;
	for (level = 0; lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			snprintf(buf, n, "%s:%d:", ar.short_src, ar.currentline);
			return;
		}
	}
	snprintf(buf, n, "%s:", iapt_lua__ps(L)->pl->path);
}

/* The budget error, once the budget is spent or the plugin stopped. */
static int raise_stopped(lua_State *L, pstate *ps)
{
	if (!ps->dead) {
		char w[300], msg[600];
		where(L, w, sizeof w);
		snprintf(msg, sizeof msg, "%s instruction budget of %ld per call exceeded (an endless loop?)", w, ps->budget);
		stop(ps, IAPT_LUA_SPENT, msg);
	}
	lua_pushstring(L, ps->dead_msg); /* once the memory is full this raises the memory error */
	return lua_error(L);
}

/* The instruction budget: the hook stays set for the life of the state (setting it per
 * call costs more than the calls of a light hook) and counts its firings per call. Once the
 * budget is spent it fires at every instruction and raises each time, so a plugin that
 * catches the error cannot go on. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
	pstate *ps = iapt_lua__ps(L);
	(void)ar;
	if (!ps->dead) {
		ps->ticks++;
		if (!over_budget(ps))
			return;
	}
	raise_stopped(L, ps);
}

void iapt_lua__charge(lua_State *L, lua_Integer n)
{
	pstate *ps = iapt_lua__ps(L);
	if (n > 0)
		ps->charged = n > LONG_MAX - ps->charged ? LONG_MAX : ps->charged + (long)n;
	if (ps->dead || over_budget(ps))
		raise_stopped(L, ps);
}

/* Call the function under nargs arguments on the stack. The error is IAPT_ELUA with the
 * message, the hook and a traceback. */
int iapt_lua__pcall(pstate *ps, int nargs, int nresults)
{
	char wbuf[256];
	const char *what, *m;
	lua_State *L = ps->L;
	int st;
	if (!ps->dead) {
		ps->over = ps->pending = 0;
		ps->over_where[0] = '\0';
		ps->ticks = ps->charged = 0;
		if (ps->forced) {
			lua_sethook(L, count_hook, LUA_MASKCOUNT, ps->period);
			ps->forced = 0;
		}
		st = lua_pcall(L, nargs, nresults, 1); /* the message handler lives at index 1 */
		if (st == LUA_OK)
			return IAPT_OK;
		if (st == LUA_ERRMEM)
			stop_full(ps);
	} else {
		lua_pop(L, nargs + 1); /* a stopped plugin runs nothing more */
		lua_pushnil(L);
	}
	what = iapt_lua__doing(ps, wbuf, sizeof wbuf);
	m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	if (ps->dead && (!m || strncmp(m, ps->dead_msg, strlen(ps->dead_msg)) != 0)) {
		/* whatever the plugin made of the error since: the reason it was stopped */
		iapt_error__set(IAPT_ELUA, "%s\n  (%s)", ps->dead_msg, what);
	} else {
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

/* print goes to the run's log: "plugin: a\tb". The run keeps the first IAPT_LOG_MAX_LINES
 * lines of a replicate; those a plugin writes may hold IAPT_LUA_LOG_MAX bytes in all, and
 * more is an error (the log is held in memory outside the plugin's cap until the run ends). */
int iapt_lua__print(lua_State *L)
{
	pstate *ps = iapt_lua__ps(L);
	luaL_Buffer b;
	int i, n = lua_gettop(L);
	size_t len;
	const char *line;
	if (!ps->run || ++ps->log_lines > IAPT_LOG_MAX_LINES) {
		/* not kept, so not built; the first line over says so in the log */
		if (ps->run && ps->log_lines == IAPT_LOG_MAX_LINES + 1 && iapt_run_log(ps->run, ""))
			return luaL_error(L, "out of memory (log)");
		return 0;
	}
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
	line = lua_tolstring(L, -1, &len);
	if (len + 1 > IAPT_LUA_LOG_MAX - ps->log_bytes)
		return luaL_error(L, "print: a line of %d bytes takes the plugin's log in this replicate over its limit of %d KiB",
				  (int)(len < INT_MAX ? len : INT_MAX), IAPT_LUA_LOG_MAX / 1024);
	ps->log_bytes += len + 1;
	if (iapt_run_log(ps->run, line))
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
		/* a full collection walks the whole heap: it costs in proportion */
		iapt_lua__charge(L, ((lua_Integer)lua_gc(L, LUA_GCCOUNT, 0) << 10) / IAPT_LUA_BYTES_PER_STEP);
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

/* ---- protected calls, finalisers and library loops inside the sandbox ----
 *
 * pcall and xpcall as in Lua 5.4 (lbaselib.c), except that a plugin stopped by its budget or
 * its memory cap cannot catch that: the error passes on. An xpcall message handler is not
 * called once the plugin is stopped (Lua calls it with hooks off when the error comes from
 * the count hook, so a loop in it would never be counted). */
static int finish_pcall(lua_State *L, int status, lua_KContext extra)
{
	pstate *ps = iapt_lua__ps(L);
	if (status != LUA_OK && status != LUA_YIELD) {
		if (status == LUA_ERRMEM || ps->pending) /* an allocation refused, and it stood */
			stop_full(ps);
		if (ps->dead)
			return lua_error(L); /* the error object is on top */
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - (int)extra;
}

static int l_pcall(lua_State *L)
{
	int status;
	luaL_checkany(L, 1);
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
	return finish_pcall(L, status, 0);
}

/* The plugin's message handler (upvalue 1), unless the plugin is stopped. */
static int xpcall_handler(lua_State *L)
{
	if (iapt_lua__ps(L)->dead) {
		lua_settop(L, 1);
		return 1;
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int l_xpcall(lua_State *L)
{
	int status, n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, xpcall_handler, 1);
	lua_replace(L, 2);
	lua_pushboolean(L, 1);
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2);
	status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
	return finish_pcall(L, status, 2);
}

/* setmetatable as in Lua 5.4, without finalisers: Lua runs __gc with hooks off (lgc.c,
 * GCTM), so no budget could stop one, at any collection or when the state closes. Plugins
 * own no resources to release. */
static int l_setmetatable(lua_State *L)
{
	int t = lua_type(L, 2);
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "setmetatable: __gc finalisers are not available to plugins (nothing could bound their run time)");
		lua_pop(L, 1);
	}
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

/* Loops of the table library run in C, where the count hook never fires, and their length
 * is the plugin's to choose (table.move({}, 1, 1e18, 1), or a __len that says 2^62): each
 * call is charged an instruction per element it will visit, before it starts, then runs the
 * library's own function (upvalue 1). */
static lua_Integer span(lua_Integer from, lua_Integer to)
{
	if (to < from)
		return 0;
	if ((lua_Unsigned)to - (lua_Unsigned)from >= (lua_Unsigned)LUA_MAXINTEGER)
		return LUA_MAXINTEGER;
	return to - from + 1;
}

/* #t as the library will see it: __len, when the table has one, is called here too */
static lua_Integer len_of(lua_State *L, int idx)
{
	if (luaL_getmetafield(L, idx, "__len") == LUA_TNIL)
		return (lua_Integer)lua_rawlen(L, idx);
	lua_pop(L, 1);
	return luaL_len(L, idx);
}

static int call_original(lua_State *L, lua_Integer steps)
{
	iapt_lua__charge(L, steps);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static int t_concat(lua_State *L)
{
	lua_Integer i, j;
	if (lua_type(L, 1) != LUA_TTABLE)
		return call_original(L, 0); /* its own error */
	lua_settop(L, 4);
	(void)luaL_optstring(L, 2, "");
	i = luaL_optinteger(L, 3, 1);
	j = lua_isnil(L, 4) ? len_of(L, 1) : luaL_checkinteger(L, 4);
	lua_pushinteger(L, j); /* so that __len is not called twice */
	lua_replace(L, 4);
	return call_original(L, span(i, j));
}

static int t_insert(lua_State *L)
{
	lua_Integer steps = 0;
	if (lua_type(L, 1) == LUA_TTABLE && lua_gettop(L) == 3)
		steps = span(luaL_checkinteger(L, 2), len_of(L, 1));
	return call_original(L, steps);
}

static int t_remove(lua_State *L)
{
	lua_Integer steps = 0;
	if (lua_type(L, 1) == LUA_TTABLE) {
		lua_Integer n = len_of(L, 1);
		steps = span(luaL_optinteger(L, 2, n), n);
	}
	return call_original(L, steps);
}

static int t_move(lua_State *L)
{
	return call_original(L, span(luaL_checkinteger(L, 2), luaL_checkinteger(L, 3)));
}

static int t_unpack(lua_State *L)
{
	lua_Integer i, j;
	lua_settop(L, 3);
	i = luaL_optinteger(L, 2, 1);
	j = lua_isnil(L, 3) ? len_of(L, 1) : luaL_checkinteger(L, 3);
	lua_pushinteger(L, j);
	lua_replace(L, 3);
	return call_original(L, span(i, j));
}

static int t_sort(lua_State *L)
{
	lua_Integer n, steps = 0;
	if (lua_type(L, 1) == LUA_TTABLE && (n = len_of(L, 1)) > 1) {
		lua_Integer lg = 1;
		while (lg < 62 && ((lua_Integer)1 << lg) < n)
			lg++;
		steps = n > LUA_MAXINTEGER / lg ? LUA_MAXINTEGER : n * lg; /* comparisons, about */
	}
	return call_original(L, steps);
}

/* string.rep("", 2^62) copies nothing 2^62 times in C: an empty result is made at once.
 * Otherwise the result is as long as the copies, which the memory cap bounds. */
static int s_rep(lua_State *L)
{
	size_t l, lsep;
	(void)luaL_checklstring(L, 1, &l);
	(void)luaL_checkinteger(L, 2);
	(void)luaL_optlstring(L, 3, "", &lsep);
	if (l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	return call_original(L, 0);
}

/* Replace the functions named in fns of the table on the top, the original as upvalue. */
static void wrap(lua_State *L, const luaL_Reg *fns)
{
	for (; fns->name; fns++) {
		lua_getfield(L, -1, fns->name);
		lua_pushcclosure(L, fns->func, 1);
		lua_setfield(L, -2, fns->name);
	}
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
		pstate *ps = iapt_lua__ps(L);
		if (ps->pending)
			stop_full(ps);
		if (ps->dead)
			return lua_error(L); /* out of memory while compiling: not the plugin's to catch */
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

static const luaL_Reg string_wrapped[] = {{"rep", s_rep}, {NULL, NULL}};
static const luaL_Reg table_wrapped[] = {{"concat", t_concat}, {"insert", t_insert}, {"remove", t_remove},
					 {"move", t_move}, {"unpack", t_unpack}, {"sort", t_sort}, {NULL, NULL}};

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
	iapt_lua__open_patterns(L); /* the string metatable's __index is this table too */
	wrap(L, string_wrapped);
	lua_pop(L, 1);
	lua_getglobal(L, "table");
	wrap(L, table_wrapped);
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
	lua_pushcfunction(L, l_pcall);
	lua_setfield(L, -2, "pcall");
	lua_pushcfunction(L, l_xpcall);
	lua_setfield(L, -2, "xpcall");
	lua_pushcfunction(L, l_setmetatable);
	lua_setfield(L, -2, "setmetatable");
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
