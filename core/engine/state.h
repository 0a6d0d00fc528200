/* The state of one replicate, shared by the engine's files: the person, the waiting lists
 * and caseloads of a service, and the replicate (iapt_run). Internal to core/engine/. */
#ifndef IAPT_ENGINE_STATE_H
#define IAPT_ENGINE_STATE_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <gsl/gsl_rng.h>

#include "engine/engine.h"
#include "iaptsim/hooks.h"
#include "util/util.h"

enum { LI = 0, HI = 1 };
enum { N_AGE = IAPT_AGE__COUNT, N_GENDER = IAPT_GENDER__COUNT, N_ETH = IAPT_ETHNICITY__COUNT, N_IMD = 10,
       N_PROBLEM = IAPT_PROBLEM__COUNT, N_LTC_TYPE = IAPT_LTC__COUNT };
/* the value lists (iaptsim/hooks.h) follow the order of the weights (param_list.h) */
_Static_assert(IAPT_P_POP_AGE_90_PLUS - IAPT_P_POP_AGE_UNDER_16 + 1 == N_AGE, "age bands");
_Static_assert(IAPT_P_POP_GENDER_OTHER - IAPT_P_POP_GENDER_FEMALE + 1 == N_GENDER, "genders");
_Static_assert(IAPT_P_POP_ETH_OTHER - IAPT_P_POP_ETH_WHITE + 1 == N_ETH, "ethnic groups");
_Static_assert(IAPT_P_POP_IMD_10 - IAPT_P_POP_IMD_1 + 1 == N_IMD, "IMD deciles");
_Static_assert(IAPT_P_PROB_OTHER - IAPT_P_PROB_DEPRESSION + 1 == N_PROBLEM, "problems");
_Static_assert(IAPT_P_LTC_OTHER - IAPT_P_LTC_DIABETES + 1 == N_LTC_TYPE, "long-term conditions");
enum { PROB_DEPRESSION = IAPT_PROBLEM_DEPRESSION, PROB_MIXED = IAPT_PROBLEM_MIXED, PROB_SOCIAL = IAPT_PROBLEM_SOCIAL_ANXIETY,
       PROB_PTSD = IAPT_PROBLEM_PTSD, PROB_OTHER = IAPT_PROBLEM_OTHER };
/* Employment on a path: the four statuses of iaptsim/hooks.h, and employed on sick pay as
 * a fifth code (docs/model.md, Employment). */
enum { EMP_EMPLOYED = IAPT_EMP_EMPLOYED, EMP_UNEMPLOYED = IAPT_EMP_UNEMPLOYED, EMP_SICK = IAPT_EMP_SICK_OR_DISABLED,
       EMP_NOT_SEEKING = IAPT_EMP_NOT_SEEKING_WORK, EMP_SICK_PAY = IAPT_EMP__COUNT, EMP__CODES };
/* the status a code reports (sick pay is employed) */
static inline int emp_status(int code)
{
	return code == EMP_SICK_PAY ? EMP_EMPLOYED : code;
}
static inline int emp_code(int status, int sick_pay)
{
	return status == EMP_EMPLOYED && sick_pay ? EMP_SICK_PAY : status;
}
/* on sick pay or on benefits (unemployed, long-term sick or disabled): the status that
 * "moved off sick pay and benefits" starts from (docs/model.md) */
static inline int emp_supported(int code)
{
	return code == EMP_SICK_PAY || code == EMP_UNEMPLOYED || code == EMP_SICK;
}
#define NO_SCORE 255

/* Group effects (param_list.h, IAPT_EFFECT_ROWS_): four mechanisms per attribute value, the
 * values of an attribute one after another; the effect of mechanism m for value v of an
 * attribute whose first value's first row is `base` is parameter base + N_MECH * v + m. */
