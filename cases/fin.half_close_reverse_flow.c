/*
 * fin.half_close_reverse_flow: a half-close stops one direction only.
 * After the peer's shutdown(SHUT_WR) we have read its end of file, and we
 * can still send: the peer receives every byte, intact, then our FIN.
 *
 * Timeline:  peer: shutdown(SHUT_WR)  ->  FIN  ->  local: recv() == 0
 *            local: send(1 MiB pattern) ; close()  ->  peer: recv() .. all 1 MiB, checked, then 0
 */
#include "sockconf.h"

#define PAYLOAD (1024 * 1024) /* more than the socket buffers hold: many windows' worth after the half-close */

static void data_still_flows_towards_the_half_closed_end(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	size_t received = 0;
	char buf[16];

	check_call(shutdown(c.peer, SHUT_WR));
	wait_readable(c.local);
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0); /* the half-close has reached us */

	send_pattern_draining(c.local, c.peer, PAYLOAD, &received);
	check_call(close(c.local));
	check_int(recv_pattern_until_eof(c.peer, &received), ==, PAYLOAD);
}

SOCKCONF_CASE(
	.id = "fin.half_close_reverse_flow",
	.claim = "After the peer's shutdown(SHUT_WR), we can still send, and the peer still receives all of it.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 shutdown(): \"SHUT_WR Disables further send operations.\" (only the caller's sending)",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"RFC 9293 §3.10.2 SEND, CLOSE-WAIT STATE: \"Segmentize the buffer and send it with a piggybacked acknowledgment\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.2"},
		{"Winsock, Graceful Shutdown, Linger Options, and Socket Closure: after the client's shutdown(s, SD_SEND) the server may still \"(3) Sends any remaining response data.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/winsock/graceful-shutdown-linger-options-and-socket-closure-2"},
	},
	.run = data_still_flows_towards_the_half_closed_end,
);
