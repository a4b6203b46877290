/*
 * fin.on_wire: close() with nothing left unread ends the connection
 * gracefully: the closing end sends a FIN, and no RST.
 *
 * Timeline:  (capture on loopback)  peer: close()  ->  peer>local [F.]
 *            local: readable, recv() == 0 ; no RST from the peer
 */
#include "sockconf.h"

static void close_with_nothing_unread_sends_fin(enum sc_family family)
{
	struct sc_wire *w;
	struct sc_conn c = open_watched_connection(family, &w);
	char buf[16];

	check_call(close(c.peer));
	wire_wait(w, c.peer, SC_FIN);
	wait_readable(c.local);
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0); /* we have read the FIN: nothing more is due */
	check_int(wire_count(w, c.peer, SC_RST), ==, 0);
}

SOCKCONF_CASE(
	.id = "fin.on_wire",
	.claim = "close() with no unread data sends a FIN, not an RST.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX sockets put nothing on a wire",
	.cites = {
		{"RFC 9293 §3.6: CLOSE \"the FIN segment\": a closing TCP sends its FIN after all data SENT",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6"},
		{"RFC 1122 §4.2.2.13: an RST is for a CLOSE while received data is still pending; otherwise the close is graceful",
		 "https://www.rfc-editor.org/rfc/rfc1122#section-4.2.2.13"},
		{"Rough closure notes: after close()/closesocket() \"a TCP_FIN from client to server is captured\"",
		 "https://github.com/zobinHuang/TCP-UDP-socket-notes"},
	},
	.run = close_with_nothing_unread_sends_fin,
);
