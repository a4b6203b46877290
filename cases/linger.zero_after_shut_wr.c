/*
 * linger.zero_after_shut_wr: shutdown(SHUT_WR) sends a FIN; a later close()
 * with SO_LINGER {1, 0} aborts the half-closed connection: an RST follows
 * the FIN, at the sequence number after it (SND.NXT).
 *
 * Timeline:  (capture on loopback)  local: shutdown(SHUT_WR)  ->  local>peer [F.]
 *            local: setsockopt(SO_LINGER {1, 0}) ; close()  ->  local>peer [R]
 */
#include "sockconf.h"

static void linger_zero_close_after_shut_wr_resets(enum sc_family family)
{
	struct sc_wire *w;
	struct sc_conn c = open_watched_connection(family, &w);
	struct linger abortive = {1, 0};
	const struct sc_segment *fin, *rst;

	check_call(shutdown(c.local, SHUT_WR));
	wire_wait(w, c.local, SC_FIN); /* the half-close is on the wire before the abort */
	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&abortive, sizeof abortive));
	check_call(close(c.local));
	wire_wait(w, c.local, SC_RST);

	fin = wire_find(w, c.local, SC_FIN);
	rst = wire_find(w, c.local, SC_RST);
	check(rst > fin); /* seen in this order on the wire */
	check_int(rst->seq, ==, fin->seq + 1); /* <SEQ=SND.NXT>: the FIN took one sequence number */
}

SOCKCONF_CASE(
	.id = "linger.zero_after_shut_wr",
	.claim = "After shutdown(SHUT_WR) has sent a FIN, close() with SO_LINGER {1, 0} sends an RST: on the wire a FIN, then an RST.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX sockets put nothing on a wire",
	.cites = {
		{"RFC 9293 §3.10.4 CLOSE, ESTABLISHED STATE: \"form a FIN segment and send it\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
		{"RFC 9293 §3.10.5 ABORT, FIN-WAIT-1 / FIN-WAIT-2 STATE: \"Send a reset segment: <SEQ=SND.NXT><CTL=RST>\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.5"},
		{"Winsock closesocket(): l_onoff non-zero, l_linger zero: \"This is called a hard or abortive close, because the socket's virtual circuit is reset immediately\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
		{"POSIX.1-2017 shutdown(): \"SHUT_WR Disables further send operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
	},
	.run = linger_zero_close_after_shut_wr_resets,
);
