/*
 * rst.data_after_close: data that arrives after the application has closed
 * its socket cannot be delivered: the closed end answers it with an RST
 * (RFC 1122, RFC 9293), and the sender learns of the reset: its next
 * send() fails with EPIPE or ECONNRESET, both of which POSIX send() lists
 * for a connection a peer has forcibly closed and that is no longer
 * connected.  Which one is the stack's choice, and the case reports it.
 *
 * This case keeps the wire and the errno; rst.write_to_closed_peer keeps
 * SIGPIPE for the same state (send() without MSG_NOSIGNAL).  Both accept
 * the same errnos there (shared_states.h).
 *
 * Timeline:  (capture on loopback)  peer: close()  ->  FIN  ->
 *            local: recv() == 0 ; send("late") succeeds  ->  data  ->
 *            peer>local [R]  ->  local: error pending ;
 *            send(MSG_NOSIGNAL) == -1, EPIPE or ECONNRESET
 */
#include "sockconf.h"

/* POSIX send(): "[EPIPE] ... no longer connected", "[ECONNRESET] ... forcibly closed by a peer" */
#define SEND_AFTER_THE_RST "EPIPE|ECONNRESET"

static void data_after_close_is_answered_with_rst(enum sc_family family)
{
	struct sc_wire *w;
	struct sc_conn c = open_watched_connection(family, &w);
	static const char data[] = "late";
	char buf[16];

	check_call(close(c.peer)); /* graceful: nothing was unread */
	wait_readable(c.local);
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0); /* we have the FIN */
	check_int(send(c.local, data, sizeof data, MSG_NOSIGNAL), ==, sizeof data);
	wire_wait(w, c.peer, SC_RST); /* the closed end rejects the data */
	wait_error_pending(c.local);  /* and we have taken the RST in */
	check_one_of(send(c.local, data, sizeof data, MSG_NOSIGNAL), SEND_AFTER_THE_RST);
}

SOCKCONF_CASE(
	.id = "rst.data_after_close",
	.claim = "Data arriving after the peer has closed is answered with an RST (RFC 1122, RFC 9293); the sender's next send() fails with EPIPE or ECONNRESET (POSIX send() lists both).",
	.families = SC_TCP,
	.unix_note = "nothing arrives after an AF_UNIX close: the send() itself fails with EPIPE",
	.cites = {
		{"RFC 1122 §4.2.2.13: \"If such a host issues a CLOSE call while received data is still pending in TCP, or if new data is received after CLOSE is called, its TCP SHOULD send a RST to show that data was lost.\"",
		 "https://www.rfc-editor.org/rfc/rfc1122#section-4.2.2.13"},
		{"RFC 9293 §3.6.1: \"if new data is received after CLOSE is called, its TCP implementation SHOULD send a RST to show that data was lost (SHLD-3)\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6.1"},
		{"RFC 9293 §3.10.7.4, RST in CLOSE-WAIT: \"Users should also receive an unsolicited general 'connection reset' signal. Enter the CLOSED state\" (it names no errno)",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.4"},
		{"POSIX.1-2017 send(): \"[ECONNRESET] A connection was forcibly closed by a peer.\" and \"[EPIPE] ... the socket is connection-mode and is no longer connected\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"POSIX.1-2017 XSH 2.3 Error Numbers: \"If more than one error occurs in processing a function call, any one of the possible errors may be returned\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/V2_chap02.html#tag_15_03"},
		{"Winsock, Terminating a Connection: if an application closes a socket and \"data later arrives, then the system will abort the connection\"; after an abortive termination \"send() and recv() calls will fail with the error WSAECONNRESET\"",
		 "https://library.thedatadungeon.com/msdn-1998-06/conf/html/SA8ED.content.HTM"},
	},
	.asserts = {
		{SC_STATE_SEND_AFTER_PEER_CLOSED, "success"},
		{SC_STATE_SEND_AFTER_RST_IN_CLOSE_WAIT, SEND_AFTER_THE_RST},
	},
	.run = data_after_close_is_answered_with_rst,
);
