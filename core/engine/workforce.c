/* Parameters by year and the workforce (docs/model.md, sections 2-3): checks of the
 * parameter combinations, prices, referrals, capacity from the workforce and its expansion
 * by training. */
#include <math.h>
#include <stdio.h>

#include "engine/casemix.h"
#include "engine/services.h"
#include "engine/state.h"
#include "scenario/uncertainty.h"

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

static double weight_sum(const iapt_params *p, size_t first, int n, int y)
{
	double t = 0;
	int i;
	for (i = 0; i < n; i++)
		t += iapt_casemix__param(p, first + (size_t)i, y);
	return t;
}

int iapt_engine__check_year(const iapt_params *p, int y)
{
	static const struct {
		size_t first;
		int n;
		const char *what;
	} weights[] = {
		{IAPT_P_POP_AGE_UNDER_16, N_AGE, "population.age_*"},
		{IAPT_P_POP_GENDER_FEMALE, N_GENDER, "population.gender_*"},
		{IAPT_P_POP_ETH_WHITE, N_ETH, "population.ethnicity_*"},
		{IAPT_P_POP_IMD_1, N_IMD, "population.imd_decile_*"},
		{IAPT_P_PROB_DEPRESSION, N_PROBLEM, "problem.*"},
		{IAPT_P_LTC_DIABETES, N_LTC_TYPE, "ltc.<condition>"},
	};
	double emp;
	size_t k;
	char lab[8];
	emp = iapt_params_get(p, IAPT_P_EMP_UNEMPLOYED, y) + iapt_params_get(p, IAPT_P_EMP_SICK, y) +
	      iapt_params_get(p, IAPT_P_EMP_NOT_SEEKING, y);
	iapt_year_label(y, lab);
	for (k = 0; k < sizeof weights / sizeof weights[0]; k++)
		if (weight_sum(p, weights[k].first, weights[k].n, y) <= 0)
			return iapt_error__set(IAPT_EINVAL, "%s: the %s weights sum to zero", lab, weights[k].what);
	if (emp > 1 + 1e-12)
		return iapt_error__set(IAPT_EINVAL,
				       "%s: employment.unemployed_share + employment.sick_or_disabled_share + "
				       "employment.not_seeking_work_share = %g, more than 1", lab, emp);
	return iapt_engine__check_emp_moves(p, y, lab);
}

int iapt_engine_check(const iapt_scenario *sc)
{
	int rc;
	iapt_error_clear();
	rc = iapt_engine__validate(sc);
	if (!rc) /* looking up parameter schedules leaves "not found" behind */
		iapt_error_clear();
	return rc;
}

/* The values that shape the run, with the bounds the parser enforces (iaptsim/scenario.h):
 * a program may change them after loading. */
static int check_run_fields(const iapt_scenario *sc)
{
	if (!sc || !sc->params)
		return iapt_error__set(IAPT_EINVAL, "no scenario (or one without parameters)");
	if (sc->replicates < 1 || sc->replicates > IAPT_SCENARIO_MAX_REPLICATES)
		return iapt_error__set(IAPT_ERANGE, "replicates: %d is out of range [1, %d]", sc->replicates,
				       IAPT_SCENARIO_MAX_REPLICATES);
	if (!(sc->population_scale > 0 && sc->population_scale <= IAPT_SCENARIO_MAX_SCALE))
		return iapt_error__set(IAPT_ERANGE, "population_scale: %g is out of range (0, %g]", sc->population_scale,
				       IAPT_SCENARIO_MAX_SCALE);
	if (sc->first_year < IAPT_SCENARIO_MIN_YEAR || sc->first_year > IAPT_SCENARIO_MAX_YEAR)
		return iapt_error__set(IAPT_ERANGE, "years: first year %d is out of range [%d, %d]", sc->first_year,
				       IAPT_SCENARIO_MIN_YEAR, IAPT_SCENARIO_MAX_YEAR);
	if (sc->last_year < IAPT_SCENARIO_MIN_YEAR || sc->last_year > IAPT_SCENARIO_MAX_YEAR)
		return iapt_error__set(IAPT_ERANGE, "years: last year %d is out of range [%d, %d]", sc->last_year,
				       IAPT_SCENARIO_MIN_YEAR, IAPT_SCENARIO_MAX_YEAR);
	if (sc->last_year < sc->first_year)
		return iapt_error__set(IAPT_ERANGE, "years: last year %d is before first year %d", sc->last_year, sc->first_year);
	if (sc->last_year - sc->first_year + 1 > IAPT_SCENARIO_MAX_YEARS)
		return iapt_error__set(IAPT_ERANGE, "years: %d years is more than the %d a run may cover",
				       sc->last_year - sc->first_year + 1, IAPT_SCENARIO_MAX_YEARS);
	return IAPT_OK;
}

/* x rounded up to two significant figures */
static double round_up(double x)
{
	double m = pow(10.0, floor(log10(x)) - 1);
	return ceil(x / m) * m;
}

/* A scale so small that a simulated year gets no referral leaves every rate undefined:
 * refuse it, naming the smallest scale that gives each year one (arrivals accumulate
 * over weeks, so scale x referrals in the year >= 1 gives at least one). */
