#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iaptsim/plugin.h"
#include "iaptsim/scenario.h"
#include "iaptsim/error.h"
#include "iaptsim/sim.h"
#include "util/util.h"
#include "check_main.h"

#define iapt_engine_check_for_test iapt_engine_check

static iapt_scenario *parse(const char *text, int expect_rc)
{
	iapt_scenario *sc = (iapt_scenario *)0x1;
	int rc = iapt_scenario_parse(&sc, text, strlen(text), "s.yaml");
	ck_assert_msg(rc == expect_rc, "rc %d: %s", rc, iapt_error_last()->message);
	if (rc)
		ck_assert_ptr_null(sc); /* a failed parse hands back nothing */
	return sc;
}

START_TEST(good_scenario)
{
	const char *text =
		"iaptsim: 1\n"
		"name: History\n"
		"description: test\n"
		"years: [2012-13, 2019]\n"
		"seed: 18446744073709551615\n"
		"replicates: 3\n"
		"population_scale: 0.02\n"
		"parameters:\n"
		"  treatment.dna_rate: {2012: 0.15, 2016-17: 0.11}\n"
		"  treatment.effect_li: 0.09\n";
	iapt_scenario *sc = parse(text, 0);
	double v;
	ck_assert_str_eq(sc->name, "History");
	ck_assert_int_eq(sc->first_year, 2012);
	ck_assert_int_eq(sc->last_year, 2019);
	ck_assert(sc->seed == 18446744073709551615ULL);
	ck_assert_int_eq(sc->replicates, 3);
	ck_assert(sc->population_scale == 0.02);
	ck_assert_int_eq(iapt_params_get_by_name(sc->params, "treatment.dna_rate", 2015, &v), 0);
	ck_assert(v == 0.15);
	ck_assert_int_eq(iapt_params_get_by_name(sc->params, "treatment.dna_rate", 2016, &v), 0);
	ck_assert(v == 0.11);
	ck_assert_int_eq(iapt_params_get_by_name(sc->params, "treatment.effect_li", 2016, &v), 0);
	ck_assert(v == 0.09);
	ck_assert_uint_eq(strlen(sc->sha256), 64);
	iapt_scenario_free(sc);
}
END_TEST

START_TEST(defaults_and_single_year)
{
	iapt_scenario *sc = parse("iaptsim: 1\nname: x\nyears: 2019-20\n", 0);
	ck_assert_int_eq(sc->first_year, 2019);
	ck_assert_int_eq(sc->last_year, 2019);
	ck_assert(sc->seed == 1);
	ck_assert_int_eq(sc->replicates, 10);
	ck_assert(sc->population_scale == 1.0);
	ck_assert_str_eq(sc->description, "");
	/* SHA-256 of the file's bytes, as sha256sum prints it */
	ck_assert_str_eq(sc->sha256, "a6207a3d5be145071222d332d51c92954b487eecae9b9ec183e59ba282472051");
	iapt_scenario_free(sc);
	ck_assert_int_eq(iapt_scenario_parse(&sc, "abc", 3, "abc.yaml"), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, "abc.yaml:1:1: scenario: expected a mapping, got a scalar\n  abc\n  ^");
}
END_TEST

START_TEST(full_message_with_caret)
{
	parse("iaptsim: 1\nname: x\nyears: 2019\nparameters:\n  treatment.dna_rate: 1.5\n", IAPT_ERANGE);
	ck_assert_str_eq(iapt_error_last()->message,
			 "s.yaml:5:23: parameters.treatment.dna_rate: 1.5 is out of range [0, 0.9] (proportion)\n"
			 "    treatment.dna_rate: 1.5\n"
			 "                        ^");
	parse("iaptsim: 1\nname: x\nyears: 2019\nreplicate: 4\n", IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message,
			 "s.yaml:4:1: unknown key 'replicate' (did you mean 'replicates'?)\n"
			 "  replicate: 4\n"
			 "  ^");
}
END_TEST

