/* Engine internals shared by the engine's files (core/engine/), the MPI layer and the tests. */
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
	IAPT_C_FIN_END_EMPLOYED, /* finished courses by employment status at the end: 4 in IAPT_EMPLOYMENT_LIST order */
	IAPT_C_FIN_END_LAST = IAPT_C_FIN_END_EMPLOYED + IAPT_EMP__COUNT - 1,
	IAPT_C_MOVED_OFF,        /* finished courses moved off sick pay and benefits */
	IAPT_C_SECOND,           /* second attended sessions (group "all" only) */
	IAPT_C_SECOND_OVER_90D,  /* of those, more than 90 days after the first */
	IAPT_C_SECOND_WEEKS,     /* weeks from first to second, summed */
	IAPT_C__COUNT
};

/* Per-service counters (results/services.csv): [year][service][IAPT_SC__COUNT] */
enum {
	IAPT_SC_REFERRALS, IAPT_SC_ENTERED, IAPT_SC_FINISHED, IAPT_SC_FIN_CASENESS, IAPT_SC_RECOVERED,
	IAPT_SC_RELIABLE_RECOVERY, IAPT_SC_RELIABLE_IMPROVEMENT, IAPT_SC_SESSIONS_FINISHED,
	IAPT_SC_ATTENDED, IAPT_SC_MISSED, IAPT_SC_PD_RECORDED, IAPT_SC_FIN_HAD_LI, IAPT_SC_FIN_STEPPED,
	IAPT_SC_WITHIN_6WK, IAPT_SC_WAIT_WEEKS, IAPT_SC_LTC, IAPT_SC_IMD_SUM, IAPT_SC__COUNT
};

typedef struct iapt_counters {
	int n_years;
	double *c;          /* [year][group][counter] */
	int n_ledger_years; /* reported years, the drain year, then follow-up years */
	double *ledger;     /* [ledger year][cohort (reported year)][category][perspective tag] */
	/* the part of the ledger put to a person, by IMD quintile (deciles 1-2 .. 9-10), summed
	 * over cohorts: [ledger year][quintile][category][tag]; NULL: not kept */
	double *qledger;
	size_t n_extra;     /* hook metrics */
	const iapt_hook_metric *extra_defs; /* [hook metric] */
	double *extra;      /* [year][plugin metric] */
	char *log;          /* out: the plugins' log lines of the replicate (malloc'd), or NULL */
	double *draws;      /* out, if not NULL: the replicate's draws of the uncertain parameters */
	int n_svc;          /* services counted (0: none) */
	double *svc;        /* [year][service][IAPT_SC__COUNT] (services.h), or NULL */
	size_t n_hg;        /* the hooks' groups (iapt_hook_factory.groups); 0: none */
	size_t hg_row0[IAPT_HOOK_MAX_GROUPS]; /* each group's first row (its level 0) */
	size_t n_hg_rows;   /* the levels of all of them */
	double *hg;         /* [year][row][counter], or NULL */
} iapt_counters;

#define IAPT_LEDGER_SIZE(n_ly, n_years) ((size_t)(n_ly) * (size_t)(n_years) * IAPT_CAT__COUNT * IAPT_PERSP__COUNT)
#define IAPT_LEDGER(ct, ly, cohort, cat, tag) \
	((ct)->ledger[(((size_t)(ly) * (size_t)(ct)->n_years + (size_t)(cohort)) * IAPT_CAT__COUNT + (size_t)(cat)) * IAPT_PERSP__COUNT + (size_t)(tag)])

#define IAPT_QLEDGER_SIZE(n_ly) ((size_t)(n_ly) * IAPT_IMD_QUINTILES * IAPT_CAT__COUNT * IAPT_PERSP__COUNT)
#define IAPT_QLEDGER(ct, ly, q, cat, tag) \
	((ct)->qledger[(((size_t)(ly) * IAPT_IMD_QUINTILES + (size_t)(q)) * IAPT_CAT__COUNT + (size_t)(cat)) * IAPT_PERSP__COUNT + (size_t)(tag)])

