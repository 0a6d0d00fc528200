/* Replicates, optionally on threads (iapt_sim_run): each worker thread runs replicates
 * with hooks of its own, into results kept per replicate, so the thread that ran a
 * replicate changes nothing. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/services.h"
#include "util/util.h"

typedef struct job {
	const iapt_scenario *sc;
	iapt_results *res;
	const iapt_run_options *opt;
	iapt_econ_settings econ; /* the scenario's, with the distributional weights of its parameters */
	pthread_mutex_t lock;
	int next, stride, done, rc, err_rep;
	int draws_per_warmup; /* replicates that share a warm-up (iapt_engine__warmup_draws) */
	char err[4096];
	iapt_run_stats stats;
} job;

static int run_one(job *j, int rep, const iapt_hooks *hooks, iapt_counters *ct, iapt_run_stats *st, iapt_warmup **warm)
{
	size_t per = (size_t)ct->n_years * IAPT_G__COUNT * IAPT_C__COUNT;
	size_t per_vals = (size_t)ct->n_years * IAPT_G__COUNT * IAPT_M__COUNT;
	int rc;
	size_t per_ledger = IAPT_LEDGER_SIZE(ct->n_ledger_years, ct->n_years), k;
	double *ledger = j->res->ledger + (size_t)rep * per_ledger, *flows;
	int ly, co, c, t;
	memset(ct->c, 0, per * sizeof *ct->c);
	memset(ct->ledger, 0, per_ledger * sizeof *ct->ledger);
	memset(ct->qledger, 0, IAPT_QLEDGER_SIZE(ct->n_ledger_years) * sizeof *ct->qledger);
	ct->draws = j->res->n_uncertain ? j->res->draws + (size_t)rep * j->res->n_uncertain : NULL;
	if (ct->n_extra)
		memset(ct->extra, 0, (size_t)ct->n_years * ct->n_extra * sizeof *ct->extra);
	if (ct->svc)
		memset(ct->svc, 0, (size_t)ct->n_years * (size_t)ct->n_svc * IAPT_SC__COUNT * sizeof *ct->svc);
	if (ct->hg)
		memset(ct->hg, 0, (size_t)ct->n_years * ct->n_hg_rows * IAPT_C__COUNT * sizeof *ct->hg);
	rc = iapt_engine__run_replicate(j->sc, rep, hooks, ct, st, warm, j->draws_per_warmup);
	j->res->logs[rep] = ct->log; /* each replicate's own slot: no lock needed */
	ct->log = NULL;
	if (rc)
		return rc;
	iapt_metrics__derive(ct, j->sc->population_scale, j->res->values + (size_t)rep * per_vals);
	if (ct->hg)
		iapt_metrics__derive_hook_groups(ct, j->sc->population_scale,
						 j->res->hg_values + (size_t)rep * (size_t)ct->n_years * ct->n_hg_rows * IAPT_M__COUNT);
	if (ct->svc) {
		size_t n_sv = (size_t)ct->n_years * (size_t)ct->n_svc * IAPT_SC__COUNT;
		memcpy(j->res->svc + (size_t)rep * n_sv, ct->svc, n_sv * sizeof *ct->svc);
	}
	for (k = 0; k < (size_t)ct->n_years * ct->n_extra; k++)
		j->res->extra[(size_t)rep * (size_t)ct->n_years * ct->n_extra + k] =
			ct->extra[k] / (j->res->extra_level[k % ct->n_extra] ? 1.0 : j->sc->population_scale);
	/* the ledger at national scale, then appraised over cohorts by financial year */
	for (k = 0; k < per_ledger; k++)
		ledger[k] = ct->ledger[k] / j->sc->population_scale;
	flows = calloc((size_t)ct->n_ledger_years * IAPT_CAT__COUNT * IAPT_PERSP__COUNT, sizeof *flows);
	if (!flows)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (ly = 0; ly < ct->n_ledger_years; ly++)
		for (co = 0; co < ct->n_years; co++)
			for (c = 0; c < IAPT_CAT__COUNT; c++)
				for (t = 0; t < IAPT_PERSP__COUNT; t++)
					flows[((size_t)ly * IAPT_CAT__COUNT + (size_t)c) * IAPT_PERSP__COUNT + (size_t)t] +=
						ledger[(((size_t)ly * (size_t)ct->n_years + (size_t)co) * IAPT_CAT__COUNT + (size_t)c) *
						       IAPT_PERSP__COUNT + (size_t)t];
	for (k = 0; k < IAPT_QLEDGER_SIZE(ct->n_ledger_years); k++)
		ct->qledger[k] /= j->sc->population_scale;
	rc = iapt_econ_appraise_groups(&j->econ, flows, ct->qledger, ct->n_ledger_years,
				       j->res->econ_values + (size_t)rep * IAPT_PERSP__COUNT * (size_t)j->res->n_measures);
	free(flows);
	return rc;
}

