/* iaptsim: the microsimulation engine.
 *
 * iapt_sim_run follows every referral of a scenario week by week through waiting,
 * stepped care and discharge, for each replicate, and returns per-replicate metrics by
 * financial year and group. Replicates are independent and keyed by the seed, so results
 * do not depend on the order or thread in which replicates run. */
#ifndef IAPTSIM_SIM_H
#define IAPTSIM_SIM_H

#include <stddef.h>
#include "iaptsim/hooks.h"
#include "iaptsim/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Groups of people that metrics are reported for: X(ID, "name"). A person is in "all",
 * their step (once their course ends), and one group of each attribute at referral (the
 * value lists of iaptsim/hooks.h, in their order), plus the published age aggregates
 * (under_18, 18_35, 26_64, 65_plus, which overlap: 26_35 is in both 18_35 and 26_64). */
#define IAPT_GROUP_LIST(X) \
	X(ALL, "all") \
	X(STEP_LI_ONLY, "step=li_only") \
	X(STEP_LI_THEN_HI, "step=li_then_hi") \
	X(STEP_HI_ONLY, "step=hi_only") \
	X(IMD_1, "imd_decile=1") X(IMD_2, "imd_decile=2") X(IMD_3, "imd_decile=3") X(IMD_4, "imd_decile=4") \
	X(IMD_5, "imd_decile=5") X(IMD_6, "imd_decile=6") X(IMD_7, "imd_decile=7") X(IMD_8, "imd_decile=8") \
	X(IMD_9, "imd_decile=9") X(IMD_10, "imd_decile=10") \
	X(AGE_UNDER_16, "age=under_16") X(AGE_16_17, "age=16_17") X(AGE_18_25, "age=18_25") \
	X(AGE_26_35, "age=26_35") X(AGE_36_64, "age=36_64") X(AGE_65_74, "age=65_74") \
	X(AGE_75_89, "age=75_89") X(AGE_90_PLUS, "age=90_plus") \
	X(AGE_UNDER_18, "age=under_18") X(AGE_18_35, "age=18_35") X(AGE_26_64, "age=26_64") \
	X(AGE_65_PLUS, "age=65_plus") \
	X(GENDER_FEMALE, "gender=female") X(GENDER_MALE, "gender=male") X(GENDER_OTHER, "gender=other") \
	X(ETH_WHITE, "ethnicity=white") X(ETH_MIXED, "ethnicity=mixed") X(ETH_ASIAN, "ethnicity=asian") \
	X(ETH_BLACK, "ethnicity=black") X(ETH_OTHER, "ethnicity=other") \
	X(PROB_DEPRESSION, "problem=depression") X(PROB_GAD, "problem=generalised_anxiety") \
	X(PROB_MIXED, "problem=mixed_anxiety_depression") X(PROB_SOCIAL_ANXIETY, "problem=social_anxiety") \
	X(PROB_PTSD, "problem=ptsd") X(PROB_PANIC, "problem=panic") X(PROB_OCD, "problem=ocd") \
	X(PROB_HEALTH_ANXIETY, "problem=health_anxiety") X(PROB_AGORAPHOBIA, "problem=agoraphobia") \
	X(PROB_SPECIFIC_PHOBIA, "problem=specific_phobia") X(PROB_OTHER_ANXIETY, "problem=other_anxiety") \
	X(PROB_OTHER, "problem=other") \
	X(LTC_YES, "ltc=yes") \
	X(LTC_NO, "ltc=no") \
	X(EMP_START_EMPLOYED, "employment_start=employed") \
	X(EMP_START_UNEMPLOYED, "employment_start=unemployed") \
	X(EMP_START_SICK_OR_DISABLED, "employment_start=sick_or_disabled") \
	X(EMP_START_NOT_SEEKING_WORK, "employment_start=not_seeking_work") \
	X(EMP_END_EMPLOYED, "employment_end=employed") \
	X(EMP_END_UNEMPLOYED, "employment_end=unemployed") \
	X(EMP_END_SICK_OR_DISABLED, "employment_end=sick_or_disabled") \
	X(EMP_END_NOT_SEEKING_WORK, "employment_end=not_seeking_work")

