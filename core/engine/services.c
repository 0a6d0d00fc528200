/* Services with identities (docs/model.md, Services): the services table, each service's
 * referrals, capacity, case mix and features by year, and what services.csv counts. */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "engine/casemix.h"
#include "engine/services.h"
#include "engine/state.h"
#include "rng/stream.h"

extern const unsigned char iapt__services[];
extern const size_t iapt__services_len;
extern const unsigned char iapt__services_residuals[];
extern const size_t iapt__services_residuals_len;

/* ---- the table ---- */

/* The columns read (others are ignored), their bounds, and whether a cell may be empty. */
enum { COL_YEAR, COL_CODE, COL_NAME, COL_ICB, COL_REGION_CODE, COL_REGION, COL_REFERRALS, COL_FINISHED,
       COL_RECOVERY, COL_STEP_UP, COL_PD, COL_LTC, COL_U18, COL_O65, COL_DEP, COL_ANX, COL_IMD1,
       N_COLS = COL_IMD1 + 10, COL_RESP = N_COLS, COL_ZDNA, COL_ZSESS, COL_CAPACITY, COL_ENTERING, N_COLS_ALL };
static const struct col_def {
	const char *name;
	double lo, hi;
	int may_be_empty, optional;
} cols[N_COLS_ALL] = {
	{"year", 0, 0, 0, 0}, {"ccg_code", 0, 0, 0, 0}, {"ccg_name", 0, 0, 0, 0}, {"icb_code", 0, 0, 0, 0},
	{"region_code", 0, 0, 0, 0}, {"region", 0, 0, 0, 0},
	{"referrals_received", 0, 1e7, 0, 0}, {"finished_course", 0, 1e7, 0, 0}, {"recovery_pct", 0, 100, 1, 0},
	{"step_up_share", 0, 1, 1, 0}, {"pd_recorded_finished_share", 0, 1, 1, 0}, {"ltc_share", 0, 1, 1, 0},
	{"age_under18_share", 0, 1, 1, 0}, {"age65_share", 0, 1, 1, 0}, {"depression_share", 0, 1, 1, 0},
	{"anxiety_share", 0, 1, 1, 0},
	{"imd1_share", 0, 1, 1, 0}, {"imd2_share", 0, 1, 1, 0}, {"imd3_share", 0, 1, 1, 0}, {"imd4_share", 0, 1, 1, 0},
	{"imd5_share", 0, 1, 1, 0}, {"imd6_share", 0, 1, 1, 0}, {"imd7_share", 0, 1, 1, 0}, {"imd8_share", 0, 1, 1, 0},
	{"imd9_share", 0, 1, 1, 0}, {"imd10_share", 0, 1, 1, 0},
	/* a fitted response multiplier per service (the built-in table takes it from
	 * data/services_residuals.csv) */
	{"response_multiplier", 0.2, 5, 1, 1},
	/* the service's standard normals of missed appointments and sessions offered, drawn
	 * with the residual and consistent with it (tools/services_calibrate.py) */
	{"dna_z", -8, 8, 1, 1}, {"sessions_z", -8, 8, 1, 1},
	/* per row (service and year), optional: the service's capacity per referral, and its
	 * chance of offering treatment (not signposting), each relative to England's
	 * (tools/services_access_calibrate.py fits them to the published waits and throughput) */
	{"capacity_factor", 0.01, 100, 1, 1}, {"entering_factor", 0.01, 100, 1, 1},
};
#define MAX_FIELDS 128

/* Cell s of column d on a line of path read into *v: IAPT_OK, or IAPT_EPARSE saying whether
 * it is not a number or a number out of the column's bounds. */
static int read_cell(const char *path, int line, const struct col_def *d, const char *s, double *v)
{
	if (iapt_str__number(s, v))
		return iapt_error__set(IAPT_EPARSE, "%s:%d: %s '%s' is not a number (it must be in [%.15g, %.15g])", path, line,
				       d->name, s, d->lo, d->hi);
	if (!(*v >= d->lo && *v <= d->hi))
		return iapt_error__set(IAPT_EPARSE, "%s:%d: %s %s is out of range [%.15g, %.15g]", path, line, d->name, s, d->lo,
				       d->hi);
	return IAPT_OK;
}
/* The ICB's name: text, so not in cols; optional (a table without it names no ICB), and an
 * empty cell names none. */
static const char icb_name_col[] = "icb_name";

static void id_free(iapt_svc_id *d)
{
	free(d->code);
	free(d->name);
	free(d->icb);
	free(d->region_code);
	free(d->region);
	free(d->icb_name);
}

/* The icb_name of a row: NULL when the table has no such column or the cell is empty. */
static const char *row_icb_name(char *const *f, int idx_icb_name)
{
	return idx_icb_name >= 0 && f[idx_icb_name][0] ? f[idx_icb_name] : NULL;
}

