/* test_verdict.c: from a case's exit and output to its verdict (runner/verdict.c). */
#include "suites.h"
#include "verdict.h"

#include <signal.h>
#include <string.h>

#define LABEL "linux-6.18.44-native"
#define CASE_ID "shutrd.data_dropped"

static struct case_entry entry = {.id = CASE_ID, .path = "cases/" CASE_ID, .executable = 1};
static struct case_result r; /* large: kept out of the stack */
static struct divergences d;

/* A result for a case that exited with `code` after printing `out`. */
static void result(const char *out, int code)
{
	case_result_free(&r); /* the texts an earlier test parsed */
	memset(&r, 0, sizeof r);
	r.entry = &entry;
	r.exit.code = code;
	r.ms = 12.5;
	r.tap_ok = case_tap_parse(out, strlen(out), &r.tap) == 0;
	CU_ASSERT_TRUE(r.tap_ok); /* the fixture itself must be well formed */
}

static void records(const char *text)
{
	char err[256] = "";

	divergences_free(&d);
	ASSERT_INT_EQ(divergences_parse(&d, text, "linux.txt", err, sizeof err), 0);
	ASSERT_STR_EQ(err, "");
}

static void apply(void)
{
	verdict_apply(&r, &d, LABEL, 10000);
}

#define HEAD "# id: " CASE_ID "\n# claim: data after SHUT_RD is dropped\n1..3\n"
#define FAILED(n, fam, got) \
	"not ok " #n " - " fam "\n  ---\n  message: \"read data\"\n  got: \"" got "\"\n  ...\n"

static const char all_ok[] = HEAD "ok 1 - inet\nok 2 - inet6\nok 3 - unix\n";
static const char inet_fails[] = HEAD FAILED(1, "inet", "5") "ok 2 - inet6\nok 3 - unix\n";

static const char record_inet_got_5[] = "shutrd.data_dropped\n"
					"  on: linux-*\n"
					"  family: inet\n"
					"  kind: divergence\n"
					"  got: 5\n"
					"  why: Linux keeps it\n"
					"  source: https://example.org\n";

/* The same outcome, as Linux's own documents give it (unix diverges, undocumented). */
static const char records_documented_inet_divergent_unix[] =
	"shutrd.data_dropped\n"
	"  on: linux-*\n"
	"  family: inet inet6\n"
	"  kind: documented\n"
	"  why: shutdown(2) says so\n"
	"  source: https://man7.org/linux/man-pages/man2/shutdown.2.html\n"
	"shutrd.data_dropped\n"
	"  on: linux-*\n"
	"  family: unix\n"
	"  kind: divergence\n"
	"  why: w\n"
	"  source: s\n";

static void test_all_points_ok_is_pass(void)
{
	records("");
	result(all_ok, 0);
	apply();
	ASSERT_INT_EQ(r.broken, 0);
	ASSERT_INT_EQ(r.verdict, CV_PASS);
	for (int i = 0; i < 3; i++)
		ASSERT_INT_EQ(r.fv[i], FV_PASS);
}

static void test_all_points_skipped_is_skip(void)
{
	records("");
	result(HEAD "ok 1 - inet # SKIP a\nok 2 - inet6 # SKIP b\nok 3 - unix # SKIP c\n", 0);
	apply();
	ASSERT_INT_EQ(r.verdict, CV_SKIP);
	ASSERT_INT_EQ(r.fv[0], FV_SKIP);
}

/* "1..0" asserts nothing: whatever it is, it is no evidence of conformance. */
static void test_case_with_no_points_does_not_pass(void)
{
	records("");
	result("# id: " CASE_ID "\n1..0\n", 0);
	apply();
	CU_ASSERT(r.verdict != CV_PASS);
}

static void test_failed_family_without_record_is_fail(void)
{
	records("");
	result(inet_fails, 1);
	apply();
	ASSERT_INT_EQ(r.broken, 0);
	ASSERT_INT_EQ(r.fv[0], FV_FAIL);
	ASSERT_INT_EQ(r.fv[1], FV_PASS);
	CU_ASSERT_PTR_NULL(r.record[0]);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
}

