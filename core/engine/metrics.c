/* From raw counters to the reported metrics, by the official definitions (docs/model.md, Outcomes). */
#include <string.h>
#include <math.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "iaptsim/error.h"

/* the end-status metrics, counters and groups follow IAPT_EMPLOYMENT_LIST's order */
_Static_assert(IAPT_M_FINISHED_END_NOT_SEEKING_WORK - IAPT_M_FINISHED_END_EMPLOYED + 1 == IAPT_EMP__COUNT, "end metrics");
_Static_assert(IAPT_G_EMP_START_NOT_SEEKING_WORK - IAPT_G_EMP_START_EMPLOYED + 1 == IAPT_EMP__COUNT, "start groups");
_Static_assert(IAPT_G_EMP_END_NOT_SEEKING_WORK - IAPT_G_EMP_END_EMPLOYED + 1 == IAPT_EMP__COUNT, "end groups");

static const char *const group_names[IAPT_G__COUNT] = {
#define X(id, name) name,
	IAPT_GROUP_LIST(X)
#undef X
};

static const struct {
	const char *name, *doc;
	int by_step; /* 1: by step; 0: not by step; -1: group "all" only */
} metric_defs[IAPT_M__COUNT] = {
#define X(id, name, by, doc) {name, doc, by},
	IAPT_METRIC_LIST(X)
#undef X
};

int iapt_group_find(const char *name)
{
	int g;
	for (g = 0; g < IAPT_G__COUNT; g++)
		if (!strcmp(name, group_names[g]))
			return g;
	return -1;
}

int iapt_metric_find(const char *name)
{
	int m;
	for (m = 0; m < IAPT_M__COUNT; m++)
		if (!strcmp(name, iapt_metric_name(m)))
			return m;
	return -1;
}

const char *iapt_group_name(int g)
{
	return g >= 0 && g < IAPT_G__COUNT ? group_names[g] : "?";
}

const char *iapt_metric_name(int m)
{
	return m >= 0 && m < IAPT_M__COUNT ? metric_defs[m].name : "?";
}

const char *iapt_metric_doc(int m)
{
	return m >= 0 && m < IAPT_M__COUNT ? metric_defs[m].doc : "?";
}

int iapt_metric_in_group(int m, int g)
{
	if (m < 0 || m >= IAPT_M__COUNT || g < 0 || g >= IAPT_G__COUNT)
		return 0;
	if (metric_defs[m].by_step < 0)
		return g == IAPT_G_ALL;
	if ((g >= IAPT_G_STEP_LI_ONLY && g <= IAPT_G_STEP_HI_ONLY) ||
	    (g >= IAPT_G_EMP_END_EMPLOYED && g <= IAPT_G_EMP_END_NOT_SEEKING_WORK))
		return metric_defs[m].by_step == 1;
	return 1;
}

static double ratio(double num, double den, double mult)
{
	return den > 0 ? mult * num / den : NAN;
}