START_TEST(binary_and_missing_files)
{
	iapt_scenario *sc;
	ck_assert_int_eq(iapt_scenario_parse(&sc, "iaptsim: 1\0", 11, "bin.yaml"), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, "bin.yaml:1:11: not a text file (a NUL byte)\n  iaptsim: 1?\n            ^");
	ck_assert_int_eq(iapt_scenario_load(&sc, "/nonexistent/s.yaml"), IAPT_ENOTFOUND);
	ck_assert_str_eq(iapt_error_last()->message, "/nonexistent/s.yaml: cannot open: No such file or directory");
}
END_TEST


/* Inputs that are not regular files are refused at once with the reason (a FIFO with no
 * writer would block a plain open forever); sizes are bounded while reading. */
START_TEST(inputs_that_are_not_files)
{
	char dir[] = "/tmp/iapt_scen_XXXXXX", path[256];
	iapt_scenario *sc;
	struct timespec t0, t1;
	int fd;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/fifo.yaml", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(iapt_scenario_load(&sc, path), IAPT_EINVAL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert(t1.tv_sec - t0.tv_sec < 2);
	ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, "fifo.yaml: is a FIFO (named pipe), not a file"));
	unlink(path);
	ck_assert_int_eq(iapt_scenario_load(&sc, dir), IAPT_EINVAL);
	ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, ": is a folder, not a file"));
	ck_assert_int_eq(iapt_scenario_load(&sc, "/dev/zero"), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, "/dev/zero: is a character device, not a file");
	/* one byte over the limit, as a sparse file */
	snprintf(path, sizeof path, "%s/big.yaml", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)IAPT_FILE_MAX_TEXT + 1), 0);
	close(fd);
	ck_assert_int_eq(iapt_scenario_load(&sc, path), IAPT_EINVAL);
	ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, "big.yaml: larger than the 4194304 bytes this kind of input may have"));
	if (geteuid() != 0) { /* root reads anything */
		snprintf(path, sizeof path, "%s/secret.yaml", dir);
		fd = open(path, O_CREAT | O_WRONLY, 0000);
		close(fd);
		ck_assert_int_eq(iapt_scenario_load(&sc, path), IAPT_EINVAL);
		ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, "secret.yaml: cannot open: Permission denied"));
	}
	unlink(path);
	snprintf(path, sizeof path, "%s/big.yaml", dir);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(text_forms)
{
	iapt_scenario *sc;
	char longline[6000];
	/* a byte-order mark, as some editors save */
	sc = parse("\xEF\xBB\xBFiaptsim: 1\nname: x\nyears: 2019\n", 0);
	iapt_scenario_free(sc);
	/* invalid UTF-8 named at its line and column (in characters) */
	parse("iaptsim: 1\nname: x\nyears: 2019\ndescription: \"\xC3\xA9t\xC3\xA9 \xFF\"\n", IAPT_EPARSE);
	ck_assert_str_eq(iapt_error_last()->message, "s.yaml:4:19: invalid UTF-8 (byte 0xFF): a scenario is UTF-8 text\n"
						     "  description: \"\xC3\xA9t\xC3\xA9 ?\"\n"
						     "                    ^");
	/* tags are refused, never silently dropped */
	parse("iaptsim: 1\nname: x\nyears: 2019\nseed: !!int 5\n", IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, "s.yaml:4:7: explicit YAML tag '!!int' is not supported: write the value without it\n"
						     "  seed: !!int 5\n"
						     "        ^");
	parse("iaptsim: 1\nname: !foo x\nyears: 2019\n", IAPT_EINVAL);
	/* a long line is cut to a window around the caret */
	snprintf(longline, sizeof longline, "iaptsim: 1\nname: x\nyears: 2019\ndescription: \"%0*d\" x%0*d\n", 3000, 0, 2000, 0);
	parse(longline, IAPT_EPARSE);
	{
		const char *m = iapt_error_last()->message, *l1 = strchr(m, '\n'), *l2 = l1 ? strchr(l1 + 1, '\n') : NULL;
		ck_assert_ptr_nonnull(l2);
		ck_assert_int_le(l2 - l1, 130);
		ck_assert_int_eq(strncmp(l1 + 1, "  ...", 5), 0);
		ck_assert_str_eq(l2 + strlen(l2) - 1, "^");
		ck_assert_uint_eq(strlen(l2 + 1) - 1, 2 + 3 + 60);
	}
	/* nesting deeper than the limit is refused where it passes the limit */
	{
		char deep[200000];
		size_t k, n = 0;
		n += (size_t)snprintf(deep, sizeof deep, "iaptsim: 1\nname: x\nyears: 2019\ndescription: ");
		for (k = 0; k < 100000; k++)
			deep[n++] = '[';
		deep[n] = '\0';
		parse(deep, IAPT_EINVAL);
		ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, "s.yaml:4:45: nested more than 32 levels deep"));
	}
}
END_TEST

