/* iaptsim compare BASE.yaml ALT.yaml [ALT...]: strategies with common random numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* --alt NAME --alt-set NAME=VALUE ...: strategies made from the base on the command line */
#define MAX_ALTS 64
#define MAX_ALT_SETS 256
typedef struct alt_list {
	struct {
		const char *name;
		int first, n; /* its --alt-set values in sets[] */
	} alt[MAX_ALTS];
	int n_alts;
	const char *sets[MAX_ALT_SETS];
	int n_sets;
} alt_list;

typedef struct compare_args {
	iapt_cli_args common;
	double lambda[3];
	alt_list alts;
} compare_args;

/* --alt and --alt-set, in the order typed: each --alt-set belongs to the --alt before it */
static int parse_alt(const char *opt, const char *val, void *dest)
{
	alt_list *l = dest;
	if (!strcmp(opt, "alt")) {
		if (!*val)
			return iapt_cli__input_error("--alt: the alternative needs a name");
		if (l->n_alts == MAX_ALTS)
			return iapt_cli__input_error("--alt: at most %d alternatives", MAX_ALTS);
		l->alt[l->n_alts].name = val;
		l->alt[l->n_alts].first = l->n_sets;
		l->alt[l->n_alts].n = 0;
		l->n_alts++;
		return 0;
	}
	if (!l->n_alts)
		return iapt_cli__input_error("--alt-set %s: name the alternative first (--alt NAME --alt-set %s)", val, val);
	if (l->n_sets == MAX_ALT_SETS)
		return iapt_cli__input_error("--alt-set: at most %d values", MAX_ALT_SETS);
	l->sets[l->n_sets++] = val;
	l->alt[l->n_alts - 1].n++;
	return 0;
}

/* --thresholds FROM:TO:STEP */
static int parse_thresholds(const char *opt, const char *val, void *dest)
{
	double *l = dest, v[3];
	char tail;
	if (sscanf(val, "%lf:%lf:%lf%c", &v[0], &v[1], &v[2], &tail) != 3 || isnan(v[0]) || isnan(v[1]) || isnan(v[2]))
		return iapt_cli__input_error("--%s: '%s' is not FROM:TO:STEP (three numbers)", opt, val);
	if (!(v[0] >= 0) || !(v[1] >= v[0]) || !(v[2] > 0) || !((v[1] - v[0]) / v[2] <= 100000))
		return iapt_cli__input_error("--%s: %s is out of range: FROM:TO:STEP needs 0 <= FROM <= TO, STEP > 0 and at most 100000 steps",
					     opt, val);
	memcpy(l, v, sizeof v);
	return 0;
}

static const iapt_cli_option options[] = {
	IAPT_CLI_OPT_OUTPUT(compare_args, "DIR", "results folder (default results/compare_<base name>/)"),
	IAPT_CLI_OPTS_RUN(compare_args),
	{"thresholds", 0, "A:B:S", "GBP per QALY for ceac.csv and evpi.csv (default 0:100000:1000)", IAPT_CLI_CUSTOM,
	 offsetof(compare_args, lambda), 0, 0, 0, 0, parse_thresholds},
	{"alt", 0, "NAME", "an alternative: the base with the --alt-set values that follow,\nnamed NAME (repeat for more; no file needed)", IAPT_CLI_CUSTOM,
	 offsetof(compare_args, alts), 0, 0, 0, 0, parse_alt},
	{"alt-set", 0, "NAME=VALUE", "a parameter of the --alt before it; NAME@YEAR=VALUE from that\nyear on (repeat for more)", IAPT_CLI_CUSTOM,
	 offsetof(compare_args, alts), 0, 0, 0, 0, parse_alt},
};

static void init(void *args)
{
	compare_args *c = args;
	c->lambda[0] = 0;
	c->lambda[1] = 100000;
	c->lambda[2] = 1000;
}

static void free_all(iapt_scenario **sc, iapt_results **res, char **folders, int n)
{
	int s;
	for (s = 0; s < n; s++) {
		iapt_scenario_free(sc ? sc[s] : NULL);
		iapt_results_free(res ? res[s] : NULL);
		free(folders ? folders[s] : NULL);
	}
	free(sc);
	free(res);
	free(folders);
}