static void test_failed_family_with_matching_record_is_todo(void)
{
	records(record_inet_got_5);
	result(inet_fails, 1);
	apply();
	ASSERT_INT_EQ(r.broken, 0);
	ASSERT_INT_EQ(r.fv[0], FV_DIVERGES);
	CU_ASSERT_PTR_EQUAL(r.record[0], &d.items[0]);
	ASSERT_INT_EQ(r.fv[1], FV_PASS);
	ASSERT_INT_EQ(r.fv[2], FV_PASS);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_INT_EQ(r.todo_kind, KIND_DIVERGENCE);
}

static void test_documented_records_make_a_documented_todo(void)
{
	records(records_documented_inet_divergent_unix);
	result(HEAD FAILED(1, "inet", "5") FAILED(2, "inet6", "5") "ok 3 - unix\n", 1);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_DIVERGES);
	ASSERT_INT_EQ(r.fv[1], FV_DIVERGES);
	ASSERT_INT_EQ(r.fv[2], FV_NO_LONGER_DIVERGES); /* the divergence no longer holds */
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_INT_EQ(r.todo_kind, KIND_DOCUMENTED); /* what is TODO rests on documents alone */
}

static void test_one_divergence_makes_the_todo_a_divergence(void)
{
	records(records_documented_inet_divergent_unix);
	result(HEAD FAILED(1, "inet", "5") "ok 2 - inet6\n" FAILED(3, "unix", "5"), 1);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_DIVERGES);
	ASSERT_INT_EQ(r.fv[1], FV_NO_LONGER_DIVERGES);
	ASSERT_INT_EQ(r.fv[2], FV_DIVERGES);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_INT_EQ(r.todo_kind, KIND_DIVERGENCE);
}

static void test_documented_record_that_no_longer_holds(void)
{
	records(records_documented_inet_divergent_unix);
	result(HEAD "ok 1 - inet\nok 2 - inet6\n" FAILED(3, "unix", "5"), 1);
	apply();
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_INT_EQ(r.todo_kind, KIND_DIVERGENCE);
	records("shutrd.data_dropped\n  on: linux-*\n  kind: documented\n  why: w\n"
		"  source: https://man7.org/linux/man-pages/man2/shutdown.2.html\n");
	result(all_ok, 0);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_NO_LONGER_DIVERGES);
	ASSERT_INT_EQ(r.verdict, CV_TODO_PASSED);
	ASSERT_INT_EQ(r.todo_kind, KIND_DOCUMENTED);
}

/* when: sometimes: a run in which the departure did not happen is a pass; one in which it did is a TODO */
static void test_record_of_what_happens_sometimes(void)
{
	records("shutrd.data_dropped\n  on: linux-*\n  kind: divergence\n  got: 5\n  when: sometimes\n"
		"  why: w\n  source: s\n");
	result(all_ok, 0);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_PASS);
	ASSERT_INT_EQ(r.verdict, CV_PASS);
	result(HEAD FAILED(1, "inet", "5") "ok 2 - inet6\n" "ok 3 - unix\n", 1);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_DIVERGES);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	result(HEAD FAILED(1, "inet", "7") "ok 2 - inet6\n" "ok 3 - unix\n", 1);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_DIVERGES_OTHERWISE); /* sometimes is not anything */
}

static void test_record_for_another_label_does_not_apply(void)
{
	records("shutrd.data_dropped\n  on: freebsd-*\n  kind: divergence\n  why: w\n  source: s\n");
	result(inet_fails, 1);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_FAIL);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
}

static void test_record_whose_got_differs_is_fail(void)
{
	records(record_inet_got_5);
	result(HEAD FAILED(1, "inet", "7") "ok 2 - inet6\nok 3 - unix\n", 1);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_DIVERGES_OTHERWISE);
	CU_ASSERT_PTR_EQUAL(r.record[0], &d.items[0]);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
}

static void test_record_with_got_and_point_without_got_is_fail(void)
{
	records(record_inet_got_5);
	result(HEAD "not ok 1 - inet\nok 2 - inet6\nok 3 - unix\n", 1);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_DIVERGES_OTHERWISE);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
}

