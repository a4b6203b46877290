/* test_junit.c: the run as JUnit XML (runner/junit.c) and the atomic file it is written with. */
#include "atomic_file.h"
#include "junit.h"
#include "suites.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LABEL "linux-6.18.44-native"
#define CASE_ID "shutrd.data_dropped"

static struct case_entry entry = {.id = CASE_ID, .path = "cases/" CASE_ID, .executable = 1};
static struct divergences d;
static struct identity id;
static struct junit j;
static char *text; /* what junit_write wrote */

#define HEAD "# id: " CASE_ID "\n# claim: data after SHUT_RD is <dropped> & \"gone\"\n" \
	     "# cite: RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293>\n1..3\n"
#define FAILED(n, fam, got) \
	"not ok " #n " - " fam "\n  ---\n  check: \"recv(c.local, buf, sizeof buf, 0) == 0\"\n" \
	"  syscall: \"recv\"\n  expected: \"== 0\"\n  got: \"" got "\"\n  errno: \"0\"\n"  \
	"  at: \"" CASE_ID ".c:27\"\n  ...\n"
#define OK_REST "ok 2 - inet6\nok 3 - unix\n"

static const char record_inet_got_5[] = "shutrd.data_dropped\n"
					"  on: linux-*\n"
					"  family: inet\n"
					"  kind: divergence\n"
					"  got: 5\n"
					"  why: Linux keeps it\n"
					"  source: https://example.org/tcp.c\n";

static const char documented_inet_got_5[] =
	"shutrd.data_dropped\n"
	"  on: linux-*\n"
	"  family: inet\n"
	"  kind: documented\n"
	"  got: 5\n"
	"  why: shutdown(2) says so\n"
	"  source: https://man7.org/linux/man-pages/man2/shutdown.2.html\n";

/* ---- escaping -------------------------------------------------------------------------- */

static char *escaped(const char *s, int attribute)
{
	static struct text t;

	free(t.s);
	memset(&t, 0, sizeof t);
	xml_escape(&t, s, attribute);
	return t.s ? t.s : (char *)"";
}

static void test_markup_characters_become_references(void)
{
	ASSERT_STR_EQ(escaped("a<b>&c\"d'e", 1), "a&lt;b&gt;&amp;c&quot;d'e");
	ASSERT_STR_EQ(escaped("a<b>&c\"d'e", 0), "a&lt;b&gt;&amp;c\"d'e");
	ASSERT_STR_EQ(escaped("]]>", 0), "]]&gt;"); /* never in character data */
	ASSERT_STR_EQ(escaped("&amp;", 0), "&amp;amp;");
}

/* In an attribute a parser makes tab and newline spaces; a raw CR becomes LF anywhere. */
static void test_whitespace_survives_parsing(void)
{
	ASSERT_STR_EQ(escaped("a\tb\nc\rd", 1), "a&#9;b&#10;c&#13;d");
	ASSERT_STR_EQ(escaped("a\tb\nc\rd", 0), "a\tb\nc&#13;d");
}

/* XML 1.0 allows no other C0 control character, not even as &#1;. */
static void test_control_characters_become_visible_stand_ins(void)
{
	ASSERT_STR_EQ(escaped("a\x01z", 0), "a\xE2\x90\x81z");     /* U+2401 */
	ASSERT_STR_EQ(escaped("\x1b[31m", 1), "\xE2\x90\x9B[31m"); /* U+241B */
	ASSERT_STR_EQ(escaped("\x1f\x7f", 0), "\xE2\x90\x9F\x7F"); /* DEL is allowed */
}

