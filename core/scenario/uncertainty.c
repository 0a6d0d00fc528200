/* Parameter draws for probabilistic sensitivity analysis (scenario.h, uncertainty block).
 *
 * Each replicate draws one value per uncertain parameter. Independent standard normals e_k
 * come from streams keyed by (seed, replicate, parameter index, PARAMS); correlated ones are
 * z = L e with L the Cholesky factor of the correlation matrix (a Gaussian copula; with no
 * correlations z = e). Then u = Phi(z) and the value is the distribution's quantile at
 * F(lo) + u (F(hi) - F(lo)): the distribution truncated to the parameter's bounds, exactly. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_roots.h>

#include "params/params_internal.h"
#include "rng/stream.h"
#include "iaptsim/scenario.h"
#include "scenario/uncertainty.h"
#include "util/util.h"

static double cdf(const iapt_uncertain *u, double x)
{
	switch (u->dist) {
	case IAPT_DIST_NORMAL: return gsl_cdf_gaussian_P(x - u->a, u->b);
	case IAPT_DIST_BETA: return x <= 0 ? 0 : (x >= 1 ? 1 : gsl_cdf_beta_P(x, u->a, u->b));
	case IAPT_DIST_GAMMA: return x <= 0 ? 0 : gsl_cdf_gamma_P(x, u->a, u->b);
	case IAPT_DIST_LOGNORMAL: return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, u->a, u->b);
	case IAPT_DIST_UNIFORM: return x <= u->a ? 0 : (x >= u->b ? 1 : (x - u->a) / (u->b - u->a));
	case IAPT_DIST_DISCRETE: {
		double c = 0;
		int k;
		for (k = 0; k < u->n_levels && k <= x; k++)
			c += u->w[k];
		return c;
	}
	default: return x < u->a ? 0 : 1;
	}
}

/* The upper tail 1 - F(x), without the cancellation of computing it as 1 - cdf. */
static double cdf_upper(const iapt_uncertain *u, double x)
{
	switch (u->dist) {
	case IAPT_DIST_BETA: return x <= 0 ? 1 : (x >= 1 ? 0 : gsl_cdf_beta_Q(x, u->a, u->b));
	case IAPT_DIST_GAMMA: return x <= 0 ? 1 : gsl_cdf_gamma_Q(x, u->a, u->b);
	case IAPT_DIST_LOGNORMAL: return x <= 0 ? 1 : gsl_cdf_lognormal_Q(x, u->a, u->b);
	default: return 1 - cdf(u, x);
	}
}

static double closed_form(const iapt_uncertain *u, double p)
{
	switch (u->dist) {
	case IAPT_DIST_NORMAL: return u->a + gsl_cdf_gaussian_Pinv(p, u->b);
	case IAPT_DIST_BETA: return gsl_cdf_beta_Pinv(p, u->a, u->b);
	case IAPT_DIST_GAMMA: return gsl_cdf_gamma_Pinv(p, u->a, u->b);
	case IAPT_DIST_LOGNORMAL: return gsl_cdf_lognormal_Pinv(p, u->a, u->b);
	case IAPT_DIST_UNIFORM: return u->a + p * (u->b - u->a);
	default: return u->a;
	}
}

/* The root finder works on t with x = e^t (gamma, lognormal) or x = 1 / (1 + e^-t) (beta),
 * so quantiles near 0 far below any absolute tolerance (a gamma of shape 0.1 has its 1e-6
 * quantile near 1e-55) are found to full relative precision. */
static double from_t(const iapt_uncertain *u, double t)
{
	return u->dist == IAPT_DIST_BETA ? 1 / (1 + exp(-t)) : exp(t);
}

typedef struct root_arg {
	const iapt_uncertain *u;
	double p;
} root_arg;

/* Increasing in t, zero at the quantile: the lower tail for p <= 1/2, the upper one above. */
static double tail_gap(double t, void *data)
{
	const root_arg *r = data;
	double x = from_t(r->u, t);
	return r->p <= 0.5 ? cdf(r->u, x) - r->p : (1 - r->p) - cdf_upper(r->u, x);
}

static double solve(const iapt_uncertain *u, double p)
{
	root_arg arg;
	gsl_function f;
	gsl_root_fsolver *s;
	double lo = -1, hi = 1, t = NAN;
	int k, status = GSL_CONTINUE;
	arg.u = u;
	arg.p = p;
	f.function = tail_gap;
	f.params = &arg;
	/* bracket by doubling outwards; e^-745 is the smallest double, so 12 steps reach it */
	for (k = 0; k < 12 && tail_gap(lo, &arg) > 0; k++)
		lo *= 2;
	for (k = 0; k < 12 && tail_gap(hi, &arg) < 0; k++)
		hi *= 2;
	if (!(tail_gap(lo, &arg) <= 0 && tail_gap(hi, &arg) >= 0))
		return NAN;
	if (tail_gap(lo, &arg) == 0)
		return from_t(u, lo);
	if (tail_gap(hi, &arg) == 0)
		return from_t(u, hi);
	if (!(s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent)))
		return NAN;
	if (gsl_root_fsolver_set(s, &f, lo, hi) == GSL_SUCCESS)
		for (k = 0; k < 200 && status == GSL_CONTINUE; k++) {
			if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
				break;
			t = gsl_root_fsolver_root(s);
			status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), 1e-300, 4 * DBL_EPSILON);
		}
	gsl_root_fsolver_free(s);
	if (status != GSL_SUCCESS)
		return NAN;
	t = from_t(u, t);
	/* below the normal doubles the quantile has underflowed: it is the bound 0 */
	return t < DBL_MIN ? 0 : t;
}

