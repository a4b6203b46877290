/*
 * test_checks_made.c: a family must make a check, and a failed check says what
 * it saw with errno by name (lib/check.c).  Each test
 * runs a body as lib/case_main.c runs a family, and looks at the verdict
 * and at how many checks were counted.
 */
#include "sockconf.h"
#include "outcome.h"
#include "suites.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* One family's run, as case_main.c's run_family does it. */
static enum sc_status run_body(void (*body)(void))
{
	sc_outcome_reset();
	if (setjmp(sc_family_exit) == 0) {
		body();
		sc_family_returned();
	}
	sc_run_family_end();
	sc_close_family_sockets();
	return sc_outcome.status;
}

static void asserts_nothing(void)
{
	note("seen", "a value, but no check");
}

static void one_passing_check(void)
{
	check(1 + 1 == 2);
}

static void one_failing_check(void)
{
	check_int(1 + 1, ==, 3);
}

static void skips_before_any_check(void)
{
	skip("nothing to say here");
}

static void every_check_macro_once(void)
{
	check(1);
	check_int(2, >, 1);
	check_call(0);
	check_fails((errno = EPIPE, -1), EPIPE);
	check_signals(SIGINT, ==, 0);
}

static void negative_window(void)
{
	int p[2];

	if (pipe(p) == -1)
		sc_fail(NULL, "pipe() failed");
	check_stays_unreadable(p[0], "nothing is written to the pipe");
	close(p[0]);
	close(p[1]);
}

static void tcp_state_check(void)
{
	struct sc_conn c = open_connection(SC_INET);

	check_tcp_state(c.local, SC_TCP_ESTABLISHED);
}

/* Waits bring a case to a state; they assert nothing about it. */
static void only_waits(void)
{
	struct sc_conn c = open_connection(SC_INET);

	if (sc_send(c.peer, "x", 1, 0) != 1)
		sc_fail(NULL, "send() failed");
	wait_readable(c.local);
	wait_peer_acked(c.peer);
}

static int pending_error; /* what a getsockopt(SO_ERROR) would have given */

static void so_error_check(void)
{
	check_int(pending_error, ==, ECONNRESET);
}

static void byte_count_check(void)
{
	check_int(pending_error, ==, 3);
}

static void failing_call_check(void)
{
	check_fails((errno = EPIPE, -1), ECONNRESET);
}

static void test_a_family_without_checks_fails(void)
{
	ASSERT_INT_EQ(run_body(asserts_nothing), SC_FAIL);
	ASSERT_STR_EQ(sc_outcome.message, "no checks made");
	ASSERT_INT_EQ(sc_checks_made(), 0);
	ASSERT_STR_EQ(sc_outcome.check, "");
	ASSERT_STR_EQ(sc_outcome.note_val[0], "a value, but no check"); /* notes are kept */
}

static void test_one_check_makes_a_pass(void)
{
	ASSERT_INT_EQ(run_body(one_passing_check), SC_PASS);
	ASSERT_STR_EQ(sc_outcome.message, "");
	ASSERT_INT_EQ(sc_checks_made(), 1);
}

static void test_a_failed_check_counts_and_keeps_its_diagnostics(void)
{
	ASSERT_INT_EQ(run_body(one_failing_check), SC_FAIL);
	ASSERT_INT_EQ(sc_checks_made(), 1);
	ASSERT_STR_EQ(sc_outcome.message, "");
	ASSERT_STR_EQ(sc_outcome.check, "1 + 1 == 3");
	ASSERT_STR_EQ(sc_outcome.got, "2");
}

static void test_a_skip_is_a_skip_not_a_missing_check(void)
{
	ASSERT_INT_EQ(run_body(skips_before_any_check), SC_SKIP);
	ASSERT_STR_EQ(sc_outcome.message, "nothing to say here");
}

static void test_each_check_macro_counts_once(void)
{
	ASSERT_INT_EQ(run_body(every_check_macro_once), SC_PASS);
	ASSERT_INT_EQ(sc_checks_made(), 5);
}

