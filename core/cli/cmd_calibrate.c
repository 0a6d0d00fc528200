/* iaptsim calibrate SCENARIO.yaml --targets FILE.csv --fit NAME,...: fit parameters to
 * observed figures (iapt_calibrate of include/iaptsim/calib.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct calibrate_args {
	iapt_cli_args common;
	const char *targets, *fit, *org;
	int max_eval;
} calibrate_args;

static const iapt_cli_option options[] = {
	IAPT_CLI_OPT_OUTPUT(calibrate_args, "DIR", "results folder (default results/calibrate_<scenario name>/)"),
	IAPT_CLI_OPTS_RUN(calibrate_args),
	{"targets", 0, "FILE.csv", "observed figures, gzip or not: long (year,group,metric,value[,weight]),\n"
				   "wide (year and a column per metric, as data/national_annual.csv) or\n"
				   "the published long format of data/nhstt/ (docs/validation.md)",
	 IAPT_CLI_STRING, offsetof(calibrate_args, targets), 0, 0, 0, 0, NULL},
	{"org", 0, "CODE", "in the published long format, the rows of the organisation with\n"
			   "this org_code (default: England)", IAPT_CLI_STRING, offsetof(calibrate_args, org), 0, 0, 0, 0, NULL},
	{"fit", 0, "NAME,NAME,...", "the parameters to fit", IAPT_CLI_STRING, offsetof(calibrate_args, fit), 0, 0, 0, 0, NULL},
	{"max-evaluations", 0, "N", "runs at most (default 200)", IAPT_CLI_WHOLE, offsetof(calibrate_args, max_eval), 0, 1,
	 100000, 0, NULL},
};

static void calib_progress(void *data, int evaluation, double distance)
{
	(void)data;
	fprintf(stderr, "\r  run %d, distance %.6g   ", evaluation, distance);
	fflush(stderr);
}

/* The model's value of each target at the scenario's parameters now. */
static int model_values(const iapt_cli_args *a, const iapt_scenario *sc, const iapt_target *t, size_t nt, double *out)
{
	iapt_results *res = NULL;
	size_t k;
	int rc = iapt_cli__simulate(a, sc, "", &res);
	for (k = 0; !rc && k < nt; k++)
		out[k] = iapt_calib_model_value(res, &t[k]);
	iapt_results_free(res);
	return rc;
}

static void print_fit(const iapt_scenario *sc, const size_t *params, const double *start, const double *fitted, size_t np,
		      const iapt_target *t, size_t nt, const double *m0, const double *m1, const iapt_calib_result *cr,
		      const char *dir)
{
	char lab[8];
	size_t k;
	char a[32], b[32], c[32];
	printf("\n%s: %d runs, %s; distance %s -> %s\n", sc->name, cr->evaluations,
	       cr->converged ? "converged" : "stopped at the run limit", iapt_format_value(a, sizeof a, cr->distance_start, 4),
	       iapt_format_value(b, sizeof b, cr->distance_end, 4));
	printf("%-40s %14s %14s\n", "parameter", "start", "fitted");
	for (k = 0; k < np; k++) {
		iapt_param_info in;
		iapt_params_info(sc->params, params[k], &in);
		printf("%-40s %14s %14s\n", in.name, iapt_format_value(a, sizeof a, start[k], 6), iapt_format_value(b, sizeof b, fitted[k], 6));
	}
	printf("\n%-8s %-22s %-34s %14s %14s %14s\n", "year", "group", "metric", "observed", "start", "fitted");
	for (k = 0; k < nt; k++)
		printf("%-8s %-22s %-34s %14s %14s %14s\n", iapt_year_label(t[k].year, lab), iapt_group_name(t[k].group),
		       iapt_metric_name(t[k].metric), iapt_format_value(a, sizeof a, t[k].value, 4), iapt_format_value(b, sizeof b, m0[k], 4),
		       iapt_format_value(c, sizeof c, m1[k], 4));
	printf("\nresults: %s/calibration.csv, fit.csv, fitted.yaml (for a scenario's include:), run.json\n", dir);
}

