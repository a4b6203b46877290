/*
 * shutrd.queued_data: shutdown(SHUT_RD) disables receiving at once, for data
 * already queued too: what arrived before the call and was not read is
 * never returned; recv() returns 0.
 *
 * Timeline:  peer: send(5 pattern bytes)  ->  local: readable (data queued, unread) ;
 *            local: shutdown(SHUT_RD) ; recv() == 0 (non-blocking)
 */
#include "sockconf.h"

static void data_queued_before_shut_rd_is_not_returned(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	unsigned char buf[5];

	pattern_fill(buf, sizeof buf, 0);
	check_int(send(c.peer, buf, sizeof buf, 0), ==, sizeof buf);
	wait_readable(c.local); /* the data is in our receive queue, unread */
	check_call(shutdown(c.local, SHUT_RD));
	check_call(set_nonblocking(c.local, 1)); /* 0 now, not a recv() that blocks */
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0);
}

SOCKCONF_CASE(
	.id = "shutrd.queued_data",
	.claim = "Data queued but unread when shutdown(SHUT_RD) is called is not returned afterwards: recv() returns 0.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 shutdown(): \"SHUT_RD Disables further receive operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Read/write on a closed TCP connection (zh), SHUT_RD: \"Any pending and subsequent read requests ... will then returned with zero sized result\"; \"所有的read都会返回0\" (every read returns 0)",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
		{"Winsock shutdown(): SD_RECEIVE: \"subsequent calls to the recv function on the socket will be disallowed ... For TCP sockets, if there is still data queued on the socket waiting to be received ... the connection is reset, since the data cannot be delivered to the user.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.run = data_queued_before_shut_rd_is_not_returned,
);
