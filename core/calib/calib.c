/* Calibration: targets from CSV, the distance of a run from them, and a Nelder-Mead fit
 * (include/iaptsim/calib.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_multimin.h>

#include "iaptsim/calib.h"
#include "iaptsim/error.h"
#include "util/util.h"

#define MAX_FIELDS 64

static int parse_year(const char *s, int *year)
{
	char *end;
	long y;
	errno = 0;
	y = strtol(s, &end, 10);
	if (errno || end == s || y < IAPT_SCENARIO_MIN_YEAR || y > IAPT_SCENARIO_MAX_YEAR)
		return -1;
	if (*end == '-') { /* 2019-20 */
		long z = strtol(end + 1, &end, 10);
		if (z != (y + 1) % 100)
			return -1;
	}
	if (*end)
		return -1;
	*year = (int)y;
	return 0;
}



static int parse_number(const char *s, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	return (errno || end == s || *end || !isfinite(*v)) ? -1 : 0;
}

/* CSV input is UTF-8 text: a bad byte or a NUL is named at its line and column (in
 * characters, from 1). */
static int check_text(const char *path, const char *text, size_t len)
{
	size_t off, line, col;
	int bad = iapt_text__check(text, len, &off, &line, &col);
	if (bad == 2)
		return iapt_error__set(IAPT_EPARSE, "%s:%zu:%zu: not a text file (a NUL byte)", path, line + 1, col + 1);
	if (bad)
		return iapt_error__set(IAPT_EPARSE, "%s:%zu:%zu: invalid UTF-8 (byte 0x%02X): a CSV file is UTF-8 text", path, line + 1,
				       col + 1, (unsigned char)text[off]);
	return IAPT_OK;
}

static int push(iapt_target **t, size_t *n, size_t *cap, const iapt_target *x)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		iapt_target *p = realloc(*t, c * sizeof *p);
		if (!p)
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		*t = p;
		*cap = c;
	}
	(*t)[(*n)++] = *x;
	return IAPT_OK;
}

int iapt_targets_load(const char *path, iapt_target **out, size_t *nout)
{
	char *text;
	size_t len;
	int rc;
	*out = NULL;
	*nout = 0;
	if ((rc = iapt_file__read_gz_max(path, IAPT_FILE_MAX_DATA, &text, &len)))
		return rc;
	if ((rc = check_text(path, text, len))) {
		free(text);
		return rc;
	}
	return iapt_targets_parse(text, path, out, nout); /* takes text */
}

