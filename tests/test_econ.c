/* Economics: prices, discounting and appraisal against figures worked out by hand; the
 * ledger's conservation on a real run; follow-up mechanisms on small seeded cohorts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "iaptsim/econ.h"
#include "iaptsim/error.h"
#include "iaptsim/scenario.h"
#include "check_main.h"

#define REL(a, b) (fabs((double)(a) - (double)(b)) <= 1e-9 * fabs((double)(b)))
#define ck_rel(a, b) ck_assert_msg(REL(a, b), "%s = %.17g, expected %.17g", #a, (double)(a), (double)(b))

static iapt_scenario *scenario(const char *text)
{
	iapt_scenario *sc;
	int rc = iapt_scenario_parse(&sc, text, strlen(text), "t.yaml");
	ck_assert_msg(rc == 0, "%s", iapt_error_last()->message);
	return sc;
}

/* ---- discounting ---- */

START_TEST(green_book_declines_after_year_30)
{
	iapt_econ_settings e;
	iapt_econ_defaults(&e);
	ck_assert_str_eq(e.discount, "green_book");
	ck_assert(iapt_discount_factor(&e.costs, 0) == 1.0);
	ck_rel(iapt_discount_factor(&e.costs, 1), 1 / 1.035);
	/* 1.035^-30, then a year at 3.0%, and at 2.5% from year 76 (computed independently) */
	ck_rel(iapt_discount_factor(&e.costs, 30), 0.35627841060230236);
	ck_rel(iapt_discount_factor(&e.costs, 31), 0.3459013695167984);
	ck_rel(iapt_discount_factor(&e.costs, 76), 0.0919158756845771);
	/* health: 1.5% to year 30, 1.29% from 31 */
	ck_rel(iapt_discount_factor(&e.health, 31), 0.6316146015465401);
	ck_assert_int_eq(iapt_econ_discount_preset(&e, "nice"), 0);
	ck_rel(iapt_discount_factor(&e.costs, 10), 0.7089188137097722);
	ck_rel(iapt_discount_factor(&e.health, 10), 0.7089188137097722);
	ck_assert_int_eq(iapt_econ_discount_preset(&e, "treasury"), IAPT_EINVAL);
}
END_TEST

START_TEST(custom_schedule_from_yaml)
{
	iapt_scenario *sc = scenario("iaptsim: 1\nname: x\nyears: 2019\neconomics:\n"
				     "  discount: {costs: {0: 0.05, 2: 0.01}, health: 0}\n  price_year: 2015-16\n");
	ck_assert_str_eq(sc->econ.discount, "custom");
	ck_rel(iapt_discount_factor(&sc->econ.costs, 1), 1 / 1.05);
	ck_rel(iapt_discount_factor(&sc->econ.costs, 3), 1 / (1.05 * 1.01 * 1.01));
	ck_assert(iapt_discount_factor(&sc->econ.health, 40) == 1.0);
	ck_assert_int_eq(sc->econ.price_year, 2015);
	iapt_scenario_free(sc);
}
END_TEST

/* ---- prices ---- */

START_TEST(price_index)
{
	double l, v;
	int first, last;
	iapt_price_index_info(&first, &last, NULL, NULL);
	ck_assert_int_eq(first, 2008);
	ck_assert_int_eq(last, 2024);
	ck_assert_int_eq(iapt_price_level(2019, &l), 0);
	ck_assert(l == 1.0);
	/* 2018-19 -> 2019-20: +2.14% (NHSCII) */
	ck_assert_int_eq(iapt_price_convert(100, 2018, 2019, &v), 0);
	ck_rel(v, 102.14);
	/* 2009-10 -> 2019-20: the product of ten years' changes */
	ck_assert_int_eq(iapt_price_convert(1, 2009, 2019, &v), 0);
	ck_rel(v, 1.030 * 1.021 * 1.017 * 1.011 * 1.009 * 1.0040 * 1.0209 * 1.0124 * 1.0160 * 1.0214);
	ck_assert_int_eq(iapt_price_level(2007, &l), IAPT_ERANGE);
	ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, "2008-09 to 2024-25"));
	ck_assert_int_eq(iapt_unit_price_year("GBP 2009-10"), 2009);
	ck_assert_int_eq(iapt_unit_price_year("GBP/month 2021-22"), 2021);
	ck_assert_int_eq(iapt_unit_price_year("proportion"), 0);
}
END_TEST

/* The index in core/econ/econ.c is the one in data/nhs_cost_inflation.csv, year by year. */
START_TEST(price_index_matches_data_file)
{
	FILE *f = fopen(IAPT_TEST_DATA "/../../data/nhs_cost_inflation.csv", "r");
	char line[512];
	int rows = 0, y, y2;
	double pct, prev, cur;
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		ck_assert_int_eq(sscanf(line, "%d-%d,%lf,", &y, &y2, &pct), 3);
		ck_assert_int_eq(iapt_price_level(y - 1, &prev), 0);
		ck_assert_int_eq(iapt_price_level(y, &cur), 0);
		ck_assert_msg(fabs(cur / prev - 1 - pct / 100) < 1e-12, "%d: index change %.6f%%, data file %.6f%%", y,
			      100 * (cur / prev - 1), pct);
		rows++;
	}
	fclose(f);
	ck_assert_int_eq(rows, 16);
}
END_TEST

