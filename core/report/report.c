/* report.html: a self-contained page built from the files of a results folder (run,
 * compare or sensitivity), with charts as inline SVG. No scripts, fonts or external files:
 * it opens from the file, reads without colour (dashes, markers and hatching tell series
 * apart) and prints on A4. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iaptsim/calib.h"
#include "iaptsim/econ.h"
#include "iaptsim/report.h"
#include "iaptsim/sim.h"
#include "util/util.h"

extern const unsigned char iapt__national_annual[];
extern const size_t iapt__national_annual_len;

/* ---- a CSV file as a table of strings ---- */

#define MAX_COLS 64

typedef struct table {
	char *text;
	char *head[MAX_COLS];
	int ncols;
	char **cells; /* [row][col] */
	size_t nrows;
} table;

static void table_free(table *t)
{
	free(t->text);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

/* 1 loaded, 0 no such file, < 0 an error */
static int table_load(const char *dir, const char *name, table *t)
{
	char path[4200], *pos, *f[MAX_COLS];
	size_t len, cap = 0;
	int n, k;
	FILE *probe;
	memset(t, 0, sizeof *t);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(probe = fopen(path, "rb")))
		return 0;
	fclose(probe);
	if (iapt_file__read(path, &t->text, &len))
		return -1;
	pos = t->text;
	t->ncols = iapt_csv__record(&pos, t->head, MAX_COLS);
	if (t->ncols <= 0) {
		table_free(t);
		return iapt_error__set(IAPT_EPARSE, "%s: no header", path);
	}
	while ((n = iapt_csv__record(&pos, f, MAX_COLS)) > 0) {
		if (n != t->ncols)
			continue;
		if (t->nrows == cap) {
			char **c;
			cap = cap ? cap * 2 : 256;
			if (!(c = realloc(t->cells, cap * (size_t)t->ncols * sizeof *c))) {
				table_free(t);
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
			}
			t->cells = c;
		}
		for (k = 0; k < n; k++)
			t->cells[t->nrows * (size_t)t->ncols + (size_t)k] = f[k];
		t->nrows++;
	}
	return 1;
}

static int col(const table *t, const char *name)
{
	int k;
	for (k = 0; k < t->ncols; k++)
		if (!strcmp(t->head[k], name))
			return k;
	return -1;
}

static const char *cell(const table *t, size_t r, int c)
{
	return c < 0 ? "" : t->cells[r * (size_t)t->ncols + (size_t)c];
}

static double num(const char *s)
{
	char *end;
	double v;
	if (!s || !*s || !strcmp(s, "NA"))
		return NAN;
	v = strtod(s, &end);
	return *end ? NAN : v;
}

/* The row of a table whose columns a and b hold va and vb (b may be NULL); (size_t)-1 if none. */
static size_t find2(const table *t, const char *a, const char *va, const char *b, const char *vb)
{
	int ca = col(t, a), cb = b ? col(t, b) : -1;
	size_t r;
	for (r = 0; r < t->nrows; r++)
		if (!strcmp(cell(t, r, ca), va) && (!b || !strcmp(cell(t, r, cb), vb)))
			return r;
	return (size_t)-1;
}

static size_t find3(const table *t, const char *va, const char *vb, const char *vc)
{
	int c0 = col(t, "year"), c1 = col(t, "group"), c2 = col(t, "metric");
	size_t r;
	for (r = 0; r < t->nrows; r++)
		if (!strcmp(cell(t, r, c0), va) && !strcmp(cell(t, r, c1), vb) && !strcmp(cell(t, r, c2), vc))
			return r;
	return (size_t)-1;
}

/* ---- text ---- */

static void esc(iapt_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': iapt_buf__printf(b, "&lt;"); break;
		case '>': iapt_buf__printf(b, "&gt;"); break;
		case '&': iapt_buf__printf(b, "&amp;"); break;
		case '"': iapt_buf__printf(b, "&quot;"); break;
		default: iapt_buf__put(b, s, 1);
		}
	}
}

/* GBP 1.23bn, 45.6m, 7.8k, 950 */
static const char *money(char *buf, size_t n, double v)
{
	double a = fabs(v);
	if (!isfinite(v))
		snprintf(buf, n, "n/a");
	else if (a >= 1e9)
		snprintf(buf, n, "%s%.2fbn", v < 0 ? "-" : "", a / 1e9);
	else if (a >= 1e6)
		snprintf(buf, n, "%s%.1fm", v < 0 ? "-" : "", a / 1e6);
	else if (a >= 1e4)
		snprintf(buf, n, "%s%.1fk", v < 0 ? "-" : "", a / 1e3);
	else
		snprintf(buf, n, "%.0f", v);
	return buf;
}

static const char *count(char *buf, size_t n, double v)
{
	char d[64];
	size_t len, i, k = 0, lead;
	if (!isfinite(v))
		return snprintf(buf, n, "n/a"), buf;
	snprintf(d, sizeof d, "%.0f", fabs(v));
	len = strlen(d);
	lead = len % 3 ? len % 3 : 3;
	if (v < 0)
		buf[k++] = '-';
	for (i = 0; i < len && k + 2 < n; i++) {
		if (i >= lead && (i - lead) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = d[i];
	}
	buf[k] = '\0';
	return buf;
}

/* ---- charts ---- */

#define W 720.0
#define H 300.0
#define ML 78.0
#define MR 205.0
#define MT 40.0
#define MB 52.0
#define MAXP 128

typedef struct series {
	const char *label;
	int n;
	double x[MAXP], y[MAXP], lo[MAXP], hi[MAXP];
	int interval;    /* draw lo..hi */
	int points_only; /* published figures: markers, no line */
} series;

static const char *const dashes[] = {"", "8 4", "2 3", "10 3 2 3"};

static void marker(iapt_buf *b, int style, double x, double y)
{
	switch (style % 4) {
	case 0: iapt_buf__printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" class=\"m0\"/>", x, y); break;
	case 1: iapt_buf__printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" class=\"m1\"/>", x - 3.5, y - 3.5); break;
	case 2: iapt_buf__printf(b, "<path d=\"M%.1f %.1fl4 7h-8z\" class=\"m2\"/>", x, y - 4.5); break;
	default: iapt_buf__printf(b, "<path d=\"M%.1f %.1fl4.5 4.5-4.5 4.5-4.5-4.5z\" class=\"m3\"/>", x, y - 4.5); break;
	}
}

