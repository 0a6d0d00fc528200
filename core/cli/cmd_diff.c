/* iaptsim diff A.yaml B.yaml: what differs between two scenarios once bases and includes
 * are read, and where each value is set; exit 0 when nothing does, 1 when something does,
 * 2 on bad input (as diff(1)). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct diff_args {
	iapt_cli_args common;
	const char *format;
} diff_args;

static const iapt_cli_option options[] = {
	{"format", 0, "FMT", "text (default) or csv: what,a,b,a_set_at,b_set_at, one row a difference", IAPT_CLI_STRING,
	 offsetof(diff_args, format), 0, 0, 0, 0, NULL},
	IAPT_CLI_OPT_SET(diff_args),
};

/* A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void csv_field(const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
	putchar(last ? '\n' : ',');
}

/* A value on one line: a folded block's final line break dropped, others shown as spaces */
static void one_line(const char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	for (size_t k = 0; k < n; k++)
		putchar(s[k] == '\n' || s[k] == '\r' ? ' ' : s[k]);
}

static const char *where(const char *at)
{
	return *at ? at : "not set";
}

static int run(void *args, int argc, char **argv)
{
	diff_args *d = args;
	const iapt_cli_args *a = &d->common;
	iapt_scenario *sa = NULL, *sb = NULL;
	iapt_scenario_difference *df = NULL;
	size_t n = 0, k;
	int csv, ex, rc;
	(void)argc;
	(void)argv;
	if (d->format && strcmp(d->format, "text") && strcmp(d->format, "csv"))
		return iapt_cli__input_error("--format: '%s' is not text or csv", d->format);
	csv = d->format && !strcmp(d->format, "csv");
	if (a->n_files != 2)
		return iapt_cli__input_error("diff: needs two scenario files (iaptsim diff A.yaml B.yaml)");
	if ((ex = iapt_cli__load(a, a->files[0], &sa)))
		return ex;
	if ((ex = iapt_cli__load(a, a->files[1], &sb))) {
		iapt_scenario_free(sa);
		return ex;
	}
	if ((rc = iapt_scenario_diff(sa, sb, &df, &n))) {
		iapt_scenario_free(sa);
		iapt_scenario_free(sb);
		return iapt_cli__report(rc);
	}
	if (iapt_cli__rank == 0) {
		if (csv) {
			printf("what,a,b,a_set_at,b_set_at\n");
			for (k = 0; k < n; k++) {
				csv_field(df[k].what, 0);
				csv_field(df[k].a, 0);
				csv_field(df[k].b, 0);
				csv_field(df[k].a_at, 0);
				csv_field(df[k].b_at, 1);
			}
		} else {
			printf("--- %s (%s)\n+++ %s (%s)\n", a->files[0], sa->name, a->files[1], sb->name);
			for (k = 0; k < n; k++) {
				printf("%s\n  - ", df[k].what);
				one_line(df[k].a);
				printf("  (%s)\n  + ", where(df[k].a_at));
				one_line(df[k].b);
				printf("  (%s)\n", where(df[k].b_at));
			}
			if (n)
				printf("%zu difference%s\n", n, n == 1 ? "" : "s");
			else
				printf("no differences\n");
		}
	}
	iapt_scenario_diff_free(df, n);
	iapt_scenario_free(sa);
	iapt_scenario_free(sb);
	return n ? 1 : IAPT_CLI_OK;
}

const iapt_cli_command iapt_cli_cmd_diff = {
	.name = "diff",
	.synopsis = "A.yaml B.yaml",
	.summary = "every parameter, plugin option and setting in which two scenarios differ,\n"
		   "after base: and include:, with where each value is set (- A, + B);\n"
		   "exit 0 when none differ, 1 when some do, 2 on bad input (as diff(1));\n"
		   "--set applies to both",
	.min_args = 2,
	.max_args = 2,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(diff_args),
	.run = run,
};
