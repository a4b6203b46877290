/*
 * shuterr.ebadf: shutdown() on a descriptor number that is not open fails
 * with EBADF.  The number is one that was open a moment ago: a socket of
 * the family's, closed again, so no descriptor of this (single-threaded)
 * process holds it.
 *
 * Timeline:  local: gone = socket() ; close(gone) ; shutdown(gone, SHUT_RDWR) -> -1 EBADF
 */
#include "sockconf.h"

static void shutdown_on_a_closed_descriptor_fails_ebadf(enum sc_family family)
{
	int gone = open_unconnected(family);

	check_call(close(gone)); /* the number is free again; nothing opens a descriptor before the call */
	check_fails(shutdown(gone, SHUT_RDWR), EBADF);
}

SOCKCONF_CASE(
	.id = "shuterr.ebadf",
	.claim = "shutdown() on a descriptor that is not open fails with EBADF.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 shutdown(), ERRORS: \"[EBADF] The socket argument is not a valid file descriptor.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Linux shutdown(2): \"EBADF sockfd is not a valid file descriptor.\"",
		 "https://man7.org/linux/man-pages/man2/shutdown.2.html"},
	},
	.run = shutdown_on_a_closed_descriptor_fails_ebadf,
);
