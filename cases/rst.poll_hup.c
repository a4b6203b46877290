/*
 * rst.poll_hup: after the peer resets the connection, poll() reports both
 * a hangup (POLLHUP: the connection is gone) and an error (POLLERR: the
 * reset is pending), without being asked for either.
 *
 * Timeline:  peer: SO_LINGER {1, 0}, our byte unread ; close()  ->  RST  ->
 *            local: poll({POLLIN|POLLOUT}, timeout 0): POLLHUP and POLLERR set
 */
#include "sockconf.h"

static void reset_shows_as_hangup_and_error(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct pollfd p = {.fd = c.local, .events = POLLIN | POLLOUT, .revents = 0};

	peer_resets(c); /* SO_LINGER {1, 0}, close(), a byte of ours unread there: an RST */
	wait_error_pending(c.local); /* the RST has arrived */
	check_int(poll(&p, 1, 0), ==, 1); /* timeout 0: a look at the state now, not a wait */
	note("revents", "0x%x%s%s%s%s", (unsigned)p.revents, p.revents & POLLIN ? " POLLIN" : "",
	     p.revents & POLLOUT ? " POLLOUT" : "", p.revents & POLLERR ? " POLLERR" : "",
	     p.revents & POLLHUP ? " POLLHUP" : "");
	check_int(p.revents & (POLLHUP | POLLERR), ==, POLLHUP | POLLERR);
}

SOCKCONF_CASE(
	.id = "rst.poll_hup",
	.claim = "After the peer resets the connection, poll() reports POLLHUP and POLLERR.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER has no abortive close on AF_UNIX",
	.cites = {
		{"POSIX.1-2017 poll(): \"poll() shall set the POLLHUP, POLLERR, and POLLNVAL flag in revents if the condition is true, even if the application did not set the corresponding bit in events\"; POLLERR \"An error has occurred on the device or stream\"; POLLHUP \"A device has been disconnected\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/poll.html"},
		{"Winsock WSAPOLLFD: POLLERR \"An error has occurred.\"; POLLHUP \"A stream-oriented connection was either disconnected or aborted.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/ns-winsock2-wsapollfd"},
		{"Linux poll(2): POLLERR \"Error condition\", POLLHUP \"Hang up\", both \"only returned in revents; ignored in events\"",
		 "https://man7.org/linux/man-pages/man2/poll.2.html"},
	},
	.run = reset_shows_as_hangup_and_error,
);