static double nice_step(double range)
{
	double e = pow(10, floor(log10(range / 5))), f = range / 5 / e;
	return e * (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10);
}

static void chart_open(iapt_buf *b, int *id, const char *title, const char *desc)
{
	(*id)++;
	iapt_buf__printf(b, "<figure class=\"chart\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"c%dt c%dd\" xmlns=\"http://www.w3.org/2000/svg\">", W, H, *id, *id);
	iapt_buf__printf(b, "<title id=\"c%dt\">", *id);
	esc(b, title);
	iapt_buf__printf(b, "</title><desc id=\"c%dd\">", *id);
	esc(b, desc);
	iapt_buf__printf(b, "</desc><text x=\"%.0f\" y=\"22\" class=\"chart-title\">", ML);
	esc(b, title);
	iapt_buf__printf(b, "</text>");
}

static void axis_labels(iapt_buf *b, const char *xlabel, const char *ylabel)
{
	iapt_buf__printf(b, "<text x=\"%.1f\" y=\"%.1f\" class=\"x-label\" text-anchor=\"middle\">", ML + (W - ML - MR) / 2, H - 10);
	esc(b, xlabel);
	iapt_buf__printf(b, "</text><text transform=\"translate(16 %.1f) rotate(-90)\" class=\"y-label\" text-anchor=\"middle\">", MT + (H - MT - MB) / 2);
	esc(b, ylabel);
	iapt_buf__printf(b, "</text>");
}

/* y axis from lo to hi with ticks formatted by fmt ("%.0f", "money") */
static void y_axis(iapt_buf *b, double lo, double hi, int is_money)
{
	double step = nice_step(hi - lo), v;
	for (v = ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
		double y = MT + (H - MT - MB) * (1 - (v - lo) / (hi - lo));
		char t[32];
		if (is_money)
			money(t, sizeof t, v);
		else if (fabs(v) >= 1e4)
			count(t, sizeof t, v);
		else
			snprintf(t, sizeof t, "%g", v);
		iapt_buf__printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.0f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>",
				 ML, W - MR, y, y, ML - 6, y + 4, t);
	}
	iapt_buf__printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"axis\"/><line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"axis\"/>",
			 ML, ML, MT, H - MB, ML, W - MR, H - MB, H - MB);
}

static void range_of(const series *s, int ns, double *lo, double *hi, int from_zero)
{
	int i, k;
	*lo = INFINITY;
	*hi = -INFINITY;
	for (k = 0; k < ns; k++)
		for (i = 0; i < s[k].n; i++) {
			double a = s[k].interval ? s[k].lo[i] : s[k].y[i], c = s[k].interval ? s[k].hi[i] : s[k].y[i];
			if (isfinite(a) && a < *lo)
				*lo = a;
			if (isfinite(c) && c > *hi)
				*hi = c;
		}
	if (!isfinite(*lo)) {
		*lo = 0;
		*hi = 1;
	}
	if (from_zero && *lo > 0)
		*lo = 0;
	if (*hi - *lo < 1e-9 * (fabs(*hi) + 1)) {
		*hi += fabs(*hi) * 0.1 + 1;
		*lo -= from_zero ? 0 : fabs(*lo) * 0.1 + 1;
	}
	{
		double step = nice_step(*hi - *lo);
		*lo = floor(*lo / step) * step;
		*hi = ceil(*hi / step) * step;
	}
}

/* Lines by financial year (x = first calendar year), with intervals and published points. */
static void line_chart(iapt_buf *b, int *id, const char *title, const char *desc, const char *ylabel, series *s, int ns,
		       int from_zero, int is_money)
{
	double lo, hi, x0 = INFINITY, x1 = -INFINITY;
	int k, i;
	char lab[8];
	for (k = 0; k < ns; k++)
		for (i = 0; i < s[k].n; i++) {
			x0 = fmin(x0, s[k].x[i]);
			x1 = fmax(x1, s[k].x[i]);
		}
	if (!isfinite(x0))
		return;
	if (x1 == x0) {
		x0 -= 1;
		x1 += 1;
	}
	range_of(s, ns, &lo, &hi, from_zero);
	chart_open(b, id, title, desc);
	y_axis(b, lo, hi, is_money);
#define PX(x) (ML + (W - ML - MR) * ((x) - x0) / (x1 - x0))
#define PY(y) (MT + (H - MT - MB) * (1 - ((y) - lo) / (hi - lo)))
	for (i = (int)x0; i <= (int)x1; i++)
		if ((int)x1 - (int)x0 < 12 || (i - (int)x0) % 2 == 0)
			iapt_buf__printf(b, "<text x=\"%.1f\" y=\"%.0f\" class=\"tick\" text-anchor=\"middle\">%s</text>", PX(i), H - MB + 16,
					 iapt_year_label(i, lab));
	for (k = 0; k < ns; k++) {
		if (s[k].interval)
			for (i = 0; i < s[k].n; i++)
				if (isfinite(s[k].lo[i]) && isfinite(s[k].hi[i]))
					iapt_buf__printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"ci\"/>", PX(s[k].x[i]),
							 PX(s[k].x[i]), PY(s[k].lo[i]), PY(s[k].hi[i]));
		if (!s[k].points_only && s[k].n > 1) {
			iapt_buf__printf(b, "<polyline class=\"line\" stroke-dasharray=\"%s\" points=\"", dashes[k % 4]);
			for (i = 0; i < s[k].n; i++)
				if (isfinite(s[k].y[i]))
					iapt_buf__printf(b, "%.1f,%.1f ", PX(s[k].x[i]), PY(s[k].y[i]));
			iapt_buf__printf(b, "\"/>");
		}
		for (i = 0; i < s[k].n; i++)
			if (isfinite(s[k].y[i]))
				marker(b, k, PX(s[k].x[i]), PY(s[k].y[i]));
		/* legend, at the right: marker, dash, label */
		{
			double ly = MT + 10 + 22 * k, lx = W - MR + 14;
			if (!s[k].points_only)
				iapt_buf__printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"line\" stroke-dasharray=\"%s\"/>", lx, lx + 24,
						 ly, ly, dashes[k % 4]);
			marker(b, k, lx + 12, ly);
			iapt_buf__printf(b, "<text x=\"%.0f\" y=\"%.0f\" class=\"legend\">", lx + 30, ly + 4);
			esc(b, s[k].label);
			iapt_buf__printf(b, "</text>");
		}
	}
