/*
 * test_run_tap.c: the strict reader of a whole run's TAP (runner/run_tap.c),
 * and the matrix's words for what one case did (runner/matrix.c).
 */
#include "matrix.h"
#include "report.h"
#include "run_tap.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct run_tap run;
static char err[1024];

static int parse(const char *text)
{
	run_tap_free(&run);
	return run_tap_parse(&run, text, strlen(text), "results/linux-6.18.44-native.tap", err,
			     sizeof err);
}

/* The file is rejected, and the message names the file, the line and why. */
#define ASSERT_REJECTED(text, where, why)          \
	do {                                       \
		ASSERT_INT_EQ(parse(text), -1);    \
		ASSERT_CONTAINS(err, where);       \
		ASSERT_CONTAINS(err, why);         \
		ASSERT_INT_EQ(run.ncases, 0);      \
	} while (0)

#define FILE_ "results/linux-6.18.44-native.tap:"

/* The header comments report.c writes after the plan. */
#define HEADER                                            \
	"# sockconf: socket teardown conformance\n"       \
	"# label: linux-6.18.44-native\n"                 \
	"# target: native\n"                              \
	"# os: Linux\n"                                   \
	"# kernel: 6.18.44-fc-v509\n"                     \
	"# stack: kernel\n"                               \
	"# machine: x86_64\n"                             \
	"# date: 2026-11-22T03:00:00Z\n"                  \
	"# sysctl net.ipv4.tcp_fin_timeout = 60\n"        \
	"# sysctl net.ipv4.tcp_rmem = 4096 131072 6291456\n"

/* A run's first lines as report.c writes them: the version, the plan, the header. */
#define HEAD(n) "TAP version 13\n1.." #n "\n" HEADER
/* The same with no plan. */
#define HEAD_NO_PLAN "TAP version 13\n" HEADER

#define PASSING(n, id)                \
	"# Subtest: " id "\n"         \
	"    1..3\n"                  \
	"    ok 1 - inet\n"           \
	"    ok 2 - inet6\n"          \
	"    ok 3 - unix\n"           \
	"ok " #n " - " id "\n"

static const char well_formed[] =
	HEAD(3)
	PASSING(1, "fin.recv_zero")
	"# Subtest: shutrd.data_dropped\n"
	"    1..3\n"
	"    not ok 1 - inet # TODO diverges as recorded: got 5\n"
	"      ---\n"
	"      check: \"recv(c.local, buf, sizeof buf, 0) == 0\"\n"
	"      expected: \"== 0\"\n"
	"      got: \"5\"\n"
	"      divergence: \"Linux keeps \\\"it\\\"\\nqueued\"\n"
	"      sources:\n"
	"        - \"https://elixir.bootlin.com/linux/v6.18/source/net/ipv4/tcp.c\"\n"
	"        - \"https://elixir.bootlin.com/linux/v6.18/source/net/ipv4/tcp_input.c\"\n"
	"      recorded: \"linux.txt:11\"\n"
	"      ...\n"
	"    ok 2 - inet6\n"
	"    ok 3 - unix # SKIP the claim is about TCP segments\n"
	"not ok 2 - shutrd.data_dropped # TODO diverges as recorded\n"
	"  ---\n"
	"  claim: \"Data arriving after shutdown(SHUT_RD) is discarded\"\n"
	"  cites:\n"
	"    - \"POSIX.1-2017 shutdown(): \\\"SHUT_RD\\\" <https://pubs.opengroup.org/x.html>\"\n"
	"    - \"RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293>\"\n"
	"  exit: \"1\"\n"
	"  duration_ms: \"1.3\"\n"
	"  ...\n"
	"# Subtest: rst.process_killed\n"
	"    1..1\n"
	"    ok 1 - inet # TODO recorded divergence no longer diverges\n"
	"      ---\n"
	"      divergence: \"Linux sends a FIN\"\n"
	"      ...\n"
	"ok 3 - rst.process_killed # TODO recorded divergence no longer diverges\n"
	"  ---\n"
	"  claim: \"killed: reset\"\n"
	"  ...\n"
	"# 1 conform, 1 diverge as recorded, 1 recorded divergences no longer diverge, 0 skipped, "
	"0 do not conform\n";

static void test_subtest_comments_carry_claim_and_cites(void)
{
	static const char text[] =
		"TAP version 13\n"
		"1..1\n"
		"# Subtest: fin.recv_zero\n"
		"    # claim: recv() returns 0\n"
		"    # cite: POSIX recv() <https://pubs.opengroup.org/x>\n"
		"    # cite: RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293#section-3.6>\n"
		"    # an ordinary comment\n"
		"    1..1\n"
		"    ok 1 - inet\n"
		"ok 1 - fin.recv_zero\n";

	ASSERT_INT_EQ(parse(text), 0);
	ASSERT_STR_EQ(run_yaml_get(&run.cases[0].about, "claim"), "recv() returns 0");
	ASSERT_INT_EQ(run.cases[0].about.n, 3);
	ASSERT_STR_EQ(run.cases[0].about.pairs[2].key, "cites");
	ASSERT_STR_EQ(run.cases[0].about.pairs[2].value,
		      "RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293#section-3.6>");
	ASSERT_INT_EQ(run.cases[0].diag.n, 0); /* the case's own YAML stays apart */
}

