/* Result writers: a table of functions, each building one file in memory and writing it
 * atomically. Nothing here depends on the clock or the machine, so the same seed gives
 * the same bytes. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iaptsim/econ.h"
#include "iaptsim/output.h"
#include "iaptsim/stats.h"
#include "util/util.h"

typedef struct out_ctx {
	const iapt_scenario *sc;
	const iapt_results *res;
	const iapt_output_meta *meta;
	double *scratch, *vals;
} out_ctx;

typedef int (*writer_fn)(const out_ctx *c, iapt_buf *b);

/* "mean,lo95,hi95\n", NA for NaN */
static void put_interval(iapt_buf *b, const iapt_summary *s)
{
	iapt_buf__number(b, s->mean, "NA");
	iapt_buf__put(b, ",", 1);
	iapt_buf__number(b, s->lo95, "NA");
	iapt_buf__put(b, ",", 1);
	iapt_buf__number(b, s->hi95, "NA");
	iapt_buf__put(b, "\n", 1);
}

static int write_summary(const out_ctx *c, iapt_buf *b)
{
	int y, g, m, r, first, last, n = iapt_results_replicates(c->res);
	size_t k;
	char lab[8];
	iapt_results_years(c->res, &first, &last);
	iapt_buf__printf(b, "year,group,metric,mean,lo95,hi95\n");
	for (y = first; y <= last; y++) {
		for (g = 0; g < IAPT_G__COUNT; g++) {
			for (m = 0; m < IAPT_M__COUNT; m++) {
				iapt_summary s;
				if (!iapt_metric_in_group(m, g))
					continue;
				for (r = 0; r < n; r++)
					c->vals[r] = iapt_results_value(c->res, y, g, m, r);
				iapt_stats_summarise(c->vals, (size_t)n, c->scratch, &s);
				iapt_buf__printf(b, "%s,%s,%s,", iapt_year_label(y, lab), iapt_group_name(g), iapt_metric_name(m));
				put_interval(b, &s);
			}
		}
		/* the plugins' metrics, group "all", named <plugin>.<metric> */
		for (k = 0; k < iapt_results_extra_count(c->res); k++) {
			iapt_summary s;
			for (r = 0; r < n; r++)
				c->vals[r] = iapt_results_extra(c->res, y, k, r);
			iapt_stats_summarise(c->vals, (size_t)n, c->scratch, &s);
			iapt_buf__printf(b, "%s,all,%s,", iapt_year_label(y, lab), iapt_results_extra_name(c->res, k));
			put_interval(b, &s);
		}
	}
	return IAPT_OK;
}

static int write_replicates(const out_ctx *c, iapt_buf *b)
{
	int y, g, m, r, first, last, n = iapt_results_replicates(c->res);
	size_t k;
	char lab[8];
	iapt_results_years(c->res, &first, &last);
	iapt_buf__printf(b, "replicate,year,group,metric,value\n");
	for (r = 0; r < n; r++)
		for (y = first; y <= last; y++)
			for (g = 0; g < IAPT_G__COUNT; g++)
				for (m = 0; m < IAPT_M__COUNT; m++) {
					if (!iapt_metric_in_group(m, g))
						continue;
					iapt_buf__printf(b, "%d,%s,%s,%s,", r + 1, iapt_year_label(y, lab),
							 iapt_group_name(g), iapt_metric_name(m));
					iapt_buf__number(b, iapt_results_value(c->res, y, g, m, r), "NA");
					iapt_buf__put(b, "\n", 1);
				}
	for (r = 0; r < n; r++)
		for (y = first; y <= last; y++)
			for (k = 0; k < iapt_results_extra_count(c->res); k++) {
				iapt_buf__printf(b, "%d,%s,all,%s,", r + 1, iapt_year_label(y, lab), iapt_results_extra_name(c->res, k));
				iapt_buf__number(b, iapt_results_extra(c->res, y, k, r), "NA");
				iapt_buf__put(b, "\n", 1);
			}
	return IAPT_OK;
}