/* Every file in tests/data/bad gives the first line in its .expect file. */
START_TEST(bad_files)
{
	DIR *d = opendir(IAPT_TEST_DATA "/bad");
	struct dirent *e;
	int n = 0;
	ck_assert_ptr_nonnull(d);
	/* plugin paths in the files are relative to the scenario, reported from the source root */
	ck_assert_int_eq(chdir(IAPT_TEST_DATA "/../.."), 0);
	while ((e = readdir(d))) {
		char path[1024], expect_path[1024], expect[2048], got[2048];
		size_t len = strlen(e->d_name);
		FILE *f;
		iapt_scenario *sc;
		int rc;
		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml"))
			continue;
		snprintf(path, sizeof path, "tests/data/bad/%s", e->d_name);
		snprintf(expect_path, sizeof expect_path, IAPT_TEST_DATA "/bad/%.*s.expect", (int)(len - 5), e->d_name);
		f = fopen(expect_path, "r");
		ck_assert_msg(f != NULL, "no %s", expect_path);
		ck_assert_ptr_nonnull(fgets(expect, sizeof expect, f));
		fclose(f);
		expect[strcspn(expect, "\n")] = '\0';
		{
			char full[1024], *text;
			size_t tl;
			/* load by the real path, report by the repository path the .expect files use */
			snprintf(full, sizeof full, IAPT_TEST_DATA "/bad/%s", e->d_name);
			ck_assert_int_eq(iapt_file__read(full, &text, &tl), 0);
			rc = iapt_scenario_parse(&sc, text, tl, path);
			free(text);
			/* the plugins it names, as the command loads them */
			if (rc == 0 && (rc = iapt_plugins_load(sc)))
				iapt_scenario_free(sc);
		}
		if (rc == 0) {
			/* errors only the engine can see: parameter combinations; the file named in
			 * front unless the message starts at a place in it (as the command does) */
			rc = iapt_engine_check_for_test(sc);
			if (iapt_error__starts_at_place(iapt_error_last()->message))
				snprintf(got, sizeof got, "%s", iapt_error_last()->message);
			else
				snprintf(got, sizeof got, "%s: %s", path, iapt_error_last()->message);
			iapt_scenario_free(sc);
		} else {
			snprintf(got, sizeof got, "%s", iapt_error_last()->message);
		}
		ck_assert_msg(rc != 0, "%s: accepted", e->d_name);
		got[strcspn(got, "\n")] = '\0';
		ck_assert_str_eq(got, expect);
		n++;
	}
	closedir(d);
	ck_assert_int_ge(n, 20);
}
END_TEST

START_TEST(year_labels)
{
	char b[8];
	ck_assert_str_eq(iapt_year_label(2019, b), "2019-20");
	ck_assert_str_eq(iapt_year_label(1999, b), "1999-00");
}
END_TEST

/* ---- parameter draws (uncertainty block) ---- */