/* Two optional names the same (both absent, or equal). */
static int same_name(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* A service's identity from its row's fields: whole, or nothing and IAPT_ENOMEM. */
static int id_dup(iapt_svc_id *d, char *const *f, const int *idx, int idx_icb_name)
{
	const char *icb_name = row_icb_name(f, idx_icb_name);
	d->code = iapt_str__dup(f[idx[COL_CODE]]);
	d->name = iapt_str__dup(f[idx[COL_NAME]]);
	d->icb = iapt_str__dup(f[idx[COL_ICB]]);
	d->region_code = iapt_str__dup(f[idx[COL_REGION_CODE]]);
	d->region = iapt_str__dup(f[idx[COL_REGION]]);
	d->icb_name = icb_name ? iapt_str__dup(icb_name) : NULL;
	if (d->code && d->name && d->icb && d->region_code && d->region && (d->icb_name || !icb_name))
		return IAPT_OK;
	id_free(d);
	return IAPT_ENOMEM;
}

void iapt_services__free(iapt_services *t)
{
	int k;
	if (!t)
		return;
	for (k = 0; k < t->n; k++)
		id_free(&t->id[k]);
	free(t->id);
	free(t->row);
	free(t->resid);
	free(t->z_given[0]);
	free(t->z_given[1]);
	free(t->regions.last);
	free(t->regions.of);
	free(t->icbs.last);
	free(t->icbs.of);
	free(t->path);
	free(t);
}

static int find_code(const iapt_services *t, const char *code)
{
	int k;
	for (k = 0; k < t->n; k++)
		if (!strcmp(t->id[k].code, code))
			return k;
	return -1;
}

/* " (did you mean 'A', 'B' or 'C'?)": up to three codes of the table nearest to code
 * (iapt_str__suggest_n), else where the codes are listed; into buf, which it returns. */
static const char *near_codes(const iapt_services *t, const char *code, char *buf, size_t size)
{
	const char *codes[IAPT_SVC_MAX], *near[3];
	size_t n, j, at;
	int k;
	for (k = 0; k < t->n; k++)
		codes[k] = t->id[k].code;
	n = iapt_str__suggest_n(code, codes, (size_t)t->n, near, 3);
	if (!n) {
		snprintf(buf, size, " (its ccg_code column lists them)");
		return buf;
	}
	at = (size_t)snprintf(buf, size, " (did you mean ");
	for (j = 0; j < n && at < size; j++)
		at += (size_t)snprintf(buf + at, size - at, "%s'%s'", j == 0 ? "" : j + 1 < n ? ", " : " or ", near[j]);
	if (at < size)
		snprintf(buf + at, size - at, "?)");
	return buf;
}

/* the area code of a service: the identity field at byte offset off (region_code, icb) */
static const char *area_code(const iapt_svc_id *d, size_t off)
{
	return *(char *const *)(const void *)((const char *)d + off);
}

/* The distinct codes of the identity field at offset off, sorted (inserted in order: at most
 * a few hundred services), each area's last service, and each service's area. */
static int index_areas(const iapt_services *t, size_t off, iapt_svc_areas *a)
{
	int k, j, c = 0;
	a->last = calloc((size_t)t->n, sizeof *a->last);
	a->of = calloc((size_t)t->n, sizeof *a->of);
	if (!a->last || !a->of)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (k = 0; k < t->n; k++) {
		const char *code = area_code(&t->id[k], off);
		for (j = 0; j < a->n && (c = strcmp(area_code(a->last[j], off), code)) < 0; j++)
			;
		if (j == a->n || c) {
			memmove(a->last + j + 1, a->last + j, (size_t)(a->n - j) * sizeof *a->last);
			a->n++;
		}
		a->last[j] = &t->id[k];
	}
	for (k = 0; k < t->n; k++)
		for (j = 0; j < a->n; j++)
			if (!strcmp(area_code(a->last[j], off), area_code(&t->id[k], off)))
				a->of[k] = j;
	return IAPT_OK;
}

int iapt_services__parse(char *text, const char *path, iapt_services **out)
{
	char *pos = text, *f[MAX_FIELDS];
	int nf, line = 1, k, c, idx[N_COLS_ALL], idx_icb_name = -1, y, n_header, rc = IAPT_OK;
	int y_min = 1 << 30, y_max = -1;
	iapt_services *t = NULL;
	size_t cap = 0, n_rows = 0;
	/* first pass: rows kept as (year, service index, values) in a grown array */
	struct raw {
		int year, svc, line;
		double v[N_COLS_ALL];
	} *rows = NULL;
	unsigned char *seen = NULL;

	*out = NULL;
	if (!strncmp(pos, "\xEF\xBB\xBF", 3))
		pos += 3;
	n_header = iapt_csv__record(&pos, f, MAX_FIELDS);
	if (n_header <= 0)
		return iapt_error__set(IAPT_EPARSE, "%s:1: no header", path);
	for (c = 0; c < N_COLS_ALL; c++) {
		idx[c] = -1;
		for (k = 0; k < n_header; k++)
			if (!strcmp(f[k], cols[c].name)) {
				if (idx[c] >= 0) /* which of the two would be meant cannot be known */
					return iapt_error__set(IAPT_EPARSE, "%s:1: column '%s' is given twice (columns %d and %d)", path,
							       cols[c].name, idx[c] + 1, k + 1);
				idx[c] = k;
			}
		if (idx[c] < 0 && !cols[c].optional)
			return iapt_error__set(IAPT_EPARSE, "%s:1: no column '%s' (data/services.md lists the columns)", path, cols[c].name);
	}
	for (k = 0; k < n_header; k++)
		if (!strcmp(f[k], icb_name_col))
			idx_icb_name = k;
	if (!(t = calloc(1, sizeof *t)) || !(t->path = iapt_str__dup(path)))
		goto nomem;
	t->first_year = -1;
	while ((nf = iapt_csv__record(&pos, f, MAX_FIELDS)) != 0) {
		struct raw *r;
		line++;
		if (nf < 0) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: a quoted field is not closed", path, line);
			goto fail;
		}
		if (nf == 1 && !f[0][0])
			continue;
		if (nf != n_header) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: %d fields, the header has %d", path, line, nf, n_header);
			goto fail;
		}
		if ((y = iapt_casemix__fin_year(f[idx[COL_YEAR]])) < 0) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: year '%s' is not a financial year (as 2019-20)", path, line, f[idx[COL_YEAR]]);
			goto fail;
		}
		for (c = COL_CODE; c <= COL_REGION; c++)
			if (!f[idx[c]][0]) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d: %s is empty", path, line, cols[c].name);
				goto fail;
			}
		if (n_rows == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			struct raw *g = realloc(rows, nc * sizeof *g);
			if (!g)
				goto nomem;
			rows = g;
			cap = nc;
		}
		r = &rows[n_rows];
		r->year = y;
		r->line = line;
		for (c = COL_REFERRALS; c < N_COLS_ALL; c++) {
			const char *s = idx[c] >= 0 ? f[idx[c]] : "";
			if (!s[0]) {
				if (!cols[c].may_be_empty) {
					rc = iapt_error__set(IAPT_EPARSE, "%s:%d: %s is empty", path, line, cols[c].name);
					goto fail;
				}
				r->v[c] = NAN;
				continue;
			}
			if ((rc = read_cell(path, line, &cols[c], s, &r->v[c])))
				goto fail;
		}
		/* the service: new, or the same name and region as before */
		if ((k = find_code(t, f[idx[COL_CODE]])) < 0) {
			if (t->n >= IAPT_SVC_MAX) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d: more than %d services", path, line, IAPT_SVC_MAX);
				goto fail;
			}
			if (t->n % 64 == 0) {
				iapt_svc_id *g = realloc(t->id, ((size_t)t->n + 64) * sizeof *g);
				if (!g)
					goto nomem;
				t->id = g;
			}
			/* counted only once whole: free() sees no half-made identity */
			if (id_dup(&t->id[t->n], f, idx, idx_icb_name))
				goto nomem;
			k = t->n++;
		} else if (strcmp(t->id[k].name, f[idx[COL_NAME]]) || strcmp(t->id[k].region_code, f[idx[COL_REGION_CODE]]) ||
			   strcmp(t->id[k].icb, f[idx[COL_ICB]]) || !same_name(t->id[k].icb_name, row_icb_name(f, idx_icb_name))) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: service %s has another name, ICB or region than in its first row", path,
					     line, t->id[k].code);
			goto fail;
		}
		r->svc = k;
		if (y < y_min)
			y_min = y;
		if (y > y_max)
			y_max = y;
		n_rows++;
	}
	if (!n_rows) {
		rc = iapt_error__set(IAPT_EPARSE, "%s: no rows", path);
		goto fail;
	}
	if (y_max - y_min + 1 > IAPT_SVC_MAX_YEARS) {
		rc = iapt_error__set(IAPT_EPARSE, "%s: years %d to %d: more than %d years", path, y_min, y_max, IAPT_SVC_MAX_YEARS);
		goto fail;
	}
	t->first_year = y_min;
	t->n_years = y_max - y_min + 1;
	t->row = calloc((size_t)t->n_years * (size_t)t->n, sizeof *t->row);
	t->resid = malloc((size_t)t->n * sizeof *t->resid);
	t->z_given[0] = malloc((size_t)t->n * sizeof *t->z_given[0]);
	t->z_given[1] = malloc((size_t)t->n * sizeof *t->z_given[1]);
	seen = calloc((size_t)t->n_years * (size_t)t->n, 1);
	if (!t->row || !t->resid || !t->z_given[0] || !t->z_given[1] || !seen)
		goto nomem;
	for (k = 0; k < t->n; k++)
		t->resid[k] = t->z_given[0][k] = t->z_given[1][k] = NAN;
	for (size_t i = 0; i < n_rows; i++) {
		struct raw *r = &rows[i];
		size_t at = (size_t)(r->year - y_min) * (size_t)t->n + (size_t)r->svc;
		iapt_svc_row *o = &t->row[at];
		double imd_sum = 0;
		int d, imd_given = 0;
		char lab[8];
		if (seen[at]) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: service %s in %s is given twice", path, r->line, t->id[r->svc].code,
					     iapt_year_label(r->year, lab));
			goto fail;
		}
		seen[at] = 1;
		o->referrals = r->v[COL_REFERRALS];
		o->finished = r->v[COL_FINISHED];
		o->recovery_pct = r->v[COL_RECOVERY];
		o->step_up = r->v[COL_STEP_UP];
		o->pd = r->v[COL_PD];
		o->ltc = r->v[COL_LTC];
		o->under18 = r->v[COL_U18];
		o->age65 = r->v[COL_O65];
		o->depression = r->v[COL_DEP];
		o->anxiety = r->v[COL_ANX];
		o->capacity = r->v[COL_CAPACITY];
		o->entering = r->v[COL_ENTERING];
		for (d = 0; d < 10; d++) {
			o->imd[d] = r->v[COL_IMD1 + d];
			if (!isnan(o->imd[d])) {
				imd_sum += o->imd[d];
				imd_given++;
			}
		}
		/* shares are published to 4 decimals, capped at 1 (data/services.md) */
		if (imd_given && (imd_given < 10 || fabs(imd_sum - 1) > 0.01)) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: imd1_share .. imd10_share add up to %.4g over %d deciles, not 1 over 10",
					     path, r->line, imd_sum, imd_given);
			goto fail;
		}
		if (o->under18 + o->age65 > 1.0001 || o->depression + o->anxiety > 1.0001) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: %s add up to more than 1", path, r->line,
					     o->under18 + o->age65 > 1.0001 ? "age_under18_share and age65_share"
									    : "depression_share and anxiety_share");
			goto fail;
		}
		if (!isnan(r->v[COL_RESP])) {
			if (!isnan(t->resid[r->svc]) && t->resid[r->svc] != r->v[COL_RESP]) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d: service %s has another response_multiplier than in an earlier row",
						     path, r->line, t->id[r->svc].code);
				goto fail;
			}
			t->resid[r->svc] = r->v[COL_RESP];
		}
		for (c = COL_ZDNA; c <= COL_ZSESS; c++) {
			double *z = &t->z_given[c - COL_ZDNA][r->svc];
			if (isnan(r->v[c]))
				continue;
			if (!isnan(*z) && *z != r->v[c]) {
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d: service %s has another %s than in an earlier row", path,
						     r->line, t->id[r->svc].code, cols[c].name);
				goto fail;
			}
			*z = r->v[c];
		}
	}
	for (y = 0; y < t->n_years; y++)
		for (k = 0; k < t->n; k++)
			if (!seen[(size_t)y * (size_t)t->n + (size_t)k]) {
				char lab[8];
				rc = iapt_error__set(IAPT_EPARSE, "%s: service %s has no row for %s (every service needs every year %d to %d)",
						     path, t->id[k].code, iapt_year_label(t->first_year + y, lab), y_min, y_max);
				goto fail;
			}
	for (k = 0; k < t->n; k++)
		if (isnan(t->resid[k]))
			t->resid[k] = 1;
	if ((rc = index_areas(t, offsetof(iapt_svc_id, region_code), &t->regions)) ||
	    (rc = index_areas(t, offsetof(iapt_svc_id, icb), &t->icbs)))
		goto fail;
	/* an ICB's name is its last service's (index_areas): every service of it must agree */
	for (k = 0; k < t->n; k++) {
		const iapt_svc_id *a = &t->id[k], *b = t->icbs.last[t->icbs.of[k]];
		if (!same_name(a->icb_name, b->icb_name)) {
			rc = iapt_error__set(IAPT_EPARSE,
					     "%s: ICB %s has icb_name '%s' at service %s but '%s' at service %s (give every service of "
					     "an ICB the same name, or leave them all empty)",
					     path, a->icb, a->icb_name ? a->icb_name : "", a->code, b->icb_name ? b->icb_name : "", b->code);
			goto fail;
		}
	}
	free(rows);
	free(seen);
	*out = t;
	return IAPT_OK;