static int run(void *args, int argc, char **argv)
{
	calibrate_args *c = args;
	const iapt_cli_args *a = &c->common;
	iapt_scenario *sc;
	iapt_target *t = NULL;
	size_t nt = 0, np = 0, all;
	size_t params[64];
	double start[64], fitted[64], *m0 = NULL, *m1 = NULL;
	iapt_calib_options co;
	iapt_plugin_host *host = NULL;
	iapt_calib_result cr;
	iapt_targets_report rep;
	iapt_output_meta meta;
	iapt_output_dir *od = NULL;
	char dirbuf[256], *cmdline, fitbuf[4096], *tok, *save = NULL;
	const char *dir;
	int ex = iapt_cli__load_first(a, &sc), rc;
	(void)argc; /* run.json records options, not the command line (iapt_cli__meta) */
	(void)argv;
	if (ex)
		return ex;
	if (!c->targets || !c->fit) {
		ex = iapt_cli__input_error("calibrate: needs --targets FILE.csv and --fit NAME,NAME,...");
		goto done;
	}
	snprintf(fitbuf, sizeof fitbuf, "%s", c->fit);
	for (tok = strtok_r(fitbuf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (np == 64) {
			ex = iapt_cli__input_error("--fit: at most 64 parameters");
			goto done;
		}
		if (iapt_params_find(sc->params, tok, &params[np])) {
			ex = iapt_cli__input_error("--fit: %s", iapt_error_last()->message);
			goto done;
		}
		start[np] = iapt_params_get(sc->params, params[np], sc->first_year);
		np++;
	}
	if ((rc = iapt_targets_read(c->targets, c->org, &t, &all, &rep))) {
		ex = iapt_cli__report(rc == IAPT_EPARSE || rc == IAPT_EIO ? IAPT_EINVAL : rc);
		goto done;
	}
	if (!a->quiet && rep.shape == IAPT_TARGETS_NHSTT)
		fprintf(stderr, "iaptsim: %s: %zu of %zu rows are targets; not used: %zu another organisation, %zu not stated, "
				"%zu groups and %zu measures not in the map, %zu suppressed, %zu not reported for the group, "
				"%zu groups not simulated (iaptsim metrics --nhstt prints the map)\n",
			c->targets, rep.used, rep.rows, rep.other_org, rep.not_stated, rep.unmapped_group, rep.unmapped_measure,
			rep.suppressed, rep.not_reported, rep.not_simulated);
	nt = iapt_targets_between(t, all, sc->first_year, sc->last_year);
	if (!nt) {
		ex = iapt_cli__input_error("calibrate: no target in the scenario's years");
		goto done;
	}
	dir = iapt_cli__outdir(a, "calibrate_", sc->name, dirbuf, sizeof dirbuf);
	if ((ex = iapt_cli__out_begin(dir, &od)))
		goto done;
	if (!a->quiet)
		fprintf(stderr, "iaptsim: %s: fitting %zu parameter%s to %zu targets (%zu outside the scenario's years left out), %d replicates a run, seed %llu\n",
			sc->name, np, np == 1 ? "" : "s", nt, all - nt, sc->replicates, sc->seed);
	m0 = malloc(nt * sizeof *m0);
	m1 = malloc(nt * sizeof *m1);
	if (!m0 || !m1) {
		ex = iapt_cli__out_of_memory();
		goto done;
	}
	if ((rc = model_values(a, sc, t, nt, m0)))
		goto failed;
	memset(&co, 0, sizeof co);
	co.threads = a->threads;
	co.run = iapt_cli__distribute ? iapt_sim_run_distributed : NULL;
	co.max_evaluations = c->max_eval;
	if (!a->quiet && isatty(STDERR_FILENO))
		co.progress = calib_progress;
	if ((rc = iapt_plugin_host_new(&host, sc)))
		goto failed;
	co.hooks = iapt_plugin_host_hooks(host);
	rc = iapt_calibrate(sc, params, np, t, nt, &co, fitted, &cr);
	iapt_plugin_host_free(host);
	if (rc)
		goto failed;
	if (co.progress)
		fprintf(stderr, "\n");
	if ((rc = model_values(a, sc, t, nt, m1)))
		goto failed;
	cmdline = iapt_cli__meta(a, &meta);
	rc = iapt_cli__rank ? IAPT_OK : iapt_output_calibration(iapt_output_dir_path(od), sc, params, start, fitted, np, t, nt, m0, m1, &cr, &meta);
	rc = iapt_cli__out_end(od, rc);
	od = NULL;
	free(cmdline);
	if (rc)
		goto failed;
	if (!a->quiet)
		print_fit(sc, params, start, fitted, np, t, nt, m0, m1, &cr, dir);
	goto done;
failed:
	ex = iapt_cli__report(rc);
done:
	iapt_output_abort(od);
	free(m0);
	free(m1);
	free(t);
	iapt_scenario_free(sc);
	return ex;
}

const iapt_cli_command iapt_cli_cmd_calibrate = {
	.name = "calibrate",
	.synopsis = "SCENARIO.yaml --targets FILE.csv --fit NAME,NAME,...",
	.summary = "fit parameters to observed figures (Nelder-Mead, common random\n"
		   "numbers); writes fitted.yaml for a scenario's include:",
	.min_args = 1,
	.max_args = 1,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(calibrate_args),
	.run = run,
};
