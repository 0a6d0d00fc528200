/* The pathway model (MODEL.md sections 2-5): referrals, waiting lists per service,
 * capacity from the workforce, stepped care session by session, discharge and outcomes,
 * with each person's natural course on common random numbers. One replicate at a time;
 * replicates are independent and keyed by (seed, replicate). */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "engine/engine.h"
#include "engine/outcome.h"
#include "lua/host.h"
#ifdef IAPTSIM_MPI
#include "mpi/mpi.h"
#endif
#include "iaptsim/rng.h"
#include "util/util.h"

enum { LI = 0, HI = 1 };
enum { N_AGE = 4, N_PROBLEM = 9, N_LTC_TYPE = 5 };
/* indices in the problem weights (param_list.h order) */
enum { PROB_DEPRESSION = 0, PROB_MIXED = 2, PROB_SOCIAL = 3, PROB_PTSD = 4, PROB_OTHER = N_PROBLEM - 1 };
enum { EMP_EMPLOYED = IAPT_EMP_EMPLOYED, EMP_UNEMPLOYED = IAPT_EMP_UNEMPLOYED, EMP_OTHER = IAPT_EMP_OTHER };
#define NO_SCORE 255

typedef struct person { /* 64 bytes: one cache line */
	uint64_t rs_treat; /* treatment stream state */
	uint64_t rs_sym;   /* symptom stream state: shared by treated and natural course */
	uint32_t id;       /* arrival order within the replicate; keys the person's streams */
	float xp, xg;      /* latent PHQ-9, GAD-7 on treatment */
	float np, ng;      /* latent PHQ-9, GAD-7 on the natural course */
	float resp;        /* response to a session: responsiveness x matching x LTC */
	int16_t arrival, first_week, sym_week, leave_week; /* week indices (< 32767) */
	uint8_t phq_first, gad_first, phq_last, gad_last, nphq_last, ngad_last;
	uint8_t attended, missed, s_li, s_hi;
	uint8_t problem : 4, emp : 2, age : 2;
	uint8_t ltc_type : 3, ltc : 1, female : 1, integrated : 1;
	uint16_t svc;  /* service index */
	uint8_t mark;  /* a plugin's tag for the person */
	uint8_t spare;
} person;

_Static_assert(sizeof(person) == 64, "person should fill one cache line");
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
	double acc[2];       /* fractional slots carried */
	idx_queue queue[2];  /* waiting for a first LI / HI session */
	idx_vec active[2];   /* in treatment at LI / HI */
} service;

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
	double w_age[N_AGE], w_problem[N_PROBLEM], w_ltc[N_LTC_TYPE];
	person *people;
	size_t n_people, cap_people, live, peak;
	uint32_t *free_list;
	size_t n_free;
	service *svc;
	gsl_rng *r; /* the one stream object, rekeyed per person and purpose */
	uint64_t next_id;
	iapt_counters *ct;
	iapt_run_stats *stats;
	double money[IAPT_P__COUNT]; /* price-year factor for money parameters, 1 otherwise */
	double relapse[2][3][2];      /* monthly relapse hazard [hi][months 0-5, 6-11, 12+][residual] */
	double remit[4];              /* monthly remission hazard by months ill: 0-2, 3-5, 6-35, 36+ */
} sim;

#define P(s, id) ((s)->pv[IAPT_P_##id])

/* ---- small containers (grown by doubling; amortised, not per person) ---- */

static int vec_push(idx_vec *v, uint32_t x)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		uint32_t *p = realloc(v->v, cap * sizeof *p);
		if (!p)
			return iapt_error__set(IAPT_ENOMEM, "out of memory (caseload)");
		v->v = p;
		v->cap = cap;
	}
	v->v[v->len++] = x;
	return IAPT_OK;
}

static int queue_push(idx_queue *q, uint32_t x)
{
	if (q->len == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64, i;
		uint32_t *p = malloc(cap * sizeof *p);
		if (!p)
			return iapt_error__set(IAPT_ENOMEM, "out of memory (waiting list)");
		for (i = 0; i < q->len; i++)
			p[i] = q->buf[(q->head + i) & (q->cap - 1)];
		free(q->buf);
		q->buf = p;
		q->cap = cap;
		q->head = 0;
	}
	q->buf[(q->head + q->len) & (q->cap - 1)] = x;
	q->len++;
	return IAPT_OK;
}

static uint32_t queue_pop(idx_queue *q)
{
	uint32_t x = q->buf[q->head];
	q->head = (q->head + 1) & (q->cap - 1);
	q->len--;
	return x;
}

/* The person k places behind the head of the list (k < len). */
static inline uint32_t queue_peek(const idx_queue *q, size_t k)
{
	return q->buf[(q->head + k) & (q->cap - 1)];
}

static int person_alloc(sim *s, uint32_t *out)
{
	if (s->n_free) {
		*out = s->free_list[--s->n_free];
	} else {
		if (s->n_people == s->cap_people) {
			size_t cap = s->cap_people ? s->cap_people * 2 : 4096;
			/* cache-line aligned, so that a person is one line */
			person *p = aligned_alloc(64, cap * sizeof *p);
			uint32_t *f;
			if (!p)
				return iapt_error__set(IAPT_ENOMEM, "out of memory (people)");
			if (s->n_people)
				memcpy(p, s->people, s->n_people * sizeof *p);
			free(s->people);
			s->people = p;
			f = realloc(s->free_list, cap * sizeof *f);
			if (!f)
				return iapt_error__set(IAPT_ENOMEM, "out of memory (people)");
			s->free_list = f;
			s->cap_people = cap;
		}
		if (s->n_people >= UINT32_MAX)
			return iapt_error__set(IAPT_ENOMEM, "too many people alive at once");
		*out = (uint32_t)s->n_people++;
	}
	if (++s->live > s->peak)
		s->peak = s->live;
	return IAPT_OK;
}

static void person_free(sim *s, uint32_t i)
{
	s->free_list[s->n_free++] = i;
	s->live--;
}

/* ---- parameters by year ---- */

static int year_of_week(const sim *s, int week)
{
	return s->sc->first_year + (week - s->burn_weeks) / IAPT_WEEKS_PER_YEAR -
	       ((week - s->burn_weeks) < 0 && (week - s->burn_weeks) % IAPT_WEEKS_PER_YEAR ? 1 : 0);
}

/* Referrals in year y: the value in force times growth since the year it was given for. */
static double referrals_in_year(const iapt_params *p, int first_year, int y)
{
	double v = iapt_params_get(p, IAPT_P_REFERRALS_ANNUAL, y);
	double g = iapt_params_get(p, IAPT_P_REFERRALS_GROWTH, y);
	int anchor = first_year, k, year;
	double val;
	for (k = 0; iapt_params_schedule(p, IAPT_P_REFERRALS_ANNUAL, (size_t)k, &year, &val) == IAPT_OK; k++)
		if (year <= y)
			anchor = year;
	if (anchor > y)
		anchor = y;
	return v * pow(1.0 + g, (double)(y - anchor));
}

static double sum(const double *w, int n)
{
	double t = 0;
	int i;
	for (i = 0; i < n; i++)
		t += w[i];
	return t;
}

static int check_year(const iapt_params *p, int y)
{
	double age = 0, prob = 0, ltc = 0, emp;
	int i;
	char lab[8];
	for (i = 0; i < N_AGE; i++)
		age += iapt_params_get(p, IAPT_P_POP_AGE_18_25 + (size_t)i, y);
	for (i = 0; i < N_PROBLEM; i++)
		prob += iapt_params_get(p, IAPT_P_PROB_DEPRESSION + (size_t)i, y);
	for (i = 0; i < N_LTC_TYPE; i++)
		ltc += iapt_params_get(p, IAPT_P_LTC_DIABETES + (size_t)i, y);
	emp = iapt_params_get(p, IAPT_P_EMP_UNEMPLOYED, y) + iapt_params_get(p, IAPT_P_EMP_OTHER, y);
	iapt_year_label(y, lab);
	if (age <= 0)
		return iapt_error__set(IAPT_EINVAL, "%s: the population.age_* weights sum to zero", lab);
	if (prob <= 0)
		return iapt_error__set(IAPT_EINVAL, "%s: the problem.* weights sum to zero", lab);
	if (ltc <= 0)
		return iapt_error__set(IAPT_EINVAL, "%s: the ltc.<condition> weights sum to zero", lab);
	if (emp > 1 + 1e-12)
		return iapt_error__set(IAPT_EINVAL,
				       "%s: employment.unemployed_or_sick_share + employment.other_share = %g, more than 1", lab, emp);
	return IAPT_OK;
}

int iapt_engine_check(const iapt_scenario *sc)
{
	return iapt_engine__validate(sc);
}

/* Factors that bring each money parameter (unit "GBP YYYY-YY") to the price year. */
static int money_factors(const iapt_scenario *sc, double *f)
{
	size_t i;
	int rc;
	for (i = 0; i < IAPT_P__COUNT; i++) {
		iapt_param_info info;
		int py;
		f[i] = 1.0;
		iapt_params_info(sc->params, i, &info);
		if ((py = iapt_unit_price_year(info.unit)) != 0 &&
		    (rc = iapt_price_convert(1.0, py, sc->econ.price_year, &f[i])))
			return rc;
	}
	return IAPT_OK;
}