enum { MECH_RESPONSE, MECH_DROPOUT, MECH_DNA, MECH_LEAVE, N_MECH };
enum { EFF_AGE = IAPT_P_EFF_AGE_UNDER_16_RESPONSE, EFF_GENDER = IAPT_P_EFF_GENDER_FEMALE_RESPONSE,
       EFF_ETH = IAPT_P_EFF_ETH_WHITE_RESPONSE, EFF_IMD = IAPT_P_EFF_IMD_1_RESPONSE,
       EFF_PROBLEM = IAPT_P_EFF_PROB_DEPRESSION_RESPONSE, EFF_LTC = IAPT_P_EFF_LTC_YES_RESPONSE };
_Static_assert(IAPT_P_EFF_AGE_90_PLUS_LEAVE - EFF_AGE + 1 == N_MECH * N_AGE, "age effects");
_Static_assert(IAPT_P_EFF_GENDER_OTHER_LEAVE - EFF_GENDER + 1 == N_MECH * N_GENDER, "gender effects");
_Static_assert(IAPT_P_EFF_ETH_OTHER_LEAVE - EFF_ETH + 1 == N_MECH * N_ETH, "ethnicity effects");
_Static_assert(IAPT_P_EFF_IMD_10_LEAVE - EFF_IMD + 1 == N_MECH * N_IMD, "IMD effects");
_Static_assert(IAPT_P_EFF_PROB_OTHER_LEAVE - EFF_PROBLEM + 1 == N_MECH * N_PROBLEM, "problem effects");
_Static_assert(IAPT_P_EFF_LTC_NO_LEAVE - EFF_LTC + 1 == N_MECH * 2, "LTC effects");
_Static_assert(IAPT_P_EFF_AGE_16_17_DNA - EFF_AGE == N_MECH + MECH_DNA, "mechanism order");
/* ... and the groups of summary.csv (iaptsim/sim.h) follow the value lists */
_Static_assert(IAPT_G_IMD_10 - IAPT_G_IMD_1 + 1 == N_IMD, "IMD groups");
_Static_assert(IAPT_G_AGE_90_PLUS - IAPT_G_AGE_UNDER_16 + 1 == N_AGE, "age groups");
_Static_assert(IAPT_G_GENDER_OTHER - IAPT_G_GENDER_FEMALE + 1 == N_GENDER, "gender groups");
_Static_assert(IAPT_G_ETH_OTHER - IAPT_G_ETH_WHITE + 1 == N_ETH, "ethnicity groups");
_Static_assert(IAPT_G_PROB_OTHER - IAPT_G_PROB_DEPRESSION + 1 == N_PROBLEM, "problem groups");

/* Fixed-point multipliers kept in the person (dna, dropout): 1.0 is MULT_ONE. */
#define MULT_ONE 4096.0
/* A person's own rate of natural decline: one of this many equally likely quantiles. */
#define IAPT_DECLINE_QUANTILES 256
#define MULT_MAX 65535.0

typedef struct person { /* 64 bytes: one cache line; what sessions need */
	uint64_t rs_treat; /* treatment stream state */
	uint64_t rs_sym;   /* symptom stream state: shared by treated and natural course */
	uint32_t id;       /* arrival order within the replicate; keys the person's streams */
	float xp, xg;      /* latent PHQ-9, GAD-7 on treatment */
	float np, ng;      /* latent PHQ-9, GAD-7 on the natural course */
	float resp;        /* response to a session: responsiveness x matching x LTC x group effects */
	int16_t arrival, first_week, sym_week, leave_week; /* week indices (< 32767) */
	uint8_t phq_first, gad_first, phq_last, gad_last, nphq_last, ngad_last;
	uint8_t attended, missed, s_li, s_hi;
	uint8_t problem : 4, emp : 2, ltc : 1, integrated : 1;
	/* employment codes (EMP_*) on the treated path and the natural course now, and on
	 * sick pay at referral (emp holds the status at referral): here rather than in
	 * person_ext, as the weekly symptom loop moves them */
	uint8_t emp_tx : 3, emp_nat : 3, sick_start : 1;
	uint8_t pd : 1; /* problem descriptor recorded (and so treatment matched), services.c */
	/* group effects on missing an appointment and on dropping out, x MULT_ONE (to 16) */
	uint16_t m_dna, m_drop;
} person;