static void test_well_formed_run_parses(void)
{
	ASSERT_INT_EQ(parse(well_formed), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_STR_EQ(run.path, "results/linux-6.18.44-native.tap");
	ASSERT_INT_EQ(run.planned, 3);
	ASSERT_INT_EQ(run.ncases, 3);
	ASSERT_STR_EQ(run.cases[0].id, "fin.recv_zero");
	ASSERT_STR_EQ(run.cases[1].id, "shutrd.data_dropped");
	ASSERT_STR_EQ(run.cases[2].id, "rst.process_killed");
	ASSERT_INT_EQ(run.cases[1].line, 34);
	ASSERT_INT_EQ(run.cases[1].rounds, 1);
	ASSERT_INT_EQ(run.cases[1].changed_round, 0);
}

static void test_header_comments_name_the_platform(void)
{
	ASSERT_INT_EQ(parse(well_formed), 0);
	ASSERT_STR_EQ(run.label, "linux-6.18.44-native");
	ASSERT_STR_EQ(run_yaml_get(&run.header, "target"), "native");
	ASSERT_STR_EQ(run_yaml_get(&run.header, "kernel"), "6.18.44-fc-v509");
	ASSERT_STR_EQ(run_yaml_get(&run.header, "date"), "2026-11-22T03:00:00Z");
	ASSERT_STR_EQ(run_yaml_get(&run.header, "sysctl"), "net.ipv4.tcp_fin_timeout = 60");
	ASSERT_STR_EQ(run.header.pairs[run.header.n - 1].value,
		      "net.ipv4.tcp_rmem = 4096 131072 6291456");
	CU_ASSERT_PTR_NULL(run_yaml_get(&run.header, "no such key"));
}

/* Comments before the plan are TAP 13 too (and what files written before 0.8 have). */
static void test_header_comments_before_the_plan_read_too(void)
{
	ASSERT_INT_EQ(parse("TAP version 13\n" HEADER "1..1\n" PASSING(1, "a.b")), 0);
	ASSERT_INT_EQ(run.planned, 1);
	ASSERT_STR_EQ(run.label, "linux-6.18.44-native");
	ASSERT_STR_EQ(run_yaml_get(&run.header, "kernel"), "6.18.44-fc-v509");
	/* and on both sides of it */
	ASSERT_INT_EQ(parse("TAP version 13\n# label: x\n1..1\n# target: uml\n" PASSING(1, "a.b")), 0);
	ASSERT_STR_EQ(run.label, "x");
	ASSERT_STR_EQ(run_yaml_get(&run.header, "target"), "uml");
}

/* Header keys the reader does not know are kept, whatever their value. */
static void test_unknown_header_comments_are_kept(void)
{
	ASSERT_INT_EQ(parse(HEAD(1) "# version: sockconf 0.8+g1234abc\n"
				    "# command: sockconf run -j 2 'rst.*' --timeout 5\n"
				    "# partial: 1 of 52 cases (filters: rst.*)\n"
				    "# a comment that is no key: value\n" PASSING(1, "a.b")),
		      0);
	ASSERT_STR_EQ(run_yaml_get(&run.header, "version"), "sockconf 0.8+g1234abc");
	ASSERT_STR_EQ(run_yaml_get(&run.header, "command"), "sockconf run -j 2 'rst.*' --timeout 5");
	ASSERT_STR_EQ(run_yaml_get(&run.header, "partial"), "1 of 52 cases (filters: rst.*)");
	ASSERT_STR_EQ(run.label, "linux-6.18.44-native");
	ASSERT_INT_EQ(run.ncases, 1);
}

/* A subtest right after the plan: the header has ended. */
static void test_a_subtest_may_follow_the_plan(void)
{
	ASSERT_INT_EQ(parse("TAP version 13\n1..2\n" PASSING(1, "a.b") "ok 2 - c.d\n"), 0);
	ASSERT_INT_EQ(run.ncases, 2);
	ASSERT_INT_EQ(run.header.n, 0);
	ASSERT_STR_EQ(run.cases[0].families[2].name, "unix");
	/* comments after the first point are the body's, not the header's */
	ASSERT_INT_EQ(parse("TAP version 13\n1..1\nok 1 - a.b\n# label: late\n"), 0);
	ASSERT_STR_EQ(run.label, "linux-6.18.44-native");
}

static void test_label_defaults_to_the_file_name(void)
{
	static const char text[] = "TAP version 13\n1..0\n";

	run_tap_free(&run);
	ASSERT_INT_EQ(run_tap_parse(&run, text, strlen(text), "some/dir/gvisor-20221219.tap", err,
				    sizeof err),
		      0);
	ASSERT_STR_EQ(run.label, "gvisor-20221219");
	ASSERT_INT_EQ(run.ncases, 0);
}

static void test_points_keep_result_and_directive(void)
{
	const struct run_case *c;

	ASSERT_INT_EQ(parse(well_formed), 0);
	c = run_tap_find(&run, "shutrd.data_dropped");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	ASSERT_INT_EQ(c->result, RR_TODO);
	ASSERT_STR_EQ(c->directive, "diverges as recorded");
	ASSERT_INT_EQ(c->nfamilies, 3);
	ASSERT_STR_EQ(c->families[0].name, "inet");
	ASSERT_INT_EQ(c->families[0].result, RR_TODO);
	ASSERT_STR_EQ(c->families[0].directive, "diverges as recorded: got 5");
	ASSERT_INT_EQ(c->families[1].result, RR_PASS);
	ASSERT_STR_EQ(c->families[1].directive, "");
	ASSERT_INT_EQ(c->families[2].result, RR_SKIP);
	ASSERT_STR_EQ(c->families[2].directive, "the claim is about TCP segments");
	ASSERT_INT_EQ(run_tap_find(&run, "fin.recv_zero")->result, RR_PASS);
	ASSERT_INT_EQ(run_tap_find(&run, "rst.process_killed")->result, RR_TODO_PASSED);
	ASSERT_INT_EQ(run_tap_find(&run, "rst.process_killed")->families[0].result, RR_TODO_PASSED);
	CU_ASSERT_PTR_NULL(run_tap_find(&run, "no.such_case"));
}

static void test_family_yaml_is_unquoted_in_order(void)
{
	const struct run_family *f;

	ASSERT_INT_EQ(parse(well_formed), 0);
	f = &run_tap_find(&run, "shutrd.data_dropped")->families[0];
	ASSERT_INT_EQ(f->diag.n, 7);
	ASSERT_STR_EQ(run_yaml_get(&f->diag, "check"), "recv(c.local, buf, sizeof buf, 0) == 0");
	ASSERT_STR_EQ(run_yaml_get(&f->diag, "got"), "5");
	ASSERT_STR_EQ(run_yaml_get(&f->diag, "divergence"), "Linux keeps \"it\"\nqueued");
	/* a list's items, in order, under its key */
	ASSERT_STR_EQ(f->diag.pairs[4].key, "sources");
	ASSERT_STR_EQ(f->diag.pairs[4].value,
		      "https://elixir.bootlin.com/linux/v6.18/source/net/ipv4/tcp.c");
	ASSERT_STR_EQ(f->diag.pairs[5].key, "sources");
	ASSERT_STR_EQ(f->diag.pairs[5].value,
		      "https://elixir.bootlin.com/linux/v6.18/source/net/ipv4/tcp_input.c");
	ASSERT_INT_EQ(run_tap_find(&run, "shutrd.data_dropped")->families[1].diag.n, 0);
}

static void test_case_yaml_lists_become_pairs_under_their_key(void)
{
	const struct run_case *c;

	ASSERT_INT_EQ(parse(well_formed), 0);
	c = run_tap_find(&run, "shutrd.data_dropped");
	ASSERT_INT_EQ(c->diag.n, 5);
	ASSERT_STR_EQ(run_yaml_get(&c->diag, "claim"),
		      "Data arriving after shutdown(SHUT_RD) is discarded");
	ASSERT_STR_EQ(c->diag.pairs[1].key, "cites");
	ASSERT_STR_EQ(c->diag.pairs[1].value,
		      "POSIX.1-2017 shutdown(): \"SHUT_RD\" <https://pubs.opengroup.org/x.html>");
	ASSERT_STR_EQ(c->diag.pairs[2].key, "cites");
	ASSERT_STR_EQ(c->diag.pairs[2].value, "RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293>");
	ASSERT_STR_EQ(run_yaml_get(&c->diag, "exit"), "1");
	ASSERT_STR_EQ(run_yaml_get(&c->diag, "duration_ms"), "1.3");
}

static void test_broken_case_without_subtest_parses(void)
{
	ASSERT_INT_EQ(parse(HEAD(1) ""
				 "not ok 1 - rst.so_error\n"
				 "  ---\n"
				 "  message: \"crashed: killed by SIGSEGV (11)\"\n"
				 "  signal: \"SIGSEGV (11)\"\n"
				 "  ...\n"),
		      0);
	ASSERT_INT_EQ(run.ncases, 1);
	ASSERT_INT_EQ(run.cases[0].result, RR_FAIL);
	ASSERT_INT_EQ(run.cases[0].nfamilies, 0);
	ASSERT_STR_EQ(run_yaml_get(&run.cases[0].diag, "message"), "crashed: killed by SIGSEGV (11)");
}

static void test_crlf_and_trailing_blank_lines_are_accepted(void)
{
	ASSERT_INT_EQ(parse("TAP version 13\r\n# label: x\r\n1..1\r\n# Subtest: a.b\r\n    1..1\r\n"
			    "    ok 1 - inet\r\nok 1 - a.b\r\n\r\n\n"),
		      0);
	ASSERT_STR_EQ(run.label, "x");
	ASSERT_STR_EQ(run.cases[0].families[0].name, "inet");
}

static void test_last_line_without_newline_counts(void)
{
	ASSERT_INT_EQ(parse("TAP version 13\n1..1\nok 1 - a.b"), 0);
	ASSERT_STR_EQ(run.cases[0].id, "a.b");
}

static void test_repeated_rounds_fold_into_the_first(void)
{
	ASSERT_INT_EQ(parse(HEAD(4) "" PASSING(1, "a.one") PASSING(2, "a.two") PASSING(3, "a.one")
				 PASSING(4, "a.two")),
		      0);
	ASSERT_INT_EQ(run.ncases, 2);
	ASSERT_INT_EQ(run.cases[0].rounds, 2);
	ASSERT_INT_EQ(run.cases[0].changed_round, 0);
	ASSERT_INT_EQ(run.cases[1].rounds, 2);
}

static void test_a_round_that_differs_is_noted(void)
{
	ASSERT_INT_EQ(parse(HEAD(3) "" PASSING(1, "a.one")
				 "# Subtest: a.one\n    1..3\n    ok 1 - inet\n"
				 "    not ok 2 - inet6\n      ---\n      got: \"7\"\n      ...\n"
				 "    ok 3 - unix\nnot ok 2 - a.one\n"
				 "# unstable: a.one in round 2\n" PASSING(3, "a.one")),
		      0);
	ASSERT_INT_EQ(run.ncases, 1);
	ASSERT_INT_EQ(run.cases[0].rounds, 3);
	ASSERT_INT_EQ(run.cases[0].changed_round, 2);
	ASSERT_INT_EQ(run.cases[0].result, RR_PASS); /* the first round is what is kept */
}

static void test_first_line_must_be_the_version(void)
{
	ASSERT_REJECTED("TAP version 14\n1..0\n", FILE_ "1:", "TAP version 13");
	ASSERT_REJECTED("1..0\n", FILE_ "1:", "TAP version 13");
	ASSERT_REJECTED("", FILE_ "0:", "empty file");
}

static void test_missing_plan_is_an_error(void)
{
	ASSERT_REJECTED(HEAD_NO_PLAN, FILE_, "ends before the plan");
	ASSERT_REJECTED(HEAD_NO_PLAN "ok 1 - a.b\n", FILE_ "12:", "expected the plan");
	ASSERT_REJECTED(HEAD_NO_PLAN "# Subtest: a.b\n    1..1\n    ok 1 - inet\nok 1 - a.b\n",
			FILE_ "12:", "expected the plan");
}

static void test_second_plan_is_an_error(void)
{
	ASSERT_REJECTED(HEAD(1) "ok 1 - a.b\n1..1\n", FILE_ "14:", "a second plan");
}

static void test_cut_short_file_is_an_error(void)
{
	ASSERT_REJECTED(HEAD(3) "" PASSING(1, "a.b") "# Subtest: c.d\n    1..3\n    ok 1 - inet\n",
			FILE_, "ends inside the subtest of c.d");
	ASSERT_REJECTED(HEAD(3) "" PASSING(1, "a.b"), FILE_,
			"planned 3 test points, found 1: the file is cut short");
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b\n  ---\n  exit: \"1\"\n", FILE_,
			"ends inside YAML diagnostics");
}

