#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/casemix.h"
#include "engine/engine.h"
#include "engine/services.h"
#include "engine/state.h"
#include "iaptsim/scenario.h"
#include "iaptsim/error.h"
#include "check_main.h"

static iapt_scenario *scenario(const char *text)
{
	iapt_scenario *sc;
	int rc = iapt_scenario_parse(&sc, text, strlen(text), "t.yaml");
	ck_assert_msg(rc == 0, "%s", iapt_error_last()->message);
	return sc;
}

/* A deterministic service: one service, 3 LI slots a week, 2 referrals a week, no
 * dropout, no missed sessions, every course exactly 2 sessions in consecutive weeks. */
static const char *queue_case =
	"iaptsim: 1\nname: queue\nyears: 2019\nseed: 5\nreplicates: 1\npopulation_scale: 1\nservices: synthetic\n"
	"parameters:\n"
	"  run.burn_in_years: 0\n"
	"  referrals.annual: 104\n"
	"  workforce.services: 1\n"
	"  workforce.capacity_sd: 0\n"
	"  workforce.li_wte: 1\n"
	"  workforce.li_sessions_per_wte_week: 3\n"
	"  workforce.working_weeks: 52\n"
	"  workforce.hi_wte: 0\n"
	"  access.signpost_share: 0\n"
	"  access.leave_weekly: 0\n"
	"  access.hi_first_share: 0\n"
	"  problem.social_anxiety: 0\n"
	"  problem.ptsd: 0\n"
	"  treatment.dna_rate: 0\n"
	"  treatment.dropout_after_first: 0\n"
	"  treatment.dropout_per_session: 0\n"
	"  treatment.dropout_per_wait_week: 0\n"
	"  treatment.li_max_sessions: 2\n"
	"  treatment.discharge_when_well: 0\n"
	"  treatment.stepup_share: 0\n"
	"  outcomes.score_missing: 0\n";

typedef struct seen {
	int n;
	iapt_hook_person v[200];
} seen;

/* The engine's hook table filled with C functions: what the Lua host does, minus Lua. */
static int record(void *data, iapt_run *run, iapt_hook_person *p)
{
	seen *s = data;
	(void)run;
	if (p->id < 200) {
		s->v[p->id] = *p;
		s->n++;
	}
	return 0;
}

static void run_with_hooks(iapt_scenario *sc, seen *s)
{
	iapt_counters ct;
	iapt_run_stats st;
	iapt_hooks h = {.data = s, .has = IAPT_HOOK_ON_DISCHARGE, .on_discharge = record};
	memset(&st, 0, sizeof st);
	memset(&ct, 0, sizeof ct);
	ct.n_years = 1;
	ct.n_ledger_years = 0;
	ct.ledger = NULL; /* no ledger: the pathway alone */
	ct.qledger = NULL;
	ct.c = calloc((size_t)IAPT_G__COUNT * IAPT_C__COUNT, sizeof *ct.c);
	ck_assert_int_eq(iapt_engine__run_replicate(sc, 0, &h, &ct, &st, NULL, 1), 0);
	free(ct.c);
}

/* Worked by hand (see docs/model.md, "Waiting lists"): referrals arrive at the end of a
 * week; in-treatment people take their slot first; the rest go to the head of the list.
 * Week 1: p0 p1 start. Week 2: p0 p1 end, 1 slot: p2. Week 3: p2 ends, 2 slots: p3 p4.
 * Week 4: 1 slot: p5. Week 5: 2 slots: p6 p7. Week 6: 1 slot: p8. Week 7: p9 p10. */
START_TEST(queue_by_hand)
{
	static const int first[11] = {1, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7};
	static const int arrival[11] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5};
	iapt_scenario *sc = scenario(queue_case);
	seen *s = calloc(1, sizeof *s);
	int i;
	run_with_hooks(sc, s);
	for (i = 0; i < 11; i++) {
		ck_assert_msg(s->v[i].week == arrival[i], "p%d arrived %d", i, s->v[i].week);
		ck_assert_msg(s->v[i].wait_weeks == first[i] - arrival[i], "p%d waited %d, expected %d", i, s->v[i].wait_weeks,
			      first[i] - arrival[i]);
		ck_assert_int_eq(s->v[i].discharge_week, first[i] + 1);
		ck_assert_int_eq(s->v[i].attended, 2);
		ck_assert_int_eq(s->v[i].sessions_hi, 0);
	}
	free(s);
	iapt_scenario_free(sc);
}
END_TEST

/* With ample capacity everyone waits exactly one week, and the metrics say so. */
START_TEST(ample_capacity_waits_one_week)
{
	char text[2048];
	iapt_scenario *sc;
	iapt_results *res;
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	snprintf(text, sizeof text, "%s  workforce.li_sessions_per_wte_week: 4\n", queue_case);
	/* the later duplicate key must be rejected: build it without the 3-slot line */
	{
		char *p = strstr(text, "  workforce.li_sessions_per_wte_week: 3\n");
		memmove(p, p + strlen("  workforce.li_sessions_per_wte_week: 3\n"),
			strlen(p + strlen("  workforce.li_sessions_per_wte_week: 3\n")) + 1);
	}
	sc = scenario(text);
	ck_assert_int_eq(iapt_sim_run(&res, sc, &ro), 0);
	ck_assert(iapt_results_value(res, 2019, IAPT_G_ALL, IAPT_M_MEAN_WAIT_WEEKS, 0) == 1.0);
	ck_assert(iapt_results_value(res, 2019, IAPT_G_ALL, IAPT_M_WITHIN_6WK_PCT, 0) == 100.0);
	ck_assert(iapt_results_value(res, 2019, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, 0) == 104.0);
	/* referred weeks 0..51, started weeks 1..52: the last pair starts after the year */
	ck_assert(iapt_results_value(res, 2019, IAPT_G_ALL, IAPT_M_ENTERED_TREATMENT, 0) == 102.0);
	ck_assert(iapt_results_value(res, 2019, IAPT_G_ALL, IAPT_M_MEAN_SESSIONS_FINISHED, 0) == 2.0);
	ck_assert(isnan(iapt_results_value(res, 2019, IAPT_G_STEP_HI_ONLY, IAPT_M_RECOVERY_PCT, 0)));
	iapt_results_free(res);
	iapt_scenario_free(sc);
}
END_TEST

static const char *small =
	"iaptsim: 1\nname: small\nyears: [2018, 2019]\nseed: 11\nreplicates: 4\npopulation_scale: 0.01\n";

static iapt_results *run(const char *text, int threads)
{
	iapt_scenario *sc = scenario(text);
	iapt_results *res;
	iapt_run_options ro = {.threads = threads};
	ck_assert_int_eq(iapt_sim_run(&res, sc, &ro), 0);
	iapt_scenario_free(sc);
	return res;
}

static int same(const iapt_results *a, const iapt_results *b)
{
	size_t n = (size_t)a->replicates * (size_t)(a->last_year - a->first_year + 1) * IAPT_G__COUNT * IAPT_M__COUNT;
	return memcmp(a->values, b->values, n * sizeof(double)) == 0;
}

/* A run of the small scenario with `params` (lines of a parameters: block) added. */
static iapt_results *run_with(const char *params)
{
	char text[512];
	snprintf(text, sizeof text, "%sparameters:\n%s", small, params);
	return run(text, 1);
}

/* The mean over a run's replicates of metric m in 2019, group all. */
static double mean_2019(const iapt_results *r, int m)
{
	double v = 0;
	int rep;
	for (rep = 0; rep < r->replicates; rep++)
		v += iapt_results_value(r, 2019, IAPT_G_ALL, m, rep) / r->replicates;
	return v;
}

/* Runs of the small scenario with `extra` (lines of a parameters: block, or ""): without
 * `param` (*a), with it at `off` (checked to be that run, byte for byte) and with it at `on`
 * (*c); the caller frees *a and *c. */
static void runs_off_on_in(const char *extra, const char *param, const char *off, const char *on, iapt_results **a,
			   iapt_results **c)
{
	char text[256];
	iapt_results *b;
	*a = *extra ? run_with(extra) : run(small, 1);
	snprintf(text, sizeof text, "%s  %s: %s\n", extra, param, off);
	b = run_with(text);
	ck_assert_msg(same(*a, b), "%s: %s is not the run without it", param, off);
	iapt_results_free(b);
	snprintf(text, sizeof text, "%s  %s: %s\n", extra, param, on);
	*c = run_with(text);
}

static void runs_off_on(const char *param, const char *off, const char *on, iapt_results **a, iapt_results **c)
{
	runs_off_on_in("", param, off, on, a, c);
}

/* A sim with scenario text's 2019 parameters and replicate key `key`, nothing else set up:
 * enough for the natural decline and the symptom courses (iapt_engine__advance). The caller
 * frees it and *sc. */
static sim *bare_sim(const char *text, uint64_t key, iapt_scenario **sc)
{
	sim *s = calloc(1, sizeof *s);
	size_t i;
	ck_assert_ptr_nonnull(s);
	*sc = scenario(text);
	for (i = 0; i < IAPT_P__COUNT; i++)
		s->pv[i] = iapt_params_get((*sc)->params, i, 2019);
	s->key_rep = key;
	s->sym_rho_c = sqrt(1 - s->pv[IAPT_P_SYM_CORR] * s->pv[IAPT_P_SYM_CORR]);
	iapt_engine__decline_constants(s);
	return s;
}

/* treatment.dropout_later_per_wait_week: a wait's disengagement lasts past the first
 * session, so courses after waits are shorter and fewer recover (0 is off). */
START_TEST(lasting_wait_dropout_shortens_courses)
{
	iapt_results *a = run_with("  treatment.dropout_later_per_wait_week: 0\n"),
		     *b = run_with("  treatment.dropout_later_per_wait_week: 0.05\n");
	double sa = mean_2019(a, IAPT_M_MEAN_SESSIONS_FINISHED), sb = mean_2019(b, IAPT_M_MEAN_SESSIONS_FINISHED);
	double ra = mean_2019(a, IAPT_M_RECOVERY_PCT), rb = mean_2019(b, IAPT_M_RECOVERY_PCT);
	ck_assert_msg(sb < sa - 0.3, "mean sessions %g with the lasting dropout, %g without", sb, sa);
	ck_assert_msg(rb < ra - 1, "recovery %g with the lasting dropout, %g without", rb, ra);
	iapt_results_free(a);
	iapt_results_free(b);
}
END_TEST

/* access.first_treatment_priority_weeks: with capacity short of demand, people who have
 * waited 5 weeks start before the caseload's weekly sessions, so nearly all start within 6
 * weeks and more start at all; the wait moves inside treatment (second sessions long after
 * the first: second_session_over_90d_pct), where some of those not seen leave, so fewer
 * finish. 0 is the run without it, byte for byte. */
