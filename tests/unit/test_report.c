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
					"  kind: divergence\n"
					"  got: 5\n"
					"  why: Linux keeps it\n"
					"  source: https://example.org/tcp.c\n";

/* The same outcome, specified by the platform's own documents. */
static const char documented_inet_got_5[] =
	"shutrd.data_dropped\n"
	"  on: linux-*\n"
	"  family: inet\n"
	"  kind: documented\n"
	"  got: 5\n"
	"  why: shutdown(2) says the data stays readable\n"
	"  source: https://man7.org/linux/man-pages/man2/shutdown.2.html\n"
	"  source: https://example.org/tcp.c\n";

/* Judge a case's output against the records, and report it as point 1. */
static void report_of(const char *records, const char *out, int code)
{
	char err[256] = "";
	size_t size = 0;
	FILE *f;

	divergences_free(&d);
	ASSERT_INT_EQ(divergences_parse(&d, records, "linux.txt", err, sizeof err), 0);
	case_result_free(&r); /* the texts an earlier test parsed */
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
	ASSERT_LINE("      kind: \"divergence\"");
	ASSERT_LINE("      divergence: \"Linux keeps it\"");
	ASSERT_LINE("      sources:");
	ASSERT_LINE("        - \"https://example.org/tcp.c\"");
	ASSERT_LINE("      recorded: \"linux.txt:1\"");
	ASSERT_LINE("      ...");
	ASSERT_NOT_CONTAINS(text, "source: ");
}

/* Several sources are one YAML list: a key given twice is no YAML (its readers drop the block). */
static void test_record_with_several_sources_writes_one_list(void)
{
	report_of("shutrd.data_dropped\n  on: linux-*\n  family: inet\n  kind: divergence\n  got: 5\n"
		  "  why: w\n  source: https://example.org/a.c\n  source: https://example.org/b.c\n",
		  HEAD FAILED(1, "inet", "5") "ok 2 - inet6\nok 3 - unix\n", 1);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_CONTAINS(text, "      kind: \"divergence\"\n"
			      "      divergence: \"w\"\n"
			      "      sources:\n"
			      "        - \"https://example.org/a.c\"\n"
			      "        - \"https://example.org/b.c\"\n"
			      "      recorded: \"linux.txt:1\"\n");
	ASSERT_NOT_CONTAINS(text, "source: ");
}

/* The keys of each YAML block in the report: no key twice in one block. */
static void assert_yaml_keys_unique(unsigned lineno)
{
	char keys[64][64];
	unsigned nkeys = 0, indent = 0;
	int in_block = 0, ok = 1;

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t lead = strspn(p, " "), len = strcspn(p + lead, "\n");
		const char *colon = memchr(p + lead, ':', len);

		if (len == 3 && strncmp(p + lead, "---", 3) == 0) {
			in_block = 1, nkeys = 0, indent = (unsigned)lead;
		} else if (len == 3 && strncmp(p + lead, "...", 3) == 0) {
			in_block = 0;
		} else if (in_block && lead == indent && colon && (size_t)(colon - p - lead) < 64) {
			size_t klen = (size_t)(colon - p - lead);
			for (unsigned i = 0; i < nkeys; i++)
				if (strlen(keys[i]) == klen && strncmp(keys[i], p + lead, klen) == 0)
					ok = 0;
			if (nkeys < 64) {
				memcpy(keys[nkeys], p + lead, klen);
				keys[nkeys++][klen] = '\0';
			}
		}
	}
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, lineno, "no key twice in a YAML block",
				__FILE__, "", CU_FALSE);
	if (!ok)
		fprintf(stderr, "\n--- report was:\n%s---\n", text ? text : "");
}
#define ASSERT_YAML_KEYS_UNIQUE() assert_yaml_keys_unique(__LINE__)

/*
 * What a case prints as keys is its own affair: the runner keeps every
 * value, but writes keys that YAML reads as distinct strings.  A key twice,
 * or one of the runner's own, gets _2; a character YAML would read otherwise
 * becomes _; a key that starts otherwise than a letter or _, or that YAML
 * takes for a boolean or null, gets a _ before it.
 */
static void test_case_keys_are_kept_unique_and_plain(void)
{
	report_of(record_inet_got_5,
		  HEAD "not ok 1 - inet\n  ---\n  got: \"5\"\n  got: \"6\"\n  got_2: \"7\"\n"
		       "  divergence: \"mine\"\n  sources: \"mine too\"\n  kind: \"k\"\n"
		       "  documented: \"doc\"\n  a key.with: \"odd\"\n"
		       "  yes: \"y\"\n  ON: \"o\"\n  1st: \"n\"\n  -x: \"d\"\n  ...\n"
		       "ok 2 - inet6\nok 3 - unix\n",
		  1);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_TAP_LINES();
	ASSERT_YAML_KEYS_UNIQUE();
	ASSERT_CONTAINS(text, "      got: \"5\"\n"
			      "      got_2: \"6\"\n"
			      "      got_2_2: \"7\"\n"
			      "      divergence_2: \"mine\"\n"
			      "      sources_2: \"mine too\"\n"
			      "      kind_2: \"k\"\n"
			      "      documented_2: \"doc\"\n"
			      "      a_key_with: \"odd\"\n"
			      "      _yes: \"y\"\n"
			      "      _ON: \"o\"\n"
			      "      _1st: \"n\"\n"
			      "      _-x: \"d\"\n"
			      "      kind: \"divergence\"\n"
			      "      divergence: \"Linux keeps it\"\n");
}