static void test_more_points_than_planned_is_an_error(void)
{
	ASSERT_REJECTED(HEAD(1) "ok 1 - a.b\nok 2 - c.d\n", FILE_ "14:", "planned 1 test points");
}

static void test_out_of_order_numbers_are_errors(void)
{
	ASSERT_REJECTED(HEAD(2) "ok 2 - a.b\nok 1 - c.d\n", FILE_ "13:", "where 1 was due");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..2\n    ok 2 - inet\n", FILE_ "15:",
			"where 1 was due");
}

static void test_subtest_must_match_its_point(void)
{
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n    ok 1 - inet\nok 1 - c.d\n",
			FILE_ "16:", "the point for c.d follows the subtest of a.b");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..2\n    ok 1 - inet\nok 1 - a.b\n",
			FILE_ "16:", "planned 2 families, printed 1");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n    ok 1 - inet\n    ok 2 - inet6\n",
			FILE_ "16:", "planned 1 families, this is one more");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    ok 1 - inet\nok 1 - a.b\n", FILE_ "15:",
			"the subtest of a.b has no plan");
	ASSERT_REJECTED(HEAD(2) "# Subtest: a.b\n    1..1\n# Subtest: c.d\n", FILE_ "15:",
			"before the subtest of a.b had its test point");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..2\n    ok 1 - inet\n    ok 2 - inet\n",
			FILE_ "16:", "family inet twice");
}

