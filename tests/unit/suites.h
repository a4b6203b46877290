/*
 * suites.h: the unit-test suites of lib/ and runner/ (CUnit), and the few
 * assertions they share.  main.c registers every suite and runs them.
 */
#ifndef UNIT_SUITES_H
#define UNIT_SUITES_H

#include <CUnit/CUnit.h>

#include <stddef.h>

struct unit_test {
	const char *name;
	CU_TestFunc fn;
};
/* A test is named by its function: test_plan_missing_is_an_error. */
#define UNIT_TEST(fn) {#fn, fn}

/*
 * Add a suite holding these tests, with an optional cleanup run after its
 * last test; a CUnit error is left for main() to see.
 */
void add_suite(const char *name, CU_CleanupFunc cleanup, const struct unit_test *tests, size_t n);
#define ADD_SUITE(name, tests) \
	add_suite((name), NULL, (tests), sizeof(tests) / sizeof((tests)[0]))
#define ADD_SUITE_WITH_CLEANUP(name, cleanup, tests) \
	add_suite((name), (cleanup), (tests), sizeof(tests) / sizeof((tests)[0]))

/*
 * Assertions that print the values they compared when they fail (CUnit's
 * own print only the expression).  They never stop the test.
 */
#define ASSERT_STR_EQ(actual, expected) \
	assert_str_eq_((actual), (expected), #actual, __LINE__, __FILE__)
#define ASSERT_CONTAINS(haystack, needle) \
	assert_contains_((haystack), (needle), 1, #haystack, __LINE__, __FILE__)
#define ASSERT_NOT_CONTAINS(haystack, needle) \
	assert_contains_((haystack), (needle), 0, #haystack, __LINE__, __FILE__)
#define ASSERT_INT_EQ(actual, expected) \
	assert_int_eq_((long long)(actual), (long long)(expected), #actual, __LINE__, __FILE__)

void assert_str_eq_(const char *actual, const char *expected, const char *expr, unsigned line,
		    const char *file);
void assert_contains_(const char *haystack, const char *needle, int want, const char *expr,
		      unsigned line, const char *file);
void assert_int_eq_(long long actual, long long expected, const char *expr, unsigned line,
		    const char *file);

/* One registration a module under test. */
void register_options_tests(void);
void register_glob_tests(void);
void register_case_tap_tests(void);
void register_divergence_tests(void);
void register_label_tests(void);
void register_verdict_tests(void);
void register_report_tests(void);
void register_junit_tests(void);
void register_tap_yaml_tests(void);
void register_pattern_tests(void);
void register_errnames_tests(void);
void register_case_times_tests(void);
void register_run_tap_tests(void);
void register_nosignal_send_tests(void);
void register_platform_event_tests(void);
void register_checks_made_tests(void);
void register_partial_tests(void);
void register_acked_views_tests(void);
void register_segments_tests(void);

#endif
