/*
 * shuterr.enotconn: shutdown() on a stream socket that is not connected
 * fails with ENOTCONN.  POSIX states the error for any socket ("The
 * socket is not connected"), so it holds for AF_UNIX stream sockets too.
 *
 * Timeline:  local: socket() (never connected) ; shutdown(SHUT_RDWR) -> -1 ENOTCONN
 */
#include "sockconf.h"

static void shutdown_unconnected_fails_enotconn(enum sc_family family)
{
	int s = open_unconnected(family); /* made, never connected */

	check_fails(shutdown(s, SHUT_RDWR), ENOTCONN);
}

SOCKCONF_CASE(
	.id = "shuterr.enotconn",
	.claim = "shutdown() on a stream socket that is not connected fails with ENOTCONN.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 shutdown(), ERRORS: \"[ENOTCONN] The socket is not connected.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Linux shutdown(2): \"ENOTCONN The specified socket is not connected.\"",
		 "https://man7.org/linux/man-pages/man2/shutdown.2.html"},
		{"Winsock shutdown(): WSAENOTCONN \"The socket is not connected. This error applies only to a connection-oriented socket.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.run = shutdown_unconnected_fails_enotconn,
);