_Static_assert(sizeof(person) == 64, "person should fill one cache line");

/* What only referral and discharge need, in a parallel array indexed like the people. */
typedef struct person_ext {
	uint16_t svc;                     /* service index */
	uint8_t age, gender, ethnicity;   /* value indices (iaptsim/hooks.h) */
	uint8_t imd;                      /* IMD decile 1 (least deprived) .. 10 (most deprived) */
	uint8_t ltc_type;
	uint8_t mark;                     /* a plugin's tag for the person */
	/* (the employment statuses live in the person: the weekly symptom loop moves them) */
	uint32_t user;                    /* plugins' declared fields (iapt_hook_person.user) */
	float leave;                      /* 0, or 1 + the weekly chance of leaving the list an on_wait hook set */
} person_ext;

_Static_assert(sizeof(person_ext) == 16, "four to a cache line");
#define NEVER INT16_MAX /* leave_week of someone who never leaves the list */

typedef struct idx_queue { /* ring buffer; cap is a power of two */
	uint32_t *buf;
	size_t cap, head, len;
} idx_queue;

typedef struct idx_vec {
	uint32_t *v;
	size_t len, cap;
} idx_vec;

typedef struct service {
	double factor;       /* capacity relative to the national average */
	double p_dna, p_stepup; /* the service's chance of a missed session, of a step-up (services.c) */
	double p_signpost;      /* the service's chance that a referral is signposted, not offered treatment */
	int li_max, hi_max;  /* sessions offered per LI and HI course (services.c) */
	double acc[2];       /* fractional slots carried */
	idx_queue queue[2];  /* waiting for a first LI / HI session */
	idx_vec active[2];   /* in treatment at LI / HI */
} service;

typedef struct iapt_services iapt_services;   /* services.h */
typedef struct iapt_svc_state iapt_svc_state;

typedef struct iapt_run {
	const iapt_scenario *sc;
	const iapt_params *params; /* the scenario's, or this replicate's copy when plugins run */
	iapt_params *own_params;
	const iapt_hooks *hooks;
	unsigned has;              /* hooks->has, or 0 */
	int year;                  /* financial year in force */
	int ev_week, ev_cohort;    /* the event a hook runs for: week, cohort index (-1 none) */
	int in_setup;              /* 1 in begin (setup), 2 in on_year */
	int values_ready;
	double *values;            /* metrics for on_finish */
	iapt_buf log;
	int log_lines;
	int rep, n_services, weeks, burn_weeks, n_years;
	double pv[IAPT_P__COUNT]; /* parameters in force this year */
	double cap_week[2];       /* slots per week per service (before the service factor) */
	double referrals_week;    /* simulated referrals per week this year */
	double ref_acc;
	double w_age[N_AGE], w_gender[N_GENDER], w_eth[N_ETH], w_imd[N_IMD], w_problem[N_PROBLEM], w_ltc[N_LTC_TYPE];
	/* What the week loop carries from week to week, a shared warm-up hands on: the people,
	 * the services' lists, and the scalars warmup.c's WARMUP_SCALARS lists (n_people ...
	 * n_free, ref_acc, next_id, leave_h, leave_l1p): a new one belongs there too. */
	person *people;
	person_ext *ext; /* allocated with the people, same index */
	const struct iapt_casemix *casemix; /* who is referred by year (casemix.h); borrowed */
	size_t n_people, cap_people, live, peak;
	uint32_t *free_list;
	size_t n_free;
	service *svc;
	const iapt_services *tab; /* the services table (borrowed), or NULL: synthetic services */
	iapt_svc_state *svs;      /* each service's mix and features this year (services.c) */
	gsl_rng *r; /* the one stream object, rekeyed per person and purpose */
	uint64_t key_rep; /* iapt_rng__key_rep(seed, rep): the replicate's part of every key (rng/stream.h) */
	uint64_t next_id;
	iapt_counters *ct;
	iapt_run_stats *stats;
	double money[IAPT_P__COUNT]; /* price-year factor for money parameters, 1 otherwise */
	double relapse[2][3][2];      /* monthly relapse hazard [hi][months 0-5, 6-11, 12+][residual] */
	double remit[4];              /* monthly remission hazard by months ill: 0-2, 3-5, 6-35, 36+ */
	/* monthly employment moves [well][from code]: cumulative chances and destinations,
	 * in the fixed order of followup.c's table */
	double emp_cum[2][EMP__CODES][4];
	uint8_t emp_to[EMP__CODES][4];
	uint8_t emp_n[EMP__CODES];
	/* the year's constants of the hot paths, from pv: cumulative weights of who is referred
	 * (pathway.c, after load_year), sqrt(1 - rho^2) of the symptom and baseline
	 * correlations, and follow-up's monthly money flows (followup.c, load_hazards) */
	double cum_age[N_AGE], cum_gender[N_GENDER], cum_eth[N_ETH], cum_imd[N_IMD], cum_problem[N_PROBLEM],
		cum_ltc[N_LTC_TYPE];
	double sym_rho_c, base_rho_c;
	/* symptoms.natural_decline_sd > 0: each person's weekly decline, 1 - the untreated
	 * course's factor, at the quantiles of its lognormal (pathway.c, iapt_engine__decline) */
	int decline_het;
	double decline_q[IAPT_DECLINE_QUANTILES];
	double fu_earnings, fu_tax, fu_ee_ni, fu_er_ni, fu_absence, fu_benefits, fu_phys;
	int fu_mech;                  /* employment.mechanism (IAPT_EMPMECH_*), followup.c */
	double count_scratch[IAPT_C__COUNT]; /* written, never read: pathway.c's count_add */
	double leave_h, leave_l1p;    /* the last weekly chance of leaving a list, log1p(-it): pathway.c */
	struct iapt_waitcal *wait;    /* on_wait checkpoints due (hooks.c), only with on_wait */
	iapt_params *base_params;     /* with hooks: the parameters before any hook changed them */
	double *refer_mult;           /* referrals of each attribute value x (hooks.c); NULL: none */
	double *svc_set;              /* [service x IAPT_SVCF__COUNT]: features a plugin set
	                               * (ctx:service), NaN where none; NULL: none */
} sim;

