/* The Lua host: the sandbox, errors from every hook with file and line, the API, the
 * built-in plugins' effects on small seeded runs, and reproducibility across threads. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "iaptsim/iaptsim.h"

#define PLUGINS IAPT_TEST_DATA "/plugins"

static int burn_in = 1; /* warm-up years of the next scenario */

/* A small scenario: one year unless told, 2% of England, follow-up of `fu` years. */
static iapt_scenario *scenario_years(const char *plugins, int first, int last, int reps, double scale, int fu)
{
	char text[8192];
	iapt_scenario *sc = NULL;
	int rc;
	snprintf(text, sizeof text,
		 "iaptsim: 1\nname: plugin test\nyears: [%d, %d]\nseed: 4242\nreplicates: %d\npopulation_scale: %g\n"
		 "parameters:\n  followup.years: %d\n  run.burn_in_years: %d\nplugins:\n%s\n",
		 first, last, reps, scale, fu, burn_in, plugins);
	rc = iapt_scenario_parse(&sc, text, strlen(text), "test.yaml");
	ck_assert_msg(rc == 0, "scenario: %s", iapt_error_last()->message);
	rc = iapt_plugins_load(sc);
	ck_assert_msg(rc == 0, "plugins: %s", iapt_error_last()->message);
	return sc;
}

static iapt_scenario *scenario(const char *plugins)
{
	return scenario_years(plugins, 2019, 2019, 1, 0.01, 0);
}

/* A run with the scenario's plugins (the Lua host's hooks), as the command makes it. */
static int run_plugins(iapt_results **res, const iapt_scenario *sc, int threads)
{
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	iapt_plugin_host *host;
	int rc;
	ck_assert_int_eq(iapt_plugin_host_new(&host, sc), 0);
	ro.threads = threads;
	ro.hooks = iapt_plugin_host_hooks(host);
	rc = iapt_sim_run(res, sc, &ro);
	iapt_plugin_host_free(host);
	return rc;
}

static iapt_results *run(iapt_scenario *sc, int threads)
{
	iapt_results *res = NULL;
	int rc = run_plugins(&res, sc, threads);
	ck_assert_msg(rc == 0, "run: %s", iapt_error_last()->message);
	return res;
}

static double extra(const iapt_results *r, const char *name, int year, int rep)
{
	size_t k;
	for (k = 0; k < iapt_results_extra_count(r); k++)
		if (!strcmp(iapt_results_extra_name(r, k), name))
			return iapt_results_extra(r, year, k, rep);
	ck_abort_msg("no metric %s", name);
	return NAN;
}

/* Sum of the ledger over years and cohorts for one category and perspective tag. */
static double ledger_sum(const iapt_results *r, int rep, int cat, int tag)
{
	int first, last, y, c;
	double t = 0;
	iapt_results_years(r, &first, &last);
	for (y = first; y < first + iapt_results_ledger_years(r); y++)
		for (c = first; c <= last; c++)
			t += iapt_results_ledger(r, rep, y, c, cat, tag);
	return t;
}

/* The run must fail with IAPT_ELUA and a message that starts "file:line: " and holds frag. */
static void expect_failure(iapt_scenario *sc, const char *file_line, const char *frag)
{
	iapt_results *res = NULL;
	int rc = run_plugins(&res, sc, 1);
	const char *m = iapt_error_last()->message;
	ck_assert_msg(rc == IAPT_ELUA, "%s: rc %d: %s", file_line, rc, m);
	ck_assert_ptr_null(res);
	ck_assert_msg(strncmp(m, file_line, strlen(file_line)) == 0, "expected '%s' at the start of: %s", file_line, m);
	ck_assert_msg(strstr(m, frag) != NULL, "expected '%s' in: %s", frag, m);
	iapt_scenario_free(sc);
}

/* ---- errors from each hook name the file and line, with a traceback ---- */

