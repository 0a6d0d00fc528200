/* libFuzzer harness: the scenario parser (iapt_scenario_parse) on arbitrary bytes. Any
 * crash, sanitizer report, leak or input slower than the run's -timeout is a finding.
 * fuzz/run.sh runs it; the seed corpus is every YAML file in tests/data and scenarios. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "iaptsim/scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	gsl_set_error_handler_off(); /* as the command line does: GSL reports, never aborts */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, without a NUL after it, so that a read past the end is caught */
	char *text = malloc(size ? size : 1);
	iapt_scenario *sc = NULL;
	if (!text)
		return 0;
	memcpy(text, data, size);
	if (iapt_scenario_parse(&sc, text, size, "fuzz.yaml") == 0)
		iapt_scenario_free(sc);
	free(text);
	return 0;
}
