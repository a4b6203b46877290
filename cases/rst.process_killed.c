/*
 * rst.process_killed: when the process holding a connection is killed, its
 * descriptors are closed (POSIX _Exit(), which a fatal signal's default
 * action amounts to), and a close with nothing unread is graceful (RFC
 * 9293 CLOSE: a FIN after the data): the other end reads end of file.  The
 * half with unread data, which resets, is rst.process_killed_unread.
 *
 * (The rough-closure notes observe an RST when a client process is killed,
 * on Windows and under conditions they do not give: that observation is
 * for the Windows expectations, not a document of this claim.)
 *
 * Timeline:  holder process: holds peer, nothing unread ;  holder killed
 *            ->  FIN  ->  local: readable, recv() == 0
 */
#include "sockconf.h"

static void killing_the_holder_closes_gracefully(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	long holder = spawn_holder(); /* a copy of every descriptor, c.peer included */
	char buf[16];

	check_call(close(c.peer)); /* now only the holder has the peer end */
	kill_holder(holder);       /* its exit closes the peer end, with nothing unread */
	wait_readable(c.local);
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0);
}

SOCKCONF_CASE(
	.id = "rst.process_killed",
	.claim = "When the process holding the peer end is killed with nothing unread, its exit closes the socket as close() does: the connection ends gracefully and recv() returns 0 (POSIX _Exit(), RFC 9293 CLOSE).",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 _Exit(), Consequences of Process Termination: \"All of the file descriptors, directory streams, conversion descriptors, and message catalog descriptors open in the calling process shall be closed.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/_Exit.html#tag_16_01_08_02"},
		{"POSIX.1-2017 XSH 2.4.3 Signal Actions, SIG_DFL: with the default action T, \"the process is terminated as if by a call to _exit()\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/V2_chap02.html#tag_15_04_03"},
		{"Linux _exit(2): \"Any open file descriptors belonging to the process are closed.\"",
		 "https://man7.org/linux/man-pages/man2/_exit.2.html"},
		{"RFC 9293 §3.10.4 CLOSE, ESTABLISHED STATE: \"Queue this until all preceding SENDs have been segmentized, then form a FIN segment and send it.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
		{"POSIX.1-2017 recv(): \"If no messages are available to be received and the peer has performed an orderly shutdown, recv() shall return 0.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_FIN, "0"},
	},
	.run = killing_the_holder_closes_gracefully,
);
