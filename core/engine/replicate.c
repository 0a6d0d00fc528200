/* One replicate: its state set up and torn down, the hooks' setup and on_finish around the
 * week loop, and what hooks may ask of the run (iaptsim/hooks.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "engine/casemix.h"
#include "engine/services.h"
#include "engine/state.h"
#include "rng/stream.h"

static void sim_free(sim *s)
{
	int k, l;
	if (s->svc) {
		for (k = 0; k < s->n_services; k++) {
			for (l = 0; l < 2; l++) {
				free(s->svc[k].queue[l].buf);
				free(s->svc[k].active[l].v);
			}
		}
	}
	free(s->svc);
	iapt_services__teardown(s);
	free(s->people);
	free(s->ext);
	free(s->free_list);
	iapt_engine__wait_free(s);
	free(s->values);
	free(s->refer_mult);
	free(s->svc_set);
	iapt_params_free(s->base_params);
	iapt_params_free(s->own_params);
	gsl_rng_free(s->r);
}

/* This replicate's values of the uncertain parameters (every year: parsing made sure no
 * year-by-year values are given for them). */
static int draw_parameters(sim *s, double *out)
{
	size_t k, n = s->sc->n_uncertain;
	double *x = out ? out : malloc(n * sizeof *x);
	int rc;
	char origin[64];
	if (!x)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	snprintf(origin, sizeof origin, "uncertainty (replicate %d)", s->rep + 1);
	rc = iapt_scenario_draw(s->sc, s->rep, x);
	for (k = 0; !rc && k < n; k++)
		rc = iapt_params_set_constant(s->own_params, s->sc->uncertain[k].param, x[k], origin);
	if (x != out)
		free(x);
	return rc;
}

int iapt_engine__hook_rc(int rc, int hook)
{
	if (rc > 0)
		return iapt_error__set(IAPT_ERROR, "hook %s returned %d, not 0 or a negative IAPT_E* code", iapt_hook_name(hook), rc);
	if (rc < 0 && iapt_error_last()->code == IAPT_OK)
		return iapt_error__set(rc, "hook %s returned %d without a message", iapt_hook_name(hook), rc);
	return rc;
}

/* Replicate rep's state before its first week: parameters (drawn into draws_out when not
 * NULL), services, money factors. On failure the caller frees what was made (sim_free). */
static int sim_init(sim *s, const iapt_scenario *sc, int rep, const iapt_hooks *hooks, iapt_counters *ct,
		    iapt_run_stats *stats, double *draws_out)
{
	int rc;
	memset(s, 0, sizeof *s);
	s->sc = sc;
	s->params = sc->params;
	s->hooks = hooks;
	s->has = hooks ? hooks->has & IAPT_HOOK__ALL : 0;
	s->rep = rep;
	s->key_rep = iapt_rng__key_rep(sc->seed, (uint64_t)rep);
	s->ct = ct;
	s->stats = stats;
	s->year = sc->first_year;
	s->ev_cohort = -1;
	s->n_years = sc->last_year - sc->first_year + 1;
	s->burn_weeks = (int)iapt_params_get(sc->params, IAPT_P_RUN_BURN_IN_YEARS, sc->first_year) * IAPT_WEEKS_PER_YEAR;
	s->weeks = s->burn_weeks + s->n_years * IAPT_WEEKS_PER_YEAR;
	if (s->weeks + IAPT_WEEKS_PER_YEAR >= NEVER) /* weeks are 16-bit; scenario bounds keep this far off */
		return iapt_error__set(IAPT_ERANGE, "a run of %d weeks is longer than %d", s->weeks, NEVER - 1);
	if ((rc = iapt_engine__money_factors(sc, s->money)))
		return rc;
	if ((rc = iapt_casemix__builtin(&s->casemix)))
		return rc;
	if ((rc = iapt_rng_new(&s->r, 0)))
		return rc;
	/* plugins and parameter draws change this replicate's copy only */
	if ((hooks || sc->n_uncertain) && (rc = iapt_params_copy(&s->own_params, sc->params)))
		return rc;
	if (s->own_params)
		s->params = s->own_params;
	if (sc->n_uncertain && (rc = draw_parameters(s, draws_out)))
		return rc;
	/* the services: the table's, or synthetic ones (services.c) */
	if ((rc = iapt_services__setup(s)))
		return rc;
	/* what a plugin's ctx:base reads: the parameters before any plugin changed them */
	if (hooks && (rc = iapt_params_copy(&s->base_params, s->params)))
		return rc;
	return IAPT_OK;
}

