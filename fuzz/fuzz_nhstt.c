/* libFuzzer harness: the reader of observed figures as validate and calibrate use it
 * (iapt_targets_read_buffer: gzip or plain bytes, the published long format of data/nhstt/
 * and the older long and wide shapes, told apart by the header) on arbitrary bytes. The
 * seed corpus is tests/data/nhstt (plain, gzip, two gzip members, truncated and damaged
 * gzip) and tests/data/targets. */
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "iaptsim/validation.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	gsl_set_error_handler_off();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	iapt_target *t = NULL;
	iapt_targets_report rep;
	size_t n = 0;
	/* England's rows, then one organisation's: both filters */
	if (iapt_targets_read_buffer((const char *)data, size, "fuzz.csv", NULL, &t, &n, &rep) == 0)
		free(t);
	if (iapt_targets_read_buffer((const char *)data, size, "fuzz.csv", "RXX", &t, &n, NULL) == 0)
		free(t);
	return 0;
}