static iapt_scenario *parse_ok(const char *text)
{
	iapt_scenario *sc = NULL;
	int rc = iapt_scenario_parse(&sc, text, strlen(text), "u.yaml");
	ck_assert_msg(rc == 0, "%s", iapt_error_last()->message);
	return sc;
}

#define N_DRAWS 4000

/* mean and sd of draws k over N_DRAWS replicates; correlation of k and j in *corr */
static void moments(const iapt_scenario *sc, size_t k, size_t j, double *mean, double *sd, double *corr)
{
	double x[8], s1 = 0, s2 = 0, sj = 0, sj2 = 0, sxy = 0;
	int r;
	for (r = 0; r < N_DRAWS; r++) {
		ck_assert_int_eq(iapt_scenario_draw(sc, r, x), 0);
		s1 += x[k];
		s2 += x[k] * x[k];
		sj += x[j];
		sj2 += x[j] * x[j];
		sxy += x[k] * x[j];
	}
	*mean = s1 / N_DRAWS;
	*sd = sqrt(s2 / N_DRAWS - *mean * *mean);
	if (corr)
		*corr = (sxy / N_DRAWS - *mean * sj / N_DRAWS) / (*sd * sqrt(sj2 / N_DRAWS - (sj / N_DRAWS) * (sj / N_DRAWS)));
}

START_TEST(draws_have_their_moments)
{
	iapt_scenario *sc = parse_ok("iaptsim: 1\nname: u\nyears: 2019\nseed: 9\nuncertainty:\n"
				     "  treatment.dna_rate: {dist: beta, mean: 0.12, sd: 0.02}\n"
				     "  cost.hi_session: {dist: gamma, mean: 177, sd: 30}\n"
				     "  money.earnings_annual: {dist: lognormal, mean: 25000, sd: 5000}\n"
				     "  treatment.effect_li: {dist: normal, mean: 0.086, sd: 0.01}\n"
				     "  treatment.effect_hi: {dist: normal, mean: 0.076, sd: 0.01}\n"
				     "  access.signpost_share: {dist: uniform, min: 0.2, max: 0.3}\n"
				     "  treatment.li_max_sessions: {dist: uniform, min: 4, max: 8}\n"
				     "  workforce.li_wte: {dist: fixed, value: 4000}\n"
				     "  correlations:\n    - [treatment.effect_li, treatment.effect_hi, 0.6]\n");
	double m, sd, corr, x[8];
	int r;
	/* mean and sd as given; sampling error over 4,000 draws is about sd/63 */
	moments(sc, 0, 0, &m, &sd, NULL);
	ck_assert_double_eq_tol(m, 0.12, 0.002);
	ck_assert_double_eq_tol(sd, 0.02, 0.002);
	moments(sc, 1, 1, &m, &sd, NULL);
	ck_assert_double_eq_tol(m, 177, 2);
	ck_assert_double_eq_tol(sd, 30, 2);
	moments(sc, 2, 2, &m, &sd, NULL);
	ck_assert_double_eq_tol(m, 25000, 300);
	ck_assert_double_eq_tol(sd, 5000, 400);
	moments(sc, 3, 4, &m, &sd, &corr);
	ck_assert_double_eq_tol(m, 0.086, 0.001);
	ck_assert_double_eq_tol(sd, 0.01, 0.001);
	ck_assert_double_eq_tol(corr, 0.6, 0.05);
	moments(sc, 5, 5, &m, &sd, NULL);
	ck_assert_double_eq_tol(m, 0.25, 0.002);
	ck_assert_double_eq_tol(sd, 0.1 / sqrt(12), 0.002);
	for (r = 0; r < 200; r++) {
		ck_assert_int_eq(iapt_scenario_draw(sc, r, x), 0);
		ck_assert(x[5] >= 0.2 && x[5] <= 0.3);
		ck_assert(x[6] == floor(x[6]) && x[6] >= 4 && x[6] <= 8); /* a whole-number parameter */
		ck_assert_double_eq(x[7], 4000);
	}
	iapt_scenario_free(sc);
}
END_TEST

