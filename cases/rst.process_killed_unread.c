/*
 * rst.process_killed_unread: when the process holding a connection is
 * killed while data it received is still unread, its exit closes the
 * socket (POSIX _Exit()) with data pending, and a TCP that closes with
 * data pending resets the connection to show the data was lost (RFC 1122
 * §4.2.2.13; RFC 2525 §2.17 names the crashing application): the other
 * end's recv() fails with ECONNRESET.  The half with nothing unread, which
 * ends with a FIN, is rst.process_killed.
 *
 * Timeline:  local: send("unread")  ->  peer: readable, never read ;
 *            holder process: holds peer ;  holder killed  ->  RST  ->
 *            local: readable, recv() == -1 ECONNRESET
 */
#include "sockconf.h"

static void killing_a_holder_with_unread_data_resets(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "unread";
	long holder;
	char buf[16];

	check_int(send(c.local, data, sizeof data, 0), ==, sizeof data);
	wait_readable(c.peer);     /* the data waits in the peer end's receive queue */
	holder = spawn_holder();   /* a copy of every descriptor, c.peer included */
	check_call(close(c.peer)); /* now only the holder has the peer end */
	kill_holder(holder);       /* its exit closes the peer end with the data unread */
	/* wait_readable, not wait_error_pending: reading SO_ERROR would consume the error recv() must report */
	wait_readable(c.local);
	check_fails(recv(c.local, buf, sizeof buf, 0), ECONNRESET);
}

SOCKCONF_CASE(
	.id = "rst.process_killed_unread",
	.claim = "When the process holding the peer end is killed while data it received is unread, the connection is reset: recv() fails with ECONNRESET (POSIX _Exit() closes the socket; RFC 1122, RFC 2525: a close with data pending sends an RST).",
	.families = SC_ALL_FAMILIES, /* AF_UNIX too, as rst.close_with_unread_data: Linux's unix_release_sock() sets ECONNRESET on the other end */
	.cites = {
		{"POSIX.1-2017 _Exit(), Consequences of Process Termination: \"All of the file descriptors, directory streams, conversion descriptors, and message catalog descriptors open in the calling process shall be closed.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/_Exit.html#tag_16_01_08_02"},
		{"RFC 1122 §4.2.2.13: \"If such a host issues a CLOSE call while received data is still pending in TCP, or if new data is received after CLOSE is called, its TCP SHOULD send a RST to show that data was lost.\"",
		 "https://www.rfc-editor.org/rfc/rfc1122#section-4.2.2.13"},
		{"RFC 2525 §2.17, Failure to RST on close with data pending: \"Note that, for some TCPs, this situation can be caused by an application \"crashing\" while a peer is sending data.\"",
		 "https://www.rfc-editor.org/rfc/rfc2525#section-2.17"},
		{"RFC 9293 §3.6.1: \"If such a host issues a CLOSE call while received data is still pending in the TCP connection ... its TCP implementation SHOULD send a RST to show that data was lost (SHLD-3).\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6.1"},
		{"Winsock, Terminating a Connection: \"If an application closes a socket and there is data available to be received, or data later arrives, then the system will abort the connection and throw out the data\"",
		 "https://library.thedatadungeon.com/msdn-1998-06/conf/html/SA8ED.content.HTM"},
		{"POSIX.1-2017 recv(): \"[ECONNRESET] A connection was forcibly closed by a peer.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_RESET, "ECONNRESET"},
	},
	.run = killing_a_holder_with_unread_data_resets,
);
