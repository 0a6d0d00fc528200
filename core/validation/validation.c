/* Model beside published figures, with the tolerances of include/iaptsim/validation.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "iaptsim/stats.h"
#include "iaptsim/validation.h"
#include "util/util.h"

static int checked_year(int year)
{
	return year >= IAPT_VALIDATION_FIRST_YEAR && year <= IAPT_VALIDATION_LAST_YEAR;
}

double iapt_validation_tolerance(int year, int metric, int *relative)
{
	*relative = 0;
	if (year == IAPT_VALIDATION_FIRST_PROGRAMME_YEAR && metric == IAPT_M_RECOVERY_PCT)
		return 1.0;
	if (!checked_year(year))
		return 0;
	if (metric == IAPT_M_RECOVERY_PCT || metric == IAPT_M_RELIABLE_IMPROVEMENT_PCT || metric == IAPT_M_RELIABLE_RECOVERY_PCT)
		return 1.5;
	if (metric == IAPT_M_FINISHED_COURSE || metric == IAPT_M_ENTERED_TREATMENT) {
		*relative = 1;
		return 0.05;
	}
	if (metric == IAPT_M_MEAN_SESSIONS_FINISHED)
		return 0.4;
	return 0;
}

const char *iapt_validation_year_role(int year)
{
	if (year == IAPT_VALIDATION_FITTED_YEAR)
		return "fitted";
	if (year > IAPT_VALIDATION_LAST_YEAR)
		return "projection";
	if (year > IAPT_VALIDATION_FITTED_YEAR)
		return "out of sample";
	if (year >= IAPT_VALIDATION_FIRST_YEAR)
		return "partly fitted";
	return "assumed inputs";
}

int iapt_validation_is_rate(int metric)
{
	const char *n = iapt_metric_name(metric);
	size_t l = n ? strlen(n) : 0;
	return (l > 4 && !strcmp(n + l - 4, "_pct")) || metric == IAPT_M_MEAN_SESSIONS_FINISHED || metric == IAPT_M_MEAN_WAIT_WEEKS;
}

void iapt_validation_free(iapt_validation *v)
{
	if (!v)
		return;
	free(v->figures);
	free(v->mix);
	free(v);
}

/* Groups other than "all": the people issue's checks (docs/validation.md) for groups large
 * enough that sampling noise in the published rate is small. */
#define GROUP_MIN_FINISHED 5000.0
#define GROUP_RECOVERY_TOLERANCE 2.5
#define GROUP_IMPROVEMENT_TOLERANCE 3.0

/* 1 if the map of the published long format marks the group as checked */
static int group_checked(int group)
{
	size_t n, k;
	const iapt_nhstt_group_map *m = iapt_nhstt_groups(&n);
	for (k = 0; k < n; k++)
		if (!strcmp(m[k].group, iapt_group_name(group)))
			return m[k].checked;
	return 0;
}

/* The published finished courses of a group in a year among the targets; NaN if none. */
static double published_finished(const iapt_target *t, size_t nt, int year, int group)
{
	size_t k;
	for (k = 0; k < nt; k++)
		if (t[k].year == year && t[k].group == group && t[k].metric == IAPT_M_FINISHED_COURSE)
			return t[k].value;
	return NAN;
}

static double group_tolerance(const iapt_target *t, size_t nt, const iapt_target *x)
{
	double fin;
	if (!checked_year(x->year) || !group_checked(x->group))
		return 0;
	if (x->metric != IAPT_M_RECOVERY_PCT && x->metric != IAPT_M_RELIABLE_IMPROVEMENT_PCT)
		return 0;
	fin = published_finished(t, nt, x->year, x->group);
	if (!(fin >= GROUP_MIN_FINISHED))
		return 0;
	return x->metric == IAPT_M_RECOVERY_PCT ? GROUP_RECOVERY_TOLERANCE : GROUP_IMPROVEMENT_TOLERANCE;
}

