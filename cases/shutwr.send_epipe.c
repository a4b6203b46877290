/*
 * shutwr.send_epipe: once the sending side is shut down, send() fails
 * with EPIPE.
 *
 * Timeline:  local: shutdown(SHUT_WR)  ->  FIN  ;  local: send() == -1 EPIPE
 */
#include "sockconf.h"

static void send_after_shut_wr_fails_with_epipe(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "late";

	check_call(shutdown(c.local, SHUT_WR));
	/* MSG_NOSIGNAL: the SIGPIPE that comes with EPIPE is shutwr.sigpipe's claim, not this one's */
	check_fails(send(c.local, data, sizeof data, MSG_NOSIGNAL), EPIPE);
}

SOCKCONF_CASE(
	.id = "shutwr.send_epipe",
	.claim = "After shutdown(SHUT_WR), send() fails with EPIPE.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 send(): \"[EPIPE] The socket is shut down for writing, or the socket is connection-mode and is no longer connected.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"Linux send(2): \"EPIPE The local end has been shut down on a connection oriented socket.\"",
		 "https://man7.org/linux/man-pages/man2/send.2.html"},
		{"POSIX.1-2017 shutdown(): \"SHUT_WR Disables further send operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Winsock shutdown(): \"If the how parameter is SD_SEND, subsequent calls to the send function are disallowed.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.asserts = {
		{SC_STATE_SEND_AFTER_SHUT_WR, "EPIPE"},
	},
	.run = send_after_shut_wr_fails_with_epipe,
);
