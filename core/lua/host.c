/* The Lua host (ARCHITECTURE.md, plugin contract; STYLE.md rules 6-12).
 *
 * Each plugin runs in a Lua state of its own: base, table, string, math and utf8 only; a
 * private _ENV in which reading an undefined global is an error; an instruction budget per
 * call and a memory cap per state. Every call is protected, with a traceback, and a failure
 * becomes IAPT_ELUA with "plugin.lua:LINE: message". The engine never sees Lua: it calls
 * the iapt_hooks table built here. */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "iaptsim/econ.h"
#include "iaptsim/plugin.h"
#include "iaptsim/rng.h"
#include "engine/outcome.h"
#include "lua/host.h"
#include "lua/sandbox.h"
#include "util/util.h"

/* Names the person attributes take (engine order). */
static const char *const problem_names[] = {"depression", "generalised_anxiety", "mixed_anxiety_depression",
					    "social_anxiety", "ptsd", "panic", "ocd", "health_anxiety", "other"};
static const char *const ltc_names[] = {"diabetes", "copd", "cardiovascular", "musculoskeletal_pain", "other"};
static const char *const age_names[] = {"18_25", "26_35", "36_64", "65_plus"};
static const char *const emp_names[] = {"employed", "unemployed_or_sick", "other"};
static const char *const route_names[] = {"li", "hi", "signpost"};
static const char *const hook_names[] = {"setup", "on_year", "on_referral", "on_discharge", "on_finish"};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

enum { H_SETUP, H_YEAR, H_REFERRAL, H_DISCHARGE, H_FINISH };
/* A plugin's hook bits (plugin.h) are the engine's (engine.h), in hook_names order. */
_Static_assert((int)IAPT_PLUGIN_SETUP == (int)IAPT_HOOK_SETUP && IAPT_PLUGIN_SETUP == 1 << H_SETUP, "hook bits");
_Static_assert((int)IAPT_PLUGIN_ON_YEAR == (int)IAPT_HOOK_YEAR && IAPT_PLUGIN_ON_YEAR == 1 << H_YEAR, "hook bits");
_Static_assert((int)IAPT_PLUGIN_ON_REFERRAL == (int)IAPT_HOOK_REFERRAL && IAPT_PLUGIN_ON_REFERRAL == 1 << H_REFERRAL, "hook bits");
_Static_assert((int)IAPT_PLUGIN_ON_DISCHARGE == (int)IAPT_HOOK_DISCHARGE && IAPT_PLUGIN_ON_DISCHARGE == 1 << H_DISCHARGE, "hook bits");
_Static_assert((int)IAPT_PLUGIN_ON_FINISH == (int)IAPT_HOOK_FINISH && IAPT_PLUGIN_ON_FINISH == 1 << H_FINISH, "hook bits");

/* What was running, for messages: "on_referral, replicate 3" or "loading". */
const char *iapt_lua__doing(const pstate *ps, char *buf, size_t n)
{
	iapt_run_info in;
	const char *name = ps->pl->name ? ps->pl->name : "?";
	if (ps->hook < 0 || !ps->run) {
		snprintf(buf, n, "while loading the plugin");
		return buf;
	}
	iapt_run__info(ps->run, &in);
	snprintf(buf, n, "in %s of plugin '%s', replicate %d", hook_names[ps->hook], name, in.replicate + 1);
	return buf;
}

/* A state with the sandbox, the plugin's chunk run in it, its table on the stack. */
static int open_state(pstate *ps, const iapt_plugin *pl)
{
	lua_State *L;
	char chunkname[1100];
	int rc;
	ps->pl = pl;
	ps->hook = -1;
	for (rc = 0; rc < N_HOOKS; rc++)
		ps->ref[rc] = LUA_NOREF;
	ps->person_ref = ps->ctx_ref = ps->opts_ref = LUA_NOREF;
	if ((rc = iapt_lua__open(ps)))
		return rc;
	L = ps->L;
	snprintf(chunkname, sizeof chunkname, "@%s", pl->path);
	if (luaL_loadbufferx(L, pl->source, pl->source_len, chunkname, "t") != LUA_OK) {
		iapt_error__set(IAPT_ELUA, "%s", lua_tostring(L, -1));
		return IAPT_ELUA;
	}
	lua_pushvalue(L, -2);
	(void)lua_setupvalue(L, -2, 1); /* _ENV */
	lua_remove(L, -2);
	if ((rc = iapt_lua__pcall(ps, 0, 1)))
		return rc;
	if (!lua_istable(L, -1))
		return iapt_error__set(IAPT_ELUA, "%s: a plugin must return a table (name, summary, options, hooks); this one returned %s",
				       pl->path, luaL_typename(L, -1));
	return IAPT_OK;
}

static void close_state(pstate *ps)
{
	iapt_lua__close(ps);
	if (ps->rng)
		gsl_rng_free(ps->rng);
	ps->rng = NULL;
}

/* ---- describing a plugin (the control state) ---- */