START_TEST(runtime_error_in_each_hook)
{
	static const struct {
		const char *hook;
		int line;
		const char *msg;
	} cases[] = {
		{"setup", 10, "failed in setup"},
		{"on_year", 13, "failed in on_year 2019"},
		{"on_referral", 16, "attempt to index a nil value (local 't')"},
		{"on_discharge", 19, "failed in on_discharge"},
		{"on_finish", 22, "failed in on_finish"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char yaml[512], where[512], frag[256];
		snprintf(yaml, sizeof yaml, "  - use: %s/fails.lua\n    with: { hook: %s }", PLUGINS, cases[i].hook);
		snprintf(where, sizeof where, "%s/fails.lua:%d: %s", PLUGINS, cases[i].line, cases[i].msg);
		snprintf(frag, sizeof frag, "(in %s of plugin 'fails', replicate 1)\nstack traceback:", cases[i].hook);
		expect_failure(scenario(yaml), where, frag);
	}
}
END_TEST

/* ... and from the hooks during waiting and treatment (with follow-up, for on_followup) */
START_TEST(runtime_error_in_each_new_hook)
{
	static const struct {
		const char *hook;
		int line;
		const char *msg;
	} cases[] = {
		{"on_wait", 26, "failed in on_wait at 2"},
		{"on_session", 29, "failed in on_session"},
		{"on_step_up", 32, "failed in on_step_up"},
		{"on_followup", 35, "failed in on_followup"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char yaml[512], where[512], frag[256];
		snprintf(yaml, sizeof yaml, "  - use: %s/fails.lua\n    with: { hook: %s }", PLUGINS, cases[i].hook);
		snprintf(where, sizeof where, "%s/fails.lua:%d: %s", PLUGINS, cases[i].line, cases[i].msg);
		snprintf(frag, sizeof frag, "(in %s of plugin 'fails', replicate 1)\nstack traceback:", cases[i].hook);
		expect_failure(scenario_years(yaml, 2019, 2019, 1, 0.01, 1), where, frag);
	}
}
END_TEST

/* Writing a field where it is not writable (after the engine used it), or a value out of
 * bounds, stops the run at the plugin's line. */
START_TEST(new_hooks_refuse_late_and_bad_writes)
{
	static const struct {
		const char *bad;
		int line;
		const char *msg;
	} cases[] = {
		{"phq9_in_session", 49,
		 "person.phq9 cannot be set in on_session: it is writable only in on_referral and on_wait, before the engine uses it"},
		{"age_in_wait", 34, "person.age_band cannot be set in on_wait: it is writable only in on_referral, before the engine uses it"},
		{"leave_range", 35, "person.leave_chance = 1.5 is outside [0, 1]"},
		{"score_of_missed", 50, "person.session_phq9 cannot be set for a missed session (set person.session_attended = true first)"},
		{"field_type", 51, "person.calls must be a whole number in [0, 255]; got true"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char yaml[512], where[512];
		snprintf(yaml, sizeof yaml, "  - use: %s/during.lua\n    with: { bad: %s }", PLUGINS, cases[i].bad);
		snprintf(where, sizeof where, "%s/during.lua:%d: %s", PLUGINS, cases[i].line, cases[i].msg);
		expect_failure(scenario_years(yaml, 2019, 2019, 1, 0.01, 1), where, "stack traceback:");
	}
}
END_TEST

/* The hooks during waiting and treatment: called where they should be, their writes act,
 * the plugin's own fields persist, and threads do not change anything. */
START_TEST(new_hooks_see_and_change_the_pathway)
{
	iapt_scenario *a = scenario_years("  - use: " PLUGINS "/during.lua", 2019, 2019, 2, 0.01, 1);
	iapt_scenario *b = scenario_years("  - use: " PLUGINS "/during.lua\n    with: { never_leave: true, all_attend: true }", 2019,
					  2019, 1, 0.01, 1);
	iapt_scenario *c = scenario_years("  - use: " PLUGINS "/during.lua\n    with: { score: 20 }", 2019, 2019, 1, 0.01, 1);
	iapt_results *ra = run(a, 1), *ra2 = run(a, 2), *rb = run(b, 1), *rc = run(c, 1);
	int rep;
	size_t e;
#define V(r, m) iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_##m, 0)
	/* every booked session, attended or missed, seen once, numbered in order */
	ck_assert_double_eq_tol(extra(ra, "during.sessions", 2019, 0), V(ra, SESSIONS_ATTENDED) + V(ra, SESSIONS_MISSED), 1e-6);
	ck_assert_double_eq_tol(extra(ra, "during.missed", 2019, 0), V(ra, SESSIONS_MISSED), 1e-6);
	ck_assert_double_eq(extra(ra, "during.miscount", 2019, 0), 0);
	/* math.random in on_session: a stream per session */
	ck_assert_double_eq_tol(extra(ra, "during.rand", 2019, 0) / extra(ra, "during.sessions", 2019, 0), 0.5, 0.01);
	ck_assert(extra(ra, "during.waits2", 2019, 0) > 0);
	ck_assert(extra(ra, "during.step_ups", 2019, 0) > 0);
	ck_assert(extra(ra, "during.followups", 2019, 0) > 0);
	/* before any session the treated path is the natural course */
	ck_assert_double_eq(extra(ra, "during.unnatural", 2019, 0), 0);
	/* a plugin that writes nothing changes nothing */
	{
		iapt_scenario *z = scenario_years("  []", 2019, 2019, 2, 0.01, 1);
		iapt_results *rz = run(z, 1);
		int g, m;
		for (rep = 0; rep < 2; rep++)
			for (g = 0; g < IAPT_G__COUNT; g++)
				for (m = 0; m < IAPT_M__COUNT; m++) {
					double v = iapt_results_value(rz, 2019, g, m, rep);
					if (!isnan(v))
						ck_assert_msg(iapt_results_value(ra, 2019, g, m, rep) == v, "%s %s", iapt_group_name(g),
							      iapt_metric_name(m));
				}
		iapt_results_free(rz);
		iapt_scenario_free(z);
	}
	/* nobody leaves the list after 2 weeks, nobody misses a session: more start */
	ck_assert_double_eq(V(rb, SESSIONS_MISSED), 0);
	ck_assert(V(rb, ENTERED_TREATMENT) > V(ra, ENTERED_TREATMENT));
	/* scores recorded by the plugin: PHQ-9 20 first and last, so nobody recovers */
	ck_assert(V(rc, FINISHED_AT_CASENESS) > 0);
	ck_assert_double_eq(V(rc, RECOVERY_PCT), 0);
	/* threads */
	for (rep = 0; rep < 2; rep++)
		for (e = 0; e < iapt_results_extra_count(ra); e++)
			ck_assert(iapt_results_extra(ra2, 2019, e, rep) == iapt_results_extra(ra, 2019, e, rep));
#undef V
	iapt_results_free(ra);
	iapt_results_free(ra2);
	iapt_results_free(rb);
	iapt_results_free(rc);
	iapt_scenario_free(a);
	iapt_scenario_free(b);
	iapt_scenario_free(c);
}
END_TEST

/* ---- the sandbox ---- */

START_TEST(sandbox_stops_what_it_must)
{
	static const struct {
		const char *what;
		int line;
		const char *frag;
	} cases[] = {
		{"loop", 24, "instruction budget of 1000000 per call exceeded"},
		{"memory", 26, "memory cap of 8 MiB exceeded"},
		{"os_execute", 28, "attempt to read undefined global 'os'"},
		{"io_open", 30, "attempt to read undefined global 'io'"},
		{"require", 32, "attempt to read undefined global 'require'"},
		{"dofile", 34, "attempt to read undefined global 'dofile'"},
		{"garbage", 21, "on_referral returned number; hooks return nothing"},
		{"set_in_referral", 38, "ctx:set is for setup and on_year, not on_referral"},
		{"set_structural", 16, "followup.years shapes the run and cannot be set by a plugin"},
		/* read once for the whole run: a plugin's value would be ignored */
		{"set_whole_run", 19, "distribution.elasticity shapes the run and cannot be set by a plugin; set it in the scenario's parameters"},
		{"set_out_of_range", 18, "treatment.dna_rate: 2 is out of range [0, 0.9]"},
		{"bad_problem", 40, "person.problem must be one of depression, generalised_anxiety"},
		{"unknown_field", 42, "person has no field 'shoe_size'"},
		{"randomseed", 44, "math.randomseed is not available"},
		{"binary_chunk", 47, "attempt to load a binary chunk"},
		{"string_dump", 49, "attempt to call a nil value (field 'dump')"},
		{"flow_unknown", 51, "unknown category 'therapy_session' (did you mean 'therapy_sessions'?)"},
		{"metric_undeclared", 53, "'nope' is not declared"},
		{"bad_responsiveness", 55, "person.responsiveness = -1 is outside [0, 1000]"},
		{"dot_call", 57, "call ctx:get(...) with a colon, not ctx.get(...)"},
	};
	size_t i;
	unlink("/tmp/iaptsim_sandbox_breach");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char yaml[512], where[512];
		snprintf(yaml, sizeof yaml, "  - use: %s/misbehaves.lua\n    with: { what: %s }\n    instructions: 1000000\n    memory_mb: 8",
			 PLUGINS, cases[i].what);
		snprintf(where, sizeof where, "%s/misbehaves.lua:%d: ", PLUGINS, cases[i].line);
		expect_failure(scenario(yaml), where, cases[i].frag);
	}
	ck_assert_msg(access("/tmp/iaptsim_sandbox_breach", F_OK) != 0, "os.execute ran");
}
END_TEST

/* A scenario names its plugins as plain data, with the place of each value; the Lua host
 * loads them; a run of a scenario with plugins needs their hooks. */
START_TEST(plugin_specs_are_plain_data)
{
	static const char text[] = "iaptsim: 1\nname: specs\nyears: 2019\nreplicates: 1\npopulation_scale: 0.01\n"
				   "plugins:\n  - use: long_term_conditions\n    with: { integrated_share: 0.5 }\n    memory_mb: 16\n";
	iapt_scenario *sc;
	iapt_results *res = NULL;
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	const iapt_plugin_spec *sp;
	size_t i;
	ck_assert_int_eq(iapt_scenario_parse(&sc, text, sizeof text - 1, "dir/specs.yaml"), 0);
	ck_assert_uint_eq(sc->n_plugin_specs, 1);
	ck_assert_uint_eq(sc->n_plugins, 0); /* parsing loads nothing */
	sp = &sc->plugin_specs[0];
	ck_assert_str_eq(sp->use, "long_term_conditions");
	ck_assert_str_eq(sp->base_dir, "dir");
	ck_assert_int_eq(sp->memory_mb, 16);
	ck_assert_uint_eq(sp->n_with, 1);
	ck_assert_str_eq(sp->with[0].name, "integrated_share");
	ck_assert_str_eq(sp->with[0].value, "0.5");
	ck_assert_str_eq(sp->with[0].value_at.file, "dir/specs.yaml");
	ck_assert_uint_eq(sp->with[0].value_at.line, 7);
	ck_assert_uint_eq(sp->with[0].value_at.col, 30);
	ck_assert_str_eq(sp->with[0].value_at.text, "    with: { integrated_share: 0.5 }");
	ck_assert_int_eq(iapt_sim_run(&res, sc, &ro), IAPT_EINVAL);
	ck_assert_ptr_null(res);
	ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, "the scenario uses plugins"));
	ck_assert_int_eq(iapt_plugins_load(sc), 0);
	ck_assert_uint_eq(sc->n_plugins, 1);
	ck_assert_int_eq(iapt_plugin_option_find(sc->plugins[0], "integrated_share", &i), 0);
	ck_assert(sc->plugins[0]->options[i].num == 0.5);
	ck_assert_str_eq(sc->plugins[0]->options[i].origin, "dir/specs.yaml:8");
	ck_assert_int_eq(iapt_plugins_load(sc), IAPT_EINVAL); /* once */
	iapt_scenario_free(sc);
}
END_TEST