/* The row of measure m (and threshold, NaN for none) of alternative s in perspective t. */
static const iapt_compare_row *find_row(const iapt_compare_row *rows, size_t nr, size_t s, int t, const char *m, double thr)
{
	size_t i;
	for (i = 0; i < nr; i++)
		if (rows[i].strategy == s && rows[i].perspective == t && !strcmp(rows[i].measure, m) &&
		    (isnan(thr) ? isnan(rows[i].threshold) : rows[i].threshold == thr))
			return &rows[i];
	return NULL;
}

/* "mean (lo to hi)" in the shared format: kind 0 money, 1 count, 2 share, 3 years */
static const char *with_interval(char *buf, size_t n, const iapt_compare_row *r, int kind)
{
	char m[48], lo[48], hi[48];
	const char *(*f)(char *, size_t, double) = kind == 1 ? iapt_format_count : kind == 2 ? iapt_format_percent : kind == 3 ? iapt_format_number
											    : iapt_format_money;
	if (!r)
		return snprintf(buf, n, "n/a"), buf;
	f(m, sizeof m, r->s.mean);
	/* a plain number and its interval to the same decimals: "0.133 (0.113 to 0.160)" */
	if (kind == 3 && isfinite(r->s.mean) && isfinite(r->s.lo95) && isfinite(r->s.hi95) && !strchr(m, ',')) {
		const char *dot = strchr(m, '.');
		int dec = dot ? (int)strlen(dot + 1) : 0;
		snprintf(buf, n, "%s (%.*f to %.*f)", m, dec, r->s.lo95, dec, r->s.hi95);
		return buf;
	}
	if (isfinite(r->s.lo95) && isfinite(r->s.hi95))
		snprintf(buf, n, "%s (%s to %s)", m, f(lo, sizeof lo, r->s.lo95), f(hi, sizeof hi, r->s.hi95));
	else
		snprintf(buf, n, "%s", m);
	return buf;
}

/* Whether the run tells alternative s from the base: every perspective's net cost and QALY
 * increments against their Monte Carlo error (iapt_cea_told_apart, as the report decides). */
static int told_apart(const iapt_compare_row *rows, size_t nr, size_t s)
{
	double m[2 * IAPT_PERSP__COUNT], e[2 * IAPT_PERSP__COUNT], n[2 * IAPT_PERSP__COUNT];
	size_t k = 0;
	int t, j;
	for (t = 0; t < IAPT_PERSP__COUNT; t++)
		for (j = 0; j < 2; j++) {
			const iapt_compare_row *r = find_row(rows, nr, s, t, j ? "incremental_qalys" : "incremental_cost", NAN);
			if (!r)
				continue;
			m[k] = r->s.mean;
			e[k] = r->s.mcse;
			n[k++] = (double)r->s.n;
		}
	return iapt_cea_told_apart(m, e, n, k);
}

/* An increment exactly 0 in every draw (its interval too, when there is one). */
static int zero(const iapt_compare_row *r)
{
	return r && r->s.mean == 0 && (isnan(r->s.lo95) || r->s.lo95 == 0) && (isnan(r->s.hi95) || r->s.hi95 == 0);
}

/* The increments, the frontier and what cannot be told apart, on stdout: the numbers of
 * comparison.csv and frontier.csv, for people. */