/* The GDP deflator in core/econ/econ.c is the one in data/gdp_deflator.csv, year by year. */
START_TEST(gdp_deflator_matches_data_file)
{
	FILE *f = fopen(IAPT_TEST_DATA "/../../data/gdp_deflator.csv", "r");
	char line[512];
	int rows = 0, y, y2, first, last;
	double pct, prev, cur;
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		ck_assert_int_eq(sscanf(line, "%d-%d,%lf,", &y, &y2, &pct), 3);
		ck_assert_int_eq(iapt_gdp_deflator_level(y - 1, &prev), 0);
		ck_assert_int_eq(iapt_gdp_deflator_level(y, &cur), 0);
		ck_assert_msg(fabs(cur / prev - 1 - pct / 100) < 1e-12, "%d: deflator change %.6f%%, data file %.6f%%", y,
			      100 * (cur / prev - 1), pct);
		rows++;
	}
	fclose(f);
	iapt_gdp_deflator_info(&first, &last, NULL);
	ck_assert_int_eq(rows, last - first);
}
END_TEST

/* Cash terms by hand, price year 2019-20: GBP 1 of 2021-22 spending outside the NHS is
 * 1.0523 x 1.0024 in cash (GDP deflator +5.23% in 2020-21, +0.24% in 2021-22); inside the NHS
 * 1.0249 x 1.0258 (NHS index +2.49%, +2.58%); after the last published year, 2% a year. */
START_TEST(cash_factor_by_hand)
{
	double f;
	ck_assert_int_eq(iapt_price_cash_factor(IAPT_PAYER_HMRC, 2021, 2019, &f), 0);
	ck_rel(f, 1.0523 * 1.0024);
	ck_assert_int_eq(iapt_price_cash_factor(IAPT_PAYER_DWP, 2021, 2019, &f), 0);
	ck_rel(f, 1.0523 * 1.0024);
	ck_assert_int_eq(iapt_price_cash_factor(IAPT_PAYER_NHS, 2021, 2019, &f), 0);
	ck_rel(f, 1.0249 * 1.0258);
	ck_assert_int_eq(iapt_price_cash_factor(IAPT_PAYER_INDIVIDUALS, 2019, 2019, &f), 0);
	ck_assert(f == 1);
	/* 2024-25 to 2026-27: two projected years */
	ck_assert_int_eq(iapt_price_cash_factor(IAPT_PAYER_EMPLOYERS, 2026, 2024, &f), 0);
	ck_rel(f, 1.02 * 1.02);
	ck_assert_int_eq(iapt_price_cash_factor(IAPT_PAYER_NHS, 2026, 2024, &f), 0);
	ck_rel(f, 1.02 * 1.02);
	/* back in time: 2019-20 prices in 2018-19 cash */
	ck_assert_int_eq(iapt_price_cash_factor(IAPT_PAYER_HMRC, 2018, 2019, &f), 0);
	ck_rel(f, 1 / 1.0264);
	ck_assert_int_eq(iapt_price_cash_factor(IAPT_PAYER_HMRC, 2007, 2019, &f), IAPT_ERANGE);
	ck_assert_str_eq(iapt_error_last()->message, "year 2007-08 is before the price series' first year, 2008-09");
	ck_assert_int_eq(iapt_price_cash_factor(9, 2019, 2019, &f), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, "payer 9 is not one of the 5 payers");
}
END_TEST

/* Every money cell has one payer: transfers sit with HMRC or DWP on the Exchequer's side and
 * with individuals or employers on the other; employer NI is the employers' cost. */
