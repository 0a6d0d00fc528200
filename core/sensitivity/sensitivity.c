/* One-way sensitivity: runs at each parameter's low and high values, and switching values
 * refined with GSL's Brent solver. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "iaptsim/econ.h"
#include "iaptsim/sensitivity.h"
#include "util/util.h"

int iapt_sensitivity_measure(const iapt_scenario *sc, const char *spec, int *perspective, int *measure)
{
	const char *colon = strchr(spec, ':');
	int t, m;
	char buf[64];
	for (t = 0; colon && t < IAPT_PERSP__COUNT; t++)
		if ((size_t)(colon - spec) == strlen(iapt_perspective_name(t)) &&
		    !strncmp(spec, iapt_perspective_name(t), (size_t)(colon - spec)))
			break;
	for (m = 0; colon && t < IAPT_PERSP__COUNT && m < iapt_econ_measure_count(&sc->econ); m++)
		if (!strcmp(colon + 1, iapt_econ_measure_name(&sc->econ, m, buf)))
			break;
	if (!colon || t == IAPT_PERSP__COUNT || m == iapt_econ_measure_count(&sc->econ))
		return iapt_error__set(IAPT_EINVAL, "'%s' is not PERSPECTIVE:MEASURE of economics.csv (e.g. societal:npv, nhs:cost_per_qaly)", spec);
	*perspective = t;
	*measure = m;
	return IAPT_OK;
}

/* ---- switching values ---- */

typedef struct refine_state {
	iapt_outcome_fn f;
	void *data;
	const iapt_oneway *row;
	int rc, undefined;
	double *x, *y; /* every point evaluated, the ends first */
	int n;
} refine_state;

/* The solver's function. It must return a finite number, or GSL calls its error handler;
 * a failed or undefined run returns y_low, and the loop stops on the flag it sets. Points
 * already known (the ends of the bracket) cost no run. */
static double refine_eval(double x, void *p)
{
	refine_state *s = p;
	double y = NAN;
	int k;
	for (k = 0; k < s->n; k++)
		if (s->x[k] == x)
			return s->y[k];
	if (s->rc || s->undefined)
		return s->row->y_low;
	if ((s->rc = s->f(s->data, x, &y)))
		return s->row->y_low;
	if (!isfinite(y)) {
		s->undefined = 1;
		return s->row->y_low;
	}
	s->x[s->n] = x;
	s->y[s->n++] = y;
	return y;
}

static double known(const refine_state *s, double x)
{
	int k;
	for (k = 0; k < s->n; k++)
		if (s->x[k] == x)
			return s->y[k];
	return NAN;
}

int iapt_oneway_refine(iapt_oneway *row, iapt_outcome_fn f, void *data, int max_evaluations)
{
	refine_state st;
	gsl_function F;
	gsl_root_fsolver *s = NULL;
	/* |outcome| below this is rounding, not a sign: the root is found */
	double tiny = 1e-12 * fmax(fabs(row->y_low), fabs(row->y_high));
	int k;
	if (max_evaluations <= 0 || !(row->y_low != 0 && row->y_high != 0 && (row->y_low < 0) != (row->y_high < 0)) ||
	    !(row->low < row->high))
		return IAPT_OK;
	memset(&st, 0, sizeof st);
	st.x = malloc(((size_t)max_evaluations + 2) * sizeof *st.x);
	st.y = malloc(((size_t)max_evaluations + 2) * sizeof *st.y);
	if (!st.x || !st.y || !(s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent))) {
		free(st.x);
		free(st.y);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	st.f = f;
	st.data = data;
	st.row = row;
	st.x[0] = row->low;
	st.y[0] = row->y_low;
	st.x[1] = row->high;
	st.y[1] = row->y_high;
	st.n = 2;
	F.function = refine_eval;
	F.params = &st;
	if (gsl_root_fsolver_set(s, &F, row->low, row->high) == GSL_SUCCESS) {
		for (k = 0; k < max_evaluations; k++) {
			int before = st.n, status = gsl_root_fsolver_iterate(s);
			double lo = gsl_root_fsolver_x_lower(s), hi = gsl_root_fsolver_x_upper(s), ylo, yhi;
			if (st.rc || st.undefined || status != GSL_SUCCESS)
				break;
			if (st.n > before && st.y[st.n - 1] == 0) {
				row->switching = st.x[st.n - 1];
				break;
			}
			/* Brent picks where to run; the estimate is the line through the bracket's ends,
			 * as iapt_oneway_finish draws it through low and high */
			ylo = known(&st, lo);
			yhi = known(&st, hi);
			if (isfinite(ylo) && isfinite(yhi) && ylo != yhi)
				row->switching = lo + (hi - lo) * (0 - ylo) / (yhi - ylo);
			if ((st.n > before && fabs(st.y[st.n - 1]) <= tiny) || gsl_root_test_interval(lo, hi, 0, 1e-9) == GSL_SUCCESS)
				break;
		}
	}
	gsl_root_fsolver_free(s);
	free(st.x);
	free(st.y);
	return st.rc;
}

