/* report.html: a self-contained page built from the files of a results folder (run,
 * compare or sensitivity), with charts as inline SVG. No scripts, fonts or external files:
 * it opens from the file, reads without colour (dashes, markers and hatching tell series
 * apart) and prints on A4. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <jansson.h>

#include "iaptsim/calib.h"
#include "iaptsim/cea.h"
#include "iaptsim/econ.h"
#include "iaptsim/format.h"
#include "iaptsim/report.h"
#include "iaptsim/sim.h"
#include "iaptsim/validation.h"
#include "util/util.h"

extern const unsigned char iapt__national_annual[];
extern const size_t iapt__national_annual_len;
extern const unsigned char iapt__england_by_group[];
extern const size_t iapt__england_by_group_len;
extern const unsigned char iapt__services_published_stats[];
extern const size_t iapt__services_published_stats_len;
extern const unsigned char iapt__services_orgs_published[];
extern const size_t iapt__services_orgs_published_len;

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

/* t->text (len bytes, owned by t) parsed into rows; 1, or < 0 an error */
static int table_parse(table *t, size_t len, const char *path)
{
	char *pos, *f[MAX_COLS];
	size_t cap = 0;
	int n, k;
	pos = t->text + iapt_text__bom(t->text, len);
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

/* 1 loaded, 0 no such file, < 0 an error */
static int table_load(const char *dir, const char *name, table *t)
{
	char path[4200];
	size_t len;
	int rc;
	memset(t, 0, sizeof *t);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((rc = iapt_file__read_max(path, IAPT_FILE_MAX_DATA, &t->text, &len)))
		return rc == IAPT_ENOTFOUND ? 0 : -1;
	return table_parse(t, len, path);
}

/* an embedded file (cmake/embed_file.cmake) as a table */
static int table_embedded(const unsigned char *bytes, size_t len, const char *name, table *t)
{
	memset(t, 0, sizeof *t);
	if (!(t->text = malloc(len + 1)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	memcpy(t->text, bytes, len);
	t->text[len] = '\0';
	return table_parse(t, len, name);
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

/* the shared formatter (include/iaptsim/format.h): the same numbers as the terminal */
static const char *money(char *buf, size_t n, double v)
{
	return iapt_format_money(buf, n, v);
}

static const char *count(char *buf, size_t n, double v)
{
	return iapt_format_count(buf, n, v);
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

/* A legend label at (x, y), wrapped at spaces into lines that fit between x and the
 * chart's right edge (about 6 px a character at the legend's 11 px). Returns the lines
 * used, for the caller to place the next entry below. */
static int legend_label(iapt_buf *b, double x, double y, const char *label)
{
	size_t room = (size_t)((W - x - 4) / 6.2), n = strlen(label), at = 0;
	int lines = 0;
	iapt_buf__printf(b, "<text x=\"%.0f\" y=\"%.0f\" class=\"legend\">", x, y);
	while (at < n) {
		size_t len = n - at, cut;
		char piece[256];
		if (len > room) {
			for (cut = room; cut > 0 && label[at + cut] != ' '; cut--)
				;
			len = cut ? cut : room; /* a word longer than the room is cut */
		}
		if (len >= sizeof piece)
			len = sizeof piece - 1;
		memcpy(piece, label + at, len);
		piece[len] = '\0';
		iapt_buf__printf(b, "<tspan x=\"%.0f\" dy=\"%s\">", x, lines ? "13" : "0");
		esc(b, piece);
		iapt_buf__printf(b, "</tspan>");
		lines++;
		at += len;
		while (at < n && label[at] == ' ')
			at++;
	}
	iapt_buf__printf(b, "</text>");
	return lines ? lines : 1;
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
		(void)is_money; /* the axis label says GBP; ticks stay short */
		iapt_format_number(t, sizeof t, fabs(v) < step * 1e-6 ? 0 : v);
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

/* The years a by-year chart marks (docs/validation.md): 2020-21, the COVID-19 year; dataset
 * v2.0, whose definitions count from 2020-21; and projections, the years after the last
 * one in data/national_annual.csv. */
#define COVID_YEAR 2020
#define DATASET_V2_YEAR 2020

/* Lines by financial year (x = first calendar year), with intervals and published points;
 * last_pub > 0 marks the COVID-19 year, the dataset change and the projected years after
 * last_pub, each a band or line with a label inside the plot. */
static void line_chart(iapt_buf *b, int *id, const char *title, const char *desc, const char *ylabel, series *s, int ns,
		       int from_zero, int is_money, int last_pub)
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
	if (last_pub > 0 && x1 > x0) {
		/* bands first, so lines and markers are drawn over them; labels sit at the plot's
		 * top (COVID-19, projection) and bottom (dataset) edges, clear of the legend */
		double a, z;
		if (x0 <= COVID_YEAR && COVID_YEAR <= x1) {
			a = fmax(PX(COVID_YEAR - 0.5), ML);
			z = fmin(PX(COVID_YEAR + 0.5), W - MR);
			iapt_buf__printf(b, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" class=\"era-covid\"/>"
					    "<text x=\"%.1f\" y=\"%.0f\" class=\"era\">COVID-19</text>", a, MT, z - a, H - MT - MB, a + 3, MT + 12);
		}
		if (x0 < DATASET_V2_YEAR && DATASET_V2_YEAR <= x1) {
			a = PX(DATASET_V2_YEAR - 0.5);
			iapt_buf__printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" class=\"era-line\"/>"
					    "<text x=\"%.1f\" y=\"%.0f\" class=\"era\">dataset v2.0 from here</text>", a, a, MT, H - MB, a + 3, H - MB - 6);
		}
		if (x1 > last_pub) {
			a = fmax(PX(last_pub + 0.5), ML);
			z = W - MR;
			iapt_buf__printf(b, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" class=\"era-proj\"/>"
					    "<text x=\"%.1f\" y=\"%.0f\" class=\"era\">projection</text>", a, MT, z - a, H - MT - MB, a + 3, MT + 12);
		}
	}
	for (i = (int)x0; i <= (int)x1; i++)
		if ((int)x1 - (int)x0 < 12 || (i - (int)x0) % 2 == 0)
			iapt_buf__printf(b, "<text x=\"%.1f\" y=\"%.0f\" class=\"tick\" text-anchor=\"middle\">%s</text>", PX(i), H - MB + 16,
					 iapt_year_label(i, lab));
	double ly = MT + 10;
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
			double lx = W - MR + 14;
			if (!s[k].points_only)
				iapt_buf__printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"line\" stroke-dasharray=\"%s\"/>", lx, lx + 24,
						 ly, ly, dashes[k % 4]);
			marker(b, k, lx + 12, ly);
			ly += 22 + 13 * (legend_label(b, lx + 30, ly + 4, s[k].label) - 1);
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
	double lo = 0, hi = 0, bw, ly;
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
	for (g = 0, ly = MT + 10; g < ng; g++) {
		double lx = W - MR + 14;
		iapt_buf__printf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"16\" height=\"12\" class=\"bar\" fill=\"url(#h%d)\"/>", lx, ly - 7, g % 4);
		ly += 22 + 13 * (legend_label(b, lx + 22, ly + 4, groups[g]) - 1);
	}
	axis_labels(b, xlabel, ylabel);
	iapt_buf__printf(b, "</svg></figure>\n");
}

/* ---- sections ---- */

typedef struct ctx {
	const char *dir;
	iapt_buf *b;
	int chart;
	table summary, economics, ceac, tornado, comparison, frontier, budget;
	json_t *run;
	int first, last;
	iapt_target *pub;
	size_t npub;
	iapt_target *gpub; /* published figures by group, England (data/nhstt/england_by_group.csv.gz) */
	size_t ngpub;
	table services;     /* services.csv, when the run wrote one */
	table services_pub; /* data/services_published_stats.csv */
	table regions_pub;  /* data/services_orgs_published.csv */
} ctx;

/* The payback horizon in years: the ledger's years, as run.json gives them. */
static int horizon(const ctx *c)
{
	json_t *h = c->run ? json_object_get(c->run, "payback_horizon_years") : NULL;
	return json_is_integer(h) ? (int)json_integer_value(h) : 0;
}

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
	iapt_buf__printf(b, "<table><caption>Appraisal by perspective: present values (mean of replicates, 95%% interval); ratios are ratios of the means</caption>"
			    "<tr><th>perspective</th><th>costs</th><th>benefits</th><th>net present value</th><th>benefit-cost ratio</th><th>QALYs gained</th><th>cost per QALY</th><th>payback</th></tr>\n");
	for (p = 0; p < IAPT_PERSP__COUNT; p++) {
		static const char *const ms[4] = {"pv_costs", "pv_benefits", "npv", "bcr"};
		const char *pn = iapt_perspective_name(p);
		char a[160], l[48], h[48];
		double share, median;
		int m;
		if (find2(&c->economics, "perspective", pn, "measure", "npv") == (size_t)-1)
			continue;
		iapt_buf__printf(b, "<tr><th>%s</th>", p == IAPT_PERSP_NHS ? "NHS" : p == IAPT_PERSP_EXCHEQUER ? "Exchequer" : "society (NPSV)");
		for (m = 0; m < 4; m++) {
			double v = eval_(c, pn, ms[m], "mean"), lo = eval_(c, pn, ms[m], "lo95"), hi = eval_(c, pn, ms[m], "hi95");
			if (m == 3)
				iapt_buf__printf(b, "<td><span class=\"v\">%s</span>", iapt_format_ratio(a, sizeof a, v));
			else
				iapt_buf__printf(b, "<td><span class=\"v\">%s</span>", money(a, sizeof a, v));
			if (isfinite(lo) && isfinite(hi))
				iapt_buf__printf(b, "<br><small><span class=\"v\">%s</span> to <span class=\"v\">%s</span></small>", m == 3 ? iapt_format_ratio(l, sizeof l, lo) : money(l, sizeof l, lo),
						 m == 3 ? iapt_format_ratio(h, sizeof h, hi) : money(h, sizeof h, hi));
			iapt_buf__printf(b, "</td>");
		}
		{
			double v = eval_(c, pn, "qalys", "mean"), lo = eval_(c, pn, "qalys", "lo95"), hi = eval_(c, pn, "qalys", "hi95");
			iapt_buf__printf(b, "<td><span class=\"v\">%s</span>", count(a, sizeof a, v));
			if (isfinite(lo) && isfinite(hi))
				iapt_buf__printf(b, "<br><small><span class=\"v\">%s</span> to <span class=\"v\">%s</span></small>", count(l, sizeof l, lo),
						 count(h, sizeof h, hi));
			/* never a bare negative ratio: the words say which way round it is */
			iapt_buf__printf(b, "</td><td>%s</td>",
					 iapt_format_icer(a, sizeof a, eval_(c, pn, "net_cost", "mean"), eval_(c, pn, "qalys", "mean")));
		}
		share = eval_(c, pn, "payback_share", "mean");
		median = eval_(c, pn, "payback_median_years", "mean");
		{
			char pw[200];
			iapt_buf__printf(b, "<td>%s</td>", iapt_format_payback(pw, sizeof pw, share, median, horizon(c)));
		}
		iapt_buf__printf(b, "</tr>\n");
	}
	iapt_buf__printf(b, "</table><p class=\"note\">Cost per QALY is the mean net cost over the mean QALYs gained; where the programme saves money and adds QALYs it is dominant, and the page says so rather than printing a negative ratio. "
			    "Payback is the year the discounted cumulative net benefit turns positive: the median among replicates that pay back within the ledger's years (the horizon), with the share that do. "
			    "Society's NPV counts QALYs at their value in the economics settings; the NHS and the Exchequer count money only.</p></section>\n");
}

/* Wellbeing and who gains: WELLBYs beside QALYs, society's NPV by IMD quintile and weighted
 * with the Green Book's distributional weights (docs/economics.md), the weights' source
 * from run.json. */
static void distribution(ctx *c)
{
	static const char *const qn[IAPT_IMD_QUINTILES] = {"imd_1_2", "imd_3_4", "imd_5_6", "imd_7_8", "imd_9_10"};
	static const char *const ql[IAPT_IMD_QUINTILES] = {"1-2 (least deprived)", "3-4", "5-6", "7-8", "9-10 (most deprived)"};
	iapt_buf *b = c->b;
	json_t *e = c->run ? json_object_get(c->run, "economics") : NULL, *w = e ? json_object_get(e, "distributional_weights") : NULL;
	const char *pn = iapt_perspective_name(IAPT_PERSP_SOCIETAL);
	char a[64], l[64], h[64], m[80];
	int q;
	if (!c->economics.nrows || find2(&c->economics, "perspective", pn, "measure", "npv_weighted") == (size_t)-1)
		return;
	iapt_buf__printf(b, "<section><h2>Wellbeing and who gains</h2>\n<p>WELLBYs gained against the natural course: <span class=\"v\">%s</span> "
			    "(%s to %s), worth <span class=\"v\">%s</span> at the WELLBY value. %s</p>\n",
			 count(a, sizeof a, eval_(c, pn, "wellbys", "mean")), count(l, sizeof l, eval_(c, pn, "wellbys", "lo95")),
			 count(h, sizeof h, eval_(c, pn, "wellbys", "hi95")), money(m, sizeof m, eval_(c, pn, "wellby_value", "mean")),
			 !strcmp(jstr(e, "health_value"), "wellby") ? "Society's net present value counts WELLBYs, not QALYs (economics.health_value: wellby)."
								   : "Society's net present value counts QALYs, not WELLBYs (economics.health_value: qaly); the WELLBY value is shown beside it, never added to it.");
	iapt_buf__printf(b, "<table><caption>Society's net present value by IMD quintile of the people treated (mean of replicates, 95%% interval), and weighted</caption>"
			    "<tr><th>IMD deciles</th><th>distributional weight</th><th>net present value</th></tr>\n");
	for (q = 0; q < IAPT_IMD_QUINTILES; q++) {
		char meas[32];
		json_t *wv = w ? json_object_get(w, qn[q]) : NULL;
		snprintf(meas, sizeof meas, "npv:%s", qn[q]);
		iapt_buf__printf(b, "<tr><th>%s</th><td>%s</td><td><span class=\"v\">%s</span><br><small>%s to %s</small></td></tr>\n", ql[q],
				 json_is_number(wv) ? iapt_format_value(a, sizeof a, json_number_value(wv), 3) : "?",
				 money(m, sizeof m, eval_(c, pn, meas, "mean")), money(l, sizeof l, eval_(c, pn, meas, "lo95")),
				 money(h, sizeof h, eval_(c, pn, meas, "hi95")));
	}
	iapt_buf__printf(b, "<tr><th>unweighted (NPSV)</th><td>1</td><td><span class=\"v\">%s</span><br><small>%s to %s</small></td></tr>\n",
			 money(m, sizeof m, eval_(c, pn, "npv", "mean")), money(l, sizeof l, eval_(c, pn, "npv", "lo95")),
			 money(h, sizeof h, eval_(c, pn, "npv", "hi95")));
	iapt_buf__printf(b, "<tr><th>weighted</th><td>by quintile</td><td><span class=\"v\">%s</span><br><small>%s to %s</small></td></tr></table>\n",
			 money(m, sizeof m, eval_(c, pn, "npv_weighted", "mean")), money(l, sizeof l, eval_(c, pn, "npv_weighted", "lo95")),
			 money(h, sizeof h, eval_(c, pn, "npv_weighted", "hi95")));
	iapt_buf__printf(b, "<p class=\"note\">The weighted value scales each quintile's households' flows (earnings net of tax, benefits) and its health gain by the quintile's weight; "
			    "government, employers and the programme's costs keep weight 1, and so do costs no person bears (training) and plugins' flows. "
			    "The quintiles' values add up to the unweighted one less those unattributed flows. Weights: ");
	esc(b, jstr(e, "distributional_weights_source"));
	iapt_buf__printf(b, ".</p></section>\n");
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

/* The last year with a published national figure: later years are projections. */
static int last_published(const ctx *c)
{
	size_t k;
	int y = 0;
	for (k = 0; k < c->npub; k++)
		if (c->pub[k].year > y)
			y = c->pub[k].year;
	return y;
}

/* What the marks of the by-year charts mean, for the years this run covers. */
static void era_note(ctx *c)
{
	char lab[8], lab2[8];
	int lp = last_published(c), n = 0;
	if (c->last <= c->first)
		return;
	iapt_buf__printf(c->b, "<p class=\"note\">");
	if (c->first <= COVID_YEAR && COVID_YEAR <= c->last) {
		iapt_buf__printf(c->b, "Shaded and labelled COVID-19: 2020-21, the year of the pandemic (referrals fell by 14%%; "
				       "services delivered remotely). ");
		n++;
	}
	if (c->first < DATASET_V2_YEAR && DATASET_V2_YEAR <= c->last) {
		iapt_buf__printf(c->b, "The line labelled dataset v2.0 marks the change of the national dataset from 2020-21, "
				       "which redefined some measures, so figures either side of it are not strictly comparable "
				       "(docs/validation.md). ");
		n++;
	}
	if (c->last > lp) {
		iapt_buf__printf(c->b, "Shaded and labelled projection: %s", iapt_year_label(lp + 1 > c->first ? lp + 1 : c->first, lab));
		iapt_buf__printf(c->b, " to %s are projections, after the last year published (%s). ", iapt_year_label(c->last, lab),
				 iapt_year_label(lp, lab2));
		n++;
	}
	if (!n)
		iapt_buf__printf(c->b, "All years shown are years with published national figures. ");
	iapt_buf__printf(c->b, "</p>\n");
}

static void pathway_charts(ctx *c)
{
	series s[4];
	char labels[4][64];
	size_t k;
	int n, i;
	if (!c->summary.nrows)
		return;
	iapt_buf__printf(c->b, "<section><h2>The pathway</h2>\n");
	era_note(c);
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
		line_chart(c->b, &c->chart, pathway[k].title, pathway[k].desc, pathway[k].ylabel, s, n, pathway[k].from_zero, 0,
			   last_published(c));
	}
	iapt_buf__printf(c->b, "</section>\n");
}

/* The workforce a run takes, when it trains any (a plan such as ltp_expansion sets
 * trainees): capacity and trainees by year with their intervals, and the last year's in words. */
/* Published figure of group `group` (a name of iaptsim/sim.h) for year and metric; NAN if none. */
static double gpublished(const ctx *c, int year, const char *group, int metric)
{
	size_t i;
	for (i = 0; i < c->ngpub; i++)
		if (c->gpub[i].year == year && c->gpub[i].metric == metric && !strcmp(iapt_group_name(c->gpub[i].group), group))
			return c->gpub[i].value;
	return NAN;
}

/* Recovery by IMD decile, age band and problem descriptor in the run's last year that has
 * published figures by group: model (mean of replicates, 95% interval) beside published. */
static void who_recovers(ctx *c)
{
	static const char *const imd[] = {"imd_decile=1", "imd_decile=2", "imd_decile=3", "imd_decile=4", "imd_decile=5",
					  "imd_decile=6", "imd_decile=7", "imd_decile=8", "imd_decile=9", "imd_decile=10"};
	static const char *const age_old[] = {"age=under_16", "age=16_17", "age=18_35", "age=36_64", "age=65_plus"};
	static const char *const age_new[] = {"age=under_18", "age=18_25", "age=26_64", "age=65_74", "age=75_89", "age=90_plus"};
	const char *probs[IAPT_PROBLEM__COUNT];
	static const char *const series_names[2] = {"model", "published"};
	struct {
		const char *title, *xlabel;
		const char *const *groups;
		int n;
	} fam[3];
	int year, k, i;
	char lab[8];
	for (i = 0; i < IAPT_PROBLEM__COUNT; i++)
		probs[i] = iapt_group_name(IAPT_G_PROB_DEPRESSION + i);
	for (year = c->last; year >= c->first; year--)
		if (isfinite(gpublished(c, year, "imd_decile=1", IAPT_M_RECOVERY_PCT)))
			break;
	iapt_buf__printf(c->b, "<section><h2>Who recovers</h2>\n");
	if (year < c->first) {
		iapt_buf__printf(c->b, "<p>No year of this run has published figures by group (England, 2017-18 to 2024-25).</p></section>\n");
		return;
	}
	fam[0].title = "Recovery by IMD decile of residence";
	fam[0].xlabel = "IMD decile (1 least deprived, 10 most deprived)";
	fam[0].groups = imd;
	fam[0].n = 10;
	fam[1].title = "Recovery by age band";
	fam[1].xlabel = "age band (as published that year)";
	fam[1].groups = year < 2021 ? age_old : age_new;
	fam[1].n = year < 2021 ? 5 : 6;
	fam[2].title = "Recovery by problem descriptor";
	fam[2].xlabel = "problem descriptor";
	fam[2].groups = probs;
	fam[2].n = IAPT_PROBLEM__COUNT;
	iapt_buf__printf(c->b, "<p>Recovery (official definition) in %s, model (mean of replicates, 95%% interval) beside the published "
			       "figure for England (NHS England key measures, data/nhstt/); docs/validation.md holds every group and year, "
			       "with the years the group effects were fitted on.</p>\n", iapt_year_label(year, lab));
	for (k = 0; k < 3; k++) {
		double v[2 * IAPT_PROBLEM__COUNT + 2 * 10];
		const char *cats[IAPT_PROBLEM__COUNT + 10];
		char title[160];
		int n = fam[k].n;
		for (i = 0; i < n; i++) {
			const char *g = fam[k].groups[i];
			cats[i] = strchr(g, '=') + 1;
			v[2 * i] = sval(c, year, g, "recovery_pct", "mean");
			v[2 * i + 1] = gpublished(c, year, g, IAPT_M_RECOVERY_PCT);
		}
		snprintf(title, sizeof title, "%s, %s", fam[k].title, lab);
		/* twelve descriptors' names do not fit under bars: their table says it alone */
		if (k < 2)
			bar_chart(c->b, &c->chart, title, "Recovery, per cent of finished courses at caseness: model mean beside the published figure.",
				  fam[k].xlabel, "recovery (%)", cats, n, series_names, 2, v, 0);
		iapt_buf__printf(c->b, "<table><caption>%s: model and published</caption><tr><th>group</th><th>model</th><th>95%% interval</th>"
				       "<th>published</th><th>difference (points)</th></tr>\n", fam[k].title);
		for (i = 0; i < n; i++) {
			const char *g = fam[k].groups[i];
			double lo = sval(c, year, g, "recovery_pct", "lo95"), hi = sval(c, year, g, "recovery_pct", "hi95");
			iapt_buf__printf(c->b, "<tr><td>");
			esc(c->b, cats[i]);
			if (isfinite(v[2 * i]) && isfinite(lo) && isfinite(hi))
				iapt_buf__printf(c->b, "</td><td>%.1f</td><td>%.1f to %.1f</td>", v[2 * i], lo, hi);
			else if (isfinite(v[2 * i])) /* one replicate: no interval (summary.csv's NA) */
				iapt_buf__printf(c->b, "</td><td>%.1f</td><td>none (one replicate)</td>", v[2 * i]);
			else
				iapt_buf__printf(c->b, "</td><td></td><td></td>");
			if (isfinite(v[2 * i + 1]))
				iapt_buf__printf(c->b, "<td>%.1f</td>", v[2 * i + 1]);
			else
				iapt_buf__printf(c->b, "<td>not published</td>");
			if (isfinite(v[2 * i]) && isfinite(v[2 * i + 1]))
				iapt_buf__printf(c->b, "<td>%+.1f</td></tr>\n", v[2 * i] - v[2 * i + 1]);
			else
				iapt_buf__printf(c->b, "<td></td></tr>\n");
		}
		iapt_buf__printf(c->b, "</table>\n");
	}
	iapt_buf__printf(c->b, "</section>\n");
}

static void workforce_section(ctx *c)
{
	static const char *const metric[3] = {"workforce_li_wte", "workforce_hi_wte", "trainees"};
	static const char *const label[3] = {"low-intensity WTE", "high-intensity WTE", "trainees in training"};
	series s[3];
	char a[32], lo[32], hi[32], lab[8];
	int y, k, any = 0;
	for (y = c->first; y <= c->last; y++)
		any |= sval(c, y, "all", "trainees", "mean") > 0;
	if (!any)
		return;
	iapt_buf__printf(c->b, "<section><h2>Workforce</h2>\n<p>The workforce this run takes, national: capacity in whole-time "
			       "equivalents (planned workforce, qualified trainees who stay, and trainees at their share of a WTE) "
			       "and trainees in training, mean of replicates with 95%% intervals.");
	y = c->last;
	for (k = 0; k < 2; k++) {
		iapt_format_number(a, sizeof a, round(sval(c, y, "all", metric[k], "mean")));
		iapt_format_number(lo, sizeof lo, round(sval(c, y, "all", metric[k], "lo95")));
		iapt_format_number(hi, sizeof hi, round(sval(c, y, "all", metric[k], "hi95")));
		if (!k)
			iapt_buf__printf(c->b, " In %s: <span class=\"v\">%s</span> <small>(%s to %s)</small> %s", iapt_year_label(y, lab), a, lo,
					 hi, label[k]);
		else
			iapt_buf__printf(c->b, " and <span class=\"v\">%s</span> <small>(%s to %s)</small> %s.", a, lo, hi, label[k]);
	}
	{
		int py = c->first;
		for (y = c->first; y <= c->last; y++)
			if (sval(c, y, "all", "trainees", "mean") > sval(c, py, "all", "trainees", "mean"))
				py = y;
		iapt_format_number(a, sizeof a, round(sval(c, py, "all", "trainees", "mean")));
		iapt_format_number(lo, sizeof lo, round(sval(c, py, "all", "trainees", "lo95")));
		iapt_format_number(hi, sizeof hi, round(sval(c, py, "all", "trainees", "hi95")));
		iapt_buf__printf(c->b, " Trainees in training peak in %s at <span class=\"v\">%s</span> <small>(%s to %s)</small>; "
				       "their fees and salaries are in the costs above.</p>\n", iapt_year_label(py, lab), a, lo, hi);
	}
	for (k = 0; k < 3; k++)
		metric_series(c, &s[k], label[k], metric[k], 1);
	line_chart(c->b, &c->chart, "Workforce: capacity and trainees, by year",
		   "Low- and high-intensity capacity in WTE and trainees in training; model means with 95% intervals across replicates.",
		   "WTE or trainees (national)", s, 3, 1, 0, last_published(c));
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

/* The Exchequer's net cash position by year (budget_impact.csv): real terms with the
 * replicates' interval, and cash terms. */
static void budget_chart(ctx *c)
{
	series s[2];
	int yc, pc, cc, mc, lc, hc, kc;
	size_t r;
	char lab[8], desc[400];
	const char *py;
	json_t *e;
	if (!c->budget.nrows)
		return;
	yc = col(&c->budget, "year");
	pc = col(&c->budget, "payer");
	cc = col(&c->budget, "category");
	mc = col(&c->budget, "real_mean");
	lc = col(&c->budget, "real_lo95");
	hc = col(&c->budget, "real_hi95");
	kc = col(&c->budget, "cash_mean");
	if (yc < 0 || pc < 0 || cc < 0 || mc < 0 || lc < 0 || hc < 0 || kc < 0)
		return;
	memset(s, 0, sizeof s);
	e = c->run ? json_object_get(c->run, "economics") : NULL;
	py = e ? jstr(e, "price_year") : NULL;
	snprintf(desc, sizeof desc, "GBP at %s prices", py && *py ? py : "the price year");
	s[0].label = desc;
	s[0].interval = 1;
	s[1].label = "GBP of each year (cash)";
	for (r = 0; r < c->budget.nrows && s[0].n < horizon(c) && s[0].n < MAXP; r++) {
		int y;
		if (strcmp(cell(&c->budget, r, pc), "exchequer") || strcmp(cell(&c->budget, r, cc), "net_cash_position"))
			continue;
		if (sscanf(cell(&c->budget, r, yc), "%d", &y) != 1)
			continue;
		s[0].x[s[0].n] = s[1].x[s[1].n] = y;
		s[0].y[s[0].n] = num(cell(&c->budget, r, mc));
		s[0].lo[s[0].n] = num(cell(&c->budget, r, lc));
		s[0].hi[s[0].n] = num(cell(&c->budget, r, hc));
		s[1].y[s[1].n] = num(cell(&c->budget, r, kc));
		s[0].n++;
		s[1].n++;
	}
	if (!s[0].n)
		return;
	iapt_buf__printf(c->b, "<section><h2>Budget impact</h2>\n<p>What the Exchequer receives and pays out each year, "
			       "undiscounted: HMRC's income tax, employee and employer National Insurance on the extra earnings, plus DWP's "
			       "benefits saved, less support DWP pays for. It leaves out the NHS's own spending (therapy, training, integration, "
			       "physical healthcare), which the <code>nhs</code> rows give; the Exchequer perspective of the appraisal includes it. "
			       "Employer National Insurance is both the employers' cost and HMRC's receipt. Every payer, category and year, in "
			       "real and cash terms: <code>budget_impact.csv</code>.</p>\n");
	line_chart(c->b, &c->chart, "The Exchequer's net cash position by year",
		   "HMRC receipts plus DWP flows each financial year, undiscounted; mean of replicates with their 95% interval (real terms) and the same in cash terms.",
		   "GBP a year, undiscounted", s, 2, 1, 1, 0);
	{
		int k;
		iapt_buf__printf(c->b, "<table><thead><tr><th>year</th><th>real terms (%s prices)</th><th>95%% interval</th><th>cash terms</th></tr></thead><tbody>\n",
				 py && *py ? py : "price year");
		for (k = 0; k < s[0].n; k++) {
			char a[32], lo[32], hi[32], m[32];
			iapt_buf__printf(c->b, "<tr><td>%s</td><td>%s</td><td>%s to %s</td><td>%s</td></tr>\n",
					 iapt_year_label((int)s[0].x[k], lab), money(a, sizeof a, s[0].y[k]), money(lo, sizeof lo, s[0].lo[k]),
					 money(hi, sizeof hi, s[0].hi[k]), money(m, sizeof m, s[1].y[k]));
		}
		iapt_buf__printf(c->b, "</tbody></table>\n</section>\n");
	}
}

/* ---- a comparison: the story, the frontier in words, the increments ---- */

static const char *persp_label(const char *p)
{
	return !strcmp(p, "nhs") ? "NHS" : !strcmp(p, "exchequer") ? "Exchequer" : !strcmp(p, "societal") ? "society" : "pathway";
}

/* A cell of comparison.csv: strategy, perspective, measure (and threshold, or NULL) */
static double cmpv(const ctx *c, const char *st, const char *persp, const char *measure, const char *thr, const char *what)
{
	const table *t = &c->comparison;
	int cs = col(t, "strategy"), cp = col(t, "perspective"), cm = col(t, "measure"), ct = col(t, "threshold"), cw = col(t, what);
	size_t r;
	for (r = 0; r < t->nrows; r++)
		if (!strcmp(cell(t, r, cs), st) && !strcmp(cell(t, r, cp), persp) && !strcmp(cell(t, r, cm), measure) &&
		    (!thr || !strcmp(cell(t, r, ct), thr)))
			return num(cell(t, r, cw));
	return NAN;
}

/* A measure's name for people, and its kind: 0 money, 1 count, 2 share, 3 years, 4 weeks */
static const char *measure_label(const char *m, const char *thr, char *buf, size_t n, int *kind)
{
	static const struct {
		const char *m, *label;
		int kind;
	} names[] = {
		{"pathway:referrals_received", "people referred", 1},
		{"pathway:entered_treatment", "people entering treatment", 1},
		{"pathway:finished_course", "people finishing a course", 1},
		{"pathway:recovered", "people recovered", 1},
		{"pathway:reliably_improved", "people reliably improved", 1},
		{"pathway:sessions_attended", "sessions attended", 1},
		{"pathway:mean_wait_weeks", "mean wait to first treatment (weeks, average over years)", 4},
		{"incremental_cost", "net cost (programme costs less money benefits)", 0},
		{"incremental_qalys", "QALYs gained", 1},
		{"icer", "cost per QALY gained (mean net cost over mean QALYs)", 0},
		{"share_north_east", "share of draws dearer and more effective", 2},
		{"share_north_west", "share of draws dearer (or as dear) and less effective", 2},
		{"share_south_west", "share of draws cheaper and less effective", 2},
		{"share_south_east", "share of draws cheaper (or as cheap) and more effective", 2},
		{"share_tie", "share of draws with the same cost and QALYs as the base (a tie)", 2},
		{"incremental_npv", "net present value", 0},
		{"payback_median_years", "payback of the change: median year, among draws that pay back", 3},
		{"payback_share", "share of draws in which the change pays back within the ledger's years", 2},
	};
	size_t k;
	char t[48];
	for (k = 0; k < sizeof names / sizeof names[0]; k++)
		if (!strcmp(m, names[k].m)) {
			*kind = names[k].kind;
			return names[k].label;
		}
	*kind = 0;
	if (!strcmp(m, "inmb"))
		snprintf(buf, n, "net monetary benefit at %s per QALY", money(t, sizeof t, num(thr)));
	else if (!strcmp(m, "prob_cost_effective")) {
		snprintf(buf, n, "probability cost-effective at %s per QALY", money(t, sizeof t, num(thr)));
		*kind = 2;
	} else if (!strncmp(m, "pv:", 3)) {
		size_t i;
		snprintf(buf, n, "present value: %s", m + 3);
		for (i = 0; buf[i]; i++)
			if (buf[i] == '_')
				buf[i] = ' ';
		if (strstr(m, "qalys"))
			*kind = 1;
	} else
		snprintf(buf, n, "%s", m);
	return buf;
}

static const char *fmt_kind(char *buf, size_t n, double v, int kind)
{
	switch (kind) {
	case 1: return count(buf, n, v);
	case 2: return iapt_format_percent(buf, n, v);
	case 3: return iapt_format_value(buf, n, v, 2);
	case 4: return iapt_format_value(buf, n, v, 2);
	default: return money(buf, n, v);
	}
}

/* " (lo to hi)" when there is an interval */
static const char *interval(char *buf, size_t n, double lo, double hi, int kind)
{
	char a[48], b[48];
	if (!isfinite(lo) || !isfinite(hi))
		return snprintf(buf, n, "%s", ""), buf;
	snprintf(buf, n, " (%s to %s)", fmt_kind(a, sizeof a, lo, kind), fmt_kind(b, sizeof b, hi, kind));
	return buf;
}

/* Whether the run tells st from the base: every perspective's net cost and QALY increments
 * against their Monte Carlo error (iapt_cea_told_apart, as the terminal decides). */
static int told_apart(const ctx *c, const char *st)
{
	static const char *const persps[3] = {"nhs", "exchequer", "societal"}, *const ms[2] = {"incremental_cost", "incremental_qalys"};
	double m[6], e[6], n[6];
	size_t k = 0;
	int p, j;
	for (p = 0; p < 3; p++)
		for (j = 0; j < 2; j++) {
			double v = cmpv(c, st, persps[p], ms[j], NULL, "n");
			if (isnan(v))
				continue; /* a perspective not appraised */
			m[k] = cmpv(c, st, persps[p], ms[j], NULL, "mean");
			e[k] = cmpv(c, st, persps[p], ms[j], NULL, "mcse");
			n[k++] = v;
		}
	return iapt_cea_told_apart(m, e, n, k);
}

/* The interval of a magnitude said in words ("fewer", "lost", "a saving"): the signed
 * interval of a negative mean, negated and swapped, so it reads as the magnitude does. */
static const char *magnitude_interval(char *buf, size_t n, double mean, double lo, double hi, int kind)
{
	return mean < 0 ? interval(buf, n, -hi, -lo, kind) : interval(buf, n, lo, hi, kind);
}

static size_t frontier_row(const table *t, const char *persp, const char *st);

/* The option to choose at a threshold (GBP per QALY) on a perspective's frontier: the
 * dearest option on it whose ICER against the next cheaper one is no more than the
 * threshold (Drummond et al. 2015, ch. 5); ICERs rise along a frontier. NULL when the
 * frontier has no row for the perspective. */
static const char *frontier_choice(const ctx *c, const char *persp, double threshold)
{
	const table *t = &c->frontier;
	int cp = col(t, "perspective"), cs = col(t, "strategy"), cst = col(t, "status"), cic = col(t, "icer"), cc = col(t, "cost");
	const char *best = NULL;
	double best_cost = -INFINITY;
	size_t r;
	for (r = 0; r < t->nrows; r++) {
		double icer = num(cell(t, r, cic)), cost = num(cell(t, r, cc));
		if (strcmp(cell(t, r, cp), persp) || strcmp(cell(t, r, cst), "on frontier"))
			continue;
		if ((!isfinite(icer) || icer <= threshold) && cost > best_cost) {
			best = cell(t, r, cs);
			best_cost = cost;
		}
	}
	return best;
}

/* ---- services_policy: what moving services' features adds, by NHS region ---- */

#define MAX_REGIONS 16

/* A strategy's results folder's file, loaded (0: none there). */
static int strategy_table(const ctx *c, json_t *st, const char *name, table *t)
{
	char dir[2048];
	int n = snprintf(dir, sizeof dir, "%s/%s", c->dir, jstr(st, "results"));
	if (n < 0 || (size_t)n >= sizeof dir)
		return iapt_error__set(IAPT_ERANGE, "%s/%s: the path is too long", c->dir, jstr(st, "results"));
	return table_load(dir, name, t);
}

typedef struct region_sum {
	char code[16], name[96];
	double entered, finished, recovered, sessions; /* summed over the run's years */
} region_sum;

/* Regions' counts summed over the years: summary.csv's region= groups (recovered =
 * finished at caseness x recovery, from the means) and services.csv's sessions of finished
 * courses (mean sessions x finished, by service). */
static size_t region_sums(const table *sum, const table *svc, region_sum *out)
{
	int cy = col(sum, "year"), cg = col(sum, "group"), cm = col(sum, "metric"), cv = col(sum, "mean");
	int sr = col(svc, "region_code"), sn = col(svc, "region"), sf = col(svc, "finished_course"), ss = col(svc, "mean_sessions_finished");
	size_t n = 0, r, k;
	for (r = 0; r < svc->nrows; r++) {
		const char *code = cell(svc, r, sr);
		double x = num(cell(svc, r, sf)) * num(cell(svc, r, ss));
		for (k = 0; k < n && strcmp(out[k].code, code); k++)
			;
		if (k == n) {
			if (n == MAX_REGIONS)
				continue;
			memset(&out[n], 0, sizeof out[n]);
			snprintf(out[n].code, sizeof out[n].code, "%s", code);
			snprintf(out[n].name, sizeof out[n].name, "%s", cell(svc, r, sn));
			n++;
		}
		if (isfinite(x))
			out[k].sessions += x;
	}
	for (k = 0; k < n; k++) {
		char g[32];
		snprintf(g, sizeof g, "region=%s", out[k].code);
		for (r = 0; r < sum->nrows; r++) {
			if (strcmp(cell(sum, r, cg), g))
				continue;
			if (!strcmp(cell(sum, r, cm), "entered_treatment"))
				out[k].entered += num(cell(sum, r, cv));
			else if (!strcmp(cell(sum, r, cm), "finished_course"))
				out[k].finished += num(cell(sum, r, cv));
			else if (!strcmp(cell(sum, r, cm), "recovery_pct")) {
				size_t q = find3(sum, cell(sum, r, cy), g, "finished_at_caseness");
				if (q != (size_t)-1)
					out[k].recovered += num(cell(sum, r, cv)) / 100 * num(cell(sum, q, cv));
			}
		}
	}
	return n;
}

/* A year's national WTE (LI + HI) of a strategy's summary.csv */
static double wte_of(const table *sum, const char *year)
{
	size_t a = find3(sum, year, "all", "workforce_li_wte"), b = find3(sum, year, "all", "workforce_hi_wte");
	return a == (size_t)-1 || b == (size_t)-1 ? NAN : num(cell(sum, a, col(sum, "mean"))) + num(cell(sum, b, col(sum, "mean")));
}

/* For an alternative with services_policy (its run.json): the first section of the
 * report, the additional recoveries, the cost and the payback, nationally and by region. */
static void policy_lead(ctx *c, json_t *strategies)
{
	iapt_buf *b = c->b;
	json_t *base = json_array_get(strategies, 0);
	size_t i;
	for (i = 1; i < json_array_size(strategies); i++) {
		json_t *st = json_array_get(strategies, i), *run = NULL, *pol;
		const char *name = jstr(st, "name"), *persps[3] = {"nhs", "exchequer", "societal"};
		table sa = {0}, sb = {0}, va = {0}, vb = {0};
		region_sum ra[MAX_REGIONS], rb[MAX_REGIONS];
		size_t na, nb, k, j;
		double rec = cmpv(c, name, "all", "pathway:recovered", NULL, "mean"), dc = cmpv(c, name, "nhs", "incremental_cost", NULL, "mean");
		double d_sess = 0, d_rec = 0, last_wte;
		int y0 = 9999, y1 = 0;
		char x[48], y[48], z[48], iv[120], w[200], lab[8], lab2[8];
		int p;
		{
			char path[4200], *text = NULL;
			size_t len;
			snprintf(path, sizeof path, "%s/%s/run.json", c->dir, jstr(st, "results"));
			if (iapt_file__read_max(path, IAPT_FILE_MAX_DATA, &text, &len))
				goto next;
			run = json_loadb(text, len, 0, NULL);
			free(text);
		}
		if (!run || !(pol = json_object_get(run, "services_policy")))
			goto next;
		if (strategy_table(c, st, "summary.csv", &sa) < 0 || strategy_table(c, base, "summary.csv", &sb) < 0 ||
		    strategy_table(c, st, "services.csv", &va) < 0 || strategy_table(c, base, "services.csv", &vb) < 0 || !va.nrows || !vb.nrows)
			goto next;
		na = region_sums(&sa, &va, ra);
		nb = region_sums(&sb, &vb, rb);
		for (k = 0; k < sa.nrows; k++) { /* the run's years (a comparison's own summary is its strategies') */
			int yr = atoi(cell(&sa, k, col(&sa, "year")));
			y0 = yr > 1900 && yr < y0 ? yr : y0;
			y1 = yr > y1 ? yr : y1;
		}
		iapt_year_label(y1, lab);
		last_wte = wte_of(&sa, lab) - wte_of(&sb, lab);
		iapt_buf__printf(b, "<section><h2>What the services' standards add, by NHS region</h2>\n<p class=\"story\">");
		esc(b, name);
		iapt_buf__printf(b, " (services_policy, years %s to %s) against ", json_string_value(json_array_get(json_object_get(pol, "years"), 0)),
				 json_string_value(json_array_get(json_object_get(pol, "years"), 1)));
		esc(b, jstr(base, "name"));
		iapt_buf__printf(b, ": about %s more people recover over the run's years%s", count(x, sizeof x, rec),
				 interval(iv, sizeof iv, cmpv(c, name, "all", "pathway:recovered", NULL, "lo95"), cmpv(c, name, "all", "pathway:recovered", NULL, "hi95"), 1));
		iapt_buf__printf(b, ", with %s more sessions attended", count(y, sizeof y, cmpv(c, name, "all", "pathway:sessions_attended", NULL, "mean")));
		if (isfinite(last_wte))
			iapt_buf__printf(b, " and %s more therapists (WTE) in %s, the capacity the services below the floor were given", count(z, sizeof z, last_wte), lab);
		iapt_buf__printf(b, ". The NHS's net cost is %s in present value%s, %s per additional recovery. Payback of the change:",
				 money(x, sizeof x, dc), interval(iv, sizeof iv, cmpv(c, name, "nhs", "incremental_cost", NULL, "lo95"), cmpv(c, name, "nhs", "incremental_cost", NULL, "hi95"), 0),
				 money(y, sizeof y, rec > 0 ? dc / rec : NAN));
		for (p = 0; p < 3; p++) {
			double psh = cmpv(c, name, persps[p], "payback_share", NULL, "mean"), pmed = cmpv(c, name, persps[p], "payback_median_years", NULL, "mean");
			if (isnan(cmpv(c, name, persps[p], "incremental_cost", NULL, "mean")))
				continue;
			iapt_buf__printf(b, "%s %s %s", p ? ";" : "", persp_label(persps[p]), iapt_format_payback(w, sizeof w, psh, pmed, horizon(c)));
		}
		iapt_buf__printf(b, ".</p>\n<table><caption>By NHS region, summed over %s to %s: the change against the comparator</caption>"
				    "<tr><th>region</th><th>entering treatment</th><th>finishing a course</th><th>recovered</th><th>share of the additional recoveries</th>"
				    "<th>sessions of finished courses</th><th>NHS cost (share of the national)</th><th>NHS cost per additional recovery</th></tr>\n",
				 iapt_year_label(y0, lab), iapt_year_label(y1, lab2));
		for (k = 0; k < na; k++)
			for (j = 0; j < nb; j++)
				if (!strcmp(ra[k].code, rb[j].code)) {
					d_sess += ra[k].sessions - rb[j].sessions;
					d_rec += ra[k].recovered - rb[j].recovered;
				}
		for (k = 0; k < na; k++)
			for (j = 0; j < nb; j++) {
				double ds, dr, cost;
				if (strcmp(ra[k].code, rb[j].code))
					continue;
				ds = ra[k].sessions - rb[j].sessions;
				dr = ra[k].recovered - rb[j].recovered;
				cost = d_sess != 0 ? dc * ds / d_sess : NAN;
				iapt_buf__printf(b, "<tr><td>");
				esc(b, ra[k].name);
				iapt_buf__printf(b, "</td><td>%s</td>", count(x, sizeof x, ra[k].entered - rb[j].entered));
				iapt_buf__printf(b, "<td>%s</td>", count(x, sizeof x, ra[k].finished - rb[j].finished));
				iapt_buf__printf(b, "<td>%s</td><td>%s</td>", count(x, sizeof x, dr), iapt_format_percent(y, sizeof y, d_rec != 0 ? dr / d_rec : NAN));
				iapt_buf__printf(b, "<td>%s</td><td>%s</td><td>%s</td></tr>\n", count(x, sizeof x, ds), money(y, sizeof y, cost),
						 money(z, sizeof z, dr > 0 ? cost / dr : NAN));
			}
		iapt_buf__printf(b, "</table>\n<p class=\"note\">The ledger is national, so the payback is national; a region's NHS cost is the "
				    "national cost shared by the region's share of the additional sessions of finished courses (services.csv), and its "
				    "recoveries are finished courses at caseness times recovery (summary.csv region groups, from the means), so the cost "
				    "per additional recovery is how the regions compare. docs/scenario.md (services_policy) says how features move.</p></section>\n");
	next:
		json_decref(run);
		table_free(&sa);
		table_free(&sb);
		table_free(&va);
		table_free(&vb);
	}
}

static void compare_story(ctx *c, json_t *strategies)
{
	iapt_buf *b = c->b;
	const char *base = jstr(json_array_get(strategies, 0), "name");
	size_t i;
	iapt_buf__printf(b, "<section><h2>In short</h2>\n");
	for (i = 1; i < json_array_size(strategies); i++) {
		const char *st = jstr(json_array_get(strategies, i), "name");
		double rec = cmpv(c, st, "all", "pathway:recovered", NULL, "mean"), dq = cmpv(c, st, "nhs", "incremental_qalys", NULL, "mean");
		double dc = cmpv(c, st, "nhs", "incremental_cost", NULL, "mean"), dx = cmpv(c, st, "exchequer", "incremental_cost", NULL, "mean");
		double npv = cmpv(c, st, "societal", "incremental_npv", NULL, "mean");
		double psh = cmpv(c, st, "exchequer", "payback_share", NULL, "mean"), pmed = cmpv(c, st, "exchequer", "payback_median_years", NULL, "mean");
		char x[48], iv[120], w[200];
		iapt_buf__printf(b, "<p class=\"story\">");
		esc(b, st);
		iapt_buf__printf(b, " compared with ");
		esc(b, base);
		iapt_buf__printf(b, ": ");
		if (rec == 0 && cmpv(c, st, "all", "pathway:recovered", NULL, "lo95") == 0 && cmpv(c, st, "all", "pathway:recovered", NULL, "hi95") == 0)
			iapt_buf__printf(b, "as many people would recover");
		else if (isfinite(rec))
			iapt_buf__printf(b, "about %s %s people would recover%s", count(x, sizeof x, fabs(rec)), rec >= 0 ? "more" : "fewer",
					 magnitude_interval(iv, sizeof iv, rec, cmpv(c, st, "all", "pathway:recovered", NULL, "lo95"), cmpv(c, st, "all", "pathway:recovered", NULL, "hi95"), 1));
		if (dq == 0)
			iapt_buf__printf(b, "%sthe same QALYs", isfinite(rec) ? " with " : "");
		else if (isfinite(dq))
			iapt_buf__printf(b, "%s%s QALYs %s%s", isfinite(rec) ? " and " : "", count(x, sizeof x, fabs(dq)), dq >= 0 ? "gained" : "lost",
					 magnitude_interval(iv, sizeof iv, dq, cmpv(c, st, "nhs", "incremental_qalys", NULL, "lo95"), cmpv(c, st, "nhs", "incremental_qalys", NULL, "hi95"), 1));
		if (dc == 0 && cmpv(c, st, "nhs", "incremental_cost", NULL, "lo95") == 0 && cmpv(c, st, "nhs", "incremental_cost", NULL, "hi95") == 0)
			iapt_buf__printf(b, ", with no change in cost to the NHS");
		else if (isfinite(dc))
			iapt_buf__printf(b, ", %s to the NHS of %s%s in present value", dc >= 0 ? "at an extra cost" : "with a saving", money(x, sizeof x, fabs(dc)),
					 magnitude_interval(iv, sizeof iv, dc, cmpv(c, st, "nhs", "incremental_cost", NULL, "lo95"), cmpv(c, st, "nhs", "incremental_cost", NULL, "hi95"), 0));
		iapt_buf__printf(b, ". ");
		if (dx == 0 && cmpv(c, st, "exchequer", "incremental_cost", NULL, "lo95") == 0 && cmpv(c, st, "exchequer", "incremental_cost", NULL, "hi95") == 0)
			iapt_buf__printf(b, "The Exchequer's net cost does not change. ");
		else if (isfinite(dx)) {
			iapt_buf__printf(b, "The Exchequer's net cost %s by %s", dx >= 0 ? "rises" : "falls", money(x, sizeof x, fabs(dx)));
			/* no payback claimed for a change the run cannot tell from none */
			if (isfinite(psh) && !told_apart(c, st))
				iapt_buf__printf(b, "; as far as this run can tell the change does not pay back for it within %d years (pays back in %s of draws)", horizon(c),
						 iapt_format_percent(iv, sizeof iv, psh));
			else if (isfinite(psh))
				iapt_buf__printf(b, "; for it the change %s", iapt_format_payback(w, sizeof w, psh, pmed, horizon(c)));
			iapt_buf__printf(b, ". ");
		}
		if (npv == 0 && cmpv(c, st, "societal", "incremental_npv", NULL, "lo95") == 0 && cmpv(c, st, "societal", "incremental_npv", NULL, "hi95") == 0)
			iapt_buf__printf(b, "Society's net present value does not change. ");
		else if (isfinite(npv))
			iapt_buf__printf(b, "Society's net present value, QALYs valued, %s by %s. ", npv >= 0 ? "rises" : "falls", money(x, sizeof x, fabs(npv)));
		if (dc == 0 && dq == 0)
			iapt_buf__printf(b, "From the NHS's point of view the two are a tie: no change in cost or QALYs, so each is cost-effective in half the draws and the acceptability frontier keeps the base.");
		else if (isfinite(dc) && isfinite(dq))
			iapt_buf__printf(b, "From the NHS's point of view: %s.", iapt_format_icer(w, sizeof w, dc, dq));
		if (!told_apart(c, st) && cmpv(c, st, "nhs", "incremental_cost", NULL, "n") < 2)
			iapt_buf__printf(b, " <strong>The run cannot tell these options apart</strong>: with one replicate there is no estimate of the Monte Carlo error, "
					    "so none of these differences can be told from noise and none of the words above is a verdict; run more replicates (2 or more; 10 or more for useful intervals).");
		else if (!told_apart(c, st))
			iapt_buf__printf(b, " <strong>The run cannot tell these options apart at this scale</strong>: a mean increment is smaller than twice its Monte Carlo error; "
					    "run more replicates or a larger population scale.");
		iapt_buf__printf(b, "</p>\n");
	}
	{ /* which option, at the ends of NICE's range, by the NHS's frontier */
		const char *lo = frontier_choice(c, "nhs", 20000), *hi = frontier_choice(c, "nhs", 30000);
		if (lo && hi) {
			iapt_buf__printf(b, "<p class=\"story\">Which option: by the NHS's efficiency frontier, ");
			if (!strcmp(lo, hi)) {
				iapt_buf__printf(b, "the option to choose at GBP 20,000 and at GBP 30,000 per QALY gained is ");
				esc(b, lo);
			} else {
				iapt_buf__printf(b, "the option to choose at GBP 20,000 per QALY gained is ");
				esc(b, lo);
				iapt_buf__printf(b, ", and at GBP 30,000 it is ");
				esc(b, hi);
			}
			iapt_buf__printf(b, ".");
			if ((strcmp(lo, base) && !told_apart(c, lo)) || (strcmp(hi, base) && !told_apart(c, hi)))
				iapt_buf__printf(b, " This reads the means only: the run cannot tell the options apart from noise.");
			iapt_buf__printf(b, "</p>\n");
		}
	}
	iapt_buf__printf(b, "</section>\n");
}

static size_t frontier_row(const table *t, const char *persp, const char *st)
{
	return find2(t, "perspective", persp, "strategy", st);
}

static void ce_plane(ctx *c, const char *persp);

static void frontier_words(ctx *c)
{
	const table *t = &c->frontier;
	int cp = col(t, "perspective"), cs = col(t, "strategy"), cst = col(t, "status"), ccmp = col(t, "comparator"), cic = col(t, "icer"),
	    cc = col(t, "cost"), ce = col(t, "effect"), cq = col(t, "quadrant");
	const char *persps[3] = {"nhs", "exchequer", "societal"};
	int p;
	if (!t->nrows)
		return;
	iapt_buf__printf(c->b, "<section><h2>The efficiency frontier</h2>\n<p class=\"note\">Options are ordered by cost; an option is dominated when another costs no more and gives at least as many QALYs, "
			       "and extendedly dominated when a mix of its neighbours on the frontier would give more QALYs for the money. Each option on the frontier is compared with the next cheaper one on it.</p>\n");
	for (p = 0; p < 3; p++) {
		size_t r, k = 0;
		int any = 0;
		char x[48], y[48], w[200];
		for (r = 0; r < t->nrows; r++)
			any |= !strcmp(cell(t, r, cp), persps[p]);
		if (!any)
			continue;
		iapt_buf__printf(c->b, "<p class=\"frontier\"><strong>%s:</strong> the frontier runs ", persp_label(persps[p]));
		/* the options on the frontier, by cost */
		{
			size_t idx[64], m = 0, i, j;
			for (r = 0; r < t->nrows && m < 64; r++) {
				if (strcmp(cell(t, r, cp), persps[p]) || strcmp(cell(t, r, cst), "on frontier"))
					continue;
				for (i = m; i > 0 && num(cell(t, idx[i - 1], cc)) > num(cell(t, r, cc)); i--)
					idx[i] = idx[i - 1];
				idx[i] = r;
				m++;
			}
			for (j = 0; j < m; j++) {
				size_t fr = idx[j];
				if (k++)
					iapt_buf__printf(c->b, ", then ");
				esc(c->b, cell(t, fr, cs));
				if (strcmp(cell(t, fr, ccmp), "NA")) {
					iapt_buf__printf(c->b, " at %s per QALY gained over ", money(x, sizeof x, num(cell(t, fr, cic))));
					esc(c->b, cell(t, fr, ccmp));
				}
			}
		}
		iapt_buf__printf(c->b, ".");
		for (r = 0; r < t->nrows; r++) {
			const char *st = cell(t, r, cst), *cmp = cell(t, r, ccmp);
			size_t cr = frontier_row(t, persps[p], cmp);
			if (strcmp(cell(t, r, cp), persps[p]))
				continue;
			if (!strcmp(st, "dominated") && cr != (size_t)-1) {
				double dc = num(cell(t, r, cc)) - num(cell(t, cr, cc)), de = num(cell(t, r, ce)) - num(cell(t, cr, ce));
				iapt_buf__printf(c->b, " ");
				esc(c->b, cell(t, r, cs));
				iapt_buf__printf(c->b, " is dominated by ");
				esc(c->b, cmp);
				if (!told_apart(c, cell(t, r, cs)) && strcmp(cell(t, r, cq), "base"))
					iapt_buf__printf(c->b, " on the means only (the run cannot tell them apart)");
				if (dc == 0 && de == 0)
					iapt_buf__printf(c->b, " (the same costs and QALYs: a tie).");
				else if (de == 0)
					iapt_buf__printf(c->b, ": it costs %s more for the same QALYs.", money(x, sizeof x, dc));
				else if (dc == 0)
					iapt_buf__printf(c->b, ": it costs the same and gives %s fewer QALYs.", count(y, sizeof y, -de));
				else
					iapt_buf__printf(c->b, ": it costs %s more and gives %s fewer QALYs.", money(x, sizeof x, dc), count(y, sizeof y, -de));
			} else if (!strcmp(st, "extendedly dominated")) {
				iapt_buf__printf(c->b, " ");
				esc(c->b, cell(t, r, cs));
				iapt_buf__printf(c->b, " is extendedly dominated: against ");
				esc(c->b, cmp);
				iapt_buf__printf(c->b, " it costs %s per QALY gained, more than the next option on the frontier asks, so a mix of its neighbours buys more health for the money.",
						 money(x, sizeof x, num(cell(t, r, cic))));
			}
			if (strstr(cell(t, r, cq), "tie") && strcmp(cell(t, r, cq), "base")) {
				iapt_buf__printf(c->b, " ");
				esc(c->b, cell(t, r, cs));
				iapt_buf__printf(c->b, " has the same costs and QALYs as %s: a tie.", !strcmp(cell(t, r, cq), "tie") ? "the base" : "another option");
			}
		}
		/* the quadrant against the base, in words */
		for (r = 0; r < t->nrows; r++) {
			const char *q = cell(t, r, cq);
			size_t br;
			if (strcmp(cell(t, r, cp), persps[p]) || !strcmp(q, "base") || !strcmp(q, "tie"))
				continue;
			for (br = 0; br < t->nrows && !(strcmp(cell(t, br, cp), persps[p]) == 0 && strcmp(cell(t, br, cq), "base") == 0); br++)
				;
			if (br == t->nrows)
				break;
			iapt_buf__printf(c->b, " Against the base, ");
			esc(c->b, cell(t, r, cs));
			iapt_format_icer(w, sizeof w, num(cell(t, r, cc)) - num(cell(t, br, cc)), num(cell(t, r, ce)) - num(cell(t, br, ce)));
			if (!strncmp(q, "north-east", 10))
				iapt_buf__printf(c->b, " is dearer and more effective: %s.", w);
			else if (!strncmp(q, "south-west", 10))
				iapt_buf__printf(c->b, " is cheaper and less effective: it %s.", w);
			else
				iapt_buf__printf(c->b, " is %s.", w);
		}
		iapt_buf__printf(c->b, "</p>\n");
	}
	for (p = 0; p < 3; p++)
		ce_plane(c, persps[p]);
	iapt_buf__printf(c->b, "<table><caption>The frontier by perspective: mean net cost and QALYs of each option (frontier.csv)</caption>"
			       "<tr><th>perspective</th><th>option</th><th>net cost</th><th>QALYs</th><th>status</th><th>against</th><th>cost per QALY gained</th><th>against the base</th></tr>\n");
	{
		size_t r;
		for (r = 0; r < t->nrows; r++) {
			char x[48], y[48];
			double icer = num(cell(t, r, cic));
			iapt_buf__printf(c->b, "<tr><td>%s</td><td>", persp_label(cell(t, r, cp)));
			esc(c->b, cell(t, r, cs));
			iapt_buf__printf(c->b, "</td><td>%s</td><td>%s</td><td>%s</td><td>", money(x, sizeof x, num(cell(t, r, cc))), count(y, sizeof y, num(cell(t, r, ce))),
					 cell(t, r, cst));
			esc(c->b, strcmp(cell(t, r, ccmp), "NA") ? cell(t, r, ccmp) : "");
			iapt_buf__printf(c->b, "</td><td>%s</td><td>%s</td></tr>\n", isfinite(icer) ? money(x, sizeof x, icer) : "", cell(t, r, cq));
		}
	}
	iapt_buf__printf(c->b, "</table></section>\n");
}

/* The cost-effectiveness plane of one perspective: each option's mean QALYs and net cost
 * against the base's, the frontier joining the options on it. */
static void ce_plane(ctx *c, const char *persp)
{
	const table *t = &c->frontier;
	int cp = col(t, "perspective"), cs = col(t, "strategy"), cst = col(t, "status"), cc = col(t, "cost"), ce = col(t, "effect"), cq = col(t, "quadrant");
	size_t r, rows[16], nr = 0, base = (size_t)-1, fr[16], nf = 0, i, j;
	double xlo, xhi, ylo, yhi, ly;
	series sx, sy;
	char title[160], tk[48];
	for (r = 0; r < t->nrows && nr < 16; r++)
		if (!strcmp(cell(t, r, cp), persp)) {
			rows[nr++] = r;
			if (!strcmp(cell(t, r, cq), "base"))
				base = r;
		}
	if (base == (size_t)-1 || nr < 2)
		return;
	memset(&sx, 0, sizeof sx);
	memset(&sy, 0, sizeof sy);
	for (i = 0; i < nr; i++) {
		sx.y[sx.n++] = num(cell(t, rows[i], ce)) - num(cell(t, base, ce));
		sy.y[sy.n++] = num(cell(t, rows[i], cc)) - num(cell(t, base, cc));
	}
	range_of(&sx, 1, &xlo, &xhi, 1);
	range_of(&sy, 1, &ylo, &yhi, 1);
	if (xlo > 0)
		xlo = 0;
	snprintf(title, sizeof title, "Cost-effectiveness plane, %s perspective", persp_label(persp));
	chart_open(c->b, &c->chart, title,
		   "Each option's mean QALYs gained and net cost against the base (at the origin); the line joins the options on the efficiency frontier, by cost.");
	y_axis(c->b, ylo, yhi, 1);
#define QX(x) (ML + (W - ML - MR) * ((x) - xlo) / (xhi - xlo))
#define QY(y) (MT + (H - MT - MB) * (1 - ((y) - ylo) / (yhi - ylo)))
	for (i = 0; i <= 4; i++)
		iapt_buf__printf(c->b, "<text x=\"%.1f\" y=\"%.0f\" class=\"tick\" text-anchor=\"middle\">%s</text>", QX(xlo + (xhi - xlo) * i / 4), H - MB + 16,
				 iapt_format_number(tk, sizeof tk, xlo + (xhi - xlo) * i / 4));
	if (xlo < 0 && xhi > 0)
		iapt_buf__printf(c->b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" class=\"grid\"/>", QX(0), QX(0), MT, H - MB);
	/* the frontier, by cost */
	for (i = 0; i < nr; i++)
		if (!strcmp(cell(t, rows[i], cst), "on frontier")) {
			for (j = nf; j > 0 && num(cell(t, fr[j - 1], cc)) > num(cell(t, rows[i], cc)); j--)
				fr[j] = fr[j - 1];
			fr[j] = rows[i];
			nf++;
		}
	if (nf > 1) {
		iapt_buf__printf(c->b, "<polyline class=\"line\" points=\"");
		for (j = 0; j < nf; j++)
			iapt_buf__printf(c->b, "%.1f,%.1f ", QX(num(cell(t, fr[j], ce)) - num(cell(t, base, ce))), QY(num(cell(t, fr[j], cc)) - num(cell(t, base, cc))));
		iapt_buf__printf(c->b, "\"/>");
	}
	for (i = 0, ly = MT + 10; i < nr; i++) {
		double lx = W - MR + 14;
		char lab[256];
		marker(c->b, (int)i, QX(sx.y[i]), QY(sy.y[i]));
		marker(c->b, (int)i, lx + 6, ly);
		snprintf(lab, sizeof lab, "%s (%s)", cell(t, rows[i], cs),
			 !strcmp(cell(t, rows[i], cst), "on frontier") ? "frontier" : cell(t, rows[i], cst));
		ly += 22 + 13 * (legend_label(c->b, lx + 16, ly + 4, lab) - 1);
	}
#undef QX
#undef QY
	axis_labels(c->b, "QALYs gained against the base", "net cost against the base (GBP)");
	iapt_buf__printf(c->b, "</svg></figure>\n");
}

static void increments_table(ctx *c)
{
	const table *t = &c->comparison;
	int cs = col(t, "strategy"), cp = col(t, "perspective"), cm = col(t, "measure"), ct = col(t, "threshold"), cmean = col(t, "mean"),
	    clo = col(t, "lo95"), chi = col(t, "hi95"), cmc = col(t, "mcse");
	size_t r;
	char prev[256] = "";
	iapt_buf__printf(c->b, "<section><h2>Increments over the base</h2><table><caption>Paired by draw (common random numbers): mean, 95%% interval (2.5th to 97.5th percentile of the draws) and the Monte Carlo standard error of the mean</caption>"
			       "<tr><th>measure</th><th>mean</th><th>95%% interval</th><th>Monte Carlo error</th></tr>\n");
	for (r = 0; r < t->nrows; r++) {
		char lab[160], a[48], iv[120], e[48], head[256];
		int kind;
		const char *m = cell(t, r, cm), *label = measure_label(m, cell(t, r, ct), lab, sizeof lab, &kind);
		double mean = num(cell(t, r, cmean)), lo = num(cell(t, r, clo)), hi = num(cell(t, r, chi)), mc = num(cell(t, r, cmc));
		if (!strncmp(m, "pv:", 3) && mean == 0 && lo == 0 && hi == 0)
			continue; /* a ledger category the change does not touch */
		snprintf(head, sizeof head, "%s|%s", cell(t, r, cs), cell(t, r, cp));
		if (strcmp(head, prev)) {
			iapt_buf__printf(c->b, "<tr><th colspan=\"4\">");
			esc(c->b, cell(t, r, cs));
			iapt_buf__printf(c->b, ": %s</th></tr>\n", !strcmp(cell(t, r, cp), "all") ? "the pathway, national, over the run's years" : persp_label(cell(t, r, cp)));
			snprintf(prev, sizeof prev, "%s", head);
		}
		iapt_buf__printf(c->b, "<tr><td>%s</td><td>", label);
		if (!strcmp(m, "icer")) {
			double dc = cmpv(c, cell(t, r, cs), cell(t, r, cp), "incremental_cost", NULL, "mean"),
			       dq = cmpv(c, cell(t, r, cs), cell(t, r, cp), "incremental_qalys", NULL, "mean");
			char w[200];
			iapt_buf__printf(c->b, "%s", iapt_format_icer(w, sizeof w, dc, dq));
			if (dc > 0 && dq > 0 && isfinite(lo))
				iapt_buf__printf(c->b, "</td><td>%s to %s", money(a, sizeof a, lo), money(iv, sizeof iv, hi));
			else
				iapt_buf__printf(c->b, "</td><td>%s", isfinite(lo) ? "" : "none: see the shares of draws");
		} else {
			iapt_buf__printf(c->b, "%s</td><td>", fmt_kind(a, sizeof a, mean, kind));
			if (isfinite(lo) && isfinite(hi))
				iapt_buf__printf(c->b, "%s to ", fmt_kind(iv, sizeof iv, lo, kind)), iapt_buf__printf(c->b, "%s", fmt_kind(iv, sizeof iv, hi, kind));
		}
		iapt_buf__printf(c->b, "</td><td>%s</td></tr>\n", isfinite(mc) ? fmt_kind(e, sizeof e, mc, kind == 3 ? 4 : kind) : "");
	}
	iapt_buf__printf(c->b, "</table></section>\n");
}

/* The acceptability curve of every strategy in one perspective, and the acceptability
 * frontier (the strategy with the highest mean net benefit) as markers on it. */
static void ceac_one(ctx *c, const char *persp)
{
	series s[7];
	int ns = 0, ct = col(&c->ceac, "threshold"), cs = col(&c->ceac, "strategy"), cp = col(&c->ceac, "probability"),
	    cpe = col(&c->ceac, "perspective"), cf = col(&c->ceac, "ceaf"), k, i;
	size_t r;
	double x0, x1, ly;
	char title[160], t[48];
	memset(s, 0, sizeof s);
	s[0].label = "acceptability frontier";
	s[0].points_only = 1;
	ns = 1;
	for (r = 0; r < c->ceac.nrows; r++) {
		const char *st = cell(&c->ceac, r, cs);
		if (strcmp(cell(&c->ceac, r, cpe), persp))
			continue;
		for (k = 1; k < ns && strcmp(s[k].label, st); k++)
			;
		if (k == ns) {
			if (ns == 7)
				continue;
			s[ns++].label = st;
		}
		if (s[k].n < MAXP) {
			s[k].x[s[k].n] = num(cell(&c->ceac, r, ct));
			s[k].y[s[k].n++] = num(cell(&c->ceac, r, cp));
		}
		/* one frontier marker per threshold, on the first strategy that is on it */
		if (num(cell(&c->ceac, r, cf)) == 1 && s[0].n < MAXP && (!s[0].n || s[0].x[s[0].n - 1] != num(cell(&c->ceac, r, ct)))) {
			s[0].x[s[0].n] = num(cell(&c->ceac, r, ct));
			s[0].y[s[0].n++] = num(cell(&c->ceac, r, cp));
		}
	}
	if (ns < 2 || s[1].n < 2)
		return;
	x0 = s[1].x[0];
	x1 = s[1].x[s[1].n - 1];
	snprintf(title, sizeof title, "Cost-effectiveness acceptability curves, %s perspective", persp_label(persp));
	chart_open(c->b, &c->chart, title,
		   "Share of draws in which each strategy has the highest net monetary benefit, ties split, against the threshold value of a QALY; markers: the acceptability frontier, the strategy with the highest mean net benefit (on a tie the first listed, the base before its alternatives).");
	y_axis(c->b, 0, 1, 0);
	for (i = 0; i <= 4; i++)
		iapt_buf__printf(c->b, "<text x=\"%.1f\" y=\"%.0f\" class=\"tick\" text-anchor=\"middle\">%s</text>", ML + (W - ML - MR) * i / 4, H - MB + 16,
				 iapt_format_number(t, sizeof t, x0 + (x1 - x0) * i / 4));
#define CX(x) (ML + (W - ML - MR) * ((x) - x0) / (x1 - x0 > 0 ? x1 - x0 : 1))
#define CY(y) (MT + (H - MT - MB) * (1 - (y)))
	for (k = 0, ly = MT + 10; k < ns; k++) {
		double lx = W - MR + 14;
		if (k == 0) {
			for (i = 0; i < s[0].n; i++)
				if (i % 4 == 0 || i == s[0].n - 1)
					marker(c->b, 1, CX(s[0].x[i]), CY(s[0].y[i]));
			marker(c->b, 1, lx + 12, ly);
		} else {
			iapt_buf__printf(c->b, "<polyline class=\"line\" stroke-dasharray=\"%s\" points=\"", dashes[(k - 1) % 4]);
			for (i = 0; i < s[k].n; i++)
				iapt_buf__printf(c->b, "%.1f,%.1f ", CX(s[k].x[i]), CY(s[k].y[i]));
			iapt_buf__printf(c->b, "\"/><line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"line\" stroke-dasharray=\"%s\"/>", lx, lx + 24, ly, ly,
					 dashes[(k - 1) % 4]);
		}
		ly += 22 + 13 * (legend_label(c->b, lx + 30, ly + 4, s[k].label) - 1);
	}
#undef CX
#undef CY
	axis_labels(c->b, "threshold (GBP per QALY)", "probability cost-effective");
	iapt_buf__printf(c->b, "</svg></figure>\n");
}

static void ceac_chart(ctx *c)
{
	int p;
	if (!c->ceac.nrows)
		return;
	iapt_buf__printf(c->b, "<section><h2>Acceptability</h2>\n");
	for (p = 0; p < IAPT_PERSP__COUNT; p++)
		ceac_one(c, iapt_perspective_name(p));
	iapt_buf__printf(c->b, "</section>\n");
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
				iapt_format_number(a, sizeof a, lo);
				iapt_format_number(z, sizeof z, hi);
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
			{
				char v0[48], v1[48], v2[48], y1[48], y2[48], sw[48];
				double swv = num(cell(t, r, col(t, "switching_value")));
				iapt_buf__printf(c->b, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
						 iapt_format_value(v0, sizeof v0, num(cell(t, r, col(t, "base"))), 4),
						 iapt_format_value(v1, sizeof v1, num(cell(t, r, col(t, "low"))), 4),
						 iapt_format_value(v2, sizeof v2, num(cell(t, r, col(t, "high"))), 4),
						 iapt_format_number(y1, sizeof y1, num(cell(t, r, cl))), iapt_format_number(y2, sizeof y2, num(cell(t, r, ch))),
						 isfinite(swv) ? iapt_format_value(sw, sizeof sw, swv, 4) : "none");
			}
		}
		iapt_buf__printf(c->b, "</table></section>\n");
	}
}