START_TEST(first_treatment_priority_moves_the_wait_inside)
{
	const char *tight = "  workforce.li_wte: 2800\n";
	iapt_results *a, *b, *c;
	double w6[2], w6_cap, w90[2], ent[2], fin[2], rec_stay;
	int rep;
	runs_off_on_in(tight, "access.first_treatment_priority_weeks", "0", "5", &a, &c);
	w6[0] = mean_2019(a, IAPT_M_WITHIN_6WK_PCT);
	w6[1] = mean_2019(c, IAPT_M_WITHIN_6WK_PCT);
	w90[0] = mean_2019(a, IAPT_M_SECOND_OVER_90D_PCT);
	w90[1] = mean_2019(c, IAPT_M_SECOND_OVER_90D_PCT);
	ent[0] = mean_2019(a, IAPT_M_ENTERED_TREATMENT);
	ent[1] = mean_2019(c, IAPT_M_ENTERED_TREATMENT);
	fin[0] = mean_2019(a, IAPT_M_FINISHED_COURSE);
	fin[1] = mean_2019(c, IAPT_M_FINISHED_COURSE);
	ck_assert_msg(w90[0] < 0.5 && w90[1] > 2, "second sessions over 90 days after the first: %g%% without the priority, %g%% with",
		      w90[0], w90[1]);
	ck_assert_msg(w6[0] < 75 && w6[1] > 95, "within 6 weeks %g%% without the priority, %g%% with", w6[0], w6[1]);
	ck_assert_msg(ent[1] > ent[0] * 1.02, "entered %g with the priority, %g without", ent[1], ent[0]);
	ck_assert_msg(fin[1] < fin[0] * 0.98, "finished %g with the priority, %g without", fin[1], fin[0]);
	/* a cap on the share of sessions the priority takes: the standard is breached again */
	b = run_with("  workforce.li_wte: 2800\n  access.first_treatment_priority_weeks: 5\n"
		     "  access.first_treatment_priority_share: 0.05\n");
	w6_cap = mean_2019(b, IAPT_M_WITHIN_6WK_PCT);
	ck_assert_msg(w6_cap < w6[1] - 10, "within 6 weeks %g%% with 5%% of sessions for the priority, %g%% with all", w6_cap, w6[1]);
	/* those not seen in a week leave at access.unseen_leave_weekly: their courses end early,
	 * so fewer of those finishing recover */
	iapt_results_free(b);
	b = run_with("  workforce.li_wte: 2800\n  access.first_treatment_priority_weeks: 5\n  access.unseen_leave_weekly: 0\n");
	rec_stay = mean_2019(b, IAPT_M_RECOVERY_PCT);
	ck_assert_msg(mean_2019(c, IAPT_M_RECOVERY_PCT) < rec_stay - 0.5, "recovery %g%% with people leaving when not seen, %g%% without",
		      mean_2019(c, IAPT_M_RECOVERY_PCT), rec_stay);
	/* a starter's second session is a week on at the soonest, not in the week of the first:
	 * with capacity to spare, no missed sessions and everyone put first after a week's wait,
	 * second sessions come a week after the first (a few later, after a step-up) */
	iapt_results_free(b);
	b = run_with("  access.first_treatment_priority_weeks: 1\n  treatment.dna_rate: 0\n"
		     "  workforce.li_wte: 20000\n  workforce.hi_wte: 20000\n");
	for (rep = 0; rep < b->replicates; rep++) {
		double w = iapt_results_value(b, 2019, IAPT_G_ALL, IAPT_M_MEAN_WEEKS_FIRST_TO_SECOND, rep);
		ck_assert_msg(w >= 1 && w < 1.01, "replicate %d: mean weeks from first to second session %g", rep + 1, w);
	}
	iapt_results_free(a);
	iapt_results_free(b);
	iapt_results_free(c);
}
END_TEST

START_TEST(same_seed_same_results_any_threads)
{
	iapt_results *a = run(small, 1), *b = run(small, 1), *c = run(small, 2), *d = run(small, 3);
	ck_assert(same(a, b));
	ck_assert(same(a, c));
	ck_assert(same(a, d));
	iapt_results_free(a);
	iapt_results_free(b);
	iapt_results_free(c);
	iapt_results_free(d);
}
END_TEST

START_TEST(different_seed_different_results)
{
	char text[512];
	iapt_results *a = run(small, 1), *b;
	snprintf(text, sizeof text, "%s", small);
	memcpy(strstr(text, "seed: 11"), "seed: 12", 8);
	b = run(text, 1);
	ck_assert(!same(a, b));
	iapt_results_free(a);
	iapt_results_free(b);
}
END_TEST

/* Common random numbers: with no treatment effect, the treated and natural courses are
 * the same person-by-person, so their recovery rates are identical, not just close. */
START_TEST(natural_course_shares_random_numbers)
{
	char text[1024];
	iapt_results *r;
	snprintf(text, sizeof text, "%sparameters:\n  treatment.effect_li: 0\n  treatment.effect_hi: 0\n", small);
	r = run(text, 1);
	ck_assert(iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, 0) ==
		  iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_NATURAL_RECOVERY_PCT, 0));
	ck_assert(iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, 0) > 0);
	iapt_results_free(r);
	/* with the calibrated effect, treatment adds recovery over the natural course */
	r = run(small, 1);
	ck_assert(iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, 0) >
		  iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_NATURAL_RECOVERY_PCT, 0) + 20);
	iapt_results_free(r);
}
END_TEST

/* Service features move outcomes in the direction Clark et al. 2018 found. */
START_TEST(service_features_move_recovery)
{
	char text[1024];
	iapt_results *base = run(small, 1), *worse;
	double b = 0, w = 0;
	int k;
	snprintf(text, sizeof text, "%sparameters:\n  treatment.dna_rate: 0.25\n  treatment.li_max_sessions: 4\n"
		 "  treatment.descriptor_recorded: 0.5\n", small);
	worse = run(text, 1);
	for (k = 0; k < 4; k++) {
		b += iapt_results_value(base, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, k);
		w += iapt_results_value(worse, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, k);
	}
	ck_assert_msg(w < b - 4 * 4, "recovery %g vs %g", w / 4, b / 4);
	iapt_results_free(base);
	iapt_results_free(worse);
}
END_TEST

START_TEST(zero_weights_rejected_before_running)
{
	char text[1024];
	iapt_scenario *sc;
	iapt_results *res = (iapt_results *)0x1;
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	snprintf(text, sizeof text, "%sparameters:\n  ltc.diabetes: {2019: 0}\n  ltc.copd: 0\n  ltc.cardiovascular: 0\n"
		 "  ltc.musculoskeletal_pain: 0\n  ltc.other: 0\n", small);
	sc = scenario(text);
	ck_assert_int_eq(iapt_sim_run(&res, sc, &ro), IAPT_EINVAL);
	ck_assert_ptr_null(res);
	ck_assert_str_eq(iapt_error_last()->message, "2019-20: the ltc.<condition> weights sum to zero");
	iapt_scenario_free(sc);
}
END_TEST


/* ---- employment, month by month (docs/economics.md, "Employment, month by month") ---- */

static double param(const iapt_params *p, const char *name)
{
	double v;
	ck_assert_msg(iapt_params_get_by_name(p, name, 2019, &v) == 0, "%s", name);
	return v;
}

/* The monthly process has, for someone ill and someone well, exactly the documented rates:
 * the share of uniforms that move a status to each other status, over a fine grid, against
 * the table written out here from the parameter names. */
START_TEST(employment_moves_have_the_sourced_rates)
{
	enum { E = EMP_EMPLOYED, U = EMP_UNEMPLOYED, SD = EMP_SICK, NS = EMP_NOT_SEEKING, SP = EMP_SICK_PAY, N = 200000 };
	static const struct {
		int from, to;
		const char *ill, *well;
	} table[] = {
		{E, U, "employment.lose_work_monthly_ill", "employment.lose_work_monthly_well"},
		{E, SP, "employment.sick_pay_start_monthly_ill", "employment.sick_pay_start_monthly_well"},
		{E, NS, "employment.leave_labour_force_monthly", "employment.leave_labour_force_monthly"},
		{SP, E, "employment.sick_pay_return_monthly_ill", "employment.sick_pay_return_monthly_well"},
		{SP, SD, "employment.sick_pay_to_benefit_monthly_ill", "employment.sick_pay_to_benefit_monthly_well"},
		{SP, U, "employment.lose_work_monthly_ill", "employment.lose_work_monthly_well"},
		{U, E, "employment.find_work_monthly_ill", "employment.find_work_monthly_well"},
		{U, SD, "employment.unemployed_to_sick_monthly_ill", "employment.unemployed_to_sick_monthly_well"},
		{U, NS, "employment.unemployed_to_not_seeking_monthly", "employment.unemployed_to_not_seeking_monthly"},
		{SD, E, "employment.sick_find_work_monthly_ill", "employment.sick_find_work_monthly_well"},
		{SD, U, "employment.sick_to_unemployed_monthly_ill", "employment.sick_to_unemployed_monthly_well"},
		{SD, NS, "employment.sick_to_not_seeking_monthly", "employment.sick_to_not_seeking_monthly"},
		{NS, E, "employment.not_seeking_find_work_monthly_ill", "employment.not_seeking_find_work_monthly_well"},
		{NS, U, "employment.not_seeking_to_unemployed_monthly", "employment.not_seeking_to_unemployed_monthly"},
	};
	iapt_scenario *sc = scenario("iaptsim: 1\nname: x\nyears: 2019\n");
	sim *s = calloc(1, sizeof *s);
	double want[2][EMP__CODES][EMP__CODES] = {{{0}}};
	int f, t, w, k;
	size_t i;
	for (i = 0; i < IAPT_P__COUNT; i++)
		s->pv[i] = iapt_params_get(sc->params, i, 2019);
	iapt_engine__load_hazards(s);
	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		want[0][table[i].from][table[i].to] = param(sc->params, table[i].ill);
		want[1][table[i].from][table[i].to] = param(sc->params, table[i].well);
	}
	/* the rates differ by health where the table says so */
	ck_assert(want[0][E][U] == 0.0092 && want[1][E][U] == 0.0046);
	ck_assert(want[0][U][E] == 0.01 && want[1][U][E] == 0.0445);
	for (w = 0; w < 2; w++)
		for (f = 0; f < EMP__CODES; f++) {
			int hits[EMP__CODES] = {0};
			double stay = 1;
			for (k = 0; k < N; k++)
				hits[emp_step(s, f, w, (k + 0.5) / N)]++;
			for (t = 0; t < EMP__CODES; t++) {
				if (t == f)
					continue;
				stay -= want[w][f][t];
				ck_assert_msg(fabs((double)hits[t] / N - want[w][f][t]) <= 1.0 / N, "%s %d -> %d: %g, want %g",
					      w ? "well" : "ill", f, t, (double)hits[t] / N, want[w][f][t]);
			}
			ck_assert_msg(fabs((double)hits[f] / N - stay) <= 1.0 / N, "%d stays: %g, want %g", f, (double)hits[f] / N, stay);
		}
	free(s);
	iapt_scenario_free(sc);
}
END_TEST

/* Moves out of a status that add up to more than 1 are refused, naming the status. */
START_TEST(employment_moves_over_one_rejected)
{
	iapt_scenario *sc = scenario("iaptsim: 1\nname: x\nyears: 2019\nparameters:\n"
				     "  employment.sick_pay_return_monthly_well: 0.9\n  employment.sick_pay_to_benefit_monthly_well: 0.2\n");
	iapt_results *res = NULL;
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	ck_assert_int_eq(iapt_sim_run(&res, sc, &ro), IAPT_EINVAL);
	ck_assert_str_eq(iapt_error_last()->message,
			 "2019-20: the monthly employment moves out of on sick pay while well add up to 1.1046, more than 1");
	iapt_scenario_free(sc);
}
END_TEST

/* "Moved off sick pay and benefits" (Chen and Cardinal 2021) on a hand-made cohort: one
 * finisher for every pair of codes at the start and at the end; on sick pay or benefits at
 * the start (sick pay, unemployed, long-term sick) and on neither at the end (employed not
 * on sick pay, not seeking work) counts: 3 x 2 = 6 of 25. */
