/*
 * close.unix_send_epipe_sigpipe: once the peer of an AF_UNIX stream
 * connection has closed, the connection is gone: send() and write() fail
 * with EPIPE and raise SIGPIPE, once per call; send() with MSG_NOSIGNAL
 * fails the same way and raises nothing.  (TCP differs: the first send()
 * to a closed peer succeeds and draws an RST, rst.write_to_closed_peer.)
 *
 * Timeline:  peer: close()  ->  local: readable (end of file) ;
 *            send()                -> -1 EPIPE, 1 SIGPIPE
 *            write()               -> -1 EPIPE, 1 SIGPIPE more
 *            send(MSG_NOSIGNAL)    -> -1 EPIPE, no SIGPIPE
 */
#include "sockconf.h"

static void send_to_closed_unix_peer_raises_sigpipe(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "late";

	catch_signal(SIGPIPE); /* counted, not fatal */
	check_call(close(c.peer));
	wait_readable(c.local); /* end of file: the peer is gone */
	check_fails(send(c.local, data, sizeof data, 0), EPIPE);
	check_signals(SIGPIPE, ==, 1);
	check_fails(write(c.local, data, sizeof data), EPIPE);
	check_signals(SIGPIPE, ==, 2);
	check_fails(send(c.local, data, sizeof data, MSG_NOSIGNAL), EPIPE);
	check_signals(SIGPIPE, ==, 2); /* MSG_NOSIGNAL: the error, without the signal */
}

SOCKCONF_CASE(
	.id = "close.unix_send_epipe_sigpipe",
	.claim = "After the peer of an AF_UNIX stream connection closes, send() and write() fail with EPIPE and raise SIGPIPE, once per call; with MSG_NOSIGNAL, send() raises none.",
	.families = SC_UNIX,
	.cites = {
		{"POSIX.1-2017 send(): \"[EPIPE] The socket is shut down for writing, or the socket is connection-mode and is no longer connected. In the latter case, and if the socket is of type SOCK_STREAM or SOCK_SEQPACKET and the MSG_NOSIGNAL flag is not set, the SIGPIPE signal is generated to the calling thread.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"POSIX.1-2017 write(): \"[EPIPE] A write was attempted on a socket that is shut down for writing, or is no longer connected. In the latter case, if the socket is of type SOCK_STREAM, a SIGPIPE signal shall also be sent to the thread.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/write.html"},
		{"Linux unix(7): \"EPIPE Remote socket was closed on a stream socket. If enabled, a SIGPIPE is sent as well. This can be avoided by passing the MSG_NOSIGNAL flag to send(2) or sendmsg(2).\"",
		 "https://man7.org/linux/man-pages/man7/unix.7.html"},
	},
	.asserts = {
		{SC_STATE_SIGPIPE_ON_EPIPE, "raised"},
		{SC_STATE_SIGPIPE_WITH_MSG_NOSIGNAL, "none"},
	},
	.run = send_to_closed_unix_peer_raises_sigpipe,
);
