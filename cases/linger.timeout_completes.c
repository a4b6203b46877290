/*
 * linger.timeout_completes: with SO_LINGER {1, L} and data the peer has
 * not yet taken, close() waits for the delivery, not for the time: it
 * returns 0 as soon as the peer has every byte, long before the L seconds
 * run out, and the close is graceful: the peer reads every byte, then 0.
 *
 * To show that close() waited for the delivery, the data must still be
 * undelivered when close() is called, and delivered when it returns.  So
 * the peer's window is filled first (it does not read), and close() runs
 * in another thread while this one reads at the peer:
 *   - before close(): the peer holds fewer bytes than were sent, so the
 *     rest is unacknowledged (seen from the peer, which every stack shows);
 *   - close() is asleep in the kernel before the peer reads anything (a
 *     stack that ignores SO_LINGER returns at once, and fails here);
 *   - the moment close() returns, its thread reads the peer's TCP state:
 *     CLOSE_WAIT, i.e. the peer had every byte and the FIN after them.
 *
 * Timeline:  local: send until the stack takes no more (peer not reading)
 *            local: setsockopt(SO_LINGER {1, L}) ; close()  -- blocks
 *            peer:  recv() .. every byte, checked, then recv() == 0
 *            local: close() == 0 well before L s; peer in CLOSE_WAIT by then
 *
 * L is half the wait bound in whole seconds: 1 s on loopback, where the
 * delivery takes milliseconds, and more over a slow link, where it takes
 * round trips.  The wait, in whole seconds rounded, must be under L: a
 * stack that returns on delivery shows 0 on loopback, one that waits out
 * the linger time shows L.
 */
#include "sockconf.h"

static void linger_close_returns_once_data_is_delivered(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger lingering = {1, 0};
	struct sc_closing *closing;
	struct sc_close_timing closed;
	size_t queued, received = 0;

	queued = send_pattern_until_full(c.local); /* the peer's window is closed: delivery waits for its reading */
	note("queued", "%lu bytes", (unsigned long)queued);
	check_int(bytes_arrived(c.peer, queued), <, queued); /* undelivered, so unacknowledged, as close() is called */
	lingering.l_linger = linger_s_beyond_delivery(c.local);
	note("linger", "{1, %d}", (int)lingering.l_linger);
	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&lingering, sizeof lingering));
	check_call(set_nonblocking(c.local, 0)); /* a blocking close() */

	closing = start_timed_close(c.local, c.peer); /* returns once close() is asleep, waiting */
	check_int(recv_pattern_until_eof(c.peer, &received), ==, queued); /* fails on ECONNRESET */
	closed = timed_close_result(closing);
	check_int(closed.ret, ==, 0);
	check_int(closed.seconds, <, lingering.l_linger); /* delivery, not the linger time, ended the wait */
	check_state_seen(closed.peer_state, SC_TCP_CLOSE_WAIT); /* delivered when close() returned */
}

SOCKCONF_CASE(
	.id = "linger.timeout_completes",
	.claim = "With SO_LINGER {1, L} (L = 1 s on loopback, more over a slow link) and queued data the peer has not yet received, close() blocks until the data is delivered and then returns 0, well before L s; the peer receives all of it, then 0.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER governs untransmitted data at close(); an AF_UNIX send() puts data straight into the peer's receive queue, so there is never any to linger on",
	.cites = {
		{"POSIX.1-2017 close(): with SO_LINGER set and untransmitted data, \"close() shall block for up to the current linger interval until all data is transmitted.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/close.html"},
		{"POSIX.1-2017 setsockopt(), SO_LINGER: \"If SO_LINGER is set, the system shall block the calling thread during close() until it can transmit the data or until the time expires.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/setsockopt.html"},
		{"Linux socket(7), SO_LINGER: \"When enabled, a close(2) or shutdown(2) will not return until all queued messages for the socket have been successfully sent or the linger timeout has been reached.\"",
		 "https://man7.org/linux/man-pages/man7/socket.7.html"},
		{"Winsock closesocket(): non-zero l_linger: \"This is called a graceful disconnect or close if all of the data is sent within timeout value specified in the l_linger member.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
	},
	.run = linger_close_returns_once_data_is_delivered,
);
