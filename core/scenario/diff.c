/* What differs between two scenarios, as text, with where each value was set. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iaptsim/scenario.h"
#include "params/params_internal.h"
#include "util/util.h"

typedef struct diff_list {
	iapt_scenario_difference *d;
	size_t n, cap;
	int failed;
} diff_list;

static char *dup_or_empty(const char *s)
{
	return iapt_str__dup(s ? s : "");
}

/* A row when the values' texts differ. */
static void add(diff_list *l, iapt_diff_kind kind, const char *what, const char *a, const char *a_at, const char *b,
		const char *b_at)
{
	iapt_scenario_difference *r;
	if (l->failed || !strcmp(a, b))
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		iapt_scenario_difference *g = realloc(l->d, cap * sizeof *g);
		if (!g) {
			l->failed = 1;
			return;
		}
		l->d = g;
		l->cap = cap;
	}
	r = &l->d[l->n];
	r->kind = kind;
	r->what = dup_or_empty(what);
	r->a = dup_or_empty(a);
	r->b = dup_or_empty(b);
	r->a_at = dup_or_empty(a_at);
	r->b_at = dup_or_empty(b_at);
	l->n++;
	if (!r->what || !r->a || !r->b || !r->a_at || !r->b_at)
		l->failed = 1;
}

static const char *origin_of(const iapt_scenario *sc, const char *key)
{
	size_t k;
	for (k = 0; k < sc->n_origins; k++)
		if (!strcmp(sc->origins[k].key, key))
			return sc->origins[k].at;
	return "default";
}

/* A setting: its text in each scenario, found where origin_of(key) says. */
static void setting(diff_list *l, iapt_diff_kind kind, const char *key, const iapt_scenario *a, const char *ta,
		    const iapt_scenario *b, const char *tb)
{
	add(l, kind, key, ta, origin_of(a, key), tb, origin_of(b, key));
}

static void schedule_text(char *buf, size_t n, const iapt_discount_schedule *s)
{
	size_t used = 0;
	int k;
	buf[0] = '\0';
	for (k = 0; k < s->n && used < n; k++)
		used += (size_t)snprintf(buf + used, n - used, "%s%d: %.10g", k ? ", " : "{", s->from[k], s->rate[k]);
	if (used < n)
		snprintf(buf + used, n - used, "}");
}

static void econ_texts(const iapt_econ_settings *e, const char *key, char *buf, size_t n)
{
	char lab[8], x[400], y[400];
	size_t used = 0;
	int k;
	if (!strcmp(key, "price_year"))
		snprintf(buf, n, "%s", iapt_year_label(e->price_year, lab));
	else if (!strcmp(key, "discount")) {
		if (strcmp(e->discount, "custom"))
			snprintf(buf, n, "%s", e->discount);
		else {
			schedule_text(x, sizeof x, &e->costs);
			schedule_text(y, sizeof y, &e->health);
			snprintf(buf, n, "{costs: %s, health: %s}", x, y);
		}
	} else if (!strcmp(key, "perspectives")) {
		buf[0] = '\0';
		for (k = 0; k < IAPT_PERSP__COUNT && used < n; k++)
			if (e->perspectives & (1u << k))
				used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "[", iapt_perspective_name(k));
		if (used < n)
			snprintf(buf + used, n - used, "%s", used ? "]" : "[]");
	} else if (!strcmp(key, "thresholds")) {
		buf[0] = '\0';
		for (k = 0; k < e->n_thresholds && used < n; k++)
			used += (size_t)snprintf(buf + used, n - used, "%s%.10g", k ? ", " : "[", e->thresholds[k]);
		if (used < n)
			snprintf(buf + used, n - used, "%s", k ? "]" : "[]");
	} else if (!strcmp(key, "qaly_value"))
		snprintf(buf, n, "%.10g", e->qaly_value);
	else if (!strcmp(key, "qaly_value_price_year"))
		snprintf(buf, n, "%s", iapt_year_label(e->qaly_value_year, lab));
	else if (!strcmp(key, "optimism_bias"))
		snprintf(buf, n, "%.10g", e->optimism_bias);
	else if (!strcmp(key, "health_value"))
		snprintf(buf, n, "%s", iapt_health_value_name(e->health_value));
	else if (!strcmp(key, "wellby_value"))
		snprintf(buf, n, "%.10g", e->wellby_value);
	else if (!strcmp(key, "wellby_value_price_year"))
		snprintf(buf, n, "%s", iapt_year_label(e->wellby_value_year, lab));
	else
		snprintf(buf, n, "%s", iapt_accrual_name(e->accrual));
}