/*
 * Text a case printed that lands on a TAP line (claim, cites, a family's
 * name, a skip reason, what a divergence got) is one line of UTF-8: a byte
 * that is not, or a character YAML and Python refuse, becomes '?', and a
 * family name keeps no space or '#' that would change the point.
 */
static void test_case_text_on_tap_lines_is_utf8(void)
{
	report_of("shutrd.data_dropped\n  on: linux-*\n  family: inet\n  kind: divergence\n"
		  "  got: 5\xff\n  why: w\n  source: s\n",
		  "# id: " CASE_ID "\n# claim: caf\xc3\xa9 \xff\xfe claim\n"
		  "# cite: a \xe2\x80\xa8 cite \xc2\x85 <https://example.org>\n1..3\n"
		  FAILED(1, "inet", "5\xff") "ok 2 - in et#6 # SKIP why \xc3 not\x01 here\nok 3 - unix\n",
		  1);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_TAP_LINES();
	ASSERT_LINE("    # claim: caf\xc3\xa9 ?? claim");
	ASSERT_LINE("    # cite: a ? cite ? <https://example.org>");
	ASSERT_LINE("    not ok 1 - inet # TODO diverges as recorded: got 5?");
	ASSERT_LINE("    ok 2 - in_et_6 # SKIP why ? not? here");
	/* in YAML the values are escaped, not replaced: nothing is lost */
	ASSERT_LINE("      got: \"5\\xff\"");
	ASSERT_LINE("  claim: \"caf\xc3\xa9 \\xff\\xfe claim\"");
}

