/*
 * test_acked_views.c: wait_peer_acked (lib/wait.c) on a stack that shows
 * no unacknowledged count, as gVisor's: the TCP state tells once a FIN was
 * sent, the receiving end tells for data, and a receiving end that never
 * shows the data makes a SKIP, never a failure (a stack that drops data on
 * arrival would otherwise fail for doing what the claim says).
 *
 * The stack is a fake one, adopted into lib's dispatch layer: its answers
 * are scripted per test.
 */
#define SC_LIB_INTERNAL /* the stack ops below are named as lib names them */
#include "sockconf.h"
#include "outcome.h"
#include "suites.h"

#include <setjmp.h>
#include <string.h>

static struct {
	int state;           /* what tcp_state answers: an sc_tcp_state, or -1 */
	int state_after;     /* ... and from the reads_until_change'th read on */
	long undelivered;    /* what undelivered_bytes answers ... */
	long undelivered_after;
	unsigned reads, reads_until_change;
} fake;

static int fake_getsockname(sc_handle s, struct sockaddr *a, socklen_t *l)
{
	struct sockaddr_in in;

	(void)s;
	memset(&in, 0, sizeof in);
	in.sin_family = AF_INET;
	memcpy(a, &in, *l < sizeof in ? *l : sizeof in);
	*l = sizeof in;
	return 0;
}

static long fake_unacked(sc_handle s, int family) { (void)s, (void)family; return -1; }

static int fake_tcp_state(sc_handle s)
{
	(void)s;
	return ++fake.reads >= fake.reads_until_change ? fake.state_after : fake.state;
}

static long fake_undelivered(sc_handle s, int family)
{
	(void)s, (void)family;
	return fake.reads >= fake.reads_until_change ? fake.undelivered_after : fake.undelivered;
}

static int fake_poll(struct pollfd *fds, unsigned n, int timeout_ms)
{
	(void)timeout_ms;
	for (unsigned i = 0; i < n; i++)
		fds[i].revents = 0;
	return 0;
}

static int fake_setsockopt(sc_handle s, int level, int name, const void *v, socklen_t l)
{
	(void)s, (void)level, (void)name, (void)v, (void)l;
	return 0;
}

static int fake_close(sc_handle s) { (void)s; return 0; }

static const struct sc_stack opaque_stack = {
	.name = "opaque",
	.identity_fds = 0,
	.getsockname = fake_getsockname,
	.unacked_bytes = fake_unacked,
	.tcp_state = fake_tcp_state,
	.undelivered_bytes = fake_undelivered,
	.poll = fake_poll,
	.setsockopt = fake_setsockopt,
	.close = fake_close,
};

static void wait_then_check(void)
{
	wait_peer_acked(sc_adopt(&opaque_stack, 7));
	check(1); /* what the case would check next */
}

static enum sc_status run_family(int state, int state_after, long undelivered, long undelivered_after,
				 unsigned reads_until_change)
{
	fake.state = state, fake.state_after = state_after;
	fake.undelivered = undelivered, fake.undelivered_after = undelivered_after;
	fake.reads = 0, fake.reads_until_change = reads_until_change;
	sc_outcome_reset();
	if (setjmp(sc_family_exit) == 0) {
		wait_then_check();
		sc_family_returned();
	}
	sc_run_family_end();
	sc_close_family_sockets();
	return sc_outcome.status;
}

static void test_fin_acknowledged_by_the_state(void)
{
	/* shutdown(SHUT_WR): FIN_WAIT1 until the ACK comes, then FIN_WAIT2 */
	ASSERT_INT_EQ(run_family(SC_TCP_FIN_WAIT1, SC_TCP_FIN_WAIT2, -1, -1, 4), SC_PASS);
	CU_ASSERT_TRUE(fake.reads >= 4);
	ASSERT_INT_EQ(run_family(SC_TCP_LAST_ACK, SC_TCP_CLOSED, -1, -1, 2), SC_PASS);
	ASSERT_INT_EQ(run_family(SC_TCP_TIME_WAIT, SC_TCP_TIME_WAIT, -1, -1, 1), SC_PASS);
}

static void test_data_delivered_seen_at_the_receiving_end(void)
{
	/* ESTABLISHED says nothing of data: 5 bytes on their way, then all at the other end */
	ASSERT_INT_EQ(run_family(SC_TCP_ESTABLISHED, SC_TCP_ESTABLISHED, 5, 0, 4), SC_PASS);
	CU_ASSERT_TRUE(fake.reads >= 4);
}

static void test_no_view_at_all_is_a_skip(void)
{
	ASSERT_INT_EQ(run_family(SC_TCP_ESTABLISHED, SC_TCP_ESTABLISHED, -1, -1, 1), SC_SKIP);
	ASSERT_CONTAINS(sc_outcome.message, "does not show how much sent data is unacknowledged");
}

/* Never at the other end: dropped on arrival or still on its way; it cannot tell, so it skips. */
static void test_data_never_delivered_is_a_skip_not_a_failure(void)
{
	ASSERT_INT_EQ(run_family(SC_TCP_ESTABLISHED, SC_TCP_ESTABLISHED, 5, 5, 1), SC_SKIP);
	ASSERT_CONTAINS(sc_outcome.message, "it cannot tell");
}

/* The state is the stack's own word on the FIN: one that stays unacknowledged fails. */
static void test_fin_never_acknowledged_fails(void)
{
	ASSERT_INT_EQ(run_family(SC_TCP_FIN_WAIT1, SC_TCP_FIN_WAIT1, -1, -1, 1), SC_FAIL);
	ASSERT_CONTAINS(sc_outcome.message, "acknowledge the FIN");
	ASSERT_CONTAINS(sc_outcome.message, "FIN_WAIT1");
}

void register_acked_views_tests(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_fin_acknowledged_by_the_state),
		UNIT_TEST(test_data_delivered_seen_at_the_receiving_end),
		UNIT_TEST(test_no_view_at_all_is_a_skip),
		UNIT_TEST(test_data_never_delivered_is_a_skip_not_a_failure),
		UNIT_TEST(test_fin_never_acknowledged_fails),
	};
	ADD_SUITE("wait_peer_acked without an unacknowledged count", tests);
}
