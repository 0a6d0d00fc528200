/* The published long format of NHS Talking Therapies' annual key measures (data/nhstt/):
 * the map onto iaptsim's groups and metrics, a reader of observed figures that knows it and
 * the older shapes, and a writer of a run's summary in it (include/iaptsim/validation.h;
 * docs/validation.md, "The published long format"). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iaptsim/stats.h"
#include "iaptsim/validation.h"
#include "util/util.h"

/* The one map. Published names as in data/nhstt/england_by_group.csv.gz (2017-18 to
 * 2024-25); a group's newest spelling first (the writer uses it). Groups left out on
 * purpose: "Not stated/Not known/Invalid" (counted apart), the detailed ethnic groups, the
 * overlapping totals of problem descriptors ("All ADSM", "... Total"), "Other recorded
 * problems" (problem=other is "Other Mental Health problems: Other"), and the pathway
 * measures of waits and step-ups (not the three step groups). */
static const iapt_nhstt_group_map group_map[] = {
	{"Total", NULL, NULL, "all", 0},
	{"Stepped Care Pathway", "Received only low intensity therapy", NULL, "step=li_only", 0},
	{"Stepped Care Pathway", "Received only LI therapy", NULL, "step=li_only", 0},
	{"Stepped Care Pathway", "Received both high and low intensity therapy", NULL, "step=li_then_hi", 0},
	{"Stepped Care Pathway", "Received both LI and HI therapies", NULL, "step=li_then_hi", 0},
	{"Stepped Care Pathway", "Received only high intensity therapy", NULL, "step=hi_only", 0},
	{"Stepped Care Pathway", "Received only HI therapy", NULL, "step=hi_only", 0},
	/* NHS TT number deciles 1 least deprived .. 10 most deprived, as iaptsim does */
	{"Indices of Deprivation Decile", "01 Least deprived", NULL, "imd_decile=1", 1},
	{"Indices of Deprivation Decile", "02 Less deprived", NULL, "imd_decile=2", 1},
	{"Indices of Deprivation Decile", "03 Less deprived", NULL, "imd_decile=3", 1},
	{"Indices of Deprivation Decile", "04 Less deprived", NULL, "imd_decile=4", 1},
	{"Indices of Deprivation Decile", "05 Less deprived", NULL, "imd_decile=5", 1},
	{"Indices of Deprivation Decile", "06 More deprived", NULL, "imd_decile=6", 1},
	{"Indices of Deprivation Decile", "07 More deprived", NULL, "imd_decile=7", 1},
	{"Indices of Deprivation Decile", "08 More deprived", NULL, "imd_decile=8", 1},
	{"Indices of Deprivation Decile", "09 More deprived", NULL, "imd_decile=9", 1},
	{"Indices of Deprivation Decile", "10 Most deprived", NULL, "imd_decile=10", 1},
	/* 2017-18 to 2020-21: under 16, 16-17, 18-35, 36-64, 65+; from 2021-22: under 18,
	 * 18-25, 26-64, 65-74, 75-89, 90+. Within a year the published bands do not overlap. */
	{"Age Group", "Under 16", NULL, "age=under_16", 1},
	{"Age Group", "16 to 17", NULL, "age=16_17", 1},
	{"Age Group", "Under 18", NULL, "age=under_18", 1},
	{"Age Group", "18 to 25", NULL, "age=18_25", 1},
	{"Age Group", "18 to 35", NULL, "age=18_35", 1},
	{"Age Group", "26 to 64", NULL, "age=26_64", 1},
	{"Age Group", "36 to 64", NULL, "age=36_64", 1},
	{"Age Group", "65 and over", NULL, "age=65_plus", 1},
	{"Age Group", "65 to 74", NULL, "age=65_74", 1},
	{"Age Group", "75 to 89", NULL, "age=75_89", 1},
	{"Age Group", "90 and over", NULL, "age=90_plus", 1},
	{"Gender", "Female", NULL, "gender=female", 1},
	{"Gender", "Male", NULL, "gender=male", 1},
	{"Gender", "Indeterminate (unable to be classified as male or female)", NULL, "gender=other", 1},
	{"Ethnic Group", "White", "All", "ethnicity=white", 1},
	{"Ethnic Group", "Mixed", "All", "ethnicity=mixed", 1},
	{"Ethnic Group", "Asian or Asian British", "All", "ethnicity=asian", 1},
	{"Ethnic Group", "Black or Black British", "All", "ethnicity=black", 1},
	{"Ethnic Group", "Other Ethnic Groups", "All", "ethnicity=other", 1},
	/* published 2017-18 to 2019-20 only */
	{"Problem Descriptor", "Depression", NULL, "problem=depression", 1},
	{"Problem Descriptor", "Anxiety and stress related disorders", "Generalized anxiety disorder", "problem=generalised_anxiety", 1},
	{"Problem Descriptor", "Anxiety and stress related disorders", "Mixed anxiety and depressive disorder",
	 "problem=mixed_anxiety_depression", 1},
	{"Problem Descriptor", "Anxiety and stress related disorders", "Social phobias", "problem=social_anxiety", 1},
	{"Problem Descriptor", "Anxiety and stress related disorders", "Post-traumatic stress disorder", "problem=ptsd", 1},
	{"Problem Descriptor", "Anxiety and stress related disorders", "Panic disorder [episodic paroxysmal anxiety]", "problem=panic", 1},
	{"Problem Descriptor", "Anxiety and stress related disorders", "Obsessive-compulsive disorder", "problem=ocd", 1},
	{"Problem Descriptor", "Anxiety and stress related disorders", "Agoraphobia", "problem=agoraphobia", 1},
	{"Problem Descriptor", "Anxiety and stress related disorders", "Specific (isolated) phobias", "problem=specific_phobia", 1},
	{"Problem Descriptor", "Anxiety and stress related disorders", "Other anxiety or stress related disorder", "problem=other_anxiety", 1},
	{"Problem Descriptor", "Other Mental Health problems", "Hypochondriacal disorder", "problem=health_anxiety", 1},
	{"Problem Descriptor", "Other Mental Health problems", "Other", "problem=other", 1},
	{"Long Term Condition Status", "Long term condition", NULL, "ltc=yes", 1},
	{"Long Term Condition Status", "No long term condition", NULL, "ltc=no", 1},
};

