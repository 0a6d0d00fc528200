/* Benchmark: a full national year at population scale 1.0 (about 1.7 million referrals),
 * one replicate, one thread. Prints referrals/s, sessions/s, peak memory and how far the
 * model is from the floor of its random work: the CPU time per booked session of the
 * whole process (warm-up, both paths and follow-up included) against that of a floor
 * loop run in the same process (per session one uniform and two Gaussian draws from
 * GSL, the irreducible random work of a session: issue 23). Not a test: it asserts
 * nothing about time. Usage: bench_national [SCENARIO [NAME=VALUE ...]]
 * (default scenarios/default.yaml, run at scale 1, 1 replicate; assignments as --set). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "iaptsim/iaptsim.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The floor: courses of up to 20 sessions; each session one uniform (does the course end
 * here?) and two Gaussian steps of the PHQ-9 and GAD-7 scores, with GSL's taus2 and
 * ziggurat Gaussians. Returns CPU seconds per session; *n_out the sessions run. The
 * scores go to a volatile so that the compiler cannot drop the draws. */
static volatile double floor_sink;

static double floor_per_session(long courses, long *n_out)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	long n = 0;
	double acc = 0, t0;
	if (!r)
		return -1;
	gsl_rng_set(r, 20190401);
	t0 = cpu_now();
	for (long c = 0; c < courses; c++) {
		double phq = 18, gad = 14;
		for (int k = 0; k < 20; k++) {
			n++;
			if (gsl_rng_uniform(r) < 0.12)
				break;
			phq -= 1.0 + gsl_ran_gaussian_ziggurat(r, 1.5);
			gad -= 0.8 + gsl_ran_gaussian_ziggurat(r, 1.3);
			if (phq < 10 && gad < 8)
				break;
		}
		acc += phq + gad;
	}
	t0 = cpu_now() - t0;
	gsl_rng_free(r);
	*n_out = n;
	floor_sink = acc;
	return t0 / (double)n;
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
	double t0, t1, cpu, floor_s;
	long floor_n = 0;
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
	cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
	      1e-6 * (double)ru.ru_stime.tv_usec;
	floor_s = floor_per_session(2000000, &floor_n);
	printf("scenario                %s (scale 1.0, 1 replicate, 1 thread)\n", path);
	for (int i = 2; i < argc; i++)
		printf("set                     %s\n", argv[i]);
	printf("simulated years         %d reported + %d warm-up\n", years, burn);
	printf("referrals simulated     %llu\n", st->referrals);
	printf("sessions booked         %llu\n", st->sessions);
	printf("wall time               %.3f s (%.3f s per simulated year)\n", t1 - t0, (t1 - t0) / (years + burn));
	printf("cpu time                %.3f s (user + system, whole process)\n", cpu);
	printf("referrals per second    %.0f\n", (double)st->referrals / (t1 - t0));
	printf("sessions per second     %.0f\n", (double)st->sessions / (t1 - t0));
	printf("peak people held        %zu\n", st->peak_people);
	printf("peak memory (max RSS)   %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
	if (floor_s > 0 && st->sessions > 0) {
		double model_s = cpu / (double)st->sessions;
		printf("model cpu per session   %.1f ns (%.2f M sessions per cpu-second)\n", 1e9 * model_s,
		       1e-6 / model_s);
		printf("floor cpu per session   %.1f ns (%.2f M sessions per cpu-second; %ld sessions)\n",
		       1e9 * floor_s, 1e-6 / floor_s, floor_n);
		printf("ratio to the floor      %.1f (aim: 5 or less)\n", model_s / floor_s);
	}
	iapt_results_free(res);
	iapt_plugin_host_free(host);
	iapt_scenario_free(sc);
	return 0;
}
