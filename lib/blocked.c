/*
 * blocked.c: a recv() that blocks in another thread, so that a case can
 * show what wakes it.  The thread says when it is about to call; where the
 * platform can tell, we also wait until it is asleep in the kernel, so the
 * peer's action really meets a blocked call and not one about to start.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "path.h"

#include <stdio.h>
#include <stdlib.h>

struct sc_blocked {
	int fd;
	char buf[64];
	struct sc_plat_event *entering, *returned;
	volatile long thread;
	volatile long long result;
	volatile int err;
};

static void blocked_recv_thread(void *arg)
{
	struct sc_blocked *b = arg;

	b->thread = sc_plat_thread_id();
	sc_plat_event_set(b->entering);
	b->result = sc_recv(b->fd, b->buf, sizeof b->buf, 0);
	b->err = sc_socket_errno();
	sc_plat_event_set(b->returned);
}

/*
 * Never freed: a thread whose recv() never returns (a failed family) still
 * uses its record.  Kept reachable here, so leak checkers see no leak.
 */
#define MAX_BLOCKED 16
static struct sc_blocked *all_blocked[MAX_BLOCKED];
static unsigned nblocked;

int sc_recv_blocked_on(int fd)
{
	for (unsigned i = 0; i < nblocked; i++)
		if (all_blocked[i]->fd == fd && !sc_plat_event_wait(all_blocked[i]->returned, 0))
			return 1;
	return 0;
}

struct sc_blocked *start_blocked_recv(int fd)
{
	sc_handle handle;
	const struct sc_stack *stack = sc_stack_of(fd, &handle);
	struct sc_blocked *b;
	double deadline;
	int asleep;

	if (stack->blocked_calls_retried)
		skip(stack->blocked_calls_retried);
	b = nblocked < MAX_BLOCKED ? calloc(1, sizeof *b) : NULL;

	if (!b)
		sc_fail(NULL, "out of memory, or more than %d blocked calls", MAX_BLOCKED);
	all_blocked[nblocked++] = b;
	b->fd = fd;
	b->entering = sc_plat_event_new();
	b->returned = sc_plat_event_new();
	if (!b->entering || !b->returned || sc_plat_thread_start(blocked_recv_thread, b) == -1)
		sc_fail(NULL, "could not start a thread for the blocking recv()");
	sc_current_step = "the thread to call recv()";
	if (!sc_plat_event_wait(b->entering, sc_wait_bound_ms()))
		sc_fail(NULL, "the recv() thread did not start within %d ms", sc_wait_bound_ms());
	deadline = now_ms() + sc_wait_bound_ms();
	sc_current_step = "recv() to block in the kernel";
	while ((asleep = sc_plat_thread_sleeping(b->thread)) == 0) {
		if (sc_plat_event_wait(b->returned, 1))
			sc_fail(NULL, "recv() returned %lld at once: it did not block", b->result);
		if (now_ms() > deadline)
			sc_fail(NULL, "recv() did not block within %d ms", sc_wait_bound_ms());
	}
	/* "cannot tell" is also what a thread that has already returned and gone
	 * answers: a recv() that never blocked must not pass as a woken one */
	if (asleep < 0 && sc_plat_event_wait(b->returned, 0))
		sc_fail(NULL, "recv() returned %lld at once: it did not block", b->result);
	if (asleep < 0) {
		/* a thread that has said it is about to call may not have called yet: give it a
		 * quiet window to be in recv(), which must not return meanwhile */
		sc_announce_quiet("for the recv() to be under way: the platform cannot tell when it sleeps");
		if (sc_plat_event_wait(b->returned, sc_quiet_ms()))
			sc_fail(NULL, "recv() returned %lld at once: it did not block", b->result);
		note("blocked", "the platform cannot confirm that recv() was asleep in the kernel: it had "
		     "been called %s before", sc_quiet_text());
	}
	return b;
}

static long long blocked_result_within(struct sc_blocked *b, int bound, const char *bound_is)
{
	sc_current_step = "the blocked recv() to return";
	if (sc_recorded_got_is("blocked")) {
		bound = sc_bound_or_recorded_ms("blocked", "the blocked recv() to return");
		bound_is = "a quiet window: a record says it stays blocked";
	}
	if (!sc_plat_event_wait(b->returned, bound)) {
		/* what was awaited never came: a value a record can name */
		snprintf(sc_outcome.got, sizeof sc_outcome.got, "blocked");
		sc_fail(NULL, "recv() still blocked %d ms later (%s)", bound, bound_is);
	}
	errno = b->err;
	return b->result;
}

/* A call of this process (shutdown) is what should wake it: nothing crosses the link. */
long long blocked_call_result(struct sc_blocked *b)
{
	return blocked_result_within(b, sc_wait_bound_ms(), "the wait bound");
}

/*
 * The peer's FIN is what should wake it, and a lossy link can lose it:
 * TCP sends it again, each time twice as late (RFC 6298 §5.5; from Linux's
 * 200 ms floor: 200, 400, 800, 1600 ms), so the bound leaves room for a
 * few resends beyond the usual wait.
 */
#define RESEND_ALLOWANCE_MS 3000

long long blocked_call_result_after_peer(struct sc_blocked *b)
{
	return blocked_result_within(b, sc_wait_bound_ms() + RESEND_ALLOWANCE_MS,
				     "the wait bound, and time for the peer's FIN to be sent again");
}