START_TEST(payers)
{
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS), IAPT_PAYER_NHS);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_INTEGRATION, IAPT_PERSP_NHS), IAPT_PAYER_NHS);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_PHYSICAL_HEALTH, IAPT_PERSP_NHS), IAPT_PAYER_NHS);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER), IAPT_PAYER_DWP);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_EMPLOYMENT_SUPPORT, IAPT_PERSP_EXCHEQUER), IAPT_PAYER_DWP);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_INCOME_TAX, IAPT_PERSP_EXCHEQUER), IAPT_PAYER_HMRC);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_EMPLOYEE_NI, IAPT_PERSP_EXCHEQUER), IAPT_PAYER_HMRC);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_EMPLOYER_NI, IAPT_PERSP_EXCHEQUER), IAPT_PAYER_HMRC);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_EMPLOYER_NI, IAPT_PERSP_SOCIETAL), IAPT_PAYER_EMPLOYERS);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_SICKNESS_ABSENCE, IAPT_PERSP_SOCIETAL), IAPT_PAYER_EMPLOYERS);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_INCOME_TAX, IAPT_PERSP_SOCIETAL), IAPT_PAYER_INDIVIDUALS);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_EMPLOYEE_NI, IAPT_PERSP_SOCIETAL), IAPT_PAYER_INDIVIDUALS);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_EARNINGS, IAPT_PERSP_SOCIETAL), IAPT_PAYER_INDIVIDUALS);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_BENEFITS, IAPT_PERSP_SOCIETAL), IAPT_PAYER_INDIVIDUALS);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT_QALYS, IAPT_PERSP_NHS), -1);
	ck_assert_int_eq(iapt_econ_payer(IAPT_CAT__COUNT, IAPT_PERSP_NHS), -1);
	ck_assert_str_eq(iapt_payer_name(IAPT_PAYER_HMRC), "hmrc");
	ck_assert_str_eq(iapt_category_name(IAPT_CAT_EMPLOYER_NI), "employer_ni");
	ck_assert(iapt_category_is_programme_cost(IAPT_CAT_INTEGRATION));
	ck_assert(!iapt_category_is_programme_cost(IAPT_CAT_INCOME_TAX));
}
END_TEST

/* ---- appraisal on a ledger written by hand ---- */

#define F(f, y, c, t) f[((size_t)(y) * IAPT_CAT__COUNT + (size_t)(c)) * IAPT_PERSP__COUNT + (size_t)(t)]

static void hand_ledger(double *f)
{
	int y;
	memset(f, 0, 3 * IAPT_CAT__COUNT * IAPT_PERSP__COUNT * sizeof *f);
	F(f, 0, IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS) = -1000;
	for (y = 1; y <= 2; y++) {
		F(f, y, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER) = 300;
		F(f, y, IAPT_CAT_BENEFITS, IAPT_PERSP_SOCIETAL) = -300;
		F(f, y, IAPT_CAT_INCOME_TAX, IAPT_PERSP_EXCHEQUER) = 100;
		F(f, y, IAPT_CAT_INCOME_TAX, IAPT_PERSP_SOCIETAL) = -100;
		F(f, y, IAPT_CAT_EMPLOYEE_NI, IAPT_PERSP_EXCHEQUER) = 60;
		F(f, y, IAPT_CAT_EMPLOYEE_NI, IAPT_PERSP_SOCIETAL) = -60;
		F(f, y, IAPT_CAT_EMPLOYER_NI, IAPT_PERSP_EXCHEQUER) = 40;
		F(f, y, IAPT_CAT_EMPLOYER_NI, IAPT_PERSP_SOCIETAL) = -40;
		F(f, y, IAPT_CAT_EARNINGS, IAPT_PERSP_SOCIETAL) = 800;
		F(f, y, IAPT_CAT_PHYSICAL_HEALTH, IAPT_PERSP_NHS) = 100;
		F(f, y, IAPT_CAT_QALYS, IAPT_PERSP_NHS) = 0.1;
	}
}

START_TEST(appraisal_by_hand)
{
	iapt_econ_settings e;
	double f[3 * IAPT_CAT__COUNT * IAPT_PERSP__COUNT], *o, *nhs, *ex, *soc;
	int n;
	char name[64];
	iapt_econ_defaults(&e);
	iapt_econ_discount_preset(&e, "nice");
	e.qaly_value = 60000;
	e.qaly_value_year = e.price_year;
	e.n_thresholds = 1;
	e.thresholds[0] = 20000;
	n = iapt_econ_measure_count(&e);
	ck_assert_str_eq(iapt_econ_measure_name(&e, IAPT_E__FIXED, name), "nmb_20000");
	ck_assert_str_eq(iapt_econ_measure_name(&e, IAPT_E__FIXED + 1, name), "pv:therapy_sessions");
	o = malloc((size_t)n * IAPT_PERSP__COUNT * sizeof *o);
	hand_ledger(f);
	ck_assert_int_eq(iapt_econ_appraise(&e, f, 3, o), 0);
	nhs = o;
	ex = o + n;
	soc = o + 2 * n;
	/* d1 = 1/1.035, d2 = d1^2. NHS: costs 1000, savings 100 (d1 + d2), QALYs 0.1 (d1 + d2) */
	ck_rel(nhs[IAPT_E_PV_COSTS], 1000);
	ck_rel(nhs[IAPT_E_PV_BENEFITS], 189.969427524563);
	ck_rel(nhs[IAPT_E_QALYS], 0.18996942752456303);
	ck_rel(nhs[IAPT_E_COST_PER_QALY], 4264.004914004913);
	ck_rel(nhs[IAPT_E_NMB_FIRST], 2989.3579780158234);
	ck_assert(isnan(nhs[IAPT_E_PAYBACK_YEARS])); /* never back in 3 years */
	/* Exchequer: + benefits 300 + tax 200 (income tax 100, NI 60 and 40) a year; pays back 420.29 into year 2's 560.11 */
	ck_rel(ex[IAPT_E_PV_BENEFITS], 1139.816565147378);
	ck_rel(ex[IAPT_E_BCR], 1.139816565147378);
	ck_rel(ex[IAPT_E_NPV], 139.81656514737801);
	ck_rel(ex[IAPT_E_PAYBACK_YEARS], 2.750375);
	/* Societal: transfers cancel; earnings 800; QALYs valued at 60,000 */
	ck_rel(soc[IAPT_E_PV_BENEFITS], 13107.89049919485);
	ck_rel(soc[IAPT_E_BCR], 13.10789049919485);
	ck_rel(soc[IAPT_E_PAYBACK_YEARS], 1.15);
	ck_assert(soc[IAPT_E__FIXED + 1 + IAPT_CAT_BENEFITS] == 0);
	ck_assert(soc[IAPT_E__FIXED + 1 + IAPT_CAT_INCOME_TAX] == 0);
	ck_assert(soc[IAPT_E__FIXED + 1 + IAPT_CAT_EMPLOYEE_NI] == 0);
	ck_assert(soc[IAPT_E__FIXED + 1 + IAPT_CAT_EMPLOYER_NI] == 0);
	/* optimism bias uplifts programme costs only */
	e.optimism_bias = 0.2;
	ck_assert_int_eq(iapt_econ_appraise(&e, f, 3, o), 0);
	ck_rel(ex[IAPT_E_PV_COSTS], 1200);
	ck_rel(ex[IAPT_E_BCR], 1139.816565147378 / 1200);
	free(o);
}
END_TEST

