/*
 * main.c: the unit tests' one main(): registers every suite, runs them
 * verbosely, and exits 1 when a test failed, 2 when CUnit could not start.
 */
#include "suites.h"

#include <CUnit/Basic.h>

#include <stdio.h>
#include <string.h>

void add_suite(const char *name, CU_CleanupFunc cleanup, const struct unit_test *tests, size_t n)
{
	CU_pSuite suite = CU_add_suite(name, NULL, cleanup);

	if (!suite)
		return; /* CU_get_error() says why */
	for (size_t i = 0; i < n; i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return;
}

/* CUnit copies the condition text of a failure, so a stack buffer will do. */
static void report(int ok, unsigned line, const char *file, const char *msg)
{
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, file, "", CU_FALSE);
}

void assert_str_eq_(const char *actual, const char *expected, const char *expr, unsigned line,
		    const char *file)
{
	char msg[1200];
	int ok = actual && expected && strcmp(actual, expected) == 0;

	snprintf(msg, sizeof msg, "%.200s == \"%.400s\" (got %s%.400s%s)", expr,
		 expected ? expected : "(null)", actual ? "\"" : "", actual ? actual : "NULL",
		 actual ? "\"" : "");
	report(ok, line, file, msg);
}

void assert_contains_(const char *haystack, const char *needle, int want, const char *expr,
		      unsigned line, const char *file)
{
	char msg[1200];
	int found = haystack && strstr(haystack, needle) != NULL;

	snprintf(msg, sizeof msg, "%.200s %s \"%.200s\" (got %s%.600s%s)", expr,
		 want ? "contains" : "does not contain", needle, haystack ? "\"" : "",
		 haystack ? haystack : "NULL", haystack ? "\"" : "");
	report(want ? found : haystack && !found, line, file, msg);
}

void assert_int_eq_(long long actual, long long expected, const char *expr, unsigned line,
		    const char *file)
{
	char msg[400];

	snprintf(msg, sizeof msg, "%.200s == %lld (got %lld)", expr, expected, actual);
	report(actual == expected, line, file, msg);
}

int main(void)
{
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "unit-tests: CUnit failed to initialise: %s\n", CU_get_error_msg());
		return 2;
	}
	register_options_tests();
	register_glob_tests();
	register_case_tap_tests();
	register_divergence_tests();
	register_label_tests();
	register_verdict_tests();
	register_report_tests();
	register_junit_tests();
	register_tap_yaml_tests();
	register_pattern_tests();
	register_errnames_tests();
	register_run_tap_tests();
	register_nosignal_send_tests();
	register_platform_event_tests();
	register_checks_made_tests();
	register_partial_tests();
	register_case_times_tests();
	register_acked_views_tests();
	register_segments_tests();
	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "unit-tests: registering the suites failed: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS) {
		fprintf(stderr, "unit-tests: running the suites failed: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	failed = CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed();
	if (CU_get_number_of_failures() && !failed)
		failed = 1;
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
