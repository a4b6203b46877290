/*
 * fin.poll_rdhup: Linux's POLLRDHUP: after the peer shuts down its sending
 * side, poll() asked for POLLRDHUP reports it.
 *
 * Timeline:  peer: shutdown(SHUT_WR)  ->  FIN  ->
 *            local: poll({POLLIN|POLLRDHUP}) has POLLRDHUP
 */
#include "sockconf.h"

static void peer_shut_wr_shows_as_rdhup(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct pollfd p = {.fd = c.local, .events = POLLIN | SC_POLLRDHUP, .revents = 0};

	if (!SC_POLLRDHUP)
		skip("this platform has no POLLRDHUP");
	check_call(shutdown(c.peer, SHUT_WR));
	wait_readable(c.local); /* the FIN is here */
	check_int(poll(&p, 1, 0), ==, 1); /* timeout 0: a look at the state now, not a wait */
	note("revents", "0x%x%s%s%s%s", (unsigned)p.revents, p.revents & POLLIN ? " POLLIN" : "",
	     p.revents & SC_POLLRDHUP ? " POLLRDHUP" : "", p.revents & POLLERR ? " POLLERR" : "",
	     p.revents & POLLHUP ? " POLLHUP" : "");
	check_int(p.revents & SC_POLLRDHUP, ==, SC_POLLRDHUP);
}

SOCKCONF_CASE(
	.id = "fin.poll_rdhup",
	.claim = "After the peer shuts down its sending side, poll() reports POLLRDHUP when asked for it.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"Linux poll(2): \"POLLRDHUP (since Linux 2.6.17) Stream socket peer closed connection, or shut down writing half of connection.\"",
		 "https://man7.org/linux/man-pages/man2/poll.2.html"},
		{"POSIX.1-2017 shutdown(): \"SHUT_WR Disables further send operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
	},
	.run = peer_shut_wr_shows_as_rdhup,
);
