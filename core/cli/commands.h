/* The commands of iaptsim, in the order `iaptsim --help` lists them, one row each:
 * IAPT_CLI_COMMAND(name) means a file cmd_<name>.c that defines
 * `const iapt_cli_command iapt_cli_cmd_<name>` (core/cli/cli.h). No include guard: main.c
 * includes it with IAPT_CLI_COMMAND defined as it needs. */
IAPT_CLI_COMMAND(run)
IAPT_CLI_COMMAND(compare)
IAPT_CLI_COMMAND(sensitivity)
IAPT_CLI_COMMAND(calibrate)
IAPT_CLI_COMMAND(validate)
IAPT_CLI_COMMAND(report)
IAPT_CLI_COMMAND(check)
IAPT_CLI_COMMAND(diff)
IAPT_CLI_COMMAND(params)
IAPT_CLI_COMMAND(metrics)
IAPT_CLI_COMMAND(plugins)
IAPT_CLI_COMMAND(version)