/* Replicate s (set up, no hooks) from its group's warm-up: simulated into the cache when
 * the cache holds another group's, then given to s, which simulates the reported years. */
static int from_shared_warmup(sim *s, iapt_warmup **shared, int draws)
{
	int group = s->rep / draws, first = group * draws, rc;
	if (iapt_engine__warmup_group(*shared) != group) {
		sim w; /* the first draw's warm-up: its parameters, its streams */
		iapt_run_stats work = {0};
		rc = sim_init(&w, s->sc, first, NULL, s->ct, &work, NULL);
		if (!rc)
			rc = iapt_engine__weeks(&w, 0, w.burn_weeks);
		if (!rc)
			rc = iapt_engine__warmup_take(shared, &w, group);
		sim_free(&w);
		if (rc)
			return rc;
	}
	if ((rc = iapt_engine__warmup_give(s, *shared, s->rep == first)))
		return rc;
	if (s->rep == first) {
		/* the warm-up's work counted once, with the group's first draw, however many
		 * threads or processes simulated it: the stats describe the run, not its
		 * distribution (run.json's "simulated" is the same for any number of processes) */
		const iapt_run_stats *wk = iapt_engine__warmup_work(*shared);
		s->stats->referrals += wk->referrals;
		s->stats->sessions += wk->sessions;
		s->stats->person_weeks += wk->person_weeks;
	}
	return iapt_engine__simulate(s, s->burn_weeks);
}

int iapt_engine__run_replicate(const iapt_scenario *sc, int rep, const iapt_hooks *hooks,
			       iapt_counters *ct, iapt_run_stats *stats, iapt_warmup **shared, int draws)
{
	sim s;
	int rc, begun = 0;

	ct->log = NULL;
	if ((rc = sim_init(&s, sc, rep, hooks, ct, stats, ct->draws)))
		goto cleanup;
	if (s.has & IAPT_HOOK_SETUP) {
		s.in_setup = 1;
		hook_begin();
		rc = iapt_engine__hook_rc(hooks->setup(hooks->data, &s), IAPT_HOOK_I_SETUP);
		s.in_setup = 0;
		if (rc)
			goto cleanup;
	}
	begun = 1;
	if (shared && draws > 1 && !hooks && s.burn_weeks > 0)
		rc = from_shared_warmup(&s, shared, draws);
	else
		rc = iapt_engine__simulate(&s, 0);
	if (rc)
		goto cleanup;
	if (s.peak > stats->peak_people)
		stats->peak_people = s.peak;
	if (s.has & IAPT_HOOK_ON_FINISH) {
		size_t n = (size_t)s.n_years * IAPT_G__COUNT * IAPT_M__COUNT;
		if (!(s.values = malloc(n * sizeof *s.values))) {
			rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
			goto cleanup;
		}
		iapt_metrics__derive(ct, sc->population_scale, s.values);
		s.values_ready = 1;
	}
cleanup:
	if (begun && (s.has & IAPT_HOOK_ON_FINISH)) {
		int rc2;
		s.ev_week = s.weeks;
		s.ev_cohort = -1;
		if (rc) { /* the replicate's failure is the one reported; keep its message */
			(void)hooks->on_finish(hooks->data, &s, 0);
		} else {
			hook_begin();
			rc2 = hooks->on_finish(hooks->data, &s, 1);
			rc = iapt_engine__hook_rc(rc2, IAPT_HOOK_I_ON_FINISH);
		}
	}
	if (s.log.ptr && iapt_buf__ok(&s.log)) {
		ct->log = s.log.ptr; /* handed over, even on failure: the lines may explain it */
		s.log.ptr = NULL;
	}
	iapt_buf__free(&s.log);
	sim_free(&s);
	return rc;
}

/* ---- what hooks may ask of the run (iaptsim/hooks.h) ---- */

void iapt_run_get_info(const iapt_run *r, iapt_run_info *out)
{
	out->seed = r->sc->seed;
	out->replicate = r->rep;
	out->first_year = r->sc->first_year;
	out->last_year = r->sc->last_year;
	out->year = r->year;
	out->week = r->ev_week;
	out->n_services = r->n_services;
	out->population_scale = r->sc->population_scale;
	out->price_year = r->sc->econ.price_year;
	out->service_weight = r->tab ? 1.0 : 1.0 / r->sc->population_scale;
}

