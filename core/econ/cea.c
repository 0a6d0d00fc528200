/* Incremental cost-effectiveness analysis, ratios of means, acceptability with ties split,
 * payback as a distribution (include/iaptsim/cea.h). */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "iaptsim/cea.h"
#include "econ/cea_internal.h"
#include "iaptsim/error.h"
#include "util/util.h"

const char *iapt_cea_status_name(iapt_cea_status s)
{
	static const char *const names[] = {"on frontier", "dominated", "extendedly dominated", "undefined"};
	return (unsigned)s <= IAPT_CEA_UNDEFINED ? names[s] : "undefined";
}

const char *iapt_cea_quadrant_name(iapt_cea_quadrant q)
{
	static const char *const names[] = {"base", "tie", "dominant", "dominated", "north-east", "south-west", "undefined"};
	return (unsigned)q <= IAPT_CEA_Q_UNDEFINED ? names[q] : "undefined";
}

/* j dominates s: no dearer, no less effective, better in one */
static int dominates(const double *c, const double *e, size_t j, size_t s)
{
	return c[j] <= c[s] && e[j] >= e[s] && (c[j] < c[s] || e[j] > e[s]);
}

int iapt_cea_frontier(const double *c, const double *e, size_t n, iapt_cea_row *out)
{
	size_t s, j, *list, len = 0, i;
	if (!n)
		return iapt_error__set(IAPT_EINVAL, "no strategies to compare");
	if (!(list = malloc(n * sizeof *list)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (s = 0; s < n; s++) {
		iapt_cea_row *r = &out[s];
		r->status = IAPT_CEA_UNDEFINED;
		r->comparator = -1;
		r->icer = NAN;
		r->tie_of = -1;
		if (!isfinite(c[s]) || !isfinite(e[s]))
			continue;
		for (j = 0; j < s; j++)
			if (isfinite(c[j]) && isfinite(e[j]) && c[j] == c[s] && e[j] == e[s]) {
				r->tie_of = (int)j;
				break;
			}
	}
	/* strongly dominated among the distinct points */
	for (s = 0; s < n; s++) {
		if (out[s].tie_of >= 0 || !isfinite(c[s]) || !isfinite(e[s]))
			continue;
		out[s].status = IAPT_CEA_FRONTIER;
		for (j = 0; j < n; j++)
			if (j != s && out[j].tie_of < 0 && isfinite(c[j]) && isfinite(e[j]) && dominates(c, e, j, s))
				out[s].status = IAPT_CEA_DOMINATED;
	}
	/* the undominated by cost: costs and effects then both rise strictly (insertion sort) */
	for (s = 0; s < n; s++)
		if (out[s].tie_of < 0 && out[s].status == IAPT_CEA_FRONTIER) {
			for (i = len; i > 0 && c[list[i - 1]] > c[s]; i--)
				list[i] = list[i - 1];
			list[i] = s;
			len++;
		}
	/* extended dominance: remove an option whose ICER exceeds the next one's, and repeat */
	for (i = 1; i + 1 < len;) {
		double a = (c[list[i]] - c[list[i - 1]]) / (e[list[i]] - e[list[i - 1]]);
		double b = (c[list[i + 1]] - c[list[i]]) / (e[list[i + 1]] - e[list[i]]);
		if (a > b) {
			out[list[i]].status = IAPT_CEA_EXT_DOMINATED;
			for (j = i; j + 1 < len; j++)
				list[j] = list[j + 1];
			len--;
			i = 1;
		} else {
			i++;
		}
	}
	for (i = 0; i < len; i++)
		if (i > 0) {
			out[list[i]].comparator = (int)list[i - 1];
			out[list[i]].icer = (c[list[i]] - c[list[i - 1]]) / (e[list[i]] - e[list[i - 1]]);
		}
	for (s = 0; s < n; s++) {
		iapt_cea_row *r = &out[s];
		if (r->tie_of >= 0)
			continue;
		if (r->status == IAPT_CEA_EXT_DOMINATED) {
			/* against the dearest frontier option that is cheaper */
			for (i = 0; i < len && c[list[i]] <= c[s]; i++)
				r->comparator = (int)list[i];
			if (r->comparator >= 0)
				r->icer = (c[s] - c[(size_t)r->comparator]) / (e[s] - e[(size_t)r->comparator]);
		} else if (r->status == IAPT_CEA_DOMINATED) {
			/* the cheapest undominated strategy dominating it (dominance is transitive, so one does) */
			for (j = 0; j < n; j++)
				if (out[j].tie_of < 0 && (out[j].status == IAPT_CEA_FRONTIER || out[j].status == IAPT_CEA_EXT_DOMINATED) &&
				    dominates(c, e, j, s) && (r->comparator < 0 || c[j] < c[(size_t)r->comparator]))
					r->comparator = (int)j;
		}
	}
	for (s = 0; s < n; s++)
		if (out[s].tie_of >= 0) {
			const iapt_cea_row *t = &out[out[s].tie_of];
			out[s].status = t->status;
			out[s].comparator = t->comparator;
			out[s].icer = t->icer;
		}
	/* against the base */
	for (s = 0; s < n; s++) {
		iapt_cea_row *r = &out[s];
		double dc = c[s] - c[0], de = e[s] - e[0];
		r->d_cost = dc;
		r->d_effect = de;
		r->icer_base = NAN;
		if (!isfinite(dc) || !isfinite(de))
			r->quadrant = IAPT_CEA_Q_UNDEFINED;
		else if (s == 0)
			r->quadrant = IAPT_CEA_BASE;
		else if (dc == 0 && de == 0)
			r->quadrant = IAPT_CEA_TIE;
		else if (dc <= 0 && de >= 0)
			r->quadrant = IAPT_CEA_DOMINANT;
		else if (dc >= 0 && de <= 0)
			r->quadrant = IAPT_CEA_DOMINATED_Q;
		else if (dc > 0)
			r->quadrant = IAPT_CEA_NORTH_EAST;
		else
			r->quadrant = IAPT_CEA_SOUTH_WEST;
		if (s > 0 && isfinite(dc) && de != 0 && isfinite(de))
			r->icer_base = dc / de;
	}
	free(list);
	return IAPT_OK;
}

void iapt_cea_ratio(const double *num, const double *den, size_t n, double *scratch, iapt_ratio *out)
{
	size_t i, k = 0, ne = 0, nw = 0, sw = 0, se = 0, tie = 0, same_sign = 0;
	double sn = 0, sd = 0;
	for (i = 0; i < n; i++) {
		if (!isfinite(num[i]) || !isfinite(den[i]))
			continue;
		sn += num[i]; /* in replicate order: the same bytes whatever the thread count */
		sd += den[i];
		k++;
		if (den[i] == 0 && num[i] == 0)
			tie++;
		else if (den[i] >= 0 && num[i] <= 0)
			se++;
		else if (den[i] <= 0 && num[i] >= 0)
			nw++;
		else if (den[i] > 0)
			ne++;
		else
			sw++;
	}
	out->n = k;
	out->num = k ? sn / (double)k : NAN;
	out->den = k ? sd / (double)k : NAN;
	out->ratio = k && sd != 0 ? sn / sd : NAN;
	out->lo95 = out->hi95 = out->mcse = NAN;
	if (k >= 2 && sd != 0) {
		double mn = sn / (double)k, md = sd / (double)k, vn = 0, vd = 0, cv = 0, R = sn / sd;
		for (i = 0; i < n; i++)
			if (isfinite(num[i]) && isfinite(den[i])) {
				vn += (num[i] - mn) * (num[i] - mn);
				vd += (den[i] - md) * (den[i] - md);
				cv += (num[i] - mn) * (den[i] - md);
			}
		vn /= (double)(k - 1);
		vd /= (double)(k - 1);
		cv /= (double)(k - 1);
		out->mcse = sqrt(fmax(0.0, vn - 2 * R * cv + R * R * vd) / (double)k) / fabs(md);
	}
	out->share_ne = k ? (double)ne / (double)k : NAN;
	out->share_nw = k ? (double)nw / (double)k : NAN;
	out->share_sw = k ? (double)sw / (double)k : NAN;
	out->share_se = k ? (double)se / (double)k : NAN;
	out->share_tie = k ? (double)tie / (double)k : NAN;
	if (k == 0) {
		out->reason = "no replicate has both values";
		return;
	}
	if (sd == 0) {
		out->reason = "the mean denominator is zero";
		return;
	}
	if (k < 2) {
		out->reason = "one replicate: no interval";
		return;
	}
	for (i = 0; i < n; i++)
		if (isfinite(num[i]) && isfinite(den[i]) && den[i] != 0 && (den[i] > 0) == (sd > 0))
			scratch[same_sign++] = num[i] / den[i];
	if (same_sign < k) {
		out->reason = "the denominator changes sign or is zero across replicates, so the ratios do not order the points: see the quadrant shares";
		return;
	}
	gsl_sort(scratch, 1, k);
	out->lo95 = gsl_stats_quantile_from_sorted_data(scratch, 1, k, 0.025);
	out->hi95 = gsl_stats_quantile_from_sorted_data(scratch, 1, k, 0.975);
	out->reason = NULL;
}

int iapt_cea__complete(const double *cost, const double *effect, size_t ns, size_t nd, size_t d)
{
	size_t s;
	for (s = 0; s < ns; s++)
		if (!isfinite(cost[s * nd + d]) || !isfinite(effect[s * nd + d]))
			return 0;
	return 1;
}

int iapt_cea_ceac(const double *cost, const double *effect, size_t ns, size_t nd, double lambda, double *prob, int *frontier)
{
	size_t s, d, used = 0;
	double *mean = calloc(ns ? ns : 1, sizeof *mean), best_mean = -INFINITY;
	if (!mean)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (s = 0; s < ns; s++)
		prob[s] = 0;
	for (d = 0; d < nd; d++) {
		double bv = -INFINITY;
		size_t ties = 0;
		if (!iapt_cea__complete(cost, effect, ns, nd, d))
			continue;
		for (s = 0; s < ns; s++) {
			double nmb = lambda * effect[s * nd + d] - cost[s * nd + d];
			mean[s] += nmb;
			if (nmb > bv) {
				bv = nmb;
				ties = 1;
			} else if (nmb == bv) {
				ties++;
			}
		}
		for (s = 0; s < ns; s++)
			if (lambda * effect[s * nd + d] - cost[s * nd + d] == bv)
				prob[s] += 1.0 / (double)ties;
		used++;
	}
	if (!used) {
		free(mean);
		return iapt_error__set(IAPT_EINVAL, "no draw has a cost and an effect for every strategy");
	}
	for (s = 0; s < ns; s++) {
		prob[s] /= (double)used;
		if (mean[s] > best_mean)
			best_mean = mean[s];
	}
	/* one strategy on the frontier: on a tie the first, so the base before its twin */
	if (frontier) {
		int found = 0;
		for (s = 0; s < ns; s++) {
			frontier[s] = !found && mean[s] == best_mean;
			found |= frontier[s];
		}
	}
	free(mean);
	return IAPT_OK;
}

double iapt_cea_prob_ce(const double *d_cost, const double *d_effect, size_t n, double lambda)
{
	size_t i, k = 0;
	double wins = 0;
	for (i = 0; i < n; i++) {
		double inmb = lambda * d_effect[i] - d_cost[i];
		if (!isfinite(inmb))
			continue;
		k++;
		wins += inmb > 0 ? 1.0 : inmb == 0 ? 0.5 : 0.0;
	}
	return k ? wins / (double)k : NAN;
}

int iapt_cea_told_apart(const double *mean, const double *mcse, const double *n, size_t k)
{
	size_t i;
	if (!k)
		return 0;
	for (i = 0; i < k; i++) {
		if (!isfinite(mean[i]) || !(n[i] >= 2))
			return 0;
		if (mean[i] == 0 && mcse[i] == 0)
			continue; /* exactly the same in every draw */
		if (!isfinite(mcse[i]) || fabs(mean[i]) < 2 * mcse[i])
			return 0;
	}
	return 1;
}

void iapt_cea_payback(const double *years, size_t n, double *scratch, iapt_payback *out)
{
	size_t i, k = 0;
	for (i = 0; i < n; i++)
		if (isfinite(years[i]))
			scratch[k++] = years[i];
	out->n = n;
	out->n_paying = k;
	out->share = n ? (double)k / (double)n : NAN;
	out->median = NAN;
	if (k) {
		gsl_sort(scratch, 1, k);
		out->median = gsl_stats_median_from_sorted_data(scratch, 1, k);
	}
}
