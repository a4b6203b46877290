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
#include "path.h"

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

/* ---- windows that grow with the link's round-trip time ------------------- */

/*
 * A quiet window must outlast what a segment already on its way needs to
 * arrive: RFC 6298's retransmission timeout is SRTT + 4 × RTTVAR, so the
 * window is 4 × RTT + 4 × RTTVAR where that exceeds SOCKCONF_QUIET_MS.  A
 * wait's bound is 100 round trips where that exceeds SOCKCONF_WAIT_MS (the
 * default 2000 ms is 100 round trips of 20 ms).
 */
#define QUIET_RTTS 4
#define QUIET_RTTVARS 4
#define WAIT_RTTS 100

static struct {
	int known;  /* measured in this family */
	double rtt_ms, rttvar_ms;
	const char *source; /* "rtt" (TCP_INFO) or "handshake" (connect()'s time) */
} link_time;

static void forget_link_time(void *unused)
{
	(void)unused;
	link_time.known = 0;
	link_time.rtt_ms = link_time.rttvar_ms = 0;
}

void sc_link_measured(double rtt_ms, double rttvar_ms, const char *source)
{
	if (!(rtt_ms > 0))
		return;
	if (!link_time.known)
		sc_at_family_end(forget_link_time, NULL);
	link_time.known = 1;
	/* the largest seen: a window or bound taken earlier in the family stays the shortest */
	if (QUIET_RTTS * rtt_ms + QUIET_RTTVARS * rttvar_ms >
	    QUIET_RTTS * link_time.rtt_ms + QUIET_RTTVARS * link_time.rttvar_ms) {
		link_time.rtt_ms = rtt_ms;
		link_time.rttvar_ms = rttvar_ms;
		link_time.source = source;
	}
}

void sc_link_refresh(int fd)
{
	struct sc_path p;

	if (fd >= 0 && sc_path_of(fd, &p) == 0)
		sc_link_measured(p.rtt_ms, p.rttvar_ms, "rtt");
}

static int quiet_default_ms(void)
{
	static int quiet;

	if (!quiet)
		quiet = env_ms("SOCKCONF_QUIET_MS", 20);
	return quiet;
}

static int wait_default_ms(void)
{
	static int bound;

	if (!bound)
		bound = env_ms("SOCKCONF_WAIT_MS", 2000);
	return bound;
}

static int quiet_from_link_ms(void)
{
	double ms = QUIET_RTTS * link_time.rtt_ms + QUIET_RTTVARS * link_time.rttvar_ms;

	return link_time.known ? (int)(ms + 0.999) : 0;
}

static int wait_from_link_ms(void)
{
	return link_time.known ? (int)(WAIT_RTTS * link_time.rtt_ms + 0.999) : 0;
}

int sc_quiet_ms(void)
{
	int link = quiet_from_link_ms();

	return link > quiet_default_ms() ? link : quiet_default_ms();
}

int sc_wait_bound_ms(void)
{
	int link = wait_from_link_ms();

	return link > wait_default_ms() ? link : wait_default_ms();
}

const char *sc_quiet_text(void)
{
	static char text[128];
	const char *what = link_time.source && link_time.source[0] == 'h' ? "handshake" : "rtt";

	if (quiet_from_link_ms() <= quiet_default_ms())
		snprintf(text, sizeof text, "%d ms", quiet_default_ms());
	else if (link_time.rttvar_ms > 0)
		snprintf(text, sizeof text, "%d ms (%d × %s %.1f ms + %d × rttvar %.1f ms)", sc_quiet_ms(),
			 QUIET_RTTS, what, link_time.rtt_ms, QUIET_RTTVARS, link_time.rttvar_ms);
	else
		snprintf(text, sizeof text, "%d ms (%d × %s %.1f ms)", sc_quiet_ms(), QUIET_RTTS, what,
			 link_time.rtt_ms);
	return text;
}

const char *sc_wait_text(void)
{
	static char text[96];
	const char *what = link_time.source && link_time.source[0] == 'h' ? "handshake" : "rtt";

	if (wait_from_link_ms() <= wait_default_ms())
		snprintf(text, sizeof text, "%d ms", wait_default_ms());
	else
		snprintf(text, sizeof text, "%d ms (%d × %s %.1f ms)", sc_wait_bound_ms(), WAIT_RTTS, what,
			 link_time.rtt_ms);
	return text;
}

/*
 * Announce a negative window, so the runner can count what they cost.  A
 * negative window is a check (check_stays_unreadable, wire_check_quiet):
 * each counts as one here.  "# quiet: N ms why", N first: the runner sums it.
 */