static int is_ident(const char *s)
{
	size_t i;
	if (!s || !(*s == '_' || (*s >= 'a' && *s <= 'z')))
		return 0;
	for (i = 1; s[i]; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return i <= 64;
}

static char *dup_field(lua_State *L, int idx, const char *k)
{
	char *s;
	lua_getfield(L, idx, k);
	s = lua_type(L, -1) == LUA_TSTRING ? iapt_str__dup(lua_tostring(L, -1)) : NULL;
	lua_pop(L, 1);
	return s;
}

/* Unknown keys of a spec table are mistakes: say which, and the nearest known key. */
static int check_keys(lua_State *L, int idx, const char *const *known, size_t n, const char *path, const char *what)
{
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		size_t i;
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		for (i = 0; k && i < n; i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (!k || i == n) {
			const char *near = k ? iapt_str__suggest(k, known, n) : NULL;
			iapt_error__set(IAPT_ELUA, "%s: %s: unknown field '%s'%s%s%s", path, what,
					k ? k : luaL_typename(L, -2), near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
			lua_pop(L, 2);
			return IAPT_ELUA;
		}
		lua_pop(L, 1);
	}
	return IAPT_OK;
}

static int cmp_opt(const void *a, const void *b)
{
	return strcmp(((const iapt_plugin_option *)a)->name, ((const iapt_plugin_option *)b)->name);
}

static int cmp_metric(const void *a, const void *b)
{
	return strcmp(((const iapt_plugin_metric *)a)->name, ((const iapt_plugin_metric *)b)->name);
}

static const char *const option_keys[] = {"default", "min", "max", "doc", "integer", "choices"};

static int describe_option(lua_State *L, iapt_plugin *pl, iapt_plugin_option *o, const char *name)
{
	int t = lua_gettop(L), ty;
	char what[128];
	snprintf(what, sizeof what, "options.%s", name);
	if (!lua_istable(L, t))
		return iapt_error__set(IAPT_ELUA, "%s: %s: expected a table {default = ..., doc = ...}, got %s", pl->path, what,
				       luaL_typename(L, t));
	if (check_keys(L, t, option_keys, N_OF(option_keys), pl->path, what))
		return IAPT_ELUA;
	if (!(o->name = iapt_str__dup(name)) || !(o->origin = iapt_str__dup("default")))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	if (!(o->doc = dup_field(L, t, "doc")) || !o->doc[0])
		return iapt_error__set(IAPT_ELUA, "%s: %s: 'doc' is required (one line on what the option does)", pl->path, what);
	lua_getfield(L, t, "default");
	ty = lua_type(L, -1);
	if (ty == LUA_TNUMBER) {
		int integer;
		o->def_num = lua_tonumber(L, -1);
		lua_getfield(L, t, "integer");
		integer = lua_toboolean(L, -1);
		lua_pop(L, 1);
		o->kind = integer ? IAPT_OPT_INTEGER : IAPT_OPT_NUMBER;
		lua_getfield(L, t, "min");
		lua_getfield(L, t, "max");
		if (!lua_isnumber(L, -2) || !lua_isnumber(L, -1)) {
			lua_pop(L, 3);
			return iapt_error__set(IAPT_ELUA, "%s: %s: a number option needs 'min' and 'max' bounds", pl->path, what);
		}
		o->min = lua_tonumber(L, -2);
		o->max = lua_tonumber(L, -1);
		lua_pop(L, 2);
		if (!isfinite(o->def_num) || !(o->min <= o->def_num && o->def_num <= o->max)) {
			lua_pop(L, 1);
			return iapt_error__set(IAPT_ELUA, "%s: %s: default %.17g is outside [%.17g, %.17g]", pl->path, what,
					       o->def_num, o->min, o->max);
		}
		if (integer && o->def_num != floor(o->def_num)) {
			lua_pop(L, 1);
			return iapt_error__set(IAPT_ELUA, "%s: %s: default %.17g is not a whole number", pl->path, what, o->def_num);
		}
	} else if (ty == LUA_TBOOLEAN) {
		o->kind = IAPT_OPT_BOOLEAN;
		o->def_num = lua_toboolean(L, -1);
		o->min = 0;
		o->max = 1;
	} else if (ty == LUA_TSTRING) {
		o->kind = IAPT_OPT_STRING;
		if (!(o->def_str = iapt_str__dup(lua_tostring(L, -1))) || !(o->str = iapt_str__dup(o->def_str))) {
			lua_pop(L, 1);
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		}
		lua_getfield(L, t, "choices");
		if (lua_istable(L, -1)) {
			size_t i, n = (size_t)lua_rawlen(L, -1), ok = 0;
			o->choices = calloc(n + 1, sizeof *o->choices);
			if (!o->choices) {
				lua_pop(L, 2);
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
			}
			for (i = 0; i < n; i++) {
				lua_rawgeti(L, -1, (lua_Integer)i + 1);
				if (lua_type(L, -1) != LUA_TSTRING) {
					lua_pop(L, 3);
					return iapt_error__set(IAPT_ELUA, "%s: %s: choices must be strings", pl->path, what);
				}
				o->choices[o->n_choices++] = iapt_str__dup(lua_tostring(L, -1));
				if (strcmp(lua_tostring(L, -1), o->def_str) == 0)
					ok = 1;
				lua_pop(L, 1);
			}
			if (!ok) {
				lua_pop(L, 2);
				return iapt_error__set(IAPT_ELUA, "%s: %s: default '%s' is not one of its choices", pl->path, what, o->def_str);
			}
		}
		lua_pop(L, 1);
	} else {
		lua_pop(L, 1);
		return iapt_error__set(IAPT_ELUA, "%s: %s: 'default' must be a number, a boolean or a string, got %s", pl->path, what,
				       lua_typename(L, ty));
	}
	lua_pop(L, 1);
	o->num = o->def_num;
	return IAPT_OK;
}

static const char *const plugin_keys[] = {"name", "summary", "options", "metrics", "setup", "on_year",
					  "on_referral", "on_discharge", "on_finish"};
static const char *const metric_keys[] = {"doc", "kind"};

/* The plugin's table is at the top of the stack. */
static int describe(lua_State *L, iapt_plugin *pl)
{
	int t = lua_gettop(L), h;
	size_t n;
	if (check_keys(L, t, plugin_keys, N_OF(plugin_keys), pl->path, "the plugin table"))
		return IAPT_ELUA;
	pl->name = dup_field(L, t, "name");
	if (!is_ident(pl->name))
		return iapt_error__set(IAPT_ELUA, "%s: 'name' is required: a lower-case name of letters, digits and '_' (like long_term_conditions)", pl->path);
	pl->summary = dup_field(L, t, "summary");
	if (!pl->summary || !pl->summary[0])
		return iapt_error__set(IAPT_ELUA, "%s: 'summary' is required: one line on what the plugin models", pl->path);
	for (h = 0; h < N_HOOKS; h++) {
		lua_getfield(L, t, hook_names[h]);
		if (lua_isfunction(L, -1))
			pl->hooks |= 1u << h;
		else if (!lua_isnil(L, -1)) {
			iapt_error__set(IAPT_ELUA, "%s: '%s' must be a function, got %s", pl->path, hook_names[h], luaL_typename(L, -1));
			lua_pop(L, 1);
			return IAPT_ELUA;
		}
		lua_pop(L, 1);
	}
	lua_getfield(L, t, "options");
	if (!lua_isnil(L, -1)) {
		int o = lua_gettop(L);
		if (!lua_istable(L, o))
			return iapt_error__set(IAPT_ELUA, "%s: 'options' must be a table of {default, min, max, doc}", pl->path);
		for (n = 0, lua_pushnil(L); lua_next(L, o); lua_pop(L, 1))
			n++;
		pl->options = calloc(n + 1, sizeof *pl->options);
		if (!pl->options)
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		lua_pushnil(L);
		while (lua_next(L, o)) {
			const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
			if (!is_ident(k))
				return iapt_error__set(IAPT_ELUA, "%s: options: '%s' is not a plain name (lower case letters, digits, '_')",
						       pl->path, k ? k : luaL_typename(L, -2));
			if (describe_option(L, pl, &pl->options[pl->n_options++], k))
				return IAPT_ELUA;
			lua_pop(L, 1);
		}
		qsort(pl->options, pl->n_options, sizeof *pl->options, cmp_opt);
	}
	lua_pop(L, 1);
	lua_getfield(L, t, "metrics");
	if (!lua_isnil(L, -1)) {
		int o = lua_gettop(L);
		if (!lua_istable(L, o))
			return iapt_error__set(IAPT_ELUA, "%s: 'metrics' must be a table of {doc, kind}", pl->path);
		for (n = 0, lua_pushnil(L); lua_next(L, o); lua_pop(L, 1))
			n++;
		if (n > IAPT_PLUGIN_MAX_METRICS)
			return iapt_error__set(IAPT_ELUA, "%s: %zu metrics is more than the %d a plugin may declare", pl->path, n,
					       IAPT_PLUGIN_MAX_METRICS);
		pl->metrics = calloc(n + 1, sizeof *pl->metrics);
		if (!pl->metrics)
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		lua_pushnil(L);
		while (lua_next(L, o)) {
			const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
			iapt_plugin_metric *m = &pl->metrics[pl->n_metrics++];
			char *kind;
			char what[128];
			if (!is_ident(k))
				return iapt_error__set(IAPT_ELUA, "%s: metrics: '%s' is not a plain name", pl->path, k ? k : "?");
			snprintf(what, sizeof what, "metrics.%s", k);
			if (!lua_istable(L, -1))
				return iapt_error__set(IAPT_ELUA, "%s: %s: expected {doc = ..., kind = 'count' or 'level'}", pl->path, what);
			if (check_keys(L, lua_gettop(L), metric_keys, N_OF(metric_keys), pl->path, what))
				return IAPT_ELUA;
			m->name = iapt_str__dup(k);
			m->doc = dup_field(L, -1, "doc");
			if (!m->doc || !m->doc[0])
				return iapt_error__set(IAPT_ELUA, "%s: %s: 'doc' is required", pl->path, what);
			kind = dup_field(L, -1, "kind");
			if (!kind || (strcmp(kind, "count") && strcmp(kind, "level"))) {
				free(kind);
				return iapt_error__set(IAPT_ELUA, "%s: %s: 'kind' must be 'count' (summed, scaled to national) or 'level' (set, as is)",
						       pl->path, what);
			}
			m->level = strcmp(kind, "level") == 0;
			free(kind);
			lua_pop(L, 1);
		}
		qsort(pl->metrics, pl->n_metrics, sizeof *pl->metrics, cmp_metric);
	}
	lua_pop(L, 1);
	return IAPT_OK;
}

/* describe(table, pl, &rc) as a call: the plugin's tables may have metamethods, which are
 * the plugin's code and run under protection and the budget like the rest of it. */
static int describe_call(lua_State *L)
{
	iapt_plugin *pl = lua_touserdata(L, 2);
	int *rc = lua_touserdata(L, 3);
	lua_settop(L, 1);
	*rc = describe(L, pl);
	return 0;
}

/* base/rel with "./" and "dir/.." folded, so that messages show the path a person would
 * type: "scenarios/../plugins/x.lua" becomes "plugins/x.lua". */
static void join_path(iapt_buf *b, const char *base, const char *rel)
{
	size_t keep;
	iapt_buf__printf(b, "%s", base && base[0] ? base : "");
	while (1) {
		if (strncmp(rel, "./", 2) == 0) {
			rel += 2;
		} else if (strncmp(rel, "../", 3) == 0 && b->len && iapt_buf__ok(b)) {
			/* drop the last component of what we have, unless it is itself ".." */
			char *slash;
			b->ptr[b->len] = '\0';
			slash = strrchr(b->ptr, '/');
			keep = slash ? (size_t)(slash - b->ptr) : 0;
			if (strcmp(b->ptr + (slash ? keep + 1 : 0), "..") == 0 || strcmp(b->ptr + (slash ? keep + 1 : 0), ".") == 0)
				break;
			b->len = keep;
			b->ptr[b->len] = '\0';
			rel += 3;
		} else {
			break;
		}
	}
	if (b->len)
		iapt_buf__printf(b, "/%s", rel);
	else
		iapt_buf__printf(b, "%s", rel);
}

static int read_source(iapt_plugin *pl, const char *use, const char *base_dir)
{
	size_t i;
	for (i = 0; i < iapt__n_builtin_plugins; i++) {
		if (strcmp(use, iapt__builtin_plugins[i].name) == 0) {
			pl->builtin = 1;
			pl->path = iapt_str__dup(iapt__builtin_plugins[i].path);
			pl->source_len = iapt__builtin_plugins[i].len;
			pl->source = malloc(pl->source_len + 1);
			if (!pl->path || !pl->source)
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
			memcpy(pl->source, iapt__builtin_plugins[i].text, pl->source_len);
			pl->source[pl->source_len] = '\0';
			return IAPT_OK;
		}
	}
	{
		size_t ul = strlen(use);
		int is_path = strchr(use, '/') != NULL || (ul > 4 && strcmp(use + ul - 4, ".lua") == 0);
		iapt_buf b = {0};
		int rc;
		if (is_path) {
			join_path(&b, use[0] == '/' ? NULL : base_dir, use);
		} else {
			/* a name: look along IAPTSIM_PLUGIN_PATH */
			const char *pp = getenv("IAPTSIM_PLUGIN_PATH");
			const char *names[64];
			size_t nb = iapt__n_builtin_plugins < 64 ? iapt__n_builtin_plugins : 64, k;
			while (pp && *pp) {
				const char *end = strchr(pp, ':');
				size_t dl = end ? (size_t)(end - pp) : strlen(pp);
				FILE *f;
				if (dl) {
					b.len = 0;
					iapt_buf__printf(&b, "%.*s/%s.lua", (int)dl, pp, use);
					if (iapt_buf__ok(&b) && (f = fopen(b.ptr, "rb"))) {
						fclose(f);
						break;
					}
				}
				pp = end ? end + 1 : NULL;
			}
			if (!pp || !*pp) {
				const char *near;
				iapt_buf__free(&b);
				for (k = 0; k < nb; k++)
					names[k] = iapt__builtin_plugins[k].name;
				near = iapt_str__suggest(use, names, nb);
				if (near)
					return iapt_error__set(IAPT_ENOTFOUND, "unknown plugin '%s' (did you mean '%s'?)", use, near);
				return iapt_error__set(IAPT_ENOTFOUND,
						       "unknown plugin '%s': not built in (iaptsim plugins lists them) and not found as %s.lua in IAPTSIM_PLUGIN_PATH; give a path like ./%s.lua",
						       use, use, use);
			}
		}
		if (!iapt_buf__ok(&b))
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		pl->path = b.ptr;
		if ((rc = iapt_file__read(pl->path, &pl->source, &pl->source_len))) {
			char msg[1024];
			snprintf(msg, sizeof msg, "%s", iapt_error_last()->message);
			return iapt_error__set(rc == IAPT_EIO ? IAPT_ENOTFOUND : rc, "plugin '%s': %s", use, msg);
		}
		return IAPT_OK;
	}
}

int iapt_plugin_load(iapt_plugin **out, const char *use, const char *base_dir, long instructions, int memory_mb)
{
	iapt_plugin *pl = calloc(1, sizeof *pl);
	pstate ps;
	int rc;
	*out = NULL;
	if (!pl || !(pl->use = iapt_str__dup(use))) {
		free(pl);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	pl->instructions = instructions > 0 ? instructions : IAPT_PLUGIN_DEFAULT_INSTRUCTIONS;
	pl->memory_bytes = (size_t)(memory_mb > 0 ? memory_mb : IAPT_PLUGIN_DEFAULT_MEMORY_MB) << 20;
	if ((rc = read_source(pl, use, base_dir))) {
		iapt_plugin_free(pl);
		return rc;
	}
	if (memchr(pl->source, '\0', pl->source_len) || (pl->source_len && pl->source[0] == LUA_SIGNATURE[0])) {
		rc = iapt_error__set(IAPT_ELUA, "%s: not a Lua text file (binary chunks are not allowed)", pl->path);
		iapt_plugin_free(pl);
		return rc;
	}
	iapt_sha256__hex(pl->source, pl->source_len, pl->sha256);
	memset(&ps, 0, sizeof ps);
	if (!(rc = open_state(&ps, pl))) {
		int drc = IAPT_OK;
		lua_pushcfunction(ps.L, describe_call);
		lua_insert(ps.L, -2);
		lua_pushlightuserdata(ps.L, pl);
		lua_pushlightuserdata(ps.L, &drc);
		if (!(rc = iapt_lua__pcall(&ps, 3, 0)))
			rc = drc;
	}
	close_state(&ps);
	if (rc) {
		iapt_plugin_free(pl);
		return rc;
	}
	*out = pl;
	return IAPT_OK;
}

void iapt_plugin_free(iapt_plugin *p)
{
	size_t i, k;
	if (!p)
		return;
	for (i = 0; i < p->n_options; i++) {
		iapt_plugin_option *o = &p->options[i];
		free(o->name);
		free(o->doc);
		free(o->def_str);
		free(o->str);
		free(o->origin);
		for (k = 0; k < o->n_choices; k++)
			free(o->choices[k]);
		free(o->choices);
	}
	for (i = 0; i < p->n_metrics; i++) {
		free(p->metrics[i].name);
		free(p->metrics[i].doc);
	}
	free(p->options);
	free(p->metrics);
	free(p->name);
	free(p->summary);
	free(p->use);
	free(p->path);
	free(p->source);
	free(p);
}

int iapt_plugin_option_find(const iapt_plugin *p, const char *name, size_t *index)
{
	const char *names[256];
	size_t i, n = p->n_options < 256 ? p->n_options : 256;
	const char *near;
	for (i = 0; i < p->n_options; i++) {
		if (strcmp(p->options[i].name, name) == 0) {
			*index = i;
			return IAPT_OK;
		}
	}
	for (i = 0; i < n; i++)
		names[i] = p->options[i].name;
	near = iapt_str__suggest(name, names, n);
	if (near)
		return iapt_error__set(IAPT_ENOTFOUND, "plugin '%s' has no option '%s' (did you mean '%s'?)", p->name, name, near);
	if (!p->n_options)
		return iapt_error__set(IAPT_ENOTFOUND, "plugin '%s' has no options; '%s' is unknown", p->name, name);
	{
		iapt_buf b = {0};
		for (i = 0; i < p->n_options; i++)
			iapt_buf__printf(&b, "%s%s", i ? ", " : "", p->options[i].name);
		iapt_error__set(IAPT_ENOTFOUND, "plugin '%s' has no option '%s' (its options: %s)", p->name, name,
				iapt_buf__ok(&b) ? b.ptr : "?");
		iapt_buf__free(&b);
	}
	return IAPT_ENOTFOUND;
}

size_t iapt_plugin_builtin_count(void)
{
	return iapt__n_builtin_plugins;
}

const char *iapt_plugin_builtin_name(size_t i)
{
	return i < iapt__n_builtin_plugins ? iapt__builtin_plugins[i].name : NULL;
}

/* ---- the person seen by hooks ---- */

enum {
	F_ID, F_SERVICE, F_YEAR, F_WEEK, F_AGE_BAND, F_FEMALE, F_PROBLEM, F_EMPLOYMENT, F_LTC, F_LTC_TYPE,
	F_INTEGRATED, F_RESPONSIVENESS, F_PHQ9, F_GAD7, F_ROUTE, F_MARK,
	F_DISCHARGE_WEEK, F_DISCHARGE_YEAR, F_ENTERED, F_FINISHED, F_ATTENDED, F_MISSED, F_SESSIONS_LI, F_SESSIONS_HI,
	F_WAIT_WEEKS, F_PHQ9_FIRST, F_GAD7_FIRST, F_PHQ9_LAST, F_GAD7_LAST, F_CASENESS, F_RECOVERED,
	F_RELIABLE_IMPROVEMENT, F_RELIABLE_RECOVERY, F_RELIABLE_DETERIORATION, F__COUNT
};

/* name, when readable (R: referral, D: discharge), when writable */
static const struct {
	const char *name;
	unsigned read, write;
} fields[F__COUNT] = {
#define R (1u << H_REFERRAL)
#define D (1u << H_DISCHARGE)
	{"id", R | D, 0}, {"service", R | D, 0}, {"year", R | D, 0}, {"week", R | D, 0},
	{"age_band", R | D, 0}, {"female", R | D, 0}, {"problem", R | D, R}, {"employment", R | D, R | D},
	{"ltc", R | D, R}, {"ltc_type", R | D, R}, {"integrated", R | D, R | D}, {"responsiveness", R, R},
	{"phq9", R, R}, {"gad7", R, R}, {"route", R, R}, {"mark", R | D, R | D},
	{"discharge_week", D, 0}, {"discharge_year", D, 0}, {"entered", D, 0}, {"finished", D, 0},
	{"attended", D, 0}, {"missed", D, 0}, {"sessions_li", D, 0}, {"sessions_hi", D, 0},
	{"wait_weeks", D, 0}, {"phq9_first", D, 0}, {"gad7_first", D, 0}, {"phq9_last", D, 0},
	{"gad7_last", D, 0}, {"caseness", D, 0}, {"recovered", D, 0}, {"reliable_improvement", D, 0},
	{"reliable_recovery", D, 0}, {"reliable_deterioration", D, 0},
#undef R
#undef D
};

static int field_code(lua_State *L, int key)
{
	int code;
	lua_pushvalue(L, key);
	lua_rawget(L, lua_upvalueindex(1));
	code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : -1;
	lua_pop(L, 1);
	return code;
}

static iapt_hook_person *check_person(lua_State *L, pstate **out)
{
	pstate *ps = iapt_lua__ps(L);
	luaL_checkudata(L, 1, "iaptsim.person");
	if (!ps->person)
		luaL_error(L, "this person object belongs to a hook call that has ended");
	*out = ps;
	return ps->person;
}

static int opt_score(lua_State *L, int v)
{
	if (v < 0)
		lua_pushnil(L);
	else
		lua_pushinteger(L, v);
	return 1;
}

static int person_index(lua_State *L)
{
	pstate *ps;
	iapt_hook_person *p = check_person(L, &ps);
	int f = field_code(L, 2);
	if (f < 0)
		return luaL_error(L, "person has no field '%s' (plugins/README.md lists them)", luaL_tolstring(L, 2, NULL));
	if (!(fields[f].read & (1u << ps->hook)))
		return luaL_error(L, "person.%s is not known in %s", fields[f].name, hook_names[ps->hook]);
	switch (f) {
	case F_ID: lua_pushinteger(L, p->id); break;
	case F_SERVICE: lua_pushinteger(L, p->service + 1); break;
	case F_YEAR: lua_pushinteger(L, p->year); break;
	case F_WEEK: lua_pushinteger(L, p->arrival_week); break;
	case F_AGE_BAND: lua_pushstring(L, age_names[p->age_band & 3]); break;
	case F_FEMALE: lua_pushboolean(L, p->female); break;
	case F_PROBLEM: lua_pushstring(L, problem_names[p->problem % N_OF(problem_names)]); break;
	case F_EMPLOYMENT: lua_pushstring(L, emp_names[p->employment % 3]); break;
	case F_LTC: lua_pushboolean(L, p->ltc); break;
	case F_LTC_TYPE: lua_pushstring(L, ltc_names[p->ltc_type % N_OF(ltc_names)]); break;
	case F_INTEGRATED: lua_pushboolean(L, p->integrated); break;
	case F_RESPONSIVENESS: lua_pushnumber(L, p->responsiveness); break;
	case F_PHQ9: lua_pushnumber(L, p->phq9); break;
	case F_GAD7: lua_pushnumber(L, p->gad7); break;
	case F_ROUTE: lua_pushstring(L, route_names[p->route % 3]); break;
	case F_MARK: lua_pushinteger(L, p->mark); break;
	case F_DISCHARGE_WEEK: lua_pushinteger(L, p->end_week); break;
	case F_DISCHARGE_YEAR: lua_pushinteger(L, p->end_year); break;
	case F_ENTERED: lua_pushboolean(L, p->attended > 0); break;
	case F_FINISHED: lua_pushboolean(L, p->attended >= 2); break;
	case F_ATTENDED: lua_pushinteger(L, p->attended); break;
	case F_MISSED: lua_pushinteger(L, p->missed); break;
	case F_SESSIONS_LI: lua_pushinteger(L, p->sessions_li); break;
	case F_SESSIONS_HI: lua_pushinteger(L, p->sessions_hi); break;
	case F_WAIT_WEEKS: return opt_score(L, p->first_week < 0 ? -1 : p->first_week - p->arrival_week);
	case F_PHQ9_FIRST: return opt_score(L, p->phq_first);
	case F_GAD7_FIRST: return opt_score(L, p->gad_first);
	case F_PHQ9_LAST: return opt_score(L, p->phq_last);
	case F_GAD7_LAST: return opt_score(L, p->gad_last);
	case F_CASENESS: lua_pushboolean(L, (p->flags & IAPT_O_CASENESS_FIRST) != 0); break;
	case F_RECOVERED: lua_pushboolean(L, (p->flags & IAPT_O_RECOVERED) != 0); break;
	case F_RELIABLE_IMPROVEMENT: lua_pushboolean(L, (p->flags & IAPT_O_RELIABLE_IMPROVEMENT) != 0); break;
	case F_RELIABLE_RECOVERY: lua_pushboolean(L, (p->flags & IAPT_O_RELIABLE_RECOVERY) != 0); break;
	default: lua_pushboolean(L, (p->flags & IAPT_O_RELIABLE_DETERIORATION) != 0); break;
	}
	return 1;
}

/* A string that must be one of names[]: its index, or an error listing them. */
static int check_name(lua_State *L, int idx, const char *field, const char *const *names, size_t n)
{
	const char *s = lua_tostring(L, idx);
	size_t i;
	luaL_Buffer b;
	if (lua_type(L, idx) == LUA_TSTRING)
		for (i = 0; i < n; i++)
			if (strcmp(s, names[i]) == 0)
				return (int)i;
	luaL_buffinit(L, &b);
	for (i = 0; i < n; i++) {
		if (i)
			luaL_addstring(&b, ", ");
		luaL_addstring(&b, names[i]);
	}
	luaL_pushresult(&b);
	return luaL_error(L, "person.%s must be one of %s; got %s", field, lua_tostring(L, -1),
			  lua_type(L, idx) == LUA_TSTRING ? s : luaL_typename(L, idx));
}

static int check_bool(lua_State *L, int idx, const char *field)
{
	if (lua_type(L, idx) != LUA_TBOOLEAN)
		return luaL_error(L, "person.%s must be true or false; got %s", field, luaL_typename(L, idx));
	return lua_toboolean(L, idx);
}

static double check_range(lua_State *L, int idx, const char *field, double lo, double hi, int lo_open)
{
	double v;
	if (lua_type(L, idx) != LUA_TNUMBER)
		return luaL_error(L, "person.%s must be a number; got %s", field, luaL_typename(L, idx));
	v = lua_tonumber(L, idx);
	if (!(lo_open ? v > lo : v >= lo) || !(v <= hi)) {
		char msg[160]; /* lua_pushfstring has no %g */
		snprintf(msg, sizeof msg, "person.%s = %.10g is outside %s%g, %g]", field, v, lo_open ? "(" : "[", lo, hi);
		return luaL_error(L, "%s", msg);
	}
	return v;
}

static int person_newindex(lua_State *L)
{
	pstate *ps;
	iapt_hook_person *p = check_person(L, &ps);
	int f = field_code(L, 2);
	if (f < 0)
		return luaL_error(L, "person has no field '%s' (to keep your own per-person data, use person.mark, 0-255)",
				  luaL_tolstring(L, 2, NULL));
	if (!(fields[f].write & (1u << ps->hook)))
		return luaL_error(L, "person.%s cannot be set in %s", fields[f].name, hook_names[ps->hook]);
	switch (f) {
	case F_PROBLEM: p->problem = check_name(L, 3, "problem", problem_names, N_OF(problem_names)); break;
	case F_EMPLOYMENT: p->employment = check_name(L, 3, "employment", emp_names, N_OF(emp_names)); break;
	case F_LTC: p->ltc = check_bool(L, 3, "ltc"); break;
	case F_LTC_TYPE: p->ltc_type = check_name(L, 3, "ltc_type", ltc_names, N_OF(ltc_names)); break;
	case F_INTEGRATED: p->integrated = check_bool(L, 3, "integrated"); break;
	case F_RESPONSIVENESS: p->responsiveness = check_range(L, 3, "responsiveness", 0, 100, 0); break;
	case F_PHQ9: p->phq9 = check_range(L, 3, "phq9", 0, 27, 0); break;
	case F_GAD7: p->gad7 = check_range(L, 3, "gad7", 0, 21, 0); break;
	case F_ROUTE:
		p->route = check_name(L, 3, "route", route_names, N_OF(route_names));
		p->route_set = 1;
		break;
	default: { /* F_MARK */
		lua_Integer v;
		if (!lua_isinteger(L, 3) || (v = lua_tointeger(L, 3)) < 0 || v > 255)
			return luaL_error(L, "person.mark must be a whole number in [0, 255]; got %s", luaL_tolstring(L, 3, NULL));
		p->mark = (int)v;
	}
	}
	return 0;
}

/* ---- ctx: the run as hooks see it ---- */

static int param_index(lua_State *L, pstate *ps, int idx, size_t *out)
{
	/* names are looked up once per state and kept in the registry table at upvalue 2 */
	const char *name = luaL_checkstring(L, idx);
	const iapt_scenario *sc;
	lua_pushvalue(L, idx);
	lua_rawget(L, lua_upvalueindex(1));
	if (lua_isinteger(L, -1)) {
		*out = (size_t)lua_tointeger(L, -1);
		lua_pop(L, 1);
		return 0;
	}
	lua_pop(L, 1);
	(void)ps;
	lua_getfield(L, LUA_REGISTRYINDEX, "iaptsim.scenario");
	sc = lua_touserdata(L, -1);
	lua_pop(L, 1);
	if (iapt_params_find(sc->params, name, out) != IAPT_OK)
		return luaL_error(L, "%s", iapt_error_last()->message);
	lua_pushvalue(L, idx);
	lua_pushinteger(L, (lua_Integer)*out);
	lua_rawset(L, lua_upvalueindex(1));
	return 0;
}

static int check_year_arg(lua_State *L, int idx)
{
	lua_Integer y;
	if (lua_isnoneornil(L, idx))
		return 0;
	y = luaL_checkinteger(L, idx);
	if (y < IAPT_SCENARIO_MIN_YEAR || y > IAPT_SCENARIO_MAX_YEAR)
		return luaL_error(L, "year %I is outside [%d, %d] (financial years by their first calendar year: 2019 = 2019-20)",
				  (LUA_INTEGER)y, IAPT_SCENARIO_MIN_YEAR, IAPT_SCENARIO_MAX_YEAR);
	return (int)y;
}

/* Money and metric values a plugin hands over are summed, scaled to national figures and
 * discounted: bounded, no sum of them can overflow to infinity (an NA beside a finite BCR). */
#define MAX_AMOUNT 1e12

static void check_amount(lua_State *L, const char *fn, double v)
{
	if (!(fabs(v) <= MAX_AMOUNT))
		luaL_error(L, "%s: the value %f is not a finite number within [-1e12, 1e12] (flows are per simulated person, metrics per event)", fn, (lua_Number)v);
}

/* Methods are called ctx:name(...); ctx.name(...) is the usual slip, so say so. */
static pstate *check_ctx(lua_State *L, const char *method)
{
	pstate *ps = iapt_lua__ps(L);
	if (!luaL_testudata(L, 1, "iaptsim.ctx"))
		luaL_error(L, "call ctx:%s(...) with a colon, not ctx.%s(...)", method, method);
	if (ps->hook < 0 || !ps->run)
		luaL_error(L, "ctx:%s is available only while a hook of the plugin runs", method);
	return ps;
}

static int ctx_get(lua_State *L)
{
	pstate *ps = check_ctx(L, "get");
	size_t i;
	int year;
	param_index(L, ps, 2, &i);
	year = check_year_arg(L, 3);
	lua_pushnumber(L, iapt_run__param(ps->run, i, year));
	return 1;
}

static int ctx_set(lua_State *L)
{
	pstate *ps = check_ctx(L, "set");
	size_t i;
	int year;
	double v;
	param_index(L, ps, 2, &i);
	if (lua_type(L, 3) != LUA_TNUMBER)
		return luaL_error(L, "ctx:set(%s, value): value must be a number, got %s", lua_tostring(L, 2), luaL_typename(L, 3));
	v = lua_tonumber(L, 3);
	year = check_year_arg(L, 4);
	if (ps->hook != H_SETUP && ps->hook != H_YEAR)
		return luaL_error(L, "ctx:set is for setup and on_year, not %s", hook_names[ps->hook]);
	if (iapt_run__set_param(ps->run, i, year, v) != IAPT_OK)
		return luaL_error(L, "%s", iapt_error_last()->message);
	/* combinations (shares that must not sum over 1, ...) are checked when the hook returns:
	 * a plugin may set one part and then the other */
	luaL_where(L, 1); /* the last ctx:set is the one that broke it */
	snprintf(ps->set_where, sizeof ps->set_where, "%s", lua_tostring(L, -1));
	ps->set_called = 1;
	return 0;
}

static int ctx_flow(lua_State *L)
{
	pstate *ps = check_ctx(L, "flow");
	const char *cat = luaL_checkstring(L, 2), *per = luaL_checkstring(L, 3);
	double amount = luaL_checknumber(L, 4);
	int c, t;
	check_amount(L, "ctx:flow", amount);
	for (c = 0; c < IAPT_CAT__COUNT; c++)
		if (strcmp(cat, iapt_category_name(c)) == 0)
			break;
	for (t = 0; t < IAPT_PERSP__COUNT; t++)
		if (strcmp(per, iapt_perspective_name(t)) == 0)
			break;
	if (c == IAPT_CAT__COUNT) {
		const char *names[IAPT_CAT__COUNT], *near;
		for (c = 0; c < IAPT_CAT__COUNT; c++)
			names[c] = iapt_category_name(c);
		near = iapt_str__suggest(cat, names, IAPT_CAT__COUNT);
		return luaL_error(L, "ctx:flow: unknown category '%s'%s%s%s (docs/economics.md lists them)", cat,
				  near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
	}
	if (t == IAPT_PERSP__COUNT)
		return luaL_error(L, "ctx:flow: perspective must be nhs, exchequer or societal; got '%s'", per);
	if (ps->hook == H_FINISH)
		return luaL_error(L, "ctx:flow is not available in on_finish (the ledger is closed)");
	if (iapt_run__flow(ps->run, c, t, amount) != IAPT_OK)
		return luaL_error(L, "ctx:flow: %s", iapt_error_last()->message);
	return 0;
}

static int ctx_metric(lua_State *L)
{
	pstate *ps = check_ctx(L, "metric");
	const char *name = luaL_checkstring(L, 2);
	double v = luaL_checknumber(L, 3);
	int year = lua_isnoneornil(L, 4) ? 0 : check_year_arg(L, 4);
	size_t k;
	check_amount(L, "ctx:metric", v);
	/* names are found once and kept in the cache table at upvalue 1 */
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER) {
		k = (size_t)lua_tointeger(L, -1);
	} else {
		for (k = 0; k < ps->pl->n_metrics; k++)
			if (strcmp(ps->pl->metrics[k].name, name) == 0)
				break;
		if (k == ps->pl->n_metrics)
			return luaL_error(L, "ctx:metric: '%s' is not declared in the plugin's metrics table", name);
		lua_pushvalue(L, 2);
		lua_pushinteger(L, (lua_Integer)k);
		lua_rawset(L, lua_upvalueindex(1));
	}
	if (iapt_run__metric(ps->run, ps->metric0 + k, v, ps->pl->metrics[k].level, year) != IAPT_OK)
		return luaL_error(L, "ctx:metric: %s", iapt_error_last()->message);
	return 0;
}

static int ctx_log(lua_State *L)
{
	check_ctx(L, "log");
	lua_remove(L, 1); /* ctx */
	return iapt_lua__print(L);
}

static int ctx_price(lua_State *L)
{
	double amount;
	lua_Integer from;
	const iapt_scenario *sc;
	double out;
	check_ctx(L, "price");
	amount = luaL_checknumber(L, 2);
	from = luaL_checkinteger(L, 3);
	(void)check_year_arg(L, 3); /* in range before it becomes an int */
	lua_getfield(L, LUA_REGISTRYINDEX, "iaptsim.scenario");
	sc = lua_touserdata(L, -1);
	if (iapt_price_convert(amount, (int)from, sc->econ.price_year, &out) != IAPT_OK)
		return luaL_error(L, "ctx:price: %s", iapt_error_last()->message);
	lua_pushnumber(L, out);
	return 1;
}

/* ctx:price_of(name [, year]): a money parameter in GBP of the run's price year */
static int ctx_price_of(lua_State *L)
{
	pstate *ps = check_ctx(L, "price_of");
	size_t i;
	int year, py;
	double out;
	const iapt_scenario *sc;
	iapt_param_info info;
	param_index(L, ps, 2, &i);
	year = check_year_arg(L, 3);
	lua_getfield(L, LUA_REGISTRYINDEX, "iaptsim.scenario");
	sc = lua_touserdata(L, -1);
	iapt_params_info(sc->params, i, &info);
	if (!(py = iapt_unit_price_year(info.unit)))
		return luaL_error(L, "ctx:price_of: %s is in %s, not money", info.name, info.unit);
	if (iapt_price_convert(iapt_run__param(ps->run, i, year), py, sc->econ.price_year, &out) != IAPT_OK)
		return luaL_error(L, "ctx:price_of: %s", iapt_error_last()->message);
	lua_pushnumber(L, out);
	return 1;
}

/* ctx.<field>: the run's state now; ctx:<method>(...) */
static int ctx_index(lua_State *L)
{
	pstate *ps = iapt_lua__ps(L);
	const char *k = luaL_checkstring(L, 2);
	iapt_run_info in;
	lua_pushvalue(L, 2);
	lua_rawget(L, lua_upvalueindex(1)); /* methods */
	if (!lua_isnil(L, -1))
		return 1;
	lua_pop(L, 1);
	if (!ps->run || ps->hook < 0)
		return luaL_error(L, "ctx used outside a hook");
	iapt_run__info(ps->run, &in);
	if (strcmp(k, "year") == 0)
		lua_pushinteger(L, in.year);
	else if (strcmp(k, "week") == 0)
		lua_pushinteger(L, in.week);
	else if (strcmp(k, "first_year") == 0)
		lua_pushinteger(L, in.first_year);
	else if (strcmp(k, "last_year") == 0)
		lua_pushinteger(L, in.last_year);
	else if (strcmp(k, "replicate") == 0)
		lua_pushinteger(L, in.replicate + 1);
	else if (strcmp(k, "population_scale") == 0)
		lua_pushnumber(L, in.population_scale);
	else if (strcmp(k, "n_services") == 0)
		lua_pushinteger(L, in.n_services);
	else if (strcmp(k, "options") == 0)
		lua_rawgeti(L, LUA_REGISTRYINDEX, ps->opts_ref);
	else if (strcmp(k, "price_year") == 0) {
		const iapt_scenario *sc;
		lua_getfield(L, LUA_REGISTRYINDEX, "iaptsim.scenario");
		sc = lua_touserdata(L, -1);
		lua_pushinteger(L, sc->econ.price_year);
	} else
		return luaL_error(L, "ctx has no field '%s' (plugins/README.md lists them)", k);
	return 1;
}

static int ctx_newindex(lua_State *L)
{
	return luaL_error(L, "ctx is read-only; use ctx:set(name, value) for parameters");
}

static int person_tostring(lua_State *L)
{
	pstate *ps = iapt_lua__ps(L);
	if (ps->person)
		lua_pushfstring(L, "person %d", (int)ps->person->id);
	else
		lua_pushliteral(L, "person (expired)");
	return 1;
}

/* Builds ctx, the person object and opts in a worker state: bind_run(plugin table, scenario). */
static int bind_run(lua_State *L)
{
	pstate *ps = iapt_lua__ps(L);
	static const luaL_Reg methods[] = {{"get", ctx_get}, {"set", ctx_set}, {"flow", ctx_flow}, {"metric", ctx_metric},
					   {"log", ctx_log}, {"price", ctx_price},
					   {"price_of", ctx_price_of}, {NULL, NULL}};
	const luaL_Reg *m;
	size_t i;
	int h;
	/* the scenario, for the ctx methods (allocates: so here, under protection) */
	lua_setfield(L, LUA_REGISTRYINDEX, "iaptsim.scenario");
	/* hooks, looked up once */
	for (h = 0; h < N_HOOKS; h++) {
		lua_getfield(L, 1, hook_names[h]);
		if (lua_isfunction(L, -1))
			ps->ref[h] = luaL_ref(L, LUA_REGISTRYINDEX);
		else
			lua_pop(L, 1);
	}
	/* ctx */
	lua_newuserdatauv(L, 0, 0);
	luaL_newmetatable(L, "iaptsim.ctx");
	lua_newtable(L); /* methods */
	lua_newtable(L); /* parameter name -> index cache, shared by the methods */
	for (m = methods; m->name; m++) {
		if (m->func == ctx_metric)
			lua_newtable(L); /* metric name -> index: a cache of its own */
		else
			lua_pushvalue(L, -1);
		lua_pushcclosure(L, m->func, 1);
		lua_setfield(L, -3, m->name);
	}
	lua_pop(L, 1);
	lua_pushcclosure(L, ctx_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, ctx_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushliteral(L, "iaptsim.ctx");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	ps->ctx_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	/* the person: one object, pointed at each hook call's person */
	lua_newuserdatauv(L, 0, 0);
	luaL_newmetatable(L, "iaptsim.person");
	lua_newtable(L);
	for (i = 0; i < F__COUNT; i++) {
		lua_pushinteger(L, (lua_Integer)i);
		lua_setfield(L, -2, fields[i].name);
	}
	lua_pushvalue(L, -1);
	lua_pushcclosure(L, person_index, 1);
	lua_setfield(L, -3, "__index");
	lua_pushcclosure(L, person_newindex, 1);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, person_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushliteral(L, "iaptsim.person");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	ps->person_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	/* opts: the option values in force */
	lua_newtable(L);
	for (i = 0; i < ps->pl->n_options; i++) {
		const iapt_plugin_option *o = &ps->pl->options[i];
		switch (o->kind) {
		case IAPT_OPT_INTEGER: lua_pushinteger(L, (lua_Integer)o->num); break;
		case IAPT_OPT_BOOLEAN: lua_pushboolean(L, o->num != 0); break;
		case IAPT_OPT_STRING: lua_pushstring(L, o->str); break;
		default: lua_pushnumber(L, o->num); break;
		}
		lua_setfield(L, -2, o->name);
	}
	ps->opts_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* ---- the hook table ---- */

typedef struct host {
	iapt_hooks hooks;
	const iapt_scenario *sc;
	pstate *ps;
	size_t n;
} host;

/* Push the hook h of ps and ctx; returns 0 if the plugin has no such hook. */
static int push_hook(pstate *ps, int h)
{
	if (ps->ref[h] == LUA_NOREF)
		return 0;
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref[h]);
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ctx_ref);
	return 1;
}

/* Call with nargs after the hook and ctx; a hook returns nothing. */
static int call_hook(pstate *ps, int h, int nargs, int year)
{
	lua_State *L = ps->L;
	int top = lua_gettop(L) - nargs - 2, rc, n;
	char what[256];
	ps->hook = h;
	ps->rng_keyed = 0;
	if (h != H_REFERRAL && h != H_DISCHARGE) /* year-level streams: (year, hook, plugin) */
		ps->rng_entity = ((uint64_t)1 << 63) | ((uint64_t)(unsigned)year << 16) | ((uint64_t)h << 8) | (uint64_t)ps->index;
	ps->set_called = 0;
	rc = iapt_lua__pcall(ps, nargs + 1, LUA_MULTRET);
	if (rc == IAPT_OK && ps->set_called && iapt_run__check_params(ps->run) != IAPT_OK) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", iapt_error_last()->message);
		rc = iapt_error__set(IAPT_ELUA, "%sctx:set in %s broke a combination of parameters: %s\n  (%s)", ps->set_where,
				     hook_names[h], msg, iapt_lua__doing(ps, what, sizeof what));
	}
	if (rc == IAPT_OK && (n = lua_gettop(L) - top) > 0) {
		int i, bad = 0;
		for (i = 1; i <= n; i++)
			bad |= !lua_isnil(L, top + i);
		if (bad) {
			lua_Debug ar;
			const char *where = ps->pl->path;
			int line = 0;
			lua_rawgeti(L, LUA_REGISTRYINDEX, ps->ref[h]);
			if (lua_getinfo(L, ">S", &ar)) {
				where = ar.short_src;
				line = ar.linedefined;
			}
			rc = iapt_error__set(IAPT_ELUA, "%s:%d: %s returned %s; hooks return nothing (set person fields or call ctx instead)\n  (%s)",
					     where, line, hook_names[h], luaL_typename(L, top + 1), iapt_lua__doing(ps, what, sizeof what));
		}
	}
	lua_settop(L, top);
	ps->hook = -1;
	return rc;
}

static int h_begin(void *data, iapt_run *run)
{
	host *ho = data;
	size_t k;
	int rc;
	iapt_run_info in;
	iapt_run__info(run, &in);
	for (k = 0; k < ho->n; k++)
		close_state(&ho->ps[k]);
	for (k = 0; k < ho->n; k++) {
		pstate *ps = &ho->ps[k];
		const iapt_plugin *pl = ho->sc->plugins[k];
		size_t metric0 = ps->metric0;
		memset(ps, 0, sizeof *ps);
		ps->index = (int)k;
		ps->metric0 = metric0;
		ps->run = run;
		if ((rc = iapt_rng_new(&ps->rng, 0)) || (rc = open_state(ps, pl)))
			goto fail;
		lua_pushcfunction(ps->L, bind_run);
		lua_insert(ps->L, -2);
		lua_pushlightuserdata(ps->L, (void *)(uintptr_t)ho->sc);
		if ((rc = iapt_lua__pcall(ps, 2, 0)))
			goto fail;
		if (push_hook(ps, H_SETUP)) {
			lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->opts_ref);
			if ((rc = call_hook(ps, H_SETUP, 1, in.first_year)))
				goto fail;
		}
	}
	return IAPT_OK;
fail:
	for (k = 0; k < ho->n; k++)
		close_state(&ho->ps[k]);
	return rc;
}

static int h_year(void *data, iapt_run *run, int year)
{
	host *ho = data;
	size_t k;
	int rc;
	(void)run;
	for (k = 0; k < ho->n; k++) {
		pstate *ps = &ho->ps[k];
		if (push_hook(ps, H_YEAR)) {
			lua_pushinteger(ps->L, year);
			if ((rc = call_hook(ps, H_YEAR, 1, year)))
				return rc;
		}
	}
	return IAPT_OK;
}

static int person_hook(host *ho, int h, iapt_hook_person *p)
{
	size_t k;
	int rc;
	for (k = 0; k < ho->n; k++) {
		pstate *ps = &ho->ps[k];
#ifndef NDEBUG
		int top = lua_gettop(ps->L);
#endif
		if (!push_hook(ps, h))
			continue;
		lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->person_ref);
		ps->person = p;
		ps->rng_entity = (uint64_t)p->id | ((uint64_t)h << 32) | ((uint64_t)k << 40);
		rc = call_hook(ps, h, 1, 0);
		ps->person = NULL;
		assert(lua_gettop(ps->L) == top); /* the stack is as we found it */
		if (rc)
			return rc;
	}
	return IAPT_OK;
}

