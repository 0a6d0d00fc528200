/* Who is referred, by financial year (docs/model.md, Who is referred): the table of
 * data/case_mix.csv, built into the library, and the year's weights it gives the
 * population.*, problem.* and ltc.share parameters a scenario leaves at their defaults. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/casemix.h"
#include "engine/state.h"

extern const unsigned char iapt__case_mix[];
extern const size_t iapt__case_mix_len;

#define NAME_OF(id, name) name,
static const char *const age_names[] = {IAPT_AGE_LIST(NAME_OF)};
static const char *const gender_names[] = {IAPT_GENDER_LIST(NAME_OF)};
static const char *const ethnicity_names[] = {IAPT_ETHNICITY_LIST(NAME_OF)};
static const char *const problem_names[] = {IAPT_PROBLEM_LIST(NAME_OF)};
#undef NAME_OF
static const char *const imd_names[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
static const char *const ltc_names[] = {"yes", "no"};

/* Each attribute: its values, and the parameters they set (ltc: "yes" sets ltc.share; the
 * share of "no" is its complement and only checked). */
static const struct cm_attr {
	const char *name;
	const char *const *values;
	int n_values, n_params;
	size_t first_param;
	int slot; /* first column in iapt_casemix.share */
} attrs[] = {
	{"age", age_names, N_AGE, N_AGE, IAPT_P_POP_AGE_UNDER_16, 0},
	{"gender", gender_names, N_GENDER, N_GENDER, IAPT_P_POP_GENDER_FEMALE, N_AGE},
	{"ethnicity", ethnicity_names, N_ETH, N_ETH, IAPT_P_POP_ETH_WHITE, N_AGE + N_GENDER},
	{"imd_decile", imd_names, N_IMD, N_IMD, IAPT_P_POP_IMD_1, N_AGE + N_GENDER + N_ETH},
	{"problem", problem_names, N_PROBLEM, N_PROBLEM, IAPT_P_PROB_DEPRESSION, N_AGE + N_GENDER + N_ETH + N_IMD},
	{"ltc", ltc_names, 2, 1, IAPT_P_LTC_SHARE, N_AGE + N_GENDER + N_ETH + N_IMD + N_PROBLEM},
};
enum { N_ATTR = sizeof attrs / sizeof attrs[0] };
_Static_assert(N_AGE + N_GENDER + N_ETH + N_IMD + N_PROBLEM + 2 == IAPT_CASEMIX_COLS, "case-mix columns");

int iapt_casemix__fin_year(const char *s)
{
	int y, y2;
	char tail;
	if (strlen(s) != 7 || sscanf(s, "%4d-%2d%c", &y, &y2, &tail) != 2 || s[4] != '-')
		return -1;
	if (y < 1900 || y > 2200 || y2 != (y + 1) % 100)
		return -1;
	return y;
}

static int find(const char *const *names, int n, const char *s)
{
	int k;
	for (k = 0; k < n; k++)
		if (!strcmp(names[k], s))
			return k;
	return -1;
}

int iapt_casemix__parse(char *text, const char *path, iapt_casemix *out)
{
	char *pos = text, *f[8];
	int nf, line = 1, a, k, y, first_line[IAPT_CASEMIX_MAX_YEARS][N_ATTR];
	static const char *const header[] = {"year", "attribute", "value", "share", "source"};
	unsigned char seen[IAPT_CASEMIX_MAX_YEARS][IAPT_CASEMIX_COLS];

	memset(out, 0, sizeof *out);
	memset(seen, 0, sizeof seen);
	memset(first_line, 0, sizeof first_line);
	out->first_year = -1;
	if (!strncmp(pos, "\xEF\xBB\xBF", 3))
		pos += 3;
	nf = iapt_csv__record(&pos, f, 8);
	if (nf != 5)
		return iapt_error__set(IAPT_EPARSE, "%s:1: the header should be year,attribute,value,share,source", path);
	for (k = 0; k < 5; k++)
		if (strcmp(f[k], header[k]))
			return iapt_error__set(IAPT_EPARSE, "%s:1: column %d is '%s', expected '%s'", path, k + 1, f[k], header[k]);
	while ((nf = iapt_csv__record(&pos, f, 8)) != 0) {
		const struct cm_attr *at;
		double v;
		int col;
		line++;
		if (nf < 0)
			return iapt_error__set(IAPT_EPARSE, "%s:%d: a quoted field is not closed", path, line);
		if (nf == 1 && !f[0][0])
			continue;
		if (nf != 5)
			return iapt_error__set(IAPT_EPARSE, "%s:%d: %d fields, the header has 5", path, line, nf);
		if ((y = iapt_casemix__fin_year(f[0])) < 0)
			return iapt_error__set(IAPT_EPARSE, "%s:%d: '%s' is not a financial year (as 2019-20)", path, line, f[0]);
		if (out->first_year < 0)
			out->first_year = y;
		if (y < out->first_year || y - out->first_year >= IAPT_CASEMIX_MAX_YEARS)
			return iapt_error__set(IAPT_EPARSE, "%s:%d: year %s is before the first year of the file or more than %d years after it",
					       path, line, f[0], IAPT_CASEMIX_MAX_YEARS - 1);
		for (a = 0; a < N_ATTR && strcmp(attrs[a].name, f[1]); a++)
			;
		if (a == N_ATTR)
			return iapt_error__set(IAPT_EPARSE, "%s:%d: unknown attribute '%s' (age, gender, ethnicity, imd_decile, problem, ltc)",
					       path, line, f[1]);
		at = &attrs[a];
		if ((k = find(at->values, at->n_values, f[2])) < 0)
			return iapt_error__set(IAPT_EPARSE, "%s:%d: unknown value '%s' of %s (%s .. %s)", path, line, f[2], at->name,
					       at->values[0], at->values[at->n_values - 1]);
		if (iapt_str__number(f[3], &v) || v < 0 || v > 1)
			return iapt_error__set(IAPT_EPARSE, "%s:%d: share '%s' is not a number in [0, 1]", path, line, f[3]);
		col = at->slot + k;
		if (seen[y - out->first_year][col])
			return iapt_error__set(IAPT_EPARSE, "%s:%d: %s %s=%s is given twice", path, line, f[0], at->name, f[2]);
		seen[y - out->first_year][col] = 1;
		if (!first_line[y - out->first_year][a])
			first_line[y - out->first_year][a] = line;
		out->share[y - out->first_year][col] = v;
		if (y - out->first_year + 1 > out->n_years)
			out->n_years = y - out->first_year + 1;
	}
	if (out->n_years == 0)
		return iapt_error__set(IAPT_EPARSE, "%s: no rows", path);
	/* every year has every value of every attribute, and the shares add up to 1 (as
	 * rounded to six decimals) */
	for (y = 0; y < out->n_years; y++) {
		char lab[8];
		iapt_year_label(out->first_year + y, lab);
		for (a = 0; a < N_ATTR; a++) {
			double sum = 0;
			if (!first_line[y][a])
				continue; /* below, once the rows given are known to be right */
			for (k = 0; k < attrs[a].n_values; k++) {
				if (!seen[y][attrs[a].slot + k])
					return iapt_error__set(IAPT_EPARSE, "%s:%d: %s %s has no share for %s", path, first_line[y][a], lab,
							       attrs[a].name, attrs[a].values[k]);
				sum += out->share[y][attrs[a].slot + k];
			}
			if (fabs(sum - 1) > 1e-4)
				return iapt_error__set(IAPT_EPARSE, "%s:%d: the shares of %s in %s add up to %.6g, not 1", path,
						       first_line[y][a], attrs[a].name, lab, sum);
		}
	}
	for (y = 0; y < out->n_years; y++)
		for (a = 0; a < N_ATTR; a++)
			if (!first_line[y][a]) {
				char lab[8];
				return iapt_error__set(IAPT_EPARSE, "%s: %s has no rows for %s", path,
						       iapt_year_label(out->first_year + y, lab), attrs[a].name);
			}
	return IAPT_OK;
}