/* A parameter's value in force: "0.1", or with year-by-year values "0.1; from 2016-17: 0.2" */
static void param_text(const iapt_params *p, size_t i, char *buf, size_t n)
{
	iapt_param_info info;
	size_t used, k;
	char lab[8];
	iapt_params_info(p, i, &info);
	used = (size_t)snprintf(buf, n, "%.10g", info.value);
	for (k = 0; k < info.n_schedule && used < n; k++) {
		int year;
		double v;
		iapt_params_schedule(p, i, k, &year, &v);
		used += (size_t)snprintf(buf + used, n - used, "; from %s: %.10g", iapt_year_label(year, lab), v);
	}
}

/* Where the value in force was given: the base value's place, or when that is the default,
 * the place of the first year-by-year value */
static const char *param_origin(const iapt_params *p, size_t i, const iapt_param_info *info)
{
	const char *o = info->n_schedule ? iapt_params__schedule_origin(p, i, 0) : NULL;
	return info->origin && strcmp(info->origin, "default") ? info->origin : o ? o : "default";
}


static void dist_text(const iapt_uncertain *u, char *buf, size_t n)
{
	static const char *const names[] = {"fixed", "normal", "beta", "gamma", "lognormal", "uniform", "discrete"};
	if (!u)
		snprintf(buf, n, "(none)");
	else if (u->dist == IAPT_DIST_DISCRETE) {
		size_t used = (size_t)snprintf(buf, n, "discrete(");
		int k;
		for (k = 0; k < u->n_levels && used < n; k++)
			used += (size_t)snprintf(buf + used, n - used, "%s%.6g", k ? ", " : "", u->w[k]);
		if (used < n)
			snprintf(buf + used, n - used, ")");
	}
	else if (u->dist == IAPT_DIST_FIXED)
		snprintf(buf, n, "fixed(%.10g)", u->a);
	else
		snprintf(buf, n, "%s(%.10g, %.10g)", names[u->dist], u->a, u->b);
}

static double correlation_of(const iapt_scenario *sc, size_t p, size_t q)
{
	const iapt_uncertain *a = iapt_scenario_uncertain(sc, p), *b = iapt_scenario_uncertain(sc, q);
	if (!sc->correlation || !a || !b)
		return 0;
	return sc->correlation[(size_t)(a - sc->uncertain) * sc->n_uncertain + (size_t)(b - sc->uncertain)];
}

static const iapt_range *range_of(const iapt_scenario *sc, size_t param)
{
	size_t k;
	for (k = 0; k < sc->n_ranges; k++)
		if (sc->ranges[k].param == param)
			return &sc->ranges[k];
	return NULL;
}

static void parameters(diff_list *l, const iapt_scenario *a, const iapt_scenario *b)
{
	size_t i, j, np = iapt_params_count(a->params);
	char what[256], x[1024], y[1024];
	for (i = 0; i < np; i++) {
		iapt_param_info ia, ib;
		iapt_params_info(a->params, i, &ia);
		iapt_params_info(b->params, i, &ib);
		param_text(a->params, i, x, sizeof x);
		param_text(b->params, i, y, sizeof y);
		snprintf(what, sizeof what, "parameters.%s", ia.name);
		add(l, IAPT_DIFF_MODEL, what, x, param_origin(a->params, i, &ia), y, param_origin(b->params, i, &ib));
	}
	for (i = 0; i < np; i++) {
		const iapt_uncertain *ua = iapt_scenario_uncertain(a, i), *ub = iapt_scenario_uncertain(b, i);
		iapt_param_info info;
		iapt_params_info(a->params, i, &info);
		dist_text(ua, x, sizeof x);
		dist_text(ub, y, sizeof y);
		snprintf(what, sizeof what, "uncertainty.%s", info.name);
		add(l, IAPT_DIFF_MODEL, what, x, ua ? ua->origin : "", y, ub ? ub->origin : "");
	}
	for (i = 0; i < np; i++)
		for (j = i + 1; j < np; j++) {
			double ra = correlation_of(a, i, j), rb = correlation_of(b, i, j);
			iapt_param_info pi, pj;
			if (ra == rb)
				continue;
			iapt_params_info(a->params, i, &pi);
			iapt_params_info(a->params, j, &pj);
			snprintf(what, sizeof what, "uncertainty.correlations[%s, %s]", pi.name, pj.name);
			snprintf(x, sizeof x, "%.10g", ra);
			snprintf(y, sizeof y, "%.10g", rb);
			add(l, IAPT_DIFF_MODEL, what, x, origin_of(a, "uncertainty"), y, origin_of(b, "uncertainty"));
		}
	for (i = 0; i < np; i++) {
		const iapt_range *ra = range_of(a, i), *rb = range_of(b, i);
		iapt_param_info info;
		iapt_params_info(a->params, i, &info);
		if (ra)
			snprintf(x, sizeof x, "[%.10g, %.10g]", ra->low, ra->high);
		else
			snprintf(x, sizeof x, "(none)");
		if (rb)
			snprintf(y, sizeof y, "[%.10g, %.10g]", rb->low, rb->high);
		else
			snprintf(y, sizeof y, "(none)");
		snprintf(what, sizeof what, "sensitivity.%s", info.name);
		add(l, IAPT_DIFF_MODEL, what, x, ra ? origin_of(a, "sensitivity") : "", y, rb ? origin_of(b, "sensitivity") : "");
	}
}