/* A dotted name (treatment.dna_rate), escaped, that may break after its dots and
 * underscores only, so that a narrow column wraps it between words, never inside one. */
static void esc_name(iapt_buf *b, const char *name)
{
	char one[2] = {0, 0};
	for (; *name; name++) {
		one[0] = *name;
		esc(b, one);
		if ((*name == '.' || *name == '_') && name[1])
			iapt_buf__printf(b, "<wbr>");
	}
}

static void parameter_table(ctx *c)
{
	json_t *ps = c->run ? json_object_get(c->run, "parameters") : NULL;
	size_t i;
	if (!json_is_array(ps))
		return;
	iapt_buf__printf(c->b, "<section class=\"params\"><h2>Parameters</h2><table><caption>Every parameter in force, with its source (values set by the scenario are marked)</caption>"
			       "<tr><th>parameter</th><th class=\"n\">value</th><th>unit</th><th>source</th></tr>\n");
	for (i = 0; i < json_array_size(ps); i++) {
		json_t *p = json_array_get(ps, i);
		const char *origin = jstr(p, "origin");
		json_t *v = json_object_get(p, "value");
		iapt_buf__printf(c->b, "<tr%s><td>", strcmp(origin, "default") ? " class=\"set\"" : "");
		esc_name(c->b, jstr(p, "name"));
		{
			char vb[48];
			iapt_buf__printf(c->b, "%s</td><td class=\"n\">%s</td><td>", strcmp(origin, "default") ? " (set)" : "",
					 iapt_format_value(vb, sizeof vb, json_is_number(v) ? json_number_value(v) : NAN, 6));
		}
		esc(c->b, jstr(p, "unit"));
		iapt_buf__printf(c->b, "</td><td class=\"doc\">");
		esc(c->b, jstr(p, "source"));
		iapt_buf__printf(c->b, "</td></tr>\n");
	}
	iapt_buf__printf(c->b, "</table></section>\n");
}

