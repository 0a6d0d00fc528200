#include <math.h>
#include <string.h>

#include "iaptsim/params.h"
#include "iaptsim/error.h"
#include "check_main.h"

START_TEST(every_parameter_is_documented)
{
	iapt_params *p;
	size_t i, n_sourced = 0;
	ck_assert_int_eq(iapt_params_new(&p), 0);
	ck_assert_uint_gt(iapt_params_count(p), 40);
	for (i = 0; i < iapt_params_count(p); i++) {
		iapt_param_info in;
		ck_assert_int_eq(iapt_params_info(p, i, &in), 0);
		ck_assert_msg(strlen(in.source) > 10, "%s has no source", in.name);
		ck_assert_msg(strlen(in.unit) > 0 && strlen(in.description) > 10, "%s undocumented", in.name);
		ck_assert_msg(in.default_value >= in.min && in.default_value <= in.max, "%s default out of bounds", in.name);
		ck_assert_msg(!in.integer || in.default_value == floor(in.default_value), "%s", in.name);
		ck_assert_str_eq(in.origin, "default");
		/* an unsourced default must say what it is instead */
		if (!in.sourced)
			ck_assert_msg(strstr(in.source, "to source") || strstr(in.source, "alibrated") ||
					      strstr(in.source, "choice") || strstr(in.source, "setting") ||
					      strstr(in.source, "Direction"),
				      "%s: unsourced default does not say so: %s", in.name, in.source);
		n_sourced += (size_t)in.sourced;
	}
	ck_assert_uint_gt(n_sourced, 5);
	iapt_params_free(p);
}
END_TEST

START_TEST(bounds_named_in_errors)
{
	iapt_params *p;
	size_t i;
	double v;
	ck_assert_int_eq(iapt_params_new(&p), 0);
	ck_assert_int_eq(iapt_params_find(p, "treatment.dna_rate", &i), 0);
	ck_assert_int_eq(iapt_params_set(p, i, 0, 1.5, "test"), IAPT_ERANGE);
	ck_assert_str_eq(iapt_error_last()->message, "treatment.dna_rate: 1.5 is out of range [0, 0.9] (proportion)");
	/* nothing changed */
	ck_assert(iapt_params_get(p, i, 2019) == 0.10);
	ck_assert_int_eq(iapt_params_find(p, "treatment.li_max_sessions", &i), 0);
	ck_assert_int_eq(iapt_params_set(p, i, 0, 6.5, NULL), IAPT_ERANGE);
	ck_assert_str_eq(iapt_error_last()->message, "treatment.li_max_sessions: 6.5 must be a whole number");
	ck_assert_int_eq(iapt_params_set(p, i, 0, NAN, NULL), IAPT_ERANGE);
	ck_assert_str_eq(iapt_error_last()->message, "treatment.li_max_sessions: value must be a finite number");
	ck_assert_int_eq(iapt_params_find(p, "treatment.efect_li", &i), IAPT_ENOTFOUND);
	ck_assert_str_eq(iapt_error_last()->message, "unknown parameter 'treatment.efect_li' (did you mean 'treatment.effect_li'?)");
	ck_assert_int_eq(iapt_params_find(p, "zzz", &i), IAPT_ENOTFOUND);
	ck_assert_str_eq(iapt_error_last()->message, "unknown parameter 'zzz' (see 'iaptsim params')");
	ck_assert_int_eq(iapt_params_get_by_name(p, "treatment.dna_rate", 2019, &v), 0);
	ck_assert(v == 0.10);
	iapt_params_free(p);
}
END_TEST

START_TEST(assignments)
{
	iapt_params *p;
	double v;
	ck_assert_int_eq(iapt_params_new(&p), 0);
	ck_assert_int_eq(iapt_params_assign(p, "treatment.dna_rate=0.2", "--set"), 0);
	ck_assert_int_eq(iapt_params_get_by_name(p, "treatment.dna_rate", 2019, &v), 0);
	ck_assert(v == 0.2);
	ck_assert_int_eq(iapt_params_assign(p, "treatment.dna_rate", "--set"), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, "'treatment.dna_rate': expected name=value");
	ck_assert_int_eq(iapt_params_assign(p, "treatment.dna_rate=lots", "--set"), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, "treatment.dna_rate: 'lots' is not a number");
	ck_assert_int_eq(iapt_params_assign(p, "treatment.dna_rate@20x=0.1", "--set"), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, "'treatment.dna_rate@20x=0.1': year after '@' must be 1900-2200");
	ck_assert_int_eq(iapt_params_assign(p, "treatment.dna_rate=0.95", "--set"), IAPT_ERANGE);
	ck_assert_int_eq(iapt_params_get_by_name(p, "treatment.dna_rate", 2019, &v), 0);
	ck_assert(v == 0.2); /* unchanged by the failed assignment */
	iapt_params_free(p);
}
END_TEST