START_TEST(moved_off_definition_on_a_cohort)
{
	static const char moved[EMP__CODES][EMP__CODES] = {
		/* to:  E  U  SD NS SP    from: */
		{0, 0, 0, 0, 0}, /* employed */
		{1, 0, 0, 1, 0}, /* unemployed */
		{1, 0, 0, 1, 0}, /* sick or disabled */
		{0, 0, 0, 0, 0}, /* not seeking work */
		{1, 0, 0, 1, 0}, /* on sick pay */
	};
	int a, e, n = 0;
	for (a = 0; a < EMP__CODES; a++)
		for (e = 0; e < EMP__CODES; e++) {
			int got = emp_supported(a) && !emp_supported(e);
			ck_assert_msg(got == moved[a][e], "%d -> %d", a, e);
			n += got;
		}
	ck_assert_int_eq(n, 6);
	/* the codes report as the four statuses: sick pay is employed */
	ck_assert_int_eq(emp_status(EMP_SICK_PAY), IAPT_EMP_EMPLOYED);
	ck_assert_int_eq(emp_code(IAPT_EMP_EMPLOYED, 1), EMP_SICK_PAY);
	ck_assert_int_eq(emp_code(IAPT_EMP_UNEMPLOYED, 1), EMP_UNEMPLOYED);
}
END_TEST

/* A run: the start-by-end counts add up to the finished courses of each start group and
 * of all; the end groups hold the same courses; moves off sick pay and benefits are among
 * those that started out of work or on sick pay. */
START_TEST(employment_start_by_end_adds_up)
{
	iapt_results *r = run(small, 1);
	int rep, a, e;
	for (rep = 0; rep < 4; rep++) {
		double all = 0, fin = iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_FINISHED_COURSE, rep), out = 0;
		for (a = 0; a < IAPT_EMP__COUNT; a++) {
			double row = 0, fa = iapt_results_value(r, 2019, IAPT_G_EMP_START_EMPLOYED + a, IAPT_M_FINISHED_COURSE, rep);
			for (e = 0; e < IAPT_EMP__COUNT; e++)
				row += iapt_results_value(r, 2019, IAPT_G_EMP_START_EMPLOYED + a, IAPT_M_FINISHED_END_EMPLOYED + e, rep);
			ck_assert_double_eq_tol(row, fa, 1e-6 * fin);
			all += row;
			if (a != IAPT_EMP_EMPLOYED)
				ck_assert(iapt_results_value(r, 2019, IAPT_G_EMP_START_EMPLOYED + a, IAPT_M_FINISHED_END_EMPLOYED + a, rep) > 0);
		}
		ck_assert_double_eq_tol(all, fin, 1e-6 * fin);
		for (e = 0; e < IAPT_EMP__COUNT; e++) {
			double fe = iapt_results_value(r, 2019, IAPT_G_EMP_END_EMPLOYED + e, IAPT_M_FINISHED_COURSE, rep);
			ck_assert_double_eq_tol(fe, iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_FINISHED_END_EMPLOYED + e, rep), 1e-6 * fin);
			out += fe;
		}
		ck_assert_double_eq_tol(out, fin, 1e-6 * fin);
		/* some move off, fewer than started out of work or on sick pay */
		ck_assert(iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_MOVED_OFF_SICK_PAY_BENEFITS, rep) > 0);
		ck_assert(iapt_results_value(r, 2019, IAPT_G_ALL, IAPT_M_MOVED_OFF_SICK_PAY_BENEFITS, rep) <
			  iapt_results_value(r, 2019, IAPT_G_EMP_START_UNEMPLOYED, IAPT_M_FINISHED_COURSE, rep) +
				  iapt_results_value(r, 2019, IAPT_G_EMP_START_SICK_OR_DISABLED, IAPT_M_FINISHED_COURSE, rep) +
				  iapt_results_value(r, 2019, IAPT_G_EMP_START_EMPLOYED, IAPT_M_FINISHED_COURSE, rep) * 0.2);
		/* referral counts have no end breakdown */
		ck_assert(isnan(iapt_results_value(r, 2019, IAPT_G_EMP_END_EMPLOYED, IAPT_M_REFERRALS_RECEIVED, rep)));
	}
	iapt_results_free(r);
}
END_TEST

/* Common random numbers: with no treatment effect (and relapse after high intensity as
 * after low) the treated path and the natural course are the same person by person, so
 * their employment is the same every month, through treatment and follow-up: no money
 * flow from work or benefits at all. With the effect, treatment moves people into work
 * (the Exchequer saves benefits). */
START_TEST(employment_same_paths_same_statuses)
{
	char text[1024];
	iapt_results *r;
	int rep, y, c, t;
	snprintf(text, sizeof text, "%sparameters:\n  treatment.effect_li: 0\n  treatment.effect_hi: 0\n"
		 "  followup.relapse_12m_hi: 0.53\n", small);
	r = run(text, 1);
	for (rep = 0; rep < 4; rep++)
		for (y = 2018; y < 2018 + iapt_results_ledger_years(r); y++)
			for (c = 2018; c <= 2019; c++)
				for (t = 0; t < IAPT_PERSP__COUNT; t++) {
					ck_assert(iapt_results_ledger(r, rep, y, c, IAPT_CAT_BENEFITS, t) == 0);
					ck_assert(iapt_results_ledger(r, rep, y, c, IAPT_CAT_EARNINGS, t) == 0);
					ck_assert(iapt_results_ledger(r, rep, y, c, IAPT_CAT_INCOME_TAX, t) == 0);
					ck_assert(iapt_results_ledger(r, rep, y, c, IAPT_CAT_EMPLOYEE_NI, t) == 0);
					ck_assert(iapt_results_ledger(r, rep, y, c, IAPT_CAT_EMPLOYER_NI, t) == 0);
				}
	iapt_results_free(r);
	r = run(small, 1);
	{
		double b = 0;
		for (rep = 0; rep < 4; rep++)
			for (y = 2018; y < 2018 + iapt_results_ledger_years(r); y++)
				for (c = 2018; c <= 2019; c++)
					b += iapt_results_ledger(r, rep, y, c, IAPT_CAT_BENEFITS, IAPT_PERSP_EXCHEQUER);
		ck_assert(b > 0);
	}
	iapt_results_free(r);
}
END_TEST

/* ---- who is referred (docs/model.md, Who is referred) ---- */

/* Every attribute's groups add up to "all", count by count; the age aggregates too. */
START_TEST(groups_add_up_to_all)
{
	static const int metrics[] = {IAPT_M_REFERRALS_RECEIVED, IAPT_M_ENTERED_TREATMENT, IAPT_M_FINISHED_COURSE,
				      IAPT_M_FINISHED_AT_CASENESS, IAPT_M_ENDED_NOT_ENTERED};
	static const struct {
		int first, n;
	} parts[] = {{IAPT_G_IMD_1, 10}, {IAPT_G_AGE_UNDER_16, 8}, {IAPT_G_GENDER_FEMALE, 3}, {IAPT_G_ETH_WHITE, 5},
		     {IAPT_G_PROB_DEPRESSION, IAPT_PROBLEM__COUNT}, {IAPT_G_LTC_YES, 2}, {IAPT_G_STEP_LI_ONLY, 3}};
	iapt_results *res = run(small, 1);
	int rep, y, m, k, g;
	for (rep = 0; rep < 4; rep++)
		for (y = 2018; y <= 2019; y++)
			for (m = 0; m < (int)(sizeof metrics / sizeof metrics[0]); m++) {
				double all = iapt_results_value(res, y, IAPT_G_ALL, metrics[m], rep), agg;
				ck_assert(all > 0);
				for (k = 0; k < (int)(sizeof parts / sizeof parts[0]); k++) {
					double t = 0;
					if (parts[k].first == IAPT_G_STEP_LI_ONLY && !iapt_metric_in_group(metrics[m], IAPT_G_STEP_LI_ONLY))
						continue;
					for (g = parts[k].first; g < parts[k].first + parts[k].n; g++)
						t += iapt_results_value(res, y, g, metrics[m], rep);
					ck_assert_msg(fabs(t - all) <= 1e-6 * all, "%s..: %g, all %g", iapt_group_name(parts[k].first), t, all);
				}
				agg = iapt_results_value(res, y, IAPT_G_AGE_UNDER_18, metrics[m], rep) +
				      iapt_results_value(res, y, IAPT_G_AGE_18_35, metrics[m], rep) +
				      iapt_results_value(res, y, IAPT_G_AGE_36_64, metrics[m], rep) +
				      iapt_results_value(res, y, IAPT_G_AGE_65_PLUS, metrics[m], rep);
				ck_assert(fabs(agg - all) <= 1e-6 * all);
				ck_assert(fabs(iapt_results_value(res, y, IAPT_G_AGE_26_64, metrics[m], rep) -
					       iapt_results_value(res, y, IAPT_G_AGE_26_35, metrics[m], rep) -
					       iapt_results_value(res, y, IAPT_G_AGE_36_64, metrics[m], rep)) <= 1e-6 * all);
			}
	/* counted per session: "all" only */
	ck_assert(isnan(iapt_results_value(res, 2019, IAPT_G_IMD_1, IAPT_M_SESSIONS_ATTENDED, 0)));
	ck_assert(iapt_results_value(res, 2019, IAPT_G_ALL, IAPT_M_SESSIONS_ATTENDED, 0) > 0);
	iapt_results_free(res);
}
END_TEST

/* The referrals of each year reproduce that year's shares of data/case_mix.csv, within
 * Monte Carlo error (4 standard errors of a share), for every attribute. */
START_TEST(case_mix_reproduces_by_year)
{
	static const struct {
		int group, col;
	} cells[] = {/* columns: age 0-7, gender 8-10, ethnicity 11-15, IMD 16-25, problem 26-37, ltc 38-39 */
		     {IAPT_G_IMD_1, 16}, {IAPT_G_IMD_10, 25}, {IAPT_G_AGE_18_25, 2}, {IAPT_G_AGE_65_74, 5},
		     {IAPT_G_GENDER_MALE, 9}, {IAPT_G_ETH_ASIAN, 13}, {IAPT_G_PROB_DEPRESSION, 26},
		     {IAPT_G_PROB_PTSD, 30}, {IAPT_G_LTC_YES, 38}};
	const iapt_casemix *cm;
	iapt_results *res = run("iaptsim: 1\nname: mix\nyears: [2017, 2021]\nseed: 3\nreplicates: 1\npopulation_scale: 0.02\n", 2);
	int y, k;
	ck_assert_int_eq(iapt_casemix__builtin(&cm), 0);
	ck_assert_int_eq(cm->first_year, 2017);
	ck_assert_int_eq(cm->n_years, 8);
	for (y = 2017; y <= 2021; y++) {
		double all = iapt_results_value(res, y, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, 0);
		double n = all * 0.02;
		for (k = 0; k < (int)(sizeof cells / sizeof cells[0]); k++) {
			double want = cm->share[y - 2017][cells[k].col];
			double got = iapt_results_value(res, y, cells[k].group, IAPT_M_REFERRALS_RECEIVED, 0) / all;
			double se = sqrt(want * (1 - want) / n);
			ck_assert_msg(fabs(got - want) <= 4 * se + 1e-12, "%d %s: %g, data %g (se %g)", y, iapt_group_name(cells[k].group),
				      got, want, se);
		}
	}
	/* the mix changes over the years as the data do: 18-25 rises from 2017-18 to 2020-21 */
	ck_assert(cm->share[3][2] > cm->share[0][2] + 0.02);
	iapt_results_free(res);
}
END_TEST

