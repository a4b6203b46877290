/*
 * fin.blocked_recv_wakes: a recv() blocked in another thread returns 0
 * when the peer's FIN arrives.
 *
 * Timeline:  thread: recv() blocks  ;  peer: close()  ->  FIN  ->  thread: recv() == 0
 */
#include "sockconf.h"

static void fin_wakes_a_blocked_recv(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct sc_blocked *blocked = start_blocked_recv(c.local);

	check_call(close(c.peer));
	check_int(blocked_call_result_after_peer(blocked), ==, 0);
}

SOCKCONF_CASE(
	.id = "fin.blocked_recv_wakes",
	.claim = "A recv() blocked in another thread returns 0 when the peer closes the connection.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 recv(): \"If no messages are available ... and the peer has performed an orderly shutdown, recv() shall return 0\"; a blocking recv() \"shall block until a message arrives\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
		{"RFC 9293 §3.10.7.4: on a FIN, \"any pending RECEIVEs\" are returned with \"connection closing\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.4"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_FIN, "0"},
	},
	.run = fin_wakes_a_blocked_recv,
);
