/* Incremental analysis, ratios of means, acceptability with ties, payback and the number
 * formatter, on small tables worked by hand (comments give the arithmetic). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "iaptsim/iaptsim.h"

/* Four strategies, listed out of cost order: A (base) 0 / 0 QALYs; D 700 / 1.9; C 600 / 2;
 * B 200 / 0.5. D is strongly dominated by C (cheaper and more effective). By cost: A, B, C.
 * B against A: 200 / 0.5 = 400 per QALY; C against B: 400 / 1.5 = 266.67, less than 400, so
 * B is extendedly dominated. The frontier is A -> C at 600 / 2 = 300 per QALY. */
START_TEST(frontier_by_hand)
{
	static const double cost[4] = {0, 700, 600, 200}, effect[4] = {0, 1.9, 2, 0.5};
	iapt_cea_row r[4];
	ck_assert_int_eq(iapt_cea_frontier(cost, effect, 4, r), 0);
	ck_assert_int_eq(r[0].status, IAPT_CEA_FRONTIER);
	ck_assert_int_eq(r[0].comparator, -1);
	ck_assert(isnan(r[0].icer));
	ck_assert_int_eq(r[0].quadrant, IAPT_CEA_BASE);
	ck_assert_int_eq(r[1].status, IAPT_CEA_DOMINATED);
	ck_assert_int_eq(r[1].comparator, 2);
	ck_assert(isnan(r[1].icer));
	ck_assert_int_eq(r[2].status, IAPT_CEA_FRONTIER);
	ck_assert_int_eq(r[2].comparator, 0);
	ck_assert_double_eq_tol(r[2].icer, 300, 1e-9);
	ck_assert_int_eq(r[3].status, IAPT_CEA_EXT_DOMINATED);
	ck_assert_int_eq(r[3].comparator, 0);
	ck_assert_double_eq_tol(r[3].icer, 400, 1e-9);
	/* against the base every one is dearer and more effective; D's ratio 700 / 1.9 */
	ck_assert_int_eq(r[1].quadrant, IAPT_CEA_NORTH_EAST);
	ck_assert_double_eq_tol(r[1].icer_base, 700 / 1.9, 1e-9);
	ck_assert_str_eq(iapt_cea_status_name(r[3].status), "extendedly dominated");
	ck_assert_str_eq(iapt_cea_quadrant_name(r[1].quadrant), "north-east");
}
END_TEST

/* A longer frontier: A 0/0, B 100/1 (100 per QALY), C 250/1.5 (300), E 650/2.5 (400);
 * F 500/1.6 is extendedly dominated (against C: 250 / 0.1 = 2,500 > E's 400 from C). */
START_TEST(frontier_chain)
{
	static const double cost[5] = {0, 100, 250, 650, 500}, effect[5] = {0, 1, 1.5, 2.5, 1.6};
	iapt_cea_row r[5];
	ck_assert_int_eq(iapt_cea_frontier(cost, effect, 5, r), 0);
	ck_assert_double_eq_tol(r[1].icer, 100, 1e-9);
	ck_assert_double_eq_tol(r[2].icer, 300, 1e-9);
	ck_assert_int_eq(r[3].comparator, 2);
	ck_assert_double_eq_tol(r[3].icer, 400, 1e-9);
	ck_assert_int_eq(r[4].status, IAPT_CEA_EXT_DOMINATED);
	ck_assert_int_eq(r[4].comparator, 2);
	ck_assert_double_eq_tol(r[4].icer, 2500, 1e-9);
}
END_TEST

/* Base X 1000 / 10; Y 600 / 8 saves 400 and loses 2: south-west, a willingness to accept of
 * 200 per QALY lost. P 900 / 10 is dominant, Q 1100 / 9 dominated, T the same as X: a tie.
 * The frontier is Y -> P at 300 / 2 = 150 per QALY; X, T and Q are dominated by P. */