static void test_case_point_must_agree_with_its_families(void)
{
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n    not ok 1 - inet\nok 1 - a.b\n",
			FILE_ "16:", "a.b is \"ok\" although its family inet is \"not ok\"");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n    not ok 1 - inet # TODO x\n"
			     "ok 1 - a.b\n",
			FILE_ "16:", "its family inet is \"todo\"");
}

static void test_malformed_points_are_errors(void)
{
	ASSERT_REJECTED(HEAD(1) "ok one - a.b\n", FILE_ "13:", "without a number");
	ASSERT_REJECTED(HEAD(1) "ok 1 a.b\n", FILE_ "13:", "expected \" - \"");
	ASSERT_REJECTED(HEAD(1) "ok 1 - \n", FILE_ "13:", "without a case id");
	ASSERT_REJECTED(HEAD(1) "ok 1 - a b\n", FILE_ "13:", "with a space in it");
	ASSERT_REJECTED(HEAD(1) "ok 1 - a.b # WHATEVER\n", FILE_ "13:", "unknown directive");
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b # SKIP no\n", FILE_ "13:",
			"a SKIP directive on a \"not ok\" point");
	ASSERT_REJECTED(HEAD(1) "ok 1 - a.b # SKIPPED\n", FILE_ "13:", "unknown directive");
}

static void test_garbage_is_an_error_with_the_line(void)
{
	ASSERT_REJECTED(HEAD(1) "hello\nok 1 - a.b\n", FILE_ "13:", "unparseable line: \"hello\"");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n  ok 1 - inet\n", FILE_ "14:",
			"indented by 4 spaces");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n    what\n", FILE_ "15:",
			"unparseable line in the subtest of a.b");
	ASSERT_REJECTED(HEAD(1) "\nok 1 - a.b\n", FILE_ "14:", "text after a blank line");
}

static void test_bail_out_is_an_error(void)
{
	ASSERT_REJECTED(HEAD(2) "ok 1 - a.b\nBail out! interrupted by SIGINT\n", FILE_ "14:",
			"bailed out");
}

static void test_nul_byte_is_an_error(void)
{
	static const char text[] = "TAP version 13\n1..0\n# a\0b\n";

	run_tap_free(&run);
	ASSERT_INT_EQ(run_tap_parse(&run, text, sizeof text - 1, "x.tap", err, sizeof err), -1);
	ASSERT_CONTAINS(err, "x.tap:3: a NUL byte");
}