int iapt_engine__validate(const iapt_scenario *sc)
{
	int y, rc, burn = (int)iapt_params_get(sc->params, IAPT_P_RUN_BURN_IN_YEARS, sc->first_year);
	double f[IAPT_P__COUNT];
	for (y = sc->first_year - burn; y <= sc->last_year; y++)
		if ((rc = check_year(sc->params, y < sc->first_year ? sc->first_year : y)))
			return rc;
	if ((rc = iapt_econ_check(&sc->econ)))
		return rc;
	return money_factors(sc, f);
}

int iapt_engine__ledger_years(const iapt_scenario *sc)
{
	int y, fu = 0;
	for (y = sc->first_year; y <= sc->last_year; y++) {
		int v = (int)iapt_params_get(sc->params, IAPT_P_FU_YEARS, y);
		if (v > fu)
			fu = v;
	}
	/* reported years, a year to finish the last courses, follow-up (which may start late
	 * in that year and so reach one year further) */
	return sc->last_year - sc->first_year + 1 + (fu > 0 ? fu + 2 : 0);
}

/* Workforce expansion in year y (MODEL.md section 3): trainees who started in year a
 * (from the first reported year on) train for L years, adding trainee_capacity of a WTE
 * each while they train; then the retained share joins the qualified workforce, which
 * loses the turnover share each year. q: qualified WTE added; t: trainees in training;
 * intake: trainees starting in y. */
static void expansion(const iapt_params *p, int first, int y, int lvl, double *q, double *t, double *intake)
{
	size_t id_intake = lvl == LI ? IAPT_P_WF_LI_TRAINEES : IAPT_P_WF_HI_TRAINEES;
	size_t id_ret = lvl == LI ? IAPT_P_WF_LI_RETENTION : IAPT_P_WF_HI_RETENTION;
	size_t id_turn = lvl == LI ? IAPT_P_WF_LI_TURNOVER : IAPT_P_WF_HI_TURNOVER;
	int L = (int)iapt_params_get(p, lvl == LI ? IAPT_P_WF_LI_TRAIN_YEARS : IAPT_P_WF_HI_TRAIN_YEARS, first), a;
	*q = *t = *intake = 0;
	if (y < first)
		return;
	for (a = first; a <= y; a++) {
		*q *= 1.0 - iapt_params_get(p, id_turn, a);
		if (a - L >= first)
			*q += iapt_params_get(p, id_intake, a - L) * iapt_params_get(p, id_ret, a - L);
	}
	for (a = y - L + 1 > first ? y - L + 1 : first; a <= y; a++)
		*t += iapt_params_get(p, id_intake, a);
	*intake = iapt_params_get(p, id_intake, y);
}

/* Monthly hazards after discharge (MODEL.md section 6). Relapse: the 12-month share R with
 * a share s of it in the first 6 months (Ali et al. 2017) gives constant monthly hazards
 * over months 0-5 and 6-11; after a year, the annual rate L. Residual symptoms multiply
 * the hazard on the continuous scale: 1 - (1 - h)^HR. Remission falls with the months
 * an episode has lasted (Keller et al. 1992). */
static double monthly(double share, double months)
{
	return share >= 1 ? 1.0 : 1.0 - pow(1.0 - share, 1.0 / months);
}

static void load_hazards(sim *s)
{
	int hi, k, r;
	double sh = P(s, FU_RELAPSE_SHARE_6M), hr = P(s, FU_RELAPSE_HR_RESIDUAL);
	for (hi = 0; hi < 2; hi++) {
		double R = hi ? P(s, FU_RELAPSE_HI_12M) : P(s, FU_RELAPSE_LI_12M), s6 = 1.0 - R * sh, h[3];
		h[0] = monthly(R * sh, 6);
		h[1] = s6 > 0 ? monthly(1.0 - (1.0 - R) / s6, 6) : 1.0;
		h[2] = monthly(P(s, FU_RELAPSE_LATER), 12);
		for (k = 0; k < 3; k++)
			for (r = 0; r < 2; r++)
				s->relapse[hi][k][r] = r ? (h[k] >= 1 ? 1.0 : 1.0 - pow(1.0 - h[k], hr)) : h[k];
	}
	s->remit[0] = P(s, FU_REMIT_0_3);
	s->remit[1] = P(s, FU_REMIT_3_6);
	s->remit[2] = P(s, FU_REMIT_6_36);
	s->remit[3] = P(s, FU_REMIT_LATE);
}

static void ledger_add(sim *s, int ly, int cohort, int cat, int tag, double v)
{
	if (s->ct->ledger && cohort >= 0 && ly >= 0 && ly < s->ct->n_ledger_years)
		IAPT_LEDGER(s->ct, ly, cohort, cat, tag) += v;
}

static int load_year(sim *s, int y)
{
	const iapt_params *p = s->params;
	double scale = s->sc->population_scale, q[2], t[2], in[2], wte[2];
	size_t i;
	int k, yi = y - s->sc->first_year, lvl;
	for (lvl = LI; lvl <= HI; lvl++)
		expansion(p, s->sc->first_year, y, lvl, &q[lvl], &t[lvl], &in[lvl]);
	if (y < s->sc->first_year)
		y = s->sc->first_year; /* warm-up uses the first year's settings */
	s->year = y;
	/* plugins may have changed this replicate's parameters: check them as the scenario's were */
	if (s->own_params && (k = check_year(p, y)))
		return k;
	for (i = 0; i < IAPT_P__COUNT; i++)
		s->pv[i] = iapt_params_get(p, i, y) * s->money[i];
	s->referrals_week = referrals_in_year(p, s->sc->first_year, y) * scale / IAPT_WEEKS_PER_YEAR;
	/* capacity: WTE x sessions per WTE-week x working weeks, spread over 52 weeks */
	wte[LI] = P(s, WF_LI_WTE) + q[LI] + t[LI] * P(s, WF_TRAINEE_CAPACITY);
	wte[HI] = P(s, WF_HI_WTE) + q[HI] + t[HI] * P(s, WF_TRAINEE_CAPACITY);
	s->cap_week[LI] = wte[LI] * P(s, WF_LI_SPW) * P(s, WF_WEEKS) / IAPT_WEEKS_PER_YEAR * scale / s->n_services;
	s->cap_week[HI] = wte[HI] * P(s, WF_HI_SPW) * P(s, WF_WEEKS) / IAPT_WEEKS_PER_YEAR * scale / s->n_services;
	if (yi >= 0 && yi < s->n_years) {
		IAPT_CTR(s->ct, yi, IAPT_G_ALL, IAPT_C_WTE_LI) = wte[LI] * scale;
		IAPT_CTR(s->ct, yi, IAPT_G_ALL, IAPT_C_WTE_HI) = wte[HI] * scale;
		IAPT_CTR(s->ct, yi, IAPT_G_ALL, IAPT_C_TRAINEES) = (t[LI] + t[HI]) * scale;
		/* training fees when training starts; salaries for the study share of training */
		ledger_add(s, yi, yi, IAPT_CAT_TRAINING, IAPT_PERSP_NHS,
			   -(in[LI] * P(s, COST_LI_FEE) + in[HI] * P(s, COST_HI_FEE)) * scale);
		ledger_add(s, yi, yi, IAPT_CAT_EXPANSION, IAPT_PERSP_NHS,
			   -(t[LI] * P(s, COST_LI_SALARY) + t[HI] * P(s, COST_HI_SALARY)) * (1.0 - P(s, WF_TRAINEE_CAPACITY)) * scale);
	}
	load_hazards(s);
	for (k = 0; k < N_AGE; k++)
		s->w_age[k] = s->pv[IAPT_P_POP_AGE_18_25 + k];
	for (k = 0; k < N_PROBLEM; k++)
		s->w_problem[k] = s->pv[IAPT_P_PROB_DEPRESSION + k];
	for (k = 0; k < N_LTC_TYPE; k++)
		s->w_ltc[k] = s->pv[IAPT_P_LTC_DIABETES + k];
	return IAPT_OK;
}

/* ---- counting ---- */

static int year_index(const sim *s, int week)
{
	int w = week - s->burn_weeks;
	return w < 0 ? -1 : w / IAPT_WEEKS_PER_YEAR;
}

static void count(sim *s, int week, const person *p, int step_group, int k, double v)
{
	int y = year_index(s, week);
	if (y < 0 || y >= s->n_years)
		return;
	IAPT_CTR(s->ct, y, IAPT_G_ALL, k) += v;
	if (step_group >= 0)
		IAPT_CTR(s->ct, y, step_group, k) += v;
	IAPT_CTR(s->ct, y, p->ltc ? IAPT_G_LTC_YES : IAPT_G_LTC_NO, k) += v;
	IAPT_CTR(s->ct, y, p->emp == EMP_EMPLOYED ? IAPT_G_EMP_EMPLOYED
			 : p->emp == EMP_UNEMPLOYED ? IAPT_G_EMP_UNEMPLOYED : IAPT_G_EMP_OTHER, k) += v;
}

/* ---- random draws ---- */

static int categorical(gsl_rng *r, const double *w, int n)
{
	double u = gsl_rng_uniform(r) * sum(w, n), acc = 0;
	int i;
	for (i = 0; i < n - 1; i++) {
		acc += w[i];
		if (u < acc)
			return i;
	}
	return n - 1;
}

static inline float clampf(float x, float hi)
{
	return x < 0.0f ? 0.0f : (x > hi ? hi : x);
}