/* A plugin that misbehaves in no way runs, and changes nothing. */
START_TEST(harmless_plugin_changes_nothing)
{
	iapt_scenario *a = scenario_years("  - use: " PLUGINS "/misbehaves.lua", 2019, 2019, 2, 0.01, 2);
	iapt_scenario *b = scenario_years("  - use: " PLUGINS "/fails.lua", 2019, 2019, 2, 0.01, 2);
	iapt_scenario *c = scenario_years("  []", 2019, 2019, 2, 0.01, 2);
	iapt_results *ra = run(a, 1), *rb = run(b, 2), *rc = run(c, 1);
	int g, m, r, k, t;
	ck_assert_int_eq((int)c->n_plugins, 0);
	for (r = 0; r < 2; r++) {
		for (g = 0; g < IAPT_G__COUNT; g++)
			for (m = 0; m < IAPT_M__COUNT; m++) {
				double v = iapt_results_value(rc, 2019, g, m, r);
				if (isnan(v))
					continue;
				ck_assert_msg(iapt_results_value(ra, 2019, g, m, r) == v, "%s %s", iapt_group_name(g), iapt_metric_name(m));
				ck_assert_msg(iapt_results_value(rb, 2019, g, m, r) == v, "%s %s", iapt_group_name(g), iapt_metric_name(m));
			}
		for (k = 0; k < IAPT_CAT__COUNT; k++)
			for (t = 0; t < IAPT_PERSP__COUNT; t++)
				ck_assert(ledger_sum(ra, r, k, t) == ledger_sum(rc, r, k, t));
	}
	iapt_results_free(ra);
	iapt_results_free(rb);
	iapt_results_free(rc);
	iapt_scenario_free(a);
	iapt_scenario_free(b);
	iapt_scenario_free(c);
}
END_TEST

/* ---- the API ---- */

START_TEST(api_reads_writes_and_reports)
{
	iapt_scenario *sc = scenario_years("  - use: " PLUGINS "/api.lua\n    with: { dna_rate: 0, flow: -10 }", 2019, 2020, 2, 0.01, 1);
	iapt_results *r = run(sc, 1);
	double n = extra(r, "api.referrals", 2019, 0);
	const char *log = iapt_results_log(r, 1);
	/* every referral seen once; the count is at national scale like the core's */
	ck_assert_double_eq_tol(n, iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, 0), 1e-6);
	/* ctx:set in setup took effect, and ctx:get sees it */
	ck_assert_double_eq(iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_SESSIONS_MISSED, 0), 0);
	ck_assert_double_eq(extra(r, "api.dna_seen", 2020, 0), 0);
	/* person.discharge_year is the year of the discharge's week (a metric counts there too) */
	ck_assert_double_eq(extra(r, "api.by_discharge_year", 2019, 0), extra(r, "api.discharges", 2019, 0));
	ck_assert_double_eq(extra(r, "api.by_discharge_year", 2020, 1), extra(r, "api.discharges", 2020, 1));
	/* the outcome fields agree with the official counts (counted at discharge in the year) */
	ck_assert_double_eq_tol(extra(r, "api.finished", 2019, 0),
				iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_FINISHED_COURSE, 0), 1e-6);
	/* math.random: uniform on [0, 1) and whole numbers 1..6 */
	ck_assert_double_eq_tol(extra(r, "api.u_sum", 2019, 0) / n, 0.5, 0.01);
	ck_assert_double_eq_tol(extra(r, "api.dice_sum", 2019, 0) / n, 3.5, 0.03);
	ck_assert_double_eq(extra(r, "api.dice_bad", 2019, 0), 0);
	/* on_finish sees the replicate's results */
	ck_assert_double_eq(extra(r, "api.finish_entered", 2019, 1),
			    iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_ENTERED_TREATMENT, 1));
	/* flows go to the ledger, at the perspective given, at national scale */
	ck_assert(ledger_sum(r, 0, IAPT_CAT_EMPLOYMENT_SUPPORT, IAPT_PERSP_EXCHEQUER) < 0);
	ck_assert_double_eq(ledger_sum(r, 0, IAPT_CAT_EMPLOYMENT_SUPPORT, IAPT_PERSP_NHS), 0);
	/* print and ctx:log, per replicate */
	ck_assert_ptr_nonnull(log);
	ck_assert_msg(strstr(log, "api: setup\t2019\t2020\t2") != NULL, "log: %s", log);
	ck_assert_msg(strstr(log, "api: finished replicate 2") != NULL, "log: %s", log);
	iapt_results_free(r);
	iapt_scenario_free(sc);
}
END_TEST

/* With no warm-up and no follow-up, every discharge belongs to the reported cohort and
 * falls in the reported year: the ledger holds exactly -10 per discharge. */
START_TEST(api_flows_exact)
{
	iapt_scenario *sc;
	iapt_results *r;
	burn_in = 0;
	sc = scenario_years("  - use: " PLUGINS "/api.lua\n    with: { flow: -10 }", 2019, 2019, 2, 0.01, 0);
	burn_in = 1;
	r = run(sc, 2);
	ck_assert(extra(r, "api.discharges", 2019, 1) > 10000);
	ck_assert_double_eq_tol(ledger_sum(r, 1, IAPT_CAT_EMPLOYMENT_SUPPORT, IAPT_PERSP_EXCHEQUER) /
				(-10.0 * extra(r, "api.discharges", 2019, 1)), 1, 1e-12);
	iapt_results_free(r);
	iapt_scenario_free(sc);
}
END_TEST

START_TEST(api_person_writes_change_the_pathway)
{
	iapt_scenario *a = scenario("  - use: " PLUGINS "/api.lua\n    with: { signpost_all: true }");
	iapt_scenario *b = scenario("  - use: " PLUGINS "/api.lua\n    with: { all_ltc: true }");
	iapt_results *ra = run(a, 1), *rb = run(b, 1);
	ck_assert_double_eq(iapt_results_value(ra, 2019, IAPT_G_ALL, IAPT_M_ENTERED_TREATMENT, 0), 0);
	ck_assert_double_eq(iapt_results_value(rb, 2019, IAPT_G_LTC_NO, IAPT_M_REFERRALS_RECEIVED, 0), 0);
	ck_assert(iapt_results_value(rb, 2019, IAPT_G_LTC_YES, IAPT_M_REFERRALS_RECEIVED, 0) > 0);
	iapt_results_free(ra);
	iapt_results_free(rb);
	iapt_scenario_free(a);
	iapt_scenario_free(b);
}
END_TEST

/* Same seed, same results, whatever the thread count, with every built-in plugin. */
START_TEST(threads_do_not_change_results)
{
	const char *all = "  - use: digital_therapy\n  - use: employment_advisers\n  - use: long_term_conditions\n"
			  "  - use: ltp_expansion\n    with: { target_year: 2021 }\n  - use: " PLUGINS "/api.lua";
	iapt_scenario *sc = scenario_years(all, 2019, 2020, 4, 0.01, 2);
	iapt_results *r1 = run(sc, 1), *r2 = run(sc, 2), *r3 = run(sc, 3);
	int rep, y, k, c, t;
	size_t e;
	for (rep = 0; rep < 4; rep++)
		for (y = 2019; y <= 2020; y++) {
			int g, m;
			for (g = 0; g < IAPT_G__COUNT; g++)
				for (m = 0; m < IAPT_M__COUNT; m++) {
					double v = iapt_results_value(r1, y, g, m, rep);
					if (isnan(v))
						continue;
					ck_assert(iapt_results_value(r2, y, g, m, rep) == v);
					ck_assert(iapt_results_value(r3, y, g, m, rep) == v);
				}
			for (e = 0; e < iapt_results_extra_count(r1); e++) {
				ck_assert(iapt_results_extra(r2, y, e, rep) == iapt_results_extra(r1, y, e, rep));
				ck_assert(iapt_results_extra(r3, y, e, rep) == iapt_results_extra(r1, y, e, rep));
			}
			for (c = 2019; c <= 2020; c++)
				for (k = 0; k < IAPT_CAT__COUNT; k++)
					for (t = 0; t < IAPT_PERSP__COUNT; t++) {
						double v = iapt_results_ledger(r1, rep, y, c, k, t);
						ck_assert(iapt_results_ledger(r2, rep, y, c, k, t) == v);
						ck_assert(iapt_results_ledger(r3, rep, y, c, k, t) == v);
					}
			ck_assert_str_eq(iapt_results_log(r1, rep), iapt_results_log(r3, rep));
		}
	iapt_results_free(r1);
	iapt_results_free(r2);
	iapt_results_free(r3);
	iapt_scenario_free(sc);
}
END_TEST

/* ctx:set in on_year holds for that year only unless carried forward: set from ctx:get
 * every year, it does not compound; carried, it does. */
