/* The iaptsim command: the only place that prints or picks exit codes.
 * Exit codes: 0 ok, 1 the run failed, 2 bad input (nothing written). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "iaptsim/iaptsim.h"
#ifdef IAPTSIM_MPI
#include <mpi.h>
#endif

/* Under mpirun: this process's rank, and whether replicates are split across ranks. Only
 * rank 0 prints and writes; every rank runs its share and returns the same exit code. */
static int g_rank = 0, g_distribute = 0;

enum { EXIT_OK = 0, EXIT_RUN = 1, EXIT_INPUT = 2 };

static const char usage[] =
	"usage: iaptsim <command> [options]\n"
	"\n"
	"commands:\n"
	"  run SCENARIO.yaml     simulate and write summary.csv, replicates.csv, economics.csv,\n"
	"                        ledger.csv, psa.csv (with an uncertainty block), run.json and\n"
	"                        report.html\n"
	"  compare BASE.yaml ALT.yaml [ALT...]\n"
	"                        run each with common random numbers; incremental costs, QALYs,\n"
	"                        ICER, net monetary benefit, acceptability curve, EVPI\n"
	"  sensitivity SCENARIO.yaml [--vary NAME=LOW:HIGH]...\n"
	"                        one-way sensitivity: a tornado table and switching values\n"
	"  calibrate SCENARIO.yaml --targets FILE.csv --fit NAME,NAME,...\n"
	"                        fit parameters to observed figures (Nelder-Mead, common random\n"
	"                        numbers); writes fitted.yaml for a scenario's include:\n"
	"  validate SCENARIO.yaml --observed FILE.csv [--mix FILE.csv] [-o REPORT.md]\n"
	"                        the scenario beside every published figure, year by year\n"
	"  report DIR            rebuild DIR/report.html from the results there (run, compare\n"
	"                        or sensitivity; each writes one anyway)\n"
	"  check SCENARIO.yaml   validate a scenario (and --set values) without running\n"
	"  params [SCENARIO]     list every parameter: value, unit, bounds, source (--csv, --markdown)\n"
	"  metrics               list the reported metrics and groups with their definitions\n"
	"  plugins [DIR|FILE]    list the built-in plugins, those in DIR (or FILE) and those on\n"
	"                        IAPTSIM_PLUGIN_PATH, with their options and docs\n"
	"  version               print the version\n"
	"\n"
	"options for run, compare, sensitivity, calibrate, validate and check:\n"
	"  -o, --output DIR      results folder (default results/<scenario name>/)\n"
	"  --seed N              override the scenario's seed\n"
	"  --replicates N        override the number of replicates\n"
	"  --scale X             override population_scale, in (0, 1]\n"
	"  --threads N           worker threads (default: every core); results do not depend on it\n"
	"  --set NAME=VALUE      override a parameter; NAME@YEAR=VALUE from that year on\n"
	"  -q, --quiet           no progress or summary table\n"
	"options for compare:\n"
	"  --thresholds A:B:S    GBP per QALY for ceac.csv and evpi.csv (default 0:100000:1000)\n"
	"options for sensitivity (the sensitivity block of the scenario gives ranges too):\n"
	"  --vary NAME=LOW:HIGH  a parameter and its range (repeat for more)\n"
	"  --measure P:M         the outcome, a perspective and a measure of economics.csv\n"
	"                        (default societal:npv, the net present social value)\n"
	"  --refine N            runs to refine each switching value (default 3, 0 to 20)\n"
	"options for calibrate:\n"
	"  --targets FILE.csv    observed figures: long (year,group,metric,value[,weight]) or wide\n"
	"                        (year and a column per metric, as data/national_annual.csv)\n"
	"  --fit NAME,NAME,...   the parameters to fit\n"
	"  --max-evaluations N   runs at most (default 200)\n";

typedef struct opts {
	const char *cmd, *scenario, *outdir;
	const char **files; /* positional arguments; scenario is files[0] */
	int n_files;
	const char **varies;
	int n_varies;
	const char *measure, *targets, *fit, *observed, *mix;
	int refine, max_eval;
	double lam[3];
	const char **sets;
	int n_sets, threads, quiet, csv, markdown;
	int has_seed, has_reps, has_scale;
	unsigned long long seed;
	int reps;
	double scale;
} opts;

static int input_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int input_error(const char *fmt, ...)
{
	va_list ap;
	if (g_rank)
		return EXIT_INPUT;
	fprintf(stderr, "iaptsim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return EXIT_INPUT;
}

static int out_of_memory(void)
{
	if (!g_rank)
		fprintf(stderr, "iaptsim: out of memory\n");
	return EXIT_RUN;
}

static int report(int rc)
{
	const iapt_error *e = iapt_error_last();
	if (!g_rank)
		fprintf(stderr, "iaptsim: %s\n", e->message[0] ? e->message : "unknown error");
	return iapt_error_is_input(rc) ? EXIT_INPUT : EXIT_RUN;
}

/* A whole-number option in [lo, hi]. */
static int whole_option(const char *opt, const char *val, long lo, long hi, long *out)
{
	char *end;
	long v;
	if (!val)
		return input_error("%s needs a number", opt);
	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || *end || end == val || v < lo || v > hi)
		return input_error("%s: '%s' is out of range [%ld, %ld]", opt, val, lo, hi);
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, opts *o)
{
	int i, rc;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	memset(o, 0, sizeof *o);
	o->threads = cores < 1 ? 1 : (cores > 1024 ? 1024 : (int)cores);
	o->refine = 3;
	o->measure = "societal:npv";
	o->lam[0] = 0;
	o->lam[1] = 100000;
	o->lam[2] = 1000;
	o->sets = calloc((size_t)argc, sizeof *o->sets);
	o->files = calloc((size_t)argc, sizeof *o->files);
	o->varies = calloc((size_t)argc, sizeof *o->varies);
	if (!o->sets || !o->files || !o->varies)
		return EXIT_RUN;
	if (argc < 2)
		return -1;
	o->cmd = argv[1];
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;
		if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (!val)
				return input_error("%s needs a folder", a);
			o->outdir = val;
			i++;
		} else if (!strcmp(a, "--set")) {
			if (!val)
				return input_error("%s needs NAME=VALUE", a);
			o->sets[o->n_sets++] = val;
			i++;
		} else if (!strcmp(a, "--seed")) {
			if (!val)
				return input_error("%s needs a number", a);
			errno = 0;
			o->seed = strtoull(val, &end, 10);
			if (errno || *end || end == val || val[0] == '-')
				return input_error("--seed: '%s' is not a whole number in [0, 18446744073709551615]", val);
			o->has_seed = 1;
			i++;
		} else if (!strcmp(a, "--replicates")) {
			long v;
			if ((rc = whole_option(a, val, 1, IAPT_SCENARIO_MAX_REPLICATES, &v)))
				return rc;
			o->reps = (int)v;
			o->has_reps = 1;
			i++;
		} else if (!strcmp(a, "--scale")) {
			if (!val)
				return input_error("%s needs a number", a);
			errno = 0;
			o->scale = strtod(val, &end);
			if (errno || *end || end == val || !(o->scale > 0 && o->scale <= 1))
				return input_error("--scale: '%s' is out of range (0, 1]", val);
			o->has_scale = 1;
			i++;
		} else if (!strcmp(a, "--threads")) {
			long v;
			if ((rc = whole_option(a, val, 1, 1024, &v)))
				return rc;
			o->threads = (int)v;
			i++;
		} else if (!strcmp(a, "--vary")) {
			if (!val)
				return input_error("%s needs NAME=LOW:HIGH", a);
			o->varies[o->n_varies++] = val;
			i++;
		} else if (!strcmp(a, "--targets") || !strcmp(a, "--fit") || !strcmp(a, "--observed") || !strcmp(a, "--mix")) {
			if (!val)
				return input_error("%s needs a value", a);
			if (!strcmp(a, "--targets"))
				o->targets = val;
			else if (!strcmp(a, "--fit"))
				o->fit = val;
			else if (!strcmp(a, "--observed"))
				o->observed = val;
			else
				o->mix = val;
			i++;
		} else if (!strcmp(a, "--max-evaluations")) {
			long v;
			if ((rc = whole_option(a, val, 1, 100000, &v)))
				return rc;
			o->max_eval = (int)v;
			i++;
		} else if (!strcmp(a, "--measure")) {
			if (!val)
				return input_error("%s needs PERSPECTIVE:MEASURE (e.g. societal:npv)", a);
			o->measure = val;
			i++;
		} else if (!strcmp(a, "--refine")) {
			long v;
			if ((rc = whole_option(a, val, 0, 20, &v)))
				return rc;
			o->refine = (int)v;
			i++;
		} else if (!strcmp(a, "--thresholds")) {
			if (!val)
				return input_error("%s needs FROM:TO:STEP", a);
			if (sscanf(val, "%lf:%lf:%lf", &o->lam[0], &o->lam[1], &o->lam[2]) != 3 || !(o->lam[0] >= 0) ||
			    !(o->lam[1] >= o->lam[0]) || !(o->lam[2] > 0) || (o->lam[1] - o->lam[0]) / o->lam[2] > 100000)
				return input_error("--thresholds: '%s' is not FROM:TO:STEP with 0 <= FROM <= TO, STEP > 0 and at most 100000 steps", val);
			i++;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->quiet = 1;
		} else if (!strcmp(a, "--csv")) {
			o->csv = 1;
		} else if (!strcmp(a, "--markdown")) {
			o->markdown = 1;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			return -1;
		} else if (a[0] == '-' && a[1]) {
			return input_error("unknown option '%s' (see 'iaptsim --help')", a);
		} else {
			o->files[o->n_files++] = a;
			o->scenario = o->files[0];
		}
	}
	if (o->n_files > 1 && strcmp(o->cmd, "compare"))
		return input_error("unexpected argument '%s'", o->files[1]);
	return 0;
}