static inline int score(float latent, double noise, int hi)
{
	double v = floor((double)latent + noise + 0.5);
	return v < 0 ? 0 : (v > hi ? hi : (int)v);
}

/* Two standard normals z1, z2 -> PHQ-9 and GAD-7 noise with SD sd and correlation rho. */
static inline void correlate(double sd, double rho, double z1, double z2, double *phq, double *gad)
{
	*phq = sd * z1;
	*gad = sd * (rho * z1 + sqrt(1.0 - rho * rho) * z2);
}

/* ---- the pathway ---- */

static int end_referral(sim *s, uint32_t i, int week);

/* Bring both latent courses from p->sym_week up to the start of `week`, with the same
 * weekly innovations on both (common random numbers); natural drift per Posternak and
 * Miller 2001 (symptoms.natural_decline_weekly). */
static void advance(sim *s, person *p, int week)
{
	float d = (float)(1.0 - P(s, SYM_DECLINE));
	double sd = P(s, SYM_WEEKLY_SD), rho = P(s, SYM_CORR);
	if (p->sym_week >= week)
		return;
	iapt_rng_rekey(s->r, p->rs_sym);
	for (; p->sym_week < week; p->sym_week++) {
		double z1 = gsl_ran_gaussian_ziggurat(s->r, 1.0), z2 = gsl_ran_gaussian_ziggurat(s->r, 1.0), dp, dg;
		float ep, eg;
		correlate(sd, rho, z1, z2, &dp, &dg);
		ep = (float)dp;
		eg = (float)dg;
		p->xp = clampf(p->xp * d + ep, 27.0f);
		p->xg = clampf(p->xg * d + eg, 21.0f);
		p->np = clampf(p->np * d + ep, 27.0f);
		p->ng = clampf(p->ng * d + eg, 21.0f);
	}
	p->rs_sym = iapt_rng_state(s->r);
}

enum { CONTINUE, DISCHARGE, STEP_UP };

/* The week a person joining a waiting list in `week` gives up, with weekly chance h:
 * a geometric number of whole weeks from u in [0, 1), counted from the next week. */
static int16_t leave_week_from(int week, double h, double u)
{
	double w;
	if (h <= 0)
		return NEVER;
	w = h >= 1 ? 0 : floor(log1p(-u) / log1p(-h));
	return (int16_t)fmin((double)week + 1 + w, (double)NEVER);
}

/* One booked session at intensity `lvl` in `week`. Returns what happens next. */
static int session(sim *s, person *p, int week, int lvl, int *ended)
{
	gsl_rng *r = s->r;
	int phq, gad, at_case, improving, action = CONTINUE;
	double u_dna, u_miss, z1, z2, u_well, u_step, u_drop, p_drop;

	*ended = 0;
	advance(s, p, week);
	iapt_rng_rekey(r, p->rs_treat);
	/* fixed draw order, whatever the branch, so scenarios share random numbers */
	u_dna = gsl_rng_uniform(r);
	u_miss = gsl_rng_uniform(r);
	z1 = gsl_ran_gaussian_ziggurat(r, 1.0);
	z2 = gsl_ran_gaussian_ziggurat(r, 1.0);
	correlate(P(s, SYM_MEAS_SD), P(s, SYM_CORR), z1, z2, &z1, &z2);
	u_well = gsl_rng_uniform(r);
	u_step = gsl_rng_uniform(r);
	u_drop = gsl_rng_uniform(r);
	p->rs_treat = iapt_rng_state(r);
	s->stats->sessions++;

	if (u_dna < P(s, TX_DNA)) {
		if (p->missed < UINT8_MAX)
			p->missed++;
		count(s, week, p, -1, IAPT_C_MISSED, 1);
		if (u_drop < P(s, TX_DROP_DNA))
			*ended = 1;
		return CONTINUE;
	}
	p->attended++;
	if (lvl == LI)
		p->s_li++;
	else
		p->s_hi++;
	count(s, week, p, -1, IAPT_C_ATTENDED, 1);
	ledger_add(s, year_index(s, week), year_index(s, p->arrival), IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS,
		   -(lvl == LI ? P(s, COST_LI_SESSION) : P(s, COST_HI_SESSION)));
	if (p->first_week < 0) {
		p->first_week = (int16_t)week;
		count(s, week, p, -1, IAPT_C_ENTERED, 1);
		count(s, week, p, -1, IAPT_C_WAIT_WEEKS_ENTERED, week - p->arrival);
		ledger_add(s, year_index(s, week), year_index(s, p->arrival), IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS,
			   -P(s, COST_PER_COURSE));
	}
	/* scores at the start of the session, before its effect; the same measurement noise
	 * on the natural course keeps the comparison paired */
	phq = score(p->xp, z1, 27);
	gad = score(p->xg, z2, 21);
	if (u_miss >= P(s, OUT_MISSING)) {
		if (p->phq_first == NO_SCORE) {
			p->phq_first = (uint8_t)phq;
			p->gad_first = (uint8_t)gad;
		}
		p->phq_last = (uint8_t)phq;
		p->gad_last = (uint8_t)gad;
		p->nphq_last = (uint8_t)score(p->np, z1, 27);
		p->ngad_last = (uint8_t)score(p->ng, z2, 21);
	}
	/* the session's effect on the treated course */
	{
		double e = (lvl == LI ? P(s, TX_EFFECT_LI) : P(s, TX_EFFECT_HI)) * p->resp;
		if (e > 1)
			e = 1;
		p->xp *= (float)(1.0 - e);
		p->xg *= (float)(1.0 - e);
	}
	if (p->phq_last == NO_SCORE)
		at_case = 1; /* no score yet: treated as still at caseness */
	else
		at_case = iapt_outcome__caseness(p->phq_last, p->gad_last);
	improving = p->phq_first != NO_SCORE && p->phq_last != NO_SCORE &&
		    ((int)p->phq_first - p->phq_last >= IAPT_PHQ9_RELIABLE ||
		     (int)p->gad_first - p->gad_last >= IAPT_GAD7_RELIABLE);

	if (p->attended >= (int)P(s, TX_MIN_WELL) && !at_case && u_well < P(s, TX_WELL_DISCHARGE)) {
		action = DISCHARGE;
	} else if (lvl == LI) {
		if (p->s_li == (int)P(s, TX_STEPUP_REVIEW) && p->s_li < (int)P(s, TX_LI_MAX) && at_case &&
		    !improving && u_step < P(s, TX_STEPUP))
			action = STEP_UP;
		else if (p->s_li >= (int)P(s, TX_LI_MAX))
			action = (at_case && u_step < P(s, TX_STEPUP)) ? STEP_UP : DISCHARGE;
	} else if (p->s_hi >= (int)P(s, TX_HI_MAX)) {
		action = DISCHARGE;
	}
	if (action == CONTINUE) {
		p_drop = p->attended == 1
			 ? P(s, TX_DROP_FIRST) + P(s, TX_DROP_WAIT) * (double)(week - p->arrival)
			 : P(s, TX_DROP_LATER);
		if (u_drop < p_drop)
			action = DISCHARGE;
	}
	if (action == DISCHARGE)
		*ended = 1;
	return action;
}

/* ---- follow-up after discharge (MODEL.md section 6) ---- */

/* One path of a person after discharge: treated, or their natural course. */
typedef struct fu_path {
	int well;   /* not at caseness */
	int emp;    /* EMP_* */
	int hi;     /* relapse profile: after high-intensity treatment */
	int resid;  /* residual symptoms (PHQ-9 5-9) at the start of the well spell */
	int months; /* months into the well spell, or of the episode when not well (capped) */
	double util;
} fu_path;

static int same_path(const fu_path *a, const fu_path *b)
{
	return a->well == b->well && a->emp == b->emp && a->hi == b->hi && a->resid == b->resid &&
	       a->months == b->months && a->util == b->util;
}

/* EQ-5D by PHQ-9 band for depression, mixed and other problems (Kolovos et al. 2017, our
 * band mapping); by GAD-7 band for the anxiety problems (Jankovic et al. 2021). */
static double utility(const sim *s, int problem, int phq, int gad)
{
	if (problem == PROB_DEPRESSION || problem == PROB_MIXED || problem == PROB_OTHER)
		return phq < 5 ? P(s, UTIL_PHQ_0) : phq < 10 ? P(s, UTIL_PHQ_5) : phq < 15 ? P(s, UTIL_PHQ_10)
		       : phq < 20 ? P(s, UTIL_PHQ_15) : P(s, UTIL_PHQ_20);
	return gad < 5 ? P(s, UTIL_GAD_0) : gad < 10 ? P(s, UTIL_GAD_5) : gad < 15 ? P(s, UTIL_GAD_10) : P(s, UTIL_GAD_15);
}

static void fu_start(const sim *s, const person *p, fu_path *q, int phq, int gad, int hi, int ill_months)
{
	q->well = !iapt_outcome__caseness(phq, gad);
	q->emp = p->emp;
	q->hi = q->well ? hi : 0;
	q->resid = q->well && phq >= 5;
	q->months = q->well ? 0 : (ill_months < 36 ? ill_months : 36);
	q->util = utility(s, p->problem, phq, gad);
}