/* A scenario's own weights replace the table's for that attribute, in every year. */
START_TEST(scenario_weights_replace_the_case_mix)
{
	char text[2048];
	iapt_results *res;
	int d;
	snprintf(text, sizeof text,
		 "iaptsim: 1\nname: even\nyears: [2017, 2019]\nseed: 3\nreplicates: 1\npopulation_scale: 0.02\nparameters:\n"
		 "  population.imd_decile_1: 1\n  population.imd_decile_2: 1\n  population.imd_decile_3: 1\n"
		 "  population.imd_decile_4: 1\n  population.imd_decile_5: 1\n  population.imd_decile_6: 1\n"
		 "  population.imd_decile_7: 1\n  population.imd_decile_8: 1\n  population.imd_decile_9: 1\n"
		 "  population.imd_decile_10: {2017: 1, 2019: 0}\n");
	res = run(text, 1);
	for (d = 0; d < 10; d++) {
		double all = iapt_results_value(res, 2017, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, 0);
		double got = iapt_results_value(res, 2017, IAPT_G_IMD_1 + d, IAPT_M_REFERRALS_RECEIVED, 0) / all;
		ck_assert_msg(fabs(got - 0.1) <= 4 * sqrt(0.09 / (all * 0.02)), "decile %d: %g", d + 1, got);
	}
	ck_assert(iapt_results_value(res, 2019, IAPT_G_IMD_10, IAPT_M_REFERRALS_RECEIVED, 0) == 0);
	iapt_results_free(res);
}
END_TEST

/* Group effects act through their mechanism: a lower response lowers the group's recovery;
 * more dropout lowers its finished share of those entering. */
START_TEST(group_effects_act_by_mechanism)
{
	char text[1024];
	iapt_results *res;
	double r1 = 0, r10 = 0, fm = 0, em = 0, ff = 0, ef = 0;
	int k;
	snprintf(text, sizeof text, "%sparameters:\n  effect.imd_decile_10.response: 0.3\n  effect.gender_male.dropout: 3\n", small);
	res = run(text, 2);
	for (k = 0; k < 4; k++) {
		r1 += iapt_results_value(res, 2019, IAPT_G_IMD_1, IAPT_M_RECOVERY_PCT, k) / 4;
		r10 += iapt_results_value(res, 2019, IAPT_G_IMD_10, IAPT_M_RECOVERY_PCT, k) / 4;
		fm += iapt_results_value(res, 2019, IAPT_G_GENDER_MALE, IAPT_M_FINISHED_COURSE, k);
		em += iapt_results_value(res, 2019, IAPT_G_GENDER_MALE, IAPT_M_ENTERED_TREATMENT, k);
		ff += iapt_results_value(res, 2019, IAPT_G_GENDER_FEMALE, IAPT_M_FINISHED_COURSE, k);
		ef += iapt_results_value(res, 2019, IAPT_G_GENDER_FEMALE, IAPT_M_ENTERED_TREATMENT, k);
	}
	ck_assert_msg(r10 < r1 - 10, "recovery decile 10 %g, decile 1 %g", r10, r1);
	ck_assert_msg(fm / em < ff / ef - 0.1, "finished/entered men %g, women %g", fm / em, ff / ef);
	iapt_results_free(res);
}
END_TEST

/* Bad rows of a case-mix file: file:line and what is wrong. */
START_TEST(case_mix_bad_rows)
{
	static const struct {
		const char *rows, *msg;
	} cases[] = {
		{"2019-20,ltc,yes,0.3,s\n2019-20,ltc,maybe,0.7,s\n", "t.csv:3: unknown value 'maybe' of ltc (yes .. no)"},
		{"2019-20,height,tall,1,s\n", "t.csv:2: unknown attribute 'height' (age, gender, ethnicity, imd_decile, problem, ltc)"},
		{"2019-20,ltc,yes,0.3,s\n2019-20,ltc,no,0.6,s\n", "t.csv:2: the shares of ltc in 2019-20 add up to 0.9, not 1"},
		{"2019-20,ltc,yes,0.3,s\n2019-20,ltc,yes,0.7,s\n", "t.csv:3: 2019-20 ltc=yes is given twice"},
		{"2019-21,ltc,yes,0.3,s\n", "t.csv:2: '2019-21' is not a financial year (as 2019-20)"},
		{"2019-20,ltc,yes,1.3,s\n", "t.csv:2: share '1.3' is not a number in [0, 1]"},
		{"2019-20,ltc,yes,0.3\n", "t.csv:2: 4 fields, the header has 5"},
		{"2019-20,ltc,yes,1,s\n", "t.csv:2: 2019-20 ltc has no share for no"},
		{"2019-20,ltc,yes,0.3,s\n2019-20,ltc,no,0.7,s\n", "t.csv: 2019-20 has no rows for age"},
	};
	const iapt_casemix *cm;
	size_t k;
	ck_assert_int_eq(iapt_casemix__builtin(&cm), 0);
	for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		char text[512];
		iapt_casemix *out = malloc(sizeof *out);
		snprintf(text, sizeof text, "year,attribute,value,share,source\n%s", cases[k].rows);
		ck_assert_int_eq(iapt_casemix__parse(text, "t.csv", out), IAPT_EPARSE);
		ck_assert_str_eq(iapt_error_last()->message, cases[k].msg);
		free(out);
	}
	{
		char text[] = "year,attr,value,share,source\n";
		iapt_casemix *out = malloc(sizeof *out);
		ck_assert_int_eq(iapt_casemix__parse(text, "t.csv", out), IAPT_EPARSE);
		ck_assert_str_eq(iapt_error_last()->message, "t.csv:1: column 2 is 'attr', expected 'attribute'");
		free(out);
	}
}
END_TEST


/* ---- services (core/engine/services.c) ---- */

#define SVC_HEADER "year,ccg_code,ccg_name,icb_code,region_code,region,referrals_received,finished_course,recovery_pct," \
	"step_up_share,pd_recorded_finished_share,ltc_share,age_under18_share,age65_share,depression_share,anxiety_share," \
	"imd1_share,imd2_share,imd3_share,imd4_share,imd5_share,imd6_share,imd7_share,imd8_share,imd9_share,imd10_share\n"
#define SVC_TAIL ",0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1\n"
static const char *svc_ok = SVC_HEADER
	"2017-18,A,Alpha,Q1,Y56,London,1000,400,50,0.5,0.9,0.3,0.02,0.05,0.4,0.55" SVC_TAIL
	"2017-18,B,Beta,Q2,Y58,South West,3000,900,52,0.4,,0.2,0.02,0.05,0.4,0.55" SVC_TAIL
	"2018-19,A,Alpha,Q1,Y56,London,1100,420,51,,0.95,0.3,0.02,0.05,0.4,0.55" SVC_TAIL
	"2018-19,B,Beta,Q2,Y58,South West,3100,950,53,0.45,0.9,0.2,0.02,0.05,0.4,0.55" SVC_TAIL;

/* text with the first `from` replaced by `to` (into a static buffer) */
static char *edited(const char *text, const char *from, const char *to)
{
	static char buf[4096];
	const char *at = strstr(text, from);
	ck_assert_ptr_nonnull(at);
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return buf;
}

/* A table the parse refuses: IAPT_EPARSE, exactly msg, and nothing made. */
static void parse_refused(char *text, const char *msg)
{
	iapt_services *t = (iapt_services *)1;
	ck_assert_int_eq(iapt_services__parse(text, "t.csv", &t), IAPT_EPARSE);
	ck_assert_str_eq(iapt_error_last()->message, msg);
	ck_assert_ptr_null(t);
}

START_TEST(services_table_reads)
{
	char text[4096];
	iapt_services *t = NULL;
	const iapt_services *b;
	snprintf(text, sizeof text, "%s", svc_ok);
	ck_assert_int_eq(iapt_services__parse(text, "t.csv", &t), 0);
	ck_assert_int_eq(t->n, 2);
	ck_assert_int_eq(t->first_year, 2017);
	ck_assert_int_eq(t->n_years, 2);
	ck_assert_int_eq(t->regions.n, 2);
	ck_assert_str_eq(t->regions.last[1]->region_code, "Y58");
	ck_assert(iapt_services__row(t, 2018, 1)->referrals == 3100);
	ck_assert(iapt_services__row(t, 2012, 1)->referrals == 3000); /* before the table: its first year */
	ck_assert(iapt_services__row(t, 2030, 0)->referrals == 1100); /* after it: its last */
	ck_assert(isnan(iapt_services__row(t, 2018, 0)->step_up));    /* empty: not given */
	ck_assert(t->resid[0] == 1);
	iapt_services__free(t);
	/* the built-in table: 191 CCGs in seven regions, 2017-18 to 2021-22 */
	ck_assert_int_eq(iapt_services__builtin(&b), 0);
	ck_assert_int_eq(b->n, 191);
	ck_assert_int_eq(b->regions.n, 7);
	ck_assert_int_eq(b->icbs.n, 42);
	ck_assert_int_eq(b->first_year, 2017);
	ck_assert_int_eq(b->n_years, 5);
}
END_TEST

/* icb_name (optional): a table without it names no ICB; with it, an ICB is named by its
 * services, and an empty cell names none. */
#define SVC_NAMED_HEADER "year,ccg_code,ccg_name,icb_code,icb_name,region_code,region,referrals_received,finished_course," \
	"recovery_pct,step_up_share,pd_recorded_finished_share,ltc_share,age_under18_share,age65_share,depression_share," \
	"anxiety_share,imd1_share,imd2_share,imd3_share,imd4_share,imd5_share,imd6_share,imd7_share,imd8_share,imd9_share," \
	"imd10_share\n"
static const char *svc_named = SVC_NAMED_HEADER
	"2017-18,A,Alpha,Q1,\"NHS ONE, TWO AND THREE ICB\",Y56,London,1000,400,50,0.5,0.9,0.3,0.02,0.05,0.4,0.55" SVC_TAIL
	"2017-18,B,Beta,Q2,,Y58,South West,3000,900,52,0.4,,0.2,0.02,0.05,0.4,0.55" SVC_TAIL
	"2017-18,C,Gamma,Q1,\"NHS ONE, TWO AND THREE ICB\",Y56,London,2000,800,49,0.5,0.9,0.3,0.02,0.05,0.4,0.55" SVC_TAIL
	"2018-19,A,Alpha,Q1,\"NHS ONE, TWO AND THREE ICB\",Y56,London,1100,420,51,,0.95,0.3,0.02,0.05,0.4,0.55" SVC_TAIL
	"2018-19,B,Beta,Q2,,Y58,South West,3100,950,53,0.45,0.9,0.2,0.02,0.05,0.4,0.55" SVC_TAIL
	"2018-19,C,Gamma,Q1,\"NHS ONE, TWO AND THREE ICB\",Y56,London,2100,820,50,0.5,0.9,0.3,0.02,0.05,0.4,0.55" SVC_TAIL;