/* A plugin option that holds a calendar year (its name ends in "year" and its value is a
 * whole number a year could be): printed as 2023, not as the quantity 2,023. */
static int is_year_option(const char *name, double v)
{
	size_t n = strlen(name);
	return n >= 4 && !strcmp(name + n - 4, "year") && v == floor(v) && v >= 1000 && v <= 9999;
}

/* The plugins used, with their option values, and the parameter distributions. */
static void plugins_and_uncertainty(ctx *c)
{
	json_t *pl = c->run ? json_object_get(c->run, "plugins") : NULL, *un = c->run ? json_object_get(c->run, "uncertainty") : NULL;
	json_t *ups = un ? json_object_get(un, "parameters") : NULL;
	size_t i, k;
	if (json_is_array(pl) && json_array_size(pl)) {
		iapt_buf__printf(c->b, "<section class=\"params\"><h2>Plugins</h2><table><caption>Lua plugins used (SHA-256 of each plugin's text in run.json), and their options</caption>"
				       "<tr><th>plugin</th><th>option</th><th class=\"n\">value</th><th>what it does</th></tr>\n");
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
				esc_name(c->b, jstr(o, "name"));
				iapt_buf__printf(c->b, "</td><td class=\"n\">");
				if (json_is_string(v))
					esc(c->b, json_string_value(v));
				else if (json_is_boolean(v))
					iapt_buf__printf(c->b, "%s", json_is_true(v) ? "true" : "false");
				else if (is_year_option(jstr(o, "name"), json_number_value(v)))
					iapt_buf__printf(c->b, "%.0f", json_number_value(v)); /* 2023, not 2,023 */
				else {
					char vb[48];
					iapt_buf__printf(c->b, "%s", iapt_format_value(vb, sizeof vb, json_number_value(v), 6));
				}
				iapt_buf__printf(c->b, "</td><td class=\"doc\">");
				esc(c->b, jstr(o, "doc"));
				iapt_buf__printf(c->b, "</td></tr>\n");
			}
		}
		iapt_buf__printf(c->b, "</table></section>\n");
	}
	if (json_is_array(ups) && json_array_size(ups)) {
		iapt_buf__printf(c->b, "<section class=\"params\"><h2>Parameter uncertainty</h2><table><caption>One draw per replicate, truncated to each parameter's bounds (psa.csv holds the draws)</caption>"
				       "<tr><th>parameter</th><th>distribution</th><th class=\"n\">a</th><th class=\"n\">b</th><th>given at</th></tr>\n");
		for (i = 0; i < json_array_size(ups); i++) {
			json_t *u = json_array_get(ups, i);
			iapt_buf__printf(c->b, "<tr><td>");
			esc_name(c->b, jstr(u, "name"));
			{
				char va[48], vb[48];
				iapt_buf__printf(c->b, "</td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>", jstr(u, "dist"),
						 iapt_format_value(va, sizeof va, json_number_value(json_object_get(u, "a")), 6),
						 iapt_format_value(vb, sizeof vb, json_number_value(json_object_get(u, "b")), 6));
			}
			esc(c->b, jstr(u, "origin"));
			iapt_buf__printf(c->b, "</td></tr>\n");
		}
		iapt_buf__printf(c->b, "</table></section>\n");
	}
}

