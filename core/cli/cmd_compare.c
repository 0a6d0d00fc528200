/* iaptsim compare BASE.yaml ALT.yaml [ALT...]: strategies with common random numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct compare_args {
	iapt_cli_args common;
	double lambda[3];
} compare_args;

/* --thresholds FROM:TO:STEP */
static int parse_thresholds(const char *opt, const char *val, void *dest)
{
	double *l = dest, v[3];
	char tail;
	if (sscanf(val, "%lf:%lf:%lf%c", &v[0], &v[1], &v[2], &tail) != 3 || isnan(v[0]) || isnan(v[1]) || isnan(v[2]))
		return iapt_cli__input_error("--%s: '%s' is not FROM:TO:STEP (three numbers)", opt, val);
	if (!(v[0] >= 0) || !(v[1] >= v[0]) || !(v[2] > 0) || !((v[1] - v[0]) / v[2] <= 100000))
		return iapt_cli__input_error("--%s: %s is out of range: FROM:TO:STEP needs 0 <= FROM <= TO, STEP > 0 and at most 100000 steps",
					     opt, val);
	memcpy(l, v, sizeof v);
	return 0;
}

static const iapt_cli_option options[] = {
	IAPT_CLI_OPT_OUTPUT(compare_args, "DIR", "results folder (default results/compare_<base name>/)"),
	IAPT_CLI_OPTS_RUN(compare_args),
	{"thresholds", 0, "A:B:S", "GBP per QALY for ceac.csv and evpi.csv (default 0:100000:1000)", IAPT_CLI_CUSTOM,
	 offsetof(compare_args, lambda), 0, 0, 0, 0, parse_thresholds},
};

static void init(void *args)
{
	compare_args *c = args;
	c->lambda[0] = 0;
	c->lambda[1] = 100000;
	c->lambda[2] = 1000;
}

static void free_all(iapt_scenario **sc, iapt_results **res, char **folders, int n)
{
	int s;
	for (s = 0; s < n; s++) {
		iapt_scenario_free(sc[s]);
		iapt_results_free(res[s]);
		free(folders[s]);
	}
	free(sc);
	free(res);
	free(folders);
}

/* The table of increments on stdout. */
static int print_increments(iapt_scenario *const *sc, iapt_results *const *res, int n, const char *dir)
{
	const iapt_econ_settings *e = &sc[0]->econ;
	double lam = e->n_thresholds ? e->thresholds[0] : 20000;
	double *d_cost = malloc((size_t)sc[0]->replicates * sizeof *d_cost), *d_qalys = malloc((size_t)sc[0]->replicates * sizeof *d_qalys);
	char a[32], b[32], d[32];
	int s, t;
	if (!d_cost || !d_qalys) {
		free(d_cost);
		free(d_qalys);
		return iapt_cli__out_of_memory();
	}
	printf("\ncompared with %s, mean of %d paired draws (GBP at %d-%02d prices; QALYs discounted):\n", sc[0]->name,
	       sc[0]->replicates, e->price_year, (e->price_year + 1) % 100);
	printf("%-10s %-28s %14s %12s %12s %14s %8s\n", "", "strategy", "d net cost", "d QALYs", "GBP/QALY", "INMB", "P(CE)");
	for (t = 0; t < IAPT_PERSP__COUNT; t++) {
		if (!(e->perspectives & (1u << t)))
			continue;
		for (s = 1; s < n; s++) {
			double dc = iapt_cli__econ_mean(res[s], t, IAPT_E_NET_COST) - iapt_cli__econ_mean(res[0], t, IAPT_E_NET_COST);
			double dq = iapt_cli__econ_mean(res[s], t, IAPT_E_QALYS) - iapt_cli__econ_mean(res[0], t, IAPT_E_QALYS), pce;
			iapt_compare_paired(res[0], res[s], t, d_cost, d_qalys);
			pce = iapt_psa_prob_positive(d_cost, d_qalys, (size_t)sc[0]->replicates, lam);
			iapt_cli__gbp(a, sizeof a, dc);
			iapt_cli__gbp(b, sizeof b, dq != 0 ? dc / dq : NAN);
			iapt_cli__gbp(d, sizeof d, lam * dq - dc);
			printf("%-10s %-28.28s %14s %12.0f %12s %14s %8.2f\n", iapt_perspective_name(t), sc[s]->name, a, dq, b, d, pce);
		}
	}
	free(d_cost);
	free(d_qalys);
	printf("(INMB and P(CE): incremental net monetary benefit and the share of draws where it is positive, at GBP %.0f per QALY)\n", lam);
	printf("\nresults: %s/report.html, comparison.csv, ceac.csv, evpi.csv, psa.csv, run.json; each strategy in %s/<name>/\n", dir, dir);
	return IAPT_CLI_OK;
}