/* Counts of people and the four outcome rates. The published rates are NHS TT's own
 * definitions, which iaptsim's metrics follow (docs/model.md). */
static const iapt_nhstt_measure_map measure_map[] = {
	{"referrals_received", "count", "referrals_received"},
	{"finished_course_treatment", "count", "finished_course"},
	{"at_caseness", "count", "finished_at_caseness"},
	{"recovery", "percentage", "recovery_pct"},
	{"reliable_recovery", "percentage", "reliable_recovery_pct"},
	{"improvement", "percentage", "reliable_improvement_pct"},
	{"deterioration", "percentage", "reliable_deterioration_pct"},
};

#define N_GROUP_MAP (sizeof group_map / sizeof group_map[0])
#define N_MEASURE_MAP (sizeof measure_map / sizeof measure_map[0])
#define MAX_FIELDS 64

const iapt_nhstt_group_map *iapt_nhstt_groups(size_t *n)
{
	*n = N_GROUP_MAP;
	return group_map;
}

const iapt_nhstt_measure_map *iapt_nhstt_measures(size_t *n)
{
	*n = N_MEASURE_MAP;
	return measure_map;
}



/* the published files write a missing breakdown level as NULL */
static int is_null(const char *s)
{
	return !*s || !strcasecmp(s, "NULL") || !strcasecmp(s, "NA");
}

static int is_suppressed(const char *s)
{
	return is_null(s) || !strcmp(s, "*");
}

static const iapt_nhstt_group_map *find_group_row(const char *vt, const char *va, const char *vb)
{
	size_t k;
	for (k = 0; k < N_GROUP_MAP; k++) {
		const iapt_nhstt_group_map *r = &group_map[k];
		if (strcasecmp(vt, r->variable_type))
			continue;
		if (r->variable_a ? strcasecmp(va, r->variable_a) : !is_null(va))
			continue;
		if (r->variable_b ? strcasecmp(vb, r->variable_b) : !is_null(vb))
			continue;
		return r;
	}
	return NULL;
}

static const iapt_nhstt_measure_map *find_measure_row(const char *measure, const char *statistic)
{
	size_t k;
	for (k = 0; k < N_MEASURE_MAP; k++)
		if (!strcmp(measure, measure_map[k].measure) && !strcmp(statistic, measure_map[k].statistic))
			return &measure_map[k];
	return NULL;
}

/* "2019-20" (or "2019"): the financial year starting in April 2019 */
static int parse_year(const char *s, int *year)
{
	char *end;
	long y;
	errno = 0;
	y = strtol(s, &end, 10);
	if (errno || end == s || y < IAPT_SCENARIO_MIN_YEAR || y > IAPT_SCENARIO_MAX_YEAR)
		return -1;
	if (*end == '-') {
		const char *z = end + 1;
		long w = strtol(z, &end, 10);
		if (end != z + 2 || w != (y + 1) % 100)
			return -1;
	}
	if (*end)
		return -1;
	*year = (int)y;
	return 0;
}