START_TEST(appraisal_crossing_year_30)
{
	iapt_econ_settings e;
	double f[40 * IAPT_CAT__COUNT * IAPT_PERSP__COUNT], o[64 * IAPT_PERSP__COUNT];
	int n;
	iapt_econ_defaults(&e);
	n = iapt_econ_measure_count(&e);
	memset(f, 0, sizeof f);
	F(f, 0, IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS) = -100;
	F(f, 31, IAPT_CAT_PHYSICAL_HEALTH, IAPT_PERSP_NHS) = 1000;
	F(f, 31, IAPT_CAT_QALYS, IAPT_PERSP_NHS) = 1;
	ck_assert_int_eq(iapt_econ_appraise(&e, f, 40, o), 0);
	ck_rel(o[IAPT_E_PV_BENEFITS], 345.9013695167984);
	ck_rel(o[IAPT_E_QALYS], 0.6316146015465401);
	ck_rel(o[IAPT_E_BCR], 3.459013695167984);
	/* cumulative -100 until year 31, whose 345.90 pays it back 100/345.90 into the year */
	ck_rel(o[IAPT_E_PAYBACK_YEARS], 31 + 100 / 345.9013695167984);
	(void)n;
}
END_TEST

/* ---- the ledger of a real run adds up ---- */

static const char *small_run =
	"iaptsim: 1\nname: small\nyears: [2019, 2020]\nseed: 11\nreplicates: 2\npopulation_scale: 0.01\n"
	"parameters:\n  ltc.integrated_share: 0.5\n  workforce.li_trainees: {2019: 300, 2020: 0}\n"
	"economics:\n  discount: {costs: 0, health: 0}\n";

