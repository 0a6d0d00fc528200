/* iaptsim: hooks, the engine's plugin interface.
 *
 * The engine calls code of yours at fixed points of a replicate through a table of
 * function pointers (iapt_hooks). The Lua host (iaptsim/plugin.h) is one implementation;
 * a C program or a test can be another. A run gets hooks from a factory
 * (iapt_hook_factory): one hook set per worker thread, so hooks never share state across
 * threads; state meant for one replicate should start afresh in on_setup, so that results
 * do not depend on which thread ran which replicate.
 *
 * Each concept is one list here (X-macros): the hooks, the person fields hooks see and
 * the value names of categorical fields. Everything else (the enums, the struct, the Lua
 * names and their read and write rules, the listings) is generated from them. */
#ifndef IAPTSIM_HOOKS_H
#define IAPTSIM_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the hooks: X(ID, name, doc) ----
 * Adding one: a row here, a member of iapt_hooks (below) named as the hook, the engine's
 * call and the Lua host's trampoline (core/lua/host.c). New rows go at the end: a hook's
 * index keys the streams of math.random in plugins. */
#define IAPT_HOOK_LIST(X) \
	X(SETUP, setup, "once per replicate, before the first simulated week (warm-up included)") \
	X(ON_YEAR, on_year, "at the start of each reported financial year, before its parameters are read") \
	X(ON_REFERRAL, on_referral, "at every referral, after the person is drawn and before they are routed") \
	X(ON_DISCHARGE, on_discharge, "when a referral ends, before it is counted (an employment status it sets counts at the end) and before follow-up") \
	X(ON_FINISH, on_finish, "once per replicate, after the last discharge") \
	X(ON_WAIT, on_wait, "while a person waits for their first session, at the weeks since referral the plugin declares (wait_checkpoints)") \
	X(ON_SESSION, on_session, "at each booked session, attended or missed, once its outcome is drawn and before it is applied") \
	X(ON_STEP_UP, on_step_up, "when a person steps up from low to high intensity, before they join the high-intensity list") \
	X(ON_FOLLOWUP, on_followup, "once at the start of follow-up, after on_discharge, for those followed up")

enum {
#define IAPT_X_(id, name, doc) IAPT_HOOK_I_##id,
	IAPT_HOOK_LIST(IAPT_X_)
#undef IAPT_X_
	IAPT_HOOK__COUNT
};

/* Hook bits: which hooks a hook set (or a plugin) defines. */
enum {
#define IAPT_X_(id, name, doc) IAPT_HOOK_##id = 1 << IAPT_HOOK_I_##id,
	IAPT_HOOK_LIST(IAPT_X_)
#undef IAPT_X_
	IAPT_HOOK__ALL = (1 << IAPT_HOOK__COUNT) - 1
};

/* "setup", "on_year", ...: static strings; NULL outside [0, IAPT_HOOK__COUNT). */
const char *iapt_hook_name(int hook);
const char *iapt_hook_doc(int hook);

/* ---- value names of the categorical person fields: X(ID, "name") ---- */
/* The value lists below follow the order of their weights (population.*, problem.*, ltc.*;
 * docs/parameters.md) and of their groups (IAPT_GROUP_LIST, iaptsim/sim.h). */
/* the common refinement of the age bands NHS TT published in 2017-18 .. 2020-21 and since 2021-22 */
#define IAPT_AGE_LIST(X) \
	X(UNDER_16, "under_16") X(16_17, "16_17") X(18_25, "18_25") X(26_35, "26_35") X(36_64, "36_64") \
	X(65_74, "65_74") X(75_89, "75_89") X(90_PLUS, "90_plus")
/* "other": published "Indeterminate" */
#define IAPT_GENDER_LIST(X) X(FEMALE, "female") X(MALE, "male") X(OTHER, "other")
/* the five broad groups of the NHS data dictionary */
#define IAPT_ETHNICITY_LIST(X) X(WHITE, "white") X(MIXED, "mixed") X(ASIAN, "asian") X(BLACK, "black") X(OTHER, "other")
/* the published problem descriptors (docs/model.md, Who is referred, maps them) */
#define IAPT_PROBLEM_LIST(X) \
	X(DEPRESSION, "depression") X(GAD, "generalised_anxiety") X(MIXED, "mixed_anxiety_depression") \
	X(SOCIAL_ANXIETY, "social_anxiety") X(PTSD, "ptsd") X(PANIC, "panic") X(OCD, "ocd") \
	X(HEALTH_ANXIETY, "health_anxiety") X(AGORAPHOBIA, "agoraphobia") X(SPECIFIC_PHOBIA, "specific_phobia") \
	X(OTHER_ANXIETY, "other_anxiety") X(OTHER, "other")
