/*
 * linger.timeout_blocks: with SO_LINGER {1, 1} and data the peer cannot
 * take (it does not read and its receive window is full), a blocking
 * close() waits for the linger time, about 1 s, and then returns.
 *
 * Timeline:  local: send until the stack takes no more (peer never reads)
 *            local: setsockopt(SO_LINGER {1, 1}) ; close()  -- blocks ~1000 ms
 *
 * The window is 900..1900 ms: the interval is l_linger seconds (1000 ms);
 * 100 ms below it allows for a coarse kernel clock (a jiffy) and a timer
 * started a little before close() was entered; 900 ms above it allows for
 * scheduling delays when many cases run at once, and still tells 1 s from
 * a 2 s (or longer) wait.  What close() returns when the time runs out is
 * not specified (POSIX lists no error for it; some BSDs report
 * EWOULDBLOCK): it is noted, not checked.
 */
#include "sockconf.h"

static void linger_close_waits_for_the_timeout(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger one_second = {1, 1};
	struct sc_close_timing closed;
	size_t queued;

	queued = send_pattern_until_full(c.local); /* undeliverable until the peer reads, which it never does */
	note("queued", "%lu bytes", (unsigned long)queued);
	check_int(bytes_arrived(c.peer, queued), <, queued); /* close() meets untransmitted data */
	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&one_second, sizeof one_second));
	check_call(set_nonblocking(c.local, 0)); /* a blocking close() */

	closed = timed_close(c.local); /* its result is noted, not checked */
	if (bytes_arrived(c.peer, queued) == queued) /* a sender's buffer smaller than the peer's window */
		skip("the peer's window took everything queued: no data was left that it could not take");
	check_int(closed.ms, >=, 900);
	check_int(closed.ms, <=, 1900);
}

SOCKCONF_CASE(
	.id = "linger.timeout_blocks",
	.claim = "With SO_LINGER {1, 1} and queued data the peer cannot take, a blocking close() waits about the linger time (1 s) and then returns.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER governs untransmitted data at close(); an AF_UNIX send() puts data straight into the peer's receive queue, so there is never any to linger on",
	.cites = {
		{"POSIX.1-2017 close(): \"If the socket is in connection-mode, and the SO_LINGER option is set for the socket with non-zero linger time, and the socket has untransmitted data, then close() shall block for up to the current linger interval until all data is transmitted.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/close.html"},
		{"POSIX.1-2017 setsockopt(), SO_LINGER: \"If SO_LINGER is set, the system shall block the calling thread during close() until it can transmit the data or until the time expires.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/setsockopt.html"},
		{"POSIX.1-2017 XSH 2.10.16 Use of Options, SO_LINGER: close() blocks until the data is transmitted or the interval in l_linger ends, whichever comes first",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/V2_chap02.html"},
		{"Linux socket(7), SO_LINGER: \"When enabled, a close(2) or shutdown(2) will not return until all queued messages for the socket have been successfully sent or the linger timeout has been reached.\"",
		 "https://man7.org/linux/man-pages/man7/socket.7.html"},
		{"Winsock closesocket(): non-zero l_linger on a blocking socket: \"the closesocket call blocks until the remaining data has been sent or until the timeout expires\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
	},
	.run = linger_close_waits_for_the_timeout,
);