/* ---- services and places (results/services.csv, docs/output.md) ---- */

/* Spiegelhalter (2005, Stat Med 24:1185-1202, section 3.1) binomial control limit at level q
 * for a unit of n cases around the rate p0: r the smallest count with P(R <= r) >= q, moved
 * back by the interpolation alpha = (P(R <= r) - q) / (P(R <= r) - P(R <= r - 1)) so the
 * limit is smooth in n; (r - alpha) / n. */
static double funnel_limit(double n, double p0, double q)
{
	unsigned N, r;
	double mu, sd, fr, frm;
	if (!(n >= 1) || !(p0 > 0 && p0 < 1))
		return NAN;
	N = (unsigned)llround(fmin(n, 4e9));
	mu = N * p0;
	sd = sqrt(N * p0 * (1 - p0));
	{
		double start = floor(mu + gsl_cdf_ugaussian_Pinv(q) * sd);
		r = start < 0 ? 0 : start > N ? N : (unsigned)start;
	}
	while (r < N && gsl_cdf_binomial_P(r, p0, N) < q)
		r++;
	while (r > 0 && gsl_cdf_binomial_P(r - 1, p0, N) >= q)
		r--;
	fr = gsl_cdf_binomial_P(r, p0, N);
	frm = r > 0 ? gsl_cdf_binomial_P(r - 1, p0, N) : 0;
	return ((double)r - (fr > frm ? (fr - q) / (fr - frm) : 0)) / N;
}

