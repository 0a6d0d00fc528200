/* Engine internals shared by engine.c, metrics.c and the tests. */
#ifndef IAPT_ENGINE_H
#define IAPT_ENGINE_H

#include <stdint.h>
#include "iaptsim/econ.h"
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
	IAPT_C_WTE_LI, /* effective WTE x population scale, group "all" only */
	IAPT_C_WTE_HI,
	IAPT_C_TRAINEES,
	IAPT_C__COUNT
};

typedef struct iapt_counters {
	int n_years;
	double *c;          /* [year][group][counter] */
	int n_ledger_years; /* reported years, the drain year, then follow-up years */
	double *ledger;     /* [ledger year][cohort (reported year)][category][perspective tag] */
	size_t n_extra;     /* plugin metrics */
	double *extra;      /* [year][plugin metric] */
	char *log;          /* out: the plugins' log lines of the replicate (malloc'd), or NULL */
	double *draws;      /* out, if not NULL: the replicate's draws of the uncertain parameters */
} iapt_counters;

#define IAPT_LEDGER_SIZE(n_ly, n_years) ((size_t)(n_ly) * (size_t)(n_years) * IAPT_CAT__COUNT * IAPT_PERSP__COUNT)
#define IAPT_LEDGER(ct, ly, cohort, cat, tag) \
	((ct)->ledger[(((size_t)(ly) * (size_t)(ct)->n_years + (size_t)(cohort)) * IAPT_CAT__COUNT + (size_t)(cat)) * IAPT_PERSP__COUNT + (size_t)(tag)])

#define IAPT_CTR(ct, y, g, k) ((ct)->c[((size_t)(y) * IAPT_G__COUNT + (size_t)(g)) * IAPT_C__COUNT + (size_t)(k)])

/* ---- plugin hooks ----
 * The engine calls hooks through this table and never sees Lua: the Lua host
 * (core/lua/host.c) is one implementation, the tests are another. A hook returns IAPT_OK
 * or an error code with the message already set. */
enum {
	IAPT_HOOK_SETUP = 1 << 0,
	IAPT_HOOK_YEAR = 1 << 1,
	IAPT_HOOK_REFERRAL = 1 << 2,
	IAPT_HOOK_DISCHARGE = 1 << 3,
	IAPT_HOOK_FINISH = 1 << 4
};
enum { IAPT_ROUTE_LI, IAPT_ROUTE_HI, IAPT_ROUTE_SIGNPOST };
enum { IAPT_EMP_EMPLOYED, IAPT_EMP_UNEMPLOYED, IAPT_EMP_OTHER };

/* A person as hooks see them. The engine fills it before the hook and copies the writable
 * fields back after it: at referral problem, employment, ltc, ltc_type, integrated,
 * responsiveness, phq9, gad7, route, mark; at discharge employment (the treated path's
 * status from discharge on), integrated, mark. */
typedef struct iapt_hook_person {
	uint32_t id;
	int service;            /* 0-based */
	int year;               /* financial year of referral (before first_year in warm-up) */
	int arrival_week, first_week, end_week; /* week indices from the start of the run; -1 if none */
	int end_year;           /* financial year of end_week (at discharge) */
	int age_band, female;
	int problem, employment, ltc, ltc_type, integrated, route, mark;
	double responsiveness;  /* response to a session before the LTC effect (mean 1) */
	double phq9, gad7;      /* severity at referral (latent scores) */
	int route_set;          /* the hook chose the route */
	/* at discharge */
	int attended, missed, sessions_li, sessions_hi;
	int phq_first, gad_first, phq_last, gad_last; /* -1 if none */
	unsigned flags;         /* IAPT_O_* of a finished course with scores */
} iapt_hook_person;

typedef struct iapt_run iapt_run; /* one replicate in progress, opaque to hooks */

typedef struct iapt_hooks {
	void *data;
	unsigned has; /* IAPT_HOOK_* bits: a hook not named here is never called */
	int (*begin)(void *data, iapt_run *run); /* replicate start (calls setup) */
	int (*on_year)(void *data, iapt_run *run, int year);
	int (*on_referral)(void *data, iapt_run *run, iapt_hook_person *p);
	int (*on_discharge)(void *data, iapt_run *run, iapt_hook_person *p);
	/* replicate end: on_finish when ok, then release; called whenever begin succeeded */
	int (*end)(void *data, iapt_run *run, int ok);
} iapt_hooks;