static int print_increments(iapt_scenario *const *sc, iapt_results *const *res, int n, const char *dir)
{
	static const struct {
		const char *m, *label;
	} pathway[] = {
		{"pathway:referrals_received", "referred"},     {"pathway:entered_treatment", "entering treatment"},
		{"pathway:finished_course", "finishing a course"}, {"pathway:recovered", "recovered"},
		{"pathway:reliably_improved", "reliably improved"}, {"pathway:sessions_attended", "sessions attended"},
	};
	const iapt_econ_settings *e = &sc[0]->econ;
	const char *reason = NULL;
	int shown_pb = 0;
	int uncertain = iapt_compare_parameter_uncertainty((const iapt_scenario *const *)sc, (size_t)n, &reason), s, t, any_unclear = 0;
	double lam = e->n_thresholds ? e->thresholds[0] : NAN, *cost = malloc((size_t)n * sizeof *cost), *eff = malloc((size_t)n * sizeof *eff);
	iapt_cea_row *fr = malloc((size_t)n * sizeof *fr);
	iapt_compare_row *rows = NULL;
	size_t nr = 0, k;
	char a[200], b[200], c[200], d[200], lab[8], lab2[8];
	int rc;
	if (!cost || !eff || !fr) {
		free(cost);
		free(eff);
		free(fr);
		return iapt_cli__out_of_memory();
	}
	if ((rc = iapt_compare_rows((const iapt_scenario *const *)sc, (const iapt_results *const *)res, (size_t)n, &rows, &nr))) {
		free(cost);
		free(eff);
		free(fr);
		return iapt_cli__report(rc);
	}
	for (s = 1; s < n; s++)
		any_unclear |= !told_apart(rows, nr, (size_t)s);
	printf("\ncompared with %s: means of %d paired draws with 95%% intervals (GBP at %s prices, present values; QALYs discounted)\n",
	       sc[0]->name, sc[0]->replicates, iapt_year_label(e->price_year, lab));
	for (s = 1; s < n; s++) {
		const iapt_compare_row *r;
		printf("\n%s\n  pathway, national, %s to %s:\n", sc[s]->name, iapt_year_label(sc[0]->first_year, lab), iapt_year_label(sc[0]->last_year, lab2));
		for (k = 0; k < sizeof pathway / sizeof pathway[0]; k++)
			if ((r = find_row(rows, nr, (size_t)s, -1, pathway[k].m, NAN)))
				printf("    %-22s %s\n", pathway[k].label, with_interval(a, sizeof a, r, 1));
		if ((r = find_row(rows, nr, (size_t)s, -1, "pathway:mean_wait_weeks", NAN)))
			printf("    %-22s %s weeks\n", "mean wait", with_interval(a, sizeof a, r, 3));
		printf("  %-11s %-38s %-28s %-56s", "perspective", "net cost", "QALYs gained", "cost per QALY gained");
		if (isfinite(lam))
			printf(" net benefit at %s/QALY", iapt_format_money(d, sizeof d, lam));
		printf("\n");
		for (t = 0; t < IAPT_PERSP__COUNT; t++) {
			const iapt_compare_row *rc_ = find_row(rows, nr, (size_t)s, t, "incremental_cost", NAN), *rq = find_row(rows, nr, (size_t)s, t, "incremental_qalys", NAN);
			if (!rc_ || !rq)
				continue;
			/* never a bare negative ratio: words say which way round it is */
			if (zero(rc_) && zero(rq))
				snprintf(c, sizeof c, "a tie: no change");
			else
				iapt_format_icer(c, sizeof c, rc_->s.mean, rq->s.mean);
			/* a wide column, and always a gap: the words of a dominated option run long */
			printf("  %-11s %-38s %-28s %-56s", iapt_perspective_name(t), with_interval(a, sizeof a, rc_, 0), with_interval(b, sizeof b, rq, 1), c);
			if (isfinite(lam))
				printf("%s %s", strlen(c) >= 56 ? " |" : "", with_interval(d, sizeof d, find_row(rows, nr, (size_t)s, t, "inmb", lam), 0));
			if (uncertain && (r = find_row(rows, nr, (size_t)s, t, "prob_cost_effective", lam)))
				printf(", P(CE) %s", iapt_format_percent(d, sizeof d, r->s.mean));
			printf("\n");
		}
		printf("  ledger (present value of the change):\n");
		for (t = 0; t < IAPT_PERSP__COUNT; t++) {
			int shown = 0;
			for (k = 0; k < nr; k++) {
				r = &rows[k];
				if (r->strategy != (size_t)s || r->perspective != t || strncmp(r->measure, "pv:", 3) || (r->s.mean == 0 && r->s.lo95 == 0 && r->s.hi95 == 0))
					continue;
				if (!shown++)
					printf("    %-10s ", iapt_perspective_name(t));
				else
					printf("; ");
				printf("%s %s", r->measure + 3, with_interval(a, sizeof a, r, 0));
			}
			if (shown)
				printf("\n");
		}
		printf("  payback of the change:");
		shown_pb = 0;
		for (t = 0; t < IAPT_PERSP__COUNT; t++) {
			const iapt_compare_row *rs = find_row(rows, nr, (size_t)s, t, "payback_share", NAN), *rm = find_row(rows, nr, (size_t)s, t, "payback_median_years", NAN);
			if (!rs || !rm)
				continue;
			const iapt_compare_row *rcost = find_row(rows, nr, (size_t)s, t, "incremental_cost", NAN);
			if (zero(rcost) && zero(find_row(rows, nr, (size_t)s, t, "incremental_npv", NAN)))
				printf("%s %s no change", shown_pb ? ";" : "", iapt_perspective_name(t));
			else
				printf("%s %s %s", shown_pb ? ";" : "", iapt_perspective_name(t),
				       iapt_format_payback(a, sizeof a, rs->s.mean, rm->s.mean, iapt_output_horizon_years((const iapt_results *const *)res, (size_t)n)));
			shown_pb = 1;
		}
		printf("\n");
	}
	/* the frontier in words */
	printf("\nefficiency frontier (mean net cost against mean QALYs; dominated options out, each against the next cheaper one on it)%s:\n",
	       any_unclear ? "; not a verdict: the run cannot tell some of these options apart (below)" : "");
	for (t = 0; t < IAPT_PERSP__COUNT; t++) {
		int first = 1;
		size_t order[64], m = 0, i, j;
		if (!(e->perspectives & (1u << t)) || iapt_compare_frontier((const iapt_results *const *)res, (size_t)n, t, cost, eff, fr))
			continue;
		for (i = 0; i < (size_t)n && m < 64; i++)
			if (fr[i].status == IAPT_CEA_FRONTIER && fr[i].tie_of < 0) {
				for (j = m; j > 0 && cost[order[j - 1]] > cost[i]; j--)
					order[j] = order[j - 1];
				order[j] = i;
				m++;
			}
		printf("  %-10s", iapt_perspective_name(t));
		for (j = 0; j < m; j++) {
			i = order[j];
			printf("%s%s", first ? "" : " -> ", sc[i]->name);
			if (fr[i].comparator >= 0)
				printf(" (%s over %s)", iapt_format_icer(a, sizeof a, cost[i] - cost[fr[i].comparator], eff[i] - eff[fr[i].comparator]),
				       sc[fr[i].comparator]->name);
			first = 0;
		}
		for (i = 0; i < (size_t)n; i++) {
			if (fr[i].tie_of >= 0)
				printf("; %s ties with %s", sc[i]->name, sc[fr[i].tie_of]->name);
			else if (fr[i].status == IAPT_CEA_DOMINATED && fr[i].comparator >= 0)
				printf("; %s is dominated by %s%s", sc[i]->name, sc[fr[i].comparator]->name,
				       i > 0 && !told_apart(rows, nr, i) ? " on the means only (not told apart)" : "");
			else if (fr[i].status == IAPT_CEA_EXT_DOMINATED && fr[i].comparator >= 0)
				printf("; %s is extendedly dominated (%s over %s)", sc[i]->name,
				       iapt_format_icer(a, sizeof a, cost[i] - cost[fr[i].comparator], eff[i] - eff[fr[i].comparator]), sc[fr[i].comparator]->name);
		}
		printf("\n");
	}
	if (!uncertain)
		printf("\nno probability of cost-effectiveness, acceptability curve or EVPI: %s\n", reason);
	if (any_unclear && sc[0]->replicates < 2)
		printf("\nthe run cannot tell these options apart: with one replicate there is no estimate of the Monte Carlo error, so no difference "
		       "above can be told from noise; run more replicates (--replicates 2 or more; 10 or more for useful intervals)\n");
	else if (any_unclear)
		printf("\nthe run cannot tell some of these options apart at this scale: a mean increment is under twice its Monte Carlo error; "
		       "run more replicates (--replicates) or a larger population scale (--scale)\n");
	printf("\nresults: %s/report.html, comparison.csv, frontier.csv, %spsa.csv, run.json; each strategy in %s/<name>/\n", dir,
	       uncertain ? "ceac.csv, evpi.csv, " : "", dir);
	free(rows);
	free(cost);
	free(eff);
	free(fr);
	return IAPT_CLI_OK;
}