START_TEST(ledger_conservation)
{
	iapt_scenario *sc = scenario(small_run);
	iapt_results *res;
	const iapt_econ_settings *e;
	int rep, p, c, t, y, co, n_ly, m, n;
	ck_assert_int_eq(iapt_sim_run(&res, sc, NULL), 0);
	e = iapt_results_econ_settings(res);
	n = iapt_econ_measure_count(e);
	n_ly = iapt_results_ledger_years(res);
	ck_assert_int_eq(n_ly, 2 + 5 + 2);
	for (rep = 0; rep < 2; rep++) {
		for (p = 0; p < IAPT_PERSP__COUNT; p++) {
			double cost = 0, money = 0, qaly = 0, cat_sum = 0;
			for (y = 0; y < n_ly; y++)
				for (co = 2019; co <= 2020; co++)
					for (c = 0; c < IAPT_CAT__COUNT; c++)
						for (t = 0; t <= p; t++) {
							double v = iapt_results_ledger(res, rep, 2019 + y, co, c, t);
							ck_assert(isfinite(v));
							if (c == IAPT_CAT_QALYS)
								qaly += v;
							else if (iapt_category_is_programme_cost(c))
								cost -= v;
							else
								money += v;
						}
			/* undiscounted: present values are the plain sums of the tagged flows */
			ck_assert(fabs(iapt_results_econ(res, rep, p, IAPT_E_PV_COSTS) - cost) <= 1e-6 * cost);
			ck_assert(fabs(iapt_results_econ(res, rep, p, IAPT_E_NET_COST) - (cost - money)) <= 1e-6 * cost);
			ck_assert(fabs(iapt_results_econ(res, rep, p, IAPT_E_QALYS) - qaly) <= 1e-9 * fabs(qaly) + 1e-9);
			/* category present values add up to money benefits less costs */
			for (m = IAPT_E__FIXED + e->n_thresholds; m < n; m++)
				cat_sum += iapt_results_econ(res, rep, p, m);
			ck_assert(fabs(cat_sum - (money - cost)) <= 1e-6 * cost);
			ck_assert(cost > 0);
		}
		/* transfers net to zero for society in every cell; societal-only flows are not
		 * the Exchequer's */
		for (y = 0; y < n_ly; y++)
			for (co = 2019; co <= 2020; co++) {
				double b = 0, tx[3] = {0, 0, 0};
				for (t = 0; t < IAPT_PERSP__COUNT; t++) {
					b += iapt_results_ledger(res, rep, 2019 + y, co, IAPT_CAT_BENEFITS, t);
					tx[0] += iapt_results_ledger(res, rep, 2019 + y, co, IAPT_CAT_INCOME_TAX, t);
					tx[1] += iapt_results_ledger(res, rep, 2019 + y, co, IAPT_CAT_EMPLOYEE_NI, t);
					tx[2] += iapt_results_ledger(res, rep, 2019 + y, co, IAPT_CAT_EMPLOYER_NI, t);
				}
				ck_assert(fabs(b) < 1e-6 && fabs(tx[0]) < 1e-6 && fabs(tx[1]) < 1e-6 && fabs(tx[2]) < 1e-6);
			}
		/* training spend is in its year, and only there */
		ck_assert(iapt_results_ledger(res, rep, 2019, 2019, IAPT_CAT_TRAINING, IAPT_PERSP_NHS) < 0);
		ck_assert(iapt_results_ledger(res, rep, 2020, 2020, IAPT_CAT_TRAINING, IAPT_PERSP_NHS) == 0);
	}
	ck_assert(isnan(iapt_results_ledger(res, 0, 2018, 2019, 0, 0)));
	ck_assert(isnan(iapt_results_ledger(res, 0, 2019, 2021, 0, 0)));
	iapt_results_free(res);
	iapt_scenario_free(sc);
}
END_TEST

/* ---- follow-up mechanisms on hand-made cohorts ---- */

/* No transitions unless a test turns them on; price year 2013-14, so physical-health
 * costs (given in 2013-14 prices) need no conversion. */
static const char *fu_base =
	"iaptsim: 1\nname: fu\nyears: 2019\nseed: 3\neconomics: {price_year: 2013, accrual: start}\nparameters:\n"
	"  followup.years: 2\n"
	"  followup.remission_monthly_first_3m: 0\n"
	"  followup.remission_monthly_3_6m: 0\n"
	"  followup.remission_monthly_6_36m: 0\n"
	"  followup.remission_monthly_after_3y: 0\n"
	"  followup.relapse_12m_li: 0\n"
	"  followup.relapse_12m_hi: 0\n"
	"  followup.relapse_annual_after_first_year: 0\n"
	"  employment.find_work_monthly_ill: 0\n"
	"  employment.find_work_monthly_well: 0\n"
	"  employment.lose_work_monthly_ill: 0\n"
	"  employment.lose_work_monthly_well: 0\n"
	"  employment.sick_pay_start_monthly_ill: 0\n"
	"  employment.sick_pay_start_monthly_well: 0\n"
	"  employment.sick_pay_return_monthly_ill: 0\n"
	"  employment.sick_pay_return_monthly_well: 0\n"
	"  employment.sick_pay_to_benefit_monthly_ill: 0\n"
	"  employment.sick_pay_to_benefit_monthly_well: 0\n"
	"  employment.leave_labour_force_monthly: 0\n"
	"  employment.unemployed_to_sick_monthly_ill: 0\n"
	"  employment.unemployed_to_sick_monthly_well: 0\n"
	"  employment.unemployed_to_not_seeking_monthly: 0\n"
	"  employment.sick_find_work_monthly_ill: 0\n"
	"  employment.sick_find_work_monthly_well: 0\n"
	"  employment.sick_to_unemployed_monthly_ill: 0\n"
	"  employment.sick_to_unemployed_monthly_well: 0\n"
	"  employment.sick_to_not_seeking_monthly: 0\n"
	"  employment.not_seeking_find_work_monthly_ill: 0\n"
	"  employment.not_seeking_find_work_monthly_well: 0\n"
	"  employment.not_seeking_to_unemployed_monthly: 0\n";

typedef struct cohort {
	iapt_counters ct;
	iapt_scenario *sc;
} cohort;

static const char *fu_text; /* another base text than fu_base, or NULL */