nomem:
	rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
fail:
	free(rows);
	free(seen);
	iapt_services__free(t);
	return rc;
}

/* data/services_residuals.csv: ccg_code,response_multiplier[,dna_z,sessions_z],...
 * (tools/services_calibrate.py) */
static int apply_residuals(iapt_services *t, char *text, const char *path)
{
	char *pos = text, *f[16];
	int nf, line = 1, ci = -1, cm = -1, cz[2] = {-1, -1}, k, j, rc;
	nf = iapt_csv__record(&pos, f, 16);
	for (k = 0; k < nf; k++) {
		if (!strcmp(f[k], "ccg_code"))
			ci = k;
		if (!strcmp(f[k], "response_multiplier"))
			cm = k;
		for (j = 0; j < 2; j++)
			if (!strcmp(f[k], cols[COL_ZDNA + j].name))
				cz[j] = k;
	}
	if (ci < 0 || cm < 0)
		return iapt_error__set(IAPT_EPARSE, "%s:1: needs columns ccg_code and response_multiplier", path);
	while ((nf = iapt_csv__record(&pos, f, 16)) != 0) {
		double v;
		line++;
		if (nf == 1 && !f[0][0])
			continue;
		if (nf <= ci || nf <= cm)
			return iapt_error__set(IAPT_EPARSE, "%s:%d: too few fields", path, line);
		if ((k = find_code(t, f[ci])) < 0)
			return iapt_error__set(IAPT_EPARSE, "%s:%d: service %s is not in the services table", path, line, f[ci]);
		if ((rc = read_cell(path, line, &cols[COL_RESP], f[cm], &v)))
			return rc;
		t->resid[k] = v;
		for (j = 0; j < 2; j++) {
			const struct col_def *d = &cols[COL_ZDNA + j];
			if (cz[j] < 0)
				continue;
			if ((rc = read_cell(path, line, d, nf <= cz[j] ? "" : f[cz[j]], &v)))
				return rc;
			t->z_given[j][k] = v;
		}
	}
	return IAPT_OK;
}

static iapt_services *builtin;
static int builtin_rc;
static char builtin_msg[512];

/* the built-in table's provenance: SHA-256 of data/services.csv's bytes then
 * data/services_residuals.csv's (both as embedded) */
static void builtin_sha256(char out[65])
{
	iapt_buf b = {0};
	iapt_buf__put(&b, (const char *)iapt__services, iapt__services_len);
	iapt_buf__put(&b, (const char *)iapt__services_residuals, iapt__services_residuals_len);
	if (iapt_buf__ok(&b))
		iapt_sha256__hex(b.ptr, b.len, out);
	else
		out[0] = 0;
	iapt_buf__free(&b);
}

static void load_builtin(void)
{
	char *text = malloc(iapt__services_len + 1), *res = malloc(iapt__services_residuals_len + 1);
	if (!text || !res) {
		builtin_rc = IAPT_ENOMEM;
		snprintf(builtin_msg, sizeof builtin_msg, "out of memory");
		free(text);
		free(res);
		return;
	}
	memcpy(text, iapt__services, iapt__services_len + 1);
	memcpy(res, iapt__services_residuals, iapt__services_residuals_len + 1);
	builtin_rc = iapt_services__parse(text, "data/services.csv", &builtin);
	if (!builtin_rc)
		builtin_sha256(builtin->sha256);
	if (!builtin_rc && (builtin_rc = apply_residuals(builtin, res, "data/services_residuals.csv"))) {
		iapt_services__free(builtin);
		builtin = NULL;
	}
	if (builtin_rc)
		snprintf(builtin_msg, sizeof builtin_msg, "%s", iapt_error_last()->message);
	free(text);
	free(res);
}

int iapt_services__builtin(const iapt_services **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_builtin);
	*out = builtin;
	return builtin_rc ? iapt_error__set(builtin_rc, "%s", builtin_msg) : IAPT_OK;
}

/* Tables read from files, kept for the life of the process (a run's replicates and its
 * output share one). */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached {
	iapt_services *t;
	struct cached *next;
} *cache;

