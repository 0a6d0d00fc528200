/* What hooks see (plugins/README.md): the person object, whose fields and rules come from
 * IAPT_PERSON_FIELDS (iaptsim/hooks.h), and ctx, the run: its fields and methods (get,
 * set, refer_more, service, flow, metric, log, price, price_of). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "iaptsim/econ.h"
#include "iaptsim/hooks.h"
#include "iaptsim/plugin.h"
#include "iaptsim/sim.h"
#include "lua/host.h"
#include "util/util.h"

/* ---- the person seen by hooks ---- */

/* The fields, their kinds and their read and write rules come from IAPT_PERSON_FIELDS
 * (iaptsim/hooks.h). */

static int field_code(lua_State *L, int key)
{
	int code;
	lua_pushvalue(L, key);
	/* one call for the lookup and one for the value: hooks read fields often */
	code = lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER ? (int)lua_tointeger(L, -1) : -1;
	lua_pop(L, 1);
	return code;
}

static iapt_hook_person *check_person(lua_State *L, pstate **out)
{
	pstate *ps = iapt_lua__ps(L);
	if (lua_touserdata(L, 1) != ps->person_ud || !ps->person_ud) /* the one person object, or an error */
		luaL_checkudata(L, 1, "iaptsim.person");
	if (!ps->person)
		luaL_error(L, "this person object belongs to a hook call that has ended");
	*out = ps;
	return ps->person;
}

/* Push a field's value as plugins see it. */
static void push_field(lua_State *L, const iapt_person_field *f, double v)
{
	switch (f->kind) {
	case IAPT_PK_INDEX: lua_pushinteger(L, (lua_Integer)v + 1); break;
	case IAPT_PK_BOOLEAN: lua_pushboolean(L, v != 0); break;
	case IAPT_PK_NAME: lua_pushstring(L, f->values[(int)v >= 0 && (int)v < f->n_values ? (int)v : 0]); break;
	case IAPT_PK_NUMBER: lua_pushnumber(L, v); break;
	case IAPT_PK_OPTIONAL:
		if (v < 0) {
			lua_pushnil(L);
			break;
		}
		/* fall through */
	default: lua_pushinteger(L, (lua_Integer)v); break;
	}
}

/* A declared field (fields = {...}): its place in the person's bits. */
static const iapt_plugin_field *user_field(const pstate *ps, int f, unsigned *shift, uint32_t *mask)
{
	const iapt_plugin_field *uf = &ps->pl->fields[f - IAPT_PF__COUNT];
	*shift = ps->pl->user0 + uf->shift;
	*mask = uf->integer ? 0xffu : 1u;
	return uf;
}

/* "on_referral and on_wait": the hooks of bits `b` */
static const char *hook_list(unsigned b, char *buf, size_t n)
{
	int h, k = 0, c = 0;
	buf[0] = '\0';
	for (h = 0; h < IAPT_HOOK__COUNT; h++)
		c += (b >> h) & 1u;
	for (h = 0; h < IAPT_HOOK__COUNT; h++)
		if ((b >> h) & 1u) {
			size_t l = strlen(buf);
			snprintf(buf + l, n - l, "%s%s", k == 0 ? "" : (k == c - 1 ? " and " : ", "), hook_name(h));
			k++;
		}
	return buf;
}