static void run_cohort(cohort *h, const char *extra, const iapt_fu_case *c, int n)
{
	char line[256];
	const char *p = extra, *nl;
	h->sc = scenario(fu_text ? fu_text : fu_base);
	/* extra: "name=value" lines, applied like --set */
	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof line, "%.*s", (int)(nl - p), p);
		ck_assert_msg(iapt_params_assign(h->sc->params, line, "test") == 0, "%s", iapt_error_last()->message);
	}
	h->ct.n_years = 1;
	h->ct.n_ledger_years = 4;
	h->ct.c = calloc(IAPT_G__COUNT * IAPT_C__COUNT, sizeof(double));
	h->ct.ledger = calloc(IAPT_LEDGER_SIZE(4, 1), sizeof(double));
	ck_assert_int_eq(iapt_engine__follow_up_cohort(h->sc, c, n, &h->ct), 0);
}

static double total(const cohort *h, int cat, int tag)
{
	double v = 0;
	int y;
	for (y = 0; y < h->ct.n_ledger_years; y++)
		v += IAPT_LEDGER(&h->ct, y, 0, cat, tag);
	return v;
}

static void free_cohort(cohort *h)
{
	free(h->ct.c);
	free(h->ct.ledger);
	iapt_scenario_free(h->sc);
}

/* Depression, well on treatment (PHQ-9 3: utility 0.70), at caseness naturally (PHQ-9 15:
 * 0.52), no transitions: the gain is exactly 24 months x 0.18 / 12 QALYs each, and 24
 * months of GBP 2,000 / 12 of physical care for a person with an LTC. */
START_TEST(savings_without_relapse)
{
	iapt_fu_case c = {18, 14, 3, 3, 15, 12, 0, IAPT_EMP_NOT_SEEKING_WORK, 1, 0};
	cohort h;
	run_cohort(&h, "", &c, 10);
	ck_rel(total(&h, IAPT_CAT_QALYS, IAPT_PERSP_NHS), 10 * 24 * 0.18 / 12);
	ck_rel(total(&h, IAPT_CAT_PHYSICAL_HEALTH, IAPT_PERSP_NHS), 10 * 24 * 2000.0 / 12);
	ck_assert(total(&h, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER) == 0); /* not seeking work: no benefits */
	/* 12 months fall in each of the first two financial years */
	ck_rel(IAPT_LEDGER(&h.ct, 0, 0, IAPT_CAT_PHYSICAL_HEALTH, IAPT_PERSP_NHS), 10 * 12 * 2000.0 / 12);
	free_cohort(&h);
}
END_TEST

/* Integrated care: GBP 360 in the first 3 months (2019-20 prices, converted to 2013-14) and
 * an unemployed person in work at discharge when the employment gain is certain. */
START_TEST(integrated_care)
{
	iapt_fu_case c = {18, 14, 15, 12, 15, 12, 0, 1, 1, 0}; /* ill on both paths, unemployed */
	cohort h;
	double f;
	run_cohort(&h, "ltc.integrated_share=1\nltc.integrated_employment_gain=1\nmoney.earnings_annual=12000\n"
		       "money.income_tax_annual=700\nmoney.employee_ni_annual=300\nmoney.employer_ni_annual=200\n"
		       "money.benefits_annual=2400\n", &c, 5);
	iapt_price_convert(1, 2019, 2013, &f);
	ck_rel(total(&h, IAPT_CAT_PHYSICAL_HEALTH, IAPT_PERSP_NHS), 5 * 360 * f);
	/* in work for all 24 months on treatment, unemployed on the natural course */
	iapt_price_convert(1, 2019, 2013, &f);
	ck_rel(total(&h, IAPT_CAT_EARNINGS, IAPT_PERSP_SOCIETAL), 5 * 24 * 12000 * f / 12);
	/* the tax of GBP 1,200 a year, split: each part in its own category, and HMRC's three
	 * receipts add up to the single figure the ledger held before the split */
	ck_rel(total(&h, IAPT_CAT_INCOME_TAX, IAPT_PERSP_EXCHEQUER), 5 * 24 * 700 * f / 12);
	ck_rel(total(&h, IAPT_CAT_EMPLOYEE_NI, IAPT_PERSP_EXCHEQUER), 5 * 24 * 300 * f / 12);
	ck_rel(total(&h, IAPT_CAT_EMPLOYER_NI, IAPT_PERSP_EXCHEQUER), 5 * 24 * 200 * f / 12);
	ck_rel(total(&h, IAPT_CAT_INCOME_TAX, IAPT_PERSP_EXCHEQUER) + total(&h, IAPT_CAT_EMPLOYEE_NI, IAPT_PERSP_EXCHEQUER) +
		       total(&h, IAPT_CAT_EMPLOYER_NI, IAPT_PERSP_EXCHEQUER),
	       5 * 24 * 1200 * f / 12);
	ck_rel(total(&h, IAPT_CAT_EMPLOYER_NI, IAPT_PERSP_SOCIETAL), -5 * 24 * 200 * f / 12);
	ck_rel(total(&h, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER), 5 * 24 * 2400 * f / 12);
	ck_rel(total(&h, IAPT_CAT_BENEFITS, IAPT_PERSP_SOCIETAL), -5 * 24 * 2400 * f / 12);
	free_cohort(&h);
}
END_TEST