/* One group's metrics v[metric] from its counters c[counter]. */
static void derive_row(const double *c, double scale, double *v)
{
	double fin = c[IAPT_C_FINISHED];
	double fin_case = c[IAPT_C_FIN_CASENESS];
	int m;
	v[IAPT_M_REFERRALS_RECEIVED] = c[IAPT_C_REFERRALS] / scale;
	v[IAPT_M_ENTERED_TREATMENT] = c[IAPT_C_ENTERED] / scale;
	v[IAPT_M_FINISHED_COURSE] = fin / scale;
	v[IAPT_M_FINISHED_AT_CASENESS] = fin_case / scale;
	/* recovery: denominator is finished minus finished not at caseness [S24] */
	v[IAPT_M_RECOVERY_PCT] = ratio(c[IAPT_C_RECOVERED], fin_case, 100);
	v[IAPT_M_RELIABLE_IMPROVEMENT_PCT] = ratio(c[IAPT_C_RELIABLE_IMPROVEMENT], fin, 100);
	v[IAPT_M_RELIABLE_RECOVERY_PCT] = ratio(c[IAPT_C_RELIABLE_RECOVERY], fin_case, 100);
	v[IAPT_M_RELIABLE_DETERIORATION_PCT] = ratio(c[IAPT_C_RELIABLE_DETERIORATION], fin, 100);
	v[IAPT_M_MEAN_SESSIONS_FINISHED] = ratio(c[IAPT_C_SESSIONS_FINISHED], fin, 1);
	v[IAPT_M_WITHIN_6WK_PCT] = ratio(c[IAPT_C_WITHIN_6WK], fin, 100);
	v[IAPT_M_WITHIN_18WK_PCT] = ratio(c[IAPT_C_WITHIN_18WK], fin, 100);
	v[IAPT_M_MEAN_WAIT_WEEKS] = ratio(c[IAPT_C_WAIT_WEEKS_ENTERED], c[IAPT_C_ENTERED], 1);
	v[IAPT_M_ENDED_NOT_ENTERED] = c[IAPT_C_NOT_ENTERED] / scale;
	v[IAPT_M_NATURAL_RECOVERY_PCT] = ratio(c[IAPT_C_NATURAL_RECOVERED], fin_case, 100);
	v[IAPT_M_SESSIONS_ATTENDED] = c[IAPT_C_ATTENDED] / scale;
	v[IAPT_M_SESSIONS_MISSED] = c[IAPT_C_MISSED] / scale;
	v[IAPT_M_WTE_LI] = c[IAPT_C_WTE_LI] / scale;
	v[IAPT_M_WTE_HI] = c[IAPT_C_WTE_HI] / scale;
	v[IAPT_M_TRAINEES] = c[IAPT_C_TRAINEES] / scale;
	for (m = 0; m < IAPT_EMP__COUNT; m++)
		v[IAPT_M_FINISHED_END_EMPLOYED + m] = c[IAPT_C_FIN_END_EMPLOYED + m] / scale;
	v[IAPT_M_MOVED_OFF_SICK_PAY_BENEFITS] = c[IAPT_C_MOVED_OFF] / scale;
	v[IAPT_M_SECOND_OVER_90D_PCT] = ratio(c[IAPT_C_SECOND_OVER_90D], c[IAPT_C_SECOND], 100);
	v[IAPT_M_MEAN_WEEKS_FIRST_TO_SECOND] = ratio(c[IAPT_C_SECOND_WEEKS], c[IAPT_C_SECOND], 1);
}

void iapt_metrics__derive(const iapt_counters *ct, double scale, double *values)
{
	int y, g, m;
	for (y = 0; y < ct->n_years; y++) {
		for (g = 0; g < IAPT_G__COUNT; g++) {
			double *v = values + ((size_t)y * IAPT_G__COUNT + (size_t)g) * IAPT_M__COUNT;
			derive_row(&IAPT_CTR(ct, y, g, 0), scale, v);
			for (m = 0; m < IAPT_M__COUNT; m++)
				if (!iapt_metric_in_group(m, g))
					v[m] = NAN;
		}
	}
}

void iapt_metrics__derive_hook_groups(const iapt_counters *ct, double scale, double *values)
{
	size_t y, k;
	int m;
	for (y = 0; y < (size_t)ct->n_years; y++)
		for (k = 0; k < ct->n_hg_rows; k++) {
			size_t row = y * ct->n_hg_rows + k;
			double *v = values + row * IAPT_M__COUNT;
			derive_row(ct->hg + row * IAPT_C__COUNT, scale, v);
			/* the metrics of an attribute group: a hook's group is one of the person */
			for (m = 0; m < IAPT_M__COUNT; m++)
				if (!iapt_metric_in_group(m, IAPT_G_LTC_YES))
					v[m] = NAN;
		}
}

void iapt_results_free(iapt_results *r)
{
	if (!r)
		return;
	size_t k;
	free(r->values);
	free(r->ledger);
	free(r->econ_values);
	for (k = 0; k < r->n_extra; k++) {
		if (r->extra_names)
			free(r->extra_names[k]);
		if (r->extra_docs)
			free(r->extra_docs[k]);
	}
	for (k = 0; k < IAPT_CAT_PLUGIN_SLOTS; k++)
		free(r->cat_names[k]);
	free(r->extra_names);
	free(r->extra_docs);
	free(r->extra_level);
	free(r->extra);
	for (k = 0; r->logs && k < (size_t)r->replicates; k++)
		free(r->logs[k]);
	free(r->logs);
	free(r->draws);
	free(r->svc);
	for (k = 0; r->hg_names && k < r->n_hg_rows; k++)
		free(r->hg_names[k]);
	free(r->hg_names);
	free(r->hg_values);
	free(r);
}

int iapt_results_years(const iapt_results *r, int *first_year, int *last_year)
{
	*first_year = r->first_year;
	*last_year = r->last_year;
	return IAPT_OK;
}

int iapt_results_replicates(const iapt_results *r)
{
	return r->replicates;
}