/* Load the scenario and apply command-line overrides; all validation happens here. */
static int load_path(const opts *o, const char *path, iapt_scenario **out);

static int load(const opts *o, iapt_scenario **out)
{
	*out = NULL;
	if (!o->scenario)
		return input_error("%s: needs a scenario file", o->cmd);
	return load_path(o, o->scenario, out);
}

static int load_path(const opts *o, const char *path, iapt_scenario **out)
{
	iapt_scenario *sc;
	int rc, i;
	*out = NULL;
	if ((rc = iapt_scenario_load(&sc, path)))
		return report(rc);
	if ((rc = iapt_plugins_load(sc))) { /* the scenario names them; the Lua host loads them */
		iapt_scenario_free(sc);
		return report(rc);
	}
	for (i = 0; i < o->n_sets; i++) {
		if ((rc = iapt_params_assign(sc->params, o->sets[i], "--set"))) {
			fprintf(stderr, "iaptsim: --set %s: %s\n", o->sets[i], iapt_error_last()->message);
			iapt_scenario_free(sc);
			return EXIT_INPUT;
		}
	}
	if (o->has_seed)
		sc->seed = o->seed;
	if (o->has_reps)
		sc->replicates = o->reps;
	if (o->has_scale)
		sc->population_scale = o->scale;
	if ((rc = iapt_engine_check(sc))) {
		fprintf(stderr, "iaptsim: %s: %s\n", path, iapt_error_last()->message);
		iapt_scenario_free(sc);
		return EXIT_INPUT;
	}
	*out = sc;
	return EXIT_OK;
}

typedef struct progress_state {
	struct timespec t0;
	const char *label;
} progress_state;

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* On a terminal only: replicates done, the rate, the time left. */
static void progress(void *data, int done, int total)
{
	progress_state *p = data;
	double el = seconds_since(&p->t0), rate = el > 0 ? done / el : 0;
	fprintf(stderr, "\r  %s%d/%d replicates, %.2f a second, ", p->label, done, total, rate);
	if (done < total && rate > 0)
		fprintf(stderr, "%.0f s left   ", (total - done) / rate);
	else
		fprintf(stderr, "%.1f s        \n", el);
	fflush(stderr);
}

/* Run a scenario, with progress on stderr when it is a terminal. */
static int simulate(const opts *o, const iapt_scenario *sc, const char *label, iapt_results **res)
{
	iapt_run_options ro = IAPT_RUN_OPTIONS_INIT;
	iapt_plugin_host *host;
	progress_state ps;
	int rc;
	*res = NULL;
	if ((rc = iapt_plugin_host_new(&host, sc)))
		return rc;
	ro.threads = o->threads;
	ro.hooks = iapt_plugin_host_hooks(host);
	ps.label = label;
	clock_gettime(CLOCK_MONOTONIC, &ps.t0);
	if (!o->quiet && isatty(STDERR_FILENO)) {
		ro.progress = progress;
		ro.progress_data = &ps;
	}
	rc = g_distribute ? iapt_sim_run_distributed(res, sc, &ro) : iapt_sim_run(res, sc, &ro);
	iapt_plugin_host_free(host);
	return rc;
}

static void print_table(const iapt_scenario *sc, const iapt_results *res)
{
	static const int cols[] = {IAPT_M_REFERRALS_RECEIVED, IAPT_M_ENTERED_TREATMENT, IAPT_M_FINISHED_COURSE,
				   IAPT_M_RECOVERY_PCT, IAPT_M_RELIABLE_IMPROVEMENT_PCT, IAPT_M_RELIABLE_RECOVERY_PCT,
				   IAPT_M_RELIABLE_DETERIORATION_PCT, IAPT_M_MEAN_SESSIONS_FINISHED, IAPT_M_WITHIN_6WK_PCT,
				   IAPT_M_WITHIN_18WK_PCT};
	static const char *heads[] = {"referred", "entered", "finished", "recov%", "RI%", "RR%", "RD%", "sess", "<=6wk%", "<=18wk%"};
	size_t k, n = sizeof cols / sizeof cols[0];
	int y, r, reps = iapt_results_replicates(res);
	double *v = malloc((size_t)reps * sizeof *v), *scr = malloc((size_t)reps * sizeof *scr);
	char lab[8];
	if (!v || !scr) {
		free(v);
		free(scr);
		return;
	}
	printf("\n%s: mean of %d replicate%s (group: all)\n", sc->name, reps, reps == 1 ? "" : "s");
	printf("%-8s", "year");
	for (k = 0; k < n; k++)
		printf(" %*s", k < 3 ? 10 : 7, heads[k]);
	printf("\n");
	for (y = sc->first_year; y <= sc->last_year; y++) {
		printf("%-8s", iapt_year_label(y, lab));
		for (k = 0; k < n; k++) {
			iapt_summary s;
			for (r = 0; r < reps; r++)
				v[r] = iapt_results_value(res, y, IAPT_G_ALL, cols[k], r);
			iapt_stats_summarise(v, (size_t)reps, scr, &s);
			if (k < 3)
				printf(" %10.0f", s.mean);
			else
				printf(" %7.1f", s.mean);
		}
		printf("\n");
	}
	free(v);
	free(scr);
}

/* Money for people: GBP 1.23bn, 456.7m, 12.3k. */
static void gbp(char *buf, size_t n, double v)
{
	double a = fabs(v);
	if (isnan(v))
		snprintf(buf, n, "NA");
	else if (a >= 1e9)
		snprintf(buf, n, "%.2fbn", v / 1e9);
	else if (a >= 1e6)
		snprintf(buf, n, "%.1fm", v / 1e6);
	else if (a >= 1e3)
		snprintf(buf, n, "%.1fk", v / 1e3);
	else
		snprintf(buf, n, "%.0f", v);
}

