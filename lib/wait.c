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

/* Announce a negative window, so the runner can count what they cost. */
void sc_announce_quiet(const char *why)
{
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

void wait_peer_acked(int fd)
{
	double deadline = sc_plat_now_ms() + sc_wait_bound_ms();
	int family = family_of(fd);
	int backoff_ms = 0;
	long unacked;

	sc_current_step = "the peer to acknowledge all data sent";
	for (;;) {
		unacked = sc_unacked_bytes(fd, family);
		if (unacked == 0)
			return;
		if (unacked < 0)
			skip("this stack does not show how much sent data is unacknowledged");
		if (poll_once(fd, 0, 0) & (POLLERR | POLLHUP))
			return; /* reset: nothing will be acknowledged any more */
		if (sc_plat_now_ms() > deadline)
			sc_fail(NULL, "timed out after %d ms waiting for the peer to acknowledge %ld bytes",
				sc_wait_bound_ms(), unacked);
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