/* mean, lo95, hi95; NA for all three when the value is undefined in any replicate, so a
 * summary never silently drops the replicates where (say) payback is never reached */
static void summary_cells(iapt_buf *b, const out_ctx *c, size_t n)
{
	iapt_summary s;
	iapt_stats_summarise(c->vals, n, c->scratch, &s);
	if (s.n < n) {
		iapt_buf__printf(b, "NA,NA,NA\n");
		return;
	}
	put_interval(b, &s);
}

static int write_economics(const out_ctx *c, iapt_buf *b)
{
	const iapt_econ_settings *e = iapt_results_econ_settings(c->res);
	int n = iapt_results_replicates(c->res), p, m, r, count = iapt_econ_measure_count(e);
	char name[64];
	iapt_buf__printf(b, "perspective,measure,mean,lo95,hi95\n");
	for (p = 0; p < IAPT_PERSP__COUNT; p++) {
		if (!(e->perspectives & (1u << p)))
			continue;
		for (m = 0; m < count; m++) {
			for (r = 0; r < n; r++)
				c->vals[r] = iapt_results_econ(c->res, r, p, m);
			iapt_buf__printf(b, "%s,%s,", iapt_perspective_name(p), iapt_econ_measure_name(e, m, name));
			summary_cells(b, c, (size_t)n);
		}
	}
	return IAPT_OK;
}

static int write_ledger(const out_ctx *c, iapt_buf *b)
{
	int n = iapt_results_replicates(c->res), first, last, ly, n_ly = iapt_results_ledger_years(c->res);
	int co, cat, tag, r;
	char a[8], d[8];
	iapt_results_years(c->res, &first, &last);
	iapt_buf__printf(b, "year,cohort,category,perspective,unit,mean,lo95,hi95\n");
	for (ly = 0; ly < n_ly; ly++)
		for (co = first; co <= last; co++)
			for (cat = 0; cat < IAPT_CAT__COUNT; cat++)
				for (tag = 0; tag < IAPT_PERSP__COUNT; tag++) {
					int any = 0;
					for (r = 0; r < n; r++) {
						c->vals[r] = iapt_results_ledger(c->res, r, first + ly, co, cat, tag);
						any |= c->vals[r] != 0;
					}
					if (!any)
						continue; /* no flow of this kind in any replicate */
					iapt_buf__printf(b, "%s,%s,%s,%s,%s,", iapt_year_label(first + ly, a), iapt_year_label(co, d),
							 iapt_category_name(cat), iapt_perspective_name(tag),
							 cat == IAPT_CAT_QALYS ? "QALY" : "GBP");
					summary_cells(b, c, (size_t)n);
				}
	return IAPT_OK;
}

static void json_schedule(iapt_buf *b, const char *key, const iapt_discount_schedule *s, int comma)
{
	int k;
	iapt_buf__printf(b, "    \"%s\": [", key);
	for (k = 0; k < s->n; k++) {
		iapt_buf__printf(b, "%s{\"from_year\": %d, \"rate\": ", k ? ", " : "", s->from[k]);
		iapt_buf__number(b, s->rate[k], "null");
		iapt_buf__printf(b, "}");
	}
	iapt_buf__printf(b, "]%s\n", comma ? "," : "");
}

