/*
 * shuterr.enotsock: shutdown() on an open descriptor that does not refer
 * to a socket (here a regular file) fails with ENOTSOCK.
 *
 * Timeline:  local: fd = a temporary file ; shutdown(fd, SHUT_RDWR) -> -1 ENOTSOCK
 */
#include "sockconf.h"
#include "nonsocket.h"

static void shutdown_on_a_file_fails_enotsock(enum sc_family family)
{
	int fd = open_non_socket(); /* open, valid, and not a socket */

	(void)family; /* the descriptor is no socket of any family */
	check_fails(shutdown(fd, SHUT_RDWR), ENOTSOCK);
}

SOCKCONF_CASE(
	.id = "shuterr.enotsock",
	.claim = "shutdown() on a descriptor that does not refer to a socket fails with ENOTSOCK.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 shutdown(), ERRORS: \"[ENOTSOCK] The socket argument does not refer to a socket.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Winsock shutdown(): WSAENOTSOCK \"The descriptor is not a socket.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.run = shutdown_on_a_file_fails_enotsock,
);
