#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params/params_internal.h"
#include "util/util.h"

typedef struct param_def {
	const char *name, *unit, *description, *source;
	double def, min, max;
	int integer, sourced;
} param_def;

static const param_def defs[IAPT_P__COUNT] = {
#define X(id, name, def, lo, hi, unit, integer, sourced, desc, src) \
	{name, unit, desc, src, def, lo, hi, integer, sourced},
#include "params/param_list.h"
#undef X
};

static const char *const names[IAPT_P__COUNT] = {
#define X(id, name, def, lo, hi, unit, integer, sourced, desc, src) name,
#include "params/param_list.h"
#undef X
};

typedef struct sched_entry {
	int year;
	double value;
	char *origin;
} sched_entry;

typedef struct param_val {
	double value;
	char *origin; /* NULL: default */
	sched_entry *sched;
	size_t n_sched;
} param_val;

struct iapt_params {
	param_val v[IAPT_P__COUNT];
};

int iapt_params_new(iapt_params **out)
{
	iapt_params *p = calloc(1, sizeof *p);
	size_t i;
	*out = NULL;
	if (!p)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (i = 0; i < IAPT_P__COUNT; i++)
		p->v[i].value = defs[i].def;
	*out = p;
	return IAPT_OK;
}

void iapt_params_free(iapt_params *p)
{
	size_t i, k;
	if (!p)
		return;
	for (i = 0; i < IAPT_P__COUNT; i++) {
		free(p->v[i].origin);
		for (k = 0; k < p->v[i].n_sched; k++)
			free(p->v[i].sched[k].origin);
		free(p->v[i].sched);
	}
	free(p);
}

int iapt_params_copy(iapt_params **out, const iapt_params *src)
{
	iapt_params *p;
	size_t i, k;
	int rc = iapt_params_new(&p);
	*out = NULL;
	if (rc)
		return rc;
	for (i = 0; i < IAPT_P__COUNT; i++) {
		const param_val *s = &src->v[i];
		param_val *d = &p->v[i];
		d->value = s->value;
		if (s->origin && !(d->origin = iapt_str__dup(s->origin)))
			goto oom;
		if (s->n_sched) {
			d->sched = calloc(s->n_sched, sizeof *d->sched);
			if (!d->sched)
				goto oom;
			d->n_sched = s->n_sched;
			for (k = 0; k < s->n_sched; k++) {
				d->sched[k] = s->sched[k];
				d->sched[k].origin = NULL;
				if (s->sched[k].origin && !(d->sched[k].origin = iapt_str__dup(s->sched[k].origin)))
					goto oom;
			}
		}
	}
	*out = p;
	return IAPT_OK;
oom:
	iapt_params_free(p);
	return iapt_error__set(IAPT_ENOMEM, "out of memory");
}

size_t iapt_params_count(const iapt_params *p)
{
	(void)p;
	return IAPT_P__COUNT;
}

int iapt_params_info(const iapt_params *p, size_t i, iapt_param_info *out)
{
	if (i >= IAPT_P__COUNT)
		return iapt_error__set(IAPT_ERANGE, "parameter index %zu out of range", i);
	out->name = defs[i].name;
	out->unit = defs[i].unit;
	out->description = defs[i].description;
	out->source = defs[i].source;
	out->sourced = defs[i].sourced;
	out->integer = defs[i].integer;
	out->min = defs[i].min;
	out->max = defs[i].max;
	out->default_value = defs[i].def;
	out->value = p->v[i].value;
	out->origin = p->v[i].origin ? p->v[i].origin : "default";
	out->n_schedule = p->v[i].n_sched;
	return IAPT_OK;
}

int iapt_params_schedule(const iapt_params *p, size_t i, size_t k, int *year, double *value)
{
	if (i >= IAPT_P__COUNT || k >= p->v[i].n_sched)
		return iapt_error__set(IAPT_ERANGE, "schedule entry out of range");
	*year = p->v[i].sched[k].year;
	*value = p->v[i].sched[k].value;
	return IAPT_OK;
}

const char *iapt_params__schedule_origin(const iapt_params *p, size_t i, size_t k)
{
	return i < IAPT_P__COUNT && k < p->v[i].n_sched ? p->v[i].sched[k].origin : NULL;
}

int iapt_params_find(const iapt_params *p, const char *name, size_t *index)
{
	size_t i;
	const char *near;
	(void)p;
	for (i = 0; i < IAPT_P__COUNT; i++) {
		if (strcmp(names[i], name) == 0) {
			*index = i;
			return IAPT_OK;
		}
	}
	near = iapt_str__suggest(name, names, IAPT_P__COUNT);
	if (near)
		return iapt_error__set(IAPT_ENOTFOUND, "unknown parameter '%s' (did you mean '%s'?)", name, near);
	return iapt_error__set(IAPT_ENOTFOUND, "unknown parameter '%s' (see 'iaptsim params')", name);
}

double iapt_params_nearest(const iapt_params *p, size_t i, double value)
{
	const param_def *d = &defs[i];
	(void)p;
	if (value < d->min)
		value = d->min;
	if (value > d->max)
		value = d->max;
	return d->integer ? floor(value + 0.5) : value;
}

