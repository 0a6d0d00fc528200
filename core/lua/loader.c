/* Loading plugins (plugins/README.md): finding the file (built in, on IAPTSIM_PLUGIN_PATH
 * or a path), running it once in a sandboxed control state and describing what its table
 * declares (name, summary, options, metrics, hooks); and a scenario's plugins, from its
 * plain specifications, with the option values it gives checked at their file:line:col. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "iaptsim/econ.h"
#include "iaptsim/plugin.h"
#include "lua/host.h"
#include "util/util.h"

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

static const char *const option_keys[] = {"default", "min", "max", "doc", "integer", "choices", "service"};

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
	/* service = true: a service's code, which only the scenario's services table can check
	 * (iapt_engine_check, before any run) */
	lua_getfield(L, t, "service");
	ty = lua_type(L, -1);
	o->service = lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (ty != LUA_TNIL && ty != LUA_TBOOLEAN)
		return iapt_error__set(IAPT_ELUA, "%s: %s: 'service' must be true or false, got %s", pl->path, what, lua_typename(L, ty));
	if (o->service && o->kind != IAPT_OPT_STRING)
		return iapt_error__set(IAPT_ELUA, "%s: %s: 'service' is for string options (a service's code, like default = \"02F\")",
				       pl->path, what);
	if (o->service && o->n_choices)
		return iapt_error__set(IAPT_ELUA, "%s: %s: 'service' and 'choices' cannot both be given (the services table gives the choices)",
				       pl->path, what);
	o->num = o->def_num;
	return IAPT_OK;
}

/* the plugin table's keys: its description, then the hooks (IAPT_HOOK_LIST) */
#define HOOK_KEY(id, name, doc) #name,
static const char *const plugin_keys[] = {"name", "summary", "options", "metrics", "fields", "categories", "groups", "wait_checkpoints",
					  IAPT_HOOK_LIST(HOOK_KEY)};
#undef HOOK_KEY
static const char *const metric_keys[] = {"doc", "kind"};
static const char *const field_keys[] = {"doc", "type"};

static int cmp_field(const void *a, const void *b)
{
	return strcmp(((const iapt_plugin_field *)a)->name, ((const iapt_plugin_field *)b)->name);
}

/* wait_checkpoints = {2, 6, 12}: whole weeks since referral, ascending; needed by on_wait
 * and only with it. The value is at the top of the stack. */
