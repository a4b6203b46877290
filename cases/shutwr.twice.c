/*
 * shutwr.twice: a second shutdown(SHUT_WR) on a connection whose sending
 * side is already shut down succeeds: the socket is still connected (it
 * can still receive), so none of shutdown()'s errors applies, ENOTCONN
 * included; and it leaves the receiving side as it was.
 *
 * Timeline:  local: shutdown(SHUT_WR)  ->  FIN  ->  peer: recv() == 0 ;
 *            local: shutdown(SHUT_WR) == 0 again ;
 *            peer: send(5 pattern bytes)  ->  local: recv() == 5
 */
#include "sockconf.h"

static void second_shut_wr_succeeds(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	unsigned char data[5], buf[16];
	ssize_t n;

	check_call(shutdown(c.local, SHUT_WR));
	wait_readable(c.peer);
	check_int(recv(c.peer, buf, sizeof buf, 0), ==, 0); /* the first one has taken effect */
	check_int(shutdown(c.local, SHUT_WR), ==, 0);
	/* still connected: the peer's data still reaches us */
	pattern_fill(data, sizeof data, 0);
	check_int(send(c.peer, data, sizeof data, MSG_NOSIGNAL), ==, sizeof data);
	wait_readable(c.local);
	n = check_int(recv(c.local, buf, sizeof buf, 0), ==, sizeof data);
	check_int(pattern_mismatch(buf, (size_t)n, 0), ==, (size_t)-1);
}

SOCKCONF_CASE(
	.id = "shutwr.twice",
	.claim = "A second shutdown(SHUT_WR) on a connection already shut down for sending returns 0, and the socket still receives.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 shutdown(): \"Upon successful completion, shutdown() shall return 0\"; it fails only for EBADF, EINVAL, ENOTCONN \"The socket is not connected.\", ENOTSOCK (and may fail for ENOBUFS): a half-closed socket is still connected",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Linux shutdown(2): \"ENOTCONN The specified socket is not connected.\"",
		 "https://man7.org/linux/man-pages/man2/shutdown.2.html"},
		{"RFC 9293 §3.10.4, CLOSE call in FIN-WAIT-1/FIN-WAIT-2: \"An 'ok' response would be acceptable, too, as long as a second FIN is not emitted\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
	},
	.run = second_shut_wr_succeeds,
);
