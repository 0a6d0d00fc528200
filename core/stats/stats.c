#include <math.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "iaptsim/stats.h"

void iapt_stats_summarise(const double *x, size_t n, double *scratch, iapt_summary *out)
{
	size_t i, k = 0;
	double total = 0;
	for (i = 0; i < n; i++) {
		if (isfinite(x[i])) {
			scratch[k++] = x[i];
			total += x[i]; /* in replicate order: the same bytes whatever the thread count */
		}
	}
	out->n = k;
	if (k == 0) {
		out->mean = out->lo95 = out->hi95 = out->sd = out->mcse = NAN;
		return;
	}
	out->mean = total / (double)k;
	out->lo95 = out->hi95 = out->sd = out->mcse = NAN;
	if (k < 2)
		return;
	out->sd = gsl_stats_sd_m(scratch, 1, k, out->mean);
	out->mcse = out->sd / sqrt((double)k);
	gsl_sort(scratch, 1, k);
	out->lo95 = gsl_stats_quantile_from_sorted_data(scratch, 1, k, 0.025);
	out->hi95 = gsl_stats_quantile_from_sorted_data(scratch, 1, k, 0.975);
}