int iapt_targets_parse(char *text, const char *path, iapt_target **out, size_t *nout)
{
	char *pos, *head[MAX_FIELDS], *f[MAX_FIELDS];
	size_t n = 0, cap = 0;
	iapt_target *t = NULL;
	int nh, nf, line = 1, rc, k, col_year = -1, col_group = -1, col_metric = -1, col_value = -1, col_weight = -1;
	int metric_of[MAX_FIELDS];
	*out = NULL;
	*nout = 0;
	if ((rc = check_text(path, text, strlen(text)))) {
		free(text);
		return rc;
	}
	pos = text + iapt_text__bom(text, strlen(text)); /* Excel writes one */
	if ((nh = iapt_csv__record(&pos, head, MAX_FIELDS)) <= 0) {
		free(text);
		return iapt_error__set(IAPT_EPARSE, "%s:1: expected a header line", path);
	}
	for (k = 0; k < nh; k++) {
		metric_of[k] = -1;
		if (!strcmp(head[k], "year"))
			col_year = k;
		else if (!strcmp(head[k], "group"))
			col_group = k;
		else if (!strcmp(head[k], "metric"))
			col_metric = k;
		else if (!strcmp(head[k], "value"))
			col_value = k;
		else if (!strcmp(head[k], "weight"))
			col_weight = k;
	}
	if (col_year < 0) {
		free(text);
		return iapt_error__set(IAPT_EPARSE, "%s:1: no 'year' column", path);
	}
	if (col_metric < 0 && col_value >= 0) {
		for (k = 0; k < nh; k++)
			if (!strcmp(head[k], "variable_type")) {
				free(text);
				return iapt_error__set(IAPT_EPARSE, "%s:1: the published long format (data/nhstt/): iapt_targets_read of "
								   "iaptsim/validation.h reads it", path);
			}
	}
	if (col_metric < 0) { /* wide: every other column a metric */
		for (k = 0; k < nh; k++) {
			if (k == col_year || !strcmp(head[k], "source") || !strcmp(head[k], "notes"))
				continue;
			if ((metric_of[k] = iapt_metric_find(head[k])) < 0) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:1: column %d: '%s' is not a metric (iaptsim metrics lists them)", path, k + 1, head[k]);
				free(text);
				return rc;
			}
		}
	} else if (col_value < 0) {
		free(text);
		return iapt_error__set(IAPT_EPARSE, "%s:1: a 'metric' column needs a 'value' column", path);
	}
	while ((nf = iapt_csv__record(&pos, f, MAX_FIELDS)) != 0) {
		iapt_target x;
		line++;
		if (nf < 0) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: a quoted field is not closed", path, line);
			goto fail;
		}
		if (nf == 1 && !f[0][0])
			continue; /* a blank line */
		if (nf != nh) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: %d fields, the header has %d", path, line, nf, nh);
			goto fail;
		}
		memset(&x, 0, sizeof x);
		x.weight = 1;
		if (parse_year(f[col_year], &x.year)) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d:%d: '%s' is not a financial year (2019 or 2019-20)", path, line, col_year + 1, f[col_year]);
			goto fail;
		}
		if (col_metric >= 0) {
			x.group = IAPT_G_ALL;
			if ((x.metric = iapt_metric_find(f[col_metric])) < 0) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d:%d: '%s' is not a metric (iaptsim metrics lists them)", path, line, col_metric + 1, f[col_metric]);
				goto fail;
			}
			if (col_group >= 0 && (x.group = iapt_group_find(f[col_group])) < 0) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d:%d: '%s' is not a group (iaptsim metrics lists them)", path, line, col_group + 1, f[col_group]);
				goto fail;
			}
			if (!iapt_metric_in_group(x.metric, x.group)) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d: %s is not reported for group %s", path, line, f[col_metric], f[col_group]);
				goto fail;
			}
			if (!f[col_value][0])
				continue;
			if (parse_number(f[col_value], &x.value)) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d:%d: '%s' is not a number", path, line, col_value + 1, f[col_value]);
				goto fail;
			}
			if (col_weight >= 0 && f[col_weight][0] && (parse_number(f[col_weight], &x.weight) || x.weight < 0)) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d:%d: weight '%s' is not a number >= 0", path, line, col_weight + 1, f[col_weight]);
				goto fail;
			}
			if ((rc = push(&t, &n, &cap, &x)))
				goto fail;
		} else {
			for (k = 0; k < nh; k++) {
				if (metric_of[k] < 0 || !f[k][0])
					continue;
				x.group = IAPT_G_ALL;
				x.metric = metric_of[k];
				if (parse_number(f[k], &x.value)) {
					rc = iapt_error__set(IAPT_EPARSE, "%s:%d:%d: '%s' is not a number", path, line, k + 1, f[k]);
					goto fail;
				}
				if ((rc = push(&t, &n, &cap, &x)))
					goto fail;
			}
		}
	}
	free(text);
	if (!n) {
		free(t);
		return iapt_error__set(IAPT_EPARSE, "%s: no targets", path);
	}
	*out = t;
	*nout = n;
	return IAPT_OK;
fail:
	free(text);
	free(t);
	return rc;
}

int iapt_step_mix_load(const char *path, iapt_step_mix **out, size_t *nout)
{
	static const char *const cols[4] = {"year", "finished_li_only", "finished_li_and_hi", "finished_hi_only"};
	char *text, *pos, *head[MAX_FIELDS], *f[MAX_FIELDS];
	size_t len, n = 0, cap = 0;
	iapt_step_mix *m = NULL;
	int nh, nf, line = 1, rc, k, c, at[4];
	*out = NULL;
	*nout = 0;
	if ((rc = iapt_file__read_gz_max(path, IAPT_FILE_MAX_DATA, &text, &len)))
		return rc;
	if ((rc = check_text(path, text, len)))
		goto fail;
	pos = text + iapt_text__bom(text, len); /* Excel writes one */
	nh = iapt_csv__record(&pos, head, MAX_FIELDS);
	for (c = 0; c < 4; c++) {
		for (at[c] = -1, k = 0; k < nh; k++)
			if (!strcmp(head[k], cols[c]))
				at[c] = k;
		if (at[c] < 0) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:1: no '%s' column", path, cols[c]);
			goto fail;
		}
	}
	while ((nf = iapt_csv__record(&pos, f, MAX_FIELDS)) != 0) {
		iapt_step_mix x;
		double *v[3];
		line++;
		if (nf == 1 && !f[0][0])
			continue;
		if (nf != nh) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: %d fields, the header has %d", path, line, nf, nh);
			goto fail;
		}
		v[0] = &x.li_only;
		v[1] = &x.li_then_hi;
		v[2] = &x.hi_only;
		if (parse_year(f[at[0]], &x.year)) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d:%d: '%s' is not a financial year", path, line, at[0] + 1, f[at[0]]);
			goto fail;
		}
		for (c = 1; c < 4; c++)
			if (parse_number(f[at[c]], v[c - 1])) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d:%d: '%s' is not a number", path, line, at[c] + 1, f[at[c]]);
				goto fail;
			}
		if (n == cap) {
			iapt_step_mix *p;
			cap = cap ? cap * 2 : 16;
			if (!(p = realloc(m, cap * sizeof *p))) {
				rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
				goto fail;
			}
			m = p;
		}
		m[n++] = x;
	}
	free(text);
	*out = m;
	*nout = n;
	return IAPT_OK;