typedef struct svc_row {
	const char *name, *region_code, *region;
	double cases, recovery, finished; /* at caseness (national), %, finished courses (national) */
} svc_row;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmp_svc_recovery(const void *a, const void *b)
{
	const svc_row *x = a, *y = b;
	return x->recovery < y->recovery ? -1 : x->recovery > y->recovery;
}

/* R's type 7 quantile of sorted v */
static double quantile7(const double *v, size_t n, double q)
{
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	return v[lo] + (h - (double)lo) * (v[lo + 1 < n ? lo + 1 : lo] - v[lo]);
}

/* The services of year y in services.csv (first strategy only, when it has several), with
 * their finished courses at caseness and recovery; returns how many, *out malloc'ed. */
static size_t svc_year(const ctx *c, int y, svc_row **out)
{
	const table *t = &c->services;
	int cy = col(t, "year"), cs = col(t, "strategy"), cn = col(t, "service_name"), crc = col(t, "region_code"),
	    cr = col(t, "region"), cc = col(t, "finished_at_caseness"), cf = col(t, "finished_course"), cp = col(t, "recovery_pct");
	const char *first = t->nrows ? cell(t, 0, cs) : "";
	size_t r, n = 0;
	svc_row *v = calloc(t->nrows ? t->nrows : 1, sizeof *v);
	*out = v;
	if (!v)
		return 0;
	for (r = 0; r < t->nrows; r++) {
		if (atoi(cell(t, r, cy)) != y || (cs >= 0 && strcmp(cell(t, r, cs), first)))
			continue;
		v[n].name = cell(t, r, cn);
		v[n].region_code = cell(t, r, crc);
		v[n].region = cell(t, r, cr);
		v[n].cases = num(cell(t, r, cc));
		v[n].finished = num(cell(t, r, cf));
		v[n].recovery = num(cell(t, r, cp));
		if (isfinite(v[n].cases) && isfinite(v[n].recovery) && v[n].cases > 0)
			n++;
	}
	return n;
}

