/* iaptsim sensitivity SCENARIO.yaml: one-way sensitivity, a tornado and switching values
 * (the analysis is iapt_sensitivity_oneway of include/iaptsim/sensitivity.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "iaptsim/sensitivity.h"

typedef struct sensitivity_args {
	iapt_cli_args common;
	iapt_cli_list varies;
	const char *measure;
	int refine;
} sensitivity_args;

static const iapt_cli_option options[] = {
	IAPT_CLI_OPT_OUTPUT(sensitivity_args, "DIR", "results folder (default results/sensitivity_<scenario name>/)"),
	IAPT_CLI_OPTS_RUN(sensitivity_args),
	{"vary", 0, "NAME=LOW:HIGH", "a parameter and its range (repeat for more; the scenario's\nsensitivity block gives ranges too)",
	 IAPT_CLI_LIST, offsetof(sensitivity_args, varies), 0, 0, 0, 0, NULL},
	{"measure", 0, "P:M", "the outcome, a perspective and a measure of economics.csv\n(default societal:npv, the net present social value)",
	 IAPT_CLI_STRING, offsetof(sensitivity_args, measure), 0, 0, 0, 0, NULL},
	{"refine", 0, "N", "runs to refine each switching value (default 3, 0 to 20)", IAPT_CLI_WHOLE,
	 offsetof(sensitivity_args, refine), 0, 0, 20, 0, NULL},
};

static void init(void *args)
{
	sensitivity_args *s = args;
	s->measure = "societal:npv";
	s->refine = 3;
}

/* The progress line's label, before each run of the analysis. */
static void before_run(void *data, const char *what)
{
	char label[260];
	snprintf(label, sizeof label, "%s: ", what);
	iapt_cli__progress_start(data, label);
}

/* The ranges: the scenario's, then --vary (which win for a parameter named in both).
 * Returns the number of rows, or -1 after a message. */
static long ranges(const sensitivity_args *s, const iapt_scenario *sc, iapt_oneway *rows)
{
	size_t k, j;
	int i;
	for (k = 0; k < sc->n_ranges; k++) {
		iapt_param_info in;
		iapt_params_info(sc->params, sc->ranges[k].param, &in);
		rows[k].name = in.name;
		rows[k].low = sc->ranges[k].low;
		rows[k].high = sc->ranges[k].high;
	}
	for (i = 0; i < s->varies.n; i++) {
		const char *v = s->varies.v[i], *eq = strchr(v, '=');
		char name[128], tail;
		size_t idx;
		double lo, hi;
		iapt_param_info in;
		if (!eq || (size_t)(eq - v) >= sizeof name || sscanf(eq + 1, "%lf:%lf%c", &lo, &hi, &tail) != 2)
			return iapt_cli__input_error("--vary %s: expected NAME=LOW:HIGH", v), -1;
		snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
		if (iapt_params_find(sc->params, name, &idx))
			return iapt_cli__input_error("--vary %s: %s", v, iapt_error_last()->message), -1;
		iapt_params_info(sc->params, idx, &in);
		if (!(lo < hi) || lo < in.min || hi > in.max)
			return iapt_cli__input_error("--vary %s: need LOW < HIGH inside the parameter's bounds [%g, %g]", v, in.min, in.max), -1;
		for (j = 0; j < k && strcmp(rows[j].name, in.name); j++)
			;
		rows[j].name = in.name;
		rows[j].low = lo;
		rows[j].high = hi;
		if (j == k)
			k++;
	}
	return (long)k;
}

/* the outcome in the shared format: money unless it is a ratio, QALYs or years */
static const char *outcome(char *buf, size_t n, const char *measure, double v)
{
	if (strstr(measure, "bcr") || strstr(measure, "qalys") || strstr(measure, "payback") || strstr(measure, "share"))
		return iapt_format_number(buf, n, v);
	return iapt_format_money(buf, n, v);
}

