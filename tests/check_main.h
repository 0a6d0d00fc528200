/* Shared main for the Check suites: each file defines make_suite(). */
#include <stdlib.h>
#include <check.h>
#include <gsl/gsl_errno.h>

static Suite *make_suite(void);

int main(void)
{
	SRunner *sr;
	int failed;
	gsl_set_error_handler_off();
	sr = srunner_create(make_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
