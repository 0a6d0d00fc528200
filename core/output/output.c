/* Result writers: a table of functions, each building one file in memory and writing it
 * atomically. Nothing here depends on the clock or the machine, so the same seed gives
 * the same bytes. */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iaptsim/calib.h"
#include "iaptsim/cea.h"
#include "iaptsim/econ.h"
#include "iaptsim/output.h"
#include "iaptsim/psa.h"
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

/* "mean,lo95,hi95,n,mcse\n", NA for NaN */
static void put_summary(iapt_buf *b, const iapt_summary *s)
{
	iapt_buf__number(b, s->mean, "NA");
	iapt_buf__put(b, ",", 1);
	iapt_buf__number(b, s->lo95, "NA");
	iapt_buf__put(b, ",", 1);
	iapt_buf__number(b, s->hi95, "NA");
	iapt_buf__printf(b, ",%zu,", s->n);
	iapt_buf__number(b, s->mcse, "NA");
	iapt_buf__put(b, "\n", 1);
}

/* a ratio of means as a summary row's cells */
static void put_ratio(iapt_buf *b, const iapt_ratio *r)
{
	iapt_summary s;
	s.mean = r->ratio;
	s.lo95 = r->lo95;
	s.hi95 = r->hi95;
	s.n = r->n;
	s.mcse = r->mcse;
	s.sd = NAN;
	put_summary(b, &s);
}

static int write_summary(const out_ctx *c, iapt_buf *b)
{
	int y, g, m, r, first, last, n = iapt_results_replicates(c->res);
	size_t k;
	char lab[8];
	iapt_results_years(c->res, &first, &last);
	iapt_buf__printf(b, "year,group,metric,mean,lo95,hi95,n,mcse\n");
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
				put_summary(b, &s);
			}
		}
		/* the hooks' groups (plugins' `groups`): the metrics of an attribute group */
		for (k = 0; k < iapt_results_hook_group_count(c->res); k++)
			for (m = 0; m < IAPT_M__COUNT; m++) {
				iapt_summary s;
				if (!iapt_metric_in_group(m, IAPT_G_LTC_YES))
					continue;
				for (r = 0; r < n; r++)
					c->vals[r] = iapt_results_hook_group_value(c->res, y, k, m, r);
				iapt_stats_summarise(c->vals, (size_t)n, c->scratch, &s);
				iapt_buf__printf(b, "%s,", iapt_year_label(y, lab));
				iapt_buf__csv_text(b, iapt_results_hook_group_name(c->res, k));
				iapt_buf__printf(b, ",%s,", iapt_metric_name(m));
				put_summary(b, &s);
			}
		/* regions, ICBs, then services: the measures of services.csv that are summary metrics */
		for (g = 0; g < iapt_results_regions(c->res) + iapt_results_icbs(c->res) + iapt_results_services(c->res); g++) {
			int nreg = iapt_results_regions(c->res), nicb = iapt_results_icbs(c->res), sm;
			const char *code, *name, *kind;
			iapt_service_info si;
			if (g < nreg) {
				iapt_results_region_info(c->res, g, &code, &name);
				kind = "region";
			} else if (g < nreg + nicb) {
				iapt_results_icb_info(c->res, g - nreg, &code, &name);
				kind = "icb";
			} else {
				iapt_results_service_info(c->res, g - nreg - nicb, &si);
				code = si.code;
				kind = "service";
			}
			for (sm = 0; sm < IAPT_SM__COUNT; sm++) {
				iapt_summary s;
				if (iapt_service_measure_metric(sm) < 0)
					continue;
				for (r = 0; r < n; r++)
					c->vals[r] = g < nreg          ? iapt_results_region_value(c->res, y, g, sm, r)
						     : g < nreg + nicb ? iapt_results_icb_value(c->res, y, g - nreg, sm, r)
								       : iapt_results_service_value(c->res, y, g - nreg - nicb, sm, r);
				iapt_stats_summarise(c->vals, (size_t)n, c->scratch, &s);
				iapt_buf__printf(b, "%s,%s=", iapt_year_label(y, lab), kind);
				iapt_buf__csv_text(b, code);
				iapt_buf__printf(b, ",%s,", iapt_service_measure_name(sm));
				put_summary(b, &s);
			}
		}
		/* the plugins' metrics, group "all", named <plugin>.<metric> */
		for (k = 0; k < iapt_results_extra_count(c->res); k++) {
			iapt_summary s;
			for (r = 0; r < n; r++)
				c->vals[r] = iapt_results_extra(c->res, y, k, r);
			iapt_stats_summarise(c->vals, (size_t)n, c->scratch, &s);
			iapt_buf__printf(b, "%s,all,%s,", iapt_year_label(y, lab), iapt_results_extra_name(c->res, k));
			put_summary(b, &s);
		}
	}
	return IAPT_OK;
}

/* services.csv (one row per year and service; docs/model.md, Services): each measure's
 * mean and 95% interval across replicates (with one replicate, the interval is the value) */
static int write_services(const out_ctx *c, iapt_buf *b)
{
	int y, k, m, r, first, last, n = iapt_results_replicates(c->res);
	char lab[8];
	iapt_results_years(c->res, &first, &last);
	iapt_buf__printf(b, "year,service_code,service_name,icb_code,icb_name,region_code,region");
	for (m = 0; m < IAPT_SM__COUNT; m++)
		iapt_buf__printf(b, ",%s,%s_lo95,%s_hi95", iapt_service_measure_name(m), iapt_service_measure_name(m),
				 iapt_service_measure_name(m));
	iapt_buf__put(b, "\n", 1);
	for (y = first; y <= last; y++)
		for (k = 0; k < iapt_results_services(c->res); k++) {
			iapt_service_info si;
			iapt_results_service_info(c->res, k, &si);
			iapt_buf__printf(b, "%s,", iapt_year_label(y, lab));
			iapt_buf__csv_text(b, si.code);
			iapt_buf__put(b, ",", 1);
			iapt_buf__csv_text(b, si.name);
			iapt_buf__put(b, ",", 1);
			iapt_buf__csv_text(b, si.icb_code);
			iapt_buf__put(b, ",", 1);
			iapt_buf__csv_text(b, si.icb_name ? si.icb_name : ""); /* empty: the table names no ICB */
			iapt_buf__put(b, ",", 1);
			iapt_buf__csv_text(b, si.region_code);
			iapt_buf__put(b, ",", 1);
			iapt_buf__csv_text(b, si.region);
			for (m = 0; m < IAPT_SM__COUNT; m++) {
				iapt_summary s;
				for (r = 0; r < n; r++)
					c->vals[r] = iapt_results_service_value(c->res, y, k, m, r);
				iapt_stats_summarise(c->vals, (size_t)n, c->scratch, &s);
				if (s.n == 1)
					s.lo95 = s.hi95 = s.mean;
				iapt_buf__put(b, ",", 1);
				iapt_buf__number(b, s.mean, "NA");
				iapt_buf__put(b, ",", 1);
				iapt_buf__number(b, s.lo95, "NA");
				iapt_buf__put(b, ",", 1);
				iapt_buf__number(b, s.hi95, "NA");
			}
			iapt_buf__put(b, "\n", 1);
		}
	return IAPT_OK;
}

/* employment_transitions.csv: finished courses of each year by employment status at the
 * start and at the end of treatment (metric finished_end_<end> in group
 * employment_start=<start>), national scale, with intervals across replicates. */
