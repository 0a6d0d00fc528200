/* Decision summaries against a small synthetic PSA table worked by hand (comments give
 * the arithmetic), and the tornado's order and switching values. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include <string.h>

#include "iaptsim/iaptsim.h"

/* Strategies A (do nothing), B, C; four draws, and a fifth with a NaN that must be skipped. */
#define NS 3
#define ND 5
static const double cost[NS * ND] = {
	0, 0, 0, 0, 0,
	100, 200, 150, 50, 1,
	300, 100, 400, 250, NAN,
};
static const double effect[NS * ND] = {
	0, 0, 0, 0, 0,
	0.01, 0.02, 0.005, 0.003, 1,
	0.02, 0.01, 0.03, 0.004, 1,
};

START_TEST(ceac_by_hand)
{
	double p[NS];
	/* lambda 10,000: NMB B = 0, 0, -100, -20; C = -100, 0, -100, -210. Draw 1: A and B tie
	 * (1/2 each); draw 2: all three tie (1/3 each); draws 3 and 4: A. So A (1/2 + 1/3 + 2) / 4,
	 * B (1/2 + 1/3) / 4, C (1/3) / 4 */
	ck_assert_int_eq(iapt_psa_ceac(cost, effect, NS, ND, 10000, p), 0);
	ck_assert_double_eq_tol(p[0], (0.5 + 1.0 / 3 + 2) / 4, 1e-12);
	ck_assert_double_eq_tol(p[1], (0.5 + 1.0 / 3) / 4, 1e-12);
	ck_assert_double_eq_tol(p[2], (1.0 / 3) / 4, 1e-12);
	/* lambda 20,000: B = 100, 200, -50, 10; C = 100, 100, 200, -170: B and C tie, B, C, B */
	ck_assert_int_eq(iapt_psa_ceac(cost, effect, NS, ND, 20000, p), 0);
	ck_assert_double_eq(p[0], 0);
	ck_assert_double_eq(p[1], 0.625);
	ck_assert_double_eq(p[2], 0.375);
	/* lambda 50,000: B = 400, 800, 100, 100; C = 700, 400, 1100, -50: C, B, C, B */
	ck_assert_int_eq(iapt_psa_ceac(cost, effect, NS, ND, 50000, p), 0);
	ck_assert_double_eq(p[1], 0.5);
	ck_assert_double_eq(p[2], 0.5);
}
END_TEST

START_TEST(evpi_by_hand)
{
	/* lambda 10,000: the best in every draw is A (0), and A is best on average: 0 */
	ck_assert_double_eq_tol(iapt_psa_evpi(cost, effect, NS, ND, 10000), 0, 1e-12);
	/* lambda 20,000: mean of maxima (100 + 200 + 200 + 10) / 4 = 127.5; best mean is B's
	 * (100 + 200 - 50 + 10) / 4 = 65: EVPI 62.5 */
	ck_assert_double_eq_tol(iapt_psa_evpi(cost, effect, NS, ND, 20000), 62.5, 1e-9);
	/* lambda 50,000: (700 + 800 + 1100 + 100) / 4 = 675; C's mean (700 + 400 + 1100 - 50) / 4
	 * = 537.5: EVPI 137.5 */
	ck_assert_double_eq_tol(iapt_psa_evpi(cost, effect, NS, ND, 50000), 137.5, 1e-9);
}
END_TEST

START_TEST(no_complete_draw)
{
	double c[2] = {NAN, 1}, e[2] = {1, NAN}, p[2];
	ck_assert_int_eq(iapt_psa_ceac(c, e, 2, 1, 1000, p), IAPT_EINVAL);
	ck_assert(isnan(iapt_psa_evpi(c, e, 2, 1, 1000)));
}
END_TEST

START_TEST(tornado_by_hand)
{
	iapt_oneway r[4] = {
		{"p1", 2, 1, 3, 4, -5, 15, 0, 0},       /* swing 20; crosses zero at 1 + 2 x 5/20 = 1.5 */
		{"p2", 0.5, 0, 1, 3, 3, 4, 0, 0},       /* swing 1; never crosses */
		{"p3", 0.3, 0.1, 0.5, 10, 30, -10, 0, 0}, /* swing 40; at 0.1 + 0.4 x 30/40 = 0.4 */
		{"p4", 7, 5, 9, 1, 10, -10, 0, 0},      /* swing 20 as p1, after it; at 7 */
	};
	size_t i;
	for (i = 0; i < 4; i++)
		iapt_oneway_finish(&r[i]);
	iapt_tornado_sort(r, 4);
	ck_assert_str_eq(r[0].name, "p3");
	ck_assert_str_eq(r[1].name, "p1");
	ck_assert_str_eq(r[2].name, "p4");
	ck_assert_str_eq(r[3].name, "p2");
	ck_assert_double_eq_tol(r[0].swing, 40, 1e-12);
	ck_assert_double_eq_tol(r[0].switching, 0.4, 1e-12);
	ck_assert_double_eq_tol(r[1].switching, 1.5, 1e-12);
	ck_assert_double_eq_tol(r[2].switching, 7, 1e-12);
	ck_assert(isnan(r[3].switching));
}
END_TEST

/* The engine runs each replicate with its draws: a fixed DNA rate of 0 leaves no missed
 * session, and the draws it reports are the scenario's. */
START_TEST(runs_use_the_draws)
{
	const char *text = "iaptsim: 1\nname: u\nyears: 2019\nseed: 2\nreplicates: 3\npopulation_scale: 0.005\n"
			   "parameters:\n  followup.years: 0\nuncertainty:\n  treatment.dna_rate: {dist: fixed, value: 0}\n"
			   "  treatment.effect_li: {dist: beta, mean: 0.086, sd: 0.02}\n";
	iapt_scenario *sc = NULL;
	iapt_results *res = NULL;
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	ro.threads = 2;
	double x[2];
	int r;
	ck_assert_int_eq(iapt_scenario_parse(&sc, text, strlen(text), "u.yaml"), 0);
	ck_assert_int_eq(iapt_sim_run(&res, sc, &ro), 0);
	for (r = 0; r < 3; r++) {
		ck_assert_int_eq(iapt_scenario_draw(sc, r, x), 0);
		ck_assert_double_eq(iapt_results_draw(res, r, 0), 0);
		ck_assert(iapt_results_draw(res, r, 1) == x[1]);
		ck_assert_double_eq(iapt_results_value(res, 2019, IAPT_G_ALL, IAPT_M_SESSIONS_MISSED, r), 0);
	}
	ck_assert(iapt_results_draw(res, 0, 1) != iapt_results_draw(res, 1, 1));
	iapt_results_free(res);
	iapt_scenario_free(sc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("psa");
	TCase *t = tcase_create("core");
	SRunner *r;
	int failed;
	tcase_add_test(t, ceac_by_hand);
	tcase_add_test(t, evpi_by_hand);
	tcase_add_test(t, no_complete_draw);
	tcase_add_test(t, tornado_by_hand);
	tcase_add_test(t, runs_use_the_draws);
	suite_add_tcase(s, t);
	r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