typedef struct found {
	iapt_target t;
	int line;
} found;

static int cmp_found(const void *a, const void *b)
{
	const found *x = a, *y = b;
	if (x->t.year != y->t.year)
		return x->t.year < y->t.year ? -1 : 1;
	if (x->t.group != y->t.group)
		return x->t.group < y->t.group ? -1 : 1;
	if (x->t.metric != y->t.metric)
		return x->t.metric < y->t.metric ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void not_simulated(iapt_targets_report *rep, const char *group)
{
	size_t k;
	rep->not_simulated++;
	for (k = 0; k < rep->n_not_simulated; k++)
		if (rep->not_simulated_group[k] == group) {
			rep->not_simulated_rows[k]++;
			return;
		}
	if (rep->n_not_simulated < IAPT_TARGETS_MAX_NOT_SIMULATED) {
		rep->not_simulated_group[rep->n_not_simulated] = group;
		rep->not_simulated_rows[rep->n_not_simulated++] = 1;
	}
}

/* Line breaks in orig[from, to) as the CSV reader ends records: \n, \r\n or a lone \r.
 * The reader writes NULs into the text it splits, so lines are counted in a copy. */
static int line_breaks(const char *orig, size_t from, size_t to)
{
	int n = 0;
	for (; from < to; from++)
		n += orig[from] == '\n' || (orig[from] == '\r' && orig[from + 1] != '\n');
	return n;
}

/* The published long format, from text (owned here), after the header (head[0..nh)). */
static int parse_nhstt(char *text, size_t tlen, char *pos, char **head, int nh, const char *path, const char *org, iapt_target **out,
		       size_t *nout, iapt_targets_report *rep)
{
	static const char *const need[] = {"year", "org_type", "org_code", "variable_type", "variable_a", "variable_b",
					   "measure", "statistic", "value"};
	enum { C_YEAR, C_ORG_TYPE, C_ORG_CODE, C_VT, C_VA, C_VB, C_MEASURE, C_STAT, C_VALUE, C__N };
	int col[C__N], c, k, nf, line = 2, next = 2, rc = IAPT_OK;
	char *f[MAX_FIELDS], *orig = malloc(tlen + 1);
	found *fd = NULL;
	size_t n = 0, cap = 0, i;
	if (!orig) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto done;
	}
	/* text's header is split already (NULs in it); the rest is as read */
	memcpy(orig, text, tlen + 1);
	for (c = 0; c < C__N; c++) {
		for (col[c] = -1, k = 0; k < nh; k++)
			if (!strcmp(head[k], need[c]))
				col[c] = k;
		if (col[c] < 0) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:1: no '%s' column (the published long format has year,org_type,org_code,"
						       "org_name,variable_type,variable_a,variable_b,measure,statistic,value)", path, need[c]);
			goto done;
		}
	}
	for (;;) {
		const char *start = pos;
		const iapt_nhstt_group_map *gm;
		const iapt_nhstt_measure_map *mm;
		found x;
		double v = NAN;
		int year, g, m;
		nf = iapt_csv__record(&pos, f, MAX_FIELDS);
		if (!nf)
			break;
		line = next; /* where this record starts; the next starts after its line breaks */
		next += line_breaks(orig, (size_t)(start - text), (size_t)(pos - text));
		if (nf < 0) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: a quoted field is not closed", path, line);
			goto done;
		}
		if (nf == 1 && !f[0][0])
			continue; /* a blank line */
		if (nf != nh) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d: %d fields, the header has %d", path, line, nf, nh);
			goto done;
		}
		if (parse_year(f[col[C_YEAR]], &year)) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d:%d: '%s' is not a financial year (2019-20)", path, line, col[C_YEAR] + 1,
					     f[col[C_YEAR]]);
			goto done;
		}
		if (!is_suppressed(f[col[C_VALUE]]) && iapt_str__number(f[col[C_VALUE]], &v)) {
			rc = iapt_error__set(IAPT_EPARSE, "%s:%d:%d: '%s' is not a number (nor a suppressed value: *, NULL, NA or empty)",
					     path, line, col[C_VALUE] + 1, f[col[C_VALUE]]);
			goto done;
		}
		rep->rows++;
		if (org ? strcmp(f[col[C_ORG_CODE]], org) : strcasecmp(f[col[C_ORG_TYPE]], "England")) {
			rep->other_org++;
			continue;
		}
		if (!strncasecmp(f[col[C_VA]], "Not stated", 10)) {
			rep->not_stated++;
			continue;
		}
		if (!(gm = find_group_row(f[col[C_VT]], f[col[C_VA]], f[col[C_VB]]))) {
			rep->unmapped_group++;
			continue;
		}
		if (!(mm = find_measure_row(f[col[C_MEASURE]], f[col[C_STAT]])) || (m = iapt_metric_find(mm->metric)) < 0) {
			rep->unmapped_measure++;
			continue;
		}
		if (isnan(v)) {
			rep->suppressed++;
			continue;
		}
		if ((g = iapt_group_find(gm->group)) < 0) {
			not_simulated(rep, gm->group);
			continue;
		}
		if (!iapt_metric_in_group(m, g)) {
			rep->not_reported++;
			continue;
		}
		if (n == cap) {
			found *p;
			cap = cap ? cap * 2 : 256;
			if (!(p = realloc(fd, cap * sizeof *p))) {
				rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
				goto done;
			}
			fd = p;
		}
		memset(&x, 0, sizeof x);
		x.t.year = year;
		x.t.group = g;
		x.t.metric = m;
		x.t.value = v;
		x.t.weight = 1;
		x.line = line;
		fd[n++] = x;
	}
	if (!n) {
		rc = iapt_error__set(IAPT_EPARSE, "%s: no figure iaptsim reports: of %zu rows, %zu of another organisation than %s%s, "
						  "%zu not stated, %zu of groups and %zu of measures not in the map, %zu suppressed, %zu of groups not simulated",
				     path, rep->rows, rep->other_org, org ? org : "England", org ? "" : " (org_type)", rep->not_stated,
				     rep->unmapped_group, rep->unmapped_measure, rep->suppressed, rep->not_simulated);
		goto done;
	}
	/* a figure given twice is a mistake in the file or the map: say where, pick neither */
	{
		found *s = malloc(n * sizeof *s);
		if (!s) {
			rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(s, fd, n * sizeof *s);
		qsort(s, n, sizeof *s, cmp_found);
		for (i = 1; i < n; i++)
			if (s[i].t.year == s[i - 1].t.year && s[i].t.group == s[i - 1].t.group && s[i].t.metric == s[i - 1].t.metric) {
				char lab[8];
				rc = iapt_error__set(IAPT_EPARSE, "%s:%d: %s %s %s is given twice (also on line %d)", path, s[i].line,
						     iapt_year_label(s[i].t.year, lab), iapt_group_name(s[i].t.group),
						     iapt_metric_name(s[i].t.metric), s[i - 1].line);
				break;
			}
		free(s);
		if (rc)
			goto done;
	}
	if (!(*out = malloc(n * sizeof **out))) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		(*out)[i] = fd[i].t;
	*nout = n;
	rep->used = n;
done:
	free(fd);
	free(orig);
	free(text);
	return rc;
}

