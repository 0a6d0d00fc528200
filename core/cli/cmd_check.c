/* iaptsim check SCENARIO.yaml: validate a scenario (and the command line's overrides)
 * without running it; with plugins, one small trial replicate that runs their hooks. */
#include <stdio.h>

#include "cli/cli.h"

/* the trial replicate of a scenario with plugins: about 1% of England's referrals */
#define CHECK_SCALE 0.01

static const iapt_cli_option options[] = {
	IAPT_CLI_OPT_SEED(iapt_cli_plain_args),
	IAPT_CLI_OPT_REPLICATES(iapt_cli_plain_args),
	IAPT_CLI_OPT_SCALE(iapt_cli_plain_args),
	IAPT_CLI_OPT_SET(iapt_cli_plain_args),
};

static int run(void *args, int argc, char **argv)
{
	const iapt_cli_args *a = args;
	iapt_scenario *sc;
	int ex = iapt_cli__load_first(a, &sc); /* parses, applies --set and checks parameter combinations */
	char y0[8], y1[8];
	size_t k;
	(void)argc;
	(void)argv;
	if (ex)
		return ex;
	if (sc->n_plugins) {
		/* a plugin's mistakes that only a run meets (a field written out of turn, a value
		 * out of bounds, an error in a hook): one replicate of a small population, every
		 * hook called many times; cheap, and no results written */
		iapt_plugin_host *host = NULL;
		iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
		iapt_results *res = NULL;
		int rc, reps = sc->replicates;
		double scale = sc->population_scale;
		sc->replicates = 1;
		if (sc->population_scale > CHECK_SCALE)
			sc->population_scale = CHECK_SCALE;
		if (!(rc = iapt_plugin_host_new(&host, sc))) {
			ro.hooks = iapt_plugin_host_hooks(host);
			rc = iapt_sim_run(&res, sc, &ro);
		}
		iapt_results_free(res);
		iapt_plugin_host_free(host);
		sc->replicates = reps;
		sc->population_scale = scale;
		if (rc) {
			iapt_scenario_free(sc);
			return iapt_cli__report(rc);
		}
	}
	printf("%s: ok: '%s', %s to %s, %d replicates, population scale %g, seed %llu\n", a->files[0], sc->name,
	       iapt_year_label(sc->first_year, y0), iapt_year_label(sc->last_year, y1), sc->replicates,
	       sc->population_scale, sc->seed);
	{
		iapt_services_source src;
		if (!iapt_services_source_of(sc, &src)) {
			/* as the scenario names them: `services: synthetic` */
			printf("  services: %s", src.kind == IAPT_SERVICES_KIND_SYNTHETIC ? "synthetic" : iapt_cli__services_label(&src));
			if (src.kind == IAPT_SERVICES_KIND_BUILTIN)
				printf(", data/services.csv and its residuals");
			if (src.sha256)
				printf(", sha256 %.12s", src.sha256);
			printf("\n");
		}
	}
	for (k = 0; k < sc->n_plugins; k++)
		printf("  plugin %s (%s%s), sha256 %.12s\n", sc->plugins[k]->name, sc->plugins[k]->builtin ? "built in: " : "",
		       sc->plugins[k]->path, sc->plugins[k]->sha256);
	if (sc->n_plugins)
		printf("  plugins ran without error in a trial replicate at population scale %g\n",
		       sc->population_scale < CHECK_SCALE ? sc->population_scale : CHECK_SCALE);
	if (sc->compare_to) {
		iapt_scenario *base, *pair[2];
		int rc;
		if ((ex = iapt_cli__load(a, sc->compare_to, &base))) {
			iapt_scenario_free(sc);
			return ex;
		}
		pair[0] = base;
		pair[1] = sc;
		rc = iapt_compare_check((const iapt_scenario *const *)pair, 2);
		iapt_scenario_free(base);
		if (rc) {
			iapt_scenario_free(sc);
			return iapt_cli__report(rc);
		}
		printf("  compared with %s\n", sc->compare_to);
	}
	iapt_scenario_free(sc);
	return IAPT_CLI_OK;
}

const iapt_cli_command iapt_cli_cmd_check = {
	.name = "check",
	.synopsis = "SCENARIO.yaml",
	.summary = "validate a scenario (and --set values) without running it (with plugins: one small trial replicate)",
	.min_args = 1,
	.max_args = 1,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(iapt_cli_plain_args),
	.run = run,
};
