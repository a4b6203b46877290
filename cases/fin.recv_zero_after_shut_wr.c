/*
 * fin.recv_zero_after_shut_wr: after the peer's shutdown(SHUT_WR), recv()
 * returns 0 (end of file), though the peer's socket stays open.
 *
 * Timeline:  peer: shutdown(SHUT_WR)  ->  FIN  ->  local: readable, recv() == 0
 */
#include "sockconf.h"

static void recv_returns_zero_after_peer_shut_wr(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	char buf[16];

	check_call(shutdown(c.peer, SHUT_WR)); /* half close: the peer is still open, only done sending */
	wait_readable(c.local);
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0);
}

SOCKCONF_CASE(
	.id = "fin.recv_zero_after_shut_wr",
	.claim = "After the peer shuts down its sending side with shutdown(SHUT_WR), recv() returns 0.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 shutdown(): \"SHUT_WR Disables further send operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"POSIX.1-2017 recv(): \"If no messages are available ... and the peer has performed an orderly shutdown, recv() shall return 0\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
		{"RFC 9293 §3.6: \"If an unsolicited FIN arrives from the network, the receiving TCP endpoint can ACK it and tell the user that the connection is closing\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6"},
		{"Winsock shutdown(): \"For TCP sockets, a FIN will be sent after all data is sent and acknowledged by the receiver\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_FIN, "0"},
	},
	.run = recv_returns_zero_after_peer_shut_wr,
);