static int describe_checkpoints(lua_State *L, iapt_plugin *pl)
{
	int t = lua_gettop(L);
	lua_Integer n, k;
	if (lua_isnil(L, t)) {
		if (pl->hooks & IAPT_HOOK_ON_WAIT)
			return iapt_error__set(IAPT_ELUA, "%s: on_wait needs wait_checkpoints: the weeks since referral at which to call it, like {2, 6, 12}",
					       pl->path);
		return IAPT_OK;
	}
	if (!(pl->hooks & IAPT_HOOK_ON_WAIT))
		return iapt_error__set(IAPT_ELUA, "%s: wait_checkpoints without on_wait: nothing would be called", pl->path);
	if (!lua_istable(L, t) || (n = (lua_Integer)lua_rawlen(L, t)) < 1 || n > 64)
		return iapt_error__set(IAPT_ELUA, "%s: wait_checkpoints must be a list of 1 to 64 weeks, like {2, 6, 12}", pl->path);
	if (!(pl->wait_weeks = calloc((size_t)n, sizeof *pl->wait_weeks)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (k = 1; k <= n; k++) {
		lua_Integer w;
		lua_rawgeti(L, t, k);
		if (!lua_isinteger(L, -1) || (w = lua_tointeger(L, -1)) < 1 || w > IAPT_WAIT_MAX_WEEKS ||
		    (k > 1 && w <= pl->wait_weeks[k - 2]))
			return iapt_error__set(IAPT_ELUA, "%s: wait_checkpoints[%d] = %s: weeks must be whole numbers in [1, %d], ascending",
					       pl->path, (int)k, luaL_tolstring(L, -1, NULL), IAPT_WAIT_MAX_WEEKS);
		pl->wait_weeks[k - 1] = (int)w;
		pl->n_wait_weeks++;
		lua_pop(L, 1);
	}
	return IAPT_OK;
}

static const char *const category_keys[] = {"doc", "perspective"};

static int cmp_category(const void *a, const void *b)
{
	return strcmp(((const iapt_plugin_category *)a)->name, ((const iapt_plugin_category *)b)->name);
}

/* categories = { booklet = { perspective = "nhs", doc = "..." } } at the top of the stack */
static int describe_categories(lua_State *L, iapt_plugin *pl)
{
	int t = lua_gettop(L);
	size_t n = 0;
	if (lua_isnil(L, t))
		return IAPT_OK;
	if (!lua_istable(L, t))
		return iapt_error__set(IAPT_ELUA, "%s: 'categories' must be a table of {perspective, doc}", pl->path);
	for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1))
		n++;
	if (n > IAPT_CAT_PLUGIN_SLOTS)
		return iapt_error__set(IAPT_ELUA, "%s: %zu cost categories is more than the %d all plugins may declare", pl->path, n,
				       IAPT_CAT_PLUGIN_SLOTS);
	if (!(pl->categories = calloc(n + 1, sizeof *pl->categories)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	lua_pushnil(L);
	while (lua_next(L, t)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		iapt_plugin_category *c = &pl->categories[pl->n_categories++];
		char what[128], *per;
		int p;
		if (!is_ident(k))
			return iapt_error__set(IAPT_ELUA, "%s: categories: '%s' is not a plain name", pl->path, k ? k : "?");
		snprintf(what, sizeof what, "categories.%s", k);
		if (!lua_istable(L, -1))
			return iapt_error__set(IAPT_ELUA, "%s: %s: expected {perspective = 'nhs', 'exchequer' or 'societal', doc = ...}", pl->path, what);
		if (check_keys(L, lua_gettop(L), category_keys, N_OF(category_keys), pl->path, what))
			return IAPT_ELUA;
		c->name = iapt_str__dup(k);
		c->doc = dup_field(L, -1, "doc");
		if (!c->name || !c->doc || !c->doc[0])
			return iapt_error__set(IAPT_ELUA, "%s: %s: 'doc' is required", pl->path, what);
		per = dup_field(L, -1, "perspective");
		for (p = 0; p < IAPT_PERSP__COUNT; p++)
			if (per && !strcmp(per, iapt_perspective_name(p)))
				break;
		free(per);
		if (p == IAPT_PERSP__COUNT)
			return iapt_error__set(IAPT_ELUA, "%s: %s: 'perspective' must be 'nhs', 'exchequer' or 'societal' (who bears it)", pl->path, what);
		c->perspective = p;
		lua_pop(L, 1);
	}
	qsort(pl->categories, pl->n_categories, sizeof *pl->categories, cmp_category);
	return IAPT_OK;
}

static const char *const group_keys[] = {"doc", "levels", "assign"};

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const iapt_plugin_group *)a)->name, ((const iapt_plugin_group *)b)->name);
}

/* A level's name, as it shows in summary.csv's group column: 1 to 32 letters, digits, '_',
 * '+' or '-' (no comma, quote or '='). */