fail:
	free(text);
	free(m);
	return rc;
}

size_t iapt_targets_between(iapt_target *t, size_t n, int first, int last)
{
	size_t i, k = 0;
	for (i = 0; i < n; i++)
		if (t[i].year >= first && t[i].year <= last)
			t[k++] = t[i];
	return k;
}

double iapt_calib_model_value(const iapt_results *r, const iapt_target *t)
{
	int k, n = iapt_results_replicates(r);
	double sum = 0;
	for (k = 0; k < n; k++)
		sum += iapt_results_value(r, t->year, t->group, t->metric, k);
	return sum / n;
}

double iapt_calib_distance(const iapt_results *r, const iapt_target *t, size_t n)
{
	size_t i;
	double d = 0;
	for (i = 0; i < n; i++) {
		double m = iapt_calib_model_value(r, &t[i]), e;
		if (!isfinite(m))
			return NAN;
		e = t[i].value != 0 ? (m - t[i].value) / t[i].value : m;
		d += t[i].weight * e * e;
	}
	return d;
}

/* ---- the fit ---- */

typedef struct fit {
	iapt_scenario *sc;
	const size_t *params;
	size_t np;
	const double *x0;
	const iapt_target *t;
	size_t nt;
	const iapt_calib_options *opt;
	int evaluations;
	int rc;          /* the first failure of a run */
	char err[1024];
} fit;

/* Parameter k at simplex coordinate y: x0 (1 + y), or y itself when x0 is 0; the distance
 * to the bounds, when outside them, is returned in *outside. */
static double value_at(const fit *f, size_t k, double y, double *outside)
{
	double x = f->x0[k] != 0 ? f->x0[k] * (1 + y) : y, c = iapt_params_nearest(f->sc->params, f->params[k], x);
	*outside += f->x0[k] != 0 ? fabs(x - c) / fabs(f->x0[k]) : fabs(x - c);
	return c;
}

static double objective(const gsl_vector *y, void *data)
{
	fit *f = data;
	iapt_results *res = NULL;
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	double outside = 0, d;
	size_t k;
	int rc;
	if (f->rc)
		return GSL_POSINF;
	/* every run counts towards max_evaluations, refused ones too: a region the engine
	 * refuses everywhere must not keep the minimiser going for ever */
	f->evaluations++;
	for (k = 0; k < f->np; k++)
		iapt_params_set_constant(f->sc->params, f->params[k], value_at(f, k, gsl_vector_get(y, k), &outside), "calibration");
	ro.threads = f->opt ? f->opt->threads : 1;
	ro.hooks = f->opt ? f->opt->hooks : NULL;
	if ((rc = (f->opt && f->opt->run ? f->opt->run : iapt_sim_run)(&res, f->sc, &ro))) {
		/* a parameter combination the engine refuses: far from the target, not an error */
		if (rc == IAPT_EINVAL || rc == IAPT_ERANGE)
			return 1e30;
		f->rc = rc;
		snprintf(f->err, sizeof f->err, "%s", iapt_error_last()->message);
		return GSL_POSINF;
	}
	d = iapt_calib_distance(res, f->t, f->nt);
	iapt_results_free(res);
	if (!isfinite(d))
		d = 1e30;
	/* outside the bounds: the value at the bound, plus a penalty that leads back inside */
	d += 1e3 * outside * outside;
	if (f->opt && f->opt->progress)
		f->opt->progress(f->opt->progress_data, f->evaluations, d);
	return d;
}

