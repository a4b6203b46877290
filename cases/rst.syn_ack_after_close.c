/*
 * rst.syn_ack_after_close: a SYN-ACK that arrives after the connecting
 * socket was closed in SYN_SENT finds no connection, and is answered with
 * an RST whose sequence number is the SYN-ACK's acknowledgment number.
 *
 * A real listener answers on loopback at once, so the slow peer is played
 * with a raw socket from a listener's port: that listener's accept queue is
 * full, so the kernel drops the SYN unanswered, and the raw peer sends the
 * SYN-ACK, acknowledging the client's SYN, once the client is closed.
 *
 * Timeline:  client: connect() -> SYN (ISS), unanswered ; SYN_SENT ; client: close()
 *            raw peer: SYN-ACK <ACK=ISS+1>  ->  client's stack: RST <SEQ=ISS+1>
 */
#include "sockconf.h"

#define PEER_ISS 0x5c0c0f00u /* the slow peer's initial sequence number: any will do */

static void late_syn_ack_is_answered_with_rst(enum sc_family family)
{
	int listener = open_full_listener(family);
	int client = open_client(listener);
	struct sc_raw_peer *slow = raw_peer_open(client, listener);
	struct sc_raw_segment syn, answer;

	connect_nonblocking(client, listener);
	syn = raw_peer_wait(slow, SC_SYN);
	check_held_in_syn_sent(client);
	check_call(close(client));
	raw_peer_send(slow, SC_SYN | SC_ACK, PEER_ISS, syn.seq + 1);
	answer = raw_peer_reply(slow);
	check_int(answer.flags, ==, SC_RST); /* "<SEQ=SEG.ACK><CTL=RST>": the RST alone, no ACK */
	check_int(answer.seq, ==, syn.seq + 1);
}

SOCKCONF_CASE(
	.id = "rst.syn_ack_after_close",
	.claim = "A SYN-ACK that arrives after close() in SYN_SENT finds no connection and is answered with an RST carrying SEQ=SEG.ACK.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX connect() has no handshake and puts nothing on a wire",
	.cites = {
		{"RFC 9293 §3.10.4 CLOSE, SYN-SENT STATE: \"Delete the TCB and return \"error: closing\" responses to any queued SENDs, or RECEIVEs.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
		{"RFC 9293 §3.10.7.1 CLOSED STATE: \"An incoming segment not containing a RST causes a RST to be sent in response.\" ... \"If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.1"},
		{"RFC 9293 §3.5.2: \"If the connection does not exist (CLOSED), then a reset is sent in response to any incoming segment except another reset.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.5.2"},
	},
	.run = late_syn_ack_is_answered_with_rst,
);
