/*
 * shutrd.recv_zero: after shutdown(SHUT_RD) with nothing queued, recv()
 * returns 0 at once: it neither blocks nor waits for the peer.
 *
 * Timeline:  local: shutdown(SHUT_RD) ; recv() == 0 (non-blocking: a stack
 *            that would block fails with EAGAIN instead of hanging)
 */
#include "sockconf.h"

static void recv_after_shut_rd_returns_zero(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	char buf[16];

	check_call(set_nonblocking(c.local, 1)); /* "at once": 0 now, not a recv() that blocks */
	check_call(shutdown(c.local, SHUT_RD));
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0);
}

SOCKCONF_CASE(
	.id = "shutrd.recv_zero",
	.claim = "After shutdown(SHUT_RD), with nothing queued, recv() returns 0 at once.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"Read/write on a closed TCP connection (zh), SHUT_RD: \"Any pending and subsequent read requests (regardless whichever thread they are in) will then returned with zero sized result\"; \"主动关闭读端: read返回0\"",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
		{"POSIX.1-2017 shutdown(): \"SHUT_RD Disables further receive operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Linux shutdown(2): \"If how is SHUT_RD, further receptions will be disallowed.\"",
		 "https://man7.org/linux/man-pages/man2/shutdown.2.html"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_SHUT_RD, "0"},
	},
	.run = recv_after_shut_rd_returns_zero,
);
