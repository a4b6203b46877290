/*
 * rst.close_with_unread_data_on_wire: close() while received data is still
 * unread ends the connection with an RST, not a FIN (the wire side of
 * rst.close_with_unread_data).
 *
 * Timeline:  (capture on loopback)  local: send("unread")  ->  peer: readable,
 *            never reads ; close()  ->  peer>local [R]  ;  no FIN from the peer
 */
#include "sockconf.h"

static void close_with_unread_data_sends_rst_not_fin(enum sc_family family)
{
	struct sc_wire *w;
	struct sc_conn c = open_watched_connection(family, &w);
	static const char data[] = "unread";

	check_int(send(c.local, data, sizeof data, 0), ==, sizeof data);
	wait_readable(c.peer); /* the data is in the peer's receive queue ... */
	check_call(close(c.peer)); /* ... and is thrown away unread */
	wire_wait(w, c.peer, SC_RST);
	/* the RST ends the connection: a FIN, if any, came before it */
	check_int(wire_count(w, c.peer, SC_FIN), ==, 0);
}

SOCKCONF_CASE(
	.id = "rst.close_with_unread_data_on_wire",
	.claim = "close() while received data is still unread sends an RST and no FIN.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX sockets put nothing on a wire",
	.cites = {
		{"RFC 1122 §4.2.2.13: \"If such a host issues a CLOSE call while received data is still pending in TCP, or if new data is received after CLOSE is called, its TCP SHOULD send a RST to show that data was lost.\"",
		 "https://www.rfc-editor.org/rfc/rfc1122#section-4.2.2.13"},
		{"RFC 2525 §2.17, Failure to RST on close with data pending: \"the TCP SHOULD ... send a RST if there is any unread received data\"",
		 "https://www.rfc-editor.org/rfc/rfc2525#section-2.17"},
		{"RFC 9293 §3.6.1: \"If such a host issues a CLOSE call while received data is still pending in the TCP connection ... its TCP implementation SHOULD send a RST to show that data was lost (SHLD-3).\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6.1"},
	},
	.run = close_with_unread_data_sends_rst_not_fin,
);
