/* Run a scenario through the public API and print national recovery by year.
 *
 *   cc national_recovery.c $(pkg-config --cflags --libs iaptsim) -o national_recovery
 *   ./national_recovery /usr/local/share/iaptsim/scenarios/default.yaml [REPLICATES]
 *
 * Recovery is the share of people who finished a course at caseness and ended below it
 * (docs/model.md, Outcomes); the mean and 95% interval are across replicates. A scenario's
 * plugins run through the Lua host's hooks (iaptsim/plugin.h). */
#include <stdio.h>
#include <stdlib.h>

#include <iaptsim/iaptsim.h>

int main(int argc, char **argv)
{
	iapt_scenario *sc = NULL;
	iapt_results *res = NULL;
	iapt_plugin_host *host = NULL;
	iapt_run_options opt = IAPT_RUN_OPTIONS_INIT; /* one thread, no progress, no hooks */
	double *x = NULL, *scratch = NULL;
	int rc, first, last, year, n, k;
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s SCENARIO.yaml [REPLICATES]\n", argv[0]);
		return 2;
	}
	if ((rc = iapt_scenario_load(&sc, argv[1])))
		goto fail;
	if (argc == 3)
		sc->replicates = atoi(argv[2]);
	/* the scenario's plugins (if any): loaded and checked, then one hook set per worker */
	if ((rc = iapt_plugins_load(sc)) || (rc = iapt_plugin_host_new(&host, sc)))
		goto fail;
	opt.hooks = iapt_plugin_host_hooks(host);
	if ((rc = iapt_sim_run(&res, sc, &opt)))
		goto fail;
	n = iapt_results_replicates(res);
	iapt_results_years(res, &first, &last);
	x = malloc((size_t)n * sizeof *x);
	scratch = malloc((size_t)n * sizeof *scratch);
	if (!x || !scratch) {
		fprintf(stderr, "out of memory\n");
		rc = 1;
		goto done;
	}
	printf("%s: national recovery, %d replicates\n", sc->name, n);
	for (year = first; year <= last; year++) {
		iapt_summary s;
		char label[8];
		for (k = 0; k < n; k++)
			x[k] = iapt_results_value(res, year, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, k);
		iapt_stats_summarise(x, (size_t)n, scratch, &s);
		printf("%s  %.1f%%  (95%% interval %.1f to %.1f)\n", iapt_year_label(year, label), s.mean, s.lo95, s.hi95);
	}
	goto done;
fail:
	fprintf(stderr, "%s\n", iapt_error_last()->message);
done:
	free(x);
	free(scratch);
	iapt_results_free(res);
	iapt_plugin_host_free(host);
	iapt_scenario_free(sc);
	return rc ? 1 : 0;
}