#define MAX_WARNINGS 16 /* pairs of identical strategies recorded in run.json (all are printed) */

/* Warn when two strategies would simulate and appraise the same thing: all their increments
 * are then zero, and with --set (applied to every strategy) that may not be what was meant.
 * The first MAX_WARNINGS messages are kept in msg (for run.json); returns how many. */
static size_t warn_identical(const iapt_cli_args *a, iapt_scenario *const *sc, int n, char msg[][600])
{
	int s, t;
	size_t nw = 0;
	for (s = 0; s < n; s++)
		for (t = s + 1; t < n; t++) {
			iapt_scenario_difference *d = NULL;
			size_t nd = 0, k, model = 0;
			char m[600];
			if (iapt_scenario_diff(sc[s], sc[t], &d, &nd))
				return nw; /* out of memory: no warning rather than a wrong one */
			for (k = 0; k < nd; k++)
				model += d[k].kind == IAPT_DIFF_MODEL;
			iapt_scenario_diff_free(d, nd);
			if (model)
				continue;
			if (a->sets.n)
				snprintf(m, sizeof m, "'%s' and '%s' are the same model once --set is applied (--set applies to every strategy; --alt-set to one): every increment between them is zero",
					 sc[s]->name, sc[t]->name);
			else
				snprintf(m, sizeof m, "'%s' and '%s' are the same model: every increment between them is zero", sc[s]->name, sc[t]->name);
			if (!iapt_cli__rank)
				fprintf(stderr, "iaptsim: warning: %s\n", m);
			if (nw < MAX_WARNINGS)
				memcpy(msg[nw++], m, sizeof m);
		}
	return nw;
}