START_TEST(services_table_icb_names)
{
	char text[4096];
	iapt_services *t = NULL;
	const iapt_services *b;
	int j;
	snprintf(text, sizeof text, "%s", svc_ok);
	ck_assert_int_eq(iapt_services__parse(text, "t.csv", &t), 0);
	ck_assert_int_eq(t->icbs.n, 2);
	ck_assert_ptr_null(t->icbs.last[0]->icb_name);
	ck_assert_ptr_null(t->icbs.last[1]->icb_name);
	iapt_services__free(t);
	snprintf(text, sizeof text, "%s", svc_named);
	ck_assert_int_eq(iapt_services__parse(text, "t.csv", &t), 0);
	ck_assert_int_eq(t->icbs.n, 2);
	ck_assert_str_eq(t->icbs.last[0]->icb, "Q1");
	ck_assert_str_eq(t->icbs.last[0]->icb_name, "NHS ONE, TWO AND THREE ICB");
	ck_assert_str_eq(t->id[0].icb_name, "NHS ONE, TWO AND THREE ICB");
	ck_assert_str_eq(t->icbs.last[1]->icb, "Q2");
	ck_assert_ptr_null(t->icbs.last[1]->icb_name); /* an empty cell: unknown */
	iapt_services__free(t);
	/* the built-in table names all 42 ICBs, as data/stp_icb_region_lookup.csv */
	ck_assert_int_eq(iapt_services__builtin(&b), 0);
	for (j = 0; j < b->icbs.n; j++)
		ck_assert_msg(b->icbs.last[j]->icb_name && strstr(b->icbs.last[j]->icb_name, " INTEGRATED CARE BOARD"), "ICB %s",
			      b->icbs.last[j]->icb);
	for (j = 0; j < b->icbs.n && strcmp(b->icbs.last[j]->icb, "QE1"); j++)
		;
	ck_assert_int_lt(j, b->icbs.n);
	ck_assert_str_eq(b->icbs.last[j]->icb_name, "NHS LANCASHIRE AND SOUTH CUMBRIA INTEGRATED CARE BOARD");
}
END_TEST

/* An ICB's name that changes between a service's years, or between its services: the
 * message names the ICB, both names and both services; nothing is made. */
START_TEST(services_table_icb_names_bad)
{
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		{"2018-19,A,Alpha,Q1,\"NHS ONE, TWO AND THREE ICB\"", "2018-19,A,Alpha,Q1,NHS ONE ICB",
		 "t.csv:5: service A has another name, ICB or region than in its first row"},
		{"2018-19,B,Beta,Q2,,", "2018-19,B,Beta,Q2,NHS TWO ICB,", "t.csv:6: service B has another name, ICB or region than in its first row"},
		/* C's first row renamed: its second row differs from it */
		{"2017-18,C,Gamma,Q1,\"NHS ONE, TWO AND THREE ICB\"", "2017-18,C,Gamma,Q1,NHS ONE ICB",
		 "t.csv:7: service C has another name, ICB or region than in its first row"},
	};
	static const struct {
		const char *from, *to, *msg;
	} across[] = {
		/* both of C's rows renamed: C agrees with itself, not with A */
		{"C,Gamma,Q1,\"NHS ONE, TWO AND THREE ICB\"", "C,Gamma,Q1,NHS ONE ICB",
		 "t.csv: ICB Q1 has icb_name 'NHS ONE, TWO AND THREE ICB' at service A but 'NHS ONE ICB' at service C (give every "
		 "service of an ICB the same name, or leave them all empty)"},
		{"C,Gamma,Q1,\"NHS ONE, TWO AND THREE ICB\"", "C,Gamma,Q1,",
		 "t.csv: ICB Q1 has icb_name 'NHS ONE, TWO AND THREE ICB' at service A but '' at service C (give every "
		 "service of an ICB the same name, or leave them all empty)"},
	};
	size_t k;
	for (k = 0; k < sizeof cases / sizeof cases[0]; k++)
		parse_refused(edited(svc_named, cases[k].from, cases[k].to), cases[k].msg);
	for (k = 0; k < sizeof across / sizeof across[0]; k++) {
		char text[4096];
		snprintf(text, sizeof text, "%s", edited(svc_named, across[k].from, across[k].to));
		snprintf(text, sizeof text, "%s", edited(text, across[k].from, across[k].to)); /* its second row too */
		parse_refused(text, across[k].msg);
	}
}
END_TEST

/* Bad rows: a clear message with file:line and the column's bounds; nothing is made. */
START_TEST(services_table_bad_rows)
{
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		{"recovery_pct,", "recovery,", "t.csv:1: no column 'recovery_pct' (data/services.md lists the columns)"},
		{"1000,400", "lots,400", "t.csv:2: referrals_received 'lots' is not a number (it must be in [0, 10000000])"},
		{"3000,900,52,0.4", "3000,900,52,1.4", "t.csv:3: step_up_share 1.4 is out of range [0, 1]"},
		{"3000,900,52,", "3000,900,152,", "t.csv:3: recovery_pct 152 is out of range [0, 100]"},
		{"1000,400,50", "1000,,50", "t.csv:2: finished_course is empty"},
		{"2018-19,A,Alpha", "2018-19,A,Alpha Two", "t.csv:4: service A has another name, ICB or region than in its first row"},
		{"2018-19,A,Alpha", "2017-18,A,Alpha", "t.csv:4: service A in 2017-18 is given twice"},
		{"2018-19,B,Beta", "2018-19,C,Gamma", "t.csv: service C has no row for 2017-18 (every service needs every year 2017 to 2018)"},
		{"2017-18,B", "2017-2018,B", "t.csv:3: year '2017-2018' is not a financial year (as 2019-20)"},
		{"0.02,0.05,0.4,0.55,0.1,0.1", "0.02,0.05,0.4,0.55,0.3,0.1", "t.csv:2: imd1_share .. imd10_share add up to 1.2 over 10 deciles, not 1 over 10"},
		{"0.02,0.05,0.4,0.55", "0.02,0.05,0.5,0.55", "t.csv:2: depression_share and anxiety_share add up to more than 1"},
		{",Alpha,Q1,", ",Alpha,,", "t.csv:2: icb_code is empty"},
		{"imd10_share\n", "imd10_share,ltc_share\n", "t.csv:1: column 'ltc_share' is given twice (columns 12 and 27)"},
	};
	size_t k;
	for (k = 0; k < sizeof cases / sizeof cases[0]; k++)
		parse_refused(edited(svc_ok, cases[k].from, cases[k].to), cases[k].msg);
}
END_TEST

/* The unpublished features' levels (dna_z, sessions_z) fitted with the residual: read where
 * given, one value per service, NAN (the code's hash) where not; bad values are errors. */
#define SVC_Z_TAIL(zd, zs) ",0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1," zd "," zs "\n"
static const char *svc_z = "year,ccg_code,ccg_name,icb_code,region_code,region,referrals_received,finished_course,recovery_pct,"
	"step_up_share,pd_recorded_finished_share,ltc_share,age_under18_share,age65_share,depression_share,anxiety_share,"
	"imd1_share,imd2_share,imd3_share,imd4_share,imd5_share,imd6_share,imd7_share,imd8_share,imd9_share,imd10_share,"
	"dna_z,sessions_z\n"
	"2017-18,A,Alpha,Q1,Y56,London,1000,400,50,0.5,0.9,0.3,0.02,0.05,0.4,0.55" SVC_Z_TAIL("-1.25", "0.5")
	"2017-18,B,Beta,Q2,Y58,South West,3000,900,52,0.4,,0.2,0.02,0.05,0.4,0.55" SVC_Z_TAIL("", "")
	"2018-19,A,Alpha,Q1,Y56,London,1100,420,51,,0.95,0.3,0.02,0.05,0.4,0.55" SVC_Z_TAIL("", "0.5")
	"2018-19,B,Beta,Q2,Y58,South West,3100,950,53,0.45,0.9,0.2,0.02,0.05,0.4,0.55" SVC_Z_TAIL("", "");

START_TEST(services_table_feature_levels)
{
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		{"-1.25,0.5", "-9,0.5", "t.csv:2: dna_z -9 is out of range [-8, 8]"},
		{",,0.5", ",,0.7", "t.csv:4: service A has another sessions_z than in an earlier row"},
	};
	char text[4096];
	iapt_services *t = NULL;
	const iapt_services *b;
	size_t k;
	int j;
	snprintf(text, sizeof text, "%s", svc_z);
	ck_assert_int_eq(iapt_services__parse(text, "t.csv", &t), 0);
	ck_assert(t->z_given[0][0] == -1.25 && t->z_given[1][0] == 0.5);
	ck_assert(isnan(t->z_given[0][1]) && isnan(t->z_given[1][1]));
	iapt_services__free(t);
	for (k = 0; k < sizeof cases / sizeof cases[0]; k++)
		parse_refused(edited(svc_z, cases[k].from, cases[k].to), cases[k].msg);
	/* the built-in table takes every service's from data/services_residuals.csv */
	ck_assert_int_eq(iapt_services__builtin(&b), 0);
	for (j = 0; j < b->n; j++)
		ck_assert(!isnan(b->z_given[0][j]) && !isnan(b->z_given[1][j]));
}
END_TEST

/* symptoms.natural_decline_sd: each person's weekly decline is the national one times their
 * own lognormal factor, fixed for the person, the same in every run; the mean over people is
 * the national rate and the log-SD the parameter's; 0 is everyone alike, exactly. */
START_TEST(natural_decline_differs_between_people)
{
	enum { N = 200000 };
	iapt_scenario *sc;
	sim *s = bare_sim("iaptsim: 1\nname: x\nyears: 2019\nparameters:\n  symptoms.natural_decline_sd: 0.8\n", 12345, &sc);
	double mean = 0, lmean = 0, lvar = 0, base = s->pv[IAPT_P_SYM_DECLINE];
	uint32_t id;
	size_t i;
	for (id = 0; id < N; id++) {
		double d = iapt_engine__decline(s, id);
		ck_assert(d > 0 && d <= 0.5);
		ck_assert(d == iapt_engine__decline(s, id)); /* fixed for the person */
		mean += d;
		lmean += log(d / base);
	}
	mean /= N;
	lmean /= N;
	for (id = 0; id < N; id++)
		lvar += pow(log(iapt_engine__decline(s, id) / base) - lmean, 2);
	ck_assert_msg(fabs(mean / base - 1) < 0.01, "mean decline %g, national %g", mean, base);
	/* the 256 quantiles' log-SD falls a little short of a continuous lognormal's */
	ck_assert_msg(fabs(sqrt(lvar / N) - 0.8) < 0.03, "log-SD %g", sqrt(lvar / N));
	/* another replicate's key: the same people get other factors */
	for (id = 0, i = 0; id < 1000; id++) {
		double a;
		s->key_rep = 12345;
		a = iapt_engine__decline(s, id);
		s->key_rep = 54321;
		i += a != iapt_engine__decline(s, id);
	}
	ck_assert_uint_gt(i, 900);
	/* 0: the national rate for everyone, exactly */
	s->pv[IAPT_P_SYM_DECLINE_SD] = 0;
	iapt_engine__decline_constants(s);
	for (id = 0; id < 1000; id++)
		ck_assert(iapt_engine__decline(s, id) == base);
	free(s);
	iapt_scenario_free(sc);
}
END_TEST

/* In a run: the treated and natural courses share each person's factor, so at 0 the
 * results are those of a run without the parameter, and a spread between people changes
 * the natural course's recovery. */
START_TEST(natural_decline_spread_changes_the_natural_course)
{
	iapt_results *a, *c;
	runs_off_on("symptoms.natural_decline_sd", "0", "1.5", &a, &c);
	ck_assert(!same(a, c));
	ck_assert(iapt_results_value(c, 2019, IAPT_G_ALL, IAPT_M_NATURAL_RECOVERY_PCT, 0) !=
		  iapt_results_value(a, 2019, IAPT_G_ALL, IAPT_M_NATURAL_RECOVERY_PCT, 0));
	iapt_results_free(a);
	iapt_results_free(c);
}
END_TEST

/* symptoms.waiting_decline_factor: while a person waits for their first treatment the
 * treated course declines at the factor's share of the untreated rate, and at the whole rate
 * from the first treatment on; the untreated course keeps the whole rate throughout. With
 * no weekly innovations the courses are exact float products. */