typedef enum iapt_group {
#define IAPT_X_(id, name) IAPT_G_##id,
	IAPT_GROUP_LIST(IAPT_X_)
#undef IAPT_X_
	IAPT_G__COUNT
} iapt_group;

/* Metrics: X(ID, "name", by, "doc"). Names match data/national_annual.csv columns where
 * they exist. Counts are at national scale (divided by population_scale); rates are
 * percentages. by: 1 reported by step of care and by employment at the end too; 0 not by
 * those (a referral's step and final status are not known when it is referred); -1 group
 * "all" only (the workforce is not split by group; sessions are counted as they happen,
 * and counting each by every group would slow the engine's innermost loop).
 * Adding a metric: a row here and its formula in core/engine/metrics.c. */
#define IAPT_METRIC_LIST(X) \
	X(REFERRALS_RECEIVED, "referrals_received", 0, "Referrals received in the year (national scale)") \
	X(ENTERED_TREATMENT, "entered_treatment", 0, "Referrals with a first attended treatment session in the year (national scale)") \
	X(FINISHED_COURSE, "finished_course", 1, "Referrals ended in the year with at least two attended treatment sessions (national scale)") \
	X(FINISHED_AT_CASENESS, "finished_at_caseness", 1, "Finished courses at caseness at the first score (PHQ-9 >= 10 or GAD-7 >= 8)") \
	X(RECOVERY_PCT, "recovery_pct", 1, "100 x recovered / (finished - finished not at caseness at first score)") \
	X(RELIABLE_IMPROVEMENT_PCT, "reliable_improvement_pct", 1, "100 x reliably improved (PHQ-9 -6 or GAD-7 -4, no reliable deterioration) / finished") \
	X(RELIABLE_RECOVERY_PCT, "reliable_recovery_pct", 1, "100 x recovered and reliably improved / (finished - finished not at caseness at first score)") \
	X(RELIABLE_DETERIORATION_PCT, "reliable_deterioration_pct", 1, "100 x reliably deteriorated (PHQ-9 +6 or GAD-7 +4) / finished") \
	X(MEAN_SESSIONS_FINISHED, "mean_sessions_finished", 1, "Mean attended treatment sessions per finished course") \
	X(WITHIN_6WK_PCT, "first_treatment_within_6wk_pct", 1, "100 x finished courses whose first treatment came within 6 weeks of referral / finished") \
	X(WITHIN_18WK_PCT, "first_treatment_within_18wk_pct", 1, "100 x finished courses whose first treatment came within 18 weeks of referral / finished") \
	X(MEAN_WAIT_WEEKS, "mean_wait_weeks", 0, "Mean weeks from referral to first attended treatment session, among those entering in the year") \
	X(ENDED_NOT_ENTERED, "ended_not_entered", 0, "Referrals ended in the year without an attended treatment session (national scale)") \
	X(NATURAL_RECOVERY_PCT, "natural_recovery_pct", 1, "Recovery rate of the same finishers on their natural course (no treatment), same first score and dates") \
	X(SESSIONS_ATTENDED, "sessions_attended", -1, "Attended treatment sessions in the year (national scale)") \
	X(SESSIONS_MISSED, "sessions_missed", -1, "Booked treatment sessions not attended in the year (national scale)") \
	X(WTE_LI, "workforce_li_wte", -1, "Low-intensity capacity in WTE: planned workforce + qualified added + trainees x trainee capacity") \
	X(WTE_HI, "workforce_hi_wte", -1, "High-intensity capacity in WTE: planned workforce + qualified added + trainees x trainee capacity") \
	X(TRAINEES, "trainees", -1, "Low- and high-intensity trainees in training in the year") \
	X(FINISHED_END_EMPLOYED, "finished_end_employed", 1, "Finished courses employed (on sick pay or not) at the end of treatment (national scale)") \
	X(FINISHED_END_UNEMPLOYED, "finished_end_unemployed", 1, "Finished courses unemployed and seeking work at the end of treatment (national scale)") \
	X(FINISHED_END_SICK_OR_DISABLED, "finished_end_sick_or_disabled", 1, "Finished courses long-term sick or disabled at the end of treatment (national scale)") \
	X(FINISHED_END_NOT_SEEKING_WORK, "finished_end_not_seeking_work", 1, "Finished courses not seeking work at the end of treatment (national scale)") \
	X(MOVED_OFF_SICK_PAY_BENEFITS, "moved_off_sick_pay_benefits", 1, "Finished courses on sick pay or benefits (unemployed, long-term sick or disabled) at the start and on neither at the end, as Chen and Cardinal 2021 count them (national scale)") \
	X(SECOND_OVER_90D_PCT, "second_session_over_90d_pct", -1, "100 x people whose second attended treatment session, in the year, came more than 90 days (13 weeks or more) after their first / people with a second attended session in the year (the hidden wait: access.first_treatment_priority_weeks; group all only)") \
	X(MEAN_WEEKS_FIRST_TO_SECOND, "mean_weeks_first_to_second", -1, "Mean weeks from the first to the second attended treatment session, of the second sessions in the year (group all only)")