static void json_economics(iapt_buf *b, const iapt_econ_settings *e)
{
	const char *series, *source;
	int first, last, y, k;
	char lab[8];
	iapt_price_index_info(&first, &last, &series, &source);
	iapt_buf__printf(b, "  \"economics\": {\n");
	iapt_buf__printf(b, "    \"price_year\": \"%s\",\n", iapt_year_label(e->price_year, lab));
	iapt_buf__printf(b, "    \"discount\": ");
	iapt_buf__json_string(b, e->discount);
	iapt_buf__printf(b, ",\n    \"discount_note\": \"a flow in year t after the first year is discounted by the product over years 1..t of 1/(1 + rate in force that year)\",\n");
	json_schedule(b, "discount_costs", &e->costs, 1);
	json_schedule(b, "discount_health", &e->health, 1);
	iapt_buf__printf(b, "    \"perspectives\": [");
	for (k = 0, y = 0; k < IAPT_PERSP__COUNT; k++)
		if (e->perspectives & (1u << k))
			iapt_buf__printf(b, "%s\"%s\"", y++ ? ", " : "", iapt_perspective_name(k));
	iapt_buf__printf(b, "],\n    \"thresholds\": [");
	for (k = 0; k < e->n_thresholds; k++) {
		iapt_buf__printf(b, "%s", k ? ", " : "");
		iapt_buf__number(b, e->thresholds[k], "null");
	}
	iapt_buf__printf(b, "],\n    \"qaly_value\": ");
	iapt_buf__number(b, e->qaly_value, "null");
	iapt_buf__printf(b, ",\n    \"qaly_value_price_year\": \"%s\",\n", iapt_year_label(e->qaly_value_year, lab));
	iapt_buf__printf(b, "    \"optimism_bias\": ");
	iapt_buf__number(b, e->optimism_bias, "null");
	iapt_buf__printf(b, ",\n    \"price_index\": {\"series\": ");
	iapt_buf__json_string(b, series);
	iapt_buf__printf(b, ", \"source\": ");
	iapt_buf__json_string(b, source);
	iapt_buf__printf(b, ", \"level_2019_20_is_1\": {");
	for (y = first; y <= last; y++) {
		double l = 0;
		iapt_price_level(y, &l);
		iapt_buf__printf(b, "%s\"%s\": ", y > first ? ", " : "", iapt_year_label(y, lab));
		iapt_buf__number(b, l, "null");
	}
	iapt_buf__printf(b, "}},\n");
	iapt_buf__printf(b, "    \"ledger\": \"flows the programme changes: each person's treated path minus their natural course, plus the programme's own costs; positive = gain to the party; national scale; GBP at the price year\",\n");
	iapt_buf__printf(b, "    \"perspective_tags\": \"a flow tagged nhs counts for nhs, exchequer and societal; exchequer for exchequer and societal; societal for societal only\"\n");
	iapt_buf__printf(b, "  },\n");
}

static void json_kv_str(iapt_buf *b, const char *indent, const char *k, const char *v, int comma)
{
	iapt_buf__printf(b, "%s\"%s\": ", indent, k);
	iapt_buf__json_string(b, v);
	iapt_buf__printf(b, "%s\n", comma ? "," : "");
}

static void json_kv_num(iapt_buf *b, const char *indent, const char *k, double v, int comma)
{
	iapt_buf__printf(b, "%s\"%s\": ", indent, k);
	iapt_buf__number(b, v, "null");
	iapt_buf__printf(b, "%s\n", comma ? "," : "");
}

/* Each plugin: what was used (its text's hash), with which options from where, and the
 * metrics it added. */