#define P(s, id) ((s)->pv[IAPT_P_##id])

/* ---- the person as hooks see them ----
 * The person fields (IAPT_PERSON_FIELDS, iaptsim/hooks.h) a person stores as they are:
 * X(field, where, member, back), where is p (the person) or x (their person_ext). The hook
 * view is filled from the member, and a hook's write to a writable field goes back to it
 * (pathway.c); back 0: a write at discharge goes elsewhere (employment: the treated path's
 * status from discharge on). Other fields are derived. */
#define PERSON_STORED(X) \
	X(age_band, x, age, 1) X(gender, x, gender, 1) X(ethnicity, x, ethnicity, 1) X(imd_decile, x, imd, 1) \
	X(problem, p, problem, 1) X(employment, p, emp, 0) X(sick_pay, p, sick_start, 0) X(ltc, p, ltc, 1) \
	X(ltc_type, x, ltc_type, 1) X(integrated, p, integrated, 1) X(mark, x, mark, 1) X(service, x, svc, 1)

/* In which hooks each field is writable (IAPT_PR, IAPT_PD), as constants. */
enum {
#define X(name, ctype, kind, rd, wr, values, doc) PERSON_WRITABLE_##name = (int)(wr),
	IAPT_PERSON_FIELDS(X)
#undef X
};

/* ---- weeks and years ---- */

static inline int year_of_week(const sim *s, int week)
{
	return s->sc->first_year + (week - s->burn_weeks) / IAPT_WEEKS_PER_YEAR -
	       ((week - s->burn_weeks) < 0 && (week - s->burn_weeks) % IAPT_WEEKS_PER_YEAR ? 1 : 0);
}

static inline int year_index(const sim *s, int week)
{
	int w = week - s->burn_weeks;
	return w < 0 ? -1 : w / IAPT_WEEKS_PER_YEAR;
}