#define IAPT_CTR(ct, y, g, k) ((ct)->c[((size_t)(y) * IAPT_G__COUNT + (size_t)(g)) * IAPT_C__COUNT + (size_t)(k)])

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
	char *cat_names[IAPT_CAT_PLUGIN_SLOTS]; /* plugin categories' names, owned; NULL: slot unused */
	char **extra_docs;
	int *extra_level;    /* 1: a level (set, not scaled); 0: a count */
	char **logs;         /* [replicate]: the plugins' log lines, or NULL */
	size_t n_uncertain;
	double *draws;       /* [replicate][uncertain parameter] */
	iapt_run_stats stats;
	const struct iapt_services *services; /* the run's services table (borrowed, kept for the process), or NULL */
	int n_svc;           /* services counted (0: service outputs off or synthetic services) */
	double *svc;         /* [replicate][year][service][IAPT_SC__COUNT], simulated scale */
	double scale;        /* population_scale */
	size_t n_hg_rows;    /* the hooks' groups' levels */
	char **hg_names;     /* [row] "<plugin>.<group>=<level>", owned */
	double *hg_values;   /* [replicate][year][row][metric] */
};

/* Ledger years a scenario needs: reported years, one to finish treatment, follow-up. */
int iapt_engine__ledger_years(const iapt_scenario *sc);

/* Check the scenario's parameters for every simulated year (weights that sum to zero,
 * shares that add to more than one). */
int iapt_engine__validate(const iapt_scenario *sc);

/* A warm-up's end state, kept for the draws of a group (warmup.c). */
typedef struct iapt_warmup iapt_warmup;

/* How many consecutive replicates share a warm-up (run.psa_draws_per_warm_up): 1 unless
 * the scenario has an uncertainty block, a warm-up and no hooks (has_hooks: the run has
 * a hook factory, whose state a warm-up cannot carry over). */
int iapt_engine__warmup_draws(const iapt_scenario *sc, int has_hooks);
void iapt_engine__warmup_free(iapt_warmup *w);

/* Run replicate `rep` into counters (allocated by the caller, n_years = reported years);
 * hooks may be NULL. shared: NULL, every replicate simulates its own warm-up; else a
 * cache of the caller's (*shared NULL at first, freed with iapt_engine__warmup_free): the
 * replicates of group rep / draws (draws: iapt_engine__warmup_draws, > 1) continue from
 * the warm-up of the group's first replicate, simulated once into the cache and reused
 * while the group stays the same. The results do not depend on what the cache held. */
int iapt_engine__run_replicate(const iapt_scenario *sc, int rep, const iapt_hooks *hooks,
			       iapt_counters *out, iapt_run_stats *stats, iapt_warmup **shared, int draws);

/* A hand-made discharge for the follow-up tests: scores at first and last session on
 * treatment and on the natural course, problem (param_list.h order), employment (an
 * IAPT_EMP_* status, or IAPT_EMP__COUNT for employed on sick pay; the same on both paths),
 * LTC, high-intensity sessions (0: LI only). */
typedef struct iapt_fu_case {
	int phq_first, gad_first, phq_last, gad_last, nat_phq_last, nat_gad_last;
	int problem, employment, ltc, sessions_hi;
	int imd; /* IMD decile 1-10; 0 counts as 1 */
} iapt_fu_case;

/* Follow n copies of a case (ids 0..n-1) from week 0, with the parameters of the first
 * year and burn-in ignored, into ct->ledger (cohort 0; ledger year 0 is the first year). */
int iapt_engine__follow_up_cohort(const iapt_scenario *sc, const iapt_fu_case *c, int n, iapt_counters *ct);

/* Turn one replicate's counters into metric values [year][group][metric]. */
void iapt_metrics__derive(const iapt_counters *ct, double scale, double *values);
/* And the hooks' groups' counters into [year][row][metric]. */
void iapt_metrics__derive_hook_groups(const iapt_counters *ct, double scale, double *values);

#endif
