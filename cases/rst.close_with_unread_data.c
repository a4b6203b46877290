/*
 * rst.close_with_unread_data: close() while received data is still unread
 * tells the other end that data was lost: an RST, not a FIN, and the other
 * end's recv() fails with ECONNRESET.
 *
 * Timeline:  local: send("unread")  ->  peer: readable, never reads ; close()
 *            ->  RST  ->  local: readable (error), recv() == -1 ECONNRESET
 */
#include "sockconf.h"

static void close_with_unread_data_resets_the_peer(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "unread";
	char buf[16];

	check_int(send(c.local, data, sizeof data, 0), ==, sizeof data);
	wait_readable(c.peer); /* the data is in the peer's receive queue ... */
	check_call(close(c.peer)); /* ... and is thrown away unread */
	/* wait_readable, not wait_error_pending: reading SO_ERROR would consume the error recv() must report */
	wait_readable(c.local);
	check_fails(recv(c.local, buf, sizeof buf, 0), ECONNRESET);
}

SOCKCONF_CASE(
	.id = "rst.close_with_unread_data",
	.claim = "When the peer closes while data it received is still unread, the connection is reset: recv() fails with ECONNRESET.",
	.families = SC_ALL_FAMILIES, /* AF_UNIX too: Linux's unix_release_sock() sets ECONNRESET on the other end */
	.cites = {
		{"RFC 1122 §4.2.2.13: \"If such a host issues a CLOSE call while received data is still pending in TCP, or if new data is received after CLOSE is called, its TCP SHOULD send a RST to show that data was lost.\"",
		 "https://www.rfc-editor.org/rfc/rfc1122#section-4.2.2.13"},
		{"RFC 2525 §2.17, Failure to RST on close with data pending: \"the TCP SHOULD ... send a RST if there is any unread received data\"",
		 "https://www.rfc-editor.org/rfc/rfc2525#section-2.17"},
		{"POSIX.1-2017 recv(): \"[ECONNRESET] A connection was forcibly closed by a peer.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
		{"Linux unix_release_sock(): unread data at close sets ECONNRESET on the peer",
		 "https://elixir.bootlin.com/linux/v6.18/source/net/unix/af_unix.c"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_RESET, "ECONNRESET"},
	},
	.run = close_with_unread_data_resets_the_peer,
);