int iapt_cli__compare(const iapt_cli_args *a, const char *const *files, int n, const double lambda[3])
{
	int s, ex = IAPT_CLI_OK, rc;
	iapt_scenario **sc = calloc((size_t)n + 1, sizeof *sc);
	iapt_results **res = calloc((size_t)n + 1, sizeof *res);
	char **folders = calloc((size_t)n + 1, sizeof *folders), slug[128], dirbuf[256], *cmdline = NULL;
	const char *dir;
	iapt_compare_options co;
	iapt_output_meta meta;
	if (!sc || !res || !folders) {
		free_all(sc, res, folders, 0);
		return iapt_cli__out_of_memory();
	}
	if (n < 2) {
		free_all(sc, res, folders, 0);
		return iapt_cli__input_error("compare: needs a base scenario and at least one alternative (iaptsim compare BASE.yaml ALT.yaml ...)");
	}
	for (s = 0; s < n && !ex; s++)
		ex = iapt_cli__load(a, files[s], &sc[s]);
	if (ex) {
		free_all(sc, res, folders, n);
		return ex;
	}
	/* common random numbers: every strategy runs with the base's seed, replicates and scale */
	for (s = 1; s < n; s++) {
		if (!a->quiet && (sc[s]->seed != sc[0]->seed || sc[s]->replicates != sc[0]->replicates ||
				  sc[s]->population_scale != sc[0]->population_scale))
			fprintf(stderr, "iaptsim: %s runs with the base's seed %llu, %d replicates and population scale %g\n",
				files[s], sc[0]->seed, sc[0]->replicates, sc[0]->population_scale);
		sc[s]->seed = sc[0]->seed;
		sc[s]->replicates = sc[0]->replicates;
		sc[s]->population_scale = sc[0]->population_scale;
	}
	if ((rc = iapt_compare_check((const iapt_scenario *const *)sc, (size_t)n))) {
		free_all(sc, res, folders, n);
		return iapt_cli__report(rc);
	}
	dir = iapt_cli__outdir(a, "compare_", sc[0]->name, dirbuf, sizeof dirbuf);
	/* each strategy's own results in a folder of its own, named after it */
	for (s = 0; s < n; s++) {
		int k, dup = 0;
		char name[160];
		iapt_output_slug(sc[s]->name, slug, sizeof slug);
		for (k = 0; k < s; k++)
			if (!strncmp(folders[k], slug, strlen(slug)))
				dup++;
		if (dup)
			snprintf(name, sizeof name, "%s_%d", slug, dup + 1);
		else
			snprintf(name, sizeof name, "%s", slug);
		if (!(folders[s] = malloc(strlen(name) + 1))) {
			free_all(sc, res, folders, n);
			return iapt_cli__out_of_memory();
		}
		strcpy(folders[s], name);
	}
	for (s = 0; s < n; s++) {
		char label[160];
		if (!a->quiet)
			fprintf(stderr, "iaptsim: %s %s: %d replicates, seed %llu\n", s ? "alternative" : "base", sc[s]->name,
				sc[s]->replicates, sc[s]->seed);
		snprintf(label, sizeof label, "%s: ", folders[s]);
		if ((rc = iapt_cli__simulate(a, sc[s], label, &res[s]))) {
			free_all(sc, res, folders, n);
			return iapt_cli__report(rc);
		}
	}
	cmdline = iapt_cli__meta(a, &meta);
	co.lambda_min = lambda[0];
	co.lambda_max = lambda[1];
	co.lambda_step = lambda[2];
	for (s = 0, rc = IAPT_OK; s < n && !rc && !iapt_cli__rank; s++) {
		char sub[600];
		snprintf(sub, sizeof sub, "%s/%s", dir, folders[s]);
		rc = iapt_output_write(sub, sc[s], res[s], &meta);
		if (!rc)
			rc = iapt_report_write(sub);
	}
	if (!rc && !iapt_cli__rank)
		rc = iapt_output_compare(dir, (const iapt_scenario *const *)sc, (const iapt_results *const *)res, (size_t)n,
					 (const char *const *)folders, &co, &meta);
	if (!rc && !iapt_cli__rank)
		rc = iapt_report_write(dir);
	free(cmdline);
	if (rc)
		ex = iapt_cli__report(rc);
	else if (!a->quiet)
		ex = print_increments(sc, res, n, dir);
	free_all(sc, res, folders, n);
	return ex;
}

static int run(void *args, int argc, char **argv)
{
	compare_args *c = args;
	(void)argc;
	(void)argv;
	return iapt_cli__compare(&c->common, c->common.files, c->common.n_files, c->lambda);
}

const iapt_cli_command iapt_cli_cmd_compare = {
	.name = "compare",
	.synopsis = "BASE.yaml ALT.yaml [ALT...]",
	.summary = "run each with common random numbers; incremental costs, QALYs,\n"
		   "ICER, net monetary benefit, acceptability curve, EVPI",
	.min_args = 2,
	.max_args = -1,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(compare_args),
	.init = init,
	.run = run,
};
