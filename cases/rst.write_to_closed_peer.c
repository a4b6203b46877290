/*
 * rst.write_to_closed_peer: writing to a connection the peer has fully
 * closed: the first send() succeeds (the data leaves), the peer answers it
 * with an RST, and the next send() fails with EPIPE and raises SIGPIPE.
 *
 * Timeline:  peer: close()  ->  FIN  ->  local: readable (not read) ;
 *            send() == 5, no SIGPIPE  ->  data  ->  RST  ->  local: error pending ;
 *            send() == -1 EPIPE, 1 SIGPIPE
 */
#include "sockconf.h"

static void second_write_to_closed_peer_raises_sigpipe(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "late";

	catch_signal(SIGPIPE); /* counted, not fatal; SKIPs where there is no SIGPIPE (Windows) */
	check_call(close(c.peer));
	wait_readable(c.local); /* the FIN is here: the peer has closed */
	check_int(send(c.local, data, sizeof data, 0), ==, sizeof data);
	check_signals(SIGPIPE, ==, 0); /* the first write is accepted */
	wait_error_pending(c.local); /* the peer's RST has come back */
	check_fails(send(c.local, data, sizeof data, 0), EPIPE);
	check_signals(SIGPIPE, ==, 1);
}

SOCKCONF_CASE(
	.id = "rst.write_to_closed_peer",
	.claim = "After the peer closes, the first send() succeeds and draws an RST; the next send() fails with EPIPE and raises SIGPIPE.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX has no RST: after the peer's close even the first send() fails with EPIPE",
	.cites = {
		{"Read/write on a closed TCP connection (zh), peer closed both directions (translated): the first write returns, but when it reaches the peer, the peer sends an RST and closes the connection; writing again raises SIGPIPE",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
		{"POSIX.1-2017 send(): \"[EPIPE] The socket is shut down for writing, or the socket is connection-mode and is no longer connected. In the latter case, and if the socket is of type SOCK_STREAM or SOCK_SEQPACKET and the MSG_NOSIGNAL flag is not set, the SIGPIPE signal is generated to the calling thread.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"Linux tcp(7): \"EPIPE The other end closed the socket unexpectedly or a read is executed on a shut down socket.\"",
		 "https://man7.org/linux/man-pages/man7/tcp.7.html"},
	},
	.run = second_write_to_closed_peer_raises_sigpipe,
);
