/* test_report.c: the run's TAP for one case (runner/report.c report_case). */
#include "report.h"
#include "suites.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL "linux-6.18.44-native"
#define CASE_ID "shutrd.data_dropped"

static struct case_entry entry = {.id = CASE_ID, .path = "cases/" CASE_ID, .executable = 1};
static struct case_result r;
static struct divergences d;
static char *text; /* what report_case wrote */

#define HEAD "# id: " CASE_ID "\n# claim: data after SHUT_RD is dropped\n" \
	     "# cite: RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293>\n1..3\n"
#define FAILED(n, fam, got) \
	"not ok " #n " - " fam "\n  ---\n  message: \"read \\\"data\\\"\"\n  got: \"" got "\"\n  ...\n"

static const char record_inet_got_5[] = "shutrd.data_dropped\n"
					"  on: linux-*\n"
					"  family: inet\n"
					"  got: 5\n"
					"  why: Linux keeps it\n"
					"  source: https://example.org/tcp.c\n";

/* Judge a case's output against the records, and report it as point 1. */
static void report_of(const char *records, const char *out, int code)
{
	char err[256] = "";
	size_t size = 0;
	FILE *f;

	divergences_free(&d);
	ASSERT_INT_EQ(divergences_parse(&d, records, "linux.txt", err, sizeof err), 0);
	memset(&r, 0, sizeof r);
	r.entry = &entry;
	r.exit.code = code;
	r.ms = 12.5;
	r.tap_ok = case_tap_parse(out, strlen(out), &r.tap) == 0;
	verdict_apply(&r, &d, LABEL, 10000);

	free(text);
	text = NULL;
	f = open_memstream(&text, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	report_case(f, 1, &r);
	fclose(f);
}

/* The report has this whole line. */
static int has_line(const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

static void assert_line(int want, const char *line, unsigned lineno)
{
	char msg[600];
	int found = has_line(line);

	snprintf(msg, sizeof msg, "report %s the line: %.500s", want ? "has" : "does not have", line);
	CU_assertImplementation(found == want ? CU_TRUE : CU_FALSE, lineno, msg, __FILE__, "",
				CU_FALSE);
	if (found != want)
		fprintf(stderr, "\n--- report was:\n%s---\n", text ? text : "");
}
#define ASSERT_LINE(line) assert_line(1, (line), __LINE__)
#define ASSERT_NO_LINE(line) assert_line(0, (line), __LINE__)

/*
 * Every line of the run's TAP is a point, a comment, or indented (a subtest
 * or YAML): nothing a case printed may start a line of its own.
 */
static void assert_tap_lines(unsigned line)
{
	const char *p = text;
	int ok = p != NULL;

	while (ok && *p) {
		const char *eol = strchr(p, '\n');

		ok = eol && (strncmp(p, "  ", 2) == 0 || strncmp(p, "# ", 2) == 0 ||
			     strncmp(p, "ok ", 3) == 0 || strncmp(p, "not ok ", 7) == 0);
		p = eol ? eol + 1 : p;
	}
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line,
				"every line of the report is a point, a comment or indented", __FILE__,
				"", CU_FALSE);
	if (!ok)
		fprintf(stderr, "\n--- report was:\n%s---\n", text ? text : "");
}
#define ASSERT_TAP_LINES() assert_tap_lines(__LINE__)

static void test_todo_family_line_says_what_it_got(void)
{
	report_of(record_inet_got_5, HEAD FAILED(1, "inet", "5") "ok 2 - inet6\nok 3 - unix\n", 1);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_TAP_LINES();
	ASSERT_LINE("# Subtest: " CASE_ID);
	ASSERT_LINE("    1..3");
	ASSERT_LINE("    not ok 1 - inet # TODO diverges as recorded: got 5");
	ASSERT_LINE("    ok 2 - inet6");
	ASSERT_LINE("    ok 3 - unix");
}

static void test_todo_family_keeps_diagnostics_and_record(void)
{
	report_of(record_inet_got_5, HEAD FAILED(1, "inet", "5") "ok 2 - inet6\nok 3 - unix\n", 1);
	ASSERT_LINE("      ---");
	ASSERT_LINE("      message: \"read \\\"data\\\"\"");
	ASSERT_LINE("      got: \"5\"");
	ASSERT_LINE("      divergence: \"Linux keeps it\"");
	ASSERT_LINE("      source: \"https://example.org/tcp.c\"");
	ASSERT_LINE("      recorded: \"linux.txt:1\"");
	ASSERT_LINE("      ...");
}

/*
 * TAP: "not ok # TODO" is an expected failure, "ok # TODO" an unexpected
 * success (prove counts it under "TODO passed").  A case that still
 * diverges as recorded is the former.
 */
static void test_todo_case_line_is_not_ok_with_todo(void)
{
	report_of(record_inet_got_5, HEAD FAILED(1, "inet", "5") "ok 2 - inet6\nok 3 - unix\n", 1);
	ASSERT_LINE("not ok 1 - " CASE_ID " # TODO diverges as recorded");
}

static void test_todo_case_yaml_has_claim_cites_and_exit(void)
{
	report_of(record_inet_got_5, HEAD FAILED(1, "inet", "5") "ok 2 - inet6\nok 3 - unix\n", 1);
	ASSERT_LINE("  ---");
	ASSERT_LINE("  claim: \"data after SHUT_RD is dropped\"");
	ASSERT_LINE("  cites:");
	ASSERT_LINE("    - \"RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293>\"");
	ASSERT_LINE("  exit: \"1\"");
	ASSERT_LINE("  duration_ms: \"12.5\"");
	ASSERT_LINE("  ...");
	ASSERT_NOT_CONTAINS(text, "message: \"exit"); /* not broken: no message */
}

static void test_no_longer_diverging_case_is_ok_with_todo(void)
{
	report_of(record_inet_got_5, HEAD "ok 1 - inet\nok 2 - inet6\nok 3 - unix\n", 0);
	ASSERT_INT_EQ(r.verdict, CV_TODO_PASSED);
	ASSERT_TAP_LINES();
	ASSERT_LINE("    ok 1 - inet # TODO recorded divergence no longer diverges");
	ASSERT_LINE("      divergence: \"Linux keeps it\"");
	ASSERT_LINE("ok 1 - " CASE_ID " # TODO recorded divergence no longer diverges");
}

static void test_diverging_otherwise_fails_and_says_what_was_recorded(void)
{
	report_of(record_inet_got_5, HEAD FAILED(1, "inet", "7") "ok 2 - inet6\nok 3 - unix\n", 1);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
	ASSERT_TAP_LINES();
	ASSERT_LINE("    not ok 1 - inet");
	ASSERT_LINE("      got: \"7\"");
	ASSERT_LINE("      verdict: \"diverges, but not as recorded: the record says got 5\"");
	ASSERT_LINE("not ok 1 - " CASE_ID);
	ASSERT_NOT_CONTAINS(text, "TODO");
}

static void test_passing_case_is_one_ok_line_without_yaml(void)
{
	report_of("", HEAD "ok 1 - inet\nok 2 - inet6\nok 3 - unix\n", 0);
	ASSERT_INT_EQ(r.verdict, CV_PASS);
	ASSERT_TAP_LINES();
	ASSERT_LINE("ok 1 - " CASE_ID);
	ASSERT_NOT_CONTAINS(text, "  ---");
	ASSERT_NOT_CONTAINS(text, "TODO");
}

static void test_crashed_case_reports_message_and_signal(void)
{
	char err[256] = "";
	size_t size = 0;
	FILE *f;

	divergences_free(&d);
	ASSERT_INT_EQ(divergences_parse(&d, "", "linux.txt", err, sizeof err), 0);
	memset(&r, 0, sizeof r);
	r.entry = &entry;
	r.exit.signo = SIGSEGV;
	strcpy(r.stderr_tail, "boom\n");
	r.tap_ok = case_tap_parse(HEAD "ok 1 - inet\n", strlen(HEAD "ok 1 - inet\n"), &r.tap) == 0;
	verdict_apply(&r, &d, LABEL, 10000);
	free(text);
	text = NULL;
	f = open_memstream(&text, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	report_case(f, 4, &r);
	fclose(f);
	ASSERT_TAP_LINES();
	ASSERT_LINE("not ok 4 - " CASE_ID);
	ASSERT_CONTAINS(text, "  message: \"crashed: killed by SIGSEGV (11)");
	ASSERT_LINE("  signal: \"SIGSEGV (11)\"");
	ASSERT_LINE("  stderr: \"boom\\n\"");
	ASSERT_NOT_CONTAINS(text, "  exit:");
	/* what it printed before the crash is shown as printed */
	ASSERT_LINE("    ok 1 - inet");
}

/* A value the case printed ends up in a TODO line: it must not break the stream. */
static void test_todo_line_with_multiline_got_stays_one_line(void)
{
	report_of("shutrd.data_dropped\n  on: linux-*\n  why: w\n  source: s\n",
		  HEAD FAILED(1, "inet", "5\\nnot ok 99 - injected") "ok 2 - inet6\nok 3 - unix\n", 1);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_STR_EQ(point_diag(&r.tap.points[0], "got"), "5\nnot ok 99 - injected");
	ASSERT_TAP_LINES();
	ASSERT_NO_LINE("not ok 99 - injected");
}

static int cleanup(void)
{
	divergences_free(&d);
	free(text);
	text = NULL;
	return 0;
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_todo_family_line_says_what_it_got),
	UNIT_TEST(test_todo_family_keeps_diagnostics_and_record),
	UNIT_TEST(test_todo_case_line_is_not_ok_with_todo),
	UNIT_TEST(test_todo_case_yaml_has_claim_cites_and_exit),
	UNIT_TEST(test_no_longer_diverging_case_is_ok_with_todo),
	UNIT_TEST(test_diverging_otherwise_fails_and_says_what_was_recorded),
	UNIT_TEST(test_passing_case_is_one_ok_line_without_yaml),
	UNIT_TEST(test_crashed_case_reports_message_and_signal),
	UNIT_TEST(test_todo_line_with_multiline_got_stays_one_line),
};

void register_report_tests(void)
{
	ADD_SUITE_WITH_CLEANUP("report_case", cleanup, tests);
}
