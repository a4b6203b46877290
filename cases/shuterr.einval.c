/*
 * shuterr.einval: shutdown() with a `how` that is none of SHUT_RD, SHUT_WR
 * and SHUT_RDWR fails with EINVAL.
 *
 * Timeline:  local (connected): shutdown(-1)                        -> -1 EINVAL
 *                               shutdown(SHUT_RD+SHUT_WR+SHUT_RDWR+1) -> -1 EINVAL
 */
#include "sockconf.h"

static void shutdown_with_bad_how_fails_einval(enum sc_family family)
{
	struct sc_conn c = open_connection(family); /* connected: ENOTCONN cannot be the answer */
	int above = SHUT_RD + SHUT_WR + SHUT_RDWR + 1; /* larger than each valid value: none of them */

	check_fails(shutdown(c.local, -1), EINVAL);
	check_fails(shutdown(c.local, above), EINVAL);
}

SOCKCONF_CASE(
	.id = "shuterr.einval",
	.claim = "shutdown() with a how argument other than SHUT_RD, SHUT_WR or SHUT_RDWR fails with EINVAL.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 shutdown(), ERRORS: \"[EINVAL] The how argument is invalid.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Linux shutdown(2): \"EINVAL An invalid value was specified in how\"; BUGS: before Linux 3.7, UNIX domain sockets \"simply ignored invalid values\"",
		 "https://man7.org/linux/man-pages/man2/shutdown.2.html"},
		{"Winsock shutdown(): WSAEINVAL \"The how parameter is not valid, or is not consistent with the socket type.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.run = shutdown_with_bad_how_fails_einval,
);
