/* What the commands share: parsing by option table (getopt_long), --help from the same
 * table, messages and exit codes, loading a scenario with the command line's overrides,
 * running it with a progress line, and the summary tables. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/util.h"

int iapt_cli__rank = 0, iapt_cli__distribute = 0;

int iapt_cli__input_error(const char *fmt, ...)
{
	va_list ap;
	if (iapt_cli__rank)
		return IAPT_CLI_INPUT;
	fprintf(stderr, "iaptsim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return IAPT_CLI_INPUT;
}

int iapt_cli__out_of_memory(void)
{
	if (!iapt_cli__rank)
		fprintf(stderr, "iaptsim: out of memory\n");
	return IAPT_CLI_RUN;
}

int iapt_cli__report(int rc)
{
	const iapt_error *e = iapt_error_last();
	if (!iapt_cli__rank)
		fprintf(stderr, "iaptsim: %s\n", e->message[0] ? e->message : "unknown error");
	return iapt_error_is_input(rc) ? IAPT_CLI_INPUT : IAPT_CLI_RUN;
}

/* ---- values of options: not a number and out of range are different mistakes ---- */

static int parse_whole(const char *opt, const char *val, long lo, long hi, int *out)
{
	char *end;
	long v;
	errno = 0;
	v = isspace((unsigned char)val[0]) ? 0 : strtol(val, &end, 10);
	if (isspace((unsigned char)val[0]) || end == val || *end)
		return iapt_cli__input_error("--%s: '%s' is not a whole number", opt, val);
	if (errno == ERANGE || v < lo || v > hi)
		return iapt_cli__input_error("--%s: %s is out of range [%ld, %ld]", opt, val, lo, hi);
	*out = (int)v;
	return 0;
}

static int parse_u64(const char *opt, const char *val, unsigned long long *out)
{
	const char *digits = val[0] == '-' ? val + 1 : val;
	char *end;
	unsigned long long v;
	errno = 0;
	v = isdigit((unsigned char)digits[0]) ? strtoull(digits, &end, 10) : 0;
	if (!isdigit((unsigned char)digits[0]) || *end)
		return iapt_cli__input_error("--%s: '%s' is not a whole number", opt, val);
	if (errno == ERANGE || (val[0] == '-' && v))
		return iapt_cli__input_error("--%s: %s is out of range [0, %llu]", opt, val, (unsigned long long)-1);
	*out = v;
	return 0;
}

static int parse_real(const iapt_cli_option *o, const char *val, double *out)
{
	char *end;
	double v;
	v = isspace((unsigned char)val[0]) ? NAN : strtod(val, &end);
	if (isspace((unsigned char)val[0]) || end == val || *end || isnan(v))
		return iapt_cli__input_error("--%s: '%s' is not a number", o->name, val);
	if (!(o->lo_open ? v > o->lo : v >= o->lo) || !(v <= o->hi))
		return iapt_cli__input_error("--%s: %s is out of range %c%g, %g]", o->name, val, o->lo_open ? '(' : '[', o->lo, o->hi);
	*out = v;
	return 0;
}

static int store(const iapt_cli_option *o, const char *val, void *args, int argc)
{
	char *dest = (char *)args + o->offset;
	int rc = 0;
	switch (o->kind) {
	case IAPT_CLI_FLAG: *(int *)dest = 1; break;
	case IAPT_CLI_STRING: *(const char **)dest = val; break;
	case IAPT_CLI_LIST: {
		iapt_cli_list *l = (iapt_cli_list *)dest;
		if (!l->v && !(l->v = calloc((size_t)argc, sizeof *l->v)))
			return iapt_cli__out_of_memory();
		l->v[l->n++] = val;
		break;
	}
	case IAPT_CLI_WHOLE: rc = parse_whole(o->name, val, (long)o->lo, (long)o->hi, (int *)dest); break;
	case IAPT_CLI_U64: rc = parse_u64(o->name, val, (unsigned long long *)dest); break;
	case IAPT_CLI_REAL: rc = parse_real(o, val, (double *)dest); break;
	case IAPT_CLI_CUSTOM: rc = o->parse(o->name, val, dest); break;
	}
	if (!rc && o->given)
		*(int *)((char *)args + o->given) = 1;
	return rc;
}

/* ---- --help, from the option table ---- */

