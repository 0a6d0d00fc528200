/* Summaries of a probabilistic sensitivity analysis and of one-way sensitivity
 * (include/iaptsim/psa.h). */
#include <math.h>
#include <stdlib.h>

#include "iaptsim/cea.h"
#include "econ/cea_internal.h"
#include "iaptsim/error.h"
#include "iaptsim/psa.h"
#include "util/util.h"

int iapt_psa_ceac(const double *cost, const double *effect, size_t ns, size_t nd, double lambda, double *prob)
{
	return iapt_cea_ceac(cost, effect, ns, nd, lambda, prob, NULL);
}

double iapt_psa_evpi(const double *cost, const double *effect, size_t ns, size_t nd, double lambda)
{
	size_t s, d, used = 0;
	double best_sum = 0, best_mean = -INFINITY, *sum = calloc(ns ? ns : 1, sizeof *sum);
	if (!sum)
		return NAN;
	for (d = 0; d < nd; d++) {
		double bv = -INFINITY;
		if (!iapt_cea__complete(cost, effect, ns, nd, d))
			continue;
		for (s = 0; s < ns; s++) {
			double nmb = lambda * effect[s * nd + d] - cost[s * nd + d];
			sum[s] += nmb;
			if (nmb > bv)
				bv = nmb;
		}
		best_sum += bv;
		used++;
	}
	if (!used) {
		free(sum);
		return NAN;
	}
	for (s = 0; s < ns; s++)
		if (sum[s] / (double)used > best_mean)
			best_mean = sum[s] / (double)used;
	free(sum);
	/* the max of means never exceeds the mean of maxima; rounding may say otherwise */
	return fmax(0.0, best_sum / (double)used - best_mean);
}

void iapt_oneway_finish(iapt_oneway *o)
{
	o->swing = fabs(o->y_high - o->y_low);
	o->switching = NAN;
	if (o->y_low == 0)
		o->switching = o->low;
	else if (o->y_high == 0)
		o->switching = o->high;
	else if ((o->y_low < 0) != (o->y_high < 0))
		o->switching = o->low + (o->high - o->low) * (0 - o->y_low) / (o->y_high - o->y_low);
}

void iapt_tornado_sort(iapt_oneway *rows, size_t n)
{
	size_t i, j;
	/* insertion sort: stable, and n is the number of parameters varied */
	for (i = 1; i < n; i++) {
		iapt_oneway r = rows[i];
		for (j = i; j > 0 && rows[j - 1].swing < r.swing; j--)
			rows[j] = rows[j - 1];
		rows[j] = r;
	}
}
