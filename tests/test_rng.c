#include <math.h>
#include <stdint.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "rng/stream.h"
#include "check_main.h"

/* SplitMix64 from state 0: the published reference outputs (Vigna's splitmix64.c) are
 * 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f; gsl_rng_get returns the
 * top 32 bits. */
START_TEST(splitmix_known_answers)
{
	gsl_rng *r;
	ck_assert_int_eq(iapt_rng_new(&r, 0), 0);
	ck_assert_uint_eq(gsl_rng_get(r), 0xe220a839UL);
	ck_assert_uint_eq(gsl_rng_get(r), 0x6e789e6aUL);
	ck_assert_uint_eq(gsl_rng_get(r), 0x06c45d18UL);
	/* 53-bit doubles from the same sequence */
	iapt_rng_rekey(r, 0);
	ck_assert(gsl_rng_uniform(r) == (double)(0xe220a8397b1dcdafULL >> 11) * 0x1.0p-53);
	gsl_rng_free(r);
}
END_TEST

/* The key hash is pinned: changing it changes every result, so it must be deliberate. */
START_TEST(key_pinned)
{
	ck_assert_uint_eq(iapt_rng_key(1, 0, 0, 1), iapt_rng_key(1, 0, 0, 1));
	ck_assert_uint_ne(iapt_rng_key(1, 0, 0, 1), iapt_rng_key(1, 0, 0, 2));
	ck_assert_uint_ne(iapt_rng_key(1, 0, 0, 1), iapt_rng_key(1, 0, 1, 1));
	ck_assert_uint_ne(iapt_rng_key(1, 0, 0, 1), iapt_rng_key(1, 1, 0, 1));
	ck_assert_uint_ne(iapt_rng_key(1, 0, 0, 1), iapt_rng_key(2, 0, 0, 1));
	ck_assert_uint_eq(iapt_rng_key(20190401, 0, 0, IAPT_RNG_TREATMENT), UINT64_C(0x56d7abe53cb37fbc));
}
END_TEST

START_TEST(rekey_reproduces_and_saves_state)
{
	gsl_rng *r;
	double a[5], b[5];
	uint64_t mid;
	int i;
	ck_assert_int_eq(iapt_rng_new(&r, iapt_rng_key(7, 1, 42, 3)), 0);
	for (i = 0; i < 5; i++)
		a[i] = gsl_rng_uniform(r);
	iapt_rng_rekey(r, iapt_rng_key(7, 1, 42, 3));
	for (i = 0; i < 2; i++)
		b[i] = gsl_rng_uniform(r);
	mid = iapt_rng_state(r);
	iapt_rng_rekey(r, 12345); /* somebody else's draws in between */
	gsl_rng_uniform(r);
	iapt_rng_rekey(r, mid);
	for (; i < 5; i++)
		b[i] = gsl_rng_uniform(r);
	for (i = 0; i < 5; i++)
		ck_assert(a[i] == b[i]);
	gsl_rng_free(r);
}
END_TEST

/* Streams of neighbouring people are uniform and uncorrelated. */
START_TEST(streams_independent)
{
	gsl_rng *r;
	enum { PEOPLE = 2000, DRAWS = 50 };
	static double x[PEOPLE][DRAWS];
	int bins[10] = {0}, p, d, k;
	double sum = 0, chi2 = 0, sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0, n, corr;
	ck_assert_int_eq(iapt_rng_new(&r, 0), 0);
	for (p = 0; p < PEOPLE; p++) {
		iapt_rng_rekey(r, iapt_rng_key(99, 0, (uint64_t)p, IAPT_RNG_SYMPTOMS));
		for (d = 0; d < DRAWS; d++) {
			x[p][d] = gsl_rng_uniform(r);
			sum += x[p][d];
			bins[(int)(x[p][d] * 10)]++;
		}
	}
	n = (double)PEOPLE * DRAWS;
	ck_assert(fabs(sum / n - 0.5) < 4 * sqrt(1.0 / 12.0 / n));
	for (k = 0; k < 10; k++)
		chi2 += (bins[k] - n / 10) * (bins[k] - n / 10) / (n / 10);
	ck_assert_msg(chi2 < 27.9, "chi-square %g with 9 df (p < 0.001)", chi2); /* 9 df, 0.1% point */
	/* person p's draw d against person p+1's draw d */
	for (p = 0; p + 1 < PEOPLE; p++)
		for (d = 0; d < DRAWS; d++) {
			double a = x[p][d], b = x[p + 1][d];
			sx += a; sy += b; sxx += a * a; syy += b * b; sxy += a * b;
		}
	n = (double)(PEOPLE - 1) * DRAWS;
	corr = (sxy - sx * sy / n) / sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
	ck_assert_msg(fabs(corr) < 4 / sqrt(n), "correlation %g", corr);
	gsl_rng_free(r);
}
END_TEST

