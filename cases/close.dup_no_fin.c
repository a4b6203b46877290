/*
 * close.dup_no_fin: close() releases a descriptor, not the connection:
 * while another descriptor (dup) still refers to the socket, close() sends
 * nothing; shutdown() on that other descriptor then acts on the connection
 * and sends the FIN.
 *
 * Timeline:  local: other = dup(local) ; close(local)  ;  peer stays unreadable ;
 *            local: shutdown(other, SHUT_WR)  ->  FIN  ->  peer: recv() == 0
 */
#include "sockconf.h"

static void closing_one_of_two_descriptors_sends_nothing(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	int other = (int)check_call(dup(c.local));
	char buf[16];

	check_call(close(c.local)); /* `other` still refers to the socket */
	check_stays_unreadable(c.peer, "close() of one of two descriptors sends no FIN");
	check_call(shutdown(other, SHUT_WR));
	wait_readable(c.peer);
	check_int(recv(c.peer, buf, sizeof buf, 0), ==, 0);
}

SOCKCONF_CASE(
	.id = "close.dup_no_fin",
	.claim = "close() on one of two descriptors of a socket sends nothing; shutdown(SHUT_WR) on the other then sends the FIN.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 close(): \"When all file descriptors associated with an open file description have been closed, the open file description shall be freed.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/close.html"},
		{"Linux close(2): \"If fd is the last file descriptor referring to the underlying open file description (see open(2)), the resources associated with the open file description are freed\"",
		 "https://man7.org/linux/man-pages/man2/close.2.html"},
		{"Linux dup(2): \"After a successful return, the old and new file descriptors may be used interchangeably.\"",
		 "https://man7.org/linux/man-pages/man2/dup.2.html"},
		{"POSIX.1-2017 shutdown(): \"cause all or part of a full-duplex connection on the socket associated with the file descriptor socket to be shut down\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
	},
	.run = closing_one_of_two_descriptors_sends_nothing,
);