/* employed includes those off work on sick pay (the person field sick_pay); unemployed:
 * out of work and seeking it; sick_or_disabled: long-term sick or disabled, on benefits;
 * not_seeking_work: students, the retired, those looking after a home (docs/model.md) */
#define IAPT_EMPLOYMENT_LIST(X) \
	X(EMPLOYED, "employed") X(UNEMPLOYED, "unemployed") X(SICK_OR_DISABLED, "sick_or_disabled") \
	X(NOT_SEEKING_WORK, "not_seeking_work")
/* in the order of the ltc.<condition> weights */
#define IAPT_LTC_LIST(X) \
	X(DIABETES, "diabetes") X(COPD, "copd") X(CARDIOVASCULAR, "cardiovascular") \
	X(MUSCULOSKELETAL_PAIN, "musculoskeletal_pain") X(OTHER, "other")
#define IAPT_ROUTE_LIST(X) X(LI, "li") X(HI, "hi") X(SIGNPOST, "signpost")

#define IAPT_X_(id, name) IAPT_AGE_##id,
enum { IAPT_AGE_LIST(IAPT_X_) IAPT_AGE__COUNT };
#undef IAPT_X_
#define IAPT_X_(id, name) IAPT_GENDER_##id,
enum { IAPT_GENDER_LIST(IAPT_X_) IAPT_GENDER__COUNT };
#undef IAPT_X_
#define IAPT_X_(id, name) IAPT_ETHNICITY_##id,
enum { IAPT_ETHNICITY_LIST(IAPT_X_) IAPT_ETHNICITY__COUNT };
#undef IAPT_X_
#define IAPT_X_(id, name) IAPT_PROBLEM_##id,
enum { IAPT_PROBLEM_LIST(IAPT_X_) IAPT_PROBLEM__COUNT };
#undef IAPT_X_
#define IAPT_X_(id, name) IAPT_EMP_##id,
enum { IAPT_EMPLOYMENT_LIST(IAPT_X_) IAPT_EMP__COUNT };
#undef IAPT_X_
#define IAPT_X_(id, name) IAPT_LTC_##id,
enum { IAPT_LTC_LIST(IAPT_X_) IAPT_LTC__COUNT };
#undef IAPT_X_
#define IAPT_X_(id, name) IAPT_ROUTE_##id,
enum { IAPT_ROUTE_LIST(IAPT_X_) IAPT_ROUTE__COUNT };
#undef IAPT_X_

/* ---- the person as hooks see them: X(name, C type, kind, readable, writable, values, doc) ----
 * kind: how a plugin sees the value (IAPT_PK_*); readable and writable: in which hooks
 * (IAPT_PR: on_referral, IAPT_PD: on_discharge, IAPT_PW: on_wait, IAPT_PS: on_session,
 * IAPT_PU: on_step_up, IAPT_PFU: on_followup); values: the value list of a NAME field
 * (AGE, GENDER, ETHNICITY, PROBLEM, EMPLOYMENT, LTC, ROUTE), BOUNDS(min, max) of a NUMBER,
 * WHOLE or OPTIONAL field, or NONE.
 * A field is writable until the engine uses it: the baseline scores until the first
 * session (on_referral, on_wait), the chance of leaving the list while waiting (on_wait),
 * the service and the attributes drawn at referral in on_referral only.
 * The engine fills every readable field before the hook and takes back the writable ones
 * after it: a hook just assigns them (no need to set `written`). A value a hook changed
 * must be within the field's bounds (a value index of a NAME field, 0 or 1 for a BOOLEAN,
 * BOUNDS for a NUMBER or WHOLE field, a whole number for WHOLE, -1 or a whole number
 * within BOUNDS for OPTIONAL); otherwise the run fails with IAPT_ERANGE naming the hook,
 * the field, the value and the bounds. Adding an attribute: a row here, plus filling it
 * and using it in the engine (core/engine/pathway.c). */
