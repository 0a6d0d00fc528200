/* The pathway model (docs/model.md): referrals, waiting lists per service,
 * capacity from the workforce, stepped care session by session, discharge and outcomes,
 * with each person's natural course on common random numbers. One replicate at a time;
 * replicates are independent and keyed by (seed, replicate). */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "engine/outcome.h"
#include "engine/services.h"
#include "engine/state.h"
#include "rng/stream.h"

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
#if defined(__GNUC__)
		/* the slot the next referral takes, written in full then: fetch it ahead */
		if (s->n_free) {
			__builtin_prefetch(&s->people[s->free_list[s->n_free - 1]], 1);
			__builtin_prefetch(&s->ext[s->free_list[s->n_free - 1]], 1);
		}
#endif
	} else {
		if (s->n_people == s->cap_people) {
			size_t cap = s->cap_people ? s->cap_people * 2 : 4096;
			/* cache-line aligned, so that a person is one line */
			person *p = aligned_alloc(64, cap * sizeof *p);
			person_ext *x;
			uint32_t *f;
			if (!p)
				return iapt_error__set(IAPT_ENOMEM, "out of memory (people)");
			if (s->n_people)
				memcpy(p, s->people, s->n_people * sizeof *p);
			free(s->people);
			s->people = p;
			x = realloc(s->ext, cap * sizeof *x);
			if (!x)
				return iapt_error__set(IAPT_ENOMEM, "out of memory (people)");
			s->ext = x;
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

/* ---- counting ---- */

/* The published age aggregates each fine band belongs to (iaptsim/sim.h), -1: none. */
static const int age_aggregates[N_AGE][2] = {
	{IAPT_G_AGE_UNDER_18, -1}, {IAPT_G_AGE_UNDER_18, -1}, {IAPT_G_AGE_18_35, -1},
	{IAPT_G_AGE_18_35, IAPT_G_AGE_26_64}, {IAPT_G_AGE_26_64, -1}, {IAPT_G_AGE_65_PLUS, -1},
	{IAPT_G_AGE_65_PLUS, -1}, {IAPT_G_AGE_65_PLUS, -1}};

/* The counter rows of a count at referral, entry or discharge in the year of `week`: "all",
 * the step (if >= 0) and the person's group of each attribute, as pointers into the year's
 * counters; worked out once for the several counts of an event (count_add). A count always
 * adds to 12 rows: the rows a person lacks (the second age aggregate, the step and the status
 * at the end before discharge) point at a scratch row that nothing reads, so that count_add
 * has no loop whose length the predictor must guess. */
enum { COUNT_ROWS = 12 };
typedef struct count_rows {
	double *c;   /* the year's counters; NULL outside the reported years */
	double *svc; /* the person's service's counters (services.h); NULL when not counted */
	double *row[COUNT_ROWS];
	double *hg;  /* the year's counters of the hooks' groups; NULL: none (count_rows_hook_groups) */
	int n_hg;
	size_t hat[IAPT_HOOK_MAX_GROUPS];
} count_rows;

static int count_rows_hook_groups(sim *s, const person *p, const person_ext *x, count_rows *cr);

static void count_rows_of(sim *s, int week, const person *p, const person_ext *x, int step_group, count_rows *cr)
{
	int y = year_index(s, week), age2;
	double *c;
	cr->c = NULL;
	cr->svc = NULL;
	cr->hg = NULL;
	cr->n_hg = 0;
	if (y < 0 || y >= s->n_years)
		return; /* outside the reported years (the warm-up's referrals): nothing to count */
	c = &IAPT_CTR(s->ct, y, 0, 0);
	/* the groups every count has, then those some have */
#define ROW(g) (c + (size_t)(g) * IAPT_C__COUNT)
	cr->row[0] = ROW(IAPT_G_ALL);
	cr->row[1] = ROW(IAPT_G_IMD_1 + x->imd - 1);
	cr->row[2] = ROW(IAPT_G_AGE_UNDER_16 + x->age);
	cr->row[3] = ROW(age_aggregates[x->age][0]);
	cr->row[4] = ROW(IAPT_G_GENDER_FEMALE + x->gender);
	cr->row[5] = ROW(IAPT_G_ETH_WHITE + x->ethnicity);
	cr->row[6] = ROW(IAPT_G_PROB_DEPRESSION + p->problem);
	cr->row[7] = ROW(p->ltc ? IAPT_G_LTC_YES : IAPT_G_LTC_NO);
	cr->row[8] = ROW(IAPT_G_EMP_START_EMPLOYED + p->emp);
	age2 = age_aggregates[x->age][1];
	cr->row[9] = age2 >= 0 ? ROW(age2) : s->count_scratch;
	if (step_group >= 0) {
		cr->row[10] = ROW(step_group);
		/* a step is known at discharge, and so is the status at the end */
		cr->row[11] = ROW(IAPT_G_EMP_END_EMPLOYED + emp_status(p->emp_tx));
	} else {
		cr->row[10] = cr->row[11] = s->count_scratch;
	}
#undef ROW
	cr->c = c;
	cr->svc = iapt_services__ctr(s, week, x->svc);
}

/* v added to counter k of each row */
static inline void count_add(const count_rows *cr, int k, double v)
{
	int i;
	if (!cr->c || v == 0)
		return; /* adding 0 changes no counter */
	for (i = 0; i < COUNT_ROWS; i++)
		cr->row[i][k] += v;
	iapt_services__count_at(cr->svc, k, v);
	if (cr->hg)
		for (i = 0; i < cr->n_hg; i++)
			cr->hg[cr->hat[i] + (size_t)k] += v;
}

/* A single count (count_rows_of, count_add), in the hooks' groups too. */
static int count(sim *s, int week, const person *p, const person_ext *x, int step_group, int k, double v)
{
	count_rows cr;
	int rc;
	count_rows_of(s, week, p, x, step_group, &cr);
	if (s->ct->n_hg && (rc = count_rows_hook_groups(s, p, x, &cr)))
		return rc;
	count_add(&cr, k, v);
	return IAPT_OK;
}

/* A count per session, in the innermost loop: group "all" only (iaptsim/sim.h). */
static inline void count_all(sim *s, int y, int k, double v)
{
	if (y >= 0 && y < s->n_years)
		IAPT_CTR(s->ct, y, IAPT_G_ALL, k) += v;
}

/* The product of the person's group effects on mechanism m (param_list.h, Group effects). */
static double group_effect(const sim *s, const person *p, const person_ext *x, int m)
{
	return s->pv[EFF_AGE + N_MECH * x->age + m] * s->pv[EFF_GENDER + N_MECH * x->gender + m] *
	       s->pv[EFF_ETH + N_MECH * x->ethnicity + m] * s->pv[EFF_IMD + N_MECH * (x->imd - 1) + m] *
	       s->pv[EFF_PROBLEM + N_MECH * p->problem + m] * s->pv[EFF_LTC + N_MECH * (p->ltc ? 0 : 1) + m];
}

/* The person's group effects on all four mechanisms at once: group_effect(s, p, x, m) in e[m]
 * (the same products, in the same order). */
static void group_effects(const sim *s, const person *p, const person_ext *x, double e[N_MECH])
{
	const double *a = &s->pv[EFF_AGE + N_MECH * x->age], *g = &s->pv[EFF_GENDER + N_MECH * x->gender],
		     *et = &s->pv[EFF_ETH + N_MECH * x->ethnicity], *im = &s->pv[EFF_IMD + N_MECH * (x->imd - 1)],
		     *pr = &s->pv[EFF_PROBLEM + N_MECH * p->problem], *lt = &s->pv[EFF_LTC + N_MECH * (p->ltc ? 0 : 1)];
	int m;
	for (m = 0; m < N_MECH; m++)
		e[m] = a[m] * g[m] * et[m] * im[m] * pr[m] * lt[m];
}

/* A multiplier in fixed point (person.m_dna, m_drop): steps of 1/4096, at most 16. */
static uint16_t fixed_mult(double m)
{
	/* floor(v) within [0, MULT_MAX]: truncation is floor where it is not clamped */
	double v = m * MULT_ONE + 0.5;
	return (uint16_t)(v < 0 ? 0 : (v >= MULT_MAX ? MULT_MAX : v));
}

/* ---- random draws ---- */

/* Cumulative weights, summed in order: cum[n - 1] is the total. */
static void cumulate(const double *w, int n, double *cum)
{
	double acc = 0;
	int i;
	for (i = 0; i < n; i++)
		cum[i] = acc += w[i];
}

/* Index i with chance w[i] / total, from the cumulative weights (cumulate) and a uniform u */
static int categorical(double u, const double *cum, int n)
{
	int i, k = 0;
	u *= cum[n - 1];
	/* the count of cumulative weights at or below u is the first index whose weight
	 * exceeds it (cum does not decrease): no branch on u for the predictor to miss */
	for (i = 0; i < n - 1; i++)
		k += u >= cum[i];
	return k;
}

/* The year's constants of the hot paths (sim, after iapt_engine__load_year). */
static void year_constants(sim *s)
{
	double rs = P(s, SYM_CORR), rb = P(s, BASE_CORR);
	cumulate(s->w_age, N_AGE, s->cum_age);
	cumulate(s->w_gender, N_GENDER, s->cum_gender);
	cumulate(s->w_eth, N_ETH, s->cum_eth);
	cumulate(s->w_imd, N_IMD, s->cum_imd);
	cumulate(s->w_problem, N_PROBLEM, s->cum_problem);
	cumulate(s->w_ltc, N_LTC_TYPE, s->cum_ltc);
	s->sym_rho_c = sqrt(1.0 - rs * rs);
	s->base_rho_c = sqrt(1.0 - rb * rb);
	iapt_engine__decline_constants(s);
}

void iapt_engine__decline_constants(sim *s)
{
	double sd = P(s, SYM_DECLINE_SD), sum = 0;
	int q;
	s->decline_het = sd > 0;
	if (!s->decline_het)
		return;
	/* the lognormal's quantiles at the middles of equal slices, scaled to a mean of exactly
	 * 1, then each rate capped at 0.5 a week */
	for (q = 0; q < IAPT_DECLINE_QUANTILES; q++) {
		s->decline_q[q] = exp(sd * gsl_cdf_ugaussian_Pinv((q + 0.5) / IAPT_DECLINE_QUANTILES));
		sum += s->decline_q[q];
	}
	for (q = 0; q < IAPT_DECLINE_QUANTILES; q++)
		s->decline_q[q] = fmin(0.5, P(s, SYM_DECLINE) * s->decline_q[q] * IAPT_DECLINE_QUANTILES / sum);
}

double iapt_engine__decline(const sim *s, uint32_t id)
{
	uint64_t o;
	if (!s->decline_het)
		return P(s, SYM_DECLINE);
	/* the person's quantile: the top byte of the first number of their own stream */
	o = iapt_rng__out_at(iapt_rng__key_purpose(iapt_rng__key_entity(s->key_rep, id), IAPT_RNG_DECLINE) + IAPT_RNG__GOLDEN);
	return s->decline_q[o >> 56];
}

/* Two standard normals z1, z2 -> PHQ-9 and GAD-7 noise with SD sd and correlation rho
 * (rc: sqrt(1 - rho^2), a constant of the year). */
static inline void correlate(double sd, double rho, double rc, double z1, double z2, double *phq, double *gad)
{
	*phq = sd * z1;
	*gad = sd * (rho * z1 + rc * z2);
}

/* ---- the pathway ---- */

static int end_referral(sim *s, uint32_t i, int week);

/* The first uniform of the stream keyed by person `id` and a period of their time (a month,
 * a week) for `purpose`: a draw of its own, so no other stream moves. */
static inline double period_uniform(const sim *s, uint64_t period, uint32_t id, int purpose)
{
	return iapt_rng__uniform_at(iapt_rng__key_purpose(iapt_rng__key_entity(s->key_rep, (period << 32) | id), (uint64_t)purpose));
}

/* Month m of a person's time since referral (months of 52/12 weeks): each path's
 * employment moves once, on the same uniform (keyed by person and month), at the rates of
 * its own health state then (the process of follow-up, followup.c). */
static void employment_month(sim *s, person *p, int m)
{
	/* the first number of the stream keyed by person and month (the caller's stream stays put) */
	double u = period_uniform(s, (uint64_t)m, p->id, IAPT_RNG_EMPLOYMENT);
	int well_t = !iapt_outcome__caseness(score(p->xp, 0, 27), score(p->xg, 0, 21));
	int well_n = !iapt_outcome__caseness(score(p->np, 0, 27), score(p->ng, 0, 21));
	p->emp_tx = (uint8_t)emp_step(s, p->emp_tx, well_t, u);
	p->emp_nat = (uint8_t)emp_step(s, p->emp_nat, well_n, u);
}

/* Whole months from referral at the start of week w (w >= arrival). */
static inline int month_of(const person *p, int w)
{
	return (w - p->arrival) * 12 / IAPT_WEEKS_PER_YEAR;
}

/* The first week w with month_of(p, w) == m (m >= 0): the week month m starts. */
static inline int month_start(const person *p, int m)
{
	return p->arrival + (m * IAPT_WEEKS_PER_YEAR + 11) / 12;
}

/* Bring both latent courses from p->sym_week up to the start of `week`, with the same
 * weekly innovations on both (common random numbers); natural drift per Posternak and
 * Miller 2001 (symptoms.natural_decline_weekly). Employment moves at each month's turn. */
static void advance(sim *s, person *p, int week)
{
	float d;
	double sd = P(s, SYM_WEEKLY_SD), rho = P(s, SYM_CORR);
	if (p->sym_week >= week)
		return;
	double dec = iapt_engine__decline(s, p->id);
	d = (float)(1.0 - dec);
	/* while waiting for the first treatment, the treated course declines at
	 * symptoms.waiting_decline_factor of the untreated one's rate */
	float dw = p->first_week < 0 ? (float)(1.0 - P(s, SYM_WAIT_DECLINE) * dec) : d;
	/* and takes symptoms.waiting_sd_factor of the weekly innovations */
	float sw = p->first_week < 0 ? (float)P(s, SYM_WAIT_SD) : 1.0f;
	int m = month_of(p, p->sym_week), turn = month_start(p, m + 1);
	uint64_t pos = p->rs_sym;
	for (; p->sym_week < week; p->sym_week++) {
		double z1, z2, dp, dg;
		float ep, eg;
		/* one output a week: both innovations from its two halves */
		pos += IAPT_RNG__GOLDEN;
		iapt_rng__gauss2_at(pos, &z1, &z2);
		correlate(sd, rho, s->sym_rho_c, z1, z2, &dp, &dg);
		ep = (float)dp;
		eg = (float)dg;
		p->xp = clampf(p->xp * dw + ep * sw, 27.0f);
		p->xg = clampf(p->xg * dw + eg * sw, 21.0f);
		p->np = clampf(p->np * d + ep, 27.0f);
		p->ng = clampf(p->ng * d + eg, 21.0f);
		if (p->sym_week + 1 == turn) { /* the next week starts month m + 1 */
			employment_month(s, p, ++m);
			turn = month_start(p, m + 1);
		}
	}
	p->rs_sym = pos;
}

enum { CONTINUE, DISCHARGE, STEP_UP };

/* The week a person joining a waiting list in `week` gives up, with weekly chance h:
 * a geometric number of whole weeks from u in [0, 1), counted from the next week. */
static int16_t leave_week_from_l1p(int week, double h, double l1p_h, double u)
{
	double w;
	if (h <= 0)
		return NEVER;
	w = h >= 1 ? 0 : log1p(-u) / l1p_h; /* >= 0: truncation is floor */
	return (int16_t)(w >= NEVER ? NEVER : fmin((double)week + 1 + (double)(long)w, (double)NEVER));
}

/* log1p(-h), the divisor leave_week_from_l1p takes (0 where it is not used) */
static double leave_l1p(double h)
{
	return h > 0 && h < 1 ? log1p(-h) : 0;
}

static int16_t leave_week_from(int week, double h, double u)
{
	return leave_week_from_l1p(week, h, leave_l1p(h), u);
}

/* leave_week_from for the run's people: log1p(-h) kept for the last h, which most people
 * share (the same value, so the same result; a logarithm a referral saved). */
static int16_t leave_week_of(sim *s, int week, double h, double u)
{
	if (h != s->leave_h) {
		s->leave_h = h;
		s->leave_l1p = leave_l1p(h);
	}
	return leave_week_from_l1p(week, h, s->leave_l1p, u);
}

/* One booked session at intensity `lvl` in `week`. Returns what happens next. */
static int session(sim *s, const service *sv, person *p, int week, int lvl, int *ended)
{
	uint64_t pos = p->rs_treat, o;
	int at_case, improving, action = CONTINUE, yw, ya, rc, drawn = 0;
	double u_dna, u_miss = 0, z1 = 0, z2 = 0, u_well = 0, u_drop, p_drop, m_drop;
	int ov_phq = -1, ov_gad = -1; /* scores an on_session hook recorded */

	*ended = 0;
	advance(s, p, week);
	/* A fixed block of four outputs per session of the treatment stream, each computed only
	 * if a branch needs it: 1 attendance and dropout, 2 measurement noise, 3 a missing score
	 * and discharge once well, 4 step-up. Whatever this session does, the next one's
	 * numbers are where they were, so scenarios share random numbers. */
	p->rs_treat = pos + 4 * IAPT_RNG__GOLDEN;
	o = iapt_rng__out_at(pos + IAPT_RNG__GOLDEN);
	u_dna = iapt_rng__hi(o);
	u_drop = iapt_rng__lo(o);
	s->stats->sessions++;

	m_drop = p->m_drop * (1.0 / MULT_ONE);
	if (s->has & IAPT_HOOK_ON_SESSION) {
		/* the hook sees this session's numbers: drawn now, at their fixed places */
		o = iapt_rng__out_at(pos + 3 * IAPT_RNG__GOLDEN);
		u_miss = iapt_rng__hi(o);
		u_well = iapt_rng__lo(o);
		iapt_rng__gauss2_at(pos + 2 * IAPT_RNG__GOLDEN, &z1, &z2);
		correlate(P(s, SYM_MEAS_SD), P(s, SYM_CORR), s->sym_rho_c, z1, z2, &z1, &z2);
		drawn = 1;
		if ((rc = iapt_engine__on_session(s, p, week, lvl, sv->p_dna, &u_dna, &u_miss, z1, z2, &ov_phq, &ov_gad)))
			return rc;
	}
	if (u_dna < sv->p_dna * (p->m_dna * (1.0 / MULT_ONE))) {
		if (p->missed < UINT8_MAX)
			p->missed++;
		count_all(s, year_index(s, week), IAPT_C_MISSED, 1);
		iapt_services__session(s, sv, week, 1);
		if (u_drop < P(s, TX_DROP_DNA) * m_drop)
			*ended = 1;
		return CONTINUE;
	}
	p->attended++;
	if (lvl == LI)
		p->s_li++;
	else
		p->s_hi++;
	yw = year_index(s, week);
	ya = year_index(s, p->arrival);
	count_all(s, yw, IAPT_C_ATTENDED, 1);
	if (p->attended == 2) { /* the wait for a second session: more than 90 days is 13 weeks or more */
		count_all(s, yw, IAPT_C_SECOND, 1);
		count_all(s, yw, IAPT_C_SECOND_OVER_90D, week - p->first_week >= 13);
		count_all(s, yw, IAPT_C_SECOND_WEEKS, week - p->first_week);
	}
	iapt_services__session(s, sv, week, 0);
	if (!drawn) {
		o = iapt_rng__out_at(pos + 3 * IAPT_RNG__GOLDEN);
		u_miss = iapt_rng__hi(o);
		u_well = iapt_rng__lo(o);
	}
	ledger_add_person(s, yw, ya, p, IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS,
		   -(lvl == LI ? P(s, COST_LI_SESSION) : P(s, COST_HI_SESSION)));
	if (p->first_week < 0) {
		count_rows cr;
		p->first_week = (int16_t)week;
		count_rows_of(s, week, p, &s->ext[p - s->people], -1, &cr);
		if (s->ct->n_hg && (rc = count_rows_hook_groups(s, p, &s->ext[p - s->people], &cr)))
			return rc;
		count_add(&cr, IAPT_C_ENTERED, 1);
		count_add(&cr, IAPT_C_WAIT_WEEKS_ENTERED, week - p->arrival);
		/* a response lost to the wait (treatment.response_loss_per_wait_week) */
		if (P(s, TX_RESP_WAIT) > 0)
			p->resp *= (float)pow(1 - P(s, TX_RESP_WAIT), week - p->arrival);
		ledger_add_person(s, yw, ya, p, IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS, -P(s, COST_PER_COURSE));
	}
	/* scores at the start of the session, before its effect; the same measurement noise
	 * on the natural course keeps the comparison paired */
	if (u_miss >= P(s, OUT_MISSING)) {
		int phq, gad;
		if (!drawn) {
			iapt_rng__gauss2_at(pos + 2 * IAPT_RNG__GOLDEN, &z1, &z2);
			correlate(P(s, SYM_MEAS_SD), P(s, SYM_CORR), s->sym_rho_c, z1, z2, &z1, &z2);
		}
		phq = score(p->xp, z1, 27);
		gad = score(p->xg, z2, 21);
		if (ov_phq >= 0) { /* recorded by an on_session hook */
			phq = ov_phq;
			gad = ov_gad;
		}
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
#define U_STEP iapt_rng__hi(iapt_rng__out_at(pos + 4 * IAPT_RNG__GOLDEN))
		if (p->s_li == (int)P(s, TX_STEPUP_REVIEW) && p->s_li < sv->li_max && at_case &&
		    !improving && U_STEP < sv->p_stepup)
			action = STEP_UP;
		else if (p->s_li >= sv->li_max)
			action = (at_case && U_STEP < sv->p_stepup) ? STEP_UP : DISCHARGE;
#undef U_STEP
	} else if (p->s_hi >= sv->hi_max) {
		action = DISCHARGE;
	}
	if (action == CONTINUE) {
		p_drop = p->attended == 1
			 ? P(s, TX_DROP_FIRST) + P(s, TX_DROP_WAIT) * (double)(week - p->arrival)
			 : P(s, TX_DROP_LATER) + P(s, TX_DROP_WAIT_LATER) * (double)(p->first_week - p->arrival);
		if (u_drop < p_drop * m_drop)
			action = DISCHARGE;
	}
	if (action == DISCHARGE)
		*ended = 1;
	return action;
}

static int score_or_none(uint8_t v)
{
	return v == NO_SCORE ? -1 : v;
}

/* A person as hooks see them (iaptsim/hooks.h); the caller sets what depends on the event. */
static void hook_view(const sim *s, const person *p, const person_ext *x, iapt_hook_person *v)
{
	memset(v, 0, sizeof *v);
	v->id = p->id;
	v->service = x->svc;
	v->year = year_of_week(s, p->arrival);
	v->week = p->arrival;
#define X(field, where, member, back) v->field = where->member;
	PERSON_STORED(X)
#undef X
	v->employment_start = p->emp;
	v->sick_pay_start = p->sick_start;
	v->route = IAPT_ROUTE_LI;
	v->responsiveness = p->resp; /* at referral: before the LTC and group effects */
	v->phq9 = p->xp;
	v->gad7 = p->xg;
	v->entered = p->attended > 0;
	v->finished = p->attended >= 2;
	v->attended = p->attended;
	v->missed = p->missed;
	v->sessions_li = p->s_li;
	v->sessions_hi = p->s_hi;
	v->wait_weeks = p->first_week < 0 ? -1 : p->first_week - p->arrival;
	v->phq9_first = score_or_none(p->phq_first);
	v->gad7_first = p->phq_first == NO_SCORE ? -1 : p->gad_first;
	v->phq9_last = score_or_none(p->phq_last);
	v->gad7_last = p->phq_last == NO_SCORE ? -1 : p->gad_last;
	v->discharge_week = -1;
	v->phq9_natural = p->np;
	v->gad7_natural = p->ng;
	v->user = x->user;
}

/* The rows of the hooks' groups (iapt_hooks.group) of a count whose rows cr has: asked of
 * the hooks only when they declare groups and the count falls in a reported year. */
static int count_rows_hook_groups(sim *s, const person *p, const person_ext *x, count_rows *cr)
{
	iapt_hook_person v;
	int lv[IAPT_HOOK_MAX_GROUPS], rc;
	size_t g;
	const iapt_counters *ct = s->ct;
	if (!ct->n_hg || !cr->c)
		return IAPT_OK;
	hook_view(s, p, x, &v);
	hook_begin();
	if ((rc = s->hooks->group(s->hooks->data, s, &v, lv)) > 0)
		return iapt_error__set(IAPT_ERROR, "the hooks' group function returned %d, not 0 or a negative IAPT_E* code", rc);
	if (rc < 0)
		return iapt_error_last()->code == IAPT_OK ? iapt_error__set(rc, "the hooks' group function returned %d without a message", rc) : rc;
	for (g = 0; g < ct->n_hg; g++) {
		size_t n_lv = (g + 1 < ct->n_hg ? ct->hg_row0[g + 1] : ct->n_hg_rows) - ct->hg_row0[g];
		if (lv[g] < 0 || (size_t)lv[g] >= n_lv)
			return iapt_error__set(IAPT_ERANGE, "hook group %zu: level %d of a person is outside [0, %zu]", g + 1, lv[g], n_lv - 1);
		cr->hat[g] = (ct->hg_row0[g] + (size_t)lv[g]) * IAPT_C__COUNT;
	}
	cr->n_hg = (int)ct->n_hg;
	/* the year of cr->c's counters */
	cr->hg = ct->hg + (size_t)(cr->c - ct->c) / ((size_t)IAPT_G__COUNT * IAPT_C__COUNT) * ct->n_hg_rows * IAPT_C__COUNT;
	return IAPT_OK;
}

/* A value a hook left in a writable field, against the field's bounds (iaptsim/hooks.h).
 * The Lua host checks each value as a plugin writes it; a C hook's are checked here. */
static int value_ok(const iapt_person_field *f, double x)
{
	switch (f->kind) {
	case IAPT_PK_BOOLEAN: return x == 0 || x == 1;
	case IAPT_PK_NAME: return x >= 0 && x < f->n_values;
	case IAPT_PK_NUMBER: return x >= f->min && x <= f->max; /* NaN fails */
	case IAPT_PK_WHOLE: return x >= f->min && x <= f->max && x == floor(x);
	case IAPT_PK_OPTIONAL: return x == -1 || (x >= f->min && x <= f->max && x == floor(x));
	default: return 1;
	}
}

static int bad_value(int field, double x, int hook)
{
	const iapt_person_field *f = iapt_person_field_get(field);
	const char *name = f->name, *hk = iapt_hook_name(hook);
	switch (f->kind) {
	case IAPT_PK_BOOLEAN:
		return iapt_error__set(IAPT_ERANGE, "hook %s set person.%s = %.10g, outside {0, 1}", hk, name, x);
	case IAPT_PK_NAME:
		return iapt_error__set(IAPT_ERANGE, "hook %s set person.%s = %.10g, outside [0, %d] (%s .. %s)", hk, name, x,
				       f->n_values - 1, f->values[0], f->values[f->n_values - 1]);
	default:
		return iapt_error__set(IAPT_ERANGE, "hook %s set person.%s = %.10g, outside [%g, %g]", hk, name, x, f->min, f->max);
	}
}

/* The writable fields of hook `hook` (bit `bit`) that the hook changed from what it was
 * given, checked; NaN differs from itself, so it is checked too. */
static int check_taken_back(const iapt_hook_person *v, const iapt_hook_person *given, unsigned bit, int hook)
{
#define X(name, ctype, kind, rd, wr, values, doc) \
	if (((wr) & bit) && v->name != given->name && !value_ok(iapt_person_field_get(IAPT_PF_##name), (double)v->name)) \
		return bad_value(IAPT_PF_##name, (double)v->name, hook);
	IAPT_PERSON_FIELDS(X)
#undef X
	return IAPT_OK;
}

static int end_referral(sim *s, uint32_t i, int week)
{
	person *p = &s->people[i];
	person_ext *x = &s->ext[i];
	unsigned flags = 0, nf = 0;
	int g = -1;
	/* employment moves up to discharge, on both paths: counted and followed up for those who
	 * entered treatment, and seen by a discharge hook; for anyone else nothing reads it, so
	 * the weekly steps of their wait are skipped (their own stream: no one else's draws move) */
	if (p->attended > 0 || (s->has & IAPT_HOOK_ON_DISCHARGE))
		advance(s, p, week);
	if (p->attended >= 2) {
		g = p->s_hi == 0 ? IAPT_G_STEP_LI_ONLY : (p->s_li == 0 ? IAPT_G_STEP_HI_ONLY : IAPT_G_STEP_LI_THEN_HI);
		if (p->phq_first != NO_SCORE) {
			flags = iapt_outcome__classify(p->phq_first, p->gad_first, p->phq_last, p->gad_last, p->attended);
			nf = iapt_outcome__classify(p->phq_first, p->gad_first, p->nphq_last, p->ngad_last, p->attended);
		}
	}
	if (s->has & IAPT_HOOK_ON_DISCHARGE) {
		iapt_hook_person v, given;
		int rc;
		iapt_engine__discharge_view(s, p, x, week, flags, &v);
		given = v;
		hook_begin();
		if ((rc = iapt_engine__hook_rc(s->hooks->on_discharge(s->hooks->data, s, &v), IAPT_HOOK_I_ON_DISCHARGE)) ||
		    (rc = check_taken_back(&v, &given, IAPT_PD, IAPT_HOOK_I_ON_DISCHARGE)))
			return rc;
		/* the treated path's status from here on (employment support) */
		if (v.employment != given.employment || v.sick_pay != given.sick_pay)
			p->emp_tx = (uint8_t)emp_code(v.employment, v.sick_pay);
		x->user = v.user;
#define X(field, where, member, back) \
	if ((PERSON_WRITABLE_##field & IAPT_PD) && (back)) \
		where->member = v.field;
		PERSON_STORED(X)
#undef X
	}
	/* counted after the hook, so that the status at the end includes its changes */
	if (p->attended == 0) {
		int rc = count(s, week, p, x, -1, IAPT_C_NOT_ENTERED, 1);
		if (rc)
			return rc;
	} else if (p->attended >= 2) {
		int wait = p->first_week - p->arrival, rc;
		count_rows cr;
		count_rows_of(s, week, p, x, g, &cr);
		if (s->ct->n_hg && (rc = count_rows_hook_groups(s, p, x, &cr)))
			return rc;
		count_add(&cr, IAPT_C_FINISHED, 1);
		count_add(&cr, IAPT_C_SESSIONS_FINISHED, p->attended);
		iapt_services__finished(s, week, p, x);
		/* waits to first treatment within 6 and 18 weeks, among finished courses [S16, S26] */
		count_add(&cr, IAPT_C_WITHIN_6WK, wait <= 6);
		count_add(&cr, IAPT_C_WITHIN_18WK, wait <= 18);
		/* status at the end of treatment; moved off sick pay and benefits (Chen and
		 * Cardinal 2021): on sick pay or benefits at the start, on neither at the end */
		count_add(&cr, IAPT_C_FIN_END_EMPLOYED + emp_status(p->emp_tx), 1);
		count_add(&cr, IAPT_C_MOVED_OFF,
			  emp_supported(emp_code(p->emp, p->sick_start)) && !emp_supported(p->emp_tx));
		if (p->phq_first != NO_SCORE) {
			count_add(&cr, IAPT_C_FIN_CASENESS, !!(flags & IAPT_O_CASENESS_FIRST));
			count_add(&cr, IAPT_C_RECOVERED, !!(flags & IAPT_O_RECOVERED));
			count_add(&cr, IAPT_C_RELIABLE_IMPROVEMENT, !!(flags & IAPT_O_RELIABLE_IMPROVEMENT));
			count_add(&cr, IAPT_C_RELIABLE_DETERIORATION, !!(flags & IAPT_O_RELIABLE_DETERIORATION));
			count_add(&cr, IAPT_C_RELIABLE_RECOVERY, !!(flags & IAPT_O_RELIABLE_RECOVERY));
			count_add(&cr, IAPT_C_NATURAL_RECOVERED, !!(nf & IAPT_O_RECOVERED));
		}
	}
	if ((s->has & IAPT_HOOK_ON_FOLLOWUP) && p->attended > 0 && P(s, FU_YEARS) > 0 && year_index(s, p->arrival) >= 0) {
		int rc = iapt_engine__on_followup(s, i, week, flags);
		if (rc)
			return rc;
	}
	if (p->attended > 0 && P(s, FU_YEARS) > 0 && year_index(s, p->arrival) >= 0)
		iapt_engine__follow_up(s, p, week, year_index(s, p->arrival));
	person_free(s, i);
	return IAPT_OK;
}

/* A new referral in `week`: who they are, and where they go. */
static int arrive(sim *s, int week)
{
	uint64_t id = s->next_id++, key, pos, o;
	if (id > UINT32_MAX)
		return iapt_error__set(IAPT_ERANGE, "more than %u referrals in one replicate", UINT32_MAX);
	uint32_t i = 0;
	person *p;
	person_ext *x;
	int rc, svc, route;
	const iapt_svc_mix *mix;
	double z1, z2, zr, rho, u_sign, u_leave, u_hi, u_desc, u_int, resp, match, sdr, eff[N_MECH];

	if ((rc = person_alloc(s, &i)))
		return rc;
	p = &s->people[i];
	x = &s->ext[i];
	memset(p, 0, sizeof *p);
	memset(x, 0, sizeof *x);
	p->id = (uint32_t)id;
	p->arrival = (int16_t)week;
	p->first_week = -1;
	p->sym_week = (int16_t)week;
	p->phq_first = p->gad_first = p->phq_last = p->gad_last = NO_SCORE;
	p->nphq_last = p->ngad_last = NO_SCORE;
	key = iapt_rng__key_entity(s->key_rep, id); /* the person's part of their keys */
	p->rs_treat = iapt_rng__key_purpose(key, IAPT_RNG_TREATMENT);
	p->rs_sym = iapt_rng__key_purpose(key, IAPT_RNG_SYMPTOMS);
	s->stats->referrals++;

	/* attributes (docs/model.md, Referrals and who they are); fixed draw order, two
	 * uniforms (or a normal and a uniform, or two normals) from each output; the service
	 * first, then who they are from its case mix (services.c) */
	pos = iapt_rng__key_purpose(key, IAPT_RNG_ATTRIBUTES);
	o = iapt_rng__out_at(pos += IAPT_RNG__GOLDEN);
	svc = iapt_services__pick(s, o);
	mix = iapt_services__mix(s, svc);
	x->gender = (uint8_t)categorical(iapt_rng__lo(o), s->cum_gender, N_GENDER);
	o = iapt_rng__out_at(pos += IAPT_RNG__GOLDEN);
	x->age = (uint8_t)categorical(iapt_rng__hi(o), mix->cum_age, N_AGE);
	p->problem = (uint8_t)categorical(iapt_rng__lo(o), mix->cum_problem, N_PROBLEM);
	o = iapt_rng__out_at(pos += IAPT_RNG__GOLDEN);
	{
		/* employment at referral (docs/model.md, Employment); the employed part of the same
		 * uniform, rescaled, decides sick pay, so the status costs one draw */
		double u = iapt_rng__hi(o), a = P(s, EMP_UNEMPLOYED), b = a + P(s, EMP_SICK), c = b + P(s, EMP_NOT_SEEKING);
		p->emp = u < a ? EMP_UNEMPLOYED : u < b ? EMP_SICK : u < c ? EMP_NOT_SEEKING : EMP_EMPLOYED;
		p->sick_start = p->emp == EMP_EMPLOYED && c < 1 && (u - c) / (1 - c) < P(s, EMP_SICK_PAY);
	}
	p->ltc = iapt_rng__lo(o) < mix->ltc;
	o = iapt_rng__out_at(pos += IAPT_RNG__GOLDEN);
	x->ltc_type = (uint8_t)categorical(iapt_rng__hi(o), s->cum_ltc, N_LTC_TYPE);
	u_desc = iapt_rng__lo(o);
	iapt_rng__gauss2_at(pos += IAPT_RNG__GOLDEN, &z1, &z2);
	o = iapt_rng__out_at(pos += IAPT_RNG__GOLDEN);
	zr = iapt_rng__gauss_hi(pos, o);
	u_int = iapt_rng__lo(o);
	o = iapt_rng__out_at(pos += IAPT_RNG__GOLDEN);
	x->ethnicity = (uint8_t)categorical(iapt_rng__hi(o), s->cum_eth, N_ETH);
	x->imd = (uint8_t)(1 + categorical(iapt_rng__lo(o), mix->cum_imd, N_IMD));
	/* seen in a service integrated with physical care (ltc.integrated_share, or a plugin) */
	p->integrated = p->ltc && u_int < P(s, LTC_INTEGRATED);
	x->svc = (uint16_t)svc;
	rho = P(s, BASE_CORR);
	p->xp = p->np = clampf((float)(P(s, BASE_PHQ_MEAN) + P(s, BASE_PHQ_SD) * z1), 27.0f);
	p->xg = p->ng = clampf((float)(P(s, BASE_GAD_MEAN) + P(s, BASE_GAD_SD) * (rho * z1 + s->base_rho_c * z2)), 21.0f);
	sdr = P(s, TX_RESP_SD);
	resp = exp(sdr * zr - 0.5 * sdr * sdr); /* lognormal with mean 1 */
	/* treatment matched to a recorded problem descriptor works better (Clark et al. 2018, S29) */
	p->pd = u_desc < mix->p_desc;
	match = p->pd ? 1.0 : P(s, TX_UNMATCHED);
	resp *= match * mix->resp;
	/* a session's effect (effect x resp) is capped at 1 long before 100: a lognormal tail
	 * times a service's residual beyond it changes nothing but what a hook reads */
	if (resp > 100)
		resp = 100;
	p->resp = (float)resp;

	/* access (docs/model.md, Access and waiting lists) */
	pos = iapt_rng__key_purpose(key, IAPT_RNG_ACCESS);
	o = iapt_rng__out_at(pos + IAPT_RNG__GOLDEN);
	u_sign = iapt_rng__hi(o);
	u_leave = iapt_rng__lo(o);
	u_hi = iapt_rng__hi(iapt_rng__out_at(pos + 2 * IAPT_RNG__GOLDEN));
	/* NICE: PTSD and social anxiety start at high intensity */
	route = u_sign < s->svc[svc].p_signpost ? IAPT_ROUTE_SIGNPOST
		: (p->problem == PROB_PTSD || p->problem == PROB_SOCIAL || u_hi < P(s, ACCESS_HI_FIRST))
		? IAPT_ROUTE_HI : IAPT_ROUTE_LI;
	if (s->has & IAPT_HOOK_ON_REFERRAL) {
		iapt_hook_person v, given;
		hook_view(s, p, x, &v);
		v.route = route;
		s->ev_week = week;
		s->ev_cohort = year_index(s, week);
		given = v;
		hook_begin();
		if ((rc = iapt_engine__hook_rc(s->hooks->on_referral(s->hooks->data, s, &v), IAPT_HOOK_I_ON_REFERRAL)) ||
		    (rc = check_taken_back(&v, &given, IAPT_PR, IAPT_HOOK_I_ON_REFERRAL))) {
			person_free(s, i);
			return rc;
		}
		/* a route the hook changed is its choice, whether or not it set the written bit */
		if (v.route != given.route)
			v.written |= 1ull << IAPT_PF_route;
		/* attributes first, then the route they imply */
#define X(field, where, member, back) \
	if (PERSON_WRITABLE_##field & IAPT_PR) \
		where->member = v.field;
		PERSON_STORED(X)
#undef X
		x->user = v.user;
		svc = x->svc;
		resp = v.responsiveness;
		p->xp = p->np = (float)v.phq9;
		p->xg = p->ng = (float)v.gad7;
		if (IAPT_PERSON_WROTE(&v, route))
			route = v.route;
		else if (route == IAPT_ROUTE_LI && (p->problem == PROB_PTSD || p->problem == PROB_SOCIAL))
			route = IAPT_ROUTE_HI;
	}
	/* group effects by mechanism, from the attributes as the hook left them */
	group_effects(s, p, x, eff);
	p->resp = (float)(resp * (p->ltc ? P(s, LTC_EFFECT) : 1.0) * eff[MECH_RESPONSE]);
	p->m_dna = fixed_mult(eff[MECH_DNA]);
	p->m_drop = fixed_mult(eff[MECH_DROPOUT]);
	if (p->emp != EMP_EMPLOYED)
		p->sick_start = 0; /* sick pay is a state of the employed (a hook may have set it) */
	p->emp_tx = p->emp_nat = (uint8_t)emp_code(p->emp, p->sick_start);
	if ((rc = count(s, week, p, x, -1, IAPT_C_REFERRALS, 1)))
		return rc;
	iapt_services__referred(s, week, p, x);
	ledger_add_person(s, year_index(s, week), year_index(s, week), p, IAPT_CAT_ASSESSMENTS, IAPT_PERSP_NHS, -P(s, COST_ASSESSMENT));
	if (route == IAPT_ROUTE_SIGNPOST)
		return end_referral(s, i, week);
	p->leave_week = leave_week_of(s, week, P(s, ACCESS_LEAVE) * eff[MECH_LEAVE], u_leave);
	if ((rc = queue_push(&s->svc[svc].queue[route == IAPT_ROUTE_HI ? HI : LI], i)))
		return rc;
	return (s->has & IAPT_HOOK_ON_WAIT) ? iapt_engine__wait_join(s, i, week) : IAPT_OK;
}

static int step_up(sim *s, service *sv, uint32_t i, int week)
{
	person *p = &s->people[i];
	double u;
	int rc;
	if ((s->has & IAPT_HOOK_ON_STEP_UP) && (rc = iapt_engine__on_step_up(s, i, week)))
		return rc;
	/* a step-up waits on the HI list like anyone; the same leaving hazard applies */
	iapt_rng_rekey(s->r, p->rs_treat);
	u = iapt_rng_uniform(s->r);
	p->rs_treat = iapt_rng_state(s->r);
	p->leave_week = leave_week_of(s, week, P(s, ACCESS_LEAVE) * group_effect(s, p, &s->ext[i], MECH_LEAVE), u);
	return queue_push(&sv->queue[HI], i);
}

/* Fetch person i's record and their person_ext ahead of use (a hint; no effect on results). */
static inline void prefetch_person(const sim *s, uint32_t i)
{
#if defined(__GNUC__)
	__builtin_prefetch(&s->people[i]);
	__builtin_prefetch(&s->ext[i]);
#else
	(void)s;
	(void)i;
#endif
}

/* Whether person p, in treatment but not seen in `week` (the service's slots ran out),
 * leaves treatment then: access.unseen_leave_weekly times the group effect on leaving, on a
 * number keyed by person and week, so no one else's draws move
 * (access.first_treatment_priority_weeks). */
static int leaves_unseen(sim *s, const person *p, uint32_t i, int week)
{
	double h = P(s, ACCESS_UNSEEN_LEAVE) * group_effect(s, p, &s->ext[i], MECH_LEAVE);
	return h > 0 && period_uniform(s, (uint16_t)week, p->id, IAPT_RNG_UNSEEN) < h;
}

/* First sessions at intensity lvl from the head of sv's waiting list while slots last; with
 * min_wait > 0 only for people who have waited at least that many weeks (those the
 * waiting-time standard puts first). Those who left the list before its head are ended. */
static int start_from_list(sim *s, service *sv, int lvl, int week, long *slots, size_t n_pre, int min_wait)
{
	idx_vec *act = &sv->active[lvl];
	int rc, ended, action;
	while (*slots > 0 && sv->queue[lvl].len) {
		uint32_t i;
		person *p;
		if (sv->queue[lvl].len > n_pre)
			prefetch_person(s, queue_peek(&sv->queue[lvl], n_pre));
		i = queue_peek(&sv->queue[lvl], 0);
		p = &s->people[i];
		if (min_wait > 0 && p->leave_week > week && week - p->arrival < min_wait)
			break; /* the list is in order of joining: no one behind has waited longer */
		queue_pop(&sv->queue[lvl]);
		if (p->leave_week <= week) {
			/* left the list before reaching its head; counted when they left */
			if ((rc = end_referral(s, i, p->leave_week)))
				return rc;
			continue;
		}
		(*slots)--;
		s->stats->person_weeks++;
		action = session(s, sv, p, week, lvl, &ended);
		if (action < 0)
			return action;
		if (ended)
			rc = end_referral(s, i, week);
		else if (action == STEP_UP)
			rc = step_up(s, sv, i, week);
		else
			rc = vec_push(act, i);
		if (rc)
			return rc;
	}
	return IAPT_OK;
}

/* Take entry k (< *n_old) out of a caseload whose first *n_old entries were there at the
 * start of the week and the rest started this week: the old part's last entry fills k, the
 * caseload's last fills that, so this week's starters stay behind the old part (with none,
 * the caseload's last fills k, as ever). */
static inline void act_remove(idx_vec *act, size_t k, size_t *n_old)
{
	act->v[k] = act->v[--*n_old];
	act->v[*n_old] = act->v[--act->len];
}

static int run_service(sim *s, service *sv, int week)
{
	int lvl, rc, ended, action, prio = (int)P(s, ACCESS_PRIORITY_WEEKS);
	for (lvl = LI; lvl <= HI; lvl++) {
		double slots_d;
		long slots;
		size_t k, n_pre, n_old;
		idx_vec *act = &sv->active[lvl];
		sv->acc[lvl] += s->cap_week[lvl] * sv->factor;
		slots_d = floor(sv->acc[lvl]);
		sv->acc[lvl] -= slots_d;
		slots = (long)slots_d;
		/* the people visited first, all at once, so that their misses overlap: the head of
		 * the caseload (the loop below fetches 8 ahead from there) and of the waiting list
		 * as far as the slots the caseload leaves, give or take its discharges */
		for (k = 0; k < act->len && k < 8; k++)
			prefetch_person(s, act->v[k]);
		n_pre = slots > (long)act->len ? (size_t)(slots - (long)act->len) + 2 : 2;
		if (n_pre > 16)
			n_pre = 16;
		for (k = 0; k < sv->queue[lvl].len && k < n_pre; k++)
			prefetch_person(s, queue_peek(&sv->queue[lvl], k));
		/* the waiting-time standard: those who have waited long enough start first */
		n_old = act->len; /* the caseload at the start of the week: this week's starters follow */
		if (prio > 0) {
			long cap = (long)floor(P(s, ACCESS_PRIORITY_SHARE) * (double)slots + 0.5), rest = slots - cap;
			if ((rc = start_from_list(s, sv, lvl, week, &cap, n_pre, prio)))
				return rc;
			slots = rest + cap;
		}
		/* people in treatment keep their weekly session first (those there at the start of
		 * the week: this week's starters have had theirs) */
		for (k = 0; k < n_old;) {
			uint32_t i = act->v[k];
			if (slots <= 0) {
				if (prio <= 0)
					break; /* capacity fell below the caseload: the rest wait a week */
				/* the rest wait a week, and some of them leave treatment */
				if (!leaves_unseen(s, &s->people[i], i, week)) {
					k++;
					continue;
				}
				act_remove(act, k, &n_old);
				if ((rc = end_referral(s, i, week)))
					return rc;
				continue;
			}
			/* the caseload visits the pool out of order: fetch a few people ahead (the
			 * person_ext too: a session's costs go to their IMD quintile, ledger_add_person),
			 * and the last, whom a discharge moves here next */
			if (k + 8 < n_old)
				prefetch_person(s, act->v[k + 8]);
			prefetch_person(s, act->v[n_old - 1]);
			slots--;
			s->stats->person_weeks++;
			action = session(s, sv, &s->people[i], week, lvl, &ended);
			if (action < 0)
				return action;
			if (ended || action == STEP_UP) {
				act_remove(act, k, &n_old);
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
		if ((rc = start_from_list(s, sv, lvl, week, &slots, n_pre, 0)))
			return rc;
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
		if ((s->has & IAPT_HOOK_ON_WAIT) && (rc = iapt_engine__wait_due(s, week)))
			return rc;
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

/* The week loop of one replicate, with hooks (begin has run). */
int iapt_engine__weeks(sim *s, int from, int to)
{
	int rc, week, k, cur_year = INT_MIN;
	for (week = from; week < to; week++) {
		int y = year_of_week(s, week);
		long n_arrive;
		if (y != cur_year) {
			if (y >= s->sc->first_year && (s->has & IAPT_HOOK_ON_YEAR)) {
				s->ev_week = week;
				s->ev_cohort = y - s->sc->first_year;
				s->in_setup = 2;
				s->year = y;
				hook_begin();
				rc = iapt_engine__hook_rc(s->hooks->on_year(s->hooks->data, s, y), IAPT_HOOK_I_ON_YEAR);
				s->in_setup = 0;
				if (rc)
					return rc;
			}
			if ((rc = iapt_engine__load_year(s, y)))
				return rc;
			year_constants(s);
			cur_year = y;
		}
		if ((s->has & IAPT_HOOK_ON_WAIT) && (rc = iapt_engine__wait_due(s, week)))
			return rc;
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
	return IAPT_OK;
}

int iapt_engine__simulate(sim *s, int from)
{
	int rc;
	if ((rc = iapt_engine__weeks(s, from, s->weeks)))
		return rc;
	if (P(s, FU_YEARS) > 0 && (rc = drain(s, s->weeks)))
		return rc;
	return IAPT_OK;
}

/* ---- for the hooks that act during waiting and treatment (hooks.c) ---- */

void iapt_engine__discharge_view(sim *s, const person *p, const person_ext *x, int week, unsigned flags, iapt_hook_person *v)
{
	hook_view(s, p, x, v);
	v->employment = emp_status(p->emp_tx);
	v->sick_pay = p->emp_tx == EMP_SICK_PAY;
	v->discharge_week = week;
	v->discharge_year = year_of_week(s, week);
	v->caseness = !!(flags & IAPT_O_CASENESS_FIRST);
	v->recovered = !!(flags & IAPT_O_RECOVERED);
	v->reliable_improvement = !!(flags & IAPT_O_RELIABLE_IMPROVEMENT);
	v->reliable_recovery = !!(flags & IAPT_O_RELIABLE_RECOVERY);
	v->reliable_deterioration = !!(flags & IAPT_O_RELIABLE_DETERIORATION);
	s->ev_week = week;
	s->ev_cohort = year_index(s, p->arrival);
}

void iapt_engine__hook_view(const sim *s, const person *p, const person_ext *x, iapt_hook_person *v)
{
	hook_view(s, p, x, v);
}

int iapt_engine__hook_check(const iapt_hook_person *v, const iapt_hook_person *given, unsigned bit, int hook)
{
	return check_taken_back(v, given, bit, hook);
}

void iapt_engine__advance(sim *s, person *p, int week)
{
	advance(s, p, week);
}

double iapt_engine__leave_hazard(const sim *s, const person *p, const person_ext *x)
{
	return P(s, ACCESS_LEAVE) * group_effect(s, p, x, MECH_LEAVE);
}

int16_t iapt_engine__leave_week(int week, double h, double u)
{
	return leave_week_from(week, h, u);
}
