/*
 * tcp_state.c: which TCP state a connection is in, from its descriptor
 * (TCP_INFO) or, once the descriptor is gone, from the stack's list of
 * connections (TIME_WAIT lives only there).
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <stdio.h>
#include <string.h>

const char *tcp_state_name(enum sc_tcp_state state)
{
	static const char *const names[] = {
		"CLOSED",     "LISTEN",    "SYN_SENT",   "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT1",
		"FIN_WAIT2",  "CLOSE_WAIT", "CLOSING",   "LAST_ACK",     "TIME_WAIT",
	};
	return (unsigned)state < sizeof names / sizeof names[0] ? names[state] : "?";
}

struct sc_endpoints endpoints_of(int fd)
{
	struct sc_endpoints e;
	socklen_t len = sizeof e.self;

	memset(&e, 0, sizeof e);
	if (sc_getsockname(fd, (struct sockaddr *)&e.self, &len) == -1)
		sc_fail(NULL, "getsockname() failed on fd %d", fd);
	e.len = len;
	len = sizeof e.other;
	if (sc_getpeername(fd, (struct sockaddr *)&e.other, &len) == -1)
		sc_fail(NULL, "getpeername() failed on fd %d", fd);
	{
		sc_handle h;
		e.stack = sc_stack_of(fd, &h); /* the peer's end may live on another stack */
	}
	return e;
}

enum sc_tcp_state tcp_state(int fd)
{
	int state = sc_tcp_state_raw(fd);

	if (state < 0)
		skip("this stack does not report a socket's TCP state (no TCP_INFO)");
	return (enum sc_tcp_state)state;
}

enum sc_tcp_state listed_tcp_state(const struct sc_endpoints *e)
{
	const struct sc_stack *s = e->stack ? e->stack : sc_stack_at(SC_END_LOCAL);
	int state = s->listed_tcp_state
			    ? s->listed_tcp_state((const struct sockaddr *)&e->self,
						  (const struct sockaddr *)&e->other)
			    : -1;

	if (state < 0)
		skip("this stack keeps no list of connections that can be read");
	return (enum sc_tcp_state)state;
}

void sc_check_state_(const char *file, int line, const char *expr, enum sc_tcp_state got,
		     enum sc_tcp_state expected)
{
	const char *base = strrchr(file, '/');

	sc_current_step = expr;
	sc_check_made();
	if (got == expected)
		return;
	snprintf(sc_outcome.at, sizeof sc_outcome.at, "%s:%d", base ? base + 1 : file, line);
	snprintf(sc_outcome.check, sizeof sc_outcome.check, "%s", expr);
	snprintf(sc_outcome.expected, sizeof sc_outcome.expected, "%s", tcp_state_name(expected));
	snprintf(sc_outcome.got, sizeof sc_outcome.got, "%s", tcp_state_name(got));
	sc_fail(NULL, "the connection is in %s, not %s", tcp_state_name(got), tcp_state_name(expected));
}

/* State changes raise no poll event: re-read on a short back-off until the bound. */
static void wait_state(enum sc_tcp_state (*read_state)(const void *), const void *what,
		       enum sc_tcp_state want, const char *awaited)
{
	double deadline = now_ms() + sc_wait_bound_ms();
	int backoff_ms = 0;
	enum sc_tcp_state got;

	sc_current_step = awaited;
	while ((got = read_state(what)) != want) {
		if (now_ms() > deadline)
			sc_fail(NULL, "timed out after %d ms waiting for %s %s (it is %s)",
				sc_wait_bound_ms(), awaited, tcp_state_name(want), tcp_state_name(got));
		sc_backoff_pause(&backoff_ms);
	}
}

static enum sc_tcp_state state_of_fd(const void *fd) { return tcp_state(*(const int *)fd); }
static enum sc_tcp_state state_listed(const void *e) { return listed_tcp_state(e); }

void wait_tcp_state(int fd, enum sc_tcp_state state)
{
	wait_state(state_of_fd, &fd, state, "the socket's TCP state to become");
}

void wait_listed_tcp_state(const struct sc_endpoints *e, enum sc_tcp_state state)
{
	wait_state(state_listed, e, state, "the listed connection's TCP state to become");
}
