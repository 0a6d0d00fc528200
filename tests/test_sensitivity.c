/* Switching values refined with GSL's Brent solver against functions with known roots,
 * the outcome's name, and a one-way analysis of a small scenario. GSL's abort-on-error
 * handler is left on here: refinement must never trip it, whatever the outcome does. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iaptsim/iaptsim.h"
#include "iaptsim/sensitivity.h"

typedef struct counted {
	double (*g)(double);
	int calls, fail_at; /* fail_at: the call (1-based) that fails with IAPT_EINVAL; 0 never */
} counted;

static int outcome(void *data, double x, double *y)
{
	counted *c = data;
	if (++c->calls == c->fail_at)
		return IAPT_EINVAL;
	*y = c->g(x);
	return 0;
}

static double cubic(double x) { return x * x * x - 2; }
static double line(double x) { return 3 * x - 1; }
static double undefined(double x) { (void)x; return NAN; }

static iapt_oneway row_for(double (*g)(double), double low, double high)
{
	iapt_oneway r;
	memset(&r, 0, sizeof r);
	r.name = "x";
	r.low = low;
	r.high = high;
	r.y_low = g(low);
	r.y_high = g(high);
	iapt_oneway_finish(&r);
	return r;
}

START_TEST(refine_finds_a_cube_root)
{
	counted c = {cubic, 0, 0};
	iapt_oneway r = row_for(cubic, 0, 2);
	ck_assert_double_eq_tol(r.switching, 0.5, 1e-15); /* the line through (0, -2) and (2, 6) */
	ck_assert_int_eq(iapt_oneway_refine(&r, outcome, &c, 20), 0);
	ck_assert_msg(fabs(r.switching - cbrt(2)) < 1e-9, "switching %.17g after %d runs", r.switching, c.calls);
	ck_assert_int_le(c.calls, 20);
}
END_TEST

START_TEST(refine_keeps_to_its_budget)
{
	counted c = {cubic, 0, 0};
	iapt_oneway r = row_for(cubic, 0, 2);
	/* one run: Brent's first step is the secant, x = 0.5, f = -1.875; the estimate is the
	 * line through (0.5, -1.875) and (2, 6): 0.5 + 1.5 x 1.875 / 7.875 = 6/7 */
	ck_assert_int_eq(iapt_oneway_refine(&r, outcome, &c, 1), 0);
	ck_assert_int_eq(c.calls, 1);
	ck_assert_double_eq_tol(r.switching, 6.0 / 7.0, 1e-12);
}
END_TEST

START_TEST(refine_stops_at_a_root)
{
	counted c = {line, 0, 0};
	iapt_oneway r = row_for(line, 0, 1);
	/* a straight line: the first run lands on the root (to rounding), and no more are made */
	ck_assert_int_eq(iapt_oneway_refine(&r, outcome, &c, 5), 0);
	ck_assert_int_eq(c.calls, 1);
	ck_assert_double_eq_tol(r.switching, 1.0 / 3.0, 1e-15);
}
END_TEST

START_TEST(refine_does_nothing_without_a_crossing)
{
	counted c = {cubic, 0, 0};
	iapt_oneway r = row_for(cubic, 2, 3); /* 6 and 25: no crossing */
	ck_assert_int_eq(iapt_oneway_refine(&r, outcome, &c, 5), 0);
	ck_assert(isnan(r.switching));
	r = row_for(line, 1.0 / 3.0 + 1, 2); /* both positive */
	ck_assert_int_eq(iapt_oneway_refine(&r, outcome, &c, 5), 0);
	ck_assert(isnan(r.switching));
	r = row_for(cubic, 0, 2);
	r.y_low = 0; /* zero at an end: the switching value is that end, nothing to refine */
	iapt_oneway_finish(&r);
	ck_assert_int_eq(iapt_oneway_refine(&r, outcome, &c, 5), 0);
	ck_assert_double_eq(r.switching, 0);
	r = row_for(cubic, 0, 2);
	ck_assert_int_eq(iapt_oneway_refine(&r, outcome, &c, 0), 0); /* no budget */
	ck_assert_double_eq_tol(r.switching, 0.5, 1e-15);
	ck_assert_int_eq(c.calls, 0);
}
END_TEST

START_TEST(refine_reports_a_failed_run)
{
	counted c = {cubic, 0, 2};
	iapt_oneway r = row_for(cubic, 0, 2);
	ck_assert_int_eq(iapt_oneway_refine(&r, outcome, &c, 5), IAPT_EINVAL);
	ck_assert_int_eq(c.calls, 2);
	ck_assert_double_eq_tol(r.switching, 6.0 / 7.0, 1e-12); /* the estimate before the failure */
}
END_TEST

START_TEST(refine_stops_where_the_outcome_is_undefined)
{
	counted c = {undefined, 0, 0};
	iapt_oneway r = row_for(cubic, 0, 2);
	ck_assert_int_eq(iapt_oneway_refine(&r, outcome, &c, 5), 0);
	ck_assert_int_eq(c.calls, 1);
	ck_assert_double_eq_tol(r.switching, 0.5, 1e-15);
}
END_TEST