static double run_num(const ctx *c, const char *key, double dflt)
{
	json_t *v = json_object_get(c->run, key);
	return json_is_number(v) ? json_number_value(v) : dflt;
}

/* Funnel plot (Spiegelhalter 2005): each service's recovery against its finished courses at
 * caseness (recovery's denominator), the national rate and its 95% and 99.8% binomial limits. */
static void funnel_chart(ctx *c, const svc_row *v, size_t n, int year, double p0, double eff)
{
	iapt_buf *b = c->b;
	double x0 = INFINITY, x1 = 0, lo = INFINITY, hi = -INFINITY, step, xv;
	static const double qs[4] = {0.001, 0.025, 0.975, 0.999};
	static const char *const qdash[4] = {"2 3", "8 4", "8 4", "2 3"};
	enum { NP = 80 };
	double lim[4][NP], xs[NP];
	char t[32], lab[8], title[120];
	size_t i;
	int k, j, above[2] = {0, 0}, below[2] = {0, 0};
	for (i = 0; i < n; i++) {
		x0 = fmin(x0, v[i].cases);
		x1 = fmax(x1, v[i].cases);
		lo = fmin(lo, v[i].recovery);
		hi = fmax(hi, v[i].recovery);
	}
	for (j = 0; j < NP; j++) {
		xs[j] = x0 + (x1 - x0) * j / (NP - 1.0);
		for (k = 0; k < 4; k++)
			lim[k][j] = 100 * funnel_limit(xs[j] * eff, p0, qs[k]);
	}
	{
		/* the y range: the services and the 99.8% limits at the middle of their counts; the
		 * limits' flare at small counts is clipped to the plot */
		double *cs = malloc(n * sizeof *cs), mid;
		if (cs) {
			for (i = 0; i < n; i++)
				cs[i] = v[i].cases;
			qsort(cs, n, sizeof *cs, cmp_double);
			mid = cs[n / 2];
			free(cs);
			for (k = 0; k < 4; k += 3) {
				double l = 100 * funnel_limit(mid * eff, p0, qs[k]);
				if (isfinite(l)) {
					lo = fmin(lo, l);
					hi = fmax(hi, l);
				}
			}
		}
		lo = fmax(lo, 0);
		hi = fmin(hi, 100);
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < 2; k++) {
			/* k = 0: 95% limits (qs 1, 2); k = 1: 99.8% (qs 0, 3) */
			double l = 100 * funnel_limit(v[i].cases * eff, p0, qs[k ? 0 : 1]), h = 100 * funnel_limit(v[i].cases * eff, p0, qs[k ? 3 : 2]);
			above[k] += v[i].recovery > h;
			below[k] += v[i].recovery < l;
		}
	step = nice_step(hi - lo);
	lo = floor(lo / step) * step;
	hi = ceil(hi / step) * step;
	{
		double xstep = nice_step(x1);
		x0 = 0;
		x1 = ceil(x1 / xstep) * xstep;
	}
	snprintf(title, sizeof title, "Funnel plot: recovery by service, %s", iapt_year_label(year, lab));
	chart_open(b, &c->chart, title,
		   "Each service's recovery (per cent of finished courses at caseness) against its finished courses at caseness; "
		   "the national rate with 95% and 99.8% binomial control limits (Spiegelhalter 2005).");
	y_axis(b, lo, hi, 0);
#define PX(x) (ML + (W - ML - MR) * ((x) - x0) / (x1 - x0))
#define PY(y) (MT + (H - MT - MB) * (1 - ((y) - lo) / (hi - lo)))
	step = nice_step(x1 - x0);
	for (xv = x0; xv <= x1 + step * 1e-9; xv += step) {
		iapt_format_number(t, sizeof t, xv);
		iapt_buf__printf(b, "<text x=\"%.1f\" y=\"%.0f\" class=\"tick\" text-anchor=\"middle\">%s</text>", PX(xv), H - MB + 16, t);
	}
	iapt_buf__printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"line\"/>", PX(xs[0]), PX(xs[NP - 1]), PY(100 * p0),
			 PY(100 * p0));
	iapt_buf__printf(b, "<clipPath id=\"clip%d\"><rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\"/></clipPath>", c->chart, ML, MT,
			 W - ML - MR, H - MT - MB);
	for (k = 0; k < 4; k++) {
		iapt_buf__printf(b, "<polyline class=\"limit\" clip-path=\"url(#clip%d)\" stroke-dasharray=\"%s\" points=\"", c->chart, qdash[k]);
		for (j = 0; j < NP; j++)
			if (isfinite(lim[k][j]))
				iapt_buf__printf(b, "%.1f,%.1f ", PX(xs[j]), PY(lim[k][j]));
		iapt_buf__printf(b, "\"/>");
	}
	for (i = 0; i < n; i++)
		iapt_buf__printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.3\" class=\"pt\"/>", PX(v[i].cases), PY(v[i].recovery));
