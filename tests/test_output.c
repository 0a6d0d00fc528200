/* End to end: scenario file -> run -> files, against checked-in golden figures; and the
 * default scenario against the published 2019-20 figures within the stated tolerances. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iaptsim/iaptsim.h"
#include "util/util.h"
#include "check_main.h"

static char tmpdir[64];

static void setup(void)
{
	strcpy(tmpdir, "/tmp/iapt_out_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static iapt_results *run_file(const char *path, iapt_scenario **sc_out)
{
	iapt_scenario *sc;
	iapt_results *res;
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	ro.threads = 2;
	ck_assert_msg(iapt_scenario_load(&sc, path) == 0, "%s", iapt_error_last()->message);
	ck_assert_msg(iapt_sim_run(&res, sc, &ro) == 0, "%s", iapt_error_last()->message);
	*sc_out = sc;
	return res;
}

/* Compare two tidy CSVs: same keys in the same order, numbers within 1e-9 relative. */
static void compare_csv(const char *got_path, const char *want_path)
{
	char *got, *want, *gs, *ws, *gl, *wl;
	size_t gn, wn;
	int line = 0;
	ck_assert_int_eq(iapt_file__read(got_path, &got, &gn), 0);
	ck_assert_int_eq(iapt_file__read(want_path, &want, &wn), 0);
	gl = strtok_r(got, "\n", &gs);
	wl = strtok_r(want, "\n", &ws);
	while (gl && wl) {
		char *gf, *wf, *gs2, *ws2;
		line++;
		gf = strtok_r(gl, ",", &gs2);
		wf = strtok_r(wl, ",", &ws2);
		while (gf && wf) {
			char *ge, *we;
			double g = strtod(gf, &ge), w = strtod(wf, &we);
			if (*ge || *we || ge == gf)
				ck_assert_msg(strcmp(gf, wf) == 0, "line %d: '%s' vs golden '%s'", line, gf, wf);
			else
				ck_assert_msg(fabs(g - w) <= 1e-9 * fmax(1.0, fabs(w)), "line %d: %.17g vs golden %.17g", line, g, w);
			gf = strtok_r(NULL, ",", &gs2);
			wf = strtok_r(NULL, ",", &ws2);
		}
		ck_assert_msg(!gf && !wf, "line %d: different number of fields", line);
		gl = strtok_r(NULL, "\n", &gs);
		wl = strtok_r(NULL, "\n", &ws);
	}
	ck_assert_msg(!gl && !wl, "different number of lines (after %d)", line);
	free(got);
	free(want);
}

START_TEST(golden_summary)
{
	iapt_scenario *sc;
	iapt_results *res = run_file(IAPT_TEST_DATA "/golden.yaml", &sc);
	char path[256], *json;
	size_t i;
	ck_assert_int_eq(iapt_output_write(tmpdir, sc, res, NULL), 0);
	snprintf(path, sizeof path, "%s/summary.csv", tmpdir);
	compare_csv(path, IAPT_TEST_GOLDEN "/summary.csv");
	/* provenance: the scenario's hash and every parameter with its source */
	snprintf(path, sizeof path, "%s/run.json", tmpdir);
	ck_assert_int_eq(iapt_file__read(path, &json, NULL), 0);
	ck_assert_ptr_nonnull(strstr(json, sc->sha256));
	ck_assert_ptr_nonnull(strstr(json, "\"seed\": \"2024\","));
	for (i = 0; i < iapt_params_count(sc->params); i++) {
		iapt_param_info in;
		char key[256];
		iapt_params_info(sc->params, i, &in);
		snprintf(key, sizeof key, "{\"name\": \"%s\"", in.name);
		ck_assert_msg(strstr(json, key) != NULL, "run.json lacks %s", in.name);
	}
	free(json);
	iapt_results_free(res);
	iapt_scenario_free(sc);
}
END_TEST