/* Warn when an alternative runs on another services table than the base's (a compare_to
 * base loads its own file, so a child that names a table of its own compares the tables as
 * well as the policy). Kept in msg from msg[nw] on, to MAX_WARNINGS; returns the new count. */
static size_t warn_tables(iapt_scenario *const *sc, int n, char msg[][600], size_t nw)
{
	iapt_services_source b, o;
	int s;
	if (iapt_services_source_of(sc[0], &b))
		return nw; /* the check before the run says why */
	for (s = 1; s < n; s++) {
		char m[600];
		if (iapt_services_source_of(sc[s], &o))
			return nw;
		if (o.kind == b.kind && (!o.sha256 || !strcmp(o.sha256, b.sha256)))
			continue;
		snprintf(m, sizeof m,
			 "'%s' runs on another services table than the base '%s' (%s against %s): its increments include the change of table",
			 sc[s]->name, sc[0]->name, iapt_cli__services_label(&o), iapt_cli__services_label(&b));
		if (!iapt_cli__rank)
			fprintf(stderr, "iaptsim: warning: %s\n", m);
		if (nw < MAX_WARNINGS)
			memcpy(msg[nw++], m, sizeof m);
	}
	return nw;
}

static int compare_loaded(const iapt_cli_args *a, iapt_scenario **sc, const char *const *files, int n, const double lambda[3]);

int iapt_cli__compare(const iapt_cli_args *a, const char *const *files, int n, const double lambda[3])
{
	int s, ex = IAPT_CLI_OK;
	iapt_scenario **sc = calloc((size_t)n + 1, sizeof *sc);
	if (!sc)
		return iapt_cli__out_of_memory();
	if (n < 2) {
		free(sc);
		return iapt_cli__input_error("compare: needs a base scenario and at least one alternative (iaptsim compare BASE.yaml ALT.yaml ..., or --alt NAME --alt-set NAME=VALUE)");
	}
	for (s = 0; s < n && !ex; s++)
		ex = iapt_cli__load(a, files[s], &sc[s]);
	if (ex) {
		for (s = 0; s < n; s++)
			iapt_scenario_free(sc[s]);
		free(sc);
		return ex;
	}
	return compare_loaded(a, sc, files, n, lambda);
}

/* The comparison of sc[0] with sc[1..n) (files[s]: what each came from, for messages);
 * takes sc, the array and each scenario. */
