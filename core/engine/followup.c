/* Follow-up after discharge (docs/model.md, section 6): each person's treated path and
 * natural course month by month, relapse and remission, work, and the flows between them
 * in the ledger. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "engine/outcome.h"
#include "engine/state.h"
#include "rng/stream.h"

/* Employment moves a month, from each status, by health state (docs/economics.md,
 * "Employment, month by month"). One uniform decides a month's move, against the moves out
 * of the status in this order; the same process runs from referral to discharge
 * (pathway.c) and after it, on both paths. */
static const struct {
	uint8_t from, to;
	uint16_t ill, well; /* IAPT_P_* */
} emp_moves[] = {
	{EMP_EMPLOYED, EMP_UNEMPLOYED, IAPT_P_EMP_LOSE_ILL, IAPT_P_EMP_LOSE_WELL},
	{EMP_EMPLOYED, EMP_SICK_PAY, IAPT_P_EMP_SICKPAY_START_ILL, IAPT_P_EMP_SICKPAY_START_WELL},
	{EMP_EMPLOYED, EMP_NOT_SEEKING, IAPT_P_EMP_LEAVE_LABOUR_FORCE, IAPT_P_EMP_LEAVE_LABOUR_FORCE},
	{EMP_SICK_PAY, EMP_EMPLOYED, IAPT_P_EMP_SICKPAY_RETURN_ILL, IAPT_P_EMP_SICKPAY_RETURN_WELL},
	{EMP_SICK_PAY, EMP_SICK, IAPT_P_EMP_SICKPAY_TO_BENEFIT_ILL, IAPT_P_EMP_SICKPAY_TO_BENEFIT_WELL},
	{EMP_SICK_PAY, EMP_UNEMPLOYED, IAPT_P_EMP_LOSE_ILL, IAPT_P_EMP_LOSE_WELL},
	{EMP_UNEMPLOYED, EMP_EMPLOYED, IAPT_P_EMP_FIND_ILL, IAPT_P_EMP_FIND_WELL},
	{EMP_UNEMPLOYED, EMP_SICK, IAPT_P_EMP_U_TO_SICK_ILL, IAPT_P_EMP_U_TO_SICK_WELL},
	{EMP_UNEMPLOYED, EMP_NOT_SEEKING, IAPT_P_EMP_U_TO_INACTIVE, IAPT_P_EMP_U_TO_INACTIVE},
	{EMP_SICK, EMP_EMPLOYED, IAPT_P_EMP_SICK_FIND_ILL, IAPT_P_EMP_SICK_FIND_WELL},
	{EMP_SICK, EMP_UNEMPLOYED, IAPT_P_EMP_SICK_TO_U_ILL, IAPT_P_EMP_SICK_TO_U_WELL},
	{EMP_SICK, EMP_NOT_SEEKING, IAPT_P_EMP_SICK_TO_INACTIVE, IAPT_P_EMP_SICK_TO_INACTIVE},
	{EMP_NOT_SEEKING, EMP_EMPLOYED, IAPT_P_EMP_INACTIVE_FIND_ILL, IAPT_P_EMP_INACTIVE_FIND_WELL},
	{EMP_NOT_SEEKING, EMP_UNEMPLOYED, IAPT_P_EMP_INACTIVE_TO_U, IAPT_P_EMP_INACTIVE_TO_U},
};
#define N_EMP_MOVES (sizeof emp_moves / sizeof emp_moves[0])

static const char *const emp_code_names[EMP__CODES] = {"employed (not on sick pay)", "unemployed", "sick_or_disabled",
						       "not_seeking_work", "on sick pay"};

static void emp_load(sim *s)
{
	size_t k;
	memset(s->emp_n, 0, sizeof s->emp_n);
	for (k = 0; k < N_EMP_MOVES; k++) {
		int f = emp_moves[k].from, i = s->emp_n[f]++, w;
		s->emp_to[f][i] = emp_moves[k].to;
		for (w = 0; w < 2; w++)
			s->emp_cum[w][f][i] = (i ? s->emp_cum[w][f][i - 1] : 0) + s->pv[w ? emp_moves[k].well : emp_moves[k].ill];
	}
}

