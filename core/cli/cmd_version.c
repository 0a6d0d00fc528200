/* iaptsim version (also iaptsim --version, -V). */
#include <stdio.h>

#include "cli/cli.h"

static int run(void *args, int argc, char **argv)
{
	(void)args;
	(void)argc;
	(void)argv;
	printf("iaptsim %s\n", IAPTSIM_VERSION);
	return IAPT_CLI_OK;
}

const iapt_cli_command iapt_cli_cmd_version = {
	.name = "version",
	.synopsis = "",
	.summary = "print the version (also --version, -V)",
	.min_args = 0,
	.max_args = 0,
	.args_size = sizeof(iapt_cli_plain_args),
	.run = run,
};