/* A month's flows on one path, sign +1 for treated and -1 for the natural course. */
static void fu_flows(const sim *s, const person *p, const fu_path *q, double sign,
		     double acc[IAPT_CAT__COUNT][IAPT_PERSP__COUNT])
{
	acc[IAPT_CAT_QALYS][IAPT_PERSP_NHS] += sign * q->util / 12.0;
	if (q->emp == EMP_EMPLOYED) {
		double tax = sign * P(s, MONEY_TAX) / 12.0;
		acc[IAPT_CAT_EARNINGS][IAPT_PERSP_SOCIETAL] += sign * P(s, MONEY_EARNINGS) / 12.0;
		acc[IAPT_CAT_TAX][IAPT_PERSP_EXCHEQUER] += tax;  /* the Exchequer receives */
		acc[IAPT_CAT_TAX][IAPT_PERSP_SOCIETAL] -= tax;   /* households and employers pay */
		if (!q->well) /* days lost, valued at earnings per working day (260 a year) */
			acc[IAPT_CAT_SICKNESS_ABSENCE][IAPT_PERSP_SOCIETAL] -=
				sign * P(s, EMP_ABSENCE_DAYS) * P(s, MONEY_EARNINGS) / 260.0;
	} else if (q->emp == EMP_UNEMPLOYED) {
		double b = sign * P(s, MONEY_BENEFITS) / 12.0;
		acc[IAPT_CAT_BENEFITS][IAPT_PERSP_EXCHEQUER] -= b; /* the Exchequer pays */
		acc[IAPT_CAT_BENEFITS][IAPT_PERSP_SOCIETAL] += b;  /* households receive */
	}
	if (p->ltc && !q->well)
		acc[IAPT_CAT_PHYSICAL_HEALTH][IAPT_PERSP_NHS] -= sign * P(s, PHYS_EXCESS_ILL) / 12.0;
}

/* A month's transitions: relapse or remission on u_h, then work on u_e. Both paths use
 * the same two numbers, so they move together wherever their states agree. */
static void fu_step(const sim *s, fu_path *q, double u_h, double u_e, double util_ill, double util_well)
{
	if (q->well) {
		int period = q->months < 6 ? 0 : (q->months < 12 ? 1 : 2);
		if (u_h < s->relapse[q->hi][period][q->resid]) {
			q->well = 0;
			q->hi = q->resid = q->months = 0;
			q->util = util_ill;
		} else if (q->months < 12) {
			q->months++;
		}
	} else if (u_h < s->remit[q->months < 3 ? 0 : q->months < 6 ? 1 : q->months < 36 ? 2 : 3]) {
		q->well = 1;
		q->hi = q->resid = q->months = 0;
		q->util = util_well;
	} else if (q->months < 36) {
		q->months++;
	}
	if (q->emp == EMP_UNEMPLOYED) {
		if (u_e < (q->well ? P(s, EMP_FIND_WELL) : P(s, EMP_FIND_ILL)))
			q->emp = EMP_EMPLOYED;
	} else if (q->emp == EMP_EMPLOYED) {
		if (u_e < (q->well ? P(s, EMP_LOSE_WELL) : P(s, EMP_LOSE_ILL)))
			q->emp = EMP_UNEMPLOYED;
	}
}

static void flush(sim *s, int ly, int cohort, double acc[IAPT_CAT__COUNT][IAPT_PERSP__COUNT])
{
	int c, t;
	for (c = 0; c < IAPT_CAT__COUNT; c++)
		for (t = 0; t < IAPT_PERSP__COUNT; t++)
			if (acc[c][t] != 0) {
				ledger_add(s, ly, cohort, c, t, acc[c][t]);
				acc[c][t] = 0;
			}
}

/* Follow a person monthly from discharge on both paths; the ledger gets the difference. */
static void follow_up(sim *s, const person *p, int end_week, int cohort, int emp_t)
{
	double acc[IAPT_CAT__COUNT][IAPT_PERSP__COUNT];
	fu_path t, n;
	int months = (int)P(s, FU_YEARS) * 12, m, ly = -1, sav_months = 0;
	int need_int = p->ltc && p->integrated;
	int phq_t = p->phq_last != NO_SCORE ? p->phq_last : score(p->xp, 0, 27);
	int gad_t = p->phq_last != NO_SCORE ? p->gad_last : score(p->xg, 0, 21);
	int phq_n = p->nphq_last != NO_SCORE ? p->nphq_last : score(p->np, 0, 27);
	int gad_n = p->nphq_last != NO_SCORE ? p->ngad_last : score(p->ng, 0, 21);
	double util_ill, util_well, saving = 0;

	/* months of the episode at discharge: before referral, then waiting and treatment */
	int ill = (int)(P(s, FU_ILL_BEFORE) + (double)(end_week - p->arrival) * 12.0 / IAPT_WEEKS_PER_YEAR);
	fu_start(s, p, &t, phq_t, gad_t, p->s_hi > 0, ill);
	fu_start(s, p, &n, phq_n, gad_n, 0, ill); /* an untreated spell relapses like one after LI (assumed) */
	t.emp = emp_t; /* a plugin may have changed it at discharge (employment support) */
	if (!need_int && same_path(&t, &n))
		return; /* the two paths agree from here on: the programme changes nothing more */
	if (need_int) {
		/* integrated care for a long-term condition (Toffolutti et al., S36); its draw has
		 * a stream of its own, so integration leaves every later draw as it was and a
		 * comparison with and without it differs only by its effects */
		double u_emp;
		iapt_rng_rekey(s->r, iapt_rng_key(s->sc->seed, (uint64_t)s->rep, p->id, IAPT_RNG_INTEGRATED));
		u_emp = gsl_rng_uniform(s->r);
		sav_months = (int)P(s, PHYS_INTEGRATED_MONTHS);
		saving = P(s, PHYS_INTEGRATED_SAVING) / (sav_months > 0 ? sav_months : 1);
		if (sav_months < 1)
			sav_months = 1; /* 0 months: the whole saving at discharge */
		if (t.emp == EMP_UNEMPLOYED && u_emp < P(s, LTC_INTEGRATED_EMP))
			t.emp = EMP_EMPLOYED;
	}
	/* the follow-up stream: two numbers a month */
	iapt_rng_rekey(s->r, iapt_rng_key(s->sc->seed, (uint64_t)s->rep, p->id, IAPT_RNG_FOLLOWUP));
	util_ill = p->phq_first != NO_SCORE ? utility(s, p->problem, p->phq_first, p->gad_first) : t.util;
	util_well = utility(s, p->problem, 0, 0);
	memset(acc, 0, sizeof acc);
	for (m = 0; m < months; m++) {
		int week = end_week + m * IAPT_WEEKS_PER_YEAR / 12, y = year_index(s, week);
		double u_h, u_e;
		if (m >= sav_months && same_path(&t, &n))
			break;
		if (y != ly) {
			if (ly >= 0)
				flush(s, ly, cohort, acc);
			ly = y;
		}
		fu_flows(s, p, &t, 1.0, acc);
		fu_flows(s, p, &n, -1.0, acc);
		if (m < sav_months)
			acc[IAPT_CAT_PHYSICAL_HEALTH][IAPT_PERSP_NHS] += saving;
		u_h = gsl_rng_uniform(s->r);
		u_e = gsl_rng_uniform(s->r);
		fu_step(s, &t, u_h, u_e, util_ill, util_well);
		fu_step(s, &n, u_h, u_e, util_ill, util_well);
	}
	if (ly >= 0)
		flush(s, ly, cohort, acc);
}

/* A person as hooks see them (engine.h); the caller sets what depends on the event. */
static void hook_view(const sim *s, const person *p, iapt_hook_person *v)
{
	v->id = p->id;
	v->service = p->svc;
	v->year = year_of_week(s, p->arrival);
	v->arrival_week = p->arrival;
	v->first_week = p->first_week;
	v->end_week = -1;
	v->end_year = 0;
	v->age_band = p->age;
	v->female = p->female;
	v->problem = p->problem;
	v->employment = p->emp;
	v->ltc = p->ltc;
	v->ltc_type = p->ltc_type;
	v->integrated = p->integrated;
	v->route = IAPT_ROUTE_LI;
	v->route_set = 0;
	v->mark = p->mark;
	v->responsiveness = p->resp; /* at referral: before the LTC effect */
	v->phq9 = p->xp;
	v->gad7 = p->xg;
	v->attended = p->attended;
	v->missed = p->missed;
	v->sessions_li = p->s_li;
	v->sessions_hi = p->s_hi;
	v->phq_first = p->phq_first == NO_SCORE ? -1 : p->phq_first;
	v->gad_first = p->phq_first == NO_SCORE ? -1 : p->gad_first;
	v->phq_last = p->phq_last == NO_SCORE ? -1 : p->phq_last;
	v->gad_last = p->phq_last == NO_SCORE ? -1 : p->gad_last;
	v->flags = 0;
}