#define IAPT_PR (1u << IAPT_HOOK_I_ON_REFERRAL)
#define IAPT_PD (1u << IAPT_HOOK_I_ON_DISCHARGE)
#define IAPT_PW (1u << IAPT_HOOK_I_ON_WAIT)
#define IAPT_PS (1u << IAPT_HOOK_I_ON_SESSION)
#define IAPT_PU (1u << IAPT_HOOK_I_ON_STEP_UP)
#define IAPT_PFU (1u << IAPT_HOOK_I_ON_FOLLOWUP)
/* every person hook; every one after referral; the ones with a course in progress or done */
#define IAPT_PALL (IAPT_PR | IAPT_PD | IAPT_PW | IAPT_PS | IAPT_PU | IAPT_PFU)
#define IAPT_PLATER (IAPT_PD | IAPT_PW | IAPT_PS | IAPT_PU | IAPT_PFU)
#define IAPT_PCOURSE (IAPT_PD | IAPT_PS | IAPT_PU | IAPT_PFU)
#define IAPT_PERSON_FIELDS(X) \
	X(id, uint32_t, INTEGER, IAPT_PALL, 0, NONE, "arrival order in the replicate") \
	X(service, int, INDEX, IAPT_PALL, IAPT_PR, NONE, "service, 0-based (1 .. n_services to plugins); writable until assessment (on_referral)") \
	X(year, int, INTEGER, IAPT_PALL, 0, NONE, "financial year of referral (before first_year in warm-up)") \
	X(week, int, INTEGER, IAPT_PALL, 0, NONE, "week of referral from the start of the run") \
	X(age_band, int, NAME, IAPT_PALL, IAPT_PR, AGE, "age band at referral") \
	X(gender, int, NAME, IAPT_PALL, IAPT_PR, GENDER, "") \
	X(ethnicity, int, NAME, IAPT_PALL, IAPT_PR, ETHNICITY, "broad ethnic group") \
	X(imd_decile, int, WHOLE, IAPT_PALL, IAPT_PR, BOUNDS(1, 10), \
	  "IMD decile of residence: 1 least deprived .. 10 most deprived") \
	X(problem, int, NAME, IAPT_PALL, IAPT_PR, PROBLEM, "presenting problem") \
	X(employment, int, NAME, IAPT_PR | IAPT_PD | IAPT_PFU, IAPT_PR | IAPT_PD, EMPLOYMENT, \
	  "at referral: at the start; at discharge and follow-up: the treated path's status at discharge, and from then on if written at discharge") \
	X(sick_pay, int, BOOLEAN, IAPT_PR | IAPT_PD | IAPT_PFU, IAPT_PR | IAPT_PD, NONE, \
	  "employed and off work on sick pay (ignored unless employment is employed); at referral and at discharge as employment") \
	X(employment_start, int, NAME, IAPT_PLATER, 0, EMPLOYMENT, "employment status at referral") \
	X(sick_pay_start, int, BOOLEAN, IAPT_PLATER, 0, NONE, "on sick pay at referral") \
	X(ltc, int, BOOLEAN, IAPT_PALL, IAPT_PR, NONE, "a long-term physical condition") \
	X(ltc_type, int, NAME, IAPT_PALL, IAPT_PR, LTC, "the condition") \
	X(integrated, int, BOOLEAN, IAPT_PALL, IAPT_PR | IAPT_PD, NONE, "seen in a service integrated with physical care") \
	X(responsiveness, double, NUMBER, IAPT_PR | IAPT_PS | IAPT_PU, IAPT_PR | IAPT_PS | IAPT_PU, BOUNDS(0, 1000), \
	  "response to a session: at referral before the LTC and group effects (mean 1; at most 100, where a session's effect has long reached its cap of 1); in on_session and on_step_up with them, from this session on") \
	X(phq9, double, NUMBER, IAPT_PR | IAPT_PW | IAPT_PS | IAPT_PU | IAPT_PFU, IAPT_PR | IAPT_PW, BOUNDS(0, 27), \
	  "PHQ-9 severity on the treated path (latent score): at referral the baseline of both paths; writable until the first session (on_wait: the treated path only)") \
	X(gad7, double, NUMBER, IAPT_PR | IAPT_PW | IAPT_PS | IAPT_PU | IAPT_PFU, IAPT_PR | IAPT_PW, BOUNDS(0, 21), \
	  "GAD-7 severity on the treated path (latent score), as phq9") \
	X(phq9_natural, double, NUMBER, IAPT_PLATER, 0, NONE, "PHQ-9 severity on the natural course (latent score)") \
	X(gad7_natural, double, NUMBER, IAPT_PLATER, 0, NONE, "GAD-7 severity on the natural course (latent score)") \
	X(route, int, NAME, IAPT_PR, IAPT_PR, ROUTE, "where the core sends the person; writing it decides") \
	X(leave_chance, double, NUMBER, IAPT_PW, IAPT_PW, BOUNDS(0, 1), \
	  "weekly chance of leaving the waiting list before a first session; writing it sets it from this week on") \
	X(mark, int, WHOLE, IAPT_PALL, IAPT_PALL, BOUNDS(0, 255), "free for the plugin") \
	X(session, int, INTEGER, IAPT_PS, 0, NONE, "this booked session's number, 1 for the first") \
	X(step, int, NAME, IAPT_PS, 0, ROUTE, "this session's intensity: li or hi") \
	X(session_attended, int, BOOLEAN, IAPT_PS, IAPT_PS, NONE, "this session attended (false: missed); writing decides") \
	X(session_phq9, int, OPTIONAL, IAPT_PS, IAPT_PS, BOUNDS(0, 27), \
	  "PHQ-9 recorded at this session, before its effect; -1 (nil) if missed or not recorded; writing records it (attended sessions only)") \
	X(session_gad7, int, OPTIONAL, IAPT_PS, IAPT_PS, BOUNDS(0, 21), "GAD-7 recorded at this session, as session_phq9") \
	X(discharge_week, int, INTEGER, IAPT_PD | IAPT_PFU, 0, NONE, "week the referral ended") \
	X(discharge_year, int, INTEGER, IAPT_PD | IAPT_PFU, 0, NONE, "financial year of discharge_week") \
	X(entered, int, BOOLEAN, IAPT_PLATER, 0, NONE, "at least one attended session") \
	X(finished, int, BOOLEAN, IAPT_PLATER, 0, NONE, "at least two attended sessions") \
	X(attended, int, INTEGER, IAPT_PLATER, 0, NONE, "attended sessions (in on_session: before this one)") \
	X(missed, int, INTEGER, IAPT_PLATER, 0, NONE, "booked sessions missed (in on_session: before this one)") \
	X(sessions_li, int, INTEGER, IAPT_PLATER, 0, NONE, "attended low-intensity sessions") \
	X(sessions_hi, int, INTEGER, IAPT_PLATER, 0, NONE, "attended high-intensity sessions") \
	X(wait_weeks, int, OPTIONAL, IAPT_PLATER, 0, NONE, "referral to first attended session; -1 (nil) if none") \
	X(phq9_first, int, OPTIONAL, IAPT_PCOURSE, 0, NONE, "first recorded PHQ-9; -1 (nil) if never scored") \
	X(gad7_first, int, OPTIONAL, IAPT_PCOURSE, 0, NONE, "first recorded GAD-7; -1 (nil) if never scored") \
	X(phq9_last, int, OPTIONAL, IAPT_PCOURSE, 0, NONE, "last recorded PHQ-9; -1 (nil) if never scored") \
	X(gad7_last, int, OPTIONAL, IAPT_PCOURSE, 0, NONE, "last recorded GAD-7; -1 (nil) if never scored") \
	X(caseness, int, BOOLEAN, IAPT_PD | IAPT_PFU, 0, NONE, "a finished course at caseness at the first score") \
	X(recovered, int, BOOLEAN, IAPT_PD | IAPT_PFU, 0, NONE, "recovered (docs/model.md)") \
	X(reliable_improvement, int, BOOLEAN, IAPT_PD | IAPT_PFU, 0, NONE, "reliably improved") \
	X(reliable_recovery, int, BOOLEAN, IAPT_PD | IAPT_PFU, 0, NONE, "reliably recovered") \
	X(reliable_deterioration, int, BOOLEAN, IAPT_PD | IAPT_PFU, 0, NONE, "reliably deteriorated")

