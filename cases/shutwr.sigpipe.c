/*
 * shutwr.sigpipe: a send() or write() on a socket shut down for writing
 * fails with EPIPE and raises SIGPIPE, once per call; send() with
 * MSG_NOSIGNAL fails the same way and raises nothing.  (POSIX requires the
 * signal only once the connection is gone; for SHUT_WR the claim rests on
 * Linux's send(2) and the article.)
 *
 * Timeline:  local: shutdown(SHUT_WR) ;
 *            send()                -> -1 EPIPE, 1 SIGPIPE
 *            write()               -> -1 EPIPE, 1 SIGPIPE more
 *            send(MSG_NOSIGNAL)    -> -1 EPIPE, no SIGPIPE
 */
#include "sockconf.h"

static void send_after_shut_wr_raises_sigpipe(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "late";

	catch_signal(SIGPIPE); /* counted, not fatal; SKIPs where there is no SIGPIPE (Windows) */
	check_call(shutdown(c.local, SHUT_WR));
	check_fails(send(c.local, data, sizeof data, 0), EPIPE);
	check_signals(SIGPIPE, ==, 1);
	check_fails(write(c.local, data, sizeof data), EPIPE);
	check_signals(SIGPIPE, ==, 2);
	check_fails(send(c.local, data, sizeof data, MSG_NOSIGNAL), EPIPE);
	check_signals(SIGPIPE, ==, 2); /* MSG_NOSIGNAL: the error, without the signal */
}

SOCKCONF_CASE(
	.id = "shutwr.sigpipe",
	.claim = "After shutdown(SHUT_WR), send() and write() fail with EPIPE and raise SIGPIPE, once per call; with MSG_NOSIGNAL, send() raises none.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"Linux send(2): \"EPIPE The local end has been shut down on a connection oriented socket. In this case, the process will also receive a SIGPIPE unless MSG_NOSIGNAL is set.\"",
		 "https://man7.org/linux/man-pages/man2/send.2.html"},
		{"POSIX.1-2017 send(): \"MSG_NOSIGNAL Requests not to send the SIGPIPE signal ... The [EPIPE] error shall still be returned.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"Read/write on a closed TCP connection (zh): after SHUT_WR, writing to the connection raises SIGPIPE",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
	},
	.asserts = {
		{SC_STATE_SEND_AFTER_SHUT_WR, "EPIPE"},
		{SC_STATE_SIGPIPE_ON_EPIPE, "raised"},
		{SC_STATE_SIGPIPE_WITH_MSG_NOSIGNAL, "none"},
	},
	.run = send_after_shut_wr_raises_sigpipe,
);