static int is_level(const char *s)
{
	size_t i;
	for (i = 0; s && s[i]; i++)
		if (!(s[i] == '_' || s[i] == '+' || s[i] == '-' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return s && i >= 1 && i <= 32;
}

/* groups = { booklet = { levels = { "yes", "no" }, doc = "...", assign = function(ctx, p) ... end } }
 * at the top of the stack. Messages name the line where assign is defined (the declaration
 * has no line of its own), or the file when there is no assign. */
static int describe_groups(lua_State *L, iapt_plugin *pl)
{
	int t = lua_gettop(L);
	size_t n = 0;
	if (lua_isnil(L, t))
		return IAPT_OK;
	if (!lua_istable(L, t))
		return iapt_error__set(IAPT_ELUA, "%s: 'groups' must be a table of {levels, assign, doc}", pl->path);
	for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1))
		n++;
	if (n > IAPT_HOOK_MAX_GROUPS)
		return iapt_error__set(IAPT_ELUA, "%s: %zu groups is more than the %d all plugins may declare", pl->path, n, IAPT_HOOK_MAX_GROUPS);
	if (!(pl->groups = calloc(n + 1, sizeof *pl->groups)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	lua_pushnil(L);
	while (lua_next(L, t)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		iapt_plugin_group *g = &pl->groups[pl->n_groups++];
		int d = lua_gettop(L);
		lua_Integer j, nl;
		char what[128], where[1100];
		lua_Debug ar;
		if (!is_ident(k))
			return iapt_error__set(IAPT_ELUA, "%s: groups: '%s' is not a plain name", pl->path, k ? k : "?");
		snprintf(what, sizeof what, "groups.%s", k);
		if (!lua_istable(L, d))
			return iapt_error__set(IAPT_ELUA, "%s: %s: expected {levels = {\"yes\", \"no\"}, assign = function(ctx, p) ... end, doc = ...}",
					       pl->path, what);
		if (check_keys(L, d, group_keys, N_OF(group_keys), pl->path, what))
			return IAPT_ELUA;
		if (!(g->name = iapt_str__dup(k)))
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		lua_getfield(L, d, "assign");
		if (!lua_isfunction(L, -1))
			return iapt_error__set(IAPT_ELUA, "%s: %s: 'assign' must be a function(ctx, p) returning the person's level, got %s", pl->path,
					       what, luaL_typename(L, -1));
		snprintf(where, sizeof where, "%s", pl->path);
		if (lua_getinfo(L, ">S", &ar)) { /* pops assign */
			g->line = ar.linedefined;
			snprintf(where, sizeof where, "%s:%d", ar.short_src, ar.linedefined);
		}
		g->doc = dup_field(L, d, "doc");
		if (!g->doc || !g->doc[0])
			return iapt_error__set(IAPT_ELUA, "%s: %s: 'doc' is required", where, what);
		lua_getfield(L, d, "levels");
		if (!lua_istable(L, -1) || (nl = (lua_Integer)lua_rawlen(L, -1)) < 1)
			return iapt_error__set(IAPT_ELUA, "%s: %s: 'levels' must be a list of level names, like {\"yes\", \"no\"}", where, what);
		if (nl > IAPT_HOOK_GROUP_MAX_LEVELS)
			return iapt_error__set(IAPT_ELUA, "%s: %s: %d levels is more than the %d a group may have", where, what, (int)nl,
					       IAPT_HOOK_GROUP_MAX_LEVELS);
		if (!(g->levels = calloc((size_t)nl, sizeof *g->levels)))
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		for (j = 1; j <= nl; j++) {
			size_t m;
			lua_rawgeti(L, -1, j);
			if (lua_type(L, -1) != LUA_TSTRING || !is_level(lua_tostring(L, -1)))
				return iapt_error__set(IAPT_ELUA, "%s: %s: levels[%d] = %s: a level is 1 to 32 letters, digits, '_', '+' or '-'", where,
						       what, (int)j, luaL_tolstring(L, -1, NULL));
			for (m = 0; m < g->n_levels; m++)
				if (!strcmp(g->levels[m], lua_tostring(L, -1)))
					return iapt_error__set(IAPT_ELUA, "%s: %s: level '%s' is named twice", where, what, g->levels[m]);
			if (!(g->levels[g->n_levels] = iapt_str__dup(lua_tostring(L, -1))))
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
			g->n_levels++;
			lua_pop(L, 1);
		}
		lua_pop(L, 2); /* levels, the group's table */
	}
	qsort(pl->groups, pl->n_groups, sizeof *pl->groups, cmp_group);
	return IAPT_OK;
}

/* fields = { booklet = { type = "boolean", doc = "..." } } at the top of the stack */
static int describe_fields(lua_State *L, iapt_plugin *pl)
{
	int t = lua_gettop(L);
	size_t n = 0, k;
	if (lua_isnil(L, t))
		return IAPT_OK;
	if (!lua_istable(L, t))
		return iapt_error__set(IAPT_ELUA, "%s: 'fields' must be a table of {type, doc}", pl->path);
	for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1))
		n++;
	if (!(pl->fields = calloc(n + 1, sizeof *pl->fields)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	lua_pushnil(L);
	while (lua_next(L, t)) {
		const char *k2 = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		iapt_plugin_field *f = &pl->fields[pl->n_fields++];
		char what[128], *type;
		if (!is_ident(k2))
			return iapt_error__set(IAPT_ELUA, "%s: fields: '%s' is not a plain name", pl->path, k2 ? k2 : "?");
		if (iapt_person_field_find(k2) >= 0)
			return iapt_error__set(IAPT_ELUA, "%s: fields: '%s' is a person field already (plugins/README.md lists them)", pl->path, k2);
		snprintf(what, sizeof what, "fields.%s", k2);
		if (!lua_istable(L, -1))
			return iapt_error__set(IAPT_ELUA, "%s: %s: expected {type = 'boolean' or 'integer', doc = ...}", pl->path, what);
		if (check_keys(L, lua_gettop(L), field_keys, N_OF(field_keys), pl->path, what))
			return IAPT_ELUA;
		f->name = iapt_str__dup(k2);
		f->doc = dup_field(L, -1, "doc");
		if (!f->name || !f->doc || !f->doc[0])
			return iapt_error__set(IAPT_ELUA, "%s: %s: 'doc' is required", pl->path, what);
		type = dup_field(L, -1, "type");
		if (!type || (strcmp(type, "boolean") && strcmp(type, "integer"))) {
			free(type);
			return iapt_error__set(IAPT_ELUA, "%s: %s: 'type' must be 'boolean' or 'integer' (a whole number 0-255)", pl->path, what);
		}
		f->integer = strcmp(type, "integer") == 0;
		free(type);
		lua_pop(L, 1);
	}
	qsort(pl->fields, pl->n_fields, sizeof *pl->fields, cmp_field);
	for (k = 0; k < pl->n_fields; k++) {
		pl->fields[k].shift = pl->user_bits;
		pl->user_bits += pl->fields[k].integer ? 8u : 1u;
	}
	if (pl->user_bits > IAPT_PLUGIN_USER_BITS)
		return iapt_error__set(IAPT_ELUA, "%s: fields take %u bits, more than the %d all plugins may use (a boolean takes 1, an integer 8)",
				       pl->path, pl->user_bits, IAPT_PLUGIN_USER_BITS);
	return IAPT_OK;
}

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
		lua_getfield(L, t, hook_name(h));
		if (lua_isfunction(L, -1))
			pl->hooks |= 1u << h;
		else if (!lua_isnil(L, -1)) {
			iapt_error__set(IAPT_ELUA, "%s: '%s' must be a function, got %s", pl->path, hook_name(h), luaL_typename(L, -1));
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
	lua_getfield(L, t, "wait_checkpoints");
	if (describe_checkpoints(L, pl))
		return IAPT_ELUA;
	lua_pop(L, 1);
	lua_getfield(L, t, "fields");
	if (describe_fields(L, pl))
		return IAPT_ELUA;
	lua_pop(L, 1);
	lua_getfield(L, t, "categories");
	if (describe_categories(L, pl))
		return IAPT_ELUA;
	lua_pop(L, 1);
	lua_getfield(L, t, "groups");
	if (describe_groups(L, pl))
		return IAPT_ELUA;
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
				struct stat st;
				if (dl) {
					b.len = 0;
					iapt_buf__printf(&b, "%.*s/%s.lua", (int)dl, pp, use);
					/* stat, not open: opening a FIFO would wait; the read refuses what is not a file */
					if (iapt_buf__ok(&b) && stat(b.ptr, &st) == 0)
						break;
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
	if (!(rc = iapt_lua__open_state(&ps, pl))) {
		int drc = IAPT_OK;
		lua_pushcfunction(ps.L, describe_call);
		lua_insert(ps.L, -2);
		lua_pushlightuserdata(ps.L, pl);
		lua_pushlightuserdata(ps.L, &drc);
		if (!(rc = iapt_lua__pcall(&ps, 3, 0)))
			rc = drc;
	}
	iapt_lua__close_state(&ps);
	if (rc) {
		iapt_plugin_free(pl);
		return rc;
	}
	*out = pl;
	return IAPT_OK;
}

/* ---- a scenario's plugins: specs to descriptions ---- */

#define FAIL_AT(code, loc, ...) iapt_error__at((code), (loc)->file, (loc)->line, (loc)->col, (loc)->text, __VA_ARGS__)

/* A `with:` value checked against the option it sets (the messages the scenario parser
 * gives for its own values). */
static int set_option(iapt_plugin *pl, const iapt_plugin_setting *st)
{
	size_t i;
	iapt_plugin_option *o;
	char what[256], origin[512];
	const iapt_source_loc *at = &st->value_at;
	if (iapt_plugin_option_find(pl, st->name, &i) != IAPT_OK) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", iapt_error_last()->message);
		return FAIL_AT(IAPT_EINVAL, &st->name_at, "%s", msg);
	}
	o = &pl->options[i];
	snprintf(what, sizeof what, "plugins.%s.with.%s", pl->name, o->name);
	switch (o->kind) {
	case IAPT_OPT_BOOLEAN: {
		const char *t = st->value && !st->quoted ? st->value : "";
		if (strcmp(t, "true") == 0)
			o->num = 1;
		else if (strcmp(t, "false") == 0)
			o->num = 0;
		else
			return FAIL_AT(IAPT_EINVAL, at, "%s: expected true or false, got %s", what, st->value ? st->value : st->shape);
		break;
	}
	case IAPT_OPT_STRING: {
		size_t k;
		char *v;
		if (!st->value)
			return FAIL_AT(IAPT_EINVAL, at, "%s: expected a string, got %s", what, st->shape);
		for (k = 0; k < o->n_choices; k++)
			if (strcmp(o->choices[k], st->value) == 0)
				break;
		if (o->n_choices && k == o->n_choices) {
			const char *near = iapt_str__suggest(st->value, (const char *const *)o->choices, o->n_choices);
			return FAIL_AT(IAPT_EINVAL, at, "%s: '%s' is not one of its choices%s%s%s", what, st->value,
				       near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		}
		if (!(v = iapt_str__dup(st->value)))
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		free(o->str);
		o->str = v;
		break;
	}
	default: {
		double x;
		if (!st->value)
			return FAIL_AT(IAPT_EINVAL, at, "%s: expected a number, got %s", what, st->shape);
		if (st->quoted)
			return FAIL_AT(IAPT_EINVAL, at, "%s: expected a number, got the quoted string \"%s\"", what, st->value);
		if (iapt_str__number(st->value, &x))
			return FAIL_AT(IAPT_EINVAL, at, "%s: '%s' is not a number", what, st->value);
		if (o->kind == IAPT_OPT_INTEGER && x != floor(x))
			return FAIL_AT(IAPT_EINVAL, at, "%s: expected a whole number, got %s", what, st->value);
		if (x < o->min || x > o->max)
			return FAIL_AT(IAPT_ERANGE, at, "%s = %s is out of range [%.17g, %.17g]", what, st->value, o->min, o->max);
		o->num = x;
	}
	}
	snprintf(origin, sizeof origin, "%s:%zu", at->file, at->line + 1);
	free(o->origin);
	if (!(o->origin = iapt_str__dup(origin)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	return IAPT_OK;
}

static int load_spec(const iapt_plugin_spec *sp, iapt_plugin **loaded, size_t n_loaded, iapt_plugin **out)
{
	iapt_plugin *pl;
	size_t k;
	int rc;
	*out = NULL;
	if ((rc = iapt_plugin_load(&pl, sp->use, sp->base_dir, sp->instructions, sp->memory_mb))) {
		char msg[4096];
		snprintf(msg, sizeof msg, "%s", iapt_error_last()->message);
		return FAIL_AT(rc == IAPT_ENOMEM ? rc : IAPT_EINVAL, &sp->use_at, "%s", msg);
	}
	for (k = 0; k < n_loaded; k++) {
		if (strcmp(loaded[k]->name, pl->name) == 0) {
			rc = FAIL_AT(IAPT_EINVAL, &sp->use_at, "plugins: '%s' is used twice (give it one entry with all its options)", pl->name);
			goto fail;
		}
		pl->user0 += loaded[k]->user_bits;
		pl->cat0 += (unsigned)loaded[k]->n_categories;
	}
	if (pl->cat0 + pl->n_categories > IAPT_CAT_PLUGIN_SLOTS) {
		rc = FAIL_AT(IAPT_EINVAL, &sp->use_at, "plugins: the cost categories of '%s' and the plugins before it are %zu, more than the %d allowed",
			     pl->name, pl->cat0 + pl->n_categories, IAPT_CAT_PLUGIN_SLOTS);
		goto fail;
	}
	{
		size_t n_groups = pl->n_groups;
		for (k = 0; k < n_loaded; k++)
			n_groups += loaded[k]->n_groups;
		if (n_groups > IAPT_HOOK_MAX_GROUPS) {
			rc = FAIL_AT(IAPT_EINVAL, &sp->use_at, "plugins: the groups of '%s' and the plugins before it are %zu, more than the %d allowed",
				     pl->name, n_groups, IAPT_HOOK_MAX_GROUPS);
			goto fail;
		}
	}
	if (pl->user0 + pl->user_bits > IAPT_PLUGIN_USER_BITS) {
		rc = FAIL_AT(IAPT_EINVAL, &sp->use_at, "plugins: the fields of '%s' and the plugins before it take %u bits, more than the %d allowed",
			     pl->name, pl->user0 + pl->user_bits, IAPT_PLUGIN_USER_BITS);
		goto fail;
	}
	if (sp->with_shape) {
		rc = FAIL_AT(IAPT_EINVAL, &sp->with_at, "plugins.%s.with: expected a mapping, got %s", pl->name, sp->with_shape);
		goto fail;
	}
	for (k = 0; k < sp->n_with; k++)
		if ((rc = set_option(pl, &sp->with[k])))
			goto fail;
	*out = pl;
	return IAPT_OK;
fail:
	iapt_plugin_free(pl);
	return rc;
}

int iapt_plugins_load(iapt_scenario *sc)
{
	iapt_plugin **pls;
	size_t k, n = 0;
	int rc = IAPT_OK;
	if (sc->plugins || sc->n_plugins)
		return iapt_error__set(IAPT_EINVAL, "the scenario's plugins are loaded already");
	if (!sc->n_plugin_specs)
		return IAPT_OK;
	if (!(pls = calloc(sc->n_plugin_specs, sizeof *pls)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (k = 0; k < sc->n_plugin_specs && !rc; k++)
		if (!(rc = load_spec(&sc->plugin_specs[k], pls, n, &pls[n])))
			n++;
	if (rc) {
		for (k = 0; k < n; k++)
			iapt_plugin_free(pls[k]);
		free(pls);
		return rc;
	}
	sc->plugins = pls;
	sc->n_plugins = n;
	return IAPT_OK;
}

size_t iapt_plugin_builtin_count(void)
{
	return iapt__n_builtin_plugins;
}

const char *iapt_plugin_builtin_name(size_t i)
{
	return i < iapt__n_builtin_plugins ? iapt__builtin_plugins[i].name : NULL;
}

