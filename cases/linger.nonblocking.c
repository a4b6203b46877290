/*
 * linger.nonblocking: close() on a non-blocking socket with SO_LINGER
 * {1, 1} and data the peer cannot take does not wait for the linger time:
 * it returns at once, with an error or having left the close to complete
 * asynchronously.
 *
 * Why this claim: POSIX says nothing about SO_LINGER on a non-blocking
 * socket in close(), but its rule for sockets with O_NONBLOCK set covers
 * every call that would block ("Socket I/O Mode": such functions "shall
 * either return immediately with an error, or shall complete
 * asynchronously").  Winsock documents the first of the two (closesocket()
 * fails with WSAEWOULDBLOCK).  No POSIX or Linux text names the error, so
 * the case asserts only that close() does not wait, and notes what it
 * returned.  (Linux waits the full linger time and returns 0: recorded.)
 *
 * Timeline:  local: send until the stack takes no more (peer never reads)
 *            local: setsockopt(SO_LINGER {1, 1}) ; O_NONBLOCK ; close()  -- returns at once
 *
 * Waiting is measured in whole seconds, rounded: a stack that does not
 * wait shows 0, one that waits the linger time shows 1, stably.
 *
 * A stack that ignores SO_LINGER altogether passes this case too: the
 * option's effect on a blocking close() is linger.timeout_blocks' claim,
 * made on the same setup.
 */
#include "sockconf.h"

static void nonblocking_linger_close_does_not_wait(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger one_second = {1, 1};
	struct sc_close_timing closed;
	size_t queued;

	queued = send_pattern_until_full(c.local); /* undeliverable until the peer reads, which it never does */
	note("queued", "%lu bytes", (unsigned long)queued);
	check_int(bytes_arrived(c.peer, queued), <, queued); /* close() meets untransmitted data */
	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&one_second, sizeof one_second));
	check_call(set_nonblocking(c.local, 1)); /* (filling left it so; the claim is about this mode) */

	closed = timed_close(c.local); /* its result is noted: an error, or 0 */
	check_int(closed.seconds, ==, 0);
}

SOCKCONF_CASE(
	.id = "linger.nonblocking",
	.claim = "On a non-blocking socket with SO_LINGER {1, 1} and queued data the peer cannot take, close() returns at once (with an error, or completing asynchronously) instead of waiting for the linger time.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER governs untransmitted data at close(); an AF_UNIX send() puts data straight into the peer's receive queue, so there is never any to linger on",
	.cites = {
		{"POSIX.1-2017 XSH 2.10 Sockets, Socket I/O Mode: with O_NONBLOCK set, \"functions that would normally block until they are complete shall either return immediately with an error, or shall complete asynchronously\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/V2_chap02.html"},
		{"POSIX.1-2017 close(): with SO_LINGER set and untransmitted data, \"close() shall block for up to the current linger interval until all data is transmitted\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/close.html"},
		{"Winsock closesocket(): WSAEWOULDBLOCK \"The socket is marked as nonblocking, but the l_onoff member of the linger structure is set to nonzero and the l_linger member of the linger structure is set to a nonzero timeout value.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
	},
	.run = nonblocking_linger_close_does_not_wait,
);
