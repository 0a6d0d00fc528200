/* Engine internals shared by engine.c, metrics.c and the tests. */
#ifndef IAPT_ENGINE_H
#define IAPT_ENGINE_H

#include <stdint.h>
#include "iaptsim/sim.h"
#include "params/params_internal.h"

#define IAPT_WEEKS_PER_YEAR 52

/* Raw counters per (year, group); metrics are derived from these in metrics.c. */
enum {
	IAPT_C_REFERRALS,
	IAPT_C_ENTERED,
	IAPT_C_NOT_ENTERED,
	IAPT_C_FINISHED,
	IAPT_C_FIN_CASENESS,
	IAPT_C_RECOVERED,
	IAPT_C_RELIABLE_IMPROVEMENT,
	IAPT_C_RELIABLE_DETERIORATION,
	IAPT_C_RELIABLE_RECOVERY,
	IAPT_C_SESSIONS_FINISHED,
	IAPT_C_WITHIN_6WK,
	IAPT_C_WITHIN_18WK,
	IAPT_C_WAIT_WEEKS_ENTERED,
	IAPT_C_NATURAL_RECOVERED,
	IAPT_C_ATTENDED,
	IAPT_C_MISSED,
	IAPT_C__COUNT
};

typedef struct iapt_counters {
	int n_years;
	double *c; /* [year][group][counter] */
} iapt_counters;

#define IAPT_CTR(ct, y, g, k) ((ct)->c[((size_t)(y) * IAPT_G__COUNT + (size_t)(g)) * IAPT_C__COUNT + (size_t)(k)])

/* What a hook sees of a person when their referral ends. */
typedef struct iapt_person_view {
	uint64_t id;
	int arrival_week, first_week, end_week; /* week indices from the start of the run; -1 if none */
	int attended, missed, sessions_li, sessions_hi;
	int phq_first, gad_first, phq_last, gad_last; /* -1 if none */
	int problem, employment, ltc, ltc_type, age_band, female;
	unsigned flags; /* IAPT_O_* */
} iapt_person_view;

/* Engine hook table: the Lua host is one implementation, tests are another. */
typedef struct iapt_hooks {
	void *data;
	int (*on_end)(void *data, const iapt_person_view *p);
} iapt_hooks;

struct iapt_results {
	int first_year, last_year, replicates;
	double *values; /* [replicate][year][group][metric] */
	iapt_run_stats stats;
};

/* Check the scenario's parameters for every simulated year (weights that sum to zero,
 * shares that add to more than one). */
int iapt_engine__validate(const iapt_scenario *sc);

/* Run replicate `rep` into counters (allocated by the caller, n_years = reported years). */
int iapt_engine__run_replicate(const iapt_scenario *sc, int rep, const iapt_hooks *hooks,
			       iapt_counters *out, iapt_run_stats *stats);

/* Turn one replicate's counters into metric values [year][group][metric]. */
void iapt_metrics__derive(const iapt_counters *ct, double scale, double *values);

#endif