static void test_record_without_got_matches_any_failure(void)
{
	records("shutrd.data_dropped\n  on: linux-*\n  kind: divergence\n  why: w\n  source: s\n");
	result(HEAD FAILED(1, "inet", "7") FAILED(2, "inet6", "9") "ok 3 - unix\n", 1);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_DIVERGES);
	ASSERT_INT_EQ(r.fv[1], FV_DIVERGES);
	ASSERT_INT_EQ(r.fv[2], FV_NO_LONGER_DIVERGES); /* the record holds for unix too */
	ASSERT_INT_EQ(r.verdict, CV_TODO);
}

static void test_recorded_family_that_conforms_no_longer_diverges(void)
{
	records(record_inet_got_5);
	result(all_ok, 0);
	apply();
	ASSERT_INT_EQ(r.broken, 0);
	ASSERT_INT_EQ(r.fv[0], FV_NO_LONGER_DIVERGES);
	CU_ASSERT_PTR_EQUAL(r.record[0], &d.items[0]);
	ASSERT_INT_EQ(r.fv[1], FV_PASS);
	ASSERT_INT_EQ(r.verdict, CV_TODO_PASSED);
}

static void test_unrecorded_failure_outweighs_a_recorded_one(void)
{
	records(record_inet_got_5);
	result(HEAD FAILED(1, "inet", "5") FAILED(2, "inet6", "5") "ok 3 - unix\n", 1);
	apply();
	ASSERT_INT_EQ(r.fv[0], FV_DIVERGES);
	ASSERT_INT_EQ(r.fv[1], FV_FAIL);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
}

static void test_crash_by_signal_is_fail_naming_it(void)
{
	records(record_inet_got_5);
	result(inet_fails, 0);
	r.exit.signo = SIGSEGV;
	apply();
	ASSERT_INT_EQ(r.broken, 1);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
	ASSERT_CONTAINS(r.error, "SIGSEGV");
	ASSERT_CONTAINS(r.error, "11");
}

static void test_timeout_is_fail_as_hang(void)
{
	records("");
	result(all_ok, 0);
	r.timed_out = 1;
	apply();
	ASSERT_INT_EQ(r.broken, 1);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
	ASSERT_CONTAINS(r.error, "hang");
	ASSERT_CONTAINS(r.error, "10.0 s");
}

static void test_exit_zero_with_failed_point_is_broken(void)
{
	records(record_inet_got_5);
	result(inet_fails, 0);
	apply();
	ASSERT_INT_EQ(r.broken, 1);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
	ASSERT_CONTAINS(r.error, "exit status 0");
}

static void test_exit_one_with_all_points_ok_is_broken(void)
{
	records("");
	result(all_ok, 1);
	apply();
	ASSERT_INT_EQ(r.broken, 1);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
	ASSERT_CONTAINS(r.error, "exit status 1");
}

static void test_id_mismatch_is_broken(void)
{
	records("");
	result("# id: fin.recv_zero\n1..1\nok 1 - inet\n", 0);
	apply();
	ASSERT_INT_EQ(r.broken, 1);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
	ASSERT_CONTAINS(r.error, "fin.recv_zero");
}

static void test_unparseable_output_is_broken(void)
{
	records(record_inet_got_5);
	case_result_free(&r); /* the texts an earlier test parsed */
	memset(&r, 0, sizeof r);
	r.entry = &entry;
	r.exit.code = 1;
	r.tap_ok = case_tap_parse("garbage\n", 8, &r.tap) == 0;
	apply();
	ASSERT_INT_EQ(r.broken, 1);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
	ASSERT_CONTAINS(r.error, "unparseable output");
	ASSERT_CONTAINS(r.error, "garbage");
}

static void test_start_failure_keeps_its_message(void)
{
	records("");
	case_result_free(&r); /* the texts an earlier test parsed */
	memset(&r, 0, sizeof r);
	r.entry = &entry;
	r.start_failed = 1;
	strcpy(r.error, "cannot start: Permission denied");
	apply();
	ASSERT_INT_EQ(r.broken, 1);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
	ASSERT_STR_EQ(r.error, "cannot start: Permission denied");
}