double iapt_results_value(const iapt_results *r, int year, int group, int metric, int rep)
{
	int n_years = r->last_year - r->first_year + 1, y = year - r->first_year;
	if (y < 0 || y >= n_years || group < 0 || group >= IAPT_G__COUNT || metric < 0 ||
	    metric >= IAPT_M__COUNT || rep < 0 || rep >= r->replicates)
		return NAN;
	return r->values[(((size_t)rep * (size_t)n_years + (size_t)y) * IAPT_G__COUNT + (size_t)group) * IAPT_M__COUNT + (size_t)metric];
}

const iapt_run_stats *iapt_results_stats(const iapt_results *r)
{
	return &r->stats;
}

int iapt_results_ledger_years(const iapt_results *r)
{
	return r->n_ledger_years;
}

double iapt_results_ledger(const iapt_results *r, int rep, int year, int cohort, int category, int tag)
{
	int n_years = r->last_year - r->first_year + 1, ly = year - r->first_year, co = cohort - r->first_year;
	if (!r->ledger || rep < 0 || rep >= r->replicates || ly < 0 || ly >= r->n_ledger_years || co < 0 ||
	    co >= n_years || category < 0 || category >= IAPT_CAT__COUNT || tag < 0 || tag >= IAPT_PERSP__COUNT)
		return NAN;
	return r->ledger[(size_t)rep * IAPT_LEDGER_SIZE(r->n_ledger_years, n_years) +
			 (((size_t)ly * (size_t)n_years + (size_t)co) * IAPT_CAT__COUNT + (size_t)category) * IAPT_PERSP__COUNT + (size_t)tag];
}

const iapt_econ_settings *iapt_results_econ_settings(const iapt_results *r)
{
	return &r->econ;
}

double iapt_results_econ(const iapt_results *r, int rep, int perspective, int measure)
{
	if (!r->econ_values || rep < 0 || rep >= r->replicates || perspective < 0 || perspective >= IAPT_PERSP__COUNT ||
	    measure < 0 || measure >= r->n_measures)
		return NAN;
	return r->econ_values[((size_t)rep * IAPT_PERSP__COUNT + (size_t)perspective) * (size_t)r->n_measures + (size_t)measure];
}

size_t iapt_results_extra_count(const iapt_results *r)
{
	return r->n_extra;
}

const char *iapt_results_extra_name(const iapt_results *r, size_t k)
{
	return k < r->n_extra ? r->extra_names[k] : NULL;
}

const char *iapt_results_category_name(const iapt_results *r, int category)
{
	if (category >= IAPT_CAT_PLUGIN_1 && category <= IAPT_CAT_PLUGIN_4)
		return r->cat_names[category - IAPT_CAT_PLUGIN_1];
	return category >= 0 && category < IAPT_CAT__COUNT ? iapt_category_name(category) : NULL;
}

const char *iapt_results_extra_doc(const iapt_results *r, size_t k)
{
	return k < r->n_extra ? r->extra_docs[k] : NULL;
}

double iapt_results_extra(const iapt_results *r, int year, size_t k, int rep)
{
	int n_years = r->last_year - r->first_year + 1, y = year - r->first_year;
	if (y < 0 || y >= n_years || k >= r->n_extra || rep < 0 || rep >= r->replicates)
		return NAN;
	return r->extra[((size_t)rep * (size_t)n_years + (size_t)y) * r->n_extra + k];
}

const char *iapt_results_log(const iapt_results *r, int rep)
{
	return rep >= 0 && rep < r->replicates && r->logs ? r->logs[rep] : NULL;
}

double iapt_results_draw(const iapt_results *r, int rep, size_t k)
{
	return rep >= 0 && rep < r->replicates && k < r->n_uncertain ? r->draws[(size_t)rep * r->n_uncertain + k] : NAN;
}

size_t iapt_results_hook_group_count(const iapt_results *r)
{
	return r->n_hg_rows;
}

const char *iapt_results_hook_group_name(const iapt_results *r, size_t k)
{
	return k < r->n_hg_rows ? r->hg_names[k] : NULL;
}

double iapt_results_hook_group_value(const iapt_results *r, int year, size_t k, int metric, int rep)
{
	int n_years = r->last_year - r->first_year + 1, y = year - r->first_year;
	if (y < 0 || y >= n_years || k >= r->n_hg_rows || metric < 0 || metric >= IAPT_M__COUNT || rep < 0 || rep >= r->replicates)
		return NAN;
	return r->hg_values[(((size_t)rep * (size_t)n_years + (size_t)y) * r->n_hg_rows + k) * IAPT_M__COUNT + (size_t)metric];
}