static const char small[] = "iaptsim: 1\nname: small\nyears: 2019\nseed: 11\nreplicates: 2\npopulation_scale: 0.005\n"
			    "uncertainty:\n  treatment.effect_li: {dist: normal, mean: 0.086, sd: 0.01}\n";

static iapt_scenario *load_small(void)
{
	iapt_scenario *sc = NULL;
	ck_assert_int_eq(iapt_scenario_parse(&sc, small, strlen(small), "small.yaml"), 0);
	return sc;
}

START_TEST(measure_names)
{
	iapt_scenario *sc = load_small();
	int t = -1, m = -1;
	char buf[64];
	ck_assert_int_eq(iapt_sensitivity_measure(sc, "societal:npv", &t, &m), 0);
	ck_assert_str_eq(iapt_perspective_name(t), "societal");
	ck_assert_str_eq(iapt_econ_measure_name(&sc->econ, m, buf), "npv");
	ck_assert_int_eq(iapt_sensitivity_measure(sc, "nhs:cost_per_qaly", &t, &m), 0);
	ck_assert_str_eq(iapt_perspective_name(t), "nhs");
	ck_assert_int_eq(m, IAPT_E_COST_PER_QALY);
	ck_assert_int_eq(iapt_sensitivity_measure(sc, "society:npv", &t, &m), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message,
			 "'society:npv' is not PERSPECTIVE:MEASURE of economics.csv (e.g. societal:npv, nhs:cost_per_qaly)");
	ck_assert_int_eq(iapt_sensitivity_measure(sc, "nhs", &t, &m), IAPT_EINVAL);
	ck_assert_int_eq(iapt_sensitivity_measure(sc, "nhs:npvv", &t, &m), IAPT_EINVAL);
	iapt_scenario_free(sc);
}
END_TEST

typedef struct seen {
	char what[8][64];
	int n;
} seen;

static void before_run(void *data, const char *what)
{
	seen *s = data;
	if (s->n < 8)
		snprintf(s->what[s->n], sizeof s->what[0], "%s", what);
	s->n++;
}

/* The mean exchequer NPV of sc with cost.li_session at x (without the uncertainty block, as
 * the analysis runs it). */
static double npv_at(iapt_scenario *sc, double x)
{
	iapt_params *saved = sc->params;
	size_t n_uncertain = sc->n_uncertain;
	iapt_results *res = NULL;
	size_t idx;
	double sum = 0;
	int k, n;
	ck_assert_int_eq(iapt_params_copy(&sc->params, saved), 0);
	ck_assert_int_eq(iapt_params_find(sc->params, "cost.li_session", &idx), 0);
	ck_assert_int_eq(iapt_params_set_constant(sc->params, idx, x, "test"), 0);
	sc->n_uncertain = 0;
	ck_assert_int_eq(iapt_sim_run(&res, sc, NULL), 0);
	sc->n_uncertain = n_uncertain;
	n = iapt_results_replicates(res);
	for (k = 0; k < n; k++)
		sum += iapt_results_econ(res, k, IAPT_PERSP_EXCHEQUER, IAPT_E_NPV);
	iapt_results_free(res);
	iapt_params_free(sc->params);
	sc->params = saved;
	return sum / n;
}

/* A runner of one's own (as an MPI distributor would be): counts, then runs. */
static int runs;
static int counting_run(iapt_results **out, const iapt_scenario *sc, const iapt_run_options *opt)
{
	runs++;
	return iapt_sim_run(out, sc, opt);
}

START_TEST(oneway_of_a_small_scenario)
{
	iapt_scenario *sc = load_small();
	const iapt_params *params = sc->params;
	iapt_oneway rows[2];
	iapt_sensitivity_options so;
	seen s;
	double y;
	memset(rows, 0, sizeof rows);
	memset(&so, 0, sizeof so);
	memset(&s, 0, sizeof s);
	rows[0].name = "cost.li_session";
	rows[0].low = 50;
	rows[0].high = 800;
	rows[1].name = "treatment.li_max_sessions"; /* a whole number: not refined */
	rows[1].low = 4;
	rows[1].high = 10;
	ck_assert_int_eq(iapt_sensitivity_measure(sc, "exchequer:npv", &so.perspective, &so.measure), 0);
	so.refine = 3;
	so.before_run = before_run;
	so.data = &s;
	so.run = counting_run;
	runs = 0;
	ck_assert_int_eq(iapt_sensitivity_oneway(sc, rows, 2, &so), 0);
	ck_assert_int_eq(runs, s.n); /* every run through the runner, each announced */
	ck_assert_int_ge(runs, 6);   /* base, two ends of each, at least one refining run */
	/* the scenario is as it was */
	ck_assert_ptr_eq(sc->params, params);
	ck_assert_uint_eq(sc->n_uncertain, 1);
	ck_assert_str_eq(s.what[0], "base");
	ck_assert_str_eq(s.what[1], "cost.li_session low");
	ck_assert_str_eq(s.what[2], "cost.li_session high");
	ck_assert_str_eq(s.what[3], "cost.li_session switching value");
	ck_assert_double_eq(rows[0].base, 99);
	ck_assert_double_eq(rows[0].y_base, rows[1].y_base);
	/* dearer sessions, a lower NPV, crossing zero between: the switching value is where it
	 * is zero, to rounding (the NPV is a straight line in the session cost) */
	ck_assert(rows[0].y_low > 0 && rows[0].y_high < 0);
	ck_assert_double_eq(rows[0].swing, rows[0].y_low - rows[0].y_high);
	ck_assert(rows[0].switching > 50 && rows[0].switching < 800);
	y = npv_at(sc, rows[0].switching);
	ck_assert_msg(fabs(y) < 1e-6 * rows[0].swing, "NPV %g at the switching value %.17g", y, rows[0].switching);
	ck_assert_double_eq(rows[0].y_low, npv_at(sc, 50));
	iapt_scenario_free(sc);
}
END_TEST