#undef PX
#undef PY
	{
		double lx = W - MR + 14, ly = MT + 10;
		iapt_buf__printf(b, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"2.3\" class=\"pt\"/>", lx + 12, ly);
		ly += 22 + 13 * (legend_label(b, lx + 30, ly + 4, "a service") - 1);
		iapt_buf__printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"line\"/>", lx, lx + 24, ly, ly);
		ly += 22 + 13 * (legend_label(b, lx + 30, ly + 4, "national rate") - 1);
		iapt_buf__printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"limit\" stroke-dasharray=\"8 4\"/>", lx, lx + 24, ly, ly);
		ly += 22 + 13 * (legend_label(b, lx + 30, ly + 4, "95% limits") - 1);
		iapt_buf__printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"limit\" stroke-dasharray=\"2 3\"/>", lx, lx + 24, ly, ly);
		legend_label(b, lx + 30, ly + 4, "99.8% limits");
	}
	axis_labels(b, "finished courses at caseness (national)", "recovery (%)");
	iapt_buf__printf(b, "</svg></figure>\n");
	iapt_buf__printf(b, "<p>%zu services in %s; national rate %.1f%%. Outside the 95%% limits: %d above, %d below (about %.0f expected by chance); "
			    "outside the 99.8%% limits: %d above, %d below (about %.1f expected). ",
			 n, iapt_year_label(year, lab), 100 * p0, above[0], below[0], 0.05 * (double)n, above[1], below[1], 0.002 * (double)n);
	if (above[1] + below[1] > 0.01 * (double)n)
		iapt_buf__printf(b, "More services lie outside the limits than chance gives: the services differ by more than their sampling noise "
				    "(overdispersion), as published services do.");
	iapt_buf__printf(b, "</p>\n");
}

/* Recovery by NHS region in year y: model (summary.csv region= groups with their intervals,
 * else pooled from services.csv) beside the published figure recomputed on the April 2019
 * regions (data/services_orgs_published.csv, region19_from_services). */
static void region_rows(ctx *c, const svc_row *v, size_t n, int year)
{
	iapt_buf *b = c->b;
	enum { NR = 16 };
	const char *code[NR], *name[NR];
	double rec[NR], cas[NR], model[NR], mlo[NR], mhi[NR], pub[NR], lo = INFINITY, hi = -INFINITY, step;
	int nr = 0, k, from_summary = 1;
	char lab[8], title[120], group[40];
	size_t i;
	for (i = 0; i < n; i++) {
		for (k = 0; k < nr && strcmp(code[k], v[i].region_code); k++)
			;
		if (k == nr) {
			if (nr == NR)
				continue;
			code[nr] = v[i].region_code;
			name[nr] = v[i].region;
			rec[nr] = cas[nr] = 0;
			nr++;
		}
		rec[k] += v[i].recovery / 100 * v[i].cases;
		cas[k] += v[i].cases;
	}
	if (!nr)
		return;
	for (k = 1; k < nr; k++) /* in code order (Y56 London ... Y63), by insertion: seven rows */
		for (int j = k; j > 0 && strcmp(code[j - 1], code[j]) > 0; j--) {
			const char *tc = code[j], *tn = name[j];
			double tr = rec[j], tcs = cas[j];
			code[j] = code[j - 1], name[j] = name[j - 1], rec[j] = rec[j - 1], cas[j] = cas[j - 1];
			code[j - 1] = tc, name[j - 1] = tn, rec[j - 1] = tr, cas[j - 1] = tcs;
		}
	iapt_year_label(year, lab);
	for (k = 0; k < nr; k++) {
		size_t r;
		snprintf(group, sizeof group, "region=%s", code[k]);
		model[k] = sval(c, year, group, "recovery_pct", "mean");
		mlo[k] = sval(c, year, group, "recovery_pct", "lo95");
		mhi[k] = sval(c, year, group, "recovery_pct", "hi95");
		if (!isfinite(model[k]))
			from_summary = 0;
		pub[k] = NAN;
		for (r = 0; r < c->regions_pub.nrows; r++)
			if (!strcmp(cell(&c->regions_pub, r, col(&c->regions_pub, "level")), "region19_from_services") &&
			    !strcmp(cell(&c->regions_pub, r, col(&c->regions_pub, "year")), lab) &&
			    !strcmp(cell(&c->regions_pub, r, col(&c->regions_pub, "code")), code[k]))
				pub[k] = num(cell(&c->regions_pub, r, col(&c->regions_pub, "recovery_pct")));
	}
	for (k = 0; k < nr; k++) {
		if (!from_summary) {
			model[k] = 100 * rec[k] / cas[k];
			mlo[k] = mhi[k] = NAN;
		}
		lo = fmin(lo, fmin(model[k], isfinite(mlo[k]) ? mlo[k] : model[k]));
		hi = fmax(hi, fmax(model[k], isfinite(mhi[k]) ? mhi[k] : model[k]));
		if (isfinite(pub[k])) {
			lo = fmin(lo, pub[k]);
			hi = fmax(hi, pub[k]);
		}
	}
	step = nice_step(fmax(hi - lo, 4));
	lo = floor(lo / step - 0.5) * step;
	hi = ceil(hi / step + 0.5) * step;
	/* a dot chart, one row a region: names at the left need room, so its own margins */
	{
		const double ml = 215, mr = 175, rowh = 26, mt = MT + 4, h = mt + rowh * nr + MB;
		double xv, ly;
		snprintf(title, sizeof title, "Recovery by NHS region, %s", lab);
		c->chart++;
		iapt_buf__printf(b, "<figure class=\"chart\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"c%dt c%dd\" xmlns=\"http://www.w3.org/2000/svg\">",
				 W, h, c->chart, c->chart);
		iapt_buf__printf(b, "<title id=\"c%dt\">%s</title><desc id=\"c%dd\">Recovery, per cent of finished courses at caseness, by NHS region: "
				    "model%s beside the published figure.</desc><text x=\"%.0f\" y=\"22\" class=\"chart-title\">%s</text>",
				 c->chart, title, c->chart, from_summary ? " with its 95% interval" : "", ML, title);
#define PX(x) (ml + (W - ml - mr) * ((x) - lo) / (hi - lo))
		for (xv = ceil(lo / step) * step; xv <= hi + step * 1e-9; xv += step) {
			char t[32];
			iapt_format_number(t, sizeof t, xv);
			iapt_buf__printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" class=\"grid\"/><text x=\"%.1f\" y=\"%.0f\" class=\"tick\" text-anchor=\"middle\">%s</text>",
					 PX(xv), PX(xv), mt, h - MB, PX(xv), h - MB + 16, t);
		}
		iapt_buf__printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" class=\"axis\"/>", ml, W - mr, h - MB, h - MB);
		for (k = 0; k < nr; k++) {
			double y = mt + rowh * (k + 0.5);
			iapt_buf__printf(b, "<text x=\"%.0f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">", ml - 8, y + 4);
			esc(b, name[k]);
			iapt_buf__printf(b, "</text>");
			if (isfinite(mlo[k]) && isfinite(mhi[k]))
				iapt_buf__printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"ci\"/>", PX(mlo[k]), PX(mhi[k]), y, y);
			marker(b, 0, PX(model[k]), y);
			if (isfinite(pub[k]))
				marker(b, 1, PX(pub[k]), y);
		}
#undef PX
		ly = mt + 10;
		marker(b, 0, W - mr + 26, ly);
		ly += 22 + 13 * (legend_label(b, W - mr + 40, ly + 4, from_summary && isfinite(mlo[0]) ? "model (95% interval)" : "model") - 1);
		marker(b, 1, W - mr + 26, ly);
		legend_label(b, W - mr + 40, ly + 4, "published (April 2019 regions)");
		iapt_buf__printf(b, "<text x=\"%.1f\" y=\"%.0f\" class=\"x-label\" text-anchor=\"middle\">recovery (%%)</text>"
				    "<text transform=\"translate(16 %.1f) rotate(-90)\" class=\"y-label\" text-anchor=\"middle\">NHS region</text></svg></figure>\n",
				 ml + (W - ml - mr) / 2, h - 10, mt + rowh * nr / 2);
	}
	iapt_buf__printf(b, "<table><caption>Recovery by NHS region, %s: model%s and published</caption><tr><th>region</th><th>model</th>%s"
			    "<th>published</th><th>difference (points)</th></tr>\n", lab, from_summary ? " (mean of replicates, 95% interval)" : " (pooled from services.csv)",
			 from_summary ? "<th>95% interval</th>" : "");
	for (k = 0; k < nr; k++) {
		iapt_buf__printf(b, "<tr><td>");
		esc(b, name[k]);
		iapt_buf__printf(b, " (%s)</td><td>%.1f</td>", code[k], model[k]);
		if (from_summary && isfinite(mlo[k]) && isfinite(mhi[k]))
			iapt_buf__printf(b, "<td>%.1f to %.1f</td>", mlo[k], mhi[k]);
		else if (from_summary)
			iapt_buf__printf(b, "<td>none (one replicate)</td>");
		if (isfinite(pub[k]))
			iapt_buf__printf(b, "<td>%.0f</td><td>%+.1f</td></tr>\n", pub[k], model[k] - pub[k]);
		else
			iapt_buf__printf(b, "<td>not published</td><td></td></tr>\n");
	}
	iapt_buf__printf(b, "</table>\n");
}

/* the published between-CCG statistic of year y (data/services_published_stats.csv, CCGs
 * without hubs and UNKNOWN, 2021-22 without the resubmission) */
static double svc_pub(const ctx *c, int y, const char *what)
{
	const table *t = &c->services_pub;
	char lab[8];
	size_t r;
	iapt_year_label(y, lab);
	for (r = 0; r < t->nrows; r++)
		if (!strcmp(cell(t, r, col(t, "year")), lab) && !strcmp(cell(t, r, col(t, "level")), "CCG") &&
		    !strcmp(cell(t, r, col(t, "population")), "ccgs_excl_resubmission") && !strcmp(cell(t, r, col(t, "measure")), "recovery_pct"))
			return num(cell(t, r, col(t, what)));
	return NAN;
}