/* Lines of text after a left column `width` wide (the first line after `left`). */
static void columns(FILE *f, const char *left, int width, const char *text)
{
	const char *nl;
	int first = 1;
	if ((int)strlen(left) > width - 2) {
		fprintf(f, "%s\n", left);
		first = 0;
	}
	for (; text; text = nl ? nl + 1 : NULL) {
		nl = strchr(text, '\n');
		fprintf(f, "%-*s%.*s\n", width, first ? left : "", (int)(nl ? (size_t)(nl - text) : strlen(text)), text);
		first = 0;
	}
}

void iapt_cli__help(const iapt_cli_command *cmd, FILE *f)
{
	size_t i;
	char left[96];
	fprintf(f, "usage: iaptsim %s%s%s%s\n\n", cmd->name, cmd->synopsis[0] ? " " : "", cmd->synopsis,
		cmd->n_options ? " [options]" : "");
	fprintf(f, "%s\n", cmd->summary);
	fprintf(f, "\noptions:\n");
	for (i = 0; i < cmd->n_options; i++) {
		const iapt_cli_option *o = &cmd->options[i];
		if (o->short_name)
			snprintf(left, sizeof left, "  -%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "      --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		columns(f, left, 28, o->help);
	}
	columns(f, "  -h, --help", 28, "this help");
}

/* ---- parsing ---- */

/* ", "-separated names in buf (as many as fit). */
static void list_add(char *buf, size_t size, const char *prefix, const char *name)
{
	size_t len = strlen(buf);
	if (len + strlen(prefix) + strlen(name) + 3 < size)
		snprintf(buf + len, size - len, "%s%s%s", len ? ", " : "", prefix, name);
}

/* An option the command does not take: an ambiguous abbreviation, the nearest option it
 * does take, or the commands that take it. Returns 2. */
static int unknown_option(const iapt_cli_command *cmd, const char *opt)
{
	const char *names[128], *name = opt + 2, *near;
	char list[256] = "";
	size_t i, k, n = 0;
	if (strncmp(opt, "--", 2) || !*name)
		return iapt_cli__input_error("%s: unknown option '%s' (see 'iaptsim %s --help')", cmd->name, opt, cmd->name);
	/* getopt_long takes an unambiguous prefix of a long option; more than one is its own mistake */
	for (i = 0; i < cmd->n_options; i++)
		if (!strncmp(cmd->options[i].name, name, strlen(name))) {
			list_add(list, sizeof list, "--", cmd->options[i].name);
			n++;
		}
	if (n > 1)
		return iapt_cli__input_error("%s: '%s' is ambiguous: %s (see 'iaptsim %s --help')", cmd->name, opt, list, cmd->name);
	for (n = 0; n < cmd->n_options && n < 127; n++)
		names[n] = cmd->options[n].name;
	names[n++] = "help";
	if ((near = iapt_str__suggest(name, names, n)))
		return iapt_cli__input_error("%s: unknown option '%s'; did you mean '--%s'? (see 'iaptsim %s --help')", cmd->name,
					     opt, near, cmd->name);
	list[0] = '\0';
	for (k = 0; k < iapt_cli__n_commands; k++)
		for (i = 0; i < iapt_cli__commands[k]->n_options; i++)
			if (!strcmp(iapt_cli__commands[k]->options[i].name, name)) {
				list_add(list, sizeof list, "", iapt_cli__commands[k]->name);
				break;
			}
	if (list[0])
		return iapt_cli__input_error("%s does not take %s (an option of %s; see 'iaptsim %s --help')", cmd->name, opt, list,
					     cmd->name);
	return iapt_cli__input_error("%s: unknown option '%s' (see 'iaptsim %s --help')", cmd->name, opt, cmd->name);
}

int iapt_cli__parse(const iapt_cli_command *cmd, int argc, char **argv, void *args)
{
	iapt_cli_args *a = args;
	struct option *lo = calloc(cmd->n_options + 2, sizeof *lo);
	char *shorts = malloc(3 * cmd->n_options + 5), **av = calloc((size_t)argc + 1, sizeof *av), what[128];
	size_t i, ns = 0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int c, rc = 0, ac = argc - 1;
	memset(args, 0, cmd->args_size);
	a->cmd = cmd->name;
	a->threads = cores < 1 ? 1 : (cores > 1024 ? 1024 : (int)cores);
	a->files = calloc((size_t)argc, sizeof *a->files);
	a->given = calloc((size_t)argc, sizeof *a->given);
	if (!lo || !shorts || !av || !a->files || !a->given) {
		rc = iapt_cli__out_of_memory();
		goto done;
	}
	if (cmd->init)
		cmd->init(args);
	/* getopt_long may reorder the array it is given; argv stays as typed (run.json) */
	memcpy(av, argv + 1, (size_t)ac * sizeof *av);
	/* '-': arguments come back in order as option 1 (options may follow them, whatever
	 * POSIXLY_CORRECT says); ':': a missing value returns ':' rather than printing */
	shorts[ns++] = '-';
	shorts[ns++] = ':';
	for (i = 0; i < cmd->n_options; i++) {
		const iapt_cli_option *o = &cmd->options[i];
		lo[i].name = o->name;
		lo[i].has_arg = o->arg ? required_argument : no_argument;
		lo[i].val = o->short_name ? o->short_name : 256 + (int)i;
		if (o->short_name) {
			shorts[ns++] = (char)o->short_name;
			if (o->arg)
				shorts[ns++] = ':';
		}
	}
	lo[i].name = "help";
	lo[i].val = 'h';
	shorts[ns++] = 'h';
	shorts[ns] = '\0';
	opterr = 0;
	optind = 0; /* glibc: start afresh */
	while (!rc && (c = getopt_long(ac, av, shorts, lo, NULL)) != -1) {
		const iapt_cli_option *o = NULL;
		if (c == 1) {
			a->files[a->n_files++] = optarg;
			continue;
		}
		if (c == 'h') {
			iapt_cli__help(cmd, stdout);
			rc = -1;
			break;
		}
		if (c == '?' || c == ':') {
			const iapt_cli_option *known = NULL;
			for (i = 0; i < cmd->n_options && optopt; i++)
				if (lo[i].val == optopt)
					known = &cmd->options[i];
			/* a long option as written (up to any '='), or a short one by its letter */
			if ((c == '?' && optopt && !known) || (c == ':' && strncmp(av[optind - 1], "--", 2)))
				snprintf(what, sizeof what, "-%c", optopt);
			else
				snprintf(what, sizeof what, "%.*s", (int)strcspn(av[optind - 1], "="), av[optind - 1]);
			if (c == ':' && known)
				rc = iapt_cli__input_error("%s needs a value: %s %s", what, what, known->arg);
			else if (known)
				rc = iapt_cli__input_error("%s takes no value", what);
			else
				rc = unknown_option(cmd, what);
			break;
		}
		for (i = 0; i < cmd->n_options; i++)
			if (lo[i].val == c)
				o = &cmd->options[i];
		rc = store(o, o->arg ? optarg : NULL, args, argc);
		a->given[a->n_given].opt = o;
		a->given[a->n_given].value = o->arg ? optarg : NULL;
		a->given[a->n_given].order = a->n_given;
		a->n_given++;
	}
	if (rc)
		goto done;
	for (; optind < ac; optind++)
		a->files[a->n_files++] = av[optind];
	if (cmd->max_args >= 0 && a->n_files > cmd->max_args)
		rc = iapt_cli__input_error("%s: unexpected argument '%s' (see 'iaptsim %s --help')", cmd->name,
					   a->files[cmd->max_args], cmd->name);
done:
	free(lo);
	free(shorts);
	free(av);
	return rc;
}

void iapt_cli__args_free(const iapt_cli_command *cmd, void *args)
{
	iapt_cli_args *a = args;
	size_t i;
	for (i = 0; i < cmd->n_options; i++)
		if (cmd->options[i].kind == IAPT_CLI_LIST)
			free(((iapt_cli_list *)((char *)args + cmd->options[i].offset))->v);
	free(a->files);
	free(a->given);
}

/* ---- scenarios ---- */

int iapt_cli__assign(iapt_params *p, const char *assignment, const char *origin)
{
	const char *eq = strchr(assignment, '=');
	size_t n = eq ? (size_t)(eq - assignment) : 0;
	int m;
	/* the employment mechanism by name, as a scenario may give it (flows, prevalence, ...) */
	if (eq && n >= 20 && !strncmp(assignment, "employment.mechanism", 20) &&
	    (n == 20 || assignment[20] == '@') && iapt_employment_mechanism_parse(eq + 1, &m) == IAPT_OK) {
		char buf[64];
		snprintf(buf, sizeof buf, "%.*s=%d", (int)(n < 40 ? n : 40), assignment, m);
		return iapt_params_assign(p, buf, origin);
	}
	if (eq && n == 20 && !strncmp(assignment, "employment.mechanism", 20)) {
		char *end;
		(void)strtod(eq + 1, &end);
		if (end == eq + 1 || *end)
			return iapt_error__set(IAPT_EINVAL,
					       "employment.mechanism: '%s' is not one of flows, prevalence, flows_with_scarring (or "
					       "their numbers 0, 1, 2)",
					       eq + 1);
	}
	/* the scenario's economics block is not a parameter: say where it is set */
	if (eq && n > 10 && !strncmp(assignment, "economics.", 10))
		return iapt_error__set(IAPT_ENOTFOUND,
				       "'%.*s' is a setting of the scenario's economics: block, not a parameter; set it in a "
				       "scenario file (a file with `base: SCENARIO.yaml` and `economics: {...}` changes only "
				       "that; docs/scenario.md)",
				       (int)n, assignment);
	return iapt_params_assign(p, assignment, origin);
}

int iapt_cli__load(const iapt_cli_args *a, const char *path, iapt_scenario **out)
{
	iapt_scenario *sc;
	int rc, i;
	*out = NULL;
	if ((rc = iapt_scenario_load(&sc, path)))
		return iapt_cli__report(rc);
	if ((rc = iapt_plugins_load(sc))) { /* the scenario names them; the Lua host loads them */
		iapt_scenario_free(sc);
		return iapt_cli__report(rc);
	}
	for (i = 0; i < a->sets.n; i++) {
		if ((rc = iapt_cli__assign(sc->params, a->sets.v[i], "--set"))) {
			iapt_cli__input_error("--set %s: %s", a->sets.v[i], iapt_error_last()->message);
			iapt_scenario_free(sc);
			return IAPT_CLI_INPUT;
		}
	}
	if (a->has_seed)
		sc->seed = a->seed;
	if (a->has_reps)
		sc->replicates = a->reps;
	if (a->has_scale)
		sc->population_scale = a->scale;
	if (a->no_services)
		sc->output_services = 0;
	if ((rc = iapt_engine_check(sc))) {
		const char *msg = iapt_error_last()->message;
		/* a message at a place in the file, or in a base's (file:LINE:COL: ...), names it
		 * already, as the loader's messages do */
		if (iapt_error__starts_at_place(msg))
			iapt_cli__input_error("%s", msg);
		else
			iapt_cli__input_error("%s: %s", path, msg);
		iapt_scenario_free(sc);
		return IAPT_CLI_INPUT;
	}
	*out = sc;
	return IAPT_CLI_OK;
}

int iapt_cli__load_first(const iapt_cli_args *a, iapt_scenario **out)
{
	*out = NULL;
	if (!a->n_files)
		return iapt_cli__input_error("%s: needs a scenario file (see 'iaptsim %s --help')", a->cmd, a->cmd);
	return iapt_cli__load(a, a->files[0], out);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static void progress(void *data, int done, int total)
{
	iapt_cli_progress *p = data;
	double el = seconds_since(&p->t0), rate = el > 0 ? done / el : 0;
	fprintf(stderr, "\r  %s%d/%d replicates, %.2f a second, ", p->label, done, total, rate);
	if (done < total && rate > 0)
		fprintf(stderr, "%.0f s left   ", (total - done) / rate);
	else
		fprintf(stderr, "%.1f s        \n", el);
	fflush(stderr);
}

void iapt_cli__progress_start(iapt_cli_progress *p, const char *label)
{
	snprintf(p->label, sizeof p->label, "%s", label);
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
}

iapt_cli_run_fn iapt_cli__runner(void)
{
	return iapt_cli__distribute ? iapt_sim_run_distributed : iapt_sim_run;
}

int iapt_cli__run_options(const iapt_cli_args *a, const iapt_scenario *sc, iapt_run_options *ro, iapt_cli_progress *p,
			  iapt_plugin_host **host)
{
	iapt_run_options init = IAPT_RUN_OPTIONS_INIT;
	int rc;
	*ro = init;
	if ((rc = iapt_plugin_host_new(host, sc)))
		return rc;
	ro->threads = a->threads;
	ro->hooks = iapt_plugin_host_hooks(*host);
	if (p && !a->quiet && isatty(STDERR_FILENO)) {
		ro->progress = progress;
		ro->progress_data = p;
	}
	return IAPT_OK;
}

int iapt_cli__simulate(const iapt_cli_args *a, const iapt_scenario *sc, const char *label, iapt_results **res)
{
	iapt_run_options ro;
	iapt_cli_progress p;
	iapt_plugin_host *host = NULL;
	int rc;
	*res = NULL;
	iapt_cli__progress_start(&p, label);
	if ((rc = iapt_cli__run_options(a, sc, &ro, &p, &host)))
		return rc;
	rc = iapt_cli__runner()(res, sc, &ro);
	iapt_plugin_host_free(host);
	return rc;
}

const char *iapt_cli__outdir(const iapt_cli_args *a, const char *prefix, const char *name, char *buf, size_t n)
{
	char slug[128];
	if (a->outdir)
		return a->outdir;
	snprintf(buf, n, "results/%s%s", prefix, iapt_output_slug(name, slug, sizeof slug));
	return buf;
}

/* Option-table order, then the order given (a repeated --set keeps its order). */
/* An option as given, sorted under key: its own row, or for rows that parse into one place
 * (--alt and --alt-set), the first of them in the table, so that their values keep the
 * order typed; each value of such a group counts (none replaces another). */
typedef struct given_key {
	const iapt_cli_option *key;
	int grouped;
	iapt_cli_given g;
} given_key;

static int given_cmp(const void *pa, const void *pb)
{
	const given_key *x = pa, *y = pb;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->g.order - y->g.order;
}

const char *iapt_cli__services_label(const iapt_services_source *src)
{
	switch (src->kind) {
	case IAPT_SERVICES_KIND_SYNTHETIC: return "synthetic services";
	case IAPT_SERVICES_KIND_BUILTIN: return "the built-in table";
	default: return src->path;
	}
}

int iapt_cli__warmup_warning(const iapt_scenario *sc, char *msg, size_t n)
{
	const char *why;
	size_t idx;
	int g, eff = iapt_sim_draws_per_warm_up(sc, NULL, &why);
	if (iapt_params_find(sc->params, "run.psa_draws_per_warm_up", &idx))
		return 0;
	g = (int)iapt_params_get(sc->params, idx, sc->first_year);
	if (eff > 1)
		snprintf(msg, n, "%s: run.psa_draws_per_warm_up %d: each group of %d draws continues from one warm-up, for speed; the spread of "
			 "waiting times over draws, and how outputs move with parameters that shape the waiting lists (such as "
			 "access.signpost_share), are approximate (docs/uncertainty.md, One warm-up for several draws)",
			 sc->name, eff, eff);
	else if (why)
		snprintf(msg, n, "%s: run.psa_draws_per_warm_up %d has no effect: %s", sc->name, g, why);
	else
		return 0;
	if (!iapt_cli__rank)
		fprintf(stderr, "iaptsim: warning: %s\n", msg);
	return 1;
}

int iapt_cli__priority_warning(const iapt_scenario *sc, char *msg, size_t n)
{
	static const char *const needs[] = {"access.first_treatment_priority_share", "access.unseen_leave_weekly"};
	const char *set[2];
	size_t idx, k, n_set = 0;
	int y;
	iapt_param_info in;
	if (iapt_params_find(sc->params, "access.first_treatment_priority_weeks", &idx))
		return 0;
	for (y = sc->first_year; y <= sc->last_year; y++)
		if (iapt_params_get(sc->params, idx, y) > 0)
			return 0;
	for (k = 0; k < 2; k++)
		if (!iapt_params_find(sc->params, needs[k], &idx) && !iapt_params_info(sc->params, idx, &in) &&
		    strcmp(in.origin, "default") != 0)
			set[n_set++] = needs[k];
	if (!n_set)
		return 0;
	snprintf(msg, n, "%s: %s%s%s %s no effect: access.first_treatment_priority_weeks is 0 (docs/model.md, Access and waiting lists)",
		 sc->name, set[0], n_set > 1 ? " and " : "", n_set > 1 ? set[1] : "", n_set > 1 ? "have" : "has");
	if (!iapt_cli__rank)
		fprintf(stderr, "iaptsim: warning: %s\n", msg);
	return 1;
}

char *iapt_cli__meta(const iapt_cli_args *a, iapt_output_meta *m)
{
	struct store {
		char num[3][48]; /* seed, replicates, scale as in effect */
		iapt_output_option opt[];
	} *st;
	given_key *g;
	const iapt_cli_command *cmd = NULL;
	size_t i;
	char(*names)[64]; /* "--name", after the options */
	size_t n = 0, cap = (size_t)a->n_given + 1;
	int k;
	m->command = a->cmd;
	m->options = NULL;
	m->n_options = 0;
	m->warnings = NULL;
	m->n_warnings = 0;
	m->also = NULL;
	m->n_also = 0;
	m->threads = a->threads;
	st = malloc(sizeof *st + cap * (sizeof st->opt[0] + sizeof *names));
	g = malloc((size_t)(a->n_given + 1) * sizeof *g);
	if (!st || !g) {
		free(st);
		free(g);
		return NULL;
	}
	names = (char(*)[64])(void *)(st->opt + cap);
	/* rows of the command's table that parse into one place form a group */
	for (i = 0; i < iapt_cli__n_commands; i++)
		if (!strcmp(iapt_cli__commands[i]->name, a->cmd))
			cmd = iapt_cli__commands[i];
	for (k = 0; k < a->n_given; k++) {
		const iapt_cli_option *mine = a->given[k].opt;
		g[k].g = a->given[k];
		g[k].key = mine;
		g[k].grouped = 0;
		for (i = 0; cmd && mine->kind == IAPT_CLI_CUSTOM && i < cmd->n_options; i++) {
			const iapt_cli_option *o = &cmd->options[i];
			if (o != mine && o->kind == IAPT_CLI_CUSTOM && o->offset == mine->offset) {
				g[k].grouped = 1;
				if (o < g[k].key)
					g[k].key = o;
			}
		}
	}
	qsort(g, (size_t)a->n_given, sizeof *g, given_cmp);
	snprintf(st->num[0], sizeof st->num[0], "%llu", a->seed);
	snprintf(st->num[1], sizeof st->num[1], "%d", a->reps);
	snprintf(st->num[2], sizeof st->num[2], "%.17g", a->scale);
	for (k = 0; k < a->n_given; k++) {
		const char *name = g[k].g.opt->name, *value = g[k].g.value;
		/* where the result goes and how fast it is made do not shape it */
		if (!strcmp(name, "output") || !strcmp(name, "threads") || !strcmp(name, "quiet"))
			continue;
		if (!strcmp(name, "seed"))
			value = st->num[0];
		else if (!strcmp(name, "replicates"))
			value = st->num[1];
		else if (!strcmp(name, "scale"))
			value = st->num[2];
		if (k > 0 && g[k - 1].g.opt == g[k].g.opt && g[k].g.opt->kind != IAPT_CLI_LIST && !g[k].grouped && n > 0)
			n--; /* given twice: the last one counts */
		snprintf(names[n], sizeof names[n], "--%s", name);
		st->opt[n].name = names[n];
		st->opt[n].value = value;
		n++;
	}
	free(g);
	m->options = st->opt;
	m->n_options = n;
	return (char *)st;
}

/* ---- tables ---- */

void iapt_cli__print_table(const iapt_scenario *sc, const iapt_results *res)
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
			if (k < 3) {
				char cnt[32];
				printf(" %10s", iapt_format_count(cnt, sizeof cnt, s.mean));
			} else {
				printf(" %7.1f", s.mean);
			}
		}
		printf("\n");
	}
	free(v);
	free(scr);
}