static int h_referral(void *data, iapt_run *run, iapt_hook_person *p)
{
	(void)run;
	return person_hook(data, H_REFERRAL, p);
}

static int h_discharge(void *data, iapt_run *run, iapt_hook_person *p)
{
	(void)run;
	return person_hook(data, H_DISCHARGE, p);
}

/* results: { [year] = { metric = value, ... } } for group "all" */
static void push_results(lua_State *L, const double *v, int first, int last)
{
	int y, m;
	lua_createtable(L, 0, last - first + 1);
	for (y = first; y <= last; y++) {
		lua_createtable(L, 0, IAPT_M__COUNT);
		for (m = 0; m < IAPT_M__COUNT; m++) {
			lua_pushnumber(L, v[((size_t)(y - first) * IAPT_G__COUNT + IAPT_G_ALL) * IAPT_M__COUNT + (size_t)m]);
			lua_setfield(L, -2, iapt_metric_name(m));
		}
		lua_rawseti(L, -2, y);
	}
}

typedef struct results_args {
	const double *v;
	int first, last;
} results_args;

static int results_call(lua_State *L)
{
	const results_args *a = lua_touserdata(L, 1);
	push_results(L, a->v, a->first, a->last);
	return 1;
}

static int h_end(void *data, iapt_run *run, int ok)
{
	host *ho = data;
	size_t k;
	int rc = IAPT_OK;
	iapt_run_info in;
	iapt_run__info(run, &in);
	for (k = 0; k < ho->n; k++) {
		pstate *ps = &ho->ps[k];
		const double *v = iapt_run__values(run);
		if (ok && !rc && ps->L && v && push_hook(ps, H_FINISH)) {
			results_args a = {v, in.first_year, in.last_year};
			ps->hook = H_FINISH;
			lua_pushcfunction(ps->L, results_call);
			lua_pushlightuserdata(ps->L, &a);
			if ((rc = iapt_lua__pcall(ps, 1, 1))) /* the table allocates */
				lua_pop(ps->L, 2);
			else
				rc = call_hook(ps, H_FINISH, 1, in.last_year);
			ps->hook = -1;
		}
	}
	for (k = 0; k < ho->n; k++)
		close_state(&ho->ps[k]);
	return rc;
}

