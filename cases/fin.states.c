/*
 * fin.states: after shutdown(SHUT_WR) is acknowledged, the closing end is in
 * FIN_WAIT2 and the other end in CLOSE_WAIT.
 *
 * Timeline:  local: shutdown(SHUT_WR)  ->  FIN  ->  peer: ACK
 *            local: FIN_WAIT2 ; peer: CLOSE_WAIT
 */
#include "sockconf.h"

static void half_close_leaves_fin_wait2_and_close_wait(enum sc_family family)
{
	struct sc_conn c = open_connection(family);

	check_call(shutdown(c.local, SHUT_WR));
	wait_tcp_state(c.peer, SC_TCP_CLOSE_WAIT); /* the peer has the FIN */
	wait_peer_acked(c.local);                  /* and has acknowledged it */
	check_tcp_state(c.local, SC_TCP_FIN_WAIT2);
	check_tcp_state(c.peer, SC_TCP_CLOSE_WAIT);
}

SOCKCONF_CASE(
	.id = "fin.states",
	.claim = "Once its FIN is acknowledged, the end that shut down sending is in FIN_WAIT2 and the other end in CLOSE_WAIT.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX sockets have no TCP states",
	.cites = {
		{"RFC 9293 §3.3.2, state diagram: FIN-WAIT-1 --rcv ACK of FIN--> FIN-WAIT-2; ESTABLISHED --rcv FIN, snd ACK--> CLOSE-WAIT",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.3.2"},
		{"Linux tcp(7), TCP_INFO: tcpi_state reports the socket's state",
		 "https://man7.org/linux/man-pages/man7/tcp.7.html"},
	},
	.run = half_close_leaves_fin_wait2_and_close_wait,
);