START_TEST(quadrants_and_ties)
{
	static const double cost[5] = {1000, 600, 900, 1100, 1000}, effect[5] = {10, 8, 10, 9, 10};
	iapt_cea_row r[5];
	char buf[160];
	ck_assert_int_eq(iapt_cea_frontier(cost, effect, 5, r), 0);
	ck_assert_int_eq(r[1].quadrant, IAPT_CEA_SOUTH_WEST);
	ck_assert_double_eq_tol(r[1].icer_base, 200, 1e-9);
	ck_assert_int_eq(r[1].status, IAPT_CEA_FRONTIER);
	ck_assert_int_eq(r[1].comparator, -1);
	ck_assert_int_eq(r[2].quadrant, IAPT_CEA_DOMINANT);
	ck_assert_int_eq(r[3].quadrant, IAPT_CEA_DOMINATED_Q);
	ck_assert_int_eq(r[4].quadrant, IAPT_CEA_TIE);
	ck_assert_int_eq(r[4].tie_of, 0);
	/* X (and its twin) are dominated by P: same effect, cheaper */
	ck_assert_int_eq(r[0].status, IAPT_CEA_DOMINATED);
	ck_assert_int_eq(r[4].status, IAPT_CEA_DOMINATED);
	ck_assert_int_eq(r[0].comparator, 2);
	/* P against Y: 300 / 2 = 150 per QALY */
	ck_assert_int_eq(r[2].status, IAPT_CEA_FRONTIER);
	ck_assert_int_eq(r[2].comparator, 1);
	ck_assert_double_eq_tol(r[2].icer, 150, 1e-9);
	ck_assert_str_eq(iapt_format_icer(buf, sizeof buf, -400, -2), "saves GBP 200 per QALY lost (south-west: a willingness to accept)");
	ck_assert_str_eq(iapt_format_icer(buf, sizeof buf, -100, 0), "dominant: saves GBP 100 with no change in QALYs");
	ck_assert_str_eq(iapt_format_icer(buf, sizeof buf, 0, 0), "no difference");
}
END_TEST

/* Identical strategies on the frontier: the second is a tie of the first and shares its
 * status and ICER (100 / 1). */
START_TEST(tie_on_frontier)
{
	static const double cost[3] = {0, 100, 100}, effect[3] = {0, 1, 1};
	iapt_cea_row r[3];
	ck_assert_int_eq(iapt_cea_frontier(cost, effect, 3, r), 0);
	ck_assert_int_eq(r[2].tie_of, 1);
	ck_assert_int_eq(r[1].status, IAPT_CEA_FRONTIER);
	ck_assert_int_eq(r[2].status, IAPT_CEA_FRONTIER);
	ck_assert_double_eq_tol(r[2].icer, 100, 1e-9);
	ck_assert_int_eq(r[2].quadrant, IAPT_CEA_NORTH_EAST);
	ck_assert_int_eq(iapt_cea_frontier(cost, effect, 0, r), IAPT_EINVAL);
}
END_TEST

/* Costs 10, 20, 60 over QALYs 1, 2, 1: ratio of means 90 / 4 = 22.5 (the mean of the
 * ratios, 26.67, is not it); the ratios 10, 10, 60 give GSL's 2.5th percentile 10 and 97.5th
 * 10 + 0.95 x 50 = 57.5. */
START_TEST(ratio_of_means)
{
	static const double num[4] = {10, 20, 60, NAN}, den[4] = {1, 2, 1, 5};
	static const double n2[4] = {10, -5, -3, 4}, d2[4] = {1, 1, -1, -2};
	double scr[4];
	iapt_ratio r;
	iapt_cea_ratio(num, den, 4, scr, &r);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_double_eq_tol(r.ratio, 22.5, 1e-12);
	ck_assert_double_eq_tol(r.num, 30, 1e-12);
	ck_assert_double_eq_tol(r.den, 4.0 / 3, 1e-12);
	ck_assert_double_eq_tol(r.lo95, 10, 1e-12);
	ck_assert_double_eq_tol(r.hi95, 57.5, 1e-12);
	ck_assert_ptr_null(r.reason);
	ck_assert_double_eq(r.share_ne, 1);
	/* delta method: var num = 700, var den = 1/3, cov = -5, R = 22.5:
	 * (700 + 2 x 22.5 x 5 + 22.5^2 / 3) / 3 = 1093.75 / 3; its root over 4/3 */
	ck_assert_double_eq_tol(r.mcse, sqrt(1093.75 / 3) / (4.0 / 3), 1e-9);
	/* one point in each quadrant: the denominator changes sign, so no interval */
	iapt_cea_ratio(n2, d2, 4, scr, &r);
	ck_assert_double_eq_tol(r.ratio, 6.0 / -1, 1e-12);
	ck_assert(isnan(r.lo95) && isnan(r.hi95));
	ck_assert_ptr_nonnull(r.reason);
	ck_assert_double_eq(r.share_ne, 0.25);
	ck_assert_double_eq(r.share_se, 0.25);
	ck_assert_double_eq(r.share_sw, 0.25);
	ck_assert_double_eq(r.share_nw, 0.25);
	/* one replicate: a ratio, no interval */
	iapt_cea_ratio(num, den, 1, scr, &r);
	ck_assert_double_eq(r.ratio, 10);
	ck_assert(isnan(r.lo95));
	ck_assert_str_eq(r.reason, "one replicate: no interval");
}
END_TEST

/* Two identical strategies and a worse one: every draw is a tie, each gets 1/2, both are on
 * the acceptability frontier. */