START_TEST(waiting_decline_factor_slows_the_wait)
{
	static const double factors[] = {0.25, 0, 1};
	size_t f;
	for (f = 0; f < sizeof factors / sizeof *factors; f++) {
		char text[256];
		iapt_scenario *sc;
		sim *s;
		person p;
		float xp = 20, xg = 15, np = 20, ng = 15, dw, d;
		int w;
		snprintf(text, sizeof text,
			 "iaptsim: 1\nname: x\nyears: 2019\nparameters:\n  symptoms.weekly_sd: 0\n"
			 "  symptoms.waiting_decline_factor: %g\n", factors[f]);
		s = bare_sim(text, 777, &sc);
		memset(&p, 0, sizeof p);
		p.id = 3;
		p.xp = p.np = 20;
		p.xg = p.ng = 15;
		p.first_week = -1; /* waiting */
		d = (float)(1.0 - s->pv[IAPT_P_SYM_DECLINE]);
		dw = (float)(1.0 - factors[f] * s->pv[IAPT_P_SYM_DECLINE]);
		iapt_engine__advance(s, &p, 10);
		for (w = 0; w < 10; w++) {
			xp *= dw;
			xg *= dw;
			np *= d;
			ng *= d;
		}
		ck_assert_msg(p.xp == xp && p.xg == xg, "factor %g: waiting %g %g, expected %g %g", factors[f], p.xp, p.xg, xp, xg);
		ck_assert(p.np == np && p.ng == ng);
		if (factors[f] == 1)
			ck_assert(p.xp == p.np && p.xg == p.ng); /* waiting as the untreated course */
		else
			ck_assert(p.xp > p.np);
		p.first_week = 10; /* first treated in week 10: the whole rate from then on */
		iapt_engine__advance(s, &p, 20);
		for (w = 10; w < 20; w++) {
			xp *= d;
			xg *= d;
			np *= d;
			ng *= d;
		}
		ck_assert(p.xp == xp && p.xg == xg && p.np == np && p.ng == ng);
		free(s);
		iapt_scenario_free(sc);
	}
}
END_TEST

/* symptoms.waiting_sd_factor 0 with symptoms.waiting_decline_factor 0: the treated course
 * does not move while the person waits; the untreated one takes its drift and innovations,
 * and from the first treatment on both take the same innovations again. */
START_TEST(waiting_frozen_course)
{
	iapt_scenario *sc;
	sim *s = bare_sim("iaptsim: 1\nname: x\nyears: 2019\nparameters:\n  symptoms.waiting_decline_factor: 0\n"
			  "  symptoms.waiting_sd_factor: 0\n", 99, &sc);
	person p;
	float np, xp;
	memset(&p, 0, sizeof p);
	p.id = 5;
	p.rs_sym = 12345;
	p.xp = p.np = 15;
	p.xg = p.ng = 11;
	p.first_week = -1;
	iapt_engine__advance(s, &p, 12);
	ck_assert(p.xp == 15 && p.xg == 11); /* frozen */
	ck_assert(p.np != 15 && p.ng != 11);
	/* treated from week 12: the week's innovation moves both courses by the same amount
	 * (before the drift of the untreated course and the clamps) */
	p.first_week = 12;
	np = p.np;
	xp = p.xp;
	iapt_engine__advance(s, &p, 13);
	ck_assert(p.xp != xp);
	ck_assert_msg(fabsf((p.xp - xp * (float)(1 - s->pv[IAPT_P_SYM_DECLINE])) - (p.np - np * (float)(1 - s->pv[IAPT_P_SYM_DECLINE]))) < 1e-4f,
		      "treated %g -> %g, untreated %g -> %g", xp, p.xp, np, p.np);
	free(s);
	iapt_scenario_free(sc);
}
END_TEST

/* treatment.response_loss_per_wait_week: 0 is the run without it, byte for byte; a loss
 * lowers recovery and leaves who is referred and who waits as they were. */
START_TEST(response_loss_per_wait_week_in_a_run)
{
	iapt_results *a, *c;
	runs_off_on("treatment.response_loss_per_wait_week", "0", "0.1", &a, &c);
	ck_assert(iapt_results_value(c, 2019, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, 0) ==
		  iapt_results_value(a, 2019, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, 0));
	ck_assert(iapt_results_value(c, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, 0) <
		  iapt_results_value(a, 2019, IAPT_G_ALL, IAPT_M_RECOVERY_PCT, 0) - 1);
	iapt_results_free(a);
	iapt_results_free(c);
}
END_TEST

/* In a run: 1 is the run without the parameter, byte for byte; 0 moves the first scores. */
START_TEST(waiting_decline_factor_in_a_run)
{
	iapt_results *a, *c;
	runs_off_on("symptoms.waiting_decline_factor", "1", "0", &a, &c);
	ck_assert(!same(a, c));
	/* less improvement while waiting: more finished courses start at caseness */
	ck_assert(iapt_results_value(c, 2019, IAPT_G_ALL, IAPT_M_FINISHED_AT_CASENESS, 0) /
			  iapt_results_value(c, 2019, IAPT_G_ALL, IAPT_M_FINISHED_COURSE, 0) >
		  iapt_results_value(a, 2019, IAPT_G_ALL, IAPT_M_FINISHED_AT_CASENESS, 0) /
			  iapt_results_value(a, 2019, IAPT_G_ALL, IAPT_M_FINISHED_COURSE, 0));
	iapt_results_free(a);
	iapt_results_free(c);
}
END_TEST

/* Per-row capacity_factor and entering_factor (optional; tools/services_access_calibrate.py):
 * read where given, NAN where not, bounded; in a run, a service's chance of treatment moves
 * with its entering_factor while England's share signposted is kept, and its waits with its
 * capacity per referral. */
#define SVC_ACC_TAIL(cap, ent) ",0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1," cap "," ent "\n"
#define SVC_ACC_TABLE(a17, b17, a18, b18) \
	SVC_HEADER_NO_NL ",capacity_factor,entering_factor\n" \
	"2017-18,A,Alpha,Q1,Y56,London,1000,400,50,0.5,0.9,0.3,0.02,0.05,0.4,0.55" a17 \
	"2017-18,B,Beta,Q2,Y58,South West,3000,900,52,0.4,,0.2,0.02,0.05,0.4,0.55" b17 \
	"2018-19,A,Alpha,Q1,Y56,London,1000,420,51,,0.95,0.3,0.02,0.05,0.4,0.55" a18 \
	"2018-19,B,Beta,Q2,Y58,South West,3000,950,53,0.45,0.9,0.2,0.02,0.05,0.4,0.55" b18
#define SVC_HEADER_NO_NL "year,ccg_code,ccg_name,icb_code,region_code,region,referrals_received,finished_course,recovery_pct," \
	"step_up_share,pd_recorded_finished_share,ltc_share,age_under18_share,age65_share,depression_share,anxiety_share," \
	"imd1_share,imd2_share,imd3_share,imd4_share,imd5_share,imd6_share,imd7_share,imd8_share,imd9_share,imd10_share"

/* `table` written to a new temporary file, its name into path (a "/tmp/iapt_svc_XXXXXX"
 * to fill); the caller unlinks it */
static void temp_table(const char *table, char *path)
{
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq((int)write(fd, table, strlen(table)), (int)strlen(table));
	close(fd);
}

/* a run of 2018-19 on `table`, written to a temporary file; the caller frees */
static iapt_results *run_table(const char *table)
{
	char text[1024], path[] = "/tmp/iapt_svc_XXXXXX";
	iapt_results *res;
	temp_table(table, path);
	snprintf(text, sizeof text,
		 "iaptsim: 1\nname: s\nyears: 2018\nseed: 5\nreplicates: 2\npopulation_scale: 0.01\nservices: %s\n", path);
	res = run(text, 1);
	unlink(path);
	return res;
}

/* entered treatment / referrals of service k, both replicates */
static double entered_share(const iapt_results *r, int k)
{
	double e = 0, n = 0;
	int rep;
	for (rep = 0; rep < 2; rep++) {
		e += iapt_results_service_value(r, 2018, k, IAPT_SM_ENTERED_TREATMENT, rep);
		n += iapt_results_service_value(r, 2018, k, IAPT_SM_REFERRALS_RECEIVED, rep);
	}
	return e / n;
}

START_TEST(services_table_access)
{
	static const char *plain = SVC_ACC_TABLE(SVC_ACC_TAIL("", ""), SVC_ACC_TAIL("", ""), SVC_ACC_TAIL("", ""),
						 SVC_ACC_TAIL("", ""));
	/* A offers treatment to half as many per referral as B, with capacity to match */
	static const char *half = SVC_ACC_TABLE(SVC_ACC_TAIL("0.5", "0.5"), SVC_ACC_TAIL("1", "1"), SVC_ACC_TAIL("0.5", "0.5"),
						SVC_ACC_TAIL("1", "1"));
	/* A with half the capacity per referral of B, both offering treatment alike */
	static const char *short_a = SVC_ACC_TABLE(SVC_ACC_TAIL("0.5", ""), SVC_ACC_TAIL("1", ""), SVC_ACC_TAIL("0.5", ""),
						   SVC_ACC_TAIL("1", ""));
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		{",0.5,0.5\n", ",0,0.5\n", "t.csv:2: capacity_factor 0 is out of range [0.01, 100]"},
		{",0.5,0.5\n", ",0.5,lots\n", "t.csv:2: entering_factor 'lots' is not a number (it must be in [0.01, 100])"},
	};
	char text[4096];
	iapt_services *t = NULL;
	iapt_results *a, *b, *c;
	double all_a, all_b, ra, rb, wa, wb;
	size_t k;
	snprintf(text, sizeof text, "%s", half);
	ck_assert_int_eq(iapt_services__parse(text, "t.csv", &t), 0);
	ck_assert(iapt_services__row(t, 2017, 0)->capacity == 0.5 && iapt_services__row(t, 2018, 1)->entering == 1);
	iapt_services__free(t);
	snprintf(text, sizeof text, "%s", plain);
	ck_assert_int_eq(iapt_services__parse(text, "t.csv", &t), 0);
	ck_assert(isnan(iapt_services__row(t, 2018, 0)->capacity) && isnan(iapt_services__row(t, 2018, 0)->entering));
	iapt_services__free(t);
	for (k = 0; k < sizeof cases / sizeof cases[0]; k++)
		parse_refused(edited(half, cases[k].from, cases[k].to), cases[k].msg);

	a = run_table(plain);
	b = run_table(half);
	c = run_table(short_a);
	/* half as many of A's referrals enter as B's */
	ra = entered_share(b, 0) / entered_share(b, 1);
	ck_assert_msg(ra > 0.45 && ra < 0.55, "A enters %g times as often as B", ra);
	rb = entered_share(a, 0) / entered_share(a, 1);
	ck_assert_msg(rb > 0.9 && rb < 1.1, "without factors A enters %g times as often as B", rb);
	/* England's share entering kept (referral-weighted): within two points */
	all_a = (entered_share(a, 0) + 3 * entered_share(a, 1)) / 4;
	all_b = (entered_share(b, 0) + 3 * entered_share(b, 1)) / 4;
	ck_assert_msg(fabs(all_a - all_b) < 0.02, "entering %g without factors, %g with", all_a, all_b);
	/* A's capacity short of its demand: A waits longer than B, and longer than without */
	wa = iapt_results_service_value(c, 2018, 0, IAPT_SM_MEAN_WAIT_WEEKS, 0);
	wb = iapt_results_service_value(c, 2018, 1, IAPT_SM_MEAN_WAIT_WEEKS, 0);
	ck_assert_msg(wa > wb + 1 && wa > iapt_results_service_value(a, 2018, 0, IAPT_SM_MEAN_WAIT_WEEKS, 0) + 1,
		      "A waits %g weeks, B %g", wa, wb);
	iapt_results_free(a);
	iapt_results_free(b);
	iapt_results_free(c);
}
END_TEST