START_TEST(schedules_apply_from_their_year)
{
	iapt_params *p, *q;
	size_t i;
	int year;
	double v;
	ck_assert_int_eq(iapt_params_new(&p), 0);
	ck_assert_int_eq(iapt_params_find(p, "treatment.dna_rate", &i), 0);
	ck_assert_int_eq(iapt_params_set(p, i, 2016, 0.12, "a"), 0);
	ck_assert_int_eq(iapt_params_set(p, i, 2013, 0.15, "b"), 0); /* out of order on purpose */
	ck_assert(iapt_params_get(p, i, 2012) == 0.10); /* before any entry: the base value */
	ck_assert(iapt_params_get(p, i, 2013) == 0.15);
	ck_assert(iapt_params_get(p, i, 2015) == 0.15);
	ck_assert(iapt_params_get(p, i, 2016) == 0.12);
	ck_assert(iapt_params_get(p, i, 2030) == 0.12);
	ck_assert_int_eq(iapt_params_schedule(p, i, 0, &year, &v), 0);
	ck_assert_int_eq(year, 2013);
	ck_assert_int_eq(iapt_params_copy(&q, p), 0);
	ck_assert_int_eq(iapt_params_set(p, i, 2016, 0.2, "c"), 0);
	ck_assert(iapt_params_get(q, i, 2016) == 0.12); /* a deep copy */
	ck_assert(iapt_params_get(p, i, 2016) == 0.2);
	iapt_params_free(p);
	iapt_params_free(q);
	iapt_params_free(NULL);
}
END_TEST

/* The engine reads these at the first year only: a year's value would be ignored, so it is
 * refused and changes nothing (a user's trial) */
START_TEST(whole_run_parameters_take_no_year)
{
	static const char *const names[] = {"run.burn_in_years", "run.psa_draws_per_warm_up", "workforce.services",
					    "workforce.capacity_sd", "distribution.elasticity", "distribution.income_quintile_3"};
	iapt_params *p;
	iapt_param_info info;
	char want[256];
	size_t i, k;
	ck_assert_int_eq(iapt_params_new(&p), 0);
	for (k = 0; k < sizeof names / sizeof names[0]; k++) {
		ck_assert_int_eq(iapt_params_find(p, names[k], &i), 0);
		iapt_params_info(p, i, &info);
		ck_assert_int_eq(iapt_params_set(p, i, 2020, info.default_value, "a"), IAPT_EINVAL);
		snprintf(want, sizeof want, "%s is one value for the whole run (read at the first year): give it without a year", names[k]);
		ck_assert_str_eq(iapt_error_last()->message, want);
		iapt_params_info(p, i, &info);
		ck_assert_uint_eq(info.n_schedule, 0);
		ck_assert_int_eq(iapt_params_set(p, i, 0, info.default_value, "b"), 0); /* without a year: fine */
	}
	ck_assert_int_eq(iapt_params_assign(p, "run.burn_in_years@2020=0", "--set"), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message,
			 "run.burn_in_years is one value for the whole run (read at the first year): give it without a year");
	/* followup.years is read year by year (each year's cohort): it keeps its schedule */
	ck_assert_int_eq(iapt_params_assign(p, "followup.years@2020=2", "--set"), 0);
	iapt_params_free(p);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("params");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, every_parameter_is_documented);
	tcase_add_test(tc, bounds_named_in_errors);
	tcase_add_test(tc, assignments);
	tcase_add_test(tc, schedules_apply_from_their_year);
	tcase_add_test(tc, whole_run_parameters_take_no_year);
	suite_add_tcase(s, tc);
	return s;
}