static int person_index(lua_State *L)
{
	pstate *ps;
	iapt_hook_person *p = check_person(L, &ps);
	int f = field_code(L, 2);
	const iapt_person_field *fd = iapt_person_field_get(f);
	double v = 0;
	/* a group's assign sees what every person hook sees: the same at every count */
	if (ps->grouping && fd && (fd->readable & IAPT_PALL) != IAPT_PALL)
		return luaL_error(L, "person.%s is not known in a group's assign (it sees the fields every person hook reads, and the plugin's own)",
				  fd->name);
	if (f >= IAPT_PF__COUNT) {
		unsigned sh;
		uint32_t mask;
		const iapt_plugin_field *uf = user_field(ps, f, &sh, &mask);
		if (uf->integer)
			lua_pushinteger(L, (lua_Integer)((p->user >> sh) & mask));
		else
			lua_pushboolean(L, (p->user >> sh) & 1u);
		return 1;
	}
	if (!fd)
		return luaL_error(L, "person has no field '%s' (plugins/README.md lists them)", luaL_tolstring(L, 2, NULL));
	if (!(fd->readable & (1u << ps->hook))) {
		char hooks[200];
		return luaL_error(L, "person.%s is not known in %s (it is in %s)", fd->name, hook_name(ps->hook),
				  hook_list(fd->readable, hooks, sizeof hooks));
	}
	switch (f) {
#define X(name, ctype, kind, rd, wr, values, doc) case IAPT_PF_##name: v = (double)p->name; break;
		IAPT_PERSON_FIELDS(X)
#undef X
	}
	push_field(L, fd, v);
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

static double check_range(lua_State *L, int idx, const char *field, double lo, double hi)
{
	double v;
	if (lua_type(L, idx) != LUA_TNUMBER)
		return luaL_error(L, "person.%s must be a number; got %s", field, luaL_typename(L, idx));
	v = lua_tonumber(L, idx);
	if (!(v >= lo) || !(v <= hi)) {
		char msg[160]; /* lua_pushfstring has no %g */
		snprintf(msg, sizeof msg, "person.%s = %.10g is outside [%g, %g]", field, v, lo, hi);
		return luaL_error(L, "%s", msg);
	}
	return v;
}

static double check_whole(lua_State *L, int idx, const char *field, double lo, double hi)
{
	lua_Integer v;
	if (!lua_isinteger(L, idx) || (double)(v = lua_tointeger(L, idx)) < lo || (double)v > hi)
		return luaL_error(L, "person.%s must be a whole number in [%d, %d]; got %s", field, (int)lo, (int)hi,
				  luaL_tolstring(L, idx, NULL));
	return (double)v;
}

/* The value a plugin gives a writable field, checked by the field's kind. */
static double check_field(lua_State *L, int idx, const iapt_person_field *f)
{
	if (f->kind == IAPT_PK_OPTIONAL && lua_isnil(L, idx))
		return -1; /* none */
	switch (f->kind) {
	case IAPT_PK_BOOLEAN: return check_bool(L, idx, f->name);
	case IAPT_PK_NAME: return check_name(L, idx, f->name, f->values, (size_t)f->n_values);
	case IAPT_PK_NUMBER: return check_range(L, idx, f->name, f->min, f->max);
	default: return check_whole(L, idx, f->name, f->min, f->max);
	}
}

static int person_newindex(lua_State *L)
{
	pstate *ps;
	iapt_hook_person *p = check_person(L, &ps);
	int f = field_code(L, 2);
	const iapt_person_field *fd = iapt_person_field_get(f);
	double v;
	if (ps->grouping)
		return luaL_error(L, "person.%s cannot be set in a group's assign: it only says which level the person is in",
				  luaL_tolstring(L, 2, NULL));
	if (f >= IAPT_PF__COUNT) {
		unsigned sh;
		uint32_t mask, x;
		const iapt_plugin_field *uf = user_field(ps, f, &sh, &mask);
		x = uf->integer ? (uint32_t)check_whole(L, 3, uf->name, 0, 255) : (uint32_t)check_bool(L, 3, uf->name);
		p->user = (p->user & ~(mask << sh)) | (x << sh);
		return 0;
	}
	if (!fd)
		return luaL_error(L, "person has no field '%s' (declare your own per-person data in the plugin's fields table)",
				  luaL_tolstring(L, 2, NULL));
	if (!(fd->writable & (1u << ps->hook))) {
		char hooks[200];
		if (!fd->writable)
			return luaL_error(L, "person.%s is read-only", fd->name);
		/* a field is writable until the engine has used it */
		return luaL_error(L, "person.%s cannot be set in %s: it is writable only in %s, before the engine uses it", fd->name,
				  hook_name(ps->hook), hook_list(fd->writable, hooks, sizeof hooks));
	}
	if (f == IAPT_PF_service) { /* 1 .. n_services to plugins */
		iapt_run_info in;
		iapt_run_get_info(ps->run, &in);
		p->service = (int)check_whole(L, 3, "service", 1, in.n_services) - 1;
		p->written |= 1ull << f;
		return 0;
	}
	if ((f == IAPT_PF_session_phq9 || f == IAPT_PF_session_gad7) && !p->session_attended)
		return luaL_error(L, "person.%s cannot be set for a missed session (set person.session_attended = true first)", fd->name);
	v = check_field(L, 3, fd);
	if (f == IAPT_PF_integrated && v != 0 && !ps->uncosted[0])
		snprintf(ps->uncosted, sizeof ps->uncosted, "integrates services with physical care (person.integrated)");
	switch (f) {
#define X(name, ctype, kind, rd, wr, values, doc) case IAPT_PF_##name: p->name = (ctype)v; break;
		IAPT_PERSON_FIELDS(X)
#undef X
	}
	p->written |= 1ull << f;
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

/* Methods are called ctx:name(...); ctx.name(...) is the usual slip, so say so. */
static pstate *check_ctx(lua_State *L, const char *method)
{
	pstate *ps = iapt_lua__ps(L);
	if (!luaL_testudata(L, 1, "iaptsim.ctx"))
		luaL_error(L, "call ctx:%s(...) with a colon, not ctx.%s(...)", method, method);
	if (ps->hook < 0 || !ps->run)
		luaL_error(L, "ctx:%s is available only while a hook of the plugin runs", method);
	if (ps->grouping && strcmp(method, "get") && strcmp(method, "base") && strcmp(method, "price") && strcmp(method, "price_of") &&
	    strcmp(method, "log"))
		luaL_error(L, "ctx:%s is not for a group's assign: it only says which level the person is in", method);
	return ps;
}

/* Money and metric values a plugin hands over are summed, scaled to national figures and
 * discounted: bounded, no sum of them can overflow to infinity (an NA beside a finite BCR). */
#define MAX_AMOUNT 1e12

static void check_amount(lua_State *L, const char *fn, double v)
{
	if (!(fabs(v) <= MAX_AMOUNT))
		luaL_error(L, "%s: the value %f is not a finite number within [-1e12, 1e12] (flows are per simulated person, metrics per event)", fn, (lua_Number)v);
}

static int ctx_get(lua_State *L)
{
	pstate *ps = check_ctx(L, "get");
	size_t i;
	int year;
	param_index(L, ps, 2, &i);
	year = check_year_arg(L, 3);
	lua_pushnumber(L, iapt_run_param(ps->run, i, year));
	return 1;
}

/* Capacity or reach a plugin may change without the core costing it (docs/plugins.md,
 * "Costs"): more sessions from the same staff, more staff or services, more people in
 * integrated services. Trainees are costed by the core (training fees and salaries). */
static void note_service_change(pstate *ps, const char *name, double before, double after)
{
	static const char *const watched[] = {"workforce.li_wte", "workforce.hi_wte", "workforce.li_sessions_per_wte_week",
					      "workforce.hi_sessions_per_wte_week", "workforce.services", "ltc.integrated_share"};
	size_t k;
	if (!strcmp(name, "workforce.li_trainees") || !strcmp(name, "workforce.hi_trainees")) {
		ps->costed = 1;
		return;
	}
	if (after == before || ps->uncosted[0])
		return;
	for (k = 0; k < sizeof watched / sizeof watched[0]; k++)
		if (!strcmp(name, watched[k]))
			snprintf(ps->uncosted, sizeof ps->uncosted, "changes %s (capacity or reach)", name);
}

/* ctx:base(name [, year]): the value before any plugin changed it */
static int ctx_base(lua_State *L)
{
	pstate *ps = check_ctx(L, "base");
	size_t i;
	int year;
	param_index(L, ps, 2, &i);
	year = check_year_arg(L, 3);
	lua_pushnumber(L, iapt_run_param_base(ps->run, i, year));
	return 1;
}

/* The value indices a description gives for field f: a value name, an age aggregate of
 * summary.csv (under_18, 18_35, 26_64, 65_plus), a decile, or a list of these. */
static size_t describe_values(lua_State *L, int idx, const iapt_person_field *f, int *out, size_t cap)
{
	static const struct {
		const char *name;
		int from, to;
	} aggregates[] = {{"under_18", IAPT_AGE_UNDER_16, IAPT_AGE_16_17}, {"18_35", IAPT_AGE_18_25, IAPT_AGE_26_35},
			  {"26_64", IAPT_AGE_26_35, IAPT_AGE_36_64}, {"65_plus", IAPT_AGE_65_74, IAPT_AGE_90_PLUS}};
	size_t n = 0, k;
	int v;
	if (lua_type(L, idx) == LUA_TTABLE) {
		lua_Integer j, len = (lua_Integer)lua_rawlen(L, idx);
		if (len < 1)
			luaL_error(L, "ctx:refer_more: %s = {} names no value", f->name);
		for (j = 1; j <= len && n < cap; j++) {
			lua_rawgeti(L, idx, j);
			n += describe_values(L, lua_gettop(L), f, out + n, cap - n);
			lua_pop(L, 1);
		}
		return n;
	}
	if (f->kind == IAPT_PK_WHOLE) { /* imd_decile */
		out[0] = (int)check_whole(L, idx, f->name, f->min, f->max);
		return 1;
	}
	if (f == iapt_person_field_get(IAPT_PF_age_band) && lua_type(L, idx) == LUA_TSTRING)
		for (k = 0; k < sizeof aggregates / sizeof aggregates[0]; k++)
			if (!strcmp(lua_tostring(L, idx), aggregates[k].name)) {
				for (v = aggregates[k].from; v <= aggregates[k].to && n < cap; v++)
					out[n++] = v;
				return n;
			}
	out[0] = check_name(L, idx, f->name, f->values, (size_t)f->n_values);
	return 1;
}

/* ctx:refer_more({ age_band = "65_plus" }, 1.3): referrals of a group described by one
 * attribute x factor, from the year in force on */
static int ctx_refer_more(lua_State *L)
{
	pstate *ps = check_ctx(L, "refer_more");
	int values[64], field = -1;
	size_t n = 0;
	double factor;
	luaL_checktype(L, 2, LUA_TTABLE);
	factor = luaL_checknumber(L, 3);
	if (ps->hook != H_SETUP && ps->hook != H_YEAR)
		return luaL_error(L, "ctx:refer_more is for setup and on_year, not %s", hook_name(ps->hook));
	lua_pushnil(L);
	while (lua_next(L, 2)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
		int f = iapt_person_field_find(k);
		if (field >= 0)
			return luaL_error(L, "ctx:refer_more: describe the group by one attribute (call it once per attribute: factors multiply)");
		if (f != IAPT_PF_age_band && f != IAPT_PF_gender && f != IAPT_PF_ethnicity && f != IAPT_PF_imd_decile && f != IAPT_PF_problem)
			return luaL_error(L, "ctx:refer_more: '%s' is not age_band, gender, ethnicity, imd_decile or problem", k);
		field = f;
		n = describe_values(L, lua_gettop(L), iapt_person_field_get(f), values, sizeof values / sizeof values[0]);
		lua_pop(L, 1);
	}
	if (field < 0)
		return luaL_error(L, "ctx:refer_more: the group is empty: give an attribute, like { age_band = \"65_plus\" }");
	if (iapt_run_refer_more(ps->run, field, values, n, factor) != IAPT_OK)
		return luaL_error(L, "ctx:refer_more: %s", iapt_error_last()->message);
	return 0;
}

/* ctx:set(name, value [, year] [, { carry = true }]): in on_year the value holds for the
 * year only unless carried forward; in setup from the year on (the base value without one) */
static int ctx_set(lua_State *L)
{
	pstate *ps = check_ctx(L, "set");
	size_t i;
	int year, opt = 5, carry = 0;
	double v, before, next = 0;
	param_index(L, ps, 2, &i);
	if (lua_type(L, 3) != LUA_TNUMBER)
		return luaL_error(L, "ctx:set(%s, value): value must be a number, got %s", lua_tostring(L, 2), luaL_typename(L, 3));
	v = lua_tonumber(L, 3);
	if (lua_type(L, 4) == LUA_TTABLE) { /* ctx:set(name, value, { carry = true }) */
		opt = 4;
		year = 0;
	} else {
		year = check_year_arg(L, 4);
	}
	if (!lua_isnoneornil(L, opt)) {
		luaL_checktype(L, opt, LUA_TTABLE);
		lua_pushnil(L);
		while (lua_next(L, opt)) {
			if (lua_type(L, -2) != LUA_TSTRING || strcmp(lua_tostring(L, -2), "carry") || lua_type(L, -1) != LUA_TBOOLEAN)
				return luaL_error(L, "ctx:set: the options are { carry = true or false }");
			carry = lua_toboolean(L, -1);
			lua_pop(L, 1);
		}
	}
	if (ps->hook != H_SETUP && ps->hook != H_YEAR)
		return luaL_error(L, "ctx:set is for setup and on_year, not %s", hook_name(ps->hook));
	if (ps->hook == H_YEAR && !year) {
		iapt_run_info in;
		iapt_run_get_info(ps->run, &in);
		year = in.year;
	}
	before = iapt_run_param(ps->run, i, year);
	/* that year only: the next year keeps the value it had (a set year by year never
	 * compounds, and a set in one year leaves the next as the scenario has it) */
	if (ps->hook == H_YEAR && !carry && year < IAPT_SCENARIO_MAX_YEAR)
		next = iapt_run_param(ps->run, i, year + 1);
	if (iapt_run_set_param(ps->run, i, year, v) != IAPT_OK ||
	    (ps->hook == H_YEAR && !carry && year < IAPT_SCENARIO_MAX_YEAR && iapt_run_set_param(ps->run, i, year + 1, next) != IAPT_OK))
		return luaL_error(L, "%s", iapt_error_last()->message);
	note_service_change(ps, lua_tostring(L, 2), before, v);
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
		if (strcmp(cat, iapt_category_name(c)) == 0 && (c < IAPT_CAT_PLUGIN_1 || c > IAPT_CAT_PLUGIN_4))
			break;
	if (c == IAPT_CAT__COUNT) { /* one the plugin declared: its slot, and its perspective */
		size_t k;
		for (k = 0; k < ps->pl->n_categories; k++)
			if (strcmp(cat, ps->pl->categories[k].name) == 0) {
				c = IAPT_CAT_PLUGIN_1 + (int)(ps->pl->cat0 + k);
				if (strcmp(per, iapt_perspective_name(ps->pl->categories[k].perspective)))
					return luaL_error(L, "ctx:flow: category '%s' is declared for perspective %s, not %s", cat,
							  iapt_perspective_name(ps->pl->categories[k].perspective), per);
				break;
			}
		if (k == ps->pl->n_categories)
			c = IAPT_CAT__COUNT;
	}
	for (t = 0; t < IAPT_PERSP__COUNT; t++)
		if (strcmp(per, iapt_perspective_name(t)) == 0)
			break;
	if (c == IAPT_CAT__COUNT) {
		const char *names[IAPT_CAT__COUNT], *near;
		int n = 0;
		size_t k;
		for (c = 0; c < IAPT_CAT__COUNT; c++)
			if (c < IAPT_CAT_PLUGIN_1 || c > IAPT_CAT_PLUGIN_4)
				names[n++] = iapt_category_name(c);
		for (k = 0; k < ps->pl->n_categories && n < IAPT_CAT__COUNT; k++)
			names[n++] = ps->pl->categories[k].name;
		near = iapt_str__suggest(cat, names, (size_t)n);
		return luaL_error(L, "ctx:flow: unknown category '%s'%s%s%s (the built-in ones are in docs/economics.md; a plugin declares its own in its categories table, plugins/README.md)", cat,
				  near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
	}
	if (t == IAPT_PERSP__COUNT)
		return luaL_error(L, "ctx:flow: perspective must be nhs, exchequer or societal; got '%s'", per);
	if (ps->hook == H_FINISH)
		return luaL_error(L, "ctx:flow is not available in on_finish (the ledger is closed)");
	if (iapt_run_flow(ps->run, c, t, amount) != IAPT_OK)
		return luaL_error(L, "ctx:flow: %s", iapt_error_last()->message);
	ps->costed = 1;
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
	if (iapt_run_metric(ps->run, ps->metric0 + k, v, year) != IAPT_OK)
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
	if (iapt_price_convert(iapt_run_param(ps->run, i, year), py, sc->econ.price_year, &out) != IAPT_OK)
		return luaL_error(L, "ctx:price_of: %s", iapt_error_last()->message);
	lua_pushnumber(L, out);
	return 1;
}

/* ---- one service (ctx:service(code)): a handle of the service's index ---- */

static int service_feature(const char *k)
{
	int f;
	for (f = 0; f < IAPT_SVCF__COUNT; f++)
		if (!strcmp(k, iapt_svc_feature_name(f)))
			return f;
	return -1;
}

static int *check_service(lua_State *L, pstate **out)
{
	pstate *ps = iapt_lua__ps(L);
	int *k = luaL_checkudata(L, 1, "iaptsim.service");
	if (ps->hook < 0 || !ps->run)
		luaL_error(L, "a service is available only while a hook of the plugin runs");
	*out = ps;
	return k;
}

static int service_index(lua_State *L)
{
	pstate *ps;
	int *k = check_service(L, &ps), f;
	static const char *const id_keys[4] = {"code", "name", "region_code", "region"}; /* iapt_run_service_info's order */
	const char *key = luaL_checkstring(L, 2), *v[4];
	double x;
	if (iapt_run_service_info(ps->run, *k, &v[0], &v[1], &v[2], &v[3]) != IAPT_OK)
		return luaL_error(L, "%s", iapt_error_last()->message);
	for (f = 0; f < 4; f++)
		if (!strcmp(key, id_keys[f])) {
			lua_pushstring(L, v[f]);
			return 1;
		}
	if (!strcmp(key, "index")) {
		lua_pushinteger(L, *k + 1);
		return 1;
	}
	if (!strcmp(key, "icb_code") || !strcmp(key, "icb_name")) {
		const char *icb[2];
		if (iapt_run_service_icb(ps->run, *k, &icb[0], &icb[1]) != IAPT_OK)
			return luaL_error(L, "%s", iapt_error_last()->message);
		lua_pushstring(L, icb[key[4] == 'n']); /* nil when the table names no ICB */
		return 1;
	}
	if (!strcmp(key, "referral_share"))
		f = -2;
	else if ((f = service_feature(key)) < 0)
		return luaL_error(L, "a service has no field '%s' (code, name, region_code, region, icb_code, icb_name, index, referral_share, pd, step_up, dna, "
				  "sessions, capacity)",
				  key);
	x = f == -2 ? iapt_run_service_referral_share(ps->run, *k) : iapt_run_service_feature(ps->run, *k, f);
	if (isnan(x))
		return luaL_error(L, "service %s: %s can be read from on_year on (setup runs before the first year is loaded)", v[0], key);
	lua_pushnumber(L, x);
	return 1;
}

static int service_newindex(lua_State *L)
{
	pstate *ps;
	int *k = check_service(L, &ps), f;
	const char *key = luaL_checkstring(L, 2), *code = "?";
	(void)iapt_run_service_info(ps->run, *k, &code, NULL, NULL, NULL);
	if ((f = service_feature(key)) < 0)
		return luaL_error(L, "service %s: '%s' cannot be set (the features are pd, step_up, dna, sessions, capacity)", code, key);
	if (lua_type(L, 3) != LUA_TNUMBER)
		return luaL_error(L, "service %s: %s must be a number, got %s", code, key, luaL_typename(L, 3));
	if (ps->hook != H_SETUP && ps->hook != H_YEAR)
		return luaL_error(L, "service %s: %s can be set in setup and on_year, not %s", code, key, hook_name(ps->hook));
	if (iapt_run_service_set(ps->run, *k, f, lua_tonumber(L, 3)) != IAPT_OK)
		return luaL_error(L, "service %s: %s", code, iapt_error_last()->message);
	return 0;
}

static int service_tostring(lua_State *L)
{
	pstate *ps;
	int *k = check_service(L, &ps);
	const char *code = "?";
	(void)iapt_run_service_info(ps->run, *k, &code, NULL, NULL, NULL);
	lua_pushfstring(L, "service %s", code);
	return 1;
}

/* ctx:service(code): a handle on the service with that code (ccg_code of the services table) */
static int ctx_service(lua_State *L)
{
	pstate *ps = check_ctx(L, "service");
	int k, *ud;
	if (lua_type(L, 2) == LUA_TNUMBER) { /* an index 1 .. ctx.n_services, as person.service */
		iapt_run_info in;
		lua_Integer i = lua_isinteger(L, 2) ? lua_tointeger(L, 2) : 0;
		iapt_run_get_info(ps->run, &in);
		if (i < 1 || i > in.n_services || iapt_run_service_info(ps->run, (int)(i - 1), NULL, NULL, NULL, NULL) != IAPT_OK)
			return luaL_error(L, "ctx:service(%s): no service with that index (the run's services with codes are 1 to %d)",
					  lua_tostring(L, 2), iapt_run_service_find(ps->run, "", &k) == IAPT_EINVAL ? 0 : in.n_services);
		k = (int)(i - 1);
	} else if (iapt_run_service_find(ps->run, luaL_checkstring(L, 2), &k) != IAPT_OK)
		return luaL_error(L, "ctx:service: %s", iapt_error_last()->message);
	ud = lua_newuserdatauv(L, sizeof *ud, 0);
	*ud = k;
	luaL_setmetatable(L, "iaptsim.service");
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
	iapt_run_get_info(ps->run, &in);
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
	else if (strcmp(k, "service_weight") == 0)
		lua_pushnumber(L, in.service_weight);
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
int iapt_lua__bind_run(lua_State *L)
{
	pstate *ps = iapt_lua__ps(L);
	static const luaL_Reg methods[] = {{"get", ctx_get}, {"base", ctx_base}, {"set", ctx_set}, {"refer_more", ctx_refer_more}, {"service", ctx_service}, {"flow", ctx_flow}, {"metric", ctx_metric},
					   {"log", ctx_log}, {"price", ctx_price},
					   {"price_of", ctx_price_of}, {NULL, NULL}};
	const luaL_Reg *m;
	size_t i;
	int h;
	/* the scenario, for the ctx methods (allocates: so here, under protection) */
	lua_setfield(L, LUA_REGISTRYINDEX, "iaptsim.scenario");
	/* hooks, looked up once */
	for (h = 0; h < N_HOOKS; h++) {
		lua_getfield(L, 1, hook_name(h));
		if (lua_isfunction(L, -1))
			ps->ref[h] = luaL_ref(L, LUA_REGISTRYINDEX);
		else
			lua_pop(L, 1);
	}
	/* the groups' assign functions, looked up once (describe checked them at load) */
	if (ps->pl->n_groups) {
		lua_getfield(L, 1, "groups");
		for (i = 0; i < ps->pl->n_groups && lua_istable(L, -1); i++) {
			lua_getfield(L, -1, ps->pl->groups[i].name);
			if (lua_istable(L, -1))
				lua_getfield(L, -1, "assign");
			else
				lua_pushnil(L);
			if (!lua_isfunction(L, -1))
				return luaL_error(L, "groups.%s.assign is no longer a function", ps->pl->groups[i].name);
			ps->group_ref[i] = luaL_ref(L, LUA_REGISTRYINDEX);
			lua_pop(L, 1);
		}
		if (i < ps->pl->n_groups)
			return luaL_error(L, "the plugin's groups table is gone");
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
	/* a service's handle (ctx:service) */
	luaL_newmetatable(L, "iaptsim.service");
	lua_pushcfunction(L, service_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, service_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, service_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushliteral(L, "iaptsim.service");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	/* the person: one object, pointed at each hook call's person */
	lua_newuserdatauv(L, 0, 0);
	luaL_newmetatable(L, "iaptsim.person");
	lua_newtable(L);
	for (i = 0; i < IAPT_PF__COUNT; i++) {
		lua_pushinteger(L, (lua_Integer)i);
		lua_setfield(L, -2, iapt_person_field_get((int)i)->name);
	}
	for (i = 0; i < ps->pl->n_fields; i++) { /* the plugin's own, after them */
		lua_pushinteger(L, (lua_Integer)(IAPT_PF__COUNT + i));
		lua_setfield(L, -2, ps->pl->fields[i].name);
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
	ps->person_ud = lua_touserdata(L, -1);
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

