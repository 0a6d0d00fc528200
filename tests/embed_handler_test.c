/* An embedding program that installs its own GSL error handler before using the library:
 * the library keeps it (it only replaces GSL's default, aborting one), so the handler sees
 * the failed Cholesky factorisation, and the load still returns an error code. */
#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "iaptsim/iaptsim.h"

static int calls;

static void count(const char *reason, const char *file, int line, int gsl_errno)
{
	(void)reason;
	(void)file;
	(void)line;
	(void)gsl_errno;
	calls++;
}

int main(int argc, char **argv)
{
	iapt_scenario *sc = NULL;
	int rc;
	if (argc != 2)
		return 2;
	gsl_set_error_handler(count);
	rc = iapt_scenario_load(&sc, argv[1]);
	if (rc != IAPT_EINVAL || calls < 1) {
		fprintf(stderr, "embed_handler_test: want IAPT_EINVAL and the program's handler called, got %d and %d calls\n", rc,
			calls);
		iapt_scenario_free(sc);
		return 1;
	}
	printf("embed_handler_test: %d, the program's handler called %d times\n", rc, calls);
	return 0;
}