/* The quantile at p. GSL's closed forms (gsl_cdf_*_Pinv) return NaN or stop short for a
 * gamma or beta of small shape (a gamma with mean 99 and sd 300 has shape 0.11); there the
 * CDF is inverted with a bracketing root finder instead. Either way the value is a fixed
 * function of p, so common random numbers still hold: the same uniform gives the same
 * quantile. */
static double quantile(const iapt_uncertain *u, double p)
{
	double x = closed_form(u, p), err;
	if (u->dist != IAPT_DIST_BETA && u->dist != IAPT_DIST_GAMMA && u->dist != IAPT_DIST_LOGNORMAL)
		return x;
	if (isfinite(x)) {
		err = p <= 0.5 ? fabs(cdf(u, x) - p) / p : fabs(cdf_upper(u, x) - (1 - p)) / (1 - p);
		if (err <= 1e-9)
			return x;
	}
	return solve(u, p);
}

/* The discrete value at uniform v: the first whose cumulative chance exceeds v (values of
 * no chance are never drawn). */
static double discrete_quantile(const iapt_uncertain *u, double v)
{
	double c = 0;
	int k, last = 0;
	for (k = 0; k < u->n_levels; k++) {
		if (u->w[k] <= 0)
			continue;
		last = k;
		c += u->w[k];
		if (v < c)
			return k;
	}
	return last;
}

/* The value at uniform v in [0, 1] of the distribution truncated to [lo, hi]. */
static double truncated_quantile(const iapt_uncertain *u, double lo, double hi, double v)
{
	if (u->dist == IAPT_DIST_DISCRETE) /* its values lie inside the bounds (parser) */
		return discrete_quantile(u, v);
	double flo = cdf(u, lo), fhi = cdf(u, hi), p = flo + v * (fhi - flo);
	/* keep off the exact ends, where quantiles are infinite */
	if (p < 1e-15)
		p = 1e-15;
	if (p > 1 - 1e-15)
		p = 1 - 1e-15;
	return quantile(u, p);
}

int iapt_uncertain__check(const iapt_uncertain *u, double lo, double hi, char *msg, size_t n)
{
	/* uniforms from the ends to the middle: what the run may draw, checked before it runs */
	static const double grid[] = {0, 1e-12, 1e-6, 1e-3, 0.025, 0.25, 0.5, 0.75, 0.975, 1 - 1e-3, 1 - 1e-6, 1 - 1e-12, 1};
	double mass;
	size_t k;
	iapt_error__gsl_init();
	if (u->dist == IAPT_DIST_FIXED || u->dist == IAPT_DIST_DISCRETE) {
		if (u->dist == IAPT_DIST_FIXED && (u->a < lo || u->a > hi)) {
			snprintf(msg, n, "value %g is out of range [%g, %g]", u->a, lo, hi);
			return IAPT_ERANGE;
		}
		if (u->dist == IAPT_DIST_DISCRETE && (u->a < lo || u->b > hi)) {
			snprintf(msg, n, "values %g to %g are out of range [%g, %g]", u->a, u->b, lo, hi);
			return IAPT_ERANGE;
		}
		return IAPT_OK;
	}
	mass = cdf(u, hi) - cdf(u, lo);
	if (!(mass > 1e-9)) {
		snprintf(msg, n, "the distribution puts no weight inside the parameter's bounds [%g, %g]", lo, hi);
		return IAPT_ERANGE;
	}
	for (k = 0; k < sizeof grid / sizeof grid[0]; k++)
		if (!isfinite(truncated_quantile(u, lo, hi, grid[k]))) {
			snprintf(msg, n, "the distribution's quantiles cannot be computed (at %g of its weight inside [%g, %g])", grid[k], lo, hi);
			return IAPT_ERANGE;
		}
	return IAPT_OK;
}

int iapt_uncertain__ends(const iapt_scenario *sc, size_t k, double *lo, double *hi)
{
	const iapt_uncertain *u = &sc->uncertain[k];
	iapt_param_info info;
	iapt_params_info(sc->params, u->param, &info);
	if (u->dist == IAPT_DIST_FIXED) {
		*lo = *hi = u->a;
		return IAPT_OK;
	}
	*lo = truncated_quantile(u, info.min, info.max, 0);
	*hi = truncated_quantile(u, info.min, info.max, 1);
	if (!isfinite(*lo) || !isfinite(*hi))
		return iapt_error__set(IAPT_ERANGE, "%s: uncertainty.%s: the distribution's quantiles cannot be computed", u->origin, info.name);
	*lo = iapt_params_nearest(sc->params, u->param, *lo);
	*hi = iapt_params_nearest(sc->params, u->param, *hi);
	return IAPT_OK;
}