typedef enum iapt_metric {
#define IAPT_X_(id, name, by, doc) IAPT_M_##id,
	IAPT_METRIC_LIST(IAPT_X_)
#undef IAPT_X_
	IAPT_M__COUNT
} iapt_metric;

/* "all", "step=li_only", ... and "recovery_pct", ...: static strings. */
const char *iapt_group_name(int group);
const char *iapt_metric_name(int metric);
/* The group or metric of a name ("imd_decile=1", "recovery_pct"); -1 if none. */
int iapt_group_find(const char *name);
int iapt_metric_find(const char *name);
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
	iapt_progress_fn progress;  /* counts this process's replicates; may be NULL */
	void *progress_data;
	/* the hooks (plugins) of the run, or NULL for none; a scenario with plugins needs the
	 * Lua host's factory (iapt_plugin_host_hooks in iaptsim/plugin.h): with none, or one
	 * of the program's own (runs_plugins 0), the run fails with IAPT_EINVAL */
	const iapt_hook_factory *hooks;
	/* this process runs replicates first_replicate, + stride, + 2 stride, ... (stride 0 or
	 * 1: all); the other replicates' values are NaN, for a distributor to fill
	 * (iapt_sim_run_distributed) */
	int first_replicate, replicate_stride;
} iapt_run_options;

/* The defaults: one thread, no progress, no hooks, every replicate. */
#define IAPT_RUN_OPTIONS_INIT {.threads = 1, .progress = NULL, .progress_data = NULL, .hooks = NULL, \
			       .first_replicate = 0, .replicate_stride = 1}

/* Check what parsing cannot: parameter combinations for every simulated year (weights that
 * sum to zero, shares that add up to more than one), and the values that shape the run
 * again, as a program may change them after loading: replicates, years and
 * population_scale within the parser's bounds (iaptsim/scenario.h), and a scale that
 * gives every simulated year at least one referral; and each loaded plugin's service
 * options (`service = true`, iaptsim/scenario.h) against the services table, the message
 * naming the option, the value and the nearest codes (a value from the scenario at its
 * place: "file:LINE:COL: ...", then the line and a caret); and that no parameter with a
 * distribution in the uncertainty block was given a value after the scenario was read
 * (iapt_params_set, --set: the draws would replace it; IAPT_EINVAL naming both places).
 * IAPT_ERANGE or IAPT_EINVAL, with a message naming the value and its bounds.
 * iapt_sim_run does this first too. */
int iapt_engine_check(const iapt_scenario *sc);

/* How many consecutive replicates of a run share one warm-up (run.psa_draws_per_warm_up,
 * docs/uncertainty.md, "One warm-up for several draws"): the parameter's value when the
 * scenario has an uncertainty block, a warm-up, and neither plugins nor opt->hooks;
 * otherwise 1, and *why_not (when why_not is not NULL and the parameter is above 1) a
 * static sentence saying which of those is missing (NULL when the parameter applies or
 * is 1). opt may be NULL. */
int iapt_sim_draws_per_warm_up(const iapt_scenario *sc, const iapt_run_options *opt, const char **why_not);

/* Run a scenario. *out owns the per-replicate metrics; free with iapt_results_free. */
int iapt_sim_run(iapt_results **out, const iapt_scenario *sc, const iapt_run_options *opt);