/* Allocation failure on demand: test_engine links with -Wl,--wrap for malloc, calloc and
 * realloc (tests/CMakeLists.txt). While oom_on, allocations are counted and the oom_at-th
 * fails (0: none). */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
static int oom_on;
static long oom_n, oom_at, oom_reallocs;
static int oom_now(void)
{
	return oom_on && ++oom_n == oom_at;
}
void *__wrap_malloc(size_t n)
{
	return oom_now() ? NULL : __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size)
{
	return oom_now() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n)
{
	oom_reallocs += oom_on;
	return oom_now() ? NULL : __real_realloc(p, n);
}

/* Out of memory at each allocation of a parse in turn, growth of the identities past 64
 * services included: IAPT_ENOMEM, nothing made, nothing leaked (the sanitizer build's
 * LeakSanitizer fails the run on a leak). */
START_TEST(services_table_out_of_memory)
{
	static char text[16384], copy[16384];
	size_t at = (size_t)snprintf(text, sizeof text, "%s", SVC_HEADER);
	long n_alloc;
	iapt_services *t = NULL;
	int k;
	for (k = 0; k < 70; k++)
		at += (size_t)snprintf(text + at, sizeof text - at, "2017-18,S%d,Service %d,Q%d,Y5%d,Region %d,1000,400,50,0.5,0.9,0.3,0.02,0.05,0.4,0.55" SVC_TAIL,
				       k, k, k % 7, k % 3, k % 3);
	ck_assert_uint_lt(at, sizeof text - 1);
	memcpy(copy, text, at + 1);
	oom_on = 1, oom_n = oom_at = oom_reallocs = 0;
	k = iapt_services__parse(copy, "t.csv", &t);
	oom_on = 0;
	n_alloc = oom_n;
	ck_assert_int_eq(k, 0);
	ck_assert_int_eq(t->n, 70);
	ck_assert_int_eq(t->regions.n, 3);
	ck_assert_str_eq(t->regions.last[2]->region, "Region 2");
	/* ICBs Q0 .. Q6 across the regions, each its last service, and each service's */
	ck_assert_int_eq(t->icbs.n, 7);
	ck_assert_str_eq(t->icbs.last[0]->icb, "Q0");
	ck_assert_str_eq(t->icbs.last[6]->code, "S69");
	ck_assert_int_eq(t->icbs.of[13], 6);
	ck_assert_int_eq(t->regions.of[13], 1);
	iapt_services__free(t);
	ck_assert_int_ge(n_alloc, 5 * 70);
	ck_assert_int_ge(oom_reallocs, 3); /* the rows once, the identities at 0 and 64 services */
	for (oom_at = 1; oom_at <= n_alloc; oom_at++) {
		memcpy(copy, text, at + 1);
		t = (iapt_services *)1;
		oom_on = 1, oom_n = 0;
		k = iapt_services__parse(copy, "t.csv", &t);
		oom_on = 0;
		ck_assert_msg(k == IAPT_ENOMEM, "allocation %ld of %ld failed: %d", oom_at, n_alloc, k);
		ck_assert_str_eq(iapt_error_last()->message, "out of memory");
		ck_assert_ptr_null(t);
	}
}
END_TEST

/* The same with ICB names: every allocation of a named table failing in turn fails whole. */
START_TEST(services_table_icb_names_out_of_memory)
{
	static char copy[4096];
	long n_alloc;
	iapt_services *t = NULL;
	int k;
	snprintf(copy, sizeof copy, "%s", svc_named);
	oom_on = 1, oom_n = oom_at = 0;
	k = iapt_services__parse(copy, "t.csv", &t);
	oom_on = 0;
	n_alloc = oom_n;
	ck_assert_int_eq(k, 0);
	ck_assert_str_eq(t->icbs.last[0]->icb_name, "NHS ONE, TWO AND THREE ICB");
	iapt_services__free(t);
	for (oom_at = 1; oom_at <= n_alloc; oom_at++) {
		snprintf(copy, sizeof copy, "%s", svc_named);
		t = (iapt_services *)1;
		oom_on = 1, oom_n = 0;
		k = iapt_services__parse(copy, "t.csv", &t);
		oom_on = 0;
		ck_assert_msg(k == IAPT_ENOMEM, "allocation %ld of %ld failed: %d", oom_at, n_alloc, k);
		ck_assert_ptr_null(t);
	}
}
END_TEST

/* A scenario's services: file is read and checked before anything runs. */
START_TEST(services_file_checked_by_the_engine)
{
	char text[1024], path[] = "/tmp/iapt_svc_XXXXXX";
	iapt_scenario *sc;
	temp_table(edited(svc_ok, "3000,900,52,0.4", "3000,900,52,1.4"), path);
	snprintf(text, sizeof text, "iaptsim: 1\nname: s\nyears: 2019\nreplicates: 1\npopulation_scale: 0.01\nservices: %s\n", path);
	sc = scenario(text);
	ck_assert_int_eq(iapt_engine_check(sc), IAPT_EPARSE);
	ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, ":3: step_up_share 1.4 is out of range [0, 1]"));
	iapt_scenario_free(sc);
	unlink(path);
	sc = scenario("iaptsim: 1\nname: s\nyears: 2019\nreplicates: 1\npopulation_scale: 0.01\nservices: /nonexistent/s.csv\n");
	ck_assert_int_lt(iapt_engine_check(sc), 0);
	ck_assert_ptr_nonnull(strstr(iapt_error_last()->message, "/nonexistent/s.csv"));
	iapt_scenario_free(sc);
}
END_TEST

/* A scenario's own table: the ICB names it gives reach the results; an ICB it does not name
 * has none (NULL), for the ICB and for its services. */
START_TEST(services_icb_names_reach_results)
{
	char text[1024], path[] = "/tmp/iapt_svc_XXXXXX";
	int j;
	iapt_results *res;
	const char *code, *name;
	iapt_service_info si;
	temp_table(svc_named, path);
	snprintf(text, sizeof text, "iaptsim: 1\nname: s\nyears: 2018\nseed: 3\nreplicates: 1\npopulation_scale: 0.001\nservices: %s\n",
		 path);
	res = run(text, 1);
	unlink(path);
	ck_assert_int_eq(iapt_results_icbs(res), 2);
	ck_assert_int_eq(iapt_results_icb_info(res, 0, &code, &name), 0);
	ck_assert_str_eq(code, "Q1");
	ck_assert_str_eq(name, "NHS ONE, TWO AND THREE ICB");
	ck_assert_int_eq(iapt_results_icb_info(res, 1, &code, &name), 0);
	ck_assert_str_eq(code, "Q2");
	ck_assert_ptr_null(name);
	for (j = 0; j < 3; j++) {
		ck_assert_int_eq(iapt_results_service_info(res, j, &si), 0);
		if (j == 1)
			ck_assert_ptr_null(si.icb_name);
		else
			ck_assert_str_eq(si.icb_name, "NHS ONE, TWO AND THREE ICB");
	}
	iapt_results_free(res);
}
END_TEST

/* The services' counts add up to the national ones; referrals follow the table's shares;
 * output: services: false counts none. */
START_TEST(services_add_up_to_all)
{
	static const char *text = "iaptsim: 1\nname: s\nyears: 2019\nseed: 4\nreplicates: 1\npopulation_scale: 0.02\n";
	iapt_results *res = run(text, 1), *off;
	const iapt_services *t;
	static const int pairs[][2] = {{IAPT_SM_REFERRALS_RECEIVED, IAPT_M_REFERRALS_RECEIVED},
				       {IAPT_SM_ENTERED_TREATMENT, IAPT_M_ENTERED_TREATMENT},
				       {IAPT_SM_FINISHED_COURSE, IAPT_M_FINISHED_COURSE},
				       {IAPT_SM_FINISHED_AT_CASENESS, IAPT_M_FINISHED_AT_CASENESS}};
	size_t p;
	int k, j, big = 0;
	double ref_all = iapt_results_value(res, 2019, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, 0), tab_ref = 0;
	const char *code;
	ck_assert_int_eq(iapt_services__builtin(&t), 0);
	ck_assert_int_eq(iapt_results_services(res), 191);
	ck_assert_int_eq(iapt_results_regions(res), 7);
	ck_assert_int_eq(iapt_results_icbs(res), 42);
	for (p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
		double sum = 0, reg = 0, icb = 0;
		for (k = 0; k < 191; k++)
			sum += iapt_results_service_value(res, 2019, k, pairs[p][0], 0);
		for (j = 0; j < iapt_results_regions(res); j++)
			reg += iapt_results_region_value(res, 2019, j, pairs[p][0], 0);
		for (j = 0; j < iapt_results_icbs(res); j++)
			icb += iapt_results_icb_value(res, 2019, j, pairs[p][0], 0);
		ck_assert_msg(fabs(sum - iapt_results_value(res, 2019, IAPT_G_ALL, pairs[p][1], 0)) < 1e-6, "%s", iapt_service_measure_name(pairs[p][0]));
		ck_assert(fabs(reg - sum) < 1e-6);
		ck_assert(fabs(icb - sum) < 1e-6);
	}
	/* each ICB is its own services pooled (sorted, distinct codes); a service's ICB names it */
	for (j = 0; j < iapt_results_icbs(res); j++) {
		double sum = 0, fin = 0, rec = 0;
		const char *name;
		ck_assert_int_eq(iapt_results_icb_info(res, j, &code, &name), 0);
		ck_assert_ptr_nonnull(name);
		if (j > 0) {
			const char *prev, *prev_name;
			iapt_results_icb_info(res, j - 1, &prev, &prev_name);
			ck_assert_int_lt(strcmp(prev, code), 0);
		}
		if (!strcmp(code, "QE1"))
			ck_assert_str_eq(name, "NHS LANCASHIRE AND SOUTH CUMBRIA INTEGRATED CARE BOARD");
		for (k = 0; k < 191; k++) {
			iapt_service_info si;
			iapt_results_service_info(res, k, &si);
			if (strcmp(si.icb_code, code))
				continue;
			ck_assert_str_eq(si.icb_name, name);
			sum += iapt_results_service_value(res, 2019, k, IAPT_SM_REFERRALS_RECEIVED, 0);
			fin += iapt_results_service_value(res, 2019, k, IAPT_SM_FINISHED_AT_CASENESS, 0);
			rec += iapt_results_service_value(res, 2019, k, IAPT_SM_FINISHED_AT_CASENESS, 0) *
			       iapt_results_service_value(res, 2019, k, IAPT_SM_RECOVERY_PCT, 0);
		}
		ck_assert_msg(sum > 0, "ICB %s has no referrals", code);
		ck_assert_msg(fabs(sum - iapt_results_icb_value(res, 2019, j, IAPT_SM_REFERRALS_RECEIVED, 0)) < 1e-6, "%s", code);
		/* recovery is pooled from counts (the services' recovery weighted by their caseness) */
		if (fin > 0)
			ck_assert_msg(fabs(rec / fin - iapt_results_icb_value(res, 2019, j, IAPT_SM_RECOVERY_PCT, 0)) < 1e-9, "%s", code);
	}
	{
		const char *c0 = "unchanged", *n0 = "unchanged";
		ck_assert_int_eq(iapt_results_icb_info(res, 42, &c0, &n0), IAPT_ERANGE);
		ck_assert_str_eq(iapt_error_last()->message, "no ICB 42 (the run has 42)");
		ck_assert_int_eq(iapt_results_icb_info(res, -1, &c0, &n0), IAPT_ERANGE);
		ck_assert_str_eq(c0, "unchanged");
		ck_assert_str_eq(n0, "unchanged");
	}
	ck_assert(isnan(iapt_results_icb_value(res, 2019, 42, IAPT_SM_REFERRALS_RECEIVED, 0)));
	ck_assert(isnan(iapt_results_icb_value(res, 2018, 0, IAPT_SM_REFERRALS_RECEIVED, 0)));
	/* the largest service gets its share of referrals (binomial, 4 SD) */
	for (k = 0; k < 191; k++) {
		tab_ref += iapt_services__row(t, 2019, k)->referrals;
		if (iapt_services__row(t, 2019, k)->referrals > iapt_services__row(t, 2019, big)->referrals)
			big = k;
	}
	{
		double share = iapt_services__row(t, 2019, big)->referrals / tab_ref, n = ref_all * 0.02;
		double got = iapt_results_service_value(res, 2019, big, IAPT_SM_REFERRALS_RECEIVED, 0) / ref_all;
		ck_assert_msg(fabs(got - share) < 4 * sqrt(share * (1 - share) / n), "share %g, table %g", got, share);
	}
	{
		char t2[512];
		snprintf(t2, sizeof t2, "%soutput: {services: false}\n", text);
		off = run(t2, 1);
		ck_assert_int_eq(iapt_results_services(off), 0);
		ck_assert_int_eq(iapt_results_regions(off), 0);
		ck_assert_int_eq(iapt_results_icbs(off), 0);
		ck_assert(isnan(iapt_results_icb_value(off, 2019, 0, IAPT_SM_REFERRALS_RECEIVED, 0)));
		ck_assert_int_eq(iapt_results_icb_info(off, 0, &code, &code), IAPT_ERANGE);
		ck_assert_str_eq(iapt_error_last()->message, "no ICB 0 (the run has 0)");
		/* counting them changes nothing else */
		ck_assert(same(res, off));
		iapt_results_free(off);
	}
	iapt_results_free(res);
}
END_TEST

