/*
 * shutwr.twice_no_second_fin: a second shutdown(SHUT_WR) emits no second
 * FIN: once the first FIN is acknowledged, the second call puts nothing on
 * the wire.
 *
 * Timeline:  (capture on loopback)  local: shutdown(SHUT_WR)  ->  [F.]  ->  peer: ACK ;
 *            local: shutdown(SHUT_WR)  ;  nothing more from local
 */
#include "sockconf.h"

static void second_shut_wr_sends_no_fin(enum sc_family family)
{
	struct sc_wire *w;
	struct sc_conn c = open_watched_connection(family, &w);
	unsigned mark;

	check_call(shutdown(c.local, SHUT_WR));
	wire_wait(w, c.local, SC_FIN);
	wait_peer_acked(c.local); /* the FIN is acknowledged: not even a retransmission is due */
	mark = wire_mark(w);
	check_call(shutdown(c.local, SHUT_WR));
	wire_check_quiet(w, c.local, mark, "a second shutdown(SHUT_WR) sends no second FIN");
	check_int(wire_count(w, c.local, SC_FIN), ==, 1);
}

SOCKCONF_CASE(
	.id = "shutwr.twice_no_second_fin",
	.claim = "A second shutdown(SHUT_WR) sends no second FIN.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX sockets put nothing on a wire",
	.cites = {
		{"RFC 9293 §3.10.4, CLOSE call in FIN-WAIT-1/FIN-WAIT-2: \"Strictly speaking, this is an error and should receive an 'error: connection closing' response. An 'ok' response would be acceptable, too, as long as a second FIN is not emitted (the first FIN may be retransmitted, though).\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
	},
	.run = second_shut_wr_sends_no_fin,
);
