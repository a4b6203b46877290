/*
 * shutrd.data_dropped: data that arrives after shutdown(SHUT_RD) is
 * dropped, never returned by recv().  The documents agree on "never
 * returned" and differ on the rest:
 *   POSIX, Linux and FreeBSD shutdown(): further receives are disallowed
 *     (nothing about the data itself);
 *   the zh article: the stack still receives such data and drops it, and
 *     every read returns 0;
 *   Winsock shutdown(): data arriving after SD_RECEIVE resets the
 *     connection (so recv() fails with ECONNRESET);
 *   FreeBSD's source, not its manual: tcp_input frees the data and
 *     acknowledges it.
 * So recv() returns 0, or fails with ECONNRESET; bytes are a failure.
 *
 * Timeline:  local: shutdown(SHUT_RD) (nothing on the wire)  ;
 *            peer: send(5 pattern bytes)  ->  data, ACK (or RST)  ->
 *            local: recv() == 0, or -1 ECONNRESET
 */
#include "sockconf.h"

/* "never returned": end of file (dropped) or the reset (Winsock) */
#define NEVER_RETURNED "0|ECONNRESET"

static void data_arriving_after_shut_rd_is_dropped(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	unsigned char buf[5];

	check_call(shutdown(c.local, SHUT_RD));
	pattern_fill(buf, sizeof buf, 0);
	check_int(send(c.peer, buf, sizeof buf, 0), ==, sizeof buf);
	wait_peer_acked(c.peer); /* the data reached us (or we reset the connection) */
	check_call(set_nonblocking(c.local, 1)); /* "dropped" means an answer now, not a recv() that blocks */
	check_one_of(recv(c.local, buf, sizeof buf, 0), NEVER_RETURNED);
}

SOCKCONF_CASE(
	.id = "shutrd.data_dropped",
	.claim = "Data arriving after shutdown(SHUT_RD) is dropped, never returned: recv() returns 0 or fails with ECONNRESET (POSIX: receives disallowed; the article: dropped; Winsock: the connection is reset).",
	.families = SC_TCP,
	.unix_note = "the claim is about TCP segments arriving; on AF_UNIX nothing arrives: Linux fails the peer's send() with EPIPE after SHUT_RD",
	.cites = {
		{"POSIX.1-2017 shutdown(): \"SHUT_RD Disables further receive operations.\" (what becomes of arriving data it does not say)",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Linux shutdown(2): \"If how is SHUT_RD, further receptions will be disallowed.\" (nothing on discarding)",
		 "https://man7.org/linux/man-pages/man2/shutdown.2.html"},
		{"FreeBSD shutdown(2): \"SHUT_RD Further receives will be disallowed.\" (nothing on discarding)",
		 "https://man.freebsd.org/cgi/man.cgi?query=shutdown&sektion=2"},
		{"FreeBSD tcp_input.c, source not document: data arriving on a socket with SBS_CANTRCVMORE is freed (m_freem) and acknowledged, with no RST",
		 "https://github.com/freebsd/freebsd-src/blob/main/sys/netinet/tcp_input.c"},
		{"Read/write on a closed TCP connection (zh), after SHUT_RD: the OS still receives the peer's segments, \"但是这些报文会被丢弃\" (but they are discarded); \"the OS will drop any data it receives for this connection\"",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
		{"Winsock shutdown(): \"For TCP sockets, if there is still data queued on the socket waiting to be received, or data arrives subsequently, the connection is reset, since the data cannot be delivered to the user.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.asserts = {
		{SC_STATE_PEER_SEND_AFTER_SHUT_RD, "success"},
		{SC_STATE_RECV_AFTER_SHUT_RD_WITH_DATA, NEVER_RETURNED},
	},
	.run = data_arriving_after_shut_rd_is_dropped,
);
