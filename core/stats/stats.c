#include <math.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "iaptsim/stats.h"

void iapt_stats_summarise(const double *x, size_t n, double *scratch, iapt_summary *out)
{
	size_t i, k = 0;
	double total = 0, lo = INFINITY, hi = -INFINITY;
	for (i = 0; i < n; i++) {
		if (isfinite(x[i])) {
			scratch[k++] = x[i];
			total += x[i]; /* in replicate order: the same bytes whatever the thread count */
			lo = fmin(lo, x[i]);
			hi = fmax(hi, x[i]);
		}
	}
	out->n = k;
	if (k == 0) {
		out->mean = out->lo95 = out->hi95 = out->sd = out->mcse = NAN;
		return;
	}
	/* the mean lies within the values: kept there against the sum's rounding, so that
	 * replicates all equal give that value exactly (and SD 0), never one just below */
	out->mean = fmin(hi, fmax(lo, total / (double)k));
	out->lo95 = out->hi95 = out->sd = out->mcse = NAN;
	if (k < 2)
		return;
	out->sd = gsl_stats_sd_m(scratch, 1, k, out->mean);
	out->mcse = out->sd / sqrt((double)k);
	gsl_sort(scratch, 1, k);
	/* interpolated between neighbours, which for equal ones can round an ulp outside them */
	out->lo95 = fmin(hi, fmax(lo, gsl_stats_quantile_from_sorted_data(scratch, 1, k, 0.025)));
	out->hi95 = fmin(hi, fmax(lo, gsl_stats_quantile_from_sorted_data(scratch, 1, k, 0.975)));
}