static void services_section(ctx *c)
{
	iapt_buf *b = c->b;
	int y, y0 = 9999, y1 = 0, k;
	size_t r, n, i;
	svc_row *v = NULL;
	double scale = run_num(c, "population_scale", 1), reps = run_num(c, "replicates", 1), eff, p0, rec = 0, cas = 0;
	char lab[8];
	if (!c->services.nrows)
		return;
	for (r = 0; r < c->services.nrows; r++) {
		y = atoi(cell(&c->services, r, col(&c->services, "year")));
		if (y > 1900) {
			y0 = y < y0 ? y : y0;
			y1 = y > y1 ? y : y1;
		}
	}
	if (y1 < y0)
		return;
	iapt_buf__printf(b, "<section><h2>Services and places</h2>\n");
	if (col(&c->services, "strategy") >= 0) {
		iapt_buf__printf(b, "<p class=\"note\">Strategy ");
		esc(b, cell(&c->services, 0, col(&c->services, "strategy")));
		iapt_buf__printf(b, " (the first in services.csv; each strategy's folder has its own report).</p>\n");
	}
	n = svc_year(c, y1, &v);
	for (i = 0; i < n; i++) {
		rec += v[i].recovery / 100 * v[i].cases;
		cas += v[i].cases;
	}
	p0 = cas > 0 ? rec / cas : NAN;
	/* services.csv's counts are national (simulated / population scale) and means over
	 * replicates: a service's sampling noise is that of count x scale x replicates */
	eff = scale * reps;
	iapt_buf__printf(b, "<p>Each service is a clinical commissioning group of April 2019 (services.csv in this folder). The funnel plot's limits are "
			    "binomial around the national rate for a service's count of finished courses at caseness; this run's counts are "
			    "national (simulated counts divided by the population scale, %g) and means of %g replicate%s, so the limits are drawn "
			    "for %g times each count: a service's spread is comparable with the published one only at population scale 1 and one replicate.</p>\n",
			 scale, reps, reps == 1 ? "" : "s", eff);
	if (n >= 3 && isfinite(p0))
		funnel_chart(c, v, n, y1, p0, eff);
	if (n) {
		/* the services furthest outside the 99.8% limits, lowest and highest */
		int shown = 0;
		qsort(v, n, sizeof *v, cmp_svc_recovery);
		for (i = 0; i < n; i++) {
			double l = 100 * funnel_limit(v[i].cases * eff, p0, 0.001), h = 100 * funnel_limit(v[i].cases * eff, p0, 0.999);
			if (v[i].recovery >= l && v[i].recovery <= h)
				continue;
			if (!shown++)
				iapt_buf__printf(b, "<table><caption>Services outside the 99.8%% limits, %s</caption><tr><th>service</th><th>region</th>"
						    "<th>finished courses at caseness</th><th>recovery (%%)</th><th>99.8%% limits</th></tr>\n",
						 iapt_year_label(y1, lab));
			if (shown > 30)
				continue;
			iapt_buf__printf(b, "<tr><td>");
			esc(b, v[i].name);
			iapt_buf__printf(b, "</td><td>");
			esc(b, v[i].region);
			{
				char t[32];
				iapt_buf__printf(b, "</td><td>%s</td><td>%.1f</td><td>%.1f to %.1f</td></tr>\n", count(t, sizeof t, v[i].cases), v[i].recovery, l, h);
			}
		}
		if (shown > 30)
			iapt_buf__printf(b, "<tr><td colspan=\"5\">and %d more (services.csv has them all)</td></tr>\n", shown - 30);
		if (shown)
			iapt_buf__printf(b, "</table>\n");
		region_rows(c, v, n, y1);
	}
	free(v);
	/* the distribution year by year, by the published rule: services with >= 100 finished
	 * courses, percentages rounded to whole numbers */
	{
		/* model quantiles as three lines; the published as one series of markers at the
		 * median with a bar from the 10th to the 90th percentile (distinct markers: 4 series) */
		series s[4];
		static const char *const label[4] = {"90th percentile (model)", "median (model)", "10th percentile (model)",
						     "published: median, bar 10th to 90th percentile"};
		static const char *const what[3] = {"p90", "p50", "p10"};
		memset(s, 0, sizeof s);
		for (k = 0; k < 4; k++)
			s[k].label = label[k];
		s[3].points_only = s[3].interval = 1;
		iapt_buf__printf(b, "<table><caption>Service recovery year by year: services with at least 100 finished courses, percentages rounded to whole "
				    "numbers (the published rule); published: the CCGs of each year as published, without commissioning hubs, "
				    "UNKNOWN and the 2021-22 resubmission (data/services_published_stats.csv)</caption>"
				    "<tr><th>year</th><th>services</th><th>SD</th><th>10th percentile</th><th>median</th><th>90th percentile</th><th>at or above 50%%</th>"
				    "<th>published CCGs</th><th>published SD</th><th>published 10th, median, 90th</th><th>published at or above 50%%</th></tr>\n");
		for (y = y0; y <= y1; y++) {
			double *p, mean = 0, sd = 0;
			size_t m = 0, ge50 = 0;
			n = svc_year(c, y, &v);
			p = malloc((n ? n : 1) * sizeof *p);
			for (i = 0; p && i < n; i++)
				if (v[i].finished >= 100) {
					p[m] = floor(v[i].recovery + 0.5);
					ge50 += p[m] >= 50;
					mean += p[m++];
				}
			free(v);
			if (!p || m < 2) {
				free(p);
				continue;
			}
			mean /= (double)m;
			for (i = 0; i < m; i++)
				sd += (p[i] - mean) * (p[i] - mean);
			sd = sqrt(sd / (double)(m - 1));
			qsort(p, m, sizeof *p, cmp_double);
			for (k = 0; k < 3; k++) {
				s[k].x[s[k].n] = y;
				s[k].y[s[k].n++] = quantile7(p, m, k == 0 ? 0.9 : k == 1 ? 0.5 : 0.1);
				/* the model lines carry no interval: range_of reads lo/hi only of interval series */
			}
			if (isfinite(svc_pub(c, y, what[1])) && s[3].n < MAXP) {
				s[3].x[s[3].n] = y;
				s[3].y[s[3].n] = svc_pub(c, y, "p50");
				s[3].lo[s[3].n] = svc_pub(c, y, "p10");
				s[3].hi[s[3].n++] = svc_pub(c, y, "p90");
			}
			iapt_buf__printf(b, "<tr><td>%s</td><td>%zu</td><td>%.2f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%zu</td>", iapt_year_label(y, lab), m, sd,
					 quantile7(p, m, 0.1), quantile7(p, m, 0.5), quantile7(p, m, 0.9), ge50);
			if (isfinite(svc_pub(c, y, "sd")))
				iapt_buf__printf(b, "<td>%.0f</td><td>%.2f</td><td>%.1f, %.1f, %.1f</td><td>%.0f</td></tr>\n", svc_pub(c, y, "n_orgs"), svc_pub(c, y, "sd"),
						 svc_pub(c, y, "p10"), svc_pub(c, y, "p50"), svc_pub(c, y, "p90"), svc_pub(c, y, "n_ge_50"));
			else
				iapt_buf__printf(b, "<td colspan=\"4\">not published</td></tr>\n");
			free(p);
		}
		iapt_buf__printf(b, "</table>\n");
		if (s[0].n)
			line_chart(b, &c->chart, "Service recovery, year by year: 10th percentile, median and 90th percentile",
				   "Distribution of the services' recovery (services with at least 100 finished courses, rounded percentages), "
				   "model as lines; the published CCGs' median as markers with a bar from the 10th to the 90th percentile.",
				   "recovery (%)", s, s[3].n ? 4 : 3, 0, 0, last_published(c));
		iapt_buf__printf(b, "<p class=\"note\">The model's services are the 191 CCGs of April 2019 in every year; the published organisations are "
				    "each year's CCGs (207 in 2017-18, 195 in 2018-19, 191 in 2019-20, 135 in 2020-21, 105 in 2021-22, without hubs), so "
				    "merged bodies from 2020-21 pool several of the model's services (tools/services_history_check.py pools them; "
				    "docs/validation.md, Services).</p>\n");
	}
	iapt_buf__printf(b, "</section>\n");
}

static const char style[] =
	"<style>\n"
	"@page{size:A4;margin:14mm}\n"
	"body{font-family:Georgia,'Times New Roman',serif;color:#111;max-width:180mm;margin:1.5em auto;padding:0 1em;line-height:1.4}\n"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #444;margin-top:1.6em}\n"
	"table{border-collapse:collapse;width:100%;font-size:.85em;margin:.6em 0}th,td{border:1px solid #999;padding:3px 6px;text-align:right;vertical-align:top}\n"
	"th:first-child,td:first-child{text-align:left}caption{text-align:left;font-style:italic;margin-bottom:.3em}\n"
	".params th,.params td{text-align:left}.params td.n,.params th.n{text-align:right}\n"
	".params td.doc{font-size:.9em}.params td:first-child{min-width:15em}.params tr.set td{font-weight:bold}.v{white-space:nowrap}\n"
	"table.headline{width:auto}small{color:#333}.note,.prov{font-size:.85em}\n"
	"section.warning{border:2px solid #000;padding:0 1em;margin:1em 0}\n"
	"figure.chart{margin:1em 0;break-inside:avoid;page-break-inside:avoid}svg{width:100%;height:auto;font-family:Arial,Helvetica,sans-serif}\n"
	".chart-title{font-size:14px;font-weight:bold}.x-label,.y-label{font-size:12px}.tick{font-size:10px}.legend{font-size:11px}\n"
	".grid{stroke:#ddd;stroke-width:1}.axis{stroke:#111;stroke-width:1.2}.line{fill:none;stroke:#111;stroke-width:1.8}.ci{stroke:#555;stroke-width:1.2}\n"
	".m0{fill:#111}.m1{fill:#fff;stroke:#111;stroke-width:1.4}.m2{fill:#555}.m3{fill:#fff;stroke:#111;stroke-width:1.4}\n"
	".bar{stroke:#111;stroke-width:1}\n"
	".pt{fill:#fff;stroke:#111;stroke-width:1}.limit{fill:none;stroke:#333;stroke-width:1.3}\n"
	".era-covid{fill:#e6e6e6}.era-proj{fill:#f2f2f2;stroke:#bbb;stroke-dasharray:3 3}.era-line{stroke:#666;stroke-width:1.2;stroke-dasharray:5 3}.era{font-size:10px;fill:#333;font-style:italic}\n"
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
	{
		char *text;
		size_t len;
		if ((rc = iapt_file__read_max(path, IAPT_FILE_MAX_DATA, &text, &len))) {
			if (rc == IAPT_ENOTFOUND)
				return iapt_error__set(IAPT_ENOTFOUND, "%s: no run.json here, so no results of iaptsim to report on (run, compare or sensitivity writes a results folder)", dir);
			iapt_error__prefix("%s: not a results folder of iaptsim", dir);
			return rc;
		}
		c.run = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
		free(text);
		if (!c.run)
			return iapt_error__set(IAPT_ENOTFOUND, "%s: run.json does not parse (%s, line %d): not a results folder of iaptsim", dir, jerr.text, jerr.line);
	}
	if ((rc = table_load(dir, "summary.csv", &c.summary)) < 0 || (rc = table_load(dir, "economics.csv", &c.economics)) < 0 ||
	    (rc = table_load(dir, "ceac.csv", &c.ceac)) < 0 || (rc = table_load(dir, "tornado.csv", &c.tornado)) < 0 ||
	    (rc = table_load(dir, "comparison.csv", &c.comparison)) < 0 || (rc = table_load(dir, "frontier.csv", &c.frontier)) < 0 ||
	    (rc = table_load(dir, "budget_impact.csv", &c.budget)) < 0 || (rc = table_load(dir, "services.csv", &c.services)) < 0)
		goto done;
	if (c.services.nrows &&
	    ((rc = table_embedded(iapt__services_published_stats, iapt__services_published_stats_len, "data/services_published_stats.csv", &c.services_pub)) < 0 ||
	     (rc = table_embedded(iapt__services_orgs_published, iapt__services_orgs_published_len, "data/services_orgs_published.csv", &c.regions_pub)) < 0))
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
	if ((rc = iapt_targets_parse(pub_text, "data/national_annual.csv", &c.pub, &c.npub)) ||
	    (rc = iapt_targets_read_buffer((const char *)iapt__england_by_group, iapt__england_by_group_len,
					   "data/nhstt/england_by_group.csv.gz", NULL, &c.gpub, &c.ngpub, NULL)))
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
	{
		/* warnings of the run (run.json): a plugin that changes capacity or reach for free;
		 * strategies of a comparison that are the same model */
		json_t *w = json_object_get(c.run, "warnings");
		size_t i;
		int free_change = 0;
		if (json_array_size(w)) {
			iapt_buf__printf(&b, "<section class=\"warning\"><h2>Warning</h2><ul>");
			for (i = 0; i < json_array_size(w); i++) {
				const char *s = json_string_value(json_array_get(w, i));
				iapt_buf__printf(&b, "<li>");
				esc(&b, s ? s : "");
				iapt_buf__printf(&b, "</li>");
				free_change |= s && strstr(s, "books no cost") != NULL;
			}
			iapt_buf__printf(&b, "</ul>%s</section>\n",
					 free_change ? "<p>A change to what services can do, with no cost booked for it, makes the comparison look better than it is (docs/plugins.md, Costs).</p>" : "");
		}
	}
	if (c.summary.nrows) {
		headline(&c);
		distribution(&c);
	}
	if (c.comparison.nrows) {
		json_t *st = json_object_get(c.run, "strategies");
		policy_lead(&c, st);
		compare_story(&c, st);
		frontier_words(&c);
		if (!c.ceac.nrows && json_is_string(json_object_get(c.run, "value_of_information"))) {
			iapt_buf__printf(&b, "<section><h2>Acceptability and the value of information</h2><p class=\"note\">No acceptability curve, probability of cost-effectiveness or EVPI: ");
			esc(&b, jstr(c.run, "value_of_information"));
			iapt_buf__printf(&b, ".</p></section>\n");
		}
		increments_table(&c);
	}
	pathway_charts(&c);
	who_recovers(&c);
	services_section(&c);
	workforce_section(&c);
	money_chart(&c);
	budget_chart(&c);
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
		if (json_is_object(json_object_get(sc, "services"))) { /* where its services came from */
			json_t *sv = json_object_get(sc, "services");
			iapt_buf__printf(&b, "services ");
			esc(&b, jstr(sv, "source"));
			if (json_is_string(json_object_get(sv, "path"))) {
				iapt_buf__printf(&b, " <code>");
				esc(&b, jstr(sv, "path"));
				iapt_buf__printf(&b, "</code>, SHA-256 <code>%s</code>", jstr(sv, "sha256"));
			}
			iapt_buf__printf(&b, "; ");
		}
	}
	/* the seed is a string: whole 64-bit numbers lose digits as JSON numbers in most readers */
	iapt_buf__printf(&b, "seed ");
	esc(&b, jstr(c.run, "seed"));
	iapt_buf__printf(&b, ", %.0f replicates", json_number_value(json_object_get(c.run, "replicates")) + 0.0);
	if (json_is_number(json_object_get(c.run, "population_scale"))) {
		char vb[48];
		iapt_buf__printf(&b, ", population scale %s", iapt_format_value(vb, sizeof vb, json_number_value(json_object_get(c.run, "population_scale")), 6));
	}
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
	table_free(&c.frontier);
	table_free(&c.budget);
	table_free(&c.services);
	table_free(&c.services_pub);
	table_free(&c.regions_pub);
	free(c.pub);
	free(c.gpub);
	json_decref(c.run);
	return rc;
}