static void test_signal_names(void)
{
	ASSERT_STR_EQ(signal_name(SIGSEGV), "SIGSEGV");
	ASSERT_STR_EQ(signal_name(SIGPIPE), "SIGPIPE");
	ASSERT_STR_EQ(signal_name(SIGKILL), "SIGKILL");
	ASSERT_STR_EQ(signal_name(SIGABRT), "SIGABRT");
	ASSERT_STR_EQ(signal_name(SIGUSR1), "signal");
}

static void test_summary_tells_verdicts_apart(void)
{
	char a[512], b[512];

	records(record_inet_got_5);
	result(inet_fails, 1);
	apply();
	verdict_summary(&r, a, sizeof a);
	ASSERT_CONTAINS(a, "inet=diverges:5");
	ASSERT_CONTAINS(a, "inet6=pass");
	result(HEAD FAILED(1, "inet", "7") "ok 2 - inet6\nok 3 - unix\n", 1);
	apply();
	verdict_summary(&r, b, sizeof b);
	CU_ASSERT(strcmp(a, b) != 0);
	records(records_documented_inet_divergent_unix);
	result(inet_fails, 1);
	apply();
	verdict_summary(&r, b, sizeof b);
	ASSERT_CONTAINS(b, "inet=diverges(documented):5");
}

static int cleanup(void)
{
	divergences_free(&d);
	return 0;
}

/* Once reported, a result keeps what --repeat and --times read, not its texts (issue 14). */
static void test_a_released_result_keeps_its_verdicts_and_summary(void)
{
	char before[2048], after[2048];

	CU_ASSERT(sizeof(struct case_result) <= 8192);
	records(record_inet_got_5);
	result(inet_fails, 1);
	apply();
	verdict_summary(&r, before, sizeof before);
	ASSERT_CONTAINS(before, "inet=diverges:5");
	case_result_release(&r);
	CU_ASSERT_PTR_NULL(r.tap.text);
	CU_ASSERT_PTR_NULL(point_diag(&r.tap.points[0], "got"));
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_INT_EQ(r.fv[0], FV_DIVERGES);
	verdict_summary(&r, after, sizeof after);
	ASSERT_STR_EQ(after, before);
	case_result_free(&r);
	CU_ASSERT_PTR_NULL(r.summary);
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_all_points_ok_is_pass),
	UNIT_TEST(test_all_points_skipped_is_skip),
	UNIT_TEST(test_case_with_no_points_does_not_pass),
	UNIT_TEST(test_failed_family_without_record_is_fail),
	UNIT_TEST(test_failed_family_with_matching_record_is_todo),
	UNIT_TEST(test_documented_records_make_a_documented_todo),
	UNIT_TEST(test_one_divergence_makes_the_todo_a_divergence),
	UNIT_TEST(test_documented_record_that_no_longer_holds),
	UNIT_TEST(test_record_for_another_label_does_not_apply),
	UNIT_TEST(test_record_whose_got_differs_is_fail),
	UNIT_TEST(test_record_with_got_and_point_without_got_is_fail),
	UNIT_TEST(test_record_without_got_matches_any_failure),
	UNIT_TEST(test_recorded_family_that_conforms_no_longer_diverges),
	UNIT_TEST(test_unrecorded_failure_outweighs_a_recorded_one),
	UNIT_TEST(test_crash_by_signal_is_fail_naming_it),
	UNIT_TEST(test_timeout_is_fail_as_hang),
	UNIT_TEST(test_exit_zero_with_failed_point_is_broken),
	UNIT_TEST(test_exit_one_with_all_points_ok_is_broken),
	UNIT_TEST(test_id_mismatch_is_broken),
	UNIT_TEST(test_unparseable_output_is_broken),
	UNIT_TEST(test_start_failure_keeps_its_message),
	UNIT_TEST(test_record_of_what_happens_sometimes),
	UNIT_TEST(test_signal_names),
	UNIT_TEST(test_summary_tells_verdicts_apart),
	UNIT_TEST(test_a_released_result_keeps_its_verdicts_and_summary),
};

void register_verdict_tests(void)
{
	ADD_SUITE_WITH_CLEANUP("verdict_apply", cleanup, tests);
}
