/* iaptsim metrics: the reported metrics and groups with their definitions; with --nhstt,
 * the map of the published long format onto them (include/iaptsim/validation.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct metrics_args {
	iapt_cli_args common;
	int nhstt;
} metrics_args;

static const iapt_cli_option options[] = {
	{"nhstt", 0, NULL, "print the map of the published long format (data/nhstt/) onto\n"
			   "metrics and groups instead, as CSV", IAPT_CLI_FLAG, offsetof(metrics_args, nhstt), 0, 0, 0, 0, NULL},
};

static int simulated(const char *group)
{
	int g;
	for (g = 0; g < IAPT_G__COUNT; g++)
		if (!strcmp(group, iapt_group_name(g)))
			return 1;
	return 0;
}

/* a CSV cell, quoted when it holds a comma or a quote */
static void cell(const char *s, const char *sep)
{
	if (strpbrk(s, ",\"")) {
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
	fputs(sep, stdout);
}

static void print_map(void)
{
	size_t n, k;
	const iapt_nhstt_group_map *g = iapt_nhstt_groups(&n);
	const iapt_nhstt_measure_map *m;
	printf("variable_type,variable_a,variable_b,group,checked,simulated\n");
	for (k = 0; k < n; k++) {
		cell(g[k].variable_type, ",");
		cell(g[k].variable_a ? g[k].variable_a : "NULL", ",");
		cell(g[k].variable_b ? g[k].variable_b : "NULL", ",");
		cell(g[k].group, ",");
		printf("%s,%s\n", g[k].checked ? "yes" : "no", simulated(g[k].group) ? "yes" : "no");
	}
	m = iapt_nhstt_measures(&n);
	printf("\nmeasure,statistic,metric\n");
	for (k = 0; k < n; k++)
		printf("%s,%s,%s\n", m[k].measure, m[k].statistic, m[k].metric);
}

static int run(void *args, int argc, char **argv)
{
	const metrics_args *a = args;
	int m, g;
	(void)argc;
	(void)argv;
	if (a->nhstt) {
		print_map();
		return IAPT_CLI_OK;
	}
	printf("metrics (summary.csv column 'metric'):\n");
	for (m = 0; m < IAPT_M__COUNT; m++)
		printf("  %-32s %s\n", iapt_metric_name(m), iapt_metric_doc(m));
	printf("groups (column 'group'):\n");
	for (g = 0; g < IAPT_G__COUNT; g++)
		printf("  %s\n", iapt_group_name(g));
	printf("  region=<code>      each NHS region (services.csv's region), pooled from its services\n"
	       "  icb=<code>         each integrated care board (named in services.csv's icb_name), pooled from its services\n"
	       "  service=<code>     each service (its CCG code; services.csv names it)\n"
	       "                     (these three with a services table, unless --no-services; docs/output.md)\n"
	       "  <plugin>.<group>=<level>   the groups a scenario's plugins declare (plugins/README.md)\n");
	return IAPT_CLI_OK;
}

const iapt_cli_command iapt_cli_cmd_metrics = {
	.name = "metrics",
	.synopsis = "",
	.summary = "list the reported metrics and groups with their definitions",
	.min_args = 0,
	.max_args = 0,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(metrics_args),
	.run = run,
};