int iapt_lua__hooks_new(const iapt_scenario *sc, iapt_hooks **out)
{
	host *ho = calloc(1, sizeof *ho);
	size_t k, m0 = 0;
	*out = NULL;
	if (!ho || !(ho->ps = calloc(sc->n_plugins + 1, sizeof *ho->ps))) {
		free(ho);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	ho->sc = sc;
	ho->n = sc->n_plugins;
	ho->hooks.data = ho;
	ho->hooks.begin = h_begin;
	ho->hooks.on_year = h_year;
	ho->hooks.on_referral = h_referral;
	ho->hooks.on_discharge = h_discharge;
	ho->hooks.end = h_end;
	for (k = 0; k < sc->n_plugins; k++) {
		const iapt_plugin *pl = sc->plugins[k];
		ho->ps[k].metric0 = m0;
		m0 += pl->n_metrics;
		ho->hooks.has |= pl->hooks; /* the same bits (asserted below) */
	}
	ho->hooks.has |= IAPT_HOOK_SETUP; /* begin loads the states even without a setup hook */
	*out = &ho->hooks;
	return IAPT_OK;
}

void iapt_lua__hooks_free(iapt_hooks *h)
{
	host *ho;
	size_t k;
	if (!h)
		return;
	ho = h->data;
	for (k = 0; k < ho->n; k++)
		close_state(&ho->ps[k]);
	free(ho->ps);
	free(ho);
}
