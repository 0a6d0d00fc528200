/* Benchmark: what common random numbers buy. A small change (treatment.effect_li up 5%)
 * is compared with its base twice: paired by draw with the same seed (what iaptsim compare
 * does), and as two runs with independent seeds. Prints the standard error of the mean
 * difference either way, and their ratio, for QALYs gained, recovery and the Exchequer's
 * NPV. Not a test: it asserts nothing. Usage: bench_crn [SCENARIO] (default
 * scenarios/default.yaml at its replicates and scale; 2 threads). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "iaptsim/iaptsim.h"

static iapt_results *run(iapt_scenario *sc)
{
	iapt_results *r = NULL;
	iapt_run_options ro = {.threads = 2};
	if (iapt_sim_run(&r, sc, &ro)) {
		fprintf(stderr, "bench: %s\n", iapt_error_last()->message);
		exit(1);
	}
	return r;
}

/* standard error of the mean of x[i] - y[i] (paired) or of mean(x) - mean(y) (independent) */
static double se(const double *x, const double *y, int n, int paired)
{
	double mx = 0, my = 0, vx = 0, vy = 0, md = 0, vd = 0;
	int i;
	for (i = 0; i < n; i++) {
		mx += x[i] / n;
		my += y[i] / n;
		md += (x[i] - y[i]) / n;
	}
	for (i = 0; i < n; i++) {
		vx += (x[i] - mx) * (x[i] - mx) / (n - 1);
		vy += (y[i] - my) * (y[i] - my) / (n - 1);
		vd += (x[i] - y[i] - md) * (x[i] - y[i] - md) / (n - 1);
	}
	return paired ? sqrt(vd / n) : sqrt(vx / n + vy / n);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "scenarios/default.yaml";
	iapt_scenario *base, *alt;
	iapt_results *rb, *ra, *ri;
	double v;
	int n, i, k;
	if (iapt_scenario_load(&base, path) || iapt_scenario_load(&alt, path)) {
		fprintf(stderr, "bench: %s\n", iapt_error_last()->message);
		return 2;
	}
	iapt_params_get_by_name(alt->params, "treatment.effect_li", alt->first_year, &v);
	{
		char set[128];
		snprintf(set, sizeof set, "treatment.effect_li=%.17g", v * 1.05);
		if (iapt_params_assign(alt->params, set, "bench")) {
			fprintf(stderr, "bench: %s\n", iapt_error_last()->message);
			return 2;
		}
	}
	n = base->replicates;
	rb = run(base);
	ra = run(alt);            /* the same seed: common random numbers */
	alt->seed = base->seed + 1000003;
	ri = run(alt);            /* another seed: independent */
	printf("scenario                %s, %d replicates, population scale %g\n", path, n, base->population_scale);
	printf("change                  treatment.effect_li %.4g -> %.4g (+5%%)\n", v, v * 1.05);
	printf("%-24s %16s %16s %16s %10s\n", "measure", "mean difference", "SE, same seed", "SE, other seed", "ratio");
	for (k = 0; k < 3; k++) {
		double *xa = malloc((size_t)n * sizeof *xa), *xi = malloc((size_t)n * sizeof *xi), *xb = malloc((size_t)n * sizeof *xb);
		double md = 0, s1, s2;
		const char *name = k == 0 ? "QALYs gained" : (k == 1 ? "recovery %" : "Exchequer NPV (GBP)");
		for (i = 0; i < n; i++) {
			if (k == 0) {
				xb[i] = iapt_results_econ(rb, i, IAPT_PERSP_NHS, IAPT_E_QALYS);
				xa[i] = iapt_results_econ(ra, i, IAPT_PERSP_NHS, IAPT_E_QALYS);
				xi[i] = iapt_results_econ(ri, i, IAPT_PERSP_NHS, IAPT_E_QALYS);
			} else if (k == 1) {
				xb[i] = iapt_results_value(rb, base->first_year, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, i);
				xa[i] = iapt_results_value(ra, base->first_year, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, i);
				xi[i] = iapt_results_value(ri, base->first_year, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, i);
			} else {
				xb[i] = iapt_results_econ(rb, i, IAPT_PERSP_EXCHEQUER, IAPT_E_NPV);
				xa[i] = iapt_results_econ(ra, i, IAPT_PERSP_EXCHEQUER, IAPT_E_NPV);
				xi[i] = iapt_results_econ(ri, i, IAPT_PERSP_EXCHEQUER, IAPT_E_NPV);
			}
			md += (xa[i] - xb[i]) / n;
		}
		s1 = se(xa, xb, n, 1);
		s2 = se(xi, xb, n, 0);
		printf("%-24s %16.6g %16.6g %16.6g %10.1f\n", name, md, s1, s2, s2 / s1);
		free(xa);
		free(xi);
		free(xb);
	}
	iapt_results_free(rb);
	iapt_results_free(ra);
	iapt_results_free(ri);
	iapt_scenario_free(base);
	iapt_scenario_free(alt);
	return 0;
}
