/*
 * rst.linger0_on_wire: close() with SO_LINGER {l_onoff 1, l_linger 0} is an
 * abortive close: the closing end sends an RST, and no FIN.
 *
 * Timeline:  (capture on loopback)  peer: setsockopt(SO_LINGER {1, 0}) ;
 *            close()  ->  peer>local [R]  ;  no FIN from the peer
 */
#include "sockconf.h"

static void linger_zero_close_sends_rst_not_fin(enum sc_family family)
{
	struct sc_wire *w;
	struct sc_conn c = open_watched_connection(family, &w);
	struct linger abortive = {1, 0}; /* linger on, timeout zero: reset, do not linger */

	check_call(setsockopt(c.peer, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive));
	check_call(close(c.peer));
	wire_wait(w, c.peer, SC_RST);
	/* the RST ends the connection: a FIN, if any, came before it */
	check_int(wire_count(w, c.peer, SC_FIN), ==, 0);
}

SOCKCONF_CASE(
	.id = "rst.linger0_on_wire",
	.claim = "close() with SO_LINGER on and a zero timeout resets the connection: it sends an RST and no FIN.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX sockets put nothing on a wire",
	.cites = {
		{"Winsock closesocket(): l_onoff non-zero, l_linger zero \"is called a hard or abortive close, because the socket's virtual circuit is reset immediately\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
		{"Winsock, Terminating a Connection: SO_LINGER timeout 0 \"causes the circuit to be terminated immediately\"; \"This will cause the connection to be reset.\"",
		 "https://library.thedatadungeon.com/msdn-1998-06/conf/html/SA8ED.content.HTM"},
		{"RFC 9293 §3.10.5, ABORT call, ESTABLISHED state: \"Send a reset segment: <SEQ=SND.NXT><CTL=RST>\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.5"},
	},
	.run = linger_zero_close_sends_rst_not_fin,
);
