/* The Lua host: the plugin contract of plugins/README.md.
 *
 * Each plugin runs in a Lua state of its own: base, table, string, math and utf8 only; a
 * private _ENV in which reading an undefined global is an error; an instruction budget per
 * call and a memory cap per state. Every call is protected, with a traceback, and a failure
 * becomes IAPT_ELUA with "plugin.lua:LINE: message". The engine never sees Lua: it calls
 * the iapt_hooks table built here (host.c), one per worker, from iapt_plugin_host. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "iaptsim/hooks.h"
#include "iaptsim/plugin.h"
#include "iaptsim/sim.h"
#include "rng/stream.h"
#include "lua/host.h"
#include "util/util.h"

/* What was running, for messages: "on_referral, replicate 3" or "loading". */
const char *iapt_lua__doing(const pstate *ps, char *buf, size_t n)
{
	iapt_run_info in;
	const char *name = ps->pl->name ? ps->pl->name : "?";
	if (ps->hook < 0 || !ps->run) {
		snprintf(buf, n, "while loading the plugin");
		return buf;
	}
	iapt_run_get_info(ps->run, &in);
	if (ps->grouping) {
		snprintf(buf, n, "in groups.%s.assign of plugin '%s', replicate %d", ps->pl->groups[ps->grouping - 1].name, name,
			 in.replicate + 1);
		return buf;
	}
	snprintf(buf, n, "in %s of plugin '%s', replicate %d", hook_name(ps->hook), name, in.replicate + 1);
	return buf;
}

/* A state with the sandbox, the plugin's chunk run in it, its table on the stack. */
int iapt_lua__open_state(pstate *ps, const iapt_plugin *pl)
{
	lua_State *L;
	char chunkname[1100];
	int rc;
	ps->pl = pl;
	ps->hook = -1;
	ps->costed = 0;
	ps->uncosted[0] = 0;
	for (rc = 0; rc < N_HOOKS; rc++)
		ps->ref[rc] = LUA_NOREF;
	for (rc = 0; rc < IAPT_HOOK_MAX_GROUPS; rc++)
		ps->group_ref[rc] = LUA_NOREF;
	ps->grouping = 0;
	ps->person_ref = ps->ctx_ref = ps->opts_ref = LUA_NOREF;
	if ((rc = iapt_lua__open(ps)))
		return rc;
	L = ps->L;
	snprintf(chunkname, sizeof chunkname, "@%s", pl->path);
	if ((rc = luaL_loadbufferx(L, pl->source, pl->source_len, chunkname, "t")) != LUA_OK) {
		if (rc == LUA_ERRMEM)
			return iapt_error__set(IAPT_ELUA, "%s: memory cap of %zu MiB exceeded while compiling the plugin", pl->path,
					       ps->cap >> 20);
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

void iapt_lua__close_state(pstate *ps)
{
	iapt_lua__close(ps);
	if (ps->rng)
		gsl_rng_free(ps->rng);
	ps->rng = NULL;
}

/* ---- the hook table ---- */

typedef struct host {
	iapt_hooks hooks;
	const iapt_scenario *sc;
	pstate *ps;
	size_t n;
	int *wait_weeks; /* the union of the plugins' checkpoints, ascending */
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
	if (!ps->person) /* year-level streams: (year, hook, plugin) */
		ps->rng_entity = ((uint64_t)1 << 63) | ((uint64_t)(unsigned)year << 16) | ((uint64_t)h << 8) | (uint64_t)ps->index;
	ps->set_called = 0;
	rc = iapt_lua__pcall(ps, nargs + 1, LUA_MULTRET);
	if (rc == IAPT_OK && ps->set_called && iapt_run_check_params(ps->run) != IAPT_OK) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", iapt_error_last()->message);
		rc = iapt_error__set(IAPT_ELUA, "%sctx:set in %s broke a combination of parameters: %s\n  (%s)", ps->set_where,
				     hook_name(h), msg, iapt_lua__doing(ps, what, sizeof what));
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
					     where, line, hook_name(h), luaL_typename(L, top + 1), iapt_lua__doing(ps, what, sizeof what));
		}
	}
	lua_settop(L, top);
	ps->hook = -1;
	return rc;
}

