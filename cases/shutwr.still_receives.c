/*
 * shutwr.still_receives: shutdown(SHUT_WR) closes one direction only: after
 * it, the peer's data still reaches us, every byte, and then its end of
 * stream.
 *
 * Timeline:  local: shutdown(SHUT_WR)  ->  FIN  ->  peer: recv() == 0 ;
 *            peer: send(1 MiB pattern) ; shutdown(SHUT_WR)  ->
 *            local: recv() .. all 1 MiB, checked byte for byte, then recv() == 0
 */
#include "sockconf.h"

#define PAYLOAD (1024 * 1024) /* more than the buffers hold: we must keep opening our window after our FIN */

static void half_closed_end_still_receives(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	size_t received = 0;
	char buf[16];

	check_call(shutdown(c.local, SHUT_WR));
	wait_readable(c.peer);
	check_int(recv(c.peer, buf, sizeof buf, 0), ==, 0); /* the peer knows we are done sending */
	send_pattern_draining(c.peer, c.local, PAYLOAD, &received);
	check_call(shutdown(c.peer, SHUT_WR));
	check_int(recv_pattern_until_eof(c.local, &received), ==, PAYLOAD);
}

SOCKCONF_CASE(
	.id = "shutwr.still_receives",
	.claim = "After shutdown(SHUT_WR), the socket still receives: the peer's data all arrives, intact and in order.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"RFC 9293 §3.6: \"The user who CLOSEs may continue to RECEIVE until the TCP receiver is told that the remote peer has CLOSED also.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6"},
		{"POSIX.1-2017 shutdown(): \"SHUT_WR Disables further send operations.\" (receive operations are left as they are)",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Winsock, Graceful Shutdown, Linger Options, and Socket Closure: after \"(1) Invokes shutdown(s, SD_SEND) to signal end of session and that client has no more data to send.\", the client still \"Gets FD_READ and calls recv to get any response data sent by server\"",
		 "https://learn.microsoft.com/en-us/windows/win32/winsock/graceful-shutdown-linger-options-and-socket-closure-2"},
		{"Read/write on a closed TCP connection (zh), SHUT_WR: after the ACK of the FIN the socket is in FIN_WAIT2 and \"仍然可以接受对端发送的数据\" (can still receive the peer's data)",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
	},
	.run = half_closed_end_still_receives,
);