START_TEST(set_in_on_year_holds_for_the_year)
{
	static const struct {
		const char *with;
		double f2020, f2021; /* seen / base in 2020 and 2021 */
	} cases[] = {
		{"{ carry: false }", 1, 1},
		{"{ carry: true }", 1.5, 1.5},
		{"{ every_year: true }", 1, 1},
		{"{ every_year: true, carry: true }", 1.5, 2.25},
	};
	size_t i;
	burn_in = 0;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char yaml[512];
		iapt_scenario *sc;
		iapt_results *r;
		snprintf(yaml, sizeof yaml, "  - use: %s/set_year.lua\n    with: %s", PLUGINS, cases[i].with);
		sc = scenario_years(yaml, 2019, 2021, 1, 0.002, 0);
		r = run(sc, 1);
		ck_assert_double_eq(extra(r, "set_year.seen", 2019, 0), extra(r, "set_year.base", 2019, 0));
		ck_assert_double_eq_tol(extra(r, "set_year.seen", 2020, 0) / extra(r, "set_year.base", 2020, 0), cases[i].f2020, 1e-12);
		ck_assert_double_eq_tol(extra(r, "set_year.seen", 2021, 0) / extra(r, "set_year.base", 2021, 0), cases[i].f2021, 1e-12);
		iapt_results_free(r);
		iapt_scenario_free(sc);
	}
	burn_in = 1;
}
END_TEST

/* ---- the plugins' own groups ---- */

static size_t hook_group(const iapt_results *r, const char *name)
{
	size_t k;
	for (k = 0; k < iapt_results_hook_group_count(r); k++)
		if (!strcmp(iapt_results_hook_group_name(r, k), name))
			return k;
	ck_abort_msg("no group %s", name);
	return 0;
}

/* Rows per level, in scenario order and each plugin's groups by name; a level holds the
 * people its assign names (sex= is gender=, waited=yes and =no add up to all for counts),
 * with the metrics of an attribute group, whatever the thread count. */
START_TEST(groups_break_metrics_down)
{
	iapt_scenario *sc = scenario_years("  - use: " PLUGINS "/groups.lua", 2019, 2020, 3, 0.01, 1);
	iapt_results *r1 = run(sc, 1), *r2 = run(sc, 2);
	static const char *const names[] = {"groups.sex=female", "groups.sex=male", "groups.sex=other", "groups.waited=yes", "groups.waited=no"};
	int rep, y, m;
	size_t k;
	ck_assert_uint_eq(iapt_results_hook_group_count(r1), 5);
	for (k = 0; k < 5; k++)
		ck_assert_str_eq(iapt_results_hook_group_name(r1, k), names[k]);
	ck_assert_ptr_null(iapt_results_hook_group_name(r1, 5));
	for (rep = 0; rep < 3; rep++)
		for (y = 2019; y <= 2020; y++) {
			size_t yes = hook_group(r1, "groups.waited=yes"), no = hook_group(r1, "groups.waited=no");
			for (m = 0; m < IAPT_M__COUNT; m++) {
				for (k = 0; k < 5; k++) {
					double v = iapt_results_hook_group_value(r1, y, k, m, rep);
					ck_assert(iapt_metric_in_group(m, IAPT_G_LTC_YES) || isnan(v));
					ck_assert(isnan(v) ? isnan(iapt_results_hook_group_value(r2, y, k, m, rep))
							   : iapt_results_hook_group_value(r2, y, k, m, rep) == v);
				}
				for (k = 0; k < 3; k++) {
					double v = iapt_results_hook_group_value(r1, y, k, m, rep), w = iapt_results_value(r1, y, IAPT_G_GENDER_FEMALE + (int)k, m, rep);
					ck_assert_msg(isnan(v) ? isnan(w) : v == w, "%s %s: %g, gender= %g", names[k], iapt_metric_name(m), v, w);
				}
			}
			/* nobody has waited 4 weeks when referred; some have by their first session */
			ck_assert_double_eq(iapt_results_hook_group_value(r1, y, yes, IAPT_M_REFERRALS_RECEIVED, rep), 0);
			ck_assert(iapt_results_hook_group_value(r1, y, yes, IAPT_M_ENTERED_TREATMENT, rep) > 0);
			ck_assert(iapt_results_hook_group_value(r1, y, no, IAPT_M_ENTERED_TREATMENT, rep) > 0);
			ck_assert_double_eq_tol(iapt_results_hook_group_value(r1, y, yes, IAPT_M_FINISHED_COURSE, rep) +
							iapt_results_hook_group_value(r1, y, no, IAPT_M_FINISHED_COURSE, rep),
						iapt_results_value(r1, y, IAPT_G_ALL, IAPT_M_FINISHED_COURSE, rep), 1e-6);
			ck_assert_double_eq_tol(iapt_results_hook_group_value(r1, y, yes, IAPT_M_ENTERED_TREATMENT, rep) +
							iapt_results_hook_group_value(r1, y, no, IAPT_M_ENTERED_TREATMENT, rep),
						iapt_results_value(r1, y, IAPT_G_ALL, IAPT_M_ENTERED_TREATMENT, rep), 1e-6);
			/* the breakdown changes nothing else */
			for (m = 0; m < IAPT_M__COUNT; m++) {
				double v = iapt_results_value(r1, y, IAPT_G_ALL, m, rep);
				ck_assert(isnan(v) || iapt_results_value(r2, y, IAPT_G_ALL, m, rep) == v);
			}
		}
	ck_assert(isnan(iapt_results_hook_group_value(r1, 2021, 0, 0, 0)));
	ck_assert(isnan(iapt_results_hook_group_value(r1, 2019, 5, 0, 0)));
	iapt_results_free(r1);
	iapt_results_free(r2);
	iapt_scenario_free(sc);
}
END_TEST

/* An assign that returns no level of its group, writes, reads what it cannot or books
 * money stops the run at the plugin's line. */
