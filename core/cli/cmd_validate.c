/* iaptsim validate SCENARIO.yaml --observed FILE.csv: the scenario beside the published
 * figures as markdown (the comparison and its tolerances are iapt_validation_run of
 * include/iaptsim/validation.h; this file only lays it out). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "iaptsim/validation.h"
#include "util/util.h"

typedef struct validate_args {
	iapt_cli_args common;
	const char *observed, *mix, *org;
} validate_args;

static const iapt_cli_option options[] = {
	IAPT_CLI_OPT_OUTPUT(validate_args, "FILE", "write the report to FILE (default: standard output)"),
	IAPT_CLI_OPTS_RUN(validate_args),
	{"observed", 0, "FILE.csv", "the published figures, gzip or not: wide as data/national_annual.csv,\n"
				    "long as summary.csv, or the published long format of data/nhstt/\n"
				    "(groups and measures matched by the map of docs/validation.md)", IAPT_CLI_STRING,
	 offsetof(validate_args, observed), 0, 0, 0, 0, NULL},
	{"org", 0, "CODE", "in the published long format, the rows of the organisation with\n"
			   "this org_code (default: England)", IAPT_CLI_STRING, offsetof(validate_args, org), 0, 0, 0, 0, NULL},
	{"mix", 0, "FILE.csv", "finished courses by step, as data/pathway_mix.csv", IAPT_CLI_STRING,
	 offsetof(validate_args, mix), 0, 0, 0, 0, NULL},
};

/* A value as a person reads it: rates to two decimals, counts whole with separators. */
static const char *fmt_value(char *buf, size_t n, int metric, double v)
{
	char digits[64], *p;
	size_t len, i, k = 0, lead;
	if (!isfinite(v))
		return snprintf(buf, n, "NA"), buf;
	if (iapt_validation_is_rate(metric))
		return snprintf(buf, n, "%.2f", v), buf;
	snprintf(digits, sizeof digits, "%.0f", fabs(v));
	len = strlen(digits);
	lead = len % 3 ? len % 3 : 3;
	p = buf;
	if (v < 0 && k + 1 < n)
		p[k++] = '-';
	for (i = 0; i < len && k + 2 < n; i++) {
		if (i && (i - lead) % 3 == 0 && i >= lead)
			p[k++] = ',';
		p[k++] = digits[i];
	}
	p[k] = '\0';
	return buf;
}

static void figure_row(FILE *out, const iapt_validation_row *w, int with_group)
{
	char lab[8], f1[48], f2[48], f3[48], f4[48];
	fprintf(out, "| %s | ", iapt_year_label(w->year, lab));
	if (with_group)
		fprintf(out, "%s | ", iapt_group_name(w->group));
	fprintf(out, "%s | %s | %s | %s - %s | %+.2f%s | ", iapt_metric_name(w->metric),
		fmt_value(f1, sizeof f1, w->metric, w->published), fmt_value(f2, sizeof f2, w->metric, w->model),
		fmt_value(f3, sizeof f3, w->metric, w->lo95), fmt_value(f4, sizeof f4, w->metric, w->hi95), w->difference,
		w->in_points ? "" : "%");
	if (w->checked)
		fprintf(out, "%s |\n", w->within ? "yes" : "**no**");
	else
		fprintf(out, " |\n");
}

/* What the published file held that is not set beside the model, and why: never an error. */
static void unmatched(FILE *out, const iapt_targets_report *r, size_t shown)
{
	size_t k;
	fprintf(out, "\n## Published rows not compared\n\nOf %zu rows in the observed file, %zu are figures iaptsim reports (%zu of them in\n"
		     "the scenario's years, above). The map of groups and measures is in docs/validation.md\n"
		     "(`iaptsim metrics --nhstt` prints it). The other rows:\n\n"
		     "| rows | why |\n| --- | --- |\n", r->rows, r->used, shown);
	fprintf(out, "| %zu | another organisation |\n", r->other_org);
	fprintf(out, "| %zu | not stated, not known or invalid |\n", r->not_stated);
	fprintf(out, "| %zu | a breakdown or group not in the map |\n", r->unmapped_group);
	fprintf(out, "| %zu | a measure or statistic not in the map |\n", r->unmapped_measure);
	fprintf(out, "| %zu | suppressed or missing value |\n", r->suppressed);
	fprintf(out, "| %zu | a measure iaptsim does not report for the group (referrals by step) |\n", r->not_reported);
	fprintf(out, "| %zu | a group the model does not simulate yet |\n", r->not_simulated);
	if (r->n_not_simulated) {
		fprintf(out, "\nGroups published but not simulated by this model (rows): ");
		for (k = 0; k < r->n_not_simulated; k++)
			fprintf(out, "%s`%s` (%zu)", k ? ", " : "", r->not_simulated_group[k], r->not_simulated_rows[k]);
		fprintf(out, ".\n");
	}
}