/* The run's TAP opens with the version and the plan; the header comments follow. */
static void test_start_puts_the_plan_right_after_the_version(void)
{
	struct identity id;
	size_t size = 0;
	FILE *f;

	memset(&id, 0, sizeof id);
	snprintf(id.label, sizeof id.label, LABEL);
	snprintf(id.target, sizeof id.target, "native");
	snprintf(id.sysctls, sizeof id.sysctls, "# sysctl net.ipv4.tcp_fin_timeout = 60\n");
	free(text);
	text = NULL;
	f = open_memstream(&text, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	report_start(f, &id, 52);
	fclose(f);
	ASSERT_INT_EQ(strncmp(text, "TAP version 13\n1..52\n# ", 22), 0);
	ASSERT_LINE("# label: " LABEL);
	ASSERT_LINE("# sysctl net.ipv4.tcp_fin_timeout = 60");
	for (const char *p = strchr(text, '\n') + 1; *p; p = strchr(p, '\n') + 1)
		CU_ASSERT(strncmp(p, "1..", 3) != 0 || p == strchr(text, '\n') + 1);
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
	case_result_free(&r); /* the texts an earlier test parsed */
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
	report_of("shutrd.data_dropped\n  on: linux-*\n  kind: divergence\n  why: w\n  source: s\n",
		  HEAD FAILED(1, "inet", "5\\nnot ok 99 - injected") "ok 2 - inet6\nok 3 - unix\n", 1);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_STR_EQ(point_diag(&r.tap.points[0], "got"), "5\nnot ok 99 - injected");
	ASSERT_TAP_LINES();
	ASSERT_NO_LINE("not ok 99 - injected");
}

/*
 * A documented record: the platform does what its own documents say, and
 * the TAP says so in those words; it is still a TODO, so prove counts it as
 * the expected failure it is.
 */
static void test_documented_family_conforms_to_its_own_documents(void)
{
	report_of(documented_inet_got_5, HEAD FAILED(1, "inet", "5") "ok 2 - inet6\nok 3 - unix\n", 1);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_TAP_LINES();
	ASSERT_YAML_KEYS_UNIQUE();
	ASSERT_LINE("    not ok 1 - inet # TODO conforms to its own documents: got 5");
	ASSERT_CONTAINS(text, "      got: \"5\"\n"
			      "      kind: \"documented\"\n"
			      "      documented: \"shutdown(2) says the data stays readable\"\n"
			      "      sources:\n"
			      "        - \"https://man7.org/linux/man-pages/man2/shutdown.2.html\"\n"
			      "        - \"https://example.org/tcp.c\"\n"
			      "      recorded: \"linux.txt:1\"\n");
	ASSERT_NOT_CONTAINS(text, "divergence");
	ASSERT_NOT_CONTAINS(text, "diverges");
	ASSERT_LINE("not ok 1 - " CASE_ID " # TODO conforms to its own documents");
}

static void test_documented_record_that_no_longer_holds_says_so(void)
{
	report_of(documented_inet_got_5, HEAD "ok 1 - inet\nok 2 - inet6\nok 3 - unix\n", 0);
	ASSERT_INT_EQ(r.verdict, CV_TODO_PASSED);
	ASSERT_TAP_LINES();
	ASSERT_LINE("    ok 1 - inet # TODO documented record no longer holds");
	ASSERT_LINE("      kind: \"documented\"");
	ASSERT_LINE("ok 1 - " CASE_ID " # TODO documented record no longer holds");
	ASSERT_NOT_CONTAINS(text, "diverge");
}

static void test_documented_otherwise_fails_in_its_words(void)
{
	report_of(documented_inet_got_5, HEAD FAILED(1, "inet", "7") "ok 2 - inet6\nok 3 - unix\n", 1);
	ASSERT_INT_EQ(r.verdict, CV_FAIL);
	ASSERT_LINE("    not ok 1 - inet");
	ASSERT_LINE("      verdict: \"differs, but not as its own documents say: the record says got "
		    "5\"");
	ASSERT_NOT_CONTAINS(text, "TODO");
}

/* One divergence among the families makes the case's TODO a divergence's. */
static void test_case_with_both_kinds_diverges_as_recorded(void)
{
	report_of("shutrd.data_dropped\n  on: linux-*\n  family: inet\n  kind: documented\n  got: 5\n"
		  "  why: w\n  source: https://man7.org/linux/man-pages/man2/shutdown.2.html\n"
		  "shutrd.data_dropped\n  on: linux-*\n  family: unix\n  kind: divergence\n  why: w\n"
		  "  source: s\n",
		  HEAD FAILED(1, "inet", "5") "ok 2 - inet6\n" FAILED(3, "unix", "-1 EPIPE"), 1);
	ASSERT_INT_EQ(r.verdict, CV_TODO);
	ASSERT_LINE("    not ok 1 - inet # TODO conforms to its own documents: got 5");
	ASSERT_LINE("    not ok 3 - unix # TODO diverges as recorded: got -1 EPIPE");
	ASSERT_LINE("not ok 1 - " CASE_ID " # TODO diverges as recorded");
}

/* The tally that ends the run counts the two kinds apart. */
static void test_tally_counts_the_kinds_apart(void)
{
	struct tally t;
	size_t size = 0;
	FILE *f;

	memset(&t, 0, sizeof t);
	report_of(documented_inet_got_5, HEAD FAILED(1, "inet", "5") "ok 2 - inet6\nok 3 - unix\n", 1);
	report_count(&t, &r);
	report_of(record_inet_got_5, HEAD FAILED(1, "inet", "5") "ok 2 - inet6\nok 3 - unix\n", 1);
	report_count(&t, &r);
	report_count(&t, &r);
	report_of(documented_inet_got_5, HEAD "ok 1 - inet\nok 2 - inet6\nok 3 - unix\n", 0);
	report_count(&t, &r);
	report_of("", HEAD "ok 1 - inet\nok 2 - inet6\nok 3 - unix\n", 0);
	report_count(&t, &r);
	ASSERT_INT_EQ(t.documented, 1);
	ASSERT_INT_EQ(t.todo, 2);
	ASSERT_INT_EQ(t.documented_passed, 1);
	ASSERT_INT_EQ(t.todo_passed, 0);
	ASSERT_INT_EQ(t.pass, 1);
	free(text);
	text = NULL;
	f = open_memstream(&text, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	report_end(f, &t);
	fclose(f);
	ASSERT_STR_EQ(text, "# 1 conform, 1 follow their own documents, 2 diverge as recorded, 0 "
			    "recorded divergences no longer diverge, 1 documented records no longer "
			    "hold, 0 skipped, 0 do not conform\n");
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
	UNIT_TEST(test_record_with_several_sources_writes_one_list),
	UNIT_TEST(test_case_keys_are_kept_unique_and_plain),
	UNIT_TEST(test_start_puts_the_plan_right_after_the_version),
	UNIT_TEST(test_case_text_on_tap_lines_is_utf8),
	UNIT_TEST(test_todo_case_line_is_not_ok_with_todo),
	UNIT_TEST(test_todo_case_yaml_has_claim_cites_and_exit),
	UNIT_TEST(test_no_longer_diverging_case_is_ok_with_todo),
	UNIT_TEST(test_diverging_otherwise_fails_and_says_what_was_recorded),
	UNIT_TEST(test_passing_case_is_one_ok_line_without_yaml),
	UNIT_TEST(test_crashed_case_reports_message_and_signal),
	UNIT_TEST(test_todo_line_with_multiline_got_stays_one_line),
	UNIT_TEST(test_documented_family_conforms_to_its_own_documents),
	UNIT_TEST(test_documented_record_that_no_longer_holds_says_so),
	UNIT_TEST(test_documented_otherwise_fails_in_its_words),
	UNIT_TEST(test_case_with_both_kinds_diverges_as_recorded),
	UNIT_TEST(test_tally_counts_the_kinds_apart),
};

void register_report_tests(void)
{
	ADD_SUITE_WITH_CLEANUP("report_case", cleanup, tests);
}
