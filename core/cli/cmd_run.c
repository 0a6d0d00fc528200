/* iaptsim run SCENARIO.yaml: simulate and write the results folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/util.h"

typedef struct run_args {
	iapt_cli_args common;
	const char *format;
} run_args;

static const iapt_cli_option options[] = {
	IAPT_CLI_OPT_OUTPUT(run_args, "DIR", "results folder (default results/<scenario name>/)"),
	IAPT_CLI_OPTS_RUN(run_args),
	{"format", 0, "nhstt", "also write summary_nhstt.csv: the summary in the published long\n"
			       "format of data/nhstt/ (docs/validation.md), for code written for it",
	 IAPT_CLI_STRING, offsetof(run_args, format), 0, 0, 0, 0, NULL},
};

/* summary_nhstt.csv beside the other files, in the folder being written */
static int write_nhstt(const char *dir, const iapt_scenario *sc, const iapt_results *res)
{
	char *text = NULL, *path;
	size_t len;
	int rc = iapt_nhstt_write(&text, &len, sc, res);
	if (rc)
		return rc;
	if (!(path = malloc(strlen(dir) + sizeof "/summary_nhstt.csv"))) {
		free(text);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	sprintf(path, "%s/summary_nhstt.csv", dir);
	rc = iapt_file__write_atomic(path, text, len);
	free(path);
	free(text);
	return rc;
}

static int run(void *args, int argc, char **argv)
{
	const iapt_cli_args *a = args;
	const char *format = ((const run_args *)args)->format;
	iapt_scenario *sc;
	iapt_results *res = NULL;
	iapt_output_meta meta;
	iapt_output_dir *od;
	char lab[8], dirbuf[256], *cmdline, warn[2][600];
	const char *warnp[2];
	const char *dir;
	int rc, ex = iapt_cli__load_first(a, &sc);
	(void)argc; /* run.json records options, not the command line (iapt_cli__meta) */
	(void)argv;
	if (ex)
		return ex;
	if (format && (strcmp(format, "nhstt") || sc->compare_to)) {
		ex = iapt_cli__input_error(sc->compare_to ? "--format nhstt: a run with compare_to writes a comparison, not a summary"
							  : "--format: '%s' is not a format (nhstt)", format);
		iapt_scenario_free(sc);
		return ex;
	}
	if (sc->compare_to) {
		/* compare_to: the run is a comparison with that base, as iaptsim compare BASE THIS */
		static const double lambda[3] = {0, 100000, 1000};
		const char *files[2];
		files[0] = sc->compare_to;
		files[1] = a->files[0];
		ex = iapt_cli__compare(a, files, 2, lambda);
		iapt_scenario_free(sc);
		return ex;
	}
	if (!a->quiet)
		fprintf(stderr, "iaptsim: %s: %d replicate%s, %s to %d-%02d, population scale %g, seed %llu\n", sc->name,
			sc->replicates, sc->replicates == 1 ? "" : "s", iapt_year_label(sc->first_year, lab),
			sc->last_year, (sc->last_year + 1) % 100, sc->population_scale, sc->seed);
	dir = iapt_cli__outdir(a, "", sc->name, dirbuf, sizeof dirbuf);
	if ((ex = iapt_cli__out_begin(dir, &od))) {
		iapt_scenario_free(sc);
		return ex;
	}
	if ((rc = iapt_cli__simulate(a, sc, "", &res))) {
		iapt_output_abort(od);
		ex = iapt_cli__report(rc);
		iapt_scenario_free(sc);
		return ex;
	}
	cmdline = iapt_cli__meta(a, &meta);
	{
		size_t nw = 0;
		nw += (size_t)iapt_cli__warmup_warning(sc, warn[nw], sizeof warn[nw]);
		nw += (size_t)iapt_cli__priority_warning(sc, warn[nw], sizeof warn[nw]);
		for (size_t k = 0; k < nw; k++)
			warnp[k] = warn[k];
		if (nw) {
			meta.warnings = warnp;
			meta.n_warnings = nw;
		}
	}
	{
		/* written after run.json, and named in it */
		static const char *const also[2] = {"summary_nhstt.csv", "report.html"};
		meta.also = format ? also : also + 1;
		meta.n_also = format ? 2 : 1;
	}
	rc = iapt_cli__rank ? IAPT_OK : iapt_output_write(iapt_output_dir_path(od), sc, res, &meta);
	if (!rc && !iapt_cli__rank && format)
		rc = write_nhstt(iapt_output_dir_path(od), sc, res);
	if (!rc && !iapt_cli__rank)
		rc = iapt_report_write(iapt_output_dir_path(od));
	rc = iapt_cli__out_end(od, rc);
	free(cmdline);
	if (!rc)
		iapt_cli__print_logs(res); /* the plugins' own output and warnings: asked for, so shown under -q too */
	if (rc) {
		ex = iapt_cli__report(rc);
	} else if (!a->quiet) {
		iapt_cli__print_table(sc, res);
		iapt_cli__print_economics(sc, res);
		iapt_cli__print_budget(sc, res);
		printf("\nresults: %s/report.html, summary.csv, %seconomics.csv, ledger.csv, budget_impact.csv, replicates.csv, "
		       "employment_transitions.csv, %s%srun.json\n", dir, format ? "summary_nhstt.csv, " : "",
		       iapt_results_services(res) > 0 ? "services.csv, " : "", sc->n_uncertain ? "psa.csv, " : "");
	}
	iapt_results_free(res);
	iapt_scenario_free(sc);
	return rc ? ex : IAPT_CLI_OK;
}

const iapt_cli_command iapt_cli_cmd_run = {
	.name = "run",
	.synopsis = "SCENARIO.yaml [--format nhstt]",
	.summary = "simulate and write summary.csv, replicates.csv, economics.csv,\n"
		   "ledger.csv, budget_impact.csv, employment_transitions.csv, services.csv\n"
		   "(unless --no-services), psa.csv (with an uncertainty block), run.json\n"
		   "and report.html",
	.min_args = 1,
	.max_args = 1,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(run_args),
	.run = run,
};
