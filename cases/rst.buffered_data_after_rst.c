/*
 * rst.buffered_data_after_rst: an RST flushes the connection's queues:
 * data that had arrived but was not yet read is discarded with them, and
 * recv() fails with ECONNRESET at once instead of returning it.
 *
 * Timeline:  peer: send(16 pattern bytes)  ->  local: readable, does not read ;
 *            peer: setsockopt(SO_LINGER {1, 0}) ; close()  ->  RST  ->
 *            local: error pending ; recv() == -1 ECONNRESET
 */
#include "sockconf.h"

static void reset_discards_data_not_yet_read(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger abortive = {1, 0};
	unsigned char data[16], buf[sizeof data];

	pattern_fill(data, sizeof data, 0);
	check_int(send(c.peer, data, sizeof data, 0), ==, sizeof data);
	wait_readable(c.local); /* the data has arrived and waits to be read */
	check_call(setsockopt(c.peer, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive));
	check_call(close(c.peer)); /* nothing unsent, nothing unread at the peer: only the reset */
	wait_error_pending(c.local);
	check_fails(recv(c.local, buf, sizeof buf, 0), ECONNRESET);
}

SOCKCONF_CASE(
	.id = "rst.buffered_data_after_rst",
	.claim = "When an RST arrives, received data not yet read is discarded: recv() fails with ECONNRESET without returning it.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER has no abortive close on AF_UNIX",
	.cites = {
		{"RFC 9293 §3.10.7.4, RST in ESTABLISHED: \"any outstanding RECEIVEs and SEND should receive 'reset' responses. All segment queues should be flushed.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.4"},
		{"Winsock closesocket(): after an abortive close \"any recv call on the remote side of the circuit will fail with WSAECONNRESET\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
		{"Winsock, Terminating a Connection: with SO_LINGER timeout 0 the circuit is terminated \"and any unreceived or unsent data is dropped\"",
		 "https://library.thedatadungeon.com/msdn-1998-06/conf/html/SA8ED.content.HTM"},
	},
	.run = reset_discards_data_not_yet_read,
);