/* A discrete distribution draws the whole numbers 0, 1, ... with chances in proportion to
 * its weights (structural uncertainty: the employment mechanism); the mechanism may be
 * named in parameters:. Bad weights are refused, with where. */
START_TEST(discrete_draws_by_weight)
{
	iapt_scenario *sc = parse_ok("iaptsim: 1\nname: u\nyears: 2019\nuncertainty:\n"
				     "  employment.mechanism: {dist: discrete, weights: [1, 0, 3]}\n");
	double x[1];
	int r, seen[3] = {0, 0, 0};
	for (r = 0; r < N_DRAWS; r++) {
		ck_assert_int_eq(iapt_scenario_draw(sc, r, x), 0);
		ck_assert(x[0] == 0 || x[0] == 2);
		seen[(int)x[0]]++;
	}
	/* a quarter and three quarters, within 4 standard errors of 4,000 draws */
	ck_assert_double_eq_tol(seen[0] / (double)N_DRAWS, 0.25, 4 * sqrt(0.25 * 0.75 / N_DRAWS));
	iapt_scenario_free(sc);
	sc = parse_ok("iaptsim: 1\nname: u\nyears: 2019\nparameters:\n  employment.mechanism: flows_with_scarring\n");
	{
		size_t i;
		ck_assert_int_eq(iapt_params_find(sc->params, "employment.mechanism", &i), 0);
		ck_assert_double_eq(iapt_params_get(sc->params, i, 2019), 2);
	}
	iapt_scenario_free(sc);
	parse("iaptsim: 1\nname: u\nyears: 2019\nuncertainty:\n  employment.mechanism: {dist: discrete, weights: [1, 1, 1, 1]}\n", IAPT_ERANGE);
	ck_assert_msg(strstr(iapt_error_last()->message, "s.yaml:5:51: uncertainty.employment.mechanism: 4 weights give values 0 to 3, beyond the parameter's largest, 2") != NULL,
		      "%s", iapt_error_last()->message);
	parse("iaptsim: 1\nname: u\nyears: 2019\nparameters:\n  employment.mechanism: flow\n", IAPT_EINVAL);
	ck_assert_msg(strstr(iapt_error_last()->message,
			     "s.yaml:5:25: parameters.employment.mechanism: 'flow' is not one of flows, prevalence, flows_with_scarring") != NULL,
		      "%s", iapt_error_last()->message);
	parse("iaptsim: 1\nname: u\nyears: 2019\nuncertainty:\n  employment.mechanism: {dist: discrete, weights: [1, -1]}\n", IAPT_ERANGE);
	ck_assert_msg(strstr(iapt_error_last()->message, "weight -1 is negative") != NULL, "%s", iapt_error_last()->message);
	parse("iaptsim: 1\nname: u\nyears: 2019\nuncertainty:\n  treatment.dna_rate: {dist: discrete, weights: [1, 1]}\n", IAPT_EINVAL);
	ck_assert_msg(strstr(iapt_error_last()->message, "uncertainty.treatment.dna_rate: a discrete distribution is for a whole-number parameter") != NULL,
		      "%s", iapt_error_last()->message);
}
END_TEST

/* Draws are truncated to the parameter's bounds, not clamped: none at the bounds. */
START_TEST(draws_stay_in_bounds)
{
	iapt_scenario *sc = parse_ok("iaptsim: 1\nname: u\nyears: 2019\nuncertainty:\n"
				     "  treatment.dna_rate: {dist: normal, mean: 0.05, sd: 0.1}\n");
	double x[1], lo = 1, hi = 0;
	int r, at_zero = 0;
	for (r = 0; r < N_DRAWS; r++) {
		ck_assert_int_eq(iapt_scenario_draw(sc, r, x), 0);
		lo = fmin(lo, x[0]);
		hi = fmax(hi, x[0]);
		at_zero += x[0] == 0;
	}
	ck_assert(lo >= 0 && hi <= 0.9);
	ck_assert_int_eq(at_zero, 0);
	/* a normal N(0.05, 0.1) truncated to [0, 0.9] has mean 0.05 + 0.1 phi(0.5) / (1 - Phi(-0.5)) = 0.1010 */
	{
		double m, sd;
		moments(sc, 0, 0, &m, &sd, NULL);
		ck_assert_double_eq_tol(m, 0.1010, 0.003);
	}
	iapt_scenario_free(sc);
}
END_TEST

