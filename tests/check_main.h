/* Shared main for the Check suites: each file defines make_suite(). */
#include <stdio.h>
#include <stdlib.h>
#include <check.h>

static Suite *make_suite(void);

int main(void)
{
	SRunner *sr;
	int failed;
	sr = srunner_create(make_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
