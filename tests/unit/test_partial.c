/*
 * test_partial.c: a family that ran its socket checks with its wire part
 * skipped ("partial: ..." in its YAML) says so everywhere a result is
 * shown: the run's TAP (report.c), read back (run_tap.c), the matrix cell
 * (matrix.c), JUnit (junit.c) and the closing summary (summary.c).
 */
#include "junit.h"
#include "matrix.h"
#include "report.h"
#include "run_tap.h"
#include "summary.h"
#include "suites.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL "linux-6.18.44-native"
#define CASE_ID "rst.data_after_close"
#define WHY "packet capture is not permitted here (needs CAP_NET_RAW)"

static struct case_entry entry = {.id = CASE_ID, .path = "cases/" CASE_ID, .executable = 1};
static struct divergences d;
static struct case_result r;
static char *text; /* what the code under test wrote */

#define HEAD "# id: " CASE_ID "\n# claim: late data is answered with an RST\n1..3\n"
#define PARTIAL(n, fam)                                                             \
	"ok " #n " - " fam "\n  ---\n  partial: \"wire checks skipped: " WHY "\"\n" \
	"  unchecked: \"an RST segment from peer\"\n  outcome: \"-1 EPIPE\"\n  ...\n"
#define UNIX_SKIP "ok 3 - unix # SKIP nothing arrives after an AF_UNIX close\n"

/* Judge a case's output against the records, as the runner does. */
static void judge(const char *records, const char *out)
{
	char err[256] = "";

	divergences_free(&d);
	ASSERT_INT_EQ(divergences_parse(&d, records, "linux.txt", err, sizeof err), 0);
	case_result_free(&r); /* the texts an earlier test parsed */
	memset(&r, 0, sizeof r);
	r.entry = &entry;
	r.ms = 6;
	r.tap_ok = case_tap_parse(out, strlen(out), &r.tap) == 0;
	CU_ASSERT_TRUE(r.tap_ok);
	verdict_apply(&r, &d, LABEL, 10000);
}

