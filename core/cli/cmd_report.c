/* iaptsim report DIR: rebuild DIR/report.html from the results there. */
#include <stdio.h>

#include "cli/cli.h"

static const iapt_cli_option options[] = {
	IAPT_CLI_OPT_QUIET(iapt_cli_plain_args),
};

static int run(void *args, int argc, char **argv)
{
	const iapt_cli_args *a = args;
	int rc;
	(void)argc;
	(void)argv;
	if (!a->n_files)
		return iapt_cli__input_error("report: needs a results folder (iaptsim report results/NAME)");
	if ((rc = iapt_report_write(a->files[0])))
		return iapt_cli__report(rc);
	if (!a->quiet)
		printf("%s/report.html\n", a->files[0]);
	return IAPT_CLI_OK;
}

const iapt_cli_command iapt_cli_cmd_report = {
	.name = "report",
	.synopsis = "DIR",
	.summary = "rebuild DIR/report.html from the results there (run, compare\n"
		   "or sensitivity; each writes one anyway)",
	.min_args = 1,
	.max_args = 1,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(iapt_cli_plain_args),
	.run = run,
};
