/*
 * fin.queued_data_delivered: data sent just before close() is not lost:
 * the receiver reads every byte, intact and in order, and only then 0.
 *
 * Timeline:  peer: send(1 MiB pattern) ; close()  ->  data .. FIN  ->
 *            local: recv() .. all 1 MiB, checked byte for byte, then recv() == 0
 */
#include "sockconf.h"

#define PAYLOAD (1024 * 1024) /* more than the socket buffers hold: data is still unread when the peer closes */

static void all_data_sent_before_close_is_delivered(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	size_t received = 0;

	/* the peer's send() returns once its stack holds the data, not once we have read it */
	send_pattern_draining(c.peer, c.local, PAYLOAD, &received);
	check_call(close(c.peer)); /* graceful: the FIN follows the queued data */
	check_int(recv_pattern_until_eof(c.local, &received), ==, PAYLOAD);
}

SOCKCONF_CASE(
	.id = "fin.queued_data_delivered",
	.claim = "Data sent just before close() all arrives, intact and in order, and then recv() returns 0.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"RFC 9293 §3.6: \"A TCP implementation will reliably deliver all buffers SENT before the connection was CLOSED\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6"},
		{"Winsock, Graceful Shutdown, Linger Options, and Socket Closure: \"In a graceful shutdown sequence, any data that has been queued, but not yet transmitted can be sent prior to the connection being closed\"",
		 "https://learn.microsoft.com/en-us/windows/win32/winsock/graceful-shutdown-linger-options-and-socket-closure-2"},
	},
	.run = all_data_sent_before_close_is_delivered,
);
