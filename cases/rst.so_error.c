/*
 * rst.so_error: after the peer resets the connection, SO_ERROR reports
 * ECONNRESET once: reading it clears it, and the next read gives 0.
 *
 * Timeline:  peer: SO_LINGER {1, 0}, our byte unread ; close()  ->  RST  ->
 *            local: error pending ; getsockopt(SO_ERROR) == ECONNRESET ;
 *            getsockopt(SO_ERROR) == 0
 */
#include "sockconf.h"

static void so_error_reports_the_reset_once(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	int err = -1;
	socklen_t len = sizeof err;

	peer_resets(c); /* SO_LINGER {1, 0}, close(), a byte of ours unread there: an RST */
	wait_error_pending(c.local); /* poll's view only: SO_ERROR is still unread */
	check_call(getsockopt(c.local, SOL_SOCKET, SO_ERROR, &err, &len));
	check_int(err, ==, ECONNRESET);
	err = -1;
	len = sizeof err;
	check_call(getsockopt(c.local, SOL_SOCKET, SO_ERROR, &err, &len));
	check_int(err, ==, 0); /* reported once: the first read cleared it */
}

SOCKCONF_CASE(
	.id = "rst.so_error",
	.claim = "After the peer resets the connection, getsockopt(SO_ERROR) returns ECONNRESET once, then 0.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER has no abortive close on AF_UNIX",
	.cites = {
		{"POSIX.1-2017 XSH 2.10.16, Use of Options: \"SO_ERROR Reports information about error status and clears it.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/V2_chap02.html#tag_15_10_16"},
		{"Linux socket(7): \"SO_ERROR Get and clear the pending socket error.\"",
		 "https://man7.org/linux/man-pages/man7/socket.7.html"},
		{"POSIX.1-2017 recv()/send(): \"[ECONNRESET] A connection was forcibly closed by a peer.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
	},
	.run = so_error_reports_the_reset_once,
);
