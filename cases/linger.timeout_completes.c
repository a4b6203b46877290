/*
 * linger.timeout_completes: with SO_LINGER {1, 2}, close() returns 0 as
 * soon as the queued data is delivered, long before the 2 s run out; the
 * close is graceful: the peer reads every byte, then 0.
 *
 * Both ends live in this process, so nobody reads while close() blocks:
 * the payload is small enough to fit in any peer's receive window (1 KiB;
 * lwIP's default window is 4 x 536 bytes), so delivery needs no reading.
 *
 * Timeline:  local: setsockopt(SO_LINGER {1, 2}) ; send(1 KiB pattern) ;
 *            close() == 0, having waited 0 whole seconds
 *            peer:  recv() .. 1 KiB, checked, then recv() == 0
 *
 * The wait is compared in whole seconds, rounded: a stack that returns on
 * delivery shows 0, one that waits out the linger time shows 2, stably.
 */
#include "sockconf.h"

#define PAYLOAD 1024
#define LINGER_S 2

static void linger_close_returns_once_data_is_delivered(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger two_seconds = {1, LINGER_S};
	unsigned char buf[PAYLOAD];
	size_t received = 0;
	double started;
	long long close_ms;

	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&two_seconds, sizeof two_seconds));
	pattern_fill(buf, sizeof buf, 0);
	check_int(send(c.local, buf, sizeof buf, 0), ==, sizeof buf);

	started = now_ms();
	check_int(close(c.local), ==, 0);
	close_ms = (long long)(now_ms() - started);
	note("close_ms", "%lld", close_ms);
	check_int((close_ms + 500) / 1000, ==, 0); /* delivery, not the 2 s timeout, ended the wait */

	check_int(recv_pattern_until_eof(c.peer, &received), ==, PAYLOAD); /* fails on ECONNRESET */
}

SOCKCONF_CASE(
	.id = "linger.timeout_completes",
	.claim = "With SO_LINGER {1, 2}, close() returns 0 as soon as the queued data is delivered, well before 2 s; the peer receives all of it, then 0.",
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