static int end_referral(sim *s, uint32_t i, int week)
{
	person *p = &s->people[i];
	unsigned flags = 0;
	int g = -1, emp_t = p->emp;
	if (p->attended == 0) {
		count(s, week, p, -1, IAPT_C_NOT_ENTERED, 1);
	} else if (p->attended >= 2) {
		int wait = p->first_week - p->arrival;
		g = p->s_hi == 0 ? IAPT_G_STEP_LI_ONLY : (p->s_li == 0 ? IAPT_G_STEP_HI_ONLY : IAPT_G_STEP_LI_THEN_HI);
		count(s, week, p, g, IAPT_C_FINISHED, 1);
		count(s, week, p, g, IAPT_C_SESSIONS_FINISHED, p->attended);
		/* waits to first treatment within 6 and 18 weeks, among finished courses [S16, S26] */
		count(s, week, p, g, IAPT_C_WITHIN_6WK, wait <= 6);
		count(s, week, p, g, IAPT_C_WITHIN_18WK, wait <= 18);
		if (p->phq_first != NO_SCORE) {
			unsigned nf;
			flags = iapt_outcome__classify(p->phq_first, p->gad_first, p->phq_last, p->gad_last, p->attended);
			nf = iapt_outcome__classify(p->phq_first, p->gad_first, p->nphq_last, p->ngad_last, p->attended);
			count(s, week, p, g, IAPT_C_FIN_CASENESS, !!(flags & IAPT_O_CASENESS_FIRST));
			count(s, week, p, g, IAPT_C_RECOVERED, !!(flags & IAPT_O_RECOVERED));
			count(s, week, p, g, IAPT_C_RELIABLE_IMPROVEMENT, !!(flags & IAPT_O_RELIABLE_IMPROVEMENT));
			count(s, week, p, g, IAPT_C_RELIABLE_DETERIORATION, !!(flags & IAPT_O_RELIABLE_DETERIORATION));
			count(s, week, p, g, IAPT_C_RELIABLE_RECOVERY, !!(flags & IAPT_O_RELIABLE_RECOVERY));
			count(s, week, p, g, IAPT_C_NATURAL_RECOVERED, !!(nf & IAPT_O_RECOVERED));
		}
	}
	if (s->has & IAPT_HOOK_DISCHARGE) {
		iapt_hook_person v;
		int rc;
		hook_view(s, p, &v);
		v.end_week = week;
		v.end_year = year_of_week(s, week);
		v.flags = flags;
		s->ev_week = week;
		s->ev_cohort = year_index(s, p->arrival);
		if ((rc = s->hooks->on_discharge(s->hooks->data, s, &v)))
			return rc;
		emp_t = v.employment;
		p->integrated = v.integrated & 1;
		p->mark = (uint8_t)v.mark;
	}
	if (p->attended > 0 && P(s, FU_YEARS) > 0 && year_index(s, p->arrival) >= 0)
		follow_up(s, p, week, year_index(s, p->arrival), emp_t);
	person_free(s, i);
	return IAPT_OK;
}

/* A new referral in `week`: who they are, and where they go. */
static int arrive(sim *s, int week)
{
	gsl_rng *r = s->r;
	uint64_t seed = s->sc->seed, id = s->next_id++;
	if (id > UINT32_MAX)
		return iapt_error__set(IAPT_ERANGE, "more than %u referrals in one replicate", UINT32_MAX);
	uint32_t i = 0;
	person *p;
	int rc, svc, route;
	double z1, z2, zr, rho, u_sign, u_leave, u_hi, u_desc, u_int, resp, match, sdr;

	if ((rc = person_alloc(s, &i)))
		return rc;
	p = &s->people[i];
	memset(p, 0, sizeof *p);
	p->id = (uint32_t)id;
	p->arrival = (int16_t)week;
	p->first_week = -1;
	p->sym_week = (int16_t)week;
	p->phq_first = p->gad_first = p->phq_last = p->gad_last = NO_SCORE;
	p->nphq_last = p->ngad_last = NO_SCORE;
	p->rs_treat = iapt_rng_key(seed, (uint64_t)s->rep, id, IAPT_RNG_TREATMENT);
	p->rs_sym = iapt_rng_key(seed, (uint64_t)s->rep, id, IAPT_RNG_SYMPTOMS);
	s->stats->referrals++;

	/* attributes (MODEL.md section 2); fixed draw order */
	iapt_rng_rekey(r, iapt_rng_key(seed, (uint64_t)s->rep, id, IAPT_RNG_ATTRIBUTES));
	svc = (int)gsl_rng_uniform_int(r, (unsigned long)s->n_services);
	p->female = gsl_rng_uniform(r) < P(s, POP_FEMALE);
	p->age = (uint8_t)categorical(r, s->w_age, N_AGE);
	p->problem = (uint8_t)categorical(r, s->w_problem, N_PROBLEM);
	{
		double u = gsl_rng_uniform(r);
		p->emp = u < P(s, EMP_UNEMPLOYED) ? EMP_UNEMPLOYED
			 : (u < P(s, EMP_UNEMPLOYED) + P(s, EMP_OTHER) ? EMP_OTHER : EMP_EMPLOYED);
	}
	p->ltc = gsl_rng_uniform(r) < P(s, LTC_SHARE);
	p->ltc_type = (uint8_t)categorical(r, s->w_ltc, N_LTC_TYPE);
	z1 = gsl_ran_gaussian_ziggurat(r, 1.0);
	z2 = gsl_ran_gaussian_ziggurat(r, 1.0);
	zr = gsl_ran_gaussian_ziggurat(r, 1.0);
	u_desc = gsl_rng_uniform(r);
	u_int = gsl_rng_uniform(r);
	/* seen in a service integrated with physical care (ltc.integrated_share, or a plugin) */
	p->integrated = p->ltc && u_int < P(s, LTC_INTEGRATED);
	p->svc = (uint16_t)svc;
	rho = P(s, BASE_CORR);
	p->xp = p->np = clampf((float)(P(s, BASE_PHQ_MEAN) + P(s, BASE_PHQ_SD) * z1), 27.0f);
	p->xg = p->ng = clampf((float)(P(s, BASE_GAD_MEAN) + P(s, BASE_GAD_SD) * (rho * z1 + sqrt(1 - rho * rho) * z2)), 21.0f);
	sdr = P(s, TX_RESP_SD);
	resp = exp(sdr * zr - 0.5 * sdr * sdr); /* lognormal with mean 1 */
	/* treatment matched to a recorded problem descriptor works better (Clark et al. 2018, S29) */
	match = u_desc < P(s, TX_DESCRIPTOR) ? 1.0 : P(s, TX_UNMATCHED);
	resp *= match;
	p->resp = (float)resp;

	/* access (MODEL.md section 3) */
	iapt_rng_rekey(r, iapt_rng_key(seed, (uint64_t)s->rep, id, IAPT_RNG_ACCESS));
	u_sign = gsl_rng_uniform(r);
	u_leave = gsl_rng_uniform(r);
	u_hi = gsl_rng_uniform(r);
	/* NICE: PTSD and social anxiety start at high intensity */
	route = u_sign < P(s, ACCESS_SIGNPOST) ? IAPT_ROUTE_SIGNPOST
		: (p->problem == PROB_PTSD || p->problem == PROB_SOCIAL || u_hi < P(s, ACCESS_HI_FIRST))
		? IAPT_ROUTE_HI : IAPT_ROUTE_LI;
	if (s->has & IAPT_HOOK_REFERRAL) {
		iapt_hook_person v;
		hook_view(s, p, &v);
		v.route = route;
		s->ev_week = week;
		s->ev_cohort = year_index(s, week);
		if ((rc = s->hooks->on_referral(s->hooks->data, s, &v))) {
			person_free(s, i);
			return rc;
		}
		/* the host checked the values; attributes first, then the route they imply */
		p->problem = (uint8_t)(v.problem & 15);
		p->emp = (uint8_t)(v.employment & 3);
		p->ltc = (uint8_t)(v.ltc & 1);
		p->ltc_type = (uint8_t)(v.ltc_type & 7);
		p->integrated = (uint8_t)(v.integrated & 1);
		p->mark = (uint8_t)v.mark;
		resp = v.responsiveness;
		p->xp = p->np = (float)v.phq9;
		p->xg = p->ng = (float)v.gad7;
		if (v.route_set)
			route = v.route;
		else if (route == IAPT_ROUTE_LI && (p->problem == PROB_PTSD || p->problem == PROB_SOCIAL))
			route = IAPT_ROUTE_HI;
	}
	p->resp = (float)(resp * (p->ltc ? P(s, LTC_EFFECT) : 1.0));
	count(s, week, p, -1, IAPT_C_REFERRALS, 1);
	ledger_add(s, year_index(s, week), year_index(s, week), IAPT_CAT_ASSESSMENTS, IAPT_PERSP_NHS, -P(s, COST_ASSESSMENT));
	if (route == IAPT_ROUTE_SIGNPOST)
		return end_referral(s, i, week);
	p->leave_week = leave_week_from(week, P(s, ACCESS_LEAVE), u_leave);
	return queue_push(&s->svc[svc].queue[route == IAPT_ROUTE_HI ? HI : LI], i);
}

static int step_up(sim *s, service *sv, uint32_t i, int week)
{
	person *p = &s->people[i];
	double u;
	/* a step-up waits on the HI list like anyone; the same leaving hazard applies */
	iapt_rng_rekey(s->r, p->rs_treat);
	u = gsl_rng_uniform(s->r);
	p->rs_treat = iapt_rng_state(s->r);
	p->leave_week = leave_week_from(week, P(s, ACCESS_LEAVE), u);
	return queue_push(&sv->queue[HI], i);
}

