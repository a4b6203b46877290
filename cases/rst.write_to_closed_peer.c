/*
 * rst.write_to_closed_peer: writing to a connection the peer has fully
 * closed: the first send() succeeds (the data leaves), the peer answers it
 * with an RST, and the next send() fails.  POSIX send() lists EPIPE ("no
 * longer connected") and ECONNRESET ("forcibly closed by a peer"), and
 * both hold; SIGPIPE goes with EPIPE, and only when MSG_NOSIGNAL is not
 * set.  So: one SIGPIPE if the error is EPIPE, none if it is ECONNRESET,
 * and none for a send() with MSG_NOSIGNAL.
 *
 * This case keeps SIGPIPE; rst.data_after_close keeps the RST on the wire
 * for the same state.  Both accept the same errnos (shared_states.h).
 *
 * Timeline:  peer: close()  ->  FIN  ->  local: readable (not read) ;
 *            send() == 5, no SIGPIPE  ->  data  ->  RST  ->  local: error pending ;
 *            send() == -1 EPIPE (1 SIGPIPE) or ECONNRESET (none) ;
 *            send(MSG_NOSIGNAL) == -1 EPIPE or ECONNRESET, no SIGPIPE more
 */
#include "sockconf.h"

/* POSIX send(): "[EPIPE] ... no longer connected", "[ECONNRESET] ... forcibly closed by a peer" */
#define SEND_AFTER_THE_RST "EPIPE|ECONNRESET"

static void second_write_to_closed_peer_fails(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "late";
	int err;

	catch_signal(SIGPIPE); /* counted, not fatal; SKIPs where there is no SIGPIPE (Windows) */
	check_call(close(c.peer));
	wait_readable(c.local); /* the FIN is here: the peer has closed */
	check_int(send(c.local, data, sizeof data, 0), ==, sizeof data);
	check_signals(SIGPIPE, ==, 0); /* the first write is accepted */
	wait_error_pending(c.local); /* the peer's RST has come back */
	err = check_one_of(send(c.local, data, sizeof data, 0), SEND_AFTER_THE_RST);
	check_signals(SIGPIPE, ==, err == EPIPE); /* with EPIPE, and only with it */
	check_one_of(send(c.local, data, sizeof data, MSG_NOSIGNAL), SEND_AFTER_THE_RST);
	check_signals(SIGPIPE, ==, err == EPIPE); /* MSG_NOSIGNAL: the error, no signal */
}

SOCKCONF_CASE(
	.id = "rst.write_to_closed_peer",
	.claim = "After the peer closes, the first send() succeeds and draws an RST; the next send() fails with EPIPE or ECONNRESET, raising SIGPIPE exactly when it is EPIPE and MSG_NOSIGNAL is not set (POSIX send()).",
	.families = SC_TCP,
	.unix_note = "AF_UNIX has no RST: after the peer's close even the first send() fails with EPIPE",
	.cites = {
		{"POSIX.1-2017 send(): \"[EPIPE] The socket is shut down for writing, or the socket is connection-mode and is no longer connected. In the latter case, and if the socket is of type SOCK_STREAM or SOCK_SEQPACKET and the MSG_NOSIGNAL flag is not set, the SIGPIPE signal is generated to the calling thread.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"POSIX.1-2017 send(): \"[ECONNRESET] A connection was forcibly closed by a peer.\" (no signal); MSG_NOSIGNAL \"Requests not to send the SIGPIPE signal ... The [EPIPE] error shall still be returned.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"POSIX.1-2017 XSH 2.3 Error Numbers: \"If more than one error occurs in processing a function call, any one of the possible errors may be returned\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/V2_chap02.html#tag_15_03"},
		{"Linux send(2): \"EPIPE The local end has been shut down on a connection oriented socket. In this case, the process will also receive a SIGPIPE unless MSG_NOSIGNAL is set.\"",
		 "https://man7.org/linux/man-pages/man2/send.2.html"},
		{"Linux tcp(7): \"EPIPE The other end closed the socket unexpectedly or a read is executed on a shut down socket.\"",
		 "https://man7.org/linux/man-pages/man7/tcp.7.html"},
		{"Read/write on a closed TCP connection (zh), peer closed both directions (translated): the first write returns, but when it reaches the peer, the peer sends an RST and closes the connection; writing again raises SIGPIPE",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
	},
	.asserts = {
		{SC_STATE_SEND_AFTER_PEER_CLOSED, "success"},
		{SC_STATE_SEND_AFTER_RST_IN_CLOSE_WAIT, SEND_AFTER_THE_RST},
		{SC_STATE_SIGPIPE_ON_EPIPE, "raised"},
		{SC_STATE_SIGPIPE_ON_ECONNRESET, "none"},
		{SC_STATE_SIGPIPE_WITH_MSG_NOSIGNAL, "none"},
	},
	.run = second_write_to_closed_peer_fails,
);
