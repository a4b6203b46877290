/*
 * winsock.shutrd_data_resets: on Windows, data that arrives on a TCP
 * socket shut down for receiving cannot be delivered, so the connection is
 * reset: the sender's send() succeeds, and its next recv() fails with
 * WSAECONNRESET.  (POSIX and Linux keep the connection: shutrd.* cases.)
 *
 * Timeline:  local: shutdown(SD_RECEIVE) ;
 *            peer: send("late") == 4  ->  data  ->  local: RST  ->
 *            peer: error pending, recv() == -1 WSAECONNRESET
 */
#include "sockconf.h"
#include "winsock.h"

static void data_after_sd_receive_resets(enum sc_family family)
{
	struct sc_conn c;
	static const char late[] = "late";
	char buf[16];

	winsock_only("a reset for data arriving after SD_RECEIVE");
	c = open_connection(family);
	check_call(shutdown(c.local, SHUT_RD));
	check_int(send(c.peer, late, sizeof late, 0), ==, sizeof late); /* taken: it is the arrival that resets */
	wait_error_pending(c.peer);
	check_fails(recv(c.peer, buf, sizeof buf, 0), ECONNRESET);
}

SOCKCONF_CASE(
	.id = "winsock.shutrd_data_resets",
	.claim = "Data that arrives after shutdown(SD_RECEIVE) resets the connection: the sender's send() succeeds and its next recv() fails with WSAECONNRESET.",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"Winsock shutdown(): \"For TCP sockets, if there is still data queued on the socket waiting to be received, or data arrives subsequently, the connection is reset, since the data cannot be delivered to the user.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
		{"Winsock Terminating a Connection: \"If the termination was abortive, then send() and recv() calls will fail with the error WSAECONNRESET.\"",
		 "https://library.thedatadungeon.com/msdn-1998-06/conf/html/SA8ED.content.HTM"},
	},
	.asserts = {
		{SC_STATE_PEER_SEND_AFTER_SHUT_RD, "success"},
		{SC_STATE_RECV_AFTER_RESET, "ECONNRESET"},
	},
	.run = data_after_sd_receive_resets,
);