static void test_malformed_yaml_is_an_error(void)
{
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b\n  ---\n  no colon here\n  ...\n", FILE_ "15:",
			"malformed YAML diagnostics");
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b\n  ---\n  got: \"5\n  ...\n", FILE_ "15:",
			"malformed quoted string");
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b\n  ---\n  got: \"\\q\"\n  ...\n", FILE_ "15:",
			"malformed quoted string");
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b\n  ---\n    - \"item\"\n  ...\n", FILE_ "15:",
			"list item with no list key");
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b\n  ---\nok 2 - c.d\n", FILE_ "15:",
			"unterminated YAML");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n    not ok 1 - inet\n      ---\n"
			     "    ...\n",
			FILE_ "17:", "unterminated YAML diagnostics of a family point");
}

/* YAML keys are unique in a mapping: a repeated key is no YAML, and its readers drop or garble it. */
static void test_repeated_yaml_key_is_an_error(void)
{
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b\n  ---\n  exit: \"1\"\n  exit: \"2\"\n  ...\n",
			FILE_ "16:", "the key exit twice in one YAML block");
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b\n  ---\n  cites:\n    - \"a\"\n  cites:\n    - \"b\"\n"
				"  ...\n",
			FILE_ "17:", "the key cites twice");
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b\n  ---\n  cites:\n  claim: \"c\"\n  cites: \"x\"\n"
				"  ...\n",
			FILE_ "17:", "the key cites twice");
	/* as results files had it before sources became a list */
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n    not ok 1 - inet # TODO x\n      ---\n"
				"      divergence: \"d\"\n      source: \"s1\"\n      source: \"s2\"\n"
				"      ...\nnot ok 1 - a.b # TODO x\n",
			FILE_ "19:", "the key source twice in one YAML block (YAML keys are unique");
	/* the same key in two blocks is no repetition */
	ASSERT_INT_EQ(parse(HEAD(2) "not ok 1 - a.b\n  ---\n  exit: \"1\"\n  ...\n"
				    "not ok 2 - c.d\n  ---\n  exit: \"1\"\n  ...\n"),
		      0);
}

static void test_bail_out_after_the_plan_is_an_error(void)
{
	ASSERT_REJECTED(HEAD(1) "Bail out! interrupted by SIGINT\n", FILE_ "13:", "bailed out");
	ASSERT_REJECTED("TAP version 13\n1..1\nBail out! no\n", FILE_ "3:", "bailed out");
}

static void test_yaml_must_follow_a_point(void)
{
	ASSERT_REJECTED(HEAD(1) "  ---\n  got: \"5\"\n  ...\nok 1 - a.b\n", FILE_ "13:",
			"follow no test point");
	ASSERT_REJECTED(HEAD(1) "not ok 1 - a.b\n  ---\n  ...\n  ---\n  ...\n", FILE_ "16:",
			"follow no test point");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n      ---\n", FILE_ "15:",
			"follow no family point");
}

static void test_long_lines_are_kept_whole(void)
{
	char *text = malloc(20000), *got = malloc(10001);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	memset(got, 'x', 10000);
	got[10000] = '\0';
	snprintf(text, 20000, "TAP version 13\n1..1\nnot ok 1 - a.b\n  ---\n  stderr: \"%s\"\n  ...\n",
		 got);
	ASSERT_INT_EQ(parse(text), 0);
	ASSERT_STR_EQ(run_yaml_get(&run.cases[0].diag, "stderr"), got);
	free(text);
	free(got);
}

static void test_error_message_cuts_a_long_line(void)
{
	char text[600];

	snprintf(text, sizeof text, "TAP version 13\n1..1\n%0500d\n", 7);
	ASSERT_INT_EQ(parse(text), -1);
	ASSERT_CONTAINS(err, FILE_ "3: unparseable line: \"000");
	ASSERT_CONTAINS(err, "...\"");
	CU_ASSERT(strlen(err) < 250);
}

static void test_load_names_a_missing_file(void)
{
	run_tap_free(&run);
	ASSERT_INT_EQ(run_tap_load(&run, "no/such/dir/x.tap", err, sizeof err), -1);
	ASSERT_CONTAINS(err, "no/such/dir/x.tap: cannot read: ");
}

/* ---- what report.c writes, read back ----------------------------------------------- */

static const char case_out[] =
	"# id: shutrd.data_dropped\n"
	"# claim: Data arriving after SHUT_RD is \"discarded\"\n"
	"# cite: RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293>\n"
	"1..3\n"
	"not ok 1 - inet\n  ---\n  got: \"5\"\n  expected: \"== 0\"\n  got: \"again\"\n"
	"  recorded: \"by the case\"\n  ...\n"
	"not ok 2 - inet6\n  ---\n  got: \"7\"\n  errno: \"EPIPE (32)\"\n  ...\n"
	"ok 3 - unix # SKIP no SHUT_RD here\n";

static const char records[] = "shutrd.data_dropped\n"
			      "  on: linux-*\n"
			      "  family: inet\n"
			      "  kind: divergence\n"
			      "  got: 5\n"
			      "  why: Linux keeps it\n"
			      "  source: https://example.org/tcp.c\n"
			      "  source: https://example.org/tcp_input.c\n";