static void print_economics(const iapt_scenario *sc, const iapt_results *res)
{
	static const int cols[] = {IAPT_E_PV_COSTS, IAPT_E_PV_BENEFITS, IAPT_E_NPV, IAPT_E_BCR, IAPT_E_PAYBACK_YEARS,
				   IAPT_E_QALYS, IAPT_E_COST_PER_QALY};
	static const char *heads[] = {"PV costs", "PV benefits", "NPV", "BCR", "payback", "QALYs", "GBP/QALY"};
	const iapt_econ_settings *e = iapt_results_econ_settings(res);
	int p, r, reps = iapt_results_replicates(res);
	size_t k, n = sizeof cols / sizeof cols[0];
	double *v = malloc((size_t)reps * sizeof *v), *scr = malloc((size_t)reps * sizeof *scr);
	char lab[8], lab2[8], cell[32];
	double fu = 0;
	iapt_params_get_by_name(sc->params, "followup.years", sc->last_year, &fu);
	if (!v || !scr) {
		free(v);
		free(scr);
		return;
	}
	printf("\nappraisal: GBP at %s prices, %s discounting, follow-up %g years (payback: years from the start of %s)\n",
	       iapt_year_label(e->price_year, lab), e->discount, fu, iapt_year_label(sc->first_year, lab2));
	printf("%-10s", "");
	for (k = 0; k < n; k++)
		printf(" %11s", heads[k]);
	printf("\n");
	for (p = 0; p < IAPT_PERSP__COUNT; p++) {
		if (!(e->perspectives & (1u << p)))
			continue;
		printf("%-10s", iapt_perspective_name(p));
		for (k = 0; k < n; k++) {
			iapt_summary s;
			for (r = 0; r < reps; r++)
				v[r] = iapt_results_econ(res, r, p, cols[k]);
			iapt_stats_summarise(v, (size_t)reps, scr, &s);
			if (s.n < (size_t)reps)
				snprintf(cell, sizeof cell, cols[k] == IAPT_E_PAYBACK_YEARS ? "never" : "NA");
			else if (cols[k] == IAPT_E_BCR || cols[k] == IAPT_E_PAYBACK_YEARS)
				snprintf(cell, sizeof cell, "%.2f", s.mean);
			else if (cols[k] == IAPT_E_QALYS)
				snprintf(cell, sizeof cell, "%.0f", s.mean);
			else
				gbp(cell, sizeof cell, s.mean);
			printf(" %11s", cell);
		}
		printf("\n");
	}
	free(v);
	free(scr);
}

static char *join_args(int argc, char **argv)
{
	size_t n = 1;
	int i;
	char *s;
	for (i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = malloc(n);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* What plugins logged (print, ctx:log), replicate by replicate, on stderr. */
static void print_logs(const iapt_results *res)
{
	int r;
	for (r = 0; r < iapt_results_replicates(res); r++) {
		const char *log = iapt_results_log(res, r), *nl;
		for (; log && *log; log = nl + 1) {
			nl = strchr(log, '\n');
			if (!nl)
				nl = log + strlen(log) - 1;
			fprintf(stderr, "[replicate %d] %.*s\n", r + 1, (int)(nl - log), log);
		}
	}
}

static int cmd_compare(const opts *o, int argc, char **argv);

static int cmd_run(const opts *o, int argc, char **argv)
{
	iapt_scenario *sc;
	iapt_results *res = NULL;
	iapt_output_meta meta;
	char slug[128], dirbuf[256];
	const char *dir;
	int rc, ex = load(o, &sc);
	char *cmdline;
	if (ex)
		return ex;
	if (sc->compare_to) {
		/* compare_to: the run is a comparison with that base, as iaptsim compare BASE THIS */
		opts co = *o;
		const char *files[2];
		files[0] = sc->compare_to;
		files[1] = o->scenario;
		co.files = files;
		co.n_files = 2;
		co.scenario = files[0];
		ex = cmd_compare(&co, argc, argv);
		iapt_scenario_free(sc);
		return ex;
	}
	if (!o->quiet)
		fprintf(stderr, "iaptsim: %s: %d replicate%s, %s to %d-%02d, population scale %g, seed %llu\n", sc->name,
			sc->replicates, sc->replicates == 1 ? "" : "s", iapt_year_label(sc->first_year, slug),
			sc->last_year, (sc->last_year + 1) % 100, sc->population_scale, sc->seed);
	if ((rc = simulate(o, sc, "", &res))) {
		ex = report(rc);
		iapt_scenario_free(sc);
		return ex;
	}
	if (o->outdir) {
		dir = o->outdir;
	} else {
		snprintf(dirbuf, sizeof dirbuf, "results/%s", iapt_output_slug(sc->name, slug, sizeof slug));
		dir = dirbuf;
	}
	cmdline = join_args(argc, argv);
	meta.command = cmdline;
	rc = g_rank ? IAPT_OK : iapt_output_write(dir, sc, res, &meta);
	if (!rc && !g_rank)
		rc = iapt_report_write(dir);
	free(cmdline);
	if (rc) {
		ex = report(rc);
	} else if (!o->quiet) {
		print_logs(res);
		print_table(sc, res);
		print_economics(sc, res);
		printf("\nresults: %s/report.html, summary.csv, economics.csv, ledger.csv, replicates.csv, %srun.json\n", dir,
		       sc->n_uncertain ? "psa.csv, " : "");
	}
	iapt_results_free(res);
	iapt_scenario_free(sc);
	return rc ? ex : EXIT_OK;
}

static void print_plugin(const iapt_plugin *pl)
{
	size_t k;
	int h, any = 0;
	printf("%s  (%s%s)\n    %s\n", pl->name, pl->builtin ? "built in: " : "", pl->path, pl->summary);
	printf("    hooks:");
	for (h = 0; h < IAPT_HOOK__COUNT; h++)
		if (pl->hooks & (1u << h)) {
			printf("%s %s", any ? "," : "", iapt_hook_name(h));
			any = 1;
		}
	printf("%s\n", any ? "" : " none");
	if (pl->n_options)
		printf("    options (with: in the scenario):\n");
	for (k = 0; k < pl->n_options; k++) {
		const iapt_plugin_option *o = &pl->options[k];
		char def[128];
		size_t c;
		switch (o->kind) {
		case IAPT_OPT_STRING: snprintf(def, sizeof def, "\"%s\"", o->def_str); break;
		case IAPT_OPT_BOOLEAN: snprintf(def, sizeof def, "%s", o->def_num != 0 ? "true" : "false"); break;
		case IAPT_OPT_INTEGER: snprintf(def, sizeof def, "%.10g, whole number in [%g, %g]", o->def_num, o->min, o->max); break;
		default: snprintf(def, sizeof def, "%.10g, in [%g, %g]", o->def_num, o->min, o->max); break;
		}
		printf("      %-22s default %s\n", o->name, def);
		if (o->n_choices) {
			printf("      %-22s one of:", "");
			for (c = 0; c < o->n_choices; c++)
				printf(" %s", o->choices[c]);
			printf("\n");
		}
		printf("      %-22s %s\n", "", o->doc);
	}
	if (pl->n_metrics)
		printf("    metrics (summary.csv, group all):\n");
	for (k = 0; k < pl->n_metrics; k++)
		printf("      %s.%-22s %s (%s)\n", pl->name, pl->metrics[k].name, pl->metrics[k].doc,
		       pl->metrics[k].level ? "level" : "count");
}

/* Every NAME.lua in dir, in name order; a file that does not load says why. */
static int list_dir(const char *dir, int *bad)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort), i;
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);
		if (len > 4 && !strcmp(ents[i]->d_name + len - 4, ".lua")) {
			char path[4096];
			iapt_plugin *pl;
			snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
			if (iapt_plugin_load(&pl, path, NULL, 0, 0) == IAPT_OK) {
				printf("\n");
				print_plugin(pl);
				iapt_plugin_free(pl);
			} else {
				printf("\n%s: does not load:\n    %s\n", path, iapt_error_last()->message);
				*bad = 1;
			}
		}
		free(ents[i]);
	}
	free(ents);
	return 1;
}