/* Integration with no saving and no employment gain changes nothing else: its draw has a
 * stream of its own, so relapse, remission and work take the same numbers with and
 * without it (common random numbers for a comparison of the two), person by person. */
START_TEST(integration_keeps_other_draws)
{
	iapt_fu_case c = {18, 14, 3, 3, 15, 12, 0, 1, 1, 0}; /* well on treatment, ill naturally, unemployed */
	const char *on = "followup.relapse_12m_li=0.53\nfollowup.remission_monthly_6_36m=0.035\n"
			 "employment.find_work_monthly_well=0.0445\nemployment.find_work_monthly_ill=0.01\n"
			 "physical.integrated_saving=0\nltc.integrated_employment_gain=0\n";
	char with[512];
	cohort a, b;
	int cat, y, t;
	snprintf(with, sizeof with, "%sltc.integrated_share=1\n", on);
	run_cohort(&a, on, &c, 2000);
	run_cohort(&b, with, &c, 2000);
	ck_assert(total(&a, IAPT_CAT_QALYS, IAPT_PERSP_NHS) > 0);
	ck_assert(total(&a, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER) > 0);
	for (cat = 0; cat < IAPT_CAT__COUNT; cat++)
		for (t = 0; t < IAPT_PERSP__COUNT; t++)
			for (y = 0; y < a.ct.n_ledger_years; y++)
				ck_assert_msg(IAPT_LEDGER(&a.ct, y, 0, cat, t) == IAPT_LEDGER(&b.ct, y, 0, cat, t),
					      "category %d, perspective %d, year %d differs with integration", cat, t, y);
	free_cohort(&a);
	free_cohort(&b);
}
END_TEST

/* Relapse after LI: the hazards are built so that 79% of 53% relapse by 6 months and 53% by
 * 12 (Ali et al. 2017), and at the annual later rate after. The expected QALY gain is
 * 0.18 / 12 x sum over months of the share still well, worked out here from those
 * figures; the cohort of 20,000 must land within 2% of it. */
START_TEST(relapse_matches_ali_2017)
{
	iapt_fu_case c = {18, 14, 3, 3, 15, 12, 0, 2, 0, 0};
	cohort h;
	double expect = 0, S = 1, got;
	int m;
	run_cohort(&h, "followup.relapse_12m_li=0.53\nfollowup.relapse_annual_after_first_year=0.352\n", &c, 20000);
	for (m = 0; m < 24; m++) {
		double S6 = 1 - 0.53 * 0.79, S12 = 1 - 0.53;
		expect += S;
		/* survival to the start of month m + 1 */
		if (m < 6)
			S = pow(S6, (m + 1) / 6.0);
		else if (m < 12)
			S = S6 * pow(S12 / S6, (m - 5) / 6.0);
		else
			S = S12 * pow(1 - 0.352, (m - 11) / 12.0);
	}
	expect *= 20000 * 0.18 / 12;
	got = total(&h, IAPT_CAT_QALYS, IAPT_PERSP_NHS);
	ck_assert_msg(fabs(got - expect) < 0.02 * expect, "QALYs %g, expected %g", got, expect);
	free_cohort(&h);
}
END_TEST

/* Employment: unemployed on both paths, well only on treatment, a 5% monthly chance of work
 * while well and none while ill: expected months in work = sum over m of 1 - 0.95^m. */
START_TEST(employment_while_well)
{
	iapt_fu_case c = {18, 14, 3, 3, 15, 12, 0, 1, 0, 0};
	cohort h;
	double months = 0, got, f;
	int m;
	run_cohort(&h, "employment.find_work_monthly_well=0.05\nmoney.benefits_annual=1200\nmoney.income_tax_annual=0\nmoney.employee_ni_annual=0\nmoney.employer_ni_annual=0\n",
		   &c, 20000);
	for (m = 0; m < 24; m++)
		months += 1 - pow(0.95, m);
	iapt_price_convert(1, 2019, 2013, &f);
	got = total(&h, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER) / (1200 * f / 12) / 20000;
	ck_assert_msg(fabs(got - months) < 0.02 * months, "months in work %g, expected %g", got, months);
	free_cohort(&h);
}
END_TEST

/* Same state on both paths: nothing to attribute, nothing in the ledger. */
/* Accrual: a month's flows in the state at its start, at its end, or half each. The paths
 * take the same transitions whatever the convention, so the middle is exactly the mean of
 * the two ends; with no transitions all three agree. */