/* How a person field looks to a plugin. */
typedef enum iapt_person_kind {
	IAPT_PK_INTEGER,  /* a whole number */
	IAPT_PK_INDEX,    /* a 0-based index, 1-based to plugins */
	IAPT_PK_BOOLEAN,  /* 0 or 1 */
	IAPT_PK_NAME,     /* an index in a value list (IAPT_*_LIST) */
	IAPT_PK_NUMBER,   /* a number within bounds */
	IAPT_PK_WHOLE,    /* a whole number within bounds */
	IAPT_PK_OPTIONAL  /* a whole number, or -1 for none */
} iapt_person_kind;

enum {
#define IAPT_X_(name, ctype, kind, rd, wr, values, doc) IAPT_PF_##name,
	IAPT_PERSON_FIELDS(IAPT_X_)
#undef IAPT_X_
	IAPT_PF__COUNT
};

typedef struct iapt_hook_person {
#define IAPT_X_(name, ctype, kind, rd, wr, values, doc) ctype name;
	IAPT_PERSON_FIELDS(IAPT_X_)
#undef IAPT_X_
	/* bit IAPT_PF_<name> set: a hook wrote the field. Optional for C hooks: the engine
	 * takes back every writable field, and a route that differs from the one given is the
	 * hook's choice too. Set the route bit to keep the route given as a choice (else a
	 * problem changed to PTSD or social anxiety moves an LI route to HI). */
	unsigned long long written;
	/* the plugins' own per-person fields (declared `fields`, core/lua): bits the engine
	 * keeps with the person from referral through follow-up and hands to every hook */
	uint32_t user;
} iapt_hook_person;

