/* The official outcome definitions (docs/model.md, Outcomes) on the hand-made cases of
 * tests/data/outcome_cases.csv and the December 2020 arithmetic quoted there. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/outcome.h"
#include "check_main.h"

START_TEST(test_vectors)
{
	FILE *f = fopen(IAPT_TEST_DATA "/outcome_cases.csv", "r");
	char line[512], name[128];
	int rows = 0, fin = 0, fin_case = 0, rec = 0, ri = 0, rd = 0, rr = 0;
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		int pf, gf, pl, gl, sess, e_fin, e_case, e_rec, e_ri, e_rd, e_rr;
		unsigned fl;
		ck_assert_int_eq(sscanf(line, "%127[^,],%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d", name, &pf, &gf, &pl, &gl,
					&sess, &e_fin, &e_case, &e_rec, &e_ri, &e_rd, &e_rr), 12);
		fl = iapt_outcome__classify(pf, gf, pl, gl, sess);
		ck_assert_msg(!!(fl & IAPT_O_FINISHED) == e_fin, "%s: finished", name);
		ck_assert_msg(!!(fl & IAPT_O_CASENESS_FIRST) == e_case, "%s: caseness", name);
		ck_assert_msg(!!(fl & IAPT_O_RECOVERED) == e_rec, "%s: recovered", name);
		ck_assert_msg(!!(fl & IAPT_O_RELIABLE_IMPROVEMENT) == e_ri, "%s: reliable improvement", name);
		ck_assert_msg(!!(fl & IAPT_O_RELIABLE_DETERIORATION) == e_rd, "%s: reliable deterioration", name);
		ck_assert_msg(!!(fl & IAPT_O_RELIABLE_RECOVERY) == e_rr, "%s: reliable recovery", name);
		rows++;
		fin += e_fin;
		fin_case += e_case;
		rec += e_rec;
		ri += e_ri;
		rd += e_rd;
		rr += e_rr;
	}
	fclose(f);
	ck_assert_int_eq(rows, 20);
	/* over the file: recovery 7/17, RI 9/19, RD 4/19, RR 4/17 */
	ck_assert_int_eq(fin, 19);
	ck_assert_int_eq(fin_case, 17);
	ck_assert_int_eq(rec, 7);
	ck_assert_int_eq(ri, 9);
	ck_assert_int_eq(rd, 4);
	ck_assert_int_eq(rr, 4);
}
END_TEST

START_TEST(caseness_boundaries)
{
	ck_assert(iapt_outcome__caseness(10, 0));
	ck_assert(!iapt_outcome__caseness(9, 7));
	ck_assert(iapt_outcome__caseness(0, 8));
	ck_assert_uint_eq(iapt_outcome__classify(20, 15, 5, 3, 1), 0); /* one session: not finished */
}
END_TEST

/* The metrics layer computes the national rates from counters exactly: Dec 2020,
 * 23,291 / (48,111 - 2,957) = 51.6% [S24]. */
START_TEST(december_2020_recovery_arithmetic)
{
	iapt_counters ct;
	double *vals = calloc((size_t)IAPT_G__COUNT * IAPT_M__COUNT, sizeof *vals);
	double expect = 100.0 * 23291.0 / (48111.0 - 2957.0);
	ct.n_years = 1;
	ct.c = calloc((size_t)IAPT_G__COUNT * IAPT_C__COUNT, sizeof *ct.c);
	IAPT_CTR(&ct, 0, IAPT_G_ALL, IAPT_C_FINISHED) = 48111;
	IAPT_CTR(&ct, 0, IAPT_G_ALL, IAPT_C_FIN_CASENESS) = 48111 - 2957;
	IAPT_CTR(&ct, 0, IAPT_G_ALL, IAPT_C_RECOVERED) = 23291;
	iapt_metrics__derive(&ct, 0.5, vals);
	ck_assert(fabs(vals[IAPT_M_RECOVERY_PCT] - expect) < 1e-12);
	ck_assert(fabs(round(vals[IAPT_M_RECOVERY_PCT] * 10) / 10 - 51.6) < 1e-9);
	/* counts are scaled to national figures; rates are not */
	ck_assert(vals[IAPT_M_FINISHED_COURSE] == 96222);
	/* no finishers in a group: rates are undefined (NA), not zero */
	ck_assert(isnan(vals[IAPT_G_LTC_YES * IAPT_M__COUNT + IAPT_M_RECOVERY_PCT]));
	/* referrals have no step breakdown */
	ck_assert(isnan(vals[IAPT_G_STEP_LI_ONLY * IAPT_M__COUNT + IAPT_M_REFERRALS_RECEIVED]));
	free(ct.c);
	free(vals);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("outcome");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_vectors);
	tcase_add_test(tc, caseness_boundaries);
	tcase_add_test(tc, december_2020_recovery_arithmetic);
	suite_add_tcase(s, tc);
	return s;
}