START_TEST(unwritable_folder_writes_nothing)
{
	iapt_scenario *sc;
	iapt_results *res = run_file(IAPT_TEST_DATA "/golden.yaml", &sc);
	char path[256];
	FILE *f;
	snprintf(path, sizeof path, "%s/afile", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(path, sizeof path, "%s/afile/results", tmpdir);
	ck_assert_int_eq(iapt_output_write(path, sc, res, NULL), IAPT_EIO);
	snprintf(path, sizeof path, "%s/afile/results/run.json", tmpdir);
	ck_assert_int_ne(access(path, F_OK), 0);
	iapt_results_free(res);
	iapt_scenario_free(sc);
}
END_TEST

static double mean_of(const iapt_results *r, int year, int metric)
{
	double s = 0;
	int k, n = iapt_results_replicates(r);
	for (k = 0; k < n; k++)
		s += iapt_results_value(r, year, IAPT_G_ALL, metric, k);
	return s / n;
}

/* Issue acceptance: scenarios/default.yaml against the 2019-20 row of national_annual.csv. */

/* iapt_output_begin: one writer per target, nothing but results replaced, swap at the end. */
START_TEST(result_folder_transaction)
{
	char dir[] = "/tmp/iapt_out_XXXXXX", target[256], path[512];
	iapt_output_dir *a, *b;
	struct stat st;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(target, sizeof target, "%s/res", dir);
	ck_assert_int_eq(iapt_output_begin(&a, target), 0);
	/* a second writer, even in this process, is refused at once */
	ck_assert_int_eq(iapt_output_begin(&b, target), IAPT_EINVAL);
	ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, "another iaptsim run is writing this folder"));
	ck_assert_ptr_null(b);
	/* nothing at the target until the commit */
	snprintf(path, sizeof path, "%s/run.json", iapt_output_dir_path(a));
	ck_assert_int_eq(iapt_file__write_atomic(path, "{\"program\": \"iaptsim\"}\n", 23), 0);
	ck_assert_int_ne(stat(target, &st), 0);
	ck_assert_int_eq(iapt_output_commit(a), 0);
	snprintf(path, sizeof path, "%s/run.json", target);
	ck_assert_int_eq(stat(path, &st), 0);
	/* an earlier result is replaced whole; an aborted one leaves it as it was */
	ck_assert_int_eq(iapt_output_begin(&b, target), 0);
	iapt_output_abort(b);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(iapt_output_begin(&b, target), 0);
	ck_assert_int_eq(iapt_output_commit(b), 0); /* an empty result replaces it */
	ck_assert_int_ne(stat(path, &st), 0);
	/* a folder with anything else in it is not replaced */
	snprintf(path, sizeof path, "%s/notes.txt", target);
	ck_assert_int_eq(iapt_file__write_atomic(path, "mine", 4), 0);
	ck_assert_int_eq(iapt_output_begin(&b, target), IAPT_EINVAL);
	ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, "holds files that are not an iaptsim result"));
	ck_assert_int_eq(stat(path, &st), 0);
	unlink(path);
	rmdir(target);
	rmdir(dir);
}
END_TEST

START_TEST(default_reproduces_2019_20)
{
	static const struct {
		int metric;
		double published, tolerance;
		int relative; /* tolerance as a share of the published figure */
	} checks[] = {
		{IAPT_M_ENTERED_TREATMENT, 1170000, 0.05, 1},
		{IAPT_M_FINISHED_COURSE, 606192, 0.05, 1},
		{IAPT_M_RECOVERY_PCT, 51.1, 1.5, 0},
		{IAPT_M_RELIABLE_IMPROVEMENT_PCT, 67.0, 1.5, 0},
		{IAPT_M_RELIABLE_RECOVERY_PCT, 48.5, 1.5, 0},
		{IAPT_M_RELIABLE_DETERIORATION_PCT, 5.8, 1.0, 0},
		{IAPT_M_MEAN_SESSIONS_FINISHED, 6.9, 0.4, 0},
		{IAPT_M_WITHIN_6WK_PCT, 87.4, 3.0, 0},
	};
	iapt_scenario *sc;
	iapt_results *r = run_file(IAPT_TEST_DATA "/../../scenarios/default.yaml", &sc);
	size_t k;
	for (k = 0; k < sizeof checks / sizeof checks[0]; k++) {
		double v = mean_of(r, 2019, checks[k].metric);
		double off = checks[k].relative ? fabs(v / checks[k].published - 1) : fabs(v - checks[k].published);
		ck_assert_msg(off < checks[k].tolerance, "%s: model %g, published %g", iapt_metric_name(checks[k].metric), v,
			      checks[k].published);
	}
	iapt_results_free(r);
	iapt_scenario_free(sc);
}
END_TEST

/* Issue acceptance: the history's recovery rises with service features, never set. */
START_TEST(history_recovery_rises)
{
	iapt_scenario *sc;
	iapt_results *r;
	double r12, r18;
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	ro.threads = 2;
	ck_assert_int_eq(iapt_scenario_load(&sc, IAPT_TEST_DATA "/../../scenarios/history_2012_2020.yaml"), 0);
	sc->replicates = 4;
	ck_assert_int_eq(iapt_sim_run(&r, sc, &ro), 0);
	r12 = mean_of(r, 2012, IAPT_M_RECOVERY_PCT);
	r18 = mean_of(r, 2018, IAPT_M_RECOVERY_PCT);
	ck_assert_msg(fabs(r12 - 42.8) < 2.5, "2012-13 recovery %g", r12);
	ck_assert_msg(fabs(r18 - 52.1) < 1.5, "2018-19 recovery %g", r18);
	iapt_results_free(r);
	iapt_scenario_free(sc);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 600);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, golden_summary);
	tcase_add_test(tc, unwritable_folder_writes_nothing);
	tcase_add_test(tc, result_folder_transaction);
	tcase_add_test(tc, default_reproduces_2019_20);
	tcase_add_test(tc, history_recovery_rises);
	suite_add_tcase(s, tc);
	return s;
}
