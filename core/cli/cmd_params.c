/* iaptsim params [SCENARIO.yaml]: every parameter with its value, unit, bounds and source. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct params_args {
	iapt_cli_args common;
	int csv, markdown;
} params_args;

static const iapt_cli_option options[] = {
	IAPT_CLI_OPT_SET(params_args),
	{"csv", 0, NULL, "one CSV row per parameter", IAPT_CLI_FLAG, offsetof(params_args, csv), 0, 0, 0, 0, NULL},
	{"markdown", 0, NULL, "a markdown table", IAPT_CLI_FLAG, offsetof(params_args, markdown), 0, 0, 0, 0, NULL},
};

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

static void print_param(const params_args *o, const iapt_params *p, size_t i)
{
	iapt_param_info in;
	size_t k;
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
		printf("    %s\n    source: %s%s\n", in.description, in.sourced ? "" : "[not a published figure] ", in.source);
	}
}

static int run(void *args, int argc, char **argv)
{
	const params_args *o = args;
	const iapt_cli_args *a = &o->common;
	iapt_params *own = NULL;
	iapt_scenario *sc = NULL;
	const iapt_params *p;
	size_t i;
	int rc, ex, k;
	(void)argc;
	(void)argv;
	if (o->csv && o->markdown)
		return iapt_cli__input_error("params: --csv or --markdown, not both");
	if (a->n_files) {
		if ((ex = iapt_cli__load(a, a->files[0], &sc)))
			return ex;
		p = sc->params;
	} else {
		if ((rc = iapt_params_new(&own)))
			return iapt_cli__report(rc);
		for (k = 0; k < a->sets.n; k++) {
			if ((rc = iapt_cli__assign(own, a->sets.v[k], "--set"))) {
				iapt_cli__input_error("--set %s: %s", a->sets.v[k], iapt_error_last()->message);
				iapt_params_free(own);
				return IAPT_CLI_INPUT;
			}
		}
		p = own;
	}
	if (o->csv)
		printf("name,value,default,unit,min,max,integer,sourced,origin,source,description\n");
	else if (o->markdown)
		printf("| parameter | value | unit | bounds | what | source |\n| --- | --- | --- | --- | --- | --- |\n");
	for (i = 0; i < iapt_params_count(p); i++)
		print_param(o, p, i);
	iapt_params_free(own);
	iapt_scenario_free(sc);
	return IAPT_CLI_OK;
}

const iapt_cli_command iapt_cli_cmd_params = {
	.name = "params",
	.synopsis = "[SCENARIO.yaml]",
	.summary = "list every parameter: value, unit, bounds, source (--csv, --markdown)",
	.min_args = 0,
	.max_args = 1,
	.options = options,
	.n_options = sizeof options / sizeof options[0],
	.args_size = sizeof(params_args),
	.run = run,
};