void sc_announce_quiet(const char *why)
{
	sc_check_made();
	printf("# quiet: %s %s\n", sc_quiet_text(), why);
	fflush(stdout);
}

void sc_backoff_pause(int *backoff_ms)
{
	sc_plat_pause_ms(*backoff_ms); /* a bounded pause between reads */
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

/*
 * Waits until poll reports any of `events` (or an error/hangup) on fd.
 *
 * An error or hangup is mostly an RST's effect, and TCP sends an RST
 * once: one the link lost never comes.  Once a quiet window has passed
 * with nothing, fd's stack probes the peer (a keepalive); a peer whose
 * connection is gone answers with an RST, which is not the one awaited:
 * the family is inconclusive.  A peer that kept its connection answers an
 * ACK, and the wait goes on (and fails when its bound passes).
 */
static short wait_events(int fd, short events, const char *awaited)
{
	double ask_at, deadline;
	int asked = 0, bound;
	struct sc_path p;

	sc_link_refresh(fd);
	bound = sc_bound_or_recorded_ms("none", awaited);
	ask_at = sc_plat_now_ms() + sc_quiet_ms();
	deadline = ask_at - sc_quiet_ms() + bound;
	if (bound <= sc_quiet_ms())
		asked = -1; /* the wait is a quiet window: a probe would outlast it */
	sc_current_step = awaited;
	for (;;) {
		double now = sc_plat_now_ms(), until;
		short revents;

		if (now >= deadline) {
			/* what was awaited never came: a value a record can name, as the wire's "none" */
			snprintf(sc_outcome.got, sizeof sc_outcome.got, "none");
			sc_fail(NULL, "timed out after %s waiting for %s (fd %d)%s",
				sc_bound_or_recorded_text("none"), awaited, fd,
				asked == 1 ? ", and no keepalive probe sent meanwhile got an RST" : "");
		}
		if (!asked && now >= ask_at) {
			asked = sc_path_ask_peer(fd) == 0 ? 1 : -1;
			/* the probes' own time: the stack sends them SC_PROBE_MS apart, and either
			 * one or its answer may be lost too */
			if (asked == 1 && deadline < now + 2.5 * SC_PROBE_MS)
				deadline = now + 2.5 * SC_PROBE_MS;
		}
		/* after the ask: a wakeup late past ask_at must not make the timeout negative,
		 * which poll() takes as "wait for ever" (seen under load, Wine and Linux alike) */
		until = !asked && ask_at < deadline ? ask_at : deadline;
		revents = poll_once(fd, events, until > now ? (int)(until - now) + 1 : 0);
		if (!(revents & (events | POLLERR | POLLHUP | POLLNVAL)))
			continue;
		/* an error that answers the probe, where the stack says one went out (or cannot say) */
		if ((revents & (POLLERR | POLLHUP)) && asked == 1 && (sc_path_of(fd, &p) == -1 || p.probes != 0)) {
			char why[300];
			snprintf(why, sizeof why,
				 "inconclusive: no RST within %d ms; the peer answered a keepalive probe sent "
				 "since with one (its connection is gone: the link lost the first)",
				 sc_quiet_ms());
			skip(why);
		}
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
	double deadline;
	int family = family_of(fd);
	int backoff_ms = 0;
	long unacked, missing = -1;
	int fin_acked = -1;

	sc_link_refresh(fd);
	deadline = sc_plat_now_ms() + sc_wait_bound_ms();

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
				sc_fail(NULL, "timed out after %s waiting for the peer to acknowledge %ld bytes",
					sc_wait_text(), unacked);
			if (fin_acked == 0)
				sc_fail(NULL, "timed out after %s waiting for the peer to acknowledge the FIN "
					      "(the connection is still in %s)",
					sc_wait_text(), tcp_state_name((enum sc_tcp_state)sc_tcp_state_raw(fd)));
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
	double deadline;
	double left;

	sc_link_refresh(fd);
	deadline = now_ms() + sc_quiet_ms();

	sc_announce_quiet(why);
	sc_current_step = why;
	while ((left = deadline - now_ms()) > 0) {
		short revents = poll_once(fd, POLLIN, (int)left + 1);

		if (revents & (POLLIN | POLLERR | POLLHUP))
			sc_fail(NULL, "the socket became readable (revents 0x%x) within the %s window: %s",
				(unsigned)revents, sc_quiet_text(), why);
	}
}