static int cmd_plugins(const opts *o)
{
	size_t i;
	int bad = 0;
	const char *pp = getenv("IAPTSIM_PLUGIN_PATH");
	printf("built-in plugins (use: NAME in a scenario's plugins list):\n");
	for (i = 0; i < iapt_plugin_builtin_count(); i++) {
		iapt_plugin *pl;
		int rc = iapt_plugin_load(&pl, iapt_plugin_builtin_name(i), NULL, 0, 0);
		if (rc)
			return report(rc);
		printf("\n");
		print_plugin(pl);
		iapt_plugin_free(pl);
	}
	if (o->scenario) {
		size_t len = strlen(o->scenario);
		if (len > 4 && !strcmp(o->scenario + len - 4, ".lua")) {
			iapt_plugin *pl;
			int rc = iapt_plugin_load(&pl, o->scenario, NULL, 0, 0);
			if (rc)
				return report(rc);
			printf("\n%s:\n\n", o->scenario);
			print_plugin(pl);
			iapt_plugin_free(pl);
		} else {
			printf("\nin %s (use: %s/NAME.lua):\n", o->scenario, o->scenario);
			if (!list_dir(o->scenario, &bad))
				return input_error("plugins: cannot read the folder '%s'", o->scenario);
		}
	}
	while (pp && *pp) {
		const char *end = strchr(pp, ':');
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*s", (int)(end ? (size_t)(end - pp) : strlen(pp)), pp);
		if (dir[0]) {
			printf("\non IAPTSIM_PLUGIN_PATH, in %s (use: NAME):\n", dir);
			list_dir(dir, &bad);
		}
		pp = end ? end + 1 : NULL;
	}
	return bad ? EXIT_INPUT : EXIT_OK;
}

/* Mean over replicates of a measure of a perspective (NaN if undefined in any). */
static double econ_mean(const iapt_results *r, int t, int m)
{
	int k, n = iapt_results_replicates(r);
	double sum = 0;
	for (k = 0; k < n; k++)
		sum += iapt_results_econ(r, k, t, m);
	return sum / n;
}

static void free_all(iapt_scenario **sc, iapt_results **res, char **folders, int n)
{
	int s;
	for (s = 0; s < n; s++) {
		iapt_scenario_free(sc[s]);
		iapt_results_free(res[s]);
		free(folders[s]);
	}
	free(sc);
	free(res);
	free(folders);
}

static int cmd_compare(const opts *o, int argc, char **argv)
{
	int n = o->n_files, s, ex = EXIT_OK, rc, t;
	iapt_scenario **sc = calloc((size_t)n + 1, sizeof *sc);
	iapt_results **res = calloc((size_t)n + 1, sizeof *res);
	char **folders = calloc((size_t)n + 1, sizeof *folders), slug[128], dirbuf[256], *cmdline = NULL;
	const char *dir;
	iapt_compare_options co;
	iapt_output_meta meta;
	if (!sc || !res || !folders) {
		free_all(sc, res, folders, 0);
		return out_of_memory();
	}
	if (n < 2) {
		free_all(sc, res, folders, 0);
		return input_error("compare: needs a base scenario and at least one alternative (iaptsim compare BASE.yaml ALT.yaml ...)");
	}
	for (s = 0; s < n && !ex; s++)
		ex = load_path(o, o->files[s], &sc[s]);
	if (ex) {
		free_all(sc, res, folders, n);
		return ex;
	}
	/* common random numbers: every strategy runs with the base's seed, replicates and scale */
	for (s = 1; s < n; s++) {
		if (!o->quiet && (sc[s]->seed != sc[0]->seed || sc[s]->replicates != sc[0]->replicates ||
				  sc[s]->population_scale != sc[0]->population_scale))
			fprintf(stderr, "iaptsim: %s runs with the base's seed %llu, %d replicates and population scale %g\n",
				o->files[s], sc[0]->seed, sc[0]->replicates, sc[0]->population_scale);
		sc[s]->seed = sc[0]->seed;
		sc[s]->replicates = sc[0]->replicates;
		sc[s]->population_scale = sc[0]->population_scale;
	}
	if ((rc = iapt_compare_check((const iapt_scenario *const *)sc, (size_t)n))) {
		free_all(sc, res, folders, n);
		return report(rc);
	}
	if (o->outdir) {
		dir = o->outdir;
	} else {
		snprintf(dirbuf, sizeof dirbuf, "results/compare_%s", iapt_output_slug(sc[0]->name, slug, sizeof slug));
		dir = dirbuf;
	}
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
			return out_of_memory();
		}
		strcpy(folders[s], name);
	}
	for (s = 0; s < n; s++) {
		char label[160];
		if (!o->quiet)
			fprintf(stderr, "iaptsim: %s %s: %d replicates, seed %llu\n", s ? "alternative" : "base", sc[s]->name,
				sc[s]->replicates, sc[s]->seed);
		snprintf(label, sizeof label, "%s: ", folders[s]);
		if ((rc = simulate(o, sc[s], label, &res[s]))) {
			free_all(sc, res, folders, n);
			return report(rc);
		}
	}
	cmdline = join_args(argc, argv);
	meta.command = cmdline;
	co.lambda_min = o->lam[0];
	co.lambda_max = o->lam[1];
	co.lambda_step = o->lam[2];
	for (s = 0, rc = IAPT_OK; s < n && !rc && !g_rank; s++) {
		char sub[600];
		snprintf(sub, sizeof sub, "%s/%s", dir, folders[s]);
		rc = iapt_output_write(sub, sc[s], res[s], &meta);
		if (!rc)
			rc = iapt_report_write(sub);
	}
	if (!rc && !g_rank)
		rc = iapt_output_compare(dir, (const iapt_scenario *const *)sc, (const iapt_results *const *)res, (size_t)n,
					 (const char *const *)folders, &co, &meta);
	if (!rc && !g_rank)
		rc = iapt_report_write(dir);
	free(cmdline);
	if (rc) {
		ex = report(rc);
	} else if (!o->quiet) {
		const iapt_econ_settings *e = &sc[0]->econ;
		double lam = e->n_thresholds ? e->thresholds[0] : 20000;
		double *d_cost = malloc((size_t)sc[0]->replicates * sizeof *d_cost), *d_qalys = malloc((size_t)sc[0]->replicates * sizeof *d_qalys);
		char a[32], b[32], d[32];
		if (!d_cost || !d_qalys) {
			free(d_cost);
			free(d_qalys);
			free_all(sc, res, folders, n);
			return out_of_memory();
		}
		printf("\ncompared with %s, mean of %d paired draws (GBP at %d-%02d prices; QALYs discounted):\n", sc[0]->name,
		       sc[0]->replicates, e->price_year, (e->price_year + 1) % 100);
		printf("%-10s %-28s %14s %12s %12s %14s %8s\n", "", "strategy", "d net cost", "d QALYs", "GBP/QALY", "INMB", "P(CE)");
		for (t = 0; t < IAPT_PERSP__COUNT; t++) {
			if (!(e->perspectives & (1u << t)))
				continue;
			for (s = 1; s < n; s++) {
				double dc = econ_mean(res[s], t, IAPT_E_NET_COST) - econ_mean(res[0], t, IAPT_E_NET_COST);
				double dq = econ_mean(res[s], t, IAPT_E_QALYS) - econ_mean(res[0], t, IAPT_E_QALYS), pce;
				iapt_compare_paired(res[0], res[s], t, d_cost, d_qalys);
				pce = iapt_psa_prob_positive(d_cost, d_qalys, (size_t)sc[0]->replicates, lam);
				gbp(a, sizeof a, dc);
				gbp(b, sizeof b, dq != 0 ? dc / dq : NAN);
				gbp(d, sizeof d, lam * dq - dc);
				printf("%-10s %-28.28s %14s %12.0f %12s %14s %8.2f\n", iapt_perspective_name(t), sc[s]->name, a, dq, b, d, pce);
			}
		}
		free(d_cost);
		free(d_qalys);
		printf("(INMB and P(CE): incremental net monetary benefit and the share of draws where it is positive, at GBP %.0f per QALY)\n", lam);
		printf("\nresults: %s/report.html, comparison.csv, ceac.csv, evpi.csv, psa.csv, run.json; each strategy in %s/<name>/\n", dir, dir);
	}
	free_all(sc, res, folders, n);
	return ex;
}