static int run_service(sim *s, service *sv, int week)
{
	int lvl, rc, ended, action;
	for (lvl = LI; lvl <= HI; lvl++) {
		double slots_d;
		long slots;
		size_t k;
		idx_vec *act = &sv->active[lvl];
		sv->acc[lvl] += s->cap_week[lvl] * sv->factor;
		slots_d = floor(sv->acc[lvl]);
		sv->acc[lvl] -= slots_d;
		slots = (long)slots_d;
		/* people in treatment keep their weekly session first */
		for (k = 0; k < act->len;) {
			uint32_t i = act->v[k];
			if (slots <= 0)
				break; /* capacity fell below the caseload: the rest wait a week */
#if defined(__GNUC__)
			/* the caseload visits the pool out of order: fetch a few people ahead */
			if (k + 8 < act->len)
				__builtin_prefetch(&s->people[act->v[k + 8]]);
#endif
			slots--;
			s->stats->person_weeks++;
			action = session(s, &s->people[i], week, lvl, &ended);
			if (ended || action == STEP_UP) {
				act->v[k] = act->v[--act->len];
				if (action == STEP_UP && !ended)
					rc = step_up(s, sv, i, week);
				else
					rc = end_referral(s, i, week);
				if (rc)
					return rc;
				continue;
			}
			k++;
		}
		/* free slots go to the head of the waiting list */
		while (slots > 0 && sv->queue[lvl].len) {
			uint32_t i;
#if defined(__GNUC__)
			if (sv->queue[lvl].len > 8)
				__builtin_prefetch(&s->people[queue_peek(&sv->queue[lvl], 8)]);
#endif
			i = queue_pop(&sv->queue[lvl]);
			person *p = &s->people[i];
			if (p->leave_week <= week) {
				/* left the list before reaching its head; counted when they left */
				if ((rc = end_referral(s, i, p->leave_week)))
					return rc;
				continue;
			}
			slots--;
			s->stats->person_weeks++;
			action = session(s, p, week, lvl, &ended);
			if (ended)
				rc = end_referral(s, i, week);
			else if (action == STEP_UP)
				rc = step_up(s, sv, i, week);
			else
				rc = vec_push(act, i);
			if (rc)
				return rc;
		}
	}
	return IAPT_OK;
}

/* After the last reported week: no new referrals; those waiting or in treatment carry on
 * for up to a year so that the last cohorts' courses end and are followed up like the
 * others (their outcomes fall outside the reported years; their flows are in the ledger).
 * Anyone still there after that year ends then. */
static int drain(sim *s, int week)
{
	int end = week + IAPT_WEEKS_PER_YEAR, k, lvl, rc;
	for (; week < end; week++) {
		int busy = 0;
		for (k = 0; k < s->n_services; k++)
			if ((rc = run_service(s, &s->svc[k], week)))
				return rc;
		for (k = 0; k < s->n_services && !busy; k++)
			busy = s->svc[k].queue[LI].len || s->svc[k].queue[HI].len || s->svc[k].active[LI].len ||
			       s->svc[k].active[HI].len;
		if (!busy)
			return IAPT_OK;
	}
	for (k = 0; k < s->n_services; k++) {
		for (lvl = LI; lvl <= HI; lvl++) {
			service *sv = &s->svc[k];
			while (sv->active[lvl].len)
				if ((rc = end_referral(s, sv->active[lvl].v[--sv->active[lvl].len], end)))
					return rc;
			while (sv->queue[lvl].len) {
				uint32_t i = queue_pop(&sv->queue[lvl]);
				int at = s->people[i].leave_week < end ? s->people[i].leave_week : end;
				if ((rc = end_referral(s, i, at)))
					return rc;
			}
		}
	}
	return IAPT_OK;
}

static void sim_free(sim *s)
{
	int k, l;
	if (s->svc) {
		for (k = 0; k < s->n_services; k++) {
			for (l = 0; l < 2; l++) {
				free(s->svc[k].queue[l].buf);
				free(s->svc[k].active[l].v);
			}
		}
	}
	free(s->svc);
	free(s->people);
	free(s->free_list);
	free(s->values);
	iapt_params_free(s->own_params);
	gsl_rng_free(s->r);
}

/* This replicate's values of the uncertain parameters (every year: parsing made sure no
 * year-by-year values are given for them). */
static int draw_parameters(sim *s, double *out)
{
	size_t k, n = s->sc->n_uncertain;
	double *x = out ? out : malloc(n * sizeof *x);
	int rc;
	char origin[64];
	if (!x)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	snprintf(origin, sizeof origin, "uncertainty (replicate %d)", s->rep + 1);
	rc = iapt_scenario_draw(s->sc, s->rep, x);
	for (k = 0; !rc && k < n; k++)
		rc = iapt_params_set_constant(s->own_params, s->sc->uncertain[k].param, x[k], origin);
	if (x != out)
		free(x);
	return rc;
}

/* The week loop of one replicate, with hooks (begin has run). */
static int simulate(sim *s)
{
	int rc, week, k, cur_year = INT_MIN;
	for (week = 0; week < s->weeks; week++) {
		int y = year_of_week(s, week);
		long n_arrive;
		if (y != cur_year) {
			if (y >= s->sc->first_year && (s->has & IAPT_HOOK_YEAR)) {
				s->ev_week = week;
				s->ev_cohort = y - s->sc->first_year;
				s->in_setup = 2;
				s->year = y;
				rc = s->hooks->on_year(s->hooks->data, s, y);
				s->in_setup = 0;
				if (rc)
					return rc;
			}
			if ((rc = load_year(s, y)))
				return rc;
			cur_year = y;
		}
		for (k = 0; k < s->n_services; k++)
			if ((rc = run_service(s, &s->svc[k], week)))
				return rc;
		/* referrals arrive over the week and wait at least until next week */
		s->ref_acc += s->referrals_week;
		n_arrive = (long)floor(s->ref_acc);
		s->ref_acc -= (double)n_arrive;
		while (n_arrive-- > 0)
			if ((rc = arrive(s, week)))
				return rc;
	}
	if (P(s, FU_YEARS) > 0 && (rc = drain(s, week)))
		return rc;
	return IAPT_OK;
}

int iapt_engine__run_replicate(const iapt_scenario *sc, int rep, const iapt_hooks *hooks,
			       iapt_counters *ct, iapt_run_stats *stats)
{
	sim s;
	int rc = IAPT_OK, k, begun = 0;
	double fsum = 0;

	memset(&s, 0, sizeof s);
	ct->log = NULL;
	s.sc = sc;
	s.params = sc->params;
	s.hooks = hooks;
	s.has = hooks ? hooks->has : 0;
	s.rep = rep;
	s.ct = ct;
	s.stats = stats;
	s.year = sc->first_year;
	s.ev_cohort = -1;
	s.n_years = sc->last_year - sc->first_year + 1;
	s.burn_weeks = (int)iapt_params_get(sc->params, IAPT_P_RUN_BURN_IN_YEARS, sc->first_year) * IAPT_WEEKS_PER_YEAR;
	s.weeks = s.burn_weeks + s.n_years * IAPT_WEEKS_PER_YEAR;
	if (s.weeks + IAPT_WEEKS_PER_YEAR >= NEVER) /* weeks are 16-bit; scenario bounds keep this far off */
		return iapt_error__set(IAPT_ERANGE, "a run of %d weeks is longer than %d", s.weeks, NEVER - 1);
	/* services scale with the population so that each keeps a realistic size */
	s.n_services = (int)lround(iapt_params_get(sc->params, IAPT_P_WF_SERVICES, sc->first_year) * sc->population_scale);
	if (s.n_services < 1)
		s.n_services = 1;
	if (s.n_services > UINT16_MAX)
		return iapt_error__set(IAPT_ERANGE, "%d services is more than %d", s.n_services, UINT16_MAX);
	if ((rc = money_factors(sc, s.money)))
		return rc;
	if ((rc = iapt_rng_new(&s.r, 0)))
		return rc;
	/* plugins and parameter draws change this replicate's copy only */
	if ((hooks || sc->n_uncertain) && (rc = iapt_params_copy(&s.own_params, sc->params)))
		goto cleanup;
	if (s.own_params)
		s.params = s.own_params;
	if (sc->n_uncertain && (rc = draw_parameters(&s, ct->draws)))
		goto cleanup;
	s.svc = calloc((size_t)s.n_services, sizeof *s.svc);
	if (!s.svc) {
		rc = iapt_error__set(IAPT_ENOMEM, "out of memory (services)");
		goto cleanup;
	}
	/* capacity relative to demand varies across services (lognormal, mean 1, normalised) */
	{
		double sd = iapt_params_get(sc->params, IAPT_P_WF_CAP_SD, sc->first_year);
		for (k = 0; k < s.n_services; k++) {
			iapt_rng_rekey(s.r, iapt_rng_key(sc->seed, (uint64_t)rep, (uint64_t)k, IAPT_RNG_SERVICE));
			s.svc[k].factor = exp(sd * gsl_ran_gaussian_ziggurat(s.r, 1.0) - 0.5 * sd * sd);
			fsum += s.svc[k].factor;
		}
		for (k = 0; k < s.n_services; k++)
			s.svc[k].factor *= s.n_services / fsum;
	}
	if (hooks && hooks->begin) {
		s.in_setup = 1;
		rc = hooks->begin(hooks->data, &s);
		s.in_setup = 0;
		if (rc)
			goto cleanup;
		begun = 1;
	}
	if ((rc = simulate(&s)))
		goto cleanup;
	if (s.peak > stats->peak_people)
		stats->peak_people = s.peak;
	if (s.has & IAPT_HOOK_FINISH) {
		size_t n = (size_t)s.n_years * IAPT_G__COUNT * IAPT_M__COUNT;
		if (!(s.values = malloc(n * sizeof *s.values))) {
			rc = iapt_error__set(IAPT_ENOMEM, "out of memory");
			goto cleanup;
		}
		iapt_metrics__derive(ct, sc->population_scale, s.values);
		s.values_ready = 1;
	}
cleanup:
	if (begun) {
		int rc2;
		s.ev_week = s.weeks;
		s.ev_cohort = -1;
		rc2 = hooks->end(hooks->data, &s, rc == IAPT_OK);
		if (!rc)
			rc = rc2;
	}
	if (s.log.ptr && iapt_buf__ok(&s.log)) {
		ct->log = s.log.ptr; /* handed over, even on failure: the lines may explain it */
		s.log.ptr = NULL;
	}
	iapt_buf__free(&s.log);
	sim_free(&s);
	return rc;
}