static int check_scale_referrals(const iapt_scenario *sc, int from_year)
{
	int y, worst = 0;
	double least = HUGE_VAL;
	char lab[8];
	for (y = from_year; y <= sc->last_year; y++) {
		double r = referrals_in_year(sc->params, sc->first_year, y < sc->first_year ? sc->first_year : y);
		/* a year set to no referrals at all is the scenario's choice, not the scale's */
		if (r > 0 && r < least) {
			least = r;
			worst = y < sc->first_year ? sc->first_year : y;
		}
	}
	if (least < HUGE_VAL && least * sc->population_scale < 1.0)
		return iapt_error__set(IAPT_ERANGE,
				       "population_scale: %g gives %.3g referrals in %s, fewer than one; a scale of at least "
				       "%g gives one in every simulated year",
				       sc->population_scale, least * sc->population_scale, iapt_year_label(worst, lab),
				       round_up(1.0 / least));
	return IAPT_OK;
}

/* Factors that bring each money parameter (unit "GBP YYYY-YY") to the price year. */
int iapt_engine__money_factors(const iapt_scenario *sc, double *f)
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

/* The combinations hold wherever the uncertainty block's draws may fall, so that what check
 * passes the run runs: each parameter alone at either end of its draws, then all at their
 * lower and all at their upper ends (the checks are sums, monotone in each parameter). */
static int check_draws(const iapt_scenario *sc)
{
	size_t n = sc->n_uncertain, k, j;
	iapt_params *p = NULL;
	int end, y, rc = IAPT_OK;
	if (!n)
		return IAPT_OK;
	if ((rc = iapt_params_copy(&p, sc->params)))
		return rc;
	for (k = 0; !rc && k <= n; k++)
		for (end = 0; !rc && end < 2; end++) {
			for (j = 0; !rc && j < n; j++) {
				double lo, hi;
				if (k < n && j != k)
					continue;
				if (!(rc = iapt_uncertain__ends(sc, j, &lo, &hi)))
					rc = iapt_params_set_constant(p, sc->uncertain[j].param, end ? hi : lo, "uncertainty check");
			}
			for (y = sc->first_year; !rc && y <= sc->last_year; y++)
				if ((rc = iapt_engine__check_year(p, y))) {
					iapt_param_info in;
					iapt_params_info(p, sc->uncertain[k < n ? k : 0].param, &in);
					if (k < n)
						iapt_error__prefix("%s: uncertainty.%s: at the %s end of its draws", sc->uncertain[k].origin, in.name,
								   end ? "upper" : "lower");
					else
						iapt_error__prefix("%s: uncertainty: with every parameter at the %s end of its draws", sc->uncertain[0].origin,
								   end ? "upper" : "lower");
				}
			for (j = 0; !rc && j < n; j++) /* back to the scenario's values */
				rc = iapt_params_set_constant(p, sc->uncertain[j].param,
							      iapt_params_get(sc->params, sc->uncertain[j].param, sc->first_year),
							      "uncertainty check");
		}
	iapt_params_free(p);
	return rc;
}

int iapt_engine__validate(const iapt_scenario *sc)
{
	int y, rc, burn;
	double f[IAPT_P__COUNT];
	if ((rc = check_run_fields(sc)))
		return rc;
	{
		const iapt_services *t; /* the services table reads and checks (services.c) */
		if ((rc = iapt_services__for(sc, &t)) || (rc = iapt_services__check_policy(sc)) ||
		    (rc = iapt_services__check_plugin_options(sc)))
			return rc;
	}
	burn = (int)iapt_params_get(sc->params, IAPT_P_RUN_BURN_IN_YEARS, sc->first_year);
	for (y = sc->first_year - burn; y <= sc->last_year; y++)
		if ((rc = iapt_engine__check_year(sc->params, y < sc->first_year ? sc->first_year : y)))
			return rc;
	if ((rc = iapt_uncertain__check_fixed(sc)) || (rc = check_draws(sc)))
		return rc;
	if ((rc = check_scale_referrals(sc, sc->first_year - burn)))
		return rc;
	if ((rc = iapt_econ_check(&sc->econ)))
		return rc;
	return iapt_engine__money_factors(sc, f);
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

/* Workforce expansion in year y (docs/economics.md, Workforce expansion): trainees who started in year a
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

int iapt_engine__load_year(sim *s, int y)
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
	if (s->own_params && (k = iapt_engine__check_year(p, y)))
		return k;
	for (i = 0; i < IAPT_P__COUNT; i++)
		s->pv[i] = iapt_params_get(p, i, y) * s->money[i];
	iapt_casemix__apply(s->casemix, p, y, s->pv);
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
	iapt_engine__load_hazards(s);
	for (k = 0; k < N_AGE; k++)
		s->w_age[k] = s->pv[IAPT_P_POP_AGE_UNDER_16 + k];
	for (k = 0; k < N_GENDER; k++)
		s->w_gender[k] = s->pv[IAPT_P_POP_GENDER_FEMALE + k];
	for (k = 0; k < N_ETH; k++)
		s->w_eth[k] = s->pv[IAPT_P_POP_ETH_WHITE + k];
	for (k = 0; k < N_IMD; k++)
		s->w_imd[k] = s->pv[IAPT_P_POP_IMD_1 + k];
	for (k = 0; k < N_PROBLEM; k++)
		s->w_problem[k] = s->pv[IAPT_P_PROB_DEPRESSION + k];
	for (k = 0; k < N_LTC_TYPE; k++)
		s->w_ltc[k] = s->pv[IAPT_P_LTC_DIABETES + k];
	/* a plugin's referrals of a described group (ctx:refer_more) reweight the national mix
	 * before the services reweight it by their case mix */
	if (s->refer_mult)
		iapt_engine__refer_apply(s);
	iapt_services__load_year(s, y);
	return IAPT_OK;
}
