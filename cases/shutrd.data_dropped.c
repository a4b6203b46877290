/*
 * shutrd.data_dropped: data that arrives after shutdown(SHUT_RD) is
 * discarded by the stack and never returned: recv() returns 0 at once.
 *
 * Timeline:  local: shutdown(SHUT_RD) (nothing on the wire)  ;
 *            peer: send(5 pattern bytes)  ->  data, ACK  ->  local: recv() == 0
 */
#include "sockconf.h"

static void data_arriving_after_shut_rd_is_discarded(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	unsigned char buf[5];

	check_call(shutdown(c.local, SHUT_RD));
	pattern_fill(buf, sizeof buf, 0);
	check_int(send(c.peer, buf, sizeof buf, 0), ==, sizeof buf);
	wait_peer_acked(c.peer); /* the data reached us (or we reset the connection) */
	check_call(set_nonblocking(c.local, 1)); /* "dropped" means 0 now, not a recv() that blocks */
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0);
}

SOCKCONF_CASE(
	.id = "shutrd.data_dropped",
	.claim = "Data arriving after shutdown(SHUT_RD) is discarded and never returned: recv() returns 0.",
	.families = SC_TCP,
	.unix_note = "the claim is about TCP segments arriving; on AF_UNIX nothing arrives: Linux fails the peer's send() with EPIPE after SHUT_RD",
	.cites = {
		{"Read/write on a closed TCP connection (zh), after SHUT_RD: \"Any pending and subsequent read requests ... will then returned with zero sized result ... the OS will drop any data it receives for this connection\"",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
		{"POSIX.1-2017 shutdown(): \"SHUT_RD Disables further receive operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Winsock shutdown(): \"For TCP sockets, if there is still data queued on the socket waiting to be received, or data arrives subsequently, the connection is reset, since the data cannot be delivered to the user.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.run = data_arriving_after_shut_rd_is_discarded,
);