/* ---- the analysis ---- */

typedef struct outcome_ctx {
	iapt_scenario *sc;
	size_t param; /* (size_t)-1: the scenario as it is */
	const iapt_sensitivity_options *opt;
} outcome_ctx;

/* Mean outcome over replicates with the parameter at x for every year. */
static int outcome_at(void *data, double x, double *y)
{
	outcome_ctx *c = data;
	iapt_scenario *sc = c->sc;
	iapt_params *saved = sc->params;
	iapt_results *res = NULL;
	int rc = IAPT_OK, k, n;
	if (c->param != (size_t)-1) {
		if ((rc = iapt_params_copy(&sc->params, saved)))
			return rc;
		rc = iapt_params_set_constant(sc->params, c->param, x, "sensitivity");
	}
	if (!rc) /* iapt_sim_run checks the parameter combinations first */
		rc = (c->opt->run ? c->opt->run : iapt_sim_run)(&res, sc, c->opt->run_options);
	if (!rc) { /* the mean; for a ratio, the ratio of the means */
		int m = c->opt->measure, mn = m, md = -1, ratio = iapt_econ_measure_ratio(m, &mn, &md);
		double sum = 0, den = 0;
		n = iapt_results_replicates(res);
		for (k = 0; k < n; k++) {
			sum += iapt_results_econ(res, k, c->opt->perspective, mn);
			if (ratio)
				den += iapt_results_econ(res, k, c->opt->perspective, md);
		}
		*y = ratio ? (den != 0 ? sum / den : NAN) : sum / n;
	}
	iapt_results_free(res);
	if (sc->params != saved) {
		iapt_params_free(sc->params);
		sc->params = saved;
	}
	return rc;
}

static int run_at(outcome_ctx *c, const char *name, const char *what, double x, double *y)
{
	if (c->opt->before_run) {
		char label[256];
		snprintf(label, sizeof label, "%s%s%s", name, name[0] ? " " : "", what);
		c->opt->before_run(c->opt->data, label);
	}
	return outcome_at(c, x, y);
}

/* iapt_oneway_refine's function: the label first. */
static int refine_at(void *data, double x, double *y)
{
	outcome_ctx *c = data;
	iapt_param_info in;
	iapt_params_info(c->sc->params, c->param, &in);
	return run_at(c, in.name, "switching value", x, y);
}

int iapt_sensitivity_oneway(iapt_scenario *sc, iapt_oneway *rows, size_t n, const iapt_sensitivity_options *opt)
{
	outcome_ctx c;
	size_t k, n_uncertain = sc->n_uncertain;
	double y0;
	int rc;
	if (opt->perspective < 0 || opt->perspective >= IAPT_PERSP__COUNT || opt->measure < 0 ||
	    opt->measure >= iapt_econ_measure_count(&sc->econ))
		return iapt_error__set(IAPT_EINVAL, "sensitivity: no such perspective %d or measure %d", opt->perspective, opt->measure);
	for (k = 0; k < n; k++) {
		iapt_param_info in;
		size_t idx;
		if ((rc = iapt_params_find(sc->params, rows[k].name, &idx)))
			return rc;
		iapt_params_info(sc->params, idx, &in);
		if (!(rows[k].low < rows[k].high) || rows[k].low < in.min || rows[k].high > in.max)
			return iapt_error__set(IAPT_EINVAL, "%s: the range [%g, %g] needs low < high inside the parameter's bounds [%g, %g]",
					       in.name, rows[k].low, rows[k].high, in.min, in.max);
	}
	c.sc = sc;
	c.opt = opt;
	c.param = (size_t)-1;
	sc->n_uncertain = 0; /* every other parameter at its value */
	if ((rc = run_at(&c, "", "base", 0, &y0)))
		goto done;
	for (k = 0; k < n; k++) {
		iapt_param_info in;
		iapt_params_find(sc->params, rows[k].name, &c.param);
		iapt_params_info(sc->params, c.param, &in);
		rows[k].base = in.value;
		rows[k].y_base = y0;
		if ((rc = run_at(&c, in.name, "low", rows[k].low, &rows[k].y_low)) ||
		    (rc = run_at(&c, in.name, "high", rows[k].high, &rows[k].y_high)))
			goto done;
		iapt_oneway_finish(&rows[k]);
		if (!in.integer && (rc = iapt_oneway_refine(&rows[k], refine_at, &c, opt->refine)))
			goto done;
	}
done:
	sc->n_uncertain = n_uncertain;
	return rc;
}
