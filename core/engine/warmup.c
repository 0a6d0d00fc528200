/* One warm-up for several draws of a probabilistic sensitivity analysis
 * (run.psa_draws_per_warm_up; docs/uncertainty.md, "One warm-up for several draws"): the
 * waiting lists, caseloads and people a warm-up leaves, kept so that each draw of a group
 * continues from them instead of simulating a warm-up of its own. */
#include <stdlib.h>
#include <string.h>

#include "engine/state.h"
#include "iaptsim/sim.h"
#include "rng/stream.h"

/* The replicate's scalars that the week loop moves and a continuing replicate needs (a new
 * one in sim that the week loop carries from week to week belongs here, or the group's
 * first draw stops matching its run without sharing: tests/test_engine.c); the arrays are
 * the people, their extensions, the free slots and the services' lists. */
#define WARMUP_SCALARS(X) \
	X(size_t, n_people) X(size_t, cap_people) X(size_t, live) X(size_t, peak) X(size_t, n_free) \
	X(double, ref_acc) X(uint64_t, next_id) X(double, leave_h) X(double, leave_l1p)

struct iapt_warmup {
	int group; /* the group whose warm-up this is */
	person *people;
	person_ext *ext;
	uint32_t *free_list;
	service *svc;
	int n_services;
#define X(type, name) type name;
	WARMUP_SCALARS(X)
#undef X
	iapt_run_stats work; /* what simulating the warm-up took (iapt_engine__warmup_work) */
};

int iapt_sim_draws_per_warm_up(const iapt_scenario *sc, const iapt_run_options *opt, const char **why_not)
{
	int g = (int)iapt_params_get(sc->params, IAPT_P_RUN_PSA_DRAWS_PER_WARM_UP, sc->first_year);
	const char *why = NULL;
	if (!sc->n_uncertain)
		why = "the scenario has no uncertainty block, so every replicate simulates its own warm-up";
	else if (sc->n_plugin_specs || (opt && opt->hooks)) /* a plugin's own state cannot be carried over */
		why = "the run has plugins, whose own state a shared warm-up cannot carry over, so every draw simulates its own warm-up";
	else if (iapt_params_get(sc->params, IAPT_P_RUN_BURN_IN_YEARS, sc->first_year) <= 0)
		why = "run.burn_in_years is 0: there is no warm-up to share";
	if (why_not)
		*why_not = g > 1 && why ? why : NULL;
	return why || g < 1 ? 1 : g;
}

int iapt_engine__warmup_draws(const iapt_scenario *sc, int has_hooks)
{
	iapt_run_options o = IAPT_RUN_OPTIONS_INIT;
	static const iapt_hook_factory none; /* only its address: "the run has hooks" */
	o.hooks = has_hooks ? &none : NULL;
	return iapt_sim_draws_per_warm_up(sc, &o, NULL);
}

static void services_free(service *svc, int n)
{
	int k, l;
	for (k = 0; svc && k < n; k++)
		for (l = 0; l < 2; l++) {
			free(svc[k].queue[l].buf);
			free(svc[k].active[l].v);
		}
	free(svc);
}

void iapt_engine__warmup_free(iapt_warmup *w)
{
	if (!w)
		return;
	free(w->people);
	free(w->ext);
	free(w->free_list);
	services_free(w->svc, w->n_services);
	free(w);
}

int iapt_engine__warmup_group(const iapt_warmup *w)
{
	return w ? w->group : -1;
}

const iapt_run_stats *iapt_engine__warmup_work(const iapt_warmup *w)
{
	return &w->work;
}

int iapt_engine__warmup_take(iapt_warmup **out, sim *s, int group)
{
	iapt_warmup *w = calloc(1, sizeof *w);
	if (!w)
		return iapt_error__set(IAPT_ENOMEM, "out of memory (warm-up)");
	/* taken over from the warm-up's replicate, which frees the rest */
	w->group = group;
	w->people = s->people;
	w->ext = s->ext;
	w->free_list = s->free_list;
	w->svc = s->svc;
	w->n_services = s->n_services;
	s->people = NULL;
	s->ext = NULL;
	s->free_list = NULL;
	s->svc = NULL;
#define X(type, name) w->name = s->name;
	WARMUP_SCALARS(X)
#undef X
	w->work = *s->stats;
	iapt_engine__warmup_free(*out);
	*out = w;
	return IAPT_OK;
}

static void *dup(const void *p, size_t n)
{
	void *q = n ? malloc(n) : NULL;
	if (q)
		memcpy(q, p, n);
	return q;
}

int iapt_engine__warmup_give(sim *s, const iapt_warmup *w, int own)
{
	size_t cap = w->cap_people, i;
	int k, l;
	if (s->n_services != w->n_services || s->people || !s->svc)
		return iapt_error__set(IAPT_EINVAL, "a warm-up of %d services given to a replicate of %d", w->n_services, s->n_services);
	if (cap) {
		/* cache-line aligned like the people the week loop allocates (pathway.c) */
		if (!(s->people = aligned_alloc(64, cap * sizeof *s->people)) || !(s->ext = dup(w->ext, cap * sizeof *s->ext)) ||
		    !(s->free_list = dup(w->free_list, cap * sizeof *s->free_list)))
			return iapt_error__set(IAPT_ENOMEM, "out of memory (warm-up)");
		memcpy(s->people, w->people, cap * sizeof *s->people);
	}
	for (k = 0; k < s->n_services; k++) {
		service *d = &s->svc[k];
		const service *o = &w->svc[k];
		*d = *o; /* capacity, fractional slots; the lists' buffers copied below */
		for (l = 0; l < 2; l++) {
			d->queue[l].buf = NULL;
			d->active[l].v = NULL;
		}
		for (l = 0; l < 2; l++) {
			if ((o->queue[l].cap && !(d->queue[l].buf = dup(o->queue[l].buf, o->queue[l].cap * sizeof *o->queue[l].buf))) ||
			    (o->active[l].cap && !(d->active[l].v = dup(o->active[l].v, o->active[l].cap * sizeof *o->active[l].v))))
				return iapt_error__set(IAPT_ENOMEM, "out of memory (warm-up)");
		}
	}
#define X(type, name) s->name = w->name;
	WARMUP_SCALARS(X)
#undef X
	if (own)
		return IAPT_OK;
	/* Another draw of the group: the people carried over go on with streams of this
	 * replicate's own, keyed as a referral's are (pathway.c arrive), so that no two draws
	 * share their futures; the state they reached is the warm-up's. Free slots are
	 * rekeyed too, harmlessly: a referral that takes one sets its own. */
	for (i = 0; i < s->n_people; i++) {
		person *p = &s->people[i];
		uint64_t key = iapt_rng__key_entity(s->key_rep, p->id);
		p->rs_treat = iapt_rng__key_purpose(key, IAPT_RNG_TREATMENT);
		p->rs_sym = iapt_rng__key_purpose(key, IAPT_RNG_SYMPTOMS);
	}
	return IAPT_OK;
}