static int write_transitions(const out_ctx *c, iapt_buf *b)
{
	int y, a, e, r, first, last, n = iapt_results_replicates(c->res);
	const iapt_person_field *f = iapt_person_field_get(IAPT_PF_employment);
	char lab[8];
	iapt_results_years(c->res, &first, &last);
	iapt_buf__printf(b, "year,start,end,mean,lo95,hi95,n,mcse\n");
	for (y = first; y <= last; y++)
		for (a = 0; a < IAPT_EMP__COUNT; a++)
			for (e = 0; e < IAPT_EMP__COUNT; e++) {
				iapt_summary s;
				for (r = 0; r < n; r++)
					c->vals[r] = iapt_results_value(c->res, y, IAPT_G_EMP_START_EMPLOYED + a,
									 IAPT_M_FINISHED_END_EMPLOYED + e, r);
				iapt_stats_summarise(c->vals, (size_t)n, c->scratch, &s);
				iapt_buf__printf(b, "%s,%s,%s,", iapt_year_label(y, lab), f->values[a], f->values[e]);
				put_summary(b, &s);
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
			for (k = 0; k < iapt_results_hook_group_count(c->res); k++)
				for (m = 0; m < IAPT_M__COUNT; m++) {
					if (!iapt_metric_in_group(m, IAPT_G_LTC_YES))
						continue;
					iapt_buf__printf(b, "%d,%s,", r + 1, iapt_year_label(y, lab));
					iapt_buf__csv_text(b, iapt_results_hook_group_name(c->res, k));
					iapt_buf__printf(b, ",%s,", iapt_metric_name(m));
					iapt_buf__number(b, iapt_results_hook_group_value(c->res, y, k, m, r), "NA");
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

/* The summary of a perspective's measure across replicates. Ratios (benefit-cost ratio,
 * cost per QALY) are ratios of the means (Briggs, Claxton and Sculpher 2006, ch. 4), with
 * an interval only where the replicates' ratios order their points. */
static void econ_summary(const out_ctx *c, int p, int m, iapt_buf *b)
{
	int n = iapt_results_replicates(c->res), r;
	iapt_summary s;
	int mn, md;
	if (iapt_econ_measure_ratio(m, &mn, &md)) {
		double *den = c->scratch + n, *scr = c->scratch + 2 * n;
		iapt_ratio q;
		for (r = 0; r < n; r++) {
			c->vals[r] = iapt_results_econ(c->res, r, p, mn);
			den[r] = iapt_results_econ(c->res, r, p, md);
		}
		iapt_cea_ratio(c->vals, den, (size_t)n, scr, &q);
		put_ratio(b, &q);
		return;
	}
	for (r = 0; r < n; r++)
		c->vals[r] = iapt_results_econ(c->res, r, p, m);
	iapt_stats_summarise(c->vals, (size_t)n, c->scratch, &s);
	put_summary(b, &s);
}

/* An appraisal measure's name in res, like iapt_econ_measure_name, with a plugin's cost
 * category under its own name; NULL for a plugin category slot not in use. */
static const char *measure_name(const iapt_results *res, const iapt_econ_settings *e, int m, char buf[64])
{
	int cat = m - IAPT_E__FIXED - e->n_thresholds;
	if (cat >= IAPT_CAT_PLUGIN_1 && cat <= IAPT_CAT_PLUGIN_4) {
		const char *n = iapt_results_category_name(res, cat);
		if (!n)
			return NULL;
		snprintf(buf, 64, "pv:%s", n);
		return buf;
	}
	return iapt_econ_measure_name(e, m, buf);
}

static int write_economics(const out_ctx *c, iapt_buf *b)
{
	const iapt_econ_settings *e = iapt_results_econ_settings(c->res);
	int n = iapt_results_replicates(c->res), p, m, r, count = iapt_econ_measure_count(e);
	char name[64];
	iapt_buf__printf(b, "perspective,measure,mean,lo95,hi95,n,mcse\n");
	for (p = 0; p < IAPT_PERSP__COUNT; p++) {
		iapt_payback pb;
		if (!(e->perspectives & (1u << p)))
			continue;
		for (m = 0; m < count; m++) {
			if (!measure_name(c->res, e, m, name))
				continue;
			iapt_buf__printf(b, "%s,%s,", iapt_perspective_name(p), name);
			econ_summary(c, p, m, b);
		}
		/* payback as a distribution: the median among replicates that pay back, and their share */
		for (r = 0; r < n; r++)
			c->vals[r] = iapt_results_econ(c->res, r, p, IAPT_E_PAYBACK_YEARS);
		iapt_cea_payback(c->vals, (size_t)n, c->scratch, &pb);
		iapt_buf__printf(b, "%s,payback_median_years,", iapt_perspective_name(p));
		iapt_buf__number(b, pb.median, "NA");
		iapt_buf__printf(b, ",NA,NA,%zu,NA\n%s,payback_share,", pb.n_paying, iapt_perspective_name(p));
		iapt_buf__number(b, pb.share, "NA");
		iapt_buf__printf(b, ",NA,NA,%zu,NA\n", pb.n);
		{
			/* the share paying back within 5 years: Layard et al.'s "certainly within five" */
			size_t within = 0;
			for (r = 0; r < n; r++)
				within += isfinite(c->vals[r]) && c->vals[r] <= 5;
			iapt_buf__printf(b, "%s,payback_share_5y,", iapt_perspective_name(p));
			iapt_buf__number(b, pb.n ? (double)within / (double)pb.n : NAN, "NA");
			iapt_buf__printf(b, ",NA,NA,%zu,NA\n", pb.n);
		}
	}
	return IAPT_OK;
}

int iapt_output_horizon_years(const iapt_results *const *res, size_t n)
{
	int first, last, ly, co, cat, tag, r, h = 1;
	size_t s;
	for (s = 0; s < n; s++) {
		int n_ly = iapt_results_ledger_years(res[s]), reps = iapt_results_replicates(res[s]);
		iapt_results_years(res[s], &first, &last);
		for (ly = n_ly - 1; ly >= h; ly--) {
			int any = 0;
			for (co = first; co <= last && !any; co++)
				for (cat = 0; cat < IAPT_CAT__COUNT && !any; cat++)
					for (tag = 0; tag < IAPT_PERSP__COUNT && !any; tag++)
						for (r = 0; r < reps && !any; r++) {
							double v = iapt_results_ledger(res[s], r, first + ly, co, cat, tag);
							any = isfinite(v) && v != 0;
						}
			if (any) {
				h = ly + 1;
				break;
			}
		}
	}
	return h;
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
							 iapt_results_category_name(c->res, cat), iapt_perspective_name(tag),
							 cat == IAPT_CAT_QALYS ? "QALY" : cat == IAPT_CAT_WELLBYS ? "WELLBY" : "GBP");
					summary_cells(b, c, (size_t)n);
				}
	return IAPT_OK;
}

double iapt_output_budget_flow(const iapt_results *res, int rep, int year, int payer, int category)
{
	int first, last, co, cat, tag;
	double v = 0;
	iapt_results_years(res, &first, &last);
	if (rep < 0 || rep >= iapt_results_replicates(res) || year < first ||
	    year >= first + iapt_results_ledger_years(res) || payer < 0 || payer >= IAPT_PAYER__COUNT)
		return NAN;
	for (co = first; co <= last; co++)
		for (cat = category < 0 ? 0 : category; cat < (category < 0 ? IAPT_CAT__COUNT : category + 1); cat++)
			for (tag = 0; tag < IAPT_PERSP__COUNT; tag++)
				if (iapt_econ_payer(cat, tag) == payer)
					v += iapt_results_ledger(res, rep, year, co, cat, tag);
	return v;
}

double iapt_output_exchequer_net(const iapt_results *res, int rep, int year)
{
	return iapt_output_budget_flow(res, rep, year, IAPT_PAYER_HMRC, -1) +
	       iapt_output_budget_flow(res, rep, year, IAPT_PAYER_DWP, -1);
}

/* real and cash cells of one budget row: c->vals holds the replicates' real values */
static int budget_cells(iapt_buf *b, const out_ctx *c, size_t n, int payer, int year)
{
	iapt_summary s;
	double f;
	int rc = iapt_price_cash_factor(payer, year, c->sc->econ.price_year, &f);
	if (rc)
		return rc;
	iapt_stats_summarise(c->vals, n, c->scratch, &s);
	if (s.n < n) {
		iapt_buf__printf(b, "NA,NA,NA,NA,NA,NA\n");
		return IAPT_OK;
	}
	iapt_buf__number(b, s.mean, "NA");
	iapt_buf__put(b, ",", 1);
	iapt_buf__number(b, s.lo95, "NA");
	iapt_buf__put(b, ",", 1);
	iapt_buf__number(b, s.hi95, "NA");
	iapt_buf__put(b, ",", 1);
	/* the factor is the same in every replicate, so it scales the mean and percentiles alike */
	iapt_buf__number(b, s.mean * f, "NA");
	iapt_buf__put(b, ",", 1);
	iapt_buf__number(b, s.lo95 * f, "NA");
	iapt_buf__put(b, ",", 1);
	iapt_buf__number(b, s.hi95 * f, "NA");
	iapt_buf__put(b, "\n", 1);
	return IAPT_OK;
}

/* budget_impact.csv: undiscounted flows by financial year, payer and category, real terms
 * (the ledger's, summed over cohorts) and cash terms; then the Exchequer's net cash position. */
static int write_budget_impact(const out_ctx *c, iapt_buf *b)
{
	int n = iapt_results_replicates(c->res), first, last, ly, n_ly = iapt_results_ledger_years(c->res);
	int payer, cat, r, rc;
	char a[8];
	iapt_results_years(c->res, &first, &last);
	iapt_buf__printf(b, "year,payer,category,real_mean,real_lo95,real_hi95,cash_mean,cash_lo95,cash_hi95\n");
	for (ly = 0; ly < n_ly; ly++) {
		int year_any = 0; /* a year with no flow at all (the ledger's last, often) has no rows */
		for (payer = 0; payer < IAPT_PAYER__COUNT; payer++)
			for (cat = 0; cat < IAPT_CAT__COUNT; cat++) {
				int any = 0, tag;
				for (tag = 0; tag < IAPT_PERSP__COUNT; tag++)
					any |= iapt_econ_payer(cat, tag) == payer;
				if (!any)
					continue;
				for (r = 0, any = 0; r < n; r++) {
					c->vals[r] = iapt_output_budget_flow(c->res, r, first + ly, payer, cat);
					any |= c->vals[r] != 0;
				}
				if (!any)
					continue; /* no flow of this kind in any replicate */
				year_any = 1;
				iapt_buf__printf(b, "%s,%s,%s,", iapt_year_label(first + ly, a), iapt_payer_name(payer),
						 iapt_results_category_name(c->res, cat));
				if ((rc = budget_cells(b, c, (size_t)n, payer, first + ly)))
					return rc;
			}
		if (!year_any)
			continue;
		for (r = 0; r < n; r++)
			c->vals[r] = iapt_output_exchequer_net(c->res, r, first + ly);
		iapt_buf__printf(b, "%s,exchequer,net_cash_position,", iapt_year_label(first + ly, a));
		if ((rc = budget_cells(b, c, (size_t)n, IAPT_PAYER_HMRC, first + ly)))
			return rc;
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

/* "warnings": the command's own (meta), then each "warning: " line of the replicates' logs
 * once, in order of first sight (a plugin that changes capacity or reach and books no cost,
 * docs/plugins.md). */
static void json_warnings(iapt_buf *b, const iapt_output_meta *meta, const iapt_results *const *rs, const iapt_scenario *const *sc,
			  size_t ns)
{
	int r, q, n = 0;
	size_t s;
	iapt_buf__printf(b, "  \"warnings\": [");
	for (s = 0; meta && meta->warnings && s < meta->n_warnings; s++) {
		iapt_buf__printf(b, "%s", n++ ? ", " : "");
		iapt_buf__json_string(b, meta->warnings[s]);
	}
	for (s = 0; s < ns; s++)
	for (r = 0; r < iapt_results_replicates(rs[s]); r++) {
		const iapt_results *res = rs[s];
		const char *log = iapt_results_log(res, r), *nl;
		for (; log && *log; log = nl + 1) {
			char line[512];
			int seen = 0;
			nl = strchr(log, '\n');
			if (!nl)
				nl = log + strlen(log) - 1;
			if (strncmp(log, "warning: ", 9))
				continue;
			snprintf(line, sizeof line, "%.*s", (int)(nl - log - 9), log + 9);
			for (q = 0; q < r && !seen; q++) {
				const char *o = iapt_results_log(res, q);
				seen = o && strstr(o, line) != NULL;
			}
			if (seen)
				continue;
			iapt_buf__printf(b, "%s", n++ ? ", " : "");
			if (sc) { /* a comparison: which strategy */
				char full[700];
				snprintf(full, sizeof full, "%s: %s", sc[s]->name, line);
				iapt_buf__json_string(b, full);
			} else {
				iapt_buf__json_string(b, line);
			}
		}
	}
	iapt_buf__printf(b, "],\n");
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
	iapt_buf__printf(b, "    \"health_value\": \"%s\",\n    \"health_value_note\": \"society's NPV counts %s, never both\",\n    \"wellby_value\": ",
			 iapt_health_value_name(e->health_value),
			 e->health_value == IAPT_HEALTH_WELLBY ? "WELLBYs valued at wellby_value, not QALYs" : "QALYs valued at qaly_value, not WELLBYs");
	iapt_buf__number(b, e->wellby_value, "null");
	iapt_buf__printf(b, ",\n    \"wellby_value_price_year\": \"%s\",\n    \"distributional_weights\": {", iapt_year_label(e->wellby_value_year, lab));
	for (k = 0; k < IAPT_IMD_QUINTILES; k++) {
		iapt_buf__printf(b, "%s\"imd_%d_%d\": ", k ? ", " : "", 2 * k + 1, 2 * k + 2);
		iapt_buf__number(b, e->dist_weight[k], "null");
	}
	iapt_buf__printf(b, "},\n    \"distributional_weights_source\": \"HM Treasury Green Book (2022) Annex A3: (median income of all / median income of the quintile)^1.3, medians of equivalised household disposable income (ONS, financial year ending 2022; the second and fourth quintiles interpolated), applied to IMD quintiles as a proxy (deciles 9-10 take the lowest income quintile's weight); docs/economics.md\",\n");
	iapt_buf__printf(b, "    \"optimism_bias\": ");
	iapt_buf__number(b, e->optimism_bias, "null");
	iapt_buf__printf(b, ",\n    \"accrual\": \"%s\",\n    \"accrual_note\": \"follow-up flows and QALYs of each month accrue in the state at its %s\",",
			 iapt_accrual_name(e->accrual),
			 e->accrual == IAPT_ACCRUAL_START ? "start" : e->accrual == IAPT_ACCRUAL_END ? "end" : "start and at its end, half each (half-cycle correction)");
	iapt_buf__printf(b, "\n    \"price_index\": {\"series\": ");
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
	iapt_gdp_deflator_info(&first, &last, &source);
	iapt_buf__printf(b, "    \"gdp_deflator\": {\"source\": ");
	iapt_buf__json_string(b, source);
	iapt_buf__printf(b, ", \"level_2019_20_is_1\": {");
	for (y = first; y <= last + 10; y++) {
		double l = 0;
		iapt_gdp_deflator_level(y, &l);
		iapt_buf__printf(b, "%s\"%s\": ", y > first ? ", " : "", iapt_year_label(y, lab));
		iapt_buf__number(b, l, "null");
	}
	iapt_buf__printf(b, "}},\n");
	iapt_buf__printf(b, "    \"ledger\": \"flows the programme changes: each person's treated path minus their natural course, plus the programme's own costs; positive = gain to the party; national scale; GBP at the price year\",\n");
	iapt_buf__printf(b, "    \"perspective_tags\": \"a flow tagged nhs counts for nhs, exchequer and societal; exchequer for exchequer and societal; societal for societal only\",\n");
	iapt_buf__printf(b, "    \"budget_impact\": \"budget_impact.csv: the ledger undiscounted, summed over cohorts, by financial year, payer and category; real_* in GBP at the price year (the ledger's), cash_* in GBP of each year (NHS flows by the NHS index, others by the GDP deflator, both 2%% a year after their last published year); payer nhs = flows tagged nhs; hmrc = income tax, employee and employer NI received; dwp = other exchequer flows (benefits, DWP-funded support); employers = employer NI paid and sickness absence; individuals = earnings, income tax and employee NI paid, benefits; employer NI appears twice, as employers' cost and HMRC's receipt; exchequer net_cash_position = hmrc + dwp\"\n");
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

/* "command" and "options" (iapt_output_meta): what shaped the result, never where it went. */
/* the end of run.json's "files": what the command writes after run.json, and ']' */
static void json_files_end(iapt_buf *b, const iapt_output_meta *meta)
{
	size_t k;
	for (k = 0; meta && k < meta->n_also; k++) {
		iapt_buf__printf(b, ", ");
		iapt_buf__json_string(b, meta->also[k]);
	}
	iapt_buf__printf(b, "]\n");
}

static void json_meta(iapt_buf *b, const iapt_output_meta *meta)
{
	size_t k;
	json_kv_str(b, "  ", "command", meta && meta->command ? meta->command : "", 1);
	iapt_buf__printf(b, "  \"options\": [");
	for (k = 0; meta && k < meta->n_options; k++) {
		iapt_buf__printf(b, "%s[", k ? ", " : "");
		iapt_buf__json_string(b, meta->options[k].name);
		iapt_buf__printf(b, ", ");
		iapt_buf__json_string(b, meta->options[k].value ? meta->options[k].value : "");
		iapt_buf__printf(b, "]");
	}
	iapt_buf__printf(b, "],\n");
}

/* ---- probabilistic sensitivity analysis: psa.csv ---- */

static const char *const dist_names[] = {"fixed", "normal", "beta", "gamma", "lognormal", "uniform", "discrete"};

/* The uncertain parameters of all strategies, by name, in order of first appearance. */
static size_t psa_params(const iapt_scenario *const *sc, size_t n, const char **names, size_t cap)
{
	size_t s, k, j, m = 0;
	for (s = 0; s < n; s++)
		for (k = 0; k < sc[s]->n_uncertain; k++) {
			iapt_param_info in;
			iapt_params_info(sc[s]->params, sc[s]->uncertain[k].param, &in);
			for (j = 0; j < m && strcmp(names[j], in.name); j++)
				;
			if (j == m && m < cap)
				names[m++] = in.name;
		}
	return m;
}

/* Simulated people behind a replicate: its referrals over the run at the simulated scale. */
static double people_simulated(const iapt_scenario *sc, const iapt_results *res, int r)
{
	int first, last, y;
	double sum = 0;
	iapt_results_years(res, &first, &last);
	for (y = first; y <= last; y++)
		sum += iapt_results_value(res, y, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, r);
	return round(sum * sc->population_scale);
}

/* One row per draw (replicate) and strategy, in the long format dampack and BCEA read
 * (docs/uncertainty.md has the R): draws in order, strategies in the order given with a
 * numeric strategy_id (names need not be safe column names) and base = 1 for the base;
 * the drawn parameters, identical columns for every strategy (a strategy that does not vary
 * one has its fixed value there); the simulated people behind the row; QALYs gained and
 * net costs by perspective. */
static void psa_csv(iapt_buf *b, const iapt_scenario *const *sc, const iapt_results *const *res, size_t n)
{
	const char *names[256];
	size_t m = psa_params(sc, n, names, 256), s, k, j;
	int r, t, nr = iapt_results_replicates(res[0]);
	unsigned persp = sc[0]->econ.perspectives;
	iapt_buf__printf(b, "draw,strategy_id,strategy,base,people_simulated");
	for (k = 0; k < m; k++)
		iapt_buf__printf(b, ",%s", names[k]);
	iapt_buf__printf(b, ",effect");
	for (t = 0; t < IAPT_PERSP__COUNT; t++)
		if (persp & (1u << t))
			iapt_buf__printf(b, ",cost_%s", iapt_perspective_name(t));
	iapt_buf__put(b, "\n", 1);
	for (r = 0; r < nr; r++)
		for (s = 0; s < n; s++) {
			iapt_buf__printf(b, "%d,%zu,", r + 1, s + 1);
			iapt_buf__csv_text(b, sc[s]->name);
			iapt_buf__printf(b, ",%d,", s == 0);
			iapt_buf__number(b, people_simulated(sc[s], res[s], r), "NA");
			for (k = 0; k < m; k++) {
				double v = NAN;
				int drawn = 0;
				for (j = 0; j < sc[s]->n_uncertain; j++) {
					iapt_param_info in;
					iapt_params_info(sc[s]->params, sc[s]->uncertain[j].param, &in);
					if (!strcmp(in.name, names[k])) {
						v = iapt_results_draw(res[s], r, j);
						drawn = 1;
					}
				}
				if (!drawn)
					iapt_params_get_by_name(sc[s]->params, names[k], sc[s]->first_year, &v);
				iapt_buf__put(b, ",", 1);
				iapt_buf__number(b, v, "NA");
			}
			/* QALYs are the same in every perspective (health is counted in all) */
			iapt_buf__put(b, ",", 1);
			iapt_buf__number(b, iapt_results_econ(res[s], r, IAPT_PERSP_NHS, IAPT_E_QALYS), "NA");
			for (t = 0; t < IAPT_PERSP__COUNT; t++)
				if (persp & (1u << t)) {
					iapt_buf__put(b, ",", 1);
					iapt_buf__number(b, iapt_results_econ(res[s], r, t, IAPT_E_NET_COST), "NA");
				}
			iapt_buf__put(b, "\n", 1);
		}
}

static int write_psa(const out_ctx *c, iapt_buf *b)
{
	psa_csv(b, &c->sc, &c->res, 1);
	return IAPT_OK;
}

static void json_uncertainty(iapt_buf *b, const iapt_scenario *sc)
{
	size_t k, j, n = sc->n_uncertain;
	iapt_buf__printf(b, "  \"uncertainty\": {\"draws\": \"one per replicate, keyed by (seed, replicate, parameter); truncated to the parameter's bounds; correlations by a Gaussian copula\",\n    \"parameters\": [");
	for (k = 0; k < n; k++) {
		const iapt_uncertain *u = &sc->uncertain[k];
		iapt_param_info in;
		iapt_params_info(sc->params, u->param, &in);
		iapt_buf__printf(b, "%s\n      {\"name\": ", k ? "," : "");
		iapt_buf__json_string(b, in.name);
		iapt_buf__printf(b, ", \"dist\": \"%s\", \"a\": ", dist_names[u->dist]);
		iapt_buf__number(b, u->a, "null");
		iapt_buf__printf(b, ", \"b\": ");
		iapt_buf__number(b, u->b, "null");
		if (u->dist == IAPT_DIST_DISCRETE) {
			int w;
			iapt_buf__printf(b, ", \"weights\": [");
			for (w = 0; w < u->n_levels; w++) {
				iapt_buf__printf(b, "%s", w ? ", " : "");
				iapt_buf__number(b, u->w[w], "null");
			}
			iapt_buf__printf(b, "]");
		}
		iapt_buf__printf(b, ", \"origin\": ");
		iapt_buf__json_string(b, u->origin);
		iapt_buf__printf(b, "}");
	}
	iapt_buf__printf(b, "%s],\n    \"correlation\": ", n ? "\n    " : "");
	if (!sc->correlation) {
		iapt_buf__printf(b, "null");
	} else {
		iapt_buf__printf(b, "[");
		for (k = 0; k < n; k++) {
			iapt_buf__printf(b, "%s[", k ? ", " : "");
			for (j = 0; j < n; j++) {
				iapt_buf__printf(b, "%s", j ? ", " : "");
				iapt_buf__number(b, sc->correlation[k * n + j], "null");
			}
			iapt_buf__printf(b, "]");
		}
		iapt_buf__printf(b, "]");
	}
	iapt_buf__printf(b, "},\n");
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

/* Where a scenario's services came from, as a JSON object: {"source": "built in"|"file"|
 * "synthetic", "path": ..., "sha256": ...} (the table's bytes: provenance of a run whose
 * own table can change while its scenario does not). */
static void json_services_source(iapt_buf *b, const iapt_scenario *sc)
{
	iapt_services_source src;
	static const char *const kind[] = {"built in", "file", "synthetic"};
	if (iapt_services_source_of(sc, &src)) { /* not readable now: the run read it, so rare */
		iapt_buf__printf(b, "{\"source\": \"unknown\"}");
		return;
	}
	iapt_buf__printf(b, "{\"source\": \"%s\"", kind[src.kind]);
	if (src.path) {
		iapt_buf__printf(b, ", \"path\": ");
		iapt_buf__json_string(b, src.kind == IAPT_SERVICES_KIND_BUILTIN ? "data/services.csv, data/services_residuals.csv" : src.path);
	}
	if (src.sha256)
		iapt_buf__printf(b, ", \"sha256\": \"%s\"", src.sha256);
	iapt_buf__printf(b, "}");
}

/* "scenario": {path, name, description (with_description), sha256, services} */
static void json_scenario(iapt_buf *b, const iapt_scenario *sc, int with_description)
{
	iapt_buf__printf(b, "  \"scenario\": {\n");
	json_kv_str(b, "    ", "path", sc->path, 1);
	json_kv_str(b, "    ", "name", sc->name, 1);
	if (with_description)
		json_kv_str(b, "    ", "description", sc->description, 1);
	json_kv_str(b, "    ", "sha256", sc->sha256, 1);
	iapt_buf__printf(b, "    \"services\": ");
	json_services_source(b, sc);
	iapt_buf__printf(b, "\n  },\n");
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
	json_meta(b, c->meta);
	json_scenario(b, sc, 1);
	iapt_buf__printf(b, "  \"seed\": \"%llu\",\n", sc->seed);
	iapt_buf__printf(b, "  \"replicates\": %d,\n", sc->replicates);
	json_kv_num(b, "  ", "population_scale", sc->population_scale, 1);
	iapt_buf__printf(b, "  \"years\": [");
	for (y = sc->first_year; y <= sc->last_year; y++)
		iapt_buf__printf(b, "%s\"%s\"", y > sc->first_year ? ", " : "", iapt_year_label(y, lab));
	iapt_buf__printf(b, "],\n");
	/* the ledger's years: the horizon of payback (follow-up runs past the last cohort) */
	iapt_buf__printf(b, "  \"payback_horizon_years\": %d,\n", iapt_output_horizon_years(&c->res, 1));
	json_kv_str(b, "  ", "interval", "lo95 and hi95 are the 2.5th and 97.5th percentiles across replicates (none from one replicate); n = replicates with a finite value; mcse = Monte Carlo standard error of the mean, sd / sqrt(n)", 1);
	json_kv_str(b, "  ", "ratios", "bcr and cost_per_qaly in economics.csv are ratios of the means across replicates (mean PV benefits / mean PV costs; mean net cost / mean QALYs), with the percentiles of the replicates' ratios only when every replicate's denominator has the sign of the mean one, and a delta-method MCSE; payback_median_years is the median among replicates that pay back within the horizon, payback_share their share", 1);
	json_kv_str(b, "  ", "counts", "counts are simulated counts divided by population_scale (national figures)", 1);
	iapt_buf__printf(b, "  \"simulated\": {\"referrals\": %llu, \"sessions_booked\": %llu},\n",
			 st->referrals, st->sessions);
	json_warnings(b, c->meta, &c->res, NULL, 1);
	json_economics(b, iapt_results_econ_settings(c->res));
	if (sc->services_policy.features) { /* the report leads with its effect by region */
		const iapt_services_policy *pol = &sc->services_policy;
		int f, first = 1;
		iapt_buf__printf(b, "  \"services_policy\": {\"years\": [\"%s\", ", iapt_year_label(pol->first_year, lab));
		iapt_buf__printf(b, "\"%s\"], \"floor\": {", iapt_year_label(pol->last_year, lab));
		for (f = 0; f < IAPT_SVCF__COUNT; f++)
			if (pol->features & (1u << f)) {
				iapt_buf__printf(b, "%s\"%s\": ", first ? "" : ", ", iapt_svc_feature_name(f));
				if (isnan(pol->level[f]))
					iapt_buf__printf(b, "\"best_quartile\"");
				else
					iapt_buf__number(b, pol->level[f], "null");
				first = 0;
			}
		iapt_buf__printf(b, "}},\n");
	}
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
	json_uncertainty(b, sc);
	iapt_buf__printf(b, "  \"files\": [\"summary.csv\", \"replicates.csv\", \"employment_transitions.csv\", \"economics.csv\", \"ledger.csv\", \"budget_impact.csv\", %s%s\"run.json\"",
			 sc->n_uncertain ? "\"psa.csv\", " : "", iapt_results_services(c->res) ? "\"services.csv\", " : "");
	json_files_end(b, c->meta);
	iapt_buf__printf(b, "}\n");
	return IAPT_OK;
}

/* A results folder, made if missing, without a run.json: an older one would vouch for files
 * about to be replaced (run.json is written last). */
static int prepare_dir(const char *dir)
{
	iapt_buf path = {0};
	int rc = iapt_file__mkdirs(dir);
	if (rc)
		return rc;
	iapt_buf__printf(&path, "%s/run.json", dir);
	if (!iapt_buf__ok(&path))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	remove(path.ptr);
	iapt_buf__free(&path);
	return IAPT_OK;
}

/* dir/name from a buffer, atomically (temporary name, then rename). */
static int write_buf(const char *dir, const char *name, const iapt_buf *b)
{
	iapt_buf path = {0};
	int rc;
	if (!iapt_buf__ok(b))
		return iapt_error__set(IAPT_ENOMEM, "out of memory writing %s", name);
	iapt_buf__printf(&path, "%s/%s", dir, name);
	if (!iapt_buf__ok(&path))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	rc = iapt_file__write_atomic(path.ptr, b->ptr ? b->ptr : "", b->len);
	iapt_buf__free(&path);
	return rc;
}

/* files[k] from bufs[k], in order into a prepared folder; the last is run.json. */
static int write_files(const char *dir, const char *const *files, const iapt_buf *bufs, size_t n)
{
	size_t k;
	int rc = prepare_dir(dir);
	for (k = 0; !rc && k < n; k++)
		rc = write_buf(dir, files[k], &bufs[k]);
	return rc;
}

static const struct {
	const char *file;
	writer_fn fn;
} writers[] = {
	{"summary.csv", write_summary},
	{"replicates.csv", write_replicates},
	{"employment_transitions.csv", write_transitions},
	{"economics.csv", write_economics},
	{"ledger.csv", write_ledger},
	{"budget_impact.csv", write_budget_impact},
	{"psa.csv", write_psa}, /* with an uncertainty block only */
	{"services.csv", write_services}, /* with services counted only */
	{"run.json", write_run_json}, /* last: its presence marks a whole result */
};

/* The CSV files shared out among threads: each takes the next file not yet taken, with
 * scratch of its own; the first failure in file order is the one reported. */
typedef struct write_job {
	const char *dir;
	out_ctx base;
	size_t n_rep;
	const size_t *todo; /* indices into writers[] */
	size_t n_todo, next;
	pthread_mutex_t lock;
	size_t err_at;     /* the failing file's place in todo, n_todo: none */
	int rc;
	char err[4096];
} write_job;

static void *write_worker(void *arg)
{
	write_job *j = arg;
	out_ctx c = j->base;
	int rc = IAPT_OK;
	c.scratch = malloc(3 * j->n_rep * sizeof(double) + 1);
	c.vals = malloc(j->n_rep * sizeof(double) + 1);
	if (!c.scratch || !c.vals)
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (;;) {
		size_t t;
		pthread_mutex_lock(&j->lock);
		t = rc || j->next >= j->n_todo || j->err_at < j->n_todo ? j->n_todo : j->next++;
		if (rc && j->err_at == j->n_todo) { /* no file of its own failed: out of memory */
			j->err_at = 0;
			j->rc = rc;
			snprintf(j->err, sizeof j->err, "%s", iapt_error_last()->message);
		}
		pthread_mutex_unlock(&j->lock);
		if (t >= j->n_todo)
			break;
		{
			iapt_buf b = {0};
			size_t w = j->todo[t];
			rc = writers[w].fn(&c, &b);
			if (!rc)
				rc = write_buf(j->dir, writers[w].file, &b);
			iapt_buf__free(&b);
		}
		if (rc) {
			pthread_mutex_lock(&j->lock);
			if (j->err_at == j->n_todo || t < j->err_at) {
				j->err_at = t;
				j->rc = rc;
				snprintf(j->err, sizeof j->err, "%s", iapt_error_last()->message);
			}
			pthread_mutex_unlock(&j->lock);
			rc = IAPT_OK; /* reported; stop taking files */
			break;
		}
	}
	free(c.scratch);
	free(c.vals);
	return NULL;
}

int iapt_output_write(const char *dir, const iapt_scenario *sc, const iapt_results *res,
		      const iapt_output_meta *meta)
{
	write_job j;
	size_t i, todo[sizeof writers / sizeof writers[0]];
	int rc, t, threads = meta && meta->threads > 1 ? meta->threads : 1, started = 0;
	pthread_t tids[sizeof writers / sizeof writers[0]];

	memset(&j, 0, sizeof j);
	j.dir = dir;
	j.base.sc = sc;
	j.base.res = res;
	j.base.meta = meta;
	j.n_rep = (size_t)iapt_results_replicates(res);
	j.todo = todo;
	if ((rc = prepare_dir(dir)))
		return rc;
	/* every file but run.json, which comes last: its presence marks a whole result */
	for (i = 0; i + 1 < sizeof writers / sizeof writers[0]; i++) {
		if ((writers[i].fn == write_psa && !sc->n_uncertain) || (writers[i].fn == write_services && !iapt_results_services(res))) {
			iapt_buf path = {0};
			iapt_buf__printf(&path, "%s/%s", dir, writers[i].file);
			if (!iapt_buf__ok(&path))
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
			remove(path.ptr); /* not this run's */
			iapt_buf__free(&path);
			continue;
		}
		todo[j.n_todo++] = i;
	}
	j.err_at = j.n_todo;
	pthread_mutex_init(&j.lock, NULL);
	/* the files on threads (each buffered whole before it is written: two at a time
	 * hold two files' text, the ledger of a long run being the largest) */
	if (threads > (int)j.n_todo)
		threads = (int)j.n_todo;
	for (t = 0; t < threads - 1; t++, started++)
		if (pthread_create(&tids[t], NULL, write_worker, &j) != 0)
			break;
	write_worker(&j); /* the calling thread writes too */
	for (t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	pthread_mutex_destroy(&j.lock);
	if (j.rc)
		return iapt_error__set(j.rc, "%s", j.err);
	{
		out_ctx c = j.base;
		iapt_buf b = {0};
		c.scratch = c.vals = NULL; /* run.json needs no scratch */
		rc = write_run_json(&c, &b);
		if (!rc)
			rc = write_buf(dir, "run.json", &b);
		iapt_buf__free(&b);
	}
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

/* ---- comparisons: comparison.csv, ceac.csv, evpi.csv, psa.csv, run.json ---- */

int iapt_compare_check(const iapt_scenario *const *sc, size_t n)
{
	size_t s;
	const iapt_econ_settings *e0 = &sc[0]->econ;
	for (s = 1; s < n; s++) {
		const iapt_econ_settings *e = &sc[s]->econ;
		size_t k;
		/* names identify strategies in comparison.csv, frontier.csv and the verdicts */
		for (k = 0; k < s; k++)
			if (!strcmp(sc[k]->name, sc[s]->name))
				return iapt_error__set(IAPT_EINVAL, "strategies %zu (%s) and %zu (%s) are both named '%s': a comparison names each strategy once (rename one: name: in its file, or --alt NAME)",
						       k + 1, sc[k]->path, s + 1, sc[s]->path, sc[s]->name);
		if (sc[s]->first_year != sc[0]->first_year || sc[s]->last_year != sc[0]->last_year)
			return iapt_error__set(IAPT_EINVAL, "%s covers other years than %s: a comparison needs the same years", sc[s]->path, sc[0]->path);
		if (e->price_year != e0->price_year || memcmp(&e->costs, &e0->costs, sizeof e->costs) ||
		    memcmp(&e->health, &e0->health, sizeof e->health) || e->perspectives != e0->perspectives ||
		    e->n_thresholds != e0->n_thresholds ||
		    memcmp(e->thresholds, e0->thresholds, (size_t)e->n_thresholds * sizeof(double)) || e->qaly_value != e0->qaly_value ||
		    e->qaly_value_year != e0->qaly_value_year || e->optimism_bias != e0->optimism_bias || e->accrual != e0->accrual ||
		    e->health_value != e0->health_value || e->wellby_value != e0->wellby_value || e->wellby_value_year != e0->wellby_value_year)
			return iapt_error__set(IAPT_EINVAL, "%s has another economics block than %s: a comparison needs the same prices, discounting, perspectives and thresholds",
					       sc[s]->path, sc[0]->path);
	}
	return IAPT_OK;
}

typedef struct cmp_ctx {
	const iapt_scenario *const *sc;
	const iapt_results *const *res;
	size_t n;
	int reps;
	int uncertain; /* the replicates carry parameter draws */
	const iapt_compare_options *opt;
	const iapt_output_meta *meta;
	const char *const *folders;
	double *a, *b, *scratch; /* [reps], [reps], [3 reps] */
	double *cost, *effect;   /* [strategy][draw] */
	iapt_compare_row *rows;  /* the increments, in the order of comparison.csv */
	size_t n_rows, cap_rows;
	int oom;
} cmp_ctx;

static double econ(const cmp_ctx *c, size_t s, int r, int t, int m)
{
	return iapt_results_econ(c->res[s], r, t, m);
}

/* Do the replicates carry parameter draws? Only then are the acceptability curve, the
 * probability of cost-effectiveness and EVPI about parameter uncertainty rather than the
 * Monte Carlo noise of a finite population (Briggs, Claxton and Sculpher 2006, ch. 7). */
static const char no_uncertainty_reason[] =
	"no strategy has an uncertainty block with a distribution: the replicates differ only by Monte Carlo noise (the random people of a finite population), so there is no value of information and no probability of cost-effectiveness to report; mcse gives the Monte Carlo error of each mean";

int iapt_compare_parameter_uncertainty(const iapt_scenario *const *sc, size_t n, const char **reason)
{
	size_t s, k;
	if (reason)
		*reason = NULL;
	for (s = 0; s < n; s++)
		for (k = 0; k < sc[s]->n_uncertain; k++)
			if (sc[s]->uncertain[k].dist != IAPT_DIST_FIXED)
				return 1;
	if (reason)
		*reason = no_uncertainty_reason;
	return 0;
}

static int has_parameter_uncertainty(const iapt_scenario *const *sc, size_t n)
{
	size_t s, k;
	for (s = 0; s < n; s++)
		for (k = 0; k < sc[s]->n_uncertain; k++)
			if (sc[s]->uncertain[k].dist != IAPT_DIST_FIXED)
				return 1;
	return 0;
}


static iapt_compare_row *cmp_add(cmp_ctx *c, size_t s, int persp, const char *measure, double threshold)
{
	iapt_compare_row *r;
	if (c->n_rows == c->cap_rows) {
		size_t cap = c->cap_rows ? 2 * c->cap_rows : 64;
		iapt_compare_row *nr = realloc(c->rows, cap * sizeof *nr);
		if (!nr) {
			c->oom = 1;
			return NULL;
		}
		c->rows = nr;
		c->cap_rows = cap;
	}
	r = &c->rows[c->n_rows++];
	memset(r, 0, sizeof *r);
	r->strategy = s;
	r->perspective = persp;
	snprintf(r->measure, sizeof r->measure, "%s", measure);
	r->threshold = threshold;
	return r;
}

static void cmp_row(cmp_ctx *c, size_t s, int persp, const char *measure, double threshold, const double *x)
{
	iapt_compare_row *r = cmp_add(c, s, persp, measure, threshold);
	if (r)
		iapt_stats_summarise(x, (size_t)c->reps, c->scratch, &r->s);
}

static void cmp_point(cmp_ctx *c, size_t s, int persp, const char *measure, double threshold, double v, size_t n)
{
	iapt_compare_row *r = cmp_add(c, s, persp, measure, threshold);
	if (!r)
		return;
	r->s.mean = v;
	r->s.lo95 = r->s.hi95 = r->s.sd = r->s.mcse = NAN;
	r->s.n = n;
}

static void cmp_ratio(cmp_ctx *c, size_t s, int persp, const char *measure, const iapt_ratio *q)
{
	iapt_compare_row *r = cmp_add(c, s, persp, measure, NAN);
	if (!r)
		return;
	r->s.mean = q->ratio;
	r->s.lo95 = q->lo95;
	r->s.hi95 = q->hi95;
	r->s.n = q->n;
	r->s.sd = NAN;
	r->s.mcse = q->mcse;
}

void iapt_compare_paired(const iapt_results *base, const iapt_results *alt, int t, double *d_cost, double *d_qalys)
{
	int r;
	for (r = 0; r < iapt_results_replicates(base); r++) {
		d_cost[r] = iapt_results_econ(alt, r, t, IAPT_E_NET_COST) - iapt_results_econ(base, r, t, IAPT_E_NET_COST);
		d_qalys[r] = iapt_results_econ(alt, r, t, IAPT_E_QALYS) - iapt_results_econ(base, r, t, IAPT_E_QALYS);
	}
}

/* The pathway's counts summed over the run's years (recovered and reliably improved from
 * their rates and denominators), the mean wait averaged over them. */
static const struct {
	const char *name;
	int metric, rate_of; /* rate_of >= 0: metric is a percentage of rate_of */
	int average;
} pathway_measures[] = {
	{"referrals_received", IAPT_M_REFERRALS_RECEIVED, -1, 0},
	{"entered_treatment", IAPT_M_ENTERED_TREATMENT, -1, 0},
	{"finished_course", IAPT_M_FINISHED_COURSE, -1, 0},
	{"recovered", IAPT_M_RECOVERY_PCT, IAPT_M_FINISHED_AT_CASENESS, 0},
	{"reliably_improved", IAPT_M_RELIABLE_IMPROVEMENT_PCT, IAPT_M_FINISHED_COURSE, 0},
	{"sessions_attended", IAPT_M_SESSIONS_ATTENDED, -1, 0},
	{"mean_wait_weeks", IAPT_M_MEAN_WAIT_WEEKS, -1, 1},
};

static double pathway_value(const iapt_results *res, int k, int r)
{
	int first, last, y;
	double sum = 0;
	iapt_results_years(res, &first, &last);
	for (y = first; y <= last; y++) {
		double v = iapt_results_value(res, y, IAPT_G_ALL, pathway_measures[k].metric, r);
		if (pathway_measures[k].rate_of >= 0)
			v = v / 100 * iapt_results_value(res, y, IAPT_G_ALL, pathway_measures[k].rate_of, r);
		sum += v;
	}
	return pathway_measures[k].average ? sum / (last - first + 1) : sum;
}

/* Payback of the change, replicate by replicate: the appraisal of the ledger of the
 * alternative minus the base's. pay[t * reps + r]. */
static int change_payback(const cmp_ctx *c, size_t s, double *pay)
{
	const iapt_econ_settings *e = iapt_results_econ_settings(c->res[0]);
	int first, last, ny = iapt_results_ledger_years(c->res[0]), r, y, co, cat, tag, t, count = iapt_econ_measure_count(e);
	size_t nf = (size_t)ny * IAPT_CAT__COUNT * IAPT_PERSP__COUNT;
	double *flows = malloc((nf ? nf : 1) * sizeof *flows), *out = malloc((size_t)count * IAPT_PERSP__COUNT * sizeof *out);
	int rc = IAPT_OK;
	if (!flows || !out) {
		free(flows);
		free(out);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	iapt_results_years(c->res[0], &first, &last);
	for (r = 0; r < c->reps && !rc; r++) {
		for (y = 0; y < ny; y++)
			for (cat = 0; cat < IAPT_CAT__COUNT; cat++)
				for (tag = 0; tag < IAPT_PERSP__COUNT; tag++) {
					double v = 0;
					for (co = first; co <= last; co++)
						v += iapt_results_ledger(c->res[s], r, first + y, co, cat, tag) -
						     iapt_results_ledger(c->res[0], r, first + y, co, cat, tag);
					flows[((size_t)y * IAPT_CAT__COUNT + (size_t)cat) * IAPT_PERSP__COUNT + (size_t)tag] = v;
				}
		rc = iapt_econ_appraise(e, flows, ny, out);
		/* a change never behind (it saves from the start) pays back at once; one still behind
		 * at the horizon has a negative NPV */
		for (t = 0; t < IAPT_PERSP__COUNT; t++) {
			double pb = out[(size_t)t * (size_t)count + IAPT_E_PAYBACK_YEARS], npv = out[(size_t)t * (size_t)count + IAPT_E_NPV];
			pay[(size_t)t * (size_t)c->reps + (size_t)r] = isnan(pb) && npv >= 0 ? 0.0 : pb;
		}
	}
	free(flows);
	free(out);
	return rc;
}

/* The increments of every alternative against the base, paired by draw, into c->rows. */
static int compare_rows(cmp_ctx *c)
{
	const iapt_econ_settings *e = &c->sc[0]->econ;
	size_t s;
	int t, r, k, rc, count = iapt_econ_measure_count(e);
	double *pay = malloc(IAPT_PERSP__COUNT * (size_t)c->reps * sizeof *pay);
	if (!pay)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (s = 1; s < c->n; s++) {
		for (k = 0; k < (int)(sizeof pathway_measures / sizeof pathway_measures[0]); k++) {
			char name[64];
			for (r = 0; r < c->reps; r++)
				c->a[r] = pathway_value(c->res[s], k, r) - pathway_value(c->res[0], k, r);
			snprintf(name, sizeof name, "pathway:%s", pathway_measures[k].name);
			cmp_row(c, s, -1, name, NAN, c->a);
		}
		if ((rc = change_payback(c, s, pay))) {
			free(pay);
			return rc;
		}
		for (t = 0; t < IAPT_PERSP__COUNT; t++) {
			iapt_ratio q;
			iapt_payback pb;
			if (!(e->perspectives & (1u << t)))
				continue;
			/* paired by draw: the same people, the same parameter draws */
			iapt_compare_paired(c->res[0], c->res[s], t, c->a, c->b);
			cmp_row(c, s, t, "incremental_cost", NAN, c->a);
			cmp_row(c, s, t, "incremental_qalys", NAN, c->b);
			/* the ratio of the mean increments, and where the paired points fall */
			iapt_cea_ratio(c->a, c->b, (size_t)c->reps, c->scratch, &q);
			cmp_ratio(c, s, t, "icer", &q);
			cmp_point(c, s, t, "share_north_east", NAN, q.share_ne, q.n);
			cmp_point(c, s, t, "share_north_west", NAN, q.share_nw, q.n);
			cmp_point(c, s, t, "share_south_west", NAN, q.share_sw, q.n);
			cmp_point(c, s, t, "share_south_east", NAN, q.share_se, q.n);
			cmp_point(c, s, t, "share_tie", NAN, q.share_tie, q.n);
			for (k = 0; k < e->n_thresholds; k++) {
				double lam = e->thresholds[k], *inmb = c->scratch + c->reps;
				for (r = 0; r < c->reps; r++)
					inmb[r] = lam * c->b[r] - c->a[r];
				cmp_row(c, s, t, "inmb", lam, inmb);
				if (c->uncertain)
					cmp_point(c, s, t, "prob_cost_effective", lam, iapt_cea_prob_ce(c->a, c->b, (size_t)c->reps, lam),
						  (size_t)c->reps);
			}
			for (r = 0; r < c->reps; r++)
				c->a[r] = econ(c, s, r, t, IAPT_E_NPV) - econ(c, 0, r, t, IAPT_E_NPV);
			cmp_row(c, s, t, "incremental_npv", NAN, c->a);
			for (k = IAPT_E__FIXED + e->n_thresholds; k < count; k++) {
				char name[64];
				/* a plugin's category under the alternative's name, else the base's */
				if (!measure_name(c->res[s], e, k, name) && !measure_name(c->res[0], e, k, name))
					continue;
				for (r = 0; r < c->reps; r++)
					c->a[r] = econ(c, s, r, t, k) - econ(c, 0, r, t, k);
				cmp_row(c, s, t, name, NAN, c->a);
			}
			iapt_cea_payback(pay + (size_t)t * (size_t)c->reps, (size_t)c->reps, c->scratch, &pb);
			cmp_point(c, s, t, "payback_median_years", NAN, pb.median, pb.n_paying);
			cmp_point(c, s, t, "payback_share", NAN, pb.share, pb.n);
		}
	}
	free(pay);
	return c->oom ? iapt_error__set(IAPT_ENOMEM, "out of memory") : IAPT_OK;
}

/* comparison.csv from the rows */
static void comparison_csv(iapt_buf *b, const cmp_ctx *c)
{
	size_t i;
	iapt_buf__printf(b, "strategy,perspective,measure,threshold,mean,lo95,hi95,n,mcse\n");
	for (i = 0; i < c->n_rows; i++) {
		const iapt_compare_row *r = &c->rows[i];
		iapt_buf__csv_text(b, c->sc[r->strategy]->name);
		iapt_buf__printf(b, ",%s,%s,", r->perspective < 0 ? "all" : iapt_perspective_name(r->perspective), r->measure);
		iapt_buf__number(b, r->threshold, "NA");
		iapt_buf__put(b, ",", 1);
		put_summary(b, &r->s);
	}
}

/* Mean net cost and QALYs of each strategy in a perspective, over the draws complete in
 * every strategy. */
static void strategy_means(const iapt_results *const *res, size_t n, int t, double *mc, double *me)
{
	size_t s, used = 0;
	int r, reps = iapt_results_replicates(res[0]);
	for (s = 0; s < n; s++)
		mc[s] = me[s] = 0;
	for (r = 0; r < reps; r++) {
		int ok = 1;
		for (s = 0; s < n; s++)
			ok &= isfinite(iapt_results_econ(res[s], r, t, IAPT_E_NET_COST)) && isfinite(iapt_results_econ(res[s], r, t, IAPT_E_QALYS));
		if (!ok)
			continue;
		for (s = 0; s < n; s++) {
			mc[s] += iapt_results_econ(res[s], r, t, IAPT_E_NET_COST);
			me[s] += iapt_results_econ(res[s], r, t, IAPT_E_QALYS);
		}
		used++;
	}
	for (s = 0; s < n; s++) {
		mc[s] = used ? mc[s] / (double)used : NAN;
		me[s] = used ? me[s] / (double)used : NAN;
	}
}

int iapt_compare_frontier(const iapt_results *const *res, size_t n, int perspective, double *cost, double *effect, iapt_cea_row *out)
{
	strategy_means(res, n, perspective, cost, effect);
	return iapt_cea_frontier(cost, effect, n, out);
}

/* frontier.csv: the full incremental analysis of the mean costs and effects. */
static int frontier_csv(iapt_buf *b, const cmp_ctx *c)
{
	const iapt_econ_settings *e = &c->sc[0]->econ;
	double *mc = malloc(c->n * sizeof *mc), *me = malloc(c->n * sizeof *me);
	iapt_cea_row *rows = malloc(c->n * sizeof *rows);
	size_t s;
	int t, rc = IAPT_OK;
	if (!mc || !me || !rows) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto cleanup;
	}
	iapt_buf__printf(b, "perspective,strategy,cost,effect,status,comparator,icer,quadrant\n");
	for (t = 0; t < IAPT_PERSP__COUNT && !rc; t++) {
		if (!(e->perspectives & (1u << t)))
			continue;
		if ((rc = iapt_compare_frontier(c->res, c->n, t, mc, me, rows)))
			break;
		for (s = 0; s < c->n; s++) {
			iapt_buf__printf(b, "%s,", iapt_perspective_name(t));
			iapt_buf__csv_text(b, c->sc[s]->name);
			iapt_buf__put(b, ",", 1);
			iapt_buf__number(b, mc[s], "NA");
			iapt_buf__put(b, ",", 1);
			iapt_buf__number(b, me[s], "NA");
			iapt_buf__printf(b, ",%s,", iapt_cea_status_name(rows[s].status));
			if (rows[s].comparator >= 0)
				iapt_buf__csv_text(b, c->sc[rows[s].comparator]->name);
			else
				iapt_buf__printf(b, "NA");
			iapt_buf__put(b, ",", 1);
			iapt_buf__number(b, rows[s].icer, "NA");
			iapt_buf__printf(b, ",%s%s\n", iapt_cea_quadrant_name(rows[s].quadrant),
					 rows[s].tie_of >= 0 && rows[s].quadrant != IAPT_CEA_TIE ? " (tie)" : "");
		}
	}
cleanup:
	free(mc);
	free(me);
	free(rows);
	return rc;
}

static void fill_table(const cmp_ctx *c, int t)
{
	size_t s;
	int r;
	for (s = 0; s < c->n; s++)
		for (r = 0; r < c->reps; r++) {
			c->cost[s * (size_t)c->reps + (size_t)r] = econ(c, s, r, t, IAPT_E_NET_COST);
			c->effect[s * (size_t)c->reps + (size_t)r] = econ(c, s, r, t, IAPT_E_QALYS);
		}
}

static size_t n_lambdas(const iapt_compare_options *o)
{
	return (size_t)floor((o->lambda_max - o->lambda_min) / o->lambda_step + 1e-9) + 1;
}

/* ceac.csv (with the acceptability frontier) and evpi.csv, every strategy and perspective */
static int ceac_evpi_csv(iapt_buf *ceac, iapt_buf *evpi, const cmp_ctx *c)
{
	const iapt_econ_settings *e = &c->sc[0]->econ;
	size_t s, i, nl = n_lambdas(c->opt);
	int t, rc;
	double *prob = malloc(c->n * sizeof *prob);
	int *front = malloc(c->n * sizeof *front);
	if (!prob || !front) {
		free(prob);
		free(front);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	iapt_buf__printf(ceac, "perspective,threshold,strategy,probability,ceaf\n");
	iapt_buf__printf(evpi, "perspective,threshold,evpi\n");
	for (t = 0; t < IAPT_PERSP__COUNT; t++) {
		if (!(e->perspectives & (1u << t)))
			continue;
		fill_table(c, t);
		for (i = 0; i < nl; i++) {
			double lam = c->opt->lambda_min + (double)i * c->opt->lambda_step;
			if ((rc = iapt_cea_ceac(c->cost, c->effect, c->n, (size_t)c->reps, lam, prob, front))) {
				free(prob);
				free(front);
				return rc;
			}
			for (s = 0; s < c->n; s++) {
				iapt_buf__printf(ceac, "%s,", iapt_perspective_name(t));
				iapt_buf__number(ceac, lam, "NA");
				iapt_buf__put(ceac, ",", 1);
				iapt_buf__csv_text(ceac, c->sc[s]->name);
				iapt_buf__put(ceac, ",", 1);
				iapt_buf__number(ceac, prob[s], "NA");
				iapt_buf__printf(ceac, ",%d\n", front[s]);
			}
			iapt_buf__printf(evpi, "%s,", iapt_perspective_name(t));
			iapt_buf__number(evpi, lam, "NA");
			iapt_buf__put(evpi, ",", 1);
			iapt_buf__number(evpi, iapt_psa_evpi(c->cost, c->effect, c->n, (size_t)c->reps, lam), "NA");
			iapt_buf__put(evpi, "\n", 1);
		}
	}
	free(prob);
	free(front);
	return IAPT_OK;
}

static void compare_json(iapt_buf *b, const cmp_ctx *c)
{
	size_t s;
	iapt_buf__printf(b, "{\n");
	json_kv_str(b, "  ", "program", "iaptsim", 1);
	json_kv_str(b, "  ", "version", IAPTSIM_VERSION, 1);
	json_meta(b, c->meta);
	iapt_buf__printf(b, "  \"payback_horizon_years\": %d,\n", iapt_output_horizon_years((const iapt_results *const *)c->res, c->n));
	iapt_buf__printf(b, "  \"strategies\": [");
	for (s = 0; s < c->n; s++) {
		iapt_buf__printf(b, "%s\n    {\"name\": ", s ? "," : "");
		iapt_buf__json_string(b, c->sc[s]->name);
		iapt_buf__printf(b, ", \"strategy_id\": %zu, \"role\": \"%s\", \"path\": ", s + 1, s ? "alternative" : "base");
		iapt_buf__json_string(b, c->sc[s]->path);
		iapt_buf__printf(b, ", \"sha256\": \"%s\", \"services\": ", c->sc[s]->sha256);
		json_services_source(b, c->sc[s]);
		iapt_buf__printf(b, ", \"results\": ");
		iapt_buf__json_string(b, c->folders[s]);
		iapt_buf__printf(b, "}");
	}
	iapt_buf__printf(b, "\n  ],\n");
	iapt_buf__printf(b, "  \"seed\": \"%llu\",\n  \"replicates\": %d,\n", c->sc[0]->seed, c->reps);
	json_kv_num(b, "  ", "population_scale", c->sc[0]->population_scale, 1);
	json_kv_str(b, "  ", "common_random_numbers",
		    "every strategy runs with the base's seed, replicates and population scale: draw d of each strategy has the same people, the same random numbers and (for parameters given the same distribution) the same parameter values, so differences are paired by draw",
		    1);
	json_kv_str(b, "  ", "definitions",
		    "cost = net cost (PV programme costs - PV money benefits) and effect = PV QALYs gained, per perspective, national, GBP of the price year; incremental = strategy - base, draw by draw; icer = mean incremental cost / mean incremental QALYs (a ratio of means), with the percentiles of the draws' ratios only when every draw's QALY increment has the sign of the mean one, and the shares of draws in each quadrant (share_tie: draws with exactly the base's cost and QALYs); inmb at a threshold (column threshold) = threshold x incremental QALYs - incremental cost; mcse = Monte Carlo standard error of the mean, sd / sqrt(n); pathway: increments of the pathway's counts summed over the years (national), mean_wait_weeks averaged; pv:<category> = increment of each ledger category's present value; payback_median_years and payback_share = payback of the change (ledger of the strategy minus the base's) among draws; prob_cost_effective = share of draws with inmb above 0, ties (inmb exactly 0) split; ceac = share of draws in which a strategy has the highest net monetary benefit, ties split; ceaf = 1 for the one strategy with the highest mean net monetary benefit (on a tie the first listed, the base before its alternatives); evpi = mean over draws of the best net monetary benefit - the best mean net monetary benefit",
		    1);
	json_kv_str(b, "  ", "frontier",
		    "frontier.csv: per perspective, strategies ordered by mean cost; strongly dominated (another is no dearer and at least as effective) and then extendedly dominated ones removed; icer = against comparator, the next cheaper option on the frontier (for a dominated option, comparator = the strategy that dominates it); quadrant against the base: dominant, dominated, north-east, south-west (cheaper and less effective: its ratio is a willingness to accept), tie",
		    1);
	json_warnings(b, c->meta, (const iapt_results *const *)c->res, (const iapt_scenario *const *)c->sc, c->n);
	iapt_buf__printf(b, "  \"parameter_uncertainty\": %s,\n", c->uncertain ? "true" : "false");
	if (!c->uncertain)
		json_kv_str(b, "  ", "value_of_information", no_uncertainty_reason, 1);
	iapt_buf__printf(b, "  \"thresholds\": {\"from\": ");
	iapt_buf__number(b, c->opt->lambda_min, "null");
	iapt_buf__printf(b, ", \"to\": ");
	iapt_buf__number(b, c->opt->lambda_max, "null");
	iapt_buf__printf(b, ", \"step\": ");
	iapt_buf__number(b, c->opt->lambda_step, "null");
	iapt_buf__printf(b, "},\n");
	json_economics(b, iapt_results_econ_settings(c->res[0]));
	iapt_buf__printf(b, "  \"files\": [\"comparison.csv\", \"frontier.csv\", %s\"psa.csv\", \"run.json\"",
			 c->uncertain ? "\"ceac.csv\", \"evpi.csv\", " : "");
	json_files_end(b, c->meta);
	iapt_buf__printf(b, "}\n");
}

int iapt_output_compare(const char *dir, const iapt_scenario *const *sc, const iapt_results *const *res, size_t n,
			const char *const *folders, const iapt_compare_options *opt, const iapt_output_meta *meta)
{
	cmp_ctx c;
	enum { NF = 6 };
	iapt_buf bufs[NF] = {{0}};
	const char *files[NF] = {"comparison.csv", "frontier.csv", "psa.csv", "ceac.csv", "evpi.csv", "run.json"};
	size_t i, nfiles = NF;
	int rc;
	memset(&c, 0, sizeof c);
	c.sc = sc;
	c.res = res;
	c.n = n;
	c.opt = opt;
	c.meta = meta;
	c.folders = folders;
	c.reps = iapt_results_replicates(res[0]);
	c.uncertain = has_parameter_uncertainty(sc, n);
	for (i = 1; i < n; i++)
		if (iapt_results_replicates(res[i]) != c.reps)
			return iapt_error__set(IAPT_EINVAL, "strategies with different numbers of replicates cannot be paired");
	if (!(opt->lambda_step > 0) || opt->lambda_max < opt->lambda_min || n_lambdas(opt) > 100000)
		return iapt_error__set(IAPT_EINVAL, "thresholds: need from <= to, a step above 0, and at most 100000 values");
	c.a = malloc((size_t)c.reps * sizeof(double));
	c.b = malloc((size_t)c.reps * sizeof(double));
	c.scratch = malloc(3 * (size_t)c.reps * sizeof(double));
	c.cost = malloc(n * (size_t)c.reps * sizeof(double));
	c.effect = malloc(n * (size_t)c.reps * sizeof(double));
	if (!c.a || !c.b || !c.scratch || !c.cost || !c.effect) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = compare_rows(&c)) || (rc = frontier_csv(&bufs[1], &c)))
		goto cleanup;
	comparison_csv(&bufs[0], &c);
	psa_csv(&bufs[2], sc, res, n);
	if (c.uncertain) {
		if ((rc = ceac_evpi_csv(&bufs[3], &bufs[4], &c)))
			goto cleanup;
	} else {
		/* none of a previous run's in this folder either */
		for (i = 3; i <= 4; i++) {
			iapt_buf path = {0};
			iapt_buf__printf(&path, "%s/%s", dir, files[i]);
			if (iapt_buf__ok(&path))
				remove(path.ptr);
			iapt_buf__free(&path);
		}
		files[3] = files[5];
		bufs[3] = bufs[5];
		memset(&bufs[5], 0, sizeof bufs[5]);
		nfiles = 4;
	}
	compare_json(&bufs[nfiles - 1], &c);
	rc = write_files(dir, files, bufs, nfiles);
cleanup:
	for (i = 0; i < NF; i++)
		iapt_buf__free(&bufs[i]);
	free(c.a);
	free(c.b);
	free(c.scratch);
	free(c.cost);
	free(c.effect);
	free(c.rows);
	return rc;
}

int iapt_compare_rows(const iapt_scenario *const *sc, const iapt_results *const *res, size_t n, iapt_compare_row **rows, size_t *n_rows)
{
	cmp_ctx c;
	size_t i;
	int rc;
	*rows = NULL;
	*n_rows = 0;
	memset(&c, 0, sizeof c);
	c.sc = sc;
	c.res = res;
	c.n = n;
	c.reps = iapt_results_replicates(res[0]);
	c.uncertain = has_parameter_uncertainty(sc, n);
	for (i = 1; i < n; i++)
		if (iapt_results_replicates(res[i]) != c.reps)
			return iapt_error__set(IAPT_EINVAL, "strategies with different numbers of replicates cannot be paired");
	c.a = malloc((size_t)c.reps * sizeof(double));
	c.b = malloc((size_t)c.reps * sizeof(double));
	c.scratch = malloc(3 * (size_t)c.reps * sizeof(double));
	if (!c.a || !c.b || !c.scratch)
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
	else
		rc = compare_rows(&c);
	free(c.a);
	free(c.b);
	free(c.scratch);
	if (rc) {
		free(c.rows);
		return rc;
	}
	*rows = c.rows;
	*n_rows = c.n_rows;
	return IAPT_OK;
}

/* ---- one-way sensitivity: tornado.csv ---- */

int iapt_output_tornado(const char *dir, const iapt_scenario *sc, const iapt_oneway *rows, size_t n, const char *measure,
			const iapt_output_meta *meta)
{
	iapt_buf bufs[2] = {{0}};
	static const char *const files[2] = {"tornado.csv", "run.json"};
	size_t i;
	int rc;
	iapt_buf__printf(&bufs[0], "parameter,measure,base,low,high,outcome_base,outcome_low,outcome_high,swing,switching_value\n");
	for (i = 0; i < n; i++) {
		const iapt_oneway *r = &rows[i];
		const double v[8] = {r->base, r->low, r->high, r->y_base, r->y_low, r->y_high, r->swing, r->switching};
		int k;
		iapt_buf__printf(&bufs[0], "%s,%s", r->name, measure);
		for (k = 0; k < 8; k++) {
			iapt_buf__put(&bufs[0], ",", 1);
			iapt_buf__number(&bufs[0], v[k], "NA");
		}
		iapt_buf__put(&bufs[0], "\n", 1);
	}
	iapt_buf__printf(&bufs[1], "{\n");
	json_kv_str(&bufs[1], "  ", "program", "iaptsim", 1);
	json_kv_str(&bufs[1], "  ", "version", IAPTSIM_VERSION, 1);
	json_meta(&bufs[1], meta);
	json_scenario(&bufs[1], sc, 0);
	iapt_buf__printf(&bufs[1], "  \"seed\": \"%llu\",\n  \"replicates\": %d,\n", sc->seed, sc->replicates);
	json_kv_num(&bufs[1], "  ", "population_scale", sc->population_scale, 1);
	json_kv_str(&bufs[1], "  ", "measure", measure, 1);
	json_kv_str(&bufs[1], "  ", "method",
		    "one parameter at a time at its low and high values, every other parameter at its value (the uncertainty block is not used), the same seed for every run (common random numbers); outcome = mean over replicates; rows sorted by swing = |outcome_high - outcome_low|; switching_value = where the outcome crosses zero: runs at the points GSL's Brent solver picks (at most --refine), then the line through the last bracket, NA when it does not cross between low and high",
		    1);
	json_economics(&bufs[1], &sc->econ);
	iapt_buf__printf(&bufs[1], "  \"files\": [\"tornado.csv\", \"run.json\"");
	json_files_end(&bufs[1], meta);
	iapt_buf__printf(&bufs[1], "}\n");
	rc = write_files(dir, files, bufs, 2);
	iapt_buf__free(&bufs[0]);
	iapt_buf__free(&bufs[1]);
	return rc;
}

/* ---- calibration: calibration.csv, fit.csv, fitted.yaml, run.json ---- */

int iapt_output_calibration(const char *dir, const iapt_scenario *sc, const size_t *params, const double *start,
			    const double *fitted, size_t np, const iapt_target *t, size_t nt, const double *model_start,
			    const double *model_end, const iapt_calib_result *cr, const iapt_output_meta *meta)
{
	iapt_buf b[4] = {{0}};
	static const char *const files[4] = {"calibration.csv", "fit.csv", "fitted.yaml", "run.json"};
	char lab[8];
	size_t k;
	int rc;
	iapt_buf__printf(&b[0], "parameter,unit,min,max,start,fitted\n");
	iapt_buf__printf(&b[2], "# Fitted by iaptsim calibrate (run.json says how); a scenario uses it with include: PATH/fitted.yaml (PATH from the scenario's folder).\nparameters:\n");
	for (k = 0; k < np; k++) {
		iapt_param_info in;
		iapt_params_info(sc->params, params[k], &in);
		iapt_buf__printf(&b[0], "%s,", in.name);
		iapt_buf__csv_text(&b[0], in.unit);
		iapt_buf__put(&b[0], ",", 1);
		iapt_buf__number(&b[0], in.min, "NA");
		iapt_buf__put(&b[0], ",", 1);
		iapt_buf__number(&b[0], in.max, "NA");
		iapt_buf__put(&b[0], ",", 1);
		iapt_buf__number(&b[0], start[k], "NA");
		iapt_buf__put(&b[0], ",", 1);
		iapt_buf__number(&b[0], fitted[k], "NA");
		iapt_buf__put(&b[0], "\n", 1);
		iapt_buf__printf(&b[2], "  %s: %.10g\n", in.name, fitted[k]);
	}
	iapt_buf__printf(&b[1], "year,group,metric,observed,weight,model_start,model_fitted\n");
	for (k = 0; k < nt; k++) {
		iapt_buf__printf(&b[1], "%s,%s,%s,", iapt_year_label(t[k].year, lab), iapt_group_name(t[k].group), iapt_metric_name(t[k].metric));
		iapt_buf__number(&b[1], t[k].value, "NA");
		iapt_buf__put(&b[1], ",", 1);
		iapt_buf__number(&b[1], t[k].weight, "NA");
		iapt_buf__put(&b[1], ",", 1);
		iapt_buf__number(&b[1], model_start[k], "NA");
		iapt_buf__put(&b[1], ",", 1);
		iapt_buf__number(&b[1], model_end[k], "NA");
		iapt_buf__put(&b[1], "\n", 1);
	}
	iapt_buf__printf(&b[3], "{\n");
	json_kv_str(&b[3], "  ", "program", "iaptsim", 1);
	json_kv_str(&b[3], "  ", "version", IAPTSIM_VERSION, 1);
	json_meta(&b[3], meta);
	json_scenario(&b[3], sc, 0);
	iapt_buf__printf(&b[3], "  \"seed\": \"%llu\",\n  \"replicates\": %d,\n", sc->seed, sc->replicates);
	json_kv_num(&b[3], "  ", "population_scale", sc->population_scale, 1);
	json_kv_str(&b[3], "  ", "method",
		    "Nelder-Mead simplex (GSL nmsimplex2) over the fitted parameters, each as start x (1 + y) with first steps of 10%, kept inside its bounds; distance = sum over targets of weight x ((model - observed) / observed)^2, model = mean over replicates; every evaluation with the scenario's seed (common random numbers)",
		    1);
	json_kv_num(&b[3], "  ", "distance_start", cr->distance_start, 1);
	json_kv_num(&b[3], "  ", "distance_fitted", cr->distance_end, 1);
	iapt_buf__printf(&b[3], "  \"evaluations\": %d,\n  \"converged\": %s,\n", cr->evaluations, cr->converged ? "true" : "false");
	iapt_buf__printf(&b[3], "  \"files\": [\"calibration.csv\", \"fit.csv\", \"fitted.yaml\", \"run.json\"]\n}\n");
	rc = write_files(dir, files, b, 4);
	for (k = 0; k < 4; k++)
		iapt_buf__free(&b[k]);
	return rc;
}