/* Cholesky factor of sc->correlation (lower triangle of a copy), or NULL. */
static int factor(const iapt_scenario *sc, gsl_matrix **out)
{
	size_t n = sc->n_uncertain;
	gsl_matrix *m;
	*out = NULL;
	if (!sc->correlation || n == 0)
		return IAPT_OK;
	iapt_error__gsl_init(); /* a matrix that is not positive definite must not abort */
	if (!(m = gsl_matrix_alloc(n, n)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	memcpy(m->data, sc->correlation, n * n * sizeof(double));
	if (gsl_linalg_cholesky_decomp1(m) != GSL_SUCCESS) {
		gsl_matrix_free(m);
		return iapt_error__set(IAPT_EINVAL, "uncertainty.correlations: the correlation matrix is not positive definite");
	}
	*out = m;
	return IAPT_OK;
}

int iapt_uncertain__check_correlation(const iapt_scenario *sc)
{
	gsl_matrix *m;
	int rc = factor(sc, &m);
	gsl_matrix_free(m);
	return rc;
}

int iapt_scenario_draw(const iapt_scenario *sc, int rep, double *out)
{
	size_t n = sc->n_uncertain, k, j;
	gsl_matrix *L;
	gsl_rng *r;
	double *e;
	int rc;
	if (!n)
		return IAPT_OK;
	iapt_error__gsl_init(); /* an inverse CDF that fails must report, not abort */
	if ((rc = factor(sc, &L)))
		return rc;
	if ((rc = iapt_rng_new(&r, 0))) {
		gsl_matrix_free(L);
		return rc;
	}
	if (!(e = malloc(n * sizeof *e))) {
		gsl_rng_free(r);
		gsl_matrix_free(L);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	for (k = 0; k < n; k++) {
		/* keyed by the parameter's name, not its place in the table: a parameter added to
		 * the table changes no other's draws */
		iapt_param_info info;
		iapt_params_info(sc->params, sc->uncertain[k].param, &info);
		iapt_rng_rekey(r, iapt_rng_key(sc->seed, (uint64_t)rep, iapt_rng__name_key(info.name), IAPT_RNG_PARAMS));
		e[k] = gsl_ran_gaussian_ziggurat(r, 1.0);
	}
	for (k = 0; k < n; k++) {
		const iapt_uncertain *u = &sc->uncertain[k];
		iapt_param_info info;
		double z = e[k], p, x;
		if (L) {
			z = 0;
			for (j = 0; j <= k; j++)
				z += gsl_matrix_get(L, k, j) * e[j];
		}
		iapt_params_info(sc->params, u->param, &info);
		if (u->dist == IAPT_DIST_FIXED) {
			out[k] = u->a;
			continue;
		}
		p = gsl_cdf_ugaussian_P(z);
		x = truncated_quantile(u, info.min, info.max, p);
		if (!isfinite(x)) {
			rc = iapt_error__set(IAPT_ERANGE, "%s: uncertainty.%s: replicate %d draws no finite value (the uniform %.17g)", u->origin,
					     info.name, rep + 1, p);
			break;
		}
		out[k] = iapt_params_nearest(sc->params, u->param, x);
	}
	free(e);
	gsl_rng_free(r);
	gsl_matrix_free(L);
	return rc;
}

int iapt_uncertain__check_fixed(const iapt_scenario *sc)
{
	size_t k;
	for (k = 0; k < sc->n_uncertain; k++) {
		const iapt_uncertain *u = &sc->uncertain[k];
		iapt_param_info info;
		if (!u->fixed_at[0] || iapt_params_info(sc->params, u->param, &info))
			continue; /* an entry a program made: nothing was read to compare with */
		if (info.n_schedule) {
			const char *at = iapt_params__schedule_origin(sc->params, u->param, 0);
			return iapt_error__set(IAPT_EINVAL,
					       "%s: the year-by-year values from %s would be ignored: uncertainty.%s (%s) draws one value for every year; %s",
					       info.name, at ? at : "a program", info.name, u->origin, IAPT_SCENARIO__FIXED_HINT);
		}
		/* fixed_at may hold a long path's origin cut short */
		if (strncmp(info.origin, u->fixed_at, sizeof u->fixed_at - 1) || info.value != u->fixed_value)
			return iapt_error__set(IAPT_EINVAL, "%s: the value from %s would be ignored: uncertainty.%s (%s) draws it in every replicate; %s",
					       info.name, info.origin, info.name, u->origin, IAPT_SCENARIO__FIXED_HINT);
	}
	return IAPT_OK;
}
