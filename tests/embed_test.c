/* An embedding program, as a user of the installed library would write it: public headers
 * only, linked with the shared library, and nothing done about GSL's error handler. A
 * scenario whose correlation matrix is not positive definite must come back as an error
 * code with its message; before the library switched GSL's abort handler off itself, this
 * program died of SIGABRT (exit 134). */
#include <stdio.h>
#include <string.h>

#include "iaptsim/iaptsim.h"

int main(int argc, char **argv)
{
	iapt_scenario *sc = NULL;
	const char *want = "uncertainty.correlations: the correlation matrix is not positive definite";
	int rc;
	if (argc != 2) {
		fprintf(stderr, "usage: embed_test SCENARIO.yaml\n");
		return 2;
	}
	rc = iapt_scenario_load(&sc, argv[1]);
	if (rc != IAPT_EINVAL || sc != NULL) {
		fprintf(stderr, "embed_test: want IAPT_EINVAL and no scenario, got %d (%s)\n", rc, iapt_error_last()->message);
		iapt_scenario_free(sc);
		return 1;
	}
	if (!strstr(iapt_error_last()->message, want)) {
		fprintf(stderr, "embed_test: want a message containing \"%s\", got \"%s\"\n", want, iapt_error_last()->message);
		return 1;
	}
	printf("embed_test: %s\n", iapt_error_last()->message);
	return 0;
}