/* the shared formatter (include/iaptsim/format.h): the same numbers as the reports */
void iapt_cli__gbp(char *buf, size_t n, double v)
{
	iapt_format_money(buf, n, v);
}

/* The appraisal by perspective: means with 95% intervals; the benefit-cost ratio and the
 * cost per QALY as ratios of the means, the latter in words when it is not a price of
 * health; payback as the median among replicates that pay back and their share. */
void iapt_cli__print_economics(const iapt_scenario *sc, const iapt_results *res)
{
	static const int cols[] = {IAPT_E_PV_COSTS, IAPT_E_PV_BENEFITS, IAPT_E_NPV, IAPT_E_BCR, IAPT_E_QALYS};
	static const char *heads[] = {"PV costs", "PV benefits", "NPV", "BCR", "QALYs"};
	const iapt_econ_settings *e = iapt_results_econ_settings(res);
	int p, r, reps = iapt_results_replicates(res);
	size_t k, n = sizeof cols / sizeof cols[0];
	double *v = malloc((size_t)reps * sizeof *v), *w = malloc((size_t)reps * sizeof *w), *scr = malloc((size_t)reps * sizeof *scr);
	char lab[8], lab2[8], cell[64], lo[32], hi[32], pcell[200];
	double fu = 0;
	iapt_params_get_by_name(sc->params, "followup.years", sc->last_year, &fu);
	if (!v || !w || !scr) {
		free(v);
		free(w);
		free(scr);
		return;
	}
	printf("\nappraisal: GBP at %s prices, %s discounting, follow-up %s years, accrual at the %s of each month; mean of %d replicate%s, 95%% interval below\n",
	       iapt_year_label(e->price_year, lab), e->discount, iapt_format_number(cell, sizeof cell, fu),
	       iapt_accrual_name(e->accrual), reps, reps == 1 ? "" : "s");
	if (e->health_value == IAPT_HEALTH_WELLBY)
		printf("society's NPV values WELLBYs (economics.health_value: wellby), not the QALYs shown: "
		       "economics.csv and the report give both\n");
	printf("%-10s", "");
	for (k = 0; k < n; k++)
		printf(" %22s", heads[k]);
	printf("\n");
	for (p = 0; p < IAPT_PERSP__COUNT; p++) {
		char ints[8][80];
		iapt_payback pb;
		iapt_ratio q;
		if (!(e->perspectives & (1u << p)))
			continue;
		printf("%-10s", iapt_perspective_name(p));
		for (k = 0; k < n; k++) {
			iapt_summary s;
			for (r = 0; r < reps; r++)
				v[r] = iapt_results_econ(res, r, p, cols[k]);
			int mn, md;
			if (iapt_econ_measure_ratio(cols[k], &mn, &md)) {
				for (r = 0; r < reps; r++) {
					v[r] = iapt_results_econ(res, r, p, mn);
					w[r] = iapt_results_econ(res, r, p, md);
				}
				iapt_cea_ratio(v, w, (size_t)reps, scr, &q);
				s.mean = q.ratio;
				s.lo95 = q.lo95;
				s.hi95 = q.hi95;
				iapt_format_ratio(cell, sizeof cell, s.mean);
				iapt_format_ratio(lo, sizeof lo, s.lo95);
				iapt_format_ratio(hi, sizeof hi, s.hi95);
			} else {
				iapt_stats_summarise(v, (size_t)reps, scr, &s);
				(cols[k] == IAPT_E_QALYS ? iapt_format_count : iapt_format_money)(cell, sizeof cell, s.mean);
				(cols[k] == IAPT_E_QALYS ? iapt_format_count : iapt_format_money)(lo, sizeof lo, s.lo95);
				(cols[k] == IAPT_E_QALYS ? iapt_format_count : iapt_format_money)(hi, sizeof hi, s.hi95);
			}
			printf(" %22s", cell);
			if (isfinite(s.lo95))
				snprintf(ints[k], sizeof ints[k], "%s to %s", lo, hi);
			else
				snprintf(ints[k], sizeof ints[k], "%s", "");
		}
		printf("\n%-10s", "");
		for (k = 0; k < n; k++)
			printf(" %22s", ints[k]);
		/* cost per QALY: the ratio of means, never a bare negative number */
		for (r = 0; r < reps; r++) {
			v[r] = iapt_results_econ(res, r, p, IAPT_E_NET_COST);
			w[r] = iapt_results_econ(res, r, p, IAPT_E_QALYS);
		}
		iapt_cea_ratio(v, w, (size_t)reps, scr, &q);
		printf("\n%-10s cost per QALY: %s", "", iapt_format_icer(cell, sizeof cell, q.num, q.den));
		/* payback as a distribution */
		for (r = 0; r < reps; r++)
			v[r] = iapt_results_econ(res, r, p, IAPT_E_PAYBACK_YEARS);
		iapt_cea_payback(v, (size_t)reps, scr, &pb);
		/* the horizon is the ledger's years, not the follow-up */
		printf("; %s\n", iapt_format_payback(pcell, sizeof pcell, pb.share, pb.median, iapt_output_horizon_years(&res, 1)));
	}
	printf("(payback: years from the start of %s, within the ledger's %d years to %s; BCR and cost per QALY are ratios of the means)\n",
	       iapt_year_label(sc->first_year, lab2), iapt_output_horizon_years(&res, 1), iapt_year_label(sc->first_year + iapt_output_horizon_years(&res, 1) - 1, lab));
	free(v);
	free(w);
	free(scr);
}