static inline void ledger_add(sim *s, int ly, int cohort, int cat, int tag, double v)
{
	if (s->ct->ledger && cohort >= 0 && ly >= 0 && ly < s->ct->n_ledger_years)
		IAPT_LEDGER(s->ct, ly, cohort, cat, tag) += v;
}

/* The same flow put to a person's IMD quintile as well (docs/economics.md, "Distributional
 * appraisal"); p is one of s->people. */
static inline int imd_quintile(const sim *s, const person *p)
{
	/* by table: a chain of comparisons on the decile is a guess the predictor often loses */
	static const unsigned char quintile[16] = { 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4, 4, 4, 4 };
	return quintile[s->ext[p - s->people].imd & 15];
}

static inline void ledger_add_person(sim *s, int ly, int cohort, const person *p, int cat, int tag, double v)
{
	ledger_add(s, ly, cohort, cat, tag, v);
	if (s->ct->qledger && cohort >= 0 && ly >= 0 && ly < s->ct->n_ledger_years)
		IAPT_QLEDGER(s->ct, ly, imd_quintile(s, p), cat, tag) += v;
}

/* ---- scores ---- */

/* x within [0, hi] (hi > 0), the same value as x < 0 ? 0 : (x > hi ? hi : x), signed zeros
 * and all. On x86-64 without branches (minss and maxss, whose a < b ? a : b and a > b ? a : b
 * are exactly these selects; GCC does not if-convert them itself): symptoms near 0 made
 * the branches a guess the predictor often lost. */
static inline float clampf(float x, float hi)
{
#if defined(__SSE2__)
	return _mm_cvtss_f32(_mm_max_ss(_mm_setzero_ps(), _mm_min_ss(_mm_set_ss(hi), _mm_set_ss(x))));
#else
	return x < 0.0f ? 0.0f : (x > hi ? hi : x);
#endif
}

/* floor(latent + noise + 0.5) within [0, hi]: truncation is floor where it is not clamped
 * (on x86-64 clamped first without branches, as clampf: the same value) */
static inline int score(float latent, double noise, int hi)
{
	double v = (double)latent + noise + 0.5;
#if defined(__SSE2__)
	return (int)_mm_cvtsd_f64(_mm_max_sd(_mm_setzero_pd(), _mm_min_sd(_mm_set_sd(v), _mm_set_sd((double)hi))));
#else
	return v < 0 ? 0 : (v >= hi ? hi : (int)v);
#endif
}

/* ---- across the engine's files ---- */

/* workforce.c: the parameters, capacity and workforce of financial year y (warm-up years
 * use the first year's); money parameters' factors to the price year; a year's checks. */
int iapt_engine__load_year(sim *s, int y);
int iapt_engine__money_factors(const iapt_scenario *sc, double *f);
int iapt_engine__check_year(const iapt_params *p, int y);
/* followup.c: the year's monthly hazards after discharge; a person's follow-up on both
 * paths into the ledger, from their employment codes at discharge (p->emp_tx, emp_nat). */
void iapt_engine__load_hazards(sim *s);
/* The year's monthly employment moves out of each status add up to at most 1 (IAPT_EINVAL
 * naming the status otherwise); lab: the year's label. */
int iapt_engine__check_emp_moves(const iapt_params *p, int y, const char *lab);
void iapt_engine__follow_up(sim *s, const person *p, int end_week, int cohort);
/* One month's employment move from code `code` for someone well or not, on uniform u: the
 * one process of treatment and follow-up (docs/model.md, Employment). */
static inline int emp_step(const sim *s, int code, int well, double u)
{
	int k, n = s->emp_n[code];
	if (n == 0 || u >= s->emp_cum[well][code][n - 1])
		return code; /* the usual month: no move (the chances add up in order, none negative) */
	for (k = 0; k < n; k++)
		if (u < s->emp_cum[well][code][k])
			return s->emp_to[code][k];
	return code;
}
/* pathway.c: the week loop of one replicate (setup has run) over weeks [from, to), each
 * first week of a year (and `from`) loading that year; iapt_engine__simulate runs weeks
 * [from, s->weeks) and then treatment's end (every course finished or cut at a year). */
