/* Parameter draws for probabilistic sensitivity analysis (scenario.h, uncertainty block).
 *
 * Each replicate draws one value per uncertain parameter. Independent standard normals e_k
 * come from streams keyed by (seed, replicate, parameter index, PARAMS); correlated ones are
 * z = L e with L the Cholesky factor of the correlation matrix (a Gaussian copula; with no
 * correlations z = e). Then u = Phi(z) and the value is the distribution's quantile at
 * F(lo) + u (F(hi) - F(lo)): the distribution truncated to the parameter's bounds, exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

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
	default: return x < u->a ? 0 : 1;
	}
}

static double quantile(const iapt_uncertain *u, double p)
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

int iapt_uncertain__check(const iapt_uncertain *u, double lo, double hi, char *msg, size_t n)
{
	double mass;
	iapt_error__gsl_init();
	if (u->dist == IAPT_DIST_FIXED) {
		if (u->a < lo || u->a > hi) {
			snprintf(msg, n, "value %g is out of range [%g, %g]", u->a, lo, hi);
			return IAPT_ERANGE;
		}
		return IAPT_OK;
	}
	mass = cdf(u, hi) - cdf(u, lo);
	if (!(mass > 1e-9)) {
		snprintf(msg, n, "the distribution puts no weight inside the parameter's bounds [%g, %g]", lo, hi);
		return IAPT_ERANGE;
	}
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
		iapt_rng_rekey(r, iapt_rng_key(sc->seed, (uint64_t)rep, sc->uncertain[k].param, IAPT_RNG_PARAMS));
		e[k] = gsl_ran_gaussian_ziggurat(r, 1.0);
	}
	for (k = 0; k < n; k++) {
		const iapt_uncertain *u = &sc->uncertain[k];
		iapt_param_info info;
		double z = e[k], p, flo, fhi;
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
		flo = cdf(u, info.min);
		fhi = cdf(u, info.max);
		p = flo + p * (fhi - flo);
		/* keep off the exact ends, where quantiles are infinite */
		if (p < 1e-15)
			p = 1e-15;
		if (p > 1 - 1e-15)
			p = 1 - 1e-15;
		out[k] = iapt_params_nearest(sc->params, u->param, quantile(u, p));
	}
	free(e);
	gsl_rng_free(r);
	gsl_matrix_free(L);
	return IAPT_OK;
}