/* What hooks may ask of the run. */
typedef struct iapt_run_info {
	unsigned long long seed;
	int replicate, first_year, last_year;
	int year;       /* financial year in force (first_year during warm-up) */
	int week;       /* week index of the current event */
	int n_services;
	double population_scale;
} iapt_run_info;

void iapt_run__info(const iapt_run *r, iapt_run_info *out);
/* Parameter idx in financial year `year` (0: the year in force), in its own unit. */
double iapt_run__param(const iapt_run *r, size_t idx, int year);
/* Set a parameter for this replicate from `year` on (0: the base value). Only in setup and
 * on_year; not the parameters that shape the run; not years already simulated. */
int iapt_run__set_param(iapt_run *r, size_t idx, int year, double value);
/* The parameter combinations checked as the scenario's are (weights, shares), in every
 * reported year: after a hook has set parameters. */
int iapt_run__check_params(const iapt_run *r);
/* A flow in the ledger: category, perspective tag, amount in GBP of the price year (or
 * QALYs) at the simulated scale, in the current year for the current cohort. */
int iapt_run__flow(iapt_run *r, int category, int tag, double amount);
/* Plugin metric k (scenario order): add v to the count of financial year `year` (0: the
 * year of the event in hand), or set its level. Years outside the reported ones are
 * ignored. */
int iapt_run__metric(iapt_run *r, size_t k, double v, int set, int year);
/* The replicate's metrics [year][group][metric] (only in on_finish). */
const double *iapt_run__values(const iapt_run *r);
/* A line for the run's log (kept per replicate, at most IAPT_LOG_MAX_LINES). */
#define IAPT_LOG_MAX_LINES 200
int iapt_run__log(iapt_run *r, const char *line);
/* The stream key of (entity, purpose PLUGIN) in this replicate. */
uint64_t iapt_run__key(const iapt_run *r, uint64_t entity);

struct iapt_results {
	int first_year, last_year, replicates;
	double *values; /* [replicate][year][group][metric] */
	int n_ledger_years;
	double *ledger; /* [replicate][ledger year][cohort][category][tag], national scale */
	iapt_econ_settings econ;
	int n_measures;
	double *econ_values; /* [replicate][perspective][measure] */
	size_t n_extra;
	double *extra;       /* [replicate][year][plugin metric], national scale for counts */
	char **extra_names;  /* [plugin metric], owned */
	char **extra_docs;
	int *extra_level;    /* 1: a level (set, not scaled); 0: a count */
	char **logs;         /* [replicate]: the plugins' log lines, or NULL */
	size_t n_uncertain;
	double *draws;       /* [replicate][uncertain parameter] */
	iapt_run_stats stats;
};

/* Ledger years a scenario needs: reported years, one to finish treatment, follow-up. */
int iapt_engine__ledger_years(const iapt_scenario *sc);

/* Check the scenario's parameters for every simulated year (weights that sum to zero,
 * shares that add to more than one). */
int iapt_engine__validate(const iapt_scenario *sc);

/* Run replicate `rep` into counters (allocated by the caller, n_years = reported years). */
int iapt_engine__run_replicate(const iapt_scenario *sc, int rep, const iapt_hooks *hooks,
			       iapt_counters *out, iapt_run_stats *stats);

/* A hand-made discharge for the follow-up tests: scores at first and last session on
 * treatment and on the natural course, problem (param_list.h order), employment (0
 * employed, 1 unemployed or sick, 2 other), LTC, high-intensity sessions (0: LI only). */
typedef struct iapt_fu_case {
	int phq_first, gad_first, phq_last, gad_last, nat_phq_last, nat_gad_last;
	int problem, employment, ltc, sessions_hi;
} iapt_fu_case;

/* Follow n copies of a case (ids 0..n-1) from week 0, with the parameters of the first
 * year and burn-in ignored, into ct->ledger (cohort 0; ledger year 0 is the first year). */
int iapt_engine__follow_up_cohort(const iapt_scenario *sc, const iapt_fu_case *c, int n, iapt_counters *ct);

/* Turn one replicate's counters into metric values [year][group][metric]. */
void iapt_metrics__derive(const iapt_counters *ct, double scale, double *values);

#endif
