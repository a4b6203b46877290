/*
 * close.fork_no_fin: after fork() the child's descriptor refers to the same
 * socket, so the parent's close() sends nothing while the child lives; when
 * the child, the last holder, is gone, the connection closes and the peer
 * reads end of file.
 *
 * Timeline:  holder process: holds local  ;  local: close()  ;  peer stays unreadable ;
 *            holder killed  ->  FIN  ->  peer: readable, recv() == 0
 */
#include "sockconf.h"

static void close_in_one_process_sends_nothing_while_another_holds(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	long holder = spawn_holder(); /* a copy of every descriptor, c.local included */
	char buf[16];

	check_call(close(c.local)); /* the holder's copy keeps the socket open */
	check_stays_unreadable(c.peer, "close() while a child process holds the socket sends no FIN");
	kill_holder(holder); /* the last descriptor goes */
	wait_readable(c.peer);
	check_int(recv(c.peer, buf, sizeof buf, 0), ==, 0);
}

SOCKCONF_CASE(
	.id = "close.fork_no_fin",
	.claim = "close() sends nothing while a child process still holds the socket; once the last holder is gone, the peer reads end of file.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 fork(): \"Each of the child's file descriptors shall refer to the same open file description with the corresponding file descriptor of the parent.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/fork.html"},
		{"POSIX.1-2017 close(): \"When all file descriptors associated with an open file description have been closed, the open file description shall be freed.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/close.html"},
		{"Linux close(2): \"If fd is the last file descriptor referring to the underlying open file description (see open(2)), the resources associated with the open file description are freed\"",
		 "https://man7.org/linux/man-pages/man2/close.2.html"},
		{"POSIX.1-2017 _Exit(): all of the process's open file descriptors are closed",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/_Exit.html"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_FIN, "0"},
	},
	.run = close_in_one_process_sends_nothing_while_another_holds,
);
