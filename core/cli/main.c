/* The iaptsim command: the only place that prints or picks exit codes. main finds the
 * command in the table of commands.h, parses its options by its own table, and runs it.
 * Exit codes: 0 ok, 1 the run failed, 2 bad input (nothing written). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli/cli.h"
#include "util/util.h"
#ifdef IAPTSIM_MPI
#include <mpi.h>
#endif

#define IAPT_CLI_COMMAND(name) extern const iapt_cli_command iapt_cli_cmd_##name;
#include "cli/commands.h"
#undef IAPT_CLI_COMMAND

const iapt_cli_command *const iapt_cli__commands[] = {
#define IAPT_CLI_COMMAND(name) &iapt_cli_cmd_##name,
#include "cli/commands.h"
#undef IAPT_CLI_COMMAND
};
const size_t iapt_cli__n_commands = sizeof iapt_cli__commands / sizeof iapt_cli__commands[0];

/* The usage: every command with its synopsis and summary, from the table. */
static void usage(FILE *f)
{
	size_t k;
	fprintf(f, "usage: iaptsim <command> [options]\n\ncommands:\n");
	for (k = 0; k < iapt_cli__n_commands; k++) {
		const iapt_cli_command *c = iapt_cli__commands[k];
		const char *text = c->summary, *nl;
		char left[128];
		int first = 1;
		snprintf(left, sizeof left, "  %s%s%s", c->name, c->synopsis[0] ? " " : "", c->synopsis);
		if (strlen(left) > 22) {
			fprintf(f, "%s\n", left);
			first = 0;
		}
		for (; text; text = nl ? nl + 1 : NULL) {
			nl = strchr(text, '\n');
			fprintf(f, "%-24s%.*s\n", first ? left : "", (int)(nl ? (size_t)(nl - text) : strlen(text)), text);
			first = 0;
		}
	}
	fprintf(f, "\noptions:\n"
		   "  -h, --help            this help; 'iaptsim COMMAND --help' lists a command's options\n"
		   "  -V, --version         print the version\n");
}

static const iapt_cli_command *find(const char *name)
{
	size_t k;
	for (k = 0; k < iapt_cli__n_commands; k++)
		if (!strcmp(iapt_cli__commands[k]->name, name))
			return iapt_cli__commands[k];
	return NULL;
}

static int unknown_command(const char *name)
{
	const char *names[64], *near;
	size_t k;
	for (k = 0; k < iapt_cli__n_commands && k < 64; k++)
		names[k] = iapt_cli__commands[k]->name;
	near = iapt_str__suggest(name, names, k);
	if (near)
		return iapt_cli__input_error("unknown command '%s'; did you mean '%s'? (see 'iaptsim --help')", name, near);
	return iapt_cli__input_error("unknown command '%s' (see 'iaptsim --help')", name);
}

static int run_command(int argc, char **argv)
{
	const iapt_cli_command *cmd;
	void *args;
	int rc;
	gsl_set_error_handler_off(); /* GSL must report, not abort */
	if (argc < 2) {
		usage(stderr);
		return IAPT_CLI_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		/* iaptsim help COMMAND: that command's help */
		if (argc > 2 && !strcmp(argv[1], "help")) {
			if (!(cmd = find(argv[2])))
				return unknown_command(argv[2]);
			iapt_cli__help(cmd, stdout);
		} else {
			usage(stdout);
		}
		return IAPT_CLI_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		cmd = find("version");
	else if (!(cmd = find(argv[1])))
		return unknown_command(argv[1]);
	if (!(args = malloc(cmd->args_size)))
		return iapt_cli__out_of_memory();
	rc = iapt_cli__parse(cmd, argc, argv, args);
	if (iapt_cli__rank)
		((iapt_cli_args *)args)->quiet = 1; /* rank 0 speaks for the job */
	if (rc == -1)
		rc = IAPT_CLI_OK; /* --help */
	else if (!rc)
		rc = cmd->run(args, argc, argv);
	iapt_cli__args_free(cmd, args);
	free(args);
	return rc;
}

int main(int argc, char **argv)
{
	int rc;
#ifdef IAPTSIM_MPI
	int ranks = 1;
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &iapt_cli__rank);
	MPI_Comm_size(MPI_COMM_WORLD, &ranks);
	iapt_cli__distribute = ranks > 1;
#endif
	rc = run_command(argc, argv);
#ifdef IAPTSIM_MPI
	MPI_Finalize();
#endif
	return rc;
}
