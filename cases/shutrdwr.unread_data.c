/*
 * shutrdwr.unread_data: shutdown(SHUT_RDWR) while received data is still
 * unread shuts the connection down gracefully: the peer reads end of file,
 * and no reset comes.  The RST that RFC 1122 asks for when data is lost
 * belongs to CLOSE, and POSIX's shutdown() only disables further sends and
 * receives.  (Winsock documents the opposite for SD_BOTH: the connection
 * is reset.)
 *
 * What the close() after it sends is each stack's own: Linux still holds
 * the unread bytes and resets then (RFC 2525 §2.17); FreeBSD discarded
 * them at the shutdown and sends nothing.  The case reports it.
 *
 * Timeline:  peer: send("unread")  ->  local: readable, never reads ;
 *            local: shutdown(SHUT_RDWR)  ->  FIN  ->  peer: recv() == 0,
 *            no error pending ;  local: close()  ->  reported
 */
#include "sockconf.h"

static void shut_rdwr_with_unread_data_sends_fin(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "unread";
	struct pollfd peer_after_close;
	char buf[16];
	int err = -1;
	socklen_t len = sizeof err;

	check_int(send(c.peer, data, sizeof data, 0), ==, sizeof data);
	wait_readable(c.local); /* the data is in our receive queue, and stays there unread */
	check_call(shutdown(c.local, SHUT_RDWR));
	wait_readable(c.peer);
	check_int(recv(c.peer, buf, sizeof buf, 0), ==, 0); /* a FIN: a reset would fail it */
	check_call(getsockopt(c.peer, SOL_SOCKET, SO_ERROR, &err, &len));
	check_int(err, ==, 0); /* and no reset behind the FIN */

	/* the close() that follows: not in the claim, reported */
	check_call(close(c.local));
	peer_after_close = (struct pollfd){.fd = c.peer, .events = 0, .revents = 0};
	if (poll(&peer_after_close, 1, sc_quiet_ms()) == 1) {
		len = sizeof err;
		getsockopt(c.peer, SOL_SOCKET, SO_ERROR, &err, &len);
		note("then_close", "reset the connection (the peer's SO_ERROR: %s)", errno_text(err));
	} else {
		note("then_close", "no reset within %d ms", sc_quiet_ms());
	}
}

SOCKCONF_CASE(
	.id = "shutrdwr.unread_data",
	.claim = "shutdown(SHUT_RDWR) with received data still unread sends a FIN, not a reset: the peer reads end of file and has no error pending.",
	.families = SC_TCP,
	.unix_note = "the claim is about what TCP sends; AF_UNIX has no FIN or reset",
	.cites = {
		{"POSIX.1-2017 shutdown(): \"SHUT_RDWR Disables further send and receive operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"Linux shutdown(2): \"If how is SHUT_RDWR, further receptions and transmissions will be disallowed.\"",
		 "https://man7.org/linux/man-pages/man2/shutdown.2.html"},
		{"RFC 1122 §4.2.2.13: the RST is for CLOSE: \"If such a host issues a CLOSE call while received data is still pending in TCP, or if new data is received after CLOSE is called, its TCP SHOULD send a RST to show that data was lost.\"",
		 "https://www.rfc-editor.org/rfc/rfc1122#section-4.2.2.13"},
		{"RFC 9293 §3.10.4, CLOSE in ESTABLISHED: \"Queue this until all preceding SENDs have been segmentized, then form a FIN segment and send it.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
		{"Winsock shutdown() (differs): \"Setting how to SD_BOTH disables both sends and receives as described above.\"; for SD_RECEIVE \"if there is still data queued on the socket waiting to be received, or data arrives subsequently, the connection is reset\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.run = shut_rdwr_with_unread_data_sends_fin,
);