static int compare_loaded(const iapt_cli_args *a, iapt_scenario **sc, const char *const *files, int n, const double lambda[3])
{
	int s, ex = IAPT_CLI_OK, rc;
	iapt_results **res = calloc((size_t)n + 1, sizeof *res);
	char **folders = calloc((size_t)n + 1, sizeof *folders), slug[128], dirbuf[256], *cmdline = NULL;
	const char *dir;
	iapt_compare_options co;
	iapt_output_meta meta;
	iapt_output_dir *od = NULL;
	char warn[MAX_WARNINGS][600];
	const char *warnp[MAX_WARNINGS];
	size_t nwarn, w;
	if (!res || !folders) {
		free_all(sc, res, folders, n);
		return iapt_cli__out_of_memory();
	}
	nwarn = warn_identical(a, sc, n, warn);
	nwarn = warn_tables(sc, n, warn, nwarn);
	for (s = 0; s < n && nwarn < MAX_WARNINGS; s++)
		nwarn += (size_t)iapt_cli__warmup_warning(sc[s], warn[nwarn], sizeof warn[nwarn]);
	for (s = 0; s < n && nwarn < MAX_WARNINGS; s++)
		nwarn += (size_t)iapt_cli__priority_warning(sc[s], warn[nwarn], sizeof warn[nwarn]);
	for (w = 0; w < nwarn; w++)
		warnp[w] = warn[w];
	/* common random numbers: every strategy runs with the base's seed, replicates and scale */
	for (s = 1; s < n; s++) {
		if (!a->quiet && (sc[s]->seed != sc[0]->seed || sc[s]->replicates != sc[0]->replicates ||
				  sc[s]->population_scale != sc[0]->population_scale))
			fprintf(stderr, "iaptsim: %s runs with the base's seed %llu, %d replicates and population scale %g\n",
				files[s], sc[0]->seed, sc[0]->replicates, sc[0]->population_scale);
		sc[s]->seed = sc[0]->seed;
		sc[s]->replicates = sc[0]->replicates;
		sc[s]->population_scale = sc[0]->population_scale;
	}
	if ((rc = iapt_compare_check((const iapt_scenario *const *)sc, (size_t)n))) {
		free_all(sc, res, folders, n);
		return iapt_cli__report(rc);
	}
	dir = iapt_cli__outdir(a, "compare_", sc[0]->name, dirbuf, sizeof dirbuf);
	/* each strategy's own results in a folder of its own, named after it */
	for (s = 0; s < n; s++) {
		int k, dup = 0;
		char name[160];
		iapt_output_slug(sc[s]->name, slug, sizeof slug);
		for (k = 0; k < s; k++)
			if (!strncmp(folders[k], slug, strlen(slug)))
				dup++;
		if (dup)
			snprintf(name, sizeof name, "%s_%d", slug, dup + 1);
		else
			snprintf(name, sizeof name, "%s", slug);
		if (!(folders[s] = malloc(strlen(name) + 1))) {
			free_all(sc, res, folders, n);
			return iapt_cli__out_of_memory();
		}
		strcpy(folders[s], name);
	}
	if ((ex = iapt_cli__out_begin(dir, &od))) {
		free_all(sc, res, folders, n);
		return ex;
	}
	for (s = 0; s < n; s++) {
		char label[160];
		if (!a->quiet)
			fprintf(stderr, "iaptsim: %s %s: %d replicates, seed %llu\n", s ? "alternative" : "base", sc[s]->name,
				sc[s]->replicates, sc[s]->seed);
		snprintf(label, sizeof label, "%s: ", folders[s]);
		if ((rc = iapt_cli__simulate(a, sc[s], label, &res[s]))) {
			iapt_output_abort(od);
			free_all(sc, res, folders, n);
			return iapt_cli__report(rc);
		}
	}
	cmdline = iapt_cli__meta(a, &meta);
	{
		static const char *const also[1] = {"report.html"}; /* each folder's, written after its run.json */
		meta.also = also;
		meta.n_also = 1;
	}
	co.lambda_min = lambda[0];
	co.lambda_max = lambda[1];
	co.lambda_step = lambda[2];
	for (s = 0, rc = IAPT_OK; s < n && !rc && !iapt_cli__rank; s++) {
		char sub[600];
		snprintf(sub, sizeof sub, "%s/%s", iapt_output_dir_path(od), folders[s]);
		rc = iapt_output_write(sub, sc[s], res[s], &meta);
		if (!rc)
			rc = iapt_report_write(sub);
	}
	meta.warnings = nwarn ? warnp : NULL; /* the comparison's run.json (and so its report), not each strategy's */
	meta.n_warnings = nwarn;
	if (!rc && !iapt_cli__rank)
		rc = iapt_output_compare(iapt_output_dir_path(od), (const iapt_scenario *const *)sc, (const iapt_results *const *)res, (size_t)n,
					 (const char *const *)folders, &co, &meta);
	if (!rc && !iapt_cli__rank)
		rc = iapt_report_write(iapt_output_dir_path(od));
	rc = iapt_cli__out_end(od, rc);
	free(cmdline);
	if (rc)
		ex = iapt_cli__report(rc);
	else if (!a->quiet) {
		for (s = 0; s < n; s++) /* a plugin that changes services for free (docs/plugins.md, Costs) */
			iapt_cli__print_warnings(res[s], sc[s]->name);
		ex = print_increments(sc, res, n, dir);
	}
	free_all(sc, res, folders, n);
	return ex;
}

