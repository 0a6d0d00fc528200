/* libFuzzer harness: the targets CSV reader (iapt_targets_parse: observed figures for
 * calibrate and validate, long or wide, RFC 4180 quoting, a byte-order mark) on arbitrary
 * bytes. The seed corpus is tests/data/targets and the CSV files in data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "iaptsim/calib.h"

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
	char *text = malloc(size + 1); /* the reader takes NUL-terminated text and frees it */
	iapt_target *t = NULL;
	size_t n = 0;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (iapt_targets_parse(text, "fuzz.csv", &t, &n) == 0)
		free(t);
	return 0;
}