/* ---- what hooks may ask of the run (engine.h) ---- */

void iapt_run__info(const iapt_run *r, iapt_run_info *out)
{
	out->seed = r->sc->seed;
	out->replicate = r->rep;
	out->first_year = r->sc->first_year;
	out->last_year = r->sc->last_year;
	out->year = r->year;
	out->week = r->ev_week;
	out->n_services = r->n_services;
	out->population_scale = r->sc->population_scale;
}

double iapt_run__param(const iapt_run *r, size_t idx, int year)
{
	return iapt_params_get(r->params, idx, year ? year : r->year);
}

int iapt_run__set_param(iapt_run *r, size_t idx, int year, double value)
{
	iapt_param_info info;
	char lab[8], origin[64];
	iapt_params_info(r->params, idx, &info);
	if (!r->in_setup || !r->own_params)
		return iapt_error__set(IAPT_EINVAL, "parameters can be set only in setup and on_year");
	if (idx == IAPT_P_RUN_BURN_IN_YEARS || idx == IAPT_P_FU_YEARS || idx == IAPT_P_WF_SERVICES || idx == IAPT_P_WF_CAP_SD)
		return iapt_error__set(IAPT_EINVAL, "%s shapes the run and cannot be set by a plugin; set it in the scenario's parameters", info.name);
	if (r->in_setup == 2 && year != 0 && year < r->year)
		return iapt_error__set(IAPT_EINVAL, "%s: %s is already simulated (on_year of %s may set values from %s on)", info.name,
				       iapt_year_label(year, lab), iapt_year_label(r->year, origin), lab);
	if (r->in_setup == 2 && year == 0)
		year = r->year;
	snprintf(origin, sizeof origin, "plugin (replicate %d)", r->rep + 1);
	return iapt_params_set(r->own_params, idx, year, value, origin);
}

int iapt_run__check_params(const iapt_run *r)
{
	int y, rc;
	for (y = r->sc->first_year; y <= r->sc->last_year; y++)
		if ((rc = check_year(r->params, y)))
			return rc;
	return IAPT_OK;
}

int iapt_run__flow(iapt_run *r, int category, int tag, double amount)
{
	int ly = r->ev_week < 0 ? -1 : year_index(r, r->ev_week);
	if (category < 0 || category >= IAPT_CAT__COUNT || tag < 0 || tag >= IAPT_PERSP__COUNT)
		return iapt_error__set(IAPT_EINVAL, "no such ledger category or perspective");
	if (!isfinite(amount))
		return iapt_error__set(IAPT_EINVAL, "a flow must be a finite number");
	if (r->ev_cohort < 0)
		return IAPT_OK; /* warm-up cohorts are not reported (as in the core ledger) */
	ledger_add(r, ly, r->ev_cohort, category, tag, amount);
	return IAPT_OK;
}

int iapt_run__metric(iapt_run *r, size_t k, double v, int set, int year)
{
	int y;
	if (k >= r->ct->n_extra)
		return iapt_error__set(IAPT_EINVAL, "no such plugin metric");
	if (!isfinite(v))
		return iapt_error__set(IAPT_EINVAL, "a metric value must be a finite number");
	if (year)
		y = year - r->sc->first_year;
	else
		y = r->values_ready ? r->year - r->sc->first_year : year_index(r, r->ev_week);
	if (y < 0 || y >= r->n_years)
		return IAPT_OK; /* outside the reported years */
	if (set)
		r->ct->extra[(size_t)y * r->ct->n_extra + k] = v;
	else
		r->ct->extra[(size_t)y * r->ct->n_extra + k] += v;
	return IAPT_OK;
}

const double *iapt_run__values(const iapt_run *r)
{
	return r->values_ready ? r->values : NULL;
}

int iapt_run__log(iapt_run *r, const char *line)
{
	if (r->log_lines < IAPT_LOG_MAX_LINES)
		iapt_buf__printf(&r->log, "%s\n", line);
	else if (r->log_lines == IAPT_LOG_MAX_LINES)
		iapt_buf__printf(&r->log, "(further log lines of replicate %d dropped)\n", r->rep + 1);
	r->log_lines++;
	return iapt_buf__ok(&r->log) ? IAPT_OK : iapt_error__set(IAPT_ENOMEM, "out of memory (log)");
}

uint64_t iapt_run__key(const iapt_run *r, uint64_t entity)
{
	return iapt_rng_key(r->sc->seed, (uint64_t)r->rep, entity, IAPT_RNG_PLUGIN);
}

/* ---- follow-up on a hand-made cohort, for tests ---- */

int iapt_engine__follow_up_cohort(const iapt_scenario *sc, const iapt_fu_case *c, int n, iapt_counters *ct)
{
	sim s;
	person p;
	int rc, k;
	iapt_run_stats st;
	memset(&s, 0, sizeof s);
	memset(&st, 0, sizeof st);
	s.sc = sc;
	s.params = sc->params;
	s.ct = ct;
	s.stats = &st;
	s.n_years = ct->n_years;
	s.n_services = 1;
	if ((rc = money_factors(sc, s.money)))
		return rc;
	if ((rc = iapt_rng_new(&s.r, 0)))
		return rc;
	if ((rc = load_year(&s, sc->first_year))) {
		gsl_rng_free(s.r);
		return rc;
	}
	for (k = 0; k < n; k++) {
		memset(&p, 0, sizeof p);
		p.id = (uint32_t)k;
		p.phq_first = (uint8_t)c->phq_first;
		p.gad_first = (uint8_t)c->gad_first;
		p.phq_last = (uint8_t)c->phq_last;
		p.gad_last = (uint8_t)c->gad_last;
		p.nphq_last = (uint8_t)c->nat_phq_last;
		p.ngad_last = (uint8_t)c->nat_gad_last;
		p.s_hi = (uint8_t)c->sessions_hi;
		p.s_li = (uint8_t)(c->sessions_hi ? 0 : 6);
		p.attended = (uint8_t)(p.s_li + p.s_hi);
		p.problem = (uint8_t)c->problem;
		p.emp = (uint8_t)c->employment;
		p.ltc = (uint8_t)(c->ltc & 1);
		p.integrated = p.ltc && k < (int)floor(P(&s, LTC_INTEGRATED) * n + 0.5);
		follow_up(&s, &p, 0, 0, p.emp);
	}
	gsl_rng_free(s.r);
	return IAPT_OK;
}

/* ---- replicates, optionally on threads ---- */

typedef struct job {
	const iapt_scenario *sc;
	iapt_results *res;
	const iapt_run_options *opt;
	pthread_mutex_t lock;
	int next, stride, done, rc, err_rep;
	char err[4096];
	iapt_run_stats stats;
} job;

static int run_one(job *j, int rep, const iapt_hooks *hooks, iapt_counters *ct, iapt_run_stats *st)
{
	size_t per = (size_t)ct->n_years * IAPT_G__COUNT * IAPT_C__COUNT;
	size_t per_vals = (size_t)ct->n_years * IAPT_G__COUNT * IAPT_M__COUNT;
	int rc;
	size_t per_ledger = IAPT_LEDGER_SIZE(ct->n_ledger_years, ct->n_years), k;
	double *ledger = j->res->ledger + (size_t)rep * per_ledger, *flows;
	int ly, co, c, t;
	memset(ct->c, 0, per * sizeof *ct->c);
	memset(ct->ledger, 0, per_ledger * sizeof *ct->ledger);
	ct->draws = j->res->n_uncertain ? j->res->draws + (size_t)rep * j->res->n_uncertain : NULL;
	if (ct->n_extra)
		memset(ct->extra, 0, (size_t)ct->n_years * ct->n_extra * sizeof *ct->extra);
	rc = iapt_engine__run_replicate(j->sc, rep, hooks, ct, st);
	j->res->logs[rep] = ct->log; /* each replicate's own slot: no lock needed */
	ct->log = NULL;
	if (rc)
		return rc;
	iapt_metrics__derive(ct, j->sc->population_scale, j->res->values + (size_t)rep * per_vals);
	for (k = 0; k < (size_t)ct->n_years * ct->n_extra; k++)
		j->res->extra[(size_t)rep * (size_t)ct->n_years * ct->n_extra + k] =
			ct->extra[k] / (j->res->extra_level[k % ct->n_extra] ? 1.0 : j->sc->population_scale);
	/* the ledger at national scale, then appraised over cohorts by financial year */
	for (k = 0; k < per_ledger; k++)
		ledger[k] = ct->ledger[k] / j->sc->population_scale;
	flows = calloc((size_t)ct->n_ledger_years * IAPT_CAT__COUNT * IAPT_PERSP__COUNT, sizeof *flows);
	if (!flows)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (ly = 0; ly < ct->n_ledger_years; ly++)
		for (co = 0; co < ct->n_years; co++)
			for (c = 0; c < IAPT_CAT__COUNT; c++)
				for (t = 0; t < IAPT_PERSP__COUNT; t++)
					flows[((size_t)ly * IAPT_CAT__COUNT + (size_t)c) * IAPT_PERSP__COUNT + (size_t)t] +=
						ledger[(((size_t)ly * (size_t)ct->n_years + (size_t)co) * IAPT_CAT__COUNT + (size_t)c) *
						       IAPT_PERSP__COUNT + (size_t)t];
	rc = iapt_econ_appraise(&j->sc->econ, flows, ct->n_ledger_years,
				j->res->econ_values + (size_t)rep * IAPT_PERSP__COUNT * (size_t)j->res->n_measures);
	free(flows);
	return rc;
}

