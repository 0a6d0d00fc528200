/* Benchmark: a full national year at population scale 1.0 (about 1.7 million referrals),
 * one replicate, one thread. Prints referrals/s, sessions/s and peak memory. Not a test:
 * it asserts nothing about time. Usage: bench_national [SCENARIO [NAME=VALUE ...]]
 * (default scenarios/default.yaml, run at scale 1, 1 replicate; assignments as --set). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>


#include "iaptsim/iaptsim.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "scenarios/default.yaml";
	iapt_scenario *sc;
	iapt_results *res;
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	iapt_plugin_host *host = NULL;
	struct rusage ru;
	const iapt_run_stats *st;
	double t0, t1;
	int years, burn = 0;

	if (iapt_scenario_load(&sc, path)) {
		fprintf(stderr, "bench: %s\n", iapt_error_last()->message);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (iapt_params_assign(sc->params, argv[i], "bench")) {
			fprintf(stderr, "bench: %s\n", iapt_error_last()->message);
			iapt_scenario_free(sc);
			return 2;
		}
	sc->population_scale = 1.0;
	sc->replicates = 1;
	{
		double b;
		iapt_params_get_by_name(sc->params, "run.burn_in_years", sc->first_year, &b);
		burn = (int)b;
	}
	years = sc->last_year - sc->first_year + 1;
	/* a scenario's plugins run in the Lua host (bench/plugin_hook_cost.sh) */
	if (sc->n_plugin_specs && (iapt_plugins_load(sc) || iapt_plugin_host_new(&host, sc))) {
		fprintf(stderr, "bench: %s\n", iapt_error_last()->message);
		iapt_scenario_free(sc);
		return 2;
	}
	ro.hooks = host ? iapt_plugin_host_hooks(host) : NULL;
	t0 = now();
	if (iapt_sim_run(&res, sc, &ro)) {
		fprintf(stderr, "bench: %s\n", iapt_error_last()->message);
		iapt_plugin_host_free(host);
		iapt_scenario_free(sc);
		return 1;
	}
	t1 = now();
	st = iapt_results_stats(res);
	getrusage(RUSAGE_SELF, &ru);
	printf("scenario                %s (scale 1.0, 1 replicate, 1 thread)\n", path);
	for (int i = 2; i < argc; i++)
		printf("set                     %s\n", argv[i]);
	printf("simulated years         %d reported + %d warm-up\n", years, burn);
	printf("referrals simulated     %llu\n", st->referrals);
	printf("sessions booked         %llu\n", st->sessions);
	printf("wall time               %.3f s (%.3f s per simulated year)\n", t1 - t0, (t1 - t0) / (years + burn));
	printf("cpu time                %.3f s (user + system, whole process)\n",
	       (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
		       1e-6 * (double)ru.ru_stime.tv_usec);
	printf("referrals per second    %.0f\n", (double)st->referrals / (t1 - t0));
	printf("sessions per second     %.0f\n", (double)st->sessions / (t1 - t0));
	printf("peak people held        %zu\n", st->peak_people);
	printf("peak memory (max RSS)   %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
	iapt_results_free(res);
	iapt_plugin_host_free(host);
	iapt_scenario_free(sc);
	return 0;
}