/* One row a year: what the year is to the calibration (iapt_validation_year_role) and the
 * six national figures issue 18 checks, "model (published)", in bold where outside the
 * tolerance. */
static void year_table(FILE *out, const iapt_scenario *sc, const iapt_validation *val)
{
	static const int metrics[] = {IAPT_M_ENTERED_TREATMENT, IAPT_M_FINISHED_COURSE, IAPT_M_RECOVERY_PCT,
				      IAPT_M_RELIABLE_RECOVERY_PCT, IAPT_M_RELIABLE_IMPROVEMENT_PCT, IAPT_M_MEAN_SESSIONS_FINISHED};
	char lab[8], f1[48], f2[48];
	size_t k, m;
	int y;
	fprintf(out, "## Year by year\n\n"
		     "Each cell is model (published); bold where outside its tolerance, a dash where nothing is\n"
		     "published. The year's role: *fitted*, the year the national parameters are calibrated on;\n"
		     "*partly fitted*, the years of the group-effect fit (and whose reliable recovery\n"
		     "treatment.effect_hi was retuned to keep in tolerance); *assumed inputs*, years whose service\n"
		     "features are assumed paths (docs/calibration.md); *out of sample*, years no fit uses;\n"
		     "*projection*, years after the last published one.\n\n"
		     "| year | role | entered | finished | recovery %% | reliable recovery %% | reliable improvement %% | mean sessions |\n"
		     "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
	for (y = sc->first_year; y <= sc->last_year; y++) {
		fprintf(out, "| %s | %s |", iapt_year_label(y, lab), iapt_validation_year_role(y));
		for (m = 0; m < sizeof metrics / sizeof metrics[0]; m++) {
			const iapt_validation_row *w = NULL;
			for (k = 0; k < val->n_figures; k++)
				if (val->figures[k].year == y && val->figures[k].group == IAPT_G_ALL && val->figures[k].metric == metrics[m])
					w = &val->figures[k];
			if (!w) {
				fprintf(out, " - |");
				continue;
			}
			fmt_value(f1, sizeof f1, w->metric, w->model);
			fmt_value(f2, sizeof f2, w->metric, w->published);
			if (w->checked && !w->within)
				fprintf(out, " **%s (%s)** |", f1, f2);
			else
				fprintf(out, " %s (%s) |", f1, f2);
		}
		fprintf(out, "\n");
	}
	fprintf(out, "\n");
}

/* A markdown cell: '|' would end it */
static void md_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* The map of the published long format, from its one table in code (core/validation/nhstt.c),
 * so that what the report says is what the reader did. */
static void map_appendix(FILE *out)
{
	size_t n, k;
	const iapt_nhstt_group_map *g = iapt_nhstt_groups(&n);
	const iapt_nhstt_measure_map *m;
	fprintf(out, "\n## The published long format\n\n"
		     "`--observed` (and `calibrate --targets`) also read NHS England's annual key measures as\n"
		     "published, gzip-compressed or not (data/nhstt/README.md): columns year, org_type, org_code,\n"
		     "org_name, variable_type, variable_a, variable_b, measure, statistic, value. The rows of\n"
		     "org_type England are read (`--org CODE`: those of one organisation). Each row's measure and\n"
		     "group are matched by the map below (names compared ignoring case; NULL: the file says NULL\n"
		     "or nothing). A row that does not match (\"Not stated/Not known/Invalid\", a breakdown or\n"
		     "measure not in the map, a suppressed value `*`, `NULL` or empty, a group this build does\n"
		     "not simulate) is counted in the report's \"Published rows not compared\", never an error;\n"
		     "a malformed row (a wrong number of fields, a year or value that is not one) is an error\n"
		     "naming its file and line. `iaptsim metrics --nhstt` prints the map as CSV, and `iaptsim\n"
		     "run --format nhstt` writes a run's summary in the same columns (summary_nhstt.csv: the\n"
		     "mean over replicates as value, then lo95 and hi95, the 2.5th and 97.5th percentiles,\n"
		     "as extra columns that code selecting columns by name ignores), each group under its\n"
		     "first published name below, org_code `iaptsim` and org_name the scenario's name.\n\n"
		     "| measure | statistic | iaptsim metric |\n| --- | --- | --- |\n");
	m = iapt_nhstt_measures(&k);
	for (n = 0; n < k; n++)
		fprintf(out, "| %s | %s | %s |\n", m[n].measure, m[n].statistic, m[n].metric);
	iapt_nhstt_groups(&n);
	fprintf(out, "\n| variable_type | variable_a | variable_b | iaptsim group | tolerance |\n| --- | --- | --- | --- | --- |\n");
	for (k = 0; k < n; k++) {
		fprintf(out, "| %s | ", g[k].variable_type);
		md_cell(out, g[k].variable_a ? g[k].variable_a : "NULL");
		fprintf(out, " | ");
		md_cell(out, g[k].variable_b ? g[k].variable_b : "NULL");
		fprintf(out, " | %s | %s |\n", g[k].group, g[k].checked ? "yes" : "");
	}
	fprintf(out, "\nNot in the map on purpose: the detailed ethnic groups, the problem descriptors' totals\n"
		     "(\"All ADSM\", \"... Total\") and \"Other recorded problems\", the pathway rows other than the\n"
		     "three steps, and the breakdowns iaptsim has no attribute for (waiting time, disability,\n"
		     "religion, sexual orientation, consultation medium, presenting complaint, care cluster).\n");
}

/* The report as markdown. The command it names is the one that makes it, without -o:
 * where it is written does not change it. */
static void markdown(FILE *out, const validate_args *v, const iapt_scenario *sc, const iapt_validation *val,
		     const iapt_targets_report *rep)
{
	char lab[8];
	size_t k;
	int i;
	fprintf(out, "# Validation: %s\n\n", sc->name);
	fprintf(out, "Generated by\n`iaptsim validate %s --observed %s", sc->path, v->observed);
	if (v->org)
		fprintf(out, " --org %s", v->org);
	if (v->mix)
		fprintf(out, " --mix %s", v->mix);
	for (i = 0; i < v->common.sets.n; i++)
		fprintf(out, " --set %s", v->common.sets.v[i]);
	fprintf(out, "`\n(iaptsim %s; seed %llu, %d replicates at population scale %g). Do not edit by hand: rerun it.\n\n",
		IAPTSIM_VERSION, sc->seed, sc->replicates, sc->population_scale);
	fprintf(out, "Model values are means over replicates, with the 2.5th and 97.5th percentiles. Differences\n"
		     "are model - published: in points for rates, in per cent for counts. Where a tolerance is\n"
		     "set (2017-18 to 2024-25: recovery, reliable improvement and reliable recovery within 1.5\n"
		     "points, people entering treatment and finished courses within 5%%, mean sessions within\n"
		     "0.4, each step's share of finished courses within 3 points; 2012-13: recovery within 1\n"
		     "point), the last column says whether the model is within it. Each published year's source,\n"
		     "and its caveats, are in the `source` column of the observed file (2012-13, for one, counted\n"
		     "only referrals received in the year, so its finished courses are an undercount).\n\n");
	fprintf(out, "**Tolerance checks: %d of %d within.**\n\n", val->within, val->checks);
	if (sc->last_year > sc->first_year)
		year_table(out, sc, val);
	fprintf(out, "## National figures\n\n| year | measure | published | model | 95%% interval | difference | within tolerance |\n"
		     "| --- | --- | --- | --- | --- | --- | --- |\n");
	for (k = 0; k < val->n_figures; k++)
		if (val->figures[k].group == IAPT_G_ALL)
			figure_row(out, &val->figures[k], 0);
	for (k = 0; k < val->n_figures && val->figures[k].group == IAPT_G_ALL; k++)
		;
	if (k < val->n_figures) {
		fprintf(out, "\n## By group\n\nThe same, group by group. Where a tolerance is set (2017-18 to 2024-25, groups with at\n"
			     "least 5,000 published finished courses in the year, not the steps of care): recovery\n"
			     "within 2.5 points, reliable improvement within 3 points.\n\n"
			     "| year | group | measure | published | model | 95%% interval | difference | within tolerance |\n"
			     "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
		for (k = 0; k < val->n_figures; k++)
			if (val->figures[k].group != IAPT_G_ALL)
				figure_row(out, &val->figures[k], 1);
	}
	if (v->mix) {
		fprintf(out, "\n## Step mix (share of finished courses with a stated step)\n\n"
			     "| year | step | published %% | model %% | difference (points) | within tolerance |\n| --- | --- | --- | --- | --- | --- |\n");
		for (k = 0; k < val->n_mix; k++) {
			const iapt_validation_row *w = &val->mix[k];
			fprintf(out, "| %s | %s | %.1f | %.1f | %+.2f | %s |\n", iapt_year_label(w->year, lab),
				iapt_group_name(w->group) + 5, w->published, w->model, w->difference,
				w->checked ? (w->within ? "yes" : "**no**") : "");
		}
	}
	if (rep && rep->shape == IAPT_TARGETS_NHSTT)
		unmatched(out, rep, val->n_figures);
	map_appendix(out);
}

static int run(void *args, int argc, char **argv)
{
	validate_args *v = args;
	const iapt_cli_args *a = &v->common;
	iapt_scenario *sc = NULL;
	iapt_results *res = NULL;
	iapt_target *t = NULL;
	iapt_step_mix *mix = NULL;
	iapt_validation *val = NULL;
	iapt_targets_report rep;
	size_t nm = 0, all;
	int ex, rc;
	char *text = NULL;
	size_t tlen = 0;
	FILE *out = NULL;
	(void)argc;
	(void)argv;
	if ((ex = iapt_cli__load_first(a, &sc)))
		return ex;
	if (!v->observed) {
		ex = iapt_cli__input_error("validate: needs --observed FILE.csv (such as data/national_annual.csv)");
		goto done;
	}
	if ((rc = iapt_targets_read(v->observed, v->org, &t, &all, &rep)) || (v->mix && (rc = iapt_step_mix_load(v->mix, &mix, &nm)))) {
		ex = iapt_cli__report(rc == IAPT_EPARSE || rc == IAPT_EIO ? IAPT_EINVAL : rc);
		goto done;
	}
	if ((rc = iapt_cli__simulate(a, sc, "", &res)) || (rc = iapt_validation_run(&val, res, t, all, mix, nm))) {
		ex = iapt_cli__report(rc);
		goto done;
	}
	if (!val->n_figures && !val->n_mix && !iapt_cli__rank) {
		char y0[8], y1[8];
		fprintf(stderr, "iaptsim: warning: no figure of %s falls in %s's years (%s to %s): nothing was compared\n",
			v->observed, sc->path, iapt_year_label(sc->first_year, y0), iapt_year_label(sc->last_year, y1));
	}
	if (!(out = open_memstream(&text, &tlen))) {
		ex = iapt_cli__out_of_memory();
		goto done;
	}
	markdown(out, v, sc, val, &rep);
	if (fclose(out)) {
		out = NULL;
		ex = iapt_cli__out_of_memory();
		goto done;
	}
	out = NULL;
	if (iapt_cli__rank) {
		/* rank 0 writes */
	} else if (a->outdir) {
		if (iapt_file__write_atomic(a->outdir, text, tlen)) { /* written whole or not at all */
			ex = iapt_cli__input_error("validate: %s", iapt_error_last()->message);
			goto done;
		}
		if (!a->quiet)
			printf("%s: %d of %d tolerance checks within; written to %s\n", sc->name, val->within, val->checks, a->outdir);
	} else {
		fwrite(text, 1, tlen, stdout);
	}
done:
	if (out)
		fclose(out);
	free(text);
	iapt_validation_free(val);
	iapt_results_free(res);
	free(t);
	free(mix);
	iapt_scenario_free(sc);
	return ex;
}

const iapt_cli_command iapt_cli_cmd_validate = {
	.name = "validate",
	.synopsis = "SCENARIO.yaml --observed FILE.csv[.gz] [--org CODE] [--mix FILE.csv] [-o REPORT.md]",
	.summary = "the scenario beside every published figure, year by year",
	.min_args = 1,
	.max_args = 1,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(validate_args),
	.run = run,
};
