/*
 * rst.peer_send_fails: once the peer has reset the connection (an abortive
 * close), our next send() fails.  POSIX lists both errors that fit, and
 * both conditions hold: ECONNRESET ("forcibly closed by a peer") and EPIPE
 * ("no longer connected"); either may be returned (XSH 2.3).
 *
 * Timeline:  peer: SO_LINGER {1, 0}, our byte unread ; close()  ->  RST  ->
 *            local: error pending (SO_ERROR left unread) ;
 *            send(MSG_NOSIGNAL) == -1 ECONNRESET or EPIPE
 */
#include "sockconf.h"

#define SEND_AFTER_RESET "ECONNRESET|EPIPE"

static void send_after_peer_reset_fails(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "late";

	peer_resets(c); /* SO_LINGER {1, 0}, close(), a byte of ours unread there: an RST */
	wait_error_pending(c.local); /* the RST has arrived; nothing has consumed its error yet */
	/* MSG_NOSIGNAL: whichever error comes, the case reports it rather than dies */
	check_one_of(send(c.local, data, sizeof data, MSG_NOSIGNAL), SEND_AFTER_RESET);
}

SOCKCONF_CASE(
	.id = "rst.peer_send_fails",
	.claim = "After the peer resets the connection (SO_LINGER on, zero timeout, close), send() fails with ECONNRESET or EPIPE, the two errors POSIX send() lists for it.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER has no abortive close on AF_UNIX",
	.cites = {
		{"POSIX.1-2017 send(): \"[ECONNRESET] A connection was forcibly closed by a peer.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"Winsock, Terminating a Connection: \"If the termination was abortive, then send() and recv() calls will fail with the error WSAECONNRESET.\"",
		 "https://library.thedatadungeon.com/msdn-1998-06/conf/html/SA8ED.content.HTM"},
		{"POSIX.1-2017 send(): \"[EPIPE] ... the socket is connection-mode and is no longer connected\"; XSH 2.3: \"any one of the possible errors may be returned\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/V2_chap02.html#tag_15_03"},
		{"RFC 9293 §3.10.7.4, RST in ESTABLISHED: \"any outstanding RECEIVEs and SEND should receive 'reset' responses\"; users receive a \"connection reset\" signal",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.4"},
	},
	.asserts = {{SC_STATE_SEND_AFTER_RST_IN_ESTABLISHED, SEND_AFTER_RESET}},
	.run = send_after_peer_reset_fails,
);
