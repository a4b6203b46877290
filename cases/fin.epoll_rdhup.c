/*
 * fin.epoll_rdhup: after the peer's shutdown(SHUT_WR), epoll reports
 * EPOLLRDHUP (with EPOLLIN) for a socket that asked for it.  Linux only;
 * elsewhere the case skips.
 *
 * Timeline:  peer: shutdown(SHUT_WR)  ->  FIN  ->  local: readable ;
 *            epoll_wait() reports EPOLLIN | EPOLLRDHUP
 */
#include "sockconf.h"

static void epoll_reports_the_peers_half_close(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	short revents;

	check_call(shutdown(c.peer, SHUT_WR));
	wait_readable(c.local);
	revents = epoll_revents(c.local, POLLIN | SC_POLLRDHUP);
	note("revents", "0x%x", (unsigned)revents);
	check_int(revents & SC_POLLRDHUP, ==, SC_POLLRDHUP);
	check_int(revents & POLLIN, ==, POLLIN);
}

SOCKCONF_CASE(
	.id = "fin.epoll_rdhup",
	.claim = "After the peer shuts down its sending side, epoll reports EPOLLRDHUP (and EPOLLIN) when asked for it.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"Linux epoll_ctl(2): \"EPOLLRDHUP Stream socket peer closed connection, or shut down writing half of connection.\"",
		 "https://man7.org/linux/man-pages/man2/epoll_ctl.2.html"},
		{"Linux poll(2): \"POLLRDHUP (since Linux 2.6.17) Stream socket peer closed connection, or shut down writing half of connection.\"",
		 "https://man7.org/linux/man-pages/man2/poll.2.html"},
	},
	.run = epoll_reports_the_peers_half_close,
);