static int h_setup(void *data, iapt_run *run)
{
	host *ho = data;
	size_t k;
	int rc;
	iapt_run_info in;
	iapt_run_get_info(run, &in);
	for (k = 0; k < ho->n; k++)
		iapt_lua__close_state(&ho->ps[k]);
	for (k = 0; k < ho->n; k++) {
		pstate *ps = &ho->ps[k];
		const iapt_plugin *pl = ho->sc->plugins[k];
		size_t metric0 = ps->metric0;
		memset(ps, 0, sizeof *ps);
		ps->index = (int)k;
		ps->metric0 = metric0;
		ps->run = run;
		if ((rc = iapt_rng_new(&ps->rng, 0)) || (rc = iapt_lua__open_state(ps, pl)))
			goto fail;
		lua_pushcfunction(ps->L, iapt_lua__bind_run);
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
		iapt_lua__close_state(&ho->ps[k]);
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

/* Is week w one of the plugin's checkpoints? */
static int at_checkpoint(const iapt_plugin *pl, int w)
{
	size_t j;
	for (j = 0; j < pl->n_wait_weeks; j++)
		if (pl->wait_weeks[j] == w)
			return 1;
	return 0;
}

/* A person hook, plugin by plugin. seq tells apart a person's calls of one hook (the
 * session, the checkpoint), so that each has a stream of its own; weeks > 0: on_wait's
 * third argument, and only plugins with that checkpoint are called. */
static int person_hook(host *ho, int h, iapt_hook_person *p, unsigned seq, int weeks)
{
	size_t k;
	int rc;
	for (k = 0; k < ho->n; k++) {
		pstate *ps = &ho->ps[k];
#ifndef NDEBUG
		int top = lua_gettop(ps->L);
#endif
		if (weeks > 0 && !at_checkpoint(ps->pl, weeks))
			continue;
		if (!push_hook(ps, h))
			continue;
		lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->person_ref);
		if (weeks > 0)
			lua_pushinteger(ps->L, weeks);
		ps->person = p;
		/* (person, hook, plugin, seq): seq is 0 for the hooks called once per person, so
		 * their streams are those of earlier versions */
		ps->rng_entity = (uint64_t)p->id | ((uint64_t)h << 32) | ((uint64_t)k << 40) | ((uint64_t)(seq & 0x7fffu) << 48);
		rc = call_hook(ps, h, weeks > 0 ? 2 : 1, 0);
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
	return person_hook(data, H_REFERRAL, p, 0, 0);
}

static int h_discharge(void *data, iapt_run *run, iapt_hook_person *p)
{
	(void)run;
	return person_hook(data, H_DISCHARGE, p, 0, 0);
}

static int h_wait(void *data, iapt_run *run, iapt_hook_person *p, int weeks)
{
	(void)run;
	return person_hook(data, IAPT_HOOK_I_ON_WAIT, p, (unsigned)weeks, weeks);
}

static int h_session(void *data, iapt_run *run, iapt_hook_person *p)
{
	(void)run;
	return person_hook(data, IAPT_HOOK_I_ON_SESSION, p, (unsigned)p->session, 0);
}

static int h_step_up(void *data, iapt_run *run, iapt_hook_person *p)
{
	(void)run;
	return person_hook(data, IAPT_HOOK_I_ON_STEP_UP, p, 0, 0);
}

static int h_followup(void *data, iapt_run *run, iapt_hook_person *p)
{
	(void)run;
	return person_hook(data, IAPT_HOOK_I_ON_FOLLOWUP, p, 0, 0);
}

/* The level of person p in group g of ps's plugin (its assign function), into *out. */
static int assign_one(pstate *ps, size_t g, const iapt_hook_person *p, int *out)
{
	lua_State *L = ps->L;
	const iapt_plugin_group *gr = &ps->pl->groups[g];
	int top = lua_gettop(L), rc;
	size_t l;
	lua_rawgeti(L, LUA_REGISTRYINDEX, ps->group_ref[g]);
	lua_rawgeti(L, LUA_REGISTRYINDEX, ps->ctx_ref);
	lua_rawgeti(L, LUA_REGISTRYINDEX, ps->person_ref);
	/* the person object refuses writes while grouping, so the cast loses nothing */
	ps->person = (iapt_hook_person *)(uintptr_t)p;
	ps->hook = H_REFERRAL; /* a hook's place, for what asks; grouping says what runs */
	ps->grouping = (int)g + 1;
	ps->rng_keyed = 0;
	ps->rng_entity = (uint64_t)p->id | ((uint64_t)(N_HOOKS + g) << 32) | ((uint64_t)ps->index << 40);
	rc = iapt_lua__pcall(ps, 2, 1);
	if (rc == IAPT_OK) {
		const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		for (l = 0; s && l < gr->n_levels; l++)
			if (!strcmp(s, gr->levels[l]))
				break;
		if (s && l < gr->n_levels) {
			*out = (int)l;
		} else {
			char what[256], levels[600] = "";
			size_t len;
			for (l = 0; l < gr->n_levels; l++) {
				len = strlen(levels);
				snprintf(levels + len, sizeof levels - len, "%s%s", l ? ", " : "", gr->levels[l]);
			}
			rc = iapt_error__set(IAPT_ELUA, "%s:%d: groups.%s: assign returned %s%s%s, not one of its levels (%s)\n  (%s)", ps->pl->path,
					     gr->line, gr->name, s ? "'" : "", s ? s : luaL_typename(L, -1), s ? "'" : "", levels,
					     iapt_lua__doing(ps, what, sizeof what));
		}
	}
	lua_settop(L, top);
	ps->person = NULL;
	ps->grouping = 0;
	ps->hook = -1;
	return rc;
}

/* The levels of every plugin's groups, in scenario order, each plugin's by name. */
static int h_group(void *data, iapt_run *run, const iapt_hook_person *p, int *levels)
{
	host *ho = data;
	size_t k, g, at = 0;
	int rc;
	(void)run;
	for (k = 0; k < ho->n; k++)
		for (g = 0; g < ho->ps[k].pl->n_groups; g++)
			if ((rc = assign_one(&ho->ps[k], g, p, &levels[at++])))
				return rc;
	return IAPT_OK;
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

static int h_finish(void *data, iapt_run *run, int ok)
{
	host *ho = data;
	size_t k;
	int rc = IAPT_OK;
	iapt_run_info in;
	iapt_run_get_info(run, &in);
	for (k = 0; k < ho->n; k++) {
		pstate *ps = &ho->ps[k];
		const double *v = iapt_run_values(run);
		/* a change to capacity or reach with no cost (docs/plugins.md, "Costs"): the run's
		 * log says so once a replicate; the terminal and the report show it */
		if (ok && ps->L && ps->uncosted[0] && !ps->costed) {
			char line[400];
			snprintf(line, sizeof line, "warning: plugin %s %s but books no cost (no ctx:flow): its savings come free",
				 ps->pl->name, ps->uncosted);
			iapt_run_log(run, line);
		}
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
		iapt_lua__close_state(&ho->ps[k]);
	return rc;
}

struct iapt_plugin_host {
	iapt_hook_factory factory;
	const iapt_scenario *sc;
	iapt_hook_metric *metrics;
	char **names;
	size_t n_metrics;
	char *cat_names[IAPT_CAT_PLUGIN_SLOTS]; /* "<plugin>.<category>" by slot */
	size_t n_cats;
	iapt_hook_group groups[IAPT_HOOK_MAX_GROUPS]; /* names "<plugin>.<group>", owned */
	size_t n_groups;
};

static int hooks_new(void *data, iapt_hooks **out)
{
	const iapt_plugin_host *hh = data;
	const iapt_scenario *sc = hh->sc;
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
	ho->hooks.setup = h_setup;
	ho->hooks.on_year = h_year;
	ho->hooks.on_referral = h_referral;
	ho->hooks.on_discharge = h_discharge;
	ho->hooks.on_finish = h_finish;
	ho->hooks.on_wait = h_wait;
	ho->hooks.on_session = h_session;
	ho->hooks.on_step_up = h_step_up;
	ho->hooks.on_followup = h_followup;
	for (k = 0; k < sc->n_plugins; k++) {
		const iapt_plugin *pl = sc->plugins[k];
		ho->ps[k].metric0 = m0;
		m0 += pl->n_metrics;
		ho->hooks.has |= pl->hooks;
		if (pl->n_groups)
			ho->hooks.group = h_group;
	}
	/* on_wait's checkpoints: every week any plugin asked for, once */
	if (ho->hooks.has & IAPT_HOOK_ON_WAIT) {
		int w;
		if (!(ho->wait_weeks = calloc(IAPT_WAIT_MAX_WEEKS, sizeof *ho->wait_weeks))) {
			free(ho->ps);
			free(ho);
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		}
		for (w = 1; w <= IAPT_WAIT_MAX_WEEKS; w++)
			for (k = 0; k < sc->n_plugins; k++)
				if (at_checkpoint(sc->plugins[k], w)) {
					ho->wait_weeks[ho->hooks.n_wait_weeks++] = w;
					break;
				}
		ho->hooks.wait_weeks = ho->wait_weeks;
	}
	/* setup loads the states even without a setup hook; on_finish releases them */
	ho->hooks.has |= IAPT_HOOK_SETUP | IAPT_HOOK_ON_FINISH;
	*out = &ho->hooks;
	return IAPT_OK;
}

static void hooks_free(void *data, iapt_hooks *h)
{
	host *ho;
	size_t k;
	(void)data;
	if (!h)
		return;
	ho = h->data;
	for (k = 0; k < ho->n; k++)
		iapt_lua__close_state(&ho->ps[k]);
	free(ho->wait_weeks);
	free(ho->ps);
	free(ho);
}

/* ---- the factory ---- */

int iapt_plugin_host_new(iapt_plugin_host **out, const iapt_scenario *sc)
{
	iapt_plugin_host *h = calloc(1, sizeof *h);
	size_t k, m, n = 0;
	*out = NULL;
	if (sc->n_plugins != sc->n_plugin_specs) {
		free(h);
		return iapt_error__set(IAPT_EINVAL, "the scenario's plugins are not loaded (iapt_plugins_load)");
	}
	if (!h)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	h->sc = sc;
	for (k = 0; k < sc->n_plugins; k++)
		n += sc->plugins[k]->n_metrics;
	h->metrics = calloc(n + 1, sizeof *h->metrics);
	h->names = calloc(n + 1, sizeof *h->names);
	if (!h->metrics || !h->names) {
		iapt_plugin_host_free(h);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	/* the plugins' metrics, named "<plugin>.<metric>", in scenario order */
	for (k = 0; k < sc->n_plugins; k++) {
		const iapt_plugin *pl = sc->plugins[k];
		for (m = 0; m < pl->n_metrics; m++) {
			iapt_buf b = {0};
			iapt_buf__printf(&b, "%s.%s", pl->name, pl->metrics[m].name);
			if (!iapt_buf__ok(&b)) {
				iapt_plugin_host_free(h);
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
			}
			h->names[h->n_metrics] = b.ptr;
			h->metrics[h->n_metrics].name = b.ptr;
			h->metrics[h->n_metrics].doc = pl->metrics[m].doc;
			h->metrics[h->n_metrics].level = pl->metrics[m].level;
			h->n_metrics++;
		}
	}
	/* the plugins' cost categories, by slot: in scenario order, each plugin's by name */
	for (k = 0; k < sc->n_plugins; k++) {
		const iapt_plugin *pl = sc->plugins[k];
		for (m = 0; m < pl->n_categories; m++) {
			iapt_buf b = {0};
			if (pl->cat0 + m >= IAPT_CAT_PLUGIN_SLOTS || pl->cat0 + m != h->n_cats) {
				iapt_plugin_host_free(h);
				return iapt_error__set(IAPT_EINVAL, "the plugins' cost categories are not numbered (iapt_plugins_load)");
			}
			iapt_buf__printf(&b, "%s.%s", pl->name, pl->categories[m].name);
			if (!iapt_buf__ok(&b)) {
				iapt_plugin_host_free(h);
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
			}
			h->cat_names[h->n_cats++] = b.ptr;
		}
	}
	/* the plugins' groups: in scenario order, each plugin's by name */
	for (k = 0; k < sc->n_plugins; k++) {
		const iapt_plugin *pl = sc->plugins[k];
		for (m = 0; m < pl->n_groups; m++) {
			iapt_buf b = {0};
			iapt_hook_group *g;
			if (h->n_groups == IAPT_HOOK_MAX_GROUPS) {
				iapt_plugin_host_free(h);
				return iapt_error__set(IAPT_EINVAL, "the plugins declare more than %d groups", IAPT_HOOK_MAX_GROUPS);
			}
			iapt_buf__printf(&b, "%s.%s", pl->name, pl->groups[m].name);
			if (!iapt_buf__ok(&b)) {
				iapt_plugin_host_free(h);
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
			}
			g = &h->groups[h->n_groups++];
			g->name = b.ptr;
			g->doc = pl->groups[m].doc;
			g->levels = (const char *const *)pl->groups[m].levels;
			g->n_levels = pl->groups[m].n_levels;
		}
	}
	h->factory.groups = h->groups;
	h->factory.n_groups = h->n_groups;
	h->factory.categories = (const char *const *)h->cat_names;
	h->factory.n_categories = h->n_cats;
	h->factory.data = h;
	h->factory.create = hooks_new;
	h->factory.destroy = hooks_free;
	h->factory.metrics = h->metrics;
	h->factory.n_metrics = h->n_metrics;
	h->factory.runs_plugins = 1;
	*out = h;
	return IAPT_OK;
}

const iapt_hook_factory *iapt_plugin_host_hooks(const iapt_plugin_host *h)
{
	return h && h->sc->n_plugins ? &h->factory : NULL;
}

void iapt_plugin_host_free(iapt_plugin_host *h)
{
	size_t k;
	if (!h)
		return;
	for (k = 0; k < h->n_metrics; k++)
		free(h->names[k]);
	for (k = 0; k < h->n_cats; k++)
		free(h->cat_names[k]);
	for (k = 0; k < h->n_groups; k++)
		free((char *)(uintptr_t)h->groups[k].name);
	free(h->names);
	free(h->metrics);
	free(h);
}
