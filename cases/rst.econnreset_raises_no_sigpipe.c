/*
 * rst.econnreset_raises_no_sigpipe: SIGPIPE belongs to EPIPE.  After the
 * peer resets the connection, our send() fails with ECONNRESET ("forcibly
 * closed by a peer") or EPIPE ("no longer connected"): POSIX lists both,
 * and both conditions hold.  The signal comes only with EPIPE: a send()
 * that fails with ECONNRESET raises no SIGPIPE.
 *
 * Timeline:  peer: SO_LINGER {1, 0}, our byte unread ; close()  ->  RST  ->
 *            local (ESTABLISHED, no FIN came): error pending ;
 *            send() without MSG_NOSIGNAL == -1 ECONNRESET, no SIGPIPE
 *            (or == -1 EPIPE and one SIGPIPE)
 */
#include "sockconf.h"

#define SEND_AFTER_RESET "ECONNRESET|EPIPE"

static void send_failing_with_econnreset_raises_no_sigpipe(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "late";
	int err;

	catch_signal(SIGPIPE); /* counted, not fatal; SKIPs where there is no SIGPIPE (Windows) */
	peer_resets(c); /* SO_LINGER {1, 0}, close(), a byte of ours unread there: an RST */
	wait_error_pending(c.local); /* the reset is here; nothing has consumed its error yet */
	err = check_one_of(send(c.local, data, sizeof data, 0), SEND_AFTER_RESET);
	check_signals(SIGPIPE, ==, err == EPIPE ? 1 : 0); /* with ECONNRESET: none */
}

SOCKCONF_CASE(
	.id = "rst.econnreset_raises_no_sigpipe",
	.claim = "After the peer resets the connection, send() fails with ECONNRESET or EPIPE and raises SIGPIPE only with EPIPE: a send() that fails with ECONNRESET raises no SIGPIPE.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER has no abortive close on AF_UNIX",
	.cites = {
		{"POSIX.1-2017 send(): \"[EPIPE] The socket is shut down for writing, or the socket is connection-mode and is no longer connected. In the latter case, and if the socket is of type SOCK_STREAM or SOCK_SEQPACKET and the MSG_NOSIGNAL flag is not set, the SIGPIPE signal is generated to the calling thread.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"POSIX.1-2017 send(): \"[ECONNRESET] A connection was forcibly closed by a peer.\" (no signal with it)",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"POSIX.1-2017 XSH 2.3 Error Numbers: \"If more than one error occurs in processing a function call, any one of the possible errors may be returned, as the order of detection is undefined.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/V2_chap02.html#tag_15_03"},
		{"Linux send(2): \"ECONNRESET Connection reset by peer.\"; \"EPIPE The local end has been shut down on a connection oriented socket. In this case, the process will also receive a SIGPIPE unless MSG_NOSIGNAL is set.\"",
		 "https://man7.org/linux/man-pages/man2/send.2.html"},
	},
	.asserts = {
		{SC_STATE_SEND_AFTER_RST_IN_ESTABLISHED, SEND_AFTER_RESET},
		{SC_STATE_SIGPIPE_ON_ECONNRESET, "none"},
		{SC_STATE_SIGPIPE_ON_EPIPE, "raised"},
	},
	.run = send_failing_with_econnreset_raises_no_sigpipe,
);
