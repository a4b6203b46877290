/*
 * wait.c: bounded waits on observable conditions.  Each polls the
 * condition itself; when the bound passes, the family fails with what was
 * awaited and what was last seen.  No wait sleeps for a fixed time: poll()
 * returns as soon as the socket changes, and conditions that poll cannot
 * see (acknowledgements) are re-read on a short back-off.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <stdio.h>
#include <stdlib.h>

double now_ms(void)
{
	return sc_plat_now_ms();
}

/* Milliseconds from the environment, or the default when unset or not positive. */
static int env_ms(const char *name, int fallback)
{
	const char *s = getenv(name);
	int ms = s ? atoi(s) : 0;

	return ms > 0 ? ms : fallback;
}

int sc_quiet_ms(void)
{
	static int quiet;

	if (!quiet)
		quiet = env_ms("SOCKCONF_QUIET_MS", 20);
	return quiet;
}

/*
 * Announce a negative window, so the runner can count what they cost.  A
 * negative window is a check (check_stays_unreadable, wire_check_quiet):
 * each counts as one here.
 */
void sc_announce_quiet(const char *why)
{
	sc_check_made();
	printf("# quiet: %d ms %s\n", sc_quiet_ms(), why);
	fflush(stdout);
}

int sc_wait_bound_ms(void)
{
	static int bound;

	if (!bound)
		bound = env_ms("SOCKCONF_WAIT_MS", 2000);
	return bound;
}

void sc_backoff_pause(int *backoff_ms)
{
	struct pollfd none = {.fd = -1, .events = 0, .revents = 0};

	sc_poll(&none, 1, *backoff_ms); /* a bounded pause between reads */
	*backoff_ms = *backoff_ms ? (*backoff_ms < 8 ? *backoff_ms * 2 : 8) : 1;
}

static short poll_once(int fd, short events, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = events, .revents = 0};
	int n = sc_poll(&p, 1, timeout_ms);

	if (n == -1 && errno != EINTR) {
		char err[64];
		sc_format_errno(err, sizeof err, errno);
		sc_fail(NULL, "poll() failed while waiting: %s", err);
	}
	return n > 0 ? p.revents : 0;
}

/* Waits until poll reports any of `events` (or an error/hangup) on fd. */
static short wait_events(int fd, short events, const char *awaited)
{
	double deadline = sc_plat_now_ms() + sc_wait_bound_ms();

	sc_current_step = awaited;
	for (;;) {
		double left = deadline - sc_plat_now_ms();
		short revents;

		if (left <= 0)
			sc_fail(NULL, "timed out after %d ms waiting for %s (fd %d)", sc_wait_bound_ms(),
				awaited, fd);
		revents = poll_once(fd, events, (int)left + 1);
		if (revents & (events | POLLERR | POLLHUP | POLLNVAL))
			return revents;
	}
}

void wait_readable(int fd)
{
	wait_events(fd, POLLIN, "the socket to become readable");
}

/*
 * Only poll's view: reading SO_ERROR would clear the error that the case's
 * next recv() or send() is meant to report.
 */
void wait_error_pending(int fd)
{
	wait_events(fd, 0, "an error or hangup to be pending on the socket");
}

static int family_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (sc_getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	return ss.ss_family;
}

/*
 * What a stack that shows no unacknowledged count (gVisor: no SIOCOUTQ,
 * TCP_INFO's tcpi_unacked stays 0) still shows of it.  Its TCP state, once
 * fd has sent its FIN: FIN_WAIT1, CLOSING and LAST_ACK wait for the FIN's
 * ACK; FIN_WAIT2 and TIME_WAIT (and CLOSED, the connection gone) have had
 * it, and an ACK of the FIN acknowledges everything sent before it.
 * 1: acknowledged; 0: not yet; -1: the state does not say.
 */
static int fin_acked_by_state(int fd)
{
	switch (sc_tcp_state_raw(fd)) {
	case SC_TCP_FIN_WAIT1:
	case SC_TCP_CLOSING:
	case SC_TCP_LAST_ACK: return 0;
	case SC_TCP_FIN_WAIT2:
	case SC_TCP_TIME_WAIT:
	case SC_TCP_CLOSED: return 1;
	default: return -1;
	}
}

/* Bytes fd sent that its other end (in this process) neither read nor holds; -1: unknown. */
static long undelivered(int fd, int family)
{
	sc_handle h;
	const struct sc_stack *s = sc_stack_of(fd, &h);

	return s->undelivered_bytes ? s->undelivered_bytes(h, family) : -1;
}

void wait_peer_acked(int fd)
{
	double deadline = sc_plat_now_ms() + sc_wait_bound_ms();
	int family = family_of(fd);
	int backoff_ms = 0;
	long unacked, missing = -1;
	int fin_acked = -1;

	sc_current_step = "the peer to acknowledge all data sent";
	for (;;) {
		unacked = sc_unacked_bytes(fd, family);
		if (unacked == 0)
			return;
		if (unacked < 0) { /* the stack does not count: its state, or the receiver, may tell */
			fin_acked = fin_acked_by_state(fd);
			if (fin_acked == 1)
				return;
			if (fin_acked == -1) {
				missing = undelivered(fd, family);
				if (missing == 0)
					return; /* all of it is at the other end: it was acknowledged or is being */
				if (missing < 0)
					skip("this stack does not show how much sent data is unacknowledged");
			}
		}
		if (poll_once(fd, 0, 0) & (POLLERR | POLLHUP))
			return; /* reset: nothing will be acknowledged any more */
		if (sc_plat_now_ms() > deadline) {
			if (unacked > 0)
				sc_fail(NULL, "timed out after %d ms waiting for the peer to acknowledge %ld bytes",
					sc_wait_bound_ms(), unacked);
			if (fin_acked == 0)
				sc_fail(NULL, "timed out after %d ms waiting for the peer to acknowledge the FIN "
					      "(the connection is still in %s)",
					sc_wait_bound_ms(), tcp_state_name((enum sc_tcp_state)sc_tcp_state_raw(fd)));
			/* data a stack drops on arrival never shows at the receiver: it cannot refute */
			note("undelivered", "%ld bytes", missing);
			skip("this stack shows no unacknowledged data, and what was sent has not shown at the "
			     "receiving end: dropped there or still on its way, it cannot tell");
		}
		sc_backoff_pause(&backoff_ms); /* ACKs raise no poll event */
	}
}

short epoll_revents(int fd, short events)
{
	int revents = sc_epoll_revents_raw(fd, events);

	if (revents == -1 && errno == ENOSYS)
		skip("this stack has no epoll");
	if (revents == -1) {
		char err[64];
		sc_format_errno(err, sizeof err, errno);
		sc_fail(NULL, "epoll failed: %s", err);
	}
	return (short)revents;
}

void check_stays_unreadable(int fd, const char *why)
{
	double deadline = now_ms() + sc_quiet_ms();
	double left;

	sc_announce_quiet(why);
	sc_current_step = why;
	while ((left = deadline - now_ms()) > 0) {
		short revents = poll_once(fd, POLLIN, (int)left + 1);

		if (revents & (POLLIN | POLLERR | POLLHUP))
			sc_fail(NULL, "the socket became readable (revents 0x%x) within the %d ms window: %s",
				(unsigned)revents, sc_quiet_ms(), why);
	}
}