static void test_what_the_runner_writes_reads_back(void)
{
	struct case_entry entry = {.id = "shutrd.data_dropped", .path = "x", .executable = 1};
	struct identity id;
	struct divergences d = {NULL, 0};
	struct case_result *r = calloc(1, sizeof *r);
	struct tally t = {0};
	char *text = NULL;
	size_t size = 0;
	const struct run_case *c;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	ASSERT_INT_EQ(divergences_parse(&d, records, "linux.txt", err, sizeof err), 0);
	r->entry = &entry;
	r->exit.code = 1;
	r->tap_ok = case_tap_parse(case_out, strlen(case_out), &r->tap) == 0;
	verdict_apply(r, &d, "linux-6.18.44-native", 10000);
	memset(&id, 0, sizeof id);
	snprintf(id.label, sizeof id.label, "linux-6.18.44-native");
	snprintf(id.target, sizeof id.target, "native");
	f = open_memstream(&text, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	report_start(f, &id, 1);
	report_case(f, 1, r);
	report_count(&t, r);
	report_end(f, &t);
	fclose(f);

	ASSERT_INT_EQ(parse(text), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_STR_EQ(run.label, "linux-6.18.44-native");
	c = run_tap_find(&run, "shutrd.data_dropped");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	ASSERT_INT_EQ(c->result, RR_FAIL); /* inet6 fails: no record for it */
	ASSERT_INT_EQ(c->nfamilies, 3);
	ASSERT_INT_EQ(c->families[0].result, RR_TODO);
	ASSERT_STR_EQ(run_yaml_get(&c->families[0].diag, "got"), "5");
	ASSERT_INT_EQ(c->families[0].documented, 0);
	ASSERT_STR_EQ(run_yaml_get(&c->families[0].diag, "kind"), "divergence");
	ASSERT_STR_EQ(run_yaml_get(&c->families[0].diag, "divergence"), "Linux keeps it");
	ASSERT_STR_EQ(run_yaml_get(&c->families[0].diag, "recorded"), "linux.txt:1");
	/* the record's sources, a list; the case's repeated and runner-named keys, renamed */
	ASSERT_INT_EQ(c->families[0].diag.n, 9);
	ASSERT_STR_EQ(c->families[0].diag.pairs[2].key, "got_2");
	ASSERT_STR_EQ(c->families[0].diag.pairs[2].value, "again");
	ASSERT_STR_EQ(c->families[0].diag.pairs[3].key, "recorded_2");
	ASSERT_STR_EQ(c->families[0].diag.pairs[3].value, "by the case");
	ASSERT_STR_EQ(c->families[0].diag.pairs[6].key, "sources");
	ASSERT_STR_EQ(c->families[0].diag.pairs[6].value, "https://example.org/tcp.c");
	ASSERT_STR_EQ(c->families[0].diag.pairs[7].key, "sources");
	ASSERT_STR_EQ(c->families[0].diag.pairs[7].value, "https://example.org/tcp_input.c");
	ASSERT_INT_EQ(c->families[1].result, RR_FAIL);
	ASSERT_STR_EQ(run_yaml_get(&c->families[1].diag, "errno"), "EPIPE (32)");
	ASSERT_INT_EQ(c->families[2].result, RR_SKIP);
	ASSERT_STR_EQ(c->families[2].directive, "no SHUT_RD here");
	ASSERT_STR_EQ(run_yaml_get(&c->diag, "claim"), "Data arriving after SHUT_RD is \"discarded\"");
	ASSERT_STR_EQ(run_yaml_get(&c->diag, "cites"),
		      "RFC 9293 <https://www.rfc-editor.org/rfc/rfc9293>");
	ASSERT_STR_EQ(run_yaml_get(&c->diag, "exit"), "1");

	free(text);
	case_result_free(r);
	free(r);
	divergences_free(&d);
}

static char cell[1024];

/* The matrix's words for a case of the run read last. */
static const char *cell_of(const char *id)
{
	matrix_cell_text(run_tap_find(&run, id), cell, sizeof cell);
	return cell;
}

/* The runner's TAP of one case on these records, as run_tap_parse read it back. */
static void write_and_read(const char *recs, const char *out, int code)
{
	struct case_entry entry = {.id = "shutrd.data_dropped", .path = "x", .executable = 1};
	struct identity id;
	struct divergences d = {NULL, 0};
	struct case_result *r = calloc(1, sizeof *r);
	struct tally t = {0};
	char *text = NULL;
	size_t size = 0;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	ASSERT_INT_EQ(divergences_parse(&d, recs, "linux.txt", err, sizeof err), 0);
	r->entry = &entry;
	r->exit.code = code;
	r->tap_ok = case_tap_parse(out, strlen(out), &r->tap) == 0;
	verdict_apply(r, &d, "linux-6.18.44-native", 10000);
	memset(&id, 0, sizeof id);
	snprintf(id.label, sizeof id.label, "linux-6.18.44-native");
	f = open_memstream(&text, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	report_start(f, &id, 1);
	report_case(f, 1, r);
	report_count(&t, r);
	report_end(f, &t);
	fclose(f);
	ASSERT_INT_EQ(parse(text), 0);
	ASSERT_STR_EQ(err, "");
	free(text);
	case_result_free(r);
	free(r);
	divergences_free(&d);
}

#define KIND_CASE_HEAD "# id: shutrd.data_dropped\n1..3\n"
#define KIND_FAILED(n, fam, got) "not ok " #n " - " fam "\n  ---\n  got: \"" got "\"\n  ...\n"

static const char documented_inet_divergent_unix[] =
	"shutrd.data_dropped\n  on: linux-*\n  family: inet\n  kind: documented\n  got: 5\n"
	"  why: shutdown(2) says so\n  source: https://man7.org/linux/man-pages/man2/shutdown.2.html\n"
	"shutrd.data_dropped\n  on: linux-*\n  family: unix\n  kind: divergence\n  got: 5\n"
	"  why: w\n  source: s\n";

/* Both kinds read back as the runner wrote them: the words and kind: agree. */
static void test_documented_and_divergent_read_back(void)
{
	const struct run_case *c;

	write_and_read(documented_inet_divergent_unix,
		       KIND_CASE_HEAD KIND_FAILED(1, "inet", "5") "ok 2 - inet6\n"
				      KIND_FAILED(3, "unix", "5"),
		       1);
	c = run_tap_find(&run, "shutrd.data_dropped");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	ASSERT_INT_EQ(c->result, RR_TODO);
	ASSERT_INT_EQ(c->documented, 0); /* one divergence among its families */
	ASSERT_STR_EQ(c->directive, "diverges as recorded");
	ASSERT_INT_EQ(c->families[0].result, RR_TODO);
	ASSERT_INT_EQ(c->families[0].documented, 1);
	ASSERT_STR_EQ(c->families[0].directive, "conforms to its own documents: got 5");
	ASSERT_STR_EQ(run_yaml_get(&c->families[0].diag, "kind"), "documented");
	ASSERT_STR_EQ(run_yaml_get(&c->families[0].diag, "documented"), "shutdown(2) says so");
	ASSERT_INT_EQ(c->families[2].documented, 0);
	ASSERT_STR_EQ(run_yaml_get(&c->families[2].diag, "kind"), "divergence");
	ASSERT_STR_EQ(cell_of("shutrd.data_dropped"),
		      "diverges (inet: as documented, got 5; unix: got 5; inet6: conforms)");

	write_and_read(documented_inet_divergent_unix,
		       KIND_CASE_HEAD KIND_FAILED(1, "inet", "5") "ok 2 - inet6\nok 3 - unix\n", 1);
	c = run_tap_find(&run, "shutrd.data_dropped");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	ASSERT_INT_EQ(c->documented, 1);
	ASSERT_STR_EQ(c->directive, "conforms to its own documents");
	ASSERT_INT_EQ(matrix_cell_status(c), CELL_DOCUMENTED);
	ASSERT_STR_EQ(matrix_status_name(CELL_DOCUMENTED), "documented");
	ASSERT_STR_EQ(cell_of("shutrd.data_dropped"),
		      "documented (inet: got 5; unix: no longer diverges; inet6: conforms)");

	write_and_read(documented_inet_divergent_unix, KIND_CASE_HEAD "ok 1 - inet\nok 2 - inet6\n"
								      "ok 3 - unix\n", 0);
	c = run_tap_find(&run, "shutrd.data_dropped");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	ASSERT_INT_EQ(c->result, RR_TODO_PASSED);
	ASSERT_INT_EQ(c->documented, 0);
	ASSERT_INT_EQ(c->families[0].documented, 1);
	ASSERT_STR_EQ(cell_of("shutrd.data_dropped"),
		      "conforms (inet: documented record no longer holds; unix: no longer diverges)");
}

/* The kind is said twice, in the TODO's words and in kind:; the two must agree. */
static void test_kind_that_disagrees_with_its_todo_is_an_error(void)
{
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n"
				"    not ok 1 - inet # TODO diverges as recorded: got 5\n"
				"      ---\n      kind: \"documented\"\n      ...\n"
				"not ok 1 - a.b # TODO diverges as recorded\n",
			FILE_ "18:", "family inet: its record's kind is documented");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n"
				"    ok 1 - inet # TODO documented record no longer holds\n"
				"      ---\n      kind: \"divergence\"\n      ...\n"
				"ok 1 - a.b # TODO documented record no longer holds\n",
			FILE_ "18:", "its record's kind is divergence");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n"
				"    not ok 1 - inet # TODO conforms to its own documents: got 5\n"
				"      ---\n      kind: \"bug\"\n      ...\n"
				"not ok 1 - a.b # TODO conforms to its own documents\n",
			FILE_ "18:", "unknown record kind");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..2\n"
				"    not ok 1 - inet # TODO conforms to its own documents: got 5\n"
				"    not ok 2 - unix # TODO diverges as recorded: got 5\n"
				"not ok 1 - a.b # TODO conforms to its own documents\n",
			FILE_ "17:", "its family unix is a recorded divergence");
	ASSERT_REJECTED(HEAD(1) "# Subtest: a.b\n    1..1\n"
				"    not ok 1 - inet # TODO conforms to its own documents: got 5\n"
				"not ok 1 - a.b # TODO diverges as recorded\n",
			FILE_ "16:", "every family behind its TODO follows its own documents");
	/* a kind: on a family that failed is a record's that did not match: no TODO to agree with */
	ASSERT_INT_EQ(parse(HEAD(1) "# Subtest: a.b\n    1..1\n    not ok 1 - inet\n"
				    "      ---\n      kind: \"documented\"\n      ...\n"
				    "not ok 1 - a.b\n"),
		      0);
}