int iapt_services__for(const iapt_scenario *sc, const iapt_services **out)
{
	struct cached *c;
	char *text = NULL, sha[65];
	size_t len;
	iapt_services *t = NULL;
	int rc;
	*out = NULL;
	if (!sc->services)
		return iapt_services__builtin(out);
	if (!strcmp(sc->services, IAPT_SERVICES_SYNTHETIC))
		return IAPT_OK;
	pthread_mutex_lock(&cache_lock);
	for (c = cache; c; c = c->next)
		if (!strcmp(c->t->path, sc->services)) {
			*out = c->t;
			pthread_mutex_unlock(&cache_lock);
			return IAPT_OK;
		}
	if (!(rc = iapt_file__read(sc->services, &text, &len)))
		iapt_sha256__hex(text, len, sha); /* before the parse splits the text in place */
	if (!rc && !(rc = iapt_services__parse(text, sc->services, &t))) {
		memcpy(t->sha256, sha, sizeof sha);
		if (!(c = malloc(sizeof *c))) {
			iapt_services__free(t);
			rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		} else {
			c->t = t;
			c->next = cache;
			cache = c;
			*out = t;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	free(text);
	return rc;
}

int iapt_services_source_of(const iapt_scenario *sc, iapt_services_source *out)
{
	const iapt_services *t;
	int rc;
	out->kind = IAPT_SERVICES_KIND_SYNTHETIC;
	out->path = out->sha256 = NULL;
	if ((rc = iapt_services__for(sc, &t)))
		return rc;
	if (!t)
		return IAPT_OK;
	out->kind = sc->services ? IAPT_SERVICES_KIND_FILE : IAPT_SERVICES_KIND_BUILTIN;
	out->path = t->path;
	out->sha256 = t->sha256;
	return IAPT_OK;
}

const iapt_svc_row *iapt_services__row(const iapt_services *t, int y, int k)
{
	int yi = y - t->first_year;
	yi = yi < 0 ? 0 : (yi >= t->n_years ? t->n_years - 1 : yi);
	return &t->row[(size_t)yi * (size_t)t->n + (size_t)k];
}

/* ---- in a replicate ---- */

/* a standard normal fixed for (service code, feature): keyed by the code, the same in every
 * replicate and scenario (which service has which unpublished feature level is an assumption) */
static double fixed_normal(gsl_rng *r, const char *code, int feature)
{
	iapt_rng_rekey(r, iapt_rng_key(0, (uint64_t)feature, iapt_rng__name_key(code), IAPT_RNG_SERVICE));
	return gsl_cdf_ugaussian_Pinv(0.5 / 4096 + (4095.0 / 4096) * iapt_rng_uniform(r));
}

static const struct {
	double lo, hi;
} feature_bounds[IAPT_SVCF__COUNT] = {
#define IAPT_X_(id, name, up, lo, hi, doc) {lo, hi},
	IAPT_SVC_FEATURE_LIST(IAPT_X_)
#undef IAPT_X_
};

/* Where the scenario gave option o of its plugin p the value in force: the place of the
 * option's last `with:` entry (iapt_plugins_load applies them in order) when that entry's
 * value is the option's; NULL when no entry gives it, or a program changed the value after
 * loading. The plugins block and the loaded plugins correspond one to one (iapt_plugins_load). */
static const iapt_source_loc *option_given_at(const iapt_scenario *sc, size_t p, const iapt_plugin_option *o)
{
	const iapt_plugin_setting *st = NULL;
	size_t k;
	if (sc->n_plugin_specs != sc->n_plugins || p >= sc->n_plugin_specs)
		return NULL;
	for (k = 0; k < sc->plugin_specs[p].n_with; k++)
		if (sc->plugin_specs[p].with[k].name && !strcmp(sc->plugin_specs[p].with[k].name, o->name))
			st = &sc->plugin_specs[p].with[k];
	return st && st->value && st->value_at.file && !strcmp(st->value, o->str) ? &st->value_at : NULL;
}

int iapt_services__check_plugin_options(const iapt_scenario *sc)
{
	size_t p, i;
	for (p = 0; p < sc->n_plugins; p++) {
		const iapt_plugin *pl = sc->plugins[p];
		for (i = 0; i < pl->n_options; i++) {
			const iapt_plugin_option *o = &pl->options[i];
			const iapt_source_loc *at;
			const iapt_services *t;
			char what[512], near[128], msg[768];
			int rc;
			if (!o->service)
				continue;
			if ((rc = iapt_services__for(sc, &t)))
				return rc;
			if (t && find_code(t, o->str) >= 0)
				continue;
			/* where the value came from: the scenario, at its value's line and column (with
			 * the line and a caret, as the loader's messages); the plugin's default; or a
			 * program, after loading (no place to show) */
			at = option_given_at(sc, p, o);
			if (at)
				snprintf(what, sizeof what, "plugins.%s.with.%s", pl->name, o->name);
			else if ((!o->origin || !strcmp(o->origin, "default")) && (!o->def_str || !strcmp(o->str, o->def_str))) {
				snprintf(what, sizeof what, "plugins.%s.with.%s (the plugin's default)", pl->name, o->name);
				/* shown at the plugin's use: (the scenario gave no value) */
				if (sc->n_plugin_specs == sc->n_plugins && sc->plugin_specs[p].use_at.file)
					at = &sc->plugin_specs[p].use_at;
			}
			else
				snprintf(what, sizeof what, "plugins.%s.with.%s (set after the scenario was read)", pl->name, o->name);
			if (!t)
				snprintf(msg, sizeof msg, "'%s' names a service, but the services are synthetic (services: synthetic) and have no codes", o->str);
			else
				snprintf(msg, sizeof msg, "no service '%s' in %s%s", o->str, t->path, near_codes(t, o->str, near, sizeof near));
			if (at)
				return iapt_error__at(IAPT_EINVAL, at->file, at->line, at->col, at->text, "%s: %s", what, msg);
			return iapt_error__set(IAPT_EINVAL, "%s: %s", what, msg);
		}
	}
	return IAPT_OK;
}

int iapt_services__check_policy(const iapt_scenario *sc)
{
	const iapt_services_policy *pol = &sc->services_policy;
	int f;
	if (!pol->features)
		return IAPT_OK;
	if (pol->features >> IAPT_SVCF__COUNT)
		return iapt_error__set(IAPT_EINVAL, "services_policy: features 0x%x name no feature", pol->features);
	if (sc->services && !strcmp(sc->services, IAPT_SERVICES_SYNTHETIC))
		return iapt_error__set(IAPT_EINVAL, "services_policy: the services are synthetic (services: synthetic), with no features to move");
	if (pol->last_year < pol->first_year || pol->first_year < IAPT_SCENARIO_MIN_YEAR || pol->last_year > IAPT_SCENARIO_MAX_YEAR)
		return iapt_error__set(IAPT_ERANGE, "services_policy: years %d to %d are not a phase-in within [%d, %d]", pol->first_year, pol->last_year,
				       IAPT_SCENARIO_MIN_YEAR, IAPT_SCENARIO_MAX_YEAR);
	if (pol->first_year > sc->last_year) { /* it would change nothing, silently */
		char a[8], b[8];
		return iapt_error__set(IAPT_EINVAL,
				       "services_policy.years: the phase-in starts in %s, after the run's last year %s, so it would "
				       "change nothing (years: [first, last] within or before the run)",
				       iapt_year_label(pol->first_year, a), iapt_year_label(sc->last_year, b));
	}
	for (f = 0; f < IAPT_SVCF__COUNT; f++)
		if ((pol->features & (1u << f)) && !isnan(pol->level[f]) && !(pol->level[f] >= feature_bounds[f].lo && pol->level[f] <= feature_bounds[f].hi))
			return iapt_error__set(IAPT_ERANGE, "services_policy.floor.%s: %g is out of range [%g, %g]", iapt_svc_feature_name(f), pol->level[f],
					       feature_bounds[f].lo, feature_bounds[f].hi);
	return IAPT_OK;
}

int iapt_services__setup(sim *s)
{
	const iapt_scenario *sc = s->sc;
	iapt_svc_state *v;
	int rc, k, n;
	if ((rc = iapt_services__for(sc, &s->tab)))
		return rc;
	if (s->tab) {
		n = s->tab->n;
	} else {
		/* synthetic: services scale with the population so that each keeps a realistic size */
		n = (int)lround(iapt_params_get(sc->params, IAPT_P_WF_SERVICES, sc->first_year) * sc->population_scale);
		if (n < 1)
			n = 1;
		if (n > UINT16_MAX)
			return iapt_error__set(IAPT_ERANGE, "%d services is more than %d", n, UINT16_MAX);
	}
	s->n_services = n;
	if (!(s->svc = calloc((size_t)n, sizeof *s->svc)) || !(v = calloc(1, sizeof *v)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory (services)");
	s->svs = v;
	if (!(v->mix = calloc(s->tab ? (size_t)n : 1, sizeof *v->mix)) || !(v->cum = calloc((size_t)n, sizeof *v->cum)) ||
	    !(v->z_dna = calloc((size_t)n, sizeof *v->z_dna)) || !(v->z_sess = calloc((size_t)n, sizeof *v->z_sess)) ||
	    !(v->f_desc = calloc((size_t)n, sizeof *v->f_desc)) || !(v->f_step = calloc((size_t)n, sizeof *v->f_step)) ||
	    !(v->f_enter = calloc((size_t)n, sizeof *v->f_enter)) ||
	    !(v->w_ref = calloc((size_t)n, sizeof *v->w_ref)) || !(v->tmp = calloc((size_t)n, sizeof *v->tmp)) ||
	    !(v->guide = calloc(IAPT_SVC_GUIDE, sizeof *v->guide)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory (services)");
	if (s->tab && !(v->pairs = calloc(2 * (size_t)n, sizeof *v->pairs)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory (services)");
	if (!s->tab) {
		/* capacity relative to demand varies across services (lognormal, mean 1, normalised) */
		double sd = iapt_params_get(sc->params, IAPT_P_WF_CAP_SD, sc->first_year), fsum = 0;
		for (k = 0; k < n; k++) {
			iapt_rng_rekey(s->r, iapt_rng_key(sc->seed, (uint64_t)s->rep, (uint64_t)k, IAPT_RNG_SERVICE));
			s->svc[k].factor = exp(sd * gsl_ran_gaussian_ziggurat(s->r, 1.0) - 0.5 * sd * sd);
			fsum += s->svc[k].factor;
		}
		for (k = 0; k < n; k++)
			s->svc[k].factor *= n / fsum;
		return IAPT_OK;
	}
	for (k = 0; k < n; k++) {
		/* fitted with the residual where the table has them (docs/model.md, Services),
		 * else independent of everything, by the code's hash */
		double zd = s->tab->z_given[0][k], zs = s->tab->z_given[1][k];
		v->z_dna[k] = isnan(zd) ? fixed_normal(s->r, s->tab->id[k].code, 1) : zd;
		v->z_sess[k] = isnan(zs) ? fixed_normal(s->r, s->tab->id[k].code, 2) : zs;
	}
	return IAPT_OK;
}

void iapt_services__teardown(sim *s)
{
	if (!s->svs)
		return;
	free(s->svs->mix);
	free(s->svs->cum);
	free(s->svs->guide);
	free(s->svs->z_dna);
	free(s->svs->z_sess);
	free(s->svs->f_desc);
	free(s->svs->f_step);
	free(s->svs->f_enter);
	free(s->svs->w_ref);
	free(s->svs->tmp);
	free(s->svs->pairs);
	free(s->svs);
	s->svs = NULL;
}

static double clamp01(double x)
{
	return x < 0 ? 0 : (x > 1 ? 1 : x);
}

/* the value, or the latest earlier year's that has one (problem descriptors are published
 * to 2019-20 only; LTC status is mostly not stated from 2020-21: data/services.md) */
static double carried(const iapt_services *t, int y, int k, size_t off, int last_year)
{
	int yy = y > last_year ? last_year : y;
	if (yy < t->first_year)
		yy = t->first_year;
	for (; yy >= t->first_year; yy--) {
		double v = *(const double *)((const char *)iapt_services__row(t, yy, k) + off);
		if (!isnan(v))
			return v;
	}
	return NAN;
}

/* the referral-weighted mean of a column over services with a value */
static double mean_of(const iapt_services *t, int y, size_t off, int last_year)
{
	double num = 0, den = 0;
	int k;
	for (k = 0; k < t->n; k++) {
		double v = carried(t, y, k, off, last_year), w = iapt_services__row(t, y, k)->referrals;
		if (!isnan(v)) {
			num += w * v;
			den += w;
		}
	}
	return den > 0 ? num / den : NAN;
}

/* x / mean as a reweighting factor; 1 when either is missing */
static double rel(double x, double mean)
{
	return isnan(x) || !(mean > 0) ? 1.0 : x / mean;
}

/* Chances p_k = min(1, c x base x f_k) with c such that their mean weighted by w is base
 * (bisection: the mean rises with c), so that capping at 1 does not lower the national
 * chance; f_k >= 0. */
static void mean_preserving(double base, const double *f, const double *w, int n, double *out)
{
	double lo = 0, hi = 1, wsum = 0, mean;
	int k, it;
	for (k = 0; k < n; k++)
		wsum += w[k];
	if (!(base > 0) || !(wsum > 0)) {
		for (k = 0; k < n; k++)
			out[k] = clamp01(base * f[k]);
		return;
	}
	for (;;) { /* an upper bound for c */
		for (mean = 0, k = 0; k < n; k++)
			mean += w[k] * fmin(1.0, hi * base * f[k]);
		if (mean / wsum >= base || hi > 1e6)
			break;
		hi *= 2;
	}
	for (it = 0; it < 60; it++) {
		double c = 0.5 * (lo + hi);
		for (mean = 0, k = 0; k < n; k++)
			mean += w[k] * fmin(1.0, c * base * f[k]);
		if (mean / wsum < base)
			lo = c;
		else
			hi = c;
	}
	for (k = 0; k < n; k++)
		out[k] = fmin(1.0, hi * base * f[k]);
}

#define OFF(m) offsetof(iapt_svc_row, m)
enum { LAST_PD_YEAR = 2019, LAST_LTC_YEAR = 2019, ANY_YEAR = 1 << 20 };

/* The mix's weights cumulated, for the referral's draws (pathway.c categorical). */
static void mix_cumulate(iapt_svc_mix *m)
{
	double a;
	int j;
	for (a = 0, j = 0; j < N_AGE; j++)
		m->cum_age[j] = a += m->w_age[j];
	for (a = 0, j = 0; j < N_IMD; j++)
		m->cum_imd[j] = a += m->w_imd[j];
	for (a = 0, j = 0; j < N_PROBLEM; j++)
		m->cum_problem[j] = a += m->w_problem[j];
}

/* ---- features moved: services_policy and plugins (ctx:service) ---- */

static const int feature_up[IAPT_SVCF__COUNT] = {
#define IAPT_X_(id, name, up, lo, hi, doc) up,
	IAPT_SVC_FEATURE_LIST(IAPT_X_)
#undef IAPT_X_
};

/* service k's share of the year's referrals */
static double ref_share(const sim *s, int k)
{
	double w = 0;
	int j;
	for (j = 0; j < s->n_services; j++)
		w += s->svs->w_ref[j];
	return w > 0 ? s->svs->w_ref[k] / w : 1.0 / s->n_services;
}

double iapt_services__feature(const sim *s, int k, int f)
{
	const service *sv = &s->svc[k];
	double sh;
	switch (f) {
	case IAPT_SVCF_PD: return s->svs->mix[s->tab ? k : 0].p_desc;
	case IAPT_SVCF_STEP_UP: return sv->p_stepup;
	case IAPT_SVCF_DNA: return sv->p_dna;
	case IAPT_SVCF_SESSIONS: return 0.5 * (sv->li_max / P(s, TX_LI_MAX) + sv->hi_max / P(s, TX_HI_MAX));
	case IAPT_SVCF_CAPACITY:
		/* the service's share of national capacity over its share of referrals */
		sh = ref_share(s, k);
		return sh > 0 ? sv->factor / s->n_services / sh : 1.0;
	default: return NAN;
	}
}

void iapt_services__set_feature(sim *s, int k, int f, double x)
{
	service *sv = &s->svc[k];
	switch (f) {
	case IAPT_SVCF_PD: s->svs->mix[s->tab ? k : 0].p_desc = clamp01(x); break;
	case IAPT_SVCF_STEP_UP: sv->p_stepup = clamp01(x); break;
	case IAPT_SVCF_DNA: sv->p_dna = fmin(fmax(x, 0), 0.9); break;
	case IAPT_SVCF_SESSIONS:
		sv->li_max = (int)fmax(2, lround(P(s, TX_LI_MAX) * x));
		sv->hi_max = (int)fmax(2, lround(P(s, TX_HI_MAX) * x));
		break;
	case IAPT_SVCF_CAPACITY: sv->factor = x * s->n_services * ref_share(s, k); break;
	default: break;
	}
}

static int cmp_pair(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The referral-weighted q-quantile of feature f over services: the lowest value at which
 * the services at or below it hold at least q of the referrals. */
static double weighted_quantile(sim *s, int f, double q)
{
	double *pr = s->svs->pairs, w = 0, acc = 0;
	int k, n = s->n_services;
	for (k = 0; k < n; k++) {
		pr[2 * k] = iapt_services__feature(s, k, f);
		pr[2 * k + 1] = s->svs->w_ref[k];
		w += pr[2 * k + 1];
	}
	qsort(pr, (size_t)n, 2 * sizeof *pr, cmp_pair);
	for (k = 0; k < n; k++)
		if ((acc += pr[2 * k + 1]) >= q * w)
			return pr[2 * k];
	return pr[2 * (n - 1)];
}

/* services_policy (docs/scenario.md): each service worse than the floor closes the year's
 * share of its gap; then the features a plugin set. Capacity added is not taken from other
 * services: the national workforce grows by it, and the year's WTE counts say so. */
static void features_moved(sim *s, int y)
{
	const iapt_services_policy *pol = &s->sc->services_policy;
	double before = 0, after = 0;
	int k, f, yi = y - s->sc->first_year;
	for (k = 0; k < s->n_services; k++)
		before += s->svc[k].factor;
	if (pol->features && y >= pol->first_year) {
		double phase = fmin(1.0, (double)(y - pol->first_year + 1) / (pol->last_year - pol->first_year + 1));
		for (f = 0; f < IAPT_SVCF__COUNT; f++) {
			double floor_;
			if (!(pol->features & (1u << f)))
				continue;
			floor_ = !isnan(pol->level[f]) ? pol->level[f] : weighted_quantile(s, f, feature_up[f] ? 0.75 : 0.25);
			for (k = 0; k < s->n_services; k++) {
				double x = iapt_services__feature(s, k, f);
				if (feature_up[f] ? x < floor_ : x > floor_)
					iapt_services__set_feature(s, k, f, x + phase * (floor_ - x));
			}
		}
	}
	if (s->svc_set)
		for (k = 0; k < s->n_services; k++)
			for (f = 0; f < IAPT_SVCF__COUNT; f++)
				if (!isnan(s->svc_set[(size_t)k * IAPT_SVCF__COUNT + (size_t)f]))
					iapt_services__set_feature(s, k, f, s->svc_set[(size_t)k * IAPT_SVCF__COUNT + (size_t)f]);
	for (k = 0; k < s->n_services; k++)
		after += s->svc[k].factor;
	if (after != before && before > 0 && yi >= 0 && yi < s->n_years) {
		IAPT_CTR(s->ct, yi, IAPT_G_ALL, IAPT_C_WTE_LI) *= after / before;
		IAPT_CTR(s->ct, yi, IAPT_G_ALL, IAPT_C_WTE_HI) *= after / before;
	}
}

void iapt_services__load_year(sim *s, int y)
{
	iapt_svc_state *v = s->svs;
	const iapt_services *t = s->tab;
	double ref = 0, fin = 0, acc = 0, fsum = 0, w_cap = P(s, SVC_CAP_SPREAD), m_u18, m_o65, m_dep, m_anx, m_ltc, m_pd, m_su, m_imd[N_IMD];
	double w_desc = P(s, SVC_DESC_SPREAD), w_step = P(s, SVC_STEPUP_SPREAD), w_res = P(s, SVC_RESID_WEIGHT);
	double sd_dna = P(s, SVC_DNA_SD), sd_sess = P(s, SVC_SESS_SD);
	/* an attribute whose weights the scenario (or a plugin, or a draw) sets takes them, and
	 * only them, everywhere: the services' case mix reweights the table's weights only */
	int tab_age = iapt_casemix__from_table(s->params, IAPT_P_POP_AGE_UNDER_16),
	    tab_imd = iapt_casemix__from_table(s->params, IAPT_P_POP_IMD_1),
	    tab_prob = iapt_casemix__from_table(s->params, IAPT_P_PROB_DEPRESSION),
	    tab_ltc = iapt_casemix__from_table(s->params, IAPT_P_LTC_SHARE);
	int k, j, any_enter = 0;
	if (!v)
		return; /* a hand-made run without services (follow-up tests) */
	if (!t) {
		/* synthetic services: the national weights and features everywhere */
		iapt_svc_mix *m = &v->mix[0];
		memcpy(m->w_age, s->w_age, sizeof m->w_age);
		memcpy(m->w_imd, s->w_imd, sizeof m->w_imd);
		memcpy(m->w_problem, s->w_problem, sizeof m->w_problem);
		m->ltc = P(s, LTC_SHARE);
		m->p_desc = P(s, TX_DESCRIPTOR);
		m->resp = 1;
		mix_cumulate(m);
		for (k = 0; k < s->n_services; k++) {
			s->svc[k].p_dna = P(s, TX_DNA);
			s->svc[k].p_stepup = P(s, TX_STEPUP);
			s->svc[k].p_signpost = P(s, ACCESS_SIGNPOST);
			s->svc[k].li_max = (int)P(s, TX_LI_MAX);
			s->svc[k].hi_max = (int)P(s, TX_HI_MAX);
		}
		return;
	}
	for (k = 0; k < t->n; k++) {
		ref += iapt_services__row(t, y, k)->referrals;
		fin += iapt_services__row(t, y, k)->finished;
	}
	m_u18 = mean_of(t, y, OFF(under18), ANY_YEAR);
	m_o65 = mean_of(t, y, OFF(age65), ANY_YEAR);
	m_dep = mean_of(t, y, OFF(depression), LAST_PD_YEAR);
	m_anx = mean_of(t, y, OFF(anxiety), LAST_PD_YEAR);
	m_ltc = mean_of(t, y, OFF(ltc), LAST_LTC_YEAR);
	m_pd = mean_of(t, y, OFF(pd), LAST_PD_YEAR);
	m_su = mean_of(t, y, OFF(step_up), ANY_YEAR);
	for (j = 0; j < N_IMD; j++)
		m_imd[j] = mean_of(t, y, OFF(imd[0]) + (size_t)j * sizeof(double), ANY_YEAR);
	for (k = 0; k < t->n; k++) {
		const iapt_svc_row *r = iapt_services__row(t, y, k);
		iapt_svc_mix *m = &v->mix[k];
		service *sv = &s->svc[k];
		double u18 = rel(r->under18, m_u18), o65 = rel(r->age65, m_o65), mid, dep, anx, oth, pd, su, dm, sm;
		/* referrals in proportion to the service's; capacity in proportion to its referrals
		 * times the row's capacity_factor, or where it has none, its published throughput
		 * (finished courses / referrals) relative to England's, to the power
		 * services.capacity_spread: part of a low throughput is capacity short of demand,
		 * part is referrals that would not enter anyway */
		acc += ref > 0 ? r->referrals / ref : 1.0 / t->n;
		v->cum[k] = acc;
		sv->factor = (ref > 0 ? r->referrals / ref : 1.0 / t->n) *
			     (!isnan(r->capacity) ? r->capacity
			      : r->referrals > 0 && fin > 0 ? pow(r->finished / r->referrals / (fin / ref), w_cap) : 1.0);
		/* the chance of being offered treatment (not signposted) relative to England's,
		 * where the table gives it (entering_factor) */
		v->f_enter[k] = isnan(r->entering) ? 1.0 : r->entering;
		any_enter |= v->f_enter[k] != 1.0;
		fsum += sv->factor;
		/* case mix: the national weights reweighted by the service's share relative to
		 * the referral-weighted mean of services, block by block; within a block (e.g. the
		 * bands 18-64) the national split, and attributes independent of each other */
		mid = rel(1 - r->under18 - r->age65, 1 - m_u18 - m_o65);
		for (j = 0; j < N_AGE; j++)
			m->w_age[j] = s->w_age[j] * (!tab_age ? 1.0 : j <= 1 ? u18 : (j >= 5 ? o65 : mid));
		for (j = 0; j < N_IMD; j++)
			m->w_imd[j] = s->w_imd[j] * (tab_imd ? rel(r->imd[j], m_imd[j]) : 1.0);
		dep = rel(carried(t, y, k, OFF(depression), LAST_PD_YEAR), m_dep);
		anx = rel(carried(t, y, k, OFF(anxiety), LAST_PD_YEAR), m_anx);
		oth = rel(1 - carried(t, y, k, OFF(depression), LAST_PD_YEAR) - carried(t, y, k, OFF(anxiety), LAST_PD_YEAR),
			  1 - m_dep - m_anx);
		for (j = 0; j < N_PROBLEM; j++)
			m->w_problem[j] = s->w_problem[j] * (!tab_prob ? 1.0 : j == PROB_DEPRESSION ? dep : (j == PROB_OTHER ? oth : anx));
		mix_cumulate(m);
		m->ltc = tab_ltc ? clamp01(P(s, LTC_SHARE) * rel(carried(t, y, k, OFF(ltc), LAST_LTC_YEAR), m_ltc)) : P(s, LTC_SHARE);
		/* features (docs/model.md, Services): descriptor recording -> matched treatment
		 * (Clark et al. 2018, S29); step-up practice; missed appointments and sessions
		 * offered spread as across providers (data/service_sessions_dna.csv) */
		pd = rel(carried(t, y, k, OFF(pd), LAST_PD_YEAR), m_pd);
		v->f_desc[k] = fmax(0, 1 + w_desc * (pd - 1));
		m->resp = pow(t->resid[k], w_res);
		su = rel(r->step_up, m_su);
		v->f_step[k] = fmax(0, 1 + w_step * (su - 1));
		v->w_ref[k] = r->referrals;
		dm = exp(sd_dna * v->z_dna[k] - 0.5 * sd_dna * sd_dna);
		sv->p_dna = fmin(P(s, TX_DNA) * dm, 0.9);
		sm = exp(sd_sess * v->z_sess[k]);
		sv->li_max = (int)fmax(2, lround(P(s, TX_LI_MAX) * sm));
		sv->hi_max = (int)fmax(2, lround(P(s, TX_HI_MAX) * sm));
	}
	v->cum[t->n - 1] = 1.0 + 1e-12; /* no rounding gap at the top */
	for (j = 0, k = 0; j < IAPT_SVC_GUIDE; j++) {
		while (v->cum[k] <= (double)j / IAPT_SVC_GUIDE)
			k++;
		v->guide[j] = k;
	}
	/* descriptor recording and step-up: the service's relative level, the national mean
	 * kept where a service would go above 1 (referral-weighted) */
	mean_preserving(P(s, TX_DESCRIPTOR), v->f_desc, v->w_ref, t->n, v->tmp);
	for (k = 0; k < t->n; k++)
		v->mix[k].p_desc = v->tmp[k];
	mean_preserving(P(s, TX_STEPUP), v->f_step, v->w_ref, t->n, v->tmp);
	for (k = 0; k < t->n; k++)
		s->svc[k].p_stepup = v->tmp[k];
	/* the national share signposted kept (referral-weighted), each service's chance of
	 * treatment at most 1 */
	if (any_enter) {
		mean_preserving(1 - P(s, ACCESS_SIGNPOST), v->f_enter, v->w_ref, t->n, v->tmp);
		for (k = 0; k < t->n; k++)
			s->svc[k].p_signpost = 1 - v->tmp[k];
	} else { /* none given: England's share everywhere, exactly */
		for (k = 0; k < t->n; k++)
			s->svc[k].p_signpost = P(s, ACCESS_SIGNPOST);
	}
	for (k = 0; k < t->n; k++) /* the national capacity is shared out whole */
		s->svc[k].factor *= fsum > 0 ? t->n / fsum : 1.0;
	if (s->sc->services_policy.features || s->svc_set)
		features_moved(s, y);
}

/* ---- a plugin's view of one service (iaptsim/hooks.h) ---- */

int iapt_run_service_find(const iapt_run *r, const char *code, int *k)
{
	const iapt_services *t = r->tab;
	int j;
	char near[128];
	if (!t)
		return iapt_error__set(IAPT_EINVAL, "the services are synthetic (services: synthetic): no service has a code");
	if ((j = find_code(t, code)) >= 0) {
		*k = j;
		return IAPT_OK;
	}
	return iapt_error__set(IAPT_ENOTFOUND, "no service '%s' in %s%s", code, t->path, near_codes(t, code, near, sizeof near));
}

int iapt_run_service_info(const iapt_run *r, int k, const char **code, const char **name, const char **region_code,
			  const char **region)
{
	const iapt_services *t = r->tab;
	if (!t || k < 0 || k >= t->n)
		return iapt_error__set(IAPT_ERANGE, "no service %d (the run has %d with codes)", k, t ? t->n : 0);
	if (code)
		*code = t->id[k].code;
	if (name)
		*name = t->id[k].name;
	if (region_code)
		*region_code = t->id[k].region_code;
	if (region)
		*region = t->id[k].region;
	return IAPT_OK;
}

int iapt_run_service_icb(const iapt_run *r, int k, const char **icb_code, const char **icb_name)
{
	const iapt_services *t = r->tab;
	if (!t || k < 0 || k >= t->n)
		return iapt_error__set(IAPT_ERANGE, "no service %d (the run has %d with codes)", k, t ? t->n : 0);
	if (icb_code)
		*icb_code = t->id[k].icb;
	if (icb_name)
		*icb_name = t->id[k].icb_name;
	return IAPT_OK;
}

double iapt_run_service_feature(const iapt_run *r, int k, int f)
{
	const double *set;
	if (!r->tab || k < 0 || k >= r->n_services || f < 0 || f >= IAPT_SVCF__COUNT)
		return NAN;
	set = r->svc_set ? &r->svc_set[(size_t)k * IAPT_SVCF__COUNT + (size_t)f] : NULL;
	if (set && !isnan(*set))
		return *set;
	if (!r->svc[k].li_max) /* nothing loaded yet: setup */
		return NAN;
	return iapt_services__feature(r, k, f);
}

double iapt_run_service_referral_share(const iapt_run *r, int k)
{
	if (!r->tab || k < 0 || k >= r->n_services || !r->svc[k].li_max)
		return NAN;
	return ref_share(r, k);
}

int iapt_run_service_set(iapt_run *r, int k, int f, double value)
{
	size_t j;
	if (!r->in_setup)
		return iapt_error__set(IAPT_EINVAL, "a service's features can be set only in setup and on_year");
	if (!r->tab || k < 0 || k >= r->n_services)
		return iapt_error__set(IAPT_ERANGE, "no service %d (the run has %d with codes)", k, r->tab ? r->n_services : 0);
	if (f < 0 || f >= IAPT_SVCF__COUNT)
		return iapt_error__set(IAPT_ERANGE, "no feature %d", f);
	if (!(value >= feature_bounds[f].lo && value <= feature_bounds[f].hi))
		return iapt_error__set(IAPT_ERANGE, "%s %g is out of range [%g, %g]", iapt_svc_feature_name(f), value, feature_bounds[f].lo,
				       feature_bounds[f].hi);
	if (!r->svc_set) {
		size_t n = (size_t)r->n_services * IAPT_SVCF__COUNT;
		if (!(r->svc_set = malloc(n * sizeof *r->svc_set)))
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		for (j = 0; j < n; j++)
			r->svc_set[j] = NAN;
	}
	r->svc_set[(size_t)k * IAPT_SVCF__COUNT + (size_t)f] = value;
	return IAPT_OK;
}

/* ---- services.csv's measures ---- */

static double ratio(double num, double den, double mult)
{
	return den > 0 ? mult * num / den : NAN;
}

double iapt_services__measure(const double *c, int m, double scale)
{
	switch (m) {
	case IAPT_SM_REFERRALS_RECEIVED: return c[IAPT_SC_REFERRALS] / scale;
	case IAPT_SM_ENTERED_TREATMENT: return c[IAPT_SC_ENTERED] / scale;
	case IAPT_SM_FINISHED_COURSE: return c[IAPT_SC_FINISHED] / scale;
	case IAPT_SM_FINISHED_AT_CASENESS: return c[IAPT_SC_FIN_CASENESS] / scale;
	case IAPT_SM_RECOVERY_PCT: return ratio(c[IAPT_SC_RECOVERED], c[IAPT_SC_FIN_CASENESS], 100);
	case IAPT_SM_RELIABLE_RECOVERY_PCT: return ratio(c[IAPT_SC_RELIABLE_RECOVERY], c[IAPT_SC_FIN_CASENESS], 100);
	case IAPT_SM_RELIABLE_IMPROVEMENT_PCT: return ratio(c[IAPT_SC_RELIABLE_IMPROVEMENT], c[IAPT_SC_FINISHED], 100);
	case IAPT_SM_MEAN_SESSIONS_FINISHED: return ratio(c[IAPT_SC_SESSIONS_FINISHED], c[IAPT_SC_FINISHED], 1);
	case IAPT_SM_DNA_PCT: return ratio(c[IAPT_SC_MISSED], c[IAPT_SC_MISSED] + c[IAPT_SC_ATTENDED], 100);
	case IAPT_SM_PD_RECORDED_PCT: return ratio(c[IAPT_SC_PD_RECORDED], c[IAPT_SC_FINISHED], 100);
	case IAPT_SM_STEP_UP_PCT: return ratio(c[IAPT_SC_FIN_STEPPED], c[IAPT_SC_FIN_HAD_LI], 100);
	case IAPT_SM_ENTERED_TREATMENT_PCT: return ratio(c[IAPT_SC_ENTERED], c[IAPT_SC_REFERRALS], 100);
	case IAPT_SM_WITHIN_6WK_PCT: return ratio(c[IAPT_SC_WITHIN_6WK], c[IAPT_SC_FINISHED], 100);
	case IAPT_SM_MEAN_WAIT_WEEKS: return ratio(c[IAPT_SC_WAIT_WEEKS], c[IAPT_SC_ENTERED], 1);
	case IAPT_SM_LTC_PCT: return ratio(c[IAPT_SC_LTC], c[IAPT_SC_REFERRALS], 100);
	case IAPT_SM_IMD_MEAN_DECILE: return ratio(c[IAPT_SC_IMD_SUM], c[IAPT_SC_REFERRALS], 1);
	default: return NAN;
	}
}

/* ---- results ---- */

static const char *const measure_names[IAPT_SM__COUNT] = {
#define X(id, name, doc) name,
	IAPT_SERVICE_MEASURE_LIST(X)
#undef X
};

const char *iapt_service_measure_name(int m)
{
	return m >= 0 && m < IAPT_SM__COUNT ? measure_names[m] : "?";
}

int iapt_service_measure_metric(int m)
{
	return m >= 0 && m < IAPT_SM__COUNT ? iapt_metric_find(measure_names[m]) : -1;
}

int iapt_results_services(const iapt_results *r)
{
	return r->n_svc;
}

int iapt_results_service_info(const iapt_results *r, int k, iapt_service_info *out)
{
	const iapt_services *t = r->services;
	if (k < 0 || k >= r->n_svc)
		return iapt_error__set(IAPT_ERANGE, "no service %d (the run has %d)", k, r->n_svc);
	out->code = t->id[k].code;
	out->name = t->id[k].name;
	out->icb_code = t->id[k].icb;
	out->region_code = t->id[k].region_code;
	out->region = t->id[k].region;
	out->icb_name = t->id[k].icb_name;
	return IAPT_OK;
}

static const double *svc_counts(const iapt_results *r, int year, int k, int rep)
{
	int n_years = r->last_year - r->first_year + 1, y = year - r->first_year;
	if (y < 0 || y >= n_years || k < 0 || k >= r->n_svc || rep < 0 || rep >= r->replicates)
		return NULL;
	return r->svc + (((size_t)rep * (size_t)n_years + (size_t)y) * (size_t)r->n_svc + (size_t)k) * IAPT_SC__COUNT;
}

double iapt_results_service_value(const iapt_results *r, int year, int k, int m, int rep)
{
	const double *c = svc_counts(r, year, k, rep);
	return c ? iapt_services__measure(c, m, r->scale) : NAN;
}

/* A measure of area j's services pooled: their counts summed, then the measure. */
static double area_value(const iapt_results *r, const iapt_svc_areas *a, int year, int j, int m, int rep)
{
	double sum[IAPT_SC__COUNT] = {0};
	int k, c, any = 0;
	if (!r->n_svc || j < 0 || j >= a->n)
		return NAN;
	for (k = 0; k < r->n_svc; k++) {
		const double *x;
		if (a->of[k] != j || !(x = svc_counts(r, year, k, rep)))
			continue;
		for (c = 0; c < IAPT_SC__COUNT; c++)
			sum[c] += x[c];
		any = 1;
	}
	return any ? iapt_services__measure(sum, m, r->scale) : NAN;
}

int iapt_results_regions(const iapt_results *r)
{
	return r->n_svc ? r->services->regions.n : 0;
}

int iapt_results_region_info(const iapt_results *r, int j, const char **code, const char **name)
{
	if (j < 0 || j >= iapt_results_regions(r))
		return iapt_error__set(IAPT_ERANGE, "no region %d (the run has %d)", j, iapt_results_regions(r));
	*code = r->services->regions.last[j]->region_code;
	*name = r->services->regions.last[j]->region;
	return IAPT_OK;
}

double iapt_results_region_value(const iapt_results *r, int year, int j, int m, int rep)
{
	return r->n_svc ? area_value(r, &r->services->regions, year, j, m, rep) : NAN;
}

int iapt_results_icbs(const iapt_results *r)
{
	return r->n_svc ? r->services->icbs.n : 0;
}

int iapt_results_icb_info(const iapt_results *r, int j, const char **code, const char **name)
{
	if (j < 0 || j >= iapt_results_icbs(r))
		return iapt_error__set(IAPT_ERANGE, "no ICB %d (the run has %d)", j, iapt_results_icbs(r));
	*code = r->services->icbs.last[j]->icb;
	*name = r->services->icbs.last[j]->icb_name;
	return IAPT_OK;
}

double iapt_results_icb_value(const iapt_results *r, int year, int j, int m, int rep)
{
	return r->n_svc ? area_value(r, &r->services->icbs, year, j, m, rep) : NAN;
}