/* Common random numbers: a parameter with the same distribution draws the same values in
 * another scenario, whatever else that scenario varies. */
START_TEST(draws_are_common_random_numbers)
{
	iapt_scenario *a = parse_ok("iaptsim: 1\nname: a\nyears: 2019\nseed: 5\nuncertainty:\n"
				    "  treatment.effect_li: {dist: normal, mean: 0.086, sd: 0.01}\n");
	iapt_scenario *b = parse_ok("iaptsim: 1\nname: b\nyears: 2019\nseed: 5\nuncertainty:\n"
				    "  treatment.dna_rate: {dist: beta, mean: 0.12, sd: 0.02}\n"
				    "  treatment.effect_li: {dist: normal, mean: 0.086, sd: 0.01}\n");
	iapt_scenario *c = parse_ok("iaptsim: 1\nname: c\nyears: 2019\nseed: 6\nuncertainty:\n"
				    "  treatment.effect_li: {dist: normal, mean: 0.086, sd: 0.01}\n");
	double xa[1], xb[2], xc[1];
	int r, differ = 0;
	for (r = 0; r < 50; r++) {
		ck_assert_int_eq(iapt_scenario_draw(a, r, xa), 0);
		ck_assert_int_eq(iapt_scenario_draw(b, r, xb), 0);
		ck_assert_int_eq(iapt_scenario_draw(c, r, xc), 0);
		ck_assert(xa[0] == xb[1]);
		differ += xa[0] != xc[0];
	}
	ck_assert_int_eq(differ, 50); /* another seed, other draws */
	iapt_scenario_free(a);
	iapt_scenario_free(b);
	iapt_scenario_free(c);
}
END_TEST


/* Small shapes, where GSL's inverse CDFs give NaN: the draws follow the distribution
 * (empirical CDF against GSL's CDF at several points), stay finite, and keep common random
 * numbers. What check accepts, the run draws. */
START_TEST(draws_of_small_shape)
{
	iapt_scenario *sc = parse_ok("iaptsim: 1\nname: u\nyears: 2019\nseed: 11\nuncertainty:\n"
				     "  cost.li_session: {dist: gamma, mean: 99, sd: 300}\n"
				     "  population.gender_female: {dist: beta, alpha: 0.05, beta: 0.3}\n");
	iapt_scenario *other = parse_ok("iaptsim: 1\nname: v\nyears: 2019\nseed: 11\nuncertainty:\n"
					"  cost.li_session: {dist: gamma, mean: 99, sd: 300}\n");
	iapt_scenario *degen = parse_ok("iaptsim: 1\nname: d\nyears: 2019\nuncertainty:\n"
					"  treatment.dna_rate: {dist: beta, mean: 0.5, sd: 0.4999999}\n");
	static const double tg[] = {1e-9, 1e-3, 1, 10, 100, 500};
	static const double tb[] = {1e-12, 1e-4, 0.1, 0.5, 0.99};
	double a = 99.0 * 99 / (300.0 * 300), scale = 300.0 * 300 / 99, below_g[6] = {0}, below_b[5] = {0}, x[2], y[1], sum = 0;
	int r, k;
	for (r = 0; r < N_DRAWS; r++) {
		ck_assert_int_eq(iapt_scenario_draw(sc, r, x), 0);
		ck_assert_int_eq(iapt_scenario_draw(other, r, y), 0);
		ck_assert(isfinite(x[0]) && x[0] >= 0 && isfinite(x[1]) && x[1] >= 0 && x[1] <= 1);
		ck_assert(x[0] == y[0]); /* common random numbers */
		sum += x[0];
		for (k = 0; k < 6; k++)
			below_g[k] += x[0] <= tg[k];
		for (k = 0; k < 5; k++)
			below_b[k] += x[1] <= tb[k];
	}
	/* sampling error of a share over 4,000 draws is at most 0.008 */
	for (k = 0; k < 6; k++)
		ck_assert_double_eq_tol(below_g[k] / N_DRAWS, gsl_cdf_gamma_P(tg[k], a, scale), 0.025);
	for (k = 0; k < 5; k++)
		ck_assert_double_eq_tol(below_b[k] / N_DRAWS, gsl_cdf_beta_P(tb[k], 0.05, 0.3), 0.025);
	ck_assert_double_eq_tol(sum / N_DRAWS, 99, 25); /* sd 300 / 63 = 4.7 */
	/* Beta(2e-7, 2e-7): its draws round to the bound, but they are finite and in bounds */
	for (r = 0; r < 200; r++) {
		ck_assert_int_eq(iapt_scenario_draw(degen, r, y), 0);
		ck_assert(y[0] >= 0 && y[0] <= 0.9);
	}
	iapt_scenario_free(sc);
	iapt_scenario_free(other);
	iapt_scenario_free(degen);
}
END_TEST

