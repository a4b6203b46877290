/*
 * winsock.send_disconnect_fin: WSASendDisconnect without disconnect data
 * is shutdown(SD_SEND): it succeeds, and the peer, having read what came
 * before, reads end of file (recv() returns 0).
 *
 * Timeline:  local: send("last") ; WSASendDisconnect(NULL)  ->  data, FIN  ->
 *            peer: recv() == "last", then recv() == 0
 */
#include "sockconf.h"
#include "winsock.h"

#include <string.h>

static void send_disconnect_ends_the_stream(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char last[] = "last";
	char buf[16];

	check_int(send(c.local, last, sizeof last, 0), ==, sizeof last);
	check_call(send_disconnect(c.local, NULL, 0));
	wait_readable(c.peer);
	check_int(recv(c.peer, buf, sizeof buf, 0), ==, sizeof last); /* what came before the FIN */
	check(memcmp(buf, last, sizeof last) == 0);
	wait_readable(c.peer);
	check_int(recv(c.peer, buf, sizeof buf, 0), ==, 0);
}

SOCKCONF_CASE(
	.id = "winsock.send_disconnect_fin",
	.claim = "WSASendDisconnect without disconnect data acts as shutdown(SD_SEND): it succeeds, and the peer reads the data before it and then end of file (recv() returns 0).",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"Winsock WSASendDisconnect(): \"The WSASendDisconnect function is used on connection-oriented sockets to disable transmission and to initiate termination of the connection along with the transmission of disconnect data, if any. This is equivalent to a shutdown (SD_SEND)\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsasenddisconnect"},
		{"Winsock shutdown(): \"If the how parameter is SD_SEND, subsequent calls to the send function are disallowed. For TCP sockets, a FIN will be sent after all data is sent and acknowledged by the receiver.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
		{"Winsock Terminating a Connection: \"If the termination was graceful, then any recv() calls made after all data has been received will return the value zero\"",
		 "https://library.thedatadungeon.com/msdn-1998-06/conf/html/SA8ED.content.HTM"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_FIN, "0"},
	},
	.run = send_disconnect_ends_the_stream,
);