static void json_plugins(iapt_buf *b, const out_ctx *c)
{
	const iapt_scenario *sc = c->sc;
	size_t i, k;
	iapt_buf__printf(b, "  \"plugins\": [");
	for (i = 0; i < sc->n_plugins; i++) {
		const iapt_plugin *pl = sc->plugins[i];
		iapt_buf__printf(b, "%s\n    {", i ? "," : "");
		iapt_buf__printf(b, "\"name\": ");
		iapt_buf__json_string(b, pl->name);
		iapt_buf__printf(b, ", \"use\": ");
		iapt_buf__json_string(b, pl->use);
		iapt_buf__printf(b, ", \"path\": ");
		iapt_buf__json_string(b, pl->path);
		iapt_buf__printf(b, ", \"builtin\": %s, \"sha256\": \"%s\",\n     \"summary\": ", pl->builtin ? "true" : "false", pl->sha256);
		iapt_buf__json_string(b, pl->summary);
		iapt_buf__printf(b, ",\n     \"options\": [");
		for (k = 0; k < pl->n_options; k++) {
			const iapt_plugin_option *o = &pl->options[k];
			iapt_buf__printf(b, "%s\n       {\"name\": ", k ? "," : "");
			iapt_buf__json_string(b, o->name);
			iapt_buf__printf(b, ", \"value\": ");
			if (o->kind == IAPT_OPT_STRING)
				iapt_buf__json_string(b, o->str);
			else if (o->kind == IAPT_OPT_BOOLEAN)
				iapt_buf__printf(b, "%s", o->num != 0 ? "true" : "false");
			else
				iapt_buf__number(b, o->num, "null");
			iapt_buf__printf(b, ", \"origin\": ");
			iapt_buf__json_string(b, o->origin);
			iapt_buf__printf(b, ", \"doc\": ");
			iapt_buf__json_string(b, o->doc);
			iapt_buf__printf(b, "}");
		}
		iapt_buf__printf(b, "%s],\n     \"metrics\": [", pl->n_options ? "\n     " : "");
		for (k = 0; k < pl->n_metrics; k++) {
			iapt_buf__printf(b, "%s{\"name\": \"%s.%s\", \"kind\": \"%s\", \"doc\": ", k ? ", " : "", pl->name,
					 pl->metrics[k].name, pl->metrics[k].level ? "level" : "count");
			iapt_buf__json_string(b, pl->metrics[k].doc);
			iapt_buf__printf(b, "}");
		}
		iapt_buf__printf(b, "],\n     \"instructions_per_call\": %ld, \"memory_mb\": %zu}", pl->instructions,
				 pl->memory_bytes >> 20);
	}
	iapt_buf__printf(b, "%s],\n", sc->n_plugins ? "\n  " : "");
}

static int write_run_json(const out_ctx *c, iapt_buf *b)
{
	const iapt_scenario *sc = c->sc;
	const iapt_run_stats *st = iapt_results_stats(c->res);
	size_t i, k, np = iapt_params_count(sc->params);
	int y;
	char lab[8];

	iapt_buf__printf(b, "{\n");
	json_kv_str(b, "  ", "program", "iaptsim", 1);
	json_kv_str(b, "  ", "version", IAPTSIM_VERSION, 1);
	json_kv_str(b, "  ", "command", c->meta && c->meta->command ? c->meta->command : "", 1);
	iapt_buf__printf(b, "  \"scenario\": {\n");
	json_kv_str(b, "    ", "path", sc->path, 1);
	json_kv_str(b, "    ", "name", sc->name, 1);
	json_kv_str(b, "    ", "description", sc->description, 1);
	json_kv_str(b, "    ", "sha256", sc->sha256, 0);
	iapt_buf__printf(b, "  },\n");
	iapt_buf__printf(b, "  \"seed\": %llu,\n", sc->seed);
	iapt_buf__printf(b, "  \"replicates\": %d,\n", sc->replicates);
	json_kv_num(b, "  ", "population_scale", sc->population_scale, 1);
	iapt_buf__printf(b, "  \"years\": [");
	for (y = sc->first_year; y <= sc->last_year; y++)
		iapt_buf__printf(b, "%s\"%s\"", y > sc->first_year ? ", " : "", iapt_year_label(y, lab));
	iapt_buf__printf(b, "],\n");
	json_kv_str(b, "  ", "interval", "lo95 and hi95 are the 2.5th and 97.5th percentiles across replicates", 1);
	json_kv_str(b, "  ", "counts", "counts are simulated counts divided by population_scale (national figures)", 1);
	iapt_buf__printf(b, "  \"simulated\": {\"referrals\": %llu, \"sessions_booked\": %llu},\n",
			 st->referrals, st->sessions);
	json_economics(b, &sc->econ);
	iapt_buf__printf(b, "  \"parameters\": [\n");
	for (i = 0; i < np; i++) {
		iapt_param_info in;
		iapt_params_info(sc->params, i, &in);
		iapt_buf__printf(b, "    {");
		iapt_buf__printf(b, "\"name\": ");
		iapt_buf__json_string(b, in.name);
		iapt_buf__printf(b, ", \"value\": ");
		iapt_buf__number(b, in.value, "null");
		iapt_buf__printf(b, ", \"default\": ");
		iapt_buf__number(b, in.default_value, "null");
		iapt_buf__printf(b, ", \"unit\": ");
		iapt_buf__json_string(b, in.unit);
		iapt_buf__printf(b, ", \"min\": ");
		iapt_buf__number(b, in.min, "null");
		iapt_buf__printf(b, ", \"max\": ");
		iapt_buf__number(b, in.max, "null");
		iapt_buf__printf(b, ", \"origin\": ");
		iapt_buf__json_string(b, in.origin);
		iapt_buf__printf(b, ", \"sourced\": %s, \"source\": ", in.sourced ? "true" : "false");
		iapt_buf__json_string(b, in.source);
		if (in.n_schedule) {
			iapt_buf__printf(b, ", \"from_year\": [");
			for (k = 0; k < in.n_schedule; k++) {
				int yr;
				double v;
				iapt_params_schedule(sc->params, i, k, &yr, &v);
				iapt_buf__printf(b, "%s{\"year\": \"%s\", \"value\": ", k ? ", " : "", iapt_year_label(yr, lab));
				iapt_buf__number(b, v, "null");
				iapt_buf__printf(b, "}");
			}
			iapt_buf__printf(b, "]");
		}
		iapt_buf__printf(b, "}%s\n", i + 1 < np ? "," : "");
	}
	iapt_buf__printf(b, "  ],\n");
	json_plugins(b, c);
	iapt_buf__printf(b, "  \"files\": [\"summary.csv\", \"replicates.csv\", \"economics.csv\", \"ledger.csv\", \"run.json\"]\n");
	iapt_buf__printf(b, "}\n");
	return IAPT_OK;
}