#define IAPT_PERSON_WROTE(p, name) (((p)->written >> IAPT_PF_##name) & 1u)

/* A person field's description, from the list above. */
typedef struct iapt_person_field {
	const char *name, *doc;
	iapt_person_kind kind;
	unsigned readable, writable;  /* hook bits (IAPT_PR, IAPT_PD, ...) */
	const char *const *values;    /* NAME: the value names */
	int n_values;
	double min, max;              /* NUMBER, WHOLE: inclusive bounds */
} iapt_person_field;

/* Field f (IAPT_PF_*), or NULL outside [0, IAPT_PF__COUNT). */
const iapt_person_field *iapt_person_field_get(int f);
/* The field named `name` (IAPT_PF_*), or -1. */
int iapt_person_field_find(const char *name);

/* ---- what hooks may ask of the run ---- */

typedef struct iapt_run iapt_run; /* one replicate in progress, opaque */

typedef struct iapt_run_info {
	unsigned long long seed;
	int replicate;  /* 0-based */
	int first_year, last_year;
	int year;       /* financial year in force (first_year during warm-up) */
	int week;       /* week index of the current event */
	int n_services;
	double population_scale;
	int price_year; /* of money in flows */
	/* services in England that one simulated service stands for: 1 for the services
	 * table's CCGs (they stay at every scale), 1 / population_scale for synthetic services */
	double service_weight;
} iapt_run_info;

void iapt_run_get_info(const iapt_run *r, iapt_run_info *out);
/* Parameter idx (iaptsim/params.h) in financial year `year` (0: the year in force), in its
 * own unit. */
double iapt_run_param(const iapt_run *r, size_t idx, int year);
/* Set a parameter for this replicate from `year` on (0: the base value in setup, the year
 * in force in on_year). Only in setup and on_year; not the parameters that shape the run;
 * not years already simulated. IAPT_EINVAL or IAPT_ERANGE otherwise. */
int iapt_run_set_param(iapt_run *r, size_t idx, int year, double value);
/* Parameter idx in `year` (0: the year in force) as it was before any hook changed it: the
 * scenario's value (with this replicate's draw of an uncertain parameter). */
double iapt_run_param_base(const iapt_run *r, size_t idx, int year);
/* Referrals of the people whose person field `field` (IAPT_PF_age_band, gender,
 * ethnicity, imd_decile or problem) has one of the values in `values` (value indices; for
 * imd_decile the deciles 1..10) x factor (in [0, 100]), from the year in force on (in
 * setup: from the start), others' unchanged. A call sets the factor of those values (a
 * later call replaces it; 1 undoes it), so a call each year does not compound. Factors of
 * different attributes multiply, as attributes are drawn independently.
 * Only in setup and on_year. IAPT_EINVAL or IAPT_ERANGE otherwise. */