/* Step shares: the tolerance of each step's share of finished courses, in points. */
#define MIX_TOLERANCE 3.0

int iapt_validation_run(iapt_validation **out, const iapt_results *res, const iapt_target *t, size_t nt,
			const iapt_step_mix *mix, size_t nm)
{
	static const int groups[3] = {IAPT_G_STEP_LI_ONLY, IAPT_G_STEP_LI_THEN_HI, IAPT_G_STEP_HI_ONLY};
	iapt_validation *v = calloc(1, sizeof *v);
	int first, last, r, n = iapt_results_replicates(res);
	double *vals = malloc(2 * (size_t)(n > 0 ? n : 1) * sizeof *vals);
	size_t k;
	*out = NULL;
	if (!v || !vals || !(v->figures = calloc(nt + 1, sizeof *v->figures)) || !(v->mix = calloc(3 * nm + 1, sizeof *v->mix))) {
		free(vals);
		iapt_validation_free(v);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	iapt_results_years(res, &first, &last);
	for (k = 0; k < nt; k++) {
		iapt_validation_row *w;
		iapt_summary sm;
		if (t[k].year < first || t[k].year > last)
			continue;
		w = &v->figures[v->n_figures++];
		w->year = t[k].year;
		w->group = t[k].group;
		w->metric = t[k].metric;
		w->published = t[k].value;
		w->model = iapt_calib_model_value(res, &t[k]);
		for (r = 0; r < n; r++)
			vals[r] = iapt_results_value(res, t[k].year, t[k].group, t[k].metric, r);
		iapt_stats_summarise(vals, (size_t)n, vals + n, &sm);
		w->lo95 = sm.lo95;
		w->hi95 = sm.hi95;
		w->in_points = iapt_validation_is_rate(t[k].metric);
		w->difference = w->in_points ? w->model - w->published : 100 * (w->model / w->published - 1);
		if (t[k].group == IAPT_G_ALL) {
			w->tolerance = iapt_validation_tolerance(t[k].year, t[k].metric, &w->relative);
		} else {
			w->relative = 0;
			w->tolerance = group_tolerance(t, nt, &t[k]);
		}
		if (w->tolerance > 0) {
			w->checked = 1;
			w->within = w->relative ? fabs(w->model / w->published - 1) <= w->tolerance
						: fabs(w->model - w->published) <= w->tolerance;
		}
	}
	for (k = 0; mix && k < nm; k++) {
		double pub[3] = {mix[k].li_only, mix[k].li_then_hi, mix[k].hi_only}, mod[3], pt = 0, mt = 0;
		int g;
		if (mix[k].year < first || mix[k].year > last)
			continue;
		for (g = 0; g < 3; g++) {
			iapt_target x = {mix[k].year, groups[g], IAPT_M_FINISHED_COURSE, 0, 1};
			mod[g] = iapt_calib_model_value(res, &x);
			pt += pub[g];
			mt += mod[g];
		}
		for (g = 0; g < 3; g++) {
			iapt_validation_row *w = &v->mix[v->n_mix++];
			w->year = mix[k].year;
			w->group = groups[g];
			w->metric = IAPT_M_FINISHED_COURSE;
			w->published = 100 * pub[g] / pt;
			w->model = 100 * mod[g] / mt;
			w->lo95 = w->hi95 = NAN;
			w->difference = w->model - w->published;
			w->in_points = 1;
			if (checked_year(w->year)) {
				w->tolerance = MIX_TOLERANCE;
				w->checked = 1;
				w->within = fabs(w->difference) <= MIX_TOLERANCE;
			}
		}
	}
	for (k = 0; k < v->n_figures; k++) {
		v->checks += v->figures[k].checked;
		v->within += v->figures[k].within;
	}
	for (k = 0; k < v->n_mix; k++) {
		v->checks += v->mix[k].checked;
		v->within += v->mix[k].within;
	}
	free(vals);
	*out = v;
	return IAPT_OK;
}