START_TEST(groups_refuse_bad_assigns)
{
	static const struct {
		const char *bad;
		int line;
		const char *msg, *frag;
	} cases[] = {
		{"unknown_level", 14, "groups.waited: assign returned 'maybe', not one of its levels (yes, no)", "(in groups.waited.assign of plugin 'groups', replicate 1)"},
		{"write", 17, "person.mark cannot be set in a group's assign: it only says which level the person is in", "stack traceback:"},
		{"late_field", 18, "person.phq9 is not known in a group's assign", "stack traceback:"},
		{"flow", 19, "ctx:flow is not for a group's assign: it only says which level the person is in", "(in groups.waited.assign of plugin 'groups', replicate 1)"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char yaml[512], where[512];
		snprintf(yaml, sizeof yaml, "  - use: %s/groups.lua\n    with: { bad: %s }", PLUGINS, cases[i].bad);
		snprintf(where, sizeof where, "%s/groups.lua:%d: %s", PLUGINS, cases[i].line, cases[i].msg);
		expect_failure(scenario(yaml), where, cases[i].frag);
	}
}
END_TEST

/* ---- the built-in plugins, direction and size ---- */

/* The booklet's cost is under its own category, exactly 20 a booklet of the reported cohort
 * (the booklets metric counts by year of referral), and it moves people into treatment. */
START_TEST(waiting_list_support_costs_and_starts)
{
	iapt_scenario *a, *b;
	iapt_results *ra, *rb;
	int rep;
	a = scenario_years("  - use: waiting_list_support", 2019, 2019, 2, 0.05, 1);
	b = scenario_years("  []", 2019, 2019, 2, 0.05, 1);
	ra = run(a, 2);
	rb = run(b, 1);
	ck_assert_str_eq(iapt_results_category_name(ra, IAPT_CAT_PLUGIN_1), "waiting_list_support.booklet");
	ck_assert_ptr_null(iapt_results_category_name(ra, IAPT_CAT_PLUGIN_2));
	ck_assert_ptr_null(iapt_results_category_name(rb, IAPT_CAT_PLUGIN_1));
	for (rep = 0; rep < 2; rep++) {
		double n = extra(ra, "waiting_list_support.booklets", 2019, rep);
		ck_assert_msg(n > 1000, "%g booklets", n);
		ck_assert_double_eq_tol(ledger_sum(ra, rep, IAPT_CAT_PLUGIN_1, IAPT_PERSP_NHS) / (-20.0 * n), 1, 1e-9);
		/* nothing else booked there, and no booklet costs in the run without it */
		ck_assert_double_eq(ledger_sum(ra, rep, IAPT_CAT_PLUGIN_1, IAPT_PERSP_EXCHEQUER), 0);
		ck_assert_double_eq(ledger_sum(rb, rep, IAPT_CAT_PLUGIN_1, IAPT_PERSP_NHS), 0);
		/* fewer leave the list: more start treatment */
		ck_assert(iapt_results_value(ra, 2019, IAPT_G_ALL, IAPT_M_ENTERED_TREATMENT, rep) >
			  iapt_results_value(rb, 2019, IAPT_G_ALL, IAPT_M_ENTERED_TREATMENT, rep));
	}
	iapt_results_free(ra);
	iapt_results_free(rb);
	iapt_scenario_free(a);
	iapt_scenario_free(b);
}
END_TEST

/* Outreach raises referrals of people aged 65 and over by 30% (within Monte Carlo error),
 * and all referrals by that increase alone; its yearly cost is under its own category. */
START_TEST(older_adults_outreach_targets_its_group)
{
	enum { REPS = 8 };
	iapt_scenario *a = scenario_years("  - use: older_adults_outreach", 2019, 2020, REPS, 0.01, 0);
	iapt_scenario *b = scenario_years("  []", 2019, 2019 + 1, REPS, 0.01, 0);
	iapt_results *ra = run(a, 2), *rb = run(b, 2);
	double ga = 0, gb = 0, d[REPS], md = 0, sd = 0, inc = 0;
	int rep, y;
	for (y = 2019; y <= 2020; y++)
		for (rep = 0; rep < REPS; rep++) {
			ga += iapt_results_value(ra, y, IAPT_G_AGE_65_PLUS, IAPT_M_REFERRALS_RECEIVED, rep);
			gb += iapt_results_value(rb, y, IAPT_G_AGE_65_PLUS, IAPT_M_REFERRALS_RECEIVED, rep);
		}
	/* about 2,100 a replicate and year at this scale: the ratio's error is about 1% */
	ck_assert_msg(fabs(ga / gb - 1.3) < 0.04, "65+ referrals x %g", ga / gb);
	/* the rise in all referrals is the group's: the others' differ by chance only */
	for (rep = 0; rep < REPS; rep++) {
		double dt = 0, dg = 0;
		for (y = 2019; y <= 2020; y++) {
			dt += iapt_results_value(ra, y, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, rep) -
			      iapt_results_value(rb, y, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, rep);
			dg += iapt_results_value(ra, y, IAPT_G_AGE_65_PLUS, IAPT_M_REFERRALS_RECEIVED, rep) -
			      iapt_results_value(rb, y, IAPT_G_AGE_65_PLUS, IAPT_M_REFERRALS_RECEIVED, rep);
		}
		d[rep] = dt - dg;
		md += d[rep] / REPS;
		inc += dg / REPS;
	}
	for (rep = 0; rep < REPS; rep++)
		sd += (d[rep] - md) * (d[rep] - md) / (REPS - 1);
	sd = sqrt(sd);
	ck_assert(inc > 0);
	ck_assert_msg(fabs(md) < 3 * sd / sqrt(REPS) + 1e-9, "others' referrals moved by %g (sd %g), group by %g", md, sd, inc);
	ck_assert_msg(fabs(md) < 0.1 * inc, "others' referrals moved by %g, group by %g", md, inc);
	/* GBP 2m a year, national */
	ck_assert_str_eq(iapt_results_category_name(ra, IAPT_CAT_PLUGIN_1), "older_adults_outreach.campaign");
	for (y = 2019; y <= 2020; y++)
		ck_assert_double_eq_tol(iapt_results_ledger(ra, 0, y, y, IAPT_CAT_PLUGIN_1, IAPT_PERSP_NHS), -2e6, 1e-3);
	iapt_results_free(ra);
	iapt_results_free(rb);
	iapt_scenario_free(a);
	iapt_scenario_free(b);
}
END_TEST

START_TEST(long_term_conditions_saves_and_employs)
{
	iapt_scenario *on = scenario_years("  - use: long_term_conditions\n    with: { integrated_share: 1, start_year: 2019, full_year: 2019 }",
					   2019, 2019, 2, 0.02, 3);
	iapt_scenario *off = scenario_years("  - use: long_term_conditions\n    with: { integrated_share: 0 }", 2019, 2019, 2, 0.02, 3);
	iapt_results *a = run(on, 2), *b = run(off, 2);
	int rep;
	double saving = 0, entered = 0, d_phys = 0, d_benefits = 0, d_tax = 0;
	for (rep = 0; rep < 2; rep++) {
		/* every service integrated: every LTC referral is seen in one */
		ck_assert_double_eq(extra(a, "long_term_conditions.integrated_referrals", 2019, rep),
				    extra(a, "long_term_conditions.ltc_referrals", 2019, rep));
		ck_assert_double_eq(extra(b, "long_term_conditions.integrated_referrals", 2019, rep), 0);
		ck_assert_double_eq(extra(a, "long_term_conditions.integrated_services_pct", 2019, rep), 100);
		entered += iapt_results_value(a, 2019, IAPT_G_LTC_YES, IAPT_M_ENTERED_TREATMENT, rep);
		d_phys += ledger_sum(a, rep, IAPT_CAT_PHYSICAL_HEALTH, IAPT_PERSP_NHS) - ledger_sum(b, rep, IAPT_CAT_PHYSICAL_HEALTH, IAPT_PERSP_NHS);
		d_benefits += ledger_sum(a, rep, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER) - ledger_sum(b, rep, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER);
		d_tax += ledger_sum(a, rep, IAPT_CAT_INCOME_TAX, IAPT_PERSP_EXCHEQUER) - ledger_sum(b, rep, IAPT_CAT_INCOME_TAX, IAPT_PERSP_EXCHEQUER);
	}
	/* GBP 360 (2019-20 prices, the run's) for each person with an LTC who entered treatment */
	saving = 360.0 * entered;
	ck_assert_msg(fabs(d_phys / saving - 1) < 0.1, "physical-health change %g, expected about %g", d_phys, saving);
	/* more people in work: fewer benefits paid, more tax received */
	ck_assert_msg(d_benefits > 0 && d_tax > 0, "benefits %g tax %g", d_benefits, d_tax);
	iapt_results_free(a);
	iapt_results_free(b);
	iapt_scenario_free(on);
	iapt_scenario_free(off);
}
END_TEST

START_TEST(employment_advisers_cost_and_jobs)
{
	iapt_scenario *sc = scenario_years("  - use: employment_advisers\n    with: { uptake: 1, job_entry_gain: 0.5, cost_per_client: 1000 }",
					   2019, 2019, 2, 0.02, 2);
	iapt_scenario *off = scenario_years("  - use: employment_advisers\n    with: { uptake: 0 }", 2019, 2019, 2, 0.02, 2);
	iapt_results *r = run(sc, 1), *b = run(off, 1);
	int rep;
	for (rep = 0; rep < 2; rep++) {
		double clients = extra(r, "employment_advisers.clients", 2019, rep);
		double jobs = extra(r, "employment_advisers.job_entries", 2019, rep);
		double unemployed = iapt_results_value(r, 2019, IAPT_G_EMP_START_UNEMPLOYED, IAPT_M_FINISHED_COURSE, rep) +
				    iapt_results_value(r, 2019, IAPT_G_EMP_START_SICK_OR_DISABLED, IAPT_M_FINISHED_COURSE, rep);
		/* employed at the end among those who started out of work, with and without
		 * advisers (the same random numbers otherwise) */
		double emp_r = iapt_results_value(r, 2019, IAPT_G_EMP_START_UNEMPLOYED, IAPT_M_FINISHED_END_EMPLOYED, rep) +
			       iapt_results_value(r, 2019, IAPT_G_EMP_START_SICK_OR_DISABLED, IAPT_M_FINISHED_END_EMPLOYED, rep);
		double emp_b = iapt_results_value(b, 2019, IAPT_G_EMP_START_UNEMPLOYED, IAPT_M_FINISHED_END_EMPLOYED, rep) +
			       iapt_results_value(b, 2019, IAPT_G_EMP_START_SICK_OR_DISABLED, IAPT_M_FINISHED_END_EMPLOYED, rep);
		/* everyone who finished and started out of work saw an adviser */
		ck_assert_double_eq_tol(clients, unemployed, 1e-6);
		/* half of those still out of work at discharge moved into work, and the status at
		 * the end of treatment shows exactly those moves */
		ck_assert_double_eq_tol(jobs / (clients - emp_b), 0.5, 0.03);
		ck_assert_double_eq_tol(emp_r - emp_b, jobs, 1e-6);
		/* GBP 1,000 a client, to the Exchequer, in employment support; the ledger holds the
		 * 2019-20 cohort (some finish in the year after), the count the year's discharges */
		ck_assert_double_eq_tol(ledger_sum(r, rep, IAPT_CAT_EMPLOYMENT_SUPPORT, IAPT_PERSP_EXCHEQUER) / (-1000.0 * clients), 1, 0.05);
		ck_assert(ledger_sum(r, rep, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER) >
			  ledger_sum(b, rep, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER));
		ck_assert_double_eq(extra(b, "employment_advisers.clients", 2019, rep), 0);
	}
	iapt_results_free(r);
	iapt_results_free(b);
	iapt_scenario_free(sc);
	iapt_scenario_free(off);
}
END_TEST

START_TEST(digital_therapy_reach_cost_effect)
{
	/* as effective, as costly and as long as face-to-face: nothing changes */
	iapt_scenario *same = scenario_years("  - use: digital_therapy\n    with: { reach: 0.5, relative_effect: 1, therapist_time: 1, licence_per_person: 100 }",
					     2019, 2019, 1, 0.02, 0);
	iapt_scenario *none = scenario_years("  []", 2019, 2019, 1, 0.02, 0);
	iapt_scenario *weak = scenario_years("  - use: digital_therapy\n    with: { reach: 1, relative_effect: 0.5, therapist_time: 1, licence_per_person: 100 }",
					     2019, 2019, 1, 0.02, 0);
	iapt_scenario *cheap = scenario_years("  - use: digital_therapy\n    with: { reach: 0.5 }", 2019, 2019, 1, 0.02, 0);
	/* as long as face-to-face, with and without a licence: the ledger differs by the licence per course */
	iapt_scenario *lic = scenario_years("  - use: digital_therapy\n    with: { reach: 0.5, therapist_time: 1, licence_per_person: 100 }",
					    2019, 2019, 1, 0.02, 0);
	iapt_scenario *nolic = scenario_years("  - use: digital_therapy\n    with: { reach: 0.5, therapist_time: 1, licence_per_person: 0 }",
					      2019, 2019, 1, 0.02, 0);
	iapt_results *rs, *rn, *rw, *rc, *rl, *rz;
	int m;
	double refs, li_share;
	/* cost.li_session at 0 makes the face-to-face session cost 0 too: no refund either way */
	iapt_params_assign(same->params, "cost.li_session=0", "test");
	rs = run(same, 1);
	rn = run(none, 1);
	rw = run(weak, 1);
	rc = run(cheap, 1);
	rl = run(lic, 1);
	rz = run(nolic, 1);
	for (m = 0; m < IAPT_M__COUNT; m++)
		ck_assert_msg(iapt_results_value(rs, 2019, IAPT_G_ALL, m, 0) == iapt_results_value(rn, 2019, IAPT_G_ALL, m, 0),
			      "%s", iapt_metric_name(m));
	/* reach: half of those routed to low intensity (the share of referrals routed there is
	 * (1 - signposted) x (1 - HI first), less PTSD and social anxiety) */
	refs = iapt_results_value(rs, 2019, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, 0);
	li_share = (1 - 0.25) * (1 - 0.18) * (1 - 0.05 - 0.03);
	ck_assert_double_eq_tol(extra(rs, "digital_therapy.digital_referrals", 2019, 0) / refs, 0.5 * li_share, 0.02);
	/* half the effect: fewer recover */
	ck_assert(iapt_results_value(rw, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, 0) <
		  iapt_results_value(rn, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, 0) - 2);
	/* cheaper sessions and more capacity: therapy costs less per attended session */
	ck_assert(ledger_sum(rc, 0, IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS) / iapt_results_value(rc, 2019, IAPT_G_ALL, IAPT_M_SESSIONS_ATTENDED, 0) >
		  ledger_sum(rn, 0, IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS) / iapt_results_value(rn, 2019, IAPT_G_ALL, IAPT_M_SESSIONS_ATTENDED, 0));
	iapt_results_free(rs);
	iapt_results_free(rn);
	iapt_results_free(rw);
	/* the licence, once per course: the courses counted include those of warm-up cohorts,
	 * whose flows are not reported (plugins/README.md), so the ledger holds most of them */
	{
		double courses = extra(rl, "digital_therapy.digital_courses", 2019, 0);
		double d = ledger_sum(rl, 0, IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS) - ledger_sum(rz, 0, IAPT_CAT_THERAPY_SESSIONS, IAPT_PERSP_NHS);
		ck_assert(courses > 0);
		ck_assert_msg(d <= -0.8 * 100 * courses && d >= -100 * courses * (1 + 1e-9), "licence flows %g for %g courses", d, courses);
	}
	iapt_results_free(rc);
	iapt_results_free(rl);
	iapt_results_free(rz);
	iapt_scenario_free(lic);
	iapt_scenario_free(nolic);
	iapt_scenario_free(same);
	iapt_scenario_free(none);
	iapt_scenario_free(weak);
	iapt_scenario_free(cheap);
}
END_TEST

START_TEST(ltp_expansion_reaches_its_target)
{
	iapt_scenario *sc = scenario_years("  - use: ltp_expansion\n    with: { target_entering: 1500000, target_year: 2021 }",
					   2019, 2021, 2, 0.02, 0);
	iapt_results *r = run(sc, 2);
	int rep;
	for (rep = 0; rep < 2; rep++) {
		double e = iapt_results_value(r, 2021, IAPT_G_ALL, IAPT_M_ENTERED_TREATMENT, rep);
		ck_assert_msg(fabs(e / 1500000 - 1) < 0.04, "entered %g in 2021-22", e);
		ck_assert_double_eq(extra(r, "ltp_expansion.target_entering", 2021, rep), 1500000);
		ck_assert(extra(r, "ltp_expansion.planned_li_trainees", 2019, rep) > 0);
		ck_assert(iapt_results_value(r, 2021, IAPT_G_ALL, IAPT_M_WTE_LI, rep) >
			  iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_WTE_LI, rep));
	}
	iapt_results_free(r);
	iapt_scenario_free(sc);
}
END_TEST