int iapt_engine__weeks(sim *s, int from, int to);
int iapt_engine__simulate(sim *s, int from);
/* warmup.c: the warm-up's end state taken from replicate s (which keeps its other state
 * to free) into *out for `group`, replacing what *out held; that state given to replicate
 * s after its setup (own: s is the group's first draw, whose own warm-up it was; else the
 * people carried over are rekeyed to s's streams). The group of a cache, -1 if none. */
int iapt_engine__warmup_take(iapt_warmup **out, sim *s, int group);
int iapt_engine__warmup_give(sim *s, const iapt_warmup *w, int own);
int iapt_engine__warmup_group(const iapt_warmup *w);
/* The referrals, sessions and person-weeks the warm-up took (taken from the stats of the
 * replicate it was simulated in). */
const iapt_run_stats *iapt_engine__warmup_work(const iapt_warmup *w);
/* Before a hook call: forget the thread's last error, so that a failing hook that sets no
 * message can be told from one that did. */
static inline void hook_begin(void)
{
	iapt_error_clear();
}
/* After it: rc, with a message naming the hook (IAPT_HOOK_I_*) when it gave none; a
 * positive return is a failure too. */
int iapt_engine__hook_rc(int rc, int hook);
/* pathway.c: a person as hooks see them; a hook's writes to the fields writable in the
 * hooks of `bit`, checked against the fields' bounds. */
void iapt_engine__hook_view(const sim *s, const person *p, const person_ext *x, iapt_hook_person *v);
/* The view at discharge in `week` with the course's outcome flags (IAPT_O_*), for
 * on_discharge and on_followup; sets the event's week and cohort. */
void iapt_engine__discharge_view(sim *s, const person *p, const person_ext *x, int week, unsigned flags, iapt_hook_person *v);
int iapt_engine__hook_check(const iapt_hook_person *v, const iapt_hook_person *given, unsigned bit, int hook);
/* pathway.c: both courses brought up to the start of `week`; the weekly chance of leaving
 * the list the core gives the person; the week they leave, from hazard h and uniform u,
 * counted from the week after `week`. */
void iapt_engine__advance(sim *s, person *p, int week);
/* pathway.c: the weekly proportional decline of person `id`'s untreated symptoms in the
 * year loaded: symptoms.natural_decline_weekly, times their own factor when
 * symptoms.natural_decline_sd > 0 (a keyed draw: the same for the person in every run). */
double iapt_engine__decline(const sim *s, uint32_t id);
/* pathway.c: the year's quantiles of the people's own rates of decline (decline_q), from
 * its parameters (s->pv). */
void iapt_engine__decline_constants(sim *s);
double iapt_engine__leave_hazard(const sim *s, const person *p, const person_ext *x);
int16_t iapt_engine__leave_week(int week, double h, double u);
/* hooks.c: the hooks that act during waiting and treatment (iaptsim/hooks.h), each called
 * only when s->has names it. A person joined a waiting list for a first session in `week`
 * (schedules their on_wait checkpoints); the checkpoints due in `week`, before services
 * run; freeing the schedule. */
int iapt_engine__wait_join(sim *s, uint32_t i, int week);
int iapt_engine__wait_due(sim *s, int week);
void iapt_engine__wait_free(sim *s);
/* on_session: a booked session's outcome as drawn (attended, from u_dna against the
 * service's chance p_dna; the scores recorded, -1 if none) that the hook may change; resp
 * is the person's. */
int iapt_engine__on_session(sim *s, person *p, int week, int lvl, double p_dna, double *u_dna, double *u_miss, double z1, double z2,
			    int *phq, int *gad);
int iapt_engine__on_step_up(sim *s, uint32_t i, int week);
int iapt_engine__on_followup(sim *s, uint32_t i, int week, unsigned flags);
/* The year's referrals and attribute weights with the hooks' iapt_run_refer_more applied
 * (after the year's parameters are loaded). */
void iapt_engine__refer_apply(sim *s);

#endif