/* The outcome of one-way sensitivity: perspective:measure of economics.csv. */
static int parse_measure(const iapt_scenario *sc, const char *spec, int *persp, int *measure)
{
	const char *colon = strchr(spec, ':');
	int t, m;
	char buf[64];
	if (!colon)
		return -1;
	for (t = 0; t < IAPT_PERSP__COUNT; t++)
		if ((size_t)(colon - spec) == strlen(iapt_perspective_name(t)) && !strncmp(spec, iapt_perspective_name(t), (size_t)(colon - spec)))
			break;
	if (t == IAPT_PERSP__COUNT)
		return -1;
	for (m = 0; m < iapt_econ_measure_count(&sc->econ); m++)
		if (!strcmp(colon + 1, iapt_econ_measure_name(&sc->econ, m, buf)))
			break;
	if (m == iapt_econ_measure_count(&sc->econ))
		return -1;
	*persp = t;
	*measure = m;
	return 0;
}

/* Mean outcome with parameter idx set to x for every year (idx (size_t)-1: as it is). */
static int outcome_at(const opts *o, iapt_scenario *sc, size_t idx, double x, int t, int m, const char *label, double *y)
{
	iapt_params *saved = sc->params;
	iapt_results *res = NULL;
	int rc = IAPT_OK;
	if (idx != (size_t)-1) {
		if ((rc = iapt_params_copy(&sc->params, saved)))
			return rc;
		rc = iapt_params_set_constant(sc->params, idx, x, "sensitivity");
	}
	if (!rc) /* iapt_sim_run checks the parameter combinations first */
		rc = simulate(o, sc, label, &res);
	if (!rc)
		*y = econ_mean(res, t, m);
	iapt_results_free(res);
	if (sc->params != saved) {
		iapt_params_free(sc->params);
		sc->params = saved;
	}
	return rc;
}

static int cmd_sensitivity(const opts *o, int argc, char **argv)
{
	iapt_scenario *sc;
	iapt_oneway *rows = NULL;
	size_t n = 0, k;
	int ex = load(o, &sc), rc = IAPT_OK, t = 0, m = 0, i;
	char slug[128], dirbuf[256], *cmdline;
	const char *dir;
	iapt_output_meta meta;
	if (ex)
		return ex;
	if (parse_measure(sc, o->measure, &t, &m)) {
		iapt_scenario_free(sc);
		return input_error("--measure: '%s' is not PERSPECTIVE:MEASURE of economics.csv (e.g. societal:npv, nhs:cost_per_qaly)", o->measure);
	}
	n = (size_t)o->n_varies + sc->n_ranges;
	rows = calloc(n + 1, sizeof *rows);
	if (!rows) {
		free(rows);
		iapt_scenario_free(sc);
		return out_of_memory();
	}
	if (!n) {
		ex = input_error("sensitivity: nothing to vary: give --vary NAME=LOW:HIGH or a sensitivity block in the scenario");
		goto done;
	}
	/* ranges: the scenario's, then --vary (which win for a parameter named in both) */
	for (k = 0; k < sc->n_ranges; k++) {
		iapt_param_info in;
		iapt_params_info(sc->params, sc->ranges[k].param, &in);
		rows[k].name = in.name;
		rows[k].low = sc->ranges[k].low;
		rows[k].high = sc->ranges[k].high;
	}
	for (i = 0; i < o->n_varies; i++) {
		const char *v = o->varies[i], *eq = strchr(v, '=');
		char name[128];
		size_t idx, j;
		double lo, hi;
		iapt_param_info in;
		char tail;
		if (!eq || (size_t)(eq - v) >= sizeof name || sscanf(eq + 1, "%lf:%lf%c", &lo, &hi, &tail) != 2) {
			ex = input_error("--vary %s: expected NAME=LOW:HIGH", v);
			goto done;
		}
		snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
		if (iapt_params_find(sc->params, name, &idx)) {
			ex = input_error("--vary %s: %s", v, iapt_error_last()->message);
			goto done;
		}
		iapt_params_info(sc->params, idx, &in);
		if (!(lo < hi) || lo < in.min || hi > in.max) {
			ex = input_error("--vary %s: need LOW < HIGH inside the parameter's bounds [%g, %g]", v, in.min, in.max);
			goto done;
		}
		for (j = 0; j < k && strcmp(rows[j].name, in.name); j++)
			;
		rows[j].name = in.name;
		rows[j].low = lo;
		rows[j].high = hi;
		if (j == k)
			k++;
	}
	n = k;
	sc->n_uncertain = 0; /* every other parameter at its value */
	if (!o->quiet)
		fprintf(stderr, "iaptsim: %s: one-way sensitivity of %s, %zu parameter%s, %d replicates each, seed %llu\n", sc->name,
			o->measure, n, n == 1 ? "" : "s", sc->replicates, sc->seed);
	{
		double y0;
		if ((rc = outcome_at(o, sc, (size_t)-1, 0, t, m, "base: ", &y0)))
			goto failed;
		for (k = 0; k < n; k++) {
			size_t idx;
			iapt_param_info in;
			char label[200];
			iapt_params_find(sc->params, rows[k].name, &idx);
			iapt_params_info(sc->params, idx, &in);
			rows[k].base = in.value;
			rows[k].y_base = y0;
			snprintf(label, sizeof label, "%s low: ", in.name);
			if ((rc = outcome_at(o, sc, idx, rows[k].low, t, m, label, &rows[k].y_low)))
				goto failed;
			snprintf(label, sizeof label, "%s high: ", in.name);
			if ((rc = outcome_at(o, sc, idx, rows[k].high, t, m, label, &rows[k].y_high)))
				goto failed;
			iapt_oneway_finish(&rows[k]);
			/* refine the switching value by regula falsi, each step a run at the estimate */
			if (isfinite(rows[k].switching) && !in.integer) {
				double xa = rows[k].low, ya = rows[k].y_low, xb = rows[k].high, yb = rows[k].y_high, x = rows[k].switching;
				int step;
				for (step = 0; step < o->refine && ya != 0 && yb != 0; step++) {
					double y;
					snprintf(label, sizeof label, "%s switching value: ", in.name);
					if ((rc = outcome_at(o, sc, idx, x, t, m, label, &y)))
						goto failed;
					if (y == 0)
						break;
					if ((y < 0) == (ya < 0)) {
						xa = x;
						ya = y;
					} else {
						xb = x;
						yb = y;
					}
					x = xa + (xb - xa) * (0 - ya) / (yb - ya);
				}
				rows[k].switching = x;
			}
		}
	}
	iapt_tornado_sort(rows, n);
	if (o->outdir) {
		dir = o->outdir;
	} else {
		snprintf(dirbuf, sizeof dirbuf, "results/sensitivity_%s", iapt_output_slug(sc->name, slug, sizeof slug));
		dir = dirbuf;
	}
	cmdline = join_args(argc, argv);
	meta.command = cmdline;
	rc = g_rank ? IAPT_OK : iapt_output_tornado(dir, sc, rows, n, o->measure, &meta);
	if (!rc && !g_rank)
		rc = iapt_report_write(dir);
	free(cmdline);
	if (rc)
		goto failed;
	if (!o->quiet) {
		char a[32], b[32], c[32], d[32];
		printf("\n%s: one-way sensitivity of %s (mean of %d replicates; base %s)\n", sc->name, o->measure, sc->replicates,
		       (gbp(a, sizeof a, rows[0].y_base), a));
		printf("%-40s %12s %12s %14s %14s %14s %16s\n", "parameter", "low", "high", "at low", "at high", "swing", "switching value");
		for (k = 0; k < n; k++) {
			gbp(a, sizeof a, rows[k].y_low);
			gbp(b, sizeof b, rows[k].y_high);
			gbp(c, sizeof c, rows[k].swing);
			if (isfinite(rows[k].switching))
				snprintf(d, sizeof d, "%.6g", rows[k].switching);
			else
				snprintf(d, sizeof d, "none");
			printf("%-40.40s %12.6g %12.6g %14s %14s %14s %16s\n", rows[k].name, rows[k].low, rows[k].high, a, b, c, d);
		}
		printf("\nresults: %s/report.html, tornado.csv, run.json\n", dir);
	}
	goto done;
failed:
	ex = report(rc);
done:
	free(rows);
	iapt_scenario_free(sc);
	return ex;
}