int iapt_engine__check_emp_moves(const iapt_params *p, int y, const char *lab)
{
	int f, w;
	size_t k;
	for (f = 0; f < EMP__CODES; f++)
		for (w = 0; w < 2; w++) {
			double t = 0;
			for (k = 0; k < N_EMP_MOVES; k++)
				if (emp_moves[k].from == f)
					t += iapt_params_get(p, w ? emp_moves[k].well : emp_moves[k].ill, y);
			if (t > 1 + 1e-12)
				return iapt_error__set(IAPT_EINVAL, "%s: the monthly employment moves out of %s while %s add up to %g, more than 1",
						       lab, emp_code_names[f], w ? "well" : "ill", t);
		}
	return IAPT_OK;
}

/* Monthly hazards after discharge (docs/economics.md, "Follow-up, month by month"). Relapse: the 12-month share R with
 * a share s of it in the first 6 months (Ali et al. 2017) gives constant monthly hazards
 * over months 0-5 and 6-11; after a year, the annual rate L. Residual symptoms multiply
 * the hazard on the continuous scale: 1 - (1 - h)^HR. Remission falls with the months
 * an episode has lasted (Keller et al. 1992). */
static double monthly(double share, double months)
{
	return share >= 1 ? 1.0 : 1.0 - pow(1.0 - share, 1.0 / months);
}

void iapt_engine__load_hazards(sim *s)
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
	/* the monthly flows of fu_flows; a flow there is its weight (+-1 or +-1/2: exact) times
	 * one of these, the same number as the weight times the annual figure over 12 */
	s->fu_earnings = P(s, MONEY_EARNINGS) / 12.0;
	s->fu_tax = P(s, MONEY_INCOME_TAX) / 12.0;
	s->fu_ee_ni = P(s, MONEY_EMPLOYEE_NI) / 12.0;
	s->fu_er_ni = P(s, MONEY_EMPLOYER_NI) / 12.0;
	s->fu_absence = P(s, EMP_ABSENCE_DAYS) * P(s, MONEY_EARNINGS) / 260.0;
	s->fu_benefits = P(s, MONEY_BENEFITS) / 12.0;
	s->fu_phys = P(s, PHYS_EXCESS_ILL) / 12.0;
	s->fu_mech = (int)P(s, EMP_MECHANISM);
	emp_load(s);
}

/* One path of a person after discharge: treated, or their natural course. */
typedef struct fu_path {
	int well;   /* not at caseness */
	int emp;    /* EMP_* code */
	int hi;     /* relapse profile: after high-intensity treatment */
	int resid;  /* residual symptoms (PHQ-9 5-9) at the start of the well spell */
	int months; /* months into the well spell, or of the episode when not well (capped) */
	int out;    /* months out of work (capped): job finding falls with it under flows_with_scarring */
	double util, util12; /* EQ-5D utility; a month's QALYs, util / 12 */
} fu_path;

/* The fields compared by xor and or, not by &&: GCC merges a chain of == on adjacent int
 * fields of register-held structs into 64-bit compares through the stack, whose loads wait
 * on two 32-bit stores each (a failed store-to-load forwarding, about half of follow-up's
 * time when measured). */
static inline int same_path(const sim *s, const fu_path *a, const fu_path *b)
{
	int d = (a->well ^ b->well) | (a->emp ^ b->emp) | (a->hi ^ b->hi) | (a->resid ^ b->resid) | (a->months ^ b->months);
	if (s->fu_mech == IAPT_EMPMECH_SCARRING)
		d |= a->out ^ b->out;
	return d == 0 && a->util == b->util;
}

/* ---- how recovery turns into work (employment.mechanism; docs/economics.md) ---- */

/* prevalence: with chance `speed` a month the person's status is drawn afresh from their
 * health state's employment rate e (in work if u < speed x e); otherwise it stays. So the
 * chance of finding work is speed x e, of losing it speed x (1 - e), and a path's expected
 * employment closes the share `speed` of its gap to e each month; at speed 1 it is e at
 * once, Layard et al.'s (2007) assumption (74% well, 51% ill, Psychiatric Morbidity
 * Survey). Work lost goes to unemployment when well, long-term sickness when ill. */
static int emp_step_prevalence(const sim *s, int code, int well, double u)
{
	double k = P(s, EMP_PREV_SPEED), e = well ? P(s, EMP_PREV_WELL) : P(s, EMP_PREV_ILL);
	int employed = emp_status(code) == EMP_EMPLOYED;
	if (u >= k)
		return code;
	if (u < k * e)
		return employed ? code : EMP_EMPLOYED;
	return employed ? (well ? EMP_UNEMPLOYED : EMP_SICK) : code;
}

/* flows_with_scarring: the table's flows, with the chance of finding work (the first move
 * out of every status out of work) halving every employment.scarring_halving_months
 * months out of work; the other moves keep their chances. */