static void *worker(void *arg)
{
	job *j = arg;
	iapt_counters ct;
	iapt_run_stats st;
	iapt_hooks *hooks = NULL;
	int hrc = IAPT_OK;
	char herr[4096] = "";
	memset(&ct, 0, sizeof ct);
	ct.n_years = j->res->last_year - j->res->first_year + 1;
	ct.n_ledger_years = j->res->n_ledger_years;
	ct.n_extra = j->res->n_extra;
	ct.c = malloc((size_t)ct.n_years * IAPT_G__COUNT * IAPT_C__COUNT * sizeof *ct.c);
	ct.ledger = malloc(IAPT_LEDGER_SIZE(ct.n_ledger_years, ct.n_years) * sizeof *ct.ledger);
	ct.extra = malloc(((size_t)ct.n_years * ct.n_extra + 1) * sizeof *ct.extra);
	if (!ct.ledger || !ct.extra) {
		free(ct.c);
		ct.c = NULL;
	}
	/* this worker's plugin states: never shared with another thread */
	if (ct.c && j->sc->n_plugins && (hrc = iapt_lua__hooks_new(j->sc, &hooks)))
		snprintf(herr, sizeof herr, "%s", iapt_error_last()->message);
	memset(&st, 0, sizeof st);
	for (;;) {
		int rep, rc;
		pthread_mutex_lock(&j->lock);
		if (j->rc || !ct.c || hrc) {
			rep = j->res->replicates;
		} else {
			rep = j->next; /* this process's replicates: rank, rank + ranks, ... */
			j->next += j->stride;
		}
		if (!ct.c && !j->rc) {
			j->rc = IAPT_ENOMEM;
			snprintf(j->err, sizeof j->err, "out of memory");
		}
		if (hrc && !j->rc) {
			j->rc = hrc;
			snprintf(j->err, sizeof j->err, "%s", herr);
		}
		pthread_mutex_unlock(&j->lock);
		if (rep >= j->res->replicates)
			break;
		rc = run_one(j, rep, hooks, &ct, &st);
		pthread_mutex_lock(&j->lock);
		/* the first failing replicate in replicate order is the one reported */
		if (rc && (!j->rc || rep < j->err_rep)) {
			j->rc = rc;
			j->err_rep = rep;
			/* a plugin's message starts with its file and line and names the replicate */
			if (rc == IAPT_ELUA)
				snprintf(j->err, sizeof j->err, "%s", iapt_error_last()->message);
			else
				snprintf(j->err, sizeof j->err, "replicate %d: %s", rep + 1, iapt_error_last()->message);
		}
		if (!rc) {
			j->done++;
			if (j->opt && j->opt->progress)
				j->opt->progress(j->opt->progress_data, j->done, j->res->replicates);
		}
		pthread_mutex_unlock(&j->lock);
	}
	pthread_mutex_lock(&j->lock);
	j->stats.referrals += st.referrals;
	j->stats.sessions += st.sessions;
	j->stats.person_weeks += st.person_weeks;
	if (st.peak_people > j->stats.peak_people)
		j->stats.peak_people = st.peak_people;
	pthread_mutex_unlock(&j->lock);
	iapt_lua__hooks_free(hooks);
	free(ct.c);
	free(ct.ledger);
	free(ct.extra);
	return NULL;
}

/* The plugins' metrics, named "<plugin>.<metric>", in scenario order. */
static int extra_metrics(iapt_results *res, const iapt_scenario *sc)
{
	size_t k, m, n = 0;
	for (k = 0; k < sc->n_plugins; k++)
		n += sc->plugins[k]->n_metrics;
	res->n_extra = n;
	res->extra = calloc((size_t)sc->replicates * (size_t)(sc->last_year - sc->first_year + 1) * n + 1, sizeof *res->extra);
	res->extra_names = calloc(n + 1, sizeof *res->extra_names);
	res->extra_docs = calloc(n + 1, sizeof *res->extra_docs);
	res->extra_level = calloc(n + 1, sizeof *res->extra_level);
	if (!res->extra || !res->extra_names || !res->extra_docs || !res->extra_level)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	for (n = 0, k = 0; k < sc->n_plugins; k++) {
		const iapt_plugin *pl = sc->plugins[k];
		for (m = 0; m < pl->n_metrics; m++, n++) {
			iapt_buf b = {0};
			iapt_buf__printf(&b, "%s.%s", pl->name, pl->metrics[m].name);
			res->extra_names[n] = b.ptr;
			res->extra_docs[n] = iapt_str__dup(pl->metrics[m].doc);
			res->extra_level[n] = pl->metrics[m].level;
			if (!iapt_buf__ok(&b) || !res->extra_docs[n])
				return iapt_error__set(IAPT_ENOMEM, "out of memory");
		}
	}
	return IAPT_OK;
}

int iapt_sim_run(iapt_results **out, const iapt_scenario *sc, const iapt_run_options *opt)
{
	iapt_results *res;
	job j;
	int rc, threads = opt && opt->threads > 1 ? opt->threads : 1, t, started = 0;
	size_t n_vals;
	pthread_t *tids = NULL;

	*out = NULL;
	if ((rc = iapt_engine__validate(sc)))
		return rc;
	res = calloc(1, sizeof *res);
	if (!res)
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	res->first_year = sc->first_year;
	res->last_year = sc->last_year;
	res->replicates = sc->replicates;
	n_vals = (size_t)sc->replicates * (size_t)(sc->last_year - sc->first_year + 1) * IAPT_G__COUNT * IAPT_M__COUNT;
	res->values = malloc(n_vals * sizeof *res->values);
	res->n_ledger_years = iapt_engine__ledger_years(sc);
	res->econ = sc->econ;
	res->n_measures = iapt_econ_measure_count(&sc->econ);
	res->ledger = malloc((size_t)sc->replicates *
			     IAPT_LEDGER_SIZE(res->n_ledger_years, sc->last_year - sc->first_year + 1) * sizeof *res->ledger);
	res->econ_values = malloc((size_t)sc->replicates * IAPT_PERSP__COUNT * (size_t)res->n_measures * sizeof *res->econ_values);
	res->logs = calloc((size_t)sc->replicates, sizeof *res->logs);
	res->n_uncertain = sc->n_uncertain;
	res->draws = calloc((size_t)sc->replicates * sc->n_uncertain + 1, sizeof *res->draws);
	if ((rc = extra_metrics(res, sc))) {
		iapt_results_free(res);
		return rc;
	}
	if (!res->values || !res->ledger || !res->econ_values || !res->logs || !res->draws) {
		iapt_results_free(res);
		return iapt_error__set(IAPT_ENOMEM, "out of memory");
	}
	memset(&j, 0, sizeof j);
	j.sc = sc;
	j.res = res;
	j.opt = opt;
	j.stride = 1;
#ifdef IAPTSIM_MPI
	if (opt && opt->distribute)
		iapt_mpi__layout(&j.next, &j.stride);
#endif
	pthread_mutex_init(&j.lock, NULL);
	if (threads > sc->replicates)
		threads = sc->replicates;
	if (threads > 1) {
		/* threads - 1 helpers; the calling thread is the last worker */
		tids = calloc((size_t)threads, sizeof *tids);
		for (t = 0; tids && t < threads - 1; t++, started++)
			if (pthread_create(&tids[t], NULL, worker, &j) != 0)
				break;
		worker(&j); /* the calling thread helps too */
		for (t = 0; t < started; t++)
			pthread_join(tids[t], NULL);
		free(tids);
	} else {
		worker(&j);
	}
	pthread_mutex_destroy(&j.lock);
#ifdef IAPTSIM_MPI
	if (opt && opt->distribute && j.stride > 1) {
		/* every rank agrees on failure, or gets every replicate's results */
		res->stats = j.stats;
		if ((j.rc = iapt_mpi__merge(res, j.rc, j.err)))
			snprintf(j.err, sizeof j.err, "%s", iapt_error_last()->message);
		j.stats = res->stats;
	}
#endif
	if (j.rc) {
		iapt_error__set(j.rc, "%s", j.err);
		iapt_results_free(res);
		return j.rc;
	}
	res->stats = j.stats;
	*out = res;
	return IAPT_OK;
}