/* The Exchequer's net cash position by year (budget_impact.csv), undiscounted. */
void iapt_cli__print_budget(const iapt_scenario *sc, const iapt_results *res)
{
	const iapt_econ_settings *e = iapt_results_econ_settings(res);
	int r, reps = iapt_results_replicates(res), ly, h = iapt_output_horizon_years(&res, 1);
	double *v = malloc((size_t)reps * sizeof *v), *scr = malloc((size_t)reps * sizeof *scr);
	char lab[8], a[32], lo[32], hi[32], cash[32], nhs[32], in[80];
	if (!v || !scr) {
		free(v);
		free(scr);
		return;
	}
	printf("\nbudget impact, undiscounted (budget_impact.csv); mean of %d replicate%s\n", reps, reps == 1 ? "" : "s");
	printf("%-9s %22s %30s %22s %22s\n", "year", "Exchequer, real", "95% interval", "Exchequer, cash", "NHS, real");
	for (ly = 0; ly < h; ly++) {
		int y = sc->first_year + ly;
		iapt_summary s;
		double f = NAN, m;
		for (r = 0; r < reps; r++)
			v[r] = iapt_output_exchequer_net(res, r, y);
		iapt_stats_summarise(v, (size_t)reps, scr, &s);
		if (iapt_price_cash_factor(IAPT_PAYER_HMRC, y, e->price_year, &f))
			f = NAN;
		if (isfinite(s.lo95))
			snprintf(in, sizeof in, "%s to %s", iapt_format_money(lo, sizeof lo, s.lo95), iapt_format_money(hi, sizeof hi, s.hi95));
		else
			snprintf(in, sizeof in, "%s", "");
		for (r = 0, m = 0; r < reps; r++)
			m += iapt_output_budget_flow(res, r, y, IAPT_PAYER_NHS, -1);
		printf("%-9s %22s %30s %22s %22s\n", iapt_year_label(y, lab), iapt_format_money(a, sizeof a, s.mean), in,
		       iapt_format_money(cash, sizeof cash, s.mean * f), iapt_format_money(nhs, sizeof nhs, m / reps));
	}
	printf("(Exchequer net cash position: HMRC's income tax, employee and employer NI received plus DWP's benefits saved, less\n"
	       " support paid; real: GBP at %s prices; cash: GBP of each year by the GDP deflator; NHS: its costs net of savings)\n",
	       iapt_year_label(e->price_year, lab));
	free(v);
	free(scr);
}