double iapt_run_param(const iapt_run *r, size_t idx, int year)
{
	return iapt_casemix__param(r->params, idx, year ? year : r->year);
}

int iapt_run_set_param(iapt_run *r, size_t idx, int year, double value)
{
	iapt_param_info info;
	char lab[8], origin[64];
	iapt_params_info(r->params, idx, &info);
	if (!r->in_setup || !r->own_params)
		return iapt_error__set(IAPT_EINVAL, "parameters can be set only in setup and on_year");
	if (iapt_params__shapes_run(idx))
		return iapt_error__set(IAPT_EINVAL, "%s shapes the run and cannot be set by a plugin; set it in the scenario's parameters", info.name);
	if (r->in_setup == 2 && year != 0 && year < r->year)
		return iapt_error__set(IAPT_EINVAL, "%s: %s is already simulated (on_year of %s may set values from %s on)", info.name,
				       iapt_year_label(year, lab), iapt_year_label(r->year, origin), origin);
	if (r->in_setup == 2 && year == 0)
		year = r->year;
	snprintf(origin, sizeof origin, "plugin (replicate %d)", r->rep + 1);
	return iapt_params_set(r->own_params, idx, year, value, origin);
}

int iapt_run_check_params(const iapt_run *r)
{
	int y, rc;
	for (y = r->sc->first_year; y <= r->sc->last_year; y++)
		if ((rc = iapt_engine__check_year(r->params, y)))
			return rc;
	return IAPT_OK;
}

int iapt_run_flow(iapt_run *r, int category, int tag, double amount)
{
	int ly = r->ev_week < 0 ? -1 : year_index(r, r->ev_week);
	if (category < 0 || category >= IAPT_CAT__COUNT || tag < 0 || tag >= IAPT_PERSP__COUNT)
		return iapt_error__set(IAPT_EINVAL, "no such ledger category or perspective");
	if (!isfinite(amount))
		return iapt_error__set(IAPT_EINVAL, "a flow must be a finite number");
	if (r->ev_cohort < 0)
		return IAPT_OK; /* warm-up cohorts are not reported (as in the core ledger) */
	ledger_add(r, ly, r->ev_cohort, category, tag, amount);
	return IAPT_OK;
}

int iapt_run_metric(iapt_run *r, size_t k, double v, int year)
{
	int y, set;
	if (k >= r->ct->n_extra)
		return iapt_error__set(IAPT_EINVAL, "no such plugin metric");
	set = r->ct->extra_defs[k].level;
	if (!isfinite(v))
		return iapt_error__set(IAPT_EINVAL, "a metric value must be a finite number");
	if (year)
		y = year - r->sc->first_year;
	else
		y = r->values_ready ? r->year - r->sc->first_year : year_index(r, r->ev_week);
	if (y < 0 || y >= r->n_years)
		return IAPT_OK; /* outside the reported years */
	if (set)
		r->ct->extra[(size_t)y * r->ct->n_extra + k] = v;
	else
		r->ct->extra[(size_t)y * r->ct->n_extra + k] += v;
	return IAPT_OK;
}

const double *iapt_run_values(const iapt_run *r)
{
	return r->values_ready ? r->values : NULL;
}

int iapt_run_log(iapt_run *r, const char *line)
{
	if (r->log_lines < IAPT_LOG_MAX_LINES)
		iapt_buf__printf(&r->log, "%s\n", line);
	else if (r->log_lines == IAPT_LOG_MAX_LINES)
		iapt_buf__printf(&r->log, "(log full: lines after the first %d of replicate %d dropped)\n", IAPT_LOG_MAX_LINES, r->rep + 1);
	r->log_lines++;
	return iapt_buf__ok(&r->log) ? IAPT_OK : iapt_error__set(IAPT_ENOMEM, "out of memory (log)");
}

uint64_t iapt_run_key(const iapt_run *r, uint64_t entity)
{
	return iapt_rng_key(r->sc->seed, (uint64_t)r->rep, entity, IAPT_RNG_PLUGIN);
}

int iapt_run_fail(iapt_run *r, int code, const char *message)
{
	(void)r;
	return iapt_error__set(code < 0 ? code : IAPT_ERROR, "%s", message ? message : "a hook failed");
}

