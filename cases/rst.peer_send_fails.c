/*
 * rst.peer_send_fails: once the peer has reset the connection (an abortive
 * close), our next send() fails with ECONNRESET: the error names the reset.
 *
 * Timeline:  peer: setsockopt(SO_LINGER {1, 0}) ; close()  ->  RST  ->
 *            local: error pending (SO_ERROR left unread) ;
 *            send(MSG_NOSIGNAL) == -1 ECONNRESET
 */
#include "sockconf.h"

static void send_after_peer_reset_fails(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger abortive = {1, 0};
	static const char data[] = "late";

	check_call(setsockopt(c.peer, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive));
	check_call(close(c.peer));
	wait_error_pending(c.local); /* the RST has arrived; nothing has consumed its error yet */
	/* MSG_NOSIGNAL: a stack that answers EPIPE must fail the check, not kill the case */
	check_fails(send(c.local, data, sizeof data, MSG_NOSIGNAL), ECONNRESET);
}

SOCKCONF_CASE(
	.id = "rst.peer_send_fails",
	.claim = "After the peer resets the connection (SO_LINGER on, zero timeout, close), send() fails with ECONNRESET.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER has no abortive close on AF_UNIX",
	.cites = {
		{"POSIX.1-2017 send(): \"[ECONNRESET] A connection was forcibly closed by a peer.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"Winsock, Terminating a Connection: \"If the termination was abortive, then send() and recv() calls will fail with the error WSAECONNRESET.\"",
		 "https://library.thedatadungeon.com/msdn-1998-06/conf/html/SA8ED.content.HTM"},
		{"RFC 9293 §3.10.7.4, RST in ESTABLISHED: \"any outstanding RECEIVEs and SEND should receive 'reset' responses\"; users receive a \"connection reset\" signal",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.4"},
	},
	.run = send_after_peer_reset_fails,
);