/* ---- the matrix's words for a cell ---------------------------------------------------------- */

static void test_cell_names_the_families_and_what_they_did(void)
{
	ASSERT_INT_EQ(parse(well_formed), 0);
	ASSERT_STR_EQ(cell_of("fin.recv_zero"), "conforms");
	ASSERT_STR_EQ(cell_of("shutrd.data_dropped"),
		      "diverges (inet: got 5; inet6: conforms; unix: skipped)");
	ASSERT_STR_EQ(cell_of("rst.process_killed"), "conforms (inet: no longer diverges)");
	ASSERT_STR_EQ(cell_of("no.such_case"), "not run");
	ASSERT_INT_EQ(matrix_cell_status(run_tap_find(&run, "shutrd.data_dropped")), CELL_DIVERGES);
	ASSERT_INT_EQ(matrix_cell_status(NULL), CELL_NOT_RUN);
}

static void test_cell_groups_families_that_did_the_same(void)
{
	ASSERT_INT_EQ(parse(HEAD(2) "# Subtest: a.b\n    1..3\n"
				 "    not ok 1 - inet # TODO diverges as recorded: got 5\n"
				 "    not ok 2 - inet6 # TODO diverges as recorded: got 5\n"
				 "    ok 3 - unix # SKIP no\nnot ok 1 - a.b # TODO diverges as recorded\n"
				 "# Subtest: c.d\n    1..3\n"
				 "    ok 1 - inet # SKIP Windows only\n"
				 "    ok 2 - inet6 # SKIP Windows only\n"
				 "    ok 3 - unix # SKIP Windows only\n"
				 "ok 2 - c.d # SKIP no family applies here\n"),
		      0);
	ASSERT_STR_EQ(cell_of("a.b"), "diverges (inet, inet6: got 5; unix: skipped)");
	ASSERT_STR_EQ(cell_of("c.d"), "skipped (Windows only)");
}