/* run.psa_draws_per_warm_up (docs/uncertainty.md, "One warm-up for several draws"). */
static const char *psa_small =
	"iaptsim: 1\nname: psa\nyears: 2019\nseed: 21\nreplicates: 7\npopulation_scale: 0.005\n"
	"uncertainty:\n"
	"  treatment.effect_li: {dist: normal, mean: 0.086, sd: 0.01}\n"
	"  access.signpost_share: {dist: uniform, min: 0.2, max: 0.3}\n"
	"  cost.hi_session: {dist: gamma, mean: 177, sd: 30}\n";

static iapt_results *run_psa(int draws_per_warm_up, int threads, int first, int stride)
{
	char text[1024];
	iapt_scenario *sc;
	iapt_results *res;
	iapt_run_options ro = {.threads = threads, .first_replicate = first, .replicate_stride = stride};
	snprintf(text, sizeof text, "%sparameters:\n  run.psa_draws_per_warm_up: %d\n", psa_small, draws_per_warm_up);
	sc = scenario(text);
	ck_assert_int_eq(iapt_sim_run(&res, sc, &ro), 0);
	iapt_scenario_free(sc);
	return res;
}

/* replicate rep's metrics and economics the same in a and b (NaN equal to NaN) */
static int same_replicate(const iapt_results *a, const iapt_results *b, int rep)
{
	size_t nv = (size_t)(a->last_year - a->first_year + 1) * IAPT_G__COUNT * IAPT_M__COUNT, k;
	size_t ne = IAPT_PERSP__COUNT * (size_t)a->n_measures;
	const double *va = a->values + (size_t)rep * nv, *vb = b->values + (size_t)rep * nv;
	const double *ea = a->econ_values + (size_t)rep * ne, *eb = b->econ_values + (size_t)rep * ne;
	for (k = 0; k < nv; k++)
		if (!(va[k] == vb[k] || (isnan(va[k]) && isnan(vb[k]))))
			return 0;
	for (k = 0; k < ne; k++)
		if (!(ea[k] == eb[k] || (isnan(ea[k]) && isnan(eb[k]))))
			return 0;
	return 1;
}

START_TEST(shared_warm_up_groups_of_draws)
{
	iapt_results *own = run_psa(1, 1, 0, 1), *sh = run_psa(3, 1, 0, 1), *sh2 = run_psa(3, 2, 0, 1), *sh3 = run_psa(3, 3, 0, 1);
	iapt_results *odd = run_psa(3, 2, 1, 2), *even = run_psa(3, 1, 0, 2);
	int rep;
	/* the warm-up's work counted once a group, whichever process ran it: two processes'
	 * shares add up to one process's run (run.json's "simulated") */
	ck_assert_msg(odd->stats.referrals + even->stats.referrals == sh->stats.referrals &&
			      odd->stats.sessions + even->stats.sessions == sh->stats.sessions,
		      "referrals %g + %g against %g", (double)odd->stats.referrals, (double)even->stats.referrals,
		      (double)sh->stats.referrals);
	/* a warm-up simulated once a group, not once a draw: 3 of 7 (as many with two threads,
	 * which take whole groups), each about as many referrals as a reported year */
	ck_assert_msg(sh->stats.referrals < own->stats.referrals * 0.8 && sh2->stats.referrals == sh->stats.referrals,
		      "referrals simulated: %g own, %g shared, %g shared on two threads", (double)own->stats.referrals,
		      (double)sh->stats.referrals, (double)sh2->stats.referrals);
	/* the draws themselves do not depend on the warm-up */
	ck_assert_mem_eq(own->draws, sh->draws, 7 * 3 * sizeof(double));
	for (rep = 0; rep < 7; rep++) {
		/* a group's first draw continues from its own warm-up: exactly as without sharing,
		 * which also shows the kept state is all of it; the others from the first's */
		if (rep % 3 == 0)
			ck_assert_msg(same_replicate(own, sh, rep), "draw %d, the first of its group, changed", rep + 1);
		else
			ck_assert_msg(!same_replicate(own, sh, rep), "draw %d did not share its group's warm-up", rep + 1);
		/* whatever the threads, and whichever of a process's replicates a thread took */
		ck_assert_msg(same_replicate(sh, sh2, rep) && same_replicate(sh, sh3, rep), "draw %d depends on the threads", rep + 1);
		if (rep % 2)
			ck_assert_msg(same_replicate(sh, odd, rep), "draw %d depends on the process's share of replicates", rep + 1);
		else
			ck_assert(isnan(iapt_results_value(odd, 2019, IAPT_G_ALL, IAPT_M_REFERRALS_RECEIVED, rep)));
	}
	iapt_results_free(own);
	iapt_results_free(sh);
	iapt_results_free(sh2);
	iapt_results_free(sh3);
	iapt_results_free(odd);
	iapt_results_free(even);
}
END_TEST

/* Without an uncertainty block, or without a warm-up, or with a hook factory, every
 * replicate simulates its own warm-up whatever the parameter says. */
START_TEST(shared_warm_up_only_where_it_can)
{
	iapt_scenario *sc = scenario("iaptsim: 1\nname: x\nyears: 2019\nreplicates: 3\npopulation_scale: 0.005\n"
				     "parameters:\n  run.psa_draws_per_warm_up: 3\n");
	ck_assert_int_eq(iapt_engine__warmup_draws(sc, 0), 1);
	iapt_scenario_free(sc);
	sc = scenario("iaptsim: 1\nname: x\nyears: 2019\nreplicates: 3\npopulation_scale: 0.005\n"
		      "parameters:\n  run.psa_draws_per_warm_up: 3\n  run.burn_in_years: 0\n"
		      "uncertainty:\n  treatment.effect_li: {dist: normal, mean: 0.086, sd: 0.01}\n");
	ck_assert_int_eq(iapt_engine__warmup_draws(sc, 0), 1);
	iapt_scenario_free(sc);
	sc = scenario("iaptsim: 1\nname: x\nyears: 2019\nreplicates: 3\npopulation_scale: 0.005\n"
		      "parameters:\n  run.psa_draws_per_warm_up: 3\n"
		      "uncertainty:\n  treatment.effect_li: {dist: normal, mean: 0.086, sd: 0.01}\n");
	ck_assert_int_eq(iapt_engine__warmup_draws(sc, 0), 3);
	ck_assert_int_eq(iapt_engine__warmup_draws(sc, 1), 1);
	iapt_scenario_free(sc);
	/* it shapes the run: it cannot itself be uncertain */
	{
		const char *t = "iaptsim: 1\nname: x\nyears: 2019\nreplicates: 3\n"
				"uncertainty:\n  run.psa_draws_per_warm_up: {dist: uniform, min: 1, max: 5}\n";
		const char *want = "t.yaml:6:3: uncertainty: run.psa_draws_per_warm_up shapes the run and cannot vary\n";
		ck_assert_int_eq(iapt_scenario_parse(&sc, t, strlen(t), "t.yaml"), IAPT_EINVAL);
		ck_assert_msg(!strncmp(iapt_error_last()->message, want, strlen(want)), "%s", iapt_error_last()->message);
	}
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, queue_by_hand);
	tcase_add_test(tc, ample_capacity_waits_one_week);
	tcase_add_test(tc, first_treatment_priority_moves_the_wait_inside);
	tcase_add_test(tc, lasting_wait_dropout_shortens_courses);
	tcase_add_test(tc, same_seed_same_results_any_threads);
	tcase_add_test(tc, different_seed_different_results);
	tcase_add_test(tc, natural_course_shares_random_numbers);
	tcase_add_test(tc, service_features_move_recovery);
	tcase_add_test(tc, zero_weights_rejected_before_running);
	tcase_add_test(tc, employment_moves_have_the_sourced_rates);
	tcase_add_test(tc, employment_moves_over_one_rejected);
	tcase_add_test(tc, moved_off_definition_on_a_cohort);
	tcase_add_test(tc, employment_start_by_end_adds_up);
	tcase_add_test(tc, employment_same_paths_same_statuses);
	tcase_add_test(tc, groups_add_up_to_all);
	tcase_add_test(tc, case_mix_reproduces_by_year);
	tcase_add_test(tc, scenario_weights_replace_the_case_mix);
	tcase_add_test(tc, group_effects_act_by_mechanism);
	tcase_add_test(tc, case_mix_bad_rows);
	tcase_add_test(tc, services_table_reads);
	tcase_add_test(tc, services_table_icb_names);
	tcase_add_test(tc, services_table_icb_names_bad);
	tcase_add_test(tc, services_table_bad_rows);
	tcase_add_test(tc, services_table_feature_levels);
	tcase_add_test(tc, services_table_access);
	tcase_add_test(tc, natural_decline_differs_between_people);
	tcase_add_test(tc, natural_decline_spread_changes_the_natural_course);
	tcase_add_test(tc, waiting_decline_factor_slows_the_wait);
	tcase_add_test(tc, waiting_decline_factor_in_a_run);
	tcase_add_test(tc, waiting_frozen_course);
	tcase_add_test(tc, response_loss_per_wait_week_in_a_run);
	tcase_add_test(tc, services_table_out_of_memory);
	tcase_add_test(tc, services_table_icb_names_out_of_memory);
	tcase_add_test(tc, services_file_checked_by_the_engine);
	tcase_add_test(tc, services_icb_names_reach_results);
	tcase_add_test(tc, services_add_up_to_all);
	tcase_add_test(tc, shared_warm_up_groups_of_draws);
	tcase_add_test(tc, shared_warm_up_only_where_it_can);
	suite_add_tcase(s, tc);
	return s;
}