#define FIXED_HINT                                                                                              \
	"to fix it, leave it out of the uncertainty block (a scenario with base: can give an uncertainty block of its " \
	"own without it); to vary it around another value, give the distribution that mean"

static void write_text(const char *dir, const char *name, const char *text, char *path, size_t n)
{
	FILE *f;
	snprintf(path, n, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* A value for a parameter that has a distribution would be lost to the draws: refused when
 * it is given beside the distribution or after it (a file starting from it, --set), allowed
 * when it is a base's value that a file starting from it now varies (a user's trial). */
START_TEST(a_value_beside_a_distribution)
{
	char dir[] = "/tmp/iapt_fixed_XXXXXX", base[256], varied[256], child[256], want[2048];
	iapt_scenario *sc;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	parse("iaptsim: 1\nname: x\nyears: 2019\nparameters:\n  treatment.dna_rate: 0.08\n"
	      "uncertainty:\n  treatment.dna_rate: {dist: beta, mean: 0.1, sd: 0.02}\n",
	      IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message,
			 "s.yaml:7:3: uncertainty.treatment.dna_rate: the parameter also has a value in parameters (s.yaml:5), which "
			 "the draws would replace in every replicate; " FIXED_HINT "\n"
			 "    treatment.dna_rate: {dist: beta, mean: 0.1, sd: 0.02}\n"
			 "    ^");
	/* the base's value, varied by a file starting from it: allowed, and the value stays */
	write_text(dir, "base.yaml", "iaptsim: 1\nname: base\nyears: 2019\nparameters:\n  treatment.dna_rate: 0.08\n", base, sizeof base);
	write_text(dir, "varied.yaml",
		   "iaptsim: 1\nbase: base.yaml\nname: varied\nuncertainty:\n  treatment.dna_rate: {dist: beta, mean: 0.08, sd: 0.02}\n",
		   varied, sizeof varied);
	ck_assert_int_eq(iapt_scenario_load(&sc, varied), 0);
	ck_assert_int_eq(iapt_engine_check(sc), 0);
	ck_assert_uint_eq(sc->n_uncertain, 1);
	snprintf(want, sizeof want, "%s:5", base);
	ck_assert_str_eq(sc->uncertain[0].fixed_at, want);
	/* then a value set by a program (as --set does) is refused, naming both places */
	ck_assert_int_eq(iapt_params_assign(sc->params, "treatment.dna_rate=0.05", "--set"), 0);
	ck_assert_int_eq(iapt_engine_check(sc), IAPT_EINVAL);
	snprintf(want, sizeof want,
		 "treatment.dna_rate: the value from --set would be ignored: uncertainty.treatment.dna_rate (%s:5:23) draws it in "
		 "every replicate; " FIXED_HINT,
		 varied);
	ck_assert_str_eq(iapt_error_last()->message, want);
	iapt_scenario_free(sc);
	/* as are year-by-year values */
	ck_assert_int_eq(iapt_scenario_load(&sc, varied), 0);
	ck_assert_int_eq(iapt_params_assign(sc->params, "treatment.dna_rate@2019=0.05", "--alt-set"), 0);
	ck_assert_int_eq(iapt_engine_check(sc), IAPT_EINVAL);
	snprintf(want, sizeof want,
		 "treatment.dna_rate: the year-by-year values from --alt-set would be ignored: uncertainty.treatment.dna_rate "
		 "(%s:5:23) draws one value for every year; " FIXED_HINT,
		 varied);
	ck_assert_str_eq(iapt_error_last()->message, want);
	iapt_scenario_free(sc);
	/* a file starting from varied.yaml that gives the value again, under the inherited block */
	write_text(dir, "child.yaml", "iaptsim: 1\nbase: varied.yaml\nname: child\nparameters:\n  treatment.dna_rate: 0.06\n", child,
		   sizeof child);
	ck_assert_int_eq(iapt_scenario_load(&sc, child), IAPT_EINVAL);
	ck_assert_ptr_null(sc);
	snprintf(want, sizeof want,
		 "%s:5:23: uncertainty.treatment.dna_rate: the parameter also has a value in parameters (%s:5), which the draws "
		 "would replace in every replicate; " FIXED_HINT,
		 varied, child);
	ck_assert_str_eq(iapt_error_last()->message, want);
	unlink(child);
	unlink(varied);
	unlink(base);
	rmdir(dir);
}
END_TEST

/* Year-by-year values of a parameter the engine reads at the first year only are refused */
START_TEST(whole_run_parameters_take_no_year)
{
	parse("iaptsim: 1\nname: x\nyears: [2019, 2020]\nparameters:\n  run.psa_draws_per_warm_up: {2019: 1, 2020: 10}\n",
	      IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message,
			 "s.yaml:5:37: parameters.run.psa_draws_per_warm_up is one value for the whole run (read at the first year): "
			 "give it without a year\n"
			 "    run.psa_draws_per_warm_up: {2019: 1, 2020: 10}\n"
			 "                                      ^");
	iapt_scenario_free(parse("iaptsim: 1\nname: x\nyears: [2019, 2020]\nparameters:\n  run.psa_draws_per_warm_up: 10\n", 0));
	/* nor can such a parameter vary: a draw would be ignored as a year's value is */
	parse("iaptsim: 1\nname: x\nyears: 2019\nuncertainty:\n  workforce.capacity_sd: {dist: uniform, min: 0.2, max: 0.5}\n",
	      IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message,
			 "s.yaml:5:3: uncertainty: workforce.capacity_sd shapes the run and cannot vary\n"
			 "    workforce.capacity_sd: {dist: uniform, min: 0.2, max: 0.5}\n"
			 "    ^");
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, good_scenario);
	tcase_add_test(tc, defaults_and_single_year);
	tcase_add_test(tc, full_message_with_caret);
	tcase_add_test(tc, a_value_beside_a_distribution);
	tcase_add_test(tc, whole_run_parameters_take_no_year);
	tcase_add_test(tc, binary_and_missing_files);
	tcase_add_test(tc, bad_files);
	tcase_add_test(tc, inputs_that_are_not_files);
	tcase_add_test(tc, text_forms);
	tcase_add_test(tc, year_labels);
	tcase_add_test(tc, draws_have_their_moments);
	tcase_add_test(tc, draws_stay_in_bounds);
	tcase_add_test(tc, discrete_draws_by_weight);
	tcase_add_test(tc, draws_are_common_random_numbers);
	tcase_add_test(tc, draws_of_small_shape);
	suite_add_tcase(s, tc);
	return s;
}
