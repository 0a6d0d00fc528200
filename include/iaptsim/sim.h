/* iaptsim: the microsimulation engine.
 *
 * iapt_sim_run follows every referral of a scenario week by week through waiting,
 * stepped care and discharge, for each replicate, and returns per-replicate metrics by
 * financial year and group. Replicates are independent and keyed by the seed, so results
 * do not depend on the order or thread in which replicates run. */
#ifndef IAPTSIM_SIM_H
#define IAPTSIM_SIM_H

#include <stddef.h>
#include "iaptsim/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Groups of people that metrics are reported for. */
typedef enum iapt_group {
	IAPT_G_ALL,
	IAPT_G_STEP_LI_ONLY,
	IAPT_G_STEP_LI_THEN_HI,
	IAPT_G_STEP_HI_ONLY,
	IAPT_G_LTC_YES,
	IAPT_G_LTC_NO,
	IAPT_G_EMP_EMPLOYED,
	IAPT_G_EMP_UNEMPLOYED,
	IAPT_G_EMP_OTHER,
	IAPT_G__COUNT
} iapt_group;

/* Metrics. Names match data/national_annual.csv columns where they exist. Counts
 * are at national scale (divided by population_scale); rates are percentages. */
typedef enum iapt_metric {
	IAPT_M_REFERRALS_RECEIVED,
	IAPT_M_ENTERED_TREATMENT,
	IAPT_M_FINISHED_COURSE,
	IAPT_M_FINISHED_AT_CASENESS,
	IAPT_M_RECOVERY_PCT,
	IAPT_M_RELIABLE_IMPROVEMENT_PCT,
	IAPT_M_RELIABLE_RECOVERY_PCT,
	IAPT_M_RELIABLE_DETERIORATION_PCT,
	IAPT_M_MEAN_SESSIONS_FINISHED,
	IAPT_M_WITHIN_6WK_PCT,
	IAPT_M_WITHIN_18WK_PCT,
	IAPT_M_MEAN_WAIT_WEEKS,
	IAPT_M_ENDED_NOT_ENTERED,
	IAPT_M_NATURAL_RECOVERY_PCT,
	IAPT_M_SESSIONS_ATTENDED,
	IAPT_M_SESSIONS_MISSED,
	IAPT_M_WTE_LI,
	IAPT_M_WTE_HI,
	IAPT_M_TRAINEES,
	IAPT_M__COUNT
} iapt_metric;

/* "all", "step=li_only", ... and "recovery_pct", ...: static strings. */
const char *iapt_group_name(int group);
const char *iapt_metric_name(int metric);
/* One line on what a metric means and how it is computed. */
const char *iapt_metric_doc(int metric);
/* 1 if the metric is defined for the group (a referral's step is not known when it is
 * referred, so referral counts have no step breakdown; the workforce is not split by
 * group at all). */
int iapt_metric_in_group(int metric, int group);

typedef struct iapt_results iapt_results;

typedef struct iapt_run_stats {
	unsigned long long referrals;    /* simulated referrals, warm-up included */
	unsigned long long sessions;     /* booked treatment sessions (attended + missed) */
	unsigned long long person_weeks; /* weekly updates of people in treatment */
	size_t peak_people;              /* most people held at once in one replicate */
} iapt_run_stats;

/* Called after each replicate finishes, from the thread that ran it; may be NULL. */
typedef void (*iapt_progress_fn)(void *data, int done, int total);

typedef struct iapt_run_options {
	int threads;                /* 0 or 1: run replicates on the calling thread */
	iapt_progress_fn progress;  /* counts this process's replicates */
	void *progress_data;
	int distribute;             /* MPI builds, MPI initialised: split replicates across the
	                             * ranks of MPI_COMM_WORLD; every rank gets all results */
} iapt_run_options;

/* Check what parsing cannot: parameter combinations for every simulated year (weights that
 * sum to zero, shares that add up to more than one). iapt_sim_run does this first too. */
int iapt_engine_check(const iapt_scenario *sc);

/* Run a scenario. *out owns the per-replicate metrics; free with iapt_results_free. */
int iapt_sim_run(iapt_results **out, const iapt_scenario *sc, const iapt_run_options *opt);

void iapt_results_free(iapt_results *r);
int iapt_results_years(const iapt_results *r, int *first_year, int *last_year);
int iapt_results_replicates(const iapt_results *r);
/* Value of a metric for a year (e.g. 2019), group and replicate; NaN when undefined. */
double iapt_results_value(const iapt_results *r, int year, int group, int metric, int replicate);
const iapt_run_stats *iapt_results_stats(const iapt_results *r);

/* The economics of the run (include iaptsim/econ.h for the names). The ledger holds, for
 * each replicate, the flows the programme changes (treated path minus natural course, plus
 * the programme's own costs) at national scale in GBP of the price year, or QALYs, by the
 * financial year they fall in (first_year .. first_year + ledger_years - 1), the cohort
 * (financial year of referral, first_year .. last_year), category and perspective tag.
 * NaN outside those ranges. */
int iapt_results_ledger_years(const iapt_results *r);
double iapt_results_ledger(const iapt_results *r, int rep, int year, int cohort, int category, int tag);
const struct iapt_econ_settings *iapt_results_econ_settings(const iapt_results *r);
/* Measure m (iapt_econ_measure_name) of a perspective for a replicate; NaN if undefined. */
double iapt_results_econ(const iapt_results *r, int rep, int perspective, int measure);

/* Metrics that the scenario's plugins declare, named "<plugin>.<metric>", reported for
 * group "all": counts at national scale, levels as set. */
size_t iapt_results_extra_count(const iapt_results *r);
const char *iapt_results_extra_name(const iapt_results *r, size_t k);
const char *iapt_results_extra_doc(const iapt_results *r, size_t k);
double iapt_results_extra(const iapt_results *r, int year, size_t k, int replicate);

/* The value drawn for the scenario's uncertain parameter k (sc->uncertain[k]) in a
 * replicate; NaN outside the ranges. */
double iapt_results_draw(const iapt_results *r, int replicate, size_t k);

/* The lines plugins logged in a replicate (ctx:log, print), or NULL. */
const char *iapt_results_log(const iapt_results *r, int replicate);

#ifdef __cplusplus
}
#endif
#endif