int iapt_calibrate(iapt_scenario *sc, const size_t *params, size_t np, const iapt_target *t, size_t nt,
		   const iapt_calib_options *opt, double *fitted, iapt_calib_result *res)
{
	const gsl_multimin_fminimizer_type *type = gsl_multimin_fminimizer_nmsimplex2;
	gsl_multimin_fminimizer *m = NULL;
	gsl_multimin_function fn;
	gsl_vector *y = NULL, *step = NULL;
	double *x0 = NULL, outside = 0;
	iapt_params *orig = sc->params;
	int max_eval = opt && opt->max_evaluations > 0 ? opt->max_evaluations : 200, status = GSL_CONTINUE, rc = IAPT_OK;
	double tol = opt && opt->tolerance > 0 ? opt->tolerance : 1e-3;
	size_t k, i;
	fit f;
	memset(res, 0, sizeof *res);
	iapt_error__gsl_init();
	if (!np || !nt)
		return iapt_error__set(IAPT_EINVAL, "calibration needs at least one parameter and one target");
	for (i = 0; i < nt; i++)
		if (t[i].year < sc->first_year || t[i].year > sc->last_year)
			return iapt_error__set(IAPT_EINVAL, "a target for %d-%02d is outside the scenario's years", t[i].year, (t[i].year + 1) % 100);
	/* a parameter the uncertainty block draws: every value tried would be replaced by the
	 * draws (iapt_engine_check refuses the runs), so there is nothing to fit */
	for (k = 0; k < np; k++) {
		const iapt_uncertain *u = iapt_scenario_uncertain(sc, params[k]);
		if (u) {
			iapt_param_info info;
			iapt_params_info(sc->params, params[k], &info);
			return iapt_error__set(IAPT_EINVAL,
					       "calibration: %s has a distribution (uncertainty.%s, %s), whose draws would replace "
					       "every value tried: leave it out of the uncertainty block to fit it",
					       info.name, info.name, u->origin);
		}
	}
	if (!(x0 = malloc(np * sizeof *x0)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	/* the runs change a copy; the scenario gets the fitted values only on success */
	if ((rc = iapt_params_copy(&sc->params, orig))) {
		sc->params = orig;
		free(x0);
		return rc;
	}
	for (k = 0; k < np; k++)
		x0[k] = iapt_params_get(sc->params, params[k], sc->first_year);
	memset(&f, 0, sizeof f);
	f.sc = sc;
	f.params = params;
	f.np = np;
	f.x0 = x0;
	f.t = t;
	f.nt = nt;
	f.opt = opt;
	fn.n = np;
	fn.f = objective;
	fn.params = &f;
	y = gsl_vector_calloc(np);
	step = gsl_vector_alloc(np);
	m = gsl_multimin_fminimizer_alloc(type, np);
	if (!y || !step || !m) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto done;
	}
	/* first steps: 10% of each value (or 0.1 where the value is 0) */
	gsl_vector_set_all(step, 0.1);
	res->distance_start = objective(y, &f);
	if (f.rc)
		goto failed;
	if ((status = gsl_multimin_fminimizer_set(m, &fn, y, step)) != GSL_SUCCESS) {
		rc = f.rc ? iapt_error__set(f.rc, "%s", f.err)
			  : iapt_error__set(IAPT_EGSL, "calibration: the minimiser could not start: %s", gsl_strerror(status));
		goto done;
	}
	status = GSL_CONTINUE;
	while (status == GSL_CONTINUE && f.evaluations < max_eval) {
		int it = gsl_multimin_fminimizer_iterate(m);
		if (f.rc)
			goto failed; /* checked first: a failed run also stops the iteration */
		if (it)
			break; /* the simplex cannot improve */
		status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), tol);
	}
	res->converged = status == GSL_SUCCESS;
	res->distance_end = gsl_multimin_fminimizer_minimum(m);
	res->evaluations = f.evaluations;
	for (k = 0; k < np; k++) {
		fitted[k] = value_at(&f, k, gsl_vector_get(gsl_multimin_fminimizer_x(m), k), &outside);
		iapt_params_set_constant(orig, params[k], fitted[k], "calibration");
	}
	goto done;
failed:
	rc = iapt_error__set(f.rc, "%s", f.err);
done:
	iapt_params_free(sc->params);
	sc->params = orig;
	gsl_multimin_fminimizer_free(m);
	gsl_vector_free(y);
	gsl_vector_free(step);
	free(x0);
	return rc;
}
