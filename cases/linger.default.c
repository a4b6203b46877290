/*
 * linger.default: SO_LINGER is off on a new connection, so close()
 * returns at once even with data the peer cannot take yet, and the close
 * is graceful: the stack still delivers every byte, then the FIN; the peer
 * reads it all and then 0, never ECONNRESET.
 *
 * Timeline:  local: getsockopt(SO_LINGER) -> l_onoff 0
 *            local: send until the stack takes no more (peer not reading)
 *            local: close() returns at once
 *            peer:  recv() .. every byte, checked, then recv() == 0
 */
#include "sockconf.h"

static void default_close_is_quick_and_graceful(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger lg = {1, 1}; /* not the default: getsockopt must overwrite it */
	socklen_t len = sizeof lg;
	struct sc_close_timing closed;
	size_t queued, received = 0;

	check_call(getsockopt(c.local, SOL_SOCKET, SO_LINGER, (void *)&lg, &len));
	note("l_linger", "%d", (int)lg.l_linger);
	check_int(lg.l_onoff, ==, 0);

	queued = send_pattern_until_full(c.local); /* the peer's window is closed: this data is still ours */
	note("queued", "%lu bytes", (unsigned long)queued);
	check_int(bytes_arrived(c.peer, queued), <, queued); /* close() meets untransmitted data */
	check_call(set_nonblocking(c.local, 0)); /* quick because the linger is off, not because of O_NONBLOCK */
	closed = timed_close(c.local);
	check_int(closed.ret, ==, 0);
	check_int(closed.seconds, ==, 0); /* at once: under 500 ms, half the shortest linger time (1 s) */

	check_int(recv_pattern_until_eof(c.peer, &received), ==, queued); /* fails on ECONNRESET */
}

SOCKCONF_CASE(
	.id = "linger.default",
	.claim = "SO_LINGER is off by default: close() returns at once, and the stack still delivers all queued data gracefully; the peer reads it all, then 0.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER governs untransmitted data at close(); an AF_UNIX send() puts data straight into the peer's receive queue, so there is never any to linger on",
	.cites = {
		{"POSIX.1-2017 setsockopt(), SO_LINGER: \"If SO_LINGER is not specified, and close() is issued, the system handles the call in a way that allows the calling thread to continue as quickly as possible.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/setsockopt.html"},
		{"Linux socket(7), SO_LINGER: when not enabled, \"the call returns immediately and the closing is done in the background\"",
		 "https://man7.org/linux/man-pages/man7/socket.7.html"},
		{"Winsock closesocket(): with l_onoff zero \"the closesocket call will return immediately ... any data queued for transmission will be sent, if possible ... This is the default behavior for a socket.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
		{"RFC 9293 §3.6: \"A TCP implementation will reliably deliver all buffers SENT before the connection was CLOSED\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6"},
	},
	.run = default_close_is_quick_and_graceful,
);
