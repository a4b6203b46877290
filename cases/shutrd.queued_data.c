/*
 * shutrd.queued_data: shutdown(SHUT_RD) disables receiving at once, for data
 * already queued too: what arrived before the call and was not read is
 * never returned.  The documents agree on "never returned" and differ on
 * the rest:
 *   POSIX, Linux and FreeBSD shutdown(): further receives are disallowed;
 *   the zh article: every read after SHUT_RD returns 0;
 *   Winsock shutdown(): with data still queued the connection is reset
 *     (so recv() fails with ECONNRESET);
 *   FreeBSD's source, not its manual: soshutdown() flushes the receive
 *     buffer (sorflush).
 * So recv() returns 0, or fails with ECONNRESET; bytes are a failure.
 *
 * Timeline:  peer: send(5 pattern bytes)  ->  local: readable (data queued, unread) ;
 *            local: shutdown(SHUT_RD) ; recv() == 0, or -1 ECONNRESET (non-blocking)
 */
#include "sockconf.h"

/* "never returned": end of file (discarded) or the reset (Winsock) */
#define NEVER_RETURNED "0|ECONNRESET"

static void data_queued_before_shut_rd_is_not_returned(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	unsigned char buf[5];

	pattern_fill(buf, sizeof buf, 0);
	check_int(send(c.peer, buf, sizeof buf, 0), ==, sizeof buf);
	wait_readable(c.local); /* the data is in our receive queue, unread */
	check_call(shutdown(c.local, SHUT_RD));
	check_call(set_nonblocking(c.local, 1)); /* an answer now, not a recv() that blocks */
	check_one_of(recv(c.local, buf, sizeof buf, 0), NEVER_RETURNED);
}

SOCKCONF_CASE(
	.id = "shutrd.queued_data",
	.claim = "Data queued but unread when shutdown(SHUT_RD) is called is never returned afterwards: recv() returns 0 or fails with ECONNRESET (POSIX: receives disallowed; the article: reads return 0; Winsock: the connection is reset).",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 shutdown(): \"SHUT_RD Disables further receive operations.\" (data already queued included; what becomes of it it does not say)",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Linux shutdown(2): \"If how is SHUT_RD, further receptions will be disallowed.\"",
		 "https://man7.org/linux/man-pages/man2/shutdown.2.html"},
		{"FreeBSD shutdown(2): \"SHUT_RD Further receives will be disallowed.\"",
		 "https://man.freebsd.org/cgi/man.cgi?query=shutdown&sektion=2"},
		{"FreeBSD uipc_socket.c, source not document: soshutdown() with SHUT_RD calls sorflush(), which releases the receive buffer and what it holds",
		 "https://github.com/freebsd/freebsd-src/blob/main/sys/kern/uipc_socket.c"},
		{"Read/write on a closed TCP connection (zh), SHUT_RD: \"Any pending and subsequent read requests ... will then returned with zero sized result\"; \"所有的read都会返回0\" (every read returns 0)",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
		{"Winsock shutdown(): SD_RECEIVE: \"subsequent calls to the recv function on the socket will be disallowed ... For TCP sockets, if there is still data queued on the socket waiting to be received ... the connection is reset, since the data cannot be delivered to the user.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_SHUT_RD_WITH_DATA, NEVER_RETURNED},
	},
	.run = data_queued_before_shut_rd_is_not_returned,
);