#undef PX
#undef PY
	axis_labels(b, "financial year", ylabel);
	iapt_buf__printf(b, "</svg></figure>\n");
}

/* Grouped bars: categories along x, n_groups bars each, hatched differently. */
static void bar_chart(iapt_buf *b, int *id, const char *title, const char *desc, const char *xlabel, const char *ylabel,
		      const char *const *cats, int ncat, const char *const *groups, int ng, const double *v /* [cat][group] */, int is_money)
{
	double lo = 0, hi = 0, bw;
	int c, g;
	series dummy;
	for (c = 0; c < ncat * ng; c++)
		if (isfinite(v[c])) {
			lo = fmin(lo, v[c]);
			hi = fmax(hi, v[c]);
		}
	memset(&dummy, 0, sizeof dummy);
	dummy.n = 2;
	dummy.y[0] = lo;
	dummy.y[1] = hi;
	range_of(&dummy, 1, &lo, &hi, 1);
	chart_open(b, id, title, desc);
	y_axis(b, lo, hi, is_money);
	bw = (W - ML - MR) / ncat / (ng + 1);
	for (c = 0; c < ncat; c++) {
		double cx = ML + (W - ML - MR) * (c + 0.5) / ncat;
		for (g = 0; g < ng; g++) {
			double val = v[c * ng + g], x = cx - bw * ng / 2 + g * bw, y0 = MT + (H - MT - MB) * (1 - (0 - lo) / (hi - lo)),
			       y1 = MT + (H - MT - MB) * (1 - (val - lo) / (hi - lo));
			if (!isfinite(val))
				continue;
			iapt_buf__printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\" fill=\"url(#h%d)\"/>", x,
					 fmin(y0, y1), bw * 0.9, fabs(y1 - y0), g % 4);
		}
		iapt_buf__printf(b, "<text x=\"%.1f\" y=\"%.0f\" class=\"tick\" text-anchor=\"middle\">", cx, H - MB + 16);
		esc(b, cats[c]);
		iapt_buf__printf(b, "</text>");
	}
	for (g = 0; g < ng; g++) {
		double ly = MT + 10 + 22 * g, lx = W - MR + 14;
		iapt_buf__printf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"16\" height=\"12\" class=\"bar\" fill=\"url(#h%d)\"/><text x=\"%.0f\" y=\"%.0f\" class=\"legend\">",
				 lx, ly - 7, g % 4, lx + 22, ly + 4);
		esc(b, groups[g]);
		iapt_buf__printf(b, "</text>");
	}
	axis_labels(b, xlabel, ylabel);
	iapt_buf__printf(b, "</svg></figure>\n");
}

/* ---- sections ---- */

typedef struct ctx {
	const char *dir;
	iapt_buf *b;
	int chart;
	table summary, economics, ceac, tornado, comparison;
	json_t *run;
	int first, last;
	iapt_target *pub;
	size_t npub;
} ctx;

static double sval(const ctx *c, int year, const char *group, const char *metric, const char *what)
{
	char lab[8];
	size_t r = find3(&c->summary, iapt_year_label(year, lab), group, metric);
	return r == (size_t)-1 ? NAN : num(cell(&c->summary, r, col(&c->summary, what)));
}

static double eval_(const ctx *c, const char *persp, const char *measure, const char *what)
{
	size_t r = find2(&c->economics, "perspective", persp, "measure", measure);
	return r == (size_t)-1 ? NAN : num(cell(&c->economics, r, col(&c->economics, what)));
}

static double published(const ctx *c, int year, int metric)
{
	size_t k;
	for (k = 0; k < c->npub; k++)
		if (c->pub[k].year == year && c->pub[k].metric == metric)
			return c->pub[k].value;
	return NAN;
}

static void metric_series(const ctx *c, series *s, const char *label, const char *metric, int interval)
{
	int y;
	memset(s, 0, sizeof *s);
	s->label = label;
	s->interval = interval;
	for (y = c->first; y <= c->last && s->n < MAXP; y++) {
		s->x[s->n] = y;
		s->y[s->n] = sval(c, y, "all", metric, "mean");
		s->lo[s->n] = sval(c, y, "all", metric, "lo95");
		s->hi[s->n] = sval(c, y, "all", metric, "hi95");
		s->n++;
	}
}