/* Alternative k of --alt: the base (with --set) plus its --alt-set values, named. */
static int load_alt(const iapt_cli_args *a, const alt_list *l, int k, iapt_scenario **out)
{
	iapt_scenario *sc;
	char *name;
	int ex, rc, i;
	if ((ex = iapt_cli__load(a, a->files[0], &sc)))
		return ex;
	for (i = 0; i < l->alt[k].n; i++) {
		const char *set = l->sets[l->alt[k].first + i];
		if ((rc = iapt_cli__assign(sc->params, set, "--alt-set"))) {
			iapt_scenario_free(sc);
			return iapt_cli__input_error("--alt-set %s: %s", set, iapt_error_last()->message);
		}
	}
	if (!(name = malloc(strlen(l->alt[k].name) + 1))) {
		iapt_scenario_free(sc);
		return iapt_cli__out_of_memory();
	}
	strcpy(name, l->alt[k].name);
	free(sc->name);
	sc->name = name;
	if ((rc = iapt_engine_check(sc))) {
		iapt_scenario_free(sc);
		return iapt_cli__input_error("--alt %s: %s", l->alt[k].name, iapt_error_last()->message);
	}
	*out = sc;
	return IAPT_CLI_OK;
}

static int run(void *args, int argc, char **argv)
{
	compare_args *c = args;
	const iapt_cli_args *a = &c->common;
	const alt_list *l = &c->alts;
	iapt_scenario **sc;
	const char **from;
	int n = a->n_files + l->n_alts, s, ex = IAPT_CLI_OK;
	(void)argc;
	(void)argv;
	if (!l->n_alts)
		return iapt_cli__compare(a, a->files, a->n_files, c->lambda);
	if (!a->n_files)
		return iapt_cli__input_error("compare: needs a base scenario (iaptsim compare BASE.yaml --alt NAME --alt-set NAME=VALUE)");
	sc = calloc((size_t)n + 1, sizeof *sc);
	from = calloc((size_t)n + 1, sizeof *from);
	if (!sc || !from) {
		free(sc);
		free(from);
		return iapt_cli__out_of_memory();
	}
	/* the files given, then the alternatives made from the first */
	for (s = 0; s < a->n_files && !ex; s++) {
		from[s] = a->files[s];
		ex = iapt_cli__load(a, a->files[s], &sc[s]);
	}
	for (s = 0; s < l->n_alts && !ex; s++) {
		from[a->n_files + s] = a->files[0];
		ex = load_alt(a, l, s, &sc[a->n_files + s]);
	}
	if (ex) {
		for (s = 0; s < n; s++)
			iapt_scenario_free(sc[s]);
		free(sc);
		free(from);
		return ex;
	}
	ex = compare_loaded(a, sc, from, n, c->lambda);
	free(from);
	return ex;
}

const iapt_cli_command iapt_cli_cmd_compare = {
	.name = "compare",
	.synopsis = "BASE.yaml [ALT.yaml...] [--alt NAME --alt-set NAME=VALUE...]",
	.summary = "run each with common random numbers; incremental costs, QALYs,\n"
		   "ICER, net monetary benefit, acceptability curve, EVPI.\n"
		   "An alternative is a file or, with --alt, the base plus --alt-set values.\n"
		   "--set applies to every strategy (a warning says when that makes two the same)",
	.min_args = 1,
	.max_args = -1,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(compare_args),
	.init = init,
	.run = run,
};
