/*
 * fin.recv_zero: after the peer's close(), recv() returns 0 (end of file),
 * and keeps returning 0.
 *
 * Timeline:  peer: close()  ->  FIN  ->  local: readable, recv() == 0, recv() == 0
 */
#include "sockconf.h"

static void recv_returns_zero_after_peer_close(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	char buf[16];

	check_call(close(c.peer));
	wait_readable(c.local);
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0);
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0); /* end of file stays end of file */
}

SOCKCONF_CASE(
	.id = "fin.recv_zero",
	.claim = "After the peer closes the connection, recv() returns 0, and returns 0 again on later calls.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 recv(): \"If no messages are available ... and the peer has performed an orderly shutdown, recv() shall return 0\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
		{"RFC 9293 §3.10.7.4: a FIN signals the user \"connection closing\"; later RECEIVEs return the same",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.4"},
		{"Winsock, Graceful Shutdown, Linger Options, and Socket Closure",
		 "https://learn.microsoft.com/en-us/windows/win32/winsock/graceful-shutdown-linger-options-and-socket-closure-2"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_FIN, "0"},
	},
	.run = recv_returns_zero_after_peer_close,
);