int iapt_targets_read_buffer(const char *data, size_t len, const char *path, const char *org, iapt_target **out,
			     size_t *nout, iapt_targets_report *rep)
{
	iapt_targets_report own;
	char *text, *pos, *head[MAX_FIELDS], *first = NULL;
	size_t tlen, off, ln, col, k;
	int nh, rc, bad, is_nhstt = 0, has_metric = 0;
	*out = NULL;
	*nout = 0;
	if (!rep)
		rep = &own;
	memset(rep, 0, sizeof *rep);
	if (iapt_gz__is(data, len)) {
		if ((rc = iapt_gz__inflate(path, data, len, IAPT_FILE_MAX_DATA, &text, &tlen)))
			return rc;
	} else {
		if (!(text = malloc(len + 1)))
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		memcpy(text, data, len);
		text[len] = '\0';
		tlen = len;
	}
	/* CSV input is UTF-8 text: a bad byte or a NUL is named at its line and column */
	if ((bad = iapt_text__check(text, tlen, &off, &ln, &col))) {
		rc = bad == 2 ? iapt_error__set(IAPT_EPARSE, "%s:%zu:%zu: not a text file (a NUL byte)", path, ln + 1, col + 1)
			      : iapt_error__set(IAPT_EPARSE, "%s:%zu:%zu: invalid UTF-8 (byte 0x%02X): a CSV file is UTF-8 text", path,
						ln + 1, col + 1, (unsigned char)text[off]);
		free(text);
		return rc;
	}
	/* the shape is the header's: a copy of the first line is split, the text left whole */
	pos = text + iapt_text__bom(text, tlen); /* Excel writes one */
	k = strcspn(pos, "\n");
	if (!(first = malloc(k + 1))) {
		free(text);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	memcpy(first, pos, k);
	first[k] = '\0';
	{
		char *hp = first;
		nh = iapt_csv__record(&hp, head, MAX_FIELDS);
		for (bad = 0; bad < nh; bad++) {
			has_metric |= !strcmp(head[bad], "metric");
			is_nhstt |= !strcmp(head[bad], "variable_type") || !strcmp(head[bad], "measure");
		}
	}
	free(first);
	if (!is_nhstt) {
		rep->shape = has_metric ? IAPT_TARGETS_LONG : IAPT_TARGETS_WIDE;
		if ((rc = iapt_targets_parse(text, path, out, nout))) /* takes text */
			return rc;
		rep->rows = rep->used = *nout;
		return IAPT_OK;
	}
	rep->shape = IAPT_TARGETS_NHSTT;
	if ((nh = iapt_csv__record(&pos, head, MAX_FIELDS)) <= 0) {
		free(text);
		return iapt_error__set(IAPT_EPARSE, "%s:1: expected a header line", path);
	}
	return parse_nhstt(text, tlen, pos, head, nh, path, org, out, nout, rep); /* takes text */
}

int iapt_targets_read(const char *path, const char *org, iapt_target **out, size_t *n, iapt_targets_report *rep)
{
	char *raw;
	size_t len;
	int rc;
	*out = NULL;
	*n = 0;
	if (rep)
		memset(rep, 0, sizeof *rep);
	if ((rc = iapt_file__read_max(path, IAPT_FILE_MAX_DATA, &raw, &len)))
		return rc;
	rc = iapt_targets_read_buffer(raw, len, path, org, out, n, rep);
	free(raw);
	return rc;
}


int iapt_nhstt_write(char **text, size_t *len, const iapt_scenario *sc, const iapt_results *res)
{
	iapt_buf b = {0};
	int y, g, first, last, r, n = iapt_results_replicates(res);
	size_t k, mk;
	double *vals = malloc(2 * (size_t)(n > 0 ? n : 1) * sizeof *vals);
	char lab[8];
	*text = NULL;
	*len = 0;
	if (!vals)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	iapt_results_years(res, &first, &last);
	iapt_buf__printf(&b, "year,org_type,org_code,org_name,variable_type,variable_a,variable_b,measure,statistic,value,lo95,hi95\n");
	for (y = first; y <= last; y++)
		for (g = 0; g < IAPT_G__COUNT; g++) {
			const iapt_nhstt_group_map *gm = NULL;
			for (k = 0; k < N_GROUP_MAP && !gm; k++)
				if (!strcmp(group_map[k].group, iapt_group_name(g)))
					gm = &group_map[k]; /* the first: the newest spelling */
			if (!gm)
				continue;
			for (mk = 0; mk < N_MEASURE_MAP; mk++) {
				iapt_summary s;
				int m = iapt_metric_find(measure_map[mk].metric);
				if (m < 0 || !iapt_metric_in_group(m, g))
					continue;
				for (r = 0; r < n; r++)
					vals[r] = iapt_results_value(res, y, g, m, r);
				iapt_stats_summarise(vals, (size_t)n, vals + n, &s);
				iapt_buf__printf(&b, "%s,England,iaptsim,", iapt_year_label(y, lab));
				iapt_buf__csv_text(&b, sc->name);
				iapt_buf__put(&b, ",", 1);
				iapt_buf__csv_text(&b, gm->variable_type);
				iapt_buf__put(&b, ",", 1);
				iapt_buf__csv_text(&b, gm->variable_a ? gm->variable_a : "NULL");
				iapt_buf__put(&b, ",", 1);
				iapt_buf__csv_text(&b, gm->variable_b ? gm->variable_b : "NULL");
				iapt_buf__printf(&b, ",%s,%s,", measure_map[mk].measure, measure_map[mk].statistic);
				iapt_buf__number(&b, s.mean, "NULL");
				iapt_buf__put(&b, ",", 1);
				iapt_buf__number(&b, s.lo95, "NULL");
				iapt_buf__put(&b, ",", 1);
				iapt_buf__number(&b, s.hi95, "NULL");
				iapt_buf__put(&b, "\n", 1);
			}
		}
	free(vals);
	if (!iapt_buf__ok(&b)) {
		iapt_buf__free(&b);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	*text = b.ptr;
	*len = b.len;
	return IAPT_OK;
}