START_TEST(gsl_distributions_draw_from_it)
{
	gsl_rng *r;
	double s = 0, ss = 0;
	int i, n = 200000;
	ck_assert_int_eq(iapt_rng_new(&r, iapt_rng_key(1, 2, 3, 4)), 0);
	for (i = 0; i < n; i++) {
		double z = gsl_ran_gaussian_ziggurat(r, 2.0);
		s += z;
		ss += z * z;
	}
	ck_assert(fabs(s / n) < 4 * 2.0 / sqrt(n));
	ck_assert(fabs(sqrt(ss / n) - 2.0) < 0.02);
	ck_assert_str_eq(gsl_rng_name(r), "iapt_keyed");
	gsl_rng_free(r);
}
END_TEST

START_TEST(staged_keys_and_inlined_draws_match)
{
	/* the engine's staged keys, one-draw streams and inlined whole numbers are the same
	 * numbers as the keyed stream's */
	gsl_rng *r;
	uint64_t k = iapt_rng__key_purpose(iapt_rng__key_entity(iapt_rng__key_rep(20190401, 3), 77), IAPT_RNG_FOLLOWUP);
	unsigned long n;
	ck_assert_uint_eq(k, iapt_rng_key(20190401, 3, 77, IAPT_RNG_FOLLOWUP));
	ck_assert_int_eq(iapt_rng_new(&r, k), 0);
	ck_assert(iapt_rng__uniform_at(k) == gsl_rng_uniform(r));
	for (n = 1; n < 300; n += 37) {
		uint64_t st = iapt_rng_state(r);
		unsigned long a = gsl_rng_uniform_int(r, n), b;
		iapt_rng_rekey(r, st);
		b = iapt_rng_uniform_int(r, n);
		ck_assert_uint_eq(a, b);
	}
	gsl_rng_free(r);
}
END_TEST

/* the first pair of normals at key (1, 2, 3, 4) */
#define ZIG_Z1 -0.08234969003386669
#define ZIG_Z2 -0.079929722123445596

START_TEST(ziggurat_normals)
{
	/* known answers (any change to the tables or the bits used shows here), then moments and
	 * tail shares of 2 million draws against the standard normal's */
	double z1, z2, s = 0, ss = 0, s4 = 0, t2 = 0, t3 = 0;
	uint64_t pos = iapt_rng_key(1, 2, 3, 4);
	int i, n = 2000000;
	iapt_rng__gauss2_at(pos, &z1, &z2);
	ck_assert_msg(fabs(z1 - ZIG_Z1) < 1e-12 && fabs(z2 - ZIG_Z2) < 1e-12, "%.17g %.17g", z1, z2);
	for (i = 0; i < n / 2; i++) {
		double z[2];
		int q;
		pos += 0x9e3779b97f4a7c15ULL;
		iapt_rng__gauss2_at(pos, &z[0], &z[1]);
		for (q = 0; q < 2; q++) {
			s += z[q];
			ss += z[q] * z[q];
			s4 += z[q] * z[q] * z[q] * z[q];
			t2 += fabs(z[q]) > 2;
			t3 += fabs(z[q]) > 3.5; /* beyond the ziggurat's base, r = 3.44: the tail path */
		}
	}
	ck_assert_msg(fabs(s / n) < 4 / sqrt(n), "mean %g", s / n);
	ck_assert_msg(fabs(ss / n - 1) < 4 * sqrt(2.0 / n), "variance %g", ss / n);
	ck_assert_msg(fabs(s4 / n - 3) < 4 * sqrt(96.0 / n), "fourth moment %g", s4 / n);
	ck_assert_msg(fabs(t2 / n - erfc(2 / sqrt(2))) < 4 * sqrt(0.0455 / n), "P(|z| > 2) %g", t2 / n);
	ck_assert_msg(fabs(t3 / n - erfc(3.5 / sqrt(2))) < 4 * sqrt(4.65e-4 / n), "P(|z| > 3.5) %g", t3 / n);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("rng");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, splitmix_known_answers);
	tcase_add_test(tc, key_pinned);
	tcase_add_test(tc, rekey_reproduces_and_saves_state);
	tcase_add_test(tc, streams_independent);
	tcase_add_test(tc, gsl_distributions_draw_from_it);
	tcase_add_test(tc, staged_keys_and_inlined_draws_match);
	tcase_add_test(tc, ziggurat_normals);
	suite_add_tcase(s, tc);
	return s;
}