/* ---- plugins: matched by what `use` names and which time it is named ---- */

static long find_spec(const iapt_scenario *sc, const char *use, int nth)
{
	size_t k;
	for (k = 0; k < sc->n_plugin_specs; k++)
		if (!strcmp(sc->plugin_specs[k].use, use) && nth-- == 0)
			return (long)k;
	return -1;
}

static int occurrence(const iapt_scenario *sc, size_t k)
{
	size_t j;
	int n = 0;
	for (j = 0; j < k; j++)
		n += !strcmp(sc->plugin_specs[j].use, sc->plugin_specs[k].use);
	return n;
}

static void at_text(char *buf, size_t n, const iapt_source_loc *l)
{
	if (l->file)
		snprintf(buf, n, "%s:%zu", l->file, l->line + 1);
	else
		buf[0] = '\0';
}

static void option_text(const iapt_plugin_option *o, char *buf, size_t n)
{
	if (o->kind == IAPT_OPT_STRING)
		snprintf(buf, n, "%s", o->str ? o->str : "");
	else if (o->kind == IAPT_OPT_BOOLEAN)
		snprintf(buf, n, "%s", o->num != 0 ? "true" : "false");
	else
		snprintf(buf, n, "%.10g", o->num);
}

static const iapt_plugin_option *option_named(const iapt_plugin *p, const char *name)
{
	size_t k;
	for (k = 0; p && k < p->n_options; k++)
		if (!strcmp(p->options[k].name, name))
			return &p->options[k];
	return NULL;
}

static const iapt_plugin_setting *setting_named(const iapt_plugin_spec *sp, const char *name)
{
	size_t k;
	for (k = 0; sp && k < sp->n_with; k++)
		if (!strcmp(sp->with[k].name, name))
			return &sp->with[k];
	return NULL;
}

/* One side's options (loaded) or settings (as written), each against the other's. */
static void plugin_options(diff_list *l, const char *label, const iapt_scenario *a, long ka, const iapt_scenario *b, long kb,
			   int loaded, int swap)
{
	const iapt_plugin_spec *sa = &a->plugin_specs[ka], *sb = &b->plugin_specs[kb];
	char what[1024], x[512], y[512], xa[512], ya[512];
	size_t k;
	if (loaded) {
		const iapt_plugin *pa = a->plugins[ka], *pb = b->plugins[kb];
		for (k = 0; k < pa->n_options; k++) {
			const iapt_plugin_option *oa = &pa->options[k], *ob = option_named(pb, oa->name);
			if (swap && ob)
				continue; /* compared the other way round */
			snprintf(what, sizeof what, "%.400s.with.%.400s", label, oa->name);
			option_text(oa, x, sizeof x);
			if (ob)
				option_text(ob, y, sizeof y);
			else
				snprintf(y, sizeof y, "(none)");
			if (swap)
				add(l, IAPT_DIFF_MODEL, what, y, "", x, oa->origin);
			else
				add(l, IAPT_DIFF_MODEL, what, x, oa->origin, y, ob ? ob->origin : "");
		}
		return;
	}
	for (k = 0; k < sa->n_with; k++) {
		const iapt_plugin_setting *wa = &sa->with[k], *wb = setting_named(sb, wa->name);
		if (swap && wb)
			continue;
		snprintf(what, sizeof what, "%.400s.with.%.400s", label, wa->name);
		snprintf(x, sizeof x, "%s", wa->value ? wa->value : wa->shape ? wa->shape : "");
		snprintf(y, sizeof y, "%s", !wb ? "(none)" : wb->value ? wb->value : wb->shape ? wb->shape : "");
		at_text(xa, sizeof xa, &wa->value_at);
		if (wb)
			at_text(ya, sizeof ya, &wb->value_at);
		else
			ya[0] = '\0';
		if (swap)
			add(l, IAPT_DIFF_MODEL, what, y, ya, x, xa);
		else
			add(l, IAPT_DIFF_MODEL, what, x, xa, y, ya);
	}
}