static void print_tornado(const sensitivity_args *s, const iapt_scenario *sc, const iapt_oneway *rows, size_t n, const char *dir)
{
	char a[32], b[32], c[32], d[32], lo[32], hi[32];
	size_t k;
	outcome(a, sizeof a, s->measure, rows[0].y_base);
	printf("\n%s: one-way sensitivity of %s (mean of %d replicates; base %s)\n", sc->name, s->measure, sc->replicates, a);
	printf("%-40s %12s %12s %14s %14s %14s %16s\n", "parameter", "low", "high", "at low", "at high", "swing", "switching value");
	for (k = 0; k < n; k++) {
		outcome(a, sizeof a, s->measure, rows[k].y_low);
		outcome(b, sizeof b, s->measure, rows[k].y_high);
		outcome(c, sizeof c, s->measure, rows[k].swing);
		if (isfinite(rows[k].switching))
			iapt_format_value(d, sizeof d, rows[k].switching, 4);
		else
			snprintf(d, sizeof d, "none");
		printf("%-40.40s %12s %12s %14s %14s %14s %16s\n", rows[k].name, iapt_format_value(lo, sizeof lo, rows[k].low, 4),
		       iapt_format_value(hi, sizeof hi, rows[k].high, 4), a, b, c, d);
	}
	printf("\nresults: %s/report.html, tornado.csv, run.json\n", dir);
}

static int run(void *args, int argc, char **argv)
{
	sensitivity_args *s = args;
	const iapt_cli_args *a = &s->common;
	iapt_scenario *sc;
	iapt_oneway *rows = NULL;
	iapt_sensitivity_options so;
	iapt_run_options ro;
	iapt_cli_progress progress;
	iapt_plugin_host *host = NULL;
	iapt_output_meta meta;
	iapt_output_dir *od = NULL;
	long n = 0;
	int ex = iapt_cli__load_first(a, &sc), rc;
	char dirbuf[256], *cmdline;
	const char *dir;
	(void)argc; /* run.json records options, not the command line (iapt_cli__meta) */
	(void)argv;
	if (ex)
		return ex;
	memset(&so, 0, sizeof so);
	if (iapt_sensitivity_measure(sc, s->measure, &so.perspective, &so.measure)) {
		ex = iapt_cli__input_error("--measure: %s", iapt_error_last()->message);
		goto done;
	}
	if (!(rows = calloc((size_t)s->varies.n + sc->n_ranges + 1, sizeof *rows))) {
		ex = iapt_cli__out_of_memory();
		goto done;
	}
	if ((n = ranges(s, sc, rows)) < 0) {
		ex = IAPT_CLI_INPUT;
		goto done;
	}
	if (!n) {
		ex = iapt_cli__input_error("sensitivity: nothing to vary: give --vary NAME=LOW:HIGH or a sensitivity block in the scenario");
		goto done;
	}
	dir = iapt_cli__outdir(a, "sensitivity_", sc->name, dirbuf, sizeof dirbuf);
	if ((ex = iapt_cli__out_begin(dir, &od)))
		goto done;
	if (!a->quiet)
		fprintf(stderr, "iaptsim: %s: one-way sensitivity of %s, %ld parameter%s, %d replicates each, seed %llu\n", sc->name,
			s->measure, n, n == 1 ? "" : "s", sc->replicates, sc->seed);
	iapt_cli__progress_start(&progress, "");
	if ((rc = iapt_cli__run_options(a, sc, &ro, &progress, &host)))
		goto failed;
	so.refine = s->refine;
	so.run_options = &ro;
	so.run = iapt_cli__runner();
	so.before_run = before_run;
	so.data = &progress;
	rc = iapt_sensitivity_oneway(sc, rows, (size_t)n, &so);
	iapt_plugin_host_free(host);
	if (rc)
		goto failed;
	iapt_tornado_sort(rows, (size_t)n);
	sc->n_uncertain = 0; /* the analysis leaves the uncertainty block out, and so does run.json */
	cmdline = iapt_cli__meta(a, &meta);
	{
		static const char *const also[1] = {"report.html"}; /* written after run.json */
		meta.also = also;
		meta.n_also = 1;
	}
	rc = iapt_cli__rank ? IAPT_OK : iapt_output_tornado(iapt_output_dir_path(od), sc, rows, (size_t)n, s->measure, &meta);
	if (!rc && !iapt_cli__rank)
		rc = iapt_report_write(iapt_output_dir_path(od));
	rc = iapt_cli__out_end(od, rc);
	od = NULL;
	free(cmdline);
	if (rc)
		goto failed;
	if (!a->quiet)
		print_tornado(s, sc, rows, (size_t)n, dir);
	goto done;
failed:
	ex = iapt_cli__report(rc);
done:
	iapt_output_abort(od);
	free(rows);
	iapt_scenario_free(sc);
	return ex;
}

const iapt_cli_command iapt_cli_cmd_sensitivity = {
	.name = "sensitivity",
	.synopsis = "SCENARIO.yaml [--vary NAME=LOW:HIGH]...",
	.summary = "one-way sensitivity: a tornado table and switching values",
	.min_args = 1,
	.max_args = 1,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(sensitivity_args),
	.init = init,
	.run = run,
};
