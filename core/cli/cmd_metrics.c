/* iaptsim metrics: the reported metrics and groups with their definitions. */
#include <stdio.h>

#include "cli/cli.h"

static int run(void *args, int argc, char **argv)
{
	int m, g;
	(void)args;
	(void)argc;
	(void)argv;
	printf("metrics (summary.csv column 'metric'):\n");
	for (m = 0; m < IAPT_M__COUNT; m++)
		printf("  %-32s %s\n", iapt_metric_name(m), iapt_metric_doc(m));
	printf("groups (column 'group'):\n");
	for (g = 0; g < IAPT_G__COUNT; g++)
		printf("  %s\n", iapt_group_name(g));
	return IAPT_CLI_OK;
}

const iapt_cli_command iapt_cli_cmd_metrics = {
	.name = "metrics",
	.synopsis = "",
	.summary = "list the reported metrics and groups with their definitions",
	.min_args = 0,
	.max_args = 0,
	.args_size = sizeof(iapt_cli_plain_args),
	.run = run,
};