static void plugin_list(const iapt_scenario *sc, char *buf, size_t n)
{
	size_t k, used = 0;
	buf[0] = '\0';
	for (k = 0; k < sc->n_plugin_specs && used < n; k++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", k ? ", " : "[", sc->plugin_specs[k].use);
	if (used < n)
		snprintf(buf + used, n - used, "%s", k ? "]" : "[]");
}

static void plugins(diff_list *l, const iapt_scenario *a, const iapt_scenario *b)
{
	int loaded = a->plugins && b->plugins && a->n_plugins == a->n_plugin_specs && b->n_plugins == b->n_plugin_specs;
	char x[2048], y[2048], what[512], xa[512], ya[512];
	size_t k;
	int side;
	plugin_list(a, x, sizeof x);
	plugin_list(b, y, sizeof y);
	setting(l, IAPT_DIFF_MODEL, "plugins", a, x, b, y);
	for (side = 0; side < 2; side++) {
		const iapt_scenario *s1 = side ? b : a, *s2 = side ? a : b;
		for (k = 0; k < s1->n_plugin_specs; k++) {
			const iapt_plugin_spec *sp = &s1->plugin_specs[k];
			int nth = occurrence(s1, k);
			long other = find_spec(s2, sp->use, nth);
			if (nth)
				snprintf(what, sizeof what, "plugins.%s#%d", sp->use, nth + 1);
			else
				snprintf(what, sizeof what, "plugins.%s", sp->use);
			if (other < 0) {
				at_text(xa, sizeof xa, &sp->use_at);
				if (side)
					add(l, IAPT_DIFF_MODEL, what, "(not used)", "", "used", xa);
				else
					add(l, IAPT_DIFF_MODEL, what, "used", xa, "(not used)", "");
				continue;
			}
			if (!side) {
				const iapt_plugin_spec *sq = &s2->plugin_specs[other];
				char wl[600];
				at_text(xa, sizeof xa, &sp->use_at);
				at_text(ya, sizeof ya, &sq->use_at);
				snprintf(wl, sizeof wl, "%s.instructions", what);
				snprintf(x, sizeof x, "%ld", sp->instructions ? sp->instructions : IAPT_PLUGIN_DEFAULT_INSTRUCTIONS);
				snprintf(y, sizeof y, "%ld", sq->instructions ? sq->instructions : IAPT_PLUGIN_DEFAULT_INSTRUCTIONS);
				add(l, IAPT_DIFF_MODEL, wl, x, xa, y, ya);
				snprintf(wl, sizeof wl, "%s.memory_mb", what);
				snprintf(x, sizeof x, "%d", sp->memory_mb ? sp->memory_mb : IAPT_PLUGIN_DEFAULT_MEMORY_MB);
				snprintf(y, sizeof y, "%d", sq->memory_mb ? sq->memory_mb : IAPT_PLUGIN_DEFAULT_MEMORY_MB);
				add(l, IAPT_DIFF_MODEL, wl, x, xa, y, ya);
				if (loaded && strcmp(a->plugins[k]->sha256, b->plugins[other]->sha256))
					add(l, IAPT_DIFF_MODEL, what, a->plugins[k]->path, xa, b->plugins[other]->path, ya);
			}
			if (side)
				plugin_options(l, what, s1, (long)k, s2, other, loaded, 1);
			else
				plugin_options(l, what, s1, (long)k, s2, other, loaded, 0);
		}
	}
}

/* services_policy as text: "pd=best_quartile dna=0.08 years 2025-2027", or "(none)" */
static void policy_text(const iapt_services_policy *p, char *buf, size_t cap)
{
	size_t at = 0;
	int f;
	if (!p->features) {
		snprintf(buf, cap, "(none)");
		return;
	}
	buf[0] = '\0';
	for (f = 0; f < IAPT_SVCF__COUNT && at < cap; f++)
		if (p->features & (1u << f)) {
			if (isnan(p->level[f]))
				at += (size_t)snprintf(buf + at, cap - at, "%s=best_quartile ", iapt_svc_feature_name(f));
			else
				at += (size_t)snprintf(buf + at, cap - at, "%s=%.10g ", iapt_svc_feature_name(f), p->level[f]);
		}
	if (at < cap)
		snprintf(buf + at, cap - at, "years %d-%d", p->first_year, p->last_year);
}

int iapt_scenario_diff(const iapt_scenario *a, const iapt_scenario *b, iapt_scenario_difference **out, size_t *n)
{
	static const char *const econ[] = {"price_year", "discount", "perspectives", "thresholds", "qaly_value",
					   "qaly_value_price_year", "optimism_bias", "accrual", "health_value", "wellby_value",
					   "wellby_value_price_year"};
	diff_list l = {0};
	char x[1024], y[1024], key[64], la[8], lb[8];
	size_t k;
	*out = NULL;
	*n = 0;
	setting(&l, IAPT_DIFF_LABEL, "name", a, a->name, b, b->name);
	setting(&l, IAPT_DIFF_LABEL, "description", a, a->description, b, b->description);
	snprintf(x, sizeof x, "%s to %s", iapt_year_label(a->first_year, la), iapt_year_label(a->last_year, lb));
	snprintf(y, sizeof y, "%s to %s", iapt_year_label(b->first_year, la), iapt_year_label(b->last_year, lb));
	setting(&l, IAPT_DIFF_MODEL, "years", a, x, b, y);
	snprintf(x, sizeof x, "%llu", a->seed);
	snprintf(y, sizeof y, "%llu", b->seed);
	setting(&l, IAPT_DIFF_RUN, "seed", a, x, b, y);
	snprintf(x, sizeof x, "%d", a->replicates);
	snprintf(y, sizeof y, "%d", b->replicates);
	setting(&l, IAPT_DIFF_RUN, "replicates", a, x, b, y);
	snprintf(x, sizeof x, "%.10g", a->population_scale);
	snprintf(y, sizeof y, "%.10g", b->population_scale);
	setting(&l, IAPT_DIFF_RUN, "population_scale", a, x, b, y);
	parameters(&l, a, b);
	plugins(&l, a, b);
	for (k = 0; k < sizeof econ / sizeof econ[0]; k++) {
		snprintf(key, sizeof key, "economics.%s", econ[k]);
		econ_texts(&a->econ, econ[k], x, sizeof x);
		econ_texts(&b->econ, econ[k], y, sizeof y);
		setting(&l, IAPT_DIFF_MODEL, key, a, x, b, y);
	}
	setting(&l, IAPT_DIFF_MODEL, "compare_to", a, a->compare_to ? a->compare_to : "(none)", b, b->compare_to ? b->compare_to : "(none)");
	setting(&l, IAPT_DIFF_MODEL, "services", a, a->services ? a->services : "(built-in)", b, b->services ? b->services : "(built-in)");
	setting(&l, IAPT_DIFF_RUN, "output", a, a->output_services ? "services: true" : "services: false", b,
		b->output_services ? "services: true" : "services: false");
	policy_text(&a->services_policy, x, sizeof x);
	policy_text(&b->services_policy, y, sizeof y);
	setting(&l, IAPT_DIFF_MODEL, "services_policy", a, x, b, y);
	if (l.failed) {
		iapt_scenario_diff_free(l.d, l.n);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	*out = l.d;
	*n = l.n;
	return IAPT_OK;
}

void iapt_scenario_diff_free(iapt_scenario_difference *d, size_t n)
{
	size_t k;
	if (!d)
		return;
	for (k = 0; k < n; k++) {
		free(d[k].what);
		free(d[k].a);
		free(d[k].b);
		free(d[k].a_at);
		free(d[k].b_at);
	}
	free(d);
}