START_TEST(oneway_of_a_ratio_is_a_ratio_of_means)
{
	iapt_scenario *sc = load_small();
	iapt_results *res = NULL;
	iapt_oneway row;
	iapt_sensitivity_options so;
	size_t n_uncertain = sc->n_uncertain;
	double ben = 0, cost = 0, mean_of_ratios = 0;
	int k, n;
	memset(&row, 0, sizeof row);
	memset(&so, 0, sizeof so);
	row.name = "cost.li_session";
	row.low = 50;
	row.high = 800;
	ck_assert_int_eq(iapt_sensitivity_measure(sc, "exchequer:bcr", &so.perspective, &so.measure), 0);
	ck_assert_int_eq(iapt_sensitivity_oneway(sc, &row, 1, &so), 0);
	sc->n_uncertain = 0; /* as the analysis runs it */
	ck_assert_int_eq(iapt_sim_run(&res, sc, NULL), 0);
	sc->n_uncertain = n_uncertain;
	n = iapt_results_replicates(res);
	ck_assert_int_ge(n, 2);
	for (k = 0; k < n; k++) {
		double b = iapt_results_econ(res, k, IAPT_PERSP_EXCHEQUER, IAPT_E_PV_BENEFITS);
		double c = iapt_results_econ(res, k, IAPT_PERSP_EXCHEQUER, IAPT_E_PV_COSTS);
		ben += b;
		cost += c;
		mean_of_ratios += b / c / n;
	}
	iapt_results_free(res);
	/* Briggs, Claxton and Sculpher (2006), ch. 4: the ratio of the means, not the mean of
	 * the replicates' ratios (which differ here) */
	ck_assert_double_eq_tol(row.y_base, ben / cost, 1e-12 * ben / cost);
	ck_assert(fabs(mean_of_ratios - ben / cost) > 1e-9 * ben / cost);
	iapt_scenario_free(sc);
}
END_TEST

START_TEST(oneway_rejects_bad_rows)
{
	iapt_scenario *sc = load_small();
	iapt_oneway row;
	iapt_sensitivity_options so;
	memset(&row, 0, sizeof row);
	memset(&so, 0, sizeof so);
	row.name = "cost.li_sesion";
	row.low = 1;
	row.high = 2;
	ck_assert_int_eq(iapt_sensitivity_oneway(sc, &row, 1, &so), IAPT_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, "did you mean 'cost.li_session'"));
	row.name = "treatment.dna_rate";
	row.low = 0.2;
	row.high = 0.1;
	ck_assert_int_eq(iapt_sensitivity_oneway(sc, &row, 1, &so), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message,
			 "treatment.dna_rate: the range [0.2, 0.1] needs low < high inside the parameter's bounds [0, 0.9]");
	row.low = 0.1;
	row.high = 0.95;
	ck_assert_int_eq(iapt_sensitivity_oneway(sc, &row, 1, &so), IAPT_EINVAL);
	iapt_scenario_free(sc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sensitivity");
	TCase *tc = tcase_create("core");
	SRunner *r;
	int failed;
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, refine_finds_a_cube_root);
	tcase_add_test(tc, refine_keeps_to_its_budget);
	tcase_add_test(tc, refine_stops_at_a_root);
	tcase_add_test(tc, refine_does_nothing_without_a_crossing);
	tcase_add_test(tc, refine_reports_a_failed_run);
	tcase_add_test(tc, refine_stops_where_the_outcome_is_undefined);
	tcase_add_test(tc, measure_names);
	tcase_add_test(tc, oneway_of_a_small_scenario);
	tcase_add_test(tc, oneway_of_a_ratio_is_a_ratio_of_means);
	tcase_add_test(tc, oneway_rejects_bad_rows);
	suite_add_tcase(s, tc);
	r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