/* iapt_sim_run across the ranks of MPI_COMM_WORLD in MPI builds with MPI initialised:
 * rank k runs replicates k, k + n, ...; then every rank gets every replicate's results,
 * copied exactly, or every rank the same error (the lowest failing rank's). Otherwise
 * the same as iapt_sim_run. opt's first_replicate and replicate_stride are ignored. */
int iapt_sim_run_distributed(iapt_results **out, const iapt_scenario *sc, const iapt_run_options *opt);

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

/* Metrics that the run's hooks declare (iapt_hook_factory.metrics; plugins name theirs
 * "<plugin>.<metric>"), reported for group "all": counts at national scale, levels as set. */
size_t iapt_results_extra_count(const iapt_results *r);
const char *iapt_results_extra_name(const iapt_results *r, size_t k);
/* A ledger category's name in r: the core's (iapt_category_name), or for a plugin slot
 * (IAPT_CAT_PLUGIN_*) the name the run's hooks gave it; NULL for a slot not in use or a
 * category out of range. Borrowed from r. */
const char *iapt_results_category_name(const iapt_results *r, int category);
const char *iapt_results_extra_doc(const iapt_results *r, size_t k);
double iapt_results_extra(const iapt_results *r, int year, size_t k, int replicate);

/* Groups that the run's hooks declare (iapt_hook_factory.groups), one row per level:
 * "<plugin>.<group>=<level>", in the factory's order, levels in declared order. A row has
 * the metrics of an attribute group (iapt_metric_in_group(m, IAPT_G_LTC_YES)); value as
 * iapt_results_value, NaN for the others or out of range. Names borrowed from r. */
size_t iapt_results_hook_group_count(const iapt_results *r);
const char *iapt_results_hook_group_name(const iapt_results *r, size_t k);
double iapt_results_hook_group_value(const iapt_results *r, int year, size_t k, int metric, int replicate);

/* ---- services (results/services.csv; docs/model.md, Services) ----
 * Measures per service and year: X(ID, "name", "doc"); counts at national scale. */
#define IAPT_SERVICE_MEASURE_LIST(X) \
	X(REFERRALS_RECEIVED, "referrals_received", "Referrals received in the year") \
	X(ENTERED_TREATMENT, "entered_treatment", "Referrals with a first attended treatment session in the year") \
	X(FINISHED_COURSE, "finished_course", "Referrals ended in the year with at least two attended treatment sessions") \
	X(FINISHED_AT_CASENESS, "finished_at_caseness", "Finished courses at caseness at the first score") \
	X(RECOVERY_PCT, "recovery_pct", "100 x recovered / finished at caseness") \
	X(RELIABLE_RECOVERY_PCT, "reliable_recovery_pct", "100 x recovered and reliably improved / finished at caseness") \
	X(RELIABLE_IMPROVEMENT_PCT, "reliable_improvement_pct", "100 x reliably improved / finished") \
	X(MEAN_SESSIONS_FINISHED, "mean_sessions_finished", "Mean attended treatment sessions per finished course") \
	X(DNA_PCT, "dna_pct", "100 x missed / booked treatment sessions in the year") \
	X(PD_RECORDED_PCT, "pd_recorded_pct", "100 x finished courses with a problem descriptor recorded / finished") \
	X(STEP_UP_PCT, "step_up_pct", "100 x finished courses stepped up from LI to HI / finished courses with LI") \
	X(ENTERED_TREATMENT_PCT, "entered_treatment_pct", "100 x entered treatment / referrals received in the year") \
	X(WITHIN_6WK_PCT, "first_treatment_within_6wk_pct", "100 x finished courses with a first treatment within 6 weeks / finished") \
	X(MEAN_WAIT_WEEKS, "mean_wait_weeks", "Mean weeks from referral to first treatment, of those entering in the year") \
	X(LTC_PCT, "ltc_pct", "100 x referrals with a long-term condition / referrals") \
	X(IMD_MEAN_DECILE, "imd_mean_decile", "Mean IMD decile of referrals (1 least deprived .. 10 most)")