/* A hook set names only hooks it has. */
static int check_hooks(const iapt_hooks *h)
{
	if (!h)
		return iapt_error__set(IAPT_EINVAL, "a hook factory made no hooks");
	/* the members of iapt_hooks are named as the hooks of the list */
#define X(id, name, doc) \
	if ((h->has & IAPT_HOOK_##id) && !h->name) \
		return iapt_error__set(IAPT_EINVAL, "a hook set names a hook it does not have (iapt_hooks.has)");
	IAPT_HOOK_LIST(X)
#undef X
	return IAPT_OK;
}

static void *worker(void *arg)
{
	job *j = arg;
	iapt_counters ct;
	iapt_run_stats st;
	iapt_hooks *hooks = NULL;
	const iapt_hook_factory *hf = j->opt ? j->opt->hooks : NULL;
	iapt_warmup *warm = NULL; /* this thread's: the last group's warm-up */
	int hrc = IAPT_OK, rep = 0, last = -1;
	char herr[4096] = "";
	memset(&ct, 0, sizeof ct);
	ct.n_years = j->res->last_year - j->res->first_year + 1;
	ct.n_ledger_years = j->res->n_ledger_years;
	ct.n_extra = j->res->n_extra;
	ct.extra_defs = hf ? hf->metrics : NULL;
	ct.c = malloc((size_t)ct.n_years * IAPT_G__COUNT * IAPT_C__COUNT * sizeof *ct.c);
	ct.ledger = malloc(IAPT_LEDGER_SIZE(ct.n_ledger_years, ct.n_years) * sizeof *ct.ledger);
	ct.qledger = malloc(IAPT_QLEDGER_SIZE(ct.n_ledger_years) * sizeof *ct.qledger);
	ct.extra = malloc(((size_t)ct.n_years * ct.n_extra + 1) * sizeof *ct.extra);
	ct.n_svc = j->res->n_svc;
	if (ct.n_svc)
		ct.svc = malloc((size_t)ct.n_years * (size_t)ct.n_svc * IAPT_SC__COUNT * sizeof *ct.svc);
	if (hf && hf->n_groups) {
		size_t g;
		ct.n_hg = hf->n_groups;
		for (g = 0; g < hf->n_groups; g++) {
			ct.hg_row0[g] = ct.n_hg_rows;
			ct.n_hg_rows += hf->groups[g].n_levels;
		}
		ct.hg = malloc((size_t)ct.n_years * ct.n_hg_rows * IAPT_C__COUNT * sizeof *ct.hg);
	}
	if (!ct.ledger || !ct.qledger || !ct.extra || (ct.n_svc && !ct.svc) || (ct.n_hg && !ct.hg)) {
		free(ct.c);
		ct.c = NULL;
	}
	/* this worker's hooks: never shared with another thread */
	if (ct.c && hf && !(hrc = hf->create(hf->data, &hooks)) && !(hrc = check_hooks(hooks)) && ct.n_hg && !hooks->group)
		hrc = iapt_error__set(IAPT_EINVAL, "the hook factory declares groups and its hooks have no group function (iapt_hooks.group)");
	if (hrc)
		snprintf(herr, sizeof herr, "%s", iapt_error_last()->message);
	memset(&st, 0, sizeof st);
	for (;;) {
		int rc;
		pthread_mutex_lock(&j->lock);
		if (j->rc || !ct.c || hrc) {
			rep = j->res->replicates;
		} else if (rep + j->stride <= last) {
			rep += j->stride; /* the rest of the group this thread took */
		} else {
			rep = j->next; /* this process's replicates: rank, rank + ranks, ... */
			j->next += j->stride;
			if (j->draws_per_warmup > 1) {
				/* and with a shared warm-up, all of this process's replicates of its
				 * group, so that one thread simulates the group's warm-up */
				last = (rep / j->draws_per_warmup + 1) * j->draws_per_warmup - 1;
				while (j->next <= last)
					j->next += j->stride;
			}
		}
		if (!ct.c && !j->rc) {
			j->rc = IAPT_ENOMEM;
			snprintf(j->err, sizeof j->err, "out of memory");
		}
		if (hrc && !j->rc) {
			j->rc = hrc;
			snprintf(j->err, sizeof j->err, "%s", herr);
		}
		pthread_mutex_unlock(&j->lock);
		if (rep >= j->res->replicates)
			break;
		rc = run_one(j, rep, hooks, &ct, &st, j->draws_per_warmup > 1 ? &warm : NULL);
		pthread_mutex_lock(&j->lock);
		/* the first failing replicate in replicate order is the one reported */
		if (rc && (!j->rc || rep < j->err_rep)) {
			j->rc = rc;
			j->err_rep = rep;
			/* a plugin's message starts with its file and line and names the replicate */
			if (rc == IAPT_ELUA)
				snprintf(j->err, sizeof j->err, "%s", iapt_error_last()->message);
			else
				snprintf(j->err, sizeof j->err, "replicate %d: %s", rep + 1, iapt_error_last()->message);
		}
		if (!rc) {
			j->done++;
			if (j->opt && j->opt->progress)
				j->opt->progress(j->opt->progress_data, j->done, j->res->replicates);
		}
		pthread_mutex_unlock(&j->lock);
	}
	pthread_mutex_lock(&j->lock);
	j->stats.referrals += st.referrals;
	j->stats.sessions += st.sessions;
	j->stats.person_weeks += st.person_weeks;
	if (st.peak_people > j->stats.peak_people)
		j->stats.peak_people = st.peak_people;
	pthread_mutex_unlock(&j->lock);
	if (hf && hooks)
		hf->destroy(hf->data, hooks);
	iapt_engine__warmup_free(warm);
	free(ct.c);
	free(ct.ledger);
	free(ct.qledger);
	free(ct.extra);
	free(ct.svc);
	free(ct.hg);
	return NULL;
}

/* The groups the hooks declare: a row per level, "<group>=<level>". */
static int hook_groups(iapt_results *res, const iapt_scenario *sc, const iapt_hook_factory *hf)
{
	size_t g, l, n = 0, row = 0;
	if (!hf || !hf->n_groups)
		return IAPT_OK;
	if (hf->n_groups > IAPT_HOOK_MAX_GROUPS || !hf->groups)
		return iapt_error__set(IAPT_EINVAL, "%zu hook groups: at most %d", hf->n_groups, IAPT_HOOK_MAX_GROUPS);
	for (g = 0; g < hf->n_groups; g++) {
		const iapt_hook_group *hg = &hf->groups[g];
		if (!hg->name || !hg->levels || hg->n_levels < 1 || hg->n_levels > IAPT_HOOK_GROUP_MAX_LEVELS)
			return iapt_error__set(IAPT_EINVAL, "hook group %zu needs a name and 1 to %d levels", g + 1, IAPT_HOOK_GROUP_MAX_LEVELS);
		for (l = 0; l < hg->n_levels; l++) {
			size_t m;
			if (!hg->levels[l])
				return iapt_error__set(IAPT_EINVAL, "hook group %s: level %zu has no name", hg->name, l + 1);
			for (m = 0; m < l; m++)
				if (!strcmp(hg->levels[m], hg->levels[l]))
					return iapt_error__set(IAPT_EINVAL, "hook group %s: level '%s' twice", hg->name, hg->levels[l]);
		}
		for (l = 0; l < g; l++)
			if (!strcmp(hf->groups[l].name, hg->name))
				return iapt_error__set(IAPT_EINVAL, "hook group %s declared twice", hg->name);
		n += hg->n_levels;
	}
	res->n_hg_rows = n;
	res->hg_names = calloc(n, sizeof *res->hg_names);
	res->hg_values = calloc((size_t)sc->replicates * (size_t)(sc->last_year - sc->first_year + 1) * n * IAPT_M__COUNT,
				sizeof *res->hg_values);
	if (!res->hg_names || !res->hg_values)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (g = 0; g < hf->n_groups; g++)
		for (l = 0; l < hf->groups[g].n_levels; l++) {
			iapt_buf b = {0};
			iapt_buf__printf(&b, "%s=%s", hf->groups[g].name, hf->groups[g].levels[l]);
			if (!iapt_buf__ok(&b))
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
			res->hg_names[row++] = b.ptr;
		}
	return IAPT_OK;
}

/* The metrics the hooks declare, in the factory's order. */
static int extra_metrics(iapt_results *res, const iapt_scenario *sc, const iapt_hook_factory *hf)
{
	size_t k, n = hf ? hf->n_metrics : 0;
	res->n_extra = n;
	res->extra = calloc((size_t)sc->replicates * (size_t)(sc->last_year - sc->first_year + 1) * n + 1, sizeof *res->extra);
	res->extra_names = calloc(n + 1, sizeof *res->extra_names);
	res->extra_docs = calloc(n + 1, sizeof *res->extra_docs);
	res->extra_level = calloc(n + 1, sizeof *res->extra_level);
	if (!res->extra || !res->extra_names || !res->extra_docs || !res->extra_level)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (k = 0; k < n; k++) {
		res->extra_names[k] = iapt_str__dup(hf->metrics[k].name);
		res->extra_docs[k] = iapt_str__dup(hf->metrics[k].doc ? hf->metrics[k].doc : "");
		res->extra_level[k] = hf->metrics[k].level;
		if (!res->extra_names[k] || !res->extra_docs[k])
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	if (hf && hf->n_categories > IAPT_CAT_PLUGIN_SLOTS)
		return iapt_error__set(IAPT_EINVAL, "%zu plugin cost categories: at most %d", hf->n_categories, IAPT_CAT_PLUGIN_SLOTS);
	for (k = 0; hf && k < hf->n_categories; k++)
		if (!hf->categories[k] || !(res->cat_names[k] = iapt_str__dup(hf->categories[k])))
			return iapt_error__set(hf->categories[k] ? IAPT_ENOMEM : IAPT_EINVAL, "plugin cost category %zu has no name", k + 1);
	return hook_groups(res, sc, hf);
}

static void fill_nan(iapt_results *res)
{
	size_t k, n_years = (size_t)(res->last_year - res->first_year + 1), reps = (size_t)res->replicates;
	size_t nv = reps * n_years * IAPT_G__COUNT * IAPT_M__COUNT;
	size_t nl = reps * IAPT_LEDGER_SIZE(res->n_ledger_years, n_years);
	size_t ne = reps * IAPT_PERSP__COUNT * (size_t)res->n_measures, nx = reps * n_years * res->n_extra;
	for (k = 0; k < nv; k++)
		res->values[k] = NAN;
	for (k = 0; k < nl; k++)
		res->ledger[k] = NAN;
	for (k = 0; k < ne; k++)
		res->econ_values[k] = NAN;
	for (k = 0; k < nx; k++)
		res->extra[k] = NAN;
	for (k = 0; k < reps * res->n_uncertain; k++)
		res->draws[k] = NAN;
	for (k = 0; k < reps * n_years * (size_t)res->n_svc * IAPT_SC__COUNT; k++)
		res->svc[k] = NAN;
	for (k = 0; k < reps * n_years * res->n_hg_rows * IAPT_M__COUNT; k++)
		res->hg_values[k] = NAN;
}

int iapt_sim_run(iapt_results **out, const iapt_scenario *sc, const iapt_run_options *opt)
{
	iapt_results *res;
	job j;
	int rc, threads = opt && opt->threads > 1 ? opt->threads : 1, t, started = 0;
	size_t n_vals;
	pthread_t *tids = NULL;

	*out = NULL;
	iapt_error_clear();
	if ((rc = iapt_engine__validate(sc)))
		return rc;
	/* a factory of the program's own would drop the scenario's plugins without a word */
	if (sc->n_plugin_specs && !(opt && opt->hooks && opt->hooks->runs_plugins))
		return iapt_error__set(IAPT_EINVAL,
				       "the scenario uses plugins (%s%s): run it with their hooks (iapt_run_options.hooks, "
				       "from iapt_plugin_host_hooks)%s", sc->plugin_specs[0].use, sc->n_plugin_specs > 1 ? ", ..." : "",
				       opt && opt->hooks ? "; the hook factory given does not run them (iapt_hook_factory.runs_plugins)" : "");
	if (opt && opt->hooks && (!opt->hooks->create || !opt->hooks->destroy || (opt->hooks->n_metrics && !opt->hooks->metrics)))
		return iapt_error__set(IAPT_EINVAL, "a hook factory needs create, destroy and its metrics");
	res = calloc(1, sizeof *res);
	if (!res)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	res->first_year = sc->first_year;
	res->last_year = sc->last_year;
	res->replicates = sc->replicates;
	n_vals = (size_t)sc->replicates * (size_t)(sc->last_year - sc->first_year + 1) * IAPT_G__COUNT * IAPT_M__COUNT;
	res->values = malloc(n_vals * sizeof *res->values);
	res->n_ledger_years = iapt_engine__ledger_years(sc);
	res->econ = sc->econ;
	{
		/* Green Book Annex A3 weights from the first year's incomes and elasticity */
		double inc[5];
		int k;
		_Static_assert(IAPT_P_DIST_INCOME_Q5 - IAPT_P_DIST_INCOME_Q1 == 4, "income quintiles in order");
		for (k = 0; k < 5; k++)
			inc[k] = iapt_params_get(sc->params, IAPT_P_DIST_INCOME_Q1 + k, sc->first_year);
		if ((rc = iapt_econ_distribution_weights(inc, iapt_params_get(sc->params, IAPT_P_DIST_ELASTICITY, sc->first_year),
							 res->econ.dist_weight))) {
			free(res);
			return rc;
		}
	}
	res->n_measures = iapt_econ_measure_count(&sc->econ);
	res->ledger = malloc((size_t)sc->replicates *
			     IAPT_LEDGER_SIZE(res->n_ledger_years, sc->last_year - sc->first_year + 1) * sizeof *res->ledger);
	res->econ_values = malloc((size_t)sc->replicates * IAPT_PERSP__COUNT * (size_t)res->n_measures * sizeof *res->econ_values);
	res->logs = calloc((size_t)sc->replicates, sizeof *res->logs);
	res->n_uncertain = sc->n_uncertain;
	res->draws = calloc((size_t)sc->replicates * sc->n_uncertain + 1, sizeof *res->draws);
	res->scale = sc->population_scale;
	/* per-service counts (services.csv), unless the scenario turns them off */
	if ((rc = iapt_services__for(sc, &res->services))) {
		iapt_results_free(res);
		return rc;
	}
	res->n_svc = res->services && sc->output_services ? res->services->n : 0;
	res->svc = calloc((size_t)sc->replicates * (size_t)(sc->last_year - sc->first_year + 1) * (size_t)res->n_svc * IAPT_SC__COUNT + 1,
			  sizeof *res->svc);
	if ((rc = extra_metrics(res, sc, opt ? opt->hooks : NULL))) {
		iapt_results_free(res);
		return rc;
	}
	if (!res->values || !res->ledger || !res->econ_values || !res->logs || !res->draws || !res->svc) {
		iapt_results_free(res);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	memset(&j, 0, sizeof j);
	j.sc = sc;
	j.res = res;
	j.econ = res->econ;
	j.opt = opt;
	j.next = opt && opt->replicate_stride > 1 ? opt->first_replicate : 0;
	j.stride = opt && opt->replicate_stride > 1 ? opt->replicate_stride : 1;
	j.draws_per_warmup = iapt_engine__warmup_draws(sc, opt && opt->hooks);
	if (j.next < 0)
		j.next = 0;
	if (j.stride > 1) /* the replicates others run: NaN until a distributor fills them */
		fill_nan(res);
	pthread_mutex_init(&j.lock, NULL);
	if (threads > sc->replicates)
		threads = sc->replicates;
	if (threads > 1) {
		/* threads - 1 helpers; the calling thread is the last worker */
		tids = calloc((size_t)threads, sizeof *tids);
		for (t = 0; tids && t < threads - 1; t++, started++)
			if (pthread_create(&tids[t], NULL, worker, &j) != 0)
				break;
		worker(&j); /* the calling thread helps too */
		for (t = 0; t < started; t++)
			pthread_join(tids[t], NULL);
		free(tids);
	} else {
		worker(&j);
	}
	pthread_mutex_destroy(&j.lock);
	if (j.rc) {
		iapt_error__set(j.rc, "%s", j.err);
		iapt_results_free(res);
		return j.rc;
	}
	res->stats = j.stats;
	*out = res;
	iapt_error_clear(); /* a hook may have left a message it handled */
	return IAPT_OK;
}