START_TEST(ceac_ties_split)
{
	static const double cost[6] = {100, 200, 100, 200, 300, 300}, effect[6] = {1, 2, 1, 2, 0, 0};
	double p[3];
	int f[3];
	ck_assert_int_eq(iapt_cea_ceac(cost, effect, 3, 2, 20000, p, f), 0);
	ck_assert_double_eq(p[0], 0.5);
	ck_assert_double_eq(p[1], 0.5);
	ck_assert_double_eq(p[2], 0);
	ck_assert_int_eq(f[0], 1);
	ck_assert_int_eq(f[1], 1);
	ck_assert_int_eq(f[2], 0);
}
END_TEST

/* Payback years 1.5, never, 3.5, 2, never: median of 1.5, 2, 3.5 is 2; 3 of 5 pay back. */
START_TEST(payback_distribution)
{
	static const double y[5] = {1.5, NAN, 3.5, 2.0, NAN};
	double scr[5];
	iapt_payback p;
	iapt_cea_payback(y, 5, scr, &p);
	ck_assert_double_eq(p.median, 2);
	ck_assert_double_eq(p.share, 0.6);
	ck_assert_uint_eq(p.n_paying, 3);
	iapt_cea_payback(y + 1, 1, scr, &p);
	ck_assert(isnan(p.median));
	ck_assert_double_eq(p.share, 0);
}
END_TEST

/* The numbers the issue found in reports, as they are now written. */
START_TEST(formatter)
{
	char b[160];
	ck_assert_str_eq(iapt_format_number(b, sizeof b, 1694790), "1.69m");
	ck_assert_str_eq(iapt_format_number(b, sizeof b, 0.0048330192311184135), "0.00483");
	ck_assert_str_eq(iapt_format_number(b, sizeof b, 12.5), "12.5");
	ck_assert_str_eq(iapt_format_number(b, sizeof b, 20), "20");
	ck_assert_str_eq(iapt_format_number(b, sizeof b, 18413.4), "18,400");
	ck_assert_str_eq(iapt_format_number(b, sizeof b, -2.5e9), "-2.50bn");
	ck_assert_str_eq(iapt_format_money(b, sizeof b, -3.777e8), "-GBP 378m");
	ck_assert_str_eq(iapt_format_money(b, sizeof b, 14.6e6), "GBP 14.6m");
	ck_assert_str_eq(iapt_format_money(b, sizeof b, 18413.4), "GBP 18,400");
	ck_assert_str_eq(iapt_format_money(b, sizeof b, 950), "GBP 950");
	ck_assert_str_eq(iapt_format_count(b, sizeof b, 9912), "9,910");
	ck_assert_str_eq(iapt_format_count(b, sizeof b, 11436), "11,400");
	ck_assert_str_eq(iapt_format_count(b, sizeof b, 926.4), "926");
	ck_assert_str_eq(iapt_format_percent(b, sizeof b, 0.42), "42%");
	ck_assert_str_eq(iapt_format_percent(b, sizeof b, 0.005), "0.5%");
	ck_assert_str_eq(iapt_format_ratio(b, sizeof b, 0.7812), "0.78");
	ck_assert_str_eq(iapt_format_number(b, sizeof b, NAN), "n/a");
	ck_assert_str_eq(iapt_format_icer(b, sizeof b, 87.6e6, -4248), "dominated: costs GBP 87.6m more and loses 4,250 QALYs");
	ck_assert_str_eq(iapt_format_icer(b, sizeof b, -1e6, 0), "dominant: saves GBP 1.00m with no change in QALYs");
	ck_assert_str_eq(iapt_format_icer(b, sizeof b, 26.45e6, 1436.7), "GBP 18,400 per QALY gained");
	ck_assert_str_eq(iapt_format_icer(b, sizeof b, -5e6, 10), "dominant: saves GBP 5.00m and gains 10 QALYs");
	ck_assert(!strchr(iapt_format_number(b, sizeof b, 1e300), 'e'));
	ck_assert_str_eq(iapt_format_value(b, sizeof b, 1694790, 6), "1,694,790");
	ck_assert_str_eq(iapt_format_value(b, sizeof b, 0.0048330192311184135, 4), "0.004833");
	ck_assert_str_eq(iapt_format_value(b, sizeof b, 177, 6), "177");
	ck_assert_str_eq(iapt_format_value(b, sizeof b, -0.25, 6), "-0.25");
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cea");
	TCase *t = tcase_create("cea");
	tcase_add_test(t, frontier_by_hand);
	tcase_add_test(t, frontier_chain);
	tcase_add_test(t, quadrants_and_ties);
	tcase_add_test(t, tie_on_frontier);
	tcase_add_test(t, ratio_of_means);
	tcase_add_test(t, ceac_ties_split);
	tcase_add_test(t, payback_distribution);
	tcase_add_test(t, formatter);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