/* ---- one service's features: ctx:service, services_policy ---- */

/* A 2019-20 run at 1% with the probe (and `more` plugins), and a services_policy block. */
static iapt_scenario *probe_scenario(const char *policy, const char *more, int reps)
{
	char text[4096];
	iapt_scenario *sc = NULL;
	int rc;
	snprintf(text, sizeof text,
		 "iaptsim: 1\nname: probe\nyears: 2019\nseed: 4242\nreplicates: %d\npopulation_scale: 0.01\n%s"
		 "parameters:\n  followup.years: 0\nplugins:\n  - use: %s/service_probe.lua\n%s",
		 reps, policy, PLUGINS, more);
	rc = iapt_scenario_parse(&sc, text, strlen(text), "test.yaml");
	ck_assert_msg(rc == 0, "scenario: %s", iapt_error_last()->message);
	rc = iapt_plugins_load(sc);
	ck_assert_msg(rc == 0, "plugins: %s", iapt_error_last()->message);
	return sc;
}

/* A misuse of ctx:service stops the run at the plugin's line, with a message that says what. */
START_TEST(service_misuse_names_the_line)
{
	static const struct {
		const char *bad;
		int line;
		const char *msg;
	} cases[] = {
		{"unknown_code", 39, "ctx:service: no service '02Z' in data/services.csv (did you mean '02A', '02D' or '02E'?)"},
		{"bad_index", 40, "ctx:service(0): no service with that index (the run's services with codes are 1 to 191)"},
		{"out_of_range", 41, "service 02F: dna 2 is out of range [0, 0.9]"},
		{"not_a_number", 42, "service 02F: pd must be a number, got string"},
		{"unknown_field", 43, "a service has no field 'waits' (code, name, region_code, region, icb_code, icb_name, index, referral_share, pd, step_up, dna, sessions, capacity)"},
		{"set_name", 44, "service 02F: 'name' cannot be set (the features are pd, step_up, dna, sessions, capacity)"},
		{"set_in_referral", 66, "service 02F: dna can be set in setup and on_year, not on_referral"},
		{"read_in_setup", 35, "service 02F: dna can be read from on_year on (setup runs before the first year is loaded)"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char yaml[512], where[512];
		snprintf(yaml, sizeof yaml, "  - use: %s/service_probe.lua\n    with: { bad: %s }", PLUGINS, cases[i].bad);
		snprintf(where, sizeof where, "%s/service_probe.lua:%d: %s", PLUGINS, cases[i].line, cases[i].msg);
		expect_failure(scenario(yaml), where, "stack traceback:");
	}
	/* synthetic services have no codes: ctx:service says so at the line; a service option
	 * (the pilot's) is refused before the run */
	{
		char text[1024];
		iapt_scenario *sc = NULL;
		iapt_results *res = NULL;
		snprintf(text, sizeof text,
			 "iaptsim: 1\nname: s\nyears: 2019\nseed: 1\nreplicates: 1\npopulation_scale: 0.01\nservices: synthetic\n"
			 "plugins:\n  - use: %s/service_probe.lua\n    with: { bad: unknown_code }\n", PLUGINS);
		ck_assert_int_eq(iapt_scenario_parse(&sc, text, strlen(text), "s.yaml"), 0);
		ck_assert_int_eq(iapt_plugins_load(sc), 0);
		ck_assert_int_eq(run_plugins(&res, sc, 1), IAPT_ELUA);
		ck_assert_ptr_nonnull(strstr(iapt_error_last()->message,
					     "/service_probe.lua:39: ctx:service: the services are synthetic (services: synthetic): no service has a code"));
		iapt_scenario_free(sc);
		snprintf(text, sizeof text,
			 "iaptsim: 1\nname: s\nyears: 2019\nseed: 1\nreplicates: 1\npopulation_scale: 0.01\nservices: synthetic\n"
			 "plugins:\n  - use: pilot_one_service\n");
		ck_assert_int_eq(iapt_scenario_parse(&sc, text, strlen(text), "s.yaml"), 0);
		ck_assert_int_eq(iapt_plugins_load(sc), 0);
		ck_assert_int_eq(run_plugins(&res, sc, 1), IAPT_EINVAL);
		ck_assert_str_eq(iapt_error_last()->message,
				 "s.yaml:9:10: plugins.pilot_one_service.with.service (the plugin's default): '02F' names a "
				 "service, but the services are synthetic (services: synthetic) and have no codes\n"
				 "    - use: pilot_one_service\n"
				 "           ^");
		ck_assert_ptr_null(res);
		iapt_scenario_free(sc);
	}
}
END_TEST

#define PROBE(r, f, what) extra(r, "service_probe." f "_" what, 2019, 0)

/* services_policy moves every service worse than the floor (the referral-weighted best
 * quartile, or a level given) to it, a share a year; services at or above it stay. */
START_TEST(services_policy_moves_services_to_the_floor)
{
	static const char *const up[] = {"pd", "step_up", "sessions", "capacity"};
	iapt_scenario *a = probe_scenario("", "", 1);
	iapt_scenario *b = probe_scenario("services_policy: {features: [pd, step_up, dna, sessions, capacity], years: 2019}\n", "", 1);
	iapt_scenario *c = probe_scenario("services_policy: {features: [dna], years: [2019, 2021]}\n", "", 1);
	iapt_scenario *d = probe_scenario("services_policy: {features: [dna, pd], years: 2018, floor: {dna: 0.05}}\n", "", 1);
	iapt_results *ra = run(a, 1), *rb = run(b, 1), *rc = run(c, 1), *rd = run(d, 1);
	size_t i;
	for (i = 0; i < sizeof up / sizeof up[0]; i++) {
		char fl[64], wo[64], be[64];
		snprintf(fl, sizeof fl, "service_probe.%s_floor", up[i]);
		snprintf(wo, sizeof wo, "service_probe.%s_worst", up[i]);
		snprintf(be, sizeof be, "service_probe.%s_best", up[i]);
		ck_assert(extra(ra, wo, 2019, 0) < extra(ra, fl, 2019, 0));
		/* sessions are whole numbers of sessions offered: the worst within a rounding */
		ck_assert_msg(extra(rb, wo, 2019, 0) >= extra(ra, fl, 2019, 0) - (strcmp(up[i], "sessions") ? 1e-12 : 0.1), "%s: worst %g, floor %g",
			      up[i], extra(rb, wo, 2019, 0), extra(ra, fl, 2019, 0));
		ck_assert_msg(extra(rb, be, 2019, 0) == extra(ra, be, 2019, 0), "%s: the best moved", up[i]);
	}
	ck_assert(PROBE(ra, "dna", "worst") > PROBE(ra, "dna", "floor"));
	ck_assert_double_eq_tol(PROBE(rb, "dna", "worst"), PROBE(ra, "dna", "floor"), 1e-12);
	ck_assert(PROBE(rb, "dna", "best") == PROBE(ra, "dna", "best"));
	/* phased over three years: a third of the gap in the first */
	ck_assert_double_eq_tol(PROBE(rc, "dna", "worst"), PROBE(ra, "dna", "worst") + (PROBE(ra, "dna", "floor") - PROBE(ra, "dna", "worst")) / 3, 1e-12);
	ck_assert(PROBE(rc, "pd", "worst") == PROBE(ra, "pd", "worst"));
	/* a level given: no service misses more than 5% of sessions */
	ck_assert_double_eq_tol(PROBE(rd, "dna", "worst"), 0.05, 1e-12);
	ck_assert_double_eq_tol(PROBE(rd, "pd", "worst"), PROBE(ra, "pd", "floor"), 1e-12);
	/* the capacity given is added staff; fewer missed sessions, more recovered */
	ck_assert(iapt_results_value(rb, 2019, IAPT_G_ALL, IAPT_M_WTE_LI, 0) > iapt_results_value(ra, 2019, IAPT_G_ALL, IAPT_M_WTE_LI, 0));
	ck_assert(iapt_results_value(rb, 2019, IAPT_G_ALL, IAPT_M_WTE_HI, 0) > iapt_results_value(ra, 2019, IAPT_G_ALL, IAPT_M_WTE_HI, 0));
	ck_assert(iapt_results_value(rd, 2019, IAPT_G_ALL, IAPT_M_WTE_LI, 0) == iapt_results_value(ra, 2019, IAPT_G_ALL, IAPT_M_WTE_LI, 0));
	ck_assert(iapt_results_value(rb, 2019, IAPT_G_ALL, IAPT_M_SESSIONS_MISSED, 0) < iapt_results_value(ra, 2019, IAPT_G_ALL, IAPT_M_SESSIONS_MISSED, 0));
	ck_assert(iapt_results_value(rb, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, 0) > iapt_results_value(ra, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, 0) + 1);
	iapt_results_free(ra);
	iapt_results_free(rb);
	iapt_results_free(rc);
	iapt_results_free(rd);
	iapt_scenario_free(a);
	iapt_scenario_free(b);
	iapt_scenario_free(c);
	iapt_scenario_free(d);
}
END_TEST

/* A pilot in one service (plugins/pilot_one_service.lua) changes that service's rows and
 * no other's, byte for byte, whatever the threads. */
START_TEST(pilot_changes_one_service_alone)
{
	iapt_scenario *a = scenario_years("  []", 2019, 2020, 2, 0.01, 0);
	iapt_scenario *b = scenario_years("  - use: pilot_one_service\n    with: { service: \"02F\", extra_capacity: 0.5, dna: 0.05, start_year: 2020 }",
					  2019, 2020, 2, 0.01, 0);
	iapt_results *ra = run(a, 1), *rb = run(b, 1), *rb2 = run(b, 2);
	int k, m, rep, y, pilot = -1, changed = 0;
	iapt_service_info info;
	for (k = 0; k < iapt_results_services(ra); k++) {
		ck_assert_int_eq(iapt_results_service_info(ra, k, &info), 0);
		if (!strcmp(info.code, "02F"))
			pilot = k;
	}
	ck_assert_int_ge(pilot, 0);
	for (rep = 0; rep < 2; rep++)
		for (y = 2019; y <= 2020; y++)
			for (k = 0; k < iapt_results_services(ra); k++)
				for (m = 0; m < IAPT_SM__COUNT; m++) {
					double va = iapt_results_service_value(ra, y, k, m, rep), vb = iapt_results_service_value(rb, y, k, m, rep);
					ck_assert(memcmp(&vb, &(double){iapt_results_service_value(rb2, y, k, m, rep)}, sizeof vb) == 0);
					if (k != pilot || y == 2019)
						ck_assert_msg(memcmp(&va, &vb, sizeof va) == 0, "%d %s %s", y, iapt_results_service_info(ra, k, &info) ? "?" : info.code,
							      iapt_service_measure_name(m));
					else
						changed += va != vb;
				}
	ck_assert_int_gt(changed, 10);
	for (rep = 0; rep < 2; rep++) {
		ck_assert(iapt_results_service_value(rb, 2020, pilot, IAPT_SM_ENTERED_TREATMENT_PCT, rep) >
			  iapt_results_service_value(ra, 2020, pilot, IAPT_SM_ENTERED_TREATMENT_PCT, rep));
		ck_assert(iapt_results_service_value(rb, 2020, pilot, IAPT_SM_WITHIN_6WK_PCT, rep) >
			  iapt_results_service_value(ra, 2020, pilot, IAPT_SM_WITHIN_6WK_PCT, rep) + 5); /* 78-88% without it at this scale */
		ck_assert(iapt_results_service_value(rb, 2020, pilot, IAPT_SM_DNA_PCT, rep) < 7);
		/* its capacity is added staff */
		ck_assert(iapt_results_value(rb, 2020, IAPT_G_ALL, IAPT_M_WTE_LI, rep) > iapt_results_value(ra, 2020, IAPT_G_ALL, IAPT_M_WTE_LI, rep));
		ck_assert_double_eq_tol(extra(rb, "pilot_one_service.pilot_capacity", 2020, rep) / extra(rb, "pilot_one_service.pilot_capacity", 2019, rep), 1.5,
					1e-9);
	}
	iapt_results_free(ra);
	iapt_results_free(rb);
	iapt_results_free(rb2);
	iapt_scenario_free(a);
	iapt_scenario_free(b);
}
END_TEST

/* A service option (service = true) that names no service is refused before any run, by
 * iapt_engine_check and by iapt_sim_run alike, also when a program sets it after loading:
 * the option, where the value came from (a program: no place in the file to show), the
 * value and the nearest codes. */
START_TEST(pilot_refuses_a_code_not_in_the_table)
{
	iapt_scenario *sc = scenario("  - use: pilot_one_service\n    with: { service: \"02F\" }");
	iapt_plugin_option *o = NULL;
	iapt_results *res = NULL;
	size_t i;
	static const char *msg = "plugins.pilot_one_service.with.service (set after the scenario was read): no service '99' in "
				 "data/services.csv (did you mean '99A', '99C' or '99D'?)";
	ck_assert_int_eq(iapt_engine_check(sc), 0);
	for (i = 0; i < sc->plugins[0]->n_options; i++)
		if (!strcmp(sc->plugins[0]->options[i].name, "service"))
			o = &sc->plugins[0]->options[i];
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(o->service, 1);
	free(o->str);
	o->str = strdup("99");
	ck_assert_int_eq(iapt_engine_check(sc), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, msg);
	ck_assert_int_eq(run_plugins(&res, sc, 1), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message, msg);
	ck_assert_ptr_null(res);
	iapt_scenario_free(sc);
}
END_TEST

/* A service option's value from the scenario that names no service is refused at its place:
 * file:LINE:COL of the value, the message, then the line and a caret under the value (as
 * the loader's messages about a plugin's options); for a table's code and for synthetic
 * services alike. */
START_TEST(service_option_refused_at_its_value)
{
	static const struct {
		const char *services, *with, *msg;
	} cases[] = {
		{"", "    with:\n      extra_capacity: 0.25\n      service: \"02Z\"\n",
		 "s.yaml:11:16: plugins.pilot_one_service.with.service: no service '02Z' in data/services.csv (did you mean '02A', '02D' or '02E'?)\n"
		 "        service: \"02Z\"\n"
		 "                 ^"},
		{"", "    with: {extra_capacity: 0.25,   service: WEST CHESHIRE}\n",
		 "s.yaml:9:45: plugins.pilot_one_service.with.service: no service 'WEST CHESHIRE' in data/services.csv (its ccg_code column lists them)\n"
		 "      with: {extra_capacity: 0.25,   service: WEST CHESHIRE}\n"
		 "                                              ^"},
		{"services: synthetic\n", "    with:\n      service: 02F\n",
		 "s.yaml:11:16: plugins.pilot_one_service.with.service: '02F' names a service, but the services are synthetic (services: synthetic) "
		 "and have no codes\n"
		 "        service: 02F\n"
		 "                 ^"},
		/* no value given: the plugin's default (02F), shown at the plugin's use: */
		{"services: synthetic\n", "",
		 "s.yaml:9:10: plugins.pilot_one_service.with.service (the plugin's default): '02F' names a service, but the "
		 "services are synthetic (services: synthetic) and have no codes\n"
		 "    - use: pilot_one_service\n"
		 "           ^"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[1024];
		iapt_scenario *sc = NULL;
		iapt_results *res = NULL;
		snprintf(text, sizeof text, "iaptsim: 1\nname: s\nyears: 2019\nseed: 1\nreplicates: 1\npopulation_scale: 0.01\n%s"
			 "plugins:\n  - use: pilot_one_service\n%s", cases[i].services, cases[i].with);
		ck_assert_int_eq(iapt_scenario_parse(&sc, text, strlen(text), "s.yaml"), 0);
		ck_assert_int_eq(iapt_plugins_load(sc), 0);
		ck_assert_int_eq(iapt_engine_check(sc), IAPT_EINVAL);
		ck_assert_str_eq(iapt_error_last()->message, cases[i].msg);
		ck_assert_int_eq(run_plugins(&res, sc, 1), IAPT_EINVAL);
		ck_assert_str_eq(iapt_error_last()->message, cases[i].msg);
		ck_assert_ptr_null(res);
		iapt_scenario_free(sc);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("plugins");
	TCase *t = tcase_create("core");
	tcase_set_timeout(t, 600);
	tcase_add_test(t, runtime_error_in_each_hook);
	tcase_add_test(t, runtime_error_in_each_new_hook);
	tcase_add_test(t, new_hooks_refuse_late_and_bad_writes);
	tcase_add_test(t, new_hooks_see_and_change_the_pathway);
	tcase_add_test(t, sandbox_stops_what_it_must);
	tcase_add_test(t, plugin_specs_are_plain_data);
	tcase_add_test(t, harmless_plugin_changes_nothing);
	tcase_add_test(t, api_reads_writes_and_reports);
	tcase_add_test(t, api_flows_exact);
	tcase_add_test(t, api_person_writes_change_the_pathway);
	tcase_add_test(t, threads_do_not_change_results);
	tcase_add_test(t, groups_break_metrics_down);
	tcase_add_test(t, set_in_on_year_holds_for_the_year);
	tcase_add_test(t, groups_refuse_bad_assigns);
	tcase_add_test(t, long_term_conditions_saves_and_employs);
	tcase_add_test(t, employment_advisers_cost_and_jobs);
	tcase_add_test(t, digital_therapy_reach_cost_effect);
	tcase_add_test(t, ltp_expansion_reaches_its_target);
	tcase_add_test(t, waiting_list_support_costs_and_starts);
	tcase_add_test(t, older_adults_outreach_targets_its_group);
	tcase_add_test(t, service_misuse_names_the_line);
	tcase_add_test(t, pilot_refuses_a_code_not_in_the_table);
	tcase_add_test(t, service_option_refused_at_its_value);
	tcase_add_test(t, services_policy_moves_services_to_the_floor);
	tcase_add_test(t, pilot_changes_one_service_alone);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	int failed;
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