static iapt_casemix builtin;
static int builtin_rc;
static char builtin_msg[256];

static void load_builtin(void)
{
	char *text = malloc(iapt__case_mix_len + 1);
	if (!text) {
		builtin_rc = IAPT_ENOMEM;
		snprintf(builtin_msg, sizeof builtin_msg, "out of memory");
		return;
	}
	memcpy(text, iapt__case_mix, iapt__case_mix_len + 1);
	builtin_rc = iapt_casemix__parse(text, "data/case_mix.csv", &builtin);
	if (builtin_rc)
		snprintf(builtin_msg, sizeof builtin_msg, "%s", iapt_error_last()->message);
	free(text);
}

int iapt_casemix__builtin(const iapt_casemix **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_builtin);
	*out = builtin_rc ? NULL : &builtin;
	return builtin_rc ? iapt_error__set(builtin_rc, "%s", builtin_msg) : IAPT_OK;
}

/* An attribute whose parameters the scenario (or a plugin, or a draw) set anywhere takes
 * them all from the parameters; otherwise its weights are the table's. */
static int attr_from_table(const iapt_params *p, const struct cm_attr *at)
{
	int k;
	for (k = 0; k < at->n_params; k++) {
		iapt_param_info in;
		iapt_params_info(p, at->first_param + (size_t)k, &in);
		if (in.n_schedule || strcmp(in.origin, "default"))
			return 0;
	}
	return 1;
}

int iapt_casemix__from_table(const iapt_params *p, size_t param)
{
	int a;
	for (a = 0; a < N_ATTR; a++)
		if (param >= attrs[a].first_param && param < attrs[a].first_param + (size_t)attrs[a].n_params)
			return attr_from_table(p, &attrs[a]);
	return 0;
}

void iapt_casemix__apply(const iapt_casemix *cm, const iapt_params *p, int year, double *pv)
{
	int a, k, y;
	if (!cm)
		return;
	/* before the table: its first year; after it: its last */
	y = year - cm->first_year;
	y = y < 0 ? 0 : (y >= cm->n_years ? cm->n_years - 1 : y);
	for (a = 0; a < N_ATTR; a++)
		if (attr_from_table(p, &attrs[a]))
			for (k = 0; k < attrs[a].n_params; k++)
				pv[attrs[a].first_param + (size_t)k] = cm->share[y][attrs[a].slot + k];
}

double iapt_casemix__param(const iapt_params *p, size_t idx, int year)
{
	const iapt_casemix *cm;
	int a, y;
	for (a = 0; a < N_ATTR; a++)
		if (idx >= attrs[a].first_param && idx < attrs[a].first_param + (size_t)attrs[a].n_params)
			break;
	if (a == N_ATTR || !attr_from_table(p, &attrs[a]) || iapt_casemix__builtin(&cm))
		return iapt_params_get(p, idx, year);
	y = year - cm->first_year;
	y = y < 0 ? 0 : (y >= cm->n_years ? cm->n_years - 1 : y);
	return cm->share[y][attrs[a].slot + (int)(idx - attrs[a].first_param)];
}
