/* iaptsim plugins [DIR|FILE.lua]: FILE's plugin alone; or the built-in plugins, those in DIR
 * and those on IAPTSIM_PLUGIN_PATH, with their options and docs. What the user named is read before
 * anything is printed, so a mistake is the only output. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

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
	if (pl->n_wait_weeks) {
		printf("    wait_checkpoints (on_wait, weeks since referral):");
		for (k = 0; k < pl->n_wait_weeks; k++)
			printf(" %d", pl->wait_weeks[k]);
		printf("\n");
	}
	if (pl->n_fields)
		printf("    fields (person.NAME, the plugin's own):\n");
	for (k = 0; k < pl->n_fields; k++)
		printf("      %-22s %s (%s)\n", pl->fields[k].name, pl->fields[k].doc, pl->fields[k].integer ? "integer 0-255" : "boolean");
	if (pl->n_categories)
		printf("    cost categories (ledger.csv, economics.csv, budget_impact.csv):\n");
	for (k = 0; k < pl->n_categories; k++)
		printf("      %s.%-22s %s (%s)\n", pl->name, pl->categories[k].name, pl->categories[k].doc,
		       iapt_perspective_name(pl->categories[k].perspective));
	if (pl->n_groups)
		printf("    groups (summary.csv and replicates.csv rows %s.NAME=LEVEL):\n", pl->name);
	for (k = 0; k < pl->n_groups; k++) {
		size_t l;
		printf("      %-22s %s (levels:", pl->groups[k].name, pl->groups[k].doc);
		for (l = 0; l < pl->groups[k].n_levels; l++)
			printf(" %s", pl->groups[k].levels[l]);
		printf(")\n");
	}
	if (pl->n_options)
		printf("    options (with: in the scenario):\n");
	for (k = 0; k < pl->n_options; k++) {
		const iapt_plugin_option *o = &pl->options[k];
		char def[128];
		size_t c;
		switch (o->kind) {
		case IAPT_OPT_STRING:
			snprintf(def, sizeof def, "\"%s\"%s", o->def_str, o->service ? ", a service's code (checked against the services table)" : "");
			break;
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

/* Every NAME.lua of a folder's listing (from scandir, freed here), in name order; a file
 * that does not load says why. */
static void list_dir(const char *dir, struct dirent **ents, int n, int *bad)
{
	int i;
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
}

static int run(void *args, int argc, char **argv)
{
	const iapt_cli_args *a = args;
	const char *arg = a->n_files ? a->files[0] : NULL, *pp = getenv("IAPTSIM_PLUGIN_PATH");
	iapt_plugin *file = NULL;
	struct dirent **ents = NULL;
	size_t i, len = arg ? strlen(arg) : 0;
	int bad = 0, n_ents = 0, rc;
	(void)argc;
	(void)argv;
	/* first what the user named: a plugin that loads, or a folder that can be read */
	if (arg && len > 4 && !strcmp(arg + len - 4, ".lua")) {
		if ((rc = iapt_plugin_load(&file, arg, NULL, 0, 0)))
			return iapt_cli__report(rc);
	} else if (arg && (n_ents = scandir(arg, &ents, NULL, alphasort)) < 0) {
		return iapt_cli__input_error("plugins: cannot read the folder '%s'", arg);
	}
	if (file) { /* one plugin named: that one alone, as users of it will see it */
		print_plugin(file);
		iapt_plugin_free(file);
		return IAPT_CLI_OK;
	}
	printf("built-in plugins (use: NAME in a scenario's plugins list):\n");
	for (i = 0; i < iapt_plugin_builtin_count(); i++) {
		iapt_plugin *pl;
		if ((rc = iapt_plugin_load(&pl, iapt_plugin_builtin_name(i), NULL, 0, 0))) {
			while (n_ents > 0)
				free(ents[--n_ents]);
			free(ents);
			return iapt_cli__report(rc);
		}
		printf("\n");
		print_plugin(pl);
		iapt_plugin_free(pl);
	}
	if (arg) {
		printf("\nin %s (use: %s/NAME.lua):\n", arg, arg);
		list_dir(arg, ents, n_ents, &bad);
	}
	while (pp && *pp) {
		const char *end = strchr(pp, ':');
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*s", (int)(end ? (size_t)(end - pp) : strlen(pp)), pp);
		if (dir[0]) {
			int n = scandir(dir, &ents, NULL, alphasort);
			printf("\non IAPTSIM_PLUGIN_PATH, in %s (use: NAME):\n", dir);
			if (n >= 0)
				list_dir(dir, ents, n, &bad);
		}
		pp = end ? end + 1 : NULL;
	}
	return bad ? IAPT_CLI_INPUT : IAPT_CLI_OK;
}

const iapt_cli_command iapt_cli_cmd_plugins = {
	.name = "plugins",
	.synopsis = "[DIR|FILE.lua]",
	.summary = "list the built-in plugins, those in DIR and those on IAPTSIM_PLUGIN_PATH,\n"
		   "with their options and docs; FILE.lua: that plugin alone, as its users see it",
	.min_args = 0,
	.max_args = 1,
	.args_size = sizeof(iapt_cli_plain_args),
	.run = run,
};
