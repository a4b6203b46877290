/* test_options.c: the runner's command line (runner/options.c). */
#include "options.h"
#include "suites.h"

#include <string.h>

static struct options o;
static char err[256];

/* Parse a NULL-terminated argument list after the program name. */
#define PARSE(...) parse_args((const char *[]){"sockconf", __VA_ARGS__, NULL})

static int parse_args(const char **args)
{
	char *argv[32];
	int argc = 0;

	while (args[argc] && argc < 31) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	memset(err, 'x', sizeof err - 1); /* a stale message must not survive */
	err[sizeof err - 1] = '\0';
	return options_parse(&o, argc, argv, err, sizeof err);
}

static int parse_nothing(void)
{
	char *argv[] = {"sockconf", NULL};

	memset(err, 'x', sizeof err - 1);
	err[sizeof err - 1] = '\0';
	return options_parse(&o, 1, argv, err, sizeof err);
}

/* An error returns -1 with a one-line message naming `what`. */
#define ASSERT_ERROR(ret, what)                 \
	do {                                    \
		ASSERT_INT_EQ(ret, -1);         \
		ASSERT_CONTAINS(err, what);     \
		ASSERT_NOT_CONTAINS(err, "\n"); \
		ASSERT_NOT_CONTAINS(err, "xxxx"); \
	} while (0)

