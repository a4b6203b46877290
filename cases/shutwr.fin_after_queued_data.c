/*
 * shutwr.fin_after_queued_data: shutdown(SHUT_WR) does not cut off data
 * already handed to the stack: the FIN follows the last queued byte, so
 * the peer reads everything, intact and in order, and only then 0.
 *
 * Timeline:  local: send(1 MiB pattern) ; shutdown(SHUT_WR)  ->  data .. FIN  ->
 *            peer: recv() .. all 1 MiB, checked byte for byte, then recv() == 0
 */
#include "sockconf.h"

#define PAYLOAD (1024 * 1024) /* more than the socket buffers hold: data is still queued at shutdown() */

static void fin_follows_all_queued_data(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	size_t received = 0;

	/* send() returns once our stack holds the data, not once the peer has read it */
	send_pattern_draining(c.local, c.peer, PAYLOAD, &received);
	check_call(shutdown(c.local, SHUT_WR)); /* the FIN is queued behind the data */
	check_int(recv_pattern_until_eof(c.peer, &received), ==, PAYLOAD);
}

SOCKCONF_CASE(
	.id = "shutwr.fin_after_queued_data",
	.claim = "After shutdown(SHUT_WR), all data queued before it is delivered, intact and in order, and only then does the peer's recv() return 0.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"RFC 9293 §3.10.4, CLOSE call in ESTABLISHED state: \"Queue this until all preceding SENDs have been segmentized, then form a FIN segment and send it.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
		{"Winsock shutdown(): \"If the how parameter is SD_SEND ... For TCP sockets, a FIN will be sent after all data is sent and acknowledged by the receiver.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
		{"Read/write on a closed TCP connection (zh), SHUT_WR: \"All pending write requests will be finished, but subsequent write requests will fail. Furthermore, a FIN packet will be sent\"",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
	},
	.run = fin_follows_all_queued_data,
);