int iapt_params__whole_run(size_t i)
{
	/* read at sc->first_year only: replicate.c, warmup.c, services.c, runner.c */
	switch (i) {
	case IAPT_P_RUN_BURN_IN_YEARS:
	case IAPT_P_RUN_PSA_DRAWS_PER_WARM_UP:
	case IAPT_P_WF_SERVICES:
	case IAPT_P_WF_CAP_SD:
	case IAPT_P_DIST_ELASTICITY:
	case IAPT_P_DIST_INCOME_Q1:
	case IAPT_P_DIST_INCOME_Q2:
	case IAPT_P_DIST_INCOME_Q3:
	case IAPT_P_DIST_INCOME_Q4:
	case IAPT_P_DIST_INCOME_Q5:
		return 1;
	default:
		return 0;
	}
}

int iapt_params__shapes_run(size_t i)
{
	return iapt_params__whole_run(i) || i == IAPT_P_FU_YEARS;
}

static int check_value(size_t i, double value)
{
	const param_def *d = &defs[i];
	if (!isfinite(value))
		return iapt_error__set(IAPT_ERANGE, "%s: value must be a finite number", d->name);
	if (value < d->min || value > d->max)
		return iapt_error__set(IAPT_ERANGE, "%s: %.10g is out of range [%.10g, %.10g] (%s)", d->name,
				       value, d->min, d->max, d->unit);
	if (d->integer && value != floor(value))
		return iapt_error__set(IAPT_ERANGE, "%s: %.10g must be a whole number", d->name, value);
	return IAPT_OK;
}

int iapt_params_set(iapt_params *p, size_t i, int year, double value, const char *origin)
{
	param_val *v;
	char *o = NULL;
	int rc;
	size_t k;
	if (i >= IAPT_P__COUNT)
		return iapt_error__set(IAPT_ERANGE, "parameter index %zu out of range", i);
	if ((rc = check_value(i, value)))
		return rc;
	if (year < 0 || year > 9999)
		return iapt_error__set(IAPT_ERANGE, "%s: year %d is out of range [1, 9999]", defs[i].name, year);
	if (year && iapt_params__whole_run(i))
		return iapt_error__set(IAPT_EINVAL, "%s is one value for the whole run (read at the first year): give it without a year",
				       defs[i].name);
	if (origin && !(o = iapt_str__dup(origin)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	v = &p->v[i];
	if (year == 0) {
		free(v->origin);
		v->origin = o;
		v->value = value;
		return IAPT_OK;
	}
	for (k = 0; k < v->n_sched; k++) {
		if (v->sched[k].year == year) {
			free(v->sched[k].origin);
			v->sched[k].origin = o;
			v->sched[k].value = value;
			return IAPT_OK;
		}
	}
	{
		sched_entry *s = realloc(v->sched, (v->n_sched + 1) * sizeof *s);
		if (!s) {
			free(o);
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		}
		v->sched = s;
		/* keep sorted by year */
		for (k = v->n_sched; k > 0 && s[k - 1].year > year; k--)
			s[k] = s[k - 1];
		s[k].year = year;
		s[k].value = value;
		s[k].origin = o;
		v->n_sched++;
	}
	return IAPT_OK;
}

int iapt_params_set_constant(iapt_params *p, size_t i, double value, const char *origin)
{
	param_val *v;
	size_t k;
	int rc;
	if ((rc = iapt_params_set(p, i, 0, value, origin)))
		return rc;
	v = &p->v[i];
	for (k = 0; k < v->n_sched; k++)
		free(v->sched[k].origin);
	free(v->sched);
	v->sched = NULL;
	v->n_sched = 0;
	return IAPT_OK;
}

int iapt_params_assign(iapt_params *p, const char *assignment, const char *origin)
{
	const char *eq = strchr(assignment, '=');
	char name[128], *end;
	size_t n, idx;
	double value;
	int rc, year = 0;
	if (!eq || eq == assignment)
		return iapt_error__set(IAPT_EINVAL, "'%s': expected name=value", assignment);
	n = (size_t)(eq - assignment);
	if (n >= sizeof name)
		return iapt_error__set(IAPT_EINVAL, "'%s': name too long", assignment);
	memcpy(name, assignment, n);
	name[n] = '\0';
	/* name@YEAR sets the value from that financial year on */
	{
		char *at = strchr(name, '@');
		if (at) {
			long y;
			*at = '\0';
			errno = 0;
			y = strtol(at + 1, &end, 10);
			if (errno || *end || end == at + 1 || y < 1900 || y > 2200)
				return iapt_error__set(IAPT_EINVAL, "'%s': year after '@' must be 1900-2200", assignment);
			year = (int)y;
		}
	}
	if ((rc = iapt_params_find(p, name, &idx)))
		return rc;
	errno = 0;
	value = strtod(eq + 1, &end);
	/* as a scenario file's numbers: decimal, finite, nothing around them (strtod alone
	 * takes leading blanks, hexadecimal, inf and nan) */
	if (errno || end == eq + 1 || *end || isspace((unsigned char)eq[1]) || strpbrk(eq + 1, "xX") || !isfinite(value))
		return iapt_error__set(IAPT_EINVAL, "%s: '%s' is not a number", name, eq + 1);
	return iapt_params_set(p, idx, year, value, origin);
}

double iapt_params_get(const iapt_params *p, size_t i, int year)
{
	const param_val *v = &p->v[i];
	double value = v->value;
	size_t k;
	for (k = 0; k < v->n_sched && v->sched[k].year <= year; k++)
		value = v->sched[k].value;
	return value;
}

int iapt_params_get_by_name(const iapt_params *p, const char *name, int year, double *out)
{
	size_t i;
	int rc = iapt_params_find(p, name, &i);
	if (rc)
		return rc;
	*out = iapt_params_get(p, i, year);
	return IAPT_OK;
}
