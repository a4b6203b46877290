/*
 * fin.poll_readable: the peer's FIN makes the socket readable: poll()
 * reports POLLIN, and the recv() it announces returns 0 (end of file)
 * without blocking.
 *
 * Timeline:  peer: close()  ->  FIN  ->  local: poll({POLLIN}) has POLLIN ;
 *            recv() == 0
 */
#include "sockconf.h"

static void fin_makes_the_socket_readable(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct pollfd p = {.fd = c.local, .events = POLLIN, .revents = 0};
	char buf[16];

	check_call(close(c.peer));
	wait_readable(c.local); /* the FIN (or, on a broken stack, a hangup or error) is here */
	check_int(poll(&p, 1, 0), ==, 1); /* timeout 0: a look at the state now, not a wait */
	note("revents", "0x%x%s%s%s", (unsigned)p.revents, p.revents & POLLIN ? " POLLIN" : "",
	     p.revents & POLLERR ? " POLLERR" : "", p.revents & POLLHUP ? " POLLHUP" : "");
	check_int(p.revents & POLLIN, ==, POLLIN);
	check_call(set_nonblocking(c.local, 1)); /* "readable" means recv() does not block */
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0);
}

SOCKCONF_CASE(
	.id = "fin.poll_readable",
	.claim = "After the peer closes, poll() reports the socket readable (POLLIN), and recv() returns 0 without blocking.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 poll(): \"POLLIN Data other than high-priority data may be read without blocking.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/poll.html"},
		{"POSIX.1-2017 pselect(): ready for reading when an input function \"would not block, whether or not the function would transfer data successfully. (The function might return data, an end-of-file indication, or an error ...)\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/pselect.html"},
		{"POSIX.1-2017 recv(): \"If no messages are available ... and the peer has performed an orderly shutdown, recv() shall return 0\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_FIN, "0"},
	},
	.run = fin_makes_the_socket_readable,
);