static void calib_progress(void *data, int evaluation, double distance)
{
	(void)data;
	fprintf(stderr, "\r  run %d, distance %.6g   ", evaluation, distance);
	fflush(stderr);
}

/* The model's value of each target at the scenario's parameters now. */
static int model_values(const opts *o, const iapt_scenario *sc, const iapt_target *t, size_t nt, double *out)
{
	iapt_results *res = NULL;
	size_t k;
	int rc = simulate(o, sc, "", &res);
	for (k = 0; !rc && k < nt; k++)
		out[k] = iapt_calib_model_value(res, &t[k]);
	iapt_results_free(res);
	return rc;
}

static int cmd_calibrate(const opts *o, int argc, char **argv)
{
	iapt_scenario *sc;
	iapt_target *t = NULL;
	size_t nt = 0, np = 0, k, all;
	size_t params[64];
	double start[64], fitted[64], *m0 = NULL, *m1 = NULL;
	iapt_calib_options co;
	iapt_plugin_host *host = NULL;
	iapt_calib_result cr;
	iapt_output_meta meta;
	char slug[128], dirbuf[256], *cmdline, fitbuf[4096], *tok, *save = NULL;
	const char *dir;
	int ex = load(o, &sc), rc;
	if (ex)
		return ex;
	if (!o->targets || !o->fit) {
		iapt_scenario_free(sc);
		return input_error("calibrate: needs --targets FILE.csv and --fit NAME,NAME,...");
	}
	snprintf(fitbuf, sizeof fitbuf, "%s", o->fit);
	for (tok = strtok_r(fitbuf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (np == 64) {
			iapt_scenario_free(sc);
			return input_error("--fit: at most 64 parameters");
		}
		if (iapt_params_find(sc->params, tok, &params[np])) {
			ex = input_error("--fit: %s", iapt_error_last()->message);
			iapt_scenario_free(sc);
			return ex;
		}
		start[np] = iapt_params_get(sc->params, params[np], sc->first_year);
		np++;
	}
	if ((rc = iapt_targets_load(o->targets, &t, &all))) {
		iapt_scenario_free(sc);
		return report(rc == IAPT_EPARSE || rc == IAPT_EIO ? IAPT_EINVAL : rc);
	}
	nt = iapt_targets_between(t, all, sc->first_year, sc->last_year);
	if (!nt) {
		free(t);
		iapt_scenario_free(sc);
		return input_error("calibrate: no target in the scenario's years");
	}
	if (!o->quiet)
		fprintf(stderr, "iaptsim: %s: fitting %zu parameter%s to %zu targets (%zu outside the scenario's years left out), %d replicates a run, seed %llu\n",
			sc->name, np, np == 1 ? "" : "s", nt, all - nt, sc->replicates, sc->seed);
	m0 = malloc(nt * sizeof *m0);
	m1 = malloc(nt * sizeof *m1);
	if (!m0 || !m1) {
		ex = out_of_memory();
		goto done;
	}
	if ((rc = model_values(o, sc, t, nt, m0)))
		goto failed;
	memset(&co, 0, sizeof co);
	co.threads = o->threads;
	co.run = g_distribute ? iapt_sim_run_distributed : NULL;
	co.max_evaluations = o->max_eval;
	if (!o->quiet && isatty(STDERR_FILENO))
		co.progress = calib_progress;
	if ((rc = iapt_plugin_host_new(&host, sc)))
		goto failed;
	co.hooks = iapt_plugin_host_hooks(host);
	rc = iapt_calibrate(sc, params, np, t, nt, &co, fitted, &cr);
	iapt_plugin_host_free(host);
	host = NULL;
	if (rc)
		goto failed;
	if (co.progress)
		fprintf(stderr, "\n");
	if ((rc = model_values(o, sc, t, nt, m1)))
		goto failed;
	if (o->outdir) {
		dir = o->outdir;
	} else {
		snprintf(dirbuf, sizeof dirbuf, "results/calibrate_%s", iapt_output_slug(sc->name, slug, sizeof slug));
		dir = dirbuf;
	}
	cmdline = join_args(argc, argv);
	meta.command = cmdline;
	rc = g_rank ? IAPT_OK : iapt_output_calibration(dir, sc, params, start, fitted, np, t, nt, m0, m1, &cr, &meta);
	free(cmdline);
	if (rc)
		goto failed;
	if (!o->quiet) {
		char lab[8];
		printf("\n%s: %d runs, %s; distance %.6g -> %.6g\n", sc->name, cr.evaluations,
		       cr.converged ? "converged" : "stopped at the run limit", cr.distance_start, cr.distance_end);
		printf("%-40s %14s %14s\n", "parameter", "start", "fitted");
		for (k = 0; k < np; k++) {
			iapt_param_info in;
			iapt_params_info(sc->params, params[k], &in);
			printf("%-40s %14.6g %14.6g\n", in.name, start[k], fitted[k]);
		}
		printf("\n%-8s %-22s %-34s %14s %14s %14s\n", "year", "group", "metric", "observed", "start", "fitted");
		for (k = 0; k < nt; k++)
			printf("%-8s %-22s %-34s %14.6g %14.6g %14.6g\n", iapt_year_label(t[k].year, lab), iapt_group_name(t[k].group),
			       iapt_metric_name(t[k].metric), t[k].value, m0[k], m1[k]);
		printf("\nresults: %s/calibration.csv, fit.csv, fitted.yaml (for a scenario's include:), run.json\n", dir);
	}
	goto done;
failed:
	ex = report(rc);
done:
	free(m0);
	free(m1);
	free(t);
	iapt_scenario_free(sc);
	return ex;
}

/* ---- validate: the scenario beside the published figures, as markdown ---- */

/* Tolerances of the validation (issue: 2017-18 to 2019-20): points for rates, relative for
 * finished courses and shares of the step mix in points; 0 when there is none. */
static double tolerance(int year, int metric, int *relative)
{
	*relative = 0;
	if (year < 2017 || year > 2019)
		return 0;
	if (metric == IAPT_M_RECOVERY_PCT || metric == IAPT_M_RELIABLE_IMPROVEMENT_PCT || metric == IAPT_M_RELIABLE_RECOVERY_PCT)
		return 1.5;
	if (metric == IAPT_M_FINISHED_COURSE) {
		*relative = 1;
		return 0.05;
	}
	return 0;
}

static int is_rate(int metric)
{
	const char *n = iapt_metric_name(metric);
	size_t l = strlen(n);
	return (l > 4 && !strcmp(n + l - 4, "_pct")) || metric == IAPT_M_MEAN_SESSIONS_FINISHED || metric == IAPT_M_MEAN_WAIT_WEEKS;
}

/* A value as a person reads it: rates to two decimals, counts whole with separators. */
static const char *fmt_value(char *buf, size_t n, int metric, double v)
{
	char digits[64], *p;
	size_t len, i, k = 0, lead;
	if (!isfinite(v))
		return snprintf(buf, n, "NA"), buf;
	if (is_rate(metric))
		return snprintf(buf, n, "%.2f", v), buf;
	snprintf(digits, sizeof digits, "%.0f", fabs(v));
	len = strlen(digits);
	lead = len % 3 ? len % 3 : 3;
	p = buf;
	if (v < 0 && k + 1 < n)
		p[k++] = '-';
	for (i = 0; i < len && k + 2 < n; i++) {
		if (i && (i - lead) % 3 == 0 && i >= lead)
			p[k++] = ',';
		p[k++] = digits[i];
	}
	p[k] = '\0';
	return buf;
}

static int cmd_validate(const opts *o)
{
	iapt_scenario *sc;
	iapt_results *res = NULL;
	iapt_target *t = NULL;
	iapt_step_mix *mix = NULL;
	size_t nt = 0, nm = 0, k, all;
	int ex = load(o, &sc), rc, checks = 0, passed = 0, y;
	char *text = NULL, *btext = NULL, lab[8];
	size_t tlen = 0, blen = 0;
	FILE *out = open_memstream(&text, &tlen), *bo = NULL;
	if (ex || !out) {
		if (out)
			fclose(out);
		free(text);
		iapt_scenario_free(sc);
		return ex ? ex : out_of_memory();
	}
	if (!o->observed) {
		fclose(out);
		free(text);
		iapt_scenario_free(sc);
		return input_error("validate: needs --observed FILE.csv (such as data/national_annual.csv)");
	}
	if ((rc = iapt_targets_load(o->observed, &t, &all)) || (o->mix && (rc = iapt_step_mix_load(o->mix, &mix, &nm)))) {
		free(t);
		fclose(out);
		free(text);
		iapt_scenario_free(sc);
		return report(rc == IAPT_EPARSE || rc == IAPT_EIO ? IAPT_EINVAL : rc);
	}
	nt = iapt_targets_between(t, all, sc->first_year, sc->last_year);
	if ((rc = simulate(o, sc, "", &res)))
		goto failed;
	fprintf(out, "# Validation: %s\n\n", sc->name);
	fprintf(out, "Generated by `make validation`, that is\n`iaptsim validate %s --observed %s%s%s -o docs/validation.md`\n",
			 sc->path, o->observed, o->mix ? " --mix " : "", o->mix ? o->mix : "");
	fprintf(out, "(iaptsim %s; seed %llu, %d replicates at population scale %g). Do not edit by hand: rerun it.\n\n",
			 IAPTSIM_VERSION, sc->seed, sc->replicates, sc->population_scale);
	fprintf(out, "Model values are means over replicates, with the 2.5th and 97.5th percentiles. Differences\n"
			     "are model - published: in points for rates, in per cent for counts. Where a tolerance is\n"
			     "set (2017-18 to 2019-20: recovery, reliable improvement and reliable recovery within 1.5\n"
			     "points, finished courses within 5%%, each step's share of finished courses within 3\n"
			     "points), the last column says whether the model is within it. Each published year's source,\n"
			     "and its caveats, are in the `source` column of the observed file (2012-13, for one, counted\n"
			     "only referrals received in the year, so its finished courses are an undercount).\n\n");
	{
		if (!(bo = open_memstream(&btext, &blen))) {
			ex = out_of_memory();
			goto done;
		}
		fprintf(bo, "## National figures\n\n| year | measure | published | model | 95%% interval | difference | within tolerance |\n| --- | --- | --- | --- | --- | --- | --- |\n");
		for (k = 0; k < nt; k++) {
			int rel, r, n = iapt_results_replicates(res);
			double m = iapt_calib_model_value(res, &t[k]), tol = tolerance(t[k].year, t[k].metric, &rel), *v, lo, hi, d;
			iapt_summary sm;
			v = malloc(2 * (size_t)n * sizeof *v);
			if (!v) {
				ex = out_of_memory();
				goto done;
			}
			for (r = 0; r < n; r++)
				v[r] = iapt_results_value(res, t[k].year, t[k].group, t[k].metric, r);
			iapt_stats_summarise(v, (size_t)n, v + n, &sm);
			free(v);
			lo = sm.lo95;
			hi = sm.hi95;
			d = is_rate(t[k].metric) ? m - t[k].value : 100 * (m / t[k].value - 1);
			{
				char f1[48], f2[48], f3[48], f4[48];
				fprintf(bo, "| %s | %s | %s | %s | %s - %s | %+.2f%s | ", iapt_year_label(t[k].year, lab), iapt_metric_name(t[k].metric),
					fmt_value(f1, sizeof f1, t[k].metric, t[k].value), fmt_value(f2, sizeof f2, t[k].metric, m),
					fmt_value(f3, sizeof f3, t[k].metric, lo), fmt_value(f4, sizeof f4, t[k].metric, hi), d,
					is_rate(t[k].metric) ? "" : "%");
			}
			if (tol > 0) {
				int ok = rel ? fabs(m / t[k].value - 1) <= tol : fabs(m - t[k].value) <= tol;
				checks++;
				passed += ok;
				fprintf(bo, "%s |\n", ok ? "yes" : "**no**");
			} else {
				fprintf(bo, " |\n");
			}
		}
		if (mix) {
			fprintf(bo, "\n## Step mix (share of finished courses with a stated step)\n\n"
						"| year | step | published %% | model %% | difference (points) | within tolerance |\n| --- | --- | --- | --- | --- | --- |\n");
			for (k = 0; k < nm; k++) {
				static const int groups[3] = {IAPT_G_STEP_LI_ONLY, IAPT_G_STEP_LI_THEN_HI, IAPT_G_STEP_HI_ONLY};
				double pub[3] = {mix[k].li_only, mix[k].li_then_hi, mix[k].hi_only}, mod[3], pt = 0, mt = 0;
				int g;
				y = mix[k].year;
				if (y < sc->first_year || y > sc->last_year)
					continue;
				for (g = 0; g < 3; g++) {
					iapt_target x = {y, groups[g], IAPT_M_FINISHED_COURSE, 0, 1};
					mod[g] = iapt_calib_model_value(res, &x);
					pt += pub[g];
					mt += mod[g];
				}
				for (g = 0; g < 3; g++) {
					double ps = 100 * pub[g] / pt, ms = 100 * mod[g] / mt;
					int ok = fabs(ms - ps) <= 3;
					checks += y >= 2017 && y <= 2019;
					passed += (y >= 2017 && y <= 2019) && ok;
					fprintf(bo, "| %s | %s | %.1f | %.1f | %+.2f | %s |\n", iapt_year_label(y, lab),
							 iapt_group_name(groups[g]) + 5, ps, ms, ms - ps,
							 y >= 2017 && y <= 2019 ? (ok ? "yes" : "**no**") : "");
				}
			}
		}
		fprintf(out, "**Tolerance checks: %d of %d within.**\n\n", passed, checks);
		fclose(bo);
		bo = NULL;
		fwrite(btext, 1, blen, out);
	}
	fclose(out);
	out = NULL;
	if (g_rank) {
		/* rank 0 writes */
	} else if (o->outdir) {
		/* written whole or not at all: a temporary name, then rename */
		char tmp[4200];
		FILE *f;
		snprintf(tmp, sizeof tmp, "%s.tmp", o->outdir);
		f = fopen(tmp, "wb");
		if (!f || fwrite(text, 1, tlen, f) != tlen || fclose(f) || rename(tmp, o->outdir)) {
			remove(tmp);
			ex = input_error("validate: cannot write %s", o->outdir);
			goto done;
		}
		if (!o->quiet)
			printf("%s: %d of %d tolerance checks within; written to %s\n", sc->name, passed, checks, o->outdir);
	} else {
		fwrite(text, 1, tlen, stdout);
	}
	goto done;
failed:
	ex = report(rc);
done:
	if (bo)
		fclose(bo);
	if (out)
		fclose(out);
	free(btext);
	free(text);
	iapt_results_free(res);
	free(t);
	free(mix);
	iapt_scenario_free(sc);
	return ex;
}

static int cmd_report(const opts *o)
{
	int rc;
	if (!o->scenario)
		return input_error("report: needs a results folder (iaptsim report results/NAME)");
	if ((rc = iapt_report_write(o->scenario)))
		return report(rc);
	if (!o->quiet)
		printf("%s/report.html\n", o->scenario);
	return EXIT_OK;
}

static int cmd_check(const opts *o)
{
	iapt_scenario *sc;
	int ex = load(o, &sc); /* parses, applies --set and checks parameter combinations */
	char a[8], b[8];
	if (ex)
		return ex;
	printf("%s: ok: '%s', %s to %s, %d replicates, population scale %g, seed %llu\n", o->scenario, sc->name,
	       iapt_year_label(sc->first_year, a), iapt_year_label(sc->last_year, b), sc->replicates,
	       sc->population_scale, sc->seed);
	for (size_t k = 0; k < sc->n_plugins; k++)
		printf("  plugin %s (%s%s), sha256 %.12s\n", sc->plugins[k]->name, sc->plugins[k]->builtin ? "built in: " : "",
		       sc->plugins[k]->path, sc->plugins[k]->sha256);
	if (sc->compare_to) {
		iapt_scenario *base, *pair[2];
		int rc;
		if ((ex = load_path(o, sc->compare_to, &base))) {
			iapt_scenario_free(sc);
			return ex;
		}
		pair[0] = base;
		pair[1] = sc;
		rc = iapt_compare_check((const iapt_scenario *const *)pair, 2);
		iapt_scenario_free(base);
		if (rc) {
			iapt_scenario_free(sc);
			return report(rc);
		}
		printf("  compared with %s\n", sc->compare_to);
	}
	iapt_scenario_free(sc);
	return EXIT_OK;
}

static void csv_field(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static int cmd_params(const opts *o)
{
	iapt_params *own = NULL;
	iapt_scenario *sc = NULL;
	const iapt_params *p;
	size_t i, k;
	int rc, ex;
	if (o->scenario) {
		if ((ex = load(o, &sc)))
			return ex;
		p = sc->params;
	} else {
		if ((rc = iapt_params_new(&own)))
			return report(rc);
		for (ex = 0; ex < o->n_sets; ex++) {
			if ((rc = iapt_params_assign(own, o->sets[ex], "--set"))) {
				fprintf(stderr, "iaptsim: --set %s: %s\n", o->sets[ex], iapt_error_last()->message);
				iapt_params_free(own);
				return EXIT_INPUT;
			}
		}
		p = own;
	}
	if (o->csv)
		printf("name,value,default,unit,min,max,integer,sourced,origin,source,description\n");
	else if (o->markdown)
		printf("| parameter | value | unit | bounds | what | source |\n| --- | --- | --- | --- | --- | --- |\n");
	for (i = 0; i < iapt_params_count(p); i++) {
		iapt_param_info in;
		iapt_params_info(p, i, &in);
		if (o->csv) {
			printf("%s,%.10g,%.10g,", in.name, in.value, in.default_value);
			csv_field(in.unit);
			printf(",%.10g,%.10g,%d,%d,", in.min, in.max, in.integer, in.sourced);
			csv_field(in.origin);
			putchar(',');
			csv_field(in.source);
			putchar(',');
			csv_field(in.description);
			putchar('\n');
		} else if (o->markdown) {
			printf("| `%s` | %.10g | %s | [%g, %g] | %s | %s%s |\n", in.name, in.value, in.unit, in.min, in.max,
			       in.description, in.sourced ? "" : "*not a published figure:* ", in.source);
		} else {
			printf("%-40s %12.6g  %-18s [%g, %g]%s\n", in.name, in.value, in.unit, in.min, in.max,
			       strcmp(in.origin, "default") ? "  (set)" : "");
			for (k = 0; k < in.n_schedule; k++) {
				int yr;
				double v;
				char lab[8];
				iapt_params_schedule(p, i, k, &yr, &v);
				printf("%-40s %12.6g  from %s\n", "", v, iapt_year_label(yr, lab));
			}
			printf("    %s\n    source: %s%s\n", in.description, in.sourced ? "" : "[not a published figure] ",
			       in.source);
		}
	}
	iapt_params_free(own);
	iapt_scenario_free(sc);
	return EXIT_OK;
}

static int cmd_metrics(void)
{
	int m, g;
	printf("metrics (summary.csv column 'metric'):\n");
	for (m = 0; m < IAPT_M__COUNT; m++)
		printf("  %-32s %s\n", iapt_metric_name(m), iapt_metric_doc(m));
	printf("groups (column 'group'):\n");
	for (g = 0; g < IAPT_G__COUNT; g++)
		printf("  %s\n", iapt_group_name(g));
	return EXIT_OK;
}

static int run_command(int argc, char **argv);

int main(int argc, char **argv)
{
	int rc;
#ifdef IAPTSIM_MPI
	int ranks = 1;
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
	MPI_Comm_size(MPI_COMM_WORLD, &ranks);
	g_distribute = ranks > 1;
#endif
	rc = run_command(argc, argv);
#ifdef IAPTSIM_MPI
	MPI_Finalize();
#endif
	return rc;
}

static int run_command(int argc, char **argv)
{
	opts o;
	int rc;
	gsl_set_error_handler_off(); /* GSL must report, not abort */
	rc = parse_args(argc, argv, &o);
	if (g_rank)
		o.quiet = 1; /* rank 0 speaks for the job */
	if (rc == -1 || !o.cmd || !strcmp(o.cmd, "help") || !strcmp(o.cmd, "-h") || !strcmp(o.cmd, "--help")) {
		fputs(usage, rc == -1 && argc < 2 ? stderr : stdout);
		free(o.sets);
		free(o.files);
		free(o.varies);
		return argc < 2 ? EXIT_INPUT : EXIT_OK;
	}
	if (rc) {
		free(o.sets);
		free(o.files);
		free(o.varies);
		return rc;
	}
	if (!strcmp(o.cmd, "run"))
		rc = cmd_run(&o, argc, argv);
	else if (!strcmp(o.cmd, "compare"))
		rc = cmd_compare(&o, argc, argv);
	else if (!strcmp(o.cmd, "sensitivity"))
		rc = cmd_sensitivity(&o, argc, argv);
	else if (!strcmp(o.cmd, "calibrate"))
		rc = cmd_calibrate(&o, argc, argv);
	else if (!strcmp(o.cmd, "validate"))
		rc = cmd_validate(&o);
	else if (!strcmp(o.cmd, "report"))
		rc = cmd_report(&o);
	else if (!strcmp(o.cmd, "check"))
		rc = cmd_check(&o);
	else if (!strcmp(o.cmd, "params"))
		rc = cmd_params(&o);
	else if (!strcmp(o.cmd, "metrics"))
		rc = cmd_metrics();
	else if (!strcmp(o.cmd, "plugins"))
		rc = cmd_plugins(&o);
	else if (!strcmp(o.cmd, "version") || !strcmp(o.cmd, "--version")) {
		printf("iaptsim %s\n", IAPTSIM_VERSION);
		rc = EXIT_OK;
	} else
		rc = input_error("unknown command '%s' (see 'iaptsim --help')", o.cmd);
	free(o.sets);
	free(o.files);
	free(o.varies);
	return rc;
}