static void run_accrual(cohort *h, const char *accrual, const char *extra, const iapt_fu_case *c, int n)
{
	char text[4096];
	const char *at = strstr(fu_base, "accrual: start");
	snprintf(text, sizeof text, "%.*saccrual: %s%s", (int)(at - fu_base), fu_base, accrual, at + strlen("accrual: start"));
	fu_text = text;
	run_cohort(h, extra, c, n);
	fu_text = NULL;
}

START_TEST(accrual_half_cycle)
{
	iapt_fu_case c = {18, 14, 3, 3, 15, 12, 0, 1, 1, 0};
	const char *on = "followup.relapse_12m_li=0.53\nfollowup.remission_monthly_6_36m=0.035\n"
			 "employment.find_work_monthly_well=0.0445\nemployment.find_work_monthly_ill=0.01\n";
	cohort a, m, e;
	int cat;
	iapt_scenario *sc;
	run_accrual(&a, "start", on, &c, 500);
	run_accrual(&m, "middle", on, &c, 500);
	run_accrual(&e, "end", on, &c, 500);
	ck_assert_int_eq(m.sc->econ.accrual, IAPT_ACCRUAL_MIDDLE);
	/* relapse makes the end of each month worse than its start on the treated path */
	ck_assert(total(&e, IAPT_CAT_QALYS, IAPT_PERSP_NHS) < total(&a, IAPT_CAT_QALYS, IAPT_PERSP_NHS));
	for (cat = 0; cat < IAPT_CAT__COUNT; cat++) {
		double want = (total(&a, cat, IAPT_PERSP_NHS) + total(&e, cat, IAPT_PERSP_NHS)) / 2 +
			      (total(&a, cat, IAPT_PERSP_EXCHEQUER) + total(&e, cat, IAPT_PERSP_EXCHEQUER)) / 2;
		double got = total(&m, cat, IAPT_PERSP_NHS) + total(&m, cat, IAPT_PERSP_EXCHEQUER);
		ck_assert_msg(fabs(got - want) <= 1e-9 * fmax(1, fabs(want)), "category %d: %.17g, expected %.17g", cat, got, want);
	}
	free_cohort(&a);
	free_cohort(&m);
	free_cohort(&e);
	/* no transitions: every convention gives 24 months x 0.18 / 12 */
	c.phq_last = 3;
	run_accrual(&e, "end", "", &c, 10);
	ck_rel(total(&e, IAPT_CAT_QALYS, IAPT_PERSP_NHS), 10 * 24 * 0.18 / 12);
	free_cohort(&e);
	/* the default, and a bad name */
	sc = scenario("iaptsim: 1\nname: x\nyears: 2019\n");
	ck_assert_int_eq(sc->econ.accrual, IAPT_ACCRUAL_MIDDLE);
	iapt_scenario_free(sc);
	ck_assert_int_eq(iapt_scenario_parse(&sc, "iaptsim: 1\nname: x\nyears: 2019\neconomics: {accrual: midle}\n", 59, "t.yaml"), IAPT_EINVAL);
	ck_assert_msg(strstr(iapt_error_last()->message, "t.yaml:4:22: economics.accrual: 'midle' is not one of start, middle, end") != NULL, "%s",
		      iapt_error_last()->message);
	ck_assert_str_eq(iapt_accrual_name(IAPT_ACCRUAL_END), "end");
}
END_TEST

START_TEST(no_difference_no_flows)
{
	iapt_fu_case c = {18, 14, 12, 9, 12, 9, 0, 1, 1, 0};
	cohort h;
	int k;
	run_cohort(&h, "employment.find_work_monthly_ill=0.2\nfollowup.remission_monthly_6_36m=0.05\n", &c, 100);
	for (k = 0; k < (int)IAPT_LEDGER_SIZE(4, 1); k++)
		ck_assert(h.ct.ledger[k] == 0);
	free_cohort(&h);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("econ");
	TCase *tc = tcase_create("econ");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, green_book_declines_after_year_30);
	tcase_add_test(tc, custom_schedule_from_yaml);
	tcase_add_test(tc, price_index);
	tcase_add_test(tc, price_index_matches_data_file);
	tcase_add_test(tc, gdp_deflator_matches_data_file);
	tcase_add_test(tc, cash_factor_by_hand);
	tcase_add_test(tc, payers);
	tcase_add_test(tc, appraisal_by_hand);
	tcase_add_test(tc, appraisal_crossing_year_30);
	tcase_add_test(tc, ledger_conservation);
	tcase_add_test(tc, savings_without_relapse);
	tcase_add_test(tc, integrated_care);
	tcase_add_test(tc, integration_keeps_other_draws);
	tcase_add_test(tc, relapse_matches_ali_2017);
	tcase_add_test(tc, employment_while_well);
	tcase_add_test(tc, no_difference_no_flows);
	tcase_add_test(tc, accrual_half_cycle);
	suite_add_tcase(s, tc);
	return s;
}