static void test_defaults_are_documented_values(void)
{
	ASSERT_INT_EQ(PARSE("run"), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_INT_EQ(o.command, CMD_RUN);
	ASSERT_INT_EQ(o.jobs, 0);
	ASSERT_INT_EQ(o.timeout_ms, 10000);
	ASSERT_INT_EQ(o.repeat, 1);
	ASSERT_STR_EQ(o.target, "native");
	ASSERT_STR_EQ(o.out_dir, "results");
	CU_ASSERT_PTR_NULL(o.cases_dir);
	CU_ASSERT_PTR_NULL(o.divergences_dir);
	CU_ASSERT_PTR_NULL(o.label);
	ASSERT_INT_EQ(o.times, 0);
	ASSERT_INT_EQ(o.nfilters, 0);
}

static void test_jobs_as_separate_argument(void)
{
	ASSERT_INT_EQ(PARSE("-j", "3", "run"), 0);
	ASSERT_INT_EQ(o.jobs, 3);
	ASSERT_INT_EQ(o.command, CMD_RUN);
	ASSERT_INT_EQ(o.nfilters, 0);
}

static void test_jobs_attached_to_short_option(void)
{
	ASSERT_INT_EQ(PARSE("-j3", "run"), 0);
	ASSERT_INT_EQ(o.jobs, 3);
	ASSERT_INT_EQ(PARSE("run", "-j12"), 0);
	ASSERT_INT_EQ(o.jobs, 12);
}

static void test_jobs_long_option_with_equals(void)
{
	ASSERT_INT_EQ(PARSE("--jobs=4", "run"), 0);
	ASSERT_INT_EQ(o.jobs, 4);
	ASSERT_INT_EQ(PARSE("--jobs", "5", "run"), 0);
	ASSERT_INT_EQ(o.jobs, 5);
}

static void test_timeout_in_seconds_becomes_milliseconds(void)
{
	ASSERT_INT_EQ(PARSE("--timeout", "0.5", "run"), 0);
	ASSERT_INT_EQ(o.timeout_ms, 500);
	ASSERT_INT_EQ(PARSE("--timeout=2", "run"), 0);
	ASSERT_INT_EQ(o.timeout_ms, 2000);
	ASSERT_INT_EQ(PARSE("--timeout", "0.001", "run"), 0);
	ASSERT_INT_EQ(o.timeout_ms, 1);
	ASSERT_INT_EQ(PARSE("--timeout", "1.005", "run"), 0); /* 1004.999... in binary: rounded */
	ASSERT_INT_EQ(o.timeout_ms, 1005);
}

static void test_repeat_count(void)
{
	ASSERT_INT_EQ(PARSE("--repeat", "20", "run"), 0);
	ASSERT_INT_EQ(o.repeat, 20);
}

static void test_no_out_writes_no_results_file(void)
{
	ASSERT_INT_EQ(PARSE("--no-out", "run"), 0);
	CU_ASSERT_PTR_NULL(o.out_dir);
	ASSERT_INT_EQ(PARSE("--out", "elsewhere", "run"), 0);
	ASSERT_STR_EQ(o.out_dir, "elsewhere");
}

static void test_directories_label_and_times(void)
{
	ASSERT_INT_EQ(PARSE("--cases", "c", "--divergences=d", "--label", "lwip-2.1.3", "--times",
			    "list"),
		      0);
	ASSERT_STR_EQ(o.cases_dir, "c");
	ASSERT_STR_EQ(o.divergences_dir, "d");
	ASSERT_STR_EQ(o.label, "lwip-2.1.3");
	ASSERT_INT_EQ(o.times, 1);
}

static void test_filters_collected_in_order(void)
{
	ASSERT_INT_EQ(PARSE("run", "rst", "-j", "2", "fin.*", "shutrd.data_dropped"), 0);
	ASSERT_INT_EQ(o.nfilters, 3);
	if (o.nfilters == 3) {
		ASSERT_STR_EQ(o.filters[0], "rst");
		ASSERT_STR_EQ(o.filters[1], "fin.*");
		ASSERT_STR_EQ(o.filters[2], "shutrd.data_dropped");
	}
	ASSERT_INT_EQ(o.jobs, 2);
}

static void test_run_list_and_help_commands(void)
{
	ASSERT_INT_EQ(PARSE("run"), 0);
	ASSERT_INT_EQ(o.command, CMD_RUN);
	ASSERT_INT_EQ(PARSE("list", "rst"), 0);
	ASSERT_INT_EQ(o.command, CMD_LIST);
	ASSERT_INT_EQ(o.nfilters, 1);
	ASSERT_INT_EQ(PARSE("help"), 0);
	ASSERT_INT_EQ(o.command, CMD_HELP);
}

static void test_help_option_needs_no_command(void)
{
	ASSERT_INT_EQ(PARSE("--help"), 0);
	ASSERT_INT_EQ(o.command, CMD_HELP);
	ASSERT_INT_EQ(PARSE("-h"), 0);
	ASSERT_INT_EQ(o.command, CMD_HELP);
	ASSERT_INT_EQ(PARSE("run", "-h"), 0);
	ASSERT_INT_EQ(o.command, CMD_HELP);
}

static void test_zero_jobs_is_an_error(void)
{
	ASSERT_ERROR(PARSE("-j", "0", "run"), "0");
	ASSERT_ERROR(PARSE("--jobs=0", "run"), "--jobs");
	ASSERT_ERROR(PARSE("-j0", "run"), "-j");
}

static void test_non_numeric_jobs_is_an_error(void)
{
	ASSERT_ERROR(PARSE("-j", "x", "run"), "'x'");
	ASSERT_ERROR(PARSE("-j", "3x", "run"), "'3x'");
	ASSERT_ERROR(PARSE("-j", "-3", "run"), "'-3'");
	ASSERT_ERROR(PARSE("-j", "99999999999999999999999", "run"), "-j");
}

static void test_negative_timeout_is_an_error(void)
{
	ASSERT_ERROR(PARSE("--timeout", "-1", "run"), "'-1'");
}

static void test_zero_timeout_is_an_error(void)
{
	ASSERT_ERROR(PARSE("--timeout", "0", "run"), "--timeout");
	ASSERT_ERROR(PARSE("--timeout", "nan", "run"), "--timeout");
	ASSERT_ERROR(PARSE("--timeout", "1s", "run"), "'1s'");
}

static void test_zero_repeat_is_an_error(void)
{
	ASSERT_ERROR(PARSE("--repeat", "0", "run"), "--repeat");
}

static void test_missing_values_are_errors(void)
{
	ASSERT_ERROR(PARSE("run", "-j"), "-j");
	ASSERT_ERROR(PARSE("run", "--jobs"), "--jobs");
	ASSERT_ERROR(PARSE("run", "--timeout"), "--timeout");
	ASSERT_ERROR(PARSE("run", "--repeat"), "--repeat");
	ASSERT_ERROR(PARSE("run", "--out"), "--out");
	ASSERT_ERROR(PARSE("run", "--cases"), "--cases");
	ASSERT_ERROR(PARSE("run", "--divergences"), "--divergences");
	ASSERT_ERROR(PARSE("run", "--label"), "--label");
	ASSERT_ERROR(PARSE("run", "--target"), "--target");
	ASSERT_ERROR(PARSE("run", "--out="), "--out");
}

static void test_unknown_option_is_an_error(void)
{
	ASSERT_ERROR(PARSE("run", "--frobnicate"), "unknown option --frobnicate");
	ASSERT_ERROR(PARSE("--jobsx=3", "run"), "--jobsx");
	ASSERT_ERROR(PARSE("-x", "run"), "-x");
}

static void test_unknown_command_is_an_error(void)
{
	ASSERT_ERROR(PARSE("frobnicate"), "unknown command frobnicate");
}

static void test_no_command_is_an_error(void)
{
	ASSERT_ERROR(parse_nothing(), "no command");
	ASSERT_ERROR(PARSE("-j", "2", "--no-out"), "no command");
}

static void test_unknown_target_is_an_error(void)
{
	ASSERT_ERROR(PARSE("--target", "bogus", "run"), "bogus");
	ASSERT_INT_EQ(PARSE("--target", "uml", "run"), 0);
	ASSERT_STR_EQ(o.target, "uml");
	ASSERT_INT_EQ(PARSE("--target=native", "run"), 0);
	ASSERT_STR_EQ(o.target, "native");
}

static void test_label_with_a_slash_is_an_error(void)
{
	ASSERT_ERROR(PARSE("--label", "../escape", "run"), "--label");
	ASSERT_ERROR(PARSE("--label", "a/b", "run"), "'a/b'");
	ASSERT_ERROR(PARSE("--label", "a\\b", "run"), "--label");
}

static void test_too_many_filters_is_an_error(void)
{
	char *argv[MAX_FILTERS + 3];

	argv[0] = "sockconf";
	argv[1] = "run";
	for (int i = 2; i < MAX_FILTERS + 3; i++)
		argv[i] = "rst";
	ASSERT_INT_EQ(options_parse(&o, MAX_FILTERS + 2, argv, err, sizeof err), 0);
	ASSERT_INT_EQ(o.nfilters, MAX_FILTERS);
	ASSERT_INT_EQ(options_parse(&o, MAX_FILTERS + 3, argv, err, sizeof err), -1);
	ASSERT_CONTAINS(err, "filters");
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_defaults_are_documented_values),
	UNIT_TEST(test_jobs_as_separate_argument),
	UNIT_TEST(test_jobs_attached_to_short_option),
	UNIT_TEST(test_jobs_long_option_with_equals),
	UNIT_TEST(test_timeout_in_seconds_becomes_milliseconds),
	UNIT_TEST(test_repeat_count),
	UNIT_TEST(test_no_out_writes_no_results_file),
	UNIT_TEST(test_directories_label_and_times),
	UNIT_TEST(test_filters_collected_in_order),
	UNIT_TEST(test_run_list_and_help_commands),
	UNIT_TEST(test_help_option_needs_no_command),
	UNIT_TEST(test_zero_jobs_is_an_error),
	UNIT_TEST(test_non_numeric_jobs_is_an_error),
	UNIT_TEST(test_negative_timeout_is_an_error),
	UNIT_TEST(test_zero_timeout_is_an_error),
	UNIT_TEST(test_zero_repeat_is_an_error),
	UNIT_TEST(test_missing_values_are_errors),
	UNIT_TEST(test_unknown_option_is_an_error),
	UNIT_TEST(test_unknown_command_is_an_error),
	UNIT_TEST(test_no_command_is_an_error),
	UNIT_TEST(test_unknown_target_is_an_error),
	UNIT_TEST(test_label_with_a_slash_is_an_error),
	UNIT_TEST(test_too_many_filters_is_an_error),
};

void register_options_tests(void)
{
	ADD_SUITE("options", tests);
}