int iapt_run_refer_more(iapt_run *r, int field, const int *values, size_t n_values, double factor);

/* One service's features (ctx:service; docs/plugins.md). The services are the run's
 * services table's (not synthetic ones). iapt_run_service_find: the index of the service
 * with `code`, IAPT_ENOTFOUND (the message names a near code) or IAPT_EINVAL for synthetic
 * services. iapt_run_service_info: its code, name, region code and region, borrowed from
 * the table (NULL for any not wanted); IAPT_ERANGE for a bad k. */
int iapt_run_service_find(const iapt_run *r, const char *code, int *k);
int iapt_run_service_info(const iapt_run *r, int k, const char **code, const char **name, const char **region_code,
			  const char **region);
/* Service k's integrated care board: its code (the 2021 STP's ODS code) and name (NULL when
 * the table names none), borrowed from the table (NULL for any not wanted); IAPT_ERANGE for
 * a bad k. */
int iapt_run_service_icb(const iapt_run *r, int k, const char **icb_code, const char **icb_name);
/* Feature f (IAPT_SVCF_*, iaptsim/scenario.h) of service k in force: as last loaded (the
 * year before on_year's year, with services_policy), or as set by iapt_run_service_set
 * since. NaN before the first year is loaded (in setup) or for a bad k or f. */
double iapt_run_service_feature(const iapt_run *r, int k, int f);
/* Set feature f of service k to `value` (within the feature's bounds, IAPT_SVC_FEATURE_LIST)
 * from the year in force on (in setup: from the start), after the table and services_policy
 * have set the year's values; it stays until set again. Capacity added is added to the
 * national workforce (the year's WTE counts) and its sessions are costed as any.
 * Only in setup and on_year. IAPT_EINVAL or IAPT_ERANGE otherwise. */
int iapt_run_service_set(iapt_run *r, int k, int f, double value);
/* Service k's share of the referrals of the year last loaded (NaN before the first, or
 * for a bad k): the weight of the referral-weighted quantiles of services_policy. */
double iapt_run_service_referral_share(const iapt_run *r, int k);

/* The combinations of parameters that are checked in a scenario (weights that must not sum
 * to zero, shares that must not sum over 1), in every reported year: for a hook that has
 * set parameters, once it is done. IAPT_EINVAL with the year and the parameters. */
int iapt_run_check_params(const iapt_run *r);
/* A flow in the ledger: category and perspective tag (iaptsim/econ.h), amount in GBP of
 * the price year (or QALYs) at the simulated scale, in the current year for the current
 * cohort. Not in on_finish. */
int iapt_run_flow(iapt_run *r, int category, int tag, double amount);
/* Hook metric k (iapt_hook_factory.metrics order): add v to the count of financial year
 * `year` (0: the year of the event in hand), or set its level. Years outside the reported
 * ones are ignored. */
int iapt_run_metric(iapt_run *r, size_t k, double v, int year);
/* The replicate's metrics [year][group][metric] (iaptsim/sim.h), only in on_finish;
 * otherwise NULL. Borrowed from the run. */
const double *iapt_run_values(const iapt_run *r);
/* A line for the run's log (kept per replicate, at most IAPT_LOG_MAX_LINES). */
#define IAPT_LOG_MAX_LINES 200
int iapt_run_log(iapt_run *r, const char *line);
/* The stream key of (entity, purpose IAPT_RNG_PLUGIN) in this replicate (iaptsim/rng.h). */
uint64_t iapt_run_key(const iapt_run *r, uint64_t entity);
/* A hook's failure: sets the thread's error message (iapt_error_last) and returns code. */
int iapt_run_fail(iapt_run *r, int code, const char *message);

/* ---- the hook table ----
 * A hook returns 0 (IAPT_OK) or a negative IAPT_E* code with the message set (by
 * iapt_run_fail, or by the library call that failed). A failing hook that set no message
 * gets one naming it: "hook on_referral returned -3 without a message"; a positive return
 * fails the run with IAPT_ERROR. A hook whose bit is not in
 * `has` is never called. on_finish is called after every replicate whose setup succeeded
 * (or whose set has no setup), with ok = 0 when the replicate failed: then it should only
 * release what setup took. */