static void test_utf8_is_kept_and_what_is_not_utf8_replaced(void)
{
	ASSERT_STR_EQ(escaped("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 0),
		      "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	ASSERT_STR_EQ(escaped("a\xFFz", 0), "a\xEF\xBF\xBDz");
	ASSERT_STR_EQ(escaped("\xC0\xAF", 0), "\xEF\xBF\xBD\xEF\xBF\xBD");     /* overlong '/' */
	ASSERT_STR_EQ(escaped("\xED\xA0\x80", 0), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* surrogate */
	ASSERT_STR_EQ(escaped("\xF4\x90\x80\x80", 0),
		      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* past U+10FFFF */
	ASSERT_STR_EQ(escaped("x\xE2\x82", 0), "x\xEF\xBF\xBD\xEF\xBF\xBD");  /* cut short */
	ASSERT_STR_EQ(escaped("\xE2\x82<", 1), "\xEF\xBF\xBD\xEF\xBF\xBD&lt;");
	ASSERT_STR_EQ(escaped("\xEF\xBF\xBE\xEF\xBF\xBF", 0), "\xEF\xBF\xBD\xEF\xBF\xBD"); /* U+FFFE, U+FFFF */
}

/* ---- the report -------------------------------------------------------------------------- */

static void start_report(const char *records)
{
	char err[256] = "";

	divergences_free(&d);
	ASSERT_INT_EQ(divergences_parse(&d, records, "linux.txt", err, sizeof err), 0);
	memset(&id, 0, sizeof id);
	snprintf(id.label, sizeof id.label, LABEL);
	snprintf(id.target, sizeof id.target, "native");
	snprintf(id.os, sizeof id.os, "Linux");
	snprintf(id.date, sizeof id.date, "2026-11-22T03:00:00Z");
	junit_free(&j);
	junit_init(&j, &id);
}

/* Judge a case's output against the records and add it to the report. */
static void add_case(const char *out, int code, double ms)
{
	struct case_result *r = calloc(1, sizeof *r);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	r->entry = &entry;
	r->exit.code = code;
	r->ms = ms;
	r->tap_ok = case_tap_parse(out, strlen(out), &r->tap) == 0;
	verdict_apply(r, &d, LABEL, 10000);
	junit_case(&j, r);
	case_result_free(r);
	free(r);
}

static void write_report(void)
{
	size_t size = 0;
	FILE *f;

	free(text);
	text = NULL;
	f = open_memstream(&text, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	ASSERT_INT_EQ(junit_write(&j, f), 0);
	fclose(f);
}

static unsigned occurrences(const char *needle)
{
	unsigned n = 0;

	for (const char *p = text; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_passing_case_is_three_empty_testcases(void)
{
	start_report("");
	add_case(HEAD "ok 1 - inet\n" OK_REST, 0, 30);
	write_report();
	ASSERT_CONTAINS(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" LABEL
			      "\" tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.030\">\n");
	ASSERT_CONTAINS(text, "  <testsuite name=\"" LABEL "\" tests=\"3\" failures=\"0\" errors=\"0\" "
			      "skipped=\"0\" time=\"0.030\" timestamp=\"2026-11-22T03:00:00Z\">\n");
	ASSERT_CONTAINS(text, "<property name=\"target\" value=\"native\"/>");
	/* the case's 30 ms, shared by its three families */
	ASSERT_CONTAINS(text, "    <testcase classname=\"" CASE_ID "\" name=\"inet\" time=\"0.010\"/>\n"
			      "    <testcase classname=\"" CASE_ID "\" name=\"inet6\" time=\"0.010\"/>\n"
			      "    <testcase classname=\"" CASE_ID "\" name=\"unix\" time=\"0.010\"/>\n");
	ASSERT_CONTAINS(text, "  </testsuite>\n</testsuites>\n");
}

static void test_failure_has_a_one_line_message_and_the_diagnostics(void)
{
	start_report("");
	add_case(HEAD FAILED(1, "inet", "5\\nmore") OK_REST, 1, 3);
	write_report();
	ASSERT_CONTAINS(text, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"0\"");
	ASSERT_CONTAINS(text, "<failure type=\"does not conform\" "
			      "message=\"recv(c.local, buf, sizeof buf, 0) == 0: got 5 more\">");
	ASSERT_CONTAINS(text, "claim: data after SHUT_RD is &lt;dropped&gt; &amp; \"gone\"\n");
	ASSERT_CONTAINS(text, "check: recv(c.local, buf, sizeof buf, 0) == 0\n");
	ASSERT_CONTAINS(text, "syscall: recv\n");
	ASSERT_CONTAINS(text, "expected: == 0\n");
	ASSERT_CONTAINS(text, "got: 5\n  more\n"); /* a value's later lines indented */
	ASSERT_CONTAINS(text, "errno: 0\n");
	ASSERT_CONTAINS(text, "at: " CASE_ID ".c:27\n");
	ASSERT_CONTAINS(text, "cite: RFC 9293 &lt;https://www.rfc-editor.org/rfc/rfc9293&gt;\n</failure>");
	ASSERT_INT_EQ(occurrences("<failure"), 1);
}

/* check_fails(recv(...), ECONNRESET) prints the call as the check: the message adds what it expected. */
static void test_failure_message_says_what_was_expected_when_the_check_does_not(void)
{
	start_report("");
	add_case(HEAD "not ok 1 - inet\n  ---\n  check: \"recv(c.local, buf, 1, 0)\"\n"
		      "  expected: \"-1 ECONNRESET\"\n  got: \"16\"\n  ...\n" OK_REST, 1, 3);
	write_report();
	ASSERT_CONTAINS(text, " message=\"recv(c.local, buf, 1, 0): expected -1 ECONNRESET, got 16\">");
}

static void test_divergence_is_not_a_failure(void)
{
	start_report(record_inet_got_5);
	add_case(HEAD FAILED(1, "inet", "5") OK_REST, 1, 3);
	write_report();
	ASSERT_CONTAINS(text, "<testsuites name=\"" LABEL "\" tests=\"3\" failures=\"0\" errors=\"0\" "
			      "skipped=\"0\"");
	ASSERT_NOT_CONTAINS(text, "<failure");
	ASSERT_NOT_CONTAINS(text, "<skipped");
	ASSERT_CONTAINS(text, "name=\"inet\" time=\"0.001\">\n"
			      "      <system-out>diverges as recorded: got 5\n"
			      "kind: divergence\n"
			      "why: Linux keeps it\n"
			      "source: https://example.org/tcp.c\n"
			      "recorded: linux.txt:1\n");
	ASSERT_CONTAINS(text, "check: recv(c.local, buf, sizeof buf, 0) == 0\n");
	ASSERT_CONTAINS(text, "</system-out>\n    </testcase>\n");
}

static void test_divergence_not_as_recorded_is_a_failure(void)
{
	start_report(record_inet_got_5);
	add_case(HEAD FAILED(1, "inet", "7") OK_REST, 1, 3);
	write_report();
	ASSERT_CONTAINS(text, "failures=\"1\"");
	ASSERT_CONTAINS(text, "<failure type=\"diverges, but not as recorded\" message=\"recv(c.local, "
			      "buf, sizeof buf, 0) == 0: got 7 (the record says got 5)\">");
	ASSERT_CONTAINS(text, "recorded got: 5\nkind: divergence\nwhy: Linux keeps it\n");
}

static void test_divergence_no_longer_diverging_passes_with_a_note(void)
{
	start_report(record_inet_got_5);
	add_case(HEAD "ok 1 - inet\n" OK_REST, 0, 3);
	write_report();
	ASSERT_CONTAINS(text, "tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"0\"");
	ASSERT_CONTAINS(text, "<system-out>recorded divergence no longer diverges: this family "
			      "conforms now\nkind: divergence\nwhy: Linux keeps it\n");
}

/* A documented record passes too; its text says whose word the outcome has. */
static void test_documented_record_passes_in_its_words(void)
{
	start_report(documented_inet_got_5);
	add_case(HEAD FAILED(1, "inet", "5") OK_REST, 1, 3);
	write_report();
	ASSERT_CONTAINS(text, "tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"0\"");
	ASSERT_CONTAINS(text, "name=\"inet\" time=\"0.001\">\n"
			      "      <system-out>conforms to its own documents: got 5\n"
			      "kind: documented\n"
			      "why: shutdown(2) says so\n"
			      "source: https://man7.org/linux/man-pages/man2/shutdown.2.html\n");
	ASSERT_NOT_CONTAINS(text, "diverge");

	start_report(documented_inet_got_5);
	add_case(HEAD "ok 1 - inet\n" OK_REST, 0, 3);
	write_report();
	ASSERT_CONTAINS(text, "<system-out>documented record no longer holds: this family conforms "
			      "now\nkind: documented\n");

	start_report(documented_inet_got_5);
	add_case(HEAD FAILED(1, "inet", "7") OK_REST, 1, 3);
	write_report();
	ASSERT_CONTAINS(text, "<failure type=\"differs, but not as its own documents say\" "
			      "message=\"recv(c.local, buf, sizeof buf, 0) == 0: got 7 (the record "
			      "says got 5)\">");
	ASSERT_CONTAINS(text, "verdict: differs, but not as its own documents say\n");
}

static void test_skip_is_skipped_with_its_reason(void)
{
	start_report("");
	add_case(HEAD "ok 1 - inet\nok 2 - inet6\nok 3 - unix # SKIP no <wire> for AF_UNIX\n", 0, 3);
	write_report();
	ASSERT_CONTAINS(text, "tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"1\"");
	ASSERT_CONTAINS(text, "name=\"unix\" time=\"0.001\">\n"
			      "      <skipped message=\"no &lt;wire&gt; for AF_UNIX\"/>\n    </testcase>\n");
}

/* What a crashed case printed is shown as printed; the crash is an error of its own. */
static void test_crash_is_an_error_named_for_the_case(void)
{
	struct case_result *r = calloc(1, sizeof *r);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	start_report("");
	r->entry = &entry;
	r->exit.signo = SIGSEGV;
	r->ms = 8;
	strcpy(r->stderr_tail, "boom <\x01>\n");
	r->tap_ok = case_tap_parse(HEAD "ok 1 - inet\n", strlen(HEAD "ok 1 - inet\n"), &r->tap) == 0;
	verdict_apply(r, &d, LABEL, 10000);
	junit_case(&j, r);
	case_result_free(r);
	free(r);
	write_report();
	ASSERT_CONTAINS(text, "tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.008\"");
	ASSERT_CONTAINS(text, "<testcase classname=\"" CASE_ID "\" name=\"inet\" time=\"0.004\"/>");
	ASSERT_CONTAINS(text, "<testcase classname=\"" CASE_ID "\" name=\"" CASE_ID "\" time=\"0.004\">\n"
			      "      <error type=\"crash\" message=\"crashed: killed by SIGSEGV (11)");
	ASSERT_CONTAINS(text, "signal: SIGSEGV (11)\n");
	ASSERT_CONTAINS(text, "stderr: boom &lt;\xE2\x90\x81&gt;\n");
	ASSERT_NOT_CONTAINS(text, "exit:");
}

/* A case that printed nothing the runner understands is one testcase, an error. */
static void test_garbage_output_is_one_error_testcase(void)
{
	start_report("");
	add_case("hello, \"world\"\n", 0, 2);
	write_report();
	ASSERT_CONTAINS(text, "tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.002\"");
	ASSERT_CONTAINS(text, "name=\"" CASE_ID "\" time=\"0.002\">\n      <error type=\"bad output\" "
			      "message=\"unparseable output: ");
	ASSERT_CONTAINS(text, "&quot;world&quot;");
	ASSERT_CONTAINS(text, "exit: 0\n");
}

/* The totals on <testsuites> add up every round's testsuite. */
static void test_counts_add_up_over_cases_and_rounds(void)
{
	start_report(record_inet_got_5);
	for (int round = 0; round < 2; round++) {
		junit_round(&j);
		add_case(HEAD "ok 1 - inet\n" OK_REST, 0, 3);                           /* 3 passed */
		add_case(HEAD FAILED(1, "inet", "5") OK_REST, 1, 3);                    /* divergence */
		add_case(HEAD FAILED(1, "inet", "9") OK_REST, 1, 3);                    /* 1 failure */
		add_case(HEAD "ok 1 - inet\nok 2 - inet6\nok 3 - unix # SKIP n/a\n", 0, 3); /* 1 skip */
		add_case("garbage\n", 0, 3);                                            /* 1 error */
	}
	write_report();
	ASSERT_CONTAINS(text, "<testsuites name=\"" LABEL "\" tests=\"26\" failures=\"2\" errors=\"2\" "
			      "skipped=\"2\" time=\"0.030\">");
	ASSERT_CONTAINS(text, "<testsuite name=\"" LABEL ", round 1\" tests=\"13\" failures=\"1\" "
			      "errors=\"1\" skipped=\"1\" time=\"0.015\"");
	ASSERT_CONTAINS(text, "<testsuite name=\"" LABEL ", round 2\" tests=\"13\" failures=\"1\" "
			      "errors=\"1\" skipped=\"1\" time=\"0.015\"");
	ASSERT_INT_EQ(occurrences("<testcase "), 26);
	ASSERT_INT_EQ(occurrences("<failure "), 2);
	ASSERT_INT_EQ(occurrences("<error "), 2);
	ASSERT_INT_EQ(occurrences("<skipped "), 2);
	ASSERT_INT_EQ(occurrences("<system-out>diverges as recorded"), 2);
}

/* ---- the file ------------------------------------------------------------------------------- */

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/sockconf-unit-junit.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void test_report_appears_only_when_finished(void)
{
	char path[128], tmp[160];

	make_dir();
	snprintf(path, sizeof path, "%s/reports/junit.xml", dir); /* its directory made for it */
	snprintf(tmp, sizeof tmp, "%s/reports/.junit.xml.tmp.%d", dir, (int)getpid());
	start_report("");
	junit_free(&j);
	ASSERT_INT_EQ(junit_open(&j, path, &id), 0);
	add_case(HEAD "ok 1 - inet\n" OK_REST, 0, 3);
	CU_ASSERT(exists(tmp));
	CU_ASSERT(!exists(path));
	ASSERT_INT_EQ(junit_finish(&j, 1), 0);
	CU_ASSERT(exists(path));
	CU_ASSERT(!exists(tmp));
	remove(path);
	snprintf(tmp, sizeof tmp, "%s/reports", dir);
	rmdir(tmp);
	rmdir(dir);
}

static void test_interrupted_run_leaves_the_old_report(void)
{
	char path[128], tmp[160], buf[16] = "";
	FILE *f;

	make_dir();
	snprintf(path, sizeof path, "%s/junit.xml", dir);
	snprintf(tmp, sizeof tmp, "%s/.junit.xml.tmp.%d", dir, (int)getpid());
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("old", f);
	fclose(f);
	start_report("");
	junit_free(&j);
	ASSERT_INT_EQ(junit_open(&j, path, &id), 0);
	add_case(HEAD "ok 1 - inet\n" OK_REST, 0, 3);
	ASSERT_INT_EQ(junit_finish(&j, 0), 0);
	CU_ASSERT(!exists(tmp));
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(fgets(buf, sizeof buf, f) != NULL);
	fclose(f);
	ASSERT_STR_EQ(buf, "old");
	remove(path);
	rmdir(dir);
}

static void test_atomic_file_names_and_refusals(void)
{
	struct atomic_file a;
	char path[1300];

	memset(path, 'x', sizeof path - 1);
	path[sizeof path - 1] = '\0';
	errno = 0;
	ASSERT_INT_EQ(atomic_file_open(&a, path), -1);
	ASSERT_INT_EQ(errno, ENAMETOOLONG);
	CU_ASSERT_PTR_NULL(a.f);
	ASSERT_INT_EQ(atomic_file_open(&a, "some/dir/"), -1); /* names no file */

	make_dir();
	snprintf(path, sizeof path, "%s/r.tap", dir);
	ASSERT_INT_EQ(atomic_file_open(&a, path), 0);
	snprintf(path, sizeof path, "%s/.r.tap.tmp.%d", dir, (int)getpid());
	ASSERT_STR_EQ(a.tmp, path);
	fputs("whole\n", a.f);
	ASSERT_INT_EQ(atomic_file_commit(&a), 0);
	CU_ASSERT_PTR_NULL(a.f);
	CU_ASSERT(!exists(a.tmp));
	CU_ASSERT(exists(a.path));
	remove(a.path);

	snprintf(path, sizeof path, "%s/no-such-dir/r.tap", dir);
	ASSERT_INT_EQ(atomic_file_open(&a, path), -1);
	ASSERT_INT_EQ(errno, ENOENT);
	rmdir(dir);
}

static int cleanup(void)
{
	junit_free(&j);
	divergences_free(&d);
	escaped("", 0);
	free(text);
	text = NULL;
	return 0;
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_markup_characters_become_references),
	UNIT_TEST(test_whitespace_survives_parsing),
	UNIT_TEST(test_control_characters_become_visible_stand_ins),
	UNIT_TEST(test_utf8_is_kept_and_what_is_not_utf8_replaced),
	UNIT_TEST(test_passing_case_is_three_empty_testcases),
	UNIT_TEST(test_failure_has_a_one_line_message_and_the_diagnostics),
	UNIT_TEST(test_failure_message_says_what_was_expected_when_the_check_does_not),
	UNIT_TEST(test_divergence_is_not_a_failure),
	UNIT_TEST(test_divergence_not_as_recorded_is_a_failure),
	UNIT_TEST(test_divergence_no_longer_diverging_passes_with_a_note),
	UNIT_TEST(test_documented_record_passes_in_its_words),
	UNIT_TEST(test_skip_is_skipped_with_its_reason),
	UNIT_TEST(test_crash_is_an_error_named_for_the_case),
	UNIT_TEST(test_garbage_output_is_one_error_testcase),
	UNIT_TEST(test_counts_add_up_over_cases_and_rounds),
	UNIT_TEST(test_report_appears_only_when_finished),
	UNIT_TEST(test_interrupted_run_leaves_the_old_report),
	UNIT_TEST(test_atomic_file_names_and_refusals),
};

void register_junit_tests(void)
{
	ADD_SUITE_WITH_CLEANUP("junit", cleanup, tests);
}