static void test_a_negative_window_is_a_check(void)
{
	ASSERT_INT_EQ(run_body(negative_window), SC_PASS);
	ASSERT_INT_EQ(sc_checks_made(), 1);
}

static void test_check_tcp_state_counts(void)
{
	enum sc_status status = run_body(tcp_state_check);

	if (status == SC_SKIP)
		return; /* no TCP_INFO on this stack: nothing to count */
	ASSERT_INT_EQ(status, SC_PASS);
	ASSERT_INT_EQ(sc_checks_made(), 1);
}

static void test_waits_are_no_checks(void)
{
	enum sc_status status = run_body(only_waits);

	if (status == SC_SKIP)
		return; /* the stack cannot show unacknowledged bytes */
	ASSERT_INT_EQ(status, SC_FAIL);
	ASSERT_STR_EQ(sc_outcome.message, "no checks made");
}

static void test_the_count_starts_again_with_each_family(void)
{
	run_body(every_check_macro_once);
	ASSERT_INT_EQ(run_body(asserts_nothing), SC_FAIL);
	ASSERT_STR_EQ(sc_outcome.message, "no checks made");
}

/* Compared with an errno name, a value is shown by name, as check_fails shows errno. */
static void test_an_errno_valued_check_shows_names(void)
{
	char want[64];

	pending_error = EPIPE;
	ASSERT_INT_EQ(run_body(so_error_check), SC_FAIL);
	ASSERT_STR_EQ(sc_outcome.expected, "== ECONNRESET");
	ASSERT_STR_EQ(sc_outcome.got, "EPIPE");
	snprintf(want, sizeof want, "EPIPE (%d)", EPIPE);
	ASSERT_STR_EQ(sc_outcome.err, want);

	pending_error = 0; /* no error pending: no name, the number */
	ASSERT_INT_EQ(run_body(so_error_check), SC_FAIL);
	ASSERT_STR_EQ(sc_outcome.got, "0");
	ASSERT_STR_EQ(sc_outcome.err, "");
}

static void test_a_plain_number_stays_a_number(void)
{
	char want[64];

	pending_error = EPIPE;
	ASSERT_INT_EQ(run_body(byte_count_check), SC_FAIL);
	snprintf(want, sizeof want, "%d", EPIPE);
	ASSERT_STR_EQ(sc_outcome.got, want);
	ASSERT_STR_EQ(sc_outcome.expected, "== 3");
}

static void test_a_failed_call_shows_its_errno_by_name(void)
{
	char want[64];

	ASSERT_INT_EQ(run_body(failing_call_check), SC_FAIL);
	ASSERT_STR_EQ(sc_outcome.got, "-1 EPIPE");
	ASSERT_STR_EQ(sc_outcome.expected, "-1 ECONNRESET");
	snprintf(want, sizeof want, "EPIPE (%d)", EPIPE);
	ASSERT_STR_EQ(sc_outcome.err, want);
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_a_family_without_checks_fails),
	UNIT_TEST(test_one_check_makes_a_pass),
	UNIT_TEST(test_a_failed_check_counts_and_keeps_its_diagnostics),
	UNIT_TEST(test_a_skip_is_a_skip_not_a_missing_check),
	UNIT_TEST(test_each_check_macro_counts_once),
	UNIT_TEST(test_a_negative_window_is_a_check),
	UNIT_TEST(test_check_tcp_state_counts),
	UNIT_TEST(test_waits_are_no_checks),
	UNIT_TEST(test_the_count_starts_again_with_each_family),
	UNIT_TEST(test_an_errno_valued_check_shows_names),
	UNIT_TEST(test_a_plain_number_stays_a_number),
	UNIT_TEST(test_a_failed_call_shows_its_errno_by_name),
};

void register_checks_made_tests(void)
{
	ADD_SUITE("checks_made", tests);
}
