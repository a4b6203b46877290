/*
 * rst.linger0_econnreset: close() with SO_LINGER {l_onoff 1, l_linger 0}
 * is an abortive close: the connection is reset, and the other end's
 * recv() fails with ECONNRESET.
 *
 * Timeline:  peer: setsockopt(SO_LINGER {1, 0}) ; close()  ->  RST  ->
 *            local: readable (error), recv() == -1 ECONNRESET
 */
#include "sockconf.h"

static void linger_zero_close_resets_the_peer(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger abortive = {1, 0}; /* linger on, timeout zero: reset, do not linger */
	char buf[16];

	check_call(setsockopt(c.peer, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive));
	check_call(close(c.peer));
	wait_readable(c.local); /* an RST shows as POLLERR/POLLHUP, and leaves the error for recv() */
	check_fails(recv(c.local, buf, sizeof buf, 0), ECONNRESET);
}

SOCKCONF_CASE(
	.id = "rst.linger0_econnreset",
	.claim = "After the peer closes with SO_LINGER on and a zero timeout, recv() fails with ECONNRESET.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER has no abortive close on AF_UNIX",
	.cites = {
		{"Winsock closesocket(): l_onoff non-zero, l_linger zero \"is called a hard or abortive close, because the socket's virtual circuit is reset immediately ... any recv call on the remote side of the circuit will fail with WSAECONNRESET\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
		{"RFC 9293 §3.10.7.4: when an RST arrives in ESTABLISHED, any outstanding RECEIVEs and SEND should receive \"reset\" responses",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.4"},
		{"POSIX.1-2017 recv(): \"[ECONNRESET] A connection was forcibly closed by a peer.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_RESET, "ECONNRESET"},
	},
	.run = linger_zero_close_resets_the_peer,
);