static int published_series(const ctx *c, series *s, const char *label, int metric)
{
	int y;
	memset(s, 0, sizeof *s);
	s->label = label;
	s->points_only = 1;
	for (y = c->first; y <= c->last && s->n < MAXP; y++) {
		double v = published(c, y, metric);
		if (isfinite(v)) {
			s->x[s->n] = y;
			s->y[s->n++] = v;
		}
	}
	return s->n;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

static void headline(ctx *c)
{
	iapt_buf *b = c->b;
	char t1[48], t2[48];
	double treated = 0, recovered = 0;
	int y, p;
	for (y = c->first; y <= c->last; y++) {
		double e = sval(c, y, "all", "entered_treatment", "mean"), rec = sval(c, y, "all", "recovery_pct", "mean"),
		       cas = sval(c, y, "all", "finished_at_caseness", "mean");
		if (isfinite(e))
			treated += e;
		if (isfinite(rec) && isfinite(cas))
			recovered += rec / 100 * cas;
	}
	char y0[8], y1[8];
	iapt_buf__printf(b, "<section><h2>Headline</h2><table class=\"headline\"><caption>%s to %s, national, mean of replicates</caption>"
			    "<tr><th>People entering treatment</th><td>%s</td></tr>",
			 iapt_year_label(c->first, y0), iapt_year_label(c->last, y1), count(t1, sizeof t1, treated));
	iapt_buf__printf(b, "<tr><th>People recovered (official definition)</th><td>%s</td></tr></table>\n", count(t2, sizeof t2, recovered));
	if (!c->economics.nrows)
		return;
	iapt_buf__printf(b, "<table><caption>Appraisal by perspective: present values, GBP (mean of replicates, 95%% interval)</caption>"
			    "<tr><th>perspective</th><th>costs</th><th>benefits</th><th>net present value</th><th>benefit-cost ratio</th><th>QALYs gained</th><th>cost per QALY</th></tr>\n");
	for (p = 0; p < IAPT_PERSP__COUNT; p++) {
		static const char *const ms[6] = {"pv_costs", "pv_benefits", "npv", "bcr", "qalys", "cost_per_qaly"};
		const char *pn = iapt_perspective_name(p);
		int m;
		if (find2(&c->economics, "perspective", pn, "measure", "npv") == (size_t)-1)
			continue;
		iapt_buf__printf(b, "<tr><th>%s</th>", p == IAPT_PERSP_NHS ? "NHS" : p == IAPT_PERSP_EXCHEQUER ? "Exchequer" : "society (NPSV)");
		for (m = 0; m < 6; m++) {
			double v = eval_(c, pn, ms[m], "mean"), lo = eval_(c, pn, ms[m], "lo95"), hi = eval_(c, pn, ms[m], "hi95");
			char a[32], l[32], h[32];
			if (m == 3)
				iapt_buf__printf(b, "<td>%.2f<br><small>%.2f to %.2f</small></td>", v, lo, hi);
			else if (m == 4)
				iapt_buf__printf(b, "<td>%s<br><small>%s to %s</small></td>", count(a, sizeof a, v), count(l, sizeof l, lo), count(h, sizeof h, hi));
			else
				iapt_buf__printf(b, "<td>%s<br><small>%s to %s</small></td>", money(a, sizeof a, v), money(l, sizeof l, lo), money(h, sizeof h, hi));
		}
		iapt_buf__printf(b, "</tr>\n");
	}
	iapt_buf__printf(b, "</table><p class=\"note\">A negative cost per QALY means the programme saves money in that perspective while adding QALYs. "
			    "Society's NPV counts QALYs at their value in the economics settings; the NHS and the Exchequer count money only.</p></section>\n");
}

/* The pathway's charts: two model series each, and the published figures beside them. */
static const struct {
	const char *title, *desc, *ylabel;
	int from_zero;
	const char *label[2], *metric[2];
	int id[2];
} pathway[] = {
	{"People entering treatment and finishing a course, by year",
	 "Model means with 95% intervals across replicates; published national figures as separate markers where they exist.",
	 "people a year (national)", 1, {"entered", "finished"}, {"entered_treatment", "finished_course"},
	 {IAPT_M_ENTERED_TREATMENT, IAPT_M_FINISHED_COURSE}},
	{"Recovery and reliable improvement, by year",
	 "Per cent of finished courses by the national definitions; model means with 95% intervals; published figures as markers.",
	 "per cent of finished courses", 0, {"recovery", "reliable improvement"}, {"recovery_pct", "reliable_improvement_pct"},
	 {IAPT_M_RECOVERY_PCT, IAPT_M_RELIABLE_IMPROVEMENT_PCT}},
	{"Waits: first treatment within 6 and 18 weeks of referral",
	 "Per cent of finished courses whose first treatment came within 6 and 18 weeks; model with 95% intervals, published as markers.",
	 "per cent of finished courses", 0, {"within 6 weeks", "within 18 weeks"},
	 {"first_treatment_within_6wk_pct", "first_treatment_within_18wk_pct"}, {IAPT_M_WITHIN_6WK_PCT, IAPT_M_WITHIN_18WK_PCT}},
};

static void pathway_charts(ctx *c)
{
	series s[4];
	char labels[4][64];
	size_t k;
	int n, i;
	if (!c->summary.nrows)
		return;
	iapt_buf__printf(c->b, "<section><h2>The pathway</h2>\n");
	for (k = 0; k < sizeof pathway / sizeof pathway[0]; k++) {
		n = 0;
		for (i = 0; i < 2; i++) {
			snprintf(labels[n], sizeof labels[n], "%s (model)", pathway[k].label[i]);
			metric_series(c, &s[n], labels[n], pathway[k].metric[i], 1);
			n++;
		}
		for (i = 0; i < 2; i++) {
			snprintf(labels[n], sizeof labels[n], "%s (published)", pathway[k].label[i]);
			n += published_series(c, &s[n], labels[n], pathway[k].id[i]) > 0;
		}
		line_chart(c->b, &c->chart, pathway[k].title, pathway[k].desc, pathway[k].ylabel, s, n, pathway[k].from_zero, 0);
	}
	iapt_buf__printf(c->b, "</section>\n");
}

static void money_chart(ctx *c)
{
	static const char *const groups[2] = {"costs (present value)", "benefits (present value)"};
	const char *cats[IAPT_PERSP__COUNT];
	double v[2 * IAPT_PERSP__COUNT];
	int p, n = 0;
	if (!c->economics.nrows)
		return;
	for (p = 0; p < IAPT_PERSP__COUNT; p++) {
		const char *pn = iapt_perspective_name(p);
		if (find2(&c->economics, "perspective", pn, "measure", "npv") == (size_t)-1)
			continue;
		cats[n] = p == IAPT_PERSP_NHS ? "NHS" : p == IAPT_PERSP_EXCHEQUER ? "Exchequer" : "society";
		v[2 * n] = eval_(c, pn, "pv_costs", "mean");
		v[2 * n + 1] = eval_(c, pn, "pv_benefits", "mean");
		n++;
	}
	if (!n)
		return;
	iapt_buf__printf(c->b, "<section><h2>Costs and benefits</h2>\n");
	bar_chart(c->b, &c->chart, "Costs and benefits by perspective", "Present values over the run and its follow-up, discounted; mean of replicates.",
		  "perspective", "GBP (present value)", cats, n, groups, 2, v, 1);
	iapt_buf__printf(c->b, "</section>\n");
}

static void ceac_chart(ctx *c)
{
	series s[4];
	int ns = 0, ct = col(&c->ceac, "threshold"), cs = col(&c->ceac, "strategy"), cp = col(&c->ceac, "probability"), cpe = col(&c->ceac, "perspective");
	size_t r;
	const char *persp = "nhs";
	if (!c->ceac.nrows)
		return;
	memset(s, 0, sizeof s);
	for (r = 0; r < c->ceac.nrows; r++) {
		const char *st = cell(&c->ceac, r, cs);
		int k;
		if (strcmp(cell(&c->ceac, r, cpe), persp))
			continue;
		for (k = 0; k < ns && strcmp(s[k].label, st); k++)
			;
		if (k == ns) {
			if (ns == 4)
				continue;
			s[ns++].label = st;
		}
		if (s[k].n < MAXP) {
			s[k].x[s[k].n] = num(cell(&c->ceac, r, ct)) / 1000;
			s[k].y[s[k].n++] = num(cell(&c->ceac, r, cp));
		}
	}
	if (!ns)
		return;
	/* thresholds on x: a line chart with its own axis */
	{
		double x0 = s[0].x[0], x1 = s[0].x[s[0].n - 1], lo = 0, hi = 1;
		int k, i;
		iapt_buf__printf(c->b, "<section><h2>Acceptability</h2>\n");
		chart_open(c->b, &c->chart, "Cost-effectiveness acceptability curve (NHS perspective)",
			   "Share of draws in which each strategy has the highest net monetary benefit, against the threshold value of a QALY.");
		y_axis(c->b, lo, hi, 0);
		for (i = 0; i <= 4; i++) {
			double x = x0 + (x1 - x0) * i / 4;
			iapt_buf__printf(c->b, "<text x=\"%.1f\" y=\"%.0f\" class=\"tick\" text-anchor=\"middle\">%g</text>", ML + (W - ML - MR) * i / 4, H - MB + 16, x);
		}
		for (k = 0; k < ns; k++) {
			double ly = MT + 10 + 22 * k, lx = W - MR + 14;
			iapt_buf__printf(c->b, "<polyline class=\"line\" stroke-dasharray=\"%s\" points=\"", dashes[k % 4]);
			for (i = 0; i < s[k].n; i++)
				iapt_buf__printf(c->b, "%.1f,%.1f ", ML + (W - ML - MR) * (s[k].x[i] - x0) / (x1 - x0 > 0 ? x1 - x0 : 1),
						 MT + (H - MT - MB) * (1 - s[k].y[i]));
			iapt_buf__printf(c->b, "\"/><line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"line\" stroke-dasharray=\"%s\"/>", lx, lx + 24, ly, ly,
					 dashes[k % 4]);
			iapt_buf__printf(c->b, "<text x=\"%.0f\" y=\"%.0f\" class=\"legend\">", lx + 30, ly + 4);
			esc(c->b, s[k].label);
			iapt_buf__printf(c->b, "</text>");
		}
		axis_labels(c->b, "threshold (GBP thousand per QALY)", "probability cost-effective");
		iapt_buf__printf(c->b, "</svg></figure>\n</section>\n");
	}
}

static void tornado_chart(ctx *c)
{
	table *t = &c->tornado;
	int cn = col(t, "parameter"), cl = col(t, "outcome_low"), ch = col(t, "outcome_high"), cb = col(t, "outcome_base"), cm = col(t, "measure");
	double lo = INFINITY, hi = -INFINITY, base;
	size_t r, n = t->nrows < 12 ? t->nrows : 12;
	if (!n)
		return;
	base = num(cell(t, 0, cb));
	for (r = 0; r < n; r++) {
		lo = fmin(lo, fmin(num(cell(t, r, cl)), num(cell(t, r, ch))));
		hi = fmax(hi, fmax(num(cell(t, r, cl)), num(cell(t, r, ch))));
	}
	lo = fmin(lo, base);
	hi = fmax(hi, base);
	if (hi - lo <= 0)
		hi = lo + 1;
	iapt_buf__printf(c->b, "<section><h2>One-way sensitivity</h2>\n");
	{
		char title[256], ylabel[200];
		double bh = (H - MT - MB) / (double)n, span = hi - lo;
		snprintf(title, sizeof title, "Tornado: %s at each parameter's low and high value", cell(t, 0, cm));
		snprintf(ylabel, sizeof ylabel, "parameter");
		chart_open(c->b, &c->chart, title, "Bars run from the outcome at the low value to the outcome at the high value; the vertical line is the base case.");
		for (r = 0; r < n; r++) {
			double a = num(cell(t, r, cl)), z = num(cell(t, r, ch)), y = MT + bh * (double)r;
			double xa = ML + 90 + (W - ML - MR - 90) * (a - lo) / span, xz = ML + 90 + (W - ML - MR - 90) * (z - lo) / span;
			double xb = ML + 90 + (W - ML - MR - 90) * (base - lo) / span;
			/* from the base case to the outcome at the low value (solid), and at the high value (hatched) */
			iapt_buf__printf(c->b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\" fill=\"url(#h0)\"/>", fmin(xa, xb), y + 3,
					 fabs(xb - xa), bh - 6);
			iapt_buf__printf(c->b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\" fill=\"url(#h1)\"/>", fmin(xz, xb), y + 3,
					 fabs(xb - xz), bh - 6);
			iapt_buf__printf(c->b, "<text x=\"%.0f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">", ML + 86, y + bh / 2 + 4);
			esc(c->b, cell(t, r, cn));
			iapt_buf__printf(c->b, "</text>");
		}
		{
			double xb = ML + 90 + (W - ML - MR - 90) * (base - lo) / span;
			char a[32], z[32];
			iapt_buf__printf(c->b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" class=\"axis\"/>", xb, xb, MT, H - MB);
			iapt_buf__printf(c->b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"axis\"/>", ML + 90, W - MR, H - MB, H - MB);
			int is_money = !strstr(cell(t, 0, cm), "bcr") && !strstr(cell(t, 0, cm), "qalys") && !strstr(cell(t, 0, cm), "payback");
			if (!is_money) {
				snprintf(a, sizeof a, "%.3g", lo);
				snprintf(z, sizeof z, "%.3g", hi);
			}
			iapt_buf__printf(c->b, "<text x=\"%.0f\" y=\"%.0f\" class=\"tick\">%s</text><text x=\"%.0f\" y=\"%.0f\" class=\"tick\" text-anchor=\"end\">%s</text>",
					 ML + 90, H - MB + 16, is_money ? money(a, sizeof a, lo) : a, W - MR, H - MB + 16, is_money ? money(z, sizeof z, hi) : z);
		}
		{
			static const char *const lg[2] = {"at the low value", "at the high value"};
			int g;
			for (g = 0; g < 2; g++)
				iapt_buf__printf(c->b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"16\" height=\"12\" class=\"bar\" fill=\"url(#h%d)\"/><text x=\"%.0f\" y=\"%.0f\" class=\"legend\">%s</text>",
						 W - MR + 14, MT + 3 + 22.0 * g, g, W - MR + 36, MT + 14 + 22.0 * g, lg[g]);
		}
		axis_labels(c->b, cell(t, 0, cm), ylabel);
		iapt_buf__printf(c->b, "</svg></figure>\n");
		iapt_buf__printf(c->b, "<table><caption>Outcome at each parameter's low and high value, sorted by swing; the switching value is where the outcome crosses zero</caption>"
				       "<tr><th>parameter</th><th>base</th><th>low</th><th>high</th><th>outcome at low</th><th>outcome at high</th><th>switching value</th></tr>\n");
		for (r = 0; r < t->nrows; r++) {
			iapt_buf__printf(c->b, "<tr><td>");
			esc(c->b, cell(t, r, cn));
			iapt_buf__printf(c->b, "</td><td>%s</td><td>%s</td><td>%s</td><td>%.4g</td><td>%.4g</td><td>%s</td></tr>\n", cell(t, r, col(t, "base")),
					 cell(t, r, col(t, "low")), cell(t, r, col(t, "high")), num(cell(t, r, cl)), num(cell(t, r, ch)),
					 strcmp(cell(t, r, col(t, "switching_value")), "NA") ? cell(t, r, col(t, "switching_value")) : "none");
		}
		iapt_buf__printf(c->b, "</table></section>\n");
	}
}

static void parameter_table(ctx *c)
{
	json_t *ps = c->run ? json_object_get(c->run, "parameters") : NULL;
	size_t i;
	if (!json_is_array(ps))
		return;
	iapt_buf__printf(c->b, "<section class=\"params\"><h2>Parameters</h2><table><caption>Every parameter in force, with its source (values set by the scenario are marked)</caption>"
			       "<tr><th>parameter</th><th>value</th><th>unit</th><th>source</th></tr>\n");
	for (i = 0; i < json_array_size(ps); i++) {
		json_t *p = json_array_get(ps, i);
		const char *origin = jstr(p, "origin");
		json_t *v = json_object_get(p, "value");
		iapt_buf__printf(c->b, "<tr%s><td>", strcmp(origin, "default") ? " class=\"set\"" : "");
		esc(c->b, jstr(p, "name"));
		iapt_buf__printf(c->b, "%s</td><td>%.6g</td><td>", strcmp(origin, "default") ? " (set)" : "", json_is_number(v) ? json_number_value(v) : NAN);
		esc(c->b, jstr(p, "unit"));
		iapt_buf__printf(c->b, "</td><td>");
		esc(c->b, jstr(p, "source"));
		iapt_buf__printf(c->b, "</td></tr>\n");
	}
	iapt_buf__printf(c->b, "</table></section>\n");
}

/* The plugins used, with their option values, and the parameter distributions. */
static void plugins_and_uncertainty(ctx *c)
{
	json_t *pl = c->run ? json_object_get(c->run, "plugins") : NULL, *un = c->run ? json_object_get(c->run, "uncertainty") : NULL;
	json_t *ups = un ? json_object_get(un, "parameters") : NULL;
	size_t i, k;
	if (json_is_array(pl) && json_array_size(pl)) {
		iapt_buf__printf(c->b, "<section class=\"params\"><h2>Plugins</h2><table><caption>Lua plugins used (SHA-256 of each plugin's text in run.json), and their options</caption>"
				       "<tr><th>plugin</th><th>option</th><th>value</th><th>what it does</th></tr>\n");
		for (i = 0; i < json_array_size(pl); i++) {
			json_t *p = json_array_get(pl, i), *opts = json_object_get(p, "options");
			iapt_buf__printf(c->b, "<tr><td>");
			esc(c->b, jstr(p, "name"));
			iapt_buf__printf(c->b, "</td><td colspan=\"2\"></td><td>");
			esc(c->b, jstr(p, "summary"));
			iapt_buf__printf(c->b, "</td></tr>\n");
			for (k = 0; json_is_array(opts) && k < json_array_size(opts); k++) {
				json_t *o = json_array_get(opts, k), *v = json_object_get(o, "value");
				iapt_buf__printf(c->b, "<tr><td></td><td>");
				esc(c->b, jstr(o, "name"));
				iapt_buf__printf(c->b, "</td><td>");
				if (json_is_string(v))
					esc(c->b, json_string_value(v));
				else if (json_is_boolean(v))
					iapt_buf__printf(c->b, "%s", json_is_true(v) ? "true" : "false");
				else
					iapt_buf__printf(c->b, "%.6g", json_number_value(v));
				iapt_buf__printf(c->b, "</td><td>");
				esc(c->b, jstr(o, "doc"));
				iapt_buf__printf(c->b, "</td></tr>\n");
			}
		}
		iapt_buf__printf(c->b, "</table></section>\n");
	}
	if (json_is_array(ups) && json_array_size(ups)) {
		iapt_buf__printf(c->b, "<section class=\"params\"><h2>Parameter uncertainty</h2><table><caption>One draw per replicate, truncated to each parameter's bounds (psa.csv holds the draws)</caption>"
				       "<tr><th>parameter</th><th>distribution</th><th>a</th><th>b</th><th>given at</th></tr>\n");
		for (i = 0; i < json_array_size(ups); i++) {
			json_t *u = json_array_get(ups, i);
			iapt_buf__printf(c->b, "<tr><td>");
			esc(c->b, jstr(u, "name"));
			iapt_buf__printf(c->b, "</td><td>%s</td><td>%.6g</td><td>%.6g</td><td>", jstr(u, "dist"), json_number_value(json_object_get(u, "a")),
					 json_number_value(json_object_get(u, "b")));
			esc(c->b, jstr(u, "origin"));
			iapt_buf__printf(c->b, "</td></tr>\n");
		}
		iapt_buf__printf(c->b, "</table></section>\n");
	}
}

static const char style[] =
	"<style>\n"
	"@page{size:A4;margin:14mm}\n"
	"body{font-family:Georgia,'Times New Roman',serif;color:#111;max-width:180mm;margin:1.5em auto;padding:0 1em;line-height:1.4}\n"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #444;margin-top:1.6em}\n"
	"table{border-collapse:collapse;width:100%;font-size:.85em;margin:.6em 0}th,td{border:1px solid #999;padding:3px 6px;text-align:right;vertical-align:top}\n"
	"th:first-child,td:first-child{text-align:left}caption{text-align:left;font-style:italic;margin-bottom:.3em}\n"
	".params td:nth-child(4){text-align:left;font-size:.9em}.params tr.set td{font-weight:bold}\n"
	"table.headline{width:auto}small{color:#333}.note,.prov{font-size:.85em}\n"
	"figure.chart{margin:1em 0;break-inside:avoid;page-break-inside:avoid}svg{width:100%;height:auto;font-family:Arial,Helvetica,sans-serif}\n"
	".chart-title{font-size:14px;font-weight:bold}.x-label,.y-label{font-size:12px}.tick{font-size:10px}.legend{font-size:11px}\n"
	".grid{stroke:#ddd;stroke-width:1}.axis{stroke:#111;stroke-width:1.2}.line{fill:none;stroke:#111;stroke-width:1.8}.ci{stroke:#555;stroke-width:1.2}\n"
	".m0{fill:#111}.m1{fill:#fff;stroke:#111;stroke-width:1.4}.m2{fill:#555}.m3{fill:#fff;stroke:#111;stroke-width:1.4}\n"
	".bar{stroke:#111;stroke-width:1}\n"
	"@media print{body{margin:0;max-width:none}h2{break-after:avoid}}\n"
	"</style>\n";

/* hatching patterns shared by every chart (legible in grey and on paper) */
static const char patterns[] =
	"<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\" xmlns=\"http://www.w3.org/2000/svg\"><defs>"
	"<pattern id=\"h0\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#444\"/></pattern>"
	"<pattern id=\"h1\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#111\" stroke-width=\"2\"/></pattern>"
	"<pattern id=\"h2\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#bbb\"/><circle cx=\"3\" cy=\"3\" r=\"1.2\" fill=\"#111\"/></pattern>"
	"<pattern id=\"h3\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/></pattern>"
	"</defs></svg>\n";

int iapt_report_write(const char *dir)
{
	ctx c;
	iapt_buf b = {0};
	char path[4200], *pub_text;
	int rc = IAPT_OK;
	json_error_t jerr;
	json_t *sc;
	memset(&c, 0, sizeof c);
	c.dir = dir;
	c.b = &b;
	snprintf(path, sizeof path, "%s/run.json", dir);
	if (!(c.run = json_load_file(path, 0, &jerr))) {
		/* jansson gives line -1 for a file it could not open: say what is missing instead */
		if (jerr.line < 1)
			return iapt_error__set(IAPT_ENOTFOUND, "%s: no run.json here, so no results of iaptsim to report on (run, compare or sensitivity writes a results folder)", dir);
		return iapt_error__set(IAPT_ENOTFOUND, "%s: run.json does not parse (%s, line %d): not a results folder of iaptsim", dir, jerr.text, jerr.line);
	}
	if ((rc = table_load(dir, "summary.csv", &c.summary)) < 0 || (rc = table_load(dir, "economics.csv", &c.economics)) < 0 ||
	    (rc = table_load(dir, "ceac.csv", &c.ceac)) < 0 || (rc = table_load(dir, "tornado.csv", &c.tornado)) < 0 ||
	    (rc = table_load(dir, "comparison.csv", &c.comparison)) < 0)
		goto done;
	rc = IAPT_OK;
	/* the years of the run, from summary.csv */
	c.first = 9999;
	c.last = 0;
	for (size_t r = 0; r < c.summary.nrows; r++) {
		int y = atoi(cell(&c.summary, r, col(&c.summary, "year")));
		if (y > 1900) {
			c.first = y < c.first ? y : c.first;
			c.last = y > c.last ? y : c.last;
		}
	}
	if (!(pub_text = malloc(iapt__national_annual_len + 1))) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(pub_text, iapt__national_annual, iapt__national_annual_len + 1);
	if ((rc = iapt_targets_parse(pub_text, "data/national_annual.csv", &c.pub, &c.npub)))
		goto done;
	sc = json_object_get(c.run, "scenario");
	iapt_buf__printf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>");
	esc(&b, sc ? jstr(sc, "name") : "iaptsim results");
	iapt_buf__printf(&b, " - iaptsim</title>\n%s</head><body>\n%s", style, patterns);
	iapt_buf__printf(&b, "<header><h1>");
	if (sc) {
		esc(&b, jstr(sc, "name"));
		iapt_buf__printf(&b, "</h1><p>");
		esc(&b, jstr(sc, "description"));
		iapt_buf__printf(&b, "</p>");
	} else {
		/* a comparison: its strategies */
		json_t *st = json_object_get(c.run, "strategies");
		size_t i;
		iapt_buf__printf(&b, "Comparison of %zu strategies</h1><p>", json_array_size(st));
		for (i = 0; i < json_array_size(st); i++) {
			iapt_buf__printf(&b, "%s", i ? "; " : "");
			esc(&b, jstr(json_array_get(st, i), "name"));
			iapt_buf__printf(&b, " (%s)", jstr(json_array_get(st, i), "role"));
		}
		iapt_buf__printf(&b, ". Each strategy has a report of its own in its folder.</p>");
	}
	iapt_buf__printf(&b, "</header>\n");
	if (c.summary.nrows)
		headline(&c);
	if (c.comparison.nrows) {
		int cs = col(&c.comparison, "strategy"), cp = col(&c.comparison, "perspective"), cm = col(&c.comparison, "measure"),
		    cmean = col(&c.comparison, "mean"), clo = col(&c.comparison, "lo95"), chi = col(&c.comparison, "hi95");
		size_t r;
		iapt_buf__printf(&b, "<section><h2>Increments over the base</h2><table><caption>Paired by draw (common random numbers): mean, 2.5th and 97.5th percentiles</caption>"
				     "<tr><th>strategy</th><th>perspective</th><th>measure</th><th>mean</th><th>95%% interval</th></tr>\n");
		for (r = 0; r < c.comparison.nrows; r++) {
			char a[32], l[32], h[32];
			int is_q = strstr(cell(&c.comparison, r, cm), "qalys") != NULL, is_p = strstr(cell(&c.comparison, r, cm), "prob_") != NULL;
			double m = num(cell(&c.comparison, r, cmean)), lo = num(cell(&c.comparison, r, clo)), hi = num(cell(&c.comparison, r, chi));
			iapt_buf__printf(&b, "<tr><td>");
			esc(&b, cell(&c.comparison, r, cs));
			iapt_buf__printf(&b, "</td><td>%s</td><td>%s</td>", cell(&c.comparison, r, cp), cell(&c.comparison, r, cm));
			if (is_p)
				iapt_buf__printf(&b, "<td>%.2f</td><td></td></tr>\n", m);
			else if (is_q)
				iapt_buf__printf(&b, "<td>%s</td><td>%s to %s</td></tr>\n", count(a, sizeof a, m), count(l, sizeof l, lo), count(h, sizeof h, hi));
			else
				iapt_buf__printf(&b, "<td>%s</td><td>%s%s%s</td></tr>\n", money(a, sizeof a, m), isfinite(lo) ? money(l, sizeof l, lo) : "",
						 isfinite(lo) ? " to " : "", isfinite(hi) ? money(h, sizeof h, hi) : "");
		}
		iapt_buf__printf(&b, "</table></section>\n");
	}
	pathway_charts(&c);
	money_chart(&c);
	ceac_chart(&c);
	tornado_chart(&c);
	plugins_and_uncertainty(&c);
	parameter_table(&c);
	/* provenance */
	iapt_buf__printf(&b, "<footer class=\"prov\"><h2>Provenance</h2><p>iaptsim %s; ", jstr(c.run, "version"));
	if (sc) {
		iapt_buf__printf(&b, "scenario <code>");
		esc(&b, jstr(sc, "path"));
		iapt_buf__printf(&b, "</code>, SHA-256 <code>%s</code>; ", jstr(sc, "sha256"));
	}
	iapt_buf__printf(&b, "seed %.0f, %.0f replicates", json_number_value(json_object_get(c.run, "seed")) + 0.0,
			 json_number_value(json_object_get(c.run, "replicates")) + 0.0);
	if (json_is_number(json_object_get(c.run, "population_scale")))
		iapt_buf__printf(&b, ", population scale %g", json_number_value(json_object_get(c.run, "population_scale")));
	iapt_buf__printf(&b, ". Command: <code>iaptsim ");
	esc(&b, jstr(c.run, "command"));
	{
		/* the options that shaped the result (run.json "options": [name, value] pairs) */
		json_t *opts = json_object_get(c.run, "options"), *pair;
		size_t k;
		json_array_foreach(opts, k, pair) {
			iapt_buf__printf(&b, " ");
			esc(&b, json_string_value(json_array_get(pair, 0)) ? json_string_value(json_array_get(pair, 0)) : "");
			iapt_buf__printf(&b, " ");
			esc(&b, json_string_value(json_array_get(pair, 1)) ? json_string_value(json_array_get(pair, 1)) : "");
		}
	}
	iapt_buf__printf(&b, "</code> (the output folder, threads and -q do not change results). Counts are national (simulated counts divided by the population scale); intervals are the 2.5th and 97.5th percentiles across replicates. "
			     "Published figures: NHS Digital / NHS England annual reports (data/national_annual.csv). This page is built from the files beside it by "
			     "<code>iaptsim report</code>.</p></footer>\n</body></html>\n");
	if (!iapt_buf__ok(&b))
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
	if (!rc) {
		snprintf(path, sizeof path, "%s/report.html", dir);
		rc = iapt_file__write_atomic(path, b.ptr, b.len);
	}
done:
	iapt_buf__free(&b);
	table_free(&c.summary);
	table_free(&c.economics);
	table_free(&c.ceac);
	table_free(&c.tornado);
	table_free(&c.comparison);
	free(c.pub);
	json_decref(c.run);
	return rc;
}