static void test_cell_of_a_failure_says_got_and_expected(void)
{
	ASSERT_INT_EQ(parse(HEAD(2) "# Subtest: a.b\n    1..2\n    ok 1 - inet\n"
				 "    not ok 2 - inet6\n      ---\n      expected: \"== 0\"\n"
				 "      got: \"7\"\n      verdict: \"diverges, but not as recorded: the "
				 "record says got 5\"\n      ...\nnot ok 1 - a.b\n"
				 "not ok 2 - c.d\n  ---\n  message: \"crashed: killed by SIGSEGV (11)\"\n"
				 "  ...\n"),
		      0);
	ASSERT_STR_EQ(cell_of("a.b"),
		      "fails (inet6: got 7, expected == 0, but the record says got 5; inet: conforms)");
	ASSERT_STR_EQ(cell_of("c.d"), "fails (crashed: killed by SIGSEGV (11))");
}

static void test_cell_puts_a_multiline_value_on_one_line(void)
{
	ASSERT_INT_EQ(parse(HEAD(1) "# Subtest: a.b\n    1..1\n"
				 "    not ok 1 - inet # TODO diverges as recorded: got two lines\n"
				 "      ---\n      got: \"two\\nlines\"\n      ...\n"
				 "not ok 1 - a.b # TODO diverges as recorded\n"),
		      0);
	ASSERT_STR_EQ(cell_of("a.b"), "diverges (inet: got two lines)");
}

static int cleanup(void)
{
	run_tap_free(&run);
	return 0;
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_well_formed_run_parses),
	UNIT_TEST(test_subtest_comments_carry_claim_and_cites),
	UNIT_TEST(test_header_comments_name_the_platform),
	UNIT_TEST(test_header_comments_before_the_plan_read_too),
	UNIT_TEST(test_unknown_header_comments_are_kept),
	UNIT_TEST(test_a_subtest_may_follow_the_plan),
	UNIT_TEST(test_label_defaults_to_the_file_name),
	UNIT_TEST(test_points_keep_result_and_directive),
	UNIT_TEST(test_family_yaml_is_unquoted_in_order),
	UNIT_TEST(test_case_yaml_lists_become_pairs_under_their_key),
	UNIT_TEST(test_broken_case_without_subtest_parses),
	UNIT_TEST(test_crlf_and_trailing_blank_lines_are_accepted),
	UNIT_TEST(test_last_line_without_newline_counts),
	UNIT_TEST(test_repeated_rounds_fold_into_the_first),
	UNIT_TEST(test_a_round_that_differs_is_noted),
	UNIT_TEST(test_first_line_must_be_the_version),
	UNIT_TEST(test_missing_plan_is_an_error),
	UNIT_TEST(test_second_plan_is_an_error),
	UNIT_TEST(test_cut_short_file_is_an_error),
	UNIT_TEST(test_more_points_than_planned_is_an_error),
	UNIT_TEST(test_out_of_order_numbers_are_errors),
	UNIT_TEST(test_subtest_must_match_its_point),
	UNIT_TEST(test_case_point_must_agree_with_its_families),
	UNIT_TEST(test_malformed_points_are_errors),
	UNIT_TEST(test_garbage_is_an_error_with_the_line),
	UNIT_TEST(test_bail_out_is_an_error),
	UNIT_TEST(test_nul_byte_is_an_error),
	UNIT_TEST(test_malformed_yaml_is_an_error),
	UNIT_TEST(test_repeated_yaml_key_is_an_error),
	UNIT_TEST(test_bail_out_after_the_plan_is_an_error),
	UNIT_TEST(test_yaml_must_follow_a_point),
	UNIT_TEST(test_long_lines_are_kept_whole),
	UNIT_TEST(test_error_message_cuts_a_long_line),
	UNIT_TEST(test_load_names_a_missing_file),
	UNIT_TEST(test_what_the_runner_writes_reads_back),
	UNIT_TEST(test_documented_and_divergent_read_back),
	UNIT_TEST(test_kind_that_disagrees_with_its_todo_is_an_error),
};

static const struct unit_test cell_tests[] = {
	UNIT_TEST(test_cell_names_the_families_and_what_they_did),
	UNIT_TEST(test_cell_groups_families_that_did_the_same),
	UNIT_TEST(test_cell_of_a_failure_says_got_and_expected),
	UNIT_TEST(test_cell_puts_a_multiline_value_on_one_line),
};

void register_run_tap_tests(void)
{
	ADD_SUITE("run_tap_parse", tests);
	ADD_SUITE_WITH_CLEANUP("matrix_cell_text", cleanup, cell_tests);
}
