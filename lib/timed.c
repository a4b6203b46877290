/*
 * timed.c: close() timed, for the cases whose claim is how long close()
 * takes (SO_LINGER): at once, the linger time, or until the data is
 * delivered.  One clock, one rounding and one note for all of them.
 *
 * A close() that must wait for the peer to read runs in another thread
 * (start_timed_close), so that the case can be the peer meanwhile.  The
 * thread reads the peer's TCP state the moment close() returns: that is
 * what the peer had received by then, which no later look can tell.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "path.h"

#include <stdlib.h>

static struct sc_close_timing timing_of(int ret, int err, double ms, int peer_state)
{
	struct sc_close_timing t;
	char errbuf[64] = "";

	t.ret = ret;
	t.err = ret == -1 ? err : 0;
	t.ms = (long long)ms;
	t.seconds = (t.ms + 500) / 1000; /* stable: a 2 s linger reads 2, however loaded the machine */
	t.peer_state = peer_state;
	if (ret == -1)
		sc_format_errno(errbuf, sizeof errbuf, err);
	note("close", "returned %d%s%s%s after %lld ms", ret, ret == -1 ? " (" : "", errbuf,
	     ret == -1 ? ")" : "", t.ms);
	return t;
}

/*
 * The wait bound is 100 round trips (2 s at least): what a delivery may
 * take across the link.  Half of it, rounded up to a second, is still far
 * beyond a delivery (milliseconds on loopback) and short enough that a
 * close() which waits the linger out costs no more than the other linger
 * cases' 1 s.
 */
int linger_s_beyond_delivery(int fd)
{
	sc_link_refresh(fd);
	return (sc_wait_bound_ms() / 2 + 999) / 1000;
}

struct sc_close_timing timed_close(int fd)
{
	double started = sc_plat_now_ms();
	int ret = sc_close(fd);
	int err = sc_socket_errno();

	return timing_of(ret, err, sc_plat_now_ms() - started, -1);
}

struct sc_closing {
	int fd, peer;
	int bound_ms; /* the linger time set on fd, plus the usual wait bound */
	struct sc_plat_event *entering, *returned;
	volatile long thread;
	volatile int ret, err, peer_state;
	volatile double started, ended;
};

static void closing_thread(void *arg)
{
	struct sc_closing *t = arg;

	t->thread = sc_plat_thread_id();
	sc_plat_event_set(t->entering);
	t->started = sc_plat_now_ms();
	t->ret = sc_close(t->fd);
	t->err = sc_socket_errno();
	t->ended = sc_plat_now_ms();
	t->peer_state = sc_tcp_state_raw(t->peer); /* first thing after the return */
	sc_plat_event_set(t->returned);
}

/* Kept reachable, never freed: a close() that never returns still uses its record. */
#define MAX_CLOSING 16
static struct sc_closing *all_closing[MAX_CLOSING];
static unsigned nclosing;

struct sc_closing *start_timed_close(int fd, int peer)
{
	struct sc_closing *t = nclosing < MAX_CLOSING ? calloc(1, sizeof *t) : NULL;
	struct linger lg = {0, 0};
	socklen_t len = sizeof lg;
	double deadline;
	int asleep;

	if (!t)
		sc_fail(NULL, "out of memory, or more than %d timed close() calls", MAX_CLOSING);
	all_closing[nclosing++] = t;
	t->fd = fd;
	t->peer = peer;
	t->peer_state = -1;
	/* A lingering close() may take the linger time; past that the usual bound applies. */
	if (sc_getsockopt(fd, SOL_SOCKET, SO_LINGER, (void *)&lg, &len) == -1 || !lg.l_onoff)
		lg.l_linger = 0;
	t->bound_ms = (int)lg.l_linger * 1000 + sc_wait_bound_ms();
	t->entering = sc_plat_event_new();
	t->returned = sc_plat_event_new();
	if (!t->entering || !t->returned || sc_plat_thread_start(closing_thread, t) == -1)
		sc_fail(NULL, "could not start a thread for the close()");
	sc_current_step = "the thread to call close()";
	if (!sc_plat_event_wait(t->entering, sc_wait_bound_ms()))
		sc_fail(NULL, "the close() thread did not start within %d ms", sc_wait_bound_ms());
	deadline = now_ms() + sc_wait_bound_ms();
	sc_current_step = "close() to block in the kernel";
	for (;;) {
		/* a thread already gone reads as "cannot tell": look for its return either way */
		asleep = sc_plat_thread_sleeping(t->thread);
		if (sc_plat_event_wait(t->returned, asleep == 1 ? 0 : 1))
			sc_fail(NULL, "close() returned %d after %lld ms, before the peer read anything: it did not wait for the data to be delivered",
				t->ret, (long long)(t->ended - t->started));
		if (asleep)
			break;
		if (now_ms() > deadline)
			sc_fail(NULL, "close() did not block within %d ms", sc_wait_bound_ms());
	}
	if (asleep < 0)
		note("blocked", "the platform cannot confirm that close() was asleep in the kernel");
	return t;
}

struct sc_close_timing timed_close_result(struct sc_closing *t)
{
	sc_current_step = "the blocked close() to return";
	if (!sc_plat_event_wait(t->returned, t->bound_ms))
		sc_fail(NULL, "close() still blocked %d ms later", t->bound_ms);
	return timing_of(t->ret, t->err, t->ended - t->started, t->peer_state);
}

void sc_check_state_seen_(const char *file, int line, const char *expr, int got,
			  enum sc_tcp_state expected)
{
	if (got < 0)
		skip("this stack does not show TCP states");
	sc_check_state_(file, line, expr, (enum sc_tcp_state)got, expected);
}