static const struct {
	const char *file;
	writer_fn fn;
} writers[] = {
	{"summary.csv", write_summary},
	{"replicates.csv", write_replicates},
	{"economics.csv", write_economics},
	{"ledger.csv", write_ledger},
	{"run.json", write_run_json}, /* last: its presence marks a whole result */
};

int iapt_output_write(const char *dir, const iapt_scenario *sc, const iapt_results *res,
		      const iapt_output_meta *meta)
{
	out_ctx c;
	size_t i, n = (size_t)iapt_results_replicates(res);
	int rc = IAPT_OK;
	char *path = NULL;

	c.sc = sc;
	c.res = res;
	c.meta = meta;
	c.scratch = malloc(n * sizeof(double));
	c.vals = malloc(n * sizeof(double));
	path = malloc(strlen(dir) + 64);
	if (!c.scratch || !c.vals || !path) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = iapt_file__mkdirs(dir)))
		goto cleanup;
	/* an older run.json would vouch for files we are about to replace */
	sprintf(path, "%s/run.json", dir);
	remove(path);
	for (i = 0; i < sizeof writers / sizeof writers[0]; i++) {
		iapt_buf b = {0};
		rc = writers[i].fn(&c, &b);
		if (!rc && !iapt_buf__ok(&b))
			rc = iapt_error__set(IAPT_ENOMEM, "out of memory writing %s", writers[i].file);
		if (!rc) {
			sprintf(path, "%s/%s", dir, writers[i].file);
			rc = iapt_file__write_atomic(path, b.ptr ? b.ptr : "", b.len);
		}
		iapt_buf__free(&b);
		if (rc)
			goto cleanup;
	}
cleanup:
	free(c.scratch);
	free(c.vals);
	free(path);
	return rc;
}

const char *iapt_output_slug(const char *name, char *buf, size_t n)
{
	size_t i = 0;
	int last_us = 0;
	for (; *name && i + 1 < n; name++) {
		unsigned char ch = (unsigned char)*name;
		if (isalnum(ch) || ch == '-' || ch == '_') {
			buf[i++] = (char)tolower(ch);
			last_us = 0;
		} else if (!last_us && i > 0) {
			buf[i++] = '_';
			last_us = 1;
		}
	}
	while (i > 0 && buf[i - 1] == '_')
		i--;
	if (i == 0 && n > 3) {
		memcpy(buf, "run", 3);
		i = 3;
	}
	buf[i] = '\0';
	return buf;
}
