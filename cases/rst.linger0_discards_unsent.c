/*
 * rst.linger0_discards_unsent: an abortive close (SO_LINGER {1, 0}) throws
 * away the data still queued for sending: the other end never receives all
 * of it, and its reads end in ECONNRESET, not end of file.
 *
 * Timeline:  peer: send pattern bytes until its send buffer is full (local
 *            does not read: the window closes, the rest stays queued) ;
 *            setsockopt(SO_LINGER {1, 0}) ; close()  ->  RST
 *            local: reads what arrived, then recv() == -1 ECONNRESET ;
 *            fewer bytes received than were sent
 */
#include "sockconf.h"

static void linger_zero_close_discards_unsent_data(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger abortive = {1, 0};
	size_t sent, received = 0;

	sent = send_pattern_until_full(c.peer); /* local does not read: what does not fit stays unsent */
	note("sent", "%zu bytes", sent);
	check_call(setsockopt(c.peer, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive));
	check_call(close(c.peer));

	/* what arrived before the reset is read and checked byte for byte; then the reset */
	check_fails(recv_pattern_until_end(c.local, &received), ECONNRESET);
	note("received", "%zu bytes", received);
	check_int(received, <, sent);
}

SOCKCONF_CASE(
	.id = "rst.linger0_discards_unsent",
	.claim = "An abortive close (SO_LINGER on, zero timeout) discards unsent data: the other end receives less than was sent, then ECONNRESET.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER has no abortive close on AF_UNIX",
	.cites = {
		{"Winsock closesocket(): with l_linger zero \"the socket's virtual circuit is reset immediately, and any unsent data is lost\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
		{"Graceful Shutdown, Linger Options, and Socket Closure: \"In an abortive shutdown, any unsent data is lost.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/winsock/graceful-shutdown-linger-options-and-socket-closure-2"},
		{"RFC 9293 §3.10.5, ABORT call: \"all segments queued for transmission (except for the RST formed above) or retransmission should be flushed\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.5"},
		{"POSIX.1-2017 recv(): \"[ECONNRESET] A connection was forcibly closed by a peer.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
	},
	.run = linger_zero_close_discards_unsent_data,
);