static FILE *start_text(void)
{
	static size_t size;
	FILE *f;

	free(text);
	text = NULL;
	f = open_memstream(&text, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	return f;
}

/* The run's TAP of the judged case, as a whole run file. */
static void report_run(void)
{
	FILE *f = start_text();

	fprintf(f, "TAP version 13\n1..1\n# label: " LABEL "\n");
	report_case(f, 1, &r);
	fclose(f);
}

static void test_ok_point_keeps_its_partial_yaml_in_the_run_tap(void)
{
	judge("", HEAD PARTIAL(1, "inet") PARTIAL(2, "inet6") UNIX_SKIP);
	ASSERT_INT_EQ(r.verdict, CV_PASS);
	report_run();
	/* YAML after an ok point is TAP 13: prove, tappy and tap-parser read it */
	ASSERT_CONTAINS(text, "    ok 1 - inet\n"
			      "      ---\n"
			      "      partial: \"wire checks skipped: " WHY "\"\n"
			      "      unchecked: \"an RST segment from peer\"\n"
			      "      outcome: \"-1 EPIPE\"\n"
			      "      ...\n"
			      "    ok 2 - inet6\n");
	ASSERT_CONTAINS(text, "\nok 1 - " CASE_ID "\n");
}

static void test_plain_ok_point_stays_one_line(void)
{
	judge("", HEAD "ok 1 - inet\n  ---\n  outcome: \"-1 EPIPE\"\n  ...\n" PARTIAL(2, "inet6") UNIX_SKIP);
	report_run();
	ASSERT_CONTAINS(text, "    ok 1 - inet\n    ok 2 - inet6\n      ---\n");
	ASSERT_NOT_CONTAINS(text, "      outcome: \"-1 EPIPE\"\n      ...\n    ok 2");
}

static void test_record_no_longer_holding_keeps_the_partial_note(void)
{
	judge(CASE_ID "\n  on: linux-*\n  family: inet\n  kind: divergence\n  got: -1 ECONNRESET\n"
		      "  why: w\n  source: https://example.org/tcp.c\n",
	      HEAD PARTIAL(1, "inet") PARTIAL(2, "inet6") UNIX_SKIP);
	report_run();
	ASSERT_CONTAINS(text, "    ok 1 - inet # TODO recorded divergence no longer diverges\n"
			      "      ---\n"
			      "      partial: \"wire checks skipped: " WHY "\"\n");
}

static void test_matrix_cell_names_the_families_and_why(void)
{
	struct run_tap run;
	char err[512] = "", cell[1024];

	judge("", HEAD PARTIAL(1, "inet") PARTIAL(2, "inet6") UNIX_SKIP);
	report_run();
	memset(&run, 0, sizeof run);
	ASSERT_INT_EQ(run_tap_parse(&run, text, strlen(text), LABEL ".tap", err, sizeof err), 0);
	ASSERT_STR_EQ(err, "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(run_tap_find(&run, CASE_ID));
	ASSERT_STR_EQ(run_yaml_get(&run_tap_find(&run, CASE_ID)->families[0].diag, "partial"),
		      "wire checks skipped: " WHY);
	matrix_cell_text(run_tap_find(&run, CASE_ID), cell, sizeof cell);
	ASSERT_STR_EQ(cell, "conforms (inet, inet6: wire checks skipped: " WHY "; unix: skipped)");
	ASSERT_INT_EQ(matrix_cell_status(run_tap_find(&run, CASE_ID)), CELL_CONFORMS);
	run_tap_free(&run);
}

static void test_junit_passed_testcase_says_what_was_skipped(void)
{
	struct identity id;
	struct junit j;
	FILE *f;

	judge("", HEAD PARTIAL(1, "inet") "ok 2 - inet6\n" UNIX_SKIP);
	memset(&id, 0, sizeof id);
	snprintf(id.label, sizeof id.label, LABEL);
	snprintf(id.date, sizeof id.date, "2026-11-22T03:00:00Z");
	junit_init(&j, &id);
	junit_case(&j, &r);
	f = start_text();
	ASSERT_INT_EQ(junit_write(&j, f), 0);
	fclose(f);
	junit_free(&j);
	/* a pass, not a skip: the family ran and its socket checks held */
	ASSERT_CONTAINS(text, "skipped=\"1\""); /* unix only */
	ASSERT_CONTAINS(text, "<testcase classname=\"" CASE_ID "\" name=\"inet\" time=\"0.002\">\n"
			      "      <system-out>conforms on its socket checks alone\n"
			      "partial: wire checks skipped: " WHY "\n"
			      "unchecked: an RST segment from peer\n");
	ASSERT_CONTAINS(text, "<testcase classname=\"" CASE_ID "\" name=\"inet6\" time=\"0.002\"/>\n");
}

static void test_summary_counts_partial_points_by_reason(void)
{
	struct summary s;
	struct tally t;
	FILE *f;

	memset(&s, 0, sizeof s);
	memset(&t, 0, sizeof t);
	judge("", HEAD PARTIAL(1, "inet") PARTIAL(2, "inet6") UNIX_SKIP);
	summary_note(&s, &r);
	report_count(&t, &r);
	judge("", HEAD "ok 1 - inet # SKIP " WHY "\nok 2 - inet6 # SKIP " WHY "\n" UNIX_SKIP);
	summary_note(&s, &r);
	report_count(&t, &r);
	f = start_text();
	summary_print(f, &s, &t, 1500, -1, NULL);
	fclose(f);
	ASSERT_CONTAINS(text, "sockconf: skipped 2 inet/inet6 points: " WHY "\n");
	ASSERT_CONTAINS(text, "sockconf: 2 points ran in part: wire checks skipped: " WHY "\n");
	ASSERT_CONTAINS(text, "sockconf: 2 unix points skipped");
}

static int free_all(void)
{
	divergences_free(&d);
	free(text);
	text = NULL;
	return 0;
}

void register_partial_tests(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_ok_point_keeps_its_partial_yaml_in_the_run_tap),
		UNIT_TEST(test_plain_ok_point_stays_one_line),
		UNIT_TEST(test_record_no_longer_holding_keeps_the_partial_note),
		UNIT_TEST(test_matrix_cell_names_the_families_and_why),
		UNIT_TEST(test_junit_passed_testcase_says_what_was_skipped),
		UNIT_TEST(test_summary_counts_partial_points_by_reason),
	};
	ADD_SUITE_WITH_CLEANUP("partial: wire checks skipped", free_all, tests);
}