/* 1 if the line of length n starting at line is a "warning: " already in an earlier
 * replicate's log: a warning is about the scenario, said once. */
static int warned_before(const iapt_results *res, int rep, const char *line, size_t n)
{
	int r;
	for (r = 0; r < rep; r++) {
		const char *log = iapt_results_log(res, r), *at;
		for (at = log ? strstr(log, line) : NULL; at; at = strstr(at + 1, line))
			if ((at == log || at[-1] == '\n') && (at[n] == '\n' || !at[n]) && !strncmp(at, line, n))
				return 1;
	}
	return 0;
}

void iapt_cli__print_warnings(const iapt_results *res, const char *who)
{
	int r;
	for (r = 0; r < iapt_results_replicates(res); r++) {
		const char *log = iapt_results_log(res, r), *nl;
		for (; log && *log; log = nl + 1) {
			char line[512];
			nl = strchr(log, '\n');
			if (!nl)
				nl = log + strlen(log) - 1;
			if (strncmp(log, "warning: ", 9))
				continue;
			snprintf(line, sizeof line, "%.*s", (int)(nl - log), log);
			if (!warned_before(res, r, line, strlen(line)))
				fprintf(stderr, "iaptsim: %s: %s\n", who, line);
		}
	}
}

void iapt_cli__print_logs(const iapt_results *res)
{
	int r;
	for (r = 0; r < iapt_results_replicates(res); r++) {
		const char *log = iapt_results_log(res, r), *nl;
		for (; log && *log; log = nl + 1) {
			nl = strchr(log, '\n');
			if (!nl)
				nl = log + strlen(log) - 1;
			if (!strncmp(log, "warning: ", 9)) {
				char line[512];
				snprintf(line, sizeof line, "%.*s", (int)(nl - log), log);
				if (!warned_before(res, r, line, strlen(line)))
					fprintf(stderr, "iaptsim: %s\n", line);
				continue;
			}
			fprintf(stderr, "[replicate %d] %.*s\n", r + 1, (int)(nl - log), log);
		}
	}
}

double iapt_cli__econ_mean(const iapt_results *r, int perspective, int measure)
{
	int k, n = iapt_results_replicates(r);
	double sum = 0;
	for (k = 0; k < n; k++)
		sum += iapt_results_econ(r, k, perspective, measure);
	return sum / n;
}

int iapt_cli__out_begin(const char *dir, iapt_output_dir **od)
{
	int rc;
	*od = NULL;
	if (iapt_cli__rank)
		return IAPT_CLI_OK;
	return (rc = iapt_output_begin(od, dir)) ? iapt_cli__report(rc) : IAPT_CLI_OK;
}

int iapt_cli__out_end(iapt_output_dir *od, int rc)
{
	if (!od)
		return rc;
	if (rc) {
		iapt_output_abort(od);
		return rc;
	}
	return iapt_output_commit(od);
}