static int emp_step_scarring(const sim *s, int code, int well, int out, double u)
{
	double c0;
	if (emp_status(code) == EMP_EMPLOYED || !s->emp_n[code] || s->emp_to[code][0] != EMP_EMPLOYED)
		return emp_step(s, code, well, u);
	c0 = s->emp_cum[well][code][0];
	if (u < c0 * pow(0.5, out / P(s, EMP_SCAR_HALF)))
		return EMP_EMPLOYED;
	if (u < c0)
		return code; /* the part of the finding chance lost to time out of work */
	return emp_step(s, code, well, u);
}

static int emp_move(const sim *s, const fu_path *q, double u)
{
	switch (s->fu_mech) {
	case IAPT_EMPMECH_PREVALENCE:
		return emp_step_prevalence(s, q->emp, q->well, u);
	case IAPT_EMPMECH_SCARRING:
		return emp_step_scarring(s, q->emp, q->well, q->out, u);
	default:
		return emp_step(s, q->emp, q->well, u);
	}
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

static void fu_start(const sim *s, const person *p, fu_path *q, int phq, int gad, int hi, int ill_months, int emp)
{
	q->well = !iapt_outcome__caseness(phq, gad);
	q->emp = emp;
	q->hi = q->well ? hi : 0;
	q->resid = q->well && phq >= 5;
	q->months = q->well ? 0 : (ill_months < 36 ? ill_months : 36);
	/* out of work at discharge: for as long as the episode has lasted (assumed) */
	q->out = emp_status(emp) == EMP_EMPLOYED ? 0 : (ill_months < 600 ? ill_months : 600);
	q->util = utility(s, p->problem, phq, gad);
	q->util12 = q->util / 12.0;
}

/* The paper's counterfactual (followup.recovery_share_assumed, followup.natural_course_at_caseness;
 * the bridge in docs/economics.md): a share of the people treated well at discharge, on
 * the second number of the integration stream (so the follow-up's own numbers are those of
 * every other run), and the natural course at caseness. */
static void assumed_counterfactual(sim *s, const person *p, fu_path *t, fu_path *n, int ill)
{
	int phq = p->phq_first != NO_SCORE ? p->phq_first : 15, gad = p->phq_first != NO_SCORE ? p->gad_first : 12;
	double util_ill = utility(s, p->problem, phq, gad), util_well = utility(s, p->problem, 0, 0);
	int months = ill < 36 ? ill : 36;
	if (P(s, FU_RECOVERY_ASSUMED) >= 0) {
		/* the first number of the stream is the integration draw's */
		uint64_t pos = iapt_rng__key_purpose(iapt_rng__key_entity(s->key_rep, p->id), IAPT_RNG_INTEGRATED);
		t->well = iapt_rng__uniform_at(pos + IAPT_RNG__GOLDEN) < P(s, FU_RECOVERY_ASSUMED);
		t->hi = t->resid = 0;
		t->months = t->well ? 0 : months;
		t->util = t->well ? util_well : util_ill;
		t->util12 = t->util / 12.0;
	}
	if (P(s, FU_NATURAL_ILL) > 0) {
		n->well = n->hi = n->resid = 0;
		n->months = months;
		n->util = util_ill;
		n->util12 = n->util / 12.0;
	}
}

/* The ledger cells follow-up writes, each a slot of its own in a compact accumulator
 * (fu_acc): fu_flows and the integrated-care saving write slots, flush adds every slot to
 * its cell. A flow can only be written to a slot listed here, so none is lost. */
#define FU_CELLS(X) \
	X(QALYS, IAPT_CAT_QALYS, IAPT_PERSP_NHS) \
	X(WELLBYS, IAPT_CAT_WELLBYS, IAPT_PERSP_NHS) \
	X(EARNINGS, IAPT_CAT_EARNINGS, IAPT_PERSP_SOCIETAL) \
	X(TAX_EXCH, IAPT_CAT_INCOME_TAX, IAPT_PERSP_EXCHEQUER) \
	X(TAX_SOC, IAPT_CAT_INCOME_TAX, IAPT_PERSP_SOCIETAL) \
	X(EE_NI_EXCH, IAPT_CAT_EMPLOYEE_NI, IAPT_PERSP_EXCHEQUER) \
	X(EE_NI_SOC, IAPT_CAT_EMPLOYEE_NI, IAPT_PERSP_SOCIETAL) \
	X(ER_NI_EXCH, IAPT_CAT_EMPLOYER_NI, IAPT_PERSP_EXCHEQUER) \
	X(ER_NI_SOC, IAPT_CAT_EMPLOYER_NI, IAPT_PERSP_SOCIETAL) \
	X(ABSENCE, IAPT_CAT_SICKNESS_ABSENCE, IAPT_PERSP_SOCIETAL) \
	X(BENEFITS_EXCH, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER) \
	X(BENEFITS_SOC, IAPT_CAT_BENEFITS, IAPT_PERSP_SOCIETAL) \
	X(PHYSICAL, IAPT_CAT_PHYSICAL_HEALTH, IAPT_PERSP_NHS)

enum {
#define X(id, cat, persp) FU_##id,
	FU_CELLS(X)
#undef X
	FU__COUNT
};

/* each slot's ledger cell: category, perspective */
static const unsigned char fu_cells[FU__COUNT][2] = {
#define X(id, cat, persp) {cat, persp},
	FU_CELLS(X)
#undef X
};

typedef double fu_acc[FU__COUNT];

/* A month's flows on one path, weighted: + for treated, - for the natural course (a share
 * of the month under half-cycle accrual). */
static inline void fu_flows(const sim *s, const person *p, const fu_path *q, double sign, fu_acc acc)
{
	acc[FU_QALYS] += sign * q->util12;
	/* WELLBYs: a month of life satisfaction (0-10) by health state (docs/economics.md, "Wellbeing") */
	acc[FU_WELLBYS] += sign * (q->well ? P(s, WB_LS_WELL) : P(s, WB_LS_ILL)) / 12.0;
	/* sick pay is paid by the employer (no state refund since April 2014): a sick-pay month
	 * counts as one in work; benefits go to the unemployed and the long-term sick or
	 * disabled, none to those not seeking work (docs/economics.md) */
	if (emp_status(q->emp) == EMP_EMPLOYED) {
		double it = sign * s->fu_tax, ee = sign * s->fu_ee_ni, er = sign * s->fu_er_ni;
		acc[FU_EARNINGS] += sign * s->fu_earnings;
		/* HMRC receives (exchequer); the earner, or for employer NI the employer, pays (societal) */
		acc[FU_TAX_EXCH] += it;
		acc[FU_TAX_SOC] -= it;
		acc[FU_EE_NI_EXCH] += ee;
		acc[FU_EE_NI_SOC] -= ee;
		acc[FU_ER_NI_EXCH] += er;
		acc[FU_ER_NI_SOC] -= er;
		if (!q->well) /* days lost, valued at earnings per working day (260 a year) */
			acc[FU_ABSENCE] -= sign * s->fu_absence;
	} else if (q->emp == EMP_UNEMPLOYED || q->emp == EMP_SICK) {
		double b = sign * s->fu_benefits;
		acc[FU_BENEFITS_EXCH] -= b; /* the Exchequer pays */
		acc[FU_BENEFITS_SOC] += b;  /* households receive */
	}
	if (p->ltc && !q->well)
		acc[FU_PHYSICAL] -= sign * s->fu_phys;
}

/* Whether a month on path a brings the flows of a month on path b (fu_flows). */
static inline int same_flows(const fu_path *a, const fu_path *b)
{
	return ((a->well ^ b->well) | (a->emp ^ b->emp)) == 0 && a->util12 == b->util12; /* as same_path */
}

/* The months a path has spent in state q since it was last booked, weighted (*months), into
 * acc at once: states change seldom, so flows are booked per spell, not per month. */
static inline void book(const sim *s, const person *p, const fu_path *q, double *months, double sign, fu_acc acc)
{
	if (*months > 0)
		fu_flows(s, p, q, sign * *months, acc);
	*months = 0;
}

/* A month's transitions: relapse or remission on u_h, then work on u_e. Both paths use
 * the same two numbers, so they move together wherever their states agree. */
static inline void fu_step(const sim *s, fu_path *q, double u_h, double u_e, double util_ill, double util_well)
{
	if (q->well) {
		/* the periods by sums of comparisons: no branches on the months for the predictor */
		int period = (q->months >= 6) + (q->months >= 12);
		if (u_h < s->relapse[q->hi][period][q->resid]) {
			q->well = 0;
			q->hi = q->resid = q->months = 0;
			q->util = util_ill;
			q->util12 = util_ill / 12.0;
		} else if (q->months < 12) {
			q->months++;
		}
	} else if (u_h < s->remit[(q->months >= 3) + (q->months >= 6) + (q->months >= 36)]) {
		q->well = 1;
		q->hi = q->resid = q->months = 0;
		q->util = util_well;
		q->util12 = util_well / 12.0;
	} else if (q->months < 36) {
		q->months++;
	}
	q->emp = emp_move(s, q, u_e);
	/* months out of work: 0 in work (sick pay is in work), else one more up to 600; read
	 * only under flows_with_scarring (emp_step_scarring, same_path) */
	if (s->fu_mech == IAPT_EMPMECH_SCARRING)
		q->out = (q->out + (q->out < 600)) & -(int)(q->emp != EMP_EMPLOYED && q->emp != EMP_SICK_PAY);
}


/* ledger_add_person of each slot's cell, without a branch on whether it is 0: a ledger cell
 * starts at +0 and so can never be -0, and x + 0 is x for every other x, so adding the slots
 * that stayed 0 changes nothing (those were a guess the predictor often lost). Each slot
 * has a cell of its own, so the order of their additions changes no sum. */
static void flush(sim *s, int ly, int cohort, const person *p, fu_acc acc)
{
	const iapt_counters *ct = s->ct;
	double *led = NULL, *qled = NULL;
	size_t k;
	if (cohort >= 0 && ly >= 0 && ly < ct->n_ledger_years) {
		if (ct->ledger)
			led = &IAPT_LEDGER(ct, ly, cohort, 0, 0);
		if (ct->qledger)
			qled = &IAPT_QLEDGER(ct, ly, imd_quintile(s, p), 0, 0);
	}
	for (k = 0; k < FU__COUNT; k++) {
		size_t at = (size_t)fu_cells[k][0] * IAPT_PERSP__COUNT + (size_t)fu_cells[k][1];
		if (led)
			led[at] += acc[k];
		if (qled)
			qled[at] += acc[k];
		acc[k] = 0;
	}
}

/* Follow a person monthly from discharge on both paths; the ledger gets the difference. */
void iapt_engine__follow_up(sim *s, const person *p, int end_week, int cohort)
{
	fu_acc acc;
	fu_path t, n, tb, nb; /* the paths, and the states whose months are not yet booked */
	double mt = 0, mn = 0; /* those months, weighted */
	int y = -1, y_next = INT_MIN; /* the month's ledger year, and the week the next one starts */
	int months = (int)P(s, FU_YEARS) * 12, m, ly = -1, sav_months = 0;
	size_t k;
	int need_int = p->ltc && p->integrated;
	int phq_t = p->phq_last != NO_SCORE ? p->phq_last : score(p->xp, 0, 27);
	int gad_t = p->phq_last != NO_SCORE ? p->gad_last : score(p->xg, 0, 21);
	int phq_n = p->nphq_last != NO_SCORE ? p->nphq_last : score(p->np, 0, 27);
	int gad_n = p->nphq_last != NO_SCORE ? p->ngad_last : score(p->ng, 0, 21);
	double util_ill, util_well, saving = 0;
	double w_start = s->sc->econ.accrual == IAPT_ACCRUAL_START ? 1.0 : s->sc->econ.accrual == IAPT_ACCRUAL_END ? 0.0 : 0.5;

	/* months of the episode at discharge: before referral, then waiting and treatment */
	int ill = (int)(P(s, FU_ILL_BEFORE) + (double)(end_week - p->arrival) * 12.0 / IAPT_WEEKS_PER_YEAR);
	/* employment as the months from referral left it on each path (a plugin may have
	 * changed the treated one at discharge: employment support) */
	fu_start(s, p, &t, phq_t, gad_t, p->s_hi > 0, ill, p->emp_tx);
	fu_start(s, p, &n, phq_n, gad_n, 0, ill, p->emp_nat); /* an untreated spell relapses like one after LI (assumed) */
	if (P(s, FU_RECOVERY_ASSUMED) >= 0 || P(s, FU_NATURAL_ILL) > 0)
		assumed_counterfactual(s, p, &t, &n, ill);
	if (!need_int && same_path(s, &t, &n))
		return; /* the two paths agree from here on: the programme changes nothing more */
	if (need_int) {
		/* integrated care for a long-term condition (Toffolutti et al., S36); its draw has
		 * a stream of its own, so integration leaves every later draw as it was and a
		 * comparison with and without it differs only by its effects */
		double u_emp;
		u_emp = iapt_rng__uniform_at(iapt_rng__key_purpose(iapt_rng__key_entity(s->key_rep, p->id), IAPT_RNG_INTEGRATED));
		sav_months = (int)P(s, PHYS_INTEGRATED_MONTHS);
		saving = P(s, PHYS_INTEGRATED_SAVING) / (sav_months > 0 ? sav_months : 1);
		if (sav_months < 1)
			sav_months = 1; /* 0 months: the whole saving at discharge */
		if ((t.emp == EMP_UNEMPLOYED || t.emp == EMP_SICK) && u_emp < P(s, LTC_INTEGRATED_EMP))
			t.emp = EMP_EMPLOYED;
	}
	/* the follow-up stream: two numbers a month, the halves of one output */
	iapt_rng_rekey(s->r, iapt_rng__key_purpose(iapt_rng__key_entity(s->key_rep, p->id), IAPT_RNG_FOLLOWUP));
	util_ill = p->phq_first != NO_SCORE ? utility(s, p->problem, p->phq_first, p->gad_first) : t.util;
	util_well = utility(s, p->problem, 0, 0);
	for (k = 0; k < FU__COUNT; k++)
		acc[k] = 0;
	tb = t;
	nb = n;
	for (m = 0; m < months; m++) {
		int week = end_week + m * IAPT_WEEKS_PER_YEAR / 12;
		double u_h, u_e;
		if (week >= y_next) { /* into the next ledger year (or the first month) */
			y = year_index(s, week);
			y_next = s->burn_weeks + (y + 1) * IAPT_WEEKS_PER_YEAR;
		}
		if (m >= sav_months && same_path(s, &t, &n))
			break;
		if (y != ly) {
			if (ly >= 0) {
				book(s, p, &tb, &mt, 1, acc);
				book(s, p, &nb, &mn, -1, acc);
				flush(s, ly, cohort, p, acc);
			}
			ly = y;
		}
		/* the month's flows in the state at its start and at its end, weighted by the
		 * accrual convention (economics.accrual; half of each by default): here the
		 * weights of the states not yet booked (tb, nb) */
		mt += w_start;
		mn += w_start;
		if (m < sav_months)
			acc[FU_PHYSICAL] += saving;
		{
			uint64_t o = iapt_rng_next64(s->r); /* both from one output */
			u_h = iapt_rng__hi(o);
			u_e = iapt_rng__lo(o);
		}
		fu_step(s, &t, u_h, u_e, util_ill, util_well);
		fu_step(s, &n, u_h, u_e, util_ill, util_well);
		if (!same_flows(&t, &tb)) {
			book(s, p, &tb, &mt, 1, acc);
			tb = t;
		}
		if (!same_flows(&n, &nb)) {
			book(s, p, &nb, &mn, -1, acc);
			nb = n;
		}
		mt += 1 - w_start;
		mn += 1 - w_start;
	}
	if (ly >= 0) {
		book(s, p, &tb, &mt, 1, acc);
		book(s, p, &nb, &mn, -1, acc);
		flush(s, ly, cohort, p, acc);
	}
}

/* ---- follow-up on a hand-made cohort, for tests ---- */

int iapt_engine__follow_up_cohort(const iapt_scenario *sc, const iapt_fu_case *c, int n, iapt_counters *ct)
{
	sim s;
	person p;
	person_ext x;
	int rc, k;
	iapt_run_stats st;
	memset(&s, 0, sizeof s);
	memset(&st, 0, sizeof st);
	s.sc = sc;
	s.params = sc->params;
	s.key_rep = iapt_rng__key_rep(sc->seed, 0);
	s.ct = ct;
	s.stats = &st;
	s.n_years = ct->n_years;
	s.n_services = 1;
	s.people = &p; /* the one person, so a flow finds their IMD quintile */
	s.ext = &x;
	s.n_people = 1;
	memset(&x, 0, sizeof x);
	x.imd = (uint8_t)(c->imd > 0 ? c->imd : 1);
	if ((rc = iapt_engine__money_factors(sc, s.money)))
		return rc;
	if ((rc = iapt_rng_new(&s.r, 0)))
		return rc;
	if ((rc = iapt_engine__load_year(&s, sc->first_year))) {
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
		p.emp = (uint8_t)emp_status(c->employment);
		p.sick_start = c->employment == EMP_SICK_PAY;
		p.emp_tx = p.emp_nat = (uint8_t)c->employment;
		p.ltc = (uint8_t)(c->ltc & 1);
		p.integrated = p.ltc && k < (int)floor(P(&s, LTC_INTEGRATED) * n + 0.5);
		iapt_engine__follow_up(&s, &p, 0, 0);
	}
	gsl_rng_free(s.r);
	return IAPT_OK;
}