typedef struct iapt_hooks {
	void *data;
	unsigned has; /* IAPT_HOOK_* bits; each named hook must be set */
	int (*setup)(void *data, iapt_run *run);
	int (*on_year)(void *data, iapt_run *run, int year);
	int (*on_referral)(void *data, iapt_run *run, iapt_hook_person *p);
	int (*on_discharge)(void *data, iapt_run *run, iapt_hook_person *p);
	int (*on_finish)(void *data, iapt_run *run, int ok);
	/* weeks: whole weeks since referral, one of wait_weeks */
	int (*on_wait)(void *data, iapt_run *run, iapt_hook_person *p, int weeks);
	int (*on_session)(void *data, iapt_run *run, iapt_hook_person *p);
	int (*on_step_up)(void *data, iapt_run *run, iapt_hook_person *p);
	int (*on_followup)(void *data, iapt_run *run, iapt_hook_person *p);
	/* the checkpoints of on_wait: weeks since referral, ascending, distinct, each in
	 * [1, IAPT_WAIT_MAX_WEEKS]; borrowed, must outlive the run. With on_wait and none, the
	 * hook is never called. */
	const int *wait_weeks;
	size_t n_wait_weeks;
	/* the factory's groups (iapt_hook_factory.groups): the level of each, 0-based, of the
	 * person as counted now, into levels[n_groups]. Called each time the engine counts a
	 * person in a reported year: at referral (after on_referral), at their first attended
	 * session and when their referral ends (after on_discharge), so each metric counts
	 * people in the level they are in when it counts them. p holds the fields readable in
	 * every person hook (IAPT_PALL) and `user`, and is read only. Needed when the factory
	 * has groups, ignored otherwise. An error fails the run like a hook's. */
	int (*group)(void *data, iapt_run *run, const iapt_hook_person *p, int *levels);
} iapt_hooks;
#define IAPT_WAIT_MAX_WEEKS 520

/* A metric that hooks report, in summary.csv as `name`, group "all". */
typedef struct iapt_hook_metric {
	const char *name; /* "<plugin>.<metric>" */
	const char *doc;
	int level;        /* 1: set, reported as is; 0: a count, summed and scaled to national */
} iapt_hook_metric;

/* A breakdown the hooks declare: summary.csv and replicates.csv give every metric of an
 * attribute group (age=, imd_decile=, ...) for each level too, as group "<name>=<level>". */
typedef struct iapt_hook_group {
	const char *name;              /* "<plugin>.<group>" */
	const char *doc;
	const char *const *levels;     /* n_levels names, each distinct */
	size_t n_levels;               /* 1 .. IAPT_HOOK_GROUP_MAX_LEVELS */
} iapt_hook_group;
#define IAPT_HOOK_GROUP_MAX_LEVELS 16
#define IAPT_HOOK_MAX_GROUPS 8

/* Where a run gets its hooks: create is called once per worker thread, destroy when the
 * worker is done. The factory and its metrics must outlive the run. */
typedef struct iapt_hook_factory {
	void *data;
	int (*create)(void *data, iapt_hooks **out);
	void (*destroy)(void *data, iapt_hooks *hooks);
	const iapt_hook_metric *metrics;
	size_t n_metrics;
	/* names of the cost categories the hooks book under IAPT_CAT_PLUGIN_1, _2, ...
	 * (iaptsim/econ.h), in that order, like "<plugin>.<category>"; at most
	 * IAPT_CAT_PLUGIN_SLOTS. Outputs show the slots named here under these names. */
	const char *const *categories;
	size_t n_categories;
	/* 1: the hooks run the scenario's plugins (the Lua host's factory does). A scenario with
	 * plugins is refused (IAPT_EINVAL) with a factory that does not, rather than run without
	 * them; there is no way to chain a program's hooks with the Lua host's. */
	int runs_plugins;
	/* breakdowns of the metrics by the hooks' own groups (at most IAPT_HOOK_MAX_GROUPS);
	 * each hook set then needs `group` */
	const iapt_hook_group *groups;
	size_t n_groups;
} iapt_hook_factory;

#ifdef __cplusplus
}
#endif
#endif