typedef enum iapt_service_measure {
#define IAPT_X_(id, name, doc) IAPT_SM_##id,
	IAPT_SERVICE_MEASURE_LIST(IAPT_X_)
#undef IAPT_X_
	IAPT_SM__COUNT
} iapt_service_measure;

const char *iapt_service_measure_name(int measure);
/* The summary.csv metric of the same name (iapt_metric_find), or -1. */
int iapt_service_measure_metric(int measure);

typedef struct iapt_service_info {
	const char *code, *name, *icb_code, *region_code, *region; /* borrowed from the results */
	const char *icb_name; /* the ICB's name (the table's icb_name), borrowed from the results;
	                       * NULL when the table names no ICB */
} iapt_service_info;

/* Where a scenario's services come from (its `services:`), for provenance (run.json). */
typedef enum iapt_services_kind {
	IAPT_SERVICES_KIND_BUILTIN,   /* the built-in table: data/services.csv with data/services_residuals.csv */
	IAPT_SERVICES_KIND_FILE,      /* a table of the scenario's own */
	IAPT_SERVICES_KIND_SYNTHETIC  /* services: synthetic (no table) */
} iapt_services_kind;

typedef struct iapt_services_source {
	iapt_services_kind kind;
	const char *path;   /* the file read (a scenario's path as resolved; "data/services.csv"
	                     * for the built-in one); NULL for synthetic services */
	const char *sha256; /* SHA-256 of the table's bytes, 64 lowercase hex digits (the built-in
	                     * one: of data/services.csv's bytes then data/services_residuals.csv's);
	                     * NULL for synthetic services */
} iapt_services_source;

/* The services table sc runs with, read (and checked) if not yet read, into *out; the
 * strings are borrowed for the life of the process. Errors as iapt_engine_check's for the
 * table: IAPT_ENOTFOUND or IAPT_EIO for a file that cannot be read, IAPT_EPARSE
 * "path:line: ..." for a bad one. */
int iapt_services_source_of(const iapt_scenario *sc, iapt_services_source *out);

/* Services counted in the run (the services table's, in its order): 0 when the scenario
 * has synthetic services or service outputs are off (output: services: false). */
int iapt_results_services(const iapt_results *r);
/* Service k's identity; IAPT_ERANGE outside 0 .. iapt_results_services - 1. */
int iapt_results_service_info(const iapt_results *r, int k, iapt_service_info *out);
/* A measure of service k in a year and replicate; NaN when undefined or out of range. */
double iapt_results_service_value(const iapt_results *r, int year, int k, int measure, int replicate);
/* NHS regions of the services (sorted by code): count (0 when iapt_results_services is 0),
 * identity (code and name, borrowed from the results; IAPT_ERANGE outside 0 ..
 * iapt_results_regions - 1), and a measure of the region's services pooled (their counts
 * summed, then the measure; NaN when undefined or out of range). */
int iapt_results_regions(const iapt_results *r);
int iapt_results_region_info(const iapt_results *r, int j, const char **code, const char **name);
double iapt_results_region_value(const iapt_results *r, int year, int j, int measure, int replicate);
/* Integrated care boards of the services (each service's icb_code, sorted by code), as the
 * regions: count, identity and pooled measure. The identity is the code and the name the
 * services table gives it (icb_name; the built-in table names all 42 ICBs, as
 * data/stp_icb_region_lookup.csv), both borrowed from the results; *name is NULL when the
 * table names no ICB (a table without icb_name, or empty cells). IAPT_ERANGE outside 0 ..
 * iapt_results_icbs - 1, leaving *code and *name as they were. */
int iapt_results_icbs(const iapt_results *r);
int iapt_results_icb_info(const iapt_results *r, int j, const char **code, const char **name);
double iapt_results_icb_value(const iapt_results *r, int year, int j, int measure, int replicate);

/* The value drawn for the scenario's uncertain parameter k (sc->uncertain[k]) in a
 * replicate; NaN outside the ranges. */
double iapt_results_draw(const iapt_results *r, int replicate, size_t k);

/* The lines plugins logged in a replicate (ctx:log, print), or NULL. */
const char *iapt_results_log(const iapt_results *r, int replicate);

#ifdef __cplusplus
}
#endif
#endif
